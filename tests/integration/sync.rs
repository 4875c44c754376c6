//! Devices and headquarters (issue 12): enrolment, bundles both ways, the merge, the
//! witness, refusals, forgery after a sync and forks, on real vaults and real files.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use consentry::bundle::{self, Outcome};
use consentry::capture::{self, Submission};
use consentry::domain::Refusal;
use consentry::ledger::{self, ConsentState};
use consentry::notice::workflow::{self, NewNotice};
use consentry::notice::{profile::Bilingual, Language};
use consentry::subject::{SubjectInput, SubjectKey};
use consentry::vault::{NewVault, VaultPaths};
use consentry::{operator, verify, Error, Role, Session, SystemClock};
use tempfile::TempDir;

use crate::common::*;

/// Headquarters with an approved notice and an event, and one enrolled device that has
/// loaded headquarters' first bundle.
pub struct Org {
    pub _dir: TempDir,
    pub hq: VaultPaths,
    pub device: VaultPaths,
    pub event_id: consentry::domain::EventId,
    pub files: PathBuf,
    pub fingerprints: (String, String),
}

pub fn device_vault(dir: &Path, name: &str) -> VaultPaths {
    let paths = VaultPaths::new(dir.join(format!("{name}.db")));
    let (mut admin, _) = Session::create(
        &paths,
        NewVault { admin_name: ADMIN.0, passphrase: &pass(ADMIN.1), device_name: name },
        Arc::new(SystemClock),
    )
    .unwrap();
    for (who, role) in [(MARKETER, Role::Marketer), (KIOSK, Role::Kiosk)] {
        operator::add(&mut admin, who.0, role, &pass(who.1)).unwrap();
    }
    admin.lock().unwrap();
    paths
}

/// Headquarters: the authoring vault with notice `ts` approved and an event for it.
fn headquarters() -> (TempDir, VaultPaths, consentry::domain::EventId) {
    let (dir, paths) = authoring_vault();
    let mut lena = unlock_as(&paths, LEGAL);
    workflow::create(
        &mut lena,
        &NewNotice {
            name: "ts".into(),
            title: Bilingual { zh: "展会个人信息告知书".into(), en: "Trade show privacy notice".into() },
            profile: "trade-show-2026".into(),
            template: "pipl_notice".into(),
        },
    )
    .unwrap();
    workflow::submit(&mut lena, "ts", "ready").unwrap();
    lena.lock().unwrap();
    let mut lu = unlock_as(&paths, LEGAL2);
    workflow::approve(&mut lu, "ts", "approved").unwrap();
    lu.lock().unwrap();
    let mut mo = unlock_as(&paths, MARKETER);
    let e = capture::create_event(
        &mut mo,
        &capture::EventInput {
            name: "Shanghai Auto Show 2026".into(),
            venue: "NECC Shanghai, Hall 5".into(),
            starts_on: "2026-04-24".into(),
            ends_on: "2026-05-03".into(),
            notice: "ts".into(),
            notice_number: 1,
            languages: vec![Language::ZhCn, Language::En],
            fields: vec![
                capture::FieldRule { field: capture::PersonField::Name, required: true },
                capture::FieldRule { field: capture::PersonField::Email, required: true },
                capture::FieldRule { field: capture::PersonField::Phone, required: false },
            ],
            device_name: "Stand A tablet".into(),
            idle_reset_s: 60,
            signature: false,
        },
    )
    .unwrap();
    mo.lock().unwrap();
    (dir, paths, e.id)
}

pub fn enrol(hq: &VaultPaths, device: &VaultPaths, name: &str, files: &Path) -> (String, String) {
    let mut ada = unlock(hq, Role::Admin);
    if bundle::organisation(&mut ada).unwrap().is_none() {
        bundle::become_headquarters(&mut ada, "Acme China").unwrap();
    }
    let e = bundle::enrol(&mut ada, name).unwrap();
    let file = bundle::save_enrolment(files, &e, name).unwrap();
    ada.lock().unwrap();
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(bundle::read_enrolment(&bytes).unwrap().fingerprint, e.fingerprint);
    let mut dev = unlock(device, Role::Admin);
    let o = bundle::join(&mut dev, &bytes).unwrap();
    dev.lock().unwrap();
    (e.fingerprint, o.fingerprint.unwrap())
}

