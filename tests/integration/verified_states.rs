//! A ledger that keeps verified states between acts, as the service does
//! (`Ledger::keeping_verified_states`): an act is decided on the state held and reads only the
//! events after its head (when its commit loses a race, or to confirm a refusal), so it still
//! decides on everything another process recorded, a head deleted underneath is refused, a tiny
//! bound evicts without a wrong decision, and forgetting the held states (what the whole-ledger verification does on damage)
//! makes the next act verify its chain from the first event again.

use cqrs_es::EventEnvelope;
use pacta::demo::DEMO_NEGOTIATION;
use pacta_domain::{Negotiation, NegotiationCommand, NegotiationError};
use pacta_ledger::LedgerError;
use serde_json::json;

use crate::common::cli::{assert_ok, pacta};
use crate::common::{Backend, Ledger, TestStore};

on_both_stores!(
    a_held_state_decides_on_what_another_process_recorded_since,
    a_bound_of_one_negotiation_evicts_and_still_decides_on_the_stored_history,
    forgetting_held_states_makes_the_next_act_verify_the_whole_chain,
    a_history_cut_short_under_a_held_head_is_refused,
    a_read_of_the_present_answers_from_the_held_state_and_sees_another_process_s_acts,
);

/// A ledger as the service runs one: keeping verified states, committing in groups.
fn keeping(store: &TestStore, max_negotiations: usize) -> Ledger {
    Ledger(
        pacta_ledger::Ledger::on(&store.database)
            .keeping_verified_states(max_negotiations)
            .committing_in_groups(),
    )
}

fn act(actor: &str, action: serde_json::Value) -> NegotiationCommand {
    NegotiationCommand {
        actor: actor.into(),
        action: serde_json::from_value(action).expect("an action as a client writes it"),
        took_place: None,
    }
}

fn propose(clause: &str, text: &str) -> NegotiationCommand {
    let action = json!({ "type": "propose-clause", "clause_id": clause, "kind": "article",
        "heading": "Objet", "language": "fr", "text": text });
    act("civ.head", action)
}

fn agree(actor: &str, clause: &str, text_hash: &str) -> NegotiationCommand {
    let action = json!({ "type": "agree-clause", "clause_id": clause, "text_hash": text_hash });
    act(actor, action)
}

fn text_hash(recorded: &[EventEnvelope<Negotiation>]) -> String {
    let payload = serde_json::to_value(&recorded[0].payload).unwrap();
    payload["ClauseProposed"]["text_hash"]
        .as_str()
        .expect("a proposal")
        .to_string()
}

async fn a_held_state_decides_on_what_another_process_recorded_since(backend: Backend) {
    let store = TestStore::new(backend).await;
    let service = keeping(&store, 8);
    service.open_civ_mar_agreement("held").await;
    let proposed = service
        .execute("held", propose("art-1", "Texte de la Côte d'Ivoire."))
        .await
        .unwrap();
    let ivorian = text_hash(&proposed);
    assert_eq!(service.0.verified_states_held(), 1);

    // Another process, the CLI, amends the article the service holds.
    let amended = assert_ok(&pacta(
        &store,
        &[
            "--as",
            "mar.head",
            "amend",
            "held",
            "art-1",
            "--base",
            &ivorian,
            "--heading",
            "Objet",
            "--language",
            "fr",
            "--text",
            "Texte du Maroc.",
        ],
    ));
    let moroccan = pacta_domain::clause_text_hash("Objet", "fr", "Texte du Maroc.");
    assert!(amended.contains(&moroccan), "{amended}");

    // The service decides its next act on the state it holds, where agreeing the wording it
    // held is accepted; that loses the race for the sequence, and the act is decided again on
    // the amendment read after the held head: refused as stale.
    let stale = service
        .execute("held", agree("civ.head", "art-1", &ivorian))
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
    service
        .execute("held", agree("civ.head", "art-1", &moroccan))
        .await
        .expect("the wording that stands is agreed");

    // An act the held state refuses is not refused before the store is read: the CLI proposes
    // an article the service's held state has never seen, and the service's comment on it is
    // recorded.
    assert_ok(&pacta(
        &store,
        &[
            "--as",
            "mar.head",
            "propose",
            "held",
            "art-2",
            "--language",
            "fr",
            "--text",
            "Texte proposé ailleurs.",
        ],
    ));
    let comment = act(
        "civ.head",
        json!({ "type": "comment", "clause_id": "art-2", "text": "Vu." }),
    );
    service
        .execute("held", comment)
        .await
        .expect("an act on an article another process proposed is recorded");
    assert_ok(&pacta(&store, &["verify", "held"]));
}

