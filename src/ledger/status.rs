//! Status, history and counts, derived from the ledger: the latest event wins, and at the
//! same instant the more protective one (withdraw > refuse > grant); between devices whose
//! clocks may disagree (events within `CLOCK_TOLERANCE_MS`), the more protective one.

use chrono::Duration;
use rusqlite::Connection;

use super::{ConsentEvent, ConsentState, EventKind, PurposeStatus, SubjectStatus};
use crate::domain::error::{Result, StorageContext};
use crate::domain::time::from_parts;
use crate::domain::{Action, Place, Problem};
use crate::session::Session;
use crate::subject::{self, SubjectKey, SubjectView};
use crate::vault::{column, opt_column};

/// How protective an event is, in SQL: at the same instant the higher one stands
/// (withdraw > refuse > grant). `EventKind::protection` is the same order in Rust.
#[cfg(test)]
pub(crate) const PROTECTION: &str = "CASE kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END";

/// How far apart, in milliseconds, two devices' clocks may be: events about one person and
/// purpose recorded on different devices within this of each other cannot be put in order by
/// their times, so the more protective one stands (migrations/0008_clock_tolerance.sql, where
/// the rule is kept; a test checks it uses this figure).
pub const CLOCK_TOLERANCE_MS: i64 = 10 * 60 * 1000;

/// The current-state rule over the whole ledger, as SQL: the query migration 0008 rebuilds
/// `consent_current` with (so the rule is written once, there). Its rows are (subject_id,
/// purpose_code, kind, captured_at_ms, protection, event id).
fn current_rule() -> &'static str {
    const MIGRATION: &str = include_str!("../../migrations/0008_clock_tolerance.sql");
    const HEAD: &str = "SELECT subject_id, purpose_code, kind, captured_at_ms, protection, id FROM (";
    let start = MIGRATION.rfind(HEAD).unwrap_or(0);
    let end = MIGRATION.rfind(';').unwrap_or(MIGRATION.len());
    &MIGRATION[start..end]
}

#[cfg(test)]
pub(crate) fn current_rule_for_tests() -> &'static str {
    current_rule()
}

/// A verify that carries on from an earlier one rebuilds only the touched people and
/// purposes while the events added since are at most one in this many of the ledger's.
const SCOPED_WHILE_NEW_IS_AT_MOST_ONE_IN: i64 = 4;

/// The most current-state mismatches `verify` lists one by one (the count says the rest).
const MISMATCHES_LISTED: usize = 20;

