//! `pacta checkpoint create|show|cosign` and `pacta proof inclusion|consistency`: the journal's
//! signed checkpoints and the proofs against them (format: docs/ledger-format.md, "Journal,
//! checkpoints and proofs"). The work and its checks are `pacta_ledger::journal`'s; this file
//! reads the clock and the key files, and prints.

use std::path::PathBuf;

use clap::Subcommand;
use pacta_ledger::journal::{self as ledger_journal, Consistency, Inclusion, ShownCheckpoint};
use pacta_ledger::store::Database;
use pacta_ledger::Ledger;
use pacta_verify::journal::{self, Cosignature};
use serde_json::json;

use super::CliError;

#[derive(Subcommand, Debug)]
pub enum CheckpointCommand {
    /// Sign the journal's current size and root with the ledger's key. The first checkpoint
    /// fixes the ledger's key: every later one must be signed with the same key.
    Create {
        /// The ledger operator's private key (a file from `pacta key generate`), e.g. --key
        /// ledger.key.
        #[arg(long)]
        key: PathBuf,
    },
    /// Show a checkpoint (the latest when no size is given) and its co-signatures, each verified.
    Show {
        /// The checkpoint's tree size, in leaves (left out: the latest checkpoint), e.g. 90.
        size: Option<u64>,
        /// Print JSON instead of text (what `pacta audit verify --trusted-checkpoint` reads),
        /// e.g. --json.
        #[arg(long)]
        json: bool,
    },
    /// Co-sign a checkpoint for your party, with your accredited signing key (pass --as), after
    /// checking it matches the journal and extends the last checkpoint your party co-signed.
    Cosign {
        /// The tree size, in leaves, of the checkpoint to co-sign, e.g. 90.
        size: u64,
        /// Your private key (a file from `pacta key generate`), the one you are accredited with,
        /// e.g. --key civ.key.
        #[arg(long)]
        key: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum ProofCommand {
    /// Prove that an event is a leaf of a checkpoint's tree.
    Inclusion {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The event's sequence number within the negotiation, e.g. 1.
        sequence: u64,
        /// The tree size, in leaves, of the checkpoint to prove against, e.g. --checkpoint 90.
        #[arg(long)]
        checkpoint: u64,
        /// Print JSON (with the proof's hashes under "proof") instead of text, e.g. --json.
        #[arg(long)]
        json: bool,
    },
    /// Prove that a checkpoint's tree is a prefix of a later checkpoint's tree.
    Consistency {
        /// The earlier checkpoint's tree size, in leaves, e.g. 40.
        old_size: u64,
        /// The later checkpoint's tree size, in leaves, e.g. 90.
        new_size: u64,
        /// Print JSON (with the proof's hashes under "proof") instead of text, e.g. --json.
        #[arg(long)]
        json: bool,
    },
}

fn now_unix_seconds() -> i64 {
    chrono::Utc::now().timestamp()
}

pub(super) async fn checkpoint(
    ledger: &Ledger,
    database: &Database,
    actor: Option<&str>,
    command: CheckpointCommand,
) -> Result<(), CliError> {
    match command {
        CheckpointCommand::Create { key } => {
            let key = crate::keys::read_signing_key(&key)?;
            let checkpoint =
                ledger_journal::create_checkpoint(database, &key, now_unix_seconds(), || {
                    uuid::Uuid::new_v4().to_string()
                })
                .await?;
            println!(
                "checkpoint {}: root {} signed by the ledger's key {}",
                checkpoint.tree_size, checkpoint.root_hash, checkpoint.ledger_public_key
            );
        }
        CheckpointCommand::Show { size, json } => {
            let shown = ledger_journal::show_checkpoint(database, size).await?;
            print_checkpoint(&shown, json);
        }
        CheckpointCommand::Cosign { size, key } => {
            let person = actor.ok_or(CliError::NoActor)?;
            let key = crate::keys::read_signing_key(&key)?;
            let party =
                ledger_journal::cosign(ledger, database, person, size, &key, now_unix_seconds())
                    .await?;
            super::print::say(&format!(
                "checkpoint {size} co-signed for {party} by {person}"
            ));
        }
    }
    Ok(())
}

fn print_checkpoint(shown: &ShownCheckpoint, json: bool) {
    let ShownCheckpoint {
        checkpoint,
        body,
        cosignatures,
    } = shown;
    if json {
        let shown = json!({
            "checkpoint": checkpoint,
            "body": body.body(),
            "cosignatures": cosignatures,
        });
        println!("{}", super::to_json(&shown));
        return;
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
    } in cosignatures
    {
        super::print::say(&format!(
            "co-signed for {party} by {person} (key {public_key}) at {signed_at}: {signature}"
        ));
    }
}

pub(super) async fn proof(database: &Database, command: ProofCommand) -> Result<(), CliError> {
    match command {
        ProofCommand::Inclusion {
            negotiation,
            sequence,
            checkpoint,
            json,
        } => {
            let Inclusion {
                checkpoint,
                leaf_index,
                chain_hash,
                proof,
            } = ledger_journal::prove_inclusion(
                database,
                &negotiation,
                sequence as usize,
                checkpoint,
            )
            .await?;
            let leaf_hash = hex::encode(journal::leaf_hash(&chain_hash));
            let verified = format!(
                "event {sequence} of '{negotiation}' is leaf {leaf_index} of checkpoint {} (root {}): verified\n\
                 leaf hash {leaf_hash}",
                checkpoint.tree_size, checkpoint.root_hash
            );
            let report = json!({
                "negotiation_id": negotiation,
                "sequence": sequence,
                "leaf_index": leaf_index,
                "chain_hash": hex::encode(chain_hash),
                "leaf_hash": leaf_hash,
                "tree_size": checkpoint.tree_size,
                "root_hash": checkpoint.root_hash,
            });
            print_proof(json, report, &verified, &proof);
        }
        ProofCommand::Consistency {
            old_size,
            new_size,
            json,
        } => {
            let Consistency { old, new, proof } =
                ledger_journal::prove_consistency(database, old_size, new_size).await?;
            let verified = format!(
                "checkpoint {old_size} (root {}) is a prefix of checkpoint {new_size} (root {}): verified",
                old.root_hash, new.root_hash
            );
            let report = json!({
                "old_size": old_size,
                "old_root_hash": old.root_hash,
                "new_size": new_size,
                "new_root_hash": new.root_hash,
            });
            print_proof(json, report, &verified, &proof);
        }
    }
    Ok(())
}

/// A verified proof: as JSON, `report` with the proof's hashes added under "proof"; as text,
/// what was `verified`, then the hashes one a line.
fn print_proof(json: bool, mut report: serde_json::Value, verified: &str, proof: &[journal::Hash]) {
    let proof = journal::proof_hex(proof);
    if json {
        report["proof"] = json!(proof);
        println!("{}", super::to_json(&report));
    } else {
        println!("{verified}");
        for hash in proof {
            println!("{hash}");
        }
    }
}
