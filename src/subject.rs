//! Data subjects: the people whose consent is recorded. They are found by normalised email
//! or phone, and shown masked (脱敏) unless a role allowed to see them asks to reveal one
//! record, which is audited. This module is the one place the masking rules live.

use rusqlite::{params, Connection, OptionalExtension};
use unicode_normalization::UnicodeNormalization;

use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::Action;
use crate::session::{Session, Write};

mod search;
pub(crate) use crate::vault::search_index::index as index_search_terms;

/// A person's details as captured. Every field is optional, but a new person needs an
/// email or a phone number so that they can be found again.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectInput {
    /// Full name.
    pub name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Company.
    pub company: Option<String>,
}

/// How to find a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectKey {
    /// By subject id.
    Id(String),
    /// By email (normalised).
    Email(String),
    /// By phone (normalised).
    Phone(String),
}

/// A person as shown to an operator: masked unless revealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectView {
    /// Subject id.
    pub id: String,
    /// Name.
    pub name: Option<String>,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Whether the values are masked.
    pub masked: bool,
    /// Whether the person's data was erased.
    pub erased: bool,
}

/// Lower-cased, NFKC-normalised, trimmed email; `None` if it is not an address.
pub fn normalize_email(email: &str) -> Option<String> {
    let e: String = email.trim().nfkc().collect::<String>().to_lowercase();
    let (local, domain) = e.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@');
    ok.then_some(e)
}

/// Digits only, with a leading `+` for international numbers (`00` is read as `+`);
/// Chinese mobile numbers written with `+86` are stored in their national 11-digit form,
/// so `+86 138-0013-8000` and `13800138000` are the same person. `None` if it has fewer
/// than 5 or more than 15 digits.
pub fn normalize_phone(phone: &str) -> Option<String> {
    let p: String = phone.trim().nfkc().collect();
    let international = p.starts_with('+') || p.starts_with("00");
    let mut digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
    if p.chars().any(|c| c.is_alphabetic()) {
        return None;
    }
    if p.starts_with("00") {
        digits.drain(..2);
    }
    if !(5..=15).contains(&digits.len()) {
        return None;
    }
    if international {
        if digits.len() == 13 && digits.starts_with("861") {
            return Some(digits[2..].to_string());
        }
        return Some(format!("+{digits}"));
    }
    Some(digits)
}

/// z***@example.com
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// 138****1234: the first three and last four digits of a long number, otherwise only the last two.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let n = chars.len();
    if n >= 11 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}****{tail}")
    } else if n > 2 {
        let tail: String = chars[n - 2..].iter().collect();
        format!("{}{tail}", "*".repeat(n - 2))
    } else {
        "***".into()
    }
}

/// 张* for Chinese names (the family name stays); J*** D** for Latin names (initials stay).
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    if name.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) && !name.contains(' ') {
        let first: String = name.chars().take(1).collect();
        return format!("{first}{}", "*".repeat(name.chars().count().saturating_sub(1).max(1)));
    }
    name.split_whitespace()
        .map(|w| {
            let first: String = w.chars().take(1).collect();
            format!("{first}{}", "*".repeat(w.chars().count().saturating_sub(1).max(1)))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A company keeps its first two characters.
pub fn mask_company(company: &str) -> String {
    let head: String = company.trim().chars().take(2).collect();
    format!("{head}***")
}

pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) company: Option<String>,
    pub(crate) erased: bool,
}

impl Row {
    pub(crate) fn view(self, masked: bool) -> SubjectView {
        let m = |v: Option<String>, f: fn(&str) -> String| if masked { v.map(|s| f(&s)) } else { v };
        // Masks are made from the normalised forms, so one person always masks the same way.
        let email =
            if masked { self.email.as_deref().map(|e| normalize_email(e).unwrap_or_default()) } else { self.email };
        let phone =
            if masked { self.phone.as_deref().map(|p| normalize_phone(p).unwrap_or_default()) } else { self.phone };
        SubjectView {
            id: self.id,
            name: m(self.name, mask_name),
            email: m(email, mask_email),
            phone: m(phone, mask_phone),
            company: m(self.company, mask_company),
            masked,
            erased: self.erased,
        }
    }
}

