//! Fold tests: event sequences in, views out.

use std::collections::HashMap;

use chrono::NaiveDate;
use cqrs_es::EventEnvelope;
use pacta_domain::{
    clause_text_hash, metadata, row_hash, ClauseKind, ClauseStatus, EntryIntoForceRule, Indicator,
    InstrumentKind, Negotiation, NegotiationEvent, Party, Position, RoundKind, RowContent,
    RowProgress,
};

use crate::{
    clause_history, draft, events_at, history, history_for_reader, index_entry, redline, timeline,
    ChangeKind, ClauseChange, HistoryEntry, Point, PointError, TimelineFilter, VersionKind,
    WordChange,
};

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

/// An MoU between CIV and MAR in French, opened with what an early event recorded: no
/// facilitator, and the kind's rules for entry into force and termination.
pub(crate) fn opened() -> NegotiationEvent {
    let party = |code: &str| Party::new(code, code, &code.to_lowercase(), code);
    serde_json::from_value(serde_json::json!({ "NegotiationOpened": {
        "negotiation_id": "neg",
        "title": "Mémorandum",
        "instrument_kind": InstrumentKind::Mou,
        "parties": [party("CIV"), party("MAR")],
        "languages": ["fr"],
    }}))
    .expect("an opening")
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

/// An untitled article in French, proposed by CIV.
pub(crate) fn article(clause_id: &str, text: &str) -> NegotiationEvent {
    proposed(clause_id, ClauseKind::Article, text)
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
        article("a", "A"),
        proposed("annex", ClauseKind::Annex, "X"),
        article("b", "B"),
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
            ("annex", "Annex I", ClauseStatus::Proposed),
        ]
    );
    assert_eq!(view.clauses[2].agreed_by, vec!["CIV", "MAR"]);
    assert_eq!(view.as_of_sequence, 9);
}

#[test]
fn an_agreement_to_an_older_wording_is_not_shown_as_agreement() {
    let events = envelopes(vec![
        opened(),
        article("a", "old"),
        agreed("a", "CIV", "old"),
        amended("a", "old", "new"),
        agreed("a", "MAR", "new"),
    ]);
    let clause = &draft("neg", &events).clauses[0];
    assert_eq!(clause.text, "new");
    assert_eq!(clause.agreed_by, vec!["MAR"]);
    assert_eq!(clause.status, ClauseStatus::UnderDiscussion);
}

#[test]
fn history_lists_every_event_with_its_hash_and_a_summary() {
    let events = envelopes(vec![opened(), article("a", "A"), agreed("a", "MAR", "A")]);
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

// ---- Points, clause histories, redlines, timelines and the index --------------------------

/// One field of each history entry, in order.
fn column<'a, T>(entries: &'a [HistoryEntry], field: impl Fn(&'a HistoryEntry) -> T) -> Vec<T> {
    entries.iter().map(field).collect()
}

/// Events as the ledger stores them: each recorded by `PARTY`'s negotiator (`civ.neg`,
/// `mar.neg`) on the given day, sequences from 1.
fn stamped(events: Vec<(&str, &str, NegotiationEvent)>) -> Vec<EventEnvelope<Negotiation>> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, (party, day, payload))| EventEnvelope {
            aggregate_id: "neg".into(),
            sequence: i + 1,
            payload,
            metadata: HashMap::from([
                (
                    metadata::ACTOR.to_string(),
                    format!("{}.neg", party.to_lowercase()),
                ),
                (metadata::PARTY.to_string(), party.to_string()),
                (
                    metadata::RECORDED_AT.to_string(),
                    format!("{day}T10:00:00.000000Z"),
                ),
                (metadata::HASH.to_string(), format!("{:064x}", i + 1)),
            ]),
        })
        .collect()
}

pub(crate) fn amended(clause_id: &str, old: &str, new: &str) -> NegotiationEvent {
    NegotiationEvent::ClauseAmended {
        clause_id: clause_id.into(),
        base_text_hash: clause_text_hash("", "fr", old),
        heading: String::new(),
        language: "fr".into(),
        text: new.into(),
        text_hash: clause_text_hash("", "fr", new),
        // As recorded before amendments named their party.
        amended_by: None,
    }
}

fn proposed_by_mar(clause_id: &str, text: &str) -> NegotiationEvent {
    let mut proposal = article(clause_id, text);
    if let NegotiationEvent::ClauseProposed { proposed_by, .. } = &mut proposal {
        *proposed_by = "MAR".into();
    }
    proposal
}

fn round_opened(round_id: &str) -> NegotiationEvent {
    NegotiationEvent::RoundOpened {
        round_id: round_id.into(),
        kind: RoundKind::NegotiatingRound,
        place: "Abidjan".into(),
        starts_on: NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
        ends_on: NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(),
    }
}

