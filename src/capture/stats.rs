//! What the marketer needs to see of an event: people recorded per day and per device,
//! grants and refusals per purpose and how many of those grants were withdrawn since, how
//! many people are not yet sent to headquarters, and whether the notice shown has been
//! superseded by a version that needs fresh consent (with [`switch_notice`] to show it).
//!
//! Everything is read from the event's capture receipts (`capture_detail` → `receipt_event`
//! → `consent_event`) and, for withdrawals, from the one current-state table
//! (`consent_current`), in one read.

use rusqlite::{params, Connection};

use super::event::get_in;
use crate::bundle::status::unsent_after;
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::{Action, DeviceId, EventId};
use crate::notice::diff::{versions, MaterialChange};
use crate::notice::workflow::{version_in, State};
use crate::session::Session;

/// People recorded on one day (in the offset of the device that recorded them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayCount {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// People recorded that day.
    pub people: u64,
}

/// People recorded by one device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCount {
    /// The device.
    pub device_id: DeviceId,
    /// Its name.
    pub name: String,
    /// People it recorded.
    pub people: u64,
}

/// One purpose's answers at the event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeCount {
    /// The purpose's code.
    pub purpose: String,
    /// Boxes ticked.
    pub grants: u64,
    /// Boxes left empty.
    pub refusals: u64,
    /// Of those grants, how many are withdrawn now (at the stand, the desk or by import).
    pub withdrawn: u64,
}

/// A newer approved version of the event's notice that needs fresh consent.
#[derive(Debug, Clone, PartialEq)]
pub struct Superseded {
    /// Its number.
    pub number: i64,
    /// What changed in the processing.
    pub changes: Vec<MaterialChange>,
}

/// An event's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct EventStats {
    /// The event.
    pub event_id: EventId,
    /// People recorded at it (each capture counts once).
    pub people: u64,
    /// Per day, oldest first.
    pub per_day: Vec<DayCount>,
    /// Per device, most people first.
    pub per_device: Vec<DeviceCount>,
    /// Per purpose, by code.
    pub purposes: Vec<PurposeCount>,
    /// Grants given at the event that are withdrawn now.
    pub withdrawn: u64,
    /// On a device enrolled with headquarters: people recorded at the event whose answers
    /// headquarters has not acknowledged yet; `None` elsewhere.
    pub unsent_people: Option<u64>,
    /// The newest approved version of the notice, when it needs fresh consent.
    pub superseded_by: Option<Superseded>,
}

/// The consent events of the event's captures (grants and refusals; each capture's boxes).
const EVENTS: &str = "SELECT ce.* FROM capture_detail cd
     JOIN receipt_event re ON re.receipt_id = cd.receipt_id
     JOIN consent_event ce ON ce.id = re.event_id
     WHERE cd.event_id = ?1 AND ce.kind IN ('grant', 'refuse')";

/// An event's figures (marketer, admin, legal; the kiosk has none of them).
pub fn stats(session: &mut Session, id: &EventId) -> Result<EventStats> {
    session.read(Action::ReadEventStats, |conn| {
        let event = get_in(conn, id)?;
        let ctx = "read the event's figures";
        let people: i64 = conn
            .query_row("SELECT count(*) FROM capture_detail WHERE event_id = ?1", [id], |r| r.get(0))
            .storage(ctx)?;
        let per_day = rows(conn, &format!(
            "SELECT date((captured_at_ms + utc_offset_min * 60000) / 1000, 'unixepoch'), count(DISTINCT subject_id)
             FROM ({EVENTS}) GROUP BY 1 ORDER BY 1"
        ), id, |r| Ok(DayCount { day: r.get(0)?, people: r.get::<_, i64>(1)? as u64 }))?;
        let per_device = rows(conn, &format!(
            "SELECT ce.device_id, d.name, count(DISTINCT ce.subject_id) FROM ({EVENTS}) ce JOIN device d ON d.id = ce.device_id
             GROUP BY 1 ORDER BY 3 DESC, 2"
        ), id, |r| Ok(DeviceCount { device_id: r.get(0)?, name: r.get(1)?, people: r.get::<_, i64>(2)? as u64 }))?;
        let purposes = rows(conn, &format!(
            "SELECT ce.purpose_code, sum(ce.kind = 'grant'), sum(ce.kind = 'refuse'),
                    sum(ce.kind = 'grant' AND now.kind = 'withdraw')
             FROM ({EVENTS}) ce
             LEFT JOIN consent_current now ON now.subject_id = ce.subject_id AND now.purpose_code = ce.purpose_code
             GROUP BY 1 ORDER BY 1"
        ), id, |r| {
            Ok(PurposeCount {
                purpose: r.get(0)?,
                grants: r.get::<_, i64>(1)? as u64,
                refusals: r.get::<_, i64>(2)? as u64,
                withdrawn: r.get::<_, i64>(3)? as u64,
            })
        })?;
        let withdrawn = purposes.iter().map(|p| p.withdrawn).sum();
        let unsent_people = match unsent_after(conn)? {
            Some((device, after)) => Some(
                conn.query_row(
                    &format!("SELECT count(DISTINCT subject_id) FROM ({EVENTS}) WHERE device_id = ?2 AND seq > ?3"),
                    params![id, device, after],
                    |r| r.get::<_, i64>(0),
                )
                .storage(ctx)? as u64,
            ),
            None => None,
        };
        let superseded_by = superseded(conn, &event.input.notice, event.input.notice_number)?;
        Ok(EventStats {
            event_id: event.id,
            people: people as u64,
            per_day,
            per_device,
            purposes,
            withdrawn,
            unsent_people,
            superseded_by,
        })
    })
}

