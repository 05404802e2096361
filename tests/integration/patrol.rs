//! The background verification (`pacta_ledger::patrol`): a pass reads every event and journal
//! leaf, finds each attack `pacta verify` finds and names it the same way, and puts the
//! negotiations whose history is in doubt in quarantine, where the ledger refuses every act on
//! them while the other negotiations go on. Through the service: `reliability.rs`.

use std::sync::Arc;

use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};
use pacta_domain::{Action, NegotiationCommand};
use pacta_ledger::patrol::{Patrol, PatrolSettings, Quarantine};
use pacta_ledger::verification::verify_ledger;
use pacta_ledger::{CommandContext, Ledger, LedgerError};

use crate::common::cli::{CheckpointedDemo, DEMO_TARGET_SEQUENCE};
use crate::common::Backend;

on_both_stores!(
    a_clean_ledger_passes_every_event_and_leaf_read_once,
    each_attack_is_found_as_pacta_verify_names_it,
    acts_on_a_quarantined_negotiation_are_refused_and_the_others_go_on,
    a_recent_history_grows_by_another_process_s_acts_and_is_read_afresh_once_quarantined,
);

/// Fast enough for a test; the pacing itself is what `reliability.rs` times through the service.
const SETTINGS: PatrolSettings = PatrolSettings {
    events_per_second: 1_000_000,
    min_pass_ms: 0,
};

fn patrol_of(setup: &CheckpointedDemo) -> Patrol {
    Patrol::new(
        setup.store.database.clone(),
        SETTINGS,
        Arc::new(Quarantine::default()),
    )
}

/// What `pacta verify` finds, one line each (empty when the ledger verifies).
async fn verify_findings(setup: &CheckpointedDemo) -> Vec<String> {
    match verify_ledger(&setup.store.database).await.unwrap() {
        Ok(_) => Vec::new(),
        Err(findings) => findings.iter().map(ToString::to_string).collect(),
    }
}

async fn a_clean_ledger_passes_every_event_and_leaf_read_once(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let events = setup.store.event_count().await as u64;
    let patrol = patrol_of(&setup);
    for pass in 1..=2 {
        let summary = patrol.run_pass().await;
        assert_eq!(summary.findings, 0, "pass {pass}: {:?}", patrol.report());
        assert_eq!(summary.events, events);
        assert_eq!(summary.leaves, setup.latest_checkpoint().tree_size);
        assert_eq!(summary.checkpoints, 1);
        assert_eq!(patrol.report().passes, pass);
    }
    assert!(patrol.quarantine().negotiations().is_empty());
    assert!(verify_findings(&setup).await.is_empty());
}

async fn each_attack_is_found_as_pacta_verify_names_it(backend: Backend) {
    type Attack =
        for<'a> fn(
            &'a CheckpointedDemo,
        ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + 'a>>;
    let attacks: [(&str, Attack, &[&str]); 4] = [
        (
            "an event's content altered",
            |setup| Box::pin(setup.change_event(DEMO_TARGET_SEQUENCE)),
            &[DEMO_NEGOTIATION],
        ),
        (
            "one journal leaf changed",
            |setup| Box::pin(setup.change_leaf(5)),
            &[DEMO_NEGOTIATION],
        ),
        (
            "a checkpoint's signature changed",
            |setup| {
                Box::pin(async {
                    setup.change_checkpoint_signature().await;
                })
            },
            &[],
        ),
        (
            "a co-signature by a stranger",
            |setup| {
                Box::pin(async {
                    setup.insert_stranger_cosignature().await;
                })
            },
            &[],
        ),
    ];
    for (case, attack, quarantined) in attacks {
        let setup = CheckpointedDemo::new(backend).await;
        attack(&setup).await;
        let patrol = patrol_of(&setup);
        let summary = patrol.run_pass().await;
        let report = patrol.report();
        assert!(summary.findings >= 1, "{case}: nothing found");
        assert_eq!(report.findings_total, report.findings.len(), "{case}");
        let expected = verify_findings(&setup).await;
        for finding in &report.findings {
            assert!(
                expected.contains(&finding.to_string()),
                "{case}: the patrol found\n  {finding}\nwhich pacta verify does not name:\n  {}",
                expected.join("\n  ")
            );
        }
        assert_eq!(
            patrol.quarantine().negotiations(),
            quarantined.to_vec(),
            "{case}"
        );
    }
}

