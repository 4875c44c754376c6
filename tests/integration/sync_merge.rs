//! The merge at headquarters: any order, with repeats, gives the same state; bundles after a
//! gap are held until it fills; withdrawal wins a tie across devices; people merge by email
//! and conflicting details are reported, never written over.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use chrono::{Duration, Utc};
use consentry::bundle::{self, Outcome, Scope};
use consentry::ledger::{self, Capture, ConsentState, EventKind, Method, Withdrawal};
use consentry::subject::{self, SubjectInput, SubjectKey};
use consentry::vault::VaultPaths;
use consentry::{FixedClock, Role};
use proptest::prelude::*;

use crate::common::*;
use crate::sync::*;

const PURPOSES: [&str; 3] = ["event_followup", "newsletter", "partner_offers"];

/// Headquarters and two enrolled devices that have loaded its bundle, built once and copied
/// for each case.
struct World {
    dir: tempfile::TempDir,
    notice_hash: String,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let org = organisation();
        let second = device_vault(org.hq.db.parent().unwrap(), "tablet-2");
        enrol(&org.hq, &second, "Tablet 2", &org.files);
        send_to_device(&org.hq, &second, "Tablet 2", &org.files);
        let mo = unlock(&org.device, Role::Marketer);
        let notice_hash: String = mo
            .raw_connection_for_tests()
            .query_row("SELECT hash FROM notice_version WHERE language = 'en'", [], |r| r.get(0))
            .unwrap();
        drop(mo);
        let dir = tempfile::tempdir().unwrap();
        copy_dir(org.hq.db.parent().unwrap(), dir.path());
        World { dir, notice_hash }
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

struct Copy {
    dir: tempfile::TempDir,
}

impl Copy {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(world().dir.path(), dir.path());
        Copy { dir }
    }
    fn hq(&self) -> VaultPaths {
        VaultPaths::new(self.dir.path().join("consentry.db"))
    }
    fn device(&self, n: usize) -> VaultPaths {
        VaultPaths::new(self.dir.path().join(if n == 0 { "tablet-1.db" } else { "tablet-2.db" }))
    }
    fn files(&self) -> PathBuf {
        self.dir.path().join("bundles")
    }
}

#[derive(Debug, Clone)]
enum Op {
    Capture { person: usize, grants: Vec<bool>, at: i64 },
    Withdraw { person: usize, purpose: usize, at: i64 },
    Save { since_last: bool },
}

fn capture() -> impl Strategy<Value = Op> {
    (0..4usize, proptest::collection::vec(any::<bool>(), 3), 0..30i64).prop_map(|(person, grants, at)| Op::Capture {
        person,
        grants,
        at,
    })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => capture(),
        2 => (0..4usize, 0..3usize, 0..30i64).prop_map(|(person, purpose, at)| Op::Withdraw { person, purpose, at }),
        1 => any::<bool>().prop_map(|since_last| Op::Save { since_last }),
    ]
}

/// One device's day: it meets someone first (a withdrawal of a person no device met records
/// nothing, so two such days would leave headquarters with no event to compare), then anything.
fn device_ops() -> impl Strategy<Value = Vec<Op>> {
    (capture(), proptest::collection::vec(op(), 0..6)).prop_map(|(first, mut rest)| {
        rest.insert(0, first);
        rest
    })
}

fn person(n: usize) -> SubjectInput {
    SubjectInput {
        name: Some(format!("Guest {n}")),
        email: Some(format!("guest{n}@example.com")),
        phone: None,
        company: None,
    }
}