pub(crate) fn lookup(conn: &Connection, key: &SubjectKey) -> Result<Option<Row>> {
    let (clause, value) = match key {
        SubjectKey::Id(id) => ("id = ?1", id.trim().to_string()),
        SubjectKey::Email(e) => ("email_norm = ?1", normalize_email(e).ok_or_else(|| bad_email(e))?),
        SubjectKey::Phone(p) => ("phone_norm = ?1", normalize_phone(p).ok_or_else(|| bad_phone(p))?),
    };
    conn.query_row(
        &format!("SELECT id, name, email, phone, company, erased_at_ms IS NOT NULL FROM subject WHERE {clause} ORDER BY created_at_ms LIMIT 1"),
        [value],
        |r| Ok(Row { id: r.get(0)?, name: r.get(1)?, email: r.get(2)?, phone: r.get(3)?, company: r.get(4)?, erased: r.get(5)? }),
    )
    .optional()
    .storage("find a person")
}

pub(crate) fn resolve(conn: &Connection, key: &SubjectKey) -> Result<String> {
    lookup(conn, key)?.map(|r| r.id).ok_or_else(|| not_found(key))
}

pub(crate) fn not_found(key: &SubjectKey) -> Error {
    let shown = match key {
        SubjectKey::Id(id) => id.clone(),
        SubjectKey::Email(e) => mask_email(e.trim()),
        SubjectKey::Phone(p) => mask_phone(p.trim()),
    };
    Error::NotFound {
        what: "person",
        key: shown,
        fix: "Check the email, phone or subject id; a person is added when their first consent is recorded.",
    }
}

fn bad_email(e: &str) -> Error {
    Error::invalid(format!("\"{}\" is not an email address.", mask_email(e.trim())), "Type it as name@example.com.")
}

fn bad_phone(p: &str) -> Error {
    Error::invalid(
        format!("\"{}\" is not a phone number.", mask_phone(p.trim())),
        "Type 5 to 15 digits, with + and the country code for numbers outside China.",
    )
}

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| s.nfc().collect())
}

/// Finds the person by email, then phone; creates them if neither matches. Missing fields
/// of a known person are filled in; fields already held are never overwritten silently.
pub(crate) fn find_or_create(w: &mut Write<'_>, input: &SubjectInput) -> Result<(String, bool)> {
    let name = clean(&input.name);
    let email = clean(&input.email);
    let phone = clean(&input.phone);
    let company = clean(&input.company);
    let email_norm = match &email {
        Some(e) => Some(normalize_email(e).ok_or_else(|| bad_email(e))?),
        None => None,
    };
    let phone_norm = match &phone {
        Some(p) => Some(normalize_phone(p).ok_or_else(|| bad_phone(p))?),
        None => None,
    };
    if email_norm.is_none() && phone_norm.is_none() {
        return Err(Error::invalid(
            "The person has no email address and no phone number, so their consent could never be found again.",
            "Record at least an email or a phone number.",
        ));
    }
    let mut found = None;
    if let Some(e) = &email_norm {
        found = lookup(&w.tx, &SubjectKey::Email(e.clone()))?;
    }
    if found.is_none() {
        if let Some(p) = &phone_norm {
            found = lookup(&w.tx, &SubjectKey::Phone(p.clone()))?;
        }
    }
    if let Some(row) = found {
        if row.erased {
            // An erased person who comes back is a new subject: the old record stays pseudonymous.
        } else {
            w.tx.execute(
                "UPDATE subject SET
                    name = coalesce(name, ?2),
                    email = coalesce(email, ?3), email_norm = coalesce(email_norm, ?4),
                    phone = coalesce(phone, ?5), phone_norm = coalesce(phone_norm, ?6),
                    company = coalesce(company, ?7)
                 WHERE id = ?1",
                params![row.id, name, email, email_norm, phone, phone_norm, company],
            )
            .storage("update a person")?;
            index_search_terms(&w.tx, &row.id)?;
            return Ok((row.id, false));
        }
    }
    let id = uuid::Uuid::now_v7().to_string();
    w.tx.execute(
        "INSERT INTO subject (id, name, email, email_norm, phone, phone_norm, company, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![id, name, email, email_norm, phone, phone_norm, company, w.now.timestamp_millis()],
    )
    .storage("add a person")?;
    index_search_terms(&w.tx, &id)?;
    w.audit("subject.create", &id, "");
    Ok((id, true))
}

