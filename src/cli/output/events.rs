//! What the event (trade show) commands print, and their JSON shapes.

use consentry::capture::{Event, KioskForm};
use consentry::notice::{markdown, Language};
use serde::Serialize;

use super::{pad, print_json};

// ---- Events (trade shows) and their kiosk form ----

#[derive(Serialize)]
pub struct TradeEventJson {
    pub id: String,
    pub name: String,
    pub venue: String,
    pub starts_on: String,
    pub ends_on: String,
    pub notice: String,
    pub notice_number: i64,
    pub languages: Vec<&'static str>,
    pub fields: Vec<String>,
    pub device: String,
    pub idle_reset_s: u32,
    pub signature: bool,
    pub closed: bool,
    pub captures: i64,
}

impl From<&Event> for TradeEventJson {
    fn from(e: &Event) -> Self {
        TradeEventJson {
            id: e.id.to_string(),
            name: e.input.name.clone(),
            venue: e.input.venue.clone(),
            starts_on: e.input.starts_on.clone(),
            ends_on: e.input.ends_on.clone(),
            notice: e.input.notice.clone(),
            notice_number: e.input.notice_number,
            languages: e.input.languages.iter().map(|l| l.as_str()).collect(),
            fields: e
                .input
                .fields
                .iter()
                .map(|f| format!("{}{}", f.field, if f.required { "!" } else { "" }))
                .collect(),
            device: e.input.device_name.clone(),
            idle_reset_s: e.input.idle_reset_s,
            signature: e.input.signature,
            closed: e.closed_at_ms.is_some(),
            captures: e.captures,
        }
    }
}

/// One event: its JSON shape, or one line.
pub fn trade_event(e: &Event, json: bool) {
    if json {
        print_json(&TradeEventJson::from(e));
    } else {
        println!(
            "{}  {}  {} → {}  {}  notice {} v{}  {} people{}",
            e.id,
            e.input.name,
            e.input.starts_on,
            e.input.ends_on,
            e.input.venue,
            e.input.notice,
            e.input.notice_number,
            e.captures,
            if e.closed_at_ms.is_some() { "  (closed)" } else { "" }
        );
    }
}

pub fn trade_events(list: &[Event], json: bool) {
    if json {
        print_json(&list.iter().map(TradeEventJson::from).collect::<Vec<_>>());
    } else if list.is_empty() {
        println!("No events yet. Create one with `consentry event create --name … --venue … --from … --to … --notice NAME --device …`.");
    } else {
        for e in list {
            trade_event(e, false);
        }
    }
}

pub fn kiosk_form(k: &KioskForm, json: bool) {
    if json {
        print_json(&serde_json::json!({
            "event": k.event.id,
            "language": k.language.as_str(),
            "title": k.title,
            "notice_hash": k.notice_hash,
            "controls": k.form.controls().map(|c| serde_json::json!({
                "id": c.id, "purpose": c.purpose, "kind": c.kind,
                "label": if k.language == Language::ZhCn { &c.label.zh } else { &c.label.en },
            })).collect::<Vec<_>>(),
            "guardian": k.form.guardian.is_some(),
        }));
    } else {
        println!("{}\n\n{}", k.title, markdown::to_plain(&k.text));
        println!("\nBoxes (none is ticked in advance):");
        for c in k.form.controls() {
            let label = if k.language == Language::ZhCn { &c.label.zh } else { &c.label.en };
            println!("  [ ] {}  {}", pad(&c.id, 32), label);
        }
        if k.form.guardian.is_some() {
            println!("  Children under 14: a parent or guardian answers and confirms.");
        }
    }
}
