//! What the Sync screens show: at headquarters, each enrolled device with its last
//! sequence number, checkpoint, acknowledgement, gaps and forks; on a device, what is not
//! yet sent to headquarters and since when; the quarantine and its resolution.

use rusqlite::{params, Connection};

use super::enrol::{hq_only, org_row};
use super::export::acknowledged;
use super::merge::held_size;
use crate::checkpoint::{self, Log};
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::{Action, DeviceId};
use crate::session::Session;
use crate::vault::column;

/// One enrolled device, as headquarters sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceState {
    /// The enrolment id.
    pub enrolment_id: String,
    /// The device's name at headquarters.
    pub name: String,
    /// The fingerprint shown at enrolment.
    pub fingerprint: String,
    /// The device's id, once its first bundle arrived.
    pub device_id: Option<DeviceId>,
    /// When it was enrolled (ms).
    pub enrolled_at_ms: i64,
    /// When it was revoked, if it was.
    pub revoked_at_ms: Option<i64>,
    /// The last sequence number of its ledger held here.
    pub last_seq: i64,
    /// The size of the last checkpoint accepted and cosigned.
    pub last_checkpoint: Option<i64>,
    /// When that checkpoint was cosigned (acknowledged), ms.
    pub acknowledged_at_ms: Option<i64>,
    /// Missing ranges of sequence numbers (bundles held until they arrive).
    pub gaps: Vec<(i64, i64)>,
    /// Unresolved forks.
    pub forks: u64,
    /// People the device's events are about.
    pub people: u64,
    /// At least how far (ms) the device's clock ran ahead of headquarters': its last event
    /// is dated this long after HQ received it. Shown only beyond the clock tolerance
    /// (`ledger::CLOCK_TOLERANCE_MS`), since within it the more protective state stands anyway;
    /// a clock behind cannot be seen this way.
    pub clock_ahead_ms: Option<i64>,
}

/// At headquarters: every enrolled device.
pub fn devices(session: &mut Session) -> Result<Vec<DeviceState>> {
    session.read(Action::ReadSync, |conn| {
        hq_only(conn)?;
        let ctx = "read the devices";
        type Row = (String, String, String, Option<String>, i64, Option<i64>);
        let rows: Vec<Row> = conn
            .prepare("SELECT id, name, fingerprint, device_id, created_at_ms, revoked_at_ms FROM enrolment ORDER BY created_at_ms")
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?.collect())
            .storage(ctx)?;
        let mut out = Vec::new();
        for (enrolment_id, name, fingerprint, device_id, enrolled_at_ms, revoked_at_ms) in rows {
            let mut d = DeviceState {
                enrolment_id,
                name,
                fingerprint,
                device_id: device_id.clone().map(DeviceId::from),
                enrolled_at_ms,
                revoked_at_ms,
                last_seq: 0,
                last_checkpoint: None,
                acknowledged_at_ms: None,
                gaps: vec![],
                forks: 0,
                people: 0,
                clock_ahead_ms: None,
            };
            if let Some(dev) = &device_id {
                fill(conn, dev, &mut d)?;
            }
            out.push(d);
        }
        Ok(out)
    })
}

