//! An organisation of one headquarters and several devices, joined by files: enrolment,
//! bundles both ways (signed with Ed25519, encrypted with `age`), headquarters as witness
//! of each device's signed checkpoints, and a merge that never loses or doubles a record.
//!
//! - [`enrol`]: make a vault headquarters, enrol a device (a file and a fingerprint both
//!   screens show), join on the device, revoke.
//! - [`export`]: a device saves what headquarters has not acknowledged; headquarters saves
//!   wording, events and acknowledgements for a device.
//! - [`merge`]: headquarters imports device bundles (gaps held, forks quarantined, people
//!   merged by normalised email or phone); [`receive`]: a device loads headquarters' bundle.
//! - [`status`]: the per-device table, the unsent counter, the quarantine.
//!
//! The file format is in `docs/bundle-format.md`.

pub mod enrol;
pub mod envelope;
pub mod export;
pub mod merge;
mod payload;
mod people;
pub mod receive;
mod rows;
pub mod status;
mod witness;

pub use enrol::{become_headquarters, enrol, fingerprint, join, organisation, read_enrolment, revoke};
pub use enrol::{Enrolment, EnrolmentFile, Organisation};
pub use export::{save_device_bundle, save_device_bundle_with, save_enrolment, save_hq_bundle, Saved, Scope};
pub use merge::{import_device_bundle, import_device_bundle_bytes, Imported, Outcome};
pub use receive::{load_hq_bundle, load_hq_bundle_bytes, Received};
pub use status::{devices, quarantine, resolve, unsent, Case, DeviceState, Unsent};
