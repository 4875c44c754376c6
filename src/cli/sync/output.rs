//! Printing for `consentry org …` and `consentry bundle …`: text for people, `--json` for
//! scripts.

use std::path::Path;

use chrono::{TimeZone, Utc};
use consentry::bundle::{Case, DeviceState, Enrolment, Imported, Organisation, Outcome, Saved, Unsent};
use serde::Serialize;

use super::Done;
use crate::cli::output::print_json;

/// A span of time in whole minutes, hours or days, for people.
fn span(ms: i64) -> String {
    let minutes = ms / 60_000;
    match minutes {
        m if m < 120 => format!("{m} minutes"),
        m if m < 48 * 60 => format!("{} hours", m / 60),
        m => format!("{} days", m / (24 * 60)),
    }
}

fn when(ms: Option<i64>) -> String {
    ms.and_then(|m| Utc.timestamp_millis_opt(m).single())
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "never".into())
}

#[derive(Serialize)]
struct OrgJson<'a> {
    id: &'a str,
    name: &'a str,
    role: &'a str,
    fingerprint: Option<&'a str>,
    enrolment_id: Option<&'a str>,
}

fn org_json(o: &Organisation) -> OrgJson<'_> {
    OrgJson {
        id: &o.id,
        name: &o.name,
        role: if o.is_headquarters { "headquarters" } else { "device" },
        fingerprint: o.fingerprint.as_deref(),
        enrolment_id: o.enrolment_id.as_deref(),
    }
}

pub fn organisation(o: &Organisation, json: bool) {
    if json {
        return print_json(&org_json(o));
    }
    if o.is_headquarters {
        println!("This vault is now the headquarters of \"{}\".", o.name);
        println!("Enrol each device with: consentry org enrol \"DEVICE NAME\"");
    } else {
        println!("This vault is now a device of \"{}\".", o.name);
        if let Some(fp) = &o.fingerprint {
            println!("Fingerprint: {fp}");
            println!("Check that headquarters' screen shows the same fingerprint. If not, do not use this enrolment.");
        }
        println!("Delete the enrolment file now: anyone holding it could enrol as this device.");
    }
}

pub fn enrolment_preview(e: &consentry::bundle::EnrolmentFile, json: bool) {
    if json {
        return print_json(&serde_json::json!({
            "organisation": e.organisation_name, "device_name": e.device_name, "fingerprint": e.fingerprint,
            "joined": false,
        }));
    }
    println!("Enrolment for device \"{}\" of \"{}\".", e.device_name, e.organisation_name);
    println!("Fingerprint: {}", e.fingerprint);
    println!("Nothing was changed. If headquarters' screen shows the same fingerprint, join with:");
    println!("  consentry org join FILE --fingerprint \"{}\"", e.fingerprint);
}

pub fn enrolled(e: &Enrolment, path: &Path, json: bool) {
    if json {
        return print_json(&serde_json::json!({
            "enrolment_id": e.id, "device_name": e.device_name, "fingerprint": e.fingerprint,
            "file": path.display().to_string(),
        }));
    }
    println!("Enrolled device \"{}\" (enrolment {}).", e.device_name, e.id);
    println!("Enrolment file: {}", path.display());
    println!("Fingerprint:    {}", e.fingerprint);
    println!("Carry the file to the device by hand and import it there; compare the fingerprint on both screens.");
}

pub fn revoked(device: &str, json: bool) {
    if json {
        return print_json(&serde_json::json!({ "revoked": device }));
    }
    println!("Revoked \"{device}\": its bundles are refused from now on; what it sent before stays.");
}

pub fn resolved(id: &str, json: bool) {
    if json {
        return print_json(&serde_json::json!({ "resolved": id }));
    }
    println!(
        "Recorded the decision on case {id}. The evidence is kept; the quarantined entries still count for nothing."
    );
}

