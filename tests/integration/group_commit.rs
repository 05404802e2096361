//! Group commit (`pacta_ledger::store::GroupCommitter`, `Ledger::committing_in_groups`, as the
//! service runs): concurrent acts commit together, acts queued on one negotiation are decided one
//! after another without waiting for each other's flush, an act built on one that lost its race
//! is never stored, and every act the service acknowledged survives the service being killed.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use cqrs_es::persist::PersistedEventRepository;
use cqrs_es::EventStore;
use pacta_domain::{Action, InstrumentKind, Negotiation, NegotiationCommand, Register};
use pacta_ledger::store::{
    ChainedContext, ChainedEventStore, CommitFailure, Database, GroupCommitter, Sealed,
};
use reqwest::StatusCode;
use serde_json::json;

use crate::common::http::{open_small_action, propose, CIV_HEAD, MAR_HEAD, NEGOTIATION};
use crate::common::{open_civ_mar_command, Backend, Ledger, TestStore};

on_both_stores!(
    queued_acts_on_one_negotiation_and_another_process_are_all_recorded_once,
    an_act_built_on_one_that_lost_its_race_is_never_stored,
    acknowledged_acts_survive_the_service_killed_mid_load,
);

pub(crate) fn comment(actor: &str, text: String) -> NegotiationCommand {
    NegotiationCommand {
        actor: actor.into(),
        action: Action::Comment {
            clause_id: None,
            text,
            internal: false,
        },
        took_place: None,
    }
}

fn open(negotiation: &str) -> NegotiationCommand {
    open_civ_mar_command(negotiation, "Accord", InstrumentKind::Agreement, &["fr"])
}

