-- Consentry schema v7: an organisation of one headquarters (HQ) and its devices.
-- HQ enrols devices; bundle files carry approved wording to devices and consents back;
-- each device signs checkpoints of its ledger and audit chains (C2SP tlog-checkpoint over
-- an RFC 6962 Merkle tree) and HQ, as witness, cosigns them. Applied migrations are never
-- edited.

-- This vault's part in an organisation (at most one row): 'headquarters', or 'device' of
-- the HQ named here. The HQ's public keys are pinned at enrolment.
CREATE TABLE organisation (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('headquarters', 'device')),
    hq_device_id    TEXT NOT NULL,
    hq_public_key   BLOB NOT NULL,
    hq_recipient    TEXT NOT NULL,
    enrolment_id    TEXT,
    enrolment_token BLOB,
    fingerprint     TEXT,
    joined_at_ms    INTEGER NOT NULL,
    CHECK ((role = 'device') = (enrolment_id IS NOT NULL AND enrolment_token IS NOT NULL))
) STRICT;

-- Each vault's own age (X25519) identity, beside its Ed25519 signing key; for the other
-- side's devices only the public recipient.
ALTER TABLE device ADD COLUMN age_recipient TEXT;
ALTER TABLE device ADD COLUMN age_identity TEXT;

-- At HQ: one row per device enrolled. The token (secret, shared only through the
-- enrolment file) authenticates the device's first bundle, which binds its signing key;
-- the device's age recipient is made at enrolment, so HQ can send to it at once.
CREATE TABLE enrolment (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    token            BLOB NOT NULL,
    device_recipient TEXT NOT NULL,
    fingerprint   TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operator(id),
    device_id     TEXT UNIQUE REFERENCES device(id),
    bound_at_ms   INTEGER,
    revoked_at_ms INTEGER,
    revoked_by    TEXT REFERENCES operator(id)
) STRICT;
CREATE TRIGGER enrolment_no_delete BEFORE DELETE ON enrolment
BEGIN SELECT RAISE(ABORT, 'consentry: enrolments are kept'); END;

-- Signed checkpoints: a device's own (signed at each bundle and each lock) and, at HQ,
-- those received from devices, with HQ's cosignature. The note is kept exactly as signed.
CREATE TABLE checkpoint (
    device_id      TEXT NOT NULL REFERENCES device(id),
    log            TEXT NOT NULL CHECK (log IN ('ledger', 'audit')),
    size           INTEGER NOT NULL CHECK (size >= 0),
    root           BLOB NOT NULL,
    note           TEXT NOT NULL,
    signed_at_ms   INTEGER NOT NULL,
    cosigned_note  TEXT,
    cosigned_at_ms INTEGER,
    PRIMARY KEY (device_id, log, size)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER checkpoint_keep BEFORE UPDATE ON checkpoint
WHEN NEW.device_id IS NOT OLD.device_id OR NEW.log IS NOT OLD.log OR NEW.size IS NOT OLD.size
  OR NEW.root IS NOT OLD.root OR NEW.note IS NOT OLD.note OR NEW.signed_at_ms IS NOT OLD.signed_at_ms
  OR OLD.cosigned_note IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'consentry: checkpoints are kept as signed'); END;
CREATE TRIGGER checkpoint_no_delete BEFORE DELETE ON checkpoint
BEGIN SELECT RAISE(ABORT, 'consentry: checkpoints are kept as signed'); END;

-- At HQ: each device's audit chain, as the device wrote it.
CREATE TABLE device_audit_entry (
    device_id      TEXT NOT NULL REFERENCES device(id),
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    at_ms          INTEGER NOT NULL,
    utc_offset_min INTEGER NOT NULL,
    actor_id       TEXT NOT NULL,
    actor_name     TEXT NOT NULL,
    action         TEXT NOT NULL,
    target         TEXT NOT NULL,
    detail         TEXT NOT NULL,
    prev_hash      BLOB NOT NULL,
    hash           BLOB NOT NULL,
    PRIMARY KEY (device_id, seq)
) STRICT, WITHOUT ROWID;
CREATE TRIGGER device_audit_entry_no_update BEFORE UPDATE ON device_audit_entry
BEGIN SELECT RAISE(ABORT, 'consentry: the audit log is append-only'); END;
CREATE TRIGGER device_audit_entry_no_delete BEFORE DELETE ON device_audit_entry
BEGIN SELECT RAISE(ABORT, 'consentry: the audit log is append-only'); END;

-- At HQ: a bundle whose entries start after a gap, held (decrypted and verified) until the
-- entries before it arrive; then applied and removed.
CREATE TABLE pending_bundle (
    device_id      TEXT NOT NULL REFERENCES device(id),
    from_seq       INTEGER NOT NULL,
    to_seq         INTEGER NOT NULL,
    audit_from     INTEGER NOT NULL,
    payload        BLOB NOT NULL,
    received_at_ms INTEGER NOT NULL,
    PRIMARY KEY (device_id, from_seq, to_seq, audit_from)
) STRICT, WITHOUT ROWID;

