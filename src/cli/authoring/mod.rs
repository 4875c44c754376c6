//! `consentry notice …` for legal staff: processing profiles, templates and clauses,
//! drafting, lint, the review workflow, diff and the review packet.

mod args;
mod json;

use std::path::Path;

use consentry::notice::diff::Op;
use consentry::notice::lint::Report;
use consentry::notice::profile::{self, Bilingual, Profile};
use consentry::notice::template::{self, TemplateInput, TemplateKind};
use consentry::notice::workflow::{self, NewNotice, Rendered, Version};
use consentry::notice::{diff, markdown, packet, Language};
use consentry::{Error, Session};

pub use args::{AuthoringCommand, ProfileCommand, Source, TemplateCommand};
use json::{BiJson, DiffJson, LintJson, TemplateJson, VersionJson};

use super::output::{pad, print_json, short};
use super::{read_text, with_session, Cli, Failure};

/// The example profile printed by `notice profile example`.
const EXAMPLE_PROFILE: &str = include_str!("../../../examples/trade-show-2026.profile.json");

fn print_lint(r: &Report, json: bool) {
    if json {
        print_json(&LintJson::from(r));
        return;
    }
    if r.findings.is_empty() {
        println!("No findings.");
        return;
    }
    for f in &r.findings {
        let mut place = Vec::new();
        if let Some(field) = &f.place.field {
            place.push(field.clone());
        }
        if let Some(l) = f.place.language {
            place.push(l.as_str().to_string());
        }
        if let Some(n) = f.place.line {
            place.push(format!("line {n}"));
        }
        println!("{:<7} {}  [{}]  {}", f.severity.as_str(), f.rule, f.article, f.message.en);
        println!("        {}", f.message.zh);
        if !place.is_empty() {
            println!("        at {}", place.join(", "));
        }
        if let Some(c) = f.fix_clause {
            println!("        fix: include clause/{c}");
        }
    }
    println!("{} error(s), {} warning(s)", r.errors(), r.warnings());
}

fn print_version(v: &Version, json: bool) {
    if json {
        print_json(&VersionJson::from(v));
        return;
    }
    println!("{} / {}", v.title.zh, v.title.en);
    println!("notice {} · version {} · {}", v.notice, v.number, v.state.as_str());
    println!("profile {} rev {} · template {} rev {}", v.profile_name, v.profile_rev, v.template_name, v.template_rev);
    println!(
        "author {}{}",
        v.author,
        v.approved_by.as_ref().map(|a| format!(" · approved by {a}")).unwrap_or_default()
    );
    println!("hash zh-CN {}\nhash en    {}", v.rendered.hash_zh, v.rendered.hash_en);
    println!("lint: {} error(s), {} warning(s)", v.rendered.lint.errors(), v.rendered.lint.warnings());
    for c in &v.comments {
        println!("  {} {}: {}", c.author, c.verdict, c.body);
    }
}

