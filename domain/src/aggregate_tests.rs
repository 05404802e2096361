//! Given/when/then tests: one for every acceptance and every refusal of `Negotiation::decide`.

use cqrs_es::test::TestFramework;

use super::*;
use crate::commands::ActionKind;
use crate::values::PersonName;

pub(crate) type NegotiationTest = TestFramework<Negotiation>;

pub(crate) const CIV_HEAD: &str = "amina.kone";
pub(crate) const MAR_HEAD: &str = "youssef.benali";
pub(crate) const IOM_SECRETARIAT: &str = "iom.secretariat";
pub(crate) const CIV_NEGOTIATOR: &str = "koffi.yao";
pub(crate) const MAR_NEGOTIATOR: &str = "salma.idrissi";
pub(crate) const OBSERVER: &str = "iom.observer";

pub(crate) fn command(actor: &str, action: Action) -> NegotiationCommand {
    NegotiationCommand {
        actor: actor.to_string(),
        action,
    }
}

pub(crate) fn party(code: &str, name: &str, head: &str) -> Party {
    Party::new(code, name, head, &format!("Head of {name}"))
}

pub(crate) fn open_action() -> Action {
    Action::OpenNegotiation {
        negotiation_id: "civ-mar-tip".into(),
        title: "Memorandum of Understanding on combating trafficking in persons".into(),
        instrument_kind: InstrumentKind::Mou,
        parties: vec![
            party("CIV", "Côte d'Ivoire", CIV_HEAD),
            party("MAR", "Kingdom of Morocco", MAR_HEAD),
        ],
        facilitator: Some(Facilitator {
            code: "IOM".into(),
            name: "International Organization for Migration".into(),
            secretariat: PersonName {
                person: IOM_SECRETARIAT.into(),
                name: "IOM Secretariat".into(),
            },
        }),
        languages: vec!["fr".into(), "ar".into()],
        language_responsibility: Default::default(),
        entry_into_force_rule: None,
        termination_notice_months: None,
        provisional_application: false,
    }
}

pub(crate) fn with_open(change: impl FnOnce(&mut Action)) -> Action {
    let mut action = open_action();
    change(&mut action);
    action
}

pub(crate) fn opened() -> NegotiationEvent {
    let Action::OpenNegotiation {
        negotiation_id,
        title,
        instrument_kind,
        parties,
        facilitator,
        languages,
        language_responsibility,
        entry_into_force_rule,
        termination_notice_months,
        provisional_application,
    } = open_action()
    else {
        unreachable!()
    };
    NegotiationEvent::NegotiationOpened {
        negotiation_id,
        title,
        instrument_kind,
        parties,
        facilitator,
        languages,
        language_responsibility,
        entry_into_force_rule: Some(
            entry_into_force_rule.unwrap_or(instrument_kind.default_entry_into_force_rule()),
        ),
        termination_notice_months: Some(termination_notice_months.unwrap_or(6)),
        provisional_application,
    }
}

pub(crate) fn accredited(person: &str, party: &str, role: Role) -> NegotiationEvent {
    NegotiationEvent::DelegateAccredited {
        delegate: Delegate {
            person: person.into(),
            name: person.into(),
            party: party.into(),
            role,
            signing: None,
        },
    }
}

pub(crate) const ART1_TEXT: &str =
    "Les Parties coopèrent pour prévenir et combattre la traite des personnes.";

pub(crate) fn art1_hash() -> String {
    clause_text_hash("Objet", "fr", ART1_TEXT)
}

pub(crate) fn art1_proposed() -> NegotiationEvent {
    NegotiationEvent::ClauseProposed {
        clause_id: "art-1".into(),
        kind: ClauseKind::Article,
        heading: "Objet".into(),
        language: "fr".into(),
        text: ART1_TEXT.into(),
        text_hash: art1_hash(),
        proposed_by: "CIV".into(),
    }
}

pub(crate) fn agreed(clause_id: &str, party: &str, text_hash: String) -> NegotiationEvent {
    NegotiationEvent::ClauseAgreed {
        clause_id: clause_id.into(),
        party: party.into(),
        text_hash,
        ad_referendum: false,
    }
}

pub(crate) const CIV_LINGUIST: &str = "aya.coulibaly";
pub(crate) const MAR_LINGUIST: &str = "nadia.alaoui";
pub(crate) const ART1_AR: &str = "يتعاون الطرفان على منع الاتجار بالأشخاص ومكافحته.";

pub(crate) fn art1_ar_hash() -> String {
    clause_text_hash("الموضوع", "ar", ART1_AR)
}

pub(crate) fn art1_translated() -> NegotiationEvent {
    NegotiationEvent::ClauseTranslated {
        clause_id: "art-1".into(),
        language: "ar".into(),
        heading: "الموضوع".into(),
        text: ART1_AR.into(),
        text_hash: art1_ar_hash(),
        source_text_hash: art1_hash(),
    }
}

