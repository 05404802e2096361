//! The text's structure in the views: labels per language, cross-references, numbered
//! paragraphs, and renumbering and moves in redlines.

use pacta_domain::{ClauseKind, ClauseStatus, InstrumentKind, NegotiationEvent, Party};

use crate::export::{redline_markdown, ClauseChanges};
use crate::tests::{agreed, amended, article, proposed};

/// The events as stored, each recorded on its own day of May 2026.
fn envelopes(
    events: Vec<NegotiationEvent>,
) -> Vec<cqrs_es::EventEnvelope<pacta_domain::Negotiation>> {
    let mut envelopes = crate::tests::envelopes(events);
    for envelope in &mut envelopes {
        envelope.metadata.insert(
            pacta_domain::metadata::RECORDED_AT.to_string(),
            format!("2026-05-{:02}T10:00:00Z", envelope.sequence),
        );
    }
    envelopes
}
use crate::{draft, redline_in, ClauseChange, Point};

/// A French–English agreement between CIV and MAR.
fn opened_fr_en() -> NegotiationEvent {
    let party = |code: &str| Party::new(code, code, &code.to_lowercase(), code);
    serde_json::from_value(serde_json::json!({ "NegotiationOpened": {
        "negotiation_id": "neg",
        "title": "Accord",
        "instrument_kind": InstrumentKind::Agreement,
        "parties": [party("CIV"), party("MAR")],
        "languages": ["fr", "en"],
    }}))
    .expect("an opening")
}

fn placed(clause_id: &str, before: &str) -> NegotiationEvent {
    NegotiationEvent::ClausePlaced {
        clause_id: clause_id.into(),
        after: None,
        before: Some(before.into()),
    }
}

fn withdrawn(clause_id: &str) -> NegotiationEvent {
    NegotiationEvent::ClauseWithdrawn {
        clause_id: clause_id.into(),
        reason: "merged".into(),
    }
}

/// Sequences 1–4: opened, art-obj, art-ref (referring to art-obj), a final clause; 5–6: a
/// definitions article placed before art-obj.
fn with_definitions_inserted() -> Vec<NegotiationEvent> {
    vec![
        opened_fr_en(),
        article("art-obj", "Objet."),
        article("art-ref", "Voir l'article [[art-obj]]."),
        proposed("final-eif", ClauseKind::FinalClause, "Entrée en vigueur."),
        article("art-def", "Définitions."),
        placed("art-def", "art-obj"),
    ]
}

