//! The review packet: one version with both languages side by side, its lint report, the
//! diff against the previous approved version, its hashes and its review history, as a
//! standalone print-ready HTML file and as a Word document for lawyers who work in Word.

use std::io::Write as _;

use serde::Serialize;

use crate::domain::error::{Error, Result};
use crate::domain::messages as msg;
use crate::domain::time::from_parts;
use crate::domain::Action;
use crate::notice::diff::{self, Diff, Op};
use crate::notice::lint::Severity;
use crate::notice::markdown::{escape, heading_marks, to_html};
use crate::notice::template::render_html;
use crate::notice::workflow::{previous_approved, version_in, Version};
use crate::session::Session;

/// A version with what the packet shows beside it.
#[derive(Debug, Clone)]
pub struct Packet {
    /// The version.
    pub version: Version,
    /// The diff against the previous approved version, if there is one.
    pub diff: Option<Diff>,
}

/// Gathers a packet (legal and admin; the export is audited).
pub fn gather(session: &mut Session, notice: &str, number: Option<i64>) -> Result<Packet> {
    let packet = session.read(Action::ReadDrafts, |conn| {
        let version = version_in(conn, notice, number)?;
        let diff = previous_approved(conn, notice, version.number)?.map(|old| diff::versions(&old, &version));
        Ok(Packet { version, diff })
    })?;
    session.record("notice.export", &format!("{notice} v{}", packet.version.number), "review packet")?;
    Ok(packet)
}

#[derive(Serialize)]
struct Ctx {
    notice: String,
    title_zh: String,
    title_en: String,
    number: i64,
    state: &'static str,
    hash_zh: String,
    hash_en: String,
    profile: String,
    template: String,
    author: String,
    created: String,
    approved_by: Option<String>,
    approved: Option<String>,
    html_zh: String,
    html_en: String,
    errors: usize,
    warnings: usize,
    findings: Vec<FindingCtx>,
    controls: Vec<ControlCtx>,
    guardian: bool,
    diff: Option<DiffCtx>,
    comments: Vec<CommentCtx>,
    generated_by: String,
}

#[derive(Serialize)]
struct FindingCtx {
    severity: &'static str,
    rule: &'static str,
    article: &'static str,
    en: String,
    zh: String,
    fix: String,
    place: String,
}

#[derive(Serialize)]
struct ControlCtx {
    kind: String,
    zh: String,
    en: String,
}

#[derive(Serialize)]
struct DiffCtx {
    from: i64,
    html_zh: String,
    html_en: String,
    material: Vec<MaterialCtx>,
    fresh: bool,
}

#[derive(Serialize)]
struct MaterialCtx {
    fresh: bool,
    zh: String,
    en: String,
}

#[derive(Serialize)]
struct CommentCtx {
    at: String,
    author: String,
    verdict: String,
    body: String,
}

fn when(ms: i64) -> String {
    from_parts(ms, 0).format("%Y-%m-%d %H:%M UTC").to_string()
}

fn diff_html(ops: &[Op]) -> String {
    let mut out = String::new();
    for op in ops {
        match op {
            Op::Equal(t) => out.push_str(&escape(t)),
            Op::Insert(t) => out.push_str(&format!("<ins>{}</ins>", escape(t))),
            Op::Delete(t) => out.push_str(&format!("<del>{}</del>", escape(t))),
        }
    }
    out
}

fn place(f: &crate::notice::lint::Finding) -> String {
    let mut parts = Vec::new();
    if let Some(field) = &f.place.field {
        parts.push(field.clone());
    }
    if let Some(l) = f.place.language {
        parts.push(l.as_str().to_string());
    }
    if let Some(n) = f.place.line {
        parts.push(format!("line {n}"));
    }
    parts.join(" · ")
}

