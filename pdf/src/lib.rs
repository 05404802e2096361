//! PDF/A documents of a negotiation's text: the instrument to sign and the working document,
//! typeset by Typst used as a library, with the system's Noto fonts embedded (subset).
//!
//! A crate of its own so that `pacta-projections` stays pure and light: it names
//! [`Format::Pdf`] and prepares the views ([`prepare`]); this crate lays them out. The CLI
//! and the service call [`render`] here for every format.
//!
//! Typst shapes Arabic (joining forms, ligatures) and orders mixed text by the Unicode
//! bidirectional algorithm; the layout sets `dir: rtl` for right-to-left languages. A bilingual
//! document ([`render_bilingual`]) is one two-column table, each cell with its own language and
//! direction. The PDF is
//! PDF/A-2a (archival, tagged: PDF/A-2b plus Unicode text and a logical structure), so its
//! text extracts in logical order.

mod bilingual;
mod model;
mod world;

use cqrs_es::EventEnvelope;
use pacta_domain::Negotiation;
use pacta_projections::export::bilingual::{prepare_bilingual, Bilingual};
use pacta_projections::export::{prepare, Form, Format, Prepared, RenderError, Selection};
use typst::diag::SourceDiagnostic;
use typst::foundations::{Datetime, Smart};
use typst::layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

pub use bilingual::{bilingual_layout, ColumnCell, ColumnRow};
pub use model::{draft_layout, instrument_layout, Block, Layout};
pub use world::{FONT_DIRECTORIES, FONT_FILES, FONT_PACKAGE};

use world::DocumentWorld;

/// Compilations a memoised Typst result may go unused before it is dropped: bounds the
/// service's memory while keeping what every document shares (the fonts' shaping, the layout).
const MEMO_MAX_AGE_COMPILATIONS: usize = 10;

/// Why a document in some format cannot be made: the request (as every format refuses it),
/// or the PDF's typesetting.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Pdf(#[from] PdfError),
}

/// Why a PDF cannot be typeset once the request is checked.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the font {file} is not installed (looked in {searched}): apt-get install {package}")]
    FontMissing {
        file: &'static str,
        package: &'static str,
        searched: String,
    },
    #[error("cannot read the font {path}: {source}")]
    FontUnreadable {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a font file Typst can read")]
    FontInvalid { path: String },
    /// Typst refused the document: for instance a character no installed font has a glyph
    /// for, which PDF/A forbids showing as a blank box.
    #[error("the PDF cannot be typeset: {0}")]
    Typeset(String),
}

/// The document in full, in any format: PDF typeset here, the others by
/// `pacta_projections::export::render`.
pub fn render(
    negotiation: &str,
    all_events: &[EventEnvelope<Negotiation>],
    format: Format,
    selection: Selection,
) -> Result<Vec<u8>, DocumentError> {
    if format != Format::Pdf {
        return Ok(pacta_projections::export::render(
            negotiation,
            all_events,
            format,
            selection,
        )?);
    }
    let prepared = prepare(negotiation, all_events, selection)?;
    Ok(pdf(negotiation, &prepared)?)
}

/// The document `selection` asks for beside its version in `with`, in two columns, in any
/// bilingual format: PDF typeset here, the others by
/// `pacta_projections::export::render_bilingual` (which refuses the same requests).
pub fn render_bilingual(
    negotiation: &str,
    all_events: &[EventEnvelope<Negotiation>],
    format: Format,
    selection: Selection,
    with: &str,
) -> Result<Vec<u8>, DocumentError> {
    if format != Format::Pdf {
        return Ok(pacta_projections::export::render_bilingual(
            negotiation,
            all_events,
            format,
            selection,
            with,
        )?);
    }
    let (form, exported_on) = (selection.form, selection.exported_on);
    let document = prepare_bilingual(negotiation, all_events, selection, with)?;
    Ok(bilingual_pdf(negotiation, &document, form, exported_on)?)
}

/// The bilingual `document` as a PDF/A document, dated `exported_on`.
pub fn bilingual_pdf(
    negotiation: &str,
    document: &Bilingual,
    form: Form,
    exported_on: chrono::NaiveDate,
) -> Result<Vec<u8>, PdfError> {
    let [first, second] = &document.languages;
    let ident = format!("{negotiation}/{}/{first}+{second}", form.name());
    typeset(&bilingual_layout(document), &ident, exported_on)
}

/// `prepared` as a PDF/A document: the instrument where it holds one, else the working form.
pub fn pdf(negotiation: &str, prepared: &Prepared) -> Result<Vec<u8>, PdfError> {
    let (layout, form) = match &prepared.instrument {
        Some(instrument) => (instrument_layout(instrument), "instrument"),
        None => (draft_layout(&prepared.draft, &prepared.language), "working"),
    };
    let ident = format!("{negotiation}/{form}/{}", prepared.language);
    typeset(&layout, &ident, prepared.exported_on)
}

