//! Signed checkpoints of a vault's two chains, the consent ledger and the audit log, in
//! the C2SP `tlog-checkpoint` form (origin, size, RFC 6962 Merkle root) carried as a C2SP
//! signed note, and the cosignatures headquarters adds as witness.
//!
//! A leaf is the SHA-256 of the entry's own hash (an event's or an audit entry's), so the
//! tree commits to the exact chain. A device signs at each bundle it saves and each lock;
//! headquarters cosigns what it accepted; `verify` then holds each chain to every
//! checkpoint stored for it, so that once headquarters has cosigned a size, nobody can drop
//! or rewrite those entries on the device without the device's own `verify` (and the next
//! import at headquarters) saying so.
//!
//! The Merkle and note code is written here, against the specifications, because it is
//! small and its byte formats are what a verifier in another language must reproduce (the
//! Rust crates that exist for it are young and pull in tile storage we do not use).

pub mod heads;
pub mod merkle;
pub mod note;

use rusqlite::{params, Connection, OptionalExtension};

use crate::domain::error::{Error, Result, StorageContext};
use crate::domain::messages as msg;
use crate::domain::string_enum;
use crate::domain::{Place, Problem};
pub use heads::{Head, Heads};
pub use merkle::{Hash, Tree};
pub use note::{Checkpoint, Note};

string_enum!(
    /// Which of a vault's two chains.
    Log, "log (ledger or audit)", {
        /// The consent ledger.
        Ledger => "ledger",
        /// The audit log.
        Audit => "audit",
    }
);

/// The origin line (and key name) of a device's checkpoints of one chain.
pub fn origin(device_id: &str, log: Log) -> String {
    format!("consentry/device/{device_id}/{}", log.as_str())
}

/// The key name a device signs its bundles with.
pub fn device_name(device_id: &str) -> String {
    format!("consentry/device/{device_id}")
}

/// The key name headquarters signs bundles and cosignatures with.
pub fn hq_name(organisation_id: &str) -> String {
    format!("consentry/hq/{organisation_id}")
}

/// The leaves of one device's chain as this vault holds it, in order: the device's events,
/// this vault's own audit log (`local`), or another device's audit log (at headquarters).
pub(crate) fn leaves(conn: &Connection, device_id: &str, log: Log, local: bool) -> Result<Vec<Hash>> {
    let ctx = "read a chain for its checkpoint";
    let mut stmt = match (log, local) {
        (Log::Ledger, _) => conn.prepare_cached("SELECT hash FROM consent_event WHERE device_id = ?1 ORDER BY seq"),
        (Log::Audit, true) => conn.prepare_cached("SELECT hash FROM audit_entry WHERE ?1 IS NOT NULL ORDER BY seq"),
        (Log::Audit, false) => {
            conn.prepare_cached("SELECT hash FROM device_audit_entry WHERE device_id = ?1 ORDER BY seq")
        }
    }
    .storage(ctx)?;
    let rows = stmt.query_map([device_id], |r| r.get::<_, Vec<u8>>(0)).storage(ctx)?;
    let mut out = Vec::new();
    for h in rows {
        out.push(merkle::leaf_hash(&h.storage(ctx)?));
    }
    Ok(out)
}

/// The root of the first `size` leaves, or `None` when there are fewer.
pub(crate) fn root_at(leaves: &[Hash], size: u64) -> Option<Hash> {
    let n = usize::try_from(size).ok()?;
    (n <= leaves.len()).then(|| merkle::root(&leaves[..n]))
}

/// A checkpoint this vault signed of one of its own chains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed {
    /// Which chain.
    pub log: Log,
    /// How many entries it covers.
    pub size: u64,
    /// The signed note, as text.
    pub note: String,
}

/// This vault's device id and signing key.
pub(crate) fn local_key(conn: &Connection) -> Result<(String, ed25519_dalek::SigningKey)> {
    let (id, secret): (String, zeroize::Zeroizing<Vec<u8>>) = conn
        .query_row("SELECT id, secret_key FROM device WHERE is_local = 1", [], |r| {
            Ok((r.get(0)?, zeroize::Zeroizing::new(r.get(1)?)))
        })
        .storage("read this device's key")?;
    let bytes: [u8; 32] =
        secret.as_slice().try_into().map_err(|_| Error::from(msg::DAMAGED.term("part", &msg::PART_OWN_KEY)))?;
    Ok((id, ed25519_dalek::SigningKey::from_bytes(&bytes)))
}

