//! The compliance lint: checks a profile and the wording rendered from it, in both
//! languages, against what PIPL, the GDPR and the EDPB consent guidelines require. Every
//! finding names its rule, article and severity, says what is wrong in both languages, and
//! where it can the clause from the library that would fix it and the place (a profile
//! field, or a line of the text). An error blocks submission for review.
//!
//! Each law or guideline has its own file, and each rule in it is a [`Rule`] value: its id,
//! the article it cites, its severity, its own messages and the function that checks it.
//! [`check`] runs every file's rules and sorts what they find into one [`Report`]. The
//! checks the rules share (a value filled in, a value stated in the wording, a phrase
//! present) are in `checker`.

mod bilingual;
mod checker;
mod edpb;
mod gdpr12_14_22;
mod gdpr13;
mod pipl13;
mod pipl15;
mod pipl17;
mod pipl21;
mod pipl23_25;
mod pipl29_30;
mod pipl31;
mod pipl38_39;
mod section;
mod text;
mod uses;

use crate::notice::form::FormDefinition;
use crate::notice::profile::{Bilingual, Snapshot};
use crate::notice::Language;

use checker::Lint;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Blocks submission for review and approval.
    Error,
    /// Should be looked at; does not block.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where a finding is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// The profile field, as a path such as `recipients[0].contact`.
    pub field: Option<String>,
    /// The language of the text it is in, or is missing from.
    pub language: Option<Language>,
    /// The 1-based line of that text.
    pub line: Option<usize>,
    /// The 1-based column (in characters) on that line.
    pub column: Option<usize>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Stable rule id, such as `pipl17.controller`.
    pub rule: &'static str,
    /// Error or warning.
    pub severity: Severity,
    /// The article or guideline, such as `PIPL Art. 17`.
    pub article: &'static str,
    /// What is wrong, in both languages.
    pub message: Bilingual,
    /// The clause in the library that adds what is missing, if one does.
    pub fix_clause: Option<&'static str>,
    /// Where.
    pub place: Place,
}

/// The lint's result.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Findings, errors first, in rule order.
    pub findings: Vec<Finding>,
}

impl Report {
    /// How many errors.
    pub fn errors(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Error).count()
    }

    /// How many warnings.
    pub fn warnings(&self) -> usize {
        self.findings.iter().filter(|f| f.severity == Severity::Warning).count()
    }

    /// Whether any finding of `rule` is present.
    pub fn has(&self, rule: &str) -> bool {
        self.findings.iter().any(|f| f.rule == rule)
    }
}

/// A message of one rule, in both languages. `{name}` marks where a value goes; the values
/// are filled in when the rule reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message {
    /// The severity of a finding with this message.
    pub severity: Severity,
    /// Simplified Chinese.
    pub zh: &'static str,
    /// English.
    pub en: &'static str,
}

/// One rule of the lint.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable rule id, such as `pipl17.controller`.
    pub id: &'static str,
    /// The article or guideline it cites, such as `PIPL Art. 17(1)(1)`.
    pub article: &'static str,
    /// What it requires, in a few words.
    pub requires: &'static str,
    /// The severity of its findings about something missing from the profile or the
    /// wording; its own [`messages`](Rule::messages) say theirs.
    pub severity: Severity,
    /// The rule's own messages, besides the shared "the profile does not give …" and "the
    /// wording does not state …" ones.
    pub messages: &'static [Message],
    /// Checks it, adding what it finds to the lint.
    check: fn(&Rule, &mut Lint<'_>),
}

/// Every law's or guideline's rules, in rule order: the order of findings of one severity.
const LAWS: &[&[Rule]] = &[
    pipl17::RULES,
    pipl13::RULES,
    pipl15::RULES,
    pipl21::RULES,
    pipl23_25::RULES,
    pipl29_30::RULES,
    pipl31::RULES,
    pipl38_39::RULES,
    uses::RULES,
    gdpr13::RULES,
    gdpr12_14_22::RULES,
    edpb::RULES,
    text::RULES,
    bilingual::RULES,
];

/// The section marks a template's headings may carry (`{: #withdrawal}`), in the order a
/// notice usually gives its sections.
pub fn section_marks() -> impl Iterator<Item = &'static str> {
    section::Section::ALL.iter().map(|s| s.id())
}

/// Every rule, in rule order.
pub fn rules() -> impl Iterator<Item = &'static Rule> {
    LAWS.iter().flat_map(|law| law.iter())
}

const fn rule_count() -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < LAWS.len() {
        n += LAWS[i].len();
        i += 1;
    }
    n
}

const fn table() -> [(&'static str, &'static str, &'static str); rule_count()] {
    let mut out = [("", "", ""); rule_count()];
    let (mut i, mut k) = (0, 0);
    while i < LAWS.len() {
        let mut j = 0;
        while j < LAWS[i].len() {
            let r = &LAWS[i][j];
            out[k] = (r.id, r.article, r.requires);
            (j, k) = (j + 1, k + 1);
        }
        i += 1;
    }
    out
}

/// Every rule: id, article and what it requires, in rule order, for documentation and tests.
pub const RULES: &[(&str, &str, &str)] = &table();

/// Checks a profile snapshot, the wording rendered from it and its capture form.
pub fn check(s: &Snapshot, text_zh: &str, text_en: &str, form: &FormDefinition) -> Report {
    let mut l = Lint::new(s, text_zh, text_en, form);
    for rule in rules() {
        (rule.check)(rule, &mut l);
    }
    let mut findings = l.findings;
    findings.sort_by_key(|f| (f.severity, rules().position(|r| r.id == f.rule).unwrap_or(usize::MAX)));
    findings.dedup();
    Report { findings }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `{name}` placeholders of a text, sorted.
    fn placeholders(text: &str) -> Vec<&str> {
        let mut out: Vec<&str> = text.split('{').skip(1).filter_map(|s| s.split_once('}')).map(|(n, _)| n).collect();
        out.sort();
        out
    }

    #[test]
    fn every_rule_has_a_unique_id_and_names_an_article() {
        let mut ids: Vec<&str> = rules().map(|r| r.id).collect();
        assert_eq!(ids.len(), RULES.len());
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len(), "a rule id is used twice");
        for r in rules() {
            assert!(!r.article.trim().is_empty(), "{} names no article", r.id);
            assert!(!r.requires.trim().is_empty(), "{} does not say what it requires", r.id);
            let (law, name) = r.id.split_once('.').unwrap_or_default();
            assert!(!law.is_empty() && !name.is_empty(), "{} is not law.name", r.id);
        }
    }

    #[test]
    fn the_table_is_the_rules() {
        for (r, t) in rules().zip(RULES) {
            assert_eq!((r.id, r.article, r.requires), *t);
        }
    }

    #[test]
    fn every_message_is_in_both_languages_with_the_same_values() {
        for r in rules() {
            for m in r.messages {
                assert!(!m.zh.trim().is_empty() && !m.en.trim().is_empty(), "{}: {m:?}", r.id);
                assert_eq!(placeholders(m.zh), placeholders(m.en), "{}: {m:?}", r.id);
            }
        }
    }
}
