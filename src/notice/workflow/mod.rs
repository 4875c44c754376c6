//! Notices and their versions: draft → in review → approved → retired. A draft is rendered
//! from a processing profile and a template; submitting it needs a lint without errors;
//! its author cannot approve it; approval freezes it (the database refuses any change to a
//! version out of draft) and registers each language's text, identified by its canonical
//! hash, for consent events to point at. A new version starts as a copy of the last.

use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::string_enum;
use crate::domain::Language;
use crate::domain::{Action, OperatorId};
use crate::notice::canonical_hash;
use crate::notice::context::Context;
use crate::notice::form::{self, FormDefinition};
use crate::notice::lint::{self, Report};
use crate::notice::profile::{self, Bilingual, Profile, Snapshot};
use crate::notice::template::{Library, Template};
use crate::session::{Session, Write};

mod read;

pub use read::{approved, get, list};
use read::{by_id, in_review, latest_in, not_found, notice_in};
pub(crate) use read::{previous_approved, version_in};

string_enum!(
    /// Where a version is in the review workflow.
    State, "notice version state", {
        /// Being written; may change.
        Draft => "draft",
        /// Submitted; frozen unless rejected.
        InReview => "in_review",
        /// Approved and frozen; may be shown to people.
        Approved => "approved",
        /// No longer shown; kept as evidence.
        Retired => "retired",
    }
);

/// Wording rendered from a profile and a template, with its capture form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The profile snapshot it was rendered from.
    pub snapshot: Snapshot,
    /// Chinese wording (Markdown subset).
    pub text_zh: String,
    /// English wording.
    pub text_en: String,
    /// The capture form.
    pub form: FormDefinition,
    /// Hash of the Chinese wording's canonical form.
    pub hash_zh: String,
    /// Hash of the English wording's canonical form.
    pub hash_en: String,
    /// The lint report.
    pub lint: Report,
}

impl Rendered {
    /// The wording in one language.
    pub fn text(&self, language: Language) -> &str {
        match language {
            Language::ZhCn => &self.text_zh,
            Language::En => &self.text_en,
        }
    }
}

/// A notice: a named document whose versions are reviewed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Name, such as `trade-show-2026`.
    pub name: String,
    /// Titles.
    pub title: Bilingual,
    /// Its versions' numbers and states, newest first.
    pub versions: Vec<(i64, State)>,
}

/// One review comment or workflow step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Who.
    pub author: String,
    /// `comment`, `submit`, `reject`, `approve` or `retire`.
    pub verdict: String,
    /// What they wrote.
    pub body: String,
    /// When (ms since the epoch).
    pub at_ms: i64,
}

/// A version of a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    /// Row id.
    pub id: String,
    /// The notice's name.
    pub notice: String,
    /// The notice's titles.
    pub title: Bilingual,
    /// Version number, from 1.
    pub number: i64,
    /// Workflow state.
    pub state: State,
    /// The profile's name and revision it was rendered from.
    pub profile_name: String,
    /// Profile revision.
    pub profile_rev: i64,
    /// The template's name.
    pub template_name: String,
    /// Template revision.
    pub template_rev: i64,
    /// The rendering: snapshot, wording, form, hashes and lint.
    pub rendered: Rendered,
    /// Author (operator name) and id.
    pub author: String,
    /// Author's operator id.
    pub author_id: OperatorId,
    /// Created (ms).
    pub created_at_ms: i64,
    /// Last re-rendered (ms).
    pub updated_at_ms: i64,
    /// Approver's name.
    pub approved_by: Option<String>,
    /// Approved (ms).
    pub approved_at_ms: Option<i64>,
    /// Retired (ms).
    pub retired_at_ms: Option<i64>,
    /// Review comments and steps, oldest first.
    pub comments: Vec<Comment>,
}

/// Renders a profile snapshot with a template of the library, and lints the result.
pub(crate) fn render_with(
    library: &Library,
    snapshot: Snapshot,
    template: &str,
    title: &Bilingual,
) -> Result<Rendered> {
    let text_zh = library.render(template, Language::ZhCn, &Context::new(&snapshot, &title.zh, Language::ZhCn))?;
    let text_en = library.render(template, Language::En, &Context::new(&snapshot, &title.en, Language::En))?;
    let form = form::derive(&snapshot);
    let json = snapshot.canonical_json();
    let hash_zh = canonical_hash(&text_zh, Language::ZhCn, &json);
    let hash_en = canonical_hash(&text_en, Language::En, &json);
    let lint = lint::check(&snapshot, &text_zh, &text_en, &form);
    Ok(Rendered { snapshot, text_zh, text_en, form, hash_zh, hash_en, lint })
}

