//! The store's own limit: how many durable one-row transactions it commits per second at a
//! number of connections, with nothing of Pacta or cqrs-es in the way. Each connection inserts
//! one JSON document per transaction (autocommit) into a scratch table of the benchmark's own
//! database, as large as a Pacta event's stored payload and metadata, and durable as the ledger
//! commits: on PostgreSQL the server's `synchronous_commit` (the default, `on`, syncs the WAL at
//! every commit); on SQLite the ledger's own pool, so WAL mode and `synchronous=FULL`.
//!
//! A Pacta command does more per commit than this (a load, then BEGIN, INSERT, COMMIT), so the
//! ratio of the two throughputs says how near the ledger runs to what the store allows.

use std::time::Instant;

use pacta_domain::Negotiation;
use pacta_ledger::store::{CommitCursor, Database};

use super::{BenchError, Measured};

const TABLE: &str = "pacta_bench_insert_limit";
/// Events read per query when measuring what the chained store recorded.
const READ_BATCH_EVENTS: usize = 5_000;
/// Fields of the inserted document: about as many as an event's payload and metadata hold.
const DOCUMENT_FIELDS: usize = 12;

/// Creates the scratch table (dropping one left by an earlier run).
pub async fn create_table(database: &Database) -> Result<(), BenchError> {
    let create = match database {
        Database::Postgres(_, _) => {
            format!("CREATE TABLE {TABLE} (id bigserial PRIMARY KEY, document jsonb NOT NULL)")
        }
        Database::Sqlite(_) => {
            format!("CREATE TABLE {TABLE} (id INTEGER PRIMARY KEY, document TEXT NOT NULL) STRICT")
        }
    };
    for statement in [format!("DROP TABLE IF EXISTS {TABLE}"), create] {
        execute(database, &statement).await?;
    }
    Ok(())
}

pub async fn drop_table(database: &Database) -> Result<(), BenchError> {
    execute(database, &format!("DROP TABLE IF EXISTS {TABLE}")).await
}

async fn execute(database: &Database, statement: &str) -> Result<(), BenchError> {
    let done = match database {
        Database::Postgres(pool, _) => sqlx::query(statement).execute(pool).await.map(drop),
        Database::Sqlite(pool) => sqlx::query(statement).execute(pool).await.map(drop),
    };
    done.map_err(|e| format!("insert limit: {statement}: {e}").into())
}

/// How durable a commit is on this store, for the heading: the setting the limit runs under.
pub async fn durability(database: &Database) -> Result<String, BenchError> {
    Ok(match database {
        Database::Postgres(pool, _) => {
            let mut settings = Vec::new();
            for name in ["synchronous_commit", "fsync"] {
                let setting: String = sqlx::query_scalar(&format!("SHOW {name}"))
                    .fetch_one(pool)
                    .await
                    .map_err(|e| format!("cannot read {name}: {e}"))?;
                settings.push(format!("{name}={setting}"));
            }
            settings.join(", ")
        }
        Database::Sqlite(pool) => {
            let mut connection = pool
                .acquire()
                .await
                .map_err(|e| format!("cannot open a SQLite connection: {e}"))?;
            let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut *connection)
                .await
                .map_err(|e| format!("cannot read PRAGMA synchronous: {e}"))?;
            let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut *connection)
                .await
                .map_err(|e| format!("cannot read PRAGMA journal_mode: {e}"))?;
            let synchronous = match synchronous {
                0 => "OFF",
                1 => "NORMAL",
                2 => "FULL",
                3 => "EXTRA",
                _ => "?",
            };
            format!("journal_mode={journal}, synchronous={synchronous}")
        }
    })
}

/// The average size in bytes of what the store recorded per event: its payload and metadata as
/// compact JSON, as cqrs-es serializes them.
pub async fn average_event_bytes(database: &Database) -> Result<usize, BenchError> {
    let mut cursor = CommitCursor::default();
    let (mut events, mut bytes) = (0usize, 0usize);
    loop {
        let batch = database.read_committed(cursor, READ_BATCH_EVENTS).await?;
        let Some(last) = batch.last() else { break };
        cursor = last.cursor;
        for committed in &batch {
            if committed.event.aggregate_type != <Negotiation as cqrs_es::Aggregate>::TYPE {
                continue;
            }
            events += 1;
            bytes += committed.event.payload.to_string().len()
                + committed.event.metadata.to_string().len();
        }
    }
    if events == 0 {
        return Err("insert limit: the chained store recorded no event to size the rows on".into());
    }
    Ok(bytes.div_ceil(events))
}

