//! Group commit: the acts of concurrent writers committed together, in one transaction and one
//! durable flush.
//!
//! postgres-es and sqlite-es commit each `persist` in a transaction of its own, so a ledger
//! that commits through them can never commit faster than the database can flush one small
//! transaction after another, and concurrent writers queue for it. The `GroupCommitter` sits
//! below that: one task takes every act waiting to be committed, inserts their events in one
//! transaction and commits it once, then answers each act. An act is acknowledged only after
//! the transaction holding it committed.
//!
//! Each act keeps its own outcome. On PostgreSQL the events of a group are first inserted by
//! one statement that commits on its own (one round trip); when that fails on the store's
//! uniqueness (another writer took a sequence one of the acts was sealed for), the group is
//! inserted again act by act in one transaction, each act under a savepoint, so only the acts
//! that lost their race fail (`CommitFailure::Conflict`) and the others commit. On SQLite, whose
//! statements are calls within the process, every group goes act by act.
//!
//! An act may be submitted `after` another act on the same negotiation that is not committed
//! yet (the ledger decides queued acts on the state their predecessor leaves: see
//! `crate::ledger`). It then commits only if its predecessor does: in the same group, or an
//! earlier one, since the committer takes acts in the order they were submitted. If the
//! predecessor fails, so does every act built on it, and no event is stored after a sequence
//! that was never stored.
//!
//! Order and optimistic concurrency are the store's, as without group commit: the primary key
//! (negotiation, sequence) lets one writer take a sequence, and a head someone else took fails.
//! The insert also stores an event only after the event before it in its negotiation (stored,
//! or inserted just before it): the ledger decides an act on the state it holds without reading
//! the store, so a head that was deleted underneath must not be built on. Such an act fails as a
//! lost race does, and the ledger's next attempt reads after its held head and finds the gap
//! (an integrity failure).

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cqrs_es::persist::SerializedEvent;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres, SqliteConnection};
use tokio::sync::{mpsc, watch};

use super::Database;

/// The most acts committed in one transaction. A group of this many acts of the largest size
/// (`MAX_EVENTS_PER_COMMAND` events) is a few megabytes of JSON in one statement; beyond a few
/// hundred acts a larger group no longer saves a flush worth having.
pub const MAX_ACTS_PER_GROUP: usize = 256;
/// How many submitted acts may wait for the committer before a writer waits to submit: a
/// bound on the memory held by acts decided but not yet committed.
pub const MAX_ACTS_QUEUED: usize = 4_096;

/// The least time between two announcements of committed groups (`announce`). An announcement
/// only wakes what waits for new acts (live pages; `crate::new_events`); no read relies on it
/// to see an act (read-your-writes is a lookup of its own), so it may lag by this much. Sent
/// back to back, they cost as much as the commits: at 8 writers the announcer took 11% of the
/// process, with a flush on the server each time.
pub const MIN_ANNOUNCEMENT_INTERVAL_MS: u64 = 10;

/// Why an act submitted to the committer was not committed.
#[derive(Clone, Debug, thiserror::Error)]
pub enum CommitFailure {
    /// Another writer stored an event at a sequence the act was sealed for, or the act was
    /// built on one that failed: decide it again on what is stored now.
    #[error("another writer took the sequence this act was sealed for")]
    Conflict,
    /// The group's transaction failed for another reason; nothing of it was stored.
    #[error("the event store failed: {0}")]
    Storage(Arc<sqlx::Error>),
    /// The committer is gone (the process is shutting down).
    #[error("the group committer has stopped")]
    Stopped,
}

/// The outcome of one submitted act, known once its group's transaction ended.
#[derive(Clone)]
pub struct Ticket {
    id: u64,
    outcome: watch::Receiver<Option<Result<(), CommitFailure>>>,
}

impl Ticket {
    /// Waits until the act's group ended: `Ok` once its events are committed.
    pub async fn committed(&self) -> Result<(), CommitFailure> {
        let mut outcome = self.outcome.clone();
        let settled = match outcome.wait_for(Option::is_some).await {
            Ok(settled) => settled.clone().expect("waited for an outcome"),
            Err(_) => Err(CommitFailure::Stopped),
        };
        settled
    }

    /// The outcome, if the act's group has ended.
    pub fn settled(&self) -> Option<Result<(), CommitFailure>> {
        self.outcome.borrow().clone()
    }
}

