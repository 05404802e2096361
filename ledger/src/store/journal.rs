//! The journal's tables: its leaves (written only by the projector, `crate::views`), the ledger's
//! identity, checkpoints and co-signatures. Reads return what is stored; checking it against the
//! tree and the signatures is the caller's job (`pacta_verify::journal` is the pure half).

use std::collections::BTreeMap;

use super::{Database, JournalDamage, StoreError};
use pacta_verify::chain::Hash;
use pacta_verify::journal::{Cosignature, SignedCheckpoint};

type CheckpointRow = (i64, String, i64, String, String, String);
type CosignatureRow = (i64, String, String, String, String, i64);

const CHECKPOINT_COLUMNS: &str =
    "tree_size, root_hash, created_at, ledger_id, ledger_public_key, signature";
const COSIGNATURE_COLUMNS: &str = "tree_size, party, person, public_key, signature, signed_at";

fn checkpoint(
    (tree_size, root_hash, created_at, ledger_id, key, signature): CheckpointRow,
) -> SignedCheckpoint {
    SignedCheckpoint {
        tree_size: tree_size.max(0) as u64,
        root_hash,
        created_at,
        ledger_id,
        ledger_public_key: key,
        signature,
    }
}

fn cosignature(
    (tree_size, party, person, public_key, signature, signed_at): CosignatureRow,
) -> Cosignature {
    Cosignature {
        tree_size: tree_size.max(0) as u64,
        party,
        person,
        public_key,
        signature,
        signed_at,
    }
}

/// One stored journal leaf, as the table holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeafRow {
    pub leaf_index: u64,
    pub negotiation_id: String,
    pub sequence: u64,
    /// Lower-case hex, as stored; parsing it is the reader's check.
    pub chain_hash: String,
}

fn leaf_row((index, negotiation_id, sequence, chain_hash): (i64, String, i64, String)) -> LeafRow {
    LeafRow {
        leaf_index: index.max(0) as u64,
        negotiation_id,
        sequence: sequence.max(0) as u64,
        chain_hash,
    }
}

fn size_param(size: u64) -> i64 {
    i64::try_from(size).unwrap_or(i64::MAX)
}

impl Database {
    /// How many leaves the journal holds.
    pub async fn journal_size(&self) -> Result<u64, StoreError> {
        self.count("SELECT count(*) FROM journal_leaves").await
    }

    /// The chain hashes of the first `tree_size` leaves, in leaf order. Loads them all: 32 bytes
    /// of hash (and 64 of hex while reading) per leaf. Fails unless leaves 0..tree_size-1 are all
    /// there, so a tree is never built over a journal with a hole.
    pub async fn journal_leaves(&self, tree_size: u64) -> Result<Vec<Hash>, StoreError> {
        const QUERY: &str = "SELECT leaf_index, chain_hash FROM journal_leaves
                              WHERE leaf_index < $1 ORDER BY leaf_index";
        let rows: Vec<(i64, String)> = fetch!(
            self,
            fetch_all,
            sqlx::query_as(QUERY).bind(size_param(tree_size))
        );
        let mut leaves = Vec::with_capacity(rows.len());
        for (expected, (leaf_index, chain_hash)) in rows.into_iter().enumerate() {
            let hash = pacta_verify::journal::parse_hash(&chain_hash).ok();
            match hash {
                Some(hash) if leaf_index == expected as i64 => leaves.push(hash),
                _ => {
                    return Err(JournalDamage::LeafMissing {
                        index: expected as u64,
                    }
                    .into())
                }
            }
        }
        if leaves.len() as u64 != tree_size {
            return Err(JournalDamage::TooFewLeaves {
                held: leaves.len() as u64,
                tree_size,
            }
            .into());
        }
        Ok(leaves)
    }

    /// The root of the first `tree_size` leaves from the frontier the projector stored at that
    /// size, in log₂ n hashes; `None` where none was stored (a journal begun before frontiers
    /// were kept), and the caller folds the leaves instead.
    pub async fn journal_root(&self, tree_size: u64) -> Result<Option<Hash>, StoreError> {
        const QUERY: &str = "SELECT nodes FROM journal_frontiers WHERE tree_size = $1";
        let nodes: Option<String> = fetch!(
            self,
            fetch_optional,
            sqlx::query_scalar(QUERY).bind(size_param(tree_size))
        );
        nodes
            .map(|nodes| {
                pacta_verify::journal::Frontier::from_hex(tree_size, &nodes)
                    .map(|frontier| frontier.root())
                    .map_err(|source| JournalDamage::MalformedFrontier { tree_size, source }.into())
            })
            .transpose()
    }

