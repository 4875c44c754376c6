//! Every operation for every role is allowed or `PermissionDenied`, checked by calling the
//! real engine functions. The expected table is written out here on purpose, apart from the
//! engine's own table, so that a change to either is caught.

use consentry::capture::{self, EventInput, FieldRule, PersonField, Submission};
use consentry::ledger::{self, Capture, EventKind, Method, Withdrawal};
use consentry::notice::profile::{self, Bilingual};
use consentry::notice::workflow::{self, NewNotice};
use consentry::notice::{self, template, Language};
use consentry::purpose::{self, DataCategory, LegalBasis, Purpose};
use consentry::rights::{self, ExportFilter, Format, Identity, Provenance, RetentionRule};
use consentry::subject::{self, SubjectKey};
use consentry::{operator, verify, Action, Error, Role, Session};

use crate::common::*;

//                 operation              admin  legal  marketer kiosk
const EXPECTED: &[(&str, [bool; 4])] = &[
    ("operator.add", [true, false, false, false]),
    ("operator.list", [true, false, false, false]),
    ("purpose.add", [true, true, false, false]),
    ("purpose.list", [true, true, true, true]),
    ("category.add", [true, true, false, false]),
    ("category.list", [true, true, true, true]),
    ("notice.register", [false, true, false, false]),
    ("notice.list", [true, true, true, true]),
    ("consent.grant", [false, false, true, true]),
    ("consent.withdraw", [true, true, true, true]),
    ("consent.status", [true, true, true, false]),
    ("consent.history", [true, true, true, false]),
    ("subject.reveal", [true, true, false, false]),
    ("vault.verify", [true, true, true, false]),
    ("vault.restore_schema", [true, false, false, false]),
    ("audit.list", [true, true, false, false]),
    ("operator.passphrase_change", [true, true, true, true]),
    ("settings.idle_lock", [true, false, false, false]),
    ("settings.read", [true, true, true, true]),
    ("consent.summary", [true, true, true, false]),
    ("subject.search", [true, true, true, false]),
    // Notice authoring: legal writes and reviews; admin may read drafts; everyone sees what
    // is approved, since that is what capture shows.
    ("profile.save", [false, true, false, false]),
    ("template.install", [false, true, false, false]),
    ("notice.new", [false, true, false, false]),
    ("notice.submit", [false, true, false, false]),
    ("notice.approve", [false, true, false, false]),
    ("notice.read_drafts", [true, true, false, false]),
    ("notice.approved", [true, true, true, true]),
    ("receipt.show", [true, true, true, true]),
    ("subject.export_access", [true, true, false, false]),
    ("subject.erase", [true, true, false, false]),
    ("suppression.export_hashed", [true, true, true, false]),
    ("suppression.export_plain", [true, true, false, false]),
    ("consent.export_masked", [true, true, true, false]),
    ("consent.export_plain", [true, true, false, false]),
    ("consent.import", [false, true, true, false]),
    ("retention.set", [true, true, false, false]),
    ("retention.due", [true, true, true, false]),
    // Leaving kiosk mode is decided by the role of whoever confirms with their passphrase.
    ("kiosk.leave", [true, true, true, false]),
    // Capture at events: marketers (and admins) run events; everyone reads them (the kiosk
    // operator picks the event whose kiosk to start; events hold no personal data); the kiosk
    // and marketers show the form and record what people choose.
    ("event.create", [true, false, true, false]),
    ("event.list", [true, true, true, true]),
    ("event.close", [true, false, true, false]),
    // An event's figures are for the desk, not for the visitor in front of the kiosk.
    ("event.stats", [true, true, true, false]),
    ("kiosk.form", [false, false, true, true]),
    ("kiosk.submit", [false, false, true, true]),
];

