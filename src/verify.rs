//! `verify`: walks every device's ledger chain and the audit chains, holds each chain to
//! every signed (and headquarters-cosigned) checkpoint stored for it, recomputes every frozen
//! notice version's hash from its text, profile snapshot and form, compares the schema with
//! what the migrations create, and rebuilds the current state from the ledger; each problem
//! names what and where.

use crate::domain::error::{Result, StorageContext};
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
    /// How long each check took, in the order they ran (for people waiting, and benchmarks).
    pub steps: Vec<(&'static str, std::time::Duration)>,
    /// Where the ledger and the audit log stood in the snapshot verified (see [`is_stale`]).
    pub mark: (i64, i64),
}

impl Report {
    /// Whether every chain verified.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies the ledger and the audit log, on the session's own connection. The result is
/// itself recorded in the audit log. (The app runs [`Verifier`] instead, beside the session.)
pub fn verify(session: &mut Session) -> Result<Report> {
    let report = session.read(Action::Verify, check)?;
    record(session, &report)?;
    Ok(report)
}

/// A verify that runs on a read-only connection of its own, so the session stays free for
/// capture and search while it walks the ledger. Made with [`verifier`]; holds a copy of the
/// data key until dropped.
pub struct Verifier {
    conn: rusqlite::Connection,
}

/// Stops a running [`Verifier`] from another thread (for locking while it runs): its
/// current query ends at once and `run` returns an error.
pub struct Stop(rusqlite::InterruptHandle);

impl Stop {
    /// Interrupts the verifier's running query.
    pub fn stop(&self) {
        self.0.interrupt();
    }
}

/// A verifier for this session's vault (the role must allow verifying).
pub fn verifier(session: &mut Session) -> Result<Verifier> {
    Ok(Verifier { conn: session.open_reader(Action::Verify)? })
}

impl Verifier {
    /// A handle that interrupts `run` from another thread.
    pub fn stop_handle(&self) -> Stop {
        Stop(self.conn.get_interrupt_handle())
    }

    /// Runs every check on one consistent snapshot of the vault (one read transaction:
    /// writes that commit meanwhile are not seen half).
    pub fn run(&self) -> Result<Report> {
        check(&self.conn)
    }
}

/// Records a verify's outcome in the audit log.
pub fn record(session: &mut Session, report: &Report) -> Result<()> {
    let outcome =
        if report.is_intact() { "intact".to_string() } else { format!("{} problem(s)", report.problems.len()) };
    session.record("vault.verify", "", &outcome)
}

fn check(conn: &rusqlite::Connection) -> Result<Report> {
    let snapshot = conn.unchecked_transaction().storage("start verifying")?;
    let conn: &rusqlite::Connection = &snapshot;
    let mark = ledger_mark(conn)?;
    let mut problems = Vec::new();
    let mut steps = Vec::new();
    let mut step = |name: &'static str, started: std::time::Instant| steps.push((name, started.elapsed()));
    let t = std::time::Instant::now();
    let (events_checked, devices) = ledger::verify_chains(conn, &mut problems)?;
    step("ledger chains", t);
    let t = std::time::Instant::now();
    let audit_entries_checked = audit::verify_chain(conn, &mut problems)?;
    step("audit chain", t);
    let t = std::time::Instant::now();
    ledger::verify_against_audit(conn, &mut problems)?;
    step("ledger against audit", t);
    let t = std::time::Instant::now();
    let device_audit_checked = audit::verify_device_chains(conn, &mut problems)?;
    let checkpoints_checked = checkpoint::verify(conn, &mut problems)?;
    step("checkpoints", t);
    let t = std::time::Instant::now();
    let notices_checked = notice::verify_notices(conn, &mut problems)?;
    for d in vault::schema::differences(conn)? {
        problems.push(Problem::at(Place::Schema { kind: d.kind.clone(), name: d.name.clone() }, d.describe()));
    }
    step("notices and schema", t);
    let t = std::time::Instant::now();
    let current_checked = ledger::verify_current(conn, &mut problems)?;
    step("current state", t);
    snapshot.rollback().storage("finish verifying")?;
    Ok(Report {
        events_checked,
        devices,
        audit_entries_checked: audit_entries_checked + device_audit_checked,
        checkpoints_checked,
        notices_checked,
        current_checked,
        problems,
        steps,
        mark,
    })
}

/// Where the ledger and the audit log stand: the newest consent event's row and the newest
/// audit entry that records a change (not a verify, unlock, lock, denial or reveal). Two
/// lookups from the end of their tables.
fn ledger_mark(conn: &rusqlite::Connection) -> Result<(i64, i64)> {
    conn.query_row(
        "SELECT (SELECT coalesce(max(rowid), 0) FROM consent_event),
                coalesce((SELECT seq FROM audit_entry
                          WHERE action NOT IN ('vault.verify', 'vault.unlock', 'vault.lock', 'permission.denied', 'subject.reveal')
                          ORDER BY seq DESC LIMIT 1), 0)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .storage("read where the ledger stands")
}

/// Whether consents were recorded or the vault changed since `report`'s snapshot, so that its
/// result may no longer hold (Home then starts another run beside the session).
pub fn is_stale(session: &mut Session, report: &Report) -> Result<bool> {
    Ok(session.read(Action::Verify, ledger_mark)? != report.mark)
}
