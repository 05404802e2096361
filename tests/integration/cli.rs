//! The `pacta` binary as a user runs it, on both stores: the demo, a full act, and bad input
//! that is refused with one clear line and the exit status that says why, writing nothing.

use crate::common::cli::ExitCode::{
    self, Environment, Integrity, Refused, StoreUnavailable, Usage,
};
use crate::common::cli::{
    assert_fails, assert_ok, ok, pacta, pacta_at, refused, stderr, Negotiation, Wording,
    DATA_ARTICLE, DATA_WORDING,
};
use crate::common::{Backend, TestStore};
use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};

on_both_stores!(
    demo_loads_once_and_shows_the_draft,
    a_translation_is_recorded_and_verified_in_its_language,
    an_act_through_the_cli_is_recorded_and_verifiable,
    bad_input_is_refused_in_one_line_and_writes_nothing,
    an_internal_comment_is_recorded_as_such_and_marked_in_the_history,
    each_exit_status_says_what_went_wrong,
);

/// A negotiation whose text is still open, for the tests that change it: the demo's own text is
/// adopted and frozen.
const DRAFTING: &str = "civ-mar-tip-draft";
/// Its one article, and the wording Côte d'Ivoire tabled.
const ART: &str = DATA_ARTICLE;
const DISPUTED: Wording = DATA_WORDING;
const OBJECTION: &str = "Pas sans garanties conformes à la loi n° 09-08.";

/// Opens `DRAFTING` through the CLI, with the demo's delegations, at the point of a first round:
/// Côte d'Ivoire tabled the article on exchanging personal data and agreed it; Morocco objected
/// and has not agreed.
fn open_with_disputed_article(store: &TestStore) -> Negotiation<'_> {
    let neg = Negotiation::new(store, DRAFTING);
    let title = "Mémorandum d'entente relatif à la lutte contre la traite des personnes";
    let delegations = [
        "--party",
        "CIV|République de Côte d'Ivoire|amina.kone|Amina Koné",
        "--party",
        "MAR|Royaume du Maroc|youssef.benali|Youssef Benali",
        "--facilitator",
        "IOM|Organisation internationale pour les migrations|iom.secretariat|Secrétariat de l'OIM",
    ];
    let languages = ["--language", "fr=CIV", "--language", "ar=MAR"];
    let terms = [&languages[..], &delegations].concat();
    neg.open("iom.secretariat", title, "mou", &terms);
    for (head, person, party, role) in [
        ("amina.kone", "koffi.yao", "CIV", "negotiator"),
        ("youssef.benali", "salma.idrissi", "MAR", "negotiator"),
        ("youssef.benali", "nadia.alaoui", "MAR", "legal-linguist"),
        ("youssef.benali", "karim.tazi", "MAR", "legal-linguist"),
    ] {
        neg.accredit(head, person, party, role, &[]);
    }
    neg.propose("koffi.yao", ART, DISPUTED);
    let objection = ["--clause", ART, "--text", OBJECTION];
    neg.ok("salma.idrissi", "comment", &objection);
    assert_ok(&neg.agree("amina.kone", ART, &DISPUTED.hash(), &[]));
    neg
}

