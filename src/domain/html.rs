//! The little HTML the printable documents need: escaping, and one page shell.

/// Escapes text for HTML element content and attribute values: the one escaping function
/// behind every document Consentry writes (receipts, access copies, notices, review packets).
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

/// A whole standalone page: no script, no external resource, printable.
pub(crate) fn page(lang: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
<title>{title}</title>\n<style>\n\
body{{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif;max-width:48em;margin:2em auto;padding:0 1em;color:#1b1f24;line-height:1.5}}\n\
h1{{font-size:1.5em;margin-bottom:.2em}} h2{{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccd;padding-bottom:.2em}}\n\
table{{border-collapse:collapse;width:100%}} th,td{{text-align:left;border-bottom:1px solid #dde;padding:.35em .5em;vertical-align:top}}\n\
code{{font-family:monospace;word-break:break-all}} .en{{color:#444}} .muted{{color:#666;font-size:.9em}}\n\
.id{{font-size:1.4em;letter-spacing:.12em;font-family:monospace}}\n\
@media print{{body{{margin:0}}}}\n\
</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        title = escape(title)
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup() {
        assert_eq!(super::escape("<b a=\"1\">'&'</b>"), "&lt;b a=&quot;1&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;");
    }
}
