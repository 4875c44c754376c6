//! Data subjects: the people whose consent is recorded. They are found by normalised email
//! or phone, and shown masked (脱敏) unless a role allowed to see them asks to reveal one
//! record, which is audited. This module is the one place the masking rules live.

use rusqlite::{params, Connection, OptionalExtension};
use unicode_normalization::UnicodeNormalization;

pub use crate::domain::mask::{
    mask_company, mask_email, mask_name, mask_phone, normalize_email, normalize_phone, Masked,
};

use crate::domain::canonical::sha256_hex;
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::string_enum;
use crate::domain::text::check_person_field;
use crate::domain::{Action, SubjectId};
use crate::session::{Session, Write};

mod search;
use crate::vault::personal::IndexKey;
use crate::vault::search_index;

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
    Id(SubjectId),
    /// By email (normalised).
    Email(String),
    /// By phone (normalised).
    Phone(String),
}

/// A person as shown to an operator: masked unless revealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectView {
    /// Subject id.
    pub id: SubjectId,
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

/// The columns a masked view of a person is read from (every role may read them).
pub(crate) const MASKED_COLUMNS: &str =
    "s.id, s.name_masked, s.email_masked, s.phone_masked, s.company_masked, s.erased_at_ms IS NOT NULL";

/// A person as stored for display: masked.
pub(crate) struct Row {
    pub(crate) id: String,
    pub(crate) name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) company: Option<String>,
    pub(crate) erased: bool,
}

impl Row {
    /// Reads [`MASKED_COLUMNS`] starting at column `at`.
    pub(crate) fn read(r: &rusqlite::Row<'_>, at: usize) -> rusqlite::Result<Row> {
        Ok(Row {
            id: r.get(at)?,
            name: r.get(at + 1)?,
            email: r.get(at + 2)?,
            phone: r.get(at + 3)?,
            company: r.get(at + 4)?,
            erased: r.get(at + 5)?,
        })
    }

    /// The masked view.
    pub(crate) fn view(self) -> SubjectView {
        SubjectView {
            id: self.id.into(),
            name: self.name,
            email: self.email,
            phone: self.phone,
            company: self.company,
            masked: true,
            erased: self.erased,
        }
    }
}

/// A person's details unmasked (opened with the private personal-data key).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Details {
    pub(crate) name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) company: Option<String>,
    pub(crate) job_title: Option<String>,
}

const FIELDS: [&str; 5] = ["name", "email", "phone", "company", "job_title"];

/// Opens one person's details: plaintext columns of a vault whose sealing is pending, sealed
/// ones otherwise. Refused without the private personal-data key if anything is sealed.
pub(crate) fn details(w: &mut Write<'_>, id: &str) -> Result<Details> {
    let ctx = "read a person";
    let (plain, sealed): ([Option<String>; 5], [Option<Vec<u8>>; 5]) =
        w.tx.query_row(
            "SELECT name, email, phone, company, job_title,
                    name_sealed, email_sealed, phone_sealed, company_sealed, job_title_sealed
             FROM subject WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    [r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?],
                    [r.get(5)?, r.get(6)?, r.get(7)?, r.get(8)?, r.get(9)?],
                ))
            },
        )
        .storage(ctx)?;
    let mut out: [Option<String>; 5] = Default::default();
    for (i, (p, s)) in plain.into_iter().zip(sealed).enumerate() {
        out[i] = match (p, s) {
            (Some(p), _) => Some(p),
            (None, Some(s)) => Some(w.open_text(&format!("subject.{}", FIELDS[i]), id, &s)?),
            (None, None) => None,
        };
    }
    let [name, email, phone, company, job_title] = out;
    Ok(Details { name, email, phone, company, job_title })
}

/// Finds a person by id, or by the blind index of their normalised email or phone.
pub(crate) fn lookup(conn: &Connection, index: &IndexKey, key: &SubjectKey) -> Result<Option<Row>> {
    let (clause, value): (&str, rusqlite::types::Value) = match key {
        SubjectKey::Id(id) => ("s.id = ?1", id.trim().to_string().into()),
        SubjectKey::Email(e) => {
            ("s.email_index = ?1", index.term("E", &normalize_email(e).ok_or_else(|| bad_email(e))?).into())
        }
        SubjectKey::Phone(p) => {
            ("s.phone_index = ?1", index.term("P", &normalize_phone(p).ok_or_else(|| bad_phone(p))?).into())
        }
    };
    conn.query_row(
        &format!("SELECT {MASKED_COLUMNS} FROM subject s WHERE {clause} ORDER BY s.created_at_ms LIMIT 1"),
        [value],
        |r| Row::read(r, 0),
    )
    .optional()
    .storage("find a person")
}

