//! Stored views on both stores: kept up to date incrementally, they equal a rebuild from zero
//! and the pure folds of the events, after a long random history; and a process killed between
//! an event's commit and the views' update leaves nothing missed and nothing applied twice.

use std::process::Command;

use crate::common::cli::{ok, open_civ_mar, pacta, stdout, PROPOSE_OBJET};
use crate::common::kill::kill_at_failpoint;
use crate::common::{dump_views, open_civ_mar_command, Backend, Ledger, TestStore};
use pacta_domain::{Action, ClauseKind, InstrumentKind, Negotiation, NegotiationCommand, Position};
use pacta_ledger::drafts::DraftCaches;
use pacta_ledger::recent::FOLD_KEPT_EVERY_EVENTS;
use pacta_ledger::views::{self, Projector, View};
use pacta_projections::{
    agreement_state, clause_history, draft, draft_of_state, history, NegotiationFold,
};

on_both_stores!(
    a_rebuilt_view_equals_the_incrementally_maintained_one_after_a_long_random_history,
    a_process_killed_between_commit_and_view_update_misses_nothing,
    a_process_killed_during_a_rebuild_leaves_consistent_views,
    a_clause_history_from_a_recent_history_is_the_one_folded_from_the_first_event,
    the_service_s_draft_rendered_clause_by_clause_is_the_whole_draft_after_every_event,
);

const NEGOTIATIONS: [&str; 3] = ["civ-mar-a", "civ-mar-b", "civ-mar-c"];
const CLAUSES: [&str; 6] = [
    "art-objet",
    "art-definitions",
    "art-donnees",
    "art-victimes",
    "art-suivi",
    "art-fin",
];
const WORDS: [&str; 8] = [
    "Les Parties",
    "coopèrent",
    "en matière de",
    "prévention",
    "protection des victimes",
    "poursuites",
    "échange d'informations",
    "dans le respect du droit national",
];
const RANDOM_COMMANDS: usize = 360;

/// A seeded random walk of negotiating acts, valid or not: the domain refuses what breaks its
/// rules and records the rest, which gives histories no script would think of.
struct Walk {
    rng: fastrand::Rng,
    round: u32,
}

