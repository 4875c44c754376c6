//! The merge benchmark: headquarters importing device bundles against raw SQLCipher inserting
//! the same rows, in the same run (`cargo bench --bench consentry -- --quick|--large
//! [--merge-only]`).
//!
//! - **Devices** (not timed). Headquarters is the bench's engine vault (the same catalogue
//!   and approved notice), made headquarters with `become_headquarters`. Each device is a new
//!   vault, enrolled (`enrol` + `save_enrolment`, `join`), that loads headquarters' bundle and
//!   then takes its own people's consents through the engine's bulk path
//!   (`rights::import_consents`, as the main set is generated: every event hash-chained, with
//!   its receipt and audit entry). Each device then saves two bundles before any
//!   acknowledgement: an *early* one and the *full* one a moment later. They hold the same
//!   events; the full one's audit log is one entry longer (the early save's own entry).
//! - **Timed**, round by round, on a fresh copy of the empty headquarters vault (copying and
//!   unlocking are not timed): (a) `import_device_bundle` of the full bundles, one call and
//!   one transaction each, everything included (read, signature, decryption, both chains
//!   checked against the checkpoints the device signed, people merged, inserts, checkpoint
//!   roots, the cosignature, the audit entry, the commit with `synchronous=FULL`); (b) the
//!   same files again (`AlreadyImported`: found by the file's SHA-256) and the early bundles
//!   (`NothingNew`: a different file, decrypted and checked in full, nothing to insert);
//!   (c) raw (see [`raw_merge`]). Engine and raw alternate round by round; the first round
//!   of each is a warm-up.
//! - **Where the time goes**: decryption and parsing, and the checkpoint roots, are timed
//!   apart with the same library calls the engine makes (`age`, `serde_json`,
//!   `checkpoint::merkle`); checks and bookkeeping are the nothing-new import less those;
//!   the inserts are the merge less the nothing-new import.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use consentry::bundle::{self, Outcome};
use consentry::checkpoint::merkle;
use consentry::vault::{NewVault, VaultPaths};
use consentry::{audit, ledger, operator, Role, Session, SystemClock};
use rusqlite::types::Value;
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};

#[path = "merge_raw.rs"]
mod raw;
use raw::{device_rows, raw_empty, raw_merge, DeviceRows};

use super::{
    engine_vault, fmt_s, group, import_csv, pass, raw_open, timed, Args, PathResult, Res, Samples, Target,
    EVENTS_PER_PERSON,
};

struct Sizes {
    devices: usize,
    /// People per device (each with `EVENTS_PER_PERSON` events).
    people: usize,
    /// Measured rounds (after one warm-up round).
    rounds: usize,
}

fn sizes(set: &str) -> Sizes {
    match set {
        "large" => Sizes { devices: 10, people: 10_000, rounds: 2 },
        "quick" => Sizes { devices: 10, people: 300, rounds: 3 },
        _ => Sizes { devices: 2, people: 5, rounds: 1 },
    }
}

const ADMIN_PASS: &str = "bench admin passphrase";
const LEGAL_PASS: &str = "bench legal passphrase";
const MARKETER_PASS: &str = "bench marketer passphrase";

/// One enrolled device: its bundles, and the rows the raw side inserts for it.
struct Device {
    full: PathBuf,
    early: PathBuf,
    events: usize,
    rows: DeviceRows,
}

