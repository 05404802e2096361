//! Hash prefixes on the command line. Views print hashes shortened to 12 hex digits; an act may
//! name a wording, a text root, minutes or a row by any unique prefix of at least
//! [`MIN_HASH_PREFIX_HEX_DIGITS`] hex digits of one of the negotiation's hashes. The prefix is
//! resolved here, before the command is sent, so the command the ledger decides and records
//! always carries the full hash: agreement still binds exactly one wording.

use std::collections::BTreeMap;

use cqrs_es::EventEnvelope;
use pacta_domain::{Action, Negotiation};
use serde_json::Value;

/// The fewest hex digits a prefix may have: 8 digits (32 bits) keep an accidental match among a
/// negotiation's few thousand hashes unlikely, and any match is still checked for uniqueness.
pub const MIN_HASH_PREFIX_HEX_DIGITS: usize = 8;
/// A full SHA-256 in lower-case hex.
pub const HASH_HEX_DIGITS: usize = 64;

/// Why a hash prefix names no one hash.
#[derive(Debug, thiserror::Error)]
pub enum PrefixError {
    #[error("{field} '{prefix}' is too short: give the full hash or at least {MIN_HASH_PREFIX_HEX_DIGITS} of its hex digits")]
    TooShort { field: String, prefix: String },
    #[error("{field} '{prefix}' is the start of no hash in negotiation '{negotiation}' (see pacta draft {negotiation} or pacta status {negotiation})")]
    Unknown {
        field: String,
        prefix: String,
        negotiation: String,
    },
    #[error("{field} '{prefix}' is the start of {} hashes in negotiation '{negotiation}': {}; give more digits", .candidates.len(), .candidates.join("; "))]
    Ambiguous {
        field: String,
        prefix: String,
        negotiation: String,
        candidates: Vec<String>,
    },
}

/// Whether `action` names some hash by a prefix, so the negotiation's hashes must be read.
pub fn has_prefix(action: &Action) -> bool {
    let action = serde_json::to_value(action).expect("invariant: actions serialise");
    hash_fields(&action)
        .iter()
        .any(|(_, value)| is_prefix(value))
}

/// `action` with every hash given as a prefix replaced by the one hash of `events` it starts.
pub fn resolve(
    action: Action,
    negotiation: &str,
    events: &[EventEnvelope<Negotiation>],
) -> Result<Action, PrefixError> {
    let known = known_hashes(events);
    let mut value = serde_json::to_value(&action).expect("invariant: actions serialise");
    visit_hash_fields(&mut value, &mut |field, hash| {
        if is_prefix(hash) {
            *hash = resolve_in(&known, field, hash, negotiation)?;
        }
        Ok(())
    })?;
    Ok(serde_json::from_value(value)
        .expect("invariant: replacing a hex string by a longer one keeps the action's shape"))
}

/// One hash given on the command line as `--field`, full or as a prefix of one of `events`'
/// hashes: for an act that must know the full hash before it is sent (a signature signs it).
pub fn resolve_one(
    field: &str,
    hash: String,
    negotiation: &str,
    events: &[EventEnvelope<Negotiation>],
) -> Result<String, PrefixError> {
    if !is_prefix(&hash) {
        return Ok(hash);
    }
    resolve_in(&known_hashes(events), field, &hash, negotiation)
}

fn resolve_in(
    known: &BTreeMap<String, String>,
    field: &str,
    prefix: &str,
    negotiation: &str,
) -> Result<String, PrefixError> {
    let field = field.to_string();
    let prefix = prefix.to_ascii_lowercase();
    if prefix.len() < MIN_HASH_PREFIX_HEX_DIGITS {
        return Err(PrefixError::TooShort { field, prefix });
    }
    let matches: Vec<(&String, &String)> = known
        .range(prefix.clone()..)
        .take_while(|(full, _)| full.starts_with(prefix.as_str()))
        .collect();
    match matches.as_slice() {
        [(full, _)] => Ok((*full).clone()),
        [] => Err(PrefixError::Unknown {
            field,
            prefix,
            negotiation: negotiation.to_string(),
        }),
        many => Err(PrefixError::Ambiguous {
            field,
            prefix,
            negotiation: negotiation.to_string(),
            candidates: many
                .iter()
                .map(|(full, place)| format!("{full} ({place})"))
                .collect(),
        }),
    }
}

