//! The verified histories of the negotiations read last, kept by a long-running process (the
//! service) so that a read needing a negotiation's events (a clause's history, the text at a
//! point, a redline, the pages) reads only the events stored after the history it holds. Each
//! is kept with its timeline, extended event by event as the history grows, so the history of
//! the present is answered without the stored views, and without waiting for the projector.
//!
//! A history enters here only whole and verified from its first event (`ChainedStore::
//! load_checked`), and grows only from the head it holds: by events verified from it
//! (`ChainedStore::load_checked_after`), or by the events of an act this process decided on it
//! and committed (`extend_by_act`): the same trust model as the verified states
//! (`verified.rs`, `docs/ledger-format.md` §6). A history whose chain is broken is never kept,
//! so a reader is always shown which acts a damaged chain still vouches for, from a fresh
//! read. The histories are bounded by the events they hold in all (`max_events`) and by their
//! number (`max_histories`: each holds a folded state), the least recently read going first;
//! `forget_all` (damage found) drops every one.

use std::sync::{Arc, Mutex};

use cqrs_es::EventEnvelope;
use hashlink::LruCache;
use pacta_domain::Negotiation;
use pacta_projections::{ClauseHistory, HistoryEntry, NegotiationFold, OutOfSequence};
use pacta_verify::chain::ChainHead;

use crate::verified::Generation;

/// Events the service keeps in its recent histories, in all: about 5.3 KiB each in memory with
/// its timeline entry and the folds kept (`pacta-bench memory`: 512 MiB more once they are
/// full), plus the entry's JSON (about 360 bytes in `pacta-bench views`), so that a
/// negotiation of tens of thousands of acts is still kept whole.
pub const DEFAULT_MAX_RECENT_EVENTS: usize = 100_000;
/// Negotiations whose histories the service keeps, at most.
pub const DEFAULT_MAX_RECENT_HISTORIES: usize = 1_000;
/// A history keeps the projection's fold after every so many events, so each act in a clause's
/// history is folded from the last one kept before it, not from the first event. A fold
/// kept costs the clauses changed after it (copied on write): in `pacta-bench memory`, about
/// 0.6 MiB each, a third of the recent histories' memory.
pub const FOLD_KEPT_EVERY_EVENTS: usize = 256;

/// A negotiation's events, every link verified up to `head`, with their timeline.
#[derive(Clone)]
pub struct VerifiedHistory {
    pub events: Arc<Vec<EventEnvelope<Negotiation>>>,
    pub head: ChainHead,
    /// One entry per event, as the timeline view stores them (`NegotiationFold::apply`).
    pub timeline: Arc<Vec<HistoryEntry>>,
    /// Each entry of `timeline` as JSON, serialised once when it was folded, so a history read
    /// copies its entries rather than serialising them again (`entry_json`).
    timeline_json: Arc<Vec<Box<str>>>,
    /// The projection's fold after the last event, which the next events are folded into.
    fold: Arc<NegotiationFold>,
    /// The fold after each multiple of `FOLD_KEPT_EVERY_EVENTS` events, in order.
    folds_kept: Arc<Vec<Arc<NegotiationFold>>>,
}

impl VerifiedHistory {
    /// The history of `events`, verified up to `head`, with its timeline folded.
    pub fn of(
        negotiation_id: &str,
        events: Arc<Vec<EventEnvelope<Negotiation>>>,
        head: ChainHead,
    ) -> Result<VerifiedHistory, OutOfSequence> {
        let mut history = VerifiedHistory {
            events: Arc::new(Vec::new()),
            head: ChainHead::EMPTY,
            timeline: Arc::new(Vec::with_capacity(events.len())),
            timeline_json: Arc::new(Vec::with_capacity(events.len())),
            fold: Arc::new(NegotiationFold::new(negotiation_id)),
            folds_kept: Arc::new(Vec::new()),
        };
        history.fold_in(&events)?;
        history.events = events;
        history.head = head;
        Ok(history)
    }

    /// The person's accreditation as of the history's head.
    pub fn delegate(&self, person: &str) -> Option<&pacta_domain::Delegate> {
        self.fold.delegate(person)
    }