fn context(p: &Packet) -> Ctx {
    let v = &p.version;
    let r = &v.rendered;
    Ctx {
        notice: v.notice.clone(),
        title_zh: v.title.zh.clone(),
        title_en: v.title.en.clone(),
        number: v.number,
        state: v.state.as_str(),
        hash_zh: r.hash_zh.clone(),
        hash_en: r.hash_en.clone(),
        profile: format!("{} (rev {})", v.profile_name, v.profile_rev),
        template: format!("{} (rev {})", v.template_name, v.template_rev),
        author: v.author.clone(),
        created: when(v.created_at_ms),
        approved_by: v.approved_by.clone(),
        approved: v.approved_at_ms.map(when),
        html_zh: to_html(&r.text_zh),
        html_en: to_html(&r.text_en),
        errors: r.lint.errors(),
        warnings: r.lint.warnings(),
        findings: r
            .lint
            .findings
            .iter()
            .map(|f| FindingCtx {
                severity: f.severity.as_str(),
                rule: f.rule,
                article: f.article,
                en: f.message.en.clone(),
                zh: f.message.zh.clone(),
                fix: f.fix_clause.map(|c| format!("clause/{c}")).unwrap_or_default(),
                place: place(f),
            })
            .collect(),
        controls: r
            .form
            .controls()
            .map(|c| ControlCtx { kind: c.kind.clone(), zh: c.label.zh.clone(), en: c.label.en.clone() })
            .collect(),
        guardian: r.form.guardian.is_some(),
        diff: p.diff.as_ref().map(|d| DiffCtx {
            from: d.from,
            html_zh: diff_html(&d.text[0].ops),
            html_en: diff_html(&d.text[1].ops),
            material: d
                .material
                .iter()
                .map(|m| MaterialCtx {
                    fresh: m.needs_fresh_consent,
                    zh: m.message.zh.clone(),
                    en: m.message.en.clone(),
                })
                .collect(),
            fresh: d.needs_fresh_consent(),
        }),
        comments: v
            .comments
            .iter()
            .map(|c| CommentCtx {
                at: when(c.at_ms),
                author: c.author.clone(),
                verdict: c.verdict.clone(),
                body: c.body.clone(),
            })
            .collect(),
        generated_by: format!("Consentry {}", env!("CARGO_PKG_VERSION")),
    }
}

const PACKET_TEMPLATE: &str = include_str!("../../templates/packet.html");

/// The packet as a standalone HTML page: no scripts (its CSP forbids them), no external
/// resources, print styles included.
pub fn html(p: &Packet) -> Result<String> {
    render_html("packet.html", PACKET_TEMPLATE, &context(p))
}

/// XML-escapes text for WordprocessingML.
fn x(text: &str) -> String {
    escape(text)
}

fn run(text: &str, props: &str) -> String {
    format!(
        "<w:r>{}<w:t xml:space=\"preserve\">{}</w:t></w:r>",
        if props.is_empty() { String::new() } else { format!("<w:rPr>{props}</w:rPr>") },
        x(text)
    )
}

fn para(runs: &str, style: Option<&str>) -> String {
    match style {
        Some(s) => format!("<w:p><w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>{runs}</w:p>"),
        None => format!("<w:p>{runs}</w:p>"),
    }
}

/// The notice's Markdown as Word paragraphs.
fn md_paragraphs(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let (style, body) = if let Some(b) = t.strip_prefix("### ") {
            (Some("Heading3"), b)
        } else if let Some(b) = t.strip_prefix("## ") {
            (Some("Heading2"), b)
        } else if let Some(b) = t.strip_prefix("# ") {
            (Some("Heading1"), b)
        } else if let Some(b) = t.strip_prefix("- ") {
            (Some("ListBullet"), b)
        } else if let Some(b) = t.strip_prefix("> ") {
            (Some("Quote"), b)
        } else {
            (None, t)
        };
        let body = if style.is_some_and(|s| s.starts_with("Heading")) { heading_marks(body).0 } else { body };
        let mut runs = String::new();
        for (i, part) in body.split("**").enumerate() {
            if !part.is_empty() {
                runs.push_str(&run(part, if i % 2 == 1 { "<w:b/>" } else { "" }));
            }
        }
        let bullet = if style == Some("ListBullet") { run("• ", "") } else { String::new() };
        out.push_str(&para(&format!("{bullet}{runs}"), style));
    }
    out
}

