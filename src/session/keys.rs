//! Keeping the personal-data keys where the roles say (see `vault/personal.rs`): each key
//! slot's own recipient, the grants of the private key to admin, legal and recovery slots, and
//! the one-time sealing of a vault made before schema 10.

use super::{Session, Write};
use crate::domain::error::Result;
use crate::domain::{Action, Role};
use crate::vault::{self, personal, SlotRef, VaultPaths};

/// Whether a role's key slot holds the private personal-data key.
pub(crate) fn opens_personal_data(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Legal)
}

impl Write<'_> {
    /// After a slot was (re)sealed for an operator with `role`: grants it the private key if the
    /// role may hold it and this session has it; otherwise makes sure it holds no grant.
    pub(crate) fn grant_to_slot(
        &mut self,
        slot_id: &str,
        recipient: &age::x25519::Recipient,
        role: Role,
    ) -> Result<()> {
        let now_ms = self.now.timestamp_millis();
        match self.personal.identity() {
            Some(identity) if opens_personal_data(role) => {
                personal::grant(&self.tx, slot_id, recipient, identity, now_ms)
            }
            _ => personal::revoke(&self.tx, slot_id).map(|_| ()),
        }
    }

    /// After a slot was removed: its grant goes too.
    pub(crate) fn revoke_slot(&mut self, slot_id: &str) -> Result<()> {
        personal::revoke(&self.tx, slot_id).map(|_| ())
    }
}

/// The signed-in operator's own slot was resealed: grant it again (its recipient is new).
pub(super) fn regrant(w: &mut Write<'_>, slot_id: &str, recipient: &age::x25519::Recipient) -> Result<()> {
    let role = w.operator.role;
    w.grant_to_slot(slot_id, recipient, role)
}

impl Session {
    /// At unlock: gives a slot made before schema 10 its own recipient (resealing it under the
    /// same secret); then, for an admin or legal operator, seals an older vault's plaintext
    /// details (once) and grants the private key to every admin and legal slot (and the
    /// recovery slot) that has a recipient and no grant yet, and removes grants of slots that
    /// no longer exist.
    pub(crate) fn settle_personal_keys(&mut self, secret: &[u8]) -> Result<()> {
        if self.slot_outdated {
            let name_key = crate::domain::name_key(&self.operator.name);
            let role = self.operator.role;
            let id = self.write(Action::ChangeOwnPassphrase, |w| {
                let mut slots = w.slots()?;
                let (id, recipient) = slots.seal(&SlotRef::Operator(&name_key), secret, w.key)?;
                w.grant_to_slot(&id, &recipient, role)?;
                w.stage_slots(&slots)?;
                w.audit("operator.slot_upgrade", w.operator.id.clone(), "own recipient for the personal-data key");
                Ok(id)
            })?;
            self.slot_id = id;
            self.slot_outdated = false;
        }
        if !opens_personal_data(self.operator.role) {
            return Ok(());
        }
        if self.personal.pending() {
            self.seal_older_vault()?;
        }
        self.settle_grants()
    }

    /// With the recovery key in hand: gives the recovery slot its own recipient if it lacks
    /// one, so that the recovery key can be granted the private key.
    pub(crate) fn settle_recovery_slot(&mut self, recovery: &vault::RecoveryKey) -> Result<()> {
        if !self.slot_outdated {
            return Ok(());
        }
        self.write(Action::ChangeOwnPassphrase, |w| {
            let mut slots = w.slots()?;
            let (id, recipient) = slots.seal(&SlotRef::Recovery, recovery.expose(), w.key)?;
            if let Some(identity) = w.personal.identity() {
                personal::grant(&w.tx, &id, &recipient, identity, w.now.timestamp_millis())?;
            }
            w.stage_slots(&slots)?;
            w.audit("vault.recovery_slot_upgrade", "", "own recipient for the personal-data key");
            Ok(())
        })?;
        self.slot_outdated = false;
        Ok(())
    }

    fn seal_older_vault(&mut self) -> Result<()> {
        let sealed = self.write(Action::RevealSubject, |w| {
            let now_ms = w.now.timestamp_millis();
            let identity = personal::create_key_pair(&w.tx, now_ms)?;
            let org = vault::personal::org_recipient(&w.tx)?;
            w.personal.adopt(identity, org);
            let counts = vault::seal_older::run(&w.tx, w.personal, &mut w.drawn, now_ms)?;
            w.audit("personal_data.sealed", "", counts);
            Ok(())
        });
        if sealed.is_err() {
            // The transaction rolled back: the vault is still pending; forget the key made.
            self.personal = personal::Personal::load(&self.conn, &self.slot_id, None)?;
            return sealed;
        }
        vault::seal_older::compact(&self.conn)
    }

    fn settle_grants(&mut self) -> Result<()> {
        if self.personal.identity().is_none() {
            return Ok(());
        }
        let slots = vault::staged::read_in_force(&self.conn, &self.paths)?;
        let mut eligible: Vec<String> = vec![slots.id_of(&SlotRef::Recovery)];
        {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT name_key FROM operator
                     WHERE origin_device IS NULL AND disabled_at_ms IS NULL AND role IN ('admin', 'legal')",
                )
                .map_err(|_| crate::domain::Error::Storage { context: "read operators" })?;
            let keys = stmt
                .query_map([], |r| r.get::<_, String>(0))
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
                .map_err(|_| crate::domain::Error::Storage { context: "read operators" })?;
            eligible.extend(keys.iter().map(|k| slots.id_of(&SlotRef::Operator(k))));
        }
        let held = personal::granted(&self.conn)?;
        let missing: Vec<(String, age::x25519::Recipient)> = eligible
            .iter()
            .filter(|id| !held.contains(id))
            .filter_map(|id| slots.recipient_of(id).map(|r| (id.clone(), r)))
            .collect();
        let stale: Vec<String> = held.into_iter().filter(|id| !eligible.contains(id)).collect();
        if missing.is_empty() && stale.is_empty() {
            return Ok(());
        }
        self.write(Action::RevealSubject, |w| {
            let now_ms = w.now.timestamp_millis();
            let Some(identity) = w.personal.identity() else { return Ok(()) };
            for (id, recipient) in &missing {
                personal::grant(&w.tx, id, recipient, identity, now_ms)?;
            }
            for id in &stale {
                personal::revoke(&w.tx, id)?;
            }
            w.audit("personal_data.grants", "", format!("{} granted, {} revoked", missing.len(), stale.len()));
            Ok(())
        })
    }

    /// Whether details are still kept in plaintext, waiting for an admin or legal operator
    /// to unlock (vaults made before schema 10).
    pub fn personal_data_pending(&self) -> bool {
        self.personal.pending()
    }

    /// The key blind search terms are made with (for reads that look people up).
    pub(crate) fn index_key(&self) -> crate::vault::personal::IndexKey {
        self.personal.index().clone()
    }

    /// Writes an encrypted, consistent copy of the vault to `dest` (admin): the database as
    /// of one snapshot and the key-slot file in force then. Returns the events it holds and
    /// its size. Audited.
    pub(crate) fn backup_to(&mut self, dest: &VaultPaths) -> Result<(i64, u64)> {
        self.check(Action::BackupVault)?;
        let copied = vault::backup::copy(&self.conn, &self.key, &self.paths, dest)?;
        self.record("vault.backup", &dest.db.display().to_string(), &format!("{} events", copied.events))?;
        Ok((copied.events, copied.bytes))
    }

    /// Whether this session can open unmasked personal data.
    pub fn opens_personal_data(&self) -> bool {
        self.personal.can_open()
    }
}
