//! The transport enums: every vocabulary value that crosses the IPC boundary, as a specta
//! enum (the bindings show string-literal unions, not `string`). Each one mirrors an engine
//! enum with exhaustive conversions both ways, so a new engine variant breaks this build
//! until it is given its wire name here. The engine's own types stay free of serde/specta.
//!
//! Wire strings are exactly the engine's stored names (`as_str()`, `Action::name()`,
//! `Error::kind()`); the tests below check that.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use specta::Type;

use consentry::capture::PersonField as EPersonField;
use consentry::checkpoint::Log as ELog;
use consentry::domain::Refusal as ERefusal;
use consentry::ledger::{ConsentState as EConsentState, EventKind as EEventKind, Method as EMethod};
use consentry::notice::diff::MaterialKind as EMaterialKind;
use consentry::notice::lint::Severity as ESeverity;
use consentry::notice::template::TemplateKind as ETemplateKind;
use consentry::notice::workflow::State as ENoticeState;
use consentry::notice::Language as ELanguage;
use consentry::purpose::{
    LegalBasis as ELegalBasis, SensitiveKind as ESensitiveKind, SeparateConsent as ESeparateConsent,
};
use consentry::rights::{Due as EDue, Format as EFormat, Identity as EIdentity, Provenance as EProvenance};
use consentry::subject::MatchedOn as EMatchedOn;
use consentry::{Action as EAction, Role as ERole};

/// Declares a transport enum: serde/specta derives, per-variant wire names, `ALL`,
/// `as_str`, and (with `<=> Engine`) exhaustive `From` conversions both ways.
macro_rules! transport {
    ($(#[$m:meta])* $name:ident <=> $engine:ident { $($(#[$vm:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        transport!($(#[$m])* $name { $($(#[$vm])* $variant => $text),+ });

        impl From<$engine> for $name {
            fn from(v: $engine) -> Self {
                match v { $($engine::$variant => $name::$variant),+ }
            }
        }
        impl From<$name> for $engine {
            fn from(v: $name) -> Self {
                match v { $($name::$variant => $engine::$variant),+ }
            }
        }
    };
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Type)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $text)] $variant),+ }

        impl $name {
            /// Every value, in the engine's order.
            #[allow(dead_code)]
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The wire (and stored) name.
            #[allow(dead_code)]
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
    };
}

transport!(
    /// An operator's role.
    Role <=> ERole {
        Admin => "admin",
        Legal => "legal",
        Marketer => "marketer",
        Kiosk => "kiosk",
    }
);

transport!(
    /// Every action of the engine's permission table, by its audit name.
    ActionName <=> EAction {
        ManageOperators => "operator.manage",
        ListOperators => "operator.list",
        ManageCatalogue => "catalogue.manage",
        ReadCatalogue => "catalogue.read",
        RegisterNotice => "notice.register",
        ReadNotices => "notice.read",
        Capture => "consent.capture",
        Withdraw => "consent.withdraw",
        ReadConsents => "consent.read",
        RevealSubject => "subject.reveal",
        Verify => "vault.verify",
        RestoreSchema => "vault.restore_schema",
        ReadAudit => "audit.read",
        ChangeOwnPassphrase => "operator.passphrase_change",
        ManageSettings => "settings.change",
        ReadSettings => "settings.read",
        DraftNotice => "notice.draft",
        ReviewNotice => "notice.review",
        ManageTemplates => "template.manage",
        ReadDrafts => "notice.read_drafts",
        ShowReceipt => "receipt.show",
        ExportAccess => "subject.export_access",
        EraseSubject => "subject.erase",
        ExportSuppression => "suppression.export",
        ExportConsents => "consent.export",
        ImportConsents => "consent.import",
        ManageRetention => "retention.change",
        ReadRetention => "retention.read",
        ManageEvents => "event.manage",
        ReopenEvent => "event.reopen",
        ReadEventStats => "event.stats",
        ReadEvents => "event.read",
        LeaveKiosk => "kiosk.leave",
        ManageOrganisation => "organisation.manage",
        ReadSync => "sync.read",
        ExportDeviceBundle => "bundle.export_device",
        ImportHqBundle => "bundle.import_hq",
        ExportHqBundle => "bundle.export_hq",
        ImportDeviceBundle => "bundle.import_device",
        BackupVault => "vault.backup",
    }
);