struct Submission {
    id: u64,
    events: Vec<SerializedEvent>,
    after: Option<Ticket>,
    outcome: watch::Sender<Option<Result<(), CommitFailure>>>,
}

impl Submission {
    fn settle(&self, outcome: Result<(), CommitFailure>) {
        // A writer that stopped waiting (its request was dropped) has no receiver left; the
        // outcome is still kept for the acts submitted after it.
        self.outcome.send_replace(Some(outcome));
    }
}

/// Commits the acts submitted to it in groups, one transaction per group, on one database.
pub struct GroupCommitter {
    queue: mpsc::Sender<Submission>,
    /// The committing task's end of the queue and its database, until the first submission
    /// starts it (on the runtime that submits, so a committer can be made outside one).
    idle: std::sync::Mutex<Option<(Database, mpsc::Receiver<Submission>)>>,
    next_id: AtomicU64,
    groups: Arc<AtomicU64>,
    acts: Arc<AtomicU64>,
}

impl GroupCommitter {
    /// A committer on `database`. Its task starts with the first submission, on the runtime
    /// that submits it, and stops when the committer is dropped, after committing what was
    /// already submitted.
    pub fn new(database: Database) -> GroupCommitter {
        let (queue, submissions) = mpsc::channel(MAX_ACTS_QUEUED);
        GroupCommitter {
            queue,
            idle: std::sync::Mutex::new(Some((database, submissions))),
            next_id: AtomicU64::new(1),
            groups: Arc::new(AtomicU64::new(0)),
            acts: Arc::new(AtomicU64::new(0)),
        }
    }

