//! What the desktop's home and subject screens read: counts, search and settings.

use consentry::ledger::{self, EventKind, Method, Withdrawal};
use consentry::subject::{self, SubjectInput, SubjectKey};
use consentry::{Error, Role};

use crate::common::*;

#[test]
fn summary_counts_people_active_consents_withdrawals_and_notices() {
    let tv = vault_with_team();
    let mut s = unlock(&tv.paths, Role::Marketer);
    let empty = ledger::summary(&mut s).unwrap();
    assert_eq!((empty.subjects, empty.active_consents, empty.withdrawals_last_7_days), (0, 0, 0));
    assert_eq!(empty.notices_by_state, vec![("approved".to_string(), 1)]);
    for n in 0..3 {
        capture(
            &mut s,
            &tv.notice_hash,
            person(n),
            &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Grant)],
        );
    }
    ledger::record_withdrawal(
        &mut s,
        &Withdrawal {
            subject: SubjectKey::Email("person1@example.com".into()),
            purposes: vec![],
            method: Method::Phone,
            evidence: String::new(),
            at: None,
        },
    )
    .unwrap();
    let sum = ledger::summary(&mut s).unwrap();
    assert_eq!(sum.subjects, 3);
    assert_eq!(sum.active_consents, 4, "six grants minus the two withdrawn");
    assert_eq!(sum.withdrawals_last_7_days, 2);
    s.lock().unwrap();
}

#[test]
fn search_finds_by_prefix_and_always_masks() {
    let tv = vault_with_team();
    let mut s = unlock(&tv.paths, Role::Marketer);
    let people = [
        ("张伟", "zhang.wei@example.com", "13800138000"),
        ("Zhao Li", "li@example.org", "+49 30 1234567"),
        ("50%_off", "sale@example.com", "13900000000"),
    ];
    for (name, email, phone) in people {
        capture(
            &mut s,
            &tv.notice_hash,
            SubjectInput {
                name: Some(name.into()),
                email: Some(email.into()),
                phone: Some(phone.into()),
                company: None,
            },
            &[("event_marketing", EventKind::Grant)],
        );
    }
    let names = |q: &str, s: &mut consentry::Session| -> Vec<String> {
        subject::search(s, q, 50).unwrap().into_iter().map(|v| v.name.unwrap_or_default()).collect()
    };
    assert_eq!(names("张", &mut s), vec!["张*"]);
    assert_eq!(names("zhao", &mut s), vec!["Z*** L*"]);
    assert_eq!(names("ZHANG.W", &mut s), vec!["张*"], "email prefix, any case");
    assert_eq!(names("8000", &mut s), vec!["张*"], "the last digits of a phone number");
    assert_eq!(names("138", &mut s), vec!["张*"], "the first digits of a phone number");
    assert_eq!(names("+86 1380013", &mut s), vec!["张*"], "with the country code");
    assert!(names("0013", &mut s).is_empty(), "the middle of a number is not indexed (fewer blind terms)");
    assert_eq!(names("50%", &mut s), vec!["5******"], "LIKE wildcards are literal");
    assert_eq!(names("5%", &mut s).len(), 0);
    assert_eq!(names("", &mut s).len(), 3, "an empty query lists everyone, newest first");
    assert!(subject::search(&mut s, "", 50)
        .unwrap()
        .iter()
        .all(|v| v.masked && !v.email.as_deref().unwrap_or("").contains("zhang.wei")));
    s.lock().unwrap();
}

#[test]
fn idle_lock_defaults_to_five_minutes_and_only_admins_change_it() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    assert_eq!(consentry::settings::idle_lock_minutes(&mut m).unwrap(), consentry::settings::DEFAULT_IDLE_LOCK_MINUTES);
    assert!(matches!(consentry::settings::set_idle_lock_minutes(&mut m, 10), Err(Error::PermissionDenied { .. })));
    m.lock().unwrap();
    let mut a = unlock(&tv.paths, Role::Admin);
    let err = consentry::settings::set_idle_lock_minutes(&mut a, 0).unwrap_err();
    assert!(err.to_string().contains("between 1 and 240"));
    consentry::settings::set_idle_lock_minutes(&mut a, 12).unwrap();
    a.lock().unwrap();
    let mut k = unlock(&tv.paths, Role::Kiosk);
    assert_eq!(consentry::settings::idle_lock_minutes(&mut k).unwrap(), 12);
    k.lock().unwrap();
}

