//! The per-device hash chain: canonical bytes of each event (ids, never personal data),
//! appending inside the caller's transaction, and verification of the chain (against the
//! audit log: `audit_match.rs`).

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};

use super::{EventKind, EventRef, Method};
use crate::checkpoint;
use crate::domain::canonical::Canonical;
use crate::domain::error::{Result, StorageContext};
use crate::domain::time::offset_minutes;
use crate::domain::{Place, Problem};
use crate::session::Write;

pub(crate) struct NewEvent<'a> {
    pub(crate) kind: EventKind,
    pub(crate) subject_id: &'a str,
    pub(crate) purpose: &'a str,
    pub(crate) notice_hash: Option<&'a str>,
    pub(crate) language: Option<&'a str>,
    pub(crate) at: DateTime<FixedOffset>,
    pub(crate) method: Method,
    pub(crate) evidence: &'a str,
}

const GENESIS: [u8; 32] = [0; 32];

/// Every hashed field of one event, in canonical order: ids and codes, never personal data.
struct Linked<'a> {
    id: &'a str,
    device_id: &'a str,
    seq: i64,
    prev: &'a [u8],
    kind: &'a str,
    subject_id: &'a str,
    purpose: &'a str,
    notice_hash: Option<&'a str>,
    language: Option<&'a str>,
    at_ms: i64,
    offset_min: i32,
    operator_id: &'a str,
    method: &'a str,
    evidence: &'a str,
}

impl Linked<'_> {
    fn hash(&self) -> [u8; 32] {
        let mut c = Canonical::new("consentry/event/v1");
        c.text(self.id).text(self.device_id).int(self.seq).bytes(self.prev).text(self.kind);
        c.text(self.subject_id).text(self.purpose).opt_text(self.notice_hash).opt_text(self.language);
        c.int(self.at_ms).int(i64::from(self.offset_min)).text(self.operator_id).text(self.method).text(self.evidence);
        c.finish()
    }
}

/// Appends one event to this device's chain, inside the caller's transaction.
pub(crate) fn append(w: &mut Write<'_>, e: &NewEvent<'_>) -> Result<EventRef> {
    // Cached statements: an import appends up to 100,000 events in one transaction.
    let last: Option<(i64, Vec<u8>)> =
        w.tx.prepare_cached("SELECT seq, hash FROM consent_event WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1")
            .and_then(|mut s| s.query_row([w.device_id], |r| Ok((r.get(0)?, r.get(1)?))).optional())
            .storage("append to the ledger")?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_vec()),
    };
    let id = uuid::Uuid::now_v7().to_string();
    let l = Linked {
        id: &id,
        device_id: w.device_id,
        seq,
        prev: &prev,
        kind: e.kind.as_str(),
        subject_id: e.subject_id,
        purpose: e.purpose,
        notice_hash: e.notice_hash,
        language: e.language,
        at_ms: e.at.timestamp_millis(),
        offset_min: offset_minutes(&e.at),
        operator_id: &w.operator.id,
        method: e.method.as_str(),
        evidence: e.evidence,
    };
    let hash = l.hash();
    w.tx.prepare_cached(
        "INSERT INTO consent_event (id, device_id, seq, prev_hash, hash, kind, subject_id, purpose_code, notice_hash,
                                    language, captured_at_ms, utc_offset_min, operator_id, method, evidence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )
    .and_then(|mut s| {
        s.execute(params![
            l.id,
            l.device_id,
            l.seq,
            l.prev,
            hash.as_slice(),
            l.kind,
            l.subject_id,
            l.purpose,
            l.notice_hash,
            l.language,
            l.at_ms,
            l.offset_min,
            l.operator_id,
            l.method,
            l.evidence
        ])
    })
    .storage("append to the ledger")?;
    Ok(EventRef { id: id.into(), kind: e.kind, purpose: e.purpose.to_string(), seq, hash: hex::encode(hash) })
}

const CHAIN_COLUMNS: &str =
    "id, device_id, seq, prev_hash, hash, kind, coalesce(chain_subject_id, subject_id), purpose_code,
     notice_hash, language, captured_at_ms, utc_offset_min, operator_id, method, evidence";