/// Runs one device's operations (times in minutes after a fixed base, so two devices can
/// record the same instant, or times within and beyond the clock tolerance of each other) and returns the bundles it saved, the last holding everything new.
fn run_device(device: &VaultPaths, ops: &[Op], files: &Path, notice: &str) -> Vec<PathBuf> {
    let base = Utc::now().fixed_offset() - Duration::days(1);
    let mut mo = unlock(device, Role::Marketer);
    let mut saved = Vec::new();
    for op in ops {
        match op {
            Op::Capture { person: p, grants, at } => {
                let choices = PURPOSES
                    .iter()
                    .zip(grants)
                    .map(|(c, g)| (c.to_string(), if *g { EventKind::Grant } else { EventKind::Refuse }))
                    .collect();
                ledger::record_capture(
                    &mut mo,
                    &Capture {
                        subject: person(*p),
                        choices,
                        notice: notice.into(),
                        language: None,
                        method: Method::Paper,
                        evidence: String::new(),
                        captured_at: Some(base + Duration::minutes(*at)),
                    },
                )
                .unwrap();
            }
            Op::Withdraw { person: p, purpose, at } => {
                // A person this device never met cannot withdraw here: skipped, as at a stand.
                let _ = ledger::record_withdrawal(
                    &mut mo,
                    &Withdrawal {
                        subject: SubjectKey::Email(format!("guest{p}@example.com")),
                        purposes: vec![PURPOSES[*purpose].into()],
                        method: Method::Letter,
                        evidence: String::new(),
                        at: Some(base + Duration::minutes(*at)),
                    },
                );
            }
            Op::Save { since_last } => {
                let scope = if *since_last { Scope::SinceLastBundle } else { Scope::Unacknowledged };
                saved.push(bundle::save_device_bundle_with(&mut mo, files, scope).unwrap().path);
            }
        }
    }
    saved.push(bundle::save_device_bundle_with(&mut mo, files, Scope::SinceLastBundle).unwrap().path);
    mo.lock().unwrap();
    saved
}

fn import_all(hq: &VaultPaths, files: &[PathBuf]) {
    let mut lena = unlock_as(hq, LEGAL);
    for f in files {
        let r = bundle::import_device_bundle(&mut lena, f).unwrap();
        assert!(!matches!(r.outcome, Outcome::Fork { .. }), "{r:?}");
    }
    lena.lock().unwrap();
}

/// What headquarters knows, independent of the order it learnt it in: people by their email
/// (the id headquarters gave a merged person is the first device's), events as chained,
/// current state, receipts, audit chains and the devices' signed checkpoints.
fn canonical(hq: &VaultPaths) -> Vec<String> {
    let s = unlock(hq, Role::Admin);
    let c = s.raw_connection_for_tests();
    let email = "(SELECT hex(email_index) FROM subject x WHERE x.id = ";
    let queries = [
        format!("SELECT 'event', device_id, seq, hex(hash), kind, purpose_code, captured_at_ms, {email} subject_id) FROM consent_event"),
        format!("SELECT 'current', {email} subject_id), purpose_code, kind, event_id FROM consent_current"),
        "SELECT 'person', hex(email_index), name_masked, phone_masked, company_masked, created_at_ms FROM subject".into(),
        format!("SELECT 'origin', device_id, device_subject_id, {email} subject_id) FROM subject_origin"),
        format!("SELECT 'term', hex(term), {email} subject_id) FROM subject_blind_term"),
        format!("SELECT 'receipt', id, kind, {email} subject_id), created_at_ms FROM receipt"),
        "SELECT 'receipt_event', receipt_id, event_id FROM receipt_event".into(),
        "SELECT 'audit', device_id, seq, hex(hash) FROM device_audit_entry".into(),
        "SELECT 'checkpoint', device_id, log, size, hex(root), note FROM checkpoint
         WHERE device_id <> (SELECT id FROM device WHERE is_local = 1)"
            .into(),
        "SELECT 'pending', count(*) FROM pending_bundle".into(),
        "SELECT 'quarantine', count(*) FROM quarantine".into(),
        "SELECT 'conflict', count(*) FROM subject_conflict".into(),
    ];
    let mut out = Vec::new();
    for q in &queries {
        let mut stmt = c.prepare(q).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap();
        let mut rows: Vec<String> = rows.map(Result::unwrap).collect();
        rows.sort();
        out.extend(rows);
    }
    drop(s);
    out
}

