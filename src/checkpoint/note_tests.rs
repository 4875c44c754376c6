use proptest::prelude::*;

use super::*;

// The example of Go's golang.org/x/mod/sumdb/note (package doc and note_test.go).
const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_SKEY: &str = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const PETER_TEXT: &str =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_NOTE: &str = "If you think cryptography is the answer to your problem,\n\
    then you don't know what your problem is.\n\
    \n\
    — PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

/// The key material after the last '+' of a Go key string, without its type byte.
fn material(key: &str, kind: u8) -> [u8; 32] {
    let b64 = key.splitn(if key.starts_with("PRIVATE+") { 5 } else { 3 }, '+').last().unwrap();
    let raw = BASE64.decode(b64.as_bytes()).unwrap();
    assert_eq!(raw[0], kind);
    raw[1..].try_into().unwrap()
}

fn peter() -> (SigningKey, VerifyingKey) {
    let sk = SigningKey::from_bytes(&material(PETER_SKEY, ED25519));
    let vk = VerifyingKey::from_bytes(&material(PETER_VKEY, ED25519)).unwrap();
    (sk, vk)
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

#[test]
fn go_example_key_id_and_vkey() {
    let (sk, vk) = peter();
    assert_eq!(sk.verifying_key(), vk);
    assert_eq!(hex::encode(key_id("PeterNeumann", ED25519, &vk)), "c74f20a3");
    assert_eq!(vkey("PeterNeumann", &vk), PETER_VKEY);
}

#[test]
fn go_example_note_signs_byte_for_byte_and_verifies() {
    let (sk, vk) = peter();
    // Ed25519 is deterministic, so signing the text reproduces Go's note exactly.
    assert_eq!(sign(PETER_TEXT, "PeterNeumann", &sk).unwrap().render(), PETER_NOTE);
    let note = Note::parse(PETER_NOTE).unwrap();
    assert_eq!(note.text, PETER_TEXT);
    assert_eq!(note.signatures.len(), 1);
    assert_eq!(note.signatures[0].name, "PeterNeumann");
    assert_eq!(hex::encode(note.signatures[0].key_id), "c74f20a3");
    note.verify("PeterNeumann", &vk).unwrap();
    assert_eq!(note.render(), PETER_NOTE);

    let tampered = Note::parse(&PETER_NOTE.replace("cryptography", "cryptographY")).unwrap();
    let err = tampered.verify("PeterNeumann", &vk).unwrap_err().to_string();
    assert!(err.contains("does not match this note"), "{err}");
}

#[test]
fn spec_examples_parse() {
    // c2sp.org/signed-note: the text may contain blank lines; the last one separates.
    let poem = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n\n\
        — quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n";
    let note = Note::parse(poem).unwrap();
    assert_eq!(
        note.text,
        "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n"
    );
    assert_eq!(note.render(), poem);

    // c2sp.org/tlog-cosignature: a checkpoint with the log's signature and a cosignature.
    let cosigned = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n\
        — example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n\
        — witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n";
    let note = Note::parse(cosigned).unwrap();
    let cp = Checkpoint::parse(&note.text).unwrap();
    assert_eq!((cp.origin.as_str(), cp.size), ("example.com/behind-the-sofa", 20852163));
    assert_eq!(cp.body(), note.text);
    // The spec's signed message for this cosignature says "time 1679315147".
    let (time, _) = cosignature_parts(&note.signatures[1].bytes).unwrap();
    assert_eq!(time, 1679315147);
    assert_eq!(note.render(), cosigned);
}

#[test]
fn transparency_dev_cosignature_timestamp() {
    // transparency-dev/formats note/note_cosigv1_test.go, TestCosignatureTimestamp.
    let raw = BASE64
        .decode(
            b"ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==",
        )
        .unwrap();
    assert_eq!(cosignature_parts(&raw[4..]).unwrap().0, 1727964367);
    // A plain signature (64 bytes after the key ID) is not a cosignature.
    let plain = BASE64
        .decode(b"eQjRQm6eSKzFoiYalgwCPXu2y3ijtg68is9M46JKxuZB+dRfTmeQeDBoXnvxZx2ugnkyV+MUMLXpWs1hPb/W/4xkNQY=")
        .unwrap();
    assert!(cosignature_parts(&plain[4..]).is_none());
}

#[test]
fn parse_is_strict() {
    let sig =
        "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    let cases: Vec<(String, &str)> = vec![
        (format!("text\n{sig}"), "no blank line"),
        ("text\n\n".to_owned(), "no signature lines"),
        (format!("text\n\n{}", sig.trim_end()), "does not end in a newline"),
        ("text\n\nnot a signature\n".to_owned(), "is not a signature line"),
        (format!("text\n\n{sig}- ascii dash x08go/ZJku\n"), "is not a signature line"),
        ("text\n\n— PeterNeumann\n".to_owned(), "no space"),
        ("text\n\n—  x08go/ZJkuBS9U\n".to_owned(), "invalid key name"),
        ("text\n\n— a+b x08go/ZJkuBS9U\n".to_owned(), "invalid key name"),
        ("text\n\n— name not*base64\n".to_owned(), "not valid base64"),
        ("text\n\n— name QUJDRA\n".to_owned(), "not valid base64"),
        ("text\n\n— name QUJDRB==\n".to_owned(), "not valid base64"),
        ("text\n\n— name QUJDRA==\n".to_owned(), "too short"),
        ("text\n\n— name \n".to_owned(), "too short"),
        (format!("te\txt\n\n{sig}"), "control character"),
        (format!("text\r\n\n{sig}"), "control character"),
        (format!("text\n\n{}", sig.repeat(101)), "more than 100"),
    ];
    for (msg, want) in cases {
        let err = Note::parse(&msg).unwrap_err().to_string();
        assert!(err.contains(want), "{msg:?}: {err}");
    }
    // Exactly 100 signatures are fine, and a text ending in a blank line survives.
    assert_eq!(Note::parse(&format!("text\n\n{}", sig.repeat(100))).unwrap().signatures.len(), 100);
    assert_eq!(Note::parse(&format!("text\n\n\n{sig}")).unwrap().text, "text\n\n");
}

