//! The bilingual document as data for `document.typ`: the two titles, then one row a passage,
//! each cell with its own language and direction, laid out as a two-column table. The
//! document's language and direction are the first column's.

use pacta_projections::export::bilingual::{Bilingual, Cell};
use pacta_projections::export::{is_right_to_left, WorkingWords};
use serde::Serialize;

use crate::model::{paragraphs, typst_lang, Block, Layout};

/// One row of [`Block::Columns`]: the same passage in the two languages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ColumnRow {
    /// The titles, set as the document's title is; otherwise a passage.
    pub title: bool,
    /// The first column's cell, then the second's.
    pub cells: [ColumnCell; 2],
    /// The working form's status line, labelled in the document's language, under both cells.
    pub status: Option<String>,
}

/// A passage in one column, in its own language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ColumnCell {
    /// The language of the words, as Typst names it (`und` for an empty cell).
    pub lang: String,
    pub rtl: bool,
    /// "Article premier — Objet", or the title in a title row; empty for a formula.
    pub heading: String,
    /// A missing or unchecked version, a title or name missing in this language.
    pub note: Option<String>,
    pub paragraphs: Vec<String>,
}

impl ColumnCell {
    fn of(cell: &Cell) -> ColumnCell {
        ColumnCell {
            lang: typst_lang(&cell.language),
            rtl: is_right_to_left(&cell.language),
            heading: cell.heading.clone(),
            note: cell.note.clone(),
            paragraphs: paragraphs(&cell.text),
        }
    }

    fn title(language: &str, title: &str) -> ColumnCell {
        ColumnCell {
            lang: typst_lang(language),
            rtl: is_right_to_left(language),
            heading: title.to_string(),
            note: None,
            paragraphs: Vec::new(),
        }
    }
}

/// The bilingual document laid out as one two-column table, its first row the titles; its
/// language and direction are the first column's, and so are the words of its statuses.
pub fn bilingual_layout(document: &Bilingual) -> Layout {
    let [first, second] = &document.languages;
    let words = WorkingWords::new(first);
    let [first_title, second_title] = &document.titles;
    let mut rows = vec![ColumnRow {
        title: true,
        cells: [
            ColumnCell::title(first, first_title),
            ColumnCell::title(second, second_title),
        ],
        status: None,
    }];
    rows.extend(document.rows.iter().map(|row| {
        ColumnRow {
            title: false,
            cells: [ColumnCell::of(&row.cells[0]), ColumnCell::of(&row.cells[1])],
            status: row
                .status
                .as_deref()
                .map(|status| words.labelled_status(status)),
        }
    }));
    Layout {
        lang: typst_lang(first),
        rtl: is_right_to_left(first),
        // The PDF's title (its metadata) names both versions, as the HTML page's does.
        title: format!("{first_title} / {second_title}"),
        blocks: vec![Block::Columns { rows }],
    }
}

#[cfg(test)]
mod tests {
    use pacta_projections::export::bilingual::Row;

    use super::*;

    fn cell(language: &str, text: &str) -> Cell {
        Cell {
            language: language.to_string(),
            heading: String::new(),
            text: text.to_string(),
            note: None,
        }
    }

    #[test]
    fn each_cell_keeps_its_language_and_the_status_is_labelled_in_the_first_columns() {
        let document = Bilingual {
            languages: ["ar".into(), "fr".into()],
            titles: ["مذكرة تفاهم".into(), "Mémorandum".into()],
            rows: vec![Row {
                key: "art-1".into(),
                status: Some("STATUS".into()),
                cells: [cell("ar", "نص\n\nثان"), cell("", "")],
            }],
        };
        let layout = bilingual_layout(&document);
        assert_eq!((layout.lang.as_str(), layout.rtl), ("ar", true));
        assert_eq!(layout.title, "مذكرة تفاهم / Mémorandum");
        let Block::Columns { rows } = &layout.blocks[0] else {
            panic!("one table: {layout:?}");
        };
        assert!(rows[0].title && !rows[1].title);
        assert_eq!(rows[0].cells[1].heading, "Mémorandum");
        let [arabic, empty] = &rows[1].cells;
        assert_eq!((arabic.lang.as_str(), arabic.rtl), ("ar", true));
        assert_eq!(arabic.paragraphs, ["نص", "ثان"]);
        // A passage the other column lacks: an empty cell, in no language.
        assert_eq!((empty.lang.as_str(), empty.paragraphs.len()), ("und", 0));
        let status = rows[1].status.as_deref().unwrap();
        assert_eq!(status, WorkingWords::new("ar").labelled_status("STATUS"));
        assert!(status.contains("STATUS") && status != "STATUS", "{status}");
    }
}
