//! The transport vocabulary against the engine's: wire names, conversions, error kinds
//! and the allowed actions.

use super::*;

fn wire<T: Serialize>(v: T) -> String {
    match serde_json::to_value(v).unwrap() {
        serde_json::Value::String(s) => s,
        other => panic!("not a string: {other}"),
    }
}

/// Each transport value's wire name is the engine's name, and the lists are complete.
macro_rules! same_names {
    ($t:ident, $e:ident, $all:expr, $name:expr) => {{
        let all: Vec<$e> = $all.into_iter().collect();
        assert_eq!(all.len(), $t::ALL.len(), stringify!($t));
        for e in all {
            let t = $t::from(e);
            assert_eq!(wire(t), $name(e), stringify!($t));
            assert_eq!(t.as_str(), $name(e), stringify!($t));
            assert_eq!($e::from(t), e, stringify!($t));
            let back: $t = serde_json::from_value(serde_json::Value::String($name(e).to_string())).unwrap();
            assert_eq!(back, t);
        }
    }};
}

#[test]
fn wire_names_are_the_engine_names() {
    same_names!(Role, ERole, ERole::ALL, |r: ERole| r.as_str());
    same_names!(ActionName, EAction, EAction::ALL, |a: EAction| a.name());
    same_names!(
        ConsentState,
        EConsentState,
        [EConsentState::Granted, EConsentState::Refused, EConsentState::Withdrawn],
        |s: EConsentState| s.as_str()
    );
    same_names!(EventKind, EEventKind, EEventKind::ALL.iter().copied(), |s: EEventKind| s.as_str());
    same_names!(MatchedOn, EMatchedOn, EMatchedOn::ALL.iter().copied(), |s: EMatchedOn| s.as_str());
    same_names!(Method, EMethod, EMethod::ALL.iter().copied(), |s: EMethod| s.as_str());
    same_names!(Language, ELanguage, ELanguage::ALL.iter().copied(), |s: ELanguage| s.as_str());
    same_names!(LegalBasis, ELegalBasis, ELegalBasis::ALL.iter().copied(), |s: ELegalBasis| s.as_str());
    same_names!(SeparateConsent, ESeparateConsent, ESeparateConsent::ALL.iter().copied(), |s: ESeparateConsent| s
        .as_str());
    same_names!(SensitiveKind, ESensitiveKind, ESensitiveKind::ALL.iter().copied(), |s: ESensitiveKind| s.as_str());
    same_names!(PersonField, EPersonField, EPersonField::ALL.iter().copied(), |s: EPersonField| s.as_str());
    same_names!(NoticeState, ENoticeState, ENoticeState::ALL.iter().copied(), |s: ENoticeState| s.as_str());
    same_names!(MaterialKind, EMaterialKind, EMaterialKind::ALL.iter().copied(), |s: EMaterialKind| s.as_str());
    same_names!(TemplateKind, ETemplateKind, ETemplateKind::ALL.iter().copied(), |s: ETemplateKind| s.as_str());
    same_names!(Due, EDue, [EDue::Review, EDue::Delete], |s: EDue| s.as_str());
    same_names!(Severity, ESeverity, [ESeverity::Error, ESeverity::Warning], |s: ESeverity| s.as_str());
    same_names!(Refusal, ERefusal, ERefusal::ALL.iter().copied(), |s: ERefusal| s.as_str());
    same_names!(ChainLog, ELog, ELog::ALL.iter().copied(), |s: ELog| s.as_str());
    // These engine enums have no public name; their FromStr must accept the wire names.
    for f in Format::ALL {
        assert_eq!(Format::from(f.as_str().parse::<EFormat>().unwrap()), *f);
    }
    for i in Identity::ALL {
        assert_eq!(Identity::from(i.as_str().parse::<EIdentity>().unwrap()), *i);
    }
    for p in Provenance::ALL {
        assert_eq!(Provenance::from(p.as_str().parse::<EProvenance>().unwrap()), *p);
    }
}

/// Every `Error::kind()` string in the engine has an `ErrorKind` variant.
#[test]
fn every_engine_error_kind_has_a_variant() {
    let source = include_str!("../../src/domain/error.rs");
    let body = source.split("pub fn kind(&self)").nth(1).expect("Error::kind");
    let body = &body[..body.find("\n    }\n").expect("end of kind")];
    let kinds: Vec<&str> =
        body.lines().filter_map(|l| l.split("=> \"").nth(1)).map(|r| r.trim_end_matches("\",")).collect();
    assert!(kinds.len() >= 20, "{kinds:?}");
    for k in kinds {
        assert!(ErrorKind::ALL.iter().any(|v| v.as_str() == k), "no ErrorKind for engine kind {k}");
        assert_eq!(ErrorKind::of(k).as_str(), k);
    }
    for k in ["locked", "already_unlocked", "internal", "kiosk_closed"] {
        assert_eq!(ErrorKind::of(k).as_str(), k);
    }
}

#[test]
fn every_transfer_mechanism_has_a_label() {
    for m in consentry::notice::context::MECHANISMS {
        for zh in [true, false] {
            assert!(consentry::notice::context::mechanism_label(m, zh).is_some(), "{m}");
        }
    }
}

#[test]
fn control_kinds_cover_every_separate_consent() {
    for s in SeparateConsent::ALL {
        assert_eq!(ControlKind::of(s.as_str()), ControlKind::from(*s));
    }
    assert_eq!(ControlKind::of("purpose"), ControlKind::Purpose);
}

#[test]
fn allowed_actions_follow_the_permission_table() {
    for role in ERole::ALL {
        let allowed = ActionName::allowed(role);
        for a in EAction::ALL {
            assert_eq!(allowed.contains(&ActionName::from(a)), a.allows(role), "{role} {}", a.name());
        }
    }
    assert!(!ActionName::allowed(ERole::Kiosk).contains(&ActionName::LeaveKiosk));
}
