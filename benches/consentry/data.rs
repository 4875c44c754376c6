//! The benchmark's data: deterministic people and events from a seed (the same everywhere),
//! and the CSV the engine imports them from.

use super::*;
// ---------------------------------------------------------------------------------------------
// Deterministic data

/// splitmix64: small, fast, and the same everywhere.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub(crate) const FAMILY: [(&str, &str); 10] = [
    ("张", "Zhang"),
    ("王", "Wang"),
    ("李", "Li"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
];
pub(crate) const GIVEN: [(&str, &str); 10] = [
    ("伟", "Wei"),
    ("芳", "Fang"),
    ("娜", "Na"),
    ("敏", "Min"),
    ("静", "Jing"),
    ("磊", "Lei"),
    ("洋", "Yang"),
    ("勇", "Yong"),
    ("艳", "Yan"),
    ("杰", "Jie"),
];
pub(crate) const COMPANIES: [&str; 6] = ["示例贸易", "Acme GmbH", "华东机械", "Globex Ltd", "远航物流", "Initech"];

pub(crate) struct Person {
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) phone: String,
    pub(crate) company: String,
}

pub(crate) struct Ev {
    pub(crate) purpose: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) at_ms: i64,
}

pub(crate) const BASE_MS: i64 = 1_704_038_400_000; // 2024-01-01T00:00:00+08:00
pub(crate) const OFFSET_MIN: i32 = 480;

/// Person `i` and their events: a pure function of (seed, i).
pub(crate) fn person(seed: u64, i: usize) -> (Person, Vec<Ev>) {
    let mut r = Rng::new(seed ^ (i as u64).wrapping_mul(0xD6E8_FEB8_6659_FD93));
    let (fz, fe) = FAMILY[r.below(10) as usize];
    let (gz, ge) = GIVEN[r.below(10) as usize];
    let name = if r.below(2) == 0 { format!("{fz}{gz}") } else { format!("{fe} {ge}") };
    let email = format!("{}.{}{}@example{}.com", ge.to_lowercase(), fe.to_lowercase(), i, r.below(5));
    let phone = format!("13{}{:08}", r.below(10), r.below(100_000_000));
    let company = COMPANIES[r.below(COMPANIES.len() as u64) as usize].to_string();
    let mut at = BASE_MS + (r.below(500 * 86_400) as i64) * 1000;
    let mut events = Vec::with_capacity(EVENTS_PER_PERSON);
    for k in 0..EVENTS_PER_PERSON {
        let purpose = PURPOSES[k % PURPOSES.len()];
        let first = k < PURPOSES.len();
        let kind = match (first, r.below(10)) {
            (true, 0..=7) => "grant",
            (true, _) => "refuse",
            (false, 0..=2) => "withdraw",
            (false, 3..=7) => "grant",
            (false, _) => "refuse",
        };
        at += (1 + r.below(30 * 86_400) as i64) * 1000;
        events.push(Ev { purpose, kind, at_ms: at });
    }
    (Person { name, email, phone, company }, events)
}

pub(crate) fn rfc3339(ms: i64) -> String {
    match (chrono::FixedOffset::east_opt(OFFSET_MIN * 60), chrono::DateTime::from_timestamp_millis(ms)) {
        (Some(off), Some(t)) => t.with_timezone(&off).to_rfc3339(),
        _ => String::new(),
    }
}

/// An import CSV for people `from..to`.
pub(crate) fn import_csv(seed: u64, from: usize, to: usize, notice_hash: &str) -> String {
    let mut out = String::from("email,phone,name,company,purpose,decision,notice,language,captured_at,evidence\r\n");
    for i in from..to {
        let (p, evs) = person(seed, i);
        for e in evs {
            let _ = write!(
                out,
                "{},{},{},{},{},{},{},zh-CN,{},form {}\r\n",
                p.email,
                p.phone,
                p.name,
                p.company,
                e.purpose,
                e.kind,
                notice_hash,
                rfc3339(e.at_ms),
                i
            );
        }
    }
    out
}
