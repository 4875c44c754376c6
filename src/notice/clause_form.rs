//! A clause as a form: its comment, when it is shown, and its pieces (headings with their
//! section marks, paragraphs, bullet items, emphasised lines, and items repeated for each
//! entry of a list), in both languages. Legal staff edit the pieces' words; the form writes
//! the template source.
//!
//! A clause is offered as a form only when the form writes back exactly its source, in both
//! languages, and both languages have the same pieces: a clause with template logic the form
//! cannot show (an `{% if %}` inside the clause, `{% set %}`, a filter in a value) is edited
//! as source. So opening a clause in the form and saving it unchanged never changes a byte.

use crate::domain::error::{Error, Result};
use crate::domain::messages as msg;
use crate::notice::markdown::heading_marks;
use crate::notice::profile::Bilingual;

/// What a piece of a clause is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PieceKind {
    /// A `## ` heading.
    Heading2,
    /// A `### ` heading.
    Heading3,
    /// A paragraph.
    Paragraph,
    /// A `- ` bullet item.
    Item,
    /// A `> ` emphasised line.
    Quote,
}

impl PieceKind {
    fn prefix(self) -> &'static str {
        match self {
            PieceKind::Heading2 => "## ",
            PieceKind::Heading3 => "### ",
            PieceKind::Paragraph => "",
            PieceKind::Item => "- ",
            PieceKind::Quote => "> ",
        }
    }

    fn is_heading(self) -> bool {
        matches!(self, PieceKind::Heading2 | PieceKind::Heading3)
    }
}

/// A piece repeated for each entry of a list: `{% for r in retention %}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Each {
    /// The name of one entry in the text, such as `r` (`{{ r.period }}`).
    pub name: String,
    /// The list, such as `retention`.
    pub list: String,
}

/// One piece of a clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    /// Heading, paragraph, item or emphasised line.
    pub kind: PieceKind,
    /// Its words, with values as `{{ name }}`; one line in each language.
    pub text: Bilingual,
    /// A heading's section marks (`withdrawal` for `{: #withdrawal}`).
    pub marks: Vec<String>,
    /// Repeated for each entry of a list, or not.
    pub each: Option<Each>,
    /// Whether a blank line follows it.
    pub gap: bool,
}

/// A clause as a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseForm {
    /// The comment at its top (the articles it answers, when it is shown), per language.
    pub comment: Bilingual,
    /// The condition it is shown on (`recipients`, `minors.in_scope`); empty: always.
    pub when: String,
    /// Its pieces, in order.
    pub pieces: Vec<Piece>,
}

/// One language's reading of a source.
struct Side {
    comment: String,
    when: String,
    pieces: Vec<(Piece, String)>,
}

fn tag<'a>(line: &'a str, open: &str) -> Option<&'a str> {
    line.strip_prefix("{% ")?.strip_prefix(open)?.strip_suffix(" %}").map(str::trim)
}

/// Whether every `{{ … }}` in a line is a plain value (`name` or `a.b`), and no other
/// template syntax is there.
fn plain_line(line: &str) -> bool {
    if line.contains("{%") || line.contains("{#") || line.contains("%}") || line.contains("#}") {
        return false;
    }
    let mut rest = line;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open..].find("}}") else { return false };
        let inner = rest[open + 2..open + close].trim();
        let ok = !inner.is_empty()
            && inner.split('.').all(|p| {
                !p.is_empty()
                    && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !p.starts_with(char::is_numeric)
            });
        if !ok {
            return false;
        }
        rest = &rest[open + close + 2..];
    }
    !rest.contains("}}")
}

fn name_ok(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && !s.starts_with(char::is_numeric)
}

fn read_piece(line: &str) -> Option<(PieceKind, String, Vec<String>)> {
    if !plain_line(line) || line.trim().is_empty() || line != line.trim_end() {
        return None;
    }
    for kind in [PieceKind::Heading3, PieceKind::Heading2, PieceKind::Item, PieceKind::Quote] {
        if let Some(body) = line.strip_prefix(kind.prefix()) {
            if kind.is_heading() {
                let (text, marks) = heading_marks(body);
                return Some((kind, text.to_string(), marks));
            }
            return Some((kind, body.to_string(), Vec::new()));
        }
    }
    (!line.starts_with('#') && !line.starts_with('>') && !line.starts_with("- "))
        .then(|| (PieceKind::Paragraph, line.to_string(), Vec::new()))
}

