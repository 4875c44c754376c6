//! A vault made with SQLCipher's default page HMAC (SHA-512), as vaults were before, opens
//! and is upgraded to HMAC-SHA256 at the first unlock that has it to itself, keeping every
//! record; a kill at any point of the upgrade leaves a vault that unlocks and verifies.

use std::io::Write;
use std::time::Instant;

use consentry::ledger::EventKind;
use consentry::vault::VaultPaths;
use consentry::Role;

use crate::common::*;

/// Which page HMAC opens the file: "sha256", "sha512" or "neither".
fn hmac_of(paths: &VaultPaths, key: &[u8]) -> &'static str {
    for (name, algo) in [("sha256", "HMAC_SHA256"), ("sha512", "HMAC_SHA512")] {
        let c = rusqlite::Connection::open(&paths.db).unwrap();
        c.execute_batch(&format!(
            "PRAGMA cipher_log_level = NONE; PRAGMA key = \"x'{}'\"; PRAGMA cipher_hmac_algorithm = {algo};",
            hex::encode(key)
        ))
        .unwrap();
        if c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_ok() {
            return name;
        }
    }
    "neither"
}

fn key_of(paths: &VaultPaths) -> Vec<u8> {
    let (name, p) = credentials(Role::Marketer);
    consentry::vault::data_key_for_tests(paths, name, &pass(p)).unwrap()
}

/// A vault with captures, turned into the older format; and its number of events.
fn older_vault() -> (TestVault, i64) {
    static TEMPLATE: std::sync::OnceLock<(TestVault, i64)> = std::sync::OnceLock::new();
    let (tv, n) = TEMPLATE.get_or_init(|| {
        let tv = vault_with_team();
        let mut mo = unlock(&tv.paths, Role::Marketer);
        for n in 0..60 {
            capture(
                &mut mo,
                &tv.notice_hash,
                person(n),
                &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Refuse)],
            );
        }
        mo.lock().unwrap();
        let key = key_of(&tv.paths);
        assert_eq!(hmac_of(&tv.paths, &key), "sha256", "new vaults are made with HMAC-SHA256 pages");
        consentry::vault::downgrade_for_tests(&tv.paths, &key).unwrap();
        assert_eq!(hmac_of(&tv.paths, &key), "sha512");
        (tv, 120)
    });
    (copy_vault(tv), *n)
}

fn events_and_verify(tv: &TestVault) -> i64 {
    let mut lena = unlock(&tv.paths, Role::Legal);
    let n: i64 =
        lena.raw_connection_for_tests().query_row("SELECT count(*) FROM consent_event", [], |r| r.get(0)).unwrap();
    let report = consentry::verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    lena.lock().unwrap();
    n
}

#[test]
fn an_older_vault_is_upgraded_at_unlock_and_keeps_every_record() {
    let (tv, events) = older_vault();
    let key = key_of(&tv.paths);
    let before = std::fs::metadata(&tv.paths.db).unwrap().len();
    assert_eq!(events_and_verify(&tv), events, "every event is there and verifies after the upgrade");
    assert_eq!(hmac_of(&tv.paths, &key), "sha256", "upgraded");
    let after = std::fs::metadata(&tv.paths.db).unwrap().len();
    assert!(after <= before + 4096 * 4, "a page-for-page copy: {before} → {after} bytes");
    let leftovers: Vec<_> = std::fs::read_dir(tv.dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.contains("cipher-upgrade"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // It goes on working: a capture and another unlock.
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture(&mut mo, &tv.notice_hash, person(999), &[("event_marketing", EventKind::Grant)]);
    mo.lock().unwrap();
    assert_eq!(events_and_verify(&tv), events + 1);
}

#[test]
fn an_older_vault_open_elsewhere_is_used_as_it_is_and_upgraded_at_a_later_unlock() {
    let (tv, events) = older_vault();
    let key = key_of(&tv.paths);
    let other = rusqlite::Connection::open(&tv.paths.db).unwrap();
    other
        .execute_batch(&format!(
            "PRAGMA key = \"x'{}'\"; PRAGMA cipher_hmac_algorithm = HMAC_SHA512; PRAGMA journal_mode = WAL;",
            hex::encode(&key)
        ))
        .unwrap();
    let n: i64 = other.query_row("SELECT count(*) FROM consent_event", [], |r| r.get(0)).unwrap();
    assert_eq!(n, events);
    let mut mo = unlock(&tv.paths, Role::Marketer);
    capture(&mut mo, &tv.notice_hash, person(998), &[("event_marketing", EventKind::Grant)]);
    mo.lock().unwrap();
    assert_eq!(hmac_of(&tv.paths, &key), "sha512", "not upgraded while another connection has it open");
    let n: i64 = other.query_row("SELECT count(*) FROM consent_event", [], |r| r.get(0)).unwrap();
    assert_eq!(n, events + 1, "both connections see the one file");
    drop(other);
    assert_eq!(events_and_verify(&tv), events + 1);
    assert_eq!(hmac_of(&tv.paths, &key), "sha256", "upgraded once it was free");
}

#[test]
#[ignore = "the child process of the kill test; run by a_kill_during_the_upgrade_leaves_a_vault_that_works"]
fn upgrade_child() {
    let Ok(db) = std::env::var("CONSENTRY_UPGRADE_VAULT") else { return };
    let paths = VaultPaths::new(db);
    let mut out = std::io::stdout().lock();
    writeln!(out, "READY").unwrap();
    out.flush().unwrap();
    let s = unlock(&paths, Role::Marketer);
    writeln!(out, "UNLOCKED").unwrap();
    out.flush().unwrap();
    drop(s);
    std::thread::sleep(std::time::Duration::from_secs(60));
}

#[test]
fn a_kill_during_the_upgrade_leaves_a_vault_that_works() {
    // How long an unlock with the upgrade takes here, so that the kills spread over it.
    let (probe, _) = older_vault();
    let t = Instant::now();
    unlock(&probe.paths, Role::Marketer).lock().unwrap();
    let took = t.elapsed().as_millis() as u64;
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let (mut before, mut after) = (0, 0);
    for _ in 0..12 {
        let (tv, events) = older_vault();
        let env: [(&str, &std::ffi::OsStr); 1] = [("CONSENTRY_UPGRADE_VAULT", tv.paths.db.as_os_str())];
        let lines = run_child_and_kill("cipher_upgrade::upgrade_child", &env, &mut seed, 1, took + took / 2 + 1);
        if lines.iter().any(|l| l == "UNLOCKED") {
            after += 1;
        } else {
            before += 1;
        }
        assert_eq!(events_and_verify(&tv), events, "every event, intact, after a kill");
        assert_eq!(hmac_of(&tv.paths, &key_of(&tv.paths)), "sha256", "the next unlock finished the upgrade");
    }
    println!("kills before the unlock finished: {before}, after: {after} (an unlock with the upgrade takes {took} ms)");
    assert!(before > 0, "no kill landed during an unlock; the test checked nothing");
}
