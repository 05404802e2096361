//! The JSON Schemas of docs/schemas/ describe real events: every event of the CLI demo's two
//! negotiations, as a store returns it, is valid against the checked-in files (pacta-domain's
//! `tests/schemas.rs` keeps the files equal to what the Rust types derive). And they are not so
//! loose that anything passes: a payload missing a field, of an unknown type or with a field of the
//! wrong type, and metadata with a field the document does not define, are refused.

use std::collections::BTreeSet;

use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};
use serde_json::{json, Value};

use crate::common::cli::ok;
use crate::common::{Backend, TestStore};

on_both_stores!(every_event_of_the_demo_is_valid_against_the_published_schemas);

fn validator(file: &str) -> jsonschema::Validator {
    let path = format!("{}/docs/schemas/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{path} is not a valid JSON Schema: {e}"))
}

/// Every way `value` fails `validator`, one line each; empty when it is valid.
fn problems(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

async fn every_event_of_the_demo_is_valid_against_the_published_schemas(backend: Backend) {
    let store = TestStore::new(backend).await;
    ok(&store, &["demo"]);
    let payloads = validator("negotiation-event.schema.json");
    let metadata = validator("event-metadata.schema.json");
    let mut event_types = BTreeSet::new();
    let mut events = 0;
    for negotiation in [DEMO_NEGOTIATION, DEMO_AGREEMENT] {
        let stored = store
            .database
            .read_stream_before(negotiation, usize::MAX)
            .await
            .unwrap();
        for event in stored {
            let place = format!("{negotiation} event {}", event.sequence);
            let found = problems(&payloads, &event.payload);
            assert!(found.is_empty(), "{place}: its payload: {found:#?}");
            let found = problems(&metadata, &event.metadata);
            assert!(found.is_empty(), "{place}: its metadata: {found:#?}");
            assert_eq!(
                event.payload.as_object().and_then(|p| p.keys().next()),
                Some(&event.event_type),
                "{place}: the payload is keyed by its event type"
            );
            event_types.insert(event.event_type);
            events += 1;
        }
    }
    assert!(events > 100, "the demo holds {events} events");
    assert!(
        event_types.len() >= 15,
        "the demo exercises {} event types: {event_types:?}",
        event_types.len()
    );

    // A sample of what the schemas refuse, each next to the valid payload it was made from.
    let signed = json!({"InstrumentSigned": {
        "party": "CIV", "signatory": "minister.civ", "capacity": "definitive",
        "text_root_hash": "44f99b6ed608554018cee2b18784f206a4ebb67ccdde09b6aa2338e73670b7a6",
        "signed_on": "2026-05-04", "signature": "00"}});
    assert_eq!(problems(&payloads, &signed), Vec::<String>::new());
    let mut no_signature = signed.clone();
    no_signature["InstrumentSigned"]
        .as_object_mut()
        .unwrap()
        .remove("signature");
    let mut unknown_capacity = signed.clone();
    unknown_capacity["InstrumentSigned"]["capacity"] = "provisional".into();
    let mut not_a_date = signed.clone();
    not_a_date["InstrumentSigned"]["signed_on"] = "4 May 2026".into();
    let mut revision_as_text = signed.clone();
    revision_as_text["InstrumentSigned"]["revision"] = "1".into();
    let unknown_type = json!({"InstrumentSealed": signed["InstrumentSigned"].clone()});
    let two_events = json!({
        "InstrumentSigned": signed["InstrumentSigned"].clone(),
        "TextAdopted": {"party": "CIV", "text_root_hash": "00"}});
    for (refused, what) in [
        (no_signature, "a missing field"),
        (unknown_capacity, "an unknown capacity"),
        (not_a_date, "a date not in YYYY-MM-DD"),
        (revision_as_text, "a revision written as text"),
        (unknown_type, "an unknown event type"),
        (two_events, "two event types in one payload"),
    ] {
        assert!(
            !payloads.is_valid(&refused),
            "{what} passes the payload schema: {refused}"
        );
    }
    let recorded = json!({
        "recorded_at": "2026-03-02T09:00:00.000000Z", "actor": "amina.kone", "party": "CIV",
        "role": "head-of-delegation", "command_id": "c-1",
        "prev_hash": "0".repeat(64), "hash": "a".repeat(64)});
    assert_eq!(problems(&metadata, &recorded), Vec::<String>::new());
    let mut undefined_field = recorded.clone();
    undefined_field["signed_by"] = "amina.kone".into();
    let mut seconds_only = recorded.clone();
    seconds_only["recorded_at"] = "2026-03-02T09:00:00Z".into();
    let mut no_hash = recorded.clone();
    no_hash.as_object_mut().unwrap().remove("hash");
    for (refused, what) in [
        (undefined_field, "a field the document does not define"),
        (seconds_only, "a time without microseconds"),
        (no_hash, "no chain hash"),
    ] {
        assert!(
            !metadata.is_valid(&refused),
            "{what} passes the metadata schema: {refused}"
        );
    }
}
