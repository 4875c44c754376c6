-- Consentry schema v2: notice authoring (processing profiles, templates and clauses,
-- notice revisions with their review workflow).
CREATE TABLE processing_profile (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    rev           INTEGER NOT NULL CHECK (rev >= 1),
    body          TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operator(id),
    created_at_ms INTEGER NOT NULL,
    UNIQUE (name, rev)
) STRICT;
