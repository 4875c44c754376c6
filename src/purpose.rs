//! The organisation's catalogue: purposes of processing (each with its legal basis, whether
//! it is necessary, whether it needs a separate consent, and a DPV label) and the data
//! categories processed (flagging PIPL Art. 28 sensitive categories).

use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages::{self as msg, Arg};
use crate::domain::string_enum;
use crate::domain::Action;
use crate::session::Session;
use crate::vault::{column, opt_column};

string_enum!(
    /// Legal basis of a purpose (PIPL Art. 13, GDPR Art. 6).
    LegalBasis, "legal basis", {
        /// The person's consent.
        Consent => "consent",
        /// A contract with the person.
        Contract => "contract",
        /// Human-resources management under labour rules (PIPL Art. 13(2)).
        HrManagement => "hr_management",
        /// A statutory duty or legal obligation.
        LegalObligation => "legal_obligation",
        /// Public-health emergencies or protecting life and property.
        VitalInterest => "vital_interest",
        /// News reporting or a task in the public interest.
        PublicInterest => "public_interest",
        /// Information the person made public.
        PublicInformation => "public_information",
        /// Legitimate interests (GDPR Art. 6(1)(f) only; PIPL has no such basis).
        LegitimateInterest => "legitimate_interest",
    }
);

string_enum!(
    /// The kind of separate consent (单独同意) a purpose needs.
    SeparateConsent, "kind of separate consent", {
        /// Sensitive personal information (PIPL Art. 29).
        Sensitive => "sensitive",
        /// Provision to another handler (PIPL Art. 23).
        ThirdParty => "third_party",
        /// Transfer abroad (PIPL Art. 39).
        CrossBorder => "cross_border",
        /// Public disclosure (PIPL Art. 25).
        PublicDisclosure => "public_disclosure",
        /// A guardian's consent for a child under 14 (PIPL Art. 31).
        Guardian => "guardian",
    }
);

string_enum!(
    /// Sensitive categories of PIPL Art. 28.
    SensitiveKind, "sensitive category", {
        /// Biometric data.
        Biometric => "biometric",
        /// Religious beliefs.
        Religion => "religion",
        /// Specific identity.
        SpecificIdentity => "specific_identity",
        /// Medical and health data.
        Health => "health",
        /// Financial accounts.
        FinancialAccount => "financial_account",
        /// Whereabouts and tracking.
        Whereabouts => "whereabouts",
        /// Personal information of minors under 14.
        MinorUnder14 => "minor_under_14",
        /// Other data whose leak could harm dignity, person or property.
        Other => "other",
    }
);

/// A purpose of processing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose {
    /// Stable code, such as `event_marketing`.
    pub code: String,
    /// Name in Simplified Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Legal basis.
    pub legal_basis: LegalBasis,
    /// Whether it is necessary for the service (only necessary purposes may be required).
    pub necessary: bool,
    /// The separate consent it needs, if any.
    pub separate_consent: Option<SeparateConsent>,
    /// A W3C DPV purpose, such as `dpv:DirectMarketing`.
    pub dpv: Option<String>,
}

/// A category of personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataCategory {
    /// Stable code, such as `email`.
    pub code: String,
    /// Name in Simplified Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// The PIPL Art. 28 sensitive category, if it is sensitive.
    pub sensitive: Option<SensitiveKind>,
}

/// Checks a catalogue code: a lower-case letter, then letters, digits, `_`, `.` or `-`.
pub(crate) fn validate_code(what: &str, code: &str) -> Result<String> {
    let code = code.trim();
    let ok = code.len() <= 64
        && code.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    if !ok {
        let _ = what;
        return Err(msg::CODE_UNUSABLE.with("code", code).into());
    }
    Ok(code.to_string())
}

fn validate_names(zh: &str, en: &str) -> Result<(String, String)> {
    let (zh, en) = (zh.trim(), en.trim());
    if zh.is_empty() || en.is_empty() {
        return Err(Error::from(&msg::NAME_MISSING));
    }
    crate::domain::text::check_text(Arg::Term(&msg::NAME_ZH), zh, 200)?;
    crate::domain::text::check_text(Arg::Term(&msg::NAME_EN), en, 200)?;
    Ok((zh.to_string(), en.to_string()))
}

