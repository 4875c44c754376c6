//! Headquarters and its devices: the organisation, enrolment, the device table, bundles both
//! ways, the unsent counter and the quarantine. Thin: request type → engine call → response
//! type. Roles, and whether this vault is headquarters or a device, are checked in the engine.
//!
//! **Files.** As with the other exports (see `commands::rights`), the UI never names a path:
//! enrolment files and bundles are written by Rust as *new* files (never overwriting, mode
//! 0600) in the export folder, and the response says where. Files to import are picked in
//! the window (an HTML file input), read there and sent over IPC as base64 with their name
//! (the name is for the audit log); the engine refuses anything that is not a bundle of the
//! right kind, for this vault, signed by the right key. Several device bundles are imported
//! one command per file, so the window can show progress and a refused file does not stop
//! the others.

use chrono::{DateTime, FixedOffset};
use consentry::bundle::{self, Case, DeviceState, Imported, Organisation, Outcome, Received, Saved, Unsent};
use consentry::Session;
use data_encoding::BASE64;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::error::{ApiError, ApiResult, ErrorKind};
use crate::state::AppState;
use crate::vocab::ChainLog;

/// A file the operator picked in the window, read there.
#[derive(Deserialize, Type)]
pub struct PickedFile {
    /// Its name (no folder), for the audit log and the result list.
    pub name: String,
    /// Its bytes, base64.
    pub base64: String,
}

impl PickedFile {
    fn bytes(&self) -> ApiResult<Vec<u8>> {
        BASE64.decode(self.base64.as_bytes()).map_err(|_| {
            ApiError::new(ErrorKind::Invalid, consentry::domain::messages::FILE_NOT_WHOLE.with("name", &self.name))
        })
    }
}

fn small(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn seq(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// A stored instant (ms) as RFC 3339, in the offset this vault's clock shows now.
fn at(ms: i64, offset: FixedOffset) -> String {
    DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&offset).to_rfc3339()).unwrap_or_default()
}

fn offset(s: &Session) -> FixedOffset {
    *s.now().offset()
}

// ---- The organisation ----

#[derive(Serialize, Type)]
pub struct OrganisationView {
    pub id: String,
    pub name: String,
    /// This vault is headquarters (else a device of it).
    pub is_headquarters: bool,
    /// On a device: the fingerprint both screens showed at enrolment.
    pub fingerprint: Option<String>,
    /// On a device: its enrolment id at headquarters.
    pub enrolment_id: Option<String>,
    pub joined_at: String,
}

fn organisation_view(o: Organisation, offset: FixedOffset) -> OrganisationView {
    OrganisationView {
        id: o.id,
        name: o.name,
        is_headquarters: o.is_headquarters,
        fingerprint: o.fingerprint,
        enrolment_id: o.enrolment_id,
        joined_at: at(o.joined_at_ms, offset),
    }
}

pub(crate) async fn organisation_in(state: &AppState) -> ApiResult<Option<OrganisationView>> {
    state
        .with_session(|s| {
            let offset = offset(s);
            Ok(bundle::organisation(s)?.map(|o| organisation_view(o, offset)))
        })
        .await
}

/// The organisation this vault belongs to, if any (headquarters or a device of it).
#[tauri::command]
#[specta::specta]
pub async fn organisation(state: State<'_, AppState>) -> ApiResult<Option<OrganisationView>> {
    organisation_in(&state).await
}

pub(crate) async fn become_headquarters_in(state: &AppState, name: String) -> ApiResult<OrganisationView> {
    state
        .with_session(move |s| {
            let offset = offset(s);
            Ok(organisation_view(bundle::become_headquarters(s, &name)?, offset))
        })
        .await
}

/// Makes this vault the organisation's headquarters (admin).
#[tauri::command]
#[specta::specta]
pub async fn become_headquarters(state: State<'_, AppState>, name: String) -> ApiResult<OrganisationView> {
    become_headquarters_in(&state, name).await
}

// ---- Enrolment ----

#[derive(Serialize, Type)]
pub struct EnrolledDevice {
    pub enrolment_id: String,
    pub device_name: String,
    /// What the device's screen must show too.
    pub fingerprint: String,
    /// Where the enrolment file was saved.
    pub path: String,
}

pub(crate) async fn enrol_device_in(state: &AppState, device_name: String) -> ApiResult<EnrolledDevice> {
    let dir = state.export_dir().to_path_buf();
    state
        .with_session(move |s| {
            let stamp = super::rights::stamp(s);
            let e = bundle::enrol(s, &device_name)?;
            let path = bundle::save_enrolment(&dir, &e, &stamp)?;
            Ok(EnrolledDevice {
                enrolment_id: e.id,
                device_name: e.device_name,
                fingerprint: e.fingerprint,
                path: path.display().to_string(),
            })
        })
        .await
}

