//! Personal data sealed by role. The vault's data key (which every key slot unwraps) opens
//! the database; a person's details inside it are sealed again, to the vault's
//! **personal-data key**, whose private half only admin and legal slots and the recovery slot
//! can open (through `personal_data_grant`, the private key sealed with age to each such
//! slot's own X25519 recipient). Kiosk and marketer sessions hold only:
//!
//! - the public recipient, to **seal** what they capture: each session draws one random field
//!   key, seals it (age) to the vault's recipient (and headquarters' on an enrolled device) in
//!   `personal_data_seal`, and encrypts each field with XChaCha20-Poly1305 under it, bound to
//!   the row and the field. The field key lives only in the session's memory and is zeroed
//!   when it locks, so what a kiosk sealed cannot be opened with its passphrase afterwards;
//! - the **index key**, to find people through blind terms (HMAC-SHA256, truncated to 128
//!   bits) of the prefixes a search may type and of the normalised email and phone;
//! - the **masked forms**, stored masked.
//!
//! What a holder of a kiosk or marketer key can still learn outside the app is stated in
//! docs/security.md ("What each role's key opens"): with the index key they can test guesses.

use std::collections::HashMap;
use std::io::Write as _;

use age::secrecy::ExposeSecret;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::secret::random_fill;
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;

const FIELD_AAD: &str = "consentry/personal-data/v1";
const TERM_TAG: &[u8] = b"consentry/blind-term/v1\0";

/// The key that makes blind terms: every role holds it.
#[derive(Clone)]
pub(crate) struct IndexKey(Hmac<Sha256>);

impl IndexKey {
    fn from_bytes(bytes: &[u8]) -> Result<Self> {
        <Hmac<Sha256> as Mac>::new_from_slice(bytes)
            .map(IndexKey)
            .map_err(|_| Error::Storage { context: "read the personal-data index key" })
    }

    /// The blind term of `text` under `kind` ("n" name, "e" email, "p" phone prefix, "s" phone
    /// tail, "E"/"P" the whole normalised email or phone).
    pub(crate) fn term(&self, kind: &str, text: &str) -> Vec<u8> {
        let mut mac = self.0.clone();
        mac.update(TERM_TAG);
        mac.update(kind.as_bytes());
        mac.update(b"\0");
        mac.update(text.as_bytes());
        mac.finalize().into_bytes()[..16].to_vec()
    }
}

/// A session's field key: the id of its `personal_data_seal` row and the key itself.
pub(crate) struct FieldKey {
    id: i64,
    key: Zeroizing<[u8; 32]>,
}

/// What a session holds of the personal-data keys.
pub(crate) struct Personal {
    index: IndexKey,
    /// The recipients new field keys are sealed to; empty while the sealing is pending (an
    /// older vault not yet unlocked by an admin or legal operator): then details stay in the
    /// plaintext columns they had.
    recipients: Vec<age::x25519::Recipient>,
    /// This session's field key, once it sealed something (committed).
    field_key: Option<FieldKey>,
    /// The private personal-data key (admin, legal, recovery) and the field keys it opened.
    secret: Option<Secret>,
}

pub(crate) struct Secret {
    identity: age::x25519::Identity,
    opened: HashMap<i64, Zeroizing<[u8; 32]>>,
}

