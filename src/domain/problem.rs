//! What `verify` reports: one thing a proof rests on that no longer holds, named so a person
//! can find it.

/// Where a problem is: a chain, a signed checkpoint, the wording consents point at, the
/// schema's protections, or the derived current state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// One device's consent ledger.
    Ledger {
        /// The device id.
        device_id: String,
    },
    /// The audit log.
    Audit,
    /// Another device's audit log, as headquarters holds it.
    DeviceAudit {
        /// The device id.
        device_id: String,
    },
    /// A signed checkpoint that a chain no longer matches.
    Checkpoint {
        /// The device whose chain it is.
        device_id: String,
        /// `ledger` or `audit`.
        log: String,
    },
    /// An approved or retired notice version whose text no longer gives its hash.
    NoticeVersion {
        /// The version's id.
        id: String,
        /// The hash consents point at.
        hash: String,
    },
    /// A reviewed revision of a notice whose texts, hashes or form no longer agree.
    NoticeRevision {
        /// The revision's id.
        id: String,
        /// The notice's name.
        notice: String,
        /// The revision's number.
        number: i64,
    },
    /// A table, index, trigger or view that differs from what the migrations create.
    Schema {
        /// `table`, `index`, `trigger` or `view`.
        kind: String,
        /// Its name.
        name: String,
    },
    /// A person's current state for a purpose that the ledger does not give.
    CurrentState {
        /// The person's id.
        subject_id: String,
        /// The purpose code.
        purpose: String,
    },
}

impl Place {
    /// A stable short name for scripts and the app: `ledger`, `audit`, `device_audit`,
    /// `checkpoint`, `notice_version`, `notice_revision`, `schema` or `current_state`.
    pub fn kind(&self) -> &'static str {
        match self {
            Place::Ledger { .. } => "ledger",
            Place::Audit => "audit",
            Place::DeviceAudit { .. } => "device_audit",
            Place::Checkpoint { .. } => "checkpoint",
            Place::NoticeVersion { .. } => "notice_version",
            Place::NoticeRevision { .. } => "notice_revision",
            Place::Schema { .. } => "schema",
            Place::CurrentState { .. } => "current_state",
        }
    }
}

/// One thing that no longer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where it is.
    pub place: Place,
    /// The sequence number where a chain breaks (0 outside chains).
    pub seq: i64,
    /// The consent event there, if it is a ledger problem.
    pub event_id: Option<String>,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl Problem {
    pub(crate) fn audit(seq: i64, message: String) -> Self {
        Problem { place: Place::Audit, seq, event_id: None, message }
    }

    /// A problem outside the chains.
    pub(crate) fn at(place: Place, message: String) -> Self {
        Problem { place, seq: 0, event_id: None, message }
    }
}