    /// Submits one act's sealed events, to be committed only if `after` (the act it was decided
    /// after, on the same negotiation, if that one is not committed yet) is. Returns once the act
    /// is queued; its `Ticket` tells when it is committed. Acts are committed in the order they
    /// are submitted.
    pub async fn submit(
        &self,
        events: Vec<SerializedEvent>,
        after: Option<Ticket>,
    ) -> Result<Ticket, CommitFailure> {
        assert!(!events.is_empty(), "an act commits at least one event");
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some((database, submissions)) = idle {
            spawn_committers(
                database,
                submissions,
                self.groups.clone(),
                self.acts.clone(),
            );
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let (outcome, receiver) = watch::channel(None);
        self.queue
            .send(Submission {
                id,
                events,
                after,
                outcome,
            })
            .await
            .map_err(|_| CommitFailure::Stopped)?;
        Ok(Ticket {
            id,
            outcome: receiver,
        })
    }

    /// How many transactions committed groups so far, and how many acts they held.
    pub fn groups_and_acts(&self) -> (u64, u64) {
        (
            self.groups.load(Ordering::Relaxed),
            self.acts.load(Ordering::Relaxed),
        )
    }
}

/// How many groups are committed at once: on PostgreSQL two, so that one group is written
/// while the one before waits for its flush (the server flushes concurrent commits together);
/// SQLite has one writer at a time, so a second would only wait for the lock.
fn committers_on(database: &Database) -> usize {
    match database {
        Database::Postgres(_, _) => 2,
        Database::Sqlite(_) => 1,
    }
}

/// Starts the committing tasks, which take groups from `submissions` in turn.
fn spawn_committers(
    database: Database,
    submissions: mpsc::Receiver<Submission>,
    groups: Arc<AtomicU64>,
    acts: Arc<AtomicU64>,
) {
    let submissions = Arc::new(tokio::sync::Mutex::new(submissions));
    let (committed, announcements) = watch::channel(());
    let committed = Arc::new(committed);
    for _ in 0..committers_on(&database) {
        tokio::spawn(run(
            database.clone(),
            submissions.clone(),
            committed.clone(),
            groups.clone(),
            acts.clone(),
        ));
    }
    tokio::spawn(announce(database, announcements));
}

/// Announces that groups were committed, at most one announcement per
/// `MIN_ANNOUNCEMENT_INTERVAL_MS`: the groups committed while one is being sent, or in the
/// interval after it, are covered by the next, sent after them. On PostgreSQL an announcement is
/// a transaction of its own, flushed like a commit (`pg_notify` gives it a transaction id), so
/// one per group would cost the server a second flush for every group. Stops once every
/// committer has.
async fn announce(database: Database, mut committed: watch::Receiver<()>) {
    while committed.changed().await.is_ok() {
        committed.borrow_and_update();
        database.announce_new_events().await;
        tokio::time::sleep(Duration::from_millis(MIN_ANNOUNCEMENT_INTERVAL_MS)).await;
    }
}

async fn run(
    database: Database,
    submissions: Arc<tokio::sync::Mutex<mpsc::Receiver<Submission>>>,
    committed: Arc<watch::Sender<()>>,
    groups: Arc<AtomicU64>,
    acts: Arc<AtomicU64>,
) {
    let mut group = Vec::with_capacity(MAX_ACTS_PER_GROUP);
    let mut held = None;
    loop {
        {
            // Groups are taken in turn, in the order acts were submitted: a group taken later
            // holds only acts submitted after every act of the groups taken before.
            let mut submissions = submissions.lock().await;
            let Some(first) = submissions.recv().await else {
                return;
            };
            group.push(first);
            while group.len() < MAX_ACTS_PER_GROUP {
                match submissions.try_recv() {
                    Ok(next) => group.push(next),
                    Err(_) => break,
                }
            }
        }
        let committed_acts = commit_group(&database, &mut held, &mut group).await;
        if committed_acts > 0 {
            groups.fetch_add(1, Ordering::Relaxed);
            acts.fetch_add(committed_acts as u64, Ordering::Relaxed);
            // After the answers: waking listeners must not delay them.
            committed.send_replace(());
        }
        group.clear();
    }
}

/// Commits what it can of `group` in one transaction and settles every submission's outcome.
/// Returns how many acts were committed.
///
/// On PostgreSQL the committer keeps its connection in `held` from one group to the next:
/// sqlx checks every connection given back to its pool with a round trip to the server, which
/// would cost one more per group. A connection whose group failed goes back to the pool, whose
/// check closes it if it is broken, and the next group takes another.
async fn commit_group(
    database: &Database,
    held: &mut Option<PoolConnection<Postgres>>,
    group: &mut Vec<Submission>,
) -> usize {
    // An act built on one in a group taken before waits for that group to end (it is being
    // committed by the other committer), and fails without being tried if that one failed. A
    // predecessor not settled and not in an earlier group is in this one.
    let in_group: HashSet<u64> = group.iter().map(|submission| submission.id).collect();
    for submission in group.iter() {
        if let Some(after) = &submission.after {
            if !in_group.contains(&after.id) {
                let _ = after.committed().await;
            }
        }
    }
    group.retain(|submission| match submission.after.as_ref() {
        Some(after) => match after.settled() {
            Some(Err(_)) => {
                submission.settle(Err(CommitFailure::Conflict));
                false
            }
            _ => true,
        },
        None => true,
    });
    if group.is_empty() {
        return 0;
    }
    let outcome = match database {
        Database::Postgres(pool, _) => {
            let connection = match held.take() {
                Some(connection) => Ok(connection),
                None => pool.acquire().await,
            };
            match connection {
                Ok(mut connection) => {
                    let inserted = insert_postgres(&mut connection, group).await;
                    if inserted.is_ok() {
                        *held = Some(connection);
                    }
                    inserted
                }
                Err(e) => Err(e),
            }
        }
        Database::Sqlite(pool) => match pool.acquire().await {
            Ok(mut connection) => insert_sqlite(&mut connection, group).await,
            Err(e) => Err(e),
        },
    };
    match outcome {
        Ok(failed) => {
            let mut committed = 0;
            for submission in group.iter() {
                if failed.contains(&submission.id) {
                    submission.settle(Err(CommitFailure::Conflict));
                } else {
                    submission.settle(Ok(()));
                    committed += 1;
                }
            }
            committed
        }
        Err(error) => {
            let error = Arc::new(error);
            for submission in group.iter() {
                submission.settle(Err(CommitFailure::Storage(error.clone())));
            }
            0
        }
    }
}

/// Whether an insert failed on the store's uniqueness: another writer holds the sequence.
fn is_conflict(error: &sqlx::Error) -> bool {
    // PostgreSQL's unique_violation; SQLite's SQLITE_CONSTRAINT_PRIMARYKEY and _UNIQUE.
    matches!(error, sqlx::Error::Database(e)
        if matches!(e.code().as_deref(), Some("23505" | "1555" | "2067")))
}

/// Opens the transaction of a group inserted act by act on PostgreSQL, holding the event
/// writers' lock.
const BEGIN_POSTGRES: &str = concat!(
    "BEGIN; SELECT pg_advisory_xact_lock_shared(",
    // EVENT_WRITERS_LOCK_KEY, checked by a test below.
    "8097862956487435638",
    "), set_config('pacta.writes_events', 'on', true)"
);

/// Inserts every event, or none when one of them is neither its negotiation's first nor after
/// an event stored or inserted by the same statement (a statement does not see its own rows,
/// hence both lookups). All or nothing, so that the statement can commit on its own.
const INSERT_POSTGRES: &str = "
WITH e AS (
  SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[])
         WITH ORDINALITY AS e(aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata, place)
),
after_a_gap AS (
  SELECT 1 FROM e
   WHERE e.sequence > 1
     AND NOT EXISTS (SELECT 1 FROM e AS before
                      WHERE before.aggregate_type = e.aggregate_type AND before.aggregate_id = e.aggregate_id
                        AND before.sequence = e.sequence - 1 AND before.place < e.place)
     AND NOT EXISTS (SELECT 1 FROM events AS stored
                      WHERE stored.aggregate_type = e.aggregate_type AND stored.aggregate_id = e.aggregate_id
                        AND stored.sequence = e.sequence - 1)
)
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
  FROM e
 WHERE NOT EXISTS (SELECT 1 FROM after_a_gap)
 ORDER BY place";

