//! Storage: the chained event store, and the databases it runs on.

/// Runs the same sqlx code on whichever pool the database has: the SQL is the same on both.
macro_rules! on_pool {
    ($database:expr, |$pool:ident| $body:expr) => {
        match $database {
            Database::Postgres($pool, _) => $body,
            Database::Sqlite($pool) => $body,
        }
    };
}

/// Runs one query on whichever pool the database holds and fetches its result with `$fetch`
/// (`fetch_one`, `fetch_optional` or `fetch_all`):
/// `fetch!(self, fetch_all, sqlx::query_as(SQL).bind(x))`.
///
/// On PostgreSQL the statement runs on a connection kept for lookups (`lookups`), which skips
/// the round trip sqlx adds when a connection goes back to its pool.
macro_rules! fetch {
    ($database:expr, $fetch:ident, $query:expr) => {
        match $database {
            Database::Postgres(pool, lookups) => {
                let mut connection = lookups.take(pool).await?;
                let fetched = $query.$fetch(&mut *connection).await?;
                lookups.give_back(connection, pool);
                fetched
            }
            Database::Sqlite(pool) => $query.$fetch(pool).await?,
        }
    };
}

mod chained;
mod database;
mod group_commit;
mod journal;
mod lookups;
mod persons;
mod tokens;

pub use chained::{ChainedContext, ChainedEventStore, Checked, LoadError, RecordedCommand, Sealed};
pub(crate) use database::begin_whole;
pub use database::{
    postgres_url_with_database, CommitCursor, CommittedEvent, Database, JournalDamage, StoreError,
    TokenRefusal, LAST_POSITION_SQL, LAST_SEQUENCE_SQL, NEW_EVENTS_CHANNEL,
};
pub use group_commit::{
    CommitFailure, GroupCommitter, Ticket, MAX_ACTS_PER_GROUP, MAX_ACTS_QUEUED,
    MIN_ANNOUNCEMENT_INTERVAL_MS,
};
pub use journal::LeafRow;
pub use lookups::{kept_at_most, Lookups};
pub use persons::{PartyBinding, PersonAdded, PersonRecord, PersonRefusal};
pub use tokens::{
    IssuedToken, SessionRecord, TokenRecord, KIND_SESSION, KIND_TOKEN, MAX_TOKEN_LABEL_BYTES,
    SESSION_PREFIX, TOKEN_ID_BYTES, TOKEN_PREFIX, TOKEN_SECRET_BYTES,
};
