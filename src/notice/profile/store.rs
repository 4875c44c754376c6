//! Profiles as saved: each save a new revision in `processing_profile`, read back whole.

use rusqlite::{params, Connection, OptionalExtension};

use super::{check_bounds, resolve, Profile};
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::Action;
use crate::session::Session;

/// A saved profile revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileRevision {
    /// The profile.
    pub profile: Profile,
    /// Revision number, from 1.
    pub rev: i64,
    /// Who saved it (operator name).
    pub saved_by: String,
    /// When (ms since the epoch).
    pub saved_at_ms: i64,
}

/// Saves a profile as its next revision (legal). Its codes must be in the catalogue.
/// Saving an unchanged profile is a no-op that returns the current revision.
pub fn save(session: &mut Session, profile: &Profile) -> Result<ProfileRevision> {
    crate::notice::validate_slug("profile", &profile.name)?;
    check_bounds(profile)?;
    let body = serde_json::to_string(profile).unwrap_or_default();
    session.write(Action::DraftNotice, |w| {
        resolve(&w.tx, profile)?;
        if let Some(current) = latest_in(&w.tx, &profile.name)? {
            if current.profile == *profile {
                return Ok(current);
            }
        }
        let rev: i64 = w
            .tx
            .query_row("SELECT coalesce(max(rev), 0) + 1 FROM processing_profile WHERE name = ?1", [&profile.name], |r| {
                r.get(0)
            })
            .storage("save a profile")?;
        w.tx.execute(
            "INSERT INTO processing_profile (id, name, rev, body, created_by, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![uuid::Uuid::now_v7().to_string(), profile.name, rev, body, w.operator.id, w.now.timestamp_millis()],
        )
        .storage("save a profile")?;
        w.audit("profile.save", &profile.name, format!("rev {rev}"));
        Ok(ProfileRevision {
            profile: profile.clone(),
            rev,
            saved_by: w.operator.name.clone(),
            saved_at_ms: w.now.timestamp_millis(),
        })
    })
}

/// The current revision of a profile.
pub fn get(session: &mut Session, name: &str) -> Result<ProfileRevision> {
    session.read(Action::ReadDrafts, |conn| {
        latest_in(conn, name)?.ok_or_else(|| Error::NotFound(msg::PROFILE_NOT_FOUND.with("name", name.trim())))
    })
}

/// The current revision of every profile, by name.
pub fn list(session: &mut Session) -> Result<Vec<ProfileRevision>> {
    session.read(Action::ReadDrafts, |conn| {
        let mut stmt = conn
            .prepare(
                "SELECT p.body, p.rev, o.name, p.created_at_ms FROM processing_profile p JOIN operator o ON o.id = p.created_by
                 WHERE p.rev = (SELECT max(rev) FROM processing_profile q WHERE q.name = p.name) ORDER BY p.name",
            )
            .storage("list profiles")?;
        let rows = stmt.query_map([], row).storage("list profiles")?;
        let rows = rows.collect::<rusqlite::Result<Vec<_>>>().storage("list profiles")?;
        rows.into_iter().map(parse_row).collect()
    })
}

pub(crate) fn latest_in(conn: &Connection, name: &str) -> Result<Option<ProfileRevision>> {
    let r = conn
        .query_row(
            "SELECT p.body, p.rev, o.name, p.created_at_ms FROM processing_profile p JOIN operator o ON o.id = p.created_by
             WHERE p.name = ?1 ORDER BY p.rev DESC LIMIT 1",
            [name.trim()],
            row,
        )
        .optional()
        .storage("read a profile")?;
    r.map(parse_row).transpose()
}

type Row = (String, i64, String, i64);

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
}

fn parse_row((body, rev, saved_by, saved_at_ms): Row) -> Result<ProfileRevision> {
    let profile = serde_json::from_str(&body).map_err(|e| {
        tracing::error!(error = %e, "stored profile");
        Error::Storage { context: "a stored processing profile cannot be read" }
    })?;
    Ok(ProfileRevision { profile, rev, saved_by, saved_at_ms })
}
