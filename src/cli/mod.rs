//! The `pacta` command line: one subcommand per negotiating act, and the views to read them.

mod acts;
mod args;
mod audit;
mod demo;
mod error;
pub mod export;
mod files;
mod hashes;
mod journal;
mod persons;
mod print;
mod projections;
mod reads;
mod serve;
mod tokens;

use pacta_domain::{Action, NegotiationCommand};

use crate::files::read_bounded;
pub use args::*;
pub use error::{CliError, ExitCode};
use files::*;
use pacta_ledger::journal::JournalFailure;
use pacta_ledger::store::Database;
use pacta_ledger::views::View;
use pacta_ledger::{CommandContext, Ledger, LedgerError};
use pacta_projections::export::RenderError;
pub use print::*;

pub async fn run(cli: Cli) -> Result<(), CliError> {
    // Key generation happens on the signatory's machine and touches no store.
    if let Command::Key {
        command: KeyCommand::Generate { out },
    } = &cli.command
    {
        return generate_key(out);
    }
    // An auditor verifies a bundle offline: no store is opened, so none can be trusted by mistake.
    if let Command::Audit {
        command:
            audit::AuditCommand::Verify {
                file,
                trusted_checkpoint,
                trusted_head,
            },
    } = &cli.command
    {
        return audit::verify(file, trusted_checkpoint.as_deref(), trusted_head.clone());
    }
    let database = if reads_events_only(&cli.command) {
        Database::connect_read_only(&cli.store).await?
    } else {
        Database::connect(&cli.store).await?
    };
    run_with(&Ledger::on(&database), &database, cli).await
}

/// Commands that read verified events and nothing else: they open the store read-only (no
/// migration, no file created, nothing written), so a copy in a read-only place can be verified
/// and read. Every other read catches the stored views up first, which writes them, and the
/// acts write; they open the store as usual.
fn reads_events_only(command: &Command) -> bool {
    matches!(
        command,
        Command::Verify { .. }
            | Command::Redline { .. }
            | Command::ClauseHistory { .. }
            | Command::Export(_)
            | Command::Matrix {
                command: MatrixCommand::Show { .. }
            }
    )
}

fn generate_key(out: &std::path::Path) -> Result<(), CliError> {
    let public_key = crate::keys::generate(out)?;
    println!(
        "wrote the private key to {} (keep it on this machine)",
        out.display()
    );
    println!("public key {public_key}");
    Ok(())
}