fn read_side(source: &str) -> Option<Side> {
    let body = source.strip_suffix('\n')?;
    let mut lines: Vec<&str> = body.split('\n').collect();
    let mut comment = String::new();
    if let Some(c) = lines.first().and_then(|l| l.strip_prefix("{#- ")?.strip_suffix(" -#}")) {
        comment = c.to_string();
        lines.remove(0);
    }
    let mut when = String::new();
    if let Some(w) = lines.first().and_then(|l| tag(l, "if ")) {
        if lines.last() != Some(&"{% endif %}") || lines.len() < 2 {
            return None;
        }
        when = w.to_string();
        lines.remove(0);
        lines.pop();
    }
    let mut pieces: Vec<(Piece, String)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.is_empty() {
            let last = pieces.last_mut()?;
            if last.0.gap {
                return None;
            }
            last.0.gap = true;
            i += 1;
            continue;
        }
        let each = match tag(line, "for ") {
            Some(head) => {
                let (name, list) = head.split_once(" in ")?;
                let list_ok = list.split('.').all(name_ok);
                if !name_ok(name) || !list_ok || lines.get(i + 2) != Some(&"{% endfor %}") {
                    return None;
                }
                i += 1;
                Some(Each { name: name.into(), list: list.into() })
            }
            None => None,
        };
        let (kind, text, marks) = read_piece(lines[i])?;
        if each.is_some() && kind.is_heading() {
            return None;
        }
        i += if each.is_some() { 2 } else { 1 };
        let piece = Piece { kind, text: Bilingual::default(), marks, each, gap: false };
        pieces.push((piece, text));
    }
    Some(Side { comment, when, pieces })
}

fn write_side(comment: &str, when: &str, pieces: &[Piece], zh: bool) -> String {
    let mut out = String::new();
    if !comment.is_empty() {
        out.push_str(&format!("{{#- {comment} -#}}\n"));
    }
    if !when.is_empty() {
        out.push_str(&format!("{{% if {when} %}}\n"));
    }
    for p in pieces {
        if let Some(e) = &p.each {
            out.push_str(&format!("{{% for {} in {} %}}\n", e.name, e.list));
        }
        out.push_str(p.kind.prefix());
        out.push_str(p.text.get(zh));
        if p.kind.is_heading() && !p.marks.is_empty() {
            let marks: Vec<String> = p.marks.iter().map(|m| format!("#{m}")).collect();
            out.push_str(&format!(" {{: {}}}", marks.join(" ")));
        }
        out.push('\n');
        if p.each.is_some() {
            out.push_str("{% endfor %}\n");
        }
        if p.gap {
            out.push('\n');
        }
    }
    if !when.is_empty() {
        out.push_str("{% endif %}\n");
    }
    out
}

/// The form of a clause, when the form can hold it exactly (see the module's comment).
pub fn read(source: &Bilingual) -> Option<ClauseForm> {
    let (zh, en) = (read_side(&source.zh)?, read_side(&source.en)?);
    if zh.when != en.when || zh.pieces.len() != en.pieces.len() {
        return None;
    }
    let mut pieces = Vec::with_capacity(zh.pieces.len());
    for ((a, text_zh), (b, text_en)) in zh.pieces.into_iter().zip(en.pieces) {
        if a != b {
            return None;
        }
        pieces.push(Piece { text: Bilingual { zh: text_zh, en: text_en }, ..a });
    }
    let form = ClauseForm { comment: Bilingual { zh: zh.comment, en: en.comment }, when: zh.when, pieces };
    (write(&form).ok().as_ref() == Some(source)).then_some(form)
}

