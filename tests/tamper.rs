//! Tampering with stored events, as someone with direct database access could, on both stores:
//! `verify` names the negotiation and the first broken sequence, and the ledger refuses to act
//! on the damaged negotiation.

mod common;

use common::{Backend, TestStore};
use pacta::chain::ChainProblem;
use pacta::demo::DEMO_NEGOTIATION;
use pacta::ledger::LedgerError;
use pacta_domain::{Action, NegotiationCommand, NegotiationEvent};

on_both_stores!(
    a_changed_byte_in_a_payload_is_caught,
    a_changed_byte_in_metadata_is_caught,
    an_event_deleted_from_the_middle_is_caught,
    two_swapped_events_are_caught,
    a_history_cut_short_is_caught_against_a_kept_head,
    a_running_ledger_refuses_a_history_changed_under_it,
);

/// Article "Objet" is proposed at sequence 9 of the demo story, by koffi.yao.
const TARGET: usize = 9;

fn where_target(sequence: usize) -> String {
    format!("aggregate_id = '{DEMO_NEGOTIATION}' AND sequence = {sequence}")
}

async fn tampered(backend: Backend, postgres_sql: &str, sqlite_sql: &str) -> TestStore {
    let store = TestStore::new(backend).await;
    store.ledger().record_demo().await;
    let events = store
        .ledger()
        .events(DEMO_NEGOTIATION)
        .await
        .expect("intact before the attack");
    assert!(
        matches!(&events[TARGET - 1].payload,
            NegotiationEvent::ClauseProposed { clause_id, .. } if clause_id == "art-objet"),
        "the attacks target the proposal of art-objet; update TARGET if the demo story changed"
    );
    match backend {
        // The attacker owns the database and lifts the append-only guard first.
        Backend::Postgres => {
            store
                .raw("ALTER TABLE events DISABLE TRIGGER events_append_only")
                .await;
            store.raw(postgres_sql).await;
        }
        Backend::Sqlite => {
            store.raw("DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete").await;
            store.raw(sqlite_sql).await;
        }
    }
    store
}