/// How an insert ended when the database raised no error.
#[derive(Debug, PartialEq, Eq)]
enum Inserted {
    Every,
    /// Some event did not follow a stored one (its predecessor is gone): none was inserted.
    AfterAGap,
}

/// One statement inserting `events`, in order, on PostgreSQL: seven array parameters, whatever
/// their number.
async fn insert_all_postgres<'e>(
    connection: &mut PgConnection,
    events: impl Iterator<Item = &'e SerializedEvent>,
) -> Result<Inserted, sqlx::Error> {
    let events: Vec<&SerializedEvent> = events.collect();
    let text = |column: fn(&SerializedEvent) -> &str| -> Vec<&str> {
        events.iter().map(|event| column(event)).collect()
    };
    let sequences: Vec<i64> = events
        .iter()
        .map(|event| i64::try_from(event.sequence).unwrap_or(i64::MAX))
        .collect();
    let payloads: Vec<&serde_json::Value> = events.iter().map(|event| &event.payload).collect();
    let metadata: Vec<&serde_json::Value> = events.iter().map(|event| &event.metadata).collect();
    let inserted = sqlx::query(INSERT_POSTGRES)
        .bind(text(|event| &event.aggregate_type))
        .bind(text(|event| &event.aggregate_id))
        .bind(sequences)
        .bind(text(|event| &event.event_type))
        .bind(text(|event| &event.event_version))
        .bind(payloads)
        .bind(metadata)
        .execute(connection)
        .await?
        .rows_affected();
    Ok(if inserted == events.len() as u64 {
        Inserted::Every
    } else {
        Inserted::AfterAGap
    })
}

/// Runs `$body` (which yields the acts that lost a race) in a transaction opened by `$begin` on
/// `$connection`, and commits it; on any error rolls back, so the connection goes back to the
/// pool with no transaction open. The same on both databases, whose connections are types apart.
macro_rules! in_transaction {
    ($connection:ident, $begin:expr, $body:expr) => {{
        sqlx::Executor::execute(&mut *$connection, $begin).await?;
        match $body.await {
            Ok(failed) => {
                sqlx::query("COMMIT").execute(&mut *$connection).await?;
                Ok(failed)
            }
            Err(error) => {
                let _ = sqlx::query("ROLLBACK").execute(&mut *$connection).await;
                Err(error)
            }
        }
    }};
}

/// Inserts `$group` act by act, each act's events by `$insert($connection, events)` under a
/// savepoint, so that only the acts that lost a race (and those built on them) fail: returns
/// their ids.
macro_rules! act_by_act {
    ($connection:ident, $group:expr, $insert:path) => {{
        let mut failed = HashSet::new();
        for submission in $group {
            if depends_on_failed(submission, &failed) {
                failed.insert(submission.id);
                continue;
            }
            sqlx::query("SAVEPOINT pacta_act")
                .execute(&mut *$connection)
                .await?;
            let lost = match $insert(&mut *$connection, submission.events.iter()).await {
                Ok(Inserted::Every) => false,
                Ok(Inserted::AfterAGap) => true,
                Err(error) if is_conflict(&error) => true,
                Err(error) => return Err(error),
            };
            if lost {
                sqlx::query("ROLLBACK TO SAVEPOINT pacta_act")
                    .execute(&mut *$connection)
                    .await?;
                failed.insert(submission.id);
            }
            sqlx::query("RELEASE SAVEPOINT pacta_act")
                .execute(&mut *$connection)
                .await?;
        }
        Ok(failed)
    }};
}

