//! Someone who holds the key edits, deletes, inserts or reorders rows behind the engine's
//! back: `verify` must fail and name the event or entry.

use consentry::ledger::EventKind;
use consentry::verify::{self, Place};
use consentry::{Role, Session};
use proptest::prelude::*;

use crate::common::*;

/// A fresh copy of a vault with five events on one chain, and their ids in seq order.
fn five_events() -> (TestVault, Vec<String>) {
    static TEMPLATE: std::sync::OnceLock<(TestVault, Vec<String>)> = std::sync::OnceLock::new();
    let (tv, ids) = TEMPLATE.get_or_init(make_five_events);
    (copy_vault(tv), ids.clone())
}

fn make_five_events() -> (TestVault, Vec<String>) {
    let tv = vault_with_team();
    let mut s = unlock(&tv.paths, Role::Marketer);
    let mut ids = Vec::new();
    for n in 0..3 {
        let choices: &[(&str, EventKind)] = if n == 1 {
            &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Refuse), ("xborder", EventKind::Grant)]
        } else {
            &[("event_marketing", EventKind::Grant)]
        };
        ids.extend(capture(&mut s, &tv.notice_hash, person(n), choices).events.into_iter().map(|e| e.id.into_string()));
    }
    s.lock().unwrap();
    assert_eq!(ids.len(), 5);
    (tv, ids)
}

/// A forged event appended after seq 5 with a well-formed link to it (its own hash random):
/// only the cross-check with the audit log can tell it was not written through Consentry.
const APPEND_AFTER_SEQ_5: &str =
    "INSERT INTO consent_event (id, device_id, seq, prev_hash, hash, kind, subject_id, purpose_code, notice_hash,
                                language, captured_at_ms, utc_offset_min, operator_id, method, evidence)
     SELECT 'appended-event', device_id, 6, hash, randomblob(32), 'grant', subject_id, 'xborder', notice_hash, language,
            captured_at_ms, utc_offset_min, operator_id, method, evidence
     FROM consent_event WHERE seq = 5;";

fn tamper(s: &Session, sql: &str) {
    let c = s.raw_connection_for_tests();
    // An attacker holding the key also switches off the foreign keys (receipts point at events).
    c.execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
    with_triggers_dropped(
        c,
        &["consent_event_no_update", "consent_event_no_delete", "audit_entry_no_update", "audit_entry_no_delete"],
        sql,
    );
}

fn verify_after(tv: &TestVault, sql: &str) -> verify::Report {
    let mut s = unlock(&tv.paths, Role::Legal);
    assert!(verify::verify(&mut s, consentry::verify::Scope::Full).unwrap().is_intact(), "intact before tampering");
    tamper(&s, sql);
    let report = verify::verify(&mut s, consentry::verify::Scope::Full).unwrap();
    s.lock().unwrap();
    assert!(!report.is_intact(), "verify missed: {sql}");
    report
}

fn names(report: &verify::Report, id: &str) -> bool {
    report.problems.iter().any(|p| p.event_id.as_deref() == Some(id) && p.message.contains(id))
}

#[test]
fn an_edited_event_is_named() {
    let (tv, ids) = five_events();
    let r = verify_after(&tv, "UPDATE consent_event SET kind = 'grant' WHERE seq = 3");
    assert!(names(&r, &ids[2]), "{r:?}");
    assert!(r.problems[0].message.contains("edited"));
}

#[test]
fn a_deleted_event_is_named_even_at_the_end_of_the_chain() {
    let (tv, ids) = five_events();
    let r = verify_after(&tv, "DELETE FROM consent_event WHERE seq = 2");
    assert!(names(&r, &ids[1]), "the missing event is named: {r:?}");
    assert!(names(&r, &ids[2]), "the break in the chain is named: {r:?}");

    let (tv, ids) = five_events();
    let r = verify_after(&tv, "DELETE FROM consent_event WHERE seq = 5");
    assert!(names(&r, &ids[4]), "{r:?}");
}

#[test]
fn an_inserted_event_is_named() {
    let (tv, ids) = five_events();
    // Shift seq 3.. up by one and insert a forged event at seq 3, copying seq 2's links.
    let r = verify_after(
        &tv,
        "UPDATE consent_event SET seq = seq + 1000 WHERE seq >= 3;
         UPDATE consent_event SET seq = seq - 999 WHERE seq >= 1000;
         INSERT INTO consent_event (id, device_id, seq, prev_hash, hash, kind, subject_id, purpose_code, notice_hash,
                                    language, captured_at_ms, utc_offset_min, operator_id, method, evidence)
         SELECT 'forged-event', device_id, 3, hash, hash, 'grant', subject_id, 'xborder', notice_hash, language,
                captured_at_ms, utc_offset_min, operator_id, method, evidence
         FROM consent_event WHERE seq = 2;",
    );
    assert!(names(&r, "forged-event"), "{r:?}");
    let _ = ids;
    // A forged event appended at the end with a well-formed link is caught by the audit cross-check.
    let (tv, _) = five_events();
    let r = verify_after(&tv, APPEND_AFTER_SEQ_5);
    assert!(names(&r, "appended-event"), "{r:?}");
}

#[test]
fn reordered_events_are_named() {
    let (tv, ids) = five_events();
    let r = verify_after(
        &tv,
        "UPDATE consent_event SET seq = 100 WHERE seq = 2;
         UPDATE consent_event SET seq = 2 WHERE seq = 3;
         UPDATE consent_event SET seq = 3 WHERE seq = 100;",
    );
    assert!(names(&r, &ids[2]), "the event now at seq 2 is named: {r:?}");
    assert!(matches!(&r.problems[0].place, Place::Ledger { .. }));
}