async fn queued_acts_on_one_negotiation_and_another_process_are_all_recorded_once(
    backend: Backend,
) {
    const WRITERS: usize = 16;
    const COMMANDS_EACH: usize = 6;
    let store = TestStore::new(backend).await;
    let grouped = Arc::new(Ledger(
        pacta_ledger::Ledger::on(&store.database)
            .keeping_verified_states(16)
            .committing_in_groups(),
    ));
    // A second ledger committing alone, as the CLI in another process does.
    let alone = Arc::new(store.ledger());
    grouped.execute("queued", open("queued")).await.unwrap();
    grouped.accredit_writers("queued", WRITERS).await;
    let before = store.event_count().await as usize;
    let (groups_before, acts_before) = grouped.0.groups_and_acts();
    let barrier = Arc::new(tokio::sync::Barrier::new(WRITERS));
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            // Every fourth writer is the other process.
            let ledger = if w % 4 == 3 {
                alone.clone()
            } else {
                grouped.clone()
            };
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                let mut accepted = 0;
                for i in 0..COMMANDS_EACH {
                    let recorded = ledger
                        .execute(
                            "queued",
                            comment(&format!("writer-{w}"), format!("{w}/{i}")),
                        )
                        .await
                        .unwrap_or_else(|e| panic!("writer {w}, act {i}: {e}"));
                    accepted += recorded.len();
                }
                accepted
            })
        })
        .collect();
    let mut accepted = 0;
    for task in tasks {
        accepted += task.await.unwrap();
    }
    assert_eq!(accepted, WRITERS * COMMANDS_EACH);
    let events = alone.events("queued").await.expect("the chain verifies");
    assert_eq!(events.len(), before + accepted, "each act recorded once");
    assert_eq!(
        events.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        (1..=events.len()).collect::<Vec<_>>(),
        "every sequence exactly once"
    );
    let texts: HashSet<String> = events
        .iter()
        .filter_map(|e| match &e.payload {
            pacta_domain::NegotiationEvent::Commented { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(texts.len(), accepted, "no comment recorded twice");
    let (groups, acts) = grouped.0.groups_and_acts();
    let (groups, acts) = (groups - groups_before, acts - acts_before);
    assert_eq!(acts as usize, WRITERS / 4 * 3 * COMMANDS_EACH);
    assert!(
        groups < acts,
        "queued acts were committed together: {acts} acts in {groups} transactions"
    );
}

/// Seals `command` after `context`'s head, as the ledger would decide and stamp it.
pub(crate) fn sealed(
    context: &ChainedContext<Negotiation>,
    command: &NegotiationCommand,
) -> Sealed<Negotiation> {
    let now = chrono::Utc::now();
    let state = context.state();
    let acting_as = state.acting_as(command).expect("an accredited actor");
    let events = state
        .decide(command, &Register::claimed_by(command).at(now))
        .expect("an act the domain accepts");
    context
        .seal(
            events,
            pacta_ledger::stamp(acting_as, "sealed-by-test", None),
        )
        .expect("sealed")
}

async fn load<R: PersistedEventRepository>(
    store: &ChainedEventStore<R>,
    negotiation: &str,
) -> ChainedContext<Negotiation> {
    EventStore::<Negotiation>::load_aggregate(store, negotiation)
        .await
        .expect("loaded")
}

async fn an_act_built_on_one_that_lost_its_race_is_never_stored(backend: Backend) {
    let store = TestStore::new(backend).await;
    let ledger = store.ledger();
    ledger.execute("race", open("race")).await.unwrap();
    let context = context_after(&store, "race").await;
    let head = context.head().sequence;
    let first = sealed(&context, &comment("civ.head", "first".into()));
    let second = sealed(
        &context.clone().advanced(&first),
        &comment("civ.head", "second, built on the first".into()),
    );
    // Another writer takes the sequence the first was sealed for.
    ledger
        .execute("race", comment("mar.head", "taken first".into()))
        .await
        .unwrap();
    let committer = GroupCommitter::new(store.database.clone());
    let first_ticket = committer.submit(first.stored.clone(), None).await.unwrap();
    let second_ticket = committer
        .submit(second.stored.clone(), Some(first_ticket.clone()))
        .await
        .unwrap();
    assert!(matches!(
        first_ticket.committed().await,
        Err(CommitFailure::Conflict)
    ));
    assert!(
        matches!(
            second_ticket.committed().await,
            Err(CommitFailure::Conflict)
        ),
        "an act built on one that failed fails with it"
    );
    // Submitted after its predecessor's group already failed: it fails without being tried.
    let late = committer
        .submit(second.stored.clone(), Some(first_ticket))
        .await
        .unwrap();
    assert!(matches!(
        late.committed().await,
        Err(CommitFailure::Conflict)
    ));
    let events = ledger.events("race").await.expect("the chain verifies");
    assert_eq!(
        events.len(),
        head + 1,
        "only the other writer's act is stored, nothing after a sequence never stored"
    );

    // Built on the stored head, an act and the one after it commit, in order.
    let context = context_after(&store, "race").await;
    let third = sealed(&context, &comment("civ.head", "third".into()));
    let fourth = sealed(
        &context.clone().advanced(&third),
        &comment("civ.head", "fourth".into()),
    );
    let third_ticket = committer.submit(third.stored, None).await.unwrap();
    let fourth_ticket = committer
        .submit(fourth.stored, Some(third_ticket.clone()))
        .await
        .unwrap();
    third_ticket.committed().await.expect("committed");
    fourth_ticket.committed().await.expect("committed after it");
    assert_eq!(
        ledger.events("race").await.expect("verifies").len(),
        head + 3
    );
}

pub(crate) async fn context_after(
    store: &TestStore,
    negotiation: &str,
) -> ChainedContext<Negotiation> {
    match &store.database {
        Database::Postgres(pool, _) => {
            load(
                &ChainedEventStore::new(postgres_es::PostgresEventRepository::new(pool.clone())),
                negotiation,
            )
            .await
        }
        Database::Sqlite(pool) => {
            load(
                &ChainedEventStore::new(sqlite_es::SqliteEventRepository::new(pool.clone())),
                negotiation,
            )
            .await
        }
    }
}

/// The real binary under load from eight clients, killed (SIGKILL) once some acts are
/// acknowledged: every act answered 201 is in the ledger, and every chain verifies.
async fn acknowledged_acts_survive_the_service_killed_mid_load(backend: Backend) {
    const CLIENTS_PER_PERSON: usize = 4;
    const KILL_AFTER_ACKNOWLEDGED: usize = 60;
    let store = TestStore::new(backend).await;
    let tokens = [
        store.issue_token(CIV_HEAD).await.token,
        store.issue_token(MAR_HEAD).await.token,
    ];
    let opening = open_small_action();
    store
        .register_named_in(&NegotiationCommand {
            actor: CIV_HEAD.into(),
            action: serde_json::from_value(opening.clone()).expect("an opening"),
            took_place: None,
        })
        .await;
    let (mut child, base) = crate::common::http::spawn_serve(&store);
    let client = reqwest::Client::new();
    let commands = format!("{base}/api/negotiations/{NEGOTIATION}/commands");
    let opened = client
        .post(&commands)
        .bearer_auth(&tokens[0])
        .json(&json!({"command_id": "open", "action": opening}))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(opened.status(), StatusCode::CREATED);
    let accepted = client
        .post(&commands)
        .bearer_auth(&tokens[1])
        .json(&json!({"command_id": "accept", "action": {"type": "accept-negotiation"}}))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(accepted.status(), StatusCode::CREATED);

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let mut clients = tokio::task::JoinSet::new();
    for (person, token) in tokens.iter().enumerate() {
        for c in 0..CLIENTS_PER_PERSON {
            let (client, commands, token) = (client.clone(), commands.clone(), token.clone());
            let (acknowledged, count) = (acknowledged.clone(), count.clone());
            clients.spawn(async move {
                for i in 0.. {
                    let id = format!("k-{person}-{c}-{i}");
                    let sent = client
                        .post(&commands)
                        .bearer_auth(&token)
                        .json(&json!({"command_id": id,
                                      "action": propose(&format!("art-{person}-{c}-{i}"), "Texte.")}))
                        .send()
                        .await;
                    match sent {
                        Ok(response) if response.status() == StatusCode::CREATED => {
                            acknowledged.lock().unwrap().push(id);
                            count.fetch_add(1, Ordering::SeqCst);
                        }
                        // Killed: no answer, or a connection refused.
                        Err(_) => return,
                        Ok(response) => {
                            let status = response.status();
                            let body = response.text().await.unwrap_or_default();
                            panic!("act {id} answered {status}: {body}")
                        }
                    }
                }
            });
        }
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while count.load(Ordering::SeqCst) < KILL_AFTER_ACKNOWLEDGED {
        assert!(
            std::time::Instant::now() < deadline,
            "only {} acts acknowledged in a minute",
            count.load(Ordering::SeqCst)
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    child.kill().expect("kill pacta serve");
    tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .expect("wait for pacta serve");
    while let Some(ended) = clients.join_next().await {
        ended.expect("a client ends when the service is gone");
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= KILL_AFTER_ACKNOWLEDGED);
    let events = store
        .ledger()
        .events(NEGOTIATION)
        .await
        .expect("the chain verifies after the kill");
    let recorded: HashSet<String> = events
        .iter()
        .filter_map(|e| e.metadata.get(pacta_domain::metadata::COMMAND_ID).cloned())
        .collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|id| !recorded.contains(*id))
        .collect();
    assert!(
        lost.is_empty(),
        "acknowledged but not in the ledger: {lost:?}"
    );
    let verified = crate::common::cli::ok(&store, &["verify"]);
    assert!(verified.contains(NEGOTIATION), "{verified}");
}

/// Stores `sealed` straight through the chained store, one transaction, as a tool other than the
/// ledger could: nothing announces it.
pub(crate) async fn store_unannounced(store: &TestStore, sealed: &Sealed<Negotiation>) {
    match &store.database {
        Database::Postgres(pool, _) => {
            ChainedEventStore::new(postgres_es::PostgresEventRepository::new(pool.clone()))
                .persist_sealed::<Negotiation>(&sealed.stored)
                .await
        }
        Database::Sqlite(pool) => {
            ChainedEventStore::new(sqlite_es::SqliteEventRepository::new(pool.clone()))
                .persist_sealed::<Negotiation>(&sealed.stored)
                .await
        }
    }
    .expect("stored");
}

/// A committer keeps its PostgreSQL connection from one group to the next. When the server
/// closes it (a restart, an administrator), the group on it fails and writes nothing, and later
/// groups commit on new connections: no act is lost once acknowledged, none is stored
/// unacknowledged.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_committer_whose_connection_the_server_closed_commits_on_another() {
    let store = TestStore::new(Backend::Postgres).await;
    let grouped = Ledger(
        pacta_ledger::Ledger::on(&store.database)
            .keeping_verified_states(16)
            .committing_in_groups(),
    );
    grouped.execute("held", open("held")).await.unwrap();
    grouped.accredit_writers("held", 1).await;
    let before = store.event_count().await;

    // Every other session on the test's database ends: the committer's, the pool's idle ones.
    let terminated = store.end_other_sessions().await;
    assert!(terminated >= 1, "the committer's connection was open");

    // Each dead connection fails the one group sent on it: the ones the two committers held,
    // and the idle ones the pool hands out next (it does not ping before handing one out).
    let mut acknowledged = 0;
    let mut attempts = 0;
    let mut succeeded = 0;
    while succeeded < 3 {
        attempts += 1;
        assert!(
            attempts <= 3 + 20,
            "acts commit again once the dead connections are gone"
        );
        match grouped
            .execute("held", comment("writer-0", format!("after/{attempts}")))
            .await
        {
            Ok(events) => {
                acknowledged += events.len();
                succeeded += 1;
            }
            Err(e) => assert!(
                matches!(e, pacta_ledger::LedgerError::Storage(_)),
                "a closed connection is a storage failure, not {e}"
            ),
        }
    }
    println!("{} acts failed on closed connections", attempts - succeeded);
    let events = store
        .ledger()
        .events("held")
        .await
        .expect("the chain verifies");
    assert_eq!(
        events.len() as i64,
        before + acknowledged as i64,
        "every acknowledged act stored, nothing else"
    );
}
