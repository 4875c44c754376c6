//! PIPL Art. 21 (and GDPR Art. 13(1)(e)): service providers entrusted to process the data on
//! the controller's behalf are recipients the person must be told of, by name (or category)
//! and with the task they do. A profile written before this field existed is flagged.

use super::checker::{at, Lint, What};
use super::section::Section;
use super::{Message, Rule, Severity};

/// The rule of PIPL Art. 21.
pub(super) const RULES: &[Rule] = &[PROCESSORS];

const PROCESSORS: Rule = Rule {
    id: "pipl21.processors",
    article: "PIPL Art. 21; GDPR Arts. 13(1)(e), 28",
    requires: "entrusted processors stated, each with its task",
    severity: Severity::Error,
    messages: &[NOT_STATED],
    check: processors,
};

const NOT_STATED: Message = Message {
    severity: Severity::Warning,
    zh: "处理档案未说明是否委托他人（受托人）处理个人信息。请列出受托人及其受托事项（例如云服务、短信服务商），如未委托，请说明“无”。",
    en: "The profile does not say whether service providers process the data on your behalf (processors). List each with its task (cloud hosting, SMS provider), or state that there are none.",
};
const NAME: What = ("受托人名称", "the processor's name");
const TASK: What = ("受托人的受托事项", "the processor's task");

fn processors(rule: &Rule, l: &mut Lint<'_>) {
    let Some(list) = &l.s.profile.processors else {
        l.report(rule, &NOT_STATED, &[], Some("processors"), at("processors"));
        return;
    };
    let fix = Some("processors");
    for (i, x) in list.iter().enumerate() {
        let path = |f: &str| format!("processors[{i}].{f}");
        l.need_value(rule, &path("name"), NAME, &x.name, fix);
        l.need_value(rule, &path("task"), TASK, &x.task, fix);
        l.need_in_text(rule, (Section::Sharing, &path("name")), NAME, &x.name, fix);
        l.need_in_text(rule, (Section::Sharing, &path("task")), TASK, &x.task, fix);
    }
}