-- At HQ: entries that contradict what a device signed before (a fork), with both signed
-- statements. They count for nothing until an administrator resolves the case.
CREATE TABLE quarantine (
    id                 TEXT PRIMARY KEY,
    device_id          TEXT NOT NULL REFERENCES device(id),
    log                TEXT NOT NULL CHECK (log IN ('ledger', 'audit')),
    from_seq           INTEGER NOT NULL,
    to_seq             INTEGER NOT NULL,
    held_note          TEXT NOT NULL,
    contradicting_note TEXT NOT NULL,
    entries            TEXT NOT NULL,
    detected_at_ms     INTEGER NOT NULL,
    resolved_at_ms     INTEGER,
    resolved_by        TEXT REFERENCES operator(id),
    resolution         TEXT,
    UNIQUE (device_id, log, contradicting_note)
) STRICT;
CREATE TRIGGER quarantine_keep BEFORE UPDATE ON quarantine
WHEN NEW.id IS NOT OLD.id OR NEW.device_id IS NOT OLD.device_id OR NEW.log IS NOT OLD.log
  OR NEW.from_seq IS NOT OLD.from_seq OR NEW.to_seq IS NOT OLD.to_seq OR NEW.held_note IS NOT OLD.held_note
  OR NEW.contradicting_note IS NOT OLD.contradicting_note OR NEW.entries IS NOT OLD.entries
  OR NEW.detected_at_ms IS NOT OLD.detected_at_ms OR OLD.resolved_at_ms IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'consentry: quarantine evidence is kept as found'); END;
CREATE TRIGGER quarantine_no_delete BEFORE DELETE ON quarantine
BEGIN SELECT RAISE(ABORT, 'consentry: quarantine evidence is kept as found'); END;

-- At HQ: which person each device's person became (merged by normalised email, then
-- phone), and personal details that disagree with what HQ holds (reported, never
-- overwritten).
CREATE TABLE subject_origin (
    device_id         TEXT NOT NULL,
    device_subject_id TEXT NOT NULL,
    subject_id        TEXT NOT NULL REFERENCES subject(id),
    PRIMARY KEY (device_id, device_subject_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX subject_origin_by_subject ON subject_origin(subject_id);
CREATE TABLE subject_conflict (
    subject_id     TEXT NOT NULL REFERENCES subject(id),
    field          TEXT NOT NULL,
    device_id      TEXT NOT NULL,
    value          TEXT NOT NULL,
    reported_at_ms INTEGER NOT NULL,
    PRIMARY KEY (subject_id, field, device_id, value)
) STRICT, WITHOUT ROWID;

-- At HQ: each bundle imported (by the SHA-256 of its file), so a second import of the same
-- file says when the first was.
CREATE TABLE bundle_received (
    sha256         TEXT PRIMARY KEY,
    device_id      TEXT NOT NULL REFERENCES device(id),
    ledger_size    INTEGER NOT NULL,
    audit_size     INTEGER NOT NULL,
    received_at_ms INTEGER NOT NULL,
    received_by    TEXT NOT NULL REFERENCES operator(id)
) STRICT;

-- When HQ merged a device's person into a person it already held, the event keeps the
-- device's subject id here, because the device hashed that id into its chain.
ALTER TABLE consent_event ADD COLUMN chain_subject_id TEXT;

-- Operators of another vault of the organisation (authors and approvers of HQ's notices
-- on a device, creators of a device's events at HQ): shown by name, never signing in.
ALTER TABLE operator ADD COLUMN origin_device TEXT;

-- Current state must not depend on the order events arrive in from several devices: the
-- latest wins, at the same instant the more protective (withdraw > refuse > grant), and at
-- the same instant and protection the greater event id.
DROP TRIGGER consent_current_track;
CREATE TRIGGER consent_current_track AFTER INSERT ON consent_event
BEGIN
    INSERT INTO consent_current (subject_id, purpose_code, kind, captured_at_ms, protection, event_id)
    VALUES (NEW.subject_id, NEW.purpose_code, NEW.kind, NEW.captured_at_ms,
            CASE NEW.kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END, NEW.id)
    ON CONFLICT (subject_id, purpose_code) DO UPDATE SET
        kind = excluded.kind, captured_at_ms = excluded.captured_at_ms,
        protection = excluded.protection, event_id = excluded.event_id
    WHERE excluded.captured_at_ms > consent_current.captured_at_ms
       OR (excluded.captured_at_ms = consent_current.captured_at_ms
           AND (excluded.protection > consent_current.protection
                OR (excluded.protection = consent_current.protection
                    AND excluded.event_id > consent_current.event_id)));
END;
