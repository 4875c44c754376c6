//! Saving bundles: a device's consents for headquarters, and headquarters' wording, events
//! and acknowledgements for one device. Each save signs fresh checkpoints and is one
//! transaction with its audit entry; the file is written new (never over another) with
//! owner-only permissions.

use std::path::{Path, PathBuf};

use data_encoding::BASE64;
use rusqlite::{params, Connection, OptionalExtension};

use super::enrol::{self, hq_only, local_identity, org_row};
use super::envelope::{self, Header, Kind};
use super::payload::{self, DevicePayload, HqPayload, FORMAT};
use crate::checkpoint::{self, Log};
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::{Action, Refusal};
use crate::files;
use crate::session::Session;
use crate::{audit, ledger};

/// A bundle as saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// Where it was written.
    pub path: PathBuf,
    /// Consent events in it.
    pub events: u64,
    /// People in it.
    pub people: u64,
    /// Audit entries in it.
    pub audit_entries: u64,
    /// The ledger size its checkpoint covers.
    pub ledger_size: u64,
}

/// The largest size of a local chain that headquarters has cosigned.
pub(crate) fn acknowledged(conn: &Connection, device_id: &str, log: Log) -> Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(size), 0) FROM checkpoint WHERE device_id = ?1 AND log = ?2 AND cosigned_note IS NOT NULL",
        params![device_id, log.as_str()],
        |r| r.get(0),
    )
    .storage("read what headquarters acknowledged")
}

/// Which entries a device bundle holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// Everything headquarters has not acknowledged (the default: safe to repeat).
    #[default]
    Unacknowledged,
    /// Only what is new since the last bundle saved here (smaller files; headquarters holds
    /// a bundle that arrives before an earlier one until that one arrives).
    SinceLastBundle,
    /// The whole chain from the first entry (when headquarters lost what it had).
    Everything,
}

const SENT_LEDGER: &str = "bundle.sent.ledger";
const SENT_AUDIT: &str = "bundle.sent.audit";

fn sent(conn: &Connection, key: &str) -> Result<i64> {
    let v: Option<String> = conn
        .query_row("SELECT value FROM vault_meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()
        .storage("read what was sent")?;
    Ok(v.and_then(|v| v.parse().ok()).unwrap_or(0))
}

fn set_sent(conn: &Connection, key: &str, size: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO vault_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, size.to_string()],
    )
    .storage("record what was sent")?;
    Ok(())
}

/// On a device: saves everything headquarters has not yet acknowledged into a new bundle
/// file in `dir`.
pub fn save_device_bundle(session: &mut Session, dir: &Path) -> Result<Saved> {
    save_device_bundle_with(session, dir, Scope::Unacknowledged)
}

/// On a device: saves a bundle of the entries `scope` names into a new file in `dir`.
pub fn save_device_bundle_with(session: &mut Session, dir: &Path, scope: Scope) -> Result<Saved> {
    let stamp = session.now().format("%Y%m%d-%H%M%S").to_string();
    let device_name = session.device_name().to_string();
    let (bytes, mut saved) = session.write(Action::ExportDeviceBundle, |w| {
        let org = match org_row(&w.tx)? {
            Some(o) if !o.org.is_headquarters => o,
            _ => {
                return Err(Error::refused(
                    Refusal::NotEnrolled,
                    "This vault is not enrolled as a device of headquarters.",
                    "Import the enrolment file headquarters made for this device first.",
                ))
            }
        };
        let signed = checkpoint::sign_local(&w.tx, w.now.timestamp_millis())?;
        let (device_id, key) = checkpoint::local_key(&w.tx)?;
        let (ledger_from, audit_from) = match scope {
            Scope::Unacknowledged => {
                (acknowledged(&w.tx, &device_id, Log::Ledger)? + 1, acknowledged(&w.tx, &device_id, Log::Audit)? + 1)
            }
            Scope::SinceLastBundle => (
                acknowledged(&w.tx, &device_id, Log::Ledger)?.max(sent(&w.tx, SENT_LEDGER)?) + 1,
                acknowledged(&w.tx, &device_id, Log::Audit)?.max(sent(&w.tx, SENT_AUDIT)?) + 1,
            ),
            Scope::Everything => (1, 1),
        };
        let note_of = |log| signed.iter().find(|s| s.log == log).map(|s| s.note.clone()).unwrap_or_default();
        let audit_size = signed.iter().find(|s| s.log == Log::Audit).map_or(0, |s| s.size) as i64;
        let mut p = DevicePayload {
            format: FORMAT,
            organisation: org.org.id.clone(),
            enrolment: org.org.enrolment_id.clone().unwrap_or_default(),
            device_id: device_id.clone(),
            device_name: device_name.clone(),
            created_at_ms: w.now.timestamp_millis(),
            ledger_checkpoint: note_of(Log::Ledger),
            audit_checkpoint: note_of(Log::Audit),
            events: ledger::chained_events(&w.tx, &device_id, ledger_from)?,
            audit: audit::chained_entries(&w.tx, audit_from)?.into_iter().filter(|e| e.seq <= audit_size).collect(),
            people: vec![],
            receipts: vec![],
            receipt_events: vec![],
            capture_details: vec![],
            purposes: vec![],
            notices: vec![],
            notice_versions: vec![],
            shows: vec![],
            operators: vec![],
            personal_data_seals: vec![],
        };
        payload::device_rows(&w.tx, &device_id, ledger_from, &mut p)?;
        let json = serde_json::to_vec(&p).map_err(|e| Error::from(msg::BUNDLE_NOT_WRITTEN.with("detail", e)))?;
        let from = checkpoint::device_name(&device_id);
        let token = org.token.clone().unwrap_or_default();
        let header = Header {
            from: from.clone(),
            to: checkpoint::hq_name(&org.org.id),
            enrolment: org.org.enrolment_id.clone(),
            key: Some(BASE64.encode(key.verifying_key().as_bytes())),
            proof: Some(envelope::enrolment_proof(&token, &from, &key.verifying_key())?),
            ..Header::default()
        };
        let recipient: age::x25519::Recipient =
            org.hq_recipient.parse().map_err(|_| Error::from(msg::DAMAGED.term("part", &msg::PART_HQ_KEY)))?;
        let bytes = envelope::seal(header, Kind::Device, &json, &key, &recipient)?;
        let ledger_size = signed.iter().find(|s| s.log == Log::Ledger).map_or(0, |s| s.size);
        set_sent(&w.tx, SENT_LEDGER, ledger_size as i64)?;
        set_sent(&w.tx, SENT_AUDIT, audit_size)?;
        w.audit(
            "bundle.export_device",
            &device_id,
            format!("events {ledger_from}..{ledger_size}, audit {audit_from}..{audit_size}, people {}", p.people.len()),
        );
        let saved = Saved {
            path: PathBuf::new(),
            events: p.events.len() as u64,
            people: p.people.len() as u64,
            audit_entries: p.audit.len() as u64,
            ledger_size,
        };
        Ok((bytes, saved))
    })?;
    saved.path = files::save_in(dir, "device", &stamp, "consentry", &bytes)?;
    Ok(saved)
}

