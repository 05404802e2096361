//! Who may speak for a State: the operator's register binds persons to parties, an opening names
//! only persons bound to the parties they are named for, under the register's names, and a
//! negotiation is live for another party only once its head accepts. Each refusal records
//! nothing. These tests call the ledger, the CLI and the service themselves, never the fixtures
//! that register and accept on a test's behalf.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::cli::{
    assert_fails, json, ok, pacta, refused, register, stdout, ExitCode, Negotiation,
};
use crate::common::http::Server;
use crate::common::{open_command, Backend, TestStore};
use pacta_domain::{NegotiationCommand, NegotiationError, NegotiationEvent, Party};
use pacta_ledger::{CommandContext, LedgerError};

on_both_stores!(
    a_negotiator_of_one_state_cannot_open_as_another_states_head,
    a_person_on_no_register_cannot_name_themselves_head_of_france,
    a_negotiation_is_live_for_another_party_once_its_head_accepts,
    the_register_refuses_bad_input_and_keeps_who_could_act,
);

const NEG: &str = "civ-mar-register";

/// The operator's register for these tests: Côte d'Ivoire's head and negotiator, Morocco's head
/// and negotiator.
fn register_delegations(store: &TestStore) {
    for (person, name, party) in [
        ("amina.kone", "Amina Koné", "CIV"),
        ("koffi.yao", "Koffi Yao", "CIV"),
        ("youssef.benali", "Youssef Benali", "MAR"),
        ("salma.idrissi", "Salma Idrissi", "MAR"),
    ] {
        register(store, person, name, party);
    }
}

fn opening(opener: &str, civ_head: &str, mar_head: &str) -> NegotiationCommand {
    let party = |code: &str, name: &str, head: &str| Party::new(code, name, head, "");
    let parties = [
        party("CIV", "Côte d'Ivoire", civ_head),
        party("MAR", "Maroc", mar_head),
    ];
    let kind = pacta_domain::InstrumentKind::Mou;
    open_command(opener, NEG, "Mémorandum d'entente", kind, &parties, &["fr"])
}

/// The terms of `pacta open NEG`: a French MoU between Côte d'Ivoire, headed by `amina.kone`,
/// and Morocco, as `mar` gives it (`MAR|Maroc|HEAD` or `MAR|Maroc|HEAD|NAME`).
fn open_terms(mar: &str) -> [&str; 10] {
    [
        "--title",
        "Mémorandum",
        "--kind",
        "mou",
        "--language",
        "fr",
        "--party",
        "CIV|Côte d'Ivoire|amina.kone",
        "--party",
        mar,
    ]
}

async fn a_negotiator_of_one_state_cannot_open_as_another_states_head(backend: Backend) {
    let store = TestStore::new(backend).await;
    register_delegations(&store);
    // Through the ledger: a Côte d'Ivoire negotiator names himself head of Morocco's delegation.
    let ledger = store.ledger().0;
    let impersonation = opening("koffi.yao", "amina.kone", "koffi.yao");
    let refused_open = ledger
        .execute(NEG, impersonation, &CommandContext::default())
        .await;
    assert!(
        matches!(
            &refused_open,
            Err(LedgerError::Refused {
                reason: NegotiationError::NotBoundToParty { person, party },
                ..
            }) if person == "koffi.yao" && party == "MAR"
        ),
        "{refused_open:?}"
    );
    assert_eq!(store.event_count().await, 0, "nothing was recorded");
    assert!(matches!(
        ledger.events(NEG).await,
        Err(LedgerError::UnknownNegotiation(_))
    ));

    // Through the CLI, under a display name of his choosing: refused, nothing recorded.
    let neg = Negotiation::new(&store, NEG);
    let terms = open_terms("MAR|Maroc|koffi.yao|Youssef Benali");
    neg.refused(
        "koffi.yao",
        "open",
        &terms,
        ExitCode::Refused,
        "'koffi.yao' is not registered as acting for MAR",
    )
    .await;
    // Morocco's real head, under another name than the register's: refused too.
    let misnamed = open_terms("MAR|Maroc|youssef.benali|Ambassadeur du Maroc");
    neg.refused(
        "amina.kone",
        "open",
        &misnamed,
        ExitCode::Refused,
        "'youssef.benali' is registered as 'Youssef Benali', not 'Ambassadeur du Maroc'",
    )
    .await;
    let unknown = pacta(&store, &neg.read_args("status", &[]));
    assert_fails(&unknown, ExitCode::Refused, "does not exist");

    // The real heads, named without names: recorded under the register's names.
    ledger
        .execute(
            NEG,
            opening("amina.kone", "amina.kone", "youssef.benali"),
            &CommandContext::default(),
        )
        .await
        .unwrap();
    let events = ledger.events(NEG).await.unwrap();
    let NegotiationEvent::NegotiationOpened {
        parties,
        awaiting_acceptance,
        ..
    } = &events[0].payload
    else {
        panic!("an opening: {:?}", events[0].payload);
    };
    let heads: Vec<&str> = parties
        .iter()
        .map(|p| p.head_of_delegation.name.as_str())
        .collect();
    assert_eq!(heads, ["Amina Koné", "Youssef Benali"]);
    assert_eq!(awaiting_acceptance, &["MAR"]);
}

