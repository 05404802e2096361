//! The per-negotiation hash chain, exactly as `docs/ledger-format.md` publishes it.
//!
//! `hash_n = SHA-256(CHAIN_DOMAIN_TAG ‖ hash_(n-1) ‖ JCS(record_n))`, with `hash_0` 32 zero
//! bytes. The record is the stored event without its two chain fields, so the chain can be
//! recomputed from what the database returns, whatever it did to the JSON's key order or
//! spacing. Pure: no I/O, so that auditors' tools and tests can use it on any copy of the events.

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

pub const CHAIN_DOMAIN_TAG: &[u8] = b"pacta:event-chain:v1\0";
pub const GENESIS_HASH: [u8; 32] = [0; 32];
pub use pacta_domain::metadata::{HASH as HASH_KEY, PREV_HASH as PREV_HASH_KEY};

pub type Hash = [u8; 32];

/// A stored event as the format document defines its fields (§2): what the chain hashes.
///
/// A trait rather than one struct so that the ledger hashes cqrs-es's own `SerializedEvent`
/// in place (with the `cqrs-es` feature) while an auditor's tool, which has no cqrs-es, uses
/// [`StoredEvent`]. Both name the same seven fields.
pub trait Record {
    fn aggregate_type(&self) -> &str;
    fn aggregate_id(&self) -> &str;
    fn sequence(&self) -> usize;
    fn event_type(&self) -> &str;
    fn event_version(&self) -> &str;
    fn payload(&self) -> &Value;
    fn metadata(&self) -> &Value;
    /// Where `seal` writes the chain fields.
    fn metadata_mut(&mut self) -> &mut Value;
}

/// One stored event, field for field as the database keeps it.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredEvent {
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: usize,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
    pub metadata: Value,
}

macro_rules! record_fields {
    () => {
        fn aggregate_type(&self) -> &str {
            &self.aggregate_type
        }
        fn aggregate_id(&self) -> &str {
            &self.aggregate_id
        }
        fn sequence(&self) -> usize {
            self.sequence
        }
        fn event_type(&self) -> &str {
            &self.event_type
        }
        fn event_version(&self) -> &str {
            &self.event_version
        }
        fn payload(&self) -> &Value {
            &self.payload
        }
        fn metadata(&self) -> &Value {
            &self.metadata
        }
        fn metadata_mut(&mut self) -> &mut Value {
            &mut self.metadata
        }
    };
}

impl Record for StoredEvent {
    record_fields!();
}

#[cfg(feature = "cqrs-es")]
impl Record for cqrs_es::persist::SerializedEvent {
    record_fields!();
}

/// The RFC 8785 canonical bytes of an event's record: every stored field except the two chain
/// fields in its metadata.
pub fn canonical_record(event: &impl Record) -> Result<Vec<u8>, serde_json::Error> {
    let metadata = || {
        event
            .metadata()
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(key, _)| !is_chain_field(key))
    };
    // The hot path of every load: serialise the borrowed fields in canonical key order.
    let metadata_is_canonical = event.metadata().is_object()
        && metadata().all(|(key, value)| sorts_alike(key) && compact_output_is_canonical(value))
        && metadata()
            .zip(metadata().skip(1))
            .all(|((a, _), (b, _))| a < b);
    if metadata_is_canonical && compact_output_is_canonical(event.payload()) {
        return serde_json::to_vec(&BorrowedRecord {
            aggregate_id: event.aggregate_id(),
            aggregate_type: event.aggregate_type(),
            event_type: event.event_type(),
            event_version: event.event_version(),
            metadata: ChainlessMetadata(event.metadata()),
            payload: event.payload(),
            sequence: event.sequence(),
        });
    }
    canonical_record_generic(event)
}

/// The definition, straight from the format document: build the record, canonicalise it.
fn canonical_record_generic(event: &impl Record) -> Result<Vec<u8>, serde_json::Error> {
    let metadata = match event.metadata() {
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .filter(|(key, _)| !is_chain_field(key))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<String, Value>>(),
        ),
        other => other.clone(),
    };
    let record = json!({
        "aggregate_type": event.aggregate_type(),
        "aggregate_id": event.aggregate_id(),
        "sequence": event.sequence(),
        "event_type": event.event_type(),
        "event_version": event.event_version(),
        "payload": event.payload(),
        "metadata": metadata,
    });
    serde_json_canonicalizer::to_vec(&record)
}

fn is_chain_field(key: &str) -> bool {
    key == PREV_HASH_KEY || key == HASH_KEY
}