/// `layout` typeset as PDF/A-2a. `ident` names the document stably (the PDF's file identifier
/// is its hash); `exported_on` is the PDF's creation date, so the same request on the same day
/// gives the same bytes.
pub fn typeset(
    layout: &Layout,
    ident: &str,
    exported_on: chrono::NaiveDate,
) -> Result<Vec<u8>, PdfError> {
    use chrono::Datelike;
    let data = serde_json::to_vec(layout).expect("invariant: a layout serialises to JSON");
    let world = DocumentWorld::new(world::fonts()?, data);
    let compiled = typst::compile::<PagedDocument>(&world).output;
    typst::comemo::evict(MEMO_MAX_AGE_COMPILATIONS);
    let document = compiled.map_err(|errors| typeset_error(&errors))?;
    let standards = PdfStandards::new(&[PdfStandard::A_2a])
        .map_err(|message| PdfError::Typeset(message.to_string()))?;
    let date = u8::try_from(exported_on.month())
        .ok()
        .zip(u8::try_from(exported_on.day()).ok())
        .and_then(|(month, day)| Datetime::from_ymd(exported_on.year(), month, day));
    let options = PdfOptions {
        ident: Smart::Custom(ident),
        timestamp: date.map(Timestamp::new_utc),
        standards,
        ..PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| typeset_error(&errors))
}

/// Typst's diagnostics as one message, hints included.
fn typeset_error(errors: &[SourceDiagnostic]) -> PdfError {
    let messages: Vec<String> = errors
        .iter()
        .map(|error| {
            let mut message = error.message.to_string();
            for hint in &error.hints {
                message.push_str(&format!(" (hint: {hint})"));
            }
            message
        })
        .collect();
    PdfError::Typeset(messages.join("; "))
}

#[cfg(test)]
mod tests {
    use std::process::Command;

    use pacta_projections::export::bilingual::{Cell, Row};

    use super::*;

    /// Every character that means something in Typst markup or code, and a call that would
    /// abort the compilation if it were ever evaluated.
    const HOSTILE: &str =
        r#"#panic("injected") *bold* _em_ $x^2$ [link] \ <label> @ref `raw` // = Heading"#;

