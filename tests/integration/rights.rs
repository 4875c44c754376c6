//! Data-subject rights: search, withdrawal receipts, erasure, suppression list, exports,
//! import (all or nothing), retention and the access export, on real vaults.

use std::sync::Arc;

use chrono::Duration;
use consentry::domain::Language;
use consentry::ledger::{self, ConsentState, EventKind, Method, Withdrawal};
use consentry::receipt;
use consentry::rights::{self, csv, ExportFilter, Format, Identity, Provenance, RetentionRule, Source};
use consentry::subject::{self, SubjectInput, SubjectKey};
use consentry::{verify, Error, FixedClock, Role, Session};
use proptest::prelude::*;

use crate::common::*;

fn who(name: &str, email: &str, phone: Option<&str>, company: Option<&str>) -> SubjectInput {
    SubjectInput {
        name: Some(name.into()),
        email: Some(email.into()),
        phone: phone.map(str::to_string),
        company: company.map(str::to_string),
    }
}

fn counts(s: &Session) -> (i64, i64, i64, i64) {
    let c = s.raw_connection_for_tests();
    let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
    (
        n("SELECT count(*) FROM subject"),
        n("SELECT count(*) FROM consent_event"),
        n("SELECT count(*) FROM receipt"),
        n("SELECT count(*) FROM subject_blind_term"),
    )
}

fn withdraw(s: &mut Session, key: SubjectKey, purposes: &[&str]) -> ledger::Recorded {
    ledger::record_withdrawal(
        s,
        &Withdrawal {
            subject: key,
            purposes: purposes.iter().map(|p| p.to_string()).collect(),
            method: Method::Phone,
            evidence: "call 12".into(),
            at: None,
        },
    )
    .unwrap()
}

#[test]
fn search_finds_by_prefix_of_name_word_email_and_phone_masked() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    let ev = [("event_marketing", EventKind::Grant)];
    capture(
        &mut m,
        &tv.notice_hash,
        who("张伟", "zhang.wei@example.com", Some("+86 138-0013-8000"), Some("示例贸易")),
        &ev,
    );
    capture(&mut m, &tv.notice_hash, who("Jane Doe", "JANE@Example.org", Some("+49 30 1234567"), None), &ev);
    capture(&mut m, &tv.notice_hash, who("欧阳娜娜", "ouyang@example.cn", None, None), &ev);
    let find = |s: &mut Session, q: &str| -> Vec<String> {
        subject::search(s, q, 20).unwrap().into_iter().map(|v| v.email.unwrap_or_default()).collect()
    };
    assert_eq!(find(&mut m, "张"), vec!["z***@example.com"]);
    assert_eq!(find(&mut m, "欧阳"), vec!["o***@example.cn"]);
    assert_eq!(find(&mut m, "ZHANG"), vec!["z***@example.com"], "email prefix, case-insensitive");
    assert_eq!(find(&mut m, "doe"), vec!["j***@example.org"], "any word of a name");
    assert_eq!(find(&mut m, "jane d"), vec!["j***@example.org"]);
    assert_eq!(find(&mut m, "+86 138 0013"), vec!["z***@example.com"], "phone typed with country code");
    assert_eq!(find(&mut m, "138-00"), vec!["z***@example.com"]);
    assert_eq!(find(&mut m, "8000"), vec!["z***@example.com"], "last four digits");
    assert_eq!(find(&mut m, "+4930"), vec!["j***@example.org"]);
    assert_eq!(find(&mut m, "ｊａｎｅ"), vec!["j***@example.org"], "full-width letters");
    assert!(find(&mut m, "nobody").is_empty());
    // By e-mail domain: "@" and the domain, or its start; the whole domain first, newest first.
    assert_eq!(find(&mut m, "@example.com"), vec!["z***@example.com"]);
    assert_eq!(find(&mut m, "@EXAMPLE.org"), vec!["j***@example.org"], "case-insensitive");
    assert_eq!(find(&mut m, "@example.c"), vec!["o***@example.cn", "z***@example.com"], "the start of a domain");
    assert_eq!(find(&mut m, "@exa").len(), 3);
    assert!(find(&mut m, "@example.de").is_empty());
    let by = subject::find(&mut m, "@example.org", 20).unwrap();
    assert_eq!(by[0].matched, Some(subject::MatchedOn::Domain), "the result says it was found by its domain");
    assert_eq!(find(&mut m, "").len(), 3, "an empty query lists the newest");
    let all = subject::search(&mut m, "", 20).unwrap();
    assert!(all.iter().all(|v| v.masked), "search is always masked");
    assert_eq!(all[0].name.as_deref(), Some("欧***"), "newest first");
    m.lock().unwrap();
}

