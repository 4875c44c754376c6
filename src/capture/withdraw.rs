//! Withdrawal at the kiosk, as easy as the grant: a visitor names themselves by their
//! receipt (its QR code scanned, or its code typed), their e-mail or their phone, sees the
//! purposes they agreed to at this organisation (and the masked contact, to know it is them),
//! withdraws one or all, and gets a withdrawal receipt. Nothing else about them, and nothing
//! about anyone else, is shown; every look-up is audited, and more than a few a minute are
//! refused, so the kiosk is no oracle for who gave consent.

use crate::capture::kiosk::form_in;
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::{Action, EventId, Language, ReceiptId};
use crate::ledger::{self, Method};
use crate::session::{Session, Write};
use crate::subject::{self, SubjectKey};

/// The most look-ups one kiosk takes in a minute.
pub const LOOKUPS_PER_MINUTE: i64 = 10;

pub use crate::ledger::receipt::QR_PREFIX as RECEIPT_QR_PREFIX;

/// How a visitor names themselves, read from what they typed or scanned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visitor {
    /// A receipt's id (from its QR code or typed).
    Receipt(String),
    /// An e-mail address.
    Email(String),
    /// A phone number.
    Phone(String),
}

impl Visitor {
    /// Reads a scanned QR code (`CONSENTRY-RECEIPT:ID`), an e-mail (it has an `@`), a phone
    /// number (digits, spaces, `+`, `-`) or a receipt code.
    pub fn read(typed: &str) -> Result<Visitor> {
        let t = typed.trim();
        if let Some(id) = t.strip_prefix(RECEIPT_QR_PREFIX) {
            return Ok(Visitor::Receipt(id.trim().to_string()));
        }
        if t.is_empty() {
            return Err(Error::from(&msg::KIOSK_WHO));
        }
        if t.contains('@') {
            return Ok(Visitor::Email(t.to_string()));
        }
        let digits = t.chars().filter(char::is_ascii_digit).count();
        if digits >= 5 && t.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')')) {
            return Ok(Visitor::Phone(t.to_string()));
        }
        Ok(Visitor::Receipt(t.to_string()))
    }
}

/// A purpose the visitor agreed to and may withdraw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agreed {
    /// The purpose's code.
    pub code: String,
    /// Its name in the language shown.
    pub label: String,
    /// Whether it was a separate consent (单独同意).
    pub separate: bool,
}

/// What the visitor sees after naming themselves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consents {
    /// Their masked e-mail or phone, so they can tell it is them.
    pub shown: String,
    /// What is in force now (empty when nothing is).
    pub agreed: Vec<Agreed>,
    /// The language shown.
    pub language: Language,
}

/// What the visitor is shown after withdrawing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawn {
    /// The withdrawal receipt.
    pub receipt_id: ReceiptId,
    /// What was withdrawn, by name in the language shown.
    pub withdrawn: Vec<String>,
    /// What stays in force.
    pub still_agreed: Vec<String>,
    /// The language shown.
    pub language: Language,
}

/// Looks the visitor up at a running event's kiosk and lists what they agreed to.
pub fn consents(
    session: &mut Session,
    event_id: &EventId,
    language: Option<Language>,
    typed: &str,
) -> Result<Consents> {
    let visitor = Visitor::read(typed)?;
    // A look-up that finds no one still commits its audit entry (it counts towards the limit),
    // so "not found" is said after the transaction.
    session
        .write(Action::Withdraw, |w| {
            let language = form_in(&w.tx, event_id, language)?.language;
            let Some((subject_id, shown)) = find(w, event_id, &visitor)? else { return Ok(None) };
            Ok(Some(Consents { shown, agreed: agreed(w, &subject_id, language)?, language }))
        })?
        .ok_or_else(not_found)
}

fn not_found() -> Error {
    Error::NotFound(msg::KIOSK_NOT_FOUND.into_message())
}

