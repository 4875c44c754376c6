//! Erasure (PIPL Art. 47, GDPR Art. 17): the person's personal data leaves the vault while
//! the ledger keeps its proof.
//!
//! The ledger's hashed bytes hold only ids (see `ledger::chain`), so erasure never touches a
//! consent event and every chain still verifies. In one transaction it:
//! 1. withdraws every purpose still granted (erasure is the strongest withdrawal), with a
//!    withdrawal receipt, so exports and counts never treat an erased person as consenting;
//! 2. keeps the SHA-256 of the normalised email and phone, so that the suppression list
//!    keeps telling downstream systems not to contact them and a later import of the same
//!    address is recognised; these hashes are pseudonymous personal data, kept on the basis
//!    of PIPL Art. 47 (storage and security only) and GDPR Art. 17(3)(b) and 21(3) for
//!    exactly that purpose, and documented in the README;
//! 3. clears name, email, phone, company and job title (and a guardian's name and signature
//!    image captured with them), removes the person's search terms and sets
//!    `erased_at_ms`; the person then shows as erased everywhere;
//! 4. writes `subject.erase` to the audit log.

use sha2::{Digest, Sha256};

use crate::domain::error::{Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::{Action, SubjectId};
use crate::ledger::{self, Method, Recorded};
use crate::session::Session;
use crate::subject::{self, normalize_email, normalize_phone, SubjectKey};

/// SHA-256 of a normalised value, hex: the form suppression lists and erased people keep.
pub fn sha256_hex(value: &str) -> String {
    hex::encode(Sha256::digest(value.as_bytes()))
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    /// The person's id (it stays, pseudonymous).
    pub subject_id: SubjectId,
    /// The withdrawals recorded for purposes still granted, if there were any.
    pub withdrawn: Option<Recorded>,
}

/// Erases one person's personal data (admin and legal). `channel` is how the request
/// arrived; `note` is a reference such as a ticket number (never personal data).
pub fn erase(session: &mut Session, key: &SubjectKey, channel: Method, note: &str) -> Result<Erased> {
    session.write(Action::EraseSubject, |w| {
        let row = subject::lookup(&w.tx, w.index(), key)?.ok_or_else(|| subject::not_found(key))?;
        if row.erased {
            return Err(msg::ALREADY_ERASED.with("id", &row.id).into());
        }
        let id = row.id.clone();
        let granted = ledger::granted_now(&w.tx, &id)?;
        let withdrawn = if granted.is_empty() {
            None
        } else {
            Some(ledger::withdraw_in(w, &id, &granted, w.now, channel, "erasure request")?)
        };
        // The hashes are kept from when the details were written (older vaults: from the
        // plaintext still held).
        let details = if w.personal.pending() { subject::details(w, &id)? } else { Default::default() };
        let email_hash = details.email.as_deref().and_then(normalize_email).map(|e| sha256_hex(&e));
        let phone_hash = details.phone.as_deref().and_then(normalize_phone).map(|p| sha256_hex(&p));
        w.tx.execute(
            "UPDATE subject SET name = NULL, email = NULL, email_norm = NULL, phone = NULL, phone_norm = NULL,
                    company = NULL, job_title = NULL, name_sealed = NULL, email_sealed = NULL, phone_sealed = NULL,
                    company_sealed = NULL, job_title_sealed = NULL, name_masked = NULL, email_masked = NULL,
                    phone_masked = NULL, company_masked = NULL, email_index = NULL, phone_index = NULL,
                    email_sha256 = coalesce(?2, email_sha256), phone_sha256 = coalesce(?3, phone_sha256),
                    erased_at_ms = ?4
             WHERE id = ?1",
            rusqlite::params![id, email_hash, phone_hash, w.now.timestamp_millis()],
        )
        .storage("erase a person")?;
        // A guardian's name and a signature image captured with the person go too; the
        // signature's hash stays, as it does in the ledger.
        w.tx.execute(
            "UPDATE capture_detail SET guardian_name = NULL, signature_png = NULL, guardian_sealed = NULL, guardian_masked = NULL,
                    signature_sealed = NULL
             WHERE receipt_id IN (SELECT id FROM receipt WHERE subject_id = ?1)",
            [&id],
        )
        .storage("erase a person")?;
        crate::vault::search_index::remove(&w.tx, &id)?;
        crate::vault::personal::forget_conflicts(&w.tx, &id)?;
        w.audit("subject.erase", &id, format!("via {channel}; {}", note.trim()));
        Ok(Erased { subject_id: id.into(), withdrawn })
    })
}
