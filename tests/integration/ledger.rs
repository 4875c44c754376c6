//! The ledger: append-only in the database, status rules, history, captures all-or-nothing.

use std::sync::Arc;

use chrono::DateTime;
use consentry::ledger::{self, Capture, ConsentState, EventKind, Method, Withdrawal};
use consentry::subject::SubjectKey;
use consentry::{Error, FixedClock, Role};

use crate::common::*;

fn state_of(tv: &TestVault, email: &str, purpose: &str) -> ConsentState {
    let mut s = unlock(&tv.paths, Role::Legal);
    let st = ledger::status(&mut s, &SubjectKey::Email(email.into())).unwrap();
    s.lock().unwrap();
    st.purposes.iter().find(|p| p.purpose == purpose).map(|p| p.state).unwrap()
}

#[test]
fn the_database_refuses_update_and_delete_of_events_and_audit_entries() {
    let tv = vault_with_team();
    let mut s = unlock(&tv.paths, Role::Marketer);
    capture(&mut s, &tv.notice_hash, person(1), &[("event_marketing", EventKind::Grant)]);
    let c = s.raw_connection_for_tests();
    for sql in [
        "UPDATE consent_event SET kind = 'refuse'",
        "DELETE FROM consent_event",
        "UPDATE audit_entry SET action = 'x'",
        "DELETE FROM audit_entry",
    ] {
        let err = c.execute(sql, []).unwrap_err().to_string();
        assert!(err.contains("append-only"), "{sql}: {err}");
    }
    let n: i64 = c.query_row("SELECT count(*) FROM consent_event", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 1);
    let err = c.execute("UPDATE notice_version SET body = 'changed'", []).unwrap_err().to_string();
    assert!(err.contains("frozen"), "{err}");
    s.lock().unwrap();
}

#[test]
fn grant_then_withdraw_is_withdrawn_and_a_later_grant_renews() {
    let tv = vault_with_team();
    let mut s = unlock(&tv.paths, Role::Marketer);
    capture(
        &mut s,
        &tv.notice_hash,
        person(1),
        &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Refuse)],
    );
    s.lock().unwrap();
    assert_eq!(state_of(&tv, "person1@example.com", "event_marketing"), ConsentState::Granted);
    assert_eq!(state_of(&tv, "person1@example.com", "newsletter"), ConsentState::Refused);

    let mut s = unlock(&tv.paths, Role::Marketer);
    let w = ledger::record_withdrawal(
        &mut s,
        &Withdrawal {
            subject: SubjectKey::Email("PERSON1@example.com".into()),
            purposes: vec![],
            method: Method::Email,
            evidence: "ticket 42".into(),
            at: None,
        },
    )
    .unwrap();
    assert_eq!(w.events.len(), 1, "'all' withdraws only what is granted");
    assert_eq!(w.events[0].purpose, "event_marketing");
    // The withdrawal points at the wording the person had agreed to.
    let (_, hist) = ledger::history(&mut s, &SubjectKey::Email("person1@example.com".into())).unwrap();
    assert_eq!(hist.last().unwrap().notice_hash.as_deref(), Some(tv.notice_hash.as_str()));
    s.lock().unwrap();
    assert_eq!(state_of(&tv, "person1@example.com", "event_marketing"), ConsentState::Withdrawn);

    // Nothing left to withdraw is a clear error.
    let mut s = unlock(&tv.paths, Role::Marketer);
    let err = ledger::record_withdrawal(
        &mut s,
        &Withdrawal {
            subject: SubjectKey::Email("person1@example.com".into()),
            purposes: vec![],
            method: Method::Email,
            evidence: String::new(),
            at: None,
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("no consent in force"), "{err}");
    std::thread::sleep(std::time::Duration::from_millis(5));
    capture(&mut s, &tv.notice_hash, person(1), &[("event_marketing", EventKind::Grant)]);
    s.lock().unwrap();
    assert_eq!(state_of(&tv, "person1@example.com", "event_marketing"), ConsentState::Granted);
}

#[test]
fn a_withdrawal_and_a_grant_at_the_same_instant_give_withdrawn() {
    let tv = vault_with_team();
    let instant = DateTime::parse_from_rfc3339("2026-11-29T10:00:00.000+08:00").unwrap();
    let clock = Arc::new(FixedClock(instant));
    // Whichever is written first, the withdrawal wins the tie.
    for (n, order) in
        [[EventKind::Grant, EventKind::Withdraw], [EventKind::Withdraw, EventKind::Grant]].into_iter().enumerate()
    {
        let mut s = unlock_with_clock(&tv.paths, Role::Marketer, clock.clone());
        if order[0] == EventKind::Withdraw {
            // The person must exist before a withdrawal can name them.
            capture(&mut s, &tv.notice_hash, person(n), &[("newsletter", EventKind::Refuse)]);
        }
        for kind in order {
            match kind {
                EventKind::Grant => {
                    capture(&mut s, &tv.notice_hash, person(n), &[("event_marketing", EventKind::Grant)]);
                }
                _ => {
                    ledger::record_withdrawal(
                        &mut s,
                        &Withdrawal {
                            subject: SubjectKey::Email(format!("person{n}@example.com")),
                            purposes: vec!["event_marketing".into()],
                            method: Method::InPerson,
                            evidence: String::new(),
                            at: None,
                        },
                    )
                    .unwrap();
                }
            }
        }
        s.lock().unwrap();
        assert_eq!(
            state_of(&tv, &format!("person{n}@example.com"), "event_marketing"),
            ConsentState::Withdrawn,
            "order {order:?}"
        );
    }
}