/// Fills in a person's job title if none is held yet (it is never overwritten silently).
pub(crate) fn set_job_title(conn: &rusqlite::Connection, id: &str, title: &str) -> Result<()> {
    let title: String = title.trim().nfc().collect();
    conn.execute("UPDATE subject SET job_title = coalesce(job_title, ?2) WHERE id = ?1", params![id, title])
        .storage("update a person")?;
    Ok(())
}

/// Finds people whose name (or any word of it), email or phone starts with `query`
/// (case-insensitive, NFKC, phone numbers normalised; four digits also match the end of a
/// phone number), newest first when the query is empty. Index-backed at any size. Results
/// are always masked.
pub fn search(session: &mut Session, query: &str, limit: usize) -> Result<Vec<SubjectView>> {
    let limit = limit.clamp(1, 500);
    session.read(Action::ReadConsents, |conn| {
        Ok(search::run(conn, query, limit)?.into_iter().map(|r| r.view(true)).collect())
    })
}

/// `EXPLAIN QUERY PLAN` for every statement [`search`] runs for `query`, one line each.
#[cfg(feature = "test-support")]
pub fn explain_search(session: &mut Session, query: &str) -> Result<Vec<String>> {
    session.read(Action::ReadConsents, |conn| search::plan(conn, query))
}

/// Shows a person masked (any role that may read consents).
pub fn view(session: &mut Session, key: &SubjectKey) -> Result<SubjectView> {
    session.read(Action::ReadConsents, |conn| Ok(lookup(conn, key)?.ok_or_else(|| not_found(key))?.view(true)))
}

/// Shows one person's data unmasked (admin and legal); the reveal is in the audit log.
pub fn reveal(session: &mut Session, key: &SubjectKey) -> Result<SubjectView> {
    session.write(Action::RevealSubject, |w| {
        let row = lookup(&w.tx, key)?.ok_or_else(|| not_found(key))?;
        w.audit("subject.reveal", &row.id, "");
        Ok(row.view(false))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: fn(&str) -> String, input: &str, expect: &str) {
        assert_eq!(f(input), expect, "input {input:?}");
    }

    #[test]
    fn masking() {
        check(mask_email, "zhang.wei@example.com", "z***@example.com");
        check(mask_phone, "13812341234", "138****1234");
        check(mask_phone, "+4930123", "******23");
        check(mask_name, "张伟", "张*");
        check(mask_name, "欧阳娜娜", "欧***");
        check(mask_name, "Jane Doe", "J*** D**");
        check(mask_company, "Acme GmbH", "Ac***");
    }

    #[test]
    fn emails_normalise() {
        assert_eq!(normalize_email(" Zhang@Example.COM ").as_deref(), Some("zhang@example.com"));
        assert_eq!(normalize_email("ｚｈａｎｇ＠example.com").as_deref(), Some("zhang@example.com"));
        assert_eq!(normalize_email("no-at-sign"), None);
        assert_eq!(normalize_email("a@b"), None);
    }

    #[test]
    fn phones_normalise() {
        assert_eq!(normalize_phone("+86 138-0013-8000").as_deref(), Some("13800138000"));
        assert_eq!(normalize_phone("0086 13800138000").as_deref(), Some("13800138000"));
        assert_eq!(normalize_phone("138 0013 8000").as_deref(), Some("13800138000"));
        assert_eq!(normalize_phone("+49 (30) 1234567").as_deref(), Some("+49301234567"));
        assert_eq!(normalize_phone("１３８００１３８０００").as_deref(), Some("13800138000"));
        assert_eq!(normalize_phone("call me"), None);
        assert_eq!(normalize_phone("123"), None);
    }
}
