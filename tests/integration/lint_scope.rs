//! The starter templates lint clean with a profile that puts every feature in scope:
//! children under 14, public disclosure, automated decisions, data from another source, a
//! purpose on legitimate interests, on top of the example's processors and the example's recipients, transfers and sensitive data. A template that leaves out a
//! clause the profile needs (as `event_consent` once left out the children's clause) fails here.
//!
//! And no rule that reads the wording is satisfied by a word elsewhere: with the clause's
//! words taken out of the section that states it and put in an unrelated one, each still fires.

use consentry::notice::lint::Report;
use consentry::notice::lint::{self, Severity};
use consentry::notice::profile::{AutomatedDecisions, Bilingual, Profile, PurposeUse};
use consentry::notice::workflow;
use consentry::notice::Language;
use consentry::purpose::{self, LegalBasis, Purpose, SeparateConsent};
use consentry::Session;

use crate::common::*;

fn bi(zh: &str, en: &str) -> Bilingual {
    Bilingual { zh: zh.into(), en: en.into() }
}

fn findings(r: &Report) -> String {
    r.findings
        .iter()
        .map(|f| format!("{} {} {}", f.severity.as_str(), f.rule, f.message.en))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The example profile with every feature in scope (and the purpose it needs added to the
/// vault).
fn full_scope(lena: &mut Session) -> Profile {
    purpose::add_purpose(
        lena,
        &Purpose {
            code: "photo_wall".into(),
            name_zh: "在展台照片墙展示您的照片".into(),
            name_en: "Showing your photo on the stand's photo wall".into(),
            legal_basis: LegalBasis::Consent,
            necessary: false,
            separate_consent: Some(SeparateConsent::PublicDisclosure),
            dpv: Some("dpv:Marketing".into()),
        },
    )
    .unwrap();
    let mut p = example_profile();
    p.purposes.push("photo_wall".into());
    p.uses.push(PurposeUse { purpose: "photo_wall".into(), categories: vec!["name".into()], ..PurposeUse::default() });
    purpose::add_purpose(
        lena,
        &Purpose {
            code: "badge_check".into(),
            name_zh: "核验入场证件以保障展会安全".into(),
            name_en: "Checking badges to keep the show safe".into(),
            legal_basis: LegalBasis::LegitimateInterest,
            necessary: false,
            separate_consent: None,
            dpv: Some("dpv:EnforceSecurity".into()),
        },
    )
    .unwrap();
    p.purposes.push("badge_check".into());
    p.uses.push(PurposeUse {
        purpose: "badge_check".into(),
        categories: vec!["name".into(), "company".into()],
        interest: bi("保障展会现场观众、员工和展品的安全", "keeping visitors, staff and exhibits at the show safe"),
    });
    p.retention.push(consentry::notice::profile::Retention {
        applies_to: "badge_check".into(),
        period: bi("展会结束后30日", "30 days after the show"),
        days: Some(30),
    });
    p.retention.push(consentry::notice::profile::Retention {
        applies_to: "photo_wall".into(),
        period: bi("展会结束时撤下", "taken down when the show ends"),
        days: Some(10),
    });
    p.public_disclosure = true;
    p.minors.in_scope = true;
    p.minors.rules = bi(
        "我们仅在取得儿童父母或者其他监护人同意后处理不满十四周岁儿童的个人信息，并在活动结束后90日内删除。",
        "We process the details of a child under 14 only with the consent of a parent or guardian, and delete them within 90 days after the event.",
    );
    p.automated_decisions = Some(AutomatedDecisions {
        used: true,
        logic: bi(
            "根据您勾选的兴趣和到访的展区为您推荐产品资料",
            "we suggest product material from the interests you tick and the halls you visit",
        ),
        significance: bi(
            "您收到的资料与您的兴趣相关，不影响您的任何权利",
            "the material you receive matches your interests; none of your rights depends on it",
        ),
    });
    p.source = bi("展会主办方提供的预登记观众名单", "the organiser's list of pre-registered visitors");
    p
}

const STARTERS: [&str; 3] = ["pipl_notice", "gdpr_notice", "event_consent"];

fn title() -> Bilingual {
    bi("展会个人信息处理规则", "Trade show privacy notice")
}

#[test]
fn every_starter_lints_clean_with_every_feature_in_scope() {
    let (_dir, paths) = authoring_vault();
    let mut lena = unlock_as(&paths, LEGAL);
    let p = full_scope(&mut lena);
    for template in STARTERS {
        let r = workflow::preview(&mut lena, &p, template, None, &title()).unwrap();
        assert!(r.form.guardian.is_some(), "{template}: children in scope give the form a guardian path");
        // The one finding: the purpose on legitimate interests has no basis under the PIPL.
        let rules: Vec<(&str, &str)> = r.lint.findings.iter().map(|f| (f.rule, f.severity.as_str())).collect();
        assert_eq!(rules, [("pipl13.basis", "warning")], "{template}:\n{}", findings(&r.lint));
    }
    lena.lock().unwrap();
}

/// A clause of a rule that reads the wording: the section mark that states it, and the words
/// of it in each language (any one of them states it).
struct Clause {
    rule: &'static str,
    mark: &'static str,
    words: [Vec<String>; 2],
}

fn clause(rule: &'static str, mark: &'static str, value: &Bilingual) -> Clause {
    Clause { rule, mark, words: [vec![value.zh.clone()], vec![value.en.clone()]] }
}

fn phrase(rule: &'static str, mark: &'static str, zh: &[&str], en: &[&str]) -> Clause {
    let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
    Clause { rule, mark, words: [own(zh), own(en)] }
}

fn plain(rule: &'static str, mark: &'static str, value: &str) -> Clause {
    clause(rule, mark, &bi(value, value))
}

/// Every clause the lint reads in the wording, with the full-scope profile's values.
fn clauses(r: &workflow::Rendered) -> Vec<Clause> {
    let p = &r.snapshot.profile;
    let category = r.snapshot.category("job_title").unwrap().name.clone();
    let purpose = &r.snapshot.catalogue.purposes[0];
    let basis = purpose.basis().unwrap();
    let automated = p.automated_decisions.as_ref().unwrap();
    let days = p.response_days.unwrap();
    vec![
        plain("pipl17.controller", "controller", &p.controller.contact),
        clause("pipl17.purposes", "purposes", &purpose.name),
        clause("pipl17.methods", "processing", &p.methods),
        clause("pipl17.categories", "categories", &bi(&category.zh, &category.en.to_lowercase())),
        clause("pipl17.retention", "retention", &p.retention[0].period),
        clause("pipl17.rights", "rights", &p.rights_channel),
        clause("pipl15.withdrawal", "withdrawal", &p.withdrawal_channel),
        clause("pipl23.recipients", "sharing", &p.recipients[0].name),
        clause("pipl30.necessity", "sensitive", &p.sensitive.as_ref().unwrap().necessity),
        clause("pipl31.minors", "minors", &p.minors.rules),
        phrase("pipl31.minors", "minors", &["监护人"], &["guardian", "parent"]),
        clause("pipl39.transfers", "abroad", &p.transfers[0].recipient),
        clause("iso29184.storage", "processing", &p.storage_location),
        plain("gdpr13.dpo", "controller", &p.dpo.as_ref().unwrap().contact),
        clause("gdpr13.basis", "purposes", &bi(basis.label(true), basis.label(false))),
        clause("gdpr13.complaint", "rights", &p.complaint),
        phrase("gdpr7.anytime", "withdrawal", &["随时"], &["at any time", "any time"]),
        clause("gdpr12.response", "rights", &bi(&format!("{days}日内"), &format!("{days} days"))),
        clause("gdpr14.source", "categories", &p.source),
        clause("gdpr22.automated", "automated", &automated.logic),
        phrase("gdpr22.automated", "automated", &["拒绝"], &["refuse", "contest"]),
        clause("pipl21.processors", "sharing", &p.processors.as_ref().unwrap()[0].task),
        clause("gdpr13.interests", "purposes", &p.uses.iter().find(|u| u.purpose == "badge_check").unwrap().interest),
        clause("gdpr13.provision", "provision", &p.provision.as_ref().unwrap().consequences),
        phrase("edpb.withdrawal", "withdrawal", &["同样便捷", "一样便捷", "同等便捷"], &["as easy as", "as easily as"]),
    ]
}

/// The 1-based lines of the headings marked `mark`, and each section's lines (heading to the
/// next heading, exclusive).
fn marked_sections(text: &str, mark: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let marked = |l: &str| {
        l.starts_with('#')
            && l.rsplit_once("{:")
                .is_some_and(|(_, m)| m.split_whitespace().any(|w| w.trim_end_matches('}') == format!("#{mark}")))
    };
    (0..lines.len())
        .filter(|&i| marked(lines[i]))
        .map(|i| (i, (i + 1..lines.len()).find(|&j| lines[j].starts_with('#')).unwrap_or(lines.len())))
        .collect()
}

/// Takes `words` out of the sections marked `mark` (folding case as the lint does) and says
/// them in a new, unmarked section at the end.
fn move_elsewhere(text: &str, mark: &str, words: &[String]) -> String {
    let sections = marked_sections(text, mark);
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for (from, to) in sections {
        for line in &mut lines[from..to] {
            for w in words {
                while let Some(at) = line.to_lowercase().find(&w.to_lowercase()) {
                    // Lower-casing keeps byte offsets for the text of these notices (checked).
                    assert_eq!(line.to_lowercase().len(), line.len(), "{line}");
                    line.replace_range(at..at + w.len(), "…");
                }
            }
        }
    }
    lines.push(String::new());
    lines.push("## Notes".into());
    lines.push(String::new());
    lines.push(format!("An unrelated sentence: {}.", words.join(", ")));
    lines.join("\n")
}

#[test]
fn a_word_elsewhere_never_satisfies_a_rule_that_reads_the_wording() {
    let (_dir, paths) = authoring_vault();
    let mut lena = unlock_as(&paths, LEGAL);
    let p = full_scope(&mut lena);
    let mut checked = 0;
    for template in STARTERS {
        let r = workflow::preview(&mut lena, &p, template, None, &title()).unwrap();
        for c in clauses(&r) {
            for (i, language) in [Language::ZhCn, Language::En].into_iter().enumerate() {
                let text = r.text(language);
                let sections = marked_sections(text, c.mark);
                assert!(!sections.is_empty(), "{template} {language:?}: no section is marked #{}", c.mark);
                let mut texts = [r.text_zh.clone(), r.text_en.clone()];
                texts[i] = move_elsewhere(text, c.mark, &c.words[i]);
                assert!(
                    c.words[i].iter().any(|w| texts[i].to_lowercase().contains(&w.to_lowercase())),
                    "the words are still in the wording, elsewhere"
                );
                let report = lint::check(&r.snapshot, &texts[0], &texts[1], &r.form);
                let hit = report.findings.iter().find(|f| {
                    f.rule == c.rule
                        && f.severity == Severity::Error
                        && f.place.language == Some(language)
                        && f.place.line == Some(sections[0].0 + 1)
                });
                assert!(
                    hit.is_some(),
                    "{template} {language:?}: {} is satisfied by {:?} outside #{}:\n{}",
                    c.rule,
                    c.words[i],
                    c.mark,
                    findings(&report)
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 3 * 2 * clauses(&workflow::preview(&mut lena, &p, STARTERS[0], None, &title()).unwrap()).len());
    lena.lock().unwrap();
}

/// Takes a purpose out of a profile, with its `uses` and retention entries and its links.
fn drop_purpose(p: &mut Profile, code: &str) {
    p.purposes.retain(|c| c != code);
    p.uses.retain(|u| u.purpose != code);
    p.retention.retain(|r| r.applies_to != code);
}

/// Sound profiles the editor can produce, feature by feature: each starter lints with no
/// error and no warning (a purpose on legitimate interests where both laws apply has the one
/// warning that it has no basis under the PIPL).
#[test]
fn every_starter_lints_clean_with_any_mix_of_features() {
    let (_dir, paths) = authoring_vault();
    let mut lena = unlock_as(&paths, LEGAL);
    let full = full_scope(&mut lena);
    let frameworks: [&[&str]; 3] = [&["pipl"], &["gdpr"], &["pipl", "gdpr"]];
    // Nine features on or off; a fixed spread of 40 of the 512 mixes (all on and all off among them).
    let mut mixes: Vec<u32> = vec![0, 511];
    let mut x: u64 = 7;
    while mixes.len() < 40 {
        x = (x * 1_103_515_245 + 12_345) % (1 << 31);
        mixes.push(((x >> 11) % 512) as u32);
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for (k, mix) in mixes.iter().enumerate() {
        let on = |bit: u32| mix & (1 << bit) != 0;
        let mut p = full.clone();
        p.frameworks = frameworks[k % 3].iter().map(|f| f.to_string()).collect();
        if !on(0) {
            p.minors.in_scope = false;
            p.minors.rules = Bilingual::default();
        }
        if !on(1) {
            p.public_disclosure = false;
            drop_purpose(&mut p, "photo_wall");
        }
        if !on(2) {
            p.automated_decisions = Some(AutomatedDecisions { used: false, ..AutomatedDecisions::default() });
        }
        if !on(3) {
            p.source = Bilingual::default();
        }
        if !on(4) {
            p.processors = Some(Vec::new());
        }
        if !on(5) {
            p.recipients.clear();
            drop_purpose(&mut p, "partner_offers");
        }
        if !on(6) {
            p.transfers.clear();
            drop_purpose(&mut p, "hq_crm");
        }
        if !on(7) {
            p.sensitive = None;
            drop_purpose(&mut p, "dietary_needs");
            p.categories.retain(|c| c != "dietary_health");
            p.uses.iter_mut().for_each(|u| u.categories.retain(|c| c != "dietary_health"));
        }
        // A purpose on legitimate interests only where the GDPR applies.
        let li = on(8) && p.gdpr();
        if !li {
            drop_purpose(&mut p, "badge_check");
        }
        for template in STARTERS {
            let r = workflow::preview(&mut lena, &p, template, None, &title()).unwrap();
            let expected: &[(&str, &str)] = if li && p.pipl() { &[("pipl13.basis", "warning")] } else { &[] };
            let got: Vec<(&str, &str)> = r.lint.findings.iter().map(|f| (f.rule, f.severity.as_str())).collect();
            if got != expected {
                failures.push(format!(
                    "{template} with mix {mix:09b} under {:?}:\n{}",
                    p.frameworks,
                    findings(&r.lint)
                ));
            }
            checked += 1;
        }
    }
    lena.lock().unwrap();
    assert_eq!(checked, 120);
    assert!(failures.is_empty(), "{} of {checked} lint unclean:\n\n{}", failures.len(), failures.join("\n\n"));
}