async fn a_person_on_no_register_cannot_name_themselves_head_of_france(backend: Backend) {
    let server = Server::start(backend).await;
    register_delegations(&server.store);
    let intruder = server.token("intruder").await;
    let france = json!({
        "type": "open-negotiation",
        "negotiation_id": NEG,
        "title": "Accord",
        "instrument_kind": "agreement",
        "parties": [
            {"code": "FRA", "name": "France",
             "head_of_delegation": {"person": "intruder", "name": "Ministre"}},
            {"code": "CIV", "name": "Côte d'Ivoire",
             "head_of_delegation": {"person": "amina.kone"}},
        ],
        "languages": ["fr"],
    });
    server
        .command_refused(
            NEG,
            &intruder,
            france,
            StatusCode::FORBIDDEN,
            "not-registered",
        )
        .await;
    assert_eq!(server.store.event_count().await, 0);
    let amina = server.token("amina.kone").await;
    for token in [&intruder, &amina] {
        let list = server.json("/api/negotiations", token).await;
        assert_eq!(list, json!([]), "nothing to list");
        server
            .get(&format!("/api/negotiations/{NEG}/draft"), Some(token))
            .await
            .assert_error(StatusCode::NOT_FOUND, "unknown-negotiation");
    }
}

/// The negotiation ids `token`'s person finds in their list, each with the parties it awaits.
async fn listed(server: &Server, token: &str) -> Vec<(String, Value)> {
    let list = server.json("/api/negotiations", token).await;
    list.as_array()
        .unwrap()
        .iter()
        .map(|entry| {
            let awaiting = entry
                .get("awaiting_acceptance")
                .cloned()
                .unwrap_or(json!([]));
            (
                entry["negotiation_id"].as_str().unwrap().to_string(),
                awaiting,
            )
        })
        .collect()
}

