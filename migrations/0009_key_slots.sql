-- Consentry schema v9: which key-slot file is in force. A key-slot change (passphrase change,
-- reset, operator added or disabled) writes the new file as `<vault>.keys.next` and records its
-- SHA-256 here in the same transaction as the change and its audit entry; after the commit it
-- replaces `<vault>.keys`. After a kill, this row says which of the two files is in force
-- (src/vault/staged.rs). No row: `<vault>.keys` is. Applied migrations are never edited.

CREATE TABLE key_slots_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    sha256        TEXT NOT NULL,
    changed_at_ms INTEGER NOT NULL
) STRICT;
