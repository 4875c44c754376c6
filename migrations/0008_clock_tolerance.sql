-- Consentry schema v8: when two devices' clocks disagree, the more protective state stands.
-- Events about one person and purpose recorded on different devices within ten minutes of
-- each other (the clock tolerance, `ledger::CLOCK_TOLERANCE_MS`) cannot be put in order by
-- their times: a tablet's clock may be minutes off. Between such events the more protective
-- one (withdraw > refuse > grant) stands. On one device the order is the device's own, so a
-- person who withdraws and grants again at the same stand is granted.
--
-- The rule, as a function of the set of events of one person and purpose (so import order
-- never changes it):
--   L = the latest event (by time, then withdraw > refuse > grant, then the greater id);
--   the state is that of the most protective event among L and the events of other devices
--   recorded no earlier than L's time minus the tolerance (then the later, then the greater id).
-- Applied migrations are never edited.

DROP TRIGGER consent_current_track;
CREATE TRIGGER consent_current_track AFTER INSERT ON consent_event
BEGIN
    INSERT INTO consent_current (subject_id, purpose_code, kind, captured_at_ms, protection, event_id)
    SELECT * FROM (
        SELECT e.subject_id, e.purpose_code, e.kind, e.captured_at_ms,
               CASE e.kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END AS protection, e.id
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
        protection = excluded.protection, event_id = excluded.event_id;
END;

-- Existing rows by the same rule.
DELETE FROM consent_current;
INSERT INTO consent_current (subject_id, purpose_code, kind, captured_at_ms, protection, event_id)
SELECT subject_id, purpose_code, kind, captured_at_ms, protection, id FROM (
    SELECT e.subject_id, e.purpose_code, e.kind, e.captured_at_ms, e.id,
           CASE e.kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END AS protection,
           row_number() OVER (PARTITION BY e.subject_id, e.purpose_code
                              ORDER BY CASE e.kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END DESC,
                                       e.captured_at_ms DESC, e.id DESC) AS rn
    FROM consent_event e
    JOIN (SELECT subject_id, purpose_code, id AS latest_id, device_id AS latest_device,
                 captured_at_ms AS latest_at
          FROM (SELECT subject_id, purpose_code, id, device_id, captured_at_ms,
                       row_number() OVER (PARTITION BY subject_id, purpose_code
                                          ORDER BY captured_at_ms DESC,
                                                   CASE kind WHEN 'withdraw' THEN 2 WHEN 'refuse' THEN 1 ELSE 0 END DESC,
                                                   id DESC) AS n
                FROM consent_event)
          WHERE n = 1) latest
      ON latest.subject_id = e.subject_id AND latest.purpose_code = e.purpose_code
    WHERE e.id = latest.latest_id
       OR (e.device_id <> latest.latest_device AND e.captured_at_ms >= latest.latest_at - 600000)
) WHERE rn = 1;
