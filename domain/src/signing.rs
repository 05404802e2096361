//! What a signature binds: the text root hash over every clause in every authentic language, and
//! the signing message built from it. Both are published in `docs/ledger-format.md` with test
//! vectors, so a legal team can check any signature offline. Pure: signing itself happens on the
//! signatory's own machine (`pacta sign`); the domain only verifies.

use std::collections::BTreeMap;

use ed25519_dalek::{Signature, VerifyingKey};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::events::NegotiationEvent;
use crate::values::{ClauseKind, SignatureCapacity};

pub const TEXT_ROOT_DOMAIN_TAG: &[u8] = b"pacta:text-root:v1\0";
pub const SIGNATURE_DOMAIN_TAG: &[u8] = b"pacta:signature:v1\0";

/// One clause as the text root sees it: its id, kind, and the text hash of each language version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RootClause {
    pub clause_id: String,
    pub kind: ClauseKind,
    pub versions: BTreeMap<String, String>,
}

/// One clause as a signature binds it: its id, kind, and the wording of each language version
/// the text root covers, keyed by language. What `Negotiation::root_texts` returns and the root
/// is computed from, so an audit bundle can carry the very text a signature binds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RootText<'a> {
    pub clause_id: &'a str,
    pub kind: ClauseKind,
    pub versions: BTreeMap<&'a str, RootWording<'a>>,
}

/// One language version of a clause: the strings its text hash (§3) is taken over, and that hash
/// as recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RootWording<'a> {
    pub heading: &'a str,
    pub text: &'a str,
    pub text_hash: &'a str,
}

impl RootClause {
    /// The clause as the root hashes it: each version by its recorded text hash.
    pub fn of_text(clause: &RootText) -> RootClause {
        RootClause {
            clause_id: clause.clause_id.to_string(),
            kind: clause.kind,
            versions: clause
                .versions
                .iter()
                .map(|(language, wording)| (language.to_string(), wording.text_hash.to_string()))
                .collect(),
        }
    }
}

/// Lower-case hex SHA-256 over the domain tag and the RFC 8785 canonical JSON of
/// `{"negotiation_id", "revision", "clauses": [RootClause…]}`, clauses in document order.
pub fn text_root_hash(negotiation_id: &str, revision: u32, clauses: &[RootClause]) -> String {
    /// The record, its fields declared in the order RFC 8785 sorts their keys.
    #[derive(Serialize)]
    struct Record<'a> {
        clauses: &'a [RootClause],
        negotiation_id: &'a str,
        revision: u32,
    }
    let record = Record {
        clauses,
        negotiation_id,
        revision,
    };
    // Computed for every agreement view the projector writes, so without building a JSON value
    // and sorting it: serde_json's compact output of this record is its RFC 8785 form when every
    // language key is ASCII (byte order is then UTF-16 order), since its other keys are fields
    // declared in sorted order (`RootClause`'s too), its strings are escaped as RFC 8785
    // escapes them, and its one number is an integer. Any other key takes the canonicaliser.
    let ascii_keys = clauses
        .iter()
        .all(|c| c.versions.keys().all(|language| language.is_ascii()));
    if !ascii_keys {
        let value = serde_json::to_value(&record).expect("plain JSON");
        return tagged_hash(TEXT_ROOT_DOMAIN_TAG, &value);
    }
    let canonical = serde_json::to_vec(&record).expect("plain JSON");
    debug_assert_eq!(
        canonical,
        serde_json_canonicalizer::to_vec(&serde_json::to_value(&record).expect("plain JSON"))
            .expect("plain JSON canonicalises"),
        "invariant: the compact record is its canonical form"
    );
    tagged_bytes_hash(TEXT_ROOT_DOMAIN_TAG, &canonical)
}

/// The exact bytes a signatory signs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SigningMessage {
    pub negotiation_id: String,
    pub revision: u32,
    pub text_root_hash: String,
    pub party: String,
    pub signatory: String,
    pub capacity: SignatureCapacity,
    pub ad_referendum: bool,
    /// The date of signature: it fixes entry into force for instruments binding on signature,
    /// so it is signed too.
    pub signed_on: chrono::NaiveDate,
}

