//! `pacta-bench`: what the hash chain costs, measured against plain postgres-es (or sqlite-es),
//! and how near both run to what the store itself allows.
//!
//! Every workload runs twice in the same process, against two fresh databases on the same
//! PostgreSQL server (or two fresh SQLite files in the same directory): through
//! `ChainedEventStore` (verifies the whole chain on load, seals on commit) and through cqrs-es's
//! own `PersistedEventStore` over the same postgres-es (sqlite-es) repository. Same aggregate,
//! same commands, same execution loop: the ratio of the two throughputs is the price of tamper
//! evidence. At each concurrency level the store's own limit is measured too (`limit.rs`: as
//! many connections, each inserting one durable row per transaction), so the ratio of Pacta to
//! what the store allows is printed in the same run.
//!
//! The execution loop is [`execute`], in this crate: the ledger executes only through its own
//! chained store (`Ledger::execute`), so a loop that runs over any cqrs-es `EventStore` lives
//! here. It takes the ledger's steps for a command sent without a command id (load, decide,
//! stamp who acted with a fresh id and the command's fingerprint, commit, and after a lost race
//! pause a random moment within the ledger's bounds and start again from a fresh load); what it
//! leaves out, looking up a client-chosen command id to replay, costs nothing on that path. So
//! what differs between the two runs is the store alone, which is what is measured.
//!
//! Workloads:
//! - 1, 8 and 32 concurrent writers over 64 negotiations (each writer owns its negotiations, so
//!   the figures measure the store, not lost races): a cycle of propose, comment, amend, agree;
//! - one writer on a single negotiation already holding 1,000 and then 10,000 events (seeded by
//!   committing batches straight to the store, then measured command by command).
//!
//! The store is named by `--store`: `postgres://…` or `sqlite://FILE` (`scratch.rs`).
//!
//! The other workloads are subcommands: `views`, `journal`, `audit`, `http` and `memory`.

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use cqrs_es::event_sink::EventSink;
use cqrs_es::persist::{PersistedEventRepository, PersistedEventStore};
use cqrs_es::{Aggregate, AggregateContext, AggregateError, EventStore};
use pacta_domain::{
    clause_text_hash, Action, ClauseKind, InstrumentKind, Negotiation, NegotiationCommand, Party,
    Register, Role,
};
use pacta_ledger::store::{ChainedEventStore, Database};
use pacta_ledger::{command_sha256, commit_stamped, retry_pause, stamp};
use postgres_es::PostgresEventRepository;
use sqlite_es::SqliteEventRepository;

mod audit;
mod http;
mod journal;
mod limit;
mod memory;
mod scratch;
mod views;

use scratch::{BenchDatabase, Server};

// The shipped binary's allocator, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Every failure of a benchmark, reported as one line.
type BenchError = Box<dyn std::error::Error + Send + Sync>;

/// Pacta's benchmarks, on scratch databases created on the PostgreSQL server named by --store
/// (or SQLite files created beside the file it names).
///
/// Without a workload: command throughput and latency, chained against plain postgres-es
/// (sqlite-es), and against the store's own limit of one-row transactions.
#[derive(Parser, Debug)]
#[command(name = "pacta-bench", version)]
pub struct BenchArgs {
    /// Store to measure on: postgres://USER@HOST/DB (a user allowed to create databases), or
    /// sqlite://FILE (scratch files are created in FILE's directory, on its disk).
    #[arg(long, env = "PACTA_STORE", global = true)]
    pub store: Option<String>,
    /// A single workload instead of the command benchmark.
    #[command(subcommand)]
    pub workload: Option<Workload>,
    /// Commands measured at each concurrency level (see --writers).
    #[arg(long, default_value_t = 2_000)]
    pub commands: usize,
    /// Concurrency levels measured, in writers (at most 32 each): one level alone, to profile it.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
    pub writers: Vec<usize>,
    /// Commands measured on each large single negotiation.
    #[arg(long, default_value_t = 200)]
    pub single_commands: usize,
    /// Sizes of the single negotiations, in events, before measuring.
    #[arg(long, value_delimiter = ',', default_value = "1000,10000")]
    pub single_sizes: Vec<usize>,
    /// Keep the benchmark databases instead of dropping them.
    #[arg(long)]
    pub keep: bool,
    /// Measure only the `ledger` rows (no chained, plain or insert-limit rows): to profile the
    /// ledger alone, with nothing else running in the process.
    #[arg(long)]
    pub ledger_only: bool,
}