#[test]
fn search_at_100000_people_uses_indexes_not_scans() {
    let tv = vault_with_team();
    let mut admin = unlock(&tv.paths, Role::Admin);
    {
        let mut kiosk = unlock(&tv.paths, Role::Kiosk);
        let people: Vec<(String, SubjectInput, i64)> = (0..100_000u32)
            .map(|i| {
                let p = SubjectInput {
                    name: Some(format!("person {i}")),
                    email: Some(format!("person{i}@example.com")),
                    phone: Some(format!("138{i:08}")),
                    company: None,
                };
                (format!("s{i:06}"), p, i64::from(i))
            })
            .collect();
        subject::add_people_for_tests(&mut kiosk, &people).unwrap();
        kiosk.lock().unwrap();
        admin.raw_connection_for_tests().execute_batch("ANALYZE;").unwrap();
    }
    for q in ["person 4242", "person4242@", "13800004", "4242", "张", "", "7kq2-m9xd-4p", "@example.com", "@exam"] {
        let plan = subject::explain_search(&mut admin, q).unwrap();
        assert!(!plan.is_empty());
        for line in &plan {
            // SEARCH = an index lookup; "SCAN … USING INDEX" with LIMIT = reading an index in
            // order and stopping early (the newest people). A bare SCAN or a sort would not do.
            let indexed = line.starts_with("SEARCH") || (line.starts_with("SCAN") && line.contains("USING INDEX"));
            assert!(indexed && !line.contains("TEMP B-TREE"), "query {q:?} scans or sorts at 100,000 people: {plan:?}");
        }
    }
    let started = std::time::Instant::now();
    let found = subject::search(&mut admin, "person 4242", 20).unwrap();
    assert_eq!(found.len(), 11, "person 4242 and 42420..42429");
    assert_eq!(subject::search(&mut admin, "13800099999", 20).unwrap().len(), 1);
    assert_eq!(subject::search(&mut admin, "", 20).unwrap()[0].id, "s099999");
    let by_domain = subject::search(&mut admin, "@example.com", 20).unwrap();
    assert_eq!((by_domain.len(), by_domain[0].id.as_str()), (20, "s099999"), "a whole domain, newest first");
    eprintln!("three searches at 100,000 people: {:?}", started.elapsed());
    admin.lock().unwrap();
}

#[test]
fn withdraw_one_purpose_takes_effect_at_once_with_a_valid_receipt() {
    let tv = vault_with_team();
    let mut k = unlock(&tv.paths, Role::Kiosk);
    let rec = capture(
        &mut k,
        &tv.notice_hash,
        who("张伟", "zhang.wei@example.com", Some("13800138000"), None),
        &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Grant), ("xborder", EventKind::Refuse)],
    );
    assert_eq!(rec.receipt_id.len(), 10);
    let grant = receipt::show(&mut k, &rec.receipt_id.to_lowercase()).unwrap();
    assert_eq!(grant.lines.len(), 3);
    assert_valid(&receipt::to_json(&grant));
    // Withdrawal from the kiosk: as easy as the grant.
    let key = SubjectKey::Id(rec.subject_id.clone());
    let wd = withdraw(&mut k, key.clone(), &["newsletter"]);
    k.lock().unwrap();
    let mut m = unlock(&tv.paths, Role::Marketer);
    let st = ledger::status(&mut m, &key).unwrap();
    let state = |p: &str| st.purposes.iter().find(|s| s.purpose == p).unwrap().state;
    assert_eq!(state("newsletter"), ConsentState::Withdrawn);
    assert_eq!(state("event_marketing"), ConsentState::Granted);
    let r = receipt::show(&mut m, &wd.receipt_id).unwrap();
    assert_eq!(r.kind, receipt::ReceiptKind::Withdrawal);
    let json = receipt::to_json(&r);
    assert_valid(&json);
    assert_eq!(json["iso27560"]["events"][0]["event_state"], "dpv:ConsentWithdrawn");
    assert_eq!(json["noticeHashes"][0], tv.notice_hash.as_str());
    // The page is in the language of the notice withdrawn from.
    let html = receipt::to_html(&r);
    let (title, how) = if json["language"] == "zh-CN" {
        ("撤回同意回执", "如何撤回")
    } else {
        ("Withdrawal receipt", "How to withdraw")
    };
    assert!(html.contains(title) && html.contains(how) && html.contains(wd.receipt_id.as_str()), "{html}");
    assert!(!html.contains("zhang.wei@example.com"), "the receipt shows the person masked");
    assert!(matches!(receipt::show(&mut m, "ZZZZZZZZZZ"), Err(Error::NotFound { .. })));
    m.lock().unwrap();
}

