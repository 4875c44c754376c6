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
//! `--no-merge` leaves it out.
//!
//! How it measures:
//! - **Two vaults, one run.** The engine's vault is made with `vault::create` and filled
//!   through the engine's own bulk path (`rights::import_consents`, 100,000 rows a call), so
//!   every event is hash-chained and `verify` must pass on it (checked, and timed). The raw
//!   vault is a second SQLCipher file with the same pragmas (raw 32-byte key, WAL,
//!   `synchronous=FULL`, `temp_store=MEMORY`, 64 MiB cache) and the project's own migrations,
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

#[path = "consentry/beside.rs"]
mod beside;
#[path = "consentry/merge.rs"]
mod merge;

use std::error::Error as StdError;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
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

// The raw vault carries the same schema as the engine's, including the trigger that keeps the
// current state per person and purpose (0005, replaced in 0007 and 0008), so both sides pay for
// the same rows.
const MIGRATIONS: [&str; 9] = [
    include_str!("../migrations/0001_foundation.sql"),
    include_str!("../migrations/0002_authoring.sql"),
    include_str!("../migrations/0003_rights.sql"),
    include_str!("../migrations/0004_capture.sql"),
    include_str!("../migrations/0005_current.sql"),
    include_str!("../migrations/0006_current_view.sql"),
    include_str!("../migrations/0007_organisation.sql"),
    include_str!("../migrations/0008_clock_tolerance.sql"),
    include_str!("../migrations/0009_key_slots.sql"),
];
const EXAMPLE_PROFILE: &str = include_str!("../examples/trade-show-2026.profile.json");
const NOTICE_TEXT: &str = "我们将使用您的姓名、邮箱和电话向您发送展会相关信息。\nWe use your name, email and phone to send you news of the event.\n";
const PURPOSES: [&str; 5] = ["event_followup", "newsletter", "partner_offers", "hq_crm", "dietary_needs"];
const EVENTS_PER_PERSON: usize = 10;
const MARKER_BEGIN: &str = "<!-- bench:begin (written by benches/consentry.rs; edit outside these markers) -->";
const MARKER_END: &str = "<!-- bench:end -->";

// ---------------------------------------------------------------------------------------------
// Arguments and sizes

#[derive(Clone, Copy)]
struct Sizes {
    name: &'static str,
    subjects: usize,
    import_events: usize,
    rounds: usize,
    samples: usize,
    captures: usize,
    bulk_rounds: usize,
}

const QUICK: Sizes = Sizes {
    name: "quick",
    subjects: 1_000,
    import_events: 10_000,
    rounds: 3,
    samples: 200,
    captures: 20,
    bulk_rounds: 3,
};
const LARGE: Sizes = Sizes {
    name: "large",
    subjects: 100_000,
    import_events: 100_000,
    rounds: 3,
    samples: 300,
    captures: 30,
    bulk_rounds: 2,
};
const SMOKE: Sizes =
    Sizes { name: "smoke", subjects: 20, import_events: 100, rounds: 1, samples: 10, captures: 2, bulk_rounds: 1 };

struct Args {
    sizes: Sizes,
    seed: u64,
    out: Option<PathBuf>,
    md: Option<PathBuf>,
    dir: Option<PathBuf>,
    startup: Option<PathBuf>,
    /// Run the main set (`--merge-only` turns it off) and the merge (`--no-merge`).
    main: bool,
    merge: bool,
    /// `--merge-people N`: people per device in the merge (for profiling at other sizes).
    merge_people: Option<usize>,
}

fn parse_args() -> Res<Args> {
    let raw: Vec<String> = std::env::args().skip(1).collect();
    let benching = raw.iter().any(|a| a == "--bench");
    let sizes = if benching { QUICK } else { SMOKE };
    let mut a = Args {
        sizes,
        seed: 2026,
        out: None,
        md: None,
        dir: None,
        startup: None,
        main: true,
        merge: true,
        merge_people: None,
    };
    let mut it = raw.into_iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--bench" => {}
            "--quick" => a.sizes = QUICK,
            "--large" => a.sizes = LARGE,
            "--smoke" => a.sizes = SMOKE,
            "--seed" => a.seed = value()?.parse()?,
            "--out" => a.out = Some(value()?.into()),
            "--md" => a.md = Some(value()?.into()),
            "--dir" => a.dir = Some(value()?.into()),
            "--startup" => a.startup = Some(value()?.into()),
            "--merge-only" => a.main = false,
            "--no-merge" => a.merge = false,
            "--merge-people" => a.merge_people = Some(value()?.parse()?),
            other if other.starts_with("--") => {
                return Err(format!(
                    "unknown option {other}; use --quick|--large [--seed N] [--out FILE] [--md FILE] [--dir DIR] [--merge-only|--no-merge] [--merge-people N] or --startup FILE"
                )
                .into())
            }
            _ => {} // cargo's test filters
        }
    }
    Ok(a)
}

