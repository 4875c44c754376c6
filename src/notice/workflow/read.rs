//! Reading notices and their versions: listing, one version, the approved ones, and the
//! lookups the workflow's steps start from.

use rusqlite::{params, Connection, OptionalExtension};

use super::{Bilingual, Comment, Notice, Rendered, State, Version};
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::Action;
use crate::notice::form::FormDefinition;
use crate::notice::lint::{self, Report};
use crate::notice::profile::Snapshot;
use crate::session::Session;
use crate::vault::column;

/// Every notice with its versions' states.
pub fn list(session: &mut Session) -> Result<Vec<Notice>> {
    session.read(Action::ReadDrafts, |conn| {
        let mut stmt =
            conn.prepare("SELECT id, name, title_zh, title_en FROM notice ORDER BY name").storage("list notices")?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get(1)?, Bilingual { zh: r.get(2)?, en: r.get(3)? })))
            .storage("list notices")?
            .collect::<rusqlite::Result<Vec<_>>>()
            .storage("list notices")?;
        let mut out = Vec::new();
        let mut versions = conn
            .prepare("SELECT number, state FROM notice_revision WHERE notice_id = ?1 ORDER BY number DESC")
            .storage("list notices")?;
        for (id, name, title) in rows {
            let v = versions
                .query_map([&id], |r| Ok((r.get(0)?, column(r, 1)?)))
                .storage("list notices")?
                .collect::<rusqlite::Result<Vec<_>>>()
                .storage("list notices")?;
            out.push(Notice { name, title, versions: v });
        }
        Ok(out)
    })
}

/// One version of a notice (the newest if `number` is `None`).
pub fn get(session: &mut Session, notice: &str, number: Option<i64>) -> Result<Version> {
    session.read(Action::ReadDrafts, |conn| version_in(conn, notice, number))
}

/// The approved versions every role may read, newest first: what capture may show.
pub fn approved(session: &mut Session) -> Result<Vec<Version>> {
    session.read(Action::ReadNotices, |conn| {
        let mut stmt = conn
            .prepare(&format!("{SELECT} WHERE v.state = 'approved' ORDER BY n.name, v.number DESC"))
            .storage("list approved versions")?;
        let rows = stmt.query_map([], row).storage("list approved versions")?;
        let rows = rows.collect::<rusqlite::Result<Vec<_>>>().storage("list approved versions")?;
        rows.into_iter().map(|r| finish(conn, r)).collect()
    })
}

pub(super) fn by_id(session: &mut Session, id: &str) -> Result<Version> {
    session.read(Action::ReadDrafts, |conn| {
        let r = conn.query_row(&format!("{SELECT} WHERE v.id = ?1"), [id], row).storage("read a notice version")?;
        finish(conn, r)
    })
}

pub(super) fn not_found(notice: &str, number: Option<i64>) -> Error {
    Error::NotFound(msg::NOTICE_VERSION_NOT_FOUND.with(
        "key",
        match number {
            Some(n) => format!("{notice} v{n}"),
            None => notice.into(),
        },
    ))
}

pub(super) fn notice_in(conn: &Connection, name: &str) -> Result<(String, Bilingual)> {
    conn.query_row("SELECT id, title_zh, title_en FROM notice WHERE name = ?1", [name.trim()], |r| {
        Ok((r.get(0)?, Bilingual { zh: r.get(1)?, en: r.get(2)? }))
    })
    .optional()
    .storage("find a notice")?
    .ok_or_else(|| Error::NotFound(msg::NOTICE_NOT_FOUND.with("name", name.trim())))
}

pub(super) fn latest_in(conn: &Connection, notice_id: &str) -> Result<Option<Version>> {
    let r = conn
        .query_row(&format!("{SELECT} WHERE v.notice_id = ?1 ORDER BY v.number DESC LIMIT 1"), [notice_id], row)
        .optional()
        .storage("read a notice version")?;
    r.map(|r| finish(conn, r)).transpose()
}

pub(crate) fn version_in(conn: &Connection, notice: &str, number: Option<i64>) -> Result<Version> {
    let (notice_id, _) = notice_in(conn, notice)?;
    let r = match number {
        None => latest_in(conn, &notice_id)?,
        Some(n) => conn
            .query_row(&format!("{SELECT} WHERE v.notice_id = ?1 AND v.number = ?2"), params![notice_id, n], row)
            .optional()
            .storage("read a notice version")?
            .map(|r| finish(conn, r))
            .transpose()?,
    };
    r.ok_or_else(|| not_found(notice, number))
}

