//! The vault: one SQLCipher file plus a key-slot file beside it (`<vault>.keys`).
//!
//! Opening follows one order: unwrap the data key from the operator's slot (a wrong
//! passphrase stops here, before the database is opened) → `PRAGMA key` → read
//! `sqlite_master` to prove the key → WAL, `synchronous=FULL`, `foreign_keys=ON`,
//! `temp_store=MEMORY`, a 64 MiB cache → migrations → the operator's account.

pub(crate) mod backup;
pub(crate) mod cipher;
mod keyslot;
mod migrate;
mod operators;
pub(crate) mod personal;
pub(crate) mod schema;
pub(crate) mod seal_older;
pub(crate) mod search_index;
mod secret;
mod sql;
pub(crate) mod staged;

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OpenFlags};

#[cfg(feature = "test-support")]
pub use cipher::downgrade_for_tests;
pub use migrate::{migration_sql, SCHEMA_VERSION};
pub use schema::{SchemaChange, SchemaDifference};
pub use secret::{DataKey, Passphrase, RecoveryKey, MIN_PASSPHRASE_CHARS};

pub(crate) use keyslot::{SlotFile, SlotRef, Unwrapped};
pub(crate) use operators::{find_operator, row_to_operator};
pub(crate) use secret::random_fill;
pub(crate) use sql::{column, opt_column};

use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::Clock;
use crate::domain::{name_key, validate_name, Operator, Role};

/// An opened vault, as one operator, before it becomes a session: the connection (keyed,
/// configured and migrated), the data key, and who and where we are.
pub(crate) struct Opened {
    pub(crate) conn: Connection,
    pub(crate) key: DataKey,
    pub(crate) vault_id: String,
    pub(crate) operator: Operator,
    pub(crate) device_id: String,
    pub(crate) device_name: String,
    /// What this slot holds of the personal-data keys.
    pub(crate) personal: personal::Personal,
    /// The slot that opened the vault, and whether it still lacks its own recipient (made
    /// before schema 10; the session gives it one).
    pub(crate) slot_id: String,
    pub(crate) slot_outdated: bool,
    /// What unlocking did to finish or discard an interrupted key-slot change (for the
    /// unlock's audit entry; empty when there was nothing to do).
    pub(crate) settled: String,
}

/// Where a vault's files are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VaultPaths {
    /// The SQLCipher database.
    pub db: PathBuf,
    /// The key-slot file beside it.
    pub slots: PathBuf,
}

impl VaultPaths {
    /// The files of the vault whose database is at `db`.
    pub fn new(db: impl Into<PathBuf>) -> Self {
        let db = db.into();
        let mut slots = db.clone().into_os_string();
        slots.push(".keys");
        VaultPaths { db, slots: PathBuf::from(slots) }
    }

    /// The default vault: `consentry.db` in the platform's data folder
    /// (`~/.local/share/consentry/` on Linux).
    pub fn default_location() -> Result<Self> {
        let base = dirs::data_dir().ok_or_else(|| Error::from(&msg::NO_DATA_FOLDER))?;
        Ok(VaultPaths::new(base.join("consentry").join("consentry.db")))
    }

    /// Whether a vault exists here.
    pub fn exists(&self) -> bool {
        self.db.exists()
    }

    fn sidecars(&self) -> [PathBuf; 3] {
        let with = |suffix: &str| {
            let mut p = self.db.clone().into_os_string();
            p.push(suffix);
            PathBuf::from(p)
        };
        [with("-wal"), with("-shm"), with("-journal")]
    }
}

/// What a new vault needs.
pub struct NewVault<'a> {
    /// The first administrator's name.
    pub admin_name: &'a str,
    /// Their passphrase.
    pub passphrase: &'a Passphrase,
    /// A name for this device (shown in the ledger and in bundles).
    pub device_name: &'a str,
}

/// Creates a vault with its first administrator. Returns the opened vault and the recovery
/// key, which must be shown to the person once and is never stored in the clear.
pub(crate) fn create(paths: &VaultPaths, new: NewVault<'_>, clock: &dyn Clock) -> Result<(Opened, RecoveryKey)> {
    let admin_name = validate_name(new.admin_name)?;
    new.passphrase.check_strength()?;
    let device_name = new.device_name.trim();
    if device_name.is_empty() {
        return Err(Error::from(&msg::DEVICE_NAME_EMPTY));
    }
    if paths.db.exists() || paths.slots.exists() {
        return Err(Error::VaultExists { path: paths.db.clone() });
    }
    if let Some(dir) = paths.db.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let result = create_files(paths, &admin_name, new.passphrase, device_name, clock);
    if result.is_err() {
        for p in [paths.db.clone(), paths.slots.clone()].into_iter().chain(paths.sidecars()) {
            let _ = fs::remove_file(p);
        }
    }
    result
}

