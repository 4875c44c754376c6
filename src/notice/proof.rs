//! What `verify` checks of the wording consents point at: every approved or retired notice
//! version's hash recomputed from its stored text, language and profile snapshot, and every
//! reviewed revision's texts, hashes and capture form (the form is derived from the snapshot,
//! which the hash covers, so it is derived again and compared).

use rusqlite::Connection;

use super::canonical_hash;
use super::form;
use super::profile::Snapshot;
use crate::domain::error::{Result, StorageContext};
use crate::domain::{Language, Place, Problem};

/// Checks every frozen notice version and revision; returns how many were checked.
pub(crate) fn verify_notices(conn: &Connection, problems: &mut Vec<Problem>) -> Result<u64> {
    Ok(versions(conn, problems)? + revisions(conn, problems)?)
}

fn versions(conn: &Connection, problems: &mut Vec<Problem>) -> Result<u64> {
    let ctx = "verify notice versions";
    let mut stmt = conn
        .prepare("SELECT id, hash, language, body, profile FROM notice_version WHERE state IN ('approved', 'retired')")
        .storage(ctx)?;
    let mut rows = stmt.query([]).storage(ctx)?;
    let mut n = 0;
    while let Some(r) = rows.next().storage(ctx)? {
        n += 1;
        let (id, hash, language, body, profile): (String, String, String, String, String) = (
            r.get(0).storage(ctx)?,
            r.get(1).storage(ctx)?,
            r.get(2).storage(ctx)?,
            r.get(3).storage(ctx)?,
            r.get(4).storage(ctx)?,
        );
        let place = Place::NoticeVersion { id: id.clone(), hash: hash.clone() };
        let Ok(language) = language.parse::<Language>() else {
            problems.push(Problem::at(place, format!("Notice version {id} names an unknown language \"{language}\".")));
            continue;
        };
        let computed = canonical_hash(&body, language, &profile);
        if computed != hash {
            problems.push(Problem::at(
                place,
                format!(
                    "Notice version {id}: its stored text or profile no longer hashes to {hash} (it hashes to {computed}): the wording consents point at was rewritten."
                ),
            ));
        }
    }
    Ok(n)
}

fn revisions(conn: &Connection, problems: &mut Vec<Problem>) -> Result<u64> {
    let ctx = "verify notice revisions";
    let mut stmt = conn
        .prepare(
            "SELECT r.id, n.name, r.number, r.profile, r.text_zh, r.text_en, r.form, r.hash_zh, r.hash_en, r.state
             FROM notice_revision r JOIN notice n ON n.id = r.notice_id WHERE r.state <> 'draft'",
        )
        .storage(ctx)?;
    let mut rows = stmt.query([]).storage(ctx)?;
    let mut n = 0;
    while let Some(r) = rows.next().storage(ctx)? {
        n += 1;
        let id: String = r.get(0).storage(ctx)?;
        let name: String = r.get(1).storage(ctx)?;
        let number: i64 = r.get(2).storage(ctx)?;
        let profile: String = r.get(3).storage(ctx)?;
        let texts: [(Language, String, String); 2] = [
            (Language::ZhCn, r.get(4).storage(ctx)?, r.get(7).storage(ctx)?),
            (Language::En, r.get(5).storage(ctx)?, r.get(8).storage(ctx)?),
        ];
        let stored_form: String = r.get(6).storage(ctx)?;
        let state: String = r.get(9).storage(ctx)?;
        let place = Place::NoticeRevision { id: id.clone(), notice: name.clone(), number };
        let what = format!("Notice {name} version {number}");
        for (language, text, hash) in &texts {
            let computed = canonical_hash(text, *language, &profile);
            if &computed != hash {
                problems.push(Problem::at(
                    place.clone(),
                    format!("{what} ({language}): its stored text or profile no longer hashes to {hash} (it hashes to {computed})."),
                ));
            } else if state != "in_review" {
                // An approved text is also a version consents can point at, with this text.
                let held: Option<String> = conn
                    .query_row("SELECT body FROM notice_version WHERE hash = ?1", [hash], |r| r.get(0))
                    .map(Some)
                    .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
                    .storage(ctx)?;
                match held {
                    None => problems.push(Problem::at(
                        place.clone(),
                        format!("{what} ({language}) was approved as {hash}, but no notice version with that hash is held."),
                    )),
                    Some(body) if &body != text => problems.push(Problem::at(
                        place.clone(),
                        format!("{what} ({language}): the notice version {hash} holds a different text from the approved one."),
                    )),
                    Some(_) => {}
                }
            }
        }
        let snapshot: Snapshot = match serde_json::from_str(&profile) {
            Ok(s) => s,
            Err(e) => {
                problems.push(Problem::at(place, format!("{what}: its profile snapshot is not readable ({e}).")));
                continue;
            }
        };
        let derived = serde_json::to_value(form::derive(&snapshot)).unwrap_or_default();
        let stored = serde_json::from_str::<serde_json::Value>(&stored_form).ok();
        if stored.as_ref() != Some(&derived) {
            problems.push(Problem::at(
                place,
                format!("{what}: its capture form is not the one its profile snapshot gives: the boxes people tick were rewritten."),
            ));
        }
    }
    Ok(n)
}
