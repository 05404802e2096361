//! The CLI carries hashes: a person names a wording or a text by the short hash a view printed,
//! and the act records the one full hash it starts. Too short a prefix, or one that starts no
//! hash of the negotiation, is refused in one line and writes nothing.

use crate::common::cli::{assert_ok, refused, ExitCode, Negotiation, Wording};
use crate::common::{Backend, TestStore};

on_both_stores!(a_negotiation_reaches_adoption_on_the_short_hashes_its_views_print);

const OBJET: Wording = Wording::fr(
    "Objet",
    "Le présent mémorandum a pour objet de renforcer la coopération entre les Parties.",
);

/// The 12-digit hash `pacta draft` prints beside `clause` ("[proposed; …; art-1 0123456789ab]").
fn short_hash_in_draft(draft: &str, clause: &str) -> String {
    let marker = format!("{clause} ");
    let line = draft
        .lines()
        .find(|line| line.contains(&marker) && line.trim_end().ends_with(']'))
        .unwrap_or_else(|| panic!("no line for {clause} in:\n{draft}"));
    let start = line.rfind(&marker).unwrap() + marker.len();
    let short = line[start..].trim_end_matches(']').to_string();
    assert_eq!(short.len(), 12, "{line}");
    short
}

async fn a_negotiation_reaches_adoption_on_the_short_hashes_its_views_print(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = Negotiation::new(&store, "prefixes");
    neg.open_civ_mar("Mémorandum d'entente", "mou", &["--language", "fr"]);
    let proposed = neg.propose("civ.head", "art-1", OBJET);
    assert!(
        proposed.contains(&format!("text hash {}", OBJET.hash())),
        "the act prints the full hash it recorded: {proposed}"
    );

    let short = short_hash_in_draft(&neg.read("draft", &[]), "art-1");
    for head in ["civ.head", "mar.head"] {
        assert_ok(&neg.agree(head, "art-1", &short, &[]));
    }
    let draft = neg.json("draft", &[]);
    let agreed_by = &draft["clauses"][0]["agreed_by"];
    assert_eq!(agreed_by, &serde_json::json!(["CIV", "MAR"]), "{draft}");

    // What cannot be resolved is refused before anything is sent.
    neg.refused(
        "civ.head",
        "adopt",
        &["--root", &short[..4]],
        ExitCode::Usage,
        "at least 8 of its hex digits",
    )
    .await;
    neg.refused(
        "civ.head",
        "adopt",
        &["--root", "00000000"],
        ExitCode::Refused,
        "is the start of no hash in negotiation 'prefixes'",
    )
    .await;
    refused(
        &store,
        &[
            "--as", "civ.head", "agree", "nowhere", "art-1", "--hash", &short,
        ],
        ExitCode::Refused,
        "nowhere",
    )
    .await;

    // The root `pacta status` prints, cut to 8 digits, adopts the text: the events record it whole.
    let root = neg.text_root();
    for head in ["civ.head", "mar.head"] {
        let adopted = neg.ok(head, "adopt", &["--root", &root[..8]]);
        assert!(
            adopted.contains(&format!("text root hash {root}")),
            "{adopted}"
        );
    }
    let status = neg.status();
    for party in status["parties"].as_array().expect("parties") {
        assert_eq!(party["adopted"], true, "{status}");
    }
    assert_eq!(status["text_root_hash"], root.as_str());
}
