//! Whole-ledger verification (`pacta verify` with no negotiation; docs/ledger-format.md §9,
//! "Verifying the whole ledger"): every chain, the journal's leaves against the events in commit
//! order, every stored frontier, every checkpoint and co-signature, and the events the latest
//! checkpoint covers against the store.
//!
//! It reads and never writes: the journal is not caught up first, so a journal that lags behind
//! the events is verified as far as it goes (events after its last leaf are not a finding). Every
//! check runs; what fails is a [`LedgerFinding`] naming the negotiation and sequence, the leaf
//! index or the checkpoint's size.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use cqrs_es::persist::SerializedEvent;
use pacta_domain::{Delegate, NegotiationEvent, Role};
use pacta_verify::chain::{self, ChainError, ChainHead, Hash};
use pacta_verify::journal::{self, CheckpointBody, Frontier, JournalError, SignedCheckpoint};

use crate::store::{CommitCursor, Database, LeafRow, StoreError};

/// How many leaves that do not match the events are named one by one; the rest are counted.
pub const MAX_LEAF_FINDINGS: usize = 5;
/// Events read per query while reading the whole ledger in commit order.
const READ_BATCH_EVENTS: usize = 10_000;

/// One event as a leaf or the store names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRef {
    pub negotiation: String,
    pub sequence: u64,
    /// Lower-case hex of the chain hash (as stored; "none" when the event has no valid one).
    pub chain_hash: String,
}

impl fmt::Display for EventRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "event {} of '{}' (chain hash {})",
            self.sequence, self.negotiation, self.chain_hash
        )
    }
}

/// One reason the ledger does not verify; printed as one line.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum LedgerFinding {
    /// A negotiation's chain is broken (its events are left out of the journal comparison, so
    /// one damage is named once).
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error("journal leaf {index} is missing: the journal has a hole")]
    LeafMissing { index: u64 },
    #[error(
        "journal leaf {index} has a malformed chain hash '{chain_hash}': the journal was altered"
    )]
    LeafMalformed { index: u64, chain_hash: String },
    #[error("journal leaf {index} holds {leaf}, but {}: the journal was altered, or the events were reordered, deleted or rewritten", match .event {
        Some(event) => format!("the event at that place in commit order is {event}"),
        None => "the store holds no event at that place in commit order".to_string(),
    })]
    LeafMismatch {
        index: u64,
        leaf: EventRef,
        event: Option<EventRef>,
    },
    #[error("{count} more journal leaves do not match the events in commit order")]
    MoreLeafMismatches { count: usize },
    #[error("the journal's frontier at size {tree_size} is malformed: {source}")]
    FrontierMalformed {
        tree_size: u64,
        source: JournalError,
    },
    #[error("the journal's frontier at size {tree_size} gives root {stored}, but {}", leaves_give(*.tree_size, .computed))]
    FrontierMismatch {
        tree_size: u64,
        stored: String,
        computed: Option<String>,
    },
    #[error("the ledger has checkpoints but no identity (id and key): it has been altered")]
    NoIdentity,
    #[error("checkpoint {tree_size} names ledger {named_id} and key {named_key}, not the ledger's {ledger_id} and {ledger_key}")]
    CheckpointForeignKey {
        tree_size: u64,
        named_id: String,
        named_key: String,
        ledger_id: String,
        ledger_key: String,
    },
    #[error("checkpoint {tree_size} has a malformed root: {source}")]
    CheckpointMalformedRoot {
        tree_size: u64,
        source: JournalError,
    },
    #[error("checkpoint {tree_size}'s ledger signature does not verify: {source}")]
    CheckpointSignature {
        tree_size: u64,
        source: JournalError,
    },
    #[error("checkpoint {tree_size} signs root {signed}, but {}: the journal was rewritten, or the checkpoint is not consistent with the one before it", leaves_give(*.tree_size, .computed))]
    CheckpointRootMismatch {
        tree_size: u64,
        signed: String,
        computed: Option<String>,
    },
    #[error(
        "the co-signature of {party} on checkpoint {tree_size} is on no checkpoint of the ledger"
    )]
    CosignatureWithoutCheckpoint { party: String, tree_size: u64 },
    #[error("the co-signature of {party} by {person} on checkpoint {tree_size} does not verify: {source}")]
    CosignatureSignature {
        party: String,
        person: String,
        tree_size: u64,
        source: JournalError,
    },
    #[error("the co-signature of {party} on checkpoint {tree_size}: {person} is not accredited as {party}'s signatory with key {public_key} in any negotiation")]
    CosignerNotAccredited {
        party: String,
        person: String,
        public_key: String,
        tree_size: u64,
    },
    #[error("checkpoint {tree_size} covers event {sequence} of '{negotiation}' (leaf {index}), which is no longer in the store ({}): the history was cut short or deleted", match .stored {
        0 => "it holds none of the negotiation's events".to_string(),
        stored => format!("it holds events up to {stored}"),
    })]
    CutShort {
        negotiation: String,
        sequence: u64,
        index: u64,
        tree_size: u64,
        stored: u64,
    },
    #[error("event {sequence} of '{negotiation}' has chain hash {stored} in the store, but checkpoint {tree_size} covers it (leaf {index}) with {covered}: the history was rewritten after the checkpoint")]
    RewrittenAfterCheckpoint {
        negotiation: String,
        sequence: u64,
        index: u64,
        tree_size: u64,
        stored: String,
        covered: String,
    },
}

