//! Home counts, verification, and the people in the vault (always masked here).

use chrono::{DateTime, FixedOffset};
use consentry::ledger::{self, ConsentEvent, PurposeStatus};
use consentry::subject::{self, SubjectKey, SubjectView};
use consentry::verify::{Place, Report};
use serde::Serialize;
use specta::Type;
use tauri::State;

use crate::error::ApiResult;
use crate::state::AppState;
use crate::vocab::{ConsentState, EventKind, Language, MatchedOn, Method, NoticeState};

#[derive(Serialize, Type)]
pub struct NoticeCount {
    pub state: NoticeState,
    pub count: u32,
}

#[derive(Serialize, Type)]
pub struct HomeView {
    pub subjects: u32,
    pub active_consents: u32,
    pub withdrawals_last_7_days: u32,
    pub notices: Vec<NoticeCount>,
    /// A vault made before personal data was sealed, not yet unlocked by an admin or legal
    /// operator: details are still kept unsealed.
    pub personal_data_pending: bool,
    /// Whether this sign-in opens unmasked personal data (admin, legal; and only once granted).
    pub opens_personal_data: bool,
}

fn small(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[tauri::command]
#[specta::specta]
pub async fn home(state: State<'_, AppState>) -> ApiResult<HomeView> {
    state
        .with_session(|s| {
            let sum = ledger::summary(s)?;
            let (personal_data_pending, opens_personal_data) = (s.personal_data_pending(), s.opens_personal_data());
            Ok(HomeView {
                personal_data_pending,
                opens_personal_data,
                subjects: small(sum.subjects),
                active_consents: small(sum.active_consents),
                withdrawals_last_7_days: small(sum.withdrawals_last_7_days),
                notices: sum
                    .notices_by_state
                    .into_iter()
                    .map(|(state, n)| {
                        Ok(NoticeCount {
                            state: state.parse::<consentry::notice::workflow::State>()?.into(),
                            count: small(n),
                        })
                    })
                    .collect::<consentry::Result<_>>()?,
            })
        })
        .await
}

#[derive(Serialize, Type)]
pub struct VerifyView {
    pub intact: bool,
    pub events_checked: u32,
    pub devices: u32,
    pub audit_entries_checked: u32,
    pub problems: Vec<String>,
    /// Where each problem is (`ledger`, `audit`, `checkpoint`, `notice_version`, `schema`,
    /// `current_state`, …), in the order of `problems`.
    pub places: Vec<String>,
    /// The schema differs from what the migrations create: writes are refused until an
    /// administrator restores it.
    pub schema_altered: bool,
    /// When this run finished (RFC 3339, the vault's clock).
    pub ran_at: String,
    /// Whether it walked everything; otherwise it checked what was added since `since`.
    pub full: bool,
    /// For a run that checked only what was new: when the verify it carried on from ran
    /// (RFC 3339, UTC).
    pub since: Option<String>,
    /// When the last full walk ran (RFC 3339, UTC): this run, if it was one.
    pub last_full: Option<String>,
}

/// Verify as Home shows it: whether one is running beside the session, and the last result.
#[derive(Serialize, Type)]
pub struct VerifyStatusView {
    pub running: bool,
    pub last: Option<VerifyView>,
}

fn verify_view(r: &Report, ran_at: DateTime<FixedOffset>) -> VerifyView {
    VerifyView {
        intact: r.is_intact(),
        events_checked: small(r.events_checked),
        devices: small(r.devices),
        audit_entries_checked: small(r.audit_entries_checked),
        problems: r.problems.iter().map(|p| p.message.clone()).collect(),
        places: r.problems.iter().map(|p| p.place.kind().to_string()).collect(),
        schema_altered: r.problems.iter().any(|p| matches!(p.place, Place::Schema { .. })),
        ran_at: ran_at.to_rfc3339(),
        full: r.full,
        since: r.since_ms.and_then(instant),
        last_full: if r.full { Some(ran_at.to_rfc3339()) } else { r.last_full_ms.and_then(instant) },
    }
}

/// An instant stored as ms since the epoch, in RFC 3339 (UTC).
fn instant(ms: i64) -> Option<String> {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339())
}

fn status_view(state: &AppState) -> ApiResult<VerifyStatusView> {
    let status = state.verify_status()?;
    Ok(VerifyStatusView { running: status.running, last: status.last.map(|(r, at)| verify_view(&r, at)) })
}

/// Starts a verify beside the session (unless one runs) and returns at once; Home polls
/// `verify_status` until it finishes. Capture and search are not held up meanwhile. `full`
/// walks everything; otherwise only what was added since the last intact verify is checked
/// (everything when the last full walk is a week old).
#[tauri::command]
#[specta::specta]
pub async fn verify_vault(state: State<'_, AppState>, full: bool) -> ApiResult<VerifyStatusView> {
    state
        .inner()
        .clone()
        .blocking(move |state| {
            state.touch();
            state.start_verify(full)?;
            status_view(state)
        })
        .await
}

/// Whether a verify is running and the last result; starts a run only if the vault changed
/// since the last one.
#[tauri::command]
#[specta::specta]
pub async fn verify_status(state: State<'_, AppState>) -> ApiResult<VerifyStatusView> {
    state.inner().clone().blocking(status_view).await
}

/// What restoring the schema left: the objects it could not put back (tables), as sentences.
#[derive(Serialize, Type)]
pub struct SchemaRestoredView {
    pub not_restored: Vec<String>,
}

