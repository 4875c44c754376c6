//! Masked search results a marketer can tell apart (issue 14): each result says what the
//! query matched and when, how and at which trade show the person was last recorded; the
//! e-mail or phone a person gives confirms a row through the blind index, revealing nothing.

use consentry::capture;
use consentry::ledger::{self, Method};
use consentry::subject::{self, MatchedOn};
use consentry::Error;

use crate::capture::{event_input, new_event, stand, submission, BOXES};
use crate::common::*;

#[test]
fn look_alike_results_say_what_matched_and_when_and_where_each_was_last_recorded() {
    let st = stand();
    let event = new_event(&st.paths, &event_input("ts", 1));
    let mut kim = unlock_as(&st.paths, KIOSK);
    for n in 1..=3 {
        capture::submit(&mut kim, &submission(&event, n, &[BOXES[0]])).unwrap();
    }
    kim.lock().unwrap();

    let mut mo = unlock_as(&st.paths, MARKETER);
    let found = subject::find(&mut mo, "visitor", 10).unwrap();
    assert_eq!(found.len(), 3);
    assert!(found.iter().all(|f| f.matched == Some(MatchedOn::Name) && f.person.masked), "{found:?}");
    let masks: std::collections::BTreeSet<_> = found.iter().map(|f| f.person.email.clone()).collect();
    assert_eq!(masks.len(), 1, "the masked e-mails look alike: {masks:?}");

    let exact = subject::find(&mut mo, "Visitor2@Example.com", 10).unwrap();
    assert_eq!(exact[0].matched, Some(MatchedOn::WholeEmail), "an exact address comes first and says so");
    let two = exact[0].person.id.clone();
    assert_eq!(subject::find(&mut mo, "visitor3@", 10).unwrap()[0].matched, Some(MatchedOn::Email));
    assert!(subject::find(&mut mo, "", 10).unwrap().iter().all(|f| f.matched.is_none()));

    let ids: Vec<_> = found.iter().map(|f| f.person.id.clone()).collect();
    let last = ledger::last_seen(&mut mo, &ids).unwrap();
    for l in &last {
        let l = l.as_ref().expect("each was recorded");
        assert_eq!(l.method, Method::Kiosk);
        assert_eq!(l.event.as_deref(), Some("Shanghai Auto Show 2026"));
    }

    assert!(subject::confirm(&mut mo, &two, "visitor2@example.com").unwrap());
    assert!(subject::confirm(&mut mo, &two, " VISITOR2@example.com ").unwrap(), "normalised as stored");
    let one = found.iter().find(|f| f.person.id != two).unwrap().person.id.clone();
    assert!(!subject::confirm(&mut mo, &one, "visitor2@example.com").unwrap(), "another person's address");
    assert!(!subject::confirm(&mut mo, &two, "13800138000").unwrap(), "no phone was given");
    assert!(matches!(subject::confirm(&mut mo, &two, "not an address"), Err(Error::Invalid(_))));
    assert!(matches!(subject::confirm(&mut mo, &"nobody".into(), "visitor2@example.com"), Err(Error::NotFound(_))));
    mo.lock().unwrap();

    let cli = crate::cli::Cli { vault: &st.paths.db };
    let out = cli.run(MARKETER.0, MARKETER.1, &["--json", "subject", "confirm", two.as_str(), "visitor2@example.com"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["matches"], true);
    let out = cli.run(MARKETER.0, MARKETER.1, &["subject", "confirm", one.as_str(), "visitor2@example.com"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("no"));
}