fn run(op: &str, s: &mut Session, tv: &TestVault, n: usize) -> Result<(), Error> {
    let tag = format!("{}{n}", s.role().as_str());
    let someone = SubjectKey::Email("person0@example.com".into());
    match op {
        "operator.add" => {
            operator::add(s, &format!("new {tag}"), Role::Kiosk, &pass("new operator passphrase")).map(drop)
        }
        "operator.list" => operator::list(s).map(drop),
        "purpose.add" => purpose::add_purpose(
            s,
            &Purpose {
                code: format!("p_{tag}"),
                name_zh: "目的".into(),
                name_en: "Purpose".into(),
                legal_basis: LegalBasis::Consent,
                necessary: false,
                separate_consent: None,
                dpv: None,
            },
        )
        .map(drop),
        "purpose.list" => purpose::list_purposes(s).map(drop),
        "category.add" => purpose::add_category(
            s,
            &DataCategory {
                code: format!("c_{tag}"),
                name_zh: "类别".into(),
                name_en: "Category".into(),
                sensitive: None,
            },
        )
        .map(drop),
        "category.list" => purpose::list_categories(s).map(drop),
        "notice.register" => notice::register(s, "T", Language::En, &format!("Notice text {tag}"), None).map(drop),
        "notice.list" => notice::list(s).map(drop),
        "consent.grant" => ledger::record_capture(
            s,
            &Capture {
                subject: person(n + 100),
                choices: vec![("event_marketing".into(), EventKind::Grant)],
                notice: tv.notice_hash.clone(),
                language: None,
                method: Method::Desk,
                evidence: String::new(),
                captured_at: None,
            },
        )
        .map(drop),
        "consent.withdraw" => ledger::record_withdrawal(
            s,
            &Withdrawal {
                subject: someone,
                purposes: vec!["event_marketing".into()],
                method: Method::InPerson,
                evidence: String::new(),
                at: None,
            },
        )
        .map(drop),
        "consent.status" => ledger::status(s, &someone).map(drop),
        "consent.history" => ledger::history(s, &someone).map(drop),
        "subject.reveal" => subject::reveal(s, &someone).map(drop),
        "vault.verify" => verify::verify(s, consentry::verify::Scope::Full).map(drop),
        "vault.restore_schema" => s.restore_schema().map(drop),
        "kiosk.leave" => {
            let me = [ADMIN, LEGAL, MARKETER, KIOSK].into_iter().find(|(name, _)| *name == s.operator().name);
            let (name, passphrase) = me.expect("a team member");
            capture::leave_kiosk(s, name, &pass(passphrase)).map(drop)
        }
        "audit.list" => s.audit_log(10).map(drop),
        "operator.passphrase_change" => {
            let (_, p) = credentials(s.role());
            s.change_passphrase(&pass(p), &pass(p))
        }
        "settings.idle_lock" => consentry::settings::set_idle_lock_minutes(s, 7),
        "settings.read" => consentry::settings::idle_lock_minutes(s).map(drop),
        "consent.summary" => ledger::summary(s).map(drop),
        "subject.search" => subject::search(s, "person", 10).map(drop),
        "profile.save" => profile::save(s, &example_profile()).map(drop),
        "template.install" => template::install_starter(s).map(drop),
        "notice.new" => workflow::create(s, &authored(&format!("n-{}", s.role().as_str()))).map(drop),
        "notice.submit" => workflow::submit(s, &format!("n-{}", s.role().as_str()), "ready").map(drop),
        // Written and submitted by Lu (legal) before the loop, so that Lena may approve it.
        "notice.approve" => workflow::approve(s, "by-lu", "approved").map(drop),
        "notice.read_drafts" => workflow::list(s).map(drop),
        "notice.approved" => workflow::approved(s).map(drop),
        "receipt.show" => {
            let id: String =
                s.raw_connection_for_tests().query_row("SELECT id FROM receipt LIMIT 1", [], |r| r.get(0)).unwrap();
            consentry::receipt::show(s, &id).map(drop)
        }
        "subject.export_access" => rights::access_report(s, &someone).map(drop),
        "subject.erase" => {
            let key = SubjectKey::Email(format!("erase-{}@example.com", s.role().as_str()));
            rights::erase(s, &key, Method::Email, "").map(drop)
        }
        "suppression.export_hashed" => rights::suppression_list(s, Format::Csv, Identity::Hashed, None).map(drop),
        "suppression.export_plain" => rights::suppression_list(s, Format::Json, Identity::Plain, None).map(drop),
        "consent.export_masked" => {
            rights::export_consents(s, &ExportFilter::default(), Format::Csv, Identity::Masked).map(drop)
        }
        "consent.export_plain" => {
            rights::export_consents(s, &ExportFilter::default(), Format::Csv, Identity::Plain).map(drop)
        }
        "consent.import" => {
            let file = format!(
                "email,purpose,decision,notice,captured_at\nimport-{tag}@example.com,event_marketing,grant,{},2024-01-01\n",
                tv.notice_hash
            );
            let report = rights::import_consents(s, file.as_bytes(), Provenance::Paper)?;
            assert!(report.committed(), "{:?}", report.errors);
            Ok(())
        }
        "retention.set" => rights::set_rule(
            s,
            &RetentionRule { purpose: "event_marketing".into(), review_days: Some(365), delete_days: None },
        ),
        "retention.due" => rights::due(s).map(drop),
        "event.create" => capture::create_event(s, &event_input(&format!("ev-{tag}"))).map(drop),
        "event.list" => capture::list_events(s).map(drop),
        "event.close" => capture::close_event(s, &event_id(s, &format!("close-{}", s.role().as_str()))).map(drop),
        "event.stats" => capture::stats::stats(s, &event_id(s, "running")).map(drop),
        "kiosk.form" => capture::form(s, &event_id(s, "running"), Some(Language::En)).map(drop),
        "kiosk.submit" => {
            let mut who = person(n + 200);
            who.email = Some(format!("kiosk-{tag}@example.com"));
            capture::submit(
                s,
                &Submission {
                    event_id: event_id(s, "running"),
                    person: who,
                    ticked: vec!["p.newsletter".into()],
                    ..Submission::default()
                },
            )
            .map(drop)
        }
        other => panic!("no operation {other}"),
    }
}

