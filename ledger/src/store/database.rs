//! The two databases Pacta runs on, chosen by URL: embedded SQLite (the default, no server) and
//! PostgreSQL (production). Connecting migrates the schema, so a fresh database just works.
//!
//! Besides what cqrs-es's repositories do, this module reads the whole ledger in commit order
//! (projections and the audit journal consume that) and lists the negotiations.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use cqrs_es::persist::SerializedEvent;
use serde_json::Value;
use sqlx::pool::PoolOptions;
use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqliteRow, SqliteSynchronous,
};
use sqlx::Row;

use super::lookups::Lookups;

/// The last sequence of one aggregate (`Database::last_sequence`), asked on every read of the
/// present. Written as the first row of a backward walk of the primary key, not as `MAX`: with
/// statistics taken while the negotiation was short, PostgreSQL planned `MAX` as an aggregate
/// over every event of the negotiation, each fetched from the heap, so this lookup grew with the
/// negotiation (900 heap fetches a read at 900 events). No plan of this form reads more than the
/// rows it skips at the top of the index. Public so that a test can check the plan.
pub const LAST_SEQUENCE_SQL: &str = "SELECT sequence FROM events \
     WHERE aggregate_type = $1 AND aggregate_id = $2 ORDER BY sequence DESC LIMIT 1";

/// The global position of the last visible event (`Database::last_position`), written as
/// `LAST_SEQUENCE_SQL` is, for the same reason.
pub const LAST_POSITION_SQL: &str =
    "SELECT global_position FROM events ORDER BY global_position DESC LIMIT 1";

/// Connections per pool for the CLI and the tests.
pub const DEFAULT_POOL_CONNECTIONS: u32 = 16;
pub const CONNECT_TIMEOUT_MS: u64 = 5_000;
/// How long a SQLite writer waits for the single write lock before giving up.
pub const SQLITE_BUSY_TIMEOUT_MS: u64 = 10_000;
/// What a store that cannot be opened most likely lacks, after the error.
const POSTGRES_CONNECT_HINT: &str = "; is PostgreSQL running and the database created?";
/// The advisory lock that orders event writers and commit-order readers on PostgreSQL
/// (`commit_horizon`): the bytes of "pacta:ev". `migrations/postgres/0008_event_writers.sql`
/// names the same number.
pub const EVENT_WRITERS_LOCK_KEY: i64 = 0x7061_6374_613a_6576;
/// The channel on which PostgreSQL writers announce committed events (`Database::announce_new_events`).
pub const NEW_EVENTS_CHANNEL: &str = "pacta_new_events";
/// How long a commit-order reader waits for the transactions writing events at that moment to
/// end. They commit within milliseconds; past this one is stuck, and the reader stops waiting
/// (see `commit_horizon`), so that the acts queued behind its lock request go on.
pub const EVENT_WRITERS_WAIT_MS: u64 = 2_000;
const SQLITE_CONNECT_HINT: &str = "; check that the directory exists and is writable";
const SQLITE_READ_ONLY_HINT: &str = "; check that the file exists and is readable";
const SQLITE_READ_ONLY_WAL_HINT: &str = "; its last commits are in its -wal file, which SQLite reads only where it may create the -shm file beside it: open it once where it is writable, or copy the three files to a writable directory";

#[derive(Clone, Debug)]
pub enum Database {
    /// The pool, and the connections kept out of it for lookups (`super::lookups`).
    Postgres(PgPool, Arc<Lookups>),
    Sqlite(SqlitePool),
}