fn round_closed(round_id: &str) -> NegotiationEvent {
    NegotiationEvent::RoundClosed {
        round_id: round_id.into(),
    }
}

/// The runs of `kind` in `changes`, trimmed and joined by `|`.
fn runs(changes: &[WordChange], kind: ChangeKind) -> String {
    changes
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| c.text.trim())
        .collect::<Vec<_>>()
        .join("|")
}

fn inserted(changes: &[WordChange]) -> String {
    runs(changes, ChangeKind::Inserted)
}

fn deleted(changes: &[WordChange]) -> String {
    runs(changes, ChangeKind::Deleted)
}

const TABLED: &str = "Les Parties coopèrent contre la traite.";
const WIDENED: &str =
    "Les Parties coopèrent étroitement contre la traite et protègent les victimes.";
const DATA: &str = "Les Parties échangent des données.";
const DATA_B: &str = "Les Parties échangent des données dans le respect de la loi 09-08.";

/// Two rounds: in round-1 CIV tables art-1 and art-2 and MAR widens art-1; between rounds MAR
/// brackets art-2 with B; in round-2 B is chosen, art-3 is tabled and art-1 agreed.
fn two_rounds() -> Vec<EventEnvelope<Negotiation>> {
    stamped(vec![
        ("CIV", "2026-03-01", opened()),                          // 1
        ("CIV", "2026-03-03", round_opened("round-1")),           // 2
        ("CIV", "2026-03-03", article("art-1", TABLED)),          // 3
        ("CIV", "2026-03-03", article("art-2", DATA)),            // 4
        ("MAR", "2026-03-04", amended("art-1", TABLED, WIDENED)), // 5
        ("CIV", "2026-03-05", round_closed("round-1")),           // 6
        (
            "MAR",
            "2026-04-01",
            NegotiationEvent::AlternativeProposed {
                clause_id: "art-2".into(),
                label: "B".into(),
                heading: String::new(),
                language: "fr".into(),
                text: DATA_B.into(),
                text_hash: clause_text_hash("", "fr", DATA_B),
                proposed_by: "MAR".into(),
            },
        ), // 7
        ("CIV", "2026-04-21", round_opened("round-2")),           // 8
        (
            "CIV",
            "2026-04-21",
            NegotiationEvent::AlternativeChosen {
                clause_id: "art-2".into(),
                label: "B".into(),
                base_text_hash: clause_text_hash("", "fr", DATA),
                text_hash: clause_text_hash("", "fr", DATA_B),
            },
        ), // 9
        ("MAR", "2026-04-22", proposed_by_mar("art-3", "Comité.")), // 10
        ("CIV", "2026-04-22", agreed("art-1", "CIV", WIDENED)),   // 11
        ("MAR", "2026-04-22", agreed("art-1", "MAR", WIDENED)),   // 12
    ])
}

#[test]
fn points_parse_from_their_documented_syntax() {
    let parsed = |s: &str| s.parse::<Point>();
    assert_eq!(parsed("42"), Ok(Point::Sequence(42)));
    assert_eq!(
        parsed("2026-03-05"),
        Ok(Point::Date(NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()))
    );
    assert_eq!(parsed("round:7"), Ok(Point::Round("7".into())));
    assert_eq!(parsed("round-1"), Ok(Point::Round("round-1".into())));
    assert_eq!(parsed("revision:0"), Ok(Point::Revision(0)));
    for malformed in [
        "",
        "0",
        "2026-02-30",
        "round:",
        "revision:x",
        "revision:-1",
        "seq:4",
    ] {
        assert!(
            matches!(parsed(malformed), Err(PointError::Malformed { .. })),
            "{malformed:?} should be malformed"
        );
    }
}

#[test]
fn the_draft_attributes_the_standing_wording_to_whoever_wrote_it() {
    let events = two_rounds();
    let draft = crate::draft("civ-mar-tip", &events);
    let attribution = |id: &str| {
        let clause = draft.clauses.iter().find(|c| c.clause_id == id).unwrap();
        clause.attribution()
    };
    // MAR's alternative B was chosen for CIV's article: the wording is MAR's.
    assert_eq!(attribution("art-2"), "proposed by CIV; wording of MAR");
    // An amendment recorded before amendments named their party: only the proposer is known.
    assert_eq!(attribution("art-1"), "proposed by CIV");
    assert_eq!(attribution("art-3"), "proposed by MAR");
    let mut amended_now = amended("art-1", TABLED, WIDENED);
    if let NegotiationEvent::ClauseAmended { amended_by, .. } = &mut amended_now {
        *amended_by = Some("MAR".into());
    }
    let draft = crate::draft(
        "civ-mar-tip",
        &envelopes(vec![opened(), article("art-1", TABLED), amended_now]),
    );
    assert_eq!(
        draft.clauses[0].attribution(),
        "proposed by CIV; wording of MAR"
    );
}