/// An event showing `ev` v1 (approved before the loop).
fn event_input(name: &str) -> EventInput {
    EventInput {
        name: name.into(),
        venue: "NECC Shanghai, Hall 5".into(),
        starts_on: "2026-04-24".into(),
        ends_on: "2026-05-03".into(),
        notice: "ev".into(),
        notice_number: 1,
        languages: vec![Language::ZhCn, Language::En],
        fields: [(PersonField::Name, true), (PersonField::Email, true), (PersonField::Company, false)]
            .into_iter()
            .map(|(field, required)| FieldRule { field, required })
            .collect(),
        device_name: "Stand A tablet".into(),
        idle_reset_s: 60,
        signature: false,
    }
}

fn event_id(s: &Session, name: &str) -> consentry::domain::EventId {
    s.raw_connection_for_tests().query_row("SELECT id FROM event WHERE name = ?1", [name], |r| r.get(0)).unwrap()
}

fn authored(name: &str) -> NewNotice {
    NewNotice {
        name: name.into(),
        title: Bilingual { zh: "展会同意书".into(), en: "Trade show consent".into() },
        profile: "trade-show-2026".into(),
        template: "event_consent".into(),
    }
}

#[test]
fn every_operation_for_every_role() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    capture(&mut m, &tv.notice_hash, person(0), &[("event_marketing", EventKind::Grant)]);
    for role in Role::ALL {
        let mut who = person(0);
        who.email = Some(format!("erase-{}@example.com", role.as_str()));
        capture(&mut m, &tv.notice_hash, who, &[("newsletter", EventKind::Grant)]);
    }
    m.lock().unwrap();
    // A second legal operator writes a notice and submits it for review.
    let mut admin = unlock(&tv.paths, Role::Admin);
    operator::add(&mut admin, LEGAL2.0, Role::Legal, &pass(LEGAL2.1)).unwrap();
    admin.lock().unwrap();
    let mut lu = unlock_as(&tv.paths, LEGAL2);
    example_catalogue(&mut lu);
    template::install_starter(&mut lu).unwrap();
    profile::save(&mut lu, &example_profile()).unwrap();
    workflow::create(&mut lu, &authored("by-lu")).unwrap();
    workflow::submit(&mut lu, "by-lu", "").unwrap();
    // And another, which Lena approves, for the events.
    workflow::create(&mut lu, &authored("ev")).unwrap();
    workflow::submit(&mut lu, "ev", "").unwrap();
    lu.lock().unwrap();
    let mut lena = unlock(&tv.paths, Role::Legal);
    workflow::approve(&mut lena, "ev", "approved").unwrap();
    lena.lock().unwrap();
    let mut mo = unlock(&tv.paths, Role::Marketer);
    for name in ["running", "close-admin", "close-legal", "close-marketer", "close-kiosk"] {
        capture::create_event(&mut mo, &event_input(name)).unwrap();
    }
    mo.lock().unwrap();

    let mut failures = Vec::new();
    for (i, role) in Role::ALL.into_iter().enumerate() {
        let mut s = unlock(&tv.paths, role);
        for (n, (op, allowed)) in EXPECTED.iter().enumerate() {
            match (run(op, &mut s, &tv, n), allowed[i]) {
                (Ok(()), true) => {}
                (Err(Error::PermissionDenied { role: r, needed, .. }), false) => {
                    assert_eq!(r, role);
                    let expected_roles: Vec<Role> =
                        Role::ALL.into_iter().enumerate().filter(|(j, _)| EXPECTED[n].1[*j]).map(|(_, r)| r).collect();
                    assert_eq!(needed, expected_roles, "{op}: the denial names the wrong roles");
                }
                (got, want) => failures
                    .push(format!("{op} as {role}: expected {}, got {got:?}", if want { "allowed" } else { "denied" })),
            }
        }
        s.lock().unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Every denial was itself recorded in the audit log.
    let mut admin = unlock(&tv.paths, Role::Admin);
    let denials = admin.audit_log(10_000).unwrap().into_iter().filter(|e| e.action == "permission.denied").count();
    let expected_denials: usize = EXPECTED.iter().map(|(_, a)| a.iter().filter(|x| !**x).count()).sum();
    assert_eq!(denials, expected_denials);
    admin.lock().unwrap();
}

