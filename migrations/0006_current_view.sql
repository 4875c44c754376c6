-- Consentry schema v6: one reader of each person's current state per purpose. The view
-- joins the trigger-kept `consent_current` (migration 0005: latest event wins, and at the
-- same instant the more protective one, withdraw > refuse > grant) to the event it points
-- at, so status, exports and retention read the same rows and none re-derives them.
-- Applied migrations are never edited.

-- The person and purpose come from `consent_current`, so that a filter on them uses its
-- primary key (with `e.*` the planner scanned the whole table for one person's status).
CREATE VIEW consent_state_now AS
SELECT c.subject_id, c.purpose_code, e.id, e.device_id, e.seq, e.prev_hash, e.hash, e.kind,
       e.notice_hash, e.language, e.captured_at_ms, e.utc_offset_min, e.operator_id, e.method,
       e.evidence
FROM consent_current c
JOIN consent_event e ON e.id = c.event_id;
