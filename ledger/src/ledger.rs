//! The ledger: executes negotiating acts against the chained store and reads them back verified.
//!
//! This is where identity and time meet the pure domain: the ledger stamps each accepted
//! command's events with who acted, in which capacity, when, and under which command id. It
//! retries a command that lost a race for the next sequence, from a fresh load, for a bounded
//! time, so concurrent delegates never overwrite each other and never see a spurious failure
//! under ordinary contention, however slow the machine.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use cqrs_es::persist::PersistedEventRepository;
use cqrs_es::{AggregateError, EventEnvelope, EventStore};
use pacta_domain::limits::MAX_EVENTS_PER_COMMAND;
use pacta_domain::metadata;
use pacta_domain::{
    Action, Delegate, Negotiation, NegotiationCommand, NegotiationError, NegotiationEvent,
    Occasion, Register,
};
use pacta_verify::chain::{ChainError, ChainHead};

use crate::in_flight::InFlight;
use crate::patrol::Quarantine;
use crate::recent::{RecentHistories, VerifiedHistory};
use crate::store::{
    ChainedContext, ChainedEventStore, Checked, CommitFailure, Database, GroupCommitter, LoadError,
    RecordedCommand,
};
use crate::verified::VerifiedStates;

/// A client-chosen command id: long enough for a UUID or a client's own scheme, short enough
/// to sit in every event's metadata.
pub const MAX_COMMAND_ID_BYTES: usize = 128;
/// How long a command keeps retrying lost races before it is reported as a conflict. A budget
/// in time rather than in attempts: a race is lost only because another writer committed, so
/// retrying always makes progress, but how many attempts that takes depends on how loaded the
/// machine is (a fixed 32 attempts ran out on a busy two-core CI runner). Thirty seconds is
/// longer than any contention between delegates, short enough for a person to be told.
pub const RETRY_BUDGET_MS: u64 = 30_000;
/// Retries pause a random time up to `RETRY_BASE_MS × 2^attempt`, capped ("full jitter"), so
/// writers that lost together do not collide again in lockstep. The cap is a few times the cost
/// of one load-decide-commit on a loaded machine, so that sixteen writers spread out.
pub const RETRY_BASE_MS: u64 = 1;
pub const RETRY_MAX_PAUSE_MS: u64 = 250;

/// A failure of the database underneath, kept with its cause.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("negotiation '{negotiation_id}': refused: {reason}")]
    Refused {
        negotiation_id: String,
        reason: NegotiationError,
    },
    #[error("command id '{0}' is invalid: use 1 to 128 printable ASCII characters without spaces")]
    InvalidCommandId(String),
    #[error("negotiation '{0}' does not exist; open it first (pacta open)")]
    UnknownNegotiation(String),
    #[error("the command opens negotiation '{in_command}' but was addressed to '{addressed}'")]
    WrongNegotiation {
        addressed: String,
        in_command: String,
    },
    #[error(
        "the command produced {count} events; the limit is {max_events_per_command} per command"
    )]
    TooManyEvents {
        count: usize,
        max_events_per_command: usize,
    },
    #[error("negotiation '{negotiation_id}': {attempts} attempts over {waited_ms} ms lost the race to other writers; nothing was recorded, try again")]
    Conflict {
        negotiation_id: String,
        attempts: u32,
        waited_ms: u128,
    },
    #[error("{0}; the negotiation is not acted on until the ledger is restored from a verified copy (run pacta verify)")]
    Integrity(ChainError),
    #[error("negotiation '{negotiation_id}' is not acted on: the background verification found its history damaged: {finding}; restore the ledger from a verified copy (run pacta verify) and restart the service")]
    Quarantined {
        negotiation_id: String,
        finding: Box<crate::verification::LedgerFinding>,
    },
    #[error("command id '{command_id}' was already used by you in negotiation '{negotiation_id}' for a different command; choose a new command id")]
    CommandIdReused {
        negotiation_id: String,
        command_id: String,
    },
    #[error("the event store failed: {0}; check that the database is running and reachable")]
    Storage(#[source] BoxError),
}

