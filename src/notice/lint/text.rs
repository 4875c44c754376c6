//! Checks on the text itself: wording in both languages (PIPL Art. 17, ISO/IEC 29184), no
//! placeholders left, and no hidden or bidirectional control characters, in the wording or
//! the profile, that could make it read differently from what is stored (Trojan Source).

use super::checker::{at, lang, on_line, same, Lint};
use super::section::Section;
use super::{Message, Place, Rule, Severity};
use crate::notice::hidden_characters;
use crate::notice::profile::Snapshot;

/// The text rules, in rule order.
pub(super) const RULES: &[Rule] = &[HIDDEN, MISSING, PLACEHOLDER, MARKS];

const HIDDEN: Rule = Rule {
    id: "text.hidden",
    article: "Trojan Source (CVE-2021-42574)",
    requires: "no bidirectional or invisible control characters",
    severity: Severity::Error,
    messages: &[HIDDEN_IN_TEXT, HIDDEN_IN_PROFILE],
    check: hidden,
};

const HIDDEN_IN_TEXT: Message = Message {
    severity: Severity::Error,
    zh: "{lang}文本含有隐藏字符 U+{code}，可能使显示内容与实际存储内容不一致。",
    en: "Hidden character U+{code} in the {lang} wording; it can make the text read differently from what is stored.",
};
const HIDDEN_IN_PROFILE: Message = Message {
    severity: Severity::Error,
    zh: "处理档案字段 {path} 含有隐藏字符或双向控制字符。",
    en: "The profile field {path} has a hidden or bidirectional control character.",
};

/// The wording line by line, then the profile's fields.
fn hidden(rule: &Rule, l: &mut Lint<'_>) {
    for (language, raw) in l.raw {
        for (n, line) in raw.lines().enumerate() {
            for (at, ch) in hidden_characters(line) {
                let args = [("lang", lang(language)), ("code", same(format!("{:04X}", u32::from(ch))))];
                l.report(rule, &HIDDEN_IN_TEXT, &args, None, on_line(language, n, line, Some(at)));
            }
        }
    }
    for (path, _) in profile_texts(l.s).into_iter().filter(|(_, t)| !hidden_characters(t).is_empty()) {
        let args = [("path", same(&path))];
        l.report(rule, &HIDDEN_IN_PROFILE, &args, None, Place { field: Some(path), ..Place::default() });
    }
}

/// Every text field of the profile, by its path (`controller.name.en`, `retention[0].period.zh`).
fn profile_texts(s: &Snapshot) -> Vec<(String, String)> {
    let json = serde_json::to_value(&s.profile).unwrap_or_default();
    let mut out = Vec::new();
    fn walk(v: &serde_json::Value, path: String, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::String(t) => out.push((path, t.clone())),
            serde_json::Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| walk(x, format!("{path}[{i}]"), out)),
            serde_json::Value::Object(o) => o
                .iter()
                .for_each(|(k, x)| walk(x, if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, out)),
            _ => {}
        }
    }
    walk(&json, String::new(), &mut out);
    out
}

const MISSING: Rule = Rule {
    id: "text.missing",
    article: "PIPL Art. 17; ISO/IEC 29184 5.2.4",
    requires: "wording in both languages",
    severity: Severity::Error,
    messages: &[NO_WORDING],
    check: missing,
};

const NO_WORDING: Message =
    Message { severity: Severity::Error, zh: "缺少{lang}文本。", en: "There is no {lang} wording." };

fn missing(rule: &Rule, l: &mut Lint<'_>) {
    for (language, raw) in l.raw {
        if raw.trim().is_empty() {
            let place = Place { language: Some(language), ..Place::default() };
            l.report(rule, &NO_WORDING, &[("lang", lang(language))], None, place);
        }
    }
}

const PLACEHOLDER: Rule = Rule {
    id: "text.placeholder",
    article: "PIPL Art. 17 (clear and complete)",
    requires: "no placeholders left in the wording or the profile",
    severity: Severity::Error,
    messages: &[PLACEHOLDER_LEFT, PLACEHOLDER_IN_PROFILE],
    check: placeholder,
};

const PLACEHOLDER_LEFT: Message = Message {
    severity: Severity::Error,
    zh: "{lang}文本仍有占位内容（“{p}”）。请填写实际内容后再提交审核。",
    en: "The {lang} wording still has a placeholder (\"{p}\"). Write the real text before it goes for review.",
};
const PLACEHOLDER_IN_PROFILE: Message = Message {
    severity: Severity::Error,
    zh: "处理档案字段 {path} 仍是占位内容（“{p}”）。请填写实际内容。",
    en: "The profile field {path} is still a placeholder (\"{p}\"). Fill in the real value.",
};
/// What marks a placeholder left in the wording.
const PLACEHOLDERS: &[&str] = &["TODO", "TBD", "FIXME", "XXX", "待定", "待补充", "{{", "}}", "{%"];

/// A placeholder in the wording (on its line) or in any text field of the profile (at its
/// path): an error, so that a notice with one cannot be submitted or approved.
fn placeholder(rule: &Rule, l: &mut Lint<'_>) {
    for (language, raw) in l.raw {
        for (n, line) in raw.lines().enumerate() {
            if let Some(p) = PLACEHOLDERS.iter().find(|p| line.contains(*p)) {
                let place = on_line(language, n, line, line.find(*p));
                l.report(rule, &PLACEHOLDER_LEFT, &[("lang", lang(language)), ("p", same(p))], None, place);
            }
        }
    }
    for (path, text) in profile_texts(l.s) {
        if let Some(p) = PLACEHOLDERS.iter().find(|p| text.contains(*p)) {
            l.report(rule, &PLACEHOLDER_IN_PROFILE, &[("path", same(&path)), ("p", same(p))], None, at(&path));
        }
    }
}

const MARKS: Rule = Rule {
    id: "text.marks",
    article: "ISO/IEC 29184 5.3",
    requires: "section marks name an element the lint knows",
    severity: Severity::Warning,
    messages: &[UNKNOWN_MARK],
    check: marks,
};

const UNKNOWN_MARK: Message = Message {
    severity: Severity::Warning,
    zh: "{lang}文本第{line}行的章节标记 #{mark} 不是已知要素，该部分不会被任何规则读取。可用的标记：{known}。",
    en: "The section mark #{mark} on line {line} of the {lang} wording names no element, so no rule reads that section. Marks: {known}.",
};

/// A mistyped mark (`#withdrawl`) would leave its section unread.
fn marks(rule: &Rule, l: &mut Lint<'_>) {
    let known = Section::ALL.iter().map(|s| format!("#{}", s.id())).collect::<Vec<_>>().join(" ");
    for i in 0..2 {
        let language = l.raw[i].0;
        let unknown: Vec<(String, usize)> = l.parts[i].unknown_marks().map(|(m, n)| (m.to_string(), n)).collect();
        for (mark, line) in unknown {
            let args = [("lang", lang(language)), ("line", same(line)), ("mark", same(&mark)), ("known", same(&known))];
            let place = Place { language: Some(language), line: Some(line), ..Place::default() };
            l.report(rule, &UNKNOWN_MARK, &args, None, place);
        }
    }
}