/// Opened, with a negotiator and a legal-linguist on each side and an observer, and article 1
/// proposed by CIV in French and translated into Arabic.
pub(crate) fn negotiating() -> Vec<NegotiationEvent> {
    vec![
        opened(),
        accredited(CIV_NEGOTIATOR, "CIV", Role::Negotiator),
        accredited(MAR_NEGOTIATOR, "MAR", Role::Negotiator),
        accredited(CIV_LINGUIST, "CIV", Role::LegalLinguist),
        accredited(MAR_LINGUIST, "MAR", Role::LegalLinguist),
        accredited(OBSERVER, "IOM", Role::Observer),
        art1_proposed(),
        art1_translated(),
    ]
}

pub(crate) fn propose(clause_id: &str, language: &str, text: &str) -> Action {
    Action::ProposeClause {
        clause_id: clause_id.into(),
        kind: ClauseKind::Article,
        heading: "Définitions".into(),
        language: language.into(),
        text: text.into(),
    }
}

pub(crate) fn amend(base: String, text: &str) -> Action {
    Action::AmendClause {
        clause_id: "art-1".into(),
        base_text_hash: base,
        heading: "Objet".into(),
        language: "fr".into(),
        text: text.into(),
    }
}

pub(crate) fn agree(text_hash: String) -> Action {
    Action::AgreeClause {
        clause_id: "art-1".into(),
        text_hash,
        ad_referendum: false,
    }
}

// ---- Opening -------------------------------------------------------------------------------

#[test]
fn a_head_of_delegation_opens_a_negotiation() {
    NegotiationTest::with(())
        .given_no_previous_events()
        .when(command(CIV_HEAD, open_action()))
        .then_expect_events(vec![opened()]);
}

#[test]
fn the_facilitators_secretariat_opens_a_negotiation() {
    NegotiationTest::with(())
        .given_no_previous_events()
        .when(command(IOM_SECRETARIAT, open_action()))
        .then_expect_events(vec![opened()]);
}

#[test]
fn opening_is_refused_to_someone_it_does_not_name() {
    NegotiationTest::with(())
        .given_no_previous_events()
        .when(command("stranger", open_action()))
        .then_expect_error(NegotiationError::OpenerNotNamed {
            person: "stranger".into(),
        });
}

#[test]
fn a_negotiation_opens_only_once() {
    NegotiationTest::with(())
        .given(vec![opened()])
        .when(command(CIV_HEAD, open_action()))
        .then_expect_error(NegotiationError::AlreadyOpen("civ-mar-tip".into()));
}

#[test]
fn opening_refuses_malformed_content() {
    let cases: Vec<(Action, NegotiationError)> = vec![
        (
            with_open(|a| {
                if let Action::OpenNegotiation { negotiation_id, .. } = a {
                    *negotiation_id = "CIV MAR".into();
                }
            }),
            NegotiationError::InvalidIdentifier {
                field: "negotiation id",
                value: "CIV MAR".into(),
                max_bytes: MAX_IDENTIFIER_BYTES,
            },
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { title, .. } = a {
                    *title = "  ".into();
                }
            }),
            NegotiationError::Empty { field: "title" },
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { title, .. } = a {
                    *title = "t".repeat(MAX_TITLE_BYTES + 1);
                }
            }),
            NegotiationError::TitleTooLong {
                bytes: MAX_TITLE_BYTES + 1,
                max_title_bytes: MAX_TITLE_BYTES,
            },
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { parties, .. } = a {
                    parties.truncate(1);
                }
            }),
            NegotiationError::TooFewParties { count: 1 },
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { parties, .. } = a {
                    let codes = [
                        "FRA", "SEN", "MLI", "GHA", "NGA", "BFA", "GIN", "LBR", "SLE", "TGO",
                        "BEN", "NER", "TUN", "DZA", "EGY",
                    ];
                    for (i, code) in codes.iter().enumerate() {
                        parties.push(party(code, code, &format!("head-{i}")));
                    }
                }
            }),
            NegotiationError::TooManyParties {
                count: 17,
                max_parties: MAX_PARTIES_PER_NEGOTIATION,
            },
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { parties, .. } = a {
                    parties[1].code = "XXX".into();
                }
            }),
            NegotiationError::UnknownCountryCode("XXX".into()),
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { parties, .. } = a {
                    parties[1].code = "CIV".into();
                }
            }),
            NegotiationError::DuplicateParty("CIV".into()),
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { facilitator, .. } = a {
                    facilitator.as_mut().unwrap().code = "MAR".into();
                }
            }),
            NegotiationError::InvalidFacilitatorCode("MAR".into()),
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { parties, .. } = a {
                    parties[1].head_of_delegation.person = CIV_HEAD.into();
                }
            }),
            NegotiationError::DuplicatePerson(CIV_HEAD.into()),
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { parties, .. } = a {
                    parties[1].name = "n".repeat(MAX_NAME_BYTES + 1);
                }
            }),
            NegotiationError::NameTooLong {
                field: "party name",
                bytes: MAX_NAME_BYTES + 1,
                max_name_bytes: MAX_NAME_BYTES,
            },
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { languages, .. } = a {
                    languages.clear();
                }
            }),
            NegotiationError::Empty {
                field: "authentic languages",
            },
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { languages, .. } = a {
                    *languages = (0..9).map(|i| format!("x-l{i}")).collect();
                }
            }),
            NegotiationError::TooManyLanguages {
                count: 9,
                max_languages: MAX_LANGUAGES_PER_NEGOTIATION,
            },
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { languages, .. } = a {
                    languages.push("not a tag".into());
                }
            }),
            NegotiationError::InvalidLanguageTag("not a tag".into()),
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { languages, .. } = a {
                    languages.push("FR".into());
                }
            }),
            NegotiationError::DuplicateLanguage("FR".into()),
        ),
    ];
    for (action, error) in cases {
        NegotiationTest::with(())
            .given_no_previous_events()
            .when(command(CIV_HEAD, action))
            .then_expect_error(error);
    }
}

