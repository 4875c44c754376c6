//! A receipt to print: one document, in Simplified Chinese and English, that the app lays out
//! for the system's printer and that [`to_escpos`] turns into the bytes of an ESC/POS thermal
//! printer (through the `escpos` crate).
//!
//! What it says is what the issue of receipts at a stand needs: the receipt id and its QR code
//! (what the kiosk scans back to withdraw), what was agreed and refused, which boxes were
//! separate consents (单独同意), and how to withdraw.

use std::cell::RefCell;
use std::io::Write as _;
use std::path::Path;
use std::rc::Rc;

use escpos::driver::Driver;
use escpos::printer::Printer;
use escpos::utils::{Encoder, JustifyMode, Protocol};

use super::*;
use crate::domain::error::Error;
use crate::domain::messages as msg;
use crate::ledger::receipt::QR_PREFIX;
use crate::purpose::SeparateConsent;

/// Text in both languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Both {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Both {
    fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Both { zh: zh.into(), en: en.into() }
    }
}

/// One recorded choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintLine {
    /// The purpose's code.
    pub code: String,
    /// The purpose's name.
    pub purpose: Both,
    /// Agreed, refused or withdrawn.
    pub choice: EventKind,
    /// The choice's word.
    pub choice_words: Both,
    /// How the box was marked when it was a consent of its own: separate consent (单独同意),
    /// or a parent's or guardian's consent (监护人同意).
    pub separate: Option<Both>,
    /// When (`2026-05-01 09:30 +08:00`).
    pub at: String,
    /// The recipients its data goes to (PIPL Art. 23), as the notice's profile links them.
    pub recipients: Vec<Both>,
    /// The overseas recipients its data goes to (PIPL Art. 39).
    pub overseas: Vec<Both>,
}

/// A receipt as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printable {
    /// Capture, withdrawal or import.
    pub kind: ReceiptKind,
    /// The document's title.
    pub title: Both,
    /// The receipt id.
    pub receipt_id: ReceiptId,
    /// What the QR code holds (the kiosk reads it back to find the receipt).
    pub qr_text: String,
    /// When it was issued.
    pub issued: String,
    /// The person, masked.
    pub person: String,
    /// The controller.
    pub controller: Both,
    /// The choices, in the order recorded.
    pub lines: Vec<PrintLine>,
    /// How to withdraw.
    pub withdrawal: Both,
    /// Said when a parent or guardian answered for a child under 14.
    pub given_by: Option<Both>,
}

impl Printable {
    /// The lines that record agreement.
    pub fn agreed(&self) -> impl Iterator<Item = &PrintLine> {
        self.lines.iter().filter(|l| l.choice == EventKind::Grant)
    }

    /// The lines that record a refusal or a withdrawal.
    pub fn not_agreed(&self) -> impl Iterator<Item = &PrintLine> {
        self.lines.iter().filter(|l| l.choice != EventKind::Grant)
    }
}

/// The words that mark a separate consent.
pub const SEPARATE: (&str, &str) = ("单独同意", "separate consent");
/// The words that mark a guardian's consent for a child under 14 (PIPL Art. 31).
pub const GUARDIAN: (&str, &str) = ("监护人同意", "guardian's consent");

fn mark(kind: Option<SeparateConsent>) -> Option<Both> {
    kind.map(|k| match k {
        SeparateConsent::Guardian => Both::new(GUARDIAN.0, GUARDIAN.1),
        _ => Both::new(SEPARATE.0, SEPARATE.1),
    })
}

/// The document for a receipt.
pub fn printable(r: &Receipt) -> Printable {
    let p = Profile::of(r);
    let (title_zh, title_en) = title(r);
    let (cz, ce) = p.both(&["controller", "name"]).unwrap_or_else(|| ("未说明".into(), NOT_STATED.into()));
    let (wz, we) = withdrawal_method(&p, &r.id);
    let who: Vec<&str> =
        [&r.subject.name, &r.subject.email, &r.subject.phone].iter().filter_map(|v| v.as_deref()).collect();
    Printable {
        kind: r.kind,
        title: Both::new(title_zh, title_en),
        receipt_id: r.id.clone(),
        qr_text: format!("{QR_PREFIX}{}", r.id),
        issued: r.issued_at.format("%Y-%m-%d %H:%M %:z").to_string(),
        person: if who.is_empty() { "—".into() } else { who.join(" · ") },
        controller: Both::new(cz, ce),
        lines: r
            .lines
            .iter()
            .map(|l| {
                let (kz, ke) = choice_words(l.event.kind);
                let facts = p.facts(&l.purpose);
                let both = |v: Vec<(String, String)>| v.into_iter().map(|(z, e)| Both::new(z, e)).collect();
                PrintLine {
                    code: l.purpose.code.clone(),
                    purpose: Both::new(l.purpose.name_zh.clone(), l.purpose.name_en.clone()),
                    choice: l.event.kind,
                    choice_words: Both::new(kz, ke),
                    separate: mark(l.purpose.separate_consent),
                    at: l.event.captured_at.format("%Y-%m-%d %H:%M %:z").to_string(),
                    recipients: both(facts.recipients),
                    overseas: both(facts.overseas),
                }
            })
            .collect(),
        withdrawal: Both::new(wz, we),
        given_by: given_by(r).map(|(zh, en)| Both::new(&zh, &en)),
    }
}

