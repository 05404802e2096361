//! Every failure of the service as one JSON shape: a stable machine-readable `code`, a sentence
//! for a person, and the HTTP status that fits. Codes never change once published; clients
//! branch on them, not on messages.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use pacta_domain::NegotiationError;
use serde::Serialize;
use utoipa::ToSchema;

use crate::cli::CliError;
use crate::ledger::LedgerError;
use crate::store::StoreError;
use crate::views::ViewError;

/// The body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable, kebab-case: e.g. `stale-text-hash`, `not-permitted`, `malformed-json`.
    pub code: String,
    pub message: String,
    /// The HTTP status, repeated for clients that log bodies only.
    pub status: u16,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_string(),
            message: message.into(),
        }
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn forbidden(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, code, message)
    }

    pub fn unauthorized(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, code, message)
    }

    pub fn internal(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, code, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(code = %self.code, "{}", self.message);
        }
        let body = ErrorBody {
            code: self.code,
            message: self.message,
            status: self.status.as_u16(),
        };
        (self.status, Json(body)).into_response()
    }
}

/// The status a refusal by the rules answers with. Refusals are 422 unless they say who may act
/// (403), that the request named a wording or hash that has since moved on (409), that a text
/// is over its limit (413), that something named does not exist (404), or that a value is not
/// well formed (400).
fn refusal_status(reason: &NegotiationError) -> StatusCode {
    use NegotiationError as E;
    match reason {
        E::UnknownActor(_)
        | E::NotPermitted { .. }
        | E::WrongParty { .. }
        | E::OpenerNotNamed { .. }
        | E::NotResponsibleForLanguage { .. }
        | E::NotProposer { .. } => StatusCode::FORBIDDEN,
        E::StaleTextHash { .. }
        | E::StaleTextRoot { .. }
        | E::StaleMinutes { .. }
        | E::StaleRowHash { .. }
        | E::AlreadyOpen(_) => StatusCode::CONFLICT,
        E::TitleTooLong { .. }
        | E::NameTooLong { .. }
        | E::HeadingTooLong { .. }
        | E::ClauseTextTooLong { .. }
        | E::CommentTooLong { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        E::UnknownClause(_)
        | E::UnknownRound(_)
        | E::UnknownMatrix(_)
        | E::UnknownRow { .. }
        | E::UnknownAlternative { .. }
        | E::UnknownCorrection(_)
        | E::UnknownParty(_) => StatusCode::NOT_FOUND,
        E::InvalidIdentifier { .. }
        | E::Empty { .. }
        | E::ControlCharacter { .. }
        | E::InvalidLanguageTag(_)
        | E::InvalidAlternativeLabel(_)
        | E::InvalidFacilitatorCode(_)
        | E::UnknownCountryCode(_)
        | E::InvalidDocumentHash(_) => StatusCode::BAD_REQUEST,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// `StaleTextHash { .. }` → `stale-text-hash`: the variant's name, from its derived `Debug`,
/// which always begins with it.
fn refusal_code(reason: &NegotiationError) -> String {
    let debug = format!("{reason:?}");
    let name: String = debug
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    kebab_case(&name)
}

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

impl From<LedgerError> for ApiError {
    fn from(error: LedgerError) -> ApiError {
        let message = error.to_string();
        match &error {
            LedgerError::Refused { reason, .. } => ApiError {
                status: refusal_status(reason),
                code: refusal_code(reason),
                message,
            },
            LedgerError::InvalidCommandId(_) => {
                ApiError::bad_request("invalid-command-id", message)
            }
            LedgerError::WrongNegotiation { .. } => {
                ApiError::bad_request("wrong-negotiation", message)
            }
            LedgerError::UnknownNegotiation(_) => {
                ApiError::not_found("unknown-negotiation", message)
            }
            LedgerError::TooManyEvents { .. } => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "too-many-events", message)
            }
            LedgerError::Conflict { .. } => {
                ApiError::new(StatusCode::CONFLICT, "conflict", message)
            }
            LedgerError::CommandIdReused { .. } => {
                ApiError::new(StatusCode::CONFLICT, "command-id-reused", message)
            }
            LedgerError::Integrity(_) => ApiError::internal("integrity", message),
            LedgerError::Storage(_) => {
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "storage", message)
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "storage",
            error.to_string(),
        )
    }
}

impl From<ViewError> for ApiError {
    fn from(error: ViewError) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "views", error.to_string())
    }
}

impl From<pacta_projections::PointError> for ApiError {
    fn from(error: pacta_projections::PointError) -> ApiError {
        ApiError::bad_request("invalid-point", error.to_string())
    }
}

impl From<CliError> for ApiError {
    fn from(error: CliError) -> ApiError {
        let message = error.to_string();
        match error {
            CliError::Ledger(error) => error.into(),
            CliError::Store(error) => error.into(),
            CliError::View(error) => error.into(),
            CliError::Point(error) => error.into(),
            CliError::NotAuthenticLanguage { .. } => {
                ApiError::not_found("not-authentic-language", message)
            }
            CliError::UnknownRevision { .. } => ApiError::not_found("unknown-revision", message),
            CliError::UnknownClause { .. } => ApiError::not_found("unknown-clause", message),
            CliError::Export(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "export", message)
            }
            _ => ApiError::internal("internal", message),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        let message = rejection.body_text();
        match rejection.status() {
            StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "send the body as JSON with 'Content-Type: application/json'",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body-too-large",
                format!(
                    "the request body is over {} bytes",
                    super::MAX_REQUEST_BODY_BYTES
                ),
            ),
            // The body is JSON but not a command: an unknown act, a missing or mistyped field.
            StatusCode::UNPROCESSABLE_ENTITY => ApiError::bad_request("invalid-body", message),
            _ => ApiError::bad_request("malformed-json", message),
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::bad_request("invalid-query", rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::bad_request("invalid-path", rejection.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_kebab_case_variant_names() {
        let stale = NegotiationError::StaleTextHash {
            clause_id: "art-1".into(),
            given: "a".into(),
            current: "b".into(),
        };
        assert_eq!(refusal_code(&stale), "stale-text-hash");
        assert_eq!(refusal_status(&stale), StatusCode::CONFLICT);
        assert_eq!(refusal_code(&NegotiationError::NotOpened), "not-opened");
        assert_eq!(
            refusal_code(&NegotiationError::UnknownActor("x".into())),
            "unknown-actor"
        );
    }
}
