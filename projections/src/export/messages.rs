//! The Fluent messages of every document's words (`projections/locales/{en,fr,ar}/*.ftl`), read
//! at compile time: the instrument's formulas, the .docx running header and footer, and the
//! working document's labels all come from this one loader.

use fluent_templates::LanguageIdentifier;

fluent_templates::static_loader! {
    pub(crate) static MESSAGES = {
        locales: "./locales",
        fallback_language: "en",
        // Unicode isolation marks would end up in the documents' text and in searches of it.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The messages' language for a BCP 47 tag: its primary subtag (`ar-MA` speaks `ar`); English
/// for a tag that is not a language identifier.
pub(crate) fn language_id(language: &str) -> LanguageIdentifier {
    let primary = language.split(['-', '_']).next().unwrap_or(language);
    primary
        .to_ascii_lowercase()
        .parse()
        .unwrap_or_else(|_| "en".parse().expect("'en' is a language identifier"))
}
