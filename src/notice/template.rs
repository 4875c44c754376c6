//! Templates and the clause library: minijinja sources in both languages, stored in the
//! vault and versioned (each save is a new revision). Rendering is bounded: strict undefined
//! variables (a missing one is an error that names it), a fuel limit so that no template can
//! loop for ever, a cap on the output size, and HTML autoescape for `.html` templates.

use std::collections::BTreeMap;
use std::io::Write as _;

use minijinja::{AutoEscape, Environment, UndefinedBehavior};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::string_enum;
use crate::domain::Action;
use crate::domain::Language;
use crate::session::Session;

/// Instructions a render may spend. The starter notices need about 10 000.
pub const FUEL: u64 = 2_000_000;
/// The largest rendered text, in bytes.
pub const MAX_OUTPUT: usize = 512 * 1024;
/// The largest template source, in bytes.
pub const MAX_SOURCE: usize = 256 * 1024;

string_enum!(
    /// What a template is.
    TemplateKind, "template kind (notice or clause)", {
        /// A whole notice or consent wording.
        Notice => "notice",
        /// A clause, included from notices as `clause/NAME`.
        Clause => "clause",
    }
);

/// A template or clause revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    /// Name, such as `pipl_notice` or `withdrawal`.
    pub name: String,
    /// Notice or clause.
    pub kind: TemplateKind,
    /// Revision, from 1.
    pub rev: i64,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// Source in Chinese.
    pub source_zh: String,
    /// Source in English.
    pub source_en: String,
    /// Who saved it.
    pub saved_by: String,
    /// When (ms since the epoch).
    pub saved_at_ms: i64,
}

impl Template {
    /// The source in one language.
    pub fn source(&self, language: Language) -> &str {
        match language {
            Language::ZhCn => &self.source_zh,
            Language::En => &self.source_en,
        }
    }

