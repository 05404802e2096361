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

impl Negotiation {
    /// `decide`, with the register the command claims for itself: the rules' tests name whom
    /// they like; the register's own rules have their tests below.
    pub(crate) fn decide_as_claimed(
        &self,
        command: &NegotiationCommand,
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
        self.decide(command, &Register::claimed_by(command))
    }
}

pub(crate) fn command(actor: &str, action: Action) -> NegotiationCommand {
    NegotiationCommand {
        actor: actor.to_string(),
        action,
        took_place: None,
    }
}

/// Given `given`, `actor` performing `action` is recorded as `events`.
pub(crate) fn expect_events(
    given: Vec<NegotiationEvent>,
    actor: &str,
    action: Action,
    events: Vec<NegotiationEvent>,
) {
    let command = command(actor, action);
    NegotiationTest::with(Register::claimed_by(&command))
        .given(given)
        .when(command)
        .then_expect_events(events);
}

/// Given `given`, `actor` performing `action` is refused with `error`.
pub(crate) fn expect_refusal(
    given: Vec<NegotiationEvent>,
    actor: &str,
    action: Action,
    error: NegotiationError,
) {
    let command = command(actor, action);
    NegotiationTest::with(Register::claimed_by(&command))
        .given(given)
        .when(command)
        .then_expect_error(error);
}

/// Each `(given, action, error)`: given `given`, `actor` performing `action` is refused with
/// `error`.
pub(crate) fn expect_refusals(
    actor: &str,
    cases: impl IntoIterator<Item = (Vec<NegotiationEvent>, Action, NegotiationError)>,
) {
    for (given, action, error) in cases {
        expect_refusal(given, actor, action, error);
    }
}

pub(crate) fn party(code: &str, name: &str, head: &str) -> Party {
    Party::new(code, name, head, &format!("Head of {name}"))
}

pub(crate) fn open_action() -> Action {
    Action::OpenNegotiation {
        negotiation_id: "civ-mar-tip".into(),
        title: "Memorandum of Understanding on combating trafficking in persons".into(),
        titles: Default::default(),
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
        legal_effect: None,
        arabic_article_numbering: None,
    }
}

pub(crate) fn with_open(change: impl FnOnce(&mut Action)) -> Action {
    let mut action = open_action();
    change(&mut action);
    action
}

/// `open_action()`, changed by `change`, is refused with `error` as the negotiation's first command.
pub(crate) fn expect_opening_refused(change: impl FnOnce(&mut Action), error: NegotiationError) {
    expect_refusal(vec![], CIV_HEAD, with_open(change), error);
}

/// What the opening records: the fields of `open_action()`, with the rules it leaves to the
/// instrument's kind made explicit (an MoU takes effect on the last consent; six months' notice).
pub(crate) fn opened() -> NegotiationEvent {
    let mut fields = serde_json::to_value(open_action()).expect("an action serialises");
    fields.as_object_mut().expect("an object").remove("type");
    fields["entry_into_force_rule"] =
        serde_json::to_value(EntryIntoForceRule::OnLastConsent).expect("a rule serialises");
    fields["termination_notice_months"] = 6.into();
    serde_json::from_value(serde_json::json!({ "NegotiationOpened": fields }))
        .expect("an opening records the fields of its command")
}

/// `opened()` as an opening records it now: `parties` (and the facilitator) named by the opener
/// await acceptance.
/// `event`, an opening of an MoU that states no legal effect, as `decide` records it: with the
/// legal effect of a political commitment (given events keep the older shape, with none).
pub(crate) fn as_decided(mut event: NegotiationEvent) -> NegotiationEvent {
    if let NegotiationEvent::NegotiationOpened {
        instrument_kind: InstrumentKind::Mou,
        legal_effect: legal_effect @ None,
        ..
    } = &mut event
    {
        *legal_effect = Some(crate::LegalEffect::non_binding());
    }
    event
}

pub(crate) fn opened_awaiting(parties: &[&str]) -> NegotiationEvent {
    let mut event = opened();
    if let NegotiationEvent::NegotiationOpened {
        awaiting_acceptance,
        ..
    } = &mut event
    {
        *awaiting_acceptance = parties.iter().map(|p| p.to_string()).collect();
    }
    event
}

pub(crate) fn accredited(person: &str, party: &str, role: Role) -> NegotiationEvent {
    accredited_with(person, party, role, None)
}

