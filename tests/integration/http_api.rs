//! The JSON API over real HTTP, on both stores: every endpoint's answer, every error status with
//! nothing written, idempotent retries, who may read and act, and a graceful shutdown of the
//! real binary with commands in flight.

use crate::common::http::{
    accredit, documented_error_codes, open_small, propose, read, Reply, Server, CIV_HEAD, MAR_HEAD,
    NEGOTIATION, SECRETARIAT,
};
use crate::common::Backend;
use pacta_domain::{is_permitted, ActionKind, Role};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Every read endpoint of a negotiation, as a path and query, for a clause `art-1` and a
/// history of at least two events.
fn read_paths(negotiation: &str) -> Vec<String> {
    let n = format!("/api/negotiations/{negotiation}");
    let mut paths = vec![
        format!("{n}/draft"),
        format!("{n}/history"),
        format!("{n}/clauses/art-1/history"),
        format!("{n}/redline?from=1&to=2"),
        format!("{n}/agreement"),
        format!("{n}/matrices"),
    ];
    for format in ["markdown", "html", "docx", "akoma-ntoso", "json"] {
        paths.push(format!("{n}/exports/{format}"));
    }
    paths
}

fn sequences(reply: &Value) -> Vec<u64> {
    reply["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["sequence"].as_u64().unwrap())
        .collect()
}

fn is_sha256_hex(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A service with the small negotiation open and `art-1` proposed by CIV's head; that head's
/// token, and the path of the negotiation in the API.
struct Small {
    server: Server,
    civ: String,
    n: String,
}

async fn small_negotiation(backend: Backend) -> Small {
    let server = Server::start(backend).await;
    let civ = server.token(CIV_HEAD).await;
    open_small(&server, &civ).await;
    server
        .act(NEGOTIATION, &civ, propose("art-1", "Le texte initial."))
        .await;
    let n = format!("/api/negotiations/{NEGOTIATION}");
    Small { server, civ, n }
}

async fn every_endpoint_answers(backend: Backend) {
    let server = Server::start(backend).await;
    let civ = server.token(CIV_HEAD).await;
    open_small(&server, &civ).await;
    let n = format!("/api/negotiations/{NEGOTIATION}");

    // A command: 201 with the events it recorded, each with its link in the chain.
    let proposed = server
        .act(NEGOTIATION, &civ, propose("art-1", "Le texte initial."))
        .await;
    assert_eq!(proposed["negotiation_id"], NEGOTIATION);
    assert_eq!(proposed["replayed"], false);
    assert!(proposed["command_id"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
    let event = &proposed["events"][0];
    assert_eq!(proposed["events"].as_array().unwrap().len(), 1);
    assert_eq!(event["event_type"], "ClauseProposed");
    assert!(is_sha256_hex(&event["hash"]), "{event}");
    assert!(event["recorded_at"].as_str().is_some_and(|t| !t.is_empty()));
    let proposed_at = event["sequence"].as_u64().unwrap();

    // The draft has the clause just proposed.
    let draft = server.draft(NEGOTIATION, &civ).await;
    assert_eq!(draft["negotiation_id"], NEGOTIATION);
    assert_eq!(draft["clauses"][0]["clause_id"], "art-1");
    assert_eq!(draft["clauses"][0]["text"], "Le texte initial.");
    assert_eq!(draft["as_of_sequence"], proposed_at);

    let base = server.text_hash(NEGOTIATION, &civ, "art-1").await;
    let amended = server
        .act(
            NEGOTIATION,
            &civ,
            json!({"type": "amend-clause", "clause_id": "art-1", "base_text_hash": base,
                   "language": "fr", "text": "Le texte amendé."}),
        )
        .await;
    let amended_at = amended["events"][0]["sequence"].as_u64().unwrap();
    assert_eq!(
        server.draft(NEGOTIATION, &civ).await["clauses"][0]["text"],
        "Le texte amendé."
    );

    // A draft at a point, and of a revision.
    let at = server
        .get(&format!("{n}/draft?at={proposed_at}"), Some(&civ))
        .await
        .ok(StatusCode::OK);
    assert_eq!(at["clauses"][0]["text"], "Le texte initial.");
    let revision = server
        .get(&format!("{n}/draft?revision=0"), Some(&civ))
        .await
        .ok(StatusCode::OK);
    assert_eq!(revision["clauses"][0]["text"], "Le texte amendé.");

    // The history has each act with its hash, verified.
    let history = server
        .get(&format!("{n}/history"), Some(&civ))
        .await
        .ok(StatusCode::OK);
    assert_eq!(history["chain"]["verified"], true);
    assert_eq!(history["chain"]["verified_events"], amended_at);
    assert_eq!(history["chain"]["broken_at"], Value::Null);
    let entries = history["entries"].as_array().unwrap();
    assert_eq!(entries.len() as u64, amended_at);
    let entry = entries
        .iter()
        .find(|e| e["sequence"] == proposed_at)
        .expect("the proposal in the history");
    assert_eq!(entry["hash"], event["hash"]);
    assert_eq!(entry["verified"], true);
    assert_eq!(entry["actor"], CIV_HEAD);
    assert_eq!(entry["party"], "CIV");
    assert_eq!(entry["clause_id"], "art-1");
    let clause_only = server
        .get(&format!("{n}/history?clause=art-1"), Some(&civ))
        .await
        .ok(StatusCode::OK);
    let clause_entries = clause_only["entries"].as_array().unwrap();
    assert_eq!(clause_entries.len(), 2, "{clause_only}");
    assert!(clause_entries.iter().all(|e| e["clause_id"] == "art-1"));
    let today = chrono::Utc::now().date_naive();
    let since_tomorrow = server
        .get(
            &format!("{n}/history?since={}", today.succ_opt().unwrap()),
            Some(&civ),
        )
        .await
        .ok(StatusCode::OK);
    assert_eq!(since_tomorrow["entries"], json!([]));

    // The clause's history: both wordings, oldest first.
    let clause = server
        .get(&format!("{n}/clauses/art-1/history"), Some(&civ))
        .await
        .ok(StatusCode::OK);
    assert_eq!(clause["clause_id"], "art-1");
    let texts: Vec<&str> = clause["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Le texte initial.", "Le texte amendé."]);

    // The redline between the proposal and the amendment.
    let redline = server
        .get(
            &format!("{n}/redline?from={proposed_at}&to={amended_at}"),
            Some(&civ),
        )
        .await
        .ok(StatusCode::OK);
    assert_eq!(redline["from"]["as_of_sequence"], proposed_at);
    assert_eq!(redline["to"]["as_of_sequence"], amended_at);
    let change = &redline["clauses"][0];
    assert_eq!(change["clause_id"], "art-1");
    assert_eq!(change["old_text_hash"], base.as_str());
    assert_eq!(change["changed_by"][0]["sequence"], amended_at);

    // Where the agreement stands.
    let agreement = server
        .get(&format!("{n}/agreement?on={today}"), Some(&civ))
        .await
        .ok(StatusCode::OK);
    assert_eq!(agreement["negotiation_id"], NEGOTIATION);
    assert_eq!(agreement["revision"], 0);

    // Matrices: none, then the one created.
    let none = server
        .get(&format!("{n}/matrices"), Some(&civ))
        .await
        .ok(StatusCode::OK);
    assert_eq!(none, json!({}));
    server
        .act(
            NEGOTIATION,
            &civ,
            json!({"type": "create-matrix", "matrix_id": "annexe-1", "title": "Plan d'action"}),
        )
        .await;
    let matrices = server
        .get(&format!("{n}/matrices"), Some(&civ))
        .await
        .ok(StatusCode::OK);
    assert_eq!(matrices["annexe-1"]["title"], "Plan d'action");

    // Each export as an attachment of its own type.
    for (format, media_type, extension) in [
        ("markdown", "text/markdown", "md"),
        ("html", "text/html", "html"),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        ("pdf", "application/pdf", "pdf"),
        ("akoma-ntoso", "application/akn+xml", "akn.xml"),
        ("json", "application/json", "json"),
    ] {
        let reply = server
            .get(&format!("{n}/exports/{format}"), Some(&civ))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{format}: {}", reply.text());
        assert!(
            reply.content_type.starts_with(media_type),
            "{format}: {}",
            reply.content_type
        );
        assert_eq!(
            reply.content_disposition,
            format!("attachment; filename=\"{NEGOTIATION}.{extension}\"")
        );
        if format == "docx" {
            assert!(reply.body.starts_with(b"PK"), "a docx is a zip");
        } else if format == "pdf" {
            let text = crate::pdf_exports::pdf_text(&reply.body);
            assert!(text.contains("Le texte amendé."), "{format}: {text}");
        } else {
            assert!(reply.text().contains("Le texte amendé."), "{format}");
        }
    }

    // The negotiations the caller is accredited in.
    let list = server
        .get("/api/negotiations", Some(&civ))
        .await
        .ok(StatusCode::OK);
    let ids: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["negotiation_id"])
        .collect();
    assert_eq!(ids, [&json!(NEGOTIATION)]);

    // Health, without a token.
    let health = server.get("/healthz", None).await.ok(StatusCode::OK);
    assert_eq!(health["status"], "ready");
    let store = match backend {
        Backend::Sqlite => "SQLite",
        Backend::Postgres => "PostgreSQL",
    };
    assert_eq!(health["store"], store);
    assert_eq!(health["events"], server.store.event_count().await);

    // The OpenAPI document describes every endpoint this test called.
    let openapi = server.get("/openapi.json", None).await.ok(StatusCode::OK);
    let paths = openapi["paths"].as_object().expect("paths");
    let called = [
        ("/healthz", "get"),
        ("/api/negotiations", "get"),
        ("/api/negotiations/{negotiation}/commands", "post"),
        ("/api/negotiations/{negotiation}/draft", "get"),
        ("/api/negotiations/{negotiation}/history", "get"),
        (
            "/api/negotiations/{negotiation}/clauses/{clause}/history",
            "get",
        ),
        ("/api/negotiations/{negotiation}/redline", "get"),
        ("/api/negotiations/{negotiation}/agreement", "get"),
        ("/api/negotiations/{negotiation}/matrices", "get"),
        ("/api/negotiations/{negotiation}/exports/{format}", "get"),
    ];
    for (path, method) in called {
        assert!(
            paths.get(path).is_some_and(|p| p.get(method).is_some()),
            "{method} {path} is not in /openapi.json"
        );
    }
    // …and nothing it describes is missing from the router: each path answers something other
    // than the unknown-route fallback.
    for (path, item) in paths {
        let concrete = path
            .replace("{negotiation}", NEGOTIATION)
            .replace("{clause}", "art-1")
            .replace("{format}", "json");
        for method in item.as_object().unwrap().keys() {
            let request = match method.as_str() {
                "get" => server.client.get(server.url(&concrete)),
                "post" => server.client.post(server.url(&concrete)),
                other => panic!("{path}: unexpected method {other}"),
            };
            let reply = server.send(request.bearer_auth(&civ)).await;
            assert!(
                !(reply.status == StatusCode::NOT_FOUND && reply.json()["code"] == "unknown-route"),
                "{method} {path} is documented but not routed"
            );
        }
    }
}

/// The proposal a request without a valid token tries to record, with `token` if given.
fn unauthenticated_command(server: &Server, token: Option<&str>) -> reqwest::RequestBuilder {
    let body = json!({"command_id": "c-401", "action": propose("art-401", "Texte.")});
    let body = body.to_string().into_bytes();
    server.raw_request(NEGOTIATION, token, "application/json", body)
}

async fn every_error_is_json_and_writes_nothing(backend: Backend) {
    let Small { server, civ, n } = small_negotiation(backend).await;
    let mar = server.token(MAR_HEAD).await;
    // What the refusals need: an observer, someone accredited nowhere and a revoked token; a
    // command id used once; a withdrawn clause, a stale hash and the root of the text.
    let observer = accredit("civ.observer", "CIV", "observer");
    server.act(NEGOTIATION, &civ, observer).await;
    let observer = server.token("civ.observer").await;
    let outsider = server.token("someone.else").await;
    let revoked = server.revoked_token(CIV_HEAD).await;
    let reused = propose("art-5", "Texte.");
    let reused = server.command(NEGOTIATION, &civ, "reused", reused).await;
    reused.ok(StatusCode::CREATED);
    let withdrawal = json!({"type": "withdraw-clause", "clause_id": "art-5", "reason": "inutile"});
    server.act(NEGOTIATION, &civ, withdrawal).await;
    // A withdrawn clause stays in the draft.
    let withdrawn = server.text_hash(NEGOTIATION, &civ, "art-5").await;
    let current = server.text_hash(NEGOTIATION, &civ, "art-1").await;
    let stale = "0".repeat(64);
    assert_ne!(current, stale);
    let agreement = server.get(&format!("{n}/agreement"), Some(&civ)).await;
    let root = agreement.ok(StatusCode::OK)["text_root_hash"].clone();

    // The requests, by CIV's head unless another token is given.
    let get = |path: &str| server.get_request(&format!("{n}/{path}"), Some(&civ));
    let act = |token: &str, action: Value| server.action_request(NEGOTIATION, token, action);
    let bytes = |content_type: &str, body: &[u8]| {
        server.raw_request(NEGOTIATION, Some(&civ), content_type, body.to_vec())
    };
    let raw = |body: &[u8]| bytes("application/json", body);
    let post = |body: Value| raw(body.to_string().as_bytes());
    let mut invalid_utf8 =
        br#"{"command_id": "c-1", "action": {"type": "comment", "text": ""#.to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe]);
    invalid_utf8.extend_from_slice(br#""}}"#);
    let huge = propose("art-7", &"x".repeat(1024 * 1024));
    let too_long = "x".repeat(pacta_domain::limits::MAX_CLAUSE_TEXT_BYTES + 1);

    // Each refusal: its status and code, and every request refused with them.
    let refusals: Vec<(StatusCode, &str, Vec<reqwest::RequestBuilder>)> = vec![
        (
            StatusCode::BAD_REQUEST,
            "malformed-json",
            vec![
                raw(b"{\"command_id\": \"x\", "),
                raw(&invalid_utf8),
            ],
        ),
        (
            StatusCode::BAD_REQUEST,
            "invalid-body",
            vec![
                raw(br#"{"command_id": "c-2", "action": {"type": "dance"}}"#),
                raw(b"[1, 2, 3]"),
                raw(br#"{"command_id": "c-3", "action": {"type": "comment", "text": "x"}, "extra": 1}"#),
            ],
        ),
        (
            StatusCode::BAD_REQUEST,
            "invalid-identifier",
            vec![act(
                &civ,
                json!({"type": "propose-clause", "clause_id": "Not An Id!", "kind": "article",
                       "language": "fr", "text": "x"}),
            )],
        ),
        (
            StatusCode::BAD_REQUEST,
            "invalid-command-id",
            vec![server.command_request(NEGOTIATION, &civ, "", propose("art-9", "Texte."))],
        ),
        (
            StatusCode::BAD_REQUEST,
            "invalid-query",
            [
                "history?since=notadate",
                "history?until=2025-13-01",
                "history?colour=blue",
                "draft?revision=minus-one",
                "agreement?on=yesterday",
                "redline?from=1",
            ]
            .map(get)
            .into(),
        ),
        (
            StatusCode::BAD_REQUEST,
            "invalid-point",
            [
                "draft?at=not-a-point!",
                "redline?from=1&to=not-a-point!",
                "exports/markdown?at=not-a-point!",
            ]
            .map(get)
            .into(),
        ),
        (
            StatusCode::BAD_REQUEST,
            "revision-and-point",
            ["draft?at=1&revision=0", "exports/markdown?at=1&revision=0"]
                .map(get)
                .into(),
        ),
        (
            StatusCode::UNAUTHORIZED,
            "missing-token",
            vec![unauthenticated_command(&server, None)],
        ),
        (
            StatusCode::UNAUTHORIZED,
            "invalid-token",
            [Some("not-a-token"), Some(revoked.as_str())]
                .map(|token| unauthenticated_command(&server, token))
                .into(),
        ),
        (
            StatusCode::FORBIDDEN,
            "not-permitted",
            vec![act(&observer, propose("art-2", "Texte."))],
        ),
        (
            StatusCode::FORBIDDEN,
            "wrong-party",
            vec![act(&civ, accredit("mar.negotiator", "MAR", "negotiator"))],
        ),
        (
            StatusCode::FORBIDDEN,
            "acting-as-another",
            vec![post(json!({"command_id": "c-as", "actor": MAR_HEAD, "action": propose("art-3", "Texte.")}),
            )],
        ),
        // An outsider's act is answered as one in a negotiation that does not exist: outsiders
        // learn nothing of which negotiations exist.
        (
            StatusCode::NOT_FOUND,
            "unknown-negotiation",
            vec![act(&outsider, propose("art-4", "Texte."))],
        ),
        (
            StatusCode::NOT_FOUND,
            "unknown-negotiation",
            vec![
                server.get_request(&format!("{n}/draft"), Some(&outsider)),
                server.get_request("/api/negotiations/no-such-thing/draft", Some(&civ)),
                server.action_request("no-such-thing", &civ, propose("art-1", "Texte.")),
            ],
        ),
        (
            StatusCode::NOT_FOUND,
            "unknown-clause",
            vec![
                get("clauses/art-99/history"),
                act(
                    &civ,
                    json!({"type": "withdraw-clause", "clause_id": "art-99", "reason": "x"}),
                ),
            ],
        ),
        (
            StatusCode::NOT_FOUND,
            "unknown-route",
            vec![server.get_request("/api/nothing-here", Some(&civ))],
        ),
        (
            StatusCode::NOT_FOUND,
            "unknown-format",
            vec![get("exports/odt")],
        ),
        (
            StatusCode::NOT_FOUND,
            "unknown-revision",
            vec![get("draft?revision=7")],
        ),
        // A language the negotiation does not have: one code and one status, in an act or an
        // export.
        (
            StatusCode::NOT_FOUND,
            "not-authentic-language",
            vec![
                act(
                    &civ,
                    json!({"type": "propose-clause", "clause_id": "art-de", "kind": "article",
                           "language": "de", "text": "Text."}),
                ),
                get("exports/json?language=de"),
            ],
        ),
        (
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            vec![server
                .client
                .delete(server.url(&format!("{n}/commands")))
                .bearer_auth(&civ)],
        ),
        (
            StatusCode::CONFLICT,
            "stale-text-hash",
            vec![
                act(
                    &civ,
                    json!({"type": "amend-clause", "clause_id": "art-1", "base_text_hash": stale,
                           "language": "fr", "text": "Autre."}),
                ),
                act(
                    &mar,
                    json!({"type": "agree-clause", "clause_id": "art-1", "text_hash": stale}),
                ),
            ],
        ),
        (
            StatusCode::CONFLICT,
            "command-id-reused",
            vec![server.command_request(NEGOTIATION, &civ, "reused", propose("art-6", "Texte."))],
        ),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            "body-too-large",
            vec![post(json!({"command_id": "c-big", "action": huge}),
            )],
        ),
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            "clause-text-too-long",
            vec![act(&civ, propose("art-8", &too_long))],
        ),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            ["text/plain", "application/x-www-form-urlencoded"]
                .map(|content_type| {
                    let body = json!({"command_id": "c-415", "action": propose("art-9", "Texte.")});
                    bytes(content_type, body.to_string().as_bytes())
                })
                .into(),
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "clause-withdrawn",
            vec![act(
                &mar,
                json!({"type": "agree-clause", "clause_id": "art-5", "text_hash": withdrawn}),
            )],
        ),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-ready-for-adoption",
            vec![act(
                &civ,
                json!({"type": "adopt-text", "text_root_hash": root}),
            )],
        ),
    ];
    let mut answered = Vec::new();
    for (status, code, requests) in refusals {
        for request in requests {
            server.refused(request, status, code).await;
        }
        answered.push((status, code));
    }

    // Each code above is documented in /openapi.json with the status it was answered with.
    let openapi = server.get("/openapi.json", None).await.ok(StatusCode::OK);
    let documented = documented_error_codes(&openapi);
    for (status, code) in answered {
        assert_eq!(
            documented.get(code),
            Some(&u64::from(status.as_u16())),
            "{code} is not documented, or not with {status}"
        );
    }
}

async fn a_retried_command_is_recorded_once(backend: Backend) {
    let Small { server, civ, .. } = small_negotiation(backend).await;
    let before = server.store.event_count().await;
    let first = server
        .command(NEGOTIATION, &civ, "retry-1", propose("art-2", "Texte."))
        .await;
    let first = first.ok(StatusCode::CREATED);
    let second = server
        .command(NEGOTIATION, &civ, "retry-1", propose("art-2", "Texte."))
        .await;
    let second = second.ok(StatusCode::OK);
    assert_eq!(first["replayed"], false);
    assert_eq!(second["replayed"], true);
    assert_eq!(first["events"], second["events"]);
    assert_eq!(server.store.event_count().await, before + 1);

    // Eight at once under one id: one is recorded, the others are told it was.
    let before = server.store.event_count().await;
    let mut attempts = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let request =
            server.command_request(NEGOTIATION, &civ, "burst", propose("art-3", "Texte."));
        attempts.spawn(async move { read(request.send().await.expect("an answer")).await });
    }
    let replies: Vec<Reply> = attempts.join_all().await;
    let created = replies
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{replies:?}");
    let events: Vec<Value> = replies
        .iter()
        .map(|r| {
            assert!(
                [StatusCode::CREATED, StatusCode::OK].contains(&r.status),
                "{}",
                r.text()
            );
            r.json()["events"].clone()
        })
        .collect();
    assert!(events.iter().all(|e| *e == events[0]), "{events:?}");
    assert_eq!(server.store.event_count().await, before + 1);
}

