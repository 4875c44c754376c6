//! EDPB Guidelines 05/2020 on consent: consent is not a condition of the service (no
//! bundling), is an affirmative act (nothing pre-ticked), is given per purpose
//! (granularity), and is withdrawn as easily as it was given.

use super::checker::{at, fold, lang, on_line, same, Lint};
use super::section::Section;
use super::{Message, Place, Rule, Severity};
use crate::notice::profile::Bilingual;

/// The rules of EDPB 05/2020, in rule order.
pub(super) const RULES: &[Rule] = &[BUNDLING, PRETICKED, GRANULARITY, WITHDRAWAL];

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

const WITHDRAWAL: Rule = Rule {
    id: "edpb.withdrawal",
    article: "EDPB 05/2020 §§113–116; GDPR Art. 7(3); PIPL Art. 15",
    requires: "withdrawal as easy as the grant, and said to be",
    severity: Severity::Error,
    messages: &[HARDER, PROOF],
    check: withdrawal,
};

const HARDER: Message = Message {
    severity: Severity::Error,
    zh: "撤回同意的方式（“{channel}”）只提供了比作出同意更难的途径（{burden}）。同意是在展位或自助终端上勾选作出的；请同时提供同样便捷的撤回途径，例如向展位工作人员提出、发送电子邮件或点击退订链接。",
    en: "The way to withdraw (\"{channel}\") offers only routes harder than giving consent ({burden}). Consent is given with a tick at the stand or kiosk; offer a route as easy, such as telling the stand staff, an e-mail or an unsubscribe link.",
};
const PROOF: Message = Message {
    severity: Severity::Error,
    zh: "撤回同意的方式要求提供身份证件或公证（“{burden}”），而作出同意时并无此要求。撤回不得比同意更难：请删除该要求。",
    en: "The way to withdraw asks for an identity document or notarisation (\"{burden}\"), which giving consent did not. Withdrawing may not be harder than consenting: drop that demand.",
};

/// Routes that ask more of the person than a tick at a stand.
const BURDENS: (&[&str], &[&str]) = (
    &["书面", "邮寄", "信函", "挂号信", "亲自到", "到我司", "到公司"],
    &["in writing", "by post", "by letter", "registered mail", "in person at our office", "written request", "fax"],
);
/// Demands a grant never made.
const PROOFS: (&[&str], &[&str]) = (
    &["身份证复印件", "身份证件", "证件复印件", "公证"],
    &["copy of your id", "identity document", "passport", "notar", " id card"],
);
/// Routes as easy as the grant.
const EASY: (&[&str], &[&str]) = (
    &["展位", "现场", "工作人员", "电子邮件", "邮箱", "退订", "点击", "自助终端", "电话"],
    &["stand", "staff", "email", "e-mail", "unsubscribe", "click", "kiosk", "call", "phone"],
);

/// EDPB 05/2020 §114: "it shall be as easy to withdraw as to give consent"; withdrawing
/// at the stand through a different interface is fine, a letter or an ID document is not.
fn withdrawal(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    if !s.catalogue.purposes.iter().any(|x| x.asks_consent()) {
        return;
    }
    let channel = &s.profile.withdrawal_channel;
    for zh in [true, false] {
        let text = fold(channel.get(zh));
        let pick = |l: &(&'static [&'static str], &'static [&'static str])| if zh { l.0 } else { l.1 };
        if let Some(p) = pick(&PROOFS).iter().find(|w| text.contains(*w)) {
            l.report(rule, &PROOF, &[("burden", same(p))], Some("withdrawal"), at("withdrawal_channel"));
        } else if let Some(b) = pick(&BURDENS).iter().find(|w| text.contains(*w)) {
            if !pick(&EASY).iter().any(|w| text.contains(*w)) {
                let args = [("channel", same(channel.get(zh).trim())), ("burden", same(b))];
                l.report(rule, &HARDER, &args, Some("withdrawal"), at("withdrawal_channel"));
            }
        }
    }
    l.need_phrase(
        rule,
        Section::Withdrawal,
        (&["同样便捷", "一样便捷", "同等便捷"], &["as easy as", "as easily as"]),
        ("撤回同意与作出同意同样便捷", "that withdrawing is as easy as consenting"),
        Some("withdrawal"),
    );
}