impl Personal {
    /// Loads what the slot that opened the vault may hold: the index key and recipients for
    /// everyone, the private key only if the slot has a grant.
    pub(crate) fn load(
        conn: &Connection,
        slot_id: &str,
        slot_identity: Option<&age::x25519::Identity>,
    ) -> Result<Self> {
        let ctx = "read the personal-data keys";
        let (index_key, recipient, org): (Vec<u8>, Option<String>, Option<String>) = conn
            .query_row("SELECT index_key, recipient, org_recipient FROM personal_data_key WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .storage(ctx)?;
        let index = IndexKey::from_bytes(&index_key)?;
        let mut recipients = Vec::new();
        for r in [recipient, org].into_iter().flatten() {
            recipients.push(parse_recipient(&r)?);
        }
        let mut personal = Personal { index, recipients, field_key: None, secret: None };
        if let Some(identity) = slot_identity {
            personal.secret =
                open_grant(conn, slot_id, identity)?.map(|identity| Secret { identity, opened: HashMap::new() });
        }
        Ok(personal)
    }

    /// Whether the vault still keeps details in plaintext columns (made before schema 10 and
    /// not yet unlocked by an admin or legal operator).
    pub(crate) fn pending(&self) -> bool {
        self.recipients.is_empty()
    }

    /// Whether this session can open sealed details (admin, legal, recovery).
    pub(crate) fn can_open(&self) -> bool {
        self.secret.is_some()
    }

    pub(crate) fn index(&self) -> &IndexKey {
        &self.index
    }

    /// The private key, for granting it to another slot.
    pub(crate) fn identity(&self) -> Option<&age::x25519::Identity> {
        self.secret.as_ref().map(|s| &s.identity)
    }

    /// Adopts the private key made by the sealing of an older vault.
    pub(crate) fn adopt(&mut self, identity: age::x25519::Identity, org: Option<age::x25519::Recipient>) {
        self.recipients = std::iter::once(identity.to_public()).chain(org).collect();
        self.secret = Some(Secret { identity, opened: HashMap::new() });
        self.field_key = None;
    }

    /// Adopts a field key drawn in a transaction that committed.
    pub(crate) fn adopt_field_key(&mut self, key: FieldKey) {
        self.field_key = Some(key);
    }

    /// Seals one field of one row. `drawn` receives a new field key if this session had none
    /// (the caller adopts it after the transaction commits). `None` while sealing is pending.
    pub(crate) fn seal(
        &self,
        conn: &Connection,
        drawn: &mut Option<FieldKey>,
        place: &str,
        row_id: &str,
        plain: &[u8],
        now_ms: i64,
    ) -> Result<Option<Vec<u8>>> {
        if self.pending() {
            return Ok(None);
        }
        if self.field_key.is_none() && drawn.is_none() {
            *drawn = Some(self.draw(conn, now_ms)?);
        }
        let Some(fk) = self.field_key.as_ref().or(drawn.as_ref()) else {
            return Err(Error::Storage { context: "seal personal data" });
        };
        let mut nonce = [0u8; 24];
        random_fill(&mut nonce)?;
        let cipher = XChaCha20Poly1305::new_from_slice(fk.key.as_slice())
            .map_err(|_| Error::Storage { context: "seal personal data" })?;
        let aad = aad(place, row_id);
        let ct = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: plain, aad: &aad })
            .map_err(|_| Error::Storage { context: "seal personal data" })?;
        let mut out = Vec::with_capacity(8 + 24 + ct.len());
        out.extend_from_slice(&fk.id.to_be_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(Some(out))
    }

    fn draw(&self, conn: &Connection, now_ms: i64) -> Result<FieldKey> {
        let mut key = Zeroizing::new([0u8; 32]);
        random_fill(key.as_mut_slice())?;
        let sealed = seal_to(&self.recipients, key.as_slice())?;
        conn.execute(
            "INSERT INTO personal_data_seal (sealed_key, created_at_ms) VALUES (?1, ?2)",
            params![sealed, now_ms],
        )
        .storage("seal personal data")?;
        Ok(FieldKey { id: conn.last_insert_rowid(), key })
    }

    /// Opens one sealed field. Refused without the private key.
    pub(crate) fn open(&mut self, conn: &Connection, place: &str, row_id: &str, sealed: &[u8]) -> Result<Vec<u8>> {
        let Some(secret) = self.secret.as_mut() else { return Err(needs_private_key()) };
        let damaged = || {
            tracing::error!(place, "damaged sealed detail");
            Error::from(msg::DAMAGED.term("part", &msg::PART_SEALED_DETAIL))
        };
        let id = seal_id(sealed).ok_or_else(damaged)?;
        if !secret.opened.contains_key(&id) {
            let wrapped: Option<Vec<u8>> = conn
                .query_row("SELECT sealed_key FROM personal_data_seal WHERE id = ?1", [id], |r| r.get(0))
                .optional()
                .storage("open personal data")?;
            let key = unwrap_field_key(&secret.identity, &wrapped.ok_or_else(damaged)?).ok_or_else(damaged)?;
            secret.opened.insert(id, key);
        }
        let key = secret.opened.get(&id).ok_or_else(damaged)?;
        open_field(key, place, row_id, sealed).ok_or_else(damaged)
    }

