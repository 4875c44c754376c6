//! The form a person fills in at an event, and recording it. One submission is one
//! transaction: the person (found or created), one ledger event per purpose shown (a grant
//! if its box was ticked, a refusal if not), the receipt, and the capture's details (the
//! event, the guardian of a child under 14, the signature image). The events' hashed
//! evidence holds which boxes were shown and which were ticked, the event, whether a
//! guardian answered and the signature's SHA-256, never personal data.

use chrono::{DateTime, FixedOffset};
use rusqlite::params;
use serde_json::json;

use crate::capture::event::{get_in, Event, FieldRule, PersonField};
use crate::domain::canonical::sha256_hex;
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::Language;
use crate::domain::{Action, EventId, Operator};
use crate::ledger::{capture_in, Capture, EventKind, Method, Recorded};
use crate::notice::form::{FormDefinition, GuardianPath};
use crate::notice::profile::Bilingual;
use crate::notice::workflow::{version_in, State};
use crate::session::Session;
use crate::subject::SubjectInput;
use crate::vault::Passphrase;

/// The largest signature image accepted, in bytes.
pub const MAX_SIGNATURE: usize = 512 * 1024;

/// What the kiosk shows for an event in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskForm {
    /// The event.
    pub event: Event,
    /// The language shown.
    pub language: Language,
    /// The notice's title in that language.
    pub title: String,
    /// The full notice text (Markdown subset) in that language.
    pub text: String,
    /// The hash of that text, recorded with each event.
    pub notice_hash: String,
    /// The boxes.
    pub form: FormDefinition,
    /// How to withdraw, from the notice's profile.
    pub withdrawal: Bilingual,
}

impl KioskForm {
    /// The guardian path, when children under 14 may be asked.
    pub fn guardian(&self) -> Option<&GuardianPath> {
        self.form.guardian.as_ref()
    }
}

/// What a submission recorded, with what the person's receipt screen shows, taken from
/// the same form the transaction checked (so the screen can't disagree with the ledger).
#[derive(Debug, Clone)]
pub struct Submitted {
    /// The events, the person and the receipt id.
    pub recorded: Recorded,
    /// The language the form was shown in.
    pub language: Language,
    /// The labels of the boxes ticked (granted), in that language.
    pub granted: Vec<String>,
    /// The labels of the boxes left empty (refused), in that language.
    pub refused: Vec<String>,
    /// How to withdraw, in that language.
    pub withdrawal: String,
    /// Whether a parent or guardian answered for a child under 14 (guardian's consent).
    pub by_guardian: bool,
}

/// One person's answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Submission {
    /// The event.
    pub event_id: EventId,
    /// The language the person read.
    pub language: Option<Language>,
    /// Their details.
    pub person: SubjectInput,
    /// Their job title.
    pub job_title: Option<String>,
    /// The ids of the boxes they ticked.
    pub ticked: Vec<String>,
    /// Whether they said they are under 14.
    pub under_14: bool,
    /// The guardian's name, for a child under 14.
    pub guardian_name: Option<String>,
    /// Whether the guardian confirmed they answer for the child.
    pub guardian_confirmed: bool,
    /// The signature, a PNG image.
    pub signature_png: Option<Vec<u8>>,
    /// `kiosk` at the stand, or `paper` for a form entered at the desk.
    pub method: Option<Method>,
    /// For paper: the reference of the scanned form.
    pub paper_ref: Option<String>,
    /// For paper: when the person signed it (defaults to now).
    pub captured_at: Option<DateTime<FixedOffset>>,
}

