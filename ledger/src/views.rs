//! Stored views: the catch-up projector that keeps the view tables in step with the ledger, and
//! the reads served from them.
//!
//! The projector reads the ledger in commit order (`Database::read_committed`), verifies each
//! event's link in its negotiation's chain, folds it (`pacta_projections::NegotiationFold`) and
//! writes what changed. Each view has a checkpoint, the commit-order cursor of the last event it
//! covers, and every batch writes the view rows and the advanced checkpoints in one transaction
//! that first locks the checkpoints. Batches overlap: while one commits, the next is verified and
//! folded and the ones after it are read and hashed (`Projector::batches`). So a view never misses an event and never applies one twice:
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

use crate::drafts::{DraftCaches, MAX_DRAFT_CACHE_BYTES};
use crate::store::{CommitCursor, CommittedEvent, Database, JournalDamage, StoreError};

pub mod access;
use pacta_verify::chain::{self, ChainError, ChainHead, ChainProblem, Seal};
use pacta_verify::journal::{self, Frontier, JournalError};

/// Events read, folded and written per transaction: large enough that a rebuild is not dominated
/// by each transaction's own costs (its round trips and commit, each negotiation's documents
/// rewritten once per batch), small enough that a transaction holds its locks for well under a
/// second and the batches in flight at once (`READ_AHEAD_BATCHES` and the three being read,
/// folded and written) take tens of megabytes, not hundreds.
pub const CATCH_UP_BATCH_EVENTS: usize = 5_000;
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
/// Batches read and prepared ahead of the one being folded, besides the one being read.
const READ_AHEAD_BATCHES: usize = 1;
/// Timeline rows per INSERT on SQLite: 3 parameters each, far below its parameter limit.
const TIMELINE_ROWS_PER_INSERT: usize = 1_000;
/// Journal leaves per INSERT on SQLite: 4 parameters each, far below its parameter limit.
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
    /// Who is accredited in which negotiation, for which party and in which role (`access.rs`).
    Access,
    /// The leaves of the ledger's Merkle tree (`pacta_verify::journal`): one per event, in commit order.
    /// Not a disposable view: checkpoints sign its roots, so it is never emptied or rebuilt.
    Journal,
}

impl View {
    /// The disposable views: what `pacta projections rebuild` recreates when no view is named.
    pub const ALL: [View; 5] = [
        View::Index,
        View::Draft,
        View::Agreement,
        View::Timeline,
        View::Access,
    ];
    /// Every follower of the commit-order reader, the journal included.
    pub const EVERY: [View; 6] = [
        View::Index,
        View::Draft,
        View::Agreement,
        View::Timeline,
        View::Access,
        View::Journal,
    ];