/// Renders a profile (saved or not) with a template (the stored one, or an unsaved edit)
/// without saving anything: the live preview.
pub fn preview(
    session: &mut Session,
    profile: &Profile,
    template: &str,
    edit: Option<Template>,
    title: &Bilingual,
) -> Result<Rendered> {
    session.read(Action::ReadDrafts, |conn| {
        let snapshot = profile::resolve(conn, profile)?;
        let mut library = Library::load(conn)?;
        if let Some(t) = edit {
            library = library.with(t);
        }
        render_with(&library, snapshot, template, title)
    })
}

/// What a new notice is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    /// Name (lower-case letters, digits, `-` and `_`).
    pub name: String,
    /// Titles.
    pub title: Bilingual,
    /// The saved profile to render.
    pub profile: String,
    /// The notice template to render with.
    pub template: String,
}

/// Creates a notice and its first version, a draft rendered from the current revisions of
/// the profile and template (legal).
pub fn create(session: &mut Session, n: &NewNotice) -> Result<Version> {
    crate::notice::validate_slug("notice", &n.name)?;
    if n.title.incomplete() {
        return Err(Error::from(&msg::NOTICE_TITLES_MISSING));
    }
    let id = session.write(Action::DraftNotice, |w| {
        if w.tx
            .query_row("SELECT 1 FROM notice WHERE name = ?1", [&n.name], |_| Ok(()))
            .optional()
            .storage("create a notice")?
            .is_some()
        {
            return Err(Error::Duplicate(msg::NOTICE_EXISTS.with("name", &n.name)));
        }
        let notice_id = uuid::Uuid::now_v7().to_string();
        w.tx.execute(
            "INSERT INTO notice (id, name, title_zh, title_en, created_by, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![notice_id, n.name, n.title.zh.trim(), n.title.en.trim(), w.operator.id, w.now.timestamp_millis()],
        )
        .storage("create a notice")?;
        let id = insert_draft(w, &notice_id, 1, &n.profile, &n.template, &n.title)?;
        w.audit("notice.create", &n.name, "version 1");
        Ok(id)
    })?;
    by_id(session, &id)
}

/// Brings a notice's draft up to date: if its newest version is a draft, it is re-rendered
/// from the current profile and template (optionally switching to others); otherwise a new
/// draft version starts as a copy of the newest one (legal).
pub fn draft(session: &mut Session, notice: &str, profile: Option<&str>, template: Option<&str>) -> Result<Version> {
    let id = session.write(Action::DraftNotice, |w| {
        let (notice_id, title) = notice_in(&w.tx, notice)?;
        let last = latest_in(&w.tx, &notice_id)?.ok_or_else(|| not_found(notice, None))?;
        let profile = profile.unwrap_or(&last.profile_name).to_string();
        let template = template.unwrap_or(&last.template_name).to_string();
        match last.state {
            State::Draft => {
                // Anyone in legal may pick up a draft; whoever renders it last is its author,
                // and so may not approve it.
                let r = render_current(&w.tx, &profile, &template, &title)?;
                w.tx.execute(
                    "UPDATE notice_revision SET profile_name = ?2, profile_rev = ?3, profile = ?4, template_name = ?5,
                         template_rev = ?6, text_zh = ?7, text_en = ?8, form = ?9, hash_zh = ?10, hash_en = ?11,
                         author_id = ?12, updated_at_ms = ?13
                     WHERE id = ?1 AND state = 'draft'",
                    params![
                        last.id,
                        profile,
                        r.1,
                        r.0.snapshot.canonical_json(),
                        template,
                        r.2,
                        r.0.text_zh,
                        r.0.text_en,
                        r.0.form.to_json(),
                        r.0.hash_zh,
                        r.0.hash_en,
                        w.operator.id,
                        w.now.timestamp_millis()
                    ],
                )
                .storage("update a draft")?;
                w.audit("notice.draft.update", format!("{notice} v{}", last.number), &r.0.hash_en);
                Ok(last.id)
            }
            State::InReview => {
                Err(Error::WrongState(msg::VERSION_FROZEN.with("number", last.number).with("notice", notice)))
            }
            State::Approved | State::Retired => {
                let id = insert_draft(w, &notice_id, last.number + 1, &profile, &template, &title)?;
                w.audit("notice.draft.new", format!("{notice} v{}", last.number + 1), format!("from v{}", last.number));
                Ok(id)
            }
        }
    })?;
    by_id(session, &id)
}