/// Headquarters saves a bundle for `device_name` and the device loads it.
pub fn send_to_device(hq: &VaultPaths, device: &VaultPaths, device_name: &str, files: &Path) -> bundle::Received {
    let mut lena = unlock_as(hq, LEGAL);
    let saved = bundle::save_hq_bundle(&mut lena, device_name, files).unwrap();
    lena.lock().unwrap();
    let mut mo = unlock(device, Role::Marketer);
    let r = bundle::load_hq_bundle(&mut mo, &saved.path).unwrap();
    mo.lock().unwrap();
    r
}

pub fn organisation() -> Org {
    let (dir, hq, event_id) = headquarters();
    let files = dir.path().join("transfer");
    let device = device_vault(dir.path(), "tablet-1");
    let fingerprints = enrol(&hq, &device, "Tablet 1", &files);
    let r = send_to_device(&hq, &device, "Tablet 1", &files);
    assert_eq!(r.notice_versions_added, 2, "both languages of the approved notice reach the device");
    assert_eq!(r.shows_added, 1);
    Org { _dir: dir, hq, device, event_id, files, fingerprints }
}

pub fn visitor(n: usize) -> SubjectInput {
    SubjectInput {
        name: Some(format!("Visitor {n}")),
        email: Some(format!("visitor{n}@example.com")),
        phone: None,
        company: None,
    }
}

/// The kiosk at `device` records visitor `n`, ticking `ticked`.
pub fn kiosk(device: &VaultPaths, event_id: &str, n: usize, ticked: &[&str]) {
    let mut kim = unlock(device, Role::Kiosk);
    capture::submit(
        &mut kim,
        &Submission {
            event_id: event_id.into(),
            language: Some(Language::En),
            person: visitor(n),
            ticked: ticked.iter().map(|t| t.to_string()).collect(),
            ..Submission::default()
        },
    )
    .unwrap();
    kim.lock().unwrap();
}

pub fn save_device(device: &VaultPaths, files: &Path) -> PathBuf {
    let mut mo = unlock(device, Role::Marketer);
    let saved = bundle::save_device_bundle(&mut mo, files).unwrap();
    mo.lock().unwrap();
    saved.path
}

pub fn import(hq: &VaultPaths, file: &Path) -> Result<bundle::Imported, Error> {
    let mut lena = unlock_as(hq, LEGAL);
    let r = bundle::import_device_bundle(&mut lena, file);
    lena.lock().unwrap();
    r
}

fn state(hq: &VaultPaths, email: &str) -> Vec<(String, ConsentState)> {
    let mut lena = unlock_as(hq, LEGAL);
    let s = ledger::status(&mut lena, &SubjectKey::Email(email.into())).unwrap();
    lena.lock().unwrap();
    s.purposes.into_iter().map(|p| (p.purpose, p.state)).collect()
}

