//! How the vault's pages are encrypted and authenticated, and the one-time upgrade of a
//! vault made with the older setting.
//!
//! SQLCipher 4 encrypts each 4 KiB page with AES-256-CBC and authenticates it with an HMAC.
//! Its default HMAC is SHA-512; vaults now use **HMAC-SHA256**, chosen by measurement
//! (`cargo bench --bench consentry -- --large --cipher`, BENCHMARKS.md): at 1,000,000 events
//! it made an import of 100,000 events about 25% faster, a status lookup about 20% and a
//! capture about 12%, with export unchanged, on the same rows and pragmas. The MAC stays a
//! 256-bit HMAC under a key derived from the 256-bit data key, so page tampering is found
//! as before. 8 KiB pages were measured too: faster status lookups, but slower capture and
//! import, so the page size stays 4 KiB.
//!
//! A vault made before (HMAC-SHA512) still opens: opening tries the current setting first,
//! then the older one, and the first unlock that finds the older one **upgrades the file**:
//! - only with the vault to itself (an exclusive lock; if another process has it open, the
//!   upgrade waits for a later unlock and this one goes on with the older setting);
//! - its write-ahead log checkpointed, every page copied by SQLite's online backup into
//!   `NAME.cipher-upgrade` keyed with the same data key and the new setting, the copy's
//!   schema and row counts compared with the original's, the copy synced to disk;
//! - then the copy renamed over the original (one atomic rename, the folder synced).
//!
//! Killed at any point, the vault works: before the rename the original is untouched (the
//! half-made copy is removed by the next attempt), after it the copy is complete. No key
//! reaches disk: the copy is keyed with the same data key, which stays wrapped in the
//! key-slot file.

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{restrict_permissions, DataKey, VaultPaths};
use crate::domain::error::{Error, Result, StorageContext};

/// A vault's page HMAC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageHmac {
    /// What vaults use now.
    Sha256,
    /// SQLCipher 4's default, which vaults were made with before.
    Sha512,
}

impl PageHmac {
    /// The pragma that selects it, after `PRAGMA key` and before the first read.
    pub(crate) fn pragma(self) -> &'static str {
        match self {
            PageHmac::Sha256 => "PRAGMA cipher_hmac_algorithm = HMAC_SHA256;",
            PageHmac::Sha512 => "PRAGMA cipher_hmac_algorithm = HMAC_SHA512;",
        }
    }
}

/// Opens `db` keyed with `key` and `hmac`, and proves the pair right by reading the schema.
pub(crate) fn keyed(db: &Path, key: &DataKey, hmac: PageHmac, flags: OpenFlags) -> Result<Connection> {
    let damaged = || Error::VaultDamaged { path: db.to_path_buf() };
    let conn = Connection::open_with_flags(db, flags).map_err(|e| {
        tracing::error!(error = %e, "open vault");
        damaged()
    })?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;").storage("configure encryption")?;
    conn.execute_batch(&key.sqlcipher_pragma_with(hmac)).storage("configure encryption")?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map_err(|e| {
        tracing::debug!(error = %e, ?hmac, "vault key check");
        damaged()
    })?;
    Ok(conn)
}

/// Opens `db` with whichever page HMAC it was made with (the current one first); returns
/// the connection and the setting that opened it.
pub(crate) fn open_either(db: &Path, key: &DataKey, flags: OpenFlags) -> Result<(Connection, PageHmac)> {
    match keyed(db, key, PageHmac::Sha256, flags) {
        Ok(c) => Ok((c, PageHmac::Sha256)),
        Err(Error::VaultDamaged { .. }) => Ok((keyed(db, key, PageHmac::Sha512, flags)?, PageHmac::Sha512)),
        Err(e) => Err(e),
    }
}

/// Where the upgraded copy is made before it replaces the vault.
pub(crate) fn upgrade_path(paths: &VaultPaths) -> PathBuf {
    let mut p = paths.db.clone().into_os_string();
    p.push(".cipher-upgrade");
    PathBuf::from(p)
}

