//! Fold tests: event sequences in, views out.

use std::collections::HashMap;

use cqrs_es::EventEnvelope;
use pacta_domain::{
    clause_text_hash, metadata, ClauseKind, ClauseStatus, InstrumentKind, Negotiation,
    NegotiationEvent, Party,
};

use crate::{draft, history};

pub(crate) fn envelopes(events: Vec<NegotiationEvent>) -> Vec<EventEnvelope<Negotiation>> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, payload)| EventEnvelope {
            aggregate_id: "neg".into(),
            sequence: i + 1,
            payload,
            metadata: HashMap::from([
                (metadata::ACTOR.to_string(), "someone".to_string()),
                (metadata::HASH.to_string(), format!("{:064x}", i + 1)),
            ]),
        })
        .collect()
}

pub(crate) fn opened() -> NegotiationEvent {
    let party = |code: &str| Party::new(code, code, &code.to_lowercase(), code);
    NegotiationEvent::NegotiationOpened {
        negotiation_id: "neg".into(),
        title: "Mémorandum".into(),
        instrument_kind: InstrumentKind::Mou,
        parties: vec![party("CIV"), party("MAR")],
        facilitator: None,
        languages: vec!["fr".into()],
        language_responsibility: Default::default(),
        entry_into_force_rule: None,
        termination_notice_months: None,
        provisional_application: false,
    }
}

pub(crate) fn proposed(clause_id: &str, kind: ClauseKind, text: &str) -> NegotiationEvent {
    NegotiationEvent::ClauseProposed {
        clause_id: clause_id.into(),
        kind,
        heading: String::new(),
        language: "fr".into(),
        text: text.into(),
        text_hash: clause_text_hash("", "fr", text),
        proposed_by: "CIV".into(),
    }
}

pub(crate) fn agreed(clause_id: &str, party: &str, text: &str) -> NegotiationEvent {
    NegotiationEvent::ClauseAgreed {
        clause_id: clause_id.into(),
        party: party.into(),
        text_hash: clause_text_hash("", "fr", text),
        ad_referendum: false,
    }
}

#[test]
fn the_draft_orders_recitals_articles_annexes_and_numbers_live_clauses() {
    let events = envelopes(vec![
        opened(),
        proposed("a", ClauseKind::Article, "A"),
        proposed("annex", ClauseKind::Annex, "X"),
        proposed("b", ClauseKind::Article, "B"),
        proposed("r", ClauseKind::Recital, "R"),
        NegotiationEvent::ClauseWithdrawn {
            clause_id: "a".into(),
            reason: "merged".into(),
        },
        agreed("b", "CIV", "B"),
        agreed("b", "MAR", "B"),
        agreed("r", "MAR", "R"),
    ]);
    let view = draft("neg", &events);
    let rows: Vec<(&str, &str, ClauseStatus)> = view
        .clauses
        .iter()
        .map(|c| (c.clause_id.as_str(), c.label.as_str(), c.status))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("r", "Recital 1", ClauseStatus::UnderDiscussion),
            ("a", "Article (withdrawn)", ClauseStatus::Withdrawn),
            ("b", "Article 1", ClauseStatus::Agreed),
            ("annex", "Annex 1", ClauseStatus::Proposed),
        ]
    );
    assert_eq!(view.clauses[2].agreed_by, vec!["CIV", "MAR"]);
    assert_eq!(view.as_of_sequence, 9);
}

#[test]
fn an_agreement_to_an_older_wording_is_not_shown_as_agreement() {
    let events = envelopes(vec![
        opened(),
        proposed("a", ClauseKind::Article, "old"),
        agreed("a", "CIV", "old"),
        NegotiationEvent::ClauseAmended {
            clause_id: "a".into(),
            base_text_hash: clause_text_hash("", "fr", "old"),
            heading: String::new(),
            language: "fr".into(),
            text: "new".into(),
            text_hash: clause_text_hash("", "fr", "new"),
        },
        agreed("a", "MAR", "new"),
    ]);
    let clause = &draft("neg", &events).clauses[0];
    assert_eq!(clause.text, "new");
    assert_eq!(clause.agreed_by, vec!["MAR"]);
    assert_eq!(clause.status, ClauseStatus::UnderDiscussion);
}

#[test]
fn history_lists_every_event_with_its_hash_and_a_summary() {
    let events = envelopes(vec![
        opened(),
        proposed("a", ClauseKind::Article, "A"),
        agreed("a", "MAR", "A"),
    ]);
    let entries = history(&events);
    assert_eq!(entries.len(), 3);
    assert_eq!(
        entries[0].summary,
        "opened \"Mémorandum\" between CIV, MAR in fr"
    );
    assert_eq!(entries[2].event, "ClauseAgreed");
    assert!(entries[2].summary.starts_with("MAR agreed a ["));
    assert_eq!(entries[2].hash, format!("{:064x}", 3));
    assert_eq!(entries[1].actor, "someone");
}
