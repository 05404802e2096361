//! Redlines: what a reader of two wordings sees struck out and inserted, word by word, and the
//! text at two points of the history compared clause by clause.

use cqrs_es::EventEnvelope;
use pacta_domain::{metadata, ClauseStatus, Negotiation, NegotiationEvent};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::clause_history::{clause_history, ClauseVersion, VersionKind};
use crate::draft::{draft, Draft, DraftClause};
use crate::export::RedlineWords;
use crate::point::{events_at, Point, PointError};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Unchanged,
    Inserted,
    Deleted,
}

/// A run of words that is unchanged, inserted or deleted, with the whitespace between them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WordChange {
    pub kind: ChangeKind,
    pub text: String,
}

/// The changes that turn `old` into `new`, word by word. Adjacent tokens of one kind are merged
/// into one run, so a rendered redline strikes a phrase once rather than word by word.
/// Concatenating the unchanged and deleted runs gives `old`; the unchanged and inserted, `new`.
pub fn word_diff(old: &str, new: &str) -> Vec<WordChange> {
    let diff = TextDiff::from_words(old, new);
    let mut runs: Vec<WordChange> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            ChangeTag::Equal => ChangeKind::Unchanged,
            ChangeTag::Insert => ChangeKind::Inserted,
            ChangeTag::Delete => ChangeKind::Deleted,
        };
        match runs.last_mut() {
            Some(run) if run.kind == kind => run.text.push_str(change.value()),
            _ => runs.push(WordChange {
                kind,
                text: change.value().to_string(),
            }),
        }
    }
    runs
}

/// `changes` with each stretch of deletions and insertions that only whitespace separates
/// merged into one deletion then one insertion, as a reader marks up a rewritten phrase
/// ("~~de licence~~ **et doctorants**") rather than word by word alternately. The whitespace
/// between belongs to both sides, so both stay exact; a stretch of one kind only is left as it
/// is, since merging it would take the whitespace out of the side that keeps it.
pub fn phrases(changes: &[WordChange]) -> Vec<WordChange> {
    let is_gap = |c: &WordChange| c.kind == ChangeKind::Unchanged && c.text.trim().is_empty();
    let mut out: Vec<WordChange> = Vec::new();
    let mut start = 0;
    while start < changes.len() {
        if changes[start].kind == ChangeKind::Unchanged {
            out.push(changes[start].clone());
            start += 1;
            continue;
        }
        // The stretch runs to its last changed run, across whitespace-only unchanged runs.
        let mut end = start;
        let mut scan = start;
        while scan < changes.len()
            && (changes[scan].kind != ChangeKind::Unchanged || is_gap(&changes[scan]))
        {
            if changes[scan].kind != ChangeKind::Unchanged {
                end = scan + 1;
            }
            scan += 1;
        }
        let stretch = &changes[start..end];
        let has = |kind: ChangeKind| stretch.iter().any(|c| c.kind == kind);
        if has(ChangeKind::Deleted) && has(ChangeKind::Inserted) {
            for kind in [ChangeKind::Deleted, ChangeKind::Inserted] {
                let text = stretch
                    .iter()
                    .filter(|c| c.kind == kind || c.kind == ChangeKind::Unchanged)
                    .map(|c| c.text.as_str())
                    .collect();
                out.push(WordChange { kind, text });
            }
        } else {
            out.extend_from_slice(stretch);
        }
        start = end;
    }
    out
}

/// What happened to a clause between two points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClauseChange {
    /// Not in the earlier text (or withdrawn there), live in the later one.
    Added,
    /// Live in the earlier text, withdrawn from (or absent in) the later one.
    Removed,
    Changed,
    Unchanged,
}

/// The text at two points of the history, clause by clause.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Redline {
    pub from: RedlineEnd,
    pub to: RedlineEnd,
    /// The language compared and labelled in, when one was asked for; otherwise each clause is
    /// compared in its reference language and labelled in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// In the `to` text's document order; clauses absent from it follow, in the `from` order.
    pub clauses: Vec<ClauseRedline>,
}

