//! Given/when/then tests for the legal effect the parties intend (issue 14 item 3): the rules of
//! signature and consent follow the procedure the opening states, not the instrument's label,
//! and a non-binding instrument is signed and takes effect but is never consented to.

use chrono::NaiveDate;

use crate::aggregate::tests::*;
use crate::lifecycle::tests::{adopted_as, date, perform, ready, signature, signs};
use crate::limits::MAX_NAME_BYTES;
use crate::{
    Action, ConsentMode, ConsentProcedure, InstrumentKind, LegalEffect, NegotiationError,
    NegotiationEvent, SignatureCapacity,
};

const CIV_AUTHORITY: &str = "treaty-office.civ";
const MAR_AUTHORITY: &str = "treaty-office.mar";

pub(crate) fn binding(procedure: ConsentProcedure) -> LegalEffect {
    LegalEffect {
        legally_binding: true,
        consent_procedure: procedure,
        consent_procedure_by_party: Default::default(),
        open_to_accession: false,
    }
}

pub(crate) fn non_binding() -> LegalEffect {
    LegalEffect {
        legally_binding: false,
        ..binding(ConsentProcedure::Signature)
    }
}

/// The text adopted by both parties, in an opening of `kind` that states `legal_effect`.
pub(crate) fn adopted_with(
    kind: InstrumentKind,
    legal_effect: LegalEffect,
) -> Vec<NegotiationEvent> {
    let mut events = adopted_as(kind);
    if let NegotiationEvent::NegotiationOpened {
        legal_effect: stated,
        ..
    } = &mut events[0]
    {
        *stated = Some(legal_effect);
    }
    events
}

/// `ExpressConsent` by `mode` on `on`, with no instrument details.
pub(crate) fn consent(mode: ConsentMode, on: &str) -> Action {
    Action::ExpressConsent {
        mode,
        on: date(on),
        instrument_reference: None,
        scan_sha256: None,
        transmitted_by: None,
    }
}

fn entry_into_force(events: &[NegotiationEvent]) -> Option<NaiveDate> {
    events.iter().find_map(|e| match e {
        NegotiationEvent::EntryIntoForceFixed { date, .. } => Some(*date),
        _ => None,
    })
}

#[test]
fn the_opening_records_the_legal_effect_the_parties_state() {
    let effect = binding(ConsentProcedure::Approval);
    let mut expected = opened_awaiting(&["MAR", "IOM"]);
    if let NegotiationEvent::NegotiationOpened { legal_effect, .. } = &mut expected {
        *legal_effect = Some(effect.clone());
    }
    expect_events(
        vec![],
        CIV_HEAD,
        with_open(|action| {
            if let Action::OpenNegotiation { legal_effect, .. } = action {
                *legal_effect = Some(effect);
            }
        }),
        vec![expected],
    );
}

#[test]
fn an_opening_refuses_a_legal_effect_that_cannot_be() {
    let stating = |effect: LegalEffect| {
        move |action: &mut Action| {
            if let Action::OpenNegotiation { legal_effect, .. } = action {
                *legal_effect = Some(effect);
            }
        }
    };
    let mut ratified_by_nobody = binding(ConsentProcedure::Ratification);
    ratified_by_nobody
        .consent_procedure_by_party
        .insert("ESP".into(), ConsentProcedure::Approval);
    expect_opening_refused(
        stating(ratified_by_nobody),
        NegotiationError::UnknownParty("ESP".into()),
    );
    let mut approved_mou = non_binding();
    approved_mou
        .consent_procedure_by_party
        .insert("MAR".into(), ConsentProcedure::Approval);
    expect_opening_refused(
        stating(approved_mou),
        NegotiationError::ConsentProcedureOfNonBinding {
            procedure: ConsentProcedure::Approval,
        },
    );
    expect_opening_refused(
        stating(binding(ConsentProcedure::FormalConfirmation)),
        NegotiationError::FormalConfirmationByState("CIV".into()),
    );
}

#[test]
fn a_treaty_concluded_by_signature_alone_binds_on_the_last_definitive_signature() {
    let mut events = adopted_with(InstrumentKind::Treaty, binding(ConsentProcedure::Signature));
    expect_refusal(
        events.clone(),
        crate::lifecycle::tests::CIV_SIGNATORY,
        signature(&events, "CIV", SignatureCapacity::Simple, "2026-02-01"),
        NegotiationError::CapacityNotProvided {
            party: "CIV".into(),
            capacity: SignatureCapacity::Simple,
            procedure: ConsentProcedure::Signature,
            expected: "definitive (or ad-referendum, then confirm the signature)",
        },
    );
    signs(
        &mut events,
        "CIV",
        SignatureCapacity::Definitive,
        "2026-02-01",
    );
    let last = signs(
        &mut events,
        "MAR",
        SignatureCapacity::Definitive,
        "2026-02-03",
    );
    assert_eq!(
        entry_into_force(&last),
        Some(date("2026-04-01")),
        "the treaty's rule counts from the last definitive signature"
    );
    expect_refusal(
        events,
        CIV_AUTHORITY,
        consent(ConsentMode::Ratification, "2026-03-01"),
        NegotiationError::ConsentNotProvided {
            party: "CIV".into(),
            procedure: ConsentProcedure::Signature,
        },
    );
}

