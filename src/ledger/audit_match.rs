//! The ledger held to the audit log. Each write of consent events records them in its audit
//! entry, in one of two forms:
//! - **one by one** (a capture, a withdrawal): `id:hash,id:hash,…`, each event's id and hash;
//! - **as a batch** (an import of up to 100,000 events): `batch:N:SEQ:DIGEST`, the number of
//!   events, the seq of the first in this device's chain, and the SHA-256 of their hashes in
//!   chain order (each hash in hex followed by a line feed). One entry then commits to the
//!   whole import instead of one entry per person repeating every hash.
//!
//! `verify` walks the audit entries and this device's chain side by side: every event an entry
//! records must still be in the ledger as recorded, and every event in the ledger must be
//! recorded by an entry, which finds events deleted from the end of a chain, or appended with
//! well-formed hashes, which the chain alone cannot.

use std::collections::HashMap;

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::EventRef;
use crate::checkpoint::{Heads, Log};
use crate::domain::error::{Result, StorageContext};
use crate::domain::{Place, Problem};

/// The audit detail that records events one by one.
pub(crate) fn audit_detail(events: &[EventRef]) -> String {
    events.iter().map(|e| format!("{}:{}", e.id, e.hash)).collect::<Vec<_>>().join(",")
}

/// The audit detail that records a batch of events appended in one transaction (so their
/// seqs follow one another); `None` for no events.
pub(crate) fn batch_detail(events: &[EventRef]) -> Option<String> {
    let first = events.first()?;
    let mut h = Sha256::new();
    for e in events {
        h.update(e.hash.as_bytes());
        h.update(b"\n");
    }
    Some(format!("batch:{}:{}:{}", events.len(), first.seq, hex::encode(h.finalize())))
}

/// What one audit entry records.
enum Recorded {
    One { id: String, hash: String, audit_seq: i64 },
    Batch { n: i64, first_seq: i64, digest: String, audit_seq: i64 },
}

/// One event of this device's chain: (id, device, seq, hash in hex).
type Event = (String, String, i64, String);

