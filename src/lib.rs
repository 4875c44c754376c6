//! Consentry's engine: an encrypted, append-only consent ledger that proves who agreed to
//! which exact wording, when, where, on which device and through whom, under PIPL and GDPR.
//!
//! This crate knows nothing of Tauri, JSON transport or any UI. Every operation takes an
//! authenticated [`Session`], checks the operator's role, and runs in one transaction
//! together with its audit entry.
#![warn(missing_docs)]

pub mod audit;
mod canonical;
pub mod capture;
pub mod error;
pub mod ledger;
pub mod notice;
pub mod operator;
pub mod purpose;
pub mod receipt;
pub mod rights;
pub mod session;
pub mod subject;
mod time;
pub mod vault;
pub mod verify;

pub use error::{Error, Result};
pub use operator::{Action, Role};
pub use session::Session;
pub use time::{Clock, FixedClock, SystemClock};