/// At headquarters: enrols a device and saves its enrolment file in the export folder (admin).
#[tauri::command]
#[specta::specta]
pub async fn enrol_device(state: State<'_, AppState>, device_name: String) -> ApiResult<EnrolledDevice> {
    enrol_device_in(&state, device_name).await
}

#[derive(Serialize, Type)]
pub struct EnrolmentPreview {
    pub organisation_name: String,
    pub device_name: String,
    pub enrolment_id: String,
    /// To compare with headquarters' screen before joining.
    pub fingerprint: String,
}

/// Reads an enrolment file before joining, to show its fingerprint (checks its signature;
/// changes nothing).
#[tauri::command]
#[specta::specta]
pub async fn read_enrolment(file: PickedFile) -> ApiResult<EnrolmentPreview> {
    let e = bundle::read_enrolment(&file.bytes()?)?;
    Ok(EnrolmentPreview {
        organisation_name: e.organisation_name,
        device_name: e.device_name,
        enrolment_id: e.enrolment_id,
        fingerprint: e.fingerprint,
    })
}

pub(crate) async fn join_organisation_in(state: &AppState, file: PickedFile) -> ApiResult<OrganisationView> {
    let bytes = file.bytes()?;
    state
        .with_session(move |s| {
            let offset = offset(s);
            Ok(organisation_view(bundle::join(s, &bytes)?, offset))
        })
        .await
}

/// On a device: joins the organisation the enrolment file names (admin).
#[tauri::command]
#[specta::specta]
pub async fn join_organisation(state: State<'_, AppState>, file: PickedFile) -> ApiResult<OrganisationView> {
    join_organisation_in(&state, file).await
}

/// At headquarters: revokes a device (by enrolment id or name); its bundles are refused from
/// then on (admin).
#[tauri::command]
#[specta::specta]
pub async fn revoke_device(state: State<'_, AppState>, device: String) -> ApiResult<()> {
    state.with_session(move |s| bundle::revoke(s, &device)).await
}

// ---- The device table and the quarantine ----

#[derive(Serialize, Type)]
pub struct GapView {
    pub from: u32,
    pub to: u32,
}

#[derive(Serialize, Type)]
pub struct DeviceView {
    pub enrolment_id: String,
    pub name: String,
    pub fingerprint: String,
    /// Once its first bundle arrived.
    pub device_id: Option<String>,
    pub enrolled_at: String,
    pub revoked_at: Option<String>,
    /// The last sequence number of its ledger held here.
    pub last_seq: u32,
    /// The ledger size of the last checkpoint accepted and cosigned.
    pub last_checkpoint: Option<u32>,
    /// When headquarters last acknowledged (cosigned) it.
    pub acknowledged_at: Option<String>,
    /// Missing ranges of sequence numbers (bundles held until they arrive).
    pub gaps: Vec<GapView>,
    /// Unresolved forks.
    pub forks: u32,
    /// People its events are about.
    pub people: u32,
    /// At least how many minutes its clock ran ahead of headquarters' (only beyond the clock
    /// tolerance).
    pub clock_ahead_minutes: Option<u32>,
}

fn device_view(d: DeviceState, offset: FixedOffset) -> DeviceView {
    DeviceView {
        enrolment_id: d.enrolment_id,
        name: d.name,
        fingerprint: d.fingerprint,
        device_id: d.device_id.map(String::from),
        enrolled_at: at(d.enrolled_at_ms, offset),
        revoked_at: d.revoked_at_ms.map(|ms| at(ms, offset)),
        last_seq: seq(d.last_seq),
        last_checkpoint: d.last_checkpoint.map(seq),
        acknowledged_at: d.acknowledged_at_ms.map(|ms| at(ms, offset)),
        gaps: d.gaps.into_iter().map(|(from, to)| GapView { from: seq(from), to: seq(to) }).collect(),
        forks: small(d.forks),
        people: small(d.people),
        clock_ahead_minutes: d.clock_ahead_ms.map(|ms| u32::try_from(ms / 60_000).unwrap_or(u32::MAX)),
    }
}

pub(crate) async fn list_devices_in(state: &AppState) -> ApiResult<Vec<DeviceView>> {
    state
        .with_session(|s| {
            let offset = offset(s);
            Ok(bundle::devices(s)?.into_iter().map(|d| device_view(d, offset)).collect())
        })
        .await
}

/// At headquarters: every enrolled device and what has arrived from it.
#[tauri::command]
#[specta::specta]
pub async fn list_devices(state: State<'_, AppState>) -> ApiResult<Vec<DeviceView>> {
    list_devices_in(&state).await
}

