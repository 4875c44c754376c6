//! The engine's side of the benchmark: a vault made through the engine (the catalogue, the
//! operators, a registered notice), and its import and capture calls.

use super::*;
// ---------------------------------------------------------------------------------------------
// The engine's vault

pub(crate) struct Engine {
    pub(crate) marketer: Session,
    pub(crate) legal: Session,
    pub(crate) notice_hash: String,
    pub(crate) _paths: VaultPaths,
}

pub(crate) fn pass(p: &str) -> Passphrase {
    Passphrase::new(p.to_string())
}

pub(crate) fn engine_vault(dir: &Path) -> Res<Engine> {
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

pub(crate) fn engine_import(e: &mut Engine, seed: u64, from: usize, to: usize) -> Res<usize> {
    let csv = import_csv(seed, from, to, &e.notice_hash);
    let report = rights::import_consents(&mut e.marketer, csv.as_bytes(), Provenance::Import)?;
    if !report.committed() {
        return Err(format!("the generated import was refused: {:?}", report.errors.first()).into());
    }
    Ok(report.events)
}

pub(crate) fn engine_capture(e: &mut Engine, p: &Person) -> Res<()> {
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
