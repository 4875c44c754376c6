//! The consent ledger: grants, refusals and withdrawals as append-only rows (the database
//! refuses `UPDATE` and `DELETE`), chained per device by hash over canonical bytes that
//! hold ids, never personal data, so that erasing a person never breaks a chain. Current
//! status is derived from the ledger: the latest event wins, and at the same instant the
//! more protective one (withdraw > refuse > grant).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};

use crate::canonical::Canonical;
use crate::error::{Error, Result, StorageContext};
use crate::notice::{self, Language};
use crate::operator::Action;
use crate::purpose::{self, column, string_enum};
use crate::session::{Session, Write};
use crate::subject::{self, SubjectInput, SubjectKey, SubjectView};
use crate::time::{from_parts, offset_minutes};
use crate::verify::{Chain, Problem};

string_enum!(
    /// What a person said.
    EventKind, "kind of consent event", {
        /// They agreed.
        Grant => "grant",
        /// They said no.
        Refuse => "refuse",
        /// They took back an earlier consent.
        Withdraw => "withdraw",
    }
);

impl EventKind {
    /// Higher is more protective; it wins a tie at the same instant.
    fn protection(self) -> u8 {
        match self {
            EventKind::Grant => 0,
            EventKind::Refuse => 1,
            EventKind::Withdraw => 2,
        }
    }
}

string_enum!(
    /// How the event reached Consentry.
    Method, "collection method", {
        /// Self-service at the kiosk.
        Kiosk => "kiosk",
        /// Entered by staff at the stand or desk.
        Desk => "desk",
        /// From a signed paper form.
        Paper => "paper",
        /// Imported from an earlier system.
        Import => "import",
        /// Told to staff in person (withdrawals).
        InPerson => "in_person",
        /// By email (withdrawals).
        Email => "email",
        /// By phone (withdrawals).
        Phone => "phone",
        /// By letter (withdrawals).
        Letter => "letter",
    }
);

impl Method {
    fn captures(self) -> bool {
        matches!(self, Method::Kiosk | Method::Desk | Method::Paper | Method::Import)
    }
    fn may_backdate(self) -> bool {
        matches!(self, Method::Paper | Method::Import | Method::Letter | Method::Email)
    }
}

/// The current state of one purpose for one person (W3C DPV consent statuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentState {
    /// `dpv:ConsentGiven`.
    Granted,
    /// `dpv:ConsentRefused`.
    Refused,
    /// `dpv:ConsentWithdrawn`.
    Withdrawn,
}

impl ConsentState {
    /// `granted`, `refused` or `withdrawn`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConsentState::Granted => "granted",
            ConsentState::Refused => "refused",
            ConsentState::Withdrawn => "withdrawn",
        }
    }
    /// The W3C DPV status.
    pub fn dpv(self) -> &'static str {
        match self {
            ConsentState::Granted => "dpv:ConsentGiven",
            ConsentState::Refused => "dpv:ConsentRefused",
            ConsentState::Withdrawn => "dpv:ConsentWithdrawn",
        }
    }
    fn of(kind: EventKind) -> Self {
        match kind {
            EventKind::Grant => ConsentState::Granted,
            EventKind::Refuse => ConsentState::Refused,
            EventKind::Withdraw => ConsentState::Withdrawn,
        }
    }
}

impl fmt::Display for ConsentState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One person's choices at one moment, against one notice version.
#[derive(Debug, Clone)]
pub struct Capture {
    /// Who.
    pub subject: SubjectInput,
    /// Purpose codes and what they said to each (grant or refuse).
    pub choices: Vec<(String, EventKind)>,
    /// The notice version shown: hash, hash prefix or id.
    pub notice: String,
    /// The language shown; defaults to the notice's language.
    pub language: Option<Language>,
    /// How it was collected: kiosk, desk, paper or import.
    pub method: Method,
    /// A note or reference, such as the scan of a paper form. Part of the permanent
    /// record: never write personal data here.
    pub evidence: String,
    /// When the person chose; only paper and import records may be dated in the past.
    pub captured_at: Option<DateTime<FixedOffset>>,
}

/// A withdrawal of one, several or all purposes.
#[derive(Debug, Clone)]
pub struct Withdrawal {
    /// Who.
    pub subject: SubjectKey,
    /// Purpose codes; empty means every purpose currently granted.
    pub purposes: Vec<String>,
    /// The channel it came through.
    pub method: Method,
    /// A note (never personal data).
    pub evidence: String,
    /// When the person withdrew, for letters and emails received earlier; defaults to now.
    pub at: Option<DateTime<FixedOffset>>,
}

