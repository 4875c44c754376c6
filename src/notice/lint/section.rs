//! The clauses of the wording: a rule checks the section that states its element, not the
//! whole text, so that a word in an unrelated sentence never satisfies it.
//!
//! A section is a heading and what follows it, up to the next heading. Which element a
//! section states is read from the template's structure:
//!
//! - **Marked headings.** A heading may end with marks, `## Withdrawing your consent {: #withdrawal}`
//!   (several: `{: #processing #automated}`); the Markdown renderer hides them. When the
//!   wording of a language marks any heading with an element's mark, only the sections so
//!   marked state that element: the template says exactly where it is. The starter
//!   templates mark every section.
//! - **Headings that name it.** Otherwise (a template written before marks existed) the
//!   element is looked for in the sections whose heading names it: a section headed
//!   "撤回同意" or "Withdrawing your consent" states the withdrawal element.
//!
//! The level-1 heading (the title) and the text before the first level-2 heading form one
//! section; it counts only when marked (an event consent form names the controller there).

use unicode_normalization::UnicodeNormalization;

use crate::notice::markdown::{self, BlockKind};

/// Text as the wording is matched: NFC, whitespace collapsed, lower case.
pub(super) fn fold(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// An element of a notice that has its own section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    /// Who the controller is and how to reach it (and the DPO, the EU representative).
    Controller,
    /// The purposes and their legal bases.
    Purposes,
    /// The data categories and where they come from.
    Categories,
    /// How the data is processed and where it is stored.
    Processing,
    /// Sensitive personal information.
    Sensitive,
    /// Children under 14.
    Minors,
    /// How long the data is kept.
    Retention,
    /// Other handlers and processors the data is given to.
    Sharing,
    /// Transfers abroad.
    Abroad,
    /// Automated decisions.
    Automated,
    /// The person's rights and how to exercise them.
    Rights,
    /// Withdrawing consent.
    Withdrawal,
    /// Whether the person must provide the data, and what follows if not.
    Provision,
}

impl Section {
    /// Every section, in the order a notice usually gives them.
    pub(super) const ALL: [Section; 13] = [
        Section::Controller,
        Section::Purposes,
        Section::Categories,
        Section::Processing,
        Section::Sensitive,
        Section::Minors,
        Section::Retention,
        Section::Sharing,
        Section::Abroad,
        Section::Automated,
        Section::Rights,
        Section::Withdrawal,
        Section::Provision,
    ];

    /// The mark a heading carries for it, such as `withdrawal` in `{: #withdrawal}`.
    pub(super) fn id(self) -> &'static str {
        match self {
            Section::Controller => "controller",
            Section::Purposes => "purposes",
            Section::Categories => "categories",
            Section::Processing => "processing",
            Section::Sensitive => "sensitive",
            Section::Minors => "minors",
            Section::Retention => "retention",
            Section::Sharing => "sharing",
            Section::Abroad => "abroad",
            Section::Automated => "automated",
            Section::Rights => "rights",
            Section::Withdrawal => "withdrawal",
            Section::Provision => "provision",
        }
    }

    /// What the section is about, in Chinese and English, for messages.
    pub(super) fn name(self) -> (&'static str, &'static str) {
        match self {
            Section::Controller => ("个人信息处理者及联系方式", "who we are and how to contact us"),
            Section::Purposes => ("处理目的和法律依据", "the purposes and legal bases"),
            Section::Categories => ("个人信息种类", "the data collected"),
            Section::Processing => ("处理方式", "how the data is processed"),
            Section::Sensitive => ("敏感个人信息", "sensitive personal information"),
            Section::Minors => ("未成年人个人信息", "children's data"),
            Section::Retention => ("保存期限", "how long data is kept"),
            Section::Sharing => ("向其他处理者提供和委托处理", "sharing and processors"),
            Section::Abroad => ("向境外提供", "transfers abroad"),
            Section::Automated => ("自动化决策", "automated decisions"),
            Section::Rights => ("个人权利及行使方式", "your rights"),
            Section::Withdrawal => ("撤回同意", "withdrawing consent"),
            Section::Provision => ("是否必须提供个人信息", "whether the data must be provided"),
        }
    }

    /// Words of a heading that names it, in Chinese and English (folded).
    fn headings(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Section::Controller => (
                &["处理者及联系方式", "控制者", "联系我们", "我们是谁"],
                &["who we are", "who is responsible", "contact us", "controller"],
            ),
            Section::Purposes => (
                &["目的", "法律依据", "您的选择", "单独同意"],
                &["why we", "purpose", "legal basis", "your choices", "separate consent"],
            ),
            Section::Categories => {
                (&["个人信息种类", "收集哪些", "收集的个人信息"], &["what information", "what data", "what we collect"])
            }
            Section::Processing => (&["处理方式", "如何处理"], &["how we process", "how we handle", "how we use"]),
            Section::Sensitive => (&["敏感"], &["sensitive"]),
            Section::Minors => (&["未成年", "儿童", "不满十四周岁"], &["child", "minor", "under 14"]),
            Section::Retention => (&["保存期限", "保存多久"], &["how long", "retention", "keep your"]),
            Section::Sharing => (
                &["其他个人信息处理者", "共享", "第三方", "委托"],
                &["sharing", "share", "recipient", "third part", "processor"],
            ),
            Section::Abroad => (&["境外", "出境"], &["abroad", "outside", "international", "cross-border"]),
            Section::Automated => (&["自动化"], &["automated"]),
            Section::Rights => (&["权利"], &["rights"]),
            Section::Withdrawal => (&["撤回"], &["withdraw"]),
            Section::Provision => {
                (&["必须提供", "是否需要提供"], &["have to give", "have to provide", "required to give"])
            }
        }
    }
}