/// Finds a receipt and returns its printed form (any role: the kiosk prints the one it just
/// made).
pub fn print(session: &mut Session, id: &str) -> Result<Printable> {
    show(session, id).map(|r| printable(&r))
}

/// Collects what the printer would be sent, for [`to_escpos`].
#[derive(Clone, Default)]
struct Bytes(Rc<RefCell<Vec<u8>>>);

impl Driver for Bytes {
    fn name(&self) -> String {
        "bytes".into()
    }
    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> escpos::errors::Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> escpos::errors::Result<()> {
        Ok(())
    }
}

/// Selects the printer's Chinese character mode (FS &): the text that follows is GB18030, as
/// thermal printers sold in China expect; ASCII is the same in both.
const CHINESE_MODE: &[u8] = &[0x1c, 0x26];
/// Characters per line on a 58 mm roll in font A.
const WIDTH: usize = 32;

/// The ESC/POS bytes of a receipt: both languages (Chinese in GB18030), the QR code, the id
/// large, each choice with separate consents marked, how to withdraw; then a cut.
pub fn to_escpos(p: &Printable) -> Result<Vec<u8>> {
    let out = Bytes::default();
    let protocol = Protocol::new(Encoder::new(encoding_rs::GB18030).allow_unencodable(true));
    let rule = "-".repeat(WIDTH);
    let mut pr = Printer::new(out.clone(), protocol, None);
    let fail = |e: escpos::errors::PrinterError| Error::from(msg::RECEIPT_NOT_PRINTABLE.with("detail", e));
    pr.init().map_err(fail)?.custom(CHINESE_MODE).map_err(fail)?;
    pr.justify(JustifyMode::CENTER).map_err(fail)?.bold(true).map_err(fail)?;
    pr.writeln(&p.title.zh).map_err(fail)?.writeln(&p.title.en).map_err(fail)?.bold(false).map_err(fail)?;
    pr.writeln("回执编号 Receipt ID").map_err(fail)?;
    pr.size(2, 2).map_err(fail)?.writeln(p.receipt_id.as_str()).map_err(fail)?.size(1, 1).map_err(fail)?;
    pr.qrcode(&p.qr_text).map_err(fail)?;
    pr.justify(JustifyMode::LEFT).map_err(fail)?;
    pr.writeln(&format!("签发时间 Issued: {}", p.issued)).map_err(fail)?;
    pr.writeln(&format!("个人 Person: {}", p.person)).map_err(fail)?;
    pr.writeln(&format!("处理者 Controller: {} / {}", p.controller.zh, p.controller.en)).map_err(fail)?;
    if let Some(g) = &p.given_by {
        pr.bold(true).map_err(fail)?.writeln(&g.zh).map_err(fail)?.writeln(&g.en).map_err(fail)?;
        pr.bold(false).map_err(fail)?;
    }
    pr.writeln(&rule).map_err(fail)?;
    for l in &p.lines {
        let mark = if l.choice == EventKind::Grant { "[X]" } else { "[ ]" };
        pr.bold(true).map_err(fail)?;
        pr.writeln(&format!("{mark} {} {}", l.choice_words.zh, l.choice_words.en)).map_err(fail)?;
        pr.bold(false).map_err(fail)?;
        pr.writeln(&format!("    {}", l.purpose.zh))
            .map_err(fail)?
            .writeln(&format!("    {}", l.purpose.en))
            .map_err(fail)?;
        if let Some(m) = &l.separate {
            pr.writeln(&format!("    ({} / {})", m.zh, m.en)).map_err(fail)?;
        }
        for r in &l.recipients {
            pr.writeln(&format!("    提供给 To: {} / {}", r.zh, r.en)).map_err(fail)?;
        }
        for r in &l.overseas {
            pr.writeln(&format!("    境外 Abroad: {} / {}", r.zh, r.en)).map_err(fail)?;
        }
    }
    pr.writeln(&rule).map_err(fail)?;
    pr.bold(true).map_err(fail)?.writeln("如何撤回 How to withdraw").map_err(fail)?.bold(false).map_err(fail)?;
    pr.writeln(&p.withdrawal.zh).map_err(fail)?.writeln(&p.withdrawal.en).map_err(fail)?;
    pr.feeds(3).map_err(fail)?.print_cut().map_err(fail)?;
    let bytes = out.0.borrow().clone();
    Ok(bytes)
}

