//! Key-slot changes that commit with their audit entry. The key-slot file lives beside the
//! database (it must be read before the database can be opened), so a change to it cannot be
//! in the database's transaction. Instead it is **staged**: the new file is written as
//! `<vault>.keys.next`, and the database records its SHA-256 (`key_slots_state`) in the same
//! transaction as the change and its audit entry. After the commit the staged file replaces
//! `<vault>.keys`. The database's record says which file is in force, so a kill at any point
//! leaves either the old state or the new one, and the audit log says which:
//!
//! - killed before the commit: the record names the old file; the staged file is stale and the
//!   next unlock removes it; the old passphrases open;
//! - killed after the commit, before the rename: the record names the staged file; the next
//!   unlock opens with it (a new passphrase works, an old one is refused) and finishes the rename.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::keyslot::{stale_temp_files, write_atomically, SlotFile};
use super::VaultPaths;
use crate::domain::canonical::sha256_hex;
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;

/// Where a staged key-slot file waits for its commit.
pub(crate) fn next_path(paths: &VaultPaths) -> PathBuf {
    let mut p = paths.slots.clone().into_os_string();
    p.push(".next");
    PathBuf::from(p)
}

/// The SHA-256 of the key-slot file the database says is in force; `None` before any change
/// was staged (then `<vault>.keys` is) or before the migration that records it.
pub(crate) fn recorded(conn: &Connection) -> Result<Option<String>> {
    let has_table: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'key_slots_state')",
            [],
            |r| r.get(0),
        )
        .storage("read the key-slot record")?;
    if !has_table {
        return Ok(None);
    }
    conn.query_row("SELECT sha256 FROM key_slots_state WHERE id = 1", [], |r| r.get(0))
        .optional()
        .storage("read the key-slot record")
}

/// Which of the two files is in force, given the database's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InForce {
    /// `<vault>.keys`.
    Current,
    /// `<vault>.keys.next`: committed, not yet renamed.
    Staged,
}

/// Decides which file is in force from the record and the two files' bytes.
pub(crate) fn in_force(recorded: Option<&str>, current: &[u8], staged: Option<&[u8]>) -> InForce {
    match (recorded, staged) {
        (Some(h), Some(next)) if sha256_hex(next) == h && sha256_hex(current) != h => InForce::Staged,
        _ => InForce::Current,
    }
}

/// The key-slot file in force, for a change inside a write transaction (which holds the
/// database's write lock, so no other process stages or settles meanwhile).
pub(crate) fn read_in_force(conn: &Connection, paths: &VaultPaths) -> Result<SlotFile> {
    let (current, current_bytes) = SlotFile::read_with_bytes(&paths.slots)?;
    let next = next_path(paths);
    if next.exists() {
        let (staged, staged_bytes) = SlotFile::read_with_bytes(&next)?;
        if in_force(recorded(conn)?.as_deref(), &current_bytes, Some(&staged_bytes)) == InForce::Staged {
            return Ok(staged);
        }
    }
    Ok(current)
}

/// Stages a new key-slot file inside the caller's write transaction: writes
/// `<vault>.keys.next` and records its SHA-256. [`promote`] after the commit.
pub(crate) fn stage(tx: &rusqlite::Transaction<'_>, paths: &VaultPaths, slots: &SlotFile, now_ms: i64) -> Result<()> {
    let next = next_path(paths);
    let bytes = slots.encode(&next)?;
    write_atomically(&next, &bytes)?;
    tx.execute(
        "INSERT INTO key_slots_state (id, sha256, changed_at_ms) VALUES (1, ?1, ?2)
         ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256, changed_at_ms = excluded.changed_at_ms",
        params![sha256_hex(&bytes), now_ms],
    )
    .storage("record the key-slot change")?;
    Ok(())
}

/// Records that the key-slot file with this SHA-256 is in force (a rotation finished at
/// unlock, see `vault::open_with`).
pub(crate) fn record(conn: &Connection, sha: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO key_slots_state (id, sha256, changed_at_ms) VALUES (1, ?1, 0)
         ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256",
        [sha],
    )
    .storage("record the key-slot change")?;
    Ok(())
}

/// After the commit: the staged file replaces `<vault>.keys` (rename, then fsync the folder).
/// A file already renamed (by another process settling) is fine.
pub(crate) fn promote(paths: &VaultPaths) -> Result<()> {
    let next = next_path(paths);
    match fs::rename(&next, &paths.slots) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(&msg::IO_PUT_IN_PLACE, &paths.slots, &e)),
    }
    let dir = paths.slots.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::File::open(dir).and_then(|d| d.sync_all()).map_err(|e| Error::io(&msg::IO_PUT_IN_PLACE, &paths.slots, &e))
}

/// At unlock, under the database's write lock: finishes a committed change whose rename a
/// kill interrupted, removes a staged file whose change never committed, and removes
/// temporary files a killed write left. Returns what it did, for the audit log (empty when
/// there was nothing to do).
pub(crate) fn settle(conn: &mut Connection, paths: &VaultPaths) -> Result<String> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).storage("check the key-slot file")?;
    let mut did = Vec::new();
    let next = next_path(paths);
    if next.exists() {
        let current = fs::read(&paths.slots).map_err(|e| Error::io(&msg::IO_READ, &paths.slots, &e))?;
        let staged = fs::read(&next).map_err(|e| Error::io(&msg::IO_READ, &next, &e))?;
        match in_force(recorded(&tx)?.as_deref(), &current, Some(&staged)) {
            InForce::Staged => {
                promote(paths)?;
                did.push("finished a key-slot change that was interrupted after it was recorded");
            }
            InForce::Current => {
                fs::remove_file(&next).map_err(|e| Error::io(&msg::IO_REMOVE, &next, &e))?;
                did.push("removed a key-slot change that was interrupted before it was recorded");
            }
        }
    }
    let stale = stale_temp_files(&paths.slots);
    for f in &stale {
        fs::remove_file(f).map_err(|e| Error::io(&msg::IO_REMOVE, f, &e))?;
    }
    if !stale.is_empty() {
        did.push("removed temporary key-slot files left by an interrupted write");
    }
    tx.commit().storage("check the key-slot file")?;
    Ok(did.join("; "))
}
