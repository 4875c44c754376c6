//! Events: a trade show or other occasion where consent is collected, with the approved
//! notice version it shows, the languages offered, the person fields collected (and which
//! are required), the device's name at the stand, the kiosk's idle reset and whether a
//! signature pad is offered. Marketers create and run them.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::string_enum;
use crate::domain::Language;
use crate::domain::{Action, EventId};
use crate::notice::workflow::{version_in, State};
use crate::session::Session;

string_enum!(
    /// A detail a person may be asked for.
    PersonField, "person field (name, email, phone, company or job_title)", {
        /// Full name.
        Name => "name",
        /// Email address.
        Email => "email",
        /// Phone number.
        Phone => "phone",
        /// Company.
        Company => "company",
        /// Job title.
        JobTitle => "job_title",
    }
);

/// A field the form shows, and whether it must be filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRule {
    /// The field.
    pub field: PersonField,
    /// Whether the person must fill it in.
    pub required: bool,
}

/// An event as created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventInput {
    /// Name, such as "Shanghai Auto Show 2026".
    pub name: String,
    /// Venue.
    pub venue: String,
    /// First day, `YYYY-MM-DD`.
    pub starts_on: String,
    /// Last day, `YYYY-MM-DD`.
    pub ends_on: String,
    /// The notice shown.
    pub notice: String,
    /// Its approved version.
    pub notice_number: i64,
    /// Languages offered, in the order shown (the first is the default).
    pub languages: Vec<Language>,
    /// The person fields collected.
    pub fields: Vec<FieldRule>,
    /// This device's name at the stand ("Stand A tablet").
    pub device_name: String,
    /// Seconds without a touch before the kiosk form resets (15–600; 60 by default).
    pub idle_reset_s: u32,
    /// Whether the kiosk offers a signature pad.
    pub signature: bool,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Row id.
    pub id: EventId,
    /// What was created.
    pub input: EventInput,
    /// Who created it (operator name).
    pub created_by: String,
    /// When it was closed (ms), if it was.
    pub closed_at_ms: Option<i64>,
    /// How many people were recorded at it.
    pub captures: i64,
}

fn date(what: &'static msg::Text, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| Error::from(msg::EVENT_NOT_A_DATE.term("what", what).with("value", s.trim())))
}

fn encode_fields(fields: &[FieldRule]) -> String {
    fields.iter().map(|f| format!("{}{}", f.field, if f.required { "!" } else { "" })).collect::<Vec<_>>().join(",")
}

fn decode_fields(s: &str) -> Vec<FieldRule> {
    s.split(',')
        .filter(|x| !x.is_empty())
        .filter_map(|x| {
            let required = x.ends_with('!');
            x.trim_end_matches('!').parse().ok().map(|field| FieldRule { field, required })
        })
        .collect()
}

fn validate(conn: &Connection, e: &EventInput) -> Result<EventInput> {
    let mut e = e.clone();
    e.name = e.name.trim().to_string();
    e.venue = e.venue.trim().to_string();
    e.device_name = e.device_name.trim().to_string();
    if e.name.is_empty() || e.name.chars().count() > 120 {
        return Err(Error::from(&msg::EVENT_NAME_MISSING));
    }
    if e.venue.is_empty() {
        return Err(Error::from(&msg::EVENT_VENUE_MISSING));
    }
    if e.device_name.is_empty() {
        return Err(Error::from(&msg::EVENT_DEVICE_MISSING));
    }
    let (start, end) = (date(&msg::FIRST_DAY, &e.starts_on)?, date(&msg::LAST_DAY, &e.ends_on)?);
    if end < start {
        return Err(Error::from(&msg::EVENT_ENDS_BEFORE_START));
    }
    e.starts_on = start.to_string();
    e.ends_on = end.to_string();
    if !(15..=600).contains(&e.idle_reset_s) {
        return Err(msg::EVENT_IDLE_RANGE.with("seconds", e.idle_reset_s).into());
    }
    if e.languages.is_empty() {
        return Err(Error::from(&msg::EVENT_NO_LANGUAGE));
    }
    // Each language once, in the place it was first listed (`dedup` only drops neighbours).
    let mut languages: Vec<Language> = Vec::with_capacity(e.languages.len());
    for l in &e.languages {
        if !languages.contains(l) {
            languages.push(*l);
        }
    }
    e.languages = languages;
    let mut seen = Vec::new();
    for f in &e.fields {
        if seen.contains(&f.field) {
            return Err(msg::EVENT_FIELD_TWICE.term("field", msg::field(f.field.as_str())).into());
        }
        seen.push(f.field);
    }
    if !seen.contains(&PersonField::Email) && !seen.contains(&PersonField::Phone) {
        return Err(Error::from(&msg::EVENT_NO_CONTACT_FIELD));
    }
    let v = version_in(conn, &e.notice, Some(e.notice_number))?;
    if v.state != State::Approved {
        return Err(msg::EVENT_VERSION_NOT_APPROVED
            .with("number", v.number)
            .with("notice", &e.notice)
            .term("state", msg::notice_state(v.state.as_str()))
            .into());
    }
    if v.rendered.form.controls().next().is_none() {
        return Err(msg::EVENT_NO_CONSENT.with("number", v.number).with("notice", &e.notice).into());
    }
    Ok(e)
}

