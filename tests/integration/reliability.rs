//! Reliability (issue 13, §7): an act never waits on a transaction that writes no events, and the
//! commit-order reader still skips nothing; `/healthz` reports the views' lag and the background
//! verification, which refuses acts on a negotiation it finds damaged; command ids belong to the
//! person who sends them; `pacta verify` reads a SQLite store without writing a byte; a request
//! over the time limit is answered as JSON.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pacta::demo::{DEMO_AGREEMENT, DEMO_AGREEMENT_TOKEN_PERSON, DEMO_NEGOTIATION};
use pacta_ledger::patrol::PatrolSettings;
use pacta_ledger::store::{CommitCursor, CommittedEvent, Database};
use pacta_service::{spawn_on_loopback_with, AppState, ServeLimits};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::Connection;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common::cli::{assert_ok, pacta, pacta_at, stderr};
use crate::common::http::{open_small, read, Server, CIV_HEAD, MAR_HEAD, NEGOTIATION};
use crate::common::{postgres_server_url, Backend, TestStore};

on_both_stores!(
    command_ids_belong_to_the_person_who_sends_them,
    healthz_reports_view_lag_and_what_the_verification_found,
    a_store_opened_read_only_refuses_writes,
);

/// Well under the 10 s an act used to wait behind any open transaction on the server, with room
/// for a loaded two-core machine; the figures measured are printed.
const MAX_ACT_MS: u128 = 2_000;

fn comment(text: &str) -> Value {
    json!({"type": "comment", "text": text})
}

/// A database of its own on the test server, dropped at the end.
struct OtherDatabase {
    url: String,
    name: String,
}

