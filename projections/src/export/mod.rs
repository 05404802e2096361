//! Documents made from the views: a draft as Markdown, standalone HTML, Word .docx or Akoma Ntoso
//! XML, and a redline as HTML or as a .docx with tracked changes.
//!
//! Every exporter is a pure function of views (`Draft`, `AgreementState`, the action matrices,
//! `WordChange` runs): it reads no clock, file or store and returns the document's bytes, so the
//! CLI decides where they go. Each document is in one authentic language; where a clause has no
//! current version in that language the reference wording is shown, and the document says so.

pub mod akoma_ntoso;
pub mod bilingual;
mod document;
pub mod docx;
pub mod html;
pub mod instrument;
pub mod markdown;
mod messages;
mod redline_words;
mod word;
mod working;

use chrono::NaiveDate;
use pacta_domain::{InstrumentKind, LanguageStatus};
use serde::Serialize;

use crate::{ChangeKind, ClauseChange, Draft, DraftClause, Redline, WordChange};

pub use akoma_ntoso::{akoma_ntoso, AkomaNtosoSource};
pub use bilingual::{
    bilingual_docx, bilingual_html, bilingual_markdown, render_bilingual, Bilingual,
    BILINGUAL_FORMATS,
};
pub use document::{prepare, render, Format, Prepared, RenderError, Selection, UnknownFormat};
pub use docx::{
    draft_docx, instrument_docx, redline_docx, RedlineDocument, Reviser, SharedComment,
    TrackedClause,
};
pub use html::{draft_html, instrument_html, redline_html};
pub use instrument::{
    signings, Form, Instrument, InstrumentSource, Passage, SignatureBlock, Signing, UnknownForm,
};
pub use markdown::{draft_markdown, instrument_markdown, redline_markdown};
pub use redline_words::RedlineWords;
pub use word::Provenance;
pub use working::{Fact, WorkingWords};

/// Why a document could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error(
        "'{language}' is not an authentic language of this negotiation (authentic: {authentic})"
    )]
    NotAuthenticLanguage { language: String, authentic: String },
    #[error("the alternat names '{party}', which is not a party (parties: {parties})")]
    AlternatNotAParty { party: String, parties: String },
    #[error("the .docx could not be assembled: {0}")]
    Docx(String),
    #[error(
        "the change to {label} cannot be dated: event #{sequence} has no readable recorded_at"
    )]
    UndatedChange { label: String, sequence: usize },
    #[error("a bilingual document is made as markdown, html, docx or pdf, not {format}")]
    NotBilingual { format: String },
    #[error("'{language}' is already the document's language: name another authentic language to set beside it")]
    SameLanguage { language: String },
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
    /// "Article 3 becomes Article 2", "Moved; wording unchanged": what changed beyond the words.
    pub notes: Vec<String>,
}

impl ClauseChanges {
    /// The clauses a redline shows changed (added, removed or reworded), in its order, ready for
    /// `redline_html`, `redline_markdown` and `redline_docx`; unchanged clauses are left out, as
    /// no one proposed them between the two points.
    ///
    /// - `author`: the parties whose wording the acts between the points brought in
    ///   (`ChangeAuthor::proposed_by`, so a chosen alternative is its proposer's, not the chooser's),
    ///   each once, oldest first, as a list in the redline's language ("CIV, MAR");
    ///   [`RedlineWords::unattributed`] when no act accounts for it.
    /// - `date`: the day the last of those acts took place (its stated date, else the day (UTC)
    ///   it was recorded), when the wording shown as inserted came to stand; with no act, the
    ///   day the later of the two points was recorded.
    /// - `heading`: the heading at `to`, or the one at `from` for a removed clause. Only the text
    ///   is diffed: `ClauseChanges` carries no heading changes.
    ///
    /// The words around the parties are in [`redline_language`]'s.
    pub fn from_redline(redline: &Redline) -> Result<Vec<ClauseChanges>, ExportError> {
        let words = RedlineWords::new(redline_language(redline).unwrap_or("en"));
        let later_end = if redline.from.as_of_sequence > redline.to.as_of_sequence {
            &redline.from
        } else {
            &redline.to
        };
        redline
            .clauses
            .iter()
            // A renumbered or moved clause is shown even when its wording is unchanged.
            .filter(|clause| clause.change != ClauseChange::Unchanged || !clause.notes.is_empty())
            .map(|clause| {
                let undated = |sequence| ExportError::UndatedChange {
                    label: clause.label.clone(),
                    sequence,
                };
                let mut proposers: Vec<&str> = Vec::new();
                for author in &clause.changed_by {
                    if !proposers.contains(&author.proposed_by.as_str()) {
                        proposers.push(&author.proposed_by);
                    }
                }
                let (author, date) = match clause.changed_by.last() {
                    Some(last) => (
                        words.list(&proposers),
                        last.took_place_on
                            .parse()
                            .ok()
                            .or_else(|| crate::point::day_of(&last.recorded_at))
                            .ok_or_else(|| undated(last.sequence))?,
                    ),
                    None => (
                        words.unattributed(),
                        crate::point::day_of(&later_end.recorded_at)
                            .ok_or_else(|| undated(later_end.as_of_sequence))?,
                    ),
                };
                // The removed clause's heading is all deletions; any other's, at `to`, is the rest.
                let shown_side = if clause.change == ClauseChange::Removed {
                    ChangeKind::Inserted
                } else {
                    ChangeKind::Deleted
                };
                let heading = clause
                    .heading
                    .iter()
                    .filter(|run| run.kind != shown_side)
                    .map(|run| run.text.as_str())
                    .collect();
                Ok(ClauseChanges {
                    label: clause.label.clone(),
                    heading,
                    author,
                    date,
                    // Phrases, so every format marks a rewritten phrase the same way.
                    changes: crate::phrases(&clause.text),
                    notes: clause.notes.clone(),
                })
            })
            .collect()
    }
}