/// A failure of the store. Every URL in it is `redacted_url`'s, never the one given: errors are
/// printed and logged, and a store URL may carry a password.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error(
        "unsupported store URL '{0}': use sqlite://FILE (embedded) or postgres://USER@HOST/DB"
    )]
    UnsupportedUrl(String),
    #[error("cannot open the store at '{url}': {source}{hint}")]
    Connect {
        url: String,
        source: sqlx::Error,
        hint: &'static str,
    },
    #[error("cannot migrate the schema of '{url}': {source}")]
    Migrate {
        url: String,
        source: sqlx::migrate::MigrateError,
    },
    #[error("the event store failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error(transparent)]
    Journal(#[from] JournalDamage),
    #[error(transparent)]
    Token(#[from] TokenRefusal),
    #[error(transparent)]
    Person(#[from] super::PersonRefusal),
}

/// The journal's tables contradict themselves: never built on.
#[derive(Debug, thiserror::Error)]
pub enum JournalDamage {
    #[error("journal leaf {index} is missing or malformed: the journal has been altered")]
    LeafMissing { index: u64 },
    #[error("the journal holds {held} leaves, fewer than {tree_size}")]
    TooFewLeaves { held: u64, tree_size: u64 },
    #[error("the journal's frontier at size {tree_size} is malformed: {source}")]
    MalformedFrontier {
        tree_size: u64,
        source: pacta_verify::journal::JournalError,
    },
    #[error("checkpoints of this ledger are signed with key {recorded}, not {given}")]
    ForeignLedgerKey { recorded: String, given: String },
    #[error("the journal's frontier cannot be extended: {0}")]
    Frontier(pacta_verify::journal::JournalError),
}

/// A token the store will not issue.
#[derive(Debug, thiserror::Error)]
pub enum TokenRefusal {
    #[error("no randomness from the operating system: {0}")]
    NoRandomness(getrandom::Error),
    #[error("the token label is {bytes} bytes; the limit is {max_token_label_bytes} bytes")]
    LabelTooLong {
        bytes: usize,
        max_token_label_bytes: usize,
    },
    #[error(
        "the token label contains the control character U+{code_point:04X}; a label is one line"
    )]
    LabelControlCharacter { code_point: u32 },
}

/// A reader's place in the commit order. On PostgreSQL it is the pair (writing transaction id,
/// global position); on SQLite the transaction id is always 0 and the position alone orders.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct CommitCursor {
    pub transaction_id: i64,
    pub global_position: i64,
}

#[derive(Clone, Debug)]
pub struct CommittedEvent {
    pub cursor: CommitCursor,
    pub event: SerializedEvent,
}

impl Database {
    pub async fn connect(url: &str) -> Result<Database, StoreError> {
        Self::connect_with_pool(url, DEFAULT_POOL_CONNECTIONS).await
    }