#[derive(Serialize, Type)]
pub struct CaseView {
    pub id: String,
    pub device_id: String,
    pub log: ChainLog,
    /// The first sequence number that differs.
    pub from_seq: u32,
    /// The last one in the contradicting checkpoint.
    pub to_seq: u32,
    /// The checkpoint headquarters held, as the device signed it.
    pub held_note: String,
    /// The device's contradicting checkpoint, as it signed it.
    pub contradicting_note: String,
    /// How many entries were set aside.
    pub entries: u32,
    pub detected_at: String,
    /// The administrator's note, once resolved.
    pub resolution: Option<String>,
}

fn case_view(c: Case, offset: FixedOffset) -> ApiResult<CaseView> {
    let log = c.log;
    Ok(CaseView {
        id: c.id,
        device_id: c.device_id.into(),
        log: log.into(),
        from_seq: seq(c.from_seq),
        to_seq: seq(c.to_seq),
        held_note: c.held_note,
        contradicting_note: c.contradicting_note,
        entries: small(c.entries),
        detected_at: at(c.detected_at_ms, offset),
        resolution: c.resolution,
    })
}

/// At headquarters: every fork found, newest first, with both signed statements.
#[tauri::command]
#[specta::specta]
pub async fn list_quarantine(state: State<'_, AppState>) -> ApiResult<Vec<CaseView>> {
    let (cases, offset) = state.with_session(|s| Ok((bundle::quarantine(s)?, offset(s)))).await?;
    cases.into_iter().map(|c| case_view(c, offset)).collect()
}

/// At headquarters: records an administrator's decision on a fork (admin).
#[tauri::command]
#[specta::specta]
pub async fn resolve_case(state: State<'_, AppState>, id: String, note: String) -> ApiResult<()> {
    state.with_session(move |s| bundle::resolve(s, &id, &note)).await
}

// ---- Bundles ----

#[derive(Serialize, Type)]
pub struct BundleSaved {
    /// Where it was written.
    pub path: String,
    pub events: u32,
    pub people: u32,
    pub audit_entries: u32,
    /// The ledger size its checkpoint covers (device bundles).
    pub ledger_size: u32,
}

impl From<Saved> for BundleSaved {
    fn from(s: Saved) -> Self {
        BundleSaved {
            path: s.path.display().to_string(),
            events: small(s.events),
            people: small(s.people),
            audit_entries: small(s.audit_entries),
            ledger_size: small(s.ledger_size),
        }
    }
}

pub(crate) async fn save_device_bundle_in(state: &AppState) -> ApiResult<BundleSaved> {
    let dir = state.export_dir().to_path_buf();
    state.with_session(move |s| Ok(bundle::save_device_bundle(s, &dir)?.into())).await
}

/// On a device: saves what headquarters has not acknowledged as a new bundle in the export
/// folder (marketer, admin).
#[tauri::command]
#[specta::specta]
pub async fn save_device_bundle(state: State<'_, AppState>) -> ApiResult<BundleSaved> {
    save_device_bundle_in(&state).await
}

pub(crate) async fn save_hq_bundle_in(state: &AppState, device: String) -> ApiResult<BundleSaved> {
    let dir = state.export_dir().to_path_buf();
    state.with_session(move |s| Ok(bundle::save_hq_bundle(s, &device, &dir)?.into())).await
}

/// At headquarters: saves a bundle for one device (wording, events, acknowledgements) in the
/// export folder (legal, admin).
#[tauri::command]
#[specta::specta]
pub async fn save_hq_bundle(state: State<'_, AppState>, device: String) -> ApiResult<BundleSaved> {
    save_hq_bundle_in(&state, device).await
}

/// What one import did.
#[derive(Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OutcomeView {
    /// New entries were merged.
    Merged,
    /// This exact file was imported before; nothing changed.
    AlreadyImported { at: String },
    /// Everything in it was already here; nothing changed.
    NothingNew,
    /// It starts after a gap; held until the missing entries arrive.
    Held { gap_from: u32, gap_to: u32 },
    /// It contradicts what the device signed before; quarantined.
    Fork { log: ChainLog, from_seq: u32 },
}

fn outcome_view(o: Outcome, offset: FixedOffset) -> OutcomeView {
    match o {
        Outcome::Merged => OutcomeView::Merged,
        Outcome::AlreadyImported { at_ms } => OutcomeView::AlreadyImported { at: at(at_ms, offset) },
        Outcome::NothingNew => OutcomeView::NothingNew,
        Outcome::Held { gap_from, gap_to } => OutcomeView::Held { gap_from: seq(gap_from), gap_to: seq(gap_to) },
        Outcome::Fork { log, from_seq } => OutcomeView::Fork { log: log.into(), from_seq: seq(from_seq) },
    }
}

