//! Headquarters as witness of its devices: each checkpoint a device signed is checked
//! against the entries it covers, against what headquarters holds and against what the
//! device signed before; a contradiction is a fork, kept with both signed statements;
//! an accepted checkpoint is stored and cosigned (C2SP tlog-cosignature).

use ed25519_dalek::VerifyingKey;
use rusqlite::{params, Connection, OptionalExtension};

use super::payload::DevicePayload;
use crate::checkpoint::{self, note, Checkpoint, Log};
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::Refusal;
use crate::session::Write;

pub(crate) fn refused(reason: Refusal, problem: impl Into<String>) -> Error {
    Error::refused(
        reason,
        problem,
        "Ask the device's operator to save a new bundle, and check it came from that device.",
    )
}

/// A checkpoint the device signed, checked.
pub(crate) struct SignedCheckpoint {
    pub(crate) note: String,
    pub(crate) cp: Checkpoint,
}

pub(crate) fn signed_checkpoint(text: &str, device_id: &str, log: Log, key: &VerifyingKey) -> Result<SignedCheckpoint> {
    let name = checkpoint::origin(device_id, log);
    let n = note::Note::parse(text)
        .map_err(|_| refused(Refusal::BadCheckpoint, "A checkpoint in the bundle does not parse."))?;
    n.verify(&name, key)
        .map_err(|_| refused(Refusal::BadSignature, "A checkpoint in the bundle is not signed by the device."))?;
    let cp = Checkpoint::parse(&n.text)
        .map_err(|_| refused(Refusal::BadCheckpoint, "A checkpoint in the bundle does not parse."))?;
    if cp.origin != name {
        return Err(refused(Refusal::BadCheckpoint, "A checkpoint in the bundle is for another log."));
    }
    Ok(SignedCheckpoint { note: text.to_string(), cp })
}

/// Hashes of entries `seq`, as (seq, hash hex, prev hex, recomputed hash hex).
pub(crate) struct Entry {
    pub(crate) seq: i64,
    pub(crate) hash: String,
    pub(crate) prev: String,
    pub(crate) recomputed: Option<String>,
}

pub(crate) fn check_entries(entries: &[Entry], cp: &Checkpoint, what: &str) -> Result<i64> {
    let size = i64::try_from(cp.size).unwrap_or(i64::MAX);
    let first = entries.first().map_or(size + 1, |e| e.seq);
    if first == 1 && entries.first().is_some_and(|e| e.prev != "0".repeat(64)) {
        return Err(refused(
            Refusal::BadCheckpoint,
            format!("The first of the {what} in the bundle does not start the chain."),
        ));
    }
    for (i, e) in entries.iter().enumerate() {
        if e.seq != first + i as i64 {
            return Err(refused(
                Refusal::BadCheckpoint,
                format!("The {what} in the bundle skip from {} to {}.", first + i as i64 - 1, e.seq),
            ));
        }
        if e.recomputed.as_deref() != Some(e.hash.as_str()) {
            return Err(refused(
                Refusal::Tampered,
                format!("{what} {} in the bundle does not match its hash; it was edited.", e.seq),
            ));
        }
        if i > 0 && entries[i - 1].hash != e.prev {
            return Err(refused(
                Refusal::BadCheckpoint,
                format!("{what} {} in the bundle does not link to the one before it.", e.seq),
            ));
        }
    }
    if first + entries.len() as i64 - 1 != size {
        return Err(refused(
            Refusal::BadCheckpoint,
            format!("The {what} in the bundle end before the checkpoint's size {size}."),
        ));
    }
    Ok(first)
}

pub(crate) fn stored_hashes(
    conn: &Connection,
    device_id: &str,
    log: Log,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, String)>> {
    let sql = match log {
        Log::Ledger => {
            "SELECT seq, hash FROM consent_event WHERE device_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq"
        }
        Log::Audit => {
            "SELECT seq, hash FROM device_audit_entry WHERE device_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq"
        }
    };
    conn.prepare_cached(sql)
        .and_then(|mut s| {
            s.query_map(params![device_id, from, to], |r| Ok((r.get(0)?, hex::encode(r.get::<_, Vec<u8>>(1)?))))?
                .collect()
        })
        .storage("read what is held")
}

pub(crate) fn max_checkpoint(conn: &Connection, device: &str, log: Log) -> Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(size), 0) FROM checkpoint WHERE device_id = ?1 AND log = ?2",
        params![device, log.as_str()],
        |r| r.get(0),
    )
    .storage("read checkpoints")
}