async fn a_bound_of_one_negotiation_evicts_and_still_decides_on_the_stored_history(
    backend: Backend,
) {
    let store = TestStore::new(backend).await;
    let service = keeping(&store, 1);
    for negotiation in ["first", "second"] {
        service.open_civ_mar_agreement(negotiation).await;
        assert_eq!(service.0.verified_states_held(), 1);
    }
    let mut hashes = Vec::new();
    for negotiation in ["first", "second"] {
        let text = format!("Article premier de {negotiation}.");
        let recorded = service
            .execute(negotiation, propose("art-1", &text))
            .await
            .unwrap();
        hashes.push(text_hash(&recorded));
        assert_eq!(service.0.verified_states_held(), 1);
    }
    // Each negotiation's state was evicted by the other's act in between: the agreements are
    // decided on each one's own stored history, so each is agreed with its own hash only.
    for (negotiation, own, other) in [
        ("first", &hashes[0], &hashes[1]),
        ("second", &hashes[1], &hashes[0]),
    ] {
        let wrong = service
            .execute(negotiation, agree("mar.head", "art-1", other))
            .await;
        assert!(
            matches!(wrong, Err(LedgerError::Refused { .. })),
            "{wrong:?}"
        );
        service
            .execute(negotiation, agree("mar.head", "art-1", own))
            .await
            .expect("agreed with its own hash");
        assert_eq!(service.0.verified_states_held(), 1);
    }
}

async fn forgetting_held_states_makes_the_next_act_verify_the_whole_chain(backend: Backend) {
    let store = TestStore::with_demo(backend).await;
    let service = keeping(&store, 8);
    let comment = |text: &str| act("amina.kone", json!({ "type": "comment", "text": text }));
    service
        .execute(DEMO_NEGOTIATION, comment("Première"))
        .await
        .unwrap();

    // An event the service already holds is rewritten underneath. The held state was verified
    // when it entered the process and is not read again per act (the trust model of
    // `pacta_ledger::verified`): the next act is decided on it.
    let first_proposal = format!(
        "aggregate_id = '{DEMO_NEGOTIATION}' AND sequence = (SELECT min(sequence) FROM events
           WHERE aggregate_id = '{DEMO_NEGOTIATION}' AND event_type = 'ClauseProposed')"
    );
    store
        .tamper_events("payload", ("\"heading\"", "\"headline\""), &first_proposal)
        .await;
    service
        .execute(DEMO_NEGOTIATION, comment("Deuxième"))
        .await
        .expect("decided on the state held");

    // Once the states are forgotten, the chain is verified from its first event and the damage
    // refuses the act, with nothing recorded.
    service.0.forget_verified_states();
    assert_eq!(service.0.verified_states_held(), 0);
    let before = store.event_count().await;
    let refused = service
        .execute(DEMO_NEGOTIATION, comment("Troisième"))
        .await;
    assert!(
        matches!(refused, Err(LedgerError::Integrity(_))),
        "{refused:?}"
    );
    assert_eq!(store.event_count().await, before);
}

async fn a_history_cut_short_under_a_held_head_is_refused(backend: Backend) {
    let store = TestStore::with_demo(backend).await;
    let service = keeping(&store, 8);
    let comment = |text: &str| act("amina.kone", json!({ "type": "comment", "text": text }));
    let recorded = service
        .execute(DEMO_NEGOTIATION, comment("Dernière"))
        .await
        .unwrap();
    let head = recorded.last().unwrap().sequence;

    // The act the service holds as the head is deleted underneath. What remains still chains
    // from the first event, but it is not the history the service verified: refused, nothing
    // recorded, however often it is tried.
    store.lift_append_only_guards(&["events"]).await;
    store
        .raw(&format!(
            "DELETE FROM events WHERE aggregate_id = '{DEMO_NEGOTIATION}' AND sequence = {head}"
        ))
        .await;
    let before = store.event_count().await;
    for attempt in ["Encore", "Et encore"] {
        let refused = service.execute(DEMO_NEGOTIATION, comment(attempt)).await;
        assert!(
            matches!(refused, Err(LedgerError::Integrity(ref e)) if e.sequence == head),
            "{refused:?}"
        );
    }
    assert_eq!(store.event_count().await, before);
}

/// `Ledger::current`, what the service's reads of the present take the reader's accreditation
/// from: the held state itself while nothing was stored after its head, and the acts another
/// process recorded since once there are some; an unknown negotiation is one.
async fn a_read_of_the_present_answers_from_the_held_state_and_sees_another_process_s_acts(
    backend: Backend,
) {
    let store = TestStore::new(backend).await;
    let service = keeping(&store, 8);
    service.open_civ_mar_agreement("present").await;
    service
        .execute("present", propose("art-1", "Texte de la Côte d'Ivoire."))
        .await
        .unwrap();
    let held = service.0.current("present").await.unwrap();
    let again = service.0.current("present").await.unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&held, &again),
        "nothing new: the held state itself answers"
    );
    let head = held.head().sequence;
    assert!(held.state().clause("art-1").is_some());

    let other_process = pacta_ledger::Ledger::on(&store.database);
    other_process
        .execute(
            "present",
            propose("art-2", "Texte du Maroc."),
            &Default::default(),
        )
        .await
        .unwrap();
    let now = service.0.current("present").await.unwrap();
    assert_eq!(now.head().sequence, head + 1);
    assert!(now.state().clause("art-2").is_some());

    assert!(matches!(
        service.0.current("never-opened").await,
        Err(LedgerError::UnknownNegotiation(_))
    ));
}
