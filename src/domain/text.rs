//! Rules for text that comes in: invisible code points and length limits, shared by the
//! notice lint and the checks on a person's details.

use crate::domain::error::Result;
use crate::domain::messages::{self as msg, Arg};

/// Code points that make text read differently from how it is stored (Trojan Source), or
/// that show nothing at all: bidirectional controls and isolates, zero-width spaces and
/// joiners, word joiners and invisible operators, the deprecated format controls, the byte
/// order mark, the soft hyphen, the Arabic letter mark, the Mongolian vowel separator, the
/// combining grapheme joiner, Hangul and Khmer fillers that render blank, interlinear
/// annotation controls, Unicode tag characters (which can spell hidden text) and C1 controls.
/// Variation selectors are kept: they choose a glyph (a rare form of a character in a name).
pub fn hidden_characters(text: &str) -> Vec<(usize, char)> {
    text.char_indices()
        .filter(|(_, c)| {
            matches!(
                *c,
                '\u{202A}'..='\u{202E}'
                    | '\u{2066}'..='\u{2069}'
                    | '\u{200B}'..='\u{200F}'
                    | '\u{2060}'..='\u{2064}'
                    | '\u{206A}'..='\u{206F}'
                    | '\u{FEFF}'
                    | '\u{00AD}'
                    | '\u{061C}'
                    | '\u{180E}'
                    | '\u{034F}'
                    | '\u{115F}'
                    | '\u{1160}'
                    | '\u{3164}'
                    | '\u{FFA0}'
                    | '\u{17B4}'
                    | '\u{17B5}'
                    | '\u{FFF9}'..='\u{FFFB}'
                    | '\u{E0000}'..='\u{E007F}'
                    | '\u{0080}'..='\u{009F}'
            )
        })
        .collect()
}

/// The longest each detail of a person may be, in characters.
pub const PERSON_FIELD_MAX: [(&str, usize); 6] =
    [("name", 200), ("email", 254), ("phone", 40), ("company", 200), ("job_title", 200), ("guardian_name", 200)];

/// Checks one detail of a person: at most its length, and no control characters or
/// invisible code points (which would make it read differently from how it is stored).
pub fn check_person_field(field: &str, value: &str) -> Result<()> {
    let max = PERSON_FIELD_MAX.iter().find(|(f, _)| *f == field).map_or(200, |(_, m)| *m);
    check_text(Arg::Term(msg::field(field)), value, max)
}

/// Checks a short text a person types (a detail, a name in the catalogue, a profile field):
/// at most `max` characters, and no control characters or invisible code points. `label`
/// names it in the message.
pub fn check_text(label: Arg, value: &str, max: usize) -> Result<()> {
    let n = value.chars().count();
    if n > max {
        return Err(msg::TEXT_TOO_LONG.into_message().arg("what", label).with("count", n).with("max", max).into());
    }
    if let Some((at, c)) =
        value.char_indices().find(|(_, c)| c.is_control()).or_else(|| hidden_characters(value).first().copied())
    {
        return Err(msg::TEXT_HIDDEN_CHARACTER
            .into_message()
            .arg("what", label)
            .with("code", format!("{:04X}", u32::from(c)))
            .with("position", value[..at].chars().count() + 1)
            .into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn person_fields_are_bounded_and_visible() {
        assert!(check_person_field("name", "张伟 Zhang Wei").is_ok());
        assert!(check_person_field("name", &"x".repeat(200)).is_ok());
        assert!(check_person_field("name", &"x".repeat(201)).unwrap_err().to_string().contains("201 characters"));
        for bad in ["a\0b", "a\u{202E}b", "a\u{200B}b", "a\nb", "a\u{7}b", "a\u{FEFF}"] {
            let e = check_person_field("company", bad).unwrap_err().to_string();
            assert!(e.contains("invisible or control character"), "{bad:?}: {e}");
        }
        assert!(check_person_field("email", &format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn every_kind_of_invisible_character_is_found_and_visible_text_is_not() {
        let hidden = [
            '\u{202E}',
            '\u{2067}',
            '\u{200B}',
            '\u{200D}',
            '\u{2060}',
            '\u{2064}',
            '\u{206F}',
            '\u{FEFF}',
            '\u{00AD}',
            '\u{061C}',
            '\u{180E}',
            '\u{034F}',
            '\u{115F}',
            '\u{1160}',
            '\u{3164}',
            '\u{FFA0}',
            '\u{17B4}',
            '\u{FFFA}',
            '\u{E0001}',
            '\u{E0041}',
            '\u{E007F}',
            '\u{0085}',
        ];
        for c in hidden {
            let text = format!("同意{c}书");
            assert_eq!(hidden_characters(&text), [("同意".len(), c)], "U+{:04X}", u32::from(c));
        }
        // Tag characters spell text no one sees: "\u{E0041}\u{E0042}" reads "AB".
        assert_eq!(hidden_characters("ok\u{E0041}\u{E0042}").len(), 2);
        for visible in
            ["张伟 Zhang Wei", "Ｆｕｌｌ-width", "☑ ✓ — … «»", "葛\u{E0100}", "emoji ❤\u{FE0F}", "tab\tand line\n"]
        {
            assert!(hidden_characters(visible).is_empty(), "{visible:?}");
        }
    }
}