/// One person per role: CIV's delegation, and IOM's secretariat (the only role among these a
/// facilitator may hold besides observer).
const CAST: [(Role, &str, &str); 8] = [
    (Role::Negotiator, "civ.negotiator", "CIV"),
    (Role::HeadOfDelegation, CIV_HEAD, "CIV"),
    (Role::LegalLinguist, "civ.linguist", "CIV"),
    (Role::Signatory, "civ.signatory", "CIV"),
    (Role::CompetentAuthority, "civ.authority", "CIV"),
    (Role::Secretariat, SECRETARIAT, "IOM"),
    (Role::Observer, "civ.observer", "CIV"),
    (Role::Auditor, "civ.auditor", "CIV"),
];

/// For each act the matrix tries: the act, as `person` of `party` would perform it on the
/// clauses prepared for them (`{person}-…`), valid whenever the role permits it.
fn representative_acts(
    person: &str,
    party: &str,
    hash_of: &dyn Fn(&str) -> String,
) -> Vec<(ActionKind, Value)> {
    let own = |what: &str| format!("{}-{what}", person.replace('.', "-"));
    vec![
        (ActionKind::ProposeClause, propose(&own("new"), "Proposé.")),
        (
            ActionKind::AmendClause,
            json!({"type": "amend-clause", "clause_id": own("amend"), "base_text_hash": hash_of(&own("amend")),
                   "language": "fr", "text": "Amendé."}),
        ),
        (
            ActionKind::Comment,
            json!({"type": "comment", "clause_id": "art-1", "text": "Remarque."}),
        ),
        (
            ActionKind::AgreeClause,
            json!({"type": "agree-clause", "clause_id": own("agree"), "text_hash": hash_of(&own("agree"))}),
        ),
        (
            ActionKind::WithdrawClause,
            json!({"type": "withdraw-clause", "clause_id": own("withdraw"), "reason": "Inutile."}),
        ),
        (
            ActionKind::StatePosition,
            json!({"type": "state-position", "clause_id": own("position"), "position": {"position": "reserve"}}),
        ),
        (
            ActionKind::ProposeAlternative,
            json!({"type": "propose-alternative", "clause_id": own("alternative"), "label": "B",
                   "language": "fr", "text": "Variante."}),
        ),
        (
            ActionKind::CreateMatrix,
            json!({"type": "create-matrix", "matrix_id": own("matrix"), "title": "Plan"}),
        ),
        (
            ActionKind::AccreditDelegate,
            accredit(&own("delegate"), party, "observer"),
        ),
    ]
}