/// The template source a form writes, in both languages. A piece's words must be one line
/// without template logic, a mark a lower-case name; the message says which piece to fix.
pub fn write(form: &ClauseForm) -> Result<Bilingual> {
    let piece_error = |n: usize, problem: &'static msg::Text| -> Error {
        msg::CLAUSE_FORM_PIECE.with("n", n + 1).term("problem", problem).into()
    };
    if form.when.contains("%}")
        || form.when.contains('\n')
        || form.comment.zh.contains("#}")
        || form.comment.en.contains("#}")
    {
        return Err(msg::CLAUSE_FORM_WHEN.into_message().into());
    }
    for (n, p) in form.pieces.iter().enumerate() {
        for text in [&p.text.zh, &p.text.en] {
            if text.contains('\n') {
                return Err(piece_error(n, &msg::CLAUSE_PROBLEM_LINES));
            }
            if text.trim().is_empty() || !plain_line(text) || text != text.trim() {
                return Err(piece_error(n, &msg::CLAUSE_PROBLEM_SYNTAX));
            }
        }
        if p.marks.iter().any(|m| {
            !m.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-') || m.is_empty()
        }) {
            return Err(piece_error(n, &msg::CLAUSE_PROBLEM_MARK));
        }
        if let Some(e) = &p.each {
            if !name_ok(&e.name) || !e.list.split('.').all(name_ok) || p.kind.is_heading() {
                return Err(piece_error(n, &msg::CLAUSE_PROBLEM_EACH));
            }
        }
    }
    let zh = write_side(&form.comment.zh, &form.when, &form.pieces, true);
    let en = write_side(&form.comment.en, &form.when, &form.pieces, false);
    Ok(Bilingual { zh, en })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notice::template::{starter_library, TemplateKind};

    #[test]
    fn the_starter_clauses_the_form_can_hold_read_back_exactly() {
        let mut held = Vec::new();
        for t in starter_library().into_iter().filter(|t| t.kind == TemplateKind::Clause) {
            let source = Bilingual { zh: t.source_zh.clone(), en: t.source_en.clone() };
            if let Some(form) = read(&source) {
                assert_eq!(write(&form).unwrap(), source, "{}", t.name);
                held.push(t.name);
            }
        }
        held.sort();
        // The others hold logic inside the clause (the zh withdrawal clause's GDPR-only phrase).
        assert_eq!(held, ["processors", "retention"]);
    }

    #[test]
    fn the_retention_clause_reads_as_its_pieces() {
        let t = starter_library().into_iter().find(|t| t.name == "retention").unwrap();
        let form = read(&Bilingual { zh: t.source_zh, en: t.source_en }).unwrap();
        assert_eq!(form.when, "retention");
        assert!(form.comment.en.starts_with("How long we keep data"));
        let kinds: Vec<PieceKind> = form.pieces.iter().map(|p| p.kind).collect();
        use PieceKind::*;
        assert_eq!(kinds, [Heading2, Paragraph, Item, Paragraph]);
        assert_eq!(form.pieces[0].marks, ["retention"]);
        assert_eq!(form.pieces[0].text.zh, "保存期限");
        assert_eq!(form.pieces[2].each, Some(Each { name: "r".into(), list: "retention".into() }));
        assert_eq!(form.pieces[2].text.en, "{{ r.applies_to_name }}: {{ r.period }}");
        assert!(form.pieces.iter().all(|p| p.gap));
    }

    #[test]
    fn logic_the_form_cannot_show_keeps_the_source_editor() {
        let bi = |s: &str| Bilingual { zh: s.into(), en: s.into() };
        for source in [
            "## A\n\n{% if x %}\nB\n{% endif %}\n",
            "## A\n\n{{ x|upper }}\n",
            "## A\n\nB {{ \"c\" if d else \"\" }}\n",
            "{% set a = 1 %}\n## A\n",
            "## A\n\n\nB\n",
            "## A\nno newline at the end",
            "{% for r in x %}\n## A\n{% endfor %}\n",
        ] {
            assert_eq!(read(&bi(source)), None, "{source:?}");
        }
        let differ = Bilingual { zh: "## 甲\n\n乙\n".into(), en: "## A\n\n- B\n".into() };
        assert_eq!(read(&differ), None, "the languages must have the same pieces");
    }

    #[test]
    fn a_form_with_template_logic_in_its_words_is_refused() {
        let form = ClauseForm {
            comment: Bilingual::default(),
            when: String::new(),
            pieces: vec![Piece {
                kind: PieceKind::Paragraph,
                text: Bilingual { zh: "甲 {% if x %}".into(), en: "A".into() },
                marks: vec![],
                each: None,
                gap: false,
            }],
        };
        assert!(write(&form).is_err());
        let mut ok = form.clone();
        ok.pieces[0].text.zh = "甲 {{ controller.name }}".into();
        assert_eq!(write(&ok).unwrap().zh, "甲 {{ controller.name }}\n");
    }

    mod property {
        use super::super::*;
        use proptest::prelude::*;

        fn text() -> impl Strategy<Value = String> {
            "[a-zA-Z0-9 ,.:；。甲乙]{0,12}( \\{\\{ [a-z]{1,4}(\\.[a-z]{1,4})? \\}\\})?[a-z。]{1,3}"
                .prop_filter("one trimmed line", |s| s == s.trim() && !s.is_empty())
        }

        fn piece() -> impl Strategy<Value = Piece> {
            let kind = prop_oneof![
                Just(PieceKind::Heading2),
                Just(PieceKind::Heading3),
                Just(PieceKind::Paragraph),
                Just(PieceKind::Item),
                Just(PieceKind::Quote)
            ];
            (
                kind,
                text(),
                text(),
                proptest::collection::vec("[a-z]{1,8}", 0..3),
                proptest::option::of("[a-z]{1,3}"),
                any::<bool>(),
            )
                .prop_map(|(kind, zh, en, marks, each, gap)| Piece {
                    kind,
                    text: Bilingual { zh, en },
                    marks: if kind.is_heading() { marks } else { vec![] },
                    each: each.filter(|_| !kind.is_heading()).map(|n| Each { name: n, list: "recipients".into() }),
                    gap,
                })
        }

        proptest! {
            /// What the form writes, it reads back as the same form.
            #[test]
            fn a_form_reads_back_as_it_was_written(
                pieces in proptest::collection::vec(piece(), 1..8),
                when in proptest::option::of("[a-z]{1,6}(\\.[a-z_]{1,6})?"),
            ) {
                // A paragraph starting like another kind would read as that kind.
                let pieces: Vec<Piece> = pieces.into_iter().filter(|p| {
                    p.kind != PieceKind::Paragraph || !(p.text.zh.starts_with(['#', '>']) || p.text.en.starts_with(['#', '>']) || p.text.zh.starts_with("- ") || p.text.en.starts_with("- "))
                }).collect();
                prop_assume!(!pieces.is_empty());
                let form = ClauseForm { comment: Bilingual { zh: "注".into(), en: "Note".into() }, when: when.unwrap_or_default(), pieces };
                let source = write(&form).unwrap();
                prop_assert_eq!(read(&source), Some(form));
            }
        }
    }
}