/// One end of a redline: the point asked for, and what it resolved to.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RedlineEnd {
    pub point: Point,
    /// The last event included.
    pub as_of_sequence: usize,
    /// The revision whose text is compared.
    pub revision: u32,
    /// When the ledger recorded the last event included (RFC 3339; empty if not stamped): the
    /// date of a change no act between the points accounts for, as when `from` is the later.
    pub recorded_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseRedline {
    pub clause_id: String,
    /// "Article 2" as numbered in the `to` text (or the `from` text, for a clause absent there).
    pub label: String,
    /// The clause's label in the `from` text, when it was numbered differently there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_label: Option<String>,
    /// The clause stands elsewhere among the other clauses than it did at `from`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub moved: bool,
    /// What a reader must be told beyond the words ("Article 3 becomes Article 2", "Moved"), in
    /// the redline's language.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub change: ClauseChange,
    /// The language compared: the `to` text's reference language for the clause.
    pub language: String,
    pub old_text_hash: Option<String>,
    pub new_text_hash: Option<String>,
    pub heading: Vec<WordChange>,
    pub text: Vec<WordChange>,
    /// The acts between the two points that changed this wording, oldest first; for a
    /// correction made between them, also its proposal and each agreement to it (which may
    /// precede `from`). Empty for an unchanged clause whose other language versions stand too,
    /// and when `from` is later than `to`.
    pub changed_by: Vec<ChangeAuthor>,
}

/// An act that changed a clause's wording between two points, and whose wording it was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeAuthor {
    pub sequence: usize,
    pub recorded_at: String,
    /// The day the act took place (YYYY-MM-DD): its stated date, else the day it was recorded.
    pub took_place_on: String,
    /// The person who recorded the act, and the party they acted for.
    pub actor: String,
    pub party: String,
    /// The party whose wording it is (an alternative's or a correction's proposer, say).
    pub proposed_by: String,
    /// The event ("ClauseAmended", "AlternativeChosen", "ClauseWithdrawn"…).
    pub event: String,
    pub label: Option<String>,
}

/// The clauses' wording at `from` against their wording at `to`, word by word, with who changed
/// each clause in between. Both texts are drafts of the prefixes `events_at` gives, so a
/// revision point compares that revision's text. Each clause is compared in its reference
/// language and labelled in English: [`redline_in`] compares in one language.
pub fn redline(
    events: &[EventEnvelope<Negotiation>],
    from: &Point,
    to: &Point,
) -> Result<Redline, PointError> {
    redline_in(events, from, to, None)
}

