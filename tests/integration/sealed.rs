//! Personal data sealed by role: what a kiosk's or a marketer's passphrase opens through
//! plain SQL (no engine) holds no one's details in plaintext; admin and legal read them as
//! before; an older vault is sealed at the first admin or legal unlock; grants of the private
//! key follow the operators.

use std::sync::Arc;

use consentry::ledger::EventKind;
use consentry::subject::{self, SubjectInput, SubjectKey};
use consentry::vault::{Passphrase, VaultPaths};
use consentry::{operator, Role, Session, SystemClock};
use rusqlite::types::ValueRef;
use rusqlite::Connection;

use crate::common::*;

const MARKERS: [&str; 5] = ["QZXSEALNAME", "李四五", "qzxsealmail", "1357777999", "QZXSEALCORP"];

fn marked(n: u32) -> SubjectInput {
    SubjectInput {
        name: Some(format!("QZXSEALNAME{n} 李四五")),
        email: Some(format!("qzxsealmail{n}@example.com")),
        phone: Some(format!("1357777999{n}")),
        company: Some("QZXSEALCORP".into()),
    }
}

/// Opens the database with the data key an operator's slot unwraps, with no engine.
fn raw(paths: &VaultPaths, who: (&str, &str)) -> Connection {
    let key = consentry::vault::data_key_for_tests(paths, who.0, &Passphrase::new(who.1.into())).unwrap();
    open_with_key(&paths.db, &key)
}

