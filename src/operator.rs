//! People who use the app, their roles, and what each role may do. The permission table
//! lives here, in one place, and the engine checks it on every call.

use rusqlite::{params, Connection};

use crate::domain::messages as msg;
use crate::vault::row_to_operator;

pub use crate::domain::{name_key, validate_name, Action, Operator, Role};

use crate::domain::error::{Error, Result, StorageContext};
use crate::session::Session;
use crate::vault::{Passphrase, SlotRef};

fn find_existing(conn: &Connection, name: &str) -> Result<Operator> {
    crate::vault::find_operator(conn, name)?
        .ok_or_else(|| Error::NotFound(msg::OPERATOR_NOT_FOUND.with("name", name.trim())))
}

/// Adds an operator with an initial passphrase (admin only).
pub fn add(session: &mut Session, name: &str, role: Role, passphrase: &Passphrase) -> Result<Operator> {
    session.check(Action::ManageOperators)?;
    let name = validate_name(name)?;
    passphrase.check_strength()?;
    session.write(Action::ManageOperators, |w| {
        let key = name_key(&name);
        let exists: bool =
            w.tx.query_row("SELECT EXISTS (SELECT 1 FROM operator WHERE name_key = ?1)", [&key], |r| r.get(0))
                .storage("add an operator")?;
        if exists {
            return Err(Error::Duplicate(msg::OPERATOR_EXISTS.with("name", &name)));
        }
        let op = Operator { id: crate::domain::OperatorId::generate(), name: name.clone(), role, disabled: false };
        w.tx.execute(
            "INSERT INTO operator (id, name, name_key, role, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![op.id, op.name, key, role.as_str(), w.now.timestamp_millis()],
        )
        .storage("add an operator")?;
        // The slot is staged in the transaction: both take effect at its commit or neither.
        let mut slots = w.slots()?;
        let (slot_id, recipient) = slots.seal(&SlotRef::Operator(&key), passphrase.expose(), w.key)?;
        // Admin and legal slots are granted the private personal-data key; others are not.
        w.grant_to_slot(&slot_id, &recipient, role)?;
        w.stage_slots(&slots)?;
        w.audit("operator.add", &op.id, format!("role {role}"));
        Ok(op)
    })
}

/// Lists operators (admin only).
pub fn list(session: &mut Session) -> Result<Vec<Operator>> {
    session.read(Action::ListOperators, |conn| {
        let mut stmt = conn
            .prepare("SELECT id, name, role, disabled_at_ms IS NOT NULL FROM operator WHERE origin_device IS NULL ORDER BY created_at_ms, name")
            .storage("list operators")?;
        let rows = stmt.query_map([], row_to_operator).storage("list operators")?;
        rows.collect::<rusqlite::Result<Vec<_>>>().storage("list operators")
    })
}

/// Disables an operator and removes their key slot, so their passphrase no longer opens
/// the vault, then rotates the keys (admin only). The last active administrator cannot be disabled.
pub fn disable(session: &mut Session, name: &str) -> Result<()> {
    let me = session.operator().id.clone();
    let disabled = session.write(Action::ManageOperators, |w| {
        let op = find_existing(&w.tx, name)?;
        if op.id == me {
            return Err(Error::from(&msg::CANNOT_DISABLE_SELF));
        }
        if op.disabled {
            return Ok(false);
        }
        w.tx.execute("UPDATE operator SET disabled_at_ms = ?1 WHERE id = ?2", params![w.now.timestamp_millis(), op.id])
            .storage("disable an operator")?;
        let mut slots = w.slots()?;
        let slot = SlotRef::Operator(&name_key(&op.name));
        let slot_id = slots.id_of(&slot);
        slots.remove(&slot);
        w.revoke_slot(&slot_id)?;
        w.stage_slots(&slots)?;
        w.audit("operator.disable", &op.id, "");
        Ok(true)
    })?;
    if !disabled {
        return Ok(());
    }
    // Then the keys are rotated, so that a copy of the key-slot file the operator kept opens
    // nothing written from now on. Where that cannot be done yet (key slots from an earlier
    // Consentry, or this sign-in does not hold the personal-data key), it is recorded.
    match session.rotate_keys() {
        Ok(_) => Ok(()),
        Err(e @ (Error::Invalid { .. } | Error::PersonalDataSealed)) => {
            session.record("vault.rotation_skipped", name, &e.to_string())
        }
        Err(e) => Err(e),
    }
}

/// Rotates the data key and the personal-data key (admin): see [`Session::rotate_keys`].
pub fn rotate_keys(session: &mut Session) -> Result<crate::session::Rotated> {
    session.rotate_keys()
}

/// Sets a new passphrase for another operator, for example one who forgot theirs, and
/// re-enables them if they were disabled (admin only).
pub fn reset(session: &mut Session, name: &str, passphrase: &Passphrase) -> Result<()> {
    session.check(Action::ManageOperators)?;
    passphrase.check_strength()?;
    session.write(Action::ManageOperators, |w| {
        let op = find_existing(&w.tx, name)?;
        w.tx.execute("UPDATE operator SET disabled_at_ms = NULL WHERE id = ?1", [&op.id])
            .storage("reset an operator")?;
        let mut slots = w.slots()?;
        let (slot_id, recipient) = slots.seal(&SlotRef::Operator(&name_key(&op.name)), passphrase.expose(), w.key)?;
        w.grant_to_slot(&slot_id, &recipient, op.role)?;
        w.stage_slots(&slots)?;
        w.audit("operator.reset", &op.id, "");
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_matched_loosely() {
        assert_eq!(name_key("  Li Na "), name_key("li na"));
        assert_eq!(name_key("ＡＤＡ"), "ada");
    }

    #[test]
    fn denial_message_names_the_roles() {
        let e = Error::PermissionDenied { action: "x", role: Role::Kiosk, needed: vec![Role::Admin, Role::Legal] };
        assert!(e.to_string().contains("admin or legal"));
    }
}
