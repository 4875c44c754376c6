//! Finding people while the operator types, backed by an index at any size: each person's
//! searchable terms (every prefix of their name and of each word of it and of their
//! normalised email, every prefix of three or more phone digits and every tail of four or
//! more, so that "138" or the last four digits find a number) are blind terms in
//! `subject_blind_term` (see `vault/search_index.rs`), and a query is one exact lookup on its
//! primary key per kind of term, never a table scan.

use rusqlite::{params, Connection};

use super::{normalize_phone, Row, MASKED_COLUMNS};
use crate::domain::error::{Result, StorageContext};
use crate::vault::personal::IndexKey;
use crate::vault::search_index::{fold, PREFIX_CHARS};

/// The terms a query is looked up under, in the order results are shown: (kind, text).
pub(crate) fn prefixes(query: &str) -> Vec<(&'static str, String)> {
    let q = fold(query);
    if q.is_empty() {
        return Vec::new();
    }
    let head: String = q.chars().take(PREFIX_CHARS).collect();
    let mut out = vec![("n", head.clone()), ("e", head)];
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
        if digits.len() >= 3 {
            out.push(("p", digits.clone()));
            if digits.len() >= 4 {
                out.push(("s", digits.clone()));
            }
            if let Some(n) = normalize_phone(&q) {
                let n: String = n.chars().filter(char::is_ascii_digit).collect();
                if n != digits {
                    out.push(("p", n));
                }
            }
        }
    }
    if q.contains('@') {
        // A whole address is looked up first, so that an exact match comes first and says so.
        out.insert(0, ("E", q.clone()));
    }
    out.dedup();
    out
}

/// The statement each term runs: one exact lookup on `subject_blind_term`'s primary key,
/// newest person first.
pub(crate) fn term_sql() -> String {
    format!(
        "SELECT {MASKED_COLUMNS} FROM subject_blind_term t JOIN subject s ON s.id = t.subject_id
         WHERE t.term = ?1 ORDER BY t.subject_id DESC LIMIT ?2"
    )
}

/// A query that is a receipt id (as printed, in any case, with dashes or spaces, or as the
/// receipt's QR code holds it): the id, for one lookup on `receipt`'s primary key.
pub(crate) fn receipt_id(query: &str) -> Option<String> {
    let q = query.trim();
    let q = q.strip_prefix(crate::domain::ids::RECEIPT_QR_PREFIX).unwrap_or(q);
    let id = crate::domain::ids::normalize_receipt_id(q);
    let crockford = |c: char| c.is_ascii_digit() || (c.is_ascii_uppercase() && !"ILOU".contains(c));
    // Ten characters with a letter and a digit: a phone tail or a name is never taken for one.
    (id.len() == 10
        && id.chars().all(crockford)
        && id.chars().any(|c| c.is_ascii_digit())
        && id.chars().any(|c| c.is_ascii_alphabetic()))
    .then_some(id)
}

/// A query for an e-mail domain: `@` and the start of the domain (`@acme`, `@Acme-Events.cn`),
/// folded as addresses are stored.
pub(crate) fn domain(query: &str) -> Option<String> {
    let d = fold(query.trim().strip_prefix('@')?);
    (!d.is_empty() && !d.contains(' ') && !d.contains('@')).then_some(d)
}

/// The part of the masked address after the `@`, as `subject_email_domain` indexes it.
const DOMAIN: &str = "substr(s.email_masked, instr(s.email_masked, '@') + 1)";

/// The people whose e-mail domain is `?1`, newest first (the index read backwards), then
/// those whose domain only starts with it (`?1` < domain < `?2`, in index order): both read
/// from the masked address, which shows the domain.
pub(crate) fn domain_sql() -> [String; 2] {
    [
        format!(
            "SELECT {MASKED_COLUMNS} FROM subject s INDEXED BY subject_email_domain
             WHERE {DOMAIN} = ?1 ORDER BY s.id DESC LIMIT ?2"
        ),
        format!(
            "SELECT {MASKED_COLUMNS} FROM subject s INDEXED BY subject_email_domain
             WHERE {DOMAIN} > ?1 AND {DOMAIN} < ?2 LIMIT ?3"
        ),
    ]
}

/// The end of the range of domains that start with `d`.
fn domain_end(d: &str) -> String {
    format!("{d}\u{10FFFF}")
}

/// The person a receipt was issued to.
pub(crate) fn receipt_sql() -> String {
    format!("SELECT {MASKED_COLUMNS} FROM receipt r JOIN subject s ON s.id = r.subject_id WHERE r.id = ?1")
}

/// With an empty query: the newest people, from the index on `created_at_ms`.
pub(crate) fn newest_sql() -> String {
    format!("SELECT {MASKED_COLUMNS} FROM subject s ORDER BY s.created_at_ms DESC LIMIT ?1")
}

