//! Headquarters imports a device bundle, in one transaction: verify the signature, decrypt,
//! check both chains against the checkpoints the device signed, then insert what is new,
//! keyed by (device, sequence). A bundle that starts after a gap is held until the gap
//! fills; one that contradicts what the device signed before is a fork, quarantined with
//! both signed statements. HQ cosigns each checkpoint it accepted.

use std::collections::HashMap;
use std::path::Path;

use ed25519_dalek::VerifyingKey;
use rusqlite::{params, Connection, OptionalExtension};

use super::enrol::{hq_only, local_identity, verifying_key};
use super::envelope::{self, Kind};
use super::payload::{self, DevicePayload, FORMAT};
use super::people::{merge_person, reseal_capture_detail, Counts};
use super::rows;
use super::witness::{
    accept_checkpoint, check_entries, contradiction, entries_json, max_checkpoint, quarantine, refused,
    signed_checkpoint, Entry,
};
use crate::checkpoint::{self, Log};
use crate::domain::canonical::sha256_hex;
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::{Action, DeviceId, Refusal};
use crate::session::{Session, Write};
use crate::vault::personal::ForeignSeals;
use crate::{audit, ledger};

/// What importing one device bundle did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The device.
    pub device_id: DeviceId,
    /// Its name at headquarters.
    pub device_name: String,
    /// What happened.
    pub outcome: Outcome,
    /// Consent events added.
    pub events_added: u64,
    /// Audit entries added.
    pub audit_added: u64,
    /// People new to headquarters.
    pub people_added: u64,
    /// People merged into someone headquarters already held.
    pub people_merged: u64,
    /// Personal details that disagreed with what headquarters holds (kept aside, reported).
    pub conflicts: u64,
}

/// The outcome of one import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// New entries were merged.
    Merged,
    /// This exact file was imported before; nothing changed.
    AlreadyImported {
        /// When (ms).
        at_ms: i64,
    },
    /// Everything in it was already here; nothing changed.
    NothingNew,
    /// It starts after a gap; held until the missing entries arrive.
    Held {
        /// The first missing sequence number.
        gap_from: i64,
        /// The last missing one.
        gap_to: i64,
    },
    /// It contradicts what the device signed before; quarantined.
    Fork {
        /// Which chain.
        log: Log,
        /// The first sequence number that differs.
        from_seq: i64,
    },
}

/// At headquarters: imports one device bundle file.
pub fn import_device_bundle(session: &mut Session, file: &Path) -> Result<Imported> {
    session.read(Action::ImportDeviceBundle, |_| Ok(()))?;
    let bytes = match read_bundle(file) {
        Ok(b) => b,
        Err(e) => return audit_refusal(session, &file_name(file), "", Err(e)),
    };
    import_device_bundle_bytes(session, &file_name(file), &bytes)
}