fn leaves_give(tree_size: u64, computed: &Option<String>) -> String {
    match computed {
        Some(root) => format!("the journal's first {tree_size} leaves give {root}"),
        None => format!("the journal holds fewer than {tree_size} leaves"),
    }
}

/// The journal's records other than its leaves: what is checked against the roots of the leaves.
pub(crate) struct JournalRecords {
    pub(crate) frontiers: Vec<(u64, String)>,
    pub(crate) checkpoints: Vec<SignedCheckpoint>,
    pub(crate) identity: Option<(String, String)>,
    pub(crate) cosignatures: Vec<journal::Cosignature>,
}

/// Frontiers and checkpoints against the roots of the leaves at their sizes (`root_at`), then
/// co-signatures: each verifies, by one of `signatories` (party, person, key). Returns the
/// bodies of the checkpoints whose ledger signature verifies. Shared by `verify_ledger` and
/// the patrol, so both name every finding the same way.
pub(crate) fn check_journal_records(
    journal: &JournalRecords,
    root_at: &impl Fn(u64) -> Option<String>,
    signatories: &BTreeSet<(String, String, String)>,
    findings: &mut Vec<LedgerFinding>,
) -> HashMap<u64, CheckpointBody> {
    for (tree_size, nodes) in &journal.frontiers {
        let tree_size = *tree_size;
        match Frontier::from_hex(tree_size, nodes) {
            Err(source) => findings.push(LedgerFinding::FrontierMalformed { tree_size, source }),
            Ok(frontier) => {
                let stored = hex::encode(frontier.root());
                let computed = root_at(tree_size);
                if computed.as_ref() != Some(&stored) {
                    findings.push(LedgerFinding::FrontierMismatch {
                        tree_size,
                        stored,
                        computed,
                    });
                }
            }
        }
    }
    let checkpoints = &journal.checkpoints;
    let mut bodies = HashMap::new();
    if !checkpoints.is_empty() && journal.identity.is_none() {
        findings.push(LedgerFinding::NoIdentity);
    }
    for checkpoint in checkpoints {
        let identity = journal.identity.as_ref();
        if let Some(body) = check_checkpoint(checkpoint, identity, root_at, findings) {
            bodies.insert(checkpoint.tree_size, body);
        }
    }
    for cosignature in &journal.cosignatures {
        let (party, person) = (&cosignature.party, &cosignature.person);
        let tree_size = cosignature.tree_size;
        let key = (
            party.clone(),
            person.clone(),
            cosignature.public_key.clone(),
        );
        if !signatories.contains(&key) {
            findings.push(LedgerFinding::CosignerNotAccredited {
                party: party.clone(),
                person: person.clone(),
                public_key: cosignature.public_key.clone(),
                tree_size,
            });
        }
        let Some(body) = checkpoint_body(checkpoints, &bodies, tree_size) else {
            findings.push(LedgerFinding::CosignatureWithoutCheckpoint {
                party: party.clone(),
                tree_size,
            });
            continue;
        };
        if let Err(source) = journal::verify_signature(
            &cosignature.public_key,
            &body.cosignature_message(cosignature.signed_at),
            &cosignature.signature,
        ) {
            findings.push(LedgerFinding::CosignatureSignature {
                party: party.clone(),
                person: person.clone(),
                tree_size,
                source,
            });
        }
    }
    bodies
}

