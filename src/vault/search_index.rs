//! The people search index: each person's searchable terms (name and each word of it,
//! normalised email, phone digits, and every tail of four or more phone digits) as rows of
//! `subject_term`. Kept here, in storage, because a migration fills it and every write of a
//! person rewrites it; the `subject` module queries it.

use rusqlite::{params, Connection};
use unicode_normalization::UnicodeNormalization;

use crate::domain::error::{Result, StorageContext};

/// NFKC, lower case, runs of white space as one space.
pub(crate) fn fold(text: &str) -> String {
    let t: String = text.nfkc().collect::<String>().to_lowercase();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The searchable terms of one person.
pub(crate) fn terms(name: Option<&str>, email_norm: Option<&str>, phone_norm: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(n) = name.map(fold).filter(|n| !n.is_empty()) {
        let words: Vec<&str> = n.split(' ').collect();
        if words.len() > 1 {
            out.extend(words.iter().skip(1).map(|w| format!("n:{w}")));
        }
        out.push(format!("n:{n}"));
    }
    if let Some(e) = email_norm {
        out.push(format!("e:{e}"));
    }
    if let Some(p) = phone_norm {
        let digits: String = p.chars().filter(char::is_ascii_digit).collect();
        for start in 1..digits.len().saturating_sub(3) {
            out.push(format!("s:{}", &digits[start..]));
        }
        out.push(format!("p:{digits}"));
    }
    out.sort();
    out.dedup();
    out
}

/// Rewrites one person's terms from their stored row (after adding, completing or erasing).
pub(crate) fn index(conn: &Connection, subject_id: &str) -> Result<()> {
    let ctx = "index a person for search";
    conn.execute("DELETE FROM subject_term WHERE subject_id = ?1", [subject_id]).storage(ctx)?;
    let row: (Option<String>, Option<String>, Option<String>, bool) = conn
        .query_row(
            "SELECT name, email_norm, phone_norm, erased_at_ms IS NOT NULL FROM subject WHERE id = ?1",
            [subject_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .storage(ctx)?;
    if row.3 {
        return Ok(());
    }
    let mut insert =
        conn.prepare_cached("INSERT OR IGNORE INTO subject_term (term, subject_id) VALUES (?1, ?2)").storage(ctx)?;
    for t in terms(row.0.as_deref(), row.1.as_deref(), row.2.as_deref()) {
        insert.execute(params![t, subject_id]).storage(ctx)?;
    }
    Ok(())
}

/// Fills the terms of every person (used once, by the migration that adds the index).
pub fn rebuild_search_terms(conn: &Connection) -> Result<()> {
    let ids: Vec<String> = {
        let mut stmt = conn.prepare("SELECT id FROM subject").storage("index people for search")?;
        let rows = stmt.query_map([], |r| r.get(0)).storage("index people for search")?;
        rows.collect::<rusqlite::Result<_>>().storage("index people for search")?
    };
    for id in ids {
        index(conn, &id)?;
    }
    Ok(())
}
