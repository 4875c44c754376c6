//! The one-time sealing of a vault made before schema 10, run in one transaction when an
//! admin or legal operator first unlocks it (see `session/keys.rs`): every person's details,
//! every guardian's name and signature image and every detail conflict reported at HQ move
//! from plaintext columns into sealed ones. Afterwards [`compact`] rewrites the file so that
//! no freed page keeps the plaintext.

use rusqlite::{params, Connection};

use super::personal::{FieldKey, Personal};
use crate::domain::error::{Result, StorageContext};

const CTX: &str = "seal personal data";

type Text = Option<String>;
/// A person's id, their five plaintext details and their normalised email and phone.
type Plain = (String, Text, Text, Text, Text, Text, Text, Text);

/// Seals what is still plaintext; returns what it did, for the audit entry.
pub(crate) fn run(conn: &Connection, personal: &Personal, drawn: &mut Option<FieldKey>, now_ms: i64) -> Result<String> {
    let mut seal = |place: &str, row: &str, v: Option<&[u8]>| -> Result<Option<Vec<u8>>> {
        match v {
            Some(v) => personal.seal(conn, drawn, place, row, v, now_ms),
            None => Ok(None),
        }
    };
    let people: Vec<Plain> = {
        let mut stmt = conn
            .prepare(
                "SELECT id, name, email, phone, company, job_title, email_norm, phone_norm FROM subject
                 WHERE coalesce(name, email, phone, company, job_title, email_norm, phone_norm) IS NOT NULL",
            )
            .storage(CTX)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
            })
            .storage(CTX)?;
        rows.collect::<rusqlite::Result<_>>().storage(CTX)?
    };
    for (id, name, email, phone, company, job_title, email_norm, phone_norm) in &people {
        fn b(v: &Text) -> Option<&[u8]> {
            v.as_deref().map(str::as_bytes)
        }
        let sealed = [
            seal("subject.name", id, b(name))?,
            seal("subject.email", id, b(email))?,
            seal("subject.phone", id, b(phone))?,
            seal("subject.company", id, b(company))?,
            seal("subject.job_title", id, b(job_title))?,
        ];
        let [n, e, p, c, j] = sealed;
        conn.execute(
            "UPDATE subject SET name_sealed = coalesce(?2, name_sealed), email_sealed = coalesce(?3, email_sealed),
                    phone_sealed = coalesce(?4, phone_sealed), company_sealed = coalesce(?5, company_sealed),
                    job_title_sealed = coalesce(?6, job_title_sealed),
                    email_sha256 = coalesce(?7, email_sha256), phone_sha256 = coalesce(?8, phone_sha256),
                    name = NULL, email = NULL, phone = NULL, company = NULL, job_title = NULL,
                    email_norm = NULL, phone_norm = NULL
             WHERE id = ?1",
            params![
                id,
                n,
                e,
                p,
                c,
                j,
                email_norm.as_deref().map(|v| crate::domain::canonical::sha256_hex(v.as_bytes())),
                phone_norm.as_deref().map(|v| crate::domain::canonical::sha256_hex(v.as_bytes()))
            ],
        )
        .storage(CTX)?;
    }
    let captures: Vec<(String, Text, Option<Vec<u8>>)> = {
        let mut stmt = conn
            .prepare("SELECT receipt_id, guardian_name, signature_png FROM capture_detail WHERE guardian_name IS NOT NULL OR signature_png IS NOT NULL")
            .storage(CTX)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).storage(CTX)?;
        rows.collect::<rusqlite::Result<_>>().storage(CTX)?
    };
    for (receipt, guardian, signature) in &captures {
        let g = seal("capture.guardian", receipt, guardian.as_deref().map(str::as_bytes))?;
        let s = seal("capture.signature", receipt, signature.as_deref())?;
        conn.execute(
            "UPDATE capture_detail SET guardian_sealed = coalesce(?2, guardian_sealed), signature_sealed = coalesce(?3, signature_sealed),
                    guardian_name = NULL, signature_png = NULL WHERE receipt_id = ?1",
            params![receipt, g, s],
        )
        .storage(CTX)?;
    }
    let conflicts: Vec<(String, String, String, String)> = {
        let mut stmt = conn
            .prepare("SELECT subject_id, field, device_id, value FROM subject_conflict WHERE value_sealed IS NULL")
            .storage(CTX)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).storage(CTX)?;
        rows.collect::<rusqlite::Result<_>>().storage(CTX)?
    };
    for (subject, field, device, value) in &conflicts {
        let sealed = seal("conflict.value", subject, Some(value.as_bytes()))?;
        conn.execute(
            "UPDATE subject_conflict SET value = ?5, value_sealed = ?6
             WHERE subject_id = ?1 AND field = ?2 AND device_id = ?3 AND value = ?4",
            params![subject, field, device, value, conflict_key(personal, field, value), sealed],
        )
        .storage(CTX)?;
    }
    Ok(format!("{} people, {} capture details, {} reported differences", people.len(), captures.len(), conflicts.len()))
}

/// What `subject_conflict.value` holds for a sealed report: the hex blind term of the value.
pub(crate) fn conflict_key(personal: &Personal, field: &str, value: &str) -> String {
    hex::encode(personal.index().term(&format!("conflict.{field}"), value))
}

/// Rewrites the database file after the sealing so that no freed page or WAL frame keeps
/// the plaintext (the connection also runs with `secure_delete`).
pub(crate) fn compact(conn: &Connection) -> Result<()> {
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
        .storage("rewrite the vault after sealing")
}