fn rows<T>(
    conn: &Connection,
    sql: &str,
    id: &EventId,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let ctx = "read the event's figures";
    let mut stmt = conn.prepare(sql).storage(ctx)?;
    let out = stmt.query_map([id], f).storage(ctx)?.collect::<rusqlite::Result<Vec<T>>>().storage(ctx);
    out
}

/// Whether the event shows a notice version superseded by one that needs fresh consent (for
/// the events list; anyone who reads events).
pub fn superseded_for(session: &mut Session, event: &super::Event) -> Result<Option<Superseded>> {
    session.read(Action::ReadEvents, |conn| superseded(conn, &event.input.notice, event.input.notice_number))
}

/// The newest approved version after `number`, if the change to it needs fresh consent.
fn superseded(conn: &Connection, notice: &str, number: i64) -> Result<Option<Superseded>> {
    let newest: Option<i64> = conn
        .query_row(
            "SELECT max(r.number) FROM notice_revision r JOIN notice n ON n.id = r.notice_id
             WHERE n.name = ?1 AND r.state = 'approved' AND r.number > ?2",
            params![notice, number],
            |r| r.get(0),
        )
        .storage("read the event's notice")?;
    let Some(newest) = newest else { return Ok(None) };
    let d = versions(&version_in(conn, notice, Some(number))?, &version_in(conn, notice, Some(newest))?);
    Ok(d.needs_fresh_consent().then_some(Superseded { number: newest, changes: d.material }))
}

/// Shows another approved version of the event's notice at its kiosk from now on (marketer,
/// admin; audited): the switch the superseded warning offers. People already recorded keep
/// the version they were shown.
pub fn switch_notice(session: &mut Session, id: &EventId, number: i64) -> Result<super::Event> {
    session.write(Action::ManageEvents, |w| {
        let e = get_in(&w.tx, id)?;
        if e.input.notice_number == number {
            return Err(msg::EVENT_ALREADY_SHOWS.with("number", number).with("notice", &e.input.notice).into());
        }
        let v = version_in(&w.tx, &e.input.notice, Some(number))?;
        if v.state != State::Approved {
            return Err(msg::EVENT_VERSION_NOT_APPROVED
                .with("number", v.number)
                .with("notice", &e.input.notice)
                .term("state", msg::notice_state(v.state.as_str()))
                .into());
        }
        if v.rendered.form.controls().next().is_none() {
            return Err(Error::from(msg::EVENT_NO_CONSENT.with("number", v.number).with("notice", &e.input.notice)));
        }
        w.tx.execute(
            "UPDATE event SET notice_number = ?2, updated_at_ms = ?3 WHERE id = ?1",
            params![e.id, number, w.now.timestamp_millis()],
        )
        .storage("change the event's notice")?;
        w.audit("event.switch_notice", &e.id, format!("{} v{} -> v{}", e.input.notice, e.input.notice_number, number));
        Ok(())
    })?;
    super::get_event(session, id)
}
