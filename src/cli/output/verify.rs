//! What `verify` prints: the report and its JSON shape (docs/cli-json.md, VerifyJson).

use consentry::verify::{Place, Report};
use serde::Serialize;

use super::print_json;

#[derive(Serialize)]
pub struct VerifyJson {
    pub intact: bool,
    /// "full", or "new": what was added since the verify of `since`.
    pub scope: &'static str,
    pub since: Option<String>,
    pub last_full: Option<String>,
    pub events_checked: u64,
    pub devices: u64,
    pub audit_entries_checked: u64,
    pub checkpoints_checked: u64,
    pub notices_checked: u64,
    pub current_checked: u64,
    pub problems: Vec<ProblemJson>,
}

#[derive(Serialize)]
pub struct ProblemJson {
    pub chain: &'static str,
    pub device_id: Option<String>,
    pub target: Option<String>,
    pub seq: i64,
    pub event_id: Option<String>,
    pub message: String,
}

impl From<&Report> for VerifyJson {
    fn from(r: &Report) -> Self {
        VerifyJson {
            intact: r.is_intact(),
            scope: if r.full { "full" } else { "new" },
            since: r.since_ms.map(instant),
            last_full: r.last_full_ms.map(instant),
            events_checked: r.events_checked,
            devices: r.devices,
            audit_entries_checked: r.audit_entries_checked,
            checkpoints_checked: r.checkpoints_checked,
            notices_checked: r.notices_checked,
            current_checked: r.current_checked,
            problems: r
                .problems
                .iter()
                .map(|p| {
                    let (device_id, target) = match &p.place {
                        Place::Ledger { device_id } | Place::DeviceAudit { device_id } => {
                            (Some(device_id.clone()), None)
                        }
                        Place::Checkpoint { device_id, log } => (Some(device_id.clone()), Some(log.clone())),
                        Place::Audit => (None, None),
                        Place::NoticeVersion { hash, .. } => (None, Some(hash.clone())),
                        Place::NoticeRevision { notice, number, .. } => (None, Some(format!("{notice} v{number}"))),
                        Place::Schema { kind, name } => (None, Some(format!("{kind} {name}"))),
                        Place::CurrentState { subject_id, purpose } => (None, Some(format!("{subject_id} {purpose}"))),
                    };
                    ProblemJson {
                        chain: p.place.kind(),
                        device_id,
                        target,
                        seq: p.seq,
                        event_id: p.event_id.clone(),
                        message: p.message.clone(),
                    }
                })
                .collect(),
        }
    }
}

/// After `verify --restore-schema`: what could not be put back (to stderr with `--json`, so
/// standard output stays one JSON document).
pub fn schema_restored(left: &[consentry::vault::SchemaDifference], json: bool) {
    let say = |line: String| if json { eprintln!("{line}") } else { println!("{line}") };
    if left.is_empty() {
        say("Schema restored: the triggers, indexes and views are as the migrations create them.".into());
    } else {
        for d in left {
            say(format!("Not restored: {} Restore the vault from a backup made before the change.", d.describe()));
        }
    }
}

/// An instant stored as ms since the epoch, in RFC 3339 (UTC).
fn instant(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339()).unwrap_or_default()
}

pub fn verify_report(report: &Report, json: bool) {
    if json {
        print_json(&VerifyJson::from(report));
        return;
    }
    if let (false, Some(since)) = (report.full, report.since_ms) {
        println!(
            "Checked what was added since the verify of {} (the last full walk: {}); `consentry verify` without --new checks everything.",
            instant(since),
            report.last_full_ms.map_or_else(|| "none yet".to_string(), instant)
        );
    }
    if report.is_intact() {
        println!(
            "Intact: {} consent events on {} device chain(s), {} audit entries, {} checkpoint(s), {} notice version(s) and {} current state(s) verify; the schema is as the migrations create it.",
            report.events_checked,
            report.devices,
            report.audit_entries_checked,
            report.checkpoints_checked,
            report.notices_checked,
            report.current_checked
        );
    } else {
        println!("BROKEN: the vault's records were changed outside Consentry.");
        for p in &report.problems {
            println!("  - {}", p.message);
        }
    }
}