/// Rebuilds every person's current state per purpose from the ledger by the rule and
/// compares it with the trigger-kept `consent_current`; each difference is a problem naming
/// the person, the purpose and both states. With `after` (a consent event's row), only the
/// people and purposes with events after it are rebuilt: the ones whose state can have
/// changed since the last verify, while those events are at most a quarter of the ledger
/// (past that, everything is rebuilt); the count of grants the home screen shows is then
/// left to the full walk. Returns the pairs compared.
pub(crate) fn verify_current(conn: &Connection, after: Option<i64>, problems: &mut Vec<Problem>) -> Result<u64> {
    let ctx = "rebuild the current state";
    // Scoped only while the new events are a small share of the ledger: past that, one pass
    // over everything costs less than gathering each touched pair's events.
    let after = match after {
        Some(rowid) => {
            let newest: i64 =
                conn.query_row("SELECT coalesce(max(rowid), 0) FROM consent_event", [], |r| r.get(0)).storage(ctx)?;
            (newest.saturating_sub(rowid).saturating_mul(SCOPED_WHILE_NEW_IS_AT_MOST_ONE_IN) <= newest).then_some(rowid)
        }
        None => None,
    };
    // The rule runs once; each of its rows finds the table's by primary key, and the table's
    // rows the rule does not give come from the outer side of the join. Scoped, the rule
    // reads only the touched pairs' events (by the index on person and purpose).
    let mismatch = "r.id IS NOT c.event_id OR r.kind IS NOT c.kind
            OR r.captured_at_ms IS NOT c.captured_at_ms OR r.protection IS NOT c.protection";
    let sql = match after {
        None => format!(
            "SELECT coalesce(r.subject_id, c.subject_id), coalesce(r.purpose_code, c.purpose_code),
                    r.kind, r.id, c.kind, c.event_id
             FROM ({}) r FULL OUTER JOIN consent_current c
               ON c.subject_id = r.subject_id AND c.purpose_code = r.purpose_code
             WHERE {mismatch}
             ORDER BY 1, 2",
            current_rule()
        ),
        // Driven by the touched pairs: the rule over their events only (found by the index
        // on person and purpose; CROSS JOIN keeps that order, where the planner would
        // otherwise scan the whole ledger against the few pairs), and the table's row of each
        // by its primary key.
        Some(_) => format!(
            "WITH touched AS MATERIALIZED
                      (SELECT DISTINCT subject_id, purpose_code FROM consent_event NOT INDEXED WHERE rowid > ?1),
                  scoped_event AS MATERIALIZED
                      (SELECT e.* FROM touched t CROSS JOIN consent_event e
                         ON e.subject_id = t.subject_id AND e.purpose_code = t.purpose_code)
             SELECT t.subject_id, t.purpose_code, r.kind, r.id, c.kind, c.event_id
             FROM touched t
             LEFT JOIN ({}) r ON r.subject_id = t.subject_id AND r.purpose_code = t.purpose_code
             LEFT JOIN consent_current c ON c.subject_id = t.subject_id AND c.purpose_code = t.purpose_code
             WHERE {mismatch}
             ORDER BY 1, 2",
            current_rule().replace("FROM consent_event", "FROM scoped_event")
        ),
    };
    let mut stmt = conn.prepare(&sql).storage(ctx)?;
    type Row = (String, String, Option<String>, Option<String>, Option<String>, Option<String>);
    let map = |r: &rusqlite::Row<'_>| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?));
    let rows: Vec<Row> = match after {
        None => stmt.query_map([], map),
        Some(rowid) => stmt.query_map([rowid], map),
    }
    .storage(ctx)?
    .collect::<rusqlite::Result<_>>()
    .storage(ctx)?;
    // One problem per person and purpose: what the ledger gives beside what the table says,
    // each as (kind, event id).
    type Side = Option<(String, String)>;
    let pairs: Vec<((String, String), (Side, Side))> = rows
        .into_iter()
        .map(|(subject, purpose, lk, le, tk, te)| ((subject, purpose), (lk.zip(le), tk.zip(te))))
        .collect();
    let say = |s: &Side| match s {
        Some((kind, event)) => format!("{kind} (event {event})"),
        None => "nothing".to_string(),
    };
    let total = pairs.len();
    for (i, ((subject, purpose), (ledger, table))) in pairs.into_iter().enumerate() {
        if i == MISMATCHES_LISTED {
            problems.push(Problem::at(
                Place::CurrentState { subject_id: String::new(), purpose: String::new() },
                format!("… and {} more people and purposes whose current state differs from the ledger.", total - i),
            ));
            break;
        }
        problems.push(Problem::at(
            Place::CurrentState { subject_id: subject.clone(), purpose: purpose.clone() },
            format!(
                "Current state of person {subject} for {purpose}: the ledger gives {}, but the current-state table says {}.",
                say(&ledger),
                say(&table)
            ),
        ));
    }
    // What the table keeps beside the event's id is that event's, and the counts are right.
    let differs = "c.utc_offset_min IS NOT e.utc_offset_min OR c.notice_hash IS NOT e.notice_hash
                   OR c.method IS NOT e.method";
    let copied: i64 = match after {
        None => conn.query_row(
            &format!(
                "SELECT count(*) FROM consent_current c JOIN consent_event e ON e.id = c.event_id WHERE {differs}"
            ),
            [],
            |r| r.get(0),
        ),
        // The touched pairs' rows only, each by the table's primary key.
        Some(rowid) => conn.query_row(
            &format!(
                "WITH touched AS MATERIALIZED
                      (SELECT DISTINCT subject_id, purpose_code FROM consent_event NOT INDEXED WHERE rowid > ?1)
                 SELECT count(*) FROM touched t
                 JOIN consent_current c ON c.subject_id = t.subject_id AND c.purpose_code = t.purpose_code
                 JOIN consent_event e ON e.id = c.event_id
                 WHERE {differs}"
            ),
            [rowid],
            |r| r.get(0),
        ),
    }
    .storage(ctx)?;
    if copied > 0 {
        problems.push(Problem::at(
            Place::CurrentState { subject_id: String::new(), purpose: String::new() },
            format!("{copied} current-state rows keep a time offset, notice hash or method that is not their event's."),
        ));
    }
    // The home screen's counts: the people (a count over a small index) every time, the
    // grants (a pass over the whole table) on a full walk.
    let counts: &[(&str, &str)] = match after {
        None => &[
            ("subjects", "SELECT count(*) FROM subject"),
            ("granted", "SELECT count(*) FROM consent_current WHERE kind = 'grant'"),
        ],
        Some(_) => &[("subjects", "SELECT count(*) FROM subject")],
    };
    for (name, sql) in counts {
        let (kept, counted): (i64, i64) = conn
            .query_row(&format!("SELECT (SELECT n FROM tally WHERE name = ?1), ({sql})"), [name], |r| {
                Ok((r.get::<_, Option<i64>>(0)?.unwrap_or(-1), r.get(1)?))
            })
            .storage(ctx)?;
        if kept != counted {
            problems.push(Problem::at(
                Place::CurrentState { subject_id: String::new(), purpose: String::new() },
                format!("The home screen's count of {name} says {kept}, but there are {counted}."),
            ));
        }
    }
    let compared = match after {
        None => conn.query_row("SELECT count(*) FROM consent_current", [], |r| r.get::<_, i64>(0)),
        Some(rowid) => conn.query_row(
            "SELECT count(*) FROM (SELECT DISTINCT subject_id, purpose_code FROM consent_event NOT INDEXED WHERE rowid > ?1)",
            [rowid],
            |r| r.get::<_, i64>(0),
        ),
    };
    compared.map(|n| u64::try_from(n).unwrap_or(0)).storage(ctx)
}

