//! The clause form: a clause's source read as pieces legal staff edit, and the source the
//! pieces write (`consentry::notice::clause_form`). Nothing is saved here; the workspace
//! saves the written source with `save_template`.

use consentry::domain::permission::Action;
use consentry::notice::clause_form::{self, ClauseForm, Each, Piece, PieceKind};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::commands::wording::Bi;
use crate::error::ApiResult;
use crate::state::AppState;

/// What a piece of a clause is.
#[derive(Serialize, Deserialize, Type, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum PieceKindView {
    H2,
    H3,
    P,
    Li,
    Quote,
}

/// A piece repeated for each entry of a list.
#[derive(Serialize, Deserialize, Type, Clone)]
pub struct EachView {
    /// The entry's name in the words (`r` in `{{ r.period }}`).
    pub name: String,
    /// The list (`retention`).
    pub list: String,
}

/// One piece of a clause.
#[derive(Serialize, Deserialize, Type, Clone)]
pub struct PieceView {
    pub kind: PieceKindView,
    pub text: Bi,
    /// A heading's section marks, such as `retention`.
    pub marks: Vec<String>,
    pub each: Option<EachView>,
    /// A blank line after it.
    pub gap: bool,
}

/// A clause as a form.
#[derive(Serialize, Deserialize, Type, Clone)]
pub struct ClauseFormView {
    pub comment: Bi,
    /// The condition it is shown on; empty: always.
    pub when: String,
    pub pieces: Vec<PieceView>,
}

fn kind_view(k: PieceKind) -> PieceKindView {
    match k {
        PieceKind::Heading2 => PieceKindView::H2,
        PieceKind::Heading3 => PieceKindView::H3,
        PieceKind::Paragraph => PieceKindView::P,
        PieceKind::Item => PieceKindView::Li,
        PieceKind::Quote => PieceKindView::Quote,
    }
}

fn kind_of(k: PieceKindView) -> PieceKind {
    match k {
        PieceKindView::H2 => PieceKind::Heading2,
        PieceKindView::H3 => PieceKind::Heading3,
        PieceKindView::P => PieceKind::Paragraph,
        PieceKindView::Li => PieceKind::Item,
        PieceKindView::Quote => PieceKind::Quote,
    }
}

impl From<ClauseForm> for ClauseFormView {
    fn from(f: ClauseForm) -> Self {
        ClauseFormView {
            comment: Bi::from(&f.comment),
            when: f.when,
            pieces: f
                .pieces
                .into_iter()
                .map(|p| PieceView {
                    kind: kind_view(p.kind),
                    text: Bi::from(&p.text),
                    marks: p.marks,
                    each: p.each.map(|e| EachView { name: e.name, list: e.list }),
                    gap: p.gap,
                })
                .collect(),
        }
    }
}

impl From<ClauseFormView> for ClauseForm {
    fn from(f: ClauseFormView) -> Self {
        ClauseForm {
            comment: f.comment.into(),
            when: f.when,
            pieces: f
                .pieces
                .into_iter()
                .map(|p| Piece {
                    kind: kind_of(p.kind),
                    text: p.text.into(),
                    marks: p.marks,
                    each: p.each.map(|e| Each { name: e.name, list: e.list }),
                    gap: p.gap,
                })
                .collect(),
        }
    }
}

/// A clause's source as a form, or none when the form cannot hold it exactly (edit the
/// source then). Needs the right to read drafts (admin, legal).
pub(crate) async fn clause_form_in(state: &AppState, source: Bi) -> ApiResult<Option<ClauseFormView>> {
    state
        .with_session(move |s| {
            s.require(Action::ReadDrafts)?;
            Ok(clause_form::read(&source.into()).map(ClauseFormView::from))
        })
        .await
}

/// The source a form writes, in both languages. Needs the right to read drafts; saving it
/// is `save_template`, which needs legal.
pub(crate) async fn clause_source_in(state: &AppState, form: ClauseFormView) -> ApiResult<Bi> {
    state
        .with_session(move |s| {
            s.require(Action::ReadDrafts)?;
            Ok(Bi::from(&clause_form::write(&form.into())?))
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn clause_form(state: State<'_, AppState>, source: Bi) -> ApiResult<Option<ClauseFormView>> {
    clause_form_in(&state, source).await
}

#[tauri::command]
#[specta::specta]
pub async fn clause_source(state: State<'_, AppState>, form: ClauseFormView) -> ApiResult<Bi> {
    clause_source_in(&state, form).await
}
