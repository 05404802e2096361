//! The projector's batches, pipelined (each folded while the one before commits and the ones
//! after are read, hashed and decoded ahead) and written in bulk: whatever the batch size, the
//! stored views are the ones an event-at-a-time catch-up writes, the journal holds one leaf per
//! event in commit order with its verified hash (and a frontier per batch that its leaves give),
//! and a tampered event stops a catch-up or a rebuild with the integrity error its chain gives,
//! every batch before it committed and nothing after it written.

use crate::common::{dump_views, open_civ_mar_command, Backend, TestStore};
use pacta_domain::{Action, ClauseKind, InstrumentKind, NegotiationCommand};
use pacta_ledger::store::{CommitCursor, CommittedEvent, Database};
use pacta_ledger::views::{self, Projector, View, ViewError};
use pacta_projections::{draft, history, Draft};
use pacta_verify::chain::{self, ChainProblem};
use pacta_verify::journal::Frontier;

on_both_stores!(
    batches_of_every_size_write_what_an_event_at_a_time_catch_up_writes,
    a_tampered_event_stops_the_projector_after_the_batches_before_it,
    a_catch_up_to_a_position_stops_at_the_batch_that_reaches_it,
);

const NEGOTIATIONS: [&str; 3] = ["pipe-a", "pipe-b", "pipe-c"];
/// Acts per negotiation, recorded in turn so that every batch mixes the negotiations.
const ACTS: usize = 30;
/// What every comment says, and what the tampering changes.
const OBSERVATION: &str = "Observation";

fn act(action: Action) -> NegotiationCommand {
    NegotiationCommand {
        actor: "civ.head".into(),
        action,
        took_place: None,
    }
}

/// Three negotiations whose acts (clauses proposed, comments) alternate in commit order.
async fn interleaved_history(store: &TestStore) {
    let ledger = store.ledger();
    for id in NEGOTIATIONS {
        let title = format!("Accord {id}");
        let open = open_civ_mar_command(id, &title, InstrumentKind::Mou, &["fr"]);
        ledger.execute(id, open).await.unwrap();
    }
    for turn in 0..ACTS {
        for id in NEGOTIATIONS {
            let action = if turn % 3 == 0 {
                Action::ProposeClause {
                    clause_id: format!("art-{turn}"),
                    kind: ClauseKind::Article,
                    heading: format!("Article {turn}"),
                    language: "fr".into(),
                    text: format!("Les Parties coopèrent ({id}, {turn})."),
                    after: None,
                    before: None,
                }
            } else {
                Action::Comment {
                    clause_id: None,
                    text: format!("{OBSERVATION} {turn} sur {id}"),
                    internal: false,
                }
            };
            ledger.execute(id, act(action)).await.unwrap();
        }
    }
}

/// Every committed event, in commit order.
async fn committed(database: &Database) -> Vec<CommittedEvent> {
    database
        .read_committed(CommitCursor::default(), usize::MAX)
        .await
        .unwrap()
}

/// The journal holds the first `size` events in commit order, each as a leaf with its negotiation,
/// sequence and chain hash, and every stored frontier is the one its first leaves give.
async fn assert_journal_holds(database: &Database, events: &[CommittedEvent], size: usize) {
    let leaves = database.journal_leaf_rows().await.unwrap();
    assert_eq!(leaves.len(), size, "one leaf per event journaled");
    let mut hashes = Vec::new();
    for (index, (leaf, committed)) in leaves.iter().zip(events).enumerate() {
        let hash = chain::hash_field(&committed.event).expect("a sealed event");
        assert_eq!(leaf.leaf_index, index as u64);
        assert_eq!(leaf.negotiation_id, committed.event.aggregate_id);
        assert_eq!(leaf.sequence, committed.event.sequence as u64);
        assert_eq!(leaf.chain_hash, hex::encode(hash), "leaf {index}");
        hashes.push(hash);
    }
    let frontiers = database.journal_frontiers().await.unwrap();
    assert_eq!(frontiers.last().map(|(size, _)| *size), Some(size as u64));
    for (tree_size, nodes) in frontiers {
        let mut expected = Frontier::default();
        for hash in &hashes[..tree_size as usize] {
            expected.push(hash);
        }
        assert_eq!(nodes, expected.nodes_hex(), "frontier at {tree_size}");
    }
}