#[test]
fn the_engine_table_covers_every_action() {
    // Each action is allowed to someone, and only admins manage operators.
    for a in Action::ALL {
        assert!(!a.roles().is_empty(), "{a:?} is allowed to nobody");
    }
    assert_eq!(Action::ManageOperators.roles(), &[Role::Admin]);
    assert!(!Action::Capture.allows(Role::Legal), "legal staff do not capture at the stand");
    assert!(Action::Withdraw.allows(Role::Kiosk), "withdrawing is as easy as granting");
    for a in [Action::DraftNotice, Action::ReviewNotice, Action::ManageTemplates] {
        assert_eq!(a.roles(), &[Role::Legal], "{a:?}: only legal staff write and review notices");
    }
    assert_eq!(Action::ReadDrafts.roles(), &[Role::Admin, Role::Legal]);
}

#[test]
fn masked_roles_never_receive_unmasked_values() {
    let tv = vault_with_team();
    let mut m = unlock(&tv.paths, Role::Marketer);
    let who = consentry::subject::SubjectInput {
        name: Some("张伟".into()),
        email: Some("zhang.wei@example.com".into()),
        phone: Some("+86 138 0013 8000".into()),
        company: Some("上海示例有限公司".into()),
    };
    capture(&mut m, &tv.notice_hash, who, &[("event_marketing", EventKind::Grant)]);
    let key = SubjectKey::Phone("13800138000".into());
    let st = ledger::status(&mut m, &key).unwrap();
    assert_eq!(st.subject.email.as_deref(), Some("z***@example.com"));
    assert_eq!(st.subject.phone.as_deref(), Some("138****8000"));
    assert_eq!(st.subject.name.as_deref(), Some("张*"));
    assert!(st.subject.masked);
    let (h, _) = ledger::history(&mut m, &key).unwrap();
    assert!(h.masked && h.email.as_deref() == Some("z***@example.com"));
    assert!(matches!(subject::reveal(&mut m, &key), Err(Error::PermissionDenied { .. })));
    m.lock().unwrap();

    let mut l = unlock(&tv.paths, Role::Legal);
    let shown = subject::reveal(&mut l, &key).unwrap();
    assert_eq!(shown.email.as_deref(), Some("zhang.wei@example.com"));
    assert!(!shown.masked);
    let reveals =
        l.audit_log(5).unwrap().into_iter().filter(|e| e.action == "subject.reveal" && e.target == shown.id).count();
    assert_eq!(reveals, 1, "the reveal is audited");
    l.lock().unwrap();
}