/// Makes one device vault, enrols and joins it, fills it and saves its two bundles.
fn device(
    hq_admin: &mut Session,
    hq_legal: &mut Session,
    dir: &Path,
    d: usize,
    seed: u64,
    per: usize,
    notice: &str,
) -> Res<Device> {
    let name = format!("Stand {d}");
    let files = dir.join(format!("files-{d}"));
    let paths = VaultPaths::new(dir.join(format!("device-{d}.db")));
    let clock = Arc::new(SystemClock);
    let (mut admin, _recovery) = Session::create(
        &paths,
        NewVault { admin_name: "Ada", passphrase: &pass(ADMIN_PASS), device_name: &name },
        clock.clone(),
    )?;
    operator::add(&mut admin, "Mo", Role::Marketer, &pass(MARKETER_PASS))?;
    let e = bundle::enrol(hq_admin, &name)?;
    let file = bundle::save_enrolment(&files, &e, &format!("device-{d}"))?;
    bundle::join(&mut admin, &std::fs::read(&file)?)?;
    let hq = bundle::save_hq_bundle(hq_legal, &name, &files)?;
    bundle::load_hq_bundle(&mut admin, &hq.path)?;
    admin.lock()?;
    let mut mo = Session::unlock(&paths, "Mo", &pass(MARKETER_PASS), clock)?;
    let (from, to) = (d * per, (d + 1) * per);
    let batch = consentry::rights::import::MAX_ROWS / EVENTS_PER_PERSON;
    let mut start = from;
    while start < to {
        let end = (start + batch).min(to);
        let csv = import_csv(seed, start, end, notice);
        let report =
            consentry::rights::import_consents(&mut mo, csv.as_bytes(), consentry::rights::Provenance::Import)?;
        if !report.committed() {
            return Err(format!("device {d}: the generated import was refused: {:?}", report.errors.first()).into());
        }
        start = end;
    }
    let early = bundle::save_device_bundle(&mut mo, &files)?;
    let full = bundle::save_device_bundle(&mut mo, &files)?;
    let events = (per * EVENTS_PER_PERSON) as u64;
    if early.events != events || full.events != events || full.audit_entries != early.audit_entries + 1 {
        return Err(format!(
            "device {d}: bundles of {} and {} events ({} and {} audit entries), expected {events} each",
            early.events, full.events, early.audit_entries, full.audit_entries
        )
        .into());
    }
    let rows = device_rows(mo.raw_connection_for_tests(), &name, full.audit_entries)?;
    mo.lock()?;
    Ok(Device { full: full.path, early: early.path, events: events as usize, rows })
}

/// Copies every file of `from` into `to` (made empty first): a vault and its key slots.
fn copy_files(from: &Path, to: &Path) -> Res<()> {
    if to.exists() {
        std::fs::remove_dir_all(to)?;
    }
    std::fs::create_dir_all(to)?;
    for f in std::fs::read_dir(from)? {
        let f = f?;
        if f.file_type()?.is_file() {
            std::fs::copy(f.path(), to.join(f.file_name()))?;
        }
    }
    Ok(())
}

const COUNTED: [&str; 9] = [
    "consent_event",
    "consent_current",
    "subject",
    "subject_blind_term",
    "subject_origin",
    "receipt",
    "receipt_event",
    "device_audit_entry",
    "operator",
];

fn counts(conn: &Connection) -> Res<BTreeMap<&'static str, i64>> {
    let mut out = BTreeMap::new();
    for t in COUNTED {
        out.insert(t, conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))?);
    }
    Ok(out)
}

/// What a device bundle decrypts to, parsed as the engine parses it (the same field types).
#[derive(serde::Deserialize)]
struct Payload {
    events: Vec<ledger::ChainedEvent>,
    audit: Vec<audit::ChainedEntry>,
    people: Vec<BTreeMap<String, Json>>,
    receipts: Vec<BTreeMap<String, Json>>,
    receipt_events: Vec<BTreeMap<String, Json>>,
    operators: Vec<BTreeMap<String, Json>>,
}

/// One engine round's timings and its checks.
struct EngineRound {
    merge: Duration,
    merge_cpu: f64,
    already: Duration,
    nothing_new: Duration,
}

/// Flushes what the last round (or the copy) left to write, so that its writeback does not
/// land in the next timing; not timed.
fn settle() {
    let _ = std::process::Command::new("sync").status();
}

