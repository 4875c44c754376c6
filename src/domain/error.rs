//! The engine's error type: every variant is something a caller can act on, and its
//! message says what happened and what to do next. Raw SQLite detail goes to `tracing`.

use std::path::PathBuf;

use crate::domain::messages::{self as msg, Message, Text};
use crate::domain::{Language, Role};

/// Everything that can go wrong in an engine call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The passphrase does not open the operator's key slot.
    #[error("Wrong passphrase for vault {vault}. Nothing was changed. Try again or use your recovery key (consentry recover).")]
    WrongPassphrase {
        /// The vault file.
        vault: PathBuf,
    },
    /// The recovery key does not open the recovery slot.
    #[error("That recovery key does not open vault {vault}. Nothing was changed. Check it against the copy made when the vault was created.")]
    WrongRecoveryKey {
        /// The vault file.
        vault: PathBuf,
    },
    /// No operator of that name has a key slot in this vault.
    #[error("No operator named \"{name}\" can unlock vault {vault}. Check the spelling; if you were disabled or never added, ask an administrator to reset or add you.")]
    UnknownOperator {
        /// The name given.
        name: String,
        /// The vault file.
        vault: PathBuf,
    },
    /// The operator exists but was disabled by an administrator.
    #[error("Operator \"{name}\" is disabled. Ask an administrator to re-enable you or add a new operator.")]
    OperatorDisabled {
        /// The operator's name.
        name: String,
    },
    /// The caller's role may not do this.
    #[error("Permission denied: {action} needs the role {needed_text}; you are signed in as {role}. Ask an operator with that role.", needed_text = Role::list(needed))]
    PermissionDenied {
        /// What was attempted.
        action: &'static str,
        /// The caller's role.
        role: Role,
        /// Roles that may do it.
        needed: Vec<Role>,
    },
    /// There is no vault at the path.
    #[error("No vault at {path}. Create one with `consentry init`, or point --vault at an existing vault file.")]
    VaultNotFound {
        /// The vault file.
        path: PathBuf,
    },
    /// A vault (or its key slots) already exists where a new one was to be created.
    #[error("A vault already exists at {path}. Nothing was changed. Choose another --vault path, or unlock the existing vault.")]
    VaultExists {
        /// The vault file.
        path: PathBuf,
    },
    /// The key-slot file is missing or unreadable.
    #[error("The key-slot file {path} {}. Without it the vault cannot be opened: restore it from your backup of the vault folder.", problem.en)]
    KeySlots {
        /// The key-slot file.
        path: PathBuf,
        /// What is wrong with it (a term of [`msg`]).
        problem: &'static Text,
    },
    /// The key slots open, but the database does not accept the key or is damaged.
    #[error("The vault file {path} does not match its key-slot file or is damaged. Nothing was changed. Restore both files from the same backup.")]
    VaultDamaged {
        /// The vault file.
        path: PathBuf,
    },
    /// The vault was written by a newer Consentry.
    #[error("This vault has schema version {found}, but this Consentry understands up to {supported}. Nothing was changed. Install a newer Consentry to open it.")]
    SchemaTooNew {
        /// Version found in the vault.
        found: i64,
        /// Newest version this binary knows.
        supported: i64,
    },
    /// A migration already applied to the vault differs from the one in this binary.
    #[error("Migration {version} recorded in this vault differs from the one built into this Consentry. Nothing was changed. Use the Consentry release that created the vault.")]
    MigrationEdited {
        /// The migration version.
        version: i64,
    },
    /// The schema differs from what the migrations create (a trigger dropped, a view edited,
    /// an object added): the protections the records rest on may be off, so nothing is
    /// written until an administrator restores it.
    #[error("The vault's schema was changed outside Consentry ({}). Nothing was changed: Consentry writes nothing until it is restored. An administrator can restore it (Home → Verify → Restore the schema, or consentry verify --restore-schema); then run verify.", objects.join(", "))]
    SchemaAltered {
        /// The objects that differ, as `kind name`.
        objects: Vec<String>,
    },
    /// Unmasked personal data was asked for by a session whose key slot does not hold the
    /// private personal-data key (kiosk and marketer operators, by design).
    #[error("Unmasked personal data opens only with an admin or legal operator's key (or the recovery key). Nothing was changed. Ask an admin or legal operator to do this; an admin or legal operator whose sign-in does not open it yet gets it when another of them next unlocks the vault.")]
    PersonalDataSealed,
    /// Another process holds the vault.
    #[error("The vault is busy: another Consentry window or command is writing to it. Nothing was changed. Try again in a moment.")]
    Busy,
    /// A passphrase that is too weak to protect the data key.
    #[error("That passphrase is too short: use at least {min} characters (a few unrelated words work well).")]
    WeakPassphrase {
        /// Minimum length in characters.
        min: usize,
    },
    /// Input that fails validation: what is wrong and how to fix it.
    #[error("{0}")]
    Invalid(Message),
    /// Something named does not exist.
    #[error("{0}")]
    NotFound(Message),
    /// Something with that key already exists.
    #[error("{0}")]
    Duplicate(Message),
    /// A template failed to parse or render.
    #[error("Template \"{template}\" ({language}){at} {problem}. {fix}", at = line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Template {
        /// The template's name.
        template: String,
        /// The language being rendered.
        language: crate::domain::Language,
        /// The line, when known.
        line: Option<usize>,
        /// What went wrong.
        problem: String,
        /// What to do.
        fix: String,
    },
    /// A notice version is not in the state the step needs.
    #[error("{0}")]
    WrongState(Message),
    /// The lint found errors, which block review and approval.
    #[error("Notice \"{notice}\" has {count} compliance error(s), which block review and approval. Run `consentry notice lint {notice}` (or open the lint panel), fix each one, then try again.")]
    LintErrors {
        /// The notice.
        notice: String,
        /// How many errors.
        count: usize,
    },
    /// The author of a version tried to approve it.
    #[error("You wrote version {number} of notice \"{notice}\", so you cannot approve it. Nothing was changed. Another legal operator must review and approve it.")]
    OwnApproval {
        /// The notice.
        notice: String,
        /// The version.
        number: i64,
    },
    /// A bundle or enrolment file was refused before anything of it was imported.
    #[error("{problem} Nothing was imported. {fix}")]
    BundleRefused {
        /// Why, as a stable code.
        reason: crate::domain::Refusal,
        /// What is wrong with the file.
        problem: String,
        /// What to do.
        fix: String,
    },
    /// A file could not be read or written.
    #[error("Could not {} {path}: {reason}. Nothing was changed. Check that the folder exists and that you may write to it.", action.en)]
    Io {
        /// What was being done (a term of [`msg`]).
        action: &'static Text,
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        reason: std::io::ErrorKind,
    },
    /// The database failed in a way the user cannot fix by changing input.
    #[error("The vault could not complete \"{context}\". Nothing was changed. If this repeats, run `consentry verify` and keep a copy of the vault folder for support.")]
    Storage {
        /// What was being done.
        context: &'static str,
    },
}

