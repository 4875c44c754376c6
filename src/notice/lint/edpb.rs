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
    messages: &[SAME_NAME, TWO_AIMS],
    check: granularity,
};

const TWO_AIMS: Message = Message {
    severity: Severity::Warning,
    zh: "处理目的“{purpose}”的名称似乎把两个目的合为一项（“{joint}”）；每个目的应有各自的选项。如确为同一目的，请改写名称。",
    en: "Purpose \"{purpose}\" reads as two aims in one box (\"{joint}\"); each aim needs its own choice. If it is one aim, reword the name.",
};

/// Words that join two aims in one purpose's name: "newsletter and partner offers",
/// "营销及调研". A category list inside a name ("name and e-mail") is rare in a purpose.
const JOINTS: (&[&str], &[&str]) = (&["以及", "和", "及", "并"], &[" and ", " & ", " as well as ", "; ", " plus "]);

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
    for (i, x) in s.catalogue.purposes.iter().enumerate() {
        if !x.asks_consent() {
            continue;
        }
        let joint = JOINTS.0.iter().find(|j| x.name.zh.contains(*j)).or_else(|| {
            let en = format!(" {} ", x.name.en.to_lowercase());
            JOINTS.1.iter().find(|j| en.contains(*j))
        });
        if let Some(j) = joint {
            let args = [("purpose", x.name.clone()), ("joint", Bilingual { zh: j.trim().into(), en: j.trim().into() })];
            l.report(rule, &TWO_AIMS, &args, None, at(&format!("purposes[{i}]")));
        }
    }
}
