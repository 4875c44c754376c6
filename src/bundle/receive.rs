//! A device loads a headquarters bundle, in one transaction: the catalogue, approved and
//! retired notice versions with their forms, events, and headquarters' cosignatures of
//! this device's checkpoints (what it has acknowledged, so the next device bundle leaves
//! it out). Nothing the device holds is overwritten except an event's settings by a newer
//! version of that event and an approved version's retirement.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use super::enrol::{local_identity, org_row};
use super::envelope::{self, Kind};
use super::merge::{audit_refusal, file_name, read_bundle};
use super::payload::{self, HqPayload, FORMAT};
use super::rows::{self, Row};
use crate::checkpoint::{self, note, Checkpoint, Log};
use crate::domain::canonical::sha256_hex;
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::{Action, Refusal};
use crate::session::{Session, Write};

/// What loading a headquarters bundle did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Received {
    /// Notice versions new to this device.
    pub notice_versions_added: u64,
    /// Events (trade shows) new to this device.
    pub shows_added: u64,
    /// Events whose settings headquarters changed.
    pub shows_updated: u64,
    /// Notice versions headquarters retired since.
    pub retired: u64,
    /// The ledger size headquarters has now acknowledged.
    pub acknowledged_events: Option<i64>,
    /// Things to tell the operator (for example an acknowledgement this device cannot match).
    pub warnings: Vec<String>,
}

/// On a device: loads a bundle from its headquarters.
pub fn load_hq_bundle(session: &mut Session, file: &Path) -> Result<Received> {
    session.read(Action::ImportHqBundle, |_| Ok(()))?;
    let bytes = match read_bundle(file) {
        Ok(b) => b,
        Err(e) => return audit_refusal(session, &file_name(file), "", Err(e)),
    };
    load_hq_bundle_bytes(session, &file_name(file), &bytes)
}

/// On a device: loads a bundle from headquarters already read into memory (the desktop
/// app's window reads the file the operator picked); `name` is the file's name, for the
/// audit log.
pub fn load_hq_bundle_bytes(session: &mut Session, name: &str, bytes: &[u8]) -> Result<Received> {
    let sha = sha256_hex(bytes);
    if bytes.len() as u64 > envelope::MAX_BYTES {
        return audit_refusal(session, name, "", Err(envelope::too_large(bytes.len() as u64)));
    }
    let r = session.write(Action::ImportHqBundle, |w| load_in(w, bytes));
    audit_refusal(session, name, &sha, r)
}

