//! Receipts: the person's copy of what was recorded together (one capture of a person, one
//! withdrawal, or one person's rows of an import). A receipt has a short id to read out on
//! the phone (10 characters of Crockford base32, 50 random bits) and is rendered as JSON
//! carrying the Kantara Consent Receipt v1.1 fields and the ISO/IEC TS 27560 record fields
//! (plus the notice hash), and as a printable page in Simplified Chinese and English.
//!
//! The documents are built here, in the engine, so that the CLI and the app hand out the
//! same bytes; they are file formats, not transport types. Controller and withdrawal details
//! come from the notice version's processing profile, read tolerantly (every key optional).

//!
//! Storage of receipts is the ledger's (`ledger::receipt`, written in the same transaction
//! as the events); this module renders them: [`to_json`] (Kantara + ISO/IEC TS 27560) and
//! [`to_html`] (the printable page).

mod json;
mod page;
pub mod print;

use serde_json::Value;

pub use crate::ledger::receipt::{normalize_id, Receipt, ReceiptKind, ReceiptLine};
pub use json::to_json;
pub use page::to_html;

use crate::domain::error::Result;
use crate::domain::Language;
use crate::domain::{Action, ConsentEventId, ReceiptId};
use crate::ledger::{self, EventKind};
use crate::session::Session;

/// A receipt's title, in Chinese and English: by what it records, so that a capture or an
/// import where every choice was a refusal is headed as a refusal, not as a consent.
pub(super) fn title(r: &Receipt) -> (&'static str, &'static str) {
    let all_refused = !r.lines.is_empty() && r.lines.iter().all(|l| l.event.kind == EventKind::Refuse);
    match (r.kind, all_refused) {
        (ReceiptKind::Withdrawal, _) => ("撤回同意回执", "Withdrawal receipt"),
        (ReceiptKind::Capture, false) => ("同意回执", "Consent receipt"),
        (ReceiptKind::Capture, true) => ("拒绝同意回执", "Refusal receipt"),
        (ReceiptKind::Import, false) => ("同意记录回执（导入）", "Consent record receipt (imported)"),
        (ReceiptKind::Import, true) => ("拒绝同意记录回执（导入）", "Refusal record receipt (imported)"),
    }
}

/// The language the receipt is written in: the one the person read the notice in (a
/// withdrawal follows the notice of what it withdraws), Chinese when none is known.
pub(super) fn language(r: &Receipt) -> Language {
    r.lines
        .iter()
        .find_map(|l| l.event.language.or_else(|| l.notice.as_ref().map(|n| n.language)))
        .unwrap_or(Language::ZhCn)
}

/// Whether a parent or guardian answered for a child under 14 (the kiosk records that in
/// each event's evidence).
pub(super) fn by_guardian(r: &Receipt) -> bool {
    r.lines.iter().any(|l| l.event.by_guardian())
}

/// Who gave a child's choices, in Chinese and English: a parent or guardian, named as the
/// kiosk keeps the name for receipts (masked, `王**`; the full name is sealed personal data).
pub(super) fn given_by(r: &Receipt) -> Option<(String, String)> {
    if !by_guardian(r) {
        return None;
    }
    Some(match &r.guardian {
        Some(g) => (
            format!("由父母或其他监护人（{g}）代为作出（监护人同意）"),
            format!("Given by a parent or guardian ({g}) on the child's behalf (guardian's consent)"),
        ),
        None => (
            "由父母或其他监护人代为作出（监护人同意）".into(),
            "Given by a parent or guardian on the child's behalf (guardian's consent)".into(),
        ),
    })
}

/// How long a recorded state holds: a grant until it is withdrawn; a refusal or a withdrawal
/// grants nothing, so nothing runs.
pub(super) fn validity(kind: EventKind) -> (&'static str, &'static str) {
    match kind {
        EventKind::Grant => ("直至撤回", "until withdrawn"),
        EventKind::Refuse => ("不适用：未同意", "not applicable: consent refused"),
        EventKind::Withdraw => ("不适用：同意已撤回", "not applicable: consent withdrawn"),
    }
}