/// The current state of each purpose for one person, from the one current-state table,
/// `consent_current`, which a trigger keeps as events are appended (migrations 0005, 0008,
/// 0011) and which status, exports, retention, event figures, withdrawal and erasure all
/// read without going back to the ledger.
pub(crate) fn current(conn: &Connection, subject_id: &str) -> Result<Vec<PurposeStatus>> {
    let ctx = "read consent status";
    let mut stmt = conn
        .prepare_cached(
            "SELECT purpose_code, kind, captured_at_ms, utc_offset_min, event_id, notice_hash
             FROM consent_current WHERE subject_id = ?1 ORDER BY purpose_code",
        )
        .storage(ctx)?;
    let rows = stmt
        .query_map([subject_id], |r| {
            let kind: EventKind = column(r, 1)?;
            Ok(PurposeStatus {
                purpose: r.get(0)?,
                state: ConsentState::of(kind),
                since: from_parts(r.get(2)?, r.get(3)?),
                event_id: r.get(4)?,
                notice_hash: r.get(5)?,
            })
        })
        .storage(ctx)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().storage(ctx)
}

/// A person's current status per purpose (masked view of the person), from the one
/// current-state table (`consent_current`).
pub fn status(session: &mut Session, key: &SubjectKey) -> Result<SubjectStatus> {
    let subject = subject::view(session, key)?;
    let purposes = session.read(Action::ReadConsents, |conn| current(conn, &subject.id))?;
    Ok(SubjectStatus { subject, purposes })
}

/// Counts for the home screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// People in the vault (erased ones included).
    pub subjects: u64,
    /// Purpose consents currently in force (person × purpose whose latest event is a grant).
    pub active_consents: u64,
    /// Withdrawals recorded with a time in the last seven days.
    pub withdrawals_last_7_days: u64,
    /// Notice versions per workflow state (a bilingual version counts once).
    pub notices_by_state: Vec<(String, u64)>,
}

