//! Storage: the chained event store, and the databases it runs on.

mod chained;
mod database;
mod journal;

pub use chained::{ChainedContext, ChainedEventStore, LoadError};
pub use database::{
    postgres_url_with_database, CommitCursor, CommittedEvent, Database, StoreError,
};
pub use journal::{Cosignature, StoredCheckpoint};
