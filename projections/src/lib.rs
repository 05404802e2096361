//! Pure folds from a negotiation's events to the views people read: the history of acts, the
//! current draft, and the state of the agreement. No I/O: they take verified events from the ledger and return plain values that
//! the CLI prints, or serialises as JSON.
//!
//! Clause status comes from the domain's own `Negotiation::apply`, so a view can never
//! disagree with the rules about whether a clause is agreed.

mod agreement;
mod draft;
pub mod export;
mod history;
mod redline;

pub use agreement::{action_matrices, agreement_state, AgreementState, PartyState};
pub use draft::{
    draft, draft_of_revision, Draft, DraftAlternative, DraftClause, DraftPosition, LanguageVersion,
};
pub use history::{history, summary, HistoryEntry};
pub use redline::{word_diff, ChangeKind, WordChange};

/// The domain's state after a negotiation's stored events.
fn replay(
    events: &[cqrs_es::EventEnvelope<pacta_domain::Negotiation>],
) -> pacta_domain::Negotiation {
    pacta_domain::Negotiation::replay(events.iter().map(|e| &e.payload))
}

#[cfg(test)]
mod tests;
