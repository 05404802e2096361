//! The `pacta` binary as a user runs it, on both stores: the demo, a full act, and bad input
//! that is refused with one clear line and a non-zero exit, writing nothing.

mod common;

use common::cli::{generate_key, ok, pacta, status_json, stderr, stdout};
use common::{Backend, TestStore};
use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};

on_both_stores!(
    demo_loads_once_and_shows_the_draft,
    a_translation_is_recorded_and_verified_in_its_language,
    an_act_through_the_cli_is_recorded_and_verifiable,
    bad_input_is_refused_in_one_line_and_writes_nothing,
    an_internal_comment_is_recorded_as_such_and_marked_in_the_history,
);

fn text_hash_of(store: &TestStore, negotiation: &str, clause_id: &str) -> String {
    let output = pacta(store, &["draft", negotiation, "--json"]);
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

/// A negotiation whose text is still open, for the tests that change it: the demo's own text is
/// adopted and frozen.
const DRAFTING: &str = "civ-mar-tip-draft";
const DISPUTED_TEXT: &str = "Les Parties échangent, par l'intermédiaire de leurs points focaux, toute information utile, y compris les données à caractère personnel des victimes et des auteurs présumés.";

/// Opens `DRAFTING` through the CLI, with the demo's delegations, at the point of a first round:
/// Côte d'Ivoire tabled the article on exchanging personal data and agreed it; Morocco objected
/// and has not agreed.
fn open_with_disputed_article(store: &TestStore) {
    ok(
        store,
        &[
            "--as",
            "iom.secretariat",
            "open",
            DRAFTING,
            "--title",
            "Mémorandum d'entente relatif à la lutte contre la traite des personnes",
            "--kind",
            "mou",
            "--language",
            "fr=CIV",
            "--language",
            "ar=MAR",
            "--party",
            "CIV|République de Côte d'Ivoire|amina.kone|Amina Koné",
            "--party",
            "MAR|Royaume du Maroc|youssef.benali|Youssef Benali",
            "--facilitator",
            "IOM|Organisation internationale pour les migrations|iom.secretariat|Secrétariat de l'OIM",
        ],
    );
    for (head, person, name, party, role) in [
        ("amina.kone", "koffi.yao", "Koffi Yao", "CIV", "negotiator"),
        (
            "youssef.benali",
            "salma.idrissi",
            "Salma Idrissi",
            "MAR",
            "negotiator",
        ),
        (
            "youssef.benali",
            "nadia.alaoui",
            "Nadia Alaoui",
            "MAR",
            "legal-linguist",
        ),
        (
            "youssef.benali",
            "karim.tazi",
            "Karim Tazi",
            "MAR",
            "legal-linguist",
        ),
    ] {
        ok(
            store,
            &[
                "--as", head, "accredit", DRAFTING, "--person", person, "--name", name, "--party",
                party, "--role", role,
            ],
        );
    }
    ok(
        store,
        &[
            "--as",
            "koffi.yao",
            "propose",
            DRAFTING,
            "art-donnees",
            "--heading",
            "Échange d'informations",
            "--language",
            "fr",
            "--text",
            DISPUTED_TEXT,
        ],
    );
    ok(
        store,
        &[
            "--as",
            "salma.idrissi",
            "comment",
            DRAFTING,
            "--clause",
            "art-donnees",
            "--text",
            "Pas sans garanties conformes à la loi n° 09-08.",
        ],
    );
    let hash = text_hash_of(store, DRAFTING, "art-donnees");
    ok(
        store,
        &[
            "--as",
            "amina.kone",
            "agree",
            DRAFTING,
            "art-donnees",
            "--hash",
            &hash,
        ],
    );
}

async fn demo_loads_once_and_shows_the_draft(backend: Backend) {
    let store = TestStore::new(backend).await;
    let first = pacta(&store, &["demo"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let shown = stdout(&first);
    for negotiation in [DEMO_NEGOTIATION, DEMO_AGREEMENT] {
        assert!(
            shown.contains(&format!("Recorded the demo negotiation '{negotiation}'")),
            "{shown}"
        );
    }
    assert!(
        shown.contains(
            "Article 3 — Échange d'informations  [agreed; proposed by CIV; agreed by CIV, MAR;"
        ),
        "{shown}"
    );
    assert!(
        shown.contains("Article 1 — Objet  [agreed; proposed by CIV; agreed by CIV, MAR;"),
        "{shown}"
    );
    assert!(
        shown.contains("civ-mar-tip-mou (mou): in force from 2026-05-28"),
        "{shown}"
    );
    assert!(
        shown.contains("civ-mar-higher-education (agreement): in force from 2026-07-09"),
        "{shown}"
    );
    let count = store.event_count().await;

    let second = pacta(&store, &["demo"]);
    assert!(second.status.success());
    for negotiation in [DEMO_NEGOTIATION, DEMO_AGREEMENT] {
        assert!(stdout(&second).contains(&format!(
            "The demo negotiation '{negotiation}' is already in this store"
        )));
    }
    assert_eq!(
        store.event_count().await,
        count,
        "a second demo records nothing"
    );

    let mut recorded = 0;
    for (negotiation, opener) in [
        (DEMO_NEGOTIATION, "iom.secretariat"),
        (DEMO_AGREEMENT, "awa.traore"),
    ] {
        let history = pacta(&store, &["history", negotiation, "--json"]);
        let entries: Vec<serde_json::Value> = serde_json::from_slice(&history.stdout).unwrap();
        assert_eq!(entries[0]["event"], "NegotiationOpened");
        assert_eq!(entries[0]["actor"], opener);
        recorded += entries.len() as i64;
    }
    assert_eq!(
        recorded, count,
        "the demo records these two negotiations only"
    );
}

async fn an_act_through_the_cli_is_recorded_and_verifiable(backend: Backend) {
    let store = TestStore::new(backend).await;
    open_with_disputed_article(&store);
    let hash = text_hash_of(&store, DRAFTING, "art-donnees");
    let before = pacta(&store, &["draft", DRAFTING]);
    assert!(stdout(&before).contains(
        "Article 1 — Échange d'informations  [under-discussion; proposed by CIV; agreed by CIV;"
    ));
    let agreed = pacta(
        &store,
        &[
            "--as",
            "youssef.benali",
            "agree",
            DRAFTING,
            "art-donnees",
            "--hash",
            &hash,
        ],
    );
    assert!(agreed.status.success(), "{}", stderr(&agreed));
    assert!(stdout(&agreed).contains("MAR agreed art-donnees"));

    let draft = pacta(&store, &["draft", DRAFTING]);
    assert!(stdout(&draft).contains(
        "Article 1 — Échange d'informations  [agreed; proposed by CIV; agreed by CIV, MAR;"
    ));

    let verified = pacta(&store, &["verify", DRAFTING]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert!(stdout(&verified).contains("chain intact"));
}

async fn an_internal_comment_is_recorded_as_such_and_marked_in_the_history(backend: Backend) {
    let store = TestStore::new(backend).await;
    open_with_disputed_article(&store);
    let internal_text = "Position de repli : garanties renvoyées à un protocole.";
    ok(
        &store,
        &[
            "--as",
            "koffi.yao",
            "comment",
            DRAFTING,
            "--clause",
            "art-donnees",
            "--text",
            internal_text,
            "--internal",
        ],
    );
    let events = store.ledger().events(DRAFTING).await.unwrap();
    let internal: Vec<(&str, bool)> = events
        .iter()
        .filter_map(|e| match &e.payload {
            pacta_domain::NegotiationEvent::Commented { text, internal, .. } => {
                Some((text.as_str(), *internal))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        internal,
        vec![
            ("Pas sans garanties conformes à la loi n° 09-08.", false),
            (internal_text, true),
        ]
    );
    let entries: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&store, &["history", DRAFTING, "--json"])).unwrap();
    let internal_to: Vec<&serde_json::Value> = entries
        .iter()
        .filter(|e| e["event"] == "Commented")
        .map(|e| &e["internal_to"])
        .collect();
    assert_eq!(internal_to, [&serde_json::Value::Null, &"CIV".into()]);
    let text = ok(&store, &["history", DRAFTING]);
    let marked: Vec<&str> = text
        .lines()
        .filter(|line| {
            line.contains("[internal to CIV] commented on art-donnees: Position de repli")
        })
        .collect();
    assert_eq!(marked.len(), 1, "{text}");
    assert_eq!(text.matches("[internal to").count(), 1, "{text}");
}

async fn a_translation_is_recorded_and_verified_in_its_language(backend: Backend) {
    let store = TestStore::new(backend).await;
    open_with_disputed_article(&store);
    let source = text_hash_of(&store, DRAFTING, "art-donnees");
    let arabic = "يتبادل الطرفان، عن طريق نقاط الاتصال التابعة لهما، كل معلومة مفيدة.";
    let translated = pacta(
        &store,
        &[
            "--as",
            "nadia.alaoui",
            "translate",
            DRAFTING,
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
            DRAFTING,
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
            DRAFTING,
            "art-donnees",
            "--language",
            "ar",
            "--hash",
            &arabic_hash,
        ],
    );
    assert!(verified.status.success(), "{}", stderr(&verified));
    let shown = stdout(&pacta(&store, &["draft", DRAFTING, "--language", "ar"]));
    assert!(shown.contains(arabic), "{shown}");
    assert!(shown.contains("(fr reference, ar concordant)"), "{shown}");

    let unknown = pacta(&store, &["draft", DRAFTING, "--language", "en"]);
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("'en' is not an authentic language"));
}

async fn bad_input_is_refused_in_one_line_and_writes_nothing(backend: Backend) {
    let store = TestStore::new(backend).await;
    open_with_disputed_article(&store);
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
                DRAFTING,
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
                DRAFTING,
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
                DRAFTING,
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
                DRAFTING,
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
                DRAFTING,
                "art-donnees",
                "--hash",
                &stale,
            ],
            "a secretariat may not agree a clause",
        ),
        (
            vec!["--as", "nobody", "comment", DRAFTING, "--text", "hello"],
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
            vec!["comment", DRAFTING, "--text", "hello"],
            "pass --as PERSON",
        ),
        (
            vec!["submit", DRAFTING, malformed.to_str().unwrap()],
            "is not a valid command",
        ),
        (
            vec!["submit", DRAFTING, unknown_field.to_str().unwrap()],
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

on_both_stores!(an_agreement_goes_from_opening_to_entry_into_force_through_the_cli);

async fn an_agreement_goes_from_opening_to_entry_into_force_through_the_cli(backend: Backend) {
    let store = TestStore::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    const NEG: &str = "civ-mar-higher-ed";
    ok(
        &store,
        &[
            "--as",
            "civ.head",
            "open",
            NEG,
            "--title",
            "Accord de coopération dans l'enseignement supérieur",
            "--kind",
            "agreement",
            "--language",
            "fr=CIV",
            "--language",
            "ar=MAR",
            "--entry-into-force",
            "days:30",
            "--party",
            "CIV|Côte d'Ivoire|civ.head|Chef CIV",
            "--party",
            "MAR|Maroc|mar.head|Chef MAR",
        ],
    );
    let text = "Les Parties encouragent la mobilité des étudiants et des enseignants.";
    let proposed = ok(
        &store,
        &[
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
            text,
        ],
    );
    let hash = pacta_domain::clause_text_hash("Mobilité", "fr", text);
    assert!(proposed.contains(&hash));
    for head in ["civ.head", "mar.head"] {
        ok(
            &store,
            &["--as", head, "agree", NEG, "art-1", "--hash", &hash],
        );
    }
    ok(
        &store,
        &[
            "--as",
            "mar.head",
            "accredit",
            NEG,
            "--person",
            "mar.linguist",
            "--name",
            "L",
            "--party",
            "MAR",
            "--role",
            "legal-linguist",
        ],
    );
    let arabic = "يشجع الطرفان تنقل الطلاب والأساتذة.";
    ok(
        &store,
        &[
            "--as",
            "mar.linguist",
            "translate",
            NEG,
            "art-1",
            "--source",
            &hash,
            "--language",
            "ar",
            "--heading",
            "التنقل",
            "--text",
            arabic,
        ],
    );
    let arabic_hash = pacta_domain::clause_text_hash("التنقل", "ar", arabic);
    ok(
        &store,
        &[
            "--as",
            "mar.linguist",
            "concordance",
            NEG,
            "art-1",
            "--language",
            "ar",
            "--hash",
            &arabic_hash,
        ],
    );

    let root = status_json(&store, NEG)["text_root_hash"]
        .as_str()
        .unwrap()
        .to_string();
    for head in ["civ.head", "mar.head"] {
        ok(&store, &["--as", head, "adopt", NEG, "--root", &root]);
    }
    assert_eq!(status_json(&store, NEG)["status"]["status"], "text-adopted");

    std::fs::write(path("full-powers.pdf"), b"%PDF full powers").unwrap();
    for (party, head) in [("CIV", "civ.head"), ("MAR", "mar.head")] {
        let key = path(&format!("{party}.key"));
        let public_key = generate_key(&store, &key);
        let mode = std::fs::metadata(&key).unwrap().permissions();
        assert_eq!(
            std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
            0o600,
            "the private key is private"
        );
        let signatory = format!("minister.{}", party.to_lowercase());
        ok(
            &store,
            &[
                "--as",
                head,
                "accredit",
                NEG,
                "--person",
                &signatory,
                "--name",
                "Ministre",
                "--party",
                party,
                "--role",
                "signatory",
                "--public-key",
                &public_key,
                "--full-powers",
                "FP-2026-1",
                "--full-powers-file",
                &path("full-powers.pdf"),
            ],
        );
    }
    let count = store.event_count().await;
    let (civ_key, mar_key, zero_root) = (path("CIV.key"), path("MAR.key"), "0".repeat(64));
    let refusals: [(Vec<&str>, &str); 3] = [
        (
            vec![
                "--as",
                "minister.civ",
                "sign",
                NEG,
                "--key",
                &mar_key,
                "--root",
                &root,
                "--capacity",
                "definitive",
                "--on",
                "2026-05-04",
            ],
            "does not verify",
        ),
        (
            vec![
                "--as",
                "minister.civ",
                "sign",
                NEG,
                "--key",
                &civ_key,
                "--root",
                &zero_root,
                "--capacity",
                "definitive",
                "--on",
                "2026-05-04",
            ],
            "has changed since you read it",
        ),
        (
            vec![
                "--as",
                "minister.civ",
                "sign",
                NEG,
                "--key",
                &civ_key,
                "--root",
                &root,
                "--capacity",
                "simple",
                "--on",
                "2026-05-04",
            ],
            "not possible for an instrument of kind agreement",
        ),
    ];
    for (args, expected) in refusals {
        let output = pacta(&store, &args);
        assert!(!output.status.success());
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert_eq!(
        store.event_count().await,
        count,
        "refused signatures wrote nothing"
    );

    ok(
        &store,
        &[
            "--as",
            "minister.civ",
            "sign",
            NEG,
            "--key",
            &path("CIV.key"),
            "--root",
            &root,
            "--capacity",
            "definitive",
            "--on",
            "2026-05-04",
        ],
    );
    ok(
        &store,
        &[
            "--as",
            "minister.mar",
            "sign",
            NEG,
            "--key",
            &path("MAR.key"),
            "--root",
            &root,
            "--capacity",
            "definitive",
            "--on",
            "2026-05-06",
        ],
    );
    let status = status_json(&store, NEG);
    assert_eq!(status["status"]["status"], "in-force");
    assert_eq!(
        status["entry_into_force"], "2026-06-05",
        "30 days after the last signature"
    );
    assert!(ok(&store, &["status", NEG]).contains("status: in force from 2026-06-05"));

    ok(
        &store,
        &[
            "--as",
            "civ.head",
            "accredit",
            NEG,
            "--person",
            "civ.treaty-office",
            "--name",
            "Direction des traités",
            "--party",
            "CIV",
            "--role",
            "competent-authority",
        ],
    );
    let early = pacta(
        &store,
        &[
            "--as",
            "civ.treaty-office",
            "suspend",
            NEG,
            "--from",
            "2026-06-01",
            "--reason",
            "x",
        ],
    );
    assert!(
        stderr(&early).contains("not in force on 2026-06-01"),
        "{}",
        stderr(&early)
    );
    ok(
        &store,
        &[
            "--as",
            "civ.treaty-office",
            "suspend",
            NEG,
            "--from",
            "2027-01-01",
            "--reason",
            "Réforme universitaire",
        ],
    );
    assert!(ok(&store, &["status", NEG]).contains("Operation suspended by CIV from 2027-01-01"));
    ok(
        &store,
        &[
            "--as",
            "civ.treaty-office",
            "resume",
            NEG,
            "--from",
            "2027-03-01",
        ],
    );
    ok(
        &store,
        &[
            "--as",
            "civ.treaty-office",
            "terminate",
            NEG,
            "--notified-on",
            "2028-01-15",
            "--reason",
            "Remplacé par un nouvel accord",
        ],
    );
    let status = status_json(&store, NEG);
    assert_eq!(
        status["terminates_on"], "2028-07-15",
        "six months' notice by default"
    );
    assert_eq!(status["suspended"], serde_json::Value::Null);
    ok(&store, &["verify", NEG]);
}

on_both_stores!(a_disputed_clause_is_bracketed_resolved_and_reopened_through_the_cli);

async fn a_disputed_clause_is_bracketed_resolved_and_reopened_through_the_cli(backend: Backend) {
    let store = TestStore::new(backend).await;
    open_with_disputed_article(&store);
    let neg = DRAFTING;
    let alternative = "Les Parties échangent les informations utiles dans le respect de leur législation sur la protection des données à caractère personnel.";
    ok(
        &store,
        &[
            "--as",
            "salma.idrissi",
            "bracket",
            neg,
            "art-donnees",
            "--label",
            "B",
            "--heading",
            "Échange d'informations",
            "--language",
            "fr",
            "--text",
            alternative,
        ],
    );
    ok(
        &store,
        &[
            "--as",
            "salma.idrissi",
            "position",
            neg,
            "art-donnees",
            "--position",
            "alternative:B",
            "--rationale",
            "Loi 09-08",
        ],
    );
    let shown = ok(&store, &["draft", neg]);
    assert!(
        shown.contains(
            "Article 1 — Échange d'informations  [bracketed; proposed by CIV; agreed by CIV;"
        ),
        "{shown}"
    );
    assert!(shown.contains("[B] proposed by MAR"), "{shown}");
    assert!(
        shown.contains("MAR: prefers alternative B — Loi 09-08"),
        "{shown}"
    );

    let refused = pacta(
        &store,
        &[
            "--as",
            "youssef.benali",
            "agree",
            neg,
            "art-donnees",
            "--hash",
            &text_hash_of(&store, neg, "art-donnees"),
        ],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("is bracketed"),
        "{}",
        stderr(&refused)
    );
    let bad_position = pacta(
        &store,
        &[
            "--as",
            "salma.idrissi",
            "position",
            neg,
            "art-donnees",
            "--position",
            "maybe",
        ],
    );
    assert!(!bad_position.status.success());
    assert!(stderr(&bad_position).contains("is not a position"));

    let base = text_hash_of(&store, neg, "art-donnees");
    ok(
        &store,
        &[
            "--as",
            "youssef.benali",
            "choose",
            neg,
            "art-donnees",
            "--label",
            "B",
            "--base",
            &base,
        ],
    );
    let chosen = text_hash_of(&store, neg, "art-donnees");
    assert_eq!(
        chosen,
        pacta_domain::clause_text_hash("Échange d'informations", "fr", alternative)
    );
    ok(
        &store,
        &[
            "--as",
            "amina.kone",
            "agree",
            neg,
            "art-donnees",
            "--hash",
            &chosen,
            "--ad-referendum",
        ],
    );
    ok(
        &store,
        &[
            "--as",
            "youssef.benali",
            "agree",
            neg,
            "art-donnees",
            "--hash",
            &chosen,
        ],
    );
    assert!(ok(&store, &["draft", neg])
        .contains("Article 1 — Échange d'informations  [agreed-ad-referendum;"));
    ok(
        &store,
        &[
            "--as",
            "amina.kone",
            "confirm-agreement",
            neg,
            "art-donnees",
        ],
    );
    assert!(ok(&store, &["draft", neg]).contains("Article 1 — Échange d'informations  [agreed;"));
    ok(
        &store,
        &[
            "--as",
            "youssef.benali",
            "reopen",
            neg,
            "art-donnees",
            "--reason",
            "Nouvelle loi",
        ],
    );
    assert!(ok(&store, &["draft", neg])
        .contains("Article 1 — Échange d'informations  [under-discussion;"));
    ok(&store, &["verify"]);
}

on_both_stores!(acts_are_attributed_to_the_round_in_which_they_were_recorded);

async fn acts_are_attributed_to_the_round_in_which_they_were_recorded(backend: Backend) {
    let store = TestStore::new(backend).await;
    // A meeting of the joint technical committee the MoU sets up (art-comite).
    ok(&store, &["demo"]);
    let neg = DEMO_NEGOTIATION;
    ok(
        &store,
        &[
            "--as",
            "iom.secretariat",
            "round",
            "open",
            neg,
            "comite-2027",
            "--kind",
            "joint-commission",
            "--place",
            "Abidjan",
            "--starts-on",
            "2027-03-09",
            "--ends-on",
            "2027-03-10",
        ],
    );
    let refused = pacta(
        &store,
        &[
            "--as",
            "iom.secretariat",
            "round",
            "open",
            neg,
            "comite-2028",
            "--kind",
            "joint-commission",
            "--place",
            "Rabat",
            "--starts-on",
            "2028-03-07",
            "--ends-on",
            "2028-03-08",
        ],
    );
    assert!(
        stderr(&refused).contains("round 'comite-2027' is still open"),
        "{}",
        stderr(&refused)
    );
    ok(
        &store,
        &[
            "--as",
            "salma.idrissi",
            "comment",
            neg,
            "--text",
            "Proposition marocaine",
        ],
    );
    let dir = tempfile::tempdir().unwrap();
    let minutes = dir.path().join("pv.pdf");
    std::fs::write(&minutes, b"%PDF proces-verbal").unwrap();
    ok(
        &store,
        &[
            "--as",
            "iom.secretariat",
            "round",
            "minutes",
            neg,
            "comite-2027",
            "--file",
            minutes.to_str().unwrap(),
            "--reference",
            "PV/CTM/2027/01",
        ],
    );
    let hash = pacta::keys::file_sha256(&minutes).unwrap();
    for head in ["amina.kone", "youssef.benali"] {
        ok(
            &store,
            &[
                "--as",
                head,
                "round",
                "adopt-minutes",
                neg,
                "comite-2027",
                "--hash",
                &hash,
            ],
        );
    }
    ok(
        &store,
        &[
            "--as",
            "iom.secretariat",
            "round",
            "close",
            neg,
            "comite-2027",
        ],
    );
    ok(
        &store,
        &[
            "--as",
            "amina.kone",
            "comment",
            neg,
            "--text",
            "Entre deux sessions",
        ],
    );
    let entries: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&store, &["history", neg, "--json"])).unwrap();
    let round_of = |summary: &str| {
        entries
            .iter()
            .find(|e| e["summary"].as_str().unwrap().contains(summary))
            .unwrap()["round"]
            .clone()
    };
    assert_eq!(round_of("Proposition marocaine"), "comite-2027");
    assert_eq!(
        round_of("MAR adopted the minutes of comite-2027"),
        "comite-2027"
    );
    assert_eq!(round_of("Entre deux sessions"), serde_json::Value::Null);
    assert!(ok(&store, &["history", neg]).contains("comite-2027"));
}

on_both_stores!(an_action_matrix_is_agreed_validated_at_a_workshop_and_reported_on);

async fn an_action_matrix_is_agreed_validated_at_a_workshop_and_reported_on(backend: Backend) {
    let store = TestStore::new(backend).await;
    ok(&store, &["demo"]);
    let neg = DEMO_NEGOTIATION;
    let dir = tempfile::tempdir().unwrap();
    let row_file = |target: &str| {
        let path = dir.path().join(format!("row-{target}.json"));
        let row = serde_json::json!({
            "objective": "Renforcer l'identification des victimes",
            "action": "Former les agents de la police des frontières",
            "responsible_party": "CIV",
            "agency": "Direction de la Police des Frontières",
            "starts_on": "2026-06-01",
            "ends_on": "2026-12-31",
            "indicator": {"name": "Agents formés", "unit": "personnes", "baseline": "0", "target": target}
        });
        std::fs::write(&path, row.to_string()).unwrap();
        path.to_str().unwrap().to_string()
    };
    ok(
        &store,
        &[
            "--as",
            "iom.secretariat",
            "matrix",
            "create",
            neg,
            "mx-frontieres",
            "--title",
            "Identification aux frontières",
        ],
    );
    ok(
        &store,
        &[
            "--as",
            "koffi.yao",
            "matrix",
            "row",
            neg,
            "mx-frontieres",
            "r1",
            "--content-file",
            &row_file("120"),
        ],
    );
    let matrices: serde_json::Value =
        serde_json::from_str(&ok(&store, &["matrix", "show", neg, "--json"])).unwrap();
    let hash = matrices["mx-frontieres"]["rows"]["r1"]["row_hash"]
        .as_str()
        .unwrap()
        .to_string();

    let malformed = dir.path().join("broken.json");
    std::fs::write(&malformed, "{\"objective\": ").unwrap();
    let refused = pacta(
        &store,
        &[
            "--as",
            "koffi.yao",
            "matrix",
            "row",
            neg,
            "mx-frontieres",
            "r2",
            "--content-file",
            malformed.to_str().unwrap(),
        ],
    );
    assert!(
        stderr(&refused).contains("is not a valid command"),
        "{}",
        stderr(&refused)
    );
    ok(
        &store,
        &[
            "--as",
            "iom.secretariat",
            "round",
            "open",
            neg,
            "atelier-frontieres",
            "--kind",
            "experts-meeting",
            "--place",
            "Abidjan",
            "--starts-on",
            "2026-05-20",
            "--ends-on",
            "2026-05-21",
        ],
    );
    let early = pacta(
        &store,
        &[
            "--as",
            "iom.secretariat",
            "matrix",
            "validate",
            neg,
            "mx-frontieres",
            "--round",
            "atelier-frontieres",
        ],
    );
    assert!(
        stderr(&early).contains("row 'r1' is not agreed by every party"),
        "{}",
        stderr(&early)
    );
    for head in ["amina.kone", "youssef.benali"] {
        ok(
            &store,
            &[
                "--as",
                head,
                "matrix",
                "agree-row",
                neg,
                "mx-frontieres",
                "r1",
                "--hash",
                &hash,
            ],
        );
    }
    ok(
        &store,
        &[
            "--as",
            "iom.secretariat",
            "matrix",
            "validate",
            neg,
            "mx-frontieres",
            "--round",
            "atelier-frontieres",
        ],
    );
    let wrong_party = pacta(
        &store,
        &[
            "--as",
            "salma.idrissi",
            "matrix",
            "progress",
            neg,
            "mx-frontieres",
            "r1",
            "--status",
            "on-track",
            "--on",
            "2026-09-30",
        ],
    );
    assert!(
        stderr(&wrong_party).contains("may not act for CIV"),
        "{}",
        stderr(&wrong_party)
    );
    ok(
        &store,
        &[
            "--as",
            "koffi.yao",
            "matrix",
            "progress",
            neg,
            "mx-frontieres",
            "r1",
            "--status",
            "on-track",
            "--on",
            "2026-09-30",
            "--note",
            "60 agents formés",
        ],
    );
    let shown = ok(&store, &["matrix", "show", neg]);
    assert!(
        shown.contains(
            "mx-frontieres — Identification aux frontières (validated at atelier-frontieres)"
        ),
        "{shown}"
    );
    assert!(
        row_r1(&shown).contains("on-track; agreed by CIV, MAR"),
        "{shown}"
    );

    ok(
        &store,
        &[
            "--as",
            "koffi.yao",
            "matrix",
            "row",
            neg,
            "mx-frontieres",
            "r1",
            "--content-file",
            &row_file("200"),
            "--base",
            &hash,
        ],
    );
    let shown = ok(&store, &["matrix", "show", neg]);
    assert!(
        row_r1(&shown).contains("agreed by nobody"),
        "a changed target needs both parties again: {shown}"
    );
}

/// The line `matrix show` prints for row r1, the only row of that name in the store.
fn row_r1(shown: &str) -> &str {
    let mut rows = shown.lines().filter(|l| l.trim_start().starts_with("r1:"));
    let row = rows.next().expect("row r1 is shown");
    assert!(rows.next().is_none(), "one row r1 in {shown}");
    row
}

on_both_stores!(provisional_application_is_refused_where_the_instrument_does_not_provide_for_it);

async fn provisional_application_is_refused_where_the_instrument_does_not_provide_for_it(
    backend: Backend,
) {
    let store = TestStore::new(backend).await;
    ok(&store, &["demo"]);
    ok(
        &store,
        &[
            "--as",
            "amina.kone",
            "accredit",
            DEMO_NEGOTIATION,
            "--person",
            "civ.treaties",
            "--name",
            "Direction des traités",
            "--party",
            "CIV",
            "--role",
            "competent-authority",
        ],
    );
    let count = store.event_count().await;
    let refused = pacta(
        &store,
        &[
            "--as",
            "civ.treaties",
            "apply-provisionally",
            DEMO_NEGOTIATION,
            "--from",
            "2026-07-01",
        ],
    );
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("does not provide for provisional application"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(store.event_count().await, count);
}

/// `pacta history | head -0`: the reader goes away before pacta writes; pacta stops quietly.
#[tokio::test]
async fn output_cut_short_by_its_reader_ends_quietly() {
    let store = TestStore::new(Backend::Sqlite).await;
    ok(&store, &["demo"]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .args(["--store", &store.url, "history", "civ-mar-tip-mou"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start pacta");
    // Close the pipe's read end, as `head` does, before pacta has read the ledger.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}