    fn exported_on() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 5, 28).unwrap()
    }

    /// The text poppler's pdftotext reads from `pdf` (installed by scripts/test).
    fn text_of(pdf: &[u8]) -> String {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("document.pdf");
        std::fs::write(&file, pdf).unwrap();
        let output = Command::new("pdftotext")
            .arg(&file)
            .arg("-")
            .output()
            .expect("pdftotext runs (apt-get install poppler-utils)");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    }

    fn layout(lang: &str, rtl: bool, blocks: Vec<Block>) -> Layout {
        Layout {
            lang: lang.to_string(),
            rtl,
            title: HOSTILE.to_string(),
            blocks,
        }
    }

    #[test]
    fn ledger_text_is_typeset_as_text_never_as_typst_markup_or_code() {
        let text = |paragraph: &str| Block::Text {
            paragraphs: vec![paragraph.to_string()],
            lang: "fr".to_string(),
            rtl: false,
        };
        let hostile = layout(
            "fr",
            false,
            vec![
                Block::Title {
                    text: HOSTILE.to_string(),
                },
                Block::Heading {
                    text: HOSTILE.to_string(),
                },
                text(HOSTILE),
                text("#{ 1 + 1 }\" ] ) } #let"),
                Block::Signatures {
                    columns: vec![vec![HOSTILE.to_string()]],
                },
            ],
        );
        let pdf = typeset(&hostile, "injection", exported_on()).unwrap();
        let extracted = text_of(&pdf);
        // Each hostile line is there verbatim: no markup was applied, no code ran.
        assert_eq!(extracted.matches(HOSTILE).count(), 3, "{extracted}");
        assert!(extracted.contains("#{ 1 + 1 }\" ] ) } #let"), "{extracted}");
    }

    /// Short enough not to wrap in a column, so each is found whole in the extracted text.
    const HOSTILE_PIECES: [&str; 6] = [
        r#"#panic("injected")"#,
        "*bold* _em_ $x^2$",
        r"[link] \ <label> @ref",
        "`raw` // = Heading",
        "#{ 1 + 1 }\" ] ) } #let",
        "#set text(size: 40pt)",
    ];

    fn cell(lang: &str, rtl: bool, heading: &str, paragraphs: &[&str]) -> ColumnCell {
        ColumnCell {
            lang: lang.to_string(),
            rtl,
            heading: heading.to_string(),
            note: None,
            paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn ledger_text_in_the_bilingual_columns_is_typeset_as_text_never_as_typst_markup_or_code() {
        let [call, emphasis, link, raw, code, set] = HOSTILE_PIECES;
        let hostile = layout(
            "fr",
            false,
            vec![Block::Columns {
                rows: vec![
                    ColumnRow {
                        title: true,
                        cells: [
                            cell("fr", false, call, &[]),
                            cell("fr", false, emphasis, &[]),
                        ],
                        status: None,
                    },
                    ColumnRow {
                        title: false,
                        cells: [
                            ColumnCell {
                                note: Some(link.to_string()),
                                ..cell("fr", false, raw, &[code])
                            },
                            cell("fr", false, "", &[set]),
                        ],
                        status: Some(call.to_string()),
                    },
                ],
            }],
        );
        // Latin words in both columns: in a right-to-left cell the bidirectional algorithm would
        // rightly move the pieces' leading and trailing punctuation.
        let extracted = text_of(&typeset(&hostile, "columns", exported_on()).unwrap());
        for piece in HOSTILE_PIECES {
            assert!(extracted.contains(piece), "{piece} in {extracted}");
        }
        assert_eq!(extracted.matches(call).count(), 2, "{extracted}");
    }

    /// Whitespace collapsed, without the bidirectional controls pdftotext puts around the runs
    /// of a right-to-left line: where lines wrap depends on the layout, not on the text.
    fn words(text: &str) -> String {
        let text: String = text
            .chars()
            .filter(|c| !('\u{202A}'..='\u{202E}').contains(c))
            .collect();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn a_bilingual_document_sets_french_and_arabic_side_by_side_each_extracting_in_order() {
        let french = "Fait à Rabat, le 28 mai 2026, en deux exemplaires originaux, en langues \
                      française et arabe, les deux textes faisant également foi.";
        let arabic = "حُرِّرت في الرباط بتاريخ 28 ماي 2026، في نظيرين أصليين باللغتين الفرنسية \
                      والعربية، ولكل من النصين الحجية نفسها.";
        let formula = |language: &str, text: &str| Cell {
            language: language.to_string(),
            heading: String::new(),
            text: text.to_string(),
            note: None,
        };
        let document = Bilingual {
            languages: ["fr".into(), "ar".into()],
            titles: ["Mémorandum d'entente".into(), "مذكرة تفاهم".into()],
            rows: vec![Row {
                key: "done".into(),
                status: None,
                cells: [formula("fr", french), formula("ar", arabic)],
            }],
        };
        let layout = bilingual_layout(&document);
        assert_eq!((layout.lang.as_str(), layout.rtl), ("fr", false));
        let Block::Columns { rows } = &layout.blocks[0] else {
            panic!("one table: {layout:?}");
        };
        assert_eq!(
            (rows[1].cells[1].lang.as_str(), rows[1].cells[1].rtl),
            ("ar", true)
        );
        let pdf = bilingual_pdf("neg", &document, Form::Instrument, exported_on()).unwrap();
        let extracted = words(&text_of(&pdf));
        // pdftotext orders the runs of a line by the page's main direction (here French's, left
        // to right): the words of each right-to-left run come in logical order, but a run split
        // by digits or punctuation may be placed after the next one. Hence Arabic runs without
        // them.
        for expected in [
            "Mémorandum d'entente",
            "مذكرة تفاهم",
            &words(french),
            "في الرباط بتاريخ",
            "باللغتين الفرنسية والعربية",
            "ولكل من النصين",
        ] {
            assert!(extracted.contains(expected), "«{expected}» in {extracted}");
        }
    }

    #[test]
    fn arabic_is_shaped_right_to_left_and_extracts_in_logical_order() {
        let arabic = "وإثباتا لذلك، وقّع الممثلان المفوضان";
        let document = layout(
            "ar",
            true,
            vec![Block::Text {
                paragraphs: vec![arabic.to_string()],
                lang: "ar".to_string(),
                rtl: true,
            }],
        );
        let extracted = text_of(&typeset(&document, "arabic", exported_on()).unwrap());
        assert!(extracted.contains("وإثباتا لذلك"), "{extracted}");
    }

    #[test]
    fn a_character_no_font_has_is_refused_rather_than_shown_as_a_blank_box() {
        let document = layout(
            "fr",
            false,
            vec![Block::Text {
                paragraphs: vec!["Article 1 — 条约".to_string()],
                lang: "fr".to_string(),
                rtl: false,
            }],
        );
        let refused = typeset(&document, "glyphs", exported_on()).unwrap_err();
        assert!(matches!(refused, PdfError::Typeset(_)), "{refused}");
    }

    #[test]
    fn the_same_request_on_the_same_day_gives_the_same_bytes() {
        let document = layout("fr", false, vec![]);
        let once = typeset(&document, "same", exported_on()).unwrap();
        let twice = typeset(&document, "same", exported_on()).unwrap();
        assert!(once.starts_with(b"%PDF-"));
        assert_eq!(once, twice);
    }

    #[test]
    fn the_pure_exporters_refuse_a_pdf_rather_than_make_one() {
        let selection = Selection {
            language: None,
            revision: None,
            at: None,
            exported_on: exported_on(),
            form: Default::default(),
            alternat: None,
        };
        let refused = pacta_projections::export::render("n", &[], Format::Pdf, selection);
        assert!(matches!(refused, Err(RenderError::NeedsTypesetter)));
    }
}
