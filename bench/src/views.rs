//! `pacta-bench views`: how fast the stored views rebuild from the ledger, and how fast a large
//! negotiation's current draft is read from them, on PostgreSQL or SQLite.
//!
//! The ledger is seeded with many negotiations of realistic acts (clauses proposed, then amended,
//! commented, positioned and agreed in turn) plus one long negotiation, committed in batches
//! straight through the chained store so seeding does not dominate. Then every view is rebuilt
//! from zero by a fresh projector (reading in commit order, verifying every link, folding and
//! writing), and the long negotiation's draft is read repeatedly: straight from the view, parsed,
//! after the service's check that the views are current (`AppState::catch_up`: one lookup of
//! the last position, compared with the position its projector last covered), and after the
//! CLI's (a fresh projector: the last position, then a count of the events the views miss).

use std::time::{Duration, Instant};

use clap::Args;
use cqrs_es::persist::PersistedEventRepository;
use cqrs_es::{Aggregate, AggregateContext, EventStore};
use pacta_domain::{Action, ClauseKind, Delegate, Negotiation, NegotiationEvent, Position, Role};

use pacta_ledger::stamp;
use pacta_ledger::store::{ChainedContext, ChainedEventStore, Database};
use pacta_ledger::views::{self, Projector, View};
use pacta_service::AppState;

use super::scratch::{with_chained_store, BenchDatabase, Server};
use super::{act, open, percentile_ms, BenchError, CLAUSE_TEXT, SEED_BATCH_EVENTS};

#[derive(Args, Debug)]
pub struct ViewsBenchArgs {
    /// Negotiations besides the long one.
    #[arg(long, default_value_t = 100)]
    pub negotiations: usize,
    /// Events in each of them.
    #[arg(long, default_value_t = 1_000)]
    pub events_per_negotiation: usize,
    /// Events in the long negotiation whose draft is read.
    #[arg(long, default_value_t = 10_000)]
    pub long_negotiation_events: usize,
    /// Clauses in every negotiation; its other acts cycle over them.
    #[arg(long, default_value_t = 120)]
    pub clauses: usize,
    /// Reads of the long negotiation's draft.
    #[arg(long, default_value_t = 2_000)]
    pub reads: usize,
    /// Keep the benchmark database instead of dropping it.
    #[arg(long)]
    pub keep: bool,
}

const LONG_NEGOTIATION: &str = "bench-long";
const HEADING: &str = "Échange d'informations";

pub async fn run(server: &Server, args: &ViewsBenchArgs) -> Result<(), BenchError> {
    let bench_database = BenchDatabase::create(server, "views").await?;
    let measured = measure(&bench_database, args).await;
    bench_database.finish(args.keep).await;
    measured
}

