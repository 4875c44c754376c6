//! Import of historic or paper consents from CSV: every row is checked, and either every
//! row is recorded or none is; the report names each bad row (by its line in the file) and
//! why.
//!
//! The file's first line names the columns (any order, case-insensitive):
//! `purpose`, `decision` (grant, refuse or withdraw) and `captured_at` are required, and
//! `email` or `phone` (or both); `name`, `company`, `notice` (needed for grants and
//! refusals: the version's hash, 8+ characters, or the notice's name and version number such
//! as `trade-show-2026 v3`, when `language` says which of its two wordings the person read),
//! `language` and `evidence` are optional. A file with faults is refused with all of them: every
//! fault of the header at once, or every bad row (the first 1,000, and how many more).
//!
//! **Ordering.** Imported events keep the time the person actually chose (`captured_at`:
//! RFC 3339, or a date `YYYY-MM-DD` read as midnight at this device's offset) and are
//! appended to this device's chain in the order they are recorded (by person, oldest first).
//! Status always follows `captured_at`, never the chain order, so a historic grant never
//! overrides a later withdrawal already in the vault; a tie at the same instant goes to the
//! more protective state.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::csv::{self, Record};
use super::erasure::sha256_hex;
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages::{self as msg, Message};
use crate::domain::Action;
use crate::domain::Language;
use crate::ledger::receipt::{self, ReceiptKind};
use crate::ledger::{self, append, batch_detail, check_time, EventKind, EventRef, Method, NewEvent};
use crate::notice;
use crate::notice::workflow::State;
use crate::purpose;
use crate::session::{Session, Write};
use crate::subject::{self, normalize_email, normalize_phone, SubjectInput};
use rusqlite::OptionalExtension;

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 100_000;
/// The largest file accepted.
pub const MAX_BYTES: usize = 32 * 1024 * 1024;
const MAX_ERRORS: usize = 1000;

/// Where the records come from; recorded as each event's method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provenance {
    /// Signed paper forms.
    Paper,
    /// An earlier system.
    Import,
}

impl std::str::FromStr for Provenance {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "paper" => Ok(Provenance::Paper),
            "import" => Ok(Provenance::Import),
            _ => Err(msg::NOT_ONE_OF.with("value", s.trim()).with("options", "paper, import").into()),
        }
    }
}

impl Provenance {
    fn method(self) -> Method {
        match self {
            Provenance::Paper => Method::Paper,
            Provenance::Import => Method::Import,
        }
    }
}

/// One bad row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The line in the file (the header is line 1).
    pub line: usize,
    /// The column concerned, if one.
    pub column: Option<String>,
    /// What is wrong and how to fix it, in both languages.
    pub reason: Message,
}

/// What an import did, or why it did nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: usize,
    /// Events written (0 when refused).
    pub events: usize,
    /// People the rows belong to.
    pub people: usize,
    /// People added by this import.
    pub new_people: usize,
    /// One receipt per person.
    pub receipts: Vec<String>,
    /// Bad rows; when there is any, nothing was written.
    pub errors: Vec<RowError>,
    /// Bad rows beyond the ones listed.
    pub more_errors: usize,
}

impl ImportReport {
    /// Whether the rows were recorded.
    pub fn committed(&self) -> bool {
        self.errors.is_empty()
    }
}

/// The columns every file must have (besides `email` or `phone`).
pub const REQUIRED: [&str; 3] = ["purpose", "decision", "captured_at"];

/// Every column a file may have.
pub const COLUMNS: [&str; 10] =
    ["email", "phone", "name", "company", "purpose", "decision", "notice", "language", "captured_at", "evidence"];

struct Planned {
    line: usize,
    person: SubjectInput,
    key: String,
    purpose: String,
    kind: EventKind,
    notice_hash: Option<String>,
    language: Option<Language>,
    at: DateTime<FixedOffset>,
    evidence: String,
}

fn refused(line: usize, column: Option<&str>, reason: impl Into<Message>) -> ImportReport {
    ImportReport {
        errors: vec![RowError { line, column: column.map(str::to_string), reason: reason.into() }],
        ..ImportReport::default()
    }
}

/// Reads an import file from disk, refusing one larger than [`MAX_BYTES`] without reading it
/// all (a sparse file, `/dev/zero`).
pub fn read_import_file(path: &std::path::Path) -> Result<Vec<u8>> {
    crate::files::read_at_most(path, MAX_BYTES as u64, |n| {
        crate::domain::Error::from(
            msg::IMPORT_TOO_LARGE.with("path", path.display()).with("max_mib", MAX_BYTES >> 20).with("bytes", n),
        )
    })
}

