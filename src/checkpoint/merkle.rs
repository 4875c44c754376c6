//! RFC 6962 Merkle tree hashes over SHA-256 (§2.1): leaf and node hashes, a streaming
//! tree head, and inclusion and consistency proofs with their RFC 9162 §2.1.3.2 and
//! §2.1.4.2 verification.
//!
//! Leaves are passed already leaf-hashed ([`leaf_hash`]), so a caller that stores leaf
//! hashes never hashes an entry twice.

use sha2::{Digest, Sha256};

use crate::checkpoint::note::signed_format;
use crate::domain::error::Result;

/// A SHA-256 digest: a leaf hash, a node hash or a tree's root.
pub type Hash = [u8; 32];

/// The hash of one log entry: SHA-256(0x00 ‖ entry).
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(entry);
    h.finalize().into()
}

/// The hash of an interior node: SHA-256(0x01 ‖ left ‖ right).
pub fn node_hash(l: &Hash, r: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(l);
    h.update(r);
    h.finalize().into()
}

/// The root of the empty tree: SHA-256 of nothing (e3b0c442…).
fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// A tree head built one leaf at a time. It keeps only the roots of the perfect subtrees
/// that make up the tree (one per set bit of the size, largest first), so memory is
/// O(log n) and each push costs one hash on average.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    size: u64,
    /// Roots of the perfect subtrees, left to right (their sizes are the set bits of
    /// `size`, largest first).
    subtrees: Vec<Hash>,
}

impl Tree {
    /// An empty tree.
    pub fn new() -> Self {
        Tree::default()
    }

    /// Appends a leaf, given as its leaf hash ([`leaf_hash`]).
    pub fn push(&mut self, leaf: Hash) {
        let mut carry = leaf;
        let mut size = self.size;
        // Like adding one to a binary counter: every trailing one bit of the size is a
        // perfect subtree of the same height as `carry`, so the two merge.
        while size & 1 == 1 {
            if let Some(left) = self.subtrees.pop() {
                carry = node_hash(&left, &carry);
            }
            size >>= 1;
        }
        self.subtrees.push(carry);
        self.size += 1;
    }

    /// The number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The roots of its perfect subtrees, left to right, one after another (32 bytes each):
    /// with [`Tree::size`], all that is needed to carry on pushing later ([`Tree::resume`]).
    pub fn frontier(&self) -> Vec<u8> {
        self.subtrees.concat()
    }

    /// A tree of `size` leaves carried on from its [`Tree::frontier`]; `None` when the
    /// frontier does not hold one root per set bit of the size.
    pub fn resume(size: u64, frontier: &[u8]) -> Option<Tree> {
        let subtrees: Vec<Hash> = frontier.chunks(32).map(|c| <Hash>::try_from(c).ok()).collect::<Option<_>>()?;
        (frontier.len() % 32 == 0 && subtrees.len() == size.count_ones() as usize).then_some(Tree { size, subtrees })
    }

    /// The RFC 6962 root (Merkle tree hash) of the leaves pushed so far.
    pub fn root(&self) -> Hash {
        // MTH splits at the largest power of two below n, so the root hashes the
        // subtrees together from the right.
        let mut rest = self.subtrees.iter().rev();
        let Some(last) = rest.next() else { return empty_root() };
        rest.fold(*last, |acc, left| node_hash(left, &acc))
    }
}

/// The RFC 6962 root (Merkle tree hash, MTH) of these leaf hashes.
pub fn root(leaves: &[Hash]) -> Hash {
    if leaves.is_empty() {
        empty_root()
    } else {
        subtree_root(leaves)
    }
}

/// MTH of a non-empty range of leaf hashes.
fn subtree_root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [one] => *one,
        _ => {
            let k = split(leaves.len());
            node_hash(&subtree_root(&leaves[..k]), &subtree_root(&leaves[k..]))
        }
    }
}

/// The largest power of two smaller than `n` (n ≥ 2): where RFC 6962 splits a tree.
fn split(n: usize) -> usize {
    let below = n - 1;
    1 << (usize::BITS - 1 - below.leading_zeros())
}

/// A leaf count or index as a slice position.
fn position(n: u64, what: &str) -> Result<usize> {
    usize::try_from(n)
        .map_err(|_| signed_format(format!("The {what} {n} is too large for this computer."), "Use a smaller tree."))
}

