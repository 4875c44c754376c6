//! Files for downstream systems: the suppression list (everyone whose current state for a
//! purpose is refused or withdrawn) and the consent export for CRM systems, each as CSV or
//! JSON, with people shown masked, hashed or (admin and legal only, audited) in the clear.

use std::borrow::Cow;

use chrono::{DateTime, FixedOffset};
use rusqlite::Connection;
use serde_json::{json, Value};

use super::csv::{phone_cell, write_record, CsvWriter};
use super::erasure::sha256_hex;
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::time::from_parts;
use crate::domain::Action;
use crate::ledger::{ConsentState, EventKind, Method};
use crate::session::{Session, Write};
use crate::subject::{self, normalize_email, normalize_phone};
use crate::vault::column;

/// A file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 4180 CSV, UTF-8, CRLF, cells neutralised against formula injection.
    Csv,
    /// A JSON array of objects.
    Json,
}

impl std::str::FromStr for Format {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            _ => Err(msg::NOT_ONE_OF.with("value", s.trim()).with("options", "csv, json").into()),
        }
    }
}

/// How people appear in an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Identity {
    /// Masked as on screen (z***@example.com); any role that may export.
    Masked,
    /// Only SHA-256 of the normalised email and phone, for systems that must not receive
    /// addresses but can match their own; any role that may export.
    Hashed,
    /// In the clear: admin and legal only, and audited like a reveal.
    Plain,
}

impl std::str::FromStr for Identity {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "masked" => Ok(Identity::Masked),
            "hashed" => Ok(Identity::Hashed),
            "plain" => Ok(Identity::Plain),
            _ => Err(msg::NOT_ONE_OF.with("value", s.trim()).with("options", "masked, hashed, plain").into()),
        }
    }
}

impl Identity {
    fn as_str(self) -> &'static str {
        match self {
            Identity::Masked => "masked",
            Identity::Hashed => "hashed",
            Identity::Plain => "plain",
        }
    }
}

/// Where a consent came from. Today: how it was collected. Designed to grow: when events
/// (trade shows) exist, a `Event(id)` variant filters by the event a capture belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// Collected this way (kiosk, desk, paper, import, or a withdrawal channel).
    Method(Method),
    /// Answered at this event (trade show), at its kiosk or on its paper forms: the person's
    /// current state for a purpose they were asked about there (even if they withdrew later).
    Event(String),
}

/// Which consents to export. Empty lists mean "all"; the date range applies to the time
/// of the event that set the current state (`since`), both ends included.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Purpose codes.
    pub purposes: Vec<String>,
    /// Current states.
    pub states: Vec<ConsentState>,
    /// Sources (see [`Source`]).
    pub sources: Vec<Source>,
    /// From this instant.
    pub from: Option<DateTime<FixedOffset>>,
    /// Up to this instant.
    pub to: Option<DateTime<FixedOffset>>,
}

/// One person × purpose with its current state.
struct Current {
    subject_id: String,
    /// Masked (name, email, phone, company), as stored.
    masked: [Option<String>; 4],
    /// Unmasked (name, normalised email, normalised phone, company): only for `Plain`.
    plain: [Option<String>; 4],
    email_norm: Option<String>,
    phone_norm: Option<String>,
    email_sha256: Option<String>,
    phone_sha256: Option<String>,
    erased: bool,
    purpose: String,
    state: ConsentState,
    since: DateTime<FixedOffset>,
    event_id: String,
    notice_hash: Option<String>,
    method: Method,
    receipt_id: Option<String>,
}

/// Every person × purpose; with `Plain`, each person's details opened (admin and legal).
fn current_all(w: &mut Write<'_>, identity: Identity) -> Result<Vec<Current>> {
    let mut rows = current_masked(&w.tx)?;
    if identity == Identity::Plain {
        let mut opened: std::collections::HashMap<String, [Option<String>; 4]> = Default::default();
        for c in rows.iter_mut().filter(|c| !c.erased) {
            if let Some(p) = opened.get(&c.subject_id) {
                c.plain = p.clone();
                continue;
            }
            let d = subject::details(w, &c.subject_id)?;
            let email = d.email.as_deref().map(|e| normalize_email(e).unwrap_or_else(|| e.to_string()));
            let phone = d.phone.as_deref().map(|p| normalize_phone(p).unwrap_or_else(|| p.to_string()));
            c.plain = [d.name, email, phone, d.company];
            opened.insert(c.subject_id.clone(), c.plain.clone());
        }
    }
    Ok(rows)
}

