//! A receipt as JSON: Kantara Consent Receipt v1.1 at the top level, the ISO/IEC TS 27560
//! record under `iso27560`.

use crate::domain::Language;
use serde_json::{json, Value};

use super::*;

/// The receipt as JSON: the Kantara Consent Receipt v1.1 fields at the top level, the
/// ISO/IEC TS 27560 record under `iso27560`, and the notice hash of every line.
pub fn to_json(r: &Receipt) -> Value {
    let p = Profile::of(r);
    let controller_name = p.both(&["controller", "name"]);
    let contact = p.text(&["controller", "contact"]).unwrap_or_else(|| NOT_STATED.into());
    let address = p.both(&["controller", "address"]).map(|(z, e)| if z == e { z } else { format!("{z} / {e}") });
    let jurisdiction = p.text(&["jurisdiction"]).unwrap_or_else(|| NOT_STATED.into());
    let email = if contact.contains('@') { contact.clone() } else { NOT_STATED.into() };
    let controller = json!({
        "piiController": controller_name.as_ref().map(|(z, e)| if z == e { z.clone() } else { format!("{z} / {e}") }).unwrap_or_else(|| NOT_STATED.into()),
        "onBehalf": false,
        "contact": contact,
        "address": address.clone().unwrap_or_else(|| NOT_STATED.into()),
        "email": email,
        "phone": NOT_STATED,
    });
    // The data categories, other handlers and retention the notice's profile states.
    let mut categories = p.codes("categories");
    if categories.is_empty() {
        categories.push(NOT_STATED.to_string());
    }
    let recipients = p.parties("recipients", "name");
    let overseas = p.parties("transfers", "recipient");
    let retention = p.retention();
    let language = r.lines.iter().find_map(|l| l.event.language.or_else(|| l.notice.as_ref().map(|n| n.language)));
    let language = language.unwrap_or(Language::ZhCn).as_str();
    let (_, withdraw_en) = withdrawal_method(&p, &r.id);
    let purposes: Vec<Value> = r
        .lines
        .iter()
        .map(|l| {
            let named = match l.purpose.separate_consent {
                Some(crate::purpose::SeparateConsent::ThirdParty) => Some(&recipients),
                Some(crate::purpose::SeparateConsent::CrossBorder) => Some(&overseas),
                _ => None,
            };
            let third = named.is_some();
            let mut v = json!({
                "purpose": format!("{} / {}", l.purpose.name_zh, l.purpose.name_en),
                "purposeCategory": [l.purpose.dpv.clone().unwrap_or_else(|| l.purpose.code.clone())],
                "consentType": "EXPLICIT",
                "piiCategory": categories,
                "primaryPurpose": l.purpose.necessary,
                "termination": withdraw_en,
                "thirdPartyDisclosure": third,
                "purposeCode": l.purpose.code,
                "consentState": state_of(l.event.kind),
                "noticeHash": l.event.notice_hash,
            });
            if let Some(names) = named {
                v["thirdPartyName"] = json!(if names.is_empty() { NOT_STATED.to_string() } else { names.join("; ") });
            }
            v
        })
        .collect();
    let sensitive =
        r.lines.iter().any(|l| l.purpose.separate_consent == Some(crate::purpose::SeparateConsent::Sensitive));
    let notice_hashes: Vec<String> = {
        let mut h: Vec<String> = r.lines.iter().filter_map(|l| l.event.notice_hash.clone()).collect();
        h.sort();
        h.dedup();
        h
    };
    let policy_url =
        notice_hashes.first().map(|h| format!("urn:consentry:notice:sha256:{h}")).unwrap_or_else(|| NOT_STATED.into());
    let iso = json!({
        "schema_version": RECORD_SCHEMA_VERSION,
        "record_id": r.id,
        "receipt_id": r.id,
        "pii_principal_id": r.subject.id,
        "privacy_notice": notice_hashes.iter().map(|h| json!({"hash": h, "url": format!("urn:consentry:notice:sha256:{h}")})).collect::<Vec<_>>(),
        "language": language,
        "purposes": r.lines.iter().map(|l| json!({
            "purpose": l.purpose.code,
            "purpose_type": l.purpose.dpv,
            "lawful_basis": l.purpose.legal_basis.as_str(),
        })).collect::<Vec<_>>(),
        "pii_information": categories.iter().map(|c| json!({"pii_type": c})).collect::<Vec<_>>(),
        "pii_controllers": [{
            "party_id": controller_name.as_ref().map(|(_, e)| e.clone()).unwrap_or_else(|| NOT_STATED.into()),
            "party_name": controller_name.as_ref().map(|(z, e)| format!("{z} / {e}")).unwrap_or_else(|| NOT_STATED.into()),
            "party_address": address.unwrap_or_else(|| NOT_STATED.into()),
            "party_contact": p.text(&["controller", "contact"]).unwrap_or_else(|| NOT_STATED.into()),
            "party_type": "organisation",
            "party_role": "controller",
        }],
        "collection_method": collection_method(r),
        "storage_locations": ["Consentry encrypted vault on the recording device"],
        "retention_period": if retention.is_empty() { NOT_STATED.to_string() } else { retention.join("; ") },
        "jurisdiction": jurisdiction,
        "recipient_third_parties": recipients.iter().chain(&overseas).collect::<Vec<_>>(),
        "withdrawal_method": withdraw_en,
        "privacy_rights": p.both(&["rights_channel"]).map(|(_, e)| e).unwrap_or_else(|| NOT_STATED.into()),
        "events": r.lines.iter().map(|l| json!({
            "event_time": l.event.captured_at.to_rfc3339(),
            "validity_duration": "until withdrawn",
            "entity_id": l.event.operator_id,
            "event_type": l.event.kind.as_str(),
            "event_state": dpv_state(l.event.kind),
            "event_id": l.event.id,
            "purpose": l.purpose.code,
            "notice_hash": l.event.notice_hash,
            "method": l.event.method.as_str(),
            "device_id": l.event.device_id,
            "seq": l.event.seq,
            "hash": l.event.hash,
        })).collect::<Vec<_>>(),
    });
    json!({
        "version": KANTARA_VERSION,
        "jurisdiction": p.text(&["jurisdiction"]).unwrap_or_else(|| NOT_STATED.into()),
        "consentTimestamp": r.lines.first().map(|l| l.event.captured_at.timestamp()).unwrap_or_else(|| r.issued_at.timestamp()),
        "collectionMethod": collection_method(r),
        "consentReceiptID": r.id,
        "language": language,
        "piiPrincipalId": r.subject.id,
        "piiControllers": [controller],
        "policyUrl": policy_url,
        "services": [{"service": "Consentry consent record", "purposes": purposes}],
        "sensitive": sensitive,
        "spiCat": if sensitive { vec!["sensitive personal information (PIPL Art. 28)"] } else { Vec::new() },
        "receiptKind": r.kind.as_str(),
        "issuedAt": r.issued_at.to_rfc3339(),
        "noticeHashes": notice_hashes,
        "iso27560": iso,
    })
}
