//! The vault: create, unlock, wrong passphrases, passphrase change, recovery, schema guard.

use std::sync::Arc;

use consentry::vault::{NewVault, RecoveryKey, VaultPaths};
use consentry::{Error, Role, SystemClock};

use crate::common::*;

#[test]
fn wrong_passphrase_five_times_changes_no_byte() {
    let tv = vault_with_team();
    // Hold the vault open in this process so its -wal and -shm exist during the attempts.
    let mut open = unlock(&tv.paths, Role::Marketer);
    capture(&mut open, &tv.notice_hash, person(1), &[("event_marketing", consentry::ledger::EventKind::Grant)]);
    let before = snapshot(tv.dir.path());
    let names: Vec<String> =
        before.iter().map(|(p, _)| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    assert!(names.iter().any(|n| n.ends_with("-wal")), "expected a -wal file, got {names:?}");
    assert!(names.iter().any(|n| n.ends_with(".keys")));

    for attempt in 0..5 {
        let out = std::process::Command::new(bin())
            .args([
                "--vault",
                tv.paths.db.to_str().unwrap(),
                "--operator",
                "Mo",
                "status",
                "--email",
                "person1@example.com",
            ])
            .env("CONSENTRY_PASSPHRASE", format!("not the passphrase {attempt}"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "attempt {attempt}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("Wrong passphrase") && stderr.contains("Nothing was changed"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
    assert_eq!(snapshot(tv.dir.path()), before, "a wrong passphrase changed the vault's files");

    open.lock().unwrap();
    let closed = snapshot(tv.dir.path());
    for _ in 0..5 {
        let err =
            consentry::Session::unlock(&tv.paths, "Mo", &pass("wrong wrong wrong"), Arc::new(SystemClock)).unwrap_err();
        assert!(matches!(err, Error::WrongPassphrase { .. }), "{err:?}");
    }
    assert_eq!(snapshot(tv.dir.path()), closed);
}

#[test]
fn passphrase_change_rewrites_only_that_slot_and_old_one_stops_working() {
    let tv = vault_with_team();
    let slots_before: serde_json::Value = serde_json::from_slice(&std::fs::read(&tv.paths.slots).unwrap()).unwrap();
    let mut s = unlock(&tv.paths, Role::Marketer);
    // The current passphrase is checked first: a wrong one changes nothing.
    let err = s.change_passphrase(&pass("not my passphrase"), &pass("a brand new marketer passphrase")).unwrap_err();
    assert!(matches!(err, Error::WrongPassphrase { .. }));
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&std::fs::read(&tv.paths.slots).unwrap()).unwrap(),
        slots_before
    );
    s.change_passphrase(&pass(MARKETER.1), &pass("a brand new marketer passphrase")).unwrap();
    s.lock().unwrap();

    let err = consentry::Session::unlock(&tv.paths, "Mo", &pass(MARKETER.1), Arc::new(SystemClock)).unwrap_err();
    assert!(matches!(err, Error::WrongPassphrase { .. }));
    consentry::Session::unlock(&tv.paths, "Mo", &pass("a brand new marketer passphrase"), Arc::new(SystemClock))
        .unwrap()
        .lock()
        .unwrap();
    // Everyone else still gets in with their own passphrase: their slots were not touched.
    let slots_after: serde_json::Value = serde_json::from_slice(&std::fs::read(&tv.paths.slots).unwrap()).unwrap();
    let before = slots_before["slots"].as_array().unwrap();
    let after = slots_after["slots"].as_array().unwrap();
    assert_eq!(before.len(), after.len());
    let changed = before.iter().filter(|s| !after.contains(s)).count();
    assert_eq!(changed, 1, "exactly one slot should change");
    unlock(&tv.paths, Role::Admin).lock().unwrap();

    // A too-short passphrase is refused and nothing changes.
    let mut s = unlock(&tv.paths, Role::Admin);
    let bytes = std::fs::read(&tv.paths.slots).unwrap();
    assert!(matches!(s.change_passphrase(&pass(ADMIN.1), &pass("short")), Err(Error::WeakPassphrase { .. })));
    assert_eq!(std::fs::read(&tv.paths.slots).unwrap(), bytes);
    s.lock().unwrap();
    // No temporary slot files are left behind.
    assert!(snapshot(tv.dir.path()).iter().all(|(p, _)| !p.to_string_lossy().contains(".tmp-")));
}

#[test]
fn recovery_key_sets_a_new_passphrase() {
    let tv = vault_with_team();
    let typed = tv.recovery.expose_display().to_lowercase();
    let key = RecoveryKey::parse(&typed).unwrap();
    consentry::Session::recover(&tv.paths, &key, "Ada", &pass("recovered admin passphrase"), Arc::new(SystemClock))
        .unwrap()
        .lock()
        .unwrap();
    assert!(matches!(
        consentry::Session::unlock(&tv.paths, "Ada", &pass(ADMIN.1), Arc::new(SystemClock)),
        Err(Error::WrongPassphrase { .. })
    ));
    let mut s =
        consentry::Session::unlock(&tv.paths, "ada", &pass("recovered admin passphrase"), Arc::new(SystemClock))
            .unwrap();
    let audit = s.audit_log(5).unwrap();
    assert!(audit.iter().any(|e| e.action == "vault.recover"));
    s.lock().unwrap();

    // Another vault's recovery key does not open this one, and changes nothing.
    let other = vault_with_team();
    let before = snapshot(tv.dir.path());
    let err = consentry::Session::recover(
        &tv.paths,
        &other.recovery,
        "Ada",
        &pass("whatever passphrase"),
        Arc::new(SystemClock),
    )
    .unwrap_err();
    assert!(matches!(err, Error::WrongRecoveryKey { .. }), "{err:?}");
    assert_eq!(snapshot(tv.dir.path()), before);
}

#[test]
fn disabled_operator_cannot_unlock_and_reset_restores_access() {
    let tv = vault_with_team();
    let mut admin = unlock(&tv.paths, Role::Admin);
    consentry::operator::disable(&mut admin, "mo").unwrap();
    let err = consentry::operator::disable(&mut admin, "Ada").unwrap_err();
    assert!(err.to_string().contains("cannot disable yourself"));
    admin.lock().unwrap();
    let err = consentry::Session::unlock(&tv.paths, "Mo", &pass(MARKETER.1), Arc::new(SystemClock)).unwrap_err();
    assert!(matches!(err, Error::UnknownOperator { .. }), "the disabled operator's slot is gone: {err:?}");

    let mut admin = unlock(&tv.paths, Role::Admin);
    consentry::operator::reset(&mut admin, "Mo", &pass("reset marketer passphrase")).unwrap();
    let ops = consentry::operator::list(&mut admin).unwrap();
    assert!(ops.iter().any(|o| o.name == "Mo" && !o.disabled));
    admin.lock().unwrap();
    consentry::Session::unlock(&tv.paths, "Mo", &pass("reset marketer passphrase"), Arc::new(SystemClock))
        .unwrap()
        .lock()
        .unwrap();
}

#[test]
fn create_refuses_an_existing_vault_and_unlock_names_what_is_missing() {
    let tv = vault_with_team();
    let before = snapshot(tv.dir.path());
    let err = consentry::Session::create(
        &tv.paths,
        NewVault { admin_name: "Eve", passphrase: &pass("another passphrase"), device_name: "x" },
        Arc::new(SystemClock),
    )
    .unwrap_err();
    assert!(matches!(err, Error::VaultExists { .. }));
    assert_eq!(snapshot(tv.dir.path()), before);

    let missing = VaultPaths::new(tv.dir.path().join("nope.db"));
    assert!(matches!(
        consentry::Session::unlock(&missing, "Ada", &pass(ADMIN.1), Arc::new(SystemClock)),
        Err(Error::VaultNotFound { .. })
    ));

    let err = consentry::Session::unlock(&tv.paths, "Nobody", &pass(ADMIN.1), Arc::new(SystemClock)).unwrap_err();
    assert!(matches!(err, Error::UnknownOperator { .. }));

    std::fs::rename(&tv.paths.slots, tv.dir.path().join("moved")).unwrap();
    let err = consentry::Session::unlock(&tv.paths, "Ada", &pass(ADMIN.1), Arc::new(SystemClock)).unwrap_err();
    assert!(matches!(err, Error::KeySlots { .. }), "{err:?}");
    assert!(err.to_string().contains("is missing"));
}

#[test]
fn weak_passphrase_or_bad_name_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(dir.path().join("sub").join("v.db"));
    let err = consentry::Session::create(
        &paths,
        NewVault { admin_name: "Ada", passphrase: &pass("short"), device_name: "d" },
        Arc::new(SystemClock),
    )
    .unwrap_err();
    assert!(matches!(err, Error::WeakPassphrase { min: 10 }));
    let err = consentry::Session::create(
        &paths,
        NewVault { admin_name: "  ", passphrase: &pass(ADMIN.1), device_name: "d" },
        Arc::new(SystemClock),
    )
    .unwrap_err();
    assert!(matches!(err, Error::Invalid { .. }));
    assert!(!paths.db.exists() && !paths.slots.exists());
}

#[test]
fn a_schema_newer_than_the_binary_is_refused() {
    let tv = vault_with_team();
    let s = unlock(&tv.paths, Role::Admin);
    s.raw_connection_for_tests()
        .execute(
            "INSERT INTO schema_migration (version, name, sha256, applied_at_ms) VALUES (999, 'future', 'x', 0)",
            [],
        )
        .unwrap();
    s.lock().unwrap();
    let err = consentry::Session::unlock(&tv.paths, "Ada", &pass(ADMIN.1), Arc::new(SystemClock)).unwrap_err();
    assert!(matches!(err, Error::SchemaTooNew { found: 999, .. }), "{err:?}");
    assert!(err.to_string().contains("Install a newer Consentry"));
}

#[test]
fn vault_files_are_private_and_pragmas_are_set() {
    use std::os::unix::fs::PermissionsExt;
    let tv = vault_with_team();
    for p in [&tv.paths.db, &tv.paths.slots] {
        let mode = std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", p.display());
    }
    let s = unlock(&tv.paths, Role::Admin);
    let c = s.raw_connection_for_tests();
    let get = |pragma: &str| -> String {
        c.query_row(&format!("PRAGMA {pragma}"), [], |r| r.get::<_, rusqlite::types::Value>(0))
            .map(|v| format!("{v:?}"))
            .unwrap()
    };
    assert_eq!(get("journal_mode"), "Text(\"wal\")");
    assert_eq!(get("synchronous"), "Integer(2)");
    assert_eq!(get("temp_store"), "Integer(2)");
    assert_eq!(get("foreign_keys"), "Integer(1)");
    assert_eq!(get("cache_size"), "Integer(-65536)");
    s.lock().unwrap();
}
