//! The engine's error type: every variant is something a caller can act on, and its
//! message says what happened and what to do next. Raw SQLite detail goes to `tracing`.

use std::path::PathBuf;

use crate::domain::Role;

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
    #[error("The key-slot file {path} {problem}. Without it the vault cannot be opened: restore it from your backup of the vault folder.")]
    KeySlots {
        /// The key-slot file.
        path: PathBuf,
        /// What is wrong with it.
        problem: String,
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
    /// Input that fails validation.
    #[error("{problem} {fix}")]
    Invalid {
        /// What is wrong.
        problem: String,
        /// How to fix it.
        fix: String,
    },
    /// Something named does not exist.
    #[error("No {what} \"{key}\" in this vault. {fix}")]
    NotFound {
        /// The kind of thing.
        what: &'static str,
        /// How it was named.
        key: String,
        /// What to do.
        fix: &'static str,
    },
    /// Something with that key already exists.
    #[error(
        "There is already a {what} called \"{key}\". Nothing was changed. Use another name or code, or use the existing one."
    )]
    Duplicate {
        /// The kind of thing.
        what: &'static str,
        /// Its key.
        key: String,
    },
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
    #[error("{what} is {state_text}. Nothing was changed. {fix}", state_text = state.replace('_', " "))]
    WrongState {
        /// The version.
        what: String,
        /// Its state.
        state: &'static str,
        /// What to do.
        fix: String,
    },
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
    #[error("Could not {action} {path}: {reason}. Nothing was changed. Check that the folder exists and that you may write to it.")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        reason: String,
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

    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Error::Invalid { problem: problem.into(), fix: fix.into() }
    }

    /// Shorthand for [`Error::BundleRefused`].
    pub fn refused(reason: crate::domain::Refusal, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Error::BundleRefused { reason, problem: problem.into(), fix: fix.into() }
    }

    pub(crate) fn io(action: &'static str, path: &std::path::Path, err: &std::io::Error) -> Self {
        Error::Io { action, path: path.to_path_buf(), reason: err.to_string() }
    }
}

/// Turns a SQLite error into [`Error::Storage`] (or [`Error::Busy`]) and logs the detail.
pub(crate) trait StorageContext<T> {
    fn storage(self, context: &'static str) -> Result<T>;
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