#[test]
fn receipts_carry_the_controller_from_the_notice_profile_and_escape_html() {
    let tv = vault_with_team();
    let mut l = unlock(&tv.paths, Role::Legal);
    let profile = r#"{"controller": {"name": {"zh": "示例科技有限公司", "en": "Example <Tech> Ltd"}, "contact": "privacy@example.com",
        "address": {"zh": "上海市", "en": "Shanghai"}}, "withdrawal_channel": {"zh": "发邮件至 privacy@example.com", "en": "Email privacy@example.com"},
        "jurisdiction": "CN"}"#;
    let v = consentry::notice::register(
        &mut l,
        "With profile",
        consentry::notice::Language::En,
        "Notice text with a profile.",
        Some(profile),
    )
    .unwrap();
    l.lock().unwrap();
    let mut m = unlock(&tv.paths, Role::Marketer);
    let rec = capture(&mut m, &v.hash, who("<script>", "x@example.com", None, None), &[("xborder", EventKind::Grant)]);
    let r = receipt::show(&mut m, &rec.receipt_id).unwrap();
    let json = receipt::to_json(&r);
    assert_valid(&json);
    assert_eq!(json["jurisdiction"], "CN");
    assert_eq!(json["piiControllers"][0]["email"], "privacy@example.com");
    assert_eq!(json["services"][0]["purposes"][0]["thirdPartyDisclosure"], true);
    let html = receipt::to_html(&r);
    assert!(html.contains("Example &lt;Tech&gt; Ltd"), "escaped");
    assert!(!html.contains("<script>") && !html.contains("<Tech>"));
    assert!(html.contains("Email privacy@example.com"), "the English notice's withdrawal channel");
    assert_eq!(json["services"][0]["purposes"][0]["thirdPartyName"], "not stated", "no recipient is named");
    m.lock().unwrap();
}

