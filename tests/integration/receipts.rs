//! Receipts say exactly what was agreed: in the person's language, headed by what they
//! record, each purpose with only the data it uses and the recipients it goes to, validity by
//! state, the storage location, and the guardian's part for a child. Every receipt is also
//! held to the Kantara v1.1 / ISO/IEC TS 27560 schema.

use consentry::capture;
use consentry::domain::Language;
use consentry::receipt::{self, print};
use serde_json::Value;

use super::capture::{event_input, kids_notice, new_event, stand, submission, BOXES, PNG};
use super::common::*;

fn line<'a>(json: &'a Value, code: &str) -> &'a Value {
    json["services"][0]["purposes"].as_array().unwrap().iter().find(|p| p["purposeCode"] == code).unwrap()
}

fn names(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect()
}

#[test]
fn each_purpose_names_only_its_data_and_recipients_and_a_refusal_is_headed_as_one() {
    let st = stand();
    let event = new_event(&st.paths, &event_input("ts", 1));
    let mut kim = unlock_as(&st.paths, KIOSK);
    // Newsletter and the partner box ticked; the rest refused.
    let r = capture::submit(&mut kim, &submission(&event, 1, &[BOXES[1], BOXES[2]])).unwrap().recorded;
    let rec = receipt::show(&mut kim, &r.receipt_id).unwrap();
    let json = receipt::to_json(&rec);
    assert_valid(&json);
    assert_eq!(json["title"], "Consent receipt");
    // The newsletter uses name and e-mail only: no allergy data, no phone, no recipient.
    assert_eq!(names(&line(&json, "newsletter")["piiCategory"]), ["Name", "Email address"]);
    assert_eq!(line(&json, "newsletter")["thirdPartyDisclosure"], false);
    assert!(line(&json, "newsletter").get("thirdPartyName").is_none());
    let partner = line(&json, "partner_offers");
    assert_eq!(names(&partner["piiCategory"]), ["Name", "Email address", "Company"]);
    assert!(partner["thirdPartyName"].as_str().unwrap().starts_with("Brightline Marketing Services"), "{partner}");
    assert!(!partner["thirdPartyName"].as_str().unwrap().contains("Acme Events GmbH"));
    assert_eq!(names(&line(&json, "dietary_needs")["piiCategory"]), ["Name", "Dietary restrictions and allergies"]);
    assert_eq!(json["spiCat"], serde_json::json!(["Dietary restrictions and allergies"]));
    // Validity by state; where the data is kept, as the profile says.
    let iso = &json["iso27560"];
    for e in iso["events"].as_array().unwrap() {
        let expected = if e["event_type"] == "grant" { "until withdrawn" } else { "not applicable: consent refused" };
        assert_eq!(e["validity_duration"], expected, "{e}");
    }
    let storage = names(&iso["storage_locations"]);
    assert_eq!(storage, [example_profile().storage_location.en.as_str()]);
    assert!(iso.get("given_by").is_none());

    // Every box refused: a refusal receipt, with nothing that runs "until withdrawn".
    let r = capture::submit(&mut kim, &submission(&event, 2, &[])).unwrap().recorded;
    let rec = receipt::show(&mut kim, &r.receipt_id).unwrap();
    let json = receipt::to_json(&rec);
    assert_valid(&json);
    assert_eq!(json["title"], "Refusal receipt");
    assert!(!json.to_string().contains("until withdrawn"), "{json:#}");
    let html = receipt::to_html(&rec);
    assert!(html.contains("<h1>Refusal receipt</h1>") && !html.contains("Consent receipt"), "{html}");
    let printed = print::printable(&rec);
    assert_eq!((printed.title.zh.as_str(), printed.title.en.as_str()), ("拒绝同意回执", "Refusal receipt"));
    // The printed receipt names each line's recipients and overseas recipients.
    let find = |code: &str| printed.lines.iter().find(|l| l.code == code).unwrap();
    assert!(find("partner_offers").recipients[0].en.starts_with("Brightline"));
    assert!(find("hq_crm").overseas[0].en.contains("Acme Events GmbH"));
    assert!(find("newsletter").recipients.is_empty() && find("newsletter").overseas.is_empty());
    kim.lock().unwrap();
}