#[test]
fn a_sequence_or_a_date_ends_the_prefix_there() {
    let events = two_rounds();
    assert_eq!(events_at(&events, &Point::Sequence(5)).unwrap().len(), 5);
    assert_eq!(
        events_at(&events, &Point::Sequence(13)).map(<[_]>::len),
        Err(PointError::SequenceBeyondEnd {
            sequence: 13,
            last: 12
        })
    );
    let on = |day: &str| Point::Date(day.parse().unwrap());
    assert_eq!(events_at(&events, &on("2026-03-04")).unwrap().len(), 5);
    assert_eq!(events_at(&events, &on("2026-03-31")).unwrap().len(), 6);
    assert_eq!(events_at(&events, &on("2030-01-01")).unwrap().len(), 12);
    assert_eq!(
        events_at(&events, &on("2026-02-28")).map(<[_]>::len),
        Err(PointError::DateBeforeFirstEvent {
            date: "2026-02-28".parse().unwrap(),
            first: "2026-03-01".parse().unwrap()
        })
    );
}

#[test]
fn a_round_ends_at_its_close_or_now_while_open() {
    let events = two_rounds();
    let round = |id: &str| events_at(&events, &Point::Round(id.into())).map(<[_]>::len);
    assert_eq!(round("round-1"), Ok(6), "the close is included");
    assert_eq!(round("round-2"), Ok(12), "still open: everything so far");
    assert_eq!(
        round("round-9"),
        Err(PointError::UnknownRound {
            round: "round-9".into(),
            known: "round-1, round-2".into()
        })
    );
}

#[test]
fn the_draft_at_a_point_is_the_draft_of_the_prefix() {
    let events = two_rounds();
    let at_round_1 = draft(
        "neg",
        events_at(&events, &Point::Round("round-1".into())).unwrap(),
    );
    assert_eq!(at_round_1.as_of_sequence, 6);
    assert_eq!(at_round_1.clauses.len(), 2);
    assert_eq!(at_round_1.clauses[0].text, WIDENED);
    assert_eq!(at_round_1.clauses[1].text, DATA);
    let at_3 = draft("neg", events_at(&events, &Point::Sequence(3)).unwrap());
    assert_eq!(at_3.clauses[0].text, TABLED);
}

