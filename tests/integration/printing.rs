//! Printing receipts (issue 14): the printed document of a kiosk receipt says what was agreed
//! and refused in both languages, marks the separate consents, carries the QR code the kiosk
//! reads back and how to withdraw; a thermal printer is an admin setting that must name a
//! device that exists, and the ESC/POS bytes reach it.

use consentry::capture;
use consentry::ledger::EventKind;
use consentry::receipt::print::{self, SEPARATE};
use consentry::{settings, Error, Role};

use crate::capture::{event_input, new_event, stand, submission, BOXES};
use crate::common::*;

#[test]
fn the_printed_receipt_states_each_choice_in_both_languages_and_marks_separate_consents() {
    let st = stand();
    let event = new_event(&st.paths, &event_input("ts", 1));
    let mut kim = unlock_as(&st.paths, KIOSK);
    let r = capture::submit(&mut kim, &submission(&event, 1, &[BOXES[1], BOXES[3]])).unwrap().recorded;
    let p = print::print(&mut kim, r.receipt_id.as_str()).unwrap();
    kim.lock().unwrap();

    assert_eq!(p.receipt_id, r.receipt_id);
    assert_eq!(p.qr_text, format!("CONSENTRY-RECEIPT:{}", r.receipt_id));
    assert_eq!(p.title.zh, "同意回执");
    assert_eq!(p.title.en, "Consent receipt");
    let agreed: Vec<&str> = p.agreed().map(|l| l.code.as_str()).collect();
    assert_eq!(agreed, ["newsletter", "hq_crm"], "the two ticked boxes, and only those");
    assert_eq!(p.not_agreed().count(), 3, "every box left unticked is printed as refused");
    assert!(p.not_agreed().all(|l| l.choice == EventKind::Refuse && l.choice_words.en == "Refused"));
    for l in &p.lines {
        assert!(!l.purpose.zh.is_empty() && !l.purpose.en.is_empty(), "{l:?}");
        let separate_box = BOXES.iter().any(|b| b.starts_with("s.") && b.ends_with(&format!(".{}", l.code)));
        assert_eq!(l.separate.is_some(), separate_box, "{}: marked separate only where the box was one", l.code);
        if let Some(m) = &l.separate {
            assert_eq!((m.zh.as_str(), m.en.as_str()), SEPARATE);
        }
    }
    assert!(p.withdrawal.zh.contains(r.receipt_id.as_str()) && p.withdrawal.en.contains(r.receipt_id.as_str()));
    assert!(p.withdrawal.en.contains("privacy@acme-events.cn"), "{}", p.withdrawal.en);
    assert!(p.person.contains('*'), "the person is masked: {}", p.person);
    assert!(!p.person.contains("visitor1@example.com"));

    let bytes = print::to_escpos(&p).unwrap();
    let gb = |s: &str| encoding_rs::GB18030.encode(s).0.into_owned();
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    for l in &p.lines {
        assert!(has(&gb(&l.purpose.zh)), "{} in GB18030 on the thermal receipt", l.purpose.zh);
        assert!(has(l.purpose.en.as_bytes()), "{}", l.purpose.en);
    }
    assert!(has(p.qr_text.as_bytes()));
}

#[test]
fn only_an_admin_sets_the_thermal_printer_and_it_must_be_a_device_that_exists() {
    let tv = vault_with_team();
    let dir = tempfile::tempdir().unwrap();
    let mut m = unlock(&tv.paths, Role::Marketer);
    assert_eq!(settings::receipt_printer(&mut m).unwrap(), None, "no printer until one is set");
    let device = dir.path().join("lp0");
    std::fs::write(&device, b"").unwrap();
    assert!(matches!(settings::set_receipt_printer(&mut m, Some(&device)), Err(Error::PermissionDenied { .. })));
    m.lock().unwrap();

    let mut a = unlock(&tv.paths, Role::Admin);
    let refused = |a: &mut consentry::Session, p: &std::path::Path| match settings::set_receipt_printer(a, Some(p)) {
        Err(Error::Invalid(m)) => m.text.name,
        other => panic!("expected a refusal for {}, got {other:?}", p.display()),
    };
    assert_eq!(refused(&mut a, std::path::Path::new("usb/lp0")), "PRINTER_NOT_ABSOLUTE");
    assert_eq!(refused(&mut a, &dir.path().join("lp9")), "PRINTER_NOT_FOUND");
    assert_eq!(refused(&mut a, dir.path()), "PRINTER_IS_FOLDER");
    assert_eq!(settings::receipt_printer(&mut a).unwrap(), None, "a refusal changes nothing");
    settings::set_receipt_printer(&mut a, Some(&device)).unwrap();
    a.lock().unwrap();

    let mut k = unlock(&tv.paths, Role::Kiosk);
    assert_eq!(settings::receipt_printer(&mut k).unwrap().as_deref(), Some(device.as_path()), "the kiosk reads it");
    k.lock().unwrap();
    let mut a = unlock(&tv.paths, Role::Admin);
    settings::set_receipt_printer(&mut a, None).unwrap();
    assert_eq!(settings::receipt_printer(&mut a).unwrap(), None, "cleared: back to the system's printer");
    a.lock().unwrap();
}

#[test]
fn the_cli_prints_a_receipt_to_the_thermal_printer_the_admin_set() {
    let st = stand();
    let event = new_event(&st.paths, &event_input("ts", 1));
    let mut kim = unlock_as(&st.paths, KIOSK);
    let r = capture::submit(&mut kim, &submission(&event, 1, &[BOXES[0]])).unwrap().recorded;
    let expected = print::to_escpos(&print::print(&mut kim, r.receipt_id.as_str()).unwrap()).unwrap();
    kim.lock().unwrap();
    let cli = crate::cli::Cli { vault: &st.paths.db };
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("lp0");
    let device_s = device.to_str().unwrap();

    let out = cli.run(MARKETER.0, MARKETER.1, &["receipt", "print", r.receipt_id.as_str()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("No receipt printer is set"), "{out:?}");
    let out = cli.run(ADMIN.0, ADMIN.1, &["receipt", "set-printer", device_s]);
    assert!(!out.status.success(), "a printer that is not there is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("There is no printer at"), "{out:?}");
    std::fs::write(&device, b"").unwrap();
    let out = cli.run(ADMIN.0, ADMIN.1, &["receipt", "set-printer", device_s]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = cli.run(MARKETER.0, MARKETER.1, &["receipt", "print", r.receipt_id.as_str()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read(&device).unwrap(), expected, "the printer got the receipt's ESC/POS bytes");
}
