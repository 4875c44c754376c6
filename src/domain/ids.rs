//! Ids that cross modules, each its own type so that a subject id can never be passed where
//! an event id is expected. Each wraps the stored text (a UUID v7, or a receipt's 10
//! Crockford characters) and converts to and from it only explicitly.

macro_rules! id_type {
    ($(#[$m:meta])* $name:ident) => {
        $(#[$m])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// Wraps a stored id.
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }
            /// A fresh, time-ordered id (UUID v7).
            pub fn generate() -> Self {
                $name(uuid::Uuid::now_v7().to_string())
            }
            /// The id as stored.
            pub fn as_str(&self) -> &str {
                &self.0
            }
            /// The stored text.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl ::std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                self == &other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> $name {
                $name(id.to_string())
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> $name {
                $name(id)
            }
        }

        impl From<&$name> for String {
            fn from(id: &$name) -> String {
                id.0.clone()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        // Ids are written as their text into the files the engine makes (receipts, access
        // copies, bundles) and the CLI's JSON.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl rusqlite::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                String::column_result(v).map($name)
            }
        }
    };
}

id_type!(
    /// A person whose consent is recorded (a data subject).
    SubjectId
);
id_type!(
    /// An event where consent is collected: a trade show, a conference (the `event` table).
    EventId
);
id_type!(
    /// One consent event (grant, refusal or withdrawal) in the ledger.
    ConsentEventId
);
id_type!(
    /// A notice version.
    NoticeVersionId
);
id_type!(
    /// A device (this computer, or one that sent a bundle).
    DeviceId
);
id_type!(
    /// An operator.
    OperatorId
);
id_type!(
    /// A receipt (10 Crockford base32 characters).
    ReceiptId
);

/// What the QR code of a receipt holds, before the receipt's id: the kiosk reads it back
/// to find the receipt when a visitor withdraws.
pub const RECEIPT_QR_PREFIX: &str = "CONSENTRY-RECEIPT:";

/// Reads a receipt id as people type it: any case, dashes and spaces ignored, and the
/// Crockford look-alikes I, L (as 1) and O (as 0).
pub fn normalize_receipt_id(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text_and_differ_by_type() {
        let s = SubjectId::generate();
        assert_eq!(SubjectId::new(s.as_str()), s);
        assert_ne!(SubjectId::generate(), s, "fresh ids are unique");
        assert_eq!(String::from(EventId::new("e1")), "e1");
        assert_eq!(ReceiptId::new("ABC").to_string(), "ABC");
    }
}
