//! The `consentry` command line: each subcommand parses its arguments, makes one engine
//! call and prints the result. No SQL and no business rules live here.

mod args;
mod authoring;
mod events;
mod output;
mod rights;
mod secrets;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use consentry::ledger::{self, Capture, EventKind, Method, Withdrawal};
use consentry::notice::{self, Language};
use consentry::purpose::{self, DataCategory, Purpose};
use consentry::subject::{SubjectInput, SubjectKey};
use consentry::vault::{NewVault, VaultPaths};
use consentry::{operator, verify, Error, Session, SystemClock};

use args::{
    CaptureArgs, CategoryCommand, Cli, Command, NoticeCommand, OperatorCommand, PurposeCommand, SubjectArgs,
    SubjectKeyArgs,
};
use output::*;

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
            if json {
                let body = ErrorJson { error: ErrorBody { kind: e.kind(), message: e.to_string() } };
                match serde_json::to_string(&body) {
                    Ok(s) => eprintln!("{s}"),
                    Err(_) => eprintln!("error: {e}"),
                }
            } else {
                eprintln!("error: {e}");
            }
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
        Error::PermissionDenied { .. } => 5,
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
        Error::invalid("Who are you? No operator was named.", "Pass --operator NAME (or set CONSENTRY_OPERATOR).")
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
        Command::Passwd => {
            let name = operator_name(&cli)?;
            let current = secrets::passphrase(&name)?;
            let mut session = consentry::Session::unlock(&vault_paths(&cli)?, &name, &current, Arc::new(SystemClock))?;
            let changed = secrets::new_passphrase(&name).and_then(|new| session.change_passphrase(&current, &new));
            session.lock()?;
            changed?;
            eprintln!("Passphrase changed. The old one no longer opens the vault.");
            Ok(())
        }
        Command::Recover => {
            let paths = vault_paths(&cli)?;
            let name = operator_name(&cli)?;
            let key = secrets::recovery_key()?;
            let new = secrets::new_passphrase(&name)?;
            consentry::Session::recover(&paths, &key, &name, &new, Arc::new(SystemClock))?.lock()?;
            eprintln!("New passphrase set for {name}. Keep the recovery key safe: it still works.");
            Ok(())
        }
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
        Command::Verify => {
            let report = with_session(&cli, verify::verify)?;
            if json {
                print_json(&VerifyJson::from(&report));
            } else if report.is_intact() {
                println!(
                    "Intact: {} consent events on {} device chain(s) and {} audit entries verify.",
                    report.events_checked, report.devices, report.audit_entries_checked
                );
            } else {
                println!("BROKEN: the vault's records were changed outside Consentry.");
                for p in &report.problems {
                    println!("  - {}", p.message);
                }
            }
            if report.is_intact() {
                Ok(())
            } else {
                Err(Failure::VerifyFailed)
            }
        }
        Command::Subject(cmd) => rights::subject_cmd(&cli, cmd, json),
        Command::Suppression(a) => rights::suppression(&cli, a),
        Command::Export(a) => rights::export(&cli, a),
        Command::Import(a) => rights::import(&cli, a, json),
        Command::Retention(cmd) => rights::retention_cmd(&cli, cmd, json),
        Command::Receipt(cmd) => rights::receipt_cmd(&cli, cmd),
        Command::Audit { limit } => {
            let entries = with_session(&cli, |s| s.audit_log(*limit))?;
            if json {
                print_json(&entries.iter().map(AuditJson::from).collect::<Vec<_>>());
            } else {
                for e in &entries {
                    println!(
                        "{:>6}  {}  {}  {}  {}  {}",
                        e.seq,
                        e.at.to_rfc3339(),
                        pad(&e.actor_name, 12),
                        pad(&e.action, 26),
                        e.target,
                        e.detail
                    );
                }
            }
            Ok(())
        }
    }
}

