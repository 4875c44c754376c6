//! What changed between two versions: the wording (word by word in English, character by
//! character in Chinese) and the processing itself. A purpose, data category, recipient or
//! transfer that is added or widened is a material change that needs fresh consent
//! (PIPL Art. 14; GB/T 42574 §5: a change of processing).

use similar::{ChangeTag, TextDiff};

use crate::domain::error::Result;
use crate::domain::Language;
use crate::domain::{string_enum, Action};
use crate::notice::profile::{Bilingual, Snapshot};
use crate::notice::workflow::{version_in, Version};
use crate::session::Session;

/// One run of the text diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// Unchanged text.
    Equal(String),
    /// Text only in the newer version.
    Insert(String),
    /// Text only in the older version.
    Delete(String),
}

/// The wording diff in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChange {
    /// The language.
    pub language: Language,
    /// Runs, in order; adjacent runs of the same kind are merged.
    pub ops: Vec<Op>,
    /// Characters inserted.
    pub inserted: usize,
    /// Characters deleted.
    pub deleted: usize,
}

string_enum!(
    /// What kind of change to the processing a new version makes.
    MaterialKind, "material change", {
        /// A purpose was added.
        PurposeAdded => "purpose_added",
        /// A purpose changed its legal basis or separate consent.
        PurposeChanged => "purpose_changed",
        /// A purpose was removed.
        PurposeRemoved => "purpose_removed",
        /// A sensitive data category was added.
        SensitiveCategoryAdded => "sensitive_category_added",
        /// A data category was added.
        CategoryAdded => "category_added",
        /// A recipient was added.
        RecipientAdded => "recipient_added",
        /// A recipient receives more data or uses it differently.
        RecipientWidened => "recipient_widened",
        /// A cross-border transfer was added.
        TransferAdded => "transfer_added",
        /// A cross-border transfer covers more or changed.
        TransferWidened => "transfer_widened",
        /// A retention period grew longer.
        RetentionLonger => "retention_longer",
        /// Children under 14 came into scope.
        MinorsInScope => "minors_in_scope",
        /// Personal data is now disclosed publicly.
        PublicDisclosure => "public_disclosure",
        /// The controller's name, contact or address changed.
        ControllerChanged => "controller_changed",
    }
);

/// A change to the processing itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialChange {
    /// What changed.
    pub kind: MaterialKind,
    /// Whether people must be asked again (PIPL Art. 14).
    pub needs_fresh_consent: bool,
    /// What changed, in both languages.
    pub message: Bilingual,
}

/// The diff between two versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diff {
    /// Older version number.
    pub from: i64,
    /// Newer version number.
    pub to: i64,
    /// Wording, per language.
    pub text: Vec<TextChange>,
    /// Changes to the processing.
    pub material: Vec<MaterialChange>,
}

impl Diff {
    /// Whether any change needs fresh consent.
    pub fn needs_fresh_consent(&self) -> bool {
        self.material.iter().any(|m| m.needs_fresh_consent)
    }
}

/// Diffs two texts: by words for English, by characters for Chinese.
pub fn text_diff(old: &str, new: &str, language: Language) -> TextChange {
    let diff = match language {
        Language::En => TextDiff::from_words(old, new),
        Language::ZhCn => TextDiff::from_chars(old, new),
    };
    let mut ops: Vec<Op> = Vec::new();
    let (mut inserted, mut deleted) = (0, 0);
    for change in diff.iter_all_changes() {
        let v = change.value();
        let n = v.chars().count();
        let op = match change.tag() {
            ChangeTag::Equal => Op::Equal(v.into()),
            ChangeTag::Insert => {
                inserted += n;
                Op::Insert(v.into())
            }
            ChangeTag::Delete => {
                deleted += n;
                Op::Delete(v.into())
            }
        };
        match (ops.last_mut(), op) {
            (Some(Op::Equal(a)), Op::Equal(b))
            | (Some(Op::Insert(a)), Op::Insert(b))
            | (Some(Op::Delete(a)), Op::Delete(b)) => a.push_str(&b),
            (_, op) => ops.push(op),
        }
    }
    TextChange { language, ops, inserted, deleted }
}

fn change(kind: MaterialKind, fresh: bool, en: String, zh: String) -> MaterialChange {
    // Names that end in a full stop ("Ltd.") do not get a second one.
    let en = en.replace("..", ".");
    MaterialChange { kind, needs_fresh_consent: fresh, message: Bilingual { zh, en } }
}

