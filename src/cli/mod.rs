//! The `consentry` command line: each subcommand parses its arguments, makes one engine
//! call and prints the result. No SQL and no business rules live here.

mod args;
mod authoring;
mod events;
mod output;
mod rights;
mod secrets;
mod sync;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use consentry::ledger::{self, Capture, EventKind, Withdrawal};
use consentry::notice::{self, Language};
use consentry::purpose::{self, DataCategory, Purpose, SensitiveKind};
use consentry::subject::{SubjectInput, SubjectKey};
use consentry::vault::{NewVault, VaultPaths};
use consentry::{operator, verify, Error, Role, Session, SystemClock};

use args::{
    CaptureArgs, CategoryCommand, Cli, Command, NoticeCommand, OperatorCommand, PurposeAddArgs, PurposeCommand,
    SubjectArgs, SubjectKeyArgs,
};

/// What went wrong, as the process exit code.
enum Failure {
    Engine(Error),
    VerifyFailed,
    LintFailed,
    /// An import with bad rows: nothing was written; the report is printed.
    ImportRefused,
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Engine(e)
    }
}

pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("CONSENTRY_LOG").unwrap_or_else(|_| "off".into()))
        .with_writer(std::io::stderr)
        .init();
    let json = cli.json;
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::VerifyFailed) => ExitCode::from(4),
        Err(Failure::LintFailed) => ExitCode::from(6),
        Err(Failure::ImportRefused) => ExitCode::from(7),
        Err(Failure::Engine(e)) => {
            output::error(&e, json);
            ExitCode::from(exit_code(&e))
        }
    }
}

fn exit_code(e: &Error) -> u8 {
    match e {
        Error::WrongPassphrase { .. }
        | Error::WrongRecoveryKey { .. }
        | Error::UnknownOperator { .. }
        | Error::OperatorDisabled { .. } => 3,
        Error::PermissionDenied { .. } | Error::PersonalDataSealed => 5,
        _ => 1,
    }
}

fn vault_paths(cli: &Cli) -> Result<VaultPaths, Error> {
    match &cli.vault {
        Some(p) => Ok(VaultPaths::new(p)),
        None => VaultPaths::default_location(),
    }
}

fn operator_name(cli: &Cli) -> Result<String, Error> {
    cli.operator.clone().filter(|o| !o.trim().is_empty()).ok_or_else(|| {
        Error::usage("Who are you? No operator was named.", "Pass --operator NAME (or set CONSENTRY_OPERATOR).")
    })
}

fn unlock(cli: &Cli) -> Result<Session, Error> {
    let paths = vault_paths(cli)?;
    let name = operator_name(cli)?;
    if !paths.exists() {
        return Err(Error::VaultNotFound { path: paths.db });
    }
    let pass = secrets::passphrase(&name)?;
    consentry::Session::unlock(&paths, &name, &pass, Arc::new(SystemClock))
}

/// Runs `f` on an unlocked session, then locks it (recording the lock) whatever happened.
fn with_session<T>(cli: &Cli, f: impl FnOnce(&mut Session) -> Result<T, Error>) -> Result<T, Error> {
    let mut session = unlock(cli)?;
    let out = f(&mut session);
    let locked = session.lock();
    let out = out?;
    locked?;
    Ok(out)
}

fn dispatch(cli: Cli) -> Result<(), Failure> {
    let json = cli.json;
    match &cli.command {
        Command::Init { admin, device } => init(&cli, admin, device.as_deref()),
        Command::Passwd => passwd(&cli),
        Command::Recover => recover(&cli),
        Command::Operator(cmd) => operator_cmd(&cli, cmd, json),
        Command::Purpose(cmd) => purpose_cmd(&cli, cmd, json),
        Command::Category(cmd) => category_cmd(&cli, cmd, json),
        Command::Notice(cmd) => notice_cmd(&cli, cmd, json),
        Command::Event(cmd) => events::run(&cli, cmd, json),
        Command::Grant(a) => capture(&cli, a, EventKind::Grant, json),
        Command::Refuse(a) => capture(&cli, a, EventKind::Refuse, json),
        Command::Withdraw(a) => withdraw(&cli, a, json),
        Command::Status(a) => status(&cli, a, json),
        Command::History(a) => history(&cli, a, json),
        Command::Verify { restore_schema, new } => verify(&cli, *restore_schema, *new, json),
        Command::Subject(cmd) => rights::subject_cmd(&cli, cmd, json),
        Command::Suppression(a) => rights::suppression(&cli, a),
        Command::Export(a) => rights::export(&cli, a),
        Command::Import(a) => rights::import(&cli, a, json),
        Command::Retention(cmd) => rights::retention_cmd(&cli, cmd, json),
        Command::Receipt(cmd) => rights::receipt_cmd(&cli, cmd),
        Command::Audit { limit } => audit(&cli, *limit, json),
        Command::Backup { dir } => backup(&cli, dir, json),
        Command::Restore { backup } => restore(&cli, backup, json),
        Command::Org(cmd) => sync::org(&cli, cmd, json),
        Command::Bundle(cmd) => sync::bundle(&cli, cmd, json),
    }
}