    /// Folds `events` into the timeline and the fold, keeping the fold at each multiple of
    /// `FOLD_KEPT_EVERY_EVENTS`.
    fn fold_in(&mut self, events: &[EventEnvelope<Negotiation>]) -> Result<(), OutOfSequence> {
        let timeline = Arc::make_mut(&mut self.timeline);
        let timeline_json = Arc::make_mut(&mut self.timeline_json);
        let fold = Arc::make_mut(&mut self.fold);
        for envelope in events {
            let entry = fold.apply(envelope)?;
            let json = serde_json::to_string(&entry).expect("invariant: entries serialise");
            timeline_json.push(json.into_boxed_str());
            timeline.push(entry);
            if fold.last_sequence().is_multiple_of(FOLD_KEPT_EVERY_EVENTS) {
                Arc::make_mut(&mut self.folds_kept).push(Arc::new(fold.clone()));
            }
        }
        Ok(())
    }

    /// The timeline entry of the event at `sequence` as JSON, exactly as `serde_json` writes
    /// the `HistoryEntry` (compact, fields in declaration order).
    ///
    /// Panics if the history holds no event at `sequence`.
    pub fn entry_json(&self, sequence: usize) -> &str {
        assert!(
            (1..=self.timeline_json.len()).contains(&sequence),
            "invariant: the history holds the event at sequence {sequence}"
        );
        debug_assert_eq!(self.timeline[sequence - 1].sequence, sequence);
        &self.timeline_json[sequence - 1]
    }

    /// The history of `clause_id`, or `None` when no event proposed it: each event that concerns
    /// the clause is folded from the last fold kept before it
    /// (`pacta_projections::clause_history_with_folds`), so its cost grows with the acts on the
    /// clause, not with the negotiation or the acts since the clause was proposed.
    pub fn clause_history(&self, clause_id: &str) -> Option<ClauseHistory> {
        pacta_projections::clause_history_with_folds(
            &self.events,
            &self.timeline,
            &self.folds_kept,
            clause_id,
        )
    }

    /// Whether a reader holds a copy of this history: extending it would copy it whole.
    fn is_shared(&self) -> bool {
        Arc::strong_count(&self.events) > 1
            || Arc::strong_count(&self.timeline) > 1
            || Arc::strong_count(&self.timeline_json) > 1
    }

    /// Extends the history by `events`, verified from its head up to `head`: in place when this
    /// is the only copy, else on a copy.
    pub fn extend(
        &mut self,
        events: Vec<EventEnvelope<Negotiation>>,
        head: ChainHead,
    ) -> Result<(), OutOfSequence> {
        self.fold_in(&events)?;
        Arc::make_mut(&mut self.events).extend(events);
        self.head = head;
        debug_assert_eq!(self.events.len(), self.timeline.len());
        debug_assert_eq!(self.timeline.len(), self.timeline_json.len());
        debug_assert_eq!(self.events.last().map(|e| e.sequence), Some(head.sequence));
        Ok(())
    }
}

pub struct RecentHistories {
    held: Mutex<Held>,
    /// Turns to read the events a history lacks, one negotiation's readers to a stripe, so
    /// concurrent readers of a negotiation read and fold them once, not each.
    turns: [tokio::sync::Mutex<()>; READING_STRIPES],
}

/// Stripes of `RecentHistories::turns`: more than the requests a service serves at once.
const READING_STRIPES: usize = 64;

struct Held {
    histories: LruCache<String, VerifiedHistory>,
    /// The events `histories` hold, in all: at most `max_events`.
    events_held: usize,
    max_events: usize,
    max_histories: usize,
    generation: u64,
}

impl Held {
    /// Evicts the least recently read histories until both bounds hold.
    fn evict_beyond_bounds(&mut self) {
        while self.events_held > self.max_events || self.histories.len() > self.max_histories {
            let (_, evicted) = self
                .histories
                .remove_lru()
                .expect("invariant: events are held, so a history is");
            self.events_held -= evicted.events.len();
        }
        debug_assert_eq!(
            self.events_held,
            self.histories
                .iter()
                .map(|(_, h)| h.events.len())
                .sum::<usize>()
        );
    }
}

impl RecentHistories {
    pub fn new(max_events: usize, max_histories: usize) -> RecentHistories {
        RecentHistories {
            held: Mutex::new(Held {
                histories: LruCache::new_unbounded(),
                events_held: 0,
                max_events,
                max_histories,
                generation: 0,
            }),
            turns: std::array::from_fn(|_| tokio::sync::Mutex::new(())),
        }
    }