/// The RFC 6962 audit path (PATH) that proves the leaf at `index` is in the tree of these
/// leaf hashes, ordered from the leaf's sibling up to the root's child.
pub fn inclusion_proof(leaves: &[Hash], index: u64) -> Result<Vec<Hash>> {
    let m = position(index, "leaf index")?;
    if m >= leaves.len() {
        return Err(signed_format(
            format!("Leaf index {index} is outside a tree of {} leaves.", leaves.len()),
            "Ask for a leaf whose index is below the tree size.",
        ));
    }
    let mut proof = Vec::new();
    path(m, leaves, &mut proof);
    Ok(proof)
}

/// PATH(m, D[n]) from RFC 6962 §2.1.1, appended to `out` (deepest sibling first).
fn path(m: usize, leaves: &[Hash], out: &mut Vec<Hash>) {
    if leaves.len() <= 1 {
        return;
    }
    let k = split(leaves.len());
    if m < k {
        path(m, &leaves[..k], out);
        out.push(subtree_root(&leaves[k..]));
    } else {
        path(m - k, &leaves[k..], out);
        out.push(subtree_root(&leaves[..k]));
    }
}

/// Whether `proof` shows that `leaf` (a leaf hash) is at `index` in the tree of `size`
/// leaves whose root is `root` (RFC 9162 §2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> bool {
    if index >= size {
        return false;
    }
    let (mut fn_, mut sn) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            r = node_hash(p, &r);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    sn == 0 && r == *root
}

/// The RFC 6962 consistency proof (PROOF) that the tree of the first `old_size` of these
/// leaf hashes is a prefix of the tree of all of them. Empty when `old_size` is 0 or the
/// whole tree.
pub fn consistency_proof(leaves: &[Hash], old_size: u64) -> Result<Vec<Hash>> {
    let m = position(old_size, "old tree size")?;
    if m > leaves.len() {
        return Err(signed_format(
            format!("The old tree size {old_size} is larger than the tree of {} leaves.", leaves.len()),
            "Ask for a proof from a size no larger than the current tree.",
        ));
    }
    let mut proof = Vec::new();
    if m > 0 {
        subproof(m, leaves, true, &mut proof);
    }
    Ok(proof)
}

/// SUBPROOF(m, D[n], b) from RFC 6962 §2.1.2, appended to `out`.
fn subproof(m: usize, leaves: &[Hash], whole: bool, out: &mut Vec<Hash>) {
    let n = leaves.len();
    if m == n {
        if !whole {
            out.push(subtree_root(leaves));
        }
        return;
    }
    let k = split(n);
    if m <= k {
        subproof(m, &leaves[..k], whole, out);
        out.push(subtree_root(&leaves[k..]));
    } else {
        subproof(m - k, &leaves[k..], false, out);
        out.push(subtree_root(&leaves[..k]));
    }
}

/// Whether `proof` shows that the tree of `old_size` leaves with root `old_root` is a
/// prefix of the tree of `new_size` leaves with root `new_root` (RFC 9162 §2.1.4.2).
///
/// Equal sizes need an empty proof and equal roots. Size 0 needs an empty proof and the
/// empty tree's root as `old_root` (the only root a tree of size 0 can have).
pub fn verify_consistency(old_size: u64, new_size: u64, old_root: &Hash, new_root: &Hash, proof: &[Hash]) -> bool {
    if old_size > new_size {
        return false;
    }
    if old_size == new_size {
        return proof.is_empty() && old_root == new_root;
    }
    if old_size == 0 {
        return proof.is_empty() && *old_root == empty_root();
    }
    let (first, rest) = match proof {
        [] => return false,
        // When the old tree is a perfect subtree, its root is the proof's implicit start.
        _ if old_size.is_power_of_two() => (old_root, proof),
        [first, rest @ ..] => (first, rest),
    };
    let (mut fn_, mut sn) = (old_size - 1, new_size - 1);
    while fn_ & 1 == 1 {
        fn_ >>= 1;
        sn >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if sn == 0 {
            return false;
        }
        if fn_ & 1 == 1 || fn_ == sn {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while fn_ & 1 == 0 && fn_ != 0 {
                fn_ >>= 1;
                sn >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        fn_ >>= 1;
        sn >>= 1;
    }
    fr == *old_root && sr == *new_root && sn == 0
}

#[cfg(test)]
#[path = "merkle_tests.rs"]
mod tests;