/// One section of the wording of one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Part {
    /// The marks of its heading.
    ids: Vec<String>,
    /// Its heading's level (1 for the title and what precedes the first section).
    level: u8,
    /// Its heading, folded.
    heading: String,
    /// The 1-based line of its heading (1 for the first section).
    pub line: usize,
    /// Its text, heading included, folded.
    pub text: String,
}

/// The sections of the wording of one language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Parts {
    parts: Vec<Part>,
}

impl Parts {
    /// Splits wording into its sections.
    pub(super) fn read(raw: &str) -> Parts {
        let mut parts: Vec<Part> = Vec::new();
        for b in markdown::blocks(raw) {
            let text: String = b
                .lines
                .iter()
                .map(|l| l.iter().map(|s| s.text.as_str()).collect::<String>())
                .collect::<Vec<_>>()
                .join(" ");
            let folded = fold(&text);
            match (b.kind, parts.last_mut()) {
                (BlockKind::Heading(level), _) => {
                    parts.push(Part { ids: b.ids.clone(), level, heading: folded.clone(), line: b.line, text: folded })
                }
                (_, Some(last)) => {
                    last.text.push(' ');
                    last.text.push_str(&folded);
                }
                (_, None) => {
                    parts.push(Part { ids: Vec::new(), level: 1, heading: String::new(), line: b.line, text: folded })
                }
            }
        }
        Parts { parts }
    }

    /// The sections that state `section`: those marked with it, when any heading is;
    /// otherwise the sections below the title whose heading names it.
    pub(super) fn of(&self, section: Section, zh: bool) -> Vec<&Part> {
        let marked: Vec<&Part> = self.parts.iter().filter(|p| p.ids.iter().any(|id| id == section.id())).collect();
        if !marked.is_empty() {
            return marked;
        }
        let words = if zh { section.headings().0 } else { section.headings().1 };
        self.parts.iter().filter(|p| p.level > 1 && words.iter().any(|w| p.heading.contains(w))).collect()
    }

    /// The marks used that name no section, with the line of their heading.
    pub(super) fn unknown_marks(&self) -> impl Iterator<Item = (&str, usize)> {
        self.parts.iter().flat_map(|p| {
            p.ids
                .iter()
                .filter(|id| !Section::ALL.iter().any(|s| s.id() == id.as_str()))
                .map(|id| (id.as_str(), p.line))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MARKED: &str = "# Title {: #controller}\n\nAcme, contact a@b.c.\n\n## Your rights {: #rights}\n\nWrite to us.\n\n## Withdrawing {: #withdrawal #rights}\n\n**At any time**.\n";

    fn lines(parts: &Parts, s: Section, zh: bool) -> Vec<usize> {
        parts.of(s, zh).iter().map(|p| p.line).collect()
    }

    #[test]
    fn marked_sections_are_found_by_their_marks_only() {
        let parts = Parts::read(MARKED);
        assert_eq!(lines(&parts, Section::Rights, false), [5, 9], "'Your rights' and the section also marked rights");
        let controller: Vec<&str> = parts.of(Section::Controller, false).iter().map(|p| p.text.as_str()).collect();
        assert_eq!(controller, ["title acme, contact a@b.c."]);
        assert_eq!(parts.of(Section::Withdrawal, false)[0].text, "withdrawing at any time.");
        assert!(lines(&parts, Section::Retention, false).is_empty());
        let mixed =
            Parts::read("## Rights {: #controller}\n\nx\n\n## Your rights\n\ny\n\n## More rights {: #rights}\n\nz\n");
        assert_eq!(lines(&mixed, Section::Rights, false), [9], "a mark, once used, is the only way in");
    }

    #[test]
    fn unmarked_sections_are_found_by_their_headings_words() {
        let parts = Parts::read("# 隐私政策\n\n前言：撤回。\n\n## 撤回同意\n\n随时。\n\n## 保存期限\n\n一年。\n");
        let found: Vec<&str> = parts.of(Section::Withdrawal, true).iter().map(|p| p.text.as_str()).collect();
        assert_eq!(found, ["撤回同意 随时。"], "the title and preamble never count unmarked");
        assert_eq!(lines(&parts, Section::Retention, true), [9]);
        assert!(lines(&parts, Section::Retention, false).is_empty(), "English words do not name a Chinese heading");
    }

    #[test]
    fn an_unknown_mark_is_reported_with_its_line() {
        let parts = Parts::read("## A {: #rights #withdrawl}\n\nx\n");
        assert_eq!(parts.unknown_marks().collect::<Vec<_>>(), [("withdrawl", 1)]);
    }
}