/// This process's CPU time so far (user + system, from `/proc/self/stat`), in seconds: beside
/// the wall time, as a check on how much a busy machine stretched a round.
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or_default();
    let f: Vec<f64> = after.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    (f.get(11).copied().unwrap_or(0.0) + f.get(12).copied().unwrap_or(0.0)) / 100.0
}

fn import_all(s: &mut Session, files: &[&Path], expect: fn(&Outcome) -> bool) -> Res<(Duration, u64)> {
    let mut added = 0;
    let t = Instant::now();
    for f in files {
        let r = bundle::import_device_bundle(s, f)?;
        if !expect(&r.outcome) {
            return Err(format!("{}: unexpected outcome {:?}", f.display(), r.outcome).into());
        }
        added += r.events_added;
    }
    Ok((t.elapsed(), added))
}

fn engine_round(hq_dir: &Path, snapshot: &Path, devices: &[Device], total: usize) -> Res<(EngineRound, Session)> {
    copy_files(snapshot, hq_dir)?;
    let paths = VaultPaths::new(hq_dir.join("engine.db"));
    let mut lena = Session::unlock(&paths, "Lena", &pass(LEGAL_PASS), Arc::new(SystemClock))?;
    let full: Vec<&Path> = devices.iter().map(|d| d.full.as_path()).collect();
    let early: Vec<&Path> = devices.iter().map(|d| d.early.as_path()).collect();
    settle();
    let cpu = cpu_s();
    let (merge, added) = import_all(&mut lena, &full, |o| *o == Outcome::Merged)?;
    let merge_cpu = cpu_s() - cpu;
    if added != total as u64 {
        return Err(format!("the merge added {added} events of {total}").into());
    }
    let (already, _) = import_all(&mut lena, &full, |o| matches!(o, Outcome::AlreadyImported { .. }))?;
    let (nothing_new, added) = import_all(&mut lena, &early, |o| *o == Outcome::NothingNew)?;
    if added != 0 {
        return Err(format!("the early bundles added {added} events").into());
    }
    Ok((EngineRound { merge, merge_cpu, already, nothing_new }, lena))
}

fn raw_round(raw_dir: &Path, snapshot: &Path, devices: &[Device]) -> Res<(Duration, f64, Connection)> {
    copy_files(snapshot, raw_dir)?;
    let mut conn = raw_open(&raw_dir.join("raw.db"))?;
    settle();
    let cpu = cpu_s();
    let t = Instant::now();
    for d in devices {
        raw_merge(&mut conn, &d.rows)?;
    }
    Ok((t.elapsed(), cpu_s() - cpu, conn))
}