/// An event as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRef {
    /// Event id.
    pub id: String,
    /// Grant, refuse or withdraw.
    pub kind: EventKind,
    /// Purpose code.
    pub purpose: String,
    /// Position in this device's chain.
    pub seq: i64,
    /// The event's hash, hex.
    pub hash: String,
}

/// What a capture wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The person.
    pub subject_id: String,
    /// Whether the person was new.
    pub new_subject: bool,
    /// The events written, in order.
    pub events: Vec<EventRef>,
    /// The instant recorded.
    pub at: DateTime<FixedOffset>,
}

/// One stored consent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentEvent {
    /// Event id.
    pub id: String,
    /// The device whose chain holds it.
    pub device_id: String,
    /// Its position in that chain.
    pub seq: i64,
    /// Grant, refuse or withdraw.
    pub kind: EventKind,
    /// The person (id only).
    pub subject_id: String,
    /// Purpose code.
    pub purpose: String,
    /// The notice version's hash.
    pub notice_hash: Option<String>,
    /// The language shown.
    pub language: Option<String>,
    /// When, with the device's offset.
    pub captured_at: DateTime<FixedOffset>,
    /// Who recorded it (operator id).
    pub operator_id: String,
    /// How.
    pub method: Method,
    /// Note.
    pub evidence: String,
    /// The event's hash, hex.
    pub hash: String,
}

/// The current state of one purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurposeStatus {
    /// Purpose code.
    pub purpose: String,
    /// Current state.
    pub state: ConsentState,
    /// Since when.
    pub since: DateTime<FixedOffset>,
    /// The event that set it.
    pub event_id: String,
    /// The notice version the person last saw for it.
    pub notice_hash: Option<String>,
}

/// A person's current status across purposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectStatus {
    /// The person, masked.
    pub subject: SubjectView,
    /// One row per purpose with any event, by purpose code.
    pub purposes: Vec<PurposeStatus>,
}

struct NewEvent<'a> {
    kind: EventKind,
    subject_id: &'a str,
    purpose: &'a str,
    notice_hash: Option<&'a str>,
    language: Option<&'a str>,
    at: DateTime<FixedOffset>,
    method: Method,
    evidence: &'a str,
}

const GENESIS: [u8; 32] = [0; 32];

#[allow(clippy::too_many_arguments)]
fn event_hash(
    id: &str,
    device_id: &str,
    seq: i64,
    prev: &[u8],
    kind: &str,
    subject_id: &str,
    purpose: &str,
    notice_hash: Option<&str>,
    language: Option<&str>,
    at_ms: i64,
    offset_min: i32,
    operator_id: &str,
    method: &str,
    evidence: &str,
) -> [u8; 32] {
    let mut c = Canonical::new("consentry/event/v1");
    c.text(id).text(device_id).int(seq).bytes(prev).text(kind).text(subject_id).text(purpose);
    c.opt_text(notice_hash).opt_text(language).int(at_ms).int(i64::from(offset_min));
    c.text(operator_id).text(method).text(evidence);
    c.finish()
}

/// Appends one event to this device's chain, inside the caller's transaction.
fn append(w: &mut Write<'_>, e: &NewEvent<'_>) -> Result<EventRef> {
    let last: Option<(i64, Vec<u8>)> =
        w.tx.query_row(
            "SELECT seq, hash FROM consent_event WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1",
            [w.device_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .storage("append to the ledger")?;
    let (seq, prev) = match last {
        Some((s, h)) => (s + 1, h),
        None => (1, GENESIS.to_vec()),
    };
    let id = uuid::Uuid::now_v7().to_string();
    let at_ms = e.at.timestamp_millis();
    let offset = offset_minutes(&e.at);
    let hash = event_hash(
        &id,
        w.device_id,
        seq,
        &prev,
        e.kind.as_str(),
        e.subject_id,
        e.purpose,
        e.notice_hash,
        e.language,
        at_ms,
        offset,
        &w.operator.id,
        e.method.as_str(),
        e.evidence,
    );
    w.tx.execute(
        "INSERT INTO consent_event (id, device_id, seq, prev_hash, hash, kind, subject_id, purpose_code, notice_hash,
                                    language, captured_at_ms, utc_offset_min, operator_id, method, evidence)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            id,
            w.device_id,
            seq,
            prev,
            hash.as_slice(),
            e.kind.as_str(),
            e.subject_id,
            e.purpose,
            e.notice_hash,
            e.language,
            at_ms,
            offset,
            w.operator.id,
            e.method.as_str(),
            e.evidence
        ],
    )
    .storage("append to the ledger")?;
    Ok(EventRef { id, kind: e.kind, purpose: e.purpose.to_string(), seq, hash: hex::encode(hash) })
}

