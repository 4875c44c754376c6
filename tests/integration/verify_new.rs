//! The incremental verify (`Scope::New`): it checks what was added since the last intact
//! verify, starting at the entry that verify stopped at, which must be unchanged; what it
//! does not recheck, a full walk does.

use consentry::ledger::EventKind;
use consentry::verify::{self, Scope};
use consentry::{Role, Session};

use crate::common::*;

fn full(s: &mut Session) -> verify::Report {
    let r = verify::verify(s, Scope::Full).unwrap();
    assert!(r.full);
    r
}

fn new(s: &mut Session) -> verify::Report {
    verify::verify(s, Scope::New).unwrap()
}

fn capture_people(s: &mut Session, notice: &str, people: std::ops::Range<usize>) {
    for n in people {
        capture(s, notice, person(n), &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Refuse)]);
    }
}

fn tamper(s: &Session, sql: &str) {
    let c = s.raw_connection_for_tests();
    c.execute_batch("PRAGMA foreign_keys = OFF;").unwrap();
    with_triggers_dropped(c, &["consent_event_no_update", "consent_event_no_delete"], sql);
}

/// Where the last intact verify stopped on each chain, as stored.
fn heads(s: &Session) -> Vec<(String, String, i64, String, String)> {
    let c = s.raw_connection_for_tests();
    let mut stmt = c
        .prepare("SELECT log, device_id, size, hex(hash), hex(frontier) FROM verified_head ORDER BY log, device_id")
        .unwrap();
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))).unwrap();
    rows.collect::<Result<_, _>>().unwrap()
}

#[test]
fn a_new_verify_checks_only_what_was_added_since_the_last() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture_people(&mut mo, &tv.notice_hash, 0..12);
    let first = full(&mut mo);
    assert!(first.is_intact(), "{:?}", first.problems);
    assert_eq!(first.events_checked, 24);
    capture_people(&mut mo, &tv.notice_hash, 12..15);
    let r = new(&mut mo);
    assert!(r.is_intact(), "{:?}", r.problems);
    assert!(!r.full, "carries on from the full walk");
    assert_eq!(r.events_checked, 6, "the three new people's events only");
    assert_eq!(r.current_checked, 6, "their people and purposes only");
    assert!(r.since_ms.is_some() && r.last_full_ms == r.since_ms, "{:?} {:?}", r.since_ms, r.last_full_ms);
    assert!(r.audit_entries_checked > 0 && r.audit_entries_checked < first.audit_entries_checked);
    // Nothing new: nothing but verify's own audit entry to walk.
    let again = new(&mut mo);
    assert!(again.is_intact() && !again.full, "{:?}", again.problems);
    assert_eq!(again.events_checked, 0);
    // Each run is recorded with its scope.
    let targets: Vec<String> = mo
        .raw_connection_for_tests()
        .prepare("SELECT target FROM audit_entry WHERE action = 'vault.verify' ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(targets, ["full", "new", "new"]);
    mo.lock().unwrap();
}

#[test]
fn new_verifies_reach_the_same_ends_and_frontiers_as_a_full_walk() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    assert!(new(&mut mo).full, "with nothing stored, a new verify walks everything");
    for round in 0..5 {
        // Sizes that cross powers of two, so the frontier merges subtrees between runs.
        capture_people(&mut mo, &tv.notice_hash, round * 7..round * 7 + round + 1);
        assert!(new(&mut mo).is_intact());
    }
    mo.lock().unwrap(); // signs checkpoints at the sizes reached
    let mut mo = unlock(&tv.paths, Role::Marketer);
    let r = new(&mut mo);
    assert!(r.is_intact() && r.checkpoints_checked >= 1, "the lock's checkpoints, beyond the last verify: {r:?}");
    let by_new = heads(&mo);
    assert!(full(&mut mo).is_intact());
    assert_eq!(
        heads(&mo).iter().filter(|h| h.0 == "ledger").collect::<Vec<_>>(),
        by_new.iter().filter(|h| h.0 == "ledger").collect::<Vec<_>>()
    );
    // The audit log grew by the full walk's own entry in between; its frontier is still
    // the same tree: the full walk's head is one entry on (or the same size after a lock).
    let audit_size = |h: &[(String, String, i64, String, String)]| h.iter().find(|x| x.0 == "audit").map(|x| x.2);
    assert_eq!(audit_size(&heads(&mo)), audit_size(&by_new).map(|n| n + 1));
    mo.lock().unwrap();
}

#[test]
fn an_event_edited_after_the_last_verify_is_found_by_a_new_one() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture_people(&mut mo, &tv.notice_hash, 0..3);
    assert!(full(&mut mo).is_intact());
    capture_people(&mut mo, &tv.notice_hash, 3..6);
    tamper(&mo, "UPDATE consent_event SET kind = 'grant' WHERE seq = 10");
    let r = new(&mut mo);
    assert!(!r.full);
    assert!(r.problems.iter().any(|p| p.seq == 10 && p.message.contains("edited")), "{:?}", r.problems);
    // A verify that found problems does not move the heads: the next one finds it again.
    let again = new(&mut mo);
    assert!(again.problems.iter().any(|p| p.seq == 10), "{:?}", again.problems);
    mo.lock().unwrap();
}

