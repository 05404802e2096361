//! The lookups every read of the present makes (`Database::last_sequence`, and
//! `Database::last_position` for the views) read the top of an index, however long the
//! negotiation has grown since PostgreSQL last gathered statistics. Planned from statistics of a
//! short negotiation, `MAX(sequence)` became an aggregate over every event of the negotiation,
//! each fetched from the heap: a read of the present cost more with every act.
//!
//! On PostgreSQL a lookup runs on a connection kept for lookups (`pacta_ledger::store::Lookups`),
//! which skips the ping sqlx sends when a connection goes back to its pool: one round trip a
//! lookup, not two. A connection is kept only once its statement was read to the end.

use pacta_domain::NegotiationCommand;
use std::time::Duration;

use pacta_ledger::store::{
    kept_at_most, Database, StoreError, LAST_POSITION_SQL, LAST_SEQUENCE_SQL,
};
use serde_json::{json, Value};

use crate::common::{Backend, Ledger, TestStore};

const NEGOTIATION: &str = "civ-mar-long";
/// Events recorded after the statistics were gathered: far more than a lookup may read.
const EVENTS_AFTER_STATISTICS: usize = 300;
/// Negotiations in the ledger when the statistics are gathered.
const OTHER_NEGOTIATIONS: usize = 8;
/// Rows a lookup may read at the top of the index: the last committed event, and room for one
/// written by a transaction still open.
const MAX_ROWS_READ: u64 = 2;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_sequence_and_position_read_the_top_of_the_index_of_a_long_negotiation() {
    let store = TestStore::new(Backend::Postgres).await;
    let Database::Postgres(pool, _) = &store.database else {
        unreachable!("a PostgreSQL test store")
    };
    let ledger = Ledger(pacta_ledger::Ledger::on(&store.database).keeping_verified_states(4));
    // Statistics of a ledger that does not hold the negotiation yet, as autovacuum may leave
    // them for long while it grows.
    for other in 0..OTHER_NEGOTIATIONS {
        ledger
            .open_civ_mar_agreement(&format!("civ-mar-{other}"))
            .await;
    }
    sqlx::query("ANALYZE events").execute(pool).await.unwrap();
    ledger.open_civ_mar_agreement(NEGOTIATION).await;
    for index in 0..EVENTS_AFTER_STATISTICS {
        let comment = NegotiationCommand {
            actor: "civ.head".into(),
            action: serde_json::from_value(
                json!({ "type": "comment", "text": format!("Note {index}.") }),
            )
            .unwrap(),
            took_place: None,
        };
        ledger
            .execute(NEGOTIATION, comment)
            .await
            .expect("commented");
    }
    let last = store
        .database
        .last_sequence("Negotiation", NEGOTIATION)
        .await
        .unwrap();
    assert!(last > EVENTS_AFTER_STATISTICS, "{last} events recorded");
    let position = store.database.last_position().await.unwrap();
    let others: i64 = sqlx::query_scalar("SELECT count(*) FROM events WHERE aggregate_id <> $1")
        .bind(NEGOTIATION)
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(position, others + last as i64, "every event has a position");

    for (sql, plan) in [
        (
            LAST_SEQUENCE_SQL,
            explain(pool, LAST_SEQUENCE_SQL, &["Negotiation", NEGOTIATION]).await,
        ),
        (
            LAST_POSITION_SQL,
            explain(pool, LAST_POSITION_SQL, &[]).await,
        ),
    ] {
        let read = rows_read(&plan);
        assert!(
            read <= MAX_ROWS_READ,
            "`{sql}` read {read} rows of {last} events: {plan:#}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lookup_keeps_its_connection_out_of_the_pool() {
    let store = store_with_negotiation().await;
    let Database::Postgres(pool, lookups) = &store.database else {
        unreachable!("a PostgreSQL test store")
    };
    lookups.release_all();
    // Settled: the connections just given back were pinged and are idle in the pool.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (idle, open) = (pool.num_idle(), pool.size());

    // sqlx's ping is a protocol message of its own (Sync), which the server's statistics do not
    // show: what the test sees is where the connection goes, kept rather than back in the pool.
    let last = last_sequence(&store.database).await.unwrap();
    assert!(last > 0);
    assert_eq!(lookups.kept(), 1, "the lookup's connection is kept");
    assert_eq!(
        pool.num_idle() + 1,
        idle.max(1),
        "taken from the pool, not given back"
    );
    for _ in 0..3 {
        last_sequence(&store.database).await.unwrap();
    }
    assert_eq!(lookups.kept(), 1, "the next lookups reuse it");
    assert_eq!(pool.size(), open.max(1), "and open no other connection");

    // Concurrent lookups keep no more than their bound, and use the ones kept.
    let max_connections = pool.options().get_max_connections();
    let lookups_at_once = 3 * kept_at_most(max_connections);
    let mut concurrent = tokio::task::JoinSet::new();
    for _ in 0..lookups_at_once {
        let database = store.database.clone();
        concurrent.spawn(async move { last_sequence(&database).await });
    }
    while let Some(answer) = concurrent.join_next().await {
        assert_eq!(answer.unwrap().unwrap(), last);
    }
    let kept = lookups.kept();
    assert!(
        (1..=kept_at_most(max_connections)).contains(&kept),
        "{kept} kept of a pool of {max_connections}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lookup_cancelled_or_failed_gives_its_connection_back_to_the_pool() {
    let store = store_with_negotiation().await;
    let Database::Postgres(_, lookups) = &store.database else {
        unreachable!("a PostgreSQL test store")
    };
    let last = || last_sequence(&store.database);
    let expected = last().await.unwrap();
    lookups.release_all();
    last().await.unwrap();
    assert_eq!(lookups.kept(), 1);

    // Cancelled half-way: the lookup waits on a lock, and its caller stops waiting.
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&store.url)
        .await
        .unwrap();
    sqlx::raw_sql("BEGIN; LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
        .execute(&mut admin)
        .await
        .unwrap();
    let cancelled = tokio::time::timeout(Duration::from_millis(200), last()).await;
    assert!(cancelled.is_err(), "the lookup waited on the lock");
    assert_eq!(
        lookups.kept(),
        0,
        "a cancelled lookup's connection is not kept"
    );
    sqlx::raw_sql("ROLLBACK").execute(&mut admin).await.unwrap();
    assert_eq!(last().await.unwrap(), expected);
    assert_eq!(lookups.kept(), 1);

    // Failed: the server closed the kept connection.
    assert!(store.end_other_sessions().await >= 1);
    assert!(
        last().await.is_err(),
        "the closed connection fails its lookup"
    );
    assert_eq!(
        lookups.kept(),
        0,
        "a failed lookup's connection is not kept"
    );
    // The pool hands out connections without pinging them first: each one the server closed
    // fails once, then the lookups run on new ones.
    let mut failures = 0;
    let answer = loop {
        match last().await {
            Ok(answer) => break answer,
            Err(_) if failures < 32 => failures += 1,
            Err(error) => panic!("lookups fail on: {error}"),
        }
    };
    assert_eq!(answer, expected);
    assert_eq!(lookups.kept(), 1);
}

/// A PostgreSQL test store holding one negotiation, `NEGOTIATION`.
async fn store_with_negotiation() -> TestStore {
    let store = TestStore::new(Backend::Postgres).await;
    store.ledger().open_civ_mar_agreement(NEGOTIATION).await;
    store
}

/// `NEGOTIATION`'s last sequence, by the lookup every read of the present makes.
async fn last_sequence(database: &Database) -> Result<usize, StoreError> {
    database.last_sequence("Negotiation", NEGOTIATION).await
}

/// The plan PostgreSQL runs for `sql` with `binds`, run (`EXPLAIN ANALYZE`, as JSON).
async fn explain(pool: &sqlx::PgPool, sql: &str, binds: &[&str]) -> Value {
    let explained = format!("EXPLAIN (ANALYZE, FORMAT JSON) {sql}");
    let mut query = sqlx::query_scalar::<_, sqlx::types::Json<Value>>(&explained);
    for bind in binds {
        query = query.bind(*bind);
    }
    query.fetch_one(pool).await.unwrap().0
}

/// The most rows any node of `plan` handled, over all its loops.
fn rows_read(plan: &Value) -> u64 {
    match plan {
        Value::Array(items) => items.iter().map(rows_read).max().unwrap_or(0),
        Value::Object(node) => {
            let own = node
                .get("Actual Rows")
                .and_then(Value::as_f64)
                .unwrap_or(0.0)
                * node
                    .get("Actual Loops")
                    .and_then(Value::as_f64)
                    .unwrap_or(1.0);
            let children = node.values().map(rows_read).max().unwrap_or(0);
            (own as u64).max(children)
        }
        _ => 0,
    }
}

/// A reader of the commit order stopped at any moment (the projector's read-ahead when its
/// catch-up ends, a request whose client left) leaves no transaction open on its connection: in
/// sqlx 0.8 a `BEGIN` cut short before the server answers is never rolled back, and its
/// connection went back to the pool inside it, holding the locks of every statement run on it
/// later (a rebuild's `TRUNCATE` then waited forever).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_order_read_stopped_at_any_moment_leaves_no_transaction_open() {
    const READS_STOPPED: u64 = 3_000;
    let store = store_with_negotiation().await;
    let Database::Postgres(pool, _) = &store.database else {
        unreachable!("a PostgreSQL test store")
    };
    let mut rng = fastrand::Rng::with_seed(17);
    for _ in 0..READS_STOPPED {
        let database = store.database.clone();
        let read = tokio::spawn(async move {
            database
                .read_committed(pacta_ledger::store::CommitCursor::default(), 10)
                .await
        });
        // Anywhere from before the read's first round trip to after its last, to the
        // microsecond (a timer's resolution is a millisecond, longer than a round trip here).
        let stop_at = std::time::Instant::now() + Duration::from_micros(rng.u64(0..300));
        while std::time::Instant::now() < stop_at {
            tokio::task::yield_now().await;
        }
        read.abort();
        let _ = read.await;
    }
    // The connections dropped mid-read went back to the pool, each pinged on its way. Each idle
    // one then runs a statement (in a transaction left open, it would stay open), and a session
    // of its own, outside the pool, looks at them all.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut every = Vec::new();
    for _ in 0..pool.num_idle() {
        every.push(pool.acquire().await.unwrap());
    }
    for connection in &mut every {
        sqlx::query("SELECT 1")
            .execute(&mut **connection)
            .await
            .unwrap();
    }
    drop(every);
    let mut observer = <sqlx::PgConnection as sqlx::Connection>::connect(&store.url)
        .await
        .unwrap();
    let left_open: Vec<(i32, Option<String>)> = sqlx::query_as(
        "SELECT pid, query FROM pg_stat_activity
          WHERE datname = current_database() AND state LIKE 'idle in transaction%'",
    )
    .fetch_all(&mut observer)
    .await
    .unwrap();
    assert!(
        left_open.is_empty(),
        "sessions left in a transaction: {left_open:?}"
    );
    // And the pool's connections still answer.
    assert!(last_sequence(&store.database).await.unwrap() > 0);
}
