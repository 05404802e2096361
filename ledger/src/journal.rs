//! The journal over the store: signed checkpoints, co-signatures, inclusion and consistency
//! proofs, and audit bundles, each checked before it is returned.
//!
//! The formats and the checks are `pacta_verify`'s; this module reads and writes the tables
//! (`store::journal`) around them. Time and keys arrive as arguments: the CLI reads the clock and
//! the key file. Every failure is a [`JournalFailure`] saying whether the ledger's record is at
//! fault (an integrity failure) or the request cannot be met.

use std::collections::BTreeMap;

use cqrs_es::persist::SerializedEvent;
use ed25519_dalek::SigningKey;
use pacta_domain::{Negotiation, NegotiationEvent, SigningMessage};
use pacta_verify::audit::{
    self, Bundle, BundleCosignature, BundleEvent, ConsistencyFrom, DraftSignature, Header, Keys,
    PartyKey, SignedText, FORMAT_VERSION,
};
use pacta_verify::chain::{self, ChainError, Hash};
use pacta_verify::journal::{self, CheckpointBody, Cosignature, JournalError, SignedCheckpoint};

use crate::store::{Database, StoreError};
use crate::verification::LedgerFinding;
use crate::views::{Projector, ViewError};
use crate::{Ledger, LedgerError};

/// Why a checkpoint, a proof or a bundle was not made. `is_integrity` tells a damaged record
/// (exit 3, never to be acted on) from a request that cannot be met.
#[derive(Debug, thiserror::Error)]
pub enum JournalFailure {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Views(#[from] ViewError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error("no checkpoint of size {0} (pacta checkpoint show names the latest)")]
    NoCheckpoint(u64),
    #[error("no checkpoint yet (pacta checkpoint create --key FILE makes one)")]
    NoCheckpointYet,
    #[error("the journal is empty: there is nothing to checkpoint yet")]
    EmptyJournal,
    #[error(
        "checkpoint {0} exists already: no event was recorded since (pacta checkpoint show {0})"
    )]
    CheckpointExists(u64),
    #[error("the key given is not the ledger's key: checkpoints of this ledger are signed with {recorded}")]
    NotLedgerKey { recorded: String },
    #[error("{person} is not an accredited signatory of any negotiation: only a party's signatory co-signs")]
    NotASignatory { person: String },
    #[error("the key given is not {person}'s accredited signing key (accredited: {accredited})")]
    NotAccreditedKey { person: String, accredited: String },
    #[error(
        "{party} has already co-signed checkpoint {tree_size}: co-sign only later checkpoints"
    )]
    AlreadyCosigned { party: String, tree_size: u64 },
    #[error("event {sequence} of '{negotiation}' is not in the journal")]
    NotJournaled {
        negotiation: String,
        sequence: usize,
    },
    #[error("event {sequence} of '{negotiation}' is leaf {index}, after checkpoint {tree_size} ends: create a later checkpoint (pacta checkpoint create)")]
    AfterCheckpoint {
        negotiation: String,
        sequence: usize,
        index: u64,
        tree_size: u64,
    },
    #[error("the old checkpoint ({old_size}) must not be larger than the new one ({new_size})")]
    OldAfterNew { old_size: u64, new_size: u64 },
    #[error("no negotiation '{0}' on record")]
    UnknownNegotiation(String),
    // What follows is the record contradicting itself: integrity failures.
    #[error("the ledger has checkpoints but no identity: it has been altered")]
    NoIdentity,
    #[error("checkpoint {tree_size} names key {named}, not the ledger's key {ledger}")]
    ForeignKey {
        tree_size: u64,
        named: String,
        ledger: String,
    },
    #[error("checkpoint {tree_size} has a malformed root: {source}")]
    MalformedRoot {
        tree_size: u64,
        source: JournalError,
    },
    #[error("checkpoint {tree_size}'s ledger signature: {source}")]
    BadSignature {
        tree_size: u64,
        source: JournalError,
    },
    #[error("the co-signature of {party} on checkpoint {tree_size}: {source}")]
    BadCosignature {
        party: String,
        tree_size: u64,
        source: JournalError,
    },
    #[error("checkpoint {tree_size} does not match the journal: it signs root {signed}, the journal's first {tree_size} leaves give {computed}")]
    RootMismatch {
        tree_size: u64,
        signed: String,
        computed: String,
    },
    #[error("the journal does not extend checkpoint {tree_size}: it signs root {signed}, the journal gives {computed} at that size")]
    DoesNotExtend {
        tree_size: u64,
        signed: String,
        computed: String,
    },
    #[error("checkpoint {new_size} is not consistent with checkpoint {old_size}: {source}")]
    Inconsistent {
        old_size: u64,
        new_size: u64,
        source: JournalError,
    },
    #[error("the inclusion of leaf {index} in checkpoint {tree_size}: {source}")]
    NotIncluded {
        index: u64,
        tree_size: u64,
        source: JournalError,
    },
    #[error("a journal proof could not be made: {0}")]
    Proof(JournalError),
    #[error("the journal records {journaled} events of '{negotiation}' but the store holds none: the negotiation was deleted")]
    Deleted { negotiation: String, journaled: u64 },
    #[error("the journal records events of '{negotiation}' up to {journaled}, the store up to {stored}: the history was cut short or rewritten")]
    Truncated {
        negotiation: String,
        journaled: String,
        stored: usize,
    },
    #[error("journal leaf {index} does not hold event {sequence} of '{negotiation}': the journal was altered")]
    LeafAltered {
        negotiation: String,
        sequence: usize,
        index: u64,
    },
    #[error("event {sequence} of '{negotiation}' cannot be read as an event: {reason}")]
    Undecodable {
        negotiation: String,
        sequence: usize,
        reason: String,
    },
    /// What whole-ledger verification found (`verification::verify_ledger`), one per line.
    #[error("{}", findings_lines(.0))]
    LedgerFindings(Vec<LedgerFinding>),
}

