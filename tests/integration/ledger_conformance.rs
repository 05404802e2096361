//! One conformance suite, run against both stores: append and reload, chain links, commit-order
//! reading, concurrent writers, and refusals that write nothing.

use std::collections::{BTreeSet, HashSet};
use std::sync::Arc;

use crate::common::{open_civ_mar_command, Backend, Ledger, TestStore};
use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};
use pacta_domain::{
    metadata, Action, ClauseKind, InstrumentKind, NegotiationCommand, NegotiationError, Role,
};
use pacta_ledger::store::{CommitCursor, CommittedEvent, Database};
use pacta_ledger::LedgerError;
use pacta_verify::chain::{self, GENESIS_HASH};

on_both_stores!(
    append_and_reload,
    a_command_id_is_bounded_and_printable,
    a_command_sent_again_under_its_id_is_recorded_once,
    chain_links_every_event_to_the_one_before,
    commit_order_reader_returns_every_event_once_in_order,
    sixteen_writers_on_one_negotiation_get_every_sequence_exactly_once,
    a_refused_command_writes_nothing,
    the_database_refuses_updates_and_deletes,
    two_ledgers_on_one_store_build_on_each_others_acts,
);

fn command(actor: &str, action: Action) -> NegotiationCommand {
    NegotiationCommand {
        actor: actor.into(),
        action,
        took_place: None,
    }
}

fn open(negotiation_id: &str) -> NegotiationCommand {
    let title = "Accord de coopération dans le domaine de l'enseignement supérieur";
    open_civ_mar_command(
        negotiation_id,
        title,
        InstrumentKind::Agreement,
        &["fr", "ar"],
    )
}

fn comment(actor: &str, text: String) -> NegotiationCommand {
    command(
        actor,
        Action::Comment {
            clause_id: None,
            text,
            internal: false,
        },
    )
}