fn check_time(
    now: DateTime<FixedOffset>,
    at: Option<DateTime<FixedOffset>>,
    method: Method,
) -> Result<DateTime<FixedOffset>> {
    let Some(at) = at else { return Ok(now) };
    if at > now + chrono::Duration::minutes(5) {
        return Err(Error::invalid(
            format!("The time {} is in the future.", at.to_rfc3339()),
            "Give the time the person actually signed or wrote, or leave it out to use now.",
        ));
    }
    if at < now - chrono::Duration::minutes(5) && !method.may_backdate() {
        return Err(Error::invalid(
            format!("Only paper, import, letter and email records may carry an earlier time; this one is {}.", method),
            "Leave out the time, or record it with --method paper and a reference to the form.",
        ));
    }
    Ok(at)
}

fn audit_detail(events: &[EventRef]) -> String {
    events.iter().map(|e| format!("{}:{}", e.id, e.hash)).collect::<Vec<_>>().join(",")
}

/// Records one person's grants and refusals against one notice version, in one
/// transaction: the person (found or created), one event per purpose, and the audit entry.
pub fn record_capture(session: &mut Session, c: &Capture) -> Result<Recorded> {
    session.check(Action::Capture)?;
    if !c.method.captures() {
        return Err(Error::invalid(
            format!("\"{}\" is a withdrawal channel, not a way to collect consent.", c.method),
            "Use kiosk, desk, paper or import.",
        ));
    }
    if c.choices.is_empty() {
        return Err(Error::invalid(
            "No purposes were given.",
            "Name each purpose the person was asked about, with its answer.",
        ));
    }
    if c.choices.iter().any(|(_, k)| *k == EventKind::Withdraw) {
        return Err(Error::invalid(
            "A capture holds grants and refusals only.",
            "Record withdrawals with `consentry withdraw`.",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for (p, _) in &c.choices {
        if !seen.insert(p.trim()) {
            return Err(Error::invalid(format!("Purpose \"{}\" is given twice.", p.trim()), "Give each purpose once."));
        }
    }
    session.write(Action::Capture, |w| {
        let at = check_time(w.now, c.captured_at, c.method)?;
        let version = notice::find_in(&w.tx, &c.notice)?.ok_or_else(|| notice::not_found(&c.notice))?;
        if version.state != "approved" {
            return Err(Error::invalid(
                format!("Notice version {} is {}, not approved.", &version.hash[..12], version.state),
                "Only an approved version may be shown to people: choose an approved one.",
            ));
        }
        let language = c.language.unwrap_or(version.language);
        for (p, _) in &c.choices {
            if purpose::find_purpose(&w.tx, p)?.is_none() {
                return Err(Error::NotFound {
                    what: "purpose",
                    key: p.trim().to_string(),
                    fix: "List purposes with `consentry purpose list`, or add it.",
                });
            }
        }
        let (subject_id, new_subject) = subject::find_or_create(w, &c.subject)?;
        let mut events = Vec::with_capacity(c.choices.len());
        for (p, kind) in &c.choices {
            events.push(append(
                w,
                &NewEvent {
                    kind: *kind,
                    subject_id: &subject_id,
                    purpose: p.trim(),
                    notice_hash: Some(&version.hash),
                    language: Some(language.as_str()),
                    at,
                    method: c.method,
                    evidence: &c.evidence,
                },
            )?);
        }
        w.audit("consent.capture", &subject_id, audit_detail(&events));
        Ok(Recorded { subject_id, new_subject, events, at })
    })
}

/// Records a withdrawal of the given purposes (or of every purpose currently granted).
/// It takes effect at once and never needs more steps than the grant.
pub fn record_withdrawal(session: &mut Session, wd: &Withdrawal) -> Result<Recorded> {
    session.write(Action::Withdraw, |w| {
        let at = check_time(w.now, wd.at, wd.method)?;
        let subject_id = subject::resolve(&w.tx, &wd.subject)?;
        let purposes: Vec<(String, Option<String>)> = if wd.purposes.is_empty() {
            current(&w.tx, &subject_id)?
                .into_iter()
                .filter(|s| s.state == ConsentState::Granted)
                .map(|s| (s.purpose, s.notice_hash))
                .collect()
        } else {
            let now_status: HashMap<String, Option<String>> =
                current(&w.tx, &subject_id)?.into_iter().map(|s| (s.purpose, s.notice_hash)).collect();
            let mut out = Vec::new();
            for p in &wd.purposes {
                let p = p.trim();
                if purpose::find_purpose(&w.tx, p)?.is_none() {
                    return Err(Error::NotFound {
                        what: "purpose",
                        key: p.to_string(),
                        fix: "List purposes with `consentry purpose list`.",
                    });
                }
                out.push((p.to_string(), now_status.get(p).cloned().flatten()));
            }
            out
        };
        if purposes.is_empty() {
            return Err(Error::invalid(
                "This person has no consent in force to withdraw.",
                "Check their status with `consentry status`; name a purpose to record a withdrawal anyway.",
            ));
        }
        let mut events = Vec::with_capacity(purposes.len());
        for (p, notice_hash) in &purposes {
            events.push(append(
                w,
                &NewEvent {
                    kind: EventKind::Withdraw,
                    subject_id: &subject_id,
                    purpose: p,
                    notice_hash: notice_hash.as_deref(),
                    language: None,
                    at,
                    method: wd.method,
                    evidence: &wd.evidence,
                },
            )?);
        }
        w.audit("consent.withdraw", &subject_id, audit_detail(&events));
        Ok(Recorded { subject_id, new_subject: false, events, at })
    })
}

/// The current state of each purpose for one person, derived from the ledger.
pub(crate) fn current(conn: &Connection, subject_id: &str) -> Result<Vec<PurposeStatus>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT purpose_code, kind, captured_at_ms, utc_offset_min, id, notice_hash
             FROM consent_event WHERE subject_id = ?1
             ORDER BY purpose_code, captured_at_ms DESC,
                      CASE kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END DESC",
        )
        .storage("read consent status")?;
    let mut rows = stmt.query([subject_id]).storage("read consent status")?;
    let mut out: Vec<PurposeStatus> = Vec::new();
    let mut last_notice: BTreeMap<String, Option<String>> = BTreeMap::new();
    while let Some(r) = rows.next().storage("read consent status")? {
        let purpose: String = r.get(0).storage("read consent status")?;
        let notice_hash: Option<String> = r.get(5).storage("read consent status")?;
        if out.last().is_some_and(|s| s.purpose == purpose) {
            continue;
        }
        let kind: EventKind = column(r, 1).storage("read consent status")?;
        last_notice.insert(purpose.clone(), notice_hash.clone());
        out.push(PurposeStatus {
            purpose,
            state: ConsentState::of(kind),
            since: from_parts(r.get(2).storage("read consent status")?, r.get(3).storage("read consent status")?),
            event_id: r.get(4).storage("read consent status")?,
            notice_hash,
        });
    }
    debug_assert!(EventKind::Withdraw.protection() > EventKind::Grant.protection());
    Ok(out)
}

/// A person's current status per purpose (masked view of the person).
pub fn status(session: &mut Session, key: &SubjectKey) -> Result<SubjectStatus> {
    let subject = subject::view(session, key)?;
    let purposes = session.read(Action::ReadConsents, |conn| current(conn, &subject.id))?;
    Ok(SubjectStatus { subject, purposes })
}

/// Counts for the home screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// People in the vault (erased ones included).
    pub subjects: u64,
    /// Purpose consents currently in force (person × purpose whose latest event is a grant).
    pub active_consents: u64,
    /// Withdrawals recorded with a time in the last seven days.
    pub withdrawals_last_7_days: u64,
    /// Notice versions per workflow state.
    pub notices_by_state: Vec<(String, u64)>,
}

