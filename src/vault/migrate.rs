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
    Migration { version: 12, name: "email_domain", sql: include_str!("../../migrations/0012_email_domain.sql") },
    Migration { version: 13, name: "guardian_masked", sql: include_str!("../../migrations/0013_guardian_masked.sql") },
    Migration { version: 14, name: "verified_heads", sql: include_str!("../../migrations/0014_verified_heads.sql") },
];

/// The newest schema version this binary knows.
pub const SCHEMA_VERSION: i64 = 14;

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

    /// A vault at schema 10 with people, events and receipts: schema 11 keeps the current
    /// state with what readers need beside it, counts what is there, keeps every receipt link
    /// (append-only still), and tracks what comes after.
    #[test]
    fn schema_11_keeps_a_populated_vault_and_tracks_what_follows() {
        let conn = Connection::open_in_memory().unwrap();
        // Rows of this test only (no devices, operators or notices behind them).
        conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
        for m in &MIGRATIONS[..10] {
            let tx = conn.unchecked_transaction().unwrap();
            tx.execute_batch(m.sql).unwrap();
            after(m.version, &tx).unwrap();
            tx.commit().unwrap();
        }
        let event = |id: &str, seq: i64, kind: &str, subject: &str, at: i64, offset: i64, method: &str| {
            conn.execute(
                "INSERT INTO consent_event (id, device_id, seq, prev_hash, hash, kind, subject_id, purpose_code,
                                            notice_hash, language, captured_at_ms, utc_offset_min, operator_id, method, evidence)
                 VALUES (?1, 'd1', ?2, x'00', x'01', ?3, ?4, 'newsletter', CASE ?3 WHEN 'withdraw' THEN NULL ELSE 'h1' END,
                         'zh-CN', ?5, ?6, 'o1', ?7, '')",
                params![id, seq, kind, subject, at, offset, method],
            )
            .unwrap();
        };
        conn.execute_batch(
            "INSERT INTO subject (id, created_at_ms) VALUES ('s1', 0), ('s2', 0), ('s3', 0);
             INSERT INTO receipt (id, kind, subject_id, created_at_ms, utc_offset_min, operator_id)
             VALUES ('R1', 'capture', 's1', 0, 0, 'o1'), ('R2', 'import', 's2', 0, 0, 'o1');",
        )
        .unwrap();
        event("e1", 1, "grant", "s1", 1_000, 480, "kiosk");
        event("e2", 2, "withdraw", "s1", 2_000, 60, "paper");
        event("e3", 3, "grant", "s2", 1_500, 0, "import");
        conn.execute_batch(
            "INSERT INTO receipt_event (receipt_id, event_id) VALUES ('R1', 'e1'), ('R1', 'e2'), ('R2', 'e3');",
        )
        .unwrap();

        conn.execute_batch(MIGRATIONS[10].sql).unwrap();

        type Current = (String, String, i64, Option<String>, String);
        let current = || -> Vec<Current> {
            let mut s = conn
                .prepare(
                    "SELECT subject_id, kind, utc_offset_min, notice_hash, method FROM consent_current ORDER BY subject_id",
                )
                .unwrap();
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        let tally = |name: &str| -> i64 {
            conn.query_row("SELECT n FROM tally WHERE name = ?1", [name], |r| r.get(0)).unwrap()
        };
        assert_eq!(
            current(),
            vec![
                ("s1".into(), "withdraw".into(), 60, None, "paper".into()),
                ("s2".into(), "grant".into(), 0, Some("h1".into()), "import".into()),
            ]
        );
        assert_eq!((tally("subjects"), tally("granted")), (3, 1));
        let links: Vec<(String, String)> = conn
            .prepare("SELECT receipt_id, event_id FROM receipt_event ORDER BY event_id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(links, vec![("R1".into(), "e1".into()), ("R1".into(), "e2".into()), ("R2".into(), "e3".into())]);
        assert!(conn.execute("DELETE FROM receipt_event", []).is_err(), "receipt links stay append-only");
        assert!(conn.execute("UPDATE receipt_event SET receipt_id = 'R2'", []).is_err());
        assert!(conn.execute("INSERT INTO receipt_event VALUES ('R2', 'e1')", []).is_err(), "one receipt per event");
        let views: i64 =
            conn.query_row("SELECT count(*) FROM sqlite_master WHERE type = 'view'", [], |r| r.get(0)).unwrap();
        assert_eq!(views, 0);

        // What follows is tracked: a grant for the third person, the second one withdrawing.
        event("e4", 4, "grant", "s3", 3_000, -300, "import");
        event("e5", 5, "withdraw", "s2", 3_000, 0, "kiosk");
        assert_eq!(
            current(),
            vec![
                ("s1".into(), "withdraw".into(), 60, None, "paper".into()),
                ("s2".into(), "withdraw".into(), 0, None, "kiosk".into()),
                ("s3".into(), "grant".into(), -300, Some("h1".into()), "import".into()),
            ]
        );
        assert_eq!((tally("subjects"), tally("granted")), (3, 1));
        conn.execute("INSERT INTO subject (id, created_at_ms) VALUES ('s4', 0)", []).unwrap();
        assert_eq!(tally("subjects"), 4);
    }
}
