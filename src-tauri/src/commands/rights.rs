//! Data-subject rights: withdraw, reveal, erase, receipts, the access export, the
//! suppression list, the consent export, CSV import and retention. Thin: request type →
//! engine call → response type. Roles and masking are enforced in the engine.
//!
//! **Where files go.** There is no file dialog (no plugins), and the webview must not be
//! able to write anywhere it likes. So the UI never names a path: the Rust side writes each
//! export as a *new* file (never overwriting, mode 0600) with a name it chooses, such as
//! `consentry-suppression-20260501-101207.csv`, in the operator's Downloads folder (or
//! `$CONSENTRY_EXPORT_DIR`), and tells the UI where. Unmasked data therefore never passes
//! through the webview at all. Imports are read in the webview from a file the operator picks
//! (an HTML file input) or pastes, and sent over IPC as text.

use std::path::Path;

use consentry::ledger::{self, Withdrawal};
use consentry::rights::{self, ExportFilter, Format, RetentionRule, Source};
use consentry::subject::{self, SubjectKey};
use consentry::{receipt, Session};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use super::people::PersonView;
use crate::error::{ApiResult, ApiText};
use crate::state::AppState;
use crate::vocab::{self, ConsentState, DocFormat, Due, Identity, Method, Provenance};

/// A file the app saved.
#[derive(Serialize, Type)]
pub struct SavedFile {
    /// Where it is.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u32,
}

/// Writes a new file `consentry-{what}-{stamp}.{ext}` in the export folder (never
/// overwrites; mode 0600), through the engine's one file writer.
pub(crate) fn save(dir: &Path, what: &str, stamp: &str, ext: &str, content: &[u8]) -> ApiResult<SavedFile> {
    let path = consentry::files::save_in(dir, what, stamp, ext, content)?;
    Ok(SavedFile { path: path.display().to_string(), bytes: u32::try_from(content.len()).unwrap_or(u32::MAX) })
}

/// The document as saved: a byte-order mark before CSV meant for Excel.
fn finish(doc: String, format: Format, excel: bool) -> String {
    if excel && format == Format::Csv {
        rights::csv::for_excel(doc)
    } else {
        doc
    }
}

fn extension(format: Format) -> &'static str {
    match format {
        Format::Csv => "csv",
        Format::Json => "json",
    }
}

pub(crate) fn stamp(s: &Session) -> String {
    s.now().format("%Y%m%d-%H%M%S").to_string()
}

// ---- Withdraw, reveal, erase, receipts ----

#[derive(Deserialize, Type)]
pub struct WithdrawRequest {
    pub subject_id: String,
    /// Purpose codes; empty means every purpose currently granted ("withdraw all").
    pub purposes: Vec<String>,
    /// in_person, email, phone, letter or kiosk.
    pub channel: Method,
    /// A note (never personal data: it is part of the permanent record).
    pub note: String,
}

#[derive(Serialize, Type)]
pub struct WithdrawalView {
    pub receipt_id: String,
    pub purposes: Vec<String>,
    pub at: String,
}

pub(crate) async fn withdraw_in(state: &AppState, req: WithdrawRequest) -> ApiResult<WithdrawalView> {
    let method = req.channel.into();
    let wd = Withdrawal {
        subject: SubjectKey::Id(req.subject_id.into()),
        purposes: req.purposes,
        method,
        evidence: req.note,
        at: None,
    };
    let r = state.with_session(move |s| ledger::record_withdrawal(s, &wd)).await?;
    Ok(WithdrawalView {
        receipt_id: r.receipt_id.into_string(),
        purposes: r.events.into_iter().map(|e| e.purpose).collect(),
        at: r.at.to_rfc3339(),
    })
}

/// Records a withdrawal of some purposes or all; takes effect at once.
#[tauri::command]
#[specta::specta]
pub async fn withdraw_consent(state: State<'_, AppState>, request: WithdrawRequest) -> ApiResult<WithdrawalView> {
    withdraw_in(&state, request).await
}

pub(crate) async fn reveal_in(state: &AppState, id: String) -> ApiResult<PersonView> {
    state.with_session(move |s| Ok(subject::reveal(s, &SubjectKey::Id(id.into()))?.into())).await
}

/// Shows one person unmasked (admin and legal); each reveal is in the audit log.
#[tauri::command]
#[specta::specta]
pub async fn reveal_subject(state: State<'_, AppState>, id: String) -> ApiResult<PersonView> {
    reveal_in(&state, id).await
}

#[derive(Serialize, Type)]
pub struct ErasedView {
    pub subject_id: String,
    /// The withdrawal receipt for purposes that were still granted, if any.
    pub withdrawal_receipt_id: Option<String>,
}

pub(crate) async fn erase_in(state: &AppState, id: String, channel: Method, note: String) -> ApiResult<ErasedView> {
    let method = channel.into();
    let e = state.with_session(move |s| rights::erase(s, &SubjectKey::Id(id.into()), method, &note)).await?;
    Ok(ErasedView {
        subject_id: e.subject_id.into(),
        withdrawal_receipt_id: e.withdrawn.map(|w| w.receipt_id.into_string()),
    })
}