#[derive(clap::Subcommand, Debug)]
pub enum Workload {
    /// Stored views: full rebuild throughput, and read latency of a large negotiation's draft.
    Views(views::ViewsBenchArgs),
    /// The journal: what a checkpoint and its proofs cost over a large journal.
    Journal(journal::JournalBenchArgs),
    /// Audit bundles: offline verification throughput on one core.
    Audit(audit::AuditBenchArgs),
    /// The HTTP service under concurrent clients: throughput and latency of acts and reads.
    Http(http::HttpBenchArgs),
    /// The service's resident memory over a large ledger, before and after touching every
    /// negotiation through the API.
    Memory(memory::MemoryBenchArgs),
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(BenchArgs::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("pacta-bench: {error}");
            ExitCode::FAILURE
        }
    }
}

const NEGOTIATIONS: usize = 64;
/// One connection per writer, for each of the two stores.
const MAX_WRITERS: usize = 32;
/// Events committed per batch when seeding a large negotiation.
const SEED_BATCH_EVENTS: usize = 500;
const CLAUSE_TEXT: &str = "Les Parties échangent, par l'intermédiaire de leurs points focaux désignés, les informations utiles à la prévention de la traite des personnes, à l'identification des victimes et à la poursuite des auteurs, dans le respect de leur législation nationale relative à la protection des données à caractère personnel.";

async fn run(args: BenchArgs) -> Result<(), BenchError> {
    let Some(store_url) = &args.store else {
        return Err(
            "no store: pass --store postgres://USER@HOST/DB (or set PACTA_STORE), \
                    a user allowed to create databases, or --store sqlite://FILE"
                .into(),
        );
    };
    let server = Server::parse(store_url)?;
    match args.workload {
        Some(Workload::Views(ref workload)) => return views::run(&server, workload).await,
        Some(Workload::Journal(ref workload)) => return journal::run(&server, workload).await,
        Some(Workload::Audit(ref workload)) => return audit::run(&server, workload).await,
        Some(Workload::Http(ref workload)) => return http::run(&server, workload).await,
        Some(Workload::Memory(ref workload)) => return memory::run(&server, workload).await,
        None => {}
    }
    if args.writers.iter().any(|&w| w == 0 || w > MAX_WRITERS) {
        return Err(
            format!("--writers takes levels from 1 to {MAX_WRITERS}, e.g. --writers 8").into(),
        );
    }
    let databases = [
        BenchDatabase::create(&server, "chained").await?,
        BenchDatabase::create(&server, "plain").await?,
    ];
    let measured = match (&databases[0].database, &databases[1].database) {
        (Database::Postgres(chained, _), Database::Postgres(plain, _)) => {
            let repos = [chained, plain].map(|pool| PostgresEventRepository::new(pool.clone()));
            compare(&args, &server, &databases, repos).await
        }
        (Database::Sqlite(chained), Database::Sqlite(plain)) => {
            let repos = [chained, plain].map(|pool| SqliteEventRepository::new(pool.clone()));
            compare(&args, &server, &databases, repos).await
        }
        _ => unreachable!("both databases are made on the same server"),
    };
    let dropped = limit::drop_table(&databases[0].database).await;
    for database in databases {
        database.finish(args.keep).await;
    }
    measured.and(dropped)
}