/// [`redline`] in `language`: each clause's version in that language (its reference wording
/// where it has none), labelled and with its cross-references numbered by that language's
/// convention, and each renumbering or move said in that language.
///
/// A correction (art. 79) changes one language version, not the reference wording: compared in
/// that language, the clause is changed and attributed to the correction's proposal, each
/// agreement to it and its making; compared in any other language, it stands unchanged with a
/// note naming the language whose version changed, attributed to the same acts.
pub fn redline_in(
    events: &[EventEnvelope<Negotiation>],
    from: &Point,
    to: &Point,
    language: Option<&str>,
) -> Result<Redline, PointError> {
    let negotiation_id = events.first().map_or("", |e| e.aggregate_id.as_str());
    let (before_events, after_events) = (events_at(events, from)?, events_at(events, to)?);
    let before = draft(negotiation_id, before_events);
    let after = draft(negotiation_id, after_events);
    let (from_sequence, to_sequence) = (before.as_of_sequence, after.as_of_sequence);
    let live = |c: &DraftClause| c.status != ClauseStatus::Withdrawn;
    let label_language = language.unwrap_or("en");
    let (low, high) = (
        from_sequence.min(to_sequence),
        from_sequence.max(to_sequence),
    );
    let placed_between: Vec<String> = events
        .iter()
        .filter(|e| low < e.sequence && e.sequence <= high)
        .filter_map(|e| match &e.payload {
            NegotiationEvent::ClausePlaced { clause_id, .. } => Some(clause_id.clone()),
            _ => None,
        })
        .collect();
    let moved = moved_clauses(&before, &after, &placed_between);
    let mut clauses: Vec<ClauseRedline> = Vec::new();
    // Clauses whose compared wording stands while other languages' versions changed, by id.
    let mut changed_elsewhere: Vec<(String, Vec<String>)> = Vec::new();
    for new in &after.clauses {
        let old = before.clauses.iter().find(|c| c.clause_id == new.clause_id);
        let compared = language.unwrap_or(&new.language);
        let change = match old {
            // In neither text: proposed and withdrawn in between, or withdrawn at both points.
            None if !live(new) => continue,
            Some(old) if !live(old) && !live(new) => continue,
            None => ClauseChange::Added,
            Some(old) if live(old) && !live(new) => ClauseChange::Removed,
            Some(old) if !live(old) && live(new) => ClauseChange::Added,
            Some(old) => {
                let (heading, text, _) = wording_in(old, compared);
                let (new_heading, new_text, _) = wording_in(new, compared);
                if heading == new_heading && text == new_text {
                    ClauseChange::Unchanged
                } else {
                    ClauseChange::Changed
                }
            }
        };
        // Texts as a reader sees them at each point: cross-references numbered as there.
        let (old_heading, old_text, old_hash) = match (change, old) {
            (ClauseChange::Added, _) | (_, None) => ("", String::new(), None),
            (_, Some(old)) => {
                let (heading, text, hash) = wording_in(old, compared);
                (heading, before.rendered_text(old, text, compared), hash)
            }
        };
        let (new_heading, new_text, new_hash) = match change {
            ClauseChange::Removed => ("", String::new(), None),
            _ => {
                let (heading, text, hash) = wording_in(new, compared);
                (heading, after.rendered_text(new, text, compared), hash)
            }
        };
        // A clause withdrawn between the points keeps the number it had.
        let label = match (change, old) {
            (ClauseChange::Removed, Some(old)) => before.label_in(old, label_language),
            _ => after.label_in(new, label_language),
        };
        let old_label = old
            .filter(|old| live(old) && live(new))
            .map(|old| before.label_in(old, label_language))
            .filter(|old_label| *old_label != label);
        let moved = live(new) && moved.contains(&new.clause_id.as_str());
        // The wording is the same but a clause it refers to was renumbered.
        let references_renumbered = change == ClauseChange::Unchanged && old_text != new_text;
        let mut notes = structure_notes(
            old_label.as_deref(),
            &label,
            moved,
            references_renumbered,
            change,
            label_language,
        );
        // The compared wording stands, but another language's did not: a correction of the
        // Arabic version leaves the French reference as it was, and the reader must be told.
        let other_languages = match (change, old) {
            (ClauseChange::Unchanged, Some(old)) => other_versions_changed(old, new, compared),
            _ => Vec::new(),
        };
        notes.extend(
            other_languages
                .iter()
                .map(|other| other_version_note(other, label_language)),
        );
        if !other_languages.is_empty() {
            changed_elsewhere.push((new.clause_id.clone(), other_languages));
        }
        clauses.push(ClauseRedline {
            clause_id: new.clause_id.clone(),
            label,
            old_label,
            moved,
            notes,
            change,
            language: compared.to_string(),
            old_text_hash: old_hash,
            new_text_hash: new_hash,
            heading: word_diff(old_heading, new_heading),
            text: word_diff(&old_text, &new_text),
            changed_by: Vec::new(),
        });
    }
    for old in &before.clauses {
        if after.clauses.iter().all(|c| c.clause_id != old.clause_id) && live(old) {
            let compared = language.unwrap_or(&old.language);
            let (heading, text, hash) = wording_in(old, compared);
            clauses.push(ClauseRedline {
                clause_id: old.clause_id.clone(),
                label: before.label_in(old, label_language),
                old_label: None,
                moved: false,
                notes: Vec::new(),
                change: ClauseChange::Removed,
                language: compared.to_string(),
                old_text_hash: hash,
                new_text_hash: None,
                heading: word_diff(heading, ""),
                text: word_diff(&before.rendered_text(old, text, compared), ""),
                changed_by: Vec::new(),
            });
        }
    }
    let between = |sequence: usize| from_sequence < sequence && sequence <= to_sequence;
    for clause in clauses.iter_mut() {
        let elsewhere: &[String] = changed_elsewhere
            .iter()
            .find(|(id, _)| *id == clause.clause_id)
            .map_or(&[], |(_, languages)| languages);
        if clause.change == ClauseChange::Unchanged && !clause.moved && elsewhere.is_empty() {
            continue;
        }
        let Some(history) = clause_history(events, &clause.clause_id) else {
            continue;
        };
        let wordings: Vec<&ClauseVersion> = history
            .versions
            .iter()
            .filter(|v| {
                between(v.sequence)
                    && v.kind.changes_wording()
                    && (v.language == clause.language || elsewhere.contains(&v.language))
            })
            .collect();
        let mut authors: Vec<ChangeAuthor> = wordings
            .iter()
            .map(|v| ChangeAuthor {
                sequence: v.sequence,
                recorded_at: v.recorded_at.clone(),
                took_place_on: v.took_place_on.clone(),
                actor: v.actor.clone(),
                party: v.party.clone(),
                proposed_by: v.proposed_by.clone(),
                event: event_name(v.kind).to_string(),
                label: v.label.clone(),
            })
            .collect();
        // A correction is made by every party's agreement to one party's proposal: the proposal
        // and each agreement are acts behind the change, even when they precede `from`.
        for correction in wordings.iter().filter(|v| v.kind == VersionKind::Corrected) {
            let Some(correction_id) = correction.correction_id.as_deref() else {
                continue;
            };
            let steps = correction_steps(events, correction_id);
            authors.extend(
                history
                    .acts
                    .iter()
                    .filter(|a| steps.contains(&a.sequence))
                    .map(|a| ChangeAuthor {
                        sequence: a.sequence,
                        recorded_at: a.recorded_at.clone(),
                        took_place_on: a.took_place_on.clone(),
                        actor: a.actor.clone(),
                        party: a.party.clone(),
                        proposed_by: correction.proposed_by.clone(),
                        event: a.event.clone(),
                        label: None,
                    }),
            );
        }
        authors.sort_by_key(|a| a.sequence);
        // A withdrawal removes the clause; a placement moves it.
        let structural = if clause.change == ClauseChange::Removed {
            Some("ClauseWithdrawn")
        } else if clause.moved {
            Some("ClausePlaced")
        } else {
            None
        };
        if let Some(structural) = structural {
            authors.extend(
                history
                    .acts
                    .iter()
                    .filter(|a| between(a.sequence) && a.event == structural)
                    .map(|a| ChangeAuthor {
                        sequence: a.sequence,
                        recorded_at: a.recorded_at.clone(),
                        took_place_on: a.took_place_on.clone(),
                        actor: a.actor.clone(),
                        party: a.party.clone(),
                        proposed_by: a.party.clone(),
                        event: a.event.clone(),
                        label: None,
                    }),
            );
            authors.sort_by_key(|a| a.sequence);
        }
        clause.changed_by = authors;
    }
    Ok(Redline {
        from: RedlineEnd {
            point: from.clone(),
            as_of_sequence: from_sequence,
            revision: before.revision,
            recorded_at: last_recorded_at(before_events),
        },
        to: RedlineEnd {
            point: to.clone(),
            as_of_sequence: to_sequence,
            revision: after.revision,
            recorded_at: last_recorded_at(after_events),
        },
        language: language.map(str::to_string),
        clauses,
    })
}

