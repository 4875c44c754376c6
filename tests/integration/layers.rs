//! The layer order, checked on the source: in the engine (`src/`) no module imports one
//! above it and no modules import each other in a circle; in the desktop shell
//! (`src-tauri/src`) and the UI (`ui/src`) no files import each other in a circle.
//!
//! Engine layers, bottom to top: domain → storage (vault, audit) → session → operations →
//! front doors (the CLI in `src/cli`, `src/main.rs`, and `src-tauri`). Test code (after
//! `#[cfg(test)]`) is not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Each engine module's layer. A new module must be added here, in its layer.
const LAYERS: &[(&str, &[&str])] = &[
    ("domain", &["domain"]),
    ("storage", &["vault", "audit", "checkpoint", "files"]),
    ("session", &["session"]),
    (
        "operations",
        &[
            "operator", "purpose", "ledger", "notice", "subject", "capture", "receipt", "rights", "settings", "bundle",
            "verify", "backup",
        ],
    ),
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn files(dir: &Path, ext: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "node_modules" && n != "dist") {
                files(&p, ext, out);
            }
        } else if p.extension().and_then(|x| x.to_str()).is_some_and(|x| ext.contains(&x)) {
            out.push(p);
        }
    }
}

/// The source without its test module (`#[cfg(test)] mod …`, which comes last by
/// convention); other `#[cfg(test)]` items stay counted.
fn non_test(text: &str) -> &str {
    text.split("#[cfg(test)]\nmod ").next().unwrap_or(text)
}

/// Every top-level engine module a source text names through `crate::` (in paths, in
/// `crate::{a, b}` groups, and in doc links, which point the reader the same way).
fn crate_refs(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue; // `$crate::` in macros, or a longer identifier
        }
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item.trim().chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String =
                rest.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_').collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Names of the nodes that are on a cycle of `edges`.
fn on_cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(n) = todo.pop() {
            for m in edges.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    todo.push(m.clone());
                }
            }
        }
        seen
    };
    edges.keys().filter(|n| reach(n).contains(*n)).cloned().collect()
}

fn engine_graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = root().join("src");
    let mut all = Vec::new();
    files(&src, &["rs"], &mut all);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in all {
        let rel = f.strip_prefix(&src).unwrap();
        let first = rel.components().next().unwrap().as_os_str().to_string_lossy().to_string();
        let module = first.trim_end_matches(".rs").to_string();
        if ["cli", "main", "lib"].contains(&module.as_str()) {
            continue;
        }
        let text = fs::read_to_string(&f).unwrap();
        let refs = crate_refs(non_test(&text));
        edges.entry(module.clone()).or_default().extend(refs.into_iter().filter(|r| *r != module));
    }
    edges
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&module))
}

#[test]
fn every_engine_module_has_a_layer() {
    let unplaced: Vec<String> = engine_graph().into_keys().filter(|m| layer_of(m).is_none()).collect();
    assert!(unplaced.is_empty(), "engine modules without a layer (add them to LAYERS): {unplaced:?}");
}

#[test]
fn no_engine_module_imports_upward() {
    let mut upward = Vec::new();
    for (module, deps) in engine_graph() {
        let Some(own) = layer_of(&module) else { continue };
        for d in deps {
            if let Some(theirs) = layer_of(&d) {
                if theirs > own {
                    upward.push(format!("{module} ({}) imports {d} ({})", LAYERS[own].0, LAYERS[theirs].0));
                }
            }
        }
    }
    assert!(upward.is_empty(), "imports that point up the layer order:\n{}", upward.join("\n"));
}

#[test]
fn no_import_circles_between_engine_modules() {
    let cycles = on_cycles(&engine_graph());
    assert!(cycles.is_empty(), "engine modules in an import circle: {cycles:?}");
}