/// A JSON object of exactly `bytes` bytes (or the smallest this shape allows, if more) of
/// `DOCUMENT_FIELDS` string fields, the first naming `n` so that no two rows are equal.
pub fn document(bytes: usize, n: usize) -> String {
    let mut fields: Vec<(String, String)> = (0..DOCUMENT_FIELDS)
        .map(|i| (format!("f{i:02}"), String::new()))
        .collect();
    fields[0].1 = n.to_string();
    let render = |fields: &[(String, String)]| {
        let body: Vec<String> = fields
            .iter()
            .map(|(key, value)| format!("\"{key}\":\"{value}\""))
            .collect();
        format!("{{{}}}", body.join(","))
    };
    let missing = bytes.saturating_sub(render(&fields).len());
    for (i, (_, value)) in fields.iter_mut().enumerate().skip(1) {
        // Spread over the other fields, the first ones taking the remainder.
        let share =
            missing / (DOCUMENT_FIELDS - 1) + usize::from(i - 1 < missing % (DOCUMENT_FIELDS - 1));
        value.push_str(&"x".repeat(share));
    }
    render(&fields)
}

/// `writers` connections, each held for the run, share `inserts` one-row transactions of
/// `document_bytes`-byte documents.
pub async fn measure(
    database: &Database,
    writers: usize,
    inserts: usize,
    document_bytes: usize,
) -> Result<Measured, BenchError> {
    let started = Instant::now();
    let tasks: Vec<_> = (0..writers)
        .map(|writer| {
            let database = database.clone();
            let share = inserts / writers + usize::from(writer < inserts % writers);
            tokio::spawn(async move {
                let documents: Vec<String> = (0..share)
                    .map(|i| document(document_bytes, writer * inserts + i))
                    .collect();
                match database {
                    Database::Postgres(pool, _) => {
                        let mut connection = pool.acquire().await?;
                        let insert = format!("INSERT INTO {TABLE} (document) VALUES ($1::jsonb)");
                        let mut latencies = Vec::with_capacity(share);
                        for document in documents {
                            let begun = Instant::now();
                            sqlx::query(&insert)
                                .bind(document)
                                .execute(&mut *connection)
                                .await?;
                            latencies.push(begun.elapsed());
                        }
                        Ok::<_, sqlx::Error>(latencies)
                    }
                    Database::Sqlite(pool) => {
                        let mut connection = pool.acquire().await?;
                        let insert = format!("INSERT INTO {TABLE} (document) VALUES ($1)");
                        let mut latencies = Vec::with_capacity(share);
                        for document in documents {
                            let begun = Instant::now();
                            sqlx::query(&insert)
                                .bind(document)
                                .execute(&mut *connection)
                                .await?;
                            latencies.push(begun.elapsed());
                        }
                        Ok(latencies)
                    }
                }
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(inserts);
    for task in tasks {
        latencies.extend(task.await?.map_err(|e| format!("insert limit: {e}"))?);
    }
    Ok(Measured {
        commands: inserts,
        elapsed: started.elapsed(),
        latencies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_json_objects_of_the_size_asked() {
        for bytes in [200, 701, 1_024, 4_096] {
            for n in [0, 7, 123_456] {
                let document = document(bytes, n);
                assert_eq!(document.len(), bytes, "{document}");
                let parsed: serde_json::Value = serde_json::from_str(&document).unwrap();
                assert_eq!(parsed["f00"], n.to_string());
                assert_eq!(parsed.as_object().unwrap().len(), DOCUMENT_FIELDS);
            }
        }
        // Smaller than the shape: the smallest document, never a truncated one.
        let smallest = document(10, 1);
        assert!(serde_json::from_str::<serde_json::Value>(&smallest).is_ok());
    }
}
