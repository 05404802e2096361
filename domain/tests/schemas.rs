//! The JSON Schemas in `docs/schemas/` are generated from the types the ledger stores, and this
//! test keeps them so: it generates them again and compares them byte for byte with the files.
//! After a change to an event, regenerate them with the command the failure prints, and review
//! the diff like any change to the published format.
#![cfg(feature = "schema")]

use std::path::PathBuf;

use pacta_domain::metadata::StoredMetadata;
use pacta_domain::NegotiationEvent;

/// Set to write the generated schemas over the checked-in files instead of comparing them.
const BLESS: &str = "PACTA_BLESS_SCHEMAS";
const BLESS_COMMAND: &str =
    "PACTA_BLESS_SCHEMAS=1 cargo test -p pacta-domain --features schema --test schemas";

fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/schemas")
}

/// The schema of `T`, pretty-printed with its keys sorted (whatever serde_json's `preserve_order`
/// feature, which another crate of a build may turn on) and a final newline.
fn generated<T: schemars::JsonSchema>() -> String {
    let schema = schemars::schema_for!(T).to_value();
    let canonical = serde_json_canonicalizer::to_vec(&schema).expect("a schema canonicalises");
    let sorted: serde_json::Value = serde_json::from_slice(&canonical).expect("canonical JSON");
    let mut text = serde_json::to_string_pretty(&sorted).expect("a schema is JSON");
    text.push('\n');
    text
}

fn check(file: &str, generated: String) {
    let path = schemas_dir().join(file);
    if std::env::var_os(BLESS).is_some() {
        std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == generated,
        "docs/schemas/{file} is not the schema of the Rust types: regenerate it with\n    \
         {BLESS_COMMAND}\nand review the diff"
    );
}

#[test]
fn the_published_event_payload_schema_is_the_one_the_types_derive() {
    check(
        "negotiation-event.schema.json",
        generated::<NegotiationEvent>(),
    );
}

#[test]
fn the_published_event_metadata_schema_is_the_one_the_types_derive() {
    check("event-metadata.schema.json", generated::<StoredMetadata>());
}