/// Every view but the journal covers the first `applied` events in commit order.
async fn assert_views_cover(database: &Database, applied: u64, total: u64) {
    for status in views::status(database).await.unwrap() {
        if status.view != View::Journal {
            assert_eq!(status.events_applied, applied, "{:?}", status.view);
            assert_eq!(status.lag_events, total - applied, "{:?}", status.view);
        }
    }
}

async fn batches_of_every_size_write_what_an_event_at_a_time_catch_up_writes(backend: Backend) {
    let store = TestStore::new(backend).await;
    interleaved_history(&store).await;
    let database = &store.database;
    let events = committed(database).await;
    let total = events.len() as u64;

    // The journal and the views follow in batches of 7, keeping one negotiation's fold between
    // batches, so the three negotiations keep evicting each other.
    let read = Projector::new(database.clone())
        .with_batch_events(7)
        .with_max_cached_folds(1)
        .catch_up(|_| {})
        .await
        .unwrap();
    assert_eq!(read, total);
    assert_journal_holds(database, &events, events.len()).await;
    let in_batches = dump_views(database).await;

    // The plainest rebuild: one event per transaction, nothing kept between them.
    Projector::new(database.clone())
        .with_batch_events(1)
        .with_max_cached_folds(0)
        .rebuild(&View::ALL, |_| {})
        .await
        .unwrap();
    let one_at_a_time = dump_views(database).await;
    assert_eq!(in_batches, one_at_a_time);
    let ledger = store.ledger();
    for id in NEGOTIATIONS {
        let history_of = ledger.events(id).await.unwrap();
        let stored: Draft = views::document(database, View::Draft, id)
            .await
            .unwrap()
            .expect("a stored draft");
        assert_eq!(stored, draft(id, &history_of), "draft of {id}");
        assert_eq!(
            views::timeline(database, id).await.unwrap(),
            history(&history_of)
        );
    }

    for batch in [2, 64, views::CATCH_UP_BATCH_EVENTS] {
        let mut batches = Vec::new();
        let read = Projector::new(database.clone())
            .with_batch_events(batch)
            .rebuild(&View::ALL, |events| batches.push(events))
            .await
            .unwrap();
        assert_eq!(read, total, "batches of {batch}");
        let expected: Vec<u64> = (0..total)
            .step_by(batch)
            .map(|start| (total - start).min(batch as u64))
            .collect();
        assert_eq!(batches, expected, "each batch reported once, in order");
        assert_eq!(
            dump_views(database).await,
            one_at_a_time,
            "batches of {batch}"
        );
        assert_views_cover(database, total, total).await;
    }
    // A rebuild while another projector catches up (another process): they take turns on the
    // checkpoints' lock, and each writes a batch only on the checkpoints it folded it on, so
    // every event is applied once whoever applies it.
    let mut rebuilder = Projector::new(database.clone()).with_batch_events(3);
    let rebuilding = rebuilder.rebuild(&View::ALL, |_| {});
    let catching_up = async {
        let mut other = Projector::new(database.clone()).with_batch_events(4);
        for _ in 0..3 {
            other.catch_up(|_| {}).await?;
            tokio::task::yield_now().await;
        }
        Ok::<_, ViewError>(())
    };
    let (rebuilt, caught_up) = tokio::join!(rebuilding, catching_up);
    rebuilt.unwrap();
    caught_up.unwrap();
    assert_eq!(dump_views(database).await, one_at_a_time);
    assert_views_cover(database, total, total).await;
    // Rebuilds never touch the journal.
    assert_journal_holds(database, &events, events.len()).await;
}

