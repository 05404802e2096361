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
    let canonical = serde_json::to_vec(&TextRecord {
        heading,
        language,
        text,
    })
    .expect("invariant: three strings always serialise");
    let mut hasher = Sha256::new();
    hasher.update(TEXT_HASH_DOMAIN_TAG);
    hasher.update(&canonical);
    hex::encode(hasher.finalize())
}

/// The hashed record, whose compact serialisation is its RFC 8785 form: serde keeps the
/// fields in declaration order, which is the keys' sorted order, and it escapes strings as RFC
/// 8785 does (only `"`, `\\` and control characters; Rust strings hold no lone surrogate).
/// Written straight from the borrowed strings: every proposal and amendment hashes its text,
/// and building a JSON value to canonicalise cost 5% of the ledger at 8 writers.
#[derive(serde::Serialize)]
struct TextRecord<'a> {
    heading: &'a str,
    language: &'a str,
    text: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast serialisation is byte for byte the general canonicaliser's, on every character
    /// class that JSON escapes or that sorts differently in UTF-16.
    #[test]
    fn the_hashed_record_is_its_rfc_8785_form() {
        let control: String = (0u8..0x20).map(char::from).collect();
        let wordings = [
            "Le présent Mémorandum a pour objet…",
            "تهدف مذكرة التفاهم هذه",
            "quote \" backslash \\ slash / tab \t newline \n",
            control.as_str(),
            "\u{7f}\u{2028}\u{2029}\u{fffd}\u{1f4dc}",
            "",
        ];
        for heading in wordings {
            for text in wordings {
                let record = TextRecord {
                    heading,
                    language: "fr",
                    text,
                };
                let value =
                    serde_json::json!({ "heading": heading, "language": "fr", "text": text });
                assert_eq!(
                    serde_json::to_vec(&record).unwrap(),
                    serde_json_canonicalizer::to_vec(&value).unwrap(),
                    "heading {heading:?}, text {text:?}"
                );
            }
        }
    }

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
