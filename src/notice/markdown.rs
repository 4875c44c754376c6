//! The small Markdown subset notices are written in, and its HTML. Every piece of text is
//! escaped here, so a value typed into a profile can never become markup: `# ` to `### `
//! headings, `- ` bullet items, `> ` emphasised lines, blank-line paragraphs and `**bold**`.

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn inline(text: &str) -> String {
    let parts: Vec<&str> = text.split("**").collect();
    let markers = parts.len() - 1;
    let paired = markers - markers % 2;
    let mut out = String::with_capacity(text.len());
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            // An unpaired last `**` is kept as typed.
            out.push_str(match (i <= paired, i % 2 == 1) {
                (true, true) => "<strong>",
                (true, false) => "</strong>",
                (false, _) => "**",
            });
        }
        out.push_str(&escape(part));
    }
    out
}

#[derive(PartialEq)]
enum Block {
    None,
    Para,
    List,
    Quote,
}

/// Converts notice Markdown to an HTML fragment. Each line number is kept in a
/// `data-line` attribute so that a lint finding can point at the place.
pub fn to_html(text: &str) -> String {
    let mut out = String::new();
    let mut block = Block::None;
    let close = |out: &mut String, block: &mut Block| {
        match block {
            Block::Para => out.push_str("</p>\n"),
            Block::List => out.push_str("</ul>\n"),
            Block::Quote => out.push_str("</blockquote>\n"),
            Block::None => {}
        }
        *block = Block::None;
    };
    for (n, raw) in text.lines().enumerate() {
        let line_no = n + 1;
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            close(&mut out, &mut block);
            continue;
        }
        let heading = ["### ", "## ", "# "].iter().position(|p| trimmed.starts_with(p));
        if let Some(i) = heading {
            close(&mut out, &mut block);
            let level = 3 - i;
            let body = &trimmed[level + 1..];
            out.push_str(&format!("<h{level} data-line=\"{line_no}\">{}</h{level}>\n", inline(body.trim())));
        } else if let Some(item) = trimmed.strip_prefix("- ") {
            if block != Block::List {
                close(&mut out, &mut block);
                out.push_str("<ul>\n");
                block = Block::List;
            }
            out.push_str(&format!("<li data-line=\"{line_no}\">{}</li>\n", inline(item.trim())));
        } else if let Some(q) = trimmed.strip_prefix('>') {
            if block != Block::Quote {
                close(&mut out, &mut block);
                out.push_str("<blockquote>\n");
                block = Block::Quote;
            }
            out.push_str(&format!("<p data-line=\"{line_no}\">{}</p>\n", inline(q.trim())));
        } else {
            match block {
                Block::Para => out.push_str("<br>\n"),
                _ => {
                    close(&mut out, &mut block);
                    out.push_str(&format!("<p data-line=\"{line_no}\">"));
                    block = Block::Para;
                }
            }
            out.push_str(&inline(trimmed));
        }
    }
    close(&mut out, &mut block);
    out
}

/// The text without Markdown marks, for plain-text output and receipts.
pub fn to_plain(text: &str) -> String {
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            let t = t.trim_start_matches('#').trim_start();
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
        assert_eq!(inline("a ** b"), "a ** b");
        assert_eq!(inline("**a** b"), "<strong>a</strong> b");
    }

    #[test]
    fn plain_drops_marks() {
        assert_eq!(to_plain("## A\n- **b**\n> c"), "A\n- b\nc");
    }
}
