//! The command layer of headquarters and devices, on two real vaults: enrolment with the
//! same fingerprint on both sides, bundles both ways through files the window would pick,
//! a refused file that says why and does not stop the next one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::sync::Arc;

use consentry::vault::{NewVault, Passphrase, VaultPaths};
use consentry::SystemClock;
use tauri::async_runtime::block_on;

use super::*;
use crate::vocab::Refusal;

/// A new vault in `dir`, unlocked as its administrator, exporting to `dir/exports`.
fn admin_app(dir: &Path, device: &str) -> AppState {
    let paths = VaultPaths::new(dir.join("consentry.db"));
    let (session, _) = consentry::Session::create(
        &paths,
        NewVault { admin_name: "Ada", passphrase: &Passphrase::new("admin passphrase 1".into()), device_name: device },
        Arc::new(SystemClock),
    )
    .unwrap();
    let state = AppState::with_export_dir(paths, dir.join("exports"));
    state.install(session).map_err(|e| e.message).unwrap();
    state
}

/// The file at `path` as the window sends it.
fn picked(path: &str) -> PickedFile {
    let p = Path::new(path);
    PickedFile {
        name: p.file_name().unwrap().to_string_lossy().into_owned(),
        base64: BASE64.encode(&std::fs::read(p).unwrap()),
    }
}

#[test]
fn enrol_join_and_bundles_both_ways_through_picked_files() {
    let (hq_dir, dev_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let hq = admin_app(hq_dir.path(), "HQ laptop");
    let dev = admin_app(dev_dir.path(), "Stand tablet");
    assert!(block_on(organisation_in(&hq)).unwrap().is_none());
    assert!(block_on(unsent_in(&dev)).unwrap().is_none(), "not a device yet");

    let org = block_on(become_headquarters_in(&hq, "Acme China".into())).unwrap();
    assert!(org.is_headquarters && org.fingerprint.is_none());
    let enrolled = block_on(enrol_device_in(&hq, "Tablet 1".into())).unwrap();
    assert!(enrolled.path.starts_with(hq_dir.path().join("exports").to_str().unwrap()), "{}", enrolled.path);
    assert!(enrolled.path.ends_with(".enrol"), "{}", enrolled.path);

    // The device sees the same fingerprint before joining, and after.
    let preview = block_on(read_enrolment(picked(&enrolled.path))).unwrap();
    assert_eq!(
        (preview.fingerprint.as_str(), preview.organisation_name.as_str()),
        (enrolled.fingerprint.as_str(), "Acme China")
    );
    let joined = block_on(join_organisation_in(&dev, picked(&enrolled.path))).unwrap();
    assert!(!joined.is_headquarters);
    assert_eq!(joined.fingerprint.as_deref(), Some(enrolled.fingerprint.as_str()));
    let unsent = block_on(unsent_in(&dev)).unwrap().unwrap();
    assert_eq!((unsent.events, unsent.people), (0, 0));
    assert!(block_on(unsent_in(&hq)).unwrap().is_none(), "headquarters has nothing to send");

    // Headquarters → device.
    let for_device = block_on(save_hq_bundle_in(&hq, "Tablet 1".into())).unwrap();
    assert!(for_device.path.ends_with(".consentry"));
    let received = block_on(load_hq_bundle_in(&dev, picked(&for_device.path))).unwrap();
    assert!(received.warnings.is_empty(), "{:?}", received.warnings);

    // Device → headquarters, with a refused file first: it says why, and the next imports.
    let junk = dev_dir.path().join("notes.txt");
    std::fs::write(&junk, "not a bundle").unwrap();
    let refused = block_on(import_device_bundle_in(&hq, picked(junk.to_str().unwrap()))).err().unwrap();
    assert_eq!((refused.kind, refused.refusal), (ErrorKind::BundleRefused, Some(Refusal::NotABundle)));
    let wrong_way = block_on(import_device_bundle_in(&hq, picked(&for_device.path))).err().unwrap();
    assert_eq!(wrong_way.refusal, Some(Refusal::WrongKind));
    let saved = block_on(save_device_bundle_in(&dev)).unwrap();
    let imported = block_on(import_device_bundle_in(&hq, picked(&saved.path))).unwrap();
    assert_eq!(imported.device_name, "Tablet 1");
    assert!(matches!(imported.outcome, OutcomeView::Merged | OutcomeView::NothingNew));
    let again = block_on(import_device_bundle_in(&hq, picked(&saved.path))).unwrap();
    assert!(matches!(again.outcome, OutcomeView::AlreadyImported { .. }));

    let devices = block_on(list_devices_in(&hq)).unwrap();
    assert_eq!(devices.len(), 1);
    assert!(devices[0].device_id.is_some() && devices[0].revoked_at.is_none() && devices[0].acknowledged_at.is_some());
    assert!(
        block_on(list_devices_in(&dev)).err().unwrap().refusal == Some(Refusal::NotEnrolled),
        "a device has no device table"
    );
}

#[test]
fn a_file_that_did_not_arrive_whole_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let dev = admin_app(dir.path(), "Stand tablet");
    let broken = PickedFile { name: "hq-1.consentry".into(), base64: "not base64!".into() };
    let e = block_on(load_hq_bundle_in(&dev, broken)).err().unwrap();
    assert_eq!(e.kind, ErrorKind::Invalid);
    assert!(e.message.contains("hq-1.consentry"), "{}", e.message);
}