fn render_current(
    conn: &Connection,
    profile_name: &str,
    template: &str,
    title: &Bilingual,
) -> Result<(Rendered, i64, i64)> {
    let p = profile::latest_in(conn, profile_name)?
        .ok_or_else(|| Error::NotFound(msg::PROFILE_NOT_FOUND.with("name", profile_name)))?;
    let snapshot = profile::resolve(conn, &p.profile)?;
    let library = Library::load(conn)?;
    let t = library.notice(template)?.rev;
    Ok((render_with(&library, snapshot, template, title)?, p.rev, t))
}

fn insert_draft(
    w: &mut Write<'_>,
    notice_id: &str,
    number: i64,
    profile: &str,
    template: &str,
    title: &Bilingual,
) -> Result<String> {
    let (r, profile_rev, template_rev) = render_current(&w.tx, profile, template, title)?;
    let id = uuid::Uuid::now_v7().to_string();
    let now = w.now.timestamp_millis();
    w.tx.execute(
        "INSERT INTO notice_revision (id, notice_id, number, state, profile_name, profile_rev, profile, template_name,
             template_rev, text_zh, text_en, form, hash_zh, hash_en, author_id, created_at_ms, updated_at_ms)
         VALUES (?1, ?2, ?3, 'draft', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15)",
        params![
            id,
            notice_id,
            number,
            profile,
            profile_rev,
            r.snapshot.canonical_json(),
            template,
            template_rev,
            r.text_zh,
            r.text_en,
            r.form.to_json(),
            r.hash_zh,
            r.hash_en,
            w.operator.id,
            now
        ],
    )
    .storage("save a draft")?;
    Ok(id)
}

/// Submits the notice's draft for review (legal). A lint error blocks it, as does a draft
/// identical to an existing version.
pub fn submit(session: &mut Session, notice: &str, comment: &str) -> Result<Version> {
    let id = session.write(Action::DraftNotice, |w| {
        let (notice_id, _) = notice_in(&w.tx, notice)?;
        let v = latest_in(&w.tx, &notice_id)?.ok_or_else(|| not_found(notice, None))?;
        if v.state != State::Draft {
            return Err(Error::WrongState(
                msg::ONLY_DRAFT_SUBMITS.with("number", v.number).with("notice", notice).term("state", msg::notice_state(v.state.as_str())),
            ));
        }
        let errors = v.rendered.lint.errors();
        if errors > 0 {
            return Err(Error::LintErrors { notice: notice.into(), count: errors });
        }
        let same: Option<i64> = w
            .tx
            .query_row(
                "SELECT number FROM notice_revision WHERE notice_id = ?1 AND id <> ?2 AND hash_zh = ?3 AND hash_en = ?4",
                params![notice_id, v.id, v.rendered.hash_zh, v.rendered.hash_en],
                |r| r.get(0),
            )
            .optional()
            .storage("submit a draft")?;
        if let Some(n) = same {
            return Err(msg::DRAFT_SAME_AS.with("number", n).with("notice", notice).into());
        }
        set_state(&w.tx, &v.id, State::InReview, None)?;
        comment_in(w, &v.id, "submit", comment)?;
        w.audit("notice.submit", format!("{notice} v{}", v.number), &v.rendered.hash_en);
        Ok(v.id)
    })?;
    by_id(session, &id)
}

/// Adds a review comment to a version (legal).
pub fn comment(session: &mut Session, notice: &str, number: Option<i64>, body: &str) -> Result<Version> {
    if body.trim().is_empty() {
        return Err(Error::from(&msg::COMMENT_EMPTY));
    }
    let id = session.write(Action::ReviewNotice, |w| {
        let v = version_in(&w.tx, notice, number)?;
        comment_in(w, &v.id, "comment", body)?;
        w.audit("notice.comment", format!("{notice} v{}", v.number), "");
        Ok(v.id)
    })?;
    by_id(session, &id)
}

/// Sends a version in review back to draft, with the reason (legal).
pub fn reject(session: &mut Session, notice: &str, reason: &str) -> Result<Version> {
    if reason.trim().is_empty() {
        return Err(Error::from(&msg::REJECT_NEEDS_COMMENT));
    }
    let id = session.write(Action::ReviewNotice, |w| {
        let v = in_review(&w.tx, notice)?;
        set_state(&w.tx, &v.id, State::Draft, None)?;
        comment_in(w, &v.id, "reject", reason)?;
        w.audit("notice.reject", format!("{notice} v{}", v.number), "");
        Ok(v.id)
    })?;
    by_id(session, &id)
}