/// The command benchmark on two fresh databases of one store, through `repos`: the first
/// chained, the second plain.
async fn compare<R>(
    args: &BenchArgs,
    server: &Server,
    databases: &[BenchDatabase; 2],
    repos: [R; 2],
) -> Result<(), BenchError>
where
    R: PersistedEventRepository + 'static,
{
    let [chained_repo, plain_repo] = repos;
    let chained = Arc::new(ChainedEventStore::new(chained_repo));
    let plain = Arc::new(PersistedEventStore::<_, Negotiation>::new_event_store(
        plain_repo,
    ));
    let steps: [Arc<Vec<AtomicUsize>>; 2] =
        std::array::from_fn(|_| Arc::new((0..NEGOTIATIONS).map(|_| AtomicUsize::new(0)).collect()));
    let limit_database = &databases[0].database;
    limit::create_table(limit_database).await?;

    println!(
        "pacta-bench on {}, {} CPU cores. Stores: chained (the ledger: verifies the whole \
         chain on every load, seals on commit), plain ({}, same aggregate, no chain); insert \
         limit: the store alone ({}).",
        server.kind(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        plain_name(server),
        limit::durability(limit_database).await?,
    );
    println!(
        "{:<40} {:<13} {:>8} {:>9} {:>8} {:>8} {:>10} {:>10}",
        "workload", "store", "commands", "cmds/s", "p50 ms", "p99 ms", "vs plain", "vs limit"
    );
    for id in (0..NEGOTIATIONS).map(negotiation_id) {
        open(chained.as_ref(), &id).await?;
        open(plain.as_ref(), &id).await?;
    }
    // The ledger decides against the operator's register, as the service does.
    register_cast(&databases[0].database).await?;
    let ledger = Arc::new(service_ledger(&databases[0].database));
    let executors = [on_store(&chained), on_store(&plain), on_ledger(&ledger)];
    let mut document_bytes = None;
    let mut one_connection_limit = None;
    for &writers in &args.writers {
        let label = format!("{writers} writer(s), {NEGOTIATIONS} negotiations");
        if args.ledger_only {
            let service = concurrent(&executors[2], &steps[0], writers, args.commands).await?;
            report_kept(&label, &service, None, None);
            continue;
        }
        let measured = [
            concurrent(&executors[0], &steps[0], writers, args.commands).await?,
            concurrent(&executors[1], &steps[1], writers, args.commands).await?,
        ];
        // On the chained store's negotiations, continuing their cycles.
        let (groups_before, acts_before) = ledger.groups_and_acts();
        let service = concurrent(&executors[2], &steps[0], writers, args.commands).await?;
        let (groups, acts) = ledger.groups_and_acts();
        let grouped = (acts - acts_before) as f64 / (groups - groups_before).max(1) as f64;
        // Sized once, on what the chained store has recorded by the end of the first level:
        // the same rows at every level.
        let bytes = match document_bytes {
            Some(bytes) => bytes,
            None => *document_bytes.insert(limit::average_event_bytes(limit_database).await?),
        };
        let limit = limit::measure(limit_database, writers, args.commands, bytes).await?;
        report(&label, &measured, Some(&limit));
        report_kept(&label, &service, Some(&measured[1]), Some(&limit));
        report_limit(&label, &limit);
        println!("{label:<40} ledger: {grouped:.1} acts per transaction");
        if writers == 1 {
            one_connection_limit = Some(limit);
        }
    }
    for (index, &size) in args.single_sizes.iter().enumerate() {
        let id = format!("single-{index}");
        seed(chained.as_ref(), &id, size).await?;
        let label = format!("1 negotiation of {size} events, 1 writer");
        if args.ledger_only {
            let kept = single_kept(&databases[0].database, &id, args.single_commands).await?;
            report_kept(&label, &kept, None, None);
            continue;
        }
        seed(plain.as_ref(), &id, size).await?;
        let measured = [
            single(chained.as_ref(), &id, args.single_commands).await?,
            single(plain.as_ref(), &id, args.single_commands).await?,
        ];
        report(&label, &measured, one_connection_limit.as_ref());
        let kept = single_kept(&databases[0].database, &id, args.single_commands).await?;
        report_kept(
            &label,
            &kept,
            Some(&measured[1]),
            one_connection_limit.as_ref(),
        );
    }
    println!(
        "vs plain = throughput / plain {} throughput on the same workload (target >= 0.8)",
        plain_name(server)
    );
    println!(
        "insert limit = as many connections as writers, each inserting one row per transaction \
         (autocommit INSERT of a {} B JSON document: the chained store's average payload + \
         metadata) into a scratch table of the chained database, as durable as the ledger's \
         commits",
        document_bytes.unwrap_or(0)
    );
    println!(
        "vs limit = throughput / insert limit at the same number of connections (Pacta ÷ limit); \
         for a single negotiation, the limit of 1 connection"
    );
    println!(
        "ledger = Ledger::execute as the service runs it: each negotiation's verified state kept \
         between acts (decided on the kept state; reads and verifies the events after its head only \
         when another writer appended), concurrent acts \
         committed in groups (one transaction for the acts waiting to commit); on the chained \
         store's negotiations"
    );
    Ok(())
}

/// The plain comparison store on `server`.
fn plain_name(server: &Server) -> &'static str {
    match server {
        Server::Postgres(_) => "postgres-es",
        Server::Sqlite { .. } => "sqlite-es",
    }
}

