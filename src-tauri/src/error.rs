//! The one error shape the UI sees: `{ kind, message, text, refusal }`. The kind is stable and
//! the UI branches on it; `text` is the engine's sentence as a code and arguments, which the UI
//! renders from the bilingual table in `VOCABULARY.messages`; a refused bundle or enrolment
//! file also says why, as a stable code.

use consentry::domain::messages::{self as msg, Arg, Message};
use consentry::notice::Language;
use serde::Serialize;
use specta::Type;

pub use crate::vocab::{ErrorKind, Refusal};

/// An error for the UI.
#[derive(Debug, Serialize, Type)]
pub struct ApiError {
    /// A stable name such as `wrong_passphrase`, `permission_denied` or `locked`.
    pub kind: ErrorKind,
    /// What happened and what to do, in English (for logs; the UI renders `text`).
    pub message: String,
    /// The same sentence as a code of `VOCABULARY.messages` and its arguments, which the UI
    /// renders in the language shown (at the kiosk, the visitor's).
    pub text: ApiText,
    /// For `bundle_refused`: why the file was refused.
    pub refusal: Option<Refusal>,
    /// For `bundle_refused`: the engine's precise finding, in English, for the technical
    /// details (which key, which entry).
    pub detail: Option<String>,
}

/// A sentence to render: its code and the values of its placeholders.
#[derive(Debug, Serialize, Type)]
pub struct ApiText {
    /// A key of `VOCABULARY.messages`.
    pub code: String,
    /// The placeholders' values.
    pub args: Vec<ApiArg>,
}

/// One placeholder's value: a plain value shown as it is, or vocabulary terms (codes of
/// `VOCABULARY.messages`) shown in the sentence's language and joined as a list.
#[derive(Debug, Serialize, Type)]
pub struct ApiArg {
    /// The placeholder's name.
    pub name: String,
    /// A value shown as it is.
    pub plain: Option<String>,
    /// Terms, by code.
    pub terms: Vec<String>,
}

impl From<&Message> for ApiText {
    fn from(m: &Message) -> Self {
        let args = m
            .args
            .iter()
            .map(|(name, arg)| {
                let (plain, terms) = match arg {
                    Arg::Plain(s) => (Some(s.clone()), Vec::new()),
                    Arg::Term(t) => (None, vec![t.code()]),
                    Arg::Terms(ts) => (None, ts.iter().map(|t| t.code()).collect()),
                };
                ApiArg { name: (*name).to_string(), plain, terms }
            })
            .collect();
        ApiText { code: m.text.code(), args }
    }
}

impl From<consentry::Error> for ApiError {
    fn from(e: consentry::Error) -> Self {
        let (refusal, detail) = match &e {
            consentry::Error::BundleRefused { reason, .. } => (Some((*reason).into()), Some(e.to_string())),
            _ => (None, None),
        };
        let message = e.message();
        ApiError {
            kind: ErrorKind::of(e.kind()),
            message: message.render(Language::En),
            text: ApiText::from(&message),
            refusal,
            detail,
        }
    }
}

impl ApiError {
    /// An error of the desktop's own (no engine error behind it).
    pub(crate) fn new(kind: ErrorKind, message: impl Into<Message>) -> Self {
        let message = message.into();
        ApiError {
            kind,
            message: message.render(Language::En),
            text: ApiText::from(&message),
            refusal: None,
            detail: None,
        }
    }

    pub(crate) fn locked() -> Self {
        ApiError::new(ErrorKind::Locked, &msg::LOCKED)
    }

    pub(crate) fn unlocked() -> Self {
        ApiError::new(ErrorKind::AlreadyUnlocked, &msg::ALREADY_UNLOCKED)
    }

    pub(crate) fn internal() -> Self {
        ApiError::new(ErrorKind::Internal, &msg::INTERNAL)
    }
}

/// What every command returns.
pub type ApiResult<T> = Result<T, ApiError>;
