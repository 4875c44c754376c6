/// Every command the app exposes; `build.rs` turns each into an `allow-…` permission and
/// `lib.rs` checks that the handler list matches.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "create_vault",
    "unlock",
    "lock",
    "keep_alive",
    "home",
    "verify_vault",
    "list_purposes",
    "add_purpose",
    "list_categories",
    "add_category",
    "search_subjects",
    "subject_detail",
    "list_operators",
    "add_operator",
    "disable_operator",
    "get_settings",
    "set_idle_lock",
    "change_passphrase",
];
