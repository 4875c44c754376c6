//! `consentry event …`: events (trade shows), their kiosk form, and recording a paper form
//! collected at the stand.

use clap::Subcommand;
use consentry::capture::{self, EventInput, FieldRule, PersonField, Submission};
use consentry::ledger::Method;
use consentry::notice::{markdown, Language};
use consentry::subject::SubjectInput;
use consentry::Error;
use serde::Serialize;

use super::output::{pad, print_json};
use super::{parse_time, with_session, Cli, Failure};

#[derive(Subcommand, Debug)]
pub enum EventCommand {
    /// Create an event (marketer, admin).
    Create {
        /// Its name, such as "Shanghai Auto Show 2026".
        #[arg(long)]
        name: String,
        /// Where it takes place.
        #[arg(long)]
        venue: String,
        /// First day (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last day (YYYY-MM-DD).
        #[arg(long)]
        to: String,
        /// The notice shown, and its approved version: NAME or NAME@N (the newest approved if no N).
        #[arg(long)]
        notice: String,
        /// Languages offered, first is the default: zh-CN, en or zh-CN,en.
        #[arg(long, default_value = "zh-CN,en")]
        languages: String,
        /// Person fields collected; `!` marks a required one.
        #[arg(long, default_value = "name!,email!,phone,company,job_title")]
        fields: String,
        /// This device's name at the stand.
        #[arg(long)]
        device: String,
        /// Seconds without a touch before the kiosk form resets.
        #[arg(long, default_value_t = 60)]
        idle_reset: u32,
        /// Offer a signature pad on the kiosk.
        #[arg(long)]
        signature: bool,
    },
    /// List events.
    List,
    /// Close an event: its kiosk stops taking people.
    Close {
        /// Event id.
        id: String,
    },
    /// Print the form an event's kiosk shows.
    Form {
        /// Event id.
        id: String,
        /// zh-CN or en (the event's first language if omitted).
        #[arg(long)]
        language: Option<String>,
    },
    /// Record a paper form collected at the stand (marketer): a grant for each ticked box, a
    /// refusal for each box left empty.
    Paper {
        /// Event id.
        id: String,
        /// The reference of the scanned form.
        #[arg(long)]
        scan: String,
        /// The language of the form the person signed.
        #[arg(long)]
        language: Option<String>,
        /// Box ids ticked on the form (see `event form`); repeat for several.
        #[arg(long = "tick")]
        ticked: Vec<String>,
        /// Name.
        #[arg(long)]
        name: Option<String>,
        /// Email.
        #[arg(long)]
        email: Option<String>,
        /// Phone.
        #[arg(long)]
        phone: Option<String>,
        /// Company.
        #[arg(long)]
        company: Option<String>,
        /// Job title.
        #[arg(long)]
        job_title: Option<String>,
        /// The person is under 14; their guardian signed (give --guardian).
        #[arg(long)]
        under_14: bool,
        /// The guardian's name.
        #[arg(long)]
        guardian: Option<String>,
        /// When it was signed (RFC 3339); now if omitted.
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Serialize)]
struct EventJson {
    id: String,
    name: String,
    venue: String,
    starts_on: String,
    ends_on: String,
    notice: String,
    notice_number: i64,
    languages: Vec<&'static str>,
    fields: Vec<String>,
    device: String,
    idle_reset_s: u32,
    signature: bool,
    closed: bool,
    captures: i64,
}

fn event_json(e: &capture::Event) -> EventJson {
    EventJson {
        id: e.id.clone(),
        name: e.input.name.clone(),
        venue: e.input.venue.clone(),
        starts_on: e.input.starts_on.clone(),
        ends_on: e.input.ends_on.clone(),
        notice: e.input.notice.clone(),
        notice_number: e.input.notice_number,
        languages: e.input.languages.iter().map(|l| l.as_str()).collect(),
        fields: e.input.fields.iter().map(|f| format!("{}{}", f.field, if f.required { "!" } else { "" })).collect(),
        device: e.input.device_name.clone(),
        idle_reset_s: e.input.idle_reset_s,
        signature: e.input.signature,
        closed: e.closed_at_ms.is_some(),
        captures: e.captures,
    }
}

