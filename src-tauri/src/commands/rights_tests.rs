//! The command layer, called as a marketer: no response and no saved file holds an
//! unmasked value, and the commands that would reveal one are refused.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use consentry::ledger::{Capture, EventKind};
use consentry::purpose::{LegalBasis, Purpose};
use consentry::subject::SubjectInput;
use consentry::vault::{NewVault, Passphrase, VaultPaths};
use consentry::{notice, operator, purpose, Role, SystemClock};
use tauri::async_runtime::block_on;

use super::*;
use crate::commands::people;

const SECRETS: [&str; 6] = ["zhang.wei", "13800138000", "138 0013", "张伟", "上海示例有限公司", "Jane Doe"];

fn pass(p: &str) -> Passphrase {
    Passphrase::new(p.into())
}

/// A vault with a person, and an app state signed in as `role`.
fn app_as(role: Role, dir: &Path) -> AppState {
    let paths = VaultPaths::new(dir.join("consentry.db"));
    if !paths.exists() {
        let (mut admin, _) = consentry::Session::create(
            &paths,
            NewVault { admin_name: "Ada", passphrase: &pass("admin passphrase 1"), device_name: "t" },
            Arc::new(SystemClock),
        )
        .unwrap();
        for (name, r) in [("Lena", Role::Legal), ("Mo", Role::Marketer), ("Kim", Role::Kiosk)] {
            operator::add(&mut admin, name, r, &pass(&format!("{name} passphrase 1"))).unwrap();
        }
        for code in ["event_marketing", "newsletter"] {
            purpose::add_purpose(
                &mut admin,
                &Purpose {
                    code: code.into(),
                    name_zh: "目的".into(),
                    name_en: "Purpose".into(),
                    legal_basis: LegalBasis::Consent,
                    necessary: false,
                    separate_consent: None,
                    dpv: None,
                },
            )
            .unwrap();
        }
        admin.lock().unwrap();
        let mut legal =
            consentry::Session::unlock(&paths, "Lena", &pass("Lena passphrase 1"), Arc::new(SystemClock)).unwrap();
        let v = notice::register(&mut legal, "T", notice::Language::ZhCn, "告知书", None).unwrap();
        legal.lock().unwrap();
        let mut mo = consentry::Session::unlock(&paths, "Mo", &pass("Mo passphrase 1"), Arc::new(SystemClock)).unwrap();
        for (name, email, phone, company) in [
            ("张伟", "zhang.wei@example.com", "+86 138 0013 8000", "上海示例有限公司"),
            ("Jane Doe", "jane.doe@example.org", "+49 30 1234567", "Acme"),
        ] {
            ledger::record_capture(
                &mut mo,
                &Capture {
                    subject: SubjectInput {
                        name: Some(name.into()),
                        email: Some(email.into()),
                        phone: Some(phone.into()),
                        company: Some(company.into()),
                    },
                    choices: vec![
                        ("event_marketing".into(), EventKind::Grant),
                        ("newsletter".into(), EventKind::Refuse),
                    ],
                    notice: v.hash.clone(),
                    language: None,
                    method: consentry::ledger::Method::Desk,
                    evidence: String::new(),
                    captured_at: None,
                },
            )
            .unwrap();
        }
        mo.lock().unwrap();
    }
    let (name, p) = match role {
        Role::Admin => ("Ada", "admin passphrase 1".to_string()),
        Role::Legal => ("Lena", "Lena passphrase 1".into()),
        Role::Marketer => ("Mo", "Mo passphrase 1".into()),
        Role::Kiosk => ("Kim", "Kim passphrase 1".into()),
    };
    let session = consentry::Session::unlock(&paths, name, &pass(&p), Arc::new(SystemClock)).unwrap();
    let state = AppState::with_export_dir(paths, dir.join("exports"));
    state.install(session).unwrap();
    state
}

fn clean(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what} shows the unmasked value {s:?}:\n{text}");
    }
}

fn clean_json<T: Serialize>(what: &str, v: &T) {
    clean(what, &serde_json::to_string(v).unwrap());
}

fn clean_file(what: &str, f: &SavedFile) {
    clean(what, &std::fs::read_to_string(&f.path).unwrap());
}

fn denied<T>(what: &str, r: ApiResult<T>) {
    match r {
        Err(e) => assert_eq!(e.kind, crate::vocab::ErrorKind::PermissionDenied, "{what}: {}", e.message),
        Ok(_) => panic!("{what} was allowed to a marketer"),
    }
}

