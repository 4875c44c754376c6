-- Consentry schema v4: offline capture at events (trade shows). An event names the approved
-- notice version it shows, the languages offered and the person fields collected; each
-- kiosk or paper capture keeps, beside its receipt, the event, the guardian's name for a
-- child under 14 and the person's signature image (whose SHA-256 is in the ledger events'
-- hashed evidence). Applied migrations are never edited.

CREATE TABLE event (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    venue          TEXT NOT NULL,
    starts_on      TEXT NOT NULL,
    ends_on        TEXT NOT NULL,
    notice_name    TEXT NOT NULL REFERENCES notice(name),
    notice_number  INTEGER NOT NULL,
    languages      TEXT NOT NULL,
    fields         TEXT NOT NULL,
    device_name    TEXT NOT NULL,
    idle_reset_s   INTEGER NOT NULL CHECK (idle_reset_s BETWEEN 15 AND 600),
    signature      INTEGER NOT NULL CHECK (signature IN (0, 1)),
    created_by     TEXT NOT NULL REFERENCES operator(id),
    created_at_ms  INTEGER NOT NULL,
    updated_at_ms  INTEGER NOT NULL,
    closed_at_ms   INTEGER,
    CHECK (ends_on >= starts_on)
) STRICT;

ALTER TABLE subject ADD COLUMN job_title TEXT;

CREATE TABLE capture_detail (
    receipt_id       TEXT PRIMARY KEY REFERENCES receipt(id),
    event_id         TEXT REFERENCES event(id),
    guardian_name    TEXT,
    signature_png    BLOB,
    signature_sha256 TEXT,
    paper_ref        TEXT
) STRICT;
CREATE INDEX capture_detail_by_event ON capture_detail(event_id);

-- Kept as written, except that erasure may clear the personal data in it (the guardian's
-- name and the signature image); the signature's hash stays, as in the ledger.
CREATE TRIGGER capture_detail_keep BEFORE UPDATE ON capture_detail
WHEN NEW.receipt_id IS NOT OLD.receipt_id OR NEW.event_id IS NOT OLD.event_id
  OR NEW.signature_sha256 IS NOT OLD.signature_sha256 OR NEW.paper_ref IS NOT OLD.paper_ref
  OR (NEW.guardian_name IS NOT NULL AND NEW.guardian_name IS NOT OLD.guardian_name)
  OR (NEW.signature_png IS NOT NULL AND NEW.signature_png IS NOT OLD.signature_png)
BEGIN
    SELECT RAISE(ABORT, 'consentry: capture details are kept as written');
END;
CREATE TRIGGER capture_detail_no_delete BEFORE DELETE ON capture_detail
BEGIN
    SELECT RAISE(ABORT, 'consentry: capture details are kept as written');
END;