// ---------------------------------------------------------------------------------------------
// Deterministic data

/// splitmix64: small, fast, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const FAMILY: [(&str, &str); 10] = [
    ("张", "Zhang"),
    ("王", "Wang"),
    ("李", "Li"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
];
const GIVEN: [(&str, &str); 10] = [
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("磊", "Lei"),
    ("洋", "Yang"),
    ("勇", "Yong"),
    ("艳", "Yan"),
    ("杰", "Jie"),
];
const COMPANIES: [&str; 6] = ["示例贸易", "Acme GmbH", "华东机械", "Globex Ltd", "远航物流", "Initech"];

struct Person {
    name: String,
    email: String,
    phone: String,
    company: String,
}

struct Ev {
    purpose: &'static str,
    kind: &'static str,
    at_ms: i64,
}

const BASE_MS: i64 = 1_704_038_400_000; // 2024-01-01T00:00:00+08:00
const OFFSET_MIN: i32 = 480;

/// Person `i` and their events: a pure function of (seed, i).
fn person(seed: u64, i: usize) -> (Person, Vec<Ev>) {
    let mut r = Rng::new(seed ^ (i as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let (fz, fe) = FAMILY[r.below(10) as usize];
    let (gz, ge) = GIVEN[r.below(10) as usize];
    let name = if r.below(2) == 0 { format!("{fz}{gz}") } else { format!("{fe} {ge}") };
    let email = format!("{}.{}{}@example{}.com", ge.to_lowercase(), fe.to_lowercase(), i, r.below(5));
    let phone = format!("13{}{:08}", r.below(10), r.below(100_000_000));
    let company = COMPANIES[r.below(COMPANIES.len() as u64) as usize].to_string();
    let mut at = BASE_MS + (r.below(500 * 86_400) as i64) * 1000;
    let mut events = Vec::with_capacity(EVENTS_PER_PERSON);
    for k in 0..EVENTS_PER_PERSON {
        let purpose = PURPOSES[k % PURPOSES.len()];
        let first = k < PURPOSES.len();
        let kind = match (first, r.below(10)) {
            (true, 0..=7) => "grant",
            (true, _) => "refuse",
            (false, 0..=2) => "withdraw",
            (false, 3..=7) => "grant",
            (false, _) => "refuse",
        };
        at += (1 + r.below(30 * 86_400) as i64) * 1000;
        events.push(Ev { purpose, kind, at_ms: at });
    }
    (Person { name, email, phone, company }, events)
}

fn rfc3339(ms: i64) -> String {
    match (chrono::FixedOffset::east_opt(OFFSET_MIN * 60), chrono::DateTime::from_timestamp_millis(ms)) {
        (Some(off), Some(t)) => t.with_timezone(&off).to_rfc3339(),
        _ => String::new(),
    }
}

/// An import CSV for people `from..to`.
fn import_csv(seed: u64, from: usize, to: usize, notice_hash: &str) -> String {
    let mut out = String::from("email,phone,name,company,purpose,decision,notice,language,captured_at,evidence\r\n");
    for i in from..to {
        let (p, evs) = person(seed, i);
        for e in evs {
            let _ = write!(
                out,
                "{},{},{},{},{},{},{},zh-CN,{},form {}\r\n",
                p.email,
                p.phone,
                p.name,
                p.company,
                e.purpose,
                e.kind,
                notice_hash,
                rfc3339(e.at_ms),
                i
            );
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The engine's vault

struct Engine {
    marketer: Session,
    legal: Session,
    notice_hash: String,
    _paths: VaultPaths,
}

fn pass(p: &str) -> Passphrase {
    Passphrase::new(p.to_string())
}

fn engine_vault(dir: &Path) -> Res<Engine> {
    let paths = VaultPaths::new(dir.join("engine.db"));
    let clock = Arc::new(SystemClock);
    let (mut admin, _recovery) = consentry::Session::create(
        &paths,
        NewVault { admin_name: "Ada", passphrase: &pass("bench admin passphrase"), device_name: "bench" },
        clock.clone(),
    )?;
    operator::add(&mut admin, "Lena", Role::Legal, &pass("bench legal passphrase"))?;
    operator::add(&mut admin, "Mo", Role::Marketer, &pass("bench marketer passphrase"))?;
    let separate = [
        None,
        None,
        Some(SeparateConsent::ThirdParty),
        Some(SeparateConsent::CrossBorder),
        Some(SeparateConsent::Sensitive),
    ];
    let names = [
        ("展会后续联系", "Follow-up after the event"),
        ("电子通讯订阅", "Newsletter"),
        ("向合作伙伴提供信息以便其向您发送营销信息", "Sharing your details with our partner so it can send you offers"),
        (
            "向境外总部提供信息用于客户关系管理",
            "Sharing your details with our headquarters abroad for customer relationship management",
        ),
        ("活动餐饮饮食需求安排", "Catering for your dietary needs at the event"),
    ];
    for ((code, (zh, en)), sep) in PURPOSES.iter().zip(names).zip(separate) {
        purpose::add_purpose(
            &mut admin,
            &Purpose {
                code: (*code).into(),
                name_zh: zh.into(),
                name_en: en.into(),
                legal_basis: LegalBasis::Consent,
                necessary: false,
                separate_consent: sep,
                dpv: Some("dpv:DirectMarketing".into()),
            },
        )?;
    }
    for (code, zh, en, sensitive) in [
        ("name", "姓名", "Name", None),
        ("email", "电子邮箱", "Email address", None),
        ("phone", "电话号码", "Phone number", None),
        ("company", "工作单位", "Company", None),
        ("job_title", "职务", "Job title", None),
        ("dietary_health", "饮食限制与过敏信息", "Dietary restrictions and allergies", Some(SensitiveKind::Health)),
    ] {
        purpose::add_category(
            &mut admin,
            &DataCategory { code: code.into(), name_zh: zh.into(), name_en: en.into(), sensitive },
        )?;
    }
    admin.lock()?;
    let mut legal = consentry::Session::unlock(&paths, "Lena", &pass("bench legal passphrase"), clock.clone())?;
    notice::template::install_starter(&mut legal)?;
    let v = notice::register(&mut legal, "展会同意书 Trade show consent", Language::ZhCn, NOTICE_TEXT, None)?;
    let marketer = consentry::Session::unlock(&paths, "Mo", &pass("bench marketer passphrase"), clock)?;
    Ok(Engine { marketer, legal, notice_hash: v.hash, _paths: paths })
}

fn engine_import(e: &mut Engine, seed: u64, from: usize, to: usize) -> Res<usize> {
    let csv = import_csv(seed, from, to, &e.notice_hash);
    let report = rights::import_consents(&mut e.marketer, csv.as_bytes(), Provenance::Import)?;
    if !report.committed() {
        return Err(format!("the generated import was refused: {:?}", report.errors.first()).into());
    }
    Ok(report.events)
}

fn engine_capture(e: &mut Engine, p: &Person) -> Res<()> {
    ledger::record_capture(
        &mut e.marketer,
        &Capture {
            subject: SubjectInput {
                name: Some(p.name.clone()),
                email: Some(p.email.clone()),
                phone: Some(p.phone.clone()),
                company: Some(p.company.clone()),
            },
            choices: vec![
                ("event_followup".into(), EventKind::Grant),
                ("newsletter".into(), EventKind::Grant),
                ("partner_offers".into(), EventKind::Refuse),
            ],
            notice: e.notice_hash.clone(),
            language: None,
            method: Method::Kiosk,
            evidence: String::new(),
            captured_at: None,
        },
    )?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// The raw vault: same pragmas, same schema, same rows, plain SQL

struct Raw {
    conn: Connection,
    ids: RawIds,
}

struct RawIds {
    device: String,
    operator: String,
    notice_hash: String,
}

/// A raw SQLCipher vault at `path` with the engine's pragmas and schema.
fn raw_open(path: &Path) -> Res<Connection> {
    let mut key = [0u8; 32];
    let mut r = Rng::new(0x5EED);
    for b in &mut key {
        *b = r.next() as u8;
    }
    let conn = Connection::open(path)?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key)))?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err("raw vault: not WAL".into());
    }
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;",
    )?;
    if conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))? == 0 {
        for m in MIGRATIONS {
            conn.execute_batch(m)?;
        }
    }
    Ok(conn)
}

