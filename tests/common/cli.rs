//! Running the `pacta` binary against a test store, as a user would.
#![allow(dead_code)]

use std::process::Output;

use super::TestStore;

pub fn pacta(store: &TestStore, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .arg("--store")
        .arg(&store.url)
        .args(args)
        .env_remove("PACTA_ACTOR")
        .output()
        .expect("run pacta")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a command that must succeed, and returns what it printed.
pub fn ok(store: &TestStore, args: &[&str]) -> String {
    let output = pacta(store, args);
    assert!(output.status.success(), "{args:?}: {}", stderr(&output));
    stdout(&output)
}

/// `pacta key generate --out PATH`; returns the public key it prints.
pub fn generate_key(store: &TestStore, path: &str) -> String {
    let printed = ok(store, &["key", "generate", "--out", path]);
    let last = printed.lines().last().expect("the public key line");
    last.trim_start_matches("public key ").to_string()
}

pub fn status_json(store: &TestStore, negotiation: &str) -> serde_json::Value {
    serde_json::from_str(&ok(store, &["status", negotiation, "--json"])).unwrap()
}

/// Runs a command that must be refused with one line containing `expected`, writing nothing.
pub async fn refused(store: &TestStore, args: &[&str], expected: &str) {
    let before = store.event_count().await;
    let output = pacta(store, args);
    let message = stderr(&output);
    assert!(!output.status.success(), "{args:?} was accepted");
    assert!(message.contains(expected), "{args:?}: {message}");
    assert_eq!(message.trim_end().lines().count(), 1, "one line: {message}");
    assert_eq!(store.event_count().await, before, "{args:?} wrote nothing");
}