/// Counts for the home screen.
pub fn summary(session: &mut Session) -> Result<Summary> {
    let week_ago = (session.now() - chrono::Duration::days(7)).timestamp_millis();
    session.read(Action::ReadConsents, |conn| {
        let ctx = "count consents";
        let count = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<u64> {
            conn.query_row(sql, p, |r| r.get::<_, i64>(0)).map(|n| u64::try_from(n).unwrap_or(0)).storage(ctx)
        };
        let subjects = count("SELECT count(*) FROM subject", &[])?;
        let active_consents = count(
            "SELECT count(*) FROM (
                 SELECT kind, row_number() OVER (
                     PARTITION BY subject_id, purpose_code
                     ORDER BY captured_at_ms DESC, CASE kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END DESC
                 ) AS rn FROM consent_event
             ) WHERE rn = 1 AND kind = 'grant'",
            &[],
        )?;
        let withdrawals_last_7_days =
            count("SELECT count(*) FROM consent_event WHERE kind = 'withdraw' AND captured_at_ms >= ?1", &[&week_ago])?;
        let mut stmt =
            conn.prepare("SELECT state, count(*) FROM notice_version GROUP BY state ORDER BY state").storage(ctx)?;
        let notices_by_state = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0))))
            .storage(ctx)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .storage(ctx)?;
        Ok(Summary { subjects, active_consents, withdrawals_last_7_days, notices_by_state })
    })
}