fn passwd(cli: &Cli) -> Result<(), Failure> {
    let name = operator_name(cli)?;
    let current = secrets::passphrase(&name)?;
    let mut session = consentry::Session::unlock(&vault_paths(cli)?, &name, &current, Arc::new(SystemClock))?;
    let changed = secrets::new_passphrase(&name).and_then(|new| session.change_passphrase(&current, &new));
    session.lock()?;
    changed?;
    output::passphrase_changed();
    Ok(())
}

fn recover(cli: &Cli) -> Result<(), Failure> {
    let paths = vault_paths(cli)?;
    let name = operator_name(cli)?;
    let key = secrets::recovery_key()?;
    let new = secrets::new_passphrase(&name)?;
    consentry::Session::recover(&paths, &key, &name, &new, Arc::new(SystemClock))?.lock()?;
    output::recovered(&name);
    Ok(())
}

fn verify(cli: &Cli, restore_schema: bool, new: bool, json: bool) -> Result<(), Failure> {
    let report = with_session(cli, |s| {
        if restore_schema {
            let left = s.restore_schema()?;
            output::schema_restored(&left, json);
        }
        verify::verify(s, if new { verify::Scope::New } else { verify::Scope::Full })
    })?;
    output::verify_report(&report, json);
    if report.is_intact() {
        Ok(())
    } else {
        Err(Failure::VerifyFailed)
    }
}

fn backup(cli: &Cli, dir: &Path, json: bool) -> Result<(), Failure> {
    let b = with_session(cli, |s| consentry::backup::backup(s, dir))?;
    if json {
        output::print_json(&serde_json::json!({
            "db": b.db, "keys": b.keys, "events": b.events, "bytes": b.bytes
        }));
    } else {
        println!(
            "Backup written: {} and {} ({} consent events, {} KiB). Keep both files together, as safe as the vault.",
            b.db.display(),
            b.keys.display(),
            b.events,
            b.bytes / 1024
        );
    }
    Ok(())
}

fn restore(cli: &Cli, backup: &Path, json: bool) -> Result<(), Failure> {
    let target = vault_paths(cli)?;
    let name = operator_name(cli)?;
    let pass = secrets::passphrase(&name)?;
    let r = consentry::backup::restore(&VaultPaths::new(backup), &target, &name, &pass, Arc::new(SystemClock))?;
    if json {
        output::print_json(&serde_json::json!({ "events": r.events, "previous": r.previous }));
    } else {
        println!("Restored {} ({} consent events verify).", target.db.display(), r.events);
        if let Some(p) = &r.previous {
            println!("The vault it replaced was moved to {} (and its .keys).", p.display());
        }
    }
    Ok(())
}

fn audit(cli: &Cli, limit: usize, json: bool) -> Result<(), Failure> {
    let entries = with_session(cli, |s| s.audit_log(limit))?;
    output::audit_log(&entries, json);
    Ok(())
}

fn withdraw(cli: &Cli, a: &args::WithdrawArgs, json: bool) -> Result<(), Failure> {
    let wd = Withdrawal {
        subject: subject_key(&a.key)?,
        purposes: if a.all { Vec::new() } else { a.purposes.clone() },
        method: a.channel,
        evidence: a.note.clone(),
        at: parse_time(a.at.as_deref())?,
    };
    let recorded = with_session(cli, |s| ledger::record_withdrawal(s, &wd))?;
    output::recorded(&recorded, json);
    Ok(())
}

