//! What the service gives away and what it lets a client hold: a slow or silent client loses its
//! connection, connections beyond the cap wait to be accepted, outsiders cannot tell a
//! negotiation they may not read from one that does not exist, acts beyond the service's limit
//! wait their turn while reads are answered, and a store's password is never printed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use pacta_service::{spawn_on_loopback_with, AppState, ServeLimits};
use reqwest::header::COOKIE;
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::cli::{pacta_at, stderr, stdout};
use crate::common::http::{open_small, propose, read, Server, CIV_HEAD, NEGOTIATION};
use crate::common::{Backend, TestStore};

const MOU: &str = "civ-mar-tip-mou";
const HEALTH_REQUEST: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: pacta\r\nConnection: close\r\n\r\n";

/// The service on a fresh SQLite store with `limits`, and its `host:port`.
async fn serve_with(limits: ServeLimits) -> (TestStore, String) {
    let store = TestStore::new(Backend::Sqlite).await;
    let state = Arc::new(AppState::new(store.database.clone()));
    let (base, _server) = spawn_on_loopback_with(state, limits)
        .await
        .expect("bind 127.0.0.1:0");
    let address = base.trim_start_matches("http://").to_string();
    (store, address)
}

/// Reads until the server closes the connection (or resets it), at most `patience`; `None` if
/// it is still open then.
async fn read_until_closed(stream: &mut TcpStream, patience: Duration) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(patience, async {
        let mut buffer = [0; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    read.ok().map(|()| received)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    let header_read_timeout = Duration::from_secs(1);
    let (_store, address) = serve_with(ServeLimits {
        header_read_timeout,
        ..ServeLimits::default()
    })
    .await;

    let mut slow = TcpStream::connect(&address).await.expect("connect");
    let started = Instant::now();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: pacta\r\n")
        .await
        .expect("send part of the headers");
    let answered = read_until_closed(&mut slow, header_read_timeout * 5)
        .await
        .expect("the server closes a connection whose headers never end");
    let waited = started.elapsed();
    assert!(
        waited >= header_read_timeout - Duration::from_millis(100),
        "closed after {waited:?}, before the timeout"
    );
    // Whatever hyper says on closing, it is no answer to the unfinished request.
    let answered = String::from_utf8_lossy(&answered);
    assert!(!answered.contains("200 OK"), "{answered}");

    // A client that says nothing at all is disconnected the same way.
    let mut silent = TcpStream::connect(&address).await.expect("connect");
    read_until_closed(&mut silent, header_read_timeout * 5)
        .await
        .expect("the server closes a connection that sends nothing");

    // A request whose headers arrive in time is answered.
    let mut prompt = TcpStream::connect(&address).await.expect("connect");
    prompt.write_all(HEALTH_REQUEST).await.expect("send");
    let answer = read_until_closed(&mut prompt, Duration::from_secs(10))
        .await
        .expect("an answer, then the connection closed");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn connections_beyond_the_cap_wait_until_one_closes() {
    let (_store, address) = serve_with(ServeLimits {
        max_connections: 1,
        ..ServeLimits::default()
    })
    .await;

    // The one connection the cap allows, held open without a request.
    let holder = TcpStream::connect(&address).await.expect("connect");
    // The operating system queues the next one; the service does not accept it yet.
    let mut waiting = TcpStream::connect(&address).await.expect("connect");
    waiting.write_all(HEALTH_REQUEST).await.expect("send");
    assert_eq!(
        read_until_closed(&mut waiting, Duration::from_millis(700)).await,
        None,
        "a connection over the cap is not served"
    );

    drop(holder);
    let answer = read_until_closed(&mut waiting, Duration::from_secs(10))
        .await
        .expect("served once the first connection closed");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200 OK"), "{answer}");
}

/// Every read of a negotiation, in the API and in the pages, with `{}` for its id.
const READS: &[&str] = &[
    "/api/negotiations/{}/draft",
    "/api/negotiations/{}/history",
    "/api/negotiations/{}/clauses/art-1/history",
    "/api/negotiations/{}/redline?from=1&to=2",
    "/api/negotiations/{}/agreement",
    "/api/negotiations/{}/matrices",
    "/api/negotiations/{}/exports/markdown",
    "/negotiations/{}",
    "/negotiations/{}/clauses/art-1",
    "/negotiations/{}/redline",
    "/negotiations/{}/timeline",
    "/negotiations/{}/agreement",
];

async fn outsiders_cannot_tell_forbidden_from_unknown(backend: Backend) {
    let server = Server::on(TestStore::with_demo(backend).await).await;
    let outsider = server.token("someone.else").await;
    let member = server.token("amina.kone").await;
    // The member reads the negotiation: it exists.
    server
        .get(&READS[0].replace("{}", MOU), Some(&member))
        .await
        .ok(StatusCode::OK);

    let sessions = [
        (outsider.clone(), server.sign_in(&outsider).await),
        (member.clone(), server.sign_in(&member).await),
    ];
    let get = |path: String, token: &str| {
        let request = server.client.get(server.url(&path));
        // The API takes the bearer token, the pages the cookie of a session signed in with it.
        let request = if path.starts_with("/api/") {
            request.bearer_auth(token)
        } else {
            let (_, session) = sessions
                .iter()
                .find(|(t, _)| t == token)
                .expect("signed in");
            request.header(COOKIE, session.clone())
        };
        async move { read(request.send().await.expect("the server answers")).await }
    };
    for read_path in READS {
        let forbidden = get(read_path.replace("{}", MOU), &outsider).await;
        let unknown = get(read_path.replace("{}", "no-such-negotiation"), &outsider).await;
        let unknown_to_member = get(read_path.replace("{}", "no-such-negotiation"), &member).await;
        assert_eq!(forbidden.status, StatusCode::NOT_FOUND, "{read_path}");
        if read_path.starts_with("/api/") {
            forbidden.assert_error(StatusCode::NOT_FOUND, "unknown-negotiation");
        } else {
            assert!(
                forbidden
                    .text()
                    .contains("<code>unknown-negotiation</code>"),
                "{read_path}: {}",
                forbidden.text()
            );
        }
        for other in [&unknown, &unknown_to_member] {
            assert_eq!(other.status, forbidden.status, "{read_path}");
            assert_eq!(other.content_type, forbidden.content_type, "{read_path}");
            assert_eq!(
                other.body,
                forbidden.body,
                "{read_path}: {} / {}",
                other.text(),
                forbidden.text()
            );
        }
        assert!(!forbidden.text().contains(MOU), "{read_path}");
        assert!(!forbidden.text().contains("someone.else"), "{read_path}");
    }
    assert!(get(READS[0].replace("{}", MOU), &outsider)
        .await
        .content_type
        .starts_with("application/json"));
}

on_both_stores!(
    outsiders_cannot_tell_forbidden_from_unknown,
    acts_beyond_the_limit_wait_their_turn_and_reads_do_not,
);

/// With every turn to act taken, an act waits and records nothing while a read is answered;
/// once a turn is free, the act is recorded as usual.
async fn acts_beyond_the_limit_wait_their_turn_and_reads_do_not(backend: Backend) {
    let store = TestStore::new(backend).await;
    let state = Arc::new(AppState::new(store.database.clone()).with_act_turns(1));
    let (base, _server) = pacta_service::spawn_on_loopback(state.clone())
        .await
        .expect("bind 127.0.0.1:0");
    let server = Server {
        store,
        base,
        client: reqwest::Client::new(),
    };
    let head = server.token(CIV_HEAD).await;
    open_small(&server, &head).await;
    let events_before = server.store.event_count().await;

    let only_turn = state.act_turns.take().await;
    let waiting = tokio::spawn(
        server
            .action_request(
                NEGOTIATION,
                &head,
                propose("art-1", "Les Parties coopèrent."),
            )
            .send(),
    );
    let draft = server
        .get(
            &format!("/api/negotiations/{NEGOTIATION}/draft"),
            Some(&head),
        )
        .await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.text());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "{backend:?}: the act waits for a turn"
    );
    assert_eq!(
        server.store.event_count().await,
        events_before,
        "{backend:?}: an act waiting for its turn has recorded nothing"
    );

    drop(only_turn);
    let recorded = read(waiting.await.unwrap().expect("the server answers")).await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text());
    assert_eq!(server.store.event_count().await, events_before + 1);
}

/// A store URL's password appears nowhere in what `pacta` prints when the store is unreachable.
#[test]
fn an_unreachable_store_is_named_without_its_password() {
    let url = "postgres://u:s3cret-pw@127.0.0.1:1/none";
    let output = pacta_at(url, &["verify"]);
    assert!(!output.status.success());
    let (out, err) = (stdout(&output), stderr(&output));
    assert!(!err.contains("s3cret-pw"), "{err}");
    assert!(!out.contains("s3cret-pw"), "{out}");
    assert!(
        err.contains("cannot open the store at 'postgres://u:***@127.0.0.1:1/none'"),
        "{err}"
    );

    let output = pacta_at("mysql://u:s3cret-pw@127.0.0.1:1/none", &["verify"]);
    let err = stderr(&output);
    assert!(!err.contains("s3cret-pw"), "{err}");
    assert!(err.contains("unsupported store URL"), "{err}");
}