#[test]
fn no_import_circles_between_desktop_files() {
    let src = root().join("src-tauri/src");
    let mut all = Vec::new();
    files(&src, &["rs"], &mut all);
    let key = |p: &Path| p.strip_prefix(&src).unwrap().with_extension("").to_string_lossy().replace("/mod", "");
    let known: BTreeSet<String> = all.iter().map(|p| key(p)).collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &all {
        let me = key(f);
        let text = fs::read_to_string(f).unwrap();
        let body = non_test(&text);
        let mut deps = BTreeSet::new();
        // `crate::a::b::Item`: the longest known file prefix of the path.
        for (i, _) in body.match_indices("crate::") {
            let path: String =
                body[i + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':').collect();
            let parts: Vec<&str> = path.split("::").filter(|s| !s.is_empty()).collect();
            for n in (1..=parts.len()).rev() {
                let cand = parts[..n].join("/");
                if known.contains(&cand) {
                    deps.insert(cand);
                    break;
                }
            }
        }
        // `super::name` from a file in a folder.
        let parent = Path::new(&me).parent().map(|p| p.to_string_lossy().to_string()).unwrap_or_default();
        for (i, _) in body.match_indices("super::") {
            let name: String = body[i + 7..].chars().take_while(|c| c.is_ascii_lowercase() || *c == '_').collect();
            let cand = if parent.is_empty() { name.clone() } else { format!("{parent}/{name}") };
            if known.contains(&cand) {
                deps.insert(cand);
            } else if known.contains(&parent) {
                deps.insert(parent.clone());
            }
        }
        deps.remove(&me);
        edges.insert(me, deps);
    }
    // A module's own `mod.rs` (e.g. `commands`) declares its children: that is not an import.
    for (me, deps) in edges.iter_mut() {
        let children = format!("{me}/");
        deps.retain(|d| !d.starts_with(&children));
    }
    let cycles = on_cycles(&edges);
    assert!(cycles.is_empty(), "desktop files in an import circle: {cycles:?}");
}

#[test]
fn no_import_circles_between_ui_files() {
    let src = root().join("ui/src");
    let mut all = Vec::new();
    files(&src, &["ts", "tsx"], &mut all);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let key = |p: &Path| p.strip_prefix(&src).unwrap().with_extension("").to_string_lossy().to_string();
    let known: BTreeSet<String> = all.iter().map(|p| key(p)).collect();
    for f in &all {
        let text = fs::read_to_string(f).unwrap();
        let dir = f.parent().unwrap();
        let mut deps = BTreeSet::new();
        for line in text.lines() {
            let line = line.trim();
            if !(line.starts_with("import") || line.starts_with("} from") || line.starts_with("export")) {
                continue;
            }
            let Some(at) = line.find("from \"./").or_else(|| line.find("from \"../")) else { continue };
            let spec = &line[at + 6..];
            let spec = &spec[..spec.find('"').unwrap_or(spec.len())];
            let target = dir.join(spec);
            let mut parts: Vec<String> = Vec::new();
            for c in target.strip_prefix(&src).unwrap_or(&target).components() {
                match c.as_os_str().to_string_lossy().as_ref() {
                    "." => {}
                    ".." => {
                        parts.pop();
                    }
                    s => parts.push(s.to_string()),
                }
            }
            let cand = parts.join("/");
            let cand = cand.trim_end_matches(".ts").trim_end_matches(".tsx").to_string();
            if known.contains(&cand) {
                deps.insert(cand);
            }
        }
        edges.insert(key(f), deps);
    }
    let cycles = on_cycles(&edges);
    assert!(cycles.is_empty(), "UI files in an import circle: {cycles:?}");
}

#[test]
fn the_scan_sees_imports() {
    // The check itself must be able to fail: a known upward reference is found.
    let refs = crate_refs("use crate::session::Session;\nuse crate::{ledger, notice::Language};\n$crate::Error");
    assert_eq!(refs, BTreeSet::from(["session".to_string(), "ledger".to_string(), "notice".to_string()]));
    let mut edges = BTreeMap::new();
    edges.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    edges.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    edges.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(on_cycles(&edges), vec!["a".to_string(), "b".to_string()]);
    assert_eq!(layer_of("domain"), Some(0));
    assert!(layer_of("session") > layer_of("vault"));
}