fn load_in(w: &mut Write<'_>, bytes: &[u8]) -> Result<Received> {
    let org = match org_row(&w.tx)? {
        Some(o) if !o.org.is_headquarters => o,
        _ => {
            return Err(Error::refused(
                Refusal::NotEnrolled,
                "This vault is not enrolled as a device, so it has no headquarters to load bundles from.",
                "Import the enrolment file headquarters made for this device first.",
            ))
        }
    };
    let opened = envelope::open(bytes, Kind::Hq)?;
    let enrolment = org.org.enrolment_id.clone().unwrap_or_default();
    if opened.header.from != checkpoint::hq_name(&org.org.id) {
        return Err(Error::refused(
            Refusal::UnknownSender,
            format!("This bundle is from {}, not from this device's headquarters.", opened.header.from),
            "Load only bundles from the headquarters this device was enrolled with.",
        ));
    }
    if opened.header.to != format!("consentry/enrolment/{enrolment}") {
        return Err(Error::refused(
            Refusal::WrongReceiver,
            "This bundle is for another device of the organisation.",
            "Load it on the device it was saved for.",
        ));
    }
    let identity = local_identity(&w.tx)?;
    let plain = opened.verify_and_decrypt(&org.hq_key, &identity)?;
    let p: HqPayload = serde_json::from_slice(&plain).map_err(|_| {
        Error::refused(Refusal::Tampered, "The bundle's contents do not parse.", "Ask headquarters for a new bundle.")
    })?;
    if p.format != FORMAT {
        return Err(Error::refused(
            Refusal::UnknownFormat,
            format!("The bundle's contents are in format {}, which this version does not read.", p.format),
            "Update Consentry on this device.",
        ));
    }
    if p.organisation != org.org.id || p.enrolment != enrolment {
        return Err(Error::refused(
            Refusal::Tampered,
            "The bundle's contents name another organisation or device than its header.",
            "Ask headquarters for a new bundle.",
        ));
    }
    let now = w.now.timestamp_millis();
    let mut out = Received::default();
    payload::store_operators(&w.tx, &p.operators, &org.hq_device_id, now)?;
    for (table, list) in [("purpose", &p.purposes), ("data_category", &p.data_categories)] {
        for r in list {
            rows::insert_new(&w.tx, table, r)?;
        }
    }
    for n in &p.notices {
        let (Some(id), Some(name)) = (rows::text(n, "id"), rows::text(n, "name")) else { continue };
        let held: Option<String> =
            w.tx.query_row("SELECT id FROM notice WHERE name = ?1", [name], |r| r.get(0))
                .optional()
                .storage("load notices")?;
        if held.as_deref().is_some_and(|h| h != id) {
            return Err(msg::OWN_NOTICE_CLASH.with("name", name).into());
        }
        rows::insert_new(&w.tx, "notice", n)?;
    }
    for v in &p.notice_versions {
        if rows::insert_new(&w.tx, "notice_version", v)? {
            out.notice_versions_added += 1;
        } else if rows::text(v, "state") == Some("retired") {
            out.retired +=
                w.tx.execute(
                    "UPDATE notice_version SET state = 'retired' WHERE hash = ?1 AND state = 'approved'",
                    [rows::text(v, "hash").unwrap_or_default()],
                )
                .storage("load notices")? as u64;
        }
    }
    for r in &p.revisions {
        store_revision(&w.tx, r)?;
    }
    for s in &p.shows {
        if rows::insert_new(&w.tx, "event", s)? {
            out.shows_added += 1;
        } else {
            out.shows_updated += update_show(&w.tx, s)?;
        }
    }
    for a in &p.acknowledgements {
        acknowledge(&w.tx, a, (&org.org.id, &org.hq_key), now, &mut out)?;
    }
    w.audit(
        "bundle.import_hq",
        &org.org.id,
        format!(
            "notice versions +{}, events +{} (updated {}), acknowledged events {}",
            out.notice_versions_added,
            out.shows_added,
            out.shows_updated,
            out.acknowledged_events.unwrap_or(0)
        ),
    );
    Ok(out)
}

/// Stores an approved (or retired) version through the states the schema allows: a
/// version is born a draft, goes to review and is approved by someone other than its author.
fn store_revision(conn: &Connection, r: &Row) -> Result<()> {
    let id = rows::text(r, "id").unwrap_or_default();
    let held: Option<String> = conn
        .query_row("SELECT state FROM notice_revision WHERE id = ?1", [id], |x| x.get(0))
        .optional()
        .storage("load notices")?;
    let state = rows::text(r, "state").unwrap_or_default();
    let retired_at = rows::int(r, "retired_at_ms");
    if held.is_none() {
        let mut draft = r.clone();
        for k in ["approved_by", "approved_at_ms", "retired_at_ms"] {
            draft.insert(k.into(), serde_json::Value::Null);
        }
        draft.insert("state".into(), "draft".into());
        rows::insert_new(conn, "notice_revision", &draft)?;
        conn.execute("UPDATE notice_revision SET state = 'in_review' WHERE id = ?1", [id])
            .and_then(|_| {
                conn.execute(
                    "UPDATE notice_revision SET state = 'approved', approved_by = ?2, approved_at_ms = ?3 WHERE id = ?1",
                    params![id, rows::text(r, "approved_by"), rows::int(r, "approved_at_ms")],
                )
            })
            .storage("load notices")?;
    }
    if state == "retired" && held.as_deref() != Some("retired") {
        conn.execute(
            "UPDATE notice_revision SET state = 'retired', retired_at_ms = ?2 WHERE id = ?1 AND state = 'approved'",
            params![id, retired_at],
        )
        .storage("load notices")?;
    }
    Ok(())
}