fn create_files(
    paths: &VaultPaths,
    admin_name: &str,
    passphrase: &Passphrase,
    device_name: &str,
    clock: &dyn Clock,
) -> Result<(Opened, RecoveryKey)> {
    let key = DataKey::generate()?;
    let recovery = RecoveryKey::generate()?;
    let vault_id = uuid::Uuid::now_v7().to_string();
    let now = clock.now();
    let now_ms = now.timestamp_millis();

    let mut conn = open_connection(paths, &key, true)?;
    restrict_permissions(&paths.db)?;
    migrate::migrate(&mut conn, now_ms)?;

    let mut device_secret = zeroize::Zeroizing::new([0u8; 32]);
    random_fill(device_secret.as_mut_slice())?;
    let signing = ed25519_dalek::SigningKey::from_bytes(&device_secret);
    let device_id = uuid::Uuid::now_v7().to_string();
    let admin_id = crate::domain::OperatorId::generate();
    let admin_key = name_key(admin_name);

    let tx = conn.transaction().storage("create the vault")?;
    tx.execute(
        "INSERT INTO vault_meta (key, value) VALUES ('vault_id', ?1), ('created_at', ?2)",
        params![vault_id, now.to_rfc3339()],
    )
    .storage("create the vault")?;
    tx.execute(
        "INSERT INTO device (id, name, public_key, secret_key, is_local, created_at_ms) VALUES (?1, ?2, ?3, ?4, 1, ?5)",
        params![
            device_id,
            device_name,
            signing.verifying_key().as_bytes().as_slice(),
            device_secret.as_slice(),
            now_ms
        ],
    )
    .storage("create the vault")?;
    tx.execute(
        "INSERT INTO operator (id, name, name_key, role, created_at_ms) VALUES (?1, ?2, ?3, 'admin', ?4)",
        params![admin_id, admin_name, admin_key, now_ms],
    )
    .storage("create the vault")?;
    crate::audit::append(
        &tx,
        &crate::audit::Entry {
            at: now,
            actor_id: &admin_id,
            actor_name: admin_name,
            action: "vault.create",
            target: &vault_id,
            detail: &format!("device {device_id} \"{device_name}\"; schema {SCHEMA_VERSION}"),
        },
    )?;
    let mut slots = SlotFile::new(&vault_id);
    let (admin_slot, admin_recipient) = slots.seal(&SlotRef::Operator(&admin_key), passphrase.expose(), &key)?;
    let (recovery_slot, recovery_recipient) = slots.seal(&SlotRef::Recovery, recovery.expose(), &key)?;
    let identity = personal::create_key_pair(&tx, now_ms)?;
    personal::grant(&tx, &admin_slot, &admin_recipient, &identity, now_ms)?;
    personal::grant(&tx, &recovery_slot, &recovery_recipient, &identity, now_ms)?;
    let mut pd = personal::Personal::load(&tx, &admin_slot, None)?;
    pd.adopt(identity, None);
    slots.write(&paths.slots)?;
    tx.commit().storage("create the vault")?;

    let operator = Operator { id: admin_id, name: admin_name.to_string(), role: Role::Admin, disabled: false };
    Ok((
        Opened {
            conn,
            key,
            vault_id,
            operator,
            device_id,
            device_name: device_name.to_string(),
            settled: String::new(),
            personal: pd,
            slot_id: admin_slot,
            slot_outdated: false,
        },
        recovery,
    ))
}

/// Opens the vault as one operator. A wrong passphrase is reported before the database is
/// opened, so it never changes a byte of the vault or its key slots.
pub(crate) fn unlock(
    paths: &VaultPaths,
    operator_name: &str,
    passphrase: &Passphrase,
    clock: &dyn Clock,
) -> Result<Opened> {
    let name_key = name_key(operator_name);
    let unknown = || Error::UnknownOperator { name: operator_name.trim().to_string(), vault: paths.db.clone() };
    let slot = SlotRef::Operator(&name_key);
    let (conn, key, slots) = open_with(paths, &slot, passphrase.expose(), unknown)?;
    open_as(paths, conn, key, &slots, &slot, operator_name, clock)
}

