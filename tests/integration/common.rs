//! Shared set-up: a vault with one operator per role, a few purposes and a notice.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use consentry::ledger::{self, Capture, EventKind, Method, Recorded};
use consentry::notice::{self, Language};
use consentry::purpose::{self, LegalBasis, Purpose, SeparateConsent};
use consentry::subject::SubjectInput;
use consentry::vault::{NewVault, Passphrase, RecoveryKey, VaultPaths};
use consentry::{operator, Clock, Role, Session, SystemClock};
use tempfile::TempDir;

pub const ADMIN: (&str, &str) = ("Ada", "admin passphrase 1");
pub const LEGAL: (&str, &str) = ("Lena", "legal passphrase 1");
pub const MARKETER: (&str, &str) = ("Mo", "marketer passphrase 1");
pub const KIOSK: (&str, &str) = ("Kim", "kiosk passphrase 1");

pub const NOTICE_TEXT: &str =
    "我们将使用您的姓名和邮箱向您发送展会相关的营销信息。\nWe use your name and email to send you event marketing.\n";

pub struct TestVault {
    pub dir: TempDir,
    pub paths: VaultPaths,
    pub recovery: RecoveryKey,
    pub notice_hash: String,
}

pub fn pass(p: &str) -> Passphrase {
    Passphrase::new(p.to_string())
}

pub fn credentials(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Admin => ADMIN,
        Role::Legal => LEGAL,
        Role::Marketer => MARKETER,
        Role::Kiosk => KIOSK,
    }
}

pub fn unlock(paths: &VaultPaths, role: Role) -> Session {
    let (name, p) = credentials(role);
    consentry::Session::unlock(paths, name, &pass(p), Arc::new(SystemClock)).unwrap()
}

pub fn unlock_with_clock(paths: &VaultPaths, role: Role, clock: Arc<dyn Clock>) -> Session {
    let (name, p) = credentials(role);
    consentry::Session::unlock(paths, name, &pass(p), clock).unwrap()
}

/// A vault with Ada (admin), Lena (legal), Mo (marketer), Kim (kiosk); purposes
/// `event_marketing`, `newsletter`, `xborder` (cross-border separate consent); one notice.
pub fn vault_with_team() -> TestVault {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(dir.path().join("consentry.db"));
    let (mut admin, recovery) = consentry::Session::create(
        &paths,
        NewVault { admin_name: ADMIN.0, passphrase: &pass(ADMIN.1), device_name: "Stand A laptop" },
        Arc::new(SystemClock),
    )
    .unwrap();
    for role in [Role::Legal, Role::Marketer, Role::Kiosk] {
        let (name, p) = credentials(role);
        operator::add(&mut admin, name, role, &pass(p)).unwrap();
    }
    for (code, zh, en, separate) in [
        ("event_marketing", "活动营销", "Event marketing", None),
        ("newsletter", "电子报", "Newsletter", None),
        ("xborder", "跨境传输", "Transfer to headquarters in Germany", Some(SeparateConsent::CrossBorder)),
    ] {
        purpose::add_purpose(
            &mut admin,
            &Purpose {
                code: code.into(),
                name_zh: zh.into(),
                name_en: en.into(),
                legal_basis: LegalBasis::Consent,
                necessary: false,
                separate_consent: separate,
                dpv: Some("dpv:DirectMarketing".into()),
            },
        )
        .unwrap();
    }
    admin.lock().unwrap();
    let mut legal = unlock(&paths, Role::Legal);
    let v = notice::register(&mut legal, "展会同意书 Trade show consent", Language::ZhCn, NOTICE_TEXT, None).unwrap();
    legal.lock().unwrap();
    TestVault { dir, paths, recovery, notice_hash: v.hash }
}

pub fn person(n: usize) -> SubjectInput {
    SubjectInput {
        name: Some(format!("Person {n}")),
        email: Some(format!("person{n}@example.com")),
        phone: None,
        company: Some("Acme".into()),
    }
}

pub fn capture(session: &mut Session, notice_hash: &str, who: SubjectInput, choices: &[(&str, EventKind)]) -> Recorded {
    ledger::record_capture(
        session,
        &Capture {
            subject: who,
            choices: choices.iter().map(|(p, k)| (p.to_string(), *k)).collect(),
            notice: notice_hash.to_string(),
            language: None,
            method: Method::Kiosk,
            evidence: String::new(),
            captured_at: None,
        },
    )
    .unwrap()
}