    /// The name the environment knows it by (`notice/NAME` or `clause/NAME`).
    pub fn path(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// A template to save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateInput {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: TemplateKind,
    /// Title in Chinese.
    pub title_zh: String,
    /// Title in English.
    pub title_en: String,
    /// Source in Chinese.
    pub source_zh: String,
    /// Source in English.
    pub source_en: String,
}

macro_rules! starter {
    ($kind:ident, $dir:literal, $name:literal, $zh_title:literal, $en_title:literal) => {
        (
            TemplateKind::$kind,
            $name,
            $zh_title,
            $en_title,
            include_str!(concat!("../../templates/starter/", $dir, "/", $name, ".zh-CN.md.j2")),
            include_str!(concat!("../../templates/starter/", $dir, "/", $name, ".en.md.j2")),
        )
    };
}

type Starter = (TemplateKind, &'static str, &'static str, &'static str, &'static str, &'static str);

/// The starter library the team ships (see `templates/starter/README.md`).
pub fn starter_library() -> Vec<TemplateInput> {
    let list: [Starter; 11] = [
        starter!(Notice, "notice", "pipl_notice", "个人信息处理规则（PIPL）", "Privacy notice (PIPL)"),
        starter!(Notice, "notice", "gdpr_notice", "隐私声明（GDPR 第13条）", "Privacy notice (GDPR Art. 13)"),
        starter!(Notice, "notice", "event_consent", "活动营销同意书", "Event marketing consent"),
        starter!(Clause, "clause", "sensitive_data", "敏感个人信息", "Sensitive personal information"),
        starter!(Clause, "clause", "third_parties", "向第三方提供", "Provision to third parties"),
        starter!(Clause, "clause", "processors", "委托处理", "Entrusted processors"),
        starter!(Clause, "clause", "cross_border", "跨境提供", "Cross-border transfer"),
        starter!(Clause, "clause", "minors", "不满十四周岁的未成年人", "Children under 14"),
        starter!(Clause, "clause", "withdrawal", "撤回同意", "Withdrawing consent"),
        starter!(Clause, "clause", "retention", "保存期限", "Retention"),
        starter!(Clause, "clause", "rights", "您的权利", "Your rights"),
    ];
    list.into_iter()
        .map(|(kind, name, title_zh, title_en, zh, en)| TemplateInput {
            name: name.into(),
            kind,
            title_zh: title_zh.into(),
            title_en: title_en.into(),
            source_zh: zh.into(),
            source_en: en.into(),
        })
        .collect()
}

/// Saves a template or clause as its next revision (legal). The source must parse in both
/// languages; an unchanged save returns the current revision.
pub fn save(session: &mut Session, t: &TemplateInput) -> Result<Template> {
    crate::notice::validate_slug("template", &t.name)?;
    check_source(t)?;
    session.write(Action::ManageTemplates, |w| {
        save_in(&w.tx, t, &w.operator.id, &w.operator.name, w.now.timestamp_millis()).map(|(tpl, new)| {
            if new {
                w.audit("template.save", tpl.path(), format!("rev {}", tpl.rev));
            }
            tpl
        })
    })
}

/// Installs the starter library: every starter template that is missing or differs from
/// the shipped text gets a new revision. Returns how many were written.
pub fn install_starter(session: &mut Session) -> Result<usize> {
    let lib = starter_library();
    for t in &lib {
        check_source(t)?;
    }
    session.write(Action::ManageTemplates, |w| {
        let mut written = 0;
        for t in &lib {
            let (_, new) = save_in(&w.tx, t, &w.operator.id, &w.operator.name, w.now.timestamp_millis())?;
            written += usize::from(new);
        }
        w.audit("template.install_starter", "", format!("{written} written"));
        Ok(written)
    })
}

fn save_in(
    conn: &Connection,
    t: &TemplateInput,
    operator_id: &str,
    operator_name: &str,
    now_ms: i64,
) -> Result<(Template, bool)> {
    if let Some(cur) = latest_in(conn, &t.name)? {
        if cur.kind != t.kind {
            let kind = if cur.kind.as_str() == "clause" { &msg::KIND_CLAUSE } else { &msg::KIND_NOTICE };
            return Err(msg::TEMPLATE_OTHER_KIND.with("name", &t.name).term("kind", kind).into());
        }
        if cur.title_zh == t.title_zh
            && cur.title_en == t.title_en
            && cur.source_zh == t.source_zh
            && cur.source_en == t.source_en
        {
            return Ok((cur, false));
        }
    }
    let rev: i64 = conn
        .query_row("SELECT coalesce(max(rev), 0) + 1 FROM template_source WHERE name = ?1", [&t.name], |r| r.get(0))
        .storage("save a template")?;
    conn.execute(
        "INSERT INTO template_source (id, name, kind, rev, title_zh, title_en, source_zh, source_en, created_by, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            uuid::Uuid::now_v7().to_string(),
            t.name,
            t.kind.as_str(),
            rev,
            t.title_zh,
            t.title_en,
            t.source_zh,
            t.source_en,
            operator_id,
            now_ms
        ],
    )
    .storage("save a template")?;
    Ok((
        Template {
            name: t.name.clone(),
            kind: t.kind,
            rev,
            title_zh: t.title_zh.clone(),
            title_en: t.title_en.clone(),
            source_zh: t.source_zh.clone(),
            source_en: t.source_en.clone(),
            saved_by: operator_name.into(),
            saved_at_ms: now_ms,
        },
        true,
    ))
}

fn check_source(t: &TemplateInput) -> Result<()> {
    if t.title_zh.trim().is_empty() || t.title_en.trim().is_empty() {
        return Err(msg::TEMPLATE_TITLES_MISSING.with("name", &t.name).into());
    }
    for (lang, src) in [(Language::ZhCn, &t.source_zh), (Language::En, &t.source_en)] {
        if src.len() > MAX_SOURCE {
            return Err(msg::TEMPLATE_TOO_LARGE
                .term("language", msg::language(lang))
                .with("name", &t.name)
                .with("size_kib", src.len() / 1024)
                .with("max_kib", MAX_SOURCE / 1024)
                .into());
        }
        let mut env = Environment::new();
        let path = format!("{}/{}", t.kind, t.name);
        env.add_template_owned(path.clone(), src.clone()).map_err(|e| template_error(&path, lang, &e))?;
    }
    Ok(())
}

/// The current revision of a template or clause.
pub fn get(session: &mut Session, name: &str) -> Result<Template> {
    session.read(Action::ReadDrafts, |conn| latest_in(conn, name)?.ok_or_else(|| not_found(name)))
}

/// The current revision of every template and clause, notices first.
pub fn list(session: &mut Session) -> Result<Vec<Template>> {
    session.read(Action::ReadDrafts, all_latest)
}

fn not_found(name: &str) -> Error {
    Error::NotFound(msg::TEMPLATE_NOT_FOUND.with("name", name.trim()))
}

const SELECT: &str =
    "SELECT t.name, t.kind, t.rev, t.title_zh, t.title_en, t.source_zh, t.source_en, o.name, t.created_at_ms
     FROM template_source t JOIN operator o ON o.id = t.created_by";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Template> {
    Ok(Template {
        name: r.get(0)?,
        kind: crate::vault::column(r, 1)?,
        rev: r.get(2)?,
        title_zh: r.get(3)?,
        title_en: r.get(4)?,
        source_zh: r.get(5)?,
        source_en: r.get(6)?,
        saved_by: r.get(7)?,
        saved_at_ms: r.get(8)?,
    })
}

