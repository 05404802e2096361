//! Given/when/then tests of the text's structure (structure.rs): placement, moves, frozen
//! numbering and cross-references.

use std::collections::BTreeMap;

use crate::aggregate::tests::*;
use crate::structure::{ArabicArticleNumbering, StructureChange, TextSection};
use crate::{
    clause_text_hash, text_root_hash, Action, ClauseKind, Negotiation, NegotiationError,
    NegotiationEvent, ReplayError, RootClause,
};

fn proposed(clause_id: &str, kind: ClauseKind, text: &str) -> NegotiationEvent {
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

fn propose_placed(
    clause_id: &str,
    kind: ClauseKind,
    text: &str,
    after: Option<&str>,
    before: Option<&str>,
) -> Action {
    Action::ProposeClause {
        clause_id: clause_id.into(),
        kind,
        heading: String::new(),
        language: "fr".into(),
        text: text.into(),
        after: after.map(Into::into),
        before: before.map(Into::into),
    }
}

fn placed(clause_id: &str, after: Option<&str>, before: Option<&str>) -> NegotiationEvent {
    NegotiationEvent::ClausePlaced {
        clause_id: clause_id.into(),
        after: after.map(Into::into),
        before: before.map(Into::into),
    }
}

/// `negotiating()` with article 2, a final clause and an annex proposed by CIV.
fn with_articles() -> Vec<NegotiationEvent> {
    followed_by(
        negotiating(),
        [
            proposed("art-2", ClauseKind::Article, "Voir l'article [[art-1]]."),
            proposed("final-eif", ClauseKind::FinalClause, "Entrée en vigueur."),
            proposed("annex-1", ClauseKind::Annex, "Liste des points focaux."),
        ],
    )
}

fn order(events: &[NegotiationEvent]) -> Vec<String> {
    state_of(events)
        .clauses_in_document_order()
        .filter(|(_, c)| !c.withdrawn)
        .map(|(id, _)| id.to_string())
        .collect()
}

fn move_change(clause_id: &str, after: Option<&str>, before: Option<&str>) -> StructureChange {
    StructureChange::Move {
        clause_id: clause_id.into(),
        after: after.map(Into::into),
        before: before.map(Into::into),
    }
}

fn propose_change(proposal_id: &str, change: StructureChange) -> Action {
    Action::ProposeStructureChange {
        proposal_id: proposal_id.into(),
        change,
    }
}

fn change_proposed(proposal_id: &str, change: StructureChange) -> NegotiationEvent {
    NegotiationEvent::StructureChangeProposed {
        proposal_id: proposal_id.into(),
        change,
        proposed_by: "CIV".into(),
    }
}

fn agree_change(proposal_id: &str) -> Action {
    Action::AgreeStructureChange {
        proposal_id: proposal_id.into(),
    }
}

fn change_agreed(proposal_id: &str, party: &str) -> NegotiationEvent {
    NegotiationEvent::StructureChangeAgreed {
        proposal_id: proposal_id.into(),
        party: party.into(),
    }
}

/// For the role table walk: CIV proposed freezing the numbering.
pub(crate) fn freeze_proposed() -> NegotiationEvent {
    change_proposed("freeze", StructureChange::FreezeNumbering)
}

pub(crate) fn agree_freeze() -> Action {
    agree_change("freeze")
}

#[test]
fn a_clause_without_placement_goes_at_the_end_of_its_section() {
    // A final clause proposed before an article, and a recital proposed last: the article
    // still comes before the final clause, the recital first.
    let events = followed_by(
        negotiating(),
        [
            proposed("final-eif", ClauseKind::FinalClause, "Entrée en vigueur."),
            proposed("art-2", ClauseKind::Article, "Deuxième."),
            proposed("rec-1", ClauseKind::Recital, "Considérant."),
        ],
    );
    assert_eq!(order(&events), ["rec-1", "art-1", "art-2", "final-eif"]);
}

#[test]
fn texts_recorded_before_placement_keep_their_order_and_root() {
    // Recitals, then articles, then annexes, each in the order proposed: the order and root a
    // text recorded before placement existed always had.
    let events = followed_by(
        negotiating(),
        [
            proposed("annex-1", ClauseKind::Annex, "Annexe."),
            proposed("art-2", ClauseKind::Article, "Deuxième."),
            proposed("rec-1", ClauseKind::Recital, "Considérant."),
            proposed("art-3", ClauseKind::Article, "Troisième."),
        ],
    );
    let state = state_of(&events);
    let old_order = ["rec-1", "art-1", "art-2", "art-3", "annex-1"];
    let clauses: Vec<RootClause> = old_order
        .iter()
        .map(|id| {
            let root = state
                .root_texts()
                .into_iter()
                .find(|t| t.clause_id == *id)
                .expect("a live clause");
            RootClause::of_text(&root)
        })
        .collect();
    assert_eq!(order(&events), old_order);
    assert_eq!(
        state.text_root_hash(),
        text_root_hash("civ-mar-tip", 0, &clauses)
    );
}

#[test]
fn a_clause_is_proposed_before_or_after_another_of_its_section() {
    let given = with_articles();
    let definitions = "Aux fins du présent Accord…";
    expect_events(
        given.clone(),
        CIV_NEGOTIATOR,
        propose_placed(
            "art-def",
            ClauseKind::Article,
            definitions,
            None,
            Some("art-1"),
        ),
        vec![
            proposed("art-def", ClauseKind::Article, definitions),
            placed("art-def", None, Some("art-1")),
        ],
    );
    let before_first = followed_by(
        given.clone(),
        [
            proposed("art-def", ClauseKind::Article, definitions),
            placed("art-def", None, Some("art-1")),
        ],
    );
    assert_eq!(
        order(&before_first),
        ["art-def", "art-1", "art-2", "final-eif", "annex-1"]
    );
    let after_first = followed_by(
        given,
        [
            proposed("art-def", ClauseKind::Article, definitions),
            placed("art-def", Some("art-1"), None),
        ],
    );
    assert_eq!(
        order(&after_first),
        ["art-1", "art-def", "art-2", "final-eif", "annex-1"]
    );
}

#[test]
fn parts_chapters_and_sections_stand_among_the_articles() {
    let events = followed_by(
        with_articles(),
        [
            proposed("part-1", ClauseKind::Part, "Dispositions générales"),
            placed("part-1", None, Some("art-1")),
        ],
    );
    assert_eq!(
        order(&events),
        ["part-1", "art-1", "art-2", "final-eif", "annex-1"]
    );
    let numbers = state_of(&events).clause_numbers(0).expect("the original");
    assert_eq!(
        numbers["part-1"].label("fr", Default::default()),
        "Partie I"
    );
    assert_eq!(
        numbers["art-1"].label("fr", Default::default()),
        "Article premier"
    );
    assert_eq!(
        numbers["final-eif"].label("en", Default::default()),
        "Article 3"
    );
}

#[test]
fn placement_refusals() {
    let withdrawn = followed_by(
        with_articles(),
        [NegotiationEvent::ClauseWithdrawn {
            clause_id: "art-2".into(),
            reason: "merged".into(),
        }],
    );
    expect_refusals(
        CIV_NEGOTIATOR,
        [
            (
                with_articles(),
                propose_placed(
                    "art-x",
                    ClauseKind::Article,
                    "X.",
                    Some("art-1"),
                    Some("art-2"),
                ),
                NegotiationError::PlacementAmbiguous {
                    clause_id: "art-x".into(),
                },
            ),
            (
                with_articles(),
                propose_placed("art-x", ClauseKind::Article, "X.", Some("art-9"), None),
                NegotiationError::UnknownPlacementClause {
                    clause_id: "art-x".into(),
                    reference: "art-9".into(),
                },
            ),
            (
                withdrawn,
                propose_placed("art-x", ClauseKind::Article, "X.", Some("art-2"), None),
                NegotiationError::PlacementByWithdrawnClause {
                    clause_id: "art-x".into(),
                    reference: "art-2".into(),
                },
            ),
            (
                with_articles(),
                propose_placed(
                    "rec-x",
                    ClauseKind::Recital,
                    "Considérant.",
                    Some("art-1"),
                    None,
                ),
                NegotiationError::PlacementAcrossSections {
                    clause_id: "rec-x".into(),
                    section: "the preamble",
                    reference: "art-1".into(),
                    reference_section: "the articles",
                },
            ),
            (
                with_articles(),
                propose_placed("art-x", ClauseKind::Article, "X.", None, Some("final-eif")),
                NegotiationError::PlacementAcrossSections {
                    clause_id: "art-x".into(),
                    section: "the articles",
                    reference: "final-eif".into(),
                    reference_section: "the final clauses",
                },
            ),
        ],
    );
}

#[test]
fn a_stored_placement_across_sections_is_not_folded() {
    // No decision records one (`placement_refusals`); a history that holds one is refused on
    // replay, so the clause order stays grouped by section (`insertion_index` relies on it).
    let events = followed_by(
        with_articles(),
        [
            proposed("rec-x", ClauseKind::Recital, "Considérant."),
            placed("rec-x", Some("art-2"), None),
        ],
    );
    let (index, refusal) = Negotiation::replay_checked(&events).unwrap_err();
    assert_eq!(index, events.len() - 1);
    assert_eq!(
        refusal,
        ReplayError::PlacementAcrossSections {
            clause_id: "rec-x".into(),
            reference: "art-2".into(),
        }
    );
}

#[test]
fn in_a_long_text_each_clause_without_placement_still_goes_at_its_sections_end() {
    // Sections proposed interleaved, so each proposal bisects an order with clauses after it.
    let kinds = [
        ClauseKind::Annex,
        ClauseKind::Article,
        ClauseKind::FinalClause,
        ClauseKind::Recital,
        ClauseKind::Chapter,
    ];
    let mut events = negotiating();
    let mut expected: BTreeMap<TextSection, Vec<String>> = BTreeMap::new();
    expected
        .entry(TextSection::Body)
        .or_default()
        .push("art-1".into());
    for n in 0..200 {
        let kind = kinds[n % kinds.len()];
        let clause_id = format!("c-{n}");
        events.push(proposed(&clause_id, kind, "Texte."));
        expected
            .entry(TextSection::of(kind))
            .or_default()
            .push(clause_id);
    }
    let expected: Vec<String> = expected.into_values().flatten().collect();
    assert_eq!(order(&events), expected);
    // The order kept, not only the order shown (which sorts by section).
    assert_eq!(state_of(&events).current.clause_order, expected);
}

#[test]
fn a_cross_reference_to_an_unknown_clause_is_refused() {
    let unknown = |clause_id: &str| NegotiationError::UnknownCrossReference {
        clause_id: clause_id.into(),
        reference: "art-9".into(),
    };
    expect_refusal(
        with_articles(),
        CIV_NEGOTIATOR,
        propose_placed("art-x", ClauseKind::Article, "Voir [[art-9]].", None, None),
        unknown("art-x"),
    );
    expect_refusal(
        with_articles(),
        CIV_NEGOTIATOR,
        amend(art1_hash(), "Sous réserve de l'article [[art-9]]."),
        unknown("art-1"),
    );
    expect_refusal(
        with_articles(),
        CIV_LINGUIST,
        Action::TranslateClause {
            clause_id: "art-1".into(),
            language: "ar".into(),
            heading: "الموضوع".into(),
            text: "انظر [[art-9]].".into(),
            source_text_hash: art1_hash(),
        },
        unknown("art-1"),
    );
    // A reference to a clause on record is accepted.
    let text = "Voir l'article [[art-2]].";
    expect_events(
        with_articles(),
        CIV_NEGOTIATOR,
        propose_placed("art-x", ClauseKind::Article, text, None, None),
        vec![proposed("art-x", ClauseKind::Article, text)],
    );
}

#[test]
fn a_move_is_a_proposal_until_every_party_agrees_it() {
    let change = move_change("art-2", None, Some("art-1"));
    expect_events(
        with_articles(),
        CIV_NEGOTIATOR,
        propose_change("move-art-2", change.clone()),
        vec![change_proposed("move-art-2", change.clone())],
    );
    let proposed = followed_by(
        with_articles(),
        [change_proposed("move-art-2", change.clone())],
    );
    assert_eq!(
        change_proposed("move-art-2", change.clone()).clause_id(),
        Some("art-2"),
        "a move is about the clause it moves"
    );
    assert_eq!(freeze_proposed().clause_id(), None);
    assert_eq!(
        order(&proposed),
        ["art-1", "art-2", "final-eif", "annex-1"],
        "a proposal moves nothing"
    );
    expect_events(
        proposed.clone(),
        CIV_HEAD,
        agree_change("move-art-2"),
        vec![change_agreed("move-art-2", "CIV")],
    );
    let civ_agreed = followed_by(proposed, [change_agreed("move-art-2", "CIV")]);
    expect_events(
        civ_agreed.clone(),
        MAR_HEAD,
        agree_change("move-art-2"),
        vec![
            change_agreed("move-art-2", "MAR"),
            placed("art-2", None, Some("art-1")),
        ],
    );
    // The move does not touch the wording: article 1's agreements stand.
    let agreed_then_moved = followed_by(
        followed_by(
            civ_agreed,
            ["CIV", "MAR"].map(|p| agreed("art-1", p, art1_hash())),
        ),
        [
            change_agreed("move-art-2", "MAR"),
            placed("art-2", None, Some("art-1")),
        ],
    );
    assert_eq!(
        order(&agreed_then_moved),
        ["art-2", "art-1", "final-eif", "annex-1"]
    );
    let state = state_of(&agreed_then_moved);
    let art1 = state.clause("art-1").expect("on record");
    assert_eq!(state.clause_status(art1), crate::ClauseStatus::Agreed);
    expect_refusal(
        agreed_then_moved,
        CIV_HEAD,
        agree_change("move-art-2"),
        NegotiationError::StructureChangeCarriedOut("move-art-2".into()),
    );
}

#[test]
fn structure_change_refusals() {
    let change = move_change("art-2", None, Some("art-1"));
    let proposed = followed_by(with_articles(), [change_proposed("mv", change.clone())]);
    expect_refusals(
        CIV_NEGOTIATOR,
        [
            (
                proposed.clone(),
                propose_change("mv", change.clone()),
                NegotiationError::StructureProposalExists("mv".into()),
            ),
            (
                with_articles(),
                propose_change("mv", move_change("art-2", None, None)),
                NegotiationError::PlacementAmbiguous {
                    clause_id: "art-2".into(),
                },
            ),
            (
                with_articles(),
                propose_change("mv", move_change("art-2", Some("art-2"), None)),
                NegotiationError::PlacementRelativeToItself {
                    clause_id: "art-2".into(),
                },
            ),
            (
                with_articles(),
                propose_change("mv", move_change("art-2", Some("annex-1"), None)),
                NegotiationError::PlacementAcrossSections {
                    clause_id: "art-2".into(),
                    section: "the articles",
                    reference: "annex-1".into(),
                    reference_section: "the annexes",
                },
            ),
            (
                with_articles(),
                propose_change("mv", move_change("art-9", Some("art-1"), None)),
                NegotiationError::UnknownClause("art-9".into()),
            ),
        ],
    );
    expect_refusals(
        CIV_HEAD,
        [
            (
                with_articles(),
                agree_change("mv"),
                NegotiationError::UnknownStructureProposal("mv".into()),
            ),
            (
                followed_by(proposed.clone(), [change_agreed("mv", "CIV")]),
                agree_change("mv"),
                NegotiationError::AlreadyDone {
                    party: "CIV".into(),
                    act: "agree this structure change",
                },
            ),
        ],
    );
    // The article it was to be placed by was withdrawn meanwhile: the last agreement is refused.
    let reference_withdrawn = followed_by(
        proposed,
        [
            change_agreed("mv", "CIV"),
            NegotiationEvent::ClauseWithdrawn {
                clause_id: "art-1".into(),
                reason: "merged".into(),
            },
        ],
    );
    expect_refusal(
        reference_withdrawn,
        MAR_HEAD,
        agree_change("mv"),
        NegotiationError::PlacementByWithdrawnClause {
            clause_id: "art-2".into(),
            reference: "art-1".into(),
        },
    );
}

fn frozen() -> Vec<NegotiationEvent> {
    followed_by(
        with_articles(),
        [
            freeze_proposed(),
            change_agreed("freeze", "CIV"),
            change_agreed("freeze", "MAR"),
            NegotiationEvent::NumberingFrozen {
                numbers: BTreeMap::from([
                    ("art-1".to_string(), 1),
                    ("art-2".to_string(), 2),
                    ("final-eif".to_string(), 3),
                ]),
            },
        ],
    )
}

#[test]
fn every_party_agreeing_freezes_the_numbering() {
    let given = followed_by(
        with_articles(),
        [freeze_proposed(), change_agreed("freeze", "CIV")],
    );
    expect_events(
        given,
        MAR_HEAD,
        agree_freeze(),
        vec![
            change_agreed("freeze", "MAR"),
            NegotiationEvent::NumberingFrozen {
                numbers: BTreeMap::from([
                    ("art-1".to_string(), 1),
                    ("art-2".to_string(), 2),
                    ("final-eif".to_string(), 3),
                ]),
            },
        ],
    );
}

#[test]
fn after_the_freeze_an_inserted_article_is_bis_and_a_withdrawn_one_leaves_its_number() {
    let events = followed_by(
        frozen(),
        [
            proposed("art-new", ClauseKind::Article, "Nouveau."),
            placed("art-new", Some("art-1"), None),
            proposed("art-newer", ClauseKind::Article, "Plus nouveau."),
            placed("art-newer", Some("art-new"), None),
            NegotiationEvent::ClauseWithdrawn {
                clause_id: "art-2".into(),
                reason: "merged".into(),
            },
        ],
    );
    let numbers = state_of(&events).clause_numbers(0).expect("the original");
    let label = |id: &str, language| numbers[id].label(language, ArabicArticleNumbering::Numerals);
    assert_eq!(label("art-1", "fr"), "Article premier");
    assert_eq!(label("art-new", "fr"), "Article 1 bis");
    assert_eq!(label("art-newer", "en"), "Article 1 ter");
    assert_eq!(
        label("final-eif", "en"),
        "Article 3",
        "article 2's number is left unused"
    );
    assert!(!numbers.contains_key("art-2"));
}

#[test]
fn once_frozen_the_numbering_is_not_frozen_again_nor_articles_moved() {
    expect_refusals(
        CIV_NEGOTIATOR,
        [
            (
                frozen(),
                propose_change("freeze-2", StructureChange::FreezeNumbering),
                NegotiationError::NumberingFrozen,
            ),
            (
                frozen(),
                propose_change("mv", move_change("art-2", None, Some("art-1"))),
                NegotiationError::NumberingFrozen,
            ),
        ],
    );
}

#[test]
fn articles_are_numbered_densely_in_document_order() {
    let events = followed_by(
        with_articles(),
        [
            proposed("art-def", ClauseKind::Article, "Définitions."),
            placed("art-def", None, Some("art-1")),
            NegotiationEvent::ClauseWithdrawn {
                clause_id: "art-2".into(),
                reason: "merged".into(),
            },
        ],
    );
    let numbers = state_of(&events).clause_numbers(0).expect("the original");
    let fr = |id: &str| numbers[id].label("fr", ArabicArticleNumbering::Numerals);
    assert_eq!(fr("art-def"), "Article premier");
    assert_eq!(fr("art-1"), "Article 2");
    assert_eq!(fr("final-eif"), "Article 3");
    assert_eq!(fr("annex-1"), "Annexe I");
}

#[test]
fn the_parties_choose_ordinal_words_for_the_arabic_articles_at_opening() {
    let action = with_open(|action| {
        if let Action::OpenNegotiation {
            arabic_article_numbering,
            ..
        } = action
        {
            *arabic_article_numbering = Some(ArabicArticleNumbering::OrdinalWords);
        }
    });
    let mut opening = as_decided(opened_awaiting(&["MAR", "IOM"]));
    if let NegotiationEvent::NegotiationOpened {
        arabic_article_numbering,
        ..
    } = &mut opening
    {
        *arabic_article_numbering = ArabicArticleNumbering::OrdinalWords;
    }
    expect_events(vec![], CIV_HEAD, action, vec![opening.clone()]);
    let state = state_of(&[opening, art1_proposed()]);
    let numbers = state.clause_numbers(0).expect("the original");
    let arabic = state.arabic_article_numbering();
    assert_eq!(numbers["art-1"].label("ar", arabic), "المادة الأولى");
    // Without the choice, numerals, as in every opening recorded before it existed.
    let numerals = state_of(&negotiating()).arabic_article_numbering();
    assert_eq!(numbers["art-1"].label("ar", numerals), "المادة 1");
}

#[test]
fn withdrawing_a_frozen_article_leaves_the_articles_inserted_after_it_their_numbers() {
    // Given the numbering frozen, "2 bis" inserted after article 2 and article 2 withdrawn,
    let events = followed_by(
        frozen(),
        [
            proposed("art-2-bis", ClauseKind::Article, "Inséré."),
            placed("art-2-bis", Some("art-2"), None),
            NegotiationEvent::ClauseWithdrawn {
                clause_id: "art-2".into(),
                reason: "merged".into(),
            },
        ],
    );
    // when the articles are numbered,
    let numbers = state_of(&events).clause_numbers(0).expect("the original");
    let label = |id: &str| numbers[id].label("en", ArabicArticleNumbering::Numerals);
    // then the inserted article still follows article 2's unused number.
    assert_eq!(label("art-1"), "Article 1");
    assert_eq!(label("art-2-bis"), "Article 2 bis");
    assert_eq!(label("final-eif"), "Article 3");
    assert!(!numbers.contains_key("art-2"));
}

#[test]
fn after_the_freeze_an_article_is_not_placed_before_the_first_article() {
    // Given the numbering frozen, when an article is proposed before article 1, then it is
    // refused: it would have no number to follow.
    expect_refusal(
        frozen(),
        CIV_NEGOTIATOR,
        propose_placed("art-0", ClauseKind::Article, "Zéro.", None, Some("art-1")),
        NegotiationError::PlacementBeforeFirstFrozenArticle {
            clause_id: "art-0".into(),
        },
    );
    // Given the numbering frozen and article 1 withdrawn, when an article is proposed before
    // article 2, then it is placed there and numbered "1 bis": the withdrawn article 1 still
    // precedes it.
    let art_1_withdrawn = followed_by(
        frozen(),
        [NegotiationEvent::ClauseWithdrawn {
            clause_id: "art-1".into(),
            reason: "merged".into(),
        }],
    );
    let inserted = vec![
        proposed("art-x", ClauseKind::Article, "X."),
        placed("art-x", None, Some("art-2")),
    ];
    expect_events(
        art_1_withdrawn.clone(),
        CIV_NEGOTIATOR,
        propose_placed("art-x", ClauseKind::Article, "X.", None, Some("art-2")),
        inserted.clone(),
    );
    let numbers = state_of(&followed_by(art_1_withdrawn, inserted))
        .clause_numbers(0)
        .expect("the original");
    let en = |id: &str| numbers[id].label("en", ArabicArticleNumbering::Numerals);
    assert_eq!(en("art-x"), "Article 1 bis");
    assert_eq!(en("art-2"), "Article 2");
}

#[test]
fn paragraphs_the_drafters_numbered_are_not_numbered_again() {
    // Given article texts whose paragraphs carry their own numbers, when they are laid out as
    // paragraphs, then each stays as written;
    for text in [
        "1. Premier.\n\n2. Second.",
        "1) Premier.\n\n2) Second.",
        "(1) Premier.\n\n(2) Second.",
        "1° Premier.\n\n2° Second.",
    ] {
        let paragraphs: Vec<String> = text.split("\n\n").map(str::to_string).collect();
        assert_eq!(crate::numbered_paragraphs(text), paragraphs, "{text}");
    }
    // and given paragraphs that merely begin with a figure, they are numbered.
    assert_eq!(
        crate::numbered_paragraphs("1.5 % des recettes.\n\n10 jours après."),
        vec!["1. 1.5 % des recettes.", "2. 10 jours après."]
    );
}