/// Erases a person's personal data (admin and legal); the ledger keeps pseudonymous proof.
#[tauri::command]
#[specta::specta]
pub async fn erase_subject(
    state: State<'_, AppState>,
    id: String,
    channel: Method,
    note: String,
) -> ApiResult<ErasedView> {
    erase_in(&state, id, channel, note).await
}

fn html_or_json(format: DocFormat) -> ApiResult<bool> {
    Ok(format == DocFormat::Html)
}

pub(crate) async fn save_receipt_in(state: &AppState, id: String, format: DocFormat) -> ApiResult<SavedFile> {
    let html = html_or_json(format)?;
    let dir = state.export_dir().to_path_buf();
    let (doc, id, stamp) = state
        .with_session(move |s| {
            let r = receipt::show(s, &id)?;
            let doc = if html {
                receipt::to_html(&r)
            } else {
                serde_json::to_string_pretty(&receipt::to_json(&r)).unwrap_or_default()
            };
            Ok((doc, r.id, stamp(s)))
        })
        .await?;
    save(&dir, &format!("receipt-{id}"), &stamp, if html { "html" } else { "json" }, doc.as_bytes())
}

/// Saves a receipt (the person's printable copy, or its JSON) to the export folder.
#[tauri::command]
#[specta::specta]
pub async fn save_receipt(state: State<'_, AppState>, id: String, format: DocFormat) -> ApiResult<SavedFile> {
    save_receipt_in(&state, id, format).await
}

pub(crate) async fn export_access_in(state: &AppState, id: String, format: DocFormat) -> ApiResult<SavedFile> {
    let html = html_or_json(format)?;
    let dir = state.export_dir().to_path_buf();
    let (doc, stamp) = state
        .with_session(move |s| {
            let r = rights::access_report(s, &SubjectKey::Id(id.into()))?;
            let doc = if html { rights::access::to_html(&r) } else { rights::access::to_json(&r) };
            Ok((doc, stamp(s)))
        })
        .await?;
    save(&dir, "access", &stamp, if html { "html" } else { "json" }, doc.as_bytes())
}

/// Saves everything held about one person (admin and legal; audited).
#[tauri::command]
#[specta::specta]
pub async fn export_access(state: State<'_, AppState>, id: String, format: DocFormat) -> ApiResult<SavedFile> {
    export_access_in(&state, id, format).await
}

// ---- Suppression list and consent export ----

#[derive(Deserialize, Type)]
pub struct SuppressionRequest {
    /// csv or json.
    pub format: vocab::Format,
    /// masked, hashed or plain (plain: admin and legal).
    pub identity: Identity,
    pub purpose: Option<String>,
    /// CSV for Excel: UTF-8 with a byte-order mark (ignored for JSON).
    pub excel: bool,
}

pub(crate) async fn export_suppression_in(state: &AppState, req: SuppressionRequest) -> ApiResult<SavedFile> {
    let format: Format = req.format.into();
    let identity: rights::Identity = req.identity.into();
    let ext = extension(format);
    let dir = state.export_dir().to_path_buf();
    let (doc, stamp) = state
        .with_session(move |s| {
            let doc = rights::suppression_list(s, format, identity, req.purpose.as_deref())?;
            Ok((finish(doc, format, req.excel), stamp(s)))
        })
        .await?;
    save(&dir, "suppression", &stamp, ext, doc.as_bytes())
}

/// Saves the suppression list.
#[tauri::command]
#[specta::specta]
pub async fn export_suppression(state: State<'_, AppState>, request: SuppressionRequest) -> ApiResult<SavedFile> {
    export_suppression_in(&state, request).await
}

#[derive(Deserialize, Type)]
pub struct ConsentExportRequest {
    pub format: vocab::Format,
    pub identity: Identity,
    pub purposes: Vec<String>,
    /// granted, refused, withdrawn.
    pub states: Vec<ConsentState>,
    /// How consents were collected (kiosk, desk, paper, import, …).
    pub methods: Vec<Method>,
    /// Event ids: purposes people were asked about there.
    pub events: Vec<String>,
    /// RFC 3339, or null.
    pub from: Option<String>,
    pub to: Option<String>,
    /// CSV for Excel: UTF-8 with a byte-order mark (ignored for JSON).
    pub excel: bool,
}