impl Walk {
    fn text(&mut self) -> String {
        let words = self.rng.usize(2..6);
        (0..words)
            .map(|_| WORDS[self.rng.usize(..WORDS.len())])
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn command(&mut self, state: &Negotiation) -> NegotiationCommand {
        let actor = ["civ.head", "mar.head"][self.rng.usize(..2)].to_string();
        let clause_id = CLAUSES[self.rng.usize(..CLAUSES.len())].to_string();
        let current = state
            .clause(&clause_id)
            .map(|c| c.text_hash.clone())
            .unwrap_or_default();
        // One hash in ten is stale, as when a delegate works from an old draft.
        let seen = if self.rng.u8(..10) == 0 {
            "0".repeat(64)
        } else {
            current
        };
        // Acts state no date, so they are dated by the recording clock: rounds span its day (a
        // day either side, should the walk cross midnight UTC).
        let today = chrono::Utc::now().date_naive();
        let action = match self.rng.u8(..12) {
            0 | 1 => Action::ProposeClause {
                clause_id,
                kind: ClauseKind::Article,
                heading: String::new(),
                language: "fr".into(),
                text: self.text(),
                after: None,
                before: None,
            },
            2 | 3 => Action::AmendClause {
                clause_id,
                base_text_hash: seen,
                heading: Some(String::new()),
                language: "fr".into(),
                text: self.text(),
            },
            4 => Action::Comment {
                clause_id: Some(clause_id),
                text: self.text(),
                internal: false,
            },
            5 | 6 => Action::AgreeClause {
                clause_id,
                text_hash: seen,
                ad_referendum: false,
            },
            7 => Action::StatePosition {
                clause_id,
                position: [Position::Accept, Position::Reject, Position::Reserve]
                    [self.rng.usize(..3)]
                .clone(),
                rationale: self.text(),
            },
            8 => Action::ProposeAlternative {
                clause_id,
                label: ["A", "B"][self.rng.usize(..2)].into(),
                heading: Some(String::new()),
                language: "fr".into(),
                text: self.text(),
            },
            9 => match state.open_round() {
                Some(round_id) => Action::CloseRound {
                    round_id: round_id.to_string(),
                },
                None => {
                    self.round += 1;
                    Action::OpenRound {
                        round_id: format!("round-{}", self.round),
                        kind: pacta_domain::RoundKind::NegotiatingRound,
                        place: "Abidjan".into(),
                        starts_on: today.pred_opt().unwrap(),
                        ends_on: today.succ_opt().unwrap(),
                    }
                }
            },
            10 => Action::ReopenClause {
                clause_id,
                reason: self.text(),
            },
            _ => Action::WithdrawClause {
                clause_id,
                reason: self.text(),
            },
        };
        NegotiationCommand {
            actor,
            action,
            took_place: None,
        }
    }
}

fn open(negotiation_id: &str) -> NegotiationCommand {
    let title = format!("Mémorandum {negotiation_id}");
    open_civ_mar_command(negotiation_id, &title, InstrumentKind::Mou, &["fr"])
}

async fn replay(ledger: &Ledger, negotiation_id: &str) -> Negotiation {
    let events = ledger.events(negotiation_id).await.unwrap();
    Negotiation::replay(events.iter().map(|e| &e.payload))
}

/// The stored views agree with the pure folds of every negotiation's verified events, and each
/// view's checkpoint counts every event exactly once.
async fn assert_views_match_the_events(store: &TestStore, negotiations: &[&str]) {
    let ledger = store.ledger();
    let database = &store.database;
    let mut total_events = 0;
    for id in negotiations {
        let events = ledger.events(id).await.unwrap();
        total_events += events.len() as u64;
        let stored_draft: pacta_projections::Draft = views::document(database, View::Draft, id)
            .await
            .unwrap()
            .expect("a stored draft");
        assert_eq!(stored_draft, draft(id, &events), "draft of {id}");
        // The service answers the draft of the present from the verified state it holds.
        let held = ledger.0.current(id).await.unwrap();
        assert_eq!(
            draft_of_state(id, held.state(), held.head().sequence),
            stored_draft,
            "draft of {id} from its verified state"
        );
        let stored_state: pacta_projections::AgreementState =
            views::document(database, View::Agreement, id)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(stored_state, agreement_state(id, &events, None));
        assert_eq!(
            views::timeline(database, id).await.unwrap(),
            history(&events),
            "timeline of {id}"
        );
        let mut fold = NegotiationFold::new(id);
        for event in &events {
            fold.apply(event).unwrap();
        }
        let stored_entry: pacta_projections::IndexEntry =
            views::document(database, View::Index, id)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(stored_entry, fold.index_entry());
    }
    for status in views::status(database).await.unwrap() {
        assert_eq!(status.lag_events, 0, "{:?}", status.view);
        assert_eq!(status.events_applied, total_events, "{:?}", status.view);
    }
}

async fn a_rebuilt_view_equals_the_incrementally_maintained_one_after_a_long_random_history(
    backend: Backend,
) {
    let store = TestStore::new(backend).await;
    let ledger = store.ledger();
    let seed = std::env::var("PACTA_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    println!("random history seed {seed} (set PACTA_TEST_SEED to replay it)");
    let mut walk = Walk {
        rng: fastrand::Rng::with_seed(seed),
        round: 0,
    };
    for id in NEGOTIATIONS {
        ledger.execute(id, open(id)).await.unwrap();
    }
    // One long-lived projector (the service's), and now and then a fresh one (a CLI process),
    // each catching up at random moments with random batch sizes.
    // It keeps at most one negotiation's fold between batches, so the walk's three negotiations
    // keep evicting each other.
    let mut long_lived = Projector::new(store.database.clone()).with_max_cached_folds(1);
    // The service's recent histories, read now and then, so each grows by the acts recorded
    // since; room for two, so the three negotiations evict each other.
    let reader = pacta_ledger::Ledger::on(&store.database).keeping_recent_histories(10_000, 2);
    // The service itself, acting and reading: its histories grow by its own acts as they commit
    // and by the other writer's acts when read.
    let service = Ledger(
        pacta_ledger::Ledger::on(&store.database)
            .keeping_verified_states(2)
            .keeping_recent_histories(10_000, 2),
    );
    // The service's draft caches, with room for two drafts' clauses, so they evict each other.
    let drafts = DraftCaches::new(20_000);
    let mut recorded = 0;
    for _ in 0..RANDOM_COMMANDS {
        let id = NEGOTIATIONS[walk.rng.usize(..NEGOTIATIONS.len())];
        let command = walk.command(&replay(&ledger, id).await);
        let writer = if walk.rng.bool() { &ledger } else { &service };
        if writer.execute(id, command).await.is_ok() {
            recorded += 1;
        }
        match walk.rng.u8(..8) {
            0 => {
                let batch = walk.rng.usize(1..40);
                let mut fresh = Projector::new(store.database.clone())
                    .with_batch_events(batch)
                    .with_max_cached_folds(walk.rng.usize(0..3));
                fresh.catch_up(|_| {}).await.unwrap();
            }
            1 | 2 => {
                long_lived.catch_up(|_| {}).await.unwrap();
            }
            3 | 4 => {
                let read = NEGOTIATIONS[walk.rng.usize(..NEGOTIATIONS.len())];
                reader.recent(read).await.unwrap().expect("a whole chain");
                service
                    .0
                    .recent(read)
                    .await
                    .unwrap()
                    .expect("a whole chain");
                // The service's draft, from the clauses its last read of this one left.
                let held = ledger.0.current(read).await.unwrap();
                let (state, sequence) = (held.state(), held.head().sequence);
                assert_eq!(
                    drafts.json(read, state, sequence),
                    serde_json::to_string(&draft_of_state(read, state, sequence)).unwrap(),
                    "draft of {read} at {sequence}"
                );
            }
            _ => {}
        }
    }
    assert!(
        recorded > RANDOM_COMMANDS / 4,
        "the walk should record a long history, recorded {recorded}"
    );
    long_lived.catch_up_to_now().await.unwrap();
    assert_views_match_the_events(&store, &NEGOTIATIONS).await;
    let incremental = dump_views(&store.database).await;
    // The timeline the service answers from its recent histories is the stored one.
    for id in NEGOTIATIONS {
        let stored = views::timeline(&store.database, id).await.unwrap();
        for (who, ledger) in [("reader", &reader), ("service", &service.0)] {
            let recent = ledger.recent(id).await.unwrap().unwrap();
            let (entries, head) = (recent.timeline, recent.head);
            assert_eq!(head.sequence, stored.len(), "head of {id} for the {who}");
            assert_eq!(
                *entries, stored,
                "timeline of {id} from the {who}'s history"
            );
        }
    }

    let read = Projector::new(store.database.clone())
        .with_batch_events(97)
        .rebuild(&View::ALL, |_| {})
        .await
        .unwrap();
    assert_eq!(read, store.event_count().await as u64);
    assert_eq!(dump_views(&store.database).await, incremental);
    // Rebuilding one view leaves the others as they were and lands on the same rows.
    Projector::new(store.database.clone())
        .rebuild(&[View::Draft], |_| {})
        .await
        .unwrap();
    assert_eq!(dump_views(&store.database).await, incremental);
}

/// The service's draft of the present, rendered clause by clause from the clauses the draft
/// before it left (`DraftCaches`), is byte for byte the draft rendered whole, after every event
/// of the demo's negotiations: two and three authentic languages, translations, brackets,
/// positions, agreement, signature, entry into force and a revision.
async fn the_service_s_draft_rendered_clause_by_clause_is_the_whole_draft_after_every_event(
    backend: Backend,
) {
    let store = TestStore::new(backend).await;
    let ledger = store.ledger();
    pacta::demo::load(&ledger.0).await.unwrap();
    let drafts = DraftCaches::new(usize::MAX);
    for id in [pacta::demo::DEMO_NEGOTIATION, pacta::demo::DEMO_AGREEMENT] {
        let events = ledger.events(id).await.unwrap();
        let mut fold = NegotiationFold::new(id);
        for event in &events {
            fold.apply(event).unwrap();
            let whole = draft_of_state(id, fold.state(), event.sequence);
            assert_eq!(
                drafts.json(id, fold.state(), event.sequence),
                serde_json::to_string(&whole).unwrap(),
                "draft of {id} after event {} ({})",
                event.sequence,
                event.payload.name()
            );
        }
    }
}

/// Starts `pacta` with the given arguments and kills it (SIGKILL) once its act is committed and
/// before the views are updated.
fn kill_after_commit(store: &TestStore, args: &[&str]) {
    kill_at_failpoint(store, args, "after-commit-before-projection", 1);
}

fn lags(store: &TestStore) -> Vec<String> {
    // view, applied, lag, position
    stdout(&pacta(store, &["projections", "status"]))
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            format!("{} {}", fields[0], fields[2])
        })
        .collect()
}