/// Counts for the home screen.
pub fn summary(session: &mut Session) -> Result<Summary> {
    let week_ago = (session.now() - Duration::days(7)).timestamp_millis();
    session.read(Action::ReadConsents, |conn| {
        let ctx = "count consents";
        let count = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<u64> {
            conn.query_row(sql, p, |r| r.get::<_, i64>(0)).map(|n| u64::try_from(n).unwrap_or(0)).storage(ctx)
        };
        // Kept by triggers as people and events are added (migrations/0011_current_reads_once.sql).
        let subjects = count("SELECT n FROM tally WHERE name = 'subjects'", &[])?;
        let active_consents = count("SELECT n FROM tally WHERE name = 'granted'", &[])?;
        let withdrawals_last_7_days =
            count("SELECT count(*) FROM consent_event WHERE kind = 'withdraw' AND captured_at_ms >= ?1", &[&week_ago])?;
        // Versions, not languages: a drafted version (both languages in one revision) counts
        // once, in whatever state it is; a wording registered on its own (not drafted here)
        // counts once too.
        let mut stmt = conn
            .prepare(
                "SELECT state, count(*) FROM (
                     SELECT state FROM notice_revision
                     UNION ALL
                     SELECT v.state FROM notice_version v
                     WHERE NOT EXISTS (SELECT 1 FROM notice_revision r WHERE v.hash IN (r.hash_zh, r.hash_en))
                 ) GROUP BY state ORDER BY state",
            )
            .storage(ctx)?;
        let notices_by_state = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0))))
            .storage(ctx)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .storage(ctx)?;
        Ok(Summary { subjects, active_consents, withdrawals_last_7_days, notices_by_state })
    })
}

/// Every event about one person, oldest first.
pub fn history(session: &mut Session, key: &SubjectKey) -> Result<(SubjectView, Vec<ConsentEvent>)> {
    let subject = subject::view(session, key)?;
    let events = session.read(Action::ReadConsents, |conn| {
        let mut stmt = conn
            .prepare_cached(&format!("{EVENT_SELECT} WHERE subject_id = ?1 ORDER BY captured_at_ms, device_id, seq"))
            .storage("read history")?;
        let rows = stmt.query_map([&subject.id], row_to_event).storage("read history")?;
        rows.collect::<rusqlite::Result<Vec<_>>>().storage("read history")
    })?;
    Ok((subject, events))
}

pub(crate) const EVENT_SELECT: &str =
    "SELECT id, device_id, seq, kind, subject_id, purpose_code, notice_hash, language, captured_at_ms,
        utc_offset_min, operator_id, method, evidence, hash FROM consent_event";

pub(crate) fn row_to_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConsentEvent> {
    Ok(ConsentEvent {
        id: r.get(0)?,
        device_id: r.get(1)?,
        seq: r.get(2)?,
        kind: column(r, 3)?,
        subject_id: r.get(4)?,
        purpose: r.get(5)?,
        notice_hash: r.get(6)?,
        language: opt_column(r, 7)?,
        captured_at: from_parts(r.get(8)?, r.get(9)?),
        operator_id: r.get(10)?,
        method: column(r, 11)?,
        evidence: r.get(12)?,
        hash: hex::encode(r.get::<_, Vec<u8>>(13)?),
    })
}

/// A person's latest recorded event, for telling masked search results apart: when, how, and
/// at which trade show (events hold no personal data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastSeen {
    /// When the latest event was recorded, in the recording device's offset.
    pub at: chrono::DateTime<chrono::FixedOffset>,
    /// How it was collected.
    pub method: super::Method,
    /// The trade show it was recorded at, if it was.
    pub event: Option<String>,
}

/// The latest event of each person, in the order given (none for a person with no events).
pub fn last_seen(session: &mut Session, people: &[crate::domain::SubjectId]) -> Result<Vec<Option<LastSeen>>> {
    session.read(Action::ReadConsents, |conn| {
        let ctx = "read when people were last seen";
        let mut stmt = conn
            .prepare_cached(
                "SELECT ce.captured_at_ms, ce.utc_offset_min, ce.method, ev.name
                 FROM consent_event ce
                 LEFT JOIN receipt_event re ON re.event_id = ce.id
                 LEFT JOIN capture_detail cd ON cd.receipt_id = re.receipt_id
                 LEFT JOIN event ev ON ev.id = cd.event_id
                 WHERE ce.subject_id = ?1 ORDER BY ce.captured_at_ms DESC LIMIT 1",
            )
            .storage(ctx)?;
        people
            .iter()
            .map(|id| {
                let mut rows = stmt
                    .query_map([id], |r| {
                        Ok(LastSeen { at: from_parts(r.get(0)?, r.get(1)?), method: column(r, 2)?, event: r.get(3)? })
                    })
                    .storage(ctx)?;
                rows.next().transpose().storage(ctx)
            })
            .collect()
    })
}