    /// The leaf index and chain hash of one event, if the journal holds it.
    pub async fn journal_leaf_of(
        &self,
        negotiation_id: &str,
        sequence: u64,
    ) -> Result<Option<(u64, String)>, StoreError> {
        const QUERY: &str = "SELECT leaf_index, chain_hash FROM journal_leaves
                              WHERE negotiation_id = $1 AND sequence = $2";
        let row: Option<(i64, String)> = fetch!(
            self,
            fetch_optional,
            sqlx::query_as(QUERY)
                .bind(negotiation_id)
                .bind(size_param(sequence))
        );
        Ok(row.map(|(index, hash)| (index.max(0) as u64, hash)))
    }

    /// The leaf index of each event of `negotiation_id` the journal holds, by sequence, in one
    /// read: an export compares them with the stored events, so a history cut short under the
    /// journal is refused.
    pub async fn journal_leaves_of(
        &self,
        negotiation_id: &str,
    ) -> Result<BTreeMap<u64, u64>, StoreError> {
        const QUERY: &str =
            "SELECT sequence, leaf_index FROM journal_leaves WHERE negotiation_id = $1";
        let rows: Vec<(i64, i64)> =
            fetch!(self, fetch_all, sqlx::query_as(QUERY).bind(negotiation_id));
        Ok(rows
            .into_iter()
            .map(|(sequence, index)| (sequence.max(0) as u64, index.max(0) as u64))
            .collect())
    }

    /// Every stored leaf row, in leaf order, unchecked: (leaf index, negotiation, sequence,
    /// chain hash as stored). Whole-ledger verification reads them as they are, holes included.
    pub async fn journal_leaf_rows(&self) -> Result<Vec<LeafRow>, StoreError> {
        const QUERY: &str = "SELECT leaf_index, negotiation_id, sequence, chain_hash
                               FROM journal_leaves ORDER BY leaf_index";
        let rows: Vec<(i64, String, i64, String)> = fetch!(self, fetch_all, sqlx::query_as(QUERY));
        Ok(rows.into_iter().map(leaf_row).collect())
    }

    /// At most `limit` leaves from index `from` on, in leaf order: the patrol reads the journal
    /// a slice at a time.
    pub async fn journal_leaf_rows_from(
        &self,
        from: u64,
        limit: usize,
    ) -> Result<Vec<LeafRow>, StoreError> {
        const QUERY: &str = "SELECT leaf_index, negotiation_id, sequence, chain_hash
                               FROM journal_leaves WHERE leaf_index >= $1
                              ORDER BY leaf_index LIMIT $2";
        let rows: Vec<(i64, String, i64, String)> = fetch!(
            self,
            fetch_all,
            sqlx::query_as(QUERY)
                .bind(size_param(from))
                .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        );
        Ok(rows.into_iter().map(leaf_row).collect())
    }

    /// Every stored frontier, by size: (tree size, nodes as concatenated hex), unchecked.
    pub async fn journal_frontiers(&self) -> Result<Vec<(u64, String)>, StoreError> {
        const QUERY: &str = "SELECT tree_size, nodes FROM journal_frontiers ORDER BY tree_size";
        let rows: Vec<(i64, String)> = fetch!(self, fetch_all, sqlx::query_as(QUERY));
        Ok(rows
            .into_iter()
            .map(|(size, nodes)| (size.max(0) as u64, nodes))
            .collect())
    }

    /// Every checkpoint, smallest first, unchecked.
    pub async fn checkpoints(&self) -> Result<Vec<SignedCheckpoint>, StoreError> {
        let query = format!("SELECT {CHECKPOINT_COLUMNS} FROM checkpoints ORDER BY tree_size");
        let rows: Vec<CheckpointRow> = fetch!(self, fetch_all, sqlx::query_as(&query));
        Ok(rows.into_iter().map(checkpoint).collect())
    }

    /// Every co-signature of every checkpoint, by checkpoint then party, unchecked.
    pub async fn all_cosignatures(&self) -> Result<Vec<Cosignature>, StoreError> {
        let query =
            format!("SELECT {COSIGNATURE_COLUMNS} FROM cosignatures ORDER BY tree_size, party");
        let rows: Vec<CosignatureRow> = fetch!(self, fetch_all, sqlx::query_as(&query));
        Ok(rows.into_iter().map(cosignature).collect())
    }

