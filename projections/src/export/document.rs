//! A whole document of a negotiation's text, in any export format, from its verified events:
//! what `pacta export` writes and the service's export endpoints answer.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::NaiveDate;
use cqrs_es::EventEnvelope;
use pacta_domain::{Matrix, Negotiation};

use super::{
    akoma_ntoso, draft_docx, draft_html, draft_markdown, instrument_docx, instrument_html,
    instrument_markdown, signings, AkomaNtosoSource, ExportError, Form, Instrument,
    InstrumentSource, Provenance,
};
use crate::{
    action_matrices, agreement_state, draft, draft_of_revision, events_at, AgreementState, Draft,
    Point, PointError,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Docx,
    AkomaNtoso,
    Json,
    /// PDF/A, typeset by the `pacta-pdf` crate from [`prepare`]'s views: named here so that
    /// every list of formats (the CLI's, the API's, the pages' links) has it, and made there so
    /// that this pure crate pulls in no typesetter and no fonts.
    Pdf,
}

impl Format {
    pub const ALL: [Format; 6] = [
        Format::Markdown,
        Format::Html,
        Format::Docx,
        Format::Pdf,
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
            Format::Pdf => "pdf",
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
            Format::Pdf => "application/pdf",
        }
    }

    pub fn file_extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::AkomaNtoso => "akn.xml",
            Format::Json => "json",
            Format::Pdf => "pdf",
        }
    }

    /// Binary formats cannot go to a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Docx | Format::Pdf)
    }
}

/// A name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{0}' is not an export format (markdown, html, docx, pdf, akoma-ntoso or json)")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(name: &str) -> Result<Format, UnknownFormat> {
        Format::ALL
            .into_iter()
            .find(|format| format.name() == name)
            .ok_or_else(|| UnknownFormat(name.to_string()))
    }
}

/// What to export, besides the negotiation and the format.
#[derive(Clone, Debug)]
pub struct Selection {
    pub language: Option<String>,
    pub revision: Option<u32>,
    /// A point as `Point` parses it: the document as it stood then.
    pub at: Option<String>,
    /// The day the document is made, for the formats that record it (Akoma Ntoso's FRBR
    /// dates): passed in, since a fold reads no clock.
    pub exported_on: NaiveDate,
    /// The working document, or the instrument to sign (JSON is the views either way).
    pub form: Form,
    /// In the instrument form, the party whose original this is: named first (the alternat).
    pub alternat: Option<String>,
}

/// Why a document cannot be made; each names what to ask for instead.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("choose either a revision or a point in time, not both")]
    RevisionAndPoint,
    #[error(transparent)]
    Point(#[from] PointError),
    #[error("negotiation '{negotiation}' has no revision {revision} on record (see pacta status for its revisions)")]
    UnknownRevision { negotiation: String, revision: u32 },
    #[error(
        "'{language}' is not an authentic language of this negotiation (authentic: {authentic})"
    )]
    NotAuthenticLanguage { language: String, authentic: String },
    #[error(transparent)]
    Export(#[from] ExportError),
    /// [`render`] was asked for a PDF, which only `pacta-pdf` typesets (from [`prepare`]).
    #[error("a PDF is typeset by pacta-pdf, not by the pure exporters: call pacta_pdf::render")]
    NeedsTypesetter,
}

/// The views a document is laid out from, once the request is checked: what every format
/// starts from, PDF included (typeset by `pacta-pdf` outside this crate).
#[derive(Clone, Debug)]
pub struct Prepared {
    pub draft: Draft,
    /// The authentic language asked for, or the negotiation's first.
    pub language: String,
    pub agreement: AgreementState,
    pub matrices: BTreeMap<String, Matrix>,
    /// The instrument form's words; `None`: the working form.
    pub instrument: Option<Instrument>,
    pub exported_on: NaiveDate,
    /// Where the text stands in the ledger: a .docx's properties and running header.
    pub provenance: Provenance,
}

/// The document in full, from the negotiation's verified events, in every format but
/// [`Format::Pdf`] (refused with [`RenderError::NeedsTypesetter`]).
pub fn render(
    negotiation: &str,
    all_events: &[EventEnvelope<Negotiation>],
    format: Format,
    selection: Selection,
) -> Result<Vec<u8>, RenderError> {
    let prepared = prepare(negotiation, all_events, selection)?;
    lay_out(&prepared, format)
}

/// The views of the document `selection` asks for, from the negotiation's verified events:
/// the request checked (revision or point, authentic language, alternat) before any format.
pub fn prepare(
    negotiation: &str,
    all_events: &[EventEnvelope<Negotiation>],
    selection: Selection,
) -> Result<Prepared, RenderError> {
    if selection.revision.is_some() && selection.at.is_some() {
        return Err(RenderError::RevisionAndPoint);
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
        Some(revision) => draft_of_revision(negotiation, events, revision).ok_or(
            RenderError::UnknownRevision {
                negotiation: negotiation.to_string(),
                revision,
            },
        )?,
    };
    let language = chosen_language(&view, selection.language)?;
    let agreement = agreement_state(negotiation, events, None);
    let matrices = action_matrices(events);
    let signed = signings(events, view.revision);
    let instrument = match selection.form {
        Form::Working => None,
        Form::Instrument => {
            let source = InstrumentSource {
                draft: &view,
                agreement: &agreement,
                signings: &signed,
                alternat: selection.alternat.as_deref(),
            };
            Some(Instrument::new(&source, &language)?)
        }
    };
    Ok(Prepared {
        provenance: Provenance::of(&view, all_events),
        draft: view,
        language,
        agreement,
        matrices,
        instrument,
        exported_on: selection.exported_on,
    })
}

/// `prepared` in a text or office format.
fn lay_out(prepared: &Prepared, format: Format) -> Result<Vec<u8>, RenderError> {
    let Prepared {
        draft: view,
        language,
        agreement,
        matrices,
        instrument,
        exported_on,
        provenance,
    } = prepared;
    let document: Vec<u8> = match (format, instrument) {
        (Format::Pdf, _) => return Err(RenderError::NeedsTypesetter),
        (Format::Markdown, Some(instrument)) => instrument_markdown(instrument).into_bytes(),
        (Format::Markdown, None) => draft_markdown(view, language)?.into_bytes(),
        (Format::Html, Some(instrument)) => instrument_html(instrument).into_bytes(),
        (Format::Html, None) => draft_html(view, language)?.into_bytes(),
        (Format::Docx, Some(instrument)) => instrument_docx(instrument, provenance)?,
        (Format::Docx, None) => draft_docx(view, language, provenance)?,
        (Format::AkomaNtoso, _) => {
            let source = AkomaNtosoSource {
                draft: view,
                agreement,
                matrices,
                exported_on: *exported_on,
                instrument: instrument.as_ref(),
            };
            akoma_ntoso(&source, language)?.into_bytes()
        }
        (Format::Json, _) => {
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
fn chosen_language(view: &Draft, asked: Option<String>) -> Result<String, RenderError> {
    match asked {
        Some(language) if !view.languages.contains(&language) => {
            Err(RenderError::NotAuthenticLanguage {
                language,
                authentic: view.languages.join(", "),
            })
        }
        Some(language) => Ok(language),
        None => Ok(view.languages.first().cloned().unwrap_or_default()),
    }
}
