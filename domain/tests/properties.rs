//! Property tests: random sequences of commands from random actors, each resolved against the
//! current state so that many are valid and many are not. After every accepted command the
//! invariants of the negotiation are checked from the event log, independently of the rules
//! that produced it:
//! - a party's signed text never changes (except by a correction every party agreed, which keeps
//!   the signed root on record);
//! - nothing is agreed that some party has not agreed in that exact wording;
//! - no one acts for another party;
//! - entry into force never precedes the last required consent;
//! - every live clause has exactly one number per language, unique among its kind, and the
//!   articles' numbers are dense in document order unless the parties froze the numbering.
//!
//! Runs include corrections of the authenticated text and revisions of the text in force, and the
//! test asserts they reach them.
//!
//! The events of such runs, shuffled, cut and mixed with foreign events, are then replayed with
//! `Negotiation::replay_checked`, as a verifier replays an untrusted bundle: it never panics.
//!
//! The tests fold events with the inherent `apply_checked`, so they run without the `cqrs` feature.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use ed25519_dalek::{Signer, SigningKey};
use pacta_domain::{
    Action, ClauseKind, ClauseNumber, ClauseStatus, ConsentMode, Delegate, FullPowers,
    InstrumentKind, Negotiation, NegotiationCommand, NegotiationEvent, Party, Position, Register,
    Role, RoundKind, RowContent, SignatureCapacity, SigningAuthority, SigningMessage,
    StructureChange,
};
use proptest::prelude::*;
use proptest::sample::Index;

const NEGOTIATION: &str = "prop-neg";
const CLAUSES: [&str; 3] = ["a1", "a2", "a3"];
const LANGUAGES: [&str; 3] = ["fr", "ar", "en"];
const TEXTS: [&str; 3] = ["Texte un.", "Texte deux.", "Texte trois."];
const LABELS: [&str; 3] = ["A", "B", "C"];

/// (person, party, role, signing key seed)
const CAST: &[(&str, &str, Role, Option<u8>)] = &[
    ("civ.head", "CIV", Role::HeadOfDelegation, None),
    ("mar.head", "MAR", Role::HeadOfDelegation, None),
    ("civ.neg", "CIV", Role::Negotiator, None),
    ("mar.neg", "MAR", Role::Negotiator, None),
    ("civ.ling", "CIV", Role::LegalLinguist, None),
    ("mar.ling", "MAR", Role::LegalLinguist, None),
    ("civ.sign", "CIV", Role::Signatory, Some(1)),
    ("mar.sign", "MAR", Role::Signatory, Some(2)),
    ("civ.auth", "CIV", Role::CompetentAuthority, None),
    ("mar.auth", "MAR", Role::CompetentAuthority, None),
    ("iom.obs", "IOM", Role::Observer, None),
    ("stranger", "XXX", Role::Auditor, None),
];

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

/// `decide` with the register each command claims: these runs are about the rules of
/// negotiation, and their cast is the register.
fn decide(
    state: &Negotiation,
    command: &NegotiationCommand,
) -> Result<Vec<NegotiationEvent>, pacta_domain::NegotiationError> {
    state.decide(command, &Register::claimed_by(command))
}

fn start(kind: InstrumentKind) -> Vec<NegotiationEvent> {
    let mut events = vec![NegotiationEvent::NegotiationOpened {
        negotiation_id: NEGOTIATION.into(),
        title: "Propriétés".into(),
        titles: Default::default(),
        instrument_kind: kind,
        parties: vec![
            Party::new("CIV", "Côte d'Ivoire", "civ.head", "Chef CIV"),
            Party::new("MAR", "Maroc", "mar.head", "Chef MAR"),
        ],
        facilitator: Some(pacta_domain::Facilitator {
            code: "IOM".into(),
            name: "OIM".into(),
            secretariat: pacta_domain::PersonName {
                person: "iom.sec".into(),
                name: "Secrétariat".into(),
            },
        }),
        languages: vec!["fr".into(), "ar".into()],
        language_responsibility: Default::default(),
        entry_into_force_rule: Some(kind.default_entry_into_force_rule()),
        termination_notice_months: Some(6),
        provisional_application: false,
        // Every party takes part from the start, as in openings recorded before acceptance.
        awaiting_acceptance: vec![],
        legal_effect: None,
        arabic_article_numbering: Default::default(),
    }];
    for (person, party, role, seed) in CAST.iter().skip(2) {
        if *party == "XXX" {
            continue;
        }
        events.push(NegotiationEvent::DelegateAccredited {
            delegate: Delegate {
                person: person.to_string(),
                name: person.to_string(),
                party: party.to_string(),
                role: *role,
                signing: seed.map(|s| SigningAuthority {
                    public_key: hex::encode(key(s).verifying_key().to_bytes()),
                    full_powers: Some(FullPowers {
                        reference: "FP".into(),
                        document_hash: "cd".repeat(32),
                    }),
                    ex_officio: false,
                }),
            },
        });
    }
    events
}

/// A command's intent, resolved against the state when it is performed.
#[derive(Clone, Debug)]
enum Intent {
    Propose {
        clause: usize,
        language: usize,
        text: usize,
    },
    Amend {
        clause: usize,
        language: usize,
        text: usize,
        current: bool,
    },
    Agree {
        clause: usize,
        current: bool,
        ad_referendum: bool,
    },
    Bracket {
        clause: usize,
        label: usize,
        text: usize,
    },
    State {
        clause: usize,
        position: usize,
    },
    Choose {
        clause: usize,
        label: usize,
        current: bool,
    },
    ConfirmAgreement {
        clause: usize,
    },
    Reopen {
        clause: usize,
    },
    Translate {
        clause: usize,
        text: usize,
        current: bool,
    },
    Verify {
        clause: usize,
        current: bool,
    },
    Withdraw {
        clause: usize,
    },
    Adopt {
        current: bool,
    },
    Initial {
        current: bool,
    },
    Sign {
        capacity: usize,
        right_key: bool,
        current: bool,
        day: u64,
    },
    Confirm {
        day: u64,
    },
    Consent {
        day: u64,
    },
    /// Correct the reference wording of a clause of the authenticated text (art. 79).
    Correct {
        clause: usize,
        text: usize,
        current: bool,
    },
    /// Agree to the first correction still pending.
    AgreeCorrection {
        current: bool,
    },
    /// Open a revision of the text in force.
    Revise {
        day: u64,
    },
    /// Propose a clause placed right after (or before) another.
    ProposePlaced {
        clause: usize,
        other: usize,
        before: bool,
        text: usize,
    },
    /// Propose moving a clause right after (or before) another.
    Move {
        clause: usize,
        other: usize,
        before: bool,
    },
    /// Propose freezing the numbering of the articles.
    Freeze,
    /// Agree the last structure change proposed.
    AgreeStructure,
    /// Whatever act would move the negotiation forward now, by whoever is entitled to it.
    Progress {
        day: u64,
        capacity: usize,
    },
}