/// (party, person, public key) of the signatory `event` accredits with a signing key, if it does.
pub(crate) fn accredited_signatory(event: &SerializedEvent) -> Option<(String, String, String)> {
    if event.event_type != "DelegateAccredited" {
        return None;
    }
    let Ok(NegotiationEvent::DelegateAccredited { delegate }) =
        serde_json::from_value::<NegotiationEvent>(event.payload.clone())
    else {
        return None;
    };
    let key = signatory_key(&delegate)?;
    Some((delegate.party, delegate.person, key))
}

/// What a ledger that verifies was checked to hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LedgerReport {
    /// Each negotiation and the head its chain verified to, in order of id.
    pub negotiations: Vec<(String, ChainHead)>,
    pub events: u64,
    /// Leaves checked against the events in commit order.
    pub leaves: u64,
    pub frontiers: usize,
    pub checkpoints: usize,
    pub cosignatures: usize,
    /// The latest checkpoint's size: every event it covers is still in the store, unchanged.
    pub latest_checkpoint: Option<u64>,
}

impl LedgerReport {
    /// Events recorded after the journal's last leaf (the projector has not caught up yet).
    pub fn not_yet_journaled(&self) -> u64 {
        self.events.saturating_sub(self.leaves)
    }
}

/// Verifies the whole ledger. The outer error is a store that could not be read; the inner one
/// is every finding, in the order of the checks.
pub async fn verify_ledger(
    database: &Database,
) -> Result<Result<LedgerReport, Vec<LedgerFinding>>, StoreError> {
    let events = read_all(database).await?;
    let rows = database.journal_leaf_rows().await?;
    let frontiers = database.journal_frontiers().await?;
    let checkpoints = database.checkpoints().await?;
    let identity = database.ledger_identity().await?;
    let cosignatures = database.all_cosignatures().await?;

    let mut findings = Vec::new();
    let mut report = LedgerReport {
        events: events.len() as u64,
        leaves: rows.len() as u64,
        frontiers: frontiers.len(),
        checkpoints: checkpoints.len(),
        cosignatures: cosignatures.len(),
        latest_checkpoint: checkpoints.last().map(|c| c.tree_size),
        ..LedgerReport::default()
    };

    // 1. Every chain, from its first event.
    let commit_order: Vec<EventRef> = events.iter().map(event_ref).collect();
    let mut streams: BTreeMap<String, Vec<SerializedEvent>> = BTreeMap::new();
    for event in events {
        streams
            .entry(event.aggregate_id.clone())
            .or_default()
            .push(event);
    }
    let mut broken = BTreeSet::new();
    for (id, stream) in &mut streams {
        stream.sort_by_key(|e| e.sequence);
        match chain::verify_stream(id, stream) {
            Ok(head) => report.negotiations.push((id.clone(), head)),
            Err(error) => {
                broken.insert(id.clone());
                findings.push(LedgerFinding::Chain(error));
            }
        }
    }

    let chain_findings = findings.len();

    // 2. The leaves against the events in commit order.
    let leaves = check_leaves(&rows, &commit_order, &broken, &mut findings);

    // 3 and 4. Frontiers and checkpoints against the roots of the leaves at their sizes.
    let mut sizes: Vec<u64> = frontiers.iter().map(|(size, _)| *size).collect();
    sizes.extend(checkpoints.iter().map(|c| c.tree_size));
    let roots = roots_at(&leaves, sizes);
    let root_at = |size: u64| roots.get(&size).map(hex::encode);
    // 5. Co-signatures: each verifies, by a signatory some negotiation accredits for that party
    //    with that key.
    let signatories = accredited_signatories(&streams, &broken);
    let journal = JournalRecords {
        frontiers,
        checkpoints,
        identity,
        cosignatures,
    };
    let bodies = check_journal_records(&journal, &root_at, &signatories, &mut findings);
    let checkpoints = journal.checkpoints;

    // 6. Every event the latest checkpoint covers is still in the store, with its chain hash.
    //    The leaves speak for the checkpoint only when its signature verifies and they give its
    //    root; otherwise that is the finding, and the leaves are not held against the events.
    if let Some(latest) = checkpoints.last() {
        let signed = bodies.contains_key(&latest.tree_size);
        if signed && root_at(latest.tree_size).as_ref() == Some(&latest.root_hash) {
            // Named right after the chains: a cut or rewritten history is the cause of the
            // leaf findings that follow from it.
            let mut covered = Vec::new();
            check_covered(latest.tree_size, &rows, &streams, &mut covered);
            findings.splice(chain_findings..chain_findings, covered);
        }
    }

    Ok(if findings.is_empty() {
        Ok(report)
    } else {
        Err(findings)
    })
}

