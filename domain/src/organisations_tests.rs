//! Given/when/then tests for international organisations as parties (VCLT 1986): how they are
//! named, how they consent to be bound, and that openings recorded before they could be parties
//! still read as openings between States.

use crate::aggregate::tests::*;
use crate::legal_effect_tests::consent;
use crate::lifecycle::tests::{date, perform, ready, sign, signs, MAR_SIGNATORY};
use crate::{
    Action, ConsentMode, InstrumentKind, NegotiationError, NegotiationEvent, Party, PartyKind,
    SignatureCapacity,
};

const UNHCR: &str = "UNHCR";
const UNHCR_NAME: &str = "Office of the United Nations High Commissioner for Refugees";
const CIV_AUTHORITY: &str = "treaty-office.civ";
const UNHCR_AUTHORITY: &str = "treaty-office.mar";

fn organisation(code: &str) -> Party {
    Party::organisation(
        code,
        UNHCR_NAME,
        MAR_HEAD,
        "Head of the organisation's delegation",
    )
}

fn second_party(party: Party) -> impl FnOnce(&mut Action) {
    move |action| {
        if let Action::OpenNegotiation { parties, .. } = action {
            parties[1] = party;
        }
    }
}

#[test]
fn an_organisation_is_a_party_and_its_head_accepts_like_a_states() {
    let unhcr = organisation(UNHCR);
    let mut expected = as_decided(opened_awaiting(&[UNHCR, "IOM"]));
    if let NegotiationEvent::NegotiationOpened { parties, .. } = &mut expected {
        parties[1] = unhcr.clone();
    }
    expect_events(
        vec![],
        CIV_HEAD,
        with_open(second_party(unhcr)),
        vec![expected.clone()],
    );
    expect_events(
        vec![expected],
        MAR_HEAD,
        Action::AcceptNegotiation,
        vec![NegotiationEvent::NegotiationAccepted {
            party: UNHCR.into(),
        }],
    );
}

#[test]
fn a_code_of_a_state_cannot_name_an_organisation_nor_an_organisations_code_a_state() {
    expect_opening_refused(
        second_party(organisation("MAR")),
        NegotiationError::OrganisationCodeIsCountryCode("MAR".into()),
    );
    expect_opening_refused(
        second_party(party(UNHCR, UNHCR_NAME, MAR_HEAD)),
        NegotiationError::UnknownCountryCode(UNHCR.into()),
    );
    for malformed in ["unhcr", "U", "UN-HCR", "ORGANISATIONS"] {
        expect_opening_refused(
            second_party(organisation(malformed)),
            NegotiationError::InvalidOrganisationCode(malformed.into()),
        );
    }
}

#[test]
fn an_organisation_is_either_a_party_or_the_facilitator_not_both() {
    expect_opening_refused(
        second_party(organisation("IOM")),
        NegotiationError::InvalidFacilitatorCode("IOM".into()),
    );
}

/// A treaty between Côte d'Ivoire and the UNHCR, its text adopted by both: `ready()` with
/// Morocco's place, people and acts given to the organisation.
fn treaty_with_unhcr() -> Vec<NegotiationEvent> {
    let json = serde_json::to_string(&ready())
        .expect("events serialise")
        .replace("\"MAR\"", "\"UNHCR\"");
    let mut events: Vec<NegotiationEvent> = serde_json::from_str(&json).expect("events read");
    if let NegotiationEvent::NegotiationOpened {
        parties,
        instrument_kind,
        entry_into_force_rule,
        ..
    } = &mut events[0]
    {
        parties[1].kind = PartyKind::Organisation;
        parties[1].name = UNHCR_NAME.into();
        *instrument_kind = InstrumentKind::Treaty;
        *entry_into_force_rule = Some(InstrumentKind::Treaty.default_entry_into_force_rule());
    }
    let root = state_of(&events).text_root_hash();
    for party in ["CIV", UNHCR] {
        events.push(NegotiationEvent::TextAdopted {
            party: party.into(),
            text_root_hash: root.clone(),
        });
    }
    events
}

/// `treaty_with_unhcr()` signed by both, subject to consent to be bound.
fn signed_by_both() -> Vec<NegotiationEvent> {
    let mut events = treaty_with_unhcr();
    signs(&mut events, "CIV", SignatureCapacity::Simple, "2026-02-01");
    let unhcr_signs = sign(
        &events,
        MAR_SIGNATORY,
        UNHCR,
        2,
        SignatureCapacity::Simple,
        "2026-02-01",
    );
    perform(&mut events, MAR_SIGNATORY, unhcr_signs);
    events
}

#[test]
fn an_organisation_consents_by_an_act_of_formal_confirmation_not_by_ratification() {
    expect_refusal(
        signed_by_both(),
        UNHCR_AUTHORITY,
        consent(ConsentMode::Ratification, "2026-03-01"),
        NegotiationError::RatificationByOrganisation(UNHCR.into()),
    );
    expect_refusal(
        signed_by_both(),
        CIV_AUTHORITY,
        consent(ConsentMode::FormalConfirmation, "2026-03-01"),
        NegotiationError::FormalConfirmationByState("CIV".into()),
    );
}

#[test]
fn the_organisations_formal_confirmation_completes_consent_and_fixes_entry_into_force() {
    let mut events = signed_by_both();
    perform(
        &mut events,
        CIV_AUTHORITY,
        consent(ConsentMode::Ratification, "2026-03-10"),
    );
    expect_events(
        events,
        UNHCR_AUTHORITY,
        consent(ConsentMode::FormalConfirmation, "2026-04-20"),
        vec![
            NegotiationEvent::ConsentExpressed {
                party: UNHCR.into(),
                mode: ConsentMode::FormalConfirmation,
                on: date("2026-04-20"),
                instrument_reference: None,
                scan_sha256: None,
                transmitted_by: None,
            },
            NegotiationEvent::EntryIntoForceFixed {
                date: date("2026-06-01"),
                rule: InstrumentKind::Treaty.default_entry_into_force_rule(),
                revision: 0,
            },
        ],
    );
}

#[test]
fn acceptance_and_approval_are_open_to_an_organisation_as_to_a_state() {
    for mode in [ConsentMode::Acceptance, ConsentMode::Approval] {
        let events = perform(
            &mut signed_by_both(),
            UNHCR_AUTHORITY,
            consent(mode, "2026-03-01"),
        );
        assert_eq!(
            events,
            vec![NegotiationEvent::ConsentExpressed {
                party: UNHCR.into(),
                mode,
                on: date("2026-03-01"),
                instrument_reference: None,
                scan_sha256: None,
                transmitted_by: None,
            }]
        );
    }
}

#[test]
fn an_opening_recorded_without_kinds_reads_as_between_states_and_keeps_its_bytes() {
    let recorded = serde_json::to_string(&opened()).expect("an opening serialises");
    assert!(!recorded.contains("\"kind\""), "{recorded}");
    let read: NegotiationEvent = serde_json::from_str(&recorded).expect("an opening reads");
    let NegotiationEvent::NegotiationOpened { parties, .. } = &read else {
        panic!("not an opening: {read:?}")
    };
    assert!(parties.iter().all(|p| p.kind == PartyKind::State));
    assert_eq!(serde_json::to_string(&read).expect("serialises"), recorded);

    let with_organisation = serde_json::to_value(organisation(UNHCR)).expect("serialises");
    assert_eq!(with_organisation["kind"], "organisation");
}