async fn a_negotiation_is_live_for_another_party_once_its_head_accepts(backend: Backend) {
    let server = Server::start(backend).await;
    register_delegations(&server.store);
    let [amina, youssef, salma] =
        ["amina.kone", "youssef.benali", "salma.idrissi"].map(|person| server.token(person));
    let (amina, youssef, salma) = (amina.await, youssef.await, salma.await);
    let opening =
        serde_json::to_value(opening("amina.kone", "amina.kone", "youssef.benali").action).unwrap();
    let opened = server.command(NEG, &amina, "open", opening).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.text());

    // Morocco's negotiator finds nothing; its named head finds it awaiting his acceptance, and
    // may read it to decide.
    let awaiting = vec![(NEG.to_string(), json!(["MAR"]))];
    assert_eq!(listed(&server, &amina).await, awaiting);
    assert_eq!(listed(&server, &youssef).await, awaiting);
    assert_eq!(listed(&server, &salma).await, vec![]);
    server
        .get(&format!("/api/negotiations/{NEG}/draft"), Some(&salma))
        .await
        .assert_error(StatusCode::NOT_FOUND, "unknown-negotiation");
    server
        .get(&format!("/api/negotiations/{NEG}/draft"), Some(&youssef))
        .await
        .ok(StatusCode::OK);
    // The pages take the cookie of a session signed in with the token.
    let session = server.sign_in(&youssef).await;
    let index = server.client.get(server.url("/"));
    let page = server
        .send(index.header(reqwest::header::COOKIE, session))
        .await;
    assert!(
        page.text().contains("awaiting your acceptance"),
        "{}",
        page.text()
    );
    // The operator's CLI shows it awaiting Morocco, in the list and the status.
    let store = &server.store;
    let printed = ok(store, &["list"]);
    assert!(printed.contains("awaiting acceptance by MAR"), "{printed}");
    assert!(ok(store, &["status", NEG]).contains("Awaiting acceptance by: MAR"));

    // Until he accepts, no one acts for Morocco: not even its head, for anything but accepting.
    let accredit = json!({"type": "accredit-delegate", "person": "salma.idrissi",
                          "party": "MAR", "role": "negotiator"});
    server
        .command_refused(
            NEG,
            &youssef,
            accredit.clone(),
            StatusCode::FORBIDDEN,
            "awaiting-acceptance",
        )
        .await;
    // Côte d'Ivoire cannot accept on Morocco's behalf, nor for itself.
    server
        .command_refused(
            NEG,
            &amina,
            json!({"type": "accept-negotiation"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "not-awaiting-acceptance",
        )
        .await;
    // Côte d'Ivoire prepares the text meanwhile.
    let proposal = json!({"type": "propose-clause", "clause_id": "art-1", "kind": "article",
                          "language": "fr", "text": "Les Parties coopèrent."});
    let proposed = server.command(NEG, &amina, "propose", proposal).await;
    assert_eq!(proposed.status, StatusCode::CREATED, "{}", proposed.text());

    let accepted = server
        .command(
            NEG,
            &youssef,
            "accept",
            json!({"type": "accept-negotiation"}),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.text());
    assert_eq!(
        accepted.json()["events"][0]["event_type"],
        "NegotiationAccepted"
    );
    let live = vec![(NEG.to_string(), json!([]))];
    assert_eq!(listed(&server, &youssef).await, live);
    let accredited = server.command(NEG, &youssef, "accredit", accredit).await;
    assert_eq!(
        accredited.status,
        StatusCode::CREATED,
        "{}",
        accredited.text()
    );
    assert_eq!(listed(&server, &salma).await, live);
    assert!(!ok(store, &["status", NEG]).contains("Awaiting acceptance"));
    assert_eq!(store.event_count().await, 4);
    let verified = stdout(&pacta(store, &["verify"]));
    assert!(verified.contains("4 events, chain intact"), "{verified}");
}

/// Everyone on the register as `pacta person list --json` prints it.
fn persons(store: &TestStore) -> Value {
    json(store, &["person", "list"])
}

async fn the_register_refuses_bad_input_and_keeps_who_could_act(backend: Backend) {
    let store = TestStore::new(backend).await;
    register(&store, "amina.kone", "Amina Koné", "CIV");
    let before = persons(&store);
    let add = |person: &'static str, rest: &[&'static str]| {
        [&["person", "add", person][..], rest].concat()
    };
    for (args, code, expected) in [
        (
            add("Amina.Kone", &["--name", "A", "--party", "CIV"]),
            ExitCode::Usage,
            "person id 'Amina.Kone' is not a valid identifier",
        ),
        (
            add("awa.diallo", &["--name", " ", "--party", "CIV"]),
            ExitCode::Usage,
            "person name must not be empty",
        ),
        (
            add(
                "awa.diallo",
                &["--name", "Awa \u{202E}Diallo", "--party", "CIV"],
            ),
            ExitCode::Usage,
            "U+202E",
        ),
        (
            add("awa.diallo", &["--name", "Awa Diallo", "--party", "civ"]),
            ExitCode::Usage,
            "'civ' is not a party code",
        ),
        (
            add("awa.diallo", &["--party", "CIV"]),
            ExitCode::Usage,
            "give their full name",
        ),
        (
            add("amina.kone", &["--name", "Aminata Koné", "--party", "MAR"]),
            ExitCode::Refused,
            "'amina.kone' is registered as 'Amina Koné', not 'Aminata Koné'",
        ),
        (
            vec!["person", "unbind", "nobody", "--party", "CIV"],
            ExitCode::Refused,
            "'nobody' is not on the register",
        ),
        (
            vec!["person", "unbind", "amina.kone", "--party", "MAR"],
            ExitCode::Refused,
            "'amina.kone' is not bound to MAR",
        ),
    ] {
        refused(&store, &args, code, expected).await;
        assert_eq!(persons(&store), before, "{args:?} changed nothing");
    }

    // A person gains a party without repeating their name; unbinding keeps the record.
    ok(&store, &["person", "add", "amina.kone", "--party", "IOM"]);
    ok(
        &store,
        &["person", "unbind", "amina.kone", "--party", "CIV"],
    );
    let listed = persons(&store);
    let bindings = listed[0]["parties"].as_array().unwrap();
    let civ = bindings.iter().find(|b| b["party"] == "CIV").unwrap();
    assert!(civ["unbound_at"].is_string(), "{listed}");
    let iom = bindings.iter().find(|b| b["party"] == "IOM").unwrap();
    assert!(iom["unbound_at"].is_null(), "{listed}");
    // Unbound, she can no longer be named for Côte d'Ivoire.
    let neg = Negotiation::new(&store, NEG);
    let terms = open_terms("MAR|Maroc|youssef.benali");
    neg.refused(
        "amina.kone",
        "open",
        &terms,
        ExitCode::Refused,
        "'amina.kone' is not registered as acting for CIV",
    )
    .await;
    // Bound again, a new binding is on record beside the ended one.
    ok(&store, &["person", "add", "amina.kone", "--party", "CIV"]);
    let listed = persons(&store);
    let civ_bindings = listed[0]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["party"] == "CIV")
        .count();
    assert_eq!(civ_bindings, 2, "{listed}");
}