/// The ledger's verification, the CLI's `verify`, and command execution all name the damage.
async fn assert_caught(store: &TestStore, sequence: usize, expected: fn(&ChainProblem) -> bool) {
    let ledger = store.ledger();
    match ledger.verify(DEMO_NEGOTIATION).await {
        Err(LedgerError::Integrity(error)) => {
            assert_eq!(error.aggregate_id, DEMO_NEGOTIATION);
            assert_eq!(error.sequence, sequence, "{error}");
            assert!(expected(&error.problem), "unexpected finding: {error}");
        }
        other => panic!("verify must fail with an integrity error, got {other:?}"),
    }

    let before = store.event_count().await;
    let command = NegotiationCommand {
        actor: "amina.kone".into(),
        action: Action::Comment {
            clause_id: None,
            text: "Acting on a damaged history".into(),
            internal: false,
        },
    };
    let refused = ledger.execute(DEMO_NEGOTIATION, command).await;
    assert!(
        matches!(refused, Err(LedgerError::Integrity(_))),
        "{refused:?}"
    );
    assert!(matches!(
        ledger.events(DEMO_NEGOTIATION).await,
        Err(LedgerError::Integrity(_))
    ));
    assert_eq!(
        store.event_count().await,
        before,
        "nothing written on a damaged stream"
    );

    // The stored views are never built from a damaged history: the projector stops before it.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .args(["--store", &store.url, "projections", "rebuild"])
        .output()
        .expect("run pacta projections rebuild");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "views built on a damaged ledger");
    assert!(
        stderr.contains(&format!(
            "negotiation '{DEMO_NEGOTIATION}' at sequence {sequence}"
        )) && stderr.contains("the views stay at their last checkpoint, before this event"),
        "{stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .args(["--store", &store.url, "verify"])
        .output()
        .expect("run pacta verify");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !output.status.success(),
        "pacta verify must fail on a damaged ledger"
    );
    assert!(
        stderr.contains(&format!(
            "negotiation '{DEMO_NEGOTIATION}' at sequence {sequence}"
        )),
        "pacta verify must name the negotiation and sequence: {stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}

async fn a_changed_byte_in_a_payload_is_caught(backend: Backend) {
    let target = where_target(TARGET);
    let store = tampered(
        backend,
        &format!("UPDATE events SET payload = replace(payload::text, 'Objet', 'Objat')::jsonb WHERE {target}"),
        &format!("UPDATE events SET payload = replace(payload, 'Objet', 'Objat') WHERE {target}"),
    )
    .await;
    assert_caught(&store, TARGET, |p| {
        matches!(p, ChainProblem::ContentAltered { .. })
    })
    .await;
}

async fn a_changed_byte_in_metadata_is_caught(backend: Backend) {
    let target = where_target(TARGET);
    let store = tampered(
        backend,
        &format!("UPDATE events SET metadata = replace(metadata::text, 'koffi.yao', 'koffi.yaO')::jsonb WHERE {target}"),
        &format!("UPDATE events SET metadata = replace(metadata, 'koffi.yao', 'koffi.yaO') WHERE {target}"),
    )
    .await;
    assert_caught(&store, TARGET, |p| {
        matches!(p, ChainProblem::ContentAltered { .. })
    })
    .await;
}

async fn an_event_deleted_from_the_middle_is_caught(backend: Backend) {
    let delete = format!("DELETE FROM events WHERE {}", where_target(TARGET));
    let store = tampered(backend, &delete, &delete).await;
    assert_caught(&store, TARGET, |p| {
        *p == ChainProblem::SequenceGap { expected: TARGET }
    })
    .await;
}

async fn two_swapped_events_are_caught(backend: Backend) {
    let swap = format!(
        "UPDATE events SET sequence = 1000000 WHERE {first};
         UPDATE events SET sequence = {TARGET} WHERE {second};
         UPDATE events SET sequence = {next} WHERE {parked};",
        first = where_target(TARGET),
        second = where_target(TARGET + 1),
        next = TARGET + 1,
        parked = where_target(1_000_000),
    );
    let store = tampered(backend, &swap, &swap).await;
    assert_caught(&store, TARGET, |p| {
        matches!(p, ChainProblem::BrokenLink { .. })
    })
    .await;
}

async fn a_history_cut_short_is_caught_against_a_kept_head(backend: Backend) {
    let store = TestStore::new(backend).await;
    let ledger = store.ledger();
    let recorded = ledger.record_demo().await;
    // A legal team keeps the head that verify prints.
    let verified = pacta_verify(&store, &["verify", DEMO_NEGOTIATION]);
    let kept = verified
        .lines()
        .find_map(|line| line.split("head ").nth(1))
        .expect("verify prints the head")
        .to_string();
    let cut = format!(
        "DELETE FROM events WHERE aggregate_id = '{DEMO_NEGOTIATION}' AND sequence >= {}",
        recorded - 1
    );
    match backend {
        Backend::Postgres => {
            store
                .raw("ALTER TABLE events DISABLE TRIGGER events_append_only")
                .await
        }
        Backend::Sqlite => store.raw("DROP TRIGGER events_append_only_delete").await,
    }
    store.raw(&cut).await;
    // The shorter chain is itself intact: only the kept head shows what was lost.
    ledger
        .verify(DEMO_NEGOTIATION)
        .await
        .expect("a cut chain still links");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .args([
            "--store",
            &store.url,
            "verify",
            DEMO_NEGOTIATION,
            "--expect-head",
            &kept,
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(
        stderr.contains(&format!("now ends at {}:", recorded - 2)),
        "{stderr}"
    );
    assert!(
        stderr.contains("cut short, rolled back or rewritten"),
        "{stderr}"
    );
}

async fn a_running_ledger_refuses_a_history_changed_under_it(backend: Backend) {
    let store = TestStore::new(backend).await;
    let running = store.ledger();
    running.record_demo().await;
    let target = where_target(TARGET);
    match backend {
        Backend::Postgres => {
            store
                .raw("ALTER TABLE events DISABLE TRIGGER events_append_only")
                .await;
            store.raw(&format!("UPDATE events SET payload = replace(payload::text, 'Objet', 'Objat')::jsonb WHERE {target}")).await;
        }
        Backend::Sqlite => {
            store.raw("DROP TRIGGER events_append_only_update").await;
            store
                .raw(&format!(
                    "UPDATE events SET payload = replace(payload, 'Objet', 'Objat') WHERE {target}"
                ))
                .await;
        }
    }
    let before = store.event_count().await;
    let command = NegotiationCommand {
        actor: "amina.kone".into(),
        action: Action::Comment {
            clause_id: None,
            text: "Next session on 14 April".into(),
            internal: false,
        },
    };
    let refused = running.execute(DEMO_NEGOTIATION, command).await;
    assert!(
        matches!(refused, Err(LedgerError::Integrity(ref e)) if e.sequence == TARGET),
        "{refused:?}"
    );
    assert_eq!(store.event_count().await, before);
}

fn pacta_verify(store: &TestStore, args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .arg("--store")
        .arg(&store.url)
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