async fn who_may_read_and_act(backend: Backend) {
    let Small { server, civ, n } = small_negotiation(backend).await;
    let mar = server.token(MAR_HEAD).await;
    let secretariat = server.token(SECRETARIAT).await;
    let mut tokens = Vec::new();
    for (role, person, party) in CAST {
        if person != CIV_HEAD && person != SECRETARIAT {
            server
                .act(NEGOTIATION, &civ, accredit(person, party, role.as_str()))
                .await;
        }
        tokens.push(server.token(person).await);
    }
    // The clauses each person's acts need, proposed by CIV's head (MAR's for the ones CIV
    // agrees to, since a party's own proposal is not what it agrees to in practice).
    for (_, person, _) in CAST {
        let own = |what: &str| format!("{}-{what}", person.replace('.', "-"));
        for what in ["amend", "agree", "withdraw", "position", "alternative"] {
            server
                .act(NEGOTIATION, &civ, propose(&own(what), "Texte."))
                .await;
        }
    }

    // Reads: every accredited role reads every view; someone accredited nowhere reads none.
    let outsider = server.token("someone.else").await;
    for path in read_paths(NEGOTIATION) {
        for ((role, _, _), token) in CAST.iter().zip(&tokens) {
            let reply = server.get(&path, Some(token)).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{role:?} reads {path}: {}",
                reply.text()
            );
        }
        server
            .get(&path, Some(&outsider))
            .await
            .assert_error(StatusCode::NOT_FOUND, "unknown-negotiation");
    }
    for ((role, _, _), token) in CAST.iter().zip(&tokens) {
        let list = server
            .get("/api/negotiations", Some(token))
            .await
            .ok(StatusCode::OK);
        assert_eq!(list.as_array().unwrap().len(), 1, "{role:?}: {list}");
    }
    let list = server
        .get("/api/negotiations", Some(&outsider))
        .await
        .ok(StatusCode::OK);
    assert_eq!(list, json!([]));

    // Acts: accepted exactly when the domain's table permits the role.
    let draft = server.draft(NEGOTIATION, &civ).await;
    let hash_of = |clause: &str| -> String {
        draft["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["clause_id"] == clause)
            .map(|c| c["text_hash"].as_str().unwrap().to_string())
            .unwrap_or_default()
    };
    // The delegates the heads accredit below are on the register, as its operator put them.
    for (_, person, party) in CAST {
        let delegate = format!("{}-delegate", person.replace('.', "-"));
        server.store.register(&delegate, &delegate, party).await;
    }
    let mut tried_kinds = std::collections::BTreeSet::new();
    for ((role, person, party), token) in CAST.iter().zip(&tokens) {
        for (kind, action) in representative_acts(person, party, &hash_of) {
            tried_kinds.insert(kind);
            let label = format!("{role:?} {kind:?}");
            if is_permitted(*role, kind) {
                let reply = server
                    .command(NEGOTIATION, token, &label.replace(' ', "-"), action)
                    .await;
                assert_eq!(
                    reply.status,
                    StatusCode::CREATED,
                    "{label}: {}",
                    reply.text()
                );
            } else {
                server
                    .command_refused(
                        NEGOTIATION,
                        token,
                        action,
                        StatusCode::FORBIDDEN,
                        "not-permitted",
                    )
                    .await;
            }
        }
    }
    // The matrix is not vacuous: each act is accepted for some role and refused for another.
    for kind in tried_kinds {
        let permitted = CAST
            .iter()
            .filter(|(role, _, _)| is_permitted(*role, kind))
            .count();
        assert!(0 < permitted && permitted < CAST.len(), "{kind:?}");
    }

    // No one acts for the other party: the party is the accreditation's, and accrediting for
    // the other party is refused.
    for (token, spy) in [
        (&civ, accredit("spy", "MAR", "negotiator")),
        (&secretariat, accredit("spy", "CIV", "observer")),
    ] {
        let forbidden = StatusCode::FORBIDDEN;
        server
            .command_refused(NEGOTIATION, token, spy, forbidden, "wrong-party")
            .await;
    }
    let agreed = server
        .act(
            NEGOTIATION,
            &civ,
            json!({"type": "agree-clause", "clause_id": "civ-negotiator-agree",
                   "text_hash": hash_of("civ-negotiator-agree")}),
        )
        .await;
    let sequence = sequences(&agreed)[0];
    let history = server
        .get(&format!("{n}/history"), Some(&mar))
        .await
        .ok(StatusCode::OK);
    let entry = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["sequence"] == sequence)
        .unwrap();
    assert_eq!(entry["party"], "CIV");

    // Missing or revoked token: 401 on every endpoint that needs one, and nothing written.
    let revoked = server.revoked_token(CIV_HEAD).await;
    let mut paths = read_paths(NEGOTIATION);
    paths.push("/api/negotiations".into());
    for (token, code) in [
        (None, "missing-token"),
        (Some(revoked.as_str()), "invalid-token"),
    ] {
        let mut requests: Vec<_> = paths
            .iter()
            .map(|path| server.get_request(path, token))
            .collect();
        requests.push(unauthenticated_command(&server, token));
        for request in requests {
            server
                .refused(request, StatusCode::UNAUTHORIZED, code)
                .await;
        }
    }
}

