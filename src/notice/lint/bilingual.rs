//! The two languages say the same thing (ISO/IEC 29184 5.2.4: a notice in several languages
//! gives the same information in each; PIPL Art. 17: the person is told truthfully). Every
//! bilingual field of the profile (periods, addresses, channels, recipients' purposes) must give
//! the same numbers in Chinese and English: "活动结束后12个月" beside "6 months after the
//! event" is the kind of slip a reviewer reading one language never sees. Chinese numerals
//! count where they count something (十四周岁, 三十日, 第二), English number words ("two
//! years") as the numbers they write; one is not compared (一旦, "one of" are words).

use super::checker::{at, same, Lint};
use super::{Message, Rule, Severity};

/// The rule of the two languages, in rule order.
pub(super) const RULES: &[Rule] = &[AGREE];

const AGREE: Rule = Rule {
    id: "text.agree",
    article: "ISO/IEC 29184 5.2.4; PIPL Art. 17",
    requires: "the same numbers and periods in both languages of each profile field",
    severity: Severity::Error,
    messages: &[DIFFERENT_NUMBERS],
    check: agree,
};

const DIFFERENT_NUMBERS: Message = Message {
    severity: Severity::Error,
    zh: "处理档案字段 {path} 的中文和英文给出的数字不同（中文：{zh}；英文：{en}）。请使两种语言说法一致。",
    en: "The Chinese and English of profile field {path} give different numbers (Chinese: {zh}; English: {en}). Make both say the same.",
};

/// The numbers a text gives, sorted: runs of digits (a thousands separator or a decimal point
/// inside a number kept), and runs of Chinese numerals read as the number they write.
pub(crate) fn numbers(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let mut n: u64 = 0;
            while i < chars.len() {
                match chars[i] {
                    d if d.is_ascii_digit() => n = n.saturating_mul(10).saturating_add(u64::from(d as u8 - b'0')),
                    // 100,000 is one number; a comma after a number and a space is a list.
                    ',' if chars.get(i + 1).is_some_and(char::is_ascii_digit) => {}
                    _ => break,
                }
                i += 1;
            }
            out.push(n);
        } else if chinese_digit(c).is_some() || chinese_unit(c).is_some() {
            let start = i;
            while i < chars.len() && (chinese_digit(chars[i]).is_some() || chinese_unit(chars[i]).is_some()) {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            // A numeral is a figure only as a count or an ordinal (十四周岁, 三十日, 第二), not
            // inside a word (二维码, 统一, 万一).
            let next: String = chars[i..chars.len().min(i + 2)].iter().collect();
            let counted = next.starts_with(|c: char| "个年月日天周岁次项名人家份条位倍".contains(c))
                || next.starts_with("小时")
                || next.starts_with("分钟")
                || (start > 0 && chars[start - 1] == '第');
            if counted {
                if let Some(n) = chinese_number(&run) {
                    out.push(n);
                }
            }
        } else if c.is_ascii_alphabetic() {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect::<String>().to_ascii_lowercase();
            if let Some(n) = english_number(&word) {
                out.push(n);
            }
        } else {
            i += 1;
        }
    }
    // One is as often a word as a figure (一旦, "one of"), in either language: not compared.
    out.retain(|n| *n != 1);
    out.sort_unstable();
    out
}

/// The English number words a notice writes out.
fn english_number(word: &str) -> Option<u64> {
    const WORDS: [&str; 13] =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    if let Some(n) = WORDS.iter().position(|w| *w == word) {
        return Some(n as u64);
    }
    Some(match word {
        "fourteen" => 14,
        "fifteen" => 15,
        "sixteen" => 16,
        "eighteen" => 18,
        "twenty" => 20,
        "thirty" => 30,
        "sixty" => 60,
        "ninety" => 90,
        "hundred" => 100,
        _ => return None,
    })
}

