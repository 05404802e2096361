//! A small bilingual (French reference, Arabic) negotiation as events, folded into the views the
//! exporters take. Its wording carries `<`, `&` and `"` so every format's escaping is exercised.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use cqrs_es::EventEnvelope;
use pacta_domain::{
    clause_text_hash, metadata, row_hash, ClauseKind, Delegate, Indicator, InstrumentKind, Matrix,
    Negotiation, NegotiationEvent, Party, Position, Role, RowContent, SignatureCapacity,
};

use crate::{action_matrices, agreement_state, draft, AgreementState, Draft};

pub const TRICKY_TEXT: &str = "Les Parties coopèrent si <seuil> & \"urgence\" le justifient.";
pub const ARABIC_TEXT: &str = "تتعاون الطرفان في مجال الوقاية من الاتجار بالبشر.";
pub const MISSING_IN_ARABIC: &str = "Chaque Partie désigne un point focal.";
pub const ALTERNATIVE_TEXT: &str = "Les données sont protégées conformément à la loi 09-08.";

pub struct Views {
    pub draft: Draft,
    pub agreement: AgreementState,
    pub matrices: BTreeMap<String, Matrix>,
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid date")
}

/// `text` contains every one of `fragments`; a failure names the first one missing.
pub fn assert_contains(text: &str, fragments: &[&str]) {
    for fragment in fragments {
        assert!(text.contains(fragment), "missing {fragment:?} in {text}");
    }
}

/// Folds the sample's events into the views.
pub fn views() -> Views {
    let events = envelopes(events());
    Views {
        draft: draft("neg-1", &events),
        agreement: agreement_state("neg-1", &events, None),
        matrices: action_matrices(&events),
    }
}

/// The signatories' names and titles, and the place of signature, of [`instrument_events`].
pub const CIV_SIGNATORY: &str = "Kandia Camara";
pub const CIV_TITLE: &str = "Ministre d'État, ministre des Affaires étrangères";
pub const MAR_SIGNATORY: &str = "Nasser Bourita";
pub const MAR_TITLE: &str = "Ministre des Affaires étrangères";
/// Morocco's signatory's title in Arabic; Côte d'Ivoire's has none, so its French one stands.
pub const MAR_TITLE_AR: &str = "وزير الشؤون الخارجية";
pub const PLACE: &str = "Rabat";
/// The place of signature as the Arabic version names it.
pub const PLACE_AR: &str = "الرباط";
pub const ARABIC_TITLE: &str = "مذكرة تفاهم بشأن الاتجار بالأشخاص";

/// The sample as an instrument: its opening also gives the Arabic title and each party's name
/// in French (with its article) and Arabic, both parties' signatories are accredited by name,
/// and both sign at Rabat (الرباط in Arabic) on 28 May 2026 with their titles, Morocco's also
/// in Arabic; `adopted`: both adopted the text first.
pub fn instrument_events(adopted: bool) -> Vec<EventEnvelope<Negotiation>> {
    let mut events = events();
    let mut opening = serde_json::to_value(&events[0]).expect("an event serialises");
    let opened = &mut opening["NegotiationOpened"];
    opened["titles"] = serde_json::json!({ "ar": ARABIC_TITLE });
    opened["parties"][0]["names"] =
        serde_json::json!({ "fr": "la République de Côte d'Ivoire", "ar": "جمهورية كوت ديفوار" });
    opened["parties"][1]["names"] =
        serde_json::json!({ "fr": "le Royaume du Maroc", "ar": "المملكة المغربية" });
    events[0] = serde_json::from_value(opening).expect("an opening");
    // The sample's own signature is replaced by the two below.
    events.retain(|e| !matches!(e, NegotiationEvent::InstrumentSigned { .. }));
    let accredited = |person: &str, name: &str, party: &str| NegotiationEvent::DelegateAccredited {
        delegate: Delegate {
            person: person.into(),
            name: name.into(),
            party: party.into(),
            role: Role::Signatory,
            signing: None,
        },
    };
    events.push(accredited("minister.civ", CIV_SIGNATORY, "CIV"));
    events.push(accredited("minister.mar", MAR_SIGNATORY, "MAR"));
    let root = Negotiation::replay(events.iter()).text_root_hash();
    if adopted {
        for party in ["CIV", "MAR"] {
            events.push(NegotiationEvent::TextAdopted {
                party: party.into(),
                text_root_hash: root.clone(),
            });
        }
    }
    for (party, signatory, title, title_ar) in [
        ("CIV", "minister.civ", CIV_TITLE, None),
        ("MAR", "minister.mar", MAR_TITLE, Some(MAR_TITLE_AR)),
    ] {
        events.push(NegotiationEvent::InstrumentSigned {
            party: party.into(),
            signatory: signatory.into(),
            revision: 0,
            capacity: SignatureCapacity::Definitive,
            text_root_hash: root.clone(),
            signed_on: date(2026, 5, 28),
            signature: "00".repeat(64),
            signatory_title: Some(title.into()),
            signatory_title_in: title_ar
                .map(|t| ("ar".to_string(), t.to_string()))
                .into_iter()
                .collect(),
            place_in: BTreeMap::from([("ar".into(), PLACE_AR.into())]),
        });
    }
    let mut envelopes = envelopes(events);
    for envelope in &mut envelopes {
        if matches!(envelope.payload, NegotiationEvent::InstrumentSigned { .. }) {
            envelope
                .metadata
                .insert(metadata::TOOK_PLACE_IN.into(), PLACE.into());
        }
    }
    envelopes
}

