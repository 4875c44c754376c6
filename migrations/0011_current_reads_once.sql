-- Consentry schema v11: derived state is read once. Status, exports, retention and event
-- figures read everything they show from `consent_current` (the time's UTC offset, the
-- notice hash and the method are kept beside the event's id, so no join to the ledger is
-- needed, and the `consent_state_now` view that made that join goes), and the home screen's
-- counts are kept by triggers in `tally`, so reading them costs the same at a thousand
-- events and at a million. Two indexes that no longer serve a query become a smaller one,
-- and receipt links need two B-trees instead of three.
-- The rule that picks the current event is schema 8's, unchanged; only what is kept grows.
-- Applied migrations are never edited.

ALTER TABLE consent_current ADD COLUMN utc_offset_min INTEGER NOT NULL DEFAULT 0;
ALTER TABLE consent_current ADD COLUMN notice_hash TEXT;
ALTER TABLE consent_current ADD COLUMN method TEXT NOT NULL DEFAULT '';
UPDATE consent_current
SET (utc_offset_min, notice_hash, method) =
    (SELECT e.utc_offset_min, e.notice_hash, e.method FROM consent_event e WHERE e.id = consent_current.event_id);
DROP VIEW consent_state_now;

DROP TRIGGER consent_current_track;
CREATE TRIGGER consent_current_track AFTER INSERT ON consent_event
BEGIN
    INSERT INTO consent_current (subject_id, purpose_code, kind, captured_at_ms, protection, event_id,
                                 utc_offset_min, notice_hash, method)
    SELECT * FROM (
        SELECT e.subject_id, e.purpose_code, e.kind, e.captured_at_ms,
               CASE e.kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END AS protection, e.id,
               e.utc_offset_min, e.notice_hash, e.method
        FROM consent_event e,
             (SELECT id AS latest_id, device_id AS latest_device, captured_at_ms AS latest_at
              FROM consent_event
              WHERE subject_id = NEW.subject_id AND purpose_code = NEW.purpose_code
              ORDER BY captured_at_ms DESC,
                       CASE kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END DESC,
                       id DESC
              LIMIT 1) AS latest
        WHERE e.subject_id = NEW.subject_id AND e.purpose_code = NEW.purpose_code
          AND (e.id = latest.latest_id
               OR (e.device_id <> latest.latest_device AND e.captured_at_ms >= latest.latest_at - 600000))
        ORDER BY protection DESC, e.captured_at_ms DESC, e.id DESC
        LIMIT 1
    ) WHERE true
    ON CONFLICT (subject_id, purpose_code) DO UPDATE SET
        kind = excluded.kind, captured_at_ms = excluded.captured_at_ms,
        protection = excluded.protection, event_id = excluded.event_id,
        utc_offset_min = excluded.utc_offset_min, notice_hash = excluded.notice_hash, method = excluded.method;
END;

-- The home screen's counts: people, and consents in force (current state `grant`).
CREATE TABLE tally (
    name TEXT PRIMARY KEY,
    n    INTEGER NOT NULL CHECK (n >= 0)
) STRICT, WITHOUT ROWID;
INSERT INTO tally (name, n) SELECT 'subjects', count(*) FROM subject;
INSERT INTO tally (name, n) SELECT 'granted', count(*) FROM consent_current WHERE kind = 'grant';

CREATE TRIGGER tally_subject_added AFTER INSERT ON subject
BEGIN
    UPDATE tally SET n = n + 1 WHERE name = 'subjects';
END;
CREATE TRIGGER tally_subject_removed AFTER DELETE ON subject
BEGIN
    UPDATE tally SET n = n - 1 WHERE name = 'subjects';
END;
CREATE TRIGGER tally_granted_added AFTER INSERT ON consent_current WHEN NEW.kind = 'grant'
BEGIN
    UPDATE tally SET n = n + 1 WHERE name = 'granted';
END;
CREATE TRIGGER tally_granted_changed AFTER UPDATE OF kind ON consent_current
WHEN (OLD.kind = 'grant') <> (NEW.kind = 'grant')
BEGIN
    UPDATE tally SET n = n + CASE WHEN NEW.kind = 'grant' THEN 1 ELSE -1 END WHERE name = 'granted';
END;
CREATE TRIGGER tally_granted_removed AFTER DELETE ON consent_current WHEN OLD.kind = 'grant'
BEGIN
    UPDATE tally SET n = n - 1 WHERE name = 'granted';
END;

-- The consents-in-force count is kept above, so nothing looks the table up by kind; and the
-- only query on events by kind and time is the count of recent withdrawals, which a partial
-- index over withdrawals alone serves (one entry per withdrawal, not per event).
DROP INDEX consent_current_by_kind;
DROP INDEX consent_event_by_kind_time;
CREATE INDEX consent_event_withdrawn_at ON consent_event(captured_at_ms) WHERE kind = 'withdraw';

-- Receipt links: each event is on one receipt, so the link is keyed by the event alone, in a
-- table without a rowid, with one index by receipt: two B-trees per link where the table
-- with its own rowid, its two-column primary key and its unique event column kept three.
-- Same columns, same order; the append-only triggers go with the old table and are made again.
CREATE TABLE receipt_event_keyed (
    receipt_id TEXT NOT NULL REFERENCES receipt(id),
    event_id   TEXT NOT NULL REFERENCES consent_event(id),
    PRIMARY KEY (event_id)
) STRICT, WITHOUT ROWID;
INSERT INTO receipt_event_keyed (receipt_id, event_id) SELECT receipt_id, event_id FROM receipt_event;
DROP TABLE receipt_event;
ALTER TABLE receipt_event_keyed RENAME TO receipt_event;
CREATE INDEX receipt_event_by_receipt ON receipt_event(receipt_id);
CREATE TRIGGER receipt_event_no_update BEFORE UPDATE ON receipt_event
BEGIN
    SELECT RAISE(ABORT, 'consentry: receipts are append-only');
END;
CREATE TRIGGER receipt_event_no_delete BEFORE DELETE ON receipt_event
BEGIN
    SELECT RAISE(ABORT, 'consentry: receipts are append-only');
END;
