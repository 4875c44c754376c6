//! The schema as the migrations create it, and how a vault's differs from it: a dropped
//! append-only trigger, an edited view, an index or trigger someone added. The expected
//! schema is made by running this binary's migrations on an empty in-memory database, so it
//! is never written twice.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rusqlite::Connection;

use super::migrate::migrate;
use crate::domain::error::{Error, Result, StorageContext};

/// One way the vault's schema differs from what the migrations create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaDifference {
    /// `table`, `index`, `trigger` or `view`.
    pub kind: String,
    /// The object's name.
    pub name: String,
    /// What is wrong with it.
    pub change: SchemaChange,
}

/// How an object differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaChange {
    /// The migrations create it; the vault lacks it.
    Missing,
    /// The vault's definition differs from the migrations'.
    Altered,
    /// The vault has it; no migration creates it.
    Added,
}

impl SchemaDifference {
    /// A sentence for a person.
    pub fn describe(&self) -> String {
        let what = match self.change {
            SchemaChange::Missing => "is missing",
            SchemaChange::Altered => "differs from the one Consentry creates",
            SchemaChange::Added => "was added outside Consentry",
        };
        format!("The {} {} {what}.", self.kind, self.name)
    }
}

type Objects = BTreeMap<(String, String), String>;

fn objects(conn: &Connection) -> Result<Objects> {
    let ctx = "read the schema";
    let mut stmt = conn
        .prepare(
            "SELECT type, name, coalesce(sql, '') FROM sqlite_schema
             WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
        )
        .storage(ctx)?;
    let rows = stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?))).storage(ctx)?;
    rows.collect::<rusqlite::Result<Objects>>().storage(ctx)
}

/// The schema this binary's migrations create.
fn expected() -> Result<&'static Objects> {
    static EXPECTED: OnceLock<Objects> = OnceLock::new();
    if let Some(e) = EXPECTED.get() {
        return Ok(e);
    }
    let mut conn = Connection::open_in_memory().storage("prepare the schema check")?;
    migrate(&mut conn, 0)?;
    let made = objects(&conn)?;
    Ok(EXPECTED.get_or_init(|| made))
}

/// How the vault's schema differs from what the migrations create; empty when it matches.
pub(crate) fn differences(conn: &Connection) -> Result<Vec<SchemaDifference>> {
    let expected = expected()?;
    let found = objects(conn)?;
    let mut out = Vec::new();
    for ((kind, name), sql) in expected {
        match found.get(&(kind.clone(), name.clone())) {
            None => {
                out.push(SchemaDifference { kind: kind.clone(), name: name.clone(), change: SchemaChange::Missing })
            }
            Some(s) if s != sql => {
                out.push(SchemaDifference { kind: kind.clone(), name: name.clone(), change: SchemaChange::Altered })
            }
            Some(_) => {}
        }
    }
    for (kind, name) in found.keys() {
        if !expected.contains_key(&(kind.clone(), name.clone())) {
            out.push(SchemaDifference { kind: kind.clone(), name: name.clone(), change: SchemaChange::Added });
        }
    }
    Ok(out)
}

/// The version counter SQLite bumps on every schema change: a cheap test of whether the
/// schema may have changed since it was last checked.
pub(crate) fn version(conn: &Connection) -> Result<i64> {
    conn.query_row("PRAGMA schema_version", [], |r| r.get(0)).storage("read the schema version")
}

/// The error that stops writes while the schema differs.
pub(crate) fn altered(differences: &[SchemaDifference]) -> Error {
    Error::SchemaAltered { objects: differences.iter().map(|d| format!("{} {}", d.kind, d.name)).collect() }
}

/// Puts back the triggers, indexes and views the migrations create, as they create them,
/// and removes triggers, indexes and views nobody made; tables cannot be put back this way
/// (their rows would be lost), so they are left and reported. Returns what it could not
/// restore. Runs in the caller's transaction.
pub(crate) fn restore(tx: &rusqlite::Transaction<'_>) -> Result<Vec<SchemaDifference>> {
    let ctx = "restore the schema";
    let expected = expected()?;
    let mut left = Vec::new();
    // Views and triggers may name indexes and each other: drop first, then create.
    let diffs = differences(tx)?;
    for d in &diffs {
        if d.kind == "table" {
            left.push(d.clone());
            continue;
        }
        if d.change != SchemaChange::Missing {
            let drop = format!("DROP {} \"{}\"", d.kind.to_uppercase(), d.name.replace('"', "\"\""));
            tx.execute_batch(&drop).storage(ctx)?;
        }
    }
    for d in &diffs {
        if d.kind == "table" || d.change == SchemaChange::Added {
            continue;
        }
        if let Some(sql) = expected.get(&(d.kind.clone(), d.name.clone())) {
            tx.execute_batch(sql).storage(ctx)?;
        }
    }
    Ok(left)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migrated() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn, 0).unwrap();
        conn
    }

    #[test]
    fn a_fresh_schema_has_no_differences() {
        assert_eq!(differences(&migrated()).unwrap(), vec![]);
        assert!(expected().unwrap().keys().any(|(k, n)| k == "trigger" && n == "consent_event_no_delete"));
    }

    #[test]
    fn each_kind_of_change_is_named_and_restored() {
        let mut conn = migrated();
        conn.execute_batch(
            "DROP TRIGGER consent_event_no_delete;
             DROP TRIGGER tally_subject_added;
             CREATE TRIGGER tally_subject_added AFTER INSERT ON subject BEGIN SELECT 1; END;
             CREATE TRIGGER sneaky AFTER INSERT ON consent_event BEGIN SELECT 1; END;
             CREATE TABLE extra (x);",
        )
        .unwrap();
        let d = differences(&conn).unwrap();
        let named = |k: &str, n: &str, c: SchemaChange| d.iter().any(|x| x.kind == k && x.name == n && x.change == c);
        assert!(named("trigger", "consent_event_no_delete", SchemaChange::Missing), "{d:?}");
        assert!(named("trigger", "tally_subject_added", SchemaChange::Altered), "{d:?}");
        assert!(named("trigger", "sneaky", SchemaChange::Added), "{d:?}");
        assert!(named("table", "extra", SchemaChange::Added), "{d:?}");
        assert_eq!(d.len(), 4);
        let tx = conn.transaction().unwrap();
        let left = restore(&tx).unwrap();
        tx.commit().unwrap();
        assert_eq!(left.iter().map(|x| x.name.as_str()).collect::<Vec<_>>(), vec!["extra"]);
        assert_eq!(differences(&conn).unwrap().len(), 1, "only the added table is left");
    }
}
