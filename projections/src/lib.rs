//! Pure folds from a negotiation's events to the views people read: the history of acts, the
//! current draft, and the state of the agreement; and, at any point of the history, the draft,
//! a clause's versions, the redline between two points, and the index of negotiations. No I/O:
//! they take verified events from the ledger and return plain values that the CLI prints, or
//! serialises as JSON.
//!
//! Clause status comes from the domain's own `Negotiation::apply`, so a view can never
//! disagree with the rules about whether a clause is agreed.

mod agreement;
mod clause_history;
mod draft;
pub mod export;
mod fold;
mod history;
mod index;
mod point;
mod redline;

pub use agreement::{
    action_matrices, agreement_state, agreement_state_of, AgreementState, FullPowersExamined,
    PartyState, NOT_REGISTRABLE, REGISTRABLE,
};
pub use clause_history::{
    clause_history, clause_history_with_folds, ClauseAct, ClauseHistory, ClauseVersion, VersionKind,
};
pub use draft::{
    draft, draft_json, draft_of_revision, draft_of_state, Draft, DraftAlternative, DraftChoice,
    DraftClause, DraftJsonCache, DraftPosition, LanguageVersion,
};
pub use fold::{NegotiationFold, OutOfSequence};
pub use history::{
    history, history_entry, history_for_reader, summary, timeline, HistoryEntry, TimelineFilter,
};
pub use index::{
    index_entry, matrix_status, ClauseCounts, IndexEntry, MatrixStatus, ProgressReport,
};
pub use point::{events_at, took_place_on, Point, PointError};
pub use redline::{
    phrases, redline, redline_in, word_diff, ChangeAuthor, ChangeKind, ClauseChange, ClauseRedline,
    Redline, RedlineEnd, WordChange,
};

/// The domain's state after a negotiation's stored events.
fn replay(
    events: &[cqrs_es::EventEnvelope<pacta_domain::Negotiation>],
) -> pacta_domain::Negotiation {
    pacta_domain::Negotiation::replay(events.iter().map(|e| &e.payload))
}

#[cfg(test)]
mod structure_tests;
#[cfg(test)]
mod tests;
