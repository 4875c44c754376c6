//! The consent ledger: grants, refusals and withdrawals as append-only rows (the database
//! refuses `UPDATE` and `DELETE`), chained per device by hash over canonical bytes that
//! hold ids, never personal data, so that erasing a person never breaks a chain. Current
//! status is derived from the ledger: the latest event wins, and at the same instant the
//! more protective one (withdraw > refuse > grant).

use std::collections::HashMap;
use std::fmt;

use chrono::{DateTime, FixedOffset};

use crate::domain::error::{Error, Result};
use crate::domain::messages as msg;
use crate::domain::string_enum;
use crate::domain::Action;
use crate::domain::{ConsentEventId, DeviceId, Language, OperatorId, ReceiptId, SubjectId};
use crate::notice;
use crate::purpose;
use crate::session::{Session, Write};
use crate::subject::{self, SubjectInput, SubjectKey, SubjectView};

mod audit_match;
mod chain;
pub(crate) mod receipt;
mod status;

pub use chain::ChainedEvent;

/// A device's whole chain as stored, for tests that tamper as someone holding the key would.
#[cfg(feature = "test-support")]
pub fn chained_events_for_tests(conn: &rusqlite::Connection, device_id: &str) -> Result<Vec<ChainedEvent>> {
    chain::chained_events(conn, device_id, 1)
}
pub(crate) use audit_match::{audit_detail, batch_detail, verify_against_audit};
pub(crate) use chain::verify_chains;
pub(crate) use chain::{append, chained_events, insert_chained, NewEvent};
pub(crate) use status::{current, row_to_event, verify_current, EVENT_SELECT};
pub use status::{history, last_seen, status, summary, LastSeen, Summary, CLOCK_TOLERANCE_MS};

string_enum!(
    /// What a person said.
    EventKind, "kind of consent event", {
        /// They agreed.
        Grant => "grant",
        /// They said no.
        Refuse => "refuse",
        /// They took back an earlier consent.
        Withdraw => "withdraw",
    }
);

impl EventKind {
    /// Higher is more protective; it wins a tie at the same instant.
    #[cfg(test)]
    fn protection(self) -> u8 {
        match self {
            EventKind::Grant => 0,
            EventKind::Refuse => 1,
            EventKind::Withdraw => 2,
        }
    }
}

string_enum!(
    /// How the event reached Consentry.
    Method, "collection method", {
        /// Self-service at the kiosk.
        Kiosk => "kiosk",
        /// Entered by staff at the stand or desk.
        Desk => "desk",
        /// From a signed paper form.
        Paper => "paper",
        /// Imported from an earlier system.
        Import => "import",
        /// Told to staff in person (withdrawals).
        InPerson => "in_person",
        /// By email (withdrawals).
        Email => "email",
        /// By phone (withdrawals).
        Phone => "phone",
        /// By letter (withdrawals).
        Letter => "letter",
    }
);

impl Method {
    fn captures(self) -> bool {
        matches!(self, Method::Kiosk | Method::Desk | Method::Paper | Method::Import)
    }
    fn may_backdate(self) -> bool {
        matches!(self, Method::Paper | Method::Import | Method::Letter | Method::Email)
    }
}

/// The current state of one purpose for one person (W3C DPV consent statuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentState {
    /// `dpv:ConsentGiven`.
    Granted,
    /// `dpv:ConsentRefused`.
    Refused,
    /// `dpv:ConsentWithdrawn`.
    Withdrawn,
}

impl ConsentState {
    /// `granted`, `refused` or `withdrawn`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentState::Granted => "granted",
            ConsentState::Refused => "refused",
            ConsentState::Withdrawn => "withdrawn",
        }
    }
    /// The W3C DPV status.
    pub fn dpv(self) -> &'static str {
        match self {
            ConsentState::Granted => "dpv:ConsentGiven",
            ConsentState::Refused => "dpv:ConsentRefused",
            ConsentState::Withdrawn => "dpv:ConsentWithdrawn",
        }
    }
    fn of(kind: EventKind) -> Self {
        match kind {
            EventKind::Grant => ConsentState::Granted,
            EventKind::Refuse => ConsentState::Refused,
            EventKind::Withdraw => ConsentState::Withdrawn,
        }
    }
}