impl LedgerError {
    fn from_store(negotiation_id: &str, error: AggregateError<NegotiationError>) -> LedgerError {
        match error {
            AggregateError::UserError(reason) => LedgerError::Refused {
                negotiation_id: negotiation_id.to_string(),
                reason,
            },
            AggregateError::UnexpectedError(inner) => match inner.downcast::<ChainError>() {
                Ok(chain) => LedgerError::Integrity(*chain),
                Err(other) => LedgerError::Storage(other),
            },
            AggregateError::DatabaseConnectionError(e)
            | AggregateError::DeserializationError(e) => LedgerError::Storage(e),
            AggregateError::AggregateConflict => LedgerError::Conflict {
                negotiation_id: negotiation_id.to_string(),
                attempts: 1,
                waited_ms: 0,
            },
        }
    }
}

impl From<LoadError> for LedgerError {
    fn from(error: LoadError) -> Self {
        match error {
            LoadError::Integrity(chain) => LedgerError::Integrity(chain),
            LoadError::Storage(e) => LedgerError::Storage(Box::new(e)),
        }
    }
}

/// Who performed a command, and under which id; the ledger adds the time.
#[derive(Clone, Debug, Default)]
pub struct CommandContext {
    /// Client-chosen id of the command; a fresh UUID when absent. A command sent again under
    /// the id it was accepted with is not recorded twice: the original events are returned.
    pub command_id: Option<String>,
}

/// What executing a command did: the events it recorded, or, for a retry of a command already
/// accepted under the same command id, the events recorded the first time.
#[derive(Debug)]
pub struct Executed {
    pub events: Vec<EventEnvelope<Negotiation>>,
    pub replayed: bool,
}

/// The ledger on one database: executes commands and reads negotiations back verified. Which
/// database is a value, not a type parameter, so the CLI, the service and the tests hold one
/// concrete type; the work below is generic over cqrs-es's repositories.
pub struct Ledger {
    store: ChainedStore,
    /// For the operator's register of persons, which commands naming persons are decided against.
    database: Database,
    /// Negotiations' states verified earlier, kept between acts by a long-running ledger.
    verified: Option<Arc<VerifiedStates>>,
    /// Negotiations' histories verified earlier, kept for reads by a long-running ledger.
    recent: Option<Arc<RecentHistories>>,
    /// Negotiations the patrol found damaged: no act on them is decided.
    quarantine: Option<Arc<Quarantine>>,
    /// Commits concurrent acts together (`crate::store::GroupCommitter`), when started.
    committer: Option<Arc<GroupCommitter>>,
    /// The negotiations acted on at this moment.
    in_flight: InFlight,
}

enum ChainedStore {
    Postgres(ChainedEventStore<postgres_es::PostgresEventRepository>),
    Sqlite(ChainedEventStore<sqlite_es::SqliteEventRepository>),
}

/// Runs the same code on whichever chained store the ledger has.
macro_rules! on_store {
    ($ledger:expr, |$store:ident| $body:expr) => {
        match &$ledger.store {
            ChainedStore::Postgres($store) => $body,
            ChainedStore::Sqlite($store) => $body,
        }
    };
}

impl Ledger {
    pub fn on(database: &Database) -> Ledger {
        let store = match database {
            Database::Postgres(pool, _) => ChainedStore::Postgres(ChainedEventStore::new(
                postgres_es::PostgresEventRepository::new(pool.clone()),
            )),
            Database::Sqlite(pool) => ChainedStore::Sqlite(ChainedEventStore::new(
                sqlite_es::SqliteEventRepository::new(pool.clone()),
            )),
        };
        Ledger {
            store,
            database: database.clone(),
            verified: None,
            recent: None,
            quarantine: None,
            committer: None,
            in_flight: InFlight::default(),
        }
    }

    /// This ledger commits acts in groups: the acts of concurrent writers in one transaction,
    /// and acts queued on one negotiation decided one after another without waiting for each
    /// other's commit (`crate::store::GroupCommitter`, `crate::in_flight`). Each act is still
    /// acknowledged only once it is committed. For a process that executes acts concurrently:
    /// the service.
    pub fn committing_in_groups(mut self) -> Ledger {
        self.committer = Some(Arc::new(GroupCommitter::new(self.database.clone())));
        self
    }

    /// How many transactions committed groups of acts so far, and how many acts they held; zero
    /// when acts are committed one by one.
    pub fn groups_and_acts(&self) -> (u64, u64) {
        self.committer
            .as_ref()
            .map_or((0, 0), |committer| committer.groups_and_acts())
    }

