//! The notice workspace: profiles, templates and clauses, live preview with the lint,
//! the review workflow, diff and the review packet.

use consentry::notice::diff::{self, Diff, MaterialChange, Op};
use consentry::notice::lint::{Finding, Report};
use consentry::notice::packet;
use consentry::notice::profile::{self, Profile, ProfileRevision};
use consentry::notice::template::{self, Template, TemplateInput};
use consentry::notice::workflow::{self, NewNotice, Rendered, Version};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use super::wording::{block_views, Bi, BlockView, FormView};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::vocab::{DiffOp, Language, MaterialKind, NoticeState, PacketFormat, ReviewStep, Severity, TemplateKind};

/// Where a finding is.
#[derive(Serialize, Type)]
pub struct PlaceView {
    /// A profile field path such as `recipients[0].contact`.
    pub field: Option<String>,
    /// zh-CN or en.
    pub language: Option<Language>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

#[derive(Serialize, Type)]
pub struct FindingView {
    pub rule: String,
    /// error or warning.
    pub severity: Severity,
    pub article: String,
    pub message: Bi,
    /// The library clause that would fix it.
    pub fix_clause: Option<String>,
    pub place: PlaceView,
}

impl From<&Finding> for FindingView {
    fn from(f: &Finding) -> Self {
        FindingView {
            rule: f.rule.into(),
            severity: f.severity.into(),
            article: f.article.into(),
            message: (&f.message).into(),
            fix_clause: f.fix_clause.map(Into::into),
            place: PlaceView {
                field: f.place.field.clone(),
                language: f.place.language.map(Into::into),
                line: f.place.line.map(|n| n as u32),
                column: f.place.column.map(|n| n as u32),
            },
        }
    }
}

#[derive(Serialize, Type)]
pub struct LintView {
    pub errors: u32,
    pub warnings: u32,
    pub findings: Vec<FindingView>,
}

impl From<&Report> for LintView {
    fn from(r: &Report) -> Self {
        LintView {
            errors: r.errors() as u32,
            warnings: r.warnings() as u32,
            findings: r.findings.iter().map(Into::into).collect(),
        }
    }
}

/// Wording rendered from a profile and a template.
#[derive(Serialize, Type)]
pub struct RenderedView {
    pub blocks_zh: Vec<BlockView>,
    pub blocks_en: Vec<BlockView>,
    pub hash_zh: String,
    pub hash_en: String,
    pub form: FormView,
    pub lint: LintView,
}

impl From<&Rendered> for RenderedView {
    fn from(r: &Rendered) -> Self {
        RenderedView {
            blocks_zh: block_views(&r.text_zh),
            blocks_en: block_views(&r.text_en),
            hash_zh: r.hash_zh.clone(),
            hash_en: r.hash_en.clone(),
            form: (&r.form).into(),
            lint: (&r.lint).into(),
        }
    }
}

#[derive(Serialize, Type)]
pub struct CommentView {
    pub author: String,
    /// comment, submit, reject, approve or retire.
    pub verdict: ReviewStep,
    pub body: String,
    pub at_ms: f64,
}

#[derive(Serialize, Type)]
pub struct VersionView {
    pub notice: String,
    pub title: Bi,
    pub number: u32,
    /// draft, in_review, approved or retired.
    pub state: NoticeState,
    pub profile: String,
    pub profile_rev: u32,
    pub template: String,
    pub template_rev: u32,
    pub author: String,
    pub approved_by: Option<String>,
    pub approved_at_ms: Option<f64>,
    pub created_at_ms: f64,
    pub rendered: RenderedView,
    pub comments: Vec<CommentView>,
    /// Whether the signed-in operator wrote it (and so may not approve it).
    pub mine: bool,
}

fn version_view(v: &Version, me: &str) -> VersionView {
    VersionView {
        notice: v.notice.clone(),
        title: (&v.title).into(),
        number: v.number as u32,
        state: v.state.into(),
        profile: v.profile_name.clone(),
        profile_rev: v.profile_rev as u32,
        template: v.template_name.clone(),
        template_rev: v.template_rev as u32,
        author: v.author.clone(),
        approved_by: v.approved_by.clone(),
        approved_at_ms: v.approved_at_ms.map(|t| t as f64),
        created_at_ms: v.created_at_ms as f64,
        rendered: (&v.rendered).into(),
        comments: v
            .comments
            .iter()
            .map(|c| CommentView {
                author: c.author.clone(),
                verdict: ReviewStep::of_verdict(&c.verdict),
                body: c.body.clone(),
                at_ms: c.at_ms as f64,
            })
            .collect(),
        mine: v.author_id == me,
    }
}

#[derive(Serialize, Type)]
pub struct VersionSummary {
    pub number: u32,
    pub state: NoticeState,
}

#[derive(Serialize, Type)]
pub struct NoticeSummary {
    pub name: String,
    pub title: Bi,
    /// Newest first.
    pub versions: Vec<VersionSummary>,
}

#[derive(Serialize, Type)]
pub struct ProfileView {
    pub name: String,
    pub rev: u32,
    pub saved_by: String,
    /// The profile file, pretty JSON.
    pub json: String,
}

fn profile_view(r: &ProfileRevision) -> ProfileView {
    ProfileView {
        name: r.profile.name.clone(),
        rev: r.rev as u32,
        saved_by: r.saved_by.clone(),
        json: r.profile.to_json(),
    }
}

#[derive(Serialize, Deserialize, Type)]
pub struct TemplateView {
    pub name: String,
    /// notice or clause.
    pub kind: TemplateKind,
    pub rev: u32,
    pub title: Bi,
    pub source: Bi,
    pub saved_by: String,
}

fn template_view(t: &Template) -> TemplateView {
    TemplateView {
        name: t.name.clone(),
        kind: t.kind.into(),
        rev: t.rev as u32,
        title: Bi { zh: t.title_zh.clone(), en: t.title_en.clone() },
        source: Bi { zh: t.source_zh.clone(), en: t.source_en.clone() },
        saved_by: t.saved_by.clone(),
    }
}

/// A template as edited in the workspace.
#[derive(Serialize, Deserialize, Type)]
pub struct TemplateEdit {
    pub name: String,
    /// notice or clause.
    pub kind: TemplateKind,
    pub title: Bi,
    pub source: Bi,
}

impl TryFrom<TemplateEdit> for TemplateInput {
    type Error = ApiError;
    fn try_from(t: TemplateEdit) -> Result<Self, ApiError> {
        Ok(TemplateInput {
            name: t.name,
            kind: t.kind.into(),
            title_zh: t.title.zh,
            title_en: t.title.en,
            source_zh: t.source.zh,
            source_en: t.source.en,
        })
    }
}

/// What the live preview renders: the profile being edited (unsaved JSON), a notice
/// template, and optionally an unsaved edit of a template or clause.
#[derive(Deserialize, Type)]
pub struct PreviewRequest {
    pub profile_json: String,
    pub template: String,
    pub edit: Option<TemplateEdit>,
    pub title: Bi,
}

#[derive(Serialize, Type)]
pub struct OpView {
    /// equal, insert or delete.
    pub op: DiffOp,
    pub text: String,
}

#[derive(Serialize, Type)]
pub struct MaterialView {
    pub kind: MaterialKind,
    pub needs_fresh_consent: bool,
    pub message: Bi,
}

impl From<&MaterialChange> for MaterialView {
    fn from(m: &MaterialChange) -> Self {
        MaterialView { kind: m.kind.into(), needs_fresh_consent: m.needs_fresh_consent, message: (&m.message).into() }
    }
}

#[derive(Serialize, Type)]
pub struct DiffView {
    pub from: u32,
    pub to: u32,
    pub needs_fresh_consent: bool,
    pub material: Vec<MaterialView>,
    pub ops_zh: Vec<OpView>,
    pub ops_en: Vec<OpView>,
}

fn ops(d: &[Op]) -> Vec<OpView> {
    d.iter()
        .map(|o| match o {
            Op::Equal(t) => OpView { op: DiffOp::Equal, text: t.clone() },
            Op::Insert(t) => OpView { op: DiffOp::Insert, text: t.clone() },
            Op::Delete(t) => OpView { op: DiffOp::Delete, text: t.clone() },
        })
        .collect()
}

impl From<&Diff> for DiffView {
    fn from(d: &Diff) -> Self {
        DiffView {
            from: d.from as u32,
            to: d.to as u32,
            needs_fresh_consent: d.needs_fresh_consent(),
            material: d.material.iter().map(MaterialView::from).collect(),
            ops_zh: ops(&d.text[0].ops),
            ops_en: ops(&d.text[1].ops),
        }
    }
}

#[derive(Deserialize, Type)]
pub struct NewNoticeRequest {
    pub name: String,
    pub title: Bi,
    pub profile: String,
    pub template: String,
}

#[derive(Serialize, Type)]
pub struct ExportedPacket {
    /// Where the file was written.
    pub path: String,
    pub bytes: u32,
}

#[tauri::command]
#[specta::specta]
pub async fn list_notices(state: State<'_, AppState>) -> ApiResult<Vec<NoticeSummary>> {
    state
        .with_session(|s| {
            Ok(workflow::list(s)?
                .into_iter()
                .map(|n| NoticeSummary {
                    name: n.name,
                    title: (&n.title).into(),
                    versions: n
                        .versions
                        .into_iter()
                        .map(|(number, st)| VersionSummary { number: number as u32, state: st.into() })
                        .collect(),
                })
                .collect())
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn notice_version(state: State<'_, AppState>, name: String, number: Option<u32>) -> ApiResult<VersionView> {
    state
        .with_session(move |s| {
            let v = workflow::get(s, &name, number.map(i64::from))?;
            Ok(version_view(&v, &s.operator().id))
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn list_profiles(state: State<'_, AppState>) -> ApiResult<Vec<ProfileView>> {
    state.with_session(|s| Ok(profile::list(s)?.iter().map(profile_view).collect())).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_profile(state: State<'_, AppState>, json: String) -> ApiResult<ProfileView> {
    state
        .with_session(move |s| {
            let p = Profile::from_json(&json)?;
            Ok(profile_view(&profile::save(s, &p)?))
        })
        .await
}

/// The example profile, to start a new one from.
#[tauri::command]
#[specta::specta]
pub async fn example_profile() -> ApiResult<String> {
    Ok(include_str!("../../../examples/trade-show-2026.profile.json").to_string())
}

#[tauri::command]
#[specta::specta]
pub async fn list_templates(state: State<'_, AppState>) -> ApiResult<Vec<TemplateView>> {
    state.with_session(|s| Ok(template::list(s)?.iter().map(template_view).collect())).await
}

#[tauri::command]
#[specta::specta]
pub async fn save_template(state: State<'_, AppState>, edit: TemplateEdit) -> ApiResult<TemplateView> {
    let input = TemplateInput::try_from(edit)?;
    state.with_session(move |s| Ok(template_view(&template::save(s, &input)?))).await
}

/// Installs or updates the starter library; returns how many templates were written.
#[tauri::command]
#[specta::specta]
pub async fn install_starter(state: State<'_, AppState>) -> ApiResult<u32> {
    state.with_session(|s| Ok(template::install_starter(s)? as u32)).await
}

#[tauri::command]
#[specta::specta]
pub async fn preview_notice(state: State<'_, AppState>, request: PreviewRequest) -> ApiResult<RenderedView> {
    let PreviewRequest { profile_json, template, edit, title } = request;
    let edit = edit.map(TemplateInput::try_from).transpose()?;
    state
        .with_session(move |s| {
            let p = Profile::from_json(&profile_json)?;
            let edit = edit.map(|t| Template {
                name: t.name,
                kind: t.kind,
                rev: 0,
                title_zh: t.title_zh,
                title_en: t.title_en,
                source_zh: t.source_zh,
                source_en: t.source_en,
                saved_by: String::new(),
                saved_at_ms: 0,
            });
            Ok((&workflow::preview(s, &p, &template, edit, &title.into())?).into())
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn create_notice(state: State<'_, AppState>, request: NewNoticeRequest) -> ApiResult<VersionView> {
    state
        .with_session(move |s| {
            let n = NewNotice {
                name: request.name,
                title: request.title.into(),
                profile: request.profile,
                template: request.template,
            };
            let v = workflow::create(s, &n)?;
            Ok(version_view(&v, &s.operator().id))
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn draft_notice(
    state: State<'_, AppState>,
    name: String,
    profile: Option<String>,
    template: Option<String>,
) -> ApiResult<VersionView> {
    state
        .with_session(move |s| {
            let v = workflow::draft(s, &name, profile.as_deref(), template.as_deref())?;
            Ok(version_view(&v, &s.operator().id))
        })
        .await
}

/// A workflow step: submit, approve, reject or comment.
#[tauri::command]
#[specta::specta]
pub async fn review_notice(
    state: State<'_, AppState>,
    name: String,
    step: ReviewStep,
    comment: String,
    number: Option<u32>,
) -> ApiResult<VersionView> {
    state
        .with_session(move |s| {
            let v = match step {
                ReviewStep::Submit => workflow::submit(s, &name, &comment)?,
                ReviewStep::Approve => workflow::approve(s, &name, &comment)?,
                ReviewStep::Reject => workflow::reject(s, &name, &comment)?,
                ReviewStep::Comment => workflow::comment(s, &name, number.map(i64::from), &comment)?,
                ReviewStep::Retire => workflow::retire(
                    s,
                    &name,
                    number
                        .map(i64::from)
                        .ok_or_else(|| consentry::Error::from(&consentry::domain::messages::RETIRE_WHICH))?,
                    &comment,
                )?,
            };
            Ok(version_view(&v, &s.operator().id))
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn diff_notice(state: State<'_, AppState>, name: String, from: u32, to: u32) -> ApiResult<DiffView> {
    state.with_session(move |s| Ok((&diff::diff(s, &name, i64::from(from), i64::from(to))?).into())).await
}

/// Writes the review packet (html or docx) as a new file in the export folder (Downloads,
/// or `$CONSENTRY_EXPORT_DIR`) and says where; the contents never pass through the webview.
#[tauri::command]
#[specta::specta]
pub async fn export_packet(
    state: State<'_, AppState>,
    name: String,
    number: Option<u32>,
    format: PacketFormat,
) -> ApiResult<ExportedPacket> {
    let dir = state.export_dir().to_path_buf();
    state
        .with_session(move |s| {
            let p = packet::gather(s, &name, number.map(i64::from))?;
            let ext = format.as_str();
            let bytes = if ext == "docx" { packet::docx(&p)? } else { packet::html(&p)?.into_bytes() };
            Ok((bytes, format!("review-{}-v{}", p.version.notice, p.version.number), super::rights::stamp(s), ext))
        })
        .await
        .and_then(|(bytes, what, stamp, ext)| {
            let saved = super::rights::save(&dir, &what, &stamp, ext, &bytes)?;
            Ok(ExportedPacket { path: saved.path, bytes: saved.bytes })
        })
}