#[test]
fn a_chinese_receipt_is_chinese_throughout_and_its_withdrawal_sentence_reads() {
    let st = stand();
    let event = new_event(&st.paths, &event_input("ts", 1));
    let mut kim = unlock_as(&st.paths, KIOSK);
    let mut s = submission(&event, 3, &[BOXES[0], BOXES[4]]);
    s.language = Some(Language::ZhCn);
    let r = capture::submit(&mut kim, &s).unwrap().recorded;
    let rec = receipt::show(&mut kim, &r.receipt_id).unwrap();
    kim.lock().unwrap();
    let json = receipt::to_json(&rec);
    assert_valid(&json);
    assert_eq!((json["language"].as_str(), json["title"].as_str()), (Some("zh-CN"), Some("同意回执")));
    assert_eq!(line(&json, "event_followup")["purpose"], "展会后续联系");
    assert_eq!(names(&line(&json, "dietary_needs")["piiCategory"]), ["姓名", "饮食限制与过敏信息"]);
    let iso = &json["iso27560"];
    assert_eq!(names(&iso["storage_locations"]), [example_profile().storage_location.zh.as_str()]);
    let withdraw = iso["withdrawal_method"].as_str().unwrap();
    assert!(withdraw.contains(&format!("。撤回时请提供回执编号 {}。", r.receipt_id)), "{withdraw}");
    assert!(!withdraw.contains("。（") && !withdraw.contains("），"), "{withdraw}");
    assert_eq!(iso["events"][0]["validity_duration"], "直至撤回");

    let html = receipt::to_html(&rec);
    assert!(html.contains("lang=\"zh-CN\""));
    for zh in ["同意回执", "回执编号", "如何撤回", "使用的个人信息", "敏感个人信息单独同意"]
    {
        assert!(html.contains(zh), "the Chinese receipt lacks {zh:?}");
    }
    for en in ["Receipt ID", "How to withdraw", "Consent receipt", "Agreed", "Purpose"] {
        assert!(!html.contains(en), "the Chinese receipt holds {en:?}");
    }
}

#[test]
fn a_childs_receipt_says_a_guardian_answered() {
    let st = stand();
    kids_notice(&st.paths);
    let event = new_event(&st.paths, &event_input("kids", 1));
    let mut kim = unlock_as(&st.paths, KIOSK);
    let mut s = submission(&event, 4, &[BOXES[0]]);
    s.under_14 = true;
    s.guardian_name = Some("Parent Li".into());
    s.guardian_confirmed = true;
    s.signature_png = Some(PNG.to_vec());
    let r = capture::submit(&mut kim, &s).unwrap().recorded;
    let rec = receipt::show(&mut kim, &r.receipt_id).unwrap();
    kim.lock().unwrap();
    let json = receipt::to_json(&rec);
    assert_valid(&json);
    assert!(json["iso27560"]["given_by"].as_str().unwrap().contains("guardian"), "{json:#}");
    assert!(receipt::to_html(&rec).contains("Given by a parent or guardian"));
    let printed = print::printable(&rec);
    // The guardian is named, masked as the person is: the full name is sealed personal data
    // the kiosk never holds the key to, and is never on the receipt.
    assert_eq!(
        printed.given_by.as_ref().map(|g| g.zh.as_str()),
        Some("由父母或其他监护人（P***** L*）代为作出（监护人同意）")
    );
    assert!(json["iso27560"]["given_by"].as_str().unwrap().contains("(P***** L*)"), "{json:#}");
    assert!(receipt::to_html(&rec).contains("Given by a parent or guardian (P***** L*)"));
    assert!(!json.to_string().contains("Parent Li") && !receipt::to_html(&rec).contains("Parent Li"));
    // Erasing the child takes the guardian's masked name off the receipt too.
    let mut lena = unlock_as(&st.paths, LEGAL);
    consentry::rights::erase(
        &mut lena,
        &consentry::subject::SubjectKey::Id(r.subject_id.clone()),
        consentry::ledger::Method::Phone,
        "asked by the parent",
    )
    .unwrap();
    let after = receipt::show(&mut lena, &r.receipt_id).unwrap();
    lena.lock().unwrap();
    assert_eq!(after.guardian, None);
    assert!(print::printable(&after).given_by.unwrap().zh.starts_with("由父母或其他监护人代为作出"));
}

#[test]
fn a_person_is_found_by_the_receipt_they_hold() {
    let st = stand();
    let event = new_event(&st.paths, &event_input("ts", 1));
    let mut kim = unlock_as(&st.paths, KIOSK);
    let r = capture::submit(&mut kim, &submission(&event, 5, &[BOXES[1]])).unwrap().recorded;
    capture::submit(&mut kim, &submission(&event, 6, &[BOXES[1]])).unwrap();
    kim.lock().unwrap();
    let mut mo = unlock_as(&st.paths, MARKETER);
    let id = r.receipt_id.as_str();
    // As printed, in lower case with a dash, or as the receipt's QR code reads.
    for typed in [id.to_lowercase(), format!("{}-{}", &id[..5], &id[5..]), format!("CONSENTRY-RECEIPT:{id}")] {
        let found = consentry::subject::find(&mut mo, &typed, 20).unwrap();
        assert_eq!(found.len(), 1, "{typed}: {found:?}");
        assert_eq!(found[0].person.id, r.subject_id.as_str());
        assert_eq!(found[0].matched, Some(consentry::subject::MatchedOn::Receipt));
        assert_eq!(found[0].person.email.as_deref(), Some("v***@example.com"), "masked as always");
    }
    assert!(consentry::subject::find(&mut mo, "ZZZZZ99999", 20).unwrap().is_empty(), "no such receipt");
    mo.lock().unwrap();
}
