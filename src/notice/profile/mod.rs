//! Processing profiles: the structured facts of a processing activity that a notice is
//! rendered from (PIPL Art. 17, GDPR Art. 13). A profile is saved as a file-shaped JSON
//! document; each save is a new revision. Rendering resolves its purpose and category codes
//! against the vault's catalogue into a [`Snapshot`], which is what a notice version keeps
//! and what its hash covers.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::domain::error::{Error, Result};
use crate::domain::messages::{self as msg, Arg};
use crate::purpose::{find_category, find_purpose, LegalBasis, SensitiveKind, SeparateConsent};

mod elements;
mod store;
pub use elements::{AutomatedDecisions, Processor, Provision};
pub(crate) use store::latest_in;
pub use store::{get, list, save, ProfileRevision};

/// A text in both languages. Either may be empty in a draft; the lint reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bilingual {
    /// Simplified Chinese.
    #[serde(default)]
    pub zh: String,
    /// English.
    #[serde(default)]
    pub en: String,
}

impl Bilingual {
    /// The text in one language.
    pub fn get(&self, zh: bool) -> &str {
        if zh {
            &self.zh
        } else {
            &self.en
        }
    }

    /// Whether either language is blank.
    pub fn incomplete(&self) -> bool {
        self.zh.trim().is_empty() || self.en.trim().is_empty()
    }

    /// Whether both languages are blank (a field not stated at all).
    pub fn is_empty(&self) -> bool {
        self.zh.trim().is_empty() && self.en.trim().is_empty()
    }
}

/// What one purpose uses: the data categories it processes. Receipts, the capture form and
/// the wording name only these for the purpose (a box for sales follow-up does not announce
/// allergy data).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PurposeUse {
    /// The purpose's code (one of the profile's purposes).
    pub purpose: String,
    /// The data category codes it uses (among the profile's categories).
    #[serde(default)]
    pub categories: Vec<String>,
    /// For a purpose on legitimate interests, the interest pursued (GDPR Art. 13(1)(d)).
    #[serde(default, skip_serializing_if = "Bilingual::is_empty")]
    pub interest: Bilingual,
}

/// The personal-information handler (controller).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Controller {
    /// Legal name.
    #[serde(default)]
    pub name: Bilingual,
    /// Contact: an email address, phone number or postal contact.
    #[serde(default)]
    pub contact: String,
    /// Address.
    #[serde(default)]
    pub address: Bilingual,
}

/// A DPO, a person in charge of personal information (PIPL Art. 52) or a representative.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name or function.
    #[serde(default)]
    pub name: Bilingual,
    /// How to reach them.
    #[serde(default)]
    pub contact: String,
}

/// How long data is kept, for one purpose or data category.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// The purpose or data category code it applies to.
    pub applies_to: String,
    /// The period as the notice states it ("two years after the event").
    #[serde(default)]
    pub period: Bilingual,
    /// The same period in days, for the due-for-review list; optional.
    #[serde(default)]
    pub days: Option<u32>,
}

/// Another handler the data is provided to (PIPL Art. 23).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// The recipient's name.
    #[serde(default)]
    pub name: Bilingual,
    /// How to contact them.
    #[serde(default)]
    pub contact: String,
    /// What they use it for.
    #[serde(default)]
    pub purpose: Bilingual,
    /// How they process it.
    #[serde(default)]
    pub method: Bilingual,
    /// Data category codes provided.
    #[serde(default)]
    pub categories: Vec<String>,
    /// The purpose codes for which the data is provided (empty in a profile written before
    /// this field existed: the lint flags it, and receipts fall back to the separate consent
    /// the purpose asks for).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub purposes: Vec<String>,
}

/// A transfer to a recipient outside mainland China or the EEA (PIPL Arts. 38–39, GDPR Ch. V).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// The overseas recipient's name.
    #[serde(default)]
    pub recipient: Bilingual,
    /// Where it is.
    #[serde(default)]
    pub country: Bilingual,
    /// How to contact it.
    #[serde(default)]
    pub contact: String,
    /// What it uses the data for.
    #[serde(default)]
    pub purpose: Bilingual,
    /// How it processes the data.
    #[serde(default)]
    pub method: Bilingual,
    /// Data category codes transferred.
    #[serde(default)]
    pub categories: Vec<String>,
    /// How the person exercises their rights against the recipient.
    #[serde(default)]
    pub rights: Bilingual,
    /// The purpose codes for which the data is transferred (see [`Recipient::purposes`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub purposes: Vec<String>,
    /// The legal mechanism: `cac_assessment`, `certification`, `standard_contract`,
    /// `adequacy`, `sccs` or `bcr`.
    #[serde(default)]
    pub mechanism: String,
}

