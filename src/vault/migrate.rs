//! Versioned schema migrations, embedded in the binary. Each applied migration's SHA-256
//! is recorded; a vault whose recorded checksum differs from the embedded one (an edited
//! migration) or whose version is newer than this binary is refused before anything runs.

use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::canonical::sha256_hex;
use crate::domain::error::{Error, Result, StorageContext};

struct Migration {
    version: i64,
    name: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration { version: 1, name: "foundation", sql: include_str!("../../migrations/0001_foundation.sql") },
    Migration { version: 2, name: "authoring", sql: include_str!("../../migrations/0002_authoring.sql") },
    Migration { version: 3, name: "rights", sql: include_str!("../../migrations/0003_rights.sql") },
    Migration { version: 4, name: "capture", sql: include_str!("../../migrations/0004_capture.sql") },
    Migration { version: 5, name: "current", sql: include_str!("../../migrations/0005_current.sql") },
    Migration { version: 6, name: "current_view", sql: include_str!("../../migrations/0006_current_view.sql") },
    Migration { version: 7, name: "organisation", sql: include_str!("../../migrations/0007_organisation.sql") },
    Migration { version: 8, name: "clock_tolerance", sql: include_str!("../../migrations/0008_clock_tolerance.sql") },
    Migration { version: 9, name: "key_slots", sql: include_str!("../../migrations/0009_key_slots.sql") },
    Migration { version: 10, name: "sealed_people", sql: include_str!("../../migrations/0010_sealed_people.sql") },
    Migration {
        version: 11,
        name: "current_reads_once",
        sql: include_str!("../../migrations/0011_current_reads_once.sql"),
    },
];

/// The newest schema version this binary knows.
pub const SCHEMA_VERSION: i64 = 11;

/// The SQL of each migration, oldest first: for a benchmark's baseline that builds the same
/// schema by hand, so that it can never fall behind the engine's.
pub fn migration_sql() -> impl Iterator<Item = &'static str> {
    MIGRATIONS.iter().map(|m| m.sql)
}

/// Brings the schema up to date, refusing edited migrations and newer schemas.
pub(crate) fn migrate(conn: &mut Connection, now_ms: i64) -> Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migration (
             version INTEGER PRIMARY KEY,
             name TEXT NOT NULL,
             sha256 TEXT NOT NULL,
             applied_at_ms INTEGER NOT NULL
         ) STRICT;",
    )
    .storage("prepare the schema table")?;
    let newest: Option<i64> = conn
        .query_row("SELECT max(version) FROM schema_migration", [], |r| r.get(0))
        .optional()
        .storage("read the schema version")?
        .flatten();
    if let Some(found) = newest {
        if found > SCHEMA_VERSION {
            return Err(Error::SchemaTooNew { found, supported: SCHEMA_VERSION });
        }
    }
    for m in MIGRATIONS {
        let recorded: Option<String> = conn
            .query_row("SELECT sha256 FROM schema_migration WHERE version = ?1", [m.version], |r| r.get(0))
            .optional()
            .storage("read the schema version")?;
        let sum = sha256_hex(m.sql.as_bytes());
        match recorded {
            Some(r) if r == sum => continue,
            Some(_) => return Err(Error::MigrationEdited { version: m.version }),
            None => {
                let tx = conn.transaction().storage("start a migration")?;
                tx.execute_batch(m.sql).storage("apply a migration")?;
                after(m.version, &tx)?;
                tx.execute(
                    "INSERT INTO schema_migration (version, name, sha256, applied_at_ms) VALUES (?1, ?2, ?3, ?4)",
                    params![m.version, m.name, sum, now_ms],
                )
                .storage("record a migration")?;
                tx.commit().storage("commit a migration")?;
            }
        }
    }
    Ok(())
}

/// Work a migration needs that SQL cannot do, in the migration's transaction.
fn after(version: i64, tx: &rusqlite::Transaction<'_>) -> Result<()> {
    match version {
        // Blind search terms need the index key, made here, and Unicode normalisation: fill
        // them (and the masked forms) for people already in the vault. (Schema 3's plaintext
        // terms are no longer made; schema 10 replaces them.)
        10 => super::search_index::migrate_to_blind(tx),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_contiguous_and_latest_matches() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }

    #[test]
    fn edited_and_newer_schemas_are_refused() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, 0).unwrap();
        migrate(&mut conn, 0).unwrap();
        conn.execute("UPDATE schema_migration SET sha256 = 'x' WHERE version = 1", []).unwrap();
        assert!(matches!(migrate(&mut conn, 0), Err(Error::MigrationEdited { version: 1 })));
        conn.execute("INSERT INTO schema_migration VALUES (99, 'future', 'y', 0)", []).unwrap();
        assert!(matches!(migrate(&mut conn, 0), Err(Error::SchemaTooNew { found: 99, supported: SCHEMA_VERSION })));
    }
}
