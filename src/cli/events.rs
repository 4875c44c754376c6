//! `consentry event …`: events (trade shows), their kiosk form, and recording a paper form
//! collected at the stand.

use clap::{Args, Subcommand};
use consentry::capture::{self, EventInput, FieldRule, PersonField, Submission};
use consentry::domain::EventId;
use consentry::ledger::Method;
use consentry::notice::Language;
use consentry::subject::SubjectInput;
use consentry::{Error, Session};

use super::output;
use super::{parse_time, with_session, Cli, Failure};

#[derive(Subcommand, Debug)]
pub enum EventCommand {
    /// Create an event (marketer, admin).
    Create(CreateArgs),
    /// List events.
    List,
    /// Close an event: its kiosk stops taking people.
    Close {
        /// Event id.
        id: String,
    },
    /// Reopen a closed event (admin): its kiosk takes people again.
    Reopen {
        /// Event id.
        id: String,
    },
    /// An event's figures: people per day and device, answers per purpose, withdrawals since
    /// (admin, legal, marketer).
    Stats {
        /// Event id.
        id: String,
    },
    /// Show another approved version of the event's notice at its kiosk from now on
    /// (marketer, admin): the switch when a newer version needs fresh consent.
    SwitchNotice {
        /// Event id.
        id: String,
        /// The approved version's number.
        #[arg(long)]
        version: i64,
    },
    /// Print the form an event's kiosk shows.
    Form {
        /// Event id.
        id: String,
        /// zh-CN or en (the event's first language if omitted).
        #[arg(long, value_parser = Language::parse_tag)]
        language: Option<Language>,
    },
    /// Record a paper form collected at the stand (marketer): a grant for each ticked box, a
    /// refusal for each box left empty.
    Paper(PaperArgs),
}

pub fn run(cli: &Cli, cmd: &EventCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        EventCommand::Create(a) => create(cli, a, json),
        EventCommand::List => list(cli, json),
        EventCommand::Close { id } => close(cli, id, json),
        EventCommand::Reopen { id } => reopen(cli, id, json),
        EventCommand::Stats { id } => {
            let s = with_session(cli, |s| capture::stats::stats(s, &EventId::new(id.as_str())))?;
            output::event_stats(&s, json);
            Ok(())
        }
        EventCommand::SwitchNotice { id, version } => {
            let e = with_session(cli, |s| capture::stats::switch_notice(s, &EventId::new(id.as_str()), *version))?;
            output::trade_event(&e, json);
            Ok(())
        }
        EventCommand::Form { id, language } => form(cli, id, *language, json),
        EventCommand::Paper(a) => paper(cli, a, json),
    }
}

// `event create`: no doc comment here, so the subcommand keeps the variant's.
#[derive(Args, Debug)]
pub struct CreateArgs {
    /// Its name, such as "Shanghai Auto Show 2026".
    #[arg(long)]
    pub name: String,
    /// Where it takes place.
    #[arg(long)]
    pub venue: String,
    /// First day (YYYY-MM-DD).
    #[arg(long)]
    pub from: String,
    /// Last day (YYYY-MM-DD).
    #[arg(long)]
    pub to: String,
    /// The notice shown, and its approved version: NAME or NAME@N (the newest approved if no N).
    #[arg(long)]
    pub notice: String,
    /// Languages offered, first is the default: zh-CN, en or zh-CN,en.
    #[arg(long, default_value = "zh-CN,en")]
    pub languages: String,
    /// Person fields collected; `!` marks a required one.
    #[arg(long, default_value = "name!,email!,phone,company,job_title")]
    pub fields: String,
    /// This device's name at the stand.
    #[arg(long)]
    pub device: String,
    /// Seconds without a touch before the kiosk form resets.
    #[arg(long, default_value_t = 60)]
    pub idle_reset: u32,
    /// Offer a signature pad on the kiosk.
    #[arg(long)]
    pub signature: bool,
}