fn current_masked(conn: &Connection) -> Result<Vec<Current>> {
    let ctx = "read current consents";
    let sql =
        "SELECT s.id, s.name_masked, s.email_norm, s.phone_norm, s.company_masked, s.email_sha256, s.phone_sha256,
                s.erased_at_ms IS NOT NULL, e.purpose_code, e.kind, e.captured_at_ms, e.utc_offset_min, e.event_id,
                e.notice_hash, e.method, (SELECT receipt_id FROM receipt_event re WHERE re.event_id = e.event_id),
                s.email_masked, s.phone_masked
         FROM consent_current e
         JOIN subject s ON s.id = e.subject_id
         ORDER BY s.created_at_ms, s.id, e.purpose_code";
    let mut stmt = conn.prepare(sql).storage(ctx)?;
    let rows = stmt
        .query_map([], |r| {
            let kind: EventKind = column(r, 9)?;
            Ok(Current {
                subject_id: r.get(0)?,
                masked: [r.get(1)?, r.get(16)?, r.get(17)?, r.get(4)?],
                plain: Default::default(),
                email_norm: r.get(2)?,
                phone_norm: r.get(3)?,
                email_sha256: r.get(5)?,
                phone_sha256: r.get(6)?,
                erased: r.get(7)?,
                purpose: r.get(8)?,
                state: match kind {
                    EventKind::Grant => ConsentState::Granted,
                    EventKind::Refuse => ConsentState::Refused,
                    EventKind::Withdraw => ConsentState::Withdrawn,
                },
                since: from_parts(r.get(10)?, r.get(11)?),
                event_id: r.get(12)?,
                notice_hash: r.get(13)?,
                method: column(r, 14)?,
                receipt_id: r.get(15)?,
            })
        })
        .storage(ctx)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().storage(ctx)
}

impl Current {
    fn email_hash(&self) -> Option<Cow<'_, str>> {
        self.email_norm
            .as_deref()
            .map(|e| Cow::Owned(sha256_hex(e)))
            .or_else(|| self.email_sha256.as_deref().map(Cow::Borrowed))
    }
    fn phone_hash(&self) -> Option<Cow<'_, str>> {
        self.phone_norm
            .as_deref()
            .map(|p| Cow::Owned(sha256_hex(p)))
            .or_else(|| self.phone_sha256.as_deref().map(Cow::Borrowed))
    }
    /// (name, email, phone, company) as the identity mode allows; `None` when not given or hashed.
    fn person(&self, identity: Identity) -> [Option<&str>; 4] {
        match identity {
            Identity::Hashed => [None, None, None, None],
            Identity::Plain => self.plain.each_ref().map(Option::as_deref),
            Identity::Masked => self.masked.each_ref().map(Option::as_deref),
        }
    }
}

/// Checks that the role may see people this way; unmasked needs admin or legal (the
/// denial is audited like any other).
fn check_identity(session: &mut Session, action: Action, identity: Identity) -> Result<()> {
    if identity == Identity::Plain {
        session.check(Action::RevealSubject)?;
    }
    session.check(action)
}

/// The suppression list: everyone whose current state for a purpose is refused or
/// withdrawn, erased people included (by their kept hashes). `purpose` narrows it to one.
/// `Hashed` gives only SHA-256 of the normalised email and phone.
pub fn suppression_list(
    session: &mut Session,
    format: Format,
    identity: Identity,
    purpose: Option<&str>,
) -> Result<String> {
    check_identity(session, Action::ExportSuppression, identity)?;
    let purpose = purpose.map(str::trim).filter(|p| !p.is_empty()).map(str::to_string);
    session.write(Action::ExportSuppression, |w| {
        let rows: Vec<Current> = current_all(w, identity)?
            .into_iter()
            .filter(|c| c.state != ConsentState::Granted)
            .filter(|c| purpose.as_ref().is_none_or(|p| &c.purpose == p))
            .collect();
        let out = render_suppression(&rows, format, identity);
        w.audit("suppression.export", "", format!("{} rows, {}, {}", rows.len(), identity.as_str(), fmt_name(format)));
        Ok(out)
    })
}