/// Decryption and parsing, and the checkpoint roots, timed apart (see the module comment).
fn profile(hq: &Connection, devices: &[Device]) -> Res<Json> {
    let identity: String = hq.query_row("SELECT age_identity FROM device WHERE is_local = 1", [], |r| r.get(0))?;
    let identity: age::x25519::Identity = identity.parse().map_err(|e| format!("HQ's age identity: {e}"))?;
    let (mut decrypt, mut parse, mut roots, mut bytes, mut plain_bytes) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO, 0u64, 0u64);
    for d in devices {
        let t = Instant::now();
        let file = std::fs::read(&d.full)?;
        std::hint::black_box(Sha256::digest(&file));
        // The header is a signed note: its text ends at the first blank line, its
        // signatures at the second; the ciphertext follows.
        let at = |from: usize| file.get(from..).and_then(|r| r.windows(2).position(|w| w == b"\n\n")).map(|p| p + from);
        let sigs = at(0).and_then(|t| at(t + 2)).ok_or("no bundle header")?;
        let ciphertext = &file[sigs + 2..];
        std::hint::black_box(Sha256::digest(ciphertext));
        let plain = age::decrypt(&identity, ciphertext).map_err(|e| format!("decrypt: {e}"))?;
        decrypt += t.elapsed();
        let t = Instant::now();
        let p: Payload = serde_json::from_slice(&plain)?;
        parse += t.elapsed();
        let carried = p.people.len() + p.receipts.len() + p.receipt_events.len() + p.operators.len() + p.audit.len();
        if p.events.len() != d.events || carried == 0 {
            return Err("the decrypted bundle does not hold the device's events".into());
        }
        bytes += file.len() as u64;
        plain_bytes += plain.len() as u64;
        let t = Instant::now();
        for sql in [
            "SELECT hash FROM consent_event WHERE device_id = ?1 ORDER BY seq",
            "SELECT hash FROM device_audit_entry WHERE device_id = ?1 ORDER BY seq",
        ] {
            let mut stmt = hq.prepare_cached(sql)?;
            let leaves: Vec<merkle::Hash> = stmt
                .query_map([&d.rows.id], |r| r.get::<_, Vec<u8>>(0))?
                .map(|h| h.map(|h| merkle::leaf_hash(&h)))
                .collect::<rusqlite::Result<_>>()?;
            std::hint::black_box(merkle::root(&leaves));
        }
        roots += t.elapsed();
    }
    Ok(json!({
        "decrypt_s": decrypt.as_secs_f64(),
        "parse_s": parse.as_secs_f64(),
        "roots_s": roots.as_secs_f64(),
        "bundle_bytes": bytes,
        "payload_bytes": plain_bytes,
    }))
}

