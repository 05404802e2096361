//! The structure of a text through the CLI: a small French–English agreement where a definitions
//! article is inserted before the first article after the fact and a later article is withdrawn;
//! numbers, cross-references and the redline in both languages; a move agreed by both parties;
//! frozen numbering giving "2 bis"; and the refusals of placement and references.

use serde_json::Value;

use crate::common::cli::{assert_ok, ExitCode, Negotiation, Wording};
use crate::common::{Backend, TestStore};

on_both_stores!(
    a_definitions_article_inserted_late_renumbers_the_text_in_both_languages,
    a_move_agreed_by_both_parties_shows_in_the_redline,
    frozen_numbering_gives_an_inserted_article_bis,
    placements_and_references_that_cannot_be_are_refused,
    parts_and_final_clauses_export_as_valid_akoma_ntoso,
    the_arabic_version_numbers_articles_in_ordinal_words_when_the_parties_choose,
);

const OBJECT: Wording = Wording::fr(
    "Objet",
    "Les Parties coopèrent en matière d'enseignement supérieur.",
);
const COOPERATION: Wording = Wording::fr(
    "Coopération",
    "Les Parties encouragent la mobilité des étudiants.",
);
const REFERENCE: Wording = Wording::fr(
    "Mise en œuvre",
    "Les mesures prévues à l'article [[art-obj]] sont mises en œuvre par un comité.\n\nLe comité se réunit une fois par an.",
);
const ENTRY_INTO_FORCE: Wording = Wording::fr(
    "Entrée en vigueur",
    "Le présent Accord entre en vigueur à la date de sa signature.",
);
const DEFINITIONS: Wording = Wording::fr(
    "Définitions",
    "Aux fins du présent Accord, « étudiant » désigne toute personne inscrite.",
);

/// An agreement in French and English between Côte d'Ivoire and Morocco, with a CIV
/// legal-linguist: art-obj, art-coop, art-ref (referring to art-obj) and a final clause on entry
/// into force, proposed in that order by CIV's head; art-ref translated into English.
fn drafted(neg: &Negotiation) {
    neg.open_civ_mar(
        "Accord de coopération en matière d'enseignement supérieur",
        "agreement",
        &["--language", "fr", "--language", "en"],
    );
    neg.accredit("civ.head", "civ.ling", "CIV", "legal-linguist", &[]);
    for (clause, wording) in [
        ("art-obj", OBJECT),
        ("art-coop", COOPERATION),
        ("art-ref", REFERENCE),
    ] {
        neg.propose("civ.head", clause, wording);
    }
    let final_clause = [
        &["art-eif", "--kind", "final-clause"][..],
        &ENTRY_INTO_FORCE.args(),
    ]
    .concat();
    neg.ok("civ.head", "propose", &final_clause);
    let english = Wording {
        language: "en",
        heading: "Implementation",
        text: "The measures provided for in Article [[art-obj]] are implemented by a committee.\n\nThe committee meets once a year.",
    };
    assert_ok(&neg.translate("civ.ling", "art-ref", &REFERENCE.hash(), english));
}

/// The last event's sequence: a point for the redline.
fn now(neg: &Negotiation) -> String {
    neg.json("draft", &[])["as_of_sequence"].to_string()
}

