//! Bearer tokens through the `pacta` binary and the store's API, on both stores: a token is
//! printed once, alone on stdout; the table keeps its SHA-256 and never the token; it acts as its
//! person until revoked. Every bad input is one line, a non-zero exit, and writes nothing.

use crate::common::cli::ExitCode::{self, Refused, Usage};
use crate::common::cli::{assert_fails, ok, pacta, stderr, stdout};
use crate::common::{Backend, TestStore};
use pacta_ledger::store::{Database, TokenRecord, MAX_TOKEN_LABEL_BYTES, TOKEN_PREFIX};
use serde_json::Value;
use sha2::{Digest, Sha256};

on_both_stores!(
    a_token_is_shown_once_and_stored_as_its_hash,
    a_revoked_token_acts_as_nobody,
    bad_requests_write_nothing,
);

/// Every stored column of every token row, as someone with direct access to the database sees it.
type RawRow = (String, String, String, String, String, Option<String>);

async fn raw_rows(store: &TestStore) -> Vec<RawRow> {
    const QUERY: &str = "SELECT token_id, token_sha256, person, label, issued_at, revoked_at
                           FROM api_tokens ORDER BY token_id";
    match &store.database {
        Database::Postgres(pool, _) => sqlx::query_as(QUERY).fetch_all(pool).await,
        Database::Sqlite(pool) => sqlx::query_as(QUERY).fetch_all(pool).await,
    }
    .expect("read api_tokens")
}

async fn person_of(store: &TestStore, token: &str) -> Option<String> {
    store
        .database
        .person_of_token(token)
        .await
        .expect("look a token up")
}

fn sha256_hex(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

async fn tokens(store: &TestStore) -> Vec<TokenRecord> {
    store.database.tokens().await.expect("list tokens")
}

/// The arguments of `pacta token issue` for `person`, labelled `label`.
fn issue_args<'a>(person: &'a str, label: &'a str) -> [&'a str; 6] {
    ["token", "issue", "--person", person, "--label", label]
}

/// `pacta token issue`; returns the token id named on stderr and the token, stdout's only line.
fn issue(store: &TestStore, person: &str, label: &str) -> (String, String) {
    let output = pacta(store, &issue_args(person, label));
    let (printed, told) = (stdout(&output), stderr(&output));
    assert!(output.status.success(), "issue for {person}: {told}");
    assert_eq!(printed.lines().count(), 1, "the token alone: {printed}");
    let token = printed.trim_end().to_string();
    let token_id = told
        .strip_prefix("token ")
        .and_then(|rest| rest.split_once(' '))
        .map(|(id, _)| id.to_string())
        .unwrap_or_else(|| panic!("a token id on stderr: {told}"));
    assert!(
        told.contains(&format!("for {person} (shown once")),
        "{told}"
    );
    (token_id, token)
}

fn list_json(store: &TestStore) -> Vec<Value> {
    let printed = ok(store, &["token", "list", "--json"]);
    serde_json::from_str(&printed).unwrap_or_else(|e| panic!("{e}: {printed}"))
}

/// Runs a token command that must fail with `code` in one line containing `expected`, printing no
/// token and changing no token row.
async fn refused(store: &TestStore, args: &[&str], code: ExitCode, expected: &str) {
    let before = raw_rows(store).await;
    let output = pacta(store, args);
    assert_fails(&output, code, expected);
    assert_eq!(stdout(&output), "", "{args:?} printed nothing");
    assert_eq!(raw_rows(store).await, before, "{args:?} changed no token");
}

