//! The organisation: turning a vault into headquarters, enrolling a device with a file
//! both sides confirm by the same short fingerprint, joining on the device, revoking.
//!
//! The enrolment file is a C2SP signed note by headquarters' key. It carries HQ's public
//! keys, an enrolment id, a secret token and an `age` identity made for the device (so HQ
//! can encrypt to the device before it has sent anything). The device's first bundle proves
//! it holds the token and binds the device's own signing key; from then on HQ accepts only
//! bundles signed by that key. Anyone holding the file can enrol as that device, so it is
//! carried by hand and deleted after import (the README says so).

use age::secrecy::ExposeSecret;
use data_encoding::BASE64;
use ed25519_dalek::VerifyingKey;
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::checkpoint::{self, note};
use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::{Action, Refusal};
use crate::session::Session;

const ENROLMENT_MAGIC: &str = "consentry-enrolment/v1";

/// This vault's part in an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// The organisation's id (headquarters' vault id).
    pub id: String,
    /// Its name.
    pub name: String,
    /// Whether this vault is headquarters (else a device of it).
    pub is_headquarters: bool,
    /// On a device: the fingerprint both screens showed at enrolment.
    pub fingerprint: Option<String>,
    /// On a device: its enrolment id at headquarters.
    pub enrolment_id: Option<String>,
    /// When this vault became headquarters or joined.
    pub joined_at_ms: i64,
}

pub(crate) struct OrgRow {
    pub(crate) org: Organisation,
    pub(crate) hq_device_id: String,
    pub(crate) hq_key: VerifyingKey,
    pub(crate) hq_recipient: String,
    pub(crate) token: Option<Vec<u8>>,
}

pub(crate) fn org_row(conn: &Connection) -> Result<Option<OrgRow>> {
    #[allow(clippy::type_complexity)]
    let row: Option<(
        String,
        String,
        String,
        String,
        Vec<u8>,
        String,
        Option<String>,
        Option<Vec<u8>>,
        Option<String>,
        i64,
    )> = conn
        .query_row(
            "SELECT id, name, role, hq_device_id, hq_public_key, hq_recipient, enrolment_id, enrolment_token,
                    fingerprint, joined_at_ms FROM organisation",
            [],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                    r.get(8)?,
                    r.get(9)?,
                ))
            },
        )
        .optional()
        .storage("read the organisation")?;
    let Some((id, name, role, hq_device_id, key, hq_recipient, enrolment_id, token, fingerprint, joined_at_ms)) = row
    else {
        return Ok(None);
    };
    let hq_key = verifying_key(&key)?;
    Ok(Some(OrgRow {
        org: Organisation {
            id,
            name,
            is_headquarters: role == "headquarters",
            fingerprint,
            enrolment_id,
            joined_at_ms,
        },
        hq_device_id,
        hq_key,
        hq_recipient,
        token,
    }))
}

pub(crate) fn verifying_key(bytes: &[u8]) -> Result<VerifyingKey> {
    let arr: [u8; 32] = bytes.try_into().map_err(|_| Error::from(msg::DAMAGED.term("part", &msg::PART_PUBLIC_KEY)))?;
    VerifyingKey::from_bytes(&arr).map_err(|_| Error::from(msg::DAMAGED.term("part", &msg::PART_PUBLIC_KEY)))
}

/// This vault's `age` identity, made on first use.
pub(crate) fn local_identity(conn: &Connection) -> Result<age::x25519::Identity> {
    let held: Option<String> = conn
        .query_row("SELECT age_identity FROM device WHERE is_local = 1", [], |r| r.get(0))
        .storage("read this vault's keys")?;
    if let Some(s) = held {
        return s.parse().map_err(|_| Error::from(msg::DAMAGED.term("part", &msg::PART_OWN_KEY)));
    }
    let id = age::x25519::Identity::generate();
    conn.execute(
        "UPDATE device SET age_identity = ?1, age_recipient = ?2 WHERE is_local = 1",
        params![id.to_string().expose_secret(), id.to_public().to_string()],
    )
    .storage("save this vault's keys")?;
    Ok(id)
}

/// The organisation this vault belongs to, if any.
pub fn organisation(session: &mut Session) -> Result<Option<Organisation>> {
    session.read(Action::ReadSync, |conn| Ok(org_row(conn)?.map(|r| r.org)))
}

fn clean_name(name: &str, what: &str) -> Result<String> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 80 || n.chars().any(char::is_control) {
        let _ = what;
        return Err(msg::ORG_NAME_UNUSABLE.with("name", n).into());
    }
    Ok(n.to_string())
}