/// The statement PIPL Art. 30 requires for sensitive data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensitiveStatement {
    /// Why processing the sensitive data is necessary.
    #[serde(default)]
    pub necessity: Bilingual,
    /// Its impact on the person's rights and interests.
    #[serde(default)]
    pub impact: Bilingual,
}

/// Minors under 14 (PIPL Art. 31).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Minors {
    /// Whether people under 14 may be asked.
    #[serde(default)]
    pub in_scope: bool,
    /// The dedicated processing rules for them.
    #[serde(default)]
    pub rules: Bilingual,
}

/// The frameworks a profile may name in `frameworks`.
pub const FRAMEWORKS: [&str; 2] = ["pipl", "gdpr"];

/// A processing profile as written by legal staff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The profile's name, such as `trade-show-2026`.
    pub name: String,
    /// Which laws the notice must satisfy: `pipl`, `gdpr` or both. Empty means both.
    #[serde(default)]
    pub frameworks: Vec<String>,
    /// Jurisdiction code for receipts, such as `CN`.
    #[serde(default)]
    pub jurisdiction: String,
    /// The handler.
    #[serde(default)]
    pub controller: Controller,
    /// The DPO or person in charge of personal information.
    #[serde(default)]
    pub dpo: Option<Contact>,
    /// A representative in the EU (GDPR Art. 27) or in China (PIPL Art. 53).
    #[serde(default)]
    pub representative: Option<Contact>,
    /// Purpose codes from the vault's catalogue.
    #[serde(default)]
    pub purposes: Vec<String>,
    /// Data category codes from the vault's catalogue.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Per purpose, the categories it uses. A purpose without an entry (a profile written
    /// before this field existed) is flagged by the lint, and is taken to use every category.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uses: Vec<PurposeUse>,
    /// Where the personal data is stored (the system and the country), for the wording and
    /// for receipts' `storage_locations` (ISO/IEC TS 27560; ISO/IEC 29184 5.3).
    #[serde(default, skip_serializing_if = "Bilingual::is_empty")]
    pub storage_location: Bilingual,
    /// Where the data comes from when it is not collected from the person (GDPR Art.
    /// 14(2)(f)); empty: collected directly from the person, and the wording says so.
    #[serde(default, skip_serializing_if = "Bilingual::is_empty")]
    pub source: Bilingual,
    /// The security measures taken; the wording claims only these (none when empty).
    #[serde(default, skip_serializing_if = "Bilingual::is_empty")]
    pub security: Bilingual,
    /// Whether automated decisions are made, and how; none: not stated (the lint flags it,
    /// and the wording makes no claim either way).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automated_decisions: Option<AutomatedDecisions>,
    /// Service providers entrusted to process the data on the controller's behalf (PIPL Art.
    /// 21; processors, GDPR Arts. 13(1)(e), 28); none: not stated (the lint flags it), an
    /// empty list: none entrusted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processors: Option<Vec<Processor>>,
    /// Whether providing the data is required, and what follows if it is not (GDPR Art.
    /// 13(2)(e)); none: not stated (the lint flags it where the GDPR applies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provision: Option<Provision>,
    /// Days within which a request to exercise a right is answered (GDPR Art. 12(3): at most
    /// a month); none: not stated, and the wording says "within the time the law allows".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_days: Option<u32>,
    /// How the data is processed (collected, stored, used).
    #[serde(default)]
    pub methods: Bilingual,
    /// Retention per purpose or category.
    #[serde(default)]
    pub retention: Vec<Retention>,
    /// Other handlers the data is provided to.
    #[serde(default)]
    pub recipients: Vec<Recipient>,
    /// Cross-border transfers.
    #[serde(default)]
    pub transfers: Vec<Transfer>,
    /// The necessity and impact statement, when sensitive data is processed.
    #[serde(default)]
    pub sensitive: Option<SensitiveStatement>,
    /// Minors under 14.
    #[serde(default)]
    pub minors: Minors,
    /// Whether personal data is disclosed publicly (PIPL Art. 25).
    #[serde(default)]
    pub public_disclosure: bool,
    /// How to exercise rights (access, copy, correct, delete, port).
    #[serde(default)]
    pub rights_channel: Bilingual,
    /// How to withdraw consent.
    #[serde(default)]
    pub withdrawal_channel: Bilingual,
    /// Where to complain (GDPR Art. 13(2)(d)).
    #[serde(default)]
    pub complaint: Bilingual,
}

/// The largest profile file read.
pub const MAX_PROFILE_BYTES: usize = 256 * 1024;
/// The longest text of one profile field, in characters.
pub const MAX_FIELD_CHARS: usize = 4000;
/// The most entries of one list in a profile.
pub const MAX_LIST: usize = 200;