/// Upgrades a vault made with HMAC-SHA512 to the current setting (see the module's
/// documentation). Returns `false`, changing nothing, when another connection has the
/// vault open.
pub(crate) fn upgrade(paths: &VaultPaths, key: &DataKey) -> Result<bool> {
    let ctx = "upgrade the vault's encryption";
    let copy = upgrade_path(paths);
    remove_with_sidecars(&copy);
    let src = keyed(&paths.db, key, PageHmac::Sha512, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    // The vault to ourselves: in exclusive locking mode the write lock taken here is kept
    // until the connection closes; with anyone else's connection open, it is refused at once.
    src.execute_batch("PRAGMA locking_mode = EXCLUSIVE;").storage(ctx)?;
    if src.execute_batch("BEGIN EXCLUSIVE; COMMIT;").is_err() {
        tracing::info!("vault in use elsewhere: its encryption is upgraded at a later unlock");
        return Ok(false);
    }
    src.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").storage(ctx)?;
    let counts = |c: &Connection| -> Result<(i64, i64, i64, i64)> {
        c.query_row(
            "SELECT (SELECT count(*) FROM sqlite_master), (SELECT count(*) FROM consent_event),
                    (SELECT coalesce(max(seq), 0) FROM audit_entry), (SELECT count(*) FROM subject)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .storage(ctx)
    };
    let before = counts(&src)?;
    let made = (|| -> Result<()> {
        let mut dst = Connection::open(&copy).storage(ctx)?;
        restrict_permissions(&copy)?;
        dst.execute_batch("PRAGMA cipher_log_level = NONE;").storage(ctx)?;
        dst.execute_batch(&key.sqlcipher_pragma_with(PageHmac::Sha256)).storage(ctx)?;
        {
            let backup = rusqlite::backup::Backup::new(&src, &mut dst).storage(ctx)?;
            match backup.step(-1).storage(ctx)? {
                rusqlite::backup::StepResult::Done => {}
                _ => return Err(Error::Busy),
            }
        }
        if counts(&dst)? != before {
            return Err(Error::Storage { context: "check the vault's upgraded copy" });
        }
        let mode: String = dst.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).storage(ctx)?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Storage { context: "switch the upgraded copy to WAL mode" });
        }
        dst.close().map_err(|_| Error::Storage { context: ctx })?;
        fs::File::open(&copy).and_then(|f| f.sync_all()).map_err(|_| Error::Storage { context: ctx })?;
        // The copy opens with the new setting, on its own.
        drop(keyed(&copy, key, PageHmac::Sha256, OpenFlags::SQLITE_OPEN_READ_WRITE)?);
        Ok(())
    })();
    if let Err(e) = made {
        remove_with_sidecars(&copy);
        return Err(e);
    }
    // The original's log is empty (checkpointed above) and its connection closes here; no
    // stale log or index may stay beside the file that replaces it.
    drop(src);
    for side in ["-wal", "-shm"] {
        let mut p = paths.db.clone().into_os_string();
        p.push(side);
        let _ = fs::remove_file(PathBuf::from(p));
    }
    remove_with_sidecars_only(&copy);
    fs::rename(&copy, &paths.db).map_err(|_| Error::Storage { context: ctx })?;
    if let Some(dir) = paths.db.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::File::open(dir).and_then(|f| f.sync_all()).map_err(|_| Error::Storage { context: ctx })?;
    }
    tracing::info!("vault encryption upgraded to HMAC-SHA256 pages");
    Ok(true)
}

fn remove_with_sidecars(db: &Path) {
    let _ = fs::remove_file(db);
    remove_with_sidecars_only(db);
}

fn remove_with_sidecars_only(db: &Path) {
    for side in ["-wal", "-shm", "-journal"] {
        let mut p = db.to_path_buf().into_os_string();
        p.push(side);
        let _ = fs::remove_file(PathBuf::from(p));
    }
}

/// Turns a vault back into the older format (HMAC-SHA512 pages), as vaults were made before
/// the upgrade: for tests of the upgrade. The vault must not be open.
#[cfg(feature = "test-support")]
pub fn downgrade_for_tests(paths: &VaultPaths, key_bytes: &[u8]) -> Result<()> {
    let mut bytes = key_bytes.to_vec();
    let key = DataKey::from_bytes(&mut bytes)?;
    let ctx = "downgrade the vault for a test";
    let src = keyed(&paths.db, &key, PageHmac::Sha256, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    src.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").storage(ctx)?;
    let old = upgrade_path(paths);
    remove_with_sidecars(&old);
    {
        let mut dst = Connection::open(&old).storage(ctx)?;
        dst.execute_batch(&key.sqlcipher_pragma_with(PageHmac::Sha512)).storage(ctx)?;
        rusqlite::backup::Backup::new(&src, &mut dst).storage(ctx)?.step(-1).storage(ctx)?;
        dst.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)).storage(ctx)?;
    }
    drop(src);
    remove_with_sidecars_only(&paths.db);
    fs::rename(&old, &paths.db).map_err(|_| Error::Storage { context: ctx })?;
    Ok(())
}
