//! Signed notes (c2sp.org/signed-note), checkpoints (c2sp.org/tlog-checkpoint) and
//! witness cosignatures (c2sp.org/tlog-cosignature), Ed25519 only.
//!
//! A note is a text ending in a newline, a blank line, and one or more signature lines
//! `— <key name> base64(key ID ‖ signature)`. A key is known by its name and its key ID,
//! the first four bytes of SHA-256(name ‖ 0x0A ‖ type ‖ public key), with type 0x01 for
//! note signatures and 0x04 for timestamped cosignatures.

use data_encoding::BASE64;
use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use super::merkle::Hash;
use crate::domain::error::{Error, Result};

/// Signature type of plain Ed25519 note signatures.
const ED25519: u8 = 0x01;
/// Signature type of timestamped Ed25519 witness cosignatures.
const COSIGNATURE: u8 = 0x04;
/// More signature lines than this make a note malformed (as in Go's sumdb/note).
const MAX_SIGNATURES: usize = 100;
/// How every signature line starts: em dash (U+2014) and a space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";
/// The first line of the message a cosigner signs.
const COSIGNATURE_HEADER: &str = "cosignature/v1";

/// A note: its text and its signature lines, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The signed text, ending in a newline (the separating blank line is not part of it).
    pub text: String,
    /// The signature lines, in the order they appear.
    pub signatures: Vec<Signature>,
}

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The key name.
    pub name: String,
    /// The key ID: the first four bytes of the line's base64 payload.
    pub key_id: [u8; 4],
    /// The rest of the payload: a 64-byte Ed25519 signature, or for a cosignature an
    /// 8-byte big-endian timestamp and then the signature.
    pub bytes: Vec<u8>,
}

/// The key ID of a key: SHA-256(name ‖ 0x0A ‖ type ‖ public key), first four bytes.
fn key_id(name: &str, kind: u8, key: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', kind]);
    h.update(key.as_bytes());
    let digest = h.finalize();
    [digest[0], digest[1], digest[2], digest[3]]
}

/// The standard verifier key of an Ed25519 note key: `<name>+<hex key ID>+<base64(0x01 ‖
/// public key)>` (as Go's `note.NewEd25519VerifierKey` writes it). The name should be a
/// valid key name (non-empty, no spaces, no '+'); it is not checked here.
pub fn vkey(name: &str, key: &VerifyingKey) -> String {
    let mut material = Vec::with_capacity(33);
    material.push(ED25519);
    material.extend_from_slice(key.as_bytes());
    format!("{name}+{}+{}", hex::encode(key_id(name, ED25519, key)), BASE64.encode(&material))
}

/// A problem with a signed note, checkpoint or proof: the precise English detail inside a
/// sentence the app shows in either language (these are machine formats, not input people type).
pub(crate) fn signed_format(problem: impl Into<String>, fix: impl Into<String>) -> Error {
    crate::domain::messages::SIGNED_FORMAT.with("detail", format!("{} {}", problem.into(), fix.into())).into()
}

fn malformed(problem: impl Into<String>) -> Error {
    signed_format(
        problem,
        "Get a fresh copy of the signed note from its source; a note must be copied byte for byte, with its blank line and signature lines.",
    )
}

/// Refuses a key name the note format cannot carry.
fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control() || c == '+') {
        return Err(signed_format(
            format!("\"{name}\" cannot be a key name in a signed note."),
            "Use a non-empty name without spaces or '+', such as example.com/ledger.",
        ));
    }
    Ok(())
}

/// The one ASCII control character a note may contain is the newline.
fn has_control(s: &str) -> bool {
    s.chars().any(|c| c < ' ' && c != '\n')
}