fn init(cli: &Cli, admin: &str, device: Option<&str>) -> Result<(), Failure> {
    let paths = vault_paths(cli)?;
    if paths.exists() {
        return Err(Error::VaultExists { path: paths.db }.into());
    }
    let pass = secrets::new_passphrase(admin)?;
    let device_name = device.map(str::to_string).unwrap_or_else(host_name);
    let (session, recovery) = consentry::Session::create(
        &paths,
        NewVault { admin_name: admin, passphrase: &pass, device_name: &device_name },
        Arc::new(SystemClock),
    )?;
    let device_id = session.device_id().to_string();
    let admin_name = session.operator().name.clone();
    session.lock()?;
    let shown = recovery.expose_display();
    output::vault_created(&paths.db, &admin_name, &device_id, shown.as_str(), cli.json);
    Ok(())
}

fn host_name() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "this computer".into())
}

fn operator_cmd(cli: &Cli, cmd: &OperatorCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        OperatorCommand::Add { name, role } => operator_add(cli, name, *role, json),
        OperatorCommand::List => operator_list(cli, json),
        OperatorCommand::Disable { name } => operator_disable(cli, name),
        OperatorCommand::Reset { name } => operator_reset(cli, name),
        OperatorCommand::RotateKeys => {
            let r = with_session(cli, operator::rotate_keys)?;
            if json {
                output::print_json(&serde_json::json!({ "data_key": true, "personal_data_key": r.personal_data_key }));
            } else if r.personal_data_key {
                println!(
                    "Keys rotated: the data key and the personal-data key. Back up the vault again (consentry backup)."
                );
            } else {
                println!("Data key rotated (headquarters keeps its personal-data key: its devices seal to it). Back up the vault again (consentry backup).");
            }
            Ok(())
        }
    }
}

fn operator_add(cli: &Cli, name: &str, role: Role, json: bool) -> Result<(), Failure> {
    let op = with_session(cli, |s| {
        // The role is checked before anyone is asked to type a passphrase for nothing.
        s.require(consentry::operator::Action::ManageOperators)?;
        let pass = secrets::new_passphrase(name)?;
        operator::add(s, name, role, &pass)
    })?;
    output::operator_added(&op, json);
    Ok(())
}

fn operator_list(cli: &Cli, json: bool) -> Result<(), Failure> {
    let ops = with_session(cli, operator::list)?;
    output::operators(&ops, json);
    Ok(())
}

fn operator_disable(cli: &Cli, name: &str) -> Result<(), Failure> {
    with_session(cli, |s| operator::disable(s, name))?;
    output::operator_disabled(name);
    Ok(())
}

fn operator_reset(cli: &Cli, name: &str) -> Result<(), Failure> {
    with_session(cli, |s| {
        s.require(consentry::operator::Action::ManageOperators)?;
        let pass = secrets::new_passphrase(name)?;
        operator::reset(s, name, &pass)
    })?;
    output::operator_reset(name);
    Ok(())
}

fn purpose_cmd(cli: &Cli, cmd: &PurposeCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        PurposeCommand::Add(a) => purpose_add(cli, a, json),
        PurposeCommand::List => purpose_list(cli, json),
    }
}

fn purpose_add(cli: &Cli, a: &PurposeAddArgs, json: bool) -> Result<(), Failure> {
    let p = Purpose {
        code: a.code.clone(),
        name_zh: a.zh.clone(),
        name_en: a.en.clone(),
        legal_basis: a.basis,
        necessary: a.necessary,
        separate_consent: a.separate,
        dpv: a.dpv.clone(),
    };
    let p = with_session(cli, |s| purpose::add_purpose(s, &p))?;
    output::purpose_added(&p, json);
    Ok(())
}

fn purpose_list(cli: &Cli, json: bool) -> Result<(), Failure> {
    let list = with_session(cli, purpose::list_purposes)?;
    output::purposes(&list, json);
    Ok(())
}

fn category_cmd(cli: &Cli, cmd: &CategoryCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        CategoryCommand::Add { code, zh, en, sensitive } => category_add(cli, code, zh, en, *sensitive, json),
        CategoryCommand::List => category_list(cli, json),
    }
}

fn category_add(
    cli: &Cli,
    code: &str,
    zh: &str,
    en: &str,
    sensitive: Option<SensitiveKind>,
    json: bool,
) -> Result<(), Failure> {
    let c = DataCategory { code: code.to_string(), name_zh: zh.to_string(), name_en: en.to_string(), sensitive };
    let c = with_session(cli, |s| purpose::add_category(s, &c))?;
    output::category_added(&c, json);
    Ok(())
}

fn category_list(cli: &Cli, json: bool) -> Result<(), Failure> {
    let list = with_session(cli, purpose::list_categories)?;
    output::categories(&list, json);
    Ok(())
}