/// Every text field at most [`MAX_FIELD_CHARS`] characters, with no control characters
/// (other than line breaks and tabs) or invisible code points; every list at most
/// [`MAX_LIST`] entries. The message names the field by its path.
fn check_bounds(profile: &Profile) -> Result<()> {
    fn walk(v: &serde_json::Value, path: &str) -> Result<()> {
        match v {
            serde_json::Value::String(s) => {
                let visible: String =
                    s.chars().map(|c| if matches!(c, '\n' | '\t' | '\r') { ' ' } else { c }).collect();
                crate::domain::text::check_text(Arg::Plain(path.to_string()), &visible, MAX_FIELD_CHARS)
            }
            serde_json::Value::Array(a) => {
                if a.len() > MAX_LIST {
                    return Err(msg::PROFILE_LIST_TOO_LONG
                        .with("path", path)
                        .with("count", a.len())
                        .with("max", MAX_LIST)
                        .into());
                }
                a.iter().enumerate().try_for_each(|(i, x)| walk(x, &format!("{path}[{i}]")))
            }
            serde_json::Value::Object(o) => o
                .iter()
                .try_for_each(|(k, x)| walk(x, &if path.is_empty() { k.clone() } else { format!("{path}.{k}") })),
            _ => Ok(()),
        }
    }
    walk(&serde_json::to_value(profile).unwrap_or_default(), "")
}

impl Profile {
    /// Reads a profile from its JSON text, naming the problem and the place.
    pub fn from_json(text: &str) -> Result<Profile> {
        if text.len() > MAX_PROFILE_BYTES {
            return Err(msg::PROFILE_TOO_LARGE
                .with("size_kib", text.len() / 1024)
                .with("max_kib", MAX_PROFILE_BYTES / 1024)
                .into());
        }
        let p: Profile =
            serde_json::from_str(text).map_err(|e| Error::from(msg::PROFILE_NOT_VALID.with("detail", e)))?;
        crate::notice::validate_slug("profile", &p.name)?;
        for f in &p.frameworks {
            if !FRAMEWORKS.contains(&f.as_str()) {
                return Err(msg::PROFILE_FRAMEWORK.with("value", f).into());
            }
        }
        Ok(p)
    }

    /// The profile as pretty JSON, the file format.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The categories a purpose uses: its `uses` entry, or every category of the profile
    /// when it has none (and the lint flags that).
    pub fn categories_of(&self, purpose: &str) -> &[String] {
        self.uses.iter().find(|u| u.purpose == purpose).map_or(&self.categories, |u| &u.categories)
    }

    /// Whether a purpose says which categories it uses.
    pub fn states_use_of(&self, purpose: &str) -> bool {
        self.uses.iter().any(|u| u.purpose == purpose)
    }

    /// Whether the notice must satisfy PIPL.
    pub fn pipl(&self) -> bool {
        self.frameworks.is_empty() || self.frameworks.iter().any(|f| f == "pipl")
    }

    /// Whether the notice must satisfy the GDPR.
    pub fn gdpr(&self) -> bool {
        self.frameworks.is_empty() || self.frameworks.iter().any(|f| f == "gdpr")
    }
}

/// A purpose as the catalogue held it when the profile was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeSnap {
    /// Code.
    pub code: String,
    /// Names.
    pub name: Bilingual,
    /// Legal basis.
    pub legal_basis: String,
    /// Whether the service needs it.
    pub necessary: bool,
    /// The separate consent it is, if any.
    pub separate_consent: Option<String>,
    /// DPV purpose.
    pub dpv: Option<String>,
}

impl PurposeSnap {
    /// The legal basis, parsed.
    pub fn basis(&self) -> Option<LegalBasis> {
        self.legal_basis.parse().ok()
    }

    /// The separate consent kind, parsed.
    pub fn separate(&self) -> Option<SeparateConsent> {
        self.separate_consent.as_deref().and_then(|s| s.parse().ok())
    }

    /// Whether a person is asked to tick a box for it.
    pub fn asks_consent(&self) -> bool {
        self.basis() == Some(LegalBasis::Consent)
    }
}

/// A data category as the catalogue held it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CategorySnap {
    /// Code.
    pub code: String,
    /// Names.
    pub name: Bilingual,
    /// PIPL Art. 28 sensitive kind.
    pub sensitive: Option<String>,
}

impl CategorySnap {
    /// The sensitive kind, parsed.
    pub fn sensitive_kind(&self) -> Option<SensitiveKind> {
        self.sensitive.as_deref().and_then(|s| s.parse().ok())
    }
}

/// The catalogue entries a profile refers to, resolved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalogue {
    /// Purposes in profile order.
    pub purposes: Vec<PurposeSnap>,
    /// Categories in profile order.
    pub categories: Vec<CategorySnap>,
}