/// Finds a person by id (no index key needed).
pub(crate) fn by_id(conn: &Connection, id: &str) -> Result<Option<Row>> {
    conn.query_row(&format!("SELECT {MASKED_COLUMNS} FROM subject s WHERE s.id = ?1"), [id.trim()], |r| Row::read(r, 0))
        .optional()
        .storage("find a person")
}

pub(crate) fn resolve(conn: &Connection, index: &IndexKey, key: &SubjectKey) -> Result<String> {
    lookup(conn, index, key)?.map(|r| r.id).ok_or_else(|| not_found(key))
}

pub(crate) fn not_found(key: &SubjectKey) -> Error {
    let shown = match key {
        SubjectKey::Id(id) => id.to_string(),
        SubjectKey::Email(e) => mask_email(e.trim()),
        SubjectKey::Phone(p) => mask_phone(p.trim()),
    };
    Error::NotFound(msg::PERSON_NOT_FOUND.with("key", shown))
}

fn bad_email(e: &str) -> Error {
    msg::NOT_AN_EMAIL.with("value", mask_email(e.trim())).into()
}

fn bad_phone(p: &str) -> Error {
    msg::NOT_A_PHONE.with("value", mask_phone(p.trim())).into()
}

fn clean(v: &Option<String>) -> Option<String> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| s.nfc().collect())
}

/// Writes one detail of a person if none is held yet (never overwriting): sealed, or in its
/// plaintext column while the vault's sealing is pending. Returns whether it was written.
fn fill(w: &mut Write<'_>, id: &str, field: &str, value: &str) -> Result<bool> {
    let ctx = "update a person";
    let sealed = w.seal(&format!("subject.{field}"), id, value.as_bytes())?;
    let n = match sealed {
        Some(blob) => w.tx.execute(
            &format!(
                "UPDATE subject SET {field}_sealed = ?2 WHERE id = ?1 AND {field} IS NULL AND {field}_sealed IS NULL"
            ),
            params![id, blob],
        ),
        None => w.tx.execute(
            &format!("UPDATE subject SET {field} = ?2 WHERE id = ?1 AND {field} IS NULL AND {field}_sealed IS NULL"),
            params![id, value],
        ),
    }
    .storage(ctx)?;
    Ok(n > 0)
}

/// Writes details a bundle brought into a person's row (see [`write_fields`]); an email or
/// phone that does not normalise is left out.
pub(crate) fn write_details(w: &mut Write<'_>, id: &str, input: &SubjectInput) -> Result<()> {
    with_details(input, |name, email, phone, company| write_fields(w, id, name, email, phone, company))
}

/// Adds a person a bundle brought, with their details, in one row (see [`insert_person`]);
/// an email or phone that does not normalise is left out, as [`write_details`] does.
pub(crate) fn add_with_details(w: &mut Write<'_>, id: &str, created_at_ms: i64, input: &SubjectInput) -> Result<()> {
    with_details(input, |name, email, phone, company| insert_person(w, id, created_at_ms, name, email, phone, company))
}

/// Calls `f` with a bundle's details of a person, cleaned: the name, the email and the phone
/// each with its normalised form (left out if it does not normalise), the company.
fn with_details<T>(
    input: &SubjectInput,
    f: impl FnOnce(Option<&str>, Option<(&str, &str)>, Option<(&str, &str)>, Option<&str>) -> Result<T>,
) -> Result<T> {
    let (name, email, phone, company) =
        (clean(&input.name), clean(&input.email), clean(&input.phone), clean(&input.company));
    let email_norm = email.as_deref().and_then(normalize_email);
    let phone_norm = phone.as_deref().and_then(normalize_phone);
    f(
        name.as_deref(),
        email.as_deref().zip(email_norm.as_deref()),
        phone.as_deref().zip(phone_norm.as_deref()),
        company.as_deref(),
    )
}