/// A date from the UI (empty means no bound), read by the engine as the CLI reads it.
fn instant(
    t: Option<String>,
    end_of_day: bool,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>, consentry::Error> {
    t.filter(|t| !t.trim().is_empty()).map(|t| rights::day_or_time(&t, end_of_day, now)).transpose()
}

pub(crate) async fn export_consents_in(state: &AppState, req: ConsentExportRequest) -> ApiResult<SavedFile> {
    let format: Format = req.format.into();
    let identity: rights::Identity = req.identity.into();
    let states = req.states.iter().map(|s| (*s).into()).collect();
    let mut sources: Vec<Source> = req.methods.iter().map(|m| Source::Method((*m).into())).collect();
    sources.extend(req.events.iter().map(|e| Source::Event(e.clone())));
    let ext = extension(format);
    let dir = state.export_dir().to_path_buf();
    let (doc, stamp) = state
        .with_session(move |s| {
            let now = s.now();
            let filter = ExportFilter {
                purposes: req.purposes,
                states,
                sources,
                from: instant(req.from, false, now)?,
                to: instant(req.to, true, now)?,
            };
            let doc = rights::export_consents(s, &filter, format, identity)?;
            Ok((finish(doc, format, req.excel), stamp(s)))
        })
        .await?;
    save(&dir, "consents", &stamp, ext, doc.as_bytes())
}

/// Saves consents for CRM systems, filtered.
#[tauri::command]
#[specta::specta]
pub async fn export_consents(state: State<'_, AppState>, request: ConsentExportRequest) -> ApiResult<SavedFile> {
    export_consents_in(&state, request).await
}

// ---- Import ----

#[derive(Serialize, Type)]
pub struct RowErrorView {
    pub line: u32,
    pub column: Option<String>,
    /// What is wrong and how to fix it, rendered by the UI in its language.
    pub reason: ApiText,
}

#[derive(Serialize, Type)]
pub struct ImportView {
    pub committed: bool,
    pub rows: u32,
    pub events: u32,
    pub people: u32,
    pub new_people: u32,
    pub receipts: Vec<String>,
    pub errors: Vec<RowErrorView>,
    pub more_errors: u32,
}

fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub(crate) async fn import_in(state: &AppState, content: String, provenance: Provenance) -> ApiResult<ImportView> {
    let provenance: rights::Provenance = provenance.into();
    let r = state.with_session(move |s| rights::import_consents(s, content.as_bytes(), provenance)).await?;
    Ok(ImportView {
        committed: r.committed(),
        rows: small(r.rows),
        events: small(r.events),
        people: small(r.people),
        new_people: small(r.new_people),
        receipts: r.receipts,
        errors: r
            .errors
            .into_iter()
            .map(|e| RowErrorView { line: small(e.line), column: e.column, reason: ApiText::from(&e.reason) })
            .collect(),
        more_errors: small(r.more_errors),
    })
}

/// Imports historic or paper consents from CSV text: all rows or none.
#[tauri::command]
#[specta::specta]
pub async fn import_consents(
    state: State<'_, AppState>,
    content: String,
    provenance: Provenance,
) -> ApiResult<ImportView> {
    import_in(&state, content, provenance).await
}

// ---- Retention ----

#[derive(Serialize, Deserialize, Type)]
pub struct RetentionView {
    pub purpose: String,
    pub review_days: Option<u32>,
    pub delete_days: Option<u32>,
}

/// Every purpose's retention rule.
#[tauri::command]
#[specta::specta]
pub async fn list_retention(state: State<'_, AppState>) -> ApiResult<Vec<RetentionView>> {
    state
        .with_session(|s| {
            Ok(rights::rules(s)?
                .into_iter()
                .map(|r| RetentionView { purpose: r.purpose, review_days: r.review_days, delete_days: r.delete_days })
                .collect())
        })
        .await
}

/// Sets (or, with both empty, removes) a purpose's retention rule (admin and legal).
#[tauri::command]
#[specta::specta]
pub async fn set_retention(state: State<'_, AppState>, rule: RetentionView) -> ApiResult<()> {
    let rule = RetentionRule { purpose: rule.purpose, review_days: rule.review_days, delete_days: rule.delete_days };
    state.with_session(move |s| rights::set_rule(s, &rule)).await
}

#[derive(Serialize, Type)]
pub struct DueView {
    pub person: PersonView,
    pub purpose: String,
    pub state: ConsentState,
    pub since: String,
    /// review or delete.
    pub due: Due,
    pub due_at: String,
}

pub(crate) async fn retention_due_in(state: &AppState) -> ApiResult<Vec<DueView>> {
    state
        .with_session(|s| {
            Ok(rights::due(s)?
                .into_iter()
                .map(|d| DueView {
                    person: d.subject.into(),
                    purpose: d.purpose,
                    state: d.state.into(),
                    since: d.since.to_rfc3339(),
                    due: d.due.into(),
                    due_at: d.due_at.to_rfc3339(),
                })
                .collect())
        })
        .await
}

/// Consents due for review or deletion (people masked).
#[tauri::command]
#[specta::specta]
pub async fn retention_due(state: State<'_, AppState>) -> ApiResult<Vec<DueView>> {
    retention_due_in(&state).await
}

// Unit tests of these commands at the command layer (they call the crate-private `*_in`
// functions and `AppState::install`), kept in their own file.
#[cfg(test)]
#[path = "rights_tests.rs"]
mod tests;
