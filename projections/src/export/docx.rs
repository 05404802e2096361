//! A draft, or a redline, as a Word document (.docx, Office Open XML) written by `docx-rs`.
//!
//! A redline becomes tracked changes (`w:ins`/`w:del`) whose author is whoever proposed the
//! change, so a legal adviser can accept or reject each one in Word. Paragraphs in a
//! right-to-left language are marked `w:bidi`.

use std::io::Cursor;

use docx_rs::{AlignmentType, BreakType, Delete, Docx, Insert, Paragraph, Run, RunFonts};

use super::{
    check_authentic, clause_title, instrument_name, is_right_to_left, language_name, parties_line,
    revision_line, status_line, wording, ClauseChanges, ExportError,
};
use super::{Instrument, Passage};
use crate::{ChangeKind, Draft};

/// Half-points, as Word measures font sizes: 16 pt title, 13 pt clause headings, 11 pt text.
const TITLE_SIZE_HALF_POINTS: usize = 32;
const HEADING_SIZE_HALF_POINTS: usize = 26;
const TEXT_SIZE_HALF_POINTS: usize = 22;
/// A face with Latin and Arabic glyphs that Word and LibreOffice both know.
const FONT: &str = "Times New Roman";

/// The draft in `language`, one of its authentic languages, as the bytes of a .docx file.
pub fn draft_docx(draft: &Draft, language: &str) -> Result<Vec<u8>, ExportError> {
    check_authentic(draft, language)?;
    let rtl = is_right_to_left(language);
    let mut document = new_document().add_paragraph(title(&draft.title, rtl));
    let facts = [
        format!("Instrument: {}", instrument_name(draft.instrument_kind)),
        format!("Parties: {}", parties_line(draft)),
        revision_line(draft.revision),
        format!(
            "Language: {} ({language}); authentic languages: {}",
            language_name(language),
            draft.languages.join(", ")
        ),
    ];
    let legal_effect = draft
        .legal_effect_line()
        .map(|line| format!("Legal effect: {line}"));
    for fact in facts.into_iter().chain(legal_effect) {
        document = document.add_paragraph(Paragraph::new().add_run(Run::new().add_text(fact)));
    }
    for clause in &draft.clauses {
        let shown = wording(draft, clause, language);
        let shown_rtl = is_right_to_left(shown.language);
        document = document
            .add_paragraph(heading(&clause_title(&shown.label, shown.heading), rtl))
            .add_paragraph(
                Paragraph::new().add_run(
                    Run::new()
                        .italic()
                        .add_text(format!("Status: {}", status_line(clause))),
                ),
            );
        if let Some(note) = &shown.note {
            document = document.add_paragraph(
                Paragraph::new().add_run(Run::new().italic().add_text(format!("Note: {note}"))),
            );
        }
        for line in lines(&shown.text) {
            document = document.add_paragraph(text_paragraph(line, shown_rtl));
        }
        for alternative in &clause.alternatives {
            document = document.add_paragraph(Paragraph::new().add_run(
                Run::new().bold().add_text(format!(
                    "Alternative [{}], proposed by {}:",
                    alternative.label, alternative.proposed_by
                )),
            ));
            let alternative_rtl = is_right_to_left(&alternative.language);
            for line in lines(&alternative.text) {
                document = document.add_paragraph(text_paragraph(line, alternative_rtl).indent(
                    Some(720),
                    None,
                    None,
                    None,
                ));
            }
        }
        for stated in &clause.positions {
            let because = if stated.rationale.is_empty() {
                String::new()
            } else {
                format!(" — {}", stated.rationale)
            };
            document = document.add_paragraph(Paragraph::new().add_run(Run::new().add_text(
                format!("Position of {}: {}{because}", stated.party, stated.position),
            )));
        }
    }
    pack(document)
}