fn parse_fields(s: &str) -> Result<Vec<FieldRule>, Error> {
    s.split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .map(|f| Ok(FieldRule { field: f.trim_end_matches('!').parse::<PersonField>()?, required: f.ends_with('!') }))
        .collect()
}

fn print_event(e: &capture::Event, json: bool) {
    if json {
        print_json(&event_json(e));
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

pub fn run(cli: &Cli, cmd: &EventCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        EventCommand::Create { name, venue, from, to, notice, languages, fields, device, idle_reset, signature } => {
            let languages = languages.split(',').map(Language::parse_tag).collect::<Result<Vec<_>, _>>()?;
            let fields = parse_fields(fields)?;
            let e = with_session(cli, |s| {
                let (notice, number) = match notice.split_once('@') {
                    Some((n, v)) => (
                        n.to_string(),
                        v.parse::<i64>().map_err(|_| {
                            Error::invalid(
                                format!("\"{v}\" is not a version number."),
                                "Write NAME@N, such as trade-show-2026@1.",
                            )
                        })?,
                    ),
                    None => {
                        let approved = consentry::notice::workflow::approved(s)?;
                        let v = approved.iter().find(|v| v.notice == *notice).ok_or_else(|| {
                            Error::invalid(
                                format!("Notice \"{notice}\" has no approved version."),
                                "Ask legal to approve one, or name another notice.",
                            )
                        })?;
                        (notice.clone(), v.number)
                    }
                };
                let input = EventInput {
                    name: name.clone(),
                    venue: venue.clone(),
                    starts_on: from.clone(),
                    ends_on: to.clone(),
                    notice,
                    notice_number: number,
                    languages,
                    fields,
                    device_name: device.clone(),
                    idle_reset_s: *idle_reset,
                    signature: *signature,
                };
                capture::create_event(s, &input)
            })?;
            print_event(&e, json);
        }
        EventCommand::List => {
            let list = with_session(cli, capture::list_events)?;
            if json {
                print_json(&list.iter().map(event_json).collect::<Vec<_>>());
            } else if list.is_empty() {
                println!("No events yet. Create one with `consentry event create --name … --venue … --from … --to … --notice NAME --device …`.");
            } else {
                for e in &list {
                    print_event(e, false);
                }
            }
        }
        EventCommand::Close { id } => {
            let e = with_session(cli, |s| capture::close_event(s, id))?;
            print_event(&e, json);
        }
        EventCommand::Form { id, language } => {
            let language = language.as_deref().map(Language::parse_tag).transpose()?;
            let k = with_session(cli, |s| capture::form(s, id, language))?;
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
        EventCommand::Paper {
            id,
            scan,
            language,
            ticked,
            name,
            email,
            phone,
            company,
            job_title,
            under_14,
            guardian,
            at,
        } => {
            let sub = Submission {
                event_id: id.clone(),
                language: language.as_deref().map(Language::parse_tag).transpose()?,
                person: SubjectInput {
                    name: name.clone(),
                    email: email.clone(),
                    phone: phone.clone(),
                    company: company.clone(),
                },
                job_title: job_title.clone(),
                ticked: ticked.clone(),
                under_14: *under_14,
                guardian_name: guardian.clone(),
                guardian_confirmed: *under_14 && guardian.is_some(),
                signature_png: None,
                method: Some(Method::Paper),
                paper_ref: Some(scan.clone()),
                captured_at: parse_time(at.as_deref())?,
            };
            let r = with_session(cli, |s| capture::submit(s, &sub))?;
            super::print_recorded(&r.recorded, json);
        }
    }
    Ok(())
}
