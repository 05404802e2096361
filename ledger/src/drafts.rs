//! The drafts written most recently, each kept clause by clause as JSON
//! (`pacta_projections::DraftJsonCache`), so that a draft written after an act renders the
//! clauses the act changed rather than the whole text: the service's reads of the present, and
//! the projector's stored draft view. Bounded in bytes of JSON, least recently written dropped
//! first.

use std::sync::{Arc, Mutex, PoisonError};

use hashlink::LruCache;
use pacta_domain::Negotiation;
use pacta_projections::{draft_json, DraftJsonCache};

/// The clause JSON kept for drafts by one holder (the service's reads; the projector), in all. A
/// draft of 500 clauses in three languages holds about 1 MiB.
pub const MAX_DRAFT_CACHE_BYTES: usize = 16 * 1024 * 1024;

pub struct DraftCaches {
    max_bytes: usize,
    held: Mutex<Held>,
}

struct Held {
    /// By negotiation; each with its bytes as last counted.
    caches: LruCache<String, (Arc<Mutex<DraftJsonCache>>, usize)>,
    bytes: usize,
}

impl DraftCaches {
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            held: Mutex::new(Held {
                caches: LruCache::new_unbounded(),
                bytes: 0,
            }),
        }
    }

    /// The current draft of `state` as JSON (`pacta_projections::draft_json`), the clauses it
    /// shares with the draft last read here taken from the cache.
    pub fn json(&self, negotiation_id: &str, state: &Negotiation, as_of_sequence: usize) -> String {
        let cache = {
            let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
            match held.caches.get(negotiation_id) {
                Some((cache, _)) => Arc::clone(cache),
                None => {
                    let cache = Arc::new(Mutex::new(DraftJsonCache::default()));
                    held.caches
                        .insert(negotiation_id.to_string(), (Arc::clone(&cache), 0));
                    cache
                }
            }
        };
        // Reads of other negotiations go on meanwhile; two of the same one take turns, the
        // second finding the clauses the first rendered.
        let (json, bytes) = {
            let mut cache = cache.lock().unwrap_or_else(PoisonError::into_inner);
            let json = draft_json(negotiation_id, state, as_of_sequence, &mut cache);
            (json, cache.json_bytes())
        };
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        let counted = match held.caches.get_mut(negotiation_id) {
            Some((kept, counted)) if Arc::ptr_eq(kept, &cache) => {
                Some(std::mem::replace(counted, bytes))
            }
            // Dropped meanwhile to make room for others: not counted again.
            _ => None,
        };
        if let Some(counted) = counted {
            held.bytes = held.bytes - counted + bytes;
        }
        while held.bytes > self.max_bytes {
            let Some((_, (_, dropped))) = held.caches.remove_lru() else {
                break;
            };
            held.bytes -= dropped;
        }
        json
    }

    /// The bytes of clause JSON kept, and for how many negotiations.
    pub fn held(&self) -> (usize, usize) {
        let held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        (held.bytes, held.caches.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A French MoU between CIV and MAR with `clauses` articles.
    fn negotiation_with_articles(id: &str, clauses: usize) -> Negotiation {
        Negotiation::replay(crate::fixtures::mou_with_articles(id, 0..clauses).iter())
    }

    #[test]
    fn the_caches_stay_within_their_bytes_dropping_the_least_recently_read() {
        let states: Vec<(String, Negotiation)> = (0..3)
            .map(|n| {
                let id = format!("neg-{n}");
                let state = negotiation_with_articles(&id, 20);
                (id, state)
            })
            .collect();
        let one = {
            let caches = DraftCaches::new(usize::MAX);
            caches.json(&states[0].0, &states[0].1, 21);
            caches.held().0
        };
        assert!(one > 20 * 100, "{one}");
        // Room for two drafts, not three.
        let max_bytes = 2 * one + one / 2;
        let caches = DraftCaches::new(max_bytes);
        for (id, state) in &states {
            let whole = pacta_projections::draft_of_state(id, state, 21);
            assert_eq!(
                caches.json(id, state, 21),
                serde_json::to_string(&whole).unwrap()
            );
        }
        let (bytes, negotiations) = caches.held();
        assert_eq!((bytes, negotiations), (2 * one, 2));
        // The first one read was dropped; reading it again drops the second.
        caches.json(&states[0].0, &states[0].1, 21);
        assert_eq!(caches.held(), (2 * one, 2));
        assert!(bytes <= max_bytes);
    }

    #[test]
    fn a_draft_larger_than_the_bound_is_answered_and_not_kept() {
        let state = negotiation_with_articles("neg", 5);
        let caches = DraftCaches::new(10);
        let json = caches.json("neg", &state, 6);
        assert_eq!(
            json,
            serde_json::to_string(&pacta_projections::draft_of_state("neg", &state, 6)).unwrap()
        );
        assert_eq!(caches.held(), (0, 0));
    }
}