/// Refuses a text that cannot be signed as a note.
fn check_text(text: &str) -> Result<()> {
    if !text.ends_with('\n') {
        return Err(signed_format("The text to sign does not end in a newline.", "End the text with a newline."));
    }
    if has_control(text) {
        return Err(signed_format(
            "The text to sign contains a control character (such as a tab or carriage return).",
            "Remove control characters; only newlines may separate lines.",
        ));
    }
    Ok(())
}

impl Note {
    /// Parses a signed note strictly: valid text ending in a newline, a blank line, then
    /// only signature lines (1 to 100) with valid names and canonical base64. The text
    /// may contain blank lines; it ends at the note's last blank line.
    pub fn parse(msg: &str) -> Result<Note> {
        if has_control(msg) {
            return Err(malformed("The signed note contains a control character other than newline."));
        }
        let Some(split) = msg.rfind("\n\n") else {
            return Err(malformed("The signed note has no blank line between its text and its signatures."));
        };
        let (text, sigs) = (&msg[..split + 1], &msg[split + 2..]);
        let Some(sigs) = sigs.strip_suffix('\n') else {
            return Err(malformed(if sigs.is_empty() {
                "The signed note has no signature lines after its blank line."
            } else {
                "The signed note's last signature line does not end in a newline."
            }));
        };
        let mut signatures = Vec::new();
        for line in sigs.split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(malformed(format!("The signed note has more than {MAX_SIGNATURES} signature lines.")));
            }
            signatures.push(Signature::parse_line(line)?);
        }
        Ok(Note { text: text.to_owned(), signatures })
    }

    /// The note as text: the text, a blank line, and one line per signature.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(self.text.len() + 1 + self.signatures.len() * 110);
        out.push_str(&self.text);
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.line());
            out.push('\n');
        }
        out
    }

    /// Signs the note's text with an Ed25519 key (type 0x01) and appends the signature
    /// line; a signature already there by the same name and key is replaced.
    pub fn add_signature(&mut self, name: &str, key: &SigningKey) -> Result<()> {
        check_text(&self.text)?;
        check_name(name)?;
        let key_id = key_id(name, ED25519, &key.verifying_key());
        let bytes = key.sign(self.text.as_bytes()).to_bytes().to_vec();
        self.put(Signature { name: name.to_owned(), key_id, bytes })
    }

    /// Adds a signature line, replacing one by the same name and key ID.
    fn put(&mut self, signature: Signature) -> Result<()> {
        if let Some(old) = self.signatures.iter_mut().find(|s| s.name == signature.name && s.key_id == signature.key_id)
        {
            *old = signature;
            return Ok(());
        }
        if self.signatures.len() == MAX_SIGNATURES {
            return Err(signed_format(
                format!("The note already has {MAX_SIGNATURES} signatures, the most a note may carry."),
                "Remove signatures that are no longer needed before adding another.",
            ));
        }
        self.signatures.push(signature);
        Ok(())
    }

    /// Checks that the key `name` with public key `key` signed this note's text.
    ///
    /// Signatures by other keys, including other keys with the same name, are ignored. A
    /// signature line with this key's name and key ID that does not verify is an error,
    /// and so is a note with no such line.
    pub fn verify(&self, name: &str, key: &VerifyingKey) -> Result<()> {
        let id = key_id(name, ED25519, key);
        let mut found = false;
        for s in self.signatures.iter().filter(|s| s.name == name && s.key_id == id) {
            let sig = <[u8; 64]>::try_from(s.bytes.as_slice()).map_err(|_| bad_signature(name, &id))?;
            check_text(&self.text).map_err(|_| bad_signature(name, &id))?;
            key.verify_strict(self.text.as_bytes(), &ed25519_dalek::Signature::from_bytes(&sig))
                .map_err(|_| bad_signature(name, &id))?;
            found = true;
        }
        if found {
            Ok(())
        } else {
            Err(signed_format(
                format!("This note is not signed by {name} with key {} (signatures by other keys are ignored).", hex::encode(id)),
                format!("Check that the key you trust for {name} is the right one, or get the copy of the note that {name} signed."),
            ))
        }
    }
}

