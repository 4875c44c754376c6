//! Vault screens: first run, unlock, lock, idle, settings, passphrase change.

use std::sync::Arc;

use consentry::vault::{self, NewVault, Passphrase};
use consentry::SystemClock;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::vocab::{ActionName, Role};

/// Who is signed in.
#[derive(Serialize, Type)]
pub struct SessionInfo {
    pub operator: String,
    pub role: Role,
    pub device: String,
    /// What this operator may do: the engine's permission table for their role.
    pub allowed: Vec<ActionName>,
}

impl SessionInfo {
    fn of(s: &consentry::Session) -> Self {
        SessionInfo {
            operator: s.operator().name.clone(),
            role: s.role().into(),
            device: s.device_name().into(),
            allowed: ActionName::allowed(s.role()),
        }
    }
}

/// What the app knows before anyone signs in.
#[derive(Serialize, Type)]
pub struct AppInfo {
    pub version: String,
    pub vault_path: String,
    pub vault_exists: bool,
    pub default_device_name: String,
    pub session: Option<SessionInfo>,
    pub min_passphrase_chars: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn app_info(state: State<'_, AppState>) -> ApiResult<AppInfo> {
    let state = state.inner().clone();
    let session = state.guard().session.as_ref().map(SessionInfo::of);
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        vault_path: state.paths().db.display().to_string(),
        vault_exists: state.paths().exists(),
        default_device_name: host_name(),
        session,
        min_passphrase_chars: u32::try_from(vault::MIN_PASSPHRASE_CHARS).unwrap_or(10),
    })
}

fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_default()
}

#[derive(Deserialize, Type)]
pub struct CreateVaultRequest {
    pub admin_name: String,
    pub passphrase: String,
    pub device_name: String,
}

/// The new vault's one-time recovery key, and the session it opened.
#[derive(Serialize, Type)]
pub struct CreatedVault {
    pub recovery_key: String,
    pub session: SessionInfo,
}

#[tauri::command]
#[specta::specta]
pub async fn create_vault(state: State<'_, AppState>, request: CreateVaultRequest) -> ApiResult<CreatedVault> {
    state
        .inner()
        .clone()
        .blocking(move |state| {
            let pass = Passphrase::new(request.passphrase);
            let (session, recovery) = consentry::Session::create(
                state.paths(),
                NewVault { admin_name: &request.admin_name, passphrase: &pass, device_name: &request.device_name },
                Arc::new(SystemClock),
            )?;
            let info = SessionInfo::of(&session);
            state.install(session)?;
            if let Err(e) = state.start_verify(false) {
                tracing::warn!(kind = e.kind.as_str(), "verify not started after creating the vault");
            }
            Ok(CreatedVault { recovery_key: recovery.expose_display().to_string(), session: info })
        })
        .await
}

#[derive(Deserialize, Type)]
pub struct UnlockRequest {
    pub operator: String,
    pub passphrase: String,
}

#[tauri::command]
#[specta::specta]
pub async fn unlock(state: State<'_, AppState>, request: UnlockRequest) -> ApiResult<SessionInfo> {
    state
        .inner()
        .clone()
        .blocking(move |state| {
            if state.guard().session.is_some() {
                return Err(ApiError::unlocked());
            }
            let pass = Passphrase::new(request.passphrase);
            let session = consentry::Session::unlock(state.paths(), &request.operator, &pass, Arc::new(SystemClock))?;
            let info = SessionInfo::of(&session);
            state.install(session)?;
            // Once after unlock, beside the session: Home shows the result when it is ready.
            if let Err(e) = state.start_verify(false) {
                tracing::warn!(kind = e.kind.as_str(), "verify not started after unlock");
            }
            Ok(info)
        })
        .await
}

/// Signing in with the recovery key: who sets a new passphrase, the key as written down
/// when the vault was created, and the new passphrase.
#[derive(Deserialize, Type)]
pub struct RecoverRequest {
    pub operator: String,
    pub recovery_key: String,
    pub new_passphrase: String,
}

/// Opens the vault with the recovery key and sets a new passphrase for the operator named
/// (audited as `vault.recover`), then signs them in. A wrong key changes nothing. The key and
/// the passphrase are zeroed when this returns; neither is stored.
#[tauri::command]
#[specta::specta]
pub async fn recover(state: State<'_, AppState>, request: RecoverRequest) -> ApiResult<SessionInfo> {
    recover_in(state.inner().clone(), request).await
}