    /// Opens a sealed text field.
    pub(crate) fn open_text(&mut self, conn: &Connection, place: &str, row_id: &str, sealed: &[u8]) -> Result<String> {
        String::from_utf8(self.open(conn, place, row_id, sealed)?)
            .map_err(|_| Error::Storage { context: "open personal data" })
    }
}

/// The field keys of another vault of the organisation (a device's, in its bundle), sealed
/// to this vault's recipient: headquarters opens a device's sealed details with them and
/// seals them again under its own.
pub(crate) struct ForeignSeals {
    sealed: HashMap<i64, Vec<u8>>,
    opened: HashMap<i64, Zeroizing<[u8; 32]>>,
}

impl ForeignSeals {
    pub(crate) fn new(sealed: HashMap<i64, Vec<u8>>) -> Self {
        ForeignSeals { sealed, opened: HashMap::new() }
    }

    /// Opens one of the other vault's sealed fields with this session's private key.
    pub(crate) fn open(&mut self, personal: &Personal, place: &str, row_id: &str, blob: &[u8]) -> Result<Vec<u8>> {
        let identity = personal.identity().ok_or_else(needs_private_key)?;
        let unreadable = || {
            Error::refused(
                crate::domain::Refusal::Tampered,
                format!("A sealed personal detail in the bundle ({place}) does not open with headquarters' key."),
                "Ask the device's operator to save a new bundle; if it persists, enrol the device again.",
            )
        };
        let id = seal_id(blob).ok_or_else(unreadable)?;
        if !self.opened.contains_key(&id) {
            let wrapped = self.sealed.get(&id).ok_or_else(unreadable)?;
            let key = unwrap_field_key(identity, wrapped).ok_or_else(unreadable)?;
            self.opened.insert(id, key);
        }
        let key = self.opened.get(&id).ok_or_else(unreadable)?;
        open_field(key, place, row_id, blob).ok_or_else(unreadable)
    }
}

/// The field key id a sealed blob names (`None` if it is too short to be one).
fn seal_id(blob: &[u8]) -> Option<i64> {
    if blob.len() < 8 + 24 + 16 {
        return None;
    }
    let mut id = [0u8; 8];
    id.copy_from_slice(&blob[..8]);
    Some(i64::from_be_bytes(id))
}

/// A field key, unsealed with the private personal-data key.
fn unwrap_field_key(identity: &age::x25519::Identity, wrapped: &[u8]) -> Option<Zeroizing<[u8; 32]>> {
    let plain = Zeroizing::new(age::decrypt(identity, wrapped).ok()?);
    if plain.len() != 32 {
        return None;
    }
    let mut key = Zeroizing::new([0u8; 32]);
    key.copy_from_slice(&plain);
    Some(key)
}

/// Decrypts a sealed blob with its field key, checking that it belongs to this row and field.
fn open_field(key: &[u8; 32], place: &str, row_id: &str, blob: &[u8]) -> Option<Vec<u8>> {
    let cipher = XChaCha20Poly1305::new_from_slice(key).ok()?;
    cipher.decrypt(XNonce::from_slice(&blob[8..32]), Payload { msg: &blob[32..], aad: &aad(place, row_id) }).ok()
}

