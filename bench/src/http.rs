//! `pacta-bench http`: the service under load, as delegations use it, on PostgreSQL or SQLite.
//!
//! The service runs in this process on a scratch database; concurrent clients, each acting as a
//! person of its own (registered by the operator, accredited in its negotiation) with its own
//! token and its own keep-alive connection, loop over acts (propose a clause, comment on it,
//! amend it; once its share of the domain's clause limit is proposed, amend its clauses again in
//! turn) and reads (draft, history, a clause's history) on a few shared negotiations, so
//! writers race on the same chains. One person per client keeps each person to one request in
//! flight, below the service's per-person limit (`MAX_REQUESTS_IN_FLIGHT_PER_PERSON`): the
//! figures are the service's, not one person's queue. Every answer is checked: anything but
//! success, or a 409 for a lost race (retried under the same command id), stops the benchmark.
//! Afterwards every chain is verified link by link and must hold exactly the events the accepted
//! acts recorded.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use pacta_domain::limits::MAX_CLAUSES_PER_NEGOTIATION;
use pacta_domain::{clause_text_hash, Action, ClauseKind, NegotiationCommand, Role};
use reqwest::StatusCode;
use serde::Deserialize;

use pacta_ledger::store::Database;
use pacta_ledger::{CommandContext, Ledger};
use pacta_service::security::MAX_REQUESTS_IN_FLIGHT_PER_PERSON;
use pacta_service::{spawn_on_loopback, AppState};

use super::scratch::{with_chained_store, BenchDatabase, Server};
use super::{act, negotiation_id, open, percentile_ms, BenchError, CLAUSE_TEXT};

#[derive(Args, Debug)]
pub struct HttpBenchArgs {
    /// Concurrent clients, each with its own token and connection.
    #[arg(long, default_value_t = 32)]
    pub clients: usize,
    /// Clients sharing each negotiation (their acts race on its chain).
    #[arg(long, default_value_t = 4)]
    pub clients_per_negotiation: usize,
    /// How long the clients run.
    #[arg(long, default_value_t = 20)]
    pub duration_s: u64,
    /// Requests each client sends, instead of running for --duration-s.
    #[arg(long, conflicts_with = "duration_s")]
    pub requests_per_client: Option<usize>,
    /// Percentage of requests that are reads; the rest are acts.
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub read_share: u8,
    /// Keep the benchmark database instead of dropping it.
    #[arg(long)]
    pub keep: bool,
}

/// The parties clients act for, in turn, each with the head (of the benchmark's cast, who
/// `open` makes head of delegation) who accredits them.
const PARTIES: [(&str, &str); 2] = [("CIV", "civ.head"), ("MAR", "mar.head")];
const HEADING: &str = "Échange d'informations";

pub async fn run(server: &Server, args: &HttpBenchArgs) -> Result<(), BenchError> {
    if args.clients == 0 || args.clients_per_negotiation == 0 {
        return Err("--clients and --clients-per-negotiation must be at least 1".into());
    }
    if args.clients_per_negotiation > MAX_CLAUSES_PER_NEGOTIATION {
        return Err(format!(
            "--clients-per-negotiation must be at most {MAX_CLAUSES_PER_NEGOTIATION}: each client \
             proposes clauses of its own, and a negotiation holds at most that many"
        )
        .into());
    }
    let bench_database = BenchDatabase::create(server, "http").await?;
    let measured = measure(&bench_database, args).await;
    bench_database.finish(args.keep).await;
    measured
}

