//! Printing receipts: the main window prints any receipt (People), the kiosk only the last
//! one it made. Each returns the document the UI lays out for the system's printer; when an
//! ESC/POS thermal printer is set (Settings), the receipt goes to it instead and the answer
//! says where.

use consentry::receipt::print::{self, Both, Printable};
use serde::Serialize;
use specta::Type;
use tauri::{State, WebviewWindow};

use super::capture::{receipt_qr, require_kiosk};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::vocab::{self, EventKind};

#[derive(Serialize, Type)]
pub struct PrintLineView {
    pub code: String,
    pub purpose: BothView,
    pub choice: EventKind,
    pub choice_words: BothView,
    /// Separate consent (单独同意) or guardian's consent (监护人同意), when the box was one.
    pub separate: Option<BothView>,
    pub at: String,
    /// The recipients its data goes to.
    pub recipients: Vec<BothView>,
    /// The overseas recipients its data goes to.
    pub overseas: Vec<BothView>,
}

/// Text in both languages.
#[derive(Serialize, Type)]
pub struct BothView {
    pub zh: String,
    pub en: String,
}

impl From<Both> for BothView {
    fn from(b: Both) -> Self {
        BothView { zh: b.zh, en: b.en }
    }
}

/// A receipt as printed, in both languages.
#[derive(Serialize, Type)]
pub struct PrintView {
    pub title: BothView,
    pub receipt_id: String,
    /// The QR code (what the kiosk reads back to withdraw): `size` × `size`, true is dark.
    pub qr_size: u32,
    pub qr: Vec<bool>,
    pub issued: String,
    pub person: String,
    pub controller: BothView,
    pub lines: Vec<PrintLineView>,
    pub withdrawal: BothView,
    /// Said when a parent or guardian answered for a child under 14.
    pub given_by: Option<BothView>,
    /// The thermal printer it was sent to; none: print it to the system's printer.
    pub printed_to: Option<String>,
}

fn view(p: Printable, printed_to: Option<String>) -> PrintView {
    let receipt_id = p.receipt_id.into_string();
    let (qr_size, qr) = receipt_qr(&receipt_id);
    PrintView {
        title: p.title.into(),
        receipt_id,
        qr_size,
        qr,
        issued: p.issued,
        person: p.person,
        controller: p.controller.into(),
        lines: p
            .lines
            .into_iter()
            .map(|l| PrintLineView {
                code: l.code,
                purpose: l.purpose.into(),
                choice: vocab::EventKind::from(l.choice),
                choice_words: l.choice_words.into(),
                separate: l.separate.map(Into::into),
                at: l.at,
                recipients: l.recipients.into_iter().map(Into::into).collect(),
                overseas: l.overseas.into_iter().map(Into::into).collect(),
            })
            .collect(),
        withdrawal: p.withdrawal.into(),
        given_by: p.given_by.map(Into::into),
        printed_to,
    }
}

/// Prepares a receipt and, when a thermal printer is set, prints it there.
async fn print_in(state: &AppState, receipt_id: String) -> ApiResult<PrintView> {
    state
        .with_session(move |s| {
            let p = print::print(s, &receipt_id)?;
            let printed_to = match consentry::settings::receipt_printer(s)? {
                Some(device) => {
                    print::to_thermal_printer(&p, &device)?;
                    Some(device.display().to_string())
                }
                None => None,
            };
            Ok(view(p, printed_to))
        })
        .await
}

/// Prints a receipt by its id (People, the receipt a visitor lost).
#[tauri::command]
#[specta::specta]
pub async fn print_receipt(state: State<'_, AppState>, receipt_id: String) -> ApiResult<PrintView> {
    print_in(&state, receipt_id).await
}

/// Prints the last receipt this kiosk made (the visitor's grant or withdrawal); no other.
#[tauri::command]
#[specta::specta]
pub async fn kiosk_print_receipt(window: WebviewWindow, state: State<'_, AppState>) -> ApiResult<PrintView> {
    require_kiosk(&window)?;
    let last = state.guard().kiosk_receipt.clone();
    let id =
        last.ok_or_else(|| ApiError::new(vocab::ErrorKind::NotFound, &consentry::domain::messages::KIOSK_NO_RECEIPT))?;
    print_in(&state, id).await
}
