//! The data-subject rights commands: subject, suppression, export, import, retention and
//! receipt. Each parses its arguments, makes one engine call and prints or writes the result.

use std::path::Path;

use consentry::ledger::{ConsentState, Method};
use consentry::rights::{self, ExportFilter, Format, Identity, Provenance, RetentionRule, Source};
use consentry::{receipt, subject, Error};

use super::args::{
    Cli, ExportAccessArgs, ExportArgs, ImportArgs, ReceiptCommand, RetentionCommand, SubjectArgs, SubjectCommand,
    SuppressionArgs,
};
use super::output::*;
use super::{subject_key, with_session, Failure};

/// Writes a document to `--output` (a new file, mode 0600) or to standard output.
fn emit(content: &str, output: Option<&Path>) -> Result<(), Error> {
    match output {
        None => {
            print!("{content}");
            Ok(())
        }
        Some(path) => {
            consentry::files::write_new(path, content.as_bytes())?;
            eprintln!("Wrote {}.", path.display());
            Ok(())
        }
    }
}

pub(crate) fn subject_cmd(cli: &Cli, cmd: &SubjectCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        SubjectCommand::Search { query, limit } => {
            let found = with_session(cli, |s| subject::search(s, query, *limit))?;
            if json {
                print_json(&found.iter().map(SubjectJson::from).collect::<Vec<_>>());
            } else if found.is_empty() {
                println!("Nobody matches \"{query}\".");
            } else {
                for p in &found {
                    subject(p);
                }
            }
            Ok(())
        }
        SubjectCommand::Show(a) => {
            super::history(cli, &SubjectArgs { key: clone_key(&a.key), reveal: false }, json)?;
            if !json {
                super::status(cli, &SubjectArgs { key: clone_key(&a.key), reveal: false }, false)?;
            }
            Ok(())
        }
        SubjectCommand::Reveal(a) => {
            let key = subject_key(&a.key)?;
            let shown = with_session(cli, |s| subject::reveal(s, &key))?;
            if json {
                print_json(&SubjectJson::from(&shown));
            } else {
                subject(&shown);
                println!("(This reveal is recorded in the audit log.)");
            }
            Ok(())
        }
        SubjectCommand::Withdraw(a) => super::withdraw(cli, a, json),
        SubjectCommand::Erase(a) => {
            if !a.yes {
                return Err(Error::invalid(
                    "Erasure removes the person's name, email, phone and company for good.",
                    "Run it again with --yes to confirm.",
                )
                .into());
            }
            let key = subject_key(&a.key)?;
            let channel: Method = a.channel.parse()?;
            let erased = with_session(cli, |s| rights::erase(s, &key, channel, &a.note))?;
            if json {
                print_json(&ErasedJson {
                    subject_id: erased.subject_id.clone(),
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
            Ok(())
        }
        SubjectCommand::ExportAccess(a) => export_access(cli, a),
    }
}

fn clone_key(k: &super::args::SubjectKeyArgs) -> super::args::SubjectKeyArgs {
    super::args::SubjectKeyArgs { subject: k.subject.clone(), email: k.email.clone(), phone: k.phone.clone() }
}

fn export_access(cli: &Cli, a: &ExportAccessArgs) -> Result<(), Failure> {
    let key = subject_key(&a.key)?;
    let html = match a.format.trim().to_ascii_lowercase().as_str() {
        "json" => false,
        "html" => true,
        other => {
            return Err(Error::invalid(format!("\"{other}\" is not json or html."), "Use --format json or html.").into())
        }
    };
    let report = with_session(cli, |s| rights::access_report(s, &key))?;
    let doc = if html { rights::access::to_html(&report) } else { rights::access::to_json(&report) };
    emit(&doc, a.output.as_deref())?;
    Ok(())
}

pub(crate) fn suppression(cli: &Cli, a: &SuppressionArgs) -> Result<(), Failure> {
    let format: Format = a.format.parse()?;
    let identity = if a.hash_emails {
        Identity::Hashed
    } else if a.masked {
        Identity::Masked
    } else {
        Identity::Plain
    };
    let doc = with_session(cli, |s| rights::suppression_list(s, format, identity, a.purpose.as_deref()))?;
    emit(&doc, a.output.as_deref())?;
    Ok(())
}

pub(crate) fn export(cli: &Cli, a: &ExportArgs) -> Result<(), Failure> {
    let format: Format = a.format.parse()?;
    let identity: Identity = a.identity.parse()?;
    let states = a.statuses.iter().map(|s| s.parse::<ConsentState>()).collect::<Result<Vec<_>, _>>()?;
    let mut sources =
        a.methods.iter().map(|m| m.parse::<Method>().map(Source::Method)).collect::<Result<Vec<_>, _>>()?;
    sources.extend(a.events.iter().map(|e| Source::Event(e.clone())));
    let doc = with_session(cli, |s| {
        // Days are read in the offset of the session's clock, as the app reads them.
        let now = s.now();
        let filter = ExportFilter {
            purposes: a.purposes.clone(),
            states,
            sources,
            from: a.from.as_deref().map(|t| rights::day_or_time(t, false, now)).transpose()?,
            to: a.to.as_deref().map(|t| rights::day_or_time(t, true, now)).transpose()?,
        };
        rights::export_consents(s, &filter, format, identity)
    })?;
    emit(&doc, a.output.as_deref())?;
    Ok(())
}

pub(crate) fn import(cli: &Cli, a: &ImportArgs, json: bool) -> Result<(), Failure> {
    let provenance: Provenance = a.provenance.parse()?;
    let bytes = std::fs::read(&a.file).map_err(|e| Error::Io {
        action: "read",
        path: a.file.clone(),
        reason: e.to_string(),
    })?;
    let report = with_session(cli, |s| rights::import_consents(s, &bytes, provenance))?;
    if json {
        print_json(&ImportJson::from(&report));
    } else if report.committed() {
        println!(
            "Imported {} rows: {} events for {} people ({} new). Receipts: {}.",
            report.rows,
            report.events,
            report.people,
            report.new_people,
            report.receipts.join(", ")
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
    if report.committed() {
        Ok(())
    } else {
        Err(Failure::ImportRefused)
    }
}

pub(crate) fn retention_cmd(cli: &Cli, cmd: &RetentionCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        RetentionCommand::Set { purpose, review_days, delete_days } => {
            let rule = RetentionRule { purpose: purpose.clone(), review_days: *review_days, delete_days: *delete_days };
            with_session(cli, |s| rights::set_rule(s, &rule))?;
            if json {
                print_json(&RetentionJson {
                    purpose: rule.purpose,
                    review_days: rule.review_days,
                    delete_days: rule.delete_days,
                });
            } else {
                let show = |d: Option<u32>| d.map(|d| format!("{d} days")).unwrap_or_else(|| "no limit".into());
                println!(
                    "Retention for {}: review after {}, delete after {}.",
                    purpose,
                    show(*review_days),
                    show(*delete_days)
                );
            }
        }
        RetentionCommand::List => {
            let rules = with_session(cli, rights::rules)?;
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
                for r in &rules {
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
        RetentionCommand::Due => {
            let due = with_session(cli, rights::due)?;
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
                for d in &due {
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
    }
    Ok(())
}

pub(crate) fn receipt_cmd(cli: &Cli, cmd: &ReceiptCommand) -> Result<(), Failure> {
    match cmd {
        ReceiptCommand::Show { id, format, output } => {
            let html = match format.trim().to_ascii_lowercase().as_str() {
                "json" => false,
                "html" => true,
                other => {
                    return Err(Error::invalid(
                        format!("\"{other}\" is not json or html."),
                        "Use --format json or html.",
                    )
                    .into())
                }
            };
            let r = with_session(cli, |s| receipt::show(s, id))?;
            let doc = if html {
                receipt::to_html(&r)
            } else {
                let mut s = serde_json::to_string_pretty(&receipt::to_json(&r)).unwrap_or_default();
                s.push('\n');
                s
            };
            emit(&doc, output.as_deref())?;
        }
    }
    Ok(())
}
