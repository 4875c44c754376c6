//! The UI's Chinese tables (`ui/src/i18n*.ts`) follow the wording rules the engine's own
//! messages follow (`src/domain/messages/tests.rs`): full-width punctuation, and one term for
//! each thing: 密码 (not 口令), 胸卡 (not 参观证), 人员 for the People screen, 此人 (not 他).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

fn ui_src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ui/src")
}

/// Every `key: "text"` of the Chinese tables (`export const …Zh … = {` or `const zh … = {`).
fn chinese_entries() -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(ui_src())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("i18n") && n.ends_with(".ts")))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "the i18n tables: {files:?}");
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let mut inside = false;
        for line in text.lines() {
            let head = line.trim_start();
            if head.starts_with("const zh") || (head.starts_with("export const ") && head.contains("Zh")) {
                inside = head.ends_with('{');
                continue;
            }
            if inside && line.starts_with("};") {
                inside = false;
            }
            if !inside {
                continue;
            }
            let Some((key, rest)) = head.split_once(": \"") else { continue };
            let value = rest.trim_end().trim_end_matches(',').trim_end_matches('"');
            let name = f.file_name().unwrap().to_string_lossy().into_owned();
            out.push((name, key.to_string(), value.replace("\\\"", "\"")));
        }
    }
    out
}

fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
        || ('\u{3000}'..='\u{303f}').contains(&c)
        || ('\u{ff00}'..='\u{ffef}').contains(&c)
}

/// The text without `{placeholders}`.
fn outside_placeholders(t: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in t.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[test]
fn the_chinese_tables_are_found_and_full() {
    let entries = chinese_entries();
    assert!(entries.len() > 500, "only {} Chinese entries found", entries.len());
    assert!(entries.iter().any(|(_, k, v)| k == "navSubjects" && v == "人员"));
}

#[test]
fn chinese_next_to_chinese_uses_full_width_punctuation() {
    let mut bad = Vec::new();
    for (file, key, value) in chinese_entries() {
        let chars: Vec<char> = outside_placeholders(&value).chars().collect();
        for (i, c) in chars.iter().enumerate() {
            if !matches!(c, ',' | ';' | ':' | '(' | ')' | '!' | '?') {
                continue;
            }
            // Half-width punctuation is wrong where it touches Chinese (spaces aside).
            let before = chars[..i].iter().rev().find(|c| !c.is_whitespace()).copied();
            let after = chars[i + 1..].iter().find(|c| !c.is_whitespace()).copied();
            if before.is_some_and(is_cjk) || after.is_some_and(is_cjk) {
                bad.push(format!("{file} {key}: {c:?} in {value}"));
            }
        }
    }
    assert!(bad.is_empty(), "half-width punctuation beside Chinese:\n{}", bad.join("\n"));
}

#[test]
fn one_term_for_each_thing() {
    let mut bad = Vec::new();
    for (file, key, value) in chinese_entries() {
        for (wrong, right) in [
            ("口令", "密码"),
            ("参观证", "胸卡"),
            ("他们", "这些人 / 工作人员"),
            ("他会", "此人会"),
            ("均已校验", "校验通过"),
        ] {
            if value.contains(wrong) {
                bad.push(format!("{file} {key}: {wrong} (use {right}) in {value}"));
            }
        }
        if value == "个人" {
            bad.push(format!("{file} {key}: 个人 alone (use 人员)"));
        }
    }
    for t in consentry::domain::messages::all() {
        for wrong in ["口令", "参观证", "他们"] {
            if t.zh.contains(wrong) {
                bad.push(format!("engine {}: {wrong} in {}", t.name, t.zh));
            }
        }
    }
    assert!(bad.is_empty(), "wording:\n{}", bad.join("\n"));
}