/// The clauses live at both points that an act between them placed (`ClausePlaced`) and that
/// stand elsewhere among the clauses of both texts: the clause moved, not the ones it passed.
fn moved_clauses<'a>(
    before: &'a Draft,
    after: &'a Draft,
    placed_between: &[String],
) -> Vec<&'a str> {
    let live = |c: &&DraftClause| c.status != ClauseStatus::Withdrawn;
    let in_both = |draft: &'a Draft, other: &'a Draft| -> Vec<&'a str> {
        draft
            .clauses
            .iter()
            .filter(live)
            .filter(|c| {
                other
                    .clauses
                    .iter()
                    .filter(live)
                    .any(|o| o.clause_id == c.clause_id)
            })
            .map(|c| c.clause_id.as_str())
            .collect()
    };
    let (old, new) = (in_both(before, after), in_both(after, before));
    new.iter()
        .enumerate()
        .filter(|(index, id)| {
            placed_between.iter().any(|p| p == *id)
                && old.iter().position(|o| o == *id) != Some(*index)
        })
        .map(|(_, id)| *id)
        .collect()
}

/// "Article 3 becomes Article 2", "Moved; wording unchanged", in `language` (English for a
/// language without these messages: `locales/*/redline.ftl`).
fn structure_notes(
    old_label: Option<&str>,
    label: &str,
    moved: bool,
    references_renumbered: bool,
    change: ClauseChange,
    language: &str,
) -> Vec<String> {
    let words = RedlineWords::new(language);
    let mut notes = Vec::new();
    if let Some(old_label) = old_label {
        notes.push(words.renumbered(old_label, label));
    }
    if moved {
        notes.push(words.moved(change == ClauseChange::Unchanged));
    }
    if references_renumbered {
        notes.push(words.references_renumbered());
    }
    notes
}