/// Writes a person's details into their (new or known) row: each detail only if none is held,
/// with its masked form, blind index and search terms.
fn write_fields(
    w: &mut Write<'_>,
    id: &str,
    name: Option<&str>,
    email: Option<(&str, &str)>,
    phone: Option<(&str, &str)>,
    company: Option<&str>,
) -> Result<()> {
    let ctx = "update a person";
    let mut added: (Option<&str>, Option<&str>, Option<&str>) = (None, None, None);
    if let Some(n) = name {
        if fill(w, id, "name", n)? {
            w.tx.execute("UPDATE subject SET name_masked = ?2 WHERE id = ?1", params![id, mask_name(n)])
                .storage(ctx)?;
            added.0 = Some(n);
        }
    }
    // The email and the phone: each with its masked form, blind index and hash (kept for
    // hashed suppression lists), and its normalised form only while sealing is pending.
    for (field, value, mask, kind) in
        [("email", email, mask_email as fn(&str) -> String, "E"), ("phone", phone, mask_phone, "P")]
    {
        let Some((raw, norm)) = value else { continue };
        if fill(w, id, field, raw)? {
            let pending = w.personal.pending();
            w.tx.execute(
                &format!(
                    "UPDATE subject SET {field}_masked = ?2, {field}_index = ?3, {field}_sha256 = ?4,
                            {field}_norm = CASE WHEN ?5 THEN ?6 ELSE NULL END WHERE id = ?1"
                ),
                params![id, mask(norm), w.index().term(kind, norm), sha256_hex(norm.as_bytes()), pending, norm],
            )
            .storage(ctx)?;
            if field == "email" {
                added.1 = Some(norm);
            } else {
                added.2 = Some(norm);
            }
        }
    }
    if let Some(c) = company {
        if fill(w, id, "company", c)? {
            w.tx.execute("UPDATE subject SET company_masked = ?2 WHERE id = ?1", params![id, mask_company(c)])
                .storage(ctx)?;
        }
    }
    let index = w.index().clone();
    search_index::add(&w.tx, &index, id, added.0, added.1, added.2)
}

/// A new person's row with every detail given, in one INSERT: the columns [`write_fields`]
/// fills in one by one for a known person (sealed or, while sealing is pending, plain; masked;
/// blind index, hash and pending normalised form of the email and phone), then their search
/// terms.
fn insert_person(
    w: &mut Write<'_>,
    id: &str,
    created_at_ms: i64,
    name: Option<&str>,
    email: Option<(&str, &str)>,
    phone: Option<(&str, &str)>,
    company: Option<&str>,
) -> Result<()> {
    use rusqlite::types::Value;
    let ctx = "add a person";
    let mut cols: Vec<(String, Value)> =
        vec![("id".into(), id.to_string().into()), ("created_at_ms".into(), created_at_ms.into())];
    let details = [
        ("name", name, name.map(mask_name)),
        ("email", email.map(|e| e.0), email.map(|e| mask_email(e.1))),
        ("phone", phone.map(|p| p.0), phone.map(|p| mask_phone(p.1))),
        ("company", company, company.map(mask_company)),
    ];
    for (field, given, masked) in details {
        let (Some(given), Some(masked)) = (given, masked) else { continue };
        match w.seal(&format!("subject.{field}"), id, given.as_bytes())? {
            Some(blob) => cols.push((format!("{field}_sealed"), blob.into())),
            None => cols.push((field.to_string(), given.to_string().into())),
        }
        cols.push((format!("{field}_masked"), masked.into()));
    }
    let pending = w.personal.pending();
    for (field, kind, value) in [("email", "E", email), ("phone", "P", phone)] {
        let Some((_, norm)) = value else { continue };
        cols.push((format!("{field}_index"), w.index().term(kind, norm).into()));
        cols.push((format!("{field}_sha256"), sha256_hex(norm.as_bytes()).into()));
        if pending {
            cols.push((format!("{field}_norm"), norm.to_string().into()));
        }
    }
    let names: Vec<&str> = cols.iter().map(|(c, _)| c.as_str()).collect();
    let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let sql = format!("INSERT INTO subject ({}) VALUES ({})", names.join(", "), marks.join(", "));
    w.tx.prepare_cached(&sql)
        .and_then(|mut stmt| stmt.execute(rusqlite::params_from_iter(cols.into_iter().map(|(_, v)| v))))
        .storage(ctx)?;
    let index = w.index().clone();
    search_index::add(&w.tx, &index, id, name, email.map(|e| e.1), phone.map(|p| p.1))
}

