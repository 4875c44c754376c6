//! The small Markdown subset notices are written in, and its HTML. Every piece of text is
//! escaped here, so a value typed into a profile can never become markup: `# ` to `### `
//! headings, `- ` bullet items, `> ` emphasised lines, blank-line paragraphs and `**bold**`.
//! A heading may end with section marks (`## Rights {: #rights}`): they say which element
//! the section states, for the lint, and are never shown.
//!
//! **Why this is not `pulldown-cmark`.** Moving onto pulldown-cmark 0.13.6 (raw HTML as
//! escaped text, the subset enforced over its events, anything else as escaped source) was
//! measured against this parser, and kept out, for two reasons:
//!
//! - *It drops bold in the Chinese notices.* Of the six starter notices, the three English
//!   ones render byte-identically; the three zh-CN ones do not: 8 paragraphs lose their bold,
//!   and they are the sentences PIPL wants prominent (separate consent for sensitive data,
//!   for sharing with another handler, for transfers abroad). `**…同意。**您…` is not bold in
//!   CommonMark because a closing `**` after CJK punctuation and before a CJK letter is not
//!   "right-flanking" (commonmark-spec issue 650); 0.13.6 has no CJK-friendly option.
//! - *Its grammar is not this one.* Of 31 probes at the edge of the subset, 18 render
//!   differently: a line after a `- ` item or a `>` line joins it (lazy continuation), `> a`
//!   and `> b` become one paragraph, `#### `, `* `, `1. `, `Title` over `===`, `---`,
//!   four-space indents and fences become headings, lists, rules and code, `*a*`, `` `c` ``,
//!   `[l](u)`, `\*` and `&amp;` are interpreted instead of shown as typed, `** a **` stops
//!   being bold, and a line starting `<script>` becomes an HTML block (still escaped, but no
//!   longer a paragraph, and its bold is lost).
//!
//! Keeping today's output would mean pairing `**` ourselves and falling back to the source
//! text for most of pulldown-cmark's block kinds: this grammar again, plus a dependency. The
//! subset is line-based with no nesting, and every byte of text goes through [`escape`], so
//! the parser has no state in which typed text could become markup.

pub use crate::domain::html::escape;

/// A run of text, bold or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    /// The text, unescaped.
    pub text: String,
    /// Whether it was written `**bold**`.
    pub bold: bool,
}

/// What a block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// A heading of level 1 to 3.
    Heading(u8),
    /// A paragraph (its lines are kept).
    Paragraph,
    /// A bullet item.
    Item,
    /// An emphasised, quoted line.
    Quote,
}

/// A block of the notice, with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// Heading, paragraph, item or quote.
    pub kind: BlockKind,
    /// 1-based line in the text.
    pub line: usize,
    /// The block's lines, each a list of spans.
    pub lines: Vec<Vec<Span>>,
    /// A heading's section marks (`## Title {: #withdrawal}`), which are not shown.
    pub ids: Vec<String>,
}

/// Splits a heading's text from the section marks at its end: `Withdrawing {: #withdrawal
/// #rights}` is `Withdrawing` with `withdrawal` and `rights`. Marks tell the lint which
/// element a section states; every renderer hides them. Text that is not a well-formed
/// mark list (`{: #}`, `{: x}`) is kept as typed.
pub fn heading_marks(body: &str) -> (&str, Vec<String>) {
    let t = body.trim_end();
    let Some(open) = t.rfind("{:").filter(|_| t.ends_with('}')) else {
        return (body, Vec::new());
    };
    let inner = &t[open + 2..t.len() - 1];
    let ids: Option<Vec<String>> = inner
        .split_whitespace()
        .map(|w| {
            let id = w.strip_prefix('#')?;
            let ok = !id.is_empty()
                && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
            ok.then(|| id.to_string())
        })
        .collect();
    match ids {
        Some(ids) if !ids.is_empty() => (t[..open].trim_end(), ids),
        _ => (body, Vec::new()),
    }
}

fn spans(text: &str) -> Vec<Span> {
    let parts: Vec<&str> = text.split("**").collect();
    let markers = parts.len() - 1;
    let paired = markers - markers % 2;
    let mut out: Vec<Span> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        // An unpaired last `**` is kept as typed.
        let bold = i % 2 == 1 && i <= paired;
        let mut text = String::new();
        if i > paired {
            text.push_str("**");
        }
        text.push_str(part);
        if text.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(last) if last.bold == bold => last.text.push_str(&text),
            _ => out.push(Span { text, bold }),
        }
    }
    out
}

