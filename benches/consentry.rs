//! Consentry's benchmark: each path through the engine against the same rows done with raw
//! rusqlite + SQLCipher SQL, in the same run, on a vault generated from a seed.
//!
//! ```text
//! cargo bench --bench consentry -- --quick                 # 10,000 events, 1,000 people
//! cargo bench --bench consentry -- --large                 # 1,000,000 events, 100,000 people
//!     [--seed N] [--out bench/results.json] [--md BENCHMARKS.md] [--dir FOLDER]
//! cargo bench --bench consentry -- --startup FILE --out bench/results.json --md BENCHMARKS.md
//! ```
//!
//! Each set ends with the merge at headquarters (10 devices' bundles; see `consentry/merge.rs`):
//! `--merge-only` runs that part alone (keeping the set's other results in `--out`),
//! `--no-merge` leaves it out. `--cipher` adds the comparison of SQLCipher's settings
//! (page HMAC and page size) on the raw side (`consentry/cipher.rs`).
//!
//! How it measures:
//! - **Two vaults, one run.** The engine's vault is made with `vault::create` and filled
//!   through the engine's own bulk path (`rights::import_consents`, 100,000 rows a call), so
//!   every event is hash-chained and `verify` must pass on it (checked, and timed). The raw
//!   vault is a second SQLCipher file with the same pragmas (raw 32-byte key, WAL,
//!   `secure_delete`, `synchronous=FULL`, `temp_store=MEMORY`, 64 MiB cache) and the
//!   engine's own migrations (`vault::migration_sql`),
//!   filled with the same people and events by plain `INSERT`s. Both pay the same encryption.
//! - **Deterministic.** People and events come from splitmix64 seeded with `--seed`; person
//!   *i* is a pure function of (seed, i). Row ids are UUID v7 (time-based) on both sides.
//! - **Interleaved.** Point operations alternate engine and raw call by call (A B B A …);
//!   bulk operations alternate run by run, after a warm-up of each, so machine noise hits both.
//! - **Verdicts** compare medians (p99 is shown beside them). Targets are reported, never
//!   asserted: the process fails only if the harness itself fails.
//!
//! Run without `--bench` (as `cargo test --all-targets` does) it runs a tiny smoke set.
#![allow(clippy::print_stdout, reason = "a benchmark prints its table")]

#[path = "consentry/args.rs"]
mod args;
#[path = "consentry/beside.rs"]
mod beside;
#[path = "consentry/cipher.rs"]
mod cipher;
#[path = "consentry/data.rs"]
mod data;
#[path = "consentry/engine.rs"]
mod engine;
#[path = "consentry/merge.rs"]
mod merge;
#[path = "consentry/raw.rs"]
mod raw;
#[path = "consentry/report.rs"]
mod report;
#[path = "consentry/stats.rs"]
mod stats;

use args::*;
use data::*;
use engine::*;
use raw::*;
use report::*;
use stats::*;

use std::error::Error as StdError;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use consentry::ledger::{self, Capture, EventKind, Method};
use consentry::notice::profile::{Bilingual, Profile};
use consentry::notice::{self, lint, workflow, Language};
use consentry::purpose::{self, DataCategory, LegalBasis, Purpose, SensitiveKind, SeparateConsent};
use consentry::rights::{self, ExportFilter, Format, Identity, Provenance};
use consentry::subject::{self, SubjectInput, SubjectKey};
use consentry::vault::{NewVault, Passphrase, VaultPaths};
use consentry::{operator, Role, Session, SystemClock};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

type Res<T> = std::result::Result<T, Box<dyn StdError>>;

const EXAMPLE_PROFILE: &str = include_str!("../examples/trade-show-2026.profile.json");
const NOTICE_TEXT: &str = "我们将使用您的姓名、邮箱和电话向您发送展会相关信息。\nWe use your name, email and phone to send you news of the event.\n";
const PURPOSES: [&str; 5] = ["event_followup", "newsletter", "partner_offers", "hq_crm", "dietary_needs"];
const EVENTS_PER_PERSON: usize = 10;
const MARKER_BEGIN: &str = "<!-- bench:begin (written by benches/consentry.rs; edit outside these markers) -->";
const MARKER_END: &str = "<!-- bench:end -->";

