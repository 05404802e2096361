//! A text in two authentic languages side by side, passage by passage: the document's language
//! (by default the negotiation's first, its reference) in the first column and a companion
//! language in the second, as delegations and treaty offices compare versions before signing.
//!
//! [`Bilingual`] is the document once, in rows of two cells; each format only lays it out:
//!
//! - HTML: one standalone page (inline CSS, as every exported page) holding a two-column table,
//!   each cell with its own `lang` and `dir`, so the Arabic column reads right to left in a
//!   French page.
//! - Markdown: alternating blocks, each row's first-language block then its second, a rule
//!   between rows. A Markdown table cannot hold several paragraphs, and CommonMark has no
//!   direction mark, so a table of Arabic beside French reads badly in every renderer; blocks
//!   one after the other read well and diff well.
//! - Word: a two-column table; every paragraph of a right-to-left cell is marked `w:bidi`, and
//!   the document is packaged as the one-language ones are (`w:lang` on every run, `w:rtl` on
//!   right-to-left runs, the ledger's core properties, a running header and numbered pages).
//! - PDF: typeset by `pacta-pdf` from [`prepare_bilingual`]'s document (a two-column table,
//!   each cell in its own language and direction); [`render_bilingual`] here refuses it with
//!   [`RenderError::NeedsTypesetter`], as the one-language [`super::render`] does.
//!
//! Each column labels and numbers clauses by its own language's convention ("Article premier",
//! "المادة الأولى"), and a passage with no current version in a column's language shows the
//! reference wording there, marked with its language and a note. The words around the text
//! (column headings, statuses) are in the document's language, each column's heading and notes
//! in the column's.

use std::fmt::Write;

use cqrs_es::EventEnvelope;
use docx_rs::{AlignmentType, Paragraph, Run, Table, TableCell, TableRow, WidthType};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use pacta_domain::Negotiation;

use super::document::{prepare, Format, Prepared, RenderError, Selection};
use super::instrument::Words;
use super::word::{self, Properties, Provenance};
use super::{
    check_authentic, clause_title, direction, docx, is_right_to_left, status_line, wording,
    ExportError, Instrument, Passage, WorkingWords,
};
use crate::Draft;

/// The formats a bilingual document is laid out in: PDF by `pacta-pdf`, the others here.
pub const BILINGUAL_FORMATS: [Format; 4] =
    [Format::Markdown, Format::Html, Format::Docx, Format::Pdf];

/// A text in two authentic languages, one row a passage, one column a language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bilingual {
    /// The first column's language, then the second's.
    pub languages: [String; 2],
    /// The title in each language, where the opening gave it (else the reference title).
    pub titles: [String; 2],
    pub rows: Vec<Row>,
}

/// One passage in both languages: a formula, a recital, an article, a signature block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// What the row holds, for anchors: a clause id, or "opening", "signature-CIV"…
    pub key: String,
    /// The working form's status line, without its label, in the first column's language
    /// ("agréé ; proposé par CIV ; agréé par CIV, MAR"); none in the instrument form.
    pub status: Option<String>,
    pub cells: [Cell; 2],
}

/// A passage in one column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cell {
    /// The language of `text`: the column's, or the reference language's where this language
    /// has no current version.
    pub language: String,
    /// "Article premier — Objet"; empty for a formula or a recital.
    pub heading: String,
    /// Paragraphs, one a line.
    pub text: String,
    /// A missing or unchecked version, or a title or name missing in this language: in the
    /// column's language, whichever `language` is.
    pub note: Option<String>,
}