#[test]
fn a_clause_history_lists_each_wording_with_its_redline_and_the_other_acts() {
    let mut events = two_rounds();
    let arabic = "تتعاون الأطراف";
    events.extend(stamped(vec![
        (
            "MAR",
            "2026-04-23",
            NegotiationEvent::PositionStated {
                clause_id: "art-2".into(),
                party: "MAR".into(),
                position: Position::Accept,
                rationale: "Loi 09-08 respectée".into(),
            },
        ),
        (
            "MAR",
            "2026-04-23",
            NegotiationEvent::ClauseTranslated {
                clause_id: "art-2".into(),
                language: "ar".into(),
                heading: String::new(),
                text: arabic.into(),
                text_hash: clause_text_hash("", "ar", arabic),
                source_text_hash: clause_text_hash("", "fr", DATA_B),
            },
        ),
    ]));
    for (i, e) in events.iter_mut().enumerate() {
        e.sequence = i + 1;
    }
    let history = clause_history(&events, "art-2").expect("art-2 was proposed");
    let kinds: Vec<(usize, VersionKind, &str, &str)> = history
        .versions
        .iter()
        .map(|v| {
            (
                v.sequence,
                v.kind,
                v.proposed_by.as_str(),
                v.language.as_str(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            (4, VersionKind::Proposed, "CIV", "fr"),
            (7, VersionKind::AlternativeProposed, "MAR", "fr"),
            (9, VersionKind::AlternativeChosen, "MAR", "fr"),
            (14, VersionKind::Translated, "MAR", "ar"),
        ]
    );
    let chosen = &history.versions[2];
    assert_eq!(chosen.party, "CIV", "recorded by CIV, the wording is MAR's");
    assert_eq!(chosen.label.as_deref(), Some("B"));
    assert_eq!(chosen.round.as_deref(), Some("round-2"));
    assert_eq!(chosen.text, DATA_B);
    assert_eq!(
        chosen.previous_sequence,
        Some(4),
        "compared with the wording in force, not with the alternative"
    );
    assert_eq!(
        inserted(&chosen.text_changes),
        "données dans le respect de la loi 09-08."
    );
    assert_eq!(deleted(&chosen.text_changes), "données.");
    let alternative = &history.versions[1];
    assert_eq!(alternative.round, None, "bracketed between rounds");
    assert_eq!(alternative.previous_sequence, Some(4));
    let translation = &history.versions[3];
    assert_eq!(
        translation.previous_sequence, None,
        "the first Arabic wording"
    );
    assert_eq!(inserted(&translation.text_changes), arabic);
    let acts: Vec<(&str, Option<&str>)> = history
        .acts
        .iter()
        .map(|a| (a.event.as_str(), a.why.as_deref()))
        .collect();
    assert_eq!(acts, vec![("PositionStated", Some("Loi 09-08 respectée"))]);
    assert!(clause_history(&events, "art-9").is_none());
}

#[test]
fn a_clause_history_from_kept_folds_is_the_history_from_the_first_event() {
    for events in [
        two_rounds(),
        corrected_then_revised(),
        abandoned_revision(),
        proposed_in_a_revision(),
        with_internal_comments(),
    ] {
        let timeline = crate::history(&events);
        let clauses: std::collections::BTreeSet<&str> = events
            .iter()
            .filter_map(|e| e.payload.clause_id())
            .chain(["art-9"])
            .collect();
        // Folds kept every `spacing` events, and none at all.
        for spacing in 1..=events.len() + 1 {
            let mut fold = crate::NegotiationFold::new(&events[0].aggregate_id);
            let mut folds_kept = Vec::new();
            for event in &events {
                fold.apply(event).unwrap();
                if fold.last_sequence().is_multiple_of(spacing) {
                    folds_kept.push(std::sync::Arc::new(fold.clone()));
                }
            }
            for clause in &clauses {
                assert_eq!(
                    crate::clause_history_with_folds(&events, &timeline, &folds_kept, clause),
                    clause_history(&events, clause),
                    "{clause}, folds kept every {spacing} of {} events",
                    events.len()
                );
            }
        }
    }
}

#[test]
fn a_clause_history_compares_each_amendment_with_the_wording_before() {
    let events = two_rounds();
    let history = clause_history(&events, "art-1").unwrap();
    assert_eq!(history.versions.len(), 2);
    let amendment = &history.versions[1];
    assert_eq!(amendment.kind, VersionKind::Amended);
    assert_eq!(
        (amendment.party.as_str(), amendment.actor.as_str()),
        ("MAR", "mar.neg")
    );
    assert_eq!(amendment.proposed_by, "MAR");
    assert_eq!(amendment.recorded_at, "2026-03-04T10:00:00.000000Z");
    assert_eq!(amendment.round.as_deref(), Some("round-1"));
    // Words keep their punctuation: "traite." becomes "traite et protègent les victimes.".
    assert_eq!(
        inserted(&amendment.text_changes),
        "étroitement|traite et protègent les victimes."
    );
    assert_eq!(deleted(&amendment.text_changes), "traite.");
    let agreements: Vec<&str> = history.acts.iter().map(|a| a.party.as_str()).collect();
    assert_eq!(agreements, vec!["CIV", "MAR"]);
}

/// An agreement in force (revision 0), a correction of art-1 made in it, then revision 1 that
/// reopens and amends art-1.
fn corrected_then_revised() -> Vec<EventEnvelope<Negotiation>> {
    const CORRECTED: &str = "Les Parties coopèrent contre la traite des personnes.";
    const REVISED: &str = "Les Parties coopèrent contre la traite des personnes et le trafic.";
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 6, d).unwrap();
    stamped(vec![
        ("CIV", "2026-03-01", opened()),                 // 1
        ("CIV", "2026-03-02", article("art-1", TABLED)), // 2
        ("CIV", "2026-03-02", article("art-2", DATA)),   // 3
        (
            "MAR",
            "2026-05-01",
            NegotiationEvent::CorrectionProposed {
                correction_id: "corr-1".into(),
                clause_id: "art-1".into(),
                language: "fr".into(),
                base_text_hash: clause_text_hash("", "fr", TABLED),
                heading: String::new(),
                text: CORRECTED.into(),
                text_hash: clause_text_hash("", "fr", CORRECTED),
                reason: "Les personnes ont été omises".into(),
                proposed_by: "MAR".into(),
            },
        ), // 4
        (
            "CIV",
            "2026-05-02",
            NegotiationEvent::CorrectionAgreed {
                correction_id: "corr-1".into(),
                party: "CIV".into(),
                text_hash: clause_text_hash("", "fr", CORRECTED),
            },
        ), // 5
        (
            "CIV",
            "2026-05-02",
            NegotiationEvent::TextCorrected {
                correction_id: "corr-1".into(),
                previous_text_root_hash: "root-0".into(),
                text_root_hash: "root-1".into(),
            },
        ), // 6
        (
            "MAR",
            "2026-06-01",
            NegotiationEvent::EntryIntoForceFixed {
                date: day(1),
                rule: EntryIntoForceRule::OnLastConsent,
                revision: 0,
            },
        ), // 7
        (
            "CIV",
            "2026-06-10",
            NegotiationEvent::RevisionOpened {
                revision: 1,
                base_revision: 0,
                base_text_root_hash: "root-1".into(),
                opened_on: day(10),
                reason: "Inclure le trafic".into(),
            },
        ), // 8
        (
            "MAR",
            "2026-06-10",
            NegotiationEvent::ClauseReopened {
                clause_id: "art-1".into(),
                reason: "Inclure le trafic".into(),
            },
        ), // 9
        ("MAR", "2026-06-11", amended("art-1", CORRECTED, REVISED)), // 10
        (
            "CIV",
            "2026-06-12",
            NegotiationEvent::ClauseWithdrawn {
                clause_id: "art-2".into(),
                reason: "Fusionné".into(),
            },
        ), // 11
    ])
}

#[test]
fn a_revision_ends_where_the_next_one_opened() {
    let events = corrected_then_revised();
    let revision = |n: u32| events_at(&events, &Point::Revision(n)).map(<[_]>::len);
    assert_eq!(revision(0), Ok(7));
    assert_eq!(revision(1), Ok(11), "the current revision: everything");
    assert_eq!(
        revision(2),
        Err(PointError::UnknownRevision {
            revision: 2,
            known: "0, 1".into()
        })
    );
    let original = draft("neg", events_at(&events, &Point::Revision(0)).unwrap());
    assert_eq!(original.revision, 0);
    assert!(original.clauses[0].text.ends_with("des personnes."));
}

/// `corrected_then_revised`, its revision abandoned.
fn abandoned_revision() -> Vec<EventEnvelope<Negotiation>> {
    let mut events = corrected_then_revised();
    events.extend(stamped(vec![(
        "CIV",
        "2026-07-01",
        NegotiationEvent::RevisionAbandoned {
            revision: 1,
            reason: "Pas de consensus".into(),
        },
    )]));
    events[11].sequence = 12;
    events
}

/// `corrected_then_revised`, with a clause proposed and commented on in its revision.
fn proposed_in_a_revision() -> Vec<EventEnvelope<Negotiation>> {
    let mut events = corrected_then_revised();
    events.extend(stamped(vec![
        (
            "MAR",
            "2026-06-13",
            proposed_by_mar("art-3", "Les Parties échangent des informations."),
        ),
        (
            "CIV",
            "2026-06-14",
            comment(Some("art-3"), "Précisez lesquelles.", false),
        ),
    ]));
    for (index, event) in events.iter_mut().enumerate() {
        event.sequence = index + 1;
    }
    events
}

#[test]
fn an_abandoned_revision_ends_where_it_was_abandoned() {
    let events = abandoned_revision();
    assert_eq!(events_at(&events, &Point::Revision(1)).unwrap().len(), 11);
    assert_eq!(
        events_at(&events, &Point::Revision(0)).unwrap().len(),
        12,
        "revision 0 is current again"
    );
    let history = clause_history(&events, "art-1").unwrap();
    let last = history.versions.last().unwrap();
    assert_eq!(last.kind, VersionKind::RevisionAbandoned);
    assert!(
        last.text.ends_with("des personnes."),
        "the text in force is back"
    );
    assert_eq!(deleted(&last.text_changes), "personnes et le trafic.");
}

#[test]
fn a_correction_is_a_version_proposed_by_the_correcting_party() {
    let events = corrected_then_revised();
    let history = clause_history(&events, "art-1").unwrap();
    let kinds: Vec<(usize, VersionKind, u32)> = history
        .versions
        .iter()
        .map(|v| (v.sequence, v.kind, v.revision))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (2, VersionKind::Proposed, 0),
            (6, VersionKind::Corrected, 0),
            (8, VersionKind::RevisionOpened, 1),
            (10, VersionKind::Amended, 1),
        ]
    );
    let correction = &history.versions[1];
    assert_eq!(correction.proposed_by, "MAR");
    assert_eq!(correction.party, "CIV", "made by CIV's agreement");
    assert_eq!(correction.correction_id.as_deref(), Some("corr-1"));
    assert_eq!(
        correction.why.as_deref(),
        Some("Les personnes ont été omises")
    );
    assert_eq!(inserted(&correction.text_changes), "traite des personnes.");
    let reopening = &history.versions[2];
    assert_eq!(
        (reopening.party.as_str(), reopening.proposed_by.as_str()),
        ("CIV", "MAR"),
        "opened by CIV, the wording carried over is still the corrected one MAR proposed"
    );
    assert!(reopening
        .text_changes
        .iter()
        .all(|c| c.kind == ChangeKind::Unchanged));
    let acts: Vec<&str> = history.acts.iter().map(|a| a.event.as_str()).collect();
    assert_eq!(
        acts,
        vec!["CorrectionProposed", "CorrectionAgreed", "ClauseReopened"]
    );
}