/// Adds a purpose (admin and legal).
pub fn add_purpose(session: &mut Session, p: &Purpose) -> Result<Purpose> {
    let code = validate_code("purpose", &p.code)?;
    let (name_zh, name_en) = validate_names(&p.name_zh, &p.name_en)?;
    if p.separate_consent.is_some() && p.legal_basis != LegalBasis::Consent {
        return Err(msg::SEPARATE_NEEDS_CONSENT.with("code", code).with("basis", p.legal_basis).into());
    }
    let dpv = match p.dpv.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => None,
        Some(d)
            if d.strip_prefix("dpv:")
                .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric())) =>
        {
            Some(d.to_string())
        }
        Some(d) => return Err(msg::NOT_A_DPV_LABEL.with("value", d).into()),
    };
    let purpose = Purpose {
        code,
        name_zh,
        name_en,
        legal_basis: p.legal_basis,
        necessary: p.necessary,
        separate_consent: p.separate_consent,
        dpv,
    };
    session.write(Action::ManageCatalogue, |w| {
        let n = w
            .tx
            .execute(
                "INSERT INTO purpose (code, name_zh, name_en, legal_basis, necessary, separate_consent, dpv, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (code) DO NOTHING",
                params![
                    purpose.code,
                    purpose.name_zh,
                    purpose.name_en,
                    purpose.legal_basis.as_str(),
                    purpose.necessary,
                    purpose.separate_consent.map(|s| s.as_str()),
                    purpose.dpv,
                    w.now.timestamp_millis()
                ],
            )
            .storage("add a purpose")?;
        if n == 0 {
            return Err(Error::Duplicate(msg::PURPOSE_EXISTS.with("code", &purpose.code)));
        }
        w.audit("purpose.add", &purpose.code, "");
        Ok(purpose.clone())
    })
}

/// Lists purposes, by code.
pub fn list_purposes(session: &mut Session) -> Result<Vec<Purpose>> {
    session.read(Action::ReadCatalogue, |conn| {
        let mut stmt = conn
            .prepare("SELECT code, name_zh, name_en, legal_basis, necessary, separate_consent, dpv FROM purpose ORDER BY code")
            .storage("list purposes")?;
        let rows = stmt.query_map([], row_to_purpose).storage("list purposes")?;
        rows.collect::<rusqlite::Result<Vec<_>>>().storage("list purposes")
    })
}

pub(crate) fn find_category(conn: &Connection, code: &str) -> Result<Option<DataCategory>> {
    conn.query_row(
        "SELECT code, name_zh, name_en, sensitive_kind FROM data_category WHERE code = ?1",
        [code.trim()],
        |r| Ok(DataCategory { code: r.get(0)?, name_zh: r.get(1)?, name_en: r.get(2)?, sensitive: opt_column(r, 3)? }),
    )
    .optional()
    .storage("find a data category")
}

impl LegalBasis {
    /// How the basis is named in a notice, in each language.
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (LegalBasis::Consent, true) => "您的同意",
            (LegalBasis::Consent, false) => "your consent",
            (LegalBasis::Contract, true) => "订立、履行您作为一方当事人的合同所必需",
            (LegalBasis::Contract, false) => "performance of a contract with you",
            (LegalBasis::HrManagement, true) => "实施人力资源管理所必需",
            (LegalBasis::HrManagement, false) => "human-resources management under employment rules",
            (LegalBasis::LegalObligation, true) => "履行法定职责或者法定义务所必需",
            (LegalBasis::LegalObligation, false) => "compliance with a legal obligation",
            (LegalBasis::VitalInterest, true) => "应对突发公共卫生事件或保护生命健康和财产安全所必需",
            (LegalBasis::VitalInterest, false) => "protection of vital interests",
            (LegalBasis::PublicInterest, true) => "为公共利益实施新闻报道、舆论监督等行为",
            (LegalBasis::PublicInterest, false) => "a task carried out in the public interest",
            (LegalBasis::PublicInformation, true) => "处理您自行公开或者其他已经合法公开的个人信息",
            (LegalBasis::PublicInformation, false) => "information you have made public",
            (LegalBasis::LegitimateInterest, true) => "我们的正当利益（仅适用于GDPR）",
            (LegalBasis::LegitimateInterest, false) => "our legitimate interests",
        }
    }
}

impl SeparateConsent {
    /// How the separate consent is named on a form, in each language.
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (SeparateConsent::Sensitive, true) => "敏感个人信息单独同意",
            (SeparateConsent::Sensitive, false) => "Separate consent to processing sensitive personal information",
            (SeparateConsent::ThirdParty, true) => "向第三方提供单独同意",
            (SeparateConsent::ThirdParty, false) => "Separate consent to sharing with third parties",
            (SeparateConsent::CrossBorder, true) => "跨境提供单独同意",
            (SeparateConsent::CrossBorder, false) => "Separate consent to transfer outside mainland China",
            (SeparateConsent::PublicDisclosure, true) => "公开个人信息单独同意",
            (SeparateConsent::PublicDisclosure, false) => "Separate consent to public disclosure",
            (SeparateConsent::Guardian, true) => "监护人同意",
            (SeparateConsent::Guardian, false) => "A guardian's consent",
        }
    }
}

