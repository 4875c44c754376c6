//! People from several devices, merged at headquarters into one person by normalised email,
//! then phone. A device's people arrive sealed (to headquarters' personal-data key, see
//! `vault/personal.rs`); headquarters opens them and seals them again under its own. Details
//! headquarters lacks are filled in; details that disagree with what it holds are kept aside,
//! sealed, in `subject_conflict` and reported, never written over.

use rusqlite::{params, OptionalExtension};

use super::rows::{self, Row};
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::Refusal;
use crate::session::Write;
use crate::subject::{self, normalize_email, normalize_phone};
use crate::vault::personal::ForeignSeals;
use crate::vault::seal_older::conflict_key;

/// How many people a merge added, merged and found in conflict.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    pub(crate) added: u64,
    pub(crate) merged: u64,
    pub(crate) conflicts: u64,
}

const FIELDS: [&str; 5] = ["name", "email", "phone", "company", "job_title"];

/// A device's person's details, opened: plaintext from a device whose sealing was pending,
/// sealed ones otherwise.
fn sent_details(
    w: &Write<'_>,
    seals: &mut ForeignSeals,
    person: &Row,
    device_subject_id: &str,
) -> Result<[Option<String>; 5]> {
    let mut out: [Option<String>; 5] = Default::default();
    for (i, field) in FIELDS.iter().enumerate() {
        let plain = rows::text(person, field).map(str::to_string);
        let value = match (plain, rows::blob(person, &format!("{field}_sealed"))) {
            (Some(p), _) => Some(p),
            (None, Some(blob)) => {
                let bytes = seals.open(w.personal, &format!("subject.{field}"), device_subject_id, &blob)?;
                Some(String::from_utf8(bytes).map_err(|_| Error::Storage { context: "merge people" })?)
            }
            (None, None) => None,
        };
        out[i] = value.map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    }
    Ok(out)
}

/// The headquarters person for a device's person, found or created.
pub(crate) fn merge_person(
    w: &mut Write<'_>,
    seals: &mut ForeignSeals,
    device_id: &str,
    device_subject_id: &str,
    person: Option<&Row>,
    out: &mut Counts,
) -> Result<String> {
    let now_ms = w.now.timestamp_millis();
    // The statements run for every person of a bundle are kept prepared.
    let known: Option<String> =
        w.tx.prepare_cached("SELECT subject_id FROM subject_origin WHERE device_id = ?1 AND device_subject_id = ?2")
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
    let sent = sent_details(w, seals, person, device_subject_id)?;
    let [name, email, phone, company, job_title] = sent.clone();
    let mut found: Option<String> = None;
    if let Some(e) = email.as_deref().and_then(normalize_email) {
        found = subject::lookup(&w.tx, w.index(), &subject::SubjectKey::Email(e))?.filter(|r| !r.erased).map(|r| r.id);
    }
    if found.is_none() {
        if let Some(p) = phone.as_deref().and_then(normalize_phone) {
            found =
                subject::lookup(&w.tx, w.index(), &subject::SubjectKey::Phone(p))?.filter(|r| !r.erased).map(|r| r.id);
        }
    }
    let erased_at = rows::int(person, "erased_at_ms");
    let id = match found {
        Some(id) => {
            let held = subject::details(w, &id)?;
            let held = [held.name, held.email, held.phone, held.company, held.job_title];
            for ((field, held), sent) in FIELDS.iter().zip(held).zip(sent) {
                let (Some(h), Some(sent)) = (held, sent) else { continue };
                // The same address or number written differently is the same detail.
                let same = match *field {
                    "email" => normalize_email(&h) == normalize_email(&sent),
                    "phone" => normalize_phone(&h) == normalize_phone(&sent),
                    _ => h == sent,
                };
                if !same {
                    let sealed = w.seal("conflict.value", &id, sent.as_bytes())?;
                    let key = if sealed.is_some() { conflict_key(w.personal, field, &sent) } else { sent.clone() };
                    w.tx.execute(
                        "INSERT INTO subject_conflict (subject_id, field, device_id, value, reported_at_ms, value_sealed)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                        params![id, field, device_id, key, now_ms, sealed],
                    )
                    .storage("merge people")?;
                    out.conflicts += 1;
                }
            }
            subject::write_details(w, &id, &subject::SubjectInput { name, email, phone, company })?;
            if let Some(t) = job_title.as_deref() {
                subject::set_job_title(w, &id, t)?;
            }
            w.tx.execute(
                "UPDATE subject SET created_at_ms = min(created_at_ms, coalesce(?2, created_at_ms)) WHERE id = ?1",
                params![id, rows::int(person, "created_at_ms")],
            )
            .storage("merge people")?;
            out.merged += 1;
            id
        }
        None => {
            let id = device_subject_id.to_string();
            let created_at_ms = rows::int(person, "created_at_ms").unwrap_or(now_ms);
            if erased_at.is_none() {
                // The row with every detail in one INSERT.
                subject::add_with_details(
                    w,
                    &id,
                    created_at_ms,
                    &subject::SubjectInput { name, email, phone, company },
                )?;
                if let Some(t) = job_title.as_deref() {
                    subject::set_job_title(w, &id, t)?;
                }
            } else {
                w.tx.prepare_cached("INSERT INTO subject (id, created_at_ms, erased_at_ms) VALUES (?1, ?2, ?3)")
                    .and_then(|mut s| s.execute(params![id, created_at_ms, erased_at]))
                    .storage("merge people")?;
            }
            out.added += 1;
            id
        }
    };
    w.tx.prepare_cached("INSERT INTO subject_origin (device_id, device_subject_id, subject_id) VALUES (?1, ?2, ?3)")
        .and_then(|mut s| s.execute(params![device_id, device_subject_id, id]))
        .storage("merge people")?;
    Ok(id)
}

/// A device's capture details, their guardian's name and signature image opened and sealed
/// again under headquarters' key (the receipt id, which they are bound to, stays); the
/// guardian's masked name travels as it is, or is made from the name when the device kept
/// none.
pub(crate) fn reseal_capture_detail(w: &mut Write<'_>, seals: &mut ForeignSeals, row: &Row) -> Result<Row> {
    let mut row = row.clone();
    let Some(receipt) = rows::text(&row, "receipt_id").map(str::to_string) else { return Ok(row) };
    for (place, plain_col, sealed_col) in [
        ("capture.guardian", "guardian_name", "guardian_sealed"),
        ("capture.signature", "signature_png", "signature_sealed"),
    ] {
        let plain = match (rows::blob(&row, sealed_col), plain_col) {
            (Some(blob), _) => Some(seals.open(w.personal, place, &receipt, &blob)?),
            (None, "guardian_name") => rows::text(&row, plain_col).map(|t| t.as_bytes().to_vec()),
            (None, _) => rows::blob(&row, plain_col),
        };
        let Some(plain) = plain else { continue };
        // A device before schema 13 kept no masked guardian name: made here, from the name.
        if place == "capture.guardian" && rows::text(&row, "guardian_masked").is_none() {
            let masked = crate::domain::mask::mask_name(&String::from_utf8_lossy(&plain));
            row.insert("guardian_masked".into(), masked.into());
        }
        if let Some(sealed) = w.seal(place, &receipt, &plain)? {
            row.insert(sealed_col.into(), data_encoding::BASE64.encode(&sealed).into());
            row.insert(plain_col.into(), serde_json::Value::Null);
        }
    }
    Ok(row)
}