#[test]
fn nothing_but_an_opening_is_accepted_before_the_negotiation_opens() {
    NegotiationTest::with(())
        .given_no_previous_events()
        .when(command(CIV_HEAD, propose("art-2", "fr", "Texte")))
        .then_expect_error(NegotiationError::NotOpened);
}

// ---- Accreditation -------------------------------------------------------------------------

pub(crate) fn accredit(person: &str, party: &str, role: Role) -> Action {
    Action::AccreditDelegate {
        person: person.into(),
        name: "Fatou Traoré".into(),
        party: party.into(),
        role,
        signing: None,
    }
}

#[test]
fn a_head_of_delegation_accredits_a_member_of_their_own_delegation() {
    NegotiationTest::with(())
        .given(vec![opened()])
        .when(command(
            CIV_HEAD,
            accredit("fatou.traore", "CIV", Role::LegalLinguist),
        ))
        .then_expect_events(vec![NegotiationEvent::DelegateAccredited {
            delegate: Delegate {
                person: "fatou.traore".into(),
                name: "Fatou Traoré".into(),
                party: "CIV".into(),
                role: Role::LegalLinguist,
                signing: None,
            },
        }]);
}

#[test]
fn no_one_accredits_for_another_party() {
    NegotiationTest::with(())
        .given(vec![opened()])
        .when(command(CIV_HEAD, accredit("spy", "MAR", Role::Negotiator)))
        .then_expect_error(NegotiationError::WrongParty {
            person: CIV_HEAD.into(),
            own_party: "CIV".into(),
            other_party: "MAR".into(),
        });
}

#[test]
fn accreditation_refusals() {
    let given = negotiating();
    let cases = [
        (
            accredit("p", "FRA", Role::Negotiator),
            NegotiationError::UnknownParty("FRA".into()),
        ),
        (
            accredit(CIV_NEGOTIATOR, "CIV", Role::Negotiator),
            NegotiationError::AlreadyAccredited(CIV_NEGOTIATOR.into()),
        ),
        (
            accredit("Bad Id", "CIV", Role::Negotiator),
            NegotiationError::InvalidIdentifier {
                field: "person id",
                value: "Bad Id".into(),
                max_bytes: MAX_IDENTIFIER_BYTES,
            },
        ),
    ];
    for (action, error) in cases {
        NegotiationTest::with(())
            .given(given.clone())
            .when(command(CIV_HEAD, action))
            .then_expect_error(error);
    }
    NegotiationTest::with(())
        .given(given)
        .when(command(
            IOM_SECRETARIAT,
            accredit("iom.signatory", "IOM", Role::Signatory),
        ))
        .then_expect_error(NegotiationError::RoleNotOpenToFacilitator(Role::Signatory));
}

#[test]
fn accreditation_stops_at_the_delegate_limit() {
    let mut given = vec![opened()];
    // Three founders are already accredited by the opening.
    for i in 3..MAX_DELEGATES_PER_NEGOTIATION {
        given.push(accredited(&format!("p{i}"), "CIV", Role::Observer));
    }
    NegotiationTest::with(())
        .given(given)
        .when(command(
            CIV_HEAD,
            accredit("one-too-many", "CIV", Role::Observer),
        ))
        .then_expect_error(NegotiationError::TooManyDelegates {
            max_delegates: MAX_DELEGATES_PER_NEGOTIATION,
        });
}

