//! The compliance lint: checks a profile and the wording rendered from it, in both
//! languages, against what PIPL, the GDPR and the EDPB consent guidelines require. Every
//! finding names its rule, article and severity, says what is wrong in both languages, and
//! where it can the clause from the library that would fix it and the place (a profile
//! field, or a line of the text). An error blocks submission for review.

use unicode_normalization::UnicodeNormalization;

use crate::notice::context::mechanism_label;
use crate::notice::form::FormDefinition;
use crate::notice::profile::{Bilingual, Snapshot};
use crate::notice::{hidden_characters, Language};
use crate::purpose::SeparateConsent;

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

/// Every rule: id, article and severity it reports at, for documentation and tests.
pub const RULES: &[(&str, &str, &str)] = &[
    ("pipl17.controller", "PIPL Art. 17(1)(1); GDPR Art. 13(1)(a)", "controller name and contact stated"),
    ("pipl17.purposes", "PIPL Art. 17(1)(2); GDPR Art. 13(1)(c)", "every purpose stated"),
    ("pipl17.methods", "PIPL Art. 17(1)(2)", "processing methods stated"),
    ("pipl17.categories", "PIPL Art. 17(1)(2); GDPR Art. 14(1)(d)", "every data category stated"),
    ("pipl17.retention", "PIPL Art. 17(1)(2); GDPR Art. 13(2)(a)", "retention stated for every purpose"),
    ("pipl17.rights", "PIPL Art. 17(1)(3), Arts. 44–47; GDPR Art. 13(2)(b)", "how to exercise rights"),
    ("pipl15.withdrawal", "PIPL Art. 15; GDPR Art. 7(3)", "how to withdraw consent"),
    (
        "pipl23.recipients",
        "PIPL Art. 23; GDPR Art. 13(1)(e)",
        "each recipient's name, contact, purpose, method, categories",
    ),
    ("pipl23.separate", "PIPL Arts. 23, 25", "separate consent for provision to third parties or public disclosure"),
    ("pipl29.separate", "PIPL Art. 29", "separate consent for sensitive data"),
    ("pipl30.necessity", "PIPL Art. 30", "necessity and impact of processing sensitive data"),
    ("pipl31.minors", "PIPL Art. 31; GDPR Art. 8", "guardian consent and dedicated rules for under-14s"),
    (
        "pipl39.transfers",
        "PIPL Arts. 38–39; GDPR Art. 13(1)(f)",
        "each overseas recipient's details, rights and mechanism",
    ),
    ("pipl39.separate", "PIPL Art. 39", "separate consent for cross-border transfer"),
    ("gdpr13.dpo", "GDPR Art. 13(1)(b)", "contact details of the DPO"),
    ("gdpr13.basis", "GDPR Art. 13(1)(c)", "legal basis of each purpose"),
    ("gdpr13.complaint", "GDPR Art. 13(2)(d)", "right to lodge a complaint"),
    (
        "gdpr7.anytime",
        "GDPR Arts. 7(3), 13(2)(c)",
        "right to withdraw at any time, without affecting earlier processing",
    ),
    (
        "edpb.bundling",
        "EDPB 05/2020 §3.1.2; GDPR Art. 7(4); PIPL Art. 16",
        "no consent purpose required for the service",
    ),
    ("edpb.preticked", "EDPB 05/2020 §3.4; GDPR Recital 32", "nothing pre-ticked"),
    ("edpb.granularity", "EDPB 05/2020 §3.1.3", "one distinguishable choice per purpose"),
    ("text.hidden", "Trojan Source (CVE-2021-42574)", "no bidirectional or invisible control characters"),
    ("text.missing", "PIPL Art. 17; ISO/IEC 29184 5.2.4", "wording in both languages"),
    ("text.placeholder", "PIPL Art. 17 (clear and complete)", "no placeholders left in the wording"),
];

fn article(rule: &str) -> &'static str {
    RULES.iter().find(|r| r.0 == rule).map(|r| r.1).unwrap_or("")
}

fn lang_name(language: Language, zh: bool) -> &'static str {
    match (language, zh) {
        (Language::ZhCn, true) => "中文",
        (Language::ZhCn, false) => "Chinese",
        (Language::En, true) => "英文",
        (Language::En, false) => "English",
    }
}

/// A place in the profile.
fn at(path: &str) -> Place {
    Place { field: Some(path.into()), ..Place::default() }
}

