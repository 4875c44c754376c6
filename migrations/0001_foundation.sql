-- Consentry schema v1: vault metadata, devices, operators, catalogue, notices,
-- subjects, the consent ledger and the audit log.
-- Applied migrations are never edited: the runner refuses a vault whose
-- recorded checksum differs from the one embedded in the binary.

CREATE TABLE vault_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE device (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    public_key    BLOB NOT NULL,
    secret_key    BLOB,
    is_local      INTEGER NOT NULL DEFAULT 0 CHECK (is_local IN (0, 1)),
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE UNIQUE INDEX device_one_local ON device(is_local) WHERE is_local = 1;

CREATE TABLE operator (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    name_key       TEXT NOT NULL UNIQUE,
    role           TEXT NOT NULL CHECK (role IN ('admin', 'legal', 'marketer', 'kiosk')),
    created_at_ms  INTEGER NOT NULL,
    disabled_at_ms INTEGER
) STRICT;

CREATE TABLE purpose (
    code             TEXT PRIMARY KEY,
    name_zh          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    legal_basis      TEXT NOT NULL,
    necessary        INTEGER NOT NULL CHECK (necessary IN (0, 1)),
    separate_consent TEXT,
    dpv              TEXT,
    created_at_ms    INTEGER NOT NULL
) STRICT;

CREATE TABLE data_category (
    code           TEXT PRIMARY KEY,
    name_zh        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    sensitive_kind TEXT,
    created_at_ms  INTEGER NOT NULL
) STRICT;

CREATE TABLE notice_version (
    id            TEXT PRIMARY KEY,
    hash          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    language      TEXT NOT NULL CHECK (language IN ('zh-CN', 'en')),
    body          TEXT NOT NULL,
    profile       TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'approved', 'retired')),
    created_by    TEXT NOT NULL REFERENCES operator(id),
    created_at_ms INTEGER NOT NULL
) STRICT;

-- A version that has left the draft state is frozen: only approved -> retired may change.
CREATE TRIGGER notice_version_frozen BEFORE UPDATE ON notice_version
WHEN OLD.state IN ('approved', 'retired')
 AND NOT (OLD.state = 'approved' AND NEW.state = 'retired'
          AND NEW.id IS OLD.id AND NEW.hash IS OLD.hash AND NEW.title IS OLD.title
          AND NEW.language IS OLD.language AND NEW.body IS OLD.body AND NEW.profile IS OLD.profile
          AND NEW.created_by IS OLD.created_by AND NEW.created_at_ms IS OLD.created_at_ms)
BEGIN
    SELECT RAISE(ABORT, 'consentry: an approved notice version is frozen');
END;
CREATE TRIGGER notice_version_keep BEFORE DELETE ON notice_version
WHEN OLD.state IN ('approved', 'retired')
BEGIN
    SELECT RAISE(ABORT, 'consentry: an approved notice version is frozen');
END;

CREATE TABLE subject (
    id            TEXT PRIMARY KEY,
    name          TEXT,
    email         TEXT,
    email_norm    TEXT,
    phone         TEXT,
    phone_norm    TEXT,
    company       TEXT,
    created_at_ms INTEGER NOT NULL,
    erased_at_ms  INTEGER
) STRICT;
CREATE INDEX subject_by_email ON subject(email_norm) WHERE email_norm IS NOT NULL;
CREATE INDEX subject_by_phone ON subject(phone_norm) WHERE phone_norm IS NOT NULL;

CREATE TABLE consent_event (
    id             TEXT PRIMARY KEY,
    device_id      TEXT NOT NULL REFERENCES device(id),
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    prev_hash      BLOB NOT NULL,
    hash           BLOB NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('grant', 'refuse', 'withdraw')),
    subject_id     TEXT NOT NULL REFERENCES subject(id),
    purpose_code   TEXT NOT NULL REFERENCES purpose(code),
    notice_hash    TEXT REFERENCES notice_version(hash),
    language       TEXT,
    captured_at_ms INTEGER NOT NULL,
    utc_offset_min INTEGER NOT NULL,
    operator_id    TEXT NOT NULL,
    method         TEXT NOT NULL,
    evidence       TEXT NOT NULL,
    UNIQUE (device_id, seq)
) STRICT;
CREATE INDEX consent_event_by_subject ON consent_event(subject_id, purpose_code, captured_at_ms);

CREATE TRIGGER consent_event_no_update BEFORE UPDATE ON consent_event
BEGIN
    SELECT RAISE(ABORT, 'consentry: consent events are append-only');
END;
CREATE TRIGGER consent_event_no_delete BEFORE DELETE ON consent_event
BEGIN
    SELECT RAISE(ABORT, 'consentry: consent events are append-only');
END;

CREATE TABLE audit_entry (
    seq            INTEGER PRIMARY KEY CHECK (seq >= 1),
    at_ms          INTEGER NOT NULL,
    utc_offset_min INTEGER NOT NULL,
    actor_id       TEXT NOT NULL,
    actor_name     TEXT NOT NULL,
    action         TEXT NOT NULL,
    target         TEXT NOT NULL,
    detail         TEXT NOT NULL,
    prev_hash      BLOB NOT NULL,
    hash           BLOB NOT NULL
) STRICT;

CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
BEGIN
    SELECT RAISE(ABORT, 'consentry: the audit log is append-only');
END;
CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
BEGIN
    SELECT RAISE(ABORT, 'consentry: the audit log is append-only');
END;
