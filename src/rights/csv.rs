//! A small, strict CSV reader and writer (RFC 4180: comma-separated, fields quoted with `"`
//! when they hold a comma, a quote or a line break, quotes doubled inside, CRLF between
//! records), with formula-injection neutralising on the way out.
//!
//! **Formula injection.** A spreadsheet reads a cell that starts with `=`, `+`, `-`, `@`, a
//! tab or a carriage return as a formula, which can run commands or leak data when someone
//! opens the export. Every cell written here that starts with one of those characters gets
//! a leading apostrophe (`'`), which spreadsheets show as text; so `+49 30 1234567` is
//! written `'+49 30 1234567`. Nothing else is changed.

use std::borrow::Cow;

/// The characters that make a spreadsheet read a cell as a formula.
pub const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A cell made safe for spreadsheets: a leading `'` before a formula character.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if FORMULA_START.contains(&c) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Appends one record (neutralised, quoted where needed, CRLF-terminated).
pub fn write_record<S: AsRef<str>>(out: &mut String, cells: &[S]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let cell = neutralise(cell.as_ref());
        // A leading U+FEFF would be read back as a byte-order mark: quote it too.
        if cell.contains([',', '"', '\r', '\n']) || cell.starts_with('\u{feff}') {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push_str("\r\n");
}

/// One record read from a file, with the line it starts on (from 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The line of the file the record starts on.
    pub line: usize,
    /// Its cells.
    pub cells: Vec<String>,
}

/// Why a file could not be read as CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The line where the problem is.
    pub line: usize,
    /// What is wrong, in a sentence.
    pub reason: String,
}

/// Reads CSV text: a UTF-8 byte-order mark is skipped, CRLF and LF both end records, and
/// blank lines are skipped. Strict about quotes, so that a damaged file is refused rather
/// than read wrongly.
pub fn parse(bytes: &[u8]) -> Result<Vec<Record>, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        ParseError { line, reason: "the file is not UTF-8 text; save it as \"CSV UTF-8\" and try again".into() }
    })?;
    let mut records = Vec::new();
    let mut cells: Vec<String> = Vec::new();
    let mut cell = String::new();
    let mut line = 1usize;
    let mut start_line = 1usize;
    let mut chars = text.chars().peekable();
    let mut at_cell_start = true;
    let mut quoted_cell = false;
    let finish_record = |cells: &mut Vec<String>, cell: &mut String, records: &mut Vec<Record>, start: usize| {
        cells.push(std::mem::take(cell));
        let row = std::mem::take(cells);
        if !(row.len() == 1 && row[0].is_empty()) {
            records.push(Record { line: start, cells: row });
        }
    };
    while let Some(c) = chars.next() {
        if at_cell_start && c == '"' {
            at_cell_start = false;
            quoted_cell = true;
            let opened = line;
            loop {
                match chars.next() {
                    None => {
                        return Err(ParseError {
                            line: opened,
                            reason: "a quoted cell is never closed; check for a missing \"".into(),
                        })
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        cell.push('"');
                    }
                    Some('"') => break,
                    Some(ch) => {
                        if ch == '\n' {
                            line += 1;
                        }
                        cell.push(ch);
                    }
                }
            }
            match chars.peek() {
                None | Some(',') | Some('\n') | Some('\r') => {}
                Some(_) => {
                    return Err(ParseError {
                        line,
                        reason: "text follows a closing quote; a quote inside a cell is written as \"\"".into(),
                    })
                }
            }
            continue;
        }
        match c {
            ',' => {
                cells.push(std::mem::take(&mut cell));
                at_cell_start = true;
                quoted_cell = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                finish_record(&mut cells, &mut cell, &mut records, start_line);
                line += 1;
                start_line = line;
                at_cell_start = true;
                quoted_cell = false;
            }
            '"' => {
                return Err(ParseError {
                    line,
                    reason: "a quote in the middle of a cell; put the whole cell in quotes and double the quote (\"\")"
                        .into(),
                })
            }
            c => {
                if quoted_cell {
                    return Err(ParseError { line, reason: "text follows a closing quote".into() });
                }
                at_cell_start = false;
                cell.push(c);
            }
        }
    }
    if !cells.is_empty() || !cell.is_empty() || quoted_cell {
        finish_record(&mut cells, &mut cell, &mut records, start_line);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_quotes_and_line_breaks() {
        let mut out = String::new();
        write_record(&mut out, &["a", "b,c", "say \"hi\"", "two\nlines", ""]);
        write_record(&mut out, &["=1+1", "-3", "@x", "\tx", "ok"]);
        let back = parse(out.as_bytes()).unwrap();
        assert_eq!(back[0].cells, vec!["a", "b,c", "say \"hi\"", "two\nlines", ""]);
        assert_eq!(back[1].cells, vec!["'=1+1", "'-3", "'@x", "'\tx", "ok"]);
        assert_eq!(back[1].line, 3, "the quoted line break counts");
    }

    #[test]
    fn bom_blank_lines_and_lf() {
        let r = parse(b"\xEF\xBB\xBFa,b\n\n1,2\n").unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(r[1], Record { line: 3, cells: vec!["1".into(), "2".into()] });
    }

    #[test]
    fn damaged_files_are_refused_with_a_line() {
        assert_eq!(parse(b"a,b\n\"open,1\n").unwrap_err().line, 2);
        assert!(parse(b"a,b\nx\"y,1\n").unwrap_err().reason.contains("middle"));
        assert!(parse(b"\"a\"b\n").is_err());
        assert!(parse(b"a,\xff\n").is_err());
    }
}
