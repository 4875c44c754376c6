//! Drives the real Consentry desktop app (WebKitGTK under Xvfb) through `tauri-driver` and
//! `WebKitWebDriver`: create a vault, lock, a wrong passphrase, unlock, add a purpose, see
//! people recorded through the CLI, switch to Chinese. Each run has its own data folder, and
//! a screenshot of every screen is saved to `tests/e2e/screenshots/` (or `$CONSENTRY_SCREENSHOTS`).
//!
//! Needs: `xvfb`, `webkit2gtk-driver`, `tauri-driver` on PATH, and the debug builds of
//! `consentry-desktop` and `consentry` (scripts/test.sh does all of this).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout, clippy::print_stderr)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

const ADMIN: &str = "Ada Admin";
const ADMIN_PASS: &str = "correct horse battery staple";

struct Killed(Child, &'static str);

impl Drop for Killed {
    fn drop(&mut self) {
        // SIGTERM lets tauri-driver take WebKitWebDriver down with it.
        let _ = Command::new("kill").arg("-TERM").arg(self.0.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("{} did not stop on SIGTERM; killing it", self.1);
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn binary(name: &str, var: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace().join("target"));
    let path = std::env::var_os(var).map(PathBuf::from).unwrap_or_else(|| target.join("debug").join(name));
    assert!(path.exists(), "{} is missing: build it first (cargo build -p {name}) or set {var}", path.display());
    path
}

/// The end-to-end tests run one at a time: each starts Xvfb, tauri-driver, WebKitWebDriver
/// and the app on ports picked free just before (two tests at once could pick the same
/// one), and three WebKit processes at once on two cores made a step time out.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Starts Xvfb on a free display and returns it with its number.
fn xvfb() -> (Killed, String) {
    let mut child = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1280x900x24", "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb is not installed (apt-get install xvfb)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let display = format!(":{}", line.trim());
    (Killed(child, "Xvfb"), display)
}

struct Ui {
    c: Client,
    shots: PathBuf,
    n: u32,
}

impl Ui {
    async fn el(&self, css: &str) -> fantoccini::elements::Element {
        match self.c.wait().at_most(Duration::from_secs(30)).for_element(Locator::Css(css)).await {
            Ok(e) => e,
            Err(e) => self.fail(&format!("no element {css}: {e}")).await,
        }
    }

    /// Saves what the window shows, then fails with the page's text.
    async fn fail(&self, why: &str) -> ! {
        if let Ok(png) = self.c.screenshot().await {
            let _ = std::fs::write(self.shots.join("FAILED.png"), png);
        }
        let text = match self.c.find(Locator::Css("body")).await {
            Ok(b) => b.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        panic!("{why}\nthe window shows (screenshot FAILED.png):\n{text}");
    }

    async fn fill(&self, css: &str, text: &str) {
        let e = self.el(css).await;
        e.clear().await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    /// Sets an input's value as typing would end (one input event), whatever it held: for
    /// inputs the UI keeps in its state, where clearing first is not seen.
    async fn set_value(&self, id: &str, value: &str) {
        let js = "const e = document.getElementById(arguments[0]); e.value = arguments[1];
                  e.dispatchEvent(new Event('input', { bubbles: true }));";
        self.c.execute(js, vec![id.into(), value.into()]).await.unwrap();
    }

    async fn click(&self, css: &str) {
        self.el(css).await.click().await.unwrap();
    }

    async fn text(&self, css: &str) -> String {
        self.el(css).await.text().await.unwrap()
    }

    /// Waits until the element's text contains `needle`.
    async fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(e) = self.c.find(Locator::Css(css)).await {
                if let Ok(t) = e.text().await {
                    if t.contains(needle) {
                        return t;
                    }
                }
            }
            if Instant::now() > deadline {
                self.fail(&format!("{css} never showed {needle:?}")).await;
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// Waits until the input's value is `expected`.
    async fn wait_value(&self, css: &str, expected: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let value = self.el(css).await.prop("value").await.unwrap().unwrap_or_default();
            if value == expected {
                return;
            }
            if Instant::now() > deadline {
                self.fail(&format!("{css} holds {value:?}, not {expected:?}")).await;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn shot(&mut self, name: &str) {
        self.n += 1;
        tokio::time::sleep(Duration::from_millis(250)).await;
        let png = self.c.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(self.shots.join(format!("{:02}-{name}.png", self.n)), png).unwrap();
    }
}

fn cli(bin: &Path, vault: &Path, operator: &str, pass: &str, args: &[&str], new_pass: Option<&str>) -> String {
    let mut cmd = Command::new(bin);
    cmd.arg("--vault").arg(vault).arg("--operator").arg(operator).args(args).env("CONSENTRY_PASSPHRASE", pass);
    if let Some(p) = new_pass {
        cmd.env("CONSENTRY_NEW_PASSPHRASE", p);
    }
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "consentry {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_lock_unlock_add_purpose_see_people_withdraw_switch_language() {
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let app = binary("consentry-desktop", "CONSENTRY_DESKTOP_BIN");
    let cli_bin = binary("consentry", "CONSENTRY_CLI_BIN");
    let shots = std::env::var_os("CONSENTRY_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("tests/e2e/screenshots"));
    // Only this test's own screenshots: the other tests keep theirs in subfolders.
    std::fs::create_dir_all(&shots).unwrap();
    for f in std::fs::read_dir(&shots).unwrap().flatten() {
        if f.path().extension().is_some_and(|e| e == "png") {
            let _ = std::fs::remove_file(f.path());
        }
    }

    // This run's own data folder: the vault, and HOME/XDG folders for WebKit's storage.
    let data = tempfile::tempdir().unwrap();
    let vault = data.path().join("vault").join("consentry.db");
    let home = data.path().join("home");
    std::fs::create_dir_all(&home).unwrap();

    let (_xvfb, display) = xvfb();
    let port = free_port();
    let native = free_port();
    let driver = Command::new("tauri-driver")
        .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
        .env("DISPLAY", &display)
        .env("CONSENTRY_VAULT", &vault)
        .env("CONSENTRY_EXPORT_DIR", data.path().join("exports"))
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("LANG", "en_US.UTF-8")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tauri-driver is not on PATH (cargo install tauri-driver --locked)");
    let _driver = Killed(driver, "tauri-driver");

    let mut caps = serde_json::Map::new();
    caps.insert("tauri:options".into(), serde_json::json!({ "application": app }));
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    let c = loop {
        match ClientBuilder::rustls().unwrap().capabilities(caps.clone()).connect(&url).await {
            Ok(c) => break c,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Err(e) => panic!("could not start the app through tauri-driver: {e}"),
        }
    };
    let mut ui = Ui { c, shots, n: 0 };

    // First run: the create screen, pointing at this run's vault.
    assert!(ui.wait_text("#create-form", "Create your vault").await.contains(vault.to_str().unwrap()));
    ui.fill("#admin-name", ADMIN).await;
    ui.fill("#device-name", "E2E laptop").await;
    ui.fill("#passphrase", "short").await;
    ui.wait_text(".strength .label", "Too short").await;
    ui.fill("#passphrase", ADMIN_PASS).await;
    ui.fill("#passphrase-again", ADMIN_PASS).await;
    ui.wait_text(".strength .label", "Very strong").await;
    ui.shot("create-vault").await;
    ui.click("#create-submit").await;

    // The recovery key, shown once, confirmed by typing its last group.
    ui.el("#recovery-key").await;
    let mut groups = Vec::new();
    for span in ui.c.find_all(Locator::Css("#recovery-key span")).await.unwrap() {
        groups.push(span.text().await.unwrap());
    }
    assert_eq!(groups.len(), 8, "recovery key shown as eight groups: {groups:?}");
    assert!(groups
        .iter()
        .all(|g| g.len() == 4 && g.chars().all(|c| c.is_ascii_uppercase() || ('2'..='7').contains(&c))));
    ui.shot("recovery-key").await;
    ui.fill("#recovery-confirm", "XXXX").await;
    ui.click("#recovery-done").await;
    ui.wait_text("#error", "not the last group").await;
    ui.fill("#recovery-confirm", &groups[7].to_lowercase()).await;
    ui.click("#recovery-done").await;

    // Home: empty counts, an intact ledger.
    ui.wait_text("#ledger-status", "Intact: no consent events yet").await;
    ui.wait_text("#getting-started", "Getting started").await;
    assert_eq!(ui.text("#stat-subjects .value").await, "0");
    ui.shot("home-empty").await;
    assert!(vault.exists(), "the vault is in this run's own folder");

    // Lock, then a wrong passphrase, then unlock.
    ui.click("#lock").await;
    ui.wait_text("#unlock-form", "Unlock the vault").await;
    ui.shot("unlock").await;
    ui.fill("#operator", ADMIN).await;
    ui.fill("#unlock-passphrase", "not the passphrase").await;
    ui.click("#unlock-submit").await;
    let msg = ui.wait_text("#unlock-error", "Wrong passphrase").await;
    assert!(msg.contains("Nothing was changed"), "{msg}");
    ui.shot("wrong-passphrase").await;
    // Forgot it: the recovery key written down at creation signs in and sets a passphrase
    // (here the same one, so the rest of the run goes on with it).
    ui.click("#use-recovery-key").await;
    ui.wait_text("#recover-form", "Sign in with the recovery key").await;
    ui.fill("#recover-operator", ADMIN).await;
    ui.fill("#recover-key", &groups.join("-")).await;
    ui.fill("#recover-passphrase", ADMIN_PASS).await;
    ui.shot("recover").await;
    ui.click("#recover-submit").await;
    ui.wait_text("#who", ADMIN).await;
    ui.click("#lock").await;
    ui.wait_text("#unlock-form", "Unlock the vault").await;
    ui.fill("#operator", ADMIN).await;
    ui.fill("#unlock-passphrase", ADMIN_PASS).await;
    ui.click("#unlock-submit").await;
    ui.wait_text("#who", ADMIN).await;

    // Purposes: the empty state, a bad code named, then a purpose listed.
    ui.click("#nav-catalogue").await;
    ui.wait_text("#purposes-empty", "No purposes yet").await;
    ui.shot("catalogue-empty").await;
    ui.fill("#purpose-code", "Event Marketing").await;
    ui.fill("#purpose-zh", "活动营销").await;
    ui.fill("#purpose-en", "Event marketing").await;
    ui.fill("#purpose-dpv", "dpv:DirectMarketing").await;
    ui.click("#purpose-submit").await;
    ui.wait_text("#purpose-code-problem", "lower-case letters").await;
    ui.fill("#purpose-code", "event_marketing").await;
    ui.click("#purpose-submit").await;
    ui.wait_text("#purposes", "event_marketing").await;
    ui.fill("#category-code", "face").await;
    ui.fill("#category-zh", "人脸图像").await;
    ui.fill("#category-en", "Face image").await;
    ui.el("#category-sensitive").await.select_by_value("biometric").await.unwrap();
    ui.click("#category-submit").await;
    ui.wait_text("#categories", "Biometric").await;
    ui.shot("catalogue").await;

    // Colleagues, added in the app; then a notice and two people recorded through the CLI
    // while the app holds the vault open.
    ui.click("#nav-operators").await;
    // A passphrase too short is said under its field, before anything is sent.
    ui.fill("#op-name", "Lena Legal").await;
    ui.fill("#op-pass", "short").await;
    ui.click("#op-submit").await;
    ui.wait_text("#op-pass-problem", "at least 10 characters").await;
    for (name, role) in [("Lena Legal", "legal"), ("Mo Marketer", "marketer")] {
        ui.fill("#op-name", name).await;
        ui.el("#op-role").await.select_by_value(role).await.unwrap();
        ui.fill("#op-pass", &format!("{role} passphrase 1")).await;
        ui.click("#op-submit").await;
        ui.wait_text("#operator-list", name).await;
    }
    ui.shot("operators").await;
    // Rotating the keys from the app: the CLI below opens the vault with the new key.
    ui.c.execute("window.confirm = () => true", vec![]).await.unwrap();
    ui.click("#rotate-keys").await;
    ui.wait_text("#operators", "Keys rotated").await;
    ui.shot("keys-rotated").await;
    let notice = data.path().join("notice.txt");
    std::fs::write(&notice, "我们将使用您的邮箱发送展会营销信息。").unwrap();
    let reg = cli(
        &cli_bin,
        &vault,
        "Lena Legal",
        "legal passphrase 1",
        &["--json", "notice", "register", "--file", notice.to_str().unwrap(), "--language", "zh-CN", "--title", "展会"],
        None,
    );
    let hash = serde_json::from_str::<serde_json::Value>(&reg).unwrap()["hash"].as_str().unwrap().to_string();
    for (name, email) in [("张伟", "zhang.wei@example.com"), ("Jane Doe", "jane@example.org")] {
        cli(
            &cli_bin,
            &vault,
            "Mo Marketer",
            "marketer passphrase 1",
            &[
                "grant",
                "--purpose",
                "event_marketing",
                "--notice",
                &hash,
                "--name",
                name,
                "--email",
                email,
                "--method",
                "kiosk",
            ],
            None,
        );
    }
    cli(
        &cli_bin,
        &vault,
        "Mo Marketer",
        "marketer passphrase 1",
        &["withdraw", "--email", "jane@example.org", "--all", "--channel", "email"],
        None,
    );

    // People: masked, searchable while typing, with status and history.
    ui.click("#nav-subjects").await;
    let list = ui.wait_text("#subject-results", "z***@example.com").await;
    assert!(!list.contains("zhang.wei@example.com"), "masked on screen: {list}");
    ui.shot("people").await;
    ui.fill("#subject-search", "jane").await;
    ui.wait_text("#subject-results", "j***@example.org").await;
    // What told this row apart: the query matched the name; when and how it was last recorded.
    ui.wait_text("#subject-results", "name starts “jane”").await;
    assert_eq!(ui.c.find_all(Locator::Css("#subject-results tbody tr")).await.unwrap().len(), 1);
    assert_ne!(ui.text("#subject-results .last-seen").await.trim(), "—");
    ui.click("#subject-results tbody tr button").await;
    ui.wait_text("#subject-status", "withdrawn").await;
    ui.wait_text("#subject-history", "Withdrew").await;
    // The person on the phone gives an address: checked against this record, nothing shown.
    ui.fill("#confirm-typed", "someone.else@example.org").await;
    ui.click("#confirm-check").await;
    ui.wait_text("#confirm-answer", "No").await;
    ui.fill("#confirm-typed", "Jane@Example.org").await;
    ui.click("#confirm-check").await;
    ui.wait_text("#confirm-answer", "Yes").await;
    ui.shot("person-detail").await;

    // Home counts follow.
    ui.click("#nav-home").await;
    ui.wait_text("#stat-subjects .value", "2").await;
    ui.wait_text("#stat-active", "1").await;
    ui.wait_text("#ledger-status", "3 consent events").await;
    // Coming back, verify checked only what was added since the one after unlock; "Verify
    // everything" walks every chain again.
    ui.wait_text("#ledger-status", "added since the verify of").await;
    ui.wait_text("#verify-last-full", "Last full walk").await;
    ui.shot("home").await;
    ui.click("#verify-full").await;
    ui.wait_text("#ledger-status", "3 consent events on 1 device chain(s)").await;

    // Withdraw one purpose from the person's screen: the status changes at once, with a receipt.
    ui.click("#nav-subjects").await;
    ui.fill("#subject-search", "张").await;
    ui.wait_text("#subject-results", "z***@example.com").await;
    ui.click("#subject-results tbody tr button").await;
    ui.wait_text("#status-event_marketing", "granted").await;
    // The purpose by its name, the code beside it.
    ui.wait_text("#status-event_marketing", "Event marketing").await;
    ui.el("#withdraw-channel").await.select_by_value("phone").await.unwrap();
    ui.fill("#withdraw-note", "call 12").await;
    ui.shot("person-before-withdrawal").await;
    ui.click("#withdraw-event_marketing").await;
    ui.wait_text("#status-event_marketing", "withdrawn").await;
    ui.wait_text("#subject-history", "Withdrew").await;
    let receipt = ui.text("#withdraw-receipt").await;
    assert_eq!(receipt.len(), 10, "a short receipt id: {receipt}");
    ui.wait_text("#withdraw-none", "Nothing to withdraw").await;
    ui.shot("person-withdrawn").await;
    ui.click("#save-receipt").await;
    ui.wait_text("#subject-detail", "Saved to").await;
    let exports = data.path().join("exports");
    let saved: Vec<String> =
        std::fs::read_dir(&exports).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(saved.iter().any(|n| n.contains(&receipt) && n.ends_with(".html")), "{saved:?}");

    // An administrator may reveal the person; the screen says it is audited.
    ui.wait_text("#reveal-card", "audit log").await;
    ui.click("#reveal").await;
    ui.wait_text("#subject-contact", "zhang.wei@example.com").await;
    ui.shot("person-revealed").await;

    // Exports & rights: the suppression list, saved by the app to the export folder.
    ui.click("#nav-rights").await;
    ui.wait_text("#rights", "Suppression list").await;
    ui.click("#suppression-save").await;
    ui.wait_text("#suppression-card", "Saved to").await;
    ui.wait_text("#due-empty", "Nothing is due").await;
    ui.shot("rights").await;
    let suppression = std::fs::read_dir(&exports)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("suppression"))
        .expect("the suppression list was saved");
    let text = std::fs::read_to_string(suppression).unwrap();
    // For Excel by default: a byte-order mark, then the hashed list.
    assert!(
        text.starts_with("\u{feff}subject_id,email_sha256") && !text.contains("@example"),
        "hashed by default: {text}"
    );
    assert!(ui.el("#suppression-excel").await.is_selected().await.unwrap(), "the Excel option is on for CSV");

    // The audit log in the app: newest first, filtered by action, with the withdrawal above.
    ui.click("#nav-audit").await;
    ui.wait_text("#audit-list", "consent.withdraw").await;
    ui.el("#audit-action").await.select_by_value("operator.").await.unwrap();
    // The list follows the filter shortly after it changes.
    let mut rows = String::new();
    for _ in 0..50 {
        rows = ui.text("#audit-list tbody").await;
        if !rows.contains("consent.withdraw") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(rows.contains("operator.add") && !rows.contains("consent.withdraw"), "filtered by action: {rows}");
    ui.shot("audit-log").await;

    ui.click("#nav-settings").await;
    ui.wait_text("#settings", "Lock after inactivity").await;
    ui.shot("settings").await;

    // Switch language at run time: Chinese everywhere.
    ui.click("#switch-language").await;
    ui.wait_text("#nav-home", "首页").await;
    ui.wait_text("#settings", "无操作自动锁定").await;
    ui.shot("settings-zh").await;
    ui.click("#nav-home").await;
    ui.wait_text("#ledger-status", "完整").await;
    ui.shot("home-zh").await;
    ui.click("#nav-catalogue").await;
    ui.wait_text("#catalogue", "处理目的").await;
    ui.wait_text("#categories", "生物识别").await;
    ui.shot("catalogue-zh").await;
    ui.click("#nav-rights").await;
    ui.wait_text("#rights", "屏蔽名单").await;
    ui.wait_text("#retention-card", "保存期限").await;
    ui.shot("rights-zh").await;
    ui.click("#nav-subjects").await;
    ui.click("#subject-results tbody tr button").await;
    ui.wait_text("#withdraw-card", "撤回同意").await;
    ui.shot("person-zh").await;
    ui.click("#lock").await;
    ui.wait_text("#unlock-form", "解锁保险库").await;
    ui.shot("unlock-zh").await;

    ui.c.close().await.unwrap();
    // The default vault location was never touched.
    assert!(!home.join(".local/share/consentry/consentry.db").exists());
}

/// A vault made through the CLI: the admin and these operators (passphrase "<role> passphrase 1").
fn vault_with_operators(cli_bin: &Path, vault: &Path, device: &str, team: &[(&str, &str)]) {
    let init = Command::new(cli_bin)
        .args(["--vault", vault.to_str().unwrap(), "init", "--admin", ADMIN, "--device", device])
        .env("CONSENTRY_NEW_PASSPHRASE", ADMIN_PASS)
        .env("CONSENTRY_PASSPHRASE", ADMIN_PASS)
        .output()
        .unwrap();
    assert!(init.status.success(), "init: {}", String::from_utf8_lossy(&init.stderr));
    for (name, role) in team {
        cli(
            cli_bin,
            vault,
            ADMIN,
            ADMIN_PASS,
            &["operator", "add", name, "--role", role],
            Some(&format!("{role} passphrase 1")),
        );
    }
}

/// A vault made through the CLI: the admin, these operators (passphrase "<role> passphrase 1")
/// and the example catalogue (examples/catalogue.sh, run as the first legal operator).
/// Lena and Liu (legal) install the starter templates, set the example profile, and write,
/// submit and approve the notice `ts` v1 through the CLI.
fn approve_trade_show_notice(cli_bin: &Path, vault: &Path) {
    let legal = |who: &str, args: &[&str]| cli(cli_bin, vault, who, "legal passphrase 1", args, None);
    legal("Lena Legal", &["notice", "template", "install-starter"]);
    let profile = workspace().join("examples/trade-show-2026.profile.json");
    legal("Lena Legal", &["notice", "profile", "set", profile.to_str().unwrap()]);
    let title = ["--title-zh", "展会同意书", "--title-en", "Trade show consent"];
    let source = ["--profile", "trade-show-2026", "--template", "event_consent"];
    legal("Lena Legal", &[&["notice", "new", "ts"][..], &title, &source].concat());
    legal("Lena Legal", &["notice", "submit", "ts"]);
    legal("Liu Legal", &["notice", "approve", "ts"]);
}

fn vault_with_team(cli_bin: &Path, vault: &Path, team: &[(&str, &str)]) {
    vault_with_operators(cli_bin, vault, "Stand A tablet", team);
    let catalogue = Command::new("bash")
        .arg(workspace().join("examples/catalogue.sh"))
        .env("CONSENTRY", cli_bin)
        .env("CONSENTRY_VAULT", vault)
        .env("CONSENTRY_OPERATOR", "Lena Legal")
        .env("CONSENTRY_PASSPHRASE", "legal passphrase 1")
        .output()
        .unwrap();
    assert!(catalogue.status.success(), "catalogue: {}", String::from_utf8_lossy(&catalogue.stderr));
}

/// The app, started through tauri-driver on its own display with its own data folder.
struct Launched {
    ui: Ui,
    _driver: Killed,
    _xvfb: Killed,
}

async fn launch(vault: &Path, home: &Path, shots: PathBuf) -> Launched {
    let app = binary("consentry-desktop", "CONSENTRY_DESKTOP_BIN");
    let (xvfb, display) = xvfb();
    let mut caps = serde_json::Map::new();
    caps.insert("tauri:options".into(), serde_json::json!({ "application": app }));
    // tauri-driver now and then never answers on a busy 2-core machine (a port taken between
    // choosing and binding, or WebKitWebDriver slow to start): start it afresh, on new ports,
    // up to three times before giving up.
    let mut last = String::new();
    for _attempt in 0..3 {
        let port = free_port();
        let native = free_port();
        let driver = Command::new("tauri-driver")
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .env("DISPLAY", &display)
            .env("CONSENTRY_VAULT", vault)
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("LANG", "en_US.UTF-8")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tauri-driver is not on PATH (cargo install tauri-driver --locked)");
        let driver = Killed(driver, "tauri-driver");
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match ClientBuilder::rustls().unwrap().capabilities(caps.clone()).connect(&url).await {
                Ok(c) => return Launched { ui: Ui { c, shots, n: 0 }, _driver: driver, _xvfb: xvfb },
                Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(300)).await,
                Err(e) => {
                    last = e.to_string();
                    break;
                }
            }
        }
    }
    panic!("could not start the app through tauri-driver, three times: {last}");
}

impl Ui {
    async fn unlock_as(&self, name: &str, pass: &str) {
        self.wait_text("#unlock-form", "Unlock").await;
        self.fill("#operator", name).await;
        self.fill("#unlock-passphrase", pass).await;
        self.click("#unlock-submit").await;
        self.wait_text("#who", name).await;
    }

    /// The id of the focused element.
    async fn focused_id(&self) -> String {
        let v = self.c.execute("return document.activeElement ? document.activeElement.id : ''", vec![]).await.unwrap();
        v.as_str().unwrap_or_default().to_string()
    }
}

/// Issue 4 end to end: legal drafts from a profile, the lint shows an error and jumps to
/// the field, the fix clears it, the draft is submitted, the author cannot approve, a second
/// legal operator approves and the frozen version's hashes are shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notice_draft_lint_fix_submit_second_operator_approves() {
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let cli_bin = binary("consentry", "CONSENTRY_CLI_BIN");
    let shots = std::env::var_os("CONSENTRY_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("tests/e2e/screenshots"))
        .join("notices");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let data = tempfile::tempdir().unwrap();
    let vault = data.path().join("vault").join("consentry.db");
    let home = data.path().join("home");
    std::fs::create_dir_all(&home).unwrap();

    // A vault with an admin, two legal operators and the example catalogue, through the CLI.
    vault_with_team(&cli_bin, &vault, &[("Lena Legal", "legal"), ("Liu Legal", "legal")]);

    // Exports go to the XDG Downloads folder of this run's home.
    std::fs::create_dir_all(home.join(".config")).unwrap();
    std::fs::write(home.join(".config/user-dirs.dirs"), "XDG_DOWNLOAD_DIR=\"$HOME/Downloads\"\n").unwrap();
    let mut app = launch(&vault, &home, shots).await;
    let ui = &mut app.ui;
    ui.unlock_as("Lena Legal", "legal passphrase 1").await;
    ui.click("#nav-notices").await;

    // Empty library: install the starter library from the empty state.
    ui.wait_text("#templates-empty", "starter library").await;
    ui.shot("notices-empty").await;
    ui.click("#install-starter").await;
    ui.wait_text("#notices", "Starter library installed (11 templates written)").await;

    // A profile from the example; blank the controller's contact: the lint shows the error.
    ui.click("#tab-profile").await;
    ui.click("#start-example").await;
    ui.wait_text("#lint", "No findings").await;
    ui.wait_text("#preview", "Acme Events (Shanghai) Co., Ltd.").await;
    // At the widths legal desks have, no bilingual input is squeezed below 200 px (they stack
    // where two do not fit beside the preview).
    for size in [(1024, 768), (1280, 800)] {
        ui.c.set_window_size(size.0, size.1).await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        let narrowest = ui
            .c
            .execute(
                "return Math.min(...[...document.querySelectorAll('.bi-pair input, .bi-pair textarea')].map(e => e.getBoundingClientRect().width))",
                vec![],
            )
            .await
            .unwrap();
        let px = narrowest.as_f64().unwrap_or(0.0);
        assert!(px >= 200.0, "at {size:?} the narrowest bilingual input is {px} px");
        ui.shot_sized("profile-editor", "#profile-form", size).await;
    }
    // What each purpose uses: one row of category boxes per purpose, the example's all stated.
    let uses = ui.text("#pf-uses").await;
    assert!(uses.contains("Newsletter") && !uses.contains("not stated yet"), "{uses}");
    ui.c.execute("document.getElementById('pf-uses').scrollIntoView()", vec![]).await.unwrap();
    ui.shot("profile-uses").await;
    ui.fill("#pf-controller\\.contact", " ").await;
    let lint = ui.wait_text("#lint", "does not give the controller's contact details").await;
    assert!(lint.contains("PIPL Art. 17(1)(1)"), "the finding names the article: {lint}");
    ui.shot("profile-lint-error").await;
    // The finding jumps to the field that fixes it.
    ui.click("#lint li.error[data-rule='pipl17.controller'] button").await;
    assert_eq!(ui.focused_id().await, "pf-controller.contact");
    ui.fill("#pf-controller\\.contact", "privacy@acme-events.cn").await;
    ui.wait_text("#lint", "No findings").await;
    // A name the engine would refuse: the field says why and has the focus; nothing is saved.
    ui.set_value("pf-name", "Trade Show").await;
    ui.click("#save-profile").await;
    ui.wait_text("#pf-name-problem", "is not a usable name").await;
    assert_eq!(ui.focused_id().await, "pf-name");
    ui.shot("profile-name-invalid").await;
    ui.set_value("pf-name", "trade-show-2026").await;
    assert!(ui.c.find_all(Locator::Css("#pf-name-problem")).await.unwrap().is_empty(), "typing clears it");
    // A hidden character the engine finds: its refusal marks the field it names.
    ui.set_value("pf-controller.contact", "privacy@acme-events.cn\u{200b}").await;
    ui.click("#save-profile").await;
    ui.wait_text("#pf-controller\\.contact-problem", "invisible or control character").await;
    assert_eq!(ui.focused_id().await, "pf-controller.contact");
    ui.set_value("pf-controller.contact", "privacy@acme-events.cn").await;
    ui.wait_text("#lint", "No findings").await;
    ui.click("#save-profile").await;
    ui.wait_text("#profile-form", "Saved profile trade-show-2026, revision 1").await;
    ui.shot("profile-clean").await;

    // Create the notice; its first version is a draft.
    ui.fill("#notice-name", "trade-show-2026").await;
    ui.fill("#notice-title-zh", "2026 展会个人信息处理规则").await;
    ui.fill("#notice-title-en", "Trade show 2026 privacy notice").await;
    ui.click("#create-notice-button").await;
    ui.wait_text("#version-state", "Draft").await;
    ui.wait_text("#version-text", "privacy@acme-events.cn").await;
    ui.shot("version-draft").await;
    ui.fill("#review-comment", "Ready for review.").await;
    ui.click("#submit-review").await;
    ui.wait_text("#version-state", "In review").await;
    // The author cannot approve: no approve button, and the reason is shown.
    ui.wait_text("#own-version", "another legal operator must approve it").await;
    assert!(ui.c.find(Locator::Css("#approve")).await.is_err(), "the author is offered no approve button");
    ui.shot("version-in-review-author").await;
    ui.click("#lock").await;

    // A second legal operator approves; the frozen version's hashes are shown.
    ui.unlock_as("Liu Legal", "legal passphrase 1").await;
    ui.click("#nav-notices").await;
    ui.wait_text("#version-state", "In review").await;
    // In review it is locked for editing, but not yet frozen.
    ui.wait_text("#in-review-locked", "cannot be edited").await;
    assert!(ui.c.find(Locator::Css("#frozen")).await.is_err(), "a version in review is not called frozen");
    ui.fill("#review-comment", "Approved for the Shanghai show.").await;
    // Approving freezes the wording, so it is asked again; cancelling changes nothing.
    ui.click("#approve").await;
    ui.wait_text("#confirm-step", "Approve version 1?").await;
    ui.click("#confirm-no").await;
    assert!(ui.c.find(Locator::Css("#confirm-step")).await.is_err(), "cancel closes the question");
    assert_eq!(ui.text("#version-state").await, "In review");
    ui.click("#approve").await;
    ui.wait_text("#confirm-step", "frozen").await;
    ui.shot("version-approve-confirm").await;
    ui.click("#confirm-yes").await;
    ui.wait_text("#version-state", "Approved").await;
    ui.wait_text("#approved-by", "Liu Legal").await;
    ui.wait_text("#version", "frozen").await;
    let hash_zh = ui.text("#hash-zh").await;
    let hash_en = ui.text("#hash-en").await;
    for h in [&hash_zh, &hash_en] {
        assert!(h.len() == 64 && h.chars().all(|c| c.is_ascii_hexdigit()), "a SHA-256 is shown: {h}");
    }
    ui.wait_text("#history", "approved").await;
    // The review history uses the app's time format (date, time and the UTC offset).
    let history = ui.text("#history").await;
    assert!(history.contains(" UTC"), "{history}");
    ui.wait_text("#frozen", "frozen").await;
    ui.shot("version-approved").await;

    // The hashes shown are the ones the vault registered for consent events.
    ui.click("#export-html").await;
    let saved = ui.wait_text("#version", "Saved to").await;
    let listed = cli(
        &cli_bin,
        &vault,
        "Liu Legal",
        "legal passphrase 1",
        &["--json", "notice", "versions", "trade-show-2026"],
        None,
    );
    let v: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(v["state"], "approved");
    assert_eq!(v["hash_zh"], hash_zh.as_str());
    assert_eq!(v["hash_en"], hash_en.as_str());
    let folder = home.join("Downloads");
    assert!(saved.contains(folder.to_str().unwrap()), "{saved}");
    let packet = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|f| f.path())
        .find(|p| {
            p.to_string_lossy().contains("review-trade-show-2026-v1") && p.extension().is_some_and(|e| e == "html")
        })
        .expect("the packet is in Downloads");
    let html = std::fs::read_to_string(&packet).unwrap();
    assert!(html.contains(&hash_zh) && html.contains(&hash_en) && !html.contains("<script"));

    // A wider profile (one more recipient), then version 2: the diff flags fresh consent.
    let mut profile: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace().join("examples/trade-show-2026.profile.json")).unwrap(),
    )
    .unwrap();
    let mut second = profile["recipients"][0].clone();
    second["name"] = serde_json::json!({"zh": "星河数据分析有限公司", "en": "Galaxy Analytics Ltd."});
    profile["recipients"].as_array_mut().unwrap().push(second);
    let wider = data.path().join("wider.json");
    std::fs::write(&wider, serde_json::to_string_pretty(&profile).unwrap()).unwrap();
    cli(
        &cli_bin,
        &vault,
        "Liu Legal",
        "legal passphrase 1",
        &["notice", "profile", "set", wider.to_str().unwrap()],
        None,
    );
    ui.click("#new-version").await;
    ui.wait_text("#version-state", "Draft").await;
    ui.wait_text("#version-text", "Galaxy Analytics Ltd.").await;
    ui.el("#compare").await.select_by_value("1").await.unwrap();
    let diff = ui.wait_text("#diff-view", "Needs fresh consent").await;
    assert!(diff.contains("Recipient added: Galaxy Analytics Ltd."), "{diff}");
    let inserted = ui.text("#diff-view .diff-text[lang='en'] ins").await;
    assert!(inserted.contains("Galaxy"), "the new wording is marked as inserted: {inserted}");
    // The diff reads as the notice reads (no Markdown marks); the source is one tick away.
    let reading = ui.text("#diff-view .diff-text[lang='en']").await;
    assert!(!reading.contains("**") && !reading.contains("\n## "), "{reading}");
    ui.click("#diff-source").await;
    ui.el("#diff-view .diff-text.source").await;
    ui.click("#diff-source").await;
    ui.el("#diff-view").await.click().await.unwrap();
    ui.c.execute("document.getElementById('diff').scrollIntoView()", vec![]).await.unwrap();
    ui.shot("diff-fresh-consent").await;

    // The clause form: legal takes the retention period out of the retention clause's list
    // item, and the lint follows (the section no longer states it); putting it back clears it.
    ui.click("#tab-library").await;
    ui.el("#template-pick").await.select_by_value("retention").await.unwrap();
    ui.el("#template-lint").await;
    ui.click("#edit-form").await;
    ui.wait_value("#piece-2-en", "{{ r.applies_to_name }}: {{ r.period }}").await;
    let marks = ui.text("#piece-0").await;
    assert!(marks.contains("#retention"), "the heading's section marks are boxes: {marks}");
    ui.set_value("piece-2-en", "{{ r.applies_to_name }}").await;
    let lint = ui.wait_text("#template-lint", "does not state the retention period").await;
    assert!(lint.contains("PIPL Art. 17(1)(2)"), "{lint}");
    ui.shot("clause-form-lint").await;
    ui.set_value("piece-2-en", "{{ r.applies_to_name }}: {{ r.period }}").await;
    let mut cleared = false;
    for _ in 0..50 {
        if !ui.text("#template-lint").await.contains("retention period") {
            cleared = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(cleared, "the lint follows the form back");
    // The source editor numbers its lines and marks the one a template error cites.
    ui.click("#edit-source").await;
    let source = ui.c.execute("return document.getElementById('source-en').value", vec![]).await.unwrap();
    let broken = source.as_str().unwrap().replace("{{ r.period }}", "{{ r.period ");
    let line = broken.lines().position(|l| l.contains("{{ r.period ")).unwrap() + 1;
    ui.set_value("source-en", &broken).await;
    let error = ui.wait_text("#template-error", "cannot be rendered").await;
    // The line the error cites (the parser notices the unclosed value on the next line).
    let cited: usize = error.split("line ").nth(1).and_then(|r| r.split(')').next()).unwrap().parse().unwrap();
    assert!(cited == line || cited == line + 1, "{error} (broken line {line})");
    let marked = ui.wait_text("label[for='source-en']", "error on line").await;
    assert!(marked.contains(&format!("line {cited}")), "{marked}");
    assert_eq!(ui.text(".code-area .gutter .bad").await, cited.to_string());
    ui.shot("template-error-line").await;
    ui.set_value("source-en", source.as_str().unwrap()).await;
    ui.wait_text("#template-lint", "").await;

    // Legal opens the audit log: the review steps are there, newest first.
    ui.click("#nav-audit").await;
    let log = ui.wait_text("#audit-list", "notice.approve").await;
    assert!(log.contains("notice.submit") && log.contains("Liu Legal"), "{log}");
    assert!(log.find("notice.approve") < log.find("notice.submit"), "newest first: {log}");
    ui.shot("audit-log-legal").await;
    ui.click("#nav-notices").await;
    ui.click("#tab-versions").await;

    // The workspace in Chinese.
    ui.click("#switch-language").await;
    ui.el("#version-pick").await.select_by_value("1").await.unwrap();
    ui.wait_text("#version-state", "已批准").await;
    ui.click("#tab-profile").await;
    ui.wait_text("#lint", "未发现问题").await;
    // The profile screen checks with the template of the notice open in Versions.
    ui.wait_text("#preview-drafting", "已使用通知").await;
    ui.shot("profile-zh").await;
    ui.click("#lock").await;
    ui.c.clone().close().await.unwrap();
}

/// Issue 5 end to end: a marketer creates an event and starts its kiosk; in the kiosk window
/// a person reads the notice, fills in their details from a badge, ticks two boxes, submits
/// and gets a receipt; the form is empty again; the kiosk window is refused a non-capture
/// command; leaving asks for a passphrase.
/// A Chinese visitor who says they are under 14 cannot consent alone: the kiosk, in Chinese,
/// refuses until a parent or guardian gives their name and confirms; then the receipt records
/// the guardian's consent. The Chinese kiosk at the three tablet sizes, looked at.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_child_under_14_needs_a_guardian_in_chinese() {
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let cli_bin = binary("consentry", "CONSENTRY_CLI_BIN");
    let shots = std::env::var_os("CONSENTRY_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("tests/e2e/screenshots"))
        .join("kiosk-zh");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let data = tempfile::tempdir().unwrap();
    let vault = data.path().join("vault").join("consentry.db");
    let home = data.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    vault_with_team(&cli_bin, &vault, &[("Lena Legal", "legal"), ("Liu Legal", "legal"), ("Mo Marketer", "marketer")]);

    // A notice with children under 14 in scope, approved, shown at an event in Chinese first.
    let legal = |who: &str, args: &[&str]| cli(&cli_bin, &vault, who, "legal passphrase 1", args, None);
    legal("Lena Legal", &["notice", "template", "install-starter"]);
    let mut profile: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(workspace().join("examples/trade-show-2026.profile.json")).unwrap(),
    )
    .unwrap();
    profile["name"] = "trade-show-kids".into();
    profile["minors"] = serde_json::json!({
        "in_scope": true,
        "rules": {
            "zh": "我们仅在取得儿童父母或者其他监护人同意后处理不满十四周岁儿童的个人信息，仅用于活动后续联系，并在活动结束后90日内删除。",
            "en": "We process the details of a child under 14 only with the consent of a parent or guardian, use them only to follow up after the event, and delete them within 90 days after the event."
        }
    });
    let file = data.path().join("kids.profile.json");
    std::fs::write(&file, serde_json::to_string_pretty(&profile).unwrap()).unwrap();
    legal("Lena Legal", &["notice", "profile", "set", file.to_str().unwrap()]);
    let title = ["--title-zh", "展会个人信息告知书", "--title-en", "Trade show privacy notice"];
    legal(
        "Lena Legal",
        &[&["notice", "new", "kids"][..], &title, &["--profile", "trade-show-kids", "--template", "pipl_notice"]]
            .concat(),
    );
    legal("Lena Legal", &["notice", "submit", "kids"]);
    legal("Liu Legal", &["notice", "approve", "kids"]);
    let today = Command::new("date").arg("+%Y-%m-%d").output().unwrap();
    let today = String::from_utf8(today.stdout).unwrap().trim().to_string();
    let event: serde_json::Value = serde_json::from_str(&cli(
        &cli_bin,
        &vault,
        "Mo Marketer",
        "marketer passphrase 1",
        &[
            "--json",
            "event",
            "create",
            "--name",
            "少儿科技展 2026",
            "--venue",
            "上海展览中心",
            "--from",
            &today,
            "--to",
            &today,
            "--notice",
            "kids",
            "--device",
            "Stand B tablet",
        ],
        None,
    ))
    .unwrap();
    assert_eq!(event["languages"][0], "zh-CN");

    let mut app = launch(&vault, &home, shots).await;
    let ui = &mut app.ui;
    ui.unlock_as("Mo Marketer", "marketer passphrase 1").await;
    ui.click("#nav-events").await;
    ui.wait_text("#event-list", "少儿科技展 2026").await;
    let main_window = ui.c.window().await.unwrap();
    ui.click("#event-list .start-kiosk").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let kiosk = loop {
        let handles = ui.c.windows().await.unwrap();
        if let Some(h) = handles.into_iter().find(|h| *h != main_window) {
            break h;
        }
        assert!(Instant::now() < deadline, "no kiosk window opened");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    ui.c.switch_to_window(kiosk).await.unwrap();
    ui.wait_text("#kiosk-notice", "展会个人信息告知书").await;
    for size in [(1280, 800), (1024, 768), (768, 1024)] {
        ui.shot_sized("kiosk-form-zh", "#kiosk", size).await;
    }

    // Under 14 without a guardian: refused in Chinese, at the guardian's field, nothing sent.
    ui.fill("#person-name", "王小明").await;
    ui.fill("#person-email", "xiaoming.wang@example.cn").await;
    ui.click("#under-14").await;
    // The guardian path says whose details these are and whose choices.
    ui.wait_text("#guardian-explain", "是儿童的").await;
    ui.click("#capture-submit").await;
    let refusal = ui.wait_text("#kiosk", "请填写父母或其他监护人的姓名").await;
    assert!(!refusal.contains("Please give"), "the refusal is in the visitor's language");
    assert_eq!(ui.focused_id().await, "guardian-name", "focus moves to what is missing");
    assert!(ui.c.find_all(Locator::Css("#receipt-id")).await.unwrap().is_empty(), "nothing was recorded");
    ui.shot("kiosk-under-14-refused-zh").await;
    ui.shot_sized("kiosk-under-14-refused-zh", "#kiosk", (768, 1024)).await;

    // The parent gives their name and confirms: the receipt comes, as the guardian's consent.
    ui.fill("#guardian-name", "王大明").await;
    ui.click("#guardian-confirm").await;
    ui.click("#capture-submit").await;
    let receipt_id = ui.wait_text("#receipt-id", "").await;
    assert_eq!(receipt_id.trim().len(), 10);
    ui.wait_text("#receipt-by-guardian", "监护人同意").await;
    ui.shot("kiosk-guardian-receipt-zh").await;
    let status = cli(
        &cli_bin,
        &vault,
        "Mo Marketer",
        "marketer passphrase 1",
        &["--json", "history", "--email", "xiaoming.wang@example.cn"],
        None,
    );
    assert!(status.contains("\"kiosk\""), "recorded at the kiosk: {status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kiosk_event_capture_receipt_reset_and_exit() {
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let cli_bin = binary("consentry", "CONSENTRY_CLI_BIN");
    let shots = std::env::var_os("CONSENTRY_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("tests/e2e/screenshots"))
        .join("kiosk");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let data = tempfile::tempdir().unwrap();
    let vault = data.path().join("vault").join("consentry.db");
    let home = data.path().join("home");
    std::fs::create_dir_all(&home).unwrap();

    // An approved notice and a marketer, through the CLI.
    vault_with_team(&cli_bin, &vault, &[("Lena Legal", "legal"), ("Liu Legal", "legal"), ("Mo Marketer", "marketer")]);
    approve_trade_show_notice(&cli_bin, &vault);

    let mut app = launch(&vault, &home, shots).await;
    let ui = &mut app.ui;
    ui.unlock_as("Mo Marketer", "marketer passphrase 1").await;
    ui.click("#nav-events").await;
    ui.wait_text("#events-empty", "No events yet").await;
    // Nothing filled in and an idle time out of range: each field says why, focus on the first.
    ui.c.execute(
        "const e = document.querySelector('#ev-idle'); e.value = '5'; e.dispatchEvent(new Event('input', {bubbles: true}));",
        vec![],
    )
    .await
    .unwrap();
    ui.click("#create-event").await;
    ui.wait_text("#ev-name-problem", "Give the event a name").await;
    ui.wait_text("#ev-idle-problem", "from 15 to 600").await;
    let focused = ui.c.execute("return document.activeElement.id", vec![]).await.unwrap();
    assert_eq!(focused.as_str(), Some("ev-name"));
    ui.shot("new-event-invalid").await;
    ui.fill("#ev-name", "Shanghai Auto Show 2026").await;
    assert!(ui.c.find_all(Locator::Css("#ev-name-problem")).await.unwrap().is_empty(), "typing clears it");
    ui.fill("#ev-venue", "NECC Hall 5").await;
    for (id, date) in [("#ev-from", "2026-12-01"), ("#ev-to", "2026-12-03")] {
        let js = format!("const e = document.querySelector('{id}'); e.value = '{date}'; e.dispatchEvent(new Event('input', {{bubbles: true}}));");
        ui.c.execute(&js, vec![]).await.unwrap();
    }
    ui.fill("#ev-device", "Stand A tablet").await;
    // A short idle time, so that "Are you still there?" can be seen below.
    ui.c.execute(
        "const e = document.querySelector('#ev-idle'); e.value = '20'; e.dispatchEvent(new Event('input', {bubbles: true}));",
        vec![],
    )
    .await
    .unwrap();
    ui.click("#ev-signature").await;
    ui.shot("new-event").await;
    ui.click("#create-event").await;
    ui.wait_text("#event-list", "Shanghai Auto Show 2026").await;
    ui.shot("events").await;
    let main_window = ui.c.window().await.unwrap();
    ui.click("#event-list .start-kiosk").await;

    // The kiosk window: find it and drive it.
    let deadline = Instant::now() + Duration::from_secs(20);
    let kiosk = loop {
        let handles = ui.c.windows().await.unwrap();
        if let Some(h) = handles.into_iter().find(|h| *h != main_window) {
            break h;
        }
        assert!(Instant::now() < deadline, "no kiosk window opened");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    ui.c.switch_to_window(kiosk.clone()).await.unwrap();
    ui.wait_text("#kiosk", "Shanghai Auto Show 2026").await;
    ui.wait_text("#kiosk-notice", "展会同意书").await;
    ui.click("#kiosk-lang-en").await;
    ui.wait_text("#kiosk-notice", "Trade show consent").await;

    // The kiosk window may call only the capture commands.
    let denied =
        ui.c.execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('search_subjects', { query: '' })
               .then(r => done('allowed: ' + JSON.stringify(r)), e => done('denied: ' + String(e)));",
            vec![],
        )
        .await
        .unwrap();
    let denied = denied.as_str().unwrap_or_default().to_string();
    assert!(denied.starts_with("denied: ") && denied.contains("not allowed"), "search from the kiosk: {denied}");

    // The hidden main window behind the kiosk calls nothing at all while it runs.
    ui.c.switch_to_window(main_window.clone()).await.unwrap();
    let behind =
        ui.c.execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('home')
               .then(r => done('allowed: ' + JSON.stringify(r)), e => done('denied: ' + JSON.stringify(e)));",
            vec![],
        )
        .await
        .unwrap();
    let behind = behind.as_str().unwrap_or_default().to_string();
    assert!(
        behind.starts_with("denied: ") && behind.contains("kiosk is running"),
        "home from the hidden main window: {behind}"
    );
    // And no window leaves the app's own pages, another local address included: a page served
    // here, on this machine, does not load.
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in server.incoming().take(4).flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 2048];
            let _ = stream.read(&mut buf);
            let body = "<html><body id='elsewhere'>not the app</body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            );
        }
    });
    ui.c.execute(&format!("location.href = 'http://127.0.0.1:{port}/'"), vec![]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let at = ui.c.execute("return location.href", vec![]).await.unwrap();
    assert!(at.as_str().unwrap_or_default().starts_with("tauri://localhost"), "the main window went to {at}");
    ui.c.switch_to_window(kiosk.clone()).await.unwrap();

    // Nothing is pre-ticked.
    let ticked = ui
        .c
        .execute("return Array.from(document.querySelectorAll('#capture-form input[type=checkbox]')).filter(b => b.checked).length", vec![])
        .await
        .unwrap();
    assert_eq!(ticked.as_i64(), Some(0), "nothing is pre-ticked");
    ui.shot("kiosk-form").await;
    // The tablet sizes people use, landscape and portrait; and larger text.
    for size in [(1280, 800), (1024, 768), (768, 1024)] {
        ui.shot_sized("kiosk-form", "#kiosk", size).await;
    }
    ui.click("#kiosk-large").await;
    ui.shot_sized("kiosk-form-large", "#kiosk", (1024, 768)).await;
    ui.click("#kiosk-large").await;

    // Submitting with a required field empty, then with an incomplete email, says what is
    // wrong under the field and moves there (WebKitGTK shows no validation bubble).
    ui.click("#capture-submit").await;
    ui.wait_text("#person-name-problem", "Please fill in: Name").await;
    let focused = ui.c.execute("return document.activeElement.id", vec![]).await.unwrap();
    assert_eq!(focused.as_str(), Some("person-name"));
    ui.fill("#person-name", "Jane").await;
    ui.fill("#person-email", "jane@").await;
    assert!(ui.c.find_all(Locator::Css("#person-name-problem")).await.unwrap().is_empty(), "typing clears it");
    ui.click("#capture-submit").await;
    ui.wait_text("#person-email-problem", "does not look complete").await;
    ui.shot("kiosk-invalid").await;

    // A badge fills the details; two boxes ticked; submit.
    ui.fill("#badge-scan", "MECARD:N:Doe,Jane;EMAIL:jane.doe@example.org;ORG:Acme GmbH;TITLE:Buyer;;").await;
    ui.wait_text("#kiosk", "Badge read").await;
    // The form takes the badge's fields one render after the note appears.
    ui.wait_value("#person-email", "jane.doe@example.org").await;
    ui.wait_value("#person-name", "Jane Doe").await;
    ui.click("#box-p\\.event_followup").await;
    ui.click("#box-s\\.third_party\\.partner_offers").await;
    ui.shot("kiosk-filled").await;
    let started = Instant::now();
    ui.click("#capture-submit").await;
    let receipt_id = ui.wait_text("#receipt-id", "").await;
    let took = started.elapsed();
    assert_eq!(receipt_id.trim().len(), 10, "a short receipt id: {receipt_id}");
    ui.el("#receipt-qr rect").await;
    let granted = ui.text("#receipt-granted").await;
    assert!(
        granted.contains("Follow-up after the event") && granted.contains("sharing with third parties"),
        "{granted}"
    );
    assert_eq!(ui.c.find_all(Locator::Css("#receipt-granted li")).await.unwrap().len(), 2);
    assert_eq!(ui.c.find_all(Locator::Css("#receipt-refused li")).await.unwrap().len(), 3);
    println!("kiosk submission acknowledged in {took:?} (including WebDriver round trips)");
    ui.shot("kiosk-receipt").await;

    // Print: with no thermal printer set, the print sheet is laid out (both languages, the
    // QR code, the id, what was agreed and refused, the separate consent marked, how to
    // withdraw) and the system's print dialog opens on it (counted here instead of shown).
    ui.c.execute("window.__printed = 0; window.print = () => { window.__printed += 1; }", vec![]).await.unwrap();
    ui.click("#receipt-print").await;
    let sheet_text = |css: &str| format!("const e = document.querySelector('{css}'); return e ? e.textContent : null");
    let deadline = Instant::now() + Duration::from_secs(10);
    while ui.c.execute("return window.__printed", vec![]).await.unwrap().as_i64() != Some(1) {
        if Instant::now() > deadline {
            ui.fail("the print dialog was not opened").await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let printed_id = ui.c.execute(&sheet_text("#print-receipt-id"), vec![]).await.unwrap();
    assert_eq!(printed_id.as_str().map(str::trim), Some(receipt_id.trim()), "the sheet is this receipt");
    let count = |css: &str| format!("return document.querySelectorAll('{css}').length");
    assert_eq!(ui.c.execute(&count("#print-agreed li"), vec![]).await.unwrap().as_i64(), Some(2));
    assert_eq!(ui.c.execute(&count("#print-not-agreed li"), vec![]).await.unwrap().as_i64(), Some(3));
    assert_eq!(ui.c.execute(&count("#print-agreed .print-separate"), vec![]).await.unwrap().as_i64(), Some(1));
    assert!(ui.c.execute(&count("#print-qr rect"), vec![]).await.unwrap().as_i64() > Some(10), "a QR code");
    let agreed = ui.c.execute(&sheet_text("#print-agreed"), vec![]).await.unwrap().as_str().unwrap_or("").to_string();
    for text in ["同意 Agreed", "Follow-up after the event", "单独同意 / separate consent"] {
        assert!(agreed.contains(text), "the printed agreed list lacks {text:?}: {agreed}");
    }
    let sheet = ui.c.execute(&sheet_text("#print-receipt"), vec![]).await.unwrap().as_str().unwrap_or("").to_string();
    for text in ["同意回执", "Consent receipt", "如何撤回 How to withdraw", "拒绝 Refused"] {
        assert!(sheet.contains(text), "the print sheet lacks {text:?}: {sheet}");
    }
    let withdrawal = ui.c.execute(&sheet_text("#print-withdrawal"), vec![]).await.unwrap();
    assert!(withdrawal.as_str().unwrap_or("").contains(receipt_id.trim()), "{withdrawal}");
    assert!(!sheet.contains("jane.doe@"), "the person is masked on paper too: {sheet}");
    ui.c.execute("document.documentElement.classList.add('print-preview')", vec![]).await.unwrap();
    ui.shot("kiosk-print-preview").await;
    ui.c.execute("document.documentElement.classList.remove('print-preview')", vec![]).await.unwrap();

    // The ledger holds the person's answers: 2 grants, 3 refusals, at the kiosk.
    let status = cli(
        &cli_bin,
        &vault,
        "Mo Marketer",
        "marketer passphrase 1",
        &["--json", "status", "--email", "jane.doe@example.org"],
        None,
    );
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    let states: Vec<&str> =
        status["purposes"].as_array().unwrap().iter().map(|p| p["state"].as_str().unwrap()).collect();
    assert_eq!(states.iter().filter(|s| **s == "granted").count(), 2, "{status}");
    assert_eq!(states.iter().filter(|s| **s == "refused").count(), 3, "{status}");

    // Done: the form is empty again for the next person.
    ui.click("#receipt-done").await;
    ui.el("#capture-form").await;
    for field in ["#person-name", "#person-email"] {
        assert_eq!(ui.el(field).await.prop("value").await.unwrap().unwrap_or_default(), "", "{field} is empty again");
    }
    let ticked = ui
        .c
        .execute("return Array.from(document.querySelectorAll('#capture-form input[type=checkbox]')).filter(b => b.checked).length", vec![])
        .await
        .unwrap();
    assert_eq!(ticked.as_i64(), Some(0));
    // The next person starts in the event's language again, not the one the last chose.
    ui.wait_text("#kiosk-notice", "展会同意书").await;
    ui.shot("kiosk-next-person").await;

    // Withdrawal at the kiosk, as easy as the grant: Jane scans her receipt's QR code (the
    // scanner types what it holds), sees her masked e-mail and her two consents, withdraws
    // one with one tap, and gets a withdrawal receipt; the other stays in force.
    ui.click("#kiosk-withdraw").await;
    ui.fill("#withdraw-who", &format!("CONSENTRY-RECEIPT:{}", receipt_id.trim())).await;
    ui.click("#withdraw-find").await;
    let found = ui.wait_text("#withdraw-found", "").await;
    assert!(!found.contains("jane.doe@"), "the e-mail is masked: {found}");
    assert_eq!(ui.c.find_all(Locator::Css("#withdraw-found .withdraw-list li")).await.unwrap().len(), 2, "{found}");
    assert!(found.contains("单独同意"), "the separate consent is marked in the visitor's language: {found}");
    ui.shot("kiosk-withdraw-found").await;
    ui.shot_sized("kiosk-withdraw-found", "#kiosk", (768, 1024)).await;
    ui.click("#withdraw-found .withdraw-list li:first-child button").await;
    let withdrawal_id = ui.wait_text("#withdrawal-receipt-id", "").await;
    assert_eq!(withdrawal_id.trim().len(), 10);
    assert_ne!(withdrawal_id.trim(), receipt_id.trim(), "a receipt of its own");
    ui.el("#withdrawal-qr rect").await;
    assert_eq!(ui.c.find_all(Locator::Css("#withdrawal-withdrawn li")).await.unwrap().len(), 1);
    assert_eq!(ui.c.find_all(Locator::Css("#withdrawal-still li")).await.unwrap().len(), 1);
    ui.shot("kiosk-withdrawal-receipt").await;
    ui.click("#withdrawal-done").await;
    ui.el("#capture-form").await;
    let status = cli(
        &cli_bin,
        &vault,
        "Mo Marketer",
        "marketer passphrase 1",
        &["--json", "status", "--email", "jane.doe@example.org"],
        None,
    );
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    let states: Vec<&str> =
        status["purposes"].as_array().unwrap().iter().map(|p| p["state"].as_str().unwrap()).collect();
    assert_eq!(states.iter().filter(|s| **s == "withdrawn").count(), 1, "{status}");
    assert_eq!(states.iter().filter(|s| **s == "granted").count(), 1, "{status}");

    // An engine refusal reaches the visitor in the visitor's language: the event is closed at
    // the desk while the kiosk shows the form, and the next submission is refused in Chinese
    // (no CLI word in it). An administrator reopens it (the undo of Close) and the stand goes on.
    let events = cli(&cli_bin, &vault, "Mo Marketer", "marketer passphrase 1", &["--json", "event", "list"], None);
    let events: serde_json::Value = serde_json::from_str(&events).unwrap();
    let event_id = events[0]["id"].as_str().unwrap().to_string();
    cli(&cli_bin, &vault, "Mo Marketer", "marketer passphrase 1", &["event", "close", &event_id], None);
    ui.fill("#person-name", "王小明").await;
    ui.fill("#person-email", "wang.xiaoming@example.org").await;
    ui.click("#capture-submit").await;
    let refusal = ui.wait_text("#capture-error", "已结束").await;
    assert!(refusal.contains("Shanghai Auto Show 2026") && !refusal.contains("consentry"), "{refusal}");
    ui.shot("kiosk-refused-zh").await;
    cli(&cli_bin, &vault, ADMIN, ADMIN_PASS, &["event", "reopen", &event_id], None);
    ui.click("#capture-submit").await;
    ui.wait_text("#receipt-id", "").await;
    ui.click("#receipt-done").await;
    ui.el("#capture-form").await;

    // Half a form, then nothing: before the idle reset, a countdown the visitor can dismiss.
    ui.fill("#person-name", "Wang Half").await;
    let dialog = ui.wait_text("#still-there", "").await;
    assert!(dialog.contains("您还在吗") || dialog.contains("Are you still there"), "{dialog}");
    ui.shot("kiosk-still-there").await;
    ui.click("#still-here").await;
    assert_eq!(ui.el("#person-name").await.prop("value").await.unwrap().unwrap_or_default(), "Wang Half");
    assert!(ui.c.find_all(Locator::Css("#still-there")).await.unwrap().is_empty(), "dismissed");

    // Leaving needs an operator's passphrase.
    ui.click("#kiosk-staff").await;
    ui.fill("#exit-operator", "Mo Marketer").await;
    ui.fill("#exit-passphrase", "wrong passphrase here").await;
    ui.click("#exit-submit").await;
    // The kiosk is back in the event's language (Chinese) for the next person.
    ui.wait_text("#exit-error", "密码错误").await;
    ui.shot("kiosk-exit-refused").await;
    ui.fill("#exit-passphrase", "marketer passphrase 1").await;
    ui.click("#exit-submit").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while ui.c.windows().await.unwrap().len() > 1 {
        assert!(Instant::now() < deadline, "the kiosk window did not close");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    ui.c.switch_to_window(main_window).await.unwrap();
    ui.wait_text("#event-list", "Shanghai Auto Show 2026").await;
    // The visitors' language never reached the staff UI.
    ui.wait_text("#nav-events", "Events").await;

    // A paper form from the stand, entered afterwards and dated the day it was signed.
    ui.click("#event-list .paper-form").await;
    ui.el("#paper-form #capture-form").await;
    ui.fill("#person-name", "Paper Visitor").await;
    ui.fill("#person-email", "paper.visitor@example.org").await;
    ui.fill("#paper-scan", "form 12").await;
    let out = Command::new("date").args(["-d", "yesterday", "+%Y-%m-%d"]).output().unwrap();
    let yesterday = String::from_utf8(out.stdout).unwrap().trim().to_string();
    ui.c.execute(
        &format!(
            "const d = document.getElementById('paper-signed-on'); d.value = '{yesterday}';
             d.dispatchEvent(new Event('input', {{ bubbles: true }}));"
        ),
        vec![],
    )
    .await
    .unwrap();
    ui.shot("paper-form").await;
    ui.click("#capture-submit").await;
    ui.wait_text("#paper-form", "Receipt").await;
    let history = cli(
        &cli_bin,
        &vault,
        "Mo Marketer",
        "marketer passphrase 1",
        &["--json", "history", "--email", "paper.visitor@example.org"],
        None,
    );
    assert!(history.contains(&format!("\"captured_at\": \"{yesterday}T12:00:00")), "dated the day signed: {history}");
    assert!(history.contains("\"paper\""), "recorded as a paper form: {history}");
    ui.click("#paper-close").await;

    // The event's figures: three people (two at the kiosk today, one paper form signed
    // yesterday), Jane's withdrawal at the stand, five purposes with every box an answer.
    ui.click("#event-list .show-figures").await;
    assert_eq!(ui.wait_text("#fig-people", "").await.trim(), "3");
    assert_eq!(ui.text("#fig-withdrawn").await.trim(), "1");
    let days = ui.c.find_all(Locator::Css("#figures-days tr")).await.unwrap();
    assert_eq!(days.len(), 2, "yesterday (the paper form) and today");
    assert!(ui.text("#figures-days").await.contains(&yesterday));
    let rows = ui.c.find_all(Locator::Css("#figures-purposes tbody tr")).await.unwrap();
    assert_eq!(rows.len(), 5);
    let mut answers = 0;
    for r in &rows {
        let cells = r.find_all(Locator::Css("td.num")).await.unwrap();
        for c in &cells[..2] {
            answers += c.text().await.unwrap().trim().parse::<u32>().unwrap();
        }
    }
    assert_eq!(answers, 15, "three people, five boxes each: every box is a grant or a refusal");
    assert!(ui.text("#figures-purposes").await.contains("Follow-up after the event"), "purposes by name");
    ui.shot("event-figures").await;
    ui.shot_sized("event-figures", "#event-figures", (1024, 768)).await;
    ui.click("#figures-close").await;
    ui.click("#lock").await;
    ui.c.clone().close().await.unwrap();
}

impl Ui {
    /// Gives `input[type=file]` these files, as a person picking them would (WebDriver sends
    /// several paths separated by newlines).
    async fn pick_files(&self, css: &str, files: &[&Path]) {
        let paths: Vec<String> = files.iter().map(|f| f.to_str().unwrap().to_string()).collect();
        self.el(css).await.send_keys(&paths.join("\n")).await.unwrap();
    }

    /// Resizes the window, scrolls `css` to the top, and saves a screenshot named with the size.
    async fn shot_sized(&mut self, name: &str, css: &str, (w, h): (u32, u32)) {
        self.c.set_window_size(w, h).await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        let js = format!("document.querySelector('{css}').scrollIntoView({{block: 'start'}})");
        self.c.execute(&js, vec![]).await.unwrap();
        self.shot(&format!("{name}-{w}x{h}")).await;
        self.c.set_window_size(1200, 800).await.unwrap();
    }

    /// In the kiosk window: one person fills in their name and email, ticks `boxes`, submits
    /// and gets a receipt; then the form is ready for the next person.
    async fn kiosk_person(&mut self, name: &str, email: &str, boxes: &[&str]) -> String {
        self.el("#capture-form").await;
        self.fill("#person-name", name).await;
        self.fill("#person-email", email).await;
        for b in boxes {
            self.click(&format!("#box-{}", b.replace('.', "\\."))).await;
        }
        self.click("#capture-submit").await;
        let receipt = self.wait_text("#receipt-id", "").await;
        self.click("#receipt-done").await;
        receipt.trim().to_string()
    }
}

impl Ui {
    /// On the People screen: opens the person listed with this (masked) email.
    async fn open_person(&self, email: &str) {
        self.wait_text("#subject-results", email).await;
        let row = self
            .c
            .execute(
                "return Array.from(document.querySelectorAll('#subject-results tbody tr')).findIndex(r => r.textContent.includes(arguments[0]))",
                vec![serde_json::json!(email)],
            )
            .await
            .unwrap();
        let n = row.as_i64().unwrap();
        assert!(n >= 0, "{email} is listed");
        self.click(&format!("#subject-results tbody tr:nth-child({}) button", n + 1)).await;
        self.wait_text("#subject-contact", email).await;
    }
}

/// The one file in `dir` whose name starts with `prefix`.
fn saved_file(dir: &Path, prefix: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|f| f.path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(prefix))
        .collect();
    assert_eq!(found.len(), 1, "one {prefix}* in {}: {found:?}", dir.display());
    found[0].clone()
}

/// A home folder whose Downloads folder (where the app saves files) is `home/Downloads`.
fn home_with_downloads(home: &Path) -> PathBuf {
    std::fs::create_dir_all(home.join(".config")).unwrap();
    std::fs::write(home.join(".config/user-dirs.dirs"), "XDG_DOWNLOAD_DIR=\"$HOME/Downloads\"\n").unwrap();
    home.join("Downloads")
}

/// Issue 12 end to end, through the Sync screen, on two vaults in two app launches and real
/// files between them: headquarters (an approved notice and an event, prepared with the CLI)
/// becomes headquarters, enrols a device and saves it a bundle; the device checks the
/// fingerprint, joins, loads the bundle, records two people at the kiosk, sees them counted as
/// not yet sent and saves a bundle; headquarters imports it with two files that are refused
/// without stopping it, sees the device's row, and finds both people with the right status.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headquarters_enrols_a_device_and_merges_its_kiosk_captures_through_files() {
    let _one_at_a_time = ONE_AT_A_TIME.lock().await;
    let cli_bin = binary("consentry", "CONSENTRY_CLI_BIN");
    let shots = std::env::var_os("CONSENTRY_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("tests/e2e/screenshots"))
        .join("sync");
    let _ = std::fs::remove_dir_all(&shots);
    std::fs::create_dir_all(&shots).unwrap();
    let data = tempfile::tempdir().unwrap();
    let (hq_vault, hq_home) = (data.path().join("hq/vault/consentry.db"), data.path().join("hq/home"));
    let (dev_vault, dev_home) = (data.path().join("device/vault/consentry.db"), data.path().join("device/home"));
    let hq_files = home_with_downloads(&hq_home);
    let dev_files = home_with_downloads(&dev_home);

    // Headquarters: the team, the catalogue, an approved notice and an event, through the CLI.
    vault_with_team(
        &cli_bin,
        &hq_vault,
        &[("Lena Legal", "legal"), ("Liu Legal", "legal"), ("Mo Marketer", "marketer")],
    );
    approve_trade_show_notice(&cli_bin, &hq_vault);
    cli(
        &cli_bin,
        &hq_vault,
        "Mo Marketer",
        "marketer passphrase 1",
        &[
            "event",
            "create",
            "--name",
            "Shanghai Auto Show 2026",
            "--venue",
            "NECC Hall 5",
            "--from",
            "2026-12-01",
            "--to",
            "2026-12-03",
            "--notice",
            "ts",
            "--device",
            "Stand A tablet",
        ],
        None,
    );
    // The device: a new vault with its administrator and a marketer, nothing else.
    vault_with_operators(&cli_bin, &dev_vault, "Stand A tablet", &[("Mo Marketer", "marketer")]);

    // ---- Headquarters, first launch: become headquarters, enrol the device, save it a bundle.
    let mut app = launch(&hq_vault, &hq_home, shots.clone()).await;
    let ui = &mut app.ui;
    ui.unlock_as(ADMIN, ADMIN_PASS).await;
    ui.click("#nav-sync").await;
    ui.wait_text("#sync-none", "not part of an organisation").await;
    ui.click("#hq-make").await;
    ui.wait_text("#hq-name-invalid", "1 to 80 characters").await;
    ui.shot("hq-none").await;
    ui.fill("#hq-name", "Acme China").await;
    ui.click("#hq-make").await;
    ui.wait_text("#org-head", "Headquarters of Acme China").await;
    ui.wait_text("#devices-empty", "No devices enrolled yet").await;
    ui.wait_text("#quarantine-empty", "No forks").await;
    ui.fill("#enrol-name", "Tablet 1").await;
    ui.click("#enrol-submit").await;
    let fingerprint = ui.wait_text("#enrolled-fingerprint", " ").await;
    assert_eq!(fingerprint.len(), 19, "four groups of four digits: {fingerprint}");
    let enrolment = saved_file(&hq_files, "consentry-enrolment-");
    assert_eq!(ui.text("#enrolled-path").await, enrolment.to_str().unwrap());
    ui.wait_text("#enrolled", "delete it").await;
    ui.wait_text("#devices tr[data-device='Tablet 1']", "no bundle yet").await;
    ui.fill("#enrol-name", "Tablet 1").await;
    ui.wait_text("#enrol-name-invalid", "already enrolled").await;
    ui.shot("hq-enrolled").await;
    ui.click("#devices tr[data-device='Tablet 1'] .save-for-device").await;
    ui.wait_text("#device-saved", "Carry it to the device").await;
    let for_device = saved_file(&hq_files, "consentry-hq-");
    ui.click("#lock").await;
    ui.c.clone().close().await.unwrap();
    drop(app);

    // ---- The device: check the fingerprint, join, load headquarters' bundle.
    let mut app = launch(&dev_vault, &dev_home, shots.clone()).await;
    let ui = &mut app.ui;
    ui.n = 10; // the screenshots keep their order across launches
    ui.unlock_as(ADMIN, ADMIN_PASS).await;
    ui.click("#nav-sync").await;
    ui.wait_text("#sync-none", "not part of an organisation").await;
    ui.pick_files("#enrolment-file", &[&enrolment]).await;
    assert_eq!(ui.wait_text("#enrolment-fingerprint", " ").await, fingerprint, "both screens show one fingerprint");
    ui.wait_text("#enrolment-org", "Acme China").await;
    ui.click("#join").await;
    ui.wait_text("#enrolment-confirm-needed", "tick the box").await;
    ui.shot("device-join").await;
    ui.click("#enrolment-confirm").await;
    ui.click("#join").await;
    ui.wait_text("#org-head", "Device of Acme China").await;
    ui.wait_text("#org-head", &fingerprint).await;
    ui.wait_text("#sync-unsent", "Nothing recorded here is waiting").await;
    ui.click("#load-hq").await;
    ui.wait_text("#load-pick-first", "Pick the bundle file").await;
    ui.pick_files("#hq-bundle-file", &[&enrolment]).await;
    ui.click("#load-hq").await;
    ui.wait_text("#load-error", "not a Consentry bundle").await;
    ui.pick_files("#hq-bundle-file", &[&for_device]).await;
    ui.click("#load-hq").await;
    ui.wait_text("#loaded", "2 new notice version(s), 1 new event(s)").await;
    ui.wait_text("#loaded", "not acknowledged anything").await;
    ui.click("#lock").await;
    // A backup of the device as it is now (locked): restored later, it forks the device's chain.
    ui.wait_text("#unlock-form", "Unlock").await;
    let restored = data.path().join("restored/consentry.db");
    std::fs::create_dir_all(restored.parent().unwrap()).unwrap();
    for ext in ["db", "db.keys"] {
        std::fs::copy(dev_vault.with_extension(ext), restored.with_extension(ext)).unwrap();
    }

    // Two people at the kiosk, started by the device's marketer.
    ui.unlock_as("Mo Marketer", "marketer passphrase 1").await;
    ui.click("#nav-events").await;
    ui.wait_text("#event-list", "Shanghai Auto Show 2026").await;
    let main_window = ui.c.window().await.unwrap();
    ui.click("#event-list .start-kiosk").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    let kiosk = loop {
        if let Some(h) = ui.c.windows().await.unwrap().into_iter().find(|h| *h != main_window) {
            break h;
        }
        assert!(Instant::now() < deadline, "no kiosk window opened");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    ui.c.switch_to_window(kiosk).await.unwrap();
    ui.wait_text("#kiosk", "Shanghai Auto Show 2026").await;
    ui.kiosk_person("Jane Doe", "jane.doe@example.org", &["p.event_followup"]).await;
    ui.kiosk_person("张伟", "zhang.wei@example.com", &["p.event_followup", "s.third_party.partner_offers"]).await;
    ui.click("#kiosk-staff").await;
    ui.fill("#exit-operator", "Mo Marketer").await;
    ui.fill("#exit-passphrase", "marketer passphrase 1").await;
    ui.click("#exit-submit").await;
    let deadline = Instant::now() + Duration::from_secs(20);
    while ui.c.windows().await.unwrap().len() > 1 {
        assert!(Instant::now() < deadline, "the kiosk window did not close");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    ui.c.switch_to_window(main_window).await.unwrap();

    // The counter on Events, Home and Sync: ten events (five boxes each) about two people.
    ui.wait_text("#events-unsent", "about 2 people not yet sent to headquarters").await;
    ui.wait_text("#event-list", "2 people").await;
    ui.shot("device-events-unsent").await;
    ui.click("#nav-home").await;
    let home = ui.wait_text("#home-unsent", "10 events about 2 people").await;
    assert!(home.contains("oldest from") && home.contains("not acknowledged anything"), "{home}");
    ui.shot("device-home-unsent").await;
    ui.click("#nav-sync").await;
    ui.wait_text("#sync-unsent", "10 events about 2 people").await;
    for size in [(1280, 800), (1024, 768)] {
        ui.shot_sized("device-sync", "#sync", size).await;
    }
    ui.click("#save-for-hq").await;
    ui.wait_text("#saved-for-hq", "Saved 10 events about 2 people").await;
    let from_device = saved_file(&dev_files, "consentry-device-");
    ui.shot("device-saved").await;
    ui.click("#lock").await;
    ui.c.clone().close().await.unwrap();
    drop(app);

    // ---- Headquarters again, as legal: import the device's bundle with two files it refuses.
    let junk = data.path().join("notes.consentry");
    std::fs::write(&junk, "shopping list").unwrap();
    let mut app = launch(&hq_vault, &hq_home, shots.clone()).await;
    let ui = &mut app.ui;
    ui.n = 20;
    ui.unlock_as("Lena Legal", "legal passphrase 1").await;
    ui.click("#nav-sync").await;
    ui.wait_text("#devices tr[data-device='Tablet 1']", "no bundle yet").await;
    assert!(ui.c.find(Locator::Css("#enrol-card")).await.is_err(), "legal enrols no device");
    ui.pick_files("#bundle-files", &[&junk, &for_device, &from_device]).await;
    ui.wait_text("#import-bundles", "Import 3 file(s)").await;
    ui.click("#import-bundles").await;
    let summary = ui.wait_text("#import-summary", "Finished 3 file(s)").await;
    assert!(summary.contains("Refused: 2") && summary.contains("Merged: 1"), "{summary}");
    let row = |f: &Path| format!("#import-results tr[data-file='{}']", f.file_name().unwrap().to_str().unwrap());
    ui.wait_text(&row(&junk), "not a Consentry bundle").await;
    ui.wait_text(&row(&for_device), "travels the other way").await;
    let merged = ui.wait_text(&row(&from_device), "Merged").await;
    assert!(merged.contains("From Tablet 1: 10 events, 2 new people"), "{merged}");
    // The device table, read again after the import: two people, ten entries, acknowledged.
    ui.wait_text("#devices tr[data-device='Tablet 1'] .last-seq", "10").await;
    assert_eq!(ui.text("#devices tr[data-device='Tablet 1'] .people").await, "2");
    let device_row = ui.text("#devices tr[data-device='Tablet 1']").await;
    assert!(device_row.contains("Active") && !device_row.contains("not yet"), "acknowledged: {device_row}");
    ui.shot("hq-imported").await;
    for size in [(1280, 800), (1024, 768)] {
        ui.shot_sized("hq-sync", "#devices-card", size).await;
    }

    // The same file again changes nothing, and says so.
    ui.pick_files("#bundle-files", &[&from_device]).await;
    ui.click("#import-bundles").await;
    ui.wait_text(&row(&from_device), "Already imported").await;

    // The device restored from its backup records someone else at the same places in its
    // chain: headquarters quarantines that bundle, with both signed checkpoints as evidence.
    let marketer = |args: &[&str]| cli(&cli_bin, &restored, "Mo Marketer", "marketer passphrase 1", args, None);
    let events: serde_json::Value = serde_json::from_str(&marketer(&["--json", "event", "list"])).unwrap();
    let event_id = events[0]["id"].as_str().unwrap().to_string();
    marketer(&[
        "event",
        "paper",
        &event_id,
        "--scan",
        "form 7",
        "--tick",
        "p.event_followup",
        "--name",
        "Li Lei",
        "--email",
        "li.lei@example.com",
    ]);
    let forked_dir = data.path().join("restored/out");
    std::fs::create_dir_all(&forked_dir).unwrap();
    marketer(&["bundle", "save", "--out", forked_dir.to_str().unwrap()]);
    let forked = saved_file(&forked_dir, "consentry-device-");
    ui.pick_files("#bundle-files", &[&forked]).await;
    ui.click("#import-bundles").await;
    let fork = ui.wait_text(&row(&forked), "Quarantined").await;
    assert!(fork.contains("contradicts what Tablet 1 signed before (consent ledger, from entry 1)"), "{fork}");
    ui.wait_text("#devices tr[data-device='Tablet 1'] .forks", "1").await;
    let case = ui.wait_text("#quarantine .case", "Tablet 1: consent ledger").await;
    assert!(
        case.contains("Open") && !case.contains("Resolve"),
        "legal sees the case, resolving is the administrator's: {case}"
    );
    let notes = ui.c.find_all(Locator::Css("#quarantine .case pre.note")).await.unwrap();
    assert_eq!(notes.len(), 2, "both signed checkpoints are shown");
    for n in notes {
        let text = n.text().await.unwrap();
        assert!(
            text.starts_with("consentry/device/") && text.contains("\n— consentry/device/"),
            "a signed note: {text}"
        );
    }
    ui.shot_sized("hq-quarantine", "#quarantine", (1024, 768)).await;
    ui.click("#lock").await;
    ui.unlock_as(ADMIN, ADMIN_PASS).await;
    ui.click("#nav-sync").await;
    ui.wait_text("#quarantine .case", "Open").await;
    ui.click("#quarantine .case button").await;
    ui.wait_text("#quarantine .case", "Write what you found and decided").await;
    let note = ui.c.find(Locator::Css("#quarantine .case input")).await.unwrap();
    note.send_keys("Tablet 1 was restored from a backup; the paper form is entered again at HQ.").await.unwrap();
    ui.click("#quarantine .case button").await;
    ui.wait_text("#quarantine .case", "Resolved: Tablet 1 was restored from a backup").await;
    // A device enrolled by mistake is revoked, after a confirmation.
    ui.fill("#enrol-name", "Tablet 2").await;
    ui.click("#enrol-submit").await;
    ui.wait_text("#devices tr[data-device='Tablet 2']", "Active").await;
    ui.click("#devices tr[data-device='Tablet 2'] .revoke-device").await;
    ui.wait_text("#revoke-confirm", "Its bundles are refused from then on").await;
    ui.click("#revoke-yes").await;
    ui.wait_text("#devices tr[data-device='Tablet 2']", "Revoked").await;
    assert!(ui.c.find(Locator::Css("#devices tr[data-device='Tablet 2'] .save-for-device")).await.is_err());
    ui.click("#lock").await;
    ui.unlock_as("Lena Legal", "legal passphrase 1").await;

    // Both people are at headquarters with what they chose at the stand.
    ui.click("#nav-subjects").await;
    ui.open_person("j***@example.org").await;
    ui.wait_text("#status-event_followup", "granted").await;
    ui.wait_text("#status-partner_offers", "refused").await;
    ui.click("#subject-back").await;
    ui.open_person("z***@example.com").await;
    ui.wait_text("#status-event_followup", "granted").await;
    ui.wait_text("#status-partner_offers", "granted").await;
    ui.shot("hq-person").await;
    let status = cli(
        &cli_bin,
        &hq_vault,
        "Lena Legal",
        "legal passphrase 1",
        &["--json", "status", "--email", "zhang.wei@example.com"],
        None,
    );
    let status: serde_json::Value = serde_json::from_str(&status).unwrap();
    let states: Vec<&str> =
        status["purposes"].as_array().unwrap().iter().map(|p| p["state"].as_str().unwrap()).collect();
    assert_eq!((states.len(), states.iter().filter(|s| **s == "granted").count()), (5, 2), "{status}");

    // The Sync screen in Chinese.
    ui.click("#switch-language").await;
    ui.click("#nav-sync").await;
    ui.wait_text("#devices-card", "设备").await;
    ui.shot_sized("hq-sync-zh", "#devices-card", (1024, 768)).await;
    ui.click("#switch-language").await;
    ui.click("#lock").await;
    ui.c.clone().close().await.unwrap();
}
