//! Backups made while the vault is in use, and restoring them only after they check out.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use consentry::ledger::EventKind;
use consentry::vault::VaultPaths;
use consentry::{backup, verify, Role, SystemClock};

use crate::common::*;

fn sha(path: &std::path::Path) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(std::fs::read(path).unwrap()))
}

fn events(paths: &VaultPaths) -> i64 {
    let s = unlock(paths, Role::Admin);
    let n = s.raw_connection_for_tests().query_row("SELECT count(*) FROM consent_event", [], |r| r.get(0)).unwrap();
    s.lock().unwrap();
    n
}

#[test]
fn a_backup_under_concurrent_capture_holds_every_event_acknowledged_before_it_began() {
    let tv = vault_with_team();
    let acked = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let kiosk = {
        let (paths, notice, acked, stop) = (tv.paths.clone(), tv.notice_hash.clone(), acked.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut k = unlock(&paths, Role::Kiosk);
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) {
                capture(&mut k, &notice, person(n), &[("event_marketing", EventKind::Grant)]);
                acked.fetch_add(1, Ordering::SeqCst);
                n += 1;
            }
            k.lock().unwrap();
        })
    };
    while acked.load(Ordering::SeqCst) < 20 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let dir = tempfile::tempdir().unwrap();
    let mut ada = unlock(&tv.paths, Role::Admin);
    let before = acked.load(Ordering::SeqCst) as i64;
    let b = backup::backup(&mut ada, &dir.path().join("backups")).unwrap();
    ada.lock().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(50));
    stop.store(true, Ordering::SeqCst);
    kiosk.join().unwrap();
    let total = acked.load(Ordering::SeqCst) as i64;
    assert!(b.events >= before, "the copy holds {} events, {before} were acknowledged before it began", b.events);
    assert!(total > b.events, "capture went on during and after the backup ({total} in all)");
    #[cfg(unix)]
    for p in [&b.db, &b.keys] {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(p).unwrap().permissions().mode() & 0o777, 0o600, "{}", p.display());
    }
    // The copy opens with the same passphrases, as a vault of its own, and verifies.
    let copy = VaultPaths::new(&b.db);
    assert_eq!(copy.slots, b.keys);
    let mut s = unlock(&copy, Role::Legal);
    let report = verify::verify(&mut s, consentry::verify::Scope::Full).unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    assert_eq!(report.events_checked as i64, b.events);
    s.lock().unwrap();

    // Only an administrator backs up.
    let mut mo = unlock(&tv.paths, Role::Marketer);
    assert_eq!(backup::backup(&mut mo, dir.path()).unwrap_err().kind(), "permission_denied");
    mo.lock().unwrap();
}

#[test]
fn restore_checks_the_backup_before_replacing_anything_and_keeps_the_old_vault() {
    let tv = vault_with_team();
    let mut kim = unlock(&tv.paths, Role::Kiosk);
    capture(&mut kim, &tv.notice_hash, person(1), &[("event_marketing", EventKind::Grant)]);
    kim.lock().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut ada = unlock(&tv.paths, Role::Admin);
    let b = backup::backup(&mut ada, dir.path()).unwrap();
    ada.lock().unwrap();
    let mut kim = unlock(&tv.paths, Role::Kiosk);
    capture(&mut kim, &tv.notice_hash, person(2), &[("event_marketing", EventKind::Grant)]);
    kim.lock().unwrap();
    assert_eq!(events(&tv.paths), 2);
    let held = sha(&tv.paths.db);
    let copy = VaultPaths::new(&b.db);
    let restore = |who: (&str, &str), from: &VaultPaths| {
        backup::restore(from, &tv.paths, who.0, &pass(who.1), Arc::new(SystemClock))
    };

    // A wrong passphrase, an operator who is not an administrator, a tampered copy: refused,
    // and the vault in place is untouched.
    assert_eq!(restore((ADMIN.0, "not the passphrase"), &copy).unwrap_err().kind(), "wrong_passphrase");
    assert_eq!(restore(LEGAL, &copy).unwrap_err().kind(), "permission_denied");
    let bad_dir = tempfile::tempdir().unwrap();
    let bad = VaultPaths::new(bad_dir.path().join("bad.db"));
    std::fs::copy(&copy.db, &bad.db).unwrap();
    std::fs::copy(&copy.slots, &bad.slots).unwrap();
    {
        let s = unlock(&bad, Role::Admin);
        s.raw_connection_for_tests().execute_batch("DROP TRIGGER consent_event_no_update;").unwrap();
        s.lock().unwrap();
    }
    let e = restore(ADMIN, &bad).unwrap_err().to_string();
    assert!(e.contains("does not verify") && e.contains("Nothing was replaced"), "{e}");
    assert_eq!(sha(&tv.paths.db), held, "the vault in place was not touched");
    assert!(!tv.paths.db.with_extension("db.restoring").exists(), "no staging copy is left");

    // A sound copy replaces the vault; the one it replaced is kept beside it.
    let r = restore(ADMIN, &copy).unwrap();
    assert_eq!(r.events, 1);
    let previous = r.previous.unwrap();
    assert_eq!(sha(&previous), held);
    assert!(VaultPaths::new(&previous).slots.exists());
    assert_eq!(events(&tv.paths), 1, "the vault is as it was at the backup");
    let mut lena = unlock(&tv.paths, Role::Legal);
    assert!(lena.audit_log(20).unwrap().iter().any(|e| e.action == "vault.restore"));
    assert!(verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap().is_intact());
    lena.lock().unwrap();
}
