//! Verified states kept between acts.
//!
//! Without them, every act reads its negotiation's whole chain, verifies every link from the
//! first event and folds every event, so an act's cost grows with the negotiation's length. A
//! ledger that keeps verified states (`Ledger::keeping_verified_states`, which `pacta serve`
//! uses) holds, for the negotiations acted on most recently, the folded state with the head
//! (sequence and hash) it was verified up to. The next act reads only the events after that
//! head and verifies each as a link from the held hash (`ChainedEventStore::load_after`).
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

use std::sync::Mutex;

use hashlink::LruCache;
use pacta_domain::Negotiation;

use crate::store::ChainedContext;

/// How many negotiations' states `pacta serve` keeps: a negotiation's state is its clauses,
/// positions and acts' index, a few hundred kilobytes for a long one, so a thousand fit well
/// within the service's memory while covering every negotiation active at once.
pub const DEFAULT_MAX_VERIFIED_NEGOTIATIONS: usize = 1_000;

/// The verified states of at most `max_negotiations` negotiations, least recently used evicted.
pub struct VerifiedStates {
    states: Mutex<LruCache<String, ChainedContext<Negotiation>>>,
}

impl VerifiedStates {
    pub fn new(max_negotiations: usize) -> VerifiedStates {
        assert!(
            max_negotiations >= 1,
            "keep at least one negotiation's state"
        );
        VerifiedStates {
            states: Mutex::new(LruCache::new(max_negotiations)),
        }
    }

    /// A copy of the state held for `negotiation_id`, if any, to build the next act on.
    pub fn copy_of(&self, negotiation_id: &str) -> Option<ChainedContext<Negotiation>> {
        self.lock().get(negotiation_id).cloned()
    }

    /// Keeps `context`, unless it names no negotiation yet (nothing was opened: a probe of an
    /// unknown id must not take room) or a state further along is already held.
    pub fn keep(&self, context: ChainedContext<Negotiation>) {
        if context.head().sequence == 0 {
            return;
        }
        let mut states = self.lock();
        let further = states
            .get(context.aggregate_id())
            .is_some_and(|held| held.head().sequence > context.head().sequence);
        if !further {
            states.insert(context.aggregate_id().to_string(), context);
        }
    }

    /// Forgets every state: the next act on each negotiation verifies its chain from the start.
    pub fn forget_all(&self) {
        self.lock().clear();
    }

    /// How many negotiations' states are held.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, ChainedContext<Negotiation>>> {
        // A panic while holding the lock leaves a cache that is at worst missing an entry.
        self.states
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