/// Compares the processing two snapshots describe.
pub fn material_changes(old: &Snapshot, new: &Snapshot) -> Vec<MaterialChange> {
    let mut out = Vec::new();
    for p in &new.catalogue.purposes {
        match old.catalogue.purposes.iter().find(|o| o.code == p.code) {
            None => out.push(change(
                MaterialKind::PurposeAdded,
                true,
                format!("Purpose added: {}.", p.name.en),
                format!("新增处理目的：{}。", p.name.zh),
            )),
            Some(o) if o.legal_basis != p.legal_basis || o.separate_consent != p.separate_consent => out.push(change(
                MaterialKind::PurposeChanged,
                true,
                format!("Purpose {} changed its legal basis or separate consent.", p.name.en),
                format!("处理目的“{}”的法律依据或单独同意类型发生变化。", p.name.zh),
            )),
            Some(_) => {}
        }
    }
    for o in &old.catalogue.purposes {
        if !new.catalogue.purposes.iter().any(|p| p.code == o.code) {
            out.push(change(
                MaterialKind::PurposeRemoved,
                false,
                format!("Purpose removed: {}.", o.name.en),
                format!("删除处理目的：{}。", o.name.zh),
            ));
        }
    }
    for c in &new.profile.categories {
        if !old.profile.categories.contains(c) {
            let sensitive = new.category(c).is_some_and(|x| x.sensitive.is_some());
            out.push(change(
                if sensitive { MaterialKind::SensitiveCategoryAdded } else { MaterialKind::CategoryAdded },
                true,
                format!(
                    "Data category added: {}{}.",
                    new.category_name(c, false),
                    if sensitive { " (sensitive)" } else { "" }
                ),
                format!(
                    "新增个人信息种类：{}{}。",
                    new.category_name(c, true),
                    if sensitive { "（敏感）" } else { "" }
                ),
            ));
        }
    }
    let same_party = |a: &Bilingual, b: &Bilingual| {
        (!a.en.trim().is_empty() && a.en.trim() == b.en.trim())
            || (!a.zh.trim().is_empty() && a.zh.trim() == b.zh.trim())
    };
    for r in &new.profile.recipients {
        match old.profile.recipients.iter().find(|o| same_party(&o.name, &r.name)) {
            None => out.push(change(
                MaterialKind::RecipientAdded,
                true,
                format!("Recipient added: {}.", r.name.en),
                format!("新增接收方：{}。", r.name.zh),
            )),
            Some(o) => {
                let widened = r.categories.iter().any(|c| !o.categories.contains(c));
                if widened || o.purpose != r.purpose || o.method != r.method {
                    out.push(change(
                        MaterialKind::RecipientWidened,
                        true,
                        format!("Recipient {} receives more data or uses it differently.", r.name.en),
                        format!("接收方“{}”接收的个人信息范围或处理目的、方式发生变化。", r.name.zh),
                    ));
                }
            }
        }
    }
    for t in &new.profile.transfers {
        match old.profile.transfers.iter().find(|o| same_party(&o.recipient, &t.recipient)) {
            None => out.push(change(
                MaterialKind::TransferAdded,
                true,
                format!("Cross-border transfer added: {} ({}).", t.recipient.en, t.country.en),
                format!("新增跨境提供：{}（{}）。", t.recipient.zh, t.country.zh),
            )),
            Some(o) => {
                let widened = t.categories.iter().any(|c| !o.categories.contains(c));
                if widened || o.purpose != t.purpose || o.method != t.method || o.country != t.country {
                    out.push(change(
                        MaterialKind::TransferWidened,
                        true,
                        format!(
                            "Transfer to {} covers more data or changed its purpose, method or country.",
                            t.recipient.en
                        ),
                        format!("向“{}”的跨境提供在个人信息范围、目的、方式或所在国家方面发生变化。", t.recipient.zh),
                    ));
                }
            }
        }
    }
    for r in &new.profile.retention {
        if let (Some(days), Some(old_days)) =
            (r.days, old.profile.retention.iter().find(|o| o.applies_to == r.applies_to).and_then(|o| o.days))
        {
            if days > old_days {
                out.push(change(
                    MaterialKind::RetentionLonger,
                    true,
                    format!("Retention for {} lengthened from {old_days} to {days} days.", r.applies_to),
                    format!("“{}”的保存期限由{old_days}天延长至{days}天。", r.applies_to),
                ));
            }
        }
    }
    if new.profile.minors.in_scope && !old.profile.minors.in_scope {
        out.push(change(
            MaterialKind::MinorsInScope,
            true,
            "Children under 14 are now in scope.".into(),
            "处理范围新增不满十四周岁的未成年人。".into(),
        ));
    }
    if new.profile.public_disclosure && !old.profile.public_disclosure {
        out.push(change(
            MaterialKind::PublicDisclosure,
            true,
            "Personal data is now disclosed publicly.".into(),
            "新增公开个人信息。".into(),
        ));
    }
    if new.profile.controller != old.profile.controller {
        out.push(change(
            MaterialKind::ControllerChanged,
            false,
            "The controller's name, contact or address changed; tell people about the change.".into(),
            "个人信息处理者的名称、联系方式或地址发生变化，应告知个人。".into(),
        ));
    }
    out
}

/// Diffs two versions' wording and processing.
pub fn versions(old: &Version, new: &Version) -> Diff {
    Diff {
        from: old.number,
        to: new.number,
        text: vec![
            text_diff(&old.rendered.text_zh, &new.rendered.text_zh, Language::ZhCn),
            text_diff(&old.rendered.text_en, &new.rendered.text_en, Language::En),
        ],
        material: material_changes(&old.rendered.snapshot, &new.rendered.snapshot),
    }
}

/// Diffs two versions of a notice (any two, in either order; the older is `from`).
pub fn diff(session: &mut Session, notice: &str, a: i64, b: i64) -> Result<Diff> {
    session.read(Action::ReadDrafts, |conn| {
        let (a, b) = (a.min(b), a.max(b));
        let old = version_in(conn, notice, Some(a))?;
        let new = version_in(conn, notice, Some(b))?;
        Ok(versions(&old, &new))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inserted(c: &TextChange) -> Vec<&str> {
        c.ops.iter().filter_map(|o| if let Op::Insert(t) = o { Some(t.as_str()) } else { None }).collect()
    }

    #[test]
    fn english_is_diffed_by_words() {
        let c = text_diff("We keep data for two years.", "We keep data for three years.", Language::En);
        assert_eq!(inserted(&c), vec!["three"]);
        assert_eq!((c.inserted, c.deleted), (5, 3));
    }

    #[test]
    fn chinese_is_diffed_by_characters() {
        let c = text_diff("保存两年。", "保存三年。", Language::ZhCn);
        assert_eq!(inserted(&c), vec!["三"]);
        assert_eq!((c.inserted, c.deleted), (1, 1));
    }
}