/// Status and the count of consents in force come from one reader, the table a trigger keeps
/// as events are appended, and a count the triggers keep beside it (migrations 0005, 0008,
/// 0011). Whatever the order and
/// timing of grants, refusals and withdrawals, including several at the same instant written
/// in any order and events dated in the past (paper forms), both agree with the state
/// re-derived from each person's whole history.
#[test]
fn consents_in_force_agree_with_the_ledger_in_any_order() {
    use chrono::Duration;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let tv = vault_with_team();
    let session = std::cell::RefCell::new(unlock(&tv.paths, Role::Marketer));
    let base = session.borrow().now() - Duration::days(30);
    // Each step: person 0-2, purpose 0-1, kind, minutes after `base` (few values, so ties happen).
    let step = (0usize..3, 0usize..2, 0u8..3, 0i64..4);
    let mut runner = TestRunner::new(Config { cases: 12, ..Config::default() });
    let rounds = std::cell::Cell::new(0);
    runner
        .run(&prop::collection::vec(step, 1..14), |steps| {
            let round = rounds.get() + 1;
            rounds.set(round);
            let mut s = session.borrow_mut();
            let purposes = ["event_marketing", "newsletter"];
            for (who, p, kind, minute) in &steps {
                let email = format!("r{round}-p{who}@example.com");
                let at = base + Duration::minutes(*minute);
                if *kind == 2 {
                    // A withdrawal dated at that minute (a letter received earlier).
                    let _ = ledger::record_withdrawal(
                        &mut s,
                        &Withdrawal {
                            subject: SubjectKey::Email(email),
                            purposes: vec![purposes[*p].into()],
                            method: Method::Letter,
                            evidence: String::new(),
                            at: Some(at),
                        },
                    );
                } else {
                    ledger::record_capture(
                        &mut s,
                        &ledger::Capture {
                            subject: SubjectInput { email: Some(email), ..Default::default() },
                            choices: vec![(
                                purposes[*p].into(),
                                if *kind == 0 { EventKind::Grant } else { EventKind::Refuse },
                            )],
                            notice: tv.notice_hash.clone(),
                            language: None,
                            method: Method::Paper,
                            evidence: String::new(),
                            captured_at: Some(at),
                        },
                    )
                    .unwrap();
                }
            }
            // The reference: each person's state re-derived here from their whole history
            // (latest wins; at the same instant withdraw > refuse > grant), independent of
            // the trigger-kept table that status, exports and the count all read.
            let protection = |k: EventKind| match k {
                EventKind::Withdraw => 2,
                EventKind::Refuse => 1,
                EventKind::Grant => 0,
            };
            let mut granted = 0;
            for r in 1..=round {
                for who in 0..3 {
                    let key = SubjectKey::Email(format!("r{r}-p{who}@example.com"));
                    let Ok((_, events)) = ledger::history(&mut s, &key) else { continue };
                    let mut expected: std::collections::BTreeMap<String, EventKind> = Default::default();
                    let mut best: std::collections::BTreeMap<String, (i64, u8)> = Default::default();
                    for e in &events {
                        let rank = (e.captured_at.timestamp_millis(), protection(e.kind));
                        if best.get(&e.purpose).is_none_or(|b| rank > *b) {
                            best.insert(e.purpose.clone(), rank);
                            expected.insert(e.purpose.clone(), e.kind);
                        }
                    }
                    let st = ledger::status(&mut s, &key).unwrap();
                    let got: std::collections::BTreeMap<String, String> =
                        st.purposes.iter().map(|x| (x.purpose.clone(), x.state.as_str().to_string())).collect();
                    let want: std::collections::BTreeMap<String, String> = expected
                        .iter()
                        .map(|(p, k)| {
                            let state = match k {
                                EventKind::Grant => "granted",
                                EventKind::Refuse => "refused",
                                EventKind::Withdraw => "withdrawn",
                            };
                            (p.clone(), state.to_string())
                        })
                        .collect();
                    prop_assert_eq!(&got, &want, "status of {:?} after steps {:?}", key, steps);
                    // What status shows beside the state is its event's: the time with its
                    // offset and the notice hash (kept in the table since schema 11).
                    for x in &st.purposes {
                        let e = events.iter().find(|e| e.id == x.event_id);
                        prop_assert!(e.is_some(), "status points at an event of the person");
                        let e = e.unwrap();
                        prop_assert_eq!(x.since, e.captured_at);
                        prop_assert_eq!(x.since.offset(), e.captured_at.offset());
                        prop_assert_eq!(&x.notice_hash, &e.notice_hash);
                    }
                    granted += expected.values().filter(|k| **k == EventKind::Grant).count();
                }
            }
            let summary = ledger::summary(&mut s).unwrap();
            prop_assert_eq!(summary.active_consents, granted as u64, "steps {:?}", steps);
            let people: i64 =
                s.raw_connection_for_tests().query_row("SELECT count(*) FROM subject", [], |r| r.get(0)).unwrap();
            prop_assert_eq!(summary.subjects, people as u64, "the people count is kept as people are added");
            Ok(())
        })
        .unwrap();
    session.into_inner().lock().unwrap();
}
