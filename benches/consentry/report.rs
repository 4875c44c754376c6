//! The benchmark's report: the tables printed, the machine it ran on, and the JSON and
//! BENCHMARKS.md sections it writes.

use super::*;
pub(crate) fn markdown_table(results: &[PathResult]) -> String {
    let mut t = String::from(
        "| path | engine p50 | engine p99 | raw p50 | ratio (p50) | target | result |\n|---|---:|---:|---:|---:|---|---|\n",
    );
    for r in results {
        let (ep50, ep99) = (r.engine.median(), r.engine.quantile(0.99));
        let raw = r.raw.as_ref().map(|s| fmt_s(s.median())).unwrap_or_else(|| "—".into());
        let ratio = r.ratio().map(|x| format!("{x:.2}×")).unwrap_or_else(|| "—".into());
        let mut e50 = fmt_s(ep50);
        if let Some(rate) = r.rate() {
            let _ = write!(e50, " ({} ev/s)", group(rate as u64));
        }
        let result = match r.pass() {
            Some(true) => "pass",
            Some(false) => "**miss**",
            None => "—",
        };
        let _ = writeln!(
            t,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.path,
            e50,
            fmt_s(ep99),
            raw,
            ratio,
            r.target_text(),
            result
        );
    }
    t
}

// ---------------------------------------------------------------------------------------------
// Machine and files

pub(crate) fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

pub(crate) fn command(cmd: &str, args: &[&str]) -> String {
    std::process::Command::new(cmd)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

pub(crate) fn machine() -> Value {
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(|s| s.trim().to_string())
        .unwrap_or_default();
    let ram_kib: u64 = read("/proc/meminfo")
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let dirty = !command("git", &["status", "--porcelain", "--untracked-files=no"]).is_empty();
    json!({
        "cpu": cpu,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        "ram_gib": (ram_kib as f64 / 1024.0 / 1024.0 * 10.0).round() / 10.0,
        "kernel": read("/proc/sys/kernel/osrelease").trim(),
        "rustc": command(&std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()), &["--version"]),
        "commit": command("git", &["rev-parse", "--short=12", "HEAD"]),
        "worktree_dirty": dirty,
    })
}

pub(crate) fn load(path: &Path) -> Res<Value> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(serde_json::from_str(&s)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(json!({})),
        Err(e) => Err(e.into()),
    }
}

pub(crate) fn set_key(doc: &mut Value, key: &str, v: Value) {
    if !doc.is_object() {
        *doc = json!({});
    }
    if let Some(o) = doc.as_object_mut() {
        o.insert(key.to_string(), v);
    }
}

/// The Markdown table of a set's paths, from the results file.
pub(crate) fn paths_table(paths: &[Value]) -> String {
    let f = |v: &Value| v.as_f64().map(fmt_s).unwrap_or_else(|| "—".into());
    let mut md = String::from("| path | engine p50 | engine p99 | raw p50 | raw p99 | ratio p50 (p99) | target | result |\n|---|---:|---:|---:|---:|---:|---|---|\n");
    for p in paths {
        let mut e50 = f(&p["engine"]["p50_s"]);
        if let Some(r) = p["engine_events_per_s"].as_f64() {
            let _ = write!(e50, " ({} events/s)", group(r as u64));
        }
        let ratio = match (p["ratio_median"].as_f64(), p["ratio_p99"].as_f64()) {
            (Some(a), Some(b)) => format!("{a:.2}× ({b:.2}×)"),
            _ => "—".into(),
        };
        let result = match p["pass"].as_bool() {
            Some(true) => "pass",
            Some(false) => "**miss**",
            None => "—",
        };
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            p["path"].as_str().unwrap_or(""),
            e50,
            f(&p["engine"]["p99_s"]),
            f(&p["raw"]["p50_s"]),
            f(&p["raw"]["p99_s"]),
            ratio,
            p["target"].as_str().unwrap_or(""),
            result
        );
    }
    md
}