/// At headquarters: saves a bundle for one enrolled device (by enrolment id or name).
pub fn save_hq_bundle(session: &mut Session, device: &str, dir: &Path) -> Result<Saved> {
    let stamp = session.now().format("%Y%m%d-%H%M%S").to_string();
    let bytes = session.write(Action::ExportHqBundle, |w| {
        let org = hq_only(&w.tx)?;
        let found: Option<(String, String, Option<String>, Option<i64>)> = w
            .tx
            .query_row(
                "SELECT id, device_recipient, device_id, revoked_at_ms FROM enrolment WHERE id = ?1 OR name = ?1
                 ORDER BY revoked_at_ms IS NOT NULL, created_at_ms DESC LIMIT 1",
                [device.trim()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .storage("find the device")?;
        let (enrolment, recipient, device_id, revoked) =
            found.ok_or_else(|| Error::NotFound(msg::DEVICE_NOT_FOUND.with("name", device.trim())))?;
        if revoked.is_some() {
            return Err(msg::DEVICE_REVOKED.with("name", device.trim()).into());
        }
        let _ = local_identity(&w.tx)?;
        let mut p = HqPayload {
            format: FORMAT,
            organisation: org.org.id.clone(),
            enrolment: enrolment.clone(),
            created_at_ms: w.now.timestamp_millis(),
            operators: vec![],
            purposes: vec![],
            data_categories: vec![],
            notices: vec![],
            revisions: vec![],
            notice_versions: vec![],
            shows: vec![],
            acknowledgements: vec![],
        };
        payload::hq_rows(&w.tx, &mut p)?;
        if let Some(d) = &device_id {
            for log in Log::ALL {
                let ack: Option<String> = w
                    .tx
                    .query_row(
                        "SELECT cosigned_note FROM checkpoint WHERE device_id = ?1 AND log = ?2 AND cosigned_note IS NOT NULL
                         ORDER BY size DESC LIMIT 1",
                        params![d, log.as_str()],
                        |r| r.get(0),
                    )
                    .optional()
                    .storage("read acknowledgements")?;
                p.acknowledgements.extend(ack);
            }
        }
        let json = serde_json::to_vec(&p).map_err(|e| Error::from(msg::BUNDLE_NOT_WRITTEN.with("detail", e)))?;
        let (_, key) = checkpoint::local_key(&w.tx)?;
        let header = Header {
            from: checkpoint::hq_name(&org.org.id),
            to: format!("consentry/enrolment/{enrolment}"),
            ..Header::default()
        };
        let recipient: age::x25519::Recipient = recipient
            .parse()
            .map_err(|_| Error::from(msg::DAMAGED.term("part", &msg::PART_DEVICE_KEY)))?;
        let bytes = envelope::seal(header, Kind::Hq, &json, &key, &recipient)?;
        w.audit(
            "bundle.export_hq",
            &enrolment,
            format!(
                "notice versions {}, events {}, acknowledgements {}",
                p.notice_versions.len(),
                p.shows.len(),
                p.acknowledgements.len()
            ),
        );
        Ok(bytes)
    })?;
    let path = files::save_in(dir, "hq", &stamp, "consentry", &bytes)?;
    Ok(Saved { path, events: 0, people: 0, audit_entries: 0, ledger_size: 0 })
}

/// Writes an enrolment file into `dir` (new, owner-only).
pub fn save_enrolment(dir: &Path, e: &enrol::Enrolment, stamp: &str) -> Result<PathBuf> {
    files::save_in(dir, "enrolment", stamp, "enrol", &e.file)
}