/// Signs checkpoints of this vault's ledger and audit log as they stand, inside the
/// caller's transaction; a size already signed is returned as it was signed. Refuses to
/// sign a size whose root differs from the one signed before (the chain was rewritten).
pub(crate) fn sign_local(conn: &Connection, now_ms: i64) -> Result<Vec<Signed>> {
    let (device_id, key) = local_key(conn)?;
    let mut out = Vec::new();
    for log in Log::ALL.iter().copied() {
        let leaves = leaves(conn, &device_id, log, true)?;
        let size = leaves.len() as u64;
        let root = merkle::root(&leaves);
        // Never sign a statement that contradicts the last one: the chain must still hold
        // every entry the largest earlier checkpoint covers, unchanged.
        let last: Option<(i64, Vec<u8>, String)> = conn
            .query_row(
                "SELECT size, root, note FROM checkpoint WHERE device_id = ?1 AND log = ?2 ORDER BY size DESC LIMIT 1",
                params![device_id, log.as_str()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .storage("sign a checkpoint")?;
        if let Some((m, r, _)) = &last {
            if root_at(&leaves, *m as u64).map(|x| x.to_vec()).as_ref() != Some(r) {
                return Err(msg::OWN_LOG_DIVERGED.term("log", msg::log(log.as_str())).with("size", m).into());
            }
        }
        let note = match last {
            Some((m, _, note)) if m as u64 == size => note,
            _ => {
                let name = origin(&device_id, log);
                let body = Checkpoint { origin: name.clone(), size, root }.body();
                let note = note::sign(&body, &name, &key)?.render();
                conn.execute(
                    "INSERT INTO checkpoint (device_id, log, size, root, note, signed_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![device_id, log.as_str(), size as i64, root.as_slice(), note, now_ms],
                )
                .storage("sign a checkpoint")?;
                note
            }
        };
        out.push(Signed { log, size, note });
    }
    Ok(out)
}

/// Holds every chain to every checkpoint stored for it beyond `from` (every checkpoint for
/// a full walk, when `from` is empty): the entries a checkpoint covers must still be there
/// and give its root. Each chain is read once, from where `from` reached, its Merkle tree
/// carried on from the frontier stored there. Every checkpoint's signature is checked.
/// Returns how many checkpoints were held to their chain, and where each chain now ends.
pub(crate) fn verify(conn: &Connection, from: &Heads, problems: &mut Vec<Problem>) -> Result<(u64, Heads)> {
    let ctx = "verify checkpoints";
    let local: String = conn.query_row("SELECT id FROM device WHERE is_local = 1", [], |r| r.get(0)).storage(ctx)?;
    signatures(conn, problems)?;
    let devices: Vec<String> = conn
        .prepare("SELECT id FROM device ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .storage(ctx)?;
    let mut checked = 0;
    let mut reached = Heads::default();
    for device_id in devices {
        for log in Log::ALL.iter().copied() {
            let local_audit = device_id == local && log == Log::Audit;
            let start =
                from.get(log, &device_id).cloned().unwrap_or(Head { size: 0, hash: Vec::new(), tree: Tree::new() });
            let (n, head) = hold_chain(conn, &device_id, log, local_audit, start, problems)?;
            checked += n;
            reached.chains.insert((log, device_id.clone()), head);
        }
    }
    Ok((checked, reached))
}

/// Streams one chain's entries after `start` into its Merkle tree, comparing the root at
/// each checkpoint's size; of the checkpoints it fails, the largest is reported (it covers
/// the most). Returns the checkpoints held and where the chain ends.
fn hold_chain(
    conn: &Connection,
    device_id: &str,
    log: Log,
    local_audit: bool,
    start: Head,
    problems: &mut Vec<Problem>,
) -> Result<(u64, Head)> {
    let ctx = "verify checkpoints";
    let after = i64::try_from(start.size).unwrap_or(i64::MAX);
    type Row = (i64, Vec<u8>, Option<i64>);
    let marks: Vec<Row> = conn
        .prepare_cached(
            "SELECT size, root, cosigned_at_ms FROM checkpoint
             WHERE device_id = ?1 AND log = ?2 AND size > ?3 ORDER BY size",
        )
        .and_then(|mut s| {
            s.query_map(params![device_id, log.as_str(), after], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect()
        })
        .storage(ctx)?;
    let mut stmt = match (log, local_audit) {
        (Log::Ledger, _) => {
            conn.prepare_cached("SELECT hash FROM consent_event WHERE device_id = ?1 AND seq > ?2 ORDER BY seq")
        }
        (Log::Audit, true) => {
            conn.prepare_cached("SELECT hash FROM audit_entry WHERE ?1 IS NOT NULL AND seq > ?2 ORDER BY seq")
        }
        (Log::Audit, false) => {
            conn.prepare_cached("SELECT hash FROM device_audit_entry WHERE device_id = ?1 AND seq > ?2 ORDER BY seq")
        }
    }
    .storage(ctx)?;
    let mut rows = stmt.query(params![device_id, after]).storage(ctx)?;
    let Head { mut tree, mut hash, .. } = start;
    let mut pending = marks.iter().peekable();
    let mut failed: Option<&Row> = None;
    while let Some(r) = rows.next().storage(ctx)? {
        hash = r.get(0).storage(ctx)?;
        tree.push(merkle::leaf_hash(&hash));
        while let Some(m) = pending.next_if(|m| m.0 as u64 <= tree.size()) {
            if m.0 as u64 == tree.size() && tree.root().as_slice() != m.1.as_slice() {
                failed = Some(m);
            }
        }
    }
    let held = tree.size() as i64;
    let removed = pending.last();
    let chain_name = if log == Log::Ledger { "ledger" } else { "audit log" };
    let who = |cosigned: &Option<i64>| if cosigned.is_some() { "signed and headquarters cosigned" } else { "signed" };
    let problem = match (removed, failed) {
        (Some((size, _, cosigned)), _) => Some((
            *size,
            format!(
                "device {device_id}'s {chain_name} has {held} entries, but a checkpoint it {} covers {size}: entries {} to {size} were removed",
                who(cosigned),
                held + 1
            ),
        )),
        (None, Some((size, _, cosigned))) => Some((
            *size,
            format!(
                "device {device_id}'s {chain_name}, entries 1 to {size}, no longer match the checkpoint it {}: entries in that range were rewritten, inserted or removed",
                who(cosigned)
            ),
        )),
        (None, None) => None,
    };
    if let Some((size, message)) = problem {
        problems.push(Problem {
            place: Place::Checkpoint { device_id: device_id.to_string(), log: log.as_str().to_string() },
            seq: size.min(held + 1),
            event_id: None,
            message,
        });
    }
    Ok((marks.len() as u64, Head { size: tree.size(), hash, tree }))
}

/// Every stored checkpoint must carry the device's valid signature over the size and root
/// stored beside it, and a stored cosignature must be headquarters' (with the key pinned
/// at enrolment), so that an edited checkpoint row cannot stand in for the signed one.
fn signatures(conn: &Connection, problems: &mut Vec<Problem>) -> Result<()> {
    let ctx = "verify checkpoints";
    let hq: Option<(String, Vec<u8>)> = conn
        .query_row("SELECT id, hq_public_key FROM organisation", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .storage(ctx)?;
    let hq = hq.and_then(|(id, k)| Some((hq_name(&id), key_of(&k)?)));
    type Row = (String, String, i64, Vec<u8>, String, Option<String>, Vec<u8>);
    let rows: Vec<Row> = conn
        .prepare(
            "SELECT c.device_id, c.log, c.size, c.root, c.note, c.cosigned_note, d.public_key
             FROM checkpoint c JOIN device d ON d.id = c.device_id ORDER BY c.device_id, c.log, c.size",
        )
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
                .collect()
        })
        .storage(ctx)?;
    for (device_id, log, size, root, text, cosigned, key) in rows {
        let Ok(l) = log.parse::<Log>() else { continue };
        let name = origin(&device_id, l);
        let signed = Note::parse(&text).ok().filter(|n| key_of(&key).is_some_and(|k| n.verify(&name, &k).is_ok()));
        let body = signed.as_ref().and_then(|n| Checkpoint::parse(&n.text).ok());
        let mut fail = |what: &str| {
            problems.push(Problem {
                place: Place::Checkpoint { device_id: device_id.clone(), log: log.clone() },
                seq: size,
                event_id: None,
                message: format!("the checkpoint of device {device_id}'s {log} at size {size} {what}"),
            });
        };
        match body {
            None => fail("is not signed by the device's key; it was altered"),
            Some(cp) if cp.size != size as u64 || cp.root.as_slice() != root.as_slice() || cp.origin != name => {
                fail("says something other than its signed note; it was altered")
            }
            Some(_) => {}
        }
        if let (Some(c), Some((hq_name, hq_key))) = (cosigned, &hq) {
            let ok = Note::parse(&c).ok().is_some_and(|n| {
                note::verify_cosignature(&n, hq_name, hq_key).is_ok()
                    && Note::parse(&text).is_ok_and(|s| s.text == n.text)
            });
            if !ok {
                fail("carries a cosignature that is not headquarters'; it was altered");
            }
        }
    }
    Ok(())
}

fn key_of(bytes: &[u8]) -> Option<ed25519_dalek::VerifyingKey> {
    let arr: [u8; 32] = bytes.try_into().ok()?;
    ed25519_dalek::VerifyingKey::from_bytes(&arr).ok()
}