pub(super) fn in_review(conn: &Connection, notice: &str) -> Result<Version> {
    let v = version_in(conn, notice, None)?;
    if v.state != State::InReview {
        return Err(Error::WrongState(
            msg::ONLY_REVIEW_DECIDES
                .with("number", v.number)
                .with("notice", notice)
                .term("state", msg::notice_state(v.state.as_str())),
        ));
    }
    Ok(v)
}

const SELECT: &str = "SELECT v.id, n.name, n.title_zh, n.title_en, v.number, v.state, v.profile_name, v.profile_rev,
        v.profile, v.template_name, v.template_rev, v.text_zh, v.text_en, v.form, v.hash_zh, v.hash_en,
        a.name, v.author_id, v.created_at_ms, v.updated_at_ms, p.name, v.approved_at_ms, v.retired_at_ms
     FROM notice_revision v JOIN notice n ON n.id = v.notice_id JOIN operator a ON a.id = v.author_id
     LEFT JOIN operator p ON p.id = v.approved_by";

struct RawVersion {
    v: Version,
    profile: String,
    form: String,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RawVersion> {
    Ok(RawVersion {
        v: Version {
            id: r.get(0)?,
            notice: r.get(1)?,
            title: Bilingual { zh: r.get(2)?, en: r.get(3)? },
            number: r.get(4)?,
            state: column(r, 5)?,
            profile_name: r.get(6)?,
            profile_rev: r.get(7)?,
            template_name: r.get(9)?,
            template_rev: r.get(10)?,
            rendered: Rendered {
                snapshot: Snapshot::default(),
                text_zh: r.get(11)?,
                text_en: r.get(12)?,
                form: FormDefinition::default(),
                hash_zh: r.get(14)?,
                hash_en: r.get(15)?,
                lint: Report::default(),
            },
            author: r.get(16)?,
            author_id: r.get(17)?,
            created_at_ms: r.get(18)?,
            updated_at_ms: r.get(19)?,
            approved_by: r.get(20)?,
            approved_at_ms: r.get(21)?,
            retired_at_ms: r.get(22)?,
            comments: Vec::new(),
        },
        profile: r.get(8)?,
        form: r.get(13)?,
    })
}

fn finish(conn: &Connection, raw: RawVersion) -> Result<Version> {
    let RawVersion { mut v, profile, form } = raw;
    v.rendered.snapshot = Snapshot::from_stored(&profile)?;
    v.rendered.form = serde_json::from_str(&form).map_err(|e| {
        tracing::error!(error = %e, "stored form");
        Error::Storage { context: "a notice version's capture form cannot be read" }
    })?;
    v.rendered.lint = lint::check(&v.rendered.snapshot, &v.rendered.text_zh, &v.rendered.text_en, &v.rendered.form);
    let mut stmt = conn
        .prepare(
            "SELECT o.name, c.verdict, c.body, c.created_at_ms FROM notice_comment c JOIN operator o ON o.id = c.author_id
             WHERE c.revision_id = ?1 ORDER BY c.created_at_ms, c.id",
        )
        .storage("read comments")?;
    v.comments = stmt
        .query_map([&v.id], |r| {
            Ok(Comment { author: r.get(0)?, verdict: r.get(1)?, body: r.get(2)?, at_ms: r.get(3)? })
        })
        .storage("read comments")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .storage("read comments")?;
    Ok(v)
}

/// The newest approved version of a notice older than `number`, for the packet's diff.
pub(crate) fn previous_approved(conn: &Connection, notice: &str, number: i64) -> Result<Option<Version>> {
    let (notice_id, _) = notice_in(conn, notice)?;
    let r = conn
        .query_row(
            &format!(
                "{SELECT} WHERE v.notice_id = ?1 AND v.number < ?2 AND v.state IN ('approved', 'retired')
                 ORDER BY v.number DESC LIMIT 1"
            ),
            params![notice_id, number],
            row,
        )
        .optional()
        .storage("read a notice version")?;
    r.map(|r| finish(conn, r)).transpose()
}
