//! The raw side of the benchmark: a SQLCipher vault with the engine's pragmas and schema,
//! written and read with plain SQL (the same rows the engine writes), as the baseline each
//! engine path is compared with in the same run.

use super::*;
// ---------------------------------------------------------------------------------------------
// The raw vault: same pragmas, same schema, same rows, plain SQL

pub(crate) struct Raw {
    pub(crate) conn: Connection,
    pub(crate) ids: RawIds,
}

pub(crate) struct RawIds {
    pub(crate) device: String,
    pub(crate) operator: String,
    pub(crate) notice_hash: String,
}

/// A raw SQLCipher vault at `path` with the engine's pragmas and schema.
pub(crate) fn raw_open(path: &Path) -> Res<Connection> {
    raw_open_with(path, ENGINE_CIPHER)
}

/// The cipher settings the engine keys its vaults with (src/vault/cipher.rs), after the key.
pub(crate) const ENGINE_CIPHER: &str = "PRAGMA cipher_hmac_algorithm = HMAC_SHA256;";

/// `pragmas` that open the file with no key: plain SQLite, for the floor (`cipher.rs`).
pub(crate) const NO_KEY: &str = "-- no key";

/// The same with cipher settings of its own (`pragmas`, run after the key and before the
/// first read; see `cipher.rs`), or with no key at all ([`NO_KEY`]).
pub(crate) fn raw_open_with(path: &Path, pragmas: &str) -> Res<Connection> {
    let mut key = [0u8; 32];
    let mut r = Rng::new(0x5EED);
    for b in &mut key {
        *b = r.next() as u8;
    }
    let conn = Connection::open(path)?;
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    if pragmas != NO_KEY {
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key)))?;
        conn.execute_batch(pragmas)?;
    }
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err("raw vault: not WAL".into());
    }
    conn.execute_batch(
        "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA synchronous = FULL; PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -65536;",
    )?;
    if conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))? == 0 {
        // The engine's own migrations, all of them (with the triggers that keep the current
        // state and the counts), so both sides pay for the same rows.
        for m in consentry::vault::migration_sql() {
            conn.execute_batch(m)?;
        }
    }
    Ok(conn)
}

pub(crate) fn raw_vault(dir: &Path) -> Res<Raw> {
    raw_vault_with(&dir.join("raw.db"), ENGINE_CIPHER)
}

pub(crate) fn raw_vault_with(path: &Path, pragmas: &str) -> Res<Raw> {
    let conn = raw_open_with(path, pragmas)?;
    let device = uuid::Uuid::now_v7().to_string();
    let operator = uuid::Uuid::now_v7().to_string();
    let notice_hash = hex::encode(Sha256::digest(NOTICE_TEXT.as_bytes()));
    conn.execute(
        "INSERT INTO device (id, name, public_key, is_local, created_at_ms) VALUES (?1, 'bench', x'00', 1, 0)",
        [&device],
    )?;
    conn.execute(
        "INSERT INTO operator (id, name, name_key, role, created_at_ms) VALUES (?1, 'Mo', 'mo', 'marketer', 0)",
        [&operator],
    )?;
    for p in PURPOSES {
        conn.execute(
            "INSERT INTO purpose (code, name_zh, name_en, legal_basis, necessary, created_at_ms) VALUES (?1, ?1, ?1, 'consent', 0, 0)",
            [p],
        )?;
    }
    conn.execute(
        "INSERT INTO notice_version (id, hash, title, language, body, profile, state, created_by, created_at_ms)
         VALUES (?1, ?2, 'bench', 'zh-CN', ?3, '', 'approved', ?4, 0)",
        params![uuid::Uuid::now_v7().to_string(), notice_hash, NOTICE_TEXT, operator],
    )?;
    Ok(Raw { conn, ids: RawIds { device, operator, notice_hash } })
}

