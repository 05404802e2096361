//! Strict input: a command names only fields its act has, at every depth; texts hold no
//! character that could make them read differently from what is hashed; wordings are hashed in
//! NFC.

use serde_json::{json, Value};

use crate::aggregate::tests::*;
use crate::{clause_text_hash, Action, ClauseKind, NegotiationCommand, NegotiationError};
use crate::{NegotiationEvent, Party};

/// The refusal of reading `action` as `actor`'s command.
fn refusal_of(action: Value) -> String {
    serde_json::from_value::<NegotiationCommand>(json!({ "actor": CIV_HEAD, "action": action }))
        .expect_err("an unknown field is refused")
        .to_string()
}

fn opening() -> Value {
    serde_json::to_value(open_action()).expect("an action serialises")
}

#[test]
fn an_unknown_field_is_refused_at_every_level_of_a_command_naming_it() {
    let top = serde_json::from_value::<NegotiationCommand>(json!({
        "actor": CIV_HEAD,
        "action": {"type": "close-round", "round_id": "r1"},
        "actr": "x",
    }))
    .expect_err("refused")
    .to_string();
    assert!(top.contains("unknown field `actr`"), "{top}");

    let message = refusal_of(json!({"type": "comment", "text": "Vu.", "Internal": true}));
    assert!(message.contains("unknown field `Internal`"), "{message}");
    let message = refusal_of(json!({
        "type": "agree-clause",
        "clause_id": "art-1",
        "text_hash": art1_hash(),
        "ad-referendum": true,
    }));
    assert!(
        message.contains("unknown field `ad-referendum`"),
        "{message}"
    );

    let mut party = opening();
    party["parties"][1]["head_of_delegation"]["nmae"] = json!("Y. Benali");
    let mut facilitator = opening();
    facilitator["facilitator"]["acronym"] = json!("IOM");
    let mut rule = opening();
    rule["entry_into_force_rule"] =
        json!({"rule": "days-after-last-consent", "days": 30, "dayz": 3});
    let signing = |signing: Value| {
        json!({
            "type": "accredit-delegate", "person": "awa.diallo", "name": "Awa Diallo",
            "party": "CIV", "role": "signatory", "signing": signing,
        })
    };
    let key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    let mut row = serde_json::to_value(Action::ProposeRow {
        matrix_id: "annex-1".into(),
        row_id: "r1".into(),
        content: crate::matrices::tests::content("200"),
        base_row_hash: None,
    })
    .expect("an action serialises");
    let mut indicator = row.clone();
    row["content"]["agencey"] = json!("DPF");
    indicator["content"]["indicator"]["baseline_year"] = json!("2025");
    let position = json!({
        "type": "state-position", "clause_id": "art-1",
        "position": {"position": "alternative", "label": "A", "lable": "B"},
    });
    for (action, named) in [
        (party, "`nmae` in action.parties[1].head_of_delegation"),
        (facilitator, "`acronym` in action.facilitator"),
        (rule, "`dayz`"),
        (
            signing(json!({"public_key": key, "ex_officio": true, "exofficio": false})),
            "`exofficio` in action.signing",
        ),
        (
            signing(json!({
                "public_key": key,
                "full_powers": {"reference": "FP-1", "document_hash": key, "issued_on": "2026-01-01"},
            })),
            "`issued_on` in action.signing.full_powers",
        ),
        (row, "`agencey` in action.content"),
        (indicator, "`baseline_year` in action.content.indicator"),
        (position, "`lable`"),
    ] {
        let message = refusal_of(action);
        assert!(message.contains(named), "{named}: {message}");
    }
}

