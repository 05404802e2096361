//! The views of a negotiation's past through the `pacta` binary, on both stores, over the demo
//! story: the draft at a sequence and at a round, redlines between rounds and between revisions
//! with who proposed each change, a clause's history, the filtered history and the index.
//! Every bad input is one line, a non-zero exit, and writes nothing.

use crate::common::cli::ExitCode::{Refused, Usage};
use crate::common::cli::{json, ok, refused, Negotiation};
use crate::common::{Backend, TestStore};
use serde_json::Value;

on_both_stores!(the_past_of_the_demo_is_read_through_the_cli);

const MOU: &str = "civ-mar-tip-mou";
const AGREEMENT: &str = "civ-mar-higher-education";

fn clause<'a>(draft: &'a Value, clause_id: &str) -> &'a Value {
    draft["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clause_id"] == clause_id)
        .unwrap_or_else(|| panic!("{clause_id} in the draft"))
}

async fn the_past_of_the_demo_is_read_through_the_cli(backend: Backend) {
    let store = TestStore::new(backend).await;
    ok(&store, &["demo"]);

    draft_at_a_sequence_and_a_round(&store);
    redline_between_rounds(&store);
    redline_between_revisions(&store);
    clause_history_of_the_revised_article(&store);
    history_filters(&store);
    list(&store);
    bad_input(&store).await;
}

fn draft_at_a_sequence_and_a_round(store: &TestStore) {
    let at_5 = json(store, &["draft", MOU, "--at", "5"]);
    assert_eq!(at_5["as_of_sequence"], 5);
    assert_eq!(
        at_5["clauses"].as_array().unwrap().len(),
        0,
        "no clause yet"
    );

    let history = json(store, &["history", MOU, "--round", "round-1"]);
    let close = history.as_array().unwrap().last().unwrap();
    assert_eq!(close["event"], "RoundClosed");
    let at_round_1 = json(store, &["draft", MOU, "--at", "round:round-1"]);
    assert_eq!(at_round_1["as_of_sequence"], close["sequence"]);
    let now = json(store, &["draft", MOU]);
    let (then, today) = (
        clause(&at_round_1, "art-donnees"),
        clause(&now, "art-donnees"),
    );
    assert_eq!(
        then["status"], "bracketed",
        "alternative B stood after Abidjan"
    );
    assert_ne!(then["text"], today["text"], "B was chosen in Rabat");
    assert_eq!(
        json(store, &["draft", MOU, "--at", "round-1"])["as_of_sequence"],
        close["sequence"],
        "a bare round id is the same point"
    );
    assert_eq!(
        json(store, &["draft", MOU, "--at", "2026-03-05"])["as_of_sequence"],
        close["sequence"],
        "round 1 closed on 5 March 2026, the day of its last act"
    );
}

fn redline_between_rounds(store: &TestStore) {
    let mou = Negotiation::new(store, MOU);
    let printed = mou.read(
        "redline",
        &["--from", "round:round-1", "--to", "round:round-2"],
    );
    assert!(printed.contains("(art-donnees) — changed"), "{printed}");
    assert!(printed.contains("{+"), "insertions are marked: {printed}");
    assert!(printed.contains("[-"), "deletions are marked: {printed}");
    assert!(
        printed.contains("AlternativeChosen (alternative B)")
            && printed.contains("by youssef.benali for MAR; wording proposed by MAR"),
        "the proposer of the wording, and the party whose agreement (the last) chose it: {printed}"
    );
    assert!(printed.contains("(art-objet) — unchanged"), "{printed}");

    let view = mou.json("redline", &["--from", "round-1", "--to", "round-2"]);
    let data = clause(&view, "art-donnees");
    assert_eq!(data["change"], "changed");
    assert_eq!(data["changed_by"][0]["proposed_by"], "MAR");
    assert_eq!(
        data["changed_by"][0]["party"], "MAR",
        "the last to agree the choice"
    );
}

/// From the text signed to the revision, as `pacta redline` takes it.
const REVISIONS: [&str; 4] = ["--from", "revision:0", "--to", "revision:1"];