/// The first sequence number at which the bundle contradicts what headquarters holds for
/// this device (and the device signed before), if any: an entry that differs, a first entry
/// that does not link to the one held before it, a checkpoint whose root differs from the
/// held entries at its size, or (`newer`: its audit log grew since the last bundle) a ledger
/// checkpoint smaller than one it signed before.
pub(crate) fn contradiction(
    conn: &Connection,
    device: &str,
    log: Log,
    (entries, from, held): (&[Entry], i64, i64),
    cp: &Checkpoint,
    newer: bool,
) -> Result<Option<i64>> {
    let stored = stored_hashes(conn, device, log, (from - 1).max(1), held)?;
    for (s, h) in &stored {
        if *s == from - 1 {
            if entries.first().is_some_and(|e| e.prev != *h) {
                return Ok(Some(from));
            }
        } else if let Some(e) = entries.get((*s - from) as usize) {
            if e.hash != *h {
                return Ok(Some(*s));
            }
        }
    }
    let size = cp.size as i64;
    if size <= held {
        let leaves = checkpoint::leaves(conn, device, log, false)?;
        if checkpoint::root_at(&leaves, cp.size) != Some(cp.root) {
            return Ok(Some(size.max(1)));
        }
    }
    if newer && log == Log::Ledger && size < max_checkpoint(conn, device, log)? {
        return Ok(Some(size + 1));
    }
    Ok(None)
}

pub(crate) fn entries_json(p: &DevicePayload, log: Log, from: i64) -> Result<String> {
    let v = match log {
        Log::Ledger => serde_json::to_string(&p.events.iter().filter(|e| e.seq >= from).collect::<Vec<_>>()),
        Log::Audit => serde_json::to_string(&p.audit.iter().filter(|e| e.seq >= from).collect::<Vec<_>>()),
    };
    v.map_err(|_| Error::from(&msg::FORK_NOT_KEPT))
}

/// Keeps a fork's evidence: the checkpoint HQ held that covers `from` (signed by the
/// device) and the device's new, contradicting one, with the contradicting entries.
pub(crate) fn quarantine(
    w: &mut Write<'_>,
    device: &str,
    log: Log,
    from: i64,
    new: &SignedCheckpoint,
    entries: String,
) -> Result<()> {
    let held: String =
        w.tx.query_row(
            "SELECT note FROM checkpoint WHERE device_id = ?1 AND log = ?2 AND size >= ?3 ORDER BY size LIMIT 1",
            params![device, log.as_str(), from],
            |r| r.get(0),
        )
        .optional()
        .storage("quarantine a fork")?
        .unwrap_or_default();
    let n = w
        .tx
        .execute(
            "INSERT INTO quarantine (id, device_id, log, from_seq, to_seq, held_note, contradicting_note, entries, detected_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING",
            params![
                uuid::Uuid::now_v7().to_string(),
                device,
                log.as_str(),
                from,
                (new.cp.size as i64).max(from),
                held,
                new.note,
                entries,
                w.now.timestamp_millis()
            ],
        )
        .storage("quarantine a fork")?;
    if n == 1 {
        w.audit("bundle.fork", device, format!("{} from seq {from} to {}", log.as_str(), new.cp.size));
    }
    Ok(())
}

/// Checks the device's checkpoint against every entry HQ now holds and against the last
/// checkpoint HQ accepted, stores it and cosigns it.
pub(crate) fn accept_checkpoint(
    w: &mut Write<'_>,
    device: &str,
    s: &SignedCheckpoint,
    hq: (&str, &ed25519_dalek::SigningKey),
) -> Result<()> {
    let log: Log = if s.cp.origin.ends_with("/ledger") { Log::Ledger } else { Log::Audit };
    let leaves = checkpoint::leaves(&w.tx, device, log, false)?;
    if checkpoint::root_at(&leaves, s.cp.size) != Some(s.cp.root) {
        return Err(refused(
            Refusal::BadCheckpoint,
            format!("The device's {} checkpoint at size {} does not match its entries.", log.as_str(), s.cp.size),
        ));
    }
    let last: Option<(i64, Vec<u8>)> =
        w.tx.query_row(
            "SELECT size, root FROM checkpoint WHERE device_id = ?1 AND log = ?2 ORDER BY size DESC LIMIT 1",
            params![device, log.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .storage("check consistency")?;
    if let Some((size, root)) = last {
        if checkpoint::root_at(&leaves, size as u64).map(|r| r.to_vec()) != Some(root) {
            return Err(msg::HQ_COPY_DIVERGED
                .with("device", device)
                .term("log", msg::log(log.as_str()))
                .with("size", size)
                .into());
        }
    }
    let now = w.now.timestamp_millis();
    w.tx.execute(
        "INSERT INTO checkpoint (device_id, log, size, root, note, signed_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT DO NOTHING",
        params![device, log.as_str(), s.cp.size as i64, s.cp.root.as_slice(), s.note, now],
    )
    .storage("store a checkpoint")?;
    let held: Option<String> =
        w.tx.query_row(
            "SELECT cosigned_note FROM checkpoint WHERE device_id = ?1 AND log = ?2 AND size = ?3",
            params![device, log.as_str(), s.cp.size as i64],
            |r| r.get(0),
        )
        .storage("store a checkpoint")?;
    if held.is_none() {
        let mut n = note::Note::parse(&s.note)?;
        note::cosign(&mut n, hq.0, hq.1, u64::try_from(now / 1000).unwrap_or_default())?;
        w.tx.execute(
            "UPDATE checkpoint SET cosigned_note = ?4, cosigned_at_ms = ?5 WHERE device_id = ?1 AND log = ?2 AND size = ?3",
            params![device, log.as_str(), s.cp.size as i64, n.render(), now],
        )
        .storage("cosign a checkpoint")?;
    }
    Ok(())
}