    /// This reader's turn to read what `negotiation_id`'s history lacks, held until dropped.
    pub async fn turn_to_read(&self, negotiation_id: &str) -> tokio::sync::MutexGuard<'_, ()> {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        let hash = BuildHasherDefault::<DefaultHasher>::default().hash_one(negotiation_id);
        self.turns[hash as usize % READING_STRIPES].lock().await
    }

    /// The history held for `negotiation_id`, if any, shared; and the generation to keep a
    /// longer one under.
    pub fn get(&self, negotiation_id: &str) -> (Option<VerifiedHistory>, Generation) {
        let mut held = self.lock();
        let generation = Generation::of(held.generation);
        (held.histories.get(negotiation_id).cloned(), generation)
    }

    /// No longer holds the history of `negotiation_id` if it ends at `head`: the reader that
    /// got it and extends it then usually holds the only copy, and extends it in place.
    pub fn release(&self, negotiation_id: &str, head: ChainHead) {
        let mut held = self.lock();
        let ends_at_head = held
            .histories
            .peek(negotiation_id)
            .is_some_and(|kept| kept.head == head);
        if ends_at_head {
            let released = held
                .histories
                .remove(negotiation_id)
                .expect("invariant: just found");
            held.events_held -= released.events.len();
        }
    }

    /// Keeps `history` (whole and verified) unless everything was forgotten since `generation`
    /// was read, a longer one is held, or it alone exceeds the bound; then evicts the least
    /// recently read until the bound holds.
    pub fn keep(&self, negotiation_id: &str, history: VerifiedHistory, generation: Generation) {
        let mut held = self.lock();
        let length = history.events.len();
        if Generation::of(held.generation) != generation || length > held.max_events {
            return;
        }
        if let Some(kept) = held.histories.get(negotiation_id) {
            if kept.head.sequence >= history.head.sequence {
                return;
            }
            let replaced = kept.events.len();
            held.histories.remove(negotiation_id);
            held.events_held -= replaced;
        }
        held.histories.insert(negotiation_id.to_string(), history);
        held.events_held += length;
        held.evict_beyond_bounds();
    }

    /// Extends the history held for `negotiation_id` by an act this process committed: the
    /// act's `events`, sealed after `after` up to `head`. Only a history ending at `after`
    /// grows, so it holds nothing it did not verify or seal itself. A history grown so is found
    /// current by the next read's one lookup of the last sequence; one left as it was (a reader
    /// holds a copy of it, which extending would copy whole) is extended from the store by the
    /// next read, as before.
    pub fn extend_by_act(
        &self,
        negotiation_id: &str,
        after: ChainHead,
        events: &[EventEnvelope<Negotiation>],
        head: ChainHead,
    ) {
        let mut held = self.lock();
        let Some(history) = held.histories.peek_mut(negotiation_id) else {
            return;
        };
        if history.head != after || history.is_shared() {
            return;
        }
        if history.extend(events.to_vec(), head).is_ok() {
            held.events_held += events.len();
            held.evict_beyond_bounds();
        } else {
            // Folded in part (sealed events are in sequence, so never): read whole next time.
            let dropped = held
                .histories
                .remove(negotiation_id)
                .expect("invariant: just found");
            held.events_held -= dropped.events.len();
        }
    }

    /// Forgets every history: each is read and verified from its first event again. A history
    /// being read when this is called is not kept (`keep` compares the generation).
    pub fn forget_all(&self) {
        let mut held = self.lock();
        held.histories.clear();
        held.events_held = 0;
        held.generation += 1;
    }

    /// The events held, in all.
    pub fn events_held(&self) -> usize {
        self.lock().events_held
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history of `events` events as the bound counts them (their payloads do not matter).
    fn history(id: &str, events: usize) -> VerifiedHistory {
        let envelope = |sequence| EventEnvelope {
            aggregate_id: id.to_string(),
            sequence,
            payload: pacta_domain::NegotiationEvent::RoundClosed {
                round_id: "r".into(),
            },
            metadata: Default::default(),
        };
        VerifiedHistory {
            events: Arc::new((1..=events).map(envelope).collect()),
            head: ChainHead {
                sequence: events,
                hash: [0; 32],
            },
            timeline: Arc::new(Vec::new()),
            timeline_json: Arc::new(Vec::new()),
            fold: Arc::new(NegotiationFold::new(id)),
            folds_kept: Arc::new(Vec::new()),
        }
    }

    #[test]
    fn the_bounds_hold_the_least_recently_read_going_first() {
        let recent = RecentHistories::new(10, 3);
        let (_, generation) = recent.get("a");
        recent.keep("a", history("a", 4), generation);
        recent.keep("b", history("b", 4), generation);
        recent.get("a");
        recent.keep("c", history("c", 4), generation);
        assert_eq!(recent.events_held(), 8);
        assert!(recent.get("b").0.is_none(), "b was read least recently");
        assert!(recent.get("a").0.is_some());
        recent.keep("long", history("long", 11), generation);
        assert!(recent.get("long").0.is_none(), "longer than the bound");
        recent.keep("a", history("a", 3), generation);
        assert_eq!(
            recent.get("a").0.unwrap().head.sequence,
            4,
            "not replaced by a shorter one"
        );
        recent.keep("a", history("a", 6), generation);
        assert_eq!(recent.events_held(), 10);

        let six = recent.get("a").0.unwrap().head;
        recent.release("a", ChainHead { sequence: 5, ..six });
        assert_eq!(
            recent.events_held(),
            10,
            "released only at the head it ends at"
        );
        recent.release("a", six);
        assert_eq!(recent.events_held(), 4);

        for id in ["x", "y", "z"] {
            recent.keep(id, history(id, 1), generation);
        }
        assert!(recent.get("c").0.is_none(), "at most three histories");
        assert_eq!(recent.events_held(), 3);
    }

    /// A negotiation's first `events` events: its opening, then an article proposed per event
    /// (`art-2`, `art-3`, ...).
    fn negotiation_events(id: &str, events: usize) -> Vec<EventEnvelope<Negotiation>> {
        crate::fixtures::mou_with_articles(id, 2..=events)
            .into_iter()
            .zip(1..)
            .map(|(payload, sequence)| EventEnvelope {
                aggregate_id: id.to_string(),
                sequence,
                payload,
                metadata: Default::default(),
            })
            .collect()
    }

    /// Recent histories holding the first two of `events`, at most `max_events` in all.
    fn holding_first_two(
        events: &[EventEnvelope<Negotiation>],
        max_events: usize,
    ) -> RecentHistories {
        let recent = RecentHistories::new(max_events, 10);
        let (_, generation) = recent.get("n");
        let two = VerifiedHistory::of("n", Arc::new(events[..2].to_vec()), head(2)).unwrap();
        recent.keep("n", two, generation);
        recent
    }

    fn head(sequence: usize) -> ChainHead {
        ChainHead {
            sequence,
            hash: [sequence as u8; 32],
        }
    }

    #[test]
    fn an_act_committed_here_extends_only_the_history_ending_where_it_was_decided() {
        let events = negotiation_events("n", 5);
        let recent = holding_first_two(&events, 100);

        // Decided after another head: at another sequence, or at the same one with another hash.
        recent.extend_by_act("n", head(1), &events[2..3], head(3));
        let forked = ChainHead {
            hash: [9; 32],
            ..head(2)
        };
        recent.extend_by_act("n", forked, &events[2..3], head(3));
        assert_eq!(recent.get("n").0.unwrap().head, head(2));
        // A reader holds a copy: left as it was, not copied whole.
        let (copy, _) = recent.get("n");
        recent.extend_by_act("n", head(2), &events[2..3], head(3));
        assert_eq!(recent.get("n").0.unwrap().head, head(2));
        drop(copy);
        // No history held: none is made.
        recent.extend_by_act("other", head(2), &events[2..3], head(3));
        assert!(recent.get("other").0.is_none());

        recent.extend_by_act("n", head(2), &events[2..3], head(3));
        recent.extend_by_act("n", head(3), &events[3..5], head(5));
        let grown = recent.get("n").0.unwrap();
        let whole = VerifiedHistory::of("n", Arc::new(events.clone()), head(5)).unwrap();
        assert_eq!(grown.head, head(5));
        assert_eq!(recent.events_held(), 5);
        assert_eq!(grown.events.len(), 5);
        assert_eq!(grown.timeline, whole.timeline);
        for sequence in 1..=5 {
            assert_eq!(grown.entry_json(sequence), whole.entry_json(sequence));
        }
        assert_eq!(grown.clause_history("art-4"), whole.clause_history("art-4"));
        assert!(grown.delegate("nobody").is_none());
    }

    #[test]
    fn a_history_grown_past_the_bound_is_evicted() {
        let events = negotiation_events("n", 3);
        let recent = holding_first_two(&events, 2);
        recent.extend_by_act("n", head(2), &events[2..3], head(3));
        assert!(recent.get("n").0.is_none());
        assert_eq!(recent.events_held(), 0);
    }

    #[test]
    fn a_history_read_before_everything_was_forgotten_is_not_kept() {
        let recent = RecentHistories::new(10, 10);
        let (_, before) = recent.get("a");
        recent.forget_all();
        recent.keep("a", history("a", 2), before);
        assert!(recent.get("a").0.is_none());
        let (_, now) = recent.get("a");
        recent.keep("a", history("a", 2), now);
        assert_eq!(recent.events_held(), 2);
    }
}
