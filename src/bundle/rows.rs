//! Rows carried in bundles as JSON objects keyed by column name: read with a query,
//! written back with `INSERT … ON CONFLICT DO NOTHING` into columns the table really has
//! (names are checked against the table, never pasted from the file). BLOB columns travel
//! as base64.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use data_encoding::BASE64;
use rusqlite::types::{Value, ValueRef};
use rusqlite::Connection;
use serde_json::Value as Json;

use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;

/// One row: column → value.
pub type Row = BTreeMap<String, Json>;

/// Runs `sql` and returns its rows as JSON objects.
pub(crate) fn read(conn: &Connection, sql: &str, params: &[&dyn rusqlite::ToSql]) -> Result<Vec<Row>> {
    let ctx = "read rows for a bundle";
    let mut stmt = conn.prepare_cached(sql).storage(ctx)?;
    let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let mut rows = stmt.query(params).storage(ctx)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().storage(ctx)? {
        let mut row = Row::new();
        for (i, name) in names.iter().enumerate() {
            let v = match r.get_ref(i).storage(ctx)? {
                ValueRef::Null => Json::Null,
                ValueRef::Integer(n) => Json::from(n),
                ValueRef::Real(f) => Json::from(f),
                ValueRef::Text(t) => Json::from(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Json::from(BASE64.encode(b)),
            };
            row.insert(name.clone(), v);
        }
        out.push(row);
    }
    Ok(out)
}

/// The table's columns and whether each is a BLOB.
fn columns(conn: &Connection, table: &str) -> Result<BTreeMap<String, bool>> {
    let mut stmt = conn.prepare_cached("SELECT name, type FROM pragma_table_info(?1)").storage("read a table")?;
    let rows = stmt
        .query_map([table], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?.eq_ignore_ascii_case("BLOB"))))
        .storage("read a table")?;
    rows.collect::<rusqlite::Result<_>>().storage("read a table")
}

fn bad(table: &str, why: &str) -> Error {
    msg::BUNDLE_ROW_UNUSABLE.with("table", table).with("detail", why).into()
}

/// Converts a row's values for `table`, whose columns are `cols`; a column the table does
/// not have is refused.
fn values(cols: &BTreeMap<String, bool>, table: &str, row: &Row) -> Result<Vec<(String, Value)>> {
    let mut out = Vec::new();
    for (name, v) in row {
        let Some(&is_blob) = cols.get(name) else {
            return Err(bad(table, &format!("unknown column {name}")));
        };
        let value = match v {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Integer(i64::from(*b)),
            Json::Number(n) => match n.as_i64() {
                Some(i) => Value::Integer(i),
                None => Value::Real(n.as_f64().unwrap_or_default()),
            },
            Json::String(s) if is_blob => {
                Value::Blob(BASE64.decode(s.as_bytes()).map_err(|_| bad(table, &format!("{name} is not base64")))?)
            }
            Json::String(s) => Value::Text(s.clone()),
            _ => return Err(bad(table, &format!("{name} is not a plain value"))),
        };
        out.push((name.clone(), value));
    }
    Ok(out)
}

/// Inserts the row unless its key is already there; returns whether it was inserted.
pub(crate) fn insert_new(conn: &Connection, table: &str, row: &Row) -> Result<bool> {
    Inserter::default().insert_new(conn, table, row)
}

/// Inserts many rows into one connection, reading each table's columns once (reading them
/// again for every row cost about as much as the insert).
#[derive(Default)]
pub(crate) struct Inserter {
    tables: HashMap<String, BTreeMap<String, bool>>,
}

impl Inserter {
    /// Inserts the row unless its key is already there; returns whether it was inserted.
    pub(crate) fn insert_new(&mut self, conn: &Connection, table: &str, row: &Row) -> Result<bool> {
        let cols = match self.tables.entry(table.to_string()) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(columns(conn, table)?),
        };
        let vals = values(cols, table, row)?;
        let names: Vec<&str> = vals.iter().map(|(n, _)| n.as_str()).collect();
        let marks: Vec<String> = (1..=vals.len()).map(|i| format!("?{i}")).collect();
        let sql =
            format!("INSERT INTO {table} ({}) VALUES ({}) ON CONFLICT DO NOTHING", names.join(", "), marks.join(", "));
        let n = conn
            .prepare_cached(&sql)
            .and_then(|mut s| s.execute(rusqlite::params_from_iter(vals.iter().map(|(_, v)| v))))
            .storage("store a row from a bundle")?;
        Ok(n == 1)
    }
}

/// A text field of a row.
pub(crate) fn text<'a>(row: &'a Row, name: &str) -> Option<&'a str> {
    row.get(name).and_then(Json::as_str)
}

/// A blob column (base64 in the bundle's JSON).
pub(crate) fn blob(row: &Row, name: &str) -> Option<Vec<u8>> {
    text(row, name).and_then(|t| BASE64.decode(t.as_bytes()).ok())
}

/// An integer field of a row.
pub(crate) fn int(row: &Row, name: &str) -> Option<i64> {
    row.get(name).and_then(Json::as_i64)
}
