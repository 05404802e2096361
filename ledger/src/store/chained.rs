//! An event store that seals every event into its negotiation's hash chain.
//!
//! `ChainedEventStore` implements cqrs-es's `EventStore` over any `PersistedEventRepository`
//! (postgres-es on PostgreSQL, sqlite-es embedded). Every load reads the negotiation's whole
//! stream and verifies every link before the aggregate is rebuilt, so a damaged stream is never
//! acted on; it seals new events from the head it just verified, so committing costs no extra
//! read. Two writers that loaded the same head race for the same sequence; the repository's
//! primary key lets exactly one win and the other gets `AggregateError::AggregateConflict`.

use std::collections::HashMap;
use std::sync::Arc;

use cqrs_es::persist::{PersistedEventRepository, PersistenceError, SerializedEvent};
use cqrs_es::{
    Aggregate, AggregateContext, AggregateError, DomainEvent, EventEnvelope, EventStore,
};

use pacta_domain::metadata;

use pacta_verify::chain::{self, ChainError, ChainHead, ChainProblem};

pub struct ChainedEventStore<R> {
    repo: R,
}

/// The aggregate rebuilt from a verified stream, the head its next event must link to, and the
/// commands its events record, so a retry is recognised from this one read of the stream.
/// Command ids are scoped to the person who sent them (the `actor` of the events): one person's
/// id can neither be taken nor replayed by another.
#[derive(Clone)]
pub struct ChainedContext<A> {
    aggregate_id: String,
    aggregate: A,
    head: ChainHead,
    /// By (actor, command id). Persistent, so copying a held state to build an act on is cheap
    /// however many commands the negotiation has recorded.
    commands: imbl::HashMap<(String, String), RecordedCommand>,
}

/// The events one command id recorded: their sequences, and the command's fingerprint
/// (`command_sha256`; absent on events recorded before fingerprints were kept).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecordedCommand {
    pub fingerprint: Option<String>,
    pub sequences: Vec<usize>,
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

    /// The state the verified events fold to.
    pub fn state(&self) -> &A {
        &self.aggregate
    }

    /// An empty state at `sequence`, for tests of what holds contexts.
    #[cfg(test)]
    pub(crate) fn for_tests(aggregate_id: &str, sequence: usize) -> ChainedContext<A>
    where
        A: Default,
    {
        ChainedContext {
            aggregate_id: aggregate_id.to_string(),
            aggregate: A::default(),
            head: ChainHead {
                sequence,
                hash: [0; 32],
            },
            commands: imbl::HashMap::new(),
        }
    }

    /// The negotiation this context holds.
    pub fn aggregate_id(&self) -> &str {
        &self.aggregate_id
    }

    /// What the stream recorded under `command_id` sent by `actor`, if anything.
    pub fn recorded_command(&self, actor: &str, command_id: &str) -> Option<&RecordedCommand> {
        self.commands
            .get(&(actor.to_string(), command_id.to_string()))
    }
}

/// A stream checked link by link: the events up to the first bad link, and that link's fault.
pub struct Checked<A: Aggregate> {
    /// Shared: a process keeping recent histories (`crate::recent`) hands the one it holds.
    pub events: Arc<Vec<EventEnvelope<A>>>,
    pub head: ChainHead,
    pub broken: Option<ChainError>,
}

/// Why a stream could not be read as a verified chain.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Integrity(#[from] ChainError),
    #[error("cannot read the event store: {0}")]
    Storage(#[from] cqrs_es::persist::PersistenceError),
}

impl<R: PersistedEventRepository> ChainedEventStore<R> {
    pub fn new(repo: R) -> Self {
        Self { repo }
    }

    /// The stored events of one aggregate, each link checked, in sequence order.
    pub async fn load_verified<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<(Vec<SerializedEvent>, ChainHead), LoadError> {
        let events = self.repo.get_events::<A>(aggregate_id).await?;
        let head = chain::verify_stream(aggregate_id, &events)?;
        Ok((events, head))
    }

