//! Who is asking, and what they may see.
//!
//! A request names its person by a bearer token (`Authorization: Bearer …`, or the
//! `pacta_token` cookie the web pages' sign-in sets). The service never decides what a person
//! may *do*: it passes their commands to the domain as that person, and the domain's role table
//! decides. It decides only what a person may *read*: a negotiation in which they are
//! accredited, in any role, without the internal notes of another delegation.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use cqrs_es::EventEnvelope;
use pacta_domain::{Delegate, Negotiation};

use super::error::{ApiError, ServiceCode};
use super::AppState;
use pacta_verify::chain::ChainError;

/// The cookie the sign-in page sets: HttpOnly, SameSite=Strict, so scripts and other sites
/// cannot read or send it.
pub const TOKEN_COOKIE: &str = "pacta_token";

/// The person a valid, unrevoked token names.
#[derive(Clone, Debug)]
pub struct Caller {
    pub person: String,
}

fn presented_token(parts: &Parts) -> Option<String> {
    if let Some(value) = parts.headers.get(AUTHORIZATION) {
        let value = value.to_str().ok()?;
        return value
            .strip_prefix("Bearer ")
            .map(|token| token.trim().to_string());
    }
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|cookie| cookie.trim().split_once('='))
        .find(|(name, _)| *name == TOKEN_COOKIE)
        .map(|(_, token)| token.to_string())
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Caller, ApiError> {
        let token = presented_token(parts).ok_or_else(|| {
            ApiError::new(
                ServiceCode::MissingToken,
                "send 'Authorization: Bearer TOKEN' (a token from `pacta token issue --person ID`)",
            )
        })?;
        match state.database.person_of_token(&token).await? {
            Some(person) => Ok(Caller { person }),
            None => Err(ApiError::new(
                ServiceCode::InvalidToken,
                "the token is unknown or has been revoked; ask for a new one (pacta token issue)",
            )),
        }
    }
}

/// A negotiation as one reader may see it: their accreditation, and the events up to the first
/// link that fails to verify (all of them when the chain is whole).
pub struct Access {
    pub reader: Delegate,
    pub events: Vec<EventEnvelope<Negotiation>>,
    pub broken: Option<ChainError>,
}

impl Access {
    /// Every view but the timeline refuses a negotiation whose chain is broken: what it would
    /// show could not be vouched for.
    pub fn verified(self) -> Result<Access, ApiError> {
        match &self.broken {
            Some(error) => Err(pacta_ledger::LedgerError::Integrity(error.clone()).into()),
            None => Ok(self),
        }
    }

    /// The reader's party, whose internal notes they may read.
    pub fn party(&self) -> &str {
        &self.reader.party
    }
}

/// What a reader is told of a negotiation they may not read, whether or not it exists: the same
/// code, status and message for both (the message does not even repeat the id), so that an
/// outsider cannot learn which ids exist.
fn not_readable() -> ApiError {
    ApiError::new(
        ServiceCode::UnknownNegotiation,
        "no negotiation with this id is open to you: it does not exist, or you are not accredited \
         in it (a head of delegation of your party can accredit you)",
    )
}

impl AppState {
    /// The negotiation, if `caller` is accredited in it. Accreditation is read from the verified
    /// part of the chain only, so an event slipped into the database cannot grant access.
    ///
    /// A negotiation that does not exist and one the caller is not accredited in answer the same
    /// 404 (`not_readable`). What a member may not *do* is still the domain's refusal, a 403.
    pub async fn access(&self, caller: &Caller, negotiation_id: &str) -> Result<Access, ApiError> {
        let checked = match self.ledger.checked_events(negotiation_id).await {
            Ok(checked) => checked,
            Err(pacta_ledger::LedgerError::UnknownNegotiation(_)) => return Err(not_readable()),
            Err(error) => return Err(error.into()),
        };
        let state = Negotiation::replay(checked.events.iter().map(|e| &e.payload));
        let reader = state
            .delegate(&caller.person)
            .cloned()
            .ok_or_else(not_readable)?;
        Ok(Access {
            reader,
            events: checked.events,
            broken: checked.broken,
        })
    }
}
