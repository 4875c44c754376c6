//! Withdrawal at the kiosk (issue 14): a visitor names themselves by receipt, QR code, e-mail
//! or phone, sees only their masked contact and what is in force, withdraws one purpose or
//! all with a withdrawal receipt; look-ups are audited and throttled, refusals write nothing.

use consentry::capture::{self, withdraw};
use consentry::domain::messages as msg;
use consentry::ledger::{self, ConsentState, Method};
use consentry::notice::Language;
use consentry::subject::SubjectKey;
use consentry::{Error, Session};

use crate::capture::{event_input, new_event, stand, submission, BOXES};
use crate::common::*;

fn granted(s: &mut Session, email: &str) -> Vec<String> {
    let st = ledger::status(s, &SubjectKey::Email(email.into())).unwrap();
    st.purposes.into_iter().filter(|p| p.state == ConsentState::Granted).map(|p| p.purpose).collect()
}

fn count(s: &Session, sql: &str) -> i64 {
    s.raw_connection_for_tests().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn text_of<T: std::fmt::Debug>(r: Result<T, Error>) -> &'static str {
    match r {
        Err(Error::Invalid(m) | Error::NotFound(m)) => m.text.name,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_visitor_withdraws_one_purpose_then_the_rest_by_receipt_or_email() {
    let st = stand();
    let event = new_event(&st.paths, &event_input("ts", 1));
    let mut kim = unlock_as(&st.paths, KIOSK);
    let done = capture::submit(&mut kim, &submission(&event, 1, &[BOXES[0], BOXES[2]])).unwrap();
    capture::submit(&mut kim, &submission(&event, 2, &[BOXES[0]])).unwrap();
    let receipt = done.recorded.receipt_id.to_string();
    kim.lock().unwrap();
    let mut mo = unlock_as(&st.paths, MARKETER);
    let before = granted(&mut mo, "visitor1@example.com");
    assert_eq!(before.len(), 2, "{before:?}");
    mo.lock().unwrap();

    let mut kim = unlock_as(&st.paths, KIOSK);
    // The receipt's code, its QR code as a scanner types it, and the e-mail all find the visitor;
    // what comes back is their masked contact and what is in force, in the language asked for.
    for who in [receipt.clone(), format!("{}{receipt}", withdraw::RECEIPT_QR_PREFIX), "Visitor1@Example.com".into()] {
        let c = withdraw::consents(&mut kim, &event, Some(Language::En), &who).unwrap();
        assert!(c.shown.contains('*') && !c.shown.contains("visitor1@"), "masked: {}", c.shown);
        let mut codes: Vec<String> = c.agreed.iter().map(|a| a.code.clone()).collect();
        codes.sort();
        let mut want = before.clone();
        want.sort();
        assert_eq!(codes, want);
        assert!(c.agreed.iter().any(|a| a.separate), "a separate consent is marked as such");
    }
    let zh = withdraw::consents(&mut kim, &event, Some(Language::ZhCn), &receipt).unwrap();
    assert!(zh.agreed.iter().all(|a| a.label.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))), "{zh:?}");

    // Someone unknown, and something never agreed to, are refused and write no event.
    let events = count(&kim, "SELECT count(*) FROM consent_event");
    assert_eq!(text_of(withdraw::consents(&mut kim, &event, None, "nobody@example.com")), "KIOSK_NOT_FOUND");
    let other = "newsletter".to_string();
    assert_eq!(text_of(withdraw::withdraw(&mut kim, &event, None, &receipt, &[other])), "NOT_AGREED");
    assert_eq!(count(&kim, "SELECT count(*) FROM consent_event"), events);

    // One purpose, then the rest: each a withdrawal receipt, method kiosk.
    let one = withdraw::withdraw(&mut kim, &event, Some(Language::En), &receipt, &[before[0].clone()]).unwrap();
    assert_eq!((one.withdrawn.len(), one.still_agreed.len()), (1, 1));
    assert_ne!(one.receipt_id.to_string(), receipt);
    let rest = withdraw::withdraw(&mut kim, &event, Some(Language::En), "visitor1@example.com", &[]).unwrap();
    assert_eq!((rest.withdrawn.len(), rest.still_agreed.len()), (1, 0));
    assert!(withdraw::consents(&mut kim, &event, None, &receipt).unwrap().agreed.is_empty());
    assert_eq!(text_of(withdraw::withdraw(&mut kim, &event, None, &receipt, &[])), "NOTHING_TO_WITHDRAW_HERE");
    assert_eq!(
        count(&kim, "SELECT count(*) FROM receipt WHERE kind = 'withdrawal'"),
        2,
        "a withdrawal receipt each time"
    );
    assert_eq!(count(&kim, "SELECT count(*) FROM consent_event WHERE kind = 'withdraw' AND method = 'kiosk'"), 2);
    let lookups = count(&kim, "SELECT count(*) FROM audit_entry WHERE action = 'consent.kiosk_lookup'");
    assert!(lookups >= 7, "every look-up is audited ({lookups})");
    kim.lock().unwrap();

    let mut mo = unlock_as(&st.paths, MARKETER);
    assert!(granted(&mut mo, "visitor1@example.com").is_empty());
    assert_eq!(granted(&mut mo, "visitor2@example.com").len(), 1, "nobody else's consent changed");
    let history = ledger::history(&mut mo, &SubjectKey::Email("visitor1@example.com".into())).unwrap().1;
    assert!(history.iter().any(|e| e.method == Method::Kiosk && e.kind == ledger::EventKind::Withdraw));
    mo.lock().unwrap();
}

#[test]
fn the_kiosk_is_no_directory_lookups_are_throttled_and_a_closed_event_takes_none() {
    let st = stand();
    let event = new_event(&st.paths, &event_input("ts", 1));
    let mut kim = unlock_as(&st.paths, KIOSK);
    for n in 0..withdraw::LOOKUPS_PER_MINUTE {
        let who = format!("guess{n}@example.com");
        assert_eq!(text_of(withdraw::consents(&mut kim, &event, None, &who)), "KIOSK_NOT_FOUND");
    }
    // The next one is refused whoever it names, before anyone is looked up.
    let audited = count(&kim, "SELECT count(*) FROM audit_entry");
    let r = withdraw::consents(&mut kim, &event, None, "visitor1@example.com");
    assert_eq!(text_of(r), "KIOSK_TOO_MANY_LOOKUPS");
    assert_eq!(count(&kim, "SELECT count(*) FROM audit_entry"), audited, "a refused look-up writes nothing");
    assert_eq!(text_of(withdraw::consents(&mut kim, &event, None, "  ")), "KIOSK_WHO");
    kim.lock().unwrap();

    let mut mo = unlock_as(&st.paths, MARKETER);
    capture::close_event(&mut mo, &event).unwrap();
    mo.lock().unwrap();
    let mut kim = unlock_as(&st.paths, KIOSK);
    let r = withdraw::consents(&mut kim, &event, None, "visitor1@example.com");
    assert!(matches!(r, Err(Error::Invalid(ref m)) if *m.text == msg::EVENT_CLOSED), "{r:?}");
    kim.lock().unwrap();
}