#[test]
fn a_marketer_never_receives_an_unmasked_value_from_any_command() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_as(Role::Marketer, dir.path());
    block_on(async {
        let people = people::search_in(&app, String::new()).await.unwrap();
        assert_eq!(people.len(), 2);
        clean_json("search_subjects", &people);
        for q in ["zhang", "张", "138", "8000", "jane"] {
            clean_json("search_subjects", &people::search_in(&app, q.into()).await.unwrap());
        }
        let id =
            people.iter().find(|p| p.person.email.as_deref() == Some("z***@example.com")).unwrap().person.id.clone();
        clean_json("subject_detail", &people::detail_in(&app, id.clone()).await.unwrap());
        let wd = withdraw_in(
            &app,
            WithdrawRequest {
                subject_id: id.clone(),
                purposes: vec![],
                channel: Method::InPerson,
                note: String::new(),
            },
        )
        .await
        .unwrap();
        assert_eq!(wd.purposes, vec!["event_marketing"]);
        clean_json("withdraw_consent", &wd);
        for format in [DocFormat::Html, DocFormat::Json] {
            clean_file("save_receipt", &save_receipt_in(&app, wd.receipt_id.clone(), format).await.unwrap());
        }
        for format in [vocab::Format::Csv, vocab::Format::Json] {
            // CSV for Excel starts with a byte-order mark; JSON never does.
            let excel = matches!(format, vocab::Format::Csv);
            let has_bom = |f: &SavedFile| std::fs::read(&f.path).unwrap().starts_with("\u{feff}".as_bytes());
            for identity in [Identity::Masked, Identity::Hashed] {
                let f = export_suppression_in(&app, SuppressionRequest { format, identity, purpose: None, excel })
                    .await
                    .unwrap();
                assert_eq!(has_bom(&f), excel);
                clean_file("export_suppression", &f);
                let f = export_consents_in(
                    &app,
                    ConsentExportRequest {
                        format,
                        identity,
                        purposes: vec![],
                        states: vec![],
                        methods: vec![],
                        events: vec![],
                        from: Some("2020-01-01".into()),
                        to: None,
                        excel,
                    },
                )
                .await
                .unwrap();
                assert_eq!(has_bom(&f), excel);
                clean_file("export_consents", &f);
                assert!(std::fs::read_to_string(&f.path).unwrap().lines().count() > 2);
            }
        }
        clean_json("retention_due", &retention_due_in(&app).await.unwrap());
        let report = import_in(
            &app,
            "email,purpose,decision,captured_at\nzhang.wei@example.com,nope,grant,2024-01-01\n".into(),
            Provenance::Paper,
        )
        .await
        .unwrap();
        assert!(!report.committed);
        clean_json("import_consents", &report);

        denied("reveal_subject", reveal_in(&app, id.clone()).await);
        denied("erase_subject", erase_in(&app, id.clone(), Method::Email, String::new()).await);
        denied("export_access", export_access_in(&app, id.clone(), DocFormat::Json).await);
        denied(
            "export_suppression plain",
            export_suppression_in(
                &app,
                SuppressionRequest {
                    format: vocab::Format::Csv,
                    identity: Identity::Plain,
                    purpose: None,
                    excel: false,
                },
            )
            .await,
        );
        denied(
            "export_consents plain",
            export_consents_in(
                &app,
                ConsentExportRequest {
                    format: vocab::Format::Csv,
                    identity: Identity::Plain,
                    purposes: vec![],
                    states: vec![],
                    methods: vec![],
                    events: vec![],
                    from: None,
                    to: None,
                    excel: false,
                },
            )
            .await,
        );
    });
    // Every file the marketer saved, checked once more as a whole.
    for f in std::fs::read_dir(dir.path().join("exports")).unwrap() {
        let path = f.unwrap().path();
        clean(&path.display().to_string(), &std::fs::read_to_string(&path).unwrap());
    }
}