fn negotiation_id(index: usize) -> String {
    format!("bench-{index:02}")
}

fn act(actor: &str, action: Action) -> NegotiationCommand {
    NegotiationCommand {
        actor: actor.to_string(),
        action,
        took_place: None,
    }
}

/// Who acts in the benchmarks, as the operator's register binds them: (person, name, party).
const CAST: [(&str, &str, &str); 3] = [
    ("civ.head", "Head of the CIV delegation", "CIV"),
    ("mar.head", "Head of the MAR delegation", "MAR"),
    ("civ.negotiator", "CIV negotiator", "CIV"),
];

/// The register entries of the benchmark's cast, which commands are decided against.
fn cast_register() -> Register {
    let mut register = Register::default();
    for (person, name, party) in CAST {
        register.bind(person, name, [party.to_string()]);
    }
    register
}

/// Puts the benchmark's cast on the store's register, as an operator does before anyone opens
/// a negotiation through the ledger.
async fn register_cast(database: &Database) -> Result<(), BenchError> {
    let registered_at = chrono::Utc::now().to_rfc3339();
    for (person, name, party) in CAST {
        database
            .add_person(person, Some(name), &[party.to_string()], &registered_at)
            .await?;
    }
    Ok(())
}

/// Opens a benchmark negotiation between CIV and MAR, heads `civ.head` and `mar.head`, named by
/// the register.
fn open_action(id: &str) -> Action {
    let party = |code: &str, head: &str| Party::new(code, code, head, "");
    Action::OpenNegotiation {
        negotiation_id: id.into(),
        title: "Benchmark memorandum".into(),
        titles: Default::default(),
        instrument_kind: InstrumentKind::Mou,
        parties: vec![party("CIV", "civ.head"), party("MAR", "mar.head")],
        facilitator: None,
        languages: vec!["fr".into()],
        language_responsibility: Default::default(),
        entry_into_force_rule: None,
        termination_notice_months: None,
        provisional_application: false,
        legal_effect: None,
        arabic_article_numbering: None,
    }
}

/// What every benchmark negotiation starts with: opened by CIV's head, accepted by MAR's, and
/// CIV's negotiator accredited.
fn opening_commands(id: &str) -> [NegotiationCommand; 3] {
    let accredit = Action::AccreditDelegate {
        person: "civ.negotiator".into(),
        name: String::new(),
        party: "CIV".into(),
        role: Role::Negotiator,
        signing: None,
    };
    [
        act("civ.head", open_action(id)),
        act("mar.head", Action::AcceptNegotiation),
        act("civ.head", accredit),
    ]
}