    /// This ledger keeps the verified states of up to `max_negotiations` negotiations between
    /// acts, so an act is decided on the state it holds and reads and verifies only the events
    /// after that state's head, when another process appended some (see
    /// `crate::verified` for what that trusts). For a process that executes many acts: the
    /// service. A one-shot process (the CLI) gains nothing by it.
    pub fn keeping_verified_states(mut self, max_negotiations: usize) -> Ledger {
        self.verified = Some(Arc::new(VerifiedStates::new(max_negotiations)));
        self
    }

    /// This ledger keeps the verified histories of the negotiations read last, up to
    /// `max_events` events and `max_histories` negotiations in all, so a read of a
    /// negotiation's events (`checked_events`) or its timeline and clauses (`recent`) reads and verifies
    /// only the events stored after the history it holds (see `crate::recent` for what that
    /// trusts). For the service; a one-shot process (the CLI) gains nothing by it.
    pub fn keeping_recent_histories(mut self, max_events: usize, max_histories: usize) -> Ledger {
        self.recent = Some(Arc::new(RecentHistories::new(max_events, max_histories)));
        self
    }

    /// This ledger refuses every act on a negotiation `quarantine` holds (`crate::patrol`): the
    /// background verification found its history damaged.
    pub fn with_quarantine(mut self, quarantine: Arc<Quarantine>) -> Ledger {
        self.quarantine = Some(quarantine);
        self
    }

    /// Forgets every kept state: each negotiation's next act verifies its chain from the first
    /// event. What the whole-ledger verification does when it finds damage.
    pub fn forget_verified_states(&self) {
        if let Some(verified) = &self.verified {
            verified.forget_all();
        }
        if let Some(recent) = &self.recent {
            recent.forget_all();
        }
    }

    /// How many negotiations' verified states this ledger holds.
    pub fn verified_states_held(&self) -> usize {
        self.verified.as_ref().map_or(0, |v| v.len())
    }

    /// Executes one command: load (every link verified), decide, stamp, commit, and retry from
    /// a fresh load when another writer took the sequence first. A client-chosen command id
    /// makes the command idempotent: a retry gets back the events first recorded under it.
    pub async fn execute(
        &self,
        negotiation_id: &str,
        command: NegotiationCommand,
        context: &CommandContext,
    ) -> Result<Executed, LedgerError> {
        if let Some(finding) = self
            .quarantine
            .as_ref()
            .and_then(|quarantine| quarantine.finding(negotiation_id))
        {
            return Err(LedgerError::Quarantined {
                negotiation_id: negotiation_id.to_string(),
                finding: Box::new(finding),
            });
        }
        // Looked up once, before any attempt: the register is operator data outside the chain,
        // and a command is decided against it as it stands when the command arrives.
        let register = self
            .database
            .register_of(&command.named_persons())
            .await
            .map_err(|e| LedgerError::Storage(Box::new(e)))?;
        let committing = match &self.committer {
            Some(committer) => Committing::InGroups(committer),
            None => Committing::Alone,
        };
        on_store!(self, |store| {
            let on = Execution {
                store,
                database: &self.database,
                committing,
                in_flight: &self.in_flight,
                verified: self.verified.as_deref(),
                recent: self.recent.as_deref(),
                register: &register,
            };
            execute(on, negotiation_id, command, context).await
        })
    }

    /// The database the ledger executes on, whose register of persons commands are decided
    /// against.
    pub fn database(&self) -> &Database {
        &self.database
    }

    /// The negotiation as it stands now, verified, without its events: what a read of the
    /// present needs (who is accredited, the text root, the head). A ledger keeping verified
    /// states answers from the one it holds when nothing was stored after its head (one lookup
    /// of the last sequence), else reads and verifies only the events after it; otherwise the
    /// chain is loaded and verified from its first event. Unknown negotiations are an error.
    pub async fn current(
        &self,
        negotiation_id: &str,
    ) -> Result<Arc<ChainedContext<Negotiation>>, LedgerError> {
        let (held, generation) = match &self.verified {
            Some(verified) => verified.copy_of(negotiation_id),
            None => (None, Default::default()),
        };
        let context = match held {
            Some(held) => {
                let stored = self.last_sequence(negotiation_id).await?;
                if stored == held.head().sequence {
                    return Ok(held);
                }
                on_store!(self, |store| store
                    .load_after(Arc::unwrap_or_clone(held))
                    .await)
            }
            None => on_store!(self, |store| EventStore::<Negotiation>::load_aggregate(
                store,
                negotiation_id
            )
            .await),
        }
        .map_err(|e| LedgerError::from_store(negotiation_id, e))?;
        if context.head().sequence == 0 {
            return Err(LedgerError::UnknownNegotiation(negotiation_id.to_string()));
        }
        Ok(match &self.verified {
            Some(verified) => verified.keep(context, generation),
            None => Arc::new(context),
        })
    }