/// Inserts the group on PostgreSQL, in one transaction; returns the acts that lost a race.
async fn insert_postgres(
    connection: &mut PgConnection,
    group: &[Submission],
) -> Result<HashSet<u64>, sqlx::Error> {
    // Most groups: one statement, outside any explicit transaction, so that it commits on its
    // own: one round trip and one flush. Its trigger takes the event writers' lock before the
    // first row, as for any insert (migrations/postgres/0008_event_writers.sql).
    let all = group.iter().flat_map(|s| s.events.iter());
    match insert_all_postgres(connection, all).await {
        Ok(Inserted::Every) => return Ok(HashSet::new()),
        Ok(Inserted::AfterAGap) => {}
        Err(error) if is_conflict(&error) => {}
        Err(error) => return Err(error),
    }
    // Nothing was inserted: again act by act, so that only the acts that lost their race fail.
    // The event writers' lock is taken at the top of this transaction rather than by the trigger
    // inside a savepoint: a savepoint rolled back would release it with the act, and the next
    // act's insert would find the transaction already holding an id without it. One round trip
    // for all of it: a query without parameters goes as a simple query, which may hold several
    // statements.
    in_transaction!(
        connection,
        BEGIN_POSTGRES,
        insert_act_by_act_postgres(connection, group)
    )
}

async fn insert_act_by_act_postgres(
    connection: &mut PgConnection,
    group: &[Submission],
) -> Result<HashSet<u64>, sqlx::Error> {
    act_by_act!(connection, group, insert_all_postgres)
}

/// Inserted only as its negotiation's first event or after a stored one, as on PostgreSQL.
const INSERT_SQLITE: &str = "
INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
SELECT $1, $2, $3, $4, $5, $6, $7
 WHERE $3 = 1
    OR EXISTS (SELECT 1 FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence = $3 - 1)";

/// Inserts the group in one transaction on SQLite, act by act under savepoints (statements are
/// calls within the process, not round trips); returns the acts that lost a race.
async fn insert_sqlite(
    connection: &mut SqliteConnection,
    group: &[Submission],
) -> Result<HashSet<u64>, sqlx::Error> {
    // IMMEDIATE: the write lock is taken at once, so a busy database is waited for here (the
    // busy timeout) rather than failing the first insert after a read.
    in_transaction!(
        connection,
        "BEGIN IMMEDIATE",
        insert_group_sqlite(connection, group)
    )
}

async fn insert_group_sqlite(
    connection: &mut SqliteConnection,
    group: &[Submission],
) -> Result<HashSet<u64>, sqlx::Error> {
    act_by_act!(connection, group, insert_all_sqlite)
}

/// Inserts `events`, in order, on SQLite: one statement each.
async fn insert_all_sqlite<'e>(
    connection: &mut SqliteConnection,
    events: impl Iterator<Item = &'e SerializedEvent>,
) -> Result<Inserted, sqlx::Error> {
    for event in events {
        let inserted = sqlx::query(INSERT_SQLITE)
            .bind(&event.aggregate_type)
            .bind(&event.aggregate_id)
            .bind(i64::try_from(event.sequence).unwrap_or(i64::MAX))
            .bind(&event.event_type)
            .bind(&event.event_version)
            .bind(&event.payload)
            .bind(&event.metadata)
            .execute(&mut *connection)
            .await?
            .rows_affected();
        if inserted == 0 {
            return Ok(Inserted::AfterAGap);
        }
    }
    Ok(Inserted::Every)
}

/// Whether `submission` was built on an act of this group that failed.
fn depends_on_failed(submission: &Submission, failed: &HashSet<u64>) -> bool {
    submission
        .after
        .as_ref()
        .is_some_and(|after| failed.contains(&after.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_takes_the_event_writers_lock() {
        let key = crate::store::database::EVENT_WRITERS_LOCK_KEY.to_string();
        assert!(BEGIN_POSTGRES.contains(&format!("pg_advisory_xact_lock_shared({key})")));
    }
}