#[test]
fn erasure_keeps_the_chain_verifying_and_the_suppression_list_working() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    let rec = capture(
        &mut m,
        &tv.notice_hash,
        who("张伟", "Zhang.Wei@example.com", Some("13800138000"), Some("示例")),
        &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Refuse)],
    );
    capture(&mut m, &tv.notice_hash, person(1), &[("event_marketing", EventKind::Grant)]);
    assert!(matches!(
        rights::erase(&mut m, &SubjectKey::Id(rec.subject_id.clone()), Method::Email, ""),
        Err(Error::PermissionDenied { .. })
    ));
    m.lock().unwrap();

    let mut l = unlock(&tv.paths, Role::Legal);
    let key = SubjectKey::Email("zhang.wei@example.com".into());
    let erased = rights::erase(&mut l, &key, Method::Email, "ticket 7").unwrap();
    assert_eq!(erased.subject_id, rec.subject_id);
    let w = erased.withdrawn.expect("the grant still in force was withdrawn");
    assert_eq!(w.events.len(), 1);
    assert!(
        verify::verify(&mut l, consentry::verify::Scope::Full).unwrap().is_intact(),
        "verify stays green after an erasure"
    );

    let id = SubjectKey::Id(rec.subject_id.clone());
    let shown = subject::reveal(&mut l, &id).unwrap();
    assert!(shown.erased && shown.name.is_none() && shown.email.is_none() && shown.phone.is_none());
    assert!(matches!(subject::reveal(&mut l, &key), Err(Error::NotFound { .. })), "the email is gone");
    assert!(subject::search(&mut l, "张", 10).unwrap().is_empty(), "no longer searchable");
    let (_, history) = ledger::history(&mut l, &id).unwrap();
    assert_eq!(history.len(), 3, "the ledger keeps the proof");
    assert!(matches!(rights::erase(&mut l, &id, Method::Email, ""), Err(Error::Invalid { .. })), "only once");

    // No trace of the person's data anywhere in the subject row or search index.
    let c = l.raw_connection_for_tests();
    let leftovers: i64 = c
        .query_row(
            "SELECT count(*) FROM subject WHERE id = ?1 AND coalesce(name, email, email_norm, phone, phone_norm, company,
                    name_sealed, email_sealed, phone_sealed, company_sealed, job_title_sealed, name_masked,
                    email_masked, phone_masked, company_masked, email_index, phone_index) IS NOT NULL",
            [&rec.subject_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(leftovers, 0);
    let terms: i64 = c
        .query_row("SELECT count(*) FROM subject_blind_term WHERE subject_id = ?1", [&rec.subject_id], |r| r.get(0))
        .unwrap();
    assert_eq!(terms, 0);

    // The hashed suppression list still names them.
    let hash = rights::erasure::sha256_hex("zhang.wei@example.com");
    let list = rights::suppression_list(&mut l, Format::Csv, Identity::Hashed, None).unwrap();
    assert!(list.contains(&hash), "{list}");
    assert!(!list.contains("zhang"), "hashed list has no addresses");
    let rows = csv::parse(list.as_bytes()).unwrap();
    assert_eq!(rows[0].cells[1], "email_sha256");
    assert_eq!(rows.len(), 3, "header + newsletter refused + event_marketing withdrawn: {list}");
    let actions: Vec<String> = l.audit_log(20).unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"subject.erase".to_string()));
    l.lock().unwrap();

    // Their address comes back in an import: refused, nothing written.
    let mut m = unlock(&tv.paths, Role::Marketer);
    let before = counts(&m);
    let file = format!(
        "email,purpose,decision,notice,captured_at\nzhang.wei@example.com,event_marketing,grant,{},2024-01-01\n",
        tv.notice_hash
    );
    let report = rights::import_consents(&mut m, file.as_bytes(), Provenance::Paper).unwrap();
    assert!(!report.committed());
    assert_eq!(report.errors[0].reason.text.code(), "import_erased", "{:?}", report.errors);
    assert_eq!(counts(&m), before);
    m.lock().unwrap();
}

#[test]
fn masked_roles_get_masked_or_hashed_exports_only() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    capture(
        &mut m,
        &tv.notice_hash,
        who("张伟", "zhang.wei@example.com", Some("13800138000"), Some("上海示例有限公司")),
        &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Refuse)],
    );
    for identity in [Identity::Masked, Identity::Hashed] {
        for format in [Format::Csv, Format::Json] {
            let s = rights::suppression_list(&mut m, format, identity, None).unwrap();
            let e = rights::export_consents(&mut m, &ExportFilter::default(), format, identity).unwrap();
            for doc in [s, e] {
                for secret in ["zhang.wei", "13800138000", "张伟", "上海示例有限公司"] {
                    assert!(!doc.contains(secret), "{identity:?} {format:?} leaks {secret}: {doc}");
                }
            }
        }
    }
    assert!(matches!(
        rights::suppression_list(&mut m, Format::Csv, Identity::Plain, None),
        Err(Error::PermissionDenied { .. })
    ));
    assert!(matches!(
        rights::export_consents(&mut m, &ExportFilter::default(), Format::Csv, Identity::Plain),
        Err(Error::PermissionDenied { .. })
    ));
    let masked = rights::export_consents(&mut m, &ExportFilter::default(), Format::Csv, Identity::Masked).unwrap();
    assert!(masked.contains("z***@example.com") && masked.contains("138****8000"));
    m.lock().unwrap();
    let mut l = unlock(&tv.paths, Role::Legal);
    let plain = rights::export_consents(&mut l, &ExportFilter::default(), Format::Json, Identity::Plain).unwrap();
    assert!(plain.contains("zhang.wei@example.com"));
    let actions: Vec<String> = l.audit_log(5).unwrap().into_iter().map(|e| e.action).collect();
    assert!(actions.contains(&"consent.export".to_string()), "{actions:?}");
    l.lock().unwrap();
}