/// A stand-in for the engine's blind term (HMAC-SHA256 truncated to 16 bytes): SHA-256
/// truncated alike, so the raw side writes rows of the same size.
pub(crate) fn blind(kind: &str, text: &str) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(kind.as_bytes());
    h.update(b"\0");
    h.update(text.as_bytes());
    h.finalize()[..16].to_vec()
}

/// The blind search terms the engine keeps for a person (same rule: every prefix of the name,
/// of each later word and of the email up to 12 characters, the whole email, every prefix of
/// three or more phone digits, every tail of four or more, the whole phone).
pub(crate) fn raw_terms(name: &str, email: &str, phone: &str) -> Vec<Vec<u8>> {
    let mut out: Vec<(&str, String)> = Vec::new();
    let prefixes = |t: &str, out: &mut Vec<(&'static str, String)>, kind: &'static str| {
        let c: Vec<char> = t.chars().collect();
        for n in 1..=c.len().min(12) {
            out.push((kind, c[..n].iter().collect()));
        }
    };
    let n = name.to_lowercase();
    prefixes(&n, &mut out, "n");
    for w in n.split(' ').skip(1) {
        prefixes(w, &mut out, "n");
    }
    prefixes(email, &mut out, "e");
    out.push(("E", email.to_string()));
    for k in 3..=phone.len() {
        out.push(("p", phone[..k].to_string()));
    }
    for start in 1..phone.len().saturating_sub(3) {
        out.push(("s", phone[start..].to_string()));
    }
    out.push(("P", phone.to_string()));
    out.sort();
    out.dedup();
    out.into_iter().map(|(k, t)| blind(k, &t)).collect()
}

/// A stand-in for a sealed field: the plaintext and the 56 bytes sealing adds (key id,
/// nonce, tag), unencrypted; the engine's sealing is part of what the ratio measures.
pub(crate) fn raw_sealed(text: &str) -> Vec<u8> {
    let mut v = text.as_bytes().to_vec();
    v.resize(v.len() + 56, 0);
    v
}

/// One person's rows with plain SQL, inside the caller's transaction: look the person up,
/// add them and their search terms, append each event to the chain (reading the last link),
/// a receipt, and (but for an import, which records its events in one entry for the whole
/// batch) an audit entry chained to the last one. The same rows the engine writes. Returns
/// the events' (seq, hash in hex).
pub(crate) fn raw_record(
    conn: &Connection,
    raw: &RawIds,
    p: &Person,
    evs: &[Ev],
    method: &str,
    receipt_kind: &str,
    now_ms: i64,
) -> Res<Vec<(i64, String)>> {
    let found: Option<String> = conn
        .prepare_cached("SELECT id FROM subject WHERE email_index = ?1 ORDER BY created_at_ms LIMIT 1")?
        .query_row([blind("E", &p.email)], |r| r.get(0))
        .optional()?;
    let subject_id = match found {
        Some(id) => id,
        None => {
            let id = uuid::Uuid::now_v7().to_string();
            conn.prepare_cached(
                "INSERT INTO subject (id, created_at_ms, name_sealed, email_sealed, phone_sealed, company_sealed,
                                      name_masked, email_masked, phone_masked, company_masked, email_index,
                                      phone_index, email_sha256, phone_sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?
            .execute(params![
                id,
                now_ms,
                raw_sealed(&p.name),
                raw_sealed(&p.email),
                raw_sealed(&p.phone),
                raw_sealed(&p.company),
                consentry::subject::mask_name(&p.name),
                consentry::subject::mask_email(&p.email),
                consentry::subject::mask_phone(&p.phone),
                consentry::subject::mask_company(&p.company),
                blind("E", &p.email),
                blind("P", &p.phone),
                hex::encode(Sha256::digest(p.email.as_bytes())),
                hex::encode(Sha256::digest(p.phone.as_bytes()))
            ])?;
            let mut ins =
                conn.prepare_cached("INSERT OR IGNORE INTO subject_blind_term (term, subject_id) VALUES (?1, ?2)")?;
            for t in raw_terms(&p.name, &p.email, &p.phone) {
                ins.execute(params![t, id])?;
            }
            // The engine records each new person in the audit log, as its own entry.
            raw_audit(conn, raw, "subject.create", &id, "", now_ms)?;
            id
        }
    };
    let mut ids = Vec::with_capacity(evs.len());
    let mut written = Vec::with_capacity(evs.len());
    let mut detail = String::new();
    for e in evs {
        let last: Option<(i64, Vec<u8>)> = conn
            .prepare_cached("SELECT seq, hash FROM consent_event WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1")?
            .query_row([&raw.device], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let (seq, prev) = last.map(|(s, h)| (s + 1, h)).unwrap_or((1, vec![0; 32]));
        let id = uuid::Uuid::now_v7().to_string();
        let mut h = Sha256::new();
        for part in [
            id.as_bytes(),
            raw.device.as_bytes(),
            &prev,
            e.kind.as_bytes(),
            subject_id.as_bytes(),
            e.purpose.as_bytes(),
        ] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part);
        }
        h.update(seq.to_be_bytes());
        h.update(e.at_ms.to_be_bytes());
        let hash = h.finalize();
        conn.prepare_cached(
            "INSERT INTO consent_event (id, device_id, seq, prev_hash, hash, kind, subject_id, purpose_code, notice_hash,
                                        language, captured_at_ms, utc_offset_min, operator_id, method, evidence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'zh-CN', ?10, ?11, ?12, ?13, '')",
        )?
        .execute(params![
            id,
            raw.device,
            seq,
            prev,
            hash.as_slice(),
            e.kind,
            subject_id,
            e.purpose,
            raw.notice_hash,
            e.at_ms,
            OFFSET_MIN,
            raw.operator,
            method
        ])?;
        let _ = write!(detail, "{id}:{},", hex::encode(hash));
        written.push((seq, hex::encode(hash)));
        ids.push(id);
    }
    // A random short id, looked up before use as the engine does (40 bits: among the large
    // set's 700,000 receipts two would meet about one run in five).
    let new_receipt =
        || format!("{:010X}", Rng::new(ids.len() as u64 ^ uuid::Uuid::now_v7().as_u128() as u64).next() >> 24);
    let mut receipt = new_receipt();
    let mut taken = conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM receipt WHERE id = ?1)")?;
    while taken.query_row([&receipt], |r| r.get::<_, bool>(0))? {
        receipt = new_receipt();
    }
    drop(taken);
    conn.prepare_cached(
        "INSERT INTO receipt (id, kind, subject_id, created_at_ms, utc_offset_min, operator_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![receipt, receipt_kind, subject_id, now_ms, OFFSET_MIN, raw.operator])?;
    let mut ins = conn.prepare_cached("INSERT INTO receipt_event (receipt_id, event_id) VALUES (?1, ?2)")?;
    for id in &ids {
        ins.execute(params![receipt, id])?;
    }
    if method != "import" {
        raw_audit(conn, raw, "consent.capture", &subject_id, &detail, now_ms)?;
    }
    Ok(written)
}