// ---------------------------------------------------------------------------------------------
// The run

fn run(a: &Args, base: &Path) -> Res<Value> {
    let sz = a.sizes;
    let dir = tempfile::Builder::new().prefix("consentry-bench-").tempdir_in(base)?;
    let seed = a.seed;
    let total_events = sz.subjects * EVENTS_PER_PERSON;
    println!(
        "consentry bench: {} set, seed {seed}: {} events, {} people, in {}",
        sz.name,
        group(total_events as u64),
        group(sz.subjects as u64),
        dir.path().display()
    );

    // Generation: the engine's bulk path (import, ≤ 100,000 rows a call) and raw INSERTs.
    let mut e = engine_vault(dir.path())?;
    let mut raw = raw_vault(dir.path())?;
    let per_batch = (rights::import::MAX_ROWS / EVENTS_PER_PERSON).min(sz.subjects.max(1));
    let t = Instant::now();
    let mut from = 0;
    while from < sz.subjects {
        let to = (from + per_batch).min(sz.subjects);
        engine_import(&mut e, seed, from, to)?;
        from = to;
    }
    let gen_engine = t.elapsed();
    let t = Instant::now();
    let mut from = 0;
    while from < sz.subjects {
        let to = (from + per_batch).min(sz.subjects);
        raw_import(&mut raw, seed, from, to)?;
        from = to;
    }
    let gen_raw = t.elapsed();
    println!(
        "generated: engine {} ({:.0} events/s), raw {} ({:.0} events/s)",
        fmt_s(gen_engine.as_secs_f64()),
        total_events as f64 / gen_engine.as_secs_f64(),
        fmt_s(gen_raw.as_secs_f64()),
        total_events as f64 / gen_raw.as_secs_f64()
    );
    let (verify_t, report) = timed(|| Ok(consentry::verify::verify(&mut e.marketer, consentry::verify::Scope::Full)?))?;
    if !report.is_intact() || report.events_checked != total_events as u64 {
        return Err(format!(
            "verify failed on the generated vault: {} problem(s), {} events checked of {total_events}",
            report.problems.len(),
            report.events_checked
        )
        .into());
    }
    println!("verify: intact, {} events in {}", group(report.events_checked), fmt_s(verify_t.as_secs_f64()));
    print_steps("verify steps", &report);

    let mut results: Vec<PathResult> = Vec::new();
    let mut rng = Rng::new(seed ^ 0xBEEF);
    let mut next_person = 50_000_000usize;

    // Capture of one person (3 purposes), synchronous=FULL: one commit each, A B B A.
    {
        let (mut en, mut rw) = (Samples::default(), Samples::default());
        for k in 0..(sz.captures * sz.rounds + 2) {
            let (p, _) = person(seed, next_person);
            next_person += 1;
            let (q, _) = person(seed, next_person);
            next_person += 1;
            let mut eng = || timed(|| engine_capture(&mut e, &p)).map(|x| x.0);
            let (de, dr) = if k % 2 == 0 {
                let de = eng()?;
                (de, timed(|| raw_capture(&mut raw, &q))?.0)
            } else {
                let dr = timed(|| raw_capture(&mut raw, &q))?.0;
                (eng()?, dr)
            };
            if k >= 2 {
                en.push(de);
                rw.push(dr);
            }
        }
        results.push(PathResult {
            path: "capture",
            what: "one person, 3 purposes: subject + terms + events + receipt + audit, one commit (synchronous=FULL)"
                .into(),
            engine: en,
            raw: Some(rw),
            target: Target::Ratio(1.25),
            events: None,
        });
    }

    // Point reads: status and history by email, A B B A, people drawn at random.
    type PointFn = fn(&mut Engine, &Raw, &str, bool) -> Res<()>;
    let point: [(&'static str, &str, PointFn, Target); 2] = [
        (
            "status",
            "one person's current status per purpose, found by email; raw: the same rows of the current-state table",
            |e, r, email, engine| {
                if engine {
                    std::hint::black_box(ledger::status(&mut e.marketer, &SubjectKey::Email(email.into()))?);
                } else {
                    std::hint::black_box(raw_status(r, email)?);
                }
                Ok(())
            },
            Target::WithinAndRatio(55e-6, 1.5),
        ),
        (
            "history",
            "one person's events, oldest first, found by email",
            |e, r, email, engine| {
                if engine {
                    std::hint::black_box(ledger::history(&mut e.marketer, &SubjectKey::Email(email.into()))?);
                } else {
                    std::hint::black_box(raw_history(r, email)?);
                }
                Ok(())
            },
            Target::None,
        ),
    ];
    for (path, what, f, target) in point {
        let (mut en, mut rw) = (Samples::default(), Samples::default());
        let warm = sz.samples / 5;
        for k in 0..(sz.samples * sz.rounds + warm) {
            let i = rng.below(sz.subjects as u64) as usize;
            let (p, _) = person(seed, i);
            let email = p.email.clone();
            let order = if k % 2 == 0 { [true, false] } else { [false, true] };
            for engine in order {
                let d = timed(|| f(&mut e, &raw, &email, engine))?.0;
                if k >= warm {
                    if engine {
                        en.push(d)
                    } else {
                        rw.push(d)
                    }
                }
            }
        }
        results.push(PathResult { path, what: what.into(), engine: en, raw: Some(rw), target, events: None });
    }

    // Search: the first page (20) as the operator types, at every size.
    {
        let queries = ["zhang", "张", "wei", "li.na", "chen.jie1", "1380", "wang", "杨"];
        let (mut en, mut rw) = (Samples::default(), Samples::default());
        let warm = queries.len();
        for k in 0..(sz.samples * sz.rounds + warm) {
            let q =
                if k % 3 == 2 { format!("{:04}", rng.below(10_000)) } else { queries[k % queries.len()].to_string() };
            let order = if k % 2 == 0 { [true, false] } else { [false, true] };
            for engine in order {
                let d = if engine {
                    timed(|| Ok(std::hint::black_box(subject::search(&mut e.marketer, &q, 20)?.len())))?.0
                } else {
                    timed(|| raw_search(&raw, &q, 20))?.0
                };
                if k >= warm {
                    if engine {
                        en.push(d)
                    } else {
                        rw.push(d)
                    }
                }
            }
        }
        results.push(PathResult {
            path: "search",
            what: format!(
                "first page (20) for a prefix of a name, word, email or phone digits, at {} people",
                group(sz.subjects as u64)
            ),
            engine: en,
            raw: Some(rw),
            target: Target::Within(0.050),
            events: None,
        });
    }

    // Capture and search while verify runs beside them (the app's background verify).
    results.extend(beside::run(&mut e, seed, &mut next_person, &sz)?);

    // Render + lint (the live preview) and lint alone: no storage to compare with.
    {
        let profile = Profile::from_json(EXAMPLE_PROFILE)?;
        let title =
            Bilingual { zh: "2026 展会个人信息处理规则".into(), en: "Trade show 2026 privacy notice".into() };
        let (mut render, mut lint_only) = (Samples::default(), Samples::default());
        for k in 0..(sz.samples.min(100) * sz.rounds + 5) {
            let (d, r) = timed(|| Ok(workflow::preview(&mut e.legal, &profile, "pipl_notice", None, &title)?))?;
            let (dl, rep) = timed(|| Ok(lint::check(&r.snapshot, &r.text_zh, &r.text_en, &r.form)))?;
            std::hint::black_box(rep);
            if k >= 5 {
                render.push(d);
                lint_only.push(dl);
            }
        }
        results.push(PathResult {
            path: "render + lint",
            what: "the example profile with the PIPL starter notice, both languages, form, hashes and lint (workflow::preview)".into(),
            engine: render,
            raw: None,
            target: Target::Within(0.020),
            events: None,
        });
        results.push(PathResult {
            path: "lint",
            what: "lint::check alone on the rendered texts".into(),
            engine: lint_only,
            raw: None,
            target: Target::None,
            events: None,
        });
    }

    // Home screen counts (the consents-in-force count reads the trigger-kept current state).
    {
        let (mut en, mut rw) = (Samples::default(), Samples::default());
        for k in 0..(sz.bulk_rounds * 2 + 1) {
            let order = if k % 2 == 0 { [true, false] } else { [false, true] };
            for engine in order {
                let d = if engine {
                    timed(|| Ok(std::hint::black_box(ledger::summary(&mut e.marketer)?)))?.0
                } else {
                    timed(|| raw_home_counts(&raw))?.0
                };
                if k >= 1 {
                    if engine {
                        en.push(d)
                    } else {
                        rw.push(d)
                    }
                }
            }
        }
        results.push(PathResult {
            path: "home counts",
            what: "ledger::summary (people, consents in force, withdrawals in 7 days, notices by state); raw: the same four reads in SQL".into(),
            engine: en,
            raw: Some(rw),
            target: Target::None,
            events: None,
        });
    }

    // Export of the whole ledger to CSV (current state per person and purpose), run by run.
    {
        let (mut en, mut rw) = (Samples::default(), Samples::default());
        let mut rows = 0;
        for k in 0..(sz.bulk_rounds + 1) {
            let order = if k % 2 == 0 { [true, false] } else { [false, true] };
            for engine in order {
                let d = if engine {
                    let (d, out) = timed(|| {
                        Ok(rights::export_consents(
                            &mut e.marketer,
                            &ExportFilter::default(),
                            Format::Csv,
                            Identity::Masked,
                        )?)
                    })?;
                    rows = out.lines().count().saturating_sub(1);
                    d
                } else {
                    timed(|| raw_export(&raw))?.0
                };
                if k >= 1 {
                    if engine {
                        en.push(d)
                    } else {
                        rw.push(d)
                    }
                }
            }
        }
        results.push(PathResult {
            path: "export",
            what: format!(
                "consent export, CSV, masked: {} rows (current state per person × purpose) from {} events; raw: a plain scan of the same rows (current-state table and people) to CSV, no masking, hashing or time formatting",
                group(rows as u64),
                group(total_events as u64)
            ),
            engine: en,
            raw: Some(rw),
            target: Target::Ratio(1.5),
            events: None,
        });
    }

    // Import of new people's events (one file, one transaction), run by run; last, as it grows the vault.
    {
        let people = sz.import_events / EVENTS_PER_PERSON;
        let (mut en, mut rw) = (Samples::default(), Samples::default());
        let mut start = 60_000_000usize;
        for k in 0..(sz.bulk_rounds + 1) {
            let order = if k % 2 == 0 { [true, false] } else { [false, true] };
            for engine in order {
                let d = if engine {
                    timed(|| engine_import(&mut e, seed, start, start + people))?.0
                } else {
                    timed(|| raw_import(&mut raw, seed, start, start + people))?.0
                };
                if k >= 1 {
                    if engine {
                        en.push(d)
                    } else {
                        rw.push(d)
                    }
                }
            }
            start += people;
        }
        results.push(PathResult {
            path: "import",
            what: format!(
                "{} events of {} new people from CSV, all or nothing (engine parses and checks the CSV; raw inserts)",
                group((people * EVENTS_PER_PERSON) as u64),
                group(people as u64)
            ),
            engine: en,
            raw: Some(rw),
            target: Target::Rate(50_000.0),
            events: Some(people * EVENTS_PER_PERSON),
        });
    }

    // Verify again, after the imports and captures made the vault grow: first only what
    // they added (carrying on from the verify after generation), then everything, then only
    // one capture's events (the app's routine verify, after unlock or on coming back to Home).
    let verify_in = |e: &mut Engine, scope| -> Res<(std::time::Duration, consentry::verify::Report)> {
        let (t, r) = timed(|| Ok(consentry::verify::verify(&mut e.marketer, scope)?))?;
        if !r.is_intact() {
            return Err(format!("verify failed after the imports: {} problem(s)", r.problems.len()).into());
        }
        Ok((t, r))
    };
    let (verify_new_t, new_report) = verify_in(&mut e, consentry::verify::Scope::New)?;
    let (verify_after_t, report) = verify_in(&mut e, consentry::verify::Scope::Full)?;
    let (p, _) = person(seed, next_person);
    engine_capture(&mut e, &p)?;
    let (verify_one_t, one_report) = verify_in(&mut e, consentry::verify::Scope::New)?;
    println!(
        "verify after the imports: what they added ({} events) in {}; everything ({} events) in {}; one capture since ({} events) in {}",
        group(new_report.events_checked),
        fmt_s(verify_new_t.as_secs_f64()),
        group(report.events_checked),
        fmt_s(verify_after_t.as_secs_f64()),
        group(one_report.events_checked),
        fmt_s(verify_one_t.as_secs_f64())
    );
    print_steps("  what they added", &new_report);
    print_steps("  everything", &report);
    print_steps("  one capture since", &one_report);

    let Engine { marketer, legal, .. } = e;
    marketer.lock()?;
    legal.lock()?;
    drop(raw);
    if let Some(keep) = &a.keep_vault {
        std::fs::create_dir_all(keep)?;
        for name in ["engine.db", "engine.db.keys"] {
            std::fs::copy(dir.path().join(name), keep.join(name))?;
        }
        println!("kept the engine's vault in {}", keep.display());
    }

    let table = markdown_table(&results);
    println!("\n{table}");
    Ok(json!({
        "set": sz.name,
        "date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "machine": machine(),
        "seed": seed,
        "sizes": { "events": total_events, "subjects": sz.subjects, "import_events": sz.import_events,
                   "rounds": sz.rounds, "samples_per_round": sz.samples, "captures_per_round": sz.captures, "bulk_runs": sz.bulk_rounds },
        "generation": { "engine_s": gen_engine.as_secs_f64(), "raw_s": gen_raw.as_secs_f64(),
                        "engine_events_per_s": total_events as f64 / gen_engine.as_secs_f64() },
        "verify_s": verify_t.as_secs_f64(),
        "verify_after": { "s": verify_after_t.as_secs_f64(), "events": report.events_checked },
        "verify_new": { "s": verify_new_t.as_secs_f64(), "events": new_report.events_checked,
                        "one_capture_s": verify_one_t.as_secs_f64(), "one_capture_events": one_report.events_checked },
        "paths": results.iter().map(PathResult::json).collect::<Vec<_>>(),
    }))
}

fn main() {
    if let Err(e) = real_main() {
        eprintln!("consentry bench failed: {e}");
        std::process::exit(1);
    }
}

fn real_main() -> Res<()> {
    let a = parse_args()?;
    let mut doc = match &a.out {
        Some(p) => load(p)?,
        None => json!({}),
    };
    if let Some(s) = &a.startup {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(s)?)?;
        set_key(&mut doc, "startup", v);
    } else {
        let started = Instant::now();
        let base = a.dir.clone().unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
        std::fs::create_dir_all(&base)?;
        // A part that is not run keeps its earlier results in the file.
        let before = doc.get(a.sizes.name).cloned().unwrap_or_else(|| json!({}));
        let mut v = if a.main { run(&a, &base)? } else { before.clone() };
        let m = if a.merge {
            let t = Instant::now();
            let mut m = merge::run(&a, &base)?;
            set_key(&mut m, "total_s", json!(t.elapsed().as_secs_f64()));
            Some(m)
        } else {
            before.get("merge").cloned()
        };
        if let Some(m) = m {
            set_key(&mut v, "merge", m);
        }
        let c = if a.cipher { Some(cipher::run(&a, &base)?) } else { before.get("cipher").cloned() };
        if let Some(c) = c {
            set_key(&mut v, "cipher", c);
        }
        if a.main {
            set_key(&mut v, "total_s", json!(started.elapsed().as_secs_f64()));
        }
        println!("total: {}", fmt_s(started.elapsed().as_secs_f64()));
        set_key(&mut doc, a.sizes.name, v);
    }
    if let Some(p) = &a.out {
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(p, format!("{}\n", serde_json::to_string_pretty(&doc)?))?;
        println!("wrote {}", p.display());
    }
    if let Some(p) = &a.md {
        write_md(p, &render_md(&doc))?;
        println!("wrote {}", p.display());
    }
    Ok(())
}

/// Prints how long each of a verify's checks took, on one line.
fn print_steps(label: &str, report: &consentry::verify::Report) {
    let steps: Vec<String> =
        report.steps.iter().map(|(name, d)| format!("{name} {}", fmt_s(d.as_secs_f64()))).collect();
    println!("{label}: {}", steps.join(", "));
}
