use super::*;

fn is_cjk(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// The text outside `{placeholders}`.
fn outside_placeholders(t: &str) -> String {
    let mut out = String::new();
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => rest = &after[close + 1..],
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn codes_are_unique() {
    let mut codes: Vec<String> = all().iter().map(|t| t.code()).collect();
    let n = codes.len();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), n, "two texts share a code");
}

#[test]
fn both_languages_have_the_same_placeholders() {
    for t in all() {
        let mut en = placeholders(t.en);
        let mut zh = placeholders(t.zh);
        en.sort_unstable();
        zh.sort_unstable();
        assert_eq!(en, zh, "{}: the English and Chinese placeholders differ", t.name);
    }
}

#[test]
fn no_text_names_the_command_line() {
    for t in all() {
        for s in [t.en, t.zh] {
            // The product is Consentry and its bundles end in .consentry; the command is `consentry`.
            let command = s.match_indices("consentry ").any(|(i, _)| !s[..i].ends_with('.'));
            assert!(!command, "{} names the consentry command: {s}", t.name);
            for word in [" --", "`"] {
                assert!(!s.contains(word), "{} names command-line syntax ({word:?}): {s}", t.name);
            }
        }
    }
}

#[test]
fn chinese_uses_full_width_punctuation() {
    for t in all() {
        if t.name == "USAGE" {
            continue;
        }
        let text = outside_placeholders(t.zh);
        assert!(text.chars().any(is_cjk), "{}: the Chinese text has no Chinese: {}", t.name, t.zh);
        let chars: Vec<char> = text.chars().collect();
        for (i, c) in chars.iter().enumerate() {
            let around = |d: isize| chars.get((i as isize + d) as usize).copied().unwrap_or(' ');
            let ascii_word = |c: char| c.is_ascii_alphanumeric();
            let bad = match c {
                // A comma inside a number (300,000) is not punctuation either.
                ',' => !(around(-1).is_ascii_digit() && around(1).is_ascii_digit()),
                ';' | '(' | ')' | '"' | '!' | '?' => true,
                // A colon inside a time or a vocabulary term (09:30, dpv:Term) is not punctuation.
                ':' => !(ascii_word(around(-1)) && ascii_word(around(1))),
                _ => false,
            };
            assert!(!bad, "{}: half-width {c:?} in Chinese text: {}", t.name, t.zh);
        }
    }
}

#[test]
fn sentences_are_sentences() {
    for t in all() {
        // Terms are words used inside sentences; sentences end as sentences in both languages.
        if t.en.ends_with('.') {
            assert!(
                t.zh.ends_with('。') || t.zh.ends_with('}'),
                "{}: the English is a sentence, the Chinese not: {}",
                t.name,
                t.zh
            );
        }
    }
}

#[test]
fn placeholders_fill_in_the_language_of_the_sentence() {
    let m = NOT_A_CAPTURE_METHOD.term("method", &METHOD_EMAIL);
    assert!(m.render(Language::En).starts_with("e-mail is a way to withdraw"));
    assert!(m.render(Language::ZhCn).starts_with("电子邮件是撤回同意的渠道"));
    let denied = PERMISSION_DENIED.term("role", &ROLE_KIOSK).terms("needed", vec![&ROLE_ADMIN, &ROLE_LEGAL]);
    assert!(denied.render(Language::En).contains("(kiosk) cannot do this: it needs admin, legal."));
    assert!(denied.render(Language::ZhCn).contains("需要：管理员、法务。"));
    // A missing argument stays visible rather than vanishing; braces that are not a
    // placeholder stay as they are.
    assert_eq!(fill("a {x} {not one} {", Language::En, |_| None), "a {x} {not one} {");
    // A value that looks like a placeholder is shown as it is, not filled again.
    assert!(EVENT_CLOSED.with("name", "{name}").render(Language::En).starts_with("The event “{name}” is closed."));
}

/// Every text is said somewhere: a text no code uses is a translation nobody maintains.
#[test]
fn every_text_is_used() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = String::new();
    let mut dirs = vec![root.join("src"), root.join("src-tauri/src")];
    while let Some(d) = dirs.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                // The catalogue itself does not count as a use.
                if !path.ends_with("domain/messages") {
                    dirs.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                sources.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            }
        }
    }
    // The term functions of the catalogue are uses too.
    for f in ["terms.rs", "bundle.rs"] {
        let text = std::fs::read_to_string(root.join("src/domain/messages").join(f)).unwrap_or_default();
        // What follows the `texts!` block.
        sources.push_str(text.split_once("\n}\n").map_or("", |(_, rest)| rest));
    }
    let unused: Vec<&str> = all()
        .iter()
        .map(|t| t.name)
        .filter(|n| {
            !sources.contains(&format!("msg::{n}"))
                && !sources.contains(&format!("messages::{n}"))
                && !sources.contains(&format!("&{n}"))
        })
        .collect();
    assert!(unused.is_empty(), "texts no code uses: {unused:?}");
}