/// The record with its fields declared in RFC 8785 order (serde keeps declaration order).
#[derive(serde::Serialize)]
struct BorrowedRecord<'a> {
    aggregate_id: &'a str,
    aggregate_type: &'a str,
    event_type: &'a str,
    event_version: &'a str,
    metadata: ChainlessMetadata<'a>,
    payload: &'a Value,
    sequence: usize,
}

/// Metadata without its chain fields, serialised in key order without copying.
struct ChainlessMetadata<'a>(&'a Value);

impl serde::Serialize for ChainlessMetadata<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = self
            .0
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(key, _)| !is_chain_field(key));
        serializer.collect_map(fields)
    }
}

/// RFC 8785 bytes of `value`.
///
/// The general canonicaliser re-parses every key and buffers every property, about 20 µs for a
/// typical event: too slow for verifying a whole negotiation on each command. For the values
/// Pacta stores (object keys whose UTF-8 order is their UTF-16 order, integers within ±2^53)
/// RFC 8785 output is exactly serde_json's compact output with keys in order, about 1 µs. The
/// fast path checks those conditions on the value itself and falls back otherwise, so the bytes
/// are RFC 8785 either way (a test compares both paths).
pub fn canonical_json(value: &Value) -> Result<Vec<u8>, serde_json::Error> {
    if compact_output_is_canonical(value) {
        serde_json::to_vec(value)
    } else {
        serde_json_canonicalizer::to_vec(value)
    }
}

/// Largest integer RFC 8785 (ECMAScript numbers) prints exactly as serde_json does.
const MAX_EXACT_INTEGER: u64 = 1 << 53;

/// Below U+D800, UTF-16 code units equal code points, whose order UTF-8 bytes keep.
fn sorts_alike(key: &str) -> bool {
    key.chars().all(|c| u32::from(c) < 0xD800)
}

fn compact_output_is_canonical(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(_) | Value::String(_) => true,
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_i64().map(i64::unsigned_abs))
            .is_some_and(|magnitude| magnitude <= MAX_EXACT_INTEGER),
        Value::Array(items) => items.iter().all(compact_output_is_canonical),
        Value::Object(fields) => {
            let keys_sort_alike = fields.keys().all(|k| sorts_alike(k));
            let keys_in_order = fields.keys().zip(fields.keys().skip(1)).all(|(a, b)| a < b);
            keys_sort_alike && keys_in_order && fields.values().all(compact_output_is_canonical)
        }
    }
}

pub fn link_hash(prev: &Hash, canonical_record: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update(CHAIN_DOMAIN_TAG);
    hasher.update(prev);
    hasher.update(canonical_record);
    hasher.finalize().into()
}

/// Writes both chain fields into the event's metadata, linking it to `prev`; returns its hash.
pub fn seal(event: &mut impl Record, prev: &Hash) -> Result<Hash, serde_json::Error> {
    let hash = link_hash(prev, &canonical_record(event)?);
    if let Value::Object(fields) = event.metadata_mut() {
        fields.insert(PREV_HASH_KEY.into(), Value::String(hex::encode(prev)));
        fields.insert(HASH_KEY.into(), Value::String(hex::encode(hash)));
    }
    Ok(hash)
}

/// Where and why a stored stream fails to verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("integrity error in negotiation '{aggregate_id}' at sequence {sequence}: {problem}")]
pub struct ChainError {
    pub aggregate_id: String,
    pub sequence: usize,
    pub problem: ChainProblem,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainProblem {
    #[error("expected sequence {expected}; an event is missing or out of place")]
    SequenceGap { expected: usize },
    #[error("the event has no valid '{0}' field")]
    MissingChainField(&'static str),
    #[error("it links to {stored} but the previous event hashes to {expected}")]
    BrokenLink { stored: String, expected: String },
    #[error(
        "its content hashes to {computed} but the ledger recorded {stored}: the event was altered"
    )]
    ContentAltered { stored: String, computed: String },
    #[error("its record cannot be canonicalised: {0}")]
    NotCanonicalisable(String),
}

/// The end of a verified stream: what the next event must link to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainHead {
    pub sequence: usize,
    pub hash: Hash,
}

impl ChainHead {
    pub const EMPTY: ChainHead = ChainHead {
        sequence: 0,
        hash: GENESIS_HASH,
    };
}

