//! Finding people while the operator types, backed by an index at any size: each person's
//! searchable terms (name and each word of it, normalised email, phone digits, and every
//! tail of four or more phone digits, so that "0013" or the last four digits find a number)
//! are rows of `subject_term`, and a prefix is a range query on its
//! primary key (`term >= prefix AND term < prefix + U+10FFFF`), never a table scan.

use rusqlite::{params, Connection};

use super::{normalize_phone, Row};
use crate::domain::error::{Result, StorageContext};
use crate::vault::search_index::fold;

/// The prefix ranges a query is looked up under, in the order results are shown.
pub(crate) fn prefixes(query: &str) -> Vec<String> {
    let q = fold(query);
    if q.is_empty() {
        return Vec::new();
    }
    let mut out = vec![format!("n:{q}"), format!("e:{q}")];
    let phone_like = q.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let mut digits: String = q.chars().filter(char::is_ascii_digit).collect();
    if phone_like && digits.len() >= 3 {
        // A Chinese number typed with its country code is stored in national form; "00" is
        // read as an international prefix only in a longer query ("0013" is part of a number).
        if q.starts_with("+86") || (q.starts_with("0086") && digits.len() >= 6) {
            let cut = if q.starts_with('+') { 2 } else { 4 };
            digits.drain(..cut.min(digits.len()));
        } else if q.starts_with("00") && digits.len() >= 6 {
            digits.drain(..2);
        }
        if !digits.is_empty() {
            out.push(format!("p:{digits}"));
            out.push(format!("s:{digits}"));
            if let Some(n) = normalize_phone(&q) {
                let n: String = n.chars().filter(char::is_ascii_digit).collect();
                if n != digits {
                    out.push(format!("p:{n}"));
                }
            }
        }
    }
    out.dedup();
    out
}

/// The statement each prefix range runs: a range on `subject_term`'s primary key.
pub(crate) const RANGE_SQL: &str = "SELECT s.id, s.name, s.email, s.phone, s.company, s.erased_at_ms IS NOT NULL
     FROM subject_term t JOIN subject s ON s.id = t.subject_id
     WHERE t.term >= ?1 AND t.term < ?2 ORDER BY t.term LIMIT ?3";

/// With an empty query: the newest people, from the index on `created_at_ms`.
pub(crate) const NEWEST_SQL: &str = "SELECT id, name, email, phone, company, erased_at_ms IS NOT NULL
     FROM subject ORDER BY created_at_ms DESC LIMIT ?1";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        phone: r.get(3)?,
        company: r.get(4)?,
        erased: r.get(5)?,
    })
}

/// Runs the search; rows are unmasked here and masked by the caller.
pub(crate) fn run(conn: &Connection, query: &str, limit: usize) -> Result<Vec<Row>> {
    let ctx = "search people";
    let n = i64::try_from(limit).unwrap_or(500);
    let ranges = prefixes(query);
    if ranges.is_empty() {
        let mut stmt = conn.prepare_cached(NEWEST_SQL).storage(ctx)?;
        let rows = stmt.query_map([n], row).storage(ctx)?;
        return rows.collect::<rusqlite::Result<Vec<_>>>().storage(ctx);
    }
    let mut out: Vec<Row> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut stmt = conn.prepare_cached(RANGE_SQL).storage(ctx)?;
    for p in ranges {
        if out.len() >= limit {
            break;
        }
        let upper = format!("{p}\u{10FFFF}");
        let rows = stmt.query_map(params![p, upper, n], row).storage(ctx)?;
        for r in rows {
            let r = r.storage(ctx)?;
            if out.len() < limit && seen.insert(r.id.clone()) {
                out.push(r);
            }
        }
    }
    Ok(out)
}

/// `EXPLAIN QUERY PLAN` of every statement a search for `query` runs (for tests and the
/// benchmark): each line says whether SQLite searches an index or scans a table.
#[cfg(feature = "test-support")]
pub(crate) fn plan(conn: &Connection, query: &str) -> Result<Vec<String>> {
    let ctx = "explain a search";
    let mut lines = Vec::new();
    let ranges = prefixes(query);
    let mut explain = |sql: &str, args: &[&dyn rusqlite::ToSql]| -> Result<()> {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).storage(ctx)?;
        let rows = stmt.query_map(args, |r| r.get::<_, String>(3)).storage(ctx)?;
        for r in rows {
            lines.push(r.storage(ctx)?);
        }
        Ok(())
    };
    if ranges.is_empty() {
        explain(NEWEST_SQL, &[&50i64])?;
    }
    for p in ranges {
        let upper = format!("{p}\u{10FFFF}");
        explain(RANGE_SQL, &[&p, &upper, &50i64])?;
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::search_index::terms;

    #[test]
    fn terms_cover_name_words_email_and_phone() {
        let t = terms(Some("Jane  DOE"), Some("jane@example.org"), Some("13800138000"));
        assert_eq!(
            t,
            vec![
                "e:jane@example.org",
                "n:doe",
                "n:jane doe",
                "p:13800138000",
                "s:00138000",
                "s:0138000",
                "s:138000",
                "s:38000",
                "s:3800138000",
                "s:8000",
                "s:800138000"
            ]
        );
        assert_eq!(terms(Some("张伟"), None, Some("123456")), vec!["n:张伟", "p:123456", "s:23456", "s:3456"]);
    }

    #[test]
    fn phone_queries_are_normalised() {
        assert!(prefixes("+86 138").contains(&"p:138".to_string()));
        assert!(prefixes("8000").contains(&"s:8000".to_string()));
        assert_eq!(prefixes("  "), Vec::<String>::new());
        assert_eq!(prefixes("ZHANG"), vec!["n:zhang", "e:zhang"]);
    }
}
