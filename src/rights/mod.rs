//! Data-subject rights and the files downstream systems need: access export (PIPL Art. 45,
//! GDPR Art. 15), erasure that keeps a pseudonymous proof (PIPL Art. 47, GDPR Art. 17), the
//! suppression list, consent export for CRM systems, CSV import of historic and paper
//! consents, and retention rules with the list of consents due for review or deletion.
//!
//! Masking lives in [`crate::subject`], the one place its rules are defined; every export
//! here asks it for masked values unless the operator's role may see them unmasked, and an
//! unmasked export is audited like a reveal.

pub mod access;
pub mod csv;
pub mod erasure;
pub mod export;

pub mod import;
pub mod retention;

pub use access::{access_report, AccessReport};
pub use erasure::{erase, Erased};
pub use export::{day_or_time, export_consents, suppression_list, ExportFilter, Format, Identity, Source};
pub use import::{import_consents, read_import_file, ImportReport, Provenance, RowError};
pub use retention::{due, rules, set_rule, Due, DueItem, RetentionRule};
