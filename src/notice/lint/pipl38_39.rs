//! PIPL Arts. 38–39 (and GDPR Art. 13(1)(f)): personal information transferred abroad
//! needs a recognised transfer mechanism, each overseas recipient stated with how to
//! exercise one's rights against it, and a separate consent.

use super::checker::{at, same, Lint, What};
use super::section::Section;
use super::{Message, Rule, Severity};
use crate::notice::context::mechanism_label;
use crate::notice::profile::Bilingual;
use crate::purpose::SeparateConsent;

/// The rules of PIPL Arts. 38–39, in rule order.
pub(super) const RULES: &[Rule] = &[TRANSFERS, SEPARATE];

const TRANSFERS: Rule = Rule {
    id: "pipl39.transfers",
    article: "PIPL Arts. 38–39; GDPR Art. 13(1)(f)",
    requires: "each overseas recipient's details, rights and mechanism",
    severity: Severity::Error,
    messages: &[NO_MECHANISM],
    check: transfers,
};

const NO_MECHANISM: Message = Message {
    severity: Severity::Error,
    zh: "第{n}项跨境提供没有有效的出境机制（“{mechanism}”）。",
    en: "Transfer {n} has no recognised mechanism (\"{mechanism}\").",
};
const RECIPIENT: What = ("境外接收方名称", "the overseas recipient's name");
const CONTACT: What = ("境外接收方的联系方式", "the overseas recipient's contact details");
const PURPOSE: What = ("境外接收方的处理目的", "the overseas recipient's purpose");
const METHOD: What = ("境外接收方的处理方式", "the overseas recipient's processing method");
const RIGHTS: What = ("向境外接收方行使权利的方式", "how to exercise rights against the overseas recipient");
const CATEGORIES: What = ("向境外提供的个人信息种类", "the categories transferred");

fn transfers(rule: &Rule, l: &mut Lint<'_>) {
    let (s, fix) = (l.s, Some("cross_border"));
    for (i, t) in s.profile.transfers.iter().enumerate() {
        let path = |f: &str| format!("transfers[{i}].{f}");
        l.need_value(rule, &path("recipient"), RECIPIENT, &t.recipient, fix);
        l.need_plain(rule, &path("contact"), CONTACT, &t.contact, fix);
        l.need_value(rule, &path("purpose"), PURPOSE, &t.purpose, fix);
        l.need_value(rule, &path("method"), METHOD, &t.method, fix);
        l.need_value(rule, &path("rights"), RIGHTS, &t.rights, fix);
        if t.categories.is_empty() {
            l.need_plain(rule, &path("categories"), CATEGORIES, "", fix);
        }
        if mechanism_label(&t.mechanism, false).is_none() {
            let args = [("n", same(i + 1)), ("mechanism", same(&t.mechanism))];
            l.report(rule, &NO_MECHANISM, &args, fix, at(&path("mechanism")));
        }
        l.need_in_text(rule, (Section::Abroad, &path("recipient")), RECIPIENT, &t.recipient, fix);
        l.need_plain_in_text(rule, (Section::Abroad, &path("contact")), CONTACT, &t.contact, fix);
        l.need_in_text(rule, (Section::Abroad, &path("purpose")), PURPOSE, &t.purpose, fix);
        l.need_in_text(rule, (Section::Abroad, &path("method")), METHOD, &t.method, fix);
        l.need_in_text(rule, (Section::Abroad, &path("rights")), RIGHTS, &t.rights, fix);
        if let (Some(zh), Some(en)) = (mechanism_label(&t.mechanism, true), mechanism_label(&t.mechanism, false)) {
            let b = Bilingual { zh: zh.into(), en: en.into() };
            l.need_in_text(
                rule,
                (Section::Abroad, &path("mechanism")),
                ("出境机制", "the transfer mechanism"),
                &b,
                fix,
            );
        }
    }
}

const SEPARATE: Rule = Rule {
    id: "pipl39.separate",
    article: "PIPL Art. 39",
    requires: "separate consent for cross-border transfer",
    severity: Severity::Error,
    messages: &[NO_TRANSFER_CONSENT],
    check: separate,
};

const NO_TRANSFER_CONSENT: Message = Message {
    severity: Severity::Error,
    zh: "向境外提供个人信息，但没有任何处理目的取得单独同意。",
    en: "Personal information is transferred abroad, but no purpose asks for that separate consent.",
};

fn separate(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    if !s.profile.transfers.is_empty() && s.separate_purposes(SeparateConsent::CrossBorder).next().is_none() {
        l.report(rule, &NO_TRANSFER_CONSENT, &[], Some("cross_border"), at("purposes"));
    }
}