/// Every event about one person, oldest first.
pub fn history(session: &mut Session, key: &SubjectKey) -> Result<(SubjectView, Vec<ConsentEvent>)> {
    let subject = subject::view(session, key)?;
    let events = session.read(Action::ReadConsents, |conn| {
        let mut stmt = conn
            .prepare(&format!("{EVENT_SELECT} WHERE subject_id = ?1 ORDER BY captured_at_ms, device_id, seq"))
            .storage("read history")?;
        let rows = stmt.query_map([&subject.id], row_to_event).storage("read history")?;
        rows.collect::<rusqlite::Result<Vec<_>>>().storage("read history")
    })?;
    Ok((subject, events))
}

const EVENT_SELECT: &str =
    "SELECT id, device_id, seq, kind, subject_id, purpose_code, notice_hash, language, captured_at_ms,
        utc_offset_min, operator_id, method, evidence, hash FROM consent_event";

fn row_to_event(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConsentEvent> {
    Ok(ConsentEvent {
        id: r.get(0)?,
        device_id: r.get(1)?,
        seq: r.get(2)?,
        kind: column(r, 3)?,
        subject_id: r.get(4)?,
        purpose: r.get(5)?,
        notice_hash: r.get(6)?,
        language: r.get(7)?,
        captured_at: from_parts(r.get(8)?, r.get(9)?),
        operator_id: r.get(10)?,
        method: column(r, 11)?,
        evidence: r.get(12)?,
        hash: hex::encode(r.get::<_, Vec<u8>>(13)?),
    })
}

/// Walks every device's chain; returns (events checked, devices).
pub(crate) fn verify_chains(conn: &Connection, problems: &mut Vec<Problem>) -> Result<(u64, u64)> {
    let ctx = "verify the ledger";
    let mut stmt = conn
        .prepare(
            "SELECT id, device_id, seq, prev_hash, hash, kind, subject_id, purpose_code, notice_hash, language,
                    captured_at_ms, utc_offset_min, operator_id, method, evidence
             FROM consent_event ORDER BY device_id, seq",
        )
        .storage(ctx)?;
    let mut rows = stmt.query([]).storage(ctx)?;
    let mut checked = 0u64;
    let mut devices = 0u64;
    let mut current_device: Option<String> = None;
    let mut broken = false;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_vec();
    while let Some(r) = rows.next().storage(ctx)? {
        let id: String = r.get(0).storage(ctx)?;
        let device: String = r.get(1).storage(ctx)?;
        if current_device.as_deref() != Some(device.as_str()) {
            devices += 1;
            current_device = Some(device.clone());
            broken = false;
            expected_seq = 1;
            prev = GENESIS.to_vec();
        }
        checked += 1;
        if broken {
            continue;
        }
        let seq: i64 = r.get(2).storage(ctx)?;
        let stored_prev: Vec<u8> = r.get(3).storage(ctx)?;
        let stored: Vec<u8> = r.get(4).storage(ctx)?;
        let mut fail = |msg: String| {
            problems.push(Problem {
                chain: Chain::Ledger { device_id: device.clone() },
                seq,
                event_id: Some(id.clone()),
                message: msg,
            });
            true
        };
        if seq != expected_seq {
            broken = fail(format!(
                "event {id} (device {device}, seq {seq}): expected seq {expected_seq} here; events were deleted or inserted"
            ));
            continue;
        }
        if stored_prev != prev {
            broken = fail(format!(
                "event {id} (device {device}, seq {seq}): does not link to the event before it; events were removed, inserted or reordered"
            ));
            continue;
        }
        let notice_hash: Option<String> = r.get(8).storage(ctx)?;
        let language: Option<String> = r.get(9).storage(ctx)?;
        let recomputed = event_hash(
            &id,
            &device,
            seq,
            &stored_prev,
            &r.get::<_, String>(5).storage(ctx)?,
            &r.get::<_, String>(6).storage(ctx)?,
            &r.get::<_, String>(7).storage(ctx)?,
            notice_hash.as_deref(),
            language.as_deref(),
            r.get(10).storage(ctx)?,
            r.get(11).storage(ctx)?,
            &r.get::<_, String>(12).storage(ctx)?,
            &r.get::<_, String>(13).storage(ctx)?,
            &r.get::<_, String>(14).storage(ctx)?,
        );
        if recomputed.as_slice() != stored.as_slice() {
            broken = fail(format!(
                "event {id} (device {device}, seq {seq}): its contents do not match its hash; it was edited"
            ));
            continue;
        }
        prev = stored;
        expected_seq += 1;
    }
    Ok((checked, devices))
}

/// The audit log and the ledger must agree: every event an audit entry says was written is
/// still in the ledger with the same hash, and every event in the ledger was written
/// through Consentry (an audit entry names it). This finds events deleted from the end of
/// a chain, or appended with well-formed hashes, which the chains alone cannot.
pub(crate) fn verify_against_audit(conn: &Connection, problems: &mut Vec<Problem>) -> Result<()> {
    let ctx = "verify the ledger";
    let mut recorded: HashMap<String, (String, i64)> = HashMap::new();
    {
        let mut audit = conn
            .prepare("SELECT seq, detail FROM audit_entry WHERE action IN ('consent.capture', 'consent.withdraw') ORDER BY seq")
            .storage(ctx)?;
        let mut rows = audit.query([]).storage(ctx)?;
        while let Some(r) = rows.next().storage(ctx)? {
            let audit_seq: i64 = r.get(0).storage(ctx)?;
            let detail: String = r.get(1).storage(ctx)?;
            for item in detail.split(',').filter(|s| !s.is_empty()) {
                if let Some((id, hash)) = item.split_once(':') {
                    recorded.insert(id.to_string(), (hash.to_string(), audit_seq));
                }
            }
        }
    }
    let mut stmt =
        conn.prepare("SELECT id, device_id, seq, hash FROM consent_event ORDER BY device_id, seq").storage(ctx)?;
    let mut rows = stmt.query([]).storage(ctx)?;
    let (mut rewritten, mut unrecorded) = (false, false);
    while let Some(r) = rows.next().storage(ctx)? {
        let id: String = r.get(0).storage(ctx)?;
        let device_id: String = r.get(1).storage(ctx)?;
        let seq: i64 = r.get(2).storage(ctx)?;
        let hash = hex::encode(r.get::<_, Vec<u8>>(3).storage(ctx)?);
        match recorded.remove(&id) {
            Some((h, _)) if h == hash => {}
            Some((_, audit_seq)) if !rewritten => {
                rewritten = true;
                problems.push(Problem {
                    chain: Chain::Ledger { device_id: device_id.clone() },
                    seq,
                    event_id: Some(id.clone()),
                    message: format!("event {id} (device {device_id}, seq {seq}): its hash differs from the one audit entry {audit_seq} recorded; it was rewritten"),
                });
            }
            None if !unrecorded => {
                unrecorded = true;
                problems.push(Problem {
                    chain: Chain::Ledger { device_id: device_id.clone() },
                    seq,
                    event_id: Some(id.clone()),
                    message: format!("event {id} (device {device_id}, seq {seq}): no audit entry records it; it was added outside Consentry"),
                });
            }
            _ => {}
        }
    }
    if let Some((id, (_, audit_seq))) = recorded.into_iter().min_by_key(|(_, (_, s))| *s) {
        problems.push(Problem {
            chain: Chain::Audit,
            seq: audit_seq,
            event_id: Some(id.clone()),
            message: format!(
                "event {id}, recorded by audit entry {audit_seq}, is missing from the ledger; it was deleted"
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn withdrawal_is_most_protective() {
        assert!(EventKind::Withdraw.protection() > EventKind::Refuse.protection());
        assert!(EventKind::Refuse.protection() > EventKind::Grant.protection());
    }
}