impl std::str::FromStr for ConsentState {
    type Err = Error;
    /// `granted`, `refused`, `withdrawn`, or the event that leads there (`grant`, `refuse`,
    /// `withdraw`), in any case: what both front doors accept.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "granted" | "grant" => Ok(ConsentState::Granted),
            "refused" | "refuse" => Ok(ConsentState::Refused),
            "withdrawn" | "withdraw" => Ok(ConsentState::Withdrawn),
            _ => Err(msg::NOT_ONE_OF.with("value", s.trim()).with("options", "granted, refused, withdrawn").into()),
        }
    }
}

impl fmt::Display for ConsentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One person's choices at one moment, against one notice version.
#[derive(Debug, Clone)]
pub struct Capture {
    /// Who.
    pub subject: SubjectInput,
    /// Purpose codes and what they said to each (grant or refuse).
    pub choices: Vec<(String, EventKind)>,
    /// The notice version shown: hash, hash prefix or id.
    pub notice: String,
    /// The language shown; defaults to the notice's language.
    pub language: Option<Language>,
    /// How it was collected: kiosk, desk, paper or import.
    pub method: Method,
    /// A note or reference, such as the scan of a paper form. Part of the permanent
    /// record: never write personal data here.
    pub evidence: String,
    /// When the person chose; only paper and import records may be dated in the past.
    pub captured_at: Option<DateTime<FixedOffset>>,
}

/// A withdrawal of one, several or all purposes.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    /// Who.
    pub subject: SubjectKey,
    /// Purpose codes; empty means every purpose currently granted.
    pub purposes: Vec<String>,
    /// The channel it came through.
    pub method: Method,
    /// A note (never personal data).
    pub evidence: String,
    /// When the person withdrew, for letters and emails received earlier; defaults to now.
    pub at: Option<DateTime<FixedOffset>>,
}

/// An event as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRef {
    /// Event id.
    pub id: ConsentEventId,
    /// Grant, refuse or withdraw.
    pub kind: EventKind,
    /// Purpose code.
    pub purpose: String,
    /// Position in this device's chain.
    pub seq: i64,
    /// The event's hash, hex.
    pub hash: String,
}

/// What a capture wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The person.
    pub subject_id: SubjectId,
    /// Whether the person was new.
    pub new_subject: bool,
    /// The events written, in order.
    pub events: Vec<EventRef>,
    /// The instant recorded.
    pub at: DateTime<FixedOffset>,
    /// The receipt that groups these events (rendered by the `receipt` module).
    pub receipt_id: ReceiptId,
}

/// One stored consent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentEvent {
    /// Event id.
    pub id: ConsentEventId,
    /// The device whose chain holds it.
    pub device_id: DeviceId,
    /// Its position in that chain.
    pub seq: i64,
    /// Grant, refuse or withdraw.
    pub kind: EventKind,
    /// The person (id only).
    pub subject_id: SubjectId,
    /// Purpose code.
    pub purpose: String,
    /// The notice version's hash.
    pub notice_hash: Option<String>,
    /// The language shown.
    pub language: Option<Language>,
    /// When, with the device's offset.
    pub captured_at: DateTime<FixedOffset>,
    /// Who recorded it.
    pub operator_id: OperatorId,
    /// How.
    pub method: Method,
    /// Note.
    pub evidence: String,
    /// The event's hash, hex.
    pub hash: String,
}

impl ConsentEvent {
    /// Whether a parent or guardian answered for a child under 14: the kiosk records that in
    /// the evidence (`"guardian": true`); the guardian's name is sealed elsewhere.
    pub fn by_guardian(&self) -> bool {
        serde_json::from_str::<serde_json::Value>(&self.evidence)
            .ok()
            .and_then(|v| v.get("guardian").and_then(serde_json::Value::as_bool))
            .unwrap_or(false)
    }
}

/// The current state of one purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeStatus {
    /// Purpose code.
    pub purpose: String,
    /// Current state.
    pub state: ConsentState,
    /// Since when.
    pub since: DateTime<FixedOffset>,
    /// The event that set it.
    pub event_id: ConsentEventId,
    /// The notice version the person last saw for it.
    pub notice_hash: Option<String>,
}