fn raw_vault(dir: &Path) -> Res<Raw> {
    let conn = raw_open(&dir.join("raw.db"))?;
    let device = uuid::Uuid::now_v7().to_string();
    let operator = uuid::Uuid::now_v7().to_string();
    let notice_hash = hex::encode(Sha256::digest(NOTICE_TEXT.as_bytes()));
    conn.execute(
        "INSERT INTO device (id, name, public_key, is_local, created_at_ms) VALUES (?1, 'bench', x'00', 1, 0)",
        [&device],
    )?;
    conn.execute(
        "INSERT INTO operator (id, name, name_key, role, created_at_ms) VALUES (?1, 'Mo', 'mo', 'marketer', 0)",
        [&operator],
    )?;
    for p in PURPOSES {
        conn.execute(
            "INSERT INTO purpose (code, name_zh, name_en, legal_basis, necessary, created_at_ms) VALUES (?1, ?1, ?1, 'consent', 0, 0)",
            [p],
        )?;
    }
    conn.execute(
        "INSERT INTO notice_version (id, hash, title, language, body, profile, state, created_by, created_at_ms)
         VALUES (?1, ?2, 'bench', 'zh-CN', ?3, '', 'approved', ?4, 0)",
        params![uuid::Uuid::now_v7().to_string(), notice_hash, NOTICE_TEXT, operator],
    )?;
    Ok(Raw { conn, ids: RawIds { device, operator, notice_hash } })
}

