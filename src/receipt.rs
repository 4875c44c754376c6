//! Receipts: the person's copy of what was recorded together (one capture of a person, one
//! withdrawal, or one person's rows of an import). A receipt has a short id to read out on
//! the phone (10 characters of Crockford base32, 50 random bits) and is rendered as JSON
//! carrying the Kantara Consent Receipt v1.1 fields and the ISO/IEC TS 27560 record fields
//! (plus the notice hash), and as a printable page in Simplified Chinese and English.
//!
//! The documents are built here, in the engine, so that the CLI and the app hand out the
//! same bytes; they are file formats, not transport types. Controller and withdrawal details
//! come from the notice version's processing profile, read tolerantly (every key optional).

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::error::{Error, Result, StorageContext};
use crate::ledger::{row_to_event, ConsentEvent, EventKind, EventRef, EVENT_SELECT};
use crate::notice::{self, NoticeVersion};
use crate::operator::Action;
use crate::purpose::{self, Purpose};
use crate::rights::html::{escape, page};
use crate::session::{Session, Write};
use crate::subject::{self, SubjectKey, SubjectView};
use crate::time::{from_parts, offset_minutes};

/// The Kantara Consent Receipt version these receipts follow.
pub const KANTARA_VERSION: &str = "KI-CR-v1.1.0";
/// The schema version of the ISO/IEC TS 27560 record fields.
pub const RECORD_SCHEMA_VERSION: &str = "ISO/IEC TS 27560:2023";

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// What a receipt records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceiptKind {
    /// A person's grants and refusals, captured together.
    Capture,
    /// A withdrawal of one or more purposes.
    Withdrawal,
    /// One person's rows of a CSV import (historic or paper consents).
    Import,
}

impl ReceiptKind {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptKind::Capture => "capture",
            ReceiptKind::Withdrawal => "withdrawal",
            ReceiptKind::Import => "import",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "withdrawal" => ReceiptKind::Withdrawal,
            "import" => ReceiptKind::Import,
            _ => ReceiptKind::Capture,
        }
    }
}

/// One event on a receipt, with its purpose and notice.
#[derive(Debug, Clone)]
pub struct ReceiptLine {
    /// The event as stored.
    pub event: ConsentEvent,
    /// The purpose from the catalogue.
    pub purpose: Purpose,
    /// The notice version the event points at, if any.
    pub notice: Option<NoticeVersion>,
}

/// A receipt, ready to render.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// The short id.
    pub id: String,
    /// Capture, withdrawal or import.
    pub kind: ReceiptKind,
    /// The person, always masked.
    pub subject: SubjectView,
    /// When it was issued.
    pub issued_at: DateTime<FixedOffset>,
    /// Who recorded it (operator id).
    pub operator_id: String,
    /// The events, in chain order.
    pub lines: Vec<ReceiptLine>,
}

/// A new receipt id: 10 Crockford base32 characters (50 random bits).
fn new_id() -> Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|_| {
        Error::invalid("The system's random source failed.", "Try again; if it repeats, restart the computer.")
    })?;
    let mut n = u64::from_be_bytes(bytes) >> 14;
    let mut out = [0u8; 10];
    for c in out.iter_mut().rev() {
        *c = CROCKFORD[(n & 31) as usize];
        n >>= 5;
    }
    Ok(out.iter().map(|&b| char::from(b)).collect())
}

/// Reads a receipt id as people type it: any case, dashes and spaces ignored, and the
/// Crockford look-alikes I, L (as 1) and O (as 0).
pub fn normalize_id(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect()
}

/// Issues a receipt for events just written, inside the caller's transaction.
pub(crate) fn issue(w: &mut Write<'_>, kind: ReceiptKind, subject_id: &str, events: &[EventRef]) -> Result<String> {
    let ctx = "issue a receipt";
    let mut id = new_id()?;
    for _ in 0..5 {
        let taken: bool =
            w.tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM receipt WHERE id = ?1)")
                .and_then(|mut s| s.query_row([&id], |r| r.get(0)))
                .storage(ctx)?;
        if !taken {
            break;
        }
        id = new_id()?;
    }
    w.tx.prepare_cached(
        "INSERT INTO receipt (id, kind, subject_id, created_at_ms, utc_offset_min, operator_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| {
        s.execute(params![id, kind.as_str(), subject_id, w.now.timestamp_millis(), offset_minutes(&w.now), w.operator.id])
    })
    .storage(ctx)?;
    let mut link =
        w.tx.prepare_cached("INSERT INTO receipt_event (receipt_id, event_id) VALUES (?1, ?2)").storage(ctx)?;
    for e in events {
        link.execute(params![id, e.id]).storage(ctx)?;
    }
    Ok(id)
}