/// One audit entry chained to the last one, as the engine appends each entry it records.
fn raw_audit(conn: &Connection, raw: &RawIds, action: &str, target: &str, detail: &str, now_ms: i64) -> Res<()> {
    let last: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_entry ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (seq, prev) = last.map(|(s, h)| (s + 1, h)).unwrap_or((1, vec![0; 32]));
    let hash = Sha256::new()
        .chain_update(&prev)
        .chain_update(action.as_bytes())
        .chain_update(target.as_bytes())
        .chain_update(detail.as_bytes())
        .finalize();
    conn.prepare_cached(
        "INSERT INTO audit_entry (seq, at_ms, utc_offset_min, actor_id, actor_name, action, target, detail, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, 'Mo', ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![seq, now_ms, OFFSET_MIN, raw.operator, action, target, detail, prev, hash.as_slice()])?;
    Ok(())
}

pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

pub(crate) fn raw_import(raw: &mut Raw, seed: u64, from: usize, to: usize) -> Res<usize> {
    let tx = raw.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let now = now_ms();
    let mut written = Vec::new();
    for i in from..to {
        let (p, evs) = person(seed, i);
        written.extend(raw_record(&tx, &raw.ids, &p, &evs, "import", "import", now)?);
    }
    // The engine's one entry for the whole import: count, first seq, digest of the hashes.
    let n = written.len();
    if let Some((first, _)) = written.first() {
        let mut h = Sha256::new();
        for (_, hash) in &written {
            h.update(hash.as_bytes());
            h.update(b"\n");
        }
        let detail = format!("batch:{n}:{first}:{}", hex::encode(h.finalize()));
        raw_audit(&tx, &raw.ids, "consent.import", &format!("{} people", to - from), &detail, now)?;
    }
    tx.commit()?;
    Ok(n)
}

pub(crate) fn raw_capture(raw: &mut Raw, p: &Person) -> Res<()> {
    let now = now_ms();
    let evs = [
        Ev { purpose: "event_followup", kind: "grant", at_ms: now },
        Ev { purpose: "newsletter", kind: "grant", at_ms: now },
        Ev { purpose: "partner_offers", kind: "refuse", at_ms: now },
    ];
    let tx = raw.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    raw_record(&tx, &raw.ids, p, &evs, "kiosk", "capture", now)?;
    tx.commit()?;
    Ok(())
}

/// Current status per purpose: find the person by email and read their rows of the
/// trigger-kept current state (the least a plain SQL reader of this schema does).
pub(crate) fn raw_status(raw: &Raw, email: &str) -> Res<usize> {
    let id: String = raw
        .conn
        .prepare_cached("SELECT id FROM subject WHERE email_index = ?1 ORDER BY created_at_ms LIMIT 1")?
        .query_row([blind("E", email)], |r| r.get(0))?;
    let mut stmt = raw.conn.prepare_cached(
        "SELECT purpose_code, kind, captured_at_ms, utc_offset_min, event_id, notice_hash FROM consent_current
         WHERE subject_id = ?1 ORDER BY purpose_code",
    )?;
    let mut rows = stmt.query([&id])?;
    let mut out: Vec<(String, String, i64, i64, String, Option<String>)> = Vec::new();
    while let Some(r) = rows.next()? {
        out.push((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?));
    }
    Ok(std::hint::black_box(out).len())
}

pub(crate) fn raw_history(raw: &Raw, email: &str) -> Res<usize> {
    let id: String = raw
        .conn
        .prepare_cached("SELECT id FROM subject WHERE email_index = ?1 ORDER BY created_at_ms LIMIT 1")?
        .query_row([blind("E", email)], |r| r.get(0))?;
    let mut stmt = raw.conn.prepare_cached(
        "SELECT id, device_id, seq, kind, subject_id, purpose_code, notice_hash, language, captured_at_ms,
                utc_offset_min, operator_id, method, evidence, hash FROM consent_event
         WHERE subject_id = ?1 ORDER BY captured_at_ms, device_id, seq",
    )?;
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        String,
        String,
        i64,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
        i64,
        String,
        String,
        String,
        Vec<u8>,
    )> = stmt
        .query_map([&id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
                r.get(13)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows.len())
}

/// The home screen's counts as the engine reads them: the two trigger-kept counts,
/// withdrawals in the last seven days, notice versions by state.
pub(crate) fn raw_home_counts(raw: &Raw) -> Res<i64> {
    let week_ago = now_ms() - 7 * 86_400_000;
    let (people, granted): (i64, i64) = raw
        .conn
        .prepare_cached(
            "SELECT (SELECT n FROM tally WHERE name = 'subjects'), (SELECT n FROM tally WHERE name = 'granted')",
        )?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let withdrawn: i64 = raw
        .conn
        .prepare_cached("SELECT count(*) FROM consent_event WHERE kind = 'withdraw' AND captured_at_ms >= ?1")?
        .query_row([week_ago], |r| r.get(0))?;
    let mut stmt =
        raw.conn.prepare_cached("SELECT state, count(*) FROM notice_version GROUP BY state ORDER BY state")?;
    let states = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?.count() as i64;
    Ok(std::hint::black_box(people + granted + withdrawn + states))
}

/// The same rows as the consent export (current state per person and purpose, with the
/// person's columns and the receipt) by a plain scan of the current-state table, written as
/// CSV with no masking, hashing or time formatting: the floor an export can reach. Like the
/// engine's, in one write transaction that records the export in the audit log.
pub(crate) fn raw_export(raw: &Raw) -> Res<usize> {
    raw.conn.execute_batch("BEGIN IMMEDIATE")?;
    let n = raw_export_rows(raw)?;
    raw_audit(&raw.conn, &raw.ids, "consent.export", "", &format!("{n} rows, masked, csv"), now_ms())?;
    raw.conn.execute_batch("COMMIT")?;
    Ok(n)
}

fn raw_export_rows(raw: &Raw) -> Res<usize> {
    let sql =
        "SELECT s.id, s.name_masked, s.email_masked, s.phone_masked, s.company_masked, s.email_sha256, s.phone_sha256,
                s.erased_at_ms IS NOT NULL, e.purpose_code, e.kind, e.captured_at_ms, e.utc_offset_min, e.event_id,
                e.notice_hash, e.method, (SELECT receipt_id FROM receipt_event re WHERE re.event_id = e.event_id)
         FROM consent_current e
         JOIN subject s ON s.id = e.subject_id
         ORDER BY s.created_at_ms, s.id, e.purpose_code";
    let mut stmt = raw.conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut out = String::from(
        "subject_id,name,email,phone,company,purpose,state,since,method,notice_hash,event_id,receipt_id,erased\r\n",
    );
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let s = |i: usize| -> rusqlite::Result<String> { Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default()) };
        let _ = write!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{}\r\n",
            s(0)?,
            s(1)?,
            s(2)?,
            s(3)?,
            s(4)?,
            s(8)?,
            s(9)?,
            r.get::<_, i64>(10)?,
            s(14)?,
            s(13)?,
            s(12)?,
            s(15)?,
            r.get::<_, bool>(7)?
        );
        n += 1;
    }
    std::hint::black_box(&out);
    Ok(n)
}

