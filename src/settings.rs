//! Vault-wide settings (an operation over the vault's metadata), kept in the encrypted vault so that every device follows them.

use std::path::{Path, PathBuf};

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

const PRINTER_KEY: &str = "setting.receipt_printer";

/// The ESC/POS thermal printer receipts go to (a device file such as `/dev/usb/lp0`), if one
/// is set; without one, receipts print to the system's printer.
pub fn receipt_printer(session: &mut Session) -> Result<Option<PathBuf>> {
    session.read(Action::ReadSettings, |conn| {
        let v: Option<String> = conn
            .query_row("SELECT value FROM vault_meta WHERE key = ?1", [PRINTER_KEY], |r| r.get(0))
            .optional()
            .storage("read settings")?;
        Ok(v.filter(|v| !v.is_empty()).map(PathBuf::from))
    })
}

/// Sets the thermal printer (admin only); `None` prints to the system's printer. The device
/// must exist now (a printer that is plugged in), as an absolute path that is not a folder.
pub fn set_receipt_printer(session: &mut Session, device: Option<&Path>) -> Result<()> {
    if let Some(d) = device {
        if !d.is_absolute() {
            return Err(msg::PRINTER_NOT_ABSOLUTE.with("path", d.display()).into());
        }
        match std::fs::metadata(d) {
            Ok(m) if !m.is_dir() => {}
            Ok(_) => return Err(msg::PRINTER_IS_FOLDER.with("path", d.display()).into()),
            Err(_) => return Err(msg::PRINTER_NOT_FOUND.with("path", d.display()).into()),
        }
    }
    let value = device.map(|d| d.display().to_string()).unwrap_or_default();
    session.write(Action::ManageSettings, |w| {
        w.tx.execute(
            "INSERT INTO vault_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![PRINTER_KEY, value],
        )
        .storage("change settings")?;
        w.audit("settings.change", PRINTER_KEY, value.clone());
        Ok(())
    })
}
