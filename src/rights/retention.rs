//! Retention: per purpose, how long a consent holds before it is due for review
//! (re-consent), and how long after the current state was set the person's data is due for
//! deletion (erasure). The due list is derived from the ledger, like status.

use chrono::{DateTime, Duration, FixedOffset};
use rusqlite::{params, OptionalExtension};

use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::time::from_parts;
use crate::domain::Action;
use crate::ledger::{ConsentState, EventKind};
use crate::purpose;
use crate::session::Session;
use crate::subject::{Row, SubjectView};
use crate::vault::column;

/// The rule for one purpose. `None` means no limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionRule {
    /// Purpose code.
    pub purpose: String,
    /// A grant older than this many days is due for review.
    pub review_days: Option<u32>,
    /// A state (granted, refused or withdrawn) older than this many days makes the person's
    /// data due for deletion.
    pub delete_days: Option<u32>,
}

/// Why a consent is on the due list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Ask the person again.
    Review,
    /// Erase the person's data.
    Delete,
}

impl Due {
    /// `review` or `delete`.
    pub fn as_str(self) -> &'static str {
        match self {
            Due::Review => "review",
            Due::Delete => "delete",
        }
    }
}

/// One consent due for review or deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    /// The person, masked.
    pub subject: SubjectView,
    /// Purpose code.
    pub purpose: String,
    /// Current state.
    pub state: ConsentState,
    /// Since when.
    pub since: DateTime<FixedOffset>,
    /// Review or delete.
    pub due: Due,
    /// When it became due.
    pub due_at: DateTime<FixedOffset>,
}

/// Sets (or, with both limits `None`, removes) a purpose's rule (admin and legal).
pub fn set_rule(session: &mut Session, rule: &RetentionRule) -> Result<()> {
    for d in [rule.review_days, rule.delete_days].into_iter().flatten() {
        if !(1..=36_500).contains(&d) {
            return Err(msg::RETENTION_RANGE.with("days", d).into());
        }
    }
    session.write(Action::ManageRetention, |w| {
        let code = rule.purpose.trim();
        if purpose::find_purpose(&w.tx, code)?.is_none() {
            return Err(Error::NotFound(msg::PURPOSE_NOT_FOUND.with("code", code)));
        }
        if rule.review_days.is_none() && rule.delete_days.is_none() {
            w.tx.execute("DELETE FROM retention_rule WHERE purpose_code = ?1", [code]).storage("set retention")?;
        } else {
            w.tx.execute(
                "INSERT INTO retention_rule (purpose_code, review_days, delete_days, updated_at_ms, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (purpose_code) DO UPDATE SET review_days = excluded.review_days,
                     delete_days = excluded.delete_days, updated_at_ms = excluded.updated_at_ms,
                     updated_by = excluded.updated_by",
                params![code, rule.review_days, rule.delete_days, w.now.timestamp_millis(), w.operator.id],
            )
            .storage("set retention")?;
        }
        let show = |d: Option<u32>| d.map(|d| d.to_string()).unwrap_or_else(|| "none".into());
        w.audit(
            "retention.change",
            code,
            format!("review {} delete {}", show(rule.review_days), show(rule.delete_days)),
        );
        Ok(())
    })
}

/// Every purpose's rule, by purpose code.
pub fn rules(session: &mut Session) -> Result<Vec<RetentionRule>> {
    session.read(Action::ReadRetention, |conn| {
        let mut stmt = conn
            .prepare("SELECT purpose_code, review_days, delete_days FROM retention_rule ORDER BY purpose_code")
            .storage("read retention")?;
        let rows = stmt
            .query_map([], |r| Ok(RetentionRule { purpose: r.get(0)?, review_days: r.get(1)?, delete_days: r.get(2)? }))
            .storage("read retention")?;
        rows.collect::<rusqlite::Result<Vec<_>>>().storage("read retention")
    })
}

/// The rule for one purpose, if set.
pub fn rule(session: &mut Session, purpose: &str) -> Result<Option<RetentionRule>> {
    session.read(Action::ReadRetention, |conn| {
        conn.query_row(
            "SELECT purpose_code, review_days, delete_days FROM retention_rule WHERE purpose_code = ?1",
            [purpose.trim()],
            |r| Ok(RetentionRule { purpose: r.get(0)?, review_days: r.get(1)?, delete_days: r.get(2)? }),
        )
        .optional()
        .storage("read retention")
    })
}

/// Consents due for review or deletion now, oldest first (people masked; erased people
/// are left out, their data is already gone).
pub fn due(session: &mut Session) -> Result<Vec<DueItem>> {
    let now = session.now();
    session.read(Action::ReadRetention, |conn| {
        let ctx = "list due consents";
        let sql = "SELECT s.id, s.name_masked, s.email_masked, s.phone_masked, s.company_masked, e.purpose_code, e.kind, e.captured_at_ms,
                    e.utc_offset_min, r.review_days, r.delete_days
             FROM consent_current e
             JOIN retention_rule r ON r.purpose_code = e.purpose_code
             JOIN subject s ON s.id = e.subject_id
             WHERE s.erased_at_ms IS NULL
             ORDER BY e.captured_at_ms, s.id, e.purpose_code";
        let mut stmt = conn.prepare(sql).storage(ctx)?;
        let mut rows = stmt.query([]).storage(ctx)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next().storage(ctx)? {
            let kind: EventKind = column(r, 6).storage(ctx)?;
            let since = from_parts(r.get(7).storage(ctx)?, r.get(8).storage(ctx)?);
            let review: Option<i64> = r.get(9).storage(ctx)?;
            let delete: Option<i64> = r.get(10).storage(ctx)?;
            let delete_at = delete.map(|d| since + Duration::days(d));
            let review_at = review.filter(|_| kind == EventKind::Grant).map(|d| since + Duration::days(d));
            let due = match (delete_at, review_at) {
                (Some(d), _) if d <= now => Some((Due::Delete, d)),
                (_, Some(rv)) if rv <= now => Some((Due::Review, rv)),
                _ => None,
            };
            let Some((due, due_at)) = due else { continue };
            let row = Row {
                id: r.get(0).storage(ctx)?,
                name: r.get(1).storage(ctx)?,
                email: r.get(2).storage(ctx)?,
                phone: r.get(3).storage(ctx)?,
                company: r.get(4).storage(ctx)?,
                erased: false,
            };
            out.push(DueItem {
                subject: row.view(),
                purpose: r.get(5).storage(ctx)?,
                state: match kind {
                    EventKind::Grant => ConsentState::Granted,
                    EventKind::Refuse => ConsentState::Refused,
                    EventKind::Withdraw => ConsentState::Withdrawn,
                },
                since,
                due,
                due_at,
            });
        }
        Ok(out)
    })
}
