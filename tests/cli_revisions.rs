//! After signature, through the `pacta` binary on both stores: a correction agreed by both
//! parties (art. 79) that keeps both versions, then a revision of the text in force that never
//! changes the text in force. Every refusal is one line and writes nothing.

mod common;

use common::cli::{generate_key, ok, open_civ_mar, pacta, refused, status_json};
use common::{Backend, TestStore};

on_both_stores!(a_signed_text_is_corrected_then_revised_through_the_cli);

const NEG: &str = "civ-mar-higher-ed";
const ORIGINAL: &str = "Les Parties encouragent la mobilité des étudiants.";
const CORRECTED: &str = "Les Parties encouragent la mobilité des étudiants et des enseignants.";
const REVISED: &str =
    "Les Parties encouragent la mobilité des étudiants, des enseignants et des chercheurs.";

fn hash(text: &str) -> String {
    pacta_domain::clause_text_hash("Mobilité", "fr", text)
}

/// The same act by each party's head of delegation.
fn by_both_heads(store: &TestStore, args: &[&str]) {
    for head in ["civ.head", "mar.head"] {
        ok(store, &[&["--as", head], args].concat());
    }
}

fn root(store: &TestStore) -> String {
    status_json(store, NEG)["text_root_hash"]
        .as_str()
        .unwrap()
        .to_string()
}

/// An agreement with one article in French, adopted by both parties, with a signatory (holding a
/// key written to `dir`) and a legal-linguist accredited on each side.
fn adopted_agreement(store: &TestStore, dir: &std::path::Path) {
    open_civ_mar(
        store,
        NEG,
        "Accord de coopération dans l'enseignement supérieur",
        "agreement",
    );
    let propose = [
        "--as",
        "civ.head",
        "propose",
        NEG,
        "art-1",
        "--heading",
        "Mobilité",
        "--language",
        "fr",
        "--text",
        ORIGINAL,
    ];
    ok(store, &propose);
    by_both_heads(store, &["agree", NEG, "art-1", "--hash", &hash(ORIGINAL)]);
    let root = root(store);
    by_both_heads(store, &["adopt", NEG, "--root", &root]);
    let powers = dir.join("full-powers.pdf");
    std::fs::write(&powers, b"%PDF full powers").unwrap();
    for (party, head) in [("CIV", "civ.head"), ("MAR", "mar.head")] {
        let key = dir.join(format!("{party}.key"));
        let public_key = generate_key(store, key.to_str().unwrap());
        let lower = party.to_lowercase();
        let accredit = |person: &str, role: &str, signing: &[&str]| {
            let mut args = vec![
                "--as", head, "accredit", NEG, "--person", person, "--name", person, "--party",
                party, "--role", role,
            ];
            args.extend_from_slice(signing);
            ok(store, &args);
        };
        accredit(
            &format!("minister.{lower}"),
            "signatory",
            &[
                "--public-key",
                &public_key,
                "--full-powers",
                "FP-2026-1",
                "--full-powers-file",
                powers.to_str().unwrap(),
            ],
        );
        accredit(&format!("linguist.{lower}"), "legal-linguist", &[]);
    }
}

fn sign(
    store: &TestStore,
    dir: &std::path::Path,
    party: &str,
    root: &str,
    on: &str,
) -> std::process::Output {
    let signatory = format!("minister.{}", party.to_lowercase());
    let key = dir.join(format!("{party}.key"));
    pacta(
        store,
        &[
            "--as",
            &signatory,
            "sign",
            NEG,
            "--key",
            key.to_str().unwrap(),
            "--root",
            root,
            "--capacity",
            "definitive",
            "--on",
            on,
        ],
    )
}

