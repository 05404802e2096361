//! Bilingual and redline companions, on both stores: the redline in one authentic language
//! (a correction to the Arabic version included) through the CLI, the API and the pages, and
//! the two-column bilingual document of the demo through `pacta export --with` and the export
//! endpoint's `with`.

use std::io::Cursor;

use pacta::demo::{
    DEMO_AGREEMENT, DEMO_AGREEMENT_TOKEN_PERSON, DEMO_NEGOTIATION, DEMO_TOKEN_PERSON,
};
use reqwest::header::COOKIE;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::cli::ExitCode::Refused;
use crate::common::cli::{assert_fails, assert_ok, ok, pacta, Negotiation, Wording};
use crate::common::http::Server;
use crate::common::{Backend, TestStore};

on_both_stores!(
    a_correction_to_the_arabic_version_shows_in_the_arabic_redline,
    the_demo_exports_side_by_side_in_french_and_arabic,
);

const NEG: &str = "civ-mar-mobility";
const HEADS: [&str; 2] = ["civ.head", "mar.head"];
const FRENCH: Wording = Wording::fr(
    "Mobilité",
    "Les Parties encouragent la mobilité des étudiants.",
);
const ARABIC: Wording = arabic("يشجع الطرفان تنقل الطلاب.");
const CORRECTED: Wording = arabic("يشجع الطرفان تنقل الطلاب والأساتذة.");

const fn arabic(text: &str) -> Wording<'_> {
    Wording {
        language: "ar",
        heading: "التنقل",
        text,
    }
}

/// The number of events recorded in `negotiation`.
async fn last_sequence(store: &TestStore, negotiation: &str) -> usize {
    store.ledger().events(negotiation).await.unwrap().len()
}