/// Every value of every table that holds one of the markers, as `table.column`.
fn plaintext_found(c: &Connection) -> Vec<String> {
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(tables.len() > 20, "the key opened the database: {tables:?}");
    let mut found = Vec::new();
    for t in tables {
        let mut stmt = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for (i, name) in names.iter().enumerate() {
                let bytes: Vec<u8> = match r.get_ref(i).unwrap() {
                    ValueRef::Text(b) | ValueRef::Blob(b) => b.to_vec(),
                    _ => continue,
                };
                if MARKERS.iter().any(|m| bytes.windows(m.len()).any(|w| w == m.as_bytes())) {
                    found.push(format!("{t}.{name}"));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn a_kiosk_or_marketer_key_opens_no_personal_data_through_plain_sql() {
    let tv = vault_with_team();
    let mut kim = unlock(&tv.paths, Role::Kiosk);
    let rec = capture(&mut kim, &tv.notice_hash, marked(1), &[("event_marketing", EventKind::Grant)]);
    kim.lock().unwrap();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture(&mut mo, &tv.notice_hash, marked(2), &[("newsletter", EventKind::Refuse)]);
    // Found through the blind index, shown masked.
    let hits = subject::search(&mut mo, "qzxsealmail1", 10).unwrap();
    assert_eq!(hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), vec![rec.subject_id.as_str()]);
    assert_eq!(hits[0].email.as_deref(), Some("q***@example.com"));
    assert_eq!(hits[0].name.as_deref(), Some("Q*********** 李**"));
    assert_eq!(subject::search(&mut mo, "李四", 10).unwrap().len(), 2, "a later word of the name");
    assert_eq!(subject::search(&mut mo, "+86 135 7777 999", 10).unwrap().len(), 2, "a phone prefix");
    let by_email = subject::view(&mut mo, &SubjectKey::Email(" QZXSEALMAIL2@example.com ".into())).unwrap();
    assert!(by_email.masked);
    assert!(!mo.opens_personal_data());
    mo.lock().unwrap();

    for who in [KIOSK, MARKETER] {
        let c = raw(&tv.paths, who);
        assert_eq!(plaintext_found(&c), Vec::<String>::new(), "{} reads personal data in plaintext", who.0);
    }

    // Through the engine, legal reads everything as before.
    let mut lena = unlock(&tv.paths, Role::Legal);
    assert!(lena.opens_personal_data());
    let v = subject::reveal(&mut lena, &SubjectKey::Id(rec.subject_id.clone())).unwrap();
    assert_eq!(
        (v.name.as_deref(), v.email.as_deref(), v.phone.as_deref(), v.company.as_deref()),
        (Some("QZXSEALNAME1 李四五"), Some("qzxsealmail1@example.com"), Some("13577779991"), Some("QZXSEALCORP"))
    );
    let report = consentry::rights::access_report(&mut lena, &SubjectKey::Phone("13577779992".into())).unwrap();
    assert_eq!(report.subject.name.as_deref(), Some("QZXSEALNAME2 李四五"));
    lena.lock().unwrap();
}

#[test]
fn an_older_vault_is_sealed_when_an_admin_or_legal_operator_first_unlocks_it() {
    let tv = vault_with_team();
    let mut kim = unlock(&tv.paths, Role::Kiosk);
    let a = capture(&mut kim, &tv.notice_hash, marked(1), &[("event_marketing", EventKind::Grant)]);
    kim.lock().unwrap();
    // As a vault made before schema 10 holds it: details in plaintext, no personal-data key
    // pair, no grants. (The blind terms and masked forms, which schema 10's migration makes
    // from the plaintext, stay.)
    {
        let c = raw(&tv.paths, ADMIN);
        c.execute(
            "UPDATE subject SET name = 'QZXSEALNAME1 李四五', email = 'qzxsealmail1@example.com',
                    email_norm = 'qzxsealmail1@example.com', phone = '13577779991', phone_norm = '13577779991',
                    company = 'QZXSEALCORP', name_sealed = NULL, email_sealed = NULL, phone_sealed = NULL,
                    company_sealed = NULL, email_sha256 = NULL, phone_sha256 = NULL WHERE id = ?1",
            [a.subject_id.as_str()],
        )
        .unwrap();
        c.execute_batch(
            "UPDATE personal_data_key SET recipient = NULL, sealed_at_ms = NULL;
             DELETE FROM personal_data_grant; DELETE FROM personal_data_seal;",
        )
        .unwrap();
    }

    // A marketer works as before; what they capture stays plaintext until the sealing.
    let mut mo = unlock(&tv.paths, Role::Marketer);
    assert!(mo.personal_data_pending());
    let b = capture(&mut mo, &tv.notice_hash, marked(2), &[("newsletter", EventKind::Grant)]);
    assert_eq!(subject::search(&mut mo, "qzxsealname", 10).unwrap().len(), 2);
    let held: Option<String> = mo
        .raw_connection_for_tests()
        .query_row("SELECT email FROM subject WHERE id = ?1", [b.subject_id.as_str()], |r| r.get(0))
        .unwrap();
    assert_eq!(held.as_deref(), Some("qzxsealmail2@example.com"));
    mo.lock().unwrap();
    let before = plaintext_found(&raw(&tv.paths, KIOSK));
    assert!(before.contains(&"subject.email".to_string()), "the scan finds plaintext where it is: {before:?}");

    // Legal's unlock seals everything, in one transaction, and rewrites the file.
    let mut lena = unlock(&tv.paths, Role::Legal);
    assert!(!lena.personal_data_pending() && lena.opens_personal_data());
    assert!(lena
        .audit_log(10)
        .unwrap()
        .iter()
        .any(|e| e.action == "personal_data.sealed" && e.detail.starts_with("2 people")));
    let c = lena.raw_connection_for_tests();
    let free: i64 = c.query_row("PRAGMA freelist_count", [], |r| r.get(0)).unwrap();
    assert_eq!(free, 0, "no freed page keeps the plaintext");
    let grants: i64 = c.query_row("SELECT count(*) FROM personal_data_grant", [], |r| r.get(0)).unwrap();
    assert_eq!(grants, 3, "admin, legal and the recovery key");
    for (who, id) in [(1, &a.subject_id), (2, &b.subject_id)] {
        let v = subject::reveal(&mut lena, &SubjectKey::Id(id.clone())).unwrap();
        assert_eq!(v.email, Some(format!("qzxsealmail{who}@example.com")));
    }
    lena.lock().unwrap();
    for who in [KIOSK, MARKETER] {
        assert_eq!(plaintext_found(&raw(&tv.paths, who)), Vec::<String>::new());
    }
    let mut mo = unlock(&tv.paths, Role::Marketer);
    assert!(!mo.personal_data_pending());
    assert_eq!(subject::search(&mut mo, "qzxsealmail2@example.com", 10).unwrap()[0].id, b.subject_id.to_string());
    mo.lock().unwrap();
    let ada = unlock(&tv.paths, Role::Admin);
    assert!(ada.opens_personal_data(), "the admin was granted the key by legal's unlock");
    ada.lock().unwrap();
}

#[test]
fn grants_follow_operators_and_the_recovery_key() {
    let tv = vault_with_team();
    let mut kim = unlock(&tv.paths, Role::Kiosk);
    let a = capture(&mut kim, &tv.notice_hash, marked(1), &[("event_marketing", EventKind::Grant)]);
    kim.lock().unwrap();
    let key = SubjectKey::Id(a.subject_id.clone());
    let grants = |s: &Session| -> i64 {
        s.raw_connection_for_tests().query_row("SELECT count(*) FROM personal_data_grant", [], |r| r.get(0)).unwrap()
    };

    let mut ada = unlock(&tv.paths, Role::Admin);
    assert_eq!(grants(&ada), 3);
    operator::add(&mut ada, LEGAL2.0, Role::Legal, &pass(LEGAL2.1)).unwrap();
    operator::add(&mut ada, "Kai", Role::Kiosk, &pass("kiosk passphrase 2")).unwrap();
    assert_eq!(grants(&ada), 4, "a new legal operator is granted the key; a kiosk is not");
    ada.lock().unwrap();
    let mut lu = unlock_as(&tv.paths, LEGAL2);
    assert_eq!(subject::reveal(&mut lu, &key).unwrap().company.as_deref(), Some("QZXSEALCORP"));
    // A passphrase change gives the slot a new recipient and the grant follows it.
    lu.change_passphrase(&pass(LEGAL2.1), &pass("legal passphrase 3")).unwrap();
    lu.lock().unwrap();
    let lu = unlock_as(&tv.paths, (LEGAL2.0, "legal passphrase 3"));
    assert!(lu.opens_personal_data());
    lu.lock().unwrap();
    let kai = unlock_as(&tv.paths, ("Kai", "kiosk passphrase 2"));
    assert!(!kai.opens_personal_data());
    kai.lock().unwrap();

    let mut ada = unlock(&tv.paths, Role::Admin);
    operator::disable(&mut ada, LEGAL2.0).unwrap();
    assert_eq!(grants(&ada), 3, "a disabled operator's grant goes with their slot");
    ada.lock().unwrap();

    // The recovery key opens personal data too, and the reset passphrase is granted it.
    let mut ada =
        Session::recover(&tv.paths, &tv.recovery, ADMIN.0, &pass("admin passphrase 2"), Arc::new(SystemClock)).unwrap();
    assert_eq!(subject::reveal(&mut ada, &key).unwrap().phone.as_deref(), Some("13577779991"));
    ada.lock().unwrap();
    let ada = unlock_as(&tv.paths, (ADMIN.0, "admin passphrase 2"));
    assert!(ada.opens_personal_data());
    ada.lock().unwrap();
}

/// Which of a person's columns hold a value, by name.
fn filled_columns(c: &Connection, id: &str) -> Vec<String> {
    let mut stmt = c.prepare("SELECT * FROM subject WHERE id = ?1").unwrap();
    let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
    stmt.query_row([id], |r| {
        Ok(names
            .iter()
            .enumerate()
            .filter(|(i, _)| !matches!(r.get_ref(*i).unwrap(), ValueRef::Null))
            .map(|(_, n)| n.clone())
            .collect())
    })
    .unwrap()
}

/// A new person is written in one INSERT, a known one's missing details by one UPDATE each:
/// both ways give the same row (sealed, masked, blind index, hash, search terms), and it
/// opens to what was given.
#[test]
fn a_new_person_is_stored_as_a_known_one_filled_in() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    let choice = [("newsletter", EventKind::Grant)];
    let a = capture(&mut mo, &tv.notice_hash, marked(1), &choice);
    let only_email = SubjectInput { email: marked(2).email, ..Default::default() };
    let b = capture(&mut mo, &tv.notice_hash, only_email, &choice);
    let b_again = capture(&mut mo, &tv.notice_hash, marked(2), &choice);
    assert_eq!(b.subject_id, b_again.subject_id, "found again by email");
    let c = mo.raw_connection_for_tests();
    let a_cols = filled_columns(c, a.subject_id.as_str());
    assert_eq!(a_cols, filled_columns(c, b.subject_id.as_str()));
    for col in
        ["name_sealed", "email_sealed", "phone_sealed", "company_sealed", "email_index", "phone_index", "email_sha256"]
    {
        assert!(a_cols.iter().any(|n| n == col), "{col} missing from {a_cols:?}");
    }
    let terms = |id: &str| -> i64 {
        c.query_row("SELECT count(*) FROM subject_blind_term WHERE subject_id = ?1", [id], |r| r.get(0)).unwrap()
    };
    assert!(terms(a.subject_id.as_str()) > 0);
    assert_eq!(terms(a.subject_id.as_str()), terms(b.subject_id.as_str()));
    assert_eq!(subject::search(&mut mo, "QZXSEALNAME1", 10).unwrap().len(), 1);
    mo.lock().unwrap();
    let mut lena = unlock(&tv.paths, Role::Legal);
    let shown = subject::reveal(&mut lena, &SubjectKey::Id(a.subject_id.clone())).unwrap();
    let given = marked(1);
    assert_eq!(
        (shown.name, shown.email, shown.phone, shown.company),
        (given.name, given.email, given.phone, given.company)
    );
    lena.lock().unwrap();
}