    /// The longest verified prefix of one aggregate's stream, and where and why the rest fails
    /// to verify, if it does: what a reader needs to show which events still hold.
    pub async fn load_checked<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Checked<A>, LoadError> {
        let events = self.repo.get_events::<A>(aggregate_id).await?;
        let mut head = ChainHead::EMPTY;
        let mut broken = None;
        let mut verified = 0;
        for event in &events {
            match chain::verify_next(aggregate_id, head, event) {
                Ok(next) => {
                    head = next;
                    verified += 1;
                }
                Err(error) => {
                    broken = Some(error);
                    break;
                }
            }
        }
        let mut events = events;
        events.truncate(verified);
        let envelopes = events
            .into_iter()
            .map(EventEnvelope::<A>::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Checked {
            events: Arc::new(envelopes),
            head,
            broken,
        })
    }

    async fn load_envelopes<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<(Vec<EventEnvelope<A>>, ChainHead), AggregateError<A::Error>> {
        let (events, head) = self
            .load_verified::<A>(aggregate_id)
            .await
            .map_err(|e| match e {
                LoadError::Integrity(e) => AggregateError::UnexpectedError(Box::new(e)),
                LoadError::Storage(e) => e.into(),
            })?;
        let envelopes = events
            .into_iter()
            .map(EventEnvelope::<A>::try_from)
            .collect::<Result<Vec<_>, _>>()?;
        Ok((envelopes, head))
    }
}

/// An aggregate that folds each stored event together with the metadata it was recorded with:
/// a negotiation learns when each act took place (pacta-domain, occasion.rs).
pub trait FoldsRecorded: Aggregate {
    fn apply_recorded(&mut self, event: Self::Event, metadata: &HashMap<String, String>);
}

impl FoldsRecorded for pacta_domain::Negotiation {
    /// The chain guarantees the events are the ones `decide` accepted: one that cannot follow is
    /// a broken invariant, as in `apply`.
    fn apply_recorded(&mut self, event: Self::Event, metadata: &HashMap<String, String>) {
        let took_place_on = pacta_domain::stated_date(
            metadata
                .get(pacta_domain::metadata::TOOK_PLACE_ON)
                .map(String::as_str),
        );
        if let Err(refusal) = pacta_domain::Negotiation::apply_recorded(self, event, took_place_on)
        {
            panic!("invariant: the store holds only events the domain decided, but {refusal}");
        }
    }
}

impl<A, R> EventStore<A> for ChainedEventStore<R>
where
    A: FoldsRecorded,
    R: PersistedEventRepository,
{
    type AC = ChainedContext<A>;

    async fn load_events(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        Ok(self.load_envelopes::<A>(aggregate_id).await?.0)
    }

    async fn load_aggregate(
        &self,
        aggregate_id: &str,
    ) -> Result<ChainedContext<A>, AggregateError<A::Error>> {
        let (envelopes, head) = self.load_envelopes::<A>(aggregate_id).await?;
        let mut context = ChainedContext {
            aggregate_id: aggregate_id.to_string(),
            aggregate: A::default(),
            head,
            commands: imbl::HashMap::new(),
        };
        for envelope in envelopes {
            context.fold(envelope);
        }
        Ok(context)
    }

    async fn commit(
        &self,
        events: Vec<A::Event>,
        context: ChainedContext<A>,
        metadata: HashMap<String, String>,
    ) -> Result<Vec<EventEnvelope<A>>, AggregateError<A::Error>> {
        // cqrs-es's `handle` has already applied the events to `context`'s aggregate.
        Ok(self.seal_and_persist(events, &context, metadata).await?.0)
    }
}

