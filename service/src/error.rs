//! Every failure of the service as one JSON shape: a stable machine-readable `code`, a sentence
//! for a person, and the HTTP status that fits. Codes never change once published; clients
//! branch on them, not on messages.
//!
//! A code always answers with the same status: an [`ApiError`] is built from an [`ErrorCode`],
//! and an `ErrorCode` comes only from the table of the service's own codes ([`ServiceCode`]) or
//! from a refusal by the rules ([`NegotiationError::code`], its status from `refusal_status`).
//! [`error_codes`] lists them all; the OpenAPI document publishes that list on `ErrorBody.code`.

use std::collections::BTreeMap;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pacta_domain::NegotiationError;
use pacta_pdf::{DocumentError, PdfError};
use pacta_projections::export::RenderError;
use pacta_projections::PointError;
use serde::Serialize;
use utoipa::openapi::extensions::Extensions;
use utoipa::openapi::schema::{Object, ObjectBuilder, Type};
use utoipa::ToSchema;

use pacta_ledger::store::{StoreError, TokenRefusal};
use pacta_ledger::views::ViewError;
use pacta_ledger::LedgerError;

/// The OpenAPI extension on `ErrorBody.code` that maps every code to its status.
pub const STATUS_BY_CODE_EXTENSION: &str = "x-status-by-code";

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable, kebab-case: e.g. `stale-text-hash`, `not-permitted`, `malformed-json`.
    #[schema(schema_with = code_schema)]
    pub code: String,
    pub message: String,
    /// The HTTP status, repeated for clients that log bodies only.
    pub status: u16,
}

/// Declares the service's own codes: one row each, with the one status it answers with and what
/// it means. The enum, its list and its three lookups are all made from the same rows.
macro_rules! service_codes {
    ($($variant:ident => ($code:literal, $status:ident, $meaning:literal),)*) => {
        /// A code the service answers with on its own account (not a refusal by the rules).
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum ServiceCode {
            $($variant,)*
        }

        impl ServiceCode {
            /// Every one of the service's own codes.
            pub const ALL: &'static [ServiceCode] = &[$(ServiceCode::$variant,)*];

            pub const fn code(self) -> &'static str {
                match self {
                    $(ServiceCode::$variant => $code,)*
                }
            }

            pub const fn status(self) -> StatusCode {
                match self {
                    $(ServiceCode::$variant => StatusCode::$status,)*
                }
            }

            pub const fn meaning(self) -> &'static str {
                match self {
                    $(ServiceCode::$variant => $meaning,)*
                }
            }
        }
    };
}

service_codes! {
    MalformedJson => ("malformed-json", BAD_REQUEST,
        "the body is not well-formed JSON"),
    InvalidBody => ("invalid-body", BAD_REQUEST,
        "the body is JSON but not a command: an unknown act, a missing, extra or mistyped field"),
    InvalidForm => ("invalid-form", BAD_REQUEST,
        "a form of the web pages lacks a field its act needs, or a field is ill-formed (an \
         unknown act, a date, a choice); nothing was done"),
    InvalidCommandId => ("invalid-command-id", BAD_REQUEST,
        "the command id is not 1 to 128 printable ASCII characters without spaces"),
    WrongNegotiation => ("wrong-negotiation", BAD_REQUEST,
        "the command opens another negotiation than the one it is addressed to"),
    InvalidQuery => ("invalid-query", BAD_REQUEST,
        "a query parameter is unknown or ill-formed"),
    InvalidPath => ("invalid-path", BAD_REQUEST,
        "a path segment is ill-formed"),
    InvalidPoint => ("invalid-point", BAD_REQUEST,
        "a point in the history is ill-formed or names no event, day, round or revision on record"),
    RevisionAndPoint => ("revision-and-point", BAD_REQUEST,
        "both a revision and a point in time were asked for; choose one"),
    MissingToken => ("missing-token", UNAUTHORIZED,
        "no bearer token was sent"),
    InvalidToken => ("invalid-token", UNAUTHORIZED,
        "the token is unknown or has been revoked"),
    ActingAsAnother => ("acting-as-another", FORBIDDEN,
        "the command names an actor other than the token's person"),
    CsrfTokenInvalid => ("csrf-token-invalid", FORBIDDEN,
        "a form of the web pages came without the CSRF token this browser's page carried (or \
         with another); nothing was done: reload the page and send it again"),
    ForeignOrigin => ("foreign-origin", FORBIDDEN,
        "a form of the web pages was sent from another site (its Origin or Referer is not the \
         service's own, or it has neither); nothing was done"),
    UnknownNegotiation => ("unknown-negotiation", NOT_FOUND,
        "no negotiation has this id, or it is not open to the token's person (the same answer)"),
    UnknownRevision => ("unknown-revision", NOT_FOUND,
        "the negotiation has no such revision"),
    UnknownFormat => ("unknown-format", NOT_FOUND,
        "no export format has this name"),
    UnknownRoute => ("unknown-route", NOT_FOUND,
        "no endpoint has this path"),
    MethodNotAllowed => ("method-not-allowed", METHOD_NOT_ALLOWED,
        "the endpoint does not take this method"),
    Conflict => ("conflict", CONFLICT,
        "the command lost the race to other writers; nothing was recorded, try again"),
    CommandIdReused => ("command-id-reused", CONFLICT,
        "the command id was already used for a different command"),
    BodyTooLarge => ("body-too-large", PAYLOAD_TOO_LARGE,
        "the request body is over the service's limit"),
    UnsupportedMediaType => ("unsupported-media-type", UNSUPPORTED_MEDIA_TYPE,
        "the body is not sent as application/json"),
    TooManySignIns => ("too-many-sign-ins", TOO_MANY_REQUESTS,
        "too many failed sign-ins from this address within the minute; wait the seconds \
         Retry-After gives"),
    TooManyRequests => ("too-many-requests", TOO_MANY_REQUESTS,
        "the person already has as many requests being served as one person may, and none \
         finished in time; wait for their answers, then send the request again"),
    TooManyEvents => ("too-many-events", UNPROCESSABLE_ENTITY,
        "the command would record more events than one command may"),
    Export => ("export", UNPROCESSABLE_ENTITY,
        "the document cannot be made"),
    Integrity => ("integrity", INTERNAL_SERVER_ERROR,
        "the ledger's record fails verification (a broken hash chain, an altered journal, an \
         event this version cannot read); run pacta verify"),
    Views => ("views", INTERNAL_SERVER_ERROR,
        "the stored views cannot be read or miss a row; rebuild them (pacta projections rebuild)"),
    Internal => ("internal", INTERNAL_SERVER_ERROR,
        "a failure no request can cause; the server's log says more"),
    Storage => ("storage", SERVICE_UNAVAILABLE,
        "the database is unreachable or failed; try again later"),
    ViewsBehind => ("views-behind", SERVICE_UNAVAILABLE,
        "the views could not catch up with the ledger in time; try again"),
    RequestTimeout => ("request-timeout", SERVICE_UNAVAILABLE,
        "the request took longer than the service's limit and was abandoned; a command \
         abandoned before its commit wrote nothing: send it again under the same command id"),
    TooManyLiveStreams => ("too-many-live-streams", SERVICE_UNAVAILABLE,
        "the service follows as many live pages as it may at once; the page still works, and \
         follows again after the seconds Retry-After gives"),
}

