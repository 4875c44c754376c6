-- Consentry schema v5: each person's current state per purpose, kept by a trigger as events
-- are appended, so counts need no scan of the whole ledger. It is derived data (the ledger
-- stays the record; status, history and exports read the ledger): the latest event wins, and
-- at the same instant the more protective one (withdraw > refuse > grant), exactly as
-- `ledger::status::PROTECTION` orders them. A test checks the two agree.
-- Applied migrations are never edited.

CREATE TABLE consent_current (
    subject_id     TEXT NOT NULL,
    purpose_code   TEXT NOT NULL,
    kind           TEXT NOT NULL,
    captured_at_ms INTEGER NOT NULL,
    protection     INTEGER NOT NULL,
    event_id       TEXT NOT NULL,
    PRIMARY KEY (subject_id, purpose_code)
) STRICT, WITHOUT ROWID;
CREATE INDEX consent_current_by_kind ON consent_current(kind);

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
           AND excluded.protection > consent_current.protection);
END;

INSERT INTO consent_current (subject_id, purpose_code, kind, captured_at_ms, protection, event_id)
SELECT subject_id, purpose_code, kind, captured_at_ms, protection, id FROM (
    SELECT subject_id, purpose_code, kind, captured_at_ms, id,
           CASE kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END AS protection,
           row_number() OVER (PARTITION BY subject_id, purpose_code
                              ORDER BY captured_at_ms DESC,
                                       CASE kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END DESC) AS rn
    FROM consent_event
) WHERE rn = 1;

CREATE INDEX consent_event_by_kind_time ON consent_event(kind, captured_at_ms);
