//! An event store that seals every event into its negotiation's hash chain.
//!
//! `ChainedEventStore` implements cqrs-es's `EventStore` over any `PersistedEventRepository`
//! (postgres-es on PostgreSQL, sqlite-es embedded). It verifies the whole stored chain before
//! the aggregate is rebuilt, so a damaged stream is never acted on, and it seals new events
//! from the head it just verified, so committing costs no extra read. Two writers that loaded
//! the same head race for the same sequence; the repository's primary key lets exactly one win
//! and the other gets `AggregateError::AggregateConflict`.
//!
//! Verifying a whole negotiation on every command costs time in proportion to its length. The
//! store therefore remembers, per negotiation, the state it last rebuilt from verified events
//! and the head it verified. The next load reads only from that head on: it re-verifies the head
//! event itself (so a history cut short, rolled back or rewritten at its end is refused) and
//! every event after it. State is only ever built from events this process verified; changes to
//! older rows, which it no longer reads, are what `pacta verify` and a fresh process detect.

use std::collections::HashMap;
use std::sync::Mutex;

use cqrs_es::persist::{PersistedEventRepository, SerializedEvent};
use cqrs_es::{
    Aggregate, AggregateContext, AggregateError, DomainEvent, EventEnvelope, EventStore,
};

use crate::chain::{self, ChainError, ChainHead, ChainProblem};

/// Negotiations whose verified state a store keeps; when full, it starts over.
pub const MAX_CACHED_AGGREGATES: usize = 1_024;

pub struct ChainedEventStore<R, A> {
    repo: R,
    verified: Mutex<HashMap<String, Verified<A>>>,
    max_cached_aggregates: usize,
}

/// State rebuilt from a verified stream, with the last two links to re-check it against.
#[derive(Clone)]
struct Verified<A> {
    aggregate: A,
    head: ChainHead,
    /// Hash of the event before the head (genesis for the first event).
    before_head: chain::Hash,
}

/// The aggregate rebuilt from a verified stream, and the head its next event must link to.
pub struct ChainedContext<A> {
    aggregate_id: String,
    aggregate: A,
    head: ChainHead,
}

impl<A: Aggregate> AggregateContext<A> for ChainedContext<A> {
    fn aggregate(&mut self) -> &mut A {
        &mut self.aggregate
    }
}

impl<A> ChainedContext<A> {
    pub fn head(&self) -> ChainHead {
        self.head
    }
}

/// Why a stream could not be read as a verified chain.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Integrity(#[from] ChainError),
    #[error("cannot read the event store: {0}")]
    Storage(#[from] cqrs_es::persist::PersistenceError),
}

impl<R: PersistedEventRepository, A: Aggregate + Clone> ChainedEventStore<R, A> {
    pub fn new(repo: R) -> Self {
        Self::with_cache_capacity(repo, MAX_CACHED_AGGREGATES)
    }

    /// A store that verifies every negotiation from its first event on every load.
    pub fn without_cache(repo: R) -> Self {
        Self::with_cache_capacity(repo, 0)
    }

    fn with_cache_capacity(repo: R, max_cached_aggregates: usize) -> Self {
        Self {
            repo,
            verified: Mutex::new(HashMap::new()),
            max_cached_aggregates,
        }
    }

    /// The stored events of one aggregate, each link checked, in sequence order.
    pub async fn load_verified(
        &self,
        aggregate_id: &str,
    ) -> Result<(Vec<SerializedEvent>, ChainHead), LoadError> {
        let events = self.repo.get_events::<A>(aggregate_id).await?;
        let head = chain::verify_stream(aggregate_id, &events)?;
        Ok((events, head))
    }

    async fn load_envelopes(
        &self,
        aggregate_id: &str,
    ) -> Result<(Vec<EventEnvelope<A>>, ChainHead), AggregateError<A::Error>> {
        let (events, head) = self
            .load_verified(aggregate_id)
            .await
            .map_err(aggregate_error)?;
        Ok((envelopes(events)?, head))
    }

