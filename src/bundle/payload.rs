//! What the two kinds of bundle carry, as the JSON inside the encryption, and how a device
//! and headquarters gather it from their vaults.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::rows::{self, Row};
use crate::audit::ChainedEntry;
use crate::domain::error::Result;
use crate::ledger::ChainedEvent;

/// The payload format this build writes and reads.
pub const FORMAT: u32 = 1;

/// A device's bundle for headquarters.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct DevicePayload {
    pub format: u32,
    pub organisation: String,
    pub enrolment: String,
    pub device_id: String,
    pub device_name: String,
    pub created_at_ms: i64,
    /// The device's signed checkpoint of its ledger; `events` end at its size.
    pub ledger_checkpoint: String,
    /// The device's signed checkpoint of its audit log; `audit` ends at its size.
    pub audit_checkpoint: String,
    pub events: Vec<ChainedEvent>,
    pub audit: Vec<ChainedEntry>,
    pub people: Vec<Row>,
    pub receipts: Vec<Row>,
    pub receipt_events: Vec<Row>,
    pub capture_details: Vec<Row>,
    pub purposes: Vec<Row>,
    pub notices: Vec<Row>,
    pub notice_versions: Vec<Row>,
    pub shows: Vec<Row>,
    pub operators: Vec<Row>,
    /// The device's field keys, sealed to its own and headquarters' personal-data recipients:
    /// people's details and capture details travel sealed, and open only at headquarters.
    #[serde(default)]
    pub personal_data_seals: Vec<Row>,
}

/// Headquarters' bundle for one device.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct HqPayload {
    pub format: u32,
    pub organisation: String,
    pub enrolment: String,
    pub created_at_ms: i64,
    pub operators: Vec<Row>,
    pub purposes: Vec<Row>,
    pub data_categories: Vec<Row>,
    pub notices: Vec<Row>,
    pub revisions: Vec<Row>,
    pub notice_versions: Vec<Row>,
    pub shows: Vec<Row>,
    /// The device's checkpoints with headquarters' cosignature (ledger, then audit).
    pub acknowledgements: Vec<String>,
}

const OPERATOR_STUB: &str = "SELECT id, name, role, created_at_ms FROM operator WHERE id IN";

/// The rows that go with a device's events from `from_seq` on.
pub(crate) fn device_rows(conn: &Connection, device_id: &str, from_seq: i64, p: &mut DevicePayload) -> Result<()> {
    let events = "SELECT id FROM consent_event WHERE device_id = ?1 AND seq >= ?2";
    let receipts = format!("SELECT receipt_id FROM receipt_event WHERE event_id IN ({events})");
    let args: [&dyn rusqlite::ToSql; 2] = [&device_id, &from_seq];
    p.people = rows::read(
        conn,
        "SELECT id, name, email, phone, company, job_title, name_sealed, email_sealed, phone_sealed, company_sealed,
                job_title_sealed, created_at_ms, erased_at_ms FROM subject
         WHERE id IN (SELECT subject_id FROM consent_event WHERE device_id = ?1 AND seq >= ?2) ORDER BY id",
        &args,
    )?;
    p.personal_data_seals = rows::read(conn, "SELECT id, sealed_key FROM personal_data_seal ORDER BY id", &[])?;
    p.receipts = rows::read(conn, &format!("SELECT * FROM receipt WHERE id IN ({receipts}) ORDER BY id"), &args)?;
    p.receipt_events = rows::read(
        conn,
        &format!("SELECT * FROM receipt_event WHERE event_id IN ({events}) ORDER BY event_id"),
        &args,
    )?;
    p.capture_details = rows::read(
        conn,
        &format!("SELECT * FROM capture_detail WHERE receipt_id IN ({receipts}) ORDER BY receipt_id"),
        &args,
    )?;
    p.purposes = rows::read(
        conn,
        "SELECT * FROM purpose WHERE code IN (SELECT purpose_code FROM consent_event WHERE device_id = ?1 AND seq >= ?2)
         ORDER BY code",
        &args,
    )?;
    let shows = format!("SELECT event_id FROM capture_detail WHERE receipt_id IN ({receipts})");
    p.shows = rows::read(conn, &format!("SELECT * FROM event WHERE id IN ({shows}) ORDER BY id"), &args)?;
    p.notices = rows::read(
        conn,
        &format!(
            "SELECT * FROM notice WHERE name IN (SELECT notice_name FROM event WHERE id IN ({shows})) ORDER BY id"
        ),
        &args,
    )?;
    p.notice_versions = rows::read(
        conn,
        "SELECT * FROM notice_version
         WHERE hash IN (SELECT notice_hash FROM consent_event WHERE device_id = ?1 AND seq >= ?2) ORDER BY hash",
        &args,
    )?;
    p.operators = rows::read(
        conn,
        &format!(
            "{OPERATOR_STUB} (SELECT operator_id FROM consent_event WHERE device_id = ?1 AND seq >= ?2
                UNION SELECT created_by FROM event WHERE id IN ({shows})
                UNION SELECT created_by FROM notice WHERE name IN (SELECT notice_name FROM event WHERE id IN ({shows}))
                UNION SELECT created_by FROM notice_version
                      WHERE hash IN (SELECT notice_hash FROM consent_event WHERE device_id = ?1 AND seq >= ?2))
             ORDER BY id"
        ),
        &args,
    )?;
    Ok(())
}

