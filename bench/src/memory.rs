//! `pacta-bench memory`: what the service holds in memory over a large ledger.
//!
//! A fresh store is loaded with many negotiations of realistic acts (as `pacta-bench views`
//! seeds them: decided in memory, committed in batches through the chained store, several
//! negotiations at once), and its stored views and journal brought up to date, as a ledger in
//! service has them. Then the service starts (`AppState`, with its verified-state cache and its
//! background patrol, on loopback) in a fresh process of this binary, opening the store as
//! `pacta serve` does, so that what the loading left in the allocator is not counted as the
//! service's; and delegates touch every negotiation once through the HTTP API: one read of its
//! draft, then one act (a comment), each delegate as one of the persons `open` accredits, with
//! a token of their own. With
//! `--wait-for-patrol`, it then waits for the patrol's first pass over the whole ledger. The
//! service process's resident memory (`VmRSS`) and its peak (`VmHWM`, reset between phases
//! where the kernel allows) are printed after each phase. Figures only: nothing is asserted
//! about them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use pacta_domain::Action;
use pacta_ledger::store::Database;
use pacta_ledger::views::Projector;
use pacta_service::security::MAX_REQUESTS_IN_FLIGHT_PER_PERSON;
use pacta_service::{spawn_on_loopback, AppState};
use reqwest::StatusCode;
use serde::Deserialize;

use super::http::timed_read;
use super::scratch::{with_chained_store, BenchDatabase, Resident, Server};
use super::views::seed;
use super::{percentile_ms, BenchError};

#[derive(Args, Debug)]
pub struct MemoryBenchArgs {
    /// Negotiations loaded.
    #[arg(long, default_value_t = 1_000)]
    pub negotiations: usize,
    /// Events in each of them.
    #[arg(long, default_value_t = 1_000)]
    pub events_per_negotiation: usize,
    /// Clauses in every negotiation; its other acts cycle over them.
    #[arg(long, default_value_t = 120)]
    pub clauses: usize,
    /// Negotiations loaded at once.
    #[arg(long, default_value_t = 4)]
    pub loaders: usize,
    /// Concurrent delegates touching the negotiations through the API.
    #[arg(long, default_value_t = 8)]
    pub clients: usize,
    /// After touching, wait for the service's patrol to complete its first pass over the whole
    /// ledger (at its default rate: minutes for a million events), and print the memory then.
    #[arg(long)]
    pub wait_for_patrol: bool,
    /// Keep the benchmark database instead of dropping it.
    #[arg(long)]
    pub keep: bool,
    /// Set by the loading process for the serving one it starts: the loaded store's URL (in the
    /// environment, not the command line, since it may hold a password).
    #[arg(long, env = SERVE_STORE_VARIABLE, hide = true, hide_env_values = true)]
    pub serve_store: Option<String>,
}

/// Names the loaded store to the serving process.
const SERVE_STORE_VARIABLE: &str = "PACTA_BENCH_MEMORY_SERVE_STORE";

/// How often the patrol's progress is polled on `/healthz`.
const HEALTH_POLL_MS: u64 = 250;
/// Who the delegates read and act as, in turn: persons `open` accredits, of both parties. The
/// service serves each person at most `MAX_REQUESTS_IN_FLIGHT_PER_PERSON` requests at once, and
/// each delegate sends one at a time.
const PERSONS: [&str; 3] = ["civ.negotiator", "civ.head", "mar.head"];

pub async fn run(server: &Server, args: &MemoryBenchArgs) -> Result<(), BenchError> {
    if args.negotiations == 0 || args.loaders == 0 || args.clients == 0 || args.clauses == 0 {
        return Err("--negotiations, --loaders, --clients and --clauses must be at least 1".into());
    }
    let most_clients = PERSONS.len() * MAX_REQUESTS_IN_FLIGHT_PER_PERSON;
    if args.clients > most_clients {
        return Err(format!(
            "--clients {} is more than the service serves at once for the {} persons acting \
             ({MAX_REQUESTS_IN_FLIGHT_PER_PERSON} each): at most {most_clients}",
            args.clients,
            PERSONS.len()
        )
        .into());
    }
    if let Some(url) = &args.serve_store {
        return serve(url, args).await;
    }
    let bench_database = BenchDatabase::create(server, "memory").await?;
    let measured = match load_and_project(&bench_database.database, args).await {
        Ok(()) => serve_in_a_fresh_process(&bench_database.url),
        Err(error) => Err(error),
    };
    bench_database.finish(args.keep).await;
    measured
}

/// Runs this binary again, with the same arguments, to serve the loaded store at `url`.
fn serve_in_a_fresh_process(url: &str) -> Result<(), BenchError> {
    let binary = std::env::current_exe()
        .map_err(|e| format!("cannot find this benchmark's own binary: {e}"))?;
    let status = std::process::Command::new(&binary)
        .args(std::env::args_os().skip(1))
        .env(SERVE_STORE_VARIABLE, url)
        .status()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    if !status.success() {
        return Err(format!("the serving process failed ({status})").into());
    }
    Ok(())
}