pub(crate) fn latest_in(conn: &Connection, name: &str) -> Result<Option<Template>> {
    conn.query_row(&format!("{SELECT} WHERE t.name = ?1 ORDER BY t.rev DESC LIMIT 1"), [name.trim()], row)
        .optional()
        .storage("read a template")
}

pub(crate) fn all_latest(conn: &Connection) -> Result<Vec<Template>> {
    let mut stmt = conn
        .prepare(&format!(
            "{SELECT} WHERE t.rev = (SELECT max(rev) FROM template_source q WHERE q.name = t.name)
             ORDER BY t.kind DESC, t.name"
        ))
        .storage("list templates")?;
    let rows = stmt.query_map([], row).storage("list templates")?;
    rows.collect::<rusqlite::Result<Vec<_>>>().storage("list templates")
}

/// Turns a minijinja error into one that names the template, the line and the fix.
fn template_error(path: &str, language: Language, e: &minijinja::Error) -> Error {
    template_error_in(path, language, e, None)
}

/// Like [`template_error`], quoting the failing expression from the template's source.
fn template_error_in(path: &str, language: Language, e: &minijinja::Error, source: Option<&str>) -> Error {
    use minijinja::ErrorKind as K;
    let name = e.name().unwrap_or(path).to_string();
    let line = e.line();
    let detail = e.detail().unwrap_or_default().to_string();
    let expr = source.zip(e.range()).and_then(|(src, r)| src.get(r)).map(|x| x.trim().to_string());
    let (problem, fix) = match e.kind() {
        K::UndefinedError => (
            match (expr, detail.is_empty()) {
                (Some(x), _) => format!("uses `{x}`, which is not defined"),
                (None, true) => "uses a variable that is not defined".to_string(),
                (None, false) => format!("uses an undefined value: {detail}"),
            },
            "Use only the variables listed in docs/templates.md, or test an optional one with {% if … %}.",
        ),
        K::SyntaxError => (
            format!("has a syntax error: {detail}"),
            "Fix the tag on that line; every {% if %} and {% for %} needs its {% end… %}.",
        ),
        K::OutOfFuel => (
            "ran too long and was stopped (the fuel limit protects against runaway loops)".to_string(),
            "Remove the loop that never ends or loops over a huge range.",
        ),
        K::TemplateNotFound => (
            format!("includes a template that does not exist: {detail}"),
            "Include clauses as \"clause/NAME\" with a NAME from the clause library.",
        ),
        K::InvalidOperation if detail.contains(OUTPUT_LIMIT_MARK) => (
            format!("produced more than {} KiB of text and was stopped", MAX_OUTPUT / 1024),
            "Remove the loop or repetition that makes the text so long.",
        ),
        K::WriteFailure => (
            format!("produced more than {} KiB of text and was stopped", MAX_OUTPUT / 1024),
            "Remove the loop or repetition that makes the text so long.",
        ),
        _ => (
            format!("failed: {}", if detail.is_empty() { e.kind().to_string() } else { detail }),
            "Check the template on that line.",
        ),
    };
    Error::Template { template: name, language, line, problem, fix: fix.into() }
}

const OUTPUT_LIMIT_MARK: &str = "output limit";

/// Writes at most `MAX_OUTPUT` bytes, then fails.
struct Limited(Vec<u8>);

impl std::io::Write for Limited {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_OUTPUT {
            return Err(std::io::Error::other(OUTPUT_LIMIT_MARK));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The template sources a render uses: the notice template and every clause, in one language.
pub(crate) struct Library {
    templates: BTreeMap<String, Template>,
}

impl Library {
    pub(crate) fn load(conn: &Connection) -> Result<Library> {
        Ok(Library { templates: all_latest(conn)?.into_iter().map(|t| (t.path(), t)).collect() })
    }

    /// A library of explicit templates, such as an unsaved edit with the stored clauses.
    pub(crate) fn with(mut self, t: Template) -> Library {
        self.templates.insert(t.path(), t);
        self
    }