/// Declares the status of every refusal by the rules, in groups that share a status and a
/// meaning. It makes `refusal_status`, an exhaustive `match` (a new variant of
/// `NegotiationError` does not compile until it is given a status here), and `REFUSALS`, the
/// same rows as data for the OpenAPI document.
macro_rules! refusal_statuses {
    ($($status:ident ($meaning:literal): $($variant:ident)|+;)*) => {
        /// The status a refusal by the rules answers with.
        pub fn refusal_status(reason: &NegotiationError) -> StatusCode {
            use NegotiationError as E;
            match reason {
                $($(E::$variant { .. })|+ => StatusCode::$status,)*
            }
        }

        /// Every variant of `NegotiationError` by name, with its status and the meaning of that
        /// status for a refusal.
        const REFUSALS: &[(&str, StatusCode, &str)] = &[
            $($((stringify!($variant), StatusCode::$status, $meaning),)+)*
        ];
    };
}

// Refusals are 422 unless they say who may act (403), that the request named a wording or hash
// that has since moved on (409), that a text is over its limit (413), that something named does
// not exist (404), or that a value is not well formed (400).
refusal_statuses! {
    FORBIDDEN ("refused: the person's role or party does not allow the act"):
        UnknownActor | NotPermitted | WrongParty | OpenerNotNamed | NotResponsibleForLanguage
        | NotProposer | NotAlternativeProposer | NotRegistered | NotBoundToParty | AwaitingAcceptance;
    CONFLICT ("refused: the act names a wording, text root, minutes or row that has since \
               changed, or opens a negotiation that is already open"):
        StaleTextHash | StaleTextRoot | StaleMinutes | StaleRowHash | AlreadyOpen;
    PAYLOAD_TOO_LARGE ("refused: a text of the act is over its limit"):
        TitleTooLong | NameTooLong | HeadingTooLong | ClauseTextTooLong | CommentTooLong
        | NoteTextTooLong;
    NOT_FOUND ("refused: the act names something the negotiation does not have"):
        UnknownClause | UnknownRound | UnknownMatrix | UnknownRow | UnknownAlternative
        | UnknownCorrection | UnknownParty | NotAuthenticLanguage | NotAnInstrumentLanguage
        | UnknownPlacementClause | UnknownCrossReference | UnknownStructureProposal;
    BAD_REQUEST ("refused: a value of the act is not well formed"):
        InvalidIdentifier | Empty | ControlCharacter | BidiControl | InvisibleCharacter
        | Noncharacter | UnassignedCodePoint | InvalidLanguageTag
        | InvalidAlternativeLabel | InvalidFacilitatorCode | UnknownCountryCode
        | InvalidOrganisationCode | OrganisationCodeIsCountryCode
        | InvalidDocumentHash | NotASha256;
    UNPROCESSABLE_ENTITY ("refused by the rules of negotiation"):
        NotOpened | TooFewParties | TooManyParties | TooManyLanguages | TooManyDelegates
        | TooManyClauses | DuplicateParty | DuplicateLanguage | DuplicatePerson
        | RoleNotOpenToFacilitator | AlreadyAccredited | ClauseExists | ClauseWithdrawn
        | ClauseAlreadyAgreed | AlreadyAgreed | AmendmentChangesNothing | TranslationOfReference
        | NoTranslation | StaleTranslation | AlreadyConcordant | TranslationChangesNothing
        | InvalidEntryIntoForceRule | ClauseBracketed | AlternativeExists | TooManyAlternatives
        | AlternativeRepeatsWording | HeadingRequired | ChoiceNotProposed
        | ChoiceAlreadyProposed | NoAgreementToConfirm | NotAgreed | RoundExists
        | RoundStillOpen | RoundClosed | TooManyRounds | EndsBeforeItStarts | MinutesUnchanged
        | NoMinutes | NotInForce | AlreadySuspended | NotSuspended | DateBeforeResumption
        | DateBeforeSuspension | TerminationAlreadyNotified | InvalidNoticePeriod | MatrixExists
        | TooManyMatrices | RowExists | TooManyRows | RowUnchanged | EmptyMatrix | RowNotAgreed
        | MatrixAlreadyValidated | RowNotInImplementation | ProvisionalApplicationNotProvided
        | AlreadyInForce | ReopenAfterAuthentication | MinutesAlreadyAdopted | Abandoned
        | TextFrozen | NothingToAdopt | NotReadyForAdoption | NotAdopted | AlreadyDone
        | CapacityNotAllowed | InvalidSignature | NotSigned | NothingToConfirm
        | SignatureUnconfirmed | ConsentNotRequired | RatificationByOrganisation
        | FormalConfirmationByState | DateBeforeSignature | AlreadyAuthenticated
        | SignatoryWithoutKey | NoFullPowers | SigningKeyForNonSignatory
        | RevisionOfTextNotInForce | DateBeforeEntryIntoForce | DateBeforeRevision
        | TooManyRevisions | CorrectionBeforeAuthentication | CorrectionExists
        | TooManyCorrections | NoVersionToCorrect | CorrectionChangesNothing | CorrectionPending
        | CorrectionAlreadyMade | NameDiffersFromRegister | NotAwaitingAcceptance
        | PlacementAmbiguous | PlacementRelativeToItself | PlacementByWithdrawnClause
        | PlacementAcrossSections | StructureProposalExists | StructureChangeCarriedOut
        | NumberingFrozen | PlacementBeforeFirstFrozenArticle
        | ActDatedInFuture | ActDatedBeforeOpening | ActDatedBeforeItsBasis
        | ActDatedOutsideRound | OccasionContradictsAct | NotLegallyBinding
        | ConsentProcedureOfNonBinding | ReceiptRuleWithoutInstruments
        | ProvisionalApplicationOfNonBinding | ConsentNotProvided | ConsentModeNotProvided
        | CapacityNotProvided | NoConsentToReceive | ReceiptOfOwnConsent | ReceiptBeforeConsent
        | NotAnExchangeOfNotes | ExchangeOfNotesForSomeParties | ProposalNoteExists
        | NoProposalNote | ReplyDoesNotReproduceProposal | ReplyToOwnNote | ReplyBeforeProposal
        | FullPowersRefused | FullPowersNotRequired | NotASignatory | ExamineOwnFullPowers
        | FullPowersExaminedAfterSignature;
}

