//! Offline capture at events (trade shows): the event and what it shows, the kiosk form a
//! person fills in, and recording one person's choices (at the kiosk or from a paper form)
//! in one transaction with their receipt. Badge scans are read by [`badge`]; withdrawal at
//! the kiosk is [`withdraw`].

pub mod badge;
mod event;
mod kiosk;
pub mod stats;
pub mod withdraw;

pub(crate) use event::event_exists;
pub use event::{
    close_event, create_event, get_event, list_events, reopen_event, Event, EventInput, FieldRule, PersonField,
};
pub use kiosk::{form, leave_kiosk, submit, KioskForm, Submission, Submitted};
