//! Every text a person can type is shown as text, never run: payloads that would open a script,
//! break out of an attribute or smuggle a `javascript:` URL go into every field the ledger keeps
//! (titles, party and person names, clause headings and texts, alternatives, comments, reasons,
//! rationales, places, matrix rows) and every page is parsed as a browser parses it (html5ever,
//! Servo's HTML parser) to prove that no script, event handler or script URL came of them.

use crate::common::http::Server;
use crate::common::{Backend, TestStore};
use scraper::{Html, Selector};
use serde_json::{json, Value};

/// One of each kind of injection; `{}` is replaced by the field's name so each field's text is
/// told apart.
const PAYLOAD: &str = "{}: <script>alert('pacta')</script> \"><img src=x onerror=alert(1)> \
                       ' autofocus onfocus='alert(1) <a href=\"javascript:alert(1)\">x</a>";

fn payload(field: &str) -> String {
    PAYLOAD.replace("{}", field)
}

const NEGOTIATION: &str = "xss-mou";
const CIV_HEAD: &str = "civ.head";
const MAR_HEAD: &str = "mar.head";

/// What a parsed page must not hold: a script that is not one of the service's own files, an
/// event-handler attribute, a `javascript:` URL, or an image (the pages have none).
fn assert_inert(path: &str, page: &str) {
    let document = Html::parse_document(page);
    let all = Selector::parse("*").expect("a selector");
    for element in document.select(&all) {
        let element = element.value();
        if element.name() == "script" {
            let src = element.attr("src").unwrap_or_default();
            assert!(
                src.starts_with("/static/"),
                "{path}: a script that is not the service's own: {element:?}"
            );
        }
        assert_ne!(element.name(), "img", "{path}: an injected image");
        for (name, value) in element.attrs() {
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "{path}: an event handler {name}={value:?} on <{}>",
                element.name()
            );
            if matches!(name, "href" | "src" | "action" | "formaction") {
                assert!(
                    !value.trim().to_ascii_lowercase().starts_with("javascript:"),
                    "{path}: a script URL in {name}"
                );
            }
            assert_ne!(name, "autofocus", "{path}: an injected attribute");
        }
    }
}

/// The text a browser shows for the page (scripts and styles aside).
fn shown_text(page: &str) -> String {
    Html::parse_document(page)
        .root_element()
        .text()
        .collect::<Vec<_>>()
        .join("")
}

async fn record_payloads_everywhere(server: &Server) -> (String, String) {
    let (civ_name, mar_name) = (payload("civ head name"), payload("mar head name"));
    server.store.register(CIV_HEAD, &civ_name, "CIV").await;
    server.store.register(MAR_HEAD, &mar_name, "MAR").await;
    let civ = server.token(CIV_HEAD).await;
    let mar = server.token(MAR_HEAD).await;
    let opening = json!({
        "type": "open-negotiation",
        "negotiation_id": NEGOTIATION,
        "title": payload("title"),
        "instrument_kind": "mou",
        "parties": [
            {"code": "CIV", "name": payload("civ party"),
             "head_of_delegation": {"person": CIV_HEAD, "name": civ_name}},
            {"code": "MAR", "name": payload("mar party"),
             "head_of_delegation": {"person": MAR_HEAD, "name": mar_name}},
        ],
        "languages": ["fr"],
    });
    server.act(NEGOTIATION, &civ, opening).await;
    // The round runs from today: every act recorded while it is open takes place within it.
    let today = chrono::Utc::now().date_naive();
    let acts: Vec<(&str, Value)> = vec![
        (
            &civ,
            json!({"type": "open-round", "round_id": "r1", "kind": "negotiating-round",
                      "place": payload("place"), "starts_on": today, "ends_on": today + chrono::Days::new(7)}),
        ),
        (
            &civ,
            json!({"type": "propose-clause", "clause_id": "art-1", "kind": "article",
                      "heading": payload("heading"), "language": "fr", "text": payload("text")}),
        ),
        (
            &civ,
            json!({"type": "propose-clause", "clause_id": "art-2", "kind": "article",
                      "heading": "Objet", "language": "fr", "text": "Texte."}),
        ),
        (
            &civ,
            json!({"type": "comment", "clause_id": "art-1", "text": payload("comment")}),
        ),
        (
            &civ,
            json!({"type": "comment", "clause_id": "art-1", "text": payload("internal"), "internal": true}),
        ),
        (
            &mar,
            json!({"type": "state-position", "clause_id": "art-1",
                      "position": {"position": "reject"}, "rationale": payload("rationale")}),
        ),
        (
            &mar,
            json!({"type": "propose-alternative", "clause_id": "art-1", "label": "A",
                      "language": "fr", "text": payload("alternative")}),
        ),
        (
            &civ,
            json!({"type": "withdraw-clause", "clause_id": "art-2", "reason": payload("reason")}),
        ),
        (
            &civ,
            json!({"type": "record-minutes", "round_id": "r1", "minutes_hash": "ab".repeat(32),
                      "reference": payload("minutes")}),
        ),
        (
            &civ,
            json!({"type": "create-matrix", "matrix_id": "mx-1", "title": payload("matrix")}),
        ),
        (
            &civ,
            json!({"type": "propose-row", "matrix_id": "mx-1", "row_id": "row-1", "content": {
            "objective": payload("objective"), "action": payload("action"),
            "responsible_party": "CIV", "agency": payload("agency"),
            "starts_on": "2026-04-01", "ends_on": "2026-12-31",
            "indicator": {"name": payload("indicator"), "unit": payload("unit"),
                          "baseline": payload("baseline"), "target": payload("target")}}}),
        ),
    ];
    for (token, action) in acts {
        server.act(NEGOTIATION, token, action).await;
    }
    (civ, mar)
}

async fn every_typed_text_renders_inert(backend: Backend) {
    let server = Server::on(TestStore::new(backend).await).await;
    let (civ, mar) = record_payloads_everywhere(&server).await;
    let pages = [
        "/".to_string(),
        format!("/negotiations/{NEGOTIATION}"),
        format!("/negotiations/{NEGOTIATION}/clauses/art-1"),
        format!("/negotiations/{NEGOTIATION}/clauses/art-2"),
        format!("/negotiations/{NEGOTIATION}/timeline"),
        format!("/negotiations/{NEGOTIATION}/agreement"),
        format!("/negotiations/{NEGOTIATION}/matrices"),
        format!(
            "/negotiations/{NEGOTIATION}/redline?from=1&to={}",
            chrono::Utc::now().date_naive()
        ),
    ];
    for token in [&civ, &mar] {
        let cookie = server.sign_in(token).await;
        let mut shown = String::new();
        for path in &pages {
            let response = server
                .get_request(path, None)
                .header("cookie", &cookie)
                .send()
                .await
                .expect("the page answers");
            assert_eq!(response.status(), 200, "{path}");
            let page = response.text().await.expect("the page");
            assert_inert(path, &page);
            shown.push_str(&shown_text(&page));
        }
        // Shown as typed, not dropped: a reader sees the text the payload spells. (The pages
        // name delegates by their ids: the heads' names are in the ledger, on no page.)
        for field in [
            "title",
            "heading",
            "text",
            "comment",
            "rationale",
            "alternative",
            "reason",
            "place",
            "matrix",
            "objective",
            "indicator",
            "civ party",
        ] {
            assert!(shown.contains(&payload(field)), "{field} is shown as typed");
        }
        // The internal comment only to its own delegation, payload or not.
        assert_eq!(
            shown.contains(&payload("internal")),
            token == &civ,
            "internal comments stay with their party"
        );
    }
}

on_both_stores!(every_typed_text_renders_inert);