async fn internal_comments_stay_within_the_party(backend: Backend) {
    let Small { server, civ, n } = small_negotiation(backend).await;
    let mar = server.token(MAR_HEAD).await;
    let secretariat = server.token(SECRETARIAT).await;
    for (head, person, party, role) in [
        (&mar, "mar.negotiator", "MAR", "negotiator"),
        (&civ, "civ.auditor", "CIV", "auditor"),
        (&civ, "civ.observer", "CIV", "observer"),
        (&secretariat, "iom.observer", "IOM", "observer"),
    ] {
        server
            .act(NEGOTIATION, head, accredit(person, party, role))
            .await;
    }
    let note = "Note interne : ne pas céder sur l'article 1.";
    let negotiator = server.token("mar.negotiator").await;
    let internal = json!({"type": "comment", "clause_id": "art-1", "text": note, "internal": true});
    let internal = server.act(NEGOTIATION, &negotiator, internal).await;
    let sequence = sequences(&internal)[0];
    let shared = json!({"type": "comment", "clause_id": "art-1", "text": "Commentaire partagé."});
    server.act(NEGOTIATION, &mar, shared).await;

    for (person, sees) in [
        (MAR_HEAD, true),
        ("mar.negotiator", true),
        (CIV_HEAD, false),
        ("civ.auditor", false),
        ("civ.observer", false),
        ("iom.observer", false),
        (SECRETARIAT, false),
    ] {
        let token = server.token(person).await;
        let history = server.get(&format!("{n}/history"), Some(&token)).await;
        let clause = server
            .get(&format!("{n}/clauses/art-1/history"), Some(&token))
            .await;
        let (history, clause) = (history.ok(StatusCode::OK), clause.ok(StatusCode::OK));
        let in_history = history["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["sequence"] == sequence);
        assert_eq!(in_history, sees, "{person}'s history: {history}");
        assert_eq!(
            clause.to_string().contains(note),
            sees,
            "{person}'s clause history: {clause}"
        );
        assert!(
            clause.to_string().contains("Commentaire partagé."),
            "{person} sees the shared comment"
        );
        let filtered = server
            .get(&format!("{n}/history?clause=art-1&party=MAR"), Some(&token))
            .await
            .ok(StatusCode::OK);
        assert_eq!(
            filtered
                .to_string()
                .contains(&format!("\"sequence\":{sequence},")),
            sees
        );
        // No other read shows the note either, whatever the format.
        if !sees {
            let mut reads = vec![
                "/api/negotiations".to_string(),
                format!("{n}/draft"),
                format!("{n}/draft?at={sequence}"),
                format!("{n}/redline?from=1&to={sequence}"),
                format!("{n}/agreement"),
                format!("{n}/matrices"),
            ];
            // Text formats only: a .docx is compressed, so a search of its bytes proves nothing.
            for format in ["markdown", "html", "akoma-ntoso", "json"] {
                reads.push(format!("{n}/exports/{format}"));
            }
            for path in reads {
                let reply = server.get(&path, Some(&token)).await;
                assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
                // Its plain-ASCII start, which no format escapes.
                assert!(
                    !reply.text().contains("Note interne"),
                    "{person} reads the internal note at {path}"
                );
            }
        }
    }
}

on_both_stores!(
    every_endpoint_answers,
    every_error_is_json_and_writes_nothing,
    a_retried_command_is_recorded_once,
    who_may_read_and_act,
    internal_comments_stay_within_the_party,
    an_act_says_when_and_where_it_took_place,
);

/// `took_place` beside `action`: a date ahead of the recording clock, or a misspelt field, is
/// refused and writes nothing; a date in the past is recorded, and the history shows it beside
/// the day it was recorded.
async fn an_act_says_when_and_where_it_took_place(backend: Backend) {
    let Small { server, civ, n } = small_negotiation(backend).await;
    let comment = |command_id: &str, took_place: Value| {
        let body = json!({
            "command_id": command_id,
            "action": {"type": "comment", "text": "Vu à Rabat"},
            "took_place": took_place,
        });
        server
            .client
            .post(server.url(&format!("{n}/commands")))
            .bearer_auth(&civ)
            .json(&body)
    };
    let before = server.store.event_count().await;
    let next_week = (chrono::Utc::now() + chrono::Duration::days(7)).date_naive();
    let ahead = server
        .send(comment("ahead", json!({"on": next_week.to_string()})))
        .await;
    ahead.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "act-dated-in-future");
    let misspelt = server
        .send(comment(
            "misspelt",
            json!({"on": "2026-04-22", "plaec": "Rabat"}),
        ))
        .await;
    assert_eq!(
        misspelt.status,
        StatusCode::BAD_REQUEST,
        "{}",
        misspelt.text()
    );
    assert_eq!(server.store.event_count().await, before, "nothing recorded");

    let stated = json!({"on": "2026-04-22", "at": "10:30", "place": "Rabat"});
    server
        .send(comment("dated", stated))
        .await
        .ok(StatusCode::CREATED);
    let history = server.get(&format!("{n}/history"), Some(&civ)).await;
    let history = history.ok(StatusCode::OK);
    let entries = history["entries"].as_array().unwrap();
    let last = entries
        .iter()
        .find(|e| e["event"] == "Commented")
        .unwrap_or_else(|| panic!("the comment in {history}"));
    assert_eq!(last["took_place_on"], "2026-04-22", "{last}");
    assert_eq!(last["took_place_in"], "Rabat", "{last}");
    assert_ne!(last["recorded_at"].as_str().unwrap()[..10], *"2026-04-22");
}

