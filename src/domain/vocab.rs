//! The engine's vocabulary: the macro every stored enum is declared with, and the enums
//! that cross several modules (languages).

use crate::domain::error::Result;

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident, $what:literal, { $($(#[$vm:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $variant),+ }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The value as stored and typed.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::Error;
            fn from_str(s: &str) -> $crate::Result<Self> {
                let fold = |t: &str| t.trim().to_ascii_lowercase().replace('-', "_");
                let wanted = fold(s);
                $name::ALL.iter().copied().find(|v| fold(v.as_str()) == wanted).ok_or_else(|| {
                    let names: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                    let _ = $what;
                    $crate::Error::from($crate::domain::messages::NOT_ONE_OF.with("value", s.trim()).with("options", names.join(", ")))
                })
            }
        }
    };
}
pub(crate) use string_enum;

string_enum!(
    /// A language a notice is written in.
    Language, "language (zh-CN or en)", {
        /// Simplified Chinese.
        ZhCn => "zh-CN",
        /// English.
        En => "en",
    }
);

impl Language {
    /// Reads `zh-CN`, `zh`, `zh_cn`, `en`, `en-GB` and similar.
    pub fn parse_tag(tag: &str) -> Result<Self> {
        let t = tag.trim().to_ascii_lowercase().replace('_', "-");
        if t == "zh" || t == "zh-cn" || t == "zh-hans" || t == "zh-hans-cn" {
            Ok(Language::ZhCn)
        } else if t == "en" || t.starts_with("en-") {
            Ok(Language::En)
        } else {
            Err(crate::domain::messages::NOT_A_LANGUAGE.with("value", tag.trim()).into())
        }
    }
}

string_enum!(
    /// Why a bundle or enrolment file was refused.
    Refusal, "bundle refusal", {
        /// The file is not a Consentry bundle at all.
        NotABundle => "not_a_bundle",
        /// The bundle names a format version this build does not read.
        UnknownFormat => "unknown_format",
        /// The file is larger than the limit stated for bundles.
        TooLarge => "too_large",
        /// The bundle is addressed to another headquarters or device.
        WrongReceiver => "wrong_receiver",
        /// The sender is not an enrolled device (or not this device's headquarters).
        UnknownSender => "unknown_sender",
        /// The sending device was revoked.
        RevokedSender => "revoked_sender",
        /// The signature does not verify with the sender's key.
        BadSignature => "bad_signature",
        /// The file ends early.
        Truncated => "truncated",
        /// The file changed after it was signed (edited or re-encrypted).
        Tampered => "tampered",
        /// The bundle is of the other kind (a device bundle at a device, or the reverse).
        WrongKind => "wrong_kind",
        /// The entries do not match the checkpoint the sender signed.
        BadCheckpoint => "bad_checkpoint",
        /// This vault is not part of an organisation in the way the step needs.
        NotEnrolled => "not_enrolled",
    }
);