#[test]
fn an_agreement_subject_to_approval_binds_once_every_party_approved_it() {
    let mut events = adopted_with(
        InstrumentKind::Agreement,
        binding(ConsentProcedure::Approval),
    );
    expect_refusal(
        events.clone(),
        crate::lifecycle::tests::CIV_SIGNATORY,
        signature(&events, "CIV", SignatureCapacity::Definitive, "2026-02-01"),
        NegotiationError::CapacityNotProvided {
            party: "CIV".into(),
            capacity: SignatureCapacity::Definitive,
            procedure: ConsentProcedure::Approval,
            expected: "simple (or ad-referendum), then express consent by the act provided",
        },
    );
    signs(&mut events, "CIV", SignatureCapacity::Simple, "2026-02-01");
    let signed = signs(&mut events, "MAR", SignatureCapacity::Simple, "2026-02-01");
    assert_eq!(
        entry_into_force(&signed),
        None,
        "signature alone does not bind"
    );
    expect_refusal(
        events.clone(),
        CIV_AUTHORITY,
        consent(ConsentMode::Ratification, "2026-03-01"),
        NegotiationError::ConsentModeNotProvided {
            party: "CIV".into(),
            given: ConsentMode::Ratification,
            procedure: ConsentProcedure::Approval,
        },
    );
    perform(
        &mut events,
        CIV_AUTHORITY,
        consent(ConsentMode::Approval, "2026-03-01"),
    );
    let last = perform(
        &mut events,
        MAR_AUTHORITY,
        consent(ConsentMode::Approval, "2026-03-10"),
    );
    assert_eq!(entry_into_force(&last), Some(date("2026-03-10")));
}

#[test]
fn one_party_ratifies_while_the_other_approves() {
    let mut effect = binding(ConsentProcedure::Ratification);
    effect
        .consent_procedure_by_party
        .insert("MAR".into(), ConsentProcedure::Approval);
    let mut events = adopted_with(InstrumentKind::Agreement, effect);
    signs(&mut events, "CIV", SignatureCapacity::Simple, "2026-02-01");
    signs(&mut events, "MAR", SignatureCapacity::Simple, "2026-02-01");
    expect_refusal(
        events.clone(),
        MAR_AUTHORITY,
        consent(ConsentMode::Ratification, "2026-03-01"),
        NegotiationError::ConsentModeNotProvided {
            party: "MAR".into(),
            given: ConsentMode::Ratification,
            procedure: ConsentProcedure::Approval,
        },
    );
    perform(
        &mut events,
        CIV_AUTHORITY,
        consent(ConsentMode::Ratification, "2026-03-01"),
    );
    let last = perform(
        &mut events,
        MAR_AUTHORITY,
        consent(ConsentMode::Approval, "2026-03-02"),
    );
    assert_eq!(entry_into_force(&last), Some(date("2026-03-02")));
}

#[test]
fn a_non_binding_instrument_is_signed_and_takes_effect_but_no_one_consents_to_be_bound() {
    let mut events = adopted_with(InstrumentKind::Treaty, non_binding());
    signs(&mut events, "CIV", SignatureCapacity::Simple, "2026-02-01");
    expect_refusal(
        events.clone(),
        CIV_AUTHORITY,
        consent(ConsentMode::Ratification, "2026-03-01"),
        NegotiationError::NotLegallyBinding,
    );
    let last = signs(&mut events, "MAR", SignatureCapacity::Simple, "2026-02-05");
    assert_eq!(
        entry_into_force(&last),
        Some(date("2026-04-01")),
        "it takes effect by its rule, counted from the last signature, whatever its label"
    );
    let state = state_of(&events);
    assert_eq!(state.legally_binding(), Some(false));
    expect_refusal(
        events,
        MAR_AUTHORITY,
        consent(ConsentMode::Approval, "2026-03-01"),
        NegotiationError::NotLegallyBinding,
    );
}

