//! Proof bundles' building blocks: RFC 6962 Merkle trees ([`merkle`]) and C2SP signed
//! notes, checkpoints and cosignatures ([`note`]).

pub mod merkle;
pub mod note;