#[test]
fn export_filters_by_purpose_status_method_and_date() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    for n in 0..4 {
        capture(
            &mut m,
            &tv.notice_hash,
            person(n),
            &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Refuse)],
        );
    }
    withdraw(&mut m, SubjectKey::Email("person0@example.com".into()), &["event_marketing"]);
    let rows = |m: &mut Session, f: &ExportFilter| -> usize {
        let doc = rights::export_consents(m, f, Format::Json, Identity::Hashed).unwrap();
        serde_json::from_str::<serde_json::Value>(&doc).unwrap().as_array().unwrap().len()
    };
    assert_eq!(rows(&mut m, &ExportFilter::default()), 8);
    let f = ExportFilter { purposes: vec!["event_marketing".into()], ..Default::default() };
    assert_eq!(rows(&mut m, &f), 4);
    let f = ExportFilter {
        purposes: vec!["event_marketing".into()],
        states: vec![ConsentState::Granted],
        ..Default::default()
    };
    assert_eq!(rows(&mut m, &f), 3);
    let f = ExportFilter { sources: vec![Source::Method(Method::Phone)], ..Default::default() };
    assert_eq!(rows(&mut m, &f), 1, "the withdrawal came by phone");
    let tomorrow = m.now() + Duration::days(1);
    let f = ExportFilter { from: Some(tomorrow), ..Default::default() };
    assert_eq!(rows(&mut m, &f), 0);
    let f = ExportFilter { to: Some(tomorrow), from: Some(tomorrow - Duration::days(2)), ..Default::default() };
    assert_eq!(rows(&mut m, &f), 8);
    let f = ExportFilter { from: Some(tomorrow), to: Some(m.now()), ..Default::default() };
    assert!(matches!(rights::export_consents(&mut m, &f, Format::Csv, Identity::Masked), Err(Error::Invalid { .. })));
    m.lock().unwrap();
}

const BAD_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