async fn run_with(ledger: &Ledger, database: &Database, cli: Cli) -> Result<(), CliError> {
    let context = CommandContext {
        command_id: cli.command_id.clone(),
    };
    let actor = || cli.actor.clone().ok_or(CliError::NoActor);
    let (negotiation, action) = match cli.command {
        Command::Act(act) => acts::action_of(ledger, cli.actor.as_deref(), act).await?,
        Command::Serve {
            listen,
            demo,
            behind_tls_proxy,
            verify_events_per_second,
        } => {
            return serve::run(
                database.clone(),
                &cli.store,
                &listen,
                demo,
                behind_tls_proxy,
                verify_events_per_second,
            )
            .await;
        }
        Command::Key { .. } => unreachable!("`run` generates keys before any store is opened"),
        Command::Matrix { command } => match command {
            MatrixCommand::Create {
                negotiation,
                matrix,
                title,
            } => (
                negotiation,
                Action::CreateMatrix {
                    matrix_id: matrix,
                    title,
                },
            ),
            MatrixCommand::Row {
                negotiation,
                matrix,
                row,
                content_file,
                base,
            } => {
                let content = read_json_file(&content_file)?;
                let action = Action::ProposeRow {
                    matrix_id: matrix,
                    row_id: row,
                    content,
                    base_row_hash: base,
                };
                (negotiation, action)
            }
            MatrixCommand::AgreeRow {
                negotiation,
                matrix,
                row,
                hash,
            } => (
                negotiation,
                Action::AgreeRow {
                    matrix_id: matrix,
                    row_id: row,
                    row_hash: hash,
                },
            ),
            MatrixCommand::Validate {
                negotiation,
                matrix,
                round,
            } => (
                negotiation,
                Action::ValidateMatrix {
                    matrix_id: matrix,
                    round_id: round,
                },
            ),
            MatrixCommand::Progress {
                negotiation,
                matrix,
                row,
                status,
                on,
                note,
            } => (
                negotiation,
                Action::ReportProgress {
                    matrix_id: matrix,
                    row_id: row,
                    progress: status,
                    reported_on: on,
                    note,
                },
            ),
            MatrixCommand::Show { negotiation, json } => {
                let matrices =
                    pacta_projections::action_matrices(&ledger.events(&negotiation).await?);
                if json {
                    println!("{}", to_json(&matrices));
                } else {
                    print_matrices(&matrices);
                }
                return Ok(());
            }
        },
        Command::Round { command } => match command {
            RoundCommand::Open {
                negotiation,
                round,
                kind,
                place,
                starts_on,
                ends_on,
            } => (
                negotiation,
                Action::OpenRound {
                    round_id: round,
                    kind,
                    place,
                    starts_on,
                    ends_on,
                },
            ),
            RoundCommand::Close { negotiation, round } => {
                (negotiation, Action::CloseRound { round_id: round })
            }
            RoundCommand::Minutes {
                negotiation,
                round,
                file,
                reference,
            } => {
                let minutes_hash = crate::keys::file_sha256(&file)?;
                let action = Action::RecordMinutes {
                    round_id: round,
                    minutes_hash,
                    reference,
                };
                (negotiation, action)
            }
            RoundCommand::AdoptMinutes {
                negotiation,
                round,
                hash,
                file,
            } => {
                let minutes_hash = match (hash, file) {
                    (_, Some(file)) => crate::keys::file_sha256(&file)?,
                    (Some(hash), None) => hash,
                    (None, None) => unreachable!("clap requires --hash or --file"),
                };
                let action = Action::AdoptMinutes {
                    round_id: round,
                    minutes_hash,
                };
                (negotiation, action)
            }
        },
        Command::Status {
            negotiation,
            json,
            on,
        } => {
            let state = match on {
                // Which text was in force on a date is a question about the past: fold the events.
                Some(on) => pacta_projections::agreement_state(
                    &negotiation,
                    &ledger.events(&negotiation).await?,
                    Some(on),
                ),
                None => stored(database, View::Agreement, &negotiation).await?,
            };
            if json {
                println!("{}", to_json(&state));
            } else {
                print_agreement_state(&state);
            }
            return Ok(());
        }
        Command::Submit { negotiation, file } => {
            let command: NegotiationCommand = read_json_file(&file)?;
            let command = with_full_hashes(ledger, &negotiation, command).await?;
            let executed = ledger.execute(&negotiation, command, &context).await?;
            print_recorded(&executed.events);
            projections::refresh_after_recording(database).await;
            return Ok(());
        }
        Command::History {
            negotiation,
            json,
            party,
            clause,
            round,
            since,
            until,
        } => {
            let filter = pacta_projections::TimelineFilter {
                party,
                clause,
                round,
                from_date: since,
                to_date: until,
            };
            let reader = cli.actor.as_deref();
            return reads::history(ledger, database, &negotiation, filter, json, reader).await;
        }
        Command::Redline {
            negotiation,
            from,
            to,
            format,
            json,
            out,
            language,
        } => {
            let format = match (format, json) {
                (Some(format), _) => format,
                (None, true) => reads::RedlineFormat::Json,
                (None, false) => reads::RedlineFormat::Text,
            };
            let language = language.as_deref();
            return reads::redline(ledger, &negotiation, &from, &to, format, out, language).await;
        }
        Command::ClauseHistory {
            negotiation,
            clause,
            json,
        } => {
            let reader = cli.actor.as_deref();
            return reads::clause_history(ledger, &negotiation, &clause, json, reader).await;
        }
        Command::List { json } => return reads::list(database, json).await,
        Command::Draft {
            negotiation,
            json,
            language,
            revision,
            at,
        } => {
            let view = match (revision, at) {
                (None, None) => stored(database, View::Draft, &negotiation).await?,
                (_, Some(at)) => {
                    reads::draft_at(&negotiation, &ledger.events(&negotiation).await?, &at)?
                }
                (Some(revision), None) => {
                    let events = ledger.events(&negotiation).await?;
                    pacta_projections::draft_of_revision(&negotiation, &events, revision).ok_or(
                        RenderError::UnknownRevision {
                            negotiation: negotiation.clone(),
                            revision,
                        },
                    )?
                }
            };
            if let Some(language) = language.as_ref().filter(|l| !view.languages.contains(l)) {
                return Err(RenderError::NotAuthenticLanguage {
                    language: language.clone(),
                    authentic: view.languages.join(", "),
                }
                .into());
            }
            if json {
                println!("{}", to_json(&view));
            } else {
                print_draft(&view, language.as_deref());
            }
            return Ok(());
        }
        Command::Export(args) => return export::run(ledger, args).await,
        Command::Verify {
            negotiation,
            expect_head,
        } => return verify(ledger, database, negotiation, expect_head).await,
        Command::Demo => {
            demo::run(ledger).await?;
            projections::refresh_after_recording(database).await;
            return Ok(());
        }
        Command::Projections { command } => return projections::run(database, command).await,
        Command::Checkpoint { command } => {
            return journal::checkpoint(ledger, database, cli.actor.as_deref(), command).await
        }
        Command::Proof { command } => return journal::proof(database, command).await,
        Command::Audit { command } => return audit::export(database, command).await,
        Command::Token { command } => return tokens::run(database, command).await,
        Command::Person { command } => return persons::run(database, command).await,
    };
    let command = NegotiationCommand {
        actor: actor()?,
        action,
        took_place: cli.took_place_on.map(|on| pacta_domain::Occasion {
            on,
            at: cli.took_place_at,
            place: cli.took_place_in.clone(),
            intersessional: cli.intersessional,
        }),
    };
    let command = with_full_hashes(ledger, &negotiation, command).await?;
    let executed = ledger.execute(&negotiation, command, &context).await?;
    print_recorded(&executed.events);
    projections::refresh_after_recording(database).await;
    Ok(())
}