    /// Connects with at most `max_connections` connections, e.g. one per concurrent writer.
    pub async fn connect_with_pool(
        url: &str,
        max_connections: u32,
    ) -> Result<Database, StoreError> {
        let connect_error = |source, hint| StoreError::Connect {
            url: redacted_url(url),
            source,
            hint,
        };
        let database = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let pool = pool_options(max_connections, CONNECT_TIMEOUT_MS)
                .connect(url)
                .await
                .map_err(|e| connect_error(e, POSTGRES_CONNECT_HINT))?;
            Database::Postgres(pool, Default::default())
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| connect_error(e, ""))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // An act is acknowledged once its transaction commits. With WAL, NORMAL syncs
                // only at checkpoints, so a power loss can take back commits already answered;
                // FULL syncs the WAL at every commit, so an acknowledged act survives it.
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_millis(SQLITE_BUSY_TIMEOUT_MS))
                // INSERT OR REPLACE deletes the row it replaces; with recursive triggers on, that
                // delete meets the append-only trigger like any other.
                .pragma("recursive_triggers", "ON");
            let pool = pool_options(max_connections, SQLITE_BUSY_TIMEOUT_MS)
                .connect_with(options)
                .await
                .map_err(|e| connect_error(e, SQLITE_CONNECT_HINT))?;
            Database::Sqlite(pool)
        } else {
            return Err(StoreError::UnsupportedUrl(redacted_url(url)));
        };
        let migrated = match &database {
            Database::Postgres(pool, _) => sqlx::migrate!("./migrations/postgres").run(pool).await,
            Database::Sqlite(pool) => sqlx::migrate!("./migrations/sqlite").run(pool).await,
        };
        migrated.map_err(|source| StoreError::Migrate {
            url: redacted_url(url),
            source,
        })?;
        Ok(database)
    }

    /// Opens an existing store to read it only: no migration, no file created, nothing written,
    /// for `pacta verify` and the reads that need no stored view brought up to date.
    ///
    /// PostgreSQL: every transaction of these connections is read-only
    /// (`default_transaction_read_only`), so the server itself refuses a write.
    ///
    /// SQLite: the file is opened read-only (`mode=ro`), never created. A read-only connection
    /// to a WAL database still creates the `-wal` and `-shm` files beside it, and cannot in a
    /// read-only directory. When there is no `-wal` file, no connection has the database open
    /// (the last one to close removes it) and every commit is in the file itself, so it is
    /// opened `immutable=1`: no lock, no `-wal`, no `-shm`, neither the file's bytes nor its
    /// times touched, and a read-only directory is no obstacle. (A writer that opens it during
    /// the read writes to its own `-wal`; only a checkpoint of a thousand pages or more during
    /// the read could change the file under it.) With a `-wal` file the database is opened
    /// `mode=ro` alone, through the files that exist; where that fails because the `-shm` file
    /// cannot be created (a read-only directory), an empty `-wal` falls back to `immutable=1`,
    /// but one holding commits cannot: an immutable open does not read it, and would verify a
    /// ledger without its last acts.
    pub async fn connect_read_only(url: &str) -> Result<Database, StoreError> {
        let connect_error = |source, hint| StoreError::Connect {
            url: redacted_url(url),
            source,
            hint,
        };
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = sqlx::postgres::PgConnectOptions::from_str(url)
                .map_err(|e| connect_error(e, ""))?
                .options([("default_transaction_read_only", "on")]);
            let pool = pool_options(DEFAULT_POOL_CONNECTIONS, CONNECT_TIMEOUT_MS)
                .connect_with(options)
                .await
                .map_err(|e| connect_error(e, POSTGRES_CONNECT_HINT))?;
            Ok(Database::Postgres(pool, Default::default()))
        } else if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| connect_error(e, ""))?
                .read_only(true)
                .create_if_missing(false)
                .busy_timeout(Duration::from_millis(SQLITE_BUSY_TIMEOUT_MS));
            let mut wal = options.get_filename().as_os_str().to_owned();
            wal.push("-wal");
            let wal_bytes = std::fs::metadata(&wal).ok().map(|m| m.len());
            let connect = |immutable| {
                pool_options(DEFAULT_POOL_CONNECTIONS, SQLITE_BUSY_TIMEOUT_MS)
                    .connect_with(options.clone().immutable(immutable))
            };
            let pool = match wal_bytes {
                None => connect(true)
                    .await
                    .map_err(|e| connect_error(e, SQLITE_READ_ONLY_HINT))?,
                Some(bytes) => match connect(false).await {
                    Ok(pool) => pool,
                    Err(_) if bytes == 0 => connect(true)
                        .await
                        .map_err(|e| connect_error(e, SQLITE_READ_ONLY_HINT))?,
                    Err(e) => return Err(connect_error(e, SQLITE_READ_ONLY_WAL_HINT)),
                },
            };
            Ok(Database::Sqlite(pool))
        } else {
            Err(StoreError::UnsupportedUrl(redacted_url(url)))
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Database::Postgres(_, _) => "PostgreSQL",
            Database::Sqlite(_) => "SQLite",
        }
    }

    /// Every negotiation in the ledger, in order of id.
    pub async fn aggregate_ids(&self, aggregate_type: &str) -> Result<Vec<String>, StoreError> {
        const QUERY: &str = "SELECT DISTINCT aggregate_id FROM events WHERE aggregate_type = $1 ORDER BY aggregate_id";
        Ok(fetch!(
            self,
            fetch_all,
            sqlx::query_scalar(QUERY).bind(aggregate_type)
        ))
    }

    /// Up to `limit` committed events after `after`, in commit order.
    ///
    /// On PostgreSQL a `bigserial` is drawn when a row is inserted, not when its transaction
    /// commits, so a reader that simply followed positions could pass position 7 while the
    /// transaction holding position 6 was still open, and never see 6. This reader only returns
    /// events whose transaction id is below a horizon that every event-writing transaction still
    /// running, or yet to begin, has or will have an id at or above (`commit_horizon`): the rows
    /// below it are final, so nothing can appear behind the cursor later. Ordering by
    /// (transaction id, position) keeps each transaction's events together and in order. The
    /// ORDER BY names the table's columns: the bare name would be the output column, the id cast
    /// to bigint, which no index serves, and every batch would sort the whole table.
    pub async fn read_committed(
        &self,
        after: CommitCursor,
        limit: usize,
    ) -> Result<Vec<CommittedEvent>, StoreError> {
        const QUERY_PG: &str = "
SELECT transaction_id::text::bigint AS transaction_id, global_position,
       aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
  FROM events
 WHERE (transaction_id, global_position) > ($1::text::xid8, $2)
   AND transaction_id < $3::text::xid8
 ORDER BY events.transaction_id, events.global_position
 LIMIT $4";
        const QUERY_SQLITE: &str = "
SELECT 0 AS transaction_id, global_position,
       aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
  FROM events
 WHERE global_position > ?
 ORDER BY global_position
 LIMIT ?";
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        Ok(match self {
            Database::Postgres(pool, _) => {
                let horizon = commit_horizon(pool).await?;
                sqlx::query_as(QUERY_PG)
                    .bind(after.transaction_id.to_string())
                    .bind(after.global_position)
                    .bind(horizon.to_string())
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
            }
            Database::Sqlite(pool) => {
                sqlx::query_as(QUERY_SQLITE)
                    .bind(after.global_position)
                    .bind(limit)
                    .fetch_all(pool)
                    .await?
            }
        })
    }

    /// How many events the ledger holds.
    pub async fn count_events(&self) -> Result<u64, StoreError> {
        self.count("SELECT count(*) FROM events").await
    }

    /// Tells the processes listening (`crate::new_events`) that events were committed: on
    /// PostgreSQL a notification on `NEW_EVENTS_CHANNEL`, sent in a transaction of its own after
    /// the events' commit. Not from a trigger inside the events' transaction: a transaction that
    /// notifies holds one lock for the whole database through its commit, flush included, so
    /// every event writer would wait for every other's flush. A wake-up, not a record: a failure
    /// is left to the listeners' fallback poll. SQLite has no notifications: nothing is sent.
    pub async fn announce_new_events(&self) {
        if let Database::Postgres(pool, _) = self {
            let sent = sqlx::query("SELECT pg_notify($1, '')")
                .bind(NEW_EVENTS_CHANNEL)
                .execute(pool)
                .await;
            if let Err(error) = sent {
                tracing::debug!("new events committed, but not announced: {error}");
            }
        }
    }

    /// The global position of the last visible event; 0 for an empty ledger.
    pub async fn last_position(&self) -> Result<i64, StoreError> {
        let last: Option<i64> = fetch!(self, fetch_optional, sqlx::query_scalar(LAST_POSITION_SQL));
        Ok(last.unwrap_or(0))
    }

    /// The sequence of the last committed event of one aggregate; 0 when it has none. One
    /// lookup in the events' primary key, cheap enough to poll: a live page asks it several
    /// times a second and loads the events only when it changes. Sequences of one aggregate
    /// commit in order (each writer appends after the last it read), so the answer only grows.
    pub async fn last_sequence(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
    ) -> Result<usize, StoreError> {
        let last: Option<i64> = fetch!(
            self,
            fetch_optional,
            sqlx::query_scalar(LAST_SEQUENCE_SQL)
                .bind(aggregate_type)
                .bind(aggregate_id)
        );
        Ok(last.map_or(0, |last| usize::try_from(last).unwrap_or(0)))
    }

    /// The number a `SELECT count(*)` query without parameters returns.
    pub(super) async fn count(&self, query: &'static str) -> Result<u64, StoreError> {
        let count: i64 = fetch!(self, fetch_one, sqlx::query_scalar(query));
        Ok(count.max(0) as u64)
    }

    /// One negotiation's stored events before `before_sequence`, in sequence order, unverified.
    pub async fn read_stream_before(
        &self,
        aggregate_id: &str,
        before_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, StoreError> {
        const QUERY: &str = "
SELECT CAST(0 AS BIGINT) AS transaction_id, CAST(0 AS BIGINT) AS global_position,
       aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata
  FROM events
 WHERE aggregate_id = $1 AND sequence < $2
 ORDER BY sequence";
        let before = i64::try_from(before_sequence).unwrap_or(i64::MAX);
        let events: Vec<CommittedEvent> = fetch!(
            self,
            fetch_all,
            sqlx::query_as(QUERY).bind(aggregate_id).bind(before)
        );
        Ok(events.into_iter().map(|e| e.event).collect())
    }
}

