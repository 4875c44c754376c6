//! The authenticated session every engine operation takes: the open vault, the operator
//! and their role, this device, and the clock. Reads go through [`Session::read`] and
//! writes through [`Session::write`], which check the role inside the engine, run in one
//! transaction and write the audit entry in that same transaction.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::audit::{self, AuditEntry};
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::{Action, Clock, DeviceId, Operator, Role};
use crate::vault::personal::{FieldKey, IndexKey, Personal};
use crate::vault::{self, DataKey, NewVault, Opened, Passphrase, RecoveryKey, SlotFile, SlotRef, VaultPaths};

mod keys;
mod rotate;

pub use rotate::Rotated;

/// An unlocked vault, as one operator. Dropping it closes the database and zeroes the key;
/// [`Session::lock`] also records the lock in the audit log.
pub struct Session {
    conn: Connection,
    key: DataKey,
    paths: VaultPaths,
    vault_id: String,
    operator: Operator,
    device_id: DeviceId,
    device_name: String,
    clock: Arc<dyn Clock>,
    /// `PRAGMA schema_version` when the schema last matched the migrations' (None: not yet
    /// checked, or it did not match).
    schema_checked: Option<i64>,
    /// What this session holds of the personal-data keys (see `vault/personal.rs`).
    personal: Personal,
    /// The key slot that opened the vault, and whether it still lacks its own recipient.
    slot_id: String,
    slot_outdated: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("vault", &self.paths.db)
            .field("operator", &self.operator.name)
            .field("role", &self.operator.role)
            .finish_non_exhaustive()
    }
}

/// One write transaction in progress.
pub(crate) struct Write<'s> {
    pub(crate) tx: Transaction<'s>,
    pub(crate) now: DateTime<FixedOffset>,
    pub(crate) operator: &'s Operator,
    pub(crate) device_id: &'s DeviceId,
    pub(crate) key: &'s DataKey,
    pub(crate) paths: &'s VaultPaths,
    audits: Vec<(&'static str, String, String)>,
    staged_slots: bool,
    pub(crate) personal: &'s mut Personal,
    /// A field key drawn in this transaction, adopted by the session when it commits.
    drawn: Option<FieldKey>,
}

impl Write<'_> {
    /// The key-slot file in force, to change inside this transaction.
    pub(crate) fn slots(&self) -> Result<SlotFile> {
        vault::staged::read_in_force(&self.tx, self.paths)
    }

    /// Stages a changed key-slot file: it takes effect when this transaction commits, with
    /// the change and its audit entry, or not at all (see `vault/staged.rs`).
    pub(crate) fn stage_slots(&mut self, slots: &SlotFile) -> Result<()> {
        vault::staged::stage(&self.tx, self.paths, slots, self.now.timestamp_millis())?;
        self.staged_slots = true;
        Ok(())
    }

    /// Seals one personal detail of one row (`place` names the table and field); `None`
    /// while the vault's sealing is pending (then the detail goes in its plaintext column).
    pub(crate) fn seal(&mut self, place: &str, row_id: &str, plain: &[u8]) -> Result<Option<Vec<u8>>> {
        let now_ms = self.now.timestamp_millis();
        self.personal.seal(&self.tx, &mut self.drawn, place, row_id, plain, now_ms)
    }

    /// Opens one sealed detail; refused without the private personal-data key.
    pub(crate) fn open_text(&mut self, place: &str, row_id: &str, sealed: &[u8]) -> Result<String> {
        self.personal.open_text(&self.tx, place, row_id, sealed)
    }

    /// The key blind search terms are made with.
    pub(crate) fn index(&self) -> &IndexKey {
        self.personal.index()
    }

    /// Records an action in the audit log, in this transaction.
    pub(crate) fn audit(&mut self, action: &'static str, target: impl Into<String>, detail: impl Into<String>) {
        self.audits.push((action, target.into(), detail.into()));
    }
}

impl Session {
    fn from_opened(o: Opened, paths: &VaultPaths, clock: Arc<dyn Clock>) -> Self {
        let Opened {
            conn,
            key,
            vault_id,
            operator,
            device_id,
            device_name,
            settled: _,
            personal,
            slot_id,
            slot_outdated,
        } = o;
        Session {
            conn,
            key,
            paths: paths.clone(),
            vault_id,
            operator,
            device_id: device_id.into(),
            device_name,
            clock,
            schema_checked: None,
            personal,
            slot_id,
            slot_outdated,
        }
    }