async fn a_signed_text_is_corrected_then_revised_through_the_cli(backend: Backend) {
    let store = TestStore::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    adopted_agreement(&store, dir.path());
    let signed_root = root(&store);
    assert!(sign(&store, dir.path(), "CIV", &signed_root, "2026-05-04")
        .status
        .success());

    // A correction of the signed text: proposed by a legal-linguist, agreed by both parties.
    let correct = |actor: &'static str, base: String| {
        vec![
            "--as".to_string(),
            actor.into(),
            "correct".into(),
            NEG.into(),
            "art-1".into(),
            "--id".into(),
            "corr-1".into(),
            "--base".into(),
            base,
            "--reason".into(),
            "Les enseignants ont été omis".into(),
            "--heading".into(),
            "Mobilité".into(),
            "--language".into(),
            "fr".into(),
            "--text".into(),
            CORRECTED.into(),
        ]
    };
    let by_head = correct("civ.head", hash(ORIGINAL));
    refused(
        &store,
        &strs(&by_head),
        "a head-of-delegation may not propose a correction",
    )
    .await;
    let stale = correct("linguist.civ", hash(CORRECTED));
    refused(&store, &strs(&stale), "has changed since you read it").await;
    ok(&store, &strs(&correct("linguist.civ", hash(ORIGINAL))));
    let agree = |actor: &str, text_hash: &str| {
        [
            "--as",
            actor,
            "agree-correction",
            NEG,
            "corr-1",
            "--hash",
            text_hash,
        ]
        .map(String::from)
        .to_vec()
    };
    refused(
        &store,
        &strs(&agree("mar.head", &hash(ORIGINAL))),
        "has changed since you read it",
    )
    .await;
    ok(&store, &strs(&agree("mar.head", &hash(CORRECTED))));
    ok(&store, &strs(&agree("linguist.civ", &hash(CORRECTED))));
    let status = status_json(&store, NEG);
    let correction = &status["corrections"]["corr-1"];
    assert_eq!(
        correction["superseded"]["text"], ORIGINAL,
        "both versions are kept"
    );
    assert_eq!(
        correction["superseded"]["text_root_hash"],
        signed_root.as_str()
    );
    let corrected_root = root(&store);
    assert_ne!(corrected_root, signed_root);
    assert_eq!(
        status["parties"][0]["signature"]["text_root_hash"],
        signed_root.as_str(),
        "Côte d'Ivoire's signature still binds the text it signed"
    );

    // Morocco now signs the corrected text, not the one Côte d'Ivoire signed.
    let late = sign(&store, dir.path(), "MAR", &signed_root, "2026-05-06");
    assert!(common::cli::stderr(&late).contains("has changed since you read it"));
    assert!(
        sign(&store, dir.path(), "MAR", &corrected_root, "2026-05-06")
            .status
            .success()
    );
    assert_eq!(status_json(&store, NEG)["status"]["on"], "2026-05-06");

    // A revision of the text in force.
    let revise = |on: &str| {
        [
            "--as",
            "mar.head",
            "revise",
            NEG,
            "--on",
            on,
            "--reason",
            "Inclure les chercheurs",
        ]
        .map(String::from)
        .to_vec()
    };
    refused(
        &store,
        &strs(&revise("2026-05-01")),
        "before the text in force entered into force on 2026-05-06",
    )
    .await;
    ok(&store, &strs(&revise("2027-01-10")));
    refused(
        &store,
        &strs(&revise("2027-01-11")),
        "one revision is negotiated at a time",
    )
    .await;
    ok(
        &store,
        &[
            "--as",
            "mar.head",
            "reopen",
            NEG,
            "art-1",
            "--reason",
            "Inclure les chercheurs",
        ],
    );
    ok(
        &store,
        &[
            "--as",
            "mar.head",
            "amend",
            NEG,
            "art-1",
            "--base",
            &hash(CORRECTED),
            "--heading",
            "Mobilité",
            "--language",
            "fr",
            "--text",
            REVISED,
        ],
    );
    by_both_heads(&store, &["agree", NEG, "art-1", "--hash", &hash(REVISED)]);
    let revised_root = root(&store);
    by_both_heads(&store, &["adopt", NEG, "--root", &revised_root]);
    refused_sign_before_revision(&store, dir.path(), &revised_root).await;
    for (party, on) in [("CIV", "2027-03-01"), ("MAR", "2027-03-15")] {
        assert!(sign(&store, dir.path(), party, &revised_root, on)
            .status
            .success());
    }

    let in_force_on = |date: &str| {
        let output = ok(&store, &["status", NEG, "--json", "--on", date]);
        let status: serde_json::Value = serde_json::from_str(&output).unwrap();
        status["text_in_force_on"][1].clone()
    };
    assert_eq!(in_force_on("2026-05-05"), serde_json::Value::Null);
    assert_eq!(
        in_force_on("2027-03-14")["text_root_hash"],
        corrected_root.as_str()
    );
    assert_eq!(
        in_force_on("2027-03-15")["text_root_hash"],
        revised_root.as_str()
    );
    let shown = ok(&store, &["status", NEG]);
    assert!(
        shown.contains("revision 0: in force from 2026-05-06 until 2027-03-15"),
        "{shown}"
    );
    let original = ok(&store, &["draft", NEG, "--revision", "0"]);
    assert!(
        original.contains(CORRECTED),
        "the text that was in force is kept: {original}"
    );
    assert!(ok(&store, &["draft", NEG]).contains(REVISED));
    let unknown = pacta(&store, &["draft", NEG, "--revision", "7"]);
    assert!(common::cli::stderr(&unknown).contains("has no revision 7"));
    ok(&store, &["verify", NEG]);
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

async fn refused_sign_before_revision(store: &TestStore, dir: &std::path::Path, root: &str) {
    let before = store.event_count().await;
    let output = sign(store, dir, "CIV", root, "2027-01-01");
    assert!(!output.status.success());
    assert!(
        common::cli::stderr(&output).contains("before this revision was opened, on 2027-01-10"),
        "{}",
        common::cli::stderr(&output)
    );
    assert_eq!(
        store.event_count().await,
        before,
        "a refused signature writes nothing"
    );
}
