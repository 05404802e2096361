//! `pacta audit export|verify`: a negotiation's self-contained audit bundle (docs/ledger-format.md
//! §10) and its offline check. Export reads the store; verify reads only the files it is given
//! (it runs before any store is opened, see `super::run`) and leaves every check to
//! `crate::audit`.

use std::path::PathBuf;

use clap::Subcommand;
use pacta_ledger::store::Database;
use pacta_verify::audit::{self, TrustedCheckpoint, TrustedHead, MAX_BUNDLE_BYTES};

use super::CliError;

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Write one negotiation's audit bundle: its stored events, their inclusion proofs in a
    /// signed checkpoint, the co-signatures, keys and draft signatures.
    Export {
        /// The negotiation's id, e.g. civ-mar-tip-mou.
        negotiation: String,
        /// The tree size of the checkpoint to prove the events in (default: the latest
        /// checkpoint), e.g. --checkpoint 90.
        #[arg(long)]
        checkpoint: Option<u64>,
        /// Add a consistency proof from this older checkpoint, for an auditor who kept it
        /// (repeatable), e.g. --consistent-with 40.
        #[arg(long = "consistent-with")]
        consistent_with: Vec<u64>,
        /// Write the bundle here (default: standard output), e.g. --out mou.audit.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Verify an audit bundle offline: the chain, every proof and every signature.
    Verify {
        /// The audit bundle's file (from `pacta audit export`), e.g. mou.audit.
        file: PathBuf,
        /// A checkpoint you kept earlier (`pacta checkpoint show SIZE --json`): the bundle must
        /// extend it, e.g. --trusted-checkpoint kept.json.
        #[arg(long)]
        trusted_checkpoint: Option<PathBuf>,
        /// The negotiation's head you kept (SEQUENCE:HASH, as `pacta verify NEG` prints it):
        /// the bundle must reach it, so events cut from its end are found, e.g. --trusted-head
        /// 90:HASH, with the full 64-hex-digit hash verify printed.
        #[arg(long, value_parser = super::parse_head)]
        trusted_head: Option<(usize, String)>,
    },
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
    let bundle =
        pacta_ledger::journal::export_bundle(database, &negotiation, checkpoint, &consistent_with)
            .await?;
    // Built in full first; written whole (or not at all).
    super::export::write(out, &bundle)
}

/// `pacta audit verify`: no store, only the files named.
pub(super) fn verify(
    file: &std::path::Path,
    trusted: Option<&std::path::Path>,
    trusted_head: Option<(usize, String)>,
) -> Result<(), CliError> {
    let text = super::read_bounded(file, MAX_BUNDLE_BYTES)?;
    let bundle = audit::parse_bundle(&text).map_err(|problem| {
        CliError::AuditFindings(vec![audit::Finding {
            subject: audit::Subject::Bundle,
            problem: format!("{}: {problem}", file.display()),
        }])
    })?;
    let trusted: Option<TrustedCheckpoint> = match trusted {
        None => None,
        Some(path) => Some(
            serde_json::from_str(&super::read_bounded(path, MAX_TRUSTED_CHECKPOINT_BYTES)?)
                .map_err(|source| CliError::MalformedCheckpoint {
                    path: path.display().to_string(),
                    source,
                })?,
        ),
    };
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
                "{} signed texts, each hashed from its words to the root its signatures bind",
                report.signed_texts
            );
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
        Err(findings) => Err(CliError::AuditFindings(findings)),
    }
}

/// A checkpoint printed by `pacta checkpoint show --json` is under 4 KB with a few co-signatures.
const MAX_TRUSTED_CHECKPOINT_BYTES: u64 = 1024 * 1024;