fn no_formula_cells(doc: &str) {
    for rec in csv::parse(doc.as_bytes()).unwrap() {
        for cell in &rec.cells {
            assert!(!cell.starts_with(BAD_START), "cell {cell:?} on line {} starts a formula", rec.line);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    /// Whatever the cells hold, no written cell starts a formula, and reading the file back
    /// gives the (neutralised) cells.
    #[test]
    fn no_exported_cell_starts_a_formula(cells in proptest::collection::vec(
        prop_oneof![
            "[=+\\-@\t\r][^\u{0}]{0,12}",
            ".{0,16}",
            "[\",\r\n a]{0,6}",
        ],
        2..8,
    )) {
        let mut out = String::new();
        csv::write_record(&mut out, &cells);
        csv::write_record(&mut out, &cells);
        let back = csv::parse(out.as_bytes()).unwrap();
        prop_assert_eq!(back.len(), 2);
        for rec in &back {
            prop_assert_eq!(rec.cells.len(), cells.len());
            for (got, given) in rec.cells.iter().zip(&cells) {
                prop_assert!(!got.starts_with(BAD_START), "{:?}", got);
                prop_assert_eq!(got, &csv::neutralise(given).into_owned());
            }
        }
    }
}

#[test]
fn hostile_values_are_neutralised_in_real_exports() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    capture(
        &mut m,
        &tv.notice_hash,
        SubjectInput {
            name: Some("=HYPERLINK(\"http://evil\",\"x\")".into()),
            email: Some("=cmd@example.com".into()),
            phone: Some("+49 30 1234567".into()),
            company: Some("@SUM(A1:A9)".into()),
        },
        &[("event_marketing", EventKind::Grant)],
    );
    let mut evil = person(9);
    evil.name = Some("-2+3".into());
    evil.company = Some("\tTab Inc".into());
    evil.phone = Some("138 0013 8000".into());
    capture(&mut m, &tv.notice_hash, evil, &[("newsletter", EventKind::Refuse)]);
    m.lock().unwrap();
    let mut l = unlock(&tv.paths, Role::Legal);
    for identity in [Identity::Plain, Identity::Masked, Identity::Hashed] {
        no_formula_cells(&rights::export_consents(&mut l, &ExportFilter::default(), Format::Csv, identity).unwrap());
        no_formula_cells(&rights::suppression_list(&mut l, Format::Csv, identity, None).unwrap());
    }
    let plain = rights::export_consents(&mut l, &ExportFilter::default(), Format::Csv, Identity::Plain).unwrap();
    assert!(plain.contains("'=cmd@example.com") && plain.contains(",00 49301234567,"), "{plain}");
    // Phones are text a spreadsheet shows whole, in the suppression list too.
    let list = rights::suppression_list(&mut l, Format::Csv, Identity::Plain, None).unwrap();
    assert!(list.contains(",138 0013 8000,"), "{list}");
    l.lock().unwrap();
}

fn import_file(notice: &str, rows: &[&str]) -> String {
    let mut f = String::from("email,phone,name,company,purpose,decision,notice,captured_at,evidence\r\n");
    for r in rows {
        f.push_str(&r.replace("{N}", notice));
        f.push_str("\r\n");
    }
    f
}

#[test]
fn an_import_with_one_bad_row_writes_nothing_and_names_the_row() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    let before = counts(&m);
    let file = import_file(
        &tv.notice_hash,
        &[
            "a@example.com,,Ann,Acme,event_marketing,grant,{N},2024-03-01T10:00:00+08:00,form 1",
            "b@example.com,,Bo,Acme,event_marketing,grant,{N},2024-03-01,form 2",
            "not-an-email,,Cy,Acme,event_marketing,grant,{N},2024-03-01,form 3",
            "d@example.com,,Di,Acme,no_such_purpose,maybe,{N},2099-01-01,form 4",
        ],
    );
    let report = rights::import_consents(&mut m, file.as_bytes(), Provenance::Paper).unwrap();
    assert!(!report.committed());
    assert_eq!(report.events, 0);
    let lines: Vec<(usize, Option<&str>)> = report.errors.iter().map(|e| (e.line, e.column.as_deref())).collect();
    assert_eq!(
        lines,
        vec![(4, Some("email")), (5, Some("purpose")), (5, Some("decision")), (5, Some("captured_at"))],
        "{:?}",
        report.errors
    );
    assert_eq!(report.errors[0].reason.text.code(), "import_bad_email");
    assert!(report.errors[0].reason.render(Language::ZhCn).contains("电子邮件"));
    assert_eq!(counts(&m), before, "nothing was written");

    // Fixed, it goes in whole: paper provenance, historic time, one receipt per person.
    let file = import_file(
        &tv.notice_hash,
        &[
            "a@example.com,,Ann,Acme,event_marketing,grant,{N},2024-03-01T10:00:00+08:00,form 1",
            "b@example.com,,Bo,Acme,event_marketing,grant,{N},2024-03-01,form 2",
            "a@example.com,,,,newsletter,refuse,{N},2024-03-01T10:00:00+08:00,form 1",
        ],
    );
    let report = rights::import_consents(&mut m, file.as_bytes(), Provenance::Paper).unwrap();
    assert!(report.committed(), "{:?}", report.errors);
    assert_eq!((report.rows, report.events, report.people, report.new_people), (3, 3, 2, 2));
    assert_eq!(report.receipts.len(), 2);
    let (_, history) = ledger::history(&mut m, &SubjectKey::Email("a@example.com".into())).unwrap();
    assert!(history.iter().all(|e| e.method == Method::Paper && e.captured_at.to_rfc3339().starts_with("2024-03-01")));
    let r = receipt::show(&mut m, &report.receipts[0]).unwrap();
    assert_eq!(r.kind, receipt::ReceiptKind::Import);
    assert_valid(&receipt::to_json(&r));
    m.lock().unwrap();
    let mut l = unlock(&tv.paths, Role::Legal);
    assert!(
        verify::verify(&mut l, consentry::verify::Scope::Full).unwrap().is_intact(),
        "imported events are in the chain and the audit log"
    );
    l.lock().unwrap();
}

#[test]
fn a_historic_grant_never_overrides_a_later_withdrawal() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    capture(&mut m, &tv.notice_hash, person(1), &[("event_marketing", EventKind::Grant)]);
    withdraw(&mut m, SubjectKey::Email("person1@example.com".into()), &["event_marketing"]);
    let file = import_file(&tv.notice_hash, &["person1@example.com,,,,event_marketing,grant,{N},2023-01-01,old form"]);
    let report = rights::import_consents(&mut m, file.as_bytes(), Provenance::Import).unwrap();
    assert!(report.committed());
    let st = ledger::status(&mut m, &SubjectKey::Email("person1@example.com".into())).unwrap();
    assert_eq!(st.purposes[0].state, ConsentState::Withdrawn, "status follows the time the person chose");
    m.lock().unwrap();
}

