//! `consentry-desktop`: the only crate that knows Tauri. It holds one [`AppState`] with the
//! unlocked session and exposes thin commands over the `consentry` engine; the UI calls
//! them only through the TypeScript bindings generated from these types (`ui/src/bindings.ts`).

mod commands;
mod error;
mod state;
mod vocab;

include!("command_names.rs");

use std::process::ExitCode;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri_specta::{collect_commands, collect_events, Builder, Event};

pub use error::{ApiError, ApiResult};
pub use state::AppState;

/// Sent to the UI when the vault locks by itself (idle timeout).
#[derive(Serialize, Deserialize, Debug, Clone, Type, Event)]
pub struct VaultLocked {
    /// Why.
    pub reason: vocab::LockReason,
}

/// Every command and event, for the invoke handler and the generated bindings.
pub fn specta_builder() -> Builder<tauri::Wry> {
    use commands::{
        capture, catalogue, clause_form, event_stats, notices, operators, people, print, rights, sync, vault,
    };
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            vault::app_info,
            vault::create_vault,
            vault::unlock,
            vault::recover,
            vault::lock,
            vault::keep_alive,
            people::home,
            people::verify_vault,
            people::verify_status,
            people::restore_schema,
            catalogue::list_purposes,
            catalogue::add_purpose,
            catalogue::list_categories,
            catalogue::add_category,
            people::search_subjects,
            people::subject_detail,
            people::confirm_subject,
            operators::list_operators,
            operators::add_operator,
            operators::disable_operator,
            operators::reset_operator,
            operators::audit_log,
            operators::export_audit_log,
            operators::rotate_keys,
            vault::get_settings,
            vault::set_idle_lock,
            vault::set_receipt_printer,
            vault::backup_vault,
            vault::change_passphrase,
            notices::list_notices,
            notices::notice_version,
            notices::list_profiles,
            notices::save_profile,
            notices::example_profile,
            notices::list_templates,
            notices::save_template,
            clause_form::clause_form,
            clause_form::clause_source,
            notices::install_starter,
            notices::preview_notice,
            notices::create_notice,
            notices::draft_notice,
            notices::review_notice,
            notices::diff_notice,
            notices::export_packet,
            rights::withdraw_consent,
            rights::reveal_subject,
            rights::erase_subject,
            rights::save_receipt,
            rights::export_access,
            rights::export_suppression,
            rights::export_consents,
            rights::import_consents,
            rights::list_retention,
            rights::set_retention,
            rights::retention_due,
            capture::list_events,
            capture::approved_versions,
            capture::create_event,
            capture::close_event,
            capture::reopen_event,
            capture::record_paper_form,
            capture::start_kiosk,
            capture::event_form,
            sync::organisation,
            sync::become_headquarters,
            sync::enrol_device,
            sync::read_enrolment,
            sync::join_organisation,
            sync::revoke_device,
            sync::list_devices,
            sync::list_quarantine,
            sync::resolve_case,
            sync::save_device_bundle,
            sync::save_hq_bundle,
            sync::import_device_bundle,
            sync::load_hq_bundle,
            sync::unsent,
            event_stats::event_stats,
            event_stats::switch_event_notice,
            capture::kiosk_form,
            capture::kiosk_submit,
            capture::kiosk_badge,
            capture::kiosk_exit,
            capture::kiosk_consents,
            capture::kiosk_withdraw,
            print::kiosk_print_receipt,
            print::print_receipt,
        ])
        .events(collect_events![VaultLocked])
        // One constant only: tauri-specta keeps constants in a hash map, so two would be
        // written in a different order from run to run.
        .constant("VOCABULARY", vocab::Vocabulary::new())
}

/// The TypeScript exporter settings used for `ui/src/bindings.ts`.
/// While kiosk mode runs, the hidden main window may call no command at all: whoever reaches
/// it (a stray shortcut, a script) cannot use the unlocked session behind the kiosk. The
/// kiosk window's commands check their own window; leaving goes through the kiosk.
pub fn refused_while_kiosk(kiosk_running: bool, window: &str) -> bool {
    kiosk_running && window == "main"
}

/// The only pages a window may show: the app's own (`tauri://localhost`, or
/// `http(s)://tauri.localhost` where the platform serves it so). Anything else, another local
/// address included, is refused before it loads.
pub fn allowed_url(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}

pub fn typescript() -> specta_typescript::Typescript {
    specta_typescript::Typescript::default()
        .bigint(specta_typescript::BigIntExportBehavior::Number)
        .header("// @ts-nocheck: generated code; its types are still checked where the UI uses them.\n// Generated from the Rust command types by `consentry-desktop`; do not edit.\n// Regenerate: CONSENTRY_WRITE_BINDINGS=1 cargo test -p consentry-desktop bindings\n")
}

fn vault_paths() -> consentry::Result<consentry::vault::VaultPaths> {
    match std::env::var_os("CONSENTRY_VAULT") {
        Some(p) if !p.is_empty() => Ok(consentry::vault::VaultPaths::new(p)),
        _ => consentry::vault::VaultPaths::default_location(),
    }
}

/// Starts the desktop app.
pub fn run() -> ExitCode {
    tracing_init();
    let paths = match vault_paths() {
        Ok(p) => p,
        Err(e) => {
            tracing::error!(error = %e, "no vault location");
            return ExitCode::FAILURE;
        }
    };
    let state = AppState::new(paths);
    let builder = specta_builder();
    let idle_state = state.clone();
    let exit_state = state.clone();
    let handler = builder.invoke_handler();
    let kiosk_state = state.clone();
    let navigation = tauri::plugin::Builder::<tauri::Wry, ()>::new("navigation-guard")
        .on_navigation(|_, url| {
            let ok = allowed_url(url);
            if !ok {
                tracing::warn!(scheme = url.scheme(), "navigation refused");
            }
            ok
        })
        .build();
    let app = tauri::Builder::default()
        .plugin(navigation)
        .manage(state)
        .invoke_handler(move |invoke| {
            if refused_while_kiosk(kiosk_state.kiosk_running(), invoke.message.webview().label()) {
                invoke.resolver.reject(ApiError::new(
                    vocab::ErrorKind::PermissionDenied,
                    &consentry::domain::messages::KIOSK_RUNNING,
                ));
                return true;
            }
            handler(invoke)
        })
        .setup(move |app| {
            builder.mount_events(app);
            let handle = app.handle().clone();
            std::thread::spawn(move || loop {
                std::thread::sleep(Duration::from_secs(5));
                if idle_state.lock_if_idle() {
                    let _ = VaultLocked { reason: vocab::LockReason::Idle }.emit(&handle);
                }
            });
            Ok(())
        })
        .build(tauri::generate_context!());
    match app {
        Ok(app) => {
            app.run(move |_, event| {
                if let tauri::RunEvent::Exit = event {
                    let _ = exit_state.lock();
                }
            });
            ExitCode::SUCCESS
        }
        Err(e) => {
            tracing::error!(error = %e, "could not start the desktop app");
            ExitCode::FAILURE
        }
    }
}

fn tracing_init() {
    // Logs go to stderr, are off unless CONSENTRY_LOG is set (for example CONSENTRY_LOG=info),
    // and never carry secrets or personal data: the engine logs contexts and SQLite error codes.
    let filter = tracing_subscriber::EnvFilter::try_from_env("CONSENTRY_LOG").unwrap_or_else(|_| "off".into());
    let _ = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).try_init();
}