fn negotiation(index: usize) -> String {
    format!("bench-{index:04}")
}

/// Loads the negotiations and brings the views and the journal up to date, as a ledger in
/// service has them.
async fn load_and_project(database: &Database, args: &MemoryBenchArgs) -> Result<(), BenchError> {
    println!(
        "pacta-bench memory on {}, {} CPU cores: {} negotiations of {} events",
        database.kind(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        args.negotiations,
        args.events_per_negotiation,
    );
    super::register_cast(database).await?;
    let started = Instant::now();
    load(database, args).await?;
    let events = database.count_events().await?;
    let load_s = started.elapsed().as_secs_f64();
    println!(
        "loaded {events} events with {} loaders in {load_s:.1} s: {:.0} events/s",
        args.loaders,
        events as f64 / load_s
    );
    let started = Instant::now();
    let projected = Projector::new(database.clone()).catch_up_to_now().await?;
    let project_s = started.elapsed().as_secs_f64();
    let loader = Resident::now()?;
    println!(
        "brought the stored views and the journal up to date ({projected} events) in \
         {project_s:.1} s: {:.0} events/s; the loading process: VmRSS {:.1} MiB, VmHWM {:.1} MiB",
        projected as f64 / project_s,
        loader.rss_kib as f64 / 1024.0,
        loader.hwm_kib as f64 / 1024.0,
    );
    Ok(())
}

/// The serving process: opens the loaded store as `pacta serve` does, serves it, touches every
/// negotiation, and prints its memory.
async fn serve(url: &str, args: &MemoryBenchArgs) -> Result<(), BenchError> {
    let mut phases = vec![("service process start".to_string(), Resident::now()?)];
    let database = Database::connect(url).await?;
    let issued_at = chrono::Utc::now().to_rfc3339();
    let mut tokens = Vec::with_capacity(PERSONS.len());
    for person in PERSONS {
        tokens.push(
            database
                .issue_token(person, "bench", &issued_at)
                .await?
                .token,
        );
    }
    phases.push(("store opened, before the service".into(), Resident::now()?));
    let peak_reset = Resident::reset_peak();

    let state = Arc::new(AppState::new(database.clone()));
    let (base_url, server) = spawn_on_loopback(state.clone())
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;
    let server = Served(server);
    let started = Instant::now();
    let touched = touch(&base_url, &tokens, args).await?;
    let elapsed = started.elapsed();
    phases.push((
        "after 2 reads (draft, history) + 1 act on every negotiation".into(),
        Resident::now()?,
    ));
    let http = reqwest::Client::new();
    let patrol = patrol_report(&http, &base_url).await?;
    let seconds = elapsed.as_secs_f64();
    println!(
        "service started; touched {} negotiations with {} delegates in {seconds:.1} s; {} lost \
         races (409, retried); the service now holds {} verified states; its patrol, at {} \
         events/s, has completed {} pass(es) over the ledger and read {} events of the next",
        args.negotiations,
        args.clients,
        touched.conflicts,
        state.ledger.verified_states_held(),
        patrol.events_per_second,
        patrol.passes,
        patrol.events_this_pass,
    );
    println!(
        "{:<8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "kind", "requests", "req/s", "p50 ms", "p99 ms", "max ms"
    );
    for (kind, latencies) in [("read", &touched.reads), ("act", &touched.acts)] {
        println!(
            "{kind:<8} {:>8} {:>8.1} {:>8.2} {:>8.2} {:>8.2}",
            latencies.len(),
            latencies.len() as f64 / seconds,
            percentile_ms(latencies, 50),
            percentile_ms(latencies, 99),
            percentile_ms(latencies, 100),
        );
    }
    if args.wait_for_patrol {
        Resident::reset_peak();
        let started = Instant::now();
        let pass = first_patrol_pass(&http, &base_url).await?;
        println!(
            "the patrol's last pass over the whole ledger: {} ({} events in {:.1} s; waited \
             {:.1} s for the first to end)",
            pass.state,
            pass.events
                .map_or_else(|| "?".to_string(), |e| e.to_string()),
            pass.duration_ms.unwrap_or(0) as f64 / 1e3,
            started.elapsed().as_secs_f64()
        );
        phases.push(("after the patrol's first pass".into(), Resident::now()?));
    }
    drop(server);

    println!("{:<45} {:>10} {:>10}", "phase", "VmRSS MiB", "VmHWM MiB");
    for (phase, resident) in &phases {
        println!(
            "{phase:<45} {:>10.1} {:>10.1}",
            resident.rss_kib as f64 / 1024.0,
            resident.hwm_kib as f64 / 1024.0
        );
    }
    println!(
        "VmHWM = {}",
        if peak_reset {
            "the peak since the row before (reset through /proc/self/clear_refs between phases)"
        } else {
            "the peak since the process started (the kernel refused to reset it)"
        }
    );
    Ok(())
}

/// Loads every negotiation, `loaders` at a time, each through the chained store in batches.
async fn load(database: &Database, args: &MemoryBenchArgs) -> Result<(), BenchError> {
    let tasks: Vec<_> = (0..args.loaders)
        .map(|loader| {
            let database = database.clone();
            let (negotiations, loaders) = (args.negotiations, args.loaders);
            let (events, clauses) = (args.events_per_negotiation, args.clauses);
            tokio::spawn(async move {
                with_chained_store!(&database, |store| {
                    for index in (loader..negotiations).step_by(loaders) {
                        seed(&store, &negotiation(index), events, clauses).await?;
                    }
                });
                Ok::<_, BenchError>(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(())
}

/// The service's task, stopped when this is dropped, on every return.
struct Served(tokio::task::JoinHandle<std::io::Result<()>>);

impl Drop for Served {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The background verification, as `/healthz` reports it.
#[derive(Deserialize)]
struct Health {
    verification: Patrol,
}

#[derive(Deserialize)]
struct Patrol {
    state: String,
    events_per_second: u64,
    passes: u64,
    events_this_pass: u64,
    duration_ms: Option<u64>,
    events: Option<u64>,
}

/// What the service's patrol reports now.
async fn patrol_report(http: &reqwest::Client, base_url: &str) -> Result<Patrol, BenchError> {
    let response = http
        .get(format!("{base_url}/healthz"))
        .send()
        .await
        .map_err(|e| format!("GET /healthz: {e}"))?;
    let status = response.status();
    let text = response
        .text()
        .await
        .map_err(|e| format!("GET /healthz: {e}"))?;
    if status != StatusCode::OK {
        return Err(format!("GET /healthz: {status}: {text}").into());
    }
    let health: Health = serde_json::from_str(&text)
        .map_err(|e| format!("GET /healthz: unreadable answer {text}: {e}"))?;
    Ok(health.verification)
}

/// Waits for the patrol to complete its first pass over the whole ledger.
async fn first_patrol_pass(http: &reqwest::Client, base_url: &str) -> Result<Patrol, BenchError> {
    loop {
        let patrol = patrol_report(http, base_url).await?;
        if patrol.passes >= 1 {
            return Ok(patrol);
        }
        tokio::time::sleep(Duration::from_millis(HEALTH_POLL_MS)).await;
    }
}

#[derive(Deserialize)]
struct Refusal {
    code: String,
}

#[derive(Default)]
struct Touched {
    reads: Vec<Duration>,
    acts: Vec<Duration>,
    conflicts: usize,
}

/// `clients` delegates share the negotiations; each reads one's draft and history, then comments
/// on it.
async fn touch(
    base_url: &str,
    tokens: &[String],
    args: &MemoryBenchArgs,
) -> Result<Touched, BenchError> {
    let tasks: Vec<_> = (0..args.clients)
        .map(|client| {
            let base_url = base_url.to_string();
            let token = tokens[client % tokens.len()].clone();
            let indices: Vec<usize> = (client..args.negotiations).step_by(args.clients).collect();
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let mut touched = Touched::default();
                for index in indices {
                    touch_one(&http, &base_url, &token, &negotiation(index), &mut touched).await?;
                }
                Ok::<_, BenchError>(touched)
            })
        })
        .collect();
    let mut all = Touched::default();
    for task in tasks {
        let touched = task.await??;
        all.reads.extend(touched.reads);
        all.acts.extend(touched.acts);
        all.conflicts += touched.conflicts;
    }
    Ok(all)
}

async fn touch_one(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    negotiation: &str,
    touched: &mut Touched,
) -> Result<(), BenchError> {
    let url = format!("{base_url}/api/negotiations/{negotiation}");
    let failure = |what: &str, detail: String| -> BenchError {
        format!("{what} on {negotiation}: {detail}").into()
    };
    // The draft comes from the verified state held; the history fills the recent histories
    // (`pacta_ledger::recent`), up to their bound.
    for path in ["/draft", "/history"] {
        let took = timed_read(http, &format!("{url}{path}"), token)
            .await
            .map_err(|detail| failure(&format!("GET {path}"), detail))?;
        touched.reads.push(took);
    }
    let command = serde_json::json!({
        "command_id": format!("memory-{negotiation}"),
        "action": Action::Comment {
            clause_id: None,
            text: "La délégation prend note du projet et reviendra vers les Parties.".into(),
            internal: false,
        },
    });
    loop {
        let begun = Instant::now();
        let response = http
            .post(format!("{url}/commands"))
            .bearer_auth(token)
            .json(&command)
            .send()
            .await
            .map_err(|e| failure("a command", e.to_string()))?;
        let status = response.status();
        let text = response
            .text()
            .await
            .map_err(|e| failure("a command", e.to_string()))?;
        touched.acts.push(begun.elapsed());
        match status {
            StatusCode::CREATED => return Ok(()),
            // A lost race, retried under the same command id, as a client does.
            StatusCode::CONFLICT
                if serde_json::from_str::<Refusal>(&text).is_ok_and(|r| r.code == "conflict") =>
            {
                touched.conflicts += 1
            }
            _ => return Err(failure("a command", format!("{status}: {text}"))),
        }
    }
}
