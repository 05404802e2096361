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

/// Opens `negotiation`: a French instrument of `kind` titled `title`, between Côte d'Ivoire and
/// Morocco, whose heads of delegation are `civ.head` and `mar.head`.
pub fn open_civ_mar(store: &TestStore, negotiation: &str, title: &str, kind: &str) {
    ok(
        store,
        &[
            "--as",
            "civ.head",
            "open",
            negotiation,
            "--title",
            title,
            "--kind",
            kind,
            "--language",
            "fr",
            "--party",
            "CIV|Côte d'Ivoire|civ.head|Chef CIV",
            "--party",
            "MAR|Maroc|mar.head|Chef MAR",
        ],
    );
}

/// Accredits `minister.civ` as Côte d'Ivoire's signatory ex officio, holding `public_key`.
pub fn accredit_civ_signatory(store: &TestStore, negotiation: &str, public_key: &str) {
    ok(
        store,
        &[
            "--as",
            "civ.head",
            "accredit",
            negotiation,
            "--person",
            "minister.civ",
            "--name",
            "Ministre",
            "--party",
            "CIV",
            "--role",
            "signatory",
            "--public-key",
            public_key,
            "--ex-officio",
        ],
    );
}

/// Starts `pacta` with `args` and kills it (SIGKILL) after `after_ms`, whatever it is doing.
pub fn kill_after(store: &TestStore, args: &[&str], after_ms: u64) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .arg("--store")
        .arg(&store.url)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start pacta");
    std::thread::sleep(std::time::Duration::from_millis(after_ms));
    let _ = child.kill();
    child.wait().expect("wait for pacta");
}
