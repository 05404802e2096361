//! `pacta checkpoint create|show|cosign` and `pacta proof inclusion|consistency`: the journal's
//! signed checkpoints and the proofs against them (format: docs/ledger-format.md, "Journal,
//! checkpoints and proofs"). The clock is read here, never in `crate::journal`.
//!
//! Every tree is built from the stored leaves of the checkpoint it is about: a checkpoint of N
//! leaves costs reading N leaf rows and about 2N SHA-256 and 96 bytes of memory per leaf
//! (a ledger of 1,000,000 events: about 100 MB and well under a second of hashing).

use std::path::PathBuf;

use clap::Subcommand;
use cqrs_es::persist::PersistedEventRepository;
use pacta_domain::Negotiation;
use serde_json::json;

use super::CliError;
use crate::chain::Hash;
use crate::journal::{self, CheckpointBody};
use crate::ledger::Ledger;
use crate::store::{Cosignature, Database, StoredCheckpoint};

#[derive(Subcommand, Debug)]
pub enum CheckpointCommand {
    /// Sign the journal's current size and root with the ledger's key. The first checkpoint
    /// fixes the ledger's key: every later one must be signed with the same key.
    Create {
        /// The ledger operator's private key (a file from `pacta key generate`).
        #[arg(long)]
        key: PathBuf,
    },
    /// Show a checkpoint (the latest when no size is given) and its co-signatures, each verified.
    Show {
        size: Option<u64>,
        #[arg(long)]
        json: bool,
    },
    /// Co-sign a checkpoint for your party, with your accredited signing key (pass --as), after
    /// checking it matches the journal and extends the last checkpoint your party co-signed.
    Cosign {
        size: u64,
        /// Your private key (a file from `pacta key generate`), the one you are accredited with.
        #[arg(long)]
        key: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProofCommand {
    /// Prove that an event is a leaf of a checkpoint's tree.
    Inclusion {
        negotiation: String,
        sequence: u64,
        /// The checkpoint's tree size.
        #[arg(long)]
        checkpoint: u64,
        #[arg(long)]
        json: bool,
    },
    /// Prove that a checkpoint's tree is a prefix of a later checkpoint's tree.
    Consistency {
        old_size: u64,
        new_size: u64,
        #[arg(long)]
        json: bool,
    },
}

fn fail(message: impl Into<String>) -> CliError {
    CliError::Journal(message.into())
}

fn now_unix_seconds() -> i64 {
    chrono::Utc::now().timestamp()
}

fn body_of(checkpoint: &StoredCheckpoint) -> Result<CheckpointBody, CliError> {
    Ok(CheckpointBody {
        ledger_id: checkpoint.ledger_id.clone(),
        tree_size: checkpoint.tree_size,
        root: root_of(checkpoint)?,
        time: checkpoint.created_at,
    })
}

fn root_of(checkpoint: &StoredCheckpoint) -> Result<Hash, CliError> {
    journal::parse_hash(&checkpoint.root_hash).map_err(|e| {
        fail(format!(
            "checkpoint {} has a malformed root: {e}",
            checkpoint.tree_size
        ))
    })
}

/// The checkpoint of `size` leaves, its ledger signature verified under the ledger's key.
pub(super) async fn verified_checkpoint(
    database: &Database,
    size: Option<u64>,
) -> Result<StoredCheckpoint, CliError> {
    let checkpoint = database.checkpoint(size).await?.ok_or_else(|| match size {
        Some(size) => fail(format!(
            "no checkpoint of size {size} (pacta checkpoint show names the latest)"
        )),
        None => fail("no checkpoint yet (pacta checkpoint create --key FILE makes one)"),
    })?;
    let (ledger_id, public_key) = database
        .ledger_identity()
        .await?
        .ok_or_else(|| fail("the ledger has checkpoints but no identity: it has been altered"))?;
    if checkpoint.ledger_public_key != public_key || checkpoint.ledger_id != ledger_id {
        return Err(fail(format!(
            "checkpoint {} names key {}, not the ledger's key {public_key}",
            checkpoint.tree_size, checkpoint.ledger_public_key
        )));
    }
    journal::verify_signature(
        &public_key,
        &body_of(&checkpoint)?.body(),
        &checkpoint.signature,
    )
    .map_err(|e| {
        fail(format!(
            "checkpoint {}'s ledger signature: {e}",
            checkpoint.tree_size
        ))
    })?;
    Ok(checkpoint)
}

/// The stored leaves of `checkpoint`, checked to give its root.
pub(super) async fn leaves_matching(
    database: &Database,
    checkpoint: &StoredCheckpoint,
) -> Result<Vec<Hash>, CliError> {
    let leaves = database.journal_leaves(checkpoint.tree_size).await?;
    let root = journal::root(&leaves);
    if hex::encode(root) != checkpoint.root_hash {
        return Err(fail(format!(
            "checkpoint {} does not match the journal: it signs root {}, the journal's first {} leaves give {}",
            checkpoint.tree_size,
            checkpoint.root_hash,
            checkpoint.tree_size,
            hex::encode(root)
        )));
    }
    Ok(leaves)
}

/// Checks with a consistency proof, made from `leaves` (the new checkpoint's), that `old` is a
/// prefix of `new`; returns the proof.
pub(super) fn prove_consistent(
    old: &StoredCheckpoint,
    new: &StoredCheckpoint,
    leaves: &[Hash],
) -> Result<Vec<Hash>, CliError> {
    let proof =
        journal::consistency_proof(leaves, old.tree_size).map_err(|e| fail(e.to_string()))?;
    journal::verify_consistency(
        &root_of(old)?,
        old.tree_size,
        &root_of(new)?,
        new.tree_size,
        &proof,
    )
    .map_err(|e| {
        fail(format!(
            "checkpoint {} is not consistent with checkpoint {}: {e}",
            new.tree_size, old.tree_size
        ))
    })?;
    Ok(proof)
}

pub(super) async fn checkpoint<R: PersistedEventRepository>(
    ledger: &Ledger<R>,
    database: &Database,
    actor: Option<&str>,
    command: CheckpointCommand,
) -> Result<(), CliError> {
    match command {
        CheckpointCommand::Create { key } => create(database, &key).await,
        CheckpointCommand::Show { size, json } => show(database, size, json).await,
        CheckpointCommand::Cosign { size, key } => {
            let person = actor.ok_or(CliError::NoActor)?;
            cosign(ledger, database, person, size, &key).await
        }
    }
}

async fn create(database: &Database, key_file: &std::path::Path) -> Result<(), CliError> {
    let key = crate::keys::read_signing_key(key_file)?;
    let public_key = crate::keys::public_key_hex(&key);
    let ledger_id = match database.ledger_identity().await? {
        Some((_, recorded)) if recorded != public_key => {
            return Err(fail(format!(
                "the key in {} is not the ledger's key: checkpoints of this ledger are signed with {recorded}",
                key_file.display()
            )))
        }
        Some((ledger_id, _)) => ledger_id,
        None => uuid::Uuid::new_v4().to_string(),
    };
    // Every committed event first becomes a leaf, so the checkpoint covers the whole ledger.
    super::projections::catch_up(database).await?;
    let tree_size = database.journal_size().await?;
    if tree_size == 0 {
        return Err(fail(
            "the journal is empty: there is nothing to checkpoint yet",
        ));
    }
    if database.checkpoint(Some(tree_size)).await?.is_some() {
        return Err(fail(format!(
            "checkpoint {tree_size} exists already: no event was recorded since (pacta checkpoint show {tree_size})"
        )));
    }
    let root = match database.journal_root(tree_size).await? {
        Some(root) => root,
        None => journal::root(&database.journal_leaves(tree_size).await?),
    };
    let mut checkpoint = StoredCheckpoint {
        tree_size,
        root_hash: hex::encode(root),
        created_at: now_unix_seconds(),
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
                    return Err(fail(format!(
                        "the journal does not extend checkpoint {}: it signs root {}, the journal gives {} at that size",
                        previous.tree_size,
                        previous.root_hash,
                        hex::encode(root)
                    )))
                }
                None => {
                    let leaves = database.journal_leaves(tree_size).await?;
                    prove_consistent(&previous, &checkpoint, &leaves)?;
                }
            }
        }
    }
    checkpoint.signature = journal::sign(&key, &body_of(&checkpoint)?.body());
    database.insert_checkpoint(&checkpoint).await?;
    println!(
        "checkpoint {tree_size}: root {} signed by the ledger's key {}",
        checkpoint.root_hash, checkpoint.ledger_public_key
    );
    Ok(())
}

