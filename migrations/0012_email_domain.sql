-- Consentry schema v12: people are found by their e-mail domain. The masked e-mail kept
-- beside the sealed one (`z***@example.com`, schema 10) shows the domain to everyone who may
-- search, so an index on the part after the `@` (then the id: newest first) finds
-- "@example.com" without a scan and
-- without opening a sealed value; no term is added, and nothing needs the personal-data key.
-- Applied migrations are never edited.

CREATE INDEX subject_email_domain ON subject (substr(email_masked, instr(email_masked, '@') + 1), id);