async fn a_token_is_shown_once_and_stored_as_its_hash(backend: Backend) {
    let store = TestStore::new(backend).await;
    let (token_id, token) = issue(&store, "koffi.yao", "laptop");

    let secret = token
        .strip_prefix(TOKEN_PREFIX)
        .unwrap_or_else(|| panic!("{token} starts with {TOKEN_PREFIX}"));
    assert_eq!(secret.len(), 43, "32 bytes in unpadded base64url: {token}");
    assert!(
        secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
        "{token}"
    );

    let rows = raw_rows(&store).await;
    assert_eq!(rows.len(), 1);
    let (stored_id, stored_hash, person, label, issued_at, revoked_at) = &rows[0];
    assert_eq!(stored_id, &token_id);
    assert_eq!(stored_hash, &sha256_hex(&token));
    assert_eq!((person.as_str(), label.as_str()), ("koffi.yao", "laptop"));
    chrono::DateTime::parse_from_rfc3339(issued_at)
        .unwrap_or_else(|e| panic!("issued_at '{issued_at}' is RFC 3339: {e}"));
    assert_eq!(revoked_at, &None);
    let stored = format!("{:?}", rows[0]);
    assert!(!stored.contains(secret), "no column holds the token");

    assert_eq!(
        person_of(&store, &token).await.as_deref(),
        Some("koffi.yao")
    );
    let mut altered = token.clone();
    let last = altered.pop().unwrap();
    altered.push(if last == 'A' { 'B' } else { 'A' });
    assert_eq!(person_of(&store, &altered).await, None, "one character off");
    assert_eq!(
        person_of(&store, stored_hash).await,
        None,
        "the hash is no token"
    );
    assert_eq!(person_of(&store, "").await, None);

    // Through the API: a second token for the same person is another token, and even Debug of
    // the issued token leaves the secret out.
    let issued = store
        .database
        .issue_token("koffi.yao", "", "2026-01-02T03:04:05Z")
        .await
        .unwrap();
    assert_ne!(issued.token, token);
    assert_ne!(issued.token_id, token_id);
    assert!(!format!("{issued:?}").contains(&issued.token));
    assert_eq!(
        person_of(&store, &issued.token).await.as_deref(),
        Some("koffi.yao")
    );
    let listed = list_json(&store);
    assert_eq!(listed.len(), 2);
    let listed_text = serde_json::to_string(&listed).unwrap();
    for (token, hash) in [
        (&token, stored_hash),
        (&issued.token, &sha256_hex(&issued.token)),
    ] {
        assert!(!listed_text.contains(token.as_str()), "list shows no token");
        assert!(!listed_text.contains(hash.as_str()), "list shows no hash");
    }
}

async fn a_revoked_token_acts_as_nobody(backend: Backend) {
    let store = TestStore::new(backend).await;
    let (koffi_id, koffi_token) = issue(&store, "koffi.yao", "laptop");
    let (amina_id, amina_token) = issue(&store, "amina.benali", "ci");

    assert_eq!(
        ok(&store, &["token", "revoke", &koffi_id]),
        format!("revoked token {koffi_id}\n")
    );
    assert_eq!(person_of(&store, &koffi_token).await, None);
    assert_eq!(
        person_of(&store, &amina_token).await.as_deref(),
        Some("amina.benali"),
        "only the revoked token stops acting"
    );

    let revoked_at = tokens(&store)
        .await
        .into_iter()
        .find(|t| t.token_id == koffi_id)
        .and_then(|t| t.revoked_at)
        .expect("the revoked token keeps its row, with when it was revoked");
    chrono::DateTime::parse_from_rfc3339(&revoked_at).unwrap();

    refused(
        &store,
        &["token", "revoke", &koffi_id],
        Refused,
        &format!("token {koffi_id} was already revoked at {revoked_at}"),
    )
    .await;
    refused(
        &store,
        &["token", "revoke", "ffffffffffff"],
        Refused,
        "no token has id 'ffffffffffff' (see pacta token list)",
    )
    .await;
    assert!(
        !store
            .database
            .revoke_token(&koffi_id, "2030-01-01T00:00:00Z")
            .await
            .unwrap(),
        "the API refuses a second revocation too"
    );
    assert!(!store
        .database
        .revoke_token("ffffffffffff", "2030-01-01T00:00:00Z")
        .await
        .unwrap());

    let listed = list_json(&store);
    let entry = |id: &str| {
        listed
            .iter()
            .find(|t| t["token_id"] == id)
            .unwrap_or_else(|| panic!("{id} listed: {listed:?}"))
            .clone()
    };
    assert_eq!(entry(&koffi_id)["revoked_at"], revoked_at.as_str());
    assert_eq!(entry(&koffi_id)["person"], "koffi.yao");
    assert_eq!(entry(&amina_id)["revoked_at"], Value::Null);
    assert_eq!(entry(&amina_id)["label"], "ci");

    let table = ok(&store, &["token", "list"]);
    let line = |id: &str| {
        table
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} in {table}"))
            .to_string()
    };
    assert!(line(&koffi_id).contains(&revoked_at), "{table}");
    assert!(line(&amina_id).contains("amina.benali"), "{table}");
    assert!(!table.contains(&amina_token), "{table}");
}