/// Imports a CSV file (legal and marketers). All or nothing: with any bad row nothing is
/// written and the report lists the bad rows.
pub fn import_consents(session: &mut Session, bytes: &[u8], provenance: Provenance) -> Result<ImportReport> {
    session.check(Action::ImportConsents)?;
    if bytes.len() > MAX_BYTES {
        return Ok(refused(1, None, msg::IMPORT_FILE_TOO_LARGE.with("max_mib", MAX_BYTES >> 20)));
    }
    let records = match csv::parse(bytes) {
        Ok(r) => r,
        Err(e) => return Ok(refused(e.line, None, e.reason)),
    };
    let Some((header, rows)) = records.split_first() else {
        return Ok(refused(1, None, &msg::IMPORT_EMPTY));
    };
    let columns = match read_header(header) {
        Ok(c) => c,
        Err(report) => return Ok(report),
    };
    if rows.is_empty() {
        return Ok(refused(2, None, &msg::IMPORT_NO_ROWS));
    }
    if rows.len() > MAX_ROWS {
        return Ok(refused(rows[MAX_ROWS].line, None, msg::IMPORT_TOO_MANY_ROWS.with("max", MAX_ROWS)));
    }
    let mut rejected: Option<ImportReport> = None;
    let outcome = session.write(Action::ImportConsents, |w| {
        let (planned, errors) = plan(w, &columns, rows)?;
        if !errors.is_empty() {
            let more = errors.len().saturating_sub(MAX_ERRORS);
            let mut errors = errors;
            errors.truncate(MAX_ERRORS);
            rejected = Some(ImportReport { rows: rows.len(), errors, more_errors: more, ..ImportReport::default() });
            // Rolls the transaction back: nothing of this file is written.
            return Err(Error::from(&msg::IMPORT_REFUSED));
        }
        record(w, planned, provenance, rows.len())
    });
    if let Some(report) = rejected {
        return Ok(report);
    }
    outcome
}

/// Reads the header; a header with faults is refused with all of them (unknown columns,
/// columns given twice, required ones missing), so one round of fixes is enough.
fn read_header(header: &Record) -> std::result::Result<HashMap<&'static str, usize>, ImportReport> {
    let mut columns = HashMap::new();
    let mut errors = Vec::new();
    let mut bad = |column: Option<&str>, reason: Message| {
        errors.push(RowError { line: header.line, column: column.map(str::to_string), reason });
    };
    for (i, raw) in header.cells.iter().enumerate() {
        let name = raw.trim().to_ascii_lowercase();
        let Some(known) = COLUMNS.iter().find(|c| **c == name) else {
            bad(Some(raw), msg::IMPORT_UNKNOWN_COLUMN.with("column", raw).with("columns", COLUMNS.join(", ")));
            continue;
        };
        if columns.insert(*known, i).is_some() {
            bad(Some(raw), msg::IMPORT_COLUMN_TWICE.with("column", raw));
        }
    }
    for needed in REQUIRED {
        if !columns.contains_key(needed) {
            bad(Some(needed), msg::IMPORT_COLUMN_MISSING.with("column", needed));
        }
    }
    if !columns.contains_key("email") && !columns.contains_key("phone") {
        bad(None, (&msg::IMPORT_NO_CONTACT_COLUMN).into());
    }
    if errors.is_empty() {
        Ok(columns)
    } else {
        Err(ImportReport { errors, ..ImportReport::default() })
    }
}

fn parse_time(text: &str, now: DateTime<FixedOffset>) -> Option<DateTime<FixedOffset>> {
    let t = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(t) {
        return Some(at);
    }
    let day = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
    day.and_hms_opt(0, 0, 0)?.and_local_timezone(*now.offset()).single()
}

fn decision(text: &str) -> Option<EventKind> {
    match text.trim().to_ascii_lowercase().as_str() {
        "grant" | "granted" | "yes" => Some(EventKind::Grant),
        "refuse" | "refused" | "no" => Some(EventKind::Refuse),
        "withdraw" | "withdrawn" => Some(EventKind::Withdraw),
        _ => None,
    }
}

