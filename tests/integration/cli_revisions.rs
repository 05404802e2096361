//! After signature, through the `pacta` binary on both stores: a correction agreed by both
//! parties (art. 79) that keeps both versions, then a revision of the text in force that never
//! changes the text in force. Every refusal is one line and writes nothing.

use crate::common::cli::ExitCode::Refused;
use crate::common::cli::{
    assert_ok, create_checkpoint, generate_key, ok, refused, refused_act, Negotiation, Wording,
};
use crate::common::{Backend, TestStore};

on_both_stores!(a_signed_text_is_corrected_then_revised_through_the_cli);

const NEG: &str = "civ-mar-higher-ed";
const HEADS: [&str; 2] = ["civ.head", "mar.head"];
const STALE: &str = "has changed since you read it";
const ORIGINAL: Wording = mobility("Les Parties encouragent la mobilité des étudiants.");
const CORRECTED: Wording =
    mobility("Les Parties encouragent la mobilité des étudiants et des enseignants.");
const REVISED: Wording = mobility(
    "Les Parties encouragent la mobilité des étudiants, des enseignants et des chercheurs.",
);

/// Article 1, on mobility, in French.
const fn mobility(text: &str) -> Wording<'_> {
    Wording::fr("Mobilité", text)
}

/// An agreement with one article in French, adopted by both parties, with a signatory (holding a
/// key written to `dir`) and a legal-linguist accredited on each side.
fn adopted_agreement<'a>(store: &'a TestStore, dir: &std::path::Path) -> Signing<'a> {
    let neg = Negotiation::new(store, NEG);
    let title = "Accord de coopération dans l'enseignement supérieur";
    neg.open_civ_mar(title, "agreement", &["--language", "fr"]);
    neg.propose("civ.head", "art-1", ORIGINAL);
    neg.ok_by(&HEADS, "agree", &["art-1", "--hash", &ORIGINAL.hash()]);
    neg.ok_by(&HEADS, "adopt", &["--root", &neg.text_root()]);
    let keys = neg.accredit_signatories(dir);
    for (party, head) in [("CIV", "civ.head"), ("MAR", "mar.head")] {
        let linguist = format!("linguist.{}", party.to_lowercase());
        neg.accredit(head, &linguist, party, "legal-linguist", &[]);
    }
    Signing { neg, keys }
}

/// The agreement and its signatories' keys.
struct Signing<'a> {
    neg: Negotiation<'a>,
    keys: [String; 2],
}

impl Signing<'_> {
    /// `party`'s signatory signs the text of root `root`, definitively, on `on`.
    fn sign(&self, party: &str, root: &str, on: &str) -> std::process::Output {
        let (signatory, key) = match party {
            "CIV" => ("minister.civ", &self.keys[0]),
            _ => ("minister.mar", &self.keys[1]),
        };
        self.neg.sign(signatory, key, root, "definitive", on)
    }
}

