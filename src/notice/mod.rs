//! Notice versions: the exact wording a person was shown. An approved version is
//! immutable (the database refuses to change it) and identified by the SHA-256 of its
//! canonical form: the NFC text, its language and its processing profile.
//!
//! Legal staff write notices from a processing [`profile`] and a [`template`] of the
//! clause library; the [`lint`] checks them against PIPL, the GDPR and the EDPB consent
//! guidelines; the [`workflow`] takes a version from draft through review to approval,
//! which registers its wording here; [`diff`] shows what changed and [`packet`] exports
//! the review packet. A text approved elsewhere can also be registered directly.

use chrono::{DateTime, FixedOffset};
use rusqlite::{params, Connection};
use unicode_normalization::UnicodeNormalization;

use crate::domain::canonical::Canonical;
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::time::from_parts;
pub use crate::domain::Language;
use crate::domain::{Action, NoticeVersionId, OperatorId};
use crate::session::Session;
use crate::vault::column;

pub mod clause_form;
pub mod context;
pub mod diff;
pub mod form;
pub mod lint;
pub mod markdown;
pub mod packet;
pub mod profile;
mod proof;
pub mod template;
pub mod workflow;

pub(crate) use proof::verify_notices;

/// Checks a name used as a key (notice, profile, template): 1–64 lower-case ASCII
/// letters, digits, `-` and `_`, starting with a letter.
pub(crate) fn validate_slug(what: &str, name: &str) -> Result<String> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(name.to_string())
    } else {
        let _ = what;
        Err(msg::SLUG_UNUSABLE.with("name", name).into())
    }
}

/// A notice version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeVersion {
    /// Row id (UUID v7).
    pub id: NoticeVersionId,
    /// SHA-256 of the canonical form, hex: the version's identity.
    pub hash: String,
    /// Title.
    pub title: String,
    /// Language of the text.
    pub language: Language,
    /// The exact text (NFC).
    pub body: String,
    /// The processing profile it was written for (canonical JSON, or empty).
    pub profile: String,
    /// Where it is in the review workflow.
    pub state: workflow::State,
    /// Who registered it.
    pub created_by: OperatorId,
    /// When.
    pub created_at: DateTime<FixedOffset>,
}

/// The canonical SHA-256 of a notice: NFC text, language and profile.
pub fn canonical_hash(body: &str, language: Language, profile: &str) -> String {
    let nfc: String = body.nfc().collect();
    let mut c = Canonical::new("consentry/notice/v1");
    c.text(language.as_str()).text(&profile.nfc().collect::<String>()).text(&nfc);
    hex::encode(c.finish())
}

pub use crate::domain::text::hidden_characters;

fn canonical_profile(profile: Option<&str>) -> Result<String> {
    match profile.map(str::trim).filter(|p| !p.is_empty()) {
        None => Ok(String::new()),
        Some(p) => {
            let value: serde_json::Value =
                serde_json::from_str(p).map_err(|e| Error::from(msg::PROFILE_NOT_VALID.with("detail", e)))?;
            // serde_json's map keeps keys sorted, so this is a canonical encoding.
            serde_json::to_string(&value).map_err(|e| Error::from(msg::PROFILE_NOT_VALID.with("detail", e)))
        }
    }
}

/// Registers an existing, already-approved notice text (legal only).
pub fn register(
    session: &mut Session,
    title: &str,
    language: Language,
    body: &str,
    profile: Option<&str>,
) -> Result<NoticeVersion> {
    let title = title.trim();
    if title.is_empty() {
        return Err(Error::from(&msg::NOTICE_NO_TITLE));
    }
    let body: String = body.nfc().collect();
    if body.trim().is_empty() {
        return Err(Error::from(&msg::NOTICE_TEXT_EMPTY));
    }
    if let Some((at, ch)) = hidden_characters(&body).first() {
        let line = body[..*at].matches('\n').count() + 1;
        return Err(msg::NOTICE_HIDDEN_CHARACTER
            .with("code", format!("{:04X}", u32::from(*ch)))
            .with("line", line)
            .into());
    }
    let profile = canonical_profile(profile)?;
    let hash = canonical_hash(&body, language, &profile);
    session.write(Action::RegisterNotice, |w| {
        if find_in(&w.tx, &hash)?.is_some() {
            return Err(Error::Duplicate(msg::NOTICE_VERSION_EXISTS.with("hash", &hash[..12])));
        }
        let v = NoticeVersion {
            id: NoticeVersionId::generate(),
            hash: hash.clone(),
            title: title.to_string(),
            language,
            body: body.clone(),
            profile: profile.clone(),
            state: workflow::State::Approved,
            created_by: w.operator.id.clone(),
            created_at: w.now,
        };
        w.tx.execute(
            "INSERT INTO notice_version (id, hash, title, language, body, profile, state, created_by, created_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'approved', ?7, ?8)",
            params![
                v.id,
                v.hash,
                v.title,
                v.language.as_str(),
                v.body,
                v.profile,
                v.created_by,
                w.now.timestamp_millis()
            ],
        )
        .storage("register a notice")?;
        w.audit("notice.register", &v.hash, format!("{} {}", v.language, v.id));
        Ok(v)
    })
}

