//! Receipts as stored: the short id, its kind, and which events it groups. Issued inside
//! the transaction that writes the events (capture, withdrawal, import, erasure), so a
//! receipt and its events commit together. The `receipt` module renders them.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};

use super::{row_to_event, ConsentEvent, EventRef, EVENT_SELECT};
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::time::{from_parts, offset_minutes};
use crate::domain::{OperatorId, ReceiptId};
use crate::notice::{self, NoticeVersion};
use crate::purpose::{self, Purpose};
use crate::session::Write;
use crate::subject::{self, SubjectKey, SubjectView};

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// What a receipt records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptKind {
    /// A person's grants and refusals, captured together.
    Capture,
    /// A withdrawal of one or more purposes.
    Withdrawal,
    /// One person's rows of a CSV import (historic or paper consents).
    Import,
}

impl ReceiptKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptKind::Capture => "capture",
            ReceiptKind::Withdrawal => "withdrawal",
            ReceiptKind::Import => "import",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "withdrawal" => ReceiptKind::Withdrawal,
            "import" => ReceiptKind::Import,
            _ => ReceiptKind::Capture,
        }
    }
}

/// One event on a receipt, with its purpose and notice.
#[derive(Debug, Clone)]
pub struct ReceiptLine {
    /// The event as stored.
    pub event: ConsentEvent,
    /// The purpose from the catalogue.
    pub purpose: Purpose,
    /// The notice version the event points at, if any.
    pub notice: Option<NoticeVersion>,
}

/// A receipt, ready to render.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// The short id.
    pub id: ReceiptId,
    /// Capture, withdrawal or import.
    pub kind: ReceiptKind,
    /// The person, always masked.
    pub subject: SubjectView,
    /// When it was issued.
    pub issued_at: DateTime<FixedOffset>,
    /// Who recorded it.
    pub operator_id: OperatorId,
    /// The events, in chain order.
    pub lines: Vec<ReceiptLine>,
    /// The parent or guardian who answered for a child, masked (`王**`); none for an adult,
    /// or a capture made before the masked name was kept (schema 13).
    pub guardian: Option<String>,
}

/// A new receipt id: 10 Crockford base32 characters (50 random bits).
fn new_id() -> Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|_| Error::from(&msg::RANDOM_FAILED))?;
    let mut n = u64::from_be_bytes(bytes) >> 14;
    let mut out = [0u8; 10];
    for c in out.iter_mut().rev() {
        *c = CROCKFORD[(n & 31) as usize];
        n >>= 5;
    }
    Ok(out.iter().map(|&b| char::from(b)).collect())
}

pub use crate::domain::ids::{normalize_receipt_id as normalize_id, RECEIPT_QR_PREFIX as QR_PREFIX};

/// Issues a receipt for events just written, inside the caller's transaction.
pub(crate) fn issue(w: &mut Write<'_>, kind: ReceiptKind, subject_id: &str, events: &[EventRef]) -> Result<String> {
    let ctx = "issue a receipt";
    let mut id = new_id()?;
    for _ in 0..5 {
        let taken: bool =
            w.tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM receipt WHERE id = ?1)")
                .and_then(|mut s| s.query_row([&id], |r| r.get(0)))
                .storage(ctx)?;
        if !taken {
            break;
        }
        id = new_id()?;
    }
    w.tx.prepare_cached(
        "INSERT INTO receipt (id, kind, subject_id, created_at_ms, utc_offset_min, operator_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![id, kind.as_str(), subject_id, w.now.timestamp_millis(), offset_minutes(&w.now), w.operator.id])
    })
    .storage(ctx)?;
    let mut link =
        w.tx.prepare_cached("INSERT INTO receipt_event (receipt_id, event_id) VALUES (?1, ?2)").storage(ctx)?;
    for e in events {
        link.execute(params![id, e.id]).storage(ctx)?;
    }
    Ok(id)
}

/// The receipt that holds an event, if any (events recorded before receipts existed have none).
pub(crate) fn of_event(conn: &Connection, event_id: &str) -> Result<Option<String>> {
    conn.query_row("SELECT receipt_id FROM receipt_event WHERE event_id = ?1", [event_id], |r| r.get(0))
        .optional()
        .storage("read a receipt")
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Receipt> {
    let ctx = "read a receipt";
    let id = normalize_id(id);
    let head: Option<(String, String, i64, i32, String)> = conn
        .query_row(
            "SELECT kind, subject_id, created_at_ms, utc_offset_min, operator_id FROM receipt WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()
        .storage(ctx)?;
    let Some((kind, subject_id, at_ms, offset, operator_id)) = head else {
        return Err(Error::NotFound(msg::RECEIPT_NOT_FOUND.with("id", id)));
    };
    let subject = subject::by_id(conn, &subject_id)?
        .ok_or_else(|| subject::not_found(&SubjectKey::Id(subject_id.into())))?
        .view();
    let mut stmt = conn
        .prepare(&format!(
            "{EVENT_SELECT} WHERE id IN (SELECT event_id FROM receipt_event WHERE receipt_id = ?1) ORDER BY device_id, seq"
        ))
        .storage(ctx)?;
    let events =
        stmt.query_map([&id], row_to_event).storage(ctx)?.collect::<rusqlite::Result<Vec<_>>>().storage(ctx)?;
    let mut lines = Vec::with_capacity(events.len());
    for event in events {
        let purpose = purpose::find_purpose(conn, &event.purpose)?.ok_or(Error::Storage { context: ctx })?;
        let notice = match &event.notice_hash {
            Some(h) => notice::find_in(conn, h)?,
            None => None,
        };
        lines.push(ReceiptLine { event, purpose, notice });
    }
    let guardian: Option<String> = conn
        .query_row("SELECT guardian_masked FROM capture_detail WHERE receipt_id = ?1", [&id], |r| r.get(0))
        .optional()
        .storage(ctx)?
        .flatten();
    Ok(Receipt {
        id: id.into(),
        kind: ReceiptKind::parse(&kind),
        subject,
        issued_at: from_parts(at_ms, offset),
        operator_id: operator_id.into(),
        lines,
        guardian,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ten_crockford_characters() {
        for _ in 0..50 {
            let id = new_id().unwrap();
            assert_eq!(id.len(), 10);
            assert!(id.bytes().all(|b| CROCKFORD.contains(&b)), "{id}");
            assert_eq!(normalize_id(&id.to_lowercase()), id);
        }
        assert_eq!(normalize_id("abc-de ol i"), "ABCDE011");
    }
}