pub(crate) fn form_in(conn: &rusqlite::Connection, event_id: &str, language: Option<Language>) -> Result<KioskForm> {
    let event = get_in(conn, event_id)?;
    if event.closed_at_ms.is_some() {
        return Err(msg::EVENT_CLOSED.with("name", &event.input.name).into());
    }
    let language = match language {
        Some(l) if event.input.languages.contains(&l) => l,
        Some(l) => {
            return Err(msg::EVENT_LANGUAGE_NOT_OFFERED
                .with("name", &event.input.name)
                .term("language", msg::language(l))
                .into())
        }
        None => *event.input.languages.first().unwrap_or(&Language::ZhCn),
    };
    let v = version_in(conn, &event.input.notice, Some(event.input.notice_number))?;
    if v.state != State::Approved {
        return Err(msg::EVENT_VERSION_NOT_APPROVED
            .with("number", v.number)
            .with("notice", &v.notice)
            .term("state", msg::notice_state(v.state.as_str()))
            .into());
    }
    let (title, text, notice_hash) = match language {
        Language::ZhCn => (v.title.zh.clone(), v.rendered.text_zh.clone(), v.rendered.hash_zh.clone()),
        Language::En => (v.title.en.clone(), v.rendered.text_en.clone(), v.rendered.hash_en.clone()),
    };
    let withdrawal = v.rendered.snapshot.profile.withdrawal_channel.clone();
    Ok(KioskForm { event, language, title, text, notice_hash, form: v.rendered.form, withdrawal })
}

/// The form an event's kiosk shows, in a language it offers (its first by default).
/// Kiosk and marketer roles.
pub fn form(session: &mut Session, event_id: &EventId, language: Option<Language>) -> Result<KioskForm> {
    session.read(Action::Capture, |conn| form_in(conn, event_id, language))
}

fn field_value(s: &Submission, f: PersonField) -> Option<&str> {
    let v = match f {
        PersonField::Name => s.person.name.as_deref(),
        PersonField::Email => s.person.email.as_deref(),
        PersonField::Phone => s.person.phone.as_deref(),
        PersonField::Company => s.person.company.as_deref(),
        PersonField::JobTitle => s.job_title.as_deref(),
    };
    v.map(str::trim).filter(|v| !v.is_empty())
}

fn check(s: &Submission, k: &KioskForm, fields: &[FieldRule]) -> Result<()> {
    for rule in fields {
        if rule.required && field_value(s, rule.field).is_none() {
            return Err(msg::FIELD_REQUIRED.term("field", msg::field(rule.field.as_str())).into());
        }
    }
    for f in PersonField::ALL {
        if field_value(s, *f).is_some() && !fields.iter().any(|r| r.field == *f) {
            return Err(msg::FIELD_NOT_COLLECTED.term("field", msg::field(f.as_str())).into());
        }
    }
    let ids: Vec<&str> = k.form.controls().map(|c| c.id.as_str()).collect();
    for (i, t) in s.ticked.iter().enumerate() {
        if !ids.contains(&t.as_str()) {
            return Err(msg::FORM_NO_SUCH_BOX.with("code", t).into());
        }
        if s.ticked[..i].contains(t) {
            return Err(msg::FORM_BOX_TWICE.with("code", t).into());
        }
    }
    if s.under_14 {
        if k.guardian().is_none() {
            return Err(Error::from(&msg::NO_MINORS_PROVISION));
        }
        if s.guardian_name.as_deref().map(str::trim).unwrap_or_default().is_empty() || !s.guardian_confirmed {
            return Err(Error::from(&msg::GUARDIAN_MISSING));
        }
        if let Some(g) = s.guardian_name.as_deref() {
            crate::domain::text::check_person_field("guardian_name", g.trim())?;
        }
    } else if s.guardian_name.as_deref().is_some_and(|g| !g.trim().is_empty()) || s.guardian_confirmed {
        return Err(Error::from(&msg::GUARDIAN_WITHOUT_MINOR));
    }
    if let Some(png) = &s.signature_png {
        if !k.event.input.signature {
            return Err(msg::NO_SIGNATURE_PAD.with("name", &k.event.input.name).into());
        }
        if png.len() > MAX_SIGNATURE || !png.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Err(Error::from(&msg::SIGNATURE_NOT_PNG));
        }
    }
    Ok(())
}

