//! `pacta projections`: where the stored views stand, and rebuilding them; and the catch-up every
//! other command runs before it reads a view or after it records an act.

use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};

use super::CliError;
use pacta_ledger::store::Database;
use pacta_ledger::views::{self, Projector, View};

#[derive(Subcommand, Debug)]
pub enum ProjectionsCommand {
    /// Show each stored view's checkpoint and how many events it lags behind the ledger.
    Status,
    /// Bring every view up to date with the ledger.
    CatchUp {
        /// Events read and written per transaction, e.g. --batch-events 500.
        #[arg(long, default_value_t = views::CATCH_UP_BATCH_EVENTS)]
        batch_events: usize,
    },
    /// Empty a view (or every view) and replay the whole ledger into it.
    Rebuild {
        /// index, draft, agreement, timeline or access; all five when absent (never the
        /// journal: checkpoints sign its roots), e.g. draft.
        view: Option<String>,
        /// Events read and written per transaction, e.g. --batch-events 500.
        #[arg(long, default_value_t = views::CATCH_UP_BATCH_EVENTS)]
        batch_events: usize,
    },
}

pub(super) async fn run(database: &Database, command: ProjectionsCommand) -> Result<(), CliError> {
    match command {
        ProjectionsCommand::Status => {
            println!(
                "{:<10} {:>10} {:>10} {:>16}",
                "view", "applied", "lag", "position"
            );
            for status in views::status(database).await? {
                println!(
                    "{:<10} {:>10} {:>10} {:>16}",
                    status.view.name(),
                    status.events_applied,
                    status.lag_events,
                    status.cursor.global_position
                );
            }
        }
        ProjectionsCommand::CatchUp { batch_events } => {
            let read = with_progress(database, &View::EVERY, None, batch_events).await?;
            println!("views up to date ({read} events read)");
        }
        ProjectionsCommand::Rebuild { view, batch_events } => {
            let rebuilt = match view {
                Some(name) => vec![name.parse::<View>()?],
                None => View::ALL.to_vec(),
            };
            let started = std::time::Instant::now();
            let read = with_progress(database, &rebuilt, Some(&rebuilt), batch_events).await?;
            let names: Vec<&str> = rebuilt.iter().map(|v| v.name()).collect();
            println!(
                "rebuilt {} from {read} events in {} ms",
                names.join(", "),
                started.elapsed().as_millis()
            );
        }
    }
    Ok(())
}

/// Catches up (after emptying `rebuild`, if given) with a progress bar on a terminal.
async fn with_progress(
    database: &Database,
    watched: &[View],
    rebuild: Option<&[View]>,
    batch_events: usize,
) -> Result<u64, CliError> {
    let total_events: u64 = match rebuild {
        Some(_) => database.count_events().await?,
        None => views::status(database)
            .await?
            .iter()
            .filter(|s| watched.contains(&s.view))
            .map(|s| s.lag_events)
            .max()
            .unwrap_or(0),
    };
    // indicatif draws on stderr only when it is a terminal, so scripts and tests see no bar.
    let bar = ProgressBar::new(total_events).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} events ({per_sec}, {eta} left)")
            .expect("invariant: a valid template"),
    );
    let mut projector = Projector::new(database.clone()).with_batch_events(batch_events);
    let read = match rebuild {
        Some(views) => projector.rebuild(views, |n| bar.inc(n)).await,
        None => projector.catch_up(|n| bar.inc(n)).await,
    };
    bar.finish_and_clear();
    Ok(read?)
}

/// Brings the views up to date before a read, so what is read reflects every recorded act.
pub(super) async fn catch_up(database: &Database) -> Result<(), CliError> {
    Projector::new(database.clone()).catch_up_to_now().await?;
    Ok(())
}

/// Brings the views up to date after an act. The act is recorded whatever happens here, so a
/// failure is reported on stderr and the command still succeeds; the next catch-up retries.
pub(super) async fn refresh_after_recording(database: &Database) {
    // The window the kill test stops a real process in: the act committed, the views not updated.
    // Nothing at all unless built with the `failpoints` feature, as only the tests are.
    fail::fail_point!("after-commit-before-projection", |_| {
        views::stop_at_failpoint("after-commit-before-projection")
    });
    // What is readable now, without waiting for anything still being written: the act has been
    // answered, and the next read catches up with everything committed before it anyway.
    let caught_up = Projector::new(database.clone()).catch_up(|_| {}).await;
    if let Err(error) = caught_up {
        eprintln!(
            "pacta: the act is recorded, but the views were not brought up to date: {error} \
             (they catch up on the next command; see `pacta projections status`)"
        );
    }
}