/// On a device joining an organisation: seals every field key again to the vault's own
/// recipient and headquarters', and records headquarters' recipient for the keys to come.
pub(crate) fn add_org_recipient(conn: &Connection, personal: &mut Personal, org: &str) -> Result<()> {
    let ctx = "share personal data with headquarters";
    let org = parse_recipient(org)?;
    let identity = personal.identity().ok_or_else(needs_private_key)?;
    let own = identity.to_public();
    let rows: Vec<(i64, Vec<u8>)> = {
        let mut stmt = conn.prepare("SELECT id, sealed_key FROM personal_data_seal").storage(ctx)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).storage(ctx)?;
        rows.collect::<rusqlite::Result<_>>().storage(ctx)?
    };
    let both = [own, org.clone()];
    for (id, sealed) in rows {
        let plain = Zeroizing::new(age::decrypt(identity, &sealed).map_err(|_| Error::Storage { context: ctx })?);
        conn.execute(
            "UPDATE personal_data_seal SET sealed_key = ?2 WHERE id = ?1",
            params![id, seal_to(&both, &plain)?],
        )
        .storage(ctx)?;
    }
    conn.execute("UPDATE personal_data_key SET org_recipient = ?1 WHERE id = 1", [org.to_string()]).storage(ctx)?;
    personal.recipients = both.to_vec();
    personal.field_key = None;
    Ok(())
}

/// The index key's bytes, for headquarters to hand to a device in its enrolment file, so that
/// the devices and headquarters make the same blind terms and indexes for the same details.
pub(crate) fn index_key_bytes(conn: &Connection) -> Result<Zeroizing<Vec<u8>>> {
    conn.query_row("SELECT index_key FROM personal_data_key WHERE id = 1", [], |r| r.get(0))
        .map(Zeroizing::new)
        .storage("read the personal-data index key")
}

/// On a device joining an organisation: takes headquarters' index key (the caller then makes
/// every person's blind terms again).
pub(crate) fn adopt_index_key(conn: &Connection, personal: &mut Personal, key: &[u8]) -> Result<()> {
    if key.len() != 32 {
        return Err(Error::from(&msg::ENROLMENT_INDEX_KEY));
    }
    conn.execute("UPDATE personal_data_key SET index_key = ?1 WHERE id = 1", [key]).storage("join the organisation")?;
    personal.index = IndexKey::from_bytes(key)?;
    Ok(())
}

/// Rotation: a new personal-data key pair; every field key is sealed again to it (and HQ's
/// recipient on a device), every grant is replaced by one to each of `grants_to`, and the old
/// private key is forgotten. Needs the old private key.
pub(crate) fn rotate(
    conn: &Connection,
    personal: &mut Personal,
    grants_to: &[(String, age::x25519::Recipient)],
    now_ms: i64,
) -> Result<()> {
    let ctx = "rotate the personal-data key";
    let old = personal.identity().ok_or_else(needs_private_key)?.clone();
    let org = org_recipient(conn)?;
    let new = age::x25519::Identity::generate();
    let recipients: Vec<age::x25519::Recipient> = std::iter::once(new.to_public()).chain(org.clone()).collect();
    let rows: Vec<(i64, Vec<u8>)> = {
        let mut stmt = conn.prepare("SELECT id, sealed_key FROM personal_data_seal").storage(ctx)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).storage(ctx)?;
        rows.collect::<rusqlite::Result<_>>().storage(ctx)?
    };
    for (id, sealed) in rows {
        let plain = Zeroizing::new(age::decrypt(&old, &sealed).map_err(|_| Error::Storage { context: ctx })?);
        conn.execute(
            "UPDATE personal_data_seal SET sealed_key = ?2 WHERE id = ?1",
            params![id, seal_to(&recipients, &plain)?],
        )
        .storage(ctx)?;
    }
    conn.execute("UPDATE personal_data_key SET recipient = ?1 WHERE id = 1", [new.to_public().to_string()])
        .storage(ctx)?;
    conn.execute("DELETE FROM personal_data_grant", []).storage(ctx)?;
    for (slot_id, to) in grants_to {
        grant(conn, slot_id, to, &new, now_ms)?;
    }
    personal.adopt(new, org);
    Ok(())
}

