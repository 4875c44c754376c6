//! What the CLI prints. Each `--json` shape is a transport type defined here, at the
//! boundary, and documented in docs/cli-json.md; the engine's types never serialize.

use consentry::audit::AuditEntry;
use consentry::ledger::{ConsentEvent, PurposeStatus, Recorded, SubjectStatus};
use consentry::notice::NoticeVersion;
use consentry::operator::Operator;
use consentry::purpose::{DataCategory, Purpose};
use consentry::subject::SubjectView;
use consentry::verify::{Chain, Report};
use serde::Serialize;

#[derive(Serialize)]
pub struct ErrorJson<'a> {
    pub error: ErrorBody<'a>,
}

#[derive(Serialize)]
pub struct ErrorBody<'a> {
    pub kind: &'a str,
    pub message: String,
}

#[derive(Serialize)]
pub struct InitJson {
    pub vault: String,
    pub admin: String,
    pub device_id: String,
    pub recovery_key: String,
}

#[derive(Serialize)]
pub struct OperatorJson {
    pub id: String,
    pub name: String,
    pub role: &'static str,
    pub disabled: bool,
}

impl From<&Operator> for OperatorJson {
    fn from(o: &Operator) -> Self {
        OperatorJson { id: o.id.clone(), name: o.name.clone(), role: o.role.as_str(), disabled: o.disabled }
    }
}

#[derive(Serialize)]
pub struct PurposeJson {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub legal_basis: &'static str,
    pub necessary: bool,
    pub separate_consent: Option<&'static str>,
    pub dpv: Option<String>,
}

impl From<&Purpose> for PurposeJson {
    fn from(p: &Purpose) -> Self {
        PurposeJson {
            code: p.code.clone(),
            name_zh: p.name_zh.clone(),
            name_en: p.name_en.clone(),
            legal_basis: p.legal_basis.as_str(),
            necessary: p.necessary,
            separate_consent: p.separate_consent.map(|s| s.as_str()),
            dpv: p.dpv.clone(),
        }
    }
}

#[derive(Serialize)]
pub struct CategoryJson {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub sensitive: Option<&'static str>,
}

impl From<&DataCategory> for CategoryJson {
    fn from(c: &DataCategory) -> Self {
        CategoryJson {
            code: c.code.clone(),
            name_zh: c.name_zh.clone(),
            name_en: c.name_en.clone(),
            sensitive: c.sensitive.map(|s| s.as_str()),
        }
    }
}

