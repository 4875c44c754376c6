//! SQLCipher's settings chosen by measurement (`--cipher`): the raw side's capture, status,
//! export and import on raw vaults that differ only in the page HMAC (SHA-256, the engine's
//! since the measurement below chose it, or SHA-512, SQLCipher 4's default, which vaults were
//! made with before) or the page size (4 KiB or 8 KiB), and on one with
//! no encryption at all (the floor the rows set), each filled with the same people and events. Point paths go round the vaults call by call; bulk paths run
//! by run, after a warm-up of each, so the machine's noise falls on all of them alike. The
//! figures decide whether a change of settings (and the migration of every existing vault it
//! would need) is worth it; they are reported, never asserted.

use super::*;

/// (label, the pragmas that set it: after the key, before the first read). The last is no
/// encryption at all, plain SQLite with the same rows: the floor the storage sets, whatever
/// the cipher's settings.
const VARIANTS: [(&str, &str); 4] = [
    ("HMAC-SHA256, 4 KiB pages (the engine's)", ENGINE_CIPHER),
    (
        "HMAC-SHA512, 4 KiB pages (SQLCipher's default; vaults before the upgrade)",
        "PRAGMA cipher_hmac_algorithm = HMAC_SHA512;",
    ),
    ("HMAC-SHA256, 8 KiB pages", "PRAGMA cipher_hmac_algorithm = HMAC_SHA256; PRAGMA cipher_page_size = 8192;"),
    ("no encryption (plain SQLite)", NO_KEY),
];

pub(crate) fn run(a: &Args, base: &Path) -> Res<Value> {
    let sz = a.sizes;
    let dir = tempfile::Builder::new().prefix("consentry-cipher-").tempdir_in(base)?;
    let per_batch = (rights::import::MAX_ROWS / EVENTS_PER_PERSON).min(sz.subjects.max(1));
    let mut vaults = Vec::new();
    let mut generation = Vec::new();
    for (i, (label, pragmas)) in VARIANTS.iter().enumerate() {
        let mut raw = raw_vault_with(&dir.path().join(format!("cipher-{i}.db")), pragmas)?;
        let t = Instant::now();
        let mut from = 0;
        while from < sz.subjects {
            let to = (from + per_batch).min(sz.subjects);
            raw_import(&mut raw, a.seed, from, to)?;
            from = to;
        }
        generation.push(t.elapsed().as_secs_f64());
        println!("cipher: {label}: generated in {}", fmt_s(t.elapsed().as_secs_f64()));
        vaults.push(raw);
    }
    let n = vaults.len();
    let mut samples: Vec<[Samples; 4]> = (0..4).map(|_| Default::default()).collect();
    let mut rng = Rng::new(a.seed ^ 0xC1F3);
    let mut next_person = 70_000_000usize;
    // Capture and status: round the vaults call by call, the starting vault turning.
    for k in 0..(sz.captures * sz.rounds + n) {
        for j in 0..n {
            let v = (k + j) % n;
            let (p, _) = person(a.seed, next_person);
            next_person += 1;
            let d = timed(|| raw_capture(&mut vaults[v], &p))?.0;
            if k >= n {
                samples[0][v].push(d);
            }
        }
    }
    let warm = sz.samples / 5;
    for k in 0..(sz.samples * sz.rounds + warm) {
        let (p, _) = person(a.seed, rng.below(sz.subjects as u64) as usize);
        for j in 0..n {
            let v = (k + j) % n;
            let d = timed(|| raw_status(&vaults[v], &p.email))?.0;
            if k >= warm {
                samples[1][v].push(d);
            }
        }
    }
    // Export and import: run by run, after a warm-up run of each.
    let people = sz.import_events / EVENTS_PER_PERSON;
    let mut start = 80_000_000usize;
    for k in 0..(sz.bulk_rounds + 1) {
        for j in 0..n {
            let v = (k + j) % n;
            let d = timed(|| raw_export(&vaults[v]))?.0;
            if k >= 1 {
                samples[2][v].push(d);
            }
        }
        for j in 0..n {
            let v = (k + j) % n;
            let d = timed(|| raw_import(&mut vaults[v], a.seed, start, start + people))?.0;
            if k >= 1 {
                samples[3][v].push(d);
            }
        }
        start += people;
    }
    let names = ["capture", "status", "export", "import"];
    let paths: Vec<Value> = names
        .iter()
        .zip(&samples)
        .map(|(name, s)| {
            let base = s[0].median();
            json!({
                "path": name,
                "variants": s.iter().map(|x| json!({ "samples": x.json(), "ratio_median": x.median() / base })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let out = json!({
        "variants": VARIANTS.iter().map(|(l, _)| *l).collect::<Vec<_>>(),
        "generation_s": generation,
        "import_events": people * EVENTS_PER_PERSON,
        "paths": paths,
        "date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "commit": machine()["commit"].clone(),
    });
    println!("\n{}", render_md(sz.name, &out));
    Ok(out)
}

/// The comparison as a markdown table (one column per setting, ratios against the engine's).
pub(crate) fn render_md(set: &str, c: &Value) -> String {
    let variants: Vec<&str> = c["variants"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
    let mut md = format!(
        "### {set} set — SQLCipher settings, raw side only ({} · commit `{}`)\n\n| path | {} |\n|---|{}\n",
        c["date"].as_str().unwrap_or(""),
        c["commit"].as_str().unwrap_or(""),
        variants.join(" | "),
        "---:|".repeat(variants.len())
    );
    for p in c["paths"].as_array().into_iter().flatten() {
        let cells: Vec<String> = p["variants"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| {
                format!(
                    "{} ({:.2}×)",
                    fmt_s(v["samples"]["p50_s"].as_f64().unwrap_or(0.0)),
                    v["ratio_median"].as_f64().unwrap_or(0.0)
                )
            })
            .collect();
        let _ = writeln!(md, "| {} | {} |", p["path"].as_str().unwrap_or(""), cells.join(" | "));
    }
    let gen: Vec<String> =
        c["generation_s"].as_array().into_iter().flatten().map(|g| fmt_s(g.as_f64().unwrap_or(0.0))).collect();
    let _ = writeln!(
        md,
        "\nMedians, with the ratio to the engine's setting in brackets. Capture: one person, 3 purposes, one commit; status: by email from the current-state table; export: the plain scan to CSV; import: {} events in one transaction. Filling each vault with the set took {}.\n",
        group(c["import_events"].as_u64().unwrap_or(0)),
        gen.join(", ")
    );
    md
}
