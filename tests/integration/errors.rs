//! The user-facing text of each error kind, snapshotted so that every change of wording is
//! a reviewable diff.

use std::path::PathBuf;

use consentry::domain::messages as msg;
use consentry::domain::Refusal;
use consentry::notice::Language;
use consentry::{Error, Role};

#[test]
fn user_facing_messages() {
    let vault = PathBuf::from("/home/li/.local/share/consentry/consentry.db");
    let errors = vec![
        Error::WrongPassphrase { vault: vault.clone() },
        Error::WrongRecoveryKey { vault: vault.clone() },
        Error::UnknownOperator { name: "Li Na".into(), vault: vault.clone() },
        Error::OperatorDisabled { name: "Li Na".into() },
        Error::PermissionDenied {
            action: "recording grants and refusals",
            role: Role::Legal,
            needed: vec![Role::Marketer, Role::Kiosk],
        },
        Error::VaultNotFound { path: vault.clone() },
        Error::VaultExists { path: vault.clone() },
        Error::KeySlots { path: vault.with_extension("db.keys"), problem: &msg::SLOTS_MISSING },
        Error::VaultDamaged { path: vault.clone() },
        Error::SchemaTooNew { found: 7, supported: 1 },
        Error::MigrationEdited { version: 1 },
        Error::Busy,
        Error::WeakPassphrase { min: 10 },
        Error::SchemaAltered { objects: vec!["trigger consent_event_no_update".into()] },
        Error::PersonalDataSealed,
        Error::from(&msg::NOTICE_TEXT_EMPTY),
        Error::NotFound(msg::PURPOSE_NOT_FOUND.with("code", "newsletter")),
        Error::Duplicate(msg::PURPOSE_EXISTS.with("code", "newsletter")),
        Error::Io {
            action: &msg::IO_WRITE,
            path: vault.with_extension("db.keys"),
            reason: std::io::ErrorKind::StorageFull,
        },
        Error::Storage { context: "append to the ledger" },
        Error::Template {
            template: "clause/retention".into(),
            language: Language::ZhCn,
            line: Some(4),
            problem: "uses `controller.nmae`, which is not defined".into(),
            fix: "Use only the variables listed in docs/templates.md, or test an optional one with {% if … %}.".into(),
        },
        Error::WrongState(msg::VERSION_FROZEN.with("number", 2).with("notice", "trade-show-2026")),
        Error::LintErrors { notice: "trade-show-2026".into(), count: 3 },
        Error::OwnApproval { notice: "trade-show-2026".into(), number: 2 },
        Error::refused(Refusal::BadSignature, "The bundle is not signed by the device it names.", "Ask for a new one."),
        Error::usage("No person was named.", "Pass --subject ID, --email or --phone."),
    ];
    let mut text = Vec::new();
    for e in &errors {
        // The CLI's sentence, then what the app shows in each language.
        let (cli, en, zh) = (e.to_string(), e.render(Language::En), e.render(Language::ZhCn));
        // The CLI's own usage mistakes never reach the app; they are the CLI's words.
        let usage = matches!(e, Error::Invalid(m) if *m.text == msg::USAGE);
        for line in [&cli, &en] {
            assert!(line.ends_with('.'), "every message is a sentence: {line}");
        }
        assert!(zh.ends_with('。') || usage, "every Chinese message is a sentence: {zh}");
        for line in [&cli, &en, &zh] {
            assert!(!line.to_lowercase().contains("sqlite"), "no SQLite detail: {line}");
        }
        for line in [&en, &zh] {
            assert!(!line.contains('{'), "a placeholder is left: {line}");
        }
        if !usage {
            for line in [&en, &zh] {
                assert!(!line.contains("consentry ") && !line.contains("--"), "the app names the CLI: {line}");
            }
        }
        text.push(format!("{}: {cli}\n  en: {en}\n  zh: {zh}", e.kind()));
    }
    insta::assert_snapshot!(text.join("\n"));
}