/// The real binary, stopped by SIGTERM while commands are in flight: it exits 0, every request
/// got a whole answer or could not connect, and the store holds exactly the acts answered 201,
/// in a chain that verifies.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_lets_commands_in_flight_finish() {
    let store = crate::common::TestStore::new(Backend::Sqlite).await;
    let token = store.issue_token(CIV_HEAD).await.token;
    let (mut child, base) = crate::common::http::spawn_serve(&store);

    let client = reqwest::Client::new();
    let commands = format!("{base}/api/negotiations/{NEGOTIATION}/commands");
    let open = crate::common::http::open_small_action();
    let named = serde_json::from_value(open.clone()).expect("an opening");
    store
        .register_named_in(&pacta_domain::NegotiationCommand {
            actor: CIV_HEAD.into(),
            action: named,
            took_place: None,
        })
        .await;
    let opened = client
        .post(&commands)
        .bearer_auth(&token)
        .json(&json!({"command_id": "open", "action": open}))
        .send()
        .await
        .expect("the server answers");
    assert_eq!(opened.status(), StatusCode::CREATED);
    let before = store.event_count().await;

    let mut requests = tokio::task::JoinSet::new();
    for i in 0..16 {
        let request = client
            .post(&commands)
            .bearer_auth(&token)
            .json(&json!({"command_id": format!("c-{i}"), "action": propose(&format!("art-{i}"), "Texte.")}));
        requests.spawn(async move {
            match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    let body = response
                        .bytes()
                        .await
                        .expect("a whole body, once the head is sent");
                    Ok((status, body))
                }
                Err(error) => Err(error),
            }
        });
    }
    // Once one act is answered the others are queued behind it: the signal finds them in flight.
    let first = requests
        .join_next()
        .await
        .expect("a request")
        .expect("the task");
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);

    let mut outcomes = requests.join_all().await;
    outcomes.push(first);
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .expect("wait for pacta serve");
    assert!(status.success(), "pacta serve exited with {status}");

    let mut created = 0;
    for outcome in &outcomes {
        match outcome {
            Ok((status, body)) => {
                let body: Value = serde_json::from_slice(body).expect("a whole JSON answer");
                if *status == StatusCode::CREATED {
                    created += 1;
                } else {
                    assert!(body["code"].is_string(), "{status}: {body}");
                }
            }
            Err(error) => assert!(
                error.is_connect() || error.is_request(),
                "neither an answer nor a refused connection: {error:?}"
            ),
        }
    }
    assert!(created >= 1, "{outcomes:?}");
    assert_eq!(store.event_count().await - before, created);
    let verified = crate::common::cli::ok(&store, &["verify"]);
    assert!(verified.contains(NEGOTIATION), "{verified}");
}

/// Delegations act at the same time: each act is recorded, none is lost to the others.
async fn concurrent_commands_are_all_recorded(backend: Backend) {
    let Small { server, civ, .. } = small_negotiation(backend).await;
    let before = server.store.event_count().await;
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..16 {
        let request = server.command_request(
            NEGOTIATION,
            &civ,
            &format!("c-{i}"),
            propose(&format!("art-c{i}"), "Texte."),
        );
        requests.spawn(async move { read(request.send().await.expect("an answer")).await });
    }
    for reply in requests.join_all().await {
        reply.ok(StatusCode::CREATED);
    }
    assert_eq!(server.store.event_count().await, before + 16);
}

mod concurrent_commands_are_all_recorded {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        super::concurrent_commands_are_all_recorded(Backend::Postgres).await
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        super::concurrent_commands_are_all_recorded(Backend::Sqlite).await
    }
}