fn intent() -> impl Strategy<Value = Intent> {
    let c = 0..CLAUSES.len();
    let l = 0..LANGUAGES.len();
    let t = 0..TEXTS.len();
    prop_oneof![
        (c.clone(), l.clone(), t.clone()).prop_map(|(clause, language, text)| Intent::Propose {
            clause,
            language,
            text
        }),
        (c.clone(), l, t.clone(), any::<bool>()).prop_map(|(clause, language, text, current)| {
            Intent::Amend {
                clause,
                language,
                text,
                current,
            }
        }),
        (c.clone(), prop::bool::weighted(0.8)).prop_map(|(clause, current)| Intent::Agree {
            clause,
            current,
            ad_referendum: false
        }),
        (c.clone(), prop::bool::weighted(0.8)).prop_map(|(clause, current)| Intent::Agree {
            clause,
            current,
            ad_referendum: true
        }),
        (c.clone(), 0..3usize, 0..3usize).prop_map(|(clause, label, text)| Intent::Bracket {
            clause,
            label,
            text
        }),
        (c.clone(), 0..6usize).prop_map(|(clause, position)| Intent::State { clause, position }),
        (c.clone(), 0..3usize, prop::bool::weighted(0.8)).prop_map(|(clause, label, current)| {
            Intent::Choose {
                clause,
                label,
                current,
            }
        }),
        c.clone()
            .prop_map(|clause| Intent::ConfirmAgreement { clause }),
        c.clone().prop_map(|clause| Intent::Reopen { clause }),
        (c.clone(), t.clone(), prop::bool::weighted(0.8)).prop_map(|(clause, text, current)| {
            Intent::Translate {
                clause,
                text,
                current,
            }
        }),
        (c.clone(), prop::bool::weighted(0.8))
            .prop_map(|(clause, current)| Intent::Verify { clause, current }),
        c.clone().prop_map(|clause| Intent::Withdraw { clause }),
        prop::bool::weighted(0.8).prop_map(|current| Intent::Adopt { current }),
        prop::bool::weighted(0.8).prop_map(|current| Intent::Initial { current }),
        (
            0..3usize,
            prop::bool::weighted(0.8),
            prop::bool::weighted(0.8),
            0..60u64
        )
            .prop_map(|(capacity, right_key, current, day)| Intent::Sign {
                capacity,
                right_key,
                current,
                day
            }),
        (0..60u64).prop_map(|day| Intent::Confirm { day }),
        (0..60u64).prop_map(|day| Intent::Consent { day }),
        (0..CLAUSES.len(), 0..TEXTS.len(), prop::bool::weighted(0.8)).prop_map(
            |(clause, text, current)| Intent::Correct {
                clause,
                text,
                current
            }
        ),
        prop::bool::weighted(0.8).prop_map(|current| Intent::AgreeCorrection { current }),
        (0..60u64).prop_map(|day| Intent::Revise { day }),
        (c.clone(), c.clone(), any::<bool>(), t.clone()).prop_map(
            |(clause, other, before, text)| {
                Intent::ProposePlaced {
                    clause,
                    other,
                    before,
                    text,
                }
            }
        ),
        // Freezing is rarer than moving: once frozen, no article moves for the rest of the run.
        (
            c.clone(),
            c.clone(),
            any::<bool>(),
            prop::bool::weighted(0.2)
        )
            .prop_map(|(clause, other, before, freeze)| if freeze {
                Intent::Freeze
            } else {
                Intent::Move {
                    clause,
                    other,
                    before,
                }
            }),
        Just(Intent::AgreeStructure),
        (0..60u64, 0..3usize).prop_map(|(day, capacity)| Intent::Progress { day, capacity }),
        (0..60u64, 0..3usize).prop_map(|(day, capacity)| Intent::Progress { day, capacity }),
        (0..60u64, 0..3usize).prop_map(|(day, capacity)| Intent::Progress { day, capacity }),
    ]
}

/// One generated step: mostly by someone entitled to the act (`natural`), for one side or the
/// other (`moroccan`); otherwise by anyone in the cast (`who`).
type Step = (bool, bool, usize, Intent);

fn step() -> impl Strategy<Value = Step> {
    (
        prop::bool::weighted(0.85),
        any::<bool>(),
        0..CAST.len(),
        intent(),
    )
}

fn instrument_kind() -> impl Strategy<Value = InstrumentKind> {
    prop_oneof![
        Just(InstrumentKind::Treaty),
        Just(InstrumentKind::Agreement),
        Just(InstrumentKind::Mou),
        Just(InstrumentKind::ExchangeOfNotes),
    ]
}

/// The command a step stands for in `state`.
fn command_for(state: &Negotiation, kind: InstrumentKind, step: Step) -> NegotiationCommand {
    let (natural, moroccan, who, intent) = step;
    let (actor, intent) = match intent {
        Intent::Progress { day, capacity } => progress(state, kind, day, capacity),
        intent if natural => (natural_actor(&intent, moroccan), intent),
        intent => (CAST[who].0, intent),
    };
    NegotiationCommand {
        actor: actor.into(),
        action: resolve(state, actor, &intent),
        took_place: None,
    }
}

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .checked_add_days(Days::new(offset))
        .unwrap()
}

/// Revisions open from this many days after the start, after any entry into force the runs reach,
/// and their acts are dated after them.
const REVISION_DAY: u64 = 400;

