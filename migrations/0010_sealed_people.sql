-- Consentry schema v10: personal data sealed by role (脱敏 that holds outside the app).
--
-- A person's details are sealed to the vault's personal-data key, whose private half only
-- admin and legal operators' key slots (and the recovery key) can open: every key slot now
-- has its own X25519 identity, and `personal_data_grant` holds the private personal-data key
-- sealed (age) to each admin or legal slot's public recipient. Kiosk and marketer sessions
-- hold the public half only: they add people (sealing what they type), find them through
-- keyed blind indexes (HMAC-SHA256 under `personal_data_key.index_key`) and show the masked
-- forms, which are stored masked. See src/vault/personal.rs and the README.
--
-- A vault made before this schema keeps its plaintext columns until an admin or legal
-- operator unlocks it (the app says the sealing is pending); then the engine seals every
-- person, clears the plaintext and rewrites the freed pages (secure_delete, VACUUM).
-- Applied migrations are never edited.

-- The vault's personal-data keys. `recipient` is the public half (an age X25519 recipient);
-- NULL while the sealing is pending. `org_recipient` is headquarters' personal-data recipient
-- on an enrolled device, so that what the device seals can be opened at HQ.
CREATE TABLE personal_data_key (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    index_key     BLOB NOT NULL CHECK (length(index_key) = 32),
    recipient     TEXT,
    org_recipient TEXT,
    sealed_at_ms  INTEGER
) STRICT;

-- The private personal-data key, sealed to one key slot's public recipient (admin, legal and
-- the recovery slot only). Deleted when the operator is disabled or leaves those roles.
CREATE TABLE personal_data_grant (
    slot_id       TEXT PRIMARY KEY,
    sealed        BLOB NOT NULL,
    granted_at_ms INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- One field key per session that sealed personal data: random, sealed (age) to the vault's
-- recipient and, on an enrolled device, to headquarters'. The session forgets it when it
-- locks, so a kiosk cannot open later what it sealed earlier.
CREATE TABLE personal_data_seal (
    id            INTEGER PRIMARY KEY,
    sealed_key    BLOB NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;

-- Sealed fields: each is `seal id (8 bytes) || nonce (24) || XChaCha20-Poly1305 ciphertext`,
-- bound to the person and the field. Masked forms for display; blind indexes for lookup.
ALTER TABLE subject ADD COLUMN name_sealed BLOB;
ALTER TABLE subject ADD COLUMN email_sealed BLOB;
ALTER TABLE subject ADD COLUMN phone_sealed BLOB;
ALTER TABLE subject ADD COLUMN company_sealed BLOB;
ALTER TABLE subject ADD COLUMN job_title_sealed BLOB;
ALTER TABLE subject ADD COLUMN name_masked TEXT;
ALTER TABLE subject ADD COLUMN email_masked TEXT;
ALTER TABLE subject ADD COLUMN phone_masked TEXT;
ALTER TABLE subject ADD COLUMN company_masked TEXT;
ALTER TABLE subject ADD COLUMN email_index BLOB;
ALTER TABLE subject ADD COLUMN phone_index BLOB;
CREATE INDEX subject_by_email_index ON subject(email_index) WHERE email_index IS NOT NULL;
CREATE INDEX subject_by_phone_index ON subject(phone_index) WHERE phone_index IS NOT NULL;

-- Blind search terms: HMAC of each prefix a search may type (name, each word of it, email,
-- phone digits) and of each tail of four or more phone digits, looked up exactly.
CREATE TABLE subject_blind_term (
    term       BLOB NOT NULL,
    subject_id TEXT NOT NULL REFERENCES subject(id),
    PRIMARY KEY (term, subject_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX subject_blind_term_by_subject ON subject_blind_term(subject_id);

-- A guardian's name and a signature image, sealed like the person's details. Kept as
-- written, except that erasure clears them and the sealing of an older vault moves the
-- plaintext into them once.
ALTER TABLE capture_detail ADD COLUMN guardian_sealed BLOB;
ALTER TABLE capture_detail ADD COLUMN signature_sealed BLOB;
CREATE TRIGGER capture_detail_sealed_keep BEFORE UPDATE ON capture_detail
WHEN (NEW.guardian_sealed IS NOT NULL AND NEW.guardian_sealed IS NOT OLD.guardian_sealed
      AND NOT (OLD.guardian_sealed IS NULL AND OLD.guardian_name IS NOT NULL AND NEW.guardian_name IS NULL))
  OR (NEW.signature_sealed IS NOT NULL AND NEW.signature_sealed IS NOT OLD.signature_sealed
      AND NOT (OLD.signature_sealed IS NULL AND OLD.signature_png IS NOT NULL AND NEW.signature_png IS NULL))
BEGIN
    SELECT RAISE(ABORT, 'consentry: capture details are kept as written');
END;

-- At HQ, a detail that disagrees with what HQ holds is kept sealed; `value` becomes the
-- hex HMAC of the normalised value (so the same report is kept once).
ALTER TABLE subject_conflict ADD COLUMN value_sealed BLOB;