/// Each live clause of the draft: (id, French label, English label).
fn labels(neg: &Negotiation) -> Vec<(String, String, String)> {
    let draft: Value = neg.json("draft", &[]);
    draft["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "withdrawn")
        .map(|c| {
            let label = |l: &str| c["labels"][l].as_str().unwrap_or_default().to_string();
            (
                c["clause_id"].as_str().unwrap().to_string(),
                label("fr"),
                label("en"),
            )
        })
        .collect()
}

fn row(id: &str, fr: &str, en: &str) -> (String, String, String) {
    (id.into(), fr.into(), en.into())
}

async fn a_definitions_article_inserted_late_renumbers_the_text_in_both_languages(
    backend: Backend,
) {
    let store = TestStore::new(backend).await;
    let neg = Negotiation::new(&store, "civ-mar-sup");
    drafted(&neg);
    let before = now(&neg);
    let object_hash = OBJECT.hash();
    for head in ["civ.head", "mar.head"] {
        assert_ok(&neg.agree(head, "art-obj", &object_hash, &[]));
    }

    // The definitions article comes first although proposed last; art-coop is withdrawn.
    let placed = [&["art-def", "--before", "art-obj"][..], &DEFINITIONS.args()].concat();
    neg.ok("civ.head", "propose", &placed);
    neg.ok(
        "civ.head",
        "withdraw",
        &["art-coop", "--reason", "Fusionné avec l'article 1"],
    );

    assert_eq!(
        labels(&neg),
        vec![
            row("art-def", "Article premier", "Article 1"),
            row("art-obj", "Article 2", "Article 2"),
            row("art-ref", "Article 3", "Article 3"),
            row("art-eif", "Article 4", "Article 4"),
        ]
    );
    // Renumbering does not touch art-obj's agreement.
    let draft = neg.json("draft", &[]);
    let object = draft["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clause_id"] == "art-obj")
        .unwrap();
    assert_eq!(object["status"], "agreed", "{object}");

    let french = neg.read("draft", &["--language", "fr"]);
    assert!(french.contains("Article premier — Définitions"), "{french}");
    assert!(
        french.contains("1. Les mesures prévues à l'article 2 sont mises en œuvre par un comité."),
        "the reference reads the new number, paragraphs numbered: {french}"
    );
    assert!(
        french.contains("2. Le comité se réunit une fois par an."),
        "{french}"
    );
    let english = neg.read("draft", &["--language", "en"]);
    assert!(english.contains("\nArticle 1  [proposed"), "{english}");
    assert!(
        english.contains("\nArticle 3 — Implementation  ["),
        "{english}"
    );
    assert!(
        english.contains("The measures provided for in Article 2 are implemented"),
        "{english}"
    );

    // The redline says which article became which, in each language, and shows the reference.
    let to = now(&neg);
    let span = ["--from", before.as_str(), "--to", to.as_str()];
    let redline_fr = neg.read("redline", &[&span[..], &["--language", "fr"]].concat());
    assert!(
        redline_fr.contains("Article premier devient Article 2"),
        "{redline_fr}"
    );
    assert!(
        redline_fr.contains("[-premier-]{+2+}") || redline_fr.contains("[-premier"),
        "the reference in art-ref changes with the number: {redline_fr}"
    );
    let redline_en = neg.read("redline", &[&span[..], &["--language", "en"]].concat());
    assert!(
        redline_en.contains("Article 1 becomes Article 2"),
        "{redline_en}"
    );
    assert!(
        !redline_en.contains("Article 3 becomes"),
        "art-ref keeps its number: {redline_en}"
    );
    let markdown = neg.read(
        "redline",
        &[&span[..], &["--language", "fr", "--format", "markdown"]].concat(),
    );
    assert!(
        markdown.contains("> Article premier devient Article 2"),
        "{markdown}"
    );

    // A reference to the withdrawn article is flagged in the text and the warnings.
    let hash = neg.text_hash("art-ref");
    let amended = Wording::fr("Mise en œuvre", "Voir l'article [[art-coop]].");
    let amend = [&["art-ref", "--base", hash.as_str()][..], &amended.args()].concat();
    neg.ok("civ.head", "amend", &amend);
    let flagged = neg.read("draft", &["--language", "fr"]);
    assert!(
        flagged.contains("Voir l'article [withdrawn: art-coop]."),
        "{flagged}"
    );
    assert!(
        flagged.contains("Warning: art-ref (Article 3) refers to art-coop, which was withdrawn"),
        "{flagged}"
    );
}

async fn a_move_agreed_by_both_parties_shows_in_the_redline(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = Negotiation::new(&store, "civ-mar-move");
    drafted(&neg);
    let before = now(&neg);
    neg.ok("civ.head", "move", &["art-ref", "--before", "art-obj"]);
    assert_eq!(labels(&neg)[0].0, "art-obj", "a proposal moves nothing");
    neg.ok("civ.head", "agree-structure", &["move-art-ref"]);
    neg.ok("mar.head", "agree-structure", &["move-art-ref"]);
    assert_eq!(
        labels(&neg),
        vec![
            row("art-ref", "Article premier", "Article 1"),
            row("art-obj", "Article 2", "Article 2"),
            row("art-coop", "Article 3", "Article 3"),
            row("art-eif", "Article 4", "Article 4"),
        ]
    );
    let redline = neg.read(
        "redline",
        &[
            "--from",
            before.as_str(),
            "--to",
            now(&neg).as_str(),
            "--language",
            "en",
        ],
    );
    assert!(redline.contains("Article 3 becomes Article 1"), "{redline}");
    assert!(redline.contains("Moved; wording unchanged"), "{redline}");
    assert!(redline.contains("Article 1 becomes Article 2"), "{redline}");
}

