//! The user-facing text of each error kind, snapshotted so that every change of wording is
//! a reviewable diff.

use std::path::PathBuf;

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
        Error::KeySlots { path: vault.with_extension("db.keys"), problem: "is missing".into() },
        Error::VaultDamaged { path: vault.clone() },
        Error::SchemaTooNew { found: 7, supported: 1 },
        Error::MigrationEdited { version: 1 },
        Error::Busy,
        Error::WeakPassphrase { min: 10 },
        Error::invalid("The notice text is empty.", "Register the file that holds the wording people are shown."),
        Error::NotFound {
            what: "purpose",
            key: "newsletter".into(),
            fix: "List purposes with `consentry purpose list`, or add it.",
        },
        Error::Duplicate { what: "purpose", key: "newsletter".into() },
        Error::Io {
            action: "write the key-slot file",
            path: vault.with_extension("db.keys"),
            reason: "No space left on device (os error 28)".into(),
        },
        Error::Storage { context: "append to the ledger" },
        Error::Template {
            template: "clause/retention".into(),
            language: Language::ZhCn,
            line: Some(4),
            problem: "uses `controller.nmae`, which is not defined".into(),
            fix: "Use only the variables listed in docs/templates.md, or test an optional one with {% if … %}.".into(),
        },
        Error::WrongState {
            what: "Version 2 of notice \"trade-show-2026\"".into(),
            state: "in_review",
            fix: "It is frozen while in review. Ask a reviewer to reject it (with a comment) to edit it again.".into(),
        },
        Error::LintErrors { notice: "trade-show-2026".into(), count: 3 },
        Error::OwnApproval { notice: "trade-show-2026".into(), number: 2 },
    ];
    let text: Vec<String> = errors.iter().map(|e| format!("{}: {e}", e.kind())).collect();
    for line in &text {
        assert!(line.ends_with('.'), "every message is a sentence: {line}");
        assert!(!line.to_lowercase().contains("sqlite"), "no SQLite detail: {line}");
    }
    insta::assert_snapshot!(text.join("\n"));
}
