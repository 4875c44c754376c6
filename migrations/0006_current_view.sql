-- Consentry schema v6: one reader of each person's current state per purpose. The view
-- joins the trigger-kept `consent_current` (migration 0005: latest event wins, and at the
-- same instant the more protective one, withdraw > refuse > grant) to the event it points
-- at, so status, exports and retention read the same rows and none re-derives them.
-- Applied migrations are never edited.

CREATE VIEW consent_state_now AS
SELECT e.*
FROM consent_current c
JOIN consent_event e ON e.id = c.event_id;
