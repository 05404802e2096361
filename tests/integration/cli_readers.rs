//! Who reads what through the `pacta` binary, on both stores: every read applies the service's
//! rule to internal comments (a reader sees their own party's, a reader with no party none), and
//! what the CLI prints from the record reaches the terminal with its control characters escaped.

use cqrs_es::{AggregateContext, EventStore};
use pacta_domain::{Negotiation as Aggregate, NegotiationEvent};
use pacta_ledger::store::{ChainedEventStore, Database};

use crate::common::cli::{ok, Negotiation, Wording, DATA_ARTICLE, DATA_WORDING};
use crate::common::{Backend, TestStore};

on_both_stores!(
    every_read_shows_internal_comments_to_their_party_only,
    history_prints_control_characters_escaped,
);

const NEGOTIATION: &str = "civ-mar-readers";
const ART: &str = DATA_ARTICLE;
const WORDING: Wording = DATA_WORDING;
const AMENDED: Wording = Wording::fr(
    "Échange d'informations",
    "Les Parties échangent les informations utiles dans le respect de la loi n° 09-08.",
);
const SHARED_CIV: &str = "Commentaire partagé de la Côte d'Ivoire.";
const SHARED_MAR: &str = "Commentaire partagé du Maroc.";
const NOTE_CIV: &str = "Note interne CIV : repli possible sur un protocole.";
const NOTE_MAR: &str = "Note interne MAR : ne pas céder sur la loi 09-08.";

/// Côte d'Ivoire (`koffi.yao`) and Morocco (`salma.idrissi`) each table a shared comment and an
/// internal note on `ART`, between its proposal and its amendment.
fn negotiation_with_internal_notes(store: &TestStore) -> Negotiation<'_> {
    let neg = Negotiation::new(store, NEGOTIATION);
    neg.open_civ_mar("Mémorandum d'entente", "mou", &["--language", "fr"]);
    neg.accredit("civ.head", "koffi.yao", "CIV", "negotiator", &[]);
    neg.accredit("mar.head", "salma.idrissi", "MAR", "negotiator", &[]);
    neg.propose("koffi.yao", ART, WORDING);
    for (person, shared, note) in [
        ("koffi.yao", SHARED_CIV, NOTE_CIV),
        ("salma.idrissi", SHARED_MAR, NOTE_MAR),
    ] {
        neg.ok(person, "comment", &["--clause", ART, "--text", shared]);
        let internal = ["--clause", ART, "--internal", "--text", note];
        neg.ok(person, "comment", &internal);
    }
    let base = WORDING.hash();
    neg.ok(
        "koffi.yao",
        "amend",
        &[&[ART, "--base", base.as_str()][..], &AMENDED.args()].concat(),
    );
    neg
}

/// Every read command, as the words after `pacta [--as PERSON]`, with a name for messages.
fn reads(neg: &Negotiation<'_>, last: &str) -> Vec<(&'static str, Vec<String>)> {
    let id = neg.id.to_string();
    let words = |ws: &[&str]| -> Vec<String> { ws.iter().map(|w| w.to_string()).collect() };
    vec![
        ("history", words(&["history", &id])),
        (
            "history --clause",
            words(&["history", &id, "--clause", ART]),
        ),
        ("history --json", words(&["history", &id, "--json"])),
        ("clause-history", words(&["clause-history", &id, ART])),
        (
            "clause-history --json",
            words(&["clause-history", &id, ART, "--json"]),
        ),
        ("draft", words(&["draft", &id])),
        ("draft --json", words(&["draft", &id, "--json"])),
        (
            "redline",
            words(&["redline", &id, "--from", "1", "--to", last]),
        ),
        (
            "redline --format json",
            words(&[
                "redline", &id, "--from", "1", "--to", last, "--format", "json",
            ]),
        ),
        ("export json", words(&["export", &id, "--format", "json"])),
        (
            "export markdown",
            words(&["export", &id, "--format", "markdown"]),
        ),
        ("export html", words(&["export", &id, "--format", "html"])),
        ("status", words(&["status", &id])),
        ("status --json", words(&["status", &id, "--json"])),
        ("list", words(&["list"])),
    ]
}

/// The reads that show acts, and so the shared comments.
const SHOW_ACTS: [&str; 5] = [
    "history",
    "history --clause",
    "history --json",
    "clause-history",
    "clause-history --json",
];

