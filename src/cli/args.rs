//! The command line, as clap parses it. Every vocabulary value is parsed here by the engine's
//! own parser (its `FromStr`, or `Language::parse_tag`), so a bad value is a usage error
//! before anything opens; ids, codes and dates are checked by the engine.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use consentry::ledger::{ConsentState, Method};
use consentry::notice::Language;
use consentry::purpose::{LegalBasis, SensitiveKind, SeparateConsent};
use consentry::rights::{Format, Identity, Provenance};
use consentry::Role;

/// Prove consent under PIPL and GDPR: an encrypted, append-only consent ledger.
#[derive(Parser, Debug)]
#[command(name = "consentry", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    /// The vault file [default: ~/.local/share/consentry/consentry.db].
    #[arg(long, global = true, env = "CONSENTRY_VAULT", value_name = "PATH")]
    pub vault: Option<PathBuf>,
    /// Who you are: the operator whose passphrase unlocks the vault.
    #[arg(long, global = true, env = "CONSENTRY_OPERATOR", value_name = "NAME")]
    pub operator: Option<String>,
    /// Print results (and errors) as JSON; the shapes are documented in docs/cli-json.md.
    #[arg(long, global = true)]
    pub json: bool,
    #[command(subcommand)]
    pub command: Command,
}

const EXIT_CODES: &str = "Exit codes: 0 ok, 1 error, 2 usage, 3 wrong passphrase, wrong recovery key, or unknown or disabled operator, 4 verification failed, 5 permission denied, 6 the notice lint found errors, 7 an import was refused (nothing written).
Secrets come from a hidden prompt, or for scripts from CONSENTRY_PASSPHRASE, CONSENTRY_NEW_PASSPHRASE and CONSENTRY_RECOVERY_KEY (see the README for the risk).";

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new vault with its first administrator and print the one-time recovery key.
    Init {
        /// The first administrator's name.
        #[arg(long, value_name = "NAME")]
        admin: String,
        /// A name for this device, shown in the ledger [default: the host name].
        #[arg(long, value_name = "NAME")]
        device: Option<String>,
    },
    /// Change your own passphrase.
    Passwd,
    /// Set a new passphrase for an operator with the recovery key.
    Recover,
    /// Manage operators (admin).
    #[command(subcommand)]
    Operator(OperatorCommand),
    /// Purposes of processing.
    #[command(subcommand)]
    Purpose(PurposeCommand),
    /// Categories of personal data.
    #[command(subcommand)]
    Category(CategoryCommand),
    /// Notice versions: the exact wording people are shown.
    #[command(subcommand)]
    Notice(NoticeCommand),
    /// Events (trade shows): create, list, close, print the kiosk form, record a paper form.
    #[command(subcommand)]
    Event(super::events::EventCommand),
    /// The organisation: make this vault headquarters, enrol, join, revoke, device status,
    /// quarantine.
    #[command(subcommand)]
    Org(super::sync::OrgCommand),
    /// Bundles between devices and headquarters: save, send, import.
    #[command(subcommand)]
    Bundle(super::sync::BundleCommand),
    /// Record that a person agreed to one or more purposes.
    Grant(CaptureArgs),
    /// Record that a person said no to one or more purposes.
    Refuse(CaptureArgs),
    /// Record that a person withdrew consent.
    Withdraw(WithdrawArgs),
    /// A person's current consent per purpose.
    Status(SubjectArgs),
    /// Every consent event about a person.
    History(SubjectArgs),
    /// Check everything the records' proof rests on (chains, checkpoints, notice hashes, the
    /// schema, the current state); exits 4 if anything is broken.
    Verify {
        /// First put back the triggers, indexes and views the migrations create and remove
        /// those nobody made (administrators; tables cannot be restored this way).
        #[arg(long)]
        restore_schema: bool,
        /// Check only what was added since the last intact verify (its chains' ends must be
        /// unchanged); without it, everything is checked again.
        #[arg(long)]
        new: bool,
    },
    /// Write an encrypted backup of the vault (administrators): a consistent copy of the
    /// database and its key-slot file, made while the vault may be in use.
    Backup {
        /// The folder to write it into (created if needed).
        #[arg(long, default_value = ".")]
        dir: std::path::PathBuf,
    },
    /// Restore a backup over --vault, after checking it opens with your passphrase, that you
    /// are an administrator in it and that it verifies; the vault it replaces is kept beside it.
    Restore {
        /// The backup's .db file (its .keys file must be beside it).
        backup: std::path::PathBuf,
    },
    /// Show the newest audit log entries.
    Audit {
        /// How many entries.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    // ---- Data-subject rights, exports, imports, retention, receipts (issue 6) ----
    /// Find a person, see, reveal, withdraw, erase, or export everything held about them.
    #[command(subcommand)]
    Subject(SubjectCommand),
    /// The suppression list: everyone who withdrew or refused a purpose.
    Suppression(SuppressionArgs),
    /// Export consents (current state per person and purpose) for CRM systems.
    Export(ExportArgs),
    /// Import historic or paper consents from a CSV file: all rows or none.
    Import(ImportArgs),
    /// Retention per purpose and the consents due for review or deletion.
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Consent and withdrawal receipts.
    #[command(subcommand)]
    Receipt(ReceiptCommand),
}

