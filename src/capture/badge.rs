//! Visitor badges: a scanner in keyboard mode types the badge's QR code, a vCard or a MECARD,
//! into the kiosk's scan field; this reads the person's details from it. The text is
//! untrusted: anything may arrive, and it never panics (see the property test).

use crate::domain::error::{Error, Result};
use crate::domain::messages as msg;

/// The largest badge text read, in bytes.
pub const MAX_BADGE: usize = 4096;

/// What a badge gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BadgeFields {
    /// Full name.
    pub name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Company.
    pub company: Option<String>,
    /// Job title.
    pub job_title: Option<String>,
}

impl BadgeFields {
    fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.email.is_none()
            && self.phone.is_none()
            && self.company.is_none()
            && self.job_title.is_none()
    }
}

/// Reads a vCard (2.1, 3.0, 4.0) or MECARD.
pub fn parse(text: &str) -> Result<BadgeFields> {
    if text.len() > MAX_BADGE {
        return Err(msg::BADGE_TOO_LONG.with("bytes", text.len()).with("max", MAX_BADGE).into());
    }
    let t = text.trim_start_matches('\u{feff}').trim();
    let upper = t.get(..t.len().min(12)).unwrap_or_default().to_ascii_uppercase();
    let fields = if upper.starts_with("MECARD:") {
        mecard(&t[7..])
    } else if upper.starts_with("BEGIN:VCARD") {
        vcard(t)
    } else {
        return Err(Error::from(&msg::BADGE_UNKNOWN));
    };
    if fields.is_empty() {
        return Err(Error::from(&msg::BADGE_EMPTY));
    }
    Ok(fields)
}

fn clean(v: &str) -> Option<String> {
    let v: String = v.chars().filter(|c| !c.is_control()).collect();
    let v = v.trim();
    (!v.is_empty()).then(|| v.chars().take(200).collect())
}

/// Splits on `sep` outside backslash escapes, unescaping `\;`, `\,`, `\:` and `\\`.
fn split_escaped(text: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') | Some('N') => out.last_mut().map(|s| s.push(' ')).unwrap_or(()),
                Some(e) => out.last_mut().map(|s| s.push(e)).unwrap_or(()),
                None => {}
            },
            c if c == sep => out.push(String::new()),
            c => out.last_mut().map(|s| s.push(c)).unwrap_or(()),
        }
    }
    out
}

fn mecard(body: &str) -> BadgeFields {
    let mut f = BadgeFields::default();
    for field in split_escaped(body, ';') {
        let Some((key, value)) = field.split_once(':') else { continue };
        let set = |slot: &mut Option<String>, v: &str| {
            if slot.is_none() {
                *slot = clean(v);
            }
        };
        match key.trim().to_ascii_uppercase().as_str() {
            // MECARD writes "Family,Given".
            "N" => {
                let parts: Vec<&str> = value.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
                let name = name_from(&parts);
                set(&mut f.name, &name);
            }
            "TEL" => set(&mut f.phone, value),
            "EMAIL" => set(&mut f.email, value),
            "ORG" => set(&mut f.company, value),
            "TITLE" => set(&mut f.job_title, value),
            _ => {}
        }
    }
    f
}

/// "Family, Given" in the order people write it: Chinese names family name first with no
/// space, others given name first.
fn name_from(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.to_string(),
        [family, given, ..] => {
            let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            if cjk(family) || cjk(given) {
                format!("{family}{given}")
            } else {
                format!("{given} {family}")
            }
        }
    }
}

