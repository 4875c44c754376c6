//! GDPR Arts. 12(3), 14(2)(f) and 22 (with PIPL Arts. 24 and 50): a concrete period to
//! answer requests, the source of data not collected from the person, and whether automated
//! decisions are made and how. Each is a profile field the wording states; a profile written
//! before these fields existed is flagged, and the wording then makes no claim it cannot
//! support.

use super::checker::{at, same, Lint, What};
use super::section::Section;
use super::{Message, Rule, Severity};

/// The rules of GDPR Arts. 12, 14 and 22, in rule order.
pub(super) const RULES: &[Rule] = &[RESPONSE, SOURCE, AUTOMATED];

/// GDPR Art. 12(3): "without undue delay and in any event within one month".
const GDPR_MAX_DAYS: u32 = 30;

const RESPONSE: Rule = Rule {
    id: "gdpr12.response",
    article: "GDPR Art. 12(3); PIPL Art. 50",
    requires: "a concrete period for answering requests",
    severity: Severity::Error,
    messages: &[NO_PERIOD, PERIOD_TOO_LONG, PERIOD_ZERO],
    check: response,
};

const NO_PERIOD: Message = Message {
    severity: Severity::Warning,
    zh: "处理档案未说明答复个人行使权利请求的期限，文本只能写“在法律规定的期限内”。请填写答复期限（天数）。",
    en: "The profile gives no period for answering requests, so the wording can only say \"within the time the law allows\". Give the period in days.",
};
const PERIOD_TOO_LONG: Message = Message {
    severity: Severity::Error,
    zh: "答复期限为{days}日，但GDPR要求在收到请求后一个月内答复。请填写不超过30日的期限。",
    en: "The response period is {days} days, but the GDPR requires an answer within one month of the request. Give at most 30 days.",
};
const PERIOD_ZERO: Message = Message {
    severity: Severity::Error,
    zh: "答复期限为0日。请填写实际可以做到的天数，例如15。",
    en: "The response period is 0 days. Give a number of days you can keep to, such as 15.",
};

fn response(rule: &Rule, l: &mut Lint<'_>) {
    let p = &l.s.profile;
    match p.response_days {
        None => l.report(rule, &NO_PERIOD, &[], Some("rights"), at("response_days")),
        Some(0) => l.report(rule, &PERIOD_ZERO, &[], Some("rights"), at("response_days")),
        Some(days) if p.gdpr() && days > GDPR_MAX_DAYS => {
            l.report(rule, &PERIOD_TOO_LONG, &[("days", same(days))], Some("rights"), at("response_days"));
        }
        Some(days) => {
            let period = crate::notice::profile::Bilingual { zh: format!("{days}日内"), en: format!("{days} days") };
            l.need_in_text(rule, (Section::Rights, "response_days"), PERIOD, &period, Some("rights"));
        }
    }
}

const PERIOD: What = ("答复期限", "the response period");

const SOURCE: Rule = Rule {
    id: "gdpr14.source",
    article: "GDPR Art. 14(2)(f)",
    requires: "the source of data not collected from the person",
    severity: Severity::Error,
    messages: &[],
    check: source,
};

const WHERE_FROM: What = ("个人信息来源", "where the data comes from");

fn source(rule: &Rule, l: &mut Lint<'_>) {
    let source = &l.s.profile.source;
    if source.is_empty() {
        return;
    }
    l.need_value(rule, "source", WHERE_FROM, source, None);
    l.need_in_text(rule, (Section::Categories, "source"), WHERE_FROM, source, None);
}

const AUTOMATED: Rule = Rule {
    id: "gdpr22.automated",
    article: "GDPR Arts. 13(2)(f), 22; PIPL Art. 24",
    requires: "whether automated decisions are made, their logic and significance",
    severity: Severity::Error,
    messages: &[NOT_STATED],
    check: automated,
};

const NOT_STATED: Message = Message {
    severity: Severity::Warning,
    zh: "处理档案未说明是否进行自动化决策，文本对此不作任何说明。请说明是否进行自动化决策（包括用户画像）。",
    en: "The profile does not say whether automated decisions are made, so the wording says nothing about it. Say whether decisions are made by automated means (profiling included).",
};
const LOGIC: What = ("自动化决策的逻辑", "the logic of the automated decisions");
const SIGNIFICANCE: What = ("自动化决策对个人的意义和后果", "what the automated decisions mean for the person");

fn automated(rule: &Rule, l: &mut Lint<'_>) {
    let Some(a) = &l.s.profile.automated_decisions else {
        l.report(rule, &NOT_STATED, &[], None, at("automated_decisions"));
        return;
    };
    if !a.used {
        return;
    }
    l.need_value(rule, "automated_decisions.logic", LOGIC, &a.logic, None);
    l.need_value(rule, "automated_decisions.significance", SIGNIFICANCE, &a.significance, None);
    l.need_in_text(rule, (Section::Automated, "automated_decisions.logic"), LOGIC, &a.logic, None);
    l.need_in_text(rule, (Section::Automated, "automated_decisions.significance"), SIGNIFICANCE, &a.significance, None);
    l.need_phrase(
        rule,
        Section::Automated,
        (&["拒绝"], &["refuse", "contest"]),
        ("个人有权拒绝仅通过自动化决策作出的决定", "that the person may refuse or contest such decisions"),
        None,
    );
}