impl Bilingual {
    /// The instrument form: the same instrument in two languages, passage by passage, from the
    /// title to the annexes. Both are made from one draft, so their passages name the same
    /// clauses in the same order.
    pub fn of_instruments(first: &Instrument, second: &Instrument) -> Bilingual {
        let mut rows = Vec::new();
        let formula = |key: &str, a: &str, b: &str| Row {
            key: key.to_string(),
            status: None,
            cells: [
                formula_cell(&first.language, a),
                formula_cell(&second.language, b),
            ],
        };
        if let (Some(a), Some(b)) = (&first.draft_marking, &second.draft_marking) {
            rows.push(formula("marking", a, b));
        }
        let notes = |instrument: &Instrument| {
            (!instrument.notes.is_empty()).then(|| instrument.notes.join(" "))
        };
        if !first.notes.is_empty() || !second.notes.is_empty() {
            rows.push(Row {
                key: "notes".into(),
                status: None,
                cells: [
                    Cell {
                        note: notes(first),
                        ..formula_cell(&first.language, "")
                    },
                    Cell {
                        note: notes(second),
                        ..formula_cell(&second.language, "")
                    },
                ],
            });
        }
        rows.push(formula("opening", &first.opening, &second.opening));
        rows.extend(passage_rows(&first.recitals, &second.recitals));
        rows.push(formula("agreed", &first.agreed, &second.agreed));
        rows.extend(passage_rows(&first.body, &second.body));
        rows.push(formula("witness", &first.witness, &second.witness));
        rows.push(formula("done", &first.done, &second.done));
        for (a, b) in first.signature_blocks.iter().zip(&second.signature_blocks) {
            let block = |b: &super::SignatureBlock| {
                [&b.for_party, &b.name, &b.title, &b.place_and_date]
                    .iter()
                    .map(|line| line.as_str())
                    .collect::<Vec<_>>()
                    .join("\n")
            };
            rows.push(formula(
                &format!("signature-{}", a.party),
                &block(a),
                &block(b),
            ));
        }
        rows.extend(passage_rows(&first.annexes, &second.annexes));
        Bilingual {
            languages: [first.language.clone(), second.language.clone()],
            titles: [first.title.clone(), second.title.clone()],
            rows,
        }
    }

    /// The working form: every clause of `draft` in both languages under its status. The
    /// bracketed alternatives and positions, worded in one language only, are left to the
    /// one-language working document.
    pub fn of_draft(draft: &Draft, first: &str, second: &str) -> Result<Bilingual, ExportError> {
        check_authentic(draft, first)?;
        check_authentic(draft, second)?;
        let cell = |clause, language: &str| {
            let shown = wording(draft, clause, language);
            Cell {
                language: shown.language.to_string(),
                heading: clause_title(&shown.label, shown.heading),
                text: shown.text,
                note: shown.note,
            }
        };
        let rows = draft
            .clauses
            .iter()
            .map(|clause| Row {
                key: clause.clause_id.clone(),
                status: Some(status_line(clause, first)),
                cells: [cell(clause, first), cell(clause, second)],
            })
            .collect();
        let title = |language: &str| draft.titles.get(language).unwrap_or(&draft.title).clone();
        Ok(Bilingual {
            languages: [first.to_string(), second.to_string()],
            titles: [title(first), title(second)],
            rows,
        })
    }
}

fn formula_cell(language: &str, words: &str) -> Cell {
    Cell {
        language: language.to_string(),
        heading: String::new(),
        text: words.to_string(),
        note: None,
    }
}

/// Recitals, articles or annexes paired by clause: a passage the other column lacks (which one
/// draft never gives) is shown beside an empty cell rather than beside another clause.
fn passage_rows(first: &[Passage], second: &[Passage]) -> Vec<Row> {
    first
        .iter()
        .map(|a| {
            let cell = |p: &Passage| Cell {
                language: p.language.clone(),
                heading: if p.label.is_empty() {
                    String::new()
                } else {
                    clause_title(&p.label, &p.heading)
                },
                text: p.text.clone(),
                note: p.note.clone(),
            };
            let other = second
                .iter()
                .find(|b| b.clause_id == a.clause_id)
                .map_or_else(|| formula_cell("", ""), cell);
            Row {
                key: a.clause_id.clone(),
                status: None,
                cells: [cell(a), other],
            }
        })
        .collect()
}