/// The language a redline's documents speak: the one it compares in, or, when none was asked
/// for, the reference language of its first clause (the language of its wordings unless a
/// negotiation changed it); `None` for a redline of no clause.
pub fn redline_language(redline: &Redline) -> Option<&str> {
    redline
        .language
        .as_deref()
        .or_else(|| redline.clauses.first().map(|c| c.language.as_str()))
}

/// What a document shows for one clause in the language asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wording<'a> {
    /// The clause's label in the language asked for ("Article premier").
    pub label: String,
    pub heading: &'a str,
    /// As a reader sees it: cross-references as current numbers, paragraphs numbered.
    pub text: String,
    /// The language of `text`: the one asked for, or the reference language on fallback.
    pub language: &'a str,
    /// Set when the reference wording stands in for a version that is missing or out of date,
    /// or when the version shown still awaits its concordance check.
    pub note: Option<String>,
}

/// The clause's wording in `language`. A missing or stale version (one that translates an older
/// reference wording) is never shown as if it were current: the reference wording is, with a note
/// in `language`. Its label and cross-references follow `language`'s numbering convention
/// whichever wording is shown.
pub fn wording<'a>(draft: &Draft, clause: &'a DraftClause, language: &str) -> Wording<'a> {
    let reference = Wording {
        label: draft.label_in(clause, language),
        heading: &clause.heading,
        text: draft.rendered_text(clause, &clause.text, language),
        language: &clause.language,
        note: None,
    };
    let Some(version) = clause.languages.iter().find(|v| v.language == language) else {
        return with_fallback_note(reference, language, "working-note-no-version");
    };
    match version.status {
        LanguageStatus::Reference => reference,
        LanguageStatus::Missing => with_fallback_note(reference, language, "working-note-missing"),
        LanguageStatus::Stale => with_fallback_note(reference, language, "working-note-stale"),
        LanguageStatus::AwaitingConcordance | LanguageStatus::Concordant => Wording {
            label: reference.label,
            heading: &version.heading,
            text: draft.rendered_text(clause, &version.text, language),
            language: &version.language,
            note: (version.status == LanguageStatus::AwaitingConcordance).then(|| {
                WorkingWords::new(language).fallback_note("working-note-awaiting", language)
            }),
        },
    }
}

/// `reference` with the note (message `id`) saying it stands in for `language`'s version.
fn with_fallback_note<'a>(reference: Wording<'a>, language: &str, id: &str) -> Wording<'a> {
    let note = WorkingWords::new(language).fallback_note(id, reference.language);
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

/// The name of `language` in `in_language` ("Arabic", "arabe", "العربية"), for notes; a tag the
/// messages do not name is quoted.
pub fn language_name(language: &str, in_language: &str) -> String {
    WorkingWords::new(in_language).language_name(language)
}

/// "Treaty", "Mémorandum d'entente", "مذكرة تفاهم": the kind of instrument in `language`.
pub fn instrument_name(kind: InstrumentKind, language: &str) -> String {
    WorkingWords::new(language).instrument_name(kind)
}

/// "Article 2 — Objet", or the label alone when the clause has no heading.
pub fn clause_title(label: &str, heading: &str) -> String {
    if heading.is_empty() {
        label.to_string()
    } else {
        format!("{label} — {heading}")
    }
}

/// "agreed; proposed by CIV; wording of MAR; agreed by CIV, MAR", in `language`
/// ("agréé ; proposé par CIV ; libellé de MAR ; agréé par CIV, MAR").
pub fn status_line(clause: &DraftClause, language: &str) -> String {
    WorkingWords::new(language).status_line(clause)
}

/// "République de Côte d'Ivoire (CIV) and Royaume du Maroc (MAR)", in `language`.
pub fn parties_line(draft: &Draft, language: &str) -> String {
    WorkingWords::new(language).parties_line(draft)
}

