//! The app's one state: where the vault is, the unlocked session (if any), and the idle
//! timer. Blocking engine work runs on the blocking pool, never on the async runtime.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use consentry::vault::VaultPaths;
use consentry::verify::{self, Report, Stop};
use consentry::Session;

use crate::error::{ApiError, ApiResult};

/// `$CONSENTRY_EXPORT_DIR`, else the Downloads folder, else `~/Downloads`.
pub(crate) fn default_export_dir() -> PathBuf {
    match std::env::var_os("CONSENTRY_EXPORT_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => dirs::download_dir()
            .or_else(|| dirs::home_dir().map(|h| h.join("Downloads")))
            .unwrap_or_else(|| PathBuf::from(".")),
    }
}

/// Where the idle timer reads the time: the system's monotonic clock in the app, a clock the
/// test moves by hand in tests (so no test sleeps on the real clock).
pub trait Ticker: Send + Sync {
    /// Now, on a monotonic clock.
    fn now(&self) -> Instant;
}

/// The system's monotonic clock.
pub struct SystemTicker;

impl Ticker for SystemTicker {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// Managed by Tauri; cheap to clone into blocking tasks.
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

struct Shared {
    paths: VaultPaths,
    /// Where exports are saved (see `commands::rights`).
    export_dir: std::path::PathBuf,
    ticker: Arc<dyn Ticker>,
    inner: Mutex<Inner>,
    verify: Mutex<VerifyState>,
    /// Whether kiosk mode runs, readable without the session lock (the IPC guard in `lib.rs`
    /// reads it for every command and must never wait behind a long command).
    kiosk_running: std::sync::atomic::AtomicBool,
}

/// The background verify: the running one (to stop it at lock) and the last result.
#[derive(Default)]
struct VerifyState {
    /// Bumped at each lock, so a run that finishes after the lock is discarded.
    generation: u64,
    /// The running verifier's stop handle.
    running: Option<Stop>,
    /// The last finished run and when it finished.
    last: Option<(Report, DateTime<FixedOffset>)>,
}

/// What the Home screen shows of verify.
pub(crate) struct VerifyStatus {
    pub(crate) running: bool,
    pub(crate) last: Option<(Report, DateTime<FixedOffset>)>,
}

pub(crate) struct Inner {
    pub(crate) session: Option<Session>,
    /// The event whose kiosk is running, while the kiosk window is open.
    pub(crate) kiosk: Option<String>,
    /// The last receipt the kiosk made, the only one it may print.
    pub(crate) kiosk_receipt: Option<String>,
    last_activity: Instant,
    pub(crate) idle_lock: Duration,
}

impl AppState {
    pub fn new(paths: VaultPaths) -> Self {
        Self::with_export_dir(paths, default_export_dir())
    }

    /// An app state whose exports go to `export_dir` (tests use a temporary folder).
    pub fn with_export_dir(paths: VaultPaths, export_dir: std::path::PathBuf) -> Self {
        Self::with_ticker(paths, export_dir, Arc::new(SystemTicker))
    }

    /// An app state whose idle timer reads `ticker`.
    pub fn with_ticker(paths: VaultPaths, export_dir: std::path::PathBuf, ticker: Arc<dyn Ticker>) -> Self {
        let now = ticker.now();
        AppState {
            shared: Arc::new(Shared {
                paths,
                export_dir,
                ticker,
                inner: Mutex::new(Inner {
                    session: None,
                    kiosk: None,
                    kiosk_receipt: None,
                    last_activity: now,
                    idle_lock: Duration::from_secs(60 * u64::from(consentry::settings::DEFAULT_IDLE_LOCK_MINUTES)),
                }),
                verify: Mutex::new(VerifyState::default()),
                kiosk_running: std::sync::atomic::AtomicBool::new(false),
            }),
        }
    }

    pub fn paths(&self) -> &VaultPaths {
        &self.shared.paths
    }

