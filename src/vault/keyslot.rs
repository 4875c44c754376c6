//! The key-slot file beside the vault. Each slot wraps the vault's data key under a key
//! derived with Argon2id from one operator's passphrase (or the recovery key), sealed with
//! XChaCha20-Poly1305. The slot's AEAD tag proves the passphrase before the database is
//! touched, so a wrong passphrase never changes a byte. Only wrapped keys reach disk.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use data_encoding::BASE64;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::secret::{random_fill, DataKey};
use crate::domain::error::{Error, Result};
use crate::domain::messages as msg;

const FORMAT: &str = "consentry-keyslots-v1";
const RECOVERY_SLOT: &str = "recovery";

/// Argon2id cost for new slots: 64 MiB, three passes, one lane.
const KDF_MEMORY_KIB: u32 = 64 * 1024;
const KDF_ITERATIONS: u32 = 3;
const KDF_PARALLELISM: u32 = 1;

#[derive(Serialize, Deserialize, Clone)]
pub(crate) struct SlotFile {
    format: String,
    pub(crate) vault_id: String,
    slots: Vec<Slot>,
}

#[derive(Serialize, Deserialize, Clone)]
struct Slot {
    id: String,
    kind: SlotKind,
    kdf: Kdf,
    cipher: String,
    nonce: String,
    wrapped_key: String,
    /// The slot's own age recipient (X25519): what the personal-data key is granted to.
    /// Slots made before schema 10 have none until their next unlock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    recipient: Option<String>,
    /// After a data-key rotation: the current data key, sealed (age, base64) to the slot's own
    /// recipient, which replaces the one `wrapped_key` holds (rotation needs no passphrase).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sealed_key: Option<String>,
}

/// What a slot unwraps: the data key and, for slots made since schema 10, the slot's own
/// identity (the private half of its recipient).
pub(crate) struct Unwrapped {
    pub(crate) key: DataKey,
    pub(crate) identity: Option<age::x25519::Identity>,
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum SlotKind {
    Passphrase,
    Recovery,
}

#[derive(Serialize, Deserialize, Clone)]
struct Kdf {
    algorithm: String,
    version: u32,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: String,
}

/// Which slot to use: an operator's (by their normalised name) or the recovery slot.
pub(crate) enum SlotRef<'a> {
    Operator(&'a str),
    Recovery,
}

impl SlotFile {
    pub(crate) fn new(vault_id: &str) -> Self {
        SlotFile { format: FORMAT.to_string(), vault_id: vault_id.to_string(), slots: Vec::new() }
    }

    /// Reads the file and also returns its exact bytes (whose SHA-256 the vault records).
    pub(crate) fn read_with_bytes(path: &Path) -> Result<(Self, Vec<u8>)> {
        let bytes = fs::read(path).map_err(|e| Error::KeySlots {
            path: path.to_path_buf(),
            problem: if e.kind() == std::io::ErrorKind::NotFound {
                &msg::SLOTS_MISSING
            } else {
                &msg::SLOTS_UNREADABLE
            },
        })?;
        let file: SlotFile = serde_json::from_slice(&bytes)
            .map_err(|_| Error::KeySlots { path: path.to_path_buf(), problem: &msg::SLOTS_INVALID })?;
        if file.format != FORMAT {
            return Err(Error::KeySlots { path: path.to_path_buf(), problem: &msg::SLOTS_FORMAT });
        }
        Ok((file, bytes))
    }

    /// The file's bytes as written.
    pub(crate) fn encode(&self, path: &Path) -> Result<Vec<u8>> {
        serde_json::to_vec_pretty(self)
            .map_err(|_| Error::KeySlots { path: path.to_path_buf(), problem: &msg::SLOTS_INVALID })
    }

    /// Writes the file atomically: a temporary file beside it, fsync, rename, fsync the folder.
    pub(crate) fn write(&self, path: &Path) -> Result<()> {
        write_atomically(path, &self.encode(path)?)
    }

    pub(crate) fn has(&self, slot: &SlotRef<'_>) -> bool {
        let id = self.slot_id(slot);
        self.slots.iter().any(|s| s.id == id)
    }

    /// Unwraps the data key. `Ok(None)` means the secret is wrong.
    pub(crate) fn open(&self, slot: &SlotRef<'_>, secret: &[u8]) -> Result<Option<DataKey>> {
        Ok(self.open_full(slot, secret)?.map(|u| u.key))
    }