/// A data category a receipt line names: its code, its name in both languages, whether it
/// is sensitive.
pub(super) struct Category {
    pub code: String,
    pub name: (String, String),
    pub sensitive: bool,
}

/// What one line of a receipt was about: the categories its purpose uses and the recipients
/// and overseas recipients its data goes to, as the notice's profile links them.
pub(super) struct LineFacts {
    pub categories: Vec<Category>,
    pub recipients: Vec<(String, String)>,
    pub overseas: Vec<(String, String)>,
}

/// What a recorded choice is called, in Chinese and English.
pub(super) fn choice_words(kind: EventKind) -> (&'static str, &'static str) {
    match kind {
        EventKind::Grant => ("同意", "Agreed"),
        EventKind::Refuse => ("拒绝", "Refused"),
        EventKind::Withdraw => ("撤回", "Withdrawn"),
    }
}

/// The Kantara Consent Receipt version these receipts follow.
pub const KANTARA_VERSION: &str = "KI-CR-v1.1.0";
/// The schema version of the ISO/IEC TS 27560 record fields.
pub const RECORD_SCHEMA_VERSION: &str = "ISO/IEC TS 27560:2023";

/// Finds a receipt by its id (any role: the kiosk prints the one it just made).
pub fn show(session: &mut Session, id: &str) -> Result<Receipt> {
    session.read(Action::ShowReceipt, |conn| ledger::receipt::load(conn, id))
}

/// The receipt each event was issued on, in the order given (none for an event recorded
/// before receipts existed): People lists them so a lost receipt can be printed again.
pub fn of_events(session: &mut Session, events: &[ConsentEventId]) -> Result<Vec<Option<ReceiptId>>> {
    session.read(Action::ShowReceipt, |conn| {
        events.iter().map(|e| ledger::receipt::of_event(conn, e.as_str()).map(|r| r.map(ReceiptId::new))).collect()
    })
}

/// The controller and channels a notice's processing profile states (every key optional).
pub(super) struct Profile(Value);