/// Holds this device's chain to the audit entries that recorded it: all of both for a full
/// walk, or the entries and events after those `from` reached (which the last verify held
/// to each other; a write commits its events and its entry together, so each side's head
/// is at the same place in the other).
pub(crate) fn verify_against_audit(conn: &Connection, from: &Heads, problems: &mut Vec<Problem>) -> Result<()> {
    let ctx = "verify the ledger";
    // The audit entries of captures, withdrawals and imports record the events they wrote, in
    // the order written; one device's events by seq are in that same order (each write holds
    // the write lock for its events and its entry). So the two are walked side by side,
    // holding one entry at a time: only where they part (something was deleted, added or
    // reordered) are the rest of the entries gathered to name what.
    let mut audit = conn
        .prepare(
            "SELECT seq, detail FROM audit_entry
             WHERE action IN ('consent.capture', 'consent.withdraw', 'consent.import') AND seq > ?1 ORDER BY seq",
        )
        .storage(ctx)?;
    let local: String = conn.query_row("SELECT id FROM device WHERE is_local = 1", [], |r| r.get(0)).storage(ctx)?;
    let after = |log| i64::try_from(from.size(log, &local)).unwrap_or(i64::MAX);
    let mut audit_rows = audit.query([after(Log::Audit)]).storage(ctx)?;
    let mut pending: std::collections::VecDeque<Recorded> = std::collections::VecDeque::new();
    let mut next_recorded = || -> Result<Option<Recorded>> {
        while pending.is_empty() {
            let Some(r) = audit_rows.next().storage(ctx)? else { return Ok(None) };
            let audit_seq: i64 = r.get(0).storage(ctx)?;
            let detail: String = r.get(1).storage(ctx)?;
            if let Some(batch) = detail.strip_prefix("batch:") {
                let mut parts = batch.splitn(3, ':');
                let (n, first, digest) = (parts.next(), parts.next(), parts.next());
                if let (Some(n), Some(first), Some(digest)) =
                    (n.and_then(|n| n.parse().ok()), first.and_then(|f| f.parse().ok()), digest)
                {
                    pending.push_back(Recorded::Batch { n, first_seq: first, digest: digest.to_string(), audit_seq });
                }
                continue;
            }
            for item in detail.split(',').filter(|s| !s.is_empty()) {
                if let Some((id, hash)) = item.split_once(':') {
                    pending.push_back(Recorded::One { id: id.to_string(), hash: hash.to_string(), audit_seq });
                }
            }
        }
        Ok(pending.pop_front())
    };
    // Only this vault's own chain: other devices' events, at headquarters, are held to the
    // checkpoints those devices signed and headquarters cosigned (`checkpoint::verify`).
    let mut stmt = conn
        .prepare("SELECT id, device_id, seq, hash FROM consent_event WHERE device_id = ?1 AND seq > ?2 ORDER BY seq")
        .storage(ctx)?;
    let mut rows = stmt.query(rusqlite::params![local, after(Log::Ledger)]).storage(ctx)?;
    let mut next_event = || -> Result<Option<Event>> {
        let Some(r) = rows.next().storage(ctx)? else { return Ok(None) };
        Ok(Some((
            r.get(0).storage(ctx)?,
            r.get(1).storage(ctx)?,
            r.get(2).storage(ctx)?,
            hex::encode(r.get::<_, Vec<u8>>(3).storage(ctx)?),
        )))
    };
    let mut rewritten = false;
    let ledger_problem = |(id, device_id, seq, _): &Event, message: String| Problem {
        place: Place::Ledger { device_id: device_id.clone() },
        seq: *seq,
        event_id: Some(id.clone()),
        message,
    };
    let rewrite = |e: &Event, audit_seq: i64| {
        let (id, device_id, seq, _) = e;
        ledger_problem(
            e,
            format!("event {id} (device {device_id}, seq {seq}): its hash differs from the one audit entry {audit_seq} recorded; it was rewritten"),
        )
    };
    // What an audit entry recorded that the ledger no longer holds (`what`, and whether it
    // is one event or several).
    let gone = |what: String, several: bool, audit_seq: i64, event_id: Option<String>| Problem {
        place: Place::Audit,
        seq: audit_seq,
        event_id,
        message: if several {
            format!("{what}, recorded by audit entry {audit_seq}, are missing from the ledger; they were deleted")
        } else {
            format!("{what}, recorded by audit entry {audit_seq}, is missing from the ledger; it was deleted")
        },
    };
    loop {
        match (next_recorded()?, next_event()?) {
            (None, None) => return Ok(()),
            (Some(Recorded::One { id, hash, audit_seq }), Some(event)) if id == event.0 => {
                if hash != event.3 && !rewritten {
                    rewritten = true;
                    problems.push(rewrite(&event, audit_seq));
                }
            }
            (Some(Recorded::Batch { n, first_seq, digest, audit_seq }), Some(event)) if event.2 == first_seq => {
                // The batch's events, in chain order, must give the digest it recorded.
                let mut h = Sha256::new();
                let mut event = Some(event);
                let mut first: Option<Event> = None;
                for i in 0..n {
                    let Some(e) = event.take().map(Ok).or_else(|| next_event().transpose()).transpose()? else {
                        problems.push(gone(
                            format!("events {} to {} of this device's chain", first_seq + i, first_seq + n - 1),
                            true,
                            audit_seq,
                            None,
                        ));
                        return Ok(());
                    };
                    if e.2 != first_seq + i && !rewritten {
                        rewritten = true;
                        problems.push(ledger_problem(&e, format!(
                            "event {} (device {}, seq {}): audit entry {audit_seq} recorded seq {} here; events were deleted or inserted",
                            e.0, e.1, e.2, first_seq + i
                        )));
                    }
                    h.update(e.3.as_bytes());
                    h.update(b"\n");
                    first.get_or_insert(e);
                }
                if hex::encode(h.finalize()) != digest && !rewritten {
                    rewritten = true;
                    if let Some(e) = first {
                        problems.push(ledger_problem(&e, format!(
                            "events {first_seq} to {} (device {}): their hashes differ from the ones audit entry {audit_seq} recorded; an event among them was rewritten",
                            first_seq + n - 1,
                            e.1
                        )));
                    }
                }
            }
            (recorded, event) => {
                // They part here: gather the rest of what the audit log recorded, and name the
                // first event it does not record and the first it records that is gone.
                let mut rest: HashMap<String, (String, i64)> = HashMap::new();
                let mut batches: Vec<(i64, i64, i64, i64)> = Vec::new(); // (first seq, n, audit seq, seen)
                let mut add = |r: Option<Recorded>| match r {
                    Some(Recorded::One { id, hash, audit_seq }) => {
                        rest.insert(id, (hash, audit_seq));
                    }
                    Some(Recorded::Batch { n, first_seq, audit_seq, .. }) => batches.push((first_seq, n, audit_seq, 0)),
                    None => {}
                };
                add(recorded);
                while let Some(r) = next_recorded()? {
                    add(Some(r));
                }
                let mut unrecorded = false;
                let mut event = event;
                while let Some(e) = event {
                    if let Some(b) = batches.iter_mut().find(|b| e.2 >= b.0 && e.2 < b.0 + b.1) {
                        b.3 += 1;
                    } else {
                        match rest.remove(&e.0) {
                            Some((h, _)) if h == e.3 => {}
                            Some((_, audit_seq)) if !rewritten => {
                                rewritten = true;
                                problems.push(rewrite(&e, audit_seq));
                            }
                            None if !unrecorded => {
                                unrecorded = true;
                                let (id, device_id, seq, _) = &e;
                                problems.push(ledger_problem(&e, format!(
                                    "event {id} (device {device_id}, seq {seq}): no audit entry records it; it was added outside Consentry"
                                )));
                            }
                            _ => {}
                        }
                    }
                    event = next_event()?;
                }
                let missing_one = rest.into_iter().min_by_key(|(_, (_, s))| *s).map(|(id, (_, s))| (s, Some(id)));
                let missing_batch = batches.into_iter().filter(|b| b.3 < b.1).map(|b| (b.2, None)).min();
                if let Some((audit_seq, id)) = missing_one.into_iter().chain(missing_batch).min_by_key(|(s, _)| *s) {
                    let what = match &id {
                        Some(id) => format!("event {id}"),
                        None => "events of an imported batch".to_string(),
                    };
                    problems.push(gone(what, id.is_none(), audit_seq, id));
                }
                return Ok(());
            }
        }
    }
}