async fn a_process_killed_between_commit_and_view_update_misses_nothing(backend: Backend) {
    let store = TestStore::new(backend).await;
    let neg = "civ-mar-kill";
    open_civ_mar(&store, neg, "Mémorandum d'entente", "mou");
    assert_eq!(
        lags(&store),
        [
            "access 0",
            "agreement 0",
            "draft 0",
            "index 0",
            "journal 0",
            "timeline 0"
        ]
    );
    let negotiation = crate::common::cli::Negotiation::new(&store, neg);
    kill_after_commit(
        &store,
        &negotiation.args("civ.head", "propose", &PROPOSE_OBJET),
    );
    // The opening, Morocco's acceptance, the proposal.
    assert_eq!(store.event_count().await, 3, "the act was committed");
    assert_eq!(
        lags(&store),
        [
            "access 1",
            "agreement 1",
            "draft 1",
            "index 1",
            "journal 1",
            "timeline 1"
        ],
        "the views missed it"
    );
    // The next command catches up before reading: the clause is there, exactly once.
    let draft: serde_json::Value =
        serde_json::from_str(&ok(&store, &["draft", neg, "--json"])).unwrap();
    assert_eq!(draft["clauses"][0]["clause_id"], "art-objet");
    assert_eq!(draft["as_of_sequence"], 3);
    let history: Vec<serde_json::Value> =
        serde_json::from_str(&ok(&store, &["history", neg, "--json"])).unwrap();
    assert_eq!(history.len(), 3);
    // Killed again, then a concurrent reader and a writer race to catch up: still exactly once.
    let comment = [
        "--clause",
        "art-objet",
        "--text",
        "Le Maroc propose d'ajouter la migration irrégulière.",
    ];
    kill_after_commit(&store, &negotiation.args("mar.head", "comment", &comment));
    let (a, b) = tokio::join!(
        tokio::task::spawn_blocking({
            let url = store.url.clone();
            move || {
                Command::new(env!("CARGO_BIN_EXE_pacta"))
                    .args(["--store", &url, "projections", "catch-up"])
                    .output()
                    .unwrap()
            }
        }),
        tokio::task::spawn_blocking({
            let url = store.url.clone();
            move || {
                Command::new(env!("CARGO_BIN_EXE_pacta"))
                    .args(["--store", &url, "history", neg, "--json"])
                    .output()
                    .unwrap()
            }
        }),
    );
    assert!(a.unwrap().status.success());
    let history_output = b.unwrap();
    assert!(history_output.status.success());
    let history: Vec<serde_json::Value> = serde_json::from_slice(&history_output.stdout).unwrap();
    assert_eq!(history.len(), 4);
    assert_views_match_the_events(&store, &[neg]).await;
}

