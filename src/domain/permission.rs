//! Who may do what: operators' roles, every action an operator can ask the engine for, and
//! the permission table between them, in one place. The engine checks it on every call
//! (`Session`), and the front doors show each operator only what this table allows.

use std::fmt;
use std::str::FromStr;

use unicode_normalization::UnicodeNormalization;

use crate::domain::error::{Error, Result};
use crate::domain::ids::OperatorId;
use crate::domain::messages as msg;

/// An operator's role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Operators, settings, keys.
    Admin,
    /// Drafts, reviews and approves notices; full read.
    Legal,
    /// Events, capture, withdrawals; masked read.
    Marketer,
    /// Capture only.
    Kiosk,
}

impl Role {
    /// Every role, in order.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Legal, Role::Marketer, Role::Kiosk];

    /// The role's name as stored and typed.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Legal => "legal",
            Role::Marketer => "marketer",
            Role::Kiosk => "kiosk",
        }
    }

    pub(crate) fn list(roles: &[Role]) -> String {
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        match names.len() {
            0 => "(none)".into(),
            1 => names[0].into(),
            n => format!("{} or {}", names[..n - 1].join(", "), names[n - 1]),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim().to_ascii_lowercase()).ok_or_else(|| {
            Error::from(msg::NOT_ONE_OF.with("value", s.trim()).with("options", "admin, legal, marketer, kiosk"))
        })
    }
}

/// Everything an operator can ask the engine to do, for the permission check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Add, disable or reset operators.
    ManageOperators,
    /// List operators.
    ListOperators,
    /// Add purposes and data categories.
    ManageCatalogue,
    /// Read purposes and data categories.
    ReadCatalogue,
    /// Register an approved notice version.
    RegisterNotice,
    /// Read notice versions.
    ReadNotices,
    /// Record grants and refusals.
    Capture,
    /// Record withdrawals.
    Withdraw,
    /// Read status and history (masked).
    ReadConsents,
    /// Show a person's personal data unmasked.
    RevealSubject,
    /// Verify the ledger and audit chains.
    Verify,
    /// Put back the triggers, indexes and views the migrations create.
    RestoreSchema,
    /// Read the audit log.
    ReadAudit,
    /// Change one's own passphrase.
    ChangeOwnPassphrase,
    /// Change vault settings such as the idle lock.
    ManageSettings,
    /// Read vault settings.
    ReadSettings,
    /// Write processing profiles and notice drafts, and submit them for review.
    DraftNotice,
    /// Comment on, approve, reject and retire notice versions.
    ReviewNotice,
    /// Edit templates and the clause library.
    ManageTemplates,
    /// Read drafts, profiles, templates and review packets.
    ReadDrafts,
    /// Show a consent or withdrawal receipt by its id.
    ShowReceipt,
    /// Export everything held about one person (PIPL Art. 45, GDPR Art. 15), unmasked.
    ExportAccess,
    /// Erase a person's personal data (PIPL Art. 47, GDPR Art. 17).
    EraseSubject,
    /// Export the suppression list (who withdrew or refused).
    ExportSuppression,
    /// Export consents for CRM systems.
    ExportConsents,
    /// Import historic or paper consents from CSV.
    ImportConsents,
    /// Set retention rules per purpose.
    ManageRetention,
    /// Read retention rules and the list of consents due for review or deletion.
    ReadRetention,
    /// Create and close events (trade shows).
    ManageEvents,
    /// Read events.
    ReadEvents,
    /// Reopen a closed event (undoes a close; admin only, audited).
    ReopenEvent,
    /// Read an event's figures: people per day and device, answers per purpose, withdrawals.
    ReadEventStats,
    /// Leave kiosk mode (the operator who confirms with their passphrase needs this role).
    LeaveKiosk,
    /// Make this vault the headquarters, enrol and revoke devices, join an organisation,
    /// resolve quarantined entries.
    ManageOrganisation,
    /// Read the organisation: devices, checkpoints, what is not yet sent, quarantine.
    ReadSync,
    /// Save a device bundle for headquarters (consents and the people they are about).
    ExportDeviceBundle,
    /// Load a headquarters bundle on a device (wording, events, acknowledgements).
    ImportHqBundle,
    /// Save a headquarters bundle for a device.
    ExportHqBundle,
    /// Import device bundles at headquarters.
    ImportDeviceBundle,
    /// Write an encrypted backup of the vault, or restore one.
    BackupVault,
}

