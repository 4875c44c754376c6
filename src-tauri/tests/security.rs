//! The desktop shell's security configuration, checked so that a change cannot slip in
//! unnoticed: strict CSP, no global Tauri object, a frozen prototype, no plugins that reach
//! files, shells or the network, and SQLCipher's symbols hidden from WebKit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

fn conf() -> serde_json::Value {
    serde_json::from_str(include_str!("../tauri.conf.json")).unwrap()
}

#[test]
fn csp_is_strict_and_the_prototype_frozen() {
    let c = conf();
    let security = &c["app"]["security"];
    assert_eq!(c["app"]["withGlobalTauri"], false);
    assert_eq!(security["freezePrototype"], true);
    let csp = security["csp"].as_str().unwrap();
    for needed in
        ["default-src 'self'", "script-src 'self'", "connect-src ipc: http://ipc.localhost", "object-src 'none'"]
    {
        assert!(csp.contains(needed), "CSP lacks {needed}: {csp}");
    }
    for banned in ["unsafe-inline", "unsafe-eval", "http:", "https:", "*"] {
        let hits = csp
            .split(';')
            .flat_map(|d| d.split_whitespace().skip(1))
            .filter(|src| src.contains(banned) && *src != "http://ipc.localhost")
            .count();
        assert_eq!(hits, 0, "CSP allows {banned}: {csp}");
    }
    assert_eq!(security["capabilities"], serde_json::json!(["main", "kiosk"]));
}

#[test]
fn no_plugin_reaches_files_shells_or_the_network() {
    let manifest = include_str!("../Cargo.toml");
    assert!(!manifest.contains("tauri-plugin-"), "the desktop crate must not depend on Tauri plugins");
    let cap: serde_json::Value = serde_json::from_str(include_str!("../capabilities/main.json")).unwrap();
    for p in cap["permissions"].as_array().unwrap() {
        let p = p.as_str().unwrap();
        assert!(!p.contains("fs:") && !p.contains("shell:") && !p.contains("http:") && !p.contains("opener:"), "{p}");
    }
}

#[test]
fn sqlcipher_symbols_are_not_exported_to_webkit() {
    let bin = env!("CARGO_BIN_EXE_consentry-desktop");
    let out = Command::new("nm").args(["-D", "--defined-only", bin]).output().expect("nm (binutils) is installed");
    assert!(out.status.success());
    let exported = String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.contains(" sqlite3_")).count();
    assert_eq!(exported, 0, "the desktop binary exports SQLite symbols that WebKit's libsqlite3 calls would bind to");
}

#[test]
fn windows_show_only_the_apps_own_pages() {
    let ok = |u: &str| consentry_desktop::allowed_url(&u.parse().unwrap());
    assert!(ok("tauri://localhost/index.html") && ok("tauri://localhost/#kiosk"));
    assert!(ok("http://tauri.localhost/index.html"), "the platforms that serve the app over http");
    for bad in [
        "http://localhost:8080/",
        "http://127.0.0.1:1420/",
        "https://example.com/",
        "file:///etc/passwd",
        "tauri://evil/",
        "http://tauri.localhost.example.com/",
        "data:text/html,<script>1</script>",
    ] {
        assert!(!ok(bad), "{bad} must not load");
    }
}

#[test]
fn the_hidden_main_window_calls_nothing_while_the_kiosk_runs() {
    use consentry_desktop::refused_while_kiosk;
    assert!(refused_while_kiosk(true, "main"));
    assert!(!refused_while_kiosk(true, "kiosk"), "the kiosk's own commands check their window");
    assert!(!refused_while_kiosk(false, "main"));
}