/// The PostgreSQL reader's horizon: a transaction id such that every transaction that wrote or
/// will write events with a lower id has ended, so the rows below it are final.
///
/// Every transaction inserting events first takes the advisory lock `EVENT_WRITERS_LOCK_KEY`
/// in shared mode: a statement trigger on `events` takes it before the INSERT writes anything,
/// hence before the transaction has an id, and refuses an INSERT in a transaction that already
/// has one without the lock (`migrations/postgres/0008_event_writers.sql`). The reader takes
/// the same lock exclusively, in a short READ COMMITTED transaction of its own, then reads
/// `pg_snapshot_xmax` in a statement whose snapshot is taken after the lock was granted:
/// - a writer with an id below that xmax got its id before the snapshot, so it held the shared
///   lock before the reader was granted the exclusive one, and released it before: it has
///   ended, and locks are released only after a commit is visible to every later snapshot;
/// - a writer that takes the lock after the reader releases it gets its id after the snapshot,
///   at or above xmax.
///
/// So the reader waits only for transactions writing events at that moment (milliseconds),
/// never for unrelated ones: a `pg_dump`, a session idle in a transaction, another database.
/// An advisory lock rather than a table lock: every table lock mode that conflicts with the
/// writers' ROW EXCLUSIVE also conflicts with the SHARE UPDATE EXCLUSIVE of (auto)VACUUM and
/// ANALYZE, so the reader would wait behind a vacuum of `events`, and new writers behind it.
///
/// When event writers hold the lock longer than `EVENT_WRITERS_WAIT_MS` (a writer stuck in its
/// transaction), the reader falls back to the horizon that needs no lock, the oldest
/// transaction still running on the server (`pg_snapshot_xmin`): below it every transaction
/// has ended. It is behind the stuck writer, so the reader stays behind and reads it later.
async fn commit_horizon(pool: &PgPool) -> Result<i64, sqlx::Error> {
    const XMAX: &str = "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint";
    const XMIN: &str = "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";
    // PostgreSQL's lock_not_available, raised when lock_timeout expires.
    const LOCK_NOT_AVAILABLE: &str = "55P03";
    let mut tx = begin_whole(pool, "BEGIN ISOLATION LEVEL READ COMMITTED").await?;
    sqlx::query("SELECT set_config('lock_timeout', $1, true)")
        .bind(format!("{EVENT_WRITERS_WAIT_MS}ms"))
        .execute(&mut *tx)
        .await?;
    let locked = sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(EVENT_WRITERS_LOCK_KEY)
        .execute(&mut *tx)
        .await;
    match locked {
        Ok(_) => {
            let horizon = sqlx::query_scalar(XMAX).fetch_one(&mut *tx).await?;
            tx.commit().await?;
            Ok(horizon)
        }
        Err(sqlx::Error::Database(error))
            if error.code().as_deref() == Some(LOCK_NOT_AVAILABLE) =>
        {
            tx.rollback().await?;
            sqlx::query_scalar(XMIN).fetch_one(pool).await
        }
        Err(error) => Err(error),
    }
}

