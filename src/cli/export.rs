//! `pacta export`: a negotiation's text as a document (Markdown, HTML, Word .docx, Akoma Ntoso
//! XML or JSON), made by the pure exporters of `pacta_projections::export`. This file only reads
//! the ledger, checks the request, and writes the bytes to stdout or to `--out`.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use cqrs_es::persist::PersistedEventRepository;
use cqrs_es::EventEnvelope;
use pacta_domain::Negotiation;
use pacta_projections::export::{self as exporters, AkomaNtosoSource};
use pacta_projections::{
    action_matrices, agreement_state, draft, draft_of_revision, events_at, Draft, Point,
};

use super::CliError;
use crate::ledger::Ledger;

#[derive(Args, Debug)]
pub struct ExportArgs {
    pub negotiation: String,
    /// markdown, html, docx, akoma-ntoso or json.
    #[arg(long, value_enum)]
    pub format: Format,
    /// The authentic language of the document (default: the negotiation's first language).
    #[arg(long)]
    pub language: Option<String>,
    /// Export this revision's text instead of the current one (0 is the original instrument).
    #[arg(long)]
    pub revision: Option<u32>,
    /// Export the text, agreement state and matrices as they stood at a point: SEQUENCE, DATE
    /// (YYYY-MM-DD), round:ID (or a bare round id) or revision:N.
    #[arg(long, conflicts_with = "revision")]
    pub at: Option<String>,
    /// Write the document to this file (required for docx; text formats default to stdout).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Markdown,
    Html,
    Docx,
    AkomaNtoso,
    Json,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Markdown,
        Format::Html,
        Format::Docx,
        Format::AkomaNtoso,
        Format::Json,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::AkomaNtoso => "akoma-ntoso",
            Format::Json => "json",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::AkomaNtoso => "application/akn+xml",
            Format::Json => "application/json",
        }
    }

    pub fn file_extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::AkomaNtoso => "akn.xml",
            Format::Json => "json",
        }
    }
}

/// What to export, besides the negotiation and the format.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub language: Option<String>,
    pub revision: Option<u32>,
    pub at: Option<String>,
}

/// What `pacta export` can fail with beyond the CLI's common errors; each is one line.
#[derive(Debug, thiserror::Error)]
pub enum ExportFailure {
    #[error("a .docx is binary: pass --out FILE to say where to write it")]
    DocxNeedsOut,
    #[error("choose either a revision or a point in time, not both")]
    RevisionAndPoint,
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Export(#[from] exporters::ExportError),
}

/// Reads the negotiation, makes the document in full, and only then writes it: a refused request
/// writes nothing.
pub async fn run<R: PersistedEventRepository>(
    ledger: &Ledger<R>,
    args: ExportArgs,
) -> Result<(), CliError> {
    if args.format == Format::Docx && args.out.is_none() {
        return Err(ExportFailure::DocxNeedsOut.into());
    }
    let all_events = ledger.events(&args.negotiation).await?;
    let selection = Selection {
        language: args.language,
        revision: args.revision,
        at: args.at,
    };
    let document = render(&args.negotiation, &all_events, args.format, selection)?;
    write(args.out, &document)
}

/// The document in full, from the negotiation's verified events.
pub fn render(
    negotiation: &str,
    all_events: &[EventEnvelope<Negotiation>],
    format: Format,
    selection: Selection,
) -> Result<Vec<u8>, CliError> {
    if selection.revision.is_some() && selection.at.is_some() {
        return Err(ExportFailure::RevisionAndPoint.into());
    }
    let point: Option<Point> = selection.at.as_deref().map(str::parse).transpose()?;
    // At a point, every view is the same fold over the prefix that ends there, so the
    // agreement state and matrices cannot run ahead of the text they accompany.
    let events = match &point {
        Some(point) => events_at(all_events, point)?,
        None => all_events,
    };
    let view = match selection.revision {
        None => draft(negotiation, events),
        Some(revision) => {
            draft_of_revision(negotiation, events, revision).ok_or(CliError::UnknownRevision {
                negotiation: negotiation.to_string(),
                revision,
            })?
        }
    };
    let language = chosen_language(&view, selection.language)?;
    let agreement = agreement_state(negotiation, events, None);
    let matrices = action_matrices(events);
    let document: Vec<u8> = match format {
        Format::Markdown => exporters::draft_markdown(&view, &language)
            .map_err(ExportFailure::from)?
            .into_bytes(),
        Format::Html => exporters::draft_html(&view, &language)
            .map_err(ExportFailure::from)?
            .into_bytes(),
        Format::Docx => exporters::draft_docx(&view, &language).map_err(ExportFailure::from)?,
        Format::AkomaNtoso => {
            let source = AkomaNtosoSource {
                draft: &view,
                agreement: &agreement,
                matrices: &matrices,
                exported_on: chrono::Utc::now().date_naive(),
            };
            exporters::akoma_ntoso(&source, &language)
                .map_err(ExportFailure::from)?
                .into_bytes()
        }
        Format::Json => {
            let json = serde_json::json!({
                "draft": view,
                "agreement": agreement,
                "action_matrices": matrices,
            });
            let mut text =
                serde_json::to_string_pretty(&json).expect("invariant: views serialise to JSON");
            text.push('\n');
            text.into_bytes()
        }
    };
    Ok(document)
}

/// The language asked for, which must be authentic, or the negotiation's first one.
fn chosen_language(view: &Draft, asked: Option<String>) -> Result<String, CliError> {
    match asked {
        Some(language) if !view.languages.contains(&language) => {
            Err(CliError::NotAuthenticLanguage {
                language,
                authentic: view.languages.join(", "),
            })
        }
        Some(language) => Ok(language),
        None => Ok(view.languages.first().cloned().unwrap_or_default()),
    }
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
