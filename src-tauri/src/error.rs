//! The one error shape the UI sees: `{ kind, message, refusal }`. The kind is stable and the
//! UI branches on it (and translates the common ones); the message is the engine's sentence;
//! a refused bundle or enrolment file also says why, as a stable code the UI translates.

use serde::Serialize;
use specta::Type;

pub use crate::vocab::{ErrorKind, Refusal};

/// An error for the UI.
#[derive(Debug, Serialize, Type)]
pub struct ApiError {
    /// A stable name such as `wrong_passphrase`, `permission_denied` or `locked`.
    pub kind: ErrorKind,
    /// What happened and what to do, in a sentence.
    pub message: String,
    /// For `bundle_refused`: why the file was refused.
    pub refusal: Option<Refusal>,
}

impl From<consentry::Error> for ApiError {
    fn from(e: consentry::Error) -> Self {
        let refusal = match &e {
            consentry::Error::BundleRefused { reason, .. } => Some((*reason).into()),
            _ => None,
        };
        ApiError { kind: ErrorKind::of(e.kind()), message: e.to_string(), refusal }
    }
}

impl ApiError {
    /// An error of the desktop's own (no engine error behind it).
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        ApiError { kind, message: message.into(), refusal: None }
    }

    pub(crate) fn locked() -> Self {
        ApiError::new(ErrorKind::Locked, "The vault is locked. Unlock it to continue.")
    }

    pub(crate) fn unlocked() -> Self {
        ApiError::new(ErrorKind::AlreadyUnlocked, "The vault is already unlocked. Lock it first.")
    }

    pub(crate) fn internal() -> Self {
        ApiError::new(
            ErrorKind::Internal,
            "Consentry hit an internal problem and did nothing. Lock the vault and try again.",
        )
    }
}

/// What every command returns.
pub type ApiResult<T> = Result<T, ApiError>;