/// Current state as the rule states it, computed here from the merged events: the latest
/// event `L` (by time, protection, id); then the most protective among `L` and the events of
/// other devices no earlier than `L`'s time minus the clock tolerance (by protection, time, id).
/// Returns (person's email, purpose, standing event id) for the model and for the table.
fn current_by_model_and_table(hq: &VaultPaths) -> (Vec<String>, Vec<String>) {
    let s = unlock(hq, Role::Admin);
    let c = s.raw_connection_for_tests();
    let mut stmt = c
        .prepare(
            "SELECT (SELECT hex(email_index) FROM subject x WHERE x.id = subject_id), purpose_code, device_id,
                    captured_at_ms, kind, id FROM consent_event",
        )
        .unwrap();
    type Row = (String, String, String, i64, String, String);
    let events: Vec<Row> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let protection = |k: &str| match k {
        "withdraw" => 2,
        "refuse" => 1,
        _ => 0,
    };
    let mut pairs: std::collections::BTreeMap<(String, String), Vec<&Row>> = Default::default();
    for e in &events {
        pairs.entry((e.0.clone(), e.1.clone())).or_default().push(e);
    }
    let mut model: Vec<String> = pairs
        .iter()
        .map(|((who, purpose), es)| {
            let latest = es.iter().max_by_key(|e| (e.3, protection(&e.4), e.5.clone())).unwrap();
            let standing = es
                .iter()
                .filter(|e| e.5 == latest.5 || (e.2 != latest.2 && e.3 >= latest.3 - ledger::CLOCK_TOLERANCE_MS))
                .max_by_key(|e| (protection(&e.4), e.3, e.5.clone()))
                .unwrap();
            format!("{who}|{purpose}|{}", standing.5)
        })
        .collect();
    model.sort();
    let mut stmt = c
        .prepare(
            "SELECT (SELECT hex(email_index) FROM subject x WHERE x.id = subject_id) || '|' || purpose_code || '|' || event_id
             FROM consent_current",
        )
        .unwrap();
    let mut table: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    table.sort();
    (model, table)
}