#[test]
fn an_opening_that_states_no_legal_effect_keeps_the_rules_of_its_kind() {
    let mut events = adopted_as(InstrumentKind::Treaty);
    assert_eq!(state_of(&events).legally_binding(), None);
    expect_refusal(
        events.clone(),
        crate::lifecycle::tests::CIV_SIGNATORY,
        signature(&events, "CIV", SignatureCapacity::Definitive, "2026-02-01"),
        NegotiationError::CapacityNotAllowed {
            capacity: SignatureCapacity::Definitive,
            kind: InstrumentKind::Treaty,
        },
    );
    signs(&mut events, "CIV", SignatureCapacity::Simple, "2026-02-01");
    perform(
        &mut events,
        CIV_AUTHORITY,
        consent(ConsentMode::Acceptance, "2026-03-01"),
    );
}

// ---- Instruments of consent and their receipt ---------------------------------------------

const CIV_HEAD_OF_DELEGATION: &str = CIV_HEAD;

fn receipt(from_party: &str, on: &str) -> Action {
    Action::RecordReceipt {
        from_party: from_party.into(),
        received_on: date(on),
    }
}

fn approval_with(reference: &str, scan: &str, on: &str) -> Action {
    Action::ExpressConsent {
        mode: ConsentMode::Approval,
        on: date(on),
        instrument_reference: Some(reference.into()),
        scan_sha256: Some(scan.into()),
        transmitted_by: Some(crate::values::Transmission::DiplomaticNotification),
    }
}

/// A treaty subject to ratification, signed by both, ratified by Morocco only.
pub(crate) fn ratified_by_mar() -> Vec<NegotiationEvent> {
    let mut events = adopted_as(InstrumentKind::Treaty);
    signs(&mut events, "CIV", SignatureCapacity::Simple, "2026-02-01");
    signs(&mut events, "MAR", SignatureCapacity::Simple, "2026-02-01");
    perform(
        &mut events,
        MAR_AUTHORITY,
        consent(ConsentMode::Ratification, "2026-03-01"),
    );
    events
}

/// An agreement subject to approval entering into force 30 days after the last receipt, signed
/// by both.
fn signed_counting_from_receipt() -> Vec<NegotiationEvent> {
    let mut events = adopted_with(
        InstrumentKind::Agreement,
        binding(ConsentProcedure::Approval),
    );
    if let NegotiationEvent::NegotiationOpened {
        entry_into_force_rule,
        ..
    } = &mut events[0]
    {
        *entry_into_force_rule = Some(crate::EntryIntoForceRule::DaysAfterLastReceipt { days: 30 });
    }
    signs(&mut events, "CIV", SignatureCapacity::Simple, "2026-02-01");
    signs(&mut events, "MAR", SignatureCapacity::Simple, "2026-02-01");
    events
}

#[test]
fn an_instrument_of_consent_records_its_reference_scan_and_transmission() {
    let scan = "ab".repeat(32);
    expect_events(
        signed_counting_from_receipt(),
        MAR_AUTHORITY,
        approval_with("Dahir n° 1-26-12", &scan, "2026-03-10"),
        vec![NegotiationEvent::ConsentExpressed {
            party: "MAR".into(),
            mode: ConsentMode::Approval,
            on: date("2026-03-10"),
            instrument_reference: Some("Dahir n° 1-26-12".into()),
            scan_sha256: Some(scan),
            transmitted_by: Some(crate::values::Transmission::DiplomaticNotification),
        }],
    );
    expect_refusal(
        signed_counting_from_receipt(),
        MAR_AUTHORITY,
        approval_with("Dahir n° 1-26-12", "scan.pdf", "2026-03-10"),
        NegotiationError::NotASha256 {
            field: "scan SHA-256",
            value: "scan.pdf".into(),
        },
    );
}

#[test]
fn entry_into_force_counted_from_receipt_is_fixed_when_the_last_receipt_is_recorded() {
    let scan = "cd".repeat(32);
    let mut events = signed_counting_from_receipt();
    let civ_approves = perform(
        &mut events,
        CIV_AUTHORITY,
        approval_with("Décret n° 2026-117", &scan, "2026-03-01"),
    );
    assert_eq!(entry_into_force(&civ_approves), None);
    let last_approval = perform(
        &mut events,
        MAR_AUTHORITY,
        approval_with("Dahir n° 1-26-12", &scan, "2026-03-10"),
    );
    assert_eq!(
        entry_into_force(&last_approval),
        None,
        "the rule counts from receipt, not from the approval"
    );
    let first_receipt = perform(&mut events, MAR_HEAD, receipt("CIV", "2026-03-05"));
    assert_eq!(entry_into_force(&first_receipt), None);
    let last_receipt = perform(
        &mut events,
        CIV_HEAD_OF_DELEGATION,
        receipt("MAR", "2026-03-20"),
    );
    assert_eq!(
        entry_into_force(&last_receipt),
        Some(date("2026-04-19")),
        "30 days after the receipt of the last notification"
    );
    let state = state_of(&events);
    assert_eq!(
        state.consent("MAR").map(|c| c.received.clone()),
        Some([("CIV".to_string(), date("2026-03-20"))].into())
    );
}