#[test]
fn a_redline_between_rounds_shows_each_change_and_who_proposed_it() {
    let events = two_rounds();
    let view = redline(
        &events,
        &Point::Round("round-1".into()),
        &Point::Round("round-2".into()),
    )
    .unwrap();
    assert_eq!((view.from.as_of_sequence, view.to.as_of_sequence), (6, 12));
    let rows: Vec<(&str, ClauseChange)> = view
        .clauses
        .iter()
        .map(|c| (c.clause_id.as_str(), c.change))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("art-1", ClauseChange::Unchanged),
            ("art-2", ClauseChange::Changed),
            ("art-3", ClauseChange::Added),
        ]
    );
    assert!(view.clauses[0].changed_by.is_empty());
    let data = &view.clauses[1];
    assert_eq!(
        inserted(&data.text),
        "données dans le respect de la loi 09-08."
    );
    let authors: Vec<(usize, &str, &str, &str)> = data
        .changed_by
        .iter()
        .map(|a| {
            (
                a.sequence,
                a.event.as_str(),
                a.party.as_str(),
                a.proposed_by.as_str(),
            )
        })
        .collect();
    assert_eq!(authors, vec![(9, "AlternativeChosen", "CIV", "MAR")]);
    let added = &view.clauses[2];
    assert_eq!(inserted(&added.text), "Comité.");
    assert_eq!(added.old_text_hash, None);
    assert_eq!(added.changed_by[0].proposed_by, "MAR");
}