    /// The negotiation's events, every link verified. Unknown negotiations are an error.
    pub async fn events(
        &self,
        negotiation_id: &str,
    ) -> Result<Vec<EventEnvelope<Negotiation>>, LedgerError> {
        let events = on_store!(self, |store| {
            EventStore::<Negotiation>::load_events(store, negotiation_id).await
        })
        .map_err(|e| LedgerError::from_store(negotiation_id, e))?;
        if events.is_empty() {
            return Err(LedgerError::UnknownNegotiation(negotiation_id.to_string()));
        }
        Ok(events)
    }

    /// The negotiation's events up to its first bad link, and that link's fault, if any.
    /// Unknown negotiations are an error.
    ///
    /// A ledger keeping recent histories answers from the one it holds, with only the events
    /// stored after its head read and verified; a negotiation the patrol quarantined is always
    /// read and verified from its first event, so its reader sees where the chain breaks.
    pub async fn checked_events(
        &self,
        negotiation_id: &str,
    ) -> Result<Checked<Negotiation>, LedgerError> {
        let checked = match self.recent_history(negotiation_id).await? {
            Recent::Held(history) => Checked {
                events: history.events,
                head: history.head,
                broken: None,
            },
            Recent::ReadWhole(checked) => checked,
            Recent::NotKept => on_store!(self, |store| {
                store.load_checked::<Negotiation>(negotiation_id).await
            })?,
        };
        if checked.events.is_empty() && checked.broken.is_none() {
            return Err(LedgerError::UnknownNegotiation(negotiation_id.to_string()));
        }
        Ok(checked)
    }

    /// The negotiation's verified history as it stands now, as this ledger keeps it for reads
    /// (`crate::recent`): its events, its timeline (as the projector would store it) and its
    /// clauses' histories, brought up to the last stored act by reading only the acts after the
    /// history held, so no read waits for the projector. `None` when this ledger keeps no recent
    /// histories, or cannot keep this one (quarantined, its chain broken): read
    /// `checked_events`, which says where it breaks.
    pub async fn recent(
        &self,
        negotiation_id: &str,
    ) -> Result<Option<VerifiedHistory>, LedgerError> {
        Ok(match self.recent_history(negotiation_id).await? {
            Recent::Held(history) => Some(history),
            Recent::ReadWhole(_) | Recent::NotKept => None,
        })
    }

    /// The last sequence stored for the negotiation (0: none), by one indexed lookup.
    async fn last_sequence(&self, negotiation_id: &str) -> Result<usize, LedgerError> {
        self.database
            .last_sequence(<Negotiation as cqrs_es::Aggregate>::TYPE, negotiation_id)
            .await
            .map_err(|e| LedgerError::Storage(Box::new(e)))
    }

    /// The negotiation's verified history from the recent histories: the one held, extended by
    /// the events stored after its head; else read whole, and kept when it verifies. Nothing is
    /// read when no history may be kept (no recent histories, or the negotiation quarantined).
    async fn recent_history(&self, negotiation_id: &str) -> Result<Recent, LedgerError> {
        let quarantined = self
            .quarantine
            .as_ref()
            .is_some_and(|q| q.finding(negotiation_id).is_some());
        let recent = match &self.recent {
            Some(recent) if !quarantined => recent,
            _ => return Ok(Recent::NotKept),
        };
        // What was stored when this read began, once it is known to lie beyond the history held.
        let mut stored_at_start = None;
        if let (Some(history), _) = recent.get(negotiation_id) {
            let stored = self.last_sequence(negotiation_id).await?;
            if stored == history.head.sequence {
                return Ok(Recent::Held(history));
            }
            stored_at_start = (stored > history.head.sequence).then_some(stored);
        }
        // One reader at a time reads the events a negotiation's history lacks; the others find
        // them read when their turn comes.
        let _turn = recent.turn_to_read(negotiation_id).await;
        let (held, generation) = recent.get(negotiation_id);
        if let Some(mut history) = held {
            if stored_at_start.is_some_and(|stored| stored <= history.head.sequence) {
                return Ok(Recent::Held(history));
            }
            let stored = self.last_sequence(negotiation_id).await?;
            if stored == history.head.sequence {
                return Ok(Recent::Held(history));
            }
            recent.release(negotiation_id, history.head);
            // Fewer events stored than held: read whole, as a reader without it would.
            let after = if stored > history.head.sequence {
                on_store!(self, |store| {
                    store
                        .load_checked_after::<Negotiation>(negotiation_id, history.head)
                        .await
                })?
            } else {
                None
            };
            if let Some((events, head)) = after {
                if history.extend(events, head).is_ok() {
                    recent.keep(negotiation_id, history.clone(), generation);
                    return Ok(Recent::Held(history));
                }
            }
        }
        let checked = on_store!(self, |store| {
            store.load_checked::<Negotiation>(negotiation_id).await
        })?;
        if checked.broken.is_some() || checked.events.is_empty() {
            return Ok(Recent::ReadWhole(checked));
        }
        match VerifiedHistory::of(negotiation_id, checked.events.clone(), checked.head) {
            Ok(history) => {
                recent.keep(negotiation_id, history.clone(), generation);
                Ok(Recent::Held(history))
            }
            Err(_) => Ok(Recent::ReadWhole(checked)),
        }
    }