impl OtherDatabase {
    async fn create() -> OtherDatabase {
        let server = postgres_server_url();
        let name = format!("pacta_other_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let url = pacta_ledger::store::postgres_url_with_database(&server, &name);
        OtherDatabase { url, name }
    }

    async fn drop_database(self) {
        let mut admin = sqlx::PgConnection::connect(&postgres_server_url())
            .await
            .unwrap();
        sqlx::query(&format!("DROP DATABASE {} WITH (FORCE)", self.name))
            .execute(&mut admin)
            .await
            .unwrap();
    }
}

/// A session on `url` inside a REPEATABLE READ transaction that holds a transaction id and a
/// snapshot, and stays open: what a `pg_dump` or a forgotten session looks like to the server.
async fn hold_transaction_open(url: &str) -> sqlx::PgConnection {
    let mut session = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::raw_sql("BEGIN ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut session)
        .await
        .unwrap();
    let xid: String = sqlx::query_scalar("SELECT pg_current_xact_id()::text")
        .fetch_one(&mut session)
        .await
        .unwrap();
    assert!(!xid.is_empty());
    session
}

/// The transaction `hold_transaction_open` began is still open, with its id.
async fn still_open(session: &mut sqlx::PgConnection) {
    let xid: Option<String> = sqlx::query_scalar("SELECT pg_current_xact_id_if_assigned()::text")
        .fetch_one(&mut *session)
        .await
        .unwrap();
    assert!(xid.is_some(), "the held transaction is still open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acts_answer_while_unrelated_transactions_stay_open() {
    let server = Server::start(Backend::Postgres).await;
    let civ = server.token(CIV_HEAD).await;
    open_small(&server, &civ).await;
    let other = OtherDatabase::create().await;
    let mut held = vec![
        hold_transaction_open(&other.url).await,
        hold_transaction_open(&server.store.url).await,
    ];
    let history = format!("/api/negotiations/{NEGOTIATION}/history");
    let mut measured_ms = Vec::new();

    for i in 0..5 {
        let started = Instant::now();
        let recorded = server
            .act(NEGOTIATION, &civ, comment(&format!("over HTTP {i}")))
            .await;
        let took_ms = started.elapsed().as_millis();
        measured_ms.push(("http", took_ms));
        assert!(took_ms < MAX_ACT_MS, "an act over HTTP took {took_ms} ms");
        // Read-your-writes: the next read shows the act.
        let sequence = &recorded["events"][0]["sequence"];
        let read = server.json(&history, &civ).await;
        let entries = read["entries"].as_array().unwrap();
        assert!(
            entries.iter().any(|e| e["sequence"] == *sequence),
            "act {sequence} in {read}"
        );
    }

    for i in 0..3 {
        let text = format!("from the command line {i}");
        let args = [
            "--as",
            CIV_HEAD,
            "comment",
            NEGOTIATION,
            "--text",
            text.as_str(),
        ];
        let started = Instant::now();
        assert_ok(&pacta(&server.store, &args));
        let took_ms = started.elapsed().as_millis();
        measured_ms.push(("cli", took_ms));
        assert!(took_ms < MAX_ACT_MS, "an act by the CLI took {took_ms} ms");
        let events = server.store.event_count().await;
        let printed = assert_ok(&pacta(&server.store, &["history", NEGOTIATION, "--json"]));
        let entries: Vec<Value> = serde_json::from_str(&printed).unwrap();
        assert_eq!(entries.len() as i64, events, "every act in {printed}");
        let read = server.json(&history, &civ).await;
        assert_eq!(read["entries"].as_array().unwrap().len() as i64, events);
    }

    println!("acts with two transactions held open (ms): {measured_ms:?}");
    for session in &mut held {
        still_open(session).await;
    }
    drop(held);
    other.drop_database().await;
}

fn insert_event(negotiation: &str) -> String {
    format!(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
         VALUES ('Negotiation', '{negotiation}', 1, 'Commented', '1', '{{}}', '{{}}')"
    )
}

fn negotiations(batch: &[CommittedEvent]) -> Vec<&str> {
    batch
        .iter()
        .map(|e| e.event.aggregate_id.as_str())
        .collect()
}

/// A transaction writing events holds the reader back (it waits for it, then stays behind it),
/// and once it commits, its events and those committed after it are all read, in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_open_event_writer_holds_the_reader_back_and_nothing_is_skipped() {
    let store = TestStore::new(Backend::Postgres).await;
    let Database::Postgres(pool, _) = &store.database else {
        unreachable!()
    };
    sqlx::raw_sql(&insert_event("before"))
        .execute(pool)
        .await
        .unwrap();
    let mut writer = pool.acquire().await.unwrap();
    let mut open = writer.begin().await.unwrap();
    sqlx::query(&insert_event("held"))
        .execute(&mut *open)
        .await
        .unwrap();
    // A writer that began after it and committed: its transaction id is above the held one's.
    sqlx::raw_sql(&insert_event("after"))
        .execute(pool)
        .await
        .unwrap();

    // The reader waits for the writer, gives up waiting, and reads only what is below it.
    let read = store
        .database
        .read_committed(CommitCursor::default(), 10)
        .await
        .unwrap();
    assert_eq!(negotiations(&read), ["before"]);
    let cursor = read[0].cursor;

    // Reading again, the reader waits for the writer; the writer commits meanwhile.
    let database = store.database.clone();
    let reading = tokio::spawn(async move { database.read_committed(cursor, 10).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !reading.is_finished(),
        "the reader waits while a transaction writing events is open"
    );
    open.commit().await.unwrap();
    let read = reading.await.unwrap().unwrap();
    assert_eq!(negotiations(&read), ["held", "after"], "none skipped");
}

/// An event written after the transaction already wrote something else could get a transaction
/// id below a reader's horizon after that reader passed it: the database refuses it.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn events_must_be_the_first_write_of_their_transaction() {
    let store = TestStore::new(Backend::Postgres).await;
    let Database::Postgres(pool, _) = &store.database else {
        unreachable!()
    };
    let mut connection = pool.acquire().await.unwrap();
    let mut late = connection.begin().await.unwrap();
    sqlx::query("SELECT pg_current_xact_id()")
        .execute(&mut *late)
        .await
        .unwrap();
    let refused = sqlx::query(&insert_event("late"))
        .execute(&mut *late)
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        refused.contains("events must be the first thing a transaction writes"),
        "{refused}"
    );
    drop(late);
    assert_eq!(store.event_count().await, 0);
}

async fn command_ids_belong_to_the_person_who_sends_them(backend: Backend) {
    let server = Server::start(backend).await;
    let civ = server.token(CIV_HEAD).await;
    let mar = server.token(MAR_HEAD).await;
    open_small(&server, &civ).await;
    let id = "note-2026-11-27-001";

    let first = server
        .command(
            NEGOTIATION,
            &civ,
            id,
            comment("La note de la Côte d'Ivoire."),
        )
        .await
        .ok(StatusCode::CREATED);
    // Another person's command under the same id is theirs, recorded as usual.
    let before = server.store.event_count().await;
    let theirs = server
        .command(NEGOTIATION, &mar, id, comment("La note du Maroc."))
        .await
        .ok(StatusCode::CREATED);
    assert_eq!(theirs["replayed"], false);
    assert_eq!(server.store.event_count().await, before + 1);
    assert_ne!(theirs["events"], first["events"]);

    // Each one's retry replays their own act, and records nothing.
    for (token, text, recorded) in [
        (&civ, "La note de la Côte d'Ivoire.", &first),
        (&mar, "La note du Maroc.", &theirs),
    ] {
        let retry = server
            .command(NEGOTIATION, token, id, comment(text))
            .await
            .ok(StatusCode::OK);
        assert_eq!(retry["replayed"], true);
        assert_eq!(retry["events"], recorded["events"]);
    }
    assert_eq!(server.store.event_count().await, before + 1);

    // One person's id on a different command of theirs is still refused.
    server
        .refused(
            server.command_request(NEGOTIATION, &civ, id, comment("Une autre note.")),
            StatusCode::CONFLICT,
            "command-id-reused",
        )
        .await;

    let history = server
        .json(&format!("/api/negotiations/{NEGOTIATION}/history"), &civ)
        .await;
    let actors: Vec<&Value> = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "Commented")
        .map(|e| &e["actor"])
        .collect();
    assert_eq!(actors, [CIV_HEAD, MAR_HEAD]);
}