async fn demo_loads_once_and_shows_the_draft(backend: Backend) {
    let store = TestStore::new(backend).await;
    let shown = ok(&store, &["demo"]);
    for negotiation in [DEMO_NEGOTIATION, DEMO_AGREEMENT] {
        let recorded = format!("Recorded the demo negotiation '{negotiation}'");
        assert!(shown.contains(&recorded), "{shown}");
    }
    for line in [
        "Article 3 — Échange d'informations  [agreed; proposed by CIV; wording of MAR; agreed by CIV, MAR;",
        "Article 1 — Objet  [agreed; proposed by CIV; wording of MAR; agreed by CIV, MAR;",
        // The MoU is not legally binding: it takes effect, never enters into force.
        "civ-mar-tip-mou (mou): takes effect on 2026-05-28",
        // Signed subject to approval: in force 30 days after the last notification's receipt.
        "civ-mar-higher-education (agreement): in force from 2026-10-10",
    ] {
        assert!(shown.contains(line), "{line} in: {shown}");
    }
    let count = store.event_count().await;

    let second = ok(&store, &["demo"]);
    for negotiation in [DEMO_NEGOTIATION, DEMO_AGREEMENT] {
        let kept = format!("The demo negotiation '{negotiation}' is already in this store");
        assert!(second.contains(&kept), "{second}");
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
        let history = Negotiation::new(&store, negotiation).json("history", &[]);
        let entries = history.as_array().unwrap();
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
    let neg = open_with_disputed_article(&store);
    let hash = neg.text_hash(ART);
    assert!(neg.read("draft", &[]).contains(
        "Article 1 — Échange d'informations  [under-discussion; proposed by CIV; agreed by CIV;"
    ));
    let agreed = assert_ok(&neg.agree("youssef.benali", ART, &hash, &[]));
    assert!(agreed.contains("MAR agreed art-donnees"));

    assert!(neg.read("draft", &[]).contains(
        "Article 1 — Échange d'informations  [agreed; proposed by CIV; agreed by CIV, MAR;"
    ));
    assert!(neg.read("verify", &[]).contains("chain intact"));
}

async fn an_internal_comment_is_recorded_as_such_and_marked_in_the_history(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = open_with_disputed_article(&store);
    let internal_text = "Position de repli : garanties renvoyées à un protocole.";
    let comment = ["--clause", ART, "--text", internal_text, "--internal"];
    neg.ok("koffi.yao", "comment", &comment);
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
    assert_eq!(internal, vec![(OBJECTION, false), (internal_text, true)]);
    // Read as a delegate of the commenting party: no one else sees the note.
    let entries = crate::common::cli::json(&store, &neg.args("koffi.yao", "history", &[]));
    let internal_to: Vec<&serde_json::Value> = entries
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "Commented")
        .map(|e| &e["internal_to"])
        .collect();
    assert_eq!(internal_to, [&serde_json::Value::Null, &"CIV".into()]);
    let text = neg.ok("koffi.yao", "history", &[]);
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
    let neg = open_with_disputed_article(&store);
    let source = neg.text_hash(ART);
    let arabic = Wording {
        language: "ar",
        heading: "تبادل المعلومات",
        text: "يتبادل الطرفان، عن طريق نقاط الاتصال التابعة لهما، كل معلومة مفيدة.",
    };
    let translated = assert_ok(&neg.translate("nadia.alaoui", ART, &source, arabic));
    assert!(translated.contains(&arabic.hash()[..12]));

    let stale = neg.concordance("karim.tazi", ART, "ar", &source);
    assert_fails(&stale, Refused, "has changed since you read it");
    assert_ok(&neg.concordance("karim.tazi", ART, "ar", &arabic.hash()));
    let shown = neg.read("draft", &["--language", "ar"]);
    assert!(shown.contains(arabic.text), "{shown}");
    assert!(shown.contains("(fr reference, ar concordant)"), "{shown}");

    let unknown = pacta(&store, &["draft", DRAFTING, "--language", "en"]);
    assert_fails(&unknown, Refused, "'en' is not an authentic language");
}

