//! PIPL Art. 13 and GDPR Art. 6(1): each regime lists the legal bases it recognises, and a
//! basis one of them does not know gives the purpose no basis there. Legitimate interests
//! are a GDPR basis only; processing information the person made public and human-resources
//! management are PIPL's own.

use super::checker::{at, Lint};
use super::{Message, Rule, Severity};
use crate::notice::profile::Bilingual;
use crate::purpose::LegalBasis;

/// The rule of PIPL Art. 13 (with GDPR Art. 6).
pub(super) const RULES: &[Rule] = &[BASIS];

const BASIS: Rule = Rule {
    id: "pipl13.basis",
    article: "PIPL Art. 13; GDPR Art. 6(1)",
    requires: "a legal basis the regime that applies recognises",
    severity: Severity::Error,
    messages: &[UNKNOWN_ALONE, UNKNOWN_TO_ONE],
    check: basis,
};

const UNKNOWN_ALONE: Message = Message {
    severity: Severity::Error,
    zh: "处理目的“{purpose}”的法律依据为“{basis}”，但{law}不承认该依据。请改为{law}规定的依据（例如同意）。",
    en: "Purpose \"{purpose}\" rests on \"{basis}\", which {law} does not recognise. Choose a basis {law} lists (consent, for example).",
};
const UNKNOWN_TO_ONE: Message = Message {
    severity: Severity::Warning,
    zh: "处理目的“{purpose}”的法律依据“{basis}”只适用于一个法律框架；在{law}下该目的没有法律依据。请为适用{law}的个人另行说明依据（例如同意），或将该目的限于另一框架。",
    en: "Purpose \"{purpose}\" rests on \"{basis}\", which only one of the two laws recognises; under {law} it has no basis. State another basis for the people {law} covers (consent, for example), or keep the purpose to the other law.",
};

/// The law that does not recognise `b`, if one does not.
fn unknown_to(b: LegalBasis) -> Option<(&'static str, &'static str, bool)> {
    match b {
        LegalBasis::LegitimateInterest => Some(("《个人信息保护法》", "the PIPL", true)),
        LegalBasis::PublicInformation | LegalBasis::HrManagement => Some(("GDPR", "the GDPR", false)),
        _ => None,
    }
}

fn basis(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    let (pipl, gdpr) = (s.profile.pipl(), s.profile.gdpr());
    for (i, x) in s.catalogue.purposes.iter().enumerate() {
        let Some(b) = x.basis() else { continue };
        let Some((zh, en, is_pipl)) = unknown_to(b) else { continue };
        let applies = if is_pipl { pipl } else { gdpr };
        if !applies {
            continue;
        }
        let other_applies = if is_pipl { gdpr } else { pipl };
        let message = if other_applies { &UNKNOWN_TO_ONE } else { &UNKNOWN_ALONE };
        let args = [
            ("purpose", x.name.clone()),
            ("basis", Bilingual { zh: b.label(true).into(), en: b.label(false).into() }),
            ("law", Bilingual { zh: zh.into(), en: en.into() }),
        ];
        l.report(rule, message, &args, None, at(&format!("purposes[{i}]")));
    }
}
