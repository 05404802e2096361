//! Stored views: the catch-up projector that keeps the view tables in step with the ledger, and
//! the reads served from them.
//!
//! The projector reads the ledger in commit order (`Database::read_committed`), verifies each
//! event's link in its negotiation's chain, folds it (`pacta_projections::NegotiationFold`) and
//! writes what changed. Each view has a checkpoint, the commit-order cursor of the last event it
//! covers, and every batch writes the view rows and the advanced checkpoints in one transaction
//! that first locks the checkpoints. So a view never misses an event and never applies one twice:
//! if the process dies after an event's commit, the event is simply past the checkpoint and the
//! next catch-up applies it; if it dies mid-batch, the transaction rolls back whole. Concurrent
//! projectors queue on the lock, and the second finds the work done. The kill tests check both
//! deaths on a real process, SIGKILLed at the failpoints `projector-batch-uncommitted` and
//! `projector-batch-committed` (compiled in only with the `failpoints` feature).
//!
//! cqrs-es's own queries run after the commit outside its transaction and swallow failures, which
//! is why views are kept here rather than as cqrs-es queries.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cqrs_es::persist::SerializedEvent;
use cqrs_es::{Aggregate, EventEnvelope};
use pacta_domain::{Negotiation, NegotiationEvent};
use pacta_projections::{HistoryEntry, NegotiationFold, OutOfSequence};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::store::{CommitCursor, CommittedEvent, Database, JournalDamage, StoreError};
use pacta_verify::chain::{self, ChainError, ChainHead, ChainProblem, Seal};
use pacta_verify::journal::{self, Frontier, JournalError};

/// Events read, folded and written per transaction: large enough that a rebuild is not dominated
/// by round trips, small enough that a transaction holds its locks for well under a second.
pub const CATCH_UP_BATCH_EVENTS: usize = 2_000;
/// Negotiations whose folded state the projector keeps between batches. Past this the cache is
/// dropped before the next batch (never during one: a batch renders the documents of every
/// negotiation it touched) and states are re-read from the store as needed.
pub const MAX_CACHED_FOLDS: usize = 10_000;
/// How long a read waits for the views to cover every event committed before it. Only PostgreSQL
/// ever waits: its commit-order reader holds events back while a transaction writing events is
/// still open (see `Database::read_committed`), which takes milliseconds, unless one stays open:
/// then reads fail with `ViewError::Behind` after waiting this long with no event applied.
/// Transactions that write no events (a `pg_dump`, another database) hold nothing back.
pub const FRESHNESS_TIMEOUT_MS: u64 = 10_000;
const FRESHNESS_POLL_MS: u64 = 5;
/// Timeline rows per INSERT: 3 parameters each, far below either database's parameter limit.
const TIMELINE_ROWS_PER_INSERT: usize = 1_000;
/// Journal leaves per INSERT: 4 parameters each, far below either database's parameter limit.
const JOURNAL_ROWS_PER_INSERT: usize = 1_000;

/// What a process stopped at a failpoint says on stderr, followed by the failpoint's name: the
/// kill tests wait for this line, then SIGKILL the process where it stands.
pub const STOPPED_AT_FAILPOINT: &str = "pacta: stopped at failpoint";

/// Stops the process for good at a failpoint configured `return` (in the `FAILPOINTS`
/// variable), after saying so on stderr: the kill tests' way to SIGKILL a real process at a
/// known point. Compiled in only with the `failpoints` feature, which no shipped build has.
#[cfg(feature = "failpoints")]
pub fn stop_at_failpoint(name: &str) -> ! {
    eprintln!("{STOPPED_AT_FAILPOINT} {name}");
    loop {
        std::thread::park();
    }
}

/// A failpoint where the kill tests stop the projector (see `stop_at_failpoint`); nothing at all
/// without the `failpoints` feature.
macro_rules! stop_point {
    ($name:literal) => {
        fail::fail_point!($name, |_| stop_at_failpoint($name))
    };
}

/// The stored views, by the name `pacta projections` uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum View {
    /// One entry per negotiation: the negotiation list.
    Index,
    /// The current draft of each negotiation.
    Draft,
    /// The state of each agreement and its revisions.
    Agreement,
    /// Every event with its hash, for the history and the audit log.
    Timeline,
    /// The leaves of the ledger's Merkle tree (`pacta_verify::journal`): one per event, in commit order.
    /// Not a disposable view: checkpoints sign its roots, so it is never emptied or rebuilt.
    Journal,
}