/// This vault's own recipient (what a device seals to for headquarters, read from HQ).
pub(crate) fn own_recipient(conn: &Connection) -> Result<Option<String>> {
    conn.query_row("SELECT recipient FROM personal_data_key WHERE id = 1", [], |r| r.get(0))
        .storage("read the personal-data keys")
}

fn aad(place: &str, row_id: &str) -> Vec<u8> {
    format!("{FIELD_AAD}\0{place}\0{row_id}").into_bytes()
}

/// The refusal when a session without the private personal-data key asks for unmasked data.
pub(crate) fn needs_private_key() -> Error {
    Error::PersonalDataSealed
}

pub(crate) fn parse_recipient(text: &str) -> Result<age::x25519::Recipient> {
    text.parse().map_err(|_| Error::from(msg::DAMAGED.term("part", &msg::PART_PD_RECIPIENT)))
}

/// age-encrypts `plain` to every recipient.
pub(crate) fn seal_to(recipients: &[age::x25519::Recipient], plain: &[u8]) -> Result<Vec<u8>> {
    let failed = || Error::Storage { context: "seal a personal-data key" };
    let encryptor =
        age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient)).map_err(|_| failed())?;
    let mut out = Vec::new();
    let mut w = encryptor.wrap_output(&mut out).map_err(|_| failed())?;
    w.write_all(plain).map_err(|_| failed())?;
    w.finish().map_err(|_| failed())?;
    Ok(out)
}

fn open_grant(
    conn: &Connection,
    slot_id: &str,
    identity: &age::x25519::Identity,
) -> Result<Option<age::x25519::Identity>> {
    let sealed: Option<Vec<u8>> = conn
        .query_row("SELECT sealed FROM personal_data_grant WHERE slot_id = ?1", [slot_id], |r| r.get(0))
        .optional()
        .storage("read the personal-data grant")?;
    let Some(sealed) = sealed else { return Ok(None) };
    let damaged = || Error::from(&msg::GRANT_DOES_NOT_OPEN);
    let plain = Zeroizing::new(age::decrypt(identity, &sealed).map_err(|_| damaged())?);
    let text = std::str::from_utf8(&plain).map_err(|_| damaged())?;
    text.parse().map(Some).map_err(|_| damaged())
}

/// Grants the private key to one slot's recipient (replacing an older grant).
pub(crate) fn grant(
    conn: &Connection,
    slot_id: &str,
    to: &age::x25519::Recipient,
    identity: &age::x25519::Identity,
    now_ms: i64,
) -> Result<()> {
    let secret = identity.to_string();
    let sealed = seal_to(std::slice::from_ref(to), secret.expose_secret().as_bytes())?;
    conn.execute(
        "INSERT INTO personal_data_grant (slot_id, sealed, granted_at_ms) VALUES (?1, ?2, ?3)
         ON CONFLICT (slot_id) DO UPDATE SET sealed = excluded.sealed, granted_at_ms = excluded.granted_at_ms",
        params![slot_id, sealed, now_ms],
    )
    .storage("grant the personal-data key")?;
    Ok(())
}

/// Removes a slot's grant (operator disabled, slot removed).
pub(crate) fn revoke(conn: &Connection, slot_id: &str) -> Result<bool> {
    let n = conn
        .execute("DELETE FROM personal_data_grant WHERE slot_id = ?1", [slot_id])
        .storage("revoke the personal-data key")?;
    Ok(n > 0)
}

/// The slot ids that hold a grant.
pub(crate) fn granted(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare("SELECT slot_id FROM personal_data_grant ORDER BY slot_id").storage("read the grants")?;
    let rows = stmt.query_map([], |r| r.get(0)).storage("read the grants")?;
    rows.collect::<rusqlite::Result<_>>().storage("read the grants")
}

/// Makes the index key (by the migration to schema 10) or, for a new vault, the whole set.
pub(crate) fn create_index_key(conn: &Connection) -> Result<()> {
    let mut key = Zeroizing::new([0u8; 32]);
    random_fill(key.as_mut_slice())?;
    conn.execute("INSERT OR IGNORE INTO personal_data_key (id, index_key) VALUES (1, ?1)", [key.as_slice()])
        .storage("make the personal-data index key")?;
    Ok(())
}

