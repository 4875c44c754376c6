//! Every sentence the engine says to a person, in English and Simplified Chinese, with a stable
//! code and named `{placeholders}`. An error carries a [`Message`] (a [`Text`] and its
//! arguments), never a finished sentence, so each front door renders it in its user's language:
//! the CLI in English, the desktop app (and the kiosk, in the visitor's language) from the
//! same table, which the bindings export as `MESSAGES`.
//!
//! Rules every text keeps (the tests below check them): the English and Chinese texts have the
//! same placeholders; no text names a command-line command or flag (the app shows them); the
//! Chinese text uses full-width punctuation.

use std::fmt;

use crate::domain::Language;

mod app;
mod bundle;
mod capture;
mod errors;
mod notice;
mod rights;
mod terms;
mod vault;

pub use app::*;
pub use bundle::*;
pub use capture::*;
pub use errors::*;
pub use notice::*;
pub use rights::*;
pub use terms::*;
pub use vault::*;

/// One sentence (or a term used inside one) in both languages.
#[derive(Debug, PartialEq, Eq)]
pub struct Text {
    /// The constant's name; its lower-case form is the stable code.
    pub name: &'static str,
    /// The English text.
    pub en: &'static str,
    /// The Simplified Chinese text.
    pub zh: &'static str,
}

impl Text {
    /// The stable code, such as `event_closed`.
    pub fn code(&self) -> String {
        self.name.to_ascii_lowercase()
    }

    /// The text in `language`.
    pub fn get(&self, language: Language) -> &'static str {
        match language {
            Language::ZhCn => self.zh,
            Language::En => self.en,
        }
    }

    /// A message of this text, arguments to follow.
    pub fn into_message(&'static self) -> Message {
        Message::from(self)
    }

    /// A message of this text with one argument.
    pub fn with(&'static self, name: &'static str, value: impl fmt::Display) -> Message {
        Message::from(self).with(name, value)
    }

    /// A message of this text whose argument `name` is a term of the vocabulary.
    pub fn term(&'static self, name: &'static str, term: &'static Text) -> Message {
        Message::from(self).term(name, term)
    }
}

/// The value of a placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Shown as it is (a name, a number, a date).
    Plain(String),
    /// A vocabulary term, shown in the language of the sentence.
    Term(&'static Text),
    /// Several terms, joined as a list.
    Terms(Vec<&'static Text>),
}

/// A text and its arguments: what an error says, ready to be rendered in either language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The sentence.
    pub text: &'static Text,
    /// Its placeholders' values, by name.
    pub args: Vec<(&'static str, Arg)>,
}

impl From<&'static Text> for Message {
    fn from(text: &'static Text) -> Self {
        Message { text, args: Vec::new() }
    }
}

impl Message {
    /// Adds a plain argument.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Self {
        self.args.push((name, Arg::Plain(value.to_string())));
        self
    }

    /// Adds an argument of any kind.
    pub fn arg(mut self, name: &'static str, arg: Arg) -> Self {
        self.args.push((name, arg));
        self
    }

    /// Adds a vocabulary term as an argument.
    pub fn term(mut self, name: &'static str, term: &'static Text) -> Self {
        self.args.push((name, Arg::Term(term)));
        self
    }

    /// Adds a list of vocabulary terms as an argument.
    pub fn terms(mut self, name: &'static str, terms: Vec<&'static Text>) -> Self {
        self.args.push((name, Arg::Terms(terms)));
        self
    }

    /// The sentence in `language`, every placeholder filled in.
    pub fn render(&self, language: Language) -> String {
        fill(self.text.get(language), language, |name| self.args.iter().find(|(n, _)| *n == name).map(|(_, a)| a))
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Language::En))
    }
}

/// Fills `{name}` placeholders; an argument that is missing stays visible as `{name}`.
fn fill<'a>(template: &str, language: Language, arg: impl Fn(&str) -> Option<&'a Arg>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                let name = &after[..close];
                match arg(name) {
                    Some(Arg::Plain(s)) => out.push_str(s),
                    Some(Arg::Term(t)) => out.push_str(t.get(language)),
                    Some(Arg::Terms(ts)) => {
                        let sep = if language == Language::ZhCn { "、" } else { ", " };
                        out.push_str(&ts.iter().map(|t| t.get(language)).collect::<Vec<_>>().join(sep));
                    }
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The placeholder names of a template, in order of appearance, each once.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut names: Vec<&str> = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if is_name(&after[..close]) => {
                if !names.contains(&&after[..close]) {
                    names.push(&after[..close]);
                }
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    names
}

/// Declares texts: `NAME: "English", "中文";`, each a `pub const NAME: Text`, and `ALL_<AREA>`.
macro_rules! texts {
    ($all:ident; $($(#[$m:meta])* $name:ident: $en:literal, $zh:literal;)+) => {
        $($(#[$m])* #[doc = $en] pub const $name: $crate::domain::messages::Text =
            $crate::domain::messages::Text { name: stringify!($name), en: $en, zh: $zh };)+
        /// Every text of this area.
        pub const $all: &[&$crate::domain::messages::Text] = &[$(&$name),+];
    };
}
pub(crate) use texts;

/// Every text, sentences and terms, for the bindings and the tests.
pub fn all() -> Vec<&'static Text> {
    [ALL_ERRORS, ALL_APP, ALL_VAULT, ALL_CAPTURE, ALL_NOTICE, ALL_BUNDLE, ALL_RIGHTS, ALL_TERMS]
        .into_iter()
        .flatten()
        .copied()
        .collect()
}

#[cfg(test)]
mod tests;