// `event paper`: no doc comment here, so the subcommand keeps the variant's.
#[derive(Args, Debug)]
pub struct PaperArgs {
    /// Event id.
    pub id: String,
    /// The reference of the scanned form.
    #[arg(long)]
    pub scan: String,
    /// The language of the form the person signed.
    #[arg(long, value_parser = Language::parse_tag)]
    pub language: Option<Language>,
    /// Box ids ticked on the form (see `event form`); repeat for several.
    #[arg(long = "tick")]
    pub ticked: Vec<String>,
    /// Name.
    #[arg(long)]
    pub name: Option<String>,
    /// Email.
    #[arg(long)]
    pub email: Option<String>,
    /// Phone.
    #[arg(long)]
    pub phone: Option<String>,
    /// Company.
    #[arg(long)]
    pub company: Option<String>,
    /// Job title.
    #[arg(long)]
    pub job_title: Option<String>,
    /// The person is under 14; their guardian signed (give --guardian).
    #[arg(long)]
    pub under_14: bool,
    /// The guardian's name.
    #[arg(long)]
    pub guardian: Option<String>,
    /// When it was signed (RFC 3339); now if omitted.
    #[arg(long)]
    pub at: Option<String>,
}

fn parse_fields(s: &str) -> Result<Vec<FieldRule>, Error> {
    s.split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| Ok(FieldRule { field: f.trim_end_matches('!').parse::<PersonField>()?, required: f.ends_with('!') }))
        .collect()
}

/// The notice version an event shows: `NAME@N`, or the newest approved version of `NAME`.
fn notice_version(s: &mut Session, notice: &str) -> Result<(String, i64), Error> {
    match notice.split_once('@') {
        Some((n, v)) => Ok((
            n.to_string(),
            v.parse::<i64>().map_err(|_| {
                Error::usage(format!("\"{v}\" is not a version number."), "Write NAME@N, such as trade-show-2026@1.")
            })?,
        )),
        None => {
            let approved = consentry::notice::workflow::approved(s)?;
            let v = approved.iter().find(|v| v.notice == notice).ok_or_else(|| {
                Error::usage(
                    format!("Notice \"{notice}\" has no approved version."),
                    "Ask legal to approve one, or name another notice.",
                )
            })?;
            Ok((notice.to_string(), v.number))
        }
    }
}

fn create(cli: &Cli, a: &CreateArgs, json: bool) -> Result<(), Failure> {
    let languages = a.languages.split(',').map(Language::parse_tag).collect::<Result<Vec<_>, _>>()?;
    let fields = parse_fields(&a.fields)?;
    let e = with_session(cli, |s| {
        let (notice, number) = notice_version(s, &a.notice)?;
        let input = EventInput {
            name: a.name.to_string(),
            venue: a.venue.to_string(),
            starts_on: a.from.to_string(),
            ends_on: a.to.to_string(),
            notice,
            notice_number: number,
            languages,
            fields,
            device_name: a.device.to_string(),
            idle_reset_s: a.idle_reset,
            signature: a.signature,
        };
        capture::create_event(s, &input)
    })?;
    output::trade_event(&e, json);
    Ok(())
}

fn list(cli: &Cli, json: bool) -> Result<(), Failure> {
    let list = with_session(cli, capture::list_events)?;
    output::trade_events(&list, json);
    Ok(())
}

fn close(cli: &Cli, id: &str, json: bool) -> Result<(), Failure> {
    let e = with_session(cli, |s| capture::close_event(s, &EventId::new(id)))?;
    output::trade_event(&e, json);
    Ok(())
}

fn reopen(cli: &Cli, id: &str, json: bool) -> Result<(), Failure> {
    let e = with_session(cli, |s| capture::reopen_event(s, &EventId::new(id)))?;
    output::trade_event(&e, json);
    Ok(())
}

fn form(cli: &Cli, id: &str, language: Option<Language>, json: bool) -> Result<(), Failure> {
    let k = with_session(cli, |s| capture::form(s, &EventId::new(id), language))?;
    output::kiosk_form(&k, json);
    Ok(())
}

fn paper(cli: &Cli, a: &PaperArgs, json: bool) -> Result<(), Failure> {
    let sub = Submission {
        event_id: EventId::new(a.id.as_str()),
        language: a.language,
        person: SubjectInput {
            name: a.name.clone(),
            email: a.email.clone(),
            phone: a.phone.clone(),
            company: a.company.clone(),
        },
        job_title: a.job_title.clone(),
        ticked: a.ticked.clone(),
        under_14: a.under_14,
        guardian_name: a.guardian.clone(),
        guardian_confirmed: a.under_14 && a.guardian.is_some(),
        signature_png: None,
        method: Some(Method::Paper),
        paper_ref: Some(a.scan.to_string()),
        captured_at: parse_time(a.at.as_deref())?,
    };
    let r = with_session(cli, |s| capture::submit(s, &sub))?;
    output::recorded(&r.recorded, json);
    Ok(())
}