/// Recomputes every link of one negotiation's stream, in sequence order, from the first event.
pub fn verify_stream(aggregate_id: &str, events: &[impl Record]) -> Result<ChainHead, ChainError> {
    let mut head = ChainHead::EMPTY;
    for event in events {
        head = verify_next(aggregate_id, head, event)?;
    }
    Ok(head)
}

/// Checks that `event` is the one that follows `head`, and returns the new head.
pub fn verify_next(
    aggregate_id: &str,
    head: ChainHead,
    event: &impl Record,
) -> Result<ChainHead, ChainError> {
    verify_next_sealed(aggregate_id, head, event, read_seal(event))
}

/// What an event's chain fields say, with the hash its content gives under the previous hash it
/// records. Independent of every other event, so a reader can compute seals in parallel (or
/// ahead, while it folds the events before) and check the links in order afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    stored_prev: Hash,
    stored_hash: Hash,
    /// Or why the record cannot be canonicalised; reported only once the link is checked.
    computed_hash: Result<Hash, String>,
}

pub fn read_seal(event: &impl Record) -> Result<Seal, ChainProblem> {
    let stored_prev =
        chain_field(event, PREV_HASH_KEY).ok_or(ChainProblem::MissingChainField(PREV_HASH_KEY))?;
    let stored_hash =
        chain_field(event, HASH_KEY).ok_or(ChainProblem::MissingChainField(HASH_KEY))?;
    Ok(Seal {
        stored_prev,
        stored_hash,
        computed_hash: canonical_record(event)
            .map(|canonical| link_hash(&stored_prev, &canonical))
            .map_err(|e| e.to_string()),
    })
}

/// `verify_next` with the seal already read: the same checks in the same order, so the first
/// problem reported is the same.
pub fn verify_next_sealed(
    aggregate_id: &str,
    head: ChainHead,
    event: &impl Record,
    seal: Result<Seal, ChainProblem>,
) -> Result<ChainHead, ChainError> {
    let expected_sequence = head.sequence + 1;
    let fail = |problem| ChainError {
        aggregate_id: aggregate_id.to_string(),
        sequence: expected_sequence,
        problem,
    };
    if event.sequence() != expected_sequence || event.aggregate_id() != aggregate_id {
        return Err(fail(ChainProblem::SequenceGap {
            expected: expected_sequence,
        }));
    }
    let seal = seal.map_err(fail)?;
    if seal.stored_prev != head.hash {
        return Err(fail(ChainProblem::BrokenLink {
            stored: hex::encode(seal.stored_prev),
            expected: hex::encode(head.hash),
        }));
    }
    let computed = seal
        .computed_hash
        .map_err(|e| fail(ChainProblem::NotCanonicalisable(e)))?;
    if computed != seal.stored_hash {
        return Err(fail(ChainProblem::ContentAltered {
            stored: hex::encode(seal.stored_hash),
            computed: hex::encode(computed),
        }));
    }
    Ok(ChainHead {
        sequence: expected_sequence,
        hash: computed,
    })
}

/// The hash an event records for itself, if it carries a well-formed one.
pub fn hash_field(event: &impl Record) -> Option<Hash> {
    chain_field(event, HASH_KEY)
}