/// Walks every device's chain, from where `from` reached on it (the whole chain for a full
/// walk, when `from` is empty): the event `from` ends at must still be there with the hash
/// it had, and each event after it must link to the one before and hash to what it says.
/// Returns (events checked, devices).
pub(crate) fn verify_chains(
    conn: &Connection,
    from: &checkpoint::Heads,
    problems: &mut Vec<Problem>,
) -> Result<(u64, u64)> {
    let ctx = "verify the ledger";
    let mut walk = Walk {
        device: None,
        broken: false,
        expected_seq: 1,
        prev: GENESIS.to_vec(),
        head: None,
        checked: 0,
        devices: 0,
    };
    if from.chains.is_empty() {
        let mut stmt =
            conn.prepare(&format!("SELECT {CHAIN_COLUMNS} FROM consent_event ORDER BY device_id, seq")).storage(ctx)?;
        let mut rows = stmt.query([]).storage(ctx)?;
        while let Some(r) = rows.next().storage(ctx)? {
            walk.row(r, from, problems)?;
        }
        return Ok((walk.checked, walk.devices));
    }
    let devices: Vec<String> = conn
        .prepare("SELECT id FROM device ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .storage(ctx)?;
    let mut stmt = conn
        .prepare(&format!("SELECT {CHAIN_COLUMNS} FROM consent_event WHERE device_id = ?1 AND seq >= ?2 ORDER BY seq"))
        .storage(ctx)?;
    for device in devices {
        let head = from.get(checkpoint::Log::Ledger, &device);
        let start = head.map_or(0, |h| i64::try_from(h.size).unwrap_or(i64::MAX));
        let mut rows = stmt.query(params![device, start]).storage(ctx)?;
        let mut seen = false;
        while let Some(r) = rows.next().storage(ctx)? {
            seen = true;
            walk.row(r, from, problems)?;
        }
        if let (false, Some(h)) = (seen, head.filter(|h| h.size > 0)) {
            problems.push(Problem {
                place: Place::Ledger { device_id: device.clone() },
                seq: start,
                event_id: None,
                message: format!(
                    "device {device}'s chain no longer reaches event {}, which the last verify found intact: events were deleted",
                    h.size
                ),
            });
        }
    }
    Ok((walk.checked, walk.devices))
}

/// One walk along the ledger's chains, a device at a time.
struct Walk {
    device: Option<String>,
    broken: bool,
    expected_seq: i64,
    prev: Vec<u8>,
    /// The event the walk must start at and the hash it had, when it resumes a chain.
    head: Option<(i64, Vec<u8>)>,
    checked: u64,
    devices: u64,
}

impl Walk {
    fn row(&mut self, r: &rusqlite::Row<'_>, from: &checkpoint::Heads, problems: &mut Vec<Problem>) -> Result<()> {
        let ctx = "verify the ledger";
        let id: String = r.get(0).storage(ctx)?;
        let device: String = r.get(1).storage(ctx)?;
        if self.device.as_deref() != Some(device.as_str()) {
            self.devices += 1;
            self.broken = false;
            self.expected_seq = 1;
            self.prev = GENESIS.to_vec();
            self.head = from
                .get(checkpoint::Log::Ledger, &device)
                .filter(|h| h.size > 0)
                .map(|h| (i64::try_from(h.size).unwrap_or(i64::MAX), h.hash.clone()));
            if let Some((seq, _)) = &self.head {
                self.expected_seq = *seq;
            }
            self.device = Some(device.clone());
        }
        self.checked += 1;
        if self.broken {
            return Ok(());
        }
        let seq: i64 = r.get(2).storage(ctx)?;
        let stored_prev: Vec<u8> = r.get(3).storage(ctx)?;
        let stored: Vec<u8> = r.get(4).storage(ctx)?;
        let mut fail = |msg: String| {
            problems.push(Problem {
                place: Place::Ledger { device_id: device.clone() },
                seq,
                event_id: Some(id.clone()),
                message: msg,
            });
            true
        };
        if seq != self.expected_seq {
            self.broken = fail(format!(
                "event {id} (device {device}, seq {seq}): expected seq {} here; events were deleted or inserted",
                self.expected_seq
            ));
            return Ok(());
        }
        // Resuming: the event where the last verify stopped keeps the hash it had then (its
        // link backwards was checked then); the walk goes on from it.
        let resumed = match self.head.take() {
            Some((_, hash)) if hash != stored => {
                self.broken = fail(format!(
                    "event {id} (device {device}, seq {seq}): its hash differs from the one the last verify found; it was rewritten"
                ));
                return Ok(());
            }
            Some(_) => {
                self.checked -= 1; // verified before: only what follows it is new
                true
            }
            None => false,
        };
        if !resumed && stored_prev != self.prev {
            self.broken = fail(format!(
                "event {id} (device {device}, seq {seq}): does not link to the event before it; events were removed, inserted or reordered"
            ));
            return Ok(());
        }
        let notice_hash: Option<String> = r.get(8).storage(ctx)?;
        let language: Option<String> = r.get(9).storage(ctx)?;
        let texts: [String; 6] = [
            r.get(5).storage(ctx)?,
            r.get(6).storage(ctx)?,
            r.get(7).storage(ctx)?,
            r.get(12).storage(ctx)?,
            r.get(13).storage(ctx)?,
            r.get(14).storage(ctx)?,
        ];
        let recomputed = Linked {
            id: &id,
            device_id: &device,
            seq,
            prev: &stored_prev,
            kind: &texts[0],
            subject_id: &texts[1],
            purpose: &texts[2],
            notice_hash: notice_hash.as_deref(),
            language: language.as_deref(),
            at_ms: r.get(10).storage(ctx)?,
            offset_min: r.get(11).storage(ctx)?,
            operator_id: &texts[3],
            method: &texts[4],
            evidence: &texts[5],
        }
        .hash();
        if recomputed.as_slice() != stored.as_slice() {
            self.broken = fail(format!(
                "event {id} (device {device}, seq {seq}): its contents do not match its hash; it was edited"
            ));
            return Ok(());
        }
        self.prev = stored;
        self.expected_seq += 1;
        Ok(())
    }
}

/// One event exactly as its device chained it: what a device bundle carries and what
/// headquarters stores (with the person it merged them into beside it).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ChainedEvent {
    /// Event id.
    pub id: String,
    /// The device whose chain it is in.
    pub device_id: String,
    /// Its place in that chain, from 1.
    pub seq: i64,
    /// The hash of the event before it (hex; 64 zeros for the first).
    pub prev_hash: String,
    /// Its hash (hex).
    pub hash: String,
    /// grant, refuse or withdraw.
    pub kind: String,
    /// The person, as the device knows them.
    pub subject_id: String,
    /// Purpose code.
    pub purpose_code: String,
    /// The notice version shown.
    pub notice_hash: Option<String>,
    /// The language shown.
    pub language: Option<String>,
    /// When (ms since the epoch, UTC).
    pub captured_at_ms: i64,
    /// The device's UTC offset then.
    pub utc_offset_min: i32,
    /// The operator signed in on the device.
    pub operator_id: String,
    /// How it was collected.
    pub method: String,
    /// The note or reference recorded with it.
    pub evidence: String,
}