async fn bad_input_is_refused_in_one_line_and_writes_nothing(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = open_with_disputed_article(&store);
    let directory = tempfile::tempdir().unwrap();
    let file = |name: &str, command: &str| {
        let path = directory.path().join(name);
        std::fs::write(&path, command).unwrap();
        path.to_str().unwrap().to_string()
    };
    let malformed = file(
        "malformed.json",
        r#"{"actor": "amina.kone", "action": {"type": "comment", "text": "#,
    );
    let unknown_field = file(
        "unknown.json",
        r#"{"actor": "amina.kone", "acting_for": "MAR", "action": {"type": "comment", "text": "x"}}"#,
    );
    let oversized = "x".repeat(pacta_domain::limits::MAX_CLAUSE_TEXT_BYTES + 1);
    let stale = "0".repeat(64);
    let signatory = ["--person", "x", "--name", "X", "--party", "CIV"];
    let signatory = [&signatory[..], &["--role", "signatory"]].concat();
    let elsewhere = Negotiation::new(&store, "no-such-negotiation");

    let cases: Vec<(Vec<&str>, ExitCode, &str)> = vec![
        (
            neg.args("youssef.benali", "agree", &[ART, "--hash", &stale]),
            Refused,
            "has changed since you read it",
        ),
        (
            neg.args("youssef.benali", "accredit", &signatory),
            Refused,
            "may not act for CIV",
        ),
        (
            neg.args(
                "salma.idrissi",
                "propose",
                &["art-9", "--language", "fr", "--text", &oversized],
            ),
            Refused,
            "the limit is 65536 bytes",
        ),
        (
            neg.args(
                "salma.idrissi",
                "propose",
                &["art-9", "--language", "en", "--text", "Text"],
            ),
            Refused,
            "not an authentic language",
        ),
        (
            neg.args("iom.secretariat", "agree", &[ART, "--hash", &stale]),
            Refused,
            "a secretariat may not agree a clause",
        ),
        (
            neg.args("nobody", "comment", &["--text", "hello"]),
            Refused,
            "'nobody' is not accredited",
        ),
        (
            elsewhere.args("amina.kone", "comment", &["--text", "hello"]),
            Refused,
            "does not exist; open it first",
        ),
        (
            neg.read_args("comment", &["--text", "hello"]),
            Usage,
            "pass --as PERSON",
        ),
        (
            neg.read_args("submit", &[&malformed]),
            Usage,
            "is not a valid command",
        ),
        (
            neg.read_args("submit", &[&unknown_field]),
            Usage,
            "unknown field `acting_for`",
        ),
        (
            elsewhere.read_args("history", &[]),
            Refused,
            "does not exist",
        ),
    ];
    for (args, code, expected) in cases {
        refused(&store, &args, code, expected).await;
    }
}

#[test]
fn an_unsupported_store_url_is_a_usage_error_in_one_line() {
    let output = pacta_at("mysql://localhost/x", &["verify"]);
    assert_fails(
        &output,
        Usage,
        "unsupported store URL 'mysql://localhost/x'",
    );
}

/// Exit status 4: the store cannot be reached. Whatever the command, nothing is done.
#[test]
fn an_unreachable_store_is_unavailable_in_one_line() {
    let url = "postgres://postgres@127.0.0.1:1/none";
    let comment = ["--as", "amina.kone", "comment", DRAFTING, "--text", "x"];
    let output = pacta_at(url, &comment);
    let expected = format!("cannot open the store at '{url}'");
    assert_fails(&output, StoreUnavailable, &expected);
}