    /// Starts (`Some(event)`) or ends kiosk mode.
    pub(crate) fn set_kiosk(&self, event: Option<String>) {
        let running = event.is_some();
        let mut inner = self.guard();
        inner.kiosk = event;
        inner.kiosk_receipt = None;
        drop(inner);
        self.shared.kiosk_running.store(running, std::sync::atomic::Ordering::SeqCst);
    }

    /// Whether kiosk mode runs.
    pub fn kiosk_running(&self) -> bool {
        self.shared.kiosk_running.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// The folder exports are saved in.
    pub fn export_dir(&self) -> &std::path::Path {
        &self.shared.export_dir
    }

    pub(crate) fn guard(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave the session half-changed (every engine
        // write is one transaction), so a poisoned lock is safe to keep using.
        self.shared.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on the blocking pool with the unlocked session, and counts as activity.
    pub async fn with_session<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Session) -> Result<T, consentry::Error> + Send + 'static,
    {
        let state = self.clone();
        tauri::async_runtime::spawn_blocking(move || {
            let now = state.shared.ticker.now();
            let mut inner = state.guard();
            inner.last_activity = now;
            let session = inner.session.as_mut().ok_or_else(ApiError::locked)?;
            f(session).map_err(ApiError::from)
        })
        .await
        .map_err(|_| ApiError::internal())?
    }

    /// Runs `f` on the blocking pool with the state itself (unlock, create, lock).
    pub async fn blocking<T, F>(&self, f: F) -> ApiResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&AppState) -> ApiResult<T> + Send + 'static,
    {
        let state = self.clone();
        tauri::async_runtime::spawn_blocking(move || f(&state)).await.map_err(|_| ApiError::internal())?
    }

    /// Installs a freshly unlocked session.
    pub(crate) fn install(&self, mut session: Session) -> ApiResult<()> {
        let minutes = consentry::settings::idle_lock_minutes(&mut session)
            .unwrap_or(consentry::settings::DEFAULT_IDLE_LOCK_MINUTES);
        let now = self.shared.ticker.now();
        let mut inner = self.guard();
        if inner.session.is_some() {
            return Err(ApiError::unlocked());
        }
        inner.session = Some(session);
        inner.idle_lock = Duration::from_secs(60 * u64::from(minutes));
        inner.last_activity = now;
        Ok(())
    }

    pub(crate) fn touch(&self) {
        let now = self.shared.ticker.now();
        self.guard().last_activity = now;
    }

    fn verify_state(&self) -> MutexGuard<'_, VerifyState> {
        self.shared.verify.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Starts a verify beside the session, on its own read-only connection, unless one is
    /// running: capture and search go on meanwhile. When it finishes, its result is kept for
    /// Home and recorded in the audit log. Roles that may not verify start nothing.
    ///
    /// `full` walks everything; otherwise it is a routine run, which checks what was added
    /// since the last intact verify, unless the last full walk is a week old.
    pub(crate) fn start_verify(&self, full: bool) -> ApiResult<()> {
        let verifier = {
            let mut inner = self.guard();
            let Some(session) = inner.session.as_mut() else { return Err(ApiError::locked()) };
            if !consentry::Action::Verify.allows(session.role()) {
                return Ok(());
            }
            let mut v = self.verify_state();
            if v.running.is_some() {
                return Ok(());
            }
            let verifier = verify::verifier(session)?;
            let scope =
                if full { verify::Scope::Full } else { verify::Scope::Routine(session.now().timestamp_millis()) };
            v.running = Some(verifier.stop_handle());
            (verifier, v.generation, scope)
        };
        let state = self.clone();
        std::thread::spawn(move || {
            let (verifier, generation, scope) = verifier;
            let outcome = verifier.run(scope);
            drop(verifier);
            state.finish_verify(generation, outcome);
        });
        Ok(())
    }

    fn finish_verify(&self, generation: u64, outcome: Result<Report, consentry::Error>) {
        let mut inner = self.guard();
        let mut v = self.verify_state();
        if v.generation != generation {
            return; // locked meanwhile: the run was stopped and its result is not kept
        }
        v.running = None;
        let report = match outcome {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "verify did not finish");
                return;
            }
        };
        if let Some(session) = inner.session.as_mut() {
            if let Err(e) = verify::record(session, &report) {
                tracing::warn!(error = %e, "verify not recorded in the audit log");
            }
            v.last = Some((report, session.now()));
        }
    }

