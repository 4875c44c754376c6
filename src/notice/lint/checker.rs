//! What the rules run on: the snapshot, the wording (as written and folded for matching)
//! and the form, the findings so far, and the checks the rules share: a profile value
//! filled in, a value stated in the wording, a phrase present.

use std::collections::HashSet;

pub(super) use super::section::fold;
use super::section::{Parts, Section};
use super::{Finding, Message, Place, Rule, Severity};
use crate::notice::form::FormDefinition;
use crate::notice::profile::{Bilingual, Snapshot};
use crate::notice::Language;

/// A value filled in a message, in both languages.
pub(super) type Arg<'a> = (&'a str, Bilingual);

/// A value that reads the same in both languages.
pub(super) fn same(value: impl ToString) -> Bilingual {
    let v = value.to_string();
    Bilingual { zh: v.clone(), en: v }
}

/// The name of a language, in Chinese (`中文`) or English.
pub(super) fn lang_name(language: Language, zh: bool) -> &'static str {
    match (language, zh) {
        (Language::ZhCn, true) => "中文",
        (Language::ZhCn, false) => "Chinese",
        (Language::En, true) => "英文",
        (Language::En, false) => "English",
    }
}

/// The name of a language, as a message value.
pub(super) fn lang(language: Language) -> Bilingual {
    Bilingual { zh: lang_name(language, true).into(), en: lang_name(language, false).into() }
}

/// A place in the profile.
pub(super) fn at(path: &str) -> Place {
    Place { field: Some(path.into()), ..Place::default() }
}

/// A place on a line of the wording; `byte` is where on the line, if known.
pub(super) fn on_line(language: Language, n: usize, line: &str, byte: Option<usize>) -> Place {
    Place {
        field: None,
        language: Some(language),
        line: Some(n + 1),
        column: byte.map(|b| line[..b].chars().count() + 1),
    }
}