/// Makes this vault the organisation's headquarters.
pub fn become_headquarters(session: &mut Session, name: &str) -> Result<Organisation> {
    let name = clean_name(name, "organisation")?;
    let id = session.vault_id().to_string();
    session.write(Action::ManageOrganisation, |w| {
        if let Some(o) = org_row(&w.tx)? {
            return Err(already(&o.org));
        }
        let identity = local_identity(&w.tx)?;
        let (device_id, key) = checkpoint::local_key(&w.tx)?;
        w.tx.execute(
            "INSERT INTO organisation (id, name, role, hq_device_id, hq_public_key, hq_recipient, joined_at_ms)
             VALUES (?1, ?2, 'headquarters', ?3, ?4, ?5, ?6)",
            params![
                id,
                name,
                device_id,
                key.verifying_key().as_bytes().as_slice(),
                identity.to_public().to_string(),
                w.now.timestamp_millis()
            ],
        )
        .storage("make this vault headquarters")?;
        w.audit("organisation.headquarters", &id, name.clone());
        Ok(Organisation {
            id: id.clone(),
            name,
            is_headquarters: true,
            fingerprint: None,
            enrolment_id: None,
            joined_at_ms: w.now.timestamp_millis(),
        })
    })
}

fn already(o: &Organisation) -> Error {
    let text = if o.is_headquarters { &msg::ALREADY_HQ } else { &msg::ALREADY_DEVICE };
    text.with("name", &o.name).into()
}

/// The short code both screens show at enrolment: 16 digits in groups of four, from the
/// SHA-256 of headquarters' keys, the enrolment id and its token.
pub fn fingerprint(hq_key: &VerifyingKey, hq_recipient: &str, enrolment_id: &str, token: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"consentry/enrolment/v1\n");
    h.update(hq_key.as_bytes());
    h.update(hq_recipient.as_bytes());
    h.update(enrolment_id.as_bytes());
    h.update(token);
    let d = h.finalize();
    let mut n = [0u8; 8];
    n.copy_from_slice(&d[..8]);
    let digits = format!("{:016}", u64::from_be_bytes(n) % 10_000_000_000_000_000);
    digits.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// An enrolment file made at headquarters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    /// The enrolment id.
    pub id: String,
    /// The device's name, as HQ calls it.
    pub device_name: String,
    /// What both screens show.
    pub fingerprint: String,
    /// The file's bytes (a signed note; keep it secret).
    pub file: Vec<u8>,
}

/// At headquarters: enrols a device and returns its enrolment file.
pub fn enrol(session: &mut Session, device_name: &str) -> Result<Enrolment> {
    let device_name = clean_name(device_name, "device")?;
    session.write(Action::ManageOrganisation, |w| {
        let org = hq_only(&w.tx)?;
        let taken: bool = w
            .tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM enrolment WHERE name = ?1 AND revoked_at_ms IS NULL)",
                [&device_name],
                |r| r.get(0),
            )
            .storage("enrol a device")?;
        if taken {
            return Err(Error::Duplicate(msg::DEVICE_EXISTS.with("name", &device_name)));
        }
        let enrolment_id = uuid::Uuid::now_v7().to_string();
        let mut token = zeroize::Zeroizing::new([0u8; 32]);
        getrandom::getrandom(token.as_mut_slice())
            .map_err(|_| Error::from(&msg::RANDOM_FAILED))?;
        let device_identity = age::x25519::Identity::generate();
        let fp = fingerprint(&org.hq_key, &org.hq_recipient, &enrolment_id, token.as_slice());
        let (_, key) = checkpoint::local_key(&w.tx)?;
        let hq = checkpoint::hq_name(&org.org.id);
        // Headquarters' personal-data recipient: what the device seals people's details to
        // (besides its own), so that they open here and nowhere else on the way.
        let personal = crate::vault::personal::own_recipient(&w.tx)?.ok_or(crate::domain::Error::PersonalDataSealed)?;
        // And its index key (secret, like the device identity): devices and headquarters make
        // the same blind terms, so people match across them without opening their details.
        let index_key = crate::vault::personal::index_key_bytes(&w.tx)?;
        let text = format!(
            "{ENROLMENT_MAGIC}\norganisation {}\norganisation-name {}\nhq {hq}\nhq-device {}\nhq-key {}\nhq-recipient {}\nenrolment {enrolment_id}\ndevice-name {device_name}\ntoken {}\ndevice-identity {}\nhq-personal-data {personal}\nhq-index-key {}\n",
            org.org.id,
            org.org.name,
            org.hq_device_id,
            BASE64.encode(org.hq_key.as_bytes()),
            org.hq_recipient,
            BASE64.encode(token.as_slice()),
            device_identity.to_string().expose_secret(),
            BASE64.encode(index_key.as_slice()),
        );
        let file = note::sign(&text, &hq, &key)?.render().into_bytes();
        w.tx.execute(
            "INSERT INTO enrolment (id, name, token, fingerprint, created_at_ms, created_by, device_recipient)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                enrolment_id,
                device_name,
                token.as_slice(),
                fp,
                w.now.timestamp_millis(),
                w.operator.id,
                device_identity.to_public().to_string()
            ],
        )
        .storage("enrol a device")?;
        w.audit("organisation.enrol", &enrolment_id, device_name.clone());
        Ok(Enrolment { id: enrolment_id, device_name, fingerprint: fp, file })
    })
}

