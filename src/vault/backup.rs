//! An encrypted, consistent copy of an open vault: SQLite's online backup of the database,
//! in one step (one snapshot, while other connections go on writing in WAL mode), to a new
//! file keyed with the same data key, and beside it the key-slot file that snapshot says is
//! in force. Only the wrapped keys reach disk, as in the vault itself.

use std::fs;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::keyslot::write_atomically;
use super::{create_private_dir, restrict_permissions, staged, DataKey, VaultPaths};
use crate::domain::canonical::sha256_hex;
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;

/// What a backup holds.
pub(crate) struct Copied {
    pub(crate) events: i64,
    pub(crate) bytes: u64,
}

/// Copies the vault `conn` is open on to `dest` (neither file may exist), and checks the copy.
pub(crate) fn copy(conn: &Connection, key: &DataKey, paths: &VaultPaths, dest: &VaultPaths) -> Result<Copied> {
    if dest.db.exists() || dest.slots.exists() {
        return Err(Error::VaultExists { path: dest.db.clone() });
    }
    if let Some(dir) = dest.db.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let result = copy_files(conn, key, paths, dest);
    if result.is_err() {
        for p in [&dest.db, &dest.slots] {
            let _ = fs::remove_file(p);
        }
        for ext in ["-wal", "-shm"] {
            let mut p = dest.db.clone().into_os_string();
            p.push(ext);
            let _ = fs::remove_file(p);
        }
    }
    result
}

fn copy_files(conn: &Connection, key: &DataKey, paths: &VaultPaths, dest: &VaultPaths) -> Result<Copied> {
    let ctx = "back up the vault";
    let mut dst = Connection::open(&dest.db).storage(ctx)?;
    restrict_permissions(&dest.db)?;
    dst.execute_batch("PRAGMA cipher_log_level = NONE;").storage(ctx)?;
    dst.execute_batch(&key.sqlcipher_pragma()).storage(ctx)?;
    {
        let backup = rusqlite::backup::Backup::new(conn, &mut dst).storage(ctx)?;
        // One step: every page from one read snapshot of the source.
        match backup.step(-1).storage(ctx)? {
            rusqlite::backup::StepResult::Done => {}
            _ => return Err(Error::Busy),
        }
    }
    // The key-slot file that this snapshot of the database says is in force.
    let recorded: Option<String> =
        dst.query_row("SELECT sha256 FROM key_slots_state WHERE id = 1", [], |r| r.get(0)).optional().storage(ctx)?;
    let current = fs::read(&paths.slots).map_err(|e| Error::io(&msg::IO_READ, &paths.slots, &e))?;
    let slots = match recorded {
        Some(sha) if sha != sha256_hex(&current) => {
            let next = fs::read(staged::next_path(paths)).ok().filter(|b| sha256_hex(b) == sha);
            next.ok_or_else(|| Error::from(&msg::SLOTS_CHANGED_DURING_BACKUP))?
        }
        _ => current,
    };
    let check: String = dst.query_row("PRAGMA integrity_check", [], |r| r.get(0)).storage(ctx)?;
    if check != "ok" {
        tracing::error!(%check, "backup copy fails the integrity check");
        return Err(Error::from(&msg::BACKUP_INTEGRITY));
    }
    let events: i64 = dst.query_row("SELECT count(*) FROM consent_event", [], |r| r.get(0)).storage(ctx)?;
    dst.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").storage(ctx)?;
    dst.close().map_err(|_| Error::Storage { context: ctx })?;
    write_atomically(&dest.slots, &slots)?;
    let bytes = fs::metadata(&dest.db).map(|m| m.len()).unwrap_or(0);
    Ok(Copied { events, bytes })
}

/// Whether `<db>-wal` holds anything (the vault is open, or was not closed).
pub(crate) fn has_wal(db: &Path) -> bool {
    let mut p = db.to_path_buf().into_os_string();
    p.push("-wal");
    fs::metadata(p).map(|m| m.len() > 0).unwrap_or(false)
}