#[test]
fn an_unaccredited_person_can_do_nothing() {
    NegotiationTest::with(())
        .given(negotiating())
        .when(command("walk-in", propose("art-2", "fr", "Texte")))
        .then_expect_error(NegotiationError::UnknownActor("walk-in".into()));
}

// ---- Proposing -----------------------------------------------------------------------------

#[test]
fn a_negotiator_proposes_a_clause_for_their_party() {
    let text = "Aux fins du présent Mémorandum, on entend par « traite des personnes »…";
    NegotiationTest::with(())
        .given(negotiating())
        .when(command(MAR_NEGOTIATOR, propose("art-2", "fr", text)))
        .then_expect_events(vec![NegotiationEvent::ClauseProposed {
            clause_id: "art-2".into(),
            kind: ClauseKind::Article,
            heading: "Définitions".into(),
            language: "fr".into(),
            text: text.into(),
            text_hash: clause_text_hash("Définitions", "fr", text),
            proposed_by: "MAR".into(),
        }]);
}

#[test]
fn proposal_refusals() {
    let cases = [
        (
            propose("art-1", "fr", "Texte"),
            NegotiationError::ClauseExists("art-1".into()),
        ),
        (
            propose("art-2", "en", "Text"),
            NegotiationError::NotAuthenticLanguage {
                language: "en".into(),
                authentic: "fr, ar".into(),
            },
        ),
        (
            propose("art-2", "fr", " "),
            NegotiationError::Empty {
                field: "clause text",
            },
        ),
        (
            propose("art-2", "fr", "Texte\u{0}caché"),
            NegotiationError::ControlCharacter {
                field: "clause text",
                code_point: "U+0000".into(),
            },
        ),
        (
            Action::ProposeClause {
                clause_id: "art-2".into(),
                kind: ClauseKind::Article,
                heading: "Titre\u{1b}[31m".into(),
                language: "fr".into(),
                text: "Texte\nsur deux lignes".into(),
            },
            NegotiationError::ControlCharacter {
                field: "heading",
                code_point: "U+001B".into(),
            },
        ),
        (
            propose("art-2", "fr", &"a".repeat(MAX_CLAUSE_TEXT_BYTES + 1)),
            NegotiationError::ClauseTextTooLong {
                clause_id: "art-2".into(),
                bytes: MAX_CLAUSE_TEXT_BYTES + 1,
                max_clause_text_bytes: MAX_CLAUSE_TEXT_BYTES,
            },
        ),
        (
            Action::ProposeClause {
                clause_id: "art-2".into(),
                kind: ClauseKind::Article,
                heading: "h".repeat(MAX_HEADING_BYTES + 1),
                language: "fr".into(),
                text: "Texte".into(),
            },
            NegotiationError::HeadingTooLong {
                clause_id: "art-2".into(),
                bytes: MAX_HEADING_BYTES + 1,
                max_heading_bytes: MAX_HEADING_BYTES,
            },
        ),
        (
            propose("", "fr", "Texte"),
            NegotiationError::InvalidIdentifier {
                field: "clause id",
                value: "".into(),
                max_bytes: MAX_IDENTIFIER_BYTES,
            },
        ),
    ];
    for (action, error) in cases {
        NegotiationTest::with(())
            .given(negotiating())
            .when(command(CIV_NEGOTIATOR, action))
            .then_expect_error(error);
    }
}

#[test]
fn proposals_stop_at_the_clause_limit() {
    let mut given = negotiating();
    for i in 1..MAX_CLAUSES_PER_NEGOTIATION {
        given.push(NegotiationEvent::ClauseProposed {
            clause_id: format!("c{i}"),
            kind: ClauseKind::Article,
            heading: String::new(),
            language: "fr".into(),
            text: "x".into(),
            text_hash: clause_text_hash("", "fr", "x"),
            proposed_by: "CIV".into(),
        });
    }
    NegotiationTest::with(())
        .given(given)
        .when(command(
            CIV_NEGOTIATOR,
            propose("one-too-many", "fr", "Texte"),
        ))
        .then_expect_error(NegotiationError::TooManyClauses {
            max_clauses: MAX_CLAUSES_PER_NEGOTIATION,
        });
}

// ---- Amending ------------------------------------------------------------------------------

pub(crate) const ART1_AMENDED: &str =
    "Les Parties coopèrent pour prévenir, réprimer et punir la traite des personnes.";

pub(crate) fn art1_amended() -> NegotiationEvent {
    NegotiationEvent::ClauseAmended {
        clause_id: "art-1".into(),
        base_text_hash: art1_hash(),
        heading: "Objet".into(),
        language: "fr".into(),
        text: ART1_AMENDED.into(),
        text_hash: clause_text_hash("Objet", "fr", ART1_AMENDED),
    }
}