async fn frozen_numbering_gives_an_inserted_article_bis(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = Negotiation::new(&store, "civ-mar-bis");
    drafted(&neg);
    neg.ok("civ.head", "freeze-numbering", &[]);
    neg.ok("civ.head", "agree-structure", &["freeze-numbering"]);
    neg.ok("mar.head", "agree-structure", &["freeze-numbering"]);
    let inserted = [
        &["art-mob", "--after", "art-coop"][..],
        &Wording::fr(
            "Mobilité",
            "Les Parties facilitent la délivrance des visas.",
        )
        .args(),
    ]
    .concat();
    neg.ok("mar.head", "propose", &inserted);
    neg.ok("civ.head", "withdraw", &["art-ref", "--reason", "Superflu"]);
    assert_eq!(
        labels(&neg),
        vec![
            row("art-obj", "Article premier", "Article 1"),
            row("art-coop", "Article 2", "Article 2"),
            row("art-mob", "Article 2 bis", "Article 2 bis"),
            row("art-eif", "Article 4", "Article 4"),
        ],
        "art-ref's number 3 is left unused"
    );
    let shown = neg.read("draft", &[]);
    assert!(shown.contains("Numbering frozen"), "{shown}");
    neg.refused(
        "civ.head",
        "move",
        &["art-mob", "--before", "art-obj"],
        ExitCode::Refused,
        "the numbering of the articles is frozen",
    )
    .await;
}

async fn placements_and_references_that_cannot_be_are_refused(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = Negotiation::new(&store, "civ-mar-refused");
    drafted(&neg);
    neg.ok(
        "civ.head",
        "withdraw",
        &["art-coop", "--reason", "Fusionné"],
    );
    let text = ["--language", "fr", "--text", "Considérant …"];
    for (args, expected) in [
        (
            vec!["rec-1", "--kind", "recital", "--before", "art-obj"],
            "clause 'rec-1' belongs in the preamble but 'art-obj' is in the articles",
        ),
        (
            vec!["art-x", "--after", "art-coop"],
            "clause 'art-x' is to be placed by clause 'art-coop', which was withdrawn",
        ),
        (
            vec!["art-x", "--after", "art-zz"],
            "clause 'art-x' is to be placed by clause 'art-zz', which the negotiation does not have",
        ),
        (
            vec!["art-x", "--before", "art-eif"],
            "clause 'art-x' belongs in the articles but 'art-eif' is in the final clauses",
        ),
    ] {
        let args = [&args[..], &text[..]].concat();
        neg.refused("civ.head", "propose", &args, ExitCode::Refused, expected)
            .await;
    }
    let unknown = [
        "art-x",
        "--language",
        "fr",
        "--text",
        "Voir l'article [[art-zz]].",
    ];
    neg.refused(
        "civ.head",
        "propose",
        &unknown,
        ExitCode::Refused,
        "the text of clause 'art-x' refers to [[art-zz]], which the negotiation does not have",
    )
    .await;
}

async fn parts_and_final_clauses_export_as_valid_akoma_ntoso(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = Negotiation::new(&store, "civ-mar-akn");
    drafted(&neg);
    let part = [
        "part-1",
        "--kind",
        "part",
        "--before",
        "art-obj",
        "--language",
        "fr",
        "--text",
        "Dispositions générales",
    ];
    neg.ok("civ.head", "propose", &part);
    let dir = tempfile::tempdir().unwrap();
    for (language, first) in [
        ("fr", "<num>Article premier</num>"),
        ("en", "<num>Article 1</num>"),
    ] {
        let xml = crate::common::cli::ok(
            &store,
            &[
                "export",
                neg.id,
                "--format",
                "akoma-ntoso",
                "--language",
                language,
            ],
        );
        assert!(xml.contains(first), "{xml}");
        assert!(xml.contains("name=\"part\""), "{xml}");
        let file = dir.path().join(format!("{language}.xml"));
        std::fs::write(&file, &xml).unwrap();
        crate::exports::assert_valid_akoma_ntoso(&file);
    }
}

async fn the_arabic_version_numbers_articles_in_ordinal_words_when_the_parties_choose(
    backend: Backend,
) {
    let store = TestStore::new(backend).await;
    let neg = Negotiation::new(&store, "civ-mar-ar");
    let terms = [
        "--language",
        "fr",
        "--language",
        "ar",
        "--arabic-numbering",
        "ordinal-words",
    ];
    neg.open_civ_mar("Accord", "agreement", &terms);
    neg.propose("civ.head", "art-obj", OBJECT);
    neg.propose("civ.head", "art-coop", COOPERATION);
    let draft = neg.json("draft", &[]);
    let arabic: Vec<&str> = draft["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["labels"]["ar"].as_str().unwrap())
        .collect();
    assert_eq!(arabic, ["المادة الأولى", "المادة الثانية"]);
    assert_eq!(draft["arabic_article_numbering"], "ordinal-words");
}