/// `command` with every hash it names by a prefix replaced by the negotiation's one full hash
/// that starts so; the negotiation is read only when some hash is a prefix.
async fn with_full_hashes(
    ledger: &Ledger,
    negotiation: &str,
    mut command: NegotiationCommand,
) -> Result<NegotiationCommand, CliError> {
    if hashes::has_prefix(&command.action) {
        let events = ledger.events(negotiation).await?;
        command.action = hashes::resolve(command.action, negotiation, &events)?;
    }
    Ok(command)
}

/// A negotiation's document in a stored view, once the views have caught up with the ledger.
async fn stored<T: serde::de::DeserializeOwned>(
    database: &Database,
    view: View,
    negotiation: &str,
) -> Result<T, CliError> {
    projections::catch_up(database).await?;
    pacta_ledger::views::document(database, view, negotiation)
        .await?
        .ok_or_else(|| LedgerError::UnknownNegotiation(negotiation.to_string()).into())
}

/// `pacta verify NEG [--expect-head]`: one negotiation's chain; `pacta verify`: the whole
/// ledger (every chain, the journal, checkpoints, co-signatures, the latest checkpoint's events).
async fn verify(
    ledger: &Ledger,
    database: &Database,
    negotiation: Option<String>,
    expect_head: Option<(usize, String)>,
) -> Result<(), CliError> {
    let Some(id) = negotiation else {
        return verify_ledger(database).await;
    };
    let head = ledger.verify(&id).await?;
    if head.sequence == 0 {
        return Err(LedgerError::UnknownNegotiation(id).into());
    }
    if let Some((sequence, hash)) = &expect_head {
        if (head.sequence, hex::encode(head.hash)) != (*sequence, hash.clone()) {
            return Err(CliError::HeadMismatch {
                negotiation: id,
                expected: format!("{sequence}:{hash}"),
                found: format!("{}:{}", head.sequence, hex::encode(head.hash)),
            });
        }
    }
    print_chain_head(&id, &head);
    println!(
        "verified 1 negotiation(s), {} events on {}: every link intact",
        head.sequence,
        database.kind()
    );
    Ok(())
}

fn print_chain_head(id: &str, head: &pacta_verify::chain::ChainHead) {
    println!(
        "{id}: {} events, chain intact, head {}:{}",
        head.sequence,
        head.sequence,
        hex::encode(head.hash)
    );
}

/// The whole ledger: one line per negotiation and per check that held, or every finding, one
/// per line, as an integrity failure.
async fn verify_ledger(database: &Database) -> Result<(), CliError> {
    let report = pacta_ledger::verification::verify_ledger(database)
        .await?
        .map_err(JournalFailure::LedgerFindings)?;
    for (id, head) in &report.negotiations {
        print_chain_head(id, head);
    }
    println!(
        "verified {} negotiation(s), {} events on {}: every link intact",
        report.negotiations.len(),
        report.events,
        database.kind()
    );
    println!(
        "journal: {} leaves, each the event at its place in commit order ({} events not yet journaled)",
        report.leaves,
        report.not_yet_journaled()
    );
    println!(
        "{} frontiers and {} checkpoints, each the root of the journal at its size; every checkpoint signed by the ledger's key",
        report.frontiers, report.checkpoints
    );
    println!(
        "{} co-signatures, each by a signatory accredited for its party with its key",
        report.cosignatures
    );
    if let Some(size) = report.latest_checkpoint {
        println!("checkpoint {size}: every event it covers is still in the store, unchanged");
    }
    Ok(())
}
