//! Acts in flight on one negotiation, in this process.
//!
//! Acts on the same negotiation are decided one after another, each on the state the previous
//! one leaves, under the negotiation's `Tip` lock. With group commit the lock is held only until
//! the act is submitted, not until it is committed: the next act is decided on the state the
//! submitted one leaves, submitted `after` it, and committed in the same transaction or the next
//! (`crate::store::GroupCommitter`), so acts queued on one negotiation do not wait one flush
//! each, and never lose a race to each other. Such a state is not committed yet: it is never
//! read by anything but the next act (reads of the present use `crate::verified`, which holds
//! committed states only), and an act decided on it is acknowledged, or refused, only once
//! the act it was built on is committed. If that act fails, every act built on it fails too and
//! is decided again on what the store holds.
//!
//! The map holds an entry only while some act on the negotiation is in flight: its size is
//! bounded by the number of acts under way, not by the number of negotiations.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pacta_domain::Negotiation;

use crate::store::{ChainedContext, Ticket};
use crate::verified::Generation;

/// Where the acts on one negotiation in this process stand.
#[derive(Default)]
pub(crate) struct Tip {
    /// The state after the last act decided here, committed or not; `None` when the next act
    /// must load it from the store.
    pub state: Option<Arc<ChainedContext<Negotiation>>>,
    /// The generation of the verified states `state` descends from (`crate::verified`).
    pub generation: Generation,
    /// The last act submitted to the group committer; its outcome tells whether `state` exists.
    pub last: Option<Ticket>,
}

/// The tips of the negotiations with acts in flight.
#[derive(Default)]
pub(crate) struct InFlight {
    tips: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Tip>>>>,
}

/// One act's hold on its negotiation's tip; the tip is dropped with the last act holding it.
pub(crate) struct Entered<'a> {
    in_flight: &'a InFlight,
    negotiation_id: String,
    pub tip: Arc<tokio::sync::Mutex<Tip>>,
}

impl InFlight {
    pub fn enter(&self, negotiation_id: &str) -> Entered<'_> {
        let tip = self
            .lock()
            .entry(negotiation_id.to_string())
            .or_default()
            .clone();
        Entered {
            in_flight: self,
            negotiation_id: negotiation_id.to_string(),
            tip,
        }
    }

    /// How many negotiations have acts in flight.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<tokio::sync::Mutex<Tip>>>> {
        // A panic while holding the lock leaves at worst a tip that is loaded again.
        self.tips
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Entered<'_> {
    fn drop(&mut self) {
        let mut tips = self.in_flight.lock();
        // Handles are only taken under this lock, so a count of two (the map's and this one)
        // cannot grow while it is held: no other act is on this negotiation.
        if Arc::strong_count(&self.tip) == 2 {
            tips.remove(&self.negotiation_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tip_lives_only_while_an_act_holds_it() {
        let in_flight = InFlight::default();
        let first = in_flight.enter("n");
        let second = in_flight.enter("n");
        assert!(Arc::ptr_eq(&first.tip, &second.tip));
        drop(first);
        assert_eq!(in_flight.len(), 1);
        drop(second);
        assert_eq!(in_flight.len(), 0);
    }
}
