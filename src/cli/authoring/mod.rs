//! `consentry notice …` for legal staff: processing profiles, templates and clauses,
//! drafting, lint, the review workflow, diff and the review packet. Each subcommand is one
//! function: its arguments become engine types, one engine call runs, `output` prints.

mod args;
mod json;
mod output;

use std::path::Path;

use consentry::notice::profile::{self, Bilingual, Profile};
use consentry::notice::template::{self, TemplateInput, TemplateKind};
use consentry::notice::workflow::{self, NewNotice, Rendered};
use consentry::notice::{diff, packet, Language};
use consentry::{Error, Session};

pub use args::{AuthoringCommand, ProfileCommand, Source, TemplateCommand};
use output::RenderFormat;

use super::{read_text, with_session, Cli, Failure};

/// The example profile printed by `notice profile example`.
const EXAMPLE_PROFILE: &str = include_str!("../../../examples/trade-show-2026.profile.json");

pub fn run(cli: &Cli, cmd: &AuthoringCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        AuthoringCommand::Profile(c) => profile_cmd(cli, c, json),
        AuthoringCommand::Template(c) => template_cmd(cli, c, json),
        AuthoringCommand::New { name, title_zh, title_en, profile, template } => {
            new(cli, name, title_zh, title_en, profile, template, json)
        }
        AuthoringCommand::Draft { name, profile, template } => {
            draft(cli, name, profile.as_deref(), template.as_deref(), json)
        }
        AuthoringCommand::Versions { name: Some(name), version } => show_version(cli, name, *version, json),
        AuthoringCommand::Versions { name: None, .. } => list_notices(cli, json),
        AuthoringCommand::Render { source, language, format } => render(cli, source, *language, *format),
        AuthoringCommand::Lint { source } => lint(cli, source, json),
        AuthoringCommand::Submit { name, comment } => submit(cli, name, comment, json),
        AuthoringCommand::Approve { name, comment } => approve(cli, name, comment, json),
        AuthoringCommand::Reject { name, comment } => reject(cli, name, comment, json),
        AuthoringCommand::Comment { name, text, version } => comment(cli, name, text, *version, json),
        AuthoringCommand::Retire { name, version, comment } => retire(cli, name, *version, comment, json),
        AuthoringCommand::Diff { name, from, to } => diff(cli, name, *from, *to, json),
        AuthoringCommand::Export { name, version, out } => export(cli, name, *version, out, json),
    }
}

fn profile_cmd(cli: &Cli, cmd: &ProfileCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        ProfileCommand::Set { file } => profile_set(cli, file, json),
        ProfileCommand::Show { name } => profile_show(cli, name),
        ProfileCommand::List => profile_list(cli, json),
        ProfileCommand::Example => profile_example(),
    }
}

fn template_cmd(cli: &Cli, cmd: &TemplateCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        TemplateCommand::List => template_list(cli, json),
        TemplateCommand::Show { name, language } => template_show(cli, name, *language),
        TemplateCommand::Set { name, kind, zh, en, title_zh, title_en } => {
            template_set(cli, name, *kind, zh, en, title_zh, title_en)
        }
        TemplateCommand::InstallStarter => template_install_starter(cli),
    }
}

fn profile_set(cli: &Cli, file: &Path, json: bool) -> Result<(), Failure> {
    let p = Profile::from_json(&read_text(file, "profile file")?)?;
    let r = with_session(cli, |s| profile::save(s, &p))?;
    output::profile_saved(&r, json);
    Ok(())
}

fn profile_show(cli: &Cli, name: &str) -> Result<(), Failure> {
    let r = with_session(cli, |s| profile::get(s, name))?;
    output::profile(&r);
    Ok(())
}

fn profile_list(cli: &Cli, json: bool) -> Result<(), Failure> {
    let list = with_session(cli, profile::list)?;
    output::profiles(&list, json);
    Ok(())
}

fn profile_example() -> Result<(), Failure> {
    output::example_profile(EXAMPLE_PROFILE);
    Ok(())
}

fn template_list(cli: &Cli, json: bool) -> Result<(), Failure> {
    let list = with_session(cli, template::list)?;
    output::templates(&list, json);
    Ok(())
}

fn template_show(cli: &Cli, name: &str, language: Language) -> Result<(), Failure> {
    let t = with_session(cli, |s| template::get(s, name))?;
    output::template_source(&t, language);
    Ok(())
}

fn template_set(
    cli: &Cli,
    name: &str,
    kind: TemplateKind,
    zh: &Path,
    en: &Path,
    title_zh: &str,
    title_en: &str,
) -> Result<(), Failure> {
    let input = TemplateInput {
        name: name.to_string(),
        kind,
        title_zh: title_zh.to_string(),
        title_en: title_en.to_string(),
        source_zh: read_text(zh, "Chinese template")?,
        source_en: read_text(en, "English template")?,
    };
    let t = with_session(cli, |s| template::save(s, &input))?;
    output::template_saved(&t);
    Ok(())
}