fn chinese_digit(c: char) -> Option<u64> {
    "零一二三四五六七八九".chars().position(|d| d == c).map(|p| p as u64).or((c == '两').then_some(2))
}

fn chinese_unit(c: char) -> Option<u64> {
    match c {
        '十' => Some(10),
        '百' => Some(100),
        '千' => Some(1000),
        '万' => Some(10_000),
        _ => None,
    }
}

/// 十四 = 14, 二十 = 20, 三百零五 = 305, 两万 = 20000.
fn chinese_number(run: &str) -> Option<u64> {
    let (mut total, mut section, mut digit) = (0u64, 0u64, None::<u64>);
    if run.chars().all(|c| c == '零') {
        return Some(0);
    }
    for c in run.chars() {
        if let Some(d) = chinese_digit(c) {
            digit = Some(d);
        } else if let Some(u) = chinese_unit(c) {
            if u == 10_000 {
                // 两万 = 2 × 10000, 十万 = 10 × 10000, 万 alone = 10000.
                let d = digit.take().unwrap_or(if section == 0 { 1 } else { 0 });
                total += (section + d) * u;
                section = 0;
            } else {
                section += digit.take().unwrap_or(1) * u;
            }
        }
    }
    Some(total + section + digit.unwrap_or(0))
}

fn list(ns: &[u64]) -> String {
    if ns.is_empty() {
        return "—".into();
    }
    ns.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
}

fn agree(rule: &Rule, l: &mut Lint<'_>) {
    fn walk(v: &serde_json::Value, path: &str, found: &mut Vec<(String, Vec<u64>, Vec<u64>)>) {
        match v {
            serde_json::Value::Object(o) => {
                if let (Some(zh), Some(en)) =
                    (o.get("zh").and_then(|x| x.as_str()), o.get("en").and_then(|x| x.as_str()))
                {
                    let (z, e) = (numbers(zh), numbers(en));
                    // A side left empty is the rules' "missing" finding, not a disagreement.
                    if !zh.trim().is_empty() && !en.trim().is_empty() && z != e {
                        found.push((path.to_string(), z, e));
                    }
                    return;
                }
                for (k, x) in o {
                    walk(x, &if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, found);
                }
            }
            serde_json::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &format!("{path}[{i}]"), found);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    walk(&serde_json::to_value(&l.s.profile).unwrap_or_default(), "", &mut found);
    for (path, zh, en) in found {
        let args = [("path", same(&path)), ("zh", same(list(&zh))), ("en", same(list(&en)))];
        l.report(rule, &DIFFERENT_NUMBERS, &args, None, at(&path));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_from_digits_and_chinese_numerals() {
        assert_eq!(numbers("活动结束后12个月"), [12]);
        assert_eq!(numbers("12 months after the event"), [12]);
        assert_eq!(numbers("不满十四周岁"), [14]);
        assert_eq!(numbers("三十日内"), [30]);
        assert_eq!(numbers("二十五岁"), [25]);
        assert_eq!(numbers("三百零五天"), [305]);
        assert_eq!(numbers("两年"), [2]);
        assert_eq!(numbers("three months"), [3]);
        assert_eq!(numbers("一个月"), Vec::<u64>::new(), "one is not compared");
        assert_eq!(numbers("扫描您的参展证件二维码，统一管理"), Vec::<u64>::new(), "numerals inside words");
        assert_eq!(numbers("第二条，两年"), [2, 2]);
        assert_eq!(numbers("within two years, at one time"), [2]);
        assert_eq!(numbers("up to 100,000 rows, 9:00 to 18:00"), [0, 0, 9, 18, 100_000]);
        assert_eq!(numbers("两万人"), [20_000]);
        assert_eq!(numbers("十万条"), [100_000]);
        assert_eq!(numbers("12F, No. 88 Shifan Road, Shanghai 200040"), [12, 88, 200_040]);
        assert_eq!(numbers("上海市静安区示范路88号12楼，邮编200040"), [12, 88, 200_040]);
    }
}
