//! The stored access view on both stores: the negotiation list answers from it, by one query by
//! person, exactly what the old rule (each negotiation's verified state asked in turn, through
//! `AppState::present`) answered, for every person of the demo and a head whose party still
//! awaits acceptance; an outsider's list and a delegate's touch no negotiation's state; and the
//! view, kept event by event, equals a rebuild and the negotiations' own states.

use std::sync::Arc;

use pacta_domain::{InstrumentKind, NegotiationCommand, Party, Role};
use pacta_ledger::views::access::{self, Accreditation};
use pacta_ledger::views::{self, Projector, View};
use pacta_ledger::CommandContext;
use pacta_projections::IndexEntry;
use pacta_service::auth::Caller;
use pacta_service::AppState;
use reqwest::StatusCode;
use serde_json::Value;

use crate::common::http::{read, Server};
use crate::common::{open_command, Backend, TestStore};

on_both_stores!(
    the_list_from_the_access_view_is_what_the_old_rule_gave,
    an_outsiders_list_touches_no_negotiation,
    the_access_view_kept_event_by_event_equals_a_rebuild,
);

/// Opened by Côte d'Ivoire; its second party's head has not accepted it.
const AWAITING: &str = "civ-sen-awaiting";
const AWAITING_HEAD: &str = "sen.head";
const OUTSIDER: &str = "nobody.accredited";
/// Côte d'Ivoire's head of delegation in the demo, who opens the negotiation awaiting Senegal.
const CIV_HEAD: &str = "amina.kone";

fn caller(person: &str) -> Caller {
    Caller {
        person: person.to_string(),
        csrf_token: None,
        turn: None,
    }
}

/// The demo story, and a negotiation Côte d'Ivoire opened with Senegal, which Senegal's head has
/// not accepted: they may read it, and no one else of Senegal may.
async fn demo_with_an_opening_awaiting_acceptance(backend: Backend) -> TestStore {
    let store = TestStore::with_demo(backend).await;
    let parties = [
        Party::new("CIV", "Côte d'Ivoire", CIV_HEAD, "Amina Koné"),
        Party::new("SEN", "Sénégal", AWAITING_HEAD, "Awa Diop"),
    ];
    let opening: NegotiationCommand = open_command(
        CIV_HEAD,
        AWAITING,
        "Mémorandum en attente",
        InstrumentKind::Mou,
        &parties,
        &["fr"],
    );
    store.register_named_in(&opening).await;
    // The ledger itself, not the tests' wrapper, which would have every party accept.
    store
        .ledger()
        .0
        .execute(AWAITING, opening, &CommandContext::default())
        .await
        .expect("the opening is recorded");
    store
}

/// Every person accredited anywhere, from the negotiations' verified states.
async fn everyone(state: &AppState) -> Vec<String> {
    let mut persons = Vec::new();
    for id in state.database.aggregate_ids("Negotiation").await.unwrap() {
        let current = state.ledger.current(&id).await.unwrap();
        persons.extend(current.state().delegates().map(|d| d.person.clone()));
    }
    persons.sort();
    persons.dedup();
    persons
}

/// What the list answered before the access view: every negotiation in the index, asked in turn
/// whether `person` reads its present (`AppState::present`).
async fn by_the_old_rule(state: &AppState, person: &str) -> Vec<(String, String, Role)> {
    let index: Vec<IndexEntry> = views::documents(&state.database, View::Index)
        .await
        .unwrap();
    let mut readable = Vec::new();
    for entry in index {
        if let Ok(present) = state.present(&caller(person), &entry.negotiation_id).await {
            readable.push((
                entry.negotiation_id,
                present.reader.party,
                present.reader.role,
            ));
        }
    }
    readable
}

async fn the_list_from_the_access_view_is_what_the_old_rule_gave(backend: Backend) {
    let store = demo_with_an_opening_awaiting_acceptance(backend).await;
    let state = AppState::new(store.database.clone());
    let persons = everyone(&state).await;
    assert!(persons.len() > 5, "the demo accredits many: {persons:?}");
    assert!(persons.iter().any(|p| p == AWAITING_HEAD));
    let mut lists = 0;
    for person in persons.iter().map(String::as_str).chain([OUTSIDER]) {
        let listed = state.readable_negotiations(&caller(person)).await.unwrap();
        let index: Vec<IndexEntry> = views::documents(&store.database, View::Index)
            .await
            .unwrap();
        for (entry, accreditation) in &listed {
            assert_eq!(accreditation.person, person);
            assert_eq!(entry.negotiation_id, accreditation.negotiation_id);
            let stored = index
                .iter()
                .find(|e| e.negotiation_id == entry.negotiation_id);
            assert_eq!(Some(entry), stored, "{person}: the index entry as stored");
        }
        let listed: Vec<(String, String, Role)> = listed
            .into_iter()
            .map(|(_, a)| (a.negotiation_id, a.party, a.role))
            .collect();
        assert_eq!(listed, by_the_old_rule(&state, person).await, "{person}");
        lists += usize::from(!listed.is_empty());
    }
    assert_eq!(lists, persons.len(), "everyone accredited lists something");

    // The head named by an opening they have not accepted reads it; no one else of their party.
    let listed = state.negotiations_of(&caller(AWAITING_HEAD)).await.unwrap();
    let ids: Vec<&str> = listed.iter().map(|e| e.negotiation_id.as_str()).collect();
    assert_eq!(ids, [AWAITING]);
    assert_eq!(listed[0].awaiting_acceptance, ["SEN"]);
}

