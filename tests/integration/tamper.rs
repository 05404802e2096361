//! Tampering with stored events, as someone with direct database access could, on both stores:
//! `verify` names the negotiation and the first broken sequence, and the ledger refuses to act
//! on the damaged negotiation.

use crate::common::cli::ExitCode::Integrity;
use crate::common::cli::{ok, refused};
use crate::common::{Backend, TestStore};
use pacta::demo::DEMO_NEGOTIATION;
use pacta_domain::{Action, NegotiationCommand, NegotiationEvent};
use pacta_ledger::LedgerError;
use pacta_verify::chain::ChainProblem;

on_both_stores!(
    a_changed_byte_in_a_payload_is_caught,
    a_changed_byte_in_metadata_is_caught,
    an_event_deleted_from_the_middle_is_caught,
    two_swapped_events_are_caught,
    a_history_cut_short_is_caught_against_a_kept_head,
    a_running_ledger_refuses_a_history_changed_under_it,
);

/// Article "Objet" is proposed at sequence 11 of the demo story, by koffi.yao.
const TARGET: usize = 11;

fn where_target(sequence: usize) -> String {
    format!("aggregate_id = '{DEMO_NEGOTIATION}' AND sequence = {sequence}")
}

/// The demo story, intact before the attack on event `TARGET`.
async fn demo(backend: Backend) -> TestStore {
    let store = TestStore::with_demo(backend).await;
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
    store
}

/// The demo with `sql` run on its events, as an attacker who owns the database and lifts the
/// append-only guard first.
async fn tampered(backend: Backend, sql: &str) -> TestStore {
    let store = demo(backend).await;
    store.lift_append_only_guards(&["events"]).await;
    store.raw(sql).await;
    store
}

/// A comment by CIV's head on the MoU.
fn comment(text: &str) -> NegotiationCommand {
    NegotiationCommand {
        actor: "amina.kone".into(),
        action: Action::Comment {
            clause_id: None,
            text: text.into(),
            internal: false,
        },
        took_place: None,
    }
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
    let refused_act = ledger
        .execute(DEMO_NEGOTIATION, comment("Acting on a damaged history"))
        .await;
    assert!(
        matches!(refused_act, Err(LedgerError::Integrity(_))),
        "{refused_act:?}"
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

    // The stored views are never built from a damaged history: the projector stops before it;
    // and `pacta verify` names the negotiation and sequence.
    let damaged = format!("negotiation '{DEMO_NEGOTIATION}' at sequence {sequence}");
    let rebuild = ["projections", "rebuild"];
    let stopped = refused(store, &rebuild, Integrity, &damaged).await;
    assert!(
        stopped.contains("the views stay at their last checkpoint, before this event"),
        "{stopped}"
    );
    refused(store, &["verify"], Integrity, &damaged).await;
}

/// `from` replaced by `to` in the `column` of event `TARGET` is content altered.
async fn a_changed_byte_is_caught(backend: Backend, column: &str, change: (&str, &str)) {
    let store = demo(backend).await;
    store
        .tamper_events(column, change, &where_target(TARGET))
        .await;
    assert_caught(&store, TARGET, |p| {
        matches!(p, ChainProblem::ContentAltered { .. })
    })
    .await;
}

async fn a_changed_byte_in_a_payload_is_caught(backend: Backend) {
    a_changed_byte_is_caught(backend, "payload", ("Objet", "Objat")).await;
}

async fn a_changed_byte_in_metadata_is_caught(backend: Backend) {
    a_changed_byte_is_caught(backend, "metadata", ("koffi.yao", "koffi.yaO")).await;
}

async fn an_event_deleted_from_the_middle_is_caught(backend: Backend) {
    let delete = format!("DELETE FROM events WHERE {}", where_target(TARGET));
    let store = tampered(backend, &delete).await;
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
    let store = tampered(backend, &swap).await;
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
    let verified = ok(&store, &["verify", DEMO_NEGOTIATION]);
    let kept = verified
        .lines()
        .find_map(|line| line.split("head ").nth(1))
        .expect("verify prints the head")
        .to_string();
    store.lift_append_only_guards(&["events"]).await;
    store
        .raw(&format!(
            "DELETE FROM events WHERE aggregate_id = '{DEMO_NEGOTIATION}' AND sequence >= {}",
            recorded - 1
        ))
        .await;
    // The shorter chain is itself intact: only the kept head shows what was lost.
    ledger
        .verify(DEMO_NEGOTIATION)
        .await
        .expect("a cut chain still links");
    let expect_head = ["verify", DEMO_NEGOTIATION, "--expect-head", &kept];
    let ends_at = format!("now ends at {}:", recorded - 2);
    let message = refused(&store, &expect_head, Integrity, &ends_at).await;
    assert!(
        message.contains("cut short, rolled back or rewritten"),
        "{message}"
    );
}

async fn a_running_ledger_refuses_a_history_changed_under_it(backend: Backend) {
    let store = TestStore::new(backend).await;
    let running = store.ledger();
    running.record_demo().await;
    store
        .tamper_events("payload", ("Objet", "Objat"), &where_target(TARGET))
        .await;
    let before = store.event_count().await;
    let refused = running
        .execute(DEMO_NEGOTIATION, comment("Next session on 14 April"))
        .await;
    assert!(
        matches!(refused, Err(LedgerError::Integrity(ref e)) if e.sequence == TARGET),
        "{refused:?}"
    );
    assert_eq!(store.event_count().await, before);
}
