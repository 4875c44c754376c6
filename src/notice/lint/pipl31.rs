//! PIPL Art. 31 (and GDPR Art. 8): personal information of children under 14 needs the
//! consent of a parent or other guardian, and dedicated processing rules.

use super::checker::{at, Lint, What};
use super::section::Section;
use super::{Message, Place, Rule, Severity};

/// The rule of PIPL Art. 31.
pub(super) const RULES: &[Rule] = &[MINORS];

const MINORS: Rule = Rule {
    id: "pipl31.minors",
    article: "PIPL Art. 31; GDPR Art. 8",
    requires: "guardian consent and dedicated rules for under-14s",
    severity: Severity::Error,
    messages: &[MINORS_OUT_OF_SCOPE, NO_GUARDIAN_PATH],
    check: minors,
};

const MINORS_OUT_OF_SCOPE: Message = Message {
    severity: Severity::Warning,
    zh: "有个人信息种类涉及不满十四周岁未成年人，但处理档案称不涉及未成年人。",
    en: "A category holds data of children under 14, but the profile says children are not in scope.",
};
const NO_GUARDIAN_PATH: Message = Message {
    severity: Severity::Error,
    zh: "涉及未成年人，但同意表单没有监护人同意流程。",
    en: "Children are in scope but the form has no guardian path.",
};
const RULES_FOR_CHILDREN: What = ("专门的未成年人个人信息处理规则", "the dedicated rules for children's data");

fn minors(rule: &Rule, l: &mut Lint<'_>) {
    let (s, fix) = (l.s, Some("minors"));
    let p = &s.profile;
    let minor_data = s.catalogue.categories.iter().any(|c| c.sensitive.as_deref() == Some("minor_under_14"));
    if minor_data && !p.minors.in_scope {
        l.report(rule, &MINORS_OUT_OF_SCOPE, &[], fix, at("minors.in_scope"));
    }
    if p.minors.in_scope {
        l.need_value(rule, "minors.rules", RULES_FOR_CHILDREN, &p.minors.rules, fix);
        l.need_in_text(rule, (Section::Minors, "minors.rules"), RULES_FOR_CHILDREN, &p.minors.rules, fix);
        l.need_phrase(
            rule,
            Section::Minors,
            (&["监护人"], &["guardian", "parent"]),
            ("需取得父母或其他监护人的同意", "that a parent's or guardian's consent is needed"),
            fix,
        );
        if l.form.guardian.is_none() {
            l.report(rule, &NO_GUARDIAN_PATH, &[], fix, Place::default());
        }
    }
}
