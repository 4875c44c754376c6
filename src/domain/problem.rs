//! What `verify` reports: one broken link in one chain, named so a person can find it.

/// Which chain a problem is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chain {
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
}

/// One broken link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The chain it is in.
    pub chain: Chain,
    /// The sequence number where the chain breaks.
    pub seq: i64,
    /// The consent event there, if it is a ledger problem.
    pub event_id: Option<String>,
    /// What is wrong, in a sentence.
    pub message: String,
}

impl Problem {
    pub(crate) fn audit(seq: i64, message: String) -> Self {
        Problem { chain: Chain::Audit, seq, event_id: None, message }
    }
}