/// Records one person's answers to an event's form: a grant for each ticked box and a
/// refusal for each box left empty (a person may say no to everything), in one transaction.
pub fn submit(session: &mut Session, s: &Submission) -> Result<Submitted> {
    // The role first, so that a refused operator is told so (and audited) whatever they sent.
    session.check(Action::Capture)?;
    let method = s.method.unwrap_or(Method::Kiosk);
    if !matches!(method, Method::Kiosk | Method::Paper) {
        return Err(msg::FORM_METHOD.term("method", msg::method(method.as_str())).into());
    }
    let paper_ref = s.paper_ref.as_deref().map(str::trim).filter(|r| !r.is_empty());
    if method == Method::Paper && paper_ref.is_none() {
        return Err(Error::from(&msg::PAPER_NEEDS_REF));
    }
    session.write(Action::Capture, |w| {
        let k = form_in(&w.tx, &s.event_id, s.language)?;
        check(s, &k, &k.event.input.fields)?;
        let shown: Vec<String> = k.form.controls().map(|c| c.id.clone()).collect();
        let choices: Vec<(String, EventKind)> = k
            .form
            .controls()
            .map(|c| (c.purpose.clone(), if s.ticked.contains(&c.id) { EventKind::Grant } else { EventKind::Refuse }))
            .collect();
        let signature = s.signature_png.as_deref().map(sha256_hex);
        let mut ticked: Vec<&String> = shown.iter().filter(|id| s.ticked.contains(id)).collect();
        ticked.dedup();
        // serde_json's map is ordered, so this is a canonical encoding.
        let evidence = json!({
            "event": k.event.id,
            "notice": format!("{} v{}", k.event.input.notice, k.event.input.notice_number),
            "shown": shown,
            "ticked": ticked,
            "guardian": s.under_14,
            "signature": signature,
            "paper": paper_ref,
        })
        .to_string();
        let capture = Capture {
            subject: s.person.clone(),
            choices,
            notice: k.notice_hash.clone(),
            language: Some(k.language),
            method,
            evidence,
            captured_at: s.captured_at,
        };
        let recorded = capture_in(w, &capture)?;
        if let Some(title) = s.job_title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            crate::subject::set_job_title(w, &recorded.subject_id, title)?;
        }
        // The guardian's name and the signature image are personal data: sealed like the
        // person's details (in plaintext only while an older vault's sealing is pending).
        let receipt = recorded.receipt_id.to_string();
        let guardian = s.guardian_name.as_deref().map(str::trim).filter(|_| s.under_14);
        let guardian_sealed = match guardian {
            Some(g) => w.seal("capture.guardian", &receipt, g.as_bytes())?,
            None => None,
        };
        let signature_sealed = match s.signature_png.as_deref() {
            Some(png) => w.seal("capture.signature", &receipt, png)?,
            None => None,
        };
        let sealing = guardian_sealed.is_some() || signature_sealed.is_some();
        w.tx.execute(
            "INSERT INTO capture_detail (receipt_id, event_id, guardian_name, signature_png, signature_sha256, paper_ref,
                                         guardian_sealed, signature_sealed, guardian_masked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                recorded.receipt_id,
                k.event.id,
                guardian.filter(|_| !sealing),
                s.signature_png.as_deref().filter(|_| !sealing),
                signature,
                paper_ref,
                guardian_sealed,
                signature_sealed,
                guardian.filter(|g| !g.is_empty()).map(crate::domain::mask::mask_name)
            ],
        )
        .storage("record the capture's details")?;
        w.audit("event.capture", &k.event.id, recorded.receipt_id.as_str());
        let zh = k.language == Language::ZhCn;
        let (mut granted, mut refused) = (Vec::new(), Vec::new());
        for c in k.form.controls() {
            let label = c.label.get(zh).to_string();
            if s.ticked.contains(&c.id) {
                granted.push(label);
            } else {
                refused.push(label);
            }
        }
        Ok(Submitted {
            recorded,
            language: k.language,
            granted,
            refused,
            withdrawal: k.withdrawal.get(zh).to_string(),
            by_guardian: s.under_14,
        })
    })
}
/// Leaves kiosk mode: `name` and `passphrase` must open an enabled operator's key slot, and
/// that operator's role must allow [`Action::LeaveKiosk`] (admin, legal or marketer; a kiosk
/// operator cannot take the device out of kiosk mode). Success and refusal are audited; a
/// wrong passphrase changes nothing else.
pub fn leave_kiosk(session: &mut Session, name: &str, passphrase: &Passphrase) -> Result<Operator> {
    let op = session.confirm_operator(name, passphrase)?;
    let action = Action::LeaveKiosk;
    if !action.allows(op.role) {
        session.record("permission.denied", action.name(), &op.id)?;
        return Err(Error::PermissionDenied {
            action: action.describe(),
            role: op.role,
            needed: action.roles().to_vec(),
        });
    }
    session.record(action.name(), &op.id, "")?;
    Ok(op)
}