/// The background verification re-reads the ledger pass after pass at its configured rate;
/// `/healthz` reports it and each view's lag. A tampered event is found within one pass: then
/// `/healthz` answers `integrity` naming it, and acts on that negotiation are refused while the
/// other negotiation goes on.
async fn healthz_reports_view_lag_and_what_the_verification_found(backend: Backend) {
    let store = TestStore::with_demo(backend).await;
    let events = store.event_count().await as u64;
    let settings = PatrolSettings {
        events_per_second: PATROL_EVENTS_PER_SECOND,
        min_pass_ms: PATROL_MIN_PASS_MS,
    };
    let state = AppState::new(store.database.clone()).with_patrol(settings);
    let (base, _server) = spawn_on_loopback_with(Arc::new(state), ServeLimits::default())
        .await
        .unwrap();
    let client = reqwest::Client::new();
    let health =
        || async { read(client.get(format!("{base}/healthz")).send().await.unwrap()).await };

    // The demo was recorded with no projector: every view lags by every event.
    let reply = health().await.ok(StatusCode::OK);
    assert_eq!(reply["status"], "ready");
    assert_eq!(reply["events"], events);
    let views = reply["views"].as_array().unwrap();
    let names: Vec<&str> = views.iter().map(|v| v["view"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "access",
            "agreement",
            "draft",
            "index",
            "journal",
            "timeline"
        ]
    );
    assert!(views.iter().all(|v| v["lag_events"] == events), "{reply}");

    let started = Instant::now();
    let verified = loop {
        let reply = health().await.ok(StatusCode::OK);
        if reply["verification"]["state"] != "pending" {
            break reply;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{reply}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let verification = &verified["verification"];
    assert_eq!(verification["state"], "passed", "{verified}");
    assert_eq!(verification["events"], events);
    assert_eq!(verification["findings"], json!([]));
    assert_eq!(verification["events_per_second"], PATROL_EVENTS_PER_SECOND);
    assert!(verification["passes"].as_u64().unwrap() >= 1);
    assert!(verification["last_run_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));

    // A read brings the views up to date, and the lag shows it.
    let token = store.issue_token("amina.kone").await.token;
    let listed = client
        .get(format!("{base}/api/negotiations"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    read(listed).await.ok(StatusCode::OK);
    let reply = health().await.ok(StatusCode::OK);
    let views = reply["views"].as_array().unwrap();
    assert!(views.iter().all(|v| v["lag_events"] == 0), "{reply}");

    // An act: the service now holds the negotiation's verified state, with its head.
    let comment = |command_id: &str, text: &str| {
        client
            .post(format!(
                "{base}/api/negotiations/{DEMO_NEGOTIATION}/commands"
            ))
            .bearer_auth(&token)
            .json(
                &json!({ "command_id": command_id, "action": { "type": "comment", "text": text } }),
            )
            .send()
    };
    read(
        comment("before", "Prochaine réunion en avril")
            .await
            .unwrap(),
    )
    .await
    .ok(StatusCode::CREATED);
    let events = events + 1;

    // Someone with the database's keys rewrites an event; the next verification finds it.
    let first_proposal = format!(
        "aggregate_id = '{DEMO_NEGOTIATION}' AND sequence = (SELECT min(sequence) FROM events
           WHERE aggregate_id = '{DEMO_NEGOTIATION}' AND event_type = 'ClauseProposed')"
    );
    store
        .tamper_events("payload", ("\"heading\"", "\"headline\""), &first_proposal)
        .await;
    let started = Instant::now();
    let damaged = loop {
        let reply = health().await;
        if reply.status != StatusCode::OK {
            break reply;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{}",
            reply.text()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // A pass reads every event and leaf at the configured rate (at least its minimum time); the
    // damage is found by the pass under way or the next, so within two passes, with room for a
    // loaded machine.
    let pass_ms =
        (2 * events * 1_000 / u64::from(PATROL_EVENTS_PER_SECOND)).max(PATROL_MIN_PASS_MS);
    let found_ms = started.elapsed().as_millis();
    println!("the tampered event was found in {found_ms} ms (one pass: {pass_ms} ms)");
    assert!(
        found_ms <= u128::from(2 * pass_ms + SLACK_MS),
        "found after {found_ms} ms; a pass takes {pass_ms} ms"
    );
    damaged.assert_error(StatusCode::INTERNAL_SERVER_ERROR, "integrity");
    let message = damaged.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("the background verification found 1 problem(s)"),
        "{message}"
    );
    assert!(message.contains("the event was altered"), "{message}");
    assert!(
        message.contains(&format!("acts are refused on: {DEMO_NEGOTIATION}")),
        "{message}"
    );

    // The held state was verified before the damage: the act is refused all the same, naming
    // what was found, and nothing is written.
    let refused = read(comment("after", "Encore").await.unwrap()).await;
    refused.assert_error(StatusCode::INTERNAL_SERVER_ERROR, "integrity");
    let message = refused.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("the background verification found its history damaged"),
        "{message}"
    );
    assert!(message.contains("the event was altered"), "{message}");
    assert_eq!(store.event_count().await as u64, events, "nothing recorded");

    // The other negotiation's history is intact: its delegates go on.
    let agreement_head = store.issue_token(DEMO_AGREEMENT_TOKEN_PERSON).await.token;
    let accepted = client
        .post(format!("{base}/api/negotiations/{DEMO_AGREEMENT}/commands"))
        .bearer_auth(&agreement_head)
        .json(&json!({
            "command_id": "agreement-goes-on",
            "action": { "type": "comment", "text": "La révision suit son cours." }
        }))
        .send()
        .await
        .unwrap();
    read(accepted).await.ok(StatusCode::CREATED);
}

/// The background verification's rate in the tests: a pass over the demo takes about 0.1 s.
const PATROL_EVENTS_PER_SECOND: u32 = 5_000;
const PATROL_MIN_PASS_MS: u64 = 200;
/// What a loaded two-core machine may add to a pass.
const SLACK_MS: u64 = 3_000;

/// A request that takes longer than the limit is answered `request-timeout` as JSON.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_request_over_the_time_limit_is_answered_as_json() {
    let store = TestStore::new(Backend::Sqlite).await;
    let token = store.issue_token(CIV_HEAD).await.token;
    let limits = ServeLimits {
        request_timeout: Duration::from_millis(300),
        ..ServeLimits::default()
    };
    let state = Arc::new(AppState::new(store.database.clone()));
    let (base, _server) = spawn_on_loopback_with(state, limits).await.unwrap();
    let mut stream = TcpStream::connect(base.trim_start_matches("http://"))
        .await
        .unwrap();
    // A command whose body never arrives whole.
    let request = format!(
        "POST /api/negotiations/{NEGOTIATION}/commands HTTP/1.1\r\nHost: pacta\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\nConnection: close\r\n\r\n{{\"command_id\": "
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), async {
        let mut buffer = [0; 4096];
        while let Ok(n @ 1..) = stream.read(&mut buffer).await {
            received.extend_from_slice(&buffer[..n]);
        }
    })
    .await;
    let answer = String::from_utf8_lossy(&received);
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{answer}"
    );
    let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["code"], "request-timeout", "{body}");
    assert_eq!(body["status"], 503);
    assert!(
        body["message"].as_str().unwrap().contains("300 ms"),
        "{body}"
    );
    assert_eq!(store.event_count().await, 0);
}

/// What `pacta verify` and the reads of events open: the database itself refuses a write.
async fn a_store_opened_read_only_refuses_writes(backend: Backend) {
    let store = TestStore::with_demo(backend).await;
    let events = store.event_count().await;
    let read_only = Database::connect_read_only(&store.url).await.unwrap();
    let verified = pacta_ledger::verification::verify_ledger(&read_only)
        .await
        .unwrap()
        .expect("the demo verifies");
    assert_eq!(verified.events as i64, events);
    let write = "INSERT INTO view_checkpoints (view_name) VALUES ('written')";
    let refused = match &read_only {
        Database::Postgres(pool, _) => sqlx::raw_sql(write).execute(pool).await.map(|_| ()),
        Database::Sqlite(pool) => sqlx::raw_sql(write).execute(pool).await.map(|_| ()),
    }
    .expect_err("a read-only store refuses writes")
    .to_string();
    assert!(
        refused.contains("read-only") || refused.contains("readonly"),
        "{refused}"
    );
}

/// The bytes, modification time and companion files of a SQLite database.
fn snapshot(path: &Path) -> (Vec<u8>, std::time::SystemTime, Vec<PathBuf>) {
    let companions = ["-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| PathBuf::from(format!("{}{suffix}", path.display())))
        .filter(|p| p.exists())
        .collect();
    let modified = std::fs::metadata(path).unwrap().modified().unwrap();
    (std::fs::read(path).unwrap(), modified, companions)
}

/// Makes a directory immutable (`chattr +i`), even to root, until dropped.
struct Immutable(PathBuf);

impl Immutable {
    fn try_new(dir: &Path) -> Option<Immutable> {
        let status = std::process::Command::new("chattr")
            .arg("+i")
            .arg(dir)
            .status()
            .ok()?;
        status.success().then(|| Immutable(dir.to_path_buf()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .status();
    }
}

/// `pacta verify` opens a SQLite store read-only: the file's bytes and time are unchanged and no
/// `-wal` or `-shm` file appears; and it verifies a store in a directory no one may write to.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn verify_writes_nothing_to_a_sqlite_store() {
    let store = TestStore::with_demo(Backend::Sqlite).await;
    // Verified here is a copy that no connection has ever had open, so no `-wal` or `-shm` file
    // can be left over from the store's pool: sqlx closes SQLite connections on their worker
    // threads, and whether the last one has removed its `-wal` by the time the pool's `close()`
    // returns is not something this test should depend on.
    let copy = tempfile::tempdir().expect("a temporary directory");
    let path = copy.path().join("pacta.db");
    store
        .raw(&format!("VACUUM INTO '{}'", path.display()))
        .await;
    let url = format!("sqlite://{}", path.display());
    let before = snapshot(&path);
    assert_eq!(before.2, Vec::<PathBuf>::new(), "a fresh copy stands alone");

    for args in [&["verify"][..], &["verify", DEMO_NEGOTIATION]] {
        let printed = assert_ok(&pacta_at(&url, args));
        assert!(printed.contains("every link intact"), "{printed}");
        assert_eq!(snapshot(&path), before, "pacta {args:?} changed nothing");
    }
    // A redline reads events only, and opens the store the same way.
    assert_ok(&pacta_at(
        &url,
        &["redline", DEMO_NEGOTIATION, "--from", "1", "--to", "5"],
    ));
    assert_eq!(snapshot(&path), before);

    // A store that does not exist is not created by verifying it.
    let missing = path.with_file_name("missing.db");
    let output = pacta_at(&format!("sqlite://{}", missing.display()), &["verify"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("check that the file exists"),
        "{}",
        stderr(&output)
    );
    assert!(!missing.exists(), "verify created {}", missing.display());

    let directory = path.parent().unwrap();
    let Some(_immutable) = Immutable::try_new(directory) else {
        println!("chattr +i is not available here: the read-only directory case is not checked");
        return;
    };
    // The directory is truly read-only: an act, which opens the store to write, fails.
    let act = pacta_at(
        &url,
        &[
            "--as",
            "amina.kone",
            "comment",
            DEMO_NEGOTIATION,
            "--text",
            "x",
        ],
    );
    assert!(!act.status.success(), "an act in a read-only directory");
    let printed = assert_ok(&pacta_at(&url, &["verify"]));
    assert!(printed.contains("every link intact"), "{printed}");
    assert_eq!(snapshot(&path), before);
    println!(
        "verified in an immutable directory; the act was refused: {}",
        stderr(&act)
    );
}