async fn show(database: &Database, size: Option<u64>, json: bool) -> Result<(), CliError> {
    let checkpoint = verified_checkpoint(database, size).await?;
    let body = body_of(&checkpoint)?;
    let cosignatures = database.cosignatures(checkpoint.tree_size).await?;
    for cosignature in &cosignatures {
        journal::verify_signature(
            &cosignature.public_key,
            &body.cosignature_message(cosignature.signed_at),
            &cosignature.signature,
        )
        .map_err(|e| {
            fail(format!(
                "the co-signature of {} on checkpoint {}: {e}",
                cosignature.party, checkpoint.tree_size
            ))
        })?;
    }
    if json {
        let value = json!({
            "checkpoint": checkpoint,
            "body": body.body(),
            "cosignatures": cosignatures,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).expect("invariant: JSON")
        );
        return Ok(());
    }
    print!("{}", body.body());
    println!(
        "signed by the ledger's key {}: {}",
        checkpoint.ledger_public_key, checkpoint.signature
    );
    for Cosignature {
        party,
        person,
        public_key,
        signature,
        signed_at,
        ..
    } in &cosignatures
    {
        println!(
            "co-signed for {party} by {person} (key {public_key}) at {signed_at}: {signature}"
        );
    }
    Ok(())
}

/// The parties `person` is an accredited signatory for, with the key each accreditation records.
async fn accredited_keys<R: PersistedEventRepository>(
    ledger: &Ledger<R>,
    database: &Database,
    person: &str,
) -> Result<Vec<(String, String)>, CliError> {
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

async fn cosign<R: PersistedEventRepository>(
    ledger: &Ledger<R>,
    database: &Database,
    person: &str,
    size: u64,
    key_file: &std::path::Path,
) -> Result<(), CliError> {
    let key = crate::keys::read_signing_key(key_file)?;
    let public_key = crate::keys::public_key_hex(&key);
    let accredited = accredited_keys(ledger, database, person).await?;
    if accredited.is_empty() {
        return Err(fail(format!(
            "{person} is not an accredited signatory of any negotiation: only a party's signatory co-signs"
        )));
    }
    let Some((party, _)) = accredited.iter().find(|(_, key)| *key == public_key) else {
        let keys: Vec<&str> = accredited.iter().map(|(_, k)| k.as_str()).collect();
        return Err(fail(format!(
            "the key in {} is not {person}'s accredited signing key (accredited: {})",
            key_file.display(),
            keys.join(", ")
        )));
    };
    let checkpoint = verified_checkpoint(database, Some(size)).await?;
    let leaves = leaves_matching(database, &checkpoint).await?;
    if let Some(last) = database.last_cosignature(party).await? {
        if last.tree_size >= size {
            return Err(fail(format!(
                "{party} has already co-signed checkpoint {}: co-sign only later checkpoints",
                last.tree_size
            )));
        }
        // What the party vouched for last is taken from its own signature, not the table alone.
        let previous = verified_checkpoint(database, Some(last.tree_size)).await?;
        journal::verify_signature(
            &last.public_key,
            &body_of(&previous)?.cosignature_message(last.signed_at),
            &last.signature,
        )
        .map_err(|e| {
            fail(format!(
                "{party}'s co-signature of checkpoint {}: {e}",
                last.tree_size
            ))
        })?;
        prove_consistent(&previous, &checkpoint, &leaves)?;
    }
    let signed_at = now_unix_seconds();
    let signature = journal::sign(&key, &body_of(&checkpoint)?.cosignature_message(signed_at));
    database
        .insert_cosignature(&Cosignature {
            tree_size: size,
            party: party.clone(),
            person: person.to_string(),
            public_key,
            signature,
            signed_at,
        })
        .await?;
    println!("checkpoint {size} co-signed for {party} by {person}");
    Ok(())
}

pub(super) async fn proof(database: &Database, command: ProofCommand) -> Result<(), CliError> {
    match command {
        ProofCommand::Inclusion {
            negotiation,
            sequence,
            checkpoint,
            json,
        } => {
            let checkpoint = verified_checkpoint(database, Some(checkpoint)).await?;
            let (index, chain_hash) = database
                .journal_leaf_of(&negotiation, sequence)
                .await?
                .ok_or_else(|| {
                    fail(format!(
                        "event {sequence} of '{negotiation}' is not in the journal"
                    ))
                })?;
            if index >= checkpoint.tree_size {
                return Err(fail(format!(
                    "event {sequence} of '{negotiation}' is leaf {index}, after checkpoint {} ends: create a later checkpoint",
                    checkpoint.tree_size
                )));
            }
            let chain_hash = journal::parse_hash(&chain_hash).map_err(|e| fail(e.to_string()))?;
            let leaves = database.journal_leaves(checkpoint.tree_size).await?;
            let proof =
                journal::inclusion_proof(&leaves, index).map_err(|e| fail(e.to_string()))?;
            journal::verify_inclusion(
                &root_of(&checkpoint)?,
                checkpoint.tree_size,
                index,
                &chain_hash,
                &proof,
            )
            .map_err(|e| {
                fail(format!(
                    "the inclusion of leaf {index} in checkpoint {}: {e}",
                    checkpoint.tree_size
                ))
            })?;
            let leaf_hash = hex::encode(journal::leaf_hash(&chain_hash));
            if json {
                let value = json!({
                    "negotiation_id": negotiation,
                    "sequence": sequence,
                    "leaf_index": index,
                    "chain_hash": hex::encode(chain_hash),
                    "leaf_hash": leaf_hash,
                    "tree_size": checkpoint.tree_size,
                    "root_hash": checkpoint.root_hash,
                    "proof": journal::proof_hex(&proof),
                });
                println!(
                    "{}",
                    serde_json::to_string_pretty(&value).expect("invariant: JSON")
                );
            } else {
                println!(
                    "event {sequence} of '{negotiation}' is leaf {index} of checkpoint {} (root {}): verified",
                    checkpoint.tree_size, checkpoint.root_hash
                );
                println!("leaf hash {leaf_hash}");
                for hash in journal::proof_hex(&proof) {
                    println!("{hash}");
                }
            }
        }
        ProofCommand::Consistency {
            old_size,
            new_size,
            json,
        } => {
            if old_size > new_size {
                return Err(fail(format!(
                    "the old checkpoint ({old_size}) must not be larger than the new one ({new_size})"
                )));
            }
            let old = verified_checkpoint(database, Some(old_size)).await?;
            let new = verified_checkpoint(database, Some(new_size)).await?;
            // Leaves that no longer give the new root are the journal's fault, not the
            // checkpoints': say so rather than call two honest checkpoints inconsistent.
            let leaves = leaves_matching(database, &new).await?;
            let proof = prove_consistent(&old, &new, &leaves)?;
            if json {
                let value = json!({
                    "old_size": old_size,
                    "old_root_hash": old.root_hash,
                    "new_size": new_size,
                    "new_root_hash": new.root_hash,
                    "proof": journal::proof_hex(&proof),
                });
                println!(
                    "{}",
                    serde_json::to_string_pretty(&value).expect("invariant: JSON")
                );
            } else {
                println!(
                    "checkpoint {old_size} (root {}) is a prefix of checkpoint {new_size} (root {}): verified",
                    old.root_hash, new.root_hash
                );
                for hash in journal::proof_hex(&proof) {
                    println!("{hash}");
                }
            }
        }
    }
    Ok(())
}