#[test]
fn a_receipt_is_recorded_by_another_party_after_the_consent_once() {
    let mut received = ratified_by_mar();
    perform(&mut received, CIV_HEAD, receipt("MAR", "2026-03-02"));
    let cases = [
        (
            ratified_by_mar(),
            MAR_HEAD,
            receipt("CIV", "2026-03-02"),
            NegotiationError::NoConsentToReceive {
                party: "CIV".into(),
            },
        ),
        (
            ratified_by_mar(),
            MAR_HEAD,
            receipt("MAR", "2026-03-02"),
            NegotiationError::ReceiptOfOwnConsent {
                party: "MAR".into(),
            },
        ),
        (
            ratified_by_mar(),
            CIV_HEAD,
            receipt("ESP", "2026-03-02"),
            NegotiationError::UnknownParty("ESP".into()),
        ),
        (
            ratified_by_mar(),
            CIV_HEAD,
            receipt("MAR", "2026-02-27"),
            NegotiationError::ReceiptBeforeConsent {
                party: "MAR".into(),
                received_on: date("2026-02-27"),
                consented_on: date("2026-03-01"),
            },
        ),
        (
            received,
            CIV_AUTHORITY,
            receipt("MAR", "2026-03-03"),
            NegotiationError::AlreadyDone {
                party: "CIV".into(),
                act: "recorded receipt of that instrument of consent",
            },
        ),
    ];
    for (given, actor, action, error) in cases {
        expect_refusal(given, actor, action, error);
    }
}

// ---- Exchange of notes --------------------------------------------------------------------

const PROPOSAL: &str = "J'ai l'honneur de vous proposer que nos deux Gouvernements coopèrent en matière de formation diplomatique. Si cette proposition recueille l'agrément de votre Gouvernement, la présente note et votre réponse constitueront un accord entre nos deux Gouvernements, qui entrera en vigueur à la date de votre réponse.";

/// An exchange of notes opened between Côte d'Ivoire and Morocco, entering into force on the
/// date of the reply, whose text is agreed but not yet adopted.
fn exchange_of_notes_negotiated() -> Vec<NegotiationEvent> {
    let mut events = ready();
    if let NegotiationEvent::NegotiationOpened {
        instrument_kind,
        legal_effect,
        ..
    } = &mut events[0]
    {
        *instrument_kind = InstrumentKind::ExchangeOfNotes;
        *legal_effect = Some(binding(ConsentProcedure::ExchangeOfNotes));
    }
    events
}

/// The exchange of notes whose text both parties adopted: the notes may be sent (no signature).
pub(crate) fn exchange_of_notes() -> Vec<NegotiationEvent> {
    let mut events = exchange_of_notes_negotiated();
    let text_root_hash = state_of(&events).text_root_hash();
    for party in ["CIV", "MAR"] {
        events.push(NegotiationEvent::TextAdopted {
            party: party.into(),
            text_root_hash: text_root_hash.clone(),
        });
    }
    events
}

pub(crate) fn proposal_note() -> Action {
    Action::SendNote {
        number: "N° 0123/MAEIA/DAJ".into(),
        sent_on: date("2026-04-02"),
        text: PROPOSAL.into(),
        in_reply_to: None,
    }
}

fn reply(text: &str, in_reply_to: &str, on: &str) -> Action {
    Action::SendNote {
        number: "N° 456/DAJ".into(),
        sent_on: date(on),
        text: text.into(),
        in_reply_to: Some(in_reply_to.into()),
    }
}

fn reproducing_reply() -> String {
    format!("J'ai l'honneur d'accuser réception de votre note ainsi conçue : « {PROPOSAL} » J'ai l'honneur de vous faire savoir que cette proposition recueille l'agrément de mon Gouvernement.")
}