#[test]
fn audit_log_edits_deletions_and_reorders_are_named() {
    let (tv, _) = five_events();
    let r = verify_after(&tv, "UPDATE audit_entry SET actor_name = 'Someone else' WHERE seq = 4");
    let p = r.problems.iter().find(|p| p.place == Place::Audit).unwrap();
    assert_eq!(p.seq, 4);
    assert!(p.message.contains("audit entry 4") && p.message.contains("edited"), "{p:?}");

    let (tv, _) = five_events();
    let r = verify_after(&tv, "DELETE FROM audit_entry WHERE seq = 6");
    let p = r.problems.iter().find(|p| p.place == Place::Audit).unwrap();
    assert_eq!(p.seq, 7, "{p:?}");

    let (tv, _) = five_events();
    let r = verify_after(
        &tv,
        "UPDATE audit_entry SET seq = 1000 WHERE seq = 3; UPDATE audit_entry SET seq = 3 WHERE seq = 4; UPDATE audit_entry SET seq = 4 WHERE seq = 1000;",
    );
    assert!(r.problems.iter().any(|p| p.place == Place::Audit && p.seq == 3), "{r:?}");
}

const FIELDS: &[(&str, &str)] = &[
    ("kind", "'withdraw'"),
    ("subject_id", "'someone-else'"),
    ("purpose_code", "purpose_code || '_x'"),
    ("notice_hash", "NULL"),
    ("language", "'en'"),
    ("captured_at_ms", "captured_at_ms + 1"),
    ("utc_offset_min", "utc_offset_min + 60"),
    ("operator_id", "'another-operator'"),
    ("method", "'paper'"),
    ("evidence", "'changed note'"),
    ("prev_hash", "randomblob(32)"),
    ("device_id", "device_id"),
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    /// Changing any hashed field of any event, or nothing, is found exactly when it happens.
    #[test]
    fn any_single_field_edit_is_detected(event in 1i64..=5, field in 0usize..FIELDS.len()) {
        let (tv, ids) = five_events();
        let (name, value) = FIELDS[field];
        let mut s = unlock(&tv.paths, Role::Legal);
        tamper(&s, &format!("PRAGMA foreign_keys = OFF; UPDATE consent_event SET {name} = {value} WHERE seq = {event}"));
        let report = verify::verify(&mut s, consentry::verify::Scope::Full).unwrap();
        s.lock().unwrap();
        let changed = name != "device_id";
        prop_assert_eq!(!report.is_intact(), changed, "{} on seq {}: {:?}", name, event, report);
        if changed {
            prop_assert!(names(&report, &ids[(event - 1) as usize]), "{:?}", report);
        }
    }
}

/// A vault with one captured event (seq 1) and then an import of four (seq 2 to 5), which the
/// audit log records as one batch.
fn imported_batch() -> TestVault {
    let tv = vault_with_team();
    let mut s = unlock(&tv.paths, Role::Marketer);
    capture(&mut s, &tv.notice_hash, person(0), &[("event_marketing", EventKind::Grant)]);
    let n = &tv.notice_hash;
    let file = format!(
        "email,purpose,decision,notice,captured_at\n\
         a@example.com,event_marketing,grant,{n},2024-01-01\na@example.com,newsletter,refuse,{n},2024-01-01\n\
         b@example.com,event_marketing,grant,{n},2024-01-02\nb@example.com,newsletter,grant,{n},2024-01-02\n"
    );
    let report =
        consentry::rights::import_consents(&mut s, file.as_bytes(), consentry::rights::Provenance::Paper).unwrap();
    assert_eq!((report.events, report.people), (4, 2));
    s.lock().unwrap();
    let mut s = unlock(&tv.paths, Role::Legal);
    let imports: Vec<_> = s.audit_log(50).unwrap().into_iter().filter(|e| e.action == "consent.import").collect();
    assert_eq!(imports.len(), 1, "one entry for the whole import");
    assert!(imports[0].detail.starts_with("batch:4:2:"), "{}", imports[0].detail);
    assert_eq!(imports[0].target, "2 people");
    s.lock().unwrap();
    tv
}

#[test]
fn an_imported_batch_is_held_to_its_audit_entry() {
    let tv = imported_batch();
    // The last imported event deleted: the chain alone still links, the batch's entry does not.
    let r = verify_after(&copy_vault(&tv), "DELETE FROM consent_event WHERE seq = 5");
    assert!(
        r.problems.iter().any(|p| p.message.contains("events 5 to 5") && p.message.contains("are missing")),
        "{r:?}"
    );
    // An event appended after the batch with a well-formed link: recorded by no entry.
    let r = verify_after(&copy_vault(&tv), APPEND_AFTER_SEQ_5);
    assert!(names(&r, "appended-event"), "{r:?}");
    // The batch's entry edited to commit to other hashes: the audit chain breaks there, and
    // the events no longer give the digest it records.
    let r = verify_after(
        &copy_vault(&tv),
        &format!("UPDATE audit_entry SET detail = 'batch:4:2:{}' WHERE action = 'consent.import';", "0".repeat(64)),
    );
    assert!(r.problems.iter().any(|p| p.message.contains("events 2 to 5") && p.message.contains("differ")), "{r:?}");
}
