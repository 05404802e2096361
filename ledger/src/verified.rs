//! Verified states kept between acts.
//!
//! Without them, every act reads its negotiation's whole chain, verifies every link from the
//! first event and folds every event, so an act's cost grows with the negotiation's length. A
//! ledger that keeps verified states (`Ledger::keeping_verified_states`, which `pacta serve`
//! uses) holds, for the negotiations acted on most recently, the folded state with the head
//! (sequence and hash) it was verified up to. The next act is decided on that state without
//! reading the store. When another process has appended since, the act's commit loses on the
//! sequence; that, and any refusal decided on a held state, makes the act read only the events
//! after the held head and verify each as a link from the held hash
//! (`ChainedEventStore::load_after`) before it is decided again, after checking that the held
//! head itself is still stored with the hash held: events are only ever appended, so a head that
//! is gone or changed means the stream was cut short or rewritten, an integrity failure.
//!
//! The trust model: a decision is made only on history that was verified when it entered this
//! process — read and checked link by link, or sealed and committed by this process itself.
//! Events already held are not read again per act, so a change made underneath to an event
//! already held (by someone with write access to the database) is found not by the next act but
//! by the service's whole-ledger verification, which then makes the ledger forget every held
//! state (`Ledger::forget_verified_states`): from then on each act verifies its chain from the
//! first event again, and a damaged negotiation is refused, as it always was.
//!
//! Bounded: at most `max_negotiations` states, the least recently used evicted first. A stale
//! state is never wrong, only older: another writer's events are read after its head, and a
//! commit on a head another writer took still loses on the store's uniqueness and is retried.

use std::sync::{Arc, Mutex};

use hashlink::LruCache;
use pacta_domain::Negotiation;

use crate::store::ChainedContext;

/// How many negotiations' states `pacta serve` keeps: a negotiation's state is its clauses,
/// positions and acts' index, a few hundred kilobytes for a long one, so a thousand fit well
/// within the service's memory while covering every negotiation active at once.
pub const DEFAULT_MAX_VERIFIED_NEGOTIATIONS: usize = 1_000;

/// The verified states of at most `max_negotiations` negotiations, least recently used evicted.
pub struct VerifiedStates {
    states: Mutex<Held>,
}

/// The states, and how many times they were all forgotten: a state loaded before the last
/// `forget_all` is never kept after it (an act in flight when damage is found must not put back
/// what the verification made the ledger forget).
struct Held {
    /// Shared, so a read of the present takes a state without copying it.
    states: LruCache<String, Arc<ChainedContext<Negotiation>>>,
    generation: u64,
}

/// When a state was taken from (or, absent, loaded beside) the kept ones: `keep` takes it back
/// only if nothing was forgotten since.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Generation(u64);

impl Generation {
    pub(crate) fn of(count: u64) -> Generation {
        Generation(count)
    }
}

impl VerifiedStates {
    pub fn new(max_negotiations: usize) -> VerifiedStates {
        assert!(
            max_negotiations >= 1,
            "keep at least one negotiation's state"
        );
        VerifiedStates {
            states: Mutex::new(Held {
                states: LruCache::new(max_negotiations),
                generation: 0,
            }),
        }
    }

    /// The state held for `negotiation_id`, if any, to build the next act on (a copy, by
    /// `Arc::unwrap_or_clone`) or to read, and the generation to give back to `keep` with what
    /// is built on it (or on a fresh load).
    pub fn copy_of(
        &self,
        negotiation_id: &str,
    ) -> (Option<Arc<ChainedContext<Negotiation>>>, Generation) {
        let mut held = self.lock();
        let generation = Generation(held.generation);
        (held.states.get(negotiation_id).cloned(), generation)
    }

    /// Keeps `context`, loaded or advanced in `generation`, unless every state was forgotten
    /// since, it names no negotiation yet (nothing was opened: a probe of an unknown id must not
    /// take room), or a state further along is already held.
    /// Returns it, shared.
    pub fn keep(
        &self,
        context: ChainedContext<Negotiation>,
        generation: Generation,
    ) -> Arc<ChainedContext<Negotiation>> {
        self.keep_shared(Arc::new(context), generation)
    }

    /// `keep`, for a state already shared.
    pub fn keep_shared(
        &self,
        context: Arc<ChainedContext<Negotiation>>,
        generation: Generation,
    ) -> Arc<ChainedContext<Negotiation>> {
        if context.head().sequence == 0 {
            return context;
        }
        let mut held = self.lock();
        if held.generation != generation.0 {
            return context;
        }
        let further = held
            .states
            .get(context.aggregate_id())
            .is_some_and(|kept| kept.head().sequence > context.head().sequence);
        if !further {
            held.states
                .insert(context.aggregate_id().to_string(), context.clone());
        }
        context
    }

    /// The generation states are taken in now.
    pub fn generation(&self) -> Generation {
        Generation(self.lock().generation)
    }

    /// Forgets every state: the next act on each negotiation verifies its chain from the start,
    /// and no act already under way keeps what it loaded before.
    pub fn forget_all(&self) {
        let mut held = self.lock();
        held.states.clear();
        held.generation += 1;
    }

    /// How many negotiations' states are held.
    pub fn len(&self) -> usize {
        self.lock().states.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        // A panic while holding the lock leaves a cache that is at worst missing an entry.
        self.states
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ChainedContext;

    fn context(id: &str, sequence: usize) -> ChainedContext<Negotiation> {
        ChainedContext::for_tests(id, sequence)
    }

    #[test]
    fn a_state_loaded_before_everything_was_forgotten_is_not_kept() {
        let states = VerifiedStates::new(4);
        let (_, before) = states.copy_of("n");
        states.forget_all();
        states.keep(context("n", 3), before);
        assert!(states.is_empty());
        let (_, now) = states.copy_of("n");
        states.keep(context("n", 3), now);
        assert_eq!(states.len(), 1);
    }

    #[test]
    fn a_state_behind_the_one_held_does_not_replace_it_and_the_bound_holds() {
        let states = VerifiedStates::new(2);
        let (_, generation) = states.copy_of("a");
        states.keep(context("a", 5), generation);
        states.keep(context("a", 4), generation);
        assert_eq!(states.copy_of("a").0.unwrap().head().sequence, 5);
        states.keep(context("b", 1), generation);
        states.keep(context("c", 1), generation);
        assert_eq!(states.len(), 2);
        assert!(
            states.copy_of("a").0.is_none(),
            "the least recently used went first"
        );
        states.keep(context("never-opened", 0), generation);
        assert!(states.copy_of("never-opened").0.is_none());
    }
}