#[test]
fn sign_refuses_what_a_note_cannot_carry() {
    let k = key(1);
    assert!(sign("no newline", "a", &k).unwrap_err().to_string().contains("does not end in a newline"));
    assert!(sign("", "a", &k).is_err());
    assert!(sign("tab\there\n", "a", &k).unwrap_err().to_string().contains("control character"));
    for name in ["", "has space", "a+b", "tab\tname", "nbsp\u{a0}name"] {
        let err = sign("text\n", name, &k).unwrap_err().to_string();
        assert!(err.contains("cannot be a key name"), "{name:?}: {err}");
    }
}

#[test]
fn trust_rules() {
    let (alice, mallory, other) = (key(1), key(2), key(3));
    let text = "example.com/log\n3\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
    let mut note = sign(text, "alice", &alice).unwrap();
    note.verify("alice", &alice.verifying_key()).unwrap();

    // A signature by another key under the same name is ignored, so alice's key finds
    // no signature of its own.
    let forged = sign(text, "alice", &mallory).unwrap();
    let err = forged.verify("alice", &alice.verifying_key()).unwrap_err().to_string();
    assert!(err.contains("not signed by alice"), "{err}");

    // Unknown keys' lines are ignored, before or after the known one.
    note.add_signature("bob", &other).unwrap();
    note.signatures.insert(0, forged.signatures[0].clone());
    let note = Note::parse(&note.render()).unwrap();
    assert_eq!(note.signatures.len(), 3);
    note.verify("alice", &alice.verifying_key()).unwrap();
    note.verify("bob", &other.verifying_key()).unwrap();

    // A damaged signature under the known name and key ID is an error, even beside a good one.
    let mut damaged = note.clone();
    let mut bad = note.signatures[1].clone();
    bad.bytes[0] ^= 1;
    damaged.signatures.push(bad.clone());
    assert!(damaged.verify("alice", &alice.verifying_key()).unwrap_err().to_string().contains("does not match"));
    let mut short = note.clone();
    short.signatures[1].bytes.pop();
    assert!(short.verify("alice", &alice.verifying_key()).unwrap_err().to_string().contains("does not match"));

    // A changed text fails.
    let mut changed = note.clone();
    changed.text = changed.text.replace('3', "4");
    assert!(changed.verify("alice", &alice.verifying_key()).is_err());
}

#[test]
fn add_signature_replaces_the_same_key() {
    let k = key(1);
    let mut note = sign("text\n", "a", &k).unwrap();
    note.add_signature("a", &k).unwrap();
    assert_eq!(note.signatures.len(), 1);
    note.add_signature("b", &k).unwrap();
    assert_eq!(note.signatures.len(), 2);
}

