//! The views of notice wording both the notice workspace and the kiosk show: text in both
//! languages, the rendered blocks of a notice (never HTML), and the capture form's boxes.

use consentry::notice::form::FormDefinition;
use consentry::notice::markdown::{self, BlockKind};
use consentry::notice::profile::Bilingual;
use serde::{Deserialize, Serialize};
use specta::Type;

use crate::vocab;

/// Text in both languages.
#[derive(Serialize, Deserialize, Type, Clone)]
pub struct Bi {
    pub zh: String,
    pub en: String,
}

impl From<&Bilingual> for Bi {
    fn from(b: &Bilingual) -> Self {
        Bi { zh: b.zh.clone(), en: b.en.clone() }
    }
}

impl From<Bi> for Bilingual {
    fn from(b: Bi) -> Self {
        Bilingual { zh: b.zh, en: b.en }
    }
}

/// A run of text in a block.
#[derive(Serialize, Type)]
pub struct SpanView {
    pub text: String,
    pub bold: bool,
}

/// A block of notice text, rendered by the UI with its escaping (never as HTML).
#[derive(Serialize, Type)]
pub struct BlockView {
    /// h1, h2, h3, p, li or quote.
    pub kind: vocab::BlockKind,
    /// The 1-based line it starts on, for jumping to a lint finding.
    pub line: u32,
    pub lines: Vec<Vec<SpanView>>,
}

pub(crate) fn block_views(text: &str) -> Vec<BlockView> {
    markdown::blocks(text)
        .into_iter()
        .map(|b| BlockView {
            kind: match b.kind {
                BlockKind::Heading(1) => vocab::BlockKind::H1,
                BlockKind::Heading(2) => vocab::BlockKind::H2,
                BlockKind::Heading(_) => vocab::BlockKind::H3,
                BlockKind::Paragraph => vocab::BlockKind::P,
                BlockKind::Item => vocab::BlockKind::Li,
                BlockKind::Quote => vocab::BlockKind::Quote,
            },
            line: b.line as u32,
            lines: b
                .lines
                .into_iter()
                .map(|l| l.into_iter().map(|s| SpanView { text: s.text, bold: s.bold }).collect())
                .collect(),
        })
        .collect()
}

/// One box of the capture form.
#[derive(Serialize, Type)]
pub struct ControlView {
    pub id: String,
    pub purpose: String,
    /// purpose, or the separate consent kind.
    pub kind: vocab::ControlKind,
    pub label: Bi,
    pub explanation: Bi,
    pub checked: bool,
}

#[derive(Serialize, Type)]
pub struct FormView {
    pub purposes: Vec<ControlView>,
    pub separate: Vec<ControlView>,
    /// The guardian question and confirmation, when under-14s are in scope.
    pub guardian: Option<[Bi; 2]>,
}

impl From<&FormDefinition> for FormView {
    fn from(f: &FormDefinition) -> Self {
        let c = |c: &consentry::notice::form::Control| ControlView {
            id: c.id.clone(),
            purpose: c.purpose.clone(),
            kind: vocab::ControlKind::of(&c.kind),
            label: (&c.label).into(),
            explanation: (&c.explanation).into(),
            checked: c.checked,
        };
        FormView {
            purposes: f.purposes.iter().map(c).collect(),
            separate: f.separate.iter().map(c).collect(),
            guardian: f.guardian.as_ref().map(|g| [(&g.question).into(), (&g.confirmation).into()]),
        }
    }
}
