//! Bad bundles are refused with a clear error, nothing of them is written, and each refusal
//! is audited at headquarters; forgery after a sync and a device restored from an old
//! backup are reported, by the device's verify and by headquarters' import.

use std::path::{Path, PathBuf};

use consentry::bundle::{self, Outcome};
use consentry::domain::{Place, Refusal};
use consentry::ledger::ChainedEvent;
use consentry::{verify, Role};

use crate::common::*;
use crate::sync::*;

fn refusals_audited(hq: &consentry::vault::VaultPaths) -> Vec<String> {
    let s = unlock(hq, Role::Admin);
    let c = s.raw_connection_for_tests();
    let mut stmt = c.prepare("SELECT detail FROM audit_entry WHERE action = 'bundle.refused' ORDER BY seq").unwrap();
    let out = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    drop(stmt);
    drop(s);
    out
}

/// Imports `file` at headquarters: it must be refused for `reason`, change no data, and
/// leave one more audited refusal naming the reason.
fn assert_refused(hq: &consentry::vault::VaultPaths, file: &Path, reason: Refusal) {
    let before = dump_without_audit(hq);
    let audited = refusals_audited(hq).len();
    let got = refusal(import(hq, file).unwrap_err());
    assert_eq!(got, reason, "{}", file.display());
    assert_eq!(dump_without_audit(hq), before, "a refused bundle changed headquarters' data");
    let after = refusals_audited(hq);
    assert_eq!(after.len(), audited + 1);
    assert!(after.last().unwrap().starts_with(reason.as_str()), "{after:?}");
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn ciphertext_start(bytes: &[u8]) -> usize {
    let first = bytes.windows(2).position(|w| w == b"\n\n").unwrap();
    first + 2 + bytes[first + 2..].windows(2).position(|w| w == b"\n\n").unwrap() + 2
}

/// A headquarters and an enrolled device that has saved a good bundle (not yet imported).
struct Bad {
    org: Org,
    good: PathBuf,
    bytes: Vec<u8>,
}

fn bad() -> Bad {
    let org = organisation();
    kiosk(&org.device, &org.event_id, 1, &["p.event_followup"]);
    let good = save_device(&org.device, &org.files);
    let bytes = std::fs::read(&good).unwrap();
    Bad { org, good, bytes }
}

#[test]
fn refused_not_a_bundle() {
    let b = bad();
    assert_refused(&b.org.hq, &write(&b.org.files, "notes.txt", b"meeting notes\n"), Refusal::NotABundle);
}

#[test]
fn refused_unknown_format_version() {
    let b = bad();
    let mut v9 = b.bytes.clone();
    v9[..19].copy_from_slice(b"consentry-bundle/v9");
    assert_refused(&b.org.hq, &write(&b.org.files, "v9.consentry", &v9), Refusal::UnknownFormat);
}

#[test]
fn refused_larger_than_the_limit_unread() {
    let b = bad();
    let big = b.org.files.join("big.consentry");
    std::fs::File::create(&big).unwrap().set_len(bundle::envelope::MAX_BYTES + 1).unwrap();
    assert_refused(&b.org.hq, &big, Refusal::TooLarge);
}

#[test]
fn refused_truncated() {
    let b = bad();
    let start = ciphertext_start(&b.bytes);
    let cut = &b.bytes[..start + (b.bytes.len() - start) / 2];
    assert_refused(&b.org.hq, &write(&b.org.files, "cut.consentry", cut), Refusal::Truncated);
}

#[test]
fn refused_header_edited_after_signing() {
    let b = bad();
    let start = ciphertext_start(&b.bytes);
    let mut header = b.bytes.clone();
    let at = String::from_utf8_lossy(&b.bytes[..start]).find("payload-bytes ").unwrap() + "payload-bytes ".len();
    header[at] = if header[at] == b'9' { b'8' } else { b'9' };
    assert_refused(&b.org.hq, &write(&b.org.files, "header.consentry", &header), Refusal::BadSignature);
}

#[test]
fn refused_contents_edited_after_signing() {
    let b = bad();
    let mut body = b.bytes.clone();
    let last = body.len() - 20;
    body[last] ^= 0x01;
    assert_refused(&b.org.hq, &write(&b.org.files, "body.consentry", &body), Refusal::Tampered);
}

#[test]
fn refused_re_encrypted() {
    let b = bad();
    let recipient: age::x25519::Recipient = {
        let s = unlock(&b.org.device, Role::Admin);
        let r: String =
            s.raw_connection_for_tests().query_row("SELECT hq_recipient FROM organisation", [], |r| r.get(0)).unwrap();
        drop(s);
        r.parse().unwrap()
    };
    let mut re = b.bytes[..ciphertext_start(&b.bytes)].to_vec();
    re.extend(age::encrypt(&recipient, br#"{"format":1}"#).unwrap());
    assert_refused(&b.org.hq, &write(&b.org.files, "reencrypted.consentry", &re), Refusal::Tampered);
}

#[test]
fn refused_of_the_other_kind() {
    let b = bad();
    let mut lena = unlock_as(&b.org.hq, LEGAL);
    let hq_bundle = bundle::save_hq_bundle(&mut lena, "Tablet 1", &b.org.files).unwrap();
    lena.lock().unwrap();
    assert_refused(&b.org.hq, &hq_bundle.path, Refusal::WrongKind);
}

#[test]
fn refused_signed_with_another_key_than_the_enrolled_device() {
    // A second vault that imported the same enrolment file signs with its own key.
    let b = bad();
    let dirpath = b.org.files.join("twin");
    std::fs::create_dir_all(&dirpath).unwrap();
    let twin = device_vault_at(&dirpath, "twin");
    let enrolment = std::fs::read_dir(&b.org.files)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "enrol"))
        .unwrap();
    let mut a = unlock(&twin, Role::Admin);
    bundle::join(&mut a, &std::fs::read(enrolment).unwrap()).unwrap();
    a.lock().unwrap();
    assert_eq!(import(&b.org.hq, &b.good).unwrap().outcome, Outcome::Merged, "the real device binds first");
    assert_refused(&b.org.hq, &save_device(&twin, &b.org.files), Refusal::BadSignature);
}

#[test]
fn refused_for_another_headquarters() {
    let b = bad();
    let (other_dir, other_hq) = authoring_vault();
    let stranger = device_vault_at(other_dir.path(), "stranger");
    enrol(&other_hq, &stranger, "Stranger", other_dir.path());
    assert_refused(&b.org.hq, &save_device(&stranger, &b.org.files), Refusal::WrongReceiver);
}

#[test]
fn refused_from_an_unknown_device() {
    // A copy of headquarters' vault enrolled it: the same keys, an enrolment HQ never made.
    let b = bad();
    let copy_dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(b.org.hq.db.parent().unwrap()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, copy_dir.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    let hq_copy = consentry::vault::VaultPaths::new(copy_dir.path().join(b.org.hq.db.file_name().unwrap()));
    let impostor = device_vault_at(copy_dir.path(), "impostor");
    enrol(&hq_copy, &impostor, "Impostor", copy_dir.path());
    assert_refused(&b.org.hq, &save_device(&impostor, &b.org.files), Refusal::UnknownSender);
}

#[test]
fn refused_from_a_revoked_device() {
    let b = bad();
    let mut ada = unlock(&b.org.hq, Role::Admin);
    bundle::revoke(&mut ada, "Tablet 1").unwrap();
    ada.lock().unwrap();
    assert_refused(&b.org.hq, &b.good, Refusal::RevokedSender);
}

fn device_vault_at(dir: &Path, name: &str) -> consentry::vault::VaultPaths {
    device_vault(dir, name)
}

#[test]
fn a_device_loads_bundles_only_from_its_own_headquarters() {
    let org = organisation();
    let (other_dir, other_hq) = authoring_vault();
    let other_device = device_vault_at(other_dir.path(), "other");
    enrol(&other_hq, &other_device, "Other", other_dir.path());
    let mut lena = unlock_as(&other_hq, LEGAL);
    let foreign = bundle::save_hq_bundle(&mut lena, "Other", other_dir.path()).unwrap();
    lena.lock().unwrap();
    let mut mo = unlock(&org.device, Role::Marketer);
    let got = refusal(bundle::load_hq_bundle(&mut mo, &foreign.path).unwrap_err());
    mo.lock().unwrap();
    assert_eq!(got, Refusal::UnknownSender);
}

/// Rewrites the device's ledger from `seq` on as someone holding its data key would: the
/// triggers dropped, the chain recomputed so that it links, the audit entries left alone.
fn forge(device: &consentry::vault::VaultPaths, mutate: impl Fn(&mut Vec<ChainedEvent>)) {
    let s = unlock(device, Role::Admin);
    let c = s.raw_connection_for_tests();
    let mut events: Vec<ChainedEvent> = consentry::ledger::chained_events_for_tests(c, s.device_id()).unwrap();
    mutate(&mut events);
    let mut prev = vec![0u8; 32];
    for (i, e) in events.iter_mut().enumerate() {
        e.seq = i as i64 + 1;
        e.prev_hash = hex::encode(&prev);
        e.hash = hex::encode(e.recompute().unwrap());
        prev = hex::decode(&e.hash).unwrap();
    }
    with_triggers_dropped(
        c,
        &["consent_event_no_update", "consent_event_no_delete", "receipt_event_no_delete"],
        "DELETE FROM receipt_event; DELETE FROM consent_event;",
    );
    for e in &events {
        c.execute(
            "INSERT INTO consent_event (id, device_id, seq, prev_hash, hash, kind, subject_id, purpose_code, notice_hash,
                language, captured_at_ms, utc_offset_min, operator_id, method, evidence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            rusqlite::params![
                e.id,
                e.device_id,
                e.seq,
                hex::decode(&e.prev_hash).unwrap(),
                hex::decode(&e.hash).unwrap(),
                e.kind,
                e.subject_id,
                e.purpose_code,
                e.notice_hash,
                e.language,
                e.captured_at_ms,
                e.utc_offset_min,
                e.operator_id,
                e.method,
                e.evidence
            ],
        )
        .unwrap();
    }
    drop(s);
}

fn synced_org() -> (Org, i64) {
    let org = organisation();
    for n in 1..=3 {
        kiosk(&org.device, &org.event_id, n, &["p.event_followup", "p.newsletter"]);
    }
    let imported = import(&org.hq, &save_device(&org.device, &org.files)).unwrap();
    assert_eq!(imported.outcome, Outcome::Merged);
    let r = send_to_device(&org.hq, &org.device, "Tablet 1", &org.files);
    let acked = r.acknowledged_events.unwrap();
    (org, acked)
}

fn device_problems(device: &consentry::vault::VaultPaths) -> Vec<consentry::domain::Problem> {
    let mut mo = unlock(device, Role::Marketer);
    let r = verify::verify(&mut mo, consentry::verify::Scope::Full).unwrap();
    mo.lock().unwrap();
    r.problems
}

fn checkpoint_problem(problems: &[consentry::domain::Problem]) -> String {
    problems
        .iter()
        .find(|p| matches!(&p.place, Place::Checkpoint { log, .. } if log == "ledger"))
        .map(|p| p.message.clone())
        .unwrap_or_else(|| panic!("no checkpoint problem in {problems:?}"))
}

fn hq_sees_fork(org: &Org, scope: bundle::Scope) -> i64 {
    let mut mo = unlock(&org.device, Role::Marketer);
    let saved = bundle::save_device_bundle_with(&mut mo, &org.files, scope).unwrap();
    mo.lock().unwrap();
    let before = dump_without_audit(&org.hq);
    match import(&org.hq, &saved.path).unwrap().outcome {
        Outcome::Fork { log, from_seq } => {
            assert_eq!(log, consentry::checkpoint::Log::Ledger);
            let after = dump_without_audit(&org.hq);
            let changed: Vec<&String> = after.iter().filter(|r| !before.contains(r)).collect();
            assert!(changed.iter().any(|r| r.starts_with("quarantine:")), "{changed:?}");
            let kept = |r: &&&String| r.starts_with("quarantine:") || r.starts_with("bundle_received:");
            assert!(changed.iter().all(|r| kept(&r)), "only the quarantine and the file's receipt grew: {changed:?}");
            from_seq
        }
        other => panic!("expected a fork, got {other:?}"),
    }
}

#[test]
fn truncating_a_cosigned_ledger_is_reported_by_the_device_and_by_headquarters() {
    let (org, acked) = synced_org();
    forge(&org.device, |events| events.truncate(events.len() - 2));
    let message = checkpoint_problem(&device_problems(&org.device));
    assert!(message.contains(&format!("entries {} to {acked} were removed", acked - 1)), "{message}");
    assert!(message.contains("headquarters cosigned"), "{message}");
    forger_deletes_checkpoints(&org.device);
    hq_sees_fork(&org, bundle::Scope::Unacknowledged);
}

#[test]
fn a_forged_grant_rewritten_into_a_cosigned_ledger_is_reported_by_both() {
    let (org, _) = synced_org();
    forge(&org.device, |events| {
        let refused = events.iter_mut().find(|e| e.kind == "refuse").expect("a refusal to forge");
        refused.kind = "grant".into();
    });
    assert!(checkpoint_problem(&device_problems(&org.device)).contains("rewritten"));
    // The forger deletes the checkpoints too; headquarters still sees the contradiction.
    forger_deletes_checkpoints(&org.device);
    let from = hq_sees_fork(&org, bundle::Scope::Everything);
    assert!(from >= 1);
}

#[test]
fn an_event_inserted_into_a_cosigned_ledger_is_reported_by_both() {
    let (org, _) = synced_org();
    forge(&org.device, |events| {
        let mut extra = events[0].clone();
        extra.id = "forged-event".into();
        extra.kind = "grant".into();
        events.insert(1, extra);
    });
    checkpoint_problem(&device_problems(&org.device));
    forger_deletes_checkpoints(&org.device);
    hq_sees_fork(&org, bundle::Scope::Everything);
}

#[test]
fn a_device_restored_from_an_old_backup_that_captures_again_is_a_fork_kept_with_both_statements() {
    let org = organisation();
    kiosk(&org.device, &org.event_id, 1, &["p.event_followup"]);
    // The backup: a copy of the device's files after its first capture.
    let backup = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(org.device.db.parent().unwrap()).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() && p.file_name().unwrap().to_string_lossy().starts_with("tablet-1") {
            std::fs::copy(&p, backup.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    kiosk(&org.device, &org.event_id, 2, &["p.event_followup"]);
    assert_eq!(import(&org.hq, &save_device(&org.device, &org.files)).unwrap().outcome, Outcome::Merged);
    // Restore the backup over the device and capture someone else.
    for entry in std::fs::read_dir(backup.path()).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, org.device.db.parent().unwrap().join(p.file_name().unwrap())).unwrap();
    }
    kiosk(&org.device, &org.event_id, 3, &["p.event_followup", "p.newsletter"]);
    let file = save_device(&org.device, &org.files);
    let Outcome::Fork { from_seq, .. } = import(&org.hq, &file).unwrap().outcome else { panic!("no fork") };
    assert!(from_seq > 1);

    let mut ada = unlock(&org.hq, Role::Admin);
    let cases = bundle::quarantine(&mut ada).unwrap();
    assert_eq!(cases.len(), 1);
    let c = &cases[0];
    assert!(c.held_note.contains("consentry/device/") && c.contradicting_note.contains("consentry/device/"));
    assert_ne!(c.held_note, c.contradicting_note, "both signed statements are kept");
    assert!(c.entries > 0);
    // The quarantined person counts for nothing at headquarters.
    assert!(consentry::subject::search(&mut ada, "visitor3", 5).unwrap().is_empty());
    let devices = bundle::devices(&mut ada).unwrap();
    assert_eq!(devices[0].forks, 1);
    bundle::resolve(&mut ada, &c.id, "Tablet restored from backup; visitor 3 re-captured on paper.").unwrap();
    assert_eq!(bundle::devices(&mut ada).unwrap()[0].forks, 0);
    assert!(bundle::quarantine(&mut ada).unwrap()[0].resolution.is_some());
    ada.lock().unwrap();
}

/// The device refuses to sign over a chain that contradicts its checkpoints, so a forger
/// deletes them (and HQ's cosignatures with them) before saving a bundle.
fn forger_deletes_checkpoints(device: &consentry::vault::VaultPaths) {
    let mut mo = unlock(device, Role::Marketer);
    let e = bundle::save_device_bundle(&mut mo, Path::new("/nonexistent")).unwrap_err();
    mo.lock().unwrap();
    assert!(e.to_string().contains("no longer matches the checkpoint"), "{e}");
    let s = unlock(device, Role::Admin);
    with_triggers_dropped(s.raw_connection_for_tests(), &["checkpoint_no_delete"], "DELETE FROM checkpoint;");
    drop(s);
}

#[test]
fn an_altered_checkpoint_row_fails_verify_on_the_device() {
    let (org, acked) = synced_org();
    let s = unlock(&org.device, Role::Admin);
    with_triggers_dropped(
        s.raw_connection_for_tests(),
        &["checkpoint_keep"],
        &format!("UPDATE checkpoint SET root = zeroblob(32) WHERE log = 'ledger' AND size = {acked};"),
    );
    drop(s);
    let problems = device_problems(&org.device);
    assert!(problems.iter().any(|p| p.message.contains("says something other than its signed note")), "{problems:?}");
}

#[test]
fn a_merged_event_rewritten_at_headquarters_fails_verify_there() {
    let (org, _) = synced_org();
    let mut lena = unlock_as(&org.hq, LEGAL);
    assert!(verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap().is_intact());
    with_triggers_dropped(
        lena.raw_connection_for_tests(),
        &["consent_event_no_update"],
        "UPDATE consent_event SET kind = 'grant', hash = zeroblob(32)
         WHERE seq = 2 AND device_id <> (SELECT id FROM device WHERE is_local = 1);",
    );
    let problems = verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap().problems;
    lena.lock().unwrap();
    assert!(
        problems.iter().any(|p| matches!(&p.place, Place::Checkpoint { log, .. } if log == "ledger")),
        "HQ holds the device's entries to the checkpoints it cosigned: {problems:?}"
    );
}