fn bad_signature(name: &str, id: &[u8; 4]) -> Error {
    signed_format(
        format!(
            "The signature by {name} (key {}) does not match this note: the note was changed after it was signed, or the signature is damaged.",
            hex::encode(id)
        ),
        "Do not rely on this note; get a fresh copy from its source.",
    )
}

impl Signature {
    /// Parses one signature line (without its newline).
    fn parse_line(line: &str) -> Result<Signature> {
        let Some(rest) = line.strip_prefix(SIGNATURE_PREFIX) else {
            return Err(malformed(format!(
                "The line \"{line}\" after the note's blank line is not a signature line (\"— <name> <signature>\")."
            )));
        };
        let Some((name, b64)) = rest.split_once(' ') else {
            return Err(malformed(format!(
                "The signature line \"{line}\" has no space between key name and signature."
            )));
        };
        if check_name(name).is_err() {
            return Err(malformed(format!("The signature line \"{line}\" has an invalid key name.")));
        }
        let raw = BASE64
            .decode(b64.as_bytes())
            .map_err(|_| malformed(format!("The signature of {name} is not valid base64: \"{b64}\".")))?;
        if raw.len() < 5 {
            return Err(malformed(format!("The signature of {name} is too short to hold a key ID and a signature.")));
        }
        let key_id = [raw[0], raw[1], raw[2], raw[3]];
        Ok(Signature { name: name.to_owned(), key_id, bytes: raw[4..].to_vec() })
    }

    /// The signature line, without its newline.
    fn line(&self) -> String {
        let mut payload = Vec::with_capacity(4 + self.bytes.len());
        payload.extend_from_slice(&self.key_id);
        payload.extend_from_slice(&self.bytes);
        format!("{SIGNATURE_PREFIX}{} {}", self.name, BASE64.encode(&payload))
    }
}

/// Signs `text` as a note by the Ed25519 key `name` (type 0x01).
pub fn sign(text: &str, name: &str, key: &SigningKey) -> Result<Note> {
    let mut note = Note { text: text.to_owned(), signatures: Vec::new() };
    note.add_signature(name, key)?;
    Ok(note)
}

/// A checkpoint: the note text that commits a log to its size and RFC 6962 root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line: a unique name for the log, such as `example.com/log42`.
    pub origin: String,
    /// The number of leaves in the tree.
    pub size: u64,
    /// The RFC 6962 root of the tree at that size.
    pub root: Hash,
}

impl Checkpoint {
    /// The note text: origin, decimal size and base64 root, each ending in a newline,
    /// with no extension lines.
    pub fn body(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, BASE64.encode(&self.root))
    }

    /// Parses a checkpoint from a note's text strictly: a non-empty origin, a decimal
    /// size without leading zeros, a base64 root of 32 bytes, then optional non-empty
    /// extension lines, which are ignored.
    pub fn parse(text: &str) -> Result<Checkpoint> {
        let Some(body) = text.strip_suffix('\n') else {
            return Err(bad_checkpoint("does not end in a newline"));
        };
        let lines: Vec<&str> = body.split('\n').collect();
        let [origin, size, root, extensions @ ..] = lines.as_slice() else {
            return Err(bad_checkpoint("has fewer than three lines (origin, tree size, root hash)"));
        };
        if origin.is_empty() {
            return Err(bad_checkpoint("has an empty origin line"));
        }
        let canonical =
            !size.is_empty() && size.bytes().all(|b| b.is_ascii_digit()) && (*size == "0" || !size.starts_with('0'));
        let size = match size.parse::<u64>() {
            Ok(n) if canonical => n,
            _ => {
                return Err(bad_checkpoint(&format!(
                    "has \"{size}\" as its tree size, not a decimal number without leading zeros"
                )))
            }
        };
        let root =
            BASE64.decode(root.as_bytes()).ok().and_then(|r| Hash::try_from(r.as_slice()).ok()).ok_or_else(|| {
                bad_checkpoint(&format!("has \"{root}\" as its root hash, not the base64 of 32 bytes"))
            })?;
        if extensions.iter().any(|l| l.is_empty()) {
            return Err(bad_checkpoint("has an empty extension line"));
        }
        Ok(Checkpoint { origin: (*origin).to_owned(), size, root })
    }
}

