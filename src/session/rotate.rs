//! Rotating the keys (admin, and after an operator is disabled): a new personal-data key
//! pair and a new data key, so that a copy of the key-slot file taken before, with any
//! passphrase in it, opens nothing written after. In four steps, each of which leaves exactly
//! one working key if the process is killed:
//!
//! 1. one transaction: the personal-data key pair is replaced (field keys sealed again,
//!    grants replaced), audited;
//! 2. the new data key is sealed to every slot's own recipient in a staged `<vault>.keys.next`;
//! 3. `PRAGMA rekey`: the database is re-encrypted under the new key, atomically;
//! 4. one transaction: the staged file is recorded as in force, audited; then it replaces
//!    `<vault>.keys`.
//!
//! Killed before 3, the old key opens the vault and the staged file is removed at the next
//! unlock; killed after 3, only the staged file's key opens it, and the unlock records and
//! promotes it (`vault::open_with`).

use super::Session;
use crate::domain::error::{Error, Result};
use crate::domain::messages as msg;
use crate::domain::{Action, Role};
use crate::vault::{self, personal, DataKey, SlotRef};

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotated {
    /// Whether the personal-data key pair was replaced too (not at headquarters, whose
    /// devices seal to its recipient).
    pub personal_data_key: bool,
}

impl Session {
    /// Rotates the data key and the personal-data key (admin). Refused while any operator's
    /// key slot, or the recovery slot, predates schema 10 (it has no recipient to give the
    /// new key to): each such operator must unlock once first, and the recovery key be used.
    pub fn rotate_keys(&mut self) -> Result<Rotated> {
        self.check(Action::ManageOperators)?;
        if self.personal.identity().is_none() {
            return Err(Error::PersonalDataSealed);
        }
        let slots = vault::staged::read_in_force(&self.conn, &self.paths)?;
        let new_key = DataKey::generate()?;
        let mut next = slots.clone();
        let missing = next.reseal_data_key(&new_key)?;
        if !missing.is_empty() {
            return Err(msg::OLD_KEY_SLOTS.with("count", missing.len()).into());
        }
        // 1. The personal-data key pair (not at headquarters: its devices seal to it).
        let at_hq: bool = self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM organisation WHERE role = 'headquarters')", [], |r| r.get(0))
            .map_err(|_| Error::Storage { context: "read the organisation" })?;
        if !at_hq {
            let mut eligible: Vec<(String, age::x25519::Recipient)> = Vec::new();
            let recovery = slots.id_of(&SlotRef::Recovery);
            eligible.extend(slots.recipient_of(&recovery).map(|r| (recovery, r)));
            for (name_key, role) in self.active_operators()? {
                if matches!(role, Role::Admin | Role::Legal) {
                    let id = slots.id_of(&SlotRef::Operator(&name_key));
                    eligible.extend(slots.recipient_of(&id).map(|r| (id, r)));
                }
            }
            self.write(Action::ManageOperators, |w| {
                personal::rotate(&w.tx, w.personal, &eligible, w.now.timestamp_millis())?;
                w.audit("personal_data.rotated", "", format!("{} grants", eligible.len()));
                Ok(())
            })?;
        }
        // 2. Stage the new key-slot file (not yet recorded: the old file stays in force).
        let next_path = vault::staged::next_path(&self.paths);
        vault::write_slots(&next, &next_path)?;
        // 3. Re-encrypt the database.
        vault::rekey(&self.conn, &new_key)?;
        self.key = new_key;
        // 4. Record the staged file as in force, with the audit entry; then promote it.
        self.write(Action::ManageOperators, |w| {
            w.stage_slots(&next)?;
            w.audit("vault.data_key_rotated", "", "every key slot given the new data key");
            Ok(())
        })?;
        Ok(Rotated { personal_data_key: !at_hq })
    }

    fn active_operators(&self) -> Result<Vec<(String, Role)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT name_key, role FROM operator WHERE origin_device IS NULL AND disabled_at_ms IS NULL")
            .map_err(|_| Error::Storage { context: "read operators" })?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, vault::column(r, 1)?)))
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .map_err(|_| Error::Storage { context: "read operators" })?;
        Ok(rows)
    }
}
