//! `verify` covers everything a proof rests on, beyond the chains: each approved notice
//! version's hash from its stored text, profile snapshot and form; the schema against what
//! the migrations create (and no write while it differs); the current state rebuilt from the
//! ledger. Each failure is caused by raw SQL with the key, as an attacker holding it would.

use consentry::ledger::{self, EventKind};
use consentry::verify::{self, Place};
use consentry::{Error, Role, Session};

use crate::common::*;
use crate::notices::approved_notice;

fn behind_the_back(s: &Session, triggers: &[&str], sql: &str) {
    with_triggers_dropped(s.raw_connection_for_tests(), triggers, sql);
}

fn places(r: &verify::Report) -> Vec<&'static str> {
    r.problems.iter().map(|p| p.place.kind()).collect()
}

#[test]
fn a_rewritten_approved_wording_fails_verify_and_names_the_version() {
    let (_dir, paths) = authoring_vault();
    let v = approved_notice(&paths, "ts");
    let mut lena = unlock_as(&paths, LEGAL);
    let before = verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap();
    assert!(before.is_intact(), "{:?}", before.problems);
    assert!(before.notices_checked >= 3, "the revision and its two language versions: {}", before.notices_checked);
    // The English text consents point at, with one word changed; both copies of it.
    behind_the_back(
        &lena,
        &["notice_version_frozen", "notice_revision_frozen"],
        &format!(
            "UPDATE notice_version SET body = replace(body, 'personal', 'impersonal') WHERE hash = '{h}';
             UPDATE notice_revision SET text_en = replace(text_en, 'personal', 'impersonal') WHERE id = '{id}';",
            h = v.rendered.hash_en,
            id = v.id
        ),
    );
    let r = verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap();
    assert!(!r.is_intact());
    assert!(!places(&r).contains(&"schema"), "the triggers were put back exactly: {:?}", r.problems);
    let version = r
        .problems
        .iter()
        .find(|p| matches!(&p.place, Place::NoticeVersion { hash, .. } if *hash == v.rendered.hash_en))
        .unwrap_or_else(|| panic!("{:?}", r.problems));
    assert!(version.message.contains("rewritten"), "{}", version.message);
    assert!(
        r.problems
            .iter()
            .any(|p| matches!(&p.place, Place::NoticeRevision { notice, number: 1, .. } if notice == "ts")),
        "{:?}",
        r.problems
    );
    lena.lock().unwrap();
}

#[test]
fn a_rewritten_capture_form_fails_verify() {
    let (_dir, paths) = authoring_vault();
    let v = approved_notice(&paths, "ts");
    let mut lena = unlock_as(&paths, LEGAL);
    // A box's English label changed in the stored form; the texts and hashes untouched.
    behind_the_back(
        &lena,
        &["notice_revision_frozen"],
        &format!(
            "UPDATE notice_revision SET form = json_set(form, '$.purposes[0].label.en', 'Nothing much') WHERE id = '{}'",
            v.id
        ),
    );
    let r = verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap();
    let p =
        r.problems.iter().find(|p| p.place.kind() == "notice_revision").unwrap_or_else(|| panic!("{:?}", r.problems));
    assert!(p.message.contains("capture form"), "{}", p.message);
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    lena.lock().unwrap();
}

#[test]
fn a_dropped_trigger_fails_verify_and_stops_every_write_until_an_admin_restores_it() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture(&mut mo, &tv.notice_hash, person(0), &[("event_marketing", EventKind::Grant)]);
    // While the session is open: the next write sees the change.
    mo.raw_connection_for_tests().execute_batch("DROP TRIGGER consent_event_no_delete").unwrap();
    let refused = consentry::ledger::record_capture(
        &mut mo,
        &consentry::ledger::Capture {
            subject: person(1),
            choices: vec![("event_marketing".into(), EventKind::Grant)],
            notice: tv.notice_hash.clone(),
            language: None,
            method: consentry::ledger::Method::Kiosk,
            evidence: String::new(),
            captured_at: None,
        },
    )
    .unwrap_err();
    let Error::SchemaAltered { objects } = &refused else { panic!("{refused:?}") };
    assert_eq!(objects, &vec!["trigger consent_event_no_delete".to_string()]);
    assert_eq!(refused.kind(), "schema_altered");
    mo.lock().unwrap();

    // A new session is refused too, and verify names the trigger.
    let mut lena = unlock(&tv.paths, Role::Legal);
    let r = verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap();
    let p = r.problems.iter().find(|p| p.place.kind() == "schema").unwrap_or_else(|| panic!("{:?}", r.problems));
    assert_eq!(p.place, Place::Schema { kind: "trigger".into(), name: "consent_event_no_delete".into() });
    assert!(p.message.contains("is missing"), "{}", p.message);
    assert!(matches!(
        consentry::purpose::add_category(
            &mut lena,
            &consentry::purpose::DataCategory {
                code: "x".into(),
                name_zh: "x".into(),
                name_en: "x".into(),
                sensitive: None
            }
        ),
        Err(Error::SchemaAltered { .. })
    ));
    // Only an administrator may restore it.
    assert!(matches!(lena.restore_schema(), Err(Error::PermissionDenied { .. })));
    lena.lock().unwrap();

    let mut ada = unlock(&tv.paths, Role::Admin);
    assert_eq!(ada.restore_schema().unwrap(), vec![]);
    let r = verify::verify(&mut ada, consentry::verify::Scope::Full).unwrap();
    assert!(r.is_intact(), "{:?}", r.problems);
    let log = ada.audit_log(5).unwrap();
    let restored = log.iter().find(|e| e.action == "vault.restore_schema").expect("audited");
    assert_eq!(restored.detail, "trigger consent_event_no_delete");
    ada.lock().unwrap();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture(&mut mo, &tv.notice_hash, person(1), &[("event_marketing", EventKind::Grant)]);
    mo.lock().unwrap();
}