impl Profile {
    fn of(receipt: &Receipt) -> Self {
        let v = receipt
            .lines
            .iter()
            .filter_map(|l| l.notice.as_ref())
            .find_map(|n| serde_json::from_str::<Value>(&n.profile).ok().filter(Value::is_object))
            .unwrap_or(Value::Null);
        Profile(v)
    }
    fn text(&self, path: &[&str]) -> Option<String> {
        let mut v = &self.0;
        for p in path {
            v = v.get(p)?;
        }
        v.as_str().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
    }
    /// The codes in a list of strings, such as `categories`.
    fn codes(&self, key: &str) -> Vec<String> {
        let list = self.0.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        list.iter().filter_map(Value::as_str).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
    }
    /// The retention stated for each purpose or category, in one language.
    fn retention(&self, zh: bool) -> Vec<String> {
        let items = self.0.get("retention").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        items
            .iter()
            .filter_map(|item| {
                let r = Profile(item.clone());
                let (z, e) = r.both(&["period"])?;
                Some(format!("{}{}{}", r.text(&["applies_to"])?, if zh { "：" } else { ": " }, if zh { z } else { e }))
            })
            .collect()
    }
    /// The categories, recipients and overseas recipients of one line: the purpose's `uses`
    /// entry and the recipients linked to it; in a profile written before those links, every
    /// category, and the recipients or transfers when the purpose is that separate consent.
    fn facts(&self, purpose: &crate::purpose::Purpose) -> LineFacts {
        let uses = self.0.get("uses").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let stated = uses.iter().find(|u| u.get("purpose").and_then(Value::as_str) == Some(purpose.code.as_str()));
        let codes = match stated {
            Some(u) => Profile(u.clone()).codes("categories"),
            None => self.codes("categories"),
        };
        let catalogue = self
            .0
            .get("catalogue")
            .and_then(|c| c.get("categories"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let categories = codes
            .into_iter()
            .map(|code| {
                let entry = catalogue.iter().find(|c| c.get("code").and_then(Value::as_str) == Some(code.as_str()));
                let entry = Profile(entry.cloned().unwrap_or(Value::Null));
                let name = entry.both(&["name"]).unwrap_or_else(|| (code.clone(), code.clone()));
                let sensitive = entry.0.get("sensitive").is_some_and(|v| !v.is_null());
                Category { code, name, sensitive }
            })
            .collect();
        use crate::purpose::SeparateConsent::{CrossBorder, ThirdParty};
        let linked = |list: &str, name: &str, kind| {
            let items = self.0.get(list).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            let any_linked =
                items.iter().any(|i| i.get("purposes").and_then(Value::as_array).is_some_and(|a| !a.is_empty()));
            items
                .iter()
                .filter(|i| {
                    let own = Profile((*i).clone()).codes("purposes");
                    if any_linked {
                        own.contains(&purpose.code)
                    } else {
                        purpose.separate_consent == Some(kind)
                    }
                })
                .filter_map(|i| Profile(i.clone()).both(&[name]))
                .collect::<Vec<_>>()
        };
        LineFacts {
            categories,
            recipients: linked("recipients", "name", ThirdParty),
            overseas: linked("transfers", "recipient", CrossBorder),
        }
    }

    /// A bilingual value: (zh, en), each falling back to the other.
    fn both(&self, path: &[&str]) -> Option<(String, String)> {
        let mut zh = path.to_vec();
        zh.push("zh");
        let mut en = path.to_vec();
        en.push("en");
        match (self.text(&zh), self.text(&en), self.text(path)) {
            (Some(z), Some(e), _) => Some((z, e)),
            (Some(z), None, _) => Some((z.clone(), z)),
            (None, Some(e), _) => Some((e.clone(), e)),
            (None, None, Some(s)) => Some((s.clone(), s)),
            _ => None,
        }
    }
}

pub(super) const NOT_STATED: &str = "not stated";
/// "Not stated" in Chinese.
pub(super) const NOT_STATED_ZH: &str = "未说明";

pub(super) fn state_of(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Grant => "granted",
        EventKind::Refuse => "refused",
        EventKind::Withdraw => "withdrawn",
    }
}

pub(super) fn dpv_state(kind: EventKind) -> &'static str {
    match kind {
        EventKind::Grant => "dpv:ConsentGiven",
        EventKind::Refuse => "dpv:ConsentRefused",
        EventKind::Withdraw => "dpv:ConsentWithdrawn",
    }
}

pub(super) fn collection_method(r: &Receipt, zh: bool) -> String {
    let mut methods: Vec<&str> = r.lines.iter().map(|l| l.event.method.as_str()).collect();
    methods.dedup();
    let what = match (r.kind, zh) {
        (ReceiptKind::Capture, false) => "Explicit choice per purpose, recorded",
        (ReceiptKind::Withdrawal, false) => "Withdrawal received",
        (ReceiptKind::Import, false) => "Historic record imported",
        (ReceiptKind::Capture, true) => "逐项明确选择并记录",
        (ReceiptKind::Withdrawal, true) => "收到撤回",
        (ReceiptKind::Import, true) => "导入的历史记录",
    };
    if zh {
        format!("{what}，方式：{}（Consentry）", methods.join("、"))
    } else {
        format!("{what} via {} (Consentry)", methods.join(", "))
    }
}

pub(super) fn withdrawal_method(p: &Profile, id: &str) -> (String, String) {
    let (zh, en) = p.both(&["withdrawal_channel"]).unwrap_or_else(|| {
        (
            "告诉我们的任何工作人员，或联系个人信息处理者".into(),
            "Tell any of our staff, or contact the controller".into(),
        )
    });
    // The channel is usually written as a sentence; the receipt's own clause follows it.
    let zh = zh.trim().trim_end_matches(['。', '；', '.', ';']);
    let en = en.trim().trim_end_matches(['.', ';']);
    let mut en_chars = en.chars();
    let en: String = en_chars.next().map(|c| c.to_uppercase().chain(en_chars).collect()).unwrap_or_default();
    (
        format!("{zh}。撤回时请提供回执编号 {id}。撤回与同意一样便捷，立即生效。"),
        format!("{en}. Quote receipt {id}. Withdrawing is as easy as consenting and takes effect at once."),
    )
}
