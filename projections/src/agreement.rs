//! The state of the agreement: where the instrument stands, the text root every act binds, and
//! each party's adoption, initialling, signature and consent.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use cqrs_es::EventEnvelope;
use pacta_domain::{
    ConsentRecord, Correction, EntryIntoForceRule, InstrumentKind, InstrumentStatus, Matrix,
    Negotiation, PartyKind, RevisionPeriod, SignatureRecord, SuspensionPeriod, TextInForce,
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementState {
    pub negotiation_id: String,
    pub title: String,
    pub instrument_kind: InstrumentKind,
    /// Where the instrument as a whole stands; in force from its first entry into force.
    pub status: InstrumentStatus,
    /// The revision being negotiated, or in force when none is: 0 is the original.
    pub revision: u32,
    /// Where that revision's text stands.
    pub revision_status: InstrumentStatus,
    /// The root hash of that revision's text: what adoption, initialling and signature bind.
    pub text_root_hash: String,
    /// Every revision, oldest first, with the period its text was in force.
    pub revisions: Vec<RevisionPeriod>,
    /// The text in force on the date asked for, if one was asked for and one was in force.
    pub text_in_force_on: Option<(NaiveDate, Option<TextInForce>)>,
    /// Corrections of the current revision's authenticated text (art. 79), proposed or made.
    pub corrections: BTreeMap<String, Correction>,
    /// Root hashes the current text had before corrections; signatures given earlier bind them.
    pub superseded_roots: Vec<String>,
    pub entry_into_force_rule: Option<EntryIntoForceRule>,
    pub entry_into_force: Option<NaiveDate>,
    /// The suspension still running: which party, and from when.
    pub suspended: Option<(String, NaiveDate)>,
    /// Every suspension of the instrument's operation, in order.
    pub suspensions: Vec<SuspensionPeriod>,
    /// When a notified termination takes effect.
    pub terminates_on: Option<NaiveDate>,
    pub parties: Vec<PartyState>,
    /// The parties (and the facilitator) named in the opening that have not accepted it yet:
    /// none of their people may act until their head of delegation (or secretariat) accepts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awaiting_acceptance: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyState {
    pub code: String,
    pub name: String,
    /// A State, or an international organisation (absent for a State).
    #[serde(default, skip_serializing_if = "PartyKind::is_state")]
    pub kind: PartyKind,
    /// Whether the party adopted the current text.
    pub adopted: bool,
    pub signature: Option<SignatureRecord>,
    pub consent: Option<ConsentRecord>,
    /// Since when the party applies the instrument provisionally, if it does.
    pub provisionally_applied_from: Option<NaiveDate>,
}

/// Every action matrix with its rows, agreements, validation and progress.
pub fn action_matrices(events: &[EventEnvelope<Negotiation>]) -> BTreeMap<String, Matrix> {
    crate::replay(events)
        .matrices()
        .map(|(id, m)| (id.clone(), m.clone()))
        .collect()
}

/// The state of the agreement; `on`, if given, asks which text was in force on that date.
pub fn agreement_state(
    negotiation_id: &str,
    events: &[EventEnvelope<Negotiation>],
    on: Option<NaiveDate>,
) -> AgreementState {
    agreement_state_of(negotiation_id, &crate::replay(events), on)
}

/// The state of an already folded negotiation.
pub fn agreement_state_of(
    negotiation_id: &str,
    state: &Negotiation,
    on: Option<NaiveDate>,
) -> AgreementState {
    let text_root_hash = state.text_root_hash();
    let parties = state
        .parties()
        .iter()
        .map(|party| PartyState {
            code: party.code.clone(),
            name: party.name.clone(),
            kind: party.kind,
            adopted: state.has_adopted_current_text(&party.code),
            signature: state.signature(&party.code).cloned(),
            consent: state.consent(&party.code).copied(),
            provisionally_applied_from: state.provisionally_applied_by(&party.code),
        })
        .collect();
    let entry_into_force = match state.instrument_status() {
        InstrumentStatus::InForce { on } => Some(on),
        _ => None,
    };
    AgreementState {
        negotiation_id: negotiation_id.to_string(),
        title: state.title().unwrap_or_default().to_string(),
        instrument_kind: state.instrument_kind().unwrap_or(InstrumentKind::Mou),
        status: state.instrument_status(),
        revision: state.revision(),
        revision_status: state.revision_status(),
        text_root_hash,
        revisions: state.revisions(),
        text_in_force_on: on.map(|date| (date, state.text_in_force_on(date))),
        corrections: state
            .corrections()
            .map(|(id, c)| (id.clone(), c.clone()))
            .collect(),
        superseded_roots: state.superseded_roots().to_vec(),
        entry_into_force_rule: state.entry_into_force_rule(),
        entry_into_force,
        suspended: state
            .running_suspension()
            .map(|s| (s.party.clone(), s.from)),
        suspensions: state.suspensions().to_vec(),
        terminates_on: state.terminates_on(),
        parties,
        awaiting_acceptance: state.awaiting_acceptance().map(str::to_string).collect(),
    }
}