/// A code with its one status. Made only from a [`ServiceCode`] or from a refusal, so no code
/// is ever sent with another status than the one [`error_codes`] lists for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorCode {
    code: &'static str,
    status: StatusCode,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        self.code
    }

    pub fn status(self) -> StatusCode {
        self.status
    }
}

impl From<ServiceCode> for ErrorCode {
    fn from(code: ServiceCode) -> ErrorCode {
        ErrorCode {
            code: code.code(),
            status: code.status(),
        }
    }
}

impl From<&NegotiationError> for ErrorCode {
    fn from(reason: &NegotiationError) -> ErrorCode {
        ErrorCode {
            code: reason.code(),
            status: refusal_status(reason),
        }
    }
}

/// One row of the table of every code the service answers with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeRow {
    pub code: String,
    pub status: StatusCode,
    pub meaning: &'static str,
}

/// Every code the service can answer with, each once, with its status and what it means: the
/// service's own codes, then every refusal by the rules (the variant's name in kebab case, as
/// [`NegotiationError::code`] gives it), ordered by status, then code.
pub fn error_codes() -> Vec<CodeRow> {
    let own = ServiceCode::ALL.iter().map(|code| CodeRow {
        code: code.code().to_string(),
        status: code.status(),
        meaning: code.meaning(),
    });
    let refusals = REFUSALS.iter().map(|(variant, status, meaning)| CodeRow {
        code: kebab_case(variant),
        status: *status,
        meaning,
    });
    let mut rows: Vec<CodeRow> = own.chain(refusals).collect();
    rows.sort_by(|a, b| (a.status, &a.code).cmp(&(b.status, &b.code)));
    rows
}

/// `StaleTextHash` → `stale-text-hash`: the rule `NegotiationError::code` follows (strum's
/// kebab case), applied to the names `refusal_statuses!` lists. A test holds the two equal.
fn kebab_case(camel: &str) -> String {
    let mut kebab = String::with_capacity(camel.len() + 4);
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                kebab.push('-');
            }
            kebab.push(c.to_ascii_lowercase());
        } else {
            kebab.push(c);
        }
    }
    kebab
}

/// The schema of `ErrorBody.code`: a string, one of every code (`enum`), with the status of
/// each as a table in the description and as a map in the `x-status-by-code` extension.
fn code_schema() -> Object {
    let rows = error_codes();
    let mut description = String::from(
        "Stable, kebab-case; clients branch on it, never on the message. Each code is always \
         answered with the same HTTP status:\n\n| code | status | meaning |\n| --- | --- | --- |\n",
    );
    for row in &rows {
        description.push_str(&format!(
            "| `{}` | {} | {} |\n",
            row.code,
            row.status.as_u16(),
            row.meaning
        ));
    }
    let status_by_code: BTreeMap<&str, u16> = rows
        .iter()
        .map(|row| (row.code.as_str(), row.status.as_u16()))
        .collect();
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(rows.iter().map(|row| row.code.clone())))
        .extensions(Some(
            Extensions::builder()
                .add(STATUS_BY_CODE_EXTENSION, serde_json::json!(status_by_code))
                .build(),
        ))
        .build()
}

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
}