/// "Revision 1", or "Original text (revision 0)" for revision 0, in `language`.
pub fn revision_line(revision: u32, language: &str) -> String {
    WorkingWords::new(language).revision_line(revision)
}

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{word_diff, ChangeAuthor, ClauseRedline, Point, RedlineEnd};

    fn end(point: Point, as_of_sequence: usize, recorded_at: &str) -> RedlineEnd {
        RedlineEnd {
            point,
            as_of_sequence,
            revision: 0,
            recorded_at: recorded_at.into(),
        }
    }

    fn author(sequence: usize, recorded_at: &str, party: &str, proposed_by: &str) -> ChangeAuthor {
        ChangeAuthor {
            sequence,
            recorded_at: recorded_at.into(),
            took_place_on: String::new(),
            actor: format!("someone.{}", party.to_lowercase()),
            party: party.into(),
            proposed_by: proposed_by.into(),
            event: "ClauseAmended".into(),
            label: None,
        }
    }

    fn clause(
        id: &str,
        change: ClauseChange,
        (old_heading, new_heading): (&str, &str),
        (old, new): (&str, &str),
        changed_by: Vec<ChangeAuthor>,
    ) -> ClauseRedline {
        ClauseRedline {
            clause_id: id.into(),
            label: format!("Article {id}"),
            old_label: None,
            moved: false,
            notes: Vec::new(),
            change,
            language: "fr".into(),
            old_text_hash: None,
            new_text_hash: None,
            heading: word_diff(old_heading, new_heading),
            text: word_diff(old, new),
            changed_by,
        }
    }

    fn redline(from: RedlineEnd, to: RedlineEnd, clauses: Vec<ClauseRedline>) -> Redline {
        Redline {
            from,
            to,
            language: None,
            clauses,
        }
    }

    /// The changes a redline of one clause between `from` and `to` maps to.
    fn changes_of_one(
        from: RedlineEnd,
        to: RedlineEnd,
        clause: ClauseRedline,
    ) -> Result<Vec<ClauseChanges>, ExportError> {
        ClauseChanges::from_redline(&redline(from, to, vec![clause]))
    }

    #[test]
    fn a_redline_maps_to_the_changed_clauses_by_their_proposers_and_last_day() {
        let view = redline(
            end(Point::Sequence(3), 3, "2026-09-14T08:00:00Z"),
            end(Point::Sequence(9), 9, "2026-10-02T10:00:00Z"),
            vec![
                clause(
                    "1",
                    ClauseChange::Unchanged,
                    ("Objet", "Objet"),
                    ("a", "a"),
                    vec![],
                ),
                clause(
                    "2",
                    ClauseChange::Changed,
                    ("Données", "Données personnelles"),
                    (
                        "Les Parties échangent.",
                        "Les Parties échangent selon la loi 09-08.",
                    ),
                    vec![
                        author(5, "2026-09-15T17:30:00+02:00", "CIV", "CIV"),
                        // MAR's alternative, chosen by CIV: the wording is MAR's.
                        author(7, "2026-09-30T23:30:00-02:00", "CIV", "MAR"),
                        author(8, "2026-10-01T09:00:00Z", "CIV", "CIV"),
                    ],
                ),
                clause(
                    "3",
                    ClauseChange::Removed,
                    ("Durée", ""),
                    ("Cinq ans.", ""),
                    vec![author(6, "2026-09-20T09:00:00Z", "MAR", "MAR")],
                ),
            ],
        );
        let changes = ClauseChanges::from_redline(&view).unwrap();
        let summary: Vec<(&str, &str, &str, NaiveDate)> = changes
            .iter()
            .map(|c| {
                (
                    c.label.as_str(),
                    c.heading.as_str(),
                    c.author.as_str(),
                    c.date,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "Article 2",
                    "Données personnelles",
                    "CIV, MAR",
                    NaiveDate::from_ymd_opt(2026, 10, 1).unwrap()
                ),
                (
                    "Article 3",
                    "Durée",
                    "MAR",
                    NaiveDate::from_ymd_opt(2026, 9, 20).unwrap()
                ),
            ]
        );
        assert_eq!(changes[0].changes, view.clauses[1].text);
        assert!(changes[1]
            .changes
            .iter()
            .all(|c| c.kind == ChangeKind::Deleted));
    }

    #[test]
    fn a_backward_redline_is_unattributed_and_dated_by_its_later_point() {
        let changes = changes_of_one(
            end(Point::Revision(1), 40, "2026-12-01T12:00:00Z"),
            end(Point::Revision(0), 30, "2026-11-01T12:00:00Z"),
            clause("2", ClauseChange::Changed, ("M", "M"), ("a b", "a"), vec![]),
        )
        .unwrap();
        // In the language of its wordings, as no other was asked for.
        assert_eq!(changes[0].author, "(aucun acte entre les deux points)");
        assert_eq!(
            changes[0].date,
            NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
        );
    }

    #[test]
    fn a_change_without_a_readable_time_is_refused_by_name() {
        let undated = clause(
            "2",
            ClauseChange::Added,
            ("", "M"),
            ("", "a"),
            vec![author(2, "yesterday", "CIV", "CIV")],
        );
        assert_eq!(
            changes_of_one(
                end(Point::Sequence(1), 1, ""),
                end(Point::Sequence(2), 2, ""),
                undated
            ),
            Err(ExportError::UndatedChange {
                label: "Article 2".into(),
                sequence: 2
            })
        );
    }

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
