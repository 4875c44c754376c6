//! `consentry org …` and `consentry bundle …` through the real binary: headquarters and a
//! device exchange files, with `--json` shapes and exit codes.

use std::path::Path;

use crate::cli::{Cli, ADA, LENA, MO};

fn init(cli: &Cli<'_>, device: &str, team: &[(&str, &str, &str)]) {
    let out = cli.run_env(
        "Ada",
        &["--json", "init", "--admin", "Ada", "--device", device],
        &[("CONSENTRY_NEW_PASSPHRASE", ADA)],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for (name, role, pass) in team {
        let out = cli.run_env(
            "Ada",
            &["operator", "add", name, "--role", role],
            &[("CONSENTRY_PASSPHRASE", ADA), ("CONSENTRY_NEW_PASSPHRASE", pass)],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn headquarters_and_a_device_exchange_bundles_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let (hq_db, dev_db, usb) = (dir.path().join("hq.db"), dir.path().join("tablet.db"), dir.path().join("usb"));
    let hq = Cli { vault: &hq_db };
    let dev = Cli { vault: &dev_db };
    init(&hq, "HQ desk", &[("Lena", "legal", LENA)]);
    init(&dev, "Stand tablet", &[("Mo", "marketer", MO)]);

    // Not yet an organisation: status says so; a device bundle cannot be saved.
    let st = hq.json("Ada", ADA, &["org", "status"]);
    assert!(st["organisation"].is_null());
    let out = dev.run("Mo", MO, &["--json", "bundle", "save", "--out", s(&usb)]);
    assert_eq!(out.status.code(), Some(1));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(
        (err["error"]["kind"].as_str(), err["error"]["reason"].as_str()),
        (Some("bundle_refused"), Some("not_enrolled"))
    );

    let org = hq.json("Ada", ADA, &["org", "init", "--name", "Acme China"]);
    assert_eq!(org["role"], "headquarters");
    let e = hq.json("Ada", ADA, &["org", "enrol", "Tablet 1", "--out", s(&usb)]);
    let fingerprint = e["fingerprint"].as_str().unwrap().to_string();
    let file = e["file"].as_str().unwrap().to_string();
    assert!(file.ends_with(".enrol"));

    // Join shows the fingerprint first and changes nothing; a wrong one is refused.
    let preview = dev.json("Ada", ADA, &["org", "join", &file]);
    assert_eq!(
        (preview["fingerprint"].as_str(), preview["joined"].as_bool()),
        (Some(fingerprint.as_str()), Some(false))
    );
    assert!(dev.json("Ada", ADA, &["org", "status"])["organisation"].is_null());
    let out = dev.run("Ada", ADA, &["org", "join", &file, "--fingerprint", "0000 0000 0000 0000"]);
    assert_eq!(out.status.code(), Some(1));
    let joined = dev.json("Ada", ADA, &["org", "join", &file, "--fingerprint", &fingerprint.replace(' ', "")]);
    assert_eq!((joined["role"].as_str(), joined["fingerprint"].as_str()), (Some("device"), Some(fingerprint.as_str())));

    // HQ sends wording and the catalogue; the device records a consent against it.
    hq.ok("Lena", LENA, &["purpose", "add", "event_marketing", "--zh", "活动营销", "--en", "Event marketing"]);
    let notice = dir.path().join("notice.txt");
    std::fs::write(&notice, "我们收集您的邮箱用于活动营销。").unwrap();
    let v =
        hq.json("Lena", LENA, &["notice", "register", "--file", s(&notice), "--language", "zh-CN", "--title", "展会"]);
    let hash = v["hash"].as_str().unwrap().to_string();
    let sent = hq.json("Lena", LENA, &["bundle", "send", "Tablet 1", "--out", s(&usb)]);
    let loaded = dev.json("Mo", MO, &["bundle", "import", sent["file"].as_str().unwrap()]);
    assert_eq!(loaded[0]["notice_versions_added"], 1);
    dev.ok(
        "Mo",
        MO,
        &[
            "grant",
            "--purpose",
            "event_marketing",
            "--notice",
            &hash[..12],
            "--email",
            "wei@example.com",
            "--method",
            "kiosk",
        ],
    );
    let unsent = dev.json("Mo", MO, &["org", "status"]);
    assert_eq!((unsent["unsent"]["events"].as_u64(), unsent["unsent"]["people"].as_u64()), (Some(1), Some(1)));

    // The device's bundle goes to HQ along with a file that is not a bundle: one is merged,
    // the other refused, and the exit code says something was refused.
    let saved = dev.json("Mo", MO, &["bundle", "save", "--out", s(&usb)]);
    assert_eq!(saved["events"], 1);
    let junk = dir.path().join("junk.consentry");
    std::fs::write(&junk, "not a bundle").unwrap();
    let out = hq.run("Lena", LENA, &["--json", "bundle", "import", saved["file"].as_str().unwrap(), s(&junk)]);
    assert_eq!(out.status.code(), Some(7));
    let results: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results[0]["events_added"], 1);
    assert_eq!(results[1]["error"]["reason"], "not_a_bundle");
    let status = hq.json("Lena", LENA, &["status", "--email", "wei@example.com"]);
    assert_eq!(status["purposes"][0]["state"], "granted");
    let devices = hq.json("Lena", LENA, &["org", "status"]);
    assert_eq!(
        (devices["devices"][0]["name"].as_str(), devices["devices"][0]["last_seq"].as_i64()),
        (Some("Tablet 1"), Some(1))
    );
    // A second import of the same file changes nothing and says so.
    let again = hq.json("Lena", LENA, &["bundle", "import", saved["file"].as_str().unwrap()]);
    assert!(again[0]["outcome"].as_str().unwrap().starts_with("already imported"), "{again}");
}