/// What headquarters sends every device: the catalogue, approved and retired wording with
/// its forms, and the events.
pub(crate) fn hq_rows(conn: &Connection, p: &mut HqPayload) -> Result<()> {
    let none: [&dyn rusqlite::ToSql; 0] = [];
    let revisions = "SELECT * FROM notice_revision WHERE state IN ('approved', 'retired')";
    p.revisions = rows::read(conn, &format!("{revisions} ORDER BY notice_id, number"), &none)?;
    p.notices = rows::read(
        conn,
        "SELECT * FROM notice WHERE id IN (SELECT notice_id FROM notice_revision WHERE state IN ('approved', 'retired'))
            OR name IN (SELECT notice_name FROM event) ORDER BY id",
        &none,
    )?;
    p.notice_versions =
        rows::read(conn, "SELECT * FROM notice_version WHERE state IN ('approved', 'retired') ORDER BY hash", &none)?;
    p.purposes = rows::read(conn, "SELECT * FROM purpose ORDER BY code", &none)?;
    p.data_categories = rows::read(conn, "SELECT * FROM data_category ORDER BY code", &none)?;
    p.shows = rows::read(conn, "SELECT * FROM event ORDER BY id", &none)?;
    p.operators = rows::read(
        conn,
        &format!(
            "{OPERATOR_STUB} (SELECT author_id FROM notice_revision WHERE state IN ('approved', 'retired')
                UNION SELECT approved_by FROM notice_revision WHERE state IN ('approved', 'retired')
                UNION SELECT created_by FROM notice
                UNION SELECT created_by FROM notice_version WHERE state IN ('approved', 'retired')
                UNION SELECT created_by FROM event)
             ORDER BY id"
        ),
        &none,
    )?;
    Ok(())
}

/// Stores operators of another vault as names that can never sign in.
pub(crate) fn store_operators(conn: &Connection, operators: &[Row], origin_device: &str, now_ms: i64) -> Result<()> {
    for o in operators {
        let mut stub = o.clone();
        let id = rows::text(o, "id").unwrap_or_default().to_string();
        stub.insert("name_key".into(), format!("remote:{id}").into());
        // Disabled from the start, so the row is the same whichever bundle brought it.
        stub.insert("disabled_at_ms".into(), rows::int(o, "created_at_ms").unwrap_or(now_ms).into());
        stub.insert("origin_device".into(), origin_device.into());
        rows::insert_new(conn, "operator", &stub)?;
    }
    Ok(())
}
