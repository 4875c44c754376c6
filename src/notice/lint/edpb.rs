//! EDPB Guidelines 05/2020 on consent: consent is not a condition of the service (no
//! bundling), is an affirmative act (nothing pre-ticked) and is given per purpose
//! (granularity).

use super::checker::{at, fold, lang, on_line, same, Lint};
use super::{Message, Place, Rule, Severity};
use crate::notice::profile::Bilingual;

/// The rules of EDPB 05/2020, in rule order.
pub(super) const RULES: &[Rule] = &[BUNDLING, PRETICKED, GRANULARITY];

const BUNDLING: Rule = Rule {
    id: "edpb.bundling",
    article: "EDPB 05/2020 §3.1.2; GDPR Art. 7(4); PIPL Art. 16",
    requires: "no consent purpose required for the service",
    severity: Severity::Error,
    messages: &[BUNDLED],
    check: bundling,
};

const BUNDLED: Message = Message {
    severity: Severity::Error,
    zh: "处理目的“{purpose}”以同意为依据，却被标记为提供服务所必需；不得以同意为提供服务的条件。",
    en: "Purpose \"{purpose}\" is based on consent but marked as necessary for the service; consent to it cannot be a condition.",
};

fn bundling(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    for (i, x) in s.catalogue.purposes.iter().enumerate() {
        if x.asks_consent() && x.necessary {
            l.report(rule, &BUNDLED, &[("purpose", x.name.clone())], None, at(&format!("purposes[{i}]")));
        }
    }
}

const PRETICKED: Rule = Rule {
    id: "edpb.preticked",
    article: "EDPB 05/2020 §3.4; GDPR Recital 32",
    requires: "nothing pre-ticked",
    severity: Severity::Error,
    messages: &[TICKED_BOX, TICKED_IN_TEXT],
    check: preticked,
};

const TICKED_BOX: Message = Message {
    severity: Severity::Error,
    zh: "选项“{label}”被预先勾选或被设为必选。",
    en: "The box \"{label}\" is pre-ticked or required.",
};
const TICKED_IN_TEXT: Message = Message {
    severity: Severity::Error,
    zh: "{lang}文本出现预先勾选的选项（“{p}”）；同意必须由本人主动作出。",
    en: "The {lang} wording shows a pre-ticked choice (\"{p}\"); consent needs an affirmative act.",
};
/// What shows a pre-ticked choice in the wording.
const TICKS: &[&str] =
    &["☑", "✔", "✅", "☒", "[x]", "[X]", "(x)", "pre-ticked", "pre-selected", "默认勾选", "已默认同意", "默认同意"];

/// The form's boxes first, then the wording, line by line.
fn preticked(rule: &Rule, l: &mut Lint<'_>) {
    let form = l.form;
    for c in form.controls() {
        if c.checked || c.required {
            l.report(rule, &TICKED_BOX, &[("label", c.label.clone())], None, Place::default());
        }
    }
    for (language, raw) in l.raw {
        for (n, line) in raw.lines().enumerate() {
            if let Some(p) = TICKS.iter().find(|p| line.contains(*p)) {
                let place = on_line(language, n, line, line.find(*p));
                l.report(rule, &TICKED_IN_TEXT, &[("lang", lang(language)), ("p", same(p))], None, place);
            }
        }
    }
}

const GRANULARITY: Rule = Rule {
    id: "edpb.granularity",
    article: "EDPB 05/2020 §3.1.3",
    requires: "one distinguishable choice per purpose",
    severity: Severity::Warning,
    messages: &[SAME_NAME],
    check: granularity,
};

const SAME_NAME: Message = Message {
    severity: Severity::Warning,
    zh: "两个处理目的同名（“{purpose}”），个人无法区分各项选择。",
    en: "Two purposes are both called \"{purpose}\"; a person cannot tell the choices apart.",
};

fn granularity(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    let mut seen: Vec<(String, String)> = Vec::new();
    for x in &s.catalogue.purposes {
        let key = (fold(&x.name.zh), fold(&x.name.en));
        if seen.iter().any(|k| k.0 == key.0 || k.1 == key.1) {
            let name: Bilingual = x.name.clone();
            l.report(rule, &SAME_NAME, &[("purpose", name)], None, at("purposes"));
        }
        seen.push(key);
    }
}
