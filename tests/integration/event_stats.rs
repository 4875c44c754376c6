//! What the marketer sees of an event (issue 14): people per day and per device, grants and
//! refusals per purpose, grants withdrawn since, and a warning when the notice shown has been
//! superseded by a version that needs fresh consent, with the switch to it.

use chrono::Duration;
use consentry::capture::{self, stats};
use consentry::ledger::{self, Method, Withdrawal};
use consentry::notice::profile;
use consentry::notice::workflow;
use consentry::subject::SubjectKey;
use consentry::{purpose, Error};

use crate::capture::{event_input, new_event, stand, submission, BOXES};
use crate::common::*;

#[test]
fn an_events_figures_count_people_per_day_and_device_and_answers_per_purpose() {
    let st = stand();
    let event = new_event(&st.paths, &event_input("ts", 1));
    let mut mo = unlock_as(&st.paths, MARKETER);
    let empty = stats::stats(&mut mo, &event).unwrap();
    assert_eq!((empty.people, empty.per_day.len(), empty.purposes.len(), empty.withdrawn), (0, 0, 0, 0));
    mo.lock().unwrap();

    let mut kim = unlock_as(&st.paths, KIOSK);
    assert!(matches!(stats::stats(&mut kim, &event), Err(Error::PermissionDenied { .. })), "not at the kiosk");
    capture::submit(&mut kim, &submission(&event, 1, &[BOXES[0], BOXES[1]])).unwrap();
    capture::submit(&mut kim, &submission(&event, 2, &[BOXES[0]])).unwrap();
    kim.lock().unwrap();
    // A paper form signed two days before, entered at the desk.
    let mut mo = unlock_as(&st.paths, MARKETER);
    let mut paper = submission(&event, 3, &[BOXES[1]]);
    paper.method = Some(Method::Paper);
    paper.paper_ref = Some("scan-0003".into());
    let signed = mo.now() - Duration::days(2);
    paper.captured_at = Some(signed);
    capture::submit(&mut mo, &paper).unwrap();
    // Visitor 1 withdraws the newsletter later, at the desk.
    ledger::record_withdrawal(
        &mut mo,
        &Withdrawal {
            subject: SubjectKey::Email("visitor1@example.com".into()),
            purposes: vec!["newsletter".into()],
            method: Method::Email,
            evidence: String::new(),
            at: None,
        },
    )
    .unwrap();

    let s = stats::stats(&mut mo, &event).unwrap();
    assert_eq!(s.people, 3);
    let day = |t: chrono::DateTime<chrono::FixedOffset>| t.format("%Y-%m-%d").to_string();
    let days: Vec<(String, u64)> = s.per_day.iter().map(|d| (d.day.clone(), d.people)).collect();
    assert_eq!(days, [(day(signed), 1), (day(mo.now()), 2)], "oldest day first, in the recording device's offset");
    assert_eq!(s.per_device.len(), 1, "one device recorded them all");
    assert_eq!(s.per_device[0].people, 3);
    assert!(!s.per_device[0].name.is_empty());
    let answers: Vec<(&str, u64, u64, u64)> =
        s.purposes.iter().map(|p| (p.purpose.as_str(), p.grants, p.refusals, p.withdrawn)).collect();
    assert_eq!(
        answers,
        [
            ("dietary_needs", 0, 3, 0),
            ("event_followup", 2, 1, 0),
            ("hq_crm", 0, 3, 0),
            ("newsletter", 2, 1, 1),
            ("partner_offers", 0, 3, 0),
        ],
        "every box shown is a grant or a refusal; the newsletter grant of visitor 1 is withdrawn now"
    );
    assert_eq!(s.withdrawn, 1);
    assert_eq!(s.unsent_people, None, "a vault of no organisation has nothing to send");
    assert_eq!(s.superseded_by, None);
    mo.lock().unwrap();

    // The CLI prints the same figures.
    let cli = crate::cli::Cli { vault: &st.paths.db };
    let out = cli.run(MARKETER.0, MARKETER.1, &["--json", "event", "stats", event.as_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["people"], 3);
    assert_eq!(j["withdrawn"], 1);
    assert_eq!(j["per_day"].as_array().unwrap().len(), 2);
    assert_eq!(j["unsent_people"], serde_json::Value::Null);
    let newsletter = j["purposes"].as_array().unwrap().iter().find(|p| p["purpose"] == "newsletter").unwrap().clone();
    assert_eq!(
        (newsletter["grants"].as_u64(), newsletter["refusals"].as_u64(), newsletter["withdrawn"].as_u64()),
        (Some(2), Some(1), Some(1))
    );
    let out = cli.run(KIOSK.0, KIOSK.1, &["event", "stats", event.as_str()]);
    assert!(!out.status.success(), "the kiosk operator has no figures");
}

#[test]
fn a_superseded_notice_that_needs_fresh_consent_is_flagged_and_the_event_switches_to_it() {
    let st = stand();
    let event = new_event(&st.paths, &event_input("ts", 1));
    // Legal adds a data category and approves version 2: a material change.
    let mut lena = unlock_as(&st.paths, LEGAL);
    purpose::add_category(
        &mut lena,
        &purpose::DataCategory {
            code: "industry".into(),
            name_zh: "所属行业".into(),
            name_en: "industry".into(),
            sensitive: None,
        },
    )
    .unwrap();
    let mut p = example_profile();
    p.categories.push("industry".into());
    profile::save(&mut lena, &p).unwrap();
    workflow::draft(&mut lena, "ts", None, None).unwrap();
    workflow::submit(&mut lena, "ts", "adds the industry").unwrap();
    lena.lock().unwrap();
    let mut lu = unlock_as(&st.paths, LEGAL2);
    workflow::approve(&mut lu, "ts", "approved").unwrap();
    lu.lock().unwrap();

    let mut mo = unlock_as(&st.paths, MARKETER);
    let s = stats::stats(&mut mo, &event).unwrap();
    let sup = s.superseded_by.expect("version 2 needs fresh consent");
    assert_eq!(sup.number, 2);
    assert!(
        sup.changes.iter().any(|c| c.kind.as_str() == "category_added" && c.needs_fresh_consent),
        "{:?}",
        sup.changes
    );
    mo.lock().unwrap();

    let mut kim = unlock_as(&st.paths, KIOSK);
    assert!(matches!(stats::switch_notice(&mut kim, &event, 2), Err(Error::PermissionDenied { .. })));
    kim.lock().unwrap();
    let mut mo = unlock_as(&st.paths, MARKETER);
    let e = stats::switch_notice(&mut mo, &event, 2).unwrap();
    assert_eq!(e.input.notice_number, 2);
    assert_eq!(stats::stats(&mut mo, &event).unwrap().superseded_by, None, "the warning is gone");
    match stats::switch_notice(&mut mo, &event, 2) {
        Err(Error::Invalid(m)) => assert_eq!(m.text.name, "EVENT_ALREADY_SHOWS"),
        other => panic!("{other:?}"),
    }
    assert!(matches!(stats::switch_notice(&mut mo, &event, 9), Err(Error::NotFound(_))), "no version 9");
    let form = capture::form(&mut mo, &event, None).unwrap();
    assert_eq!(form.event.input.notice_number, 2, "the kiosk shows version 2 from now on");
    let audited: i64 = mo
        .raw_connection_for_tests()
        .query_row("SELECT count(*) FROM audit_entry WHERE action = 'event.switch_notice'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(audited, 1);
    mo.lock().unwrap();
}