/// The acts a redline clause names, as (event, proposing party).
fn changed_by(clause: &Value) -> Vec<(String, String)> {
    clause["changed_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["event"].as_str().unwrap().to_string(),
                a["proposed_by"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The words a redline clause inserts.
fn inserted(clause: &Value) -> String {
    clause["text"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|run| run["kind"] == "inserted")
        .map(|run| run["text"].as_str().unwrap())
        .collect()
}

/// A French and Arabic agreement, adopted and signed by Côte d'Ivoire, whose Arabic version
/// Morocco's legal-linguist then corrects with both parties' agreement: the redline in Arabic
/// shows the corrected words and the acts behind them, the default one says the Arabic version
/// changed, and a language that is not authentic is refused, by the CLI, the API and the pages.
async fn a_correction_to_the_arabic_version_shows_in_the_arabic_redline(backend: Backend) {
    let store = TestStore::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let neg = Negotiation::new(&store, NEG);
    let title = "Accord de mobilité universitaire";
    neg.open_civ_mar(
        title,
        "agreement",
        &["--language", "fr", "--language", "ar"],
    );
    for (party, head) in [("CIV", "civ.head"), ("MAR", "mar.head")] {
        let linguist = format!("linguist.{}", party.to_lowercase());
        neg.accredit(head, &linguist, party, "legal-linguist", &[]);
    }
    neg.propose("civ.head", "art-1", FRENCH);
    neg.ok_by(&HEADS, "agree", &["art-1", "--hash", &FRENCH.hash()]);
    assert_ok(&neg.translate("linguist.mar", "art-1", &FRENCH.hash(), ARABIC));
    assert_ok(&neg.concordance("linguist.civ", "art-1", "ar", &ARABIC.hash()));
    neg.ok_by(&HEADS, "adopt", &["--root", &neg.text_root()]);
    let keys = neg.accredit_signatories(dir.path());
    let root = neg.text_root();
    // The signatory's title and the place of signature, each also in Arabic; a title in a
    // language the instrument is not written in is refused.
    let signing = [
        "--key",
        &keys[0],
        "--root",
        &root,
        "--capacity",
        "definitive",
        "--on",
        "2026-05-04",
        "--title",
        "Ministre des Affaires étrangères",
        "--title-in",
        "ar=وزير الشؤون الخارجية",
        "--took-place-on",
        "2026-05-04",
        "--took-place-in",
        "Rabat",
        "--place-in",
        "ar=الرباط",
    ];
    let in_english = [
        &signing[..],
        &["--title-in", "en=Minister for Foreign Affairs"],
    ]
    .concat();
    assert_fails(
        &neg.act("minister.civ", "sign", &in_english),
        Refused,
        "the signatory title is given in 'en', which is not an authentic language",
    );
    assert_ok(&neg.act("minister.civ", "sign", &signing));
    let instrument = |language: &'static str| {
        neg.read(
            "export",
            &[
                "--format",
                "markdown",
                "--form",
                "instrument",
                "--language",
                language,
            ],
        )
    };
    let french = instrument("fr");
    assert!(
        french.contains("Ministre des Affaires étrangères"),
        "{french}"
    );
    assert!(french.contains("À Rabat, le 4 mai 2026"), "{french}");
    let arabic = instrument("ar");
    assert!(arabic.contains("وزير الشؤون الخارجية"), "{arabic}");
    assert!(arabic.contains("في الرباط بتاريخ 4 ماي 2026"), "{arabic}");
    assert!(
        !arabic.contains("Ministre") && !arabic.contains("Rabat"),
        "{arabic}"
    );
    let before = last_sequence(&store, NEG).await.to_string();
    let why = [
        "--id",
        "corr-ar",
        "--base",
        &ARABIC.hash(),
        "--reason",
        "Les enseignants ont été omis",
    ];
    assert_ok(&neg.table(
        "linguist.mar",
        "correct",
        &[&["art-1"][..], &why].concat(),
        CORRECTED,
    ));
    for agreeing in ["civ.head", "mar.head"] {
        let hash = CORRECTED.hash();
        assert_ok(&neg.act(agreeing, "agree-correction", &["corr-ar", "--hash", &hash]));
    }
    let after = last_sequence(&store, NEG).await.to_string();
    let points = ["--from", before.as_str(), "--to", after.as_str()];

    let in_arabic = neg.json("redline", &[&points[..], &["--language", "ar"]].concat());
    let clause = &in_arabic["clauses"][0];
    assert_eq!(clause["change"], "changed", "{in_arabic}");
    assert_eq!(clause["language"], "ar");
    assert!(inserted(clause).contains("والأساتذة"), "{clause}");
    let acts = changed_by(clause);
    let events: Vec<&str> = acts.iter().map(|(event, _)| event.as_str()).collect();
    assert_eq!(
        events,
        [
            "CorrectionProposed",
            "CorrectionAgreed",
            "CorrectionAgreed",
            "TextCorrected"
        ]
    );
    assert!(
        acts.iter().all(|(_, proposer)| proposer == "MAR"),
        "the corrected wording is Morocco's: {acts:?}"
    );
    let text = neg.read("redline", &[&points[..], &["--language", "ar"]].concat());
    assert!(text.contains("changed [ar]"), "{text}");
    assert!(!text.contains("unchanged [fr]"), "{text}");

    let in_reference = neg.json("redline", &points);
    let clause = &in_reference["clauses"][0];
    assert_eq!(
        (&clause["change"], &clause["language"]),
        (&"unchanged".into(), &"fr".into())
    );
    assert_eq!(
        clause["notes"][0], "The ar version changed; see the redline in ar",
        "{clause}"
    );
    let refusal = pacta(
        &store,
        &neg.read_args("redline", &[&points[..], &["--language", "de"]].concat()),
    );
    assert_fails(&refusal, Refused, "'de' is not an authentic language");

    let server = Server::on(store).await;
    let token = server.token("civ.head").await;
    let path = |language: &str| {
        format!("/api/negotiations/{NEG}/redline?from={before}&to={after}&language={language}")
    };
    let api = server
        .get(&path("ar"), Some(&token))
        .await
        .ok(StatusCode::OK);
    assert_eq!(
        api["clauses"], in_arabic["clauses"],
        "the API and the CLI agree"
    );
    server
        .get(&path("de"), Some(&token))
        .await
        .assert_error(StatusCode::NOT_FOUND, "not-authentic-language");

    let cookie = server.sign_in(&token).await;
    let page = |query: String| {
        let request = server
            .client
            .get(server.url(&format!("/negotiations/{NEG}/redline?{query}")))
            .header(COOKIE, cookie.clone());
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let (status, body) = page(format!("from={before}&to={after}&language=ar")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(
        body.contains("<option value=\"ar\" lang=\"ar\" selected>ar</option>"),
        "the language chosen stays chosen: {body}"
    );
    assert!(
        body.contains("class=\"wording redline\" lang=\"ar\" dir=\"rtl\""),
        "the Arabic wording reads right to left: {body}"
    );
    assert!(body.contains("والأساتذة"));
    let (status, _) = page(format!("from={before}&to={after}&language=de")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

/// `pacta export --with ar` and the export endpoint's `with=ar`: the demo's agreement as signed
/// (revision 0, instrument form) and the MoU's working document, French and Arabic side by
/// side in HTML (a cell per language, each with its direction), Markdown and Word.
async fn the_demo_exports_side_by_side_in_french_and_arabic(backend: Backend) {
    let store = TestStore::with_demo(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let signed = ["--form", "instrument", "--revision", "0", "--with", "ar"];
    let export = |format: &'static str, args: &[&'static str]| {
        [&["export", DEMO_AGREEMENT, "--format", format][..], args].concat()
    };
    let html = ok(&store, &export("html", &signed));
    assert!(html.contains("<table class=\"bilingual\">"), "{html}");
    for column in [
        "<td lang=\"fr\" dir=\"ltr\">",
        "<td lang=\"ar\" dir=\"rtl\">",
    ] {
        assert!(html.contains(column), "{column}");
    }
    for words in [
        "Article premier",
        "المادة 1",
        "Sont convenus de ce qui suit :",
        "قد اتفقتا على ما يلي:",
        "Pour le Gouvernement du Royaume du Maroc",
        "عن حكومة المملكة المغربية",
    ] {
        assert!(html.contains(words), "{words}");
    }
    // Every row of the table is one passage in both languages.
    for row in html.split("<tr id=\"row-").skip(1) {
        let row = &row[..row.find("</tr>").unwrap()];
        assert_eq!(row.matches("<td").count(), 2, "{row}");
    }
    let markdown = ok(&store, &export("markdown", &signed));
    let french = markdown
        .find("## Article premier")
        .expect("the French article");
    let arabic = markdown.find("## المادة 1").expect("the Arabic article");
    assert!(french < arabic, "each passage in French, then in Arabic");
    let docx_file = dir.path().join("agreement-fr-ar.docx");
    let out = ["--out", docx_file.to_str().unwrap()];
    assert_ok(&pacta(
        &store,
        &[&export("docx", &signed)[..], &out[..]].concat(),
    ));
    let docx = std::fs::read(&docx_file).unwrap();
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let xml = std::io::read_to_string(archive.by_name("word/document.xml").unwrap()).unwrap();
    assert!(
        xml.contains("<w:tbl>") && xml.contains("<w:bidi"),
        "a table, Arabic cells right to left"
    );
    assert!(xml.contains("Article premier") && xml.contains("المادة 1"));
    let working = ok(
        &store,
        &[
            "export",
            DEMO_NEGOTIATION,
            "--format",
            "html",
            "--with",
            "ar",
        ],
    );
    assert!(
        working.contains("<tr class=\"status\">"),
        "the working form keeps each status"
    );
    // Refused, writing nothing: the document's own language, a language that is not
    // authentic, a format with no two columns.
    for (args, said) in [
        (
            export("html", &["--with", "fr"]),
            "already the document's language",
        ),
        (
            export("html", &["--with", "de"]),
            "'de' is not an authentic language",
        ),
        (
            export("akoma-ntoso", &["--with", "ar"]),
            "a bilingual document is made as markdown, html",
        ),
    ] {
        assert_fails(&pacta(&store, &args), Refused, said);
    }

    let mou_last = last_sequence(&store, DEMO_NEGOTIATION).await;
    let server = Server::on(store).await;
    let token = server.token(DEMO_AGREEMENT_TOKEN_PERSON).await;
    let path = format!(
        "/api/negotiations/{DEMO_AGREEMENT}/exports/html?form=instrument&revision=0&with=ar"
    );
    let reply = server.get(&path, Some(&token)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.text(),
        html,
        "the API and the CLI make the same document"
    );
    server
        .get(
            &format!("/api/negotiations/{DEMO_AGREEMENT}/exports/html?with=de"),
            Some(&token),
        )
        .await
        .assert_error(StatusCode::NOT_FOUND, "not-authentic-language");
    let mou_token = server.token(DEMO_TOKEN_PERSON).await;
    let reply = server
        .get(
            &format!(
                "/api/negotiations/{DEMO_NEGOTIATION}/redline?from=1&to={mou_last}&language=ar"
            ),
            Some(&mou_token),
        )
        .await
        .ok(StatusCode::OK);
    assert_eq!(reply["language"], "ar");
    assert!(reply["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["language"] == "ar"));
}
