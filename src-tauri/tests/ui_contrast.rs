//! The stylesheet's colours meet WCAG 2.1 AA (issue 14): text 4.5:1 against the background
//! it is set on (1.4.3), focus rings and control borders 3:1 (1.4.11). Read from the
//! variables in `ui/src/style.css`, so a colour changed there is checked here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;

fn variables() -> HashMap<String, String> {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../ui/src/style.css")).unwrap();
    let root = &css[css.find(":root {").unwrap()..];
    let root = &root[..root.find('}').unwrap()];
    root.lines()
        .filter_map(|l| {
            let l = l.trim();
            let (name, rest) = l.strip_prefix("--")?.split_once(':')?;
            let value = rest.trim().split(';').next()?.trim();
            value.starts_with('#').then(|| (name.to_string(), value.to_string()))
        })
        .collect()
}

fn luminance(hex: &str) -> f64 {
    let h = hex.trim_start_matches('#');
    assert_eq!(h.len(), 6, "a six-digit colour: {hex}");
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&h[i..i + 2], 16).unwrap()) / 255.0;
        if c <= 0.03928 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

fn ratio(a: &str, b: &str) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[test]
fn the_ratio_is_computed_as_wcag_defines_it() {
    assert!((ratio("#000000", "#ffffff") - 21.0).abs() < 1e-9);
    assert!((ratio("#777777", "#ffffff") - 4.48).abs() < 0.01, "the classic just-too-light grey");
}

#[test]
fn text_and_controls_meet_wcag_aa() {
    let v = variables();
    let c = |name: &str| v.get(name).unwrap_or_else(|| panic!("--{name} is not in :root")).as_str();
    let mut misses = Vec::new();
    for (fg, bg, min) in [
        ("ink", "bg", 4.5),
        ("ink", "card", 4.5),
        ("muted", "card", 4.5),
        ("muted", "bg", 4.5),
        ("muted", "kiosk-bg", 4.5),
        ("brand", "card", 4.5),
        ("brand-ink", "brand", 4.5),
        ("good", "good-bg", 4.5),
        ("bad", "bad-bg", 4.5),
        ("bad", "card", 4.5),
        ("warn", "warn-bg", 4.5),
        ("focus", "card", 3.0),
        ("focus", "kiosk-bg", 3.0),
        ("control", "card", 3.0),
        ("control", "kiosk-bg", 3.0),
    ] {
        let r = ratio(c(fg), c(bg));
        if r < min {
            misses.push(format!("--{fg} on --{bg}: {r:.2}:1, needs {min}:1"));
        }
    }
    assert!(misses.is_empty(), "below WCAG AA:\n{}", misses.join("\n"));
}