const STALE: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn resolve(state: &Negotiation, actor: &str, intent: &Intent) -> Action {
    let clause_hash = |clause: usize, current: bool| match (state.clause(CLAUSES[clause]), current)
    {
        (Some(c), true) => c.text_hash.clone(),
        _ => STALE.to_string(),
    };
    let root = |current: bool| {
        if current {
            state.text_root_hash()
        } else {
            STALE.to_string()
        }
    };
    match intent.clone() {
        Intent::Propose {
            clause,
            language,
            text,
        } => Action::ProposeClause {
            clause_id: CLAUSES[clause].into(),
            kind: ClauseKind::Article,
            heading: String::new(),
            language: LANGUAGES[language].into(),
            text: TEXTS[text].into(),
            after: None,
            before: None,
        },
        Intent::Amend {
            clause,
            language,
            text,
            current,
        } => Action::AmendClause {
            clause_id: CLAUSES[clause].into(),
            base_text_hash: clause_hash(clause, current),
            heading: Some(String::new()),
            language: LANGUAGES[language].into(),
            text: TEXTS[text].into(),
        },
        Intent::Agree {
            clause,
            current,
            ad_referendum,
        } => Action::AgreeClause {
            clause_id: CLAUSES[clause].into(),
            text_hash: clause_hash(clause, current),
            ad_referendum,
        },
        Intent::Bracket {
            clause,
            label,
            text,
        } => Action::ProposeAlternative {
            clause_id: CLAUSES[clause].into(),
            label: LABELS[label].into(),
            heading: Some(String::new()),
            language: "fr".into(),
            text: format!("{} [variante {}]", TEXTS[text], LABELS[label]),
        },
        Intent::State { clause, position } => Action::StatePosition {
            clause_id: CLAUSES[clause].into(),
            position: match position {
                0 => Position::Accept,
                1 => Position::Reject,
                2 => Position::Reserve,
                n => Position::Alternative {
                    label: LABELS[n - 3].into(),
                },
            },
            rationale: "Motif".into(),
        },
        Intent::Choose {
            clause,
            label,
            current,
        } => Action::ChooseAlternative {
            clause_id: CLAUSES[clause].into(),
            label: LABELS[label].into(),
            base_text_hash: clause_hash(clause, current),
        },
        Intent::ConfirmAgreement { clause } => Action::ConfirmClauseAgreement {
            clause_id: CLAUSES[clause].into(),
        },
        Intent::Reopen { clause } => Action::ReopenClause {
            clause_id: CLAUSES[clause].into(),
            reason: "Réouverture".into(),
        },
        Intent::Translate {
            clause,
            text,
            current,
        } => {
            let language = state.clause(CLAUSES[clause]).map_or("ar", |c| {
                if c.language == "fr" {
                    "ar"
                } else {
                    "fr"
                }
            });
            Action::TranslateClause {
                clause_id: CLAUSES[clause].into(),
                language: language.into(),
                heading: String::new(),
                text: format!("{} ({language})", TEXTS[text]),
                source_text_hash: clause_hash(clause, current),
            }
        }
        Intent::Verify { clause, current } => {
            let (language, hash) = state
                .clause(CLAUSES[clause])
                .and_then(|c| {
                    c.translations
                        .iter()
                        .next()
                        .map(|(l, t)| (l.clone(), t.text_hash.clone()))
                })
                .unwrap_or(("ar".into(), STALE.into()));
            Action::VerifyConcordance {
                clause_id: CLAUSES[clause].into(),
                language,
                text_hash: if current { hash } else { STALE.into() },
            }
        }
        Intent::Withdraw { clause } => Action::WithdrawClause {
            clause_id: CLAUSES[clause].into(),
            reason: "Retiré".into(),
        },
        Intent::Adopt { current } => Action::AdoptText {
            text_root_hash: root(current),
        },
        Intent::Initial { current } => Action::InitialText {
            text_root_hash: root(current),
        },
        Intent::Sign {
            capacity,
            right_key,
            current,
            day: d,
        } => {
            let capacity = [
                SignatureCapacity::Simple,
                SignatureCapacity::Definitive,
                SignatureCapacity::AdReferendum,
            ][capacity];
            let (party, seed) = CAST
                .iter()
                .find(|(p, ..)| *p == actor)
                .map_or(("XXX", 9), |(_, party, _, seed)| {
                    (*party, seed.unwrap_or(9))
                });
            let message = SigningMessage {
                negotiation_id: NEGOTIATION.into(),
                revision: state.revision(),
                text_root_hash: root(current),
                party: party.into(),
                signatory: actor.into(),
                capacity,
                ad_referendum: capacity == SignatureCapacity::AdReferendum,
                signed_on: day(d),
            };
            let signer = if right_key {
                key(seed)
            } else {
                key(seed.wrapping_add(100))
            };
            Action::SignInstrument {
                text_root_hash: root(current),
                capacity,
                signed_on: day(d),
                signature: hex::encode(signer.sign(&message.to_bytes()).to_bytes()),
                signatory_title: None,
                signatory_title_in: Default::default(),
                place_in: Default::default(),
            }
        }
        Intent::Confirm { day: d } => Action::ConfirmSignature {
            confirmed_on: day(d),
        },
        Intent::Consent { day: d } => Action::ExpressConsent {
            mode: ConsentMode::Ratification,
            on: day(d),
            instrument_reference: None,
            scan_sha256: None,
            transmitted_by: None,
        },
        Intent::Correct {
            clause,
            text,
            current,
        } => Action::ProposeCorrection {
            correction_id: format!("corr-{}-{}", state.revision(), state.corrections().count()),
            clause_id: CLAUSES[clause].into(),
            language: state
                .clause(CLAUSES[clause])
                .map_or("fr".into(), |c| c.language.clone()),
            base_text_hash: clause_hash(clause, current),
            heading: String::new(),
            text: format!("{} (corrigé)", TEXTS[text]),
            reason: "Erreur matérielle".into(),
        },
        Intent::AgreeCorrection { current } => {
            let pending = state.corrections().find(|(_, c)| c.superseded.is_none());
            let (correction_id, text_hash) = pending
                .map_or(("corr-0".into(), STALE.into()), |(id, c)| {
                    (id.clone(), c.text_hash.clone())
                });
            Action::AgreeCorrection {
                correction_id,
                text_hash: if current { text_hash } else { STALE.into() },
            }
        }
        Intent::Revise { day: d } => Action::OpenRevision {
            opened_on: day(REVISION_DAY + d),
            reason: "Révision".into(),
        },
        Intent::ProposePlaced {
            clause,
            other,
            before,
            text,
        } => Action::ProposeClause {
            clause_id: CLAUSES[clause].into(),
            kind: ClauseKind::Article,
            heading: String::new(),
            language: "fr".into(),
            text: TEXTS[text].into(),
            after: (!before).then(|| CLAUSES[other].into()),
            before: before.then(|| CLAUSES[other].into()),
        },
        Intent::Move {
            clause,
            other,
            before,
        } => Action::ProposeStructureChange {
            proposal_id: format!("p{}", state.structure_proposals().len()),
            change: StructureChange::Move {
                clause_id: CLAUSES[clause].into(),
                after: (!before).then(|| CLAUSES[other].into()),
                before: before.then(|| CLAUSES[other].into()),
            },
        },
        Intent::Freeze => Action::ProposeStructureChange {
            proposal_id: format!("p{}", state.structure_proposals().len()),
            change: StructureChange::FreezeNumbering,
        },
        Intent::AgreeStructure => Action::AgreeStructureChange {
            proposal_id: state
                .structure_proposals()
                .iter()
                .rev()
                .find(|(_, p)| {
                    !p.carried_out
                        && party_of(actor).is_none_or(|party| !p.agreed_by.contains(party))
                })
                .map_or_else(|| "p0".to_string(), |(id, _)| id.clone()),
        },
        Intent::Progress { .. } => unreachable!("progress is resolved to a concrete intent first"),
    }
}