/// The authentic languages other than `compared` whose version `old` had and `new` words
/// differently: a correction or a retranslation that left the compared wording as it was. A first
/// translation is not among them: it adds a version rather than changing one.
fn other_versions_changed(old: &DraftClause, new: &DraftClause, compared: &str) -> Vec<String> {
    new.languages
        .iter()
        .filter(|version| version.language != compared)
        .filter(|version| {
            old.languages.iter().any(|before| {
                before.language == version.language
                    && !before.text.is_empty()
                    && (before.heading != version.heading || before.text != version.text)
            })
        })
        .map(|version| version.language.clone())
        .collect()
}

/// "The ar version changed; see the redline in ar", in `language` (English for a language
/// without this message).
fn other_version_note(other: &str, language: &str) -> String {
    RedlineWords::new(language).other_version(other)
}

/// The sequences of the proposal of correction `correction_id` and of each agreement to it.
fn correction_steps(events: &[EventEnvelope<Negotiation>], correction_id: &str) -> Vec<usize> {
    events
        .iter()
        .filter(|e| match &e.payload {
            NegotiationEvent::CorrectionProposed {
                correction_id: id, ..
            }
            | NegotiationEvent::CorrectionAgreed {
                correction_id: id, ..
            } => id == correction_id,
            _ => false,
        })
        .map(|e| e.sequence)
        .collect()
}

/// The `recorded_at` stamp of the last of `events`, or "" if it has none.
fn last_recorded_at(events: &[EventEnvelope<Negotiation>]) -> String {
    events
        .last()
        .and_then(|e| e.metadata.get(metadata::RECORDED_AT))
        .cloned()
        .unwrap_or_default()
}

/// The clause's heading, text and hash in `language`, falling back on its reference wording
/// when it has no version in that language.
fn wording_in<'a>(clause: &'a DraftClause, language: &str) -> (&'a str, &'a str, Option<String>) {
    match clause
        .languages
        .iter()
        .find(|v| v.language == language && !v.text.is_empty())
    {
        Some(version) => (
            &version.heading,
            &version.text,
            Some(version.text_hash.clone()),
        ),
        None => (
            &clause.heading,
            &clause.text,
            Some(clause.text_hash.clone()),
        ),
    }
}

