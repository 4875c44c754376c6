-- Consentry schema v14: where the last intact verify reached, so that the next one checks
-- only what was added since (a full walk still checks everything, on demand).
--
-- One row per chain (`log` 'ledger' or 'audit', of a device; this vault's own audit log is
-- its local device's): how many entries were verified, the hash of the last of them, and
-- the RFC 6962 Merkle frontier of those entries (the roots of the perfect subtrees, 32
-- bytes each), from which the roots of later checkpoints are computed without reading the
-- earlier entries again. `verified_run` says when that verify ran, the newest consent
-- event's row it saw (the current state is rebuilt for the people with events after it),
-- and when the last full walk ran. Only hashes and counts: no personal data.
-- Written only with an intact verify's audit entry, in its transaction.

CREATE TABLE verified_head (
    log       TEXT NOT NULL CHECK (log IN ('ledger', 'audit')),
    device_id TEXT NOT NULL,
    size      INTEGER NOT NULL CHECK (size >= 0),
    hash      BLOB NOT NULL,
    frontier  BLOB NOT NULL,
    PRIMARY KEY (log, device_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE verified_run (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    at_ms        INTEGER NOT NULL,
    event_rowid  INTEGER NOT NULL CHECK (event_rowid >= 0),
    full_at_ms   INTEGER NOT NULL
) STRICT;