/// The next act of a negotiation that goes well, and who performs it.
fn progress(
    state: &Negotiation,
    kind: InstrumentKind,
    day: u64,
    capacity: usize,
) -> (&'static str, Intent) {
    let sides = [("CIV", false), ("MAR", true)];
    let live = CLAUSES
        .iter()
        .position(|id| state.clause(id).is_some_and(|c| !c.withdrawn));
    let Some(clause) = live else {
        let free = CLAUSES.iter().position(|id| state.clause(id).is_none());
        return match free {
            Some(clause) => (
                "civ.neg",
                Intent::Propose {
                    clause,
                    language: 0,
                    text: 0,
                },
            ),
            None => ("iom.obs", Intent::Withdraw { clause: 0 }),
        };
    };
    if let Some((_, pending)) = state.corrections().find(|(_, c)| c.superseded.is_none()) {
        let linguist = if pending.agreed_by.contains("CIV") {
            "mar.ling"
        } else {
            "civ.ling"
        };
        return (linguist, Intent::AgreeCorrection { current: true });
    }
    let current = state.clause(CLAUSES[clause]).expect("live clause");
    let adopted = state.is_adopted();
    if let Some(label) = current.alternatives.keys().next() {
        let label = LABELS
            .iter()
            .position(|l| l == label)
            .expect("generated labels");
        return (
            "civ.head",
            Intent::Choose {
                clause,
                label,
                current: true,
            },
        );
    }
    if let Some(party) = current.agreed_ad_referendum.iter().next() {
        let head = if party == "MAR" {
            "mar.head"
        } else {
            "civ.head"
        };
        return (head, Intent::ConfirmAgreement { clause });
    }
    if !adopted {
        for (party, moroccan) in sides {
            if !current.agreed_by_party(party) {
                let head = if moroccan { "mar.head" } else { "civ.head" };
                return (
                    head,
                    Intent::Agree {
                        clause,
                        current: true,
                        ad_referendum: false,
                    },
                );
            }
        }
        let other = if current.language == "fr" { "ar" } else { "fr" };
        match current.translations.get(other) {
            Some(t) if t.source_text_hash == current.text_hash => {
                if t.concordance_verified_by.is_none() {
                    return (
                        "mar.ling",
                        Intent::Verify {
                            clause,
                            current: true,
                        },
                    );
                }
            }
            _ => {
                return (
                    "mar.ling",
                    Intent::Translate {
                        clause,
                        text: 2,
                        current: true,
                    },
                )
            }
        }
        for (party, moroccan) in sides {
            if state.adopted_by(party) != Some(state.text_root_hash().as_str()) {
                let head = if moroccan { "mar.head" } else { "civ.head" };
                return (head, Intent::Adopt { current: true });
            }
        }
    }
    // A revision's acts come after it was opened.
    let day = if state.revision() > 0 {
        day + 2 * REVISION_DAY
    } else {
        day
    };
    let capacity = match kind {
        InstrumentKind::Treaty => [0, 2, 0][capacity],
        InstrumentKind::Agreement => [1, 2, 1][capacity],
        InstrumentKind::Mou => capacity,
        InstrumentKind::ExchangeOfNotes => 1,
    };
    for (party, moroccan) in sides {
        let signatory = if moroccan { "mar.sign" } else { "civ.sign" };
        let authority = if moroccan { "mar.auth" } else { "civ.auth" };
        match state.signature(party) {
            None => {
                return (
                    signatory,
                    Intent::Sign {
                        capacity,
                        right_key: true,
                        current: true,
                        day,
                    },
                )
            }
            Some(s)
                if s.capacity == SignatureCapacity::AdReferendum && s.confirmed_on.is_none() =>
            {
                return (authority, Intent::Confirm { day: day + 60 })
            }
            Some(_) if kind == InstrumentKind::Treaty && state.consent(party).is_none() => {
                return (authority, Intent::Consent { day: day + 120 })
            }
            Some(_) => {}
        }
    }
    if state.revision_status() != pacta_domain::InstrumentStatus::Negotiating && capacity == 2 {
        // Signed by all: sometimes a correction, once in force sometimes a revision.
        return (
            "civ.ling",
            Intent::Correct {
                clause,
                text: day as usize % TEXTS.len(),
                current: true,
            },
        );
    }
    ("mar.head", Intent::Revise { day })
}

/// The person whose role fits an intent, for one side or the other: most steps are attempted by
/// someone entitled to them, so runs reach adoption, signature and entry into force.
fn natural_actor(intent: &Intent, moroccan: bool) -> &'static str {
    let side = |civ: &'static str, mar: &'static str| if moroccan { mar } else { civ };
    match intent {
        Intent::Propose { .. }
        | Intent::ProposePlaced { .. }
        | Intent::Move { .. }
        | Intent::Freeze
        | Intent::Amend { .. }
        | Intent::Withdraw { .. }
        | Intent::Bracket { .. }
        | Intent::State { .. } => side("civ.neg", "mar.neg"),
        Intent::Agree { .. }
        | Intent::Adopt { .. }
        | Intent::Initial { .. }
        | Intent::Choose { .. }
        | Intent::ConfirmAgreement { .. }
        | Intent::AgreeStructure
        | Intent::Reopen { .. } => side("civ.head", "mar.head"),
        Intent::Translate { .. }
        | Intent::Verify { .. }
        | Intent::Correct { .. }
        | Intent::AgreeCorrection { .. } => side("civ.ling", "mar.ling"),
        Intent::Revise { .. } => side("civ.head", "mar.head"),
        Intent::Sign { .. } => side("civ.sign", "mar.sign"),
        Intent::Confirm { .. } | Intent::Consent { .. } => side("civ.auth", "mar.auth"),
        Intent::Progress { .. } => side("civ.head", "mar.head"),
    }
}

/// The party each person acts for, as accredited.
fn party_of(person: &str) -> Option<&'static str> {
    match person {
        "civ.head" => Some("CIV"),
        "mar.head" => Some("MAR"),
        "iom.sec" => Some("IOM"),
        _ => CAST
            .iter()
            .find(|(p, ..)| *p == person)
            .map(|(_, party, ..)| *party),
    }
}

/// The party an event says acted, where it says one.
fn acting_party(event: &NegotiationEvent) -> Option<&str> {
    match event {
        NegotiationEvent::ClauseProposed { proposed_by, .. } => Some(proposed_by),
        NegotiationEvent::ClauseAgreed { party, .. }
        | NegotiationEvent::ConcordanceVerified { party, .. }
        | NegotiationEvent::TextAdopted { party, .. }
        | NegotiationEvent::TextInitialled { party, .. }
        | NegotiationEvent::InstrumentSigned { party, .. }
        | NegotiationEvent::SignatureConfirmed { party, .. }
        | NegotiationEvent::ConsentExpressed { party, .. }
        | NegotiationEvent::CorrectionAgreed { party, .. } => Some(party),
        NegotiationEvent::CorrectionProposed { proposed_by, .. } => Some(proposed_by),
        NegotiationEvent::DelegateAccredited { delegate } => Some(&delegate.party),
        _ => None,
    }
}

