//! Events and capture: the main window creates and runs events, records paper forms and
//! starts the kiosk; the `kiosk` window, whose capability grants only the `kiosk_*`
//! commands, shows the form, records one person at a time and leaves only with an
//! operator's passphrase.

use consentry::capture::{self, badge, withdraw, EventInput, FieldRule, Submission, Submitted};
use consentry::domain::EventId;
use consentry::ledger::Method;
use consentry::notice::Language;
use consentry::subject::SubjectInput;
use consentry::vault::Passphrase;
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::{AppHandle, Manager, State, WebviewUrl, WebviewWindow, WebviewWindowBuilder};

use super::wording::{block_views, Bi, BlockView, FormView};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::vocab::{self, PersonField};

/// The kiosk window's label; its capability is `capabilities/kiosk.json`.
pub const KIOSK: &str = "kiosk";

#[derive(Serialize, Deserialize, Type, Clone)]
pub struct FieldView {
    /// name, email, phone, company or job_title.
    pub field: PersonField,
    pub required: bool,
}

#[derive(Serialize, Type)]
pub struct EventInfo {
    pub id: String,
    pub name: String,
    pub venue: String,
    pub starts_on: String,
    pub ends_on: String,
    pub notice: String,
    pub notice_number: u32,
    pub languages: Vec<vocab::Language>,
    pub fields: Vec<FieldView>,
    pub device_name: String,
    pub idle_reset_s: u32,
    pub signature: bool,
    pub closed: bool,
    /// How many people were recorded at it.
    pub captures: u32,
    /// A newer approved version of its notice that needs fresh consent (in the events list).
    pub superseded_by: Option<u32>,
}

pub(crate) fn event_info(e: &capture::Event) -> EventInfo {
    EventInfo {
        id: e.id.to_string(),
        name: e.input.name.clone(),
        venue: e.input.venue.clone(),
        starts_on: e.input.starts_on.clone(),
        ends_on: e.input.ends_on.clone(),
        notice: e.input.notice.clone(),
        notice_number: e.input.notice_number as u32,
        languages: e.input.languages.iter().map(|l| (*l).into()).collect(),
        fields: e.input.fields.iter().map(|f| FieldView { field: f.field.into(), required: f.required }).collect(),
        device_name: e.input.device_name.clone(),
        idle_reset_s: e.input.idle_reset_s,
        signature: e.input.signature,
        closed: e.closed_at_ms.is_some(),
        captures: e.captures as u32,
        superseded_by: None,
    }
}

#[derive(Deserialize, Type)]
pub struct EventRequest {
    pub name: String,
    pub venue: String,
    pub starts_on: String,
    pub ends_on: String,
    pub notice: String,
    pub notice_number: u32,
    pub languages: Vec<vocab::Language>,
    pub fields: Vec<FieldView>,
    pub device_name: String,
    pub idle_reset_s: u32,
    pub signature: bool,
}

impl TryFrom<EventRequest> for EventInput {
    type Error = ApiError;
    fn try_from(r: EventRequest) -> Result<Self, ApiError> {
        Ok(EventInput {
            name: r.name,
            venue: r.venue,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            notice: r.notice,
            notice_number: i64::from(r.notice_number),
            languages: r.languages.iter().map(|l| (*l).into()).collect(),
            fields: r.fields.iter().map(|f| FieldRule { field: f.field.into(), required: f.required }).collect(),
            device_name: r.device_name,
            idle_reset_s: r.idle_reset_s,
            signature: r.signature,
        })
    }
}

/// An approved notice version an event may show.
#[derive(Serialize, Type)]
pub struct ApprovedVersion {
    pub notice: String,
    pub number: u32,
    pub title: Bi,
}

