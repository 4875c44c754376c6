//! The access export (PIPL Art. 45, GDPR Art. 15): everything the vault holds about one
//! person — their details, their current status per purpose, and every event with its
//! notice version and receipt — as JSON and as a readable page in Chinese and English.
//! Admin and legal only; it is unmasked, so each export is audited.

use serde_json::{json, Value};

use super::export::pretty;
use crate::domain::error::{Result, StorageContext};
use crate::domain::html::{escape, page};
use crate::domain::time::from_parts;
use crate::domain::{Action, Language, ReceiptId};
use crate::ledger::receipt;
use crate::ledger::{self, row_to_event, ConsentEvent, PurposeStatus, EVENT_SELECT};
use crate::notice;
use crate::purpose::{self, Purpose};
use crate::session::Session;
use crate::subject::{self, SubjectKey, SubjectView};

/// One event with what it points at.
#[derive(Debug, Clone)]
pub struct AccessEvent {
    /// The event.
    pub event: ConsentEvent,
    /// The purpose.
    pub purpose: Option<Purpose>,
    /// The notice version's title and language, if the event names one.
    pub notice: Option<(String, String)>,
    /// The receipt it was recorded under.
    pub receipt_id: Option<ReceiptId>,
}

/// What was kept beside one capture at an event: (receipt, event name, guardian's name,
/// whether a signature image is held, the scan reference of a paper form).
pub type CaptureKept = (String, Option<String>, Option<String>, bool, Option<String>);

/// Everything held about one person.
#[derive(Debug, Clone)]
pub struct AccessReport {
    /// The person, unmasked (or erased).
    pub subject: SubjectView,
    /// When they were added.
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
    /// Current state per purpose.
    pub status: Vec<PurposeStatus>,
    /// Every event, oldest first.
    pub events: Vec<AccessEvent>,
    /// Their job title, if collected at an event.
    pub job_title: Option<String>,
    /// What was kept beside each capture at an event.
    pub captures: Vec<CaptureKept>,
    /// When this report was made.
    pub generated_at: chrono::DateTime<chrono::FixedOffset>,
}