fn fill(conn: &Connection, dev: &str, d: &mut DeviceState) -> Result<()> {
    let ctx = "read the devices";
    d.last_seq = held_size(conn, dev, Log::Ledger)?;
    let (size, at): (Option<i64>, Option<i64>) = conn
        .query_row(
            "SELECT max(size), max(cosigned_at_ms) FROM checkpoint WHERE device_id = ?1 AND log = 'ledger' AND cosigned_note IS NOT NULL",
            [dev],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .storage(ctx)?;
    d.last_checkpoint = size;
    d.acknowledged_at_ms = at;
    let mut next = d.last_seq + 1;
    let pending: Vec<(i64, i64)> = conn
        .prepare("SELECT from_seq, to_seq FROM pending_bundle WHERE device_id = ?1 ORDER BY from_seq")
        .and_then(|mut s| s.query_map([dev], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .storage(ctx)?;
    for (from, to) in pending {
        if from > next {
            d.gaps.push((next, from - 1));
        }
        next = next.max(to + 1);
    }
    let count = |sql: &str| conn.query_row(sql, [dev], |r| r.get::<_, i64>(0)).storage(ctx).map(|n| n as u64);
    d.forks = count("SELECT count(*) FROM quarantine WHERE device_id = ?1 AND resolved_at_ms IS NULL")?;
    d.people = count("SELECT count(*) FROM subject_origin WHERE device_id = ?1")?;
    // Every event HQ holds arrived in a bundle received by the last reception, so the latest
    // event dated after it was recorded by a clock running at least that far ahead (the
    // latest by the device's own order: one index lookup, not a scan of its events).
    let ahead: Option<i64> = conn
        .query_row(
            "SELECT (SELECT captured_at_ms FROM consent_event WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1)
                  - (SELECT max(received_at_ms) FROM bundle_received WHERE device_id = ?1)",
            [dev],
            |r| r.get(0),
        )
        .storage(ctx)?;
    d.clock_ahead_ms = ahead.filter(|ms| *ms > crate::ledger::CLOCK_TOLERANCE_MS);
    Ok(())
}

/// What a device has not yet sent to headquarters (not yet acknowledged by it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsent {
    /// Consent events not yet acknowledged.
    pub events: u64,
    /// People those events are about.
    pub people: u64,
    /// When the oldest of them was recorded (ms).
    pub since_ms: Option<i64>,
    /// When headquarters last acknowledged this device (ms).
    pub acknowledged_at_ms: Option<i64>,
}

/// On a device enrolled with headquarters: this device's id and the last ledger sequence
/// number headquarters acknowledged (everything after it is not yet sent). `None` elsewhere.
pub(crate) fn unsent_after(conn: &Connection) -> Result<Option<(String, i64)>> {
    match org_row(conn)? {
        Some(o) if !o.org.is_headquarters => {}
        _ => return Ok(None),
    }
    let (device_id, _) = checkpoint::local_key(conn)?;
    let from = acknowledged(conn, &device_id, Log::Ledger)?;
    Ok(Some((device_id, from)))
}

/// On a device enrolled with headquarters: what is not yet sent. `None` elsewhere.
pub fn unsent(session: &mut Session) -> Result<Option<Unsent>> {
    session.read(Action::ReadSync, |conn| {
        let Some((device_id, from)) = unsent_after(conn)? else {
            return Ok(None);
        };
        let (events, people, since): (i64, i64, Option<i64>) = conn
            .query_row(
                "SELECT count(*), count(DISTINCT subject_id), min(captured_at_ms) FROM consent_event
                 WHERE device_id = ?1 AND seq > ?2",
                params![device_id, from],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .storage("count what is not yet sent")?;
        let acknowledged_at_ms: Option<i64> = conn
            .query_row("SELECT max(cosigned_at_ms) FROM checkpoint WHERE device_id = ?1", [&device_id], |r| r.get(0))
            .storage("count what is not yet sent")?;
        Ok(Some(Unsent { events: events as u64, people: people as u64, since_ms: since, acknowledged_at_ms }))
    })
}

/// One fork held in quarantine, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// Row id.
    pub id: String,
    /// The device.
    pub device_id: DeviceId,
    /// Which of its logs forked.
    pub log: Log,
    /// The first sequence number that differs.
    pub from_seq: i64,
    /// The last one in the contradicting checkpoint.
    pub to_seq: i64,
    /// The checkpoint headquarters held, as the device signed it.
    pub held_note: String,
    /// The device's contradicting checkpoint, as it signed it.
    pub contradicting_note: String,
    /// How many entries were quarantined.
    pub entries: u64,
    /// When it was found (ms).
    pub detected_at_ms: i64,
    /// How an administrator resolved it, if they did.
    pub resolution: Option<String>,
}

/// At headquarters: every fork found, newest first.
pub fn quarantine(session: &mut Session) -> Result<Vec<Case>> {
    session.read(Action::ReadSync, |conn| {
        hq_only(conn)?;
        let ctx = "read the quarantine";
        let mut stmt = conn
            .prepare(
                "SELECT id, device_id, log, from_seq, to_seq, held_note, contradicting_note, json_array_length(entries),
                        detected_at_ms, resolution FROM quarantine ORDER BY detected_at_ms DESC",
            )
            .storage(ctx)?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Case {
                    id: r.get(0)?,
                    device_id: r.get(1)?,
                    log: column(r, 2)?,
                    from_seq: r.get(3)?,
                    to_seq: r.get(4)?,
                    held_note: r.get(5)?,
                    contradicting_note: r.get(6)?,
                    entries: r.get::<_, i64>(7)? as u64,
                    detected_at_ms: r.get(8)?,
                    resolution: r.get(9)?,
                })
            })
            .storage(ctx)?;
        rows.collect::<rusqlite::Result<Vec<_>>>().storage(ctx)
    })
}

/// At headquarters: records an administrator's decision on a fork. The evidence stays and
/// the quarantined entries still count for nothing.
pub fn resolve(session: &mut Session, case_id: &str, resolution: &str) -> Result<()> {
    let resolution = resolution.trim().to_string();
    if resolution.is_empty() {
        return Err(Error::from(&msg::RESOLUTION_NEEDS_NOTE));
    }
    session.write(Action::ManageOrganisation, |w| {
        let n = w
            .tx
            .execute(
                "UPDATE quarantine SET resolved_at_ms = ?2, resolved_by = ?3, resolution = ?4 WHERE id = ?1 AND resolved_at_ms IS NULL",
                params![case_id, w.now.timestamp_millis(), w.operator.id, resolution],
            )
            .storage("resolve a fork")?;
        if n == 0 {
            return Err(Error::NotFound(msg::CASE_NOT_FOUND.with("id", case_id)));
        }
        w.audit("bundle.resolve", case_id, resolution.clone());
        Ok(())
    })
}