/// The instrument form ([`Instrument`]) as the bytes of a .docx file: title, opening formula,
/// preamble, articles, testimonium, one signature block after another (the first party's
/// first), then the annexes. Every paragraph in a right-to-left language is marked `w:bidi`.
pub fn instrument_docx(instrument: &Instrument) -> Result<Vec<u8>, ExportError> {
    let rtl = instrument.is_right_to_left();
    let plain = |line: &str| text_paragraph(line, rtl);
    let mut document = new_document();
    if let Some(marking) = &instrument.draft_marking {
        document = document.add_paragraph(title(marking, rtl));
    }
    document = document.add_paragraph(title(&instrument.title, rtl));
    for note in &instrument.notes {
        document = document.add_paragraph(direction(
            Paragraph::new().add_run(Run::new().italic().add_text(note)),
            rtl,
        ));
    }
    document = document.add_paragraph(plain(&instrument.opening));
    for recital in &instrument.recitals {
        document = add_passage(document, recital, rtl);
    }
    document = document.add_paragraph(plain(&instrument.agreed));
    for passage in &instrument.body {
        document = add_passage(document, passage, rtl);
    }
    document = document
        .add_paragraph(plain(&instrument.witness))
        .add_paragraph(plain(&instrument.done));
    for block in &instrument.signature_blocks {
        document = document
            .add_paragraph(direction(
                Paragraph::new()
                    .keep_next(true)
                    .add_run(Run::new().bold().add_text(&block.for_party)),
                rtl,
            ))
            // Room for the signature itself.
            .add_paragraph(Paragraph::new().keep_next(true))
            .add_paragraph(plain(&block.name).keep_next(true))
            .add_paragraph(plain(&block.title).keep_next(true))
            .add_paragraph(plain(&block.place_and_date));
    }
    for annex in &instrument.annexes {
        document = add_passage(document, annex, rtl);
    }
    pack(document)
}

/// A recital as its paragraphs; an article (or annex) under its numbered heading.
fn add_passage(mut document: Docx, passage: &Passage, rtl: bool) -> Docx {
    if !passage.label.is_empty() {
        document = document.add_paragraph(heading(
            &clause_title(&passage.label, &passage.heading),
            rtl,
        ));
    }
    if let Some(note) = &passage.note {
        document = document.add_paragraph(direction(
            Paragraph::new().add_run(Run::new().italic().add_text(note)),
            rtl,
        ));
    }
    let shown_rtl = is_right_to_left(&passage.language);
    for line in lines(&passage.text) {
        document = document.add_paragraph(text_paragraph(line, shown_rtl));
    }
    document
}

/// A redline as a .docx whose changes are Word tracked changes: each inserted run a `w:ins`, each
/// deleted run a `w:del`, authored by the clause's `author` on its `date`. `language` is the
/// language of the wordings and decides the paragraphs' direction.
pub fn redline_docx(
    title_text: &str,
    language: &str,
    clauses: &[ClauseChanges],
) -> Result<Vec<u8>, ExportError> {
    let rtl = is_right_to_left(language);
    let mut document = new_document().add_paragraph(title(title_text, rtl));
    for clause in clauses {
        // Word's w:date is an ISO 8601 date-time; a change is dated by the day it was proposed.
        let date = format!("{}T00:00:00Z", clause.date);
        let mut paragraph = Paragraph::new();
        for change in &clause.changes {
            paragraph = match change.kind {
                ChangeKind::Unchanged => paragraph.add_run(run_with_breaks(&change.text, false)),
                ChangeKind::Inserted => paragraph.add_insert(
                    Insert::new(run_with_breaks(&change.text, false))
                        .author(&clause.author)
                        .date(&date),
                ),
                ChangeKind::Deleted => paragraph.add_delete(
                    Delete::new()
                        .add_run(run_with_breaks(&change.text, true))
                        .author(&clause.author)
                        .date(&date),
                ),
            };
        }
        document = document
            .add_paragraph(heading(&clause_title(&clause.label, &clause.heading), rtl))
            .add_paragraph(
                Paragraph::new().add_run(
                    Run::new()
                        .italic()
                        .add_text(format!("Proposed by {} on {}", clause.author, clause.date)),
                ),
            );
        for note in &clause.notes {
            document = document.add_paragraph(direction(
                Paragraph::new().add_run(Run::new().bold().add_text(note)),
                rtl,
            ));
        }
        document = document.add_paragraph(direction(paragraph, rtl));
    }
    pack(document)
}