#[test]
fn an_exchange_of_notes_is_concluded_by_the_reply_reproducing_the_proposal() {
    let mut events = exchange_of_notes();
    let proposal_hash = crate::note_text_hash(PROPOSAL);
    let proposed = perform(&mut events, CIV_HEAD, proposal_note());
    assert_eq!(
        proposed,
        vec![NegotiationEvent::NoteSent {
            party: "CIV".into(),
            number: "N° 0123/MAEIA/DAJ".into(),
            sent_on: date("2026-04-02"),
            text: PROPOSAL.into(),
            text_hash: proposal_hash.clone(),
            in_reply_to: None,
        }]
    );
    let replied = perform(
        &mut events,
        MAR_HEAD,
        reply(&reproducing_reply(), &proposal_hash, "2026-04-10"),
    );
    assert_eq!(
        entry_into_force(&replied),
        Some(date("2026-04-10")),
        "in force on the date of the reply"
    );
    let state = state_of(&events);
    assert_eq!(state.notes().len(), 2);
    assert_eq!(
        state.instrument_status(),
        crate::InstrumentStatus::InForce {
            on: date("2026-04-10")
        }
    );
}

#[test]
fn a_proposal_note_waits_until_every_party_has_adopted_the_text() {
    // Given the text agreed but adopted by Côte d'Ivoire alone,
    let mut adopted_by_civ = exchange_of_notes_negotiated();
    let text_root_hash = state_of(&adopted_by_civ).text_root_hash();
    adopted_by_civ.push(NegotiationEvent::TextAdopted {
        party: "CIV".into(),
        text_root_hash,
    });
    // when either party proposes the notes, then it is refused until every party adopts the
    // text (which freezes it), so the notes conclude the text negotiated.
    for given in [exchange_of_notes_negotiated(), adopted_by_civ] {
        expect_refusal(
            given,
            CIV_HEAD,
            proposal_note(),
            NegotiationError::NotAdopted,
        );
    }
    // Once adopted, the text can no longer change under the notes.
    let mut proposed = exchange_of_notes();
    perform(&mut proposed, CIV_HEAD, proposal_note());
    assert!(state_of(&proposed).is_adopted());
}

#[test]
fn a_reply_must_reproduce_the_proposal_by_hash_and_word_for_word() {
    let proposal_hash = crate::note_text_hash(PROPOSAL);
    let mut proposed = exchange_of_notes();
    perform(&mut proposed, CIV_HEAD, proposal_note());
    let cases = [
        (
            exchange_of_notes(),
            MAR_HEAD,
            reply(&reproducing_reply(), &proposal_hash, "2026-04-10"),
            NegotiationError::NoProposalNote,
        ),
        (
            proposed.clone(),
            MAR_HEAD,
            proposal_note(),
            NegotiationError::ProposalNoteExists {
                number: "N° 0123/MAEIA/DAJ".into(),
                text_hash: proposal_hash.clone(),
            },
        ),
        (
            proposed.clone(),
            CIV_HEAD,
            reply(&reproducing_reply(), &proposal_hash, "2026-04-10"),
            NegotiationError::ReplyToOwnNote {
                party: "CIV".into(),
            },
        ),
        (
            proposed.clone(),
            MAR_HEAD,
            reply(&reproducing_reply(), &"00".repeat(32), "2026-04-10"),
            NegotiationError::ReplyDoesNotReproduceProposal {
                reason: format!(
                    "it names the note text hash {}, but the proposal, note N° 0123/MAEIA/DAJ, has {proposal_hash}",
                    "00".repeat(32)
                ),
            },
        ),
        (
            proposed.clone(),
            MAR_HEAD,
            reply(
                &reproducing_reply().replace("formation diplomatique", "formation"),
                &proposal_hash,
                "2026-04-10",
            ),
            NegotiationError::ReplyDoesNotReproduceProposal {
                reason: "its text does not contain the full text of note N° 0123/MAEIA/DAJ word for word".into(),
            },
        ),
        (
            proposed.clone(),
            MAR_HEAD,
            reply(&reproducing_reply(), &proposal_hash, "2026-04-01"),
            NegotiationError::ReplyBeforeProposal {
                sent_on: date("2026-04-01"),
                proposed_on: date("2026-04-02"),
            },
        ),
    ];
    for (given, actor, action, error) in cases {
        expect_refusal(given, actor, action, error);
    }
}