/// Approves the version in review (legal, not its author): it is frozen, and each
/// language's wording is registered under its hash for consent events.
pub fn approve(session: &mut Session, notice: &str, comment: &str) -> Result<Version> {
    let result = session.write(Action::ReviewNotice, |w| {
        let v = in_review(&w.tx, notice)?;
        if v.author_id == w.operator.id {
            return Err(Error::OwnApproval { notice: notice.into(), number: v.number });
        }
        let errors = v.rendered.lint.errors();
        if errors > 0 {
            return Err(Error::LintErrors { notice: notice.into(), count: errors });
        }
        set_state(&w.tx, &v.id, State::Approved, Some((&w.operator.id, w.now.timestamp_millis())))?;
        let json = v.rendered.snapshot.canonical_json();
        for (language, title, text, hash) in [
            (Language::ZhCn, &v.title.zh, &v.rendered.text_zh, &v.rendered.hash_zh),
            (Language::En, &v.title.en, &v.rendered.text_en, &v.rendered.hash_en),
        ] {
            w.tx.execute(
                "INSERT INTO notice_version (id, hash, title, language, body, profile, state, created_by, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'approved', ?7, ?8) ON CONFLICT (hash) DO NOTHING",
                params![
                    uuid::Uuid::now_v7().to_string(),
                    hash,
                    format!("{title} (v{})", v.number),
                    language.as_str(),
                    text,
                    json,
                    v.author_id,
                    w.now.timestamp_millis()
                ],
            )
            .storage("register an approved version")?;
        }
        comment_in(w, &v.id, "approve", comment)?;
        w.audit(
            "notice.approve",
            format!("{notice} v{}", v.number),
            format!("zh-CN {} en {}", v.rendered.hash_zh, v.rendered.hash_en),
        );
        Ok(v.id)
    });
    let id = match result {
        // Refused like a role denial, and audited like one (the transaction rolled back).
        Err(e @ Error::OwnApproval { .. }) => {
            session.record("notice.approve_denied", notice, "own version")?;
            return Err(e);
        }
        other => other?,
    };
    by_id(session, &id)
}

/// Retires an approved version: it is no longer offered for capture, and stays as evidence (legal).
pub fn retire(session: &mut Session, notice: &str, number: i64, reason: &str) -> Result<Version> {
    let id = session.write(Action::ReviewNotice, |w| {
        let v = version_in(&w.tx, notice, Some(number))?;
        if v.state != State::Approved {
            return Err(Error::WrongState(
                msg::ONLY_APPROVED_RETIRES
                    .with("number", v.number)
                    .with("notice", notice)
                    .term("state", msg::notice_state(v.state.as_str())),
            ));
        }
        w.tx.execute(
            "UPDATE notice_revision SET state = 'retired', retired_at_ms = ?2 WHERE id = ?1",
            params![v.id, w.now.timestamp_millis()],
        )
        .storage("retire a version")?;
        for hash in [&v.rendered.hash_zh, &v.rendered.hash_en] {
            w.tx.execute(
                "UPDATE notice_version SET state = 'retired' WHERE hash = ?1 AND state = 'approved'
                   AND NOT EXISTS (SELECT 1 FROM notice_revision r WHERE r.state = 'approved' AND r.id <> ?2
                                   AND (r.hash_zh = ?1 OR r.hash_en = ?1))",
                params![hash, v.id],
            )
            .storage("retire a version")?;
        }
        comment_in(w, &v.id, "retire", reason)?;
        w.audit("notice.retire", format!("{notice} v{}", v.number), "");
        Ok(v.id)
    })?;
    by_id(session, &id)
}

fn set_state(conn: &Connection, id: &str, state: State, approved: Option<(&str, i64)>) -> Result<()> {
    conn.execute(
        "UPDATE notice_revision SET state = ?2, approved_by = ?3, approved_at_ms = ?4 WHERE id = ?1",
        params![id, state.as_str(), approved.map(|a| a.0), approved.map(|a| a.1)],
    )
    .storage("change a version's state")?;
    Ok(())
}

fn comment_in(w: &mut Write<'_>, revision_id: &str, verdict: &str, body: &str) -> Result<()> {
    if !crate::notice::hidden_characters(body).is_empty() {
        return Err(Error::from(&msg::COMMENT_HIDDEN_CHARACTER));
    }
    w.tx.execute(
        "INSERT INTO notice_comment (id, revision_id, author_id, verdict, body, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![uuid::Uuid::now_v7().to_string(), revision_id, w.operator.id, verdict, body.trim(), w.now.timestamp_millis()],
    )
    .storage("save a comment")?;
    Ok(())
}