/// Every regular file in a folder with its bytes.
pub fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    out.sort();
    out
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_consentry")
}

/// A copy of a vault in a new folder (the vault must be closed).
pub fn copy_vault(tv: &TestVault) -> TestVault {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(dir.path().join("consentry.db"));
    std::fs::copy(&tv.paths.db, &paths.db).unwrap();
    std::fs::copy(&tv.paths.slots, &paths.slots).unwrap();
    let recovery = RecoveryKey::parse(&tv.recovery.expose_display()).unwrap();
    TestVault { dir, paths, recovery, notice_hash: tv.notice_hash.clone() }
}

/// Opens the database with a raw data key and no engine, as someone holding that key would.
pub fn open_with_key(db: &Path, key: &[u8]) -> rusqlite::Connection {
    let c = rusqlite::Connection::open(db).unwrap();
    // As the engine keys a vault: HMAC-SHA256 pages (src/vault/cipher.rs).
    c.execute_batch(&format!("PRAGMA key = \"x'{}'\"; PRAGMA cipher_hmac_algorithm = HMAC_SHA256;", hex::encode(key)))
        .unwrap();
    c
}

/// A second legal operator, so that one can write a notice and the other approve it.
pub const LEGAL2: (&str, &str) = ("Lu", "legal passphrase 2");

/// The example profile shipped in `examples/`.
pub const EXAMPLE_PROFILE: &str = include_str!("../../examples/trade-show-2026.profile.json");

/// The script that creates the example's catalogue with the CLI.
pub const EXAMPLE_CATALOGUE_SH: &str = include_str!("../../examples/catalogue.sh");

pub fn example_profile() -> consentry::notice::profile::Profile {
    consentry::notice::profile::Profile::from_json(EXAMPLE_PROFILE).unwrap()
}

/// The purposes `examples/catalogue.sh` adds, as the engine types them.
pub fn example_purposes() -> Vec<Purpose> {
    use SeparateConsent::*;
    [
        ("event_followup", "展会后续联系", "Follow-up after the event", None, "dpv:CustomerRelationshipManagement"),
        ("newsletter", "电子通讯订阅", "Newsletter", None, "dpv:DirectMarketing"),
        (
            "partner_offers",
            "向合作伙伴提供信息以便其向您发送营销信息",
            "Sharing your details with our partner so it can send you offers",
            Some(ThirdParty),
            "dpv:Marketing",
        ),
        (
            "hq_crm",
            "向境外总部提供信息用于客户关系管理",
            "Sharing your details with our headquarters abroad for customer relationship management",
            Some(CrossBorder),
            "dpv:CustomerRelationshipManagement",
        ),
        (
            "dietary_needs",
            "活动餐饮饮食需求安排",
            "Catering for your dietary needs at the event",
            Some(Sensitive),
            "dpv:ServiceProvision",
        ),
    ]
    .into_iter()
    .map(|(code, zh, en, separate, dpv)| Purpose {
        code: code.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        legal_basis: LegalBasis::Consent,
        necessary: false,
        separate_consent: separate,
        dpv: Some(dpv.into()),
    })
    .collect()
}

/// The data categories `examples/catalogue.sh` adds.
pub fn example_categories() -> Vec<purpose::DataCategory> {
    [
        ("name", "姓名", "Name", None),
        ("email", "电子邮箱", "Email address", None),
        ("phone", "电话号码", "Phone number", None),
        ("company", "工作单位", "Company", None),
        ("job_title", "职务", "Job title", None),
        (
            "dietary_health",
            "饮食限制与过敏信息",
            "Dietary restrictions and allergies",
            Some(purpose::SensitiveKind::Health),
        ),
    ]
    .into_iter()
    .map(|(code, zh, en, sensitive)| purpose::DataCategory {
        code: code.into(),
        name_zh: zh.into(),
        name_en: en.into(),
        sensitive,
    })
    .collect()
}

