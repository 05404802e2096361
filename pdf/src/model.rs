//! The document as data for the Typst layout (`document.typ`): a title and a sequence of blocks,
//! every ledger word a JSON string. The layout places strings as text, so nothing written in a
//! negotiation can become Typst markup or code, whatever characters it holds.

use pacta_projections::export::{
    clause_title, instrument_name, is_right_to_left, language_name, parties_line, revision_line,
    status_line, wording, Instrument, Passage,
};
use pacta_projections::Draft;
use serde::Serialize;

/// What `document.typ` reads as `document.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Layout {
    /// The document's language as Typst names it (ISO 639: `fr`, `ar`).
    pub lang: String,
    pub rtl: bool,
    /// The PDF's title (its metadata, required by PDF/A's XMP) and the first heading.
    pub title: String,
    pub blocks: Vec<Block>,
}

/// One block of the page, top to bottom.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Block {
    /// "PROJET", above the title until every party has adopted the text.
    Marking {
        text: String,
    },
    Title {
        text: String,
    },
    /// An article's or a clause's label and heading.
    Heading {
        text: String,
    },
    /// Paragraphs in one language, which may differ from the document's (a reference wording
    /// shown in place of a missing version).
    Text {
        paragraphs: Vec<String>,
        lang: String,
        rtl: bool,
    },
    /// A note to the reader, or a working clause's status.
    Note {
        text: String,
    },
    List {
        items: Vec<String>,
    },
    /// A bracketed alternative of the working document, set apart from the clause's text.
    Quote {
        title: String,
        paragraphs: Vec<String>,
        lang: String,
        rtl: bool,
    },
    /// The signature blocks side by side: one column of lines per party.
    Signatures {
        columns: Vec<Vec<String>>,
    },
}

/// Typst's `lang` is an ISO 639 code alone: the primary subtag of a BCP 47 tag (`fr` of
/// `fr-CI`), or `und` where it is not one (Typst refuses anything else).
pub fn typst_lang(tag: &str) -> String {
    let primary = tag.split(['-', '_']).next().unwrap_or_default();
    let is_iso_639 =
        (2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic());
    if is_iso_639 {
        primary.to_ascii_lowercase()
    } else {
        "und".to_string()
    }
}

/// A clause's text as paragraphs: one a line, blank lines dropped (as the other formats do).
fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

fn text_block(text: &str, language: &str) -> Block {
    Block::Text {
        paragraphs: paragraphs(text),
        lang: typst_lang(language),
        rtl: is_right_to_left(language),
    }
}

fn passage(blocks: &mut Vec<Block>, passage: &Passage) {
    if !passage.label.is_empty() {
        blocks.push(Block::Heading {
            text: clause_title(&passage.label, &passage.heading),
        });
    }
    if let Some(note) = &passage.note {
        blocks.push(Block::Note { text: note.clone() });
    }
    if !passage.text.trim().is_empty() {
        blocks.push(text_block(&passage.text, &passage.language));
    }
}

/// The instrument form: what `instrument_markdown` shows, laid out as a signed original is.
pub fn instrument_layout(instrument: &Instrument) -> Layout {
    let language = &instrument.language;
    let mut blocks = Vec::new();
    if let Some(marking) = &instrument.draft_marking {
        blocks.push(Block::Marking {
            text: marking.clone(),
        });
    }
    blocks.push(Block::Title {
        text: instrument.title.clone(),
    });
    blocks.extend(
        instrument
            .notes
            .iter()
            .map(|note| Block::Note { text: note.clone() }),
    );
    blocks.push(text_block(&instrument.opening, language));
    for recital in &instrument.recitals {
        passage(&mut blocks, recital);
    }
    blocks.push(text_block(&instrument.agreed, language));
    for article in &instrument.body {
        passage(&mut blocks, article);
    }
    blocks.push(text_block(&instrument.witness, language));
    blocks.push(text_block(&instrument.done, language));
    blocks.push(Block::Signatures {
        columns: instrument
            .signature_blocks
            .iter()
            .map(|b| {
                vec![
                    b.for_party.clone(),
                    b.name.clone(),
                    b.title.clone(),
                    b.place_and_date.clone(),
                ]
            })
            .collect(),
    });
    for annex in &instrument.annexes {
        passage(&mut blocks, annex);
    }
    Layout {
        lang: typst_lang(language),
        rtl: is_right_to_left(language),
        title: instrument.title.clone(),
        blocks,
    }
}

/// The working form in `language` (already checked authentic): what `draft_markdown` shows,
/// with its English apparatus (statuses, proposers, positions).
pub fn draft_layout(draft: &Draft, language: &str) -> Layout {
    let mut facts = vec![
        format!("Instrument: {}", instrument_name(draft.instrument_kind)),
        format!("Parties: {}", parties_line(draft)),
    ];
    if let Some(line) = draft.legal_effect_line() {
        facts.push(format!("Legal effect: {line}"));
    }
    facts.push(revision_line(draft.revision));
    facts.push(format!(
        "Language: {} ({language}); authentic languages: {}",
        language_name(language),
        draft.languages.join(", ")
    ));
    facts.push(format!(
        "Negotiation: {} (as of event #{})",
        draft.negotiation_id, draft.as_of_sequence
    ));
    let mut blocks = vec![
        Block::Title {
            text: draft.title.clone(),
        },
        Block::List { items: facts },
    ];
    for clause in &draft.clauses {
        let shown = wording(draft, clause, language);
        blocks.push(Block::Heading {
            text: clause_title(&shown.label, shown.heading),
        });
        blocks.push(Block::Note {
            text: format!("Status: {}", status_line(clause)),
        });
        if let Some(note) = &shown.note {
            blocks.push(Block::Note {
                text: format!("Note: {note}"),
            });
        }
        blocks.push(text_block(&shown.text, shown.language));
        for alternative in &clause.alternatives {
            blocks.push(Block::Quote {
                title: format!(
                    "Alternative [{}], proposed by {} ({}):",
                    alternative.label, alternative.proposed_by, alternative.language
                ),
                paragraphs: paragraphs(&alternative.text),
                lang: typst_lang(&alternative.language),
                rtl: is_right_to_left(&alternative.language),
            });
        }
        if !clause.positions.is_empty() {
            blocks.push(Block::List {
                items: clause
                    .positions
                    .iter()
                    .map(|stated| {
                        let because = if stated.rationale.is_empty() {
                            String::new()
                        } else {
                            format!(" — {}", stated.rationale)
                        };
                        format!("{} {}{because}", stated.party, stated.position)
                    })
                    .collect(),
            });
        }
    }
    Layout {
        lang: typst_lang(language),
        rtl: is_right_to_left(language),
        title: draft.title.clone(),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typst_lang_keeps_the_primary_subtag_and_refuses_what_typst_would() {
        assert_eq!(typst_lang("fr-CI"), "fr");
        assert_eq!(typst_lang("AR"), "ar");
        assert_eq!(typst_lang("ku-Arab"), "ku");
        assert_eq!(typst_lang("x-private1"), "und");
        assert_eq!(typst_lang(""), "und");
    }

    #[test]
    fn paragraphs_are_the_non_blank_lines_trimmed() {
        assert_eq!(paragraphs("1. a\n\n  2. b  \n"), vec!["1. a", "2. b"]);
    }
}