/// A notice's Markdown cut into its sections: the text before the first `## ` heading (the
/// title and the opening), then each `## ` section with its heading.
fn sections(text: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![String::new()];
    for line in text.lines() {
        if line.trim_start().starts_with("## ") && out.last().is_some_and(|s| !s.trim().is_empty()) {
            out.push(String::new());
        }
        if let Some(last) = out.last_mut() {
            last.push_str(line);
            last.push('\n');
        }
    }
    out.retain(|s| !s.trim().is_empty());
    out
}

/// The wording as a table a lawyer reads and prints: one row per section, Chinese beside
/// English (the header row repeats on each page). The starter templates give both languages
/// the same sections in the same order; when a template does not, the extra sections of the
/// longer one get rows of their own, beside an empty cell.
fn wording_rows(zh: &str, en: &str) -> Vec<Vec<String>> {
    let (zh, en) = (sections(zh), sections(en));
    let mut rows = vec![vec![para(&run("中文", "<w:b/>"), None), para(&run("English", "<w:b/>"), None)]];
    for i in 0..zh.len().max(en.len()) {
        let side = |s: &[String]| s.get(i).map(|t| md_paragraphs(t)).unwrap_or_default();
        rows.push(vec![side(&zh), side(&en)]);
    }
    rows
}

fn cell(content: &str, width: u32) -> String {
    format!("<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/></w:tcPr>{content}</w:tc>")
}