async fn a_process_killed_during_a_rebuild_leaves_consistent_views(backend: Backend) {
    let store = TestStore::new(backend).await;
    ok(&store, &["demo"]);
    let events = store.event_count().await as u64;
    assert!(events >= 4, "the demo has events to stop between");
    // One event per batch, so the rebuild is stopped after exactly `nth - 1` or `nth` events: past
    // the nth batch's commit, or with the nth batch written but not committed (lost whole).
    let stops = [
        ("projector-batch-committed", 1, 1),
        ("projector-batch-committed", events / 2, events / 2),
        ("projector-batch-uncommitted", events / 2, events / 2 - 1),
        ("projector-batch-committed", events - 1, events - 1),
    ];
    let mut kept = 0;
    let rebuild = ["projections", "rebuild", "--batch-events", "1"];
    for (point, nth, applied) in stops {
        kill_at_failpoint(&store, &rebuild, point, nth);
        kept = applied;
        // Whatever it had done is whole: each rebuilt view's checkpoint counts exactly the
        // batches committed, its rows match it, and the journal was left alone.
        let timeline_rows = dump_views(&store.database)
            .await
            .keys()
            .filter(|(view, _, _)| view == "timeline")
            .count() as u64;
        let statuses = views::status(&store.database).await.unwrap();
        let timeline = statuses.iter().find(|s| s.view == View::Timeline).unwrap();
        assert!(
            (1..events).contains(&timeline.events_applied),
            "killed mid-rebuild at {point} #{nth}: {} of {events} events applied",
            timeline.events_applied
        );
        assert_eq!(timeline.events_applied, timeline_rows, "{point} #{nth}");
        for status in &statuses {
            let expected = if status.view == View::Journal {
                events
            } else {
                applied
            };
            assert_eq!(
                status.events_applied, expected,
                "{point} #{nth}: {status:?}"
            );
            assert_eq!(
                status.lag_events,
                events - expected,
                "{point} #{nth}: {status:?}"
            );
        }
    }
    // The next catch-up resumes from the checkpoints: it reads only what the killed rebuild had
    // not committed, and the views end with every event exactly once.
    assert_eq!(
        ok(&store, &["projections", "catch-up"]).trim(),
        format!("views up to date ({} events read)", events - kept)
    );
    let negotiations = store.database.aggregate_ids("Negotiation").await.unwrap();
    let negotiations: Vec<&str> = negotiations.iter().map(String::as_str).collect();
    assert_views_match_the_events(&store, &negotiations).await;
}

