//! Rendering an arbitrary (unsaved) notice template against the example profile never
//! panics: the live preview gives a rendered notice or a template error.
#![no_main]

use std::sync::{Arc, Mutex, OnceLock};

use consentry::notice::profile::{self, Bilingual, Profile};
use consentry::purpose::{self, DataCategory, LegalBasis, Purpose, SensitiveKind};
use consentry::notice::template::{self, Template, TemplateKind};
use consentry::notice::workflow;
use consentry::vault::{NewVault, Passphrase, VaultPaths};
use consentry::{operator, Role, Session, SystemClock};
use libfuzzer_sys::fuzz_target;

const EXAMPLE: &str = include_str!("../../examples/trade-show-2026.profile.json");

fn session() -> &'static Mutex<(tempfile::TempDir, Session, Profile)> {
    static S: OnceLock<Mutex<(tempfile::TempDir, Session, Profile)>> = OnceLock::new();
    S.get_or_init(|| {
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
        // The example profile's catalogue (as examples/catalogue.sh adds it).
        for code in ["event_followup", "newsletter", "partner_offers", "hq_crm", "dietary_needs"] {
            let p = Purpose {
                code: code.into(),
                name_zh: format!("目的 {code}"),
                name_en: format!("Purpose {code}"),
                legal_basis: LegalBasis::Consent,
                necessary: false,
                separate_consent: None,
                dpv: None,
            };
            purpose::add_purpose(&mut admin, &p).unwrap();
        }
        for (code, sensitive) in [
            ("name", None),
            ("email", None),
            ("phone", None),
            ("company", None),
            ("job_title", None),
            ("dietary_health", Some(SensitiveKind::Health)),
        ] {
            let c = DataCategory { code: code.into(), name_zh: code.into(), name_en: code.into(), sensitive };
            purpose::add_category(&mut admin, &c).unwrap();
        }
        admin.lock().unwrap();
        let mut lena = consentry::Session::unlock(&paths, "Lena", &pass("legal passphrase 1"), Arc::new(SystemClock)).unwrap();
        template::install_starter(&mut lena).unwrap();
        let p = Profile::from_json(EXAMPLE).unwrap();
        profile::save(&mut lena, &p).unwrap();
        let title = Bilingual { zh: "告知书".into(), en: "Notice".into() };
        // The starter template renders: the target starts from a working preview.
        workflow::preview(&mut lena, &p, "pipl_notice", None, &title).unwrap();
        Mutex::new((dir, lena, p))
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (zh, en) = text.split_once('\u{0}').unwrap_or((text, text));
    let edit = Template {
        name: "pipl_notice".into(),
        kind: TemplateKind::Notice,
        rev: 1,
        title_zh: "t".into(),
        title_en: "t".into(),
        source_zh: zh.into(),
        source_en: en.into(),
        saved_by: String::new(),
        saved_at_ms: 0,
    };
    let mut g = session().lock().unwrap();
    let (_, s, p) = &mut *g;
    let title = Bilingual { zh: "告知书".into(), en: "Notice".into() };
    let _ = workflow::preview(s, p, "pipl_notice", Some(edit), &title);
});