#[derive(Serialize)]
pub struct NoticeJson {
    pub id: String,
    pub hash: String,
    pub title: String,
    pub language: &'static str,
    pub state: String,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl NoticeJson {
    pub fn new(v: &NoticeVersion, with_body: bool) -> Self {
        NoticeJson {
            id: v.id.clone(),
            hash: v.hash.clone(),
            title: v.title.clone(),
            language: v.language.as_str(),
            state: v.state.clone(),
            created_at: v.created_at.to_rfc3339(),
            body: with_body.then(|| v.body.clone()),
        }
    }
}

#[derive(Serialize)]
pub struct SubjectJson {
    pub id: String,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub masked: bool,
    pub erased: bool,
}

impl From<&SubjectView> for SubjectJson {
    fn from(s: &SubjectView) -> Self {
        SubjectJson {
            id: s.id.clone(),
            name: s.name.clone(),
            email: s.email.clone(),
            phone: s.phone.clone(),
            company: s.company.clone(),
            masked: s.masked,
            erased: s.erased,
        }
    }
}

#[derive(Serialize)]
pub struct RecordedJson {
    pub subject_id: String,
    pub new_subject: bool,
    pub at: String,
    pub events: Vec<EventRefJson>,
    pub receipt_id: String,
}

#[derive(Serialize)]
pub struct EventRefJson {
    pub id: String,
    pub kind: &'static str,
    pub purpose: String,
    pub seq: i64,
    pub hash: String,
}

impl From<&Recorded> for RecordedJson {
    fn from(r: &Recorded) -> Self {
        RecordedJson {
            subject_id: r.subject_id.clone(),
            new_subject: r.new_subject,
            at: r.at.to_rfc3339(),
            events: r
                .events
                .iter()
                .map(|e| EventRefJson {
                    id: e.id.clone(),
                    kind: e.kind.as_str(),
                    purpose: e.purpose.clone(),
                    seq: e.seq,
                    hash: e.hash.clone(),
                })
                .collect(),
            receipt_id: r.receipt_id.clone(),
        }
    }
}

#[derive(Serialize)]
pub struct StatusJson {
    pub subject: SubjectJson,
    pub purposes: Vec<PurposeStatusJson>,
}

#[derive(Serialize)]
pub struct PurposeStatusJson {
    pub purpose: String,
    pub state: &'static str,
    pub dpv_status: &'static str,
    pub since: String,
    pub event_id: String,
    pub notice_hash: Option<String>,
}

impl From<&PurposeStatus> for PurposeStatusJson {
    fn from(p: &PurposeStatus) -> Self {
        PurposeStatusJson {
            purpose: p.purpose.clone(),
            state: p.state.as_str(),
            dpv_status: p.state.dpv(),
            since: p.since.to_rfc3339(),
            event_id: p.event_id.clone(),
            notice_hash: p.notice_hash.clone(),
        }
    }
}

impl From<&SubjectStatus> for StatusJson {
    fn from(s: &SubjectStatus) -> Self {
        StatusJson { subject: (&s.subject).into(), purposes: s.purposes.iter().map(Into::into).collect() }
    }
}

#[derive(Serialize)]
pub struct HistoryJson {
    pub subject: SubjectJson,
    pub events: Vec<EventJson>,
}

#[derive(Serialize)]
pub struct EventJson {
    pub id: String,
    pub device_id: String,
    pub seq: i64,
    pub kind: &'static str,
    pub purpose: String,
    pub notice_hash: Option<String>,
    pub language: Option<String>,
    pub captured_at: String,
    pub operator_id: String,
    pub method: &'static str,
    pub evidence: String,
    pub hash: String,
}

impl From<&ConsentEvent> for EventJson {
    fn from(e: &ConsentEvent) -> Self {
        EventJson {
            id: e.id.clone(),
            device_id: e.device_id.clone(),
            seq: e.seq,
            kind: e.kind.as_str(),
            purpose: e.purpose.clone(),
            notice_hash: e.notice_hash.clone(),
            language: e.language.clone(),
            captured_at: e.captured_at.to_rfc3339(),
            operator_id: e.operator_id.clone(),
            method: e.method.as_str(),
            evidence: e.evidence.clone(),
            hash: e.hash.clone(),
        }
    }
}

#[derive(Serialize)]
pub struct VerifyJson {
    pub intact: bool,
    pub events_checked: u64,
    pub devices: u64,
    pub audit_entries_checked: u64,
    pub problems: Vec<ProblemJson>,
}

#[derive(Serialize)]
pub struct ProblemJson {
    pub chain: &'static str,
    pub device_id: Option<String>,
    pub seq: i64,
    pub event_id: Option<String>,
    pub message: String,
}

impl From<&Report> for VerifyJson {
    fn from(r: &Report) -> Self {
        VerifyJson {
            intact: r.is_intact(),
            events_checked: r.events_checked,
            devices: r.devices,
            audit_entries_checked: r.audit_entries_checked,
            problems: r
                .problems
                .iter()
                .map(|p| {
                    let (chain, device_id) = match &p.chain {
                        Chain::Ledger { device_id } => ("ledger", Some(device_id.clone())),
                        Chain::Audit => ("audit", None),
                    };
                    ProblemJson {
                        chain,
                        device_id,
                        seq: p.seq,
                        event_id: p.event_id.clone(),
                        message: p.message.clone(),
                    }
                })
                .collect(),
        }
    }
}

#[derive(Serialize)]
pub struct AuditJson {
    pub seq: i64,
    pub at: String,
    pub actor_id: String,
    pub actor_name: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub hash: String,
}

impl From<&AuditEntry> for AuditJson {
    fn from(a: &AuditEntry) -> Self {
        AuditJson {
            seq: a.seq,
            at: a.at.to_rfc3339(),
            actor_id: a.actor_id.clone(),
            actor_name: a.actor_name.clone(),
            action: a.action.clone(),
            target: a.target.clone(),
            detail: a.detail.clone(),
            hash: a.hash.clone(),
        }
    }
}

/// Prints a value as pretty JSON.
pub fn print_json<T: Serialize>(value: &T) {
    match serde_json::to_string_pretty(value) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("error: could not encode the result as JSON ({e})"),
    }
}

/// Pads a column, counting CJK characters as two columns wide.
pub fn pad(text: &str, width: usize) -> String {
    let w: usize = text
        .chars()
        .map(|c| if ('\u{2e80}'..='\u{9fff}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c) { 2 } else { 1 })
        .sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

pub fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

// ---- Data-subject rights (issue 6) ----

#[derive(Serialize)]
pub struct ErasedJson {
    pub subject_id: String,
    pub erased: bool,
    pub withdrawn: Option<RecordedJson>,
}

#[derive(Serialize)]
pub struct RowErrorJson {
    pub line: usize,
    pub column: Option<String>,
    pub reason: String,
}

#[derive(Serialize)]
pub struct ImportJson {
    pub committed: bool,
    pub rows: usize,
    pub events: usize,
    pub people: usize,
    pub new_people: usize,
    pub receipts: Vec<String>,
    pub errors: Vec<RowErrorJson>,
    pub more_errors: usize,
}

impl From<&consentry::rights::ImportReport> for ImportJson {
    fn from(r: &consentry::rights::ImportReport) -> Self {
        ImportJson {
            committed: r.committed(),
            rows: r.rows,
            events: r.events,
            people: r.people,
            new_people: r.new_people,
            receipts: r.receipts.clone(),
            errors: r
                .errors
                .iter()
                .map(|e| RowErrorJson { line: e.line, column: e.column.clone(), reason: e.reason.clone() })
                .collect(),
            more_errors: r.more_errors,
        }
    }
}

#[derive(Serialize)]
pub struct RetentionJson {
    pub purpose: String,
    pub review_days: Option<u32>,
    pub delete_days: Option<u32>,
}

#[derive(Serialize)]
pub struct DueJson {
    pub subject: SubjectJson,
    pub purpose: String,
    pub state: &'static str,
    pub since: String,
    pub due: &'static str,
    pub due_at: String,
}