#[test]
fn notes_are_for_an_exchange_of_notes_only_and_it_is_not_signed() {
    expect_refusal(
        adopted_with(
            InstrumentKind::Agreement,
            binding(ConsentProcedure::Approval),
        ),
        CIV_HEAD,
        proposal_note(),
        NegotiationError::NotAnExchangeOfNotes {
            party: "CIV".into(),
            procedure: "signature subject to approval".into(),
        },
    );
    expect_refusal(
        adopted_as(InstrumentKind::ExchangeOfNotes),
        CIV_HEAD,
        proposal_note(),
        NegotiationError::NotAnExchangeOfNotes {
            party: "CIV".into(),
            procedure: "the rules of its kind (exchange-of-notes)".into(),
        },
    );
    let events = adopted_with(
        InstrumentKind::ExchangeOfNotes,
        binding(ConsentProcedure::ExchangeOfNotes),
    );
    expect_refusal(
        events.clone(),
        crate::lifecycle::tests::CIV_SIGNATORY,
        signature(&events, "CIV", SignatureCapacity::Definitive, "2026-02-01"),
        NegotiationError::CapacityNotProvided {
            party: "CIV".into(),
            capacity: SignatureCapacity::Definitive,
            procedure: ConsentProcedure::ExchangeOfNotes,
            expected: "nothing: an exchange of notes is concluded by its notes (pacta note)",
        },
    );
    let mut mixed = binding(ConsentProcedure::ExchangeOfNotes);
    mixed
        .consent_procedure_by_party
        .insert("MAR".into(), ConsentProcedure::Ratification);
    expect_opening_refused(
        move |action| {
            if let Action::OpenNegotiation { legal_effect, .. } = action {
                *legal_effect = Some(mixed);
            }
        },
        NegotiationError::ExchangeOfNotesForSomeParties {
            party: "MAR".into(),
            procedure: ConsentProcedure::Ratification,
        },
    );
}

// ---- Full powers and the signatory's title --------------------------------------------------

fn examine(signatory: &str, accepted: bool, reason: Option<&str>) -> Action {
    Action::ExamineFullPowers {
        signatory: signatory.into(),
        accepted,
        reason: reason.map(str::to_string),
    }
}

const NOT_ORIGINAL: &str = "Copie non certifiée : l'original n'a pas été présenté";

#[test]
fn the_other_partys_head_examines_a_signatorys_full_powers() {
    use crate::lifecycle::tests::{CIV_SIGNATORY, MAR_SIGNATORY};
    expect_events(
        adopted_as(InstrumentKind::Treaty),
        CIV_HEAD,
        examine(MAR_SIGNATORY, false, Some(NOT_ORIGINAL)),
        vec![NegotiationEvent::FullPowersExamined {
            party: "MAR".into(),
            signatory: MAR_SIGNATORY.into(),
            reference: "Pleins pouvoirs n° 2026/017".into(),
            examined_by: "CIV".into(),
            accepted: false,
            reason: Some(NOT_ORIGINAL.into()),
        }],
    );
    let mut examined = adopted_as(InstrumentKind::Treaty);
    perform(&mut examined, MAR_HEAD, examine(CIV_SIGNATORY, true, None));
    let mut ex_officio = adopted_as(InstrumentKind::Treaty);
    if let Some(NegotiationEvent::DelegateAccredited { delegate }) = ex_officio
        .iter_mut()
        .find(|e| matches!(e, NegotiationEvent::DelegateAccredited { delegate } if delegate.person == MAR_SIGNATORY))
    {
        let signing = delegate.signing.as_mut().expect("a signatory");
        signing.ex_officio = true;
        signing.full_powers = None;
    }
    let cases = [
        (
            adopted_as(InstrumentKind::Treaty),
            MAR_HEAD,
            examine(MAR_SIGNATORY, true, None),
            NegotiationError::ExamineOwnFullPowers {
                party: "MAR".into(),
            },
        ),
        (
            adopted_as(InstrumentKind::Treaty),
            CIV_HEAD,
            examine(MAR_HEAD, true, None),
            NegotiationError::NotASignatory(MAR_HEAD.into()),
        ),
        (
            ex_officio,
            CIV_HEAD,
            examine(MAR_SIGNATORY, true, None),
            NegotiationError::FullPowersNotRequired(MAR_SIGNATORY.into()),
        ),
        (
            adopted_as(InstrumentKind::Treaty),
            CIV_HEAD,
            examine(MAR_SIGNATORY, false, None),
            NegotiationError::Empty {
                field: "reason for not accepting the full powers",
            },
        ),
        (
            examined,
            MAR_HEAD,
            examine(CIV_SIGNATORY, false, Some(NOT_ORIGINAL)),
            NegotiationError::AlreadyDone {
                party: "MAR".into(),
                act: "examined these full powers",
            },
        ),
    ];
    for (given, actor, action, error) in cases {
        expect_refusal(given, actor, action, error);
    }
}

