use proptest::prelude::*;

use super::*;

fn h(hex: &str) -> Hash {
    let bytes = hex::decode(hex).unwrap();
    bytes.try_into().unwrap()
}

/// MTH written straight from RFC 6962 §2.1, as a reference for the faster code.
fn naive_mth(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest(b"").into(),
        1 => leaves[0],
        n => {
            let mut k = 1;
            while k * 2 < n {
                k *= 2;
            }
            node_hash(&naive_mth(&leaves[..k]), &naive_mth(&leaves[k..]))
        }
    }
}

fn leaves(n: usize) -> Vec<Hash> {
    (0..n as u64).map(|i| leaf_hash(&i.to_be_bytes())).collect()
}

fn tree_of(leaves: &[Hash]) -> Tree {
    let mut t = Tree::new();
    for l in leaves {
        t.push(*l);
    }
    t
}

// The test data of Certificate Transparency's reference implementation
// (transparency-dev/merkle, testonly/constants.go and proof/verify_test.go).
const CT_LEAVES: [&str; 8] =
    ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
const CT_ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn ct_leaves() -> Vec<Hash> {
    CT_LEAVES.iter().map(|l| leaf_hash(&hex::decode(l).unwrap())).collect()
}

#[test]
fn empty_tree_root_is_sha256_of_nothing() {
    let want = h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_eq!(root(&[]), want);
    assert_eq!(Tree::new().root(), want);
    assert_eq!(Tree::new().size(), 0);
}