#[test]
fn either_party_amends_the_text_it_has_seen() {
    NegotiationTest::with(())
        .given(negotiating())
        .when(command(MAR_NEGOTIATOR, amend(art1_hash(), ART1_AMENDED)))
        .then_expect_events(vec![art1_amended()]);
}

#[test]
fn an_amendment_of_a_text_that_changed_since_is_refused() {
    let mut given = negotiating();
    given.push(art1_amended());
    NegotiationTest::with(())
        .given(given)
        .when(command(CIV_NEGOTIATOR, amend(art1_hash(), "Autre texte.")))
        .then_expect_error(NegotiationError::StaleTextHash {
            clause_id: "art-1".into(),
            given: art1_hash(),
            current: clause_text_hash("Objet", "fr", ART1_AMENDED),
        });
}

#[test]
fn amendment_refusals() {
    let unknown = Action::AmendClause {
        clause_id: "art-9".into(),
        base_text_hash: art1_hash(),
        heading: String::new(),
        language: "fr".into(),
        text: "x".into(),
    };
    NegotiationTest::with(())
        .given(negotiating())
        .when(command(CIV_NEGOTIATOR, unknown))
        .then_expect_error(NegotiationError::UnknownClause("art-9".into()));
    NegotiationTest::with(())
        .given(negotiating())
        .when(command(CIV_NEGOTIATOR, amend(art1_hash(), ART1_TEXT)))
        .then_expect_error(NegotiationError::AmendmentChangesNothing("art-1".into()));

    let mut agreed_by_all = negotiating();
    agreed_by_all.push(agreed("art-1", "CIV", art1_hash()));
    agreed_by_all.push(agreed("art-1", "MAR", art1_hash()));
    NegotiationTest::with(())
        .given(agreed_by_all)
        .when(command(CIV_NEGOTIATOR, amend(art1_hash(), ART1_AMENDED)))
        .then_expect_error(NegotiationError::ClauseAlreadyAgreed("art-1".into()));

    let mut withdrawn = negotiating();
    withdrawn.push(NegotiationEvent::ClauseWithdrawn {
        clause_id: "art-1".into(),
        reason: "merged".into(),
    });
    NegotiationTest::with(())
        .given(withdrawn)
        .when(command(CIV_NEGOTIATOR, amend(art1_hash(), ART1_AMENDED)))
        .then_expect_error(NegotiationError::ClauseWithdrawn("art-1".into()));
}

// ---- Commenting ----------------------------------------------------------------------------

#[test]
fn an_observer_comments_on_a_clause() {
    NegotiationTest::with(())
        .given(negotiating())
        .when(command(
            OBSERVER,
            Action::Comment {
                clause_id: Some("art-1".into()),
                text: "Voir le Protocole de Palerme, art. 3.".into(),
                internal: false,
            },
        ))
        .then_expect_events(vec![NegotiationEvent::Commented {
            clause_id: Some("art-1".into()),
            text: "Voir le Protocole de Palerme, art. 3.".into(),
            internal: false,
        }]);
}

fn internal_comment() -> Action {
    Action::Comment {
        clause_id: Some("art-1".into()),
        text: "Ne pas céder sur les données personnelles.".into(),
        internal: true,
    }
}

#[test]
fn a_negotiator_comments_internally_for_their_own_delegation() {
    NegotiationTest::with(())
        .given(negotiating())
        .when(command(CIV_NEGOTIATOR, internal_comment()))
        .then_expect_events(vec![NegotiationEvent::Commented {
            clause_id: Some("art-1".into()),
            text: "Ne pas céder sur les données personnelles.".into(),
            internal: true,
        }]);
}

#[test]
fn an_internal_comment_is_permitted_to_exactly_the_roles_that_may_comment() {
    for role in Role::ALL {
        let mut given = crate::lifecycle::tests::history_for(ActionKind::Comment);
        given.push(crate::lifecycle::tests::accredited_cell(role));
        let result = Negotiation::replay(&given).decide(&command("cell", internal_comment()));
        match (is_permitted(role, ActionKind::Comment), result) {
            (true, Ok(events)) => assert_eq!(events.len(), 1, "{role}"),
            (
                false,
                Err(NegotiationError::NotPermitted {
                    role: r, action, ..
                }),
            ) => {
                assert_eq!((r, action), (role, ActionKind::Comment))
            }
            (permitted, outcome) => panic!("{role}: permitted={permitted} but got {outcome:?}"),
        }
    }
}