/// Checks every row; returns the planned events, or the bad rows.
fn plan(
    w: &mut Write<'_>,
    columns: &HashMap<&'static str, usize>,
    rows: &[Record],
) -> Result<(Vec<Planned>, Vec<RowError>)> {
    let mut planned = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    let mut purposes: HashMap<String, bool> = HashMap::new();
    let mut notices: HashMap<String, std::result::Result<String, Message>> = HashMap::new();
    for rec in rows {
        let line = rec.line;
        if rec.cells.len() != columns.len() {
            errors.push(RowError {
                line,
                column: None,
                reason: msg::IMPORT_CELL_COUNT.with("cells", rec.cells.len()).with("columns", columns.len()),
            });
            continue;
        }
        let cell = |name: &str| -> &str { columns.get(name).map(|i| rec.cells[*i].trim()).unwrap_or("") };
        let before = errors.len();
        let mut bad = |column: &str, reason: Message| {
            errors.push(RowError { line, column: Some(column.to_string()), reason });
        };
        let email = cell("email");
        let phone = cell("phone");
        let email_norm = if email.is_empty() {
            None
        } else {
            let n = normalize_email(email);
            if n.is_none() {
                bad("email", (&msg::IMPORT_BAD_EMAIL).into());
            }
            n
        };
        let phone_norm = if phone.is_empty() {
            None
        } else {
            let n = normalize_phone(phone);
            if n.is_none() {
                bad("phone", (&msg::IMPORT_BAD_PHONE).into());
            }
            n
        };
        if email.is_empty() && phone.is_empty() {
            bad("email", (&msg::IMPORT_NO_CONTACT).into());
        }
        let code = cell("purpose").to_string();
        let known = match purposes.get(&code) {
            Some(k) => *k,
            None => {
                let k = !code.is_empty() && purpose::find_purpose(&w.tx, &code)?.is_some();
                purposes.insert(code.clone(), k);
                k
            }
        };
        if !known {
            bad("purpose", msg::IMPORT_UNKNOWN_PURPOSE.with("code", &code));
        }
        let kind = decision(cell("decision"));
        if kind.is_none() {
            bad("decision", msg::IMPORT_BAD_DECISION.with("value", cell("decision")));
        }
        let at = match parse_time(cell("captured_at"), w.now) {
            None => {
                bad("captured_at", msg::NOT_A_DATE_OR_TIME.with("value", cell("captured_at")));
                None
            }
            Some(at) => match check_time(w.now, Some(at), Method::Import) {
                Ok(at) => Some(at),
                Err(_) => {
                    bad("captured_at", (&msg::IMPORT_FUTURE_TIME).into());
                    None
                }
            },
        };
        let language = match cell("language") {
            "" => None,
            l => match Language::parse_tag(l) {
                Ok(l) => Some(l),
                Err(_) => {
                    bad("language", msg::IMPORT_BAD_LANGUAGE.with("value", l));
                    None
                }
            },
        };
        let notice_key = cell("notice");
        let notice_hash = if notice_key.is_empty() {
            if matches!(kind, Some(EventKind::Grant | EventKind::Refuse)) {
                bad("notice", (&msg::IMPORT_NOTICE_NEEDED).into());
            }
            None
        } else {
            let cache_key = format!("{notice_key}\u{0}{}", language.map(Language::as_str).unwrap_or(""));
            let found = match notices.get(&cache_key) {
                Some(f) => f.clone(),
                None => {
                    let f = find_notice(&w.tx, notice_key, language)?;
                    notices.insert(cache_key, f.clone());
                    f
                }
            };
            match found {
                Ok(h) => Some(h),
                Err(reason) => {
                    bad("notice", reason);
                    None
                }
            }
        };
        let evidence = cell("evidence").to_string();
        if evidence.chars().count() > 500 || evidence.chars().any(char::is_control) {
            bad("evidence", (&msg::IMPORT_BAD_EVIDENCE).into());
        }
        if let Some(e) = &email_norm {
            let erased: Option<i64> =
                w.tx.prepare_cached(
                    "SELECT erased_at_ms FROM subject WHERE email_sha256 = ?1 AND erased_at_ms IS NOT NULL LIMIT 1",
                )
                .and_then(|mut s| s.query_row([sha256_hex(e)], |r| r.get(0)))
                .ok();
            if erased.is_some() {
                bad("email", (&msg::IMPORT_ERASED).into());
            }
        }
        if errors.len() > before {
            continue;
        }
        let (Some(kind), Some(at)) = (kind, at) else { continue };
        let key =
            email_norm.clone().map(|e| format!("e:{e}")).or(phone_norm.map(|p| format!("p:{p}"))).unwrap_or_default();
        let text = |name: &str| Some(cell(name).to_string()).filter(|s| !s.is_empty());
        planned.push(Planned {
            line,
            person: SubjectInput {
                name: text("name"),
                email: text("email"),
                phone: text("phone"),
                company: text("company"),
            },
            key,
            purpose: code,
            kind,
            notice_hash,
            language,
            at,
            evidence,
        });
    }
    Ok((planned, errors))
}

/// A notice given by name and version number: `trade-show-2026 v3` (or `trade-show-2026@3`).
fn name_and_number(key: &str) -> Option<(&str, i64)> {
    let (name, number) = match key.split_once('@') {
        Some(split) => split,
        None => {
            let (name, v) = key.rsplit_once(char::is_whitespace)?;
            (name, v.strip_prefix(['v', 'V'])?)
        }
    };
    let number = number.trim().parse().ok().filter(|n| *n >= 1)?;
    Some((name.trim(), number))
}