fn template_install_starter(cli: &Cli) -> Result<(), Failure> {
    let n = with_session(cli, template::install_starter)?;
    output::starter_installed(n);
    Ok(())
}

fn new(
    cli: &Cli,
    name: &str,
    title_zh: &str,
    title_en: &str,
    profile: &str,
    template: &str,
    json: bool,
) -> Result<(), Failure> {
    let n = NewNotice {
        name: name.to_string(),
        title: Bilingual { zh: title_zh.to_string(), en: title_en.to_string() },
        profile: profile.to_string(),
        template: template.to_string(),
    };
    let v = with_session(cli, |s| workflow::create(s, &n))?;
    output::version(&v, json);
    Ok(())
}

fn draft(cli: &Cli, name: &str, profile: Option<&str>, template: Option<&str>, json: bool) -> Result<(), Failure> {
    let v = with_session(cli, |s| workflow::draft(s, name, profile, template))?;
    output::version(&v, json);
    Ok(())
}

fn show_version(cli: &Cli, name: &str, version: Option<i64>, json: bool) -> Result<(), Failure> {
    let v = with_session(cli, |s| workflow::get(s, name, version))?;
    output::version(&v, json);
    Ok(())
}

fn list_notices(cli: &Cli, json: bool) -> Result<(), Failure> {
    let list = with_session(cli, workflow::list)?;
    output::notices(&list, json);
    Ok(())
}

/// The wording a `Source` names: a stored version, or a saved profile previewed with a template.
fn rendered(s: &mut Session, src: &Source) -> Result<Rendered, Error> {
    match (&src.notice, &src.profile, &src.template) {
        (Some(n), _, _) => workflow::get(s, n, src.version).map(|v| v.rendered),
        (None, Some(p), Some(t)) => {
            let p = profile::get(s, p)?;
            let title = Bilingual { zh: "预览".into(), en: "Preview".into() };
            workflow::preview(s, &p.profile, t, None, &title)
        }
        _ => Err(Error::usage("Nothing to render.", "Name a notice, or give --profile NAME --template NAME.")),
    }
}

fn render(cli: &Cli, source: &Source, language: Option<Language>, format: RenderFormat) -> Result<(), Failure> {
    let r = with_session(cli, |s| rendered(s, source))?;
    let langs = match language {
        Some(l) => vec![l],
        None => vec![Language::ZhCn, Language::En],
    };
    output::rendered(&r, &langs, format);
    Ok(())
}

fn lint(cli: &Cli, source: &Source, json: bool) -> Result<(), Failure> {
    let r = with_session(cli, |s| rendered(s, source))?;
    output::lint(&r.lint, json);
    if r.lint.errors() > 0 {
        return Err(Failure::LintFailed);
    }
    Ok(())
}

fn submit(cli: &Cli, name: &str, comment: &str, json: bool) -> Result<(), Failure> {
    let v = with_session(cli, |s| workflow::submit(s, name, comment))?;
    output::version(&v, json);
    Ok(())
}

fn approve(cli: &Cli, name: &str, comment: &str, json: bool) -> Result<(), Failure> {
    let v = with_session(cli, |s| workflow::approve(s, name, comment))?;
    output::version(&v, json);
    Ok(())
}

fn reject(cli: &Cli, name: &str, comment: &str, json: bool) -> Result<(), Failure> {
    let v = with_session(cli, |s| workflow::reject(s, name, comment))?;
    output::version(&v, json);
    Ok(())
}

fn comment(cli: &Cli, name: &str, text: &str, version: Option<i64>, json: bool) -> Result<(), Failure> {
    let v = with_session(cli, |s| workflow::comment(s, name, version, text))?;
    output::version(&v, json);
    Ok(())
}

fn retire(cli: &Cli, name: &str, version: i64, comment: &str, json: bool) -> Result<(), Failure> {
    let v = with_session(cli, |s| workflow::retire(s, name, version, comment))?;
    output::version(&v, json);
    Ok(())
}

fn diff(cli: &Cli, name: &str, from: i64, to: i64, json: bool) -> Result<(), Failure> {
    let d = with_session(cli, |s| diff::diff(s, name, from, to))?;
    output::diff(&d, json);
    Ok(())
}

fn export(cli: &Cli, name: &str, version: Option<i64>, out: &Path, json: bool) -> Result<(), Failure> {
    let kind = packet::format_for(out)?;
    let p = with_session(cli, |s| packet::gather(s, name, version))?;
    let bytes = match kind {
        "docx" => packet::docx(&p)?,
        _ => packet::html(&p)?.into_bytes(),
    };
    consentry::files::write_new(out, &bytes)?;
    output::packet_written(out, kind, bytes.len(), &p, json);
    Ok(())
}