#[test]
fn an_internal_comment_does_not_put_its_clause_under_discussion() {
    let mut events = negotiating();
    let internal = NegotiationEvent::Commented {
        clause_id: Some("art-1".into()),
        text: "Entre nous".into(),
        internal: true,
    };
    events.push(internal);
    let state = Negotiation::replay(&events);
    assert_eq!(
        state.clause_status(state.clause("art-1").unwrap()),
        ClauseStatus::Proposed,
        "the other party must not learn that CIV discussed it"
    );
    let shared = NegotiationEvent::Commented {
        clause_id: Some("art-1".into()),
        text: "Pour tous".into(),
        internal: false,
    };
    events.push(shared);
    let state = Negotiation::replay(&events);
    assert_eq!(
        state.clause_status(state.clause("art-1").unwrap()),
        ClauseStatus::UnderDiscussion
    );
}

#[test]
fn the_internal_flag_round_trips_and_is_absent_from_shared_comments() {
    let internal = NegotiationEvent::Commented {
        clause_id: None,
        text: "t".into(),
        internal: true,
    };
    let json = serde_json::to_value(&internal).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"Commented": {"clause_id": null, "text": "t", "internal": true}})
    );
    assert_eq!(
        serde_json::from_value::<NegotiationEvent>(json).unwrap(),
        internal
    );
    let shared = NegotiationEvent::Commented {
        clause_id: None,
        text: "t".into(),
        internal: false,
    };
    assert_eq!(
        serde_json::to_value(&shared).unwrap(),
        serde_json::json!({"Commented": {"clause_id": null, "text": "t"}}),
        "a shared comment serialises, and so hashes, as before the field existed"
    );
    let command: Action =
        serde_json::from_str(r#"{"type": "comment", "text": "t", "internal": true}"#).unwrap();
    assert_eq!(
        command,
        Action::Comment {
            clause_id: None,
            text: "t".into(),
            internal: true
        }
    );
}