/// A string of hex digits shorter than a full hash: what a person typed from a shortened view.
fn is_prefix(value: &str) -> bool {
    !value.is_empty()
        && value.len() < HASH_HEX_DIGITS
        && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Whether a field of that name holds one of the negotiation's hashes: `…_hash`, and a reply
/// note's `in_reply_to` (the proposal note's text hash). A file's own hash (`scan_sha256`) is
/// not the negotiation's, and is never a prefix: the CLI computes it whole.
fn names_a_hash(name: &str) -> bool {
    name.ends_with("_hash") || name == "in_reply_to"
}

/// Calls `visit` with every string field of `value` that [`names_a_hash`], at any depth.
fn visit_hash_fields<E>(
    value: &mut Value,
    visit: &mut impl FnMut(&str, &mut String) -> Result<(), E>,
) -> Result<(), E> {
    match value {
        Value::Object(fields) => {
            for (name, field) in fields.iter_mut() {
                match field {
                    Value::String(text) if names_a_hash(name) => visit(name, text)?,
                    other => visit_hash_fields(other, visit)?,
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                visit_hash_fields(item, visit)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// Every field of `value` that [`names_a_hash`], at any depth, as (field name, value): what an
/// event records as hashes, for the look-up above and for printing what an act recorded.
pub fn hash_fields(value: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let never_fails =
        visit_hash_fields::<std::convert::Infallible>(&mut value.clone(), &mut |field, hash| {
            found.push((field.to_string(), hash.clone()));
            Ok(())
        });
    let Ok(()) = never_fails;
    found
}

/// Every full hash the negotiation's events record, with where it first appears
/// ("text_hash of ClauseProposed #5"), and the root of its current text, which no event records
/// until the text is adopted; in hex order, so the hashes a prefix starts are a range.
fn known_hashes(events: &[EventEnvelope<Negotiation>]) -> BTreeMap<String, String> {
    let mut known = BTreeMap::new();
    let state = Negotiation::replay(events.iter().map(|e| &e.payload));
    known.insert(state.text_root_hash(), "the current text root".to_string());
    for event in events {
        let payload = serde_json::to_value(&event.payload).expect("invariant: events serialise");
        let (kind, sequence) = (event.payload.name(), event.sequence);
        for (field, hash) in hash_fields(&payload) {
            if hash.len() == HASH_HEX_DIGITS {
                known
                    .entry(hash)
                    .or_insert_with(|| format!("{field} of {kind} #{sequence}"));
            }
        }
    }
    known
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(hashes: &[&str]) -> BTreeMap<String, String> {
        hashes
            .iter()
            .enumerate()
            .map(|(i, h)| (h.repeat(64 / h.len()), format!("hash {i}")))
            .collect()
    }

    #[test]
    fn a_unique_prefix_resolves_to_its_full_hash() {
        let known = known(&["ab", "cd"]);
        let full = "ab".repeat(32);
        assert_eq!(
            resolve_in(&known, "text_hash", "abababab", "n").unwrap(),
            full
        );
        assert_eq!(
            resolve_in(&known, "text_hash", "ABABABAB", "n").unwrap(),
            full
        );
    }

    #[test]
    fn a_prefix_of_two_hashes_is_refused_naming_both() {
        let mut known = known(&["ab"]);
        let twin = format!("abababab{}", "0".repeat(56));
        known.insert(twin.clone(), "the twin".into());
        let refusal = resolve_in(&known, "text_hash", "abababab", "n").unwrap_err();
        assert!(
            matches!(refusal, PrefixError::Ambiguous { ref candidates, .. } if candidates.len() == 2)
        );
        let message = refusal.to_string();
        assert!(
            message.contains(&twin) && message.contains(&"ab".repeat(32)),
            "{message}"
        );
        assert!(
            message.starts_with("text_hash 'abababab' is the start of 2 hashes"),
            "{message}"
        );
    }

    #[test]
    fn a_short_or_unknown_prefix_is_refused() {
        let known = known(&["ab"]);
        assert!(matches!(
            resolve_in(&known, "root_hash", "abab", "n"),
            Err(PrefixError::TooShort { .. })
        ));
        assert!(matches!(
            resolve_in(&known, "root_hash", "cdcdcdcd", "n"),
            Err(PrefixError::Unknown { .. })
        ));
    }

    #[test]
    fn only_hex_shorter_than_a_hash_is_a_prefix() {
        assert!(is_prefix("0123abcd"));
        assert!(!is_prefix(&"a".repeat(64)));
        assert!(!is_prefix("not-hex!"));
        assert!(!is_prefix(""));
    }
}