/// Makes every person's blind email and phone indexes and search terms again, from their
/// opened details (a device adopting headquarters' index key when it joins; admin only).
pub(crate) fn reindex_all(w: &mut Write<'_>) -> Result<()> {
    let ctx = "index people for search";
    let ids: Vec<String> = {
        let mut stmt = w.tx.prepare("SELECT id FROM subject WHERE erased_at_ms IS NULL").storage(ctx)?;
        let rows = stmt.query_map([], |r| r.get(0)).storage(ctx)?;
        rows.collect::<rusqlite::Result<_>>().storage(ctx)?
    };
    for id in ids {
        let d = details(w, &id)?;
        let email = d.email.as_deref().and_then(normalize_email);
        let phone = d.phone.as_deref().and_then(normalize_phone);
        let index = w.index().clone();
        w.tx.execute(
            "UPDATE subject SET email_index = ?2, phone_index = ?3 WHERE id = ?1",
            params![id, email.as_deref().map(|e| index.term("E", e)), phone.as_deref().map(|p| index.term("P", p))],
        )
        .storage(ctx)?;
        search_index::remove(&w.tx, &id)?;
        search_index::add(&w.tx, &index, &id, d.name.as_deref(), email.as_deref(), phone.as_deref())?;
    }
    Ok(())
}

/// Finds the person by email, then phone; creates them if neither matches. Missing fields
/// of a known person are filled in; fields already held are never overwritten silently.
pub(crate) fn find_or_create(w: &mut Write<'_>, input: &SubjectInput) -> Result<(String, bool)> {
    let name = clean(&input.name);
    let email = clean(&input.email);
    let phone = clean(&input.phone);
    let company = clean(&input.company);
    for (field, value) in [("name", &name), ("email", &email), ("phone", &phone), ("company", &company)] {
        if let Some(v) = value {
            check_person_field(field, v)?;
        }
    }
    let email_norm = match &email {
        Some(e) => Some(normalize_email(e).ok_or_else(|| bad_email(e))?),
        None => None,
    };
    let phone_norm = match &phone {
        Some(p) => Some(normalize_phone(p).ok_or_else(|| bad_phone(p))?),
        None => None,
    };
    if email_norm.is_none() && phone_norm.is_none() {
        return Err(Error::from(&msg::NO_CONTACT));
    }
    let mut found = None;
    if let Some(e) = &email_norm {
        found = lookup(&w.tx, w.index(), &SubjectKey::Email(e.clone()))?;
    }
    if found.is_none() {
        if let Some(p) = &phone_norm {
            found = lookup(&w.tx, w.index(), &SubjectKey::Phone(p.clone()))?;
        }
    }
    let e = email.as_deref().zip(email_norm.as_deref());
    let p = phone.as_deref().zip(phone_norm.as_deref());
    // An erased person who comes back is a new subject: the old record stays pseudonymous.
    if let Some(row) = found.filter(|r| !r.erased) {
        write_fields(w, &row.id, name.as_deref(), e, p, company.as_deref())?;
        return Ok((row.id, false));
    }
    let id = uuid::Uuid::now_v7().to_string();
    insert_person(w, &id, w.now.timestamp_millis(), name.as_deref(), e, p, company.as_deref())?;
    w.audit("subject.create", &id, "");
    Ok((id, true))
}

/// Fills in a person's job title if none is held yet (it is never overwritten silently).
pub(crate) fn set_job_title(w: &mut Write<'_>, id: &str, title: &str) -> Result<()> {
    let title: String = title.trim().nfc().collect();
    check_person_field("job_title", &title)?;
    fill(w, id, "job_title", &title).map(|_| ())
}

/// Finds people whose name (or any word of it), email or phone starts with `query`
/// (case-insensitive, NFKC, phone numbers normalised; four digits also match the end of a
/// phone number), or who hold the receipt whose id `query` is (as printed, in any case, or
/// as its QR code reads), newest first when the query is empty. Index-backed at any size. Results
/// are always masked.
pub fn search(session: &mut Session, query: &str, limit: usize) -> Result<Vec<SubjectView>> {
    Ok(find(session, query, limit)?.into_iter().map(|f| f.person).collect())
}

