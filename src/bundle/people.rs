//! People from several devices, merged at headquarters into one person by normalised email,
//! then phone. Details headquarters lacks are filled in; details that disagree with what it
//! holds are kept aside in `subject_conflict` and reported, never written over.

use rusqlite::{params, Connection, OptionalExtension};

use super::rows::{self, Row};
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::Refusal;
use crate::subject::{index_search_terms, normalize_email, normalize_phone};

/// How many people a merge added, merged and found in conflict.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    pub(crate) added: u64,
    pub(crate) merged: u64,
    pub(crate) conflicts: u64,
}

const FIELDS: [&str; 5] = ["name", "email", "phone", "company", "job_title"];

/// The headquarters person for a device's person, found or created.
pub(crate) fn merge_person(
    conn: &Connection,
    device_id: &str,
    device_subject_id: &str,
    person: Option<&Row>,
    now_ms: i64,
    out: &mut Counts,
) -> Result<String> {
    // The statements run for every person of a bundle are kept prepared.
    let known: Option<String> = conn
        .prepare_cached("SELECT subject_id FROM subject_origin WHERE device_id = ?1 AND device_subject_id = ?2")
        .and_then(|mut s| s.query_row(params![device_id, device_subject_id], |r| r.get(0)))
        .optional()
        .storage("merge people")?;
    if let Some(id) = known {
        return Ok(id);
    }
    let person = person.ok_or_else(|| {
        Error::refused(
            Refusal::Tampered,
            format!("An event in the bundle names person {device_subject_id}, who is not in it."),
            "Ask the device's operator to save a new bundle.",
        )
    })?;
    let get = |f: &str| rows::text(person, f).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    let email_norm = get("email").as_deref().and_then(normalize_email);
    let phone_norm = get("phone").as_deref().and_then(normalize_phone);
    let mut found: Option<String> = None;
    for (column, value) in [("email_norm", &email_norm), ("phone_norm", &phone_norm)] {
        if found.is_none() {
            if let Some(v) = value {
                found = conn
                    .prepare_cached(&format!("SELECT id FROM subject WHERE {column} = ?1 AND erased_at_ms IS NULL ORDER BY created_at_ms, id LIMIT 1"))
                    .and_then(|mut s| s.query_row([v], |r| r.get(0)))
                    .optional()
                    .storage("merge people")?;
            }
        }
    }
    let id = match found {
        Some(id) => {
            let held: Vec<Option<String>> = conn
                .query_row("SELECT name, email, phone, company, job_title FROM subject WHERE id = ?1", [&id], |r| {
                    (0..5).map(|i| r.get(i)).collect()
                })
                .storage("merge people")?;
            for (field, held) in FIELDS.iter().zip(held) {
                let Some(sent) = get(field) else { continue };
                // The same address or number written differently is the same detail.
                let same = |h: &str| match *field {
                    "email" => normalize_email(h) == normalize_email(&sent),
                    "phone" => normalize_phone(h) == normalize_phone(&sent),
                    _ => h == sent,
                };
                match held {
                    Some(h) if !same(&h) => {
                        conn.execute(
                            "INSERT INTO subject_conflict (subject_id, field, device_id, value, reported_at_ms)
                             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                            params![id, field, device_id, sent, now_ms],
                        )
                        .storage("merge people")?;
                        out.conflicts += 1;
                    }
                    Some(_) => {}
                    None => {
                        conn.execute(&format!("UPDATE subject SET {field} = ?2 WHERE id = ?1"), params![id, sent])
                            .storage("merge people")?;
                    }
                }
            }
            conn.execute(
                "UPDATE subject SET email_norm = coalesce(email_norm, ?2), phone_norm = coalesce(phone_norm, ?3),
                        created_at_ms = min(created_at_ms, coalesce(?4, created_at_ms)) WHERE id = ?1",
                params![id, email_norm, phone_norm, rows::int(person, "created_at_ms")],
            )
            .storage("merge people")?;
            out.merged += 1;
            id
        }
        None => {
            conn.prepare_cached(
                "INSERT INTO subject (id, name, email, email_norm, phone, phone_norm, company, job_title, created_at_ms, erased_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    device_subject_id,
                    get("name"),
                    get("email"),
                    email_norm,
                    get("phone"),
                    phone_norm,
                    get("company"),
                    get("job_title"),
                    rows::int(person, "created_at_ms").unwrap_or(now_ms),
                    rows::int(person, "erased_at_ms")
                ])
            })
            .storage("merge people")?;
            out.added += 1;
            device_subject_id.to_string()
        }
    };
    index_search_terms(conn, &id)?;
    conn.prepare_cached("INSERT INTO subject_origin (device_id, device_subject_id, subject_id) VALUES (?1, ?2, ?3)")
        .and_then(|mut s| s.execute(params![device_id, device_subject_id, id]))
        .storage("merge people")?;
    Ok(id)
}