#[test]
fn a_device_captures_offline_and_headquarters_merges_its_bundle() {
    let org = organisation();
    assert_eq!(org.fingerprints.0, org.fingerprints.1, "both screens show the same fingerprint");
    assert_eq!(org.fingerprints.0.len(), 19, "four groups of four digits");
    kiosk(&org.device, &org.event_id, 1, &["p.event_followup", "p.newsletter"]);
    kiosk(&org.device, &org.event_id, 2, &["p.event_followup"]);

    let mut mo = unlock(&org.device, Role::Marketer);
    let unsent = bundle::unsent(&mut mo).unwrap().unwrap();
    let event = consentry::domain::EventId::new(org.event_id.as_str());
    assert_eq!(
        capture::stats::stats(&mut mo, &event).unwrap().unsent_people,
        Some(2),
        "the event's figures say it too"
    );
    mo.lock().unwrap();
    assert_eq!((unsent.people, unsent.acknowledged_at_ms), (2, None));
    assert!(unsent.events >= 4 && unsent.since_ms.is_some());

    let file = save_device(&org.device, &org.files);
    let imported = import(&org.hq, &file).unwrap();
    assert_eq!(imported.outcome, Outcome::Merged);
    assert_eq!((imported.people_added, imported.events_added), (2, unsent.events));

    let one = state(&org.hq, "visitor1@example.com");
    assert!(one.contains(&("event_followup".into(), ConsentState::Granted)), "{one:?}");
    assert!(one.contains(&("newsletter".into(), ConsentState::Granted)), "{one:?}");
    let two = state(&org.hq, "visitor2@example.com");
    assert!(two.contains(&("event_followup".into(), ConsentState::Granted)), "{two:?}");
    assert!(two.contains(&("newsletter".into(), ConsentState::Refused)), "{two:?}");

    // Search, the device table and verify at headquarters see the merged records.
    let mut lena = unlock_as(&org.hq, LEGAL);
    assert_eq!(consentry::subject::search(&mut lena, "visitor", 10).unwrap().len(), 2);
    let devices = bundle::devices(&mut lena).unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].last_seq as u64, unsent.events);
    assert_eq!(devices[0].last_checkpoint, Some(unsent.events as i64));
    assert!(devices[0].acknowledged_at_ms.is_some() && devices[0].gaps.is_empty() && devices[0].forks == 0);
    let report = verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    assert!(report.checkpoints_checked >= 2);
    // Headquarters sees the event's figures per device, and has nothing of its own to send.
    let figures = capture::stats::stats(&mut lena, &event).unwrap();
    assert_eq!(figures.people, 2);
    assert_eq!(figures.per_device.iter().map(|d| (d.name.as_str(), d.people)).collect::<Vec<_>>(), [("Tablet 1", 2)]);
    assert_eq!(figures.unsent_people, None);
    lena.lock().unwrap();

    // The same file again changes nothing, and says so.
    let before = dump_without_audit(&org.hq);
    assert!(matches!(import(&org.hq, &file).unwrap().outcome, Outcome::AlreadyImported { .. }));
    assert_eq!(dump_without_audit(&org.hq), before);

    // The acknowledgement goes back; the device then has nothing unsent, and verifies.
    let r = send_to_device(&org.hq, &org.device, "Tablet 1", &org.files);
    assert_eq!(r.acknowledged_events, Some(unsent.events as i64));
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let mut mo = unlock(&org.device, Role::Marketer);
    assert_eq!(bundle::unsent(&mut mo).unwrap().unwrap().events, 0);
    assert_eq!(capture::stats::stats(&mut mo, &event).unwrap().unsent_people, Some(0));
    assert!(verify::verify(&mut mo, consentry::verify::Scope::Full).unwrap().is_intact());
    mo.lock().unwrap();

    // A later capture travels alone: the next bundle holds only what was not acknowledged.
    kiosk(&org.device, &org.event_id, 3, &[]);
    let file = save_device(&org.device, &org.files);
    let imported = import(&org.hq, &file).unwrap();
    assert_eq!(imported.people_added, 1);
    assert!(imported.events_added < unsent.events);
}