/// Fills the `{name}` placeholders of `template` with the values of one language.
fn fill(template: &str, args: &[Arg<'_>], zh: bool) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| Some((close, args.iter().find(|a| a.0 == &after[..close])?))) {
            Some((close, arg)) => {
                out.push_str(arg.1.get(zh));
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// What a rule requires stated, in Chinese and English.
pub(super) type What = (&'static str, &'static str);

const NO_VALUE: Message = Message {
    severity: Severity::Error,
    zh: "处理档案缺少{what}的{lang}文本。",
    en: "The profile does not give {what} in {lang}.",
};
const NO_PLAIN: Message =
    Message { severity: Severity::Error, zh: "处理档案缺少{what}。", en: "The profile does not give {what}." };
const NOT_IN_TEXT: Message = Message {
    severity: Severity::Error,
    zh: "{lang}文本说明{section}的部分（第{line}行起）未写明{what}（“{value}”）。",
    en: "The {lang} wording's section on {section} (from line {line}) does not state {what} (\"{value}\").",
};
const ONLY_ELSEWHERE: Message = Message {
    severity: Severity::Error,
    zh: "{lang}文本写到了“{value}”，但不在说明{section}的部分（第{line}行起）：请在该部分写明{what}。",
    en: "The {lang} wording has \"{value}\", but not in its section on {section} (from line {line}): state {what} there.",
};
const NO_PHRASE: Message = Message {
    severity: Severity::Error,
    zh: "{lang}文本说明{section}的部分（第{line}行起）未写明{what}。",
    en: "The {lang} wording's section on {section} (from line {line}) does not state {what}.",
};
const NO_SECTION: Message = Message {
    severity: Severity::Error,
    zh: "{lang}文本没有说明{section}的部分。请添加该部分，或在说明它的标题末尾加上标记 {: #{id}}。",
    en: "The {lang} wording has no section on {section}. Add one, or end the heading of the section that states it with {: #{id}}.",
};

/// Where a clause's words were found.
enum Found {
    /// In the element's section.
    Here,
    /// The wording has no section for the element.
    NoSection,
    /// Not in its section (from this line), and nowhere else.
    Missing(usize),
    /// Not in its section (from this line), but elsewhere in the wording.
    Elsewhere(usize),
}

/// The lint as it runs.
pub(super) struct Lint<'a> {
    /// The profile snapshot.
    pub s: &'a Snapshot,
    /// The capture form.
    pub form: &'a FormDefinition,
    /// The wording in each language, folded.
    pub texts: [(Language, String); 2],
    /// The wording in each language, as written.
    pub raw: [(Language, &'a str); 2],
    /// The sections of the wording in each language.
    pub parts: [Parts; 2],
    /// What the rules found so far.
    pub findings: Vec<Finding>,
    /// The missing sections already reported, by rule and language.
    no_section: HashSet<(&'static str, Language, &'static str)>,
}

impl<'a> Lint<'a> {
    pub(super) fn new(s: &'a Snapshot, text_zh: &'a str, text_en: &'a str, form: &'a FormDefinition) -> Self {
        Lint {
            s,
            form,
            texts: [(Language::ZhCn, fold(text_zh)), (Language::En, fold(text_en))],
            raw: [(Language::ZhCn, text_zh), (Language::En, text_en)],
            parts: [Parts::read(text_zh), Parts::read(text_en)],
            findings: Vec::new(),
            no_section: HashSet::new(),
        }
    }

    /// Where any of `needles` (folded) is in the wording of language `i`, for `section`.
    fn find(&self, i: usize, section: Section, needles: &[String]) -> Found {
        let zh = self.texts[i].0 == Language::ZhCn;
        let mut first = None;
        for part in self.parts[i].of(section, zh) {
            if needles.iter().any(|n| part.text.contains(n.as_str())) {
                return Found::Here;
            }
            first = first.or(Some(part.line));
        }
        match first {
            None => Found::NoSection,
            Some(line) if needles.iter().any(|n| self.texts[i].1.contains(n.as_str())) => Found::Elsewhere(line),
            Some(line) => Found::Missing(line),
        }
    }

    /// Reports what [`find`](Self::find) found, unless it is in place.
    fn report_found(
        &mut self,
        rule: &Rule,
        (i, section, field): (usize, Section, Option<&str>),
        found: Found,
        (missing, args): (&Message, Vec<Arg<'_>>),
        fix: Option<&'static str>,
    ) {
        let language = self.texts[i].0;
        let name = section.name();
        let mut args = args;
        args.push(("lang", lang(language)));
        args.push(("section", Bilingual { zh: name.0.into(), en: name.1.into() }));
        let (message, line) = match found {
            Found::Here => return,
            Found::NoSection => {
                if !self.no_section.insert((rule.id, language, section.id())) {
                    return;
                }
                args.push(("id", same(section.id())));
                let place = Place { language: Some(language), ..Place::default() };
                self.push(rule, rule.severity, &NO_SECTION, &args, fix, place);
                return;
            }
            Found::Missing(line) => (missing, line),
            Found::Elsewhere(line) => (&ONLY_ELSEWHERE, line),
        };
        args.push(("line", same(line)));
        let place = Place { field: field.map(Into::into), language: Some(language), line: Some(line), column: None };
        self.push(rule, rule.severity, message, &args, fix, place);
    }

    /// Reports one of `rule`'s messages at its severity, with `args` filled in.
    pub(super) fn report(
        &mut self,
        rule: &Rule,
        message: &Message,
        args: &[Arg<'_>],
        fix: Option<&'static str>,
        place: Place,
    ) {
        self.push(rule, message.severity, message, args, fix, place);
    }

    fn push(
        &mut self,
        rule: &Rule,
        severity: Severity,
        message: &Message,
        args: &[Arg<'_>],
        fix: Option<&'static str>,
        place: Place,
    ) {
        self.findings.push(Finding {
            rule: rule.id,
            severity,
            article: rule.article,
            message: Bilingual { zh: fill(message.zh, args, true), en: fill(message.en, args, false) },
            fix_clause: fix,
            place,
        });
    }

    /// A bilingual profile value must be filled in both languages.
    pub(super) fn need_value(
        &mut self,
        rule: &Rule,
        path: &str,
        what: What,
        value: &Bilingual,
        fix: Option<&'static str>,
    ) {
        for language in Language::ALL {
            let zh = *language == Language::ZhCn;
            if value.get(zh).trim().is_empty() {
                let place = Place { language: Some(*language), ..at(path) };
                let name = Bilingual {
                    zh: lang_name(*language, true).trim_end_matches('文').into(),
                    en: lang_name(*language, false).into(),
                };
                let args = [("what", Bilingual { zh: what.0.into(), en: what.1.into() }), ("lang", name)];
                self.push(rule, rule.severity, &NO_VALUE, &args, fix, place);
            }
        }
    }

    /// A single-language profile value (a contact) must be filled.
    pub(super) fn need_plain(&mut self, rule: &Rule, path: &str, what: What, value: &str, fix: Option<&'static str>) {
        if value.trim().is_empty() {
            let args = [("what", Bilingual { zh: what.0.into(), en: what.1.into() })];
            self.push(rule, rule.severity, &NO_PLAIN, &args, fix, at(path));
        }
    }

    /// A value must appear in the wording of its language, in the section that states it.
    pub(super) fn need_in_text(
        &mut self,
        rule: &Rule,
        (section, path): (Section, &str),
        what: What,
        value: &Bilingual,
        fix: Option<&'static str>,
    ) {
        for i in 0..2 {
            let zh = self.texts[i].0 == Language::ZhCn;
            let v = fold(value.get(zh));
            if v.is_empty() || self.texts[i].1.is_empty() {
                continue;
            }
            let found = self.find(i, section, std::slice::from_ref(&v));
            let args = vec![
                ("what", Bilingual { zh: what.0.into(), en: what.1.into() }),
                ("value", same(value.get(zh).trim())),
            ];
            self.report_found(rule, (i, section, Some(path)), found, (&NOT_IN_TEXT, args), fix);
        }
    }

    /// A single-language value (a contact) must appear in the wording of both languages.
    pub(super) fn need_plain_in_text(
        &mut self,
        rule: &Rule,
        at: (Section, &str),
        what: What,
        value: &str,
        fix: Option<&'static str>,
    ) {
        self.need_in_text(rule, at, what, &Bilingual { zh: value.into(), en: value.into() }, fix);
    }

    /// One of the phrases of each language must appear in the section that states it.
    pub(super) fn need_phrase(
        &mut self,
        rule: &Rule,
        section: Section,
        phrases: (&[&str], &[&str]),
        what: What,
        fix: Option<&'static str>,
    ) {
        for i in 0..2 {
            let zh = self.texts[i].0 == Language::ZhCn;
            if self.texts[i].1.is_empty() {
                continue;
            }
            let list: Vec<String> = if zh { phrases.0 } else { phrases.1 }.iter().map(|p| fold(p)).collect();
            let found = self.find(i, section, &list);
            let shown = if zh { phrases.0 } else { phrases.1 }.join(if zh { "、" } else { "\" / \"" });
            let args = vec![("what", Bilingual { zh: what.0.into(), en: what.1.into() }), ("value", same(shown))];
            self.report_found(rule, (i, section, None), found, (&NO_PHRASE, args), fix);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_puts_each_value_in_its_place_once() {
        let args = [("p", same("{{")), ("lang", lang(Language::En))];
        assert_eq!(fill("The {lang} text (\"{p}\") {x}.", &args, false), "The English text (\"{{\") {x}.");
        assert_eq!(fill("{lang}{lang}", &args, true), "英文英文");
    }
}