/// A chain field as the format defines it: exactly 64 lower-case hex digits. The chain fields
/// are outside the hashed record, so any other spelling of the same bytes is refused rather than
/// tolerated.
fn chain_field(event: &impl Record, key: &str) -> Option<Hash> {
    let text = event.metadata().get(key)?.as_str()?;
    let lower_hex = text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    let mut hash = [0u8; 32];
    hex::decode_to_slice(text, &mut hash).ok()?;
    lower_hex.then_some(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(sequence: usize, text: &str) -> StoredEvent {
        StoredEvent {
            aggregate_id: "neg-1".into(),
            sequence,
            aggregate_type: "Negotiation".into(),
            event_type: "Commented".into(),
            event_version: "1".into(),
            payload: json!({"Commented": {"clause_id": null, "text": text}}),
            metadata: json!({"actor": "a", "recorded_at": "2026-01-01T00:00:00Z"}),
        }
    }

    fn sealed_stream(texts: &[&str]) -> Vec<StoredEvent> {
        let mut prev = GENESIS_HASH;
        texts
            .iter()
            .enumerate()
            .map(|(i, text)| {
                let mut e = event(i + 1, text);
                prev = seal(&mut e, &prev).unwrap();
                e
            })
            .collect()
    }

    #[test]
    fn the_fast_canonical_path_matches_rfc_8785() {
        let values = [
            json!({"b": 1, "a": [true, null, -3, 9007199254740992_u64], "é": "Côte d'Ivoire « ar: المغرب »"}),
            json!({"ctl": "tab\there\nline\u{1}\u{7f}\"quoted\"\\", "emoji": "🤝", "n": {"z": {}, "y": []}}),
            // Keys that sort differently in UTF-8 and UTF-16, and numbers beyond 2^53: fallback.
            json!({"\u{E000}": 1, "\u{10000}": 2}),
            json!({"big": 9007199254740993_u64, "float": 1.5, "neg": -9007199254740993_i64}),
        ];
        for value in values {
            let expected = serde_json_canonicalizer::to_vec(&value).unwrap();
            assert_eq!(canonical_json(&value).unwrap(), expected, "{value}");
        }
        assert!(!compact_output_is_canonical(
            &json!({"\u{E000}": 1, "\u{10000}": 2})
        ));
        assert!(compact_output_is_canonical(
            &json!({"b": {"d": 1, "c": "é"}, "a": [1]})
        ));
    }

    fn arbitrary_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<u64>().prop_map(|n| json!(n)),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(any::<String>(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn canonical_json_is_rfc_8785_for_any_value(value in arbitrary_json()) {
            let expected = serde_json_canonicalizer::to_vec(&value).unwrap();
            proptest::prop_assert_eq!(canonical_json(&value).unwrap(), expected);
        }

        #[test]
        fn the_fast_record_path_matches_the_definition(payload in arbitrary_json(), metadata in arbitrary_json()) {
            let mut event = event(3, "");
            event.payload = payload;
            if metadata.is_object() {
                event.metadata = metadata;
            }
            seal(&mut event, &GENESIS_HASH).unwrap();
            proptest::prop_assert_eq!(canonical_record(&event).unwrap(), canonical_record_generic(&event).unwrap());
        }
    }

    #[test]
    fn a_sealed_stream_verifies_and_reports_its_head() {
        let stream = sealed_stream(&["a", "b", "c"]);
        let head = verify_stream("neg-1", &stream).unwrap();
        assert_eq!(head.sequence, 3);
        assert_eq!(
            hex::encode(head.hash),
            stream[2].metadata[HASH_KEY].as_str().unwrap()
        );
    }

    #[test]
    fn key_order_and_spacing_of_stored_json_do_not_matter() {
        let stream = sealed_stream(&["a"]);
        let reparsed: Value =
            serde_json::from_str(&serde_json::to_string_pretty(&stream[0].payload).unwrap())
                .unwrap();
        let mut copy = stream[0].clone();
        copy.payload = reparsed;
        verify_stream("neg-1", &[copy]).unwrap();
    }

    #[test]
    fn every_kind_of_damage_is_named_with_its_sequence() {
        let stream = sealed_stream(&["a", "b", "c"]);

        let mut altered = stream.clone();
        altered[1].payload = json!({"Commented": {"clause_id": null, "text": "B"}});
        let err = verify_stream("neg-1", &altered).unwrap_err();
        assert_eq!(err.sequence, 2);
        assert!(matches!(err.problem, ChainProblem::ContentAltered { .. }));

        let mut missing = stream.clone();
        missing.remove(1);
        let err = verify_stream("neg-1", &missing).unwrap_err();
        assert_eq!(
            (err.sequence, err.problem),
            (2, ChainProblem::SequenceGap { expected: 2 })
        );

        let mut relinked = stream.clone();
        relinked[2].metadata[PREV_HASH_KEY] = Value::String(hex::encode([7u8; 32]));
        let err = verify_stream("neg-1", &relinked).unwrap_err();
        assert_eq!(err.sequence, 3);
        assert!(matches!(err.problem, ChainProblem::BrokenLink { .. }));

        let mut upper_case = stream.clone();
        let shouted = upper_case[1].metadata[HASH_KEY]
            .as_str()
            .unwrap()
            .to_uppercase();
        upper_case[1].metadata[HASH_KEY] = Value::String(shouted);
        let err = verify_stream("neg-1", &upper_case).unwrap_err();
        assert_eq!(
            (err.sequence, err.problem),
            (2, ChainProblem::MissingChainField(HASH_KEY))
        );

        let mut unsealed = stream;
        unsealed[0]
            .metadata
            .as_object_mut()
            .unwrap()
            .remove(HASH_KEY);
        let err = verify_stream("neg-1", &unsealed).unwrap_err();
        assert_eq!(err.problem, ChainProblem::MissingChainField(HASH_KEY));
    }
}