async fn acts_on_a_quarantined_negotiation_are_refused_and_the_others_go_on(backend: Backend) {
    let setup = CheckpointedDemo::new(backend).await;
    let quarantine = Arc::new(Quarantine::default());
    let ledger = Ledger::on(&setup.store.database)
        .keeping_verified_states(16)
        .with_quarantine(quarantine.clone());
    let comment = |negotiation: &str, text: &str| {
        let head = match negotiation {
            DEMO_NEGOTIATION => pacta::demo::DEMO_TOKEN_PERSON,
            _ => pacta::demo::DEMO_AGREEMENT_TOKEN_PERSON,
        };
        NegotiationCommand {
            actor: head.to_string(),
            action: Action::Comment {
                clause_id: None,
                text: text.to_string(),
                internal: false,
            },
            took_place: None,
        }
    };
    // Held verified states for both, from before the damage.
    for negotiation in [DEMO_NEGOTIATION, DEMO_AGREEMENT] {
        ledger
            .execute(
                negotiation,
                comment(negotiation, "Avant."),
                &CommandContext::default(),
            )
            .await
            .unwrap();
    }
    setup.change_event(DEMO_TARGET_SEQUENCE).await;
    let events = setup.store.event_count().await;

    Patrol::new(setup.store.database.clone(), SETTINGS, quarantine.clone())
        .run_pass()
        .await;
    assert_eq!(quarantine.negotiations(), [DEMO_NEGOTIATION]);

    let refused = ledger
        .execute(
            DEMO_NEGOTIATION,
            comment(DEMO_NEGOTIATION, "Après."),
            &CommandContext::default(),
        )
        .await
        .unwrap_err();
    let LedgerError::Quarantined {
        negotiation_id,
        finding,
    } = &refused
    else {
        panic!("expected a refusal for the quarantine, got {refused}");
    };
    assert_eq!(negotiation_id, DEMO_NEGOTIATION);
    assert!(
        finding.to_string().contains("the event was altered"),
        "{refused}"
    );
    assert_eq!(setup.store.event_count().await, events, "nothing recorded");

    ledger
        .execute(
            DEMO_AGREEMENT,
            comment(DEMO_AGREEMENT, "Après."),
            &CommandContext::default(),
        )
        .await
        .unwrap();
}

/// The histories the service keeps for reads (`Ledger::keeping_recent_histories`): one held grows
/// by the acts another process records, verified from its head; like a held state, it is not
/// read again per read, so damage underneath it is answered from it until the patrol finds the
/// damage; from then on the negotiation is read afresh, and its reader sees where it breaks.
async fn a_recent_history_grows_by_another_process_s_acts_and_is_read_afresh_once_quarantined(
    backend: Backend,
) {
    let setup = CheckpointedDemo::new(backend).await;
    let quarantine = Arc::new(Quarantine::default());
    let service = Ledger::on(&setup.store.database)
        .keeping_recent_histories(10_000, 16)
        .with_quarantine(quarantine.clone());
    let first = service.checked_events(DEMO_NEGOTIATION).await.unwrap();
    assert!(first.broken.is_none());
    let again = service.checked_events(DEMO_NEGOTIATION).await.unwrap();
    assert!(
        Arc::ptr_eq(&first.events, &again.events),
        "nothing new: the held history answers"
    );

    let other_process = Ledger::on(&setup.store.database);
    other_process
        .execute(
            DEMO_NEGOTIATION,
            NegotiationCommand {
                actor: pacta::demo::DEMO_TOKEN_PERSON.to_string(),
                action: Action::Comment {
                    clause_id: None,
                    text: "Depuis la CLI.".to_string(),
                    internal: false,
                },
                took_place: None,
            },
            &CommandContext::default(),
        )
        .await
        .unwrap();
    let grown = service.checked_events(DEMO_NEGOTIATION).await.unwrap();
    assert_eq!(grown.events.len(), first.events.len() + 1);
    assert_eq!(grown.head.sequence, first.head.sequence + 1);
    let fresh = other_process
        .checked_events(DEMO_NEGOTIATION)
        .await
        .unwrap();
    let identities = |events: &[cqrs_es::EventEnvelope<pacta_domain::Negotiation>]| {
        let identity = |e: &cqrs_es::EventEnvelope<_>| {
            (
                e.sequence,
                serde_json::to_string(&e.payload).unwrap(),
                e.metadata.clone(),
            )
        };
        events.iter().map(identity).collect::<Vec<_>>()
    };
    assert_eq!(identities(&grown.events), identities(&fresh.events));
    assert_eq!(grown.head, fresh.head);

    setup.change_event(DEMO_TARGET_SEQUENCE).await;
    let held = service.checked_events(DEMO_NEGOTIATION).await.unwrap();
    assert!(
        held.broken.is_none(),
        "verified when it entered the process, not per read"
    );

    Patrol::new(setup.store.database.clone(), SETTINGS, quarantine.clone())
        .run_pass()
        .await;
    assert_eq!(quarantine.negotiations(), [DEMO_NEGOTIATION]);
    let afresh = service.checked_events(DEMO_NEGOTIATION).await.unwrap();
    let broken = afresh
        .broken
        .expect("the damage, found by reading the chain again");
    assert_eq!(broken.sequence, DEMO_TARGET_SEQUENCE);
    assert_eq!(afresh.events.len(), DEMO_TARGET_SEQUENCE - 1);
}