/// Every live clause has exactly one number, the same in every language, and a label in each
/// authentic language; articles' numbers are unique, and dense in document order (1, 2, 3…)
/// unless the numbering is frozen.
fn check_numbering(state: &Negotiation) -> Result<(), TestCaseError> {
    let numbers = state
        .clause_numbers(state.revision())
        .expect("the current revision is on record");
    let live: Vec<&str> = state
        .clauses_in_document_order()
        .filter(|(_, c)| !c.withdrawn)
        .map(|(id, _)| id)
        .collect();
    let numbered: Vec<&str> = numbers.keys().map(String::as_str).collect();
    let mut live_sorted = live.clone();
    live_sorted.sort_unstable();
    prop_assert_eq!(&numbered, &live_sorted, "every live clause has one number");
    let articles: Vec<&ClauseNumber> = live
        .iter()
        .map(|id| &numbers[*id])
        .filter(|n| n.kind == ClauseKind::Article)
        .collect();
    for language in state.languages() {
        let labels: std::collections::BTreeSet<String> = articles
            .iter()
            .map(|n| n.label(language, state.arabic_article_numbering()))
            .collect();
        prop_assert_eq!(
            labels.len(),
            articles.len(),
            "labels are unique in {}",
            language
        );
    }
    if !state.numbering_frozen() {
        let dense: Vec<(u32, u32)> = (1..=articles.len() as u32).map(|n| (n, 0)).collect();
        let given: Vec<(u32, u32)> = articles.iter().map(|n| (n.number, n.insertion)).collect();
        prop_assert_eq!(given, dense, "numbers are dense in document order");
    }
    Ok(())
}

fn check_invariants(
    kind: InstrumentKind,
    state: &Negotiation,
    log: &[NegotiationEvent],
) -> Result<(), TestCaseError> {
    check_numbering(state)?;
    // A party's signed text never changes, except by a correction every party agreed, which
    // keeps the signed root on record as superseded.
    for party in ["CIV", "MAR"] {
        if let Some(signature) = state.signature(party) {
            let root = &signature.text_root_hash;
            let corrected_since = log.iter().any(|e| {
                matches!(e, NegotiationEvent::TextCorrected { previous_text_root_hash, .. }
                    if previous_text_root_hash == root)
            });
            prop_assert!(
                *root == state.text_root_hash()
                    || (corrected_since && state.superseded_roots().contains(root)),
                "{}'s signed text changed",
                party
            );
        }
    }
    // Nothing is agreed that some party has not agreed in that exact wording, after its last change.
    for clause_id in CLAUSES {
        let Some(clause) = state.clause(clause_id) else {
            continue;
        };
        if state.clause_status(clause) != ClauseStatus::Agreed {
            continue;
        }
        // The generator corrects only reference wordings, so a made correction of the clause
        // changes its wording to the corrected one.
        let correction_of = |id: &str| {
            log.iter().find_map(|e| match e {
                NegotiationEvent::CorrectionProposed {
                    correction_id,
                    clause_id,
                    text_hash,
                    ..
                } if correction_id == id => Some((clause_id.clone(), text_hash.clone())),
                _ => None,
            })
        };
        let last_change = log
            .iter()
            .rposition(|e| match e {
                NegotiationEvent::ClauseProposed { clause_id: c, .. }
                | NegotiationEvent::ClauseAmended { clause_id: c, .. }
                | NegotiationEvent::AlternativeChosen { clause_id: c, .. } => c == clause_id,
                NegotiationEvent::TextCorrected { correction_id, .. } => {
                    correction_of(correction_id).is_some_and(|(c, _)| c == clause_id)
                }
                _ => false,
            })
            .expect("an agreed clause was proposed");
        let current_wording = match &log[last_change] {
            NegotiationEvent::ClauseProposed { text_hash, .. }
            | NegotiationEvent::ClauseAmended { text_hash, .. }
            | NegotiationEvent::AlternativeChosen { text_hash, .. } => text_hash.clone(),
            NegotiationEvent::TextCorrected { correction_id, .. } => {
                correction_of(correction_id)
                    .expect("a proposed correction")
                    .1
            }
            _ => unreachable!(),
        };
        // The parties' agreements to a correction precede the event that makes it.
        let last_change = match &log[last_change] {
            NegotiationEvent::TextCorrected { correction_id, .. } => log
                .iter()
                .position(|e| matches!(e, NegotiationEvent::CorrectionProposed { correction_id: c, .. } if c == correction_id))
                .expect("a proposed correction"),
            _ => last_change,
        };
        prop_assert_eq!(&current_wording, &clause.text_hash);
        let last_reopening = log
            .iter()
            .rposition(|e| matches!(e, NegotiationEvent::ClauseReopened { clause_id: c, .. } if c == clause_id));
        let since = last_change.max(last_reopening.unwrap_or(0));
        for party in ["CIV", "MAR"] {
            let agreed_after = log[since..].iter().any(|e| match e {
                NegotiationEvent::ClauseAgreed {
                    clause_id: c,
                    party: p,
                    text_hash,
                    ..
                } => c == clause_id && p == party && *text_hash == current_wording,
                NegotiationEvent::CorrectionAgreed {
                    party: p,
                    text_hash,
                    ..
                } => p == party && *text_hash == current_wording,
                _ => false,
            });
            prop_assert!(
                agreed_after,
                "{} is agreed but {} never agreed its current wording",
                clause_id,
                party
            );
        }
    }
    // Entry into force (of the current revision) never precedes its last required consent.
    let fixed = log.iter().find_map(|e| match e {
        NegotiationEvent::EntryIntoForceFixed { date, revision, .. }
            if *revision == state.revision() =>
        {
            Some(*date)
        }
        _ => None,
    });
    if let Some(date) = fixed {
        for party in ["CIV", "MAR"] {
            let signature = state.signature(party);
            prop_assert!(
                signature.is_some(),
                "in force without {}'s signature",
                party
            );
            let signature = signature.unwrap();
            prop_assert!(date >= signature.signed_on);
            if let Some(confirmed) = signature.confirmed_on {
                prop_assert!(date >= confirmed);
            }
            if kind == InstrumentKind::Treaty {
                let consent = state.consent(party);
                prop_assert!(
                    consent.is_some_and(|c| date >= c.on),
                    "treaty in force before {}'s consent",
                    party
                );
            }
        }
    }
    Ok(())
}

#[derive(Default, Debug)]
struct Reached {
    runs: usize,
    accepted: usize,
    adopted: usize,
    signed: usize,
    in_force: usize,
    corrected: usize,
    revised: usize,
    revision_in_force: usize,
    placed: usize,
    moved: usize,
    frozen: usize,
}

thread_local! {
    static REACHED: std::cell::RefCell<Reached> = std::cell::RefCell::new(Reached::default());
}

