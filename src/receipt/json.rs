//! A receipt as JSON: Kantara Consent Receipt v1.1 at the top level, the ISO/IEC TS 27560
//! record under `iso27560`. Written in the receipt's language (a zh-CN receipt is Chinese
//! throughout, codes and standard values aside); each purpose names only the categories and
//! recipients it uses; optional fields the profile has no value for are left out.

use serde_json::{json, Map, Value};

use super::*;

/// The receipt as JSON: the Kantara Consent Receipt v1.1 fields at the top level, the
/// ISO/IEC TS 27560 record under `iso27560`, and the notice hash of every line.
pub fn to_json(r: &Receipt) -> Value {
    let p = Profile::of(r);
    let lang = language(r);
    let zh = lang == Language::ZhCn;
    let pick = |(z, e): (String, String)| if zh { z } else { e };
    let not_stated = if zh { NOT_STATED_ZH } else { NOT_STATED };
    let stated = |v: Option<String>| v.unwrap_or_else(|| not_stated.to_string());
    let controller_name = p.both(&["controller", "name"]).map(pick);
    let contact = p.text(&["controller", "contact"]);
    let address = p.both(&["controller", "address"]).map(pick);
    let email = contact.clone().filter(|c| c.contains('@'));
    let controller = json!({
        "piiController": stated(controller_name.clone()),
        "onBehalf": false,
        "contact": stated(contact.clone()),
        "address": stated(address.clone()),
        "email": stated(email),
        "phone": not_stated,
    });
    let (withdraw_zh, withdraw_en) = withdrawal_method(&p, &r.id);
    let withdraw = if zh { withdraw_zh } else { withdraw_en };
    let facts: Vec<LineFacts> = r.lines.iter().map(|l| p.facts(&l.purpose)).collect();
    let purposes: Vec<Value> = r
        .lines
        .iter()
        .zip(&facts)
        .map(|(l, f)| {
            let parties: Vec<String> = f.recipients.iter().chain(&f.overseas).cloned().map(pick).collect();
            // A separate consent to share is a disclosure even where the profile names no one
            // (then Kantara's thirdPartyName, required with it, says "not stated").
            use crate::purpose::SeparateConsent::{CrossBorder, PublicDisclosure, ThirdParty};
            let disclosed = !parties.is_empty()
                || matches!(l.purpose.separate_consent, Some(ThirdParty | CrossBorder | PublicDisclosure));
            let mut v = json!({
                "purpose": if zh { &l.purpose.name_zh } else { &l.purpose.name_en },
                "purposeCategory": [l.purpose.dpv.clone().unwrap_or_else(|| l.purpose.code.clone())],
                "consentType": "EXPLICIT",
                // Mandatory in Kantara: "not stated" only when the notice states no category.
                "piiCategory": if f.categories.is_empty() {
                    vec![not_stated.to_string()]
                } else {
                    f.categories.iter().map(|c| pick(c.name.clone())).collect::<Vec<_>>()
                },
                "primaryPurpose": l.purpose.necessary,
                "termination": withdraw,
                "thirdPartyDisclosure": disclosed,
                "purposeCode": l.purpose.code,
                "consentState": state_of(l.event.kind),
                "noticeHash": l.event.notice_hash,
            });
            if disclosed {
                v["thirdPartyName"] =
                    json!(if parties.is_empty() { not_stated.to_string() } else { parties.join("; ") });
            }
            v
        })
        .collect();
    // Sensitive as the categories make it: any line whose purpose uses a sensitive category.
    let mut sensitive_names: Vec<String> =
        facts.iter().flat_map(|f| &f.categories).filter(|c| c.sensitive).map(|c| pick(c.name.clone())).collect();
    sensitive_names.dedup();
    // Every category the lines use, each once, in the profile's order.
    let mut all_categories: Vec<&Category> = Vec::new();
    for c in facts.iter().flat_map(|f| &f.categories) {
        if !all_categories.iter().any(|x| x.code == c.code) {
            all_categories.push(c);
        }
    }
    let mut recipients: Vec<String> =
        facts.iter().flat_map(|f| f.recipients.iter().chain(&f.overseas)).cloned().map(pick).collect();
    recipients.sort();
    recipients.dedup();
    let notice_hashes: Vec<String> = {
        let mut h: Vec<String> = r.lines.iter().filter_map(|l| l.event.notice_hash.clone()).collect();
        h.sort();
        h.dedup();
        h
    };
    let policy_url =
        notice_hashes.first().map(|h| format!("urn:consentry:notice:sha256:{h}")).unwrap_or_else(|| not_stated.into());
    let retention = p.retention(zh);
    let mut iso = json!({
        "schema_version": RECORD_SCHEMA_VERSION,
        "record_id": r.id,
        "receipt_id": r.id,
        "pii_principal_id": r.subject.id,
        "privacy_notice": notice_hashes.iter().map(|h| json!({"hash": h, "url": format!("urn:consentry:notice:sha256:{h}")})).collect::<Vec<_>>(),
        "language": lang.as_str(),
        "purposes": r.lines.iter().map(|l| json!({
            "purpose": l.purpose.code,
            "purpose_type": l.purpose.dpv,
            "lawful_basis": l.purpose.legal_basis.as_str(),
        })).collect::<Vec<_>>(),
        "pii_information": if all_categories.is_empty() {
            vec![json!({"pii_type": not_stated})]
        } else {
            all_categories.iter().map(|c| {
                let mut v = json!({"pii_type": c.code, "pii_name": pick(c.name.clone())});
                if c.sensitive {
                    v["sensitive_pii_category"] = json!(true);
                }
                v
            }).collect::<Vec<_>>()
        },
        "pii_controllers": [{
            "party_id": stated(p.both(&["controller", "name"]).map(|(_, e)| e)),
            "party_name": stated(controller_name),
            "party_address": stated(address),
            "party_contact": stated(contact),
            "party_type": "organisation",
            "party_role": "controller",
        }],
        "collection_method": collection_method(r, zh),
        "storage_locations": [stated(p.both(&["storage_location"]).map(pick))],
        "retention_period": if retention.is_empty() { not_stated.to_string() } else { retention.join("; ") },
        "jurisdiction": stated(p.text(&["jurisdiction"])),
        "recipient_third_parties": recipients,
        "withdrawal_method": withdraw,
        "events": r.lines.iter().map(|l| {
            let (vz, ve) = validity(l.event.kind);
            json!({
                "event_time": l.event.captured_at.to_rfc3339(),
                "validity_duration": if zh { vz } else { ve },
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
            })
        }).collect::<Vec<_>>(),
    });
    // Optional fields only where the profile gives a value.
    let extra: Map<String, Value> =
        [("privacy_rights", p.both(&["rights_channel"]).map(pick)), ("given_by", given_by(r).map(pick))]
            .into_iter()
            .filter_map(|(k, v)| Some((k.to_string(), json!(v?))))
            .collect();
    if let Some(o) = iso.as_object_mut() {
        o.extend(extra);
    }
    let (title_zh, title_en) = title(r);
    json!({
        "version": KANTARA_VERSION,
        "jurisdiction": stated(p.text(&["jurisdiction"])),
        "consentTimestamp": r.lines.first().map(|l| l.event.captured_at.timestamp()).unwrap_or_else(|| r.issued_at.timestamp()),
        "collectionMethod": collection_method(r, zh),
        "consentReceiptID": r.id,
        "language": lang.as_str(),
        "piiPrincipalId": r.subject.id,
        "piiControllers": [controller],
        "policyUrl": policy_url,
        "services": [{"service": if zh { "Consentry 同意记录" } else { "Consentry consent record" }, "purposes": purposes}],
        "sensitive": !sensitive_names.is_empty(),
        "spiCat": sensitive_names,
        "receiptKind": r.kind.as_str(),
        "title": if zh { title_zh } else { title_en },
        "issuedAt": r.issued_at.to_rfc3339(),
        "noticeHashes": notice_hashes,
        "iso27560": iso,
    })
}