#[test]
fn legal_reveals_exports_and_erases_through_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    drop(app_as(Role::Marketer, dir.path()));
    let app = app_as(Role::Legal, dir.path());
    block_on(async {
        let id = people::search_in(&app, "zhang".into()).await.unwrap()[0].person.id.clone();
        let shown = reveal_in(&app, id.clone()).await.unwrap();
        assert_eq!(shown.email.as_deref(), Some("zhang.wei@example.com"));
        let f = export_access_in(&app, id.clone(), DocFormat::Html).await.unwrap();
        assert!(
            f.path.ends_with(".html") && std::fs::read_to_string(&f.path).unwrap().contains("zhang.wei@example.com")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&f.path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        let again = export_access_in(&app, id.clone(), DocFormat::Html).await.unwrap();
        assert_ne!(again.path, f.path, "a new file, never an overwrite");
        let erased = erase_in(&app, id.clone(), Method::Email, "ticket 1".into()).await.unwrap();
        assert!(erased.withdrawal_receipt_id.is_some());
        let detail = people::detail_in(&app, id).await.unwrap();
        assert!(detail.person.erased && detail.person.email.is_none());
        set_retention_in(&app).await;
    });
}

async fn set_retention_in(app: &AppState) {
    let rule = RetentionRule { purpose: "newsletter".into(), review_days: None, delete_days: Some(30) };
    app.with_session(move |s| rights::set_rule(s, &rule)).await.unwrap();
    assert!(retention_due_in(app).await.unwrap().is_empty());
}

#[test]
fn only_an_administrator_backs_up_and_the_copy_holds_no_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let mo = app_as(Role::Marketer, dir.path());
    let e = block_on(crate::commands::vault::backup_vault_in(&mo)).map(|_| ()).unwrap_err();
    assert_eq!(e.kind, crate::vocab::ErrorKind::PermissionDenied);
    drop(mo);
    let ada = app_as(Role::Admin, dir.path());
    let b = block_on(crate::commands::vault::backup_vault_in(&ada)).unwrap();
    assert!(b.db.starts_with(dir.path().join("exports").to_str().unwrap()), "{}", b.db);
    assert_eq!(b.events, 4);
    assert!(std::path::Path::new(&b.keys).exists());
    let bytes = std::fs::read(&b.db).unwrap();
    for s in SECRETS {
        assert!(!bytes.windows(s.len()).any(|w| w == s.as_bytes()), "{s} in the backup file");
    }
}

#[test]
fn the_audit_log_filters_saves_for_excel_and_is_for_admin_and_legal() {
    use crate::commands::operators::{audit_in, export_audit_in, reset_in, AuditRequest};
    let dir = tempfile::tempdir().unwrap();
    drop(app_as(Role::Marketer, dir.path()));
    let req =
        |action: &str, operator: &str| AuditRequest { action: action.into(), operator: operator.into(), limit: 50 };
    let legal = app_as(Role::Legal, dir.path());
    block_on(async {
        let all = audit_in(&legal, req("", "")).await.unwrap();
        assert!(all.windows(2).all(|w| w[0].seq > w[1].seq), "newest first");
        let captures = audit_in(&legal, req("consent.", "")).await.unwrap();
        assert!(!captures.is_empty() && captures.iter().all(|e| e.action.starts_with("consent.")));
        let by_mo = audit_in(&legal, req("", "mo")).await.unwrap();
        assert!(!by_mo.is_empty() && by_mo.iter().all(|e| e.operator == "Mo"));
        // "_" and "%" are taken as they are, not as wildcards.
        assert!(audit_in(&legal, req("%", "")).await.unwrap().is_empty());
        let f = export_audit_in(&legal, req("consent.", "")).await.unwrap();
        let text = std::fs::read_to_string(&f.path).unwrap();
        assert!(text.starts_with("\u{feff}seq,at,operator,action,target,detail,hash"), "{text}");
        assert_eq!(text.lines().count(), captures.len() + 1);
        clean("export_audit_log", &text);
        // The export is itself in the log.
        assert_eq!(audit_in(&legal, req("audit.export", "")).await.unwrap().len(), 1);
        denied("reset_operator as legal", reset_in(&legal, "Mo".into(), "a new passphrase 1".into()).await);
    });
    drop(legal);
    let mo = app_as(Role::Marketer, dir.path());
    block_on(async {
        denied("audit_log as marketer", audit_in(&mo, req("", "")).await);
        denied("export_audit_log as marketer", export_audit_in(&mo, req("", "")).await);
    });
    drop(mo);
    // An admin resets Mo's passphrase: the old one stops working, the new one opens.
    let admin = app_as(Role::Admin, dir.path());
    block_on(async {
        let weak = reset_in(&admin, "Mo".into(), "short".into()).await;
        assert!(weak.is_err(), "a weak passphrase is refused");
        reset_in(&admin, "Mo".into(), "a new passphrase 1".into()).await.unwrap();
    });
    drop(admin);
    let paths = VaultPaths::new(dir.path().join("consentry.db"));
    assert!(consentry::Session::unlock(&paths, "Mo", &pass("Mo passphrase 1"), Arc::new(SystemClock)).is_err());
    consentry::Session::unlock(&paths, "Mo", &pass("a new passphrase 1"), Arc::new(SystemClock))
        .unwrap()
        .lock()
        .unwrap();
}

