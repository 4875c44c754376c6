//! What a template sees: the render context for one language, built from a profile snapshot,
//! with every text already in that language (see docs/templates.md for the variables).

use serde::Serialize;

use crate::domain::Language;
use crate::notice::profile::Snapshot;

/// The render context for one language: every text already in that language.
#[derive(Debug, Serialize)]
pub(crate) struct Context {
    lang: &'static str,
    title: String,
    controller: Party,
    dpo: Option<Person>,
    representative: Option<Person>,
    purposes: Vec<PurposeCtx>,
    consent_purposes: Vec<PurposeCtx>,
    other_purposes: Vec<PurposeCtx>,
    separate_purposes: Vec<PurposeCtx>,
    categories: Vec<CategoryCtx>,
    categories_text: String,
    sensitive_categories: Vec<CategoryCtx>,
    sensitive_text: String,
    methods: String,
    storage_location: String,
    source: String,
    security: String,
    automated: Option<AutomatedCtx>,
    /// Entrusted processors; empty when none are, or the profile does not say.
    processors: Vec<ProcessorCtx>,
    provision: Option<ProvisionCtx>,
    response_days: Option<u32>,
    retention: Vec<RetentionCtx>,
    recipients: Vec<RecipientCtx>,
    transfers: Vec<TransferCtx>,
    sensitive: Option<SensitiveCtx>,
    minors: MinorsCtx,
    public_disclosure: bool,
    rights_channel: String,
    withdrawal_channel: String,
    complaint: String,
    frameworks: Frameworks,
}

#[derive(Debug, Serialize)]
struct Party {
    name: String,
    contact: String,
    address: String,
}
#[derive(Debug, Serialize)]
struct Person {
    name: String,
    contact: String,
}
#[derive(Debug, Clone, Serialize)]
struct PurposeCtx {
    code: String,
    name: String,
    basis: String,
    basis_code: String,
    necessary: bool,
    consent: bool,
    separate: Option<String>,
    separate_label: String,
    dpv: Option<String>,
    /// The categories this purpose uses, as a list in a sentence; empty when the profile
    /// does not say.
    categories_text: String,
    /// The legitimate interest pursued, for a purpose on legitimate interests.
    interest: String,
}
#[derive(Debug, Clone, Serialize)]
struct CategoryCtx {
    code: String,
    name: String,
    sensitive: bool,
    sensitive_kind: Option<String>,
    /// The sensitive kind as the notice names it, in the language rendered.
    sensitive_label: Option<String>,
}
#[derive(Debug, Serialize)]
struct RetentionCtx {
    applies_to: String,
    applies_to_name: String,
    period: String,
}
#[derive(Debug, Serialize)]
struct RecipientCtx {
    name: String,
    contact: String,
    purpose: String,
    method: String,
    categories_text: String,
}
#[derive(Debug, Serialize)]
struct TransferCtx {
    recipient: String,
    country: String,
    contact: String,
    purpose: String,
    method: String,
    categories_text: String,
    rights: String,
    mechanism: String,
}
#[derive(Debug, Serialize)]
struct ProcessorCtx {
    name: String,
    task: String,
}
#[derive(Debug, Serialize)]
struct ProvisionCtx {
    requirement: String,
    consequences: String,
}
#[derive(Debug, Serialize)]
struct AutomatedCtx {
    used: bool,
    logic: String,
    significance: String,
}
#[derive(Debug, Serialize)]
struct SensitiveCtx {
    necessity: String,
    impact: String,
}
#[derive(Debug, Serialize)]
struct MinorsCtx {
    in_scope: bool,
    rules: String,
}
#[derive(Debug, Serialize)]
struct Frameworks {
    pipl: bool,
    gdpr: bool,
}

/// Every transfer mechanism code [`mechanism_label`] names, in the order offered.
pub const MECHANISMS: [&str; 6] = ["standard_contract", "cac_assessment", "certification", "sccs", "adequacy", "bcr"];