impl ActionName {
    /// What `role` may do, from the engine's permission table.
    pub fn allowed(role: ERole) -> Vec<ActionName> {
        EAction::ALL.into_iter().filter(|a| a.allows(role)).map(ActionName::from).collect()
    }
}

transport!(
    /// A person's consent state for one purpose.
    ConsentState <=> EConsentState {
        Granted => "granted",
        Refused => "refused",
        Withdrawn => "withdrawn",
    }
);

transport!(
    /// What a search result was found by.
    MatchedOn <=> EMatchedOn {
        Name => "name",
        Email => "email",
        WholeEmail => "whole_email",
        Phone => "phone",
        PhoneEnd => "phone_end",
        Receipt => "receipt",
        Domain => "domain",
    }
);

transport!(
    /// What a ledger event records.
    EventKind <=> EEventKind {
        Grant => "grant",
        Refuse => "refuse",
        Withdraw => "withdraw",
    }
);

transport!(
    /// How a consent (or withdrawal) was collected: the method, or a withdrawal's channel.
    Method <=> EMethod {
        Kiosk => "kiosk",
        Desk => "desk",
        Paper => "paper",
        Import => "import",
        InPerson => "in_person",
        Email => "email",
        Phone => "phone",
        Letter => "letter",
    }
);

/// The channels a withdrawal (or erasure request) can come in by, in the order shown.
pub const WITHDRAWAL_CHANNELS: [Method; 5] =
    [Method::InPerson, Method::Email, Method::Phone, Method::Letter, Method::Kiosk];

transport!(
    /// A language notices are written in.
    Language <=> ELanguage {
        ZhCn => "zh-CN",
        En => "en",
    }
);

transport!(
    /// A purpose's legal basis.
    LegalBasis <=> ELegalBasis {
        Consent => "consent",
        Contract => "contract",
        HrManagement => "hr_management",
        LegalObligation => "legal_obligation",
        VitalInterest => "vital_interest",
        PublicInterest => "public_interest",
        PublicInformation => "public_information",
        LegitimateInterest => "legitimate_interest",
    }
);

transport!(
    /// The kind of separate consent a purpose needs.
    SeparateConsent <=> ESeparateConsent {
        Sensitive => "sensitive",
        ThirdParty => "third_party",
        CrossBorder => "cross_border",
        PublicDisclosure => "public_disclosure",
        Guardian => "guardian",
    }
);

transport!(
    /// A PIPL Art. 28 sensitive category.
    SensitiveKind <=> ESensitiveKind {
        Biometric => "biometric",
        Religion => "religion",
        SpecificIdentity => "specific_identity",
        Health => "health",
        FinancialAccount => "financial_account",
        Whereabouts => "whereabouts",
        MinorUnder14 => "minor_under_14",
        Other => "other",
    }
);

transport!(
    /// A field of the capture form about the person.
    PersonField <=> EPersonField {
        Name => "name",
        Email => "email",
        Phone => "phone",
        Company => "company",
        JobTitle => "job_title",
    }
);

transport!(
    /// A notice version's state.
    NoticeState <=> ENoticeState {
        Draft => "draft",
        InReview => "in_review",
        Approved => "approved",
        Retired => "retired",
    }
);

transport!(
    /// What kind of change to the processing a new notice version makes.
    MaterialKind <=> EMaterialKind {
        PurposeAdded => "purpose_added",
        PurposeChanged => "purpose_changed",
        PurposeRemoved => "purpose_removed",
        SensitiveCategoryAdded => "sensitive_category_added",
        CategoryAdded => "category_added",
        RecipientAdded => "recipient_added",
        RecipientWidened => "recipient_widened",
        TransferAdded => "transfer_added",
        TransferWidened => "transfer_widened",
        RetentionLonger => "retention_longer",
        MinorsInScope => "minors_in_scope",
        PublicDisclosure => "public_disclosure",
        ControllerChanged => "controller_changed",
    }
);

transport!(
    /// A template's kind.
    TemplateKind <=> ETemplateKind {
        Notice => "notice",
        Clause => "clause",
    }
);

transport!(
    /// A file format for the suppression list and consent export.
    Format <=> EFormat {
        Csv => "csv",
        Json => "json",
    }
);

transport!(
    /// How people are shown in exports.
    Identity <=> EIdentity {
        Masked => "masked",
        Hashed => "hashed",
        Plain => "plain",
    }
);

transport!(
    /// Where imported consents come from.
    Provenance <=> EProvenance {
        Paper => "paper",
        Import => "import",
    }
);

