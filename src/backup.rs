//! Backups an administrator can make while the vault is open, and restoring one: the copy is
//! checked (it opens with the administrator's passphrase, passes verify) before anything of
//! the vault in place is touched, and the vault it replaces is kept beside it.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::domain::error::{Error, Result};
use crate::domain::messages as msg;
use crate::domain::{Action, Clock};
use crate::session::Session;
use crate::vault::{Passphrase, VaultPaths};

/// A backup written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// The copy of the database.
    pub db: PathBuf,
    /// Its key-slot file (copy both together).
    pub keys: PathBuf,
    /// Consent events it holds.
    pub events: i64,
    /// Size of the database copy in bytes.
    pub bytes: u64,
}

/// Writes a backup of the open vault into `dir` as `consentry-backup-<stamp>.db` and its
/// `.keys` (admin). Other writers may go on meanwhile: the copy is one snapshot, holding
/// every event committed before it began.
pub fn backup(session: &mut Session, dir: &Path) -> Result<Backup> {
    session.check(Action::BackupVault)?;
    let stamp = session.now().format("%Y%m%d-%H%M%S").to_string();
    let mut n = 0;
    let dest = loop {
        let name =
            if n == 0 { format!("consentry-backup-{stamp}.db") } else { format!("consentry-backup-{stamp}-{n}.db") };
        let p = VaultPaths::new(dir.join(name));
        if !p.db.exists() && !p.slots.exists() {
            break p;
        }
        n += 1;
    };
    let (events, bytes) = session.backup_to(&dest)?;
    Ok(Backup { db: dest.db, keys: dest.slots, events, bytes })
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// Consent events in the restored vault.
    pub events: i64,
    /// Where the vault it replaced was moved (`None` if there was none).
    pub previous: Option<PathBuf>,
}

fn with_suffix(p: &Path, suffix: &str) -> PathBuf {
    let mut s = p.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Restores a backup over the vault at `target` (or where none is), as an administrator of
/// the backup. The copy is first put beside the target and checked there: it must open with
/// `operator`'s passphrase, the operator must be an administrator, and verify must find it
/// intact. Only then is the vault in place moved aside (to `<vault>.before-restore-<stamp>`
/// and its `.keys`) and the copy put in its place. Refused while the target vault is open.
pub fn restore(
    backup: &VaultPaths,
    target: &VaultPaths,
    operator: &str,
    passphrase: &Passphrase,
    clock: Arc<dyn Clock>,
) -> Result<Restored> {
    for p in [&backup.db, &backup.slots] {
        if !p.exists() {
            return Err(msg::BACKUP_HALF_MISSING.with("path", p.display()).into());
        }
    }
    if crate::vault::backup::has_wal(&target.db) {
        return Err(msg::RESTORE_TARGET_OPEN.with("path", target.db.display()).into());
    }
    let staging = VaultPaths::new(with_suffix(&target.db, ".restoring"));
    let cleanup = |s: &VaultPaths| {
        for p in [s.db.clone(), s.slots.clone(), with_suffix(&s.db, "-wal"), with_suffix(&s.db, "-shm")] {
            let _ = fs::remove_file(p);
        }
    };
    cleanup(&staging);
    let checked = (|| -> Result<i64> {
        if let Some(dir) = target.db.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(|e| Error::io(&msg::IO_CREATE_FOLDER, dir, &e))?;
        }
        fs::copy(&backup.db, &staging.db).map_err(|e| Error::io(&msg::IO_COPY, &backup.db, &e))?;
        fs::copy(&backup.slots, &staging.slots).map_err(|e| Error::io(&msg::IO_COPY, &backup.slots, &e))?;
        let mut s = Session::unlock(&staging, operator, passphrase, clock)?;
        let checked = (|| {
            s.check(Action::BackupVault)?;
            let report = crate::verify::verify(&mut s, crate::verify::Scope::Full)?;
            if !report.is_intact() {
                let first: Vec<String> = report.problems.iter().take(3).map(|p| p.message.clone()).collect();
                return Err(Error::from(
                    msg::BACKUP_DOES_NOT_VERIFY.with("count", report.problems.len()).with("first", first.join("; ")),
                ));
            }
            s.record("vault.restore", &backup.db.display().to_string(), "")?;
            Ok(report.events_checked as i64)
        })();
        let locked = s.lock();
        let events = checked?;
        locked?;
        Ok(events)
    })();
    let events = match checked {
        Ok(e) => e,
        Err(e) => {
            cleanup(&staging);
            return Err(e);
        }
    };
    let previous = if target.db.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S").to_string();
        let aside = VaultPaths::new(with_suffix(&target.db, &format!(".before-restore-{stamp}")));
        fs::rename(&target.db, &aside.db).map_err(|e| Error::io(&msg::IO_MOVE_ASIDE, &target.db, &e))?;
        if target.slots.exists() {
            fs::rename(&target.slots, &aside.slots).map_err(|e| Error::io(&msg::IO_MOVE_ASIDE, &target.slots, &e))?;
        }
        for ext in ["-wal", "-shm"] {
            let _ = fs::remove_file(with_suffix(&target.db, ext));
        }
        let _ = fs::remove_file(with_suffix(&target.slots, ".next"));
        Some(aside.db)
    } else {
        None
    };
    for ext in ["-wal", "-shm"] {
        let _ = fs::remove_file(with_suffix(&staging.db, ext));
    }
    fs::rename(&staging.slots, &target.slots).map_err(|e| Error::io(&msg::IO_PUT_IN_PLACE, &target.slots, &e))?;
    fs::rename(&staging.db, &target.db).map_err(|e| Error::io(&msg::IO_PUT_IN_PLACE, &target.db, &e))?;
    if let Some(dir) = target.db.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
    Ok(Restored { events, previous })
}