/// The receipt that holds an event, if any (events recorded before receipts existed have none).
pub(crate) fn of_event(conn: &Connection, event_id: &str) -> Result<Option<String>> {
    conn.query_row("SELECT receipt_id FROM receipt_event WHERE event_id = ?1", [event_id], |r| r.get(0))
        .optional()
        .storage("read a receipt")
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Receipt> {
    let ctx = "read a receipt";
    let id = normalize_id(id);
    let head: Option<(String, String, i64, i32, String)> = conn
        .query_row(
            "SELECT kind, subject_id, created_at_ms, utc_offset_min, operator_id FROM receipt WHERE id = ?1",
            [&id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()
        .storage(ctx)?;
    let Some((kind, subject_id, at_ms, offset, operator_id)) = head else {
        return Err(Error::NotFound {
            what: "receipt",
            key: id,
            fix: "Check the 10 characters on the person's receipt; the person's history lists their receipts.",
        });
    };
    let subject = subject::lookup(conn, &SubjectKey::Id(subject_id.clone()))?
        .ok_or_else(|| subject::not_found(&SubjectKey::Id(subject_id)))?
        .view(true);
    let mut stmt = conn
        .prepare(&format!(
            "{EVENT_SELECT} WHERE id IN (SELECT event_id FROM receipt_event WHERE receipt_id = ?1) ORDER BY device_id, seq"
        ))
        .storage(ctx)?;
    let events =
        stmt.query_map([&id], row_to_event).storage(ctx)?.collect::<rusqlite::Result<Vec<_>>>().storage(ctx)?;
    let mut lines = Vec::with_capacity(events.len());
    for event in events {
        let purpose = purpose::find_purpose(conn, &event.purpose)?.ok_or(Error::Storage { context: ctx })?;
        let notice = match &event.notice_hash {
            Some(h) => notice::find_in(conn, h)?,
            None => None,
        };
        lines.push(ReceiptLine { event, purpose, notice });
    }
    Ok(Receipt {
        id,
        kind: ReceiptKind::parse(&kind),
        subject,
        issued_at: from_parts(at_ms, offset),
        operator_id,
        lines,
    })
}

/// Finds a receipt by its id (any role: the kiosk prints the one it just made).
pub fn show(session: &mut Session, id: &str) -> Result<Receipt> {
    session.read(Action::ShowReceipt, |conn| load(conn, id))
}

/// The controller and channels a notice's processing profile states (every key optional).
struct Profile(Value);

impl Profile {
    fn of(receipt: &Receipt) -> Self {
        let v = receipt
            .lines
            .iter()
            .filter_map(|l| l.notice.as_ref())
            .find_map(|n| serde_json::from_str::<Value>(&n.profile).ok().filter(Value::is_object))
            .unwrap_or(Value::Null);
        Profile(v)
    }
    fn text(&self, path: &[&str]) -> Option<String> {
        let mut v = &self.0;
        for p in path {
            v = v.get(p)?;
        }
        v.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
    }
    /// The codes in a list of strings, such as `categories`.
    fn codes(&self, key: &str) -> Vec<String> {
        let list = self.0.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        list.iter().filter_map(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
    }
    /// The names of the other handlers (`recipients[].name`) or overseas recipients
    /// (`transfers[].recipient`), as "zh / en".
    fn parties(&self, list: &str, name: &str) -> Vec<String> {
        let items = self.0.get(list).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        items
            .iter()
            .filter_map(|item| Profile(item.clone()).both(&[name]))
            .map(|(z, e)| if z == e { z } else { format!("{z} / {e}") })
            .collect()
    }
    /// The retention stated for each purpose or category, in English.
    fn retention(&self) -> Vec<String> {
        let items = self.0.get("retention").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        items
            .iter()
            .filter_map(|item| {
                let r = Profile(item.clone());
                Some(format!("{}: {}", r.text(&["applies_to"])?, r.both(&["period"])?.1))
            })
            .collect()
    }
    /// A bilingual value: (zh, en), each falling back to the other.
    fn both(&self, path: &[&str]) -> Option<(String, String)> {
        let mut zh = path.to_vec();
        zh.push("zh");
        let mut en = path.to_vec();
        en.push("en");
        match (self.text(&zh), self.text(&en), self.text(path)) {
            (Some(z), Some(e), _) => Some((z, e)),
            (Some(z), None, _) => Some((z.clone(), z)),
            (None, Some(e), _) => Some((e.clone(), e)),
            (None, None, Some(s)) => Some((s.clone(), s)),
            _ => None,
        }
    }
}

const NOT_STATED: &str = "not stated";

fn state_of(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Grant => "granted",
        EventKind::Refuse => "refused",
        EventKind::Withdraw => "withdrawn",
    }
}

fn dpv_state(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Grant => "dpv:ConsentGiven",
        EventKind::Refuse => "dpv:ConsentRefused",
        EventKind::Withdraw => "dpv:ConsentWithdrawn",
    }
}

fn collection_method(r: &Receipt) -> String {
    let mut methods: Vec<&str> = r.lines.iter().map(|l| l.event.method.as_str()).collect();
    methods.dedup();
    let what = match r.kind {
        ReceiptKind::Capture => "Explicit choice per purpose, recorded",
        ReceiptKind::Withdrawal => "Withdrawal received",
        ReceiptKind::Import => "Historic record imported",
    };
    format!("{what} via {} (Consentry)", methods.join(", "))
}

fn withdrawal_method(p: &Profile, id: &str) -> (String, String) {
    let (zh, en) = p.both(&["withdrawal_channel"]).unwrap_or_else(|| {
        (
            "告诉我们的任何工作人员，或联系个人信息处理者".into(),
            "Tell any of our staff, or contact the controller".into(),
        )
    });
    (
        format!("{zh}（请提供回执编号 {id}），撤回与同意一样便捷，立即生效。"),
        format!("{en} (quote receipt {id}); withdrawing is as easy as consenting and takes effect at once."),
    )
}

/// The receipt as JSON: the Kantara Consent Receipt v1.1 fields at the top level, the
/// ISO/IEC TS 27560 record under `iso27560`, and the notice hash of every line.
pub fn to_json(r: &Receipt) -> Value {
    let p = Profile::of(r);
    let controller_name = p.both(&["controller", "name"]);
    let contact = p.text(&["controller", "contact"]).unwrap_or_else(|| NOT_STATED.into());
    let address = p.both(&["controller", "address"]).map(|(z, e)| if z == e { z } else { format!("{z} / {e}") });
    let jurisdiction = p.text(&["jurisdiction"]).unwrap_or_else(|| NOT_STATED.into());
    let email = if contact.contains('@') { contact.clone() } else { NOT_STATED.into() };
    let controller = json!({
        "piiController": controller_name.as_ref().map(|(z, e)| if z == e { z.clone() } else { format!("{z} / {e}") }).unwrap_or_else(|| NOT_STATED.into()),
        "onBehalf": false,
        "contact": contact,
        "address": address.clone().unwrap_or_else(|| NOT_STATED.into()),
        "email": email,
        "phone": NOT_STATED,
    });
    // The data categories, other handlers and retention the notice's profile states.
    let mut categories = p.codes("categories");
    if categories.is_empty() {
        categories.push(NOT_STATED.to_string());
    }
    let recipients = p.parties("recipients", "name");
    let overseas = p.parties("transfers", "recipient");
    let retention = p.retention();
    let language = r
        .lines
        .iter()
        .find_map(|l| l.event.language.clone().or_else(|| l.notice.as_ref().map(|n| n.language.as_str().to_string())));
    let language = language.unwrap_or_else(|| "zh-CN".into());
    let (_, withdraw_en) = withdrawal_method(&p, &r.id);
    let purposes: Vec<Value> = r
        .lines
        .iter()
        .map(|l| {
            let named = match l.purpose.separate_consent {
                Some(crate::purpose::SeparateConsent::ThirdParty) => Some(&recipients),
                Some(crate::purpose::SeparateConsent::CrossBorder) => Some(&overseas),
                _ => None,
            };
            let third = named.is_some();
            let mut v = json!({
                "purpose": format!("{} / {}", l.purpose.name_zh, l.purpose.name_en),
                "purposeCategory": [l.purpose.dpv.clone().unwrap_or_else(|| l.purpose.code.clone())],
                "consentType": "EXPLICIT",
                "piiCategory": categories,
                "primaryPurpose": l.purpose.necessary,
                "termination": withdraw_en,
                "thirdPartyDisclosure": third,
                "purposeCode": l.purpose.code,
                "consentState": state_of(l.event.kind),
                "noticeHash": l.event.notice_hash,
            });
            if let Some(names) = named {
                v["thirdPartyName"] = json!(if names.is_empty() { NOT_STATED.to_string() } else { names.join("; ") });
            }
            v
        })
        .collect();
    let sensitive =
        r.lines.iter().any(|l| l.purpose.separate_consent == Some(crate::purpose::SeparateConsent::Sensitive));
    let notice_hashes: Vec<String> = {
        let mut h: Vec<String> = r.lines.iter().filter_map(|l| l.event.notice_hash.clone()).collect();
        h.sort();
        h.dedup();
        h
    };
    let policy_url =
        notice_hashes.first().map(|h| format!("urn:consentry:notice:sha256:{h}")).unwrap_or_else(|| NOT_STATED.into());
    let iso = json!({
        "schema_version": RECORD_SCHEMA_VERSION,
        "record_id": r.id,
        "receipt_id": r.id,
        "pii_principal_id": r.subject.id,
        "privacy_notice": notice_hashes.iter().map(|h| json!({"hash": h, "url": format!("urn:consentry:notice:sha256:{h}")})).collect::<Vec<_>>(),
        "language": language,
        "purposes": r.lines.iter().map(|l| json!({
            "purpose": l.purpose.code,
            "purpose_type": l.purpose.dpv,
            "lawful_basis": l.purpose.legal_basis.as_str(),
        })).collect::<Vec<_>>(),
        "pii_information": categories.iter().map(|c| json!({"pii_type": c})).collect::<Vec<_>>(),
        "pii_controllers": [{
            "party_id": controller_name.as_ref().map(|(_, e)| e.clone()).unwrap_or_else(|| NOT_STATED.into()),
            "party_name": controller_name.as_ref().map(|(z, e)| format!("{z} / {e}")).unwrap_or_else(|| NOT_STATED.into()),
            "party_address": address.unwrap_or_else(|| NOT_STATED.into()),
            "party_contact": p.text(&["controller", "contact"]).unwrap_or_else(|| NOT_STATED.into()),
            "party_type": "organisation",
            "party_role": "controller",
        }],
        "collection_method": collection_method(r),
        "storage_locations": ["Consentry encrypted vault on the recording device"],
        "retention_period": if retention.is_empty() { NOT_STATED.to_string() } else { retention.join("; ") },
        "jurisdiction": jurisdiction,
        "recipient_third_parties": recipients.iter().chain(&overseas).collect::<Vec<_>>(),
        "withdrawal_method": withdraw_en,
        "privacy_rights": p.both(&["rights_channel"]).map(|(_, e)| e).unwrap_or_else(|| NOT_STATED.into()),
        "events": r.lines.iter().map(|l| json!({
            "event_time": l.event.captured_at.to_rfc3339(),
            "validity_duration": "until withdrawn",
            "entity_id": l.event.operator_id,
            "event_type": l.event.kind.as_str(),
            "event_state": dpv_state(l.event.kind),
            "event_id": l.event.id,
            "purpose": l.purpose.code,
            "notice_hash": l.event.notice_hash,
            "method": l.event.method.as_str(),
            "device_id": l.event.device_id,
            "seq": l.event.seq,
            "hash": l.event.hash,
        })).collect::<Vec<_>>(),
    });
    json!({
        "version": KANTARA_VERSION,
        "jurisdiction": p.text(&["jurisdiction"]).unwrap_or_else(|| NOT_STATED.into()),
        "consentTimestamp": r.lines.first().map(|l| l.event.captured_at.timestamp()).unwrap_or_else(|| r.issued_at.timestamp()),
        "collectionMethod": collection_method(r),
        "consentReceiptID": r.id,
        "language": language,
        "piiPrincipalId": r.subject.id,
        "piiControllers": [controller],
        "policyUrl": policy_url,
        "services": [{"service": "Consentry consent record", "purposes": purposes}],
        "sensitive": sensitive,
        "spiCat": if sensitive { vec!["sensitive personal information (PIPL Art. 28)"] } else { Vec::new() },
        "receiptKind": r.kind.as_str(),
        "issuedAt": r.issued_at.to_rfc3339(),
        "noticeHashes": notice_hashes,
        "iso27560": iso,
    })
}

fn kind_words(kind: EventKind) -> (&'static str, &'static str) {
    match kind {
        EventKind::Grant => ("同意", "Agreed"),
        EventKind::Refuse => ("拒绝", "Refused"),
        EventKind::Withdraw => ("撤回", "Withdrawn"),
    }
}

/// The person's printable copy, in Simplified Chinese and English.
pub fn to_html(r: &Receipt) -> String {
    let p = Profile::of(r);
    let (title_zh, title_en) = match r.kind {
        ReceiptKind::Capture => ("同意回执", "Consent receipt"),
        ReceiptKind::Withdrawal => ("撤回同意回执", "Withdrawal receipt"),
        ReceiptKind::Import => ("同意记录回执（导入）", "Consent record receipt (imported)"),
    };
    let mut b = String::new();
    b.push_str(&format!("<h1>{title_zh} <span class=\"en\">{title_en}</span></h1>\n"));
    b.push_str(&format!(
        "<p>回执编号 <span class=\"en\">Receipt ID</span><br><span class=\"id\">{}</span></p>\n",
        escape(&r.id)
    ));
    b.push_str(&format!(
        "<p>签发时间 <span class=\"en\">Issued</span>: {}</p>\n",
        escape(&r.issued_at.format("%Y-%m-%d %H:%M %:z").to_string())
    ));
    let who: Vec<String> =
        [&r.subject.name, &r.subject.email, &r.subject.phone].iter().filter_map(|v| v.as_deref()).map(escape).collect();
    b.push_str(&format!(
        "<p>个人 <span class=\"en\">Person</span>: {} <span class=\"muted\">({})</span></p>\n",
        if who.is_empty() { "—".into() } else { who.join(" · ") },
        escape(&r.subject.id)
    ));
    let (cz, ce) = p.both(&["controller", "name"]).unwrap_or_else(|| ("未说明".into(), NOT_STATED.into()));
    b.push_str(&format!(
        "<p>个人信息处理者 <span class=\"en\">Controller</span>: {} <span class=\"en\">{}</span>{}</p>\n",
        escape(&cz),
        escape(&ce),
        p.text(&["controller", "contact"]).map(|c| format!(" · {}", escape(&c))).unwrap_or_default()
    ));
    b.push_str("<h2>记录内容 <span class=\"en\">What was recorded</span></h2>\n<table>\n<tr><th>目的 <span class=\"en\">Purpose</span></th><th>选择 <span class=\"en\">Choice</span></th><th>时间 <span class=\"en\">Time</span></th><th>告知书 <span class=\"en\">Notice</span></th></tr>\n");
    for l in &r.lines {
        let (kz, ke) = kind_words(l.event.kind);
        let notice = match (&l.notice, &l.event.notice_hash) {
            (Some(n), _) => format!(
                "{} ({})<br><code>{}</code>",
                escape(&n.title),
                escape(n.language.as_str()),
                escape(&n.hash[..16.min(n.hash.len())])
            ),
            (None, Some(h)) => format!("<code>{}</code>", escape(h)),
            (None, None) => "—".into(),
        };
        b.push_str(&format!(
            "<tr><td>{} <span class=\"en\">{}</span></td><td><strong>{kz}</strong> <span class=\"en\">{ke}</span></td><td>{}</td><td>{notice}</td></tr>\n",
            escape(&l.purpose.name_zh),
            escape(&l.purpose.name_en),
            escape(&l.event.captured_at.format("%Y-%m-%d %H:%M %:z").to_string()),
        ));
    }
    b.push_str("</table>\n");
    let (wz, we) = withdrawal_method(&p, &r.id);
    b.push_str(&format!(
        "<h2>如何撤回 <span class=\"en\">How to withdraw</span></h2>\n<p>{}</p>\n<p class=\"en\">{}</p>\n",
        escape(&wz),
        escape(&we)
    ));
    let (rz, re) = p.both(&["rights_channel"]).unwrap_or_else(|| {
        (
            "您可以查阅、复制、更正、删除您的个人信息。".into(),
            "You may access, copy, correct and delete your personal information.".into(),
        )
    });
    b.push_str(&format!(
        "<h2>您的权利 <span class=\"en\">Your rights</span></h2>\n<p>{}</p>\n<p class=\"en\">{}</p>\n",
        escape(&rz),
        escape(&re)
    ));
    b.push_str(&format!(
        "<p class=\"muted\">本回执由 Consentry 生成；每项记录都以其哈希值存于防篡改账本中。 This receipt was produced by Consentry; each record is kept in a tamper-evident ledger under its hash. {}</p>\n",
        escape(KANTARA_VERSION)
    ));
    page("zh-CN", &format!("{title_zh} {title_en} {}", r.id), &b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_ten_crockford_characters() {
        for _ in 0..50 {
            let id = new_id().unwrap();
            assert_eq!(id.len(), 10);
            assert!(id.bytes().all(|b| CROCKFORD.contains(&b)), "{id}");
            assert_eq!(normalize_id(&id.to_lowercase()), id);
        }
        assert_eq!(normalize_id("abc-de ol i"), "ABCDE011");
    }
}
