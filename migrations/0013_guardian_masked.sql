-- Consentry schema v13: a child's receipt names the guardian who answered, masked as the
-- person is (`王**`), beside the sealed name: a kiosk or marketer, who never holds the key
-- to the sealed name, can show and print it. Kept as written; erasure clears it. Captures
-- made before this schema have no masked name and their receipts say only that a parent or
-- guardian answered. Applied migrations are never edited.

ALTER TABLE capture_detail ADD COLUMN guardian_masked TEXT;
CREATE TRIGGER capture_detail_masked_keep BEFORE UPDATE OF guardian_masked ON capture_detail
WHEN NEW.guardian_masked IS NOT NULL AND NEW.guardian_masked IS NOT OLD.guardian_masked
BEGIN
    SELECT RAISE(ABORT, 'consentry: capture details are kept as written');
END;