fn update_show(conn: &Connection, s: &Row) -> Result<u64> {
    let n = conn
        .execute(
            "UPDATE event SET name = ?2, venue = ?3, starts_on = ?4, ends_on = ?5, notice_name = ?6, notice_number = ?7,
                    languages = ?8, fields = ?9, idle_reset_s = ?10, signature = ?11, updated_at_ms = ?12, closed_at_ms = ?13
             WHERE id = ?1 AND updated_at_ms < ?12",
            params![
                rows::text(s, "id"),
                rows::text(s, "name"),
                rows::text(s, "venue"),
                rows::text(s, "starts_on"),
                rows::text(s, "ends_on"),
                rows::text(s, "notice_name"),
                rows::int(s, "notice_number"),
                rows::text(s, "languages"),
                rows::text(s, "fields"),
                rows::int(s, "idle_reset_s"),
                rows::int(s, "signature"),
                rows::int(s, "updated_at_ms"),
                rows::int(s, "closed_at_ms")
            ],
        )
        .storage("load events")?;
    Ok(n as u64)
}

/// Stores headquarters' cosignature of one of this device's checkpoints.
fn acknowledge(
    conn: &Connection,
    text: &str,
    (org_id, hq_key): (&str, &ed25519_dalek::VerifyingKey),
    now: i64,
    out: &mut Received,
) -> Result<()> {
    let bad = || {
        Error::refused(
            Refusal::BadSignature,
            "An acknowledgement in the bundle is not cosigned by headquarters.",
            "Ask headquarters for a new bundle.",
        )
    };
    let n = note::Note::parse(text).map_err(|_| bad())?;
    let cosigned_s = note::verify_cosignature(&n, &checkpoint::hq_name(org_id), hq_key).map_err(|_| bad())?;
    let cosigned_ms = i64::try_from(cosigned_s).unwrap_or(i64::MAX / 1000).saturating_mul(1000).min(now);
    let cp = Checkpoint::parse(&n.text).map_err(|_| bad())?;
    let (device_id, _) = checkpoint::local_key(conn)?;
    let log = Log::ALL.iter().copied().find(|l| checkpoint::origin(&device_id, *l) == cp.origin);
    let Some(log) = log else {
        out.warnings.push("Headquarters acknowledged another device's log; it was ignored.".into());
        return Ok(());
    };
    let leaves = checkpoint::leaves(conn, &device_id, log, log == Log::Audit)?;
    if checkpoint::root_at(&leaves, cp.size) != Some(cp.root) {
        out.warnings.push(format!(
            "Headquarters acknowledged {} entries of this device's {}, which this device no longer holds as they were. It may have been restored from a backup: tell headquarters before capturing more.",
            cp.size,
            log.as_str()
        ));
        return Ok(());
    }
    conn.execute(
        "INSERT INTO checkpoint (device_id, log, size, root, note, signed_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT DO NOTHING",
        params![device_id, log.as_str(), cp.size as i64, cp.root.as_slice(), strip_cosignatures(&n), now],
    )
    .and_then(|_| {
        conn.execute(
            "UPDATE checkpoint SET cosigned_note = ?4, cosigned_at_ms = ?5
             WHERE device_id = ?1 AND log = ?2 AND size = ?3 AND cosigned_note IS NULL",
            params![device_id, log.as_str(), cp.size as i64, text, cosigned_ms],
        )
    })
    .storage("store an acknowledgement")?;
    if log == Log::Ledger {
        out.acknowledged_events = Some(cp.size as i64);
    }
    Ok(())
}

fn strip_cosignatures(n: &note::Note) -> String {
    let mut only = n.clone();
    only.signatures.truncate(1);
    only.render()
}