async fn bad_requests_write_nothing(backend: Backend) {
    let store = TestStore::new(backend).await;
    assert_eq!(
        ok(&store, &["token", "list"]),
        "no token has been issued (pacta token issue --person ID)\n"
    );
    for person in ["Koffi Yao", "", ".koffi", &"k".repeat(65)] {
        refused(
            &store,
            &["token", "issue", "--person", person],
            Usage,
            &format!("person id '{person}' is not a valid identifier"),
        )
        .await;
    }
    let long_label = "é".repeat(MAX_TOKEN_LABEL_BYTES / 2 + 1);
    let too_long = format!(
        "the token label is {} bytes; the limit is {MAX_TOKEN_LABEL_BYTES} bytes",
        long_label.len()
    );
    let control = "the token label contains the control character U+000A";
    for (label, expected) in [
        (long_label.as_str(), too_long.as_str()),
        ("two\nlines", control),
    ] {
        refused(&store, &issue_args("koffi.yao", label), Usage, expected).await;
    }
    refused(&store, &["token", "issue"], Usage, "--person").await;
    assert!(tokens(&store).await.is_empty());

    // The label limit is the store's own, whoever calls it.
    let refusal = store
        .database
        .issue_token("koffi.yao", &long_label, "2026-01-02T03:04:05Z")
        .await
        .expect_err("an over-long label");
    assert!(refusal.to_string().contains("the limit is"), "{refusal}");
    assert!(raw_rows(&store).await.is_empty());
}

/// Starts `pacta serve --demo` on `store`, reads what it prints until it is serving, stops it,
/// and returns the tokens it printed (the lines starting with the token prefix).
fn demo_tokens_printed(store: &TestStore) -> Vec<String> {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .args([
            "--store",
            &store.url,
            "serve",
            "--demo",
            "--listen",
            "127.0.0.1:0",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start pacta serve --demo");
    let stdout = std::io::BufReader::new(child.stdout.take().expect("its stdout"));
    let mut tokens = Vec::new();
    for line in stdout.lines() {
        let line = line.expect("a line of output");
        if let Some(token) = line.trim().strip_prefix(TOKEN_PREFIX) {
            tokens.push(format!("{TOKEN_PREFIX}{token}"));
        }
        if line.starts_with("Stop with Ctrl-C") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    tokens
}

/// `serve --demo` keeps its tokens beside the embedded store: a second start prints the same
/// way in and issues nothing; once one is revoked, the next start replaces that one only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_demo_reuses_its_tokens_until_revoked() {
    let store = TestStore::new(Backend::Sqlite).await;
    let first = demo_tokens_printed(&store);
    assert_eq!(first.len(), 2, "one token per demo negotiation: {first:?}");
    let kept = format!("{}.demo-sign-in", store.url.trim_start_matches("sqlite://"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&kept)
            .expect("the kept tokens")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "readable by its owner only: {mode:o}");
    }
    let issued = tokens(&store).await.len();
    assert_eq!(demo_tokens_printed(&store), first, "the same way in");
    assert_eq!(tokens(&store).await.len(), issued, "no new token");

    let first_sha256 = sha256_hex(&first[0]);
    let (revoked, ..) = raw_rows(&store)
        .await
        .into_iter()
        .find(|row| row.1 == first_sha256)
        .expect("the first demo token's row");
    ok(&store, &["token", "revoke", &revoked]);
    let third = demo_tokens_printed(&store);
    assert_ne!(third[0], first[0], "a revoked token is replaced");
    assert_eq!(third[1], first[1], "the other is kept");
    assert_eq!(person_of(&store, &first[0]).await, None);
    assert!(person_of(&store, &third[0]).await.is_some());
}