async fn every_read_shows_internal_comments_to_their_party_only(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = negotiation_with_internal_notes(&store);
    let last = store.ledger().events(NEGOTIATION).await.unwrap().len();
    let last = last.to_string();
    // Who reads, and the internal note they alone may see.
    let readers: [(Option<&str>, Option<&str>); 5] = [
        (Some("koffi.yao"), Some(NOTE_CIV)),
        (Some("civ.head"), Some(NOTE_CIV)),
        (Some("salma.idrissi"), Some(NOTE_MAR)),
        // No `--as`, and a person accredited in no party of this negotiation: no note at all.
        (None, None),
        (Some("someone.else"), None),
    ];
    for (name, read) in reads(&neg, &last) {
        let mut shared_views = Vec::new();
        for (reader, own) in readers {
            let args: Vec<&str> = match reader {
                Some(person) => [&["--as", person][..], &as_strs(&read)].concat(),
                None => as_strs(&read),
            };
            let printed = ok(&store, &args);
            let who = reader.unwrap_or("nobody");
            for note in [NOTE_CIV, NOTE_MAR] {
                assert_eq!(
                    printed.contains(note),
                    Some(note) == own && SHOW_ACTS.contains(&name),
                    "{name} as {who}: {note}\n{printed}"
                );
            }
            for shared in [SHARED_CIV, SHARED_MAR] {
                assert_eq!(
                    printed.contains(shared),
                    SHOW_ACTS.contains(&name),
                    "{name} as {who}: {shared}\n{printed}"
                );
            }
            if !SHOW_ACTS.contains(&name) {
                shared_views.push(printed);
            }
        }
        // The views without acts are the same for every reader: internal notes change none.
        shared_views.dedup();
        assert!(shared_views.len() <= 1, "{name} differs between readers");
    }
    // The text history marks the reader's own note as internal, and only that one.
    let civ = ok(&store, &neg.args("koffi.yao", "history", &[]));
    let marked: Vec<&str> = civ.lines().filter(|l| l.contains("[internal to")).collect();
    assert_eq!(marked.len(), 1, "{civ}");
    assert!(marked[0].contains("[internal to CIV]") && marked[0].contains(NOTE_CIV));
    // The JSON history names the party of the one internal entry a reader sees.
    let mar: serde_json::Value = serde_json::from_str(&ok(
        &store,
        &neg.args("salma.idrissi", "history", &["--json"]),
    ))
    .unwrap();
    let internal: Vec<&serde_json::Value> = mar
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e.get("internal_to"))
        .collect();
    assert_eq!(internal, [&serde_json::Value::from("MAR")]);
}

fn as_strs(words: &[String]) -> Vec<&str> {
    words.iter().map(String::as_str).collect()
}

/// Records a comment by `person` on `ART` without the domain's decision, as a record made before
/// the domain refused control characters in comments would hold it: sealed into the chain like
/// any other event.
async fn plant_comment(store: &TestStore, person: &str, text: &str) {
    match &store.database {
        Database::Postgres(pool, _) => {
            let repo = postgres_es::PostgresEventRepository::new(pool.clone());
            commit_comment(&ChainedEventStore::new(repo), person, text).await;
        }
        Database::Sqlite(pool) => {
            let repo = sqlite_es::SqliteEventRepository::new(pool.clone());
            commit_comment(&ChainedEventStore::new(repo), person, text).await;
        }
    }
}

async fn commit_comment<ES: EventStore<Aggregate>>(store: &ES, person: &str, text: &str) {
    let mut loaded = store.load_aggregate(NEGOTIATION).await.unwrap();
    let delegate = loaded.aggregate().delegate(person).cloned().unwrap();
    let event = NegotiationEvent::Commented {
        clause_id: Some(ART.to_string()),
        text: text.to_string(),
        internal: false,
    };
    let fingerprint = "0".repeat(64);
    let command_id = uuid::Uuid::new_v4().to_string();
    pacta_ledger::commit_stamped(
        store,
        vec![event],
        loaded,
        delegate,
        &command_id,
        &fingerprint,
    )
    .await
    .unwrap();
}

async fn history_prints_control_characters_escaped(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = negotiation_with_internal_notes(&store);
    // A carriage return is accepted in a comment; an escape sequence and a bidi override are on
    // record only from before the domain refused them.
    neg.ok(
        "koffi.yao",
        "comment",
        &["--clause", ART, "--text", "Accord de principe\rRefus"],
    );
    plant_comment(
        &store,
        "salma.idrissi",
        "Réserve\x1b[2K effacée \u{202E}ecnerap",
    )
    .await;
    assert!(store.ledger().verify(NEGOTIATION).await.is_ok());
    for read in [
        neg.read("history", &[]),
        neg.read("history", &["--clause", ART]),
        neg.read("clause-history", &[ART]),
    ] {
        assert!(
            !read.contains(['\r', '\x1b', '\u{202E}']),
            "raw control characters reach the terminal: {read:?}"
        );
        assert!(
            read.lines()
                .any(|l| l.ends_with("commented on art-donnees: Accord de principe\\rRefus")),
            "{read}"
        );
        assert!(
            read.contains("Réserve\\u{1b}[2K effacée \\u{202e}ecnerap"),
            "{read}"
        );
    }
    // JSON is escaped by serde: the text is there as recorded.
    let json = neg.json("history", &[]);
    let texts: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["summary"].as_str())
        .collect();
    assert!(
        texts.iter().any(|t| t.contains("Réserve\x1b[2K")),
        "{texts:?}"
    );
}