#[derive(Serialize)]
struct DeviceJson<'a> {
    enrolment_id: &'a str,
    name: &'a str,
    device_id: Option<&'a str>,
    fingerprint: &'a str,
    revoked: bool,
    last_seq: i64,
    last_checkpoint: Option<i64>,
    acknowledged_at_ms: Option<i64>,
    gaps: Vec<[i64; 2]>,
    forks: u64,
    people: u64,
    clock_ahead_ms: Option<i64>,
}

#[derive(Serialize)]
struct UnsentJson {
    events: u64,
    people: u64,
    since_ms: Option<i64>,
    acknowledged_at_ms: Option<i64>,
}

pub fn status(org: Option<&Organisation>, devices: &[DeviceState], unsent: Option<&Unsent>, json: bool) {
    if json {
        let devices: Vec<DeviceJson<'_>> = devices
            .iter()
            .map(|d| DeviceJson {
                enrolment_id: &d.enrolment_id,
                name: &d.name,
                device_id: d.device_id.as_deref(),
                fingerprint: &d.fingerprint,
                revoked: d.revoked_at_ms.is_some(),
                last_seq: d.last_seq,
                last_checkpoint: d.last_checkpoint,
                acknowledged_at_ms: d.acknowledged_at_ms,
                gaps: d.gaps.iter().map(|&(a, b)| [a, b]).collect(),
                forks: d.forks,
                people: d.people,
                clock_ahead_ms: d.clock_ahead_ms,
            })
            .collect();
        let unsent = unsent.map(|u| UnsentJson {
            events: u.events,
            people: u.people,
            since_ms: u.since_ms,
            acknowledged_at_ms: u.acknowledged_at_ms,
        });
        return print_json(&serde_json::json!({
            "organisation": org.map(org_json), "devices": devices, "unsent": unsent,
        }));
    }
    let Some(org) = org else {
        println!("This vault is not part of an organisation. Make it headquarters (consentry org init) or join one (consentry org join FILE).");
        return;
    };
    if let Some(u) = unsent {
        println!("Device of \"{}\".", org.name);
        println!(
            "Not yet sent to headquarters: {} event(s) about {} person(s), the oldest from {}.",
            u.events,
            u.people,
            when(u.since_ms)
        );
        println!("Last acknowledged by headquarters: {}.", when(u.acknowledged_at_ms));
        return;
    }
    println!("Headquarters of \"{}\": {} device(s).", org.name, devices.len());
    if devices.is_empty() {
        println!("No device is enrolled yet: consentry org enrol \"DEVICE NAME\"");
    }
    for d in devices {
        let state = if d.revoked_at_ms.is_some() {
            " (revoked)"
        } else if d.device_id.is_none() {
            " (nothing received yet)"
        } else {
            ""
        };
        println!(
            "- {}{state}: last seq {}, checkpoint {}, acknowledged {}, {} person(s)",
            d.name,
            d.last_seq,
            d.last_checkpoint.map_or("none".into(), |c| c.to_string()),
            when(d.acknowledged_at_ms),
            d.people
        );
        for (a, b) in &d.gaps {
            println!("  gap: events {a} to {b} missing; later bundles are held until they arrive");
        }
        if d.forks > 0 {
            println!("  FORK: {} case(s) in quarantine (consentry org quarantine)", d.forks);
        }
        if let Some(ms) = d.clock_ahead_ms {
            println!(
                "  clock: ran at least {} ahead of headquarters'; set the device's date and time (between its events and other devices' within 10 minutes, the more protective state stands)",
                span(ms)
            );
        }
    }
}