impl View {
    /// The disposable views: what `pacta projections rebuild` recreates when no view is named.
    pub const ALL: [View; 4] = [View::Index, View::Draft, View::Agreement, View::Timeline];
    /// Every follower of the commit-order reader, the journal included.
    pub const EVERY: [View; 5] = [
        View::Index,
        View::Draft,
        View::Agreement,
        View::Timeline,
        View::Journal,
    ];

    pub fn name(self) -> &'static str {
        match self {
            View::Index => "index",
            View::Draft => "draft",
            View::Agreement => "agreement",
            View::Timeline => "timeline",
            View::Journal => "journal",
        }
    }

    fn document(self, fold: &NegotiationFold) -> Option<String> {
        let json = match self {
            View::Index => serde_json::to_string(&fold.index_entry()),
            View::Draft => serde_json::to_string(&fold.draft()),
            View::Agreement => serde_json::to_string(&fold.agreement()),
            View::Timeline | View::Journal => return None,
        };
        Some(json.expect("invariant: views serialise to JSON"))
    }
}

impl std::str::FromStr for View {
    type Err = ViewError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        View::EVERY
            .into_iter()
            .find(|view| view.name() == name)
            .ok_or_else(|| ViewError::UnknownView(name.to_string()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the view tables failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("{0}; the views stay at their last checkpoint, before this event: run `pacta verify` to see what changed")]
    Integrity(#[from] ChainError),
    #[error("event {sequence} of negotiation '{negotiation_id}' is not a negotiation event this version reads ({reason}); the views stop before it")]
    Undecodable {
        negotiation_id: String,
        sequence: usize,
        reason: String,
    },
    #[error("{0}; the views were left as they were")]
    OutOfSequence(#[from] OutOfSequence),
    #[error("the views still miss {missing} of the events committed before this read after {waited_ms} ms: a transaction writing events has stayed open and holds the ledger reader back; end it (see pg_stat_activity and pg_locks) and retry")]
    Behind { missing: u64, waited_ms: u64 },
    #[error("the events table holds a '{0}' event, which this version does not know; the views stop before it")]
    ForeignAggregate(String),
    #[error("no view is called '{0}' (views: index, draft, agreement, timeline, journal)")]
    UnknownView(String),
    #[error("the journal is never rebuilt: checkpoints sign its roots, and its leaves only ever grow (rebuild index, draft, agreement or timeline)")]
    JournalNotRebuilt,
    #[error("the stored {view} view of '{negotiation_id}' cannot be read ({reason}); run `pacta projections rebuild {view}`")]
    Unreadable {
        view: &'static str,
        negotiation_id: String,
        reason: String,
    },
}

impl ViewError {
    /// True when the ledger's record is at fault rather than the database or the request:
    /// a broken chain, an event this version cannot read, a history out of sequence.
    pub fn is_integrity(&self) -> bool {
        match self {
            ViewError::Integrity(_)
            | ViewError::Undecodable { .. }
            | ViewError::OutOfSequence(_)
            | ViewError::ForeignAggregate(_) => true,
            ViewError::Store(_)
            | ViewError::Query(_)
            | ViewError::Behind { .. }
            | ViewError::UnknownView(_)
            | ViewError::JournalNotRebuilt
            | ViewError::Unreadable { .. } => false,
        }
    }
}

/// Where a view stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewStatus {
    pub view: View,
    /// The last event the view covers, in commit order.
    pub cursor: CommitCursor,
    pub events_applied: u64,
    /// Committed events the view does not cover yet.
    pub lag_events: u64,
}

#[derive(Clone, Copy, Debug)]
struct Checkpoint {
    view: View,
    cursor: CommitCursor,
    events_applied: i64,
}

/// What one batch writes, in one transaction.
#[derive(Default)]
struct Writes {
    events_read: u64,
    /// (view, negotiation, last sequence, JSON document)
    documents: Vec<(View, String, i64, String)>,
    /// (negotiation, sequence, JSON entry)
    timeline: Vec<(String, i64, String)>,
    /// (leaf index, negotiation, sequence, hex chain hash)
    journal: Vec<(i64, String, i64, String)>,
    checkpoints: Vec<Checkpoint>,
}

struct CachedFold {
    fold: NegotiationFold,
    head: ChainHead,
}

/// Keeps the stored views up to date. Holds folded states between batches, so a long-lived
/// projector (the service) applies each new event without re-reading its negotiation.
pub struct Projector {
    database: Database,
    folds: HashMap<String, CachedFold>,
    max_cached_folds: usize,
    batch_events: usize,
    /// The read of the batch after the one being folded, started early so that the database
    /// reads while the projector verifies and folds (a rebuild uses both cores).
    prefetch: Option<Prefetch>,
}

struct Prefetch {
    after: CommitCursor,
    read: tokio::task::JoinHandle<Result<Vec<PreparedEvent>, StoreError>>,
}

/// A committed event with the work that needs no other event done: its seal read (the costly
/// hash of its canonical record) and its payload decoded. Linking it to its chain and folding it
/// wait for the events before it.
struct PreparedEvent {
    cursor: CommitCursor,
    event: SerializedEvent,
    seal: Result<Seal, ChainProblem>,
    envelope: Result<EventEnvelope<Negotiation>, ViewError>,
}

/// Up to `limit` committed events after `after`, in commit order, prepared.
async fn read_prepared(
    database: Database,
    after: CommitCursor,
    limit: usize,
) -> Result<Vec<PreparedEvent>, StoreError> {
    let batch = database.read_committed(after, limit).await?;
    Ok(batch
        .into_iter()
        .map(|CommittedEvent { cursor, event }| PreparedEvent {
            cursor,
            seal: chain::read_seal(&event),
            envelope: decode(&event),
            event,
        })
        .collect())
}

impl Projector {
    pub fn new(database: Database) -> Self {
        Self {
            database,
            folds: HashMap::new(),
            max_cached_folds: MAX_CACHED_FOLDS,
            batch_events: CATCH_UP_BATCH_EVENTS,
            prefetch: None,
        }
    }

    /// Keeps at most `max_cached_folds` folded negotiations between batches (0: none).
    pub fn with_max_cached_folds(mut self, max_cached_folds: usize) -> Self {
        self.max_cached_folds = max_cached_folds;
        self
    }

    /// Reads at most `batch_events` (at least 1) events per transaction.
    pub fn with_batch_events(mut self, batch_events: usize) -> Self {
        self.batch_events = batch_events.max(1);
        self
    }

    /// Applies every committed event the views do not cover yet; `on_batch` is told how many
    /// events each batch read. Returns the number of events read.
    pub async fn catch_up(&mut self, mut on_batch: impl FnMut(u64)) -> Result<u64, ViewError> {
        let mut total = 0;
        loop {
            match self.step().await {
                Ok(0) => return Ok(total),
                Ok(read) => {
                    total += read;
                    on_batch(read);
                }
                Err(error) => {
                    // The cache may be ahead of the checkpoints the failed batch did not write.
                    self.folds.clear();
                    if let Some(prefetch) = self.prefetch.take() {
                        prefetch.read.abort();
                    }
                    return Err(error);
                }
            }
        }
    }

    /// Catches up with at least every event committed before the call, so a read that follows
    /// sees every act recorded before it (read-your-writes).
    ///
    /// When the views are current, as they are for most reads, this is one index lookup and
    /// takes no lock, so readers never queue behind each other or behind writers.
    pub async fn catch_up_to_now(&mut self) -> Result<u64, ViewError> {
        let target_position = self.database.last_position().await?;
        self.catch_up_to(target_position).await
    }

    /// Catches up with at least every event at or before `target_position` (a
    /// `Database::last_position` read earlier): when this returns, every such event is in the
    /// views, and any committed later has a later position (events commit in the order of their
    /// positions as far as the projector sees them: `Database::read_committed`'s horizon).
    pub async fn catch_up_to(&mut self, target_position: i64) -> Result<u64, ViewError> {
        let mut total = 0;
        // Only waiting counts against the timeout: a long backlog that is being applied (a
        // first catch-up over a large ledger) is progress, not a transaction holding it back.
        let mut stalled_since = std::time::Instant::now();
        loop {
            let missing = missing(&self.database, target_position).await?;
            if missing == 0 {
                return Ok(total);
            }
            let applied = self.catch_up(|_| {}).await?;
            total += applied;
            if applied > 0 {
                stalled_since = std::time::Instant::now();
                continue;
            }
            let waited_ms = stalled_since.elapsed().as_millis() as u64;
            if waited_ms > FRESHNESS_TIMEOUT_MS {
                return Err(ViewError::Behind { missing, waited_ms });
            }
            tokio::time::sleep(std::time::Duration::from_millis(FRESHNESS_POLL_MS)).await;
        }
    }

    /// Empties `views` and replays the whole ledger into them. The journal is refused: a
    /// checkpoint may already sign its root.
    pub async fn rebuild(
        &mut self,
        views: &[View],
        on_batch: impl FnMut(u64),
    ) -> Result<u64, ViewError> {
        if views.contains(&View::Journal) {
            return Err(ViewError::JournalNotRebuilt);
        }
        match &self.database {
            Database::Postgres(pool) => pg::reset(pool, views).await?,
            Database::Sqlite(pool) => sqlite::reset(pool, views).await?,
        }
        self.catch_up(on_batch).await
    }

    /// Reads, folds and writes one batch; returns how many events it read.
    async fn step(&mut self) -> Result<u64, ViewError> {
        match self.database.clone() {
            Database::Postgres(pool) => pg::step(&pool, self).await,
            Database::Sqlite(pool) => sqlite::step(&pool, self).await,
        }
    }

    /// Folds the events after the least advanced checkpoint; `None` when every view is current.
    async fn fold_next_batch(
        &mut self,
        checkpoints: &[Checkpoint],
    ) -> Result<Option<Writes>, ViewError> {
        if self.folds.len() > self.max_cached_folds {
            self.folds.clear();
        }
        let from = checkpoints
            .iter()
            .map(|c| c.cursor)
            .min()
            .unwrap_or_default();
        let batch = match self.prefetch.take() {
            // The same query from the same cursor: it returns what a fresh read would, since
            // nothing can appear behind a commit-order cursor later.
            Some(prefetch) if prefetch.after == from => prefetch
                .read
                .await
                .expect("invariant: the prefetch task does not panic")?,
            stale => {
                if let Some(prefetch) = stale {
                    prefetch.read.abort();
                }
                read_prepared(self.database.clone(), from, self.batch_events).await?
            }
        };
        let Some(last) = batch.last().map(|e| e.cursor) else {
            return Ok(None);
        };
        if batch.len() == self.batch_events {
            let (database, limit) = (self.database.clone(), self.batch_events);
            self.prefetch = Some(Prefetch {
                after: last,
                read: tokio::spawn(read_prepared(database, last, limit)),
            });
        }
        let mut writes = Writes {
            events_read: batch.len() as u64,
            ..Writes::default()
        };
        let mut stale_documents: BTreeMap<String, BTreeSet<View>> = BTreeMap::new();
        let cursors: Vec<CommitCursor> = batch.iter().map(|e| e.cursor).collect();
        for prepared in batch {
            let cursor = prepared.cursor;
            let (negotiation_id, sequence) =
                (prepared.event.aggregate_id.clone(), prepared.event.sequence);
            let (entry, chain_hash) = self.fold(prepared).await?;
            for checkpoint in checkpoints.iter().filter(|c| cursor > c.cursor) {
                if checkpoint.view == View::Journal {
                    // Dense by construction: the checkpoint counts the leaves already written,
                    // and this batch appends after them in commit order.
                    let leaf_index = checkpoint.events_applied + writes.journal.len() as i64;
                    writes.journal.push((
                        leaf_index,
                        negotiation_id.clone(),
                        sequence_number(sequence),
                        hex::encode(chain_hash),
                    ));
                } else if checkpoint.view == View::Timeline {
                    writes.timeline.push((
                        negotiation_id.clone(),
                        sequence_number(sequence),
                        serde_json::to_string(&entry).expect("invariant: entries serialise"),
                    ));
                } else {
                    stale_documents
                        .entry(negotiation_id.clone())
                        .or_default()
                        .insert(checkpoint.view);
                }
            }
        }
        for (negotiation_id, views) in stale_documents {
            let fold = &self.folds[&negotiation_id].fold;
            for view in views {
                let document = view.document(fold).expect("invariant: a document view");
                let last_sequence = sequence_number(fold.last_sequence());
                writes
                    .documents
                    .push((view, negotiation_id.clone(), last_sequence, document));
            }
        }
        writes.checkpoints = checkpoints
            .iter()
            .map(|c| {
                let newer = cursors.iter().filter(|cursor| **cursor > c.cursor).count();
                Checkpoint {
                    view: c.view,
                    cursor: c.cursor.max(last),
                    events_applied: c.events_applied + newer as i64,
                }
            })
            .collect();
        Ok(Some(writes))
    }

    /// Verifies `event` against its negotiation's chain, folds it in, and returns its timeline
    /// entry and its verified chain hash (the journal's leaf).
    async fn fold(
        &mut self,
        prepared: PreparedEvent,
    ) -> Result<(HistoryEntry, chain::Hash), ViewError> {
        let event = &prepared.event;
        if event.aggregate_type != Negotiation::TYPE {
            return Err(ViewError::ForeignAggregate(event.aggregate_type.clone()));
        }
        let id = &event.aggregate_id;
        let cached_is_current = self
            .folds
            .get(id)
            .is_some_and(|c| c.fold.last_sequence() + 1 == event.sequence);
        if !cached_is_current {
            let fold = self.load_fold(id, event.sequence).await?;
            self.folds.insert(id.clone(), fold);
        }
        let cached = self.folds.get_mut(id).expect("invariant: just cached");
        cached.head = chain::verify_next_sealed(id, cached.head, event, prepared.seal)?;
        let entry = cached.fold.apply(&prepared.envelope?)?;
        Ok((entry, cached.head.hash))
    }

    /// The negotiation folded up to, not including, `next_sequence`, every link verified.
    async fn load_fold(&self, id: &str, next_sequence: usize) -> Result<CachedFold, ViewError> {
        let mut cached = CachedFold {
            fold: NegotiationFold::new(id),
            head: ChainHead::EMPTY,
        };
        for event in self.database.read_stream_before(id, next_sequence).await? {
            cached.head = chain::verify_next(id, cached.head, &event)?;
            cached.fold.apply(&decode(&event)?)?;
        }
        Ok(cached)
    }
}

/// The typed event, read from the stored JSON in place (a rebuild decodes every event once).
fn decode(event: &SerializedEvent) -> Result<EventEnvelope<Negotiation>, ViewError> {
    let undecodable = |e: serde_json::Error| ViewError::Undecodable {
        negotiation_id: event.aggregate_id.clone(),
        sequence: event.sequence,
        reason: e.to_string(),
    };
    Ok(EventEnvelope {
        aggregate_id: event.aggregate_id.clone(),
        sequence: event.sequence,
        payload: NegotiationEvent::deserialize(&event.payload).map_err(undecodable)?,
        metadata: HashMap::deserialize(&event.metadata).map_err(undecodable)?,
    })
}

fn sequence_number(sequence: usize) -> i64 {
    i64::try_from(sequence).expect("invariant: sequences fit the store's bigint")
}

/// Where each view stands, and how many committed events it does not cover yet.
/// Whether the views cover every event committed before the call: the check `catch_up_to_now`
/// starts with, for callers that must not wait for a projector when there is nothing to do.
pub async fn are_current(database: &Database) -> Result<bool, ViewError> {
    let target_position = database.last_position().await?;
    Ok(missing(database, target_position).await? == 0)
}

/// How many events at or before `target_position` the views do not cover yet.
async fn missing(database: &Database, target_position: i64) -> Result<u64, ViewError> {
    match database {
        Database::Postgres(pool) => pg::missing(pool, target_position).await,
        Database::Sqlite(pool) => sqlite::missing(pool, target_position).await,
    }
}

pub async fn status(database: &Database) -> Result<Vec<ViewStatus>, ViewError> {
    Ok(match database {
        Database::Postgres(pool) => pg::status(pool).await?,
        Database::Sqlite(pool) => sqlite::status(pool).await?,
    })
}

/// The stored document of `view` for one negotiation, if the view has one.
pub async fn document<T: DeserializeOwned>(
    database: &Database,
    view: View,
    negotiation_id: &str,
) -> Result<Option<T>, ViewError> {
    document_json(database, view, negotiation_id)
        .await?
        .map(|json| parse(view, negotiation_id, &json))
        .transpose()
}

/// The stored document as JSON text, as a service would send it.
pub async fn document_json(
    database: &Database,
    view: View,
    negotiation_id: &str,
) -> Result<Option<String>, ViewError> {
    match database {
        Database::Postgres(pool) => pg::document(pool, view, negotiation_id).await,
        Database::Sqlite(pool) => sqlite::document(pool, view, negotiation_id).await,
    }
}

/// Every stored document of `view`, in order of negotiation id.
pub async fn documents<T: DeserializeOwned>(
    database: &Database,
    view: View,
) -> Result<Vec<T>, ViewError> {
    let rows = match database {
        Database::Postgres(pool) => pg::documents(pool, view).await?,
        Database::Sqlite(pool) => sqlite::documents(pool, view).await?,
    };
    rows.iter()
        .map(|(negotiation_id, json)| parse(view, negotiation_id, json))
        .collect()
}

/// The stored timeline of one negotiation, in sequence order; empty when it is unknown.
pub async fn timeline(
    database: &Database,
    negotiation_id: &str,
) -> Result<Vec<HistoryEntry>, ViewError> {
    let rows = match database {
        Database::Postgres(pool) => pg::timeline(pool, negotiation_id).await?,
        Database::Sqlite(pool) => sqlite::timeline(pool, negotiation_id).await?,
    };
    rows.iter()
        .map(|json| parse(View::Timeline, negotiation_id, json))
        .collect()
}

fn parse<T: DeserializeOwned>(
    view: View,
    negotiation_id: &str,
    json: &str,
) -> Result<T, ViewError> {
    serde_json::from_str(json).map_err(|e| ViewError::Unreadable {
        view: view.name(),
        negotiation_id: negotiation_id.to_string(),
        reason: e.to_string(),
    })
}

fn journal_error(error: JournalError) -> ViewError {
    ViewError::Store(StoreError::Journal(JournalDamage::Frontier(error)))
}

/// The view tables on one database. The SQL is the same on both but for how a transaction takes
/// the write lock, how JSON is typed, and how an event's place in the commit order is compared
/// with a checkpoint's (see `Database::read_committed`): on PostgreSQL in the `xid8` terms of the
/// `events_commit_order` index, with the checkpoint's bigint cast to it.
macro_rules! view_tables {
    ($module:ident, $db:ty, begin: $begin:literal, lock: $lock:literal, json: $json:literal,
     as_text: $as_text:literal, event_transaction_id: $event_transaction_id:literal,
     as_event_transaction_id: $as_event_transaction_id:literal) => {
        mod $module {
            use super::*;

            type Tx = sqlx::Transaction<'static, $db>;

            /// Opens a transaction holding every checkpoint, so no other projector can advance
            /// them until it ends.
            pub(super) async fn begin_locked(
                pool: &sqlx::Pool<$db>,
            ) -> Result<(Tx, Vec<Checkpoint>), ViewError> {
                let mut tx = pool.begin_with($begin).await?;
                let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(concat!(
                    "SELECT view_name, transaction_id, global_position, events_applied
                       FROM view_checkpoints ORDER BY view_name",
                    $lock
                ))
                .fetch_all(&mut *tx)
                .await?;
                let checkpoints = rows
                    .into_iter()
                    .filter_map(|(name, transaction_id, global_position, events_applied)| {
                        Some(Checkpoint {
                            view: name.parse().ok()?,
                            cursor: CommitCursor {
                                transaction_id,
                                global_position,
                            },
                            events_applied,
                        })
                    })
                    .collect();
                Ok((tx, checkpoints))
            }

            /// `Projector::step`: under the checkpoints' lock, folds the next batch and writes it.
            pub(super) async fn step(
                pool: &sqlx::Pool<$db>,
                projector: &mut Projector,
            ) -> Result<u64, ViewError> {
                let (tx, checkpoints) = begin_locked(pool).await?;
                let Some(writes) = projector.fold_next_batch(&checkpoints).await? else {
                    return Ok(0);
                };
                write(tx, &writes).await?;
                stop_point!("projector-batch-committed");
                Ok(writes.events_read)
            }

            /// The journal's frontier at `tree_size`: the stored one, or, for a journal begun
            /// before frontiers were kept, folded once from its leaves.
            async fn frontier_at(tx: &mut Tx, tree_size: i64) -> Result<Frontier, ViewError> {
                if tree_size == 0 {
                    return Ok(Frontier::default());
                }
                let stored: Option<String> =
                    sqlx::query_scalar("SELECT nodes FROM journal_frontiers WHERE tree_size = $1")
                        .bind(tree_size)
                        .fetch_optional(&mut **tx)
                        .await?;
                if let Some(nodes) = stored {
                    return Frontier::from_hex(tree_size as u64, &nodes).map_err(journal_error);
                }
                let leaves: Vec<String> = sqlx::query_scalar(
                    "SELECT chain_hash FROM journal_leaves WHERE leaf_index < $1 ORDER BY leaf_index",
                )
                .bind(tree_size)
                .fetch_all(&mut **tx)
                .await?;
                let mut frontier = Frontier::default();
                for leaf in &leaves {
                    frontier.push(&journal::parse_hash(leaf).map_err(journal_error)?);
                }
                Ok(frontier)
            }

            pub(super) async fn write(mut tx: Tx, writes: &Writes) -> Result<(), ViewError> {
                for (view, negotiation_id, last_sequence, document) in &writes.documents {
                    sqlx::query(concat!(
                        "INSERT INTO view_documents (view_name, negotiation_id, last_sequence, document)
                         VALUES ($1, $2, $3, CAST($4 AS ", $json, "))
                         ON CONFLICT (view_name, negotiation_id) DO UPDATE
                            SET last_sequence = excluded.last_sequence, document = excluded.document"
                    ))
                    .bind(view.name())
                    .bind(negotiation_id)
                    .bind(last_sequence)
                    .bind(document)
                    .execute(&mut *tx)
                    .await?;
                }
                for rows in writes.timeline.chunks(TIMELINE_ROWS_PER_INSERT) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO view_timeline (negotiation_id, sequence, entry) ",
                    );
                    insert.push_values(rows, |mut row, (negotiation_id, sequence, entry)| {
                        row.push_bind(negotiation_id)
                            .push_bind(sequence)
                            .push("CAST(")
                            .push_bind_unseparated(entry)
                            .push_unseparated(concat!(" AS ", $json, ")"));
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                for rows in writes.journal.chunks(JOURNAL_ROWS_PER_INSERT) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO journal_leaves (leaf_index, negotiation_id, sequence, chain_hash) ",
                    );
                    insert.push_values(rows, |mut row, (leaf_index, negotiation_id, sequence, hash)| {
                        row.push_bind(leaf_index)
                            .push_bind(negotiation_id)
                            .push_bind(sequence)
                            .push_bind(hash);
                    });
                    insert.build().execute(&mut *tx).await?;
                }
                if let Some((start, ..)) = writes.journal.first() {
                    let mut frontier = frontier_at(&mut tx, *start).await?;
                    for (_, _, _, hash) in &writes.journal {
                        frontier.push(&journal::parse_hash(hash).map_err(journal_error)?);
                    }
                    sqlx::query("INSERT INTO journal_frontiers (tree_size, nodes) VALUES ($1, $2)")
                        .bind(frontier.size() as i64)
                        .bind(frontier.nodes_hex())
                        .execute(&mut *tx)
                        .await?;
                }
                for checkpoint in &writes.checkpoints {
                    sqlx::query(
                        "UPDATE view_checkpoints
                            SET transaction_id = $2, global_position = $3, events_applied = $4
                          WHERE view_name = $1",
                    )
                    .bind(checkpoint.view.name())
                    .bind(checkpoint.cursor.transaction_id)
                    .bind(checkpoint.cursor.global_position)
                    .bind(checkpoint.events_applied)
                    .execute(&mut *tx)
                    .await?;
                }
                // Everything written, nothing committed: a process killed here loses the batch whole.
                stop_point!("projector-batch-uncommitted");
                tx.commit().await?;
                Ok(())
            }

            /// Empties `views` and sets their checkpoints back to the start of the ledger.
            pub(super) async fn reset(
                pool: &sqlx::Pool<$db>,
                views: &[View],
            ) -> Result<(), ViewError> {
                let (mut tx, _) = begin_locked(pool).await?;
                for view in views {
                    if *view == View::Timeline {
                        sqlx::query("DELETE FROM view_timeline")
                            .execute(&mut *tx)
                            .await?;
                    } else {
                        sqlx::query("DELETE FROM view_documents WHERE view_name = $1")
                            .bind(view.name())
                            .execute(&mut *tx)
                            .await?;
                    }
                    sqlx::query(
                        "UPDATE view_checkpoints
                            SET transaction_id = 0, global_position = 0, events_applied = 0
                          WHERE view_name = $1",
                    )
                    .bind(view.name())
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            pub(super) async fn status(
                pool: &sqlx::Pool<$db>,
            ) -> Result<Vec<ViewStatus>, ViewError> {
                let rows: Vec<(String, i64, i64, i64)> = sqlx::query_as(
                    "SELECT view_name, transaction_id, global_position, events_applied
                       FROM view_checkpoints ORDER BY view_name",
                )
                .fetch_all(pool)
                .await?;
                let mut statuses = Vec::new();
                for (name, transaction_id, global_position, events_applied) in rows {
                    let Ok(view) = name.parse::<View>() else { continue };
                    let cursor = CommitCursor {
                        transaction_id,
                        global_position,
                    };
                    let lag: i64 = sqlx::query_scalar(concat!(
                        "SELECT count(*) FROM events
                          WHERE (", $event_transaction_id, ", global_position)
                                > ($1", $as_event_transaction_id, ", $2)"
                    ))
                    .bind(cursor.transaction_id)
                    .bind(cursor.global_position)
                    .fetch_one(pool)
                    .await?;
                    statuses.push(ViewStatus {
                        view,
                        cursor,
                        events_applied: events_applied.max(0) as u64,
                        lag_events: lag.max(0) as u64,
                    });
                }
                Ok(statuses)
            }

            /// Events up to `target_position` that some view does not cover yet. The comparison is in
            /// the index's own terms, so only the events past each checkpoint are read.
            pub(super) async fn missing(
                pool: &sqlx::Pool<$db>,
                target_position: i64,
            ) -> Result<u64, ViewError> {
                let missing: i64 = sqlx::query_scalar(concat!(
                    "SELECT count(*) FROM view_checkpoints c JOIN events
                         ON (", $event_transaction_id, ", events.global_position)
                            > (c.transaction_id", $as_event_transaction_id, ", c.global_position)
                      WHERE events.global_position <= $1"
                ))
                .bind(target_position)
                .fetch_one(pool)
                .await?;
                Ok(missing.max(0) as u64)
            }

            pub(super) async fn document(
                pool: &sqlx::Pool<$db>,
                view: View,
                negotiation_id: &str,
            ) -> Result<Option<String>, ViewError> {
                Ok(sqlx::query_scalar(concat!(
                    "SELECT document", $as_text, " FROM view_documents
                      WHERE view_name = $1 AND negotiation_id = $2"
                ))
                .bind(view.name())
                .bind(negotiation_id)
                .fetch_optional(pool)
                .await?)
            }

            pub(super) async fn documents(
                pool: &sqlx::Pool<$db>,
                view: View,
            ) -> Result<Vec<(String, String)>, ViewError> {
                Ok(sqlx::query_as(concat!(
                    "SELECT negotiation_id, document", $as_text, " FROM view_documents
                      WHERE view_name = $1 ORDER BY negotiation_id"
                ))
                .bind(view.name())
                .fetch_all(pool)
                .await?)
            }

            pub(super) async fn timeline(
                pool: &sqlx::Pool<$db>,
                negotiation_id: &str,
            ) -> Result<Vec<String>, ViewError> {
                Ok(sqlx::query_scalar(concat!(
                    "SELECT entry", $as_text, " FROM view_timeline
                      WHERE negotiation_id = $1 ORDER BY sequence"
                ))
                .bind(negotiation_id)
                .fetch_all(pool)
                .await?)
            }
        }
    };
}

view_tables!(pg, sqlx::Postgres, begin: "BEGIN", lock: " FOR UPDATE", json: "json",
    as_text: "::text", event_transaction_id: "events.transaction_id",
    as_event_transaction_id: "::text::xid8");
// SQLite has one writer at a time: BEGIN IMMEDIATE takes the write lock up front, so two
// projectors queue instead of one failing to upgrade its read lock. Its transaction id is
// always 0 (see `Database::read_committed`).
view_tables!(sqlite, sqlx::Sqlite, begin: "BEGIN IMMEDIATE", lock: "", json: "TEXT",
    as_text: "", event_transaction_id: "0", as_event_transaction_id: "");