impl<A: FoldsRecorded> ChainedContext<A> {
    /// Folds one verified event, stored or just committed, into the aggregate and the commands
    /// it records. The caller has checked its link; `head` is advanced by whoever checked it.
    fn fold(&mut self, mut envelope: EventEnvelope<A>) {
        if let Some(command_id) = envelope.metadata.remove(metadata::COMMAND_ID) {
            let actor = envelope
                .metadata
                .remove(metadata::ACTOR)
                .unwrap_or_default();
            let recorded = self.commands.entry((actor, command_id)).or_default();
            recorded.sequences.push(envelope.sequence);
            if recorded.fingerprint.is_none() {
                recorded.fingerprint = envelope.metadata.remove(metadata::COMMAND_SHA256);
            }
        }
        self.aggregate
            .apply_recorded(envelope.payload, &envelope.metadata);
    }
}

impl<R: PersistedEventRepository> ChainedEventStore<R> {
    /// The events stored after `head`, a head of `aggregate_id`'s chain this process verified,
    /// once the event at `head` is found still stored with the hash held (one indexed query);
    /// else what is wrong with it. Events are only ever appended, so an event at the head that
    /// is gone or altered means the stream was cut short or rewritten underneath.
    async fn stored_after<A: Aggregate>(
        &self,
        aggregate_id: &str,
        head: ChainHead,
    ) -> Result<Result<Vec<SerializedEvent>, ChainProblem>, PersistenceError> {
        let mut stored = self
            .repo
            .get_last_events::<A>(aggregate_id, head.sequence.saturating_sub(1))
            .await?;
        let at_head = stored.first().filter(|e| e.sequence == head.sequence);
        let problem = match at_head.map(chain::hash_field) {
            None => Some(ChainProblem::SequenceGap {
                expected: head.sequence,
            }),
            Some(stored) if stored != Some(head.hash) => Some(ChainProblem::ContentAltered {
                stored: stored.map(hex::encode).unwrap_or_default(),
                computed: hex::encode(head.hash),
            }),
            Some(_) => None,
        };
        Ok(match problem {
            Some(problem) => Err(problem),
            None => {
                stored.remove(0);
                Ok(stored)
            }
        })
    }

    /// The events stored after `head` (a verified head of `aggregate_id`'s chain), every
    /// link verified from it. `None` when they cannot be: the stored event at `head` is gone
    /// or altered, or a later link fails; `load_checked` then says which acts still hold.
    pub async fn load_checked_after<A: Aggregate>(
        &self,
        aggregate_id: &str,
        head: ChainHead,
    ) -> Result<Option<(Vec<EventEnvelope<A>>, ChainHead)>, LoadError> {
        let Ok(stored) = self.stored_after::<A>(aggregate_id, head).await? else {
            return Ok(None);
        };
        let mut verified_to = head;
        let mut envelopes = Vec::with_capacity(stored.len());
        for event in stored {
            let Ok(next) = chain::verify_next(aggregate_id, verified_to, &event) else {
                return Ok(None);
            };
            verified_to = next;
            envelopes.push(EventEnvelope::<A>::try_from(event)?);
        }
        Ok(Some((envelopes, verified_to)))
    }

    /// `held`, a context this process verified earlier, brought up to the stored head: only the
    /// events after its head are read (one indexed query), and each is verified as a link from
    /// the head `held` kept, so an act costs the same whatever the length of the negotiation.
    /// What `held` was built from is not read again: it was verified when it entered the process
    /// (see ARCHITECTURE.md, "Verified states").
    ///
    /// The held head's own event is read too, and must still be stored with the hash held. Events
    /// are only ever appended, so if it is not, the stream was cut short or rewritten underneath:
    /// an integrity failure, as a kept head that no longer matches is for `pacta verify
    /// --expect-head`, and no act is decided on what is stored now.
    pub async fn load_after<A: FoldsRecorded>(
        &self,
        mut held: ChainedContext<A>,
    ) -> Result<ChainedContext<A>, AggregateError<A::Error>> {
        let stored = match self
            .stored_after::<A>(&held.aggregate_id, held.head)
            .await?
        {
            Ok(stored) => stored,
            Err(problem) => {
                let error = ChainError {
                    aggregate_id: held.aggregate_id.clone(),
                    sequence: held.head.sequence,
                    problem,
                };
                return Err(AggregateError::UnexpectedError(Box::new(error)));
            }
        };
        for event in stored {
            let head = chain::verify_next(&held.aggregate_id, held.head, &event)
                .map_err(|e| AggregateError::UnexpectedError(Box::new(e)))?;
            let envelope = EventEnvelope::<A>::try_from(event)?;
            held.fold(envelope);
            held.head = head;
        }
        Ok(held)
    }