    /// Recomputes the negotiation's chain from its first event.
    pub async fn verify(&self, negotiation_id: &str) -> Result<ChainHead, LedgerError> {
        let (_, head) = on_store!(self, |store| {
            store.load_verified::<Negotiation>(negotiation_id).await
        })?;
        Ok(head)
    }
}

/// A negotiation's history as `Ledger::recent_history` read it.
enum Recent {
    /// Verified whole, and kept (or keepable) with its timeline.
    Held(VerifiedHistory),
    /// Read from its first event and not kept: its chain broken, or no events.
    ReadWhole(Checked<Negotiation>),
    /// Not read: this ledger keeps no recent histories, or the negotiation is quarantined.
    NotKept,
}

/// The metadata recorded with every event of one command: who, in which capacity, when, and
/// under which command id. The clock is read here, never in the domain.
/// `command_sha256` is absent only for events a benchmark seeds without a command.
/// Public for that benchmark, which seeds long histories straight into the store.
pub fn stamp(
    acting_as: Delegate,
    command_id: &str,
    command_sha256: Option<&str>,
) -> HashMap<String, String> {
    stamp_at(
        acting_as,
        command_id,
        command_sha256,
        chrono::Utc::now(),
        None,
    )
}

/// [`stamp`], for a command recorded at `recorded_at` (the instant its dates were checked
/// against) that states `occasion`: when and where its act took place.
pub fn stamp_at(
    acting_as: Delegate,
    command_id: &str,
    command_sha256: Option<&str>,
    recorded_at: chrono::DateTime<chrono::Utc>,
    occasion: Option<&Occasion>,
) -> HashMap<String, String> {
    let mut metadata = HashMap::from([
        (
            metadata::RECORDED_AT.to_string(),
            recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        ),
        (metadata::ACTOR.to_string(), acting_as.person),
        (metadata::PARTY.to_string(), acting_as.party),
        (metadata::ROLE.to_string(), acting_as.role.to_string()),
        (metadata::COMMAND_ID.to_string(), command_id.to_string()),
    ]);
    if let Some(fingerprint) = command_sha256 {
        metadata.insert(metadata::COMMAND_SHA256.to_string(), fingerprint.into());
    }
    if let Some(occasion) = occasion {
        metadata.insert(metadata::TOOK_PLACE_ON.into(), occasion.on.to_string());
        if let Some(at) = occasion.at {
            metadata.insert(
                metadata::TOOK_PLACE_AT.into(),
                at.format("%H:%M:%S").to_string(),
            );
        }
        if let Some(place) = &occasion.place {
            metadata.insert(metadata::TOOK_PLACE_IN.into(), place.clone());
        }
        if occasion.intersessional {
            metadata.insert(metadata::INTERSESSIONAL.into(), "true".into());
        }
    }
    metadata
}

/// The fingerprint of a command: hex SHA-256 of its RFC 8785 canonical JSON
/// (`pacta_verify::chain::canonical_json`, which writes most commands' JSON without the general
/// canonicaliser: every act computes one).
pub fn command_sha256(command: &NegotiationCommand) -> String {
    use sha2::Digest;
    let canonical = serde_json::to_value(command)
        .and_then(|value| pacta_verify::chain::canonical_json(&value))
        .expect("invariant: a command is plain JSON (strings, numbers, maps)");
    hex::encode(sha2::Sha256::digest(canonical))
}

