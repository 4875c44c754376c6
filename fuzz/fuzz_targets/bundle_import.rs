//! Headquarters importing arbitrary bytes as a device bundle never panics, and a refused file
//! adds no consent event, person or device entry. Half the inputs are a real device bundle
//! (from an enrolled device) with bytes of the input written over it at positions it picks,
//! so the fuzzer reaches past the first line of the header.
#![no_main]

use std::sync::{Arc, Mutex, OnceLock};

use consentry::vault::{NewVault, Passphrase, VaultPaths};
use consentry::{bundle, Session, SystemClock};
use libfuzzer_sys::fuzz_target;

struct World {
    _dir: tempfile::TempDir,
    hq: Mutex<Session>,
    bundle: Vec<u8>,
}

fn pass(p: &str) -> Passphrase {
    Passphrase::new(p.into())
}

fn new_vault(dir: &std::path::Path, name: &str) -> Session {
    let paths = VaultPaths::new(dir.join(name).join("consentry.db"));
    consentry::Session::create(
        &paths,
        NewVault { admin_name: "Ada", passphrase: &pass("admin passphrase 1"), device_name: name },
        Arc::new(SystemClock),
    )
    .unwrap()
    .0
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let mut hq = new_vault(dir.path(), "hq");
        bundle::become_headquarters(&mut hq, "Fuzz Org").unwrap();
        let e = bundle::enrol(&mut hq, "Tablet").unwrap();
        let file = bundle::save_enrolment(dir.path(), &e, "tablet").unwrap();
        let mut device = new_vault(dir.path(), "device");
        bundle::join(&mut device, &std::fs::read(file).unwrap()).unwrap();
        let saved = bundle::save_device_bundle(&mut device, dir.path()).unwrap();
        let bytes = std::fs::read(&saved.path).unwrap();
        device.lock().unwrap();
        World { _dir: dir, hq: Mutex::new(hq), bundle: bytes }
    })
}

fn counts(s: &Session) -> (i64, i64, i64) {
    let c = s.raw_connection_for_tests();
    let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (n("SELECT count(*) FROM consent_event"), n("SELECT count(*) FROM subject"), n("SELECT count(*) FROM device_audit_entry"))
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    let file: Vec<u8> = match data.split_first() {
        Some((&flag, rest)) if flag % 2 == 1 && rest.len() >= 4 => {
            let mut f = w.bundle.clone();
            for chunk in rest.chunks(4) {
                if let [a, b, v, ..] = *chunk {
                    let at = (usize::from(a) << 8 | usize::from(b)) % f.len();
                    f[at] = v;
                }
            }
            f
        }
        _ => data.to_vec(),
    };
    let mut hq = w.hq.lock().unwrap();
    let before = counts(&hq);
    if bundle::import_device_bundle_bytes(&mut hq, "fuzz.consentry", &file).is_err() {
        assert_eq!(counts(&hq), before, "a refused bundle wrote records");
    }
});
