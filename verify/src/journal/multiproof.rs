//! One proof that many leaves are in a tree: RFC 6962's audit path (§2.1.1) generalised to a set
//! of leaves, so an audit bundle proves a negotiation's events together instead of one path of
//! log₂ n hashes per event (docs/ledger-format.md §10, "The journal proof").
//!
//! The proof is the hashes of the largest subtrees that hold none of the proven leaves, left to
//! right. It is defined by the same recursion as the Merkle Tree Hash: a range of leaves with no
//! proven leaf is one proof hash; a single proven leaf is its leaf hash; any other range splits
//! at the largest power of two below its size. Neither `ct-merkle` nor `rs_merkle` offers this
//! for RFC 6962 trees (`rs_merkle`'s multiproofs compare every index with every other, quadratic
//! for a negotiation's thousands of leaves), so it is written here and checked against
//! `ct-merkle`'s root and audit paths in the tests.
//!
//! Verifying costs one hash per leaf and per node on the union of the leaves' paths: for a
//! negotiation's leaves that sit together, about two hashes per leaf instead of log₂ n.

use super::{leaf_hash_of, node_hash, root, JournalError};
use crate::chain::Hash;

/// The proof that the leaves at `indexes` (strictly increasing) are in the tree over `leaves`,
/// whose values are the events' chain hashes.
pub fn prove(leaves: &[Hash], indexes: &[u64]) -> Result<Vec<Hash>, JournalError> {
    check_indexes(indexes.iter().copied(), leaves.len() as u64)?;
    let mut proof = Vec::new();
    prove_range(leaves, 0, indexes, &mut proof);
    Ok(proof)
}

fn prove_range(leaves: &[Hash], offset: u64, indexes: &[u64], proof: &mut Vec<Hash>) {
    if indexes.is_empty() {
        proof.push(root(leaves));
        return;
    }
    if leaves.len() == 1 {
        return;
    }
    let split = split_point(leaves.len() as u64);
    let (left, right) = indexes.split_at(indexes.partition_point(|&i| i < offset + split));
    prove_range(&leaves[..split as usize], offset, left, proof);
    prove_range(&leaves[split as usize..], offset + split, right, proof);
}

/// The root of a tree of `tree_size` leaves that holds `leaves` — (index, chain hash) pairs with
/// strictly increasing indexes — given their `proof`. The proof verifies when this equals the
/// root a checkpoint signed.
pub fn root_from(
    tree_size: u64,
    leaves: &[(u64, Hash)],
    proof: &[Hash],
) -> Result<Hash, JournalError> {
    check_indexes(leaves.iter().map(|(index, _)| *index), tree_size)?;
    if tree_size == 0 {
        return Err(JournalError::ProofFails("the tree is empty".into()));
    }
    let mut proof_hashes = proof.iter();
    let root = root_of_range(tree_size, 0, leaves, &mut proof_hashes)?;
    match proof_hashes.len() {
        0 => Ok(root),
        extra => Err(JournalError::ProofFails(format!(
            "{extra} proof hashes are left over: the proof is for other leaves"
        ))),
    }
}

fn root_of_range(
    size: u64,
    offset: u64,
    leaves: &[(u64, Hash)],
    proof: &mut std::slice::Iter<'_, Hash>,
) -> Result<Hash, JournalError> {
    if leaves.is_empty() {
        return proof.next().copied().ok_or_else(|| {
            JournalError::ProofFails("it has too few hashes: the proof is for other leaves".into())
        });
    }
    if size == 1 {
        debug_assert_eq!(leaves.len(), 1, "indexes are distinct and inside the range");
        return Ok(leaf_hash_of(&leaves[0].1));
    }
    let split = split_point(size);
    let (left, right) = leaves.split_at(leaves.partition_point(|(i, _)| *i < offset + split));
    let left = root_of_range(split, offset, left, proof)?;
    let right = root_of_range(size - split, offset + split, right, proof)?;
    Ok(node_hash(&left, &right))
}

/// RFC 6962 §2.1: the largest power of two smaller than `size` (which is at least 2).
fn split_point(size: u64) -> u64 {
    debug_assert!(size >= 2);
    1 << (63 - (size - 1).leading_zeros())
}