pub(super) fn run(a: &Args, base: &Path) -> Res<Json> {
    let mut ms = sizes(a.sizes.name);
    ms.people = a.merge_people.unwrap_or(ms.people);
    let total = ms.devices * ms.people * EVENTS_PER_PERSON;
    let dir = tempfile::Builder::new().prefix("consentry-merge-").tempdir_in(base)?;
    println!(
        "merge: {} devices × {} events into headquarters, in {}",
        ms.devices,
        group((ms.people * EVENTS_PER_PERSON) as u64),
        dir.path().display()
    );

    // Headquarters (the bench's engine vault) and the devices: not timed.
    let started = Instant::now();
    let hq_dir = dir.path().join("hq");
    let e = engine_vault(&hq_dir)?;
    let hq_paths = VaultPaths::new(hq_dir.join("engine.db"));
    let mut ada = Session::unlock(&hq_paths, "Ada", &pass(ADMIN_PASS), Arc::new(SystemClock))?;
    bundle::become_headquarters(&mut ada, "Bench HQ")?;
    let super::Engine { marketer, mut legal, notice_hash, .. } = e;
    marketer.lock()?;
    let mut devices = Vec::with_capacity(ms.devices);
    for d in 0..ms.devices {
        devices.push(device(&mut ada, &mut legal, &dir.path().join("devices"), d, a.seed, ms.people, &notice_hash)?);
    }
    ada.lock()?;
    let raw_snapshot = dir.path().join("raw-empty");
    raw_empty(&raw_snapshot, legal.raw_connection_for_tests())?;
    legal.lock()?;
    let hq_snapshot = dir.path().join("hq-empty");
    copy_files(&hq_dir, &hq_snapshot)?;
    let generation = started.elapsed();
    println!("merge: devices made and bundles saved in {}", fmt_s(generation.as_secs_f64()));

    // Engine and raw, round by round (A B B A …); the first round of each is a warm-up.
    let raw_dir = dir.path().join("raw");
    let (mut merge, mut already, mut nothing_new, mut raw) =
        (Samples::default(), Samples::default(), Samples::default(), Samples::default());
    let (mut merge_cpu, mut raw_cpu) = (Samples::default(), Samples::default());
    let (mut lena, mut raw_conn): (Option<Session>, Option<Connection>) = (None, None);
    for k in 0..=ms.rounds {
        let order = if k % 2 == 0 { [true, false] } else { [false, true] };
        for engine in order {
            if engine {
                if let Some(previous) = lena.take() {
                    previous.lock()?;
                }
                let (r, s) = engine_round(&hq_dir, &hq_snapshot, &devices, total)?;
                println!(
                    "merge round {k}: engine {} (same files again {}, nothing new {})",
                    fmt_s(r.merge.as_secs_f64()),
                    fmt_s(r.already.as_secs_f64()),
                    fmt_s(r.nothing_new.as_secs_f64())
                );
                if k >= 1 {
                    merge.push(r.merge);
                    merge_cpu.push(Duration::from_secs_f64(r.merge_cpu));
                    already.push(r.already);
                    nothing_new.push(r.nothing_new);
                }
                lena = Some(s);
            } else {
                drop(raw_conn.take());
                let (d, cpu, conn) = raw_round(&raw_dir, &raw_snapshot, &devices)?;
                println!("merge round {k}: raw {}", fmt_s(d.as_secs_f64()));
                if k >= 1 {
                    raw.push(d);
                    raw_cpu.push(Duration::from_secs_f64(cpu));
                }
                raw_conn = Some(conn);
            }
        }
    }
    let (Some(mut lena), Some(raw_conn)) = (lena, raw_conn) else { return Err("no merge round ran".into()) };

    // Both sides wrote the same rows; verify passes at headquarters; where the time goes.
    let (engine_rows, raw_rows) = (counts(lena.raw_connection_for_tests())?, counts(&raw_conn)?);
    for t in COUNTED {
        if engine_rows[t] != raw_rows[t] {
            println!("merge: {t}: engine {} rows, raw {}", engine_rows[t], raw_rows[t]);
        }
    }
    if engine_rows["consent_event"] != total as i64 || raw_rows["consent_event"] != total as i64 {
        return Err(format!(
            "merge: {} and {} events stored, expected {total}",
            engine_rows["consent_event"], raw_rows["consent_event"]
        )
        .into());
    }
    let (verify_t, report) = timed(|| Ok(consentry::verify::verify(&mut lena, consentry::verify::Scope::Full)?))?;
    if !report.is_intact() || report.events_checked != total as u64 {
        return Err(format!("verify at headquarters after the merge: {} problem(s)", report.problems.len()).into());
    }
    let mut prof = profile(lena.raw_connection_for_tests(), &devices)?;
    drop(raw_conn);
    lena.lock()?;
    let nn = nothing_new.median();
    let (dec, parse, roots) = (
        prof["decrypt_s"].as_f64().unwrap_or(0.0),
        prof["parse_s"].as_f64().unwrap_or(0.0),
        prof["roots_s"].as_f64().unwrap_or(0.0),
    );
    super::set_key(&mut prof, "checks_s", json!((nn - dec - parse - roots).max(0.0)));
    super::set_key(&mut prof, "inserts_s", json!((merge.median() - nn).max(0.0)));
    super::set_key(&mut prof, "raw_inserts_s", json!(raw.median()));
    super::set_key(&mut prof, "engine_cpu_s", json!(merge_cpu.median()));
    super::set_key(&mut prof, "raw_cpu_s", json!(raw_cpu.median()));

    let what =
        |s: &str| format!("{s}; {} devices × {} events", ms.devices, group((ms.people * EVENTS_PER_PERSON) as u64));
    let results = [
        PathResult {
            path: "merge",
            what: what("import_device_bundle of each device's bundle into an empty headquarters vault (read, signature, decryption, chains checked, people merged, inserts, checkpoint roots, cosignature; one transaction each)"),
            engine: merge,
            raw: Some(raw.clone()),
            target: Target::RateAndRatio(50_000.0, 1.5),
            events: Some(total),
        },
        PathResult {
            path: "re-import, same files",
            what: what("the same files again: AlreadyImported, found by the file's SHA-256"),
            engine: already,
            raw: Some(raw.clone()),
            target: Target::RateAndRatio(50_000.0, 1.5),
            events: Some(total),
        },
        PathResult {
            path: "re-import, nothing new",
            what: what("each device's earlier bundle (a different file, the same events): NothingNew, decrypted and checked in full"),
            engine: nothing_new,
            raw: Some(raw),
            target: Target::RateAndRatio(50_000.0, 1.5),
            events: Some(total),
        },
    ];
    println!("\n{}", super::markdown_table(&results));
    Ok(json!({
        "date": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "machine": super::machine(),
        "seed": a.seed,
        "devices": ms.devices,
        "events_per_device": ms.people * EVENTS_PER_PERSON,
        "events": total,
        "people": ms.devices * ms.people,
        "rounds": ms.rounds,
        "generation_s": generation.as_secs_f64(),
        "verify_s": verify_t.as_secs_f64(),
        "rows": { "engine": engine_rows, "raw": raw_rows },
        "profile": prof,
        "paths": results.iter().map(PathResult::json).collect::<Vec<_>>(),
    }))
}

