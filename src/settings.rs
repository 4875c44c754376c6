//! Vault-wide settings (an operation over the vault's metadata), kept in the encrypted vault so that every device follows them.

use rusqlite::{params, OptionalExtension};

use crate::domain::error::{Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::Action;
use crate::session::Session;

/// Minutes of inactivity after which the desktop app locks the vault, unless set.
pub const DEFAULT_IDLE_LOCK_MINUTES: u32 = 5;
const IDLE_KEY: &str = "setting.idle_lock_minutes";

/// Minutes of inactivity before the app locks itself.
pub fn idle_lock_minutes(session: &mut Session) -> Result<u32> {
    session.read(Action::ReadSettings, |conn| {
        let v: Option<String> = conn
            .query_row("SELECT value FROM vault_meta WHERE key = ?1", [IDLE_KEY], |r| r.get(0))
            .optional()
            .storage("read settings")?;
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_IDLE_LOCK_MINUTES))
    })
}

/// Sets the idle lock, from 1 to 240 minutes (admin only).
pub fn set_idle_lock_minutes(session: &mut Session, minutes: u32) -> Result<()> {
    if !(1..=240).contains(&minutes) {
        return Err(msg::IDLE_LOCK_RANGE.with("minutes", minutes).into());
    }
    session.write(Action::ManageSettings, |w| {
        w.tx.execute(
            "INSERT INTO vault_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![IDLE_KEY, minutes.to_string()],
        )
        .storage("change settings")?;
        w.audit("settings.change", IDLE_KEY, minutes.to_string());
        Ok(())
    })
}