/// Creates an event (marketer, admin).
pub fn create_event(session: &mut Session, input: &EventInput) -> Result<Event> {
    let id = session.write(Action::ManageEvents, |w| {
        let e = validate(&w.tx, input)?;
        let id = EventId::generate();
        let now = w.now.timestamp_millis();
        w.tx.execute(
            "INSERT INTO event (id, name, venue, starts_on, ends_on, notice_name, notice_number, languages, fields,
                 device_name, idle_reset_s, signature, created_by, created_at_ms, updated_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)",
            params![
                id,
                e.name,
                e.venue,
                e.starts_on,
                e.ends_on,
                e.notice,
                e.notice_number,
                e.languages.iter().map(|l| l.as_str()).collect::<Vec<_>>().join(","),
                encode_fields(&e.fields),
                e.device_name,
                e.idle_reset_s,
                e.signature,
                w.operator.id,
                now
            ],
        )
        .storage("create an event")?;
        w.audit("event.create", &id, format!("{} v{}", e.notice, e.notice_number));
        Ok(id)
    })?;
    get_event(session, &id)
}

/// Closes an event: its kiosk stops taking people (marketer, admin).
pub fn close_event(session: &mut Session, id: &EventId) -> Result<Event> {
    session.write(Action::ManageEvents, |w| {
        let n =
            w.tx.execute(
                "UPDATE event SET closed_at_ms = ?2, updated_at_ms = ?2 WHERE id = ?1 AND closed_at_ms IS NULL",
                params![id, w.now.timestamp_millis()],
            )
            .storage("close an event")?;
        if n == 0 {
            get_in(&w.tx, id)?;
            return Err(Error::from(&msg::EVENT_ALREADY_CLOSED));
        }
        w.audit("event.close", id, "");
        Ok(())
    })?;
    get_event(session, id)
}

/// Reopens a closed event, so that its kiosk takes people again: the undo of a close made by
/// mistake (admin only; audited).
pub fn reopen_event(session: &mut Session, id: &EventId) -> Result<Event> {
    session.write(Action::ReopenEvent, |w| {
        let e = get_in(&w.tx, id)?;
        if e.closed_at_ms.is_none() {
            return Err(msg::EVENT_NOT_CLOSED.with("name", &e.input.name).into());
        }
        w.tx.execute(
            "UPDATE event SET closed_at_ms = NULL, updated_at_ms = ?2 WHERE id = ?1",
            params![e.id, w.now.timestamp_millis()],
        )
        .storage("reopen an event")?;
        w.audit("event.reopen", &e.id, "");
        Ok(())
    })?;
    get_event(session, id)
}

/// Every event, newest first.
pub fn list_events(session: &mut Session) -> Result<Vec<Event>> {
    session.read(Action::ReadEvents, |conn| {
        let mut stmt = conn
            .prepare(&format!("{SELECT} ORDER BY e.starts_on DESC, e.created_at_ms DESC"))
            .storage("list events")?;
        let rows = stmt.query_map([], row).storage("list events")?;
        rows.collect::<rusqlite::Result<Vec<_>>>().storage("list events")
    })
}

/// One event.
pub fn get_event(session: &mut Session, id: &EventId) -> Result<Event> {
    session.read(Action::ReadEvents, |conn| get_in(conn, id))
}

/// Fails with `NotFound` unless the event exists.
pub(crate) fn event_exists(conn: &Connection, id: &str) -> Result<()> {
    get_in(conn, id).map(drop)
}

pub(crate) fn get_in(conn: &Connection, id: &str) -> Result<Event> {
    conn.query_row(&format!("{SELECT} WHERE e.id = ?1"), [id.trim()], row)
        .optional()
        .storage("read an event")?
        .ok_or_else(|| Error::NotFound(msg::EVENT_NOT_FOUND.with("key", id.trim())))
}

const SELECT: &str =
    "SELECT e.id, e.name, e.venue, e.starts_on, e.ends_on, e.notice_name, e.notice_number, e.languages,
        e.fields, e.device_name, e.idle_reset_s, e.signature, o.name, e.closed_at_ms,
        (SELECT count(*) FROM capture_detail c WHERE c.event_id = e.id)
     FROM event e JOIN operator o ON o.id = e.created_by";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Event> {
    let languages: String = r.get(7)?;
    let fields: String = r.get(8)?;
    Ok(Event {
        id: r.get(0)?,
        input: EventInput {
            name: r.get(1)?,
            venue: r.get(2)?,
            starts_on: r.get(3)?,
            ends_on: r.get(4)?,
            notice: r.get(5)?,
            notice_number: r.get(6)?,
            languages: languages.split(',').filter_map(|l| l.parse().ok()).collect(),
            fields: decode_fields(&fields),
            device_name: r.get(9)?,
            idle_reset_s: r.get(10)?,
            signature: r.get(11)?,
        },
        created_by: r.get(12)?,
        closed_at_ms: r.get(13)?,
        captures: r.get(14)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip() {
        let f = vec![
            FieldRule { field: PersonField::Name, required: true },
            FieldRule { field: PersonField::Email, required: false },
            FieldRule { field: PersonField::JobTitle, required: true },
        ];
        assert_eq!(decode_fields(&encode_fields(&f)), f);
        assert_eq!(encode_fields(&f), "name!,email,job_title!");
    }
}