#[test]
fn a_well_formed_command_reads_as_before_and_an_absent_option_may_be_null() {
    let read = |action: Value| {
        serde_json::from_value::<NegotiationCommand>(json!({"actor": CIV_HEAD, "action": action}))
            .map(|command| command.action)
    };
    assert_eq!(read(opening()).expect("reads"), open_action());
    let key = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    let action = read(json!({
        "type": "accredit-delegate", "person": "awa.diallo", "name": "Awa Diallo",
        "party": "CIV", "role": "signatory",
        "signing": {"public_key": key, "full_powers": null, "ex_officio": true},
    }))
    .expect("an option given as null is an option left out");
    assert!(matches!(
        action,
        Action::AccreditDelegate {
            signing: Some(_),
            ..
        }
    ));
    let action = read(json!({"type": "comment", "text": "Vu.", "clause_id": null}))
        .expect("defaults still apply");
    assert_eq!(action, comment_action(None, "Vu.", false));
}

fn comment_action(clause_id: Option<&str>, text: &str, internal: bool) -> Action {
    Action::Comment {
        clause_id: clause_id.map(str::to_string),
        text: text.into(),
        internal,
    }
}

/// Events are not commands: a stored event whose values hold a field this version does not know
/// still decodes.
#[test]
fn an_event_with_a_field_unknown_to_its_values_still_decodes() {
    let mut event = serde_json::to_value(opened()).expect("an event serialises");
    event["NegotiationOpened"]["parties"][0]["since"] = json!("1960");
    let decoded: NegotiationEvent = serde_json::from_value(event).expect("decodes");
    let NegotiationEvent::NegotiationOpened { parties, .. } = decoded else {
        panic!("an opening")
    };
    assert_eq!(
        parties[0],
        Party::new("CIV", "Côte d'Ivoire", CIV_HEAD, "Head of Côte d'Ivoire")
    );
}

fn proposal(heading: &str, language: &str, text: &str) -> Action {
    Action::ProposeClause {
        clause_id: "art-2".into(),
        kind: ClauseKind::Article,
        heading: heading.into(),
        language: language.into(),
        text: text.into(),
        after: None,
        before: None,
    }
}

#[test]
fn a_bidirectional_control_in_clause_text_is_refused_naming_the_clause_and_the_character() {
    expect_refusal(
        negotiating(),
        MAR_NEGOTIATOR,
        proposal("Définitions", "fr", "Les Parties\u{202E}conviennent"),
        NegotiationError::BidiControl {
            field: "the text of clause 'art-2'".into(),
            code_point: "U+202E".into(),
            name: "RIGHT-TO-LEFT OVERRIDE".into(),
            at: 12,
        },
    );
    let error = NegotiationError::BidiControl {
        field: "the text of clause 'art-2'".into(),
        code_point: "U+202E".into(),
        name: "RIGHT-TO-LEFT OVERRIDE".into(),
        at: 12,
    };
    assert_eq!(error.code(), "bidi-control");
    assert!(error.to_string().starts_with(
        "the text of clause 'art-2' holds U+202E RIGHT-TO-LEFT OVERRIDE at character 12: bidirectional controls can make the text read differently from what is hashed"
    ));
    expect_refusal(
        negotiating(),
        MAR_NEGOTIATOR,
        proposal("Définitions", "ar", "\u{2067}تتفق الأطراف\u{2069}"),
        NegotiationError::BidiControl {
            field: "the text of clause 'art-2'".into(),
            code_point: "U+2067".into(),
            name: "RIGHT-TO-LEFT ISOLATE".into(),
            at: 1,
        },
    );
}