fn withdraw(cli: &Cli, a: &args::WithdrawArgs, json: bool) -> Result<(), Failure> {
    let wd = Withdrawal {
        subject: subject_key(&a.key)?,
        purposes: if a.all { Vec::new() } else { a.purposes.clone() },
        method: a.channel.parse()?,
        evidence: a.note.clone(),
        at: parse_time(a.at.as_deref())?,
    };
    let recorded = with_session(cli, |s| ledger::record_withdrawal(s, &wd))?;
    print_recorded(&recorded, json);
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
    if cli.json {
        print_json(&InitJson {
            vault: paths.db.display().to_string(),
            admin: admin_name,
            device_id,
            recovery_key: shown.to_string(),
        });
    } else {
        println!("Created vault {} with administrator {admin_name}.", paths.db.display());
        println!();
        println!("Recovery key (shown once; write it down and keep it apart from this computer):");
        println!();
        println!("    {}", shown.as_str());
        println!();
        println!("It sets a new passphrase with `consentry recover` if one is forgotten.");
    }
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
        OperatorCommand::Add { name, role } => {
            let role = role.parse()?;
            let op = with_session(cli, |s| {
                let pass = secrets::new_passphrase(name)?;
                operator::add(s, name, role, &pass)
            })?;
            if json {
                print_json(&OperatorJson::from(&op));
            } else {
                println!("Added {} as {}.", op.name, op.role);
            }
        }
        OperatorCommand::List => {
            let ops = with_session(cli, operator::list)?;
            if json {
                print_json(&ops.iter().map(OperatorJson::from).collect::<Vec<_>>());
            } else {
                for o in &ops {
                    println!(
                        "{}  {}  {}",
                        pad(&o.name, 20),
                        pad(o.role.as_str(), 9),
                        if o.disabled { "disabled" } else { "active" }
                    );
                }
            }
        }
        OperatorCommand::Disable { name } => {
            with_session(cli, |s| operator::disable(s, name))?;
            eprintln!("Disabled {name}: their passphrase no longer opens the vault.");
        }
        OperatorCommand::Reset { name } => {
            with_session(cli, |s| {
                let pass = secrets::new_passphrase(name)?;
                operator::reset(s, name, &pass)
            })?;
            eprintln!("New passphrase set for {name}.");
        }
    }
    Ok(())
}