fn states(hq: &VaultPaths) -> Vec<(usize, String, ConsentState)> {
    let mut lena = unlock_as(hq, LEGAL);
    let mut out = Vec::new();
    for p in 0..4 {
        if let Ok(s) = ledger::status(&mut lena, &SubjectKey::Email(format!("guest{p}@example.com"))) {
            out.extend(s.purposes.into_iter().map(|x| (p, x.purpose, x.state)));
        }
    }
    lena.lock().unwrap();
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, .. ProptestConfig::default() })]

    /// Importing the same bundles in two different orders, with repeats, gives the same
    /// headquarters state and the same statuses.
    #[test]
    fn any_order_with_repeats_gives_the_same_headquarters(
        a in device_ops(),
        b in device_ops(),
        seed in any::<u64>(),
    ) {
        let w = Copy::new();
        std::fs::create_dir_all(w.files()).unwrap();
        let mut files = run_device(&w.device(0), &a, &w.files(), &world().notice_hash);
        files.extend(run_device(&w.device(1), &b, &w.files(), &world().notice_hash));
        let other = Copy::new();
        copy_dir(w.dir.path(), other.dir.path());
        // The second headquarters gets them shuffled, each first one twice.
        let mut shuffled = files.clone();
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        shuffled.extend(shuffled.clone().into_iter().take(2));
        import_all(&w.hq(), &files);
        import_all(&other.hq(), &shuffled);
        let one = canonical(&w.hq());
        prop_assert!(one.iter().any(|r| r.starts_with(r#"Text("event")"#)));
        prop_assert_eq!(&one, &canonical(&other.hq()));
        prop_assert_eq!(states(&w.hq()), states(&other.hq()));
        let (model, table) = current_by_model_and_table(&w.hq());
        prop_assert!(!table.is_empty());
        prop_assert_eq!(model, table);
        prop_assert!(one.contains(&r#"Text("pending")|Integer(0)"#.to_string()));
    }
}

#[test]
fn withdrawal_wins_a_tie_across_devices_whatever_the_order() {
    let w = Copy::new();
    std::fs::create_dir_all(w.files()).unwrap();
    let grant = Op::Capture { person: 0, grants: vec![true, true, true], at: 3 };
    // Device 2 met the person earlier, then records a withdrawal at the very instant device 1 records a grant.
    let met = Op::Capture { person: 0, grants: vec![true, true, true], at: 1 };
    let withdraw = Op::Withdraw { person: 0, purpose: 1, at: 3 };
    let a = run_device(&w.device(0), &[grant], &w.files(), &world().notice_hash);
    let b = run_device(&w.device(1), &[met, withdraw], &w.files(), &world().notice_hash);
    let other = Copy::new();
    copy_dir(w.dir.path(), other.dir.path());
    import_all(&w.hq(), &[a.clone(), b.clone()].concat());
    import_all(&other.hq(), &[b, a].concat());
    for hq in [w.hq(), other.hq()] {
        let s = states(&hq);
        assert!(s.contains(&(0, "newsletter".into(), ConsentState::Withdrawn)), "{s:?}");
        assert!(s.contains(&(0, "event_followup".into(), ConsentState::Granted)), "{s:?}");
    }
}

#[test]
fn when_two_devices_clocks_disagree_the_more_protective_state_stands() {
    let w = Copy::new();
    std::fs::create_dir_all(w.files()).unwrap();
    // Device 1 grants everything at minute 30; then the person withdraws the first purpose
    // there and grants it again (one device: its own order stands).
    let a = run_device(
        &w.device(0),
        &[
            Op::Capture { person: 0, grants: vec![true, true, true], at: 30 },
            Op::Withdraw { person: 0, purpose: 0, at: 31 },
            Op::Capture { person: 0, grants: vec![true], at: 32 },
        ],
        &w.files(),
        &world().notice_hash,
    );
    // Device 2 met the person at minute 0 and recorded two withdrawals by its own clock:
    // 5 minutes before device 1's grant (within the tolerance: which came first is unknown)
    // and 15 minutes before it (beyond the tolerance: the later grant stands).
    let b = run_device(
        &w.device(1),
        &[
            Op::Capture { person: 0, grants: vec![true, true, true], at: 0 },
            Op::Withdraw { person: 0, purpose: 1, at: 25 },
            Op::Withdraw { person: 0, purpose: 2, at: 15 },
        ],
        &w.files(),
        &world().notice_hash,
    );
    let other = Copy::new();
    copy_dir(w.dir.path(), other.dir.path());
    import_all(&w.hq(), &[a.clone(), b.clone()].concat());
    import_all(&other.hq(), &[b, a].concat());
    for hq in [w.hq(), other.hq()] {
        let mut s = states(&hq);
        s.sort_by(|x, y| x.1.cmp(&y.1));
        let expected: Vec<(usize, String, ConsentState)> = vec![
            (0, PURPOSES[0].into(), ConsentState::Granted),
            (0, PURPOSES[1].into(), ConsentState::Withdrawn),
            (0, PURPOSES[2].into(), ConsentState::Granted),
        ];
        assert_eq!(
            s, expected,
            "within the tolerance the withdrawal stands; beyond it, and on one device, the later grant"
        );
        let (model, table) = current_by_model_and_table(&hq);
        assert_eq!(model, table);
        // The migration's rebuild of existing rows gives what the trigger kept.
        let sql = include_str!("../../migrations/0008_clock_tolerance.sql");
        let rebuild = &sql[sql.find("-- Existing rows").unwrap()..];
        unlock(&hq, Role::Admin).raw_connection_for_tests().execute_batch(rebuild).unwrap();
        assert_eq!(current_by_model_and_table(&hq).1, table, "rebuilt as kept");
    }
}

#[test]
fn headquarters_reports_a_device_whose_clock_ran_ahead() {
    let w = Copy::new();
    std::fs::create_dir_all(w.files()).unwrap();
    let ahead = Utc::now().fixed_offset() + Duration::hours(3);
    let mut mo = unlock_with_clock(&w.device(0), Role::Marketer, Arc::new(FixedClock(ahead)));
    let capture = Capture {
        subject: person(0),
        choices: vec![(PURPOSES[0].into(), EventKind::Grant)],
        notice: world().notice_hash.clone(),
        language: None,
        method: Method::Kiosk,
        evidence: String::new(),
        captured_at: None,
    };
    ledger::record_capture(&mut mo, &capture).unwrap();
    let fast = bundle::save_device_bundle(&mut mo, &w.files()).unwrap().path;
    mo.lock().unwrap();
    let on_time = run_device(
        &w.device(1),
        &[Op::Capture { person: 1, grants: vec![true], at: 0 }],
        &w.files(),
        &world().notice_hash,
    );
    import_all(&w.hq(), &[vec![fast], on_time].concat());
    let mut lena = unlock_as(&w.hq(), LEGAL);
    let devices = bundle::devices(&mut lena).unwrap();
    let minutes: Vec<Option<i64>> = devices.iter().map(|d| d.clock_ahead_ms.map(|ms| ms / 60_000)).collect();
    assert!(matches!(minutes[0], Some(m) if (175..=180).contains(&m)), "{minutes:?}");
    assert_eq!(minutes[1], None, "a clock that is right is not reported");
    lena.lock().unwrap();
}

#[test]
fn a_bundle_after_a_gap_is_held_until_the_gap_fills() {
    let w = Copy::new();
    std::fs::create_dir_all(w.files()).unwrap();
    let ops = [
        Op::Capture { person: 0, grants: vec![true, false, false], at: 1 },
        Op::Save { since_last: true },
        Op::Capture { person: 1, grants: vec![true, true, false], at: 2 },
    ];
    let files = run_device(&w.device(0), &ops, &w.files(), &world().notice_hash);
    assert_eq!(files.len(), 2);
    let mut lena = unlock_as(&w.hq(), LEGAL);
    let later = bundle::import_device_bundle(&mut lena, &files[1]).unwrap();
    let Outcome::Held { gap_from, gap_to } = later.outcome else { panic!("{later:?}") };
    assert_eq!((gap_from, gap_to), (1, 3));
    let d = &bundle::devices(&mut lena).unwrap()[0];
    assert_eq!((d.last_seq, d.gaps.clone()), (0, vec![(1, 3)]));
    assert!(consentry::subject::search(&mut lena, "guest", 5).unwrap().is_empty(), "held entries count for nothing");
    let first = bundle::import_device_bundle(&mut lena, &files[0]).unwrap();
    assert_eq!(first.outcome, Outcome::Merged);
    assert_eq!(first.events_added, 6, "the held bundle was applied with it");
    let d = &bundle::devices(&mut lena).unwrap()[0];
    assert_eq!((d.last_seq, d.gaps.clone(), d.last_checkpoint), (6, vec![], Some(6)));
    assert_eq!(consentry::subject::search(&mut lena, "guest", 5).unwrap().len(), 2);
    assert!(consentry::verify::verify(&mut lena, consentry::verify::Scope::Full).unwrap().is_intact());
    lena.lock().unwrap();
}

#[test]
fn people_merge_by_email_and_conflicting_details_are_reported_not_written() {
    let w = Copy::new();
    std::fs::create_dir_all(w.files()).unwrap();
    let a = run_device(
        &w.device(0),
        &[Op::Capture { person: 0, grants: vec![true, false, false], at: 1 }],
        &w.files(),
        &world().notice_hash,
    );
    let mut mo = unlock(&w.device(1), Role::Marketer);
    ledger::record_capture(
        &mut mo,
        &Capture {
            subject: SubjectInput {
                name: Some("G. Zero".into()),
                email: Some("GUEST0@Example.com".into()),
                phone: Some("+86 138 0013 8000".into()),
                company: None,
            },
            choices: vec![("newsletter".into(), EventKind::Grant)],
            notice: world().notice_hash.clone(),
            language: None,
            method: Method::Desk,
            evidence: String::new(),
            captured_at: None,
        },
    )
    .unwrap();
    let b = bundle::save_device_bundle(&mut mo, &w.files()).unwrap().path;
    mo.lock().unwrap();
    import_all(&w.hq(), &a);
    let mut lena = unlock_as(&w.hq(), LEGAL);
    let r = bundle::import_device_bundle(&mut lena, &b).unwrap();
    assert_eq!((r.people_added, r.people_merged, r.conflicts), (0, 1, 1));
    let held = subject::reveal(&mut lena, &SubjectKey::Email("guest0@example.com".into())).unwrap();
    assert_eq!(held.name.as_deref(), Some("Guest 0"), "the name headquarters held is kept");
    assert_eq!(held.phone.as_deref(), Some("+86 138 0013 8000"), "a detail headquarters lacked is filled in");
    let c = lena.raw_connection_for_tests();
    let conflict: (String, String, Option<Vec<u8>>) = c
        .query_row("SELECT field, value, value_sealed FROM subject_conflict", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(conflict.0, "name");
    assert!(conflict.2.is_some() && conflict.1 != "G. Zero", "the differing name is kept sealed, not in plaintext");
    let s = ledger::status(&mut lena, &SubjectKey::Email("guest0@example.com".into())).unwrap();
    assert!(s.purposes.iter().any(|p| p.purpose == "newsletter" && p.state == ConsentState::Granted));
    lena.lock().unwrap();
}