#[test]
fn import_refuses_bad_headers_and_roles() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    for (file, needle) in [
        ("", "import_empty"),
        ("email,purpose,decision\n", "import_column_missing"),
        ("email,purpose,decision,captured_at,shoe_size\n", "import_unknown_column"),
        ("name,purpose,decision,captured_at\n", "import_no_contact_column"),
        ("email,purpose,decision,captured_at\n", "import_no_rows"),
        ("email,purpose,decision,captured_at\n\"a@b.com,x\n", "csv_quote_never_closed"),
        ("email,purpose,decision,captured_at\na@example.com,event_marketing\n", "import_cell_count"),
    ] {
        let r = rights::import_consents(&mut m, file.as_bytes(), Provenance::Import).unwrap();
        assert!(!r.committed());
        let reason = &r.errors[0].reason;
        assert_eq!(reason.text.code(), needle, "{file:?}: {:?}", r.errors);
        let (en, zh) = (reason.render(Language::En), reason.render(Language::ZhCn));
        assert!(en.ends_with('.') && zh.ends_with('。') && en != zh, "{en} / {zh}");
    }
    m.lock().unwrap();
    let mut k = unlock(&tv.paths, Role::Kiosk);
    assert!(matches!(
        rights::import_consents(&mut k, b"email\n", Provenance::Import),
        Err(Error::PermissionDenied { .. })
    ));
    k.lock().unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Untrusted bytes never panic the importer, and a refused file writes nothing.
    #[test]
    fn arbitrary_import_files_never_panic_and_write_nothing_on_error(
        body in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..400),
            "(email,purpose,decision,captured_at,notice\r?\n)([a-z@.,\"\n =+0-9:T-]{0,60}\r?\n){0,6}".prop_map(String::into_bytes),
        ]
    ) {
        let tv = shared_vault();
        let mut m = unlock(&tv.paths, Role::Marketer);
        let before = counts(&m);
        let report = rights::import_consents(&mut m, &body, Provenance::Import).unwrap();
        if !report.committed() {
            prop_assert_eq!(counts(&m), before);
            prop_assert!(!report.errors.is_empty());
        } else {
            prop_assert_eq!(counts(&m).1 - before.1, report.events as i64);
        }
        m.lock().unwrap();
    }
}

fn shared_vault() -> &'static TestVault {
    static VAULT: std::sync::OnceLock<TestVault> = std::sync::OnceLock::new();
    VAULT.get_or_init(vault_with_team)
}

#[test]
fn retention_lists_consents_due_for_review_or_deletion() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    capture(
        &mut m,
        &tv.notice_hash,
        person(1),
        &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Refuse)],
    );
    assert!(matches!(
        rights::set_rule(
            &mut m,
            &RetentionRule { purpose: "newsletter".into(), review_days: Some(1), delete_days: None }
        ),
        Err(Error::PermissionDenied { .. })
    ));
    assert!(rights::due(&mut m).unwrap().is_empty());
    m.lock().unwrap();
    let mut l = unlock(&tv.paths, Role::Legal);
    rights::set_rule(
        &mut l,
        &RetentionRule { purpose: "event_marketing".into(), review_days: Some(365), delete_days: Some(1000) },
    )
    .unwrap();
    rights::set_rule(&mut l, &RetentionRule { purpose: "newsletter".into(), review_days: None, delete_days: Some(30) })
        .unwrap();
    assert!(rights::set_rule(
        &mut l,
        &RetentionRule { purpose: "nope".into(), review_days: Some(1), delete_days: None }
    )
    .is_err());
    assert!(rights::set_rule(
        &mut l,
        &RetentionRule { purpose: "newsletter".into(), review_days: Some(0), delete_days: None }
    )
    .is_err());
    assert_eq!(rights::rules(&mut l).unwrap().len(), 2);
    l.lock().unwrap();

    let at = |days: i64| {
        let later = chrono::Local::now().fixed_offset() + Duration::days(days);
        unlock_with_clock(&tv.paths, Role::Marketer, Arc::new(FixedClock(later)))
    };
    let mut soon = at(31);
    let due = rights::due(&mut soon).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!((due[0].purpose.as_str(), due[0].due), ("newsletter", rights::Due::Delete));
    assert!(due[0].subject.masked);
    soon.lock().unwrap();
    let mut later = at(400);
    let due: Vec<(String, rights::Due)> =
        rights::due(&mut later).unwrap().into_iter().map(|d| (d.purpose, d.due)).collect();
    assert_eq!(due, vec![("event_marketing".into(), rights::Due::Review), ("newsletter".into(), rights::Due::Delete)]);
    later.lock().unwrap();
    let mut much_later = at(1001);
    assert!(rights::due(&mut much_later).unwrap().iter().all(|d| d.due == rights::Due::Delete));
    much_later.lock().unwrap();
}

