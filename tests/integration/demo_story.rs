//! The demo tells the whole story the README promises, on both stores: read back from the ledger
//! and folded by the domain's own `apply`, not taken from the demo's word.

use chrono::NaiveDate;
use cqrs_es::EventEnvelope;
use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};
use pacta_domain::{
    verify_signature, ClauseStatus, InstrumentKind, InstrumentStatus, LanguageStatus, Negotiation,
    NegotiationEvent, SignatureCapacity, SigningMessage, ORIGINAL_REVISION,
};

use crate::common::{Backend, TestStore};

on_both_stores!(the_demo_story_ends_with_both_instruments_in_force);

const PARTIES: [&str; 2] = ["CIV", "MAR"];

async fn the_demo_story_ends_with_both_instruments_in_force(backend: Backend) {
    let store = TestStore::new(backend).await;
    let ledger = store.ledger();
    ledger.record_demo_story().await;

    let mou_events = ledger.events(DEMO_NEGOTIATION).await.unwrap();
    let mou = state_of(&mou_events);
    assert_eq!(mou.instrument_kind(), Some(InstrumentKind::Mou));
    assert_eq!(mou.legally_binding(), Some(false), "a political commitment");
    let mou_signed = assert_signatures_verify(
        DEMO_NEGOTIATION,
        &mou,
        &mou_events,
        SignatureCapacity::Definitive,
    );
    assert_eq!(
        mou.instrument_status(),
        InstrumentStatus::InForce { on: mou_signed },
        "the MoU takes effect on the last signature"
    );
    assert_text_agreed_and_concordant(&mou);
    assert_the_bracket_was_resolved(&mou, &mou_events);
    for round in ["round-1", "round-2"] {
        let held = mou.round(round).expect("the round was held");
        assert!(held.closed, "{round} is closed");
        assert!(
            mou.minutes_adopted(round),
            "both parties adopted the minutes of {round}"
        );
    }
    assert_three_matrices_validated_at_the_workshop(&mou);

    let agreement_events = ledger.events(DEMO_AGREEMENT).await.unwrap();
    let revision_opened = agreement_events
        .iter()
        .position(|e| matches!(e.payload, NegotiationEvent::RevisionOpened { .. }))
        .expect("the agreement is under revision");
    let concluded = &agreement_events[..revision_opened];
    let agreement = state_of(concluded);
    assert_eq!(agreement.instrument_kind(), Some(InstrumentKind::Agreement));
    assert_eq!(
        agreement.legally_binding(),
        Some(true),
        "a treaty, whatever its name"
    );
    assert_signatures_verify(
        DEMO_AGREEMENT,
        &agreement,
        concluded,
        SignatureCapacity::Simple,
    );
    assert_approved_and_in_force_from_the_last_receipt(&agreement);
    assert_text_agreed_and_concordant(&agreement);
    assert_under_revision_with_the_signed_text_in_force(&agreement, &state_of(&agreement_events));
}

/// The revision changes the mobility article of a copy; the signed text stays the text in force.
fn assert_under_revision_with_the_signed_text_in_force(signed: &Negotiation, now: &Negotiation) {
    assert_eq!(now.revision(), 1);
    assert_eq!(now.revision_status(), InstrumentStatus::Negotiating);
    assert_eq!(now.instrument_status(), signed.instrument_status());
    let in_force = now
        .text_in_force_on(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap())
        .expect("the agreement is in force");
    assert_eq!(
        (in_force.revision, in_force.text_root_hash),
        (ORIGINAL_REVISION, signed.text_root_hash())
    );
    let changed: Vec<String> = now.clauses_changed_by_revision().into_iter().collect();
    assert_eq!(changed, ["art-mobilite"]);
    let mobility = now.clause("art-mobilite").unwrap();
    assert!(mobility.text.contains("doctorants"));
    assert!(mobility.agreed_by_party("CIV") && !mobility.agreed_by_party("MAR"));
    let original = now.revision_clauses(ORIGINAL_REVISION).unwrap();
    let (_, signed_mobility) = original
        .iter()
        .find(|(id, _)| *id == "art-mobilite")
        .unwrap();
    assert!(
        !signed_mobility.text.contains("doctorants"),
        "the text in force is unchanged"
    );
}

fn state_of(events: &[EventEnvelope<Negotiation>]) -> Negotiation {
    Negotiation::replay(events.iter().map(|e| &e.payload))
}

/// Signed subject to approval by both, each approval received by the other party: in force 30
/// days after the last receipt, not from the last signature or approval.
fn assert_approved_and_in_force_from_the_last_receipt(agreement: &Negotiation) {
    let mut last_receipt = NaiveDate::MIN;
    for (party, other) in [("CIV", "MAR"), ("MAR", "CIV")] {
        let consent = agreement.consent(party).expect("approved");
        assert_eq!(consent.mode, pacta_domain::ConsentMode::Approval, "{party}");
        assert!(
            consent.instrument_reference.is_some(),
            "{party}'s instrument"
        );
        let received = consent.received[other];
        assert!(received >= consent.on, "{party}: received after approval");
        last_receipt = last_receipt.max(received);
    }
    assert_eq!(
        agreement.instrument_status(),
        InstrumentStatus::InForce {
            on: last_receipt + chrono::Days::new(30)
        }
    );
}