/// How a transfer mechanism is named in a notice.
pub fn mechanism_label(code: &str, zh: bool) -> Option<&'static str> {
    Some(match (code, zh) {
        ("cac_assessment", true) => "通过国家网信部门组织的安全评估",
        ("cac_assessment", false) => "a security assessment by the Cyberspace Administration of China",
        ("certification", true) => "经专业机构进行个人信息保护认证",
        ("certification", false) => "personal information protection certification by a specialised body",
        ("standard_contract", true) => "按照国家网信部门制定的标准合同与境外接收方订立合同",
        ("standard_contract", false) => "the standard contract issued by the Cyberspace Administration of China",
        ("adequacy", true) => "欧盟委员会的充分性认定",
        ("adequacy", false) => "an adequacy decision of the European Commission",
        ("sccs", true) => "欧盟标准合同条款",
        ("sccs", false) => "the EU standard contractual clauses",
        ("bcr", true) => "具有约束力的公司规则",
        ("bcr", false) => "binding corporate rules",
        _ => return None,
    })
}

/// A list inside a sentence: 、 in Chinese; in English, commas and each name in lower case
/// as a common noun is mid-sentence ("name, email address"), acronyms kept ("GPS data").
pub(crate) fn join(items: impl Iterator<Item = String>, zh: bool) -> String {
    if zh {
        return items.collect::<Vec<_>>().join("、");
    }
    items.map(|n| mid_sentence(&n)).collect::<Vec<_>>().join(", ")
}

/// An English name as it reads mid-sentence: the first letter in lower case unless the first
/// word is an acronym or a single capital ("GPS", "ID", "I").
pub(crate) fn mid_sentence(name: &str) -> String {
    let first_word = name.split_whitespace().next().unwrap_or("");
    let acronym = first_word.chars().filter(|c| c.is_alphabetic()).count() > 1
        && first_word.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase);
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if !acronym && first_word.chars().count() > 1 => c.to_lowercase().chain(chars).collect(),
        _ => name.to_string(),
    }
}