async fn an_outsiders_list_touches_no_negotiation(backend: Backend) {
    let store = demo_with_an_opening_awaiting_acceptance(backend).await;
    let state = Arc::new(AppState::new(store.database.clone()));
    assert_eq!(state.ledger.verified_states_held(), 0);

    assert!(state
        .readable_negotiations(&caller(OUTSIDER))
        .await
        .unwrap()
        .is_empty());
    // The old rule asked every negotiation's verified state, loading each chain it did not hold.
    assert_eq!(
        state.ledger.verified_states_held(),
        0,
        "an outsider's list loads no negotiation"
    );
    let listed = state
        .readable_negotiations(&caller(CIV_HEAD))
        .await
        .unwrap();
    assert!(listed.len() >= 2, "{listed:?}");
    // Figures only, never asserted: the list now, then the old rule, each with no state held.
    let started = std::time::Instant::now();
    state
        .readable_negotiations(&caller(OUTSIDER))
        .await
        .unwrap();
    let now = started.elapsed();
    let started = std::time::Instant::now();
    by_the_old_rule(&AppState::new(store.database.clone()), OUTSIDER).await;
    println!(
        "{backend:?}: an outsider's list over the demo took {now:?} from the access view, \
         {:?} by the old rule",
        started.elapsed()
    );
    assert_eq!(
        state.ledger.verified_states_held(),
        0,
        "nor does a delegate's: no read of the list loads a chain"
    );

    // Over HTTP, the same empty list for an outsider's token, and the delegate's negotiations.
    let server = Server::on(store).await;
    for (person, expected) in [(OUTSIDER, 0), (CIV_HEAD, listed.len())] {
        let token = server.store.issue_token(person).await.token;
        let reply = read(
            server
                .client
                .get(server.url("/api/negotiations"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap(),
        )
        .await;
        let body: Value = reply.ok(StatusCode::OK);
        assert_eq!(body.as_array().unwrap().len(), expected, "{person}: {body}");
    }
}

/// The access view's rows as each negotiation's verified state gives them.
async fn from_the_states(store: &TestStore) -> Vec<Accreditation> {
    let ledger = pacta_ledger::Ledger::on(&store.database);
    let mut rows = Vec::new();
    for id in store.database.aggregate_ids("Negotiation").await.unwrap() {
        let current = ledger.current(&id).await.unwrap();
        rows.extend(access::of_state(&id, current.state()));
    }
    rows.sort();
    rows
}

async fn the_access_view_kept_event_by_event_equals_a_rebuild(backend: Backend) {
    let store = demo_with_an_opening_awaiting_acceptance(backend).await;
    // One event per transaction: each opening and each accreditation in a batch of its own.
    Projector::new(store.database.clone())
        .with_batch_events(1)
        .catch_up(|_| {})
        .await
        .unwrap();
    let mut kept = access::all(&store.database).await.unwrap();
    kept.sort();
    assert!(kept.len() > 5, "{kept:?}");
    assert_eq!(kept, from_the_states(&store).await);
    let events = store.event_count().await as u64;
    let status = views::status(&store.database).await.unwrap();
    let access_status = status
        .iter()
        .find(|s| s.view == View::Access)
        .expect("the access view has a checkpoint");
    assert_eq!(
        (access_status.events_applied, access_status.lag_events),
        (events, 0)
    );

    for (rebuilt, batch) in [(&[View::Access][..], 97), (&View::ALL[..], 2_000)] {
        let read = Projector::new(store.database.clone())
            .with_batch_events(batch)
            .rebuild(rebuilt, |_| {})
            .await
            .unwrap();
        assert_eq!(read, events);
        let mut again = access::all(&store.database).await.unwrap();
        again.sort();
        assert_eq!(again, kept, "rebuilt {rebuilt:?}");
    }
}