/// Parses notice Markdown into blocks.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut in_paragraph = false;
    for (n, raw) in text.lines().enumerate() {
        let line = n + 1;
        let t = raw.trim();
        if t.is_empty() {
            in_paragraph = false;
            continue;
        }
        let heading = ["### ", "## ", "# "].iter().position(|p| t.starts_with(p));
        let (kind, body) = if let Some(i) = heading {
            (BlockKind::Heading(3 - i as u8), &t[4 - i..])
        } else if let Some(b) = t.strip_prefix("- ") {
            (BlockKind::Item, b)
        } else if let Some(b) = t.strip_prefix('>') {
            (BlockKind::Quote, b)
        } else {
            (BlockKind::Paragraph, t)
        };
        if kind == BlockKind::Paragraph && in_paragraph {
            if let Some(last) = out.last_mut() {
                last.lines.push(spans(body.trim()));
                continue;
            }
        }
        in_paragraph = kind == BlockKind::Paragraph;
        let (body, ids) = if heading.is_some() { heading_marks(body) } else { (body, Vec::new()) };
        out.push(Block { kind, line, lines: vec![spans(body.trim())], ids });
    }
    out
}

fn spans_html(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| if s.bold { format!("<strong>{}</strong>", escape(&s.text)) } else { escape(&s.text) })
        .collect()
}

/// Converts notice Markdown to an HTML fragment. Each block keeps its line number in a
/// `data-line` attribute so that a lint finding can point at the place.
pub fn to_html(text: &str) -> String {
    let mut out = String::new();
    let mut open: Option<BlockKind> = None;
    for b in blocks(text) {
        let group = matches!(b.kind, BlockKind::Item | BlockKind::Quote).then_some(b.kind);
        if open != group {
            match open {
                Some(BlockKind::Item) => out.push_str("</ul>\n"),
                Some(_) => out.push_str("</blockquote>\n"),
                None => {}
            }
            match group {
                Some(BlockKind::Item) => out.push_str("<ul>\n"),
                Some(_) => out.push_str("<blockquote>\n"),
                None => {}
            }
            open = group;
        }
        let body = b.lines.iter().map(|l| spans_html(l)).collect::<Vec<_>>().join("<br>\n");
        let line = b.line;
        match b.kind {
            BlockKind::Heading(level) => out.push_str(&format!("<h{level} data-line=\"{line}\">{body}</h{level}>\n")),
            BlockKind::Item => out.push_str(&format!("<li data-line=\"{line}\">{body}</li>\n")),
            BlockKind::Paragraph | BlockKind::Quote => out.push_str(&format!("<p data-line=\"{line}\">{body}</p>\n")),
        }
    }
    match open {
        Some(BlockKind::Item) => out.push_str("</ul>\n"),
        Some(_) => out.push_str("</blockquote>\n"),
        None => {}
    }
    out
}

/// The text without Markdown marks, for plain-text output and receipts.
pub fn to_plain(text: &str) -> String {
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            let heading = ["### ", "## ", "# "].iter().any(|p| t.starts_with(p));
            let t = t.trim_start_matches('#').trim_start();
            let t = if heading { heading_marks(t).0 } else { t };
            let t = t.strip_prefix("> ").unwrap_or(t);
            t.replace("**", "")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_and_escaping() {
        let html = to_html("# Title <x>\n\nA & B\nsecond\n\n- one\n- **two**\n\n> note\n");
        assert_eq!(
            html,
            "<h1 data-line=\"1\">Title &lt;x&gt;</h1>\n<p data-line=\"3\">A &amp; B<br>\nsecond</p>\n<ul>\n<li data-line=\"6\">one</li>\n<li data-line=\"7\"><strong>two</strong></li>\n</ul>\n<blockquote>\n<p data-line=\"9\">note</p>\n</blockquote>\n"
        );
    }

    #[test]
    fn injected_markup_stays_text() {
        let html = to_html("<script>alert(1)</script> **<img src=x onerror=y>**");
        assert!(!html.contains("<script"));
        assert!(!html.contains("<img"));
        assert!(html.contains("&lt;img src=x onerror=y&gt;"));
    }

    #[test]
    fn unpaired_bold_is_kept() {
        assert_eq!(spans_html(&spans("a ** b")), "a ** b");
        assert_eq!(spans_html(&spans("**a** b")), "<strong>a</strong> b");
        assert_eq!(spans_html(&spans("**a** b **c")), "<strong>a</strong> b **c");
    }

    #[test]
    fn plain_drops_marks() {
        assert_eq!(to_plain("## A\n- **b**\n> c"), "A\n- b\nc");
        assert_eq!(to_plain("## A {: #rights}\nB {: #rights}"), "A\nB {: #rights}");
    }

    #[test]
    fn section_marks_are_read_and_hidden() {
        assert_eq!(
            heading_marks("Rights {: #rights #withdrawal}"),
            ("Rights", vec!["rights".into(), "withdrawal".into()])
        );
        for kept in ["Rights {: rights}", "Rights {: #}", "Rights {: #Rights}", "Rights {:}", "{: #a} b"] {
            assert_eq!(heading_marks(kept), (kept, Vec::new()), "{kept}");
        }
        let html = to_html("## Your rights {: #rights}\n\nText {: #rights}\n");
        assert_eq!(html, "<h2 data-line=\"1\">Your rights</h2>\n<p data-line=\"3\">Text {: #rights}</p>\n");
        assert_eq!(blocks("# T {: #controller}")[0].ids, ["controller"]);
    }
}
