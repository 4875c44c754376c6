//! Canonical byte encodings for everything that is hashed: each field is written as its
//! length (u32, big-endian) followed by its bytes, behind a domain tag, so that no two
//! different records can encode to the same bytes.

use sha2::{Digest, Sha256};

/// Builds the canonical bytes of one record and hashes them.
pub(crate) struct Canonical {
    hasher: Sha256,
}

impl Canonical {
    /// Starts a record under a domain tag such as `consentry/event/v1`.
    pub(crate) fn new(domain: &str) -> Self {
        let mut c = Canonical { hasher: Sha256::new() };
        c.bytes(domain.as_bytes());
        c
    }

    /// Adds a byte field.
    pub(crate) fn bytes(&mut self, field: &[u8]) -> &mut Self {
        let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
        self.hasher.update(len.to_be_bytes());
        self.hasher.update(field);
        self
    }

    /// Adds a text field.
    pub(crate) fn text(&mut self, field: &str) -> &mut Self {
        self.bytes(field.as_bytes())
    }

    /// Adds an optional text field (absent and empty differ).
    pub(crate) fn opt_text(&mut self, field: Option<&str>) -> &mut Self {
        match field {
            None => self.bytes(&[0]),
            Some(t) => {
                self.bytes(&[1]);
                self.text(t)
            }
        }
    }

    /// Adds an integer field.
    pub(crate) fn int(&mut self, field: i64) -> &mut Self {
        self.bytes(&field.to_be_bytes())
    }

    /// The SHA-256 of the record.
    pub(crate) fn finish(self) -> [u8; 32] {
        self.hasher.finalize().into()
    }
}

/// SHA-256 of some bytes, as lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_boundaries_change_the_hash() {
        let mut a = Canonical::new("t");
        a.text("ab").text("c");
        let mut b = Canonical::new("t");
        b.text("a").text("bc");
        assert_ne!(a.finish(), b.finish());
    }

    #[test]
    fn absent_and_empty_differ() {
        let mut a = Canonical::new("t");
        a.opt_text(None);
        let mut b = Canonical::new("t");
        b.opt_text(Some(""));
        assert_ne!(a.finish(), b.finish());
    }
}