#[test]
fn every_event_records_wording_language_time_device_and_operator() {
    let tv = vault_with_team();
    let at = DateTime::parse_from_rfc3339("2026-03-01T15:04:05.123+01:00").unwrap();
    let mut s = unlock(&tv.paths, Role::Marketer);
    let rec = ledger::record_capture(
        &mut s,
        &Capture {
            subject: person(7),
            choices: vec![("event_marketing".into(), EventKind::Grant), ("xborder".into(), EventKind::Refuse)],
            notice: tv.notice_hash[..10].to_string(),
            language: Some(consentry::notice::Language::En),
            method: Method::Paper,
            evidence: "form scan 2026-0042".into(),
            captured_at: Some(at),
        },
    )
    .unwrap();
    assert!(rec.new_subject);
    let (subject, events) = ledger::history(&mut s, &SubjectKey::Id(rec.subject_id.clone())).unwrap();
    assert_eq!(subject.id, rec.subject_id);
    assert_eq!(events.len(), 2);
    for e in &events {
        assert_eq!(e.notice_hash.as_deref(), Some(tv.notice_hash.as_str()));
        assert_eq!(e.language, Some(consentry::domain::Language::En));
        assert_eq!(e.captured_at, at);
        assert_eq!(e.captured_at.offset().local_minus_utc(), 3600, "the device's offset is kept");
        assert_eq!(&e.device_id, s.device_id());
        assert_eq!(e.operator_id, s.operator().id);
        assert_eq!(e.method, Method::Paper);
        assert_eq!(e.evidence, "form scan 2026-0042");
    }
    assert_eq!(events.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![1, 2]);
    s.lock().unwrap();
}

#[test]
fn a_failed_capture_writes_nothing() {
    let tv = vault_with_team();
    let mut s = unlock(&tv.paths, Role::Marketer);
    let count = |s: &consentry::Session| -> (i64, i64, i64) {
        let c = s.raw_connection_for_tests();
        let q = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        (
            q("SELECT count(*) FROM consent_event"),
            q("SELECT count(*) FROM subject"),
            q("SELECT count(*) FROM audit_entry WHERE action <> 'vault.unlock'"),
        )
    };
    let before = count(&s);
    let bad = |choices: Vec<(String, EventKind)>, notice: &str, method: Method, at: Option<&str>| Capture {
        subject: person(9),
        choices,
        notice: notice.into(),
        language: None,
        method,
        evidence: String::new(),
        captured_at: at.map(|t| DateTime::parse_from_rfc3339(t).unwrap()),
    };
    let grant = |p: &str| vec![(p.to_string(), EventKind::Grant)];
    let cases = [
        (
            bad(
                vec![("event_marketing".into(), EventKind::Grant), ("no_such_purpose".into(), EventKind::Grant)],
                &tv.notice_hash,
                Method::Kiosk,
                None,
            ),
            "no_such_purpose",
        ),
        (bad(grant("event_marketing"), "deadbeefdeadbeef", Method::Kiosk, None), "notice version"),
        (bad(grant("event_marketing"), &tv.notice_hash, Method::Kiosk, Some("2020-01-01T00:00:00Z")), "earlier time"),
        (bad(grant("event_marketing"), &tv.notice_hash, Method::Paper, Some("2999-01-01T00:00:00Z")), "future"),
        (bad(vec![], &tv.notice_hash, Method::Kiosk, None), "No purposes"),
        (
            bad(
                vec![("newsletter".into(), EventKind::Grant), ("newsletter".into(), EventKind::Refuse)],
                &tv.notice_hash,
                Method::Kiosk,
                None,
            ),
            "twice",
        ),
        (bad(grant("event_marketing"), &tv.notice_hash, Method::Letter, None), "is a way to withdraw"),
    ];
    for (c, needle) in cases {
        let err = ledger::record_capture(&mut s, &c).unwrap_err();
        assert!(err.to_string().contains(needle), "expected {needle:?} in: {err}");
    }
    let no_contact = Capture {
        subject: consentry::subject::SubjectInput { name: Some("Anon".into()), ..Default::default() },
        ..bad(grant("newsletter"), &tv.notice_hash, Method::Kiosk, None)
    };
    let err = ledger::record_capture(&mut s, &no_contact).unwrap_err();
    assert!(matches!(err, Error::Invalid { .. }) && err.to_string().contains("e-mail"), "{err}");
    assert_eq!(count(&s), before, "a failed capture must leave no trace");
    s.lock().unwrap();
}

#[test]
fn the_same_person_is_found_by_normalised_email_or_phone() {
    let tv = vault_with_team();
    let mut s = unlock(&tv.paths, Role::Marketer);
    let a = capture(
        &mut s,
        &tv.notice_hash,
        consentry::subject::SubjectInput {
            name: Some("李娜".into()),
            email: None,
            phone: Some("+86 139-1234-5678".into()),
            company: None,
        },
        &[("event_marketing", EventKind::Grant)],
    );
    let b = capture(
        &mut s,
        &tv.notice_hash,
        consentry::subject::SubjectInput {
            name: None,
            email: Some("Li.Na@Example.COM".into()),
            phone: Some("13912345678".into()),
            company: Some("示例".into()),
        },
        &[("newsletter", EventKind::Grant)],
    );
    assert!(a.new_subject && !b.new_subject);
    assert_eq!(a.subject_id, b.subject_id);
    let st = ledger::status(&mut s, &SubjectKey::Email("li.na@example.com".into())).unwrap();
    assert_eq!(st.purposes.len(), 2);
    let err = ledger::status(&mut s, &SubjectKey::Email("nobody@example.com".into())).unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }));
    assert!(!err.to_string().contains("nobody@"), "the error masks the address: {err}");
    s.lock().unwrap();
}