impl Context {
    pub(crate) fn new(s: &Snapshot, title: &str, language: Language) -> Context {
        let zh = language == Language::ZhCn;
        let p = &s.profile;
        let purposes: Vec<PurposeCtx> = s
            .catalogue
            .purposes
            .iter()
            .map(|x| PurposeCtx {
                code: x.code.clone(),
                name: x.name.get(zh).into(),
                basis: x.basis().map(|b| b.label(zh)).unwrap_or(&x.legal_basis).into(),
                basis_code: x.legal_basis.clone(),
                necessary: x.necessary,
                consent: x.asks_consent(),
                separate: x.separate_consent.clone(),
                separate_label: x.separate().map(|k| k.label(zh)).unwrap_or_default().into(),
                dpv: x.dpv.clone(),
                categories_text: if p.states_use_of(&x.code) {
                    join(p.categories_of(&x.code).iter().map(|c| s.category_name(c, zh)), zh)
                } else {
                    String::new()
                },
                interest: p.uses.iter().find(|u| u.purpose == x.code).map(|u| u.interest.get(zh)).unwrap_or("").into(),
            })
            .collect();
        let category = |code: &String| {
            let c = s.category(code);
            CategoryCtx {
                code: code.clone(),
                name: s.category_name(code, zh),
                sensitive: c.is_some_and(|c| c.sensitive.is_some()),
                sensitive_kind: c.and_then(|c| c.sensitive.clone()),
                sensitive_label: c.and_then(|c| c.sensitive_kind()).map(|k| k.label(zh).to_string()),
            }
        };
        let categories: Vec<CategoryCtx> = p.categories.iter().map(category).collect();
        let sensitive_categories: Vec<CategoryCtx> = categories.iter().filter(|c| c.sensitive).cloned().collect();
        let names = |codes: &[String]| join(codes.iter().map(|c| s.category_name(c, zh)), zh);
        let applies_to_name = |code: &str| {
            s.catalogue
                .purposes
                .iter()
                .find(|x| x.code == code)
                .map(|x| x.name.get(zh).to_string())
                .unwrap_or_else(|| s.category_name(code, zh))
        };
        Context {
            lang: language.as_str(),
            title: title.into(),
            controller: Party {
                name: p.controller.name.get(zh).into(),
                contact: p.controller.contact.clone(),
                address: p.controller.address.get(zh).into(),
            },
            dpo: p.dpo.as_ref().map(|d| Person { name: d.name.get(zh).into(), contact: d.contact.clone() }),
            representative: p
                .representative
                .as_ref()
                .map(|d| Person { name: d.name.get(zh).into(), contact: d.contact.clone() }),
            consent_purposes: purposes.iter().filter(|x| x.consent && x.separate.is_none()).cloned().collect(),
            other_purposes: purposes.iter().filter(|x| !x.consent).cloned().collect(),
            separate_purposes: purposes.iter().filter(|x| x.separate.is_some()).cloned().collect(),
            purposes,
            categories_text: join(categories.iter().map(|c| c.name.clone()), zh),
            sensitive_text: join(sensitive_categories.iter().map(|c| c.name.clone()), zh),
            categories,
            sensitive_categories,
            methods: p.methods.get(zh).into(),
            storage_location: p.storage_location.get(zh).into(),
            source: p.source.get(zh).into(),
            security: p.security.get(zh).into(),
            automated: p.automated_decisions.as_ref().map(|a| AutomatedCtx {
                used: a.used,
                logic: a.logic.get(zh).into(),
                significance: a.significance.get(zh).into(),
            }),
            processors: p
                .processors
                .iter()
                .flatten()
                .map(|x| ProcessorCtx { name: x.name.get(zh).into(), task: x.task.get(zh).into() })
                .collect(),
            provision: p.provision.as_ref().map(|x| ProvisionCtx {
                requirement: x.requirement.get(zh).into(),
                consequences: x.consequences.get(zh).into(),
            }),
            response_days: p.response_days,
            retention: p
                .retention
                .iter()
                .map(|r| RetentionCtx {
                    applies_to: r.applies_to.clone(),
                    applies_to_name: applies_to_name(&r.applies_to),
                    period: r.period.get(zh).into(),
                })
                .collect(),
            recipients: p
                .recipients
                .iter()
                .map(|r| RecipientCtx {
                    name: r.name.get(zh).into(),
                    contact: r.contact.clone(),
                    purpose: r.purpose.get(zh).into(),
                    method: r.method.get(zh).into(),
                    categories_text: names(&r.categories),
                })
                .collect(),
            transfers: p
                .transfers
                .iter()
                .map(|t| TransferCtx {
                    recipient: t.recipient.get(zh).into(),
                    country: t.country.get(zh).into(),
                    contact: t.contact.clone(),
                    purpose: t.purpose.get(zh).into(),
                    method: t.method.get(zh).into(),
                    categories_text: names(&t.categories),
                    rights: t.rights.get(zh).into(),
                    mechanism: mechanism_label(&t.mechanism, zh).unwrap_or(&t.mechanism).into(),
                })
                .collect(),
            sensitive: p
                .sensitive
                .as_ref()
                .map(|x| SensitiveCtx { necessity: x.necessity.get(zh).into(), impact: x.impact.get(zh).into() }),
            minors: MinorsCtx { in_scope: p.minors.in_scope, rules: p.minors.rules.get(zh).into() },
            public_disclosure: p.public_disclosure,
            rights_channel: p.rights_channel.get(zh).into(),
            withdrawal_channel: p.withdrawal_channel.get(zh).into(),
            complaint: p.complaint.get(zh).into(),
            frameworks: Frameworks { pipl: p.pipl(), gdpr: p.gdpr() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_names_read_in_lower_case_mid_sentence_acronyms_kept() {
        assert_eq!(mid_sentence("Email address"), "email address");
        assert_eq!(mid_sentence("Dietary restrictions and allergies"), "dietary restrictions and allergies");
        assert_eq!(mid_sentence("GPS location"), "GPS location");
        assert_eq!(mid_sentence("ID card number"), "ID card number");
        assert_eq!(join(["Name".to_string(), "Email address".to_string()].into_iter(), false), "name, email address");
        assert_eq!(join(["姓名".to_string(), "电子邮箱".to_string()].into_iter(), true), "姓名、电子邮箱");
    }
}