#[derive(Subcommand, Debug)]
pub enum OperatorCommand {
    /// Add an operator; their initial passphrase is asked for (or CONSENTRY_NEW_PASSPHRASE).
    Add {
        /// Their name.
        name: String,
        /// admin, legal, marketer or kiosk.
        #[arg(long)]
        role: Role,
    },
    /// List operators.
    List,
    /// Disable an operator: their passphrase stops opening the vault, and the keys are rotated.
    Disable {
        /// Their name.
        name: String,
    },
    /// Set a new passphrase for an operator (and re-enable them).
    Reset {
        /// Their name.
        name: String,
    },
    /// Rotate the data key and the personal-data key: copies of the key-slot file taken
    /// before open nothing written after. Close other Consentry windows first.
    RotateKeys,
}

#[derive(Subcommand, Debug)]
pub enum PurposeCommand {
    /// Add a purpose.
    Add(PurposeAddArgs),
    /// List purposes.
    List,
}

// `purpose add`: no doc comment here, so the subcommand keeps the variant's.
#[derive(Args, Debug)]
pub struct PurposeAddArgs {
    /// Stable code, such as event_marketing.
    pub code: String,
    /// Name in Simplified Chinese.
    #[arg(long)]
    pub zh: String,
    /// Name in English.
    #[arg(long)]
    pub en: String,
    /// Legal basis: consent, contract, hr_management, legal_obligation, vital_interest,
    /// public_interest, public_information or legitimate_interest.
    #[arg(long, default_value = "consent")]
    pub basis: LegalBasis,
    /// The purpose is necessary for the service (only then may it be required).
    #[arg(long)]
    pub necessary: bool,
    /// The separate consent it needs: sensitive, third_party, cross_border, public_disclosure or guardian.
    #[arg(long, value_name = "KIND")]
    pub separate: Option<SeparateConsent>,
    /// W3C DPV purpose, such as dpv:DirectMarketing.
    #[arg(long)]
    pub dpv: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum CategoryCommand {
    /// Add a data category.
    Add {
        /// Stable code, such as email.
        code: String,
        /// Name in Simplified Chinese.
        #[arg(long)]
        zh: String,
        /// Name in English.
        #[arg(long)]
        en: String,
        /// PIPL Art. 28 sensitive category: biometric, religion, specific_identity, health,
        /// financial_account, whereabouts, minor_under_14 or other.
        #[arg(long, value_name = "KIND")]
        sensitive: Option<SensitiveKind>,
    },
    /// List data categories.
    List,
}

#[derive(Subcommand, Debug)]
pub enum NoticeCommand {
    /// Register an existing, approved notice text (legal).
    Register {
        /// The text file (UTF-8).
        #[arg(long)]
        file: PathBuf,
        /// zh-CN or en.
        #[arg(long, value_parser = Language::parse_tag)]
        language: Language,
        /// Title.
        #[arg(long)]
        title: String,
        /// The processing profile it was written for (JSON file).
        #[arg(long)]
        profile: Option<PathBuf>,
    },
    /// List the approved wordings consent can point at, by hash.
    List,
    /// Show one approved wording with its text.
    Show {
        /// Hash (8 characters are enough) or id.
        key: String,
    },
    #[command(flatten)]
    Authoring(super::authoring::AuthoringCommand),
}

/// Who a person is, for commands that find one.
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct SubjectKeyArgs {
    /// Subject id.
    #[arg(long)]
    pub subject: Option<String>,
    /// Email address.
    #[arg(long)]
    pub email: Option<String>,
    /// Phone number.
    #[arg(long)]
    pub phone: Option<String>,
}

#[derive(Args, Debug)]
pub struct SubjectArgs {
    #[command(flatten)]
    pub key: SubjectKeyArgs,
    /// Show personal data unmasked (admin and legal; recorded in the audit log).
    #[arg(long)]
    pub reveal: bool,
}

#[derive(Args, Debug)]
pub struct CaptureArgs {
    /// Purpose code; repeat for several.
    #[arg(long = "purpose", required = true, value_name = "CODE")]
    pub purposes: Vec<String>,
    /// The notice version the person was shown: hash (8 characters are enough) or id.
    #[arg(long)]
    pub notice: String,
    /// The language shown [default: the notice's].
    #[arg(long, value_parser = Language::parse_tag)]
    pub language: Option<Language>,
    /// Person's name.
    #[arg(long)]
    pub name: Option<String>,
    /// Person's email.
    #[arg(long)]
    pub email: Option<String>,
    /// Person's phone.
    #[arg(long)]
    pub phone: Option<String>,
    /// Person's company.
    #[arg(long)]
    pub company: Option<String>,
    /// kiosk, desk, paper or import.
    #[arg(long, default_value = "desk")]
    pub method: Method,
    /// Reference such as the paper form's scan number (never personal data).
    #[arg(long, default_value = "")]
    pub evidence: String,
    /// When the person signed (RFC 3339), for paper and import records only.
    #[arg(long)]
    pub at: Option<String>,
}

#[derive(Args, Debug)]
pub struct WithdrawArgs {
    #[command(flatten)]
    pub key: SubjectKeyArgs,
    /// Purpose code; repeat for several.
    #[arg(long = "purpose", value_name = "CODE", required_unless_present = "all", conflicts_with = "all")]
    pub purposes: Vec<String>,
    /// Withdraw every purpose currently granted.
    #[arg(long)]
    pub all: bool,
    /// How it reached you: in_person, email, phone, letter, kiosk, desk or paper.
    #[arg(long, default_value = "in_person")]
    pub channel: Method,
    /// A note (never personal data).
    #[arg(long, default_value = "")]
    pub note: String,
    /// When the person withdrew (RFC 3339), for letters and emails received earlier.
    #[arg(long)]
    pub at: Option<String>,
}

// ---- Data-subject rights, exports, imports, retention, receipts (issue 6) ----

#[derive(Subcommand, Debug)]
pub enum SubjectCommand {
    /// Find people by the start of their name (or any word of it), email or phone; masked.
    Search {
        /// What to look for, such as "zhang", "张", "138" or "8000" (last four digits).
        query: String,
        /// How many people at most.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// A person's status and history (masked).
    Show(SubjectKeyOnly),
    /// Check, without unmasking, that the e-mail or phone a person gives (in full) is that of
    /// this record: prints yes or no (JSON: {"matches": true|false}).
    Confirm {
        /// The subject id (from `subject search`).
        id: String,
        /// The e-mail address or phone number, in full.
        contact: String,
    },
    /// Show a person's data unmasked (admin and legal; recorded in the audit log).
    Reveal(SubjectKeyOnly),
    /// Record a withdrawal (the same as `consentry withdraw`).
    Withdraw(WithdrawArgs),
    /// Erase a person's personal data; the ledger keeps pseudonymous proof (admin and legal).
    Erase(EraseArgs),
    /// Everything held about a person, as JSON or a readable HTML page (admin and legal).
    ExportAccess(ExportAccessArgs),
}

#[derive(Args, Debug)]
pub struct SubjectKeyOnly {
    #[command(flatten)]
    pub key: SubjectKeyArgs,
}

#[derive(Args, Debug)]
pub struct EraseArgs {
    #[command(flatten)]
    pub key: SubjectKeyArgs,
    /// How the request arrived: in_person, email, phone or letter.
    #[arg(long, default_value = "email")]
    pub channel: Method,
    /// A reference such as a ticket number (never personal data).
    #[arg(long, default_value = "")]
    pub note: String,
    /// Confirm: erasure cannot be undone.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Args, Debug)]
pub struct ExportAccessArgs {
    #[command(flatten)]
    pub key: SubjectKeyArgs,
    /// json or html.
    #[arg(long, value_enum, default_value = "json")]
    pub format: DocFormat,
    /// Write to this file (created with mode 0600) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct SuppressionArgs {
    /// csv or json.
    #[arg(long, default_value = "csv")]
    pub format: Format,
    /// Only SHA-256 of the normalised email and phone, no addresses (marketers must use this or --masked).
    #[arg(long, conflicts_with = "masked")]
    pub hash_emails: bool,
    /// Masked addresses plus their hashes.
    #[arg(long)]
    pub masked: bool,
    /// Only this purpose.
    #[arg(long, value_name = "CODE")]
    pub purpose: Option<String>,
    /// CSV for Excel: UTF-8 with a byte-order mark, so Chinese shows correctly when the file is double-clicked.
    #[arg(long)]
    pub excel: bool,
    /// Write to this file (created with mode 0600) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// csv or json.
    #[arg(long, default_value = "csv")]
    pub format: Format,
    /// Only these purposes (repeat).
    #[arg(long = "purpose", value_name = "CODE")]
    pub purposes: Vec<String>,
    /// Only these current states: granted, refused, withdrawn (repeat).
    #[arg(long = "status", value_name = "STATE")]
    pub statuses: Vec<ConsentState>,
    /// Only consents collected this way: kiosk, desk, paper, import, in_person, email, phone, letter (repeat).
    #[arg(long = "method", value_name = "METHOD")]
    pub methods: Vec<Method>,
    /// Only purposes people were asked about at this event (id from `event list`; repeat).
    #[arg(long = "event", value_name = "ID")]
    pub events: Vec<String>,
    /// Current state set at or after this time (RFC 3339 or YYYY-MM-DD).
    #[arg(long)]
    pub from: Option<String>,
    /// Current state set at or before this time (RFC 3339 or YYYY-MM-DD, the whole day).
    #[arg(long)]
    pub to: Option<String>,
    /// How people appear: masked, hashed or plain (plain: admin and legal, audited).
    #[arg(long, default_value = "masked")]
    pub identity: Identity,
    /// CSV for Excel: UTF-8 with a byte-order mark, so Chinese shows correctly when the file is double-clicked.
    #[arg(long)]
    pub excel: bool,
    /// Write to this file (created with mode 0600) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The CSV file (UTF-8, with or without a byte-order mark). Required columns: purpose, decision
    /// (grant, refuse, withdraw), captured_at (RFC 3339 or YYYY-MM-DD), and email or phone. Optional: name,
    /// company, notice (the version's hash, or name and number such as "trade-show-2026 v3" with a language
    /// column; needed for grants and refusals), language (zh-CN, en), evidence.
    pub file: PathBuf,
    /// Where the records come from: paper or import.
    #[arg(long)]
    pub provenance: Provenance,
}

#[derive(Subcommand, Debug)]
pub enum RetentionCommand {
    /// Set a purpose's review and deletion periods (admin and legal); give neither to remove the rule.
    Set {
        /// Purpose code.
        purpose: String,
        /// A grant older than this many days is due for review.
        #[arg(long)]
        review_days: Option<u32>,
        /// A state older than this many days makes the person's data due for deletion.
        #[arg(long)]
        delete_days: Option<u32>,
    },
    /// List the rules.
    List,
    /// Consents due for review or deletion now.
    Due,
}

#[derive(Subcommand, Debug)]
pub enum ReceiptCommand {
    /// Show a receipt by its id.
    Show {
        /// The 10-character receipt id.
        id: String,
        /// json or html.
        #[arg(long, value_enum, default_value = "json")]
        format: DocFormat,
        /// Write to this file (created with mode 0600) instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Print a receipt on an ESC/POS thermal printer (both languages, its QR code).
    Print {
        /// The 10-character receipt id.
        id: String,
        /// The printer's device file (such as /dev/usb/lp0); the vault's receipt printer when omitted.
        #[arg(long, value_name = "DEVICE")]
        printer: Option<PathBuf>,
    },
    /// Set the thermal printer receipts go to (admin); --clear prints them to the system's printer.
    SetPrinter {
        /// The printer's device file, such as /dev/usb/lp0.
        #[arg(required_unless_present = "clear")]
        device: Option<PathBuf>,
        /// Forget the thermal printer.
        #[arg(long, conflicts_with = "device")]
        clear: bool,
    },
}

/// A person's copy: machine-readable or printable.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocFormat {
    /// JSON (Kantara Consent Receipt and ISO/IEC TS 27560 fields).
    Json,
    /// HTML, in Simplified Chinese and English.
    Html,
}