    /// Whether a verify is running, and the last result; if the vault changed since that
    /// result (consents recorded, notices approved, …), another run starts beside the session.
    pub(crate) fn verify_status(&self) -> ApiResult<VerifyStatus> {
        if self.guard().session.is_none() {
            return Err(ApiError::locked());
        }
        let last = self.verify_state().last.clone();
        if let Some((report, _)) = &last {
            let stale = {
                let mut inner = self.guard();
                let session = inner.session.as_mut().ok_or_else(ApiError::locked)?;
                verify::is_stale(session, report)?
            };
            if stale {
                self.start_verify(false)?;
            }
        }
        let v = self.verify_state();
        Ok(VerifyStatus { running: v.running.is_some(), last: v.last.clone() })
    }

    /// Locks the vault (recording it), dropping the session and its key.
    pub(crate) fn lock(&self) -> ApiResult<bool> {
        {
            // A running verify stops at once and drops its copy of the key.
            let mut v = self.verify_state();
            v.generation += 1;
            if let Some(stop) = v.running.take() {
                stop.stop();
            }
            v.last = None;
        }
        let session = {
            let mut inner = self.guard();
            inner.kiosk = None;
            inner.kiosk_receipt = None;
            self.shared.kiosk_running.store(false, std::sync::atomic::Ordering::SeqCst);
            inner.session.take()
        };
        match session {
            Some(s) => s.lock().map(|_| true).map_err(ApiError::from),
            None => Ok(false),
        }
    }

