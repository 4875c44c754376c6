//! The one error shape the UI sees: `{ kind, message }`. The kind is stable and the UI
//! branches on it (and translates the common ones); the message is the engine's sentence.

use serde::Serialize;
use specta::Type;

pub use crate::vocab::ErrorKind;

/// An error for the UI.
#[derive(Debug, Serialize, Type)]
pub struct ApiError {
    /// A stable name such as `wrong_passphrase`, `permission_denied` or `locked`.
    pub kind: ErrorKind,
    /// What happened and what to do, in a sentence.
    pub message: String,
}

impl From<consentry::Error> for ApiError {
    fn from(e: consentry::Error) -> Self {
        ApiError { kind: ErrorKind::of(e.kind()), message: e.to_string() }
    }
}

impl ApiError {
    pub(crate) fn locked() -> Self {
        ApiError { kind: ErrorKind::Locked, message: "The vault is locked. Unlock it to continue.".into() }
    }

    pub(crate) fn unlocked() -> Self {
        ApiError { kind: ErrorKind::AlreadyUnlocked, message: "The vault is already unlocked. Lock it first.".into() }
    }

    pub(crate) fn internal() -> Self {
        ApiError {
            kind: ErrorKind::Internal,
            message: "Consentry hit an internal problem and did nothing. Lock the vault and try again.".into(),
        }
    }
}

/// What every command returns.
pub type ApiResult<T> = Result<T, ApiError>;