/// The search terms the engine keeps for a person (same shape: name and its later words,
/// email, phone digits and every tail of 4+ digits).
fn raw_terms(name: &str, email: &str, phone: &str) -> Vec<String> {
    let n = name.to_lowercase();
    let mut out: Vec<String> = n.split(' ').skip(1).map(|w| format!("n:{w}")).collect();
    out.push(format!("n:{n}"));
    out.push(format!("e:{email}"));
    for start in 1..phone.len().saturating_sub(3) {
        out.push(format!("s:{}", &phone[start..]));
    }
    out.push(format!("p:{phone}"));
    out.sort();
    out.dedup();
    out
}

/// One person's rows with plain SQL, inside the caller's transaction: look the person up,
/// add them and their search terms, append each event to the chain (reading the last link),
/// a receipt, and an audit entry chained to the last one. The same rows the engine writes.
fn raw_record(
    conn: &Connection,
    raw: &RawIds,
    p: &Person,
    evs: &[Ev],
    method: &str,
    receipt_kind: &str,
    now_ms: i64,
) -> Res<()> {
    let found: Option<String> = conn
        .prepare_cached("SELECT id FROM subject WHERE email_norm = ?1 ORDER BY created_at_ms LIMIT 1")?
        .query_row([&p.email], |r| r.get(0))
        .optional()?;
    let subject_id = match found {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::now_v7().to_string();
            conn.prepare_cached(
                "INSERT INTO subject (id, name, email, email_norm, phone, phone_norm, company, created_at_ms)
                 VALUES (?1, ?2, ?3, ?3, ?4, ?4, ?5, ?6)",
            )?
            .execute(params![id, p.name, p.email, p.phone, p.company, now_ms])?;
            let mut ins =
                conn.prepare_cached("INSERT OR IGNORE INTO subject_term (term, subject_id) VALUES (?1, ?2)")?;
            for t in raw_terms(&p.name, &p.email, &p.phone) {
                ins.execute(params![t, id])?;
            }
            id
        }
    };
    let mut ids = Vec::with_capacity(evs.len());
    let mut detail = String::new();
    for e in evs {
        let last: Option<(i64, Vec<u8>)> = conn
            .prepare_cached("SELECT seq, hash FROM consent_event WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1")?
            .query_row([&raw.device], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (seq, prev) = last.map(|(s, h)| (s + 1, h)).unwrap_or((1, vec![0; 32]));
        let id = uuid::Uuid::now_v7().to_string();
        let mut h = Sha256::new();
        for part in [
            id.as_bytes(),
            raw.device.as_bytes(),
            &prev,
            e.kind.as_bytes(),
            subject_id.as_bytes(),
            e.purpose.as_bytes(),
        ] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        h.update(seq.to_be_bytes());
        h.update(e.at_ms.to_be_bytes());
        let hash = h.finalize();
        conn.prepare_cached(
            "INSERT INTO consent_event (id, device_id, seq, prev_hash, hash, kind, subject_id, purpose_code, notice_hash,
                                        language, captured_at_ms, utc_offset_min, operator_id, method, evidence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'zh-CN', ?10, ?11, ?12, ?13, '')",
        )?
        .execute(params![
            id,
            raw.device,
            seq,
            prev,
            hash.as_slice(),
            e.kind,
            subject_id,
            e.purpose,
            raw.notice_hash,
            e.at_ms,
            OFFSET_MIN,
            raw.operator,
            method
        ])?;
        let _ = write!(detail, "{id}:{},", hex::encode(hash));
        ids.push(id);
    }
    let receipt = format!(
        "{:010X}",
        Rng::new(now_ms as u64 ^ ids.len() as u64 ^ uuid::Uuid::now_v7().as_u128() as u64).next() >> 24
    );
    conn.prepare_cached(
        "INSERT INTO receipt (id, kind, subject_id, created_at_ms, utc_offset_min, operator_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![receipt, receipt_kind, subject_id, now_ms, OFFSET_MIN, raw.operator])?;
    let mut ins = conn.prepare_cached("INSERT INTO receipt_event (receipt_id, event_id) VALUES (?1, ?2)")?;
    for id in &ids {
        ins.execute(params![receipt, id])?;
    }
    let last: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = last.map(|(s, h)| (s + 1, h)).unwrap_or((1, vec![0; 32]));
    let hash = Sha256::new()
        .chain_update(&prev)
        .chain_update(subject_id.as_bytes())
        .chain_update(detail.as_bytes())
        .finalize();
    conn.prepare_cached(
        "INSERT INTO audit_entry (seq, at_ms, utc_offset_min, actor_id, actor_name, action, target, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, 'Mo', 'consent.capture', ?5, ?6, ?7, ?8)",
    )?
    .execute(params![seq, now_ms, OFFSET_MIN, raw.operator, subject_id, detail, prev, hash.as_slice()])?;
    Ok(())
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn raw_import(raw: &mut Raw, seed: u64, from: usize, to: usize) -> Res<usize> {
    let tx = raw.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let mut n = 0;
    let now = now_ms();
    for i in from..to {
        let (p, evs) = person(seed, i);
        raw_record(&tx, &raw.ids, &p, &evs, "import", "import", now)?;
        n += evs.len();
    }
    tx.commit()?;
    Ok(n)
}

fn raw_capture(raw: &mut Raw, p: &Person) -> Res<()> {
    let now = now_ms();
    let evs = [
        Ev { purpose: "event_followup", kind: "grant", at_ms: now },
        Ev { purpose: "newsletter", kind: "grant", at_ms: now },
        Ev { purpose: "partner_offers", kind: "refuse", at_ms: now },
    ];
    let tx = raw.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    raw_record(&tx, &raw.ids, p, &evs, "kiosk", "capture", now)?;
    tx.commit()?;
    Ok(())
}

const RAW_PROTECTION: &str = "CASE kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END";

/// Current status per purpose: find the person by email, read their events newest first per
/// purpose, keep the first of each.
fn raw_status(raw: &Raw, email: &str) -> Res<usize> {
    let id: String = raw
        .conn
        .prepare_cached("SELECT id FROM subject WHERE email_norm = ?1 ORDER BY created_at_ms LIMIT 1")?
        .query_row([email], |r| r.get(0))?;
    let mut stmt = raw.conn.prepare_cached(&format!(
        "SELECT purpose_code, kind, captured_at_ms, utc_offset_min, id, notice_hash FROM consent_event
         WHERE subject_id = ?1 ORDER BY purpose_code, captured_at_ms DESC, {RAW_PROTECTION} DESC"
    ))?;
    let mut rows = stmt.query([&id])?;
    let mut out: Vec<(String, String, i64)> = Vec::new();
    while let Some(r) = rows.next()? {
        let purpose: String = r.get(0)?;
        if out.last().is_some_and(|o| o.0 == purpose) {
            continue;
        }
        out.push((purpose, r.get(1)?, r.get(2)?));
    }
    Ok(out.len())
}

fn raw_history(raw: &Raw, email: &str) -> Res<usize> {
    let id: String = raw
        .conn
        .prepare_cached("SELECT id FROM subject WHERE email_norm = ?1 ORDER BY created_at_ms LIMIT 1")?
        .query_row([email], |r| r.get(0))?;
    let mut stmt = raw.conn.prepare_cached(
        "SELECT id, device_id, seq, kind, subject_id, purpose_code, notice_hash, language, captured_at_ms,
                utc_offset_min, operator_id, method, evidence, hash FROM consent_event
         WHERE subject_id = ?1 ORDER BY captured_at_ms, device_id, seq",
    )?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        String,
        String,
        i64,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
        i64,
        String,
        String,
        String,
        Vec<u8>,
    )> = stmt
        .query_map([&id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
                r.get(13)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows.len())
}

/// The same rows as the consent export (current state per person and purpose, with the
/// person's columns and the receipt), written as CSV with no masking or hashing.
fn raw_export(raw: &Raw) -> Res<usize> {
    let sql = format!(
        "SELECT s.id, s.name, s.email_norm, s.phone_norm, s.company, s.email_sha256, s.phone_sha256,
                s.erased_at_ms IS NOT NULL, e.purpose_code, e.kind, e.captured_at_ms, e.utc_offset_min, e.id,
                e.notice_hash, e.method, (SELECT receipt_id FROM receipt_event re WHERE re.event_id = e.id)
         FROM (SELECT *, row_number() OVER (PARTITION BY subject_id, purpose_code
                                            ORDER BY captured_at_ms DESC, {RAW_PROTECTION} DESC) AS rn
               FROM consent_event) e
         JOIN subject s ON s.id = e.subject_id
         WHERE e.rn = 1
         ORDER BY s.created_at_ms, s.id, e.purpose_code"
    );
    let mut stmt = raw.conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut out = String::from(
        "subject_id,name,email,phone,company,purpose,state,since,method,notice_hash,event_id,receipt_id,erased\r\n",
    );
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let s = |i: usize| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()) };
        let _ = write!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{}\r\n",
            s(0)?,
            s(1)?,
            s(2)?,
            s(3)?,
            s(4)?,
            s(8)?,
            s(9)?,
            r.get::<_, i64>(10)?,
            s(14)?,
            s(13)?,
            s(12)?,
            s(15)?,
            r.get::<_, bool>(7)?
        );
        n += 1;
    }
    std::hint::black_box(&out);
    Ok(n)
}