/// Commits the `events` a command decided on the aggregate `loaded` from, stamped with who acted,
/// the command id and the command's fingerprint. On any cqrs-es store: the benchmark commits the
/// same way on plain postgres-es.
pub async fn commit_stamped<ES: EventStore<Negotiation>>(
    store: &ES,
    events: Vec<NegotiationEvent>,
    loaded: ES::AC,
    acting_as: Delegate,
    command_id: &str,
    fingerprint: &str,
) -> Result<Vec<EventEnvelope<Negotiation>>, AggregateError<NegotiationError>> {
    store
        .commit(
            events,
            loaded,
            stamp(acting_as, command_id, Some(fingerprint)),
        )
        .await
}

/// How long to pause after losing a race on attempt `attempt` (from 1) before the next: a random
/// time up to `RETRY_BASE_MS × 2^attempt`, capped at `RETRY_MAX_PAUSE_MS`.
pub fn retry_pause(attempt: u32) -> Duration {
    let ceiling_ms = (RETRY_BASE_MS << attempt.min(16)).min(RETRY_MAX_PAUSE_MS);
    Duration::from_millis(fastrand::u64(0..=ceiling_ms))
}

/// Where an act is committed: straight through the repository, one transaction per act, or
/// through the group committer.
#[derive(Clone, Copy)]
enum Committing<'a> {
    Alone,
    InGroups(&'a GroupCommitter),
}

/// What `Ledger::execute` works with besides the command.
struct Execution<'a, R> {
    store: &'a ChainedEventStore<R>,
    database: &'a Database,
    committing: Committing<'a>,
    in_flight: &'a InFlight,
    verified: Option<&'a VerifiedStates>,
    recent: Option<&'a RecentHistories>,
    register: &'a Register,
}