/// Makes the vault's personal-data key pair and records the public half.
pub(crate) fn create_key_pair(conn: &Connection, now_ms: i64) -> Result<age::x25519::Identity> {
    let identity = age::x25519::Identity::generate();
    conn.execute(
        "UPDATE personal_data_key SET recipient = ?1, sealed_at_ms = ?2 WHERE id = 1 AND recipient IS NULL",
        params![identity.to_public().to_string(), now_ms],
    )
    .storage("make the personal-data key")?;
    Ok(identity)
}

/// Headquarters' personal-data recipient, on an enrolled device.
pub(crate) fn org_recipient(conn: &Connection) -> Result<Option<age::x25519::Recipient>> {
    let text: Option<String> = conn
        .query_row("SELECT org_recipient FROM personal_data_key WHERE id = 1", [], |r| r.get(0))
        .storage("read the personal-data keys")?;
    text.as_deref().map(parse_recipient).transpose()
}

/// Erasure: reported differences about the person go with their details.
pub(crate) fn forget_conflicts(conn: &Connection, subject_id: &str) -> Result<()> {
    conn.execute("DELETE FROM subject_conflict WHERE subject_id = ?1", [subject_id]).storage("erase a person")?;
    Ok(())
}

/// Reads the index key alone (for the migration's search rebuild).
pub(crate) fn index_key(conn: &Connection) -> Result<IndexKey> {
    let bytes: Vec<u8> = conn
        .query_row("SELECT index_key FROM personal_data_key WHERE id = 1", [], |r| r.get(0))
        .storage("read the personal-data index key")?;
    IndexKey::from_bytes(&bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        super::super::migrate::migrate(&mut conn, 0).unwrap();
        conn
    }

    #[test]
    fn a_session_without_the_private_key_seals_but_cannot_open() {
        let conn = vault();
        let identity = create_key_pair(&conn, 1).unwrap();
        let slot = age::x25519::Identity::generate();
        grant(&conn, "operator:legal", &slot.to_public(), &identity, 1).unwrap();

        let kiosk = Personal::load(&conn, "operator:kiosk", None).unwrap();
        let mut drawn = None;
        let sealed = kiosk.seal(&conn, &mut drawn, "subject.name", "p1", "张伟".as_bytes(), 1).unwrap().unwrap();
        assert!(drawn.is_some(), "the first seal draws a field key");
        assert!(!sealed.windows(6).any(|w| w == "张伟".as_bytes()));
        let mut kiosk = kiosk;
        assert!(kiosk.open(&conn, "subject.name", "p1", &sealed).is_err());

        let mut legal = Personal::load(&conn, "operator:legal", Some(&slot)).unwrap();
        assert!(legal.can_open());
        assert_eq!(legal.open_text(&conn, "subject.name", "p1", &sealed).unwrap(), "张伟");
        // Bound to the row and the field: moved elsewhere it does not open.
        assert!(legal.open(&conn, "subject.name", "p2", &sealed).is_err());
        assert!(legal.open(&conn, "subject.email", "p1", &sealed).is_err());
    }

    #[test]
    fn pending_vaults_do_not_seal_and_terms_are_keyed() {
        let conn = vault();
        let p = Personal::load(&conn, "x", None).unwrap();
        assert!(p.pending());
        assert_eq!(p.seal(&conn, &mut None, "subject.name", "p1", b"x", 1).unwrap(), None);
        let other = vault();
        let q = Personal::load(&other, "x", None).unwrap();
        assert_eq!(p.index().term("n", "zhang"), p.index().term("n", "zhang"));
        assert_ne!(p.index().term("n", "zhang"), q.index().term("n", "zhang"), "each vault has its own index key");
        assert_ne!(p.index().term("n", "zhang"), p.index().term("e", "zhang"));
    }
}
