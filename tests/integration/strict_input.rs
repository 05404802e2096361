//! Strict input at the front ends: a command with a field its act does not have, at any depth,
//! is refused naming the field and records nothing, over HTTP and from `pacta submit`; a text
//! holding a bidirectional control is refused naming the clause and the code point.

use reqwest::StatusCode;
use serde_json::json;

use crate::common::cli::{open_civ_mar, refused, ExitCode, Negotiation, PROPOSE_OBJET};
use crate::common::http::{open_small, open_small_action, propose, Server, CIV_HEAD, NEGOTIATION};
use crate::common::{Backend, TestStore};

on_both_stores!(
    a_misspelt_field_inside_an_action_is_refused_over_http_and_records_nothing,
    a_misspelt_field_inside_an_action_is_a_usage_error_of_pacta_submit,
);

async fn a_misspelt_field_inside_an_action_is_refused_over_http_and_records_nothing(
    backend: Backend,
) {
    let server = Server::start(backend).await;
    let civ = server.token(CIV_HEAD).await;
    // An opening whose party misspells a field is refused before anything exists.
    let mut opening = open_small_action();
    opening["parties"][1]["head_of_delegation"]["nmae"] = json!("Chef MAR");
    let reply = server
        .send(server.action_request(NEGOTIATION, &civ, opening.clone()))
        .await;
    reply.assert_error(StatusCode::BAD_REQUEST, "invalid-body");
    let message = reply.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("`nmae` in action.parties[1].head_of_delegation"),
        "{message}"
    );
    assert_eq!(server.store.event_count().await, 0);

    open_small(&server, &civ).await;
    server
        .act(NEGOTIATION, &civ, propose("art-1", "Le texte initial."))
        .await;
    let text_hash = server.text_hash(NEGOTIATION, &civ, "art-1").await;
    // The reproductions: recorded as a shared comment and a definitive agreement when the
    // misspelt field was dropped.
    for (action, field) in [
        (
            json!({"type": "comment", "text": "Position interne.", "Internal": true}),
            "unknown field `Internal`",
        ),
        (
            json!({"type": "agree-clause", "clause_id": "art-1", "text_hash": text_hash,
                   "ad-referendum": true}),
            "unknown field `ad-referendum`",
        ),
    ] {
        let request = server.action_request(NEGOTIATION, &civ, action.clone());
        let reply = server.send(request).await;
        reply.assert_error(StatusCode::BAD_REQUEST, "invalid-body");
        let message = reply.json()["message"].as_str().unwrap().to_string();
        assert!(message.contains(field), "{action}: {message}");
        server
            .command_refused(
                NEGOTIATION,
                &civ,
                action,
                StatusCode::BAD_REQUEST,
                "invalid-body",
            )
            .await;
    }
    // A text with a right-to-left override is a refusal of the rules, naming the clause.
    let reply = server
        .send(server.action_request(
            NEGOTIATION,
            &civ,
            propose("art-2", "Les Parties\u{202E}conviennent"),
        ))
        .await;
    reply.assert_error(StatusCode::BAD_REQUEST, "bidi-control");
    let message = reply.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains(
            "the text of clause 'art-2' holds U+202E RIGHT-TO-LEFT OVERRIDE at character 12"
        ),
        "{message}"
    );
    // Only the opening, its acceptance by Morocco and the IOM, and the proposal are on record.
    assert_eq!(server.store.event_count().await, 4);
}

async fn a_misspelt_field_inside_an_action_is_a_usage_error_of_pacta_submit(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = Negotiation::new(&store, "strict-submit");
    open_civ_mar(&store, neg.id, "Mémorandum", "mou");
    neg.ok("civ.head", "propose", &PROPOSE_OBJET);
    let dir = tempfile::tempdir().unwrap();
    let misspelt = [
        (
            "comment.json",
            json!({"actor": "civ.head", "action": {"type": "comment", "text": "Interne.", "Internal": true}}),
            "unknown field `Internal`",
        ),
        (
            "agree.json",
            json!({"actor": "civ.head", "action": {
                "type": "agree-clause", "clause_id": "art-objet", "text_hash": "0".repeat(64),
                "ad-referendum": true,
            }}),
            "unknown field `ad-referendum`",
        ),
    ];
    for (file, command, expected) in misspelt {
        let path = dir.path().join(file);
        std::fs::write(&path, command.to_string()).unwrap();
        let path = path.display().to_string();
        refused(
            &store,
            &neg.read_args("submit", &[&path]),
            ExitCode::Usage,
            expected,
        )
        .await;
    }
}
