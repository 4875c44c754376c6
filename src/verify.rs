//! `verify`: walks every device's ledger chain and the audit chains, holds each chain to
//! every signed (and headquarters-cosigned) checkpoint stored for it, recomputes every frozen
//! notice version's hash from its text, profile snapshot and form, compares the schema with
//! what the migrations create, and rebuilds the current state from the ledger; each problem
//! names what and where.

use crate::domain::error::Result;
use crate::domain::Action;
use crate::session::Session;
use crate::{audit, checkpoint, ledger, notice, vault};

pub use crate::domain::{Place, Problem};

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Consent events checked.
    pub events_checked: u64,
    /// Device chains walked.
    pub devices: u64,
    /// Audit entries checked (this vault's, and at headquarters each device's).
    pub audit_entries_checked: u64,
    /// Signed checkpoints the chains were held to.
    pub checkpoints_checked: u64,
    /// Approved, retired and reviewed notice versions whose hashes were recomputed.
    pub notices_checked: u64,
    /// People × purposes whose current state was rebuilt from the ledger and compared.
    pub current_checked: u64,
    /// Broken links; empty when everything verifies.
    pub problems: Vec<Problem>,
}

impl Report {
    /// Whether every chain verified.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies the ledger and the audit log. The result is itself recorded in the audit log.
pub fn verify(session: &mut Session) -> Result<Report> {
    let report = session.read(Action::Verify, |conn| {
        let mut problems = Vec::new();
        let (events_checked, devices) = ledger::verify_chains(conn, &mut problems)?;
        let audit_entries_checked = audit::verify_chain(conn, &mut problems)?;
        ledger::verify_against_audit(conn, &mut problems)?;
        let device_audit_checked = audit::verify_device_chains(conn, &mut problems)?;
        let checkpoints_checked = checkpoint::verify(conn, &mut problems)?;
        let notices_checked = notice::verify_notices(conn, &mut problems)?;
        for d in vault::schema::differences(conn)? {
            problems.push(Problem::at(Place::Schema { kind: d.kind.clone(), name: d.name.clone() }, d.describe()));
        }
        let current_checked = ledger::verify_current(conn, &mut problems)?;
        Ok(Report {
            events_checked,
            devices,
            audit_entries_checked: audit_entries_checked + device_audit_checked,
            checkpoints_checked,
            notices_checked,
            current_checked,
            problems,
        })
    })?;
    let outcome =
        if report.is_intact() { "intact".to_string() } else { format!("{} problem(s)", report.problems.len()) };
    session.record("vault.verify", "", &outcome)?;
    Ok(report)
}