impl SigningMessage {
    /// The message a recorded `InstrumentSigned` signed, rebuilt from the event alone as an
    /// auditor rebuilds it, with the event's signature (hex); `None` for any other event.
    pub fn of_recorded<'e>(
        negotiation_id: &str,
        event: &'e NegotiationEvent,
    ) -> Option<(SigningMessage, &'e str)> {
        let NegotiationEvent::InstrumentSigned {
            party,
            signatory,
            revision,
            capacity,
            text_root_hash,
            signed_on,
            signature,
            // Recorded beside the signature, not signed: the message stays as published.
            signatory_title: _,
            signatory_title_in: _,
            place_in: _,
        } = event
        else {
            return None;
        };
        let message = SigningMessage {
            negotiation_id: negotiation_id.to_string(),
            revision: *revision,
            text_root_hash: text_root_hash.clone(),
            party: party.clone(),
            signatory: signatory.clone(),
            capacity: *capacity,
            ad_referendum: *capacity == SignatureCapacity::AdReferendum,
            signed_on: *signed_on,
        };
        Some((message, signature))
    }

    /// The domain tag followed by the RFC 8785 canonical JSON of the message.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = SIGNATURE_DOMAIN_TAG.to_vec();
        bytes.extend(
            serde_json_canonicalizer::to_vec(self).expect("a signing message canonicalises"),
        );
        bytes
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureProblem {
    #[error("the public key is not 64 hex digits of a valid Ed25519 key")]
    MalformedPublicKey,
    #[error("the signature is not 128 hex digits")]
    MalformedSignature,
    #[error("the signature does not verify against the signatory's accredited key for this text")]
    DoesNotVerify,
}

pub fn parse_public_key(public_key_hex: &str) -> Result<VerifyingKey, SignatureProblem> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(public_key_hex, &mut bytes)
        .map_err(|_| SignatureProblem::MalformedPublicKey)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| SignatureProblem::MalformedPublicKey)
}

pub fn verify_signature(
    public_key_hex: &str,
    signature_hex: &str,
    message: &SigningMessage,
) -> Result<(), SignatureProblem> {
    let key = parse_public_key(public_key_hex)?;
    let mut bytes = [0u8; 64];
    hex::decode_to_slice(signature_hex, &mut bytes)
        .map_err(|_| SignatureProblem::MalformedSignature)?;
    key.verify_strict(&message.to_bytes(), &Signature::from_bytes(&bytes))
        .map_err(|_| SignatureProblem::DoesNotVerify)
}

fn tagged_hash(tag: &[u8], value: &serde_json::Value) -> String {
    let canonical = serde_json_canonicalizer::to_vec(value).expect("plain JSON canonicalises");
    tagged_bytes_hash(tag, &canonical)
}

/// Lower-case hex SHA-256 over `tag` and `canonical`, RFC 8785 bytes.
fn tagged_bytes_hash(tag: &[u8], canonical: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(tag);
    hasher.update(canonical);
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The root as the format defines it: the canonicaliser over the record as a JSON value.
    fn by_definition(negotiation_id: &str, revision: u32, clauses: &[RootClause]) -> String {
        let record = serde_json::json!({
            "negotiation_id": negotiation_id,
            "revision": revision,
            "clauses": clauses,
        });
        tagged_hash(TEXT_ROOT_DOMAIN_TAG, &record)
    }

    #[test]
    fn the_text_root_is_the_hash_of_the_canonical_record_whatever_its_strings() {
        let clause = |id: &str, languages: &[&str]| RootClause {
            clause_id: id.to_string(),
            kind: ClauseKind::Article,
            versions: languages
                .iter()
                .map(|language| (language.to_string(), format!("{id}/{language}")))
                .collect(),
        };
        let strange = "\"\\/\u{0}\u{1f}\u{7f}\u{2028}é\u{1F600}\u{FFFD}\t\n";
        let cases: Vec<(&str, u32, Vec<RootClause>)> = vec![
            ("civ-mar", 0, vec![]),
            (
                "civ-mar",
                3,
                vec![clause("art-1", &["fr", "ar"]), clause("art-2", &["en"])],
            ),
            // Escapes in values, with ASCII language keys (compact output) and without.
            (strange, u32::MAX, vec![clause(strange, &["fr", "ar"])]),
            (strange, u32::MAX, vec![clause(strange, &["fr", strange])]),
            // Keys that sort differently by bytes and by UTF-16 code units (RFC 8785's order).
            ("n", 1, vec![clause("c", &["\u{FFFD}", "\u{1F600}", "z"])]),
        ];
        for (negotiation_id, revision, clauses) in cases {
            assert_eq!(
                text_root_hash(negotiation_id, revision, &clauses),
                by_definition(negotiation_id, revision, &clauses),
                "{negotiation_id:?}"
            );
        }
    }
}
