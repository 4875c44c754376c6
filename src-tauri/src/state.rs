//! The app's one state: where the vault is, the unlocked session (if any), and the idle
//! timer. Blocking engine work runs on the blocking pool, never on the async runtime.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use consentry::vault::VaultPaths;
use consentry::Session;

use crate::error::{ApiError, ApiResult};

/// Managed by Tauri; cheap to clone into blocking tasks.
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

struct Shared {
    paths: VaultPaths,
    inner: Mutex<Inner>,
}

pub(crate) struct Inner {
    pub(crate) session: Option<Session>,
    last_activity: Instant,
    pub(crate) idle_lock: Duration,
}

impl AppState {
    pub fn new(paths: VaultPaths) -> Self {
        AppState {
            shared: Arc::new(Shared {
                paths,
                inner: Mutex::new(Inner {
                    session: None,
                    last_activity: Instant::now(),
                    idle_lock: Duration::from_secs(60 * u64::from(consentry::vault::DEFAULT_IDLE_LOCK_MINUTES)),
                }),
            }),
        }
    }

    pub fn paths(&self) -> &VaultPaths {
        &self.shared.paths
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
            let mut inner = state.guard();
            inner.last_activity = Instant::now();
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
        let minutes =
            consentry::vault::idle_lock_minutes(&mut session).unwrap_or(consentry::vault::DEFAULT_IDLE_LOCK_MINUTES);
        let mut inner = self.guard();
        if inner.session.is_some() {
            return Err(ApiError::unlocked());
        }
        inner.session = Some(session);
        inner.idle_lock = Duration::from_secs(60 * u64::from(minutes));
        inner.last_activity = Instant::now();
        Ok(())
    }

    pub(crate) fn touch(&self) {
        self.guard().last_activity = Instant::now();
    }

    /// Locks the vault (recording it), dropping the session and its key.
    pub(crate) fn lock(&self) -> ApiResult<bool> {
        let session = self.guard().session.take();
        match session {
            Some(s) => s.lock().map(|_| true).map_err(ApiError::from),
            None => Ok(false),
        }
    }

    /// Locks the vault if it has been idle for longer than the idle-lock setting.
    pub(crate) fn lock_if_idle(&self) -> bool {
        let expired = {
            let inner = self.guard();
            inner.session.is_some() && inner.last_activity.elapsed() >= inner.idle_lock
        };
        expired && self.lock().unwrap_or(false)
    }
}
