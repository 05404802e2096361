//! `pacta audit export|verify`: a negotiation's self-contained audit bundle (docs/ledger-format.md
//! §10) and its offline check. Export reads the store; verify reads only the files it is given
//! (it runs before any store is opened, see `super::run`) and leaves every check to
//! `crate::audit`.

use std::path::PathBuf;

use clap::Subcommand;
use pacta_domain::{NegotiationEvent, SigningMessage};

use super::journal::{leaves_matching, prove_consistent, verified_checkpoint};
use super::CliError;
use crate::audit::{
    self, Bundle, BundleCheckpoint, BundleCosignature, BundleEvent, ConsistencyFrom,
    DraftSignature, Header, Keys, PartyKey, TrustedCheckpoint, TrustedHead, FORMAT_VERSION,
    MAX_BUNDLE_BYTES,
};
use crate::journal;
use crate::store::Database;

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Write one negotiation's audit bundle: its stored events, their inclusion proofs in a
    /// signed checkpoint, the co-signatures, keys and draft signatures.
    Export {
        negotiation: String,
        /// The checkpoint's tree size (default: the latest checkpoint).
        #[arg(long)]
        checkpoint: Option<u64>,
        /// Add a consistency proof from this older checkpoint, for an auditor who kept it
        /// (repeatable).
        #[arg(long = "consistent-with")]
        consistent_with: Vec<u64>,
        /// Write the bundle here (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Verify an audit bundle offline: the chain, every proof and every signature.
    Verify {
        file: PathBuf,
        /// A checkpoint you kept earlier (`pacta checkpoint show SIZE --json`): the bundle must
        /// extend it.
        #[arg(long)]
        trusted_checkpoint: Option<PathBuf>,
        /// The negotiation's head you kept (SEQUENCE:HASH, as `pacta verify NEG` prints it):
        /// the bundle must reach it, so events cut from its end are found.
        #[arg(long, value_parser = super::parse_head)]
        trusted_head: Option<(usize, String)>,
    },
}

fn fail(message: impl Into<String>) -> CliError {
    CliError::Journal(message.into())
}

pub(super) async fn export(database: &Database, command: AuditCommand) -> Result<(), CliError> {
    let AuditCommand::Export {
        negotiation,
        checkpoint,
        consistent_with,
        out,
    } = command
    else {
        unreachable!("audit verify is dispatched before a store is opened")
    };
    // Every committed event first becomes a leaf, so the journal is compared with all of them.
    super::projections::catch_up(database).await?;
    let stored = database
        .read_stream_before(&negotiation, usize::MAX)
        .await?;
    let leaf_of = database.journal_leaves_of(&negotiation).await?;
    let journaled = leaf_of.keys().next_back().copied();
    let Some(last) = stored.last() else {
        return Err(match journaled {
            Some(j) => fail(format!(
                "the journal records {j} events of '{negotiation}' but the store holds none: the negotiation was deleted"
            )),
            None => fail(format!("no negotiation '{negotiation}' on record")),
        });
    };
    if journaled != Some(last.sequence as u64) {
        return Err(fail(format!(
            "the journal records events of '{negotiation}' up to {}, the store up to {}: the history was cut short or rewritten",
            journaled.map_or("none".into(), |j| j.to_string()),
            last.sequence
        )));
    }
    // The chain is checked before anything is proved about it.
    crate::chain::verify_stream(&negotiation, &stored)
        .map_err(|e| CliError::Ledger(crate::ledger::LedgerError::Integrity(e)))?;
    let checkpoint = verified_checkpoint(database, checkpoint).await?;
    let leaves = leaves_matching(database, &checkpoint).await?;

    let mut lines = Vec::with_capacity(stored.len());
    let mut indexes = Vec::with_capacity(stored.len());
    for event in &stored {
        let index = *leaf_of.get(&(event.sequence as u64)).ok_or_else(|| {
            fail(format!(
                "event {} of '{negotiation}' is not in the journal",
                event.sequence
            ))
        })?;
        if index >= checkpoint.tree_size {
            return Err(fail(format!(
                "checkpoint {} does not cover event {} of '{negotiation}' (leaf {index}): run pacta checkpoint create",
                checkpoint.tree_size, event.sequence
            )));
        }
        let chain_hash = crate::chain::hash_field(event)
            .ok_or_else(|| fail(format!("event {} has no chain hash", event.sequence)))?;
        if leaves[index as usize] != chain_hash {
            return Err(fail(format!(
                "journal leaf {index} does not hold event {} of '{negotiation}': the journal was altered",
                event.sequence
            )));
        }
        let record = crate::chain::canonical_record(event)
            .map_err(|e| fail(format!("event {}: {e}", event.sequence)))?;
        lines.push(BundleEvent::line(index, &chain_hash, &record));
        indexes.push(index);
    }
    let journal_proof =
        journal::multiproof::prove(&leaves, &indexes).map_err(|e| fail(e.to_string()))?;

    let mut consistency = Vec::new();
    for old_size in consistent_with {
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

    let cosignatures: Vec<BundleCosignature> = database
        .cosignatures(checkpoint.tree_size)
        .await?
        .iter()
        .map(BundleCosignature::from)
        .collect();
    let (signatories, signatures) = draft_signatures(&negotiation, &stored)?;
    let header = Header {
        format_version: FORMAT_VERSION,
        negotiation_id: negotiation,
        checkpoint: BundleCheckpoint::from(&checkpoint),
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
        journal_proof: journal::proof_hex(&journal_proof),
    };
    // Built in full here; written whole (or not at all) by `write`.
    super::export::write(out, &Bundle::write(&header, &lines))
}

/// Each `InstrumentSigned` with the key and message it was verified against when recorded.
fn draft_signatures(
    negotiation: &str,
    stored: &[cqrs_es::persist::SerializedEvent],
) -> Result<(Vec<PartyKey>, Vec<DraftSignature>), CliError> {
    let mut state = pacta_domain::Negotiation::default();
    let (mut keys, mut signatures) = (Vec::new(), Vec::new());
    for event in stored {
        let parsed: NegotiationEvent = serde_json::from_value(event.payload.clone())
            .map_err(|e| fail(format!("event {} does not parse: {e}", event.sequence)))?;
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
        }
        cqrs_es::Aggregate::apply(&mut state, parsed);
    }
    Ok((keys, signatures))
}