/// Opens a benchmark negotiation; returns how many events that recorded.
async fn open<ES: EventStore<Negotiation>>(store: &ES, id: &str) -> Result<usize, BenchError> {
    let mut recorded = 0;
    for command in opening_commands(id) {
        recorded += execute(store, id, command).await?;
    }
    Ok(recorded)
}

/// Executes one command on any cqrs-es store, as `Ledger::execute` does on the chained store for
/// a command sent without a command id: load, decide, stamp (who acted, a fresh command id, the
/// command's fingerprint), commit; after a lost race, pause a random moment and start again from
/// a fresh load, for at most the ledger's retry budget. Returns how many events it recorded.
async fn execute<ES: EventStore<Negotiation>>(
    store: &ES,
    negotiation_id: &str,
    command: NegotiationCommand,
) -> Result<usize, BenchError> {
    let command_id = uuid::Uuid::new_v4().to_string();
    let fingerprint = command_sha256(&command);
    let started = Instant::now();
    let budget = Duration::from_millis(pacta_ledger::RETRY_BUDGET_MS);
    let register = cast_register();
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        let mut loaded = store.load_aggregate(negotiation_id).await?;
        let aggregate = loaded.aggregate();
        let acting_as = aggregate.acting_as(&command);
        let sink = EventSink::default();
        aggregate
            .handle(command.clone(), &register, &sink)
            .await
            .map_err(|reason| format!("negotiation '{negotiation_id}': refused: {reason}"))?;
        let events = sink.collect().await;
        let acting_as = acting_as.expect("invariant: an accepted command has an accredited actor");
        match commit_stamped(store, events, loaded, acting_as, &command_id, &fingerprint).await {
            Ok(recorded) => return Ok(recorded.len()),
            Err(AggregateError::AggregateConflict) if started.elapsed() >= budget => {
                return Err(format!(
                    "negotiation '{negotiation_id}': {attempt} attempts over {} ms lost the race \
                     to other writers",
                    started.elapsed().as_millis()
                )
                .into());
            }
            Err(AggregateError::AggregateConflict) => {
                tokio::time::sleep(retry_pause(attempt)).await;
            }
            Err(other) => return Err(other.into()),
        }
    }
}

/// The `step`-th command of the benchmark cycle on one negotiation: propose clause `c<k>`,
/// comment on it, amend it, agree the amended wording.
fn cycle_command(step: usize) -> NegotiationCommand {
    const HEADING: &str = "Échange d'informations";
    let clause_id = format!("c{}", step / 4);
    let amended = format!("{CLAUSE_TEXT} (révision {})", step / 4);
    match step % 4 {
        0 => act(
            "civ.negotiator",
            Action::ProposeClause {
                clause_id,
                kind: ClauseKind::Article,
                heading: HEADING.into(),
                language: "fr".into(),
                text: CLAUSE_TEXT.into(),
                after: None,
                before: None,
            },
        ),
        1 => act(
            "civ.negotiator",
            Action::Comment {
                clause_id: Some(clause_id),
                text:
                    "Le Maroc souhaite préciser les garanties applicables aux données personnelles."
                        .into(),
                internal: false,
            },
        ),
        2 => act(
            "civ.negotiator",
            Action::AmendClause {
                clause_id,
                base_text_hash: clause_text_hash(HEADING, "fr", CLAUSE_TEXT),
                heading: Some(HEADING.into()),
                language: "fr".into(),
                text: amended,
            },
        ),
        _ => act(
            "civ.head",
            Action::AgreeClause {
                clause_id,
                text_hash: clause_text_hash(HEADING, "fr", &amended),
                ad_referendum: false,
            },
        ),
    }
}