/// The document `selection` asks for (its language in the first column) beside its version in
/// `with`, another authentic language, as Markdown, HTML or Word: refused for another format,
/// for a language that is not authentic and for the document's own language. A PDF is
/// refused with [`RenderError::NeedsTypesetter`] once the request is checked: `pacta-pdf`
/// typesets it from [`prepare_bilingual`].
pub fn render_bilingual(
    negotiation: &str,
    all_events: &[EventEnvelope<Negotiation>],
    format: Format,
    selection: Selection,
    with: &str,
) -> Result<Vec<u8>, RenderError> {
    check_bilingual_format(format)?;
    let (document, first) = prepared_bilingual(negotiation, all_events, selection, with)?;
    Ok(match format {
        Format::Markdown => bilingual_markdown(&document).into_bytes(),
        Format::Html => bilingual_html(&document).into_bytes(),
        Format::Docx => {
            let marking = docx::marking(&first.language, first.instrument.as_ref());
            bilingual_docx(&document, &first.provenance, &marking)?
        }
        _ => return Err(RenderError::NeedsTypesetter),
    })
}

/// Refuses a format with no bilingual layout, before anything is read.
pub fn check_bilingual_format(format: Format) -> Result<(), RenderError> {
    if BILINGUAL_FORMATS.contains(&format) {
        Ok(())
    } else {
        Err(ExportError::NotBilingual {
            format: format.name().to_string(),
        }
        .into())
    }
}

/// The bilingual document `selection` asks for beside its version in `with`, the request
/// checked (a language that is not authentic, the document's own language): what every format
/// lays out, PDF included.
pub fn prepare_bilingual(
    negotiation: &str,
    all_events: &[EventEnvelope<Negotiation>],
    selection: Selection,
    with: &str,
) -> Result<Bilingual, RenderError> {
    prepared_bilingual(negotiation, all_events, selection, with).map(|(document, _)| document)
}

/// [`prepare_bilingual`]'s document, with the first language's prepared views: where the text
/// stands in the ledger and which form it is in, which a .docx's header and properties state.
fn prepared_bilingual(
    negotiation: &str,
    all_events: &[EventEnvelope<Negotiation>],
    selection: Selection,
    with: &str,
) -> Result<(Bilingual, Prepared), RenderError> {
    let companion = Selection {
        language: Some(with.to_string()),
        ..selection.clone()
    };
    let first = prepare(negotiation, all_events, selection)?;
    if first.language == with {
        return Err(ExportError::SameLanguage {
            language: with.to_string(),
        }
        .into());
    }
    let second = prepare(negotiation, all_events, companion)?;
    let document = match (&first, &second) {
        (
            Prepared {
                instrument: Some(a),
                ..
            },
            Prepared {
                instrument: Some(b),
                ..
            },
        ) => Bilingual::of_instruments(a, b),
        _ => Bilingual::of_draft(&first.draft, &first.language, with)?,
    };
    Ok((document, first))
}

/// Two columns of equal width within the page: a wider page than a one-language document's.
const BILINGUAL_STYLE: &str = "\
body{max-width:80rem}
table.bilingual{width:100%;border-collapse:collapse;table-layout:fixed}
table.bilingual th,table.bilingual td{vertical-align:top;padding:.5rem .75rem;border-top:1px solid #ccc;text-align:start}
table.bilingual tr.status td{border-top:none;padding-top:0}
table.bilingual h2{font-size:1.05rem;margin:.25rem 0}
@media print{body{max-width:none}table.bilingual tr{break-inside:avoid-page}}
";

/// The bilingual document as one standalone HTML page: a two-column table whose every cell
/// carries its language and direction; the page's are the first column's.
pub fn bilingual_html(document: &Bilingual) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_html(&mut out, document);
    out
}