/// Opens the vault with the recovery key, as one operator (whose passphrase the caller
/// then resets).
pub(crate) fn recover(
    paths: &VaultPaths,
    recovery: &RecoveryKey,
    operator_name: &str,
    clock: &dyn Clock,
) -> Result<Opened> {
    let wrong = || Error::WrongRecoveryKey { vault: paths.db.clone() };
    let (conn, key, slots) = open_with(paths, &SlotRef::Recovery, recovery.expose(), wrong)?;
    open_as(paths, conn, key, &slots, &SlotRef::Recovery, operator_name, clock)
}

/// Unwraps the data key from a slot of the key-slot file in force and opens the database.
/// Normally that file is `<vault>.keys`, and a wrong secret stops before the database is
/// touched. Only when a key-slot change was interrupted (a staged `<vault>.keys.next` exists,
/// see `staged.rs`) does the database's record decide which file is in force, and the secret
/// must open that one.
fn open_with(
    paths: &VaultPaths,
    slot: &SlotRef<'_>,
    secret: &[u8],
    missing: impl Fn() -> Error,
) -> Result<(Connection, Unwrapped, SlotFile)> {
    if !paths.db.exists() {
        return Err(Error::VaultNotFound { path: paths.db.clone() });
    }
    let wrong = || match slot {
        SlotRef::Recovery => Error::WrongRecoveryKey { vault: paths.db.clone() },
        SlotRef::Operator(_) => Error::WrongPassphrase { vault: paths.db.clone() },
    };
    let (current, current_bytes) = SlotFile::read_with_bytes(&paths.slots)?;
    let next = staged::next_path(paths);
    let staged_file = if next.exists() { SlotFile::read_with_bytes(&next).ok() } else { None };
    let in_current = current.has(slot);
    let in_staged = staged_file.as_ref().is_some_and(|(f, _)| f.has(slot));
    if !in_current && !in_staged {
        return Err(missing());
    }
    let from_current = if in_current { current.open_full(slot, secret)? } else { None };
    let (key, from_staged) = match (from_current, &staged_file) {
        (Some(k), _) => (k, false),
        (None, Some((f, _))) if in_staged => (f.open_full(slot, secret)?.ok_or_else(wrong)?, true),
        (None, _) => return Err(wrong()),
    };
    let conn = match open_connection(paths, &key.key, false) {
        Ok(c) => c,
        // A data-key rotation killed after the database was re-keyed and before the new
        // key-slot file was recorded: only the staged file's key opens the database, so it
        // is the one in force; record it (the unlock then puts it in place).
        Err(Error::VaultDamaged { .. }) if !from_staged => {
            // The slot opened but its key does not open the database: the keys were rotated
            // after this key-slot file was made (and this operator is not in the staged one).
            let stale = || Error::KeySlots { path: paths.slots.clone(), problem: &msg::SLOTS_STALE };
            let Some((staged, staged_bytes)) = staged_file.as_ref().filter(|(f, _)| f.has(slot)) else {
                return Err(stale());
            };
            let Some(k) = staged.open_full(slot, secret)? else { return Err(stale()) };
            let Ok(conn) = open_connection(paths, &k.key, false) else { return Err(stale()) };
            staged::record(&conn, &crate::domain::canonical::sha256_hex(staged_bytes))?;
            return Ok((conn, k, staged.clone()));
        }
        Err(e) => return Err(e),
    };
    let Some((staged, staged_bytes)) = staged_file else { return Ok((conn, key, current)) };
    let force = staged::in_force(staged::recorded(&conn)?.as_deref(), &current_bytes, Some(&staged_bytes));
    match (force, from_staged) {
        (staged::InForce::Current, false) => Ok((conn, key, current)),
        (staged::InForce::Staged, true) => Ok((conn, key, staged)),
        // The secret opened the file that is not in force: it must open the one that is.
        (staged::InForce::Staged, false) => match staged.open_full(slot, secret)? {
            Some(k) => Ok((conn, k, staged)),
            None => Err(wrong()),
        },
        (staged::InForce::Current, true) => Err(wrong()),
    }
}