impl ApiError {
    pub fn new(code: impl Into<ErrorCode>, message: impl Into<String>) -> ApiError {
        ApiError {
            code: code.into(),
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.code.status()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(code = %self.code.as_str(), "{}", self.message);
        }
        let body = ErrorBody {
            code: self.code.as_str().to_string(),
            message: self.message,
            status: status.as_u16(),
        };
        (status, Json(body)).into_response()
    }
}

impl From<LedgerError> for ApiError {
    fn from(error: LedgerError) -> ApiError {
        let message = error.to_string();
        let code: ErrorCode = match &error {
            LedgerError::Refused { reason, .. } => reason.into(),
            LedgerError::InvalidCommandId(_) => ServiceCode::InvalidCommandId.into(),
            LedgerError::WrongNegotiation { .. } => ServiceCode::WrongNegotiation.into(),
            LedgerError::UnknownNegotiation(_) => ServiceCode::UnknownNegotiation.into(),
            LedgerError::TooManyEvents { .. } => ServiceCode::TooManyEvents.into(),
            LedgerError::Conflict { .. } => ServiceCode::Conflict.into(),
            LedgerError::CommandIdReused { .. } => ServiceCode::CommandIdReused.into(),
            LedgerError::Integrity(_) | LedgerError::Quarantined { .. } => {
                ServiceCode::Integrity.into()
            }
            LedgerError::Storage(_) => ServiceCode::Storage.into(),
        };
        ApiError::new(code, message)
    }
}

/// The code of a store failure.
fn store_code(error: &StoreError) -> ServiceCode {
    match error {
        StoreError::UnsupportedUrl(_)
        | StoreError::Connect { .. }
        | StoreError::Migrate { .. }
        | StoreError::Query(_) => ServiceCode::Storage,
        // The journal's tables contradict themselves: the record is at fault, not the database.
        StoreError::Journal(_) => ServiceCode::Integrity,
        // The service issues no tokens; only `pacta token issue` meets these.
        StoreError::Token(
            TokenRefusal::NoRandomness(_)
            | TokenRefusal::LabelTooLong { .. }
            | TokenRefusal::LabelControlCharacter { .. },
        ) => ServiceCode::Internal,
        // The register is the operator's, kept with `pacta person` on the store; the service
        // only reads it.
        StoreError::Person(_) => ServiceCode::Internal,
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        ApiError::new(store_code(&error), error.to_string())
    }
}

/// The code of a failure of the stored views. Whatever `ViewError::is_integrity` calls the
/// ledger's fault is `integrity`, the same code as a broken chain met by the ledger itself.
fn view_code(error: &ViewError) -> ServiceCode {
    match error {
        ViewError::Store(error) => store_code(error),
        ViewError::Query(_) => ServiceCode::Storage,
        ViewError::Integrity(_)
        | ViewError::Undecodable { .. }
        | ViewError::OutOfSequence(_)
        | ViewError::ForeignAggregate(_) => ServiceCode::Integrity,
        ViewError::Behind { .. } => ServiceCode::ViewsBehind,
        ViewError::Unreadable { .. } => ServiceCode::Views,
        // The service names views by their enum and never rebuilds the journal.
        ViewError::UnknownView(_) | ViewError::JournalNotRebuilt => ServiceCode::Internal,
    }
}

impl From<ViewError> for ApiError {
    fn from(error: ViewError) -> ApiError {
        ApiError::new(view_code(&error), error.to_string())
    }
}

impl From<PointError> for ApiError {
    fn from(error: PointError) -> ApiError {
        ApiError::new(ServiceCode::InvalidPoint, error.to_string())
    }
}

impl From<RenderError> for ApiError {
    fn from(error: RenderError) -> ApiError {
        let message = error.to_string();
        match error {
            RenderError::Point(error) => error.into(),
            RenderError::RevisionAndPoint => ApiError::new(ServiceCode::RevisionAndPoint, message),
            // The same finding as the domain's refusal, so the same code and status.
            RenderError::NotAuthenticLanguage {
                language,
                authentic,
            } => ApiError::new(
                &NegotiationError::NotAuthenticLanguage {
                    language,
                    authentic,
                },
                message,
            ),
            RenderError::UnknownRevision { .. } => {
                ApiError::new(ServiceCode::UnknownRevision, message)
            }
            RenderError::Export(_) => ApiError::new(ServiceCode::Export, message),
            // The service has pacta-pdf typeset PDFs: never asked of the pure exporters.
            RenderError::NeedsTypesetter => ApiError::new(ServiceCode::Internal, message),
        }
    }
}

