//! The audit log: every mutation, unlock, lock, denial and unmasked read, hash-chained so
//! that an edited, deleted, inserted or reordered entry is found by `verify`. Entries name
//! people by id, never by their personal data.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};

use crate::checkpoint::{Head, Heads, Log};
use crate::domain::canonical::Canonical;
use crate::domain::error::{Result, StorageContext};
use crate::domain::time::{from_parts, offset_minutes};
use crate::domain::{OperatorId, Place, Problem};

/// An entry about to be appended.
pub(crate) struct Entry<'a> {
    pub at: DateTime<FixedOffset>,
    pub actor_id: &'a str,
    pub actor_name: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When, with the device's UTC offset.
    pub at: DateTime<FixedOffset>,
    /// Operator id.
    pub actor_id: OperatorId,
    /// Operator name at the time.
    pub actor_name: String,
    /// What was done, such as `consent.grant`.
    pub action: String,
    /// The id it was done to.
    pub target: String,
    /// More about it (never personal data).
    pub detail: String,
    /// The entry's hash, hex.
    pub hash: String,
}

const GENESIS: [u8; 32] = [0; 32];

pub(crate) fn entry_hash(
    seq: i64,
    at_ms: i64,
    offset: i32,
    e: (&str, &str, &str, &str, &str),
    prev: &[u8],
) -> [u8; 32] {
    let mut c = Canonical::new("consentry/audit/v1");
    c.int(seq).int(at_ms).int(i64::from(offset));
    c.text(e.0).text(e.1).text(e.2).text(e.3).text(e.4).bytes(prev);
    c.finish()
}

pub(crate) fn append(conn: &Connection, e: &Entry<'_>) -> Result<()> {
    let last: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .storage("write the audit log")?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_vec()),
    };
    let at_ms = e.at.timestamp_millis();
    let offset = offset_minutes(&e.at);
    let hash = entry_hash(seq, at_ms, offset, (e.actor_id, e.actor_name, e.action, e.target, e.detail), &prev);
    conn.prepare_cached(
        "INSERT INTO audit_entry (seq, at_ms, utc_offset_min, actor_id, actor_name, action, target, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )
    .and_then(|mut s| {
        s.execute(params![seq, at_ms, offset, e.actor_id, e.actor_name, e.action, e.target, e.detail, prev, hash.as_slice()])
    })
    .storage("write the audit log")?;
    Ok(())
}

/// The newest `limit` entries, newest first (admin and legal).
/// Which audit entries to show: actions starting with `action` (such as `consent.` or
/// `operator.reset`), by an operator whose name holds `operator`, or both.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// The start of the action, case-insensitive; empty: any.
    pub action: String,
    /// Part of the operator's name, case-insensitive; empty: anyone.
    pub operator: String,
}

/// The newest `limit` entries that pass `filter`, newest first (read backwards along the
/// chain's key, stopping at `limit`).
pub(crate) fn list_filtered(conn: &Connection, filter: &AuditFilter, limit: usize) -> Result<Vec<AuditEntry>> {
    let action = filter.action.trim().to_lowercase();
    let operator = filter.operator.trim().to_lowercase();
    let like = |s: &str| s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, at_ms, utc_offset_min, actor_id, actor_name, action, target, detail, hash
             FROM audit_entry
             WHERE (?1 = '' OR lower(action) LIKE ?1 || '%' ESCAPE '\\')
               AND (?2 = '' OR lower(actor_name) LIKE '%' || ?2 || '%' ESCAPE '\\')
             ORDER BY seq DESC LIMIT ?3",
        )
        .storage("read the audit log")?;
    let rows = stmt
        .query_map(rusqlite::params![like(&action), like(&operator), i64::try_from(limit).unwrap_or(i64::MAX)], row)
        .storage("read the audit log")?;
    rows.collect::<rusqlite::Result<Vec<_>>>().storage("read the audit log")
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: from_parts(r.get(1)?, r.get(2)?),
        actor_id: r.get(3)?,
        actor_name: r.get(4)?,
        action: r.get(5)?,
        target: r.get(6)?,
        detail: r.get(7)?,
        hash: hex::encode(r.get::<_, Vec<u8>>(8)?),
    })
}