/// Every stored event, in commit order. On PostgreSQL a page can come back empty while any
/// transaction on the server (another test's, say) holds the visibility horizon, so this reads
/// until it has as many events as the table holds.
async fn read_all(store: &TestStore) -> Vec<CommittedEvent> {
    const MAX_EMPTY_PAGES: usize = 2_000;
    let expected = store.event_count().await as usize;
    let mut cursor = CommitCursor::default();
    let mut all = Vec::new();
    let mut empty_pages = 0;
    while all.len() < expected {
        let page = store
            .database
            .read_committed(cursor, 7)
            .await
            .expect("read in commit order");
        let Some(last) = page.last() else {
            empty_pages += 1;
            assert!(
                empty_pages < MAX_EMPTY_PAGES,
                "the reader stalled at {} of {expected} events",
                all.len()
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            continue;
        };
        cursor = last.cursor;
        all.extend(page);
    }
    all
}

async fn append_and_reload(backend: Backend) {
    let store = TestStore::new(backend).await;
    let ledger = store.ledger();
    let recorded = ledger.record_demo().await;

    // A new connection pool sees exactly what the first recorded, rebuilt from storage.
    let reconnected = Database::connect(&store.url).await.unwrap();
    let events = Ledger::on(&reconnected)
        .events(DEMO_NEGOTIATION)
        .await
        .unwrap();
    assert_eq!(events.len(), recorded);
    assert_eq!(
        events.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        (1..=recorded).collect::<Vec<_>>()
    );
    for event in &events {
        for key in [
            metadata::RECORDED_AT,
            metadata::ACTOR,
            metadata::PARTY,
            metadata::ROLE,
            metadata::COMMAND_ID,
            metadata::PREV_HASH,
            metadata::HASH,
        ] {
            assert!(
                event.metadata.contains_key(key),
                "event {} lacks {key}",
                event.sequence
            );
        }
    }
    let draft = pacta_projections::draft(DEMO_NEGOTIATION, &events);
    assert_eq!(draft.clauses.len(), 6);
    let head = ledger.verify(DEMO_NEGOTIATION).await.unwrap();
    assert_eq!(head.sequence, recorded);
    assert_eq!(
        hex::encode(head.hash),
        events.last().unwrap().metadata[metadata::HASH]
    );
}

async fn chain_links_every_event_to_the_one_before(backend: Backend) {
    let store = TestStore::new(backend).await;
    let recorded = store.ledger().record_demo_story().await;
    let stored: Vec<_> = read_all(&store)
        .await
        .into_iter()
        .map(|c| c.event)
        .collect();
    // Each negotiation has a chain of its own, from the genesis hash.
    for (negotiation, count) in [
        (DEMO_NEGOTIATION, recorded.mou),
        (DEMO_AGREEMENT, recorded.agreement),
    ] {
        let chain: Vec<_> = stored
            .iter()
            .filter(|e| e.aggregate_id == negotiation)
            .cloned()
            .collect();
        assert_eq!(chain.len(), count, "{negotiation}");
        let mut prev = hex::encode(GENESIS_HASH);
        for event in &chain {
            assert_eq!(
                event.metadata[metadata::PREV_HASH],
                prev.as_str(),
                "{negotiation} event {}",
                event.sequence
            );
            prev = event.metadata[metadata::HASH].as_str().unwrap().to_string();
        }
        // The chain recomputed from what the database returns (PostgreSQL re-serialises jsonb).
        chain::verify_stream(negotiation, &chain).expect("stored events verify");
    }
}

async fn commit_order_reader_returns_every_event_once_in_order(backend: Backend) {
    const NEGOTIATIONS: usize = 8;
    const COMMENTS_EACH: usize = 12;
    let store = TestStore::new(backend).await;
    let ledger = Arc::new(store.ledger());
    for n in 0..NEGOTIATIONS {
        ledger
            .execute(&format!("neg-{n}"), open(&format!("neg-{n}")))
            .await
            .unwrap();
    }
    // Writers on eight negotiations at once while a reader follows the commit order.
    let writers: Vec<_> = (0..NEGOTIATIONS)
        .map(|n| {
            let ledger = Arc::clone(&ledger);
            tokio::spawn(async move {
                for i in 0..COMMENTS_EACH {
                    let actor = if i % 2 == 0 { "civ.head" } else { "mar.head" };
                    ledger
                        .execute(&format!("neg-{n}"), comment(actor, format!("comment {i}")))
                        .await
                        .unwrap();
                }
            })
        })
        .collect();
    let database = store.database.clone();
    let reader = tokio::spawn(async move {
        let mut cursor = CommitCursor::default();
        let mut seen = Vec::new();
        // Each negotiation: its opening, Morocco's acceptance, the comments.
        let expected = NEGOTIATIONS * (COMMENTS_EACH + 2);
        for _ in 0..10_000 {
            let page = database.read_committed(cursor, 5).await.unwrap();
            for event in &page {
                assert!(event.cursor > cursor, "the reader never goes backwards");
                cursor = event.cursor;
            }
            seen.extend(
                page.into_iter()
                    .map(|c| (c.event.aggregate_id, c.event.sequence)),
            );
            if seen.len() >= expected {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        seen
    });
    for writer in writers {
        writer.await.unwrap();
    }
    let seen = reader.await.unwrap();

    let expected: BTreeSet<(String, usize)> = (0..NEGOTIATIONS)
        .flat_map(|n| (1..=COMMENTS_EACH + 2).map(move |s| (format!("neg-{n}"), s)))
        .collect();
    assert_eq!(seen.len(), expected.len(), "every event exactly once");
    assert_eq!(seen.iter().cloned().collect::<BTreeSet<_>>(), expected);

    // Within a negotiation, commit order is sequence order.
    let all = read_all(&store).await;
    for n in 0..NEGOTIATIONS {
        let id = format!("neg-{n}");
        let sequences: Vec<usize> = all
            .iter()
            .filter(|c| c.event.aggregate_id == id)
            .map(|c| c.event.sequence)
            .collect();
        assert_eq!(sequences, (1..=COMMENTS_EACH + 2).collect::<Vec<_>>());
    }
    let positions: Vec<i64> = all.iter().map(|c| c.cursor.global_position).collect();
    assert_eq!(
        positions.iter().collect::<HashSet<_>>().len(),
        positions.len(),
        "positions are unique"
    );
}

async fn sixteen_writers_on_one_negotiation_get_every_sequence_exactly_once(backend: Backend) {
    const WRITERS: usize = 16;
    const COMMANDS_EACH: usize = 5;
    let store = TestStore::new(backend).await;
    let ledger = Arc::new(store.ledger());
    ledger.execute("race", open("race")).await.unwrap();
    ledger.accredit_writers("race", WRITERS).await;
    let before = store.event_count().await as usize;
    let barrier = Arc::new(tokio::sync::Barrier::new(WRITERS));
    let tasks: Vec<_> = (0..WRITERS)
        .map(|w| {
            let ledger = Arc::clone(&ledger);
            let barrier = Arc::clone(&barrier);
            tokio::spawn(async move {
                barrier.wait().await;
                let mut outcomes = Vec::new();
                for i in 0..COMMANDS_EACH {
                    outcomes.push(
                        ledger
                            .execute("race", comment(&format!("writer-{w}"), format!("{w}/{i}")))
                            .await,
                    );
                }
                outcomes
            })
        })
        .collect();
    let mut accepted = 0;
    for task in tasks {
        for outcome in task.await.unwrap() {
            match outcome {
                Ok(events) => accepted += events.len(),
                Err(other) => {
                    panic!("a lost race must be retried or refused as a conflict, not: {other}")
                }
            }
        }
    }
    assert_eq!(
        accepted,
        WRITERS * COMMANDS_EACH,
        "every lost race was retried until it won"
    );
    let events = ledger
        .events("race")
        .await
        .expect("the chain is intact after the race");
    assert_eq!(
        events.len(),
        before + accepted,
        "refused commands wrote nothing"
    );
    assert_eq!(
        events.iter().map(|e| e.sequence).collect::<Vec<_>>(),
        (1..=events.len()).collect::<Vec<_>>(),
        "every sequence exactly once"
    );
    let texts: HashSet<String> = events
        .iter()
        .filter_map(|e| match &e.payload {
            pacta_domain::NegotiationEvent::Commented { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(texts.len(), accepted, "no comment recorded twice");
}

async fn a_refused_command_writes_nothing(backend: Backend) {
    let store = TestStore::new(backend).await;
    let ledger = store.ledger();
    ledger.record_demo().await;
    // Refusals of changes to a clause need a text still open: one tabled in its own negotiation.
    const DRAFTING: &str = "drafting";
    const ART_1: &str = "Les Parties encouragent la mobilité des étudiants.";
    ledger.execute(DRAFTING, open(DRAFTING)).await.unwrap();
    let tabled = Action::ProposeClause {
        clause_id: "art-1".into(),
        kind: ClauseKind::Article,
        heading: "Mobilité".into(),
        language: "fr".into(),
        text: ART_1.into(),
        after: None,
        before: None,
    };
    ledger
        .execute(DRAFTING, command("civ.head", tabled))
        .await
        .unwrap();
    let before = store.event_count().await;

    let stale = ledger
        .execute(
            DRAFTING,
            command(
                "mar.head",
                Action::AgreeClause {
                    clause_id: "art-1".into(),
                    text_hash: "0".repeat(64),
                    ad_referendum: false,
                },
            ),
        )
        .await;
    assert!(
        matches!(
            stale,
            Err(LedgerError::Refused {
                reason: NegotiationError::StaleTextHash { .. },
                ..
            })
        ),
        "{stale:?}"
    );

    let wrong_party = ledger
        .execute(
            DEMO_NEGOTIATION,
            command(
                "youssef.benali",
                Action::AccreditDelegate {
                    person: "impostor".into(),
                    name: "Impostor".into(),
                    party: "CIV".into(),
                    role: Role::Signatory,
                    signing: None,
                },
            ),
        )
        .await;
    assert!(matches!(
        wrong_party,
        Err(LedgerError::Refused {
            reason: NegotiationError::WrongParty { .. },
            ..
        })
    ));

    let oversized = ledger
        .execute(
            DRAFTING,
            command(
                "mar.head",
                Action::AmendClause {
                    clause_id: "art-1".into(),
                    base_text_hash: pacta_domain::clause_text_hash("Mobilité", "fr", ART_1),
                    heading: Some("Mobilité".into()),
                    language: "fr".into(),
                    text: "x".repeat(pacta_domain::limits::MAX_CLAUSE_TEXT_BYTES + 1),
                },
            ),
        )
        .await;
    assert!(matches!(
        oversized,
        Err(LedgerError::Refused {
            reason: NegotiationError::ClauseTextTooLong { .. },
            ..
        })
    ));

    let frozen_text_hash = pacta_projections::draft(
        DEMO_NEGOTIATION,
        &ledger.events(DEMO_NEGOTIATION).await.unwrap(),
    )
    .clauses
    .into_iter()
    .find(|c| c.clause_id == "art-donnees")
    .unwrap()
    .text_hash;
    let frozen = ledger
        .execute(
            DEMO_NEGOTIATION,
            command(
                "youssef.benali",
                Action::AgreeClause {
                    clause_id: "art-donnees".into(),
                    text_hash: frozen_text_hash,
                    ad_referendum: false,
                },
            ),
        )
        .await;
    assert!(
        matches!(
            frozen,
            Err(LedgerError::Refused {
                reason: NegotiationError::TextFrozen,
                ..
            })
        ),
        "the demo's adopted text can no longer change: {frozen:?}"
    );

    let unknown = ledger
        .execute("no-such-negotiation", comment("amina.kone", "?".into()))
        .await;
    assert!(
        matches!(unknown, Err(LedgerError::UnknownNegotiation(ref id)) if id == "no-such-negotiation")
    );

    let misaddressed = ledger.execute("other-id", open("race")).await;
    assert!(matches!(
        misaddressed,
        Err(LedgerError::WrongNegotiation { .. })
    ));

    assert_eq!(
        store.event_count().await,
        before,
        "refused commands left the ledger untouched"
    );
}

async fn the_database_refuses_updates_and_deletes(backend: Backend) {
    let store = TestStore::new(backend).await;
    store.ledger().record_demo().await;
    let update = store
        .raw_refused("UPDATE events SET event_type = 'Forged' WHERE sequence = 2")
        .await;
    assert!(update.contains("append-only"), "{update}");
    let delete = store
        .raw_refused("DELETE FROM events WHERE sequence = 2")
        .await;
    assert!(delete.contains("append-only"), "{delete}");
    let bulk = match backend {
        Backend::Postgres => store.raw_refused("TRUNCATE events").await,
        Backend::Sqlite => {
            store
                .raw_refused(
                    "INSERT OR REPLACE INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
                     SELECT aggregate_type, aggregate_id, sequence, 'Forged', event_version, payload, metadata FROM events WHERE sequence = 2",
                )
                .await
        }
    };
    assert!(bulk.contains("append-only"), "{bulk}");
    store.ledger().verify(DEMO_NEGOTIATION).await.unwrap();
}

async fn two_ledgers_on_one_store_build_on_each_others_acts(backend: Backend) {
    let store = TestStore::new(backend).await;
    // Two processes' ledgers: each remembers what it verified, and must still see the other's acts.
    let first = store.ledger();
    let second = Ledger::on(&Database::connect(&store.url).await.unwrap());
    first.execute("shared", open("shared")).await.unwrap();
    for round in 0..3 {
        let by_second = second
            .execute("shared", comment("mar.head", format!("second {round}")))
            .await
            .unwrap();
        let by_first = first
            .execute("shared", comment("civ.head", format!("first {round}")))
            .await
            .unwrap();
        assert_eq!(by_first[0].sequence, by_second[0].sequence + 1);
        assert_eq!(
            by_first[0].metadata[metadata::PREV_HASH],
            by_second[0].metadata[metadata::HASH]
        );
    }
    // The opening, Morocco's acceptance, six comments.
    assert_eq!(first.verify("shared").await.unwrap().sequence, 8);
}

async fn a_command_id_is_bounded_and_printable(backend: Backend) {
    let store = TestStore::new(backend).await;
    let ledger = store.ledger();
    ledger.execute("ids", open("ids")).await.unwrap();
    let before = store.event_count().await;
    for bad in [
        "",
        "with space",
        "line\nbreak",
        &"x".repeat(pacta_ledger::MAX_COMMAND_ID_BYTES + 1),
    ] {
        let refused = ledger
            .execute_with_id("ids", comment("civ.head", "hello".into()), bad)
            .await;
        assert!(
            matches!(refused, Err(LedgerError::InvalidCommandId(_))),
            "{bad:?}: {refused:?}"
        );
    }
    assert_eq!(store.event_count().await, before);
    let events = ledger
        .execute_with_id("ids", comment("civ.head", "hello".into()), "client-42")
        .await
        .unwrap();
    assert_eq!(events[0].metadata[metadata::COMMAND_ID], "client-42");
}

/// A retry under the same command id returns the original events and appends nothing, even when
/// the copies race; the same id on a different command is refused and appends nothing.
async fn a_command_sent_again_under_its_id_is_recorded_once(backend: Backend) {
    let store = TestStore::new(backend).await;
    let ledger = store.ledger();
    ledger.execute("retry", open("retry")).await.unwrap();
    let hello = || comment("civ.head", "hello".into());
    let first = ledger
        .execute_with_id("retry", hello(), "client-7")
        .await
        .unwrap();
    let after_first = store.event_count().await;
    let again = ledger
        .execute_with_id("retry", hello(), "client-7")
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].sequence, first[0].sequence);
    assert_eq!(
        again[0].metadata[metadata::HASH],
        first[0].metadata[metadata::HASH]
    );
    let other = ledger
        .execute_with_id("retry", comment("civ.head", "bye".into()), "client-7")
        .await;
    assert!(
        matches!(other, Err(LedgerError::CommandIdReused { .. })),
        "{other:?}"
    );
    assert_eq!(store.event_count().await, after_first);

    let (a, b, c, d) = tokio::join!(
        ledger.execute_with_id("retry", hello(), "client-8"),
        ledger.execute_with_id("retry", hello(), "client-8"),
        ledger.execute_with_id("retry", hello(), "client-8"),
        ledger.execute_with_id("retry", hello(), "client-8"),
    );
    let sequences: Vec<usize> = [a, b, c, d]
        .into_iter()
        .map(|copy| copy.unwrap()[0].sequence)
        .collect();
    assert!(
        sequences.iter().all(|s| *s == sequences[0]),
        "{sequences:?}"
    );
    assert_eq!(store.event_count().await, after_first + 1);
}

/// The PostgreSQL reader never passes an event whose transaction commits after a later one:
/// T1 draws a position and stays open, T2 draws the next and commits, the reader reads; then T1
/// commits and the reader must still return its event, before T2's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_postgres_reader_waits_for_a_transaction_that_commits_late() {
    use sqlx::Connection;
    let store = TestStore::new(Backend::Postgres).await;
    let Database::Postgres(pool, _) = &store.database else {
        unreachable!()
    };
    let insert = |sequence: i64| {
        format!(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
             VALUES ('Negotiation', 'late-{sequence}', 1, 'Commented', '1', '{{}}', '{{}}')"
        )
    };
    let mut first = pool.acquire().await.unwrap();
    let mut t1 = first.begin().await.unwrap();
    sqlx::query(&insert(1)).execute(&mut *t1).await.unwrap();
    let mut second = pool.acquire().await.unwrap();
    let mut t2 = second.begin().await.unwrap();
    sqlx::query(&insert(2)).execute(&mut *t2).await.unwrap();
    t2.commit().await.unwrap();

    let while_t1_open = store
        .database
        .read_committed(CommitCursor::default(), 10)
        .await
        .unwrap();
    assert!(
        while_t1_open.is_empty(),
        "nothing may be read past an open transaction: {while_t1_open:?}"
    );
    t1.commit().await.unwrap();

    let after = read_all(&store).await;
    let ids: Vec<&str> = after
        .iter()
        .map(|c| c.event.aggregate_id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["late-1", "late-2"],
        "the late commit is read, in transaction order"
    );
    assert!(after[0].cursor.global_position < after[1].cursor.global_position);
    // Hand the connections back before the store closes its pool.
    first.close().await.unwrap();
    second.close().await.unwrap();
}