    pub(crate) fn notice(&self, name: &str) -> Result<&Template> {
        self.templates.get(&format!("notice/{name}")).ok_or_else(|| not_found(name))
    }

    fn environment(&self, language: Language) -> Result<Environment<'static>> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(FUEL));
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        env.set_recursion_limit(64);
        env.set_auto_escape_callback(|name| if name.ends_with(".html") { AutoEscape::Html } else { AutoEscape::None });
        for (path, t) in &self.templates {
            env.add_template_owned(path.clone(), t.source(language).to_string())
                .map_err(|e| template_error(path, language, &e))?;
        }
        Ok(env)
    }

    /// Renders a notice template with a context, bounded in time and size.
    pub(crate) fn render<C: Serialize>(&self, name: &str, language: Language, ctx: &C) -> Result<String> {
        let path = format!("notice/{name}");
        self.notice(name)?;
        let env = self.environment(language)?;
        render_bounded(&env, &path, language, ctx, &|name| self.source_of(name, language))
    }

    fn source_of(&self, name: &str, language: Language) -> Option<&str> {
        self.templates.get(name).map(|t| t.source(language))
    }
}

fn render_bounded<'a, C: Serialize>(
    env: &Environment<'_>,
    path: &str,
    language: Language,
    ctx: &C,
    sources: &dyn Fn(&str) -> Option<&'a str>,
) -> Result<String> {
    let tmpl = env.get_template(path).map_err(|e| template_error(path, language, &e))?;
    let mut out = Limited(Vec::new());
    tmpl.render_captured_to(ctx, &mut out)
        .map_err(|e| template_error_in(path, language, &e, e.name().and_then(sources)))?;
    out.flush().ok();
    String::from_utf8(out.0).map_err(|_| Error::Template {
        template: path.into(),
        language,
        line: None,
        problem: "produced text that is not valid UTF-8".into(),
        fix: "Check the template for broken characters.".into(),
    })
}

/// Renders one HTML template (autoescaped) with a context, bounded like notices.
pub(crate) fn render_html<C: Serialize>(name: &str, source: &str, ctx: &C) -> Result<String> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL * 5));
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_auto_escape_callback(|name| if name.ends_with(".html") { AutoEscape::Html } else { AutoEscape::None });
    env.add_template_owned(name.to_string(), source.to_string()).map_err(|e| template_error(name, Language::En, &e))?;
    render_bounded(&env, name, Language::En, ctx, &|n| (n == name).then_some(source))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lib(src: &str) -> Library {
        Library { templates: BTreeMap::new() }.with(Template {
            name: "t".into(),
            kind: TemplateKind::Notice,
            rev: 1,
            title_zh: "t".into(),
            title_en: "t".into(),
            source_zh: src.into(),
            source_en: src.into(),
            saved_by: "x".into(),
            saved_at_ms: 0,
        })
    }

    fn render(src: &str) -> Result<String> {
        lib(src).render("t", Language::En, &serde_json::json!({"a": 1, "items": [1, 2]}))
    }

    #[test]
    fn strict_undefined_names_the_variable() {
        let err = render("Hello {{ controller.name }}").unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, Error::Template { .. }));
        assert!(text.contains("controller"), "{text}");
        assert!(text.contains("line 1"), "{text}");
        assert_eq!(render("{{ a }}{% for i in items %}-{{ i }}{% endfor %}").unwrap(), "1-1-2");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let text = render("ok\n{% if a %}\nno end").unwrap_err().to_string();
        assert!(text.contains("syntax error"), "{text}");
        assert!(text.contains("line"), "{text}");
    }

    #[test]
    fn runaway_loops_run_out_of_fuel() {
        let started = std::time::Instant::now();
        let err =
            render("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}").unwrap_err();
        assert!(err.to_string().contains("ran too long"), "{err}");
        assert!(started.elapsed().as_secs() < 30);
    }

    #[test]
    fn huge_output_is_cut_off() {
        let err = render("{% for i in range(90000) %}{{ 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' }}{% endfor %}")
            .unwrap_err();
        assert!(err.to_string().contains("KiB of text"), "{err}");
    }

    #[test]
    fn html_templates_autoescape() {
        let out = render_html("x.html", "<p>{{ v }}</p>", &serde_json::json!({"v": "<script>"})).unwrap();
        assert_eq!(out, "<p>&lt;script&gt;</p>");
    }
}