/// Withdraws the given purposes (every one in force when `purposes` is empty) at a running
/// event's kiosk, with a withdrawal receipt, in one transaction.
pub fn withdraw(
    session: &mut Session,
    event_id: &EventId,
    language: Option<Language>,
    typed: &str,
    purposes: &[String],
) -> Result<Withdrawn> {
    let visitor = Visitor::read(typed)?;
    session
        .write(Action::Withdraw, |w| {
            let language = form_in(&w.tx, event_id, language)?.language;
            let Some((subject_id, _)) = find(w, event_id, &visitor)? else { return Ok(None) };
            let now = ledger::granted_now(&w.tx, &subject_id)?;
            if now.is_empty() {
                return Err(Error::from(&msg::NOTHING_TO_WITHDRAW_HERE));
            }
            for p in purposes {
                if !now.iter().any(|(code, _)| code == p.trim()) {
                    return Err(msg::NOT_AGREED.with("code", p.trim()).into());
                }
            }
            let chosen: Vec<(String, Option<String>)> = if purposes.is_empty() {
                now.clone()
            } else {
                now.iter().filter(|(code, _)| purposes.iter().any(|p| p.trim() == code)).cloned().collect()
            };
            let r = ledger::withdraw_in(
                w,
                &subject_id,
                &chosen,
                w.now,
                Method::Kiosk,
                &format!("kiosk at event {event_id}"),
            )?;
            let names = |codes: &mut dyn Iterator<Item = &String>| -> Result<Vec<String>> {
                codes.map(|c| label(w, c, language).map(|(l, _)| l)).collect()
            };
            let withdrawn = names(&mut chosen.iter().map(|(c, _)| c))?;
            let still_agreed =
                names(&mut now.iter().filter(|(c, _)| !chosen.iter().any(|(x, _)| x == c)).map(|(c, _)| c))?;
            Ok(Some(Withdrawn { receipt_id: r.receipt_id, withdrawn, still_agreed, language }))
        })?
        .ok_or_else(not_found)
}

/// The visitor's subject id and masked contact, or `None`; refused (the same way whether or
/// not anyone matches) after too many look-ups, and audited either way.
fn find(w: &mut Write<'_>, event_id: &str, visitor: &Visitor) -> Result<Option<(String, String)>> {
    let since = w.now.timestamp_millis() - 60_000;
    let recent: i64 =
        w.tx.query_row(
            "SELECT count(*) FROM audit_entry WHERE action = 'consent.kiosk_lookup' AND at_ms > ?1",
            [since],
            |r| r.get(0),
        )
        .storage("count look-ups")?;
    if recent >= LOOKUPS_PER_MINUTE {
        return Err(Error::from(&msg::KIOSK_TOO_MANY_LOOKUPS));
    }
    let row = match visitor {
        Visitor::Receipt(id) => {
            let id = ledger::receipt::normalize_id(id);
            let subject: Option<String> =
                w.tx.query_row("SELECT subject_id FROM receipt WHERE id = ?1", [&id], |r| r.get(0)).ok();
            match subject {
                Some(s) => subject::by_id(&w.tx, &s)?,
                None => None,
            }
        }
        Visitor::Email(e) => subject::lookup(&w.tx, w.index(), &SubjectKey::Email(e.clone()))?,
        Visitor::Phone(p) => subject::lookup(&w.tx, w.index(), &SubjectKey::Phone(p.clone()))?,
    };
    let kind = match visitor {
        Visitor::Receipt(_) => "receipt",
        Visitor::Email(_) => "email",
        Visitor::Phone(_) => "phone",
    };
    let found = row.filter(|r| !r.erased);
    w.audit(
        "consent.kiosk_lookup",
        found.as_ref().map_or("-", |r| r.id.as_str()),
        format!("{kind} at event {event_id}"),
    );
    Ok(found.map(|row| {
        let shown = row.email.clone().or(row.phone.clone()).unwrap_or_default();
        (row.id, shown)
    }))
}

fn agreed(w: &mut Write<'_>, subject_id: &str, language: Language) -> Result<Vec<Agreed>> {
    ledger::granted_now(&w.tx, subject_id)?
        .into_iter()
        .map(|(code, _)| {
            let (label, separate) = label(w, &code, language)?;
            Ok(Agreed { code, label, separate })
        })
        .collect()
}

/// A purpose's name in `language` and whether it is a separate consent.
fn label(w: &Write<'_>, code: &str, language: Language) -> Result<(String, bool)> {
    Ok(match crate::purpose::find_purpose(&w.tx, code)? {
        Some(p) => (if language == Language::ZhCn { p.name_zh } else { p.name_en }, p.separate_consent.is_some()),
        None => (code.to_string(), false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_a_visitor_types_or_scans_is_read() {
        assert_eq!(Visitor::read("CONSENTRY-RECEIPT:7M2K9QX4TB").unwrap(), Visitor::Receipt("7M2K9QX4TB".into()));
        assert_eq!(Visitor::read(" jane@example.org ").unwrap(), Visitor::Email("jane@example.org".into()));
        assert_eq!(Visitor::read("+86 138-0013-8000").unwrap(), Visitor::Phone("+86 138-0013-8000".into()));
        assert_eq!(Visitor::read("7m2k-9qx4-tb").unwrap(), Visitor::Receipt("7m2k-9qx4-tb".into()));
        assert!(Visitor::read("   ").is_err());
    }
}