    /// Unwraps the data key and the slot's identity. `Ok(None)` means the secret is wrong.
    pub(crate) fn open_full(&self, slot: &SlotRef<'_>, secret: &[u8]) -> Result<Option<Unwrapped>> {
        let id = self.slot_id(slot);
        let Some(s) = self.slots.iter().find(|s| s.id == id) else {
            return Ok(None);
        };
        let corrupt = |what: &str| {
            tracing::error!(slot = %s.id, what, "damaged key slot");
            Error::from(msg::DAMAGED.term("part", &msg::PART_KEY_SLOT))
        };
        if s.kdf.algorithm != "argon2id" || s.cipher != "xchacha20poly1305" {
            return Err(corrupt("unknown algorithm"));
        }
        let salt = BASE64.decode(s.kdf.salt.as_bytes()).map_err(|_| corrupt("salt"))?;
        let nonce = BASE64.decode(s.nonce.as_bytes()).map_err(|_| corrupt("nonce"))?;
        let wrapped = BASE64.decode(s.wrapped_key.as_bytes()).map_err(|_| corrupt("key"))?;
        if nonce.len() != 24 {
            return Err(corrupt("nonce length"));
        }
        // A tampered slot must not make unlocking eat the machine: cap the cost it may ask for.
        if s.kdf.memory_kib > 4 * 1024 * 1024 || s.kdf.iterations > 64 || s.kdf.parallelism > 16 {
            return Err(corrupt("key-derivation cost out of range"));
        }
        let params = Params::new(s.kdf.memory_kib, s.kdf.iterations, s.kdf.parallelism, Some(32))
            .map_err(|_| corrupt("parameters"))?;
        let kek = derive(secret, &salt, params)?;
        let cipher = XChaCha20Poly1305::new_from_slice(kek.as_slice()).map_err(|_| corrupt("key"))?;
        let aad = self.aad(&s.id);
        match cipher.decrypt(XNonce::from_slice(&nonce), Payload { msg: &wrapped, aad: &aad }) {
            Ok(plain) => {
                let mut plain = Zeroizing::new(plain);
                if plain.len() < 32 {
                    return Err(corrupt("key length"));
                }
                let identity = if plain.len() > 32 {
                    let text = std::str::from_utf8(&plain[32..]).map_err(|_| corrupt("identity"))?;
                    Some(text.parse::<age::x25519::Identity>().map_err(|_| corrupt("identity"))?)
                } else {
                    None
                };
                let key = match (&s.sealed_key, &identity) {
                    (Some(sealed), Some(id)) => {
                        let sealed = BASE64.decode(sealed.as_bytes()).map_err(|_| corrupt("sealed key"))?;
                        let mut k = Zeroizing::new(age::decrypt(id, &sealed).map_err(|_| corrupt("sealed key"))?);
                        if k.len() != 32 {
                            return Err(corrupt("sealed key length"));
                        }
                        DataKey::from_bytes(k.as_mut_slice())?
                    }
                    _ => DataKey::from_bytes(&mut plain[..32])?,
                };
                Ok(Some(Unwrapped { key, identity }))
            }
            Err(_) => Ok(None),
        }
    }

    /// Adds or replaces a slot that wraps `key` under `secret`, with a new identity of its
    /// own; returns the slot's id and recipient (to grant the personal-data key to).
    pub(crate) fn seal(
        &mut self,
        slot: &SlotRef<'_>,
        secret: &[u8],
        key: &DataKey,
    ) -> Result<(String, age::x25519::Recipient)> {
        let id = self.slot_id(slot);
        let mut salt = [0u8; 16];
        random_fill(&mut salt)?;
        let mut nonce = [0u8; 24];
        random_fill(&mut nonce)?;
        let params = Params::new(KDF_MEMORY_KIB, KDF_ITERATIONS, KDF_PARALLELISM, Some(32))
            .map_err(|_| Error::Storage { context: "choose key-derivation parameters" })?;
        let kek = derive(secret, &salt, params)?;
        let cipher = XChaCha20Poly1305::new_from_slice(kek.as_slice())
            .map_err(|_| Error::Storage { context: "seal a key slot" })?;
        let aad = self.aad(&id);
        let identity = age::x25519::Identity::generate();
        let recipient = identity.to_public();
        let mut payload = Zeroizing::new(key.expose_bytes().to_vec());
        payload.extend_from_slice(age::secrecy::ExposeSecret::expose_secret(&identity.to_string()).as_bytes());
        let wrapped = cipher
            .encrypt(XNonce::from_slice(&nonce), Payload { msg: payload.as_slice(), aad: &aad })
            .map_err(|_| Error::Storage { context: "seal a key slot" })?;
        let kind = match slot {
            SlotRef::Operator(_) => SlotKind::Passphrase,
            SlotRef::Recovery => SlotKind::Recovery,
        };
        let new = Slot {
            id: id.clone(),
            kind,
            kdf: Kdf {
                algorithm: "argon2id".into(),
                version: 19,
                memory_kib: KDF_MEMORY_KIB,
                iterations: KDF_ITERATIONS,
                parallelism: KDF_PARALLELISM,
                salt: BASE64.encode(&salt),
            },
            cipher: "xchacha20poly1305".into(),
            nonce: BASE64.encode(&nonce),
            wrapped_key: BASE64.encode(&wrapped),
            recipient: Some(recipient.to_string()),
            sealed_key: None,
        };
        self.slots.retain(|s| s.id != id);
        self.slots.push(new);
        Ok((id, recipient))
    }

