//! The hash that names one exact wording of a clause.
//!
//! Agreement binds a party to a text hash, not to a clause id, so that a text changed after a
//! party agreed is visibly not the text it agreed. The definition is published in
//! `docs/ledger-format.md`; change it only with a new domain tag.

use sha2::{Digest, Sha256};

pub const TEXT_HASH_DOMAIN_TAG: &[u8] = b"pacta:clause-text:v1\0";

/// Lower-case hex SHA-256 over the domain tag and the RFC 8785 canonical JSON of
/// `{"heading", "language", "text"}`.
pub fn clause_text_hash(heading: &str, language: &str, text: &str) -> String {
    let record = serde_json::json!({ "heading": heading, "language": language, "text": text });
    let canonical = serde_json_canonicalizer::to_vec(&record)
        .expect("a JSON object of three strings always canonicalises");
    let mut hasher = Sha256::new();
    hasher.update(TEXT_HASH_DOMAIN_TAG);
    hasher.update(&canonical);
    hex::encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_change_of_wording_heading_or_language_changes_the_hash() {
        let base = clause_text_hash("Objet", "fr", "Le présent Mémorandum a pour objet…");
        assert_eq!(base.len(), 64);
        assert_ne!(
            base,
            clause_text_hash("Objet", "fr", "Le présent Mémorandum a pour objet.")
        );
        assert_ne!(
            base,
            clause_text_hash("Objet ", "fr", "Le présent Mémorandum a pour objet…")
        );
        assert_ne!(
            base,
            clause_text_hash("Objet", "ar", "Le présent Mémorandum a pour objet…")
        );
    }
}
