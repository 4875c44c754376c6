//! Operators (admin).

use consentry::audit::AuditFilter;
use consentry::operator;
use consentry::rights::csv::CsvWriter;
use consentry::vault::Passphrase;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use super::rights::{save, stamp, SavedFile};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::vocab::Role;

#[derive(Serialize, Type)]
pub struct OperatorView {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
}

#[tauri::command]
#[specta::specta]
pub async fn list_operators(state: State<'_, AppState>) -> ApiResult<Vec<OperatorView>> {
    state
        .with_session(|s| {
            Ok(operator::list(s)?
                .into_iter()
                .map(|o| OperatorView { name: o.name, role: o.role.into(), disabled: o.disabled })
                .collect())
        })
        .await
}

#[derive(Deserialize, Type)]
pub struct AddOperatorRequest {
    pub name: String,
    pub role: Role,
    pub passphrase: String,
}

#[tauri::command]
#[specta::specta]
pub async fn add_operator(state: State<'_, AppState>, request: AddOperatorRequest) -> ApiResult<OperatorView> {
    let role = request.role.into();
    let pass = Passphrase::new(request.passphrase);
    state
        .with_session(move |s| {
            let o = operator::add(s, &request.name, role, &pass)?;
            Ok(OperatorView { name: o.name, role: o.role.into(), disabled: o.disabled })
        })
        .await
}

/// Rotates the data key and the personal-data key (admin); returns whether the personal-data
/// key was rotated too (not at headquarters).
#[tauri::command]
#[specta::specta]
pub async fn rotate_keys(state: State<'_, AppState>) -> ApiResult<bool> {
    state.with_session(|s| operator::rotate_keys(s).map(|r| r.personal_data_key)).await
}

#[tauri::command]
#[specta::specta]
pub async fn disable_operator(state: State<'_, AppState>, name: String) -> ApiResult<()> {
    state.with_session(move |s| operator::disable(s, &name)).await
}

/// Sets a new passphrase for an operator who forgot theirs, and re-enables one who was
/// disabled (admin). The passphrase goes to the engine and is dropped; it is never stored.
#[tauri::command]
#[specta::specta]
pub async fn reset_operator(state: State<'_, AppState>, name: String, passphrase: String) -> ApiResult<()> {
    reset_in(&state, name, passphrase).await
}

pub(crate) async fn reset_in(state: &AppState, name: String, passphrase: String) -> ApiResult<()> {
    let pass = Passphrase::new(passphrase);
    state.with_session(move |s| operator::reset(s, &name, &pass)).await
}

/// Which audit entries to show.
#[derive(Deserialize, Type)]
pub struct AuditRequest {
    /// The start of the action, such as `consent.` or `operator.`; empty: any.
    pub action: String,
    /// Part of the operator's name; empty: anyone.
    pub operator: String,
    /// At most this many, newest first (1 to 1000).
    pub limit: u32,
}

/// One audit log entry, as the screen shows it.
#[derive(Serialize, Type)]
pub struct AuditView {
    pub seq: u32,
    /// RFC 3339, with the device's offset.
    pub at: String,
    pub operator: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub hash: String,
}

fn filter(req: &AuditRequest) -> AuditFilter {
    AuditFilter { action: req.action.clone(), operator: req.operator.clone() }
}

fn limit(req: &AuditRequest) -> usize {
    req.limit.clamp(1, 1000) as usize
}

/// The audit log, newest first, filtered (admin and legal).
#[tauri::command]
#[specta::specta]
pub async fn audit_log(state: State<'_, AppState>, request: AuditRequest) -> ApiResult<Vec<AuditView>> {
    audit_in(&state, request).await
}

pub(crate) async fn audit_in(state: &AppState, request: AuditRequest) -> ApiResult<Vec<AuditView>> {
    state
        .with_session(move |s| {
            Ok(s.audit_log_filtered(&filter(&request), limit(&request))?
                .into_iter()
                .map(|e| AuditView {
                    seq: u32::try_from(e.seq).unwrap_or(u32::MAX),
                    at: e.at.to_rfc3339(),
                    operator: e.actor_name,
                    action: e.action,
                    target: e.target,
                    detail: e.detail,
                    hash: e.hash,
                })
                .collect())
        })
        .await
}

/// Saves the filtered audit log as CSV for Excel (UTF-8 with BOM) in the export folder, and
/// records the export in the log itself (admin and legal).
#[tauri::command]
#[specta::specta]
pub async fn export_audit_log(state: State<'_, AppState>, request: AuditRequest) -> ApiResult<SavedFile> {
    export_audit_in(&state, request).await
}

pub(crate) async fn export_audit_in(state: &AppState, request: AuditRequest) -> ApiResult<SavedFile> {
    let dir = state.export_dir().to_path_buf();
    let (doc, stamp) = state
        .with_session(move |s| {
            let entries = s.audit_log_filtered(&filter(&request), limit(&request))?;
            let mut w = CsvWriter::default();
            w.record(&["seq", "at", "operator", "action", "target", "detail", "hash"]);
            for e in &entries {
                let (seq, at) = (e.seq.to_string(), e.at.to_rfc3339());
                w.record(&[&seq, &at, &e.actor_name, &e.action, &e.target, &e.detail, &e.hash]);
            }
            let detail =
                format!("{} entries, action '{}', operator '{}'", entries.len(), request.action, request.operator);
            s.record_audit_export(&detail)?;
            Ok((consentry::rights::csv::for_excel(w.finish()), stamp(s)))
        })
        .await?;
    save(&dir, "audit", &stamp, "csv", doc.as_bytes())
}