/// `Ledger::execute`. Each attempt, in the state the commit builds on, looks for events already
/// recorded under the command id.
/// Looking in that state closes the race between two copies of one command: if the other copy
/// commits after our load, our commit conflicts on the sequence, and the next attempt finds its
/// events.
async fn execute<R: PersistedEventRepository>(
    on: Execution<'_, R>,
    negotiation_id: &str,
    command: NegotiationCommand,
    context: &CommandContext,
) -> Result<Executed, LedgerError> {
    if let Action::OpenNegotiation {
        negotiation_id: in_command,
        ..
    } = &command.action
    {
        if in_command != negotiation_id {
            return Err(LedgerError::WrongNegotiation {
                addressed: negotiation_id.to_string(),
                in_command: in_command.clone(),
            });
        }
    }
    let command_id = match &context.command_id {
        Some(id)
            if (1..=MAX_COMMAND_ID_BYTES).contains(&id.len())
                && id.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            id.clone()
        }
        Some(id) => return Err(LedgerError::InvalidCommandId(id.chars().take(40).collect())),
        None => uuid::Uuid::new_v4().to_string(),
    };
    let fingerprint = command_sha256(&command);
    let started = tokio::time::Instant::now();
    let budget = Duration::from_millis(RETRY_BUDGET_MS);
    let entered = on.in_flight.enter(negotiation_id);
    let mut attempt: u32 = 0;
    // Whether the next attempt reads the events after the state held before deciding: after a
    // lost race, or to confirm a refusal decided on a held state (`fresh` below). Committing
    // alone, through cqrs-es's repository, always reads first: only the group committer's
    // insert refuses an event whose predecessor is no longer stored.
    let mut read_first = matches!(on.committing, Committing::Alone);
    loop {
        attempt += 1;
        let mut tip = entered.tip.lock().await;
        // The last act submitted here: once it failed, the state built on it never existed.
        let in_flight = match tip.last.as_ref().map(|last| (last, last.settled())) {
            Some((_, Some(Err(_)))) => {
                tip.state = None;
                tip.last = None;
                None
            }
            Some((_, Some(Ok(())))) => {
                tip.last = None;
                None
            }
            Some((last, None)) => Some(last.clone()),
            None => None,
        };
        // `fresh`: the state is known to be the stored head, or to be built on an act in flight
        // whose commit will prove it was. A state held from an earlier act is not read again
        // before deciding: another process's act since then makes an acceptance lose its race
        // on the sequence (and the next attempt reads first), and a refusal is answered only
        // once confirmed on a fresh read, so no act is refused on history that has moved on.
        let (state, fresh) = match (tip.state.take(), &in_flight) {
            // Built on an act not committed yet: nothing stored is newer than it in this
            // process, and another process's act makes this one fail on the sequence.
            (Some(state), Some(_)) => (state, true),
            (Some(state), None) if read_first => {
                (read_after(on.store, negotiation_id, state).await?, true)
            }
            (Some(state), None) => (state, false),
            // Loaded from the store only when nothing is in flight here.
            (None, Some(last)) => {
                let last = last.clone();
                drop(tip);
                let _ = last.committed().await;
                attempt -= 1;
                continue;
            }
            (None, None) => {
                let (held, generation) = match on.verified {
                    Some(verified) => verified.copy_of(negotiation_id),
                    None => (None, Default::default()),
                };
                tip.generation = generation;
                match held {
                    Some(held) if !read_first => (held, false),
                    Some(held) => (read_after(on.store, negotiation_id, held).await?, true),
                    None => (
                        Arc::new(
                            EventStore::<Negotiation>::load_aggregate(on.store, negotiation_id)
                                .await
                                .map_err(|e| LedgerError::from_store(negotiation_id, e))?,
                        ),
                        true,
                    ),
                }
            }
        };
        let generation = tip.generation;
        // An answer given on a state not committed yet waits for it: if the act it was built
        // on fails, the answer is decided again.
        macro_rules! answer_once_built_on_is_committed {
            ($answer:expr) => {{
                tip.state = Some(state.clone());
                drop(tip);
                if let Some(last) = in_flight {
                    if last.committed().await.is_err() {
                        continue;
                    }
                }
                $answer
            }};
        }
        // A refusal is answered only on a fresh state; on a held one it is decided again after
        // reading what the store has recorded since.
        macro_rules! refuse {
            ($error:expr) => {{
                if !fresh {
                    tip.state = Some(state);
                    read_first = true;
                    continue;
                }
                return answer_once_built_on_is_committed!(Err($error));
            }};
        }
        if context.command_id.is_some() {
            if let Some(recorded) = state.recorded_command(&command.actor, &command_id).cloned() {
                return answer_once_built_on_is_committed!({
                    if let Some(verified) = on.verified {
                        verified.keep_shared(state, generation);
                    }
                    let events = replay(
                        on.store,
                        negotiation_id,
                        &command_id,
                        recorded,
                        &fingerprint,
                    )
                    .await?;
                    Ok(Executed {
                        events,
                        replayed: true,
                    })
                });
            }
        }
        let aggregate = state.state();
        if !aggregate.is_open() && !matches!(command.action, Action::OpenNegotiation { .. }) {
            refuse!(LedgerError::UnknownNegotiation(negotiation_id.to_string()));
        }
        let acting_as = aggregate.acting_as(&command);
        // Read once: the dates are checked against the instant the events are stamped with.
        let recorded_at = chrono::Utc::now();
        // `decide` rather than cqrs-es's `handle`, which applies each event to the aggregate as
        // it writes it to the sink: the state kept for the next act must fold the events as
        // stored, with the date their metadata states (`ChainedContext::advanced` does).
        let events = match aggregate.decide(&command, &on.register.clone().at(recorded_at)) {
            Ok(events) => events,
            Err(reason) => refuse!(LedgerError::Refused {
                negotiation_id: negotiation_id.to_string(),
                reason,
            }),
        };
        if events.len() > MAX_EVENTS_PER_COMMAND {
            tip.state = Some(state);
            return Err(LedgerError::TooManyEvents {
                count: events.len(),
                max_events_per_command: MAX_EVENTS_PER_COMMAND,
            });
        }
        let acting_as = acting_as.expect("invariant: an accepted command has an accredited actor");
        let occasion = command
            .occasion()
            .expect("invariant: an accepted command states one date");
        let metadata = stamp_at(
            acting_as,
            &command_id,
            Some(&fingerprint),
            recorded_at,
            occasion.as_ref(),
        );
        let sealed = match state.seal(events, metadata) {
            Ok(sealed) => sealed,
            Err(error) => {
                tip.state = Some(state);
                return Err(LedgerError::from_store(negotiation_id, error));
            }
        };
        let decided_after = state.head();
        let advanced = Arc::new(Arc::unwrap_or_clone(state).advanced(&sealed));
        let committed = match on.committing {
            Committing::InGroups(committer) => {
                let ticket = committer.submit(sealed.stored, in_flight).await;
                let ticket = match ticket {
                    Ok(ticket) => ticket,
                    Err(failure) => return Err(LedgerError::Storage(Box::new(failure))),
                };
                tip.state = Some(advanced.clone());
                tip.last = Some(ticket.clone());
                drop(tip);
                match ticket.committed().await {
                    Ok(()) => Ok(()),
                    Err(CommitFailure::Conflict) => Err(AggregateError::AggregateConflict),
                    Err(failure) => Err(AggregateError::DatabaseConnectionError(Box::new(failure))),
                }
            }
            Committing::Alone => {
                let persisted = on.store.persist_sealed::<Negotiation>(&sealed.stored).await;
                if persisted.is_ok() {
                    tip.state = Some(advanced.clone());
                }
                drop(tip);
                if persisted.is_ok() {
                    on.database.announce_new_events().await;
                }
                persisted
            }
        };
        match committed {
            Ok(()) => {
                if let Some(verified) = on.verified {
                    verified.keep_shared(advanced, generation);
                }
                if let Some(recent) = on.recent {
                    recent.extend_by_act(
                        negotiation_id,
                        decided_after,
                        &sealed.envelopes,
                        sealed.head,
                    );
                }
                return Ok(Executed {
                    events: sealed.envelopes,
                    replayed: false,
                });
            }
            Err(AggregateError::AggregateConflict) if started.elapsed() >= budget => {
                return Err(LedgerError::Conflict {
                    negotiation_id: negotiation_id.to_string(),
                    attempts: attempt,
                    waited_ms: started.elapsed().as_millis(),
                });
            }
            Err(AggregateError::AggregateConflict) => {
                read_first = true;
                tokio::time::sleep(retry_pause(attempt)).await;
            }
            Err(other) => return Err(LedgerError::from_store(negotiation_id, other)),
        }
    }
}

