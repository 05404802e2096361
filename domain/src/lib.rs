//! The negotiation model of Pacta: what a delegation may do, and what it did.
//!
//! A [`Negotiation`] receives a [`NegotiationCommand`] (who acts, and the act), checks it against
//! the rules of the negotiation, and answers with the [`NegotiationEvent`]s that record it, or
//! with a [`NegotiationError`] that says which rule refused it. Nothing here does I/O or reads a
//! clock: identity arrives in the command, time in the metadata the application attaches when it
//! stores the events. That keeps every rule testable with cqrs-es's `TestFramework` (given events,
//! when a command, then events or an error).
//!
//! With the default `cqrs` feature, [`Negotiation`] is a cqrs-es aggregate. Without it the model
//! is whole (`decide`, [`Negotiation::apply_checked`], [`Negotiation::replay_checked`], signing
//! messages and text roots) but has no cqrs-es, hence no tokio, in its dependency tree: what a
//! verifier of audit bundles needs. [`Negotiation::replay_checked`] refuses, with a
//! [`ReplayError`], an event that cannot follow the events before it, where the ledger's own fold
//! would treat it as a broken invariant.
//!
//! Storage, hashing of the event chain and the CLI live in the `pacta` crate; views live in
//! `pacta-projections`. This crate depends on neither.

mod aggregate;
mod characters;
mod commands;
mod corrections;
mod errors;
mod events;
mod languages;
#[cfg(all(test, feature = "cqrs"))]
mod legal_effect_tests;
mod lifecycle;
pub mod limits;
mod matrices;
pub mod metadata;
mod occasion;
#[cfg(all(test, feature = "cqrs"))]
mod organisations_tests;
mod permissions;
mod positions;
mod register;
mod revisions;
mod rounds;
mod signing;
#[cfg(all(test, feature = "cqrs"))]
mod strict_input_tests;
mod structure;
#[cfg(all(test, feature = "cqrs"))]
mod structure_tests;
mod text_hash;
mod values;

pub use aggregate::{
    Alternative, Clause, ClauseStatus, LanguageStatus, Negotiation, ProposedChoice, StatedPosition,
    Translation,
};
pub use commands::{Action, ActionKind, NegotiationCommand};
pub use corrections::{Correction, SupersededWording};
pub use errors::{NegotiationError, ReplayError};
pub use events::NegotiationEvent;
pub use lifecycle::{
    note_text_hash, ConsentRecord, FullPowersExamination, InstrumentStatus, Note, SignatureRecord,
    SuspensionPeriod, ORIGINAL_REVISION,
};
pub use matrices::{
    row_hash, Indicator, Matrix, Row, RowContent, RowProgress, ROW_HASH_DOMAIN_TAG,
};
pub use occasion::{stated_date, Occasion, MAX_DATE_AHEAD_OF_RECORDING_CLOCK_HOURS};
pub use permissions::{is_permitted, PERMISSIONS};
pub use register::{check_registration, is_party_code, Register, RegisteredPerson};

/// Checks a person id by the rule every accreditation applies, for tools that name persons
/// outside a negotiation (such as the service's bearer tokens).
pub fn check_person_id(person: &str) -> Result<(), NegotiationError> {
    aggregate::check_identifier("person id", person)
}
pub use revisions::{RevisionPeriod, TextInForce};
pub use rounds::Round;
pub use signing::{
    text_root_hash, verify_signature, RootClause, RootText, RootWording, SignatureProblem,
    SigningMessage, SIGNATURE_DOMAIN_TAG, TEXT_ROOT_DOMAIN_TAG,
};
pub use structure::{
    cross_references, kind_noun, number_clauses, numbered_paragraphs, render_cross_references,
    ArabicArticleNumbering, ClauseNumber, StructureChange, StructureProposal, TextSection,
};
pub use text_hash::{clause_text_hash, TEXT_HASH_DOMAIN_TAG};
pub use values::variant_name;
pub use values::{
    ClauseKind, ConsentMode, ConsentProcedure, Delegate, EntryIntoForceRule, Facilitator,
    FullPowers, InstrumentKind, LegalEffect, Party, PartyKind, PersonName, Position, Role,
    RoundKind, SignatureCapacity, SigningAuthority, Transmission,
};
