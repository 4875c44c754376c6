//! The operators table, as the session reads it when a vault is opened.

use rusqlite::{Connection, OptionalExtension};

use crate::domain::error::{Result, StorageContext};
use crate::domain::{name_key, Operator};

/// The operator with this name (compared by [`name_key`]), disabled or not.
pub(crate) fn find_operator(conn: &Connection, name: &str) -> Result<Option<Operator>> {
    conn.query_row(
        "SELECT id, name, role, disabled_at_ms IS NOT NULL FROM operator WHERE name_key = ?1 AND origin_device IS NULL",
        [name_key(name)],
        row_to_operator,
    )
    .optional()
    .storage("find an operator")
}

pub(crate) fn row_to_operator(r: &rusqlite::Row<'_>) -> rusqlite::Result<Operator> {
    Ok(Operator { id: r.get(0)?, name: r.get(1)?, role: super::column(r, 2)?, disabled: r.get(3)? })
}