    pub fn name(self) -> &'static str {
        match self {
            View::Index => "index",
            View::Draft => "draft",
            View::Agreement => "agreement",
            View::Timeline => "timeline",
            View::Access => "access",
            View::Journal => "journal",
        }
    }

    /// The view's document of `fold`; the draft's unchanged clauses taken from `drafts`.
    fn document(self, fold: &NegotiationFold, drafts: &DraftCaches) -> Option<String> {
        let json = match self {
            View::Index => serde_json::to_string(&fold.index_entry()),
            View::Draft => {
                let (id, sequence) = (fold.negotiation_id(), fold.last_sequence());
                return Some(drafts.json(id, fold.state(), sequence));
            }
            View::Agreement => serde_json::to_string(&fold.agreement()),
            View::Timeline | View::Access | View::Journal => return None,
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
    #[error("no view is called '{0}' (views: index, draft, agreement, timeline, access, journal)")]
    UnknownView(String),
    #[error("the journal is never rebuilt: checkpoints sign its roots, and its leaves only ever grow (rebuild index, draft, agreement, timeline or access)")]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Checkpoint {
    view: View,
    cursor: CommitCursor,
    events_applied: i64,
}

/// What one batch writes, in one transaction.
#[derive(Default)]
struct Writes {
    events_read: u64,
    /// Its last event, in commit order.
    last: CommitCursor,
    /// (view, negotiation, last sequence, JSON document)
    documents: Vec<(View, String, i64, String)>,
    /// (negotiation, sequence, JSON entry)
    timeline: Vec<(String, i64, String)>,
    access: Vec<access::Row>,
    /// (leaf index, negotiation, sequence, verified chain hash)
    journal: Vec<(i64, String, i64, chain::Hash)>,
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
    /// The batches after the one being folded, read and prepared ahead so that the database
    /// reads and the events are hashed while the projector folds (a rebuild uses every core).
    read_ahead: Option<ReadAhead>,
    /// The stored drafts' clauses as JSON, so that a batch writes again only the clauses its
    /// events changed.
    drafts: DraftCaches,
}

/// A batch being written and committed on its own task.
struct Committing {
    /// The checkpoints it leaves once committed.
    leaves: Vec<Checkpoint>,
    /// The position of its last event.
    last_position: i64,
    /// How many events it read, once committed.
    commit: tokio::task::JoinHandle<Result<u64, ViewError>>,
}

/// A transaction holding every view checkpoint (`begin_locked`).
enum Locked {
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
}

impl Locked {
    /// Locks every checkpoint and reads them.
    async fn begin(database: &Database) -> Result<(Locked, Vec<Checkpoint>), ViewError> {
        Ok(match database {
            Database::Postgres(pool, _) => {
                let (tx, checkpoints) = pg::begin_locked(pool).await?;
                (Locked::Postgres(tx), checkpoints)
            }
            Database::Sqlite(pool) => {
                let (tx, checkpoints) = sqlite::begin_locked(pool).await?;
                (Locked::Sqlite(tx), checkpoints)
            }
        })
    }

    /// Writes the batch and its checkpoints and commits; returns how many events it read.
    async fn write(self, writes: Writes) -> Result<u64, ViewError> {
        match self {
            Locked::Postgres(tx) => pg::write(tx, &writes).await?,
            Locked::Sqlite(tx) => sqlite::write(tx, &writes).await?,
        }
        Ok(writes.events_read)
    }
}

/// Batches of committed events read in commit order ahead of the fold, each prepared on blocking
/// threads while the next is read. A batch read ahead from a cursor is what a read from that
/// cursor later would return, or a prefix of it (the ledger's horizon may have moved on), since
/// nothing can appear behind a commit-order cursor later.
struct ReadAhead {
    /// The cursor the next batch received follows.
    after: CommitCursor,
    batches: tokio::sync::mpsc::Receiver<Result<Preparing, StoreError>>,
    reader: tokio::task::JoinHandle<()>,
}

/// A batch being prepared.
type Preparing = tokio::task::JoinHandle<Vec<PreparedEvent>>;

impl ReadAhead {
    /// Starts reading batches of `limit` events after `after`; the reader stops after the first
    /// batch that is not full (the end of the ledger for now) or the first failure.
    fn start(database: Database, after: CommitCursor, limit: usize) -> Self {
        let (sender, batches) = tokio::sync::mpsc::channel(READ_AHEAD_BATCHES);
        let reader = tokio::spawn(async move {
            let mut cursor = after;
            loop {
                let read = database.read_committed(cursor, limit).await;
                let (full, sent) = match read {
                    Ok(batch) => {
                        let full = batch.len() == limit;
                        if let Some(last) = batch.last() {
                            cursor = last.cursor;
                        }
                        (full, sender.send(Ok(prepare(batch))).await)
                    }
                    Err(error) => (false, sender.send(Err(error)).await),
                };
                if !full || sent.is_err() {
                    return;
                }
            }
        });
        ReadAhead {
            after,
            batches,
            reader,
        }
    }
}

impl Drop for ReadAhead {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// Prepares `batch` on blocking threads, in as many slices as there are cores, in order.
fn prepare(batch: Vec<CommittedEvent>) -> Preparing {
    tokio::spawn(async move {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let events_in_batch = batch.len();
        let slice = events_in_batch.div_ceil(cores).max(1);
        let mut events = batch.into_iter();
        let mut slices = Vec::with_capacity(cores);
        loop {
            let events: Vec<CommittedEvent> = events.by_ref().take(slice).collect();
            if events.is_empty() {
                break;
            }
            slices.push(tokio::task::spawn_blocking(move || {
                events
                    .into_iter()
                    .map(PreparedEvent::new)
                    .collect::<Vec<_>>()
            }));
        }
        let mut prepared = Vec::with_capacity(events_in_batch);
        for slice in slices {
            prepared.extend(
                slice
                    .await
                    .expect("invariant: preparing an event does not panic"),
            );
        }
        prepared
    })
}

/// A committed event with the work that needs no other event done: its seal read (the costly
/// hash of its canonical record) and its payload decoded. Linking it to its chain and folding it
/// wait for the events before it.
struct PreparedEvent {
    cursor: CommitCursor,
    /// The stored event without its payload and metadata, which were moved into `envelope` once
    /// the seal was read from them: what is left to check is its type, id and sequence.
    event: SerializedEvent,
    seal: Result<Seal, ChainProblem>,
    envelope: Result<EventEnvelope<Negotiation>, ViewError>,
}

impl PreparedEvent {
    fn new(CommittedEvent { cursor, mut event }: CommittedEvent) -> Self {
        let seal = chain::read_seal(&event);
        let envelope = decode_owned(&mut event);
        PreparedEvent {
            cursor,
            event,
            seal,
            envelope,
        }
    }
}

impl Projector {
    pub fn new(database: Database) -> Self {
        Self {
            database,
            folds: HashMap::new(),
            max_cached_folds: MAX_CACHED_FOLDS,
            batch_events: CATCH_UP_BATCH_EVENTS,
            read_ahead: None,
            drafts: DraftCaches::new(MAX_DRAFT_CACHE_BYTES),
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
    pub async fn catch_up(&mut self, on_batch: impl FnMut(u64)) -> Result<u64, ViewError> {
        self.catch_up_through(None, on_batch).await
    }

    /// `catch_up`, stopping after the batch that reaches `through` (a position), if given: under
    /// a steady stream of acts a catch-up that chased every new commit would never end, and would
    /// write every document again for each small batch it found.
    async fn catch_up_through(
        &mut self,
        through: Option<i64>,
        mut on_batch: impl FnMut(u64),
    ) -> Result<u64, ViewError> {
        let caught_up = self.batches(through, &mut on_batch).await;
        if caught_up.is_err() {
            // The cache may be ahead of the checkpoints the failed batch did not write.
            self.folds.clear();
            self.read_ahead = None;
        }
        caught_up
    }

    /// `catch_up`'s batches, each folded and then written with its checkpoints in one transaction
    /// that locks them first.
    ///
    /// A batch is written and committed on a task of its own while the next one is read,
    /// verified and folded here, on the checkpoints the committing batch leaves: ahead of the
    /// lock, since folding reads only committed events, which nothing changes behind a
    /// commit-order cursor. Under the lock the checkpoints are read again, and the batch folded
    /// ahead is written only if they are the ones it was folded on; otherwise (another projector
    /// moved them, or folding ahead failed) it is thrown away and the batch is folded under the
    /// lock, from the checkpoints read there. So what a transaction writes is always the fold of
    /// the events after the checkpoints it locked, and a failure is reported for the batch it
    /// belongs to, after every batch before it has committed.
    async fn batches(
        &mut self,
        through: Option<i64>,
        on_batch: &mut impl FnMut(u64),
    ) -> Result<u64, ViewError> {
        let mut total = 0;
        let mut committing: Option<Committing> = None;
        let reaches_through =
            |batch: &Committing| through.is_some_and(|position| batch.last_position >= position);
        loop {
            let ahead = match &committing {
                Some(batch) if !reaches_through(batch) => {
                    let folded = self.fold_next_batch(&batch.leaves).await;
                    Some((batch.leaves.clone(), folded))
                }
                _ => None,
            };
            if let Some(batch) = committing.take() {
                let reached = reaches_through(&batch);
                let read = batch
                    .commit
                    .await
                    .expect("invariant: the commit task does not panic")?;
                stop_point!("projector-batch-committed");
                total += read;
                on_batch(read);
                if reached {
                    return Ok(total);
                }
            }
            let (locked, checkpoints) = Locked::begin(&self.database).await?;
            let writes = match ahead {
                Some((folded_on, Ok(writes))) if folded_on == checkpoints => writes,
                ahead => {
                    if ahead.is_some() {
                        // Folded ahead on other checkpoints: start again from the locked ones,
                        // with no state folded past them.
                        self.folds.clear();
                    }
                    self.fold_next_batch(&checkpoints).await?
                }
            };
            // Nothing to write: the transaction ends, with nothing done, when it is dropped.
            let Some(writes) = writes else {
                return Ok(total);
            };
            committing = Some(Committing {
                leaves: writes.checkpoints.clone(),
                last_position: writes.last.global_position,
                commit: tokio::spawn(locked.write(writes)),
            });
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
            let applied = self.catch_up_through(Some(target_position), |_| {}).await?;
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
            Database::Postgres(pool, _) => pg::reset(pool, views).await?,
            Database::Sqlite(pool) => sqlite::reset(pool, views).await?,
        }
        self.catch_up(on_batch).await
    }

    /// The committed events after `from`, at most `batch_events`, prepared: from the batches read
    /// ahead when they follow `from`, else from a reader started there.
    async fn next_batch(&mut self, from: CommitCursor) -> Result<Vec<PreparedEvent>, StoreError> {
        let reading_from_there = self.read_ahead.as_ref().is_some_and(|r| r.after == from);
        if !reading_from_there {
            let limit = self.batch_events;
            self.read_ahead = Some(ReadAhead::start(self.database.clone(), from, limit));
        }
        let read_ahead = self.read_ahead.as_mut().expect("invariant: just started");
        let received = read_ahead.batches.recv().await;
        let batch = match received {
            Some(Ok(preparing)) => preparing
                .await
                .expect("invariant: preparing a batch does not panic"),
            Some(Err(error)) => {
                self.read_ahead = None;
                return Err(error);
            }
            None => unreachable!("invariant: the reader stops only after a batch that is not full or a failure, and is dropped on receiving either"),
        };
        match batch.last() {
            Some(last) if batch.len() == self.batch_events => read_ahead.after = last.cursor,
            // The reader has stopped: the next batch is read from where it is wanted.
            _ => self.read_ahead = None,
        }
        Ok(batch)
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
        let batch = self.next_batch(from).await?;
        let Some(last) = batch.last().map(|e| e.cursor) else {
            return Ok(None);
        };
        let behind = |view: View| {
            checkpoints
                .iter()
                .any(|c| c.view == view && c.cursor < last)
        };
        let rows_for = |view: View| if behind(view) { batch.len() } else { 0 };
        let mut writes = Writes {
            events_read: batch.len() as u64,
            last,
            timeline: Vec::with_capacity(rows_for(View::Timeline)),
            journal: Vec::with_capacity(rows_for(View::Journal)),
            ..Writes::default()
        };
        let mut stale_documents: BTreeMap<String, BTreeSet<View>> = BTreeMap::new();
        let cursors: Vec<CommitCursor> = batch.iter().map(|e| e.cursor).collect();
        for prepared in batch {
            let cursor = prepared.cursor;
            let (negotiation_id, sequence) =
                (prepared.event.aggregate_id.clone(), prepared.event.sequence);
            let accredits = access::accredits(&prepared);
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
                        chain_hash,
                    ));
                } else if checkpoint.view == View::Timeline {
                    writes.timeline.push((
                        negotiation_id.clone(),
                        sequence_number(sequence),
                        serde_json::to_string(&entry).expect("invariant: entries serialise"),
                    ));
                } else if checkpoint.view == View::Access {
                    if let Some(accredits) = &accredits {
                        let fold = &self.folds[&negotiation_id].fold;
                        writes.access.extend(access::rows(fold, accredits));
                    }
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
                let document = view
                    .document(fold, &self.drafts)
                    .expect("invariant: a document view");
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
        if next_sequence <= 1 {
            // Nothing comes before a first event: a rebuild meets every negotiation there, and
            // the stream query, which has no index on the id alone, would scan every event.
            return Ok(cached);
        }
        for mut event in self.database.read_stream_before(id, next_sequence).await? {
            cached.head = chain::verify_next(id, cached.head, &event)?;
            cached.fold.apply(&decode_owned(&mut event)?)?;
        }
        Ok(cached)
    }
}

/// The typed event, its strings moved out of the stored JSON rather than copied (a rebuild
/// decodes every event once, after its seal is read): `event` keeps its type, id and sequence,
/// and `Value::Null` for payload and metadata.
fn decode_owned(event: &mut SerializedEvent) -> Result<EventEnvelope<Negotiation>, ViewError> {
    let undecodable = |e: serde_json::Error| ViewError::Undecodable {
        negotiation_id: event.aggregate_id.clone(),
        sequence: event.sequence,
        reason: e.to_string(),
    };
    let payload = NegotiationEvent::deserialize(std::mem::take(&mut event.payload));
    let metadata = HashMap::deserialize(std::mem::take(&mut event.metadata));
    Ok(EventEnvelope {
        aggregate_id: event.aggregate_id.clone(),
        sequence: event.sequence,
        payload: payload.map_err(undecodable)?,
        metadata: metadata.map_err(undecodable)?,
    })
}

fn sequence_number(sequence: usize) -> i64 {
    i64::try_from(sequence).expect("invariant: sequences fit the store's bigint")
}

/// How many events at or before `target_position` the views do not cover yet.
async fn missing(database: &Database, target_position: i64) -> Result<u64, ViewError> {
    match database {
        Database::Postgres(pool, _) => pg::missing(pool, target_position).await,
        Database::Sqlite(pool) => sqlite::missing(pool, target_position).await,
    }
}

/// Where each view stands, and how many committed events it does not cover yet.
pub async fn status(database: &Database) -> Result<Vec<ViewStatus>, ViewError> {
    Ok(match database {
        Database::Postgres(pool, _) => pg::status(pool).await?,
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
        Database::Postgres(pool, _) => pg::document(pool, view, negotiation_id).await,
        Database::Sqlite(pool) => sqlite::document(pool, view, negotiation_id).await,
    }
}

/// Every stored document of `view`, in order of negotiation id.
pub async fn documents<T: DeserializeOwned>(
    database: &Database,
    view: View,
) -> Result<Vec<T>, ViewError> {
    let rows = match database {
        Database::Postgres(pool, _) => pg::documents(pool, view).await?,
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
        Database::Postgres(pool, _) => pg::timeline(pool, negotiation_id).await?,
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
    ($module:ident, $db:ty, rows: $rows:ident, begin: $begin:literal, lock: $lock:literal,
     as_text: $as_text:literal, event_transaction_id: $event_transaction_id:literal,
     as_event_transaction_id: $as_event_transaction_id:literal,
     empty_timeline: $empty_timeline:literal) => {
        mod $module {
            use super::*;

            type Tx = sqlx::Transaction<'static, $db>;

            /// Opens a transaction holding every checkpoint, so no other projector can advance
            /// them until it ends.
            pub(super) async fn begin_locked(
                pool: &sqlx::Pool<$db>,
            ) -> Result<(Tx, Vec<Checkpoint>), ViewError> {
                let mut tx = crate::store::begin_whole(pool, $begin).await?;
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
                $rows::documents(&mut tx, &writes.documents).await?;
                $rows::timeline(&mut tx, &writes.timeline).await?;
                access::$module::write(&mut tx, &writes.access).await?;
                $rows::journal(&mut tx, &writes.journal).await?;
                if let Some((start, ..)) = writes.journal.first() {
                    let mut frontier = frontier_at(&mut tx, *start).await?;
                    for (_, _, _, hash) in &writes.journal {
                        frontier.push(hash);
                    }
                    sqlx::query("INSERT INTO journal_frontiers (tree_size, nodes) VALUES ($1, $2)")
                        .bind(frontier.size() as i64)
                        .bind(frontier.nodes_hex())
                        .execute(&mut *tx)
                        .await?;
                }
                $rows::checkpoints(&mut tx, &writes.checkpoints).await?;
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
                        sqlx::query($empty_timeline)
                            .execute(&mut *tx)
                            .await?;
                    } else if *view == View::Access {
                        access::$module::reset(&mut tx).await?;
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

view_tables!(pg, sqlx::Postgres, rows: pg_rows, begin: "BEGIN", lock: " FOR UPDATE",
    as_text: "::text", event_transaction_id: "events.transaction_id",
    as_event_transaction_id: "::text::xid8",
    // Not `DELETE`: the rebuilt rows, whose keys are those of the deleted ones, then went into
    // an index still holding every deleted row, each looked up in the heap by the unique check,
    // until vacuum came. `TRUNCATE` holds its table alone until the reset commits, as the
    // checkpoints' lock already holds every writer of views.
    empty_timeline: "TRUNCATE view_timeline");
// SQLite has one writer at a time: BEGIN IMMEDIATE takes the write lock up front, so two
// projectors queue instead of one failing to upgrade its read lock. Its transaction id is
// always 0 (see `Database::read_committed`).
view_tables!(sqlite, sqlx::Sqlite, rows: sqlite_rows, begin: "BEGIN IMMEDIATE", lock: "",
    as_text: "", event_transaction_id: "0", as_event_transaction_id: "",
    // SQLite truncates a table deleted without a condition.
    empty_timeline: "DELETE FROM view_timeline");

/// A batch's rows on PostgreSQL: one statement per table, each column bound as one array (the
/// timeline's rows by one binary `COPY`), so a batch costs a fixed number of round trips,
/// whatever its size.
mod pg_rows {
    use super::*;

    type Connection = sqlx::PgConnection;

    pub(super) async fn documents(
        tx: &mut Connection,
        documents: &[(View, String, i64, String)],
    ) -> Result<(), sqlx::Error> {
        if documents.is_empty() {
            return Ok(());
        }
        let views: Vec<&str> = documents.iter().map(|(view, ..)| view.name()).collect();
        let ids: Vec<&str> = documents.iter().map(|(_, id, ..)| id.as_str()).collect();
        let sequences: Vec<i64> = documents.iter().map(|(_, _, seq, _)| *seq).collect();
        let json: Vec<&str> = documents.iter().map(|(.., json)| json.as_str()).collect();
        // A batch writes each negotiation's document of a view once, so no row is touched twice.
        sqlx::query(
            "INSERT INTO view_documents (view_name, negotiation_id, last_sequence, document)
             SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[])
             ON CONFLICT (view_name, negotiation_id) DO UPDATE
                SET last_sequence = excluded.last_sequence, document = excluded.document",
        )
        .bind(views)
        .bind(ids)
        .bind(sequences)
        .bind(json)
        .execute(tx)
        .await
        .map(drop)
    }

    /// Timeline rows go by `COPY` in binary, the bulk path: an `INSERT` from arrays cost the
    /// server about twice the time for the tens of thousands of rows a rebuild writes per
    /// second (when the column was `json`, each element was also parsed through text).
    pub(super) async fn timeline(
        tx: &mut Connection,
        rows: &[(String, i64, String)],
    ) -> Result<(), sqlx::Error> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut copy = tx
            .copy_in_raw(
                "COPY view_timeline (negotiation_id, sequence, entry) FROM STDIN (FORMAT binary)",
            )
            .await?;
        copy.send(binary_copy_rows(rows)).await?;
        copy.finish().await.map(drop)
    }

    /// `rows` in PostgreSQL's binary `COPY` format: a header, then per row its field count and
    /// each field as a length and its bytes (text as its UTF-8 bytes, `bigint` as
    /// eight bytes big-endian), then a trailer.
    fn binary_copy_rows(rows: &[(String, i64, String)]) -> Vec<u8> {
        const SIGNATURE: &[u8] = b"PGCOPY\n\xff\r\n\0";
        const FIELDS_PER_ROW: i16 = 3;
        let field = |buffer: &mut Vec<u8>, bytes: &[u8]| {
            let length = i32::try_from(bytes.len())
                .expect("invariant: a row's field is far below 2 GiB (it holds one event's entry)");
            buffer.extend_from_slice(&length.to_be_bytes());
            buffer.extend_from_slice(bytes);
        };
        // Flags and header extension length before the rows, the trailer after them.
        const FRAME_BYTES: usize = 4 + 4 + 2;
        // The field count, three field lengths and the eight bytes of the sequence.
        const ROW_FIXED_BYTES: usize = 2 + 3 * 4 + 8;
        let bytes: usize = rows
            .iter()
            .map(|(id, _, entry)| ROW_FIXED_BYTES + id.len() + entry.len())
            .sum();
        let mut buffer = Vec::with_capacity(SIGNATURE.len() + FRAME_BYTES + bytes);
        buffer.extend_from_slice(SIGNATURE);
        buffer.extend_from_slice(&0i32.to_be_bytes()); // flags: no OIDs
        buffer.extend_from_slice(&0i32.to_be_bytes()); // no header extension
        for (negotiation_id, sequence, entry) in rows {
            buffer.extend_from_slice(&FIELDS_PER_ROW.to_be_bytes());
            field(&mut buffer, negotiation_id.as_bytes());
            field(&mut buffer, &sequence.to_be_bytes());
            field(&mut buffer, entry.as_bytes());
        }
        buffer.extend_from_slice(&(-1i16).to_be_bytes());
        debug_assert_eq!(
            buffer.len(),
            buffer.capacity(),
            "the size reserved is the size written"
        );
        buffer
    }

    pub(super) async fn journal(
        tx: &mut Connection,
        leaves: &[(i64, String, i64, chain::Hash)],
    ) -> Result<(), sqlx::Error> {
        if leaves.is_empty() {
            return Ok(());
        }
        let indexes: Vec<i64> = leaves.iter().map(|(index, ..)| *index).collect();
        let ids: Vec<&str> = leaves.iter().map(|(_, id, ..)| id.as_str()).collect();
        let sequences: Vec<i64> = leaves.iter().map(|(_, _, seq, _)| *seq).collect();
        let hashes: Vec<String> = leaves.iter().map(|(.., hash)| hex::encode(hash)).collect();
        sqlx::query(
            "INSERT INTO journal_leaves (leaf_index, negotiation_id, sequence, chain_hash)
             SELECT * FROM UNNEST($1::bigint[], $2::text[], $3::bigint[], $4::text[])",
        )
        .bind(indexes)
        .bind(ids)
        .bind(sequences)
        .bind(hashes)
        .execute(tx)
        .await
        .map(drop)
    }

    pub(super) async fn checkpoints(
        tx: &mut Connection,
        checkpoints: &[Checkpoint],
    ) -> Result<(), sqlx::Error> {
        let views: Vec<&str> = checkpoints.iter().map(|c| c.view.name()).collect();
        let transactions: Vec<i64> = checkpoints
            .iter()
            .map(|c| c.cursor.transaction_id)
            .collect();
        let positions: Vec<i64> = checkpoints
            .iter()
            .map(|c| c.cursor.global_position)
            .collect();
        let applied: Vec<i64> = checkpoints.iter().map(|c| c.events_applied).collect();
        sqlx::query(
            "UPDATE view_checkpoints c
                SET transaction_id = n.transaction_id, global_position = n.global_position,
                    events_applied = n.events_applied
               FROM UNNEST($1::text[], $2::bigint[], $3::bigint[], $4::bigint[])
                    AS n (view_name, transaction_id, global_position, events_applied)
              WHERE c.view_name = n.view_name",
        )
        .bind(views)
        .bind(transactions)
        .bind(positions)
        .bind(applied)
        .execute(tx)
        .await
        .map(drop)
    }
}

/// A batch's rows on SQLite, which has no arrays to bind: multi-row INSERTs, and a statement per
/// document and per checkpoint (SQLite runs in the process, so a statement costs no round trip).
mod sqlite_rows {
    use super::*;

    type Connection = sqlx::SqliteConnection;

    pub(super) async fn documents(
        tx: &mut Connection,
        documents: &[(View, String, i64, String)],
    ) -> Result<(), sqlx::Error> {
        for (view, negotiation_id, last_sequence, document) in documents {
            sqlx::query(
                "INSERT INTO view_documents (view_name, negotiation_id, last_sequence, document)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (view_name, negotiation_id) DO UPDATE
                    SET last_sequence = excluded.last_sequence, document = excluded.document",
            )
            .bind(view.name())
            .bind(negotiation_id)
            .bind(last_sequence)
            .bind(document)
            .execute(&mut *tx)
            .await?;
        }
        Ok(())
    }

    pub(super) async fn timeline(
        tx: &mut Connection,
        rows: &[(String, i64, String)],
    ) -> Result<(), sqlx::Error> {
        for rows in rows.chunks(TIMELINE_ROWS_PER_INSERT) {
            let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "INSERT INTO view_timeline (negotiation_id, sequence, entry) ",
            );
            insert.push_values(rows, |mut row, (negotiation_id, sequence, entry)| {
                row.push_bind(negotiation_id)
                    .push_bind(sequence)
                    .push_bind(entry);
            });
            insert.build().execute(&mut *tx).await?;
        }
        Ok(())
    }

    pub(super) async fn journal(
        tx: &mut Connection,
        leaves: &[(i64, String, i64, chain::Hash)],
    ) -> Result<(), sqlx::Error> {
        for rows in leaves.chunks(JOURNAL_ROWS_PER_INSERT) {
            let mut insert = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
                "INSERT INTO journal_leaves (leaf_index, negotiation_id, sequence, chain_hash) ",
            );
            insert.push_values(
                rows,
                |mut row, (leaf_index, negotiation_id, sequence, hash)| {
                    row.push_bind(leaf_index)
                        .push_bind(negotiation_id)
                        .push_bind(sequence)
                        .push_bind(hex::encode(hash));
                },
            );
            insert.build().execute(&mut *tx).await?;
        }
        Ok(())
    }

    pub(super) async fn checkpoints(
        tx: &mut Connection,
        checkpoints: &[Checkpoint],
    ) -> Result<(), sqlx::Error> {
        for checkpoint in checkpoints {
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
        Ok(())
    }
}
