//! The generated TypeScript bindings, the command list and the main window's capability agree
//! with the Rust commands.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use consentry_desktop::{specta_builder, typescript, COMMANDS};

fn generated() -> String {
    // A folder of its own per call: the tests in this file run in parallel.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bindings.ts");
    specta_builder().export(typescript(), &path).unwrap();
    std::fs::read_to_string(&path).unwrap()
}

/// CI fails when the committed bindings differ from what the Rust types generate.
#[test]
fn bindings_are_current() {
    let committed_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
    let fresh = generated();
    if std::env::var_os("CONSENTRY_WRITE_BINDINGS").is_some() {
        std::fs::write(&committed_path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
    assert!(
        committed == fresh,
        "ui/src/bindings.ts is out of date: run CONSENTRY_WRITE_BINDINGS=1 cargo test -p consentry-desktop bindings"
    );
}

fn grants(json: &str) -> Vec<String> {
    let cap: serde_json::Value = serde_json::from_str(json).unwrap();
    cap["permissions"].as_array().unwrap().iter().filter_map(|p| p.as_str()).map(String::from).collect()
}

fn perm(command: &str) -> String {
    format!("allow-{}", command.replace('_', "-"))
}

/// The manifest list, the handler list and the two windows' capabilities agree: every
/// command is granted to exactly one window, and the kiosk window only the `kiosk_*` ones.
#[test]
fn every_command_is_listed_and_granted() {
    let bindings = generated();
    for name in COMMANDS {
        assert!(bindings.contains(&format!("TAURI_INVOKE(\"{name}\"")), "{name} is in COMMANDS but not in the handler");
    }
    assert_eq!(bindings.matches("TAURI_INVOKE(\"").count(), COMMANDS.len(), "a handler is missing from COMMANDS");
    let main = grants(include_str!("../capabilities/main.json"));
    let kiosk = grants(include_str!("../capabilities/kiosk.json"));
    for name in COMMANDS {
        let p = perm(name);
        let (in_main, in_kiosk) = (main.contains(&p), kiosk.contains(&p));
        assert!(in_main ^ in_kiosk, "{p} must be granted to exactly one window (main {in_main}, kiosk {in_kiosk})");
        assert_eq!(in_kiosk, name.starts_with("kiosk_"), "{p}: only kiosk_* commands belong to the kiosk window");
    }
    for p in main.iter().chain(&kiosk) {
        assert!(p.starts_with("core:event:") || COMMANDS.iter().any(|c| perm(c) == *p), "unexpected grant {p}");
    }
    assert!(kiosk.iter().all(|p| p.starts_with("allow-kiosk-")), "the kiosk window has no other grant: {kiosk:?}");
}

/// Two Rust transport types with the same name would silently share one TypeScript type
/// (it happened: a ledger event and a trade-show event were both `EventView`).
#[test]
fn every_transport_type_name_is_unique() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut names = Vec::new();
    let mut files = vec![dir.clone()];
    while let Some(d) = files.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                files.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                let mut derives_type = false;
                for line in text.lines() {
                    let l = line.trim();
                    if l.starts_with("#[derive(") && l.contains("Type") {
                        derives_type = true;
                    } else if let Some(rest) = l.strip_prefix("pub struct ").or_else(|| l.strip_prefix("pub enum ")) {
                        if derives_type {
                            names.push(rest.split([' ', '{', '<', '(', ';']).next().unwrap().to_string());
                        }
                        derives_type = false;
                    }
                }
            }
        }
    }
    let total = names.len();
    assert!(total > 20, "{total} transport types found: the scan no longer reads the sources");
    names.sort();
    let dupes: Vec<&String> = names.windows(2).filter(|w| w[0] == w[1]).map(|w| &w[0]).collect();
    assert!(dupes.is_empty(), "transport type names used twice: {dupes:?}");
}

/// No vocabulary crosses the boundary as a bare `string`: a field whose name says it holds a
/// value from a fixed list (a kind, a state, a role…) is typed as a string-literal union.
#[test]
fn no_vocabulary_field_is_a_bare_string() {
    const VOCABULARY_FIELDS: &[&str] = &[
        "kind",
        "state",
        "step",
        "format",
        "severity",
        "method",
        "channel",
        "role",
        "provenance",
        "language",
        "log",
        "framework",
        "basis",
        "legal_basis",
        "identity",
        "due",
        "decision",
        "outcome",
        "refusal",
        "reason",
        "status",
    ];
    let bindings = generated();
    let mut bare = Vec::new();
    for line in bindings.lines().filter(|l| l.starts_with("export type ")) {
        for field in VOCABULARY_FIELDS {
            for sep in ["{ ", "; "] {
                for ty in ["string", "string | null", "string[]"] {
                    let pattern = format!("{sep}{field}: {ty}");
                    if line.contains(&format!("{pattern};")) || line.contains(&format!("{pattern} }}")) {
                        bare.push(format!("{field} in {}", line.split_whitespace().nth(2).unwrap_or("?")));
                    }
                }
            }
        }
    }
    assert!(bare.is_empty(), "vocabulary fields typed as bare strings: {bare:?}");
}