    /// The aggregate rebuilt from verified events: from the remembered state when there is one,
    /// re-checking its head and verifying only what follows; from the first event otherwise.
    async fn rebuild(&self, aggregate_id: &str) -> Result<Verified<A>, AggregateError<A::Error>> {
        let remembered = self
            .verified
            .lock()
            .expect("cache lock")
            .get(aggregate_id)
            .cloned();
        let Some(mut state) = remembered else {
            let (events, head) = self
                .load_verified(aggregate_id)
                .await
                .map_err(aggregate_error)?;
            let before_head = match events.len() {
                0 | 1 => chain::GENESIS_HASH,
                n => chain::hash_field(&events[n - 2]).expect("verified events carry their hash"),
            };
            let mut aggregate = A::default();
            for envelope in envelopes::<A>(events)? {
                aggregate.apply(envelope.payload);
            }
            return Ok(Verified {
                aggregate,
                head,
                before_head,
            });
        };
        let from_head = self
            .repo
            .get_last_events::<A>(aggregate_id, state.head.sequence - 1)
            .await?;
        let before = ChainHead {
            sequence: state.head.sequence - 1,
            hash: state.before_head,
        };
        let head_is_unchanged = from_head
            .first()
            .is_some_and(|event| chain::verify_next(aggregate_id, before, event) == Ok(state.head));
        if !head_is_unchanged {
            return Err(aggregate_error(LoadError::Integrity(ChainError {
                aggregate_id: aggregate_id.to_string(),
                sequence: state.head.sequence,
                problem: ChainProblem::HeadRewritten {
                    verified: hex::encode(state.head.hash),
                },
            })));
        }
        let newer = &from_head[1..];
        for event in newer {
            state.before_head = state.head.hash;
            state.head = chain::verify_next(aggregate_id, state.head, event)
                .map_err(|e| aggregate_error(e.into()))?;
        }
        for envelope in envelopes::<A>(newer.to_vec())? {
            state.aggregate.apply(envelope.payload);
        }
        Ok(state)
    }

    fn remember(&self, aggregate_id: &str, state: &Verified<A>) {
        if self.max_cached_aggregates == 0 || state.head.sequence == 0 {
            return;
        }
        let mut verified = self.verified.lock().expect("cache lock");
        if verified.len() >= self.max_cached_aggregates && !verified.contains_key(aggregate_id) {
            verified.clear();
        }
        verified.insert(aggregate_id.to_string(), state.clone());
    }
}

fn aggregate_error<E: std::error::Error>(error: LoadError) -> AggregateError<E> {
    match error {
        LoadError::Integrity(e) => AggregateError::UnexpectedError(Box::new(e)),
        LoadError::Storage(e) => e.into(),
    }
}

fn envelopes<A: Aggregate>(
    events: Vec<SerializedEvent>,
) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
    Ok(events
        .into_iter()
        .map(EventEnvelope::<A>::try_from)
        .collect::<Result<Vec<_>, _>>()?)
}

impl<A, R> EventStore<A> for ChainedEventStore<R, A>
where
    A: Aggregate + Clone,
    R: PersistedEventRepository,
{
    type AC = ChainedContext<A>;

    async fn load_events(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        Ok(self.load_envelopes(aggregate_id).await?.0)
    }

    async fn load_aggregate(
        &self,
        aggregate_id: &str,
    ) -> Result<ChainedContext<A>, AggregateError<A::Error>> {
        let state = self.rebuild(aggregate_id).await?;
        self.remember(aggregate_id, &state);
        Ok(ChainedContext {
            aggregate_id: aggregate_id.to_string(),
            aggregate: state.aggregate,
            head: state.head,
        })
    }

    async fn commit(
        &self,
        events: Vec<A::Event>,
        context: ChainedContext<A>,
        metadata: HashMap<String, String>,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        let metadata_value = serde_json::to_value(&metadata)?;
        let mut head = context.head;
        let mut sealed = Vec::with_capacity(events.len());
        let mut envelopes = Vec::with_capacity(events.len());
        for payload in events {
            let sequence = head.sequence + 1;
            let mut event = SerializedEvent::new(
                context.aggregate_id.clone(),
                sequence,
                A::TYPE.to_string(),
                payload.event_type(),
                payload.event_version(),
                serde_json::to_value(&payload)?,
                metadata_value.clone(),
            );
            let hash = chain::seal(&mut event, &head.hash)?;
            head = ChainHead { sequence, hash };
            envelopes.push(EventEnvelope {
                aggregate_id: context.aggregate_id.clone(),
                sequence,
                payload,
                metadata: serde_json::from_value(event.metadata.clone())?,
            });
            sealed.push(event);
        }
        if !sealed.is_empty() {
            self.repo.persist::<A>(&sealed, None).await?;
        }
        Ok(envelopes)
    }
}
