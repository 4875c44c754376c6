//! Verify runs beside the session on a read-only connection of its own: capture goes on while
//! it walks the ledger, and every run sees one consistent snapshot (never a capture's audit
//! entry without its events, or the reverse).

use consentry::ledger::EventKind;
use consentry::{verify, Error, Role};

use crate::common::*;

#[test]
fn capture_goes_on_while_verify_runs_and_every_run_is_intact() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    for n in 0..40 {
        capture(
            &mut mo,
            &tv.notice_hash,
            person(n),
            &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Refuse)],
        );
    }
    let verifier = verify::verifier(&mut mo).unwrap();
    let runs = std::thread::spawn(move || {
        (0..8).map(|_| verifier.run(consentry::verify::Scope::Full).unwrap()).collect::<Vec<_>>()
    });
    // The session is free: these captures commit while the verifier reads.
    for n in 40..80 {
        capture(
            &mut mo,
            &tv.notice_hash,
            person(n),
            &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Grant)],
        );
    }
    let reports = runs.join().unwrap();
    for r in &reports {
        assert!(r.is_intact(), "{:?}", r.problems);
        assert_eq!(r.events_checked % 2, 0, "each snapshot holds whole captures: {}", r.events_checked);
        assert!(r.events_checked >= 80 && r.events_checked <= 160, "{}", r.events_checked);
    }
    // Recording the outcome goes through the session.
    verify::record(&mut mo, &reports[0]).unwrap();
    let last = verify::verifier(&mut mo).unwrap().run(consentry::verify::Scope::Full).unwrap();
    assert_eq!(last.events_checked, 160);
    mo.lock().unwrap();
}

#[test]
fn a_result_goes_stale_when_the_vault_changes_and_not_otherwise() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    let report = verify::verifier(&mut mo).unwrap().run(consentry::verify::Scope::Full).unwrap();
    assert!(!verify::is_stale(&mut mo, &report).unwrap());
    verify::record(&mut mo, &report).unwrap();
    let _ = consentry::subject::search(&mut mo, "guest", 5).unwrap();
    assert!(!verify::is_stale(&mut mo, &report).unwrap(), "verify's own record and reads change nothing");
    capture(&mut mo, &tv.notice_hash, person(1), &[("event_marketing", EventKind::Grant)]);
    assert!(verify::is_stale(&mut mo, &report).unwrap(), "a capture since the snapshot");
    mo.lock().unwrap();
}

#[test]
fn a_kiosk_cannot_make_a_verifier() {
    let tv = vault_with_team();
    let mut kim = unlock(&tv.paths, Role::Kiosk);
    assert!(matches!(verify::verifier(&mut kim), Err(Error::PermissionDenied { .. })));
    kim.lock().unwrap();
    let mut lena = unlock(&tv.paths, Role::Legal);
    let v = verify::verifier(&mut lena).unwrap();
    assert!(v.run(consentry::verify::Scope::Full).unwrap().is_intact());
    lena.lock().unwrap();
}