/// A reader catching up to the position it arrived at does not chase the acts committed after
/// it: under a steady stream of acts it would never return, writing every document again batch
/// after batch.
async fn a_catch_up_to_a_position_stops_at_the_batch_that_reaches_it(backend: Backend) {
    const BATCH: usize = 4;
    const ARRIVED_AFTER: usize = 10;
    let store = TestStore::new(backend).await;
    interleaved_history(&store).await;
    let database = &store.database;
    let events = committed(database).await;
    let total = events.len() as u64;
    let arrived_at = events[ARRIVED_AFTER - 1].cursor.global_position;

    let mut projector = Projector::new(database.clone()).with_batch_events(BATCH);
    let applied = projector.catch_up_to(arrived_at).await.unwrap();
    // The batches up to and including the one holding the 10th event: 4, 8, 12.
    let reaching = ARRIVED_AFTER.div_ceil(BATCH) * BATCH;
    assert_eq!(applied, reaching as u64);
    assert_views_cover(database, applied, total).await;

    // Up to the last position: everything.
    let last = events.last().unwrap().cursor.global_position;
    let rest = projector.catch_up_to(last).await.unwrap();
    assert_eq!(applied + rest, total);
    assert_views_cover(database, total, total).await;
    assert_eq!(projector.catch_up_to(last).await.unwrap(), 0);
}

async fn a_tampered_event_stops_the_projector_after_the_batches_before_it(backend: Backend) {
    const BATCH: usize = 5;
    let store = TestStore::new(backend).await;
    interleaved_history(&store).await;
    let database = &store.database;
    let events = committed(database).await;
    let total = events.len() as u64;
    // A comment two thirds of the way through the commit order: the projector meets it in a
    // batch it folds while the one before it commits.
    let (before, target) = events
        .iter()
        .enumerate()
        .skip(events.len() * 2 / 3)
        .find(|(_, e)| e.event.event_type == "Commented")
        .map(|(index, e)| (index, e.event.clone()))
        .expect("a comment late in the history");
    store
        .tamper_events(
            "payload",
            (OBSERVATION, "Observatoin"),
            &format!(
                "aggregate_id = '{}' AND sequence = {}",
                target.aggregate_id, target.sequence
            ),
        )
        .await;
    // The error the chain itself gives, as `pacta verify` would report it.
    let stored = database
        .read_stream_before(&target.aggregate_id, usize::MAX)
        .await
        .unwrap();
    let expected = chain::verify_stream(&target.aggregate_id, &stored).unwrap_err();
    assert_eq!(expected.sequence, target.sequence);
    assert!(matches!(
        expected.problem,
        ChainProblem::ContentAltered { .. }
    ));
    let committed_before = ((before / BATCH) * BATCH) as u64;

    // A first catch-up: the journal and the views stop at the same batch.
    let caught_up = Projector::new(database.clone())
        .with_batch_events(BATCH)
        .catch_up(|_| {})
        .await;
    match caught_up {
        Err(ViewError::Integrity(error)) => assert_eq!(error, expected),
        other => panic!("the catch-up must stop on the tampered event, got {other:?}"),
    }
    assert_views_cover(database, committed_before, total).await;
    assert_journal_holds(database, &events, committed_before as usize).await;

    // A rebuild stops at the same place with the same error, whatever its batches; the journal,
    // never rebuilt, follows wherever the rebuild takes the events past it.
    let mut journaled = committed_before;
    for batch in [BATCH, 1, events.len() + 1] {
        let rebuilt = Projector::new(database.clone())
            .with_batch_events(batch)
            .rebuild(&View::ALL, |_| {})
            .await;
        let Err(error) = rebuilt else {
            panic!("the rebuild must stop on the tampered event");
        };
        assert!(
            error
                .to_string()
                .contains("the views stay at their last checkpoint, before this event"),
            "{error}"
        );
        match error {
            ViewError::Integrity(error) => assert_eq!(error, expected, "batches of {batch}"),
            other => panic!("expected an integrity error, got {other:?}"),
        }
        let applied = ((before / batch) * batch) as u64;
        assert_views_cover(database, applied, total).await;
        let timeline_rows: usize = {
            let mut rows = 0;
            for id in NEGOTIATIONS {
                rows += views::timeline(database, id).await.unwrap().len();
            }
            rows
        };
        assert_eq!(timeline_rows as u64, applied, "batches of {batch}");
        journaled = journaled.max(applied);
        assert_journal_holds(database, &events, journaled as usize).await;
    }
    assert_eq!(
        journaled, before as u64,
        "the journal stops before the tampered event"
    );
}