impl Action {
    /// Every action, for table-driven checks.
    pub const ALL: [Action; 40] = [
        Action::ManageOperators,
        Action::ListOperators,
        Action::ManageCatalogue,
        Action::ReadCatalogue,
        Action::RegisterNotice,
        Action::ReadNotices,
        Action::Capture,
        Action::Withdraw,
        Action::ReadConsents,
        Action::RevealSubject,
        Action::Verify,
        Action::RestoreSchema,
        Action::ReadAudit,
        Action::ChangeOwnPassphrase,
        Action::ManageSettings,
        Action::ReadSettings,
        Action::DraftNotice,
        Action::ReviewNotice,
        Action::ManageTemplates,
        Action::ReadDrafts,
        Action::ShowReceipt,
        Action::ExportAccess,
        Action::EraseSubject,
        Action::ExportSuppression,
        Action::ExportConsents,
        Action::ImportConsents,
        Action::ManageRetention,
        Action::ReadRetention,
        Action::ManageEvents,
        Action::ReadEvents,
        Action::ReopenEvent,
        Action::ReadEventStats,
        Action::LeaveKiosk,
        Action::ManageOrganisation,
        Action::ReadSync,
        Action::ExportDeviceBundle,
        Action::ImportHqBundle,
        Action::ExportHqBundle,
        Action::ImportDeviceBundle,
        Action::BackupVault,
    ];