/// Creates the example's catalogue through the engine, as `examples/catalogue.sh` does with
/// the CLI. Codes the vault already has are left as they are.
pub fn example_catalogue(s: &mut Session) {
    for p in example_purposes() {
        match purpose::add_purpose(s, &p) {
            Ok(_) | Err(consentry::Error::Duplicate { .. }) => {}
            Err(e) => panic!("purpose {}: {e}", p.code),
        }
    }
    for c in example_categories() {
        match purpose::add_category(s, &c) {
            Ok(_) | Err(consentry::Error::Duplicate { .. }) => {}
            Err(e) => panic!("category {}: {e}", c.code),
        }
    }
}

pub fn unlock_as(paths: &VaultPaths, who: (&str, &str)) -> Session {
    consentry::Session::unlock(paths, who.0, &pass(who.1), Arc::new(SystemClock)).unwrap()
}

/// A vault for notice authoring: Ada (admin), Lena and Lu (legal), Mo (marketer), Kim
/// (kiosk); the example's catalogue, the starter library and the example profile, all saved
/// by Lena.
pub fn authoring_vault() -> (TempDir, VaultPaths) {
    let dir = tempfile::tempdir().unwrap();
    let paths = VaultPaths::new(dir.path().join("consentry.db"));
    let (mut admin, _) = consentry::Session::create(
        &paths,
        NewVault { admin_name: ADMIN.0, passphrase: &pass(ADMIN.1), device_name: "Stand A laptop" },
        Arc::new(SystemClock),
    )
    .unwrap();
    for (who, role) in [(LEGAL, Role::Legal), (LEGAL2, Role::Legal), (MARKETER, Role::Marketer), (KIOSK, Role::Kiosk)] {
        operator::add(&mut admin, who.0, role, &pass(who.1)).unwrap();
    }
    admin.lock().unwrap();
    let mut lena = unlock_as(&paths, LEGAL);
    example_catalogue(&mut lena);
    consentry::notice::template::install_starter(&mut lena).unwrap();
    consentry::notice::profile::save(&mut lena, &example_profile()).unwrap();
    lena.lock().unwrap();
    (dir, paths)
}

/// Runs SQL as an attacker holding the key would: drops the named triggers, runs it, and puts
/// the triggers back exactly as they were, so that `verify` finds only the edit itself (and the
/// engine, which refuses to write while the schema differs, keeps working for the attacker).
pub fn with_triggers_dropped(c: &rusqlite::Connection, triggers: &[&str], sql: &str) {
    let saved: Vec<String> = triggers
        .iter()
        .map(|t| {
            c.query_row("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1", [t], |r| r.get(0))
                .unwrap()
        })
        .collect();
    for t in triggers {
        c.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    c.execute_batch(sql).unwrap();
    for sql in saved {
        c.execute_batch(&sql).unwrap();
    }
}

/// Runs one ignored test of this binary as a child process (the kill -9 tests' workers),
/// with `env` set, waits until it prints `READY`, lets it work for a pseudo-random while
/// (`min_ms` plus up to `spread_ms`, from `seed`), kills it with SIGKILL, and returns every
/// line it printed after `READY`.
pub fn run_child_and_kill(
    test: &str,
    env: &[(&str, &std::ffi::OsStr)],
    seed: &mut u64,
    min_ms: u64,
    spread_ms: u64,
) -> Vec<String> {
    use std::io::BufRead;
    let exe = std::env::current_exe().unwrap();
    let mut cmd = std::process::Command::new(&exe);
    cmd.args(["--ignored", "--exact", test, "--nocapture", "--test-threads=1", "-q"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::null()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    loop {
        match rx.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(l) if l == "READY" => break,
            Ok(_) => continue,
            Err(e) => panic!("child never became ready: {e}"),
        }
    }
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    std::thread::sleep(std::time::Duration::from_millis(min_ms + *seed % spread_ms));
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    reader.join().unwrap();
    rx.try_iter().collect()
}

/// Checks a receipt against `schemas/consent-receipt.schema.json` (the Kantara Consent
/// Receipt v1.1 fields and the ISO/IEC TS 27560 record), naming every mismatch.
pub fn assert_valid(v: &serde_json::Value) {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/consent-receipt.schema.json")).unwrap();
    let schema = jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap();
    let errors: Vec<String> = schema.iter_errors(v).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "receipt does not match the schema:\n{}\n{v:#}", errors.join("\n"));
}