/// `pool.begin_with(statement)`, begun in a task of its own so that it is never cut short.
///
/// sqlx 0.8 counts a transaction as open only once the server has answered its `BEGIN`
/// (`PgTransactionManager::begin`): a caller dropped while it waits for that answer (a
/// projector's read-ahead stopped, a request whose client left) queues no `ROLLBACK`, and the
/// connection goes back to the pool inside a transaction that never ends, holding every lock
/// the statements run on it later take (seen: a rebuild's `TRUNCATE` waiting forever). Begun
/// here, the transaction is handed over whole; if its caller is gone by then, it is dropped
/// and rolled back like any other.
pub(crate) async fn begin_whole<DB: sqlx::Database>(
    pool: &sqlx::Pool<DB>,
    statement: &'static str,
) -> Result<sqlx::Transaction<'static, DB>, sqlx::Error> {
    let pool = pool.clone();
    tokio::spawn(async move { pool.begin_with(statement).await })
        .await
        .map_err(|_| sqlx::Error::WorkerCrashed)?
}

/// A pool of at most `max_connections`, where waiting longer than `acquire_timeout_ms` for a
/// connection fails.
///
/// A connection is not pinged each time it is taken from the pool (sqlx's default): that is a
/// round trip before every statement, as long as the statement itself for the small ones an act
/// makes. A connection the server dropped (a restart) fails the one statement sent on it with a
/// storage error, which writes nothing, and is then closed; the next use opens a new one.
fn pool_options<DB: sqlx::Database>(
    max_connections: u32,
    acquire_timeout_ms: u64,
) -> PoolOptions<DB> {
    PoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_millis(acquire_timeout_ms))
        .test_before_acquire(false)
}