#[test]
fn the_draft_labels_each_clause_by_each_languages_convention() {
    let view = draft("neg", &envelopes(with_definitions_inserted()));
    let labels: Vec<(&str, &str, &str)> = view
        .clauses
        .iter()
        .map(|c| {
            (
                c.clause_id.as_str(),
                c.labels["fr"].as_str(),
                c.labels["en"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        labels,
        vec![
            ("art-def", "Article premier", "Article 1"),
            ("art-obj", "Article 2", "Article 2"),
            ("art-ref", "Article 3", "Article 3"),
            ("final-eif", "Article 4", "Article 4"),
        ]
    );
    let reference = &view.clauses[2];
    assert_eq!(
        view.rendered_text(reference, &reference.text, "fr"),
        "Voir l'article 2."
    );
    assert_eq!(
        reference.text, "Voir l'article [[art-obj]].",
        "stored as written"
    );
    assert!(view.warnings.is_empty());
}

#[test]
fn a_reference_to_a_withdrawn_clause_is_flagged_in_the_text_and_the_warnings() {
    let mut events = with_definitions_inserted();
    events.push(withdrawn("art-obj"));
    let view = draft("neg", &envelopes(events));
    let reference = view
        .clauses
        .iter()
        .find(|c| c.clause_id == "art-ref")
        .expect("in the draft");
    assert_eq!(reference.labels["fr"], "Article 2", "renumbered");
    assert_eq!(
        view.rendered_text(reference, &reference.text, "en"),
        "Voir l'article [withdrawn: art-obj]."
    );
    assert_eq!(view.warnings.len(), 1);
    assert!(view.warnings[0].contains("art-ref") && view.warnings[0].contains("art-obj"));
}

#[test]
fn an_articles_paragraphs_are_numbered_when_there_are_two_or_more() {
    let text = "Les Parties coopèrent.\n\nÀ cette fin :\n(a) elles échangent ;\n(b) elles forment.";
    let events = vec![opened_fr_en(), article("art-1", text)];
    let view = draft("neg", &envelopes(events));
    assert_eq!(
        view.rendered_text(&view.clauses[0], text, "fr"),
        "1. Les Parties coopèrent.\n\n2. À cette fin :\n(a) elles échangent ;\n(b) elles forment."
    );
}

#[test]
fn a_redline_says_which_article_became_which_in_its_language() {
    let events = envelopes(with_definitions_inserted());
    let (from, to) = (Point::Sequence(4), Point::Sequence(6));
    let french = redline_in(&events, &from, &to, Some("fr")).unwrap();
    let rows: Vec<(&str, ClauseChange, Vec<String>)> = french
        .clauses
        .iter()
        .map(|c| (c.clause_id.as_str(), c.change, c.notes.clone()))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("art-def", ClauseChange::Added, vec![]),
            (
                "art-obj",
                ClauseChange::Unchanged,
                vec!["Article premier devient Article 2".to_string()]
            ),
            (
                "art-ref",
                ClauseChange::Unchanged,
                vec![
                    "Article 2 devient Article 3".to_string(),
                    "Renvois renumérotés ; libellé inchangé".to_string()
                ]
            ),
            (
                "final-eif",
                ClauseChange::Unchanged,
                vec!["Article 3 devient Article 4".to_string()]
            ),
        ]
    );
    // The reference in art-ref now reads 2 where it read premier.
    let reference = &french.clauses[2];
    let deleted: String = reference
        .text
        .iter()
        .filter(|c| c.kind == crate::ChangeKind::Deleted)
        .map(|c| c.text.as_str())
        .collect();
    assert_eq!(deleted.trim(), "premier.");
    let english = redline_in(&events, &from, &to, Some("en")).unwrap();
    assert_eq!(
        english.clauses[1].notes,
        vec!["Article 1 becomes Article 2"]
    );
    assert_eq!(english.clauses[1].label, "Article 2");
    assert_eq!(english.clauses[1].old_label.as_deref(), Some("Article 1"));
    // Every document format carries the note, though the wording is unchanged.
    let changes = ClauseChanges::from_redline(&english).unwrap();
    let markdown = redline_markdown("Redline", "en", &changes);
    assert!(
        markdown.contains("> Article 1 becomes Article 2"),
        "{markdown}"
    );
    let html = crate::export::redline_html("Redline", "en", &changes);
    assert!(html.contains("Article 2 becomes Article 3"), "{html}");
}

#[test]
fn a_moved_clause_is_said_to_have_moved_even_with_its_wording_unchanged() {
    let mut events = with_definitions_inserted();
    // art-ref moves before art-obj: the only clause outside the common order.
    events.push(NegotiationEvent::ClausePlaced {
        clause_id: "art-ref".into(),
        after: None,
        before: Some("art-obj".into()),
    });
    let events = envelopes(events);
    let view = redline_in(
        &events,
        &Point::Sequence(6),
        &Point::Sequence(7),
        Some("en"),
    )
    .unwrap();
    let moved: Vec<(&str, bool, Vec<String>)> = view
        .clauses
        .iter()
        .map(|c| (c.clause_id.as_str(), c.moved, c.notes.clone()))
        .collect();
    assert_eq!(
        moved,
        vec![
            ("art-def", false, vec![]),
            (
                "art-ref",
                true,
                vec![
                    "Article 3 becomes Article 2".to_string(),
                    "Moved; wording unchanged".to_string(),
                    "Cross-references renumbered; wording unchanged".to_string()
                ]
            ),
            (
                "art-obj",
                false,
                vec!["Article 2 becomes Article 3".to_string()]
            ),
            ("final-eif", false, vec![]),
        ]
    );
    let art_ref = &view.clauses[1];
    assert_eq!(art_ref.change, ClauseChange::Unchanged);
    assert_eq!(
        art_ref
            .changed_by
            .iter()
            .map(|a| a.event.as_str())
            .collect::<Vec<_>>(),
        vec!["ClausePlaced"]
    );
    let draft_now = draft("neg", &events);
    assert!(draft_now
        .clauses
        .iter()
        .all(|c| c.status != ClauseStatus::Withdrawn));
}

/// A draft rendered clause by clause from the clauses the last one left is byte for byte the
/// draft rendered whole, and renders only the clauses an event changed or renumbered.
#[test]
fn a_draft_renders_again_only_the_clauses_an_event_changed_or_renumbered() {
    let mut events = with_definitions_inserted();
    events.extend([
        amended("art-obj", "Objet.", "Objet du mémorandum."),
        agreed("art-def", "CIV", "Définitions."),
        withdrawn("art-obj"),
        NegotiationEvent::Commented {
            clause_id: None,
            text: "Observation.".into(),
            internal: false,
        },
        NegotiationEvent::NumberingFrozen {
            numbers: [("art-def", 1), ("art-ref", 2), ("final-eif", 3)]
                .map(|(id, number)| (id.to_string(), number))
                .into(),
        },
        article("art-new", "Coopération."),
    ]);
    // After each event, the clauses rendered again.
    let rendered_again = [
        0, // opened
        1, // art-obj
        1, // art-ref
        1, // final-eif
        2, // art-def, last of the articles: it, and final-eif renumbered after it
        3, // art-def placed first: it, and the two articles it now precedes
        1, // art-obj amended
        1, // art-def agreed by CIV
        3, // art-obj withdrawn: it, and the two clauses after it renumbered
        0, // a comment
        0, // the numbering frozen as it stands
        1, // art-new, after art-ref: "2 bis", and final-eif keeps its number
    ];
    let mut fold = crate::NegotiationFold::new("neg");
    let mut cache = crate::DraftJsonCache::default();
    for (envelope, expected) in envelopes(events).iter().zip(rendered_again) {
        fold.apply(envelope).unwrap();
        let whole = serde_json::to_string(&crate::draft_of_state(
            "neg",
            fold.state(),
            envelope.sequence,
        ))
        .unwrap();
        let by_clause = crate::draft_json("neg", fold.state(), envelope.sequence, &mut cache);
        assert_eq!(by_clause, whole, "after event {}", envelope.sequence);
        assert_eq!(
            cache.rendered_last(),
            expected,
            "rendered after event {}",
            envelope.sequence
        );
    }
    let draft = fold.draft();
    assert!(
        draft.warnings[0].contains("art-obj"),
        "the withdrawn reference is flagged"
    );
    let inserted = draft.clauses.iter().find(|c| c.clause_id == "art-new");
    assert_eq!(
        inserted.map(|c| c.labels["en"].as_str()),
        Some("Article 2 bis")
    );
}