transport!(
    /// What a retention rule says is due.
    Due <=> EDue {
        Review => "review",
        Delete => "delete",
    }
);

transport!(
    /// A lint finding's severity.
    Severity <=> ESeverity {
        Error => "error",
        Warning => "warning",
    }
);

transport!(
    /// A document format for receipts and the access export.
    DocFormat {
        Html => "html",
        Json => "json",
    }
);

transport!(
    /// A review packet's format.
    PacketFormat {
        Html => "html",
        Docx => "docx",
    }
);

transport!(
    /// A workflow step on a notice (and a review comment's verdict).
    ReviewStep {
        Comment => "comment",
        Submit => "submit",
        Approve => "approve",
        Reject => "reject",
        Retire => "retire",
    }
);

impl ReviewStep {
    /// A stored verdict; unknown ones read as comments.
    pub fn of_verdict(v: &str) -> ReviewStep {
        ReviewStep::ALL.iter().copied().find(|s| s.as_str() == v).unwrap_or(ReviewStep::Comment)
    }
}

transport!(
    /// What a box of the capture form asks: a purpose, or a kind of separate consent.
    ControlKind {
        Purpose => "purpose",
        Sensitive => "sensitive",
        ThirdParty => "third_party",
        CrossBorder => "cross_border",
        PublicDisclosure => "public_disclosure",
        Guardian => "guardian",
    }
);

impl ControlKind {
    /// The engine's control kind: `purpose` or a [`SeparateConsent`] name.
    pub fn of(kind: &str) -> ControlKind {
        ControlKind::ALL.iter().copied().find(|k| k.as_str() == kind).unwrap_or(ControlKind::Purpose)
    }
}

impl From<SeparateConsent> for ControlKind {
    fn from(s: SeparateConsent) -> Self {
        match s {
            SeparateConsent::Sensitive => ControlKind::Sensitive,
            SeparateConsent::ThirdParty => ControlKind::ThirdParty,
            SeparateConsent::CrossBorder => ControlKind::CrossBorder,
            SeparateConsent::PublicDisclosure => ControlKind::PublicDisclosure,
            SeparateConsent::Guardian => ControlKind::Guardian,
        }
    }
}

transport!(
    /// How a block of notice text is shown.
    BlockKind {
        H1 => "h1",
        H2 => "h2",
        H3 => "h3",
        P => "p",
        Li => "li",
        Quote => "quote",
    }
);

transport!(
    /// A piece of a text diff.
    DiffOp {
        Equal => "equal",
        Insert => "insert",
        Delete => "delete",
    }
);

transport!(
    /// Why a bundle or enrolment file was refused (an [`ApiError`](crate::ApiError) of kind
    /// `bundle_refused` carries it).
    Refusal <=> ERefusal {
        NotABundle => "not_a_bundle",
        UnknownFormat => "unknown_format",
        TooLarge => "too_large",
        WrongReceiver => "wrong_receiver",
        UnknownSender => "unknown_sender",
        RevokedSender => "revoked_sender",
        BadSignature => "bad_signature",
        Truncated => "truncated",
        Tampered => "tampered",
        WrongKind => "wrong_kind",
        BadCheckpoint => "bad_checkpoint",
        NotEnrolled => "not_enrolled",
    }
);

transport!(
    /// Which of a device's two chains (a fork names one).
    ChainLog <=> ELog {
        Ledger => "ledger",
        Audit => "audit",
    }
);

transport!(
    /// Why the vault locked by itself.
    LockReason {
        Idle => "idle",
    }
);

transport!(
    /// The stable kind of an [`ApiError`](crate::ApiError): every engine `Error::kind()`,
    /// and the desktop's own.
    ErrorKind {
        WrongPassphrase => "wrong_passphrase",
        WrongRecoveryKey => "wrong_recovery_key",
        UnknownOperator => "unknown_operator",
        OperatorDisabled => "operator_disabled",
        PermissionDenied => "permission_denied",
        VaultNotFound => "vault_not_found",
        VaultExists => "vault_exists",
        KeySlots => "key_slots",
        VaultDamaged => "vault_damaged",
        SchemaTooNew => "schema_too_new",
        MigrationEdited => "migration_edited",
        SchemaAltered => "schema_altered",
        PersonalDataSealed => "personal_data_sealed",
        Busy => "busy",
        WeakPassphrase => "weak_passphrase",
        Invalid => "invalid",
        NotFound => "not_found",
        Duplicate => "duplicate",
        Template => "template",
        WrongState => "wrong_state",
        LintErrors => "lint_errors",
        OwnApproval => "own_approval",
        BundleRefused => "bundle_refused",
        Io => "io",
        Storage => "storage",
        /// The vault is locked.
        Locked => "locked",
        /// The vault is already unlocked.
        AlreadyUnlocked => "already_unlocked",
        /// Kiosk mode is not running.
        KioskClosed => "kiosk_closed",
        /// A bug or a poisoned lock in the desktop shell.
        Internal => "internal",
    }
);

