//! The `pacta` binary as a user runs it, on both stores: the demo, a full act, and bad input
//! that is refused with one clear line and a non-zero exit, writing nothing.

mod common;

use std::process::Output;

use common::{Backend, TestStore};
use pacta::demo::DEMO_NEGOTIATION;

on_both_stores!(
    demo_loads_once_and_shows_the_draft,
    a_translation_is_recorded_and_verified_in_its_language,
    an_act_through_the_cli_is_recorded_and_verifiable,
    bad_input_is_refused_in_one_line_and_writes_nothing,
);

fn pacta(store: &TestStore, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .arg("--store")
        .arg(&store.url)
        .args(args)
        .env_remove("PACTA_ACTOR")
        .output()
        .expect("run pacta")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn text_hash_of(store: &TestStore, clause_id: &str) -> String {
    let output = pacta(store, &["draft", DEMO_NEGOTIATION, "--json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let draft: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    draft["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clause_id"] == clause_id)
        .unwrap()["text_hash"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn demo_loads_once_and_shows_the_draft(backend: Backend) {
    let store = TestStore::new(backend).await;
    let first = pacta(&store, &["demo"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let shown = stdout(&first);
    assert!(shown.contains("Recorded the demo negotiation"), "{shown}");
    assert!(shown.contains("Article 3 — Échange d'informations  [under-discussion; proposed by CIV; agreed by CIV;"), "{shown}");
    assert!(
        shown.contains("Article 1 — Objet  [agreed; proposed by CIV; agreed by CIV, MAR;"),
        "{shown}"
    );
    let count = store.event_count().await;

    let second = pacta(&store, &["demo"]);
    assert!(second.status.success());
    assert!(stdout(&second).contains("already in this store"));
    assert_eq!(
        store.event_count().await,
        count,
        "a second demo records nothing"
    );

    let history = pacta(&store, &["history", DEMO_NEGOTIATION, "--json"]);
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&history.stdout).unwrap();
    assert_eq!(entries.len() as i64, count);
    assert_eq!(entries[0]["event"], "NegotiationOpened");
    assert_eq!(entries[0]["actor"], "iom.secretariat");
}

async fn an_act_through_the_cli_is_recorded_and_verifiable(backend: Backend) {
    let store = TestStore::new(backend).await;
    assert!(pacta(&store, &["demo"]).status.success());
    let hash = text_hash_of(&store, "art-donnees");
    let agreed = pacta(
        &store,
        &[
            "--as",
            "youssef.benali",
            "agree",
            DEMO_NEGOTIATION,
            "art-donnees",
            "--hash",
            &hash,
        ],
    );
    assert!(agreed.status.success(), "{}", stderr(&agreed));
    assert!(stdout(&agreed).contains("MAR agreed art-donnees"));

    let draft = pacta(&store, &["draft", DEMO_NEGOTIATION]);
    assert!(stdout(&draft).contains(
        "Article 3 — Échange d'informations  [agreed; proposed by CIV; agreed by CIV, MAR;"
    ));

    let verified = pacta(&store, &["verify", DEMO_NEGOTIATION]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert!(stdout(&verified).contains("chain intact"));
}

async fn a_translation_is_recorded_and_verified_in_its_language(backend: Backend) {
    let store = TestStore::new(backend).await;
    assert!(pacta(&store, &["demo"]).status.success());
    let source = text_hash_of(&store, "art-donnees");
    let arabic = "يتبادل الطرفان، عن طريق نقاط الاتصال التابعة لهما، كل معلومة مفيدة.";
    let translated = pacta(
        &store,
        &[
            "--as",
            "nadia.alaoui",
            "translate",
            DEMO_NEGOTIATION,
            "art-donnees",
            "--source",
            &source,
            "--language",
            "ar",
            "--heading",
            "تبادل المعلومات",
            "--text",
            arabic,
        ],
    );
    assert!(translated.status.success(), "{}", stderr(&translated));
    let arabic_hash = pacta_domain::clause_text_hash("تبادل المعلومات", "ar", arabic);
    assert!(stdout(&translated).contains(&arabic_hash[..12]));

    let stale = pacta(
        &store,
        &[
            "--as",
            "karim.tazi",
            "concordance",
            DEMO_NEGOTIATION,
            "art-donnees",
            "--language",
            "ar",
            "--hash",
            &source,
        ],
    );
    assert!(!stale.status.success());
    assert!(
        stderr(&stale).contains("has changed since you read it"),
        "{}",
        stderr(&stale)
    );

    let verified = pacta(
        &store,
        &[
            "--as",
            "karim.tazi",
            "concordance",
            DEMO_NEGOTIATION,
            "art-donnees",
            "--language",
            "ar",
            "--hash",
            &arabic_hash,
        ],
    );
    assert!(verified.status.success(), "{}", stderr(&verified));
    let shown = stdout(&pacta(
        &store,
        &["draft", DEMO_NEGOTIATION, "--language", "ar"],
    ));
    assert!(shown.contains(arabic), "{shown}");
    assert!(shown.contains("(fr reference, ar concordant)"), "{shown}");

    let unknown = pacta(&store, &["draft", DEMO_NEGOTIATION, "--language", "en"]);
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("'en' is not an authentic language"));
}

async fn bad_input_is_refused_in_one_line_and_writes_nothing(backend: Backend) {
    let store = TestStore::new(backend).await;
    assert!(pacta(&store, &["demo"]).status.success());
    let count = store.event_count().await;
    let directory = tempfile::tempdir().unwrap();
    let malformed = directory.path().join("malformed.json");
    std::fs::write(
        &malformed,
        r#"{"actor": "amina.kone", "action": {"type": "comment", "text": "#,
    )
    .unwrap();
    let unknown_field = directory.path().join("unknown.json");
    std::fs::write(&unknown_field, r#"{"actor": "amina.kone", "acting_for": "MAR", "action": {"type": "comment", "text": "x"}}"#).unwrap();
    let oversized = "x".repeat(pacta_domain::limits::MAX_CLAUSE_TEXT_BYTES + 1);
    let stale = "0".repeat(64);

    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "--as",
                "youssef.benali",
                "agree",
                DEMO_NEGOTIATION,
                "art-donnees",
                "--hash",
                &stale,
            ],
            "has changed since you read it",
        ),
        (
            vec![
                "--as",
                "youssef.benali",
                "accredit",
                DEMO_NEGOTIATION,
                "--person",
                "x",
                "--name",
                "X",
                "--party",
                "CIV",
                "--role",
                "signatory",
            ],
            "may not act for CIV",
        ),
        (
            vec![
                "--as",
                "salma.idrissi",
                "propose",
                DEMO_NEGOTIATION,
                "art-9",
                "--language",
                "fr",
                "--text",
                &oversized,
            ],
            "the limit is 65536 bytes",
        ),
        (
            vec![
                "--as",
                "salma.idrissi",
                "propose",
                DEMO_NEGOTIATION,
                "art-9",
                "--language",
                "en",
                "--text",
                "Text",
            ],
            "not an authentic language",
        ),
        (
            vec![
                "--as",
                "iom.secretariat",
                "agree",
                DEMO_NEGOTIATION,
                "art-comite",
                "--hash",
                &stale,
            ],
            "a secretariat may not agree a clause",
        ),
        (
            vec![
                "--as",
                "nobody",
                "comment",
                DEMO_NEGOTIATION,
                "--text",
                "hello",
            ],
            "'nobody' is not accredited",
        ),
        (
            vec![
                "--as",
                "amina.kone",
                "comment",
                "no-such-negotiation",
                "--text",
                "hello",
            ],
            "does not exist; open it first",
        ),
        (
            vec!["comment", DEMO_NEGOTIATION, "--text", "hello"],
            "pass --as PERSON",
        ),
        (
            vec!["submit", DEMO_NEGOTIATION, malformed.to_str().unwrap()],
            "is not a valid command",
        ),
        (
            vec!["submit", DEMO_NEGOTIATION, unknown_field.to_str().unwrap()],
            "unknown field `acting_for`",
        ),
        (vec!["history", "no-such-negotiation"], "does not exist"),
    ];
    for (args, expected) in cases {
        let output = pacta(&store, &args);
        let message = stderr(&output);
        assert!(!output.status.success(), "{args:?} must fail");
        assert!(
            message.contains(expected),
            "{args:?}: expected '{expected}' in: {message}"
        );
        assert_eq!(
            message.trim().lines().count(),
            1,
            "{args:?}: one line, got: {message}"
        );
        assert_eq!(
            store.event_count().await,
            count,
            "{args:?} wrote to the ledger"
        );
    }
}

#[test]
fn an_unsupported_store_url_is_one_clear_line() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .args(["--store", "mysql://localhost/x", "verify"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    let message = stderr(&output);
    assert!(
        message.contains("unsupported store URL 'mysql://localhost/x'"),
        "{message}"
    );
    assert_eq!(message.trim().lines().count(), 1);
}
