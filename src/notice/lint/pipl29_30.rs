//! PIPL Arts. 28–30: sensitive personal information needs a separate consent (Art. 29), and
//! the notice must say why processing it is necessary and its impact on the person (Art. 30).

use super::checker::{at, Lint, What};
use super::section::Section;
use super::{Message, Rule, Severity};
use crate::notice::profile::Bilingual;
use crate::purpose::SeparateConsent;

/// The rules of PIPL Arts. 29 and 30, in rule order.
pub(super) const RULES: &[Rule] = &[SEPARATE, NECESSITY];

const SEPARATE: Rule = Rule {
    id: "pipl29.separate",
    article: "PIPL Art. 29",
    requires: "separate consent for sensitive data",
    severity: Severity::Error,
    messages: &[NO_SENSITIVE_CONSENT],
    check: separate,
};

const NO_SENSITIVE_CONSENT: Message = Message {
    severity: Severity::Error,
    zh: "处理敏感个人信息（{names}），但没有任何处理目的取得单独同意。",
    en: "Sensitive personal information ({names}) is processed, but no purpose asks for a separate consent to it.",
};

fn separate(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    let sensitive: Vec<&Bilingual> = s.sensitive_categories().map(|c| &c.name).collect();
    if !sensitive.is_empty() && s.separate_purposes(SeparateConsent::Sensitive).next().is_none() {
        let names =
            |zh: bool| sensitive.iter().map(|n| n.get(zh)).collect::<Vec<_>>().join(if zh { "、" } else { ", " });
        let args = [("names", Bilingual { zh: names(true), en: names(false) })];
        l.report(rule, &NO_SENSITIVE_CONSENT, &args, Some("sensitive_data"), at("purposes"));
    }
}

const NECESSITY: Rule = Rule {
    id: "pipl30.necessity",
    article: "PIPL Art. 30",
    requires: "necessity and impact of processing sensitive data",
    severity: Severity::Error,
    messages: &[NO_STATEMENT],
    check: necessity,
};

const NO_STATEMENT: Message = Message {
    severity: Severity::Error,
    zh: "处理敏感个人信息，但处理档案未说明其必要性及对个人权益的影响。",
    en: "Sensitive personal information is processed, but the profile states neither why it is necessary nor its impact on the person.",
};
const WHY: What = ("处理敏感个人信息的必要性", "why processing sensitive data is necessary");
const IMPACT: What = ("对个人权益的影响", "the impact on the person");

fn necessity(rule: &Rule, l: &mut Lint<'_>) {
    let (s, fix) = (l.s, Some("sensitive_data"));
    if s.sensitive_categories().next().is_none() {
        return;
    }
    match &s.profile.sensitive {
        None => l.report(rule, &NO_STATEMENT, &[], fix, at("sensitive")),
        Some(st) => {
            l.need_value(rule, "sensitive.necessity", WHY, &st.necessity, fix);
            l.need_value(rule, "sensitive.impact", IMPACT, &st.impact, fix);
            l.need_in_text(rule, (Section::Sensitive, "sensitive.necessity"), WHY, &st.necessity, fix);
            l.need_in_text(rule, (Section::Sensitive, "sensitive.impact"), IMPACT, &st.impact, fix);
        }
    }
}