/// Every exit status of the table in src/cli/error.rs but 4 (above), each with a realistic
/// case and one line on stderr that names the problem.
async fn each_exit_status_says_what_went_wrong(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = open_with_disputed_article(&store);
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();

    // 1: the rules refuse, or the record has no such thing.
    let stale = "0".repeat(64);
    let expected = "has changed since you read it";
    let agree = [ART, "--hash", &stale];
    neg.refused("youssef.benali", "agree", &agree, Refused, expected)
        .await;
    let elsewhere = Negotiation::new(&store, "no-such-negotiation");
    let unknown = "negotiation 'no-such-negotiation' does not exist";
    let comment = ["--text", "bonjour"];
    elsewhere
        .refused("amina.kone", "comment", &comment, Refused, unknown)
        .await;
    let clause = ["clause-history", DRAFTING, "art-nowhere"];
    refused(&store, &clause, Refused, "has no clause 'art-nowhere'").await;
    let revision = ["draft", DRAFTING, "--revision", "7"];
    refused(&store, &revision, Refused, "has no revision 7").await;

    // 0: an accepted act, with nothing on stderr.
    let agreed = neg.agree("youssef.benali", ART, &neg.text_hash(ART), &[]);
    assert_eq!(agreed.status.code(), Some(ExitCode::Success as i32));
    assert_eq!(stderr(&agreed), "");

    // 2: a command line clap refuses, and a command file that is not JSON.
    let no_hash = ["--as", "amina.kone", "agree", DRAFTING, ART];
    refused(&store, &no_hash, Usage, "(see pacta --help)").await;
    let command = path("command.json");
    std::fs::write(&command, r#"{"actor": "amina.kone", "action": "#).unwrap();
    let submit = ["submit", DRAFTING, &command];
    refused(&store, &submit, Usage, "is not a valid command").await;

    // 5: a file outside the store that cannot be written.
    let out = "/nonexistent-dir/x.md";
    let export = ["export", DRAFTING, "--format", "markdown", "--out", out];
    refused(
        &store,
        &export,
        Environment,
        "cannot write /nonexistent-dir/x.md",
    )
    .await;
    let key = path("missing/ledger.key");
    let generate = ["key", "generate", "--out", &key];
    refused(&store, &generate, Environment, "cannot create key file").await;

    // 3: a history that no longer ends at the head kept, then an event altered in the store.
    let zero_head = format!("1:{stale}");
    let expect_head = ["verify", DRAFTING, "--expect-head", &zero_head];
    refused(&store, &expect_head, Integrity, "not at the head you kept").await;
    let commented = format!("aggregate_id = '{DRAFTING}' AND event_type = 'Commented'");
    let altered = ("garanties", "garantie");
    store.tamper_events("payload", altered, &commented).await;
    let damaged = format!("negotiation '{DRAFTING}' at sequence");
    refused(&store, &["verify", DRAFTING], Integrity, &damaged).await;
    let comment = ["--text", "sur un historique altéré"];
    neg.refused("amina.kone", "comment", &comment, Integrity, &damaged)
        .await;
}

on_both_stores!(an_agreement_goes_from_opening_to_entry_into_force_through_the_cli);

async fn an_agreement_goes_from_opening_to_entry_into_force_through_the_cli(backend: Backend) {
    let store = TestStore::new(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let neg = Negotiation::new(&store, "civ-mar-higher-ed");
    let title = "Accord de coopération dans l'enseignement supérieur";
    let languages = ["--language", "fr=CIV", "--language", "ar=MAR"];
    let terms = [&languages[..], &["--entry-into-force", "days:30"]].concat();
    neg.open_civ_mar(title, "agreement", &terms);
    let mobility = Wording::fr(
        "Mobilité",
        "Les Parties encouragent la mobilité des étudiants et des enseignants.",
    );
    let hash = mobility.hash();
    assert!(neg.propose("civ.head", "art-1", mobility).contains(&hash));
    for head in ["civ.head", "mar.head"] {
        assert_ok(&neg.agree(head, "art-1", &hash, &[]));
    }
    neg.accredit("mar.head", "mar.linguist", "MAR", "legal-linguist", &[]);
    let arabic = Wording {
        language: "ar",
        heading: "التنقل",
        text: "يشجع الطرفان تنقل الطلاب والأساتذة.",
    };
    assert_ok(&neg.translate("mar.linguist", "art-1", &hash, arabic));
    assert_ok(&neg.concordance("mar.linguist", "art-1", "ar", &arabic.hash()));

    let root = neg.text_root();
    neg.ok_by(&["civ.head", "mar.head"], "adopt", &["--root", &root]);
    assert_eq!(neg.status()["status"]["status"], "text-adopted");

    let [civ_key, mar_key] = neg.accredit_signatories(dir.path());
    for key in [&civ_key, &mar_key] {
        let mode = std::fs::metadata(key).unwrap().permissions();
        let mode = std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777;
        assert_eq!(mode, 0o600, "the private key is private");
    }
    let count = store.event_count().await;
    let zero_root = "0".repeat(64);
    for (key, root, capacity, expected) in [
        (&mar_key, &root, "definitive", "does not verify"),
        (
            &civ_key,
            &zero_root,
            "definitive",
            "has changed since you read it",
        ),
        (
            &civ_key,
            &root,
            "simple",
            "not possible for an instrument of kind agreement",
        ),
    ] {
        let signed = neg.sign("minister.civ", key, root, capacity, "2026-05-04");
        assert_fails(&signed, Refused, expected);
    }
    assert_eq!(
        store.event_count().await,
        count,
        "refused signatures wrote nothing"
    );

    assert_ok(&neg.sign("minister.civ", &civ_key, &root, "definitive", "2026-05-04"));
    assert_ok(&neg.sign("minister.mar", &mar_key, &root, "definitive", "2026-05-06"));
    let status = neg.status();
    assert_eq!(status["status"]["status"], "in-force");
    assert_eq!(
        status["entry_into_force"], "2026-06-05",
        "30 days after the last signature"
    );
    let shown = neg.read("status", &[]);
    assert!(
        shown.contains("status: in force from 2026-06-05"),
        "{shown}"
    );
    let rule = "Entry into force: 30 days after the last consent to be bound";
    assert!(shown.contains(rule), "the rule in words: {shown}");
    let rule_as_data = serde_json::json!({"rule": "days-after-last-consent", "days": 30});
    assert_eq!(status["entry_into_force_rule"], rule_as_data);

    let office = "civ.treaty-office";
    neg.accredit("civ.head", office, "CIV", "competent-authority", &[]);
    let early = ["--from", "2026-06-01", "--reason", "x"];
    let expected = "not in force on 2026-06-01";
    neg.refused(office, "suspend", &early, Refused, expected)
        .await;
    let reform = ["--from", "2026-07-01", "--reason", "Réforme universitaire"];
    neg.ok(office, "suspend", &reform);
    let shown = neg.read("status", &[]);
    let suspended = "Operation suspended by CIV from 2026-07-01";
    assert!(shown.contains(suspended), "{shown}");
    neg.ok(office, "resume", &["--from", "2026-09-01"]);
    let replaced = "Remplacé par un nouvel accord";
    let notice = ["--notified-on", "2026-11-16", "--reason", replaced];
    neg.ok(office, "terminate", &notice);
    let status = neg.status();
    assert_eq!(
        status["terminates_on"], "2027-05-16",
        "six months' notice by default"
    );
    assert_eq!(status["suspended"], serde_json::Value::Null);
    neg.read("verify", &[]);
}

on_both_stores!(a_disputed_clause_is_bracketed_resolved_and_reopened_through_the_cli);

async fn a_disputed_clause_is_bracketed_resolved_and_reopened_through_the_cli(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = open_with_disputed_article(&store);
    let alternative = Wording {
        text: "Les Parties échangent les informations utiles dans le respect de leur législation sur la protection des données à caractère personnel.",
        ..DISPUTED
    };
    let bracket = [ART, "--label", "B"];
    assert_ok(&neg.table("salma.idrissi", "bracket", &bracket, alternative));
    let preference = [
        ART,
        "--position",
        "alternative:B",
        "--rationale",
        "Loi 09-08",
    ];
    neg.ok("salma.idrissi", "position", &preference);
    let shown = neg.read("draft", &[]);
    for line in [
        "Article 1 — Échange d'informations  [bracketed; proposed by CIV; agreed by CIV;",
        "[B] proposed by MAR",
        "MAR: prefers alternative B — Loi 09-08",
    ] {
        assert!(shown.contains(line), "{line} in: {shown}");
    }

    let bracketed = neg.agree("youssef.benali", ART, &neg.text_hash(ART), &[]);
    assert_fails(&bracketed, Refused, "is bracketed");
    let maybe = [ART, "--position", "maybe"];
    let bad_position = neg.act("salma.idrissi", "position", &maybe);
    assert_fails(&bad_position, Usage, "is not a position");

    let choice = [ART, "--label", "B", "--base", &neg.text_hash(ART)];
    neg.ok("youssef.benali", "choose", &choice);
    assert_eq!(
        neg.text_hash(ART),
        DISPUTED.hash(),
        "a choice is only proposed"
    );
    let chosen = alternative.hash();
    let ad_referendum = neg.agree("amina.kone", ART, &chosen, &["--ad-referendum"]);
    assert_ok(&ad_referendum);
    assert_ok(&neg.agree("youssef.benali", ART, &chosen, &[]));
    assert_eq!(neg.text_hash(ART), chosen);
    let article = "Article 1 — Échange d'informations  [";
    let draft_shows = |status: &str| {
        let shown = neg.read("draft", &[]);
        assert!(shown.contains(&format!("{article}{status};")), "{shown}");
    };
    draft_shows("agreed-ad-referendum");
    neg.ok("amina.kone", "confirm-agreement", &[ART]);
    draft_shows("agreed");
    let reopen = [ART, "--reason", "Nouvelle loi"];
    neg.ok("youssef.benali", "reopen", &reopen);
    draft_shows("under-discussion");
    ok(&store, &["verify"]);
}

on_both_stores!(brackets_lift_only_once_every_party_agrees_the_chosen_wording);

/// Bracket, amend the standing wording without restating its heading, withdraw one alternative,
/// propose choosing the other, and have every party agree it: the draft then shows Morocco's
/// wording, agreed, and says whose it is.
async fn brackets_lift_only_once_every_party_agrees_the_chosen_wording(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = open_with_disputed_article(&store);
    let safeguards = Wording {
        text: "Les Parties échangent les informations utiles dans le respect de la loi n° 09-08.",
        ..DISPUTED
    };
    let narrower = Wording {
        text: "Les Parties échangent les seules informations nécessaires aux enquêtes.",
        ..DISPUTED
    };
    assert_ok(&neg.table(
        "salma.idrissi",
        "bracket",
        &[ART, "--label", "B"],
        safeguards,
    ));
    assert_ok(&neg.table("salma.idrissi", "bracket", &[ART, "--label", "C"], narrower));

    // Côte d'Ivoire amends its wording, bracketed as it is, leaving the heading out.
    let amended_text = "Les Parties échangent les informations utiles à la lutte contre la traite.";
    let amend = [
        ART,
        "--base",
        &DISPUTED.hash(),
        "--language",
        "fr",
        "--text",
        amended_text,
    ];
    neg.ok("koffi.yao", "amend", &amend);
    let amended = Wording {
        text: amended_text,
        ..DISPUTED
    };
    assert_eq!(neg.text_hash(ART), amended.hash(), "the heading is kept");
    let shown = neg.read("draft", &[]);
    assert!(
        shown.contains("Article 1 — Échange d'informations  [bracketed;"),
        "{shown}"
    );
    assert!(shown.contains("[B] proposed by MAR") && shown.contains("[C] proposed by MAR"));

    // Only Morocco withdraws its alternative C.
    let withdraw = [ART, "--label", "C", "--reason", "Retirée au profit de B"];
    let count = store.event_count().await;
    let not_theirs = neg.act("koffi.yao", "withdraw-alternative", &withdraw);
    assert_fails(&not_theirs, Refused, "only MAR may withdraw it");
    let no_arabic = [
        ART,
        "--base",
        &amended.hash(),
        "--language",
        "ar",
        "--text",
        "نص",
    ];
    let headless = neg.act("salma.idrissi", "amend", &no_arabic);
    assert_fails(&headless, Refused, "has no heading in ar to keep");
    assert_eq!(store.event_count().await, count, "refusals write nothing");
    neg.ok("salma.idrissi", "withdraw-alternative", &withdraw);
    assert!(!neg.read("draft", &[]).contains("[C]"));

    // Côte d'Ivoire's head proposes B; the brackets stay until Morocco agrees too.
    let early = neg.agree("amina.kone", ART, &safeguards.hash(), &[]);
    assert_fails(&early, Refused, "is not proposed as the choice");
    let choice = [ART, "--label", "B", "--base", &amended.hash()];
    neg.ok("amina.kone", "choose", &choice);
    assert_ok(&neg.agree("amina.kone", ART, &safeguards.hash(), &[]));
    assert_eq!(
        neg.text_hash(ART),
        amended.hash(),
        "one party does not lift brackets"
    );
    let shown = neg.read("draft", &[]);
    assert!(shown.contains("[bracketed;"), "{shown}");
    let pending = "choosing [B] proposed by CIV; agreed by CIV";
    assert!(shown.contains(pending), "{shown}");
    assert_ok(&neg.agree("youssef.benali", ART, &safeguards.hash(), &[]));

    assert_eq!(neg.text_hash(ART), safeguards.hash());
    let shown = neg.read("draft", &[]);
    let lifted =
        "Article 1 — Échange d'informations  [agreed; proposed by CIV; wording of MAR; agreed by CIV, MAR;";
    assert!(shown.contains(lifted), "{shown}");
    assert!(!shown.contains("[B]"), "{shown}");
    let history = neg.read("history", &[]);
    for line in [
        "withdrew alternative C of art-donnees",
        "CIV proposed choosing alternative B for art-donnees",
        "alternative B chosen for art-donnees",
    ] {
        assert!(history.contains(line), "{line} in: {history}");
    }
    ok(&store, &["verify"]);
}

/// The secretariat opens `round`, a meeting of `kind` at `place`, from the first of `days` to
/// the second.
fn open_round(
    neg: &Negotiation,
    round: &str,
    (kind, place): (&str, &str),
    days: [&str; 2],
) -> std::process::Output {
    let [starts_on, ends_on] = days;
    let held = ["--kind", kind, "--place", place];
    let dates = ["--starts-on", starts_on, "--ends-on", ends_on];
    let args = [&[round][..], &held, &dates].concat();
    neg.act("iom.secretariat", "round open", &args)
}

on_both_stores!(acts_are_attributed_to_the_round_in_which_they_were_recorded);

async fn acts_are_attributed_to_the_round_in_which_they_were_recorded(backend: Backend) {
    let store = TestStore::new(backend).await;
    // A meeting of the joint technical committee the MoU sets up (art-comite).
    ok(&store, &["demo"]);
    let neg = Negotiation::new(&store, DEMO_NEGOTIATION);
    // Recorded afterwards, so each act of the meeting states its date.
    let (round, committee) = ("comite-2027", ("joint-commission", "Abidjan"));
    let days = ["2026-11-09", "2026-11-10"];
    assert_ok(&open_round(&neg, round, committee, days));
    let next_year = ("joint-commission", "Rabat");
    let early = open_round(&neg, "comite-2028", next_year, ["2027-03-07", "2027-03-08"]);
    assert_fails(&early, Refused, "round 'comite-2027' is still open");
    let on = |day: &'static str| ["--took-place-on", day];
    neg.ok(
        "salma.idrissi",
        "comment",
        &[&on("2026-11-09")[..], &["--text", "Proposition marocaine"]].concat(),
    );
    // Work between the sessions is dated outside the round only when marked as such.
    let between = [&on("2026-11-20")[..], &["--text", "Note intersessions"]].concat();
    let outside = "outside round 'comite-2027' (2026-11-09 to 2026-11-10)";
    neg.refused("salma.idrissi", "comment", &between, Refused, outside)
        .await;
    neg.refused(
        "salma.idrissi",
        "comment",
        &["--text", "Sans date"],
        Refused,
        outside,
    )
    .await;
    neg.ok(
        "salma.idrissi",
        "comment",
        &[&between[..], &["--intersessional"]].concat(),
    );
    let dir = tempfile::tempdir().unwrap();
    let minutes = dir.path().join("pv.pdf");
    std::fs::write(&minutes, b"%PDF proces-verbal").unwrap();
    let file = [
        "--file",
        minutes.to_str().unwrap(),
        "--reference",
        "PV/CTM/2027/01",
    ];
    neg.ok(
        "iom.secretariat",
        "round minutes",
        &[&[round][..], &file, &on("2026-11-10")].concat(),
    );
    // One head names the minutes by the file read, the other by the start of their hash.
    let hash = pacta::keys::file_sha256(&minutes).unwrap();
    let by_file = ["--file", minutes.to_str().unwrap()];
    let by_prefix = ["--hash", &hash[..12]];
    for (head, minutes) in [("amina.kone", by_file), ("youssef.benali", by_prefix)] {
        let adopt = [&[round][..], &minutes, &["--took-place-on", "2026-11-10"]].concat();
        let adopted = neg.ok(head, "round adopt-minutes", &adopt);
        assert!(
            adopted.contains(&format!("minutes hash {hash}")),
            "{adopted}"
        );
    }
    neg.ok(
        "iom.secretariat",
        "round close",
        &[&[round][..], &on("2026-11-10")].concat(),
    );
    neg.ok("amina.kone", "comment", &["--text", "Entre deux sessions"]);
    let entries = neg.json("history", &[]);
    let round_of = |summary: &str| {
        let entries = entries.as_array().unwrap();
        let entry = entries
            .iter()
            .find(|e| e["summary"].as_str().unwrap().contains(summary));
        entry.unwrap()["round"].clone()
    };
    assert_eq!(round_of("Proposition marocaine"), round);
    assert_eq!(round_of("MAR adopted the minutes of comite-2027"), round);
    assert_eq!(round_of("Entre deux sessions"), serde_json::Value::Null);
    assert!(neg.read("history", &[]).contains(round));
}

on_both_stores!(an_action_matrix_is_agreed_validated_at_a_workshop_and_reported_on);

async fn an_action_matrix_is_agreed_validated_at_a_workshop_and_reported_on(backend: Backend) {
    const MX: &str = "mx-frontieres";
    let store = TestStore::new(backend).await;
    ok(&store, &["demo"]);
    let neg = Negotiation::new(&store, DEMO_NEGOTIATION);
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
    let title = ["--title", "Identification aux frontières"];
    neg.ok(
        "iom.secretariat",
        "matrix create",
        &[&[MX][..], &title].concat(),
    );
    let row = [MX, "r1", "--content-file", &row_file("120")];
    neg.ok("koffi.yao", "matrix row", &row);
    let matrices = neg.json("matrix show", &[]);
    let hash = matrices[MX]["rows"]["r1"]["row_hash"].as_str().unwrap();

    let malformed = dir.path().join("broken.json");
    std::fs::write(&malformed, "{\"objective\": ").unwrap();
    let broken = [MX, "r2", "--content-file", malformed.to_str().unwrap()];
    let refused = neg.act("koffi.yao", "matrix row", &broken);
    assert_fails(&refused, Usage, "is not a valid command");
    let (round, workshop) = ("atelier-frontieres", ("experts-meeting", "Abidjan"));
    let days = ["2026-05-20", "2026-05-21"];
    assert_ok(&open_round(&neg, round, workshop, days));
    // The workshop's acts are recorded afterwards, on its dates.
    let validate = [MX, "--round", round, "--took-place-on", "2026-05-21"];
    let early = neg.act("iom.secretariat", "matrix validate", &validate);
    assert_fails(&early, Refused, "row 'r1' is not agreed by every party");
    let agree = [MX, "r1", "--hash", hash, "--took-place-on", "2026-05-20"];
    neg.ok_by(
        &["amina.kone", "youssef.benali"],
        "matrix agree-row",
        &agree,
    );
    neg.ok("iom.secretariat", "matrix validate", &validate);
    let progress = [MX, "r1", "--status", "on-track", "--on", "2026-09-30"];
    let wrong_party = neg.act("salma.idrissi", "matrix progress", &progress);
    assert_fails(&wrong_party, Refused, "may not act for CIV");
    let note = ["--note", "60 agents formés"];
    neg.ok(
        "koffi.yao",
        "matrix progress",
        &[&progress[..], &note].concat(),
    );
    let shown = neg.read("matrix show", &[]);
    let validated =
        "mx-frontieres — Identification aux frontières (validated at atelier-frontieres)";
    assert!(shown.contains(validated), "{shown}");
    let agreed = "on-track; agreed by CIV, MAR";
    assert!(row_r1(&shown).contains(agreed), "{shown}");

    let changed = [
        MX,
        "r1",
        "--content-file",
        &row_file("200"),
        "--base",
        hash,
        "--took-place-on",
        "2026-05-21",
    ];
    neg.ok("koffi.yao", "matrix row", &changed);
    let shown = neg.read("matrix show", &[]);
    let again = "a changed target needs both parties again";
    assert!(
        row_r1(&shown).contains("agreed by nobody"),
        "{again}: {shown}"
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
    let neg = Negotiation::new(&store, DEMO_NEGOTIATION);
    let office = "civ.treaties";
    neg.accredit("amina.kone", office, "CIV", "competent-authority", &[]);
    let from = ["--from", "2026-07-01"];
    let expected = "does not provide for provisional application";
    neg.refused(office, "apply-provisionally", &from, Refused, expected)
        .await;
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
