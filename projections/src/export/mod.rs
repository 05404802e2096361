//! Documents made from the views: a draft as Markdown, standalone HTML, Word .docx or Akoma Ntoso
//! XML, and a redline as HTML or as a .docx with tracked changes.
//!
//! Every exporter is a pure function of views (`Draft`, `AgreementState`, the action matrices,
//! `WordChange` runs): it reads no clock, file or store and returns the document's bytes, so the
//! CLI decides where they go. Each document is in one authentic language; where a clause has no
//! current version in that language the reference wording is shown, and the document says so.

pub mod akoma_ntoso;
pub mod docx;
pub mod html;
pub mod markdown;

use chrono::NaiveDate;
use pacta_domain::{InstrumentKind, LanguageStatus};
use serde::Serialize;

use crate::{Draft, DraftClause, WordChange};

pub use akoma_ntoso::{akoma_ntoso, AkomaNtosoSource};
pub use docx::{draft_docx, redline_docx};
pub use html::{draft_html, redline_html};
pub use markdown::draft_markdown;

/// Why a document could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error(
        "'{language}' is not an authentic language of this negotiation (authentic: {authentic})"
    )]
    NotAuthenticLanguage { language: String, authentic: String },
    #[error("the .docx could not be assembled: {0}")]
    Docx(String),
}

/// One clause of a redline: the changes that turn one wording into another, and who proposed
/// them when. Self-contained so any redline fold can be mapped to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClauseChanges {
    /// "Article 2".
    pub label: String,
    pub heading: String,
    /// The party or person who proposed the change; a .docx shows it as the revision's author.
    pub author: String,
    pub date: NaiveDate,
    pub changes: Vec<WordChange>,
}

/// What a document shows for one clause in the language asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Wording<'a> {
    pub heading: &'a str,
    pub text: &'a str,
    /// The language of `text`: the one asked for, or the reference language on fallback.
    pub language: &'a str,
    /// Set when the reference wording stands in for a version that is missing or out of date,
    /// or when the version shown still awaits its concordance check.
    pub note: Option<String>,
}

/// The clause's wording in `language`. A missing or stale version (one that translates an older
/// reference wording) is never shown as if it were current: the reference wording is, with a note.
pub(crate) fn wording<'a>(clause: &'a DraftClause, language: &str) -> Wording<'a> {
    let reference = Wording {
        heading: &clause.heading,
        text: &clause.text,
        language: &clause.language,
        note: None,
    };
    let Some(version) = clause.languages.iter().find(|v| v.language == language) else {
        return with_fallback_note(reference, language, "no version");
    };
    match version.status {
        LanguageStatus::Reference => reference,
        LanguageStatus::Missing => with_fallback_note(reference, language, "no version yet"),
        LanguageStatus::Stale => {
            with_fallback_note(reference, language, "a version of an earlier wording only")
        }
        LanguageStatus::AwaitingConcordance | LanguageStatus::Concordant => Wording {
            heading: &version.heading,
            text: &version.text,
            language: &version.language,
            note: (version.status == LanguageStatus::AwaitingConcordance).then(|| {
                format!(
                    "The {} version awaits a legal-linguist's concordance check.",
                    language_name(language)
                )
            }),
        },
    }
}

fn with_fallback_note<'a>(reference: Wording<'a>, language: &str, what: &str) -> Wording<'a> {
    let note = format!(
        "This clause has {what} in {}; the {} reference wording is shown.",
        language_name(language),
        language_name(reference.language)
    );
    Wording {
        note: Some(note),
        ..reference
    }
}

/// Refuses a language that is not one of the draft's authentic languages.
pub(crate) fn check_authentic(draft: &Draft, language: &str) -> Result<(), ExportError> {
    if draft.languages.iter().any(|l| l == language) {
        Ok(())
    } else {
        Err(ExportError::NotAuthenticLanguage {
            language: language.to_string(),
            authentic: draft.languages.join(", "),
        })
    }
}