/// Puts back the triggers, indexes and views the migrations create (administrators).
#[tauri::command]
#[specta::specta]
pub async fn restore_schema(state: State<'_, AppState>) -> ApiResult<SchemaRestoredView> {
    state
        .with_session(|s| {
            let left = s.restore_schema()?;
            Ok(SchemaRestoredView { not_restored: left.iter().map(|d| d.describe()).collect() })
        })
        .await
}

#[derive(Serialize, Type)]
pub struct PersonView {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub masked: bool,
    pub erased: bool,
}

impl From<SubjectView> for PersonView {
    fn from(s: SubjectView) -> Self {
        PersonView {
            id: s.id.into(),
            name: s.name,
            email: s.email,
            phone: s.phone,
            company: s.company,
            masked: s.masked,
            erased: s.erased,
        }
    }
}

/// A search result: the person masked, what the query matched, and their latest event, so
/// that people whose masked details look alike can be told apart.
#[derive(Serialize, Type)]
pub struct FoundView {
    pub person: PersonView,
    pub matched: Option<MatchedOn>,
    /// When their latest event was recorded (RFC 3339), how, and at which trade show.
    pub last_at: Option<String>,
    pub last_method: Option<Method>,
    pub last_event: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub async fn search_subjects(state: State<'_, AppState>, query: String) -> ApiResult<Vec<FoundView>> {
    search_in(&state, query).await
}

pub(crate) async fn search_in(state: &AppState, query: String) -> ApiResult<Vec<FoundView>> {
    state
        .with_session(move |s| {
            let found = subject::find(s, &query, 100)?;
            let ids: Vec<_> = found.iter().map(|f| f.person.id.clone()).collect();
            let last = ledger::last_seen(s, &ids)?;
            Ok(found
                .into_iter()
                .zip(last)
                .map(|(f, l)| FoundView {
                    person: f.person.into(),
                    matched: f.matched.map(Into::into),
                    last_at: l.as_ref().map(|l| l.at.to_rfc3339()),
                    last_method: l.as_ref().map(|l| l.method.into()),
                    last_event: l.and_then(|l| l.event),
                })
                .collect())
        })
        .await
}

/// Whether the e-mail or phone number a person gives, typed in full, is theirs (without
/// unmasking anything).
#[tauri::command]
#[specta::specta]
pub async fn confirm_subject(state: State<'_, AppState>, id: String, typed: String) -> ApiResult<bool> {
    state.with_session(move |s| subject::confirm(s, &id.into(), &typed)).await
}

#[derive(Serialize, Type)]
pub struct PurposeStatusView {
    pub purpose: String,
    pub state: ConsentState,
    pub since: String,
    pub notice_hash: Option<String>,
}

impl From<PurposeStatus> for PurposeStatusView {
    fn from(p: PurposeStatus) -> Self {
        PurposeStatusView {
            purpose: p.purpose,
            state: p.state.into(),
            since: p.since.to_rfc3339(),
            notice_hash: p.notice_hash,
        }
    }
}

#[derive(Serialize, Type)]
pub struct EventView {
    pub id: String,
    pub kind: EventKind,
    pub purpose: String,
    pub at: String,
    pub method: Method,
    pub notice_hash: Option<String>,
    pub language: Option<Language>,
    pub device_id: String,
    pub seq: u32,
    /// The receipt the event was issued on (to print it again).
    pub receipt_id: Option<String>,
    /// Whether a parent or guardian answered for a child under 14 (the kiosk records that in
    /// the event's evidence; the guardian's name is sealed and not shown here).
    pub by_guardian: bool,
}

impl From<ConsentEvent> for EventView {
    fn from(e: ConsentEvent) -> Self {
        let by_guardian = e.by_guardian();
        EventView {
            id: e.id.into(),
            kind: e.kind.into(),
            purpose: e.purpose,
            at: e.captured_at.to_rfc3339(),
            method: e.method.into(),
            notice_hash: e.notice_hash,
            language: e.language.map(Into::into),
            device_id: e.device_id.into(),
            seq: u32::try_from(e.seq).unwrap_or(u32::MAX),
            receipt_id: None,
            by_guardian,
        }
    }
}

#[derive(Serialize, Type)]
pub struct SubjectDetail {
    pub person: PersonView,
    pub status: Vec<PurposeStatusView>,
    pub history: Vec<EventView>,
}

#[tauri::command]
#[specta::specta]
pub async fn subject_detail(state: State<'_, AppState>, id: String) -> ApiResult<SubjectDetail> {
    detail_in(&state, id).await
}

pub(crate) async fn detail_in(state: &AppState, id: String) -> ApiResult<SubjectDetail> {
    state
        .with_session(move |s| {
            let key = SubjectKey::Id(id.into());
            let status = ledger::status(s, &key)?;
            let (_, history) = ledger::history(s, &key)?;
            let ids: Vec<_> = history.iter().map(|e| e.id.clone()).collect();
            let receipts = consentry::receipt::of_events(s, &ids)?;
            Ok(SubjectDetail {
                person: status.subject.into(),
                status: status.purposes.into_iter().map(Into::into).collect(),
                history: history
                    .into_iter()
                    .zip(receipts)
                    .map(|(e, r)| EventView { receipt_id: r.map(String::from), ..EventView::from(e) })
                    .collect(),
            })
        })
        .await
}