/// A person's current status across purposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectStatus {
    /// The person, masked.
    pub subject: SubjectView,
    /// One row per purpose with any event, by purpose code.
    pub purposes: Vec<PurposeStatus>,
}

pub(crate) fn check_time(
    now: DateTime<FixedOffset>,
    at: Option<DateTime<FixedOffset>>,
    method: Method,
) -> Result<DateTime<FixedOffset>> {
    let Some(at) = at else { return Ok(now) };
    if at > now + chrono::Duration::minutes(5) {
        return Err(msg::TIME_IN_FUTURE.with("at", at.to_rfc3339()).into());
    }
    if at < now - chrono::Duration::minutes(5) && !method.may_backdate() {
        return Err(msg::BACKDATED_METHOD.term("method", msg::method(method.as_str())).into());
    }
    Ok(at)
}

/// Records one person's grants and refusals against one notice version, in one
/// transaction: the person (found or created), one event per purpose, and the audit entry.
pub fn record_capture(session: &mut Session, c: &Capture) -> Result<Recorded> {
    session.check(Action::Capture)?;
    check_capture(c)?;
    session.write(Action::Capture, |w| capture_in(w, c))
}

fn check_capture(c: &Capture) -> Result<()> {
    if !c.method.captures() {
        return Err(msg::NOT_A_CAPTURE_METHOD.term("method", msg::method(c.method.as_str())).into());
    }
    if c.choices.is_empty() {
        return Err(Error::from(&msg::NO_PURPOSES));
    }
    if c.choices.iter().any(|(_, k)| *k == EventKind::Withdraw) {
        return Err(Error::from(&msg::CAPTURE_NO_WITHDRAWALS));
    }
    let mut seen = std::collections::HashSet::new();
    for (p, _) in &c.choices {
        if !seen.insert(p.trim()) {
            return Err(msg::PURPOSE_TWICE.with("code", p.trim()).into());
        }
    }
    Ok(())
}

/// [`record_capture`] inside a write already open, so that a caller can add its own rows
/// (an event's capture details) to the same transaction.
pub(crate) fn capture_in(w: &mut Write<'_>, c: &Capture) -> Result<Recorded> {
    check_capture(c)?;
    let at = check_time(w.now, c.captured_at, c.method)?;
    let version = notice::find_in(&w.tx, &c.notice)?.ok_or_else(|| notice::not_found(&c.notice))?;
    if version.state != notice::workflow::State::Approved {
        return Err(msg::VERSION_NOT_APPROVED
            .with("hash", &version.hash[..12])
            .term("state", msg::notice_state(version.state.as_str()))
            .into());
    }
    let language = c.language.unwrap_or(version.language);
    for (p, _) in &c.choices {
        if purpose::find_purpose(&w.tx, p)?.is_none() {
            return Err(Error::NotFound(msg::PURPOSE_NOT_FOUND.with("code", p.trim())));
        }
    }
    let (subject_id, new_subject) = subject::find_or_create(w, &c.subject)?;
    let mut events = Vec::with_capacity(c.choices.len());
    for (p, kind) in &c.choices {
        events.push(append(
            w,
            &NewEvent {
                kind: *kind,
                subject_id: &subject_id,
                purpose: p.trim(),
                notice_hash: Some(&version.hash),
                language: Some(language.as_str()),
                at,
                method: c.method,
                evidence: &c.evidence,
            },
        )?);
    }
    let receipt_id = receipt::issue(w, receipt::ReceiptKind::Capture, &subject_id, &events)?;
    w.audit("consent.capture", &subject_id, audit_detail(&events));
    Ok(Recorded {
        subject_id: SubjectId::new(subject_id),
        new_subject,
        events,
        at,
        receipt_id: ReceiptId::new(receipt_id),
    })
}