const SEARCH_SQL: &str = "SELECT s.id, s.name, s.email, s.phone, s.company, s.erased_at_ms IS NOT NULL
     FROM subject_term t JOIN subject s ON s.id = t.subject_id
     WHERE t.term >= ?1 AND t.term < ?2 ORDER BY t.term LIMIT ?3";

/// The first page of a search: the same prefix ranges the engine would run.
fn raw_search(raw: &Raw, query: &str, limit: usize) -> Res<usize> {
    let q = query.to_lowercase();
    let ranges: Vec<String> = if q.chars().all(|c| c.is_ascii_digit()) {
        vec![format!("p:{q}"), format!("s:{q}")]
    } else {
        vec![format!("n:{q}"), format!("e:{q}")]
    };
    let mut stmt = raw.conn.prepare_cached(SEARCH_SQL)?;
    let mut seen = std::collections::HashSet::new();
    for p in ranges {
        if seen.len() >= limit {
            break;
        }
        let upper = format!("{p}\u{10FFFF}");
        let mut rows = stmt.query(params![p, upper, limit as i64])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let _: (Option<String>, Option<String>, Option<String>) = (r.get(1)?, r.get(2)?, r.get(3)?);
            if seen.len() < limit {
                seen.insert(id);
            }
        }
    }
    Ok(seen.len())
}

