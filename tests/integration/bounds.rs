//! Oversized and hostile input: an import file larger than its limit (or one that never
//! ends) is refused without being read; a person's details, catalogue names and profile
//! fields have length limits and refuse control and invisible characters. Each refusal says
//! what is wrong and writes nothing.

use std::time::{Duration, Instant};

use consentry::ledger::{self, Capture, EventKind, Method};
use consentry::notice::profile;
use consentry::purpose::{self, LegalBasis, Purpose};
use consentry::rights;
use consentry::subject::SubjectInput;
use consentry::{Role, Session};

use crate::cli::Cli;
use crate::common::*;

fn rows(s: &Session) -> (i64, i64, i64) {
    let c = s.raw_connection_for_tests();
    let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (n("SELECT count(*) FROM subject"), n("SELECT count(*) FROM consent_event"), n("SELECT count(*) FROM audit_entry"))
}

#[test]
fn an_import_larger_than_its_limit_is_refused_without_reading_it() {
    let tv = vault_with_team();
    let dir = tempfile::tempdir().unwrap();
    let sparse = dir.path().join("huge.csv");
    std::fs::File::create(&sparse).unwrap().set_len(2 << 30).unwrap();
    for file in [sparse.as_path(), std::path::Path::new("/dev/zero")] {
        let started = Instant::now();
        let e = rights::read_import_file(file).unwrap_err().to_string();
        assert!(e.contains("larger than 32 MiB") && e.contains("nothing was imported"), "{e}");
        assert!(started.elapsed() < Duration::from_secs(10), "{} was read to its end", file.display());
    }
    // Through the CLI too: a clear message, a failure exit, nothing written.
    let before = {
        let s = unlock(&tv.paths, Role::Marketer);
        rows(&s)
    };
    let cli = Cli { vault: &tv.paths.db };
    let out = cli.run(MARKETER.0, MARKETER.1, &["import", "/dev/zero", "--provenance", "paper"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("larger than 32 MiB"), "{err}");
    let s = unlock(&tv.paths, Role::Marketer);
    let after = rows(&s);
    assert_eq!((after.0, after.1), (before.0, before.1), "nothing imported");
}

#[test]
fn person_details_have_limits_and_no_invisible_characters() {
    let tv = vault_with_team();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    let before = rows(&mo);
    let attempt = |s: &mut Session, who: SubjectInput| {
        ledger::record_capture(
            s,
            &Capture {
                subject: who,
                choices: vec![("event_marketing".into(), EventKind::Grant)],
                notice: tv.notice_hash.clone(),
                language: None,
                method: Method::Kiosk,
                evidence: String::new(),
                captured_at: None,
            },
        )
    };
    let base = || SubjectInput {
        name: Some("Zhang Wei".into()),
        email: Some("zw@example.com".into()),
        phone: None,
        company: None,
    };
    let cases: Vec<(SubjectInput, &str)> = vec![
        (SubjectInput { name: Some("x".repeat(201)), ..base() }, "name is 201 characters long"),
        (
            SubjectInput { company: Some("Acme\u{202E}evil".into()), ..base() },
            "company holds an invisible or control character (U+202E)",
        ),
        (SubjectInput { name: Some("Zhang\0Wei".into()), ..base() }, "U+0000"),
        (SubjectInput { name: Some("Zh\u{200B}ang".into()), ..base() }, "U+200B"),
        (
            SubjectInput { email: Some(format!("{}@example.com", "a".repeat(250))), ..base() },
            "e-mail address is 262 characters",
        ),
    ];
    for (who, expect) in cases {
        let e = attempt(&mut mo, who).unwrap_err();
        assert_eq!(e.kind(), "invalid");
        assert!(e.to_string().contains(expect), "{e}");
    }
    assert_eq!(rows(&mo).0, before.0, "no one was added");
    assert_eq!(rows(&mo).1, before.1, "no event was written");
    assert!(
        attempt(&mut mo, SubjectInput { name: Some("x".repeat(200)), ..base() }).is_ok(),
        "200 characters are kept"
    );
    mo.lock().unwrap();
}

#[test]
fn catalogue_names_and_profile_fields_have_limits() {
    let (_dir, paths) = authoring_vault();
    let mut lena = unlock_as(&paths, LEGAL);
    let long = Purpose {
        code: "long_name".into(),
        name_zh: "长".repeat(201),
        name_en: "Long".into(),
        legal_basis: LegalBasis::Consent,
        necessary: false,
        separate_consent: None,
        dpv: None,
    };
    let e = purpose::add_purpose(&mut lena, &long).unwrap_err().to_string();
    assert!(e.contains("Chinese name is 201 characters long"), "{e}");
    let hidden = Purpose { name_zh: "营销".into(), name_en: "Mark\u{2066}eting".into(), ..long };
    assert!(purpose::add_purpose(&mut lena, &hidden).unwrap_err().to_string().contains("U+2066"));

    let revisions = profile::list(&mut lena).unwrap().len();
    let mut p = example_profile();
    p.controller.contact = "c".repeat(4001);
    let e = profile::save(&mut lena, &p).unwrap_err().to_string();
    assert!(e.contains("controller.contact is 4001 characters long"), "{e}");
    let mut p = example_profile();
    p.controller.name.en = "Acme\u{202E}GmbH".into();
    assert!(profile::save(&mut lena, &p).unwrap_err().to_string().contains("controller.name.en"));
    let mut p = example_profile();
    p.categories = (0..201).map(|i| format!("c{i}")).collect();
    assert!(profile::save(&mut lena, &p).unwrap_err().to_string().contains("lists 201 entries"));
    let huge = format!("{{\"name\": \"x\", \"jurisdiction\": \"{}\"}}", "x".repeat(300 * 1024));
    assert!(profile::Profile::from_json(&huge).unwrap_err().to_string().contains("at most 256 KiB"));
    assert_eq!(profile::list(&mut lena).unwrap().len(), revisions, "no profile revision was saved");
    // Line breaks stay allowed in profile texts (multi-line descriptions).
    let mut p = example_profile();
    p.controller.address.en = "1 Main St\nBerlin".into();
    profile::save(&mut lena, &p).unwrap();
    lena.lock().unwrap();
}
