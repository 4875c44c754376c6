//! What the authoring commands print: every line of their results, plain or `--json`.

use std::path::Path;

use consentry::notice::diff::{Diff, Op};
use consentry::notice::lint::Report;
use consentry::notice::packet::Packet;
use consentry::notice::profile::ProfileRevision;
use consentry::notice::template::Template;
use consentry::notice::workflow::{Notice, Rendered, Version};
use consentry::notice::{markdown, Language};

use super::json::{BiJson, DiffJson, LintJson, TemplateJson, VersionJson};
use crate::cli::output::{pad, print_json, short};

/// How `notice render` prints wording.
#[derive(Clone, Copy, Debug)]
pub(crate) enum RenderFormat {
    Markdown,
    Html,
    Form,
}

/// Reads `--format` of `notice render`: md (or markdown), html or form.
pub(super) fn render_format(format: &str) -> Result<RenderFormat, consentry::Error> {
    match format.trim().to_ascii_lowercase().as_str() {
        "md" | "markdown" => Ok(RenderFormat::Markdown),
        "html" => Ok(RenderFormat::Html),
        "form" => Ok(RenderFormat::Form),
        other => Err(consentry::Error::usage(format!("\"{other}\" is not a render format."), "Use md, html or form.")),
    }
}

pub(super) fn lint(r: &Report, json: bool) {
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

pub(super) fn version(v: &Version, json: bool) {
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

pub(super) fn profile_saved(r: &ProfileRevision, json: bool) {
    if json {
        print_json(&serde_json::json!({ "name": r.profile.name, "rev": r.rev }));
    } else {
        println!("Saved profile {} (revision {}).", r.profile.name, r.rev);
    }
}

pub(super) fn profile(r: &ProfileRevision) {
    println!("{}", r.profile.to_json());
}

pub(super) fn profiles(list: &[ProfileRevision], json: bool) {
    if json {
        print_json(
            &list
                .iter()
                .map(|r| serde_json::json!({"name": r.profile.name, "rev": r.rev, "saved_by": r.saved_by}))
                .collect::<Vec<_>>(),
        );
    } else if list.is_empty() {
        println!("No profiles yet. Start from `consentry notice profile example > profile.json`, edit it, then `consentry notice profile set profile.json`.");
    } else {
        for r in list {
            println!("{}  rev {}  saved by {}", pad(&r.profile.name, 24), r.rev, r.saved_by);
        }
    }
}

pub(super) fn example_profile(text: &str) {
    print!("{text}");
}

pub(super) fn templates(list: &[Template], json: bool) {
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
        for t in list {
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

pub(super) fn template_source(t: &Template, language: Language) {
    print!("{}", t.source(language));
}

pub(super) fn template_saved(t: &Template) {
    println!("Saved {} {} (revision {}).", t.kind, t.name, t.rev);
}

pub(super) fn starter_installed(n: usize) {
    println!("Starter library installed: {n} template(s) written, the rest were already current.");
}

pub(super) fn notices(list: &[Notice], json: bool) {
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
        for n in list {
            let vs: Vec<String> = n.versions.iter().map(|(num, st)| format!("v{num} {}", st.as_str())).collect();
            println!("{}  {}  {}", pad(&n.name, 24), vs.join(", "), n.title.en);
        }
    }
}

pub(super) fn rendered(r: &Rendered, langs: &[Language], format: RenderFormat) {
    match format {
        RenderFormat::Markdown => {
            for &l in langs {
                println!("{}", r.text(l));
            }
        }
        RenderFormat::Html => {
            for &l in langs {
                println!("{}", markdown::to_html(r.text(l)));
            }
        }
        RenderFormat::Form => println!("{}", r.form.to_json()),
    }
}

pub(super) fn diff(d: &Diff, json: bool) {
    if json {
        print_json(&DiffJson::from(d));
        return;
    }
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

pub(super) fn packet_written(out: &Path, kind: &str, bytes: usize, p: &Packet, json: bool) {
    if json {
        print_json(&serde_json::json!({"path": out.display().to_string(), "format": kind, "bytes": bytes}));
    } else {
        println!(
            "Wrote {} ({} KiB): version {} of {}, hash zh-CN {} en {}.",
            out.display(),
            bytes.div_ceil(1024),
            p.version.number,
            p.version.notice,
            short(&p.version.rendered.hash_zh),
            short(&p.version.rendered.hash_en)
        );
    }
}
