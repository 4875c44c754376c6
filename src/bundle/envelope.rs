//! The bundle file: a C2SP signed note (the header, in plain text, signed by the sender's
//! Ed25519 key) followed by the payload encrypted to the receiver with `age` (X25519).
//! The header names the format version, both ends and the SHA-256 and length of the
//! ciphertext, so a file that was edited, re-encrypted or cut short is refused before
//! anything is decrypted. `docs/bundle-format.md` describes every byte.

use data_encoding::BASE64;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::checkpoint::note::{self, Note};
use crate::domain::error::{Error, Result};
use crate::domain::messages as msg;
use crate::domain::Refusal;

/// The first line of every bundle of this format.
pub const MAGIC: &str = "consentry-bundle/v1";
/// The largest bundle Consentry reads (256 MiB); a larger file is refused unread.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Which way a bundle travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// From a device to headquarters.
    Device,
    /// From headquarters to a device.
    Hq,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Device => "device",
            Kind::Hq => "hq",
        }
    }
}

/// The signed header's fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// `device` or `hq`.
    pub kind: String,
    /// The sender's key name.
    pub from: String,
    /// The receiver's key name.
    pub to: String,
    /// The enrolment the device holds (device bundles).
    pub enrolment: Option<String>,
    /// The sender's Ed25519 public key, base64 (device bundles).
    pub key: Option<String>,
    /// Proof that the sender holds the enrolment's token, base64 (device bundles).
    pub proof: Option<String>,
    /// Length of the ciphertext.
    pub payload_bytes: u64,
    /// SHA-256 of the ciphertext, base64.
    pub payload_sha256: String,
}

impl Header {
    fn text(&self) -> String {
        let mut t = format!("{MAGIC}\nkind {}\nfrom {}\nto {}\n", self.kind, self.from, self.to);
        for (k, v) in [("enrolment", &self.enrolment), ("key", &self.key), ("proof", &self.proof)] {
            if let Some(v) = v {
                t.push_str(&format!("{k} {v}\n"));
            }
        }
        t.push_str(&format!("payload-bytes {}\npayload-sha256 {}\n", self.payload_bytes, self.payload_sha256));
        t
    }

    fn parse(text: &str) -> Result<Header> {
        let mut lines = text.lines();
        let first = lines.next().unwrap_or_default();
        if first != MAGIC {
            return Err(unknown_format(first));
        }
        let mut h = Header::default();
        let mut bytes = None;
        for line in lines {
            let (k, v) = line.split_once(' ').ok_or_else(|| not_a_bundle("a header line has no value"))?;
            let v = v.to_string();
            match k {
                "kind" => h.kind = v,
                "from" => h.from = v,
                "to" => h.to = v,
                "enrolment" => h.enrolment = Some(v),
                "key" => h.key = Some(v),
                "proof" => h.proof = Some(v),
                "payload-bytes" => bytes = v.parse().ok(),
                "payload-sha256" => h.payload_sha256 = v,
                _ => {} // later minor versions may add lines; the signature covers them
            }
        }
        h.payload_bytes = bytes.ok_or_else(|| not_a_bundle("the header has no payload length"))?;
        if h.kind.is_empty() || h.from.is_empty() || h.to.is_empty() || h.payload_sha256.is_empty() {
            return Err(not_a_bundle("the header lacks kind, from, to or the payload hash"));
        }
        Ok(h)
    }

    /// The sender's public key named in the header, if any.
    pub fn key(&self) -> Result<Option<VerifyingKey>> {
        let Some(k) = &self.key else { return Ok(None) };
        let bytes: [u8; 32] = BASE64
            .decode(k.as_bytes())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| not_a_bundle("the sender's key in the header is not a 32-byte Ed25519 key"))?;
        VerifyingKey::from_bytes(&bytes)
            .map(Some)
            .map_err(|_| not_a_bundle("the sender's key in the header is not an Ed25519 key"))
    }
}

fn not_a_bundle(why: &str) -> Error {
    Error::refused(
        Refusal::NotABundle,
        format!("This file is not a Consentry bundle ({why})."),
        "Choose a file that Consentry saved as a bundle (it ends in .consentry).",
    )
}

fn unknown_format(first: &str) -> Error {
    if let Some(v) = first.strip_prefix("consentry-bundle/") {
        Error::refused(
            Refusal::UnknownFormat,
            format!("This bundle is in format {v}, which this version of Consentry does not read (it reads v1)."),
            "Update Consentry on this computer, or ask the sender to save the bundle with the same version.",
        )
    } else {
        not_a_bundle("it does not start with the bundle header")
    }
}

/// Builds a bundle file: the header signed by `from`, the payload encrypted to `to`.
pub(crate) fn seal(
    mut header: Header,
    kind: Kind,
    payload: &[u8],
    signer: &SigningKey,
    recipient: &age::x25519::Recipient,
) -> Result<Vec<u8>> {
    let ciphertext =
        age::encrypt(recipient, payload).map_err(|e| Error::from(msg::BUNDLE_NOT_WRITTEN.with("detail", e)))?;
    header.kind = kind.as_str().to_string();
    header.payload_bytes = ciphertext.len() as u64;
    header.payload_sha256 = BASE64.encode(&Sha256::digest(&ciphertext));
    let signed = note::sign(&header.text(), &header.from, signer)?;
    let mut out = signed.render().into_bytes();
    out.push(b'\n');
    out.extend_from_slice(&ciphertext);
    fits(out.len() as u64)?;
    Ok(out)
}

