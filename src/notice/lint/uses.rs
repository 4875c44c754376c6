//! What each purpose uses and where it goes (PIPL Arts. 6, 17, 23, 29, 38; GDPR Arts.
//! 5(1)(c), 13(1)(c), (e)), and where the data is kept (ISO/IEC 29184 5.3, ISO/IEC TS 27560
//! `storage_locations`). The profile links each purpose to the categories it uses and each
//! recipient or transfer to the purposes it serves; the form, the wording and receipts name
//! only those for a purpose. A profile written before the links existed is flagged, not
//! refused.

use super::checker::{at, same, Arg, Lint, What};
use super::section::Section;
use super::{Message, Rule, Severity};
use crate::notice::context::mid_sentence;
use crate::notice::profile::{Bilingual, PurposeSnap};
use crate::purpose::SeparateConsent;

/// The rules of what each purpose uses, in rule order.
pub(super) const RULES: &[Rule] = &[USES, SENSITIVE_USE, LINKS, STORAGE];

const USES: Rule = Rule {
    id: "pipl17.uses",
    article: "PIPL Arts. 6, 17(1)(1); GDPR Arts. 5(1)(c), 13(1)(c)",
    requires: "the data categories each purpose uses",
    severity: Severity::Error,
    messages: &[NO_USE, USE_NOT_A_PURPOSE, USE_NOT_A_CATEGORY],
    check: uses,
};

const NO_USE: Message = Message {
    severity: Severity::Warning,
    zh: "处理目的“{purpose}”未说明使用哪些个人信息种类；其选项和回执将列出全部种类。请在处理档案中为其选择所用的种类。",
    en: "Purpose “{purpose}” does not say which data categories it uses, so its box and receipts list every category. Choose the categories it uses in the profile.",
};
const USE_NOT_A_PURPOSE: Message = Message {
    severity: Severity::Error,
    zh: "“{code}”的个人信息种类已列明，但它不是本处理档案的处理目的。请添加该目的或删除此项。",
    en: "Categories are given for “{code}”, which is not one of the profile's purposes. Add the purpose or remove the entry.",
};
const USE_NOT_A_CATEGORY: Message = Message {
    severity: Severity::Error,
    zh: "处理目的“{purpose}”使用“{code}”，但该种类不在本处理档案的个人信息种类中。请将其加入种类列表，或从该目的中删除。",
    en: "Purpose “{purpose}” uses “{code}”, which is not among the profile's data categories. Add it to the categories, or remove it from the purpose.",
};

fn name(p: &PurposeSnap) -> Bilingual {
    p.name.clone()
}