#[test]
fn a_redline_between_revisions_compares_their_texts() {
    let events = corrected_then_revised();
    let view = redline(&events, &Point::Revision(0), &Point::Revision(1)).unwrap();
    assert_eq!((view.from.revision, view.to.revision), (0, 1));
    let revised = &view.clauses[0];
    assert_eq!(revised.change, ClauseChange::Changed);
    assert_eq!(inserted(&revised.text), "personnes et le trafic.");
    assert_eq!(deleted(&revised.text), "personnes.");
    let authors: Vec<(usize, &str)> = revised
        .changed_by
        .iter()
        .map(|a| (a.sequence, a.event.as_str()))
        .collect();
    assert_eq!(
        authors,
        vec![(10, "ClauseAmended")],
        "the correction came before revision 0's end; the opening copies without change"
    );
    let withdrawn = &view.clauses[1];
    assert_eq!(withdrawn.change, ClauseChange::Removed);
    assert_eq!(deleted(&withdrawn.text), DATA);
    assert_eq!(withdrawn.changed_by[0].event, "ClauseWithdrawn");
    assert_eq!(withdrawn.changed_by[0].party, "CIV");
}

#[test]
fn a_redline_refuses_a_point_not_in_the_history() {
    let events = two_rounds();
    assert!(matches!(
        redline(
            &events,
            &Point::Round("round-7".into()),
            &Point::Sequence(3)
        ),
        Err(PointError::UnknownRound { .. })
    ));
    assert!(matches!(
        redline(&events, &Point::Sequence(1), &Point::Sequence(99)),
        Err(PointError::SequenceBeyondEnd { .. })
    ));
}

#[test]
fn history_entries_name_their_clause_even_through_a_correction() {
    let entries = history(&corrected_then_revised());
    assert_eq!(
        column(&entries, |e| e.clause_id.as_deref()),
        vec![
            None,
            Some("art-1"),
            Some("art-2"),
            Some("art-1"),
            Some("art-1"),
            Some("art-1"),
            None,
            None,
            Some("art-1"),
            Some("art-1"),
            Some("art-2"),
        ]
    );
}

#[test]
fn the_timeline_keeps_entries_matching_every_condition() {
    let events = two_rounds();
    let sequences = |filter: TimelineFilter| column(&timeline(&events, &filter), |e| e.sequence);
    let by_mar = TimelineFilter {
        party: Some("MAR".into()),
        ..Default::default()
    };
    assert_eq!(sequences(by_mar.clone()), vec![5, 7, 10, 12]);
    assert_eq!(
        sequences(TimelineFilter {
            clause: Some("art-2".into()),
            ..Default::default()
        }),
        vec![4, 7, 9]
    );
    assert_eq!(
        sequences(TimelineFilter {
            round: Some("round-1".into()),
            ..by_mar.clone()
        }),
        vec![5]
    );
    assert_eq!(
        sequences(TimelineFilter {
            from_date: Some("2026-03-04".parse().unwrap()),
            to_date: Some("2026-04-21".parse().unwrap()),
            ..Default::default()
        }),
        vec![5, 6, 7, 8, 9],
        "both days included"
    );
    assert_eq!(sequences(TimelineFilter::default()).len(), 12);
}