/// Lists notice versions, newest first.
pub fn list(session: &mut Session) -> Result<Vec<NoticeVersion>> {
    session.read(Action::ReadNotices, |conn| {
        let mut stmt =
            conn.prepare(&format!("{SELECT} ORDER BY created_at_ms DESC, id DESC")).storage("list notices")?;
        let rows = stmt.query_map([], row_to_version).storage("list notices")?;
        rows.collect::<rusqlite::Result<Vec<_>>>().storage("list notices")
    })
}

/// Finds a version by its hash, a hash prefix of at least 8 characters, or its id.
pub fn find(session: &mut Session, key: &str) -> Result<NoticeVersion> {
    session.read(Action::ReadNotices, |conn| find_in(conn, key)?.ok_or_else(|| not_found(key)))
}

pub(crate) fn not_found(key: &str) -> Error {
    Error::NotFound(msg::NOTICE_VERSION_NOT_FOUND.with("key", key.trim()))
}

const SELECT: &str =
    "SELECT id, hash, title, language, body, profile, state, created_by, created_at_ms FROM notice_version";

pub(crate) fn find_in(conn: &Connection, key: &str) -> Result<Option<NoticeVersion>> {
    let key = key.trim().to_ascii_lowercase();
    if key.len() < 8 {
        return Ok(None);
    }
    let mut stmt = conn
        .prepare(&format!(
            "{SELECT} WHERE id = ?1 OR hash = ?1 OR (length(?1) < 64 AND substr(hash, 1, length(?1)) = ?1) LIMIT 2"
        ))
        .storage("find a notice")?;
    let found = stmt
        .query_map([&key], row_to_version)
        .storage("find a notice")?
        .collect::<rusqlite::Result<Vec<_>>>()
        .storage("find a notice")?;
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.into_iter().next()),
        _ => Err(msg::NOTICE_HASH_AMBIGUOUS.with("key", key).into()),
    }
}

fn row_to_version(r: &rusqlite::Row<'_>) -> rusqlite::Result<NoticeVersion> {
    Ok(NoticeVersion {
        id: r.get(0)?,
        hash: r.get(1)?,
        title: r.get(2)?,
        language: column(r, 3)?,
        body: r.get(4)?,
        profile: r.get(5)?,
        state: column(r, 6)?,
        created_by: r.get(7)?,
        created_at: from_parts(r.get(8)?, 0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_over_nfc_language_and_profile() {
        let composed = "caf\u{e9}";
        let decomposed = "cafe\u{301}";
        assert_eq!(canonical_hash(composed, Language::En, ""), canonical_hash(decomposed, Language::En, ""));
        assert_ne!(canonical_hash(composed, Language::En, ""), canonical_hash(composed, Language::ZhCn, ""));
        assert_ne!(canonical_hash(composed, Language::En, ""), canonical_hash(composed, Language::En, "{}"));
        assert_ne!(canonical_hash("a ", Language::En, ""), canonical_hash("a", Language::En, ""));
    }

    #[test]
    fn hidden_characters_are_found() {
        assert_eq!(hidden_characters("ok 同意"), vec![]);
        assert_eq!(hidden_characters("a\u{202E}b").len(), 1);
        assert_eq!(hidden_characters("a\u{200B}b").len(), 1);
    }

    #[test]
    fn stored_names_parse_back() {
        for l in Language::ALL {
            assert_eq!(l.as_str().parse::<Language>().unwrap(), *l);
        }
    }

    #[test]
    fn language_tags() {
        assert_eq!(Language::parse_tag("zh_CN").unwrap(), Language::ZhCn);
        assert_eq!(Language::parse_tag("en-GB").unwrap(), Language::En);
        assert!(Language::parse_tag("fr").is_err());
    }
}
