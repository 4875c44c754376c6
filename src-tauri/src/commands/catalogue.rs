//! Purposes and data categories.

use consentry::purpose::{self, DataCategory, Purpose};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::vocab::{LegalBasis, SensitiveKind, SeparateConsent};

#[derive(Serialize, Deserialize, Type)]
pub struct PurposeView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub legal_basis: LegalBasis,
    pub necessary: bool,
    pub separate_consent: Option<SeparateConsent>,
    pub dpv: Option<String>,
}

impl From<&Purpose> for PurposeView {
    fn from(p: &Purpose) -> Self {
        PurposeView {
            code: p.code.clone(),
            name_zh: p.name_zh.clone(),
            name_en: p.name_en.clone(),
            legal_basis: p.legal_basis.into(),
            necessary: p.necessary,
            separate_consent: p.separate_consent.map(Into::into),
            dpv: p.dpv.clone(),
        }
    }
}

impl TryFrom<PurposeView> for Purpose {
    type Error = ApiError;
    fn try_from(v: PurposeView) -> Result<Self, ApiError> {
        Ok(Purpose {
            code: v.code,
            name_zh: v.name_zh,
            name_en: v.name_en,
            legal_basis: v.legal_basis.into(),
            necessary: v.necessary,
            separate_consent: v.separate_consent.map(Into::into),
            dpv: v.dpv.filter(|d| !d.trim().is_empty()),
        })
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_purposes(state: State<'_, AppState>) -> ApiResult<Vec<PurposeView>> {
    state.with_session(|s| Ok(purpose::list_purposes(s)?.iter().map(PurposeView::from).collect())).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_purpose(state: State<'_, AppState>, purpose: PurposeView) -> ApiResult<PurposeView> {
    let p = Purpose::try_from(purpose)?;
    state.with_session(move |s| purpose::add_purpose(s, &p).map(|p| PurposeView::from(&p))).await
}

#[derive(Serialize, Deserialize, Type)]
pub struct CategoryView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// A PIPL Art. 28 category such as biometric or health, or null.
    pub sensitive: Option<SensitiveKind>,
}

impl From<&DataCategory> for CategoryView {
    fn from(c: &DataCategory) -> Self {
        CategoryView {
            code: c.code.clone(),
            name_zh: c.name_zh.clone(),
            name_en: c.name_en.clone(),
            sensitive: c.sensitive.map(Into::into),
        }
    }
}

#[tauri::command]
#[specta::specta]
pub async fn list_categories(state: State<'_, AppState>) -> ApiResult<Vec<CategoryView>> {
    state.with_session(|s| Ok(purpose::list_categories(s)?.iter().map(CategoryView::from).collect())).await
}

#[tauri::command]
#[specta::specta]
pub async fn add_category(state: State<'_, AppState>, category: CategoryView) -> ApiResult<CategoryView> {
    let c = DataCategory {
        code: category.code,
        name_zh: category.name_zh,
        name_en: category.name_en,
        sensitive: category.sensitive.map(Into::into),
    };
    state.with_session(move |s| purpose::add_category(s, &c).map(|c| CategoryView::from(&c))).await
}
