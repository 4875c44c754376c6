//! What the event (trade show) commands print, and their JSON shapes.

use consentry::capture::stats::EventStats;
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

// ---- An event's figures ----

#[derive(Serialize)]
pub struct EventStatsJson<'a> {
    pub event_id: &'a str,
    pub people: u64,
    pub per_day: Vec<DayJson<'a>>,
    pub per_device: Vec<DeviceCountJson<'a>>,
    pub purposes: Vec<PurposeCountJson<'a>>,
    pub withdrawn: u64,
    pub unsent_people: Option<u64>,
    pub superseded_by: Option<SupersededJson<'a>>,
}

#[derive(Serialize)]
pub struct DayJson<'a> {
    pub day: &'a str,
    pub people: u64,
}

#[derive(Serialize)]
pub struct DeviceCountJson<'a> {
    pub device_id: &'a str,
    pub name: &'a str,
    pub people: u64,
}

#[derive(Serialize)]
pub struct PurposeCountJson<'a> {
    pub purpose: &'a str,
    pub grants: u64,
    pub refusals: u64,
    pub withdrawn: u64,
}

#[derive(Serialize)]
pub struct SupersededJson<'a> {
    pub number: i64,
    pub changes: Vec<&'a str>,
}

impl<'a> From<&'a EventStats> for EventStatsJson<'a> {
    fn from(s: &'a EventStats) -> Self {
        EventStatsJson {
            event_id: s.event_id.as_str(),
            people: s.people,
            per_day: s.per_day.iter().map(|d| DayJson { day: &d.day, people: d.people }).collect(),
            per_device: s
                .per_device
                .iter()
                .map(|d| DeviceCountJson { device_id: d.device_id.as_str(), name: &d.name, people: d.people })
                .collect(),
            purposes: s
                .purposes
                .iter()
                .map(|p| PurposeCountJson {
                    purpose: &p.purpose,
                    grants: p.grants,
                    refusals: p.refusals,
                    withdrawn: p.withdrawn,
                })
                .collect(),
            withdrawn: s.withdrawn,
            unsent_people: s.unsent_people,
            superseded_by: s.superseded_by.as_ref().map(|v| SupersededJson {
                number: v.number,
                changes: v.changes.iter().map(|c| c.kind.as_str()).collect(),
            }),
        }
    }
}

/// An event's figures: JSON, or a few aligned lines.
pub fn event_stats(s: &EventStats, json: bool) {
    if json {
        print_json(&EventStatsJson::from(s));
        return;
    }
    let unsent = s.unsent_people.map(|n| format!(", {n} not yet sent to headquarters")).unwrap_or_default();
    println!("{} people, {} consents withdrawn since{unsent}", s.people, s.withdrawn);
    if let Some(v) = &s.superseded_by {
        let kinds: Vec<&str> = v.changes.iter().map(|c| c.kind.as_str()).collect();
        println!("Warning: version {} is approved and needs fresh consent ({}).", v.number, kinds.join(", "));
    }
    for d in &s.per_day {
        println!("  {}  {:>5}", d.day, d.people);
    }
    for d in &s.per_device {
        println!("  {}  {:>5}", pad(&d.name, 24), d.people);
    }
    if !s.purposes.is_empty() {
        println!("  {}  {:>6}  {:>7}  {:>9}", pad("purpose", 24), "agreed", "refused", "withdrawn");
    }
    for p in &s.purposes {
        println!("  {}  {:>6}  {:>7}  {:>9}", pad(&p.purpose, 24), p.grants, p.refusals, p.withdrawn);
    }
}