/// A shorthand for results of engine calls.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A stable, machine-readable name for the kind of error (used by the CLI's JSON
    /// output and the desktop app's `{ kind, message }`).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::WrongPassphrase { .. } => "wrong_passphrase",
            Error::WrongRecoveryKey { .. } => "wrong_recovery_key",
            Error::UnknownOperator { .. } => "unknown_operator",
            Error::OperatorDisabled { .. } => "operator_disabled",
            Error::PermissionDenied { .. } => "permission_denied",
            Error::VaultNotFound { .. } => "vault_not_found",
            Error::VaultExists { .. } => "vault_exists",
            Error::KeySlots { .. } => "key_slots",
            Error::VaultDamaged { .. } => "vault_damaged",
            Error::SchemaTooNew { .. } => "schema_too_new",
            Error::MigrationEdited { .. } => "migration_edited",
            Error::SchemaAltered { .. } => "schema_altered",
            Error::PersonalDataSealed => "personal_data_sealed",
            Error::Busy => "busy",
            Error::WeakPassphrase { .. } => "weak_passphrase",
            Error::Invalid { .. } => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::Duplicate { .. } => "duplicate",
            Error::Template { .. } => "template",
            Error::WrongState { .. } => "wrong_state",
            Error::LintErrors { .. } => "lint_errors",
            Error::OwnApproval { .. } => "own_approval",
            Error::BundleRefused { .. } => "bundle_refused",
            Error::Io { .. } => "io",
            Error::Storage { .. } => "storage",
        }
    }

    /// A usage mistake on the command line (the CLI's own input; never reaches the app).
    pub fn usage(problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Error::Invalid(msg::USAGE.with("problem", problem.into()).with("fix", fix.into()))
    }

    /// What the error says, in either language, without naming command-line syntax: what the
    /// desktop app shows. (`Display` is the CLI's English sentence, which may name commands.)
    pub fn message(&self) -> Message {
        let m = Message::from;
        match self {
            Error::WrongPassphrase { .. } => m(&msg::WRONG_PASSPHRASE),
            Error::WrongRecoveryKey { .. } => m(&msg::WRONG_RECOVERY_KEY),
            Error::UnknownOperator { name, .. } => msg::UNKNOWN_OPERATOR.with("name", name),
            Error::OperatorDisabled { name } => msg::OPERATOR_DISABLED.with("name", name),
            Error::PermissionDenied { role, needed, .. } => m(&msg::PERMISSION_DENIED)
                .term("role", msg::role(*role))
                .terms("needed", needed.iter().map(|r| msg::role(*r)).collect()),
            Error::VaultNotFound { path } => msg::VAULT_NOT_FOUND.with("path", path.display()),
            Error::VaultExists { path } => msg::VAULT_EXISTS.with("path", path.display()),
            Error::KeySlots { path, problem } => msg::KEY_SLOTS.with("path", path.display()).term("problem", problem),
            Error::VaultDamaged { path } => msg::VAULT_DAMAGED.with("path", path.display()),
            Error::SchemaTooNew { found, supported } => {
                msg::SCHEMA_TOO_NEW.with("found", found).with("supported", supported)
            }
            Error::MigrationEdited { version } => msg::MIGRATION_EDITED.with("version", version),
            Error::SchemaAltered { objects } => msg::SCHEMA_ALTERED.with("objects", objects.join(", ")),
            Error::PersonalDataSealed => m(&msg::PERSONAL_DATA_SEALED),
            Error::Busy => m(&msg::BUSY),
            Error::WeakPassphrase { min } => msg::WEAK_PASSPHRASE.with("min", min),
            Error::Invalid(message)
            | Error::NotFound(message)
            | Error::Duplicate(message)
            | Error::WrongState(message) => message.clone(),
            Error::Template { template, language, line, problem, .. } => msg::TEMPLATE
                .with("template", template)
                .term("language", msg::language(*language))
                .with("line", line.map_or(String::from("–"), |l| l.to_string()))
                .with("problem", problem),
            Error::LintErrors { notice, count } => msg::LINT_ERRORS.with("notice", notice).with("count", count),
            Error::OwnApproval { notice, number } => msg::OWN_APPROVAL.with("notice", notice).with("number", number),
            Error::BundleRefused { reason, .. } => m(msg::refusal(*reason)),
            Error::Io { action, path, reason, .. } => {
                msg::IO.term("action", action).with("path", path.display()).term("why", msg::io_reason(reason))
            }
            Error::Storage { .. } => m(&msg::STORAGE),
        }
    }

    /// [`Error::message`] in `language`.
    pub fn render(&self, language: Language) -> String {
        self.message().render(language)
    }

    /// Shorthand for [`Error::BundleRefused`].
    pub fn refused(reason: crate::domain::Refusal, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Error::BundleRefused { reason, problem: problem.into(), fix: fix.into() }
    }

    pub(crate) fn io(action: &'static Text, path: &std::path::Path, err: &std::io::Error) -> Self {
        Error::Io { action, path: path.to_path_buf(), reason: err.kind() }
    }
}

/// Turns a SQLite error into [`Error::Storage`] (or [`Error::Busy`]) and logs the detail.
pub(crate) trait StorageContext<T> {
    fn storage(self, context: &'static str) -> Result<T>;
}

impl From<Message> for Error {
    /// A message on its own is an [`Error::Invalid`].
    fn from(m: Message) -> Self {
        Error::Invalid(m)
    }
}

impl From<&'static Text> for Error {
    fn from(t: &'static Text) -> Self {
        Error::Invalid(Message::from(t))
    }
}

impl<T> StorageContext<T> for std::result::Result<T, rusqlite::Error> {
    fn storage(self, context: &'static str) -> Result<T> {
        self.map_err(|err| {
            if let rusqlite::Error::SqliteFailure(code, _) = &err {
                if matches!(code.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) {
                    return Error::Busy;
                }
            }
            tracing::error!(context, error = %err, "storage failure");
            Error::Storage { context }
        })
    }
}