/// Records a withdrawal of the given purposes (or of every purpose currently granted).
/// It takes effect at once and never needs more steps than the grant.
pub fn record_withdrawal(session: &mut Session, wd: &Withdrawal) -> Result<Recorded> {
    session.write(Action::Withdraw, |w| {
        let at = check_time(w.now, wd.at, wd.method)?;
        let subject_id = subject::resolve(&w.tx, w.index(), &wd.subject)?;
        let purposes: Vec<(String, Option<String>)> = if wd.purposes.is_empty() {
            granted_now(&w.tx, &subject_id)?
        } else {
            let now_status: HashMap<String, Option<String>> =
                current(&w.tx, &subject_id)?.into_iter().map(|s| (s.purpose, s.notice_hash)).collect();
            let mut out = Vec::new();
            for p in &wd.purposes {
                let p = p.trim();
                if purpose::find_purpose(&w.tx, p)?.is_none() {
                    return Err(Error::NotFound(msg::PURPOSE_NOT_FOUND.with("code", p)));
                }
                out.push((p.to_string(), now_status.get(p).cloned().flatten()));
            }
            out
        };
        if purposes.is_empty() {
            return Err(Error::from(&msg::NOTHING_TO_WITHDRAW));
        }
        withdraw_in(w, &subject_id, &purposes, at, wd.method, &wd.evidence)
    })
}

/// The purposes a person has granted now, with the notice hash of each grant.
pub(crate) fn granted_now(conn: &rusqlite::Connection, subject_id: &str) -> Result<Vec<(String, Option<String>)>> {
    Ok(current(conn, subject_id)?
        .into_iter()
        .filter(|s| s.state == ConsentState::Granted)
        .map(|s| (s.purpose, s.notice_hash))
        .collect())
}

/// Writes one withdrawal event per purpose (each pointing at the notice its grant showed),
/// their receipt and their audit entry, inside the caller's transaction: the one withdrawal
/// path, for a person's request and for erasure alike.
pub(crate) fn withdraw_in(
    w: &mut Write<'_>,
    subject_id: &str,
    purposes: &[(String, Option<String>)],
    at: DateTime<FixedOffset>,
    method: Method,
    evidence: &str,
) -> Result<Recorded> {
    let mut events = Vec::with_capacity(purposes.len());
    for (p, notice_hash) in purposes {
        events.push(append(
            w,
            &NewEvent {
                kind: EventKind::Withdraw,
                subject_id,
                purpose: p,
                notice_hash: notice_hash.as_deref(),
                language: None,
                at,
                method,
                evidence,
            },
        )?);
    }
    let receipt_id = receipt::issue(w, receipt::ReceiptKind::Withdrawal, subject_id, &events)?;
    w.audit("consent.withdraw", subject_id, audit_detail(&events));
    Ok(Recorded {
        subject_id: SubjectId::new(subject_id),
        new_subject: false,
        events,
        at,
        receipt_id: ReceiptId::new(receipt_id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withdrawal_is_most_protective() {
        assert!(EventKind::Withdraw.protection() > EventKind::Refuse.protection());
        assert!(EventKind::Refuse.protection() > EventKind::Grant.protection());
    }

    #[test]
    fn the_sql_order_is_the_rust_order() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        for kind in EventKind::ALL {
            let sql = format!("SELECT {} FROM (SELECT ?1 AS kind)", status::PROTECTION);
            let rank: i64 = conn.query_row(&sql, [kind.as_str()], |r| r.get(0)).unwrap();
            assert_eq!(rank, i64::from(kind.protection()), "{kind}");
        }
    }

    #[test]
    fn the_rule_is_read_from_the_migration() {
        let rule = status::current_rule_for_tests();
        assert!(
            rule.starts_with("SELECT subject_id, purpose_code, kind, captured_at_ms, protection, id FROM ("),
            "{rule}"
        );
        assert!(rule.trim_end().ends_with("WHERE rn = 1"), "{rule}");
    }

    #[test]
    fn the_migration_uses_the_stated_clock_tolerance() {
        let sql = include_str!("../../migrations/0008_clock_tolerance.sql");
        let window = format!("latest_at - {CLOCK_TOLERANCE_MS})");
        assert_eq!(sql.matches(&window).count(), 2, "the trigger and the rebuild both use {CLOCK_TOLERANCE_MS} ms");
    }
}