fn redline_between_revisions(store: &TestStore) {
    let agreement = Negotiation::new(store, AGREEMENT);
    let printed = agreement.read("redline", &REVISIONS);
    assert!(
        printed.contains("{+y compris des doctorants,+}"),
        "the revision's insertion: {printed}"
    );
    assert!(
        printed.contains("changed by #") && printed.contains("ClauseAmended"),
        "{printed}"
    );
    assert!(
        printed.contains("for MAR; wording proposed by MAR"),
        "{printed}"
    );
    let view = agreement.json("redline", &REVISIONS);
    assert_eq!(
        (
            view["from"]["revision"].clone(),
            view["to"]["revision"].clone()
        ),
        (0.into(), 1.into())
    );
    let changed: Vec<&Value> = view["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] != "unchanged")
        .collect();
    assert_eq!(changed.len(), 1, "only the mobility article is revised");
    assert_eq!(changed[0]["clause_id"], "art-mobilite");
}

fn clause_history_of_the_revised_article(store: &TestStore) {
    let history = json(store, &["clause-history", AGREEMENT, "art-mobilite"]);
    let kinds: Vec<(&str, &str, u64)> = history["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["kind"].as_str().unwrap(),
                v["language"].as_str().unwrap(),
                v["revision"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("proposed", "fr", 0),
            ("translated", "ar", 0),
            ("revision-opened", "fr", 1),
            ("revision-opened", "ar", 1),
            ("amended", "fr", 1),
        ]
    );
    let amended = &history["versions"][4];
    assert_eq!(amended["party"], "MAR");
    let inserted: Vec<&str> = amended["text_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "inserted")
        .map(|c| c["text"].as_str().unwrap().trim())
        .collect();
    assert_eq!(inserted, vec!["y compris des doctorants,"]);
    let reopened = history["acts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["event"] == "ClauseReopened")
        .expect("the reopening is an act on the clause");
    assert_eq!(reopened["why"], "Inclure les doctorants");
    let printed = ok(store, &["clause-history", AGREEMENT, "art-mobilite"]);
    assert!(
        printed.contains("{+y compris des doctorants,+}"),
        "{printed}"
    );
}

fn history_filters(store: &TestStore) {
    let by_mar = json(
        store,
        &["history", MOU, "--party", "MAR", "--clause", "art-donnees"],
    );
    let entries = by_mar.as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(entries
        .iter()
        .all(|e| e["party"] == "MAR" && e["clause_id"] == "art-donnees"));
    assert!(entries.iter().any(|e| e["event"] == "AlternativeProposed"));
    let everything = json(store, &["history", MOU]).as_array().unwrap().len();
    let in_round_2 = json(store, &["history", MOU, "--round", "round-2"]);
    assert!(in_round_2.as_array().unwrap().len() < everything);
    assert!(in_round_2
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["round"] == "round-2"));
    // The demo is recorded now, on the story's own dates: --since/--until go by the day each
    // act took place, not the day it was recorded.
    let all = json(store, &["history", MOU]);
    let day = |e: &serde_json::Value| e["took_place_on"].as_str().unwrap().to_string();
    let entries = all.as_array().unwrap();
    assert_eq!(
        day(&entries[0]),
        "2026-02-16",
        "opened a fortnight before round 1"
    );
    assert_ne!(
        entries[0]["recorded_at"].as_str().unwrap()[..10],
        *"2026-02-16",
        "recorded today, not on the day it took place"
    );
    let (first, last) = (day(&entries[0]), day(&entries[entries.len() - 1]));
    let between = json(
        store,
        &["history", MOU, "--since", &first, "--until", &last],
    );
    assert_eq!(between.as_array().unwrap().len(), everything);
    let abidjan = [
        "history",
        MOU,
        "--since",
        "2026-03-03",
        "--until",
        "2026-03-05",
    ];
    let round_1 = json(store, &abidjan);
    let round_1 = round_1.as_array().unwrap();
    assert!(!round_1.is_empty(), "round 1, Abidjan, 3 to 5 March 2026");
    assert!(round_1
        .iter()
        .all(|e| e["round"] == "round-1" && e["took_place_in"] == "Abidjan"));
    assert_eq!(
        round_1.len(),
        json(store, &["history", MOU, "--round", "round-1"])
            .as_array()
            .unwrap()
            .len()
    );
    // Shown in text, both dates: a reader could take one for the other.
    let printed = ok(store, &abidjan);
    assert!(printed.contains("2026-03-03 (recorded "), "{printed}");
    let until_2000 = json(store, &["history", MOU, "--until", "2000-01-01"]);
    assert_eq!(until_2000.as_array().unwrap().len(), 0);
}

fn list(store: &TestStore) {
    let index = json(store, &["list"]);
    let ids: Vec<&str> = index
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["negotiation_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![AGREEMENT, MOU]);
    let mou = &index[1];
    assert_eq!(mou["clauses"]["agreed"], mou["clauses"]["total"]);
    assert_eq!(mou["matrices"].as_array().unwrap().len(), 3);
    assert_eq!(mou["last_sequence"], 93, "the MoU's events");
    let agreement = &index[0];
    assert_eq!(agreement["revision"], 1);
    assert_eq!(
        agreement["clauses"]["under_discussion"], 1,
        "art-mobilite, MAR to agree"
    );
    let printed = ok(store, &["list"]);
    assert!(printed.contains("civ-mar-tip-mou — "), "{printed}");
    assert!(
        printed.contains("validated at atelier-cloture"),
        "{printed}"
    );
}

async fn bad_input(store: &TestStore) {
    let nowhere = "no round 'nowhere' on record (rounds: round-1, round-2, atelier-cloture)";
    refused(
        store,
        &["draft", "nowhere", "--at", "1"],
        Refused,
        "negotiation 'nowhere' does not exist",
    )
    .await;
    refused(
        store,
        &["clause-history", MOU, "art-nowhere"],
        Refused,
        "has no clause 'art-nowhere' (see pacta draft",
    )
    .await;
    refused(
        store,
        &["history", MOU, "--clause", "art-nowhere"],
        Refused,
        "has no clause 'art-nowhere'",
    )
    .await;
    refused(
        store,
        &["draft", MOU, "--at", "revision:x"],
        Usage,
        "'revision:x' is not a point in the history",
    )
    .await;
    refused(
        store,
        &["draft", MOU, "--at", "2026-02-30"],
        Usage,
        "no such calendar day",
    )
    .await;
    refused(
        store,
        &["draft", MOU, "--at", "9999"],
        Refused,
        "event #9999 is beyond the last event",
    )
    .await;
    refused(
        store,
        &["redline", MOU, "--from", "round:nowhere", "--to", "round-2"],
        Refused,
        nowhere,
    )
    .await;
    refused(
        store,
        &["history", MOU, "--round", "nowhere"],
        Refused,
        "no round 'nowhere' on record",
    )
    .await;
    refused(
        store,
        &[
            "redline",
            AGREEMENT,
            "--from",
            "revision:7",
            "--to",
            "revision:1",
        ],
        Refused,
        "no revision 7 on record (revisions: 0, 1)",
    )
    .await;
    refused(
        store,
        &["draft", MOU, "--at", "2000-01-01"],
        Refused,
        "nothing took place on or before 2000-01-01",
    )
    .await;
}