async fn measure(bench_database: &BenchDatabase, args: &ViewsBenchArgs) -> Result<(), BenchError> {
    let database = bench_database.database.clone();
    println!(
        "pacta-bench views on {}, {} CPU cores",
        database.kind(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let started = Instant::now();
    with_chained_store!(&database, |store| {
        for index in 0..args.negotiations {
            let id = format!("bench-{index:03}");
            seed(&store, &id, args.events_per_negotiation, args.clauses).await?;
        }
        seed(
            &store,
            LONG_NEGOTIATION,
            args.long_negotiation_events,
            args.clauses,
        )
        .await?;
    });
    // A bulk load leaves the planner without statistics until autovacuum analyses the table; a
    // ledger in service has them, so measure with them.
    let analysed = match &database {
        Database::Postgres(pool, _) => sqlx::query("ANALYZE events").execute(pool).await.map(drop),
        Database::Sqlite(pool) => sqlx::query("ANALYZE events").execute(pool).await.map(drop),
    };
    analysed.map_err(|e| format!("cannot analyse the events table: {e}"))?;
    let events = database.count_events().await?;
    println!(
        "seeded {events} events ({} negotiations of {} events, one of {}) in {:.1} s",
        args.negotiations,
        args.events_per_negotiation,
        args.long_negotiation_events,
        started.elapsed().as_secs_f64()
    );

    // The seeding wrote events only. The journal is appended as events commit and never
    // rebuilt, so it is brought up to date first, with the views, and the rebuilds below
    // measure the views alone, as `pacta projections rebuild` runs on a ledger in service.
    let started = Instant::now();
    let caught_up = Projector::new(database.clone()).catch_up(|_| {}).await?;
    println!(
        "journal and views caught up with {caught_up} events in {:.2} s (not a rebuild: the \
         journal's leaves are written once)",
        started.elapsed().as_secs_f64()
    );

    for rebuilt in [&View::ALL[..], &[View::Draft][..], &[View::Timeline][..]] {
        let started = Instant::now();
        let read = Projector::new(database.clone())
            .rebuild(rebuilt, |_| {})
            .await?;
        let elapsed = started.elapsed().as_secs_f64();
        let names: Vec<&str> = rebuilt.iter().map(|v| v.name()).collect();
        println!(
            "rebuild {:<32} {read:>8} events {elapsed:>7.2} s {:>10.0} events/s",
            names.join(", "),
            read as f64 / elapsed
        );
    }

    let draft = views::document_json(&database, View::Draft, LONG_NEGOTIATION)
        .await?
        .expect("invariant: the long negotiation has a draft");
    println!(
        "draft of {LONG_NEGOTIATION}: {} clauses, {} KiB of JSON",
        args.clauses,
        draft.len() / 1024
    );
    let service = AppState::new(database.clone());
    // The service's first check after it starts has its projector look at every view once; the
    // reads measured are the ones after, as a running service serves them.
    service_catch_up(&service).await?;
    let mut raw = Vec::with_capacity(args.reads);
    let mut parsed = Vec::with_capacity(args.reads);
    let mut as_service = Vec::with_capacity(args.reads);
    let mut as_cli = Vec::with_capacity(args.reads);
    for _ in 0..args.reads {
        let begun = Instant::now();
        service_catch_up(&service).await?;
        views::document_json(&database, View::Draft, LONG_NEGOTIATION).await?;
        as_service.push(begun.elapsed());
        let begun = Instant::now();
        Projector::new(database.clone()).catch_up_to_now().await?;
        views::document_json(&database, View::Draft, LONG_NEGOTIATION).await?;
        as_cli.push(begun.elapsed());
        let begun = Instant::now();
        views::document_json(&database, View::Draft, LONG_NEGOTIATION).await?;
        raw.push(begun.elapsed());
        let begun = Instant::now();
        views::document::<pacta_projections::Draft>(&database, View::Draft, LONG_NEGOTIATION)
            .await?;
        parsed.push(begun.elapsed());
    }
    report_reads("read draft JSON (as a service sends it)", &raw);
    report_reads("read and parse draft (as the CLI prints it)", &parsed);
    report_reads(
        "check the views are current, then read (AppState::catch_up)",
        &as_service,
    );
    report_reads("the CLI's check (a fresh projector), then read", &as_cli);
    Ok(())
}

/// The service's check before every read of a view: one lookup of the last position, and a
/// catch-up only when it is past what the service's projector last covered.
async fn service_catch_up(service: &AppState) -> Result<(), BenchError> {
    service.catch_up().await.map_err(|error| {
        format!(
            "the service cannot bring the views up to date ({}): {}",
            error.code.as_str(),
            error.message
        )
        .into()
    })
}

fn report_reads(label: &str, latencies: &[Duration]) {
    println!(
        "{label:<60} {:>6} reads  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms",
        latencies.len(),
        percentile_ms(latencies, 50),
        percentile_ms(latencies, 99),
        percentile_ms(latencies, 100),
    );
}

/// Opens `id` and records acts until it holds `events` events, deciding each in memory and
/// committing in batches through the chained store.
pub(super) async fn seed<R: PersistedEventRepository>(
    store: &ChainedEventStore<R>,
    id: &str,
    events: usize,
    clauses: usize,
) -> Result<(), BenchError> {
    let mut seeder = Seeder::open(store, id, clauses).await?;
    while seeder.recorded < events {
        seeder
            .commit_batch(store, SEED_BATCH_EVENTS.min(events - seeder.recorded))
            .await?;
    }
    Ok(())
}

/// One negotiation being seeded: its state as decided so far, and the next act's step.
pub(super) struct Seeder {
    id: String,
    state: Negotiation,
    pub(super) recorded: usize,
    step: usize,
    clauses: usize,
}

impl Seeder {
    pub(super) async fn open<R: PersistedEventRepository>(
        store: &ChainedEventStore<R>,
        id: &str,
        clauses: usize,
    ) -> Result<Seeder, BenchError> {
        open(store, id).await?;
        let mut opened: ChainedContext<Negotiation> = store.load_aggregate(id).await?;
        Ok(Seeder {
            id: id.to_string(),
            recorded: opened.head().sequence,
            state: opened.aggregate().clone(),
            step: 0,
            clauses,
        })
    }

    /// Decides acts until at least `events` more events, and commits them in one transaction.
    pub(super) async fn commit_batch<R: PersistedEventRepository>(
        &mut self,
        store: &ChainedEventStore<R>,
        events: usize,
    ) -> Result<(), BenchError> {
        let head = Delegate {
            person: "civ.head".into(),
            name: "Head of the CIV delegation".into(),
            party: "CIV".into(),
            role: Role::HeadOfDelegation,
            signing: None,
        };
        let register = super::cast_register();
        let mut pending: Vec<NegotiationEvent> = Vec::new();
        while pending.len() < events {
            let command = act(
                "civ.head",
                seed_action(&self.state, self.step, self.clauses),
            );
            self.step += 1;
            let decided = self
                .state
                .decide(&command, &register)
                .map_err(|e| format!("seeding {}: {e}", self.id))?;
            for event in decided {
                self.state.apply(event.clone());
                pending.push(event);
            }
        }
        self.recorded += pending.len();
        let context: ChainedContext<Negotiation> = store.load_aggregate(&self.id).await?;
        store
            .commit(
                pending,
                context,
                stamp(head, &uuid::Uuid::new_v4().to_string(), None),
            )
            .await?;
        Ok(())
    }
}

/// The `step`-th act: first every clause is proposed, then each is in turn amended, commented,
/// given a position and agreed.
fn seed_action(state: &Negotiation, step: usize, clauses: usize) -> Action {
    let clause_id = format!("art-{:03}", step % clauses);
    if step < clauses {
        return Action::ProposeClause {
            clause_id,
            kind: ClauseKind::Article,
            heading: HEADING.into(),
            language: "fr".into(),
            text: CLAUSE_TEXT.into(),
            after: None,
            before: None,
        };
    }
    let current = state
        .clause(&clause_id)
        .map(|c| c.text_hash.clone())
        .expect("invariant: every clause was proposed first");
    match (step / clauses) % 4 {
        1 => Action::AmendClause {
            clause_id,
            base_text_hash: current,
            heading: Some(HEADING.into()),
            language: "fr".into(),
            text: format!("{CLAUSE_TEXT} (version {step})"),
        },
        2 => Action::Comment {
            clause_id: Some(clause_id),
            text: "La Côte d'Ivoire propose de préciser les garanties applicables.".into(),
            internal: false,
        },
        3 => Action::StatePosition {
            clause_id,
            position: Position::Reserve,
            rationale: "Consultation des ministères compétents en cours.".into(),
        },
        _ => Action::AgreeClause {
            clause_id,
            text_hash: current,
            ad_referendum: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use pacta_domain::clause_text_hash;

    use super::*;

    #[test]
    fn seeded_acts_are_all_accepted_by_the_domain() {
        let mut state = Negotiation::default();
        let opening = super::super::open_action("neg");
        let register = super::super::cast_register();
        for event in state.decide(&act("civ.head", opening), &register).unwrap() {
            state.apply(event);
        }
        for step in 0..200 {
            let command = act("civ.head", seed_action(&state, step, 7));
            for event in state.decide(&command, &register).unwrap() {
                state.apply(event);
            }
        }
        let clause = state.clause("art-003").unwrap();
        assert_ne!(
            clause.text_hash,
            clause_text_hash(HEADING, "fr", CLAUSE_TEXT)
        );
    }
}
