//! Arbitrary bytes never panic the importer, and a refused file writes nothing.
#![no_main]

use std::sync::{Arc, OnceLock};

use consentry::purpose::{self, LegalBasis, Purpose};
use consentry::rights::{self, Provenance};
use consentry::vault::{NewVault, Passphrase, VaultPaths};
use consentry::{notice, operator, Role, Session, SystemClock};
use libfuzzer_sys::fuzz_target;

struct Vault {
    _dir: tempfile::TempDir,
    paths: VaultPaths,
}

fn vault() -> &'static Vault {
    static V: OnceLock<Vault> = OnceLock::new();
    V.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let paths = VaultPaths::new(dir.path().join("consentry.db"));
        let pass = |p: &str| Passphrase::new(p.into());
        let (mut admin, _) = consentry::Session::create(
            &paths,
            NewVault { admin_name: "Ada", passphrase: &pass("admin passphrase 1"), device_name: "fuzz" },
            Arc::new(SystemClock),
        )
        .unwrap();
        operator::add(&mut admin, "Lena", Role::Legal, &pass("legal passphrase 1")).unwrap();
        purpose::add_purpose(
            &mut admin,
            &Purpose {
                code: "event_marketing".into(),
                name_zh: "活动营销".into(),
                name_en: "Event marketing".into(),
                legal_basis: LegalBasis::Consent,
                necessary: false,
                separate_consent: None,
                dpv: None,
            },
        )
        .unwrap();
        admin.lock().unwrap();
        let mut legal = consentry::Session::unlock(&paths, "Lena", &pass("legal passphrase 1"), Arc::new(SystemClock)).unwrap();
        notice::register(&mut legal, "T", notice::Language::En, "Notice.", None).unwrap();
        legal.lock().unwrap();
        Vault { _dir: dir, paths }
    })
}

fn session() -> &'static std::sync::Mutex<Session> {
    static S: OnceLock<std::sync::Mutex<Session>> = OnceLock::new();
    S.get_or_init(|| {
        let s =
            consentry::Session::unlock(&vault().paths, "Lena", &Passphrase::new("legal passphrase 1".into()), Arc::new(SystemClock))
                .unwrap();
        std::sync::Mutex::new(s)
    })
}

fn counts(s: &Session) -> (i64, i64, i64) {
    let c = s.raw_connection_for_tests();
    let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (n("SELECT count(*) FROM subject"), n("SELECT count(*) FROM consent_event"), n("SELECT count(*) FROM receipt"))
}

fuzz_target!(|data: &[u8]| {
    let mut s = session().lock().unwrap();
    let before = counts(&s);
    let report = rights::import_consents(&mut s, data, Provenance::Import).unwrap();
    if !report.committed() {
        assert_eq!(counts(&s), before, "a refused file wrote something");
        assert!(!report.errors.is_empty());
    }
});
