//! What the data-subject rights commands print, and their JSON shapes.

use consentry::rights::{DueItem, Erased, ImportReport, RetentionRule};
use consentry::subject::SubjectView;
use serde::Serialize;

use super::{pad, print_json, recorded, subject, RecordedJson, SubjectJson};

// ---- Data-subject rights (issue 6) ----

#[derive(Serialize)]
pub struct ErasedJson {
    pub subject_id: String,
    pub erased: bool,
    pub withdrawn: Option<RecordedJson>,
}

#[derive(Serialize)]
pub struct RowErrorJson {
    pub line: usize,
    pub column: Option<String>,
    pub code: String,
    pub reason: String,
}

#[derive(Serialize)]
pub struct ImportJson {
    pub committed: bool,
    pub rows: usize,
    pub events: usize,
    pub people: usize,
    pub new_people: usize,
    pub receipts: Vec<String>,
    pub errors: Vec<RowErrorJson>,
    pub more_errors: usize,
}

impl From<&ImportReport> for ImportJson {
    fn from(r: &ImportReport) -> Self {
        ImportJson {
            committed: r.committed(),
            rows: r.rows,
            events: r.events,
            people: r.people,
            new_people: r.new_people,
            receipts: r.receipts.clone(),
            errors: r
                .errors
                .iter()
                .map(|e| RowErrorJson {
                    line: e.line,
                    column: e.column.clone(),
                    code: e.reason.text.code(),
                    reason: e.reason.to_string(),
                })
                .collect(),
            more_errors: r.more_errors,
        }
    }
}

#[derive(Serialize)]
pub struct RetentionJson {
    pub purpose: String,
    pub review_days: Option<u32>,
    pub delete_days: Option<u32>,
}

#[derive(Serialize)]
pub struct DueJson {
    pub subject: SubjectJson,
    pub purpose: String,
    pub state: &'static str,
    pub since: String,
    pub due: &'static str,
    pub due_at: String,
}

// ---- Printers for the data-subject rights commands ----

/// A document (export, suppression list, access report, receipt) on standard output.
pub fn document(content: &str) {
    print!("{content}");
}

/// Where a document written with `--output` went.
pub fn wrote(path: &std::path::Path) {
    eprintln!("Wrote {}.", path.display());
}

pub fn search_results(query: &str, found: &[SubjectView], json: bool) {
    if json {
        print_json(&found.iter().map(SubjectJson::from).collect::<Vec<_>>());
    } else if found.is_empty() {
        println!("Nobody matches \"{query}\".");
    } else {
        for p in found {
            subject(p);
        }
    }
}

pub fn revealed(shown: &SubjectView, json: bool) {
    if json {
        print_json(&SubjectJson::from(shown));
    } else {
        subject(shown);
        println!("(This reveal is recorded in the audit log.)");
    }
}

pub fn erased(erased: &Erased, json: bool) {
    if json {
        print_json(&ErasedJson {
            subject_id: erased.subject_id.to_string(),
            erased: true,
            withdrawn: erased.withdrawn.as_ref().map(RecordedJson::from),
        });
    } else {
        if let Some(w) = &erased.withdrawn {
            recorded(w, false);
        }
        println!(
            "Erased person {}: their personal data is gone; the ledger keeps their consent history by id, and verify stays intact.",
            erased.subject_id
        );
    }
}

/// The receipts of an import in one line: all of them when few, else how many and the
/// first few (each person's history lists theirs; `--json` gives every id).
fn receipts_summary(receipts: &[String]) -> String {
    const SHOWN: usize = 5;
    match receipts.len() {
        0 => String::new(),
        1 => format!("Receipt: {}.", receipts[0]),
        n if n <= SHOWN => format!("Receipts: {}.", receipts.join(", ")),
        n => format!(
            "{n} receipts, one per person ({}, …); each person's history lists theirs, and --json gives every id.",
            receipts[..SHOWN].join(", ")
        ),
    }
}

pub fn import_report(report: &ImportReport, json: bool) {
    if json {
        print_json(&ImportJson::from(report));
    } else if report.committed() {
        println!(
            "Imported {} rows: {} events for {} people ({} new). {}",
            report.rows,
            report.events,
            report.people,
            report.new_people,
            receipts_summary(&report.receipts)
        );
    } else {
        println!("Nothing was imported: the file has problems. Fix these rows and import the whole file again.");
        for e in &report.errors {
            match &e.column {
                Some(c) => println!("  line {}, {}: {}", e.line, c, e.reason),
                None => println!("  line {}: {}", e.line, e.reason),
            }
        }
        if report.more_errors > 0 {
            println!("  … and {} more.", report.more_errors);
        }
    }
}

pub fn retention_set(rule: &RetentionRule, json: bool) {
    if json {
        print_json(&RetentionJson {
            purpose: rule.purpose.clone(),
            review_days: rule.review_days,
            delete_days: rule.delete_days,
        });
    } else {
        let show = |d: Option<u32>| d.map(|d| format!("{d} days")).unwrap_or_else(|| "no limit".into());
        println!(
            "Retention for {}: review after {}, delete after {}.",
            rule.purpose,
            show(rule.review_days),
            show(rule.delete_days)
        );
    }
}

pub fn retention_rules(rules: &[RetentionRule], json: bool) {
    if json {
        print_json(
            &rules
                .iter()
                .map(|r| RetentionJson {
                    purpose: r.purpose.clone(),
                    review_days: r.review_days,
                    delete_days: r.delete_days,
                })
                .collect::<Vec<_>>(),
        );
    } else if rules.is_empty() {
        println!("No retention rules yet. Set one with `consentry retention set PURPOSE --review-days 365`.");
    } else {
        for r in rules {
            let show = |d: Option<u32>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
            println!(
                "{}  review {}  delete {}",
                pad(&r.purpose, 22),
                pad(&show(r.review_days), 6),
                show(r.delete_days)
            );
        }
    }
}

pub fn retention_due(due: &[DueItem], json: bool) {
    if json {
        print_json(
            &due.iter()
                .map(|d| DueJson {
                    subject: (&d.subject).into(),
                    purpose: d.purpose.clone(),
                    state: d.state.as_str(),
                    since: d.since.to_rfc3339(),
                    due: d.due.as_str(),
                    due_at: d.due_at.to_rfc3339(),
                })
                .collect::<Vec<_>>(),
        );
    } else if due.is_empty() {
        println!("Nothing is due for review or deletion.");
    } else {
        for d in due {
            println!(
                "{}  {}  {}  {}  since {}  due {}",
                pad(d.due.as_str(), 6),
                d.subject.id,
                pad(d.subject.email.as_deref().or(d.subject.phone.as_deref()).unwrap_or("-"), 22),
                pad(&d.purpose, 20),
                d.since.to_rfc3339(),
                d.due_at.to_rfc3339()
            );
        }
    }
}
