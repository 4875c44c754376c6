//! The capture form a notice version defines: one unticked control per consent purpose, a
//! distinct control for each separate consent (单独同意) with its own explanation, and the
//! guardian path when children under 14 are in scope. It is derived from the profile
//! snapshot, frozen with the version, and what the kiosk shows.

use serde::{Deserialize, Serialize};

use crate::notice::profile::{Bilingual, Snapshot};
use crate::purpose::SeparateConsent;

/// One tick box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Control {
    /// Stable id, recorded with each event as "shown" and "ticked": `p.CODE` or `s.KIND.CODE`.
    pub id: String,
    /// The purpose a tick grants.
    pub purpose: String,
    /// `purpose` for an ordinary consent, or the separate consent kind.
    pub kind: String,
    /// The box's label.
    pub label: Bilingual,
    /// What the person agrees to, set apart for separate consents.
    pub explanation: Bilingual,
    /// Always false: nothing is pre-ticked (EDPB 05/2020 §3.4, GDPR Recital 32).
    pub checked: bool,
    /// Always false for consent: a person may refuse without losing the service (PIPL Art. 16).
    pub required: bool,
}

/// The guardian path for children under 14 (PIPL Art. 31).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuardianPath {
    /// The question that opens it.
    pub question: Bilingual,
    /// What the guardian confirms.
    pub confirmation: Bilingual,
}

/// The capture form of a version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDefinition {
    /// Ordinary consent boxes, one per purpose.
    pub purposes: Vec<Control>,
    /// Separate consent boxes, each set apart.
    pub separate: Vec<Control>,
    /// Present when children under 14 are in scope.
    pub guardian: Option<GuardianPath>,
    /// Purposes shown for information only (not based on consent).
    pub informational: Vec<String>,
}

impl FormDefinition {
    /// Every control, ordinary first.
    pub fn controls(&self) -> impl Iterator<Item = &Control> {
        self.purposes.iter().chain(&self.separate)
    }