pub(crate) async fn recover_in(state: AppState, request: RecoverRequest) -> ApiResult<SessionInfo> {
    state
        .blocking(move |state| {
            if state.guard().session.is_some() {
                return Err(ApiError::unlocked());
            }
            let key = vault::RecoveryKey::parse(&request.recovery_key)?;
            let pass = Passphrase::new(request.new_passphrase);
            let session =
                consentry::Session::recover(state.paths(), &key, &request.operator, &pass, Arc::new(SystemClock))?;
            let info = SessionInfo::of(&session);
            state.install(session)?;
            if let Err(e) = state.start_verify(false) {
                tracing::warn!(kind = e.kind.as_str(), "verify not started after recovery");
            }
            Ok(info)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn lock(state: State<'_, AppState>) -> ApiResult<()> {
    state.inner().clone().blocking(|state| state.lock().map(drop)).await
}

#[tauri::command]
#[specta::specta]
pub async fn keep_alive(state: State<'_, AppState>) -> ApiResult<bool> {
    state.touch();
    Ok(state.guard().session.is_some())
}

#[derive(Serialize, Type)]
pub struct Settings {
    pub idle_lock_minutes: u32,
    /// The ESC/POS thermal printer's device file; none: receipts go to the system's printer.
    pub receipt_printer: Option<String>,
}

fn settings_of(s: &mut consentry::Session) -> Result<Settings, consentry::Error> {
    Ok(Settings {
        idle_lock_minutes: consentry::settings::idle_lock_minutes(s)?,
        receipt_printer: consentry::settings::receipt_printer(s)?.map(|p| p.display().to_string()),
    })
}

#[tauri::command]
#[specta::specta]
pub async fn get_settings(state: State<'_, AppState>) -> ApiResult<Settings> {
    state.with_session(settings_of).await
}

/// Sets the thermal printer (admin); empty: print to the system's printer.
#[tauri::command]
#[specta::specta]
pub async fn set_receipt_printer(state: State<'_, AppState>, device: String) -> ApiResult<Settings> {
    state
        .with_session(move |s| {
            let device = device.trim();
            consentry::settings::set_receipt_printer(s, (!device.is_empty()).then(|| std::path::Path::new(device)))?;
            settings_of(s)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn set_idle_lock(state: State<'_, AppState>, minutes: u32) -> ApiResult<Settings> {
    let out = state
        .with_session(move |s| {
            consentry::settings::set_idle_lock_minutes(s, minutes)?;
            settings_of(s)
        })
        .await?;
    state.guard().idle_lock = std::time::Duration::from_secs(60 * u64::from(minutes));
    Ok(out)
}

#[derive(Serialize, Type)]
pub struct BackupSaved {
    pub db: String,
    pub keys: String,
    pub events: u32,
    pub kib: u32,
}

pub(crate) async fn backup_vault_in(state: &AppState) -> ApiResult<BackupSaved> {
    let dir = state.export_dir().to_path_buf();
    state
        .with_session(move |s| {
            let b = consentry::backup::backup(s, &dir)?;
            Ok(BackupSaved {
                db: b.db.display().to_string(),
                keys: b.keys.display().to_string(),
                events: u32::try_from(b.events).unwrap_or(u32::MAX),
                kib: u32::try_from(b.bytes / 1024).unwrap_or(u32::MAX),
            })
        })
        .await
}

/// Writes an encrypted backup of the vault (and its key-slot file) into the export folder
/// (admin).
#[tauri::command]
#[specta::specta]
pub async fn backup_vault(state: State<'_, AppState>) -> ApiResult<BackupSaved> {
    backup_vault_in(&state).await
}

#[derive(Deserialize, Type)]
pub struct ChangePassphraseRequest {
    pub current: String,
    pub new: String,
}

#[tauri::command]
#[specta::specta]
pub async fn change_passphrase(state: State<'_, AppState>, request: ChangePassphraseRequest) -> ApiResult<()> {
    state
        .with_session(move |s| s.change_passphrase(&Passphrase::new(request.current), &Passphrase::new(request.new)))
        .await
}