    /// The roles that may do this: the permission table.
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::ManageOperators | Action::ListOperators | Action::ManageSettings => &[Admin],
            Action::ManageCatalogue => &[Admin, Legal],
            Action::ReadCatalogue | Action::ReadNotices | Action::ChangeOwnPassphrase | Action::ReadSettings => {
                &[Admin, Legal, Marketer, Kiosk]
            }
            Action::RegisterNotice | Action::DraftNotice | Action::ReviewNotice | Action::ManageTemplates => &[Legal],
            Action::ReadDrafts => &[Admin, Legal],
            Action::Capture => &[Marketer, Kiosk],
            // Withdrawal must be as easy as the grant: everyone who meets a person may record it.
            Action::Withdraw => &[Admin, Legal, Marketer, Kiosk],
            Action::ReadConsents | Action::Verify => &[Admin, Legal, Marketer],
            Action::RevealSubject | Action::ReadAudit => &[Admin, Legal],
            Action::RestoreSchema => &[Admin],
            // The person's copy: whoever recorded it (a kiosk too) may print it again.
            Action::ShowReceipt => &[Admin, Legal, Marketer, Kiosk],
            Action::ExportAccess | Action::EraseSubject | Action::ManageRetention => &[Admin, Legal],
            // Marketers get these masked or hashed only; unmasked also needs RevealSubject.
            Action::ExportSuppression | Action::ExportConsents | Action::ReadRetention => &[Admin, Legal, Marketer],
            // Paper forms come back from the stand with marketers; legal brings historic records.
            Action::ImportConsents => &[Legal, Marketer],
            // Marketers create and run events; admins may set one up for them.
            Action::ManageEvents => &[Admin, Marketer],
            // A kiosk operator picks the event whose kiosk to start (events hold no personal data).
            Action::ReadEvents => &[Admin, Legal, Marketer, Kiosk],
            Action::ReopenEvent => &[Admin],
            Action::ReadEventStats => &[Admin, Legal, Marketer],
            // The kiosk stays a kiosk: only staff who may see more may take the device back.
            Action::LeaveKiosk => &[Admin, Legal, Marketer],
            Action::ManageOrganisation => &[Admin],
            Action::ReadSync => &[Admin, Legal, Marketer],
            // At the show, marketers take the device's consents home; never the kiosk.
            Action::ExportDeviceBundle | Action::ImportHqBundle => &[Admin, Marketer],
            // At headquarters, the people who answer for the merged data.
            Action::ExportHqBundle | Action::ImportDeviceBundle => &[Admin, Legal],
            Action::BackupVault => &[Admin],
        }
    }

    /// Whether `role` may do this.
    pub fn allows(self, role: Role) -> bool {
        self.roles().contains(&role)
    }

    /// The name written to the audit log.
    pub fn name(self) -> &'static str {
        match self {
            Action::ManageOperators => "operator.manage",
            Action::ListOperators => "operator.list",
            Action::ManageCatalogue => "catalogue.manage",
            Action::ReadCatalogue => "catalogue.read",
            Action::RegisterNotice => "notice.register",
            Action::ReadNotices => "notice.read",
            Action::Capture => "consent.capture",
            Action::Withdraw => "consent.withdraw",
            Action::ReadConsents => "consent.read",
            Action::RevealSubject => "subject.reveal",
            Action::Verify => "vault.verify",
            Action::RestoreSchema => "vault.restore_schema",
            Action::ReadAudit => "audit.read",
            Action::ChangeOwnPassphrase => "operator.passphrase_change",
            Action::ManageSettings => "settings.change",
            Action::ReadSettings => "settings.read",
            Action::DraftNotice => "notice.draft",
            Action::ReviewNotice => "notice.review",
            Action::ManageTemplates => "template.manage",
            Action::ReadDrafts => "notice.read_drafts",
            Action::ShowReceipt => "receipt.show",
            Action::ExportAccess => "subject.export_access",
            Action::EraseSubject => "subject.erase",
            Action::ExportSuppression => "suppression.export",
            Action::ExportConsents => "consent.export",
            Action::ImportConsents => "consent.import",
            Action::ManageRetention => "retention.change",
            Action::ReadRetention => "retention.read",
            Action::ManageEvents => "event.manage",
            Action::ReadEvents => "event.read",
            Action::ReopenEvent => "event.reopen",
            Action::ReadEventStats => "event.stats",
            Action::LeaveKiosk => "kiosk.leave",
            Action::ManageOrganisation => "organisation.manage",
            Action::ReadSync => "sync.read",
            Action::ExportDeviceBundle => "bundle.export_device",
            Action::ImportHqBundle => "bundle.import_hq",
            Action::ExportHqBundle => "bundle.export_hq",
            Action::ImportDeviceBundle => "bundle.import_device",
            Action::BackupVault => "vault.backup",
        }
    }

    /// A few words for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            Action::ManageOperators => "managing operators",
            Action::ListOperators => "listing operators",
            Action::ManageCatalogue => "adding purposes and data categories",
            Action::ReadCatalogue => "reading purposes and data categories",
            Action::RegisterNotice => "registering a notice version",
            Action::ReadNotices => "reading notices",
            Action::Capture => "recording grants and refusals",
            Action::Withdraw => "recording withdrawals",
            Action::ReadConsents => "reading consent status and history",
            Action::RevealSubject => "revealing unmasked personal data",
            Action::Verify => "verifying the ledger",
            Action::RestoreSchema => "restoring the vault's schema",
            Action::ReadAudit => "reading the audit log",
            Action::ChangeOwnPassphrase => "changing your passphrase",
            Action::ManageSettings => "changing vault settings",
            Action::ReadSettings => "reading vault settings",
            Action::DraftNotice => "drafting notices and processing profiles",
            Action::ReviewNotice => "reviewing, approving and retiring notices",
            Action::ManageTemplates => "editing templates and clauses",
            Action::ReadDrafts => "reading notice drafts, profiles and templates",
            Action::ShowReceipt => "showing a receipt",
            Action::ExportAccess => "exporting everything held about a person",
            Action::EraseSubject => "erasing a person's data",
            Action::ExportSuppression => "exporting the suppression list",
            Action::ExportConsents => "exporting consents",
            Action::ImportConsents => "importing consents",
            Action::ManageRetention => "setting retention rules",
            Action::ReadRetention => "reading retention rules and due consents",
            Action::ManageEvents => "creating and closing events",
            Action::ReadEvents => "reading events",
            Action::ReopenEvent => "reopening a closed event",
            Action::ReadEventStats => "reading an event's figures",
            Action::LeaveKiosk => "leaving kiosk mode",
            Action::ManageOrganisation => "managing headquarters and its devices",
            Action::ReadSync => "reading the devices and what is not yet sent",
            Action::ExportDeviceBundle => "saving a bundle for headquarters",
            Action::ImportHqBundle => "loading a bundle from headquarters",
            Action::ExportHqBundle => "saving a bundle for a device",
            Action::ImportDeviceBundle => "importing device bundles",
            Action::BackupVault => "backing up or restoring the vault",
        }
    }
}

/// A person who uses the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// Stable id (UUID v7).
    pub id: OperatorId,
    /// Display name, as typed when added.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Whether an administrator disabled this operator.
    pub disabled: bool,
}

/// The key a name is looked up by: NFKC, trimmed, lower-case.
pub fn name_key(name: &str) -> String {
    name.trim().nfkc().collect::<String>().to_lowercase()
}

/// Checks an operator name and returns it trimmed.
pub fn validate_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(|c| c.is_control()) {
        return Err(msg::NAME_UNUSABLE.with("name", name).into());
    }
    Ok(name.to_string())
}