async fn measure(bench_database: &BenchDatabase, args: &HttpBenchArgs) -> Result<(), BenchError> {
    let database = bench_database.database.clone();
    let negotiations = args.clients.div_ceil(args.clients_per_negotiation);
    super::register_cast(&database).await?;
    with_chained_store!(&database, |store| {
        for index in 0..negotiations {
            open(&store, &negotiation_id(index)).await?;
        }
    });
    let persons = cast_clients(&database, args).await?;
    let setup_events = database.count_events().await?;
    let issued_at = chrono::Utc::now().to_rfc3339();
    let mut tokens = Vec::with_capacity(args.clients);
    for client in 0..args.clients {
        tokens.push(
            database
                .issue_token(&person_of(client), "bench", &issued_at)
                .await?
                .token,
        );
    }

    let state = Arc::new(AppState::new(database.clone()));
    let (base_url, server) = spawn_on_loopback(state)
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1: {e}"))?;

    println!(
        "pacta-bench http on {}, {} CPU cores: {} clients as {persons} persons (one each, so \
         1 request in flight per person; the service serves {MAX_REQUESTS_IN_FLIGHT_PER_PERSON}) \
         on {negotiations} negotiations ({} clients each), {}% reads, {}",
        database.kind(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        args.clients,
        args.clients_per_negotiation,
        args.read_share,
        match args.requests_per_client {
            Some(requests) => format!("{requests} requests per client"),
            None => format!("{} s", args.duration_s),
        }
    );
    let plan = Plan {
        base_url,
        read_share: args.read_share,
        clauses_per_client: clauses_per_client(args.clients_per_negotiation),
        end: match args.requests_per_client {
            Some(requests) => End::After(requests),
            None => End::At(Instant::now() + Duration::from_secs(args.duration_s)),
        },
        failed: AtomicBool::new(false),
    };
    let plan = Arc::new(plan);
    let started = Instant::now();
    let tasks: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(client, token)| {
            let negotiation = negotiation_id(client / args.clients_per_negotiation);
            let plan = Arc::clone(&plan);
            tokio::spawn(async move {
                let outcome = drive(&plan, client, &token, &negotiation).await;
                if outcome.is_err() {
                    plan.failed.store(true, Ordering::Relaxed);
                }
                outcome
            })
        })
        .collect();
    let mut total = Tally::default();
    let mut first_error = None;
    for task in tasks {
        match task.await? {
            Ok(tally) => total.merge(tally),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    let elapsed = started.elapsed();
    server.abort();
    if let Some(error) = first_error {
        return Err(error);
    }
    report(&total, elapsed);

    let verified = verify(&database).await?;
    let expected = setup_events + total.events_recorded;
    if verified != expected {
        return Err(format!(
            "the ledger holds {verified} events, but setup recorded {setup_events} and the \
             accepted acts {}",
            total.events_recorded
        )
        .into());
    }
    println!(
        "verified {negotiations} chains, every link: {verified} events = {setup_events} at setup \
         + {} recorded by {} accepted acts",
        total.events_recorded,
        total.commands.len()
    );
    Ok(())
}

/// Registers every client's person on the operator's register, bound to its party, and has
/// its party's head accredit it as a negotiator in the negotiation it acts on, through the
/// ledger as the service records acts. Returns how many distinct persons the clients act as.
async fn cast_clients(database: &Database, args: &HttpBenchArgs) -> Result<usize, BenchError> {
    let registered_at = chrono::Utc::now().to_rfc3339();
    let ledger = Ledger::on(database);
    let mut persons = BTreeSet::new();
    for client in 0..args.clients {
        let person = person_of(client);
        let (party, _) = party_of(client);
        database
            .add_person(
                &person,
                Some(&registered_name(client)),
                &[party.to_string()],
                &registered_at,
            )
            .await?;
        let negotiation = negotiation_id(client / args.clients_per_negotiation);
        ledger
            .execute(
                &negotiation,
                accreditation(client),
                &CommandContext::default(),
            )
            .await?;
        persons.insert(person);
    }
    Ok(persons.len())
}

struct Plan {
    base_url: String,
    read_share: u8,
    clauses_per_client: usize,
    end: End,
    /// Set when a client fails, so the others stop too.
    failed: AtomicBool,
}

enum End {
    At(Instant),
    After(usize),
}

impl Plan {
    fn goes_on(&self, sent: usize) -> bool {
        !self.failed.load(Ordering::Relaxed)
            && match self.end {
                End::At(end) => Instant::now() < end,
                End::After(requests) => sent < requests,
            }
    }
}

#[derive(Default)]
struct Tally {
    commands: Vec<Duration>,
    /// By what they read: the draft, the history, a clause's history.
    reads: [Vec<Duration>; 3],
    /// 409s for lost races, each retried under the same command id.
    conflicts: usize,
    events_recorded: u64,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.commands.extend(other.commands);
        for (mine, theirs) in self.reads.iter_mut().zip(other.reads) {
            mine.extend(theirs);
        }
        self.conflicts += other.conflicts;
        self.events_recorded += other.events_recorded;
    }
}

#[derive(Deserialize)]
struct Recorded {
    replayed: bool,
    events: Vec<serde_json::Value>,
}

#[derive(Deserialize)]
struct Refusal {
    code: String,
}

/// One client: acts and reads on `negotiation` as the token's person (its own) until the plan
/// ends.
async fn drive(
    plan: &Plan,
    client: usize,
    token: &str,
    negotiation: &str,
) -> Result<Tally, BenchError> {
    let http = reqwest::Client::new();
    let mut rng = fastrand::Rng::with_seed(client as u64);
    let mut tally = Tally::default();
    let mut acts = 0;
    let mut reads = 0;
    let negotiation_url = format!("{}/api/negotiations/{negotiation}", plan.base_url);
    let failure = |what: &str, detail: String| -> BenchError {
        format!("client {client}: {what} on {negotiation}: {detail}").into()
    };
    while plan.goes_on(acts + reads) {
        if rng.u8(0..100) < plan.read_share {
            let (kind, path) = match (reads % 3, acts) {
                (1, _) => (1, "/history".to_string()),
                // The clause this client acted on last, once it has acted.
                (2, 1..) => (
                    2,
                    format!(
                        "/clauses/{}/history",
                        clause_id(client, clause_of(acts - 1, plan.clauses_per_client).0)
                    ),
                ),
                _ => (0, "/draft".to_string()),
            };
            reads += 1;
            let took = timed_read(&http, &format!("{negotiation_url}{path}"), token)
                .await
                .map_err(|detail| failure(&format!("GET {path}"), detail))?;
            tally.reads[kind].push(took);
            continue;
        }
        let action = act_of(client, acts, plan.clauses_per_client);
        let body = serde_json::json!({
            "command_id": format!("client-{client}-act-{acts}"),
            "action": action,
        });
        acts += 1;
        loop {
            let begun = Instant::now();
            let response = http
                .post(format!("{negotiation_url}/commands"))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .map_err(|e| failure("a command", e.to_string()))?;
            let status = response.status();
            let text = response
                .text()
                .await
                .map_err(|e| failure("a command", e.to_string()))?;
            tally.commands.push(begun.elapsed());
            if status == StatusCode::CREATED {
                let recorded: Recorded = serde_json::from_str(&text)
                    .map_err(|e| failure("a command", format!("unreadable answer {text}: {e}")))?;
                if recorded.replayed {
                    return Err(failure("a command", "a fresh command was replayed".into()));
                }
                tally.events_recorded += recorded.events.len() as u64;
                break;
            }
            let lost_race = status == StatusCode::CONFLICT
                && serde_json::from_str::<Refusal>(&text).is_ok_and(|r| r.code == "conflict");
            if !lost_race {
                return Err(failure("a command", format!("{status}: {text}")));
            }
            tally.conflicts += 1;
        }
    }
    Ok(tally)
}

/// GETs `url` as the token's person and reads the whole answer: how long it took, or why it
/// failed (the request failed, or any status but 200, with the answer).
pub(crate) async fn timed_read(
    http: &reqwest::Client,
    url: &str,
    token: &str,
) -> Result<Duration, String> {
    let begun = Instant::now();
    let response = http
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    let took = begun.elapsed();
    if status != StatusCode::OK {
        return Err(format!("{status}: {}", String::from_utf8_lossy(&body)));
    }
    Ok(took)
}

/// The party `client` acts for, and that party's head.
fn party_of(client: usize) -> (&'static str, &'static str) {
    PARTIES[client % PARTIES.len()]
}

/// The person `client` acts as, its own: no other client shares it.
fn person_of(client: usize) -> String {
    let (party, _) = party_of(client);
    format!("{}.client-{client:03}", party.to_ascii_lowercase())
}

fn registered_name(client: usize) -> String {
    let (party, _) = party_of(client);
    format!("{party} negotiator {client}")
}

/// `client`'s party head accredits `client`'s person as a negotiator, under the register's name.
fn accreditation(client: usize) -> NegotiationCommand {
    let (party, head) = party_of(client);
    act(
        head,
        Action::AccreditDelegate {
            person: person_of(client),
            name: String::new(),
            party: party.into(),
            role: Role::Negotiator,
            signing: None,
        },
    )
}

fn clause_id(client: usize, clause: usize) -> String {
    format!("bench-{client:02}-{clause}")
}

fn clause_text(clause: usize, version: usize) -> String {
    format!("{CLAUSE_TEXT} ({clause}.{version})")
}

/// How many clauses each client proposes: its share of the domain's limit on a negotiation's
/// clauses, so that a fast run does not hit the limit (the run stops at the first refusal).
fn clauses_per_client(clients_per_negotiation: usize) -> usize {
    MAX_CLAUSES_PER_NEGOTIATION / clients_per_negotiation
}

/// The clause `step` acts on, and in which round: the client's clauses are proposed in round 0
/// and amended once per round after that, so negotiations grow to their largest draft and stay
/// there.
fn clause_of(step: usize, clauses_per_client: usize) -> (usize, usize) {
    let nth = step / 3;
    (nth % clauses_per_client, nth / clauses_per_client)
}

/// The client's `step`-th act, in threes: propose its next clause (or, once every clause of its
/// share is proposed, comment on it), comment on it, amend it.
fn act_of(client: usize, step: usize, clauses_per_client: usize) -> Action {
    let (clause, round) = clause_of(step, clauses_per_client);
    let clause_id = clause_id(client, clause);
    match step % 3 {
        0 if round == 0 => Action::ProposeClause {
            clause_id,
            kind: ClauseKind::Article,
            heading: HEADING.into(),
            language: "fr".into(),
            text: clause_text(clause, 0),
            after: None,
            before: None,
        },
        0 | 1 => Action::Comment {
            clause_id: Some(clause_id),
            text: "Les Parties souhaitent préciser les garanties applicables.".into(),
            // Both parties' clients make both kinds (parties alternate client by client).
            internal: (client / PARTIES.len()).is_multiple_of(2),
        },
        _ => Action::AmendClause {
            clause_id,
            base_text_hash: clause_text_hash(HEADING, "fr", &clause_text(clause, round)),
            heading: Some(HEADING.into()),
            language: "fr".into(),
            text: clause_text(clause, round + 1),
        },
    }
}

fn report(tally: &Tally, elapsed: Duration) {
    let seconds = elapsed.as_secs_f64();
    let reads = tally.reads.concat();
    let requests = tally.commands.len() + reads.len();
    println!(
        "{requests} requests in {seconds:.1} s: {:.1} req/s; {} lost races (409, retried); 0 errors",
        requests as f64 / seconds,
        tally.conflicts
    );
    println!(
        "{:<9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "kind", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms"
    );
    let [drafts, histories, clause_histories] = &tally.reads;
    for (kind, latencies) in [
        ("command", &tally.commands),
        ("read", &reads),
        ("  draft", drafts),
        ("  history", histories),
        ("  clause", clause_histories),
    ] {
        println!(
            "{kind:<9} {:>8} {:>8.1} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
            latencies.len(),
            latencies.len() as f64 / seconds,
            percentile_ms(latencies, 50),
            percentile_ms(latencies, 90),
            percentile_ms(latencies, 99),
            percentile_ms(latencies, 100),
        );
    }
}

/// Recomputes every negotiation's chain from its first event, as `pacta verify` does; returns
/// how many events the chains hold.
async fn verify(database: &Database) -> Result<u64, BenchError> {
    let ledger = Ledger::on(database);
    let mut events = 0;
    for id in database
        .aggregate_ids(<pacta_domain::Negotiation as cqrs_es::Aggregate>::TYPE)
        .await?
    {
        events += ledger.verify(&id).await?.sequence as u64;
    }
    Ok(events)
}

#[cfg(test)]
mod tests {
    use cqrs_es::Aggregate;
    use pacta_domain::Negotiation;

    use super::super::opening_commands;
    use super::*;

    #[test]
    fn every_client_s_acts_are_accepted_by_the_domain_as_its_own_person() {
        let clients = 4 * PARTIES.len();
        let mut register = super::super::cast_register();
        for client in 0..clients {
            let (party, _) = party_of(client);
            register.bind(
                &person_of(client),
                &registered_name(client),
                [party.to_string()],
            );
        }
        let mut state = Negotiation::default();
        let mut decide = |command: NegotiationCommand| {
            for event in state.decide(&command, &register).unwrap() {
                state.apply(event);
            }
        };
        for command in opening_commands("neg") {
            decide(command);
        }
        for client in 0..clients {
            decide(accreditation(client));
        }
        // Three clauses each, then two more rounds of amendments: 27 acts each.
        let clauses_per_client = 3;
        for step in 0..27 {
            for client in 0..clients {
                let action = act_of(client, step, clauses_per_client);
                decide(act(&person_of(client), action));
            }
        }
        for client in 0..clients {
            assert!(state
                .clause(&clause_id(client, clauses_per_client - 1))
                .is_some());
            assert!(state
                .clause(&clause_id(client, clauses_per_client))
                .is_none());
        }
        let amended = state.clause(&clause_id(5, 1)).unwrap();
        assert_eq!(
            amended.text_hash,
            clause_text_hash(HEADING, "fr", &clause_text(1, 3))
        );
    }

    #[test]
    fn no_two_clients_act_as_the_same_person() {
        let clients = 1_000;
        let persons: BTreeSet<String> = (0..clients).map(person_of).collect();
        assert_eq!(persons.len(), clients);
        for client in 0..clients {
            pacta_domain::check_person_id(&person_of(client)).unwrap();
            pacta_domain::check_registration(&person_of(client), &registered_name(client)).unwrap();
        }
        let parties: BTreeSet<&str> = (0..clients).map(|c| party_of(c).0).collect();
        assert_eq!(parties.len(), PARTIES.len());
    }
}