/// A profile with its catalogue entries resolved: what a version keeps and its hash covers.
/// The profile's own fields sit at the top level of the JSON, beside `catalogue`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The profile.
    #[serde(flatten)]
    pub profile: Profile,
    /// Its resolved catalogue entries.
    pub catalogue: Catalogue,
}

impl Snapshot {
    /// Canonical JSON: keys sorted (serde_json's map is ordered), no whitespace.
    pub fn canonical_json(&self) -> String {
        serde_json::to_value(self).and_then(|v| serde_json::to_string(&v)).unwrap_or_default()
    }

    /// Reads a stored snapshot.
    pub fn from_stored(text: &str) -> Result<Snapshot> {
        serde_json::from_str(text).map_err(|e| {
            tracing::error!(error = %e, "stored profile snapshot");
            Error::Storage { context: "a notice version's profile snapshot cannot be read" }
        })
    }

    /// A category by code.
    pub fn category(&self, code: &str) -> Option<&CategorySnap> {
        self.catalogue.categories.iter().find(|c| c.code == code)
    }

    /// A category's name, or its code if it is not in the profile.
    pub fn category_name(&self, code: &str, zh: bool) -> String {
        self.category(code).map(|c| c.name.get(zh).to_string()).unwrap_or_else(|| code.to_string())
    }

    /// The sensitive categories.
    pub fn sensitive_categories(&self) -> impl Iterator<Item = &CategorySnap> {
        self.catalogue.categories.iter().filter(|c| c.sensitive.is_some())
    }

    /// The purpose codes a separate consent of `kind` is asked for.
    pub fn separate_purposes(&self, kind: SeparateConsent) -> impl Iterator<Item = &PurposeSnap> {
        self.catalogue.purposes.iter().filter(move |p| p.separate() == Some(kind))
    }
}

/// Resolves a profile's codes against the catalogue. Unknown codes are errors that name them.
pub(crate) fn resolve(conn: &Connection, profile: &Profile) -> Result<Snapshot> {
    let mut catalogue = Catalogue::default();
    for code in &profile.purposes {
        let p =
            find_purpose(conn, code)?.ok_or_else(|| Error::from(msg::PROFILE_PURPOSE_UNKNOWN.with("code", code)))?;
        if catalogue.purposes.iter().any(|s: &PurposeSnap| s.code == p.code) {
            continue;
        }
        catalogue.purposes.push(PurposeSnap {
            code: p.code,
            name: Bilingual { zh: p.name_zh, en: p.name_en },
            legal_basis: p.legal_basis.as_str().into(),
            necessary: p.necessary,
            separate_consent: p.separate_consent.map(|s| s.as_str().into()),
            dpv: p.dpv,
        });
    }
    let mut codes: Vec<&String> = profile.categories.iter().collect();
    codes.extend(profile.recipients.iter().flat_map(|r| &r.categories));
    codes.extend(profile.transfers.iter().flat_map(|t| &t.categories));
    codes.extend(profile.uses.iter().flat_map(|u| &u.categories));
    for code in codes {
        if catalogue.categories.iter().any(|c| &c.code == code) {
            continue;
        }
        let c =
            find_category(conn, code)?.ok_or_else(|| Error::from(msg::PROFILE_CATEGORY_UNKNOWN.with("code", code)))?;
        catalogue.categories.push(CategorySnap {
            code: c.code,
            name: Bilingual { zh: c.name_zh, en: c.name_en },
            sensitive: c.sensitive.map(|s| s.as_str().into()),
        });
    }
    Ok(Snapshot { profile: profile.clone(), catalogue })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_are_named() {
        let err = Profile::from_json(r#"{"name": "p", "controler": {}}"#).unwrap_err().to_string();
        assert!(err.contains("controler"), "{err}");
    }

    #[test]
    fn frameworks_default_to_both() {
        let p = Profile::from_json(r#"{"name": "p"}"#).unwrap();
        assert!(p.pipl() && p.gdpr());
        let p = Profile::from_json(r#"{"name": "p", "frameworks": ["pipl"]}"#).unwrap();
        assert!(p.pipl() && !p.gdpr());
        assert!(Profile::from_json(r#"{"name": "p", "frameworks": ["ccpa"]}"#).is_err());
    }

    #[test]
    fn snapshot_json_is_canonical_and_flat() {
        let p = Profile::from_json(r#"{"name": "p", "controller": {"contact": "a@b.cn"}}"#).unwrap();
        let s = Snapshot { profile: p, catalogue: Catalogue::default() };
        let json = s.canonical_json();
        assert!(json.starts_with("{\"catalogue\":"), "{json}");
        assert!(json.contains("\"controller\":{\"address\""), "{json}");
        assert_eq!(Snapshot::from_stored(&json).unwrap(), s);
    }
}
