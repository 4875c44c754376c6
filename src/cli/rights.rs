//! The data-subject rights commands: subject, suppression, export, import, retention and
//! receipt. Each parses its arguments, makes one engine call and prints or writes the result.

use std::path::Path;

use consentry::rights::{self, ExportFilter, Format, Identity, RetentionRule, Source};
use consentry::{receipt, subject, Error};

use super::args::{
    Cli, DocFormat, EraseArgs, ExportAccessArgs, ExportArgs, ImportArgs, ReceiptCommand, RetentionCommand, SubjectArgs,
    SubjectCommand, SubjectKeyOnly, SuppressionArgs,
};
use super::output;
use super::{subject_key, with_session, Failure};

/// Writes a document to `--output` (a new file, mode 0600) or to standard output.
fn emit(content: &str, to: Option<&Path>) -> Result<(), Error> {
    match to {
        None => {
            output::document(content);
            Ok(())
        }
        Some(path) => {
            consentry::files::write_new(path, content.as_bytes())?;
            output::wrote(path);
            Ok(())
        }
    }
}

pub(crate) fn subject_cmd(cli: &Cli, cmd: &SubjectCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        SubjectCommand::Search { query, limit } => subject_search(cli, query, *limit, json),
        SubjectCommand::Show(a) => subject_show(cli, a, json),
        SubjectCommand::Confirm { id, contact } => {
            let matches = with_session(cli, |s| subject::confirm(s, &id.as_str().into(), contact))?;
            if json {
                output::print_json(&serde_json::json!({ "matches": matches }));
            } else {
                println!(
                    "{}",
                    if matches { "yes: this is their record" } else { "no: not the e-mail or phone of this record" }
                );
            }
            Ok(())
        }
        SubjectCommand::Reveal(a) => subject_reveal(cli, a, json),
        SubjectCommand::Withdraw(a) => super::withdraw(cli, a, json),
        SubjectCommand::Erase(a) => subject_erase(cli, a, json),
        SubjectCommand::ExportAccess(a) => export_access(cli, a),
    }
}

fn subject_search(cli: &Cli, query: &str, limit: usize, json: bool) -> Result<(), Failure> {
    let found = with_session(cli, |s| subject::search(s, query, limit))?;
    output::search_results(query, &found, json);
    Ok(())
}

/// `subject show`: the history, then (without `--json`) the status, each its own session.
fn subject_show(cli: &Cli, a: &SubjectKeyOnly, json: bool) -> Result<(), Failure> {
    super::history(cli, &SubjectArgs { key: clone_key(&a.key), reveal: false }, json)?;
    if !json {
        super::status(cli, &SubjectArgs { key: clone_key(&a.key), reveal: false }, false)?;
    }
    Ok(())
}

fn subject_reveal(cli: &Cli, a: &SubjectKeyOnly, json: bool) -> Result<(), Failure> {
    let key = subject_key(&a.key)?;
    let shown = with_session(cli, |s| subject::reveal(s, &key))?;
    output::revealed(&shown, json);
    Ok(())
}

fn subject_erase(cli: &Cli, a: &EraseArgs, json: bool) -> Result<(), Failure> {
    if !a.yes {
        return Err(Error::usage(
            "Erasure removes the person's name, email, phone and company for good.",
            "Run it again with --yes to confirm.",
        )
        .into());
    }
    let key = subject_key(&a.key)?;
    let channel = a.channel;
    let erased = with_session(cli, |s| rights::erase(s, &key, channel, &a.note))?;
    output::erased(&erased, json);
    Ok(())
}

fn clone_key(k: &super::args::SubjectKeyArgs) -> super::args::SubjectKeyArgs {
    super::args::SubjectKeyArgs { subject: k.subject.clone(), email: k.email.clone(), phone: k.phone.clone() }
}

fn export_access(cli: &Cli, a: &ExportAccessArgs) -> Result<(), Failure> {
    let key = subject_key(&a.key)?;
    let html = a.format == DocFormat::Html;
    let report = with_session(cli, |s| rights::access_report(s, &key))?;
    let doc = if html { rights::access::to_html(&report) } else { rights::access::to_json(&report) };
    emit(&doc, a.output.as_deref())?;
    Ok(())
}

/// `--excel` as a step on the document: a byte-order mark before CSV; refused with JSON.
fn for_excel(excel: bool, format: Format) -> Result<fn(String) -> String, Failure> {
    match (excel, format) {
        (false, _) => Ok(|doc| doc),
        (true, Format::Csv) => Ok(rights::csv::for_excel),
        (true, Format::Json) => Err(Error::usage(
            "--excel applies to CSV files; this export is JSON.",
            "Leave out --excel, or pass --format csv.",
        )
        .into()),
    }
}