fn write_html(out: &mut String, document: &Bilingual) -> std::fmt::Result {
    let [first, second] = &document.languages;
    let title = format!("{} / {}", document.titles[0], document.titles[1]);
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(
        out,
        "<html lang=\"{}\" dir=\"{}\">",
        attr(first),
        direction(first)
    )?;
    writeln!(out, "<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(out, "<title>{}</title>", text(&title))?;
    writeln!(
        out,
        "<style>\n{}{BILINGUAL_STYLE}</style>",
        super::html::STYLE
    )?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")?;
    writeln!(out, "<article>")?;
    writeln!(out, "<table class=\"bilingual\">")?;
    writeln!(out, "<thead>")?;
    writeln!(out, "<tr>")?;
    for (language, title) in document.languages.iter().zip(&document.titles) {
        writeln!(
            out,
            "<th scope=\"col\" lang=\"{}\" dir=\"{}\"><h1>{}</h1></th>",
            attr(language),
            direction(language),
            text(title)
        )?;
    }
    writeln!(out, "</tr>")?;
    writeln!(out, "<tr>")?;
    for language in [first, second] {
        writeln!(
            out,
            "<th scope=\"col\" lang=\"{}\" dir=\"{}\">{}</th>",
            attr(language),
            direction(language),
            text(&WorkingWords::column(language))
        )?;
    }
    writeln!(out, "</tr>")?;
    writeln!(out, "</thead>")?;
    writeln!(out, "<tbody>")?;
    let words = WorkingWords::new(first);
    for row in &document.rows {
        writeln!(out, "<tr id=\"row-{}\">", attr(&row.key))?;
        for (cell, column) in row.cells.iter().zip(&document.languages) {
            write_html_cell(out, cell, column)?;
        }
        writeln!(out, "</tr>")?;
        if let Some(status) = &row.status {
            writeln!(
                out,
                "<tr class=\"status\"><td colspan=\"2\" class=\"status\" lang=\"{}\" dir=\"{}\">{}</td></tr>",
                attr(first),
                direction(first),
                text(&words.labelled_status(status))
            )?;
        }
    }
    writeln!(out, "</tbody>")?;
    writeln!(out, "</table>")?;
    writeln!(out, "</article>")?;
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")
}

/// A cell; its note is in `column`'s language, which may not be the wording's.
fn write_html_cell(out: &mut String, cell: &Cell, column: &str) -> std::fmt::Result {
    if cell.language.is_empty() {
        return writeln!(out, "<td></td>");
    }
    writeln!(
        out,
        "<td lang=\"{}\" dir=\"{}\">",
        attr(&cell.language),
        direction(&cell.language)
    )?;
    if !cell.heading.is_empty() {
        writeln!(out, "<h2>{}</h2>", text(&cell.heading))?;
    }
    if let Some(note) = &cell.note {
        writeln!(
            out,
            "<p class=\"note\" role=\"note\" lang=\"{}\" dir=\"{}\">{}</p>",
            attr(column),
            direction(column),
            text(note)
        )?;
    }
    for line in cell.text.lines().filter(|l| !l.trim().is_empty()) {
        writeln!(out, "<p>{}</p>", text(line.trim()))?;
    }
    writeln!(out, "</td>")
}

/// The bilingual document as Markdown: each row's first-language block, then its second, each
/// tagged with its language, a rule between rows (see the module's documentation for why not a
/// table).
pub fn bilingual_markdown(document: &Bilingual) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_markdown(&mut out, document);
    out
}

fn write_markdown(out: &mut String, document: &Bilingual) -> std::fmt::Result {
    use super::markdown::{escape, escape_line};
    for (language, title) in document.languages.iter().zip(&document.titles) {
        writeln!(out, "# {} *({language})*", escape(title))?;
        writeln!(out)?;
    }
    let words = WorkingWords::new(&document.languages[0]);
    writeln!(out, "*{}*", escape(&words.bilingual(&document.languages)))?;
    for row in &document.rows {
        writeln!(out)?;
        writeln!(out, "---")?;
        if let Some(status) = &row.status {
            writeln!(out)?;
            writeln!(out, "*{}*", escape(&words.labelled_status(status)))?;
        }
        for cell in row.cells.iter().filter(|c| !c.language.is_empty()) {
            writeln!(out)?;
            if cell.heading.is_empty() {
                writeln!(out, "**\\[{}\\]**", cell.language)?;
            } else {
                writeln!(out, "## {} \\[{}\\]", escape(&cell.heading), cell.language)?;
            }
            if let Some(note) = &cell.note {
                writeln!(out)?;
                writeln!(out, "> {}", escape(note))?;
            }
            for line in cell.text.lines().filter(|l| !l.trim().is_empty()) {
                writeln!(out)?;
                writeln!(out, "{}", escape_line(line.trim()))?;
            }
        }
    }
    Ok(())
}