async fn a_signed_text_is_corrected_then_revised_through_the_cli(backend: Backend) {
    let store = TestStore::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let signing = adopted_agreement(&store, dir.path());
    let neg = signing.neg;
    let signed_root = neg.text_root();
    assert_ok(&signing.sign("CIV", &signed_root, "2026-05-04"));

    // A correction of the signed text: proposed by a legal-linguist, agreed by both parties.
    let correct = |actor: &str, base: &str| {
        let why = [
            "--id",
            "corr-1",
            "--base",
            base,
            "--reason",
            "Les enseignants ont été omis",
        ];
        neg.table(
            actor,
            "correct",
            &[&["art-1"][..], &why].concat(),
            CORRECTED,
        )
    };
    let by_head = || correct("civ.head", &ORIGINAL.hash());
    let heads_may_not = "a head-of-delegation may not propose a correction";
    refused_act(&store, Refused, heads_may_not, by_head).await;
    let stale = || correct("linguist.civ", &CORRECTED.hash());
    refused_act(&store, Refused, STALE, stale).await;
    assert_ok(&correct("linguist.civ", &ORIGINAL.hash()));
    let agree = |actor: &str, text: Wording| {
        neg.act(
            actor,
            "agree-correction",
            &["corr-1", "--hash", &text.hash()],
        )
    };
    refused_act(&store, Refused, STALE, || agree("mar.head", ORIGINAL)).await;
    assert_ok(&agree("mar.head", CORRECTED));
    assert_ok(&agree("linguist.civ", CORRECTED));
    let status = neg.status();
    let correction = &status["corrections"]["corr-1"];
    assert_eq!(
        correction["superseded"]["text"], ORIGINAL.text,
        "both versions are kept"
    );
    assert_eq!(
        correction["superseded"]["text_root_hash"],
        signed_root.as_str()
    );
    let corrected_root = neg.text_root();
    assert_ne!(corrected_root, signed_root);
    assert_eq!(
        status["parties"][0]["signature"]["text_root_hash"],
        signed_root.as_str(),
        "Côte d'Ivoire's signature still binds the text it signed"
    );

    // Morocco now signs the corrected text, not the one Côte d'Ivoire signed.
    let late = || signing.sign("MAR", &signed_root, "2026-05-06");
    refused_act(&store, Refused, STALE, late).await;
    assert_ok(&signing.sign("MAR", &corrected_root, "2026-05-06"));
    assert_eq!(neg.status()["status"]["on"], "2026-05-06");

    // A revision of the text in force.
    let revise = |on: &str| {
        let reason = ["--on", on, "--reason", "Inclure les chercheurs"];
        neg.act("mar.head", "revise", &reason)
    };
    let before_in_force = "before the text in force entered into force on 2026-05-06";
    refused_act(&store, Refused, before_in_force, || revise("2026-05-01")).await;
    assert_ok(&revise("2026-09-10"));
    let one_at_a_time = "one revision is negotiated at a time";
    refused_act(&store, Refused, one_at_a_time, || revise("2026-09-11")).await;
    neg.ok(
        "mar.head",
        "reopen",
        &["art-1", "--reason", "Inclure les chercheurs"],
    );
    let amend = ["art-1", "--base", &CORRECTED.hash()];
    assert_ok(&neg.table("mar.head", "amend", &amend, REVISED));
    neg.ok_by(&HEADS, "agree", &["art-1", "--hash", &REVISED.hash()]);
    let revised_root = neg.text_root();
    neg.ok_by(&HEADS, "adopt", &["--root", &revised_root]);
    let too_soon = || signing.sign("CIV", &revised_root, "2026-09-01");
    let before_revision = "before this revision was opened, on 2026-09-10";
    refused_act(&store, Refused, before_revision, too_soon).await;
    // A signature dated next week has not taken place: refused, and nothing recorded.
    let next_week = (chrono::Utc::now() + chrono::Duration::days(7))
        .date_naive()
        .to_string();
    let ahead = || signing.sign("CIV", &revised_root, &next_week);
    refused_act(&store, Refused, "in the future", ahead).await;
    for (party, on) in [("CIV", "2026-10-01"), ("MAR", "2026-10-15")] {
        assert_ok(&signing.sign(party, &revised_root, on));
    }

    let in_force_on = |date: &str| {
        let status = neg.json("status", &["--on", date]);
        status["text_in_force_on"][1].clone()
    };
    assert_eq!(in_force_on("2026-05-05"), serde_json::Value::Null);
    assert_eq!(
        in_force_on("2026-10-14")["text_root_hash"],
        corrected_root.as_str()
    );
    assert_eq!(
        in_force_on("2026-10-15")["text_root_hash"],
        revised_root.as_str()
    );
    let shown = neg.read("status", &[]);
    assert!(
        shown.contains("revision 0: in force from 2026-05-06 until 2026-10-15"),
        "{shown}"
    );
    let original = neg.read("draft", &["--revision", "0"]);
    assert!(
        original.contains(CORRECTED.text),
        "the text that was in force is kept: {original}"
    );
    assert!(neg.read("draft", &[]).contains(REVISED.text));
    let unknown = ["draft", NEG, "--revision", "7"];
    refused(&store, &unknown, Refused, "has no revision 7").await;
    neg.read("verify", &[]);

    // The audit bundle carries each signed text once, in the order first signed, word for word,
    // and `audit verify` hashes each to the root its signatures bind.
    let key = dir.path().join("ledger.key").display().to_string();
    generate_key(&store, &key);
    create_checkpoint(&store, &key);
    let bundle = dir.path().join("bundle").display().to_string();
    ok(&store, &["audit", "export", NEG, "--out", &bundle]);
    let text = std::fs::read_to_string(&bundle).unwrap();
    let header: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let signed: Vec<(u64, &str, &str)> = header["signed_texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let french = &t["clauses"][0]["versions"]["fr"]["text"];
            let root = t["text_root_hash"].as_str().unwrap();
            (
                t["revision"].as_u64().unwrap(),
                root,
                french.as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        signed,
        [
            (0, signed_root.as_str(), ORIGINAL.text),
            (0, corrected_root.as_str(), CORRECTED.text),
            (1, revised_root.as_str(), REVISED.text),
        ]
    );
    let verified = ok(&store, &["audit", "verify", &bundle]);
    assert!(
        verified.contains("3 signed texts, each hashed"),
        "{verified}"
    );
}