/// What a password in a store URL is shown as.
const REDACTED: &str = "***";

/// `url` fit to print or log: the password (`postgres://user:secret@host/db`, or a `password`
/// query parameter) replaced by `***`. A URL that cannot be parsed is shown only by its scheme,
/// since where its password would be cannot be told.
pub(crate) fn redacted_url(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        let scheme = url.split_once(':').map_or("", |(scheme, _)| scheme);
        let scheme = if scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            scheme
        } else {
            ""
        };
        return format!("{scheme}:{REDACTED} (not a well-formed URL)");
    };
    if parsed.password().is_some() {
        // Only a URL that cannot have a password refuses one, and this one has one.
        let _ = parsed.set_password(Some(REDACTED));
    }
    if parsed
        .query_pairs()
        .any(|(key, _)| is_secret_parameter(&key))
    {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(key, value)| {
                let value = if is_secret_parameter(&key) {
                    REDACTED.to_string()
                } else {
                    value.into_owned()
                };
                (key.into_owned(), value)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// A query parameter of a store URL that carries a secret (`password`, `sslpassword`).
fn is_secret_parameter(key: &str) -> bool {
    key.to_ascii_lowercase().contains("password")
}

/// The same PostgreSQL server URL with another database name: `postgres://u@h/a?x` → `…/b?x`.
pub fn postgres_url_with_database(server_url: &str, database: &str) -> String {
    let (base, query) = server_url
        .split_once('?')
        .map_or((server_url, None), |(b, q)| (b, Some(q)));
    let authority_end = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_end..]
        .find('/')
        .map_or(base.len(), |i| authority_end + i);
    let mut url = format!("{}/{database}", &base[..path_start]);
    if let Some(query) = query {
        url.push('?');
        url.push_str(query);
    }
    url
}

/// A row of the events table with its place in the commit order, as the queries above select it.
macro_rules! committed_event_from_row {
    ($row:ty) => {
        impl sqlx::FromRow<'_, $row> for CommittedEvent {
            fn from_row(row: &$row) -> Result<CommittedEvent, sqlx::Error> {
                let sequence: i64 = row.try_get("sequence")?;
                Ok(CommittedEvent {
                    cursor: CommitCursor {
                        transaction_id: row.try_get("transaction_id")?,
                        global_position: row.try_get("global_position")?,
                    },
                    event: SerializedEvent::new(
                        row.try_get("aggregate_id")?,
                        usize::try_from(sequence).unwrap_or(0),
                        row.try_get("aggregate_type")?,
                        row.try_get("event_type")?,
                        row.try_get("event_version")?,
                        row.try_get::<Value, _>("payload")?,
                        row.try_get::<Value, _>("metadata")?,
                    ),
                })
            }
        }
    };
}