#[test]
fn the_recovery_key_signs_in_with_a_new_passphrase_and_a_wrong_key_changes_nothing() {
    use crate::commands::vault::{recover_in, RecoverRequest};
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(dir.path().join("consentry.db"));
    let (admin, recovery) = consentry::Session::create(
        &paths,
        NewVault { admin_name: "Ada", passphrase: &pass("admin passphrase 1"), device_name: "t" },
        Arc::new(SystemClock),
    )
    .unwrap();
    admin.lock().unwrap();
    let key = recovery.expose_display().to_string();
    let bytes = |p: &std::path::Path| std::fs::read(p).unwrap();
    let before = (bytes(&paths.db), bytes(&paths.slots));
    let request = |k: &str| RecoverRequest {
        operator: "Ada".into(),
        recovery_key: k.into(),
        new_passphrase: "a brand new passphrase".into(),
    };
    let state = AppState::with_export_dir(paths.clone(), dir.path().join("exports"));
    let mut wrong = key.clone().into_bytes();
    wrong[0] = if wrong[0] == b'A' { b'B' } else { b'A' };
    let e = block_on(recover_in(state.clone(), request(&String::from_utf8(wrong).unwrap()))).err().unwrap();
    assert_ne!(e.kind, crate::vocab::ErrorKind::PermissionDenied, "{}", e.message);
    assert_eq!((bytes(&paths.db), bytes(&paths.slots)), before, "a wrong recovery key changes no byte");
    let info = block_on(recover_in(state.clone(), request(&key))).unwrap();
    assert_eq!(info.operator, "Ada");
    state.lock().unwrap();
    assert!(consentry::Session::unlock(&paths, "Ada", &pass("admin passphrase 1"), Arc::new(SystemClock)).is_err());
    let mut s =
        consentry::Session::unlock(&paths, "Ada", &pass("a brand new passphrase"), Arc::new(SystemClock)).unwrap();
    assert!(s.audit_log(5).unwrap().iter().any(|e| e.action == "vault.recover"));
    s.lock().unwrap();
}

#[test]
fn legal_reads_a_clause_as_a_form_and_writes_it_back_and_a_marketer_may_not() {
    let dir = tempfile::tempdir().unwrap();
    drop(app_as(Role::Marketer, dir.path()));
    let starter = notice::template::starter_library().into_iter().find(|t| t.name == "retention").unwrap();
    let source = crate::commands::wording::Bi { zh: starter.source_zh.clone(), en: starter.source_en.clone() };
    let mo = app_as(Role::Marketer, dir.path());
    let e = block_on(crate::commands::clause_form::clause_form_in(&mo, source.clone())).map(|_| ()).unwrap_err();
    assert_eq!(e.kind, crate::vocab::ErrorKind::PermissionDenied);
    drop(mo);
    let lena = app_as(Role::Legal, dir.path());
    block_on(async {
        use crate::commands::clause_form::{clause_form_in, clause_source_in};
        let mut form = clause_form_in(&lena, source.clone()).await.unwrap().expect("the retention clause is a form");
        let same = clause_source_in(&lena, form.clone()).await.unwrap();
        assert_eq!((same.zh, same.en), (source.zh.clone(), source.en.clone()), "unchanged, byte for byte");
        form.pieces[1].text.en = "We keep it only as long as we need it:".into();
        let edited = clause_source_in(&lena, form.clone()).await.unwrap();
        assert!(edited.en.contains("\nWe keep it only as long as we need it:\n") && edited.zh == source.zh);
        form.pieces[1].text.en = "Two\nlines".into();
        let e = clause_source_in(&lena, form).await.map(|_| ()).unwrap_err();
        assert!(e.message.contains("Piece 2 of the clause") && e.message.contains("one line"), "{}", e.message);
        assert_eq!(e.text.code, "clause_form_piece");
        let logic = crate::commands::wording::Bi {
            zh: "## 甲\n\n{% if x %}乙{% endif %}\n".into(),
            en: "## A\n\n{% if x %}B{% endif %}\n".into(),
        };
        assert!(clause_form_in(&lena, logic).await.unwrap().is_none(), "logic the form cannot show: the source editor");
    });
}