/// The invariants hold after every accepted command of 300 random runs, and those runs reach
/// every stage of the lifecycle (else the invariants would only be checked on drafts).
#[test]
fn random_runs_reach_every_stage_of_the_lifecycle() {
    invariants_hold_after_every_accepted_command();
    REACHED.with(|r| {
        let r = r.borrow();
        eprintln!("{r:?}");
        assert!(r.runs >= 300 && r.accepted > r.runs, "{r:?}");
        assert!(r.adopted > 0 && r.signed > 0 && r.in_force > 0, "{r:?}");
        assert!(r.corrected > 0 && r.revision_in_force > 0, "{r:?}");
        // Moves carried out are rarer (a few per hundred runs): the given/when/then tests in
        // structure_tests.rs cover them; placements and freezes are common.
        assert!(r.placed > 0 && r.frozen > 0, "{r:?}");
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Run by `random_runs_reach_every_stage_of_the_lifecycle`, which also checks its coverage.
    fn invariants_hold_after_every_accepted_command(
        kind in instrument_kind(),
        steps in prop::collection::vec(step(), 1..120),
    ) {
        let mut log = start(kind);
        let mut state = Negotiation::replay(&log);
                let mut accepted = 0;
        let mut adopted_root: Option<(u32, String)> = None;
        for step in steps {
            let command = command_for(&state, kind, step);
            let actor = command.actor.as_str();
            let Ok(events) = decide(&state, &command) else { continue };
            accepted += 1;
            let actor_party = party_of(actor);
            for event in &events {
                if let Some(party) = acting_party(event) {
                    prop_assert_eq!(Some(party), actor_party, "{} acted for {}: {:?}", actor, party, event);
                }
            }
            for event in events {
                // Every event the rules record is one the checked fold takes.
                let folded = state.apply_checked(event.clone());
                prop_assert_eq!(folded, Ok(()), "{:?}", event);
                log.push(event);
            }
            check_invariants(kind, &state, &log)?;
            // Once every party adopted a revision's text, it never changes again, except by a
            // correction every party agreed.
            match &adopted_root {
                Some((revision, root)) if *revision == state.revision() => prop_assert!(
                    *root == state.text_root_hash() || state.superseded_roots().contains(root),
                    "the adopted text changed"
                ),
                _ if state.is_adopted() => {
                    adopted_root = Some((state.revision(), state.text_root_hash()))
                }
                _ => adopted_root = None,
            }
        }
        REACHED.with(|r| {
            let mut r = r.borrow_mut();
            r.runs += 1;
            r.accepted += accepted;
            r.adopted += usize::from(log.iter().any(|e| matches!(e, NegotiationEvent::TextAdopted { .. })));
            r.signed += usize::from(log.iter().any(|e| matches!(e, NegotiationEvent::InstrumentSigned { .. })));
            r.in_force += usize::from(log.iter().any(|e| matches!(e, NegotiationEvent::EntryIntoForceFixed { .. })));
            r.corrected += usize::from(log.iter().any(|e| matches!(e, NegotiationEvent::TextCorrected { .. })));
            r.revised += usize::from(log.iter().any(|e| matches!(e, NegotiationEvent::RevisionOpened { .. })));
            r.revision_in_force += usize::from(log.iter().any(|e| matches!(e, NegotiationEvent::EntryIntoForceFixed { revision: 1.., .. })));
            r.placed += usize::from(log.iter().any(|e| matches!(e, NegotiationEvent::ClausePlaced { .. })));
            // A move carried out: the placement recorded with the last party's agreement.
            r.moved += usize::from(log.windows(2).any(|w| matches!(w, [NegotiationEvent::StructureChangeAgreed { .. }, NegotiationEvent::ClausePlaced { .. }])));
            r.frozen += usize::from(log.iter().any(|e| matches!(e, NegotiationEvent::NumberingFrozen { .. })));
        });
    }
}

/// The generator reaches the end of the lifecycle, so the properties above are not only checked
/// on half-negotiated texts.
#[test]
fn a_scripted_walk_through_the_intents_reaches_entry_into_force() {
    let kind = InstrumentKind::Mou;
    let mut log = start(kind);
    let mut state = Negotiation::replay(&log);
    let script: Vec<(&str, Intent)> = vec![
        (
            "civ.neg",
            Intent::Propose {
                clause: 0,
                language: 0,
                text: 0,
            },
        ),
        (
            "civ.head",
            Intent::Agree {
                clause: 0,
                current: true,
                ad_referendum: false,
            },
        ),
        (
            "mar.head",
            Intent::Agree {
                clause: 0,
                current: true,
                ad_referendum: false,
            },
        ),
        (
            "mar.ling",
            Intent::Translate {
                clause: 0,
                text: 1,
                current: true,
            },
        ),
        (
            "mar.ling",
            Intent::Verify {
                clause: 0,
                current: true,
            },
        ),
        ("civ.head", Intent::Adopt { current: true }),
        ("mar.head", Intent::Adopt { current: true }),
        (
            "civ.sign",
            Intent::Sign {
                capacity: 1,
                right_key: true,
                current: true,
                day: 10,
            },
        ),
        (
            "mar.sign",
            Intent::Sign {
                capacity: 1,
                right_key: true,
                current: true,
                day: 12,
            },
        ),
    ];
    for (actor, intent) in script {
        let command = NegotiationCommand {
            actor: actor.into(),
            action: resolve(&state, actor, &intent),
            took_place: None,
        };
        let events = state
            .decide(&command, &Register::claimed_by(&command))
            .unwrap_or_else(|e| panic!("{actor} {intent:?}: {e}"));
        for event in events {
            state.apply_checked(event.clone()).unwrap();
            log.push(event);
        }
    }
    assert!(state.in_force_on(day(12)));
    let by_kind: BTreeMap<&str, usize> = log.iter().fold(BTreeMap::new(), |mut m, e| {
        *m.entry(e.name()).or_default() += 1;
        m
    });
    assert_eq!(by_kind.get("EntryIntoForceFixed"), Some(&1));
}

// ---- Checked replay of untrusted events ------------------------------------------------------

/// The events of a random run, and the state the rules and the fold reached with them.
fn run(kind: InstrumentKind, steps: Vec<Step>) -> (Vec<NegotiationEvent>, Negotiation) {
    let mut log = start(kind);
    let mut state = Negotiation::replay(&log);
    for step in steps {
        let command = command_for(&state, kind, step);
        let Ok(events) = decide(&state, &command) else {
            continue;
        };
        for event in events {
            state
                .apply_checked(event.clone())
                .expect("the rules record only events the fold takes");
            log.push(event);
        }
    }
    (log, state)
}

/// Events no run records but a bundle may hold: acts on rounds, matrices, rows, corrections,
/// signatures, suspensions and revisions, naming ids that runs use or never create.
fn foreign_event(choice: usize) -> NegotiationEvent {
    let content = RowContent {
        objective: "Objectif".into(),
        action: "Action".into(),
        responsible_party: "CIV".into(),
        agency: "Agence".into(),
        starts_on: day(0),
        ends_on: day(30),
        indicator: pacta_domain::Indicator {
            name: "Indicateur".into(),
            unit: "unités".into(),
            baseline: "0".into(),
            target: "10".into(),
        },
    };
    let row_hash = pacta_domain::row_hash(&content);
    let events = [
        NegotiationEvent::RoundOpened {
            round_id: "r1".into(),
            kind: RoundKind::NegotiatingRound,
            place: "Rabat".into(),
            starts_on: day(1),
            ends_on: day(2),
        },
        NegotiationEvent::RoundClosed {
            round_id: "r1".into(),
        },
        NegotiationEvent::MinutesAdopted {
            round_id: "r1".into(),
            party: "CIV".into(),
            minutes_hash: STALE.into(),
        },
        NegotiationEvent::MatrixCreated {
            matrix_id: "m1".into(),
            title: "Matrice".into(),
        },
        NegotiationEvent::RowProposed {
            matrix_id: "m1".into(),
            row_id: "row1".into(),
            content,
            row_hash: row_hash.clone(),
        },
        NegotiationEvent::RowAgreed {
            matrix_id: "m1".into(),
            row_id: "row1".into(),
            party: "MAR".into(),
            row_hash,
        },
        NegotiationEvent::ProgressReported {
            matrix_id: "m1".into(),
            row_id: "row1".into(),
            progress: pacta_domain::RowProgress::OnTrack,
            reported_on: day(40),
            note: String::new(),
        },
        NegotiationEvent::MatrixValidated {
            matrix_id: "m1".into(),
            round_id: "r1".into(),
        },
        NegotiationEvent::CorrectionAgreed {
            correction_id: "corr-0-0".into(),
            party: "MAR".into(),
            text_hash: STALE.into(),
        },
        NegotiationEvent::TextCorrected {
            correction_id: "corr-0-0".into(),
            previous_text_root_hash: STALE.into(),
            text_root_hash: STALE.into(),
        },
        NegotiationEvent::CorrectionProposed {
            correction_id: "corr-x".into(),
            clause_id: CLAUSES[0].into(),
            language: "en".into(),
            base_text_hash: STALE.into(),
            heading: String::new(),
            text: "Corrected.".into(),
            text_hash: STALE.into(),
            reason: "Typo".into(),
            proposed_by: "CIV".into(),
        },
        NegotiationEvent::TextCorrected {
            correction_id: "corr-x".into(),
            previous_text_root_hash: STALE.into(),
            text_root_hash: STALE.into(),
        },
        NegotiationEvent::AlternativeChosen {
            clause_id: CLAUSES[0].into(),
            label: LABELS[0].into(),
            base_text_hash: STALE.into(),
            text_hash: STALE.into(),
        },
        NegotiationEvent::ConcordanceVerified {
            clause_id: CLAUSES[1].into(),
            language: "ar".into(),
            text_hash: STALE.into(),
            source_text_hash: STALE.into(),
            party: "MAR".into(),
        },
        NegotiationEvent::SignatureConfirmed {
            party: "CIV".into(),
            confirmed_on: day(50),
        },
        NegotiationEvent::OperationSuspended {
            party: "CIV".into(),
            from: day(500),
            reason: "Motif".into(),
        },
        NegotiationEvent::OperationResumed {
            party: "CIV".into(),
            from: day(600),
        },
        NegotiationEvent::RevisionOpened {
            revision: 1,
            base_revision: 0,
            base_text_root_hash: STALE.into(),
            opened_on: day(REVISION_DAY),
            reason: "Révision".into(),
        },
        NegotiationEvent::RevisionAbandoned {
            revision: 1,
            reason: "Abandon".into(),
        },
        NegotiationEvent::EntryIntoForceFixed {
            date: NaiveDate::MAX,
            rule: pacta_domain::EntryIntoForceRule::DaysAfterLastConsent { days: 3653 },
            revision: 0,
        },
        NegotiationEvent::TerminationNotified {
            party: "MAR".into(),
            notified_on: NaiveDate::MAX,
            effective_on: NaiveDate::MAX,
            reason: "Motif".into(),
        },
        NegotiationEvent::NegotiationAbandoned {
            reason: "Motif".into(),
        },
    ];
    events[choice % events.len()].clone()
}

/// A change to a recorded sequence of events, at positions drawn whatever its length.
#[derive(Clone, Debug)]
enum Mutation {
    Drop(Index),
    Duplicate {
        event: Index,
        at: Index,
    },
    Swap(Index, Index),
    Move {
        from: Index,
        to: Index,
    },
    ToFront(Index),
    /// Reverses the order of the events between two positions.
    Reverse(Index, Index),
    Insert {
        foreign: usize,
        at: Index,
    },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<Index>().prop_map(Mutation::Drop),
        (any::<Index>(), any::<Index>()).prop_map(|(event, at)| Mutation::Duplicate { event, at }),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<Index>(), any::<Index>()).prop_map(|(from, to)| Mutation::Move { from, to }),
        any::<Index>().prop_map(Mutation::ToFront),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::Reverse(a, b)),
        (any::<usize>(), any::<Index>()).prop_map(|(foreign, at)| Mutation::Insert { foreign, at }),
    ]
}

