//! GDPR Art. 13, for profiles the GDPR applies to: the DPO's contact, the legal basis of
//! each purpose, the legitimate interests pursued, whether the data must be provided, the
//! right to complain to a supervisory authority and (with Art. 7(3)) the right to withdraw
//! consent at any time.

use super::checker::{at, Lint, What};
use super::section::Section;
use super::{Message, Rule, Severity};
use crate::notice::profile::Bilingual;
use crate::purpose::LegalBasis;

/// The rules of GDPR Art. 13, in rule order.
pub(super) const RULES: &[Rule] = &[DPO, BASIS, INTERESTS, PROVISION, COMPLAINT, ANYTIME];

const DPO: Rule = Rule {
    id: "gdpr13.dpo",
    article: "GDPR Art. 13(1)(b)",
    requires: "contact details of the DPO",
    severity: Severity::Error,
    messages: &[NO_DPO],
    check: dpo,
};

const NO_DPO: Message = Message {
    severity: Severity::Warning,
    zh: "未填写数据保护官。如已指定数据保护官（或个人信息保护负责人），请填写其联系方式。",
    en: "No DPO is named. If you have appointed a DPO (or a person in charge of personal information), add their contact.",
};

fn dpo(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    if !s.profile.gdpr() {
        return;
    }
    match &s.profile.dpo {
        None => l.report(rule, &NO_DPO, &[], None, at("dpo")),
        Some(d) => {
            let what = ("数据保护官的联系方式", "the DPO's contact details");
            l.need_plain(rule, "dpo.contact", what, &d.contact, None);
            l.need_plain_in_text(rule, (Section::Controller, "dpo.contact"), what, &d.contact, None);
        }
    }
}

const BASIS: Rule = Rule {
    id: "gdpr13.basis",
    article: "GDPR Art. 13(1)(c)",
    requires: "legal basis of each purpose",
    severity: Severity::Error,
    messages: &[],
    check: basis,
};

fn basis(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    if !s.profile.gdpr() {
        return;
    }
    for (i, x) in s.catalogue.purposes.iter().enumerate() {
        if let Some(b) = x.basis() {
            let label = Bilingual { zh: b.label(true).into(), en: b.label(false).into() };
            l.need_in_text(
                rule,
                (Section::Purposes, &format!("purposes[{i}]")),
                ("处理的法律依据", "the legal basis"),
                &label,
                None,
            );
        }
    }
}

const INTERESTS: Rule = Rule {
    id: "gdpr13.interests",
    article: "GDPR Art. 13(1)(d)",
    requires: "the legitimate interest pursued, for each purpose on legitimate interests",
    severity: Severity::Error,
    messages: &[],
    check: interests,
};

const INTEREST: What = ("所追求的正当利益", "the legitimate interest pursued");

/// "Our legitimate interests are the purposes" does not say what the interest is.
fn interests(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    if !s.profile.gdpr() {
        return;
    }
    for (i, x) in s.catalogue.purposes.iter().enumerate() {
        if x.basis() != Some(LegalBasis::LegitimateInterest) {
            continue;
        }
        let k = s.profile.uses.iter().position(|u| u.purpose == x.code);
        let path = k.map_or(format!("purposes[{i}]"), |k| format!("uses[{k}].interest"));
        let none = Bilingual::default();
        let interest = k.map_or(&none, |k| &s.profile.uses[k].interest);
        l.need_value(rule, &path, INTEREST, interest, None);
        l.need_in_text(rule, (Section::Purposes, &path), INTEREST, interest, None);
    }
}

const PROVISION: Rule = Rule {
    id: "gdpr13.provision",
    article: "GDPR Art. 13(2)(e)",
    requires: "whether the data must be provided, and the consequences if not",
    severity: Severity::Error,
    messages: &[NO_PROVISION],
    check: provision,
};

const NO_PROVISION: Message = Message {
    severity: Severity::Warning,
    zh: "处理档案未说明提供个人信息是否属于法定或者合同要求、个人是否必须提供，以及不提供的后果。",
    en: "The profile does not say whether providing the data is a statutory or contractual requirement, whether the person must provide it, and what follows if not.",
};
const REQUIREMENT: What = ("是否必须提供个人信息", "whether the data must be provided");
const CONSEQUENCES: What = ("不提供个人信息的后果", "the consequences of not providing it");

fn provision(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    if !s.profile.gdpr() {
        return;
    }
    let Some(p) = &s.profile.provision else {
        l.report(rule, &NO_PROVISION, &[], None, at("provision"));
        return;
    };
    l.need_value(rule, "provision.requirement", REQUIREMENT, &p.requirement, None);
    l.need_value(rule, "provision.consequences", CONSEQUENCES, &p.consequences, None);
    l.need_in_text(rule, (Section::Provision, "provision.requirement"), REQUIREMENT, &p.requirement, None);
    l.need_in_text(rule, (Section::Provision, "provision.consequences"), CONSEQUENCES, &p.consequences, None);
}

const COMPLAINT: Rule = Rule {
    id: "gdpr13.complaint",
    article: "GDPR Art. 13(2)(d)",
    requires: "right to lodge a complaint",
    severity: Severity::Error,
    messages: &[],
    check: complaint,
};

fn complaint(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    if !s.profile.gdpr() {
        return;
    }
    let what = ("向监管机构投诉的权利", "the right to complain to a supervisory authority");
    l.need_value(rule, "complaint", what, &s.profile.complaint, Some("rights"));
    l.need_in_text(rule, (Section::Rights, "complaint"), what, &s.profile.complaint, Some("rights"));
}

const ANYTIME: Rule = Rule {
    id: "gdpr7.anytime",
    article: "GDPR Arts. 7(3), 13(2)(c)",
    requires: "right to withdraw at any time, without affecting earlier processing",
    severity: Severity::Error,
    messages: &[],
    check: anytime,
};

/// Applies where consent is asked for.
fn anytime(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    if !s.profile.gdpr() || !s.catalogue.purposes.iter().any(|x| x.asks_consent()) {
        return;
    }
    let fix = Some("withdrawal");
    l.need_phrase(
        rule,
        Section::Withdrawal,
        (&["随时"], &["at any time", "any time"]),
        ("可以随时撤回同意", "that consent can be withdrawn at any time"),
        fix,
    );
    l.need_phrase(
        rule,
        Section::Withdrawal,
        (&["不影响撤回前"], &["does not affect the lawfulness", "not affect the lawfulness"]),
        (
            "撤回同意不影响撤回前基于同意已进行的处理",
            "that withdrawing does not affect the lawfulness of earlier processing",
        ),
        fix,
    );
}
