-- Consentry schema v2: notice authoring. Processing profiles and templates are versioned
-- by revision (each save is a new row; the newest is current). A notice groups its
-- versions; each version holds the profile snapshot it was rendered from and its wording
-- in both languages, and moves draft -> in_review -> approved -> retired. Leaving the
-- draft state freezes a version's content; approval also registers each language's text
-- in notice_version (v1), which consent events point at by hash.

CREATE TABLE processing_profile (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    rev           INTEGER NOT NULL CHECK (rev >= 1),
    body          TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operator(id),
    created_at_ms INTEGER NOT NULL,
    UNIQUE (name, rev)
) STRICT;

CREATE TABLE template_source (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('notice', 'clause')),
    rev           INTEGER NOT NULL CHECK (rev >= 1),
    title_zh      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    source_zh     TEXT NOT NULL,
    source_en     TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operator(id),
    created_at_ms INTEGER NOT NULL,
    UNIQUE (name, rev)
) STRICT;

-- Revisions are history: never edited or deleted.
CREATE TRIGGER processing_profile_keep BEFORE UPDATE ON processing_profile
BEGIN SELECT RAISE(ABORT, 'consentry: profile revisions are kept as written'); END;
CREATE TRIGGER processing_profile_no_delete BEFORE DELETE ON processing_profile
BEGIN SELECT RAISE(ABORT, 'consentry: profile revisions are kept as written'); END;
CREATE TRIGGER template_source_keep BEFORE UPDATE ON template_source
BEGIN SELECT RAISE(ABORT, 'consentry: template revisions are kept as written'); END;
CREATE TRIGGER template_source_no_delete BEFORE DELETE ON template_source
BEGIN SELECT RAISE(ABORT, 'consentry: template revisions are kept as written'); END;

CREATE TABLE notice (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    title_zh      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES operator(id),
    created_at_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE notice_revision (
    id             TEXT PRIMARY KEY,
    notice_id      TEXT NOT NULL REFERENCES notice(id),
    number         INTEGER NOT NULL CHECK (number >= 1),
    state          TEXT NOT NULL CHECK (state IN ('draft', 'in_review', 'approved', 'retired')),
    profile_name   TEXT NOT NULL,
    profile_rev    INTEGER NOT NULL,
    profile        TEXT NOT NULL,
    template_name  TEXT NOT NULL,
    template_rev   INTEGER NOT NULL,
    text_zh        TEXT NOT NULL,
    text_en        TEXT NOT NULL,
    form           TEXT NOT NULL,
    hash_zh        TEXT NOT NULL,
    hash_en        TEXT NOT NULL,
    author_id      TEXT NOT NULL REFERENCES operator(id),
    created_at_ms  INTEGER NOT NULL,
    updated_at_ms  INTEGER NOT NULL,
    approved_by    TEXT REFERENCES operator(id),
    approved_at_ms INTEGER,
    retired_at_ms  INTEGER,
    UNIQUE (notice_id, number)
) STRICT;
CREATE UNIQUE INDEX notice_revision_one_open ON notice_revision(notice_id) WHERE state IN ('draft', 'in_review');

-- Content may change only while a version is a draft. Out of draft, only these state
-- changes are allowed, with every content column unchanged: in_review -> draft (rejected),
-- in_review -> approved (with approver), approved -> retired.
CREATE TRIGGER notice_revision_frozen BEFORE UPDATE ON notice_revision
WHEN OLD.state <> 'draft'
 AND NOT (
        NEW.id IS OLD.id AND NEW.notice_id IS OLD.notice_id AND NEW.number IS OLD.number
    AND NEW.profile_name IS OLD.profile_name AND NEW.profile_rev IS OLD.profile_rev AND NEW.profile IS OLD.profile
    AND NEW.template_name IS OLD.template_name AND NEW.template_rev IS OLD.template_rev
    AND NEW.text_zh IS OLD.text_zh AND NEW.text_en IS OLD.text_en AND NEW.form IS OLD.form
    AND NEW.hash_zh IS OLD.hash_zh AND NEW.hash_en IS OLD.hash_en
    AND NEW.author_id IS OLD.author_id AND NEW.created_at_ms IS OLD.created_at_ms
    AND NEW.updated_at_ms IS OLD.updated_at_ms
    AND (   (OLD.state = 'in_review' AND NEW.state = 'draft' AND NEW.approved_by IS NULL)
         OR (OLD.state = 'in_review' AND NEW.state = 'approved' AND NEW.approved_by IS NOT NULL
             AND NEW.approved_by IS NOT OLD.author_id AND NEW.approved_at_ms IS NOT NULL)
         OR (OLD.state = 'approved' AND NEW.state = 'retired'
             AND NEW.approved_by IS OLD.approved_by AND NEW.approved_at_ms IS OLD.approved_at_ms
             AND NEW.retired_at_ms IS NOT NULL))
 )
BEGIN
    SELECT RAISE(ABORT, 'consentry: a notice version out of draft is frozen');
END;
CREATE TRIGGER notice_revision_keep BEFORE DELETE ON notice_revision
WHEN OLD.state <> 'draft'
BEGIN
    SELECT RAISE(ABORT, 'consentry: a notice version out of draft is frozen');
END;
-- A draft cannot be written straight into a later state.
CREATE TRIGGER notice_revision_born_draft BEFORE INSERT ON notice_revision
WHEN NEW.state <> 'draft' OR NEW.approved_by IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'consentry: a notice version starts as a draft');
END;

CREATE TABLE notice_comment (
    id            TEXT PRIMARY KEY,
    revision_id   TEXT NOT NULL REFERENCES notice_revision(id),
    author_id     TEXT NOT NULL REFERENCES operator(id),
    verdict       TEXT NOT NULL CHECK (verdict IN ('comment', 'submit', 'reject', 'approve', 'retire')),
    body          TEXT NOT NULL,
    created_at_ms INTEGER NOT NULL
) STRICT;
CREATE INDEX notice_comment_by_revision ON notice_comment(revision_id, created_at_ms);
CREATE TRIGGER notice_comment_no_update BEFORE UPDATE ON notice_comment
BEGIN SELECT RAISE(ABORT, 'consentry: review comments are kept as written'); END;
CREATE TRIGGER notice_comment_no_delete BEFORE DELETE ON notice_comment
BEGIN SELECT RAISE(ABORT, 'consentry: review comments are kept as written'); END;
