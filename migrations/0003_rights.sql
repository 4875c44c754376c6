-- Consentry schema v3: data-subject rights. Search terms for finding people by prefix,
-- pseudonymous hashes kept after erasure, receipts (which events were recorded together),
-- and retention rules per purpose.
-- Applied migrations are never edited.

-- What is left of an erased person: SHA-256 of the normalised email and phone, so that the
-- suppression list keeps working and a re-import can be matched without the address.
ALTER TABLE subject ADD COLUMN email_sha256 TEXT;
ALTER TABLE subject ADD COLUMN phone_sha256 TEXT;
CREATE INDEX subject_by_email_sha256 ON subject(email_sha256) WHERE email_sha256 IS NOT NULL;
CREATE INDEX subject_by_created ON subject(created_at_ms);

-- Prefix search: one row per searchable term of a person ("n:" name or name word,
-- "e:" normalised email, "p:" phone digits, "s:" each tail of 4+ phone digits), searched with
-- range queries (term >= prefix AND term < prefix's successor) on the primary key.
-- Filled by the engine (NFKC, lower case) when a person is added or completed; emptied on erasure.
CREATE TABLE subject_term (
    term       TEXT NOT NULL,
    subject_id TEXT NOT NULL REFERENCES subject(id),
    PRIMARY KEY (term, subject_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX subject_term_by_subject ON subject_term(subject_id);

-- A receipt groups the events recorded together: one capture of a person, one withdrawal,
-- or one person's rows of an import. Its id is short enough to read out on the phone.
CREATE TABLE receipt (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL CHECK (kind IN ('capture', 'withdrawal', 'import')),
    subject_id     TEXT NOT NULL REFERENCES subject(id),
    created_at_ms  INTEGER NOT NULL,
    utc_offset_min INTEGER NOT NULL,
    operator_id    TEXT NOT NULL
) STRICT;
CREATE INDEX receipt_by_subject ON receipt(subject_id);

CREATE TABLE receipt_event (
    receipt_id TEXT NOT NULL REFERENCES receipt(id),
    event_id   TEXT NOT NULL UNIQUE REFERENCES consent_event(id),
    PRIMARY KEY (receipt_id, event_id)
) STRICT;

CREATE TRIGGER receipt_no_update BEFORE UPDATE ON receipt
BEGIN
    SELECT RAISE(ABORT, 'consentry: receipts are append-only');
END;
CREATE TRIGGER receipt_no_delete BEFORE DELETE ON receipt
BEGIN
    SELECT RAISE(ABORT, 'consentry: receipts are append-only');
END;
CREATE TRIGGER receipt_event_no_update BEFORE UPDATE ON receipt_event
BEGIN
    SELECT RAISE(ABORT, 'consentry: receipts are append-only');
END;
CREATE TRIGGER receipt_event_no_delete BEFORE DELETE ON receipt_event
BEGIN
    SELECT RAISE(ABORT, 'consentry: receipts are append-only');
END;

-- How long consent for a purpose holds before it is due for review (re-consent), and how
-- long after it was given, refused or withdrawn the person's data is due for deletion.
CREATE TABLE retention_rule (
    purpose_code  TEXT PRIMARY KEY REFERENCES purpose(code),
    review_days   INTEGER CHECK (review_days IS NULL OR review_days >= 1),
    delete_days   INTEGER CHECK (delete_days IS NULL OR delete_days >= 1),
    updated_at_ms INTEGER NOT NULL,
    updated_by    TEXT NOT NULL REFERENCES operator(id)
) STRICT;
