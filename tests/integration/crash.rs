//! kill -9 in the middle of capturing: every event acknowledged before the kill is there
//! after reopening, and SQLite's and SQLCipher's integrity checks are clean.
//!
//! The child is this test binary itself, running the ignored `capture_loop_child` test with
//! `CONSENTRY_CRASH_VAULT` set. `CONSENTRY_KILL_ROUNDS` raises the number of kills
//! (scripts/kill-stress.sh runs 1,000).

use std::io::Write;

use consentry::ledger::EventKind;
use consentry::Role;

use crate::common::*;

#[test]
#[ignore = "the child process of the kill -9 test; run by kill_9_loses_no_acknowledged_event"]
fn capture_loop_child() {
    let Ok(db) = std::env::var("CONSENTRY_CRASH_VAULT") else { return };
    let paths = consentry::vault::VaultPaths::new(db);
    let notice = std::env::var("CONSENTRY_CRASH_NOTICE").unwrap();
    let round: usize = std::env::var("CONSENTRY_CRASH_ROUND").unwrap().parse().unwrap();
    let mut s = unlock(&paths, Role::Marketer);
    let mut out = std::io::stdout().lock();
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
    for n in 0.. {
        let rec = capture(
            &mut s,
            &notice,
            person(round * 1_000_000 + n),
            &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Refuse), ("xborder", EventKind::Grant)],
        );
        for e in rec.events {
            writeln!(out, "ACK {}", e.id).unwrap();
        }
        out.flush().unwrap();
    }
}

fn rounds() -> usize {
    std::env::var("CONSENTRY_KILL_ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(20)
}

#[test]
fn kill_9_loses_no_acknowledged_event() {
    let tv = vault_with_team();
    let mut acked: Vec<String> = Vec::new();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..rounds() {
        let round_s = round.to_string();
        let env: [(&str, &std::ffi::OsStr); 3] = [
            ("CONSENTRY_CRASH_VAULT", tv.paths.db.as_os_str()),
            ("CONSENTRY_CRASH_NOTICE", tv.notice_hash.as_ref()),
            ("CONSENTRY_CRASH_ROUND", round_s.as_ref()),
        ];
        let lines = run_child_and_kill("crash::capture_loop_child", &env, &mut seed, 20, 180);
        acked.extend(lines.iter().filter_map(|l| l.strip_prefix("ACK ").map(str::to_string)));
    }
    assert!(acked.len() >= rounds(), "the children captured too little to test anything: {}", acked.len());

    let s = unlock(&tv.paths, Role::Legal);
    let c = s.raw_connection_for_tests();
    let mut stmt = c.prepare("SELECT 1 FROM consent_event WHERE id = ?1").unwrap();
    let missing: Vec<&String> = acked.iter().filter(|id| !stmt.exists([id.as_str()]).unwrap()).collect();
    assert!(missing.is_empty(), "{} acknowledged events lost, e.g. {:?}", missing.len(), missing.first());
    let integrity: String = c.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    let cipher_problems: Vec<String> = c
        .prepare("PRAGMA cipher_integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(cipher_problems.is_empty(), "{cipher_problems:?}");
    // Each person's three events are all there or none are: captures are all-or-nothing.
    let partial: i64 = c
        .query_row(
            "SELECT count(*) FROM (SELECT subject_id FROM consent_event GROUP BY subject_id HAVING count(*) <> 3)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(partial, 0);
    drop(stmt);
    let mut s = s;
    let report = consentry::verify::verify(&mut s, consentry::verify::Scope::Full).unwrap();
    assert!(report.is_intact(), "{report:?}");
    s.lock().unwrap();
    println!("{} kills, {} acknowledged events, every one present; integrity checks clean", rounds(), acked.len());
}