/// `person` accredited for `party` in `role`, with `signing` authority if any; named by their id.
pub(crate) fn accredited_with(
    person: &str,
    party: &str,
    role: Role,
    signing: Option<SigningAuthority>,
) -> NegotiationEvent {
    NegotiationEvent::DelegateAccredited {
        delegate: Delegate {
            person: person.into(),
            name: person.into(),
            party: party.into(),
            role,
            signing,
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

/// `party`'s agreement to article 1's wording, subject to confirmation by its capital.
pub(crate) fn art1_agreed_ad_referendum(party: &str) -> NegotiationEvent {
    NegotiationEvent::ClauseAgreed {
        clause_id: "art-1".into(),
        party: party.into(),
        text_hash: art1_hash(),
        ad_referendum: true,
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

/// MAR's legal-linguist attests that the Arabic translation of article 1 is concordant.
pub(crate) fn art1_concordant() -> NegotiationEvent {
    NegotiationEvent::ConcordanceVerified {
        clause_id: "art-1".into(),
        language: "ar".into(),
        text_hash: art1_ar_hash(),
        source_text_hash: art1_hash(),
        party: "MAR".into(),
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

/// The state the rules decide on after `events`.
pub(crate) fn state_of(events: &[NegotiationEvent]) -> Negotiation {
    Negotiation::replay(events)
}

/// `events` followed by `then`, as a history or a bundle might hold them.
pub(crate) fn followed_by(
    mut events: Vec<NegotiationEvent>,
    then: impl IntoIterator<Item = NegotiationEvent>,
) -> Vec<NegotiationEvent> {
    events.extend(then);
    events
}

/// `negotiating()` with article 1 agreed by both parties.
pub(crate) fn art1_agreed_by_all() -> Vec<NegotiationEvent> {
    followed_by(
        negotiating(),
        ["CIV", "MAR"].map(|party| agreed("art-1", party, art1_hash())),
    )
}

/// `negotiating()` with article 1 withdrawn.
pub(crate) fn art1_withdrawn() -> Vec<NegotiationEvent> {
    let withdrawal = NegotiationEvent::ClauseWithdrawn {
        clause_id: "art-1".into(),
        reason: "merged".into(),
    };
    followed_by(negotiating(), [withdrawal])
}

pub(crate) fn propose(clause_id: &str, language: &str, text: &str) -> Action {
    Action::ProposeClause {
        clause_id: clause_id.into(),
        kind: ClauseKind::Article,
        heading: "Définitions".into(),
        language: language.into(),
        text: text.into(),
        after: None,
        before: None,
    }
}

pub(crate) fn amend(base: String, text: &str) -> Action {
    Action::AmendClause {
        clause_id: "art-1".into(),
        base_text_hash: base,
        heading: Some("Objet".into()),
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
    // Every other party, and the facilitator, takes part once it accepts.
    expect_events(
        vec![],
        CIV_HEAD,
        open_action(),
        vec![as_decided(opened_awaiting(&["MAR", "IOM"]))],
    );
}

#[test]
fn the_facilitators_secretariat_opens_a_negotiation() {
    expect_events(
        vec![],
        IOM_SECRETARIAT,
        open_action(),
        vec![as_decided(opened_awaiting(&["CIV", "MAR"]))],
    );
}

#[test]
fn opening_is_refused_to_someone_it_does_not_name() {
    expect_refusal(
        vec![],
        "stranger",
        open_action(),
        NegotiationError::OpenerNotNamed {
            person: "stranger".into(),
        },
    );
}

#[test]
fn a_negotiation_opens_only_once() {
    expect_refusal(
        vec![opened()],
        CIV_HEAD,
        open_action(),
        NegotiationError::AlreadyOpen("civ-mar-tip".into()),
    );
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
        expect_refusal(vec![], CIV_HEAD, action, error);
    }
}

#[test]
fn nothing_but_an_opening_is_accepted_before_the_negotiation_opens() {
    expect_refusal(
        vec![],
        CIV_HEAD,
        propose("art-2", "fr", "Texte"),
        NegotiationError::NotOpened,
    );
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
    expect_events(
        vec![opened()],
        CIV_HEAD,
        accredit("fatou.traore", "CIV", Role::LegalLinguist),
        vec![NegotiationEvent::DelegateAccredited {
            delegate: Delegate {
                person: "fatou.traore".into(),
                name: "Fatou Traoré".into(),
                party: "CIV".into(),
                role: Role::LegalLinguist,
                signing: None,
            },
        }],
    );
}

#[test]
fn accreditation_refusals() {
    expect_refusals(
        CIV_HEAD,
        [
            (
                negotiating(),
                accredit("spy", "MAR", Role::Negotiator),
                NegotiationError::WrongParty {
                    person: CIV_HEAD.into(),
                    own_party: "CIV".into(),
                    other_party: "MAR".into(),
                },
            ),
            (
                negotiating(),
                accredit("p", "FRA", Role::Negotiator),
                NegotiationError::UnknownParty("FRA".into()),
            ),
            (
                negotiating(),
                accredit(CIV_NEGOTIATOR, "CIV", Role::Negotiator),
                NegotiationError::AlreadyAccredited(CIV_NEGOTIATOR.into()),
            ),
            (
                negotiating(),
                accredit("Bad Id", "CIV", Role::Negotiator),
                NegotiationError::InvalidIdentifier {
                    field: "person id",
                    value: "Bad Id".into(),
                    max_bytes: MAX_IDENTIFIER_BYTES,
                },
            ),
        ],
    );
    expect_refusal(
        negotiating(),
        IOM_SECRETARIAT,
        accredit("iom.signatory", "IOM", Role::Signatory),
        NegotiationError::RoleNotOpenToFacilitator(Role::Signatory),
    );
}

#[test]
fn accreditation_stops_at_the_delegate_limit() {
    let mut given = vec![opened()];
    // Three founders are already accredited by the opening.
    for i in 3..MAX_DELEGATES_PER_NEGOTIATION {
        given.push(accredited(&format!("p{i}"), "CIV", Role::Observer));
    }
    expect_refusal(
        given,
        CIV_HEAD,
        accredit("one-too-many", "CIV", Role::Observer),
        NegotiationError::TooManyDelegates {
            max_delegates: MAX_DELEGATES_PER_NEGOTIATION,
        },
    );
}

#[test]
fn an_unaccredited_person_can_do_nothing() {
    expect_refusal(
        negotiating(),
        "walk-in",
        propose("art-2", "fr", "Texte"),
        NegotiationError::UnknownActor("walk-in".into()),
    );
}

// ---- Proposing -----------------------------------------------------------------------------

#[test]
fn a_negotiator_proposes_a_clause_for_their_party() {
    let text = "Aux fins du présent Mémorandum, on entend par « traite des personnes »…";
    expect_events(
        negotiating(),
        MAR_NEGOTIATOR,
        propose("art-2", "fr", text),
        vec![NegotiationEvent::ClauseProposed {
            clause_id: "art-2".into(),
            kind: ClauseKind::Article,
            heading: "Définitions".into(),
            language: "fr".into(),
            text: text.into(),
            text_hash: clause_text_hash("Définitions", "fr", text),
            proposed_by: "MAR".into(),
        }],
    );
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
                after: None,
                before: None,
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
                after: None,
                before: None,
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
        expect_refusal(negotiating(), CIV_NEGOTIATOR, action, error);
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
    expect_refusal(
        given,
        CIV_NEGOTIATOR,
        propose("one-too-many", "fr", "Texte"),
        NegotiationError::TooManyClauses {
            max_clauses: MAX_CLAUSES_PER_NEGOTIATION,
        },
    );
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
        amended_by: Some("MAR".into()),
    }
}

#[test]
fn either_party_amends_the_text_it_has_seen() {
    expect_events(
        negotiating(),
        MAR_NEGOTIATOR,
        amend(art1_hash(), ART1_AMENDED),
        vec![art1_amended()],
    );
}

#[test]
fn an_amendment_of_a_text_that_changed_since_is_refused() {
    expect_refusal(
        followed_by(negotiating(), [art1_amended()]),
        CIV_NEGOTIATOR,
        amend(art1_hash(), "Autre texte."),
        NegotiationError::StaleTextHash {
            clause_id: "art-1".into(),
            given: art1_hash(),
            current: clause_text_hash("Objet", "fr", ART1_AMENDED),
        },
    );
}

#[test]
fn amendment_refusals() {
    let unknown = Action::AmendClause {
        clause_id: "art-9".into(),
        base_text_hash: art1_hash(),
        heading: Some(String::new()),
        language: "fr".into(),
        text: "x".into(),
    };
    let amended = || amend(art1_hash(), ART1_AMENDED);
    expect_refusals(
        CIV_NEGOTIATOR,
        [
            (
                negotiating(),
                unknown,
                NegotiationError::UnknownClause("art-9".into()),
            ),
            (
                negotiating(),
                amend(art1_hash(), ART1_TEXT),
                NegotiationError::AmendmentChangesNothing("art-1".into()),
            ),
            (
                art1_agreed_by_all(),
                amended(),
                NegotiationError::ClauseAlreadyAgreed("art-1".into()),
            ),
            (
                art1_withdrawn(),
                amended(),
                NegotiationError::ClauseWithdrawn("art-1".into()),
            ),
        ],
    );
}

// ---- Commenting ----------------------------------------------------------------------------

const PALERMO: &str = "Voir le Protocole de Palerme, art. 3.";
const INTERNAL: &str = "Ne pas céder sur les données personnelles.";

fn comment(clause_id: Option<&str>, text: &str, internal: bool) -> Action {
    Action::Comment {
        clause_id: clause_id.map(str::to_string),
        text: text.into(),
        internal,
    }
}

fn commented(clause_id: Option<&str>, text: &str, internal: bool) -> NegotiationEvent {
    NegotiationEvent::Commented {
        clause_id: clause_id.map(str::to_string),
        text: text.into(),
        internal,
    }
}

/// An observer's comment is shared; a negotiator's internal one is for their own delegation.
#[test]
fn a_comment_is_recorded_shared_or_internal_as_made() {
    for (actor, text, internal) in [(OBSERVER, PALERMO, false), (CIV_NEGOTIATOR, INTERNAL, true)] {
        expect_events(
            negotiating(),
            actor,
            comment(Some("art-1"), text, internal),
            vec![commented(Some("art-1"), text, internal)],
        );
    }
}

#[test]
fn an_internal_comment_is_permitted_to_exactly_the_roles_that_may_comment() {
    for role in Role::ALL {
        let mut given = crate::lifecycle::tests::history_for(ActionKind::Comment);
        given.push(crate::lifecycle::tests::accredited_cell(role));
        let internal = comment(Some("art-1"), INTERNAL, true);
        let result = Negotiation::replay(&given).decide_as_claimed(&command("cell", internal));
        assert_role_table_enforced(role, ActionKind::Comment, result);
    }
}

#[test]
fn an_internal_comment_does_not_put_its_clause_under_discussion() {
    let mut events = negotiating();
    let internal = commented(Some("art-1"), "Entre nous", true);
    events.push(internal);
    let state = Negotiation::replay(&events);
    assert_eq!(
        state.clause_status(state.clause("art-1").unwrap()),
        ClauseStatus::Proposed,
        "the other party must not learn that CIV discussed it"
    );
    let shared = commented(Some("art-1"), "Pour tous", false);
    events.push(shared);
    let state = Negotiation::replay(&events);
    assert_eq!(
        state.clause_status(state.clause("art-1").unwrap()),
        ClauseStatus::UnderDiscussion
    );
}

#[test]
fn the_internal_flag_round_trips_and_is_absent_from_shared_comments() {
    let internal = commented(None, "t", true);
    let json = serde_json::to_value(&internal).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"Commented": {"clause_id": null, "text": "t", "internal": true}})
    );
    assert_eq!(
        serde_json::from_value::<NegotiationEvent>(json).unwrap(),
        internal
    );
    let shared = commented(None, "t", false);
    assert_eq!(
        serde_json::to_value(&shared).unwrap(),
        serde_json::json!({"Commented": {"clause_id": null, "text": "t"}}),
        "a shared comment serialises, and so hashes, as before the field existed"
    );
    let command: Action =
        serde_json::from_str(r#"{"type": "comment", "text": "t", "internal": true}"#).unwrap();
    assert_eq!(command, comment(None, "t", true));
}

#[test]
fn a_comment_recorded_before_the_internal_flag_existed_decodes_as_shared() {
    let old: NegotiationEvent =
        serde_json::from_str(r#"{"Commented": {"clause_id": "art-1", "text": "t"}}"#).unwrap();
    assert_eq!(old, commented(Some("art-1"), "t", false));
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
            comment(Some("art-9"), "?", false),
            NegotiationError::UnknownClause("art-9".into()),
        ),
        (
            comment(None, "", true),
            NegotiationError::Empty { field: "comment" },
        ),
        (
            comment(None, &"c".repeat(MAX_COMMENT_BYTES + 1), true),
            NegotiationError::CommentTooLong {
                field: "comment",
                bytes: MAX_COMMENT_BYTES + 1,
                max_comment_bytes: MAX_COMMENT_BYTES,
            },
        ),
    ];
    for (action, error) in cases {
        expect_refusal(negotiating(), CIV_NEGOTIATOR, action, error);
    }
}

// ---- Agreeing ------------------------------------------------------------------------------

#[test]
fn a_head_of_delegation_agrees_one_exact_text_for_their_party() {
    expect_events(
        negotiating(),
        MAR_HEAD,
        agree(art1_hash()),
        vec![agreed("art-1", "MAR", art1_hash())],
    );
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
    state
        .apply_checked(agreed("art-1", "CIV", new_hash))
        .unwrap();
    assert_eq!(
        state.clause_status(state.clause("art-1").unwrap()),
        ClauseStatus::Agreed
    );
}

#[test]
fn agreement_refusals() {
    let stale = "0".repeat(64);
    let unknown = Action::AgreeClause {
        clause_id: "art-9".into(),
        text_hash: art1_hash(),
        ad_referendum: false,
    };
    expect_refusals(
        CIV_HEAD,
        [
            (
                negotiating(),
                agree(stale.clone()),
                NegotiationError::StaleTextHash {
                    clause_id: "art-1".into(),
                    given: stale,
                    current: art1_hash(),
                },
            ),
            (
                followed_by(negotiating(), [agreed("art-1", "CIV", art1_hash())]),
                agree(art1_hash()),
                NegotiationError::AlreadyAgreed {
                    clause_id: "art-1".into(),
                    party: "CIV".into(),
                },
            ),
            (
                negotiating(),
                unknown,
                NegotiationError::UnknownClause("art-9".into()),
            ),
            (
                art1_withdrawn(),
                agree(art1_hash()),
                NegotiationError::ClauseWithdrawn("art-1".into()),
            ),
        ],
    );
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
    expect_events(
        negotiating(),
        CIV_NEGOTIATOR,
        withdraw("Merged into article 2"),
        vec![NegotiationEvent::ClauseWithdrawn {
            clause_id: "art-1".into(),
            reason: "Merged into article 2".into(),
        }],
    );
}

#[test]
fn withdrawal_refusals() {
    expect_refusal(
        negotiating(),
        MAR_NEGOTIATOR,
        withdraw("Not ours to keep"),
        NegotiationError::NotProposer {
            clause_id: "art-1".into(),
            proposer: "CIV".into(),
        },
    );
    expect_refusals(
        CIV_NEGOTIATOR,
        [
            (
                negotiating(),
                withdraw(""),
                NegotiationError::Empty { field: "reason" },
            ),
            (
                art1_agreed_by_all(),
                withdraw("Too late"),
                NegotiationError::ClauseAlreadyAgreed("art-1".into()),
            ),
        ],
    );
}

// ---- The role × act table, cell by cell ----------------------------------------------------

/// A command of each kind that CIV may perform in `negotiating()`, given the right role.
pub(crate) fn valid_action(kind: ActionKind) -> Action {
    match kind {
        ActionKind::OpenNegotiation => open_action(),
        ActionKind::AcceptNegotiation => Action::AcceptNegotiation,
        ActionKind::AccreditDelegate => accredit("new.member", "CIV", Role::Negotiator),
        ActionKind::ProposeClause => propose("art-2", "fr", "Texte"),
        ActionKind::AmendClause => amend(art1_hash(), ART1_AMENDED),
        ActionKind::Comment => comment(Some("art-1"), "Remarque", false),
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
        | ActionKind::WithdrawAlternative
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
        | ActionKind::AgreeCorrection
        | ActionKind::RecordReceipt
        | ActionKind::SendNote
        | ActionKind::ExamineFullPowers => unreachable!("these acts come from lifecycle::tests"),
        ActionKind::ProposeStructureChange => Action::ProposeStructureChange {
            proposal_id: "freeze".into(),
            change: crate::structure::StructureChange::FreezeNumbering,
        },
        ActionKind::AgreeStructureChange => crate::structure_tests::agree_freeze(),
    }
}

/// What `role` got attempting an act of `kind` is what the role table says: the act recorded
/// where it permits it, refused by name where it does not.
fn assert_role_table_enforced(role: Role, kind: ActionKind, result: Decision) {
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
            assert_role_table_enforced(
                role,
                kind,
                state.decide_as_claimed(&command(&actor, action)),
            );
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
        amended_by: Some("CIV".into()),
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
        expect_refusal(
            negotiating(),
            CIV_HEAD,
            agree(bad.to_string()),
            NegotiationError::NotASha256 {
                field: "text hash",
                value: bad.to_string(),
            },
        );
    }
}

#[test]
fn a_withdrawn_clause_id_is_not_proposed_again() {
    expect_refusal(
        art1_withdrawn(),
        CIV_NEGOTIATOR,
        propose("art-1", "fr", "Texte"),
        NegotiationError::ClauseWithdrawn("art-1".into()),
    );
}

// ---- Checked replay ------------------------------------------------------------------------

#[test]
fn checked_replay_refuses_an_event_for_a_clause_never_proposed() {
    let events = followed_by(negotiating(), [agreed("art-9", "CIV", art1_hash())]);
    let (index, refusal) = Negotiation::replay_checked(&events).unwrap_err();
    assert_eq!(index, events.len() - 1);
    assert_eq!(
        refusal,
        ReplayError::UnknownClause {
            clause_id: "art-9".into()
        }
    );
    assert_eq!(
        refusal.to_string(),
        "it names clause 'art-9', which no earlier event proposed"
    );
}

#[test]
fn checked_replay_refuses_a_second_opening_and_anything_before_the_first() {
    assert_eq!(
        Negotiation::replay_checked(&[opened(), opened()]),
        Err((
            1,
            ReplayError::AlreadyOpened {
                negotiation_id: "civ-mar-tip".into()
            }
        ))
    );
    let (index, refusal) = Negotiation::replay_checked(&[art1_proposed(), opened()]).unwrap_err();
    assert_eq!(
        (index, &refusal),
        (
            0,
            &ReplayError::NotOpened {
                event: "ClauseProposed"
            }
        )
    );
    assert_eq!(
        refusal.to_string(),
        "it records ClauseProposed before any event opened the negotiation"
    );
}

#[test]
fn checked_replay_refuses_events_naming_what_no_earlier_event_created() {
    use crate::lifecycle::tests::{date, in_force};
    use crate::matrices::tests::matrix_history;
    use crate::rounds::tests::round_opened;

    let row_agreed = |row_id: &str| NegotiationEvent::RowAgreed {
        matrix_id: "mx-protection".into(),
        row_id: row_id.into(),
        party: "CIV".into(),
        row_hash: art1_hash(),
    };
    let matrix_created = NegotiationEvent::MatrixCreated {
        matrix_id: "mx-protection".into(),
        title: "Protection".into(),
    };
    let revision_opened = NegotiationEvent::RevisionOpened {
        revision: 1,
        base_revision: 0,
        base_text_root_hash: art1_hash(),
        opened_on: date("2026-06-01"),
        reason: "Révision".into(),
    };
    let cases = [
        (
            negotiating(),
            row_agreed("r1"),
            ReplayError::UnknownMatrix {
                matrix_id: "mx-protection".into(),
            },
        ),
        (
            matrix_history(false, false),
            row_agreed("r9"),
            ReplayError::UnknownRow {
                matrix_id: "mx-protection".into(),
                row_id: "r9".into(),
            },
        ),
        (
            matrix_history(false, false),
            matrix_created,
            ReplayError::MatrixExists {
                matrix_id: "mx-protection".into(),
            },
        ),
        (
            negotiating(),
            NegotiationEvent::RoundClosed {
                round_id: "round-1".into(),
            },
            ReplayError::UnknownRound {
                round_id: "round-1".into(),
            },
        ),
        (
            followed_by(negotiating(), [round_opened()]),
            round_opened(),
            ReplayError::RoundExists {
                round_id: "round-1".into(),
            },
        ),
        (
            negotiating(),
            revision_opened.clone(),
            ReplayError::NoTextInForce { revision: 1 },
        ),
        (
            in_force(),
            NegotiationEvent::RevisionAbandoned {
                revision: 1,
                reason: "Abandon".into(),
            },
            ReplayError::NoRevisionToAbandon { revision: 1 },
        ),
        (
            in_force(),
            NegotiationEvent::CorrectionAgreed {
                correction_id: "corr-9".into(),
                party: "MAR".into(),
                text_hash: art1_hash(),
            },
            ReplayError::UnknownCorrection {
                correction_id: "corr-9".into(),
            },
        ),
        (
            in_force(),
            NegotiationEvent::TextCorrected {
                correction_id: "corr-9".into(),
                previous_text_root_hash: art1_hash(),
                text_root_hash: art1_hash(),
            },
            ReplayError::UnknownCorrection {
                correction_id: "corr-9".into(),
            },
        ),
        (
            negotiating(),
            art1_proposed(),
            ReplayError::ClauseExists {
                clause_id: "art-1".into(),
            },
        ),
        (
            negotiating(),
            NegotiationEvent::AlternativeChosen {
                clause_id: "art-1".into(),
                label: "B".into(),
                base_text_hash: art1_hash(),
                text_hash: art1_hash(),
            },
            ReplayError::UnknownAlternative {
                clause_id: "art-1".into(),
                label: "B".into(),
            },
        ),
        (
            negotiating(),
            NegotiationEvent::ConcordanceVerified {
                clause_id: "art-1".into(),
                language: "en".into(),
                text_hash: art1_hash(),
                source_text_hash: art1_hash(),
                party: "CIV".into(),
            },
            ReplayError::UnknownTranslation {
                clause_id: "art-1".into(),
                language: "en".into(),
            },
        ),
        (
            negotiating(),
            NegotiationEvent::SignatureConfirmed {
                party: "CIV".into(),
                confirmed_on: date("2026-02-01"),
            },
            ReplayError::UnknownSignature {
                party: "CIV".into(),
            },
        ),
        (
            in_force(),
            NegotiationEvent::OperationResumed {
                party: "CIV".into(),
                from: date("2026-06-01"),
            },
            ReplayError::NoRunningSuspension,
        ),
    ];
    for (before, event, refusal) in cases {
        let name = event.name();
        let mut state = Negotiation::replay(&before);
        let unchanged = state.clone();
        assert_eq!(
            state.apply_checked(event.clone()),
            Err(refusal.clone()),
            "{name}"
        );
        assert_eq!(state, unchanged, "{name}: a refused event changes nothing");
        let events = followed_by(before, [event]);
        assert_eq!(
            Negotiation::replay_checked(&events),
            Err((events.len() - 1, refusal)),
            "{name}"
        );
    }
    // The same events in their place replay.
    let revised = followed_by(in_force(), [revision_opened]);
    assert!(Negotiation::replay_checked(&revised).is_ok());
}

#[test]
fn checked_replay_of_the_ledgers_events_is_their_replay() {
    for events in [
        crate::lifecycle::tests::in_force(),
        crate::matrices::tests::matrix_history(true, true),
    ] {
        assert_eq!(
            Negotiation::replay_checked(&events),
            Ok(Negotiation::replay(&events))
        );
    }
}

#[test]
#[should_panic(expected = "invariant: the domain only applies events it decided or verified")]
fn the_aggregate_treats_an_event_that_cannot_follow_as_a_broken_invariant() {
    let mut state = Negotiation::replay(&negotiating());
    cqrs_es::Aggregate::apply(&mut state, agreed("art-9", "CIV", art1_hash()));
}

// ---- Who may speak for a party: the operator's register, and acceptance --------------------

/// The operator's register: each founder of `open_action()` bound to their party under a name
/// of the register's own, and a negotiator of each side.
fn register() -> Register {
    let mut register = Register::default();
    for (person, name, party) in [
        (CIV_HEAD, "Amina Koné", "CIV"),
        (MAR_HEAD, "Youssef Benali", "MAR"),
        (IOM_SECRETARIAT, "IOM Secretariat", "IOM"),
        (CIV_NEGOTIATOR, "Koffi Yao", "CIV"),
        (MAR_NEGOTIATOR, "Salma Idrissi", "MAR"),
    ] {
        register.bind(person, name, [party.to_string()]);
    }
    register
}

/// `open_action()` with no names given for its persons: the register names them.
fn open_unnamed() -> Action {
    with_open(|action| {
        if let Action::OpenNegotiation {
            parties,
            facilitator,
            ..
        } = action
        {
            for party in parties {
                party.head_of_delegation.name.clear();
            }
            if let Some(facilitator) = facilitator {
                facilitator.secretariat.name.clear();
            }
        }
    })
}

fn with_unnamed(change: impl FnOnce(&mut Action)) -> Action {
    let mut action = open_unnamed();
    change(&mut action);
    action
}

fn decided_with_register(
    given: &[NegotiationEvent],
    actor: &str,
    action: Action,
) -> Result<Vec<NegotiationEvent>, NegotiationError> {
    state_of(given).decide(&command(actor, action), &register())
}

#[test]
fn an_opening_records_the_registers_names() {
    let events = decided_with_register(&[], CIV_HEAD, open_unnamed()).unwrap();
    let NegotiationEvent::NegotiationOpened {
        parties,
        facilitator,
        awaiting_acceptance,
        ..
    } = &events[0]
    else {
        panic!("an opening: {events:?}");
    };
    let heads: Vec<&str> = parties
        .iter()
        .map(|p| p.head_of_delegation.name.as_str())
        .collect();
    assert_eq!(heads, ["Amina Koné", "Youssef Benali"]);
    assert_eq!(
        facilitator.as_ref().unwrap().secretariat.name,
        "IOM Secretariat"
    );
    assert_eq!(awaiting_acceptance, &["MAR", "IOM"]);
    // Giving the registered name records the same opening.
    let mut named = open_unnamed();
    if let Action::OpenNegotiation { parties, .. } = &mut named {
        parties[0].head_of_delegation.name = "Amina Koné".into();
    }
    assert_eq!(decided_with_register(&[], CIV_HEAD, named), Ok(events));
}

#[test]
fn a_state_is_not_impersonated_at_opening() {
    // A Côte d'Ivoire negotiator names himself head of Morocco's delegation.
    let impersonation = with_unnamed(|action| {
        if let Action::OpenNegotiation { parties, .. } = action {
            parties[1].head_of_delegation.person = CIV_NEGOTIATOR.into();
            parties[1].head_of_delegation.name.clear();
        }
    });
    assert_eq!(
        decided_with_register(&[], CIV_NEGOTIATOR, impersonation),
        Err(NegotiationError::NotBoundToParty {
            person: CIV_NEGOTIATOR.into(),
            party: "MAR".into(),
        })
    );
    // A person the register does not know names himself head of France's delegation.
    let unregistered = with_unnamed(|action| {
        if let Action::OpenNegotiation { parties, .. } = action {
            parties[1] = Party::new("FRA", "France", "intruder", "");
        }
    });
    assert_eq!(
        decided_with_register(&[], "intruder", unregistered),
        Err(NegotiationError::NotRegistered {
            person: "intruder".into(),
        })
    );
    // A real head may not name someone unbound as the facilitator's secretariat either.
    let secretariat = with_unnamed(|action| {
        if let Action::OpenNegotiation { facilitator, .. } = action {
            facilitator.as_mut().unwrap().secretariat = PersonName {
                person: MAR_NEGOTIATOR.into(),
                name: String::new(),
            };
        }
    });
    assert_eq!(
        decided_with_register(&[], CIV_HEAD, secretariat),
        Err(NegotiationError::NotBoundToParty {
            person: MAR_NEGOTIATOR.into(),
            party: "IOM".into(),
        })
    );
}

#[test]
fn a_name_other_than_the_registers_is_refused() {
    let misnamed = with_open(|action| {
        if let Action::OpenNegotiation { parties, .. } = action {
            parties[1].head_of_delegation.name = "Ambassador of Morocco".into();
        }
    });
    let refusal = NegotiationError::NameDiffersFromRegister {
        person: MAR_HEAD.into(),
        given: "Ambassador of Morocco".into(),
        registered: "Youssef Benali".into(),
    };
    assert!(refusal.to_string().contains("'Youssef Benali'"));
    // CIV's head was given a name too ("Head of Côte d'Ivoire"): the first founder is refused.
    assert_eq!(
        decided_with_register(&[], CIV_HEAD, misnamed),
        Err(NegotiationError::NameDiffersFromRegister {
            person: CIV_HEAD.into(),
            given: "Head of Côte d'Ivoire".into(),
            registered: "Amina Koné".into(),
        })
    );
    let misnamed_delegate = Action::AccreditDelegate {
        person: CIV_NEGOTIATOR.into(),
        name: "K. Yao".into(),
        party: "CIV".into(),
        role: Role::Negotiator,
        signing: None,
    };
    assert_eq!(
        decided_with_register(&[opened()], CIV_HEAD, misnamed_delegate),
        Err(NegotiationError::NameDiffersFromRegister {
            person: CIV_NEGOTIATOR.into(),
            given: "K. Yao".into(),
            registered: "Koffi Yao".into(),
        })
    );
}

#[test]
fn only_a_person_bound_to_the_party_is_accredited_for_it() {
    let accredit_unnamed = |person: &str| Action::AccreditDelegate {
        person: person.into(),
        name: String::new(),
        party: "CIV".into(),
        role: Role::Negotiator,
        signing: None,
    };
    assert_eq!(
        decided_with_register(&[opened()], CIV_HEAD, accredit_unnamed(MAR_NEGOTIATOR)),
        Err(NegotiationError::NotBoundToParty {
            person: MAR_NEGOTIATOR.into(),
            party: "CIV".into(),
        })
    );
    assert_eq!(
        decided_with_register(&[opened()], CIV_HEAD, accredit_unnamed("nobody.known")),
        Err(NegotiationError::NotRegistered {
            person: "nobody.known".into(),
        })
    );
    assert_eq!(
        decided_with_register(&[opened()], CIV_HEAD, accredit_unnamed(CIV_NEGOTIATOR)),
        Ok(vec![NegotiationEvent::DelegateAccredited {
            delegate: Delegate {
                person: CIV_NEGOTIATOR.into(),
                name: "Koffi Yao".into(),
                party: "CIV".into(),
                role: Role::Negotiator,
                signing: None,
            },
        }])
    );
}

#[test]
fn a_party_awaiting_acceptance_may_only_accept() {
    let given = vec![opened_awaiting(&["MAR", "IOM"])];
    let awaiting = |party: &str| NegotiationError::AwaitingAcceptance {
        party: party.into(),
    };
    expect_refusal(
        given.clone(),
        MAR_HEAD,
        propose("art-9", "fr", "Texte"),
        awaiting("MAR"),
    );
    expect_refusal(
        given.clone(),
        MAR_HEAD,
        accredit(MAR_NEGOTIATOR, "MAR", Role::Negotiator),
        awaiting("MAR"),
    );
    expect_refusal(
        given.clone(),
        IOM_SECRETARIAT,
        comment(None, "Bienvenue", false),
        awaiting("IOM"),
    );
    // The opener's side prepares the text meanwhile.
    expect_events(
        given.clone(),
        CIV_HEAD,
        propose("art-9", "fr", "Texte"),
        vec![NegotiationEvent::ClauseProposed {
            clause_id: "art-9".into(),
            kind: ClauseKind::Article,
            heading: "Définitions".into(),
            language: "fr".into(),
            text: "Texte".into(),
            text_hash: clause_text_hash("Définitions", "fr", "Texte"),
            proposed_by: "CIV".into(),
        }],
    );
}

#[test]
fn the_named_head_accepts_and_their_party_then_acts() {
    let given = vec![opened_awaiting(&["MAR", "IOM"])];
    let accepted = NegotiationEvent::NegotiationAccepted {
        party: "MAR".into(),
    };
    expect_events(
        given.clone(),
        MAR_HEAD,
        Action::AcceptNegotiation,
        vec![accepted.clone()],
    );
    expect_events(
        given.clone(),
        IOM_SECRETARIAT,
        Action::AcceptNegotiation,
        vec![NegotiationEvent::NegotiationAccepted {
            party: "IOM".into(),
        }],
    );
    let after = followed_by(given.clone(), [accepted]);
    assert!(!state_of(&after).is_awaiting_acceptance("MAR"));
    assert_eq!(
        state_of(&after).awaiting_acceptance().collect::<Vec<_>>(),
        ["IOM"]
    );
    expect_events(
        after.clone(),
        MAR_HEAD,
        accredit(MAR_NEGOTIATOR, "MAR", Role::Negotiator),
        vec![NegotiationEvent::DelegateAccredited {
            delegate: Delegate {
                person: MAR_NEGOTIATOR.into(),
                name: "Fatou Traoré".into(),
                party: "MAR".into(),
                role: Role::Negotiator,
                signing: None,
            },
        }],
    );
    // Accepting is done once, by a party that was waiting, by its named head.
    expect_refusal(
        after,
        MAR_HEAD,
        Action::AcceptNegotiation,
        NegotiationError::NotAwaitingAcceptance {
            party: "MAR".into(),
        },
    );
    expect_refusal(
        given.clone(),
        CIV_HEAD,
        Action::AcceptNegotiation,
        NegotiationError::NotAwaitingAcceptance {
            party: "CIV".into(),
        },
    );
    expect_refusal(
        given,
        MAR_NEGOTIATOR,
        Action::AcceptNegotiation,
        NegotiationError::UnknownActor(MAR_NEGOTIATOR.into()),
    );
}

#[test]
fn no_adoption_before_every_party_has_accepted() {
    // Even with every clause agreed (by events no rule would have recorded), a party that has
    // not accepted adopts nothing.
    let mut given = crate::lifecycle::tests::ready();
    given[0] = opened_awaiting(&["MAR"]);
    let state = state_of(&given);
    let adopt = Action::AdoptText {
        text_root_hash: state.text_root_hash(),
    };
    expect_refusal(
        given,
        MAR_HEAD,
        adopt,
        NegotiationError::AwaitingAcceptance {
            party: "MAR".into(),
        },
    );
}

#[test]
fn an_opening_recorded_before_acceptance_leaves_every_party_taking_part() {
    // As stored by earlier versions: no `awaiting_acceptance` field.
    let old = serde_json::json!({"NegotiationOpened": {
        "negotiation_id": "civ-mar-tip",
        "title": "MoU",
        "instrument_kind": "mou",
        "parties": [
            {"code": "CIV", "name": "Côte d'Ivoire",
             "head_of_delegation": {"person": CIV_HEAD, "name": "Amina Koné"}},
            {"code": "MAR", "name": "Maroc",
             "head_of_delegation": {"person": MAR_HEAD, "name": "Youssef Benali"}}
        ],
        "facilitator": null,
        "languages": ["fr"]
    }});
    let event: NegotiationEvent = serde_json::from_value(old.clone()).unwrap();
    // Written back byte for byte as before, so its hash in the chain is unchanged.
    assert_eq!(serde_json::to_value(&event).unwrap(), old);
    let state = state_of(&[event]);
    assert_eq!(state.awaiting_acceptance().count(), 0);
    assert!(state
        .decide_as_claimed(&command(MAR_HEAD, propose("art-1", "fr", "Texte")))
        .is_ok());
}

#[test]
fn an_acceptance_that_cannot_follow_is_a_replay_finding() {
    let accepted = NegotiationEvent::NegotiationAccepted {
        party: "MAR".into(),
    };
    assert_eq!(
        Negotiation::replay_checked(&[opened(), accepted.clone()]),
        Err((
            1,
            ReplayError::NotAwaitingAcceptance {
                party: "MAR".into()
            }
        ))
    );
    assert!(Negotiation::replay_checked(&[opened_awaiting(&["MAR"]), accepted]).is_ok());
}

#[test]
fn commands_name_the_persons_the_register_is_asked_about() {
    assert_eq!(
        command(CIV_HEAD, open_action()).named_persons(),
        [CIV_HEAD, MAR_HEAD, IOM_SECRETARIAT]
    );
    assert_eq!(
        command(CIV_HEAD, accredit(CIV_NEGOTIATOR, "CIV", Role::Negotiator)).named_persons(),
        [CIV_NEGOTIATOR]
    );
    assert!(command(CIV_HEAD, Action::AcceptNegotiation)
        .named_persons()
        .is_empty());
}

#[test]
fn an_acceptance_carries_nothing_else() {
    let read = |value| serde_json::from_value::<Action>(value);
    assert_eq!(
        read(serde_json::json!({"type": "accept-negotiation"})).unwrap(),
        Action::AcceptNegotiation
    );
    let refusal = read(serde_json::json!({"type": "accept-negotiation", "party": "MAR"}))
        .unwrap_err()
        .to_string();
    assert!(refusal.contains("party"), "{refusal}");
}

/// `open_action()` giving the title in Arabic and each party's name in `language`.
fn open_in_languages(language: &str, title: &str, name: &str) -> Action {
    with_open(|a| {
        if let Action::OpenNegotiation {
            titles, parties, ..
        } = a
        {
            titles.insert(language.into(), title.into());
            for party in parties {
                party.names.insert(language.into(), name.into());
            }
        }
    })
}

#[test]
fn an_opening_records_titles_and_party_names_in_authentic_languages_only() {
    let action = open_in_languages("ar", "مذكرة تفاهم", "المملكة المغربية");
    let events = state_of(&[])
        .decide_as_claimed(&command(CIV_HEAD, action))
        .unwrap();
    let NegotiationEvent::NegotiationOpened {
        titles, parties, ..
    } = &events[0]
    else {
        panic!("an opening: {events:?}");
    };
    assert_eq!(titles["ar"], "مذكرة تفاهم");
    assert_eq!(parties[1].name_in("ar"), "المملكة المغربية");
    assert_eq!(parties[1].name_in("fr"), "Kingdom of Morocco");
    let state = state_of(&events);
    assert_eq!(state.titles().unwrap()["ar"], "مذكرة تفاهم");
    let not_authentic = NegotiationError::NotAuthenticLanguage {
        language: "en".into(),
        authentic: "fr, ar".into(),
    };
    let cases = [
        (
            open_in_languages("en", "MoU", "Morocco"),
            not_authentic.clone(),
        ),
        (
            with_open(|a| {
                if let Action::OpenNegotiation { parties, .. } = a {
                    parties[0].names.insert("en".into(), "Côte d'Ivoire".into());
                }
            }),
            not_authentic,
        ),
        (
            open_in_languages("ar", &"ع".repeat(MAX_TITLE_BYTES), "المغرب"),
            NegotiationError::TitleTooLong {
                bytes: 2 * MAX_TITLE_BYTES,
                max_title_bytes: MAX_TITLE_BYTES,
            },
        ),
        (
            open_in_languages("ar", "مذكرة", " "),
            NegotiationError::Empty {
                field: "party name",
            },
        ),
    ];
    for (action, error) in cases {
        expect_refusal(vec![], CIV_HEAD, action, error);
    }
}

#[test]
fn an_opening_without_titles_or_names_keeps_its_recorded_shape() {
    let json = serde_json::to_value(opened()).unwrap();
    let fields = &json["NegotiationOpened"];
    assert!(fields.get("titles").is_none());
    assert!(fields["parties"][0].get("names").is_none());
}
