//! Where the last intact `verify` reached on each chain (migration 0014), so that the next
//! one checks only what was added since: for each chain, how many entries were verified, the
//! hash of the last one (which must still be there, unchanged) and the Merkle frontier of
//! them all (from which the roots of later checkpoints follow without reading the earlier
//! entries again). A full walk starts from nothing and ignores them.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use super::merkle::Tree;
use super::Log;
use crate::domain::error::{Result, StorageContext};

/// Where verification reached on one chain.
#[derive(Debug, Clone)]
pub struct Head {
    /// Entries verified (1 to `size`).
    pub size: u64,
    /// The hash of entry `size` as it was then.
    pub hash: Vec<u8>,
    /// The Merkle tree of entries 1 to `size`, as its frontier.
    pub tree: Tree,
}

/// Where verification reached on every chain, and when.
#[derive(Debug, Clone, Default)]
pub struct Heads {
    /// Per chain: (log, device id). This vault's own audit log is its local device's.
    pub chains: HashMap<(Log, String), Head>,
    /// The newest consent event's row then (the current state is rebuilt for people with
    /// events after it).
    pub event_rowid: i64,
    /// When that verify ran (ms since the epoch); 0 for none.
    pub at_ms: i64,
    /// When the last full walk ran (ms since the epoch); 0 for none.
    pub full_at_ms: i64,
}

impl Heads {
    /// Where verification reached on one chain; `None` to start at its first entry.
    pub fn get(&self, log: Log, device_id: &str) -> Option<&Head> {
        self.chains.get(&(log, device_id.to_string()))
    }

    /// Entries already verified on one chain (0 for none).
    pub fn size(&self, log: Log, device_id: &str) -> u64 {
        self.get(log, device_id).map_or(0, |h| h.size)
    }
}

/// The heads the last intact verify stored; `None` when none was stored, or when a stored
/// frontier does not fit its size (then only a full walk can be trusted).
pub(crate) fn load(conn: &Connection) -> Result<Option<Heads>> {
    let ctx = "read where verify reached";
    let run: Option<(i64, i64, i64)> = conn
        .query_row("SELECT at_ms, event_rowid, full_at_ms FROM verified_run WHERE id = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()
        .storage(ctx)?;
    let Some((at_ms, event_rowid, full_at_ms)) = run else { return Ok(None) };
    let mut stmt = conn.prepare("SELECT log, device_id, size, hash, frontier FROM verified_head").storage(ctx)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get(3)?,
                r.get::<_, Vec<u8>>(4)?,
            ))
        })
        .storage(ctx)?;
    let mut chains = HashMap::new();
    for row in rows {
        let (log, device_id, size, hash, frontier) = row.storage(ctx)?;
        let (Ok(log), Ok(size)) = (log.parse::<Log>(), u64::try_from(size)) else { return Ok(None) };
        let Some(tree) = Tree::resume(size, &frontier) else { return Ok(None) };
        chains.insert((log, device_id), Head { size, hash, tree });
    }
    Ok(Some(Heads { chains, event_rowid, at_ms, full_at_ms }))
}

/// Replaces the stored heads with these, inside the caller's transaction.
pub(crate) fn store(conn: &Connection, heads: &Heads) -> Result<()> {
    let ctx = "record where verify reached";
    conn.execute("DELETE FROM verified_head", []).storage(ctx)?;
    let mut insert = conn
        .prepare("INSERT INTO verified_head (log, device_id, size, hash, frontier) VALUES (?1, ?2, ?3, ?4, ?5)")
        .storage(ctx)?;
    for ((log, device_id), head) in heads.chains.iter().filter(|(_, h)| h.size > 0) {
        let size = i64::try_from(head.size).unwrap_or(i64::MAX);
        insert.execute(params![log.as_str(), device_id, size, head.hash, head.tree.frontier()]).storage(ctx)?;
    }
    conn.execute(
        "INSERT INTO verified_run (id, at_ms, event_rowid, full_at_ms) VALUES (1, ?1, ?2, ?3)
         ON CONFLICT (id) DO UPDATE SET at_ms = excluded.at_ms, event_rowid = excluded.event_rowid,
                                        full_at_ms = excluded.full_at_ms",
        params![heads.at_ms, heads.event_rowid, heads.full_at_ms],
    )
    .storage(ctx)?;
    Ok(())
}