impl ChainedEvent {
    /// The hash its fields give, which must equal [`ChainedEvent::hash`].
    pub fn recompute(&self) -> Option<[u8; 32]> {
        let prev = hex::decode(&self.prev_hash).ok()?;
        Some(
            Linked {
                id: &self.id,
                device_id: &self.device_id,
                seq: self.seq,
                prev: &prev,
                kind: &self.kind,
                subject_id: &self.subject_id,
                purpose: &self.purpose_code,
                notice_hash: self.notice_hash.as_deref(),
                language: self.language.as_deref(),
                at_ms: self.captured_at_ms,
                offset_min: self.utc_offset_min,
                operator_id: &self.operator_id,
                method: &self.method,
                evidence: &self.evidence,
            }
            .hash(),
        )
    }
}

/// A device's events from `from_seq` on, as chained.
pub(crate) fn chained_events(conn: &Connection, device_id: &str, from_seq: i64) -> Result<Vec<ChainedEvent>> {
    let ctx = "read the ledger";
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, device_id, seq, prev_hash, hash, kind, coalesce(chain_subject_id, subject_id), purpose_code,
                    notice_hash, language, captured_at_ms, utc_offset_min, operator_id, method, evidence
             FROM consent_event WHERE device_id = ?1 AND seq >= ?2 ORDER BY seq",
        )
        .storage(ctx)?;
    let rows = stmt
        .query_map(params![device_id, from_seq], |r| {
            Ok(ChainedEvent {
                id: r.get(0)?,
                device_id: r.get(1)?,
                seq: r.get(2)?,
                prev_hash: hex::encode(r.get::<_, Vec<u8>>(3)?),
                hash: hex::encode(r.get::<_, Vec<u8>>(4)?),
                kind: r.get(5)?,
                subject_id: r.get(6)?,
                purpose_code: r.get(7)?,
                notice_hash: r.get(8)?,
                language: r.get(9)?,
                captured_at_ms: r.get(10)?,
                utc_offset_min: r.get(11)?,
                operator_id: r.get(12)?,
                method: r.get(13)?,
                evidence: r.get(14)?,
            })
        })
        .storage(ctx)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().storage(ctx)
}

/// Stores another device's event as it chained it, about `subject_id` (the person
/// headquarters merged the device's person into), inside the caller's transaction.
pub(crate) fn insert_chained(conn: &Connection, e: &ChainedEvent, subject_id: &str) -> Result<()> {
    let ctx = "merge a device's events";
    let bytes = |h: &str| {
        hex::decode(h).map_err(|_| {
            crate::domain::Error::from(
                crate::domain::messages::DAMAGED.term("part", &crate::domain::messages::PART_EVENT_HASH),
            )
        })
    };
    let chain_subject = (e.subject_id != subject_id).then_some(e.subject_id.as_str());
    conn.prepare_cached(
        "INSERT INTO consent_event (id, device_id, seq, prev_hash, hash, kind, subject_id, purpose_code, notice_hash,
                                    language, captured_at_ms, utc_offset_min, operator_id, method, evidence,
                                    chain_subject_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )
    .and_then(|mut s| {
        s.execute(params![
            e.id,
            e.device_id,
            e.seq,
            bytes(&e.prev_hash).map_err(|_| rusqlite::Error::InvalidQuery)?,
            bytes(&e.hash).map_err(|_| rusqlite::Error::InvalidQuery)?,
            e.kind,
            subject_id,
            e.purpose_code,
            e.notice_hash,
            e.language,
            e.captured_at_ms,
            e.utc_offset_min,
            e.operator_id,
            e.method,
            e.evidence,
            chain_subject
        ])
    })
    .storage(ctx)?;
    Ok(())
}
