//! Normalising and masking (脱敏) a person's details: pure rules, used where details are
//! written (the masked forms are stored) and where a query is looked up.

use unicode_normalization::UnicodeNormalization;

/// Lower-cased, NFKC-normalised, trimmed email; `None` if it is not an address.
pub fn normalize_email(email: &str) -> Option<String> {
    let e: String = email.trim().nfkc().collect::<String>().to_lowercase();
    let (local, domain) = e.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        && !domain.contains('@');
    ok.then_some(e)
}

/// Digits only, with a leading `+` for international numbers (`00` is read as `+`);
/// Chinese mobile numbers written with `+86` are stored in their national 11-digit form,
/// so `+86 138-0013-8000` and `13800138000` are the same person. `None` if it has fewer
/// than 5 or more than 15 digits.
pub fn normalize_phone(phone: &str) -> Option<String> {
    let p: String = phone.trim().nfkc().collect();
    let international = p.starts_with('+') || p.starts_with("00");
    let mut digits: String = p.chars().filter(|c| c.is_ascii_digit()).collect();
    if p.chars().any(|c| c.is_alphabetic()) {
        return None;
    }
    if p.starts_with("00") {
        digits.drain(..2);
    }
    if !(5..=15).contains(&digits.len()) {
        return None;
    }
    if international {
        if digits.len() == 13 && digits.starts_with("861") {
            return Some(digits[2..].to_string());
        }
        return Some(format!("+{digits}"));
    }
    Some(digits)
}

/// z***@example.com
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

/// 138****1234: the first three and last four digits of a long number, otherwise only the last two.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let n = chars.len();
    if n >= 11 {
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}****{tail}")
    } else if n > 2 {
        let tail: String = chars[n - 2..].iter().collect();
        format!("{}{tail}", "*".repeat(n - 2))
    } else {
        "***".into()
    }
}

/// 张* for Chinese names (the family name stays); J*** D** for Latin names (initials stay).
pub fn mask_name(name: &str) -> String {
    let name = name.trim();
    if name.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) && !name.contains(' ') {
        let first: String = name.chars().take(1).collect();
        return format!("{first}{}", "*".repeat(name.chars().count().saturating_sub(1).max(1)));
    }
    name.split_whitespace()
        .map(|w| {
            let first: String = w.chars().take(1).collect();
            format!("{first}{}", "*".repeat(w.chars().count().saturating_sub(1).max(1)))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A company keeps its first two characters.
pub fn mask_company(company: &str) -> String {
    let head: String = company.trim().chars().take(2).collect();
    format!("{head}***")
}

/// The masked forms of a person's details, as stored and shown to every role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Masked {
    /// Masked name.
    pub name: Option<String>,
    /// Masked email (from the normalised address).
    pub email: Option<String>,
    /// Masked phone (from the normalised number).
    pub phone: Option<String>,
    /// Masked company.
    pub company: Option<String>,
}

impl Masked {
    /// Masks from the details as given (email and phone normalised when they are valid).
    pub fn of(name: Option<&str>, email: Option<&str>, phone: Option<&str>, company: Option<&str>) -> Masked {
        Masked {
            name: name.map(mask_name),
            email: email.map(|e| mask_email(&normalize_email(e).unwrap_or_default())),
            phone: phone.map(|p| mask_phone(&normalize_phone(p).unwrap_or_default())),
            company: company.map(mask_company),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(f: fn(&str) -> String, input: &str, expect: &str) {
        assert_eq!(f(input), expect, "input {input:?}");
    }

    #[test]
    fn masking() {
        check(mask_email, "zhang.wei@example.com", "z***@example.com");
        check(mask_phone, "13812341234", "138****1234");
        check(mask_phone, "+4930123", "******23");
        check(mask_name, "张伟", "张*");
        check(mask_name, "欧阳娜娜", "欧***");
        check(mask_name, "Jane Doe", "J*** D**");
        check(mask_company, "Acme GmbH", "Ac***");
    }

    #[test]
    fn emails_normalise() {
        assert_eq!(normalize_email(" Zhang@Example.COM ").as_deref(), Some("zhang@example.com"));
        assert_eq!(normalize_email("ｚｈａｎｇ＠example.com").as_deref(), Some("zhang@example.com"));
        assert_eq!(normalize_email("no-at-sign"), None);
        assert_eq!(normalize_email("a@b"), None);
    }

    #[test]
    fn phones_normalise() {
        assert_eq!(normalize_phone("+86 138-0013-8000").as_deref(), Some("13800138000"));
        assert_eq!(normalize_phone("0086 13800138000").as_deref(), Some("13800138000"));
        assert_eq!(normalize_phone("138 0013 8000").as_deref(), Some("13800138000"));
        assert_eq!(normalize_phone("+49 (30) 1234567").as_deref(), Some("+49301234567"));
        assert_eq!(normalize_phone("１３８００１３８０００").as_deref(), Some("13800138000"));
        assert_eq!(normalize_phone("call me"), None);
        assert_eq!(normalize_phone("123"), None);
    }
}