    /// The ledger's id and checkpoint public key, once the first checkpoint has fixed them.
    pub async fn ledger_identity(&self) -> Result<Option<(String, String)>, StoreError> {
        const QUERY: &str = "SELECT ledger_id, public_key FROM ledger_identity";
        Ok(fetch!(self, fetch_optional, sqlx::query_as(QUERY)))
    }

    /// The checkpoint of `tree_size` leaves, or the latest when `None`.
    pub async fn checkpoint(
        &self,
        tree_size: Option<u64>,
    ) -> Result<Option<SignedCheckpoint>, StoreError> {
        let query = format!(
            "SELECT {CHECKPOINT_COLUMNS} FROM checkpoints
              WHERE tree_size = $1 OR $1 < 0 ORDER BY tree_size DESC LIMIT 1"
        );
        let size = tree_size.map_or(-1, size_param);
        let row: Option<CheckpointRow> =
            fetch!(self, fetch_optional, sqlx::query_as(&query).bind(size));
        Ok(row.map(checkpoint))
    }

    /// Records a checkpoint; with the first, the ledger's identity. Refuses (writing nothing) if
    /// the identity on record names another key, or a checkpoint of that size exists.
    pub async fn insert_checkpoint(&self, checkpoint: &SignedCheckpoint) -> Result<(), StoreError> {
        const IDENTITY: &str = "INSERT INTO ledger_identity (ledger_id, public_key) VALUES ($1, $2)
                                ON CONFLICT DO NOTHING";
        const READ_IDENTITY: &str = "SELECT ledger_id, public_key FROM ledger_identity";
        let insert = format!(
            "INSERT INTO checkpoints ({CHECKPOINT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        );
        let identity = (
            checkpoint.ledger_id.clone(),
            checkpoint.ledger_public_key.clone(),
        );
        on_pool!(self, |pool| {
            let mut tx = super::begin_whole(pool, "BEGIN").await?;
            sqlx::query(IDENTITY)
                .bind(&identity.0)
                .bind(&identity.1)
                .execute(&mut *tx)
                .await?;
            let stored: (String, String) =
                sqlx::query_as(READ_IDENTITY).fetch_one(&mut *tx).await?;
            if stored != identity {
                return Err(JournalDamage::ForeignLedgerKey {
                    recorded: stored.1,
                    given: identity.1,
                }
                .into());
            }
            sqlx::query(&insert)
                .bind(size_param(checkpoint.tree_size))
                .bind(&checkpoint.root_hash)
                .bind(checkpoint.created_at)
                .bind(&checkpoint.ledger_id)
                .bind(&checkpoint.ledger_public_key)
                .bind(&checkpoint.signature)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every co-signature of the checkpoint of `tree_size` leaves, by party.
    pub async fn cosignatures(&self, tree_size: u64) -> Result<Vec<Cosignature>, StoreError> {
        let query = format!(
            "SELECT {COSIGNATURE_COLUMNS} FROM cosignatures WHERE tree_size = $1 ORDER BY party"
        );
        let rows: Vec<CosignatureRow> = fetch!(
            self,
            fetch_all,
            sqlx::query_as(&query).bind(size_param(tree_size))
        );
        Ok(rows.into_iter().map(cosignature).collect())
    }

    /// The co-signature of `party` on the largest checkpoint it co-signed.
    pub async fn last_cosignature(&self, party: &str) -> Result<Option<Cosignature>, StoreError> {
        let query = format!(
            "SELECT {COSIGNATURE_COLUMNS} FROM cosignatures WHERE party = $1
              ORDER BY tree_size DESC LIMIT 1"
        );
        let row: Option<CosignatureRow> =
            fetch!(self, fetch_optional, sqlx::query_as(&query).bind(party));
        Ok(row.map(cosignature))
    }

    pub async fn insert_cosignature(&self, cosignature: &Cosignature) -> Result<(), StoreError> {
        let insert = format!(
            "INSERT INTO cosignatures ({COSIGNATURE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"
        );
        on_pool!(self, |pool| sqlx::query(&insert)
            .bind(size_param(cosignature.tree_size))
            .bind(&cosignature.party)
            .bind(&cosignature.person)
            .bind(&cosignature.public_key)
            .bind(&cosignature.signature)
            .bind(cosignature.signed_at)
            .execute(pool)
            .await
            .map(|_| ())?);
        Ok(())
    }
}