/// The stored event behind each kind of version.
fn event_name(kind: VersionKind) -> &'static str {
    match kind {
        VersionKind::Proposed => "ClauseProposed",
        VersionKind::Amended => "ClauseAmended",
        VersionKind::AlternativeProposed => "AlternativeProposed",
        VersionKind::AlternativeChosen => "AlternativeChosen",
        VersionKind::Translated => "ClauseTranslated",
        VersionKind::Corrected => "TextCorrected",
        VersionKind::RevisionOpened => "RevisionOpened",
        VersionKind::RevisionAbandoned => "RevisionAbandoned",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pacta_domain::clause_text_hash;

    use crate::tests::{agreed, article, envelopes};

    const FRENCH: &str = "Les Parties encouragent la mobilité des étudiants.";
    const ARABIC: &str = "يشجع الطرفان تنقل الطلاب.";
    const CORRECTED_ARABIC: &str = "يشجع الطرفان تنقل الطلاب والأساتذة.";

    /// A French and Arabic agreement whose article 1 is agreed and translated, then corrected in
    /// Arabic: proposed by MAR (event 6), agreed by CIV (7) and MAR (8), made (9).
    fn corrected_in_arabic() -> Vec<EventEnvelope<Negotiation>> {
        let mut opening = serde_json::to_value(crate::tests::opened()).unwrap();
        opening["NegotiationOpened"]["languages"] = serde_json::json!(["fr", "ar"]);
        let corrected_hash = clause_text_hash("", "ar", CORRECTED_ARABIC);
        let agreement = |party: &str| NegotiationEvent::CorrectionAgreed {
            correction_id: "corr-ar".into(),
            party: party.into(),
            text_hash: corrected_hash.clone(),
        };
        envelopes(vec![
            serde_json::from_value(opening).unwrap(), // 1
            article("art-1", FRENCH),                 // 2
            agreed("art-1", "CIV", FRENCH),           // 3
            agreed("art-1", "MAR", FRENCH),           // 4
            NegotiationEvent::ClauseTranslated {
                clause_id: "art-1".into(),
                language: "ar".into(),
                heading: String::new(),
                text: ARABIC.into(),
                text_hash: clause_text_hash("", "ar", ARABIC),
                source_text_hash: clause_text_hash("", "fr", FRENCH),
            }, // 5
            NegotiationEvent::CorrectionProposed {
                correction_id: "corr-ar".into(),
                clause_id: "art-1".into(),
                language: "ar".into(),
                base_text_hash: clause_text_hash("", "ar", ARABIC),
                heading: String::new(),
                text: CORRECTED_ARABIC.into(),
                text_hash: corrected_hash.clone(),
                reason: "Les enseignants ont été omis en arabe".into(),
                proposed_by: "MAR".into(),
            }, // 6
            agreement("CIV"),                         // 7
            agreement("MAR"),                         // 8
            NegotiationEvent::TextCorrected {
                correction_id: "corr-ar".into(),
                previous_text_root_hash: "root-0".into(),
                text_root_hash: "root-1".into(),
            }, // 9
        ])
    }

    fn side(changes: &[WordChange], skip: ChangeKind) -> String {
        changes
            .iter()
            .filter(|c| c.kind != skip)
            .map(|c| c.text.as_str())
            .collect()
    }

    fn at(sequence: &str) -> Point {
        sequence.parse().expect("a sequence point")
    }

    #[test]
    fn a_redline_in_arabic_shows_the_corrected_arabic_words_and_the_correction_acts() {
        let events = corrected_in_arabic();
        let view = redline_in(&events, &at("5"), &at("9"), Some("ar")).unwrap();
        let clause = &view.clauses[0];
        assert_eq!(
            (clause.change, clause.language.as_str()),
            (ClauseChange::Changed, "ar")
        );
        assert_eq!(side(&clause.text, ChangeKind::Deleted), CORRECTED_ARABIC);
        assert_eq!(side(&clause.text, ChangeKind::Inserted), ARABIC);
        let inserted: String = clause
            .text
            .iter()
            .filter(|c| c.kind == ChangeKind::Inserted)
            .map(|c| c.text.as_str())
            .collect();
        assert!(inserted.contains("والأساتذة"), "{inserted}");
        let acts: Vec<(usize, &str, &str)> = clause
            .changed_by
            .iter()
            .map(|a| (a.sequence, a.event.as_str(), a.proposed_by.as_str()))
            .collect();
        assert_eq!(
            acts,
            vec![
                (6, "CorrectionProposed", "MAR"),
                (7, "CorrectionAgreed", "MAR"),
                (8, "CorrectionAgreed", "MAR"),
                (9, "TextCorrected", "MAR"),
            ],
            "the wording is MAR's, made by both parties' agreements"
        );
        assert!(clause.notes.is_empty(), "{:?}", clause.notes);
    }

    #[test]
    fn a_redline_in_the_reference_language_says_another_version_was_corrected() {
        let events = corrected_in_arabic();
        for (language, note) in [
            (None, "The ar version changed; see the redline in ar"),
            (Some("fr"), "Version ar modifiée ; voir le redline en ar"),
        ] {
            let view = redline_in(&events, &at("5"), &at("9"), language).unwrap();
            let clause = &view.clauses[0];
            assert_eq!(
                (clause.change, clause.language.as_str()),
                (ClauseChange::Unchanged, "fr")
            );
            assert_eq!(clause.notes, vec![note.to_string()]);
            let events: Vec<&str> = clause.changed_by.iter().map(|a| a.event.as_str()).collect();
            assert_eq!(
                events,
                vec![
                    "CorrectionProposed",
                    "CorrectionAgreed",
                    "CorrectionAgreed",
                    "TextCorrected"
                ]
            );
        }
        // Before the correction was made, nothing changed in any language.
        let view = redline_in(&events, &at("5"), &at("8"), None).unwrap();
        assert!(view.clauses[0].notes.is_empty());
        assert!(view.clauses[0].changed_by.is_empty());
    }

    #[test]
    fn a_first_translation_is_not_a_change_of_another_version() {
        let events = corrected_in_arabic();
        let view = redline_in(&events, &at("4"), &at("5"), None).unwrap();
        assert_eq!(view.clauses[0].change, ClauseChange::Unchanged);
        assert!(view.clauses[0].notes.is_empty());
    }

    #[test]
    fn marks_inserted_and_deleted_words() {
        let changes = word_diff(
            "Les étudiants de licence peuvent postuler.",
            "Les étudiants de licence et les doctorants peuvent postuler.",
        );
        let inserted: Vec<&str> = changes
            .iter()
            .filter(|c| c.kind == ChangeKind::Inserted)
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(inserted.concat().trim(), "et les doctorants");
        assert!(changes.iter().all(|c| c.kind != ChangeKind::Deleted));
    }

    #[test]
    fn both_sides_are_recovered_exactly() {
        let old = "تتعاون الأطراف في مجال الوقاية من الاتجار بالبشر";
        let new = "تتعاون الأطراف تعاونا وثيقا في مجال حماية الضحايا";
        let changes = word_diff(old, new);
        assert_eq!(side(&changes, ChangeKind::Inserted), old);
        assert_eq!(side(&changes, ChangeKind::Deleted), new);
    }

    #[test]
    fn a_rewritten_phrase_is_one_deletion_then_one_insertion_and_both_sides_stay_exact() {
        let old = "Les étudiants de licence peuvent  postuler, sans frais.";
        let new = "Les étudiants et doctorants peuvent postuler.";
        let merged = phrases(&word_diff(old, new));
        assert_eq!(side(&merged, ChangeKind::Inserted), old);
        assert_eq!(side(&merged, ChangeKind::Deleted), new);
        let changed: Vec<(ChangeKind, &str)> = merged
            .iter()
            .filter(|c| c.kind != ChangeKind::Unchanged)
            .map(|c| (c.kind, c.text.as_str()))
            .collect();
        assert_eq!(
            changed[..2],
            [
                (ChangeKind::Deleted, "de licence"),
                (ChangeKind::Inserted, "et doctorants")
            ]
        );
    }

    #[test]
    fn identical_texts_are_one_unchanged_run() {
        let changes = word_diff("Article premier", "Article premier");
        assert_eq!(
            changes,
            vec![WordChange {
                kind: ChangeKind::Unchanged,
                text: "Article premier".into()
            }]
        );
    }
}