pub(crate) fn suppression(cli: &Cli, a: &SuppressionArgs) -> Result<(), Failure> {
    let format = a.format;
    let identity = if a.hash_emails {
        Identity::Hashed
    } else if a.masked {
        Identity::Masked
    } else {
        Identity::Plain
    };
    let excel = for_excel(a.excel, format)?;
    let doc = with_session(cli, |s| rights::suppression_list(s, format, identity, a.purpose.as_deref()))?;
    emit(&excel(doc), a.output.as_deref())?;
    Ok(())
}

pub(crate) fn export(cli: &Cli, a: &ExportArgs) -> Result<(), Failure> {
    let (format, identity, states) = (a.format, a.identity, a.statuses.clone());
    let excel = for_excel(a.excel, format)?;
    let mut sources: Vec<Source> = a.methods.iter().copied().map(Source::Method).collect();
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
    emit(&excel(doc), a.output.as_deref())?;
    Ok(())
}

pub(crate) fn import(cli: &Cli, a: &ImportArgs, json: bool) -> Result<(), Failure> {
    let provenance = a.provenance;
    let bytes = rights::read_import_file(&a.file)?;
    let report = with_session(cli, |s| rights::import_consents(s, &bytes, provenance))?;
    output::import_report(&report, json);
    if report.committed() {
        Ok(())
    } else {
        Err(Failure::ImportRefused)
    }
}

pub(crate) fn retention_cmd(cli: &Cli, cmd: &RetentionCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        RetentionCommand::Set { purpose, review_days, delete_days } => {
            retention_set(cli, purpose, *review_days, *delete_days, json)
        }
        RetentionCommand::List => retention_list(cli, json),
        RetentionCommand::Due => retention_due(cli, json),
    }
}

fn retention_set(
    cli: &Cli,
    purpose: &str,
    review_days: Option<u32>,
    delete_days: Option<u32>,
    json: bool,
) -> Result<(), Failure> {
    let rule = RetentionRule { purpose: purpose.to_string(), review_days, delete_days };
    with_session(cli, |s| rights::set_rule(s, &rule))?;
    output::retention_set(&rule, json);
    Ok(())
}

fn retention_list(cli: &Cli, json: bool) -> Result<(), Failure> {
    let rules = with_session(cli, rights::rules)?;
    output::retention_rules(&rules, json);
    Ok(())
}

fn retention_due(cli: &Cli, json: bool) -> Result<(), Failure> {
    let due = with_session(cli, rights::due)?;
    output::retention_due(&due, json);
    Ok(())
}

pub(crate) fn receipt_cmd(cli: &Cli, cmd: &ReceiptCommand) -> Result<(), Failure> {
    match cmd {
        ReceiptCommand::Show { id, format, output } => receipt_show(cli, id, *format, output.as_deref()),
        ReceiptCommand::Print { id, printer } => receipt_print(cli, id, printer.as_deref()),
        ReceiptCommand::SetPrinter { device, clear } => {
            let device = if *clear { None } else { device.as_deref() };
            with_session(cli, |s| consentry::settings::set_receipt_printer(s, device))?;
            Ok(())
        }
    }
}

fn receipt_print(cli: &Cli, id: &str, printer: Option<&Path>) -> Result<(), Failure> {
    with_session(cli, |s| {
        let device = match printer {
            Some(p) => p.to_path_buf(),
            None => consentry::settings::receipt_printer(s)?.ok_or_else(|| {
                Error::usage(
                    "No receipt printer is set.".to_string(),
                    "Give --printer /dev/usb/lp0, or set one with `consentry receipt set-printer DEVICE`.",
                )
            })?,
        };
        let doc = receipt::print::print(s, id)?;
        receipt::print::to_thermal_printer(&doc, &device)
    })?;
    Ok(())
}

fn receipt_show(cli: &Cli, id: &str, format: DocFormat, output: Option<&Path>) -> Result<(), Failure> {
    let html = format == DocFormat::Html;
    let r = with_session(cli, |s| receipt::show(s, id))?;
    let doc = if html {
        receipt::to_html(&r)
    } else {
        let mut s = serde_json::to_string_pretty(&receipt::to_json(&r)).unwrap_or_default();
        s.push('\n');
        s
    };
    emit(&doc, output)?;
    Ok(())
}