/// `held` brought up to what the store holds: the events after its head, each verified as a link
/// from the head held (`ChainedEventStore::load_after`).
async fn read_after<R: PersistedEventRepository>(
    store: &ChainedEventStore<R>,
    negotiation_id: &str,
    held: Arc<ChainedContext<Negotiation>>,
) -> Result<Arc<ChainedContext<Negotiation>>, LedgerError> {
    store
        .load_after(Arc::unwrap_or_clone(held))
        .await
        .map(Arc::new)
        .map_err(|e| LedgerError::from_store(negotiation_id, e))
}

/// The events first recorded under `command_id`, for a retry; an error if they record another
/// command. Events recorded before fingerprints were kept carry none; they are taken as the same
/// command, as a retry is by far the likelier reason to send an id again.
async fn replay<R: PersistedEventRepository>(
    store: &ChainedEventStore<R>,
    negotiation_id: &str,
    command_id: &str,
    recorded: RecordedCommand,
    fingerprint: &str,
) -> Result<Vec<EventEnvelope<Negotiation>>, LedgerError> {
    if recorded.fingerprint.is_some_and(|f| f != fingerprint) {
        return Err(LedgerError::CommandIdReused {
            negotiation_id: negotiation_id.to_string(),
            command_id: command_id.to_string(),
        });
    }
    Ok(
        EventStore::<Negotiation>::load_events(store, negotiation_id)
            .await
            .map_err(|e| LedgerError::from_store(negotiation_id, e))?
            .into_iter()
            .filter(|e| recorded.sequences.contains(&e.sequence))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use pacta_domain::{Action, NegotiationCommand};

    use super::command_sha256;

    /// The fingerprint is RFC 8785's, whichever way the bytes are written: compared with the
    /// general canonicaliser over texts whose escapes, non-BMP characters and key orders are
    /// where a shortcut would go wrong.
    #[test]
    fn a_command_s_fingerprint_is_the_sha256_of_its_rfc_8785_form() {
        use sha2::Digest;
        for text in [
            "Les Parties conviennent",
            "تتفق الأطراف",
            "quote \" backslash \\ newline \n tab \t del \u{7f} nul-free",
            "non-BMP \u{1F600} and \u{10FFFD}, BMP \u{FFFD}",
        ] {
            let command = NegotiationCommand {
                actor: "amina.kone".into(),
                action: Action::Comment {
                    clause_id: Some("art-1".into()),
                    text: text.into(),
                    internal: true,
                },
                took_place: None,
            };
            let expected = hex::encode(sha2::Sha256::digest(
                serde_json_canonicalizer::to_vec(&command).unwrap(),
            ));
            assert_eq!(command_sha256(&command), expected, "{text:?}");
        }
    }
}