fn read_text(path: &Path, what: &str) -> Result<String, Error> {
    // Notices, profiles, templates and catalogues are text of a few KiB; refuse a file that
    // is far larger (or never ends) without reading it all.
    const MAX_TEXT: u64 = 4 * 1024 * 1024;
    let bytes = consentry::files::read_at_most(path, MAX_TEXT, |n| {
        Error::usage(
            format!("The {what} {} is larger than 4 MiB ({n} bytes or more).", path.display()),
            "Check that this is the right file.",
        )
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Error::usage(format!("The {what} {} is not UTF-8 text.", path.display()), "Save it as UTF-8 and try again.")
    })
}

fn notice_cmd(cli: &Cli, cmd: &NoticeCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        NoticeCommand::Authoring(cmd) => authoring::run(cli, cmd, json),
        NoticeCommand::Register { file, language, title, profile } => {
            notice_register(cli, file, *language, title, profile.as_deref(), json)
        }
        NoticeCommand::List => notice_list(cli, json),
        NoticeCommand::Show { key } => notice_show(cli, key, json),
    }
}

fn notice_register(
    cli: &Cli,
    file: &Path,
    language: Language,
    title: &str,
    profile: Option<&Path>,
    json: bool,
) -> Result<(), Failure> {
    let body = read_text(file, "notice file")?;
    let profile = profile.map(|p| read_text(p, "profile file")).transpose()?;
    let v = with_session(cli, |s| notice::register(s, title, language, &body, profile.as_deref()))?;
    output::notice_registered(&v, json);
    Ok(())
}

fn notice_list(cli: &Cli, json: bool) -> Result<(), Failure> {
    let list = with_session(cli, notice::list)?;
    output::notice_versions(&list, json);
    Ok(())
}

fn notice_show(cli: &Cli, key: &str, json: bool) -> Result<(), Failure> {
    let v = with_session(cli, |s| notice::find(s, key))?;
    output::notice_version(&v, json);
    Ok(())
}

fn parse_time(at: Option<&str>) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>, Error> {
    at.map(|t| {
        chrono::DateTime::parse_from_rfc3339(t.trim()).map_err(|_| {
            Error::usage(
                format!("\"{t}\" is not a time Consentry can read."),
                "Use RFC 3339 with an offset, such as 2026-05-01T09:30:00+08:00.",
            )
        })
    })
    .transpose()
}

fn capture(cli: &Cli, a: &CaptureArgs, kind: EventKind, json: bool) -> Result<(), Failure> {
    let c = Capture {
        subject: SubjectInput {
            name: a.name.clone(),
            email: a.email.clone(),
            phone: a.phone.clone(),
            company: a.company.clone(),
        },
        choices: a.purposes.iter().map(|p| (p.clone(), kind)).collect(),
        notice: a.notice.clone(),
        language: a.language,
        method: a.method,
        evidence: a.evidence.clone(),
        captured_at: parse_time(a.at.as_deref())?,
    };
    let recorded = with_session(cli, |s| ledger::record_capture(s, &c))?;
    output::recorded(&recorded, json);
    Ok(())
}

fn subject_key(k: &SubjectKeyArgs) -> Result<SubjectKey, Error> {
    match (&k.subject, &k.email, &k.phone) {
        (Some(id), _, _) => Ok(SubjectKey::Id(id.as_str().into())),
        (_, Some(e), _) => Ok(SubjectKey::Email(e.clone())),
        (_, _, Some(p)) => Ok(SubjectKey::Phone(p.clone())),
        _ => Err(Error::usage("No person was named.", "Pass --subject ID, --email or --phone.")),
    }
}

fn status(cli: &Cli, a: &SubjectArgs, json: bool) -> Result<(), Failure> {
    let key = subject_key(&a.key)?;
    let st = with_session(cli, |s| {
        let mut st = ledger::status(s, &key)?;
        if a.reveal {
            st.subject = consentry::subject::reveal(s, &key)?;
        }
        Ok(st)
    })?;
    output::status(&st, json);
    Ok(())
}

fn history(cli: &Cli, a: &SubjectArgs, json: bool) -> Result<(), Failure> {
    let key = subject_key(&a.key)?;
    let (subject, events) = with_session(cli, |s| {
        let (mut subject, events) = ledger::history(s, &key)?;
        if a.reveal {
            subject = consentry::subject::reveal(s, &key)?;
        }
        Ok((subject, events))
    })?;
    output::history(&subject, &events, json);
    Ok(())
}