on_both_stores!(projections_commands_report_lag_and_refuse_unknown_views);

async fn projections_commands_report_lag_and_refuse_unknown_views(backend: Backend) {
    let store = TestStore::new(backend).await;
    ok(&store, &["demo"]);
    let events = store.event_count().await;
    let status = ok(&store, &["projections", "status"]);
    for view in [
        "index",
        "draft",
        "agreement",
        "timeline",
        "access",
        "journal",
    ] {
        let line = status
            .lines()
            .find(|l| l.starts_with(view))
            .unwrap_or_else(|| panic!("{view} missing from:\n{status}"));
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[1], events.to_string(), "{line}");
        assert_eq!(fields[2], "0", "{line}");
    }
    let rebuilt = ok(&store, &["projections", "rebuild", "timeline"]);
    assert!(
        rebuilt.starts_with(&format!("rebuilt timeline from {events} events")),
        "{rebuilt}"
    );
    let before = dump_views(&store.database).await;
    let output = pacta(&store, &["projections", "rebuild", "drafts"]);
    assert!(!output.status.success());
    let message = crate::common::cli::stderr(&output);
    assert_eq!(
        message.trim(),
        "pacta: no view is called 'drafts' (views: index, draft, agreement, timeline, access, journal)"
    );
    assert_eq!(dump_views(&store.database).await, before, "nothing rebuilt");
}

/// The service answers a clause's history from its recent history of the negotiation, each act
/// on the clause folded from the fold kept last before it; it is the one folded from the first
/// event, for clauses proposed before, across and after the folds kept, acted on again after
/// the later folds, and in a history that grew after it was first read.
async fn a_clause_history_from_a_recent_history_is_the_one_folded_from_the_first_event(
    backend: Backend,
) {
    let store = TestStore::new(backend).await;
    let ledger = store.ledger();
    let id = "civ-mar-long";
    ledger.execute(id, open(id)).await.unwrap();
    let reader = pacta_ledger::Ledger::on(&store.database).keeping_recent_histories(10_000, 4);
    let act = |action| NegotiationCommand {
        actor: "civ.head".into(),
        action,
        took_place: None,
    };
    // Two events a step: past two folds kept.
    let steps = FOLD_KEPT_EVERY_EVENTS + 20;
    for step in 0..steps {
        let proposal = Action::ProposeClause {
            clause_id: format!("art-{step}"),
            kind: ClauseKind::Article,
            heading: String::new(),
            language: "fr".into(),
            text: format!("Texte {step}."),
            after: None,
            before: None,
        };
        ledger.execute(id, act(proposal)).await.unwrap();
        let comment = Action::Comment {
            clause_id: Some(format!("art-{}", step.saturating_sub(1))),
            text: format!("Remarque {step}."),
            internal: false,
        };
        ledger.execute(id, act(comment)).await.unwrap();
        if step == steps / 2 {
            reader.recent(id).await.unwrap().expect("a whole chain");
        }
    }
    let half = FOLD_KEPT_EVERY_EVENTS / 2;
    for clause in [0, half] {
        let comment = Action::Comment {
            clause_id: Some(format!("art-{clause}")),
            text: "Remarque tardive.".into(),
            internal: false,
        };
        ledger.execute(id, act(comment)).await.unwrap();
    }
    let events = ledger.events(id).await.unwrap();
    assert!(events.len() > 2 * FOLD_KEPT_EVERY_EVENTS);
    let recent = reader.recent(id).await.unwrap().expect("a whole chain");
    for step in [
        0,
        1,
        half - 1,
        half,
        half + 1,
        FOLD_KEPT_EVERY_EVENTS,
        steps - 1,
    ] {
        let clause = format!("art-{step}");
        assert_eq!(
            recent.clause_history(&clause),
            clause_history(&events, &clause),
            "{clause}"
        );
    }
    assert_eq!(recent.clause_history("art-never"), None);
}