// ---------------------------------------------------------------------------------------------
// Statistics

#[derive(Default, Clone)]
struct Samples(Vec<f64>);

impl Samples {
    fn push(&mut self, d: Duration) {
        self.0.push(d.as_secs_f64());
    }
    fn sorted(&self) -> Vec<f64> {
        let mut v = self.0.clone();
        v.sort_by(f64::total_cmp);
        v
    }
    fn quantile(&self, q: f64) -> f64 {
        let v = self.sorted();
        if v.is_empty() {
            return f64::NAN;
        }
        let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
        v[rank - 1]
    }
    fn median(&self) -> f64 {
        let v = self.sorted();
        match v.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => v[n / 2],
            n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
        }
    }
    fn json(&self) -> Value {
        json!({ "n": self.0.len(), "median_s": self.median(), "p50_s": self.quantile(0.5), "p99_s": self.quantile(0.99),
                "min_s": self.quantile(0.0), "max_s": self.quantile(1.0) })
    }
}

fn timed<T>(f: impl FnOnce() -> Res<T>) -> Res<(Duration, T)> {
    let t = Instant::now();
    let v = f()?;
    Ok((t.elapsed(), v))
}

enum Target {
    /// Engine median ≤ k × raw median.
    Ratio(f64),
    /// Engine median ≤ seconds.
    Within(f64),
    /// Events per second ≥ n (from the engine median).
    Rate(f64),
    /// Both: events per second ≥ n and engine median ≤ k × raw median.
    RateAndRatio(f64, f64),
    None,
}

