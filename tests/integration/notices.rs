//! Notice authoring (issue 4): the starter library rendered from the example profile, one
//! defect per compliance rule, the review workflow and the database's own guards, diffs,
//! template failures, the review packet and the `consentry notice` commands.

use consentry::notice::diff::{self, Op, TextChange};
use consentry::notice::form::FormDefinition;
use consentry::notice::lint::{self, Finding, Report, Severity, RULES};
use consentry::notice::profile::{Bilingual, CategorySnap, PurposeSnap, PurposeUse, Snapshot};
use consentry::notice::template::{self, Template, TemplateInput, TemplateKind};
use consentry::notice::workflow::{self, NewNotice, Rendered, State, Version};
use consentry::notice::{self, packet, profile, Language};
use consentry::vault::VaultPaths;
use consentry::{purpose, verify, Error, Session};

use crate::common::*;

const STARTERS: [&str; 3] = ["pipl_notice", "gdpr_notice", "event_consent"];

fn title() -> Bilingual {
    Bilingual {
        zh: "上海国际会展 2026 个人信息告知".into(), en: "Shanghai trade show 2026 privacy notice".into()
    }
}

/// The example profile rendered (not saved) with a starter notice.
fn preview(s: &mut Session, template: &str) -> Rendered {
    workflow::preview(s, &example_profile(), template, None, &title()).unwrap()
}

fn findings(r: &Report) -> String {
    r.findings
        .iter()
        .map(|f| format!("{} {} [{}] {}", f.severity.as_str(), f.rule, f.article, f.message.en))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn starter_notices_render_the_example_cleanly() {
    let (_dir, paths) = authoring_vault();
    let mut s = unlock_as(&paths, LEGAL);
    let mut forms = Vec::new();
    for name in STARTERS {
        let r = preview(&mut s, name);
        forms.push(r.form.clone());
        for language in [Language::ZhCn, Language::En] {
            insta::assert_snapshot!(format!("starter_{name}_{language}"), r.text(language));
        }
        assert_eq!((r.lint.errors(), r.lint.warnings()), (0, 0), "{name}:\n{}", findings(&r.lint));
    }
    s.lock().unwrap();

    // The form comes from the profile alone: one unticked, optional box per consent purpose,
    // the separate consents apart, no guardian path (children are out of scope).
    assert!(forms.iter().all(|f| *f == forms[0]), "the form does not depend on the template");
    let form = &forms[0];
    let ids: Vec<&str> = form.controls().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "p.event_followup",
            "p.newsletter",
            "s.third_party.partner_offers",
            "s.cross_border.hq_crm",
            "s.sensitive.dietary_needs"
        ]
    );
    assert!(form.controls().all(|c| !c.checked && !c.required));
    assert!(form.guardian.is_none() && form.informational.is_empty());
    insta::assert_snapshot!("form_definition", serde_json::to_string_pretty(form).unwrap());
}

// ---------------------------------------------------------------------------------------
// One defect per lint rule.

/// What the lint reads: a profile snapshot, the wording in both languages and the form.
#[derive(Clone)]
struct Input {
    snapshot: Snapshot,
    zh: String,
    en: String,
    form: FormDefinition,
}

impl Input {
    fn lint(&self) -> Report {
        lint::check(&self.snapshot, &self.zh, &self.en, &self.form)
    }

    fn purpose(&mut self, code: &str) -> &mut PurposeSnap {
        self.snapshot.catalogue.purposes.iter_mut().find(|p| p.code == code).unwrap()
    }
}

/// Replaces every `from` in `text` and checks that, even ignoring case, none is left.
fn cut(text: &mut String, from: &str, to: &str) {
    assert!(text.contains(from), "the wording no longer contains {from:?}; pick another defect");
    *text = text.replace(from, to);
    assert!(!text.to_lowercase().contains(&from.to_lowercase()), "{from:?} is still in the wording");
}

/// Where a finding points: `field`, `language` and `Lline:column`, as present.
fn place(f: &Finding) -> String {
    let p = &f.place;
    let mut out = Vec::new();
    out.extend(p.field.clone());
    out.extend(p.language.map(|l| l.as_str().to_string()));
    if let Some(line) = p.line {
        out.push(format!("L{line}:{}", p.column.unwrap_or(0)));
    }
    out.join(" ")
}

type Mutation = Box<dyn Fn(&mut Input)>;

/// One defect: the rule it must trip, at which severity, where, and how to make it.
struct Case {
    rule: &'static str,
    severity: Severity,
    at: &'static str,
    defect: Mutation,
}

fn case(rule: &'static str, severity: Severity, at: &'static str, defect: impl Fn(&mut Input) + 'static) -> Case {
    Case { rule, severity, at, defect: Box::new(defect) }
}

/// Applies one defect to the clean input and checks that exactly its rule fires, with the
/// article of `RULES`, the severity and the place given. A defect that changes the profile
/// but not the form gets the form the engine would derive from the changed profile.
fn check(clean: &Input, c: &Case) -> Result<(), String> {
    let article = RULES.iter().find(|r| r.0 == c.rule).ok_or(format!("{} is not in RULES", c.rule))?.1;
    if clean.lint().has(c.rule) {
        return Err(format!("{}: fires on the clean example", c.rule));
    }
    let mut input = clean.clone();
    (c.defect)(&mut input);
    if input.snapshot != clean.snapshot && input.form == clean.form {
        input.form = consentry::notice::form::derive(&input.snapshot);
    }
    let report = input.lint();
    let mine: Vec<&Finding> = report.findings.iter().filter(|f| f.rule == c.rule).collect();
    let others: Vec<&Finding> = report.findings.iter().filter(|f| f.rule != c.rule).collect();
    let mut problems = Vec::new();
    if mine.is_empty() {
        problems.push("did not fire".to_string());
    }
    for f in &mine {
        if f.severity != c.severity || f.article != article {
            problems.push(format!("fired as {:?} [{}], expected {:?} [{article}]", f.severity, f.article, c.severity));
        }
        if f.message.zh.trim().is_empty() || f.message.en.trim().is_empty() {
            problems.push("a message is missing a language".into());
        }
    }
    if !mine.iter().any(|f| place(f) == c.at) {
        problems.push(format!(
            "no finding at {:?}; found at {:?}",
            c.at,
            mine.iter().map(|f| place(f)).collect::<Vec<_>>()
        ));
    }
    if !others.is_empty() {
        problems.push(format!("other rules fired too:\n{}", findings(&Report { findings: report.findings.clone() })));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("{} ({}): {}", c.rule, c.at, problems.join("; ")))
    }
}

