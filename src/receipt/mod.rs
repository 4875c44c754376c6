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
use crate::domain::{Action, ConsentEventId, ReceiptId};
use crate::ledger::{self, EventKind};
use crate::session::Session;

/// A receipt's title, in Chinese and English.
pub(super) fn title(kind: ReceiptKind) -> (&'static str, &'static str) {
    match kind {
        ReceiptKind::Capture => ("同意回执", "Consent receipt"),
        ReceiptKind::Withdrawal => ("撤回同意回执", "Withdrawal receipt"),
        ReceiptKind::Import => ("同意记录回执（导入）", "Consent record receipt (imported)"),
    }
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
    /// The names of the other handlers (`recipients[].name`) or overseas recipients
    /// (`transfers[].recipient`), as "zh / en".
    fn parties(&self, list: &str, name: &str) -> Vec<String> {
        let items = self.0.get(list).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        items
            .iter()
            .filter_map(|item| Profile(item.clone()).both(&[name]))
            .map(|(z, e)| if z == e { z } else { format!("{z} / {e}") })
            .collect()
    }
    /// The retention stated for each purpose or category, in English.
    fn retention(&self) -> Vec<String> {
        let items = self.0.get("retention").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        items
            .iter()
            .filter_map(|item| {
                let r = Profile(item.clone());
                Some(format!("{}: {}", r.text(&["applies_to"])?, r.both(&["period"])?.1))
            })
            .collect()
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

pub(super) fn collection_method(r: &Receipt) -> String {
    let mut methods: Vec<&str> = r.lines.iter().map(|l| l.event.method.as_str()).collect();
    methods.dedup();
    let what = match r.kind {
        ReceiptKind::Capture => "Explicit choice per purpose, recorded",
        ReceiptKind::Withdrawal => "Withdrawal received",
        ReceiptKind::Import => "Historic record imported",
    };
    format!("{what} via {} (Consentry)", methods.join(", "))
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
        format!("{zh}（请提供回执编号 {id}），撤回与同意一样便捷，立即生效。"),
        format!("{en} (quote receipt {id}); withdrawing is as easy as consenting and takes effect at once."),
    )
}