impl From<DocumentError> for ApiError {
    fn from(error: DocumentError) -> ApiError {
        match error {
            DocumentError::Render(error) => error.into(),
            // What the document holds cannot be typeset (a character no font has).
            DocumentError::Pdf(error @ PdfError::Typeset(_)) => {
                ApiError::new(ServiceCode::Export, error.to_string())
            }
            // The server lacks its fonts: the message names the package to install.
            DocumentError::Pdf(
                error @ (PdfError::FontMissing { .. }
                | PdfError::FontUnreadable { .. }
                | PdfError::FontInvalid { .. }),
            ) => ApiError::new(ServiceCode::Internal, error.to_string()),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let message = rejection.body_text();
        // axum's rejections are `#[non_exhaustive]`: they are told apart by the status axum
        // gives them, and whatever else it may add is a body that could not be read as JSON.
        match rejection.status() {
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
                ServiceCode::UnsupportedMediaType,
                "send the body as JSON with 'Content-Type: application/json'",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                ServiceCode::BodyTooLarge,
                format!(
                    "the request body is over {} bytes",
                    super::MAX_REQUEST_BODY_BYTES
                ),
            ),
            // The body is JSON but not a command: an unknown act, a missing or mistyped field.
            StatusCode::UNPROCESSABLE_ENTITY => ApiError::new(ServiceCode::InvalidBody, message),
            _ => ApiError::new(ServiceCode::MalformedJson, message),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::new(ServiceCode::InvalidQuery, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::new(ServiceCode::InvalidPath, rejection.body_text())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use chrono::NaiveDate;
    use pacta_domain::{
        ActionKind, EntryIntoForceRule, InstrumentKind, Role, SignatureCapacity, SignatureProblem,
    };
    use pacta_verify::chain::{ChainError, ChainProblem};
    use serde_json::Value;

    use super::*;

    /// One value of every variant of `NegotiationError`, in the order they are declared.
    fn one_of_each_refusal() -> Vec<NegotiationError> {
        use NegotiationError as E;
        let s = || "x".to_string();
        let day = || NaiveDate::from_ymd_opt(2026, 3, 5).expect("a date");
        vec![
            E::NotOpened,
            E::AlreadyOpen(s()),
            E::InvalidIdentifier {
                field: "field",
                value: s(),
                max_bytes: 1,
            },
            E::Empty { field: "field" },
            E::ControlCharacter {
                field: "field",
                code_point: s(),
            },
            E::BidiControl {
                field: s(),
                code_point: s(),
                name: s(),
                at: 1,
            },
            E::InvisibleCharacter {
                field: s(),
                code_point: s(),
                name: s(),
                at: 1,
            },
            E::Noncharacter {
                field: s(),
                code_point: s(),
                at: 1,
            },
            E::UnassignedCodePoint {
                field: s(),
                code_point: s(),
                at: 1,
            },
            E::TitleTooLong {
                bytes: 1,
                max_title_bytes: 1,
            },
            E::NameTooLong {
                field: "field",
                bytes: 1,
                max_name_bytes: 1,
            },
            E::HeadingTooLong {
                clause_id: s(),
                bytes: 1,
                max_heading_bytes: 1,
            },
            E::ClauseTextTooLong {
                clause_id: s(),
                bytes: 1,
                max_clause_text_bytes: 1,
            },
            E::CommentTooLong {
                field: "field",
                bytes: 1,
                max_comment_bytes: 1,
            },
            E::TooFewParties { count: 1 },
            E::TooManyParties {
                count: 1,
                max_parties: 1,
            },
            E::TooManyLanguages {
                count: 1,
                max_languages: 1,
            },
            E::TooManyDelegates { max_delegates: 1 },
            E::TooManyClauses { max_clauses: 1 },
            E::UnknownCountryCode(s()),
            E::InvalidOrganisationCode(s()),
            E::OrganisationCodeIsCountryCode(s()),
            E::InvalidFacilitatorCode(s()),
            E::DuplicateParty(s()),
            E::InvalidLanguageTag(s()),
            E::DuplicateLanguage(s()),
            E::DuplicatePerson(s()),
            E::UnknownActor(s()),
            E::OpenerNotNamed { person: s() },
            E::NotPermitted {
                person: s(),
                role: Role::Negotiator,
                action: ActionKind::ProposeClause,
            },
            E::WrongParty {
                person: s(),
                own_party: s(),
                other_party: s(),
            },
            E::UnknownParty(s()),
            E::RoleNotOpenToFacilitator(Role::Negotiator),
            E::AlreadyAccredited(s()),
            E::NotRegistered { person: s() },
            E::NotBoundToParty {
                person: s(),
                party: s(),
            },
            E::NameDiffersFromRegister {
                person: s(),
                given: s(),
                registered: s(),
            },
            E::AwaitingAcceptance { party: s() },
            E::NotAwaitingAcceptance { party: s() },
            E::UnknownClause(s()),
            E::ClauseExists(s()),
            E::NotAuthenticLanguage {
                language: s(),
                authentic: s(),
            },
            E::StaleTextHash {
                clause_id: s(),
                given: s(),
                current: s(),
            },
            E::ClauseWithdrawn(s()),
            E::ClauseAlreadyAgreed(s()),
            E::AlreadyAgreed {
                clause_id: s(),
                party: s(),
            },
            E::AmendmentChangesNothing(s()),
            E::TranslationOfReference {
                clause_id: s(),
                language: s(),
            },
            E::NoTranslation {
                clause_id: s(),
                language: s(),
            },
            E::StaleTranslation {
                clause_id: s(),
                language: s(),
            },
            E::AlreadyConcordant {
                clause_id: s(),
                language: s(),
            },
            E::TranslationChangesNothing {
                clause_id: s(),
                language: s(),
            },
            E::NotResponsibleForLanguage {
                language: s(),
                responsible: s(),
            },
            E::InvalidEntryIntoForceRule(EntryIntoForceRule::OnLastConsent),
            E::ClauseBracketed(s()),
            E::HeadingRequired {
                clause_id: s(),
                language: s(),
            },
            E::NotAlternativeProposer {
                clause_id: s(),
                label: s(),
                proposer: s(),
            },
            E::ChoiceNotProposed {
                clause_id: s(),
                label: s(),
            },
            E::ChoiceAlreadyProposed {
                clause_id: s(),
                label: s(),
            },
            E::InvalidAlternativeLabel(s()),
            E::AlternativeExists {
                clause_id: s(),
                label: s(),
            },
            E::UnknownAlternative {
                clause_id: s(),
                label: s(),
            },
            E::TooManyAlternatives {
                clause_id: s(),
                max_alternatives: 1,
            },
            E::AlternativeRepeatsWording(s()),
            E::NoAgreementToConfirm {
                clause_id: s(),
                party: s(),
            },
            E::NotAgreed(s()),
            E::RoundExists(s()),
            E::RoundStillOpen(s()),
            E::UnknownRound(s()),
            E::RoundClosed(s()),
            E::TooManyRounds { max_rounds: 1 },
            E::EndsBeforeItStarts {
                starts_on: day(),
                ends_on: day(),
            },
            E::NotASha256 {
                field: "field",
                value: s(),
            },
            E::MinutesUnchanged(s()),
            E::NoMinutes(s()),
            E::StaleMinutes {
                round_id: s(),
                given: s(),
                current: s(),
            },
            E::NotInForce(day()),
            E::AlreadySuspended(s()),
            E::NotSuspended(s()),
            E::DateBeforeResumption {
                date: day(),
                resumed_on: day(),
            },
            E::DateBeforeSuspension {
                date: day(),
                since: day(),
            },
            E::TerminationAlreadyNotified(day()),
            E::InvalidNoticePeriod(1),
            E::UnknownMatrix(s()),
            E::MatrixExists(s()),
            E::TooManyMatrices { max_matrices: 1 },
            E::UnknownRow {
                matrix_id: s(),
                row_id: s(),
            },
            E::RowExists {
                matrix_id: s(),
                row_id: s(),
            },
            E::TooManyRows {
                matrix_id: s(),
                max_rows: 1,
            },
            E::StaleRowHash {
                row_id: s(),
                given: s(),
                current: s(),
            },
            E::RowUnchanged(s()),
            E::EmptyMatrix(s()),
            E::RowNotAgreed {
                matrix_id: s(),
                row_id: s(),
            },
            E::MatrixAlreadyValidated(s()),
            E::RowNotInImplementation {
                matrix_id: s(),
                row_id: s(),
            },
            E::ProvisionalApplicationNotProvided,
            E::AlreadyInForce,
            E::ReopenAfterAuthentication(s()),
            E::MinutesAlreadyAdopted(s()),
            E::Abandoned,
            E::TextFrozen,
            E::NothingToAdopt,
            E::NotReadyForAdoption {
                clause_id: s(),
                reason: s(),
            },
            E::StaleTextRoot {
                given: s(),
                current: s(),
            },
            E::NotAdopted,
            E::AlreadyDone {
                party: s(),
                act: "field",
            },
            E::CapacityNotAllowed {
                capacity: SignatureCapacity::Simple,
                kind: InstrumentKind::Treaty,
            },
            E::InvalidSignature(SignatureProblem::DoesNotVerify),
            E::NotSigned(s()),
            E::NothingToConfirm(s()),
            E::SignatureUnconfirmed(s()),
            E::ConsentNotRequired(InstrumentKind::Treaty),
            E::RatificationByOrganisation(s()),
            E::FormalConfirmationByState(s()),
            E::DateBeforeSignature {
                date: day(),
                signed_on: day(),
            },
            E::AlreadyAuthenticated,
            E::SignatoryWithoutKey,
            E::NoFullPowers,
            E::InvalidDocumentHash(s()),
            E::SigningKeyForNonSignatory(Role::Negotiator),
            E::NotProposer {
                clause_id: s(),
                proposer: s(),
            },
            E::RevisionOfTextNotInForce { revision: 1 },
            E::DateBeforeEntryIntoForce {
                date: day(),
                in_force_on: day(),
            },
            E::DateBeforeRevision {
                date: day(),
                opened_on: day(),
            },
            E::TooManyRevisions { max_revisions: 1 },
            E::CorrectionBeforeAuthentication,
            E::CorrectionExists(s()),
            E::TooManyCorrections { max_corrections: 1 },
            E::NoVersionToCorrect {
                clause_id: s(),
                language: s(),
            },
            E::CorrectionChangesNothing(s()),
            E::CorrectionPending {
                clause_id: s(),
                language: s(),
                correction_id: s(),
            },
            E::UnknownCorrection(s()),
            E::CorrectionAlreadyMade(s()),
            E::ActDatedInFuture {
                date: day(),
                latest: day(),
                tolerance_hours: 14,
            },
            E::ActDatedBeforeOpening {
                date: day(),
                opened_on: day(),
            },
            E::PlacementAmbiguous { clause_id: s() },
            E::PlacementRelativeToItself { clause_id: s() },
            E::UnknownPlacementClause {
                clause_id: s(),
                reference: s(),
            },
            E::PlacementByWithdrawnClause {
                clause_id: s(),
                reference: s(),
            },
            E::PlacementAcrossSections {
                clause_id: s(),
                section: "the preamble",
                reference: s(),
                reference_section: "the articles",
            },
            E::UnknownCrossReference {
                clause_id: s(),
                reference: s(),
            },
            E::StructureProposalExists(s()),
            E::UnknownStructureProposal(s()),
            E::StructureChangeCarriedOut(s()),
            E::NumberingFrozen,
            E::PlacementBeforeFirstFrozenArticle { clause_id: s() },
            E::ActDatedBeforeItsBasis {
                date: day(),
                basis: s(),
                basis_on: day(),
            },
            E::ActDatedOutsideRound {
                date: day(),
                round_id: s(),
                starts_on: day(),
                ends_on: day(),
            },
            E::OccasionContradictsAct {
                field: "signed_on",
                own: day(),
                took_place_on: day(),
            },
            E::NotLegallyBinding,
            E::ConsentProcedureOfNonBinding {
                procedure: pacta_domain::ConsentProcedure::Approval,
            },
            E::ReceiptRuleWithoutInstruments {
                rule: pacta_domain::EntryIntoForceRule::OnLastReceipt,
            },
            E::ProvisionalApplicationOfNonBinding,
            E::ConsentNotProvided {
                party: s(),
                procedure: pacta_domain::ConsentProcedure::Signature,
            },
            E::ConsentModeNotProvided {
                party: s(),
                given: pacta_domain::ConsentMode::Ratification,
                procedure: pacta_domain::ConsentProcedure::Approval,
            },
            E::NoConsentToReceive { party: s() },
            E::FullPowersRefused {
                signatory: s(),
                examined_by: s(),
                reason: s(),
            },
            E::FullPowersNotRequired(s()),
            E::NotASignatory(s()),
            E::ExamineOwnFullPowers { party: s() },
            E::FullPowersExaminedAfterSignature {
                signatory: s(),
                signed_on: day(),
            },
            E::NotAnExchangeOfNotes {
                party: s(),
                procedure: s(),
            },
            E::ExchangeOfNotesForSomeParties {
                party: s(),
                procedure: pacta_domain::ConsentProcedure::Approval,
            },
            E::ProposalNoteExists {
                number: s(),
                text_hash: s(),
            },
            E::NoProposalNote,
            E::ReplyDoesNotReproduceProposal { reason: s() },
            E::ReplyToOwnNote { party: s() },
            E::ReplyBeforeProposal {
                sent_on: day(),
                proposed_on: day(),
            },
            E::NoteTextTooLong {
                number: s(),
                bytes: 1,
                max_note_text_bytes: 1,
            },
            E::ReceiptOfOwnConsent { party: s() },
            E::ReceiptBeforeConsent {
                party: s(),
                received_on: day(),
                consented_on: day(),
            },
            E::CapacityNotProvided {
                party: s(),
                capacity: SignatureCapacity::Simple,
                procedure: pacta_domain::ConsentProcedure::Signature,
                expected: "definitive",
            },
            E::NotAnInstrumentLanguage {
                field: "signatory title",
                language: s(),
                authentic: s(),
            },
        ]
    }

    /// Every code the table lists, with its status.
    fn table() -> BTreeMap<String, u16> {
        let rows = error_codes();
        let table: BTreeMap<String, u16> = rows
            .iter()
            .map(|row| (row.code.clone(), row.status.as_u16()))
            .collect();
        assert_eq!(table.len(), rows.len(), "a code is listed twice: {rows:?}");
        table
    }

    fn refusal(reason: NegotiationError) -> ApiError {
        LedgerError::Refused {
            negotiation_id: "n".into(),
            reason,
        }
        .into()
    }

    #[test]
    fn codes_are_the_kebab_case_variant_names() {
        let stale = NegotiationError::StaleTextHash {
            clause_id: "art-1".into(),
            given: "a".into(),
            current: "b".into(),
        };
        assert_eq!(stale.code(), "stale-text-hash");
        assert_eq!(refusal_status(&stale), StatusCode::CONFLICT);
        let answer = refusal(stale);
        assert_eq!(
            (answer.code.as_str(), answer.status()),
            ("stale-text-hash", StatusCode::CONFLICT)
        );
        assert_eq!(NegotiationError::NotOpened.code(), "not-opened");
        assert_eq!(
            NegotiationError::UnknownActor("x".into()).code(),
            "unknown-actor"
        );
        let not_a_sha = NegotiationError::NotASha256 {
            field: "minutes",
            value: "x".into(),
        };
        assert_eq!(not_a_sha.code(), "not-a-sha256");
        // Every code is the variant's name in kebab case, as it was when codes were read from the
        // variants' Debug text.
        for reason in one_of_each_refusal() {
            let debug = format!("{reason:?}");
            let name: String = debug
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert_eq!(reason.code(), kebab_case(&name), "{debug}");
        }
    }

    #[test]
    fn every_refusal_is_in_the_table_once_under_its_code() {
        let listed: Vec<String> = REFUSALS.iter().map(|(name, ..)| kebab_case(name)).collect();
        let listed_set: BTreeSet<&str> = listed.iter().map(String::as_str).collect();
        assert_eq!(listed_set.len(), listed.len(), "a variant is listed twice");
        let codes: BTreeSet<&str> = NegotiationError::CODES.iter().copied().collect();
        assert_eq!(codes.len(), NegotiationError::CODES.len());
        assert_eq!(
            listed_set, codes,
            "the table's refusals are the domain's variants"
        );

        // The samples cover every variant, so every refusal is checked from a real value.
        let samples = one_of_each_refusal();
        let sampled: BTreeSet<&str> = samples.iter().map(NegotiationError::code).collect();
        assert_eq!(sampled, codes, "one sample of each variant");
        let table = table();
        for reason in samples {
            let code = reason.code();
            let answer = refusal(reason);
            assert_eq!(answer.code.as_str(), code);
            assert_eq!(
                Some(&answer.status().as_u16()),
                table.get(code),
                "{code} answers with the status the table lists"
            );
        }
    }

    #[test]
    fn the_service_codes_and_the_refusals_share_no_code() {
        let table = table();
        assert_eq!(
            table.len(),
            ServiceCode::ALL.len() + NegotiationError::CODES.len()
        );
        for code in ServiceCode::ALL {
            assert_eq!(table.get(code.code()), Some(&code.status().as_u16()));
            assert!(!code.meaning().is_empty());
            assert!(
                !NegotiationError::CODES.contains(&code.code()),
                "{} is also a refusal's code: use the refusal",
                code.code()
            );
        }
        for row in error_codes() {
            assert!(
                row.status.is_client_error() || row.status.is_server_error(),
                "{row:?}"
            );
            assert!(
                row.code
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{} is kebab-case",
                row.code
            );
        }
    }

    /// The schema of `ErrorBody.code` in the document served at /openapi.json.
    fn documented_code_schema() -> Value {
        let json = crate::openapi_document()
            .to_json()
            .expect("the document serialises");
        let document: Value = serde_json::from_str(&json).expect("JSON");
        document["components"]["schemas"]["ErrorBody"]["properties"]["code"].clone()
    }

    #[test]
    fn the_openapi_document_lists_every_code_with_its_status() {
        let table = table();
        let schema = documented_code_schema();
        assert_eq!(schema["type"], "string", "{schema}");

        // The enum: every code of the table, and no other.
        let listed: Vec<&str> = schema["enum"]
            .as_array()
            .expect("an enum of codes")
            .iter()
            .map(|code| code.as_str().expect("a code"))
            .collect();
        let listed_set: BTreeSet<&str> = listed.iter().copied().collect();
        assert_eq!(listed_set.len(), listed.len(), "no code twice");
        let codes: BTreeSet<&str> = table.keys().map(String::as_str).collect();
        assert_eq!(listed_set, codes);

        // The map from code to status: exactly the table.
        let by_code: BTreeMap<String, u16> =
            serde_json::from_value(schema[STATUS_BY_CODE_EXTENSION].clone())
                .expect("a map from code to status");
        assert_eq!(by_code, table);

        // The table in the description, for people: one row per code, with its status.
        let description = schema["description"].as_str().expect("a description");
        let rows: BTreeMap<String, u16> = description
            .lines()
            .filter(|line| line.starts_with("| `"))
            .map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let code = cells[1].trim_matches('`').to_string();
                (code, cells[2].parse().expect("a status"))
            })
            .collect();
        assert_eq!(rows, table);

        // The refusals as the service answers them, from one value of each variant.
        for reason in one_of_each_refusal() {
            let code = reason.code();
            assert_eq!(
                by_code.get(code),
                Some(&refusal(reason).status().as_u16()),
                "{code}"
            );
        }
    }

    #[test]
    fn a_broken_record_is_integrity_500_wherever_it_is_met() {
        let chain = ChainError {
            aggregate_id: "n".into(),
            sequence: 3,
            problem: ChainProblem::SequenceGap { expected: 3 },
        };
        let from_ledger = ApiError::from(LedgerError::Integrity(chain.clone()));
        let from_views = ApiError::from(ViewError::Integrity(chain));
        for answer in [&from_ledger, &from_views] {
            assert_eq!(answer.code, ServiceCode::Integrity.into());
            assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
        }

        let views = [
            ViewError::Undecodable {
                negotiation_id: "n".into(),
                sequence: 1,
                reason: "x".into(),
            },
            ViewError::OutOfSequence(pacta_projections::OutOfSequence {
                negotiation_id: "n".into(),
                expected: 2,
                found: 3,
            }),
            ViewError::ForeignAggregate("x".into()),
            ViewError::Behind {
                missing: 1,
                waited_ms: 1,
            },
            ViewError::UnknownView("x".into()),
            ViewError::JournalNotRebuilt,
            ViewError::Unreadable {
                view: "draft",
                negotiation_id: "n".into(),
                reason: "x".into(),
            },
        ];
        for error in views {
            let integrity = error.is_integrity();
            let code = view_code(&error);
            assert_eq!(code == ServiceCode::Integrity, integrity, "{error}");
        }
        assert_eq!(
            ApiError::from(ViewError::Behind {
                missing: 1,
                waited_ms: 1
            })
            .code,
            ErrorCode {
                code: "views-behind",
                status: StatusCode::SERVICE_UNAVAILABLE
            }
        );
        let unavailable = ViewError::Store(StoreError::UnsupportedUrl("x".into()));
        assert_eq!(view_code(&unavailable), ServiceCode::Storage);
        assert_eq!(
            ServiceCode::Storage.status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[test]
    fn a_language_that_is_not_authentic_is_one_code_in_a_command_and_an_export() {
        let (language, authentic) = ("de".to_string(), "fr, ar".to_string());
        let refused = refusal(NegotiationError::NotAuthenticLanguage {
            language: language.clone(),
            authentic: authentic.clone(),
        });
        let export = ApiError::from(RenderError::NotAuthenticLanguage {
            language,
            authentic,
        });
        assert_eq!(refused.code, export.code);
        assert_eq!(export.code.as_str(), "not-authentic-language");
        assert_eq!(export.status(), StatusCode::NOT_FOUND);
    }
}
