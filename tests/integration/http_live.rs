//! Live pages, over real sockets on both stores: `GET /negotiations/{n}/live` streams, as
//! Server-Sent Events, the acts recorded after the page's sequence, by whoever and whatever
//! process recorded them (the API, the CLI), within a second; never another delegation's internal
//! comment; resuming after `?after=` or `Last-Event-ID` without repeating an act; only to a
//! signed-in, accredited reader (no bearer token); at most so many at once; and it ends when the
//! session does.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pacta_service::pages::live::LiveLimits;
use pacta_service::security::SessionSettings;
use pacta_service::{spawn_on_loopback, AppState};
use reqwest::header::{ACCEPT, COOKIE, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::cli::PROPOSE_OBJET;
use crate::common::http::{
    accredit, open_small, propose, read, Server, CIV_HEAD, MAR_HEAD, NEGOTIATION,
};
use crate::common::{Backend, TestStore};

on_both_stores!(
    a_reader_sees_an_act_within_a_second,
    an_act_of_another_process_arrives,
    internal_comments_reach_only_their_own_party,
    after_and_last_event_id_resume_without_repeating,
    only_a_signed_in_accredited_reader_follows,
    streams_beyond_the_limit_are_refused,
    one_person_cannot_take_every_stream,
    a_stream_ends_with_its_session,
    the_pages_carry_what_the_script_needs,
);

/// How soon an act recorded anywhere must reach an open live page.
const DELIVERY: Duration = Duration::from_secs(1);
/// How long a test waits to be sure that nothing more arrives: several polls of the store.
const QUIET: Duration = Duration::from_millis(1_500);

fn live_path(after: usize) -> String {
    format!("/negotiations/{NEGOTIATION}/live?after={after}")
}

/// A client that follows no redirect: a page that sends the browser to sign in is seen as such.
fn no_redirect() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

async fn start_with(store: TestStore, limits: LiveLimits) -> Server {
    let state = AppState::new(store.database.clone())
        .with_sessions(SessionSettings::default())
        .with_live_limits(limits);
    let (base, _server) = spawn_on_loopback(Arc::new(state))
        .await
        .expect("bind 127.0.0.1:0");
    Server {
        store,
        base,
        client: no_redirect(),
    }
}

async fn start(backend: Backend) -> Server {
    start_with(TestStore::new(backend).await, LiveLimits::default()).await
}

/// The negotiation's last sequence, as a page rendered now would carry it.
async fn last_sequence(server: &Server) -> usize {
    server
        .store
        .database
        .last_sequence("Negotiation", NEGOTIATION)
        .await
        .expect("read the last sequence")
}

/// The sequence of the first event an act recorded.
fn sequence_of(reply: &Value) -> usize {
    reply["events"][0]["sequence"].as_u64().expect("a sequence") as usize
}

/// One open live stream, read as a browser's `EventSource` would.
struct Live {
    response: reqwest::Response,
    buffer: String,
}

/// One `act` event: its SSE id and its JSON data.
#[derive(Debug)]
struct Act {
    id: String,
    data: Value,
}

impl Live {
    /// Opens `path` with the session cookie (and any other headers); the stream must start.
    async fn open(server: &Server, session: &str, path: &str, headers: &[(&str, &str)]) -> Live {
        let mut request = server
            .client
            .get(server.url(path))
            .header(COOKIE, session)
            .header(ACCEPT, "text/event-stream");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("the server answers");
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let content_type = response.headers()[reqwest::header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            content_type.starts_with("text/event-stream"),
            "{content_type}"
        );
        Live {
            response,
            buffer: String::new(),
        }
    }

    /// The next `act` event, if one arrives within `within`; keep-alive comments are skipped.
    async fn next_act(&mut self, within: Duration) -> Option<Act> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(act) = parse(&block) {
                    return Some(act);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await;
            match chunk {
                Err(_) => return None,
                Ok(Ok(Some(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                Ok(Ok(None)) => return None,
                Ok(Err(error)) => panic!("the stream broke: {error}"),
            }
        }
    }

    /// The next act, which must arrive within `DELIVERY`.
    async fn expect_act(&mut self, what: &str) -> Act {
        let started = Instant::now();
        let act = self
            .next_act(DELIVERY)
            .await
            .unwrap_or_else(|| panic!("{what} did not arrive within {DELIVERY:?}"));
        assert!(
            started.elapsed() <= DELIVERY,
            "{what}: {:?}",
            started.elapsed()
        );
        act
    }

    /// Whether the server ended the stream within `within` (keep-alives and acts are read
    /// through).
    async fn ends_within(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            match tokio::time::timeout_at(deadline, self.response.chunk()).await {
                Err(_) => return false,
                Ok(Ok(Some(_))) => continue,
                Ok(Ok(None)) | Ok(Err(_)) => return true,
            }
        }
    }
}

/// The `act` event of one SSE block, if it is one (not a keep-alive comment).
fn parse(block: &str) -> Option<Act> {
    let (mut id, mut event, mut data) = (None, None, String::new());
    for line in block.lines() {
        if let Some(value) = line.strip_prefix("id:") {
            id = Some(value.trim().to_string());
        } else if let Some(value) = line.strip_prefix("event:") {
            event = Some(value.trim().to_string());
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.trim_start());
        }
    }
    (event.as_deref() == Some("act")).then(|| Act {
        id: id.expect("every act has an id"),
        data: serde_json::from_str(&data).unwrap_or_else(|e| panic!("{e}: {data}")),
    })
}

/// CIV and MAR's small negotiation, with its heads' API tokens and MAR's head signed in.
struct Small {
    server: Server,
    civ: String,
    mar: String,
    mar_session: String,
}

async fn small(server: Server) -> Small {
    let civ = server.token(CIV_HEAD).await;
    open_small(&server, &civ).await;
    let mar = server.token(MAR_HEAD).await;
    let mar_session = server.sign_in(&mar).await;
    Small {
        server,
        civ,
        mar,
        mar_session,
    }
}

async fn a_reader_sees_an_act_within_a_second(backend: Backend) {
    let Small {
        server,
        civ,
        mar_session,
        ..
    } = small(start(backend).await).await;
    let rendered_at = last_sequence(&server).await;
    let mut english = Live::open(&server, &mar_session, &live_path(rendered_at), &[]).await;
    let french_cookie = format!("{mar_session}; pacta_language=fr");
    let mut french = Live::open(&server, &french_cookie, &live_path(rendered_at), &[]).await;

    let proposed = server
        .act(
            NEGOTIATION,
            &civ,
            propose("art-1", "Le présent mémorandum."),
        )
        .await;
    let sequence = sequence_of(&proposed);
    let act = english.expect_act("the proposal").await;
    assert_eq!(act.id, sequence.to_string());
    let data = &act.data;
    assert_eq!(data["sequence"], sequence);
    assert_eq!(data["actor"], CIV_HEAD);
    assert_eq!(data["party"], "CIV");
    assert_eq!(data["party_name"], "Côte d'Ivoire");
    assert_eq!(data["clause_id"], "art-1");
    assert_eq!(data["event_type"], "ClauseProposed");
    assert_eq!(data["event"], "clause proposed");
    assert_eq!(
        data["recorded_at"], proposed["events"][0]["recorded_at"],
        "{data}"
    );
    assert!(!data["summary"].as_str().unwrap().is_empty(), "{data}");
    assert_eq!(
        data["text"], "Côte d'Ivoire (civ.head): clause proposed — art-1",
        "{data}"
    );

    let in_french = french.expect_act("the proposal, in French").await.data;
    assert_eq!(in_french["sequence"], sequence);
    assert_eq!(in_french["event"], "clause proposée");
    assert_eq!(
        in_french["text"],
        "Côte d'Ivoire (civ.head) : clause proposée — art-1"
    );
}

async fn an_act_of_another_process_arrives(backend: Backend) {
    let Small {
        server,
        mar_session,
        ..
    } = small(start(backend).await).await;
    let rendered_at = last_sequence(&server).await;
    let mut live = Live::open(&server, &mar_session, &live_path(rendered_at), &[]).await;

    // The `pacta` binary, a process of its own on the same store: this service learns of its act
    // only from the store.
    let url = server.store.url.clone();
    let printed = tokio::task::spawn_blocking(move || {
        let store_args = ["--store", url.as_str(), "--as", CIV_HEAD, "propose"];
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
            .args(store_args)
            .arg(NEGOTIATION)
            .args(PROPOSE_OBJET)
            .env_remove("PACTA_ACTOR")
            .output()
            .expect("run pacta");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    });
    printed.await.expect("the CLI ran");
    let act = live.expect_act("the CLI's proposal").await;
    assert_eq!(act.data["sequence"], rendered_at + 1);
    assert_eq!(act.data["actor"], CIV_HEAD);
    assert_eq!(act.data["party"], "CIV");
    assert_eq!(act.data["clause_id"], "art-objet");
    assert_eq!(act.data["event_type"], "ClauseProposed");
}

async fn internal_comments_reach_only_their_own_party(backend: Backend) {
    let Small {
        server,
        civ,
        mar,
        mar_session,
    } = small(start(backend).await).await;
    server
        .act(
            NEGOTIATION,
            &civ,
            propose("art-1", "Le présent mémorandum."),
        )
        .await;
    server
        .act(
            NEGOTIATION,
            &mar,
            accredit("mar.negotiator", "MAR", "negotiator"),
        )
        .await;
    let civ_session = server.sign_in(&civ).await;
    let rendered_at = last_sequence(&server).await;
    let mut of_mar = Live::open(&server, &mar_session, &live_path(rendered_at), &[]).await;
    let mut of_civ = Live::open(&server, &civ_session, &live_path(rendered_at), &[]).await;

    let negotiator = server.token("mar.negotiator").await;
    let note = json!({"type": "comment", "clause_id": "art-1",
                      "text": "Note interne : ne pas céder.", "internal": true});
    let internal = sequence_of(&server.act(NEGOTIATION, &negotiator, note).await);
    let shared = json!({"type": "comment", "clause_id": "art-1", "text": "Commentaire partagé."});
    let shared = sequence_of(&server.act(NEGOTIATION, &mar, shared).await);

    // MAR's own delegation reads its note, then the shared comment.
    let first = of_mar.expect_act("MAR's internal note, to MAR").await;
    assert_eq!(first.data["sequence"], internal);
    assert_eq!(first.data["actor"], "mar.negotiator");
    assert_eq!(
        of_mar.expect_act("the shared comment").await.data["sequence"],
        shared
    );
    // CIV's head gets the shared comment and never the note recorded before it.
    let first = of_civ.expect_act("the shared comment, to CIV").await;
    assert_eq!(first.data["sequence"], shared, "{:?}", first.data);
    assert!(of_civ.next_act(QUIET).await.is_none());
    // Nor does a later stream from before the note bring it to CIV.
    let mut again = Live::open(&server, &civ_session, &live_path(rendered_at), &[]).await;
    assert_eq!(
        again.expect_act("the shared comment").await.data["sequence"],
        shared
    );
}

async fn after_and_last_event_id_resume_without_repeating(backend: Backend) {
    let Small {
        server,
        civ,
        mar_session,
        ..
    } = small(start(backend).await).await;
    let first = sequence_of(
        &server
            .act(
                NEGOTIATION,
                &civ,
                propose("art-1", "Le présent mémorandum."),
            )
            .await,
    );
    let mut recorded = vec![];
    for text in ["Premier commentaire.", "Second commentaire."] {
        let comment = json!({"type": "comment", "clause_id": "art-1", "text": text});
        recorded.push(sequence_of(&server.act(NEGOTIATION, &civ, comment).await));
    }

    // From the page's sequence: the two later acts, each once, in order, then nothing.
    let mut live = Live::open(&server, &mar_session, &live_path(first), &[]).await;
    for sequence in &recorded {
        assert_eq!(
            live.expect_act("a missed act").await.id,
            sequence.to_string()
        );
    }
    assert!(live.next_act(QUIET).await.is_none(), "an act came twice");
    let comment = json!({"type": "comment", "text": "Troisième."});
    let later = sequence_of(&server.act(NEGOTIATION, &civ, comment).await);
    let act = live.expect_act("the act after the catch-up").await;
    assert_eq!(act.data["sequence"], later);
    assert_eq!(act.data["clause_id"], Value::Null);
    assert!(live.next_act(QUIET).await.is_none(), "an act came twice");

    // A browser reconnecting names the last act it received; that outranks the page's `after`.
    let last_received = recorded[1].to_string();
    let mut reconnected = Live::open(
        &server,
        &mar_session,
        &live_path(0),
        &[("last-event-id", last_received.as_str())],
    )
    .await;
    let act = reconnected.expect_act("the act after Last-Event-ID").await;
    assert_eq!(act.data["sequence"], later);
    assert!(reconnected.next_act(QUIET).await.is_none());
}

async fn only_a_signed_in_accredited_reader_follows(backend: Backend) {
    let Small {
        server, civ, mar, ..
    } = small(start(backend).await).await;
    let path = live_path(0);

    // No session: 204, on which an EventSource stops (a redirect to the sign-in form would be
    // followed, fail, and be tried again).
    let anonymous = server.send(server.client.get(server.url(&path))).await;
    assert_eq!(
        anonymous.status,
        StatusCode::NO_CONTENT,
        "{}",
        anonymous.text()
    );
    assert!(anonymous.text().is_empty());
    // A bearer token is not a session, however valid.
    for token in [&civ, &mar] {
        let with_token = server
            .send(server.client.get(server.url(&path)).bearer_auth(token))
            .await;
        assert_eq!(
            with_token.status,
            StatusCode::NO_CONTENT,
            "{}",
            with_token.text()
        );
    }
    // Signed in, but not accredited in this negotiation: the pages' 404, the same as for one
    // that does not exist.
    let outsider = server.token("outsider").await;
    let outsider = server.sign_in(&outsider).await;
    for path in [
        path.clone(),
        "/negotiations/no-such-negotiation/live".to_string(),
    ] {
        let refused = read(
            server
                .client
                .get(server.url(&path))
                .header(COOKIE, &outsider)
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            refused.text().contains("<code>unknown-negotiation</code>"),
            "{}",
            refused.text()
        );
    }
    // An ill-formed `after` is refused, not read as 0.
    let civ_session = server.sign_in(&civ).await;
    let ill_formed = server
        .send(
            server
                .client
                .get(server.url(&format!("/negotiations/{NEGOTIATION}/live?after=x")))
                .header(COOKIE, &civ_session),
        )
        .await;
    assert_eq!(
        ill_formed.status,
        StatusCode::BAD_REQUEST,
        "{}",
        ill_formed.text()
    );
}

async fn streams_beyond_the_limit_are_refused(backend: Backend) {
    let limits = LiveLimits {
        max_streams: 2,
        // A closed stream is noticed at its next write.
        keep_alive: Duration::from_millis(100),
        ..LiveLimits::default()
    };
    let Small {
        server,
        mar_session,
        ..
    } = small(start_with(TestStore::new(backend).await, limits).await).await;
    let path = live_path(0);
    let first = Live::open(&server, &mar_session, &path, &[]).await;
    let _second = Live::open(&server, &mar_session, &path, &[]).await;
    let refused = server
        .client
        .get(server.url(&path))
        .header(COOKIE, &mar_session)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.headers()[RETRY_AFTER], "30");
    let refused = read(refused).await;
    assert!(
        refused
            .text()
            .contains("<code>too-many-live-streams</code>"),
        "{}",
        refused.text()
    );

    // A closed stream gives its place back.
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let retry = server
            .client
            .get(server.url(&path))
            .header(COOKIE, &mar_session)
            .send()
            .await
            .unwrap();
        if retry.status() == StatusCode::OK {
            break;
        }
        assert_eq!(retry.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(
            Instant::now() < deadline,
            "the closed stream kept its place"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One person's streams are bounded apart from the process's: at their limit, others still
/// follow.
async fn one_person_cannot_take_every_stream(backend: Backend) {
    let limits = LiveLimits {
        max_streams: 4,
        max_streams_per_person: 1,
        ..LiveLimits::default()
    };
    let Small {
        server,
        civ,
        mar_session,
        ..
    } = small(start_with(TestStore::new(backend).await, limits).await).await;
    let path = live_path(0);
    let _held = Live::open(&server, &mar_session, &path, &[]).await;
    let refused = server
        .client
        .get(server.url(&path))
        .header(COOKIE, &mar_session)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    // Another session of the same person is the same person.
    let mar = server.token(MAR_HEAD).await;
    let second_session = server.sign_in(&mar).await;
    let refused = server
        .client
        .get(server.url(&path))
        .header(COOKIE, &second_session)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    let civ_session = server.sign_in(&civ).await;
    let _followed = Live::open(&server, &civ_session, &path, &[]).await;
}

async fn a_stream_ends_with_its_session(backend: Backend) {
    let limits = LiveLimits {
        session_check: Duration::from_millis(200),
        ..LiveLimits::default()
    };
    let Small {
        server,
        mar,
        mar_session,
        ..
    } = small(start_with(TestStore::new(backend).await, limits).await).await;
    let kept_session = server.sign_in(&mar).await;
    let mut revoked = Live::open(&server, &mar_session, &live_path(0), &[]).await;
    let mut kept = Live::open(&server, &kept_session, &live_path(0), &[]).await;
    let secret = mar_session.trim_start_matches("pacta_session=");
    let session = server.store.database.session(secret).await.unwrap();
    let session = session.expect("the session's row");
    let database = &server.store.database;
    let at = "2026-01-01T00:00:00Z";
    assert!(database.revoke_token(&session.token_id, at).await.unwrap());
    assert!(revoked.ends_within(Duration::from_secs(3)).await);
    // The other session of the same person follows on.
    assert!(!kept.ends_within(Duration::from_millis(800)).await);
}

async fn the_pages_carry_what_the_script_needs(backend: Backend) {
    let Small {
        server,
        mar_session,
        ..
    } = small(start(backend).await).await;
    let french = format!("{mar_session}; pacta_language=fr");
    let page = server
        .send(
            server
                .client
                .get(server.url(&format!("/negotiations/{NEGOTIATION}")))
                .header(COOKIE, &french),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let page = page.text();
    let last = last_sequence(&server).await;
    for expected in [
        format!("data-negotiation=\"{NEGOTIATION}\""),
        format!("data-last-sequence=\"{last}\""),
        "<script src=\"/static/live.js\" defer".to_string(),
        "<section class=\"live-acts\" aria-live=\"polite\"".to_string(),
        // The script's words, in the reader's language.
        "data-reload=\"Recharger pour le voir\"".to_string(),
        "data-just-now=\"à l'instant\"".to_string(),
    ] {
        assert!(page.contains(&expected), "{expected} in {page}");
    }
    let script = server.get("/static/live.js", None).await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.content_type.starts_with("text/javascript"));
    // Server text is set as text, never parsed as markup.
    assert!(!script.text().contains("innerHTML"));
}
