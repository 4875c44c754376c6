//! Consentry's engine: an encrypted, append-only consent ledger that proves who agreed to
//! which exact wording, when, where, on which device and through whom, under PIPL and GDPR.
//!
//! This crate knows nothing of Tauri, JSON transport or any UI. Every operation takes an
//! authenticated [`Session`], checks the operator's role, and runs in one transaction
//! together with its audit entry.
//!
//! Modules form layers, bottom to top, and no module imports one above it (a test in
//! `tests/integration/layers.rs` holds this):
//!
//! 1. [`domain`]: vocabulary, ids, the permission table, errors, problems; no SQL.
//! 2. storage: [`vault`] (the SQLCipher file, key slots, migrations, the search index) and
//!    [`audit`] (the hash-chained audit log), and [`files`] (new private files outside
//!    the vault), [`checkpoint`] (signed checkpoints of both chains and HQ's cosignatures).
//! 3. [`session`]: opening a vault as one operator, the role check, the one write path.
//! 4. operations: [`operator`], [`purpose`], [`ledger`], [`notice`], [`subject`],
//!    [`capture`], [`receipt`], [`rights`], [`settings`], [`bundle`], [`verify`].
//! 5. front doors, outside this library: the `consentry` CLI and the desktop app.
#![warn(missing_docs)]

pub mod domain;

pub mod audit;
pub mod checkpoint;
pub mod files;
pub mod vault;

pub mod session;

pub mod backup;
pub mod bundle;
pub mod capture;
pub mod ledger;
pub mod notice;
pub mod operator;
pub mod purpose;
pub mod receipt;
pub mod rights;
pub mod settings;
pub mod subject;
pub mod verify;

pub use domain::error;
pub use domain::{Action, Clock, Error, FixedClock, Result, Role, SystemClock};
pub use session::Session;
