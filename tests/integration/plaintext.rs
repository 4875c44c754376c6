//! No plaintext personal data or notice text in any file in the vault's folder, while the
//! vault is open (with its -wal and -shm) and after it is closed.

use consentry::ledger::EventKind;
use consentry::notice::{self, Language};
use consentry::subject::SubjectInput;
use consentry::Role;

use crate::common::*;

const MARKERS: &[&str] =
    &["QZXMARKERNAME", "qzxmarkermail", "QZXMARKERCORP", "QZXNOTICEMARKER", "标记甲乙丙丁", "135777799"];

fn assert_no_markers(tv: &TestVault, when: &str) {
    let files = snapshot(tv.dir.path());
    assert!(!files.is_empty());
    for (path, bytes) in &files {
        for m in MARKERS {
            let found = bytes.windows(m.len()).any(|w| w == m.as_bytes());
            assert!(!found, "{when}: marker {m:?} in plaintext in {}", path.display());
        }
    }
}

#[test]
fn no_marker_reaches_any_file_open_or_closed() {
    let tv = vault_with_team();
    let mut legal = unlock(&tv.paths, Role::Legal);
    let v =
        notice::register(&mut legal, "Marker notice", Language::En, "Text QZXNOTICEMARKER 标记甲乙丙丁 notice.", None)
            .unwrap();
    legal.lock().unwrap();

    let mut s = unlock(&tv.paths, Role::Marketer);
    for n in 0..50 {
        capture(
            &mut s,
            &v.hash,
            SubjectInput {
                name: Some(format!("QZXMARKERNAME {n} 标记甲乙丙丁")),
                email: Some(format!("qzxmarkermail{n}@example.com")),
                phone: Some(format!("135777799{n:02}")),
                company: Some("QZXMARKERCORP".into()),
            },
            &[("event_marketing", EventKind::Grant), ("newsletter", EventKind::Refuse)],
        );
    }
    // Sort and search through SQLite while the vault is open, as a report would.
    let n: i64 = s
        .raw_connection_for_tests()
        .query_row("SELECT count(*) FROM (SELECT name FROM subject ORDER BY name DESC, email)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 50);
    let files = snapshot(tv.dir.path());
    assert!(files.iter().any(|(p, _)| p.to_string_lossy().ends_with("-wal")), "the test must see the -wal while open");
    assert_no_markers(&tv, "while open");
    s.lock().unwrap();
    assert_no_markers(&tv, "after close");
}
