//! The real `consentry` binary: a whole session from init to verify, JSON shapes and exit codes.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::bin;

pub struct Cli<'a> {
    pub vault: &'a Path,
}

impl Cli<'_> {
    pub fn run(&self, operator: &str, pass: &str, args: &[&str]) -> Output {
        self.run_env(operator, args, &[("CONSENTRY_PASSPHRASE", pass)])
    }

    pub fn run_env(&self, operator: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(bin());
        cmd.arg("--vault").arg(self.vault).arg("--operator").arg(operator).args(args);
        cmd.env_remove("CONSENTRY_PASSPHRASE")
            .env_remove("CONSENTRY_NEW_PASSPHRASE")
            .env_remove("CONSENTRY_OPERATOR")
            .env_remove("CONSENTRY_VAULT");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    }

    pub fn ok(&self, operator: &str, pass: &str, args: &[&str]) -> String {
        let out = self.run(operator, pass, args);
        assert!(out.status.success(), "{args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn json(&self, operator: &str, pass: &str, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(operator, pass, &all)).unwrap()
    }
}

pub const ADA: &str = "admin passphrase 1";
pub const LENA: &str = "legal passphrase 1";
pub const MO: &str = "marketer passphrase 1";

#[test]
fn a_whole_session_from_init_to_verify() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.db");
    let cli = Cli { vault: &vault };

    let out = cli.run_env(
        "Ada",
        &["--json", "init", "--admin", "Ada", "--device", "Stand A"],
        &[("CONSENTRY_NEW_PASSPHRASE", ADA)],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let init: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let recovery = init["recovery_key"].as_str().unwrap().to_string();
    assert_eq!(recovery.len(), 39);

    for (name, role, pass) in [("Lena", "legal", LENA), ("Mo", "marketer", MO)] {
        let out = cli.run_env(
            "Ada",
            &["operator", "add", name, "--role", role],
            &[("CONSENTRY_PASSPHRASE", ADA), ("CONSENTRY_NEW_PASSPHRASE", pass)],
        );
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let ops = cli.json("Ada", ADA, &["operator", "list"]);
    assert_eq!(ops.as_array().unwrap().len(), 3);
    assert_eq!(ops[2]["role"], "marketer");

    cli.ok(
        "Lena",
        LENA,
        &[
            "purpose",
            "add",
            "event_marketing",
            "--zh",
            "活动营销",
            "--en",
            "Event marketing",
            "--dpv",
            "dpv:DirectMarketing",
        ],
    );
    cli.ok(
        "Lena",
        LENA,
        &["purpose", "add", "xborder", "--zh", "跨境传输", "--en", "Transfer abroad", "--separate", "cross-border"],
    );
    cli.ok("Lena", LENA, &["category", "add", "email", "--zh", "电子邮箱", "--en", "Email address"]);
    cli.ok(
        "Lena",
        LENA,
        &["category", "add", "face", "--zh", "人脸", "--en", "Face image", "--sensitive", "biometric"],
    );
    let purposes = cli.json("Mo", MO, &["purpose", "list"]);
    assert_eq!(purposes[1]["separate_consent"], "cross_border");
    let cats = cli.json("Mo", MO, &["category", "list"]);
    assert_eq!(cats[1]["sensitive"], "biometric");

    let notice_file = dir.path().join("notice.txt");
    std::fs::write(&notice_file, "我们收集您的邮箱用于活动营销。").unwrap();
    let v = cli.json(
        "Lena",
        LENA,
        &["notice", "register", "--file", notice_file.to_str().unwrap(), "--language", "zh-CN", "--title", "展会"],
    );
    let hash = v["hash"].as_str().unwrap().to_string();
    assert_eq!(hash.len(), 64);
    let shown = cli.json("Mo", MO, &["notice", "show", &hash[..8]]);
    assert_eq!(shown["body"], "我们收集您的邮箱用于活动营销。");

    let rec = cli.json(
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
            "--name",
            "张伟",
            "--method",
            "kiosk",
        ],
    );
    assert_eq!(rec["events"][0]["kind"], "grant");
    assert_eq!(rec["new_subject"], true);
    cli.ok("Mo", MO, &["refuse", "--purpose", "xborder", "--notice", &hash[..12], "--email", "WEI@example.com"]);
    cli.ok(
        "Mo",
        MO,
        &[
            "withdraw",
            "--email",
            "wei@example.com",
            "--purpose",
            "event_marketing",
            "--channel",
            "email",
            "--note",
            "ticket 7",
        ],
    );

    let st = cli.json("Mo", MO, &["status", "--email", "wei@example.com"]);
    assert_eq!(st["subject"]["email"], "w***@example.com");
    assert_eq!(st["subject"]["name"], "张*");
    let states: Vec<(&str, &str)> = st["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["purpose"].as_str().unwrap(), p["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states, vec![("event_marketing", "withdrawn"), ("xborder", "refused")]);
    assert_eq!(st["purposes"][0]["dpv_status"], "dpv:ConsentWithdrawn");

    let hist = cli.json("Lena", LENA, &["history", "--email", "wei@example.com", "--reveal"]);
    assert_eq!(hist["subject"]["email"], "wei@example.com");
    assert_eq!(hist["events"].as_array().unwrap().len(), 3);
    assert_eq!(hist["events"][2]["method"], "email");

    let text = cli.ok("Mo", MO, &["status", "--email", "wei@example.com"]);
    assert!(text.contains("withdrawn") && text.contains("(masked)") && !text.contains("wei@example.com"), "{text}");

    let verify = cli.json("Lena", LENA, &["verify"]);
    assert_eq!(verify["intact"], true);
    assert_eq!(verify["events_checked"], 3);

    let audit = cli.json("Ada", ADA, &["audit", "--limit", "500"]);
    let actions: Vec<&str> = audit.as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for a in [
        "vault.create",
        "operator.add",
        "purpose.add",
        "notice.register",
        "consent.capture",
        "consent.withdraw",
        "subject.reveal",
        "vault.unlock",
        "vault.lock",
    ] {
        assert!(actions.contains(&a), "audit lacks {a}: {actions:?}");
    }

    // passwd, then recover.
    let out = cli.run_env(
        "Mo",
        &["passwd"],
        &[("CONSENTRY_PASSPHRASE", MO), ("CONSENTRY_NEW_PASSPHRASE", "marketer passphrase 2")],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(cli.run("Mo", MO, &["status", "--email", "wei@example.com"]).status.code(), Some(3));
    let out = cli.run_env(
        "Mo",
        &["recover"],
        &[("CONSENTRY_RECOVERY_KEY", &recovery), ("CONSENTRY_NEW_PASSPHRASE", "marketer passphrase 3")],
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    cli.ok("Mo", "marketer passphrase 3", &["status", "--email", "wei@example.com"]);
}

#[test]
fn exit_codes_and_json_errors() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("vault.db");
    let cli = Cli { vault: &vault };

    // 2: usage.
    let out = cli.run("Ada", ADA, &["grant", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    // 1: no vault yet, with a sentence that says what to do.
    let out = cli.run("Ada", ADA, &["status", "--email", "a@example.com"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("consentry init"));

    let out = cli.run_env("Ada", &["init", "--admin", "Ada"], &[("CONSENTRY_NEW_PASSPHRASE", ADA)]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Recovery key") && text.contains("shown once"), "{text}");

    // 3: wrong passphrase; the JSON error shape on stderr.
    let out = cli.run("Ada", "wrong passphrase!", &["--json", "verify"]);
    assert_eq!(out.status.code(), Some(3));
    let err: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["error"]["kind"], "wrong_passphrase");
    assert!(err["error"]["message"].as_str().unwrap().contains("Nothing was changed"));
    // 3: unknown operator.
    assert_eq!(cli.run("Zed", ADA, &["verify"]).status.code(), Some(3));
    // 5: permission denied (an admin does not capture).
    let out = cli.run("Ada", ADA, &["grant", "--purpose", "x", "--notice", "abcdefgh", "--email", "a@example.com"]);
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs the role marketer or kiosk"));
    // 1: bad input, named.
    let out = cli.run("Ada", ADA, &["purpose", "add", "Bad Code", "--zh", "x", "--en", "y"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("“Bad Code” is not a usable code"));
    // No passphrase source at all: a clear message, not a hang.
    let out = cli.run_env("Ada", &["verify"], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CONSENTRY_PASSPHRASE"));
}

#[test]
fn verify_exits_4_and_names_the_event_after_tampering() {
    let tv = crate::common::vault_with_team();
    let mut s = crate::common::unlock(&tv.paths, consentry::Role::Marketer);
    let rec = crate::common::capture(
        &mut s,
        &tv.notice_hash,
        crate::common::person(1),
        &[("event_marketing", consentry::ledger::EventKind::Grant)],
    );
    s.raw_connection_for_tests()
        .execute_batch("DROP TRIGGER consent_event_no_update; UPDATE consent_event SET kind = 'refuse';")
        .unwrap();
    s.lock().unwrap();
    let cli = Cli { vault: &tv.paths.db };
    let out = cli.run("Lena", "legal passphrase 1", &["verify"]);
    assert_eq!(out.status.code(), Some(4));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("BROKEN") && text.contains(rec.events[0].id.as_str()), "{text}");
}

#[test]
fn rights_commands_from_search_to_erasure() {
    let tv = crate::common::vault_with_team();
    let cli = Cli { vault: &tv.paths.db };
    let n = &tv.notice_hash[..12];
    let rec = cli.json(
        "Mo",
        MO,
        &[
            "grant",
            "--purpose",
            "event_marketing",
            "--purpose",
            "newsletter",
            "--notice",
            n,
            "--name",
            "张伟",
            "--email",
            "zhang.wei@example.com",
            "--phone",
            "13800138000",
        ],
    );
    assert_eq!(rec["receipt_id"].as_str().unwrap().len(), 10);

    let found = cli.json("Mo", MO, &["subject", "search", "张"]);
    assert_eq!(found[0]["email"], "z***@example.com");
    assert_eq!(found[0]["masked"], true);

    let wd = cli.json(
        "Mo",
        MO,
        &[
            "subject",
            "withdraw",
            "--phone",
            "138 0013 8000",
            "--purpose",
            "newsletter",
            "--channel",
            "phone",
            "--note",
            "call 3",
        ],
    );
    let receipt_id = wd["receipt_id"].as_str().unwrap().to_string();
    let html = cli.ok("Mo", MO, &["receipt", "show", &receipt_id.to_lowercase(), "--format", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("撤回同意回执") && html.contains(&receipt_id));
    let json = cli.json("Mo", MO, &["receipt", "show", &receipt_id]);
    assert_eq!(json["version"], "KI-CR-v1.1.0");
    assert_eq!(json["iso27560"]["events"][0]["event_type"], "withdraw");

    // Suppression: hashed for marketers, plain refused (exit 5).
    let hashed = cli.ok("Mo", MO, &["suppression", "--hash-emails"]);
    let sha = consentry::rights::erasure::sha256_hex("zhang.wei@example.com");
    assert!(hashed.contains(&sha) && !hashed.contains("zhang.wei"), "{hashed}");
    assert_eq!(cli.run("Mo", MO, &["suppression"]).status.code(), Some(5));
    let plain = cli.ok("Lena", LENA, &["suppression", "--format", "json"]);
    assert!(plain.contains("zhang.wei@example.com"));
    // For Excel: a byte-order mark first, then the same list; refused with JSON (exit 1, before unlocking).
    let excel = cli.ok("Mo", MO, &["suppression", "--hash-emails", "--excel"]);
    assert_eq!(excel.strip_prefix('\u{feff}'), Some(hashed.as_str()));
    let json_excel = cli.run("Mo", MO, &["suppression", "--hash-emails", "--format", "json", "--excel"]);
    assert_eq!(json_excel.status.code(), Some(1), "{json_excel:?}");
    assert!(String::from_utf8_lossy(&json_excel.stderr).contains("--excel"), "{json_excel:?}");

    // Export to a file, masked, filtered.
    let out_file = tv.dir.path().join("export.csv");
    cli.ok(
        "Mo",
        MO,
        &[
            "export",
            "--status",
            "granted",
            "--purpose",
            "event_marketing",
            "--from",
            "2020-01-01",
            "--output",
            out_file.to_str().unwrap(),
        ],
    );
    let csv = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        csv.starts_with("subject_id,name,email") && csv.contains("z***@example.com") && !csv.contains("newsletter"),
        "{csv}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&out_file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    // The same file again: never overwritten (the engine's one file writer), and `grant`
    // reads as a state as it does in the app.
    let again = cli.run(
        "Mo",
        MO,
        &["export", "--status", "grant", "--from", "2020-01-01", "--output", out_file.to_str().unwrap()],
    );
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"), "{again:?}");
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), csv, "the first export is left as it was");

    // Import: a bad row refuses the file (exit 7) and names line 3.
    let bad = tv.dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("email,purpose,decision,notice,captured_at\na@example.com,newsletter,grant,{n},2024-01-01\nb@example.com,newsletter,perhaps,{n},2024-01-01\n"),
    )
    .unwrap();
    let out = cli.run("Mo", MO, &["--json", "import", bad.to_str().unwrap(), "--provenance", "paper"]);
    assert_eq!(out.status.code(), Some(7));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["committed"], false);
    assert_eq!(report["errors"][0]["line"], 3);
    assert_eq!(report["errors"][0]["column"], "decision");
    assert!(cli.json("Mo", MO, &["subject", "search", "a@example"]).as_array().unwrap().is_empty(), "nothing written");
    std::fs::write(
        &bad,
        format!("email,purpose,decision,notice,captured_at\na@example.com,newsletter,grant,{n},2024-01-01\n"),
    )
    .unwrap();
    let report = cli.json("Mo", MO, &["import", bad.to_str().unwrap(), "--provenance", "paper"]);
    assert_eq!(report["committed"], true);
    assert_eq!(report["events"], 1);

    // Retention.
    cli.ok("Lena", LENA, &["retention", "set", "event_marketing", "--review-days", "365", "--delete-days", "1095"]);
    let rules = cli.json("Mo", MO, &["retention", "list"]);
    assert_eq!(rules[0]["review_days"], 365);
    assert!(cli.json("Mo", MO, &["retention", "due"]).as_array().unwrap().is_empty());

    // Access export, then erasure; verify stays intact.
    let access =
        cli.ok("Lena", LENA, &["subject", "export-access", "--email", "zhang.wei@example.com", "--format", "html"]);
    assert!(access.contains("zhang.wei@example.com") && access.contains(&receipt_id));
    assert_eq!(
        cli.run("Mo", MO, &["subject", "export-access", "--email", "zhang.wei@example.com"]).status.code(),
        Some(5)
    );
    assert_eq!(cli.run("Lena", LENA, &["subject", "erase", "--email", "zhang.wei@example.com"]).status.code(), Some(1));
    let erased = cli.json(
        "Lena",
        LENA,
        &["subject", "erase", "--email", "zhang.wei@example.com", "--yes", "--note", "ticket 9"],
    );
    assert_eq!(erased["erased"], true);
    assert_eq!(erased["withdrawn"]["events"][0]["purpose"], "event_marketing");
    assert_eq!(cli.json("Lena", LENA, &["verify"])["intact"], true);
    let hashed = cli.ok("Mo", MO, &["suppression", "--hash-emails"]);
    assert!(hashed.contains(&sha), "the erased person stays suppressed");
}

#[test]
fn the_role_is_checked_before_a_new_operators_passphrase_is_asked_for() {
    let tv = crate::common::vault_with_team();
    let cli = Cli { vault: &tv.paths.db };
    for args in [&["operator", "add", "Eve", "--role", "kiosk"][..], &["operator", "reset", "Kim"][..]] {
        let out = cli.run("Mo", MO, args);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("Permission denied") && !err.to_lowercase().contains("new passphrase"), "{args:?}: {err}");
    }
}