fn open_as(
    paths: &VaultPaths,
    mut conn: Connection,
    unwrapped: Unwrapped,
    slots: &SlotFile,
    slot: &SlotRef<'_>,
    operator_name: &str,
    clock: &dyn Clock,
) -> Result<Opened> {
    migrate::migrate(&mut conn, clock.now().timestamp_millis())?;
    let vault_id: String = conn
        .query_row("SELECT value FROM vault_meta WHERE key = 'vault_id'", [], |r| r.get(0))
        .storage("read the vault id")?;
    if vault_id != slots.vault_id {
        return Err(Error::VaultDamaged { path: paths.db.clone() });
    }
    let operator = find_operator(&conn, operator_name)?
        .ok_or_else(|| Error::UnknownOperator { name: operator_name.trim().to_string(), vault: paths.db.clone() })?;
    if operator.disabled {
        return Err(Error::OperatorDisabled { name: operator.name });
    }
    let (device_id, device_name): (String, String) = conn
        .query_row("SELECT id, name FROM device WHERE is_local = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .storage("read this device")?;
    let settled = staged::settle(&mut conn, paths)?;
    let slot_id = slots.id_of(slot);
    let Unwrapped { key, identity } = unwrapped;
    let slot_outdated = identity.is_none();
    let personal = personal::Personal::load(&conn, &slot_id, identity.as_ref())?;
    Ok(Opened { conn, key, vault_id, operator, device_id, device_name, settled, personal, slot_id, slot_outdated })
}

/// Writes a key-slot file atomically (mode 0600), e.g. a staged one.
pub(crate) fn write_slots(slots: &SlotFile, path: &Path) -> Result<()> {
    slots.write(path)
}

/// Re-encrypts the whole database under `key` (SQLCipher's `PRAGMA rekey`, one transaction).
pub(crate) fn rekey(conn: &Connection, key: &DataKey) -> Result<()> {
    let hex = zeroize::Zeroizing::new(hex::encode(key.expose_bytes()));
    let pragma = zeroize::Zeroizing::new(format!("PRAGMA rekey = \"x'{}'\";", hex.as_str()));
    conn.execute_batch(&pragma).storage("re-encrypt the vault")
}

/// The data key an operator's key slot unwraps, as raw bytes: for tests that open the
/// database with plain SQL, as someone holding only that operator's passphrase could.
#[cfg(feature = "test-support")]
pub fn data_key_for_tests(paths: &VaultPaths, operator_name: &str, passphrase: &Passphrase) -> Result<Vec<u8>> {
    let (slots, _) = SlotFile::read_with_bytes(&paths.slots)?;
    let name_key = name_key(operator_name);
    let key = slots
        .open(&SlotRef::Operator(&name_key), passphrase.expose())?
        .ok_or(Error::WrongPassphrase { vault: paths.db.clone() })?;
    Ok(key.expose_bytes().to_vec())
}

/// Opens a second, read-only connection to an open vault, for work that must not hold the
/// session's connection (verify): WAL lets it read beside the writer. It never migrates or
/// writes (`query_only`).
pub(crate) fn open_reader(paths: &VaultPaths, key: &DataKey) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let (conn, _) = cipher::open_either(&paths.db, key, flags)?;
    conn.execute_batch("PRAGMA query_only = ON; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384;")
        .storage("configure a reader")?;
    conn.busy_timeout(std::time::Duration::from_secs(5)).storage("configure a reader")?;
    Ok(conn)
}

/// Opens the SQLCipher database with the data key, in the order SQLCipher needs. A vault
/// made with the older page HMAC is upgraded first when nobody else has it open
/// (`cipher.rs`).
fn open_connection(paths: &VaultPaths, key: &DataKey, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = if create {
        cipher::keyed(&paths.db, key, cipher::PageHmac::Sha256, flags)?
    } else {
        match cipher::open_either(&paths.db, key, flags)? {
            (c, cipher::PageHmac::Sha256) => c,
            (older, cipher::PageHmac::Sha512) => {
                drop(older);
                if cipher::upgrade(paths, key)? {
                    cipher::keyed(&paths.db, key, cipher::PageHmac::Sha256, flags)?
                } else {
                    cipher::keyed(&paths.db, key, cipher::PageHmac::Sha512, flags)?
                }
            }
        }
    };
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0)).storage("configure the vault")?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(Error::Storage { context: "switch the vault to WAL mode" });
    }
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA secure_delete = ON;
         PRAGMA synchronous = FULL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;",
    )
    .storage("configure the vault")?;
    conn.busy_timeout(std::time::Duration::from_secs(5)).storage("configure the vault")?;
    // Hot paths (capture, status, search, import) keep their statements prepared; the
    // default cache of 16 would evict them between calls.
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| Error::io(&msg::IO_CREATE_FOLDER, dir, &e))
}

pub(crate) fn restrict_permissions(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o600))
            .map_err(|e| Error::io(&msg::IO_PROTECT, path, &e))?;
    }
    Ok(())
}