fn mutate(events: &mut Vec<NegotiationEvent>, mutation: &Mutation) {
    let len = events.len();
    if len == 0 {
        if let Mutation::Insert { foreign, .. } = mutation {
            events.push(foreign_event(*foreign));
        }
        return;
    }
    match mutation {
        Mutation::Drop(i) => {
            events.remove(i.index(len));
        }
        Mutation::Duplicate { event, at } => {
            let copy = events[event.index(len)].clone();
            events.insert(at.index(len + 1), copy);
        }
        Mutation::Swap(a, b) => events.swap(a.index(len), b.index(len)),
        Mutation::Move { from, to } => {
            let event = events.remove(from.index(len));
            events.insert(to.index(len), event);
        }
        Mutation::ToFront(i) => {
            let event = events.remove(i.index(len));
            events.insert(0, event);
        }
        Mutation::Reverse(a, b) => {
            let (a, b) = (a.index(len), b.index(len));
            events[a.min(b)..=a.max(b)].reverse();
        }
        Mutation::Insert { foreign, at } => {
            events.insert(at.index(len + 1), foreign_event(*foreign))
        }
    }
}

/// What a verifier reads from a replayed state, all of which must answer without panicking.
fn read_everything(state: &Negotiation) {
    let _ = state.text_root_hash();
    let _ = state.instrument_status();
    let _ = state.revisions();
    let _ = state.text_in_force_on(day(REVISION_DAY));
    for (_, clause) in state.clauses_in_document_order() {
        let _ = state.clause_status(clause);
    }
}