fn new_document() -> Docx {
    Docx::new()
        .default_fonts(RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
        .default_size(TEXT_SIZE_HALF_POINTS)
}

fn title(text: &str, rtl: bool) -> Paragraph {
    direction(
        Paragraph::new().align(AlignmentType::Center).add_run(
            Run::new()
                .bold()
                .size(TITLE_SIZE_HALF_POINTS)
                .add_text(text),
        ),
        rtl,
    )
}

fn heading(text: &str, rtl: bool) -> Paragraph {
    direction(
        Paragraph::new().keep_next(true).outline_lvl(1).add_run(
            Run::new()
                .bold()
                .size(HEADING_SIZE_HALF_POINTS)
                .add_text(text),
        ),
        rtl,
    )
}

fn text_paragraph(line: &str, rtl: bool) -> Paragraph {
    direction(Paragraph::new().add_run(Run::new().add_text(line)), rtl)
}

/// Marks a paragraph right-to-left (`w:bidi`): Word then lays it out and aligns it from the right.
fn direction(mut paragraph: Paragraph, rtl: bool) -> Paragraph {
    if rtl {
        paragraph.property = paragraph.property.bidi(true);
    }
    paragraph
}

/// A run whose line breaks are Word line breaks; `deleted` text must be `w:delText` to show as
/// deleted.
fn run_with_breaks(text: &str, deleted: bool) -> Run {
    let mut run = Run::new();
    for (index, line) in text.split('\n').enumerate() {
        if index > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        if !line.is_empty() {
            run = if deleted {
                run.add_delete_text(line)
            } else {
                run.add_text(line)
            };
        }
    }
    run
}

fn lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty())
}

fn pack(document: Docx) -> Result<Vec<u8>, ExportError> {
    let mut bytes = Cursor::new(Vec::new());
    document
        .build()
        .pack(&mut bytes)
        .map_err(|e| ExportError::Docx(e.to_string()))?;
    Ok(bytes.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::test_support::{date, views, ARABIC_TEXT, TRICKY_TEXT};
    use crate::word_diff;

    /// `word/document.xml` of a .docx, as text.
    fn document_xml(docx: &[u8]) -> String {
        let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("a zip archive");
        let document = archive
            .by_name("word/document.xml")
            .expect("word/document.xml");
        std::io::read_to_string(document).expect("UTF-8 XML")
    }

    #[test]
    fn the_draft_document_holds_every_clause_escaped() {
        let xml = document_xml(&draft_docx(&views().draft, "fr").unwrap());
        assert!(
            xml.contains("Article premier — Objet &amp; portée"),
            "{xml}"
        );
        assert!(xml.contains("si &lt;seuil&gt; &amp;"), "{xml}");
        assert!(!xml.contains(TRICKY_TEXT), "raw text would break the XML");
        assert!(xml.contains("Alternative [B], proposed by MAR:"));
        assert!(xml.contains("Position of MAR: prefers alternative B"));
        assert!(!xml.contains("<w:bidi"), "French is left to right");
    }

    #[test]
    fn the_arabic_document_is_right_to_left() {
        let xml = document_xml(&draft_docx(&views().draft, "ar").unwrap());
        assert!(xml.contains(ARABIC_TEXT));
        assert!(xml.contains("<w:bidi"));
        assert!(xml.contains("no version yet in Arabic"));
    }

    #[test]
    fn a_redline_is_tracked_changes_by_their_author() {
        let clauses = [ClauseChanges {
            label: "Article 2".into(),
            heading: "Mobilité".into(),
            author: "MAR".into(),
            date: date(2026, 9, 1),
            notes: Vec::new(),
            changes: word_diff(
                "Les étudiants de licence peuvent postuler.",
                "Les étudiants & doctorants peuvent postuler.",
            ),
        }];
        let xml = document_xml(&redline_docx("Révision", "fr", &clauses).unwrap());
        assert!(xml.contains("<w:ins w:id="), "{xml}");
        assert!(xml.contains("<w:del w:id="), "{xml}");
        assert!(xml.contains("w:author=\"MAR\" w:date=\"2026-09-01T00:00:00Z\""));
        assert!(xml.contains("<w:delText xml:space=\"preserve\">licence</w:delText>"));
        assert!(xml.contains("<w:t xml:space=\"preserve\">&amp;</w:t></w:r></w:ins>"));
        assert!(!xml.contains("<w:bidi"), "French is left to right");
    }
}