/// The whole ledger in commit order (`Database::read_committed`).
async fn read_all(database: &Database) -> Result<Vec<SerializedEvent>, StoreError> {
    let mut events = Vec::new();
    let mut cursor = CommitCursor::default();
    loop {
        let batch = database.read_committed(cursor, READ_BATCH_EVENTS).await?;
        let Some(last) = batch.last() else {
            return Ok(events);
        };
        cursor = last.cursor;
        events.extend(batch.into_iter().map(|e| e.event));
    }
}

pub(crate) fn event_ref(event: &SerializedEvent) -> EventRef {
    EventRef {
        negotiation: event.aggregate_id.clone(),
        sequence: event.sequence as u64,
        chain_hash: chain::hash_field(event).map_or("none".into(), hex::encode),
    }
}

/// Leaf `i` must be the `i`-th event in commit order: the same negotiation, sequence and chain
/// hash. The events of negotiations whose chain is broken are left out of both sides (their
/// chain finding names the damage; comparing them would name it again at every later leaf).
/// Returns the leaves' chain hashes in leaf order, for the roots.
fn check_leaves(
    rows: &[LeafRow],
    commit_order: &[EventRef],
    broken: &BTreeSet<String>,
    findings: &mut Vec<LedgerFinding>,
) -> Vec<Hash> {
    let mut leaves = Vec::with_capacity(rows.len());
    let mut events = commit_order
        .iter()
        .filter(|e| !broken.contains(&e.negotiation));
    let mut mismatches = 0;
    for (expected, row) in rows.iter().enumerate() {
        let expected = expected as u64;
        if row.leaf_index != expected {
            findings.push(LedgerFinding::LeafMissing { index: expected });
        }
        let hash = match journal::parse_hash(&row.chain_hash) {
            Ok(hash) => hash,
            Err(_) => {
                findings.push(LedgerFinding::LeafMalformed {
                    index: row.leaf_index,
                    chain_hash: row.chain_hash.clone(),
                });
                [0; 32]
            }
        };
        leaves.push(hash);
        if broken.contains(&row.negotiation_id) {
            continue;
        }
        let leaf = EventRef {
            negotiation: row.negotiation_id.clone(),
            sequence: row.sequence,
            chain_hash: row.chain_hash.clone(),
        };
        let event = events.next().cloned();
        if event.as_ref() != Some(&leaf) {
            mismatches += 1;
            if mismatches <= MAX_LEAF_FINDINGS {
                findings.push(LedgerFinding::LeafMismatch {
                    index: row.leaf_index,
                    leaf,
                    event,
                });
            }
        }
    }
    if mismatches > MAX_LEAF_FINDINGS {
        findings.push(LedgerFinding::MoreLeafMismatches {
            count: mismatches - MAX_LEAF_FINDINGS,
        });
    }
    leaves
}

/// The root of the first `size` leaves for each of `sizes` the journal reaches, in one pass.
fn roots_at(leaves: &[Hash], mut sizes: Vec<u64>) -> HashMap<u64, Hash> {
    sizes.sort_unstable();
    sizes.dedup();
    let mut roots = HashMap::new();
    let mut frontier = Frontier::default();
    let mut wanted = sizes.into_iter().peekable();
    while wanted.peek() == Some(&0) {
        wanted.next();
    }
    for leaf in leaves {
        frontier.push(leaf);
        if wanted.peek() == Some(&frontier.size()) {
            roots.insert(frontier.size(), frontier.root());
            wanted.next();
        }
    }
    roots
}