#[test]
fn an_added_trigger_and_an_edited_one_are_found_and_removed_or_put_back() {
    let tv = vault_with_team();
    let mut ada = unlock(&tv.paths, Role::Admin);
    ada.raw_connection_for_tests()
        .execute_batch(
            "CREATE TRIGGER quietly AFTER INSERT ON consent_event BEGIN SELECT 1; END;
             DROP TRIGGER tally_granted_added;
             CREATE TRIGGER tally_granted_added AFTER INSERT ON consent_current BEGIN SELECT 1; END;",
        )
        .unwrap();
    let r = verify::verify(&mut ada, consentry::verify::Scope::Full).unwrap();
    let schema: Vec<String> =
        r.problems.iter().filter(|p| p.place.kind() == "schema").map(|p| p.message.clone()).collect();
    assert_eq!(
        schema,
        vec![
            "The trigger tally_granted_added differs from the one Consentry creates.".to_string(),
            "The trigger quietly was added outside Consentry.".to_string(),
        ]
    );
    assert_eq!(ada.restore_schema().unwrap(), vec![]);
    assert!(verify::verify(&mut ada, consentry::verify::Scope::Full).unwrap().is_intact());
    ada.lock().unwrap();
}

#[test]
fn a_current_state_the_ledger_does_not_give_fails_verify_and_names_person_and_purpose() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    let rec = capture(
        &mut mo,
        &tv.notice_hash,
        person(0),
        &[("event_marketing", EventKind::Refuse), ("newsletter", EventKind::Grant)],
    );
    mo.lock().unwrap();
    let mut lena = unlock(&tv.paths, Role::Legal);
    let before = verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap();
    assert!(before.is_intact(), "{:?}", before.problems);
    assert_eq!(before.current_checked, 2);
    // The derived table says "granted" for a refusal: counts and exports would follow it.
    let subject = &rec.subject_id.to_string();
    lena.raw_connection_for_tests()
        .execute(
            "UPDATE consent_current SET kind = 'grant', protection = 0 WHERE subject_id = ?1 AND purpose_code = 'event_marketing'",
            [subject],
        )
        .unwrap();
    let r = verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap();
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    let p = &r.problems[0];
    assert_eq!(p.place, Place::CurrentState { subject_id: subject.clone(), purpose: "event_marketing".into() });
    assert!(p.message.contains("the ledger gives refuse") && p.message.contains("table says grant"), "{}", p.message);
    lena.lock().unwrap();
}

/// The home screen's counts and what the current-state table keeps beside each event id
/// (schema 11) are derived too: verify finds them changed.
#[test]
fn a_changed_home_count_or_a_copied_notice_hash_fails_verify() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture(&mut mo, &tv.notice_hash, person(0), &[("newsletter", EventKind::Grant)]);
    let counts = ledger::summary(&mut mo).unwrap();
    assert_eq!(counts.active_consents, 1);
    mo.lock().unwrap();
    let mut lena = unlock(&tv.paths, Role::Legal);
    assert!(verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap().is_intact());
    lena.raw_connection_for_tests().execute("UPDATE tally SET n = n + 5 WHERE name = 'granted'", []).unwrap();
    let r = verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap();
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert!(r.problems[0].message.contains("count of granted says 6, but there are 1"), "{}", r.problems[0].message);
    lena.raw_connection_for_tests().execute("UPDATE tally SET n = n - 5 WHERE name = 'granted'", []).unwrap();
    lena.raw_connection_for_tests().execute("UPDATE consent_current SET notice_hash = 'ff'", []).unwrap();
    let r = verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap();
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert!(r.problems[0].message.contains("not their event's"), "{}", r.problems[0].message);
    // The method exports print is the event's too.
    let event_hash: String =
        lena.raw_connection_for_tests().query_row("SELECT notice_hash FROM consent_event", [], |r| r.get(0)).unwrap();
    lena.raw_connection_for_tests().execute("UPDATE consent_current SET notice_hash = ?1", [&event_hash]).unwrap();
    assert!(verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap().is_intact());
    lena.raw_connection_for_tests().execute("UPDATE consent_current SET method = 'paper'", []).unwrap();
    let r = verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap();
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert!(r.problems[0].message.contains("notice hash or method"), "{}", r.problems[0].message);
    lena.lock().unwrap();
}
