//! Everything the CLI can fail with, and the one table of exit codes.
//!
//! Every error is typed up to here; `main` prints it as one line and exits with
//! [`CliError::exit_code`]. The table is documented in the README ("Exit codes") and each code is
//! exercised by `tests/cli.rs`.

use pacta_ledger::journal::JournalFailure;
use pacta_ledger::store::{PersonRefusal, StoreError, TokenRefusal};
use pacta_ledger::views::ViewError;
use pacta_ledger::LedgerError;
use pacta_pdf::PdfError;
use pacta_projections::export::RenderError;
use pacta_projections::PointError;
use pacta_verify::audit::Finding;

use super::export::ExportFailure;
use super::hashes::PrefixError;
use super::tokens::TokenFailure;
use crate::demo::DemoError;
use crate::files::FileError;
use crate::keys::KeyError;

/// What a script can tell from `pacta`'s exit status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ExitCode {
    /// The command did what it was asked.
    Success = 0,
    /// Refused: the rules of negotiation or the record refuse the request (a rule, an unknown
    /// negotiation, clause or revision, a stale hash, a lost race); nothing was written.
    Refused = 1,
    /// The command line or an input file is malformed (clap's own errors exit 2 too).
    Usage = 2,
    /// Integrity failure: a broken chain, a journal or bundle that contradicts the events, a
    /// proof or signature that does not hold. Never acted on.
    Integrity = 3,
    /// The store could not be reached or failed underneath.
    StoreUnavailable = 4,
    /// A file or address outside the store could not be read, written or bound.
    Environment = 5,
}

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    View(#[from] ViewError),
    #[error(transparent)]
    Journal(#[from] JournalFailure),
    #[error(transparent)]
    Render(#[from] RenderError),
    #[error(transparent)]
    Point(#[from] PointError),
    #[error(transparent)]
    Export(#[from] ExportFailure),
    #[error(transparent)]
    Token(#[from] TokenFailure),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Demo(#[from] DemoError),
    #[error("say who is acting: pass --as PERSON or set PACTA_ACTOR")]
    NoActor,
    #[error("--party-name names '{0}', which no --party opens with")]
    NameForUnknownParty(String),
    #[error(transparent)]
    File(#[from] FileError),
    #[error("{path} is not a valid command: {source}")]
    MalformedCommand {
        path: String,
        source: serde_json::Error,
    },
    #[error("{path}: not a checkpoint as pacta checkpoint show --json prints it: {source}")]
    MalformedCheckpoint {
        path: String,
        source: serde_json::Error,
    },
    #[error("negotiation '{negotiation}' now ends at {found}, not at the head you kept ({expected}): its history was cut short, rolled back or rewritten since")]
    HeadMismatch {
        negotiation: String,
        expected: String,
        found: String,
    },
    #[error("negotiation '{negotiation}' has no clause '{clause}' (see pacta draft {negotiation} for its clauses)")]
    UnknownClause { negotiation: String, clause: String },
    /// What `pacta audit verify` found, one finding per line.
    #[error("{}", lines(.0))]
    AuditFindings(Vec<Finding>),
    #[error("cannot listen on {address}: {source} (is another server using it? try --listen 127.0.0.1:0)")]
    Listen {
        address: String,
        source: std::io::Error,
    },
    #[error("the service stopped: {0}")]
    Serve(std::io::Error),
    #[error("the service cannot start: {0}")]
    ServiceStart(#[source] ViewError),
    #[error(transparent)]
    HashPrefix(#[from] PrefixError),
    #[error("cannot keep the demo's tokens in {path}: {source} (is the store's folder writable?)")]
    DemoSignInFile {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

fn lines(findings: &[Finding]) -> String {
    let lines: Vec<String> = findings.iter().map(ToString::to_string).collect();
    lines.join("\n")
}

impl CliError {
    pub fn exit_code(&self) -> ExitCode {
        use ExitCode::*;
        match self {
            CliError::Ledger(error) => ledger_exit_code(error),
            CliError::Store(error) => store_exit_code(error),
            CliError::View(error) | CliError::ServiceStart(error) => view_exit_code(error),
            CliError::Journal(error) => match error {
                JournalFailure::Store(error) => store_exit_code(error),
                JournalFailure::Views(error) => view_exit_code(error),
                JournalFailure::Ledger(error) => ledger_exit_code(error),
                JournalFailure::OldAfterNew { .. } => Usage,
                error if error.is_integrity() => Integrity,
                _ => Refused,
            },
            CliError::Render(error) => match error {
                RenderError::Point(error) => point_exit_code(error),
                RenderError::RevisionAndPoint => Usage,
                RenderError::UnknownRevision { .. }
                | RenderError::NotAuthenticLanguage { .. }
                | RenderError::Export(_) => Refused,
                // `pacta export` has pacta-pdf typeset PDFs: never asked of the pure exporters.
                RenderError::NeedsTypesetter => Refused,
            },
            CliError::Point(error) => point_exit_code(error),
            CliError::Export(error) => match error {
                ExportFailure::DocxNeedsOut | ExportFailure::PdfNeedsOut => Usage,
                ExportFailure::Write { .. } => Environment,
                ExportFailure::Export(_) => Refused,
                ExportFailure::Pdf(error) => match error {
                    PdfError::FontMissing { .. }
                    | PdfError::FontUnreadable { .. }
                    | PdfError::FontInvalid { .. } => Environment,
                    PdfError::Typeset(_) => Refused,
                },
            },
            CliError::Token(error) => match error {
                TokenFailure::Person(_) => Usage,
                TokenFailure::Unknown(_) | TokenFailure::AlreadyRevoked { .. } => Refused,
            },
            CliError::Demo(DemoError::Ledger(error)) => ledger_exit_code(error),
            CliError::Demo(DemoError::Store(error)) => store_exit_code(error),
            CliError::Demo(DemoError::Key(error)) | CliError::Key(error) => match error {
                KeyError::File(error) => file_exit_code(error),
                KeyError::Malformed { .. } => Usage,
                KeyError::NoRandomness(_)
                | KeyError::Create { .. }
                | KeyError::Write { .. }
                | KeyError::Read { .. } => Environment,
            },
            CliError::File(error) => file_exit_code(error),
            CliError::NoActor
            | CliError::NameForUnknownParty(_)
            | CliError::MalformedCommand { .. }
            | CliError::MalformedCheckpoint { .. } => Usage,
            CliError::Listen { .. } | CliError::Serve(_) | CliError::DemoSignInFile { .. } => {
                Environment
            }
            CliError::UnknownClause { .. } => Refused,
            CliError::HashPrefix(PrefixError::TooShort { .. }) => Usage,
            CliError::HashPrefix(PrefixError::Unknown { .. } | PrefixError::Ambiguous { .. }) => {
                Refused
            }
            CliError::HeadMismatch { .. } | CliError::AuditFindings(_) => Integrity,
        }
    }
}

fn file_exit_code(error: &FileError) -> ExitCode {
    match error {
        FileError::Read { .. } => ExitCode::Environment,
        FileError::TooLarge { .. } => ExitCode::Usage,
    }
}

fn ledger_exit_code(error: &LedgerError) -> ExitCode {
    match error {
        LedgerError::Integrity(_) | LedgerError::Quarantined { .. } => ExitCode::Integrity,
        LedgerError::Storage(_) => ExitCode::StoreUnavailable,
        LedgerError::InvalidCommandId(_) => ExitCode::Usage,
        LedgerError::Refused { .. }
        | LedgerError::UnknownNegotiation(_)
        | LedgerError::WrongNegotiation { .. }
        | LedgerError::TooManyEvents { .. }
        | LedgerError::Conflict { .. }
        | LedgerError::CommandIdReused { .. } => ExitCode::Refused,
    }
}

fn store_exit_code(error: &StoreError) -> ExitCode {
    match error {
        StoreError::UnsupportedUrl(_) => ExitCode::Usage,
        StoreError::Journal(_) => ExitCode::Integrity,
        StoreError::Token(TokenRefusal::NoRandomness(_)) => ExitCode::Environment,
        StoreError::Token(_) => ExitCode::Usage,
        StoreError::Person(refusal) => match refusal {
            PersonRefusal::Invalid(_)
            | PersonRefusal::InvalidPartyCode(_)
            | PersonRefusal::NameNeeded { .. } => ExitCode::Usage,
            PersonRefusal::NameDiffers { .. }
            | PersonRefusal::UnknownPerson(_)
            | PersonRefusal::NotBound { .. } => ExitCode::Refused,
        },
        StoreError::Connect { .. } | StoreError::Migrate { .. } | StoreError::Query(_) => {
            ExitCode::StoreUnavailable
        }
    }
}

fn view_exit_code(error: &ViewError) -> ExitCode {
    match error {
        ViewError::Store(error) => store_exit_code(error),
        ViewError::UnknownView(_) | ViewError::JournalNotRebuilt => ExitCode::Usage,
        error if error.is_integrity() => ExitCode::Integrity,
        _ => ExitCode::StoreUnavailable,
    }
}

fn point_exit_code(error: &PointError) -> ExitCode {
    match error {
        PointError::Malformed { .. } => ExitCode::Usage,
        _ => ExitCode::Refused,
    }
}
