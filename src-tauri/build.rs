//! Lists every command in the app manifest, so that a window may call only what its
//! capability grants, and keeps the bundled SQLCipher's symbols out of WebKit's way.
#![allow(clippy::expect_used)]

include!("src/command_names.rs");

fn main() {
    // The bundled SQLCipher exports sqlite3_* from the executable, while WebKitGTK links the
    // system libsqlite3: hide our copy's symbols so WebKit's calls never land in SQLCipher.
    println!("cargo:rustc-link-arg-bins=-Wl,--exclude-libs,ALL");
    println!("cargo:rerun-if-changed=src/command_names.rs");
    println!("cargo:rerun-if-changed=../ui/dist");
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build configuration");
}
