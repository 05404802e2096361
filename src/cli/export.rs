//! `pacta export`: a negotiation's text as a document (Markdown, HTML, Word .docx, PDF/A, Akoma
//! Ntoso XML or JSON), made by the pure exporters of `pacta_projections::export` (PDF typeset by
//! `pacta-pdf` from their views). This file only reads the ledger, checks the request, and writes
//! the bytes to stdout or to `--out`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use pacta_pdf::{render, render_bilingual, DocumentError};
use pacta_projections::export::{self as exporters, Form, Format, Selection};

use super::CliError;
use pacta_ledger::Ledger;

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The negotiation's id, e.g. civ-mar-tip-mou.
    pub negotiation: String,
    /// markdown, html, docx, pdf (PDF/A-2a, fonts embedded), akoma-ntoso or json, e.g.
    /// --format pdf.
    #[arg(long, value_parser = parse_format)]
    pub format: Format,
    /// The authentic language of the document (default: the negotiation's first language),
    /// e.g. --language fr.
    #[arg(long)]
    pub language: Option<String>,
    /// Export this revision's text instead of the current one (0 is the original instrument),
    /// e.g. --revision 0.
    #[arg(long)]
    pub revision: Option<u32>,
    /// Export the text, agreement state and matrices as they stood at a point: SEQUENCE, DATE
    /// (YYYY-MM-DD), round:ID (or a bare round id) or revision:N, e.g. --at round:round-1.
    #[arg(long, conflicts_with = "revision")]
    pub at: Option<String>,
    /// working (default: every clause with its status, proposer, bracketed alternatives and
    /// positions) or instrument (the text to sign: title, opening formula, preamble, articles,
    /// testimonium and signature blocks, in the language's own words, marked as a draft until
    /// every party adopted it), e.g. --form instrument.
    #[arg(long, value_parser = parse_form, default_value = "working")]
    pub form: Form,
    /// In the instrument form, the party whose original this is, named first in the opening
    /// formula and the signature blocks (the alternat), e.g. --alternat MAR.
    #[arg(long, value_name = "PARTY")]
    pub alternat: Option<String>,
    /// Set this other authentic language beside the document's, passage by passage in two
    /// columns, each numbered and worded in its own language (markdown, html, docx or pdf;
    /// working or instrument form), e.g. --with ar, or --language ar --with fr.
    #[arg(long, value_name = "LANGUAGE")]
    pub with: Option<String>,
    /// Write the document to this file (required for docx and pdf; text formats default to
    /// stdout), e.g. --out mou-fr.pdf.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// What `pacta export` and `pacta redline` can fail with beyond the document itself.
#[derive(Debug, thiserror::Error)]
pub enum ExportFailure {
    #[error("a .docx is binary: pass --out FILE to say where to write it")]
    DocxNeedsOut,
    #[error("a PDF is binary: pass --out FILE to say where to write it")]
    PdfNeedsOut,
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Export(#[from] exporters::ExportError),
    #[error(transparent)]
    Pdf(#[from] pacta_pdf::PdfError),
}

impl From<DocumentError> for CliError {
    fn from(error: DocumentError) -> CliError {
        match error {
            DocumentError::Render(error) => error.into(),
            DocumentError::Pdf(error) => ExportFailure::Pdf(error).into(),
        }
    }
}

/// clap's parser for `--format`: the names `Format` answers to.
pub fn parse_format(name: &str) -> Result<Format, String> {
    name.parse::<Format>().map_err(|e| e.to_string())
}

/// clap's parser for `--form`: the names `Form` answers to.
fn parse_form(name: &str) -> Result<Form, String> {
    name.parse::<Form>().map_err(|e| e.to_string())
}

/// Reads the negotiation, makes the document in full, and only then writes it: a refused request
/// writes nothing.
pub async fn run(ledger: &Ledger, args: ExportArgs) -> Result<(), CliError> {
    if args.format.is_binary() && args.out.is_none() {
        return Err(match args.format {
            Format::Pdf => ExportFailure::PdfNeedsOut,
            _ => ExportFailure::DocxNeedsOut,
        }
        .into());
    }
    let all_events = ledger.events(&args.negotiation).await?;
    let selection = Selection {
        language: args.language,
        revision: args.revision,
        at: args.at,
        exported_on: chrono::Utc::now().date_naive(),
        form: args.form,
        alternat: args.alternat,
    };
    let document = match &args.with {
        Some(with) => {
            render_bilingual(&args.negotiation, &all_events, args.format, selection, with)?
        }
        None => render(&args.negotiation, &all_events, args.format, selection)?,
    };
    write(args.out, &document)
}

/// Writes `document` beside `path` and renames it into place, so that a failure part-way (a full
/// disk) leaves no truncated document where a reader expects a whole one.
fn write_whole(path: &std::path::Path, document: &[u8]) -> std::io::Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let written = std::fs::write(&partial, document).and_then(|()| std::fs::rename(&partial, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    written
}

/// Writes a finished document to `out`, or to standard output.
pub(super) fn write(out: Option<PathBuf>, document: &[u8]) -> Result<(), CliError> {
    let result = match &out {
        Some(path) => write_whole(path, document),
        None => std::io::stdout().lock().write_all(document),
    };
    result.map_err(|source| {
        let path = out.map_or("standard output".to_string(), |p| p.display().to_string());
        ExportFailure::Write { path, source }.into()
    })
}