/// Every table of a vault except the audit logs, as sorted text.
pub fn dump_without_audit(paths: &VaultPaths) -> Vec<String> {
    let s = unlock(paths, Role::Admin);
    let c = s.raw_connection_for_tests();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('audit_entry') ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut out = Vec::new();
    for t in tables {
        // This vault's own checkpoints grow at every lock; other devices' are data.
        let filter =
            if t == "checkpoint" { " WHERE device_id <> (SELECT id FROM device WHERE is_local = 1)" } else { "" };
        let mut stmt = c.prepare(&format!("SELECT * FROM {t}{filter}")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| Ok((0..n).map(|i| text(r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap()
            .map(|r| format!("{t}: {}", r.unwrap()))
            .collect();
        rows.sort();
        out.extend(rows);
    }
    drop(s);
    out
}

pub fn refusal(e: Error) -> Refusal {
    match e {
        Error::BundleRefused { reason, problem, fix } => {
            assert!(!problem.is_empty() && !fix.is_empty());
            reason
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn text(v: rusqlite::types::ValueRef<'_>) -> String {
    match v {
        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        rusqlite::types::ValueRef::Blob(b) => hex::encode(b),
        v => format!("{v:?}"),
    }
}

#[test]
fn headquarters_answers_rights_over_merged_records_exactly_as_on_one_vault() {
    let org = organisation();
    kiosk(&org.device, &org.event_id, 1, &["p.event_followup", "p.newsletter"]);
    kiosk(&org.device, &org.event_id, 2, &["p.event_followup"]);
    import(&org.hq, &save_device(&org.device, &org.files)).unwrap();
    let mut lena = unlock_as(&org.hq, LEGAL);

    // History names the device and the kiosk operator; the access report holds the capture
    // details that travelled with the events.
    let (_, events) = ledger::history(&mut lena, &SubjectKey::Email("visitor1@example.com".into())).unwrap();
    let device: String = lena
        .raw_connection_for_tests()
        .query_row("SELECT device_id FROM enrolment WHERE name = 'Tablet 1'", [], |r| r.get(0))
        .unwrap();
    assert!(!events.is_empty() && events.iter().all(|e| e.device_id == device));
    let access =
        consentry::rights::access_report(&mut lena, &SubjectKey::Email("visitor1@example.com".into())).unwrap();
    assert_eq!(access.subject.email.as_deref(), Some("visitor1@example.com"));
    assert_eq!(access.captures.len(), 1, "the kiosk capture's details came with the bundle");

    // The suppression list holds the device's refusals; a withdrawal at HQ lands in HQ's own
    // chain and wins over the device's grant.
    use consentry::rights::{Format, Identity};
    let list =
        consentry::rights::suppression_list(&mut lena, Format::Json, Identity::Plain, Some("newsletter")).unwrap();
    assert!(list.contains("visitor2@example.com") && !list.contains("visitor1@example.com"), "{list}");
    ledger::record_withdrawal(
        &mut lena,
        &ledger::Withdrawal {
            subject: SubjectKey::Email("visitor1@example.com".into()),
            purposes: vec![],
            method: ledger::Method::Email,
            evidence: String::new(),
            at: None,
        },
    )
    .unwrap();
    let after = state(&org.hq, "visitor1@example.com");
    assert!(after.iter().all(|(_, s)| *s != ConsentState::Granted), "{after:?}");
    assert!(after.contains(&("newsletter".into(), ConsentState::Withdrawn)), "{after:?}");

    // Erasure at HQ keeps every chain and checkpoint intact.
    let mut lena = unlock_as(&org.hq, LEGAL);
    consentry::rights::erase(
        &mut lena,
        &SubjectKey::Email("visitor2@example.com".into()),
        ledger::Method::Email,
        "request",
    )
    .unwrap();
    let report = verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    lena.lock().unwrap();
}

/// The desktop app reads the file in its window and hands the engine its bytes and name:
/// the same import as from the file, and a refusal audited under the name it was given.
#[test]
fn a_bundle_handed_over_as_bytes_imports_as_its_file_does() {
    let org = organisation();
    kiosk(&org.device, &org.event_id, 1, &["p.event_followup"]);
    let file = save_device(&org.device, &org.files);
    let bytes = std::fs::read(&file).unwrap();
    let mut lena = unlock_as(&org.hq, LEGAL);
    let refused = bundle::import_device_bundle_bytes(&mut lena, "notes.consentry", b"shopping list").unwrap_err();
    assert_eq!(refusal(refused), Refusal::NotABundle);
    let imported = bundle::import_device_bundle_bytes(&mut lena, "tablet.consentry", &bytes).unwrap();
    assert_eq!((imported.outcome, imported.people_added), (Outcome::Merged, 1));
    let audit = lena.audit_log(20).unwrap();
    assert!(audit.iter().any(|e| e.action == "bundle.refused" && e.target == "notes.consentry"), "{audit:?}");
    lena.lock().unwrap();
    assert!(matches!(import(&org.hq, &file).unwrap().outcome, Outcome::AlreadyImported { .. }));

    let mut mo = unlock(&org.device, Role::Marketer);
    let wrong = bundle::load_hq_bundle_bytes(&mut mo, "tablet.consentry", &bytes).unwrap_err();
    assert_eq!(refusal(wrong), Refusal::WrongKind);
    mo.lock().unwrap();
}