pub(crate) fn hq_only(conn: &Connection) -> Result<OrgRow> {
    match org_row(conn)? {
        Some(o) if o.org.is_headquarters => Ok(o),
        Some(_) => Err(Error::refused(
            Refusal::NotEnrolled,
            "This vault is a device, not headquarters.",
            "Do this at headquarters.",
        )),
        None => Err(Error::refused(
            Refusal::NotEnrolled,
            "This vault is not headquarters of an organisation yet.",
            "Make it headquarters first (Sync → Make this vault headquarters, or `consentry org init`).",
        )),
    }
}

/// What an enrolment file says, read before joining so the screen can show the fingerprint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrolmentFile {
    /// The organisation's id.
    pub organisation_id: String,
    /// Its name.
    pub organisation_name: String,
    /// The enrolment id.
    pub enrolment_id: String,
    /// The device's name at HQ.
    pub device_name: String,
    /// The fingerprint to compare with headquarters' screen.
    pub fingerprint: String,
    hq_device_id: String,
    hq_key: VerifyingKey,
    hq_recipient: String,
    hq_personal_data: Option<String>,
    hq_index_key: Option<zeroize::Zeroizing<Vec<u8>>>,
    token: zeroize::Zeroizing<Vec<u8>>,
    device_identity: zeroize::Zeroizing<String>,
}

fn bad_enrolment(why: &str) -> Error {
    Error::refused(
        Refusal::NotABundle,
        format!("This is not a Consentry enrolment file ({why})."),
        "Choose the enrolment file headquarters saved for this device (it ends in .enrol).",
    )
}

/// Reads and checks an enrolment file (its signature by the headquarters key it names).
pub fn read_enrolment(file: &[u8]) -> Result<EnrolmentFile> {
    if file.len() > 64 * 1024 {
        return Err(bad_enrolment("it is far too large"));
    }
    let text = std::str::from_utf8(file).map_err(|_| bad_enrolment("it is not text"))?;
    if !text.starts_with("consentry-enrolment/") {
        return Err(bad_enrolment("it does not start with the enrolment header"));
    }
    if !text.starts_with(&format!("{ENROLMENT_MAGIC}\n")) {
        return Err(Error::refused(
            Refusal::UnknownFormat,
            "This enrolment file is in a format this version of Consentry does not read.",
            "Update Consentry on this device, or enrol it again from headquarters.",
        ));
    }
    let n = note::Note::parse(text).map_err(|_| bad_enrolment("its signature block does not parse"))?;
    let mut fields = std::collections::HashMap::new();
    for line in n.text.lines().skip(1) {
        if let Some((k, v)) = line.split_once(' ') {
            fields.insert(k, v.to_string());
        }
    }
    let get = |k: &str| fields.get(k).cloned().ok_or_else(|| bad_enrolment(&format!("it has no {k}")));
    let hq_key_bytes = BASE64.decode(get("hq-key")?.as_bytes()).map_err(|_| bad_enrolment("bad hq-key"))?;
    let hq_key = verifying_key(&hq_key_bytes).map_err(|_| bad_enrolment("bad hq-key"))?;
    let hq = get("hq")?;
    if hq != checkpoint::hq_name(&get("organisation")?) {
        return Err(bad_enrolment("its headquarters key name does not match its organisation"));
    }
    n.verify(&hq, &hq_key).map_err(|_| {
        Error::refused(
            Refusal::BadSignature,
            "The enrolment file is not signed by the headquarters key it names; it was changed.",
            "Ask headquarters for a new enrolment file.",
        )
    })?;
    let token =
        zeroize::Zeroizing::new(BASE64.decode(get("token")?.as_bytes()).map_err(|_| bad_enrolment("bad token"))?);
    let enrolment_id = get("enrolment")?;
    let hq_recipient = get("hq-recipient")?;
    Ok(EnrolmentFile {
        organisation_id: get("organisation")?,
        organisation_name: get("organisation-name")?,
        fingerprint: fingerprint(&hq_key, &hq_recipient, &enrolment_id, &token),
        enrolment_id,
        device_name: get("device-name")?,
        hq_device_id: get("hq-device")?,
        hq_key,
        hq_recipient,
        hq_personal_data: fields.get("hq-personal-data").cloned(),
        hq_index_key: match fields.get("hq-index-key") {
            Some(k) => Some(zeroize::Zeroizing::new(
                BASE64.decode(k.as_bytes()).map_err(|_| bad_enrolment("bad hq-index-key"))?,
            )),
            None => None,
        },
        token,
        device_identity: zeroize::Zeroizing::new(get("device-identity")?),
    })
}