struct PathResult {
    path: &'static str,
    what: String,
    engine: Samples,
    raw: Option<Samples>,
    target: Target,
    events: Option<usize>,
}

impl PathResult {
    fn ratio(&self) -> Option<f64> {
        self.raw.as_ref().map(|r| self.engine.median() / r.median())
    }
    fn ratio_p99(&self) -> Option<f64> {
        self.raw.as_ref().map(|r| self.engine.quantile(0.99) / r.quantile(0.99))
    }
    fn rate(&self) -> Option<f64> {
        self.events.map(|n| n as f64 / self.engine.median())
    }
    fn target_text(&self) -> String {
        match self.target {
            Target::Ratio(k) => format!("≤ {k}× raw"),
            Target::Within(s) => format!("≤ {}", fmt_s(s)),
            Target::Rate(n) => format!("≥ {} events/s", group(n as u64)),
            Target::RateAndRatio(n, k) => format!("≥ {} events/s, ≤ {k}× raw", group(n as u64)),
            Target::None => "—".into(),
        }
    }
    fn pass(&self) -> Option<bool> {
        match self.target {
            Target::Ratio(k) => self.ratio().map(|r| r <= k),
            Target::Within(s) => Some(self.engine.median() <= s),
            Target::Rate(n) => self.rate().map(|r| r >= n),
            Target::RateAndRatio(n, k) => self.rate().zip(self.ratio()).map(|(r, x)| r >= n && x <= k),
            Target::None => None,
        }
    }
    fn json(&self) -> Value {
        json!({
            "path": self.path,
            "what": self.what,
            "engine": self.engine.json(),
            "raw": self.raw.as_ref().map(Samples::json),
            "ratio_median": self.ratio(),
            "ratio_p99": self.ratio_p99(),
            "events": self.events,
            "engine_events_per_s": self.rate(),
            "raw_events_per_s": self.events.zip(self.raw.as_ref()).map(|(n, r)| n as f64 / r.median()),
            "target": self.target_text(),
            "pass": self.pass(),
        })
    }
}

