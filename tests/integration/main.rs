//! Integration tests of the engine and the CLI, as one test binary, on real SQLCipher
//! vaults in temporary folders.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

mod common;

mod backup;
mod bounds;
mod capture;
mod cipher_upgrade;
mod cli;
mod crash;
mod crash_slots;
mod errors;
mod event_stats;
mod home;
mod import_csv;
mod kiosk_withdraw;
mod layers;
mod ledger;
mod lint_scope;
mod look_alike;
mod notices;
mod plaintext;
mod printing;
mod receipts;
mod rights;
mod roles;
mod rotation;
mod sealed;
mod sync;
mod sync_attacks;
mod sync_cli;
mod sync_merge;
mod tamper;
mod vault;
mod verify_beside;
mod verify_new;
mod verify_proof;