pub(crate) const SEARCH_SQL: &str = "SELECT s.id, s.name_masked, s.email_masked, s.phone_masked, s.company_masked,
            s.erased_at_ms IS NOT NULL
     FROM subject_blind_term t JOIN subject s ON s.id = t.subject_id
     WHERE t.term = ?1 ORDER BY t.subject_id DESC LIMIT ?2";

/// The first page of a search: the same exact lookups of blind terms the engine would run.
pub(crate) fn raw_search(raw: &Raw, query: &str, limit: usize) -> Res<usize> {
    let q = query.to_lowercase();
    let terms: Vec<(&str, String)> = if q.chars().all(|c| c.is_ascii_digit()) {
        vec![("n", q.clone()), ("e", q.clone()), ("p", q.clone()), ("s", q)]
    } else {
        let head: String = q.chars().take(12).collect();
        vec![("n", head.clone()), ("e", head)]
    };
    let mut stmt = raw.conn.prepare_cached(SEARCH_SQL)?;
    let mut seen = std::collections::HashSet::new();
    for (kind, text) in terms {
        if seen.len() >= limit {
            break;
        }
        let mut rows = stmt.query(params![blind(kind, &text), limit as i64])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            let _: (Option<String>, Option<String>, Option<String>) = (r.get(1)?, r.get(2)?, r.get(3)?);
            if seen.len() < limit {
                seen.insert(id);
            }
        }
    }
    Ok(seen.len())
}