/// A checkpoint's identity, signature and root; its body when the signature verifies.
fn check_checkpoint(
    checkpoint: &SignedCheckpoint,
    identity: Option<&(String, String)>,
    root_at: &impl Fn(u64) -> Option<String>,
    findings: &mut Vec<LedgerFinding>,
) -> Option<CheckpointBody> {
    let tree_size = checkpoint.tree_size;
    if let Some((ledger_id, ledger_key)) = identity {
        if (&checkpoint.ledger_id, &checkpoint.ledger_public_key) != (ledger_id, ledger_key) {
            findings.push(LedgerFinding::CheckpointForeignKey {
                tree_size,
                named_id: checkpoint.ledger_id.clone(),
                named_key: checkpoint.ledger_public_key.clone(),
                ledger_id: ledger_id.clone(),
                ledger_key: ledger_key.clone(),
            });
        }
    }
    let body = match checkpoint.body() {
        Ok(body) => body,
        Err(source) => {
            findings.push(LedgerFinding::CheckpointMalformedRoot { tree_size, source });
            return None;
        }
    };
    // The ledger's key signs every checkpoint; a checkpoint naming another key was reported.
    let key = identity.map_or(&checkpoint.ledger_public_key, |(_, key)| key);
    let signed = journal::verify_signature(key, &body.body(), &checkpoint.signature);
    if let Err(source) = &signed {
        findings.push(LedgerFinding::CheckpointSignature {
            tree_size,
            source: source.clone(),
        });
    }
    let computed = root_at(tree_size);
    if computed.as_ref() != Some(&checkpoint.root_hash) {
        findings.push(LedgerFinding::CheckpointRootMismatch {
            tree_size,
            signed: checkpoint.root_hash.clone(),
            computed,
        });
    }
    signed.ok().map(|()| body)
}

/// The body a co-signature signs: the checkpoint's, as the ledger signed it (or as stored, when
/// the ledger's signature did not verify: that is its own finding).
fn checkpoint_body(
    checkpoints: &[SignedCheckpoint],
    bodies: &HashMap<u64, CheckpointBody>,
    tree_size: u64,
) -> Option<CheckpointBody> {
    if let Some(body) = bodies.get(&tree_size) {
        return Some(body.clone());
    }
    let checkpoint = checkpoints.iter().find(|c| c.tree_size == tree_size)?;
    checkpoint.body().ok()
}

/// (party, person, public key) of every signatory accredited with a signing key in the intact
/// chains.
fn accredited_signatories(
    streams: &BTreeMap<String, Vec<SerializedEvent>>,
    broken: &BTreeSet<String>,
) -> BTreeSet<(String, String, String)> {
    streams
        .iter()
        .filter(|(id, _)| !broken.contains(*id))
        .flat_map(|(_, stream)| stream.iter().filter_map(accredited_signatory))
        .collect()
}

/// The key a delegate signs with, if they are accredited as a signatory with one.
fn signatory_key(delegate: &Delegate) -> Option<String> {
    (delegate.role == Role::Signatory)
        .then_some(delegate.signing.as_ref())
        .flatten()
        .map(|s| s.public_key.clone())
}

/// Each negotiation's events that checkpoint `tree_size` covers must still be stored with the
/// chain hash its leaf holds; the first that is not is named, once per negotiation.
fn check_covered(
    tree_size: u64,
    rows: &[LeafRow],
    streams: &BTreeMap<String, Vec<SerializedEvent>>,
    findings: &mut Vec<LedgerFinding>,
) {
    let mut named = BTreeSet::new();
    for row in rows.iter().filter(|r| r.leaf_index < tree_size) {
        if named.contains(&row.negotiation_id) {
            continue;
        }
        let stream = streams.get(&row.negotiation_id);
        let stored = stream.and_then(|s| {
            s.binary_search_by_key(&row.sequence, |e| e.sequence as u64)
                .ok()
                .map(|at| &s[at])
        });
        let finding = match stored {
            None => LedgerFinding::CutShort {
                negotiation: row.negotiation_id.clone(),
                sequence: row.sequence,
                index: row.leaf_index,
                tree_size,
                stored: stream
                    .and_then(|s| s.last())
                    .map_or(0, |e| e.sequence as u64),
            },
            Some(event) => {
                let stored = chain::hash_field(event).map_or("none".into(), hex::encode);
                if stored == row.chain_hash {
                    continue;
                }
                LedgerFinding::RewrittenAfterCheckpoint {
                    negotiation: row.negotiation_id.clone(),
                    sequence: row.sequence,
                    index: row.leaf_index,
                    tree_size,
                    stored,
                    covered: row.chain_hash.clone(),
                }
            }
        };
        named.insert(row.negotiation_id.clone());
        findings.push(finding);
    }
}