/// On a device: joins the organisation the enrolment file names. From then on this vault
/// loads bundles only from that headquarters and sends its consents only to it.
pub fn join(session: &mut Session, file: &[u8]) -> Result<Organisation> {
    let e = read_enrolment(file)?;
    let identity: age::x25519::Identity =
        e.device_identity.parse().map_err(|_| bad_enrolment("its device key does not parse"))?;
    session.write(Action::ManageOrganisation, |w| {
        if let Some(o) = org_row(&w.tx)? {
            return Err(already(&o.org));
        }
        w.tx.execute(
            "UPDATE device SET age_identity = ?1, age_recipient = ?2 WHERE is_local = 1",
            params![identity.to_string().expose_secret(), identity.to_public().to_string()],
        )
        .storage("join the organisation")?;
        w.tx.execute(
            "INSERT INTO organisation (id, name, role, hq_device_id, hq_public_key, hq_recipient, enrolment_id,
                                       enrolment_token, fingerprint, joined_at_ms)
             VALUES (?1, ?2, 'device', ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                e.organisation_id,
                e.organisation_name,
                e.hq_device_id,
                e.hq_key.as_bytes().as_slice(),
                e.hq_recipient,
                e.enrolment_id,
                e.token.as_slice(),
                e.fingerprint,
                w.now.timestamp_millis()
            ],
        )
        .storage("join the organisation")?;
        let (Some(hq_personal), Some(hq_index)) = (e.hq_personal_data.as_deref(), e.hq_index_key.as_deref()) else {
            return Err(Error::refused(
                Refusal::UnknownFormat,
                "This enrolment file does not name headquarters' personal-data key, so people captured here could not be sent there sealed.",
                "Update Consentry at headquarters and enrol this device again.",
            ));
        };
        crate::vault::personal::add_org_recipient(&w.tx, w.personal, hq_personal)?;
        crate::vault::personal::adopt_index_key(&w.tx, w.personal, hq_index)?;
        crate::subject::reindex_all(w)?;
        w.audit("organisation.join", &e.organisation_id, format!("enrolment {}", e.enrolment_id));
        Ok(Organisation {
            id: e.organisation_id.clone(),
            name: e.organisation_name.clone(),
            is_headquarters: false,
            fingerprint: Some(e.fingerprint.clone()),
            enrolment_id: Some(e.enrolment_id.clone()),
            joined_at_ms: w.now.timestamp_millis(),
        })
    })
}

/// At headquarters: revokes an enrolment (by id or device name). Bundles from it are
/// refused from then on; what it sent before stays.
pub fn revoke(session: &mut Session, enrolment: &str) -> Result<()> {
    session.write(Action::ManageOrganisation, |w| {
        hq_only(&w.tx)?;
        let id: Option<String> =
            w.tx.query_row(
                "SELECT id FROM enrolment WHERE (id = ?1 OR name = ?1) AND revoked_at_ms IS NULL",
                [enrolment.trim()],
                |r| r.get(0),
            )
            .optional()
            .storage("revoke a device")?;
        let id = id.ok_or_else(|| Error::NotFound(msg::DEVICE_NOT_FOUND.with("name", enrolment.trim())))?;
        w.tx.execute(
            "UPDATE enrolment SET revoked_at_ms = ?2, revoked_by = ?3 WHERE id = ?1",
            params![id, w.now.timestamp_millis(), w.operator.id],
        )
        .storage("revoke a device")?;
        w.audit("organisation.revoke", &id, "");
        Ok(())
    })
}