/// Sends a receipt to an ESC/POS printer that appears as a device file (such as
/// `/dev/usb/lp0`): the file must exist (nothing is created), and is written in one go.
pub fn to_thermal_printer(p: &Printable, device: &Path) -> Result<()> {
    let bytes = to_escpos(p)?;
    let mut file =
        std::fs::OpenOptions::new().append(true).open(device).map_err(|e| Error::io(&msg::IO_PRINT, device, &e))?;
    file.write_all(&bytes).and_then(|()| file.flush()).map_err(|e| Error::io(&msg::IO_PRINT, device, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Printable {
        Printable {
            kind: ReceiptKind::Capture,
            title: Both::new("同意回执", "Consent receipt"),
            receipt_id: ReceiptId::new("7KQ2M9XD4P"),
            qr_text: format!("{QR_PREFIX}7KQ2M9XD4P"),
            issued: "2026-05-01 09:30 +08:00".into(),
            person: "张** · z***@example.com".into(),
            controller: Both::new("示例有限公司", "Example Ltd"),
            lines: vec![
                PrintLine {
                    code: "event_marketing".into(),
                    purpose: Both::new("活动营销", "Event marketing"),
                    choice: EventKind::Grant,
                    choice_words: Both::new("同意", "Agreed"),
                    separate: None,
                    at: "2026-05-01 09:30 +08:00".into(),
                    recipients: vec![],
                    overseas: vec![],
                },
                PrintLine {
                    code: "partner_offers".into(),
                    purpose: Both::new("向合作伙伴提供", "Sharing with partners"),
                    choice: EventKind::Refuse,
                    choice_words: Both::new("拒绝", "Refused"),
                    separate: mark(Some(SeparateConsent::ThirdParty)),
                    at: "2026-05-01 09:30 +08:00".into(),
                    recipients: vec![Both::new("示例伙伴", "Example Partner")],
                    overseas: vec![],
                },
            ],
            withdrawal: Both::new("告诉工作人员（回执 7KQ2M9XD4P）", "Tell our staff (receipt 7KQ2M9XD4P)"),
            given_by: None,
        }
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn the_thermal_receipt_carries_both_languages_the_qr_code_and_the_separate_mark() {
        let p = doc();
        let bytes = to_escpos(&p).unwrap();
        let gb = |s: &str| encoding_rs::GB18030.encode(s).0.into_owned();
        assert!(bytes.starts_with(&[0x1b, 0x40]), "ESC @ initialises the printer first");
        assert!(contains(&bytes, CHINESE_MODE), "the Chinese mode is selected");
        for text in
            ["同意回执", "活动营销", "向合作伙伴提供", "单独同意", "告诉工作人员（回执 7KQ2M9XD4P）", "示例伙伴"]
        {
            assert!(contains(&bytes, &gb(text)), "{text} in GB18030");
        }
        for text in ["Consent receipt", "7KQ2M9XD4P", "Event marketing", "separate consent", "How to withdraw", "To: "]
        {
            assert!(contains(&bytes, text.as_bytes()), "{text}");
        }
        // GS ( k … store the QR data: the receipt's QR text follows the function header.
        assert!(contains(&bytes, &[0x1d, 0x28, 0x6b]), "a QR code command");
        assert!(contains(&bytes, p.qr_text.as_bytes()), "the QR code holds the receipt's QR text");
        // Exactly one separate mark: only the second box was a separate consent.
        assert_eq!(bytes.windows(gb("单独同意").len()).filter(|w| *w == gb("单独同意").as_slice()).count(), 1);
        assert!(contains(&bytes, &[0x1d, 0x56]), "GS V cuts the paper at the end");
    }

    #[test]
    fn agreed_and_not_agreed_split_the_lines() {
        let p = doc();
        assert_eq!(p.agreed().map(|l| l.purpose.en.as_str()).collect::<Vec<_>>(), ["Event marketing"]);
        assert_eq!(p.not_agreed().map(|l| l.purpose.en.as_str()).collect::<Vec<_>>(), ["Sharing with partners"]);
    }

    #[test]
    fn a_missing_printer_device_is_an_io_error_naming_it_and_nothing_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let device = dir.path().join("lp9");
        let e = to_thermal_printer(&doc(), &device).unwrap_err();
        assert_eq!(e.kind(), "io");
        assert!(e.to_string().contains("lp9"), "{e}");
        assert!(!device.exists(), "no file is created in place of a printer");
        std::fs::write(&device, b"").unwrap();
        to_thermal_printer(&doc(), &device).unwrap();
        assert_eq!(std::fs::read(&device).unwrap(), to_escpos(&doc()).unwrap());
    }
}
