//! The people search index: blind terms (see `personal.rs`) of each prefix a search may
//! type, as rows of `subject_blind_term`, looked up exactly. The terms are made when details
//! are written (the plaintext is not kept to make them again): every prefix of the name and
//! of each word of it, and of the normalised email, up to [`PREFIX_CHARS`] characters; every
//! prefix of three or more phone digits and every tail of four or more. Kept here, in
//! storage, because the migration to schema 10 fills it; the `subject` module queries it.

use rusqlite::{params, Connection};
use unicode_normalization::UnicodeNormalization;

use super::personal::IndexKey;
use crate::domain::error::{Result, StorageContext};

/// How many characters of a name or email prefix are indexed; a longer query is looked up
/// by its first this many characters.
pub(crate) const PREFIX_CHARS: usize = 12;

/// NFKC, lower case, runs of white space as one space.
pub(crate) fn fold(text: &str) -> String {
    let t: String = text.nfkc().collect::<String>().to_lowercase();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn prefixes_of(text: &str, from: usize, out: &mut Vec<(&'static str, String)>, kind: &'static str) {
    let chars: Vec<char> = text.chars().collect();
    for n in from..=chars.len().min(PREFIX_CHARS) {
        out.push((kind, chars[..n].iter().collect()));
    }
}

/// The searchable terms of one person's details, before keying: (kind, text).
pub(crate) fn terms(
    name: Option<&str>,
    email_norm: Option<&str>,
    phone_norm: Option<&str>,
) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if let Some(n) = name.map(fold).filter(|n| !n.is_empty()) {
        prefixes_of(&n, 1, &mut out, "n");
        for w in n.split(' ').skip(1) {
            prefixes_of(w, 1, &mut out, "n");
        }
    }
    if let Some(e) = email_norm {
        prefixes_of(e, 1, &mut out, "e");
        out.push(("E", e.to_string()));
    }
    if let Some(p) = phone_norm {
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        for n in 3..=digits.len() {
            out.push(("p", digits[..n].to_string()));
        }
        for start in 1..digits.len().saturating_sub(3) {
            out.push(("s", digits[start..].to_string()));
        }
        out.push(("P", p.to_string()));
    }
    out.sort();
    out.dedup();
    out
}

/// Adds the terms of details just written for one person (new, or filled in).
pub(crate) fn add(
    conn: &Connection,
    index: &IndexKey,
    subject_id: &str,
    name: Option<&str>,
    email_norm: Option<&str>,
    phone_norm: Option<&str>,
) -> Result<()> {
    let ctx = "index a person for search";
    let mut insert = conn
        .prepare_cached("INSERT OR IGNORE INTO subject_blind_term (term, subject_id) VALUES (?1, ?2)")
        .storage(ctx)?;
    for (kind, text) in terms(name, email_norm, phone_norm) {
        insert.execute(params![index.term(kind, &text), subject_id]).storage(ctx)?;
    }
    Ok(())
}

/// Removes one person's terms (erasure).
pub(crate) fn remove(conn: &Connection, subject_id: &str) -> Result<()> {
    conn.execute("DELETE FROM subject_blind_term WHERE subject_id = ?1", [subject_id])
        .storage("remove a person from the search index")?;
    Ok(())
}

/// The migration to schema 10: makes the index key, then the blind terms, blind email and
/// phone indexes and masked forms of every person from the plaintext columns they still
/// have, and empties the plaintext search terms.
pub(crate) fn migrate_to_blind(conn: &Connection) -> Result<()> {
    let ctx = "index people for search";
    super::personal::create_index_key(conn)?;
    let index = super::personal::index_key(conn)?;
    type Person = (String, Option<String>, Option<String>, Option<String>, Option<String>, Option<String>);
    let people: Vec<Person> = {
        let mut stmt = conn
            .prepare("SELECT id, name, email, email_norm, phone_norm, company FROM subject WHERE erased_at_ms IS NULL")
            .storage(ctx)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .storage(ctx)?;
        rows.collect::<rusqlite::Result<_>>().storage(ctx)?
    };
    for (id, name, _email, email_norm, phone_norm, company) in people {
        add(conn, &index, &id, name.as_deref(), email_norm.as_deref(), phone_norm.as_deref())?;
        let masked = crate::domain::mask::Masked::of(
            name.as_deref(),
            email_norm.as_deref(),
            phone_norm.as_deref(),
            company.as_deref(),
        );
        conn.execute(
            "UPDATE subject SET email_index = ?2, phone_index = ?3, name_masked = ?4, email_masked = ?5,
                    phone_masked = ?6, company_masked = ?7 WHERE id = ?1",
            params![
                id,
                email_norm.as_deref().map(|e| index.term("E", e)),
                phone_norm.as_deref().map(|p| index.term("P", p)),
                masked.name,
                masked.email,
                masked.phone,
                masked.company
            ],
        )
        .storage(ctx)?;
    }
    conn.execute("DELETE FROM subject_term", []).storage(ctx)?;
    Ok(())
}