#[test]
fn checkpoint_round_trip_and_strict_parse() {
    let cp = Checkpoint { origin: "example.com/ledger".into(), size: 1234, root: [7; 32] };
    let body = cp.body();
    assert_eq!(body, format!("example.com/ledger\n1234\n{}\n", BASE64.encode(&[7; 32])));
    assert_eq!(Checkpoint::parse(&body).unwrap(), cp);
    let root = BASE64.encode(&[7; 32]);
    assert_eq!(Checkpoint::parse(&format!("o\n0\n{root}\n")).unwrap().size, 0);
    assert_eq!(Checkpoint::parse(&format!("o\n{}\n{root}\n", u64::MAX)).unwrap().size, u64::MAX);
    // Extension lines are allowed and ignored.
    assert_eq!(Checkpoint::parse(&format!("example.com/ledger\n1234\n{root}\next one\next two\n")).unwrap(), cp);
    let bad = [
        format!("o\n1\n{root}"),
        "o\n1\n".to_owned(),
        format!("\n1\n{root}\n"),
        format!("o\n01\n{root}\n"),
        format!("o\n00\n{root}\n"),
        format!("o\n+1\n{root}\n"),
        format!("o\n-1\n{root}\n"),
        format!("o\n\n{root}\n"),
        format!("o\n1 \n{root}\n"),
        format!("o\n18446744073709551616\n{root}\n"),
        format!("o\n1\n{}\n", BASE64.encode(&[7; 31])),
        format!("o\n1\n{}\n", BASE64.encode(&[7; 33])),
        format!("o\n1\n{}\n", root.trim_end_matches('=')),
        format!("o\n1\n{root}\n\next\n"),
    ];
    for text in bad {
        assert!(Checkpoint::parse(&text).is_err(), "{text:?}");
    }
}

#[test]
fn cosignature_round_trip() {
    let (log, witness, other) = (key(1), key(2), key(3));
    let cp = Checkpoint { origin: "example.com/ledger".into(), size: 10, root: [9; 32] };
    let mut note = sign(&cp.body(), "example.com/ledger", &log).unwrap();
    cosign(&mut note, "witness.example/w1", &witness, 1_700_000_000).unwrap();
    let note = Note::parse(&note.render()).unwrap();
    note.verify("example.com/ledger", &log.verifying_key()).unwrap();
    let wk = witness.verifying_key();
    assert_eq!(verify_cosignature(&note, "witness.example/w1", &wk).unwrap(), 1_700_000_000);
    assert_eq!(note.signatures[1].bytes.len(), 72);
    assert_eq!(note.signatures[1].key_id, key_id("witness.example/w1", COSIGNATURE, &wk));

    // A cosignature is not a note signature by the same key, nor the other way round.
    assert!(note.verify("witness.example/w1", &wk).is_err());
    assert!(verify_cosignature(&note, "example.com/ledger", &log.verifying_key()).is_err());
    // Another witness key under the same name: not cosigned.
    let err = verify_cosignature(&note, "witness.example/w1", &other.verifying_key()).unwrap_err().to_string();
    assert!(err.contains("not cosigned by witness.example/w1"), "{err}");

    // Changing the time breaks the signature.
    let mut moved = note.clone();
    moved.signatures[1].bytes[..8].copy_from_slice(&1_700_000_001u64.to_be_bytes());
    assert!(verify_cosignature(&moved, "witness.example/w1", &wk).unwrap_err().to_string().contains("does not match"));
    // So does changing the checkpoint.
    let mut grown = note.clone();
    grown.text = Checkpoint { size: 11, ..cp.clone() }.body();
    assert!(verify_cosignature(&grown, "witness.example/w1", &wk).is_err());
}

#[test]
fn cosign_refuses_non_checkpoints_and_far_times() {
    let k = key(2);
    let mut note = sign("not a checkpoint\n", "log", &key(1)).unwrap();
    assert!(cosign(&mut note, "w", &k, 1).is_err());
    let cp = Checkpoint { origin: "o".into(), size: 1, root: [0; 32] };
    let mut note = sign(&cp.body(), "log", &key(1)).unwrap();
    assert!(cosign(&mut note, "w", &k, 1 << 63).is_err());
    cosign(&mut note, "w", &k, (1 << 63) - 1).unwrap();
    // Cosigning again replaces the line; verification returns the new time.
    cosign(&mut note, "w", &k, 5).unwrap();
    assert_eq!(note.signatures.len(), 2);
    assert_eq!(verify_cosignature(&note, "w", &k.verifying_key()).unwrap(), 5);
}

fn signature() -> impl Strategy<Value = Signature> {
    ("[a-zA-Z0-9./_-]{1,20}", any::<[u8; 4]>(), prop::collection::vec(any::<u8>(), 1..100))
        .prop_map(|(name, key_id, bytes)| Signature { name, key_id, bytes })
}

proptest! {
    #[test]
    fn parse_inverts_render(
        text in "([^\\x00-\\x1f]{0,30}\n){1,8}",
        signatures in prop::collection::vec(signature(), 1..6),
    ) {
        let note = Note { text, signatures };
        prop_assert_eq!(Note::parse(&note.render()).unwrap(), note);
    }

    #[test]
    fn signed_notes_verify_after_a_round_trip(text in "([^\\x00-\\x1f]{0,30}\n){1,8}", seed in any::<u8>()) {
        let k = key(seed);
        let note = Note::parse(&sign(&text, "example.com/k", &k).unwrap().render()).unwrap();
        prop_assert_eq!(&note.text, &text);
        prop_assert!(note.verify("example.com/k", &k.verifying_key()).is_ok());
    }
}