string_enum!(
    /// What a search result was found by, so that people whose masked details look alike can
    /// be told apart by what the operator typed.
    MatchedOn, "what a search matched", {
        /// The start of the name or of a word of it.
        Name => "name",
        /// The start of the e-mail address.
        Email => "email",
        /// The whole e-mail address.
        WholeEmail => "whole_email",
        /// The start of the phone number.
        Phone => "phone",
        /// The end of the phone number (four digits or more).
        PhoneEnd => "phone_end",
        /// A receipt issued to the person (its id, as printed or scanned).
        Receipt => "receipt",
        /// The domain of the e-mail address (a query starting with `@`).
        Domain => "domain",
    }
);

/// A search result: the person, masked, and what the query matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The person, masked.
    pub person: SubjectView,
    /// What the query matched; none for the newest people of an empty query.
    pub matched: Option<MatchedOn>,
}

/// [`search`], with what each result was found by.
pub fn find(session: &mut Session, query: &str, limit: usize) -> Result<Vec<Found>> {
    let limit = limit.clamp(1, 500);
    let index = session.index_key();
    session.read(Action::ReadConsents, |conn| {
        Ok(search::run(conn, &index, query, limit)?
            .into_iter()
            .map(|(row, kind)| Found {
                person: row.view(),
                matched: kind.map(|k| match k {
                    "n" => MatchedOn::Name,
                    "e" => MatchedOn::Email,
                    "E" => MatchedOn::WholeEmail,
                    "s" => MatchedOn::PhoneEnd,
                    "r" => MatchedOn::Receipt,
                    "d" => MatchedOn::Domain,
                    _ => MatchedOn::Phone,
                }),
            })
            .collect())
    })
}

/// Whether the e-mail address or phone number a person gives (typed in full) is theirs:
/// how an operator confirms, without unmasking, that the masked row is the person on the
/// phone. Compared through the blind index, so nothing is revealed either way.
pub fn confirm(session: &mut Session, id: &SubjectId, typed: &str) -> Result<bool> {
    let typed = typed.trim();
    let index = session.index_key();
    session.read(Action::ReadConsents, |conn| {
        by_id(conn, id.as_str())?.ok_or_else(|| not_found(&SubjectKey::Id(id.clone())))?;
        let (column, term) = if typed.contains('@') {
            ("email_index", index.term("E", &normalize_email(typed).ok_or_else(|| bad_email(typed))?))
        } else {
            ("phone_index", index.term("P", &normalize_phone(typed).ok_or_else(|| bad_phone(typed))?))
        };
        conn.query_row(
            &format!("SELECT count(*) FROM subject WHERE id = ?1 AND {column} = ?2"),
            params![id, term],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
        .storage("confirm a person")
    })
}

/// Adds many people in one transaction through the write path (no lookup, no audit entry
/// per person): for tests that need a large vault quickly.
#[cfg(feature = "test-support")]
pub fn add_people_for_tests(session: &mut Session, people: &[(String, SubjectInput, i64)]) -> Result<()> {
    session.write(Action::Capture, |w| {
        for (id, p, created_at_ms) in people {
            w.tx.execute("INSERT INTO subject (id, created_at_ms) VALUES (?1, ?2)", params![id, created_at_ms])
                .storage("add a person")?;
            write_details(w, id, p)?;
        }
        Ok(())
    })
}

/// `EXPLAIN QUERY PLAN` for every statement [`search`] runs for `query`, one line each.
#[cfg(feature = "test-support")]
pub fn explain_search(session: &mut Session, query: &str) -> Result<Vec<String>> {
    let index = session.index_key();
    session.read(Action::ReadConsents, |conn| search::plan(conn, &index, query))
}

/// Shows a person masked (any role that may read consents).
pub fn view(session: &mut Session, key: &SubjectKey) -> Result<SubjectView> {
    let index = session.index_key();
    session.read(Action::ReadConsents, |conn| Ok(lookup(conn, &index, key)?.ok_or_else(|| not_found(key))?.view()))
}

/// Shows one person's data unmasked (admin and legal); the reveal is in the audit log.
pub fn reveal(session: &mut Session, key: &SubjectKey) -> Result<SubjectView> {
    session.write(Action::RevealSubject, |w| {
        let row = lookup(&w.tx, w.index(), key)?.ok_or_else(|| not_found(key))?;
        let d = details(w, &row.id)?;
        w.audit("subject.reveal", &row.id, "");
        Ok(SubjectView {
            id: row.id.into(),
            name: d.name,
            email: d.email,
            phone: d.phone,
            company: d.company,
            masked: false,
            erased: row.erased,
        })
    })
}