    /// The stored JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

fn bi(zh: impl Into<String>, en: impl Into<String>) -> Bilingual {
    Bilingual { zh: zh.into(), en: en.into() }
}

/// Profile text as a sentence: trimmed, an English one capitalised, and ended with a full
/// stop unless it already ends with one (profile values are often fragments, and names such
/// as "Co., Ltd." end with their own).
fn sentence(text: &str, zh: bool) -> String {
    let t = text.trim();
    let mut out = String::with_capacity(t.len() + 3);
    let mut chars = t.chars();
    match chars.next() {
        None => return out,
        Some(c) if !zh => out.extend(c.to_uppercase()),
        Some(c) => out.push(c),
    }
    out.push_str(chars.as_str());
    if !out.ends_with(['.', '!', '?', '。', '！', '？']) {
        out.push(if zh { '。' } else { '.' });
    }
    out
}

/// The categories a purpose uses, as a box names them; empty when the profile does not say
/// (the lint flags that), so that a box never announces data its purpose does not use.
fn uses_text(s: &Snapshot, purpose: &str) -> Bilingual {
    if !s.profile.states_use_of(purpose) {
        return bi("", "");
    }
    let names = |zh: bool| {
        crate::notice::context::join(s.profile.categories_of(purpose).iter().map(|c| s.category_name(c, zh)), zh)
    };
    bi(format!("使用的个人信息：{}。", names(true)), format!("Personal information used: {}.", names(false)))
}

fn explanation(s: &Snapshot, kind: SeparateConsent, purpose: &str) -> Bilingual {
    let join = |zh: bool, items: Vec<String>| items.join(if zh { "、" } else { ", " });
    // The recipients and transfers linked to this purpose; all of them in a profile that
    // links none to any purpose (written before the links existed).
    let linked = |purposes: &[String]| purposes.iter().any(|p| p == purpose);
    let any_recipient_linked = s.profile.recipients.iter().any(|r| !r.purposes.is_empty());
    let any_transfer_linked = s.profile.transfers.iter().any(|t| !t.purposes.is_empty());
    match kind {
        SeparateConsent::Sensitive => {
            let used = s.profile.categories_of(purpose);
            let names = |zh| {
                join(
                    zh,
                    s.sensitive_categories()
                        .filter(|c| used.contains(&c.code))
                        .map(|c| c.name.get(zh).to_string())
                        .collect(),
                )
            };
            let st = s.profile.sensitive.clone().unwrap_or_default();
            let text = |zh: bool, first: String| {
                [first, sentence(st.necessity.get(zh), zh), sentence(st.impact.get(zh), zh)]
                    .into_iter()
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(if zh { "" } else { " " })
            };
            bi(
                text(true, format!("我们将处理您的敏感个人信息（{}）。", names(true))),
                text(false, format!("We will process sensitive personal information ({}).", names(false))),
            )
        }
        SeparateConsent::ThirdParty => {
            let list = |zh| {
                join(
                    zh,
                    s.profile
                        .recipients
                        .iter()
                        .filter(|r| !any_recipient_linked || linked(&r.purposes))
                        .map(|r| r.name.get(zh).to_string())
                        .collect(),
                )
            };
            bi(
                sentence(&format!("我们将向以下第三方提供您的个人信息：{}", list(true)), true),
                sentence(&format!("We will provide your personal information to: {}", list(false)), false),
            )
        }
        SeparateConsent::CrossBorder => {
            let list = |zh: bool| {
                join(
                    zh,
                    s.profile
                        .transfers
                        .iter()
                        .filter(|t| !any_transfer_linked || linked(&t.purposes))
                        .map(|t| {
                            if zh {
                                format!("{}（{}）", t.recipient.zh, t.country.zh)
                            } else {
                                format!("{} ({})", t.recipient.en, t.country.en)
                            }
                        })
                        .collect(),
                )
            };
            bi(
                sentence(&format!("我们将向境外接收方提供您的个人信息：{}", list(true)), true),
                sentence(
                    &format!("We will transfer your personal information outside mainland China to: {}", list(false)),
                    false,
                ),
            )
        }
        SeparateConsent::PublicDisclosure => {
            bi("我们将公开您的部分个人信息。", "We will disclose some of your personal information publicly.")
        }
        SeparateConsent::Guardian => bi(
            "不满十四周岁的未成年人不能自行同意：勾选即表示您作为该儿童的父母或者其他监护人，同意为此目的处理该儿童的个人信息。",
            "A child under 14 cannot consent alone: by ticking this box you, as the child's parent or guardian, agree to this use of the child's personal information.",
        ),
    }
}

/// Derives the capture form from a profile snapshot.
pub fn derive(s: &Snapshot) -> FormDefinition {
    let mut form = FormDefinition::default();
    for p in &s.catalogue.purposes {
        if !p.asks_consent() {
            form.informational.push(p.code.clone());
            continue;
        }
        match p.separate() {
            None => form.purposes.push(Control {
                id: format!("p.{}", p.code),
                purpose: p.code.clone(),
                kind: "purpose".into(),
                label: p.name.clone(),
                explanation: uses_text(s, &p.code),
                checked: false,
                required: false,
            }),
            Some(kind) => form.separate.push(Control {
                id: format!("s.{}.{}", kind.as_str(), p.code),
                purpose: p.code.clone(),
                kind: kind.as_str().into(),
                label: bi(
                    format!("{}：{}", kind.label(true), p.name.zh),
                    format!("{}: {}", kind.label(false), p.name.en),
                ),
                explanation: explanation(s, kind, &p.code),
                checked: false,
                required: false,
            }),
        }
    }
    if s.profile.minors.in_scope {
        form.guardian = Some(GuardianPath {
            question: bi("您是否未满十四周岁？", "Are you under 14?"),
            confirmation: bi(
                "我是该未成年人的父母或其他监护人，已阅读本规则，并代表其作出上述选择。",
                "I am this child's parent or guardian, I have read this notice, and I make the choices above on the child's behalf.",
            ),
        });
    }
    form
}