fn purpose_cmd(cli: &Cli, cmd: &PurposeCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        PurposeCommand::Add { code, zh, en, basis, necessary, separate, dpv } => {
            let p = Purpose {
                code: code.clone(),
                name_zh: zh.clone(),
                name_en: en.clone(),
                legal_basis: basis.parse()?,
                necessary: *necessary,
                separate_consent: separate.as_deref().map(str::parse).transpose()?,
                dpv: dpv.clone(),
            };
            let p = with_session(cli, |s| purpose::add_purpose(s, &p))?;
            if json {
                print_json(&PurposeJson::from(&p));
            } else {
                println!("Added purpose {} ({} / {}).", p.code, p.name_zh, p.name_en);
            }
        }
        PurposeCommand::List => {
            let list = with_session(cli, purpose::list_purposes)?;
            if json {
                print_json(&list.iter().map(PurposeJson::from).collect::<Vec<_>>());
            } else if list.is_empty() {
                println!("No purposes yet. Add one with `consentry purpose add CODE --zh 名称 --en Name`.");
            } else {
                for p in &list {
                    println!(
                        "{}  {}  {}  {}  {}{}",
                        pad(&p.code, 22),
                        pad(&p.name_zh, 16),
                        pad(&p.name_en, 26),
                        pad(p.legal_basis.as_str(), 18),
                        if p.necessary { "necessary" } else { "optional" },
                        p.separate_consent.map(|s| format!("  separate: {s}")).unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(())
}

fn category_cmd(cli: &Cli, cmd: &CategoryCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        CategoryCommand::Add { code, zh, en, sensitive } => {
            let c = DataCategory {
                code: code.clone(),
                name_zh: zh.clone(),
                name_en: en.clone(),
                sensitive: sensitive.as_deref().map(str::parse).transpose()?,
            };
            let c = with_session(cli, |s| purpose::add_category(s, &c))?;
            if json {
                print_json(&CategoryJson::from(&c));
            } else {
                println!("Added data category {} ({} / {}).", c.code, c.name_zh, c.name_en);
            }
        }
        CategoryCommand::List => {
            let list = with_session(cli, purpose::list_categories)?;
            if json {
                print_json(&list.iter().map(CategoryJson::from).collect::<Vec<_>>());
            } else if list.is_empty() {
                println!("No data categories yet. Add one with `consentry category add CODE --zh 名称 --en Name`.");
            } else {
                for c in &list {
                    println!(
                        "{}  {}  {}  {}",
                        pad(&c.code, 22),
                        pad(&c.name_zh, 16),
                        pad(&c.name_en, 26),
                        c.sensitive.map(|s| format!("sensitive: {s}")).unwrap_or_default()
                    );
                }
            }
        }
    }
    Ok(())
}

fn read_text(path: &Path, what: &str) -> Result<String, Error> {
    let bytes = std::fs::read(path).map_err(|e| {
        Error::invalid(format!("Could not read the {what} {} ({e}).", path.display()), "Check the path.")
    })?;
    String::from_utf8(bytes).map_err(|_| {
        Error::invalid(format!("The {what} {} is not UTF-8 text.", path.display()), "Save it as UTF-8 and try again.")
    })
}

fn notice_cmd(cli: &Cli, cmd: &NoticeCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        NoticeCommand::Authoring(cmd) => return authoring::run(cli, cmd, json),
        NoticeCommand::Register { file, language, title, profile } => {
            let body = read_text(file, "notice file")?;
            let profile = profile.as_deref().map(|p| read_text(p, "profile file")).transpose()?;
            let language = Language::parse_tag(language)?;
            let v = with_session(cli, |s| notice::register(s, title, language, &body, profile.as_deref()))?;
            if json {
                print_json(&NoticeJson::new(&v, false));
            } else {
                println!("Registered \"{}\" ({}), approved.\nhash {}", v.title, v.language, v.hash);
            }
        }
        NoticeCommand::List => {
            let list = with_session(cli, notice::list)?;
            if json {
                print_json(&list.iter().map(|v| NoticeJson::new(v, false)).collect::<Vec<_>>());
            } else if list.is_empty() {
                println!("No notice versions yet. Register one with `consentry notice register --file F --language zh-CN --title T`.");
            } else {
                for v in &list {
                    println!("{}  {}  {}  {}", short(&v.hash), pad(v.language.as_str(), 5), pad(&v.state, 9), v.title);
                }
            }
        }
        NoticeCommand::Show { key } => {
            let v = with_session(cli, |s| notice::find(s, key))?;
            if json {
                print_json(&NoticeJson::new(&v, true));
            } else {
                println!(
                    "{}\n{} · {} · {}\nhash {}\n\n{}",
                    v.title,
                    v.language,
                    v.state,
                    v.created_at.to_rfc3339(),
                    v.hash,
                    v.body
                );
            }
        }
    }
    Ok(())
}

fn parse_time(at: Option<&str>) -> Result<Option<chrono::DateTime<chrono::FixedOffset>>, Error> {
    at.map(|t| {
        chrono::DateTime::parse_from_rfc3339(t.trim()).map_err(|_| {
            Error::invalid(
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
        language: a.language.as_deref().map(Language::parse_tag).transpose()?,
        method: a.method.parse::<Method>()?,
        evidence: a.evidence.clone(),
        captured_at: parse_time(a.at.as_deref())?,
    };
    let recorded = with_session(cli, |s| ledger::record_capture(s, &c))?;
    print_recorded(&recorded, json);
    Ok(())
}

fn print_recorded(r: &ledger::Recorded, json: bool) {
    if json {
        print_json(&RecordedJson::from(r));
    } else {
        for e in &r.events {
            println!(
                "Recorded {} of {} for person {} (event {}, seq {}).",
                e.kind, e.purpose, r.subject_id, e.id, e.seq
            );
        }
        println!("Receipt {} (consentry receipt show {} --format html).", r.receipt_id, r.receipt_id);
    }
}

fn subject_key(k: &SubjectKeyArgs) -> Result<SubjectKey, Error> {
    match (&k.subject, &k.email, &k.phone) {
        (Some(id), _, _) => Ok(SubjectKey::Id(id.clone())),
        (_, Some(e), _) => Ok(SubjectKey::Email(e.clone())),
        (_, _, Some(p)) => Ok(SubjectKey::Phone(p.clone())),
        _ => Err(Error::invalid("No person was named.", "Pass --subject ID, --email or --phone.")),
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
    if json {
        print_json(&StatusJson::from(&st));
        return Ok(());
    }
    print_subject(&st.subject);
    if st.purposes.is_empty() {
        println!("No consent events for this person yet.");
    }
    for p in &st.purposes {
        println!(
            "  {}  {}  since {}  notice {}",
            pad(&p.purpose, 22),
            pad(p.state.as_str(), 9),
            p.since.to_rfc3339(),
            p.notice_hash.as_deref().map(short).unwrap_or("-")
        );
    }
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
    if json {
        print_json(&HistoryJson { subject: (&subject).into(), events: events.iter().map(EventJson::from).collect() });
        return Ok(());
    }
    print_subject(&subject);
    for e in &events {
        println!(
            "  {}  {}  {}  via {}  notice {}  {}",
            e.captured_at.to_rfc3339(),
            pad(e.kind.as_str(), 8),
            pad(&e.purpose, 22),
            pad(e.method.as_str(), 9),
            e.notice_hash.as_deref().map(short).unwrap_or("-"),
            e.evidence
        );
    }
    Ok(())
}

fn print_subject(s: &consentry::subject::SubjectView) {
    let parts: Vec<&str> = [&s.name, &s.email, &s.phone, &s.company].iter().filter_map(|v| v.as_deref()).collect();
    println!("Person {}  {}{}", s.id, parts.join("  "), if s.masked { "  (masked)" } else { "" });
}