impl SensitiveKind {
    /// How the sensitive category is named in a notice (PIPL Art. 28), in each language.
    pub fn label(self, zh: bool) -> &'static str {
        match (self, zh) {
            (SensitiveKind::Biometric, true) => "生物识别信息",
            (SensitiveKind::Biometric, false) => "biometric data",
            (SensitiveKind::Religion, true) => "宗教信仰",
            (SensitiveKind::Religion, false) => "religious beliefs",
            (SensitiveKind::SpecificIdentity, true) => "特定身份",
            (SensitiveKind::SpecificIdentity, false) => "specific identity",
            (SensitiveKind::Health, true) => "医疗健康信息",
            (SensitiveKind::Health, false) => "medical and health data",
            (SensitiveKind::FinancialAccount, true) => "金融账户信息",
            (SensitiveKind::FinancialAccount, false) => "financial account data",
            (SensitiveKind::Whereabouts, true) => "行踪轨迹",
            (SensitiveKind::Whereabouts, false) => "whereabouts",
            (SensitiveKind::MinorUnder14, true) => "不满十四周岁未成年人的个人信息",
            (SensitiveKind::MinorUnder14, false) => "personal information of a child under 14",
            (SensitiveKind::Other, true) => "其他敏感个人信息",
            (SensitiveKind::Other, false) => "other sensitive personal information",
        }
    }
}

pub(crate) fn find_purpose(conn: &Connection, code: &str) -> Result<Option<Purpose>> {
    conn.query_row(
        "SELECT code, name_zh, name_en, legal_basis, necessary, separate_consent, dpv FROM purpose WHERE code = ?1",
        [code.trim()],
        row_to_purpose,
    )
    .optional()
    .storage("find a purpose")
}

fn row_to_purpose(r: &rusqlite::Row<'_>) -> rusqlite::Result<Purpose> {
    Ok(Purpose {
        code: r.get(0)?,
        name_zh: r.get(1)?,
        name_en: r.get(2)?,
        legal_basis: column(r, 3)?,
        necessary: r.get(4)?,
        separate_consent: opt_column(r, 5)?,
        dpv: r.get(6)?,
    })
}

/// Adds a data category (admin and legal).
pub fn add_category(session: &mut Session, c: &DataCategory) -> Result<DataCategory> {
    let code = validate_code("data category", &c.code)?;
    let (name_zh, name_en) = validate_names(&c.name_zh, &c.name_en)?;
    let category = DataCategory { code, name_zh, name_en, sensitive: c.sensitive };
    session.write(Action::ManageCatalogue, |w| {
        let n =
            w.tx.execute(
                "INSERT INTO data_category (code, name_zh, name_en, sensitive_kind, created_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (code) DO NOTHING",
                params![
                    category.code,
                    category.name_zh,
                    category.name_en,
                    category.sensitive.map(|s| s.as_str()),
                    w.now.timestamp_millis()
                ],
            )
            .storage("add a data category")?;
        if n == 0 {
            return Err(Error::Duplicate(msg::CATEGORY_EXISTS.with("code", &category.code)));
        }
        w.audit("category.add", &category.code, "");
        Ok(category.clone())
    })
}

/// Lists data categories, by code.
pub fn list_categories(session: &mut Session) -> Result<Vec<DataCategory>> {
    session.read(Action::ReadCatalogue, |conn| {
        let mut stmt = conn
            .prepare("SELECT code, name_zh, name_en, sensitive_kind FROM data_category ORDER BY code")
            .storage("list data categories")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(DataCategory {
                    code: r.get(0)?,
                    name_zh: r.get(1)?,
                    name_en: r.get(2)?,
                    sensitive: opt_column(r, 3)?,
                })
            })
            .storage("list data categories")?;
        rows.collect::<rusqlite::Result<Vec<_>>>().storage("list data categories")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_name_parses_back_to_itself() {
        for v in LegalBasis::ALL {
            assert_eq!(v.as_str().parse::<LegalBasis>().unwrap(), *v);
        }
        for v in SeparateConsent::ALL {
            assert_eq!(v.as_str().parse::<SeparateConsent>().unwrap(), *v);
        }
        for v in SensitiveKind::ALL {
            assert_eq!(v.as_str().parse::<SensitiveKind>().unwrap(), *v);
        }
        assert_eq!("cross-border".parse::<SeparateConsent>().unwrap(), SeparateConsent::CrossBorder);
        assert!("nonsense".parse::<LegalBasis>().is_err());
    }
}