struct Measured {
    commands: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Measured {
    fn per_second(&self) -> f64 {
        self.commands as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile_ms(&self, percent: usize) -> f64 {
        percentile_ms(&self.latencies, percent)
    }
}

/// The `percent`-th percentile of `latencies`, in milliseconds.
fn percentile_ms(latencies: &[Duration], percent: usize) -> f64 {
    let mut sorted = latencies.to_vec();
    sorted.sort_unstable();
    let index = (sorted.len() * percent / 100).min(sorted.len().saturating_sub(1));
    sorted.get(index).map_or(0.0, |d| d.as_secs_f64() * 1_000.0)
}

/// The chained and plain rows of one workload, with their ratio to the store's limit if given.
fn report(label: &str, measured: &[Measured; 2], limit: Option<&Measured>) {
    let plain = measured[1].per_second();
    for (store, m) in ["chained", "plain"].iter().zip(measured) {
        println!(
            "{label:<40} {store:<13} {:>8} {:>9.1} {:>8.2} {:>8.2} {:>10.2} {:>10}",
            m.commands,
            m.per_second(),
            m.percentile_ms(50),
            m.percentile_ms(99),
            m.per_second() / plain,
            ratio_to(m, limit),
        );
    }
}

/// The store's limit row of one workload.
fn report_limit(label: &str, limit: &Measured) {
    println!(
        "{label:<40} {:<13} {:>8} {:>9.1} {:>8.2} {:>8.2} {:>10} {:>10}",
        "insert limit",
        limit.commands,
        limit.per_second(),
        limit.percentile_ms(50),
        limit.percentile_ms(99),
        "",
        "",
    );
}

/// `measured`'s throughput over the limit's, two decimals; blank without a limit.
fn ratio_to(measured: &Measured, limit: Option<&Measured>) -> String {
    limit.map_or_else(String::new, |limit| {
        format!("{:.2}", measured.per_second() / limit.per_second())
    })
}

/// What executes one benchmark command on a negotiation: the bench's own load-decide-commit on
/// a cqrs-es store, or the ledger as the service runs it.
type Executor =
    Arc<dyn Fn(String, NegotiationCommand) -> BoxFuture<Result<(), BenchError>> + Send + Sync>;
type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send>>;

/// `execute` on `store`, as an `Executor`.
fn on_store<ES>(store: &Arc<ES>) -> Executor
where
    ES: EventStore<Negotiation> + 'static,
    ES::AC: Send,
{
    let store = Arc::clone(store);
    Arc::new(move |id, command| {
        let store = Arc::clone(&store);
        Box::pin(async move { execute(store.as_ref(), &id, command).await.map(|_| ()) })
    })
}

/// `Ledger::execute`, as an `Executor`.
fn on_ledger(ledger: &Arc<pacta_ledger::Ledger>) -> Executor {
    let ledger = Arc::clone(ledger);
    Arc::new(move |id, command| {
        let ledger = Arc::clone(&ledger);
        Box::pin(async move {
            let context = pacta_ledger::CommandContext::default();
            ledger.execute(&id, command, &context).await?;
            Ok(())
        })
    })
}

/// The ledger as `pacta serve` runs it: verified states kept between acts, acts committed in
/// groups.
fn service_ledger(database: &Database) -> pacta_ledger::Ledger {
    pacta_ledger::Ledger::on(database)
        .keeping_verified_states(pacta_ledger::verified::DEFAULT_MAX_VERIFIED_NEGOTIATIONS)
        .committing_in_groups()
}

/// `writers` tasks, each owning every `writers`-th negotiation, share `commands` commands.
/// `steps` holds each negotiation's place in its cycle across levels.
async fn concurrent(
    execute: &Executor,
    steps: &Arc<Vec<AtomicUsize>>,
    writers: usize,
    commands: usize,
) -> Result<Measured, BenchError> {
    let started = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|writer| {
            let execute = Arc::clone(execute);
            let steps = Arc::clone(steps);
            let owned: Vec<usize> = (writer..NEGOTIATIONS).step_by(writers).collect();
            let share = commands / writers + usize::from(writer < commands % writers);
            tokio::spawn(async move {
                let mut latencies = Vec::with_capacity(share);
                for i in 0..share {
                    let index = owned[i % owned.len()];
                    let step = steps[index].fetch_add(1, Ordering::Relaxed);
                    let command = cycle_command(step);
                    let begun = Instant::now();
                    execute(negotiation_id(index), command).await?;
                    latencies.push(begun.elapsed());
                }
                Ok::<_, BenchError>(latencies)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(commands);
    for task in tasks {
        latencies.extend(task.await??);
    }
    Ok(Measured {
        commands,
        elapsed: started.elapsed(),
        latencies,
    })
}

/// Commits `events` comment events to a fresh negotiation in large batches, straight through the
/// store, so that seeding 10,000 events does not cost 10,000 full loads.
async fn seed<ES: EventStore<Negotiation>>(
    store: &ES,
    id: &str,
    events: usize,
) -> Result<(), BenchError> {
    let mut seeded = open(store, id).await?;
    let author = pacta_domain::Delegate {
        person: "civ.negotiator".into(),
        name: "Negotiator".into(),
        party: "CIV".into(),
        role: Role::Negotiator,
        signing: None,
    };
    while seeded < events {
        let batch = SEED_BATCH_EVENTS.min(events - seeded);
        let context = store.load_aggregate(id).await?;
        let comments = (0..batch)
            .map(|i| pacta_domain::NegotiationEvent::Commented {
                clause_id: None,
                text: format!("{CLAUSE_TEXT} ({})", seeded + i),
                internal: false,
            })
            .collect();
        store
            .commit(
                comments,
                context,
                stamp(author.clone(), &uuid::Uuid::new_v4().to_string(), None),
            )
            .await?;
        seeded += batch;
    }
    Ok(())
}

/// The single-negotiation workload through the service's ledger (`Ledger::execute`, keeping
/// verified states): after its first act, which verifies the whole chain as the service's first
/// act on a negotiation does, each act is decided on the state held (the store is read only
/// when another process appended, or to confirm a refusal). Continues the cycle where `single` left it, on the chained database.
async fn single_kept(
    database: &Database,
    id: &str,
    commands: usize,
) -> Result<Measured, BenchError> {
    let ledger = service_ledger(database);
    let context = pacta_ledger::CommandContext::default();
    // One whole cycle after `single`'s commands, so the cycle's steps stay in order.
    let first = commands.div_ceil(4) * 4;
    ledger.execute(id, cycle_command(first), &context).await?;
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(commands);
    for step in first + 1..=first + commands {
        let begun = Instant::now();
        ledger.execute(id, cycle_command(step), &context).await?;
        latencies.push(begun.elapsed());
    }
    Ok(Measured {
        commands,
        elapsed: started.elapsed(),
        latencies,
    })
}

fn report_kept(label: &str, kept: &Measured, plain: Option<&Measured>, limit: Option<&Measured>) {
    let vs_plain = plain.map_or_else(String::new, |plain| {
        format!("{:.2}", kept.per_second() / plain.per_second())
    });
    println!(
        "{label:<40} {:<13} {:>8} {:>9.1} {:>8.2} {:>8.2} {:>10} {:>10}",
        "ledger",
        kept.commands,
        kept.per_second(),
        kept.percentile_ms(50),
        kept.percentile_ms(99),
        vs_plain,
        ratio_to(kept, limit),
    );
}

async fn single<ES: EventStore<Negotiation>>(
    store: &ES,
    id: &str,
    commands: usize,
) -> Result<Measured, BenchError> {
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(commands);
    for step in 0..commands {
        let begun = Instant::now();
        execute(store, id, cycle_command(step)).await?;
        latencies.push(begun.elapsed());
    }
    Ok(Measured {
        commands,
        elapsed: started.elapsed(),
        latencies,
    })
}