#[derive(Serialize, Type)]
pub struct ImportedView {
    pub device_id: String,
    pub device_name: String,
    pub outcome: OutcomeView,
    pub events_added: u32,
    pub audit_added: u32,
    /// People new to headquarters.
    pub people_added: u32,
    /// People merged into someone headquarters already held.
    pub people_merged: u32,
    /// Personal details that disagreed with what headquarters holds (kept aside).
    pub conflicts: u32,
}

fn imported_view(i: Imported, offset: FixedOffset) -> ImportedView {
    ImportedView {
        device_id: i.device_id.into(),
        device_name: i.device_name,
        outcome: outcome_view(i.outcome, offset),
        events_added: small(i.events_added),
        audit_added: small(i.audit_added),
        people_added: small(i.people_added),
        people_merged: small(i.people_merged),
        conflicts: small(i.conflicts),
    }
}

pub(crate) async fn import_device_bundle_in(state: &AppState, file: PickedFile) -> ApiResult<ImportedView> {
    let bytes = file.bytes()?;
    state
        .with_session(move |s| {
            let offset = offset(s);
            Ok(imported_view(bundle::import_device_bundle_bytes(s, &file.name, &bytes)?, offset))
        })
        .await
}

/// At headquarters: imports one device bundle (legal, admin). A refusal is an error of kind
/// `bundle_refused` with its reason; the window calls this once per file.
#[tauri::command]
#[specta::specta]
pub async fn import_device_bundle(state: State<'_, AppState>, file: PickedFile) -> ApiResult<ImportedView> {
    import_device_bundle_in(&state, file).await
}

#[derive(Serialize, Type)]
pub struct ReceivedView {
    pub notice_versions_added: u32,
    /// Events (trade shows) new to this device.
    pub shows_added: u32,
    pub shows_updated: u32,
    /// Notice versions headquarters retired since.
    pub retired: u32,
    /// The ledger size headquarters has now acknowledged.
    pub acknowledged_events: Option<u32>,
    /// Things to tell the operator (in English, from the engine).
    pub warnings: Vec<String>,
}

impl From<Received> for ReceivedView {
    fn from(r: Received) -> Self {
        ReceivedView {
            notice_versions_added: small(r.notice_versions_added),
            shows_added: small(r.shows_added),
            shows_updated: small(r.shows_updated),
            retired: small(r.retired),
            acknowledged_events: r.acknowledged_events.map(seq),
            warnings: r.warnings,
        }
    }
}

pub(crate) async fn load_hq_bundle_in(state: &AppState, file: PickedFile) -> ApiResult<ReceivedView> {
    let bytes = file.bytes()?;
    state.with_session(move |s| Ok(bundle::load_hq_bundle_bytes(s, &file.name, &bytes)?.into())).await
}

/// On a device: loads a bundle from headquarters (marketer, admin).
#[tauri::command]
#[specta::specta]
pub async fn load_hq_bundle(state: State<'_, AppState>, file: PickedFile) -> ApiResult<ReceivedView> {
    load_hq_bundle_in(&state, file).await
}

// ---- What is not yet sent ----

#[derive(Serialize, Type)]
pub struct UnsentView {
    /// Consent events headquarters has not acknowledged.
    pub events: u32,
    /// People those events are about.
    pub people: u32,
    /// When the oldest of them was recorded.
    pub since: Option<String>,
    /// When headquarters last acknowledged this device.
    pub acknowledged_at: Option<String>,
}

fn unsent_view(u: Unsent, offset: FixedOffset) -> UnsentView {
    UnsentView {
        events: small(u.events),
        people: small(u.people),
        since: u.since_ms.map(|ms| at(ms, offset)),
        acknowledged_at: u.acknowledged_at_ms.map(|ms| at(ms, offset)),
    }
}

pub(crate) async fn unsent_in(state: &AppState) -> ApiResult<Option<UnsentView>> {
    state
        .with_session(|s| {
            let offset = offset(s);
            Ok(bundle::unsent(s)?.map(|u| unsent_view(u, offset)))
        })
        .await
}

/// On an enrolled device: what is not yet sent to headquarters; `null` elsewhere.
#[tauri::command]
#[specta::specta]
pub async fn unsent(state: State<'_, AppState>) -> ApiResult<Option<UnsentView>> {
    unsent_in(&state).await
}

// Unit tests at the command layer (the crate-private `*_in` functions), in their own file.
#[cfg(test)]
#[path = "sync_tests.rs"]
mod tests;