#[tauri::command]
#[specta::specta]
pub async fn list_events(state: State<'_, AppState>) -> ApiResult<Vec<EventInfo>> {
    state
        .with_session(|s| {
            let mut out = Vec::new();
            for e in capture::list_events(s)? {
                let superseded = if e.closed_at_ms.is_none() { capture::stats::superseded_for(s, &e)? } else { None };
                out.push(EventInfo { superseded_by: superseded.map(|v| v.number as u32), ..event_info(&e) });
            }
            Ok(out)
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn approved_versions(state: State<'_, AppState>) -> ApiResult<Vec<ApprovedVersion>> {
    state
        .with_session(|s| {
            Ok(consentry::notice::workflow::approved(s)?
                .iter()
                .map(|v| ApprovedVersion {
                    notice: v.notice.clone(),
                    number: v.number as u32,
                    title: (&v.title).into(),
                })
                .collect())
        })
        .await
}

#[tauri::command]
#[specta::specta]
pub async fn create_event(state: State<'_, AppState>, request: EventRequest) -> ApiResult<EventInfo> {
    let input = EventInput::try_from(request)?;
    state.with_session(move |s| Ok(event_info(&capture::create_event(s, &input)?))).await
}

#[tauri::command]
#[specta::specta]
pub async fn close_event(state: State<'_, AppState>, id: String) -> ApiResult<EventInfo> {
    state.with_session(move |s| Ok(event_info(&capture::close_event(s, &EventId::new(id))?))).await
}

/// Reopens a closed event (admin): the undo of a close.
#[tauri::command]
#[specta::specta]
pub async fn reopen_event(state: State<'_, AppState>, id: String) -> ApiResult<EventInfo> {
    state.with_session(move |s| Ok(event_info(&capture::reopen_event(s, &EventId::new(id))?))).await
}

/// A person's answers, from the kiosk or a paper form.
#[derive(Deserialize, Type)]
pub struct SubmissionRequest {
    pub language: Option<vocab::Language>,
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub job_title: Option<String>,
    /// The ids of the boxes ticked.
    pub ticked: Vec<String>,
    pub under_14: bool,
    pub guardian_name: Option<String>,
    pub guardian_confirmed: bool,
    /// The signature pad's PNG, base64 (no `data:` prefix).
    pub signature_png: Option<String>,
}

fn submission(event_id: String, r: SubmissionRequest) -> ApiResult<Submission> {
    let signature_png =
        match r.signature_png.filter(|s| !s.is_empty()) {
            Some(b64) => Some(data_encoding::BASE64.decode(b64.as_bytes()).map_err(|_| {
                ApiError::from(consentry::Error::from(&consentry::domain::messages::SIGNATURE_UNREADABLE))
            })?),
            None => None,
        };
    Ok(Submission {
        event_id: EventId::new(event_id),
        language: r.language.map(Into::into),
        person: SubjectInput { name: r.name, email: r.email, phone: r.phone, company: r.company },
        job_title: r.job_title,
        ticked: r.ticked,
        under_14: r.under_14,
        guardian_name: r.guardian_name,
        guardian_confirmed: r.guardian_confirmed,
        signature_png,
        method: None,
        paper_ref: None,
        captured_at: None,
    })
}

/// What the person is shown after submitting.
#[derive(Serialize, Type)]
pub struct KioskReceipt {
    pub receipt_id: String,
    /// The boxes' labels, in the language shown.
    pub granted: Vec<String>,
    pub refused: Vec<String>,
    /// How to withdraw, in the language shown.
    pub withdrawal: String,
    /// The QR code of the receipt id: `size` × `size` modules, row by row, true is dark.
    pub qr_size: u32,
    pub qr: Vec<bool>,
    /// A parent or guardian made these choices for a child under 14.
    pub by_guardian: bool,
}

fn receipt_view(r: Submitted) -> KioskReceipt {
    let receipt_id = r.recorded.receipt_id.into_string();
    let (qr_size, qr) = receipt_qr(&receipt_id);
    KioskReceipt {
        receipt_id,
        granted: r.granted,
        refused: r.refused,
        withdrawal: r.withdrawal,
        qr_size,
        qr,
        by_guardian: r.by_guardian,
    }
}

/// The QR code of a receipt (what the kiosk's scanner reads back to withdraw): `size` ×
/// `size` modules, row by row, true is dark.
pub(crate) fn receipt_qr(receipt_id: &str) -> (u32, Vec<bool>) {
    match qrcode::QrCode::new(format!("{}{receipt_id}", withdraw::RECEIPT_QR_PREFIX)) {
        Ok(code) => (code.width() as u32, code.to_colors().into_iter().map(|c| c == qrcode::Color::Dark).collect()),
        Err(_) => (0, Vec::new()),
    }
}

/// Records a paper form collected at the stand (marketer), dated the day it was signed
/// (`signed_on`, `YYYY-MM-DD`; today when empty).
#[tauri::command]
#[specta::specta]
pub async fn record_paper_form(
    state: State<'_, AppState>,
    event_id: String,
    request: SubmissionRequest,
    scan: String,
    signed_on: Option<String>,
) -> ApiResult<KioskReceipt> {
    let mut sub = submission(event_id, request)?;
    sub.method = Some(Method::Paper);
    sub.paper_ref = Some(scan);
    state
        .with_session(move |s| {
            if let Some(day) = signed_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                // Noon of the day signed, in the session's offset: the form says a day, not a time.
                let start = consentry::rights::day_or_time(day, false, s.now())?;
                let at = start + chrono::Duration::hours(12);
                sub.captured_at = Some(if at > s.now() { s.now() } else { at });
            }
            capture::submit(s, &sub).map(receipt_view)
        })
        .await
}

/// Opens the full-screen kiosk window for an event and hides the main window. The vault
/// stays unlocked while the kiosk runs (it can only capture); leaving needs a passphrase.
#[tauri::command]
#[specta::specta]
pub async fn start_kiosk(app: AppHandle, state: State<'_, AppState>, event_id: String) -> ApiResult<()> {
    let id = event_id.clone();
    state.with_session(move |s| capture::form(s, &EventId::new(id), None).map(drop)).await?;
    state.set_kiosk(Some(event_id));
    let window = match app.get_webview_window(KIOSK) {
        Some(w) => w,
        None => WebviewWindowBuilder::new(&app, KIOSK, WebviewUrl::App("index.html".into()))
            .title("Consentry")
            .fullscreen(true)
            .focused(true)
            .build()
            .map_err(|e| {
                tracing::error!(error = %e, "kiosk window");
                ApiError::internal()
            })?,
    };
    let guard_state = state.inner().clone();
    window.on_window_event(move |e| {
        // The kiosk closes only through kiosk_exit, with a passphrase.
        if let tauri::WindowEvent::CloseRequested { api, .. } = e {
            if guard_state.guard().kiosk.is_some() {
                api.prevent_close();
            }
        }
    });
    if let Some(main) = app.get_webview_window("main") {
        let _ = main.hide();
    }
    Ok(())
}

pub(crate) fn require_kiosk(window: &WebviewWindow) -> ApiResult<()> {
    if window.label() == KIOSK {
        Ok(())
    } else {
        Err(ApiError::new(crate::vocab::ErrorKind::PermissionDenied, &consentry::domain::messages::KIOSK_WINDOW_ONLY))
    }
}

fn kiosk_event(state: &AppState) -> ApiResult<String> {
    state
        .guard()
        .kiosk
        .clone()
        .ok_or_else(|| ApiError::new(crate::vocab::ErrorKind::KioskClosed, &consentry::domain::messages::KIOSK_CLOSED))
}

#[derive(Serialize, Type)]
pub struct KioskFormView {
    pub event_name: String,
    pub venue: String,
    pub device_name: String,
    /// The language shown, and those offered.
    pub language: vocab::Language,
    pub languages: Vec<vocab::Language>,
    pub title: String,
    pub blocks: Vec<BlockView>,
    /// The first 12 characters of the wording's hash, shown small for staff.
    pub notice_hash: String,
    pub form: FormView,
    pub fields: Vec<FieldView>,
    pub signature: bool,
    pub idle_reset_s: u32,
}

/// The kiosk's form, in a language the event offers.
#[tauri::command]
#[specta::specta]
pub async fn kiosk_form(
    window: WebviewWindow,
    state: State<'_, AppState>,
    language: Option<vocab::Language>,
) -> ApiResult<KioskFormView> {
    require_kiosk(&window)?;
    let event = kiosk_event(&state)?;
    form_view(&state, event, language).await
}

/// An event's form in the main window, to copy a paper form from.
#[tauri::command]
#[specta::specta]
pub async fn event_form(
    state: State<'_, AppState>,
    event_id: String,
    language: Option<vocab::Language>,
) -> ApiResult<KioskFormView> {
    form_view(&state, event_id, language).await
}

async fn form_view(state: &AppState, event: String, language: Option<vocab::Language>) -> ApiResult<KioskFormView> {
    let language = language.map(Language::from);
    state
        .with_session(move |s| {
            let k = capture::form(s, &EventId::new(event), language)?;
            Ok(KioskFormView {
                event_name: k.event.input.name.clone(),
                venue: k.event.input.venue.clone(),
                device_name: k.event.input.device_name.clone(),
                language: k.language.into(),
                languages: k.event.input.languages.iter().map(|l| (*l).into()).collect(),
                title: k.title.clone(),
                blocks: block_views(&k.text),
                notice_hash: k.notice_hash.chars().take(12).collect(),
                form: (&k.form).into(),
                fields: k
                    .event
                    .input
                    .fields
                    .iter()
                    .map(|f| FieldView { field: f.field.into(), required: f.required })
                    .collect(),
                signature: k.event.input.signature,
                idle_reset_s: k.event.input.idle_reset_s,
            })
        })
        .await
}

/// Records the person at the kiosk and returns their receipt.
#[tauri::command]
#[specta::specta]
pub async fn kiosk_submit(
    window: WebviewWindow,
    state: State<'_, AppState>,
    request: SubmissionRequest,
) -> ApiResult<KioskReceipt> {
    require_kiosk(&window)?;
    let sub = submission(kiosk_event(&state)?, request)?;
    let receipt = state.with_session(move |s| capture::submit(s, &sub).map(receipt_view)).await?;
    state.guard().kiosk_receipt = Some(receipt.receipt_id.clone());
    Ok(receipt)
}

#[derive(Serialize, Type)]
pub struct BadgeView {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub job_title: Option<String>,
}

/// Reads a scanned visitor badge (vCard or MECARD).
#[tauri::command]
#[specta::specta]
pub async fn kiosk_badge(window: WebviewWindow, text: String) -> ApiResult<BadgeView> {
    require_kiosk(&window)?;
    let f = badge::parse(&text)?;
    Ok(BadgeView { name: f.name, email: f.email, phone: f.phone, company: f.company, job_title: f.job_title })
}

/// A purpose the visitor agreed to, as the kiosk lists it for withdrawal.
#[derive(Serialize, Type)]
pub struct AgreedView {
    pub code: String,
    pub label: String,
    /// A separate consent (单独同意).
    pub separate: bool,
}

/// What the kiosk shows a visitor who named themselves: their masked contact and what they
/// agreed to that is in force.
#[derive(Serialize, Type)]
pub struct KioskConsentsView {
    pub shown: String,
    pub agreed: Vec<AgreedView>,
}

/// Finds the visitor by their receipt (QR code or code), e-mail or phone, for withdrawal.
#[tauri::command]
#[specta::specta]
pub async fn kiosk_consents(
    window: WebviewWindow,
    state: State<'_, AppState>,
    language: Option<vocab::Language>,
    who: String,
) -> ApiResult<KioskConsentsView> {
    require_kiosk(&window)?;
    let event = kiosk_event(&state)?;
    state
        .with_session(move |s| {
            let c = withdraw::consents(s, &EventId::new(event), language.map(Language::from), &who)?;
            Ok(KioskConsentsView {
                shown: c.shown,
                agreed: c
                    .agreed
                    .into_iter()
                    .map(|a| AgreedView { code: a.code, label: a.label, separate: a.separate })
                    .collect(),
            })
        })
        .await
}

/// The withdrawal receipt the kiosk shows.
#[derive(Serialize, Type)]
pub struct KioskWithdrawal {
    pub receipt_id: String,
    pub withdrawn: Vec<String>,
    pub still_agreed: Vec<String>,
    pub qr_size: u32,
    pub qr: Vec<bool>,
}

/// Withdraws what the visitor chose (everything in force when `purposes` is empty).
#[tauri::command]
#[specta::specta]
pub async fn kiosk_withdraw(
    window: WebviewWindow,
    state: State<'_, AppState>,
    language: Option<vocab::Language>,
    who: String,
    purposes: Vec<String>,
) -> ApiResult<KioskWithdrawal> {
    require_kiosk(&window)?;
    let event = kiosk_event(&state)?;
    let done = state
        .with_session(move |s| {
            let w = withdraw::withdraw(s, &EventId::new(event), language.map(Language::from), &who, &purposes)?;
            let receipt_id = w.receipt_id.into_string();
            let (qr_size, qr) = receipt_qr(&receipt_id);
            Ok(KioskWithdrawal { receipt_id, withdrawn: w.withdrawn, still_agreed: w.still_agreed, qr_size, qr })
        })
        .await?;
    state.guard().kiosk_receipt = Some(done.receipt_id.clone());
    Ok(done)
}

/// Leaves kiosk mode with the name and passphrase of an admin, legal or marketer operator.
#[tauri::command]
#[specta::specta]
pub async fn kiosk_exit(
    app: AppHandle,
    window: WebviewWindow,
    state: State<'_, AppState>,
    operator: String,
    passphrase: String,
) -> ApiResult<()> {
    require_kiosk(&window)?;
    let pass = Passphrase::new(passphrase);
    state.with_session(move |s| consentry::capture::leave_kiosk(s, &operator, &pass).map(drop)).await?;
    state.set_kiosk(None);
    if let Some(main) = app.get_webview_window("main") {
        let _ = main.show();
        let _ = main.set_focus();
    }
    let _ = window.destroy();
    Ok(())
}
