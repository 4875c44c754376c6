//! CSV import as the people who fill the file see it: every fault of a header at once, a
//! notice named as legal names it (name and version) instead of by hash, and exports whose
//! phone numbers a spreadsheet shows whole and an import reads back.

use consentry::domain::Language;
use consentry::ledger::{self, EventKind};
use consentry::rights::{self, ExportFilter, Format, Identity, Provenance};
use consentry::subject::SubjectKey;
use consentry::Role;

use super::common::*;
use super::notices::approved_notice;

fn codes(report: &rights::ImportReport) -> Vec<(Option<&str>, String)> {
    report.errors.iter().map(|e| (e.column.as_deref(), e.reason.text.code())).collect()
}

#[test]
fn a_header_with_several_faults_lists_every_one() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    let file = "emial,purpose,Purpose,shoe_size\nx@example.com,newsletter,newsletter,42\n";
    let report = rights::import_consents(&mut m, file.as_bytes(), Provenance::Paper).unwrap();
    assert!(!report.committed());
    assert_eq!(
        codes(&report).iter().map(|(c, code)| (*c, code.as_str())).collect::<Vec<_>>(),
        vec![
            (Some("emial"), "import_unknown_column"),
            (Some("Purpose"), "import_column_twice"),
            (Some("shoe_size"), "import_unknown_column"),
            (Some("decision"), "import_column_missing"),
            (Some("captured_at"), "import_column_missing"),
            (None, "import_no_contact_column"),
        ],
    );
    assert!(report.errors.iter().all(|e| e.line == 1));
    m.lock().unwrap();
}

#[test]
fn a_notice_by_name_and_version_takes_the_wording_in_the_rows_language() {
    let (_dir, paths) = authoring_vault();
    let v = approved_notice(&paths, "ts");
    let mut lena = unlock_as(&paths, LEGAL);
    let file = "email,purpose,decision,notice,language,captured_at\n\
                zh@example.com,newsletter,grant,ts v1,zh-CN,2024-03-01\n\
                en@example.com,newsletter,refuse,ts@1,en,2024-03-01\n";
    let report = rights::import_consents(&mut lena, file.as_bytes(), Provenance::Paper).unwrap();
    assert!(report.committed(), "{:?}", report.errors);
    for (who, hash) in [("zh@example.com", &v.rendered.hash_zh), ("en@example.com", &v.rendered.hash_en)] {
        let (_, history) = ledger::history(&mut lena, &SubjectKey::Email(who.into())).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].notice_hash.as_deref(), Some(hash.as_str()), "{who}");
    }
    let (_, en) = ledger::history(&mut lena, &SubjectKey::Email("en@example.com".into())).unwrap();
    assert_eq!(en[0].kind, EventKind::Refuse);

    // A version that does not exist, a name without the language, and an unknown name: each
    // row is named, and nothing is written.
    let file = "email,purpose,decision,notice,language,captured_at\n\
                a@example.com,newsletter,grant,ts v2,en,2024-03-01\n\
                b@example.com,newsletter,grant,ts v1,,2024-03-01\n\
                c@example.com,newsletter,grant,nope v1,zh-CN,2024-03-01\n";
    let report = rights::import_consents(&mut lena, file.as_bytes(), Provenance::Paper).unwrap();
    assert!(!report.committed());
    assert_eq!(
        codes(&report).iter().map(|(c, code)| (*c, code.as_str())).collect::<Vec<_>>(),
        vec![
            (Some("notice"), "import_notice_no_version"),
            (Some("notice"), "import_notice_needs_language"),
            (Some("notice"), "import_notice_no_version"),
        ]
    );
    assert_eq!(report.errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![2, 3, 4]);
    assert!(report.errors[1].reason.render(Language::ZhCn).contains("language"));
    assert!(ledger::history(&mut lena, &SubjectKey::Email("a@example.com".into())).is_err());
    lena.lock().unwrap();
}

#[test]
fn exported_phones_are_readable_text_that_imports_back_as_the_same_person() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    let mut cn = person(1);
    cn.phone = Some("+86 138 0013 8000".into());
    let mut de = person(2);
    de.phone = Some("+49 30 1234567".into());
    for p in [cn, de] {
        capture(&mut m, &tv.notice_hash, p, &[("newsletter", EventKind::Refuse)]);
    }
    m.lock().unwrap();
    let mut l = unlock(&tv.paths, Role::Legal);
    let export = rights::export_consents(&mut l, &ExportFilter::default(), Format::Csv, Identity::Plain).unwrap();
    let rows = rights::csv::parse(export.as_bytes()).unwrap();
    let phone_col = rows[0].cells.iter().position(|c| c == "phone").unwrap();
    let mut phones: Vec<&str> = rows[1..].iter().map(|r| r.cells[phone_col].as_str()).collect();
    phones.sort_unstable();
    assert_eq!(phones, vec!["00 49301234567", "138 0013 8000"]);
    // The same cells, imported as withdrawals by phone, find the same two people.
    let mut file = String::from("phone,purpose,decision,captured_at\n");
    for p in &phones {
        file.push_str(&format!("{p},newsletter,withdraw,2024-03-01\n"));
    }
    let report = rights::import_consents(&mut l, file.as_bytes(), Provenance::Paper).unwrap();
    assert!(report.committed(), "{:?}", report.errors);
    assert_eq!((report.people, report.new_people), (2, 0));
    l.lock().unwrap();
}