/// The approved (or retired) wording a row names: by hash (8+ characters) or id, or by
/// notice name and version number, when the row's language picks the wording.
fn find_notice(
    tx: &rusqlite::Transaction<'_>,
    key: &str,
    language: Option<Language>,
) -> Result<std::result::Result<String, Message>> {
    let hash = match name_and_number(key) {
        None => key.to_string(),
        Some((name, number)) => {
            let row: Option<(String, String)> = tx
                .prepare_cached(
                    "SELECT r.hash_zh, r.hash_en FROM notice_revision r JOIN notice n ON n.id = r.notice_id
                     WHERE n.name = ?1 AND r.number = ?2",
                )
                .and_then(|mut st| st.query_row(rusqlite::params![name, number], |r| Ok((r.get(0)?, r.get(1)?))))
                .optional()
                .storage("find a notice by name")?;
            let Some((zh, en)) = row else {
                return Ok(Err(msg::IMPORT_NOTICE_NO_VERSION.with("name", name).with("number", number)));
            };
            match language {
                Some(Language::ZhCn) => zh,
                Some(Language::En) => en,
                None => {
                    return Ok(Err(msg::IMPORT_NOTICE_NEEDS_LANGUAGE.with("name", name).with("number", number)));
                }
            }
        }
    };
    Ok(match notice::find_in(tx, &hash) {
        Ok(Some(v)) if matches!(v.state, State::Approved | State::Retired) => Ok(v.hash),
        Ok(Some(v)) => Err(msg::IMPORT_NOTICE_NOT_APPROVED
            .with("hash", &v.hash[..12])
            .term("state", msg::notice_state(v.state.as_str()))),
        Ok(None) => Err(msg::NOTICE_VERSION_NOT_FOUND.with("key", key)),
        Err(Error::Invalid(m)) => Err(m),
        Err(e) => return Err(e),
    })
}

fn record(w: &mut Write<'_>, planned: Vec<Planned>, provenance: Provenance, rows: usize) -> Result<ImportReport> {
    let method = provenance.method();
    let mut by_person: BTreeMap<(usize, String), Vec<Planned>> = BTreeMap::new();
    let mut first_line: HashMap<String, usize> = HashMap::new();
    for p in planned {
        let first = *first_line.entry(p.key.clone()).or_insert(p.line);
        by_person.entry((first, p.key.clone())).or_default().push(p);
    }
    let mut report = ImportReport { rows, people: by_person.len(), ..ImportReport::default() };
    let mut all: Vec<EventRef> = Vec::with_capacity(rows);
    for (_, mut group) in by_person {
        group.sort_by_key(|p| (p.at, p.line));
        let mut person = SubjectInput::default();
        for p in &group {
            let fill = |slot: &mut Option<String>, v: &Option<String>| {
                if slot.is_none() {
                    slot.clone_from(v);
                }
            };
            fill(&mut person.name, &p.person.name);
            fill(&mut person.email, &p.person.email);
            fill(&mut person.phone, &p.person.phone);
            fill(&mut person.company, &p.person.company);
        }
        let (subject_id, new) = subject::find_or_create(w, &person)?;
        if new {
            report.new_people += 1;
        }
        let mut events: Vec<EventRef> = Vec::with_capacity(group.len());
        for p in &group {
            let notice_hash = match (&p.notice_hash, p.kind) {
                (Some(h), _) => Some(h.clone()),
                (None, EventKind::Withdraw) => ledger::current(&w.tx, &subject_id)?
                    .into_iter()
                    .find(|s| s.purpose == p.purpose)
                    .and_then(|s| s.notice_hash),
                (None, _) => None,
            };
            let language = match (p.language, p.kind, &notice_hash) {
                (_, EventKind::Withdraw, _) => None,
                (Some(l), _, _) => Some(l.as_str().to_string()),
                (None, _, Some(h)) => notice::find_in(&w.tx, h)?.map(|v| v.language.as_str().to_string()),
                (None, _, None) => None,
            };
            events.push(append(
                w,
                &NewEvent {
                    kind: p.kind,
                    subject_id: &subject_id,
                    purpose: &p.purpose,
                    notice_hash: notice_hash.as_deref(),
                    language: language.as_deref(),
                    at: p.at,
                    method,
                    evidence: &p.evidence,
                },
            )?);
        }
        report.events += events.len();
        report.receipts.push(receipt::issue(w, ReceiptKind::Import, &subject_id, &events)?);
        all.extend(events);
    }
    // One audit entry for the whole import, committing to every event's hash.
    if let Some(detail) = batch_detail(&all) {
        w.audit("consent.import", format!("{} people", report.people), detail);
    }
    Ok(report)
}
