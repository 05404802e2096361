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