/// Twips (twentieths of a point), as Word measures widths: each column half of an A4 page's
/// 16 cm of text (9,070 twips), so the two versions of a passage take the same room.
const COLUMN_WIDTH_TWIPS: usize = 4535;
/// Half-points, as Word measures font sizes: 14 pt titles, 11 pt headings (the text's face and
/// size are the one-language documents').
const TITLE_SIZE_HALF_POINTS: usize = 28;
const HEADING_SIZE_HALF_POINTS: usize = 22;

/// The bilingual document as the bytes of a .docx file: the two titles, then a two-column
/// table, one row a passage; every paragraph of a right-to-left cell is marked `w:bidi`, so Word
/// lays it out and aligns it from the right. Packaged as the one-language documents are: every
/// run names its languages (`w:lang`, and `w:rtl` on right-to-left text), core.xml carries the
/// titles, the first language and the ledger's dates from `provenance`, and every page has a
/// header (`marking`, the first title, the revision and the day it stood) and numbered pages.
pub fn bilingual_docx(
    document: &Bilingual,
    provenance: &Provenance,
    marking: &str,
) -> Result<Vec<u8>, ExportError> {
    let [first, _] = &document.languages;
    let words = Words::new(first);
    let header = docx::header_line(
        &words,
        marking,
        &document.titles[0],
        docx::revision_words(&words, provenance.revision),
        &provenance.as_of_at,
    );
    let mut docx = docx::running(docx::new_document(), &header, first);
    for (language, title) in document.languages.iter().zip(&document.titles) {
        docx = docx.add_paragraph(directed(
            Paragraph::new().align(AlignmentType::Center).add_run(
                Run::new()
                    .bold()
                    .size(TITLE_SIZE_HALF_POINTS)
                    .add_text(title),
            ),
            language,
        ));
    }
    let header = TableRow::new(
        document
            .languages
            .iter()
            .map(|language| {
                docx_cell().add_paragraph(directed(
                    Paragraph::new()
                        .add_run(Run::new().bold().add_text(WorkingWords::column(language))),
                    language,
                ))
            })
            .collect(),
    );
    let words = WorkingWords::new(first);
    let mut rows = vec![header];
    for row in &document.rows {
        rows.push(TableRow::new(
            row.cells
                .iter()
                .zip(&document.languages)
                .map(|(cell, column)| docx_cell_of(cell, column))
                .collect(),
        ));
        if let Some(status) = &row.status {
            rows.push(TableRow::new(vec![TableCell::new()
                .grid_span(2)
                .width(2 * COLUMN_WIDTH_TWIPS, WidthType::Dxa)
                .add_paragraph(directed(
                    Paragraph::new()
                        .add_run(Run::new().italic().add_text(words.labelled_status(status))),
                    first,
                ))]));
        }
    }
    docx = docx.add_table(Table::new(rows).set_grid(vec![COLUMN_WIDTH_TWIPS; 2]));
    let title = format!("{} / {}", document.titles[0], document.titles[1]);
    let properties = Properties {
        title: &title,
        language: first,
        provenance,
    };
    word::package(docx, &properties)
}

fn docx_cell() -> TableCell {
    TableCell::new().width(COLUMN_WIDTH_TWIPS, WidthType::Dxa)
}

