//! The commands the UI calls. Each is thin: request type → validated engine input → one
//! engine call → response type. No SQL and no business rules live here.

pub mod capture;
pub mod catalogue;
pub mod clause_form;
pub mod event_stats;
pub mod notices;
pub mod operators;
pub mod people;
pub mod print;
pub mod rights;
pub mod sync;
pub mod vault;
pub mod wording;