#[test]
fn one_leaf_tree_root_is_its_leaf_hash() {
    // SHA-256(0x00) is the leaf hash of the empty entry.
    let leaf = leaf_hash(b"");
    assert_eq!(leaf, h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"));
    assert_eq!(root(&[leaf]), leaf);
    assert_eq!(tree_of(&[leaf]).root(), leaf);
    assert_eq!(inclusion_proof(&[leaf], 0).unwrap(), Vec::<Hash>::new());
    assert!(verify_inclusion(&leaf, 0, 1, &[], &leaf));
}

#[test]
fn ct_reference_roots() {
    let leaves = ct_leaves();
    let mut tree = Tree::new();
    for (n, want) in CT_ROOTS.iter().enumerate() {
        assert_eq!(root(&leaves[..n]), h(want), "root of {n}");
        assert_eq!(tree.root(), h(want), "streaming root of {n}");
        assert_eq!(tree.size(), n as u64);
        if n < leaves.len() {
            tree.push(leaves[n]);
        }
    }
}

#[test]
fn ct_reference_inclusion_proofs() {
    let leaves = ct_leaves();
    let cases: [(u64, usize, &[&str]); 4] = [
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (2, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (
            1,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    for (index, size, want) in cases {
        let want: Vec<Hash> = want.iter().map(|x| h(x)).collect();
        let proof = inclusion_proof(&leaves[..size], index).unwrap();
        assert_eq!(proof, want, "proof of {index} in {size}");
        let r = h(CT_ROOTS[size]);
        assert!(verify_inclusion(&leaves[index as usize], index, size as u64, &proof, &r));
    }
}

#[test]
fn ct_reference_consistency_proofs() {
    let leaves = ct_leaves();
    let cases: [(u64, usize, &[&str]); 5] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
        (
            6,
            7,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ];
    for (old, size, want) in cases {
        let want: Vec<Hash> = want.iter().map(|x| h(x)).collect();
        let proof = consistency_proof(&leaves[..size], old).unwrap();
        assert_eq!(proof, want, "proof from {old} to {size}");
        let (r1, r2) = (h(CT_ROOTS[old as usize]), h(CT_ROOTS[size]));
        assert!(verify_consistency(old, size as u64, &r1, &r2, &proof));
        // Nor for the root of the tree one leaf smaller.
        assert!(!verify_consistency(old, size as u64, &h(CT_ROOTS[old as usize - 1]), &r2, &proof));
    }
}

#[test]
fn edge_cases_of_the_verifiers() {
    let some = leaf_hash(b"x");
    let empty = root(&[]);
    // No leaf is in an empty tree, and no index is at or past the size.
    assert!(!verify_inclusion(&some, 0, 0, &[], &empty));
    assert!(!verify_inclusion(&some, 1, 1, &[], &some));
    // Consistency: no going back, equal sizes need equal roots and no proof.
    assert!(!verify_consistency(2, 1, &some, &some, &[]));
    assert!(verify_consistency(0, 0, &empty, &empty, &[]));
    assert!(!verify_consistency(1, 1, &some, &empty, &[]));
    assert!(!verify_consistency(1, 1, &some, &some, &[some]));
    // Anything grows from the empty tree, but size 0 has only one root.
    assert!(verify_consistency(0, 5, &empty, &some, &[]));
    assert!(!verify_consistency(0, 5, &some, &some, &[]));
    assert!(!verify_consistency(0, 5, &empty, &some, &[some]));
    // A real step needs a proof.
    assert!(!verify_consistency(1, 2, &some, &some, &[]));
}

#[test]
fn proofs_refuse_sizes_outside_the_tree() {
    let l = leaves(3);
    let err = inclusion_proof(&l, 3).unwrap_err().to_string();
    assert!(err.contains("Leaf index 3 is outside a tree of 3 leaves."), "{err}");
    assert!(inclusion_proof(&[], 0).is_err());
    let err = consistency_proof(&l, 4).unwrap_err().to_string();
    assert!(err.contains("old tree size 4 is larger than the tree of 3 leaves"), "{err}");
    assert_eq!(consistency_proof(&l, 0).unwrap(), Vec::<Hash>::new());
    assert_eq!(consistency_proof(&l, 3).unwrap(), Vec::<Hash>::new());
}

#[test]
fn a_million_leaves_stream_in_little_memory() {
    let n = 1_000_000u64;
    let mut tree = Tree::new();
    let mut all = Vec::with_capacity(n as usize);
    for i in 0..n {
        let leaf = leaf_hash(&i.to_be_bytes());
        tree.push(leaf);
        all.push(leaf);
    }
    assert_eq!(tree.size(), n);
    // One subtree per set bit of the size.
    assert_eq!(tree.subtrees.len(), n.count_ones() as usize);
    assert_eq!(tree.root(), root(&all));
}

fn flip(mut x: Hash, bit: usize) -> Hash {
    x[bit / 8 % 32] ^= 1 << (bit % 8);
    x
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn roots_agree_with_the_rfc(n in 1usize..300) {
        let l = leaves(n);
        let want = naive_mth(&l);
        prop_assert_eq!(root(&l), want);
        prop_assert_eq!(tree_of(&l).root(), want);
    }

    #[test]
    fn every_inclusion_proof_verifies_and_no_wrong_one(n in 1usize..300, bit in 0usize..256) {
        let l = leaves(n);
        let r = root(&l);
        let size = n as u64;
        for i in 0..size {
            let leaf = &l[i as usize];
            let proof = inclusion_proof(&l, i).unwrap();
            prop_assert!(verify_inclusion(leaf, i, size, &proof, &r), "leaf {} of {}", i, n);
            prop_assert!(!verify_inclusion(&flip(*leaf, bit), i, size, &proof, &r));
            prop_assert!(!verify_inclusion(leaf, i, size, &proof, &flip(r, bit)));
            if n > 1 {
                prop_assert!(!verify_inclusion(leaf, (i + 1) % size, size, &proof, &r), "index {} of {}", i + 1, n);
                let mut bad = proof.clone();
                let at = bit % bad.len();
                bad[at] = flip(bad[at], bit);
                prop_assert!(!verify_inclusion(leaf, i, size, &bad, &r));
                prop_assert!(!verify_inclusion(leaf, i, size, &proof[1..], &r));
            }
            let mut longer = proof.clone();
            longer.push(r);
            prop_assert!(!verify_inclusion(leaf, i, size, &longer, &r));
        }
    }

    #[test]
    fn consistency_proofs_verify_and_wrong_roots_fail(n in 1usize..300, m_seed in any::<usize>(), bit in 0usize..256) {
        let l = leaves(n);
        let m = m_seed % (n + 1);
        let (old, new) = (root(&l[..m]), root(&l));
        let (m, size) = (m as u64, n as u64);
        let proof = consistency_proof(&l, m).unwrap();
        prop_assert!(verify_consistency(m, size, &old, &new, &proof), "{} to {}", m, n);
        prop_assert!(!verify_consistency(m, size, &flip(old, bit), &new, &proof));
        // From the empty tree every tree is consistent (RFC 9162 §2.1.4.2), so only a
        // non-empty old tree pins the new root.
        if m > 0 && m < size {
            prop_assert!(!verify_consistency(m, size, &old, &flip(new, bit), &proof));
        }
        if !proof.is_empty() {
            let mut bad = proof.clone();
            let at = bit % bad.len();
            bad[at] = flip(bad[at], bit);
            prop_assert!(!verify_consistency(m, size, &old, &new, &bad));
            prop_assert!(!verify_consistency(m, size, &old, &new, &proof[..proof.len() - 1]));
        }
    }

    #[test]
    fn every_consistency_proof_of_a_tree_verifies(n in 1usize..120) {
        let l = leaves(n);
        let new = root(&l);
        for m in 0..=n {
            let old = root(&l[..m]);
            let proof = consistency_proof(&l, m as u64).unwrap();
            prop_assert!(verify_consistency(m as u64, n as u64, &old, &new, &proof), "{} to {}", m, n);
            if m > 0 {
                prop_assert!(!verify_consistency(m as u64, n as u64, &root(&l[..m - 1]), &new, &proof));
            }
        }
    }
}

proptest! {
    /// A tree stopped at any size and resumed from its frontier gives, after any further
    /// leaves, the root of all of them (what an incremental verify carries between runs).
    #[test]
    fn a_tree_resumed_from_its_frontier_goes_on_as_if_never_stopped(first in 0usize..300, more in 0usize..300) {
        let all = leaves(first + more);
        let stopped = tree_of(&all[..first]);
        let mut resumed = Tree::resume(stopped.size(), &stopped.frontier()).unwrap();
        for l in &all[first..] {
            resumed.push(*l);
        }
        prop_assert_eq!(resumed.size(), (first + more) as u64);
        prop_assert_eq!(resumed.root(), naive_mth(&all));
    }
}

#[test]
fn a_frontier_that_does_not_fit_its_size_is_refused() {
    let t = tree_of(&leaves(5)); // 5 = 4 + 1: two subtrees
    assert!(Tree::resume(5, &t.frontier()).is_some());
    assert!(Tree::resume(7, &t.frontier()).is_none());
    assert!(Tree::resume(4, &t.frontier()).is_none());
    assert!(Tree::resume(5, &t.frontier()[..63]).is_none());
    assert!(Tree::resume(0, &[]).is_some());
}