pub(crate) fn list(conn: &Connection, limit: usize) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn
        .prepare(
            "SELECT seq, at_ms, utc_offset_min, actor_id, actor_name, action, target, detail, hash
             FROM audit_entry ORDER BY seq DESC LIMIT ?1",
        )
        .storage("read the audit log")?;
    let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], row).storage("read the audit log")?;
    rows.collect::<rusqlite::Result<Vec<_>>>().storage("read the audit log")
}

/// Walks the audit chain, from where `from` reached (from the start when it is `None`),
/// and reports the first broken link, if any. Returns the number of entries checked.
pub(crate) fn verify_chain(conn: &Connection, from: Option<&Head>, problems: &mut Vec<Problem>) -> Result<u64> {
    walk(conn, None, from, problems)
}

/// Walks the audit chain of every other device that headquarters holds, each from where
/// `from` reached on it; returns the number of entries checked.
pub(crate) fn verify_device_chains(conn: &Connection, from: &Heads, problems: &mut Vec<Problem>) -> Result<u64> {
    let devices: Vec<String> = conn
        .prepare("SELECT DISTINCT device_id FROM device_audit_entry ORDER BY device_id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .storage("verify the audit log")?;
    let mut checked = 0;
    for d in devices {
        checked += walk(conn, Some(&d), from.get(Log::Audit, &d), problems)?;
    }
    Ok(checked)
}

fn walk(conn: &Connection, device: Option<&str>, from: Option<&Head>, problems: &mut Vec<Problem>) -> Result<u64> {
    let ctx = "verify the audit log";
    let columns = "seq, at_ms, utc_offset_min, actor_id, actor_name, action, target, detail, prev_hash, hash";
    let head = from.filter(|h| h.size > 0).map(|h| (i64::try_from(h.size).unwrap_or(i64::MAX), h.hash.as_slice()));
    let start = head.map_or(1, |(seq, _)| seq);
    let mut stmt = match device {
        None => conn.prepare(&format!("SELECT {columns} FROM audit_entry WHERE seq >= ?1 ORDER BY seq")),
        Some(_) => conn.prepare(&format!(
            "SELECT {columns} FROM device_audit_entry WHERE device_id = ?2 AND seq >= ?1 ORDER BY seq"
        )),
    }
    .storage(ctx)?;
    let mut rows = match device {
        None => stmt.query(params![start]),
        Some(d) => stmt.query(params![start, d]),
    }
    .storage(ctx)?;
    let problem = |seq: i64, message: String| match device {
        None => Problem::audit(seq, message),
        Some(d) => Problem { place: Place::DeviceAudit { device_id: d.to_string() }, seq, event_id: None, message },
    };
    let mut expected_seq = start;
    let mut prev = GENESIS.to_vec();
    let mut checked = 0u64;
    let mut resuming = head;
    while let Some(r) = rows.next().storage(ctx)? {
        let seq: i64 = r.get(0).storage(ctx)?;
        let fields: (String, String, String, String, String) = (
            r.get(3).storage(ctx)?,
            r.get(4).storage(ctx)?,
            r.get(5).storage(ctx)?,
            r.get(6).storage(ctx)?,
            r.get(7).storage(ctx)?,
        );
        let stored_prev: Vec<u8> = r.get(8).storage(ctx)?;
        let stored: Vec<u8> = r.get(9).storage(ctx)?;
        let what = match device {
            None => format!("audit entry {seq} ({})", fields.2),
            Some(d) => format!("audit entry {seq} ({}) of device {d}", fields.2),
        };
        if seq != expected_seq {
            problems.push(problem(
                seq,
                format!("{what}: expected entry {expected_seq} here; entries were deleted or inserted"),
            ));
            return Ok(checked + 1);
        }
        // Resuming: the entry where the last verify stopped keeps the hash it had then (its
        // link backwards was checked then); the walk goes on from it.
        let resumed = match resuming.take() {
            Some((_, hash)) if hash != stored.as_slice() => {
                problems.push(problem(
                    seq,
                    format!("{what}: its hash differs from the one the last verify found; it was rewritten"),
                ));
                return Ok(checked + 1);
            }
            Some(_) => true,
            None => false,
        };
        if !resumed {
            checked += 1;
        }
        if !resumed && stored_prev != prev {
            problems.push(problem(
                seq,
                format!("{what}: does not link to the entry before it; entries were removed, inserted or reordered"),
            ));
            return Ok(checked);
        }
        let recomputed = entry_hash(
            seq,
            r.get(1).storage(ctx)?,
            r.get(2).storage(ctx)?,
            (&fields.0, &fields.1, &fields.2, &fields.3, &fields.4),
            &stored_prev,
        );
        if recomputed.as_slice() != stored.as_slice() {
            problems.push(problem(seq, format!("{what}: its contents do not match its hash; it was edited")));
            return Ok(checked);
        }
        prev = stored;
        expected_seq += 1;
    }
    if let Some((seq, _)) = resuming {
        problems.push(problem(
            seq,
            format!(
                "the audit log no longer reaches entry {seq}, which the last verify found intact: entries were deleted"
            ),
        ));
    }
    Ok(checked)
}

/// One audit entry exactly as its vault chained it: what a device bundle carries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainedEntry {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When (ms since the epoch, UTC).
    pub at_ms: i64,
    /// The UTC offset then.
    pub utc_offset_min: i32,
    /// Operator id.
    pub actor_id: String,
    /// Operator name at the time.
    pub actor_name: String,
    /// What was done.
    pub action: String,
    /// The id it was done to.
    pub target: String,
    /// More about it.
    pub detail: String,
    /// The hash of the entry before (hex).
    pub prev_hash: String,
    /// Its hash (hex).
    pub hash: String,
}