fn findings_lines(findings: &[LedgerFinding]) -> String {
    let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

impl JournalFailure {
    /// True when the ledger's own record is at fault: a broken chain, a signature or proof that
    /// does not hold, a journal that contradicts the events.
    pub fn is_integrity(&self) -> bool {
        use JournalFailure as F;
        match self {
            F::Chain(_)
            | F::NoIdentity
            | F::ForeignKey { .. }
            | F::MalformedRoot { .. }
            | F::BadSignature { .. }
            | F::BadCosignature { .. }
            | F::RootMismatch { .. }
            | F::DoesNotExtend { .. }
            | F::Inconsistent { .. }
            | F::NotIncluded { .. }
            | F::Deleted { .. }
            | F::Truncated { .. }
            | F::LeafAltered { .. }
            | F::Undecodable { .. }
            | F::LedgerFindings(_) => true,
            F::Ledger(error) => matches!(error, LedgerError::Integrity(_)),
            F::Views(error) => error.is_integrity(),
            F::Store(_)
            | F::Proof(_)
            | F::NoCheckpoint(_)
            | F::NoCheckpointYet
            | F::EmptyJournal
            | F::CheckpointExists(_)
            | F::NotLedgerKey { .. }
            | F::NotASignatory { .. }
            | F::NotAccreditedKey { .. }
            | F::AlreadyCosigned { .. }
            | F::NotJournaled { .. }
            | F::AfterCheckpoint { .. }
            | F::OldAfterNew { .. }
            | F::UnknownNegotiation(_) => false,
        }
    }
}

type Result<T> = std::result::Result<T, JournalFailure>;

/// The body a checkpoint's signature covers.
pub fn body_of(checkpoint: &SignedCheckpoint) -> Result<CheckpointBody> {
    checkpoint
        .body()
        .map_err(|source| JournalFailure::MalformedRoot {
            tree_size: checkpoint.tree_size,
            source,
        })
}

fn root_of(checkpoint: &SignedCheckpoint) -> Result<Hash> {
    Ok(body_of(checkpoint)?.root)
}

/// Brings the journal up to every committed event, so what follows covers the whole ledger.
async fn catch_up(database: &Database) -> Result<()> {
    Projector::new(database.clone()).catch_up_to_now().await?;
    Ok(())
}

/// The checkpoint of `size` leaves (the latest when `None`), its ledger signature verified under
/// the ledger's key.
pub async fn verified_checkpoint(
    database: &Database,
    size: Option<u64>,
) -> Result<SignedCheckpoint> {
    let checkpoint = database.checkpoint(size).await?.ok_or(match size {
        Some(size) => JournalFailure::NoCheckpoint(size),
        None => JournalFailure::NoCheckpointYet,
    })?;
    let (ledger_id, public_key) = database
        .ledger_identity()
        .await?
        .ok_or(JournalFailure::NoIdentity)?;
    if checkpoint.ledger_public_key != public_key || checkpoint.ledger_id != ledger_id {
        return Err(JournalFailure::ForeignKey {
            tree_size: checkpoint.tree_size,
            named: checkpoint.ledger_public_key,
            ledger: public_key,
        });
    }
    journal::verify_signature(
        &public_key,
        &body_of(&checkpoint)?.body(),
        &checkpoint.signature,
    )
    .map_err(|source| JournalFailure::BadSignature {
        tree_size: checkpoint.tree_size,
        source,
    })?;
    Ok(checkpoint)
}

/// The stored leaves of `checkpoint`, checked to give its root.
pub async fn leaves_matching(
    database: &Database,
    checkpoint: &SignedCheckpoint,
) -> Result<Vec<Hash>> {
    let leaves = database.journal_leaves(checkpoint.tree_size).await?;
    let root = hex::encode(journal::root(&leaves));
    if root != checkpoint.root_hash {
        return Err(JournalFailure::RootMismatch {
            tree_size: checkpoint.tree_size,
            signed: checkpoint.root_hash.clone(),
            computed: root,
        });
    }
    Ok(leaves)
}

/// Checks with a consistency proof, made from `leaves` (the new checkpoint's), that `old` is a
/// prefix of `new`; returns the proof.
pub fn prove_consistent(
    old: &SignedCheckpoint,
    new: &SignedCheckpoint,
    leaves: &[Hash],
) -> Result<Vec<Hash>> {
    let proof = journal::consistency_proof(leaves, old.tree_size).map_err(JournalFailure::Proof)?;
    journal::verify_consistency(
        &root_of(old)?,
        old.tree_size,
        &root_of(new)?,
        new.tree_size,
        &proof,
    )
    .map_err(|source| JournalFailure::Inconsistent {
        old_size: old.tree_size,
        new_size: new.tree_size,
        source,
    })?;
    Ok(proof)
}

/// Signs a checkpoint of the whole journal with the ledger's key, at `now_unix_s`. The first
/// checkpoint fixes the ledger's id (`new_ledger_id`) and key; a later one must be signed with the
/// same key and extend the last.
pub async fn create_checkpoint(
    database: &Database,
    key: &SigningKey,
    now_unix_s: i64,
    new_ledger_id: impl FnOnce() -> String,
) -> Result<SignedCheckpoint> {
    let public_key = hex::encode(key.verifying_key().as_bytes());
    let ledger_id = match database.ledger_identity().await? {
        Some((_, recorded)) if recorded != public_key => {
            return Err(JournalFailure::NotLedgerKey { recorded })
        }
        Some((ledger_id, _)) => ledger_id,
        None => new_ledger_id(),
    };
    catch_up(database).await?;
    let tree_size = database.journal_size().await?;
    if tree_size == 0 {
        return Err(JournalFailure::EmptyJournal);
    }
    if database.checkpoint(Some(tree_size)).await?.is_some() {
        return Err(JournalFailure::CheckpointExists(tree_size));
    }
    let root = match database.journal_root(tree_size).await? {
        Some(root) => root,
        None => journal::root(&database.journal_leaves(tree_size).await?),
    };
    let mut checkpoint = SignedCheckpoint {
        tree_size,
        root_hash: hex::encode(root),
        created_at: now_unix_s,
        ledger_id,
        ledger_public_key: public_key,
        signature: String::new(),
    };
    // The ledger never signs a tree that does not extend its last checkpoint.
    if let Some(previous) = database.checkpoint(None).await? {
        if previous.tree_size < tree_size {
            // The frontiers were appended from one another, leaf by leaf, so the previous
            // checkpoint's root at its size is what extends to the new root; only a journal
            // begun before frontiers were kept needs the leaves and a consistency proof.
            match database.journal_root(previous.tree_size).await? {
                Some(root) if hex::encode(root) == previous.root_hash => {}
                Some(root) => {
                    return Err(JournalFailure::DoesNotExtend {
                        tree_size: previous.tree_size,
                        signed: previous.root_hash,
                        computed: hex::encode(root),
                    })
                }
                None => {
                    let leaves = database.journal_leaves(tree_size).await?;
                    prove_consistent(&previous, &checkpoint, &leaves)?;
                }
            }
        }
    }
    checkpoint.signature = journal::sign(key, &body_of(&checkpoint)?.body());
    database.insert_checkpoint(&checkpoint).await?;
    Ok(checkpoint)
}

/// A checkpoint as `checkpoint show` presents it: its ledger signature and every co-signature
/// verified.
pub struct ShownCheckpoint {
    pub checkpoint: SignedCheckpoint,
    pub body: CheckpointBody,
    pub cosignatures: Vec<Cosignature>,
}

pub async fn show_checkpoint(database: &Database, size: Option<u64>) -> Result<ShownCheckpoint> {
    let checkpoint = verified_checkpoint(database, size).await?;
    let body = body_of(&checkpoint)?;
    let cosignatures = database.cosignatures(checkpoint.tree_size).await?;
    for cosignature in &cosignatures {
        journal::verify_signature(
            &cosignature.public_key,
            &body.cosignature_message(cosignature.signed_at),
            &cosignature.signature,
        )
        .map_err(|source| JournalFailure::BadCosignature {
            party: cosignature.party.clone(),
            tree_size: checkpoint.tree_size,
            source,
        })?;
    }
    Ok(ShownCheckpoint {
        checkpoint,
        body,
        cosignatures,
    })
}

/// The parties `person` is an accredited signatory for, with the key each accreditation records.
async fn accredited_keys(
    ledger: &Ledger,
    database: &Database,
    person: &str,
) -> Result<Vec<(String, String)>> {
    let mut keys = Vec::new();
    for id in database
        .aggregate_ids(<Negotiation as cqrs_es::Aggregate>::TYPE)
        .await?
    {
        let events = ledger.events(&id).await?;
        let state = Negotiation::replay(events.iter().map(|e| &e.payload));
        if let Some(delegate) = state.delegate(person) {
            if let Some(signing) = &delegate.signing {
                keys.push((delegate.party.clone(), signing.public_key.clone()));
            }
        }
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// Co-signs checkpoint `size` for the party whose signatory `person` is accredited with `key`;
/// returns that party. A party co-signs only checkpoints that extend the one it signed last.
pub async fn cosign(
    ledger: &Ledger,
    database: &Database,
    person: &str,
    size: u64,
    key: &SigningKey,
    now_unix_s: i64,
) -> Result<String> {
    let public_key = hex::encode(key.verifying_key().as_bytes());
    let accredited = accredited_keys(ledger, database, person).await?;
    if accredited.is_empty() {
        return Err(JournalFailure::NotASignatory {
            person: person.to_string(),
        });
    }
    let Some((party, _)) = accredited.iter().find(|(_, key)| *key == public_key) else {
        let keys: Vec<&str> = accredited.iter().map(|(_, k)| k.as_str()).collect();
        return Err(JournalFailure::NotAccreditedKey {
            person: person.to_string(),
            accredited: keys.join(", "),
        });
    };
    let checkpoint = verified_checkpoint(database, Some(size)).await?;
    let leaves = leaves_matching(database, &checkpoint).await?;
    if let Some(last) = database.last_cosignature(party).await? {
        if last.tree_size >= size {
            return Err(JournalFailure::AlreadyCosigned {
                party: party.clone(),
                tree_size: last.tree_size,
            });
        }
        // What the party vouched for last is taken from its own signature, not the table alone.
        let previous = verified_checkpoint(database, Some(last.tree_size)).await?;
        journal::verify_signature(
            &last.public_key,
            &body_of(&previous)?.cosignature_message(last.signed_at),
            &last.signature,
        )
        .map_err(|source| JournalFailure::BadCosignature {
            party: party.clone(),
            tree_size: last.tree_size,
            source,
        })?;
        prove_consistent(&previous, &checkpoint, &leaves)?;
    }
    let signature = journal::sign(key, &body_of(&checkpoint)?.cosignature_message(now_unix_s));
    database
        .insert_cosignature(&Cosignature {
            tree_size: size,
            party: party.clone(),
            person: person.to_string(),
            public_key,
            signature,
            signed_at: now_unix_s,
        })
        .await?;
    Ok(party.clone())
}

/// A verified proof that one event is a leaf of a checkpoint.
pub struct Inclusion {
    pub checkpoint: SignedCheckpoint,
    pub leaf_index: u64,
    pub chain_hash: Hash,
    pub proof: Vec<Hash>,
}

pub async fn prove_inclusion(
    database: &Database,
    negotiation: &str,
    sequence: usize,
    tree_size: u64,
) -> Result<Inclusion> {
    let checkpoint = verified_checkpoint(database, Some(tree_size)).await?;
    let not_journaled = || JournalFailure::NotJournaled {
        negotiation: negotiation.to_string(),
        sequence,
    };
    let (index, chain_hash) = database
        .journal_leaf_of(negotiation, sequence as u64)
        .await?
        .ok_or_else(not_journaled)?;
    if index >= checkpoint.tree_size {
        return Err(JournalFailure::AfterCheckpoint {
            negotiation: negotiation.to_string(),
            sequence,
            index,
            tree_size: checkpoint.tree_size,
        });
    }
    let chain_hash = journal::parse_hash(&chain_hash).map_err(|_| not_journaled())?;
    let leaves = database.journal_leaves(checkpoint.tree_size).await?;
    let proof = journal::inclusion_proof(&leaves, index).map_err(JournalFailure::Proof)?;
    journal::verify_inclusion(
        &root_of(&checkpoint)?,
        checkpoint.tree_size,
        index,
        &chain_hash,
        &proof,
    )
    .map_err(|source| JournalFailure::NotIncluded {
        index,
        tree_size: checkpoint.tree_size,
        source,
    })?;
    Ok(Inclusion {
        checkpoint,
        leaf_index: index,
        chain_hash,
        proof,
    })
}

/// A verified proof that checkpoint `old` is a prefix of checkpoint `new`.
pub struct Consistency {
    pub old: SignedCheckpoint,
    pub new: SignedCheckpoint,
    pub proof: Vec<Hash>,
}

pub async fn prove_consistency(
    database: &Database,
    old_size: u64,
    new_size: u64,
) -> Result<Consistency> {
    if old_size > new_size {
        return Err(JournalFailure::OldAfterNew { old_size, new_size });
    }
    let old = verified_checkpoint(database, Some(old_size)).await?;
    let new = verified_checkpoint(database, Some(new_size)).await?;
    // Leaves that no longer give the new root are the journal's fault, not the checkpoints':
    // say so rather than call two honest checkpoints inconsistent.
    let leaves = leaves_matching(database, &new).await?;
    let proof = prove_consistent(&old, &new, &leaves)?;
    Ok(Consistency { old, new, proof })
}

/// One negotiation's audit bundle (docs/ledger-format.md §10), in full: its stored events, one
/// journal proof of their leaves in a signed checkpoint (the latest when `tree_size` is `None`),
/// consistency proofs from the older checkpoints an auditor kept, co-signatures, keys and draft
/// signatures. The history is refused if it is shorter than the journal's record of it.
pub async fn export_bundle(
    database: &Database,
    negotiation: &str,
    tree_size: Option<u64>,
    consistent_with: &[u64],
) -> Result<Vec<u8>> {
    catch_up(database).await?;
    let stored = database.read_stream_before(negotiation, usize::MAX).await?;
    let leaf_of: BTreeMap<u64, u64> = database.journal_leaves_of(negotiation).await?;
    let journaled = leaf_of.keys().next_back().copied();
    let Some(last) = stored.last() else {
        return Err(match journaled {
            Some(journaled) => JournalFailure::Deleted {
                negotiation: negotiation.to_string(),
                journaled,
            },
            None => JournalFailure::UnknownNegotiation(negotiation.to_string()),
        });
    };
    if journaled != Some(last.sequence as u64) {
        return Err(JournalFailure::Truncated {
            negotiation: negotiation.to_string(),
            journaled: journaled.map_or("none".into(), |j| j.to_string()),
            stored: last.sequence,
        });
    }
    // The chain is checked before anything is proved about it.
    chain::verify_stream(negotiation, &stored)?;
    let checkpoint = verified_checkpoint(database, tree_size).await?;
    let leaves = leaves_matching(database, &checkpoint).await?;

    let mut lines = Vec::with_capacity(stored.len());
    let mut indexes = Vec::with_capacity(stored.len());
    for event in &stored {
        let not_journaled = || JournalFailure::NotJournaled {
            negotiation: negotiation.to_string(),
            sequence: event.sequence,
        };
        let index = *leaf_of
            .get(&(event.sequence as u64))
            .ok_or_else(not_journaled)?;
        if index >= checkpoint.tree_size {
            return Err(JournalFailure::AfterCheckpoint {
                negotiation: negotiation.to_string(),
                sequence: event.sequence,
                index,
                tree_size: checkpoint.tree_size,
            });
        }
        // The chain verified above, so every event carries a well-formed hash.
        let chain_hash = chain::hash_field(event).expect("invariant: a verified event is sealed");
        if leaves[index as usize] != chain_hash {
            return Err(JournalFailure::LeafAltered {
                negotiation: negotiation.to_string(),
                sequence: event.sequence,
                index,
            });
        }
        let record = chain::canonical_record(event)
            .expect("invariant: a verified event's record was canonicalised when verified");
        lines.push(BundleEvent::line(index, &chain_hash, &record));
        indexes.push(index);
    }
    let journal_proof =
        journal::multiproof::prove(&leaves, &indexes).map_err(JournalFailure::Proof)?;

    let mut consistency = Vec::new();
    for &old_size in consistent_with {
        if old_size >= checkpoint.tree_size {
            continue; // The same checkpoint needs no proof; a later one cannot have one.
        }
        let old = verified_checkpoint(database, Some(old_size)).await?;
        let proof = prove_consistent(&old, &checkpoint, &leaves)?;
        consistency.push(ConsistencyFrom {
            old_size,
            proof: journal::proof_hex(&proof),
        });
    }

    let DraftSignatures {
        state,
        signatories,
        signatures,
        signed_texts,
    } = draft_signatures(negotiation, &stored)?;
    // Only the co-signatures of signatories this negotiation accredits, with the key it records
    // (§10 rule 4): another negotiation's signatory vouches for the checkpoint, not for this one.
    let cosignatures: Vec<BundleCosignature> = database
        .cosignatures(checkpoint.tree_size)
        .await?
        .iter()
        .map(BundleCosignature::from)
        .filter(|c| audit::accredits_cosigner(&state, c))
        .collect();
    let header = Header {
        format_version: FORMAT_VERSION,
        negotiation_id: negotiation.to_string(),
        checkpoint: checkpoint.clone(),
        keys: Keys {
            ledger: checkpoint.ledger_public_key.clone(),
            cosigners: cosignatures
                .iter()
                .map(|c| PartyKey {
                    party: c.party.clone(),
                    person: c.person.clone(),
                    public_key: c.public_key.clone(),
                })
                .collect(),
            signatories,
        },
        cosignatures,
        consistency,
        signatures,
        signed_texts,
        journal_proof: journal::proof_hex(&journal_proof),
    };
    Ok(Bundle::write(&header, &lines))
}

/// What the replay of a negotiation gives its bundle.
struct DraftSignatures {
    /// The negotiation after its last event.
    state: Negotiation,
    signatories: Vec<PartyKey>,
    /// Each `InstrumentSigned` with the key and message it was verified against when recorded.
    signatures: Vec<DraftSignature>,
    /// The text each distinct (revision, root) was signed on, as it stood just before its first
    /// signature: the text that root was computed from.
    signed_texts: Vec<SignedText>,
}

fn draft_signatures(negotiation: &str, stored: &[SerializedEvent]) -> Result<DraftSignatures> {
    let mut state = Negotiation::default();
    let (mut keys, mut signatures) = (Vec::new(), Vec::new());
    let mut signed_texts: Vec<SignedText> = Vec::new();
    for event in stored {
        let undecodable = |reason: String| JournalFailure::Undecodable {
            negotiation: negotiation.to_string(),
            sequence: event.sequence,
            reason,
        };
        let parsed: NegotiationEvent = serde_json::from_value(event.payload.clone())
            .map_err(|e| undecodable(e.to_string()))?;
        if let Some((message, signature)) = SigningMessage::of_recorded(negotiation, &parsed) {
            let public_key = audit::signing_key(&state, &message.signatory).unwrap_or_default();
            keys.push(PartyKey {
                party: message.party.clone(),
                person: message.signatory.clone(),
                public_key: public_key.clone(),
            });
            signatures.push(DraftSignature {
                sequence: event.sequence,
                public_key,
                signature: signature.to_string(),
                text_root_hash: message.text_root_hash.clone(),
                message: serde_json::to_value(&message).expect("invariant: JSON"),
            });
            let (revision, root) = (message.revision, &message.text_root_hash);
            let listed = signed_texts
                .iter()
                .any(|t| t.revision == revision && t.text_root_hash == *root);
            if !listed {
                signed_texts.push(SignedText::of(revision, root, &state.root_texts()));
            }
        }
        state
            .apply_checked(parsed)
            .map_err(|reason| undecodable(reason.to_string()))?;
    }
    Ok(DraftSignatures {
        state,
        signatories: keys,
        signatures,
        signed_texts,
    })
}