    /// Seals and commits `events` after `context`'s head, and returns them with `context`
    /// advanced past them: the state a process may keep for its next act on the negotiation.
    /// `events` must have been decided on `context` without being applied to it (the domain's
    /// `decide`, not cqrs-es's `handle`, which applies them as it goes).
    pub async fn commit_advancing<A: FoldsRecorded>(
        &self,
        events: Vec<A::Event>,
        context: ChainedContext<A>,
        metadata: HashMap<String, String>,
    ) -> Result<(Vec<EventEnvelope<A>>, ChainedContext<A>), AggregateError<A::Error>> {
        let sealed = context.seal(events, metadata)?;
        self.persist_sealed::<A>(&sealed.stored).await?;
        let advanced = context.advanced(&sealed);
        Ok((sealed.envelopes, advanced))
    }

    /// Stores events sealed by `ChainedContext::seal` (`Sealed::stored`), in one transaction of the repository's;
    /// a head another writer took first fails on the store's uniqueness (`AggregateConflict`).
    pub async fn persist_sealed<A: FoldsRecorded>(
        &self,
        stored: &[SerializedEvent],
    ) -> Result<(), AggregateError<A::Error>> {
        if !stored.is_empty() {
            self.repo.persist::<A>(stored, None).await?;
        }
        Ok(())
    }

    /// Seals `events` into the chain after `context`'s head and stores them.
    async fn seal_and_persist<A: FoldsRecorded>(
        &self,
        events: Vec<A::Event>,
        context: &ChainedContext<A>,
        metadata: HashMap<String, String>,
    ) -> Result<(Vec<EventEnvelope<A>>, ChainHead), AggregateError<A::Error>> {
        let sealed = context.seal(events, metadata)?;
        self.persist_sealed::<A>(&sealed.stored).await?;
        Ok((sealed.envelopes, sealed.head))
    }
}

/// Events sealed into a negotiation's chain after a context's head, not stored yet.
pub struct Sealed<A: Aggregate> {
    /// As the store holds them.
    pub stored: Vec<SerializedEvent>,
    pub envelopes: Vec<EventEnvelope<A>>,
    /// The head after the last of them.
    pub head: ChainHead,
}

impl<A: FoldsRecorded> ChainedContext<A> {
    /// Seals `events`, stamped with `metadata`, into the chain after this context's head.
    pub fn seal(
        &self,
        events: Vec<A::Event>,
        metadata: HashMap<String, String>,
    ) -> Result<Sealed<A>, AggregateError<A::Error>> {
        let metadata_value = serde_json::to_value(&metadata)?;
        let mut head = self.head;
        let mut stored = Vec::with_capacity(events.len());
        let mut envelopes: Vec<EventEnvelope<A>> = Vec::with_capacity(events.len());
        for payload in events {
            let sequence = head.sequence + 1;
            let mut event = SerializedEvent::new(
                self.aggregate_id.clone(),
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
                aggregate_id: self.aggregate_id.clone(),
                sequence,
                payload,
                metadata: serde_json::from_value(event.metadata.clone())?,
            });
            stored.push(event);
        }
        Ok(Sealed {
            stored,
            envelopes,
            head,
        })
    }

    /// This context advanced past `sealed`, which were sealed after its head: the state once
    /// they are stored.
    pub fn advanced(mut self, sealed: &Sealed<A>) -> ChainedContext<A> {
        for envelope in &sealed.envelopes {
            self.fold(EventEnvelope {
                aggregate_id: envelope.aggregate_id.clone(),
                sequence: envelope.sequence,
                payload: envelope.payload.clone(),
                metadata: envelope.metadata.clone(),
            });
        }
        self.head = sealed.head;
        self
    }
}