#[test]
fn every_lint_rule_fires_on_its_defect_and_only_then() {
    use Severity::{Error, Warning};
    let (_dir, paths) = authoring_vault();
    let mut s = unlock_as(&paths, LEGAL);
    let r = preview(&mut s, "pipl_notice");
    s.lock().unwrap();
    let clean = Input { snapshot: r.snapshot, zh: r.text_zh, en: r.text_en, form: r.form };
    assert!(clean.lint().findings.is_empty(), "{}", findings(&clean.lint()));

    let cases = vec![
        case("pipl17.controller", Error, "controller.contact", |i| i.snapshot.profile.controller.contact.clear()),
        case("pipl17.controller", Error, "controller.name en L7:0", |i| {
            cut(&mut i.en, "Acme Events (Shanghai) Co., Ltd.", "The organiser")
        }),
        case("pipl17.purposes", Error, "purposes[0] en L14:0", |i| {
            cut(&mut i.en, "Follow-up after the event", "Keeping in touch")
        }),
        case("pipl17.methods", Error, "methods en", |i| i.snapshot.profile.methods.en.clear()),
        case("pipl17.categories", Error, "categories[4] en L32:0", |i| {
            // The list names it as a title; the sentence before it, mid-sentence, in lower case.
            i.en = i.en.replace("job title", "position");
            cut(&mut i.en, "Job title", "Position")
        }),
        case("pipl17.categories", Error, "categories[4] zh-CN L32:0", |i| cut(&mut i.zh, "职务", "岗位")),
        case("pipl17.retention", Error, "purposes[1]", |i| {
            i.snapshot.profile.retention.retain(|r| r.applies_to != "newsletter")
        }),
        case("pipl17.rights", Error, "rights_channel zh-CN", |i| i.snapshot.profile.rights_channel.zh.clear()),
        case("pipl15.withdrawal", Error, "withdrawal_channel en", |i| i.snapshot.profile.withdrawal_channel.en.clear()),
        case("pipl23.recipients", Error, "recipients[0].contact", |i| i.snapshot.profile.recipients[0].contact.clear()),
        case("pipl23.separate", Error, "public_disclosure", |i| i.snapshot.profile.public_disclosure = true),
        case("pipl23.separate", Error, "purposes", |i| i.purpose("partner_offers").separate_consent = None),
        case("pipl29.separate", Error, "purposes", |i| i.purpose("dietary_needs").separate_consent = None),
        case("pipl30.necessity", Error, "sensitive", |i| i.snapshot.profile.sensitive = None),
        case("pipl31.minors", Error, "minors.rules zh-CN", |i| i.snapshot.profile.minors.in_scope = true),
        case("pipl31.minors", Warning, "minors.in_scope", |i| {
            i.snapshot.catalogue.categories.push(CategorySnap {
                code: "child_name".into(),
                name: Bilingual { zh: "儿童姓名".into(), en: "Child's name".into() },
                sensitive: Some("minor_under_14".into()),
            })
        }),
        case("pipl39.transfers", Error, "transfers[0].mechanism", |i| {
            i.snapshot.profile.transfers[0].mechanism = "none".into()
        }),
        case("pipl39.transfers", Error, "transfers[0].rights zh-CN", |i| {
            i.snapshot.profile.transfers[0].rights.zh = "  ".into()
        }),
        case("pipl39.separate", Error, "purposes", |i| i.purpose("hq_crm").separate_consent = None),
        case("pipl17.uses", Warning, "purposes[1]", |i| i.snapshot.profile.uses.retain(|u| u.purpose != "newsletter")),
        case("pipl17.uses", Error, "uses[1].categories[2]", |i| {
            i.snapshot.profile.uses[1].categories.push("passport_number".into())
        }),
        case("pipl17.uses", Error, "uses[5].purpose", |i| {
            i.snapshot.profile.uses.push(PurposeUse {
                purpose: "raffle".into(),
                categories: vec!["name".into()],
                ..PurposeUse::default()
            })
        }),
        case("pipl29.uses", Error, "purposes[0]", |i| {
            i.snapshot.profile.uses[0].categories.push("dietary_health".into())
        }),
        case("pipl23.links", Warning, "recipients[0].purposes", |i| i.snapshot.profile.recipients[0].purposes.clear()),
        case("pipl23.links", Error, "transfers[0].purposes[0]", |i| {
            i.snapshot.profile.transfers[0].purposes = vec!["event_followup".into()]
        }),
        case("pipl23.links", Error, "recipients[0].purposes[1]", |i| {
            i.snapshot.profile.recipients[0].purposes.push("lottery".into())
        }),
        case("iso29184.storage", Warning, "storage_location", |i| {
            i.snapshot.profile.storage_location = Bilingual::default()
        }),
        case("iso29184.storage", Error, "storage_location en L45:0", |i| {
            cut(&mut i.en, "our customer relationship management system in mainland China (Shanghai)", "our system")
        }),
        case("gdpr13.dpo", Warning, "dpo", |i| i.snapshot.profile.dpo = None),
        case("gdpr13.dpo", Error, "dpo.contact", |i| i.snapshot.profile.dpo.as_mut().unwrap().contact.clear()),
        // A purpose moved to legitimate interests, its interest stated, but the wording still
        // gives consent as its basis.
        case("gdpr13.basis", Error, "purposes[0] en L14:0", |i| {
            i.snapshot.profile.frameworks = vec!["gdpr".into()];
            i.purpose("event_followup").legal_basis = "legitimate_interest".into();
            i.snapshot.profile.uses[0].interest =
                Bilingual { zh: "维护客户关系".into(), en: "keeping in touch with clients".into() };
            i.zh = i.zh.replacen("**展会后续联系**", "**展会后续联系**（维护客户关系）", 1);
            i.en = i.en.replacen(
                "**Follow-up after the event**",
                "**Follow-up after the event** (keeping in touch with clients)",
                1,
            );
        }),
        case("gdpr13.complaint", Error, "complaint en", |i| i.snapshot.profile.complaint.en.clear()),
        case("gdpr12.response", Warning, "response_days", |i| i.snapshot.profile.response_days = None),
        case("gdpr12.response", Error, "response_days", |i| i.snapshot.profile.response_days = Some(45)),
        case("gdpr12.response", Error, "response_days en L132:0", |i| cut(&mut i.en, "within 15 days", "promptly")),
        case("gdpr14.source", Error, "source en L32:0", |i| {
            i.snapshot.profile.source = Bilingual {
                zh: "展会主办方提供的参展商名单".into(),
                en: "the organiser's list of registered visitors".into(),
            }
        }),
        case("gdpr22.automated", Warning, "automated_decisions", |i| i.snapshot.profile.automated_decisions = None),
        case("gdpr22.automated", Error, "automated_decisions.logic zh-CN", |i| {
            i.snapshot.profile.automated_decisions.as_mut().unwrap().used = true
        }),
        case("pipl21.processors", Warning, "processors", |i| i.snapshot.profile.processors = None),
        case("pipl21.processors", Error, "processors[0].task zh-CN", |i| {
            i.snapshot.profile.processors.as_mut().unwrap()[0].task.zh.clear()
        }),
        case("pipl21.processors", Error, "processors[0].name en L81:0", |i| {
            cut(&mut i.en, "Shanghai Yunqi Information Technology Co., Ltd.", "A hosting company")
        }),
        case("gdpr13.provision", Warning, "provision", |i| i.snapshot.profile.provision = None),
        case("gdpr13.provision", Error, "provision.consequences en L26:0", |i| {
            cut(&mut i.en, "we cannot contact you after the show or send you material", "we are sorry")
        }),
        // A purpose on legitimate interests whose wording names the basis but not the interest.
        case("gdpr13.interests", Error, "uses[0].interest zh-CN", |i| {
            i.snapshot.profile.frameworks = vec!["gdpr".into()];
            i.purpose("event_followup").legal_basis = "legitimate_interest".into();
            cut(
                &mut i.zh,
                "展会后续联系**：法律依据为您的同意",
                "展会后续联系**：法律依据为我们的正当利益（仅适用于GDPR）",
            );
            cut(
                &mut i.en,
                "Follow-up after the event**. Legal basis: your consent",
                "Follow-up after the event**. Legal basis: our legitimate interests",
            );
        }),
        case("gdpr7.anytime", Error, "en L154:0", |i| cut(&mut i.en, "any time", "a later date")),
        // A basis the regime does not recognise: legitimate interests under the PIPL alone (an
        // error), or under both laws (a warning: no basis under the PIPL); the wording names it.
        case("pipl13.basis", Error, "purposes[0]", |i| {
            i.snapshot.profile.frameworks = vec!["pipl".into()];
            i.purpose("event_followup").legal_basis = "legitimate_interest".into();
        }),
        case("pipl13.basis", Warning, "purposes[0]", |i| {
            i.purpose("event_followup").legal_basis = "legitimate_interest".into();
            i.snapshot.profile.uses[0].interest =
                Bilingual { zh: "维护客户关系".into(), en: "keeping in touch with clients".into() };
            cut(
                &mut i.zh,
                "展会后续联系**：法律依据为您的同意",
                "展会后续联系**（维护客户关系）：法律依据为我们的正当利益（仅适用于GDPR）",
            );
            cut(
                &mut i.en,
                "Follow-up after the event**. Legal basis: your consent",
                "Follow-up after the event** (keeping in touch with clients). Legal basis: our legitimate interests",
            );
        }),
        // Withdrawal harder than the grant: only by letter; or an ID document asked for.
        case("edpb.withdrawal", Error, "withdrawal_channel", |i| {
            let old = i.snapshot.profile.withdrawal_channel.en.clone();
            let new = "write to us by registered mail at our Shanghai office.";
            i.snapshot.profile.withdrawal_channel.en = new.into();
            cut(&mut i.en, &old, new);
        }),
        case("edpb.withdrawal", Error, "withdrawal_channel", |i| {
            let old = i.snapshot.profile.withdrawal_channel.zh.clone();
            let new = format!("{old}提出时请附身份证复印件。");
            i.snapshot.profile.withdrawal_channel.zh = new.clone();
            assert!(i.zh.contains(&old));
            i.zh = i.zh.replace(&old, &new);
        }),
        case("edpb.withdrawal", Error, "en L154:0", |i| cut(&mut i.en, "as easy as giving it", "possible")),
        case("gdpr7.anytime", Error, "zh-CN L154:0", |i| cut(&mut i.zh, "不影响撤回前", "")),
        case("edpb.bundling", Error, "purposes[1]", |i| i.purpose("newsletter").necessary = true),
        case("edpb.preticked", Error, "en L1:1", |i| i.en.insert_str(0, "☑ Newsletter\n")),
        case("edpb.preticked", Error, "zh-CN L1:3", |i| i.zh.insert_str(0, "订阅默认勾选\n")),
        case("edpb.preticked", Error, "", |i| i.form.purposes[0].checked = true),
        case("edpb.granularity", Warning, "purposes[1]", |i| {
            // One box whose name bundles two aims; the wording names it as the profile does.
            i.purpose("newsletter").name = Bilingual {
                zh: "电子通讯订阅及合作伙伴优惠".into(),
                en: "Newsletter and partner offers".into(),
            };
            i.zh = i.zh.replace("电子通讯订阅", "电子通讯订阅及合作伙伴优惠");
            i.en = i.en.replace("Newsletter", "Newsletter and partner offers");
        }),
        case("edpb.granularity", Warning, "purposes", |i| {
            let first = i.snapshot.catalogue.purposes[0].name.clone();
            i.purpose("newsletter").name = first;
        }),
        case("text.hidden", Error, "en L1:4", |i| i.en.insert_str(0, "abc\u{202E}def\n")),
        case("text.hidden", Error, "zh-CN L1:3", |i| i.zh.insert_str(0, "同意\u{200B}书\n")),
        case("text.hidden", Error, "jurisdiction", |i| i.snapshot.profile.jurisdiction = "C\u{2066}N".into()),
        // zh and en disagree on a period: the profile and the wording both say 6 months in
        // English, 12 in Chinese; no other rule sees it.
        case("text.agree", Error, "retention[0].period", |i| {
            i.snapshot.profile.retention[0].period.en = "6 months after the event".into();
            cut(&mut i.en, "12 months after the event", "6 months after the event");
        }),
        case("text.missing", Error, "en", |i| i.en.clear()),
        case("text.missing", Error, "zh-CN", |i| i.zh = " \n\n ".into()),
        case("text.placeholder", Error, "en L1:10", |i| i.en.insert_str(0, "Contact: TODO\n")),
        case("text.placeholder", Error, "zh-CN L1:1", |i| i.zh.insert_str(0, "待定\n")),
        case("text.placeholder", Error, "jurisdiction", |i| i.snapshot.profile.jurisdiction = "TBD".into()),
        // A misspelt mark: the section is read by its heading's words instead, and the mark flagged.
        case("text.marks", Warning, "en L154:0", |i| cut(&mut i.en, "{: #withdrawal}", "{: #withdrawl}")),
    ];

    let failures: Vec<String> = cases.iter().filter_map(|c| check(&clean, c).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));

    let mut tested: Vec<&str> = cases.iter().map(|c| c.rule).collect();
    tested.sort();
    tested.dedup();
    let mut all: Vec<&str> = RULES.iter().map(|r| r.0).collect();
    all.sort();
    assert_eq!(tested, all, "every rule in lint::RULES needs a defect here");
}

