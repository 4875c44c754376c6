//! Key rotation: after it (by an administrator, or when an operator is disabled), a copy of
//! the key-slot file taken before opens nothing, with any passphrase in it.

use consentry::ledger::EventKind;
use consentry::subject::{self, SubjectKey};
use consentry::vault::{Passphrase, VaultPaths};
use consentry::{operator, verify, Role};

use crate::common::*;

/// Whether `key` opens the database, with no engine.
fn opens(paths: &VaultPaths, key: &[u8]) -> bool {
    open_with_key(&paths.db, key).query_row("SELECT count(*) FROM consent_event", [], |r| r.get::<_, i64>(0)).is_ok()
}

/// The data key a key-slot file's slot unwraps for `who`.
fn key_in(slots: &[u8], who: (&str, &str)) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let copy = VaultPaths::new(dir.path().join("x.db"));
    std::fs::write(&copy.slots, slots).unwrap();
    consentry::vault::data_key_for_tests(&copy, who.0, &Passphrase::new(who.1.into())).unwrap()
}

#[test]
fn after_a_rotation_an_old_key_slot_file_opens_nothing() {
    let tv = vault_with_team();
    let mut kim = unlock(&tv.paths, Role::Kiosk);
    let rec = capture(&mut kim, &tv.notice_hash, person(1), &[("event_marketing", EventKind::Grant)]);
    kim.lock().unwrap();
    let old_slots = std::fs::read(&tv.paths.slots).unwrap();
    let old_key = key_in(&old_slots, KIOSK);
    assert!(opens(&tv.paths, &old_key));

    let mut ada = unlock(&tv.paths, Role::Admin);
    let r = ada.rotate_keys().unwrap();
    assert!(r.personal_data_key);
    // The session goes on working under the new key.
    assert!(subject::reveal(&mut ada, &SubjectKey::Id(rec.subject_id.clone())).is_ok());
    ada.lock().unwrap();

    assert!(!opens(&tv.paths, &old_key), "the old key-slot file's key opens the rotated vault");
    let new_key = key_in(&std::fs::read(&tv.paths.slots).unwrap(), KIOSK);
    assert_ne!(new_key, old_key);
    assert!(opens(&tv.paths, &new_key));
    for role in [Role::Admin, Role::Legal, Role::Marketer, Role::Kiosk] {
        unlock(&tv.paths, role).lock().unwrap();
    }
    let mut lena = unlock(&tv.paths, Role::Legal);
    let v = subject::reveal(&mut lena, &SubjectKey::Id(rec.subject_id.clone())).unwrap();
    assert_eq!(v.email.as_deref(), Some("person1@example.com"), "sealed details open under the new personal-data key");
    assert!(verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap().is_intact());
    let log = lena.audit_log(20).unwrap();
    assert!(log.iter().any(|e| e.action == "vault.data_key_rotated"));
    assert!(log.iter().any(|e| e.action == "personal_data.rotated"));
    lena.lock().unwrap();
    // The kiosk captures on as before.
    let mut kim = unlock(&tv.paths, Role::Kiosk);
    capture(&mut kim, &tv.notice_hash, person(2), &[("event_marketing", EventKind::Grant)]);
    kim.lock().unwrap();
}

#[test]
fn disabling_an_operator_rotates_the_keys() {
    let tv = vault_with_team();
    let kept = std::fs::read(&tv.paths.slots).unwrap();
    let kims_key = key_in(&kept, KIOSK);
    let mut ada = unlock(&tv.paths, Role::Admin);
    operator::disable(&mut ada, KIOSK.0).unwrap();
    assert!(ada.audit_log(5).unwrap().iter().any(|e| e.action == "vault.data_key_rotated"));
    ada.lock().unwrap();
    assert!(!opens(&tv.paths, &kims_key), "a key-slot file the disabled operator kept opens nothing");
    // Put back beside the database, it is refused with a message that says why.
    let copy = copy_vault(&tv);
    std::fs::write(&copy.paths.slots, &kept).unwrap();
    let e = consentry::Session::unlock(
        &copy.paths,
        KIOSK.0,
        &Passphrase::new(KIOSK.1.into()),
        std::sync::Arc::new(consentry::SystemClock),
    )
    .unwrap_err();
    assert_eq!(e.kind(), "key_slots");
    assert!(e.to_string().contains("keys were rotated"), "{e}");
}

#[test]
fn killed_after_the_database_was_rekeyed_the_staged_key_is_the_one_in_force() {
    use sha2::Digest;
    let tv = vault_with_team();
    let old_slots = std::fs::read(&tv.paths.slots).unwrap();
    // Rotate a copy, then make the original look as a kill just after `PRAGMA rekey` leaves
    // it: the database under the new key, still recording the old key-slot file, and the new
    // file staged beside it.
    let copy = copy_vault(&tv);
    let mut ada = unlock(&copy.paths, Role::Admin);
    ada.rotate_keys().unwrap();
    ada.lock().unwrap();
    let new_slots = std::fs::read(&copy.paths.slots).unwrap();
    let new_key = key_in(&new_slots, ADMIN);
    {
        let c = open_with_key(&copy.paths.db, &new_key);
        c.execute("UPDATE key_slots_state SET sha256 = ?1", [hex::encode(sha2::Sha256::digest(&old_slots))]).unwrap();
    }
    std::fs::copy(&copy.paths.db, &tv.paths.db).unwrap();
    let mut next = tv.paths.slots.clone().into_os_string();
    next.push(".next");
    std::fs::write(&next, &new_slots).unwrap();
    assert!(!opens(&tv.paths, &key_in(&old_slots, ADMIN)));

    // Every passphrase still opens it (through the staged file), and the unlock puts the
    // staged file in place.
    let s = unlock(&tv.paths, Role::Kiosk);
    s.lock().unwrap();
    assert_eq!(std::fs::read(&tv.paths.slots).unwrap(), new_slots, "the staged file is in force now");
    assert!(!std::path::Path::new(&next).exists());
    for role in [Role::Admin, Role::Legal, Role::Marketer] {
        unlock(&tv.paths, role).lock().unwrap();
    }
    // A wrong passphrase is still refused.
    assert!(consentry::Session::unlock(
        &tv.paths,
        KIOSK.0,
        &Passphrase::new("not the passphrase".into()),
        std::sync::Arc::new(consentry::SystemClock)
    )
    .is_err());
}