    /// Seals a new data key to every slot's own recipient (a rotation). Returns the ids of
    /// slots that have no recipient yet (made before schema 10 and not unlocked since), which
    /// cannot be given the new key; nothing is changed then.
    pub(crate) fn reseal_data_key(&mut self, key: &DataKey) -> Result<Vec<String>> {
        let missing: Vec<String> = self.slots.iter().filter(|s| s.recipient.is_none()).map(|s| s.id.clone()).collect();
        if !missing.is_empty() {
            return Ok(missing);
        }
        for s in &mut self.slots {
            let recipient: age::x25519::Recipient = s
                .recipient
                .as_deref()
                .and_then(|r| r.parse().ok())
                .ok_or(Error::Storage { context: "read a key slot's recipient" })?;
            let sealed = super::personal::seal_to(std::slice::from_ref(&recipient), key.expose_bytes())?;
            s.sealed_key = Some(BASE64.encode(&sealed));
        }
        Ok(Vec::new())
    }

    /// The id a slot has in this file (what grants are keyed by).
    pub(crate) fn id_of(&self, slot: &SlotRef<'_>) -> String {
        self.slot_id(slot)
    }

    /// A slot's recipient, if it has one (slots made since schema 10).
    pub(crate) fn recipient_of(&self, slot_id: &str) -> Option<age::x25519::Recipient> {
        self.slots.iter().find(|s| s.id == slot_id)?.recipient.as_deref()?.parse().ok()
    }

    /// Removes an operator's slot, so their passphrase no longer opens the vault.
    pub(crate) fn remove(&mut self, slot: &SlotRef<'_>) {
        let id = self.slot_id(slot);
        self.slots.retain(|s| s.id != id);
    }

    /// A slot's id: operator names are not written in the clear, only a hash bound to this vault.
    fn slot_id(&self, slot: &SlotRef<'_>) -> String {
        match slot {
            SlotRef::Recovery => RECOVERY_SLOT.to_string(),
            SlotRef::Operator(name_key) => {
                let mut h = Sha256::new();
                h.update(b"consentry/slot-id/v1\0");
                h.update(self.vault_id.as_bytes());
                h.update(b"\0");
                h.update(name_key.as_bytes());
                format!("operator:{}", &hex::encode(h.finalize())[..32])
            }
        }
    }

    fn aad(&self, slot_id: &str) -> Vec<u8> {
        format!("{FORMAT}\0{}\0{slot_id}", self.vault_id).into_bytes()
    }
}

fn derive(secret: &[u8], salt: &[u8], params: Params) -> Result<Zeroizing<[u8; 32]>> {
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(secret, salt, out.as_mut_slice())
        .map_err(|_| Error::from(msg::DAMAGED.term("part", &msg::PART_KEY_SLOT)))?;
    Ok(out)
}

/// Writes bytes to `path` atomically: a new temporary file beside it (mode 0600), fsync,
/// rename over `path`, fsync the folder. On failure the temporary file is removed.
pub(crate) fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = temp_path(path)?;
    let written = (|| -> std::io::Result<()> {
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        File::open(dir)?.sync_all()?;
        Ok(())
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(Error::io(&msg::IO_WRITE, path, &e));
    }
    Ok(())
}

/// Temporary files a killed write left beside the key-slot file (`NAME.tmp-XXXXXXXXXXXX`).
pub(crate) fn stale_temp_files(path: &Path) -> Vec<PathBuf> {
    let Some(dir) = path.parent() else { return vec![] };
    let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return vec![] };
    let prefix = format!("{name}.tmp-");
    let next_prefix = format!("{name}.next.tmp-");
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| {
                    e.file_name().to_str().is_some_and(|n| n.starts_with(&prefix) || n.starts_with(&next_prefix))
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default()
}

fn temp_path(path: &Path) -> Result<PathBuf> {
    let mut suffix = [0u8; 6];
    random_fill(&mut suffix)?;
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".tmp-{}", hex::encode(suffix)));
    Ok(path.with_file_name(name))
}