#[test]
fn rewriting_the_event_the_last_verify_stopped_at_is_found() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture_people(&mut mo, &tv.notice_hash, 0..3);
    assert!(full(&mut mo).is_intact());
    capture_people(&mut mo, &tv.notice_hash, 3..4);
    // Event 6 is where it stopped: rewritten with a matching hash of its own, it still
    // differs from the hash that verify saw.
    tamper(&mo, "UPDATE consent_event SET hash = randomblob(32) WHERE seq = 6");
    let r = new(&mut mo);
    assert!(
        r.problems.iter().any(|p| p.seq == 6 && p.message.contains("differs from the one the last verify found")),
        "{:?}",
        r.problems
    );
    mo.lock().unwrap();
}

#[test]
fn deleting_back_past_where_the_last_verify_stopped_is_found() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture_people(&mut mo, &tv.notice_hash, 0..3);
    assert!(full(&mut mo).is_intact());
    tamper(&mo, "DELETE FROM consent_event WHERE seq >= 5");
    let r = new(&mut mo);
    assert!(
        r.problems.iter().any(|p| p.message.contains("no longer reaches event 6, which the last verify found intact")),
        "{:?}",
        r.problems
    );
    mo.lock().unwrap();
}

#[test]
fn what_a_new_verify_trusts_a_full_walk_checks_again() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture_people(&mut mo, &tv.notice_hash, 0..3);
    assert!(full(&mut mo).is_intact());
    capture_people(&mut mo, &tv.notice_hash, 3..4);
    // Before where the last verify stopped: the new verify trusts it (as documented)…
    tamper(&mo, "UPDATE consent_event SET kind = 'grant' WHERE seq = 2");
    assert!(new(&mut mo).is_intact(), "a new verify does not go back over what was found intact");
    // …and the full walk finds it.
    let r = full(&mut mo);
    assert!(r.problems.iter().any(|p| p.seq == 2 && p.message.contains("edited")), "{:?}", r.problems);
    mo.lock().unwrap();
}

#[test]
fn a_routine_verify_walks_everything_once_a_week() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture_people(&mut mo, &tv.notice_hash, 0..2);
    assert!(full(&mut mo).is_intact());
    let at = verify::verify(&mut mo, Scope::New).unwrap().last_full_ms.unwrap();
    let day = 24 * 60 * 60 * 1000;
    let r = verify::verify(&mut mo, Scope::Routine(at + day)).unwrap();
    assert!(!r.full, "a day after the full walk");
    let r = verify::verify(&mut mo, Scope::Routine(at + verify::FULL_WALK_EVERY_MS)).unwrap();
    assert!(r.full, "a week after it");
    mo.lock().unwrap();
}

#[test]
fn a_stored_frontier_that_does_not_fit_makes_the_next_verify_walk_everything() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture_people(&mut mo, &tv.notice_hash, 0..3);
    assert!(full(&mut mo).is_intact());
    mo.raw_connection_for_tests()
        .execute("UPDATE verified_head SET frontier = x'00' WHERE log = 'ledger'", [])
        .unwrap();
    let r = new(&mut mo);
    assert!(r.full && r.is_intact(), "{r:?}");
    assert_eq!(r.events_checked, 6);
    mo.lock().unwrap();
}

/// Past a quarter of the ledger added since the last verify, the current state is rebuilt
/// for everyone (one pass costs less than gathering each touched pair's events), so a
/// changed row of a person with nothing new is found too.
#[test]
fn a_new_verify_rebuilds_every_current_state_when_much_was_added() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture_people(&mut mo, &tv.notice_hash, 0..2);
    assert!(full(&mut mo).is_intact());
    capture_people(&mut mo, &tv.notice_hash, 2..6);
    let first: String = mo
        .raw_connection_for_tests()
        .query_row("SELECT subject_id FROM consent_event ORDER BY rowid LIMIT 1", [], |r| r.get(0))
        .unwrap();
    mo.raw_connection_for_tests()
        .execute(
            "UPDATE consent_current SET kind = 'refuse', protection = 1 WHERE subject_id = ?1 AND purpose_code = 'event_marketing'",
            [&first],
        )
        .unwrap();
    let r = new(&mut mo);
    assert!(!r.full, "still carries on from the last verify");
    assert_eq!(r.events_checked, 8, "the chains: only what was added");
    assert_eq!(r.current_checked, 12, "the current state: all six people's two purposes");
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert_eq!(
        r.problems[0].place,
        verify::Place::CurrentState { subject_id: first, purpose: "event_marketing".into() }
    );
    mo.lock().unwrap();
}

/// The home screen's count of people is held to the vault on every verify; the count of
/// grants (a pass over the whole current-state table) on a full walk.
#[test]
fn a_new_verify_checks_the_count_of_people_and_a_full_walk_the_count_of_grants() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture_people(&mut mo, &tv.notice_hash, 0..8);
    assert!(full(&mut mo).is_intact());
    capture_people(&mut mo, &tv.notice_hash, 8..9);
    let conn = mo.raw_connection_for_tests();
    conn.execute("UPDATE tally SET n = n + 2 WHERE name = 'subjects'", []).unwrap();
    conn.execute("UPDATE tally SET n = n + 3 WHERE name = 'granted'", []).unwrap();
    let r = new(&mut mo);
    assert!(!r.full);
    assert_eq!(r.current_checked, 2, "the new person's two purposes only");
    let said: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(said, ["The home screen's count of subjects says 11, but there are 9."], "{said:?}");
    let r = full(&mut mo);
    let said: Vec<&str> = r.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        said,
        [
            "The home screen's count of subjects says 11, but there are 9.",
            "The home screen's count of granted says 12, but there are 9."
        ],
        "{said:?}"
    );
    mo.lock().unwrap();
}