fn comment(clause_id: Option<&str>, text: &str, internal: bool) -> NegotiationEvent {
    NegotiationEvent::Commented {
        clause_id: clause_id.map(str::to_string),
        text: text.into(),
        internal,
    }
}

/// CIV and MAR each comment internally, then MAR comments for everyone.
fn with_internal_comments() -> Vec<EventEnvelope<Negotiation>> {
    let day = "2026-03-02";
    stamped(vec![
        ("CIV", day, opened()),
        ("CIV", day, article("a", "A")),
        ("CIV", day, comment(Some("a"), "Ne pas céder", true)),
        ("MAR", day, comment(None, "Consulter Rabat", true)),
        ("MAR", day, comment(Some("a"), "Garanties ?", false)),
    ])
}

#[test]
fn an_internal_comment_is_seen_by_its_own_party_only() {
    let entries = history(&with_internal_comments());
    assert_eq!(
        column(&entries, |e| e.internal_to.as_deref()),
        vec![None, None, Some("CIV"), Some("MAR"), None]
    );
    let seen_by =
        |party: Option<&str>| column(&history_for_reader(entries.clone(), party), |e| e.sequence);
    assert_eq!(seen_by(Some("CIV")), vec![1, 2, 3, 5]);
    assert_eq!(seen_by(Some("MAR")), vec![1, 2, 4, 5]);
    assert_eq!(
        seen_by(Some("IOM")),
        vec![1, 2, 5],
        "a facilitator sees no party's"
    );
    assert_eq!(
        seen_by(None),
        vec![1, 2, 5],
        "nor does a reader with no party"
    );
}

#[test]
fn a_clause_history_shows_an_internal_comment_to_its_own_party_only() {
    let history = clause_history(&with_internal_comments(), "a").unwrap();
    let acts = |party: Option<&str>| -> Vec<(usize, Option<String>)> {
        history
            .clone()
            .for_reader(party)
            .acts
            .into_iter()
            .map(|a| (a.sequence, a.internal_to))
            .collect()
    };
    assert_eq!(acts(Some("CIV")), vec![(3, Some("CIV".into())), (5, None)]);
    assert_eq!(acts(Some("MAR")), vec![(5, None)]);
    assert_eq!(acts(None), vec![(5, None)]);
    assert_eq!(
        history.clone().for_reader(None).versions,
        history.versions,
        "every wording is shared"
    );
}

#[test]
fn internal_comments_leave_the_draft_and_so_every_document_unchanged() {
    let events = with_internal_comments();
    let without: Vec<_> = events
        .iter()
        .filter(|e| {
            !matches!(
                e.payload,
                NegotiationEvent::Commented { internal: true, .. }
            )
        })
        .cloned()
        .collect();
    let mut expected = draft("neg", &without);
    expected.as_of_sequence = events.len();
    // Exports are pure functions of the draft and the agreement state.
    assert_eq!(draft("neg", &events), expected);
    assert_eq!(
        draft("neg", &events[..3]).clauses[0].status,
        ClauseStatus::Proposed,
        "CIV's internal comment does not show MAR that CIV discussed the clause"
    );
}

#[test]
fn a_timeline_row_stored_before_internal_comments_existed_still_decodes() {
    let entries = history(&with_internal_comments());
    let shared = serde_json::to_value(&entries[4]).unwrap();
    assert!(
        shared.get("internal_to").is_none(),
        "shared rows are stored as before: {shared}"
    );
    let decoded: HistoryEntry = serde_json::from_value(shared).unwrap();
    assert_eq!(decoded, entries[4]);
    let internal = serde_json::to_value(&entries[2]).unwrap();
    assert_eq!(internal["internal_to"], "CIV");
    assert_eq!(
        serde_json::from_value::<HistoryEntry>(internal).unwrap(),
        entries[2]
    );
}

