//! PIPL Art. 17 (and the matching GDPR Arts. 13 and 14 items): before processing, the
//! notice must say who the controller is and how to reach it, the purposes, the processing
//! methods, the categories of personal information, how long it is kept and how to exercise
//! one's rights.

use super::checker::{at, same, Lint, What};
use super::section::Section;
use super::{Message, Rule, Severity};

/// The rules of PIPL Art. 17, in rule order.
pub(super) const RULES: &[Rule] = &[CONTROLLER, PURPOSES, METHODS, CATEGORIES, RETENTION, RIGHTS];

const CONTROLLER: Rule = Rule {
    id: "pipl17.controller",
    article: "PIPL Art. 17(1)(1); GDPR Art. 13(1)(a)",
    requires: "controller name and contact stated",
    severity: Severity::Error,
    messages: &[],
    check: controller,
};

const CONTROLLER_NAME: What = ("个人信息处理者名称", "the controller's name");
const CONTROLLER_CONTACT: What = ("个人信息处理者的联系方式", "the controller's contact details");

fn controller(rule: &Rule, l: &mut Lint<'_>) {
    let c = &l.s.profile.controller;
    l.need_value(rule, "controller.name", CONTROLLER_NAME, &c.name, None);
    l.need_plain(rule, "controller.contact", CONTROLLER_CONTACT, &c.contact, None);
    l.need_in_text(rule, (Section::Controller, "controller.name"), CONTROLLER_NAME, &c.name, None);
    l.need_plain_in_text(rule, (Section::Controller, "controller.contact"), CONTROLLER_CONTACT, &c.contact, None);
}

const PURPOSES: Rule = Rule {
    id: "pipl17.purposes",
    article: "PIPL Art. 17(1)(2); GDPR Art. 13(1)(c)",
    requires: "every purpose stated",
    severity: Severity::Error,
    messages: &[NO_PURPOSES],
    check: purposes,
};

const NO_PURPOSES: Message =
    Message {
        severity: Severity::Error, zh: "处理档案未列出任何处理目的。", en: "The profile lists no purposes."
    };

fn purposes(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    if s.catalogue.purposes.is_empty() {
        l.report(rule, &NO_PURPOSES, &[], None, at("purposes"));
    }
    for (i, x) in s.catalogue.purposes.iter().enumerate() {
        l.need_in_text(
            rule,
            (Section::Purposes, &format!("purposes[{i}]")),
            ("处理目的", "the purpose"),
            &x.name,
            None,
        );
    }
}

const METHODS: Rule = Rule {
    id: "pipl17.methods",
    article: "PIPL Art. 17(1)(2)",
    requires: "processing methods stated",
    severity: Severity::Error,
    messages: &[],
    check: methods,
};

fn methods(rule: &Rule, l: &mut Lint<'_>) {
    let p = &l.s.profile;
    l.need_value(rule, "methods", ("处理方式", "the processing methods"), &p.methods, None);
    l.need_in_text(rule, (Section::Processing, "methods"), ("处理方式", "the processing methods"), &p.methods, None);
}

const CATEGORIES: Rule = Rule {
    id: "pipl17.categories",
    article: "PIPL Art. 17(1)(2); GDPR Art. 14(1)(d)",
    requires: "every data category stated",
    severity: Severity::Error,
    messages: &[NO_CATEGORIES],
    check: categories,
};

const NO_CATEGORIES: Message = Message {
    severity: Severity::Error,
    zh: "处理档案未列出任何个人信息种类。",
    en: "The profile lists no data categories.",
};

fn categories(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    if s.profile.categories.is_empty() {
        l.report(rule, &NO_CATEGORIES, &[], None, at("categories"));
    }
    for (i, code) in s.profile.categories.iter().enumerate() {
        if let Some(c) = s.category(code) {
            l.need_in_text(
                rule,
                (Section::Categories, &format!("categories[{i}]")),
                ("个人信息种类", "the data category"),
                &c.name,
                None,
            );
        }
    }
}

const RETENTION: Rule = Rule {
    id: "pipl17.retention",
    article: "PIPL Art. 17(1)(2); GDPR Art. 13(2)(a)",
    requires: "retention stated for every purpose",
    severity: Severity::Error,
    messages: &[UNKNOWN_RETENTION, NO_RETENTION],
    check: retention,
};

const UNKNOWN_RETENTION: Message = Message {
    severity: Severity::Error,
    zh: "第{n}条保存期限适用于“{code}”，但它不是本档案中的处理目的或个人信息种类。",
    en: "Retention entry {n} applies to \"{code}\", which is neither a purpose nor a category of this profile.",
};
const NO_RETENTION: Message = Message {
    severity: Severity::Error,
    zh: "未给出处理目的“{purpose}”的保存期限。",
    en: "No retention period is given for purpose \"{purpose}\".",
};
const PERIOD: What = ("保存期限", "the retention period");

/// Every purpose needs a period, directly or through all its categories.
fn retention(rule: &Rule, l: &mut Lint<'_>) {
    let (s, fix) = (l.s, Some("retention"));
    let p = &s.profile;
    for (i, r) in p.retention.iter().enumerate() {
        let known = s.catalogue.purposes.iter().any(|x| x.code == r.applies_to) || s.category(&r.applies_to).is_some();
        if !known {
            let args = [("n", same(i + 1)), ("code", same(&r.applies_to))];
            l.report(rule, &UNKNOWN_RETENTION, &args, fix, at(&format!("retention[{i}].applies_to")));
        }
        l.need_value(rule, &format!("retention[{i}].period"), PERIOD, &r.period, fix);
        l.need_in_text(rule, (Section::Retention, &format!("retention[{i}].period")), PERIOD, &r.period, fix);
    }
    let all_categories_covered =
        !p.categories.is_empty() && p.categories.iter().all(|c| p.retention.iter().any(|r| &r.applies_to == c));
    for (i, x) in s.catalogue.purposes.iter().enumerate() {
        if !all_categories_covered && !p.retention.iter().any(|r| r.applies_to == x.code) {
            let args = [("purpose", x.name.clone())];
            l.report(rule, &NO_RETENTION, &args, fix, at(&format!("purposes[{i}]")));
        }
    }
}

const RIGHTS: Rule = Rule {
    id: "pipl17.rights",
    article: "PIPL Art. 17(1)(3), Arts. 44–47; GDPR Art. 13(2)(b)",
    requires: "how to exercise rights",
    severity: Severity::Error,
    messages: &[],
    check: rights,
};

fn rights(rule: &Rule, l: &mut Lint<'_>) {
    let p = &l.s.profile;
    let what = ("行使个人权利的方式和程序", "how to exercise rights");
    l.need_value(rule, "rights_channel", what, &p.rights_channel, Some("rights"));
    l.need_in_text(rule, (Section::Rights, "rights_channel"), what, &p.rights_channel, Some("rights"));
}