pub fn quarantine(cases: &[Case], json: bool) {
    if json {
        let list: Vec<_> = cases
            .iter()
            .map(|c| {
                serde_json::json!({
                    "id": c.id, "device_id": c.device_id, "log": c.log.as_str(), "from_seq": c.from_seq, "to_seq": c.to_seq,
                    "entries": c.entries, "detected_at_ms": c.detected_at_ms, "resolution": c.resolution,
                    "held_note": c.held_note, "contradicting_note": c.contradicting_note,
                })
            })
            .collect();
        return print_json(&list);
    }
    if cases.is_empty() {
        println!("No forks: every device's bundles agree with what it signed before.");
    }
    for c in cases {
        println!(
            "Case {} — device {}, {} from seq {} to {} ({} entries), found {}",
            c.id,
            c.device_id,
            c.log,
            c.from_seq,
            c.to_seq,
            c.entries,
            when(Some(c.detected_at_ms))
        );
        println!("  resolution: {}", c.resolution.as_deref().unwrap_or("open"));
        println!("  checkpoint held (signed by the device):\n{}", indent(&c.held_note));
        println!("  contradicting checkpoint (signed by the device):\n{}", indent(&c.contradicting_note));
    }
}

fn indent(t: &str) -> String {
    t.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
}

pub fn saved(s: &Saved, json: bool) {
    if json {
        return print_json(&serde_json::json!({
            "file": s.path.display().to_string(), "events": s.events, "people": s.people,
            "audit_entries": s.audit_entries, "ledger_size": s.ledger_size,
        }));
    }
    println!("Saved {}", s.path.display());
    if s.ledger_size > 0 || s.events > 0 {
        println!(
            "{} event(s) about {} person(s), {} audit entries; checkpoint at {}.",
            s.events, s.people, s.audit_entries, s.ledger_size
        );
    }
}

fn outcome(i: &Imported) -> String {
    match &i.outcome {
        Outcome::Merged => format!(
            "merged {} event(s), {} audit entries, {} new person(s), {} merged into people already here, {} conflicting detail(s) reported",
            i.events_added, i.audit_added, i.people_added, i.people_merged, i.conflicts
        ),
        Outcome::AlreadyImported { at_ms } => format!("already imported on {}; nothing changed", when(Some(*at_ms))),
        Outcome::NothingNew => "nothing new; nothing changed".into(),
        Outcome::Held { gap_from, gap_to } => format!("held: events {gap_from} to {gap_to} have not arrived yet; it is applied when they do"),
        Outcome::Fork { log, from_seq } => format!("FORK in the {} from seq {from_seq}: quarantined (consentry org quarantine)", log.as_str()),
    }
}

pub fn imported(results: &[(&Path, Result<Done, consentry::Error>)], json: bool) {
    if json {
        let list: Vec<_> = results
            .iter()
            .map(|(f, r)| match r {
                Ok(Done::Device(i)) => serde_json::json!({
                    "file": f.display().to_string(), "device_id": i.device_id, "device": i.device_name,
                    "outcome": outcome(i), "events_added": i.events_added, "audit_added": i.audit_added,
                    "people_added": i.people_added, "people_merged": i.people_merged, "conflicts": i.conflicts,
                }),
                Ok(Done::Hq(r)) => serde_json::json!({
                    "file": f.display().to_string(), "notice_versions_added": r.notice_versions_added,
                    "events_added": r.shows_added, "events_updated": r.shows_updated, "retired": r.retired,
                    "acknowledged_events": r.acknowledged_events, "warnings": r.warnings,
                }),
                Err(e) => {
                    let reason = match e {
                        consentry::Error::BundleRefused { reason, .. } => Some(reason.as_str()),
                        _ => None,
                    };
                    serde_json::json!({ "file": f.display().to_string(),
                        "error": { "kind": e.kind(), "message": e.to_string(), "reason": reason } })
                }
            })
            .collect();
        return print_json(&list);
    }
    for (f, r) in results {
        match r {
            Ok(Done::Device(i)) => println!("{}: {} — {}", f.display(), i.device_name, outcome(i)),
            Ok(Done::Hq(r)) => {
                println!(
                    "{}: {} new notice version(s), {} new event(s), {} updated, {} retired; headquarters has acknowledged {} event(s)",
                    f.display(), r.notice_versions_added, r.shows_added, r.shows_updated, r.retired,
                    r.acknowledged_events.unwrap_or(0)
                );
                for w in &r.warnings {
                    println!("  warning: {w}");
                }
            }
            Err(e) => println!("{}: refused — {e}", f.display()),
        }
    }
}