fn uses(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    let profile = &s.profile;
    for (i, p) in s.catalogue.purposes.iter().enumerate() {
        if !profile.states_use_of(&p.code) {
            l.report(rule, &NO_USE, &[("purpose", name(p))], None, at(&format!("purposes[{i}]")));
        }
    }
    for (i, u) in profile.uses.iter().enumerate() {
        let Some(p) = s.catalogue.purposes.iter().find(|p| p.code == u.purpose) else {
            l.report(rule, &USE_NOT_A_PURPOSE, &[("code", same(&u.purpose))], None, at(&format!("uses[{i}].purpose")));
            continue;
        };
        for (j, c) in u.categories.iter().enumerate() {
            if !profile.categories.contains(c) {
                let args: [Arg<'_>; 2] = [("purpose", name(p)), ("code", same(c))];
                l.report(rule, &USE_NOT_A_CATEGORY, &args, None, at(&format!("uses[{i}].categories[{j}]")));
            }
        }
    }
}

const SENSITIVE_USE: Rule = Rule {
    id: "pipl29.uses",
    article: "PIPL Arts. 28–29",
    requires: "separate consent for each purpose that uses sensitive data",
    severity: Severity::Error,
    messages: &[SENSITIVE_WITHOUT_CONSENT],
    check: sensitive_use,
};

const SENSITIVE_WITHOUT_CONSENT: Message = Message {
    severity: Severity::Error,
    zh: "处理目的“{purpose}”使用敏感个人信息（{category}），但未取得单独同意。请让该目的取得敏感个人信息的单独同意，或不使用该信息。",
    en: "Purpose “{purpose}” uses sensitive data ({category}) but does not ask for separate consent. Make it a separate consent for sensitive data, or do not use that data for it.",
};

fn sensitive_use(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    // With no separate consent for sensitive data at all, `pipl29.separate` says so.
    if !s.profile.pipl() || s.separate_purposes(SeparateConsent::Sensitive).next().is_none() {
        return;
    }
    for (i, p) in s.catalogue.purposes.iter().enumerate() {
        if !p.asks_consent() || p.separate() == Some(SeparateConsent::Sensitive) || !s.profile.states_use_of(&p.code) {
            continue;
        }
        for c in s.profile.categories_of(&p.code) {
            if let Some(cat) = s.category(c).filter(|c| c.sensitive.is_some()) {
                let args: [Arg<'_>; 2] = [("purpose", name(p)), ("category", cat.name.clone())];
                l.report(
                    rule,
                    &SENSITIVE_WITHOUT_CONSENT,
                    &args,
                    Some("sensitive_data"),
                    at(&format!("purposes[{i}]")),
                );
            }
        }
    }
}

const LINKS: Rule = Rule {
    id: "pipl23.links",
    article: "PIPL Arts. 23, 39",
    requires: "the purposes each recipient and transfer serves, each asking the matching separate consent",
    severity: Severity::Error,
    messages: &[NOT_LINKED, LINKED_TO_UNKNOWN, LINKED_WITHOUT_CONSENT],
    check: links,
};

const NOT_LINKED: Message = Message {
    severity: Severity::Warning,
    zh: "{what}“{name}”未关联任何处理目的；其名称将出现在每个{consent}选项上。请选择向其提供信息的目的。",
    en: "{what} “{name}” is linked to no purpose, so it is named on every {consent} box. Choose the purposes the data goes to it for.",
};
const LINKED_TO_UNKNOWN: Message = Message {
    severity: Severity::Error,
    zh: "{what}“{name}”关联了“{code}”，但它不是本处理档案的处理目的。",
    en: "{what} “{name}” is linked to “{code}”, which is not one of the profile's purposes.",
};
const LINKED_WITHOUT_CONSENT: Message = Message {
    severity: Severity::Error,
    zh: "{what}“{name}”关联了处理目的“{purpose}”，但该目的未取得{consent}。请关联取得该单独同意的目的。",
    en: "{what} “{name}” is linked to purpose “{purpose}”, which does not ask for {consent}. Link it to a purpose that does.",
};

const RECIPIENT: What = ("接收方", "Recipient");
const TRANSFER: What = ("境外接收方", "Overseas recipient");

fn links(rule: &Rule, l: &mut Lint<'_>) {
    let s = l.s;
    let p = &s.profile;
    let recipients = p.recipients.iter().map(|r| (&r.name, &r.purposes));
    let transfers = p.transfers.iter().map(|t| (&t.recipient, &t.purposes));
    let lists: [(What, &str, SeparateConsent, Vec<_>); 2] = [
        (RECIPIENT, "recipients", SeparateConsent::ThirdParty, recipients.collect()),
        (TRANSFER, "transfers", SeparateConsent::CrossBorder, transfers.collect()),
    ];
    for (what, path, kind, items) in lists {
        let consent = Bilingual { zh: kind.label(true).into(), en: mid_sentence(kind.label(false)) };
        // With no purpose asking this separate consent at all, `pipl23.separate` or
        // `pipl39.separate` says so.
        let asked = s.separate_purposes(kind).next().is_some();
        let what = Bilingual { zh: what.0.into(), en: what.1.into() };
        for (i, (who, purposes)) in items.into_iter().enumerate() {
            let base: [Arg<'_>; 3] = [("what", what.clone()), ("name", who.clone()), ("consent", consent.clone())];
            if purposes.is_empty() {
                l.report(rule, &NOT_LINKED, &base, None, at(&format!("{path}[{i}].purposes")));
            }
            for (j, code) in purposes.iter().enumerate() {
                let place = at(&format!("{path}[{i}].purposes[{j}]"));
                match s.catalogue.purposes.iter().find(|x| &x.code == code) {
                    None => {
                        let args = [base[0].clone(), base[1].clone(), ("code", same(code))];
                        l.report(rule, &LINKED_TO_UNKNOWN, &args, None, place);
                    }
                    Some(x) if asked && p.pipl() && x.asks_consent() && x.separate() != Some(kind) => {
                        let args = [base[0].clone(), base[1].clone(), base[2].clone(), ("purpose", name(x))];
                        l.report(rule, &LINKED_WITHOUT_CONSENT, &args, None, place);
                    }
                    Some(_) => {}
                }
            }
        }
    }
}

const STORAGE: Rule = Rule {
    id: "iso29184.storage",
    article: "ISO/IEC 29184 5.3; ISO/IEC TS 27560",
    requires: "where the personal data is stored, in the wording and receipts",
    severity: Severity::Error,
    messages: &[NO_STORAGE],
    check: storage,
};

const NO_STORAGE: Message = Message {
    severity: Severity::Warning,
    zh: "处理档案未说明个人信息的存储地点；回执将写“未说明”。请填写存储地点（系统和所在国家或地区）。",
    en: "The profile does not say where the personal data is stored, so receipts say “not stated”. Give the storage location (the system and its country).",
};
const STORED: What = ("存储地点", "where the data is stored");

fn storage(rule: &Rule, l: &mut Lint<'_>) {
    let where_ = &l.s.profile.storage_location;
    if where_.is_empty() {
        l.report(rule, &NO_STORAGE, &[], None, at("storage_location"));
        return;
    }
    l.need_value(rule, "storage_location", STORED, where_, None);
    l.need_in_text(rule, (Section::Processing, "storage_location"), STORED, where_, None);
}