fn fmt_name(f: Format) -> &'static str {
    match f {
        Format::Csv => "csv",
        Format::Json => "json",
    }
}

fn render_suppression(rows: &[Current], format: Format, identity: Identity) -> String {
    let hashed = identity == Identity::Hashed;
    match format {
        Format::Csv => {
            let mut out = String::new();
            let header: &[&str] = if hashed {
                &["subject_id", "email_sha256", "phone_sha256", "purpose", "state", "since", "erased"]
            } else {
                &["subject_id", "email", "phone", "email_sha256", "phone_sha256", "purpose", "state", "since", "erased"]
            };
            write_record(&mut out, header);
            for c in rows {
                let [_, email, phone, _] = c.person(identity);
                let (eh, ph) = (c.email_hash().unwrap_or_default(), c.phone_hash().unwrap_or_default());
                let since = c.since.to_rfc3339();
                let erased = if c.erased { "true" } else { "false" };
                if hashed {
                    write_record(
                        &mut out,
                        &[c.subject_id.as_str(), &eh, &ph, &c.purpose, c.state.as_str(), &since, erased],
                    );
                } else {
                    write_record(
                        &mut out,
                        &[
                            c.subject_id.as_str(),
                            email.unwrap_or_default(),
                            &phone_cell(phone.unwrap_or_default()),
                            &eh,
                            &ph,
                            &c.purpose,
                            c.state.as_str(),
                            &since,
                            erased,
                        ],
                    );
                }
            }
            out
        }
        Format::Json => {
            let items: Vec<Value> = rows
                .iter()
                .map(|c| {
                    let [_, email, phone, _] = c.person(identity);
                    let mut v = json!({
                        "subject_id": c.subject_id,
                        "email_sha256": c.email_hash(),
                        "phone_sha256": c.phone_hash(),
                        "purpose": c.purpose,
                        "state": c.state.as_str(),
                        "since": c.since.to_rfc3339(),
                        "erased": c.erased,
                    });
                    if !hashed {
                        v["email"] = json!(email);
                        v["phone"] = json!(phone);
                    }
                    v
                })
                .collect();
            pretty(&Value::Array(items))
        }
    }
}

pub(crate) fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|_| "[]".into());
    s.push('\n');
    s
}

/// Consents for CRM systems: one row per person and purpose with its current state,
/// filtered (see [`ExportFilter`]). Audited with the number of rows and how people appear.
pub fn export_consents(
    session: &mut Session,
    filter: &ExportFilter,
    format: Format,
    identity: Identity,
) -> Result<String> {
    check_identity(session, Action::ExportConsents, identity)?;
    if let (Some(f), Some(t)) = (filter.from, filter.to) {
        if f > t {
            return Err(Error::from(&msg::RANGE_ENDS_BEFORE_START));
        }
    }
    session.write(Action::ExportConsents, |w| {
        let at_events = asked_at_events(&w.tx, filter)?;
        let rows: Vec<Current> =
            current_all(w, identity)?.into_iter().filter(|c| keep(c, filter, &at_events)).collect();
        let out = render_consents(&rows, format, identity);
        w.audit("consent.export", "", format!("{} rows, {}, {}", rows.len(), identity.as_str(), fmt_name(format)));
        Ok(out)
    })
}

/// The (person, purpose) pairs asked at the events the filter names.
fn asked_at_events(conn: &Connection, f: &ExportFilter) -> Result<std::collections::HashSet<(String, String)>> {
    let mut out = std::collections::HashSet::new();
    for s in &f.sources {
        if let Source::Event(id) = s {
            crate::capture::event_exists(conn, id)?;
            let mut stmt = conn
                .prepare(
                    "SELECT DISTINCT e.subject_id, e.purpose_code FROM capture_detail c
                     JOIN receipt_event re ON re.receipt_id = c.receipt_id
                     JOIN consent_event e ON e.id = re.event_id
                     WHERE c.event_id = ?1",
                )
                .storage("filter by event")?;
            let rows = stmt.query_map([id.trim()], |r| Ok((r.get(0)?, r.get(1)?))).storage("filter by event")?;
            for row in rows {
                out.insert(row.storage("filter by event")?);
            }
        }
    }
    Ok(out)
}

