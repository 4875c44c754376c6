//! PIPL Arts. 23 and 25 (and GDPR Art. 13(1)(e)): personal information provided to another
//! handler needs each recipient stated, and a separate consent, as does disclosing it
//! publicly.

use super::checker::{at, Lint, What};
use super::section::Section;
use super::{Message, Rule, Severity};
use crate::purpose::SeparateConsent;

/// The rules of PIPL Arts. 23 and 25, in rule order.
pub(super) const RULES: &[Rule] = &[RECIPIENTS, SEPARATE];

const RECIPIENTS: Rule = Rule {
    id: "pipl23.recipients",
    article: "PIPL Art. 23; GDPR Art. 13(1)(e)",
    requires: "each recipient's name, contact, purpose, method, categories",
    severity: Severity::Error,
    messages: &[],
    check: recipients,
};

const NAME: What = ("接收方名称", "the recipient's name");
const CONTACT: What = ("接收方联系方式", "the recipient's contact details");
const PURPOSE: What = ("接收方的处理目的", "the recipient's purpose");
const METHOD: What = ("接收方的处理方式", "the recipient's processing method");
const CATEGORIES: What = ("向接收方提供的个人信息种类", "the categories provided to the recipient");

fn recipients(rule: &Rule, l: &mut Lint<'_>) {
    let (s, fix) = (l.s, Some("third_parties"));
    for (i, r) in s.profile.recipients.iter().enumerate() {
        let path = |f: &str| format!("recipients[{i}].{f}");
        l.need_value(rule, &path("name"), NAME, &r.name, fix);
        l.need_plain(rule, &path("contact"), CONTACT, &r.contact, fix);
        l.need_value(rule, &path("purpose"), PURPOSE, &r.purpose, fix);
        l.need_value(rule, &path("method"), METHOD, &r.method, fix);
        if r.categories.is_empty() {
            l.need_plain(rule, &path("categories"), CATEGORIES, "", fix);
        }
        l.need_in_text(rule, (Section::Sharing, &path("name")), NAME, &r.name, fix);
        l.need_plain_in_text(rule, (Section::Sharing, &path("contact")), CONTACT, &r.contact, fix);
        l.need_in_text(rule, (Section::Sharing, &path("purpose")), PURPOSE, &r.purpose, fix);
        l.need_in_text(rule, (Section::Sharing, &path("method")), METHOD, &r.method, fix);
    }
}

const SEPARATE: Rule = Rule {
    id: "pipl23.separate",
    article: "PIPL Arts. 23, 25",
    requires: "separate consent for provision to third parties or public disclosure",
    severity: Severity::Error,
    messages: &[NO_THIRD_PARTY_CONSENT, NO_DISCLOSURE_CONSENT],
    check: separate,
};

const NO_THIRD_PARTY_CONSENT: Message = Message {
    severity: Severity::Error,
    zh: "向第三方提供个人信息，但没有任何处理目的取得单独同意。",
    en: "Personal information is provided to third parties, but no purpose asks for that separate consent.",
};
const NO_DISCLOSURE_CONSENT: Message = Message {
    severity: Severity::Error,
    zh: "公开个人信息，但没有任何处理目的取得单独同意。",
    en: "Personal information is disclosed publicly, but no purpose asks for that separate consent.",
};

fn separate(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    if !s.profile.recipients.is_empty() && s.separate_purposes(SeparateConsent::ThirdParty).next().is_none() {
        l.report(rule, &NO_THIRD_PARTY_CONSENT, &[], Some("third_parties"), at("purposes"));
    }
    if s.profile.public_disclosure && s.separate_purposes(SeparateConsent::PublicDisclosure).next().is_none() {
        l.report(rule, &NO_DISCLOSURE_CONSENT, &[], None, at("public_disclosure"));
    }
}