/// At headquarters: imports one device bundle already read into memory (the desktop app's
/// window reads the file the operator picked); `name` is the file's name, for the audit log.
pub fn import_device_bundle_bytes(session: &mut Session, name: &str, bytes: &[u8]) -> Result<Imported> {
    session.read(Action::ImportDeviceBundle, |_| Ok(()))?;
    if bytes.len() as u64 > envelope::MAX_BYTES {
        return audit_refusal(session, name, "", Err(envelope::too_large(bytes.len() as u64)));
    }
    let sha = sha256_hex(bytes);
    let seen: Option<(i64, String, String)> = session.read(Action::ImportDeviceBundle, |conn| {
        conn.query_row(
            "SELECT b.received_at_ms, b.device_id, coalesce(e.name, b.device_id) FROM bundle_received b
             LEFT JOIN enrolment e ON e.device_id = b.device_id WHERE b.sha256 = ?1",
            [&sha],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .storage("import a bundle")
    })?;
    if let Some((at_ms, device_id, device_name)) = seen {
        return Ok(Imported {
            device_id: device_id.into(),
            device_name,
            outcome: Outcome::AlreadyImported { at_ms },
            ..empty()
        });
    }
    let result = session.write(Action::ImportDeviceBundle, |w| import_in(w, bytes, &sha));
    audit_refusal(session, name, &sha, result)
}

pub(crate) fn file_name(file: &Path) -> String {
    file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

pub(crate) fn read_bundle(file: &Path) -> Result<Vec<u8>> {
    crate::files::read_at_most(file, envelope::MAX_BYTES, envelope::too_large)
}

/// Records a refusal in the audit log on its own (the import itself was rolled back).
pub(crate) fn audit_refusal<T>(session: &mut Session, name: &str, sha: &str, r: Result<T>) -> Result<T> {
    if let Err(Error::BundleRefused { reason, .. }) = &r {
        let detail =
            if sha.is_empty() { reason.as_str().to_string() } else { format!("{}; sha256 {sha}", reason.as_str()) };
        session.record("bundle.refused", name, &detail)?;
    }
    r
}

fn empty() -> Imported {
    Imported {
        device_id: DeviceId::default(),
        device_name: String::new(),
        outcome: Outcome::NothingNew,
        events_added: 0,
        audit_added: 0,
        people_added: 0,
        people_merged: 0,
        conflicts: 0,
    }
}

fn import_in(w: &mut Write<'_>, bytes: &[u8], sha: &str) -> Result<Imported> {
    let org = hq_only(&w.tx)?;
    let opened = envelope::open(bytes, Kind::Device)?;
    let h = &opened.header;
    if h.to != checkpoint::hq_name(&org.org.id) {
        return Err(Error::refused(
            Refusal::WrongReceiver,
            format!("This bundle is for another headquarters ({}).", h.to),
            "Import it at the headquarters that enrolled the device.",
        ));
    }
    let enrolment_id = h.enrolment.clone().unwrap_or_default();
    type Found = (String, Vec<u8>, String, Option<String>, Option<i64>);
    let found: Option<Found> =
        w.tx.query_row(
            "SELECT name, token, device_recipient, device_id, revoked_at_ms FROM enrolment WHERE id = ?1",
            [&enrolment_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()
        .storage("import a bundle")?;
    let Some((name, token, recipient, bound, revoked)) = found else {
        return Err(refused(
            Refusal::UnknownSender,
            format!("This bundle is from {}, which is not a device enrolled here.", h.from),
        ));
    };
    if revoked.is_some() {
        return Err(Error::refused(
            Refusal::RevokedSender,
            format!("Device \"{name}\" was revoked; its bundles are no longer accepted."),
            "Enrol the device again if it should rejoin.",
        ));
    }
    let presented = h.key()?.ok_or_else(|| refused(Refusal::BadSignature, "The bundle names no signing key."))?;
    let key: VerifyingKey = match &bound {
        Some(device_id) => {
            let pinned: Vec<u8> =
                w.tx.query_row("SELECT public_key FROM device WHERE id = ?1", [device_id], |r| r.get(0))
                    .storage("import a bundle")?;
            let pinned = verifying_key(&pinned)?;
            if pinned != presented || h.from != checkpoint::device_name(device_id) {
                return Err(refused(
                    Refusal::BadSignature,
                    format!("The bundle is not signed by the key device \"{name}\" enrolled with."),
                ));
            }
            pinned
        }
        None => {
            let proof = envelope::enrolment_proof(&token, &h.from, &presented)?;
            if h.proof.as_deref() != Some(proof.as_str()) {
                return Err(refused(
                    Refusal::UnknownSender,
                    format!("This bundle does not prove it comes from the device enrolled as \"{name}\"."),
                ));
            }
            presented
        }
    };
    let identity = local_identity(&w.tx)?;
    let plain = opened.verify_and_decrypt(&key, &identity)?;
    let p: DevicePayload = serde_json::from_slice(&plain)
        .map_err(|_| refused(Refusal::Tampered, "The bundle's contents do not parse."))?;
    if p.format != FORMAT {
        return Err(Error::refused(
            Refusal::UnknownFormat,
            format!("The bundle's contents are in format {}, which this version does not read.", p.format),
            "Update Consentry at headquarters.",
        ));
    }
    if p.organisation != org.org.id || p.enrolment != enrolment_id || h.from != checkpoint::device_name(&p.device_id) {
        return Err(refused(
            Refusal::Tampered,
            "The bundle's contents name another organisation, enrolment or device than its header.",
        ));
    }
    if bound.is_none() {
        let now = w.now.timestamp_millis();
        let taken: bool =
            w.tx.query_row("SELECT EXISTS (SELECT 1 FROM device WHERE id = ?1)", [&p.device_id], |r| r.get(0))
                .storage("import a bundle")?;
        if taken {
            return Err(refused(
                Refusal::UnknownSender,
                "This device is already enrolled here under another enrolment.",
            ));
        }
        w.tx.execute(
            "INSERT INTO device (id, name, public_key, is_local, created_at_ms, age_recipient) VALUES (?1, ?2, ?3, 0, ?4, ?5)",
            params![p.device_id, name, key.as_bytes().as_slice(), now, recipient],
        )
        .and_then(|_| {
            w.tx.execute(
                "UPDATE enrolment SET device_id = ?2, bound_at_ms = ?3 WHERE id = ?1",
                params![enrolment_id, p.device_id, now],
            )
        })
        .storage("bind the device")?;
    }
    let mut out = Imported { device_id: p.device_id.as_str().into(), device_name: name, ..empty() };
    let hq_key = checkpoint::local_key(&w.tx)?.1;
    let hq = checkpoint::hq_name(&org.org.id);
    out.outcome = apply(w, &p, &key, (&hq, &hq_key), &mut out)?;
    // Bundles held for a gap that this one filled. A held bundle is applied only once both
    // its chains follow on from what is held, so applying it can never hold it again.
    if !matches!(out.outcome, Outcome::Held { .. } | Outcome::Fork { .. }) {
        loop {
            let held_l = held_size(&w.tx, &p.device_id, Log::Ledger)?;
            let held_a = held_size(&w.tx, &p.device_id, Log::Audit)?;
            let next: Option<(i64, i64, i64, Vec<u8>)> =
                w.tx.query_row(
                    "SELECT from_seq, to_seq, audit_from, payload FROM pending_bundle
                     WHERE device_id = ?1 AND from_seq <= ?2 + 1 AND audit_from <= ?3 + 1
                     ORDER BY from_seq, audit_from LIMIT 1",
                    params![p.device_id, held_l, held_a],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .optional()
                .storage("apply held bundles")?;
            let Some((from, to, audit_from, payload)) = next else { break };
            w.tx.execute(
                "DELETE FROM pending_bundle WHERE device_id = ?1 AND from_seq = ?2 AND to_seq = ?3 AND audit_from = ?4",
                params![p.device_id, from, to, audit_from],
            )
            .storage("apply held bundles")?;
            let q: DevicePayload =
                serde_json::from_slice(&payload).map_err(|_| Error::from(&msg::HELD_BUNDLE_FAILED))?;
            match apply(w, &q, &key, (&hq, &hq_key), &mut out)? {
                Outcome::Held { .. } => return Err(Error::from(&msg::HELD_BUNDLE_FAILED)),
                o @ Outcome::Fork { .. } => {
                    out.outcome = o;
                    break;
                }
                _ if out.outcome == Outcome::NothingNew => out.outcome = Outcome::Merged,
                _ => {}
            }
        }
    }
    if !matches!(out.outcome, Outcome::Held { .. }) {
        let sizes = (held_size(&w.tx, &p.device_id, Log::Ledger)?, held_size(&w.tx, &p.device_id, Log::Audit)?);
        w.tx.execute(
            "INSERT INTO bundle_received (sha256, device_id, ledger_size, audit_size, received_at_ms, received_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![sha, p.device_id, sizes.0, sizes.1, w.now.timestamp_millis(), w.operator.id],
        )
        .storage("record the bundle")?;
    }
    w.audit(
        "bundle.import_device",
        &p.device_id,
        format!(
            "{:?}; events +{}, audit +{}, people +{} (merged {}), conflicts {}; sha256 {sha}",
            out.outcome, out.events_added, out.audit_added, out.people_added, out.people_merged, out.conflicts
        ),
    );
    Ok(out)
}

pub(crate) fn held_size(conn: &Connection, device_id: &str, log: Log) -> Result<i64> {
    let sql = match log {
        Log::Ledger => "SELECT coalesce(max(seq), 0) FROM consent_event WHERE device_id = ?1",
        Log::Audit => "SELECT coalesce(max(seq), 0) FROM device_audit_entry WHERE device_id = ?1",
    };
    conn.query_row(sql, [device_id], |r| r.get(0)).storage("read what is held")
}

/// Applies one verified payload; returns what happened.
fn apply(
    w: &mut Write<'_>,
    p: &DevicePayload,
    key: &VerifyingKey,
    hq: (&str, &ed25519_dalek::SigningKey),
    out: &mut Imported,
) -> Result<Outcome> {
    let device = p.device_id.as_str();
    let lcp = signed_checkpoint(&p.ledger_checkpoint, device, Log::Ledger, key)?;
    let acp = signed_checkpoint(&p.audit_checkpoint, device, Log::Audit, key)?;
    let ev: Vec<Entry> = p
        .events
        .iter()
        .map(|e| Entry {
            seq: e.seq,
            hash: e.hash.clone(),
            prev: e.prev_hash.clone(),
            recomputed: e.recompute().map(hex::encode),
        })
        .collect();
    let au: Vec<Entry> = p
        .audit
        .iter()
        .map(|e| Entry {
            seq: e.seq,
            hash: e.hash.clone(),
            prev: e.prev_hash.clone(),
            recomputed: e.recompute().map(hex::encode),
        })
        .collect();
    if p.events.iter().any(|e| e.device_id != device) {
        return Err(refused(Refusal::Tampered, "The bundle holds events of another device."));
    }
    let l_from = check_entries(&ev, &lcp.cp, "events")?;
    let a_from = check_entries(&au, &acp.cp, "audit entries")?;
    let (held_l, held_a) = (held_size(&w.tx, device, Log::Ledger)?, held_size(&w.tx, device, Log::Audit)?);
    if l_from > held_l + 1 || a_from > held_a + 1 {
        let payload = serde_json::to_vec(p).map_err(|_| Error::from(&msg::HELD_BUNDLE_FAILED))?;
        w.tx.execute(
            "INSERT INTO pending_bundle (device_id, from_seq, to_seq, audit_from, payload, received_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
            params![device, l_from, lcp.cp.size as i64, a_from, payload, w.now.timestamp_millis()],
        )
        .storage("hold a bundle")?;
        let (gap_from, gap_to) = if l_from > held_l + 1 { (held_l + 1, l_from - 1) } else { (held_a + 1, a_from - 1) };
        return Ok(Outcome::Held { gap_from, gap_to });
    }
    let newer = acp.cp.size as i64 > max_checkpoint(&w.tx, device, Log::Audit)?;
    for (log, entries, from, held, scp) in
        [(Log::Ledger, &ev, l_from, held_l, &lcp), (Log::Audit, &au, a_from, held_a, &acp)]
    {
        if let Some(k) = contradiction(&w.tx, device, log, (entries, from, held), &scp.cp, newer)? {
            quarantine(w, device, log, k, scp, entries_json(p, log, k)?)?;
            return Ok(Outcome::Fork { log, from_seq: k });
        }
    }
    // Rows the events point at, then the events, people, receipts and audit entries.
    payload::store_operators(&w.tx, &p.operators, device, w.now.timestamp_millis())?;
    let mut rows_in = rows::Inserter::default();
    for (table, list) in
        [("purpose", &p.purposes), ("notice_version", &p.notice_versions), ("notice", &p.notices), ("event", &p.shows)]
    {
        for r in list.iter() {
            rows_in.insert_new(&w.tx, table, r)?;
        }
    }
    let people: HashMap<&str, &rows::Row> = p.people.iter().filter_map(|r| Some((rows::text(r, "id")?, r))).collect();
    let mut seals = ForeignSeals::new(
        p.personal_data_seals
            .iter()
            .filter_map(|r| Some((rows::int(r, "id")?, rows::blob(r, "sealed_key")?)))
            .collect(),
    );
    let mut counts = Counts::default();
    let mut mapped: HashMap<String, String> = HashMap::new();
    let mut added = std::collections::HashSet::new();
    for e in p.events.iter().filter(|e| e.seq > held_l) {
        let subject = match mapped.get(&e.subject_id) {
            Some(s) => s.clone(),
            None => {
                let s = merge_person(
                    w,
                    &mut seals,
                    device,
                    &e.subject_id,
                    people.get(e.subject_id.as_str()).copied(),
                    &mut counts,
                )?;
                mapped.insert(e.subject_id.clone(), s.clone());
                s
            }
        };
        ledger::insert_chained(&w.tx, e, &subject)?;
        added.insert(e.id.as_str());
        out.events_added += 1;
    }
    // Each receipt's events that were added here, and its capture details, found once (a
    // scan of all of them for every receipt made the merge quadratic).
    let mut receipt_events: HashMap<&str, Vec<&rows::Row>> = HashMap::new();
    for re in &p.receipt_events {
        if let (Some(r), Some(e)) = (rows::text(re, "receipt_id"), rows::text(re, "event_id")) {
            if added.contains(e) {
                receipt_events.entry(r).or_default().push(re);
            }
        }
    }
    let mut details: HashMap<&str, Vec<&rows::Row>> = HashMap::new();
    for c in &p.capture_details {
        if let Some(r) = rows::text(c, "receipt_id") {
            details.entry(r).or_default().push(c);
        }
    }
    for r in &p.receipts {
        let (Some(id), Some(subject)) = (rows::text(r, "id"), rows::text(r, "subject_id")) else { continue };
        let Some(events) = receipt_events.get(id) else { continue };
        let mut row = r.clone();
        let hq_subject = match mapped.get(subject) {
            Some(s) => s.clone(),
            None => merge_person(w, &mut seals, device, subject, people.get(subject).copied(), &mut counts)?,
        };
        row.insert("subject_id".into(), hq_subject.into());
        rows_in.insert_new(&w.tx, "receipt", &row)?;
        for re in events {
            rows_in.insert_new(&w.tx, "receipt_event", re)?;
        }
        for c in details.get(id).into_iter().flatten() {
            let c = reseal_capture_detail(w, &mut seals, c)?;
            rows_in.insert_new(&w.tx, "capture_detail", &c)?;
        }
    }
    for e in p.audit.iter().filter(|e| e.seq > held_a) {
        audit::insert_device_entry(&w.tx, device, e)?;
        out.audit_added += 1;
    }
    for scp in [&lcp, &acp] {
        accept_checkpoint(w, device, scp, hq)?;
    }
    out.people_added += counts.added;
    out.people_merged += counts.merged;
    out.conflicts += counts.conflicts;
    Ok(if out.events_added + out.audit_added > 0 { Outcome::Merged } else { Outcome::NothingNew })
}