fn rendered(s: &mut Session, src: &Source) -> Result<Rendered, Error> {
    match (&src.notice, &src.profile, &src.template) {
        (Some(n), _, _) => workflow::get(s, n, src.version).map(|v| v.rendered),
        (None, Some(p), Some(t)) => {
            let p = profile::get(s, p)?;
            let title = Bilingual { zh: "预览".into(), en: "Preview".into() };
            workflow::preview(s, &p.profile, t, None, &title)
        }
        _ => Err(Error::invalid("Nothing to render.", "Name a notice, or give --profile NAME --template NAME.")),
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    consentry::files::write_new(path, bytes)
}

pub fn run(cli: &Cli, cmd: &AuthoringCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        AuthoringCommand::Profile(c) => {
            match c {
                ProfileCommand::Set { file } => {
                    let p = Profile::from_json(&read_text(file, "profile file")?)?;
                    let r = with_session(cli, |s| profile::save(s, &p))?;
                    if json {
                        print_json(&serde_json::json!({ "name": r.profile.name, "rev": r.rev }));
                    } else {
                        println!("Saved profile {} (revision {}).", r.profile.name, r.rev);
                    }
                }
                ProfileCommand::Show { name } => {
                    let r = with_session(cli, |s| profile::get(s, name))?;
                    println!("{}", r.profile.to_json());
                }
                ProfileCommand::List => {
                    let list = with_session(cli, profile::list)?;
                    if json {
                        print_json(&list.iter().map(|r| serde_json::json!({"name": r.profile.name, "rev": r.rev, "saved_by": r.saved_by})).collect::<Vec<_>>());
                    } else if list.is_empty() {
                        println!("No profiles yet. Start from `consentry notice profile example > profile.json`, edit it, then `consentry notice profile set profile.json`.");
                    } else {
                        for r in &list {
                            println!("{}  rev {}  saved by {}", pad(&r.profile.name, 24), r.rev, r.saved_by);
                        }
                    }
                }
                ProfileCommand::Example => print!("{EXAMPLE_PROFILE}"),
            }
        }
        AuthoringCommand::Template(c) => match c {
            TemplateCommand::List => {
                let list = with_session(cli, template::list)?;
                if json {
                    print_json(
                        &list
                            .iter()
                            .map(|t| TemplateJson {
                                name: t.name.clone(),
                                kind: t.kind.as_str(),
                                rev: t.rev,
                                title: BiJson { zh: t.title_zh.clone(), en: t.title_en.clone() },
                                saved_by: t.saved_by.clone(),
                            })
                            .collect::<Vec<_>>(),
                    );
                } else if list.is_empty() {
                    println!("No templates yet. Install the starter library with `consentry notice template install-starter`.");
                } else {
                    for t in &list {
                        println!(
                            "{}  {}  rev {}  {} / {}",
                            pad(t.kind.as_str(), 6),
                            pad(&t.name, 16),
                            t.rev,
                            t.title_zh,
                            t.title_en
                        );
                    }
                }
            }
            TemplateCommand::Show { name, language } => {
                let language = Language::parse_tag(language)?;
                let t = with_session(cli, |s| template::get(s, name))?;
                print!("{}", t.source(language));
            }
            TemplateCommand::Set { name, kind, zh, en, title_zh, title_en } => {
                let input = TemplateInput {
                    name: name.clone(),
                    kind: kind.parse::<TemplateKind>()?,
                    title_zh: title_zh.clone(),
                    title_en: title_en.clone(),
                    source_zh: read_text(zh, "Chinese template")?,
                    source_en: read_text(en, "English template")?,
                };
                let t = with_session(cli, |s| template::save(s, &input))?;
                println!("Saved {} {} (revision {}).", t.kind, t.name, t.rev);
            }
            TemplateCommand::InstallStarter => {
                let n = with_session(cli, template::install_starter)?;
                println!("Starter library installed: {n} template(s) written, the rest were already current.");
            }
        },
        AuthoringCommand::New { name, title_zh, title_en, profile, template } => {
            let n = NewNotice {
                name: name.clone(),
                title: Bilingual { zh: title_zh.clone(), en: title_en.clone() },
                profile: profile.clone(),
                template: template.clone(),
            };
            let v = with_session(cli, |s| workflow::create(s, &n))?;
            print_version(&v, json);
        }
        AuthoringCommand::Draft { name, profile, template } => {
            let v = with_session(cli, |s| workflow::draft(s, name, profile.as_deref(), template.as_deref()))?;
            print_version(&v, json);
        }
        AuthoringCommand::Versions { name: Some(name), version } => {
            let v = with_session(cli, |s| workflow::get(s, name, *version))?;
            print_version(&v, json);
        }
        AuthoringCommand::Versions { name: None, .. } => {
            let list = with_session(cli, workflow::list)?;
            if json {
                print_json(
                    &list
                        .iter()
                        .map(|n| {
                            serde_json::json!({
                                "name": n.name, "title": {"zh": n.title.zh, "en": n.title.en},
                                "versions": n.versions.iter().map(|(num, st)| serde_json::json!({"number": num, "state": st.as_str()})).collect::<Vec<_>>()
                            })
                        })
                        .collect::<Vec<_>>(),
                );
            } else if list.is_empty() {
                println!("No notices yet. Create one with `consentry notice new NAME --title-zh … --title-en … --profile P --template pipl_notice`.");
            } else {
                for n in &list {
                    let vs: Vec<String> =
                        n.versions.iter().map(|(num, st)| format!("v{num} {}", st.as_str())).collect();
                    println!("{}  {}  {}", pad(&n.name, 24), vs.join(", "), n.title.en);
                }
            }
        }
        AuthoringCommand::Render { source, language, format } => {
            let r = with_session(cli, |s| rendered(s, source))?;
            let langs = match language {
                Some(l) => vec![Language::parse_tag(l)?],
                None => vec![Language::ZhCn, Language::En],
            };
            match format.as_str() {
                "md" | "markdown" => {
                    for l in langs {
                        println!("{}", r.text(l));
                    }
                }
                "html" => {
                    for l in langs {
                        println!("{}", markdown::to_html(r.text(l)));
                    }
                }
                "form" => println!("{}", r.form.to_json()),
                other => {
                    return Err(
                        Error::invalid(format!("\"{other}\" is not a render format."), "Use md, html or form.").into()
                    )
                }
            }
        }
        AuthoringCommand::Lint { source } => {
            let r = with_session(cli, |s| rendered(s, source))?;
            print_lint(&r.lint, json);
            if r.lint.errors() > 0 {
                return Err(Failure::LintFailed);
            }
        }
        AuthoringCommand::Submit { name, comment } => {
            let v = with_session(cli, |s| workflow::submit(s, name, comment))?;
            print_version(&v, json);
        }
        AuthoringCommand::Approve { name, comment } => {
            let v = with_session(cli, |s| workflow::approve(s, name, comment))?;
            print_version(&v, json);
        }
        AuthoringCommand::Reject { name, comment } => {
            let v = with_session(cli, |s| workflow::reject(s, name, comment))?;
            print_version(&v, json);
        }
        AuthoringCommand::Comment { name, text, version } => {
            let v = with_session(cli, |s| workflow::comment(s, name, *version, text))?;
            print_version(&v, json);
        }
        AuthoringCommand::Retire { name, version, comment } => {
            let v = with_session(cli, |s| workflow::retire(s, name, *version, comment))?;
            print_version(&v, json);
        }
        AuthoringCommand::Diff { name, from, to } => {
            let d = with_session(cli, |s| diff::diff(s, name, *from, *to))?;
            if json {
                print_json(&DiffJson::from(&d));
            } else {
                println!("version {} → {}", d.from, d.to);
                for m in &d.material {
                    println!(
                        "{} {} / {}",
                        if m.needs_fresh_consent { "! fresh consent:" } else { "  change:" },
                        m.message.en,
                        m.message.zh
                    );
                }
                for t in &d.text {
                    println!("\n[{}] +{} −{} characters", t.language, t.inserted, t.deleted);
                    let mut line = String::new();
                    for o in &t.ops {
                        match o {
                            Op::Equal(x) => line.push_str(x),
                            Op::Insert(x) => line.push_str(&format!("{{+{x}+}}")),
                            Op::Delete(x) => line.push_str(&format!("[-{x}-]")),
                        }
                    }
                    println!("{line}");
                }
            }
        }
        AuthoringCommand::Export { name, version, out } => {
            let kind = packet::format_for(out)?;
            let p = with_session(cli, |s| packet::gather(s, name, *version))?;
            let bytes = match kind {
                "docx" => packet::docx(&p)?,
                _ => packet::html(&p)?.into_bytes(),
            };
            write_file(out, &bytes)?;
            if json {
                print_json(
                    &serde_json::json!({"path": out.display().to_string(), "format": kind, "bytes": bytes.len()}),
                );
            } else {
                println!(
                    "Wrote {} ({} KiB): version {} of {}, hash zh-CN {} en {}.",
                    out.display(),
                    bytes.len().div_ceil(1024),
                    p.version.number,
                    p.version.notice,
                    short(&p.version.rendered.hash_zh),
                    short(&p.version.rendered.hash_en)
                );
            }
        }
    }
    Ok(())
}