    /// Creates a vault with its first administrator, signed in. Returns the session and
    /// the recovery key, which must be shown to the person once and is never stored in the
    /// clear.
    pub fn create(paths: &VaultPaths, new: NewVault<'_>, clock: Arc<dyn Clock>) -> Result<(Session, RecoveryKey)> {
        let (opened, recovery) = vault::create(paths, new, clock.as_ref())?;
        Ok((Session::from_opened(opened, paths, clock), recovery))
    }

    /// Unlocks the vault as one operator. A wrong passphrase is reported before the
    /// database is opened, so it never changes a byte of the vault or its key slots.
    pub fn unlock(
        paths: &VaultPaths,
        operator_name: &str,
        passphrase: &Passphrase,
        clock: Arc<dyn Clock>,
    ) -> Result<Session> {
        let opened = vault::unlock(paths, operator_name, passphrase, clock.as_ref())?;
        let settled = opened.settled.clone();
        let mut session = Session::from_opened(opened, paths, clock);
        session.record("vault.unlock", "", &settled)?;
        match session.settle_personal_keys(passphrase.expose()) {
            // While the schema differs nothing is written; the keys settle at a later unlock,
            // and an administrator must still be able to sign in to restore the schema.
            Err(Error::SchemaAltered { .. }) => tracing::warn!("personal-data keys not settled: the schema differs"),
            other => other?,
        }
        Ok(session)
    }

    /// Opens the vault with the recovery key and sets a new passphrase for one operator.
    pub fn recover(
        paths: &VaultPaths,
        recovery: &RecoveryKey,
        operator_name: &str,
        new_passphrase: &Passphrase,
        clock: Arc<dyn Clock>,
    ) -> Result<Session> {
        new_passphrase.check_strength()?;
        let opened = vault::recover(paths, recovery, operator_name, clock.as_ref())?;
        let settled = opened.settled.clone();
        let mut session = Session::from_opened(opened, paths, clock);
        if !settled.is_empty() {
            session.record("vault.key_slots_settled", "", &settled)?;
        }
        session.settle_recovery_slot(recovery)?;
        session.reseal_own_slot(new_passphrase, "vault.recover")?;
        Ok(session)
    }

    /// The newest `limit` entries of the audit log, newest first.
    pub fn audit_log(&mut self, limit: usize) -> Result<Vec<AuditEntry>> {
        self.read(Action::ReadAudit, |conn| audit::list(conn, limit))
    }

    /// The newest `limit` entries of the audit log that pass `filter`, newest first.
    pub fn audit_log_filtered(&mut self, filter: &audit::AuditFilter, limit: usize) -> Result<Vec<AuditEntry>> {
        self.read(Action::ReadAudit, |conn| audit::list_filtered(conn, filter, limit))
    }

    /// Records that the audit log was exported (`detail`: how many entries and the filter);
    /// the caller has read them with [`Session::audit_log_filtered`].
    pub fn record_audit_export(&mut self, detail: &str) -> Result<()> {
        self.check(Action::ReadAudit)?;
        self.record("audit.export", "", detail)
    }

    /// Who is signed in.
    pub fn operator(&self) -> &Operator {
        &self.operator
    }

    /// The signed-in operator's role.
    pub fn role(&self) -> Role {
        self.operator.role
    }

    /// This device's id in the ledger.
    pub fn device_id(&self) -> &DeviceId {
        &self.device_id
    }

    /// This device's name.
    pub fn device_name(&self) -> &str {
        &self.device_name
    }

    /// The vault's files.
    pub fn paths(&self) -> &VaultPaths {
        &self.paths
    }

    /// The vault's id.
    pub fn vault_id(&self) -> &str {
        &self.vault_id
    }

