//! What the CLI prints. Each `--json` shape is a transport type defined here, at the
//! boundary, and documented in docs/cli-json.md; the engine's types never serialize.

use consentry::audit::AuditEntry;
use consentry::ledger::{ConsentEvent, PurposeStatus, Recorded, SubjectStatus};
use consentry::notice::NoticeVersion;
use consentry::operator::Operator;
use consentry::purpose::{DataCategory, Purpose};
use consentry::subject::SubjectView;
use serde::Serialize;

mod events;
mod rights;
mod verify;

pub use events::*;
pub use rights::*;
pub use verify::*;

#[derive(Serialize)]
pub struct ErrorJson<'a> {
    pub error: ErrorBody<'a>,
}

#[derive(Serialize)]
pub struct ErrorBody<'a> {
    pub kind: &'a str,
    pub message: String,
    /// Why a bundle was refused (`bundle_refused` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
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
        OperatorJson { id: o.id.to_string(), name: o.name.clone(), role: o.role.as_str(), disabled: o.disabled }
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
    pub state: &'static str,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
}

impl NoticeJson {
    pub fn new(v: &NoticeVersion, with_body: bool) -> Self {
        NoticeJson {
            id: v.id.to_string(),
            hash: v.hash.clone(),
            title: v.title.clone(),
            language: v.language.as_str(),
            state: v.state.as_str(),
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
            id: s.id.to_string(),
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
            subject_id: r.subject_id.to_string(),
            new_subject: r.new_subject,
            at: r.at.to_rfc3339(),
            events: r
                .events
                .iter()
                .map(|e| EventRefJson {
                    id: e.id.to_string(),
                    kind: e.kind.as_str(),
                    purpose: e.purpose.clone(),
                    seq: e.seq,
                    hash: e.hash.clone(),
                })
                .collect(),
            receipt_id: r.receipt_id.to_string(),
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
            event_id: p.event_id.to_string(),
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
    pub language: Option<&'static str>,
    pub captured_at: String,
    pub operator_id: String,
    pub method: &'static str,
    pub evidence: String,
    pub hash: String,
}

impl From<&ConsentEvent> for EventJson {
    fn from(e: &ConsentEvent) -> Self {
        EventJson {
            id: e.id.to_string(),
            device_id: e.device_id.to_string(),
            seq: e.seq,
            kind: e.kind.as_str(),
            purpose: e.purpose.clone(),
            notice_hash: e.notice_hash.clone(),
            language: e.language.map(|l| l.as_str()),
            captured_at: e.captured_at.to_rfc3339(),
            operator_id: e.operator_id.to_string(),
            method: e.method.as_str(),
            evidence: e.evidence.clone(),
            hash: e.hash.clone(),
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
            actor_id: a.actor_id.to_string(),
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

// ---- Printers for the top-level commands ----

/// An engine error on stderr: its JSON shape with `--json`, else `error: …`.
pub fn error(e: &consentry::Error, json: bool) {
    if json {
        let body = ErrorJson {
            error: ErrorBody {
                kind: e.kind(),
                message: e.to_string(),
                reason: match e {
                    consentry::Error::BundleRefused { reason, .. } => Some(reason.as_str()),
                    _ => None,
                },
            },
        };
        match serde_json::to_string(&body) {
            Ok(s) => eprintln!("{s}"),
            Err(_) => eprintln!("error: {e}"),
        }
    } else {
        eprintln!("error: {e}");
    }
}

/// A new vault and its one-time recovery key (copied into a plain string only for `--json`).
pub fn vault_created(vault: &std::path::Path, admin: &str, device_id: &str, recovery_key: &str, json: bool) {
    if json {
        print_json(&InitJson {
            vault: vault.display().to_string(),
            admin: admin.to_string(),
            device_id: device_id.to_string(),
            recovery_key: recovery_key.to_string(),
        });
    } else {
        println!("Created vault {} with administrator {admin}.", vault.display());
        println!();
        println!("Recovery key (shown once; write it down and keep it apart from this computer):");
        println!();
        println!("    {recovery_key}");
        println!();
        println!("It sets a new passphrase with `consentry recover` if one is forgotten.");
    }
}

pub fn passphrase_changed() {
    eprintln!("Passphrase changed. The old one no longer opens the vault.");
}

pub fn recovered(name: &str) {
    eprintln!("New passphrase set for {name}. Keep the recovery key safe: it still works.");
}

pub fn audit_log(entries: &[AuditEntry], json: bool) {
    if json {
        print_json(&entries.iter().map(AuditJson::from).collect::<Vec<_>>());
    } else {
        for e in entries {
            println!(
                "{:>6}  {}  {}  {}  {}  {}",
                e.seq,
                e.at.to_rfc3339(),
                pad(&e.actor_name, 12),
                pad(&e.action, 26),
                e.target,
                e.detail
            );
        }
    }
}

pub fn operator_added(op: &Operator, json: bool) {
    if json {
        print_json(&OperatorJson::from(op));
    } else {
        println!("Added {} as {}.", op.name, op.role);
    }
}

pub fn operators(ops: &[Operator], json: bool) {
    if json {
        print_json(&ops.iter().map(OperatorJson::from).collect::<Vec<_>>());
    } else {
        for o in ops {
            println!(
                "{}  {}  {}",
                pad(&o.name, 20),
                pad(o.role.as_str(), 9),
                if o.disabled { "disabled" } else { "active" }
            );
        }
    }
}

pub fn operator_disabled(name: &str) {
    eprintln!("Disabled {name}: their passphrase no longer opens the vault.");
}

pub fn operator_reset(name: &str) {
    eprintln!("New passphrase set for {name}.");
}

pub fn purpose_added(p: &Purpose, json: bool) {
    if json {
        print_json(&PurposeJson::from(p));
    } else {
        println!("Added purpose {} ({} / {}).", p.code, p.name_zh, p.name_en);
    }
}

pub fn purposes(list: &[Purpose], json: bool) {
    if json {
        print_json(&list.iter().map(PurposeJson::from).collect::<Vec<_>>());
    } else if list.is_empty() {
        println!("No purposes yet. Add one with `consentry purpose add CODE --zh 名称 --en Name`.");
    } else {
        for p in list {
            println!(
                "{}  {}  {}  {}  {}{}",
                pad(&p.code, 22),
                pad(&p.name_zh, 16),
                pad(&p.name_en, 26),
                pad(p.legal_basis.as_str(), 18),
                if p.necessary { "necessary" } else { "optional" },
                p.separate_consent.map(|s| format!("  separate: {s}")).unwrap_or_default()
            );
        }
    }
}

pub fn category_added(c: &DataCategory, json: bool) {
    if json {
        print_json(&CategoryJson::from(c));
    } else {
        println!("Added data category {} ({} / {}).", c.code, c.name_zh, c.name_en);
    }
}

pub fn categories(list: &[DataCategory], json: bool) {
    if json {
        print_json(&list.iter().map(CategoryJson::from).collect::<Vec<_>>());
    } else if list.is_empty() {
        println!("No data categories yet. Add one with `consentry category add CODE --zh 名称 --en Name`.");
    } else {
        for c in list {
            println!(
                "{}  {}  {}  {}",
                pad(&c.code, 22),
                pad(&c.name_zh, 16),
                pad(&c.name_en, 26),
                c.sensitive.map(|s| format!("sensitive: {s}")).unwrap_or_default()
            );
        }
    }
}

pub fn notice_registered(v: &NoticeVersion, json: bool) {
    if json {
        print_json(&NoticeJson::new(v, false));
    } else {
        println!("Registered \"{}\" ({}), approved.\nhash {}", v.title, v.language, v.hash);
    }
}

pub fn notice_versions(list: &[NoticeVersion], json: bool) {
    if json {
        print_json(&list.iter().map(|v| NoticeJson::new(v, false)).collect::<Vec<_>>());
    } else if list.is_empty() {
        println!("No notice versions yet. Register one with `consentry notice register --file F --language zh-CN --title T`.");
    } else {
        for v in list {
            println!("{}  {}  {}  {}", short(&v.hash), pad(v.language.as_str(), 5), pad(v.state.as_str(), 9), v.title);
        }
    }
}

pub fn notice_version(v: &NoticeVersion, json: bool) {
    if json {
        print_json(&NoticeJson::new(v, true));
    } else {
        println!(
            "{}\n{} · {} · {}\nhash {}\n\n{}",
            v.title,
            v.language,
            v.state,
            v.created_at.to_rfc3339(),
            v.hash,
            v.body
        );
    }
}

/// What a capture, withdrawal or paper form recorded, and its receipt.
pub fn recorded(r: &Recorded, json: bool) {
    if json {
        print_json(&RecordedJson::from(r));
    } else {
        for e in &r.events {
            println!(
                "Recorded {} of {} for person {} (event {}, seq {}).",
                e.kind, e.purpose, r.subject_id, e.id, e.seq
            );
        }
        println!("Receipt {} (consentry receipt show {} --format html).", r.receipt_id, r.receipt_id);
    }
}

/// The one-line header naming a person.
pub fn subject(s: &SubjectView) {
    let parts: Vec<&str> = [&s.name, &s.email, &s.phone, &s.company].iter().filter_map(|v| v.as_deref()).collect();
    println!("Person {}  {}{}", s.id, parts.join("  "), if s.masked { "  (masked)" } else { "" });
}

pub fn status(st: &SubjectStatus, json: bool) {
    if json {
        print_json(&StatusJson::from(st));
        return;
    }
    subject(&st.subject);
    if st.purposes.is_empty() {
        println!("No consent events for this person yet.");
    }
    for p in &st.purposes {
        println!(
            "  {}  {}  since {}  notice {}",
            pad(&p.purpose, 22),
            pad(p.state.as_str(), 9),
            p.since.to_rfc3339(),
            p.notice_hash.as_deref().map(short).unwrap_or("-")
        );
    }
}

pub fn history(person: &SubjectView, events: &[ConsentEvent], json: bool) {
    if json {
        print_json(&HistoryJson { subject: person.into(), events: events.iter().map(EventJson::from).collect() });
        return;
    }
    subject(person);
    for e in events {
        println!(
            "  {}  {}  {}  via {}  notice {}  {}",
            e.captured_at.to_rfc3339(),
            pad(e.kind.as_str(), 8),
            pad(&e.purpose, 22),
            pad(e.method.as_str(), 9),
            e.notice_hash.as_deref().map(short).unwrap_or("-"),
            e.evidence
        );
    }
}