fn fmt_s(s: f64) -> String {
    if !s.is_finite() {
        "—".into()
    } else if s >= 1.0 {
        format!("{s:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

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
    let (verify_t, report) = timed(|| Ok(consentry::verify::verify(&mut e.marketer)?))?;
    if !report.is_intact() || report.events_checked != total_events as u64 {
        return Err(format!(
            "verify failed on the generated vault: {} problem(s), {} events checked of {total_events}",
            report.problems.len(),
            report.events_checked
        )
        .into());
    }
    println!("verify: intact, {} events in {}", group(report.events_checked), fmt_s(verify_t.as_secs_f64()));
    let steps: Vec<String> =
        report.steps.iter().map(|(name, d)| format!("{name} {}", fmt_s(d.as_secs_f64()))).collect();
    println!("verify steps: {}", steps.join(", "));

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
            "one person's current status per purpose, found by email",
            |e, r, email, engine| {
                if engine {
                    std::hint::black_box(ledger::status(&mut e.marketer, &SubjectKey::Email(email.into()))?);
                } else {
                    std::hint::black_box(raw_status(r, email)?);
                }
                Ok(())
            },
            Target::Ratio(1.5),
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
                    timed(|| {
                        // The best the storage can do with the same schema: the trigger-kept table.
                        let n: i64 = raw.conn.query_row(
                            "SELECT count(*) FROM consent_current WHERE kind = 'grant'",
                            [],
                            |r| r.get(0),
                        )?;
                        Ok(n)
                    })?
                    .0
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
            what: "ledger::summary (people, consents in force, withdrawals in 7 days, notices by state); raw: the consents-in-force count alone".into(),
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
                "consent export, CSV, masked: {} rows (current state per person × purpose) from {} events",
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

    let Engine { marketer, legal, .. } = e;
    marketer.lock()?;
    legal.lock()?;
    drop(raw);

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
        "paths": results.iter().map(PathResult::json).collect::<Vec<_>>(),
    }))
}

fn markdown_table(results: &[PathResult]) -> String {
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

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn command(cmd: &str, args: &[&str]) -> String {
    std::process::Command::new(cmd)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn machine() -> Value {
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

fn load(path: &Path) -> Res<Value> {
    match std::fs::read_to_string(path) {
        Ok(s) => Ok(serde_json::from_str(&s)?),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(json!({})),
        Err(e) => Err(e.into()),
    }
}

fn set_key(doc: &mut Value, key: &str, v: Value) {
    if !doc.is_object() {
        *doc = json!({});
    }
    if let Some(o) = doc.as_object_mut() {
        o.insert(key.to_string(), v);
    }
}

/// The Markdown table of a set's paths, from the results file.
fn paths_table(paths: &[Value]) -> String {
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
fn render_md(doc: &Value) -> String {
    let mut md = String::new();
    let f = |v: &Value| v.as_f64().map(fmt_s).unwrap_or_else(|| "—".into());
    for set in ["large", "quick"] {
        let Some(s) = doc.get(set) else { continue };
        let merged = s.get("merge").map(|m| merge::render_md(set, m)).unwrap_or_default();
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
            "\nGeneration through the engine's import: {} ({} events/s); raw INSERTs: {}. `verify` on the generated vault: intact, {}.\n",
            f(&g["engine_s"]),
            group(g["engine_events_per_s"].as_f64().unwrap_or(0.0) as u64),
            f(&g["raw_s"]),
            f(&s["verify_s"])
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
            let _ = writeln!(md, "| idle RSS, app process | {r:.0} MiB | — | — |");
        }
        if let Some(r) = num("total_rss_mib") {
            let _ = writeln!(md, "| idle RSS, app + WebKit processes | {r:.0} MiB | — | — |");
        }
        if let Some(b) = num("deb_bytes") {
            let mib = b / 1024.0 / 1024.0;
            let _ = writeln!(md, "| `.deb` size | {mib:.2} MiB | ≤ 10 MB | {} |", verdict(Some(b <= 10_000_000.0)));
        }
        md.push('\n');
    }
    md
}

fn write_md(path: &Path, generated: &str) -> Res<()> {
    let current = std::fs::read_to_string(path).unwrap_or_default();
    let block = format!("{MARKER_BEGIN}\n\n{generated}{MARKER_END}");
    let text = match (current.find(MARKER_BEGIN), current.find(MARKER_END)) {
        (Some(b), Some(e)) if e > b => format!("{}{}{}", &current[..b], block, &current[e + MARKER_END.len()..]),
        _ => format!("# Benchmarks\n\n{block}\n"),
    };
    std::fs::write(path, text)?;
    Ok(())
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