/// A cell; its note is in `column`'s language, which may not be the wording's.
fn docx_cell_of(cell: &Cell, column: &str) -> TableCell {
    let mut out = docx_cell();
    if !cell.heading.is_empty() {
        out = out.add_paragraph(directed(
            Paragraph::new().keep_next(true).add_run(
                Run::new()
                    .bold()
                    .size(HEADING_SIZE_HALF_POINTS)
                    .add_text(&cell.heading),
            ),
            &cell.language,
        ));
    }
    if let Some(note) = &cell.note {
        out = out.add_paragraph(directed(
            Paragraph::new().add_run(Run::new().italic().add_text(note)),
            column,
        ));
    }
    for line in cell.text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out = out.add_paragraph(directed(
            Paragraph::new().add_run(Run::new().add_text(line)),
            &cell.language,
        ));
    }
    // A cell must hold a paragraph to be valid Office Open XML.
    if cell.heading.is_empty() && cell.note.is_none() && cell.text.trim().is_empty() {
        out = out.add_paragraph(Paragraph::new());
    }
    out
}

/// Marks a paragraph in a right-to-left language `w:bidi`.
fn directed(mut paragraph: Paragraph, language: &str) -> Paragraph {
    if is_right_to_left(language) {
        paragraph.property = paragraph.property.bidi(true);
    }
    paragraph
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;
    use crate::export::docx::tests::{lang, part, runs};
    use crate::export::test_support::{
        assert_contains, date, instrument_events, ARABIC_TEXT, ARABIC_TITLE, MISSING_IN_ARABIC,
    };
    use crate::export::Form;

    fn selection(form: Form) -> Selection {
        Selection {
            language: None,
            revision: None,
            at: None,
            exported_on: date(2026, 6, 1),
            form,
            alternat: None,
        }
    }

    fn render(format: Format, form: Form, with: &str) -> Result<Vec<u8>, RenderError> {
        render_bilingual(
            "neg-1",
            &instrument_events(true),
            format,
            selection(form),
            with,
        )
    }

    fn page(form: Form) -> String {
        String::from_utf8(render(Format::Html, form, "ar").unwrap()).unwrap()
    }

    /// The draft of the sample, whose clauses every bilingual document must hold.
    fn sample_draft() -> Draft {
        crate::draft("neg-1", &instrument_events(true))
    }

    /// The HTML of the row that holds `clause_id`.
    fn row_of<'a>(page: &'a str, clause_id: &str) -> &'a str {
        let start = page
            .find(&format!("<tr id=\"row-{clause_id}\">"))
            .unwrap_or_else(|| panic!("no row for {clause_id} in {page}"));
        let end = page[start..].find("</tr>").expect("a closed row") + start;
        &page[start..end]
    }

    #[test]
    fn the_bilingual_instrument_has_every_clause_in_two_cells_with_their_language_and_direction() {
        let page = page(Form::Instrument);
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"fr\" dir=\"ltr\">"));
        assert_contains(
            &page,
            &[
                "<table class=\"bilingual\">",
                "table-layout:fixed",
                &format!("<th scope=\"col\" lang=\"ar\" dir=\"rtl\"><h1>{ARABIC_TITLE}</h1></th>"),
                // Each column named in its own language.
                "<th scope=\"col\" lang=\"fr\" dir=\"ltr\">Français (fr)</th>",
                "<th scope=\"col\" lang=\"ar\" dir=\"rtl\">العربية (ar)</th>",
            ],
        );
        let draft = sample_draft();
        let live = draft
            .clauses
            .iter()
            .filter(|c| c.status != pacta_domain::ClauseStatus::Withdrawn);
        let mut rows = 0;
        for clause in live {
            let row = row_of(&page, &clause.clause_id);
            assert_eq!(row.matches("<td").count(), 2, "{row}");
            assert!(row.contains("<td lang=\"fr\" dir=\"ltr\">"), "{row}");
            if clause.label.starts_with("Article") {
                // Each column numbers the article by its own convention.
                assert!(row.contains(&draft.label_in(clause, "fr")), "{row}");
                assert!(row.contains(&draft.label_in(clause, "ar")), "{row}");
            }
            rows += 1;
        }
        assert!(rows >= 2, "the sample has clauses");
        assert_contains(&page, &["<td lang=\"ar\" dir=\"rtl\">\n<h2>", ARABIC_TEXT]);
        let arabic_cell_start = page.find(ARABIC_TEXT).unwrap();
        let cell_open = page[..arabic_cell_start].rfind("<td").unwrap();
        assert!(page[cell_open..].starts_with("<td lang=\"ar\" dir=\"rtl\">"));
    }

    #[test]
    fn a_missing_translation_shows_the_reference_wording_marked_and_noted() {
        let page = page(Form::Instrument);
        let draft = sample_draft();
        let missing = draft
            .clauses
            .iter()
            .find(|c| c.text == MISSING_IN_ARABIC)
            .expect("the sample has a clause with no Arabic version");
        let row = row_of(&page, &missing.clause_id);
        // Both cells hold the French wording; the second says why.
        assert_eq!(
            row.matches("<td lang=\"fr\" dir=\"ltr\">").count(),
            2,
            "{row}"
        );
        assert_eq!(row.matches(MISSING_IN_ARABIC).count(), 2, "{row}");
        assert_eq!(row.matches("role=\"note\"").count(), 1, "{row}");
    }

    #[test]
    fn the_working_form_sets_each_clause_under_its_status() {
        let page = page(Form::Working);
        let draft = sample_draft();
        for clause in &draft.clauses {
            let row = row_of(&page, &clause.clause_id);
            assert_eq!(row.matches("<td").count(), 2, "{row}");
            let after = &page[page.find(row).unwrap() + row.len()..];
            assert!(
                after.starts_with(&format!(
                    "</tr>\n<tr class=\"status\"><td colspan=\"2\" class=\"status\" lang=\"fr\" dir=\"ltr\">Statut : {}",
                    html_escape::encode_text(&status_line(clause, "fr"))
                )),
                "{after}"
            );
        }
        assert!(page.contains(ARABIC_TEXT));
    }

    #[test]
    fn the_markdown_alternates_each_passage_in_both_languages() {
        let markdown =
            String::from_utf8(render(Format::Markdown, Form::Instrument, "ar").unwrap()).unwrap();
        let draft = sample_draft();
        let heading_line = |label: &str, language: &str| {
            markdown
                .lines()
                .position(|line| {
                    line.starts_with(&format!("## {}", escape_heading(label)))
                        && line.ends_with(&format!("\\[{language}\\]"))
                })
                .unwrap_or_else(|| panic!("no heading {label} [{language}] in {markdown}"))
        };
        for clause in draft
            .clauses
            .iter()
            .filter(|c| c.label.starts_with("Article"))
        {
            // Each block is tagged with the language of its words: the French reference
            // wording under the Arabic label where the Arabic version is missing.
            let arabic_words = if clause.text == MISSING_IN_ARABIC {
                "fr"
            } else {
                "ar"
            };
            let french = heading_line(&draft.label_in(clause, "fr"), "fr");
            let arabic = heading_line(&draft.label_in(clause, "ar"), arabic_words);
            assert!(french < arabic, "the reference language first");
        }
        assert_contains(&markdown, &[ARABIC_TEXT, "# ", ARABIC_TITLE, "\n---\n"]);
    }

    fn escape_heading(label: &str) -> String {
        super::super::markdown::escape(label)
    }

    #[test]
    fn the_word_document_is_a_two_column_table_with_right_to_left_arabic_cells() {
        let docx = render(Format::Docx, Form::Instrument, "ar").unwrap();
        let mut archive = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
        let xml = std::io::read_to_string(archive.by_name("word/document.xml").unwrap()).unwrap();
        assert_contains(
            &xml,
            &[
                "<w:tbl>",
                &format!("<w:gridCol w:w=\"{COLUMN_WIDTH_TWIPS}\""),
                "<w:bidi",
                ARABIC_TEXT,
                MISSING_IN_ARABIC,
            ],
        );
        // The Arabic wording's paragraph, and only a right-to-left one, is marked w:bidi.
        let paragraph_of = |words: &str| {
            let at = xml.find(words).unwrap();
            let start = xml[..at]
                .rfind("<w:p ")
                .max(xml[..at].rfind("<w:p>"))
                .unwrap();
            &xml[start..at]
        };
        assert!(paragraph_of(ARABIC_TEXT).contains("<w:bidi"));
        assert!(!paragraph_of(MISSING_IN_ARABIC).contains("<w:bidi"));
    }

    #[test]
    fn the_word_document_is_packaged_as_the_one_language_ones_are() {
        for (form, marking) in [
            (Form::Working, "Document de travail"),
            (Form::Instrument, "Texte adopté"),
        ] {
            let docx = render(Format::Docx, form, "ar").unwrap();
            let read = runs(&part(&docx, "word/document.xml"));
            assert!(read.len() > 10, "{read:?}");
            // Every run names its languages; right-to-left text is marked so.
            for run in &read {
                assert_eq!(run.lang, lang("fr", "ar"), "{form:?}: {run:?}");
                assert_eq!(run.rtl, word::has_right_to_left(&run.text), "{run:?}");
            }
            assert!(
                read.iter().any(|r| r.rtl && r.text == ARABIC_TEXT),
                "{read:?}"
            );
            // Each column is headed in its own language.
            assert!(read.iter().any(|r| r.rtl && r.text == "العربية (ar)"));
            assert!(read.iter().any(|r| !r.rtl && r.text == "Français (fr)"));
            let statuses = read
                .iter()
                .filter(|r| r.text.starts_with("Statut : "))
                .count();
            assert_eq!(statuses > 0, form == Form::Working, "{read:?}");
            let core = part(&docx, "docProps/core.xml");
            assert_contains(
                &core,
                &[
                    "<dc:language>fr</dc:language>",
                    "<dc:creator>Pacta — neg-1</dc:creator>",
                    &format!(" / {ARABIC_TITLE}</dc:title>"),
                ],
            );
            let header: String = runs(&part(&docx, "word/header1.xml"))
                .iter()
                .map(|r| r.text.as_str())
                .collect();
            // The sample's events are not stamped: no "as at" date is invented.
            assert_eq!(
                header,
                format!("{marking} — Mémorandum \"TIP\" <CIV & MAR>, texte original")
            );
            let footer = part(&docx, "word/footer1.xml");
            assert_contains(&footer, &["<w:instrText>PAGE</w:instrText>", "Page "]);
            assert!(runs(&footer).iter().all(|r| r.lang == lang("fr", "ar")));
        }
    }

    #[test]
    fn an_arabic_first_word_document_reads_its_table_from_the_right() {
        let selection = Selection {
            language: Some("ar".into()),
            ..selection(Form::Instrument)
        };
        let docx = render_bilingual(
            "neg-1",
            &instrument_events(true),
            Format::Docx,
            selection,
            "fr",
        )
        .unwrap();
        let xml = part(&docx, "word/document.xml");
        assert!(xml.contains("<w:tblPr><w:bidiVisual/>"), "{xml}");
        let header: String = runs(&part(&docx, "word/header1.xml"))
            .iter()
            .map(|r| r.text.as_str())
            .collect();
        assert!(header.starts_with("النص المعتمد — "), "{header}");
        let core = part(&docx, "docProps/core.xml");
        assert!(core.contains("<dc:language>ar</dc:language>"), "{core}");
    }

    #[test]
    fn a_bilingual_document_is_refused_in_its_own_language_another_format_or_a_foreign_language() {
        let refusal = |format, with| render(format, Form::Instrument, with).unwrap_err();
        assert!(matches!(
            refusal(Format::Html, "fr"),
            RenderError::Export(ExportError::SameLanguage { .. })
        ));
        assert!(matches!(
            refusal(Format::AkomaNtoso, "ar"),
            RenderError::Export(ExportError::NotBilingual { .. })
        ));
        assert!(matches!(
            refusal(Format::Html, "en"),
            RenderError::NotAuthenticLanguage { .. }
        ));
        // A PDF is made by pacta-pdf, after the same checks.
        assert!(matches!(
            refusal(Format::Pdf, "fr"),
            RenderError::Export(ExportError::SameLanguage { .. })
        ));
        assert!(matches!(
            refusal(Format::Pdf, "ar"),
            RenderError::NeedsTypesetter
        ));
    }
}