impl ErrorKind {
    /// The kind for an engine `Error::kind()` string (every one has a variant; see the test).
    pub fn of(kind: &str) -> ErrorKind {
        ErrorKind::ALL.iter().copied().find(|k| k.as_str() == kind).unwrap_or(ErrorKind::Internal)
    }
}

/// The option lists the UI renders, and the limits it checks before sending a file, exported
/// to the bindings as the `VOCABULARY` constant so no screen keeps its own copy.
#[derive(Serialize, Type)]
pub struct Vocabulary {
    pub roles: Vec<Role>,
    pub consent_states: Vec<ConsentState>,
    pub methods: Vec<Method>,
    pub withdrawal_channels: Vec<Method>,
    pub languages: Vec<Language>,
    pub legal_bases: Vec<LegalBasis>,
    pub separate_consents: Vec<SeparateConsent>,
    pub sensitive_kinds: Vec<SensitiveKind>,
    pub person_fields: Vec<PersonField>,
    pub formats: Vec<Format>,
    pub identities: Vec<Identity>,
    pub provenances: Vec<Provenance>,
    pub notice_states: Vec<NoticeState>,
    pub template_kinds: Vec<TemplateKind>,
    /// Profile `frameworks` values (free strings in the profile file).
    pub frameworks: Vec<String>,
    /// Transfer mechanism codes for a profile's cross-border transfers.
    pub transfer_mechanisms: Vec<String>,
    /// The section marks a template heading may carry (`{: #withdrawal}`), for the clause form.
    pub section_marks: Vec<String>,
    /// The largest bundle the engine reads (a larger file is refused unread).
    pub bundle_max_bytes: u64,
    /// The shortest passphrase the engine accepts, in characters.
    pub min_passphrase_chars: u32,
    /// Every sentence and term the engine and this shell say, by code, in both languages:
    /// the table the UI renders an error's `text` from.
    pub messages: BTreeMap<String, MessageText>,
}

/// One sentence or term in both languages, `{name}` marking a placeholder.
#[derive(Serialize, Type)]
pub struct MessageText {
    pub en: String,
    pub zh: String,
}

impl Vocabulary {
    pub fn new() -> Self {
        Vocabulary {
            roles: Role::ALL.to_vec(),
            consent_states: ConsentState::ALL.to_vec(),
            methods: Method::ALL.to_vec(),
            withdrawal_channels: WITHDRAWAL_CHANNELS.to_vec(),
            languages: Language::ALL.to_vec(),
            legal_bases: LegalBasis::ALL.to_vec(),
            separate_consents: SeparateConsent::ALL.to_vec(),
            sensitive_kinds: SensitiveKind::ALL.to_vec(),
            person_fields: PersonField::ALL.to_vec(),
            formats: Format::ALL.to_vec(),
            identities: Identity::ALL.to_vec(),
            provenances: Provenance::ALL.to_vec(),
            notice_states: NoticeState::ALL.to_vec(),
            template_kinds: TemplateKind::ALL.to_vec(),
            frameworks: consentry::notice::profile::FRAMEWORKS.iter().map(|f| f.to_string()).collect(),
            transfer_mechanisms: consentry::notice::context::MECHANISMS.iter().map(|m| m.to_string()).collect(),
            section_marks: consentry::notice::lint::section_marks().map(String::from).collect(),
            bundle_max_bytes: consentry::bundle::envelope::MAX_BYTES,
            min_passphrase_chars: u32::try_from(consentry::vault::MIN_PASSPHRASE_CHARS).unwrap_or(u32::MAX),
            messages: consentry::domain::messages::all()
                .into_iter()
                .map(|t| (t.code(), MessageText { en: t.en.to_string(), zh: t.zh.to_string() }))
                .collect(),
        }
    }
}

#[cfg(test)]
#[path = "vocab_tests.rs"]
mod tests;