#[test]
fn each_class_of_dangerous_character_is_refused_in_every_kind_of_text() {
    // A heading: an invisible format character.
    expect_refusal(
        negotiating(),
        MAR_NEGOTIATOR,
        proposal("Défi\u{200B}nitions", "fr", "Texte"),
        NegotiationError::InvisibleCharacter {
            field: "the heading of clause 'art-2'".into(),
            code_point: "U+200B".into(),
            name: "ZERO WIDTH SPACE".into(),
            at: 5,
        },
    );
    // A comment: a noncharacter.
    expect_refusal(
        negotiating(),
        CIV_NEGOTIATOR,
        comment_action(Some("art-1"), "Vu\u{FFFE}", false),
        NegotiationError::Noncharacter {
            field: "comment".into(),
            code_point: "U+FFFE".into(),
            at: 3,
        },
    );
    // A party's name at opening: an unassigned code point.
    expect_opening_refused(
        |action| {
            if let Action::OpenNegotiation { parties, .. } = action {
                parties[1].name = "Maroc\u{0378}".into();
            }
        },
        NegotiationError::UnassignedCodePoint {
            field: "party name".into(),
            code_point: "U+0378".into(),
            at: 6,
        },
    );
    // A title: a bidirectional embedding.
    expect_opening_refused(
        |action| {
            if let Action::OpenNegotiation { title, .. } = action {
                *title = "\u{202B}Mémorandum".into();
            }
        },
        NegotiationError::BidiControl {
            field: "title".into(),
            code_point: "U+202B".into(),
            name: "RIGHT-TO-LEFT EMBEDDING".into(),
            at: 1,
        },
    );
    // A reason: a byte-order mark inside the text.
    expect_refusal(
        negotiating(),
        CIV_NEGOTIATOR,
        withdraw("fusionné\u{FEFF}"),
        NegotiationError::InvisibleCharacter {
            field: "reason".into(),
            code_point: "U+FEFF".into(),
            name: "ZERO WIDTH NO-BREAK SPACE".into(),
            at: 9,
        },
    );
    // A clause text: a C1 control character, as before.
    expect_refusal(
        negotiating(),
        MAR_NEGOTIATOR,
        proposal("Définitions", "fr", "Texte\u{0085}"),
        NegotiationError::ControlCharacter {
            field: "clause text",
            code_point: "U+0085".into(),
        },
    );
}

#[test]
fn arabic_with_its_letter_and_direction_marks_and_persian_with_joiners_are_accepted() {
    let arabic = "\u{061C}تتفق الأطراف على ما يلي\u{200F} (2025)";
    let heading = "التعاريف\u{200F}";
    expect_mar_proposal_recorded((heading, "ar", arabic), (heading, arabic));
    let persian = "این موافقت‌نامه از تاریخ امضا اجرا می‌شود";
    expect_events(
        negotiating(),
        CIV_NEGOTIATOR,
        comment_action(Some("art-1"), persian, false),
        vec![NegotiationEvent::Commented {
            clause_id: Some("art-1".into()),
            text: persian.into(),
            internal: false,
        }],
    );
}

#[test]
fn a_wording_is_recorded_and_hashed_in_nfc() {
    // "Définitions" and "présent" typed with a combining acute accent (NFD).
    let heading = "De\u{301}finitions";
    let text = "Le pre\u{301}sent Me\u{301}morandum";
    expect_mar_proposal_recorded(
        (heading, "fr", text),
        ("Définitions", "Le présent Mémorandum"),
    );
    // The wording on record, sent again in NFD, changes nothing.
    expect_refusal(
        negotiating(),
        CIV_NEGOTIATOR,
        amend(art1_hash(), &nfd(ART1_TEXT)),
        NegotiationError::AmendmentChangesNothing("art-1".into()),
    );
}

fn nfd(text: &str) -> String {
    unicode_normalization::UnicodeNormalization::nfd(text).collect()
}

/// `ClauseProposed` of an article "art-2" by Morocco, with its text hash.
fn art_2_proposed_by_mar(heading: &str, language: &str, text: &str) -> NegotiationEvent {
    NegotiationEvent::ClauseProposed {
        clause_id: "art-2".into(),
        kind: ClauseKind::Article,
        heading: heading.into(),
        language: language.into(),
        text: text.into(),
        text_hash: clause_text_hash(heading, language, text),
        proposed_by: "MAR".into(),
    }
}

/// Morocco proposes article "art-2" as `sent` (heading, language, text); the event records
/// `recorded` (heading, text) and its hash.
fn expect_mar_proposal_recorded(sent: (&str, &str, &str), recorded: (&str, &str)) {
    let (heading, language, text) = sent;
    expect_events(
        negotiating(),
        MAR_NEGOTIATOR,
        proposal(heading, language, text),
        vec![art_2_proposed_by_mar(recorded.0, language, recorded.1)],
    );
}
