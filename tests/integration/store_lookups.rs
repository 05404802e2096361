//! The lookups every read of the present makes (`Database::last_sequence`, and
//! `Database::last_position` for the views) read the top of an index, however long the
//! negotiation has grown since PostgreSQL last gathered statistics. Planned from statistics of a
//! short negotiation, `MAX(sequence)` became an aggregate over every event of the negotiation,
//! each fetched from the heap: a read of the present cost more with every act.

use pacta_domain::NegotiationCommand;
use pacta_ledger::store::{Database, LAST_POSITION_SQL, LAST_SEQUENCE_SQL};
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
    let Database::Postgres(pool) = &store.database else {
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