#[test]
fn the_index_entry_counts_clauses_by_status_and_summarises_matrices() {
    let mut events = two_rounds();
    let content = RowContent {
        objective: "Former".into(),
        action: "Ateliers".into(),
        responsible_party: "CIV".into(),
        agency: "Ministère".into(),
        starts_on: NaiveDate::from_ymd_opt(2026, 7, 1).unwrap(),
        ends_on: NaiveDate::from_ymd_opt(2027, 7, 1).unwrap(),
        indicator: Indicator {
            name: "Magistrats formés".into(),
            unit: "personnes".into(),
            baseline: "0".into(),
            target: "40".into(),
        },
    };
    let hash = row_hash(&content);
    let row_agreed = |party: &str| NegotiationEvent::RowAgreed {
        matrix_id: "mx".into(),
        row_id: "r1".into(),
        party: party.into(),
        row_hash: hash.clone(),
    };
    events.extend(stamped(vec![
        (
            "CIV",
            "2026-06-23",
            NegotiationEvent::MatrixCreated {
                matrix_id: "mx".into(),
                title: "Formation".into(),
            },
        ),
        (
            "CIV",
            "2026-06-23",
            NegotiationEvent::RowProposed {
                matrix_id: "mx".into(),
                row_id: "r1".into(),
                content: content.clone(),
                row_hash: hash.clone(),
            },
        ),
        ("CIV", "2026-06-23", row_agreed("CIV")),
        ("MAR", "2026-06-24", row_agreed("MAR")),
        (
            "CIV",
            "2026-06-25",
            NegotiationEvent::MatrixValidated {
                matrix_id: "mx".into(),
                round_id: "round-2".into(),
            },
        ),
        (
            "CIV",
            "2026-12-15",
            NegotiationEvent::ProgressReported {
                matrix_id: "mx".into(),
                row_id: "r1".into(),
                progress: RowProgress::OnTrack,
                reported_on: NaiveDate::from_ymd_opt(2026, 12, 15).unwrap(),
                note: String::new(),
            },
        ),
    ]));
    for (i, e) in events.iter_mut().enumerate() {
        e.sequence = i + 1;
    }
    let entry = index_entry("neg", &events);
    assert_eq!(entry.title, "Mémorandum");
    assert_eq!(entry.parties, vec!["CIV", "MAR"]);
    assert_eq!(
        (
            entry.clauses.total,
            entry.clauses.agreed,
            entry.clauses.proposed
        ),
        (3, 1, 1)
    );
    assert_eq!(
        entry.clauses.under_discussion, 1,
        "art-2, its alternative chosen"
    );
    assert_eq!(entry.last_sequence, 18);
    assert_eq!(entry.last_recorded_at, "2026-12-15T10:00:00.000000Z");
    let matrix = &entry.matrices[0];
    assert_eq!((matrix.rows_proposed, matrix.rows_agreed), (1, 1));
    assert_eq!(matrix.validated_at.as_deref(), Some("round-2"));
    let progress = matrix.latest_progress.as_ref().unwrap();
    assert_eq!(
        (
            progress.row_id.as_str(),
            progress.progress,
            progress.sequence
        ),
        ("r1", RowProgress::OnTrack, 18)
    );
    let json = serde_json::to_value(&entry).unwrap();
    assert_eq!(json["clauses"]["agreed"], 1);
}

#[test]
fn every_new_view_serialises_to_json() {
    let events = corrected_then_revised();
    let view = redline(&events, &Point::Revision(0), &Point::Revision(1)).unwrap();
    let json = serde_json::to_value(&view).unwrap();
    assert_eq!(json["from"]["point"]["revision"], 0);
    assert_eq!(json["clauses"][1]["change"], "removed");
    let history = serde_json::to_value(clause_history(&events, "art-1").unwrap()).unwrap();
    assert_eq!(history["versions"][1]["kind"], "corrected");
}

#[test]
fn the_agreement_state_says_which_text_was_in_force_on_a_date() {
    let events = corrected_then_revised();
    let on = |y: i32, m: u32, d: u32| {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        crate::agreement_state("neg", &events, Some(date)).text_in_force_on
    };
    let day = NaiveDate::from_ymd_opt;
    assert_eq!(on(2026, 5, 31), Some((day(2026, 5, 31).unwrap(), None)));
    // While revision 1 is negotiated, the corrected text of revision 0 stays in force.
    let in_force = on(2026, 6, 15)
        .expect("a date was asked")
        .1
        .expect("in force");
    assert_eq!(in_force.revision, 0);
    assert_eq!(in_force.text_root_hash, "root-1", "the corrected root");
    let state = crate::agreement_state("neg", &events, None);
    assert_eq!(state.text_in_force_on, None, "no date asked");
    assert_eq!(state.revision, 1);
    assert_eq!(state.revisions[0].in_force_from, day(2026, 6, 1));
    assert_eq!(state.revisions[1].in_force_from, None);
}

#[test]
fn a_redline_leaves_out_a_clause_that_is_in_neither_text() {
    let events = stamped(vec![
        ("CIV", "2026-03-01", opened()),
        ("CIV", "2026-03-02", article("art-1", "A")),
        ("MAR", "2026-03-03", article("art-2", "B")),
        (
            "MAR",
            "2026-03-04",
            NegotiationEvent::ClauseWithdrawn {
                clause_id: "art-2".into(),
                reason: "Fusionné".into(),
            },
        ),
        ("CIV", "2026-03-05", amended("art-1", "A", "A et B")),
    ]);
    let view = redline(&events, &Point::Sequence(2), &Point::Sequence(5)).unwrap();
    let rows: Vec<(&str, ClauseChange)> = view
        .clauses
        .iter()
        .map(|c| (c.clause_id.as_str(), c.change))
        .collect();
    assert_eq!(rows, vec![("art-1", ClauseChange::Changed)]);
}