fn envelopes(events: Vec<NegotiationEvent>) -> Vec<EventEnvelope<Negotiation>> {
    events
        .into_iter()
        .enumerate()
        .map(|(i, payload)| EventEnvelope {
            aggregate_id: "neg-1".into(),
            sequence: i + 1,
            payload,
            metadata: HashMap::from([(metadata::ACTOR.to_string(), "someone".to_string())]),
        })
        .collect()
}

fn events() -> Vec<NegotiationEvent> {
    let party = |code: &str, name: &str| Party::new(code, name, &code.to_lowercase(), code);
    let hash =
        |heading: &str, language: &str, text: &str| clause_text_hash(heading, language, text);
    let proposed = |id: &str, kind, heading: &str, text: &str| NegotiationEvent::ClauseProposed {
        clause_id: id.into(),
        kind,
        heading: heading.into(),
        language: "fr".into(),
        text: text.into(),
        text_hash: hash(heading, "fr", text),
        proposed_by: "CIV".into(),
    };
    let translated =
        |id: &str, heading: &str, source: &str, text: &str| NegotiationEvent::ClauseTranslated {
            clause_id: id.into(),
            language: "ar".into(),
            heading: heading.into(),
            text: text.into(),
            text_hash: hash(heading, "ar", text),
            source_text_hash: source.into(),
        };
    let agreed = |id: &str, party: &str, text_hash: &str| NegotiationEvent::ClauseAgreed {
        clause_id: id.into(),
        party: party.into(),
        text_hash: text_hash.into(),
        ad_referendum: false,
    };
    let recital = "Conscients de la gravité de la traite des personnes ;";
    let recital_hash = hash("", "fr", recital);
    let purpose_hash = hash("Objet & portée", "fr", TRICKY_TEXT);
    let row = RowContent {
        objective: "Former les agents <frontière>".into(),
        action: "Ateliers conjoints".into(),
        responsible_party: "MAR".into(),
        agency: "DGSN".into(),
        starts_on: date(2027, 1, 1),
        ends_on: date(2027, 12, 31),
        indicator: Indicator {
            name: "Agents formés".into(),
            unit: "personnes".into(),
            baseline: "0".into(),
            target: "200".into(),
        },
    };
    // Opened as an early event records it: no facilitator, the kind's rules.
    let opened = serde_json::from_value(serde_json::json!({ "NegotiationOpened": {
        "negotiation_id": "neg-1",
        "title": "Mémorandum \"TIP\" <CIV & MAR>",
        "instrument_kind": InstrumentKind::Mou,
        "parties": [
            party("CIV", "République de Côte d'Ivoire"),
            party("MAR", "Royaume du Maroc"),
        ],
        "languages": ["fr", "ar"],
    }}))
    .expect("an opening");
    vec![
        opened,
        proposed("rec-1", ClauseKind::Recital, "", recital),
        translated("rec-1", "", &recital_hash, "إدراكاً لخطورة الاتجار بالأشخاص؛"),
        agreed("rec-1", "CIV", &recital_hash),
        agreed("rec-1", "MAR", &recital_hash),
        proposed(
            "art-objet",
            ClauseKind::Article,
            "Objet & portée",
            TRICKY_TEXT,
        ),
        translated("art-objet", "الهدف", &purpose_hash, ARABIC_TEXT),
        agreed("art-objet", "CIV", &purpose_hash),
        proposed(
            "art-points-focaux",
            ClauseKind::Article,
            "Points focaux",
            MISSING_IN_ARABIC,
        ),
        NegotiationEvent::AlternativeProposed {
            clause_id: "art-points-focaux".into(),
            label: "B".into(),
            heading: "Points focaux".into(),
            language: "fr".into(),
            text: ALTERNATIVE_TEXT.into(),
            text_hash: hash("Points focaux", "fr", ALTERNATIVE_TEXT),
            proposed_by: "MAR".into(),
        },
        NegotiationEvent::PositionStated {
            clause_id: "art-points-focaux".into(),
            party: "MAR".into(),
            position: Position::Alternative { label: "B".into() },
            rationale: "Loi 09-08 <protection>".into(),
        },
        NegotiationEvent::InstrumentSigned {
            party: "CIV".into(),
            signatory: "minister.civ".into(),
            revision: 0,
            capacity: SignatureCapacity::Definitive,
            text_root_hash: "ab".repeat(32),
            signed_on: date(2026, 5, 28),
            signature: "00".repeat(64),
            signatory_title: None,
            signatory_title_in: BTreeMap::new(),
            place_in: BTreeMap::new(),
        },
        NegotiationEvent::MatrixCreated {
            matrix_id: "mx-protection".into(),
            title: "Protection des victimes".into(),
        },
        NegotiationEvent::RowProposed {
            matrix_id: "mx-protection".into(),
            row_id: "prot-1".into(),
            row_hash: row_hash(&row),
            content: row,
        },
    ]
}