    /// Locks the vault if it has been idle for longer than the idle-lock setting.
    pub(crate) fn lock_if_idle(&self) -> bool {
        let now = self.shared.ticker.now();
        let expired = {
            let inner = self.guard();
            // A running kiosk stays unlocked: it can only capture, and leaving it needs a passphrase.
            inner.session.is_some()
                && inner.kiosk.is_none()
                && now.saturating_duration_since(inner.last_activity) >= inner.idle_lock
        };
        expired && self.lock().unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use consentry::vault::{NewVault, Passphrase, VaultPaths};
    use consentry::SystemClock;

    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// A clock the test moves by hand.
    struct ManualTicker(Mutex<Instant>);

    impl ManualTicker {
        fn advance(&self, by: Duration) {
            if let Ok(mut t) = self.0.lock() {
                *t += by;
            }
        }
    }

    impl Ticker for ManualTicker {
        fn now(&self) -> Instant {
            self.0.lock().map(|t| *t).unwrap_or_else(|_| Instant::now())
        }
    }

    fn unlocked_state_with(
        dir: &std::path::Path,
        ticker: Arc<dyn Ticker>,
    ) -> Result<AppState, Box<dyn std::error::Error>> {
        let paths = VaultPaths::new(dir.join("consentry.db"));
        let pass = Passphrase::new("idle test passphrase".into());
        let (session, _recovery) = consentry::Session::create(
            &paths,
            NewVault { admin_name: "Ada", passphrase: &pass, device_name: "test" },
            Arc::new(SystemClock),
        )?;
        let state = AppState::with_ticker(paths, dir.join("exports"), ticker);
        state.install(session).map_err(|e| e.message)?;
        Ok(state)
    }

    fn unlocked_state(dir: &std::path::Path) -> Result<AppState, Box<dyn std::error::Error>> {
        unlocked_state_with(dir, Arc::new(SystemTicker))
    }

    #[test]
    fn an_idle_vault_locks_itself_and_drops_the_session() -> TestResult {
        let dir = tempfile::tempdir()?;
        let state = unlocked_state(dir.path())?;
        assert!(!state.lock_if_idle(), "a fresh session is not idle");
        assert!(state.guard().session.is_some());
        state.guard().idle_lock = Duration::ZERO;
        assert!(state.lock_if_idle());
        assert!(state.guard().session.is_none(), "the session and its key are gone");
        assert!(!state.lock_if_idle(), "locking twice does nothing");

        // The lock is in the audit log.
        let mut again = consentry::Session::unlock(
            state.paths(),
            "Ada",
            &Passphrase::new("idle test passphrase".into()),
            Arc::new(SystemClock),
        )?;
        let actions: Vec<String> = again.audit_log(5)?.into_iter().map(|e| e.action).collect();
        assert!(actions.contains(&"vault.lock".to_string()), "{actions:?}");
        again.lock()?;
        Ok(())
    }

    #[test]
    fn activity_keeps_the_vault_open_and_a_second_unlock_is_refused() -> TestResult {
        let dir = tempfile::tempdir()?;
        let ticker = Arc::new(ManualTicker(Mutex::new(Instant::now())));
        let state = unlocked_state_with(dir.path(), ticker.clone())?;
        state.guard().idle_lock = Duration::from_secs(300);
        ticker.advance(Duration::from_secs(200));
        state.touch();
        ticker.advance(Duration::from_secs(200));
        assert!(!state.lock_if_idle(), "activity 200 s ago is within the 300 s idle time");
        assert!(state.guard().session.is_some());
        let second = consentry::Session::unlock(
            state.paths(),
            "Ada",
            &Passphrase::new("idle test passphrase".into()),
            Arc::new(SystemClock),
        )?;
        let refused = state.install(second);
        assert!(matches!(refused, Err(ApiError { ref kind, .. }) if *kind == crate::vocab::ErrorKind::AlreadyUnlocked));
        ticker.advance(Duration::from_secs(100));
        assert!(state.lock_if_idle(), "300 s after the last activity the vault locks itself");
        assert!(state.guard().session.is_none());
        Ok(())
    }

    /// Waits (on the real clock: the verify runs on its own thread) until no verify runs.
    fn wait_for_verify(state: &AppState) -> TestResult {
        let deadline = Instant::now() + Duration::from_secs(60);
        while state.verify_status().map_err(|e| e.message)?.running {
            if Instant::now() > deadline {
                return Err("verify did not finish".into());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        Ok(())
    }

    #[test]
    fn verify_runs_beside_the_session_its_result_is_kept_and_lock_discards_it() -> TestResult {
        let dir = tempfile::tempdir()?;
        let state = unlocked_state_with(dir.path(), Arc::new(SystemTicker))?;
        state.start_verify(false).map_err(|e| e.message)?;
        // The session is not held while it runs: a write goes through at once.
        {
            let mut inner = state.guard();
            let session = inner.session.as_mut().ok_or("locked")?;
            consentry::settings::set_idle_lock_minutes(session, 7)?;
        }
        wait_for_verify(&state)?;
        let (report, _at) = state.verify_status().map_err(|e| e.message)?.last.ok_or("no result kept")?;
        assert!(report.is_intact(), "{:?}", report.problems);
        {
            let mut inner = state.guard();
            let session = inner.session.as_mut().ok_or("locked")?;
            let log = session.audit_log(10)?;
            // Once, or twice if the change above came after the first run's snapshot (Home's
            // status then started another run, since the result might no longer hold).
            let runs = log.iter().filter(|e| e.action == "vault.verify").count();
            assert!((1..=2).contains(&runs), "{runs} runs recorded");
        }
        assert!(!state.verify_status().map_err(|e| e.message)?.running, "nothing changed since: no new run");
        state.lock().map_err(|e| e.message)?;
        assert!(matches!(state.verify_status(), Err(ApiError { kind: crate::vocab::ErrorKind::Locked, .. })));
        Ok(())
    }
}