fn vcard(text: &str) -> BadgeFields {
    // Unfold continuation lines (RFC 6350 §3.2).
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split(['\n', '\r']) {
        if raw.is_empty() {
            continue;
        }
        if (raw.starts_with(' ') || raw.starts_with('\t')) && !lines.is_empty() {
            if let Some(last) = lines.last_mut() {
                last.push_str(&raw[1..]);
            }
        } else {
            lines.push(raw.to_string());
        }
    }
    let mut f = BadgeFields::default();
    let mut structured_name = None;
    for line in &lines {
        let Some((head, value)) = line.split_once(':') else { continue };
        // "item1.EMAIL;TYPE=work" -> "EMAIL"
        let key = head.split(';').next().unwrap_or_default();
        let key = key.rsplit('.').next().unwrap_or_default().trim().to_ascii_uppercase();
        let first = |v: &str| split_escaped(v, ';').into_iter().next().unwrap_or_default();
        match key.as_str() {
            "FN" if f.name.is_none() => f.name = clean(&first(value)),
            "N" => {
                let parts = split_escaped(value, ';');
                let refs: Vec<&str> = parts.iter().map(|p| p.trim()).take(2).filter(|p| !p.is_empty()).collect();
                structured_name = clean(&name_from(&refs));
            }
            "EMAIL" if f.email.is_none() => f.email = clean(&first(value)),
            "TEL" if f.phone.is_none() => f.phone = clean(first(value).trim_start_matches("tel:")),
            "ORG" if f.company.is_none() => f.company = clean(&first(value)),
            "TITLE" if f.job_title.is_none() => f.job_title = clean(&first(value)),
            _ => {}
        }
    }
    if f.name.is_none() {
        f.name = structured_name;
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_a_vcard() {
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\nORG:Acme GmbH;Sales\r\nTITLE:Head of\r\n  Purchasing\r\nTEL;TYPE=work,voice:+49 30 1234567\r\nitem1.EMAIL;TYPE=INTERNET:jane@acme.example\r\nEND:VCARD\r\n";
        let f = parse(card).unwrap();
        assert_eq!(f.name.as_deref(), Some("Jane Doe"));
        assert_eq!(f.company.as_deref(), Some("Acme GmbH"));
        assert_eq!(f.job_title.as_deref(), Some("Head of Purchasing"));
        assert_eq!(f.phone.as_deref(), Some("+49 30 1234567"));
        assert_eq!(f.email.as_deref(), Some("jane@acme.example"));
    }

    #[test]
    fn reads_a_mecard_with_escapes_and_a_chinese_name() {
        let f = parse("MECARD:N:张,伟;TEL:13800138000;EMAIL:zhang.wei@example.com;ORG:星河\\;科技;TITLE:采购经理;;")
            .unwrap();
        assert_eq!(f.name.as_deref(), Some("张伟"));
        assert_eq!(f.company.as_deref(), Some("星河;科技"));
        assert_eq!(f.phone.as_deref(), Some("13800138000"));
        let f = parse("mecard:N:Doe,John;EMAIL:j@x.example;;").unwrap();
        assert_eq!(f.name.as_deref(), Some("John Doe"));
    }

    #[test]
    fn a_vcard_without_fn_uses_n() {
        let f = parse("BEGIN:VCARD\nN:Lee;Ann\nEMAIL:ann@x.example\nEND:VCARD").unwrap();
        assert_eq!(f.name.as_deref(), Some("Ann Lee"));
    }

    #[test]
    fn refuses_what_is_not_a_badge() {
        assert!(parse("hello").unwrap_err().to_string().contains("neither a vCard nor a MECARD"));
        assert!(parse("MECARD:;;").is_err());
        assert!(parse(&"x".repeat(MAX_BADGE + 1)).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*", prefix in prop::sample::select(vec!["", "MECARD:", "BEGIN:VCARD\n", "BEGIN:VCARD\r\n item."])) {
            let _ = parse(&format!("{prefix}{s}"));
        }

        #[test]
        fn mecard_fields_round_trip(email in "[a-z]{1,10}@[a-z]{1,8}\\.cn", org in "[^\\\\;:,\\p{C}]{1,20}") {
            let esc = org.replace('\\', "\\\\");
            let f = parse(&format!("MECARD:N:Li,Na;EMAIL:{email};ORG:{esc};;")).unwrap();
            prop_assert_eq!(f.email, Some(email));
            prop_assert_eq!(f.company, clean(&org));
        }
    }
}