fn fold(text: &str) -> String {
    let nfc: String = text.nfc().collect();
    nfc.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

struct Lint<'a> {
    s: &'a Snapshot,
    texts: [(Language, String); 2],
    raw: [(Language, &'a str); 2],
    findings: Vec<Finding>,
}

impl Lint<'_> {
    fn push(
        &mut self,
        rule: &'static str,
        severity: Severity,
        en: String,
        zh: String,
        fix: Option<&'static str>,
        place: Place,
    ) {
        self.findings.push(Finding {
            rule,
            severity,
            article: article(rule),
            message: Bilingual { zh, en },
            fix_clause: fix,
            place,
        });
    }

    /// A bilingual profile value must be filled in both languages.
    fn need_value(
        &mut self,
        rule: &'static str,
        path: &str,
        what: (&str, &str),
        value: &Bilingual,
        fix: Option<&'static str>,
    ) {
        for language in Language::ALL {
            let zh = *language == Language::ZhCn;
            if value.get(zh).trim().is_empty() {
                let place = Place { language: Some(*language), ..at(path) };
                self.push(
                    rule,
                    Severity::Error,
                    format!("The profile does not give {} in {}.", what.1, lang_name(*language, false)),
                    format!("处理档案缺少{}的{}文本。", what.0, lang_name(*language, true).trim_end_matches('文')),
                    fix,
                    place,
                );
            }
        }
    }

    /// A single-language profile value (a contact) must be filled.
    fn need_plain(
        &mut self,
        rule: &'static str,
        path: &str,
        what: (&str, &str),
        value: &str,
        fix: Option<&'static str>,
    ) {
        if value.trim().is_empty() {
            let place = at(path);
            self.push(
                rule,
                Severity::Error,
                format!("The profile does not give {}.", what.1),
                format!("处理档案缺少{}。", what.0),
                fix,
                place,
            );
        }
    }

    /// A value must appear in the wording of its language.
    fn need_in_text(
        &mut self,
        rule: &'static str,
        path: &str,
        what: (&str, &str),
        value: &Bilingual,
        fix: Option<&'static str>,
    ) {
        for i in 0..2 {
            let language = self.texts[i].0;
            let zh = language == Language::ZhCn;
            let v = fold(value.get(zh));
            if v.is_empty() || self.texts[i].1.is_empty() || self.texts[i].1.contains(&v) {
                continue;
            }
            self.push(
                rule,
                Severity::Error,
                format!(
                    "The {} wording does not state {} (\"{}\").",
                    lang_name(language, false),
                    what.1,
                    value.get(zh).trim()
                ),
                format!("{}文本未写明{}（“{}”）。", lang_name(language, true), what.0, value.get(zh).trim()),
                fix,
                Place { field: Some(path.into()), language: Some(language), ..Place::default() },
            );
        }
    }

    fn need_plain_in_text(
        &mut self,
        rule: &'static str,
        path: &str,
        what: (&str, &str),
        value: &str,
        fix: Option<&'static str>,
    ) {
        self.need_in_text(rule, path, what, &Bilingual { zh: value.into(), en: value.into() }, fix);
    }

    fn need_phrase(
        &mut self,
        rule: &'static str,
        severity: Severity,
        phrases: (&[&str], &[&str]),
        what: (&str, &str),
        fix: Option<&'static str>,
    ) {
        for i in 0..2 {
            let language = self.texts[i].0;
            let list = if language == Language::ZhCn { phrases.0 } else { phrases.1 };
            if self.texts[i].1.is_empty() || list.iter().any(|p| self.texts[i].1.contains(&fold(p))) {
                continue;
            }
            self.push(
                rule,
                severity,
                format!("The {} wording does not state {}.", lang_name(language, false), what.1),
                format!("{}文本未写明{}。", lang_name(language, true), what.0),
                fix,
                Place { language: Some(language), ..Place::default() },
            );
        }
    }

    fn scan_lines(&mut self) {
        const PRETICKED: &[&str] = &[
            "☑",
            "✔",
            "✅",
            "☒",
            "[x]",
            "[X]",
            "(x)",
            "pre-ticked",
            "pre-selected",
            "默认勾选",
            "已默认同意",
            "默认同意",
        ];
        const PLACEHOLDERS: &[&str] = &["TODO", "TBD", "FIXME", "XXX", "待定", "待补充", "{{", "}}", "{%"];
        for i in 0..2 {
            let (language, raw) = self.raw[i];
            for (n, line) in raw.lines().enumerate() {
                for (at, ch) in hidden_characters(line) {
                    let column = line[..at].chars().count() + 1;
                    self.push(
                        "text.hidden",
                        Severity::Error,
                        format!("Hidden character U+{:04X} in the {} wording; it can make the text read differently from what is stored.", u32::from(ch), lang_name(language, false)),
                        format!("{}文本含有隐藏字符 U+{:04X}，可能使显示内容与实际存储内容不一致。", lang_name(language, true), u32::from(ch)),
                        None,
                        Place { field: None, language: Some(language), line: Some(n + 1), column: Some(column) },
                    );
                }
                if let Some(p) = PRETICKED.iter().find(|p| line.contains(*p)) {
                    self.push(
                        "edpb.preticked",
                        Severity::Error,
                        format!(
                            "The {} wording shows a pre-ticked choice (\"{p}\"); consent needs an affirmative act.",
                            lang_name(language, false)
                        ),
                        format!(
                            "{}文本出现预先勾选的选项（“{p}”）；同意必须由本人主动作出。",
                            lang_name(language, true)
                        ),
                        None,
                        Place {
                            field: None,
                            language: Some(language),
                            line: Some(n + 1),
                            column: line.find(*p).map(|b| line[..b].chars().count() + 1),
                        },
                    );
                }
                if let Some(p) = PLACEHOLDERS.iter().find(|p| line.contains(*p)) {
                    self.push(
                        "text.placeholder",
                        Severity::Warning,
                        format!("The {} wording still has a placeholder (\"{p}\").", lang_name(language, false)),
                        format!("{}文本仍有占位内容（“{p}”）。", lang_name(language, true)),
                        None,
                        Place {
                            field: None,
                            language: Some(language),
                            line: Some(n + 1),
                            column: line.find(*p).map(|b| line[..b].chars().count() + 1),
                        },
                    );
                }
            }
        }
    }
}

fn any_hidden(s: &Snapshot) -> Vec<String> {
    let json = serde_json::to_value(&s.profile).unwrap_or_default();
    let mut out = Vec::new();
    fn walk(v: &serde_json::Value, path: String, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(t) if !hidden_characters(t).is_empty() => out.push(path),
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

/// Checks a profile snapshot, the wording rendered from it and its capture form.
pub fn check(s: &Snapshot, text_zh: &str, text_en: &str, form: &FormDefinition) -> Report {
    let mut l = Lint {
        s,
        texts: [(Language::ZhCn, fold(text_zh)), (Language::En, fold(text_en))],
        raw: [(Language::ZhCn, text_zh), (Language::En, text_en)],
        findings: Vec::new(),
    };
    let p = &s.profile;

    for (language, raw) in l.raw {
        if raw.trim().is_empty() {
            l.push(
                "text.missing",
                Severity::Error,
                format!("There is no {} wording.", lang_name(language, false)),
                format!("缺少{}文本。", lang_name(language, true)),
                None,
                Place { language: Some(language), ..Place::default() },
            );
        }
    }

    // PIPL Art. 17: who, what, why, how, how long, rights.
    l.need_value(
        "pipl17.controller",
        "controller.name",
        ("个人信息处理者名称", "the controller's name"),
        &p.controller.name,
        None,
    );
    l.need_plain(
        "pipl17.controller",
        "controller.contact",
        ("个人信息处理者的联系方式", "the controller's contact details"),
        &p.controller.contact,
        None,
    );
    l.need_in_text(
        "pipl17.controller",
        "controller.name",
        ("个人信息处理者名称", "the controller's name"),
        &p.controller.name,
        None,
    );
    l.need_plain_in_text(
        "pipl17.controller",
        "controller.contact",
        ("个人信息处理者的联系方式", "the controller's contact details"),
        &p.controller.contact,
        None,
    );

    if s.catalogue.purposes.is_empty() {
        l.push(
            "pipl17.purposes",
            Severity::Error,
            "The profile lists no purposes.".into(),
            "处理档案未列出任何处理目的。".into(),
            None,
            at("purposes"),
        );
    }
    for (i, x) in s.catalogue.purposes.iter().enumerate() {
        l.need_in_text("pipl17.purposes", &format!("purposes[{i}]"), ("处理目的", "the purpose"), &x.name, None);
    }
    l.need_value("pipl17.methods", "methods", ("处理方式", "the processing methods"), &p.methods, None);
    l.need_in_text("pipl17.methods", "methods", ("处理方式", "the processing methods"), &p.methods, None);

    if s.profile.categories.is_empty() {
        l.push(
            "pipl17.categories",
            Severity::Error,
            "The profile lists no data categories.".into(),
            "处理档案未列出任何个人信息种类。".into(),
            None,
            at("categories"),
        );
    }
    for (i, code) in p.categories.iter().enumerate() {
        if let Some(c) = s.category(code) {
            let name = c.name.clone();
            l.need_in_text(
                "pipl17.categories",
                &format!("categories[{i}]"),
                ("个人信息种类", "the data category"),
                &name,
                None,
            );
        }
    }

    // Retention: every purpose needs a period, directly or through all its categories.
    for (i, r) in p.retention.iter().enumerate() {
        let known = s.catalogue.purposes.iter().any(|x| x.code == r.applies_to) || s.category(&r.applies_to).is_some();
        if !known {
            l.push(
                "pipl17.retention",
                Severity::Error,
                format!(
                    "Retention entry {} applies to \"{}\", which is neither a purpose nor a category of this profile.",
                    i + 1,
                    r.applies_to
                ),
                format!("第{}条保存期限适用于“{}”，但它不是本档案中的处理目的或个人信息种类。", i + 1, r.applies_to),
                Some("retention"),
                at(&format!("retention[{i}].applies_to")),
            );
        }
        l.need_value(
            "pipl17.retention",
            &format!("retention[{i}].period"),
            ("保存期限", "the retention period"),
            &r.period,
            Some("retention"),
        );
        l.need_in_text(
            "pipl17.retention",
            &format!("retention[{i}].period"),
            ("保存期限", "the retention period"),
            &r.period,
            Some("retention"),
        );
    }
    let all_categories_covered =
        !p.categories.is_empty() && p.categories.iter().all(|c| p.retention.iter().any(|r| &r.applies_to == c));
    for (i, x) in s.catalogue.purposes.iter().enumerate() {
        if !all_categories_covered && !p.retention.iter().any(|r| r.applies_to == x.code) {
            l.push(
                "pipl17.retention",
                Severity::Error,
                format!("No retention period is given for purpose \"{}\".", x.name.en),
                format!("未给出处理目的“{}”的保存期限。", x.name.zh),
                Some("retention"),
                at(&format!("purposes[{i}]")),
            );
        }
    }

    l.need_value(
        "pipl17.rights",
        "rights_channel",
        ("行使个人权利的方式和程序", "how to exercise rights"),
        &p.rights_channel,
        Some("rights"),
    );
    l.need_in_text(
        "pipl17.rights",
        "rights_channel",
        ("行使个人权利的方式和程序", "how to exercise rights"),
        &p.rights_channel,
        Some("rights"),
    );
    // Withdrawal applies where consent is asked for (PIPL Art. 15, GDPR Art. 7(3)).
    if s.catalogue.purposes.iter().any(|x| x.asks_consent()) {
        l.need_value(
            "pipl15.withdrawal",
            "withdrawal_channel",
            ("撤回同意的方式", "how to withdraw consent"),
            &p.withdrawal_channel,
            Some("withdrawal"),
        );
        l.need_in_text(
            "pipl15.withdrawal",
            "withdrawal_channel",
            ("撤回同意的方式", "how to withdraw consent"),
            &p.withdrawal_channel,
            Some("withdrawal"),
        );
    }

    // PIPL Art. 23 and 25: recipients.
    for (i, r) in p.recipients.iter().enumerate() {
        let path = |f: &str| format!("recipients[{i}].{f}");
        l.need_value(
            "pipl23.recipients",
            &path("name"),
            ("接收方名称", "the recipient's name"),
            &r.name,
            Some("third_parties"),
        );
        l.need_plain(
            "pipl23.recipients",
            &path("contact"),
            ("接收方联系方式", "the recipient's contact details"),
            &r.contact,
            Some("third_parties"),
        );
        l.need_value(
            "pipl23.recipients",
            &path("purpose"),
            ("接收方的处理目的", "the recipient's purpose"),
            &r.purpose,
            Some("third_parties"),
        );
        l.need_value(
            "pipl23.recipients",
            &path("method"),
            ("接收方的处理方式", "the recipient's processing method"),
            &r.method,
            Some("third_parties"),
        );
        if r.categories.is_empty() {
            l.need_plain(
                "pipl23.recipients",
                &path("categories"),
                ("向接收方提供的个人信息种类", "the categories provided to the recipient"),
                "",
                Some("third_parties"),
            );
        }
        l.need_in_text(
            "pipl23.recipients",
            &path("name"),
            ("接收方名称", "the recipient's name"),
            &r.name,
            Some("third_parties"),
        );
        l.need_plain_in_text(
            "pipl23.recipients",
            &path("contact"),
            ("接收方联系方式", "the recipient's contact details"),
            &r.contact,
            Some("third_parties"),
        );
        l.need_in_text(
            "pipl23.recipients",
            &path("purpose"),
            ("接收方的处理目的", "the recipient's purpose"),
            &r.purpose,
            Some("third_parties"),
        );
        l.need_in_text(
            "pipl23.recipients",
            &path("method"),
            ("接收方的处理方式", "the recipient's processing method"),
            &r.method,
            Some("third_parties"),
        );
    }
    if !p.recipients.is_empty() && l.s.separate_purposes(SeparateConsent::ThirdParty).next().is_none() {
        l.push(
            "pipl23.separate",
            Severity::Error,
            "Personal information is provided to third parties, but no purpose asks for that separate consent.".into(),
            "向第三方提供个人信息，但没有任何处理目的取得单独同意。".into(),
            Some("third_parties"),
            at("purposes"),
        );
    }
    if p.public_disclosure && l.s.separate_purposes(SeparateConsent::PublicDisclosure).next().is_none() {
        l.push(
            "pipl23.separate",
            Severity::Error,
            "Personal information is disclosed publicly, but no purpose asks for that separate consent.".into(),
            "公开个人信息，但没有任何处理目的取得单独同意。".into(),
            None,
            at("public_disclosure"),
        );
    }

    // PIPL Arts. 28–30: sensitive data.
    let sensitive: Vec<&Bilingual> = s.sensitive_categories().map(|c| &c.name).collect();
    if !sensitive.is_empty() {
        if l.s.separate_purposes(SeparateConsent::Sensitive).next().is_none() {
            let names =
                |zh: bool| sensitive.iter().map(|n| n.get(zh)).collect::<Vec<_>>().join(if zh { "、" } else { ", " });
            l.push(
                "pipl29.separate",
                Severity::Error,
                format!("Sensitive personal information ({}) is processed, but no purpose asks for a separate consent to it.", names(false)),
                format!("处理敏感个人信息（{}），但没有任何处理目的取得单独同意。", names(true)),
                Some("sensitive_data"),
                at("purposes"),
            );
        }
        match &p.sensitive {
            None => l.push(
                "pipl30.necessity",
                Severity::Error,
                "Sensitive personal information is processed, but the profile states neither why it is necessary nor its impact on the person.".into(),
                "处理敏感个人信息，但处理档案未说明其必要性及对个人权益的影响。".into(),
                Some("sensitive_data"),
                at("sensitive"),
            ),
            Some(st) => {
                l.need_value("pipl30.necessity", "sensitive.necessity", ("处理敏感个人信息的必要性", "why processing sensitive data is necessary"), &st.necessity, Some("sensitive_data"));
                l.need_value("pipl30.necessity", "sensitive.impact", ("对个人权益的影响", "the impact on the person"), &st.impact, Some("sensitive_data"));
                l.need_in_text("pipl30.necessity", "sensitive.necessity", ("处理敏感个人信息的必要性", "why processing sensitive data is necessary"), &st.necessity, Some("sensitive_data"));
                l.need_in_text("pipl30.necessity", "sensitive.impact", ("对个人权益的影响", "the impact on the person"), &st.impact, Some("sensitive_data"));
            }
        }
    }

    // PIPL Art. 31: children under 14.
    let minor_data = s.catalogue.categories.iter().any(|c| c.sensitive.as_deref() == Some("minor_under_14"));
    if minor_data && !p.minors.in_scope {
        l.push(
            "pipl31.minors",
            Severity::Warning,
            "A category holds data of children under 14, but the profile says children are not in scope.".into(),
            "有个人信息种类涉及不满十四周岁未成年人，但处理档案称不涉及未成年人。".into(),
            Some("minors"),
            at("minors.in_scope"),
        );
    }
    if p.minors.in_scope {
        l.need_value(
            "pipl31.minors",
            "minors.rules",
            ("专门的未成年人个人信息处理规则", "the dedicated rules for children's data"),
            &p.minors.rules,
            Some("minors"),
        );
        l.need_in_text(
            "pipl31.minors",
            "minors.rules",
            ("专门的未成年人个人信息处理规则", "the dedicated rules for children's data"),
            &p.minors.rules,
            Some("minors"),
        );
        l.need_phrase(
            "pipl31.minors",
            Severity::Error,
            (&["监护人"], &["guardian", "parent"]),
            ("需取得父母或其他监护人的同意", "that a parent's or guardian's consent is needed"),
            Some("minors"),
        );
        if form.guardian.is_none() {
            l.push(
                "pipl31.minors",
                Severity::Error,
                "Children are in scope but the form has no guardian path.".into(),
                "涉及未成年人，但同意表单没有监护人同意流程。".into(),
                Some("minors"),
                Place::default(),
            );
        }
    }

    // PIPL Arts. 38–39: cross-border transfers.
    for (i, t) in p.transfers.iter().enumerate() {
        let path = |f: &str| format!("transfers[{i}].{f}");
        let fix = Some("cross_border");
        l.need_value(
            "pipl39.transfers",
            &path("recipient"),
            ("境外接收方名称", "the overseas recipient's name"),
            &t.recipient,
            fix,
        );
        l.need_plain(
            "pipl39.transfers",
            &path("contact"),
            ("境外接收方的联系方式", "the overseas recipient's contact details"),
            &t.contact,
            fix,
        );
        l.need_value(
            "pipl39.transfers",
            &path("purpose"),
            ("境外接收方的处理目的", "the overseas recipient's purpose"),
            &t.purpose,
            fix,
        );
        l.need_value(
            "pipl39.transfers",
            &path("method"),
            ("境外接收方的处理方式", "the overseas recipient's processing method"),
            &t.method,
            fix,
        );
        l.need_value(
            "pipl39.transfers",
            &path("rights"),
            ("向境外接收方行使权利的方式", "how to exercise rights against the overseas recipient"),
            &t.rights,
            fix,
        );
        if t.categories.is_empty() {
            l.need_plain(
                "pipl39.transfers",
                &path("categories"),
                ("向境外提供的个人信息种类", "the categories transferred"),
                "",
                fix,
            );
        }
        if mechanism_label(&t.mechanism, false).is_none() {
            l.push(
                "pipl39.transfers",
                Severity::Error,
                format!("Transfer {} has no recognised mechanism (\"{}\").", i + 1, t.mechanism),
                format!("第{}项跨境提供没有有效的出境机制（“{}”）。", i + 1, t.mechanism),
                fix,
                at(&path("mechanism")),
            );
        }
        l.need_in_text(
            "pipl39.transfers",
            &path("recipient"),
            ("境外接收方名称", "the overseas recipient's name"),
            &t.recipient,
            fix,
        );
        l.need_plain_in_text(
            "pipl39.transfers",
            &path("contact"),
            ("境外接收方的联系方式", "the overseas recipient's contact details"),
            &t.contact,
            fix,
        );
        l.need_in_text(
            "pipl39.transfers",
            &path("purpose"),
            ("境外接收方的处理目的", "the overseas recipient's purpose"),
            &t.purpose,
            fix,
        );
        l.need_in_text(
            "pipl39.transfers",
            &path("method"),
            ("境外接收方的处理方式", "the overseas recipient's processing method"),
            &t.method,
            fix,
        );
        l.need_in_text(
            "pipl39.transfers",
            &path("rights"),
            ("向境外接收方行使权利的方式", "how to exercise rights against the overseas recipient"),
            &t.rights,
            fix,
        );
        if let (Some(zh), Some(en)) = (mechanism_label(&t.mechanism, true), mechanism_label(&t.mechanism, false)) {
            let b = Bilingual { zh: zh.into(), en: en.into() };
            l.need_in_text("pipl39.transfers", &path("mechanism"), ("出境机制", "the transfer mechanism"), &b, fix);
        }
    }
    if !p.transfers.is_empty() && l.s.separate_purposes(SeparateConsent::CrossBorder).next().is_none() {
        l.push(
            "pipl39.separate",
            Severity::Error,
            "Personal information is transferred abroad, but no purpose asks for that separate consent.".into(),
            "向境外提供个人信息，但没有任何处理目的取得单独同意。".into(),
            Some("cross_border"),
            at("purposes"),
        );
    }

    // GDPR Art. 13.
    if p.gdpr() {
        match &p.dpo {
            None => l.push(
                "gdpr13.dpo",
                Severity::Warning,
                "No DPO is named. If you have appointed a DPO (or a person in charge of personal information), add their contact.".into(),
                "未填写数据保护官。如已指定数据保护官（或个人信息保护负责人），请填写其联系方式。".into(),
                None,
                at("dpo"),
            ),
            Some(d) => {
                l.need_plain("gdpr13.dpo", "dpo.contact", ("数据保护官的联系方式", "the DPO's contact details"), &d.contact, None);
                l.need_plain_in_text("gdpr13.dpo", "dpo.contact", ("数据保护官的联系方式", "the DPO's contact details"), &d.contact, None);
            }
        }
        for (i, x) in s.catalogue.purposes.iter().enumerate() {
            if let Some(b) = x.basis() {
                let label = Bilingual { zh: b.label(true).into(), en: b.label(false).into() };
                l.need_in_text(
                    "gdpr13.basis",
                    &format!("purposes[{i}]"),
                    ("处理的法律依据", "the legal basis"),
                    &label,
                    None,
                );
            }
        }
        l.need_value(
            "gdpr13.complaint",
            "complaint",
            ("向监管机构投诉的权利", "the right to complain to a supervisory authority"),
            &p.complaint,
            Some("rights"),
        );
        l.need_in_text(
            "gdpr13.complaint",
            "complaint",
            ("向监管机构投诉的权利", "the right to complain to a supervisory authority"),
            &p.complaint,
            Some("rights"),
        );
        if s.catalogue.purposes.iter().any(|x| x.asks_consent()) {
            l.need_phrase(
                "gdpr7.anytime",
                Severity::Error,
                (&["随时"], &["at any time", "any time"]),
                (
                    "可以随时撤回同意，且不影响撤回前基于同意已进行的处理",
                    "that consent can be withdrawn at any time without affecting earlier processing",
                ),
                Some("withdrawal"),
            );
        }
    }

    // EDPB 05/2020: granularity, no bundling, nothing pre-ticked.
    for (i, x) in s.catalogue.purposes.iter().enumerate() {
        if x.asks_consent() && x.necessary {
            l.push(
                "edpb.bundling",
                Severity::Error,
                format!("Purpose \"{}\" is based on consent but marked as necessary for the service; consent to it cannot be a condition.", x.name.en),
                format!("处理目的“{}”以同意为依据，却被标记为提供服务所必需；不得以同意为提供服务的条件。", x.name.zh),
                None,
                at(&format!("purposes[{i}]")),
            );
        }
    }
    for c in form.controls() {
        if c.checked || c.required {
            l.push(
                "edpb.preticked",
                Severity::Error,
                format!("The box \"{}\" is pre-ticked or required.", c.label.en),
                format!("选项“{}”被预先勾选或被设为必选。", c.label.zh),
                None,
                Place::default(),
            );
        }
    }
    let mut seen: Vec<(String, String)> = Vec::new();
    for x in &s.catalogue.purposes {
        let key = (fold(&x.name.zh), fold(&x.name.en));
        if seen.iter().any(|k| k.0 == key.0 || k.1 == key.1) {
            l.push(
                "edpb.granularity",
                Severity::Warning,
                format!("Two purposes are both called \"{}\"; a person cannot tell the choices apart.", x.name.en),
                format!("两个处理目的同名（“{}”），个人无法区分各项选择。", x.name.zh),
                None,
                at("purposes"),
            );
        }
        seen.push(key);
    }

    l.scan_lines();
    for path in any_hidden(s) {
        l.push(
            "text.hidden",
            Severity::Error,
            format!("The profile field {path} has a hidden or bidirectional control character."),
            format!("处理档案字段 {path} 含有隐藏字符或双向控制字符。"),
            None,
            Place { field: Some(path), ..Place::default() },
        );
    }

    let mut findings = l.findings;
    findings.sort_by_key(|f| (f.severity, RULES.iter().position(|r| r.0 == f.rule).unwrap_or(usize::MAX)));
    findings.dedup();
    Report { findings }
}