impl ChainedEntry {
    /// The hash its fields give, which must equal [`ChainedEntry::hash`].
    pub(crate) fn recompute(&self) -> Option<[u8; 32]> {
        let prev = hex::decode(&self.prev_hash).ok()?;
        let fields = (&*self.actor_id, &*self.actor_name, &*self.action, &*self.target, &*self.detail);
        Some(entry_hash(self.seq, self.at_ms, self.utc_offset_min, fields, &prev))
    }
}

/// This vault's audit entries from `from_seq` on, as chained.
pub(crate) fn chained_entries(conn: &Connection, from_seq: i64) -> Result<Vec<ChainedEntry>> {
    let ctx = "read the audit log";
    let mut stmt = conn
        .prepare(
            "SELECT seq, at_ms, utc_offset_min, actor_id, actor_name, action, target, detail, prev_hash, hash
             FROM audit_entry WHERE seq >= ?1 ORDER BY seq",
        )
        .storage(ctx)?;
    let rows = stmt
        .query_map([from_seq], |r| {
            Ok(ChainedEntry {
                seq: r.get(0)?,
                at_ms: r.get(1)?,
                utc_offset_min: r.get(2)?,
                actor_id: r.get(3)?,
                actor_name: r.get(4)?,
                action: r.get(5)?,
                target: r.get(6)?,
                detail: r.get(7)?,
                prev_hash: hex::encode(r.get::<_, Vec<u8>>(8)?),
                hash: hex::encode(r.get::<_, Vec<u8>>(9)?),
            })
        })
        .storage(ctx)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().storage(ctx)
}

/// Stores another device's audit entry as it chained it (at headquarters).
pub(crate) fn insert_device_entry(conn: &Connection, device_id: &str, e: &ChainedEntry) -> Result<()> {
    let ctx = "merge a device's audit log";
    let decode = |h: &str| hex::decode(h).map_err(|_| rusqlite::Error::InvalidQuery);
    conn.prepare_cached(
        "INSERT INTO device_audit_entry (device_id, seq, at_ms, utc_offset_min, actor_id, actor_name, action, target,
                                         detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )
    .and_then(|mut s| {
        s.execute(params![
            device_id,
            e.seq,
            e.at_ms,
            e.utc_offset_min,
            e.actor_id,
            e.actor_name,
            e.action,
            e.target,
            e.detail,
            decode(&e.prev_hash)?,
            decode(&e.hash)?
        ])
    })
    .storage(ctx)?;
    Ok(())
}