#[derive(Default, Debug)]
struct Replayed {
    accepted: usize,
    refused: usize,
}

thread_local! {
    static REPLAYED: std::cell::RefCell<Replayed> = std::cell::RefCell::new(Replayed::default());
}

/// Mutated runs are both accepted and refused, so the property is not only checked one way.
#[test]
fn checked_replay_of_mutated_runs_accepts_and_refuses() {
    checked_replay_never_panics();
    REPLAYED.with(|r| {
        let r = r.borrow();
        eprintln!("{r:?}");
        assert!(r.accepted > 0 && r.refused > 0, "{r:?}");
    });
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Run by `checked_replay_of_mutated_runs_accepts_and_refuses`, which checks its coverage.
    ///
    /// A recorded run replays to the state its events built; the same events dropped,
    /// duplicated, swapped, reordered, moved to the front or mixed with foreign events replay
    /// to a state a verifier can read, or to the first event that cannot follow.
    fn checked_replay_never_panics(
        kind in instrument_kind(),
        steps in prop::collection::vec(step(), 1..120),
        mutations in prop::collection::vec(mutation(), 1..6),
        then in prop::collection::vec(step(), 0..8),
    ) {
        let (log, state) = run(kind, steps);
        prop_assert_eq!(Negotiation::replay_checked(&log), Ok(state.clone()));
        prop_assert_eq!(Negotiation::replay(&log), state);

        let mut mutated = log;
        for mutation in &mutations {
            mutate(&mut mutated, mutation);
        }
        match Negotiation::replay_checked(&mutated) {
            Ok(state) => {
                REPLAYED.with(|r| r.borrow_mut().accepted += 1);
                read_everything(&state);
                // The rules, too, decide on a state replayed from untrusted events.
                for step in then {
                    let _ = decide(&state, &command_for(&state, kind, step));
                }
            }
            Err((index, refusal)) => {
                REPLAYED.with(|r| r.borrow_mut().refused += 1);
                prop_assert!(!refusal.to_string().is_empty());
                // The index is the first event that cannot follow: the ones before it replay,
                // and the refused event leaves their state as it was, for a verifier to read.
                let before = Negotiation::replay_checked(&mutated[..index]);
                prop_assert!(before.is_ok(), "{:?}", before);
                let mut state = before.unwrap();
                let unchanged = state.clone();
                prop_assert_eq!(state.apply_checked(mutated[index].clone()), Err(refusal));
                prop_assert_eq!(&state, &unchanged, "the refused event changed the state");
                read_everything(&state);
            }
        }
    }
}

// ---- When acts took place ---------------------------------------------------------------------

/// One accepted act's event, the date its command stated (if any) and the recording clock's day.
type Dated = (NegotiationEvent, Option<NaiveDate>, NaiveDate);

/// Checks the log independently of the rules: every stated date is at most a day past the
/// recording clock's (noon UTC plus the 14 hours' tolerance), not before the opening's, not before
/// the latest stated date of an act on the same clause, and, for an act on the adopted text, not
/// before the latest stated adoption.
fn dates_hold(log: &[Dated]) -> Result<(), String> {
    let opened_on = log.first().and_then(|(_, on, _)| *on);
    let mut clauses: BTreeMap<String, NaiveDate> = BTreeMap::new();
    let mut adopted_on: Option<NaiveDate> = None;
    for (event, on, clock) in log {
        let Some(on) = *on else { continue };
        if on > clock.succ_opt().unwrap() {
            return Err(format!("{} dated {on}, recorded on {clock}", event.name()));
        }
        if opened_on.is_some_and(|o| on < o) {
            return Err(format!("{} dated {on}, before the opening", event.name()));
        }
        if let Some(clause) = event.clause_id() {
            let latest = clauses.entry(clause.to_string()).or_insert(on);
            if on < *latest {
                return Err(format!(
                    "{} dated {on}, before {latest} on {clause}",
                    event.name()
                ));
            }
            *latest = on;
        }
        let on_adoption = matches!(
            event,
            NegotiationEvent::TextInitialled { .. }
                | NegotiationEvent::InstrumentSigned { .. }
                | NegotiationEvent::SignatureConfirmed { .. }
                | NegotiationEvent::ConsentExpressed { .. }
        );
        if on_adoption && adopted_on.is_some_and(|a| on < a) {
            return Err(format!("{} dated {on}, before the adoption", event.name()));
        }
        if let NegotiationEvent::TextAdopted { .. } = event {
            adopted_on = adopted_on.max(Some(on));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// Random runs whose commands state random dates (or none), recorded by a clock that moves
    /// on: whatever the rules accept keeps every act after what it builds on, and none ahead of
    /// the clock beyond the tolerance.
    #[test]
    fn no_act_is_dated_before_what_it_builds_on_nor_ahead_of_the_clock(
        kind in instrument_kind(),
        steps in prop::collection::vec((step(), prop::option::weighted(0.7, 0..60u64), 0..3u64), 1..120),
    ) {
        let mut state = Negotiation::default();
        let mut log: Vec<Dated> = Vec::new();
        let mut clock_day = 0;
        for event in start(kind) {
            let opening = matches!(event, NegotiationEvent::NegotiationOpened { .. });
            let on = opening.then(|| day(0));
            state.apply_recorded(event.clone(), on).unwrap();
            log.push((event, on, day(0)));
        }
        for (step, stated, clock_moves) in steps {
            clock_day += clock_moves;
            let mut command = command_for(&state, kind, step);
            if command.own_date().is_none() {
                command.took_place = stated.map(|d| pacta_domain::Occasion::on(day(d)));
            }
            let noon = day(clock_day).and_hms_opt(12, 0, 0).unwrap().and_utc();
            let register = Register::claimed_by(&command).at(noon);
            // A refused command records nothing; the log holds only what the rules accepted.
            if let Ok(events) = state.decide(&command, &register) {
                let on = command.occasion().unwrap().map(|o| o.on);
                for event in events {
                    state.apply_recorded(event.clone(), on).unwrap();
                    log.push((event, on, day(clock_day)));
                }
            }
        }
        prop_assert_eq!(dates_hold(&log), Ok(()));
    }
}

#[test]
fn the_dates_check_finds_acts_dated_out_of_order() {
    let opened = start(InstrumentKind::Mou).remove(0);
    let comment = NegotiationEvent::Commented {
        clause_id: None,
        text: "x".into(),
        internal: false,
    };
    let early = [
        (opened.clone(), Some(day(5)), day(5)),
        (comment.clone(), Some(day(4)), day(5)),
    ];
    assert!(dates_hold(&early)
        .unwrap_err()
        .contains("before the opening"));
    let ahead = [
        (opened, Some(day(5)), day(5)),
        (comment, Some(day(7)), day(5)),
    ];
    assert!(dates_hold(&ahead).unwrap_err().contains("recorded on"));
}