fn table(rows: &[Vec<String>], widths: &[u32]) -> String {
    let mut out = String::from(
        "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/><w:tblBorders>\
         <w:top w:val=\"single\" w:sz=\"4\"/><w:left w:val=\"single\" w:sz=\"4\"/><w:bottom w:val=\"single\" w:sz=\"4\"/>\
         <w:right w:val=\"single\" w:sz=\"4\"/><w:insideH w:val=\"single\" w:sz=\"4\"/><w:insideV w:val=\"single\" w:sz=\"4\"/>\
         </w:tblBorders></w:tblPr><w:tblGrid>",
    );
    for w in widths {
        out.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    out.push_str("</w:tblGrid>");
    for (i, r) in rows.iter().enumerate() {
        // The first row is the header: repeated at the top of each page.
        out.push_str(if i == 0 { "<w:tr><w:trPr><w:tblHeader/></w:trPr>" } else { "<w:tr>" });
        for (c, w) in r.iter().zip(widths) {
            out.push_str(&cell(if c.is_empty() { "<w:p/>" } else { c }, *w));
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
    out
}

/// Word tracked changes for a text diff, so the lawyer sees insertions and deletions.
fn tracked(ops: &[Op], date: &str) -> String {
    let mut out = String::new();
    for (id, op) in ops.iter().enumerate() {
        for (i, piece) in match op {
            Op::Equal(t) | Op::Insert(t) | Op::Delete(t) => t.split('\n').enumerate().collect::<Vec<_>>(),
        } {
            if i > 0 {
                out.push_str("<w:r><w:br/></w:r>");
            }
            if piece.is_empty() {
                continue;
            }
            match op {
                Op::Equal(_) => out.push_str(&run(piece, "")),
                Op::Insert(_) => out.push_str(&format!(
                    "<w:ins w:id=\"{}\" w:author=\"Consentry\" w:date=\"{date}\">{}</w:ins>",
                    id * 100 + i,
                    run(piece, "")
                )),
                Op::Delete(_) => out.push_str(&format!(
                    "<w:del w:id=\"{}\" w:author=\"Consentry\" w:date=\"{date}\"><w:r><w:delText xml:space=\"preserve\">{}</w:delText></w:r></w:del>",
                    id * 100 + i,
                    x(piece)
                )),
            }
        }
    }
    para(&out, None)
}

fn document_xml(p: &Packet) -> String {
    let v = &p.version;
    let r = &v.rendered;
    let mut body = String::new();
    body.push_str(&para(&run(&format!("{} / {}", v.title.zh, v.title.en), ""), Some("Title")));
    let meta = [
        ("Notice / 告知", v.notice.clone()),
        ("Version / 版本", format!("{} ({})", v.number, v.state.as_str())),
        ("SHA-256 zh-CN", r.hash_zh.clone()),
        ("SHA-256 en", r.hash_en.clone()),
        ("Profile / 处理档案", format!("{} (rev {})", v.profile_name, v.profile_rev)),
        ("Template / 模板", format!("{} (rev {})", v.template_name, v.template_rev)),
        ("Author / 起草人", format!("{}, {}", v.author, when(v.created_at_ms))),
        (
            "Approved / 批准",
            match (&v.approved_by, v.approved_at_ms) {
                (Some(by), Some(at)) => format!("{by}, {}", when(at)),
                _ => "—".into(),
            },
        ),
    ];
    let rows: Vec<Vec<String>> =
        meta.iter().map(|(k, val)| vec![para(&run(k, "<w:b/>"), None), para(&run(val, ""), None)]).collect();
    body.push_str(&table(&rows, &[2800, 6800]));

    body.push_str(&para(&run("Wording / 文本", ""), Some("Heading1")));
    body.push_str(&table(&wording_rows(&r.text_zh, &r.text_en), &[4800, 4800]));

    body.push_str(&para(&run("Consent form / 同意表单", ""), Some("Heading1")));
    for c in r.form.controls() {
        body.push_str(&para(&run(&format!("☐ {} / {} [{}]", c.label.zh, c.label.en, c.kind), ""), None));
    }
    if r.form.guardian.is_some() {
        body.push_str(&para(
            &run("Guardian path for children under 14 / 不满十四周岁未成年人的监护人同意流程", ""),
            None,
        ));
    }

    body.push_str(&para(
        &run(
            &format!("Compliance lint / 合规检查: {} error(s), {} warning(s)", r.lint.errors(), r.lint.warnings()),
            "",
        ),
        Some("Heading1"),
    ));
    if !r.lint.findings.is_empty() {
        let mut rows = vec![["Severity", "Article", "Finding / 问题", "Fix / 修正"]
            .iter()
            .map(|h| para(&run(h, "<w:b/>"), None))
            .collect()];
        for f in &r.lint.findings {
            rows.push(vec![
                para(
                    &run(
                        f.severity.as_str(),
                        if f.severity == Severity::Error { "<w:b/><w:color w:val=\"C00000\"/>" } else { "" },
                    ),
                    None,
                ),
                para(&run(f.article, ""), None),
                format!("{}{}", para(&run(&f.message.en, ""), None), para(&run(&f.message.zh, ""), None)),
                para(&run(&f.fix_clause.map(|c| format!("clause/{c}")).unwrap_or_default(), ""), None),
            ]);
        }
        body.push_str(&table(&rows, &[1200, 2400, 4400, 1600]));
    }

    if let Some(d) = &p.diff {
        body.push_str(&para(
            &run(&format!("Changes since version {} / 与第{}版相比的变化", d.from, d.from), ""),
            Some("Heading1"),
        ));
        if d.material.is_empty() {
            body.push_str(&para(&run("No change to the processing. / 处理活动未变化。", ""), None));
        }
        for m in &d.material {
            let mark = if m.needs_fresh_consent { "Needs fresh consent / 需重新取得同意: " } else { "" };
            body.push_str(&para(
                &format!("{}{}", run(mark, "<w:b/>"), run(&format!("{} / {}", m.message.en, m.message.zh), "")),
                None,
            ));
        }
        let date = v.updated_at_ms;
        let date = from_parts(date, 0).format("%Y-%m-%dT%H:%M:%SZ").to_string();
        body.push_str(&para(&run("中文", ""), Some("Heading2")));
        body.push_str(&tracked(&d.text[0].ops, &date));
        body.push_str(&para(&run("English", ""), Some("Heading2")));
        body.push_str(&tracked(&d.text[1].ops, &date));
    }

    if !v.comments.is_empty() {
        body.push_str(&para(&run("Review history / 审阅记录", ""), Some("Heading1")));
        for c in &v.comments {
            body.push_str(&para(
                &format!(
                    "{}{}",
                    run(&format!("{} {} {}: ", when(c.at_ms), c.author, c.verdict), "<w:b/>"),
                    run(&c.body, "")
                ),
                None,
            ));
        }
    }

    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" w:header=\"708\" w:footer=\"708\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
    )
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

const DOC_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="SimSun"/><w:sz w:val="21"/><w:lang w:val="en-GB" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="80"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:rPr><w:b/><w:sz w:val="36"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="240"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="160"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="360"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="360"/><w:pBdr><w:left w:val="single" w:sz="12" w:space="8" w:color="888888"/></w:pBdr></w:pPr></w:style><w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/></w:style></w:styles>"#;

/// The packet as a `.docx` (Office Open XML) document.
pub fn docx(p: &Packet) -> Result<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| {
        tracing::error!(error = %e, "docx");
        Error::from(&msg::DOCX_FAILED)
    };
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut zip = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default()
            // Stored, not deflated: a packet is a few dozen KiB, and Word reads stored parts;
            // it keeps a compressor out of the shipped binaries.
            .compression_method(zip::CompressionMethod::Stored)
            .last_modified_time(zip::DateTime::default());
        for (name, content) in [
            ("[Content_Types].xml", CONTENT_TYPES.to_string()),
            ("_rels/.rels", RELS.to_string()),
            ("word/_rels/document.xml.rels", DOC_RELS.to_string()),
            ("word/styles.xml", STYLES.to_string()),
            ("word/document.xml", document_xml(p)),
        ] {
            zip.start_file(name, opts).map_err(|e| fail(&e))?;
            zip.write_all(content.as_bytes()).map_err(|e| fail(&e))?;
        }
        zip.finish().map_err(|e| fail(&e))?;
    }
    Ok(buf.into_inner())
}

/// Which file the export writes, chosen by the extension.
pub fn format_for(path: &std::path::Path) -> Result<&'static str> {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("html") | Some("htm") => Ok("html"),
        Some("docx") => Ok("docx"),
        _ => Err(msg::PACKET_EXTENSION.with("path", path.display()).into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wording_is_one_row_per_section_zh_beside_en() {
        let zh = "# 标题\n\n开头。\n\n## 处理者 {: #controller}\n\n名称。\n\n## 目的\n\n- 一\n";
        let en = "# Title\n\nOpening.\n\n## Controller\n\nName.\n\n## Purposes\n\n- one\n";
        let rows = wording_rows(zh, en);
        assert_eq!(rows.len(), 4, "a header and three sections");
        assert!(rows[2][0].contains("处理者") && rows[2][0].contains("名称。"), "{:?}", rows[2]);
        assert!(rows[2][1].contains("Controller") && rows[2][1].contains("Name."), "{:?}", rows[2]);
        assert!(!rows[2][0].contains("目的"), "each section in its own row");
        assert!(!rows[2][0].contains("#controller"), "section marks are not shown: {:?}", rows[2]);
        // Unequal sections: the extra one gets a row beside an empty cell.
        let rows = wording_rows(zh, "# Title\n\nOpening.\n");
        assert_eq!(rows.len(), 4);
        assert!(rows[3][1].is_empty() && rows[3][0].contains("目的"));
        // The header row repeats on each page.
        assert!(
            table(&rows, &[4800, 4800]).starts_with("<w:tbl>")
                && table(&rows, &[4800, 4800]).contains("<w:tblHeader/>")
        );
    }
}