#[test]
fn full_powers_are_not_examined_after_their_signatory_signed() {
    use crate::lifecycle::tests::{CIV_SIGNATORY, MAR_SIGNATORY};
    // Given Morocco's signatory has signed the adopted text,
    let mut signed = adopted_as(InstrumentKind::Treaty);
    signs(&mut signed, "MAR", SignatureCapacity::Simple, "2026-02-01");
    // when Côte d'Ivoire examines those full powers, accepting them or not, then it is refused
    // and the signature stands on powers no one has questioned in the record.
    for (accepted, reason) in [(false, Some(NOT_ORIGINAL)), (true, None)] {
        expect_refusal(
            signed.clone(),
            CIV_HEAD,
            examine(MAR_SIGNATORY, accepted, reason),
            NegotiationError::FullPowersExaminedAfterSignature {
                signatory: MAR_SIGNATORY.into(),
                signed_on: date("2026-02-01"),
            },
        );
    }
    // The signatory of the party that has not signed is still examined.
    let recorded = perform(
        &mut signed,
        MAR_HEAD,
        examine(CIV_SIGNATORY, false, Some(NOT_ORIGINAL)),
    );
    assert!(matches!(
        &recorded[..],
        [NegotiationEvent::FullPowersExamined { signatory, accepted: false, .. }] if signatory == CIV_SIGNATORY
    ));
}

#[test]
fn a_signatory_whose_full_powers_were_not_accepted_cannot_sign() {
    use crate::lifecycle::tests::MAR_SIGNATORY;
    let mut events = adopted_as(InstrumentKind::Treaty);
    perform(
        &mut events,
        CIV_HEAD,
        examine(MAR_SIGNATORY, false, Some(NOT_ORIGINAL)),
    );
    expect_refusal(
        events.clone(),
        MAR_SIGNATORY,
        signature(&events, "MAR", SignatureCapacity::Simple, "2026-02-01"),
        NegotiationError::FullPowersRefused {
            signatory: MAR_SIGNATORY.into(),
            examined_by: "CIV".into(),
            reason: NOT_ORIGINAL.into(),
        },
    );
    // Accepted full powers, or none examined, leave the signature open.
    let mut accepted = adopted_as(InstrumentKind::Treaty);
    perform(&mut accepted, CIV_HEAD, examine(MAR_SIGNATORY, true, None));
    signs(
        &mut accepted,
        "MAR",
        SignatureCapacity::Simple,
        "2026-02-01",
    );
}

#[test]
fn a_signature_records_the_signatorys_title() {
    let mut events = adopted_as(InstrumentKind::Treaty);
    let mut signing = signature(&events, "CIV", SignatureCapacity::Simple, "2026-02-01");
    if let Action::SignInstrument {
        signatory_title, ..
    } = &mut signing
    {
        *signatory_title = Some("Ministre des Affaires étrangères".into());
    }
    let recorded = perform(&mut events, crate::lifecycle::tests::CIV_SIGNATORY, signing);
    assert!(matches!(
        &recorded[0],
        NegotiationEvent::InstrumentSigned { signatory_title: Some(t), .. } if t == "Ministre des Affaires étrangères"
    ));
    assert_eq!(
        state_of(&events)
            .signature("CIV")
            .and_then(|s| s.signatory_title.as_deref()),
        Some("Ministre des Affaires étrangères")
    );
}

/// `party`'s signature of the adopted text, with its title and place of signature given in
/// `title_in` and `place_in` (language → words).
fn signature_in_languages(
    events: &[NegotiationEvent],
    title_in: &[(&str, &str)],
    place_in: &[(&str, &str)],
) -> Action {
    let mut signing = signature(events, "CIV", SignatureCapacity::Simple, "2026-02-01");
    if let Action::SignInstrument {
        signatory_title,
        signatory_title_in,
        place_in: places,
        ..
    } = &mut signing
    {
        *signatory_title = Some("Ministre des Affaires étrangères".into());
        *signatory_title_in = title_in
            .iter()
            .map(|(l, t)| (l.to_string(), t.to_string()))
            .collect();
        *places = place_in
            .iter()
            .map(|(l, p)| (l.to_string(), p.to_string()))
            .collect();
    }
    signing
}

#[test]
fn a_signature_records_the_title_and_place_in_each_authentic_language() {
    let mut events = adopted_as(InstrumentKind::Treaty);
    let title = "وزير الشؤون الخارجية";
    let signing = signature_in_languages(&events, &[("ar", title)], &[("ar", "الرباط")]);
    let recorded = perform(&mut events, crate::lifecycle::tests::CIV_SIGNATORY, signing);
    let NegotiationEvent::InstrumentSigned {
        signatory_title_in,
        place_in,
        ..
    } = &recorded[0]
    else {
        panic!("a signature: {recorded:?}");
    };
    assert_eq!(signatory_title_in["ar"], title);
    assert_eq!(place_in["ar"], "الرباط");
}