// ---------------------------------------------------------------------------------------
// The review workflow, through the engine and against the database's own guards.

const PROFILE: &str = "trade-show-2026";

fn new_notice(s: &mut Session, name: &str, template: &str) -> Version {
    workflow::create(
        s,
        &NewNotice { name: name.into(), title: title(), profile: PROFILE.into(), template: template.into() },
    )
    .unwrap()
}

/// Lena writes and submits a notice; Lu approves it. Returns the approved version.
pub fn approved_notice(paths: &VaultPaths, name: &str) -> Version {
    let mut lena = unlock_as(paths, LEGAL);
    new_notice(&mut lena, name, "pipl_notice");
    workflow::submit(&mut lena, name, "ready for review").unwrap();
    lena.lock().unwrap();
    let mut lu = unlock_as(paths, LEGAL2);
    let v = workflow::approve(&mut lu, name, "approved").unwrap();
    lu.lock().unwrap();
    v
}

fn operator_id(s: &Session, name: &str) -> String {
    s.raw_connection_for_tests().query_row("SELECT id FROM operator WHERE name = ?1", [name], |r| r.get(0)).unwrap()
}

/// Runs SQL as an attacker holding the key would, and returns SQLite's refusal.
fn tamper(s: &Session, sql: &str, id: &str) -> String {
    match s.raw_connection_for_tests().execute(sql, [id]) {
        Ok(n) => panic!("the database accepted {sql:?} ({n} row(s))"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_author_cannot_approve_and_neither_can_raw_sql() {
    let (_dir, paths) = authoring_vault();
    let mut lena = unlock_as(&paths, LEGAL);
    new_notice(&mut lena, "ts", "pipl_notice");
    let submitted = workflow::submit(&mut lena, "ts", "please review").unwrap();
    assert_eq!(submitted.state, State::InReview);

    let err = workflow::approve(&mut lena, "ts", "looks good to me").unwrap_err();
    assert!(matches!(&err, Error::OwnApproval { notice, number: 1 } if notice == "ts"), "{err:?}");
    let after = workflow::get(&mut lena, "ts", None).unwrap();
    assert_eq!((after.state, after.approved_by.clone()), (State::InReview, None));
    assert_eq!(after.comments.len(), 1, "the refused approval left no comment");
    assert!(matches!(notice::find(&mut lena, &after.rendered.hash_en), Err(Error::NotFound { .. })));
    assert!(!lena.audit_log(100).unwrap().iter().any(|e| e.action == "notice.approve"));
    let denied = lena.audit_log(5).unwrap();
    assert!(denied.iter().any(|e| e.action == "notice.approve_denied" && e.target == "ts"), "audited like a denial");

    // The database refuses the same step when the engine is bypassed.
    let author = operator_id(&lena, LEGAL.0);
    let refusal = tamper(
        &lena,
        &format!(
            "UPDATE notice_revision SET state = 'approved', approved_by = '{author}', approved_at_ms = 1 WHERE id = ?1"
        ),
        &after.id,
    );
    assert!(refusal.contains("frozen"), "{refusal}");
    assert_eq!(workflow::get(&mut lena, "ts", None).unwrap().state, State::InReview);
    lena.lock().unwrap();

    // Someone else in legal may.
    let mut lu = unlock_as(&paths, LEGAL2);
    let v = workflow::approve(&mut lu, "ts", "approved").unwrap();
    assert_eq!((v.state, v.approved_by.as_deref(), v.author.as_str()), (State::Approved, Some("Lu"), "Lena"));
    lu.lock().unwrap();
}

#[test]
fn lint_errors_block_submission_until_the_profile_is_fixed() {
    let (_dir, paths) = authoring_vault();
    let mut lena = unlock_as(&paths, LEGAL);
    let mut broken = example_profile();
    broken.controller.contact.clear();
    assert_eq!(profile::save(&mut lena, &broken).unwrap().rev, 2);
    let v = new_notice(&mut lena, "ts", "pipl_notice");
    assert!(v.rendered.lint.has("pipl17.controller"), "{}", findings(&v.rendered.lint));
    let errors = v.rendered.lint.errors();

    let err = workflow::submit(&mut lena, "ts", "").unwrap_err();
    assert!(matches!(&err, Error::LintErrors { notice, count } if notice == "ts" && *count == errors), "{err:?}");
    assert_eq!(workflow::get(&mut lena, "ts", None).unwrap().state, State::Draft);

    // Fix the profile and render the draft again: the same version, now clean.
    assert_eq!(profile::save(&mut lena, &example_profile()).unwrap().rev, 3);
    let v = workflow::draft(&mut lena, "ts", None, None).unwrap();
    assert_eq!((v.number, v.profile_rev, v.rendered.lint.errors()), (1, 3, 0));
    workflow::submit(&mut lena, "ts", "contact fixed").unwrap();

    // Frozen in review: drafting again is refused.
    assert_eq!(wrong_state(workflow::draft(&mut lena, "ts", None, None)), ("VERSION_FROZEN", None));
    lena.lock().unwrap();

    // A rejection needs a reason, and sends the version back to draft.
    let mut lu = unlock_as(&paths, LEGAL2);
    assert!(matches!(workflow::reject(&mut lu, "ts", "  "), Err(Error::Invalid { .. })));
    assert_eq!(workflow::get(&mut lu, "ts", None).unwrap().state, State::InReview);
    let v = workflow::reject(&mut lu, "ts", "Say which trade show.").unwrap();
    assert_eq!(v.state, State::Draft);
    let steps: Vec<(&str, &str)> = v.comments.iter().map(|c| (c.verdict.as_str(), c.author.as_str())).collect();
    assert_eq!(steps, [("submit", "Lena"), ("reject", "Lu")]);
    assert_eq!(v.comments[1].body, "Say which trade show.");
    assert_eq!(wrong_state(workflow::approve(&mut lu, "ts", "")), ("ONLY_REVIEW_DECIDES", Some("draft")));
    lu.lock().unwrap();
}

#[test]
fn approval_registers_both_languages_and_freezes_them() {
    let (_dir, paths) = authoring_vault();
    let v = approved_notice(&paths, "ts");
    let mut lena = unlock_as(&paths, LEGAL);
    // Home counts the version once, not once per language.
    let states = |s: &mut Session| consentry::ledger::summary(s).unwrap().notices_by_state;
    assert_eq!(states(&mut lena), [("approved".to_string(), 1)]);

    // Both languages are registered under the version's hashes, for consent events.
    for (hash, language, text) in [
        (&v.rendered.hash_zh, Language::ZhCn, &v.rendered.text_zh),
        (&v.rendered.hash_en, Language::En, &v.rendered.text_en),
    ] {
        let nv = notice::find(&mut lena, hash).unwrap();
        assert_eq!((&nv.hash, nv.language, &nv.body, nv.state.as_str()), (hash, language, text, "approved"));
        assert_eq!(nv.profile, v.rendered.snapshot.canonical_json());
        assert_eq!(*hash, notice::canonical_hash(text, language, &nv.profile), "the hash is the canonical one");
    }
    let approvals: Vec<_> = lena.audit_log(100).unwrap().into_iter().filter(|e| e.action == "notice.approve").collect();
    assert_eq!(approvals.len(), 1);
    assert_eq!((approvals[0].actor_name.as_str(), approvals[0].target.as_str()), ("Lu", "ts v1"));
    assert!(approvals[0].detail.contains(&v.rendered.hash_zh) && approvals[0].detail.contains(&v.rendered.hash_en));

    // Neither the version nor its registered wording can change, even through SQL.
    for sql in [
        "UPDATE notice_revision SET text_zh = '我们不收集任何信息。' WHERE id = ?1",
        "UPDATE notice_revision SET approved_by = NULL, approved_at_ms = NULL, state = 'draft' WHERE id = ?1",
        "DELETE FROM notice_revision WHERE id = ?1",
    ] {
        assert!(tamper(&lena, sql, &v.id).contains("frozen"), "{sql}");
    }
    for sql in [
        "UPDATE notice_version SET body = 'We collect nothing.' WHERE hash = ?1",
        "DELETE FROM notice_version WHERE hash = ?1",
    ] {
        assert!(tamper(&lena, sql, &v.rendered.hash_en).contains("frozen"), "{sql}");
    }
    assert_eq!(workflow::get(&mut lena, "ts", Some(1)).unwrap(), v);

    // A new draft starts as a copy of the approved version; an unchanged copy cannot be submitted.
    let v2 = workflow::draft(&mut lena, "ts", None, None).unwrap();
    assert_eq!((v2.number, v2.state), (2, State::Draft));
    assert_eq!(states(&mut lena), [("approved".to_string(), 1), ("draft".to_string(), 1)]);
    assert_eq!((&v2.rendered.text_zh, &v2.rendered.hash_en), (&v.rendered.text_zh, &v.rendered.hash_en));
    let err = workflow::submit(&mut lena, "ts", "").unwrap_err();
    assert!(err.to_string().contains("word for word the same as version 1"), "{err}");
    assert_eq!(workflow::get(&mut lena, "ts", None).unwrap().state, State::Draft);

    // Only an approved version can be retired.
    assert_eq!(wrong_state(workflow::retire(&mut lena, "ts", 2, "old")), ("ONLY_APPROVED_RETIRES", Some("draft")));
    lena.lock().unwrap();

    // A marketer cannot draft, but sees what capture may show.
    let mut mo = unlock_as(&paths, MARKETER);
    assert!(matches!(workflow::draft(&mut mo, "ts", None, None), Err(Error::PermissionDenied { .. })));
    assert!(matches!(profile::save(&mut mo, &example_profile()), Err(Error::PermissionDenied { .. })));
    let shown: Vec<(String, i64)> =
        workflow::approved(&mut mo).unwrap().into_iter().map(|v| (v.notice, v.number)).collect();
    assert_eq!(shown, [("ts".to_string(), 1)]);
    mo.lock().unwrap();

    let mut lu = unlock_as(&paths, LEGAL2);
    let retired = workflow::retire(&mut lu, "ts", 1, "replaced for the 2027 show").unwrap();
    assert_eq!(retired.state, State::Retired);
    assert!(retired.retired_at_ms.is_some());
    assert_eq!(states(&mut lu), [("draft".to_string(), 1), ("retired".to_string(), 1)]);
    assert_eq!(notice::find(&mut lu, &v.rendered.hash_zh).unwrap().state, State::Retired);
    assert!(workflow::approved(&mut lu).unwrap().is_empty());
    assert_eq!(wrong_state(workflow::retire(&mut lu, "ts", 1, "again")), ("ONLY_APPROVED_RETIRES", Some("retired")));
    lu.lock().unwrap();

    let mut ada = unlock_as(&paths, ADMIN);
    let report = verify::verify(&mut ada, consentry::verify::Scope::Full).unwrap();
    assert!(report.is_intact(), "{:?}", report.problems);
    assert!(report.audit_entries_checked > 10);
    ada.lock().unwrap();
}

// ---------------------------------------------------------------------------------------
// Diffs between versions.

fn inserted(t: &TextChange) -> Vec<&str> {
    t.ops.iter().filter_map(|o| if let Op::Insert(x) = o { Some(x.as_str()) } else { None }).collect()
}

fn deleted(t: &TextChange) -> Vec<&str> {
    t.ops.iter().filter_map(|o| if let Op::Delete(x) = o { Some(x.as_str()) } else { None }).collect()
}

#[test]
fn a_new_recipient_and_category_need_fresh_consent() {
    let (_dir, paths) = authoring_vault();
    approved_notice(&paths, "ts");
    let mut lena = unlock_as(&paths, LEGAL);
    purpose::add_category(
        &mut lena,
        &purpose::DataCategory {
            code: "industry".into(),
            name_zh: "所属行业".into(),
            name_en: "Industry".into(),
            sensitive: None,
        },
    )
    .unwrap();
    let mut p = example_profile();
    p.categories.push("industry".into());
    let mut r = p.recipients[0].clone();
    r.name = Bilingual {
        zh: "北风物流（上海）有限公司".into(), en: "Northwind Logistics (Shanghai) Co., Ltd.".into()
    };
    r.contact = "privacy@northwind.example.cn".into();
    r.categories = vec!["name".into(), "phone".into()];
    p.recipients.push(r);
    profile::save(&mut lena, &p).unwrap();
    let v2 = workflow::draft(&mut lena, "ts", None, None).unwrap();
    assert_eq!((v2.number, v2.rendered.lint.errors()), (2, 0), "{}", findings(&v2.rendered.lint));

    let d = diff::diff(&mut lena, "ts", 2, 1).unwrap();
    assert_eq!((d.from, d.to), (1, 2));
    let kinds: Vec<&str> = d.material.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(kinds, ["category_added", "recipient_added"]);
    assert!(d.needs_fresh_consent() && d.material.iter().all(|m| m.needs_fresh_consent));
    assert!(d.material[1].message.en.contains("Northwind Logistics") && d.material[1].message.zh.contains("北风物流"));
    assert!(inserted(&d.text[1]).iter().any(|t| t.contains("Northwind")), "the wording names the new recipient");
    assert!(inserted(&d.text[0]).concat().contains("所属行业"));
    lena.lock().unwrap();
}

#[test]
fn a_wording_change_is_not_material_and_is_diffed_by_word_and_character() {
    let (_dir, paths) = authoring_vault();
    approved_notice(&paths, "ts");
    let mut lena = unlock_as(&paths, LEGAL);
    let t = template::get(&mut lena, "pipl_notice").unwrap();
    let edit = TemplateInput {
        name: t.name.clone(),
        kind: t.kind,
        title_zh: t.title_zh.clone(),
        title_en: t.title_en.clone(),
        source_zh: t.source_zh.replacen("仔细阅读本规则", "认真阅读本规则", 1),
        source_en: t.source_en.replacen("Please read them before", "Please read these rules before", 1),
    };
    assert!(
        edit.source_zh != t.source_zh && edit.source_en != t.source_en,
        "the starter wording changed; pick another edit"
    );
    assert_eq!(template::save(&mut lena, &edit).unwrap().rev, t.rev + 1);
    let v2 = workflow::draft(&mut lena, "ts", None, None).unwrap();
    assert_eq!(v2.template_rev, t.rev + 1);

    let d = diff::diff(&mut lena, "ts", 1, 2).unwrap();
    assert!(d.material.is_empty() && !d.needs_fresh_consent(), "{:?}", d.material);
    let (zh, en) = (&d.text[0], &d.text[1]);
    assert_eq!((zh.language, en.language), (Language::ZhCn, Language::En));
    // English by whole words ("them" shares "the" with "these", which a character diff would keep) …
    assert_eq!((deleted(en), inserted(en)), (vec!["them"], vec!["these rules"]));
    // … Chinese by characters (a word diff would replace the whole unspaced sentence).
    assert_eq!((deleted(zh), inserted(zh)), (vec!["仔细"], vec!["认真"]));
    assert_eq!((zh.inserted, zh.deleted), (2, 2));
    // Re-assembling the runs gives back both texts.
    let old: String = en
        .ops
        .iter()
        .filter_map(|o| match o {
            Op::Insert(_) => None,
            Op::Equal(x) | Op::Delete(x) => Some(x.as_str()),
        })
        .collect();
    let new: String = en
        .ops
        .iter()
        .filter_map(|o| match o {
            Op::Delete(_) => None,
            Op::Equal(x) | Op::Insert(x) => Some(x.as_str()),
        })
        .collect();
    assert_eq!(
        (old.as_str(), new.as_str()),
        (workflow::get(&mut lena, "ts", Some(1)).unwrap().rendered.text_en.as_str(), v2.rendered.text_en.as_str())
    );
    lena.lock().unwrap();
}

// ---------------------------------------------------------------------------------------
// Templates that fail: every failure is an Error::Template that says where and why.

fn edit(source: &str) -> Template {
    Template {
        name: "broken".into(),
        kind: TemplateKind::Notice,
        rev: 1,
        title_zh: "坏模板".into(),
        title_en: "Broken".into(),
        source_zh: source.into(),
        source_en: source.into(),
        saved_by: "Lena".into(),
        saved_at_ms: 0,
    }
}

fn render_error(s: &mut Session, source: &str) -> (Error, std::time::Duration) {
    let started = std::time::Instant::now();
    let err = workflow::preview(s, &example_profile(), "broken", Some(edit(source)), &title()).unwrap_err();
    (err, started.elapsed())
}

#[test]
fn template_failures_say_what_and_where_and_save_nothing() {
    let (_dir, paths) = authoring_vault();
    let mut lena = unlock_as(&paths, LEGAL);

    let cases: &[(&str, &[&str])] = &[
        ("# {{ title }}\n\nHandler: {{ controller.nmae }}\n", &["controller.nmae", "line 3", "not defined"]),
        ("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}", &["ran too long"]),
        ("{% for i in range(20000) %}{{ controller.name }} {{ methods }}{% endfor %}", &["512 KiB of text"]),
        ("{% include \"clause/nope\" %}", &["clause/nope", "does not exist"]),
        ("Fine\n{% if frameworks.gdpr %}\nunclosed", &["syntax error", "line"]),
    ];
    let mut messages = Vec::new();
    for (source, expect) in cases {
        let (err, took) = render_error(&mut lena, source);
        let text = err.to_string();
        messages.push(text.clone());
        assert!(matches!(err, Error::Template { .. }), "{source}: {err:?}");
        assert!(text.starts_with("Template \"notice/broken\""), "{text}");
        for e in *expect {
            assert!(text.contains(e), "{source}: {text:?} does not contain {e:?}");
        }
        assert!(took.as_secs() < 5, "{source} took {took:?}");
    }

    insta::assert_snapshot!("template_failures", messages.join("\n"));

    // Saving a template that does not parse writes nothing.
    let before = template::list(&mut lena).unwrap();
    let audit_before = lena.audit_log(1000).unwrap().len();
    let bad = TemplateInput {
        name: "broken".into(),
        kind: TemplateKind::Clause,
        title_zh: "坏".into(),
        title_en: "Bad".into(),
        source_zh: "好\n".into(),
        source_en: "One\nTwo\n{% for p in purposes %}\n{{ p.name }\n".into(),
    };
    let err = template::save(&mut lena, &bad).unwrap_err();
    let text = err.to_string();
    assert!(matches!(&err, Error::Template { language: Language::En, line: Some(4), .. }), "{err:?}");
    assert!(text.contains("clause/broken") && text.contains("line 4") && text.contains("syntax error"), "{text}");
    assert_eq!(template::list(&mut lena).unwrap(), before);
    assert!(matches!(template::get(&mut lena, "broken"), Err(Error::NotFound { .. })));
    assert_eq!(lena.audit_log(1000).unwrap().len(), audit_before);
    lena.lock().unwrap();
}

// ---------------------------------------------------------------------------------------
// The review packet.

const ZH_SENTENCE: &str = "我们不会公开披露您的个人信息。";
const EN_SENTENCE: &str = "We do not make your personal information public.";

/// The parts of a .docx, by name.
fn unzip(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut text = String::new();
            std::io::Read::read_to_string(&mut f, &mut text).unwrap();
            (f.name().to_string(), text)
        })
        .collect()
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Checks that `word/document.xml` and the other parts are well-formed XML and returns the
/// document's text (every w:t and w:delText) and the names of its elements.
fn docx_text(bytes: &[u8]) -> (String, Vec<String>) {
    assert_eq!(&bytes[..2], b"PK");
    let parts = unzip(bytes);
    let names: Vec<&str> = parts.iter().map(|p| p.0.as_str()).collect();
    for needed in ["[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml"] {
        assert!(names.contains(&needed), "{needed} is missing from {names:?}");
    }
    for (name, xml) in &parts {
        if let Err(e) = roxmltree::Document::parse(xml) {
            panic!("{name} is not well-formed XML: {e}");
        }
    }
    let xml = &parts.iter().find(|p| p.0 == "word/document.xml").unwrap().1;
    let doc = roxmltree::Document::parse(xml).unwrap();
    assert_eq!(doc.root_element().tag_name().namespace(), Some(W));
    let text: String = doc
        .descendants()
        .filter(|n| n.tag_name().namespace() == Some(W) && matches!(n.tag_name().name(), "t" | "delText"))
        .filter_map(|n| n.text())
        .collect();
    let elements = doc.descendants().filter(|n| n.is_element()).map(|n| n.tag_name().name().to_string()).collect();
    (text, elements)
}

#[test]
fn the_review_packet_shows_both_languages_hashes_and_lint_and_runs_no_script() {
    let (_dir, paths) = authoring_vault();
    let v = approved_notice(&paths, "ts");
    let mut lena = unlock_as(&paths, LEGAL);
    let p = packet::gather(&mut lena, "ts", None).unwrap();
    assert_eq!(p.version, v);
    assert!(p.diff.is_none(), "the first version has nothing to compare with");
    assert!(v.rendered.text_zh.contains(ZH_SENTENCE) && v.rendered.text_en.contains(EN_SENTENCE));

    let html = packet::html(&p).unwrap();
    for needle in [
        v.rendered.hash_zh.as_str(),
        v.rendered.hash_en.as_str(),
        ZH_SENTENCE,
        EN_SENTENCE,
        "0 error(s), 0 warning(s)",
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        "approved",
        "Lu",
    ] {
        assert!(html.contains(needle), "the packet lacks {needle:?}");
    }
    assert!(!html.to_lowercase().contains("<script"), "no script");
    assert_eq!(html.matches("Content-Security-Policy").count(), 1);
    assert!(lena.audit_log(10).unwrap().iter().any(|e| e.action == "notice.export" && e.target == "ts v1"));

    let (text, elements) = docx_text(&packet::docx(&p).unwrap());
    for needle in [v.rendered.hash_zh.as_str(), v.rendered.hash_en.as_str(), ZH_SENTENCE, EN_SENTENCE] {
        assert!(text.contains(needle), "the .docx lacks {needle:?}");
    }
    assert!(!elements.iter().any(|e| e == "ins" || e == "del"), "nothing to track in version 1");
    // The wording is one row per section (Chinese beside English), its header repeated on
    // each page: more rows than the metadata table's 8 and the header.
    let sections = v.rendered.text_en.lines().filter(|l| l.starts_with("## ")).count();
    assert!(sections > 5);
    assert!(elements.iter().filter(|e| *e == "tr").count() > 8 + sections, "{sections} sections");
    assert!(elements.iter().any(|e| e == "tblHeader"));

    // Version 2 with a new category and recipient: the Word file tracks the changes.
    purpose::add_category(
        &mut lena,
        &purpose::DataCategory {
            code: "industry".into(),
            name_zh: "所属行业".into(),
            name_en: "Industry".into(),
            sensitive: None,
        },
    )
    .unwrap();
    let mut changed = example_profile();
    changed.categories.push("industry".into());
    changed.retention[0].period =
        Bilingual { zh: "活动结束后6个月".into(), en: "6 months after the event".into() };
    profile::save(&mut lena, &changed).unwrap();
    workflow::draft(&mut lena, "ts", None, None).unwrap();
    let p2 = packet::gather(&mut lena, "ts", Some(2)).unwrap();
    assert_eq!(p2.diff.as_ref().map(|d| (d.from, d.to)), Some((1, 2)));
    let (text, elements) = docx_text(&packet::docx(&p2).unwrap());
    assert!(elements.iter().any(|e| e == "ins") && elements.iter().any(|e| e == "del"), "tracked changes");
    assert!(text.contains("所属行业") && text.contains("Needs fresh consent"), "{text}");
    let html = packet::html(&p2).unwrap();
    assert!(
        html.contains("<del>12</del><ins>6</ins> months after the event"),
        "the HTML diff marks the change by word"
    );
    assert!(
        html.contains("<ins>所属行业</ins>") || html.contains("<ins>、所属行业</ins>"),
        "and by character in Chinese"
    );
    lena.lock().unwrap();
}

#[test]
fn profile_values_cannot_inject_markup_into_the_packet() {
    let (_dir, paths) = authoring_vault();
    let mut lena = unlock_as(&paths, LEGAL);
    let attack = "<script>alert(1)</script>";
    let mut p = example_profile();
    p.methods.en = format!("We scan your badge {attack} at the stand.");
    p.controller.address.zh = "上海市<img src=x onerror=alert(2)>静安区 & \"示范路\"".to_string();
    profile::save(&mut lena, &p).unwrap();
    workflow::create(
        &mut lena,
        &NewNotice {
            name: "xss".into(),
            title: Bilingual {
                zh: "标题<b onclick=alert(3)>".into(),
                en: "Title </title><script>alert(4)</script>".into(),
            },
            profile: PROFILE.into(),
            template: "pipl_notice".into(),
        },
    )
    .unwrap();
    let packet = packet::gather(&mut lena, "xss", None).unwrap();
    assert!(packet.version.rendered.text_en.contains(attack), "the wording keeps the text as typed");

    let html = packet::html(&packet).unwrap();
    let lower = html.to_lowercase();
    for bad in ["<script", "<img", "<b onclick", "</title><"] {
        assert!(!lower.contains(bad), "{bad} got through:\n{html}");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "escaped once, not twice");
    assert!(html.contains("&lt;img src=x onerror=alert(2)&gt;"));
    assert!(!html.contains("&amp;lt;"), "escaped twice somewhere");

    let (text, _) = docx_text(&packet::docx(&packet).unwrap());
    assert!(text.contains(attack), "Word shows the text as typed, as text");
    lena.lock().unwrap();
}

// ---------------------------------------------------------------------------------------
// `consentry notice …`, the real binary.

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn vault(&self) -> std::path::PathBuf {
        self.dir.path().join("vault.db")
    }

    fn file(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, who: (&str, &str)) -> std::process::Command {
        let mut cmd = std::process::Command::new(bin());
        cmd.env_remove("CONSENTRY_NEW_PASSPHRASE")
            .env("CONSENTRY_VAULT", self.vault())
            .env("CONSENTRY_OPERATOR", who.0)
            .env("CONSENTRY_PASSPHRASE", who.1);
        cmd
    }

    fn run(&self, who: (&str, &str), args: &[&str]) -> std::process::Output {
        self.command(who).args(args).output().unwrap()
    }

    fn ok(&self, who: (&str, &str), args: &[&str]) -> String {
        let out = self.run(who, args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    fn json(&self, who: (&str, &str), args: &[&str]) -> serde_json::Value {
        let out = self.ok(who, &[&["--json"], args].concat());
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {out}"))
    }
}

#[test]
fn cli_from_profile_to_approved_notice_export_and_diff() {
    let cli = Cli { dir: tempfile::tempdir().unwrap() };
    let out = cli
        .command(ADMIN)
        .env("CONSENTRY_NEW_PASSPHRASE", ADMIN.1)
        .args(["init", "--admin", ADMIN.0, "--device", "Stand A"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for (who, role) in [(LEGAL, "legal"), (LEGAL2, "legal"), (MARKETER, "marketer")] {
        let out = cli
            .command(ADMIN)
            .env("CONSENTRY_NEW_PASSPHRASE", who.1)
            .args(["operator", "add", who.0, "--role", role])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }

    // The example's own script creates its catalogue, and the engine reads it back as the
    // other tests create it.
    let out = std::process::Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/catalogue.sh"))
        .env("CONSENTRY", bin())
        .env("CONSENTRY_VAULT", cli.vault())
        .env("CONSENTRY_OPERATOR", LEGAL.0)
        .env("CONSENTRY_PASSPHRASE", LEGAL.1)
        .output()
        .unwrap();
    assert!(out.status.success(), "catalogue.sh: {}", String::from_utf8_lossy(&out.stderr));
    {
        let paths = VaultPaths::new(cli.vault());
        let mut s = unlock_as(&paths, MARKETER);
        let mut purposes = purpose::list_purposes(&mut s).unwrap();
        let mut expected = example_purposes();
        purposes.sort_by(|a, b| a.code.cmp(&b.code));
        expected.sort_by(|a, b| a.code.cmp(&b.code));
        assert_eq!(purposes, expected, "examples/catalogue.sh and common::example_purposes disagree");
        let mut categories = purpose::list_categories(&mut s).unwrap();
        let mut expected = example_categories();
        categories.sort_by(|a, b| a.code.cmp(&b.code));
        expected.sort_by(|a, b| a.code.cmp(&b.code));
        assert_eq!(categories, expected, "examples/catalogue.sh and common::example_categories disagree");
        s.lock().unwrap();
    }

    let example = cli.ok(LEGAL, &["notice", "profile", "example"]);
    assert_eq!(example, EXAMPLE_PROFILE);
    let profile_file = cli.file("profile.json");
    std::fs::write(&profile_file, &example).unwrap();
    let saved = cli.json(LEGAL, &["notice", "profile", "set", profile_file.to_str().unwrap()]);
    assert_eq!((saved["name"].as_str(), saved["rev"].as_i64()), (Some(PROFILE), Some(1)));
    assert!(cli.ok(LEGAL, &["notice", "template", "install-starter"]).contains("11 template(s) written"));
    let new = cli.json(
        LEGAL,
        &[
            "notice",
            "new",
            "ts",
            "--title-zh",
            "上海展会 2026",
            "--title-en",
            "Shanghai show 2026",
            "--profile",
            PROFILE,
            "--template",
            "event_consent",
        ],
    );
    assert_eq!((new["number"].as_i64(), new["state"].as_str()), (Some(1), Some("draft")));

    let lint = cli.run(LEGAL, &["--json", "notice", "lint", "ts"]);
    assert_eq!(lint.status.code(), Some(0), "{}", String::from_utf8_lossy(&lint.stderr));
    let lint: serde_json::Value = serde_json::from_slice(&lint.stdout).unwrap();
    assert_eq!((lint["errors"].as_i64(), lint["warnings"].as_i64()), (Some(0), Some(0)), "{lint}");

    cli.ok(LEGAL, &["notice", "submit", "ts", "--comment", "ready"]);
    let own = cli.run(LEGAL, &["notice", "approve", "ts"]);
    assert!(!own.status.success() && String::from_utf8_lossy(&own.stderr).contains("cannot approve it"));
    cli.ok(LEGAL2, &["notice", "approve", "ts", "--comment", "approved"]);
    let v = cli.json(LEGAL, &["notice", "versions", "ts"]);
    assert_eq!(
        (v["state"].as_str(), v["approved_by"].as_str(), v["author"].as_str()),
        (Some("approved"), Some("Lu"), Some("Lena"))
    );
    let (hash_zh, hash_en) = (v["hash_zh"].as_str().unwrap(), v["hash_en"].as_str().unwrap());
    assert!(hash_zh.len() == 64 && hash_en.len() == 64 && hash_zh != hash_en);
    // The approved wording is registered for capture under those hashes.
    let shown = cli.json(MARKETER, &["notice", "show", &hash_zh[..12]]);
    assert_eq!((shown["language"].as_str(), shown["state"].as_str()), (Some("zh-CN"), Some("approved")));

    // A defective profile: lint exits 6, and its JSON counts the errors.
    let mut broken: serde_json::Value = serde_json::from_str(EXAMPLE_PROFILE).unwrap();
    broken["name"] = "broken".into();
    broken["controller"]["contact"] = "".into();
    broken["transfers"][0]["mechanism"] = "none".into();
    let broken_file = cli.file("broken.json");
    std::fs::write(&broken_file, broken.to_string()).unwrap();
    cli.ok(LEGAL, &["notice", "profile", "set", broken_file.to_str().unwrap()]);
    let args = ["notice", "lint", "--profile", "broken", "--template", "pipl_notice"];
    let out = cli.run(LEGAL, &args);
    assert_eq!(out.status.code(), Some(6), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("pipl17.controller") && text.contains("pipl39.transfers"), "{text}");
    let out = cli.run(LEGAL, &[&["--json"], &args[..]].concat());
    assert_eq!(out.status.code(), Some(6));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["errors"].as_i64().unwrap() >= 2, "{report}");
    let rules: Vec<&str> = report["findings"].as_array().unwrap().iter().filter_map(|f| f["rule"].as_str()).collect();
    assert!(rules.contains(&"pipl17.controller") && rules.contains(&"pipl39.transfers"), "{rules:?}");
    assert_eq!(report["findings"][0]["severity"], "error");

    // The review packet in both formats.
    for (name, magic) in [("packet.docx", &b"PK"[..]), ("packet.html", &b"<!DOCTYPE html>"[..])] {
        let path = cli.file(name);
        let out = cli.json(LEGAL, &["notice", "export", "ts", "--out", path.to_str().unwrap()]);
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(magic), "{name}");
        assert_eq!(out["bytes"].as_u64(), Some(bytes.len() as u64));
    }
    let html = std::fs::read_to_string(cli.file("packet.html")).unwrap();
    assert!(html.contains(hash_zh) && html.contains(hash_en));
    let (text, _) = docx_text(&std::fs::read(cli.file("packet.docx")).unwrap());
    assert!(text.contains(hash_zh));

    // Version 2 keeps newsletter contacts longer: a material change, in the diff's JSON.
    let mut longer: serde_json::Value = serde_json::from_str(EXAMPLE_PROFILE).unwrap();
    longer["retention"][1]["days"] = 1095.into();
    longer["retention"][1]["period"] = serde_json::json!({
        "zh": "直至您退订或撤回同意，且自您最后一次与我们互动起不超过3年。",
        "en": "until you unsubscribe or withdraw your consent, and no longer than 3 years after your last interaction with us."
    });
    std::fs::write(&profile_file, longer.to_string()).unwrap();
    cli.ok(LEGAL, &["notice", "profile", "set", profile_file.to_str().unwrap()]);
    let v2 = cli.json(LEGAL, &["notice", "draft", "ts"]);
    assert_eq!((v2["number"].as_i64(), v2["profile_rev"].as_i64()), (Some(2), Some(2)));
    let d = cli.json(LEGAL, &["notice", "diff", "ts", "1", "2"]);
    assert_eq!(
        (d["from"].as_i64(), d["to"].as_i64(), d["needs_fresh_consent"].as_bool()),
        (Some(1), Some(2), Some(true))
    );
    assert_eq!(d["material"][0]["kind"], "retention_longer");
    let en = d["text"].as_array().unwrap().iter().find(|t| t["language"] == "en").unwrap();
    let ops: Vec<(&str, &str)> = en["ops"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["op"] != "equal")
        .map(|o| (o["op"].as_str().unwrap(), o["text"].as_str().unwrap()))
        .collect();
    assert_eq!(ops, [("delete", "2"), ("insert", "3")]);
}

/// The text of a wrong-state refusal and the state it names (the state's code).
fn wrong_state<T: std::fmt::Debug>(r: Result<T, Error>) -> (&'static str, Option<&'static str>) {
    use consentry::domain::messages::{self as msg, Arg};
    match r {
        Err(Error::WrongState(m)) => {
            let state = m.args.iter().find_map(|(n, a)| match a {
                Arg::Term(t) if *n == "state" => {
                    ["draft", "in_review", "approved", "retired"].into_iter().find(|s| msg::notice_state(s) == *t)
                }
                _ => None,
            });
            (m.text.name, state)
        }
        other => panic!("expected a wrong-state refusal, got {other:?}"),
    }
}
