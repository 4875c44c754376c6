//! Secret values: the data key, passphrases and the recovery key. None of them can be
//! cloned, serialized or printed (their `Debug` shows `***`), and each zeroes its memory
//! when dropped.

use std::fmt;

use zeroize::{Zeroize, Zeroizing};

use crate::domain::error::{Error, Result};
use crate::domain::messages as msg;

/// The fewest characters a passphrase may have.
pub const MIN_PASSPHRASE_CHARS: usize = 10;

/// The random 32-byte key that SQLCipher uses as its raw key.
pub struct DataKey(Box<[u8; 32]>);

impl DataKey {
    pub(crate) fn generate() -> Result<Self> {
        let mut key = Box::new([0u8; 32]);
        random_fill(key.as_mut_slice())?;
        Ok(DataKey(key))
    }

    pub(crate) fn from_bytes(bytes: &mut [u8]) -> Result<Self> {
        let mut key = Box::new([0u8; 32]);
        if bytes.len() != 32 {
            bytes.zeroize();
            return Err(msg::DAMAGED.term("part", &msg::PART_KEY_SLOT).into());
        }
        key.copy_from_slice(bytes);
        bytes.zeroize();
        Ok(DataKey(key))
    }

    /// The key's bytes, for wrapping it into a key slot.
    pub(crate) fn expose_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A second copy, for a reader beside the session's connection (zeroed when dropped too).
    pub(crate) fn duplicate(&self) -> DataKey {
        DataKey(Box::new(*self.0))
    }

    /// The `PRAGMA key` statement for this key, with the page authentication vaults use
    /// now (HMAC-SHA256: `vault/cipher.rs` says why); zeroed when dropped.
    pub(crate) fn sqlcipher_pragma(&self) -> Zeroizing<String> {
        self.sqlcipher_pragma_with(super::cipher::PageHmac::Sha256)
    }

    /// The `PRAGMA key` statement for this key and page authentication, zeroed when dropped.
    pub(crate) fn sqlcipher_pragma_with(&self, hmac: super::cipher::PageHmac) -> Zeroizing<String> {
        let mut stmt = Zeroizing::new(String::with_capacity(128));
        stmt.push_str("PRAGMA key = \"x'");
        let hex = Zeroizing::new(hex::encode(self.0.as_slice()));
        stmt.push_str(&hex);
        stmt.push_str("'\";");
        stmt.push_str(hmac.pragma());
        stmt
    }
}

impl Drop for DataKey {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for DataKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DataKey(***)")
    }
}

/// An operator's passphrase.
pub struct Passphrase(Zeroizing<String>);

impl Passphrase {
    /// Wraps a passphrase typed by a person (accepted as given; see [`Passphrase::check_strength`]).
    pub fn new(text: String) -> Self {
        Passphrase(Zeroizing::new(text))
    }

    /// Refuses a passphrase too short to protect the vault.
    pub fn check_strength(&self) -> Result<()> {
        if self.0.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(Error::WeakPassphrase { min: MIN_PASSPHRASE_CHARS });
        }
        Ok(())
    }

    pub(crate) fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Passphrase(***)")
    }
}

/// The one-time recovery key: 160 random bits, shown to a person as eight groups of
/// four base32 letters and digits (`ABCD-EFGH-…`).
pub struct RecoveryKey(Zeroizing<String>);

const RECOVERY_BYTES: usize = 20;

impl RecoveryKey {
    pub(crate) fn generate() -> Result<Self> {
        let mut raw = Zeroizing::new([0u8; RECOVERY_BYTES]);
        random_fill(raw.as_mut_slice())?;
        Ok(RecoveryKey(Zeroizing::new(data_encoding::BASE32_NOPAD.encode(raw.as_slice()))))
    }

    /// Reads a recovery key as a person typed it: case, spaces and dashes don't matter,
    /// and the digits 0, 1 and 8 are read as the letters O, I and B.
    pub fn parse(typed: &str) -> Result<Self> {
        let mut clean = Zeroizing::new(String::with_capacity(typed.len()));
        for ch in typed.chars() {
            match ch {
                '-' | ' ' | '\t' | '\n' | '\r' => {}
                '0' => clean.push('O'),
                '1' => clean.push('I'),
                '8' => clean.push('B'),
                c => clean.push(c.to_ascii_uppercase()),
            }
        }
        let decoded = Zeroizing::new(data_encoding::BASE32_NOPAD.decode(clean.as_bytes()).ok());
        match decoded.as_ref() {
            Some(bytes) if bytes.len() == RECOVERY_BYTES => Ok(RecoveryKey(clean)),
            _ => Err(Error::from(&msg::NOT_A_RECOVERY_KEY)),
        }
    }

    /// The key as shown to a person, in groups of four.
    pub fn expose_display(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(40));
        for (i, ch) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push('-');
            }
            out.push(ch);
        }
        out
    }

    pub(crate) fn expose(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(***)")
    }
}

pub(crate) fn random_fill(buf: &mut [u8]) -> Result<()> {
    getrandom::getrandom(buf).map_err(|_| Error::from(&msg::RANDOM_FAILED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_print() {
        let key = DataKey::generate().unwrap();
        assert_eq!(format!("{key:?}"), "DataKey(***)");
        let p = Passphrase::new("correct horse battery".into());
        assert_eq!(format!("{p:?}"), "Passphrase(***)");
        let r = RecoveryKey::generate().unwrap();
        assert_eq!(format!("{r:?}"), "RecoveryKey(***)");
    }

    #[test]
    fn recovery_key_round_trips_as_typed() {
        let r = RecoveryKey::generate().unwrap();
        let shown = r.expose_display();
        assert_eq!(shown.len(), 39);
        let typed = shown.to_lowercase().replace('-', " ");
        let again = RecoveryKey::parse(&typed).unwrap();
        assert_eq!(again.expose(), r.expose());
        assert!(RecoveryKey::parse("ABCD-EFGH").is_err());
    }

    #[test]
    fn short_passphrases_are_refused() {
        assert!(Passphrase::new("short".into()).check_strength().is_err());
        assert!(Passphrase::new("长一点的中文密码短语好".into()).check_strength().is_ok());
    }
}