/// Runs the search; rows are masked as stored, each with the kind of term it was found by
/// (none for the newest people of an empty query).
pub(crate) fn run(
    conn: &Connection,
    index: &IndexKey,
    query: &str,
    limit: usize,
) -> Result<Vec<(Row, Option<&'static str>)>> {
    let ctx = "search people";
    let n = i64::try_from(limit).unwrap_or(500);
    let terms = prefixes(query);
    if terms.is_empty() {
        let mut stmt = conn.prepare_cached(&newest_sql()).storage(ctx)?;
        let rows = stmt.query_map([n], |r| Row::read(r, 0)).storage(ctx)?;
        return rows.map(|r| r.map(|r| (r, None))).collect::<rusqlite::Result<Vec<_>>>().storage(ctx);
    }
    let mut out: Vec<(Row, Option<&'static str>)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    if let Some(id) = receipt_id(query) {
        let mut stmt = conn.prepare_cached(&receipt_sql()).storage(ctx)?;
        let rows = stmt.query_map([&id], |r| Row::read(r, 0)).storage(ctx)?;
        for r in rows {
            let r = r.storage(ctx)?;
            if seen.insert(r.id.clone()) {
                out.push((r, Some("r")));
            }
        }
    }
    if let Some(d) = domain(query) {
        let [exact, prefix] = domain_sql();
        let mut stmt = conn.prepare_cached(&exact).storage(ctx)?;
        let mut found: Vec<Row> = stmt
            .query_map(params![d, n], |r| Row::read(r, 0))
            .storage(ctx)?
            .collect::<rusqlite::Result<_>>()
            .storage(ctx)?;
        if found.len() < limit {
            let mut stmt = conn.prepare_cached(&prefix).storage(ctx)?;
            let rest = stmt.query_map(params![d, domain_end(&d), n], |r| Row::read(r, 0)).storage(ctx)?;
            found.extend(rest.collect::<rusqlite::Result<Vec<_>>>().storage(ctx)?);
        }
        for r in found {
            if out.len() < limit && seen.insert(r.id.clone()) {
                out.push((r, Some("d")));
            }
        }
    }
    let mut stmt = conn.prepare_cached(&term_sql()).storage(ctx)?;
    for (kind, text) in terms {
        if out.len() >= limit {
            break;
        }
        let rows = stmt.query_map(params![index.term(kind, &text), n], |r| Row::read(r, 0)).storage(ctx)?;
        for r in rows {
            let r = r.storage(ctx)?;
            if out.len() < limit && seen.insert(r.id.clone()) {
                out.push((r, Some(kind)));
            }
        }
    }
    Ok(out)
}

/// `EXPLAIN QUERY PLAN` of every statement a search for `query` runs (for tests and the
/// benchmark): each line says whether SQLite searches an index or scans a table.
#[cfg(feature = "test-support")]
pub(crate) fn plan(conn: &Connection, index: &IndexKey, query: &str) -> Result<Vec<String>> {
    let ctx = "explain a search";
    let mut lines = Vec::new();
    let terms = prefixes(query);
    let mut explain = |sql: &str, args: &[&dyn rusqlite::ToSql]| -> Result<()> {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).storage(ctx)?;
        let rows = stmt.query_map(args, |r| r.get::<_, String>(3)).storage(ctx)?;
        for r in rows {
            lines.push(r.storage(ctx)?);
        }
        Ok(())
    };
    if terms.is_empty() {
        explain(&newest_sql(), &[&50i64])?;
    }
    if let Some(id) = receipt_id(query) {
        explain(&receipt_sql(), &[&id])?;
    }
    if let Some(d) = domain(query) {
        let [exact, prefix] = domain_sql();
        explain(&exact, &[&d, &50i64])?;
        explain(&prefix, &[&d, &domain_end(&d), &50i64])?;
    }
    for (kind, text) in terms {
        explain(&term_sql(), &[&index.term(kind, &text), &50i64])?;
    }
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::search_index::terms;

    fn texts(t: Vec<(&'static str, String)>) -> Vec<String> {
        t.into_iter().map(|(k, v)| format!("{k}:{v}")).collect()
    }

    #[test]
    fn a_receipt_id_is_read_as_printed_and_nothing_else_is() {
        assert_eq!(receipt_id("7kq2-m9xd-4p").as_deref(), Some("7KQ2M9XD4P"));
        assert_eq!(receipt_id("CONSENTRY-RECEIPT:7KQ2M9XD4P").as_deref(), Some("7KQ2M9XD4P"));
        for not_one in ["13800138000", "zhangweiabc", "1380013800", "abcdefghjk", "7KQ2M9XD4PX", ""] {
            assert_eq!(receipt_id(not_one), None, "{not_one}");
        }
    }

    #[test]
    fn terms_cover_prefixes_of_name_words_email_and_phone() {
        let t = texts(terms(Some("Jane  DOE"), Some("jane@ex.org"), Some("13800138000")));
        for want in [
            "n:j",
            "n:jane d",
            "n:d",
            "n:doe",
            "e:j",
            "e:jane@ex.org",
            "E:jane@ex.org",
            "p:138",
            "p:13800138000",
            "s:8000",
            "s:3800138000",
            "P:13800138000",
        ] {
            assert!(t.contains(&want.to_string()), "{want} missing from {t:?}");
        }
        assert!(!t.contains(&"s:000".to_string()), "tails start at four digits");
        assert!(!t.contains(&"p:13".to_string()), "phone prefixes start at three digits");
        let long = texts(terms(Some("Bartholomew Fitzgerald"), None, None));
        assert!(long.iter().all(|t| t.chars().count() <= 2 + PREFIX_CHARS), "{long:?}");
        assert_eq!(texts(terms(Some("张伟"), None, None)), vec!["n:张", "n:张伟"]);
    }

    #[test]
    fn phone_queries_are_normalised() {
        assert!(prefixes("+86 138").contains(&("p", "138".to_string())));
        assert!(prefixes("8000").contains(&("s", "8000".to_string())));
        assert_eq!(prefixes("  "), Vec::<(&str, String)>::new());
        assert_eq!(prefixes("ZHANG"), vec![("n", "zhang".to_string()), ("e", "zhang".to_string())]);
        assert!(prefixes("a.very.long.address@example.com").contains(&("e", "a.very.long.".to_string())));
    }
}