fn check_indexes(indexes: impl Iterator<Item = u64>, tree_size: u64) -> Result<(), JournalError> {
    let mut previous: Option<u64> = None;
    for index in indexes {
        if index >= tree_size {
            return Err(JournalError::OutOfRange { index, tree_size });
        }
        if previous.is_some_and(|p| index <= p) {
            return Err(JournalError::ProofFails(format!(
                "leaf {index} does not follow leaf {}: indexes must strictly increase",
                previous.unwrap_or_default()
            )));
        }
        previous = Some(index);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use sha2::{Digest, Sha256};

    use super::*;
    use crate::journal::inclusion_proof;

    fn leaves(n: u32) -> Vec<Hash> {
        (0..n)
            .map(|i| Sha256::digest(i.to_be_bytes()).into())
            .collect()
    }

    fn proven(leaves: &[Hash], indexes: &[u64]) -> Vec<(u64, Hash)> {
        indexes.iter().map(|&i| (i, leaves[i as usize])).collect()
    }

    /// Every subset of every tree up to 12 leaves, and runs of leaves in larger trees.
    fn subsets() -> impl Iterator<Item = (u32, Vec<u64>)> {
        let small = (1u32..=12).flat_map(|n| {
            (1u32..1 << n).map(move |mask| {
                (
                    n,
                    (0..u64::from(n)).filter(|i| mask >> i & 1 == 1).collect(),
                )
            })
        });
        let runs = [100u32, 127, 128, 129, 1000].into_iter().flat_map(|n| {
            [(0, 1), (0, n), (3, 40), (n - 9, n), (17, 18), (64, 96)]
                .into_iter()
                .filter(move |(a, b)| b <= &n && a < b)
                .map(move |(a, b)| (n, (u64::from(a)..u64::from(b)).collect()))
        });
        small.chain(runs)
    }

    #[test]
    fn every_subset_of_leaves_gives_the_crates_root() {
        for (n, indexes) in subsets() {
            let leaves = leaves(n);
            let proof = prove(&leaves, &indexes).unwrap();
            let got = root_from(u64::from(n), &proven(&leaves, &indexes), &proof).unwrap();
            assert_eq!(got, root(&leaves), "{n} leaves, proving {indexes:?}");
        }
    }

    #[test]
    fn a_single_leaf_proof_holds_the_hashes_of_its_rfc_6962_audit_path() {
        for n in 1u32..=70 {
            let leaves = leaves(n);
            for index in 0..u64::from(n) {
                let mut ours = prove(&leaves, &[index]).unwrap();
                let mut path = inclusion_proof(&leaves, index).unwrap();
                // Ours is left to right; the audit path runs from the leaf up.
                ours.sort_unstable();
                path.sort_unstable();
                assert_eq!(ours, path, "leaf {index} of {n}");
            }
        }
    }

    #[test]
    fn a_proof_of_all_leaves_is_empty_and_of_none_is_the_root() {
        let leaves = leaves(37);
        let all: Vec<u64> = (0..37).collect();
        assert!(prove(&leaves, &all).unwrap().is_empty());
        assert_eq!(prove(&leaves, &[]).unwrap(), vec![root(&leaves)]);
    }

    #[test]
    fn any_change_to_a_leaf_an_index_or_the_proof_is_caught() {
        let leaves = leaves(1000);
        let indexes = [3u64, 4, 5, 400, 401, 999];
        let proof = prove(&leaves, &indexes).unwrap();
        let good = proven(&leaves, &indexes);
        let expected = root(&leaves);
        let differs =
            |leaves: &[(u64, Hash)], proof: &[Hash]| root_from(1000, leaves, proof) != Ok(expected);

        let mut changed_leaf = good.clone();
        changed_leaf[2].1[0] ^= 1;
        assert!(differs(&changed_leaf, &proof));
        let mut moved_leaf = good.clone();
        moved_leaf[3].0 = 402;
        assert!(differs(&moved_leaf, &proof));
        let mut changed_proof = proof.clone();
        changed_proof[0][31] ^= 1;
        assert!(differs(&good, &changed_proof));
        let dropped_leaf: Vec<_> = good[..5].to_vec();
        assert!(differs(&dropped_leaf, &proof));

        let mut extra = proof.clone();
        extra.push([0; 32]);
        assert!(
            matches!(root_from(1000, &good, &extra), Err(JournalError::ProofFails(m)) if m.contains("left over"))
        );
        assert!(
            matches!(root_from(1000, &good, &proof[1..]), Err(JournalError::ProofFails(m)) if m.contains("too few"))
        );
        let swapped = [good[1], good[0]];
        assert!(
            matches!(root_from(1000, &swapped, &proof), Err(JournalError::ProofFails(m)) if m.contains("strictly increase"))
        );
        assert_eq!(
            root_from(10, &good, &proof),
            Err(JournalError::OutOfRange {
                index: 400,
                tree_size: 10
            })
        );
        assert!(prove(&leaves, &[5, 5]).is_err());
    }
}
