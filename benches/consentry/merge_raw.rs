//! The raw side of the merge benchmark: the rows a device bundle brings, read from the
//! device's vault, inserted into a raw SQLCipher vault with prepared statements.

#[allow(unused_imports)]
use super::*;

/// A device's rows as its vault holds them, read once (not timed) for the raw side. Column
/// orders are those of the `SELECT`s in [`device_rows`].
pub(super) struct DeviceRows {
    pub(super) id: String,
    device: Vec<Value>,
    operators: Vec<Vec<Value>>,
    people: Vec<Vec<Value>>,
    terms: std::collections::HashMap<String, Vec<Value>>,
    events: Vec<Vec<Value>>,
    receipts: Vec<Vec<Value>>,
    receipt_events: Vec<Vec<Value>>,
    audit: Vec<Vec<Value>>,
}

pub(super) fn select(conn: &Connection, sql: &str) -> Res<Vec<Vec<Value>>> {
    let mut stmt = conn.prepare(sql)?;
    let n = stmt.column_count();
    let rows = stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect())?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(super) fn text(v: &Value) -> Option<&str> {
    match v {
        Value::Text(s) => Some(s),
        _ => None,
    }
}

pub(super) fn device_rows(conn: &Connection, name: &str, audit_entries: u64) -> Res<DeviceRows> {
    let (id, key, recipient): (String, Vec<u8>, Option<String>) =
        conn.query_row("SELECT id, public_key, age_recipient FROM device WHERE is_local = 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    Ok(DeviceRows {
        device: vec![Value::Text(id.clone()), Value::Text(name.into()), Value::Blob(key), Value::from(recipient)],
        operators: select(
            conn,
            "SELECT id, name, role, created_at_ms FROM operator WHERE id IN (SELECT operator_id FROM consent_event)",
        )?,
        people: select(
            conn,
            "SELECT id, created_at_ms, erased_at_ms, name_sealed, email_sealed, phone_sealed, company_sealed,
                    job_title_sealed, name_masked, email_masked, phone_masked, company_masked, email_index,
                    phone_index, email_sha256, phone_sha256
             FROM subject ORDER BY id",
        )?,
        terms: {
            let mut out: std::collections::HashMap<String, Vec<Value>> = Default::default();
            for r in select(conn, "SELECT subject_id, term FROM subject_blind_term")? {
                if let (Some(id), Some(t)) = (text(&r[0]), r.get(1)) {
                    out.entry(id.to_string()).or_default().push(t.clone());
                }
            }
            out
        },
        events: select(
            conn,
            "SELECT id, device_id, seq, prev_hash, hash, kind, subject_id, purpose_code, notice_hash, language,
                    captured_at_ms, utc_offset_min, operator_id, method, evidence FROM consent_event ORDER BY seq",
        )?,
        receipts: select(
            conn,
            "SELECT id, kind, subject_id, created_at_ms, utc_offset_min, operator_id FROM receipt ORDER BY id",
        )?,
        receipt_events: select(conn, "SELECT receipt_id, event_id FROM receipt_event ORDER BY event_id")?,
        audit: select(
            conn,
            &format!(
                "SELECT seq, at_ms, utc_offset_min, actor_id, actor_name, action, target, detail, prev_hash, hash
                 FROM audit_entry ORDER BY seq LIMIT {audit_entries}"
            ),
        )?,
        id,
    })
}