fn keep(c: &Current, f: &ExportFilter, at_events: &std::collections::HashSet<(String, String)>) -> bool {
    let source = |s: &Source| match s {
        Source::Method(m) => *m == c.method,
        Source::Event(_) => at_events.contains(&(c.subject_id.clone(), c.purpose.clone())),
    };
    (f.purposes.is_empty() || f.purposes.iter().any(|p| p.trim() == c.purpose))
        && (f.states.is_empty() || f.states.contains(&c.state))
        && (f.sources.is_empty() || f.sources.iter().any(source))
        && f.from.is_none_or(|from| c.since >= from)
        && f.to.is_none_or(|to| c.since <= to)
}

const CONSENT_COLUMNS: [&str; 16] = [
    "subject_id",
    "name",
    "email",
    "phone",
    "company",
    "email_sha256",
    "phone_sha256",
    "purpose",
    "state",
    "dpv_status",
    "since",
    "method",
    "notice_hash",
    "event_id",
    "receipt_id",
    "erased",
];

/// The cells of one consent row, borrowed from the row (the time, formatted, and the two
/// hashes, which may be computed, are the caller's).
fn consent_cells<'a>(c: &'a Current, identity: Identity, since: &'a str, hashes: [&'a str; 2]) -> [&'a str; 16] {
    let [name, email, phone, company] = c.person(identity);
    [
        &c.subject_id,
        name.unwrap_or_default(),
        email.unwrap_or_default(),
        phone.unwrap_or_default(),
        company.unwrap_or_default(),
        hashes[0],
        hashes[1],
        &c.purpose,
        c.state.as_str(),
        c.state.dpv(),
        since,
        c.method.as_str(),
        c.notice_hash.as_deref().unwrap_or_default(),
        &c.event_id,
        c.receipt_id.as_deref().unwrap_or_default(),
        if c.erased { "true" } else { "false" },
    ]
}

fn render_consents(rows: &[Current], format: Format, identity: Identity) -> String {
    // Each row's cells, handed to `f` (so nothing is copied out of the row but the time).
    let with_cells = |c: &Current, f: &mut dyn FnMut(&[&str; 16])| {
        let since = c.since.to_rfc3339();
        let (eh, ph) = (c.email_hash(), c.phone_hash());
        f(&consent_cells(c, identity, &since, [eh.as_deref().unwrap_or_default(), ph.as_deref().unwrap_or_default()]));
    };
    match format {
        Format::Csv => {
            let mut out = CsvWriter::default();
            out.record(&CONSENT_COLUMNS);
            for c in rows {
                with_cells(c, &mut |cells| {
                    // The phone as a spreadsheet shows it whole (see `csv::phone_cell`).
                    let phone = phone_cell(cells[3]);
                    let mut cells = *cells;
                    cells[3] = &phone;
                    out.record(&cells);
                });
            }
            out.finish()
        }
        Format::Json => {
            let items: Vec<Value> = rows
                .iter()
                .map(|c| {
                    let mut o = serde_json::Map::new();
                    with_cells(c, &mut |cells| {
                        for (k, val) in CONSENT_COLUMNS.iter().zip(cells) {
                            let val = match *k {
                                "erased" => json!(c.erased),
                                _ if val.is_empty() => Value::Null,
                                _ => json!(val),
                            };
                            o.insert((*k).to_string(), val);
                        }
                    });
                    Value::Object(o)
                })
                .collect();
            pretty(&Value::Array(items))
        }
    }
}
/// Reads a bound of an export filter as both doors accept it: an RFC 3339 instant, or a
/// day (`2026-05-01`) taken in the offset of `now` (the session's clock) from its first
/// millisecond, or to its last when `end_of_day`.
pub fn day_or_time(text: &str, end_of_day: bool, now: DateTime<FixedOffset>) -> Result<DateTime<FixedOffset>> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at);
    }
    let bad = || Error::from(msg::NOT_A_DATE_OR_TIME.with("value", text));
    let day = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())?;
    let t = if end_of_day { day.and_hms_milli_opt(23, 59, 59, 999) } else { day.and_hms_opt(0, 0, 0) };
    t.and_then(|t| t.and_local_timezone(*now.offset()).single()).ok_or_else(bad)
}