fn bad_checkpoint(problem: &str) -> Error {
    signed_format(
        format!("The checkpoint {problem}."),
        "Get a fresh copy of the checkpoint from the log; it must be origin, tree size and root hash, one per line.",
    )
}

/// The message an Ed25519 cosigner signs: header, time line, then the checkpoint text.
fn cosigned_message(unix_seconds: u64, body: &str) -> String {
    format!("{COSIGNATURE_HEADER}\ntime {unix_seconds}\n{body}")
}

/// Splits a cosignature's bytes into its timestamp and its Ed25519 signature.
fn cosignature_parts(bytes: &[u8]) -> Option<(u64, [u8; 64])> {
    let (time, sig) = bytes.split_first_chunk::<8>()?;
    Some((u64::from_be_bytes(*time), <[u8; 64]>::try_from(sig).ok()?))
}

/// Cosigns a checkpoint note as the witness `witness_name` at `unix_seconds`
/// (tlog-cosignature, Ed25519, type 0x04) and appends the line; a cosignature already
/// there by the same witness key is replaced.
pub fn cosign(note: &mut Note, witness_name: &str, key: &SigningKey, unix_seconds: u64) -> Result<()> {
    check_name(witness_name)?;
    check_text(&note.text)?;
    Checkpoint::parse(&note.text)?;
    if unix_seconds > i64::MAX as u64 {
        return Err(signed_format(
            format!("The cosignature time {unix_seconds} is past the largest allowed (2^63 - 1)."),
            "Pass the time as seconds since 1970.",
        ));
    }
    let key_id = key_id(witness_name, COSIGNATURE, &key.verifying_key());
    let sig = key.sign(cosigned_message(unix_seconds, &note.text).as_bytes());
    let mut bytes = Vec::with_capacity(72);
    bytes.extend_from_slice(&unix_seconds.to_be_bytes());
    bytes.extend_from_slice(&sig.to_bytes());
    note.put(Signature { name: witness_name.to_owned(), key_id, bytes })
}

/// Checks that the witness `witness_name` with public key `key` cosigned this checkpoint
/// note, and returns the time it cosigned at (the latest, if it has several lines).
///
/// Other keys' lines are ignored; a line by this witness key that does not verify is an
/// error, and so is a note without one.
pub fn verify_cosignature(note: &Note, witness_name: &str, key: &VerifyingKey) -> Result<u64> {
    Checkpoint::parse(&note.text)?;
    let id = key_id(witness_name, COSIGNATURE, key);
    let mut latest = None;
    for s in note.signatures.iter().filter(|s| s.name == witness_name && s.key_id == id) {
        let bad = || bad_signature(witness_name, &id);
        let (time, sig) = cosignature_parts(&s.bytes).ok_or_else(bad)?;
        if time > i64::MAX as u64 {
            return Err(bad());
        }
        let message = cosigned_message(time, &note.text);
        key.verify_strict(message.as_bytes(), &ed25519_dalek::Signature::from_bytes(&sig)).map_err(|_| bad())?;
        latest = latest.max(Some(time));
    }
    latest.ok_or_else(|| {
        signed_format(
            format!(
                "This checkpoint is not cosigned by {witness_name} with key {} (signatures by other keys are ignored).",
                hex::encode(id)
            ),
            format!("Check that the key you trust for {witness_name} is the right one, or ask the witness to cosign this checkpoint."),
        )
    })
}

#[cfg(test)]
#[path = "note_tests.rs"]
mod tests;
