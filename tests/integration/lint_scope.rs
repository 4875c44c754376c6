//! The starter templates lint clean with a profile that puts every feature in scope:
//! children under 14, public disclosure, automated decisions, data from another source, on
//! top of the example's recipients, transfers and sensitive data. A template that leaves out a
//! clause the profile needs (as `event_consent` once left out the children's clause) fails here.

use consentry::notice::lint::Report;
use consentry::notice::profile::{AutomatedDecisions, Bilingual, PurposeUse};
use consentry::notice::workflow;
use consentry::purpose::{self, LegalBasis, Purpose, SeparateConsent};

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

#[test]
fn every_starter_lints_clean_with_every_feature_in_scope() {
    let (_dir, paths) = authoring_vault();
    let mut lena = unlock_as(&paths, LEGAL);
    purpose::add_purpose(
        &mut lena,
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
    p.uses.push(PurposeUse { purpose: "photo_wall".into(), categories: vec!["name".into()] });
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
    for template in ["pipl_notice", "gdpr_notice", "event_consent"] {
        let title = bi("展会个人信息处理规则", "Trade show privacy notice");
        let r = workflow::preview(&mut lena, &p, template, None, &title).unwrap();
        assert!(r.form.guardian.is_some(), "{template}: children in scope give the form a guardian path");
        assert_eq!((r.lint.errors(), r.lint.warnings()), (0, 0), "{template}:\n{}", findings(&r.lint));
    }
    lena.lock().unwrap();
}