#[test]
fn a_comment_recorded_before_the_internal_flag_existed_decodes_as_shared() {
    let old: NegotiationEvent =
        serde_json::from_str(r#"{"Commented": {"clause_id": "art-1", "text": "t"}}"#).unwrap();
    assert_eq!(
        old,
        NegotiationEvent::Commented {
            clause_id: Some("art-1".into()),
            text: "t".into(),
            internal: false,
        }
    );
    let old_command: Action = serde_json::from_str(r#"{"type": "comment", "text": "t"}"#).unwrap();
    assert!(matches!(
        old_command,
        Action::Comment {
            internal: false,
            ..
        }
    ));
}

#[test]
fn comment_refusals() {
    let cases = [
        (
            Action::Comment {
                clause_id: Some("art-9".into()),
                text: "?".into(),
                internal: false,
            },
            NegotiationError::UnknownClause("art-9".into()),
        ),
        (
            Action::Comment {
                clause_id: None,
                text: "".into(),
                internal: true,
            },
            NegotiationError::Empty { field: "comment" },
        ),
        (
            Action::Comment {
                clause_id: None,
                text: "c".repeat(MAX_COMMENT_BYTES + 1),
                internal: true,
            },
            NegotiationError::CommentTooLong {
                field: "comment",
                bytes: MAX_COMMENT_BYTES + 1,
                max_comment_bytes: MAX_COMMENT_BYTES,
            },
        ),
    ];
    for (action, error) in cases {
        NegotiationTest::with(())
            .given(negotiating())
            .when(command(CIV_NEGOTIATOR, action))
            .then_expect_error(error);
    }
}

// ---- Agreeing ------------------------------------------------------------------------------

#[test]
fn a_head_of_delegation_agrees_one_exact_text_for_their_party() {
    NegotiationTest::with(())
        .given(negotiating())
        .when(command(MAR_HEAD, agree(art1_hash())))
        .then_expect_events(vec![agreed("art-1", "MAR", art1_hash())]);
}

#[test]
fn a_clause_is_agreed_only_when_every_party_agreed_its_current_text() {
    let mut events = negotiating();
    events.push(agreed("art-1", "CIV", art1_hash()));
    events.push(art1_amended());
    let new_hash = clause_text_hash("Objet", "fr", ART1_AMENDED);
    events.push(agreed("art-1", "MAR", new_hash.clone()));
    let mut state = Negotiation::replay(&events);
    let clause = state.clause("art-1").unwrap();
    assert_eq!(
        state.clause_status(clause),
        ClauseStatus::UnderDiscussion,
        "CIV agreed the old wording only"
    );
    state.apply(agreed("art-1", "CIV", new_hash));
    assert_eq!(
        state.clause_status(state.clause("art-1").unwrap()),
        ClauseStatus::Agreed
    );
}

#[test]
fn agreement_refusals() {
    let stale = "0".repeat(64);
    NegotiationTest::with(())
        .given(negotiating())
        .when(command(CIV_HEAD, agree(stale.clone())))
        .then_expect_error(NegotiationError::StaleTextHash {
            clause_id: "art-1".into(),
            given: stale,
            current: art1_hash(),
        });

    let mut already = negotiating();
    already.push(agreed("art-1", "CIV", art1_hash()));
    NegotiationTest::with(())
        .given(already)
        .when(command(CIV_HEAD, agree(art1_hash())))
        .then_expect_error(NegotiationError::AlreadyAgreed {
            clause_id: "art-1".into(),
            party: "CIV".into(),
        });

    NegotiationTest::with(())
        .given(negotiating())
        .when(command(
            CIV_HEAD,
            Action::AgreeClause {
                clause_id: "art-9".into(),
                text_hash: art1_hash(),
                ad_referendum: false,
            },
        ))
        .then_expect_error(NegotiationError::UnknownClause("art-9".into()));

    let mut withdrawn = negotiating();
    withdrawn.push(NegotiationEvent::ClauseWithdrawn {
        clause_id: "art-1".into(),
        reason: "merged".into(),
    });
    NegotiationTest::with(())
        .given(withdrawn)
        .when(command(CIV_HEAD, agree(art1_hash())))
        .then_expect_error(NegotiationError::ClauseWithdrawn("art-1".into()));
}

// ---- Withdrawing ---------------------------------------------------------------------------

pub(crate) fn withdraw(reason: &str) -> Action {
    Action::WithdrawClause {
        clause_id: "art-1".into(),
        reason: reason.into(),
    }
}

#[test]
fn the_proposing_party_withdraws_its_clause() {
    NegotiationTest::with(())
        .given(negotiating())
        .when(command(CIV_NEGOTIATOR, withdraw("Merged into article 2")))
        .then_expect_events(vec![NegotiationEvent::ClauseWithdrawn {
            clause_id: "art-1".into(),
            reason: "Merged into article 2".into(),
        }]);
}

#[test]
fn withdrawal_refusals() {
    NegotiationTest::with(())
        .given(negotiating())
        .when(command(MAR_NEGOTIATOR, withdraw("Not ours to keep")))
        .then_expect_error(NegotiationError::NotProposer {
            clause_id: "art-1".into(),
            proposer: "CIV".into(),
        });
    NegotiationTest::with(())
        .given(negotiating())
        .when(command(CIV_NEGOTIATOR, withdraw("")))
        .then_expect_error(NegotiationError::Empty { field: "reason" });
    let mut agreed_by_all = negotiating();
    agreed_by_all.push(agreed("art-1", "CIV", art1_hash()));
    agreed_by_all.push(agreed("art-1", "MAR", art1_hash()));
    NegotiationTest::with(())
        .given(agreed_by_all)
        .when(command(CIV_NEGOTIATOR, withdraw("Too late")))
        .then_expect_error(NegotiationError::ClauseAlreadyAgreed("art-1".into()));
}

// ---- The role × act table, cell by cell ----------------------------------------------------

/// A command of each kind that CIV may perform in `negotiating()`, given the right role.
pub(crate) fn valid_action(kind: ActionKind) -> Action {
    match kind {
        ActionKind::OpenNegotiation => open_action(),
        ActionKind::AccreditDelegate => accredit("new.member", "CIV", Role::Negotiator),
        ActionKind::ProposeClause => propose("art-2", "fr", "Texte"),
        ActionKind::AmendClause => amend(art1_hash(), ART1_AMENDED),
        ActionKind::Comment => Action::Comment {
            clause_id: Some("art-1".into()),
            text: "Remarque".into(),
            internal: false,
        },
        ActionKind::AgreeClause => agree(art1_hash()),
        ActionKind::WithdrawClause => withdraw("Superseded"),
        ActionKind::TranslateClause => Action::TranslateClause {
            clause_id: "art-1".into(),
            language: "ar".into(),
            heading: "الموضوع".into(),
            text: "نص منقح".into(),
            source_text_hash: art1_hash(),
        },
        ActionKind::VerifyConcordance => Action::VerifyConcordance {
            clause_id: "art-1".into(),
            language: "ar".into(),
            text_hash: art1_ar_hash(),
        },
        ActionKind::AdoptText
        | ActionKind::InitialText
        | ActionKind::SignInstrument
        | ActionKind::ConfirmSignature
        | ActionKind::ExpressConsent
        | ActionKind::AbandonNegotiation
        | ActionKind::ProposeAlternative
        | ActionKind::StatePosition
        | ActionKind::ChooseAlternative
        | ActionKind::ConfirmClauseAgreement
        | ActionKind::ReopenClause
        | ActionKind::OpenRound
        | ActionKind::CloseRound
        | ActionKind::RecordMinutes
        | ActionKind::AdoptMinutes
        | ActionKind::SuspendOperation
        | ActionKind::ResumeOperation
        | ActionKind::NotifyTermination
        | ActionKind::CreateMatrix
        | ActionKind::ProposeRow
        | ActionKind::AgreeRow
        | ActionKind::ValidateMatrix
        | ActionKind::ReportProgress
        | ActionKind::ApplyProvisionally
        | ActionKind::OpenRevision
        | ActionKind::ProposeCorrection
        | ActionKind::AgreeCorrection => unreachable!("these acts come from lifecycle::tests"),
    }
}

#[test]
fn every_cell_of_the_role_table_is_enforced() {
    for role in Role::ALL {
        for kind in ActionKind::ALL {
            let (given, actor) = if kind == ActionKind::OpenNegotiation {
                // Before opening, a person is who the opening command names them to be.
                let actor = match role {
                    Role::HeadOfDelegation => CIV_HEAD,
                    Role::Secretariat => IOM_SECRETARIAT,
                    _ => "someone-else",
                };
                (vec![], actor.to_string())
            } else {
                let mut given = crate::lifecycle::tests::history_for(kind);
                given.push(crate::lifecycle::tests::accredited_cell(role));
                (given, "cell".to_string())
            };
            let state = Negotiation::replay(&given);
            let action = crate::lifecycle::tests::lifecycle_action(kind, &state)
                .unwrap_or_else(|| valid_action(kind));
            let result = state.decide(&command(&actor, action));
            match (is_permitted(role, kind), result) {
                (true, Ok(events)) => assert_eq!(events.len(), 1, "{role} × {kind}"),
                (
                    false,
                    Err(NegotiationError::NotPermitted {
                        role: r, action, ..
                    }),
                ) => {
                    assert_eq!((r, action), (role, kind))
                }
                (false, Err(NegotiationError::OpenerNotNamed { .. }))
                    if kind == ActionKind::OpenNegotiation => {}
                (permitted, outcome) => {
                    panic!("{role} × {kind}: permitted={permitted} but got {outcome:?}")
                }
            }
        }
    }
}

#[test]
fn attribution_names_the_accredited_capacity() {
    let state = Negotiation::replay(&negotiating());
    let by_negotiator = command(CIV_NEGOTIATOR, propose("art-2", "fr", "x"));
    assert_eq!(
        state.acting_as(&by_negotiator).unwrap().role,
        Role::Negotiator
    );
    let opening = command(IOM_SECRETARIAT, open_action());
    let opener = Negotiation::default().acting_as(&opening).unwrap();
    assert_eq!(
        (opener.party.as_str(), opener.role),
        ("IOM", Role::Secretariat)
    );
}

#[test]
fn an_amendment_back_to_an_earlier_wording_still_needs_every_party_again() {
    let mut events = negotiating();
    events.push(agreed("art-1", "CIV", art1_hash()));
    events.push(art1_amended());
    let back = NegotiationEvent::ClauseAmended {
        clause_id: "art-1".into(),
        base_text_hash: clause_text_hash("Objet", "fr", ART1_AMENDED),
        heading: "Objet".into(),
        language: "fr".into(),
        text: ART1_TEXT.into(),
        text_hash: art1_hash(),
    };
    events.push(back);
    events.push(agreed("art-1", "MAR", art1_hash()));
    let state = Negotiation::replay(&events);
    let clause = state.clause("art-1").unwrap();
    assert_eq!(
        clause.text_hash,
        art1_hash(),
        "the original wording is back"
    );
    assert!(
        !clause.agreed_by_party("CIV"),
        "CIV agreed before the text changed"
    );
    assert_eq!(state.clause_status(clause), ClauseStatus::UnderDiscussion);
}

#[test]
fn a_malformed_hash_is_refused_as_such_not_as_a_stale_one() {
    for bad in [
        "not-a-hash",
        &art1_hash().to_uppercase(),
        &art1_hash()[..63],
    ] {
        NegotiationTest::with(())
            .given(negotiating())
            .when(command(CIV_HEAD, agree(bad.to_string())))
            .then_expect_error(NegotiationError::NotASha256 {
                field: "text hash",
                value: bad.to_string(),
            });
    }
}

#[test]
fn a_withdrawn_clause_id_is_not_proposed_again() {
    let mut withdrawn = negotiating();
    withdrawn.push(NegotiationEvent::ClauseWithdrawn {
        clause_id: "art-1".into(),
        reason: "merged".into(),
    });
    NegotiationTest::with(())
        .given(withdrawn)
        .when(command(CIV_NEGOTIATOR, propose("art-1", "fr", "Texte")))
        .then_expect_error(NegotiationError::ClauseWithdrawn("art-1".into()));
}
