//! The views kept in the store, folded one event at a time.
//!
//! The projector in `pacta` reads the whole ledger in commit order and hands each event to the
//! fold of its negotiation. The fold says what to write: the event's timeline entry, and the
//! documents (index entry, current draft, agreement state) as they stand after it. Folding event by event
//! gives the same views as folding the whole history at once; the tests prove it.

use std::collections::BTreeMap;

use cqrs_es::{Aggregate, EventEnvelope};
use pacta_domain::{metadata, Negotiation, NegotiationEvent};

use crate::{
    agreement_state_of, draft_of_state, history_entry, AgreementState, Draft, HistoryEntry,
    ProgressReport,
};

/// One negotiation's state, as far as the projector has read.
#[derive(Clone, Debug, Default)]
pub struct NegotiationFold {
    pub(crate) negotiation_id: String,
    pub(crate) state: Negotiation,
    pub(crate) last_sequence: usize,
    /// When the last event folded in was recorded (RFC 3339).
    pub(crate) last_recorded_at: String,
    /// The progress report recorded last, by matrix.
    pub(crate) latest_progress: BTreeMap<String, ProgressReport>,
}

/// An event handed to a fold out of its negotiation's sequence: applying it would skip or repeat
/// an act, so the projector stops instead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutOfSequence {
    pub negotiation_id: String,
    pub expected: usize,
    pub found: usize,
}

impl std::fmt::Display for OutOfSequence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "negotiation '{}': expected event {} but was given event {}",
            self.negotiation_id, self.expected, self.found
        )
    }
}

impl std::error::Error for OutOfSequence {}

impl NegotiationFold {
    pub fn new(negotiation_id: &str) -> Self {
        Self {
            negotiation_id: negotiation_id.to_string(),
            ..Self::default()
        }
    }

    /// The fold of a negotiation's whole stored history.
    pub fn of(negotiation_id: &str, events: &[EventEnvelope<Negotiation>]) -> Self {
        let mut fold = Self::new(negotiation_id);
        for envelope in events {
            fold.apply(envelope)
                .expect("invariant: a negotiation's stored events are in sequence");
        }
        fold
    }

    pub fn negotiation_id(&self) -> &str {
        &self.negotiation_id
    }

    /// The sequence of the last event folded in; 0 before the first.
    pub fn last_sequence(&self) -> usize {
        self.last_sequence
    }

    /// The person's accreditation as of the last event folded in: what the stored access view
    /// keeps, so that it answers as the domain's own state would.
    pub fn delegate(&self, person: &str) -> Option<&pacta_domain::Delegate> {
        self.state.delegate(person)
    }

    /// Everyone accredited as of the last event folded in, in person order.
    pub fn delegates(&self) -> impl Iterator<Item = &pacta_domain::Delegate> {
        self.state.delegates()
    }

    /// The negotiation's state as of the last event folded in.
    pub fn state(&self) -> &Negotiation {
        &self.state
    }

    /// Folds in the next event of this negotiation and returns its timeline entry.
    pub fn apply(
        &mut self,
        envelope: &EventEnvelope<Negotiation>,
    ) -> Result<HistoryEntry, OutOfSequence> {
        let expected = self.last_sequence + 1;
        if envelope.sequence != expected || envelope.aggregate_id != self.negotiation_id {
            return Err(OutOfSequence {
                negotiation_id: self.negotiation_id.clone(),
                expected,
                found: envelope.sequence,
            });
        }
        // A round's closing act belongs to the round; its opening act too, once applied.
        let round_before = self.state.open_round().map(str::to_string);
        let clause_id = self.clause_of(&envelope.payload);
        if let NegotiationEvent::ProgressReported {
            matrix_id,
            row_id,
            progress,
            reported_on,
            ..
        } = &envelope.payload
        {
            let report = ProgressReport {
                row_id: row_id.clone(),
                progress: *progress,
                reported_on: *reported_on,
                sequence: envelope.sequence,
            };
            self.latest_progress.insert(matrix_id.clone(), report);
        }
        self.state.apply(envelope.payload.clone());
        self.last_sequence = expected;
        if let Some(recorded_at) = envelope.metadata.get(metadata::RECORDED_AT) {
            self.last_recorded_at.clone_from(recorded_at);
        }
        let round = round_before.or_else(|| self.state.open_round().map(str::to_string));
        let mut entry = history_entry(envelope, round, clause_id);
        if self.state.legally_binding() == Some(false) {
            if let Some(words) = crate::history::non_binding_summary(&envelope.payload) {
                entry.summary = words;
            }
        }
        Ok(entry)
    }

    /// The clause an event is about; acts on a correction name the corrected clause.
    fn clause_of(&self, event: &NegotiationEvent) -> Option<String> {
        match event {
            NegotiationEvent::CorrectionAgreed { correction_id, .. }
            | NegotiationEvent::TextCorrected { correction_id, .. } => self
                .state
                .corrections()
                .find(|(id, _)| *id == correction_id)
                .map(|(_, correction)| correction.clause_id.clone()),
            other => other.clause_id().map(str::to_string),
        }
    }

    pub fn draft(&self) -> Draft {
        draft_of_state(&self.negotiation_id, &self.state, self.last_sequence)
    }

    pub fn agreement(&self) -> AgreementState {
        agreement_state_of(&self.negotiation_id, &self.state, None)
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use pacta_domain::{NegotiationEvent, RoundKind};

    use super::*;
    use crate::tests::{agreed, article, envelopes, opened};
    use crate::{agreement_state, draft, history};

    fn round(event: &str) -> NegotiationEvent {
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        match event {
            "open" => NegotiationEvent::RoundOpened {
                round_id: "abidjan".into(),
                kind: RoundKind::NegotiatingRound,
                place: "Abidjan".into(),
                starts_on: day,
                ends_on: day,
            },
            _ => NegotiationEvent::RoundClosed {
                round_id: "abidjan".into(),
            },
        }
    }

    #[test]
    fn folding_event_by_event_gives_the_views_of_the_whole_history() {
        let events = envelopes(vec![
            opened(),
            article("a", "A"),
            round("open"),
            article("b", "B"),
            agreed("b", "CIV", "B"),
            round("close"),
            agreed("b", "MAR", "B"),
        ]);
        let mut fold = NegotiationFold::new("neg");
        let mut timeline = Vec::new();
        for (i, envelope) in events.iter().enumerate() {
            timeline.push(fold.apply(envelope).unwrap());
            let so_far = &events[..=i];
            assert_eq!(fold.draft(), draft("neg", so_far));
            assert_eq!(fold.agreement(), agreement_state("neg", so_far, None));
        }
        assert_eq!(timeline, history(&events));
        assert_eq!(timeline[3].round.as_deref(), Some("abidjan"));
        assert_eq!(timeline[6].round, None);
    }

    #[test]
    fn an_event_out_of_sequence_is_refused_and_changes_nothing() {
        let events = envelopes(vec![opened(), article("a", "A")]);
        let mut fold = NegotiationFold::new("neg");
        fold.apply(&events[0]).unwrap();
        let before = fold.draft();
        let repeated = events[0].clone();
        let mut skipping = events[1].clone();
        skipping.sequence = 3;
        for wrong in [repeated, skipping] {
            assert_eq!(
                fold.apply(&wrong),
                Err(OutOfSequence {
                    negotiation_id: "neg".into(),
                    expected: 2,
                    found: wrong.sequence,
                })
            );
        }
        assert_eq!(fold.draft(), before);
        assert_eq!(fold.last_sequence(), 1);
    }
}