/// Whether text in this BCP 47 language is written right to left: decided by an explicit script
/// subtag when there is one (`ku-Arab`, `az-Latn`), otherwise by the primary language.
pub fn is_right_to_left(language: &str) -> bool {
    const RTL_SCRIPTS: [&str; 7] = ["arab", "hebr", "syrc", "thaa", "nkoo", "adlm", "rohg"];
    const RTL_LANGUAGES: [&str; 14] = [
        "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "ps", "sd", "syr", "ug", "ur", "yi",
    ];
    let mut subtags = language.split(['-', '_']).map(str::to_ascii_lowercase);
    let primary = subtags.next().unwrap_or_default();
    // A script subtag is the only four-letter subtag BCP 47 allows.
    match subtags.find(|s| s.len() == 4 && s.chars().all(|c| c.is_ascii_alphabetic())) {
        Some(script) => RTL_SCRIPTS.contains(&script.as_str()),
        None => RTL_LANGUAGES.contains(&primary.as_str()),
    }
}

/// `rtl` or `ltr`, as HTML's `dir` attribute spells it.
pub(crate) fn direction(language: &str) -> &'static str {
    if is_right_to_left(language) {
        "rtl"
    } else {
        "ltr"
    }
}

/// The English name of common languages of treaty practice, for notes; otherwise the code.
pub(crate) fn language_name(language: &str) -> String {
    let primary = language.split(['-', '_']).next().unwrap_or(language);
    let name = match primary.to_ascii_lowercase().as_str() {
        "ar" => "Arabic",
        "de" => "German",
        "en" => "English",
        "es" => "Spanish",
        "fa" => "Persian",
        "fr" => "French",
        "he" => "Hebrew",
        "it" => "Italian",
        "pt" => "Portuguese",
        "ru" => "Russian",
        "sw" => "Swahili",
        "ur" => "Urdu",
        "zh" => "Chinese",
        _ => return format!("'{language}'"),
    };
    name.to_string()
}

pub(crate) fn instrument_name(kind: InstrumentKind) -> &'static str {
    match kind {
        InstrumentKind::Treaty => "Treaty",
        InstrumentKind::Agreement => "Agreement",
        InstrumentKind::Mou => "Memorandum of understanding",
        InstrumentKind::ExchangeOfNotes => "Exchange of notes",
    }
}

/// "Article 2 — Objet", or the label alone when the clause has no heading.
pub(crate) fn clause_title(label: &str, heading: &str) -> String {
    if heading.is_empty() {
        label.to_string()
    } else {
        format!("{label} — {heading}")
    }
}

/// "agreed; proposed by CIV; agreed by CIV, MAR".
pub(crate) fn status_line(clause: &DraftClause) -> String {
    let mut line = format!(
        "{}; proposed by {}",
        pacta_domain::variant_name(&clause.status),
        clause.proposed_by
    );
    if !clause.agreed_by.is_empty() {
        line.push_str(&format!("; agreed by {}", clause.agreed_by.join(", ")));
    }
    line
}

/// "République de Côte d'Ivoire (CIV) and Royaume du Maroc (MAR)".
pub(crate) fn parties_line(draft: &Draft) -> String {
    let parties: Vec<String> = draft
        .parties
        .iter()
        .map(|p| format!("{} ({})", p.name, p.code))
        .collect();
    parties.join(" and ")
}

/// "Revision 1", or "Original text" for revision 0.
pub(crate) fn revision_line(revision: u32) -> String {
    if revision == 0 {
        "Original text (revision 0)".to_string()
    } else {
        format!("Revision {revision}")
    }
}

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_to_left_follows_the_script_then_the_language() {
        for rtl in ["ar", "ar-MA", "he", "fa", "ur", "ku-Arab", "AR"] {
            assert!(is_right_to_left(rtl), "{rtl}");
        }
        for ltr in ["fr", "en-GB", "az-Latn", "ur-Latn", "zh-Hans", ""] {
            assert!(!is_right_to_left(ltr), "{ltr}");
        }
    }
}