/// A bundle about to be saved must be one the receiver accepts: never save a file that will
/// be refused for its size. Nothing is saved (the caller's transaction rolls back).
fn fits(len: u64) -> Result<()> {
    if len <= MAX_BYTES {
        return Ok(());
    }
    Err(msg::BUNDLE_TOO_BIG
        .with("size_mib", len.div_ceil(1024 * 1024))
        .with("max_mib", MAX_BYTES / (1024 * 1024))
        .into())
}

/// A bundle whose header was read but not yet trusted.
pub(crate) struct Opened<'a> {
    /// The header's fields.
    pub header: Header,
    note: Note,
    ciphertext: &'a [u8],
}

/// Reads the header of a bundle file; checks the format and the kind.
pub(crate) fn open(file: &[u8], expected: Kind) -> Result<Opened<'_>> {
    if file.len() as u64 > MAX_BYTES {
        return Err(too_large(file.len() as u64));
    }
    if !file.starts_with(b"consentry-bundle/") {
        return Err(not_a_bundle("it does not start with the bundle header"));
    }
    let first_end = file.iter().position(|&b| b == b'\n').unwrap_or(file.len());
    let first = String::from_utf8_lossy(&file[..first_end]);
    if first != MAGIC {
        return Err(unknown_format(&first));
    }
    // The note's text ends at the first blank line, its signatures at the second.
    let text_end = find(file, b"\n\n", 0).ok_or_else(truncated)?;
    let sigs_end = find(file, b"\n\n", text_end + 2).ok_or_else(truncated)?;
    let note_text = std::str::from_utf8(&file[..=sigs_end]).map_err(|_| not_a_bundle("the header is not UTF-8"))?;
    let note = Note::parse(note_text).map_err(|_| not_a_bundle("the signed header does not parse"))?;
    let header = Header::parse(&note.text)?;
    if header.kind != expected.as_str() {
        return Err(Error::refused(
            Refusal::WrongKind,
            match expected {
                Kind::Device => {
                    "This is a bundle from headquarters, for a device; headquarters imports device bundles."
                }
                Kind::Hq => "This is a device bundle, for headquarters; a device loads bundles from headquarters.",
            },
            "Import it on the other side.",
        ));
    }
    Ok(Opened { header, note, ciphertext: &file[sigs_end + 2..] })
}

/// The file's size is over the limit.
pub(crate) fn too_large(len: u64) -> Error {
    Error::refused(
        Refusal::TooLarge,
        format!(
            "This file is {} MiB, more than the {} MiB a bundle may be.",
            len / (1024 * 1024),
            MAX_BYTES / (1024 * 1024)
        ),
        "Check that it is the right file: Consentry never saves a bundle larger than this.",
    )
}

fn truncated() -> Error {
    Error::refused(
        Refusal::Truncated,
        "This bundle ends early: part of the file is missing.",
        "Copy the bundle again from the original (the copy was cut short).",
    )
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

impl Opened<'_> {
    /// Checks the sender's signature on the header, then that the ciphertext is the one it
    /// names, then decrypts it.
    pub(crate) fn verify_and_decrypt(
        &self,
        sender: &VerifyingKey,
        identity: &age::x25519::Identity,
    ) -> Result<Vec<u8>> {
        self.note.verify(&self.header.from, sender).map_err(|_| {
            Error::refused(
                Refusal::BadSignature,
                format!("The bundle is not signed by the key {} holds.", self.header.from),
                "Ask the sender for a new bundle; if it happens again, the file did not come from them.",
            )
        })?;
        let held = self.ciphertext.len() as u64;
        if held != self.header.payload_bytes
            || BASE64.encode(&Sha256::digest(self.ciphertext)) != self.header.payload_sha256
        {
            // A shorter file that is not a whole age file was cut short; anything else
            // (edited bytes, or a whole file encrypted again) changed after signing.
            let whole = age::decrypt(identity, self.ciphertext).is_ok();
            if held < self.header.payload_bytes && !whole {
                return Err(truncated());
            }
            return Err(Error::refused(
                Refusal::Tampered,
                "The bundle's contents changed after it was signed (edited or re-encrypted).",
                "Ask the sender for a new bundle, and use the file exactly as saved.",
            ));
        }
        age::decrypt(identity, self.ciphertext).map_err(|e| match e {
            age::DecryptError::NoMatchingKeys => Error::refused(
                Refusal::WrongReceiver,
                "The bundle is not encrypted to this vault's key.",
                "Import it in the vault it was made for.",
            ),
            _ => truncated(),
        })
    }
}

/// Proof, for a device's first bundle, that it holds the enrolment's token: HMAC-SHA256
/// with the token as key over the device's key name and public key.
pub(crate) fn enrolment_proof(token: &[u8], device_name: &str, key: &VerifyingKey) -> Result<String> {
    use hmac::Mac;
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(token)
        .map_err(|_| Error::from(msg::DAMAGED.term("part", &msg::PART_TOKEN)))?;
    mac.update(b"consentry/enrolment-proof/v1\n");
    mac.update(device_name.as_bytes());
    mac.update(b"\n");
    mac.update(key.as_bytes());
    Ok(BASE64.encode(&mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundle_over_the_limit_is_never_saved() {
        assert!(fits(MAX_BYTES).is_ok());
        let e = fits(MAX_BYTES + 1).unwrap_err();
        assert_eq!(e.kind(), "invalid");
        assert!(e.to_string().contains("257 MiB, more than the 256 MiB"), "{e}");
    }
}