/// The rows the raw side writes for one device, with prepared statements in one
/// transaction into a vault with the engine's schema and pragmas: the device; its operators
/// as stubs; per person the lookups the merge makes (this device's person seen before, then
/// by normalised email, then phone), the person, their search terms and where they came
/// from (the person's sealed details, masked forms, blind indexes and terms copied as the
/// device holds them: devices and headquarters share the index key); each event as the device chained it (with `consent_current` kept by the trigger);
/// each receipt and its events; each entry of the device's audit log. Not included: reading
/// the file, signature, decryption, parsing, re-hashing the chains, checkpoint roots and the
/// cosignature, opening the device's sealed details and sealing them again under
/// headquarters' key, normalising emails and phones, making the blind terms, and
/// headquarters' own bookkeeping rows (checkpoints, bundle_received, its audit entry).
pub(super) fn raw_merge(conn: &mut Connection, d: &DeviceRows) -> Res<usize> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = crate::now_ms();
    let device = d.id.as_str();
    tx.prepare_cached(
        "INSERT INTO device (id, name, public_key, is_local, created_at_ms, age_recipient) VALUES (?1, ?2, ?3, 0, ?4, ?5)",
    )?
    .execute(params![d.device[0], d.device[1], d.device[2], now, d.device[3]])?;
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO operator (id, name, name_key, role, created_at_ms, disabled_at_ms, origin_device)
             VALUES (?1, ?2, 'remote:' || ?1, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        )?;
        for o in &d.operators {
            ins.execute(params![o[0], o[1], o[2], o[3], now, device])?;
        }
    }
    let mut mapped: HashMap<&str, String> = HashMap::with_capacity(d.people.len());
    {
        let mut origin =
            tx.prepare_cached("SELECT subject_id FROM subject_origin WHERE device_id = ?1 AND device_subject_id = ?2")?;
        let mut by_email = tx.prepare_cached(
            "SELECT id FROM subject WHERE email_index = ?1 AND erased_at_ms IS NULL ORDER BY created_at_ms, id LIMIT 1",
        )?;
        let mut by_phone = tx.prepare_cached(
            "SELECT id FROM subject WHERE phone_index = ?1 AND erased_at_ms IS NULL ORDER BY created_at_ms, id LIMIT 1",
        )?;
        let mut subject = tx.prepare_cached(
            "INSERT INTO subject (id, created_at_ms, erased_at_ms, name_sealed, email_sealed, phone_sealed, company_sealed,
                                  job_title_sealed, name_masked, email_masked, phone_masked, company_masked,
                                  email_index, phone_index, email_sha256, phone_sha256)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?;
        let mut term =
            tx.prepare_cached("INSERT OR IGNORE INTO subject_blind_term (term, subject_id) VALUES (?1, ?2)")?;
        let mut came = tx.prepare_cached(
            "INSERT INTO subject_origin (device_id, device_subject_id, subject_id) VALUES (?1, ?2, ?3)",
        )?;
        for p in &d.people {
            let id = text(&p[0]).unwrap_or_default();
            if let Some(s) = origin.query_row(params![device, id], |r| r.get::<_, String>(0)).optional()? {
                mapped.insert(id, s);
                continue;
            }
            let mut found: Option<String> = None;
            if let Value::Blob(e) = &p[12] {
                found = by_email.query_row([e], |r| r.get(0)).optional()?;
            }
            if let (None, Value::Blob(ph)) = (&found, &p[13]) {
                found = by_phone.query_row([ph], |r| r.get(0)).optional()?;
            }
            let s = match found {
                Some(s) => s,
                None => {
                    subject.execute(rusqlite::params_from_iter(p.iter()))?;
                    for t in d.terms.get(id).into_iter().flatten() {
                        term.execute(params![t, id])?;
                    }
                    id.to_string()
                }
            };
            came.execute(params![device, id, s])?;
            mapped.insert(id, s);
        }
    }
    let subject_of = |v: &Value| text(v).and_then(|s| mapped.get(s)).ok_or("an event names a person not in the rows");
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO consent_event (id, device_id, seq, prev_hash, hash, kind, subject_id, purpose_code, notice_hash,
                                        language, captured_at_ms, utc_offset_min, operator_id, method, evidence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        )?;
        for e in &d.events {
            let s = subject_of(&e[6])?;
            ins.execute(params![
                e[0], e[1], e[2], e[3], e[4], e[5], s, e[7], e[8], e[9], e[10], e[11], e[12], e[13], e[14]
            ])?;
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO receipt (id, kind, subject_id, created_at_ms, utc_offset_min, operator_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        )?;
        for r in &d.receipts {
            ins.execute(params![r[0], r[1], subject_of(&r[2])?, r[3], r[4], r[5]])?;
        }
        let mut ins = tx.prepare_cached(
            "INSERT INTO receipt_event (receipt_id, event_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?;
        for re in &d.receipt_events {
            ins.execute(params![re[0], re[1]])?;
        }
    }
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO device_audit_entry (device_id, seq, at_ms, utc_offset_min, actor_id, actor_name, action, target,
                                             detail, prev_hash, hash)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for a in &d.audit {
            ins.execute(params![device, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]])?;
        }
    }
    tx.commit()?;
    Ok(d.events.len())
}

/// The empty raw vault: the engine's schema and pragmas, and headquarters' catalogue rows
/// (purposes, the notice version) that the devices' events point at.
pub(super) fn raw_empty(dir: &Path, hq: &Connection) -> Res<()> {
    std::fs::create_dir_all(dir)?;
    let conn = raw_open(&dir.join("raw.db"))?;
    for (table, sql) in [
        ("operator", "SELECT * FROM operator"),
        ("purpose", "SELECT * FROM purpose"),
        ("notice_version", "SELECT * FROM notice_version"),
    ] {
        let mut stmt = hq.prepare(sql)?;
        let cols: Vec<String> = stmt.column_names().map(|c| c.to_string()).collect();
        let marks: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
        let insert = format!("INSERT INTO {table} ({}) VALUES ({})", cols.join(", "), marks.join(", "));
        let n = cols.len();
        let rows =
            stmt.query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>())?;
        for row in rows {
            conn.execute(&insert, rusqlite::params_from_iter(row?))?;
        }
    }
    drop(conn);
    Ok(())
}