/// The merge part of a set's Markdown.
pub(super) fn render_md(set: &str, m: &Json) -> String {
    use std::fmt::Write as _;
    let mut md = String::new();
    let f = |v: &Json| v.as_f64().map(fmt_s).unwrap_or_else(|| "—".into());
    let mc = &m["machine"];
    let _ = writeln!(
        md,
        "### {set} set — merge at headquarters: {} devices × {} events (seed {})\n\n{} · {} · {} cores · commit `{}`{}\n",
        m["devices"],
        group(m["events_per_device"].as_u64().unwrap_or(0)),
        m["seed"],
        m["date"].as_str().unwrap_or(""),
        mc["cpu"].as_str().unwrap_or(""),
        mc["cores"],
        mc["commit"].as_str().unwrap_or(""),
        if mc["worktree_dirty"].as_bool().unwrap_or(false) { " (with uncommitted changes)" } else { "" }
    );
    let paths = m["paths"].as_array().map(Vec::as_slice).unwrap_or_default();
    md.push_str(&super::paths_table(paths));
    let p = &m["profile"];
    let _ = writeln!(
        md,
        "\nWhere the merge's time goes (all devices): decryption (read, SHA-256 of file and ciphertext, age) {}, parsing the JSON {}, checkpoint leaves and roots {}, checks and bookkeeping (the nothing-new import less those) {}, inserts (the merge less the nothing-new import) {}; raw inserts {}. Bundles: {} MiB ({} MiB of JSON). CPU time (user + system) of the merge: engine {}, raw {} ({}). Devices made and bundles saved in {}; `verify` at headquarters after the merge: intact, {}.\n",
        f(&p["decrypt_s"]),
        f(&p["parse_s"]),
        f(&p["roots_s"]),
        f(&p["checks_s"]),
        f(&p["inserts_s"]),
        f(&p["raw_inserts_s"]),
        p["bundle_bytes"].as_u64().unwrap_or(0) / (1024 * 1024),
        p["payload_bytes"].as_u64().unwrap_or(0) / (1024 * 1024),
        f(&p["engine_cpu_s"]),
        f(&p["raw_cpu_s"]),
        match (p["engine_cpu_s"].as_f64(), p["raw_cpu_s"].as_f64()) {
            (Some(e), Some(r)) if r > 0.0 => format!("{:.2}×", e / r),
            _ => "—".into(),
        },
        f(&m["generation_s"]),
        f(&m["verify_s"])
    );
    md.push_str("<details><summary>What each merge path does</summary>\n\n");
    for p in paths {
        let _ = writeln!(md, "- **{}**: {}", p["path"].as_str().unwrap_or(""), p["what"].as_str().unwrap_or(""));
    }
    md.push_str("- **raw**: the same rows with prepared statements, one transaction per device (see `raw_merge` in `benches/consentry/merge.rs`)\n\n</details>\n\n");
    md
}
