//! Operators (admin).

use consentry::operator;
use consentry::vault::Passphrase;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

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
