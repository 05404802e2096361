//! Who is asking, and what they may see.
//!
//! A request to the JSON API names its person by a bearer token (`Authorization: Bearer …`),
//! never by a cookie: a cookie goes with every request a browser makes, even one another site
//! causes. A page names its person by the session cookie that signing in sets (`Session`,
//! `security`), never by a token. The service never decides what a person may *do*: it passes
//! their commands to the domain as that person, and the domain's role table decides. It decides
//! only what a person may *read*: a negotiation in which they are accredited, in any role,
//! without the internal notes of another delegation.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use cqrs_es::EventEnvelope;
use pacta_domain::{Delegate, Negotiation};
use pacta_ledger::drafts::DraftCaches;
use pacta_ledger::store::ChainedContext;

use super::error::{ApiError, ServiceCode};
use super::security::{cookie, csrf_token, PersonTurn, SESSION_COOKIE};
use super::AppState;
use pacta_verify::chain::ChainError;

/// The person a valid, unrevoked token (or, on the pages, session) names.
#[derive(Clone, Debug)]
pub struct Caller {
    pub person: String,
    /// On the pages: the CSRF token of the reader's session, which every form of the page
    /// carries. `None` for a caller of the API.
    pub csrf_token: Option<String>,
    /// One of the person's turns (`security::PersonTurns`), held while the request is served;
    /// given back early by a response that lasts (a live stream).
    pub turn: Option<PersonTurn>,
}

fn presented_token(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    value
        .strip_prefix("Bearer ")
        .map(|token| token.trim().to_string())
}

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Caller, ApiError> {
        let Some(token) = presented_token(parts) else {
            let message = if cookie(&parts.headers, SESSION_COOKIE).is_some() {
                "the API takes no cookie, only 'Authorization: Bearer TOKEN' (a token from \
                 `pacta token issue --person ID`); the sign-in cookie is for the web pages"
            } else {
                "send 'Authorization: Bearer TOKEN' (a token from `pacta token issue --person ID`)"
            };
            return Err(ApiError::new(ServiceCode::MissingToken, message));
        };
        match state.database.person_of_token(&token).await? {
            Some(person) => Ok(Caller {
                turn: Some(state.person_turns.take(&person).await?),
                person,
                csrf_token: None,
            }),
            None => Err(ApiError::new(
                ServiceCode::InvalidToken,
                "the token is unknown or has been revoked; ask for a new one (pacta token issue)",
            )),
        }
    }
}

/// A signed-in reader of the pages: the session the cookie names, unrevoked and unexpired.
#[derive(Clone, Debug)]
pub struct Session {
    pub caller: Caller,
    /// The session's row (`pacta token list`), which signing out revokes.
    pub token_id: String,
}

impl AppState {
    /// The session the request's cookie names, if it is valid now.
    pub async fn session(&self, headers: &HeaderMap) -> Result<Option<Session>, ApiError> {
        let Some(secret) = cookie(headers, SESSION_COOKIE) else {
            return Ok(None);
        };
        let Some(record) = self.database.session(&secret).await? else {
            return Ok(None);
        };
        // An expiry that does not parse is read as long past.
        let expired = match chrono::DateTime::parse_from_rfc3339(&record.expires_at) {
            Ok(expires_at) => chrono::Utc::now() >= expires_at,
            Err(_) => true,
        };
        if expired {
            return Ok(None);
        }
        Ok(Some(Session {
            caller: Caller {
                turn: Some(self.person_turns.take(&record.person).await?),
                person: record.person,
                csrf_token: Some(csrf_token(&secret)),
            },
            token_id: record.token_id,
        }))
    }
}

/// A negotiation as one reader may see it: their accreditation, and the events up to the first
/// link that fails to verify (all of them when the chain is whole).
pub struct Access {
    pub reader: Delegate,
    /// Shared with the ledger's recent histories (`pacta_ledger::recent`).
    pub events: Arc<Vec<EventEnvelope<Negotiation>>>,
    pub broken: Option<ChainError>,
    /// The negotiation those events make, replayed once to find the reader: what the pages'
    /// forms read (open round, minutes, text root) instead of replaying it again.
    pub state: Negotiation,
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

/// A reader of a negotiation as it stands now: who they are in it, and its verified state,
/// without its events (`AppState::present`).
pub struct Present {
    pub reader: Delegate,
    pub negotiation: Arc<ChainedContext<Negotiation>>,
}

impl Present {
    /// The draft as it stands, as JSON: the same projection of the verified state that the
    /// projector stores as the draft view, taken from the state held here, so a read of the
    /// present waits for no catch-up; the clauses the last read rendered are taken from `drafts`.
    pub fn draft_json(&self, drafts: &DraftCaches) -> String {
        drafts.json(
            self.negotiation.aggregate_id(),
            self.negotiation.state(),
            self.negotiation.head().sequence,
        )
    }
}

/// What a reader is told of a negotiation they may not read, whether or not it exists: the same
/// code, status and message for both (the message does not even repeat the id), so that an
/// outsider cannot learn which ids exist.
pub(crate) fn not_readable() -> ApiError {
    ApiError::new(
        ServiceCode::UnknownNegotiation,
        "no negotiation with this id is open to you: it does not exist, or you are not accredited \
         in it (a head of delegation of your party can accredit you)",
    )
}

impl AppState {
    /// The negotiation as it stands now, if `caller` is accredited in it: for reads of the
    /// present (stored views), which need no events. The ledger's verified state answers, so no
    /// chain is loaded; one the background verification found damaged is refused, as an act on
    /// it is. Whatever cannot be vouched for this way (a chain broken after the state held) is
    /// answered as `access` answers it, so an outsider still learns nothing.
    pub async fn present(
        &self,
        caller: &Caller,
        negotiation_id: &str,
    ) -> Result<Present, ApiError> {
        let context = match self.ledger.current(negotiation_id).await {
            Ok(context) => context,
            Err(pacta_ledger::LedgerError::UnknownNegotiation(_)) => return Err(not_readable()),
            Err(error @ pacta_ledger::LedgerError::Integrity(_)) => {
                // A reader learns of the damage; an outsider, only that they may not read.
                self.access(caller, negotiation_id).await?.verified()?;
                return Err(error.into());
            }
            Err(error) => return Err(error.into()),
        };
        let reader = context
            .state()
            .delegate(&caller.person)
            .cloned()
            .ok_or_else(not_readable)?;
        if let Some(finding) = self.patrol.quarantine().finding(negotiation_id) {
            return Err(pacta_ledger::LedgerError::Quarantined {
                negotiation_id: negotiation_id.to_string(),
                finding: Box::new(finding),
            }
            .into());
        }
        Ok(Present {
            reader,
            negotiation: context,
        })
    }

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
            state,
        })
    }
}