/// `pacta audit verify`: no store, only the files named.
pub(super) fn verify(
    file: &std::path::Path,
    trusted: Option<&std::path::Path>,
    trusted_head: Option<(usize, String)>,
) -> Result<(), CliError> {
    let text = super::read_bounded(file, MAX_BUNDLE_BYTES)?;
    let bundle =
        audit::parse_bundle(&text).map_err(|e| fail(format!("{}: {e}", file.display())))?;
    let trusted: Option<TrustedCheckpoint> = match trusted {
        None => None,
        Some(path) => Some(
            serde_json::from_str(&super::read_bounded(path, MAX_TRUSTED_CHECKPOINT_BYTES)?)
                .map_err(|e| {
                    fail(format!(
                        "{}: not a checkpoint as pacta checkpoint show --json prints it: {e}",
                        path.display()
                    ))
                })?,
        ),
    };
    // A doctored history can break the domain's invariants while it is replayed; the verifier
    // turns that panic into a finding, and the default hook would add lines of noise to it.
    std::panic::set_hook(Box::new(|_| {}));
    let trusted_head = trusted_head.map(|(sequence, hash)| TrustedHead { sequence, hash });
    match audit::verify(&bundle, trusted.as_ref(), trusted_head.as_ref()) {
        Ok(report) => {
            println!(
                "audit bundle of '{}' verified against checkpoint {}",
                bundle.header.negotiation_id, report.tree_size
            );
            println!("{} events: every chain link recomputed", report.events);
            println!(
                "{} events' leaves proved in the checkpoint by one journal proof of {} hashes",
                report.proven_events, report.journal_proof_hashes
            );
            println!("1 ledger signature, {} co-signatures", report.cosignatures);
            println!(
                "{} draft signatures, each on the text root recomputed from the events",
                report.draft_signatures
            );
            if let Some(size) = report.consistent_with {
                println!("consistent with the trusted checkpoint {size}");
            }
            if let Some(head) = &trusted_head {
                println!("reaches the head you kept, event {}", head.sequence);
            }
            Ok(())
        }
        Err(findings) => {
            let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
            Err(CliError::Audit(lines.join("\n")))
        }
    }
}

/// A checkpoint printed by `pacta checkpoint show --json` is under 4 KB with a few co-signatures.
const MAX_TRUSTED_CHECKPOINT_BYTES: u64 = 1024 * 1024;