/// In force, and each party's signature (in `capacity`) verifies against the key its signatory
/// was accredited with, over the signing message of the adopted text; returns the date of the
/// last signature.
fn assert_signatures_verify(
    negotiation: &str,
    state: &Negotiation,
    events: &[EventEnvelope<Negotiation>],
    capacity: SignatureCapacity,
) -> NaiveDate {
    assert!(
        matches!(state.instrument_status(), InstrumentStatus::InForce { .. }),
        "{negotiation}: {:?}",
        state.instrument_status()
    );
    // Each message as an auditor rebuilds it from the recorded event.
    let signatures: Vec<(SigningMessage, &str)> = events
        .iter()
        .filter_map(|e| SigningMessage::of_recorded(negotiation, &e.payload))
        .collect();
    let signed_parties: Vec<&str> = signatures.iter().map(|(m, _)| m.party.as_str()).collect();
    assert_eq!(signed_parties, PARTIES, "{negotiation}: one signature each");
    let mut last_signed = NaiveDate::MIN;
    for (message, signature) in &signatures {
        let SigningMessage {
            party, signatory, ..
        } = message;
        assert_eq!(message.negotiation_id, negotiation);
        assert_eq!(message.revision, ORIGINAL_REVISION);
        assert_eq!(message.capacity, capacity);
        assert!(!message.ad_referendum);
        let text_root_hash = &message.text_root_hash;
        assert_eq!(*text_root_hash, state.text_root_hash(), "the adopted text");
        assert_eq!(state.adopted_by(party), Some(text_root_hash.as_str()));
        let delegate = state.delegate(signatory).expect("an accredited signatory");
        assert_eq!(&delegate.party, party);
        let authority = delegate.signing.as_ref().expect("a signing key");
        assert!(
            authority.full_powers.is_some(),
            "{signatory} has full powers"
        );
        verify_signature(&authority.public_key, signature, message)
            .unwrap_or_else(|e| panic!("{negotiation}: {signatory}'s signature: {e}"));
        last_signed = last_signed.max(message.signed_on);
    }
    last_signed
}

fn assert_text_agreed_and_concordant(state: &Negotiation) {
    for (clause_id, clause) in state.clauses_in_document_order() {
        assert_eq!(
            state.clause_status(clause),
            ClauseStatus::Agreed,
            "{clause_id}"
        );
        assert_eq!(
            clause.language, "fr",
            "{clause_id}: French is the reference"
        );
        assert_eq!(
            clause.language_status("ar"),
            LanguageStatus::Concordant,
            "{clause_id}"
        );
    }
}

/// Morocco's alternative B to the data article was proposed, positions stated, and it was
/// chosen: the agreed wording is exactly the alternative, with no bracket left.
fn assert_the_bracket_was_resolved(state: &Negotiation, events: &[EventEnvelope<Negotiation>]) {
    let alternative_b = events
        .iter()
        .find_map(|e| match &e.payload {
            NegotiationEvent::AlternativeProposed {
                clause_id,
                label,
                text_hash,
                proposed_by,
                ..
            } if clause_id == "art-donnees" && label == "B" => {
                assert_eq!(proposed_by, "MAR");
                Some(text_hash.clone())
            }
            _ => None,
        })
        .expect("alternative B was proposed");
    let positions = events
        .iter()
        .filter(|e| matches!(&e.payload, NegotiationEvent::PositionStated { clause_id, .. } if clause_id == "art-donnees"))
        .count();
    assert!(positions >= 2, "both delegations stated a position");
    assert!(events.iter().any(|e| matches!(&e.payload,
        NegotiationEvent::AlternativeChosen { clause_id, label, .. }
            if clause_id == "art-donnees" && label == "B")));
    let clause = state.clause("art-donnees").unwrap();
    assert_eq!(clause.text_hash, alternative_b);
    assert!(clause.alternatives.is_empty(), "no bracket left");
}

fn assert_three_matrices_validated_at_the_workshop(state: &Negotiation) {
    let matrices: Vec<_> = state.matrices().collect();
    assert_eq!(matrices.len(), 3);
    for (matrix_id, matrix) in matrices {
        let round = matrix.validated_at.as_deref().expect("validated");
        assert_eq!(round, "atelier-cloture", "{matrix_id}");
        assert!(!matrix.rows.is_empty(), "{matrix_id} has rows");
        for (row_id, row) in &matrix.rows {
            assert!(
                row.agreed_by_all(state.parties()),
                "{matrix_id}/{row_id} agreed by both parties"
            );
        }
    }
    let workshop = state.round("atelier-cloture").unwrap();
    assert_eq!(
        pacta_domain::variant_name(&workshop.kind),
        "experts-meeting",
        "the closing workshop is an experts' meeting"
    );
}