/// Markdown of every set in the results file, and start-up.
pub(crate) fn render_md(doc: &Value) -> String {
    let mut md = String::new();
    let f = |v: &Value| v.as_f64().map(fmt_s).unwrap_or_else(|| "—".into());
    for set in ["large", "quick"] {
        let Some(s) = doc.get(set) else { continue };
        let mut merged = s.get("merge").map(|m| merge::render_md(set, m)).unwrap_or_default();
        merged.push_str(&s.get("cipher").map(|c| cipher::render_md(set, c)).unwrap_or_default());
        if s.get("paths").is_none() {
            md.push_str(&merged);
            continue;
        }
        let m = &s["machine"];
        let _ = writeln!(
            md,
            "### {} set — {} events, {} people (seed {})\n\n{} · {} · {} cores, {} GiB RAM · Linux {} · {} · commit `{}`{}\n",
            set,
            group(s["sizes"]["events"].as_u64().unwrap_or(0)),
            group(s["sizes"]["subjects"].as_u64().unwrap_or(0)),
            s["seed"],
            s["date"].as_str().unwrap_or(""),
            m["cpu"].as_str().unwrap_or(""),
            m["cores"],
            m["ram_gib"],
            m["kernel"].as_str().unwrap_or(""),
            m["rustc"].as_str().unwrap_or(""),
            m["commit"].as_str().unwrap_or(""),
            if m["worktree_dirty"].as_bool().unwrap_or(false) { " (with uncommitted changes)" } else { "" }
        );
        md.push_str(&paths_table(s["paths"].as_array().map(Vec::as_slice).unwrap_or_default()));
        let g = &s["generation"];
        let _ = writeln!(
            md,
            "\nGeneration through the engine's import: {} ({} events/s); raw INSERTs: {}. `verify` on the generated vault: intact, {}{}{}.\n",
            f(&g["engine_s"]),
            group(g["engine_events_per_s"].as_f64().unwrap_or(0.0) as u64),
            f(&g["raw_s"]),
            f(&s["verify_s"]),
            match s["verify_after"]["s"].as_f64() {
                Some(t) => format!(
                    "; after the captures and imports above ({} events): intact, {}",
                    group(s["verify_after"]["events"].as_u64().unwrap_or(0)),
                    fmt_s(t)
                ),
                None => String::new(),
            },
            match (s["verify_new"]["s"].as_f64(), s["verify_new"]["one_capture_s"].as_f64()) {
                (Some(t), Some(one)) => format!(
                    ". Incremental (`verify --new`, carrying on from the last intact verify): the {} events the paths added in {}; after one more capture ({} events) on the grown vault, {}",
                    group(s["verify_new"]["events"].as_u64().unwrap_or(0)),
                    fmt_s(t),
                    group(s["verify_new"]["one_capture_events"].as_u64().unwrap_or(0)),
                    fmt_s(one)
                ),
                _ => String::new(),
            }
        );
        md.push_str("<details><summary>What each path does</summary>\n\n");
        for p in s["paths"].as_array().into_iter().flatten() {
            let _ = writeln!(md, "- **{}**: {}", p["path"].as_str().unwrap_or(""), p["what"].as_str().unwrap_or(""));
        }
        md.push_str("\n</details>\n\n");
        md.push_str(&merged);
    }
    if let Some(s) = doc.get("startup") {
        let num = |k: &str| s.get(k).and_then(Value::as_f64);
        let _ = writeln!(
            md,
            "### Desktop app — {} · commit `{}`\n\n| measure | value | target | result |\n|---|---:|---|---|",
            s["date"].as_str().unwrap_or(""),
            s["commit"].as_str().unwrap_or("")
        );
        let verdict = |ok: Option<bool>| match ok {
            Some(true) => "pass",
            Some(false) => "**miss**",
            None => "—",
        };
        let cold = num("cold_start_s");
        let _ = writeln!(
            md,
            "| cold start to the unlock screen (median of {} runs, Xvfb) | {} | ≤ 1 s | {} |",
            s["runs"],
            cold.map(fmt_s).unwrap_or_default(),
            verdict(cold.map(|c| c <= 1.0))
        );
        if let Some(u) = num("unlock_s") {
            let _ = writeln!(md, "| unlock (Argon2id 64 MiB) | {} | — | — |", fmt_s(u));
        }
        if let Some(r) = num("app_rss_mib") {
            let _ = writeln!(md, "| idle RSS, app process (empty vault) | {r:.0} MiB | — | — |");
        }
        if let (Some(p), Some(a)) = (num("app_pss_mib"), num("app_anon_mib")) {
            let _ = writeln!(
                md,
                "| of which its own: anonymous memory (heap, stacks); and its PSS (shared pages divided among their users) | {a:.0} MiB; {p:.0} MiB | — | — |"
            );
        }
        if let Some(r) = num("total_rss_mib") {
            let _ = writeln!(md, "| idle RSS, app + WebKit processes | {r:.0} MiB | — | — |");
        }
        if let Some(b) = num("deb_bytes") {
            let mib = b / 1024.0 / 1024.0;
            let _ = writeln!(md, "| `.deb` size | {mib:.2} MiB | ≤ 10 MB | {} |", verdict(Some(b <= 10_000_000.0)));
        }
        // The same app with the large set's vault open (LARGE_VAULT, scripts/measure.sh).
        if let Some(l) = s.get("large_vault").filter(|l| l.is_object()) {
            let num = |k: &str| l.get(k).and_then(Value::as_f64);
            let mb = |mib: f64| mib * 1024.0 * 1024.0 / 1e6;
            if let Some(v) = num("verified_after_unlock_s") {
                let _ = writeln!(
                    md,
                    "| large vault (1.6M events, as the marketer): unlock to Home's verify result | {} | — | — |",
                    fmt_s(v)
                );
            }
            if let Some(r) = num("peak_rss_during_verify_mib") {
                let _ = writeln!(
                    md,
                    "| large vault: highest RSS of the app process while that verify ran | {r:.0} MiB | — | — |"
                );
            }
            if let Some(r) = num("app_rss_mib") {
                let _ = writeln!(
                    md,
                    "| large vault: idle RSS, app process (median of {} runs) | {r:.0} MiB ({:.0} MB) | ≤ 150 MB | {} |",
                    l["runs"],
                    mb(r),
                    verdict(Some(mb(r) <= 150.0))
                );
            }
            if let (Some(p), Some(a)) = (num("app_pss_mib"), num("app_anon_mib")) {
                let _ = writeln!(
                    md,
                    "| large vault: anonymous memory; PSS, app process | {a:.0} MiB; {p:.0} MiB | — | — |"
                );
            }
            if let Some(r) = num("total_rss_mib") {
                let _ = writeln!(md, "| large vault: idle RSS, app + WebKit processes | {r:.0} MiB | — | — |");
            }
        }
        md.push('\n');
    }
    md
}

pub(crate) fn write_md(path: &Path, generated: &str) -> Res<()> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let block = format!("{MARKER_BEGIN}\n\n{generated}{MARKER_END}");
    let text = match (current.find(MARKER_BEGIN), current.find(MARKER_END)) {
        (Some(b), Some(e)) if e > b => format!("{}{}{}", &current[..b], block, &current[e + MARKER_END.len()..]),
        _ => format!("# Benchmarks\n\n{block}\n"),
    };
    std::fs::write(path, text)?;
    Ok(())
}