#[test]
fn a_title_or_place_in_a_language_the_instrument_is_not_written_in_is_refused() {
    let events = adopted_as(InstrumentKind::Treaty);
    let not_authentic = |field, language: &str| NegotiationError::NotAnInstrumentLanguage {
        field,
        language: language.into(),
        authentic: "fr, ar".into(),
    };
    let cases = [
        (
            signature_in_languages(&events, &[("en", "Minister for Foreign Affairs")], &[]),
            not_authentic("signatory title", "en"),
        ),
        (
            signature_in_languages(&events, &[], &[("AR", "الرباط")]),
            not_authentic("place of signature", "AR"),
        ),
        (
            signature_in_languages(&events, &[("ar", " ")], &[]),
            NegotiationError::Empty {
                field: "signatory title",
            },
        ),
        (
            signature_in_languages(&events, &[], &[("ar", &"ع".repeat(MAX_NAME_BYTES))]),
            NegotiationError::NameTooLong {
                field: "place of signature",
                bytes: 2 * MAX_NAME_BYTES,
                max_name_bytes: MAX_NAME_BYTES,
            },
        ),
    ];
    for (action, error) in cases {
        expect_refusal(
            events.clone(),
            crate::lifecycle::tests::CIV_SIGNATORY,
            action,
            error,
        );
    }
}

#[test]
fn a_signature_without_titles_or_places_in_other_languages_keeps_its_recorded_shape() {
    let mut events = adopted_as(InstrumentKind::Treaty);
    let recorded = signs(&mut events, "CIV", SignatureCapacity::Simple, "2026-02-01");
    let json = serde_json::to_value(&recorded[0]).unwrap();
    let fields = json["InstrumentSigned"].as_object().unwrap();
    // The hash chain hashes each payload's JSON: a field every earlier signature lacks must not
    // appear in it empty, or the same signature would hash differently.
    assert!(!fields.contains_key("signatory_title_in"), "{json}");
    assert!(!fields.contains_key("place_in"), "{json}");
    let read: NegotiationEvent = serde_json::from_value(json).unwrap();
    assert_eq!(read, recorded[0]);
}

#[test]
fn an_mou_that_states_no_legal_effect_is_recorded_as_not_binding() {
    let mut expected = opened_awaiting(&["MAR", "IOM"]);
    if let NegotiationEvent::NegotiationOpened { legal_effect, .. } = &mut expected {
        *legal_effect = Some(LegalEffect::non_binding());
    }
    expect_events(vec![], CIV_HEAD, open_action(), vec![expected]);
}

#[test]
fn entry_into_force_counted_from_receipt_needs_an_instrument_to_receive() {
    use crate::EntryIntoForceRule::OnLastReceipt;
    let counting_from_receipt = |kind: InstrumentKind, effect: Option<LegalEffect>| {
        move |action: &mut Action| {
            if let Action::OpenNegotiation {
                instrument_kind,
                entry_into_force_rule,
                legal_effect,
                ..
            } = action
            {
                *instrument_kind = kind;
                *entry_into_force_rule = Some(OnLastReceipt);
                *legal_effect = effect;
            }
        }
    };
    let refused = NegotiationError::ReceiptRuleWithoutInstruments {
        rule: OnLastReceipt,
    };
    for (kind, effect) in [
        (InstrumentKind::Mou, None),
        (InstrumentKind::Agreement, None),
        (
            InstrumentKind::Treaty,
            Some(binding(ConsentProcedure::Signature)),
        ),
        (
            InstrumentKind::ExchangeOfNotes,
            Some(binding(ConsentProcedure::ExchangeOfNotes)),
        ),
    ] {
        expect_opening_refused(counting_from_receipt(kind, effect), refused.clone());
    }
    // Where a party ratifies, approves or notifies, there is an instrument to receive.
    for (kind, effect) in [
        (InstrumentKind::Treaty, None),
        (
            InstrumentKind::Agreement,
            Some(binding(ConsentProcedure::Approval)),
        ),
    ] {
        let opening = command(CIV_HEAD, with_open(counting_from_receipt(kind, effect)));
        let recorded = crate::Negotiation::default().decide_as_claimed(&opening);
        assert!(recorded.is_ok(), "{kind:?}: {recorded:?}");
    }
}

#[test]
fn a_non_binding_instrument_is_not_applied_provisionally() {
    expect_opening_refused(
        |action: &mut Action| {
            if let Action::OpenNegotiation {
                provisional_application,
                ..
            } = action
            {
                *provisional_application = true;
            }
        },
        NegotiationError::ProvisionalApplicationOfNonBinding,
    );
}