#[test]
fn access_export_holds_everything_about_one_person_and_is_audited() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    let rec = capture(
        &mut m,
        &tv.notice_hash,
        who("Jane <Doe>", "jane@example.org", Some("+49 30 1234567"), None),
        &[("event_marketing", EventKind::Grant)],
    );
    let wd = withdraw(&mut m, SubjectKey::Id(rec.subject_id.clone()), &["event_marketing"]);
    capture(&mut m, &tv.notice_hash, person(2), &[("event_marketing", EventKind::Grant)]);
    let key = SubjectKey::Email("jane@example.org".into());
    assert!(matches!(rights::access_report(&mut m, &key), Err(Error::PermissionDenied { .. })));
    m.lock().unwrap();
    let mut l = unlock(&tv.paths, Role::Legal);
    let report = rights::access_report(&mut l, &key).unwrap();
    let json: serde_json::Value = serde_json::from_str(&rights::access::to_json(&report)).unwrap();
    assert_eq!(json["subject"]["email"], "jane@example.org");
    assert_eq!(json["events"].as_array().unwrap().len(), 2);
    assert_eq!(json["events"][0]["receipt_id"], rec.receipt_id.as_str());
    assert_eq!(json["events"][1]["receipt_id"], wd.receipt_id.as_str());
    assert_eq!(json["events"][0]["notice_hash"], tv.notice_hash.as_str());
    assert_eq!(json["events"][0]["notice_title"], "展会同意书 Trade show consent");
    assert_eq!(json["status"][0]["state"], "withdrawn");
    assert!(!json.to_string().contains("person2"), "only this person");
    let html = rights::access::to_html(&report);
    assert!(html.contains("Jane &lt;Doe&gt;") && !html.contains("<Doe>"));
    assert!(html.contains(wd.receipt_id.as_str()));
    let audited =
        l.audit_log(5).unwrap().into_iter().any(|e| e.action == "subject.export_access" && e.target == rec.subject_id);
    assert!(audited);
    l.lock().unwrap();
}

/// Drift fixed: the CLI read `grant` as a state and the app did not, and the CLI read a
/// day in the computer's own offset instead of the session's clock. Both doors now call the
/// engine's parsers.
#[test]
fn both_doors_read_states_and_days_alike() {
    use consentry::ledger::ConsentState;
    assert_eq!("grant".parse::<ConsentState>().unwrap(), ConsentState::Granted);
    assert_eq!("Withdrawn".parse::<ConsentState>().unwrap(), ConsentState::Withdrawn);
    assert_eq!("refuse".parse::<ConsentState>().unwrap(), ConsentState::Refused);
    assert!("maybe".parse::<ConsentState>().is_err());
    let now = chrono::DateTime::parse_from_rfc3339("2026-05-03T10:00:00+08:00").unwrap();
    let from = rights::day_or_time("2026-05-01", false, now).unwrap();
    assert_eq!(from.to_rfc3339(), "2026-05-01T00:00:00+08:00");
    let to = rights::day_or_time("2026-05-01", true, now).unwrap();
    assert_eq!(to.timestamp_millis() - from.timestamp_millis(), 86_399_999);
    let exact = rights::day_or_time("2026-05-01T09:30:00+02:00", false, now).unwrap();
    assert_eq!(exact.to_rfc3339(), "2026-05-01T09:30:00+02:00");
    let err = rights::day_or_time("May 1", false, now).unwrap_err();
    assert!(err.to_string().contains("2026-05-01"), "{err}");
}