    /// The current time from the session's clock.
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.clock.now()
    }

    /// Checks that the operator's role may do `action` (a denial is audited), for front doors
    /// that must ask before they prompt for more (a new operator's passphrase).
    pub fn require(&mut self, action: Action) -> Result<()> {
        self.check(action)
    }

    /// Fails with `PermissionDenied` (and records the attempt) unless the role may do `action`.
    pub(crate) fn check(&mut self, action: Action) -> Result<()> {
        if action.allows(self.operator.role) {
            return Ok(());
        }
        let denied = Error::PermissionDenied {
            action: action.describe(),
            role: self.operator.role,
            needed: action.roles().to_vec(),
        };
        self.append_audit("permission.denied", action.name(), "")?;
        Err(denied)
    }

    /// A read-only connection of its own, after checking the role: for long reads (verify)
    /// that must not hold this session while they run. It holds a copy of the data key,
    /// zeroed when it is dropped; stop it (its interrupt handle) when the session locks.
    pub(crate) fn open_reader(&mut self, action: Action) -> Result<Connection> {
        self.check(action)?;
        vault::open_reader(&self.paths, &self.key.duplicate())
    }

    /// Runs a read after checking the role.
    pub(crate) fn read<T>(&mut self, action: Action, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        self.check(action)?;
        f(&self.conn)
    }

    /// Runs a write in one transaction after checking the role; the audit entries the
    /// closure records (or, if none, one named after the action) commit with it.
    pub(crate) fn write<T>(&mut self, action: Action, f: impl FnOnce(&mut Write<'_>) -> Result<T>) -> Result<T> {
        self.check(action)?;
        self.check_schema()?;
        let now = self.clock.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).storage("start a change")?;
        let (out, staged, drawn) = {
            let mut w = Write {
                tx,
                now,
                operator: &self.operator,
                device_id: &self.device_id,
                key: &self.key,
                paths: &self.paths,
                audits: Vec::new(),
                staged_slots: false,
                personal: &mut self.personal,
                drawn: None,
            };
            let out = f(&mut w)?;
            if w.audits.is_empty() {
                w.audits.push((action.name(), String::new(), String::new()));
            }
            for (act, target, detail) in &w.audits {
                audit::append(
                    &w.tx,
                    &audit::Entry {
                        at: now,
                        actor_id: &w.operator.id,
                        actor_name: &w.operator.name,
                        action: act,
                        target,
                        detail,
                    },
                )?;
            }
            let staged = w.staged_slots;
            let drawn = w.drawn.take();
            w.tx.commit().storage("save the change")?;
            (out, staged, drawn)
        };
        if let Some(k) = drawn {
            self.personal.adopt_field_key(k);
        }
        if staged {
            // Committed: the staged file is in force. If the rename fails, the next unlock
            // finishes it (the database's record says which file is in force).
            if let Err(e) = vault::staged::promote(&self.paths) {
                tracing::warn!(error = %e, "key-slot file not yet renamed; the next unlock finishes it");
            }
        }
        Ok(out)
    }

    /// Refuses to write while the schema differs from what the migrations create: the
    /// append-only triggers and the current-state trigger are what the records rest on.
    /// Checked again whenever SQLite's schema counter moved since the last match, so a
    /// change made while the vault is open is caught at the next write. Entries the audit
    /// log records on its own (unlock, lock, denials, verify) are still written.
    fn check_schema(&mut self) -> Result<()> {
        let version = vault::schema::version(&self.conn)?;
        if self.schema_checked == Some(version) {
            return Ok(());
        }
        let differences = vault::schema::differences(&self.conn)?;
        if differences.is_empty() {
            self.schema_checked = Some(version);
            return Ok(());
        }
        self.schema_checked = None;
        Err(vault::schema::altered(&differences))
    }

    /// Puts back the triggers, indexes and views the migrations create and removes those
    /// nobody made, in one transaction with its audit entry (administrators only). Returns
    /// what could not be restored this way (tables): restore the vault from a backup then.
    pub fn restore_schema(&mut self) -> Result<Vec<vault::SchemaDifference>> {
        self.check(Action::RestoreSchema)?;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).storage("restore the schema")?;
        let before = vault::schema::differences(&tx)?;
        let left = vault::schema::restore(&tx)?;
        let restored: Vec<String> =
            before.iter().filter(|d| !left.contains(d)).map(|d| format!("{} {}", d.kind, d.name)).collect();
        audit::append(
            &tx,
            &audit::Entry {
                at: self.clock.now(),
                actor_id: &self.operator.id,
                actor_name: &self.operator.name,
                action: Action::RestoreSchema.name(),
                target: "",
                detail: &restored.join(", "),
            },
        )?;
        tx.commit().storage("restore the schema")?;
        self.schema_checked = None;
        Ok(left)
    }

    /// Records an event in the audit log on its own (unlock, lock, denials).
    pub(crate) fn record(&mut self, action: &'static str, target: &str, detail: &str) -> Result<()> {
        self.append_audit(action, target, detail)
    }

    /// Records an event in the audit log on its own, with `also` written in the same
    /// transaction (what the event leaves behind, such as where a verify reached).
    pub(crate) fn record_with(
        &mut self,
        action: &'static str,
        target: &str,
        detail: &str,
        also: impl FnOnce(&Connection, i64) -> Result<()>,
    ) -> Result<()> {
        let now = self.clock.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).storage("write the audit log")?;
        also(&tx, now.timestamp_millis())?;
        audit::append(
            &tx,
            &audit::Entry {
                at: now,
                actor_id: &self.operator.id,
                actor_name: &self.operator.name,
                action,
                target,
                detail,
            },
        )?;
        tx.commit().storage("write the audit log")
    }

    fn append_audit(&mut self, action: &str, target: &str, detail: &str) -> Result<()> {
        let now = self.clock.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).storage("write the audit log")?;
        audit::append(
            &tx,
            &audit::Entry {
                at: now,
                actor_id: &self.operator.id,
                actor_name: &self.operator.name,
                action,
                target,
                detail,
            },
        )?;
        tx.commit().storage("write the audit log")
    }

    /// Changes the signed-in operator's own passphrase after checking the current one (so
    /// that nobody can change it at a computer left unlocked): only their key slot is
    /// rewritten, atomically, and the old passphrase stops working.
    pub fn change_passphrase(&mut self, current: &Passphrase, new: &Passphrase) -> Result<()> {
        new.check_strength()?;
        let slots = vault::staged::read_in_force(&self.conn, &self.paths)?;
        let name_key = crate::domain::name_key(&self.operator.name);
        if slots.open(&SlotRef::Operator(&name_key), current.expose())?.is_none() {
            return Err(Error::WrongPassphrase { vault: self.paths.db.clone() });
        }
        self.reseal_own_slot(new, "operator.passphrase_change")
    }

    pub(crate) fn reseal_own_slot(&mut self, new: &Passphrase, audit_action: &'static str) -> Result<()> {
        new.check_strength()?;
        let target = self.operator.id.clone();
        let slot_id = self.write(Action::ChangeOwnPassphrase, |w| {
            let mut slots = w.slots()?;
            let (id, recipient) =
                slots.seal(&SlotRef::Operator(&crate::domain::name_key(&w.operator.name)), new.expose(), w.key)?;
            keys::regrant(w, &id, &recipient)?;
            w.stage_slots(&slots)?;
            w.audit(audit_action, target, "");
            Ok(id)
        })?;
        self.slot_id = slot_id;
        self.slot_outdated = false;
        Ok(())
    }

    /// Confirms that `name` is an enabled operator of this vault and `passphrase` opens their
    /// key slot, without changing who is signed in (leaving kiosk mode needs this). The
    /// check and its outcome are in the audit log; a wrong passphrase changes nothing else.
    pub fn confirm_operator(&mut self, name: &str, passphrase: &Passphrase) -> Result<Operator> {
        let slots = vault::staged::read_in_force(&self.conn, &self.paths)?;
        let name_key = crate::domain::name_key(name);
        let slot = SlotRef::Operator(&name_key);
        let opened = slots.has(&slot) && slots.open(&slot, passphrase.expose())?.is_some();
        if !opened {
            self.record("operator.confirm_failed", "", "")?;
            return Err(Error::WrongPassphrase { vault: self.paths.db.clone() });
        }
        let op = vault::find_operator(&self.conn, name)?
            .ok_or_else(|| Error::UnknownOperator { name: name.trim().to_string(), vault: self.paths.db.clone() })?;
        if op.disabled {
            return Err(Error::OperatorDisabled { name: op.name });
        }
        self.record("operator.confirm", &op.id, "")?;
        Ok(op)
    }

    /// Locks the vault: records the lock, signs checkpoints of both chains (so a later
    /// rewrite contradicts them), closes the database and zeroes the key.
    pub fn lock(mut self) -> Result<()> {
        self.record("vault.lock", "", "")?;
        self.sign_checkpoints();
        let Session { conn, key, .. } = self;
        drop(key);
        conn.close().map_err(|(_, e)| {
            tracing::error!(error = %e, "close vault");
            Error::Storage { context: "close the vault" }
        })
    }

    /// Signs checkpoints of this vault's chains as they stand. A failure (a chain that no
    /// longer matches its last checkpoint) is logged, never a reason not to lock; `verify`
    /// reports it.
    fn sign_checkpoints(&mut self) {
        let now_ms = self.clock.now().timestamp_millis();
        let signed =
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate).storage("sign checkpoints").and_then(
                |tx| {
                    crate::checkpoint::sign_local(&tx, now_ms)?;
                    tx.commit().storage("sign checkpoints")
                },
            );
        if let Err(e) = signed {
            tracing::warn!(error = %e, "checkpoints not signed at lock");
        }
    }

    /// Direct access for tests that tamper with the database as an attacker holding the key would.
    #[cfg(feature = "test-support")]
    pub fn raw_connection_for_tests(&self) -> &Connection {
        &self.conn
    }
}