/// Builds the access report for one person (admin and legal; audited).
pub fn access_report(session: &mut Session, key: &SubjectKey) -> Result<AccessReport> {
    session.write(Action::ExportAccess, |w| {
        let ctx = "export a person's data";
        let row = subject::lookup(&w.tx, w.index(), key)?.ok_or_else(|| subject::not_found(key))?;
        let id = row.id.clone();
        let details = subject::details(w, &id)?;
        let created_ms: i64 =
            w.tx.query_row("SELECT created_at_ms FROM subject WHERE id = ?1", [&id], |r| r.get(0)).storage(ctx)?;
        let status = ledger::current(&w.tx, &id)?;
        let mut stmt =
            w.tx.prepare(&format!("{EVENT_SELECT} WHERE subject_id = ?1 ORDER BY captured_at_ms, device_id, seq"))
                .storage(ctx)?;
        let events =
            stmt.query_map([&id], row_to_event).storage(ctx)?.collect::<rusqlite::Result<Vec<_>>>().storage(ctx)?;
        drop(stmt);
        let mut out = Vec::with_capacity(events.len());
        for event in events {
            let purpose = purpose::find_purpose(&w.tx, &event.purpose)?;
            let notice = match &event.notice_hash {
                Some(h) => notice::find_in(&w.tx, h)?.map(|n| (n.title, n.language.as_str().to_string())),
                None => None,
            };
            let receipt_id = receipt::of_event(&w.tx, &event.id)?;
            out.push(AccessEvent { event, purpose, notice, receipt_id: receipt_id.map(ReceiptId::from) });
        }
        let job_title = details.job_title.clone();
        type Kept = (String, Option<String>, Option<String>, Option<Vec<u8>>, bool, Option<String>);
        let mut stmt =
            w.tx.prepare(
                "SELECT c.receipt_id, e.name, c.guardian_name, c.guardian_sealed,
                        c.signature_png IS NOT NULL OR c.signature_sealed IS NOT NULL, c.paper_ref
                 FROM capture_detail c JOIN receipt r ON r.id = c.receipt_id LEFT JOIN event e ON e.id = c.event_id
                 WHERE r.subject_id = ?1 ORDER BY r.created_at_ms",
            )
            .storage(ctx)?;
        let kept: Vec<Kept> = stmt
            .query_map([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .storage(ctx)?
            .collect::<rusqlite::Result<Vec<_>>>()
            .storage(ctx)?;
        drop(stmt);
        let mut captures = Vec::with_capacity(kept.len());
        for (receipt, event, guardian, guardian_sealed, signature, paper) in kept {
            let guardian = match (guardian, guardian_sealed) {
                (Some(g), _) => Some(g),
                (None, Some(s)) => Some(w.open_text("capture.guardian", &receipt, &s)?),
                (None, None) => None,
            };
            captures.push((receipt, event, guardian, signature, paper));
        }
        w.audit("subject.export_access", &id, "");
        Ok(AccessReport {
            subject: SubjectView {
                id: row.id.into(),
                name: details.name,
                email: details.email,
                phone: details.phone,
                company: details.company,
                masked: false,
                erased: row.erased,
            },
            created_at: from_parts(created_ms, 0),
            status,
            events: out,
            job_title,
            captures,
            generated_at: w.now,
        })
    })
}

/// The report as JSON.
pub fn to_json(r: &AccessReport) -> String {
    let v = json!({
        "generated_at": r.generated_at.to_rfc3339(),
        "subject": {
            "id": r.subject.id,
            "name": r.subject.name,
            "email": r.subject.email,
            "phone": r.subject.phone,
            "company": r.subject.company,
            "job_title": r.job_title,
            "erased": r.subject.erased,
            "created_at": r.created_at.to_rfc3339(),
        },
        "status": r.status.iter().map(|s| json!({
            "purpose": s.purpose,
            "state": s.state.as_str(),
            "dpv_status": s.state.dpv(),
            "since": s.since.to_rfc3339(),
            "event_id": s.event_id,
            "notice_hash": s.notice_hash,
        })).collect::<Vec<_>>(),
        "captures": r.captures.iter().map(|(receipt, event, guardian, signature, paper)| json!({
            "receipt_id": receipt,
            "event": event,
            "guardian_name": guardian,
            "signature_image_held": signature,
            "paper_ref": paper,
        })).collect::<Vec<_>>(),
        "events": r.events.iter().map(|e| json!({
            "id": e.event.id,
            "kind": e.event.kind.as_str(),
            "purpose": e.event.purpose,
            "purpose_name_zh": e.purpose.as_ref().map(|p| p.name_zh.clone()),
            "purpose_name_en": e.purpose.as_ref().map(|p| p.name_en.clone()),
            "legal_basis": e.purpose.as_ref().map(|p| p.legal_basis.as_str()),
            "captured_at": e.event.captured_at.to_rfc3339(),
            "method": e.event.method.as_str(),
            "notice_hash": e.event.notice_hash,
            "notice_title": e.notice.as_ref().map(|n| n.0.clone()),
            "language": e.event.language.map(Language::as_str),
            "receipt_id": e.receipt_id,
            "evidence": e.event.evidence,
            "device_id": e.event.device_id,
            "seq": e.event.seq,
            "operator_id": e.event.operator_id,
            "hash": e.event.hash,
        })).collect::<Vec<Value>>(),
    });
    pretty(&v)
}

/// The report as a readable page (Chinese and English).
pub fn to_html(r: &AccessReport) -> String {
    let s = &r.subject;
    let mut b = String::new();
    b.push_str("<h1>个人信息查阅副本 <span class=\"en\">Copy of your personal information</span></h1>\n");
    b.push_str(&format!(
        "<p class=\"muted\">生成时间 Generated {} · 编号 ID <code>{}</code></p>\n",
        escape(&r.generated_at.format("%Y-%m-%d %H:%M %:z").to_string()),
        escape(&s.id)
    ));
    b.push_str("<h2>我们持有的信息 <span class=\"en\">What we hold</span></h2>\n<table>\n");
    if s.erased {
        b.push_str("<tr><td colspan=\"2\">已删除：仅保留不含个人信息的同意记录。 <span class=\"en\">Erased: only the consent records, without personal data, are kept.</span></td></tr>\n");
    }
    for (zh, en, v) in [
        ("姓名", "Name", &s.name),
        ("电子邮箱", "Email", &s.email),
        ("电话", "Phone", &s.phone),
        ("公司", "Company", &s.company),
        ("职务", "Job title", &r.job_title),
    ] {
        b.push_str(&format!(
            "<tr><th>{zh} <span class=\"en\">{en}</span></th><td>{}</td></tr>\n",
            v.as_deref().map(escape).unwrap_or_else(|| "—".into())
        ));
    }
    for (receipt, event, guardian, signature, paper) in &r.captures {
        let mut parts = Vec::new();
        if let Some(e) = event {
            parts.push(format!("活动 Event: {}", escape(e)));
        }
        if let Some(g) = guardian {
            parts.push(format!("监护人 Guardian: {}", escape(g)));
        }
        if *signature {
            parts.push("签名图像 Signature image held".into());
        }
        if let Some(p) = paper {
            parts.push(format!("纸质表格 Paper form: {}", escape(p)));
        }
        if !parts.is_empty() {
            b.push_str(&format!(
                "<tr><th>回执 <span class=\"en\">Receipt</span> <code>{}</code></th><td>{}</td></tr>\n",
                escape(receipt),
                parts.join("<br>")
            ));
        }
    }
    b.push_str("</table>\n<h2>当前状态 <span class=\"en\">Current status</span></h2>\n<table>\n");
    b.push_str("<tr><th>目的 Purpose</th><th>状态 State</th><th>自 Since</th></tr>\n");
    for st in &r.status {
        b.push_str(&format!(
            "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>\n",
            escape(&st.purpose),
            escape(st.state.as_str()),
            escape(&st.since.format("%Y-%m-%d %H:%M %:z").to_string())
        ));
    }
    if r.status.is_empty() {
        b.push_str("<tr><td colspan=\"3\">—</td></tr>\n");
    }
    b.push_str("</table>\n<h2>全部记录 <span class=\"en\">Every record</span></h2>\n<table>\n");
    b.push_str("<tr><th>时间 Time</th><th>记录 Record</th><th>目的 Purpose</th><th>告知书 Notice</th><th>回执 Receipt</th></tr>\n");
    for e in &r.events {
        let purpose = e
            .purpose
            .as_ref()
            .map(|p| format!("{} <span class=\"en\">{}</span>", escape(&p.name_zh), escape(&p.name_en)))
            .unwrap_or_else(|| escape(&e.event.purpose));
        let notice = match (&e.notice, &e.event.notice_hash) {
            (Some((t, l)), Some(h)) => {
                format!("{} ({})<br><code>{}</code>", escape(t), escape(l), escape(&h[..16.min(h.len())]))
            }
            (_, Some(h)) => format!("<code>{}</code>", escape(h)),
            _ => "—".into(),
        };
        b.push_str(&format!(
            "<tr><td>{}</td><td>{} · {}</td><td>{purpose}</td><td>{notice}</td><td><code>{}</code></td></tr>\n",
            escape(&e.event.captured_at.format("%Y-%m-%d %H:%M %:z").to_string()),
            escape(e.event.kind.as_str()),
            escape(e.event.method.as_str()),
            escape(e.receipt_id.as_deref().unwrap_or("—"))
        ));
    }
    b.push_str("</table>\n<p class=\"muted\">每项记录都以其哈希值存于防篡改账本中。 Each record is kept in a tamper-evident ledger under its hash.</p>\n");
    page("zh-CN", &format!("个人信息查阅副本 Access copy {}", s.id), &b)
}