committed_event_from_row!(PgRow);
committed_event_from_row!(SqliteRow);

#[cfg(test)]
mod tests {
    use super::{
        postgres_url_with_database, redacted_url, Database, StoreError, EVENT_WRITERS_LOCK_KEY,
    };

    #[test]
    fn redacts_passwords_and_keeps_the_rest() {
        assert_eq!(
            redacted_url("postgres://user:secret@host:5432/db?sslmode=disable"),
            "postgres://user:***@host:5432/db?sslmode=disable"
        );
        assert_eq!(
            redacted_url("postgresql://user@host/db?password=secret&application_name=pacta"),
            "postgresql://user@host/db?password=***&application_name=pacta"
        );
        assert_eq!(
            redacted_url("postgres://user@host/db"),
            "postgres://user@host/db"
        );
        assert_eq!(redacted_url("sqlite://pacta.db"), "sqlite://pacta.db");
        // A password that breaks the URL's syntax is not echoed either.
        let unparsable = redacted_url("postgres://user:sec ret@host:port/db");
        assert!(!unparsable.contains("sec"), "{unparsable}");
        assert!(unparsable.starts_with("postgres:"), "{unparsable}");
    }

    #[tokio::test]
    async fn errors_never_show_the_password() {
        let error = Database::connect("mysql://user:s3cret-pw@host/db")
            .await
            .expect_err("an unsupported store");
        assert!(matches!(error, StoreError::UnsupportedUrl(_)));
        let message = error.to_string();
        assert!(!message.contains("s3cret-pw"), "{message}");
        assert!(message.contains("mysql://user:***@host/db"), "{message}");
    }

    /// An acknowledged act survives a power loss: SQLite syncs the WAL at every commit
    /// (`PRAGMA synchronous` answers 2, FULL), on every pooled connection.
    #[tokio::test]
    async fn sqlite_syncs_every_commit() {
        let path = std::env::temp_dir().join(format!(
            "pacta-synchronous-{}-{}.db",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        let url = format!("sqlite://{}", path.display());
        let Database::Sqlite(pool) = Database::connect(&url).await.expect("open SQLite") else {
            panic!("{url} opens SQLite");
        };
        let mut connections = Vec::new();
        for _ in 0..3 {
            let mut connection = pool.acquire().await.expect("a connection");
            let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
                .fetch_one(&mut *connection)
                .await
                .expect("read PRAGMA synchronous");
            assert_eq!(synchronous, 2, "FULL");
            let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
                .fetch_one(&mut *connection)
                .await
                .expect("read PRAGMA journal_mode");
            assert_eq!(journal_mode, "wal");
            connections.push(connection);
        }
        drop(connections);
        pool.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }

    /// The writers' trigger and the reader take the same lock.
    #[test]
    fn event_writers_take_the_readers_lock() {
        let migration = include_str!("../../migrations/postgres/0008_event_writers.sql");
        let shared = format!("pg_advisory_xact_lock_shared({EVENT_WRITERS_LOCK_KEY})");
        assert!(migration.contains(&shared), "{shared}");
    }

    #[test]
    fn swaps_only_the_database_name() {
        assert_eq!(
            postgres_url_with_database("postgres://u@h:5432/test", "b"),
            "postgres://u@h:5432/b"
        );
        assert_eq!(
            postgres_url_with_database("postgres://u@h", "b"),
            "postgres://u@h/b"
        );
        assert_eq!(
            postgres_url_with_database("postgresql://u@h/a?sslmode=disable", "b"),
            "postgresql://u@h/b?sslmode=disable"
        );
    }
}
