//! `verify`: walks every device's ledger chain and the audit chains, holds each chain to
//! every signed (and headquarters-cosigned) checkpoint stored for it, recomputes every frozen
//! notice version's hash from its text, profile snapshot and form, compares the schema with
//! what the migrations create, and rebuilds the current state from the ledger; each problem
//! names what and where.
//!
//! **Incremental.** An intact verify stores where it reached on each chain (the last entry's
//! hash and the Merkle frontier, `checkpoint::heads`), in its audit entry's transaction. The
//! next one ([`Scope::New`]) starts there: the entry it stopped at must still have that hash,
//! and only the entries after it are walked, held to the audit log and to the checkpoints
//! beyond it, and only the people and purposes with newer events have their current state
//! rebuilt. Signatures, notice versions and the schema are checked in full every time. What
//! an earlier verify found intact is trusted; [`Scope::Full`] checks everything again, and
//! the app runs one at least every [`FULL_WALK_EVERY_MS`].

use crate::checkpoint::Heads;
use crate::domain::error::{Result, StorageContext};
use crate::domain::Action;
use crate::session::Session;
use crate::{audit, checkpoint, ledger, notice, vault};

pub use crate::domain::{Place, Problem};

/// How much a verify checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything, from the first entry of every chain.
    Full,
    /// What was added since the last intact verify (everything when there was none).
    New,
    /// As `New`, unless the last full walk is older than [`FULL_WALK_EVERY_MS`] at this
    /// instant (ms since the epoch): then everything.
    Routine(i64),
}

/// How often a routine verify walks everything: a week.
pub const FULL_WALK_EVERY_MS: i64 = 7 * 24 * 60 * 60 * 1000;

/// What `verify` found.
#[derive(Debug, Clone)]
pub struct Report {
    /// Whether it walked everything; otherwise it checked what was added since the verify
    /// of [`Report::since_ms`].
    pub full: bool,
    /// When the verify it carried on from ran (ms since the epoch), for an incremental one.
    pub since_ms: Option<i64>,
    /// When the last full walk ran (this one, if it was one; ms since the epoch, `None` at
    /// this one's start if it was the first and not done yet).
    pub last_full_ms: Option<i64>,
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
    /// Where each chain ends in that snapshot: stored when the report is recorded intact.
    reached: Heads,
}

impl Report {
    /// Whether every chain verified.
    pub fn is_intact(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Verifies the ledger and the audit log, on the session's own connection. The result is
/// itself recorded in the audit log. (The app runs [`Verifier`] instead, beside the session.)
pub fn verify(session: &mut Session, scope: Scope) -> Result<Report> {
    let report = session.read(Action::Verify, |conn| check(conn, scope))?;
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
    pub fn run(&self, scope: Scope) -> Result<Report> {
        check(&self.conn, scope)
    }
}

/// Records a verify's outcome in the audit log (its target says `full` or `new`); an intact
/// one also records where it reached, for the next to start from.
pub fn record(session: &mut Session, report: &Report) -> Result<()> {
    let outcome =
        if report.is_intact() { "intact".to_string() } else { format!("{} problem(s)", report.problems.len()) };
    let target = if report.full { "full" } else { "new" };
    let intact = report.is_intact();
    session.record_with("vault.verify", target, &outcome, |conn, now_ms| {
        if !intact {
            return Ok(());
        }
        let full_at_ms = if report.full { now_ms } else { report.last_full_ms.unwrap_or(0) };
        let heads =
            Heads { chains: report.reached.chains.clone(), event_rowid: report.mark.0, at_ms: now_ms, full_at_ms };
        checkpoint::heads::store(conn, &heads)
    })
}

fn check(conn: &rusqlite::Connection, scope: Scope) -> Result<Report> {
    let snapshot = conn.unchecked_transaction().storage("start verifying")?;
    let conn: &rusqlite::Connection = &snapshot;
    let mark = ledger_mark(conn)?;
    let stored = checkpoint::heads::load(conn)?;
    let last_full_ms = stored.as_ref().map(|h| h.full_at_ms).filter(|ms| *ms > 0);
    let from = match (scope, stored) {
        (Scope::Full, _) | (_, None) => Heads::default(),
        (Scope::Routine(now), Some(_)) if last_full_ms.is_none_or(|at| now - at >= FULL_WALK_EVERY_MS) => {
            Heads::default()
        }
        (_, Some(h)) => h,
    };
    let full = from.at_ms == 0;
    let mut problems = Vec::new();
    let mut steps = Vec::new();
    let mut step = |name: &'static str, started: std::time::Instant| steps.push((name, started.elapsed()));
    let t = std::time::Instant::now();
    let (events_checked, devices) = ledger::verify_chains(conn, &from, &mut problems)?;
    step("ledger chains", t);
    let t = std::time::Instant::now();
    let local: String =
        conn.query_row("SELECT id FROM device WHERE is_local = 1", [], |r| r.get(0)).storage("start verifying")?;
    let audit_entries_checked = audit::verify_chain(conn, from.get(checkpoint::Log::Audit, &local), &mut problems)?;
    step("audit chain", t);
    let t = std::time::Instant::now();
    ledger::verify_against_audit(conn, &from, &mut problems)?;
    step("ledger against audit", t);
    let t = std::time::Instant::now();
    let device_audit_checked = audit::verify_device_chains(conn, &from, &mut problems)?;
    let (checkpoints_checked, reached) = checkpoint::verify(conn, &from, &mut problems)?;
    step("checkpoints", t);
    let t = std::time::Instant::now();
    let notices_checked = notice::verify_notices(conn, &mut problems)?;
    for d in vault::schema::differences(conn)? {
        problems.push(Problem::at(Place::Schema { kind: d.kind.clone(), name: d.name.clone() }, d.describe()));
    }
    step("notices and schema", t);
    let t = std::time::Instant::now();
    let current_checked = ledger::verify_current(conn, (!full).then_some(from.event_rowid), &mut problems)?;
    step("current state", t);
    snapshot.rollback().storage("finish verifying")?;
    Ok(Report {
        full,
        since_ms: (!full).then_some(from.at_ms),
        last_full_ms,
        events_checked,
        devices,
        audit_entries_checked: audit_entries_checked + device_audit_checked,
        checkpoints_checked,
        notices_checked,
        current_checked,
        problems,
        steps,
        mark,
        reached,
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
