//! The JSON API: one endpoint takes every negotiating act, and one endpoint serves each view.
//!
//! Acts go to the ledger as the token's person; the domain's rules decide. Views are served to
//! persons accredited in the negotiation, with other delegations' internal notes left out.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use cqrs_es::EventEnvelope;
use pacta_domain::{
    metadata, Action, Matrix, Negotiation, NegotiationCommand, NegotiationError, Occasion,
};
use pacta_projections::{
    AgreementState, ClauseHistory, Draft, HistoryEntry, IndexEntry, Point, Redline, TimelineFilter,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::auth::{not_readable, Access, Caller};
use super::error::{ApiError, ErrorBody, ServiceCode};
use super::AppState;
use pacta_ledger::views::access::Accreditation;
use pacta_ledger::views::{self, View};
use pacta_ledger::{CommandContext, Executed, LedgerError};
use pacta_projections::export::{Format, RenderError, Selection};
use pacta_verify::chain::ChainError;

type ApiResult<T> = Result<Json<T>, ApiError>;

/// A negotiating act, as the person the bearer token names.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommandRequest {
    /// Chosen by the client, unique within the negotiation (1–128 printable ASCII characters).
    /// Sending the same command again under the same id returns the original result and records
    /// nothing; another command under a used id is refused with `command-id-reused`.
    pub command_id: String,
    /// Optional: if given, it must be the token's person; no one acts as someone else.
    #[serde(default)]
    pub actor: Option<String>,
    pub action: Action,
    /// When (and where) the act took place; absent, on the day it is recorded (or on the act's
    /// own date, such as `signed_on`). Refused if in the future beyond the recording clock's
    /// tolerance, before the opening or the act it builds on, or outside the round open unless
    /// `intersessional`.
    #[serde(default)]
    pub took_place: Option<Occasion>,
}

/// What an accepted act recorded.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommandResponse {
    pub negotiation_id: String,
    pub command_id: String,
    /// True when this was a retry of a command already recorded under `command_id`: the events
    /// are those recorded the first time, and nothing new was written.
    pub replayed: bool,
    pub events: Vec<RecordedEvent>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedEvent {
    pub sequence: usize,
    pub event_type: String,
    /// The event's link in the negotiation's hash chain (lower-case hex SHA-256).
    pub hash: String,
    pub recorded_at: String,
}

impl CommandResponse {
    fn of(negotiation_id: &str, command_id: &str, executed: &Executed) -> CommandResponse {
        let field = |e: &cqrs_es::EventEnvelope<_>, key: &str| -> String {
            e.metadata.get(key).cloned().unwrap_or_default()
        };
        CommandResponse {
            negotiation_id: negotiation_id.to_string(),
            command_id: command_id.to_string(),
            replayed: executed.replayed,
            events: executed
                .events
                .iter()
                .map(|e| RecordedEvent {
                    sequence: e.sequence,
                    event_type: cqrs_es::DomainEvent::event_type(&e.payload),
                    hash: field(e, metadata::HASH),
                    recorded_at: field(e, metadata::RECORDED_AT),
                })
                .collect(),
        }
    }
}

/// Perform a negotiating act.
#[utoipa::path(
    post,
    path = "/api/negotiations/{negotiation}/commands",
    tag = "acts",
    params(("negotiation" = String, Path, description = "The negotiation's id")),
    request_body = CommandRequest,
    responses(
        (status = 201, description = "Recorded", body = CommandResponse),
        (status = 200, description = "A retry of a command already recorded under this command_id; nothing new was written", body = CommandResponse),
        (status = 400, description = "Malformed JSON, an unknown act, or an ill-formed value", body = ErrorBody),
        (status = 401, description = "Missing, unknown or revoked token", body = ErrorBody),
        (status = 403, description = "The person's role or party does not allow the act", body = ErrorBody),
        (status = 404, description = "Unknown negotiation, clause, round, matrix or language", body = ErrorBody),
        (status = 409, description = "A stale text hash, a command id reused for another command, or a lost race", body = ErrorBody),
        (status = 413, description = "The body or a text is over its limit", body = ErrorBody),
        (status = 415, description = "The body is not application/json", body = ErrorBody),
        (status = 422, description = "Refused by the rules of negotiation", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn post_command(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(negotiation): Path<String>,
    body: Result<Json<CommandRequest>, JsonRejection>,
) -> Result<(StatusCode, Json<CommandResponse>), ApiError> {
    let Json(request) = body?;
    if let Some(actor) = request.actor.as_ref().filter(|a| **a != caller.person) {
        return Err(ApiError::new(
            ServiceCode::ActingAsAnother,
            format!(
                "the token is {}'s; no one may act as {actor}",
                caller.person
            ),
        ));
    }
    let executed = state
        .perform(
            &caller,
            &negotiation,
            request.action,
            request.took_place,
            &request.command_id,
        )
        .await?;
    let status = if executed.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(CommandResponse::of(
            &negotiation,
            &request.command_id,
            &executed,
        )),
    ))
}

/// The negotiations the caller is accredited in.
#[utoipa::path(
    get,
    path = "/api/negotiations",
    tag = "views",
    responses(
        (status = 200, body = Vec<IndexEntry>),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_negotiations(
    State(state): State<Arc<AppState>>,
    caller: Caller,
) -> ApiResult<Vec<IndexEntry>> {
    Ok(Json(state.negotiations_of(&caller).await?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DraftQuery {
    /// A point in the past: SEQUENCE, YYYY-MM-DD, round:ID (or a bare round id), revision:N.
    pub at: Option<String>,
    /// A revision's text (0 is the original instrument).
    pub revision: Option<u32>,
}

/// The draft: clauses in order with status, brackets, alternatives and each party's position.
#[utoipa::path(
    get,
    path = "/api/negotiations/{negotiation}/draft",
    tag = "views",
    params(("negotiation" = String, Path), DraftQuery),
    responses(
        (status = 200, body = Draft),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn draft(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(negotiation): Path<String>,
    query: Result<Query<DraftQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    if query.at.is_none() && query.revision.is_none() {
        let present = state.present(&caller, &negotiation).await?;
        let body = present.draft_json(&state.drafts);
        return Ok(([(CONTENT_TYPE, "application/json")], body).into_response());
    }
    let access = state.access(&caller, &negotiation).await?.verified()?;
    Ok(Json(state.draft(&negotiation, &access, &query).await?).into_response())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// Acts performed for this party.
    pub party: Option<String>,
    pub clause: Option<String>,
    pub round: Option<String>,
    /// Acts recorded on or after this day (UTC).
    pub since: Option<NaiveDate>,
    /// Acts recorded on or before this day (UTC).
    pub until: Option<NaiveDate>,
}

/// One act of the timeline, and whether its link in the chain verifies now.
// It borrows the entry: a timeline is answered from the entries held, not a copy per read.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry<'a> {
    #[serde(flatten)]
    pub entry: &'a HistoryEntry,
    pub verified: bool,
}

/// The result of recomputing the negotiation's hash chain, as the timeline shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChainCheck {
    /// True when every link verifies.
    pub verified: bool,
    /// How many events verify, from the first.
    pub verified_events: usize,
    /// The first event that does not verify, and why.
    pub broken_at: Option<usize>,
    pub problem: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Timeline<'a> {
    pub chain: ChainCheck,
    pub entries: Vec<TimelineEntry<'a>>,
}

/// Every act, filtered, each with its hash and whether it verifies.
#[utoipa::path(
    get,
    path = "/api/negotiations/{negotiation}/history",
    tag = "views",
    params(("negotiation" = String, Path), HistoryQuery),
    responses(
        (status = 200, body = Timeline),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn history(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(negotiation): Path<String>,
    query: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    // The ledger's recent history of the negotiation answers, the reader's accreditation taken
    // from it (`Ledger::recent`): no chain is loaded and no read waits for the projector. A
    // negotiation the background verification quarantined, or whose chain is broken, is read
    // from its events, each act marked verified or not.
    if let Some(recent) = state.ledger.recent(&negotiation).await? {
        let reader = recent.delegate(&caller.person).ok_or_else(not_readable)?;
        let verified_events = recent.head.sequence;
        let timeline = timeline_of(
            &recent.timeline,
            &query,
            &reader.party,
            verified_events,
            None,
        );
        let body = timeline_json(&timeline, |entry| recent.entry_json(entry.sequence));
        return Ok(([(CONTENT_TYPE, "application/json")], body).into_response());
    }
    let access = state.access(&caller, &negotiation).await?;
    let entries = state.timeline_entries(&negotiation, &access).await?;
    Ok(Json(access.timeline(&entries, &query)).into_response())
}

/// Every wording a clause has had, each with a word redline against the one before.
#[utoipa::path(
    get,
    path = "/api/negotiations/{negotiation}/clauses/{clause}/history",
    tag = "views",
    params(("negotiation" = String, Path), ("clause" = String, Path)),
    responses(
        (status = 200, body = ClauseHistory),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn clause_history(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((negotiation, clause)): Path<(String, String)>,
) -> ApiResult<ClauseHistory> {
    // The ledger's recent history of the negotiation answers, as for the timeline (`history`):
    // no chain is loaded, and each act on the clause is folded from the fold kept before it. A
    // negotiation quarantined or broken is read as `access` reads it.
    if let Some(recent) = state.ledger.recent(&negotiation).await? {
        let reader = recent.delegate(&caller.person).ok_or_else(not_readable)?;
        let history = recent.clause_history(&clause);
        return Ok(Json(for_reader(
            &negotiation,
            history,
            &reader.party,
            &clause,
        )?));
    }
    let access = state.access(&caller, &negotiation).await?.verified()?;
    Ok(Json(clause_history_for(
        &negotiation,
        &access.events,
        access.party(),
        &clause,
    )?))
}

/// The history of `clause` as a reader acting for `party` may see it.
pub fn clause_history_for(
    negotiation: &str,
    events: &[EventEnvelope<Negotiation>],
    party: &str,
    clause: &str,
) -> Result<ClauseHistory, ApiError> {
    let history = pacta_projections::clause_history(events, clause);
    for_reader(negotiation, history, party, clause)
}

/// `history` as a reader acting for `party` may see it; no history is an unknown clause.
fn for_reader(
    negotiation: &str,
    history: Option<ClauseHistory>,
    party: &str,
    clause: &str,
) -> Result<ClauseHistory, ApiError> {
    let history = history.ok_or_else(|| {
        // The same finding as the domain's refusal of an act on that clause: the same code.
        ApiError::new(
            &NegotiationError::UnknownClause(clause.to_string()),
            format!("negotiation '{negotiation}' has no clause '{clause}'"),
        )
    })?;
    Ok(history.for_reader(Some(party)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RedlineQuery {
    /// SEQUENCE, YYYY-MM-DD, round:ID (or a bare round id), revision:N.
    pub from: String,
    pub to: String,
    /// Compare each clause's version in this authentic language, corrections to it included,
    /// labelled by its convention, e.g. `ar` (default: each clause's reference language,
    /// labelled in English).
    pub language: Option<String>,
}

/// What changed between two points, word by word, and who proposed each change.
#[utoipa::path(
    get,
    path = "/api/negotiations/{negotiation}/redline",
    tag = "views",
    params(("negotiation" = String, Path), RedlineQuery),
    responses(
        (status = 200, body = Redline),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn redline(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(negotiation): Path<String>,
    query: Result<Query<RedlineQuery>, QueryRejection>,
) -> ApiResult<Redline> {
    let Query(query) = query?;
    let access = state.access(&caller, &negotiation).await?.verified()?;
    let (from, to): (Point, Point) = (query.from.parse()?, query.to.parse()?);
    let language = query.language.as_deref();
    if let Some(language) = language {
        check_redline_language(&negotiation, &access.events, language)?;
    }
    Ok(Json(pacta_projections::redline_in(
        &access.events,
        &from,
        &to,
        language,
    )?))
}

/// Refuses a redline language that is not one of the negotiation's authentic languages, with
/// the refusal (and so the code) of an export in such a language.
pub(crate) fn check_redline_language(
    negotiation: &str,
    events: &[cqrs_es::EventEnvelope<pacta_domain::Negotiation>],
    language: &str,
) -> Result<(), ApiError> {
    let authentic = pacta_projections::draft(negotiation, events).languages;
    if authentic.iter().any(|l| l == language) {
        return Ok(());
    }
    Err(RenderError::NotAuthenticLanguage {
        language: language.to_string(),
        authentic: authentic.join(", "),
    }
    .into())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AgreementQuery {
    /// Also say which text was in force on this day.
    pub on: Option<NaiveDate>,
}

/// Where the agreement stands: adoption, signatures, entry into force, revisions.
#[utoipa::path(
    get,
    path = "/api/negotiations/{negotiation}/agreement",
    tag = "views",
    params(("negotiation" = String, Path), AgreementQuery),
    responses(
        (status = 200, body = AgreementState),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn agreement(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(negotiation): Path<String>,
    query: Result<Query<AgreementQuery>, QueryRejection>,
) -> ApiResult<AgreementState> {
    let Query(query) = query?;
    let access = state.access(&caller, &negotiation).await?.verified()?;
    Ok(Json(pacta_projections::agreement_state(
        &negotiation,
        &access.events,
        query.on,
    )))
}

/// The action matrices: rows, who agreed each, validation and progress.
#[utoipa::path(
    get,
    path = "/api/negotiations/{negotiation}/matrices",
    tag = "views",
    params(("negotiation" = String, Path)),
    responses(
        (status = 200, body = BTreeMap<String, Matrix>),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn matrices(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path(negotiation): Path<String>,
) -> ApiResult<BTreeMap<String, Matrix>> {
    let access = state.access(&caller, &negotiation).await?.verified()?;
    Ok(Json(pacta_projections::action_matrices(&access.events)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// An authentic language (default: the negotiation's first).
    pub language: Option<String>,
    pub revision: Option<u32>,
    /// SEQUENCE, YYYY-MM-DD, round:ID (or a bare round id), revision:N.
    pub at: Option<String>,
    /// `working` (default: statuses, proposers, brackets) or `instrument` (the text to sign).
    pub form: Option<pacta_projections::export::Form>,
    /// In the instrument form, the party named first (the alternat), e.g. `MAR`.
    pub alternat: Option<String>,
    /// Another authentic language set beside the document's, passage by passage, in two
    /// columns (markdown, html, docx or pdf), e.g. `ar`.
    pub with: Option<String>,
}

/// The text as a document: markdown, html, docx, pdf (PDF/A-2a), akoma-ntoso or json.
#[utoipa::path(
    get,
    path = "/api/negotiations/{negotiation}/exports/{format}",
    tag = "documents",
    params(
        ("negotiation" = String, Path),
        ("format" = String, Path, description = "markdown, html, docx, pdf, akoma-ntoso or json"),
        ExportQuery
    ),
    responses(
        (status = 200, description = "The document, as an attachment"),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn export(
    State(state): State<Arc<AppState>>,
    caller: Caller,
    Path((negotiation, format)): Path<(String, String)>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query?;
    export_document(&state, &caller, &negotiation, &format, query).await
}

/// The document `export` answers with, for the API and the pages' download links alike.
pub async fn export_document(
    state: &AppState,
    caller: &Caller,
    negotiation: &str,
    format: &str,
    query: ExportQuery,
) -> Result<Response, ApiError> {
    let format: Format = format.parse().map_err(|_| {
        ApiError::new(
            ServiceCode::UnknownFormat,
            format!("no format '{format}': use markdown, html, docx, pdf, akoma-ntoso or json"),
        )
    })?;
    if query.revision.is_some() && query.at.is_some() {
        return Err(revision_and_point());
    }
    let access = state.access(caller, negotiation).await?.verified()?;
    let with = query.with;
    let selection = Selection {
        language: query.language,
        revision: query.revision,
        at: query.at,
        exported_on: chrono::Utc::now().date_naive(),
        form: query.form.unwrap_or_default(),
        alternat: query.alternat,
    };
    // Typesetting a PDF takes a while of CPU: done on tokio's blocking threads, not a
    // worker's.
    let events = access.events;
    let name = negotiation.to_string();
    let document = tokio::task::spawn_blocking(move || match with {
        Some(with) => pacta_pdf::render_bilingual(&name, &events, format, selection, &with),
        None => pacta_pdf::render(&name, &events, format, selection),
    })
    .await
    .map_err(|error| ApiError::new(ServiceCode::Internal, error.to_string()))??;
    let file_name = format!("{negotiation}.{}", format.file_extension());
    Ok((
        [
            (CONTENT_TYPE, format.media_type().to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        document,
    )
        .into_response())
}

/// A request for both a revision's text and the text at a point: a bad request, whatever the
/// view, answered before the negotiation is read (the renderer's own refusal, so one message).
fn revision_and_point() -> ApiError {
    RenderError::RevisionAndPoint.into()
}

impl AppState {
    /// Performs `action` in `negotiation` as `caller`, under `command_id`: the one way an act is
    /// recorded, for the API and the pages' forms alike, so that both commit the same way,
    /// answer a retry under a used command id as a replay (recording nothing), and refresh the
    /// views the same way. The domain decides; the caller is only who acts.
    pub async fn perform(
        self: &Arc<Self>,
        caller: &Caller,
        negotiation: &str,
        action: Action,
        took_place: Option<Occasion>,
        command_id: &str,
    ) -> Result<Executed, ApiError> {
        let command = NegotiationCommand {
            actor: caller.person.clone(),
            action,
            took_place,
        };
        let context = CommandContext {
            command_id: Some(command_id.to_string()),
        };
        let _turn = self.act_turns.take().await;
        let executed = self
            .ledger
            .execute(negotiation, command, &context)
            .await
            .map_err(|error| match error {
                // An act in a negotiation one is not accredited in is answered as one in a
                // negotiation that does not exist, as reads are: outsiders learn neither.
                LedgerError::UnknownNegotiation(_)
                | LedgerError::Refused {
                    reason: NegotiationError::UnknownActor(_),
                    ..
                } => crate::auth::not_readable(),
                other => ApiError::from(other),
            })?;
        if !executed.replayed {
            // Answered once committed: the views catch up after, and every read catches up first.
            self.refresh_views_in_background();
        }
        Ok(executed)
    }

    /// The index entries of the negotiations `caller` may read. A negotiation another party
    /// opened is among them for the head of delegation it names, whose party is listed in its
    /// `awaiting_acceptance` until they accept; no one else of that party is accredited before.
    pub async fn negotiations_of(&self, caller: &Caller) -> Result<Vec<IndexEntry>, ApiError> {
        let readable = self.readable_negotiations(caller).await?;
        Ok(readable.into_iter().map(|(entry, _)| entry).collect())
    }

    /// The index entries of the negotiations `caller` may read, each with the capacity in which
    /// they read it: the rule of `present` (accredited in the negotiation's verified state, which
    /// the background verification has not quarantined), answered from the stored access view
    /// by one query by person, so a list costs the same however many negotiations the ledger
    /// holds and an outsider's touches none. The views are caught up first (read-your-writes);
    /// their rows come from events the projector verified, and a negotiation whose history was
    /// found damaged since is left out, as `present` refuses it.
    pub async fn readable_negotiations(
        &self,
        caller: &Caller,
    ) -> Result<Vec<(IndexEntry, Accreditation)>, ApiError> {
        self.catch_up().await?;
        let quarantine = self.patrol.quarantine();
        let mut readable = views::access::negotiations_of(&self.database, &caller.person).await?;
        readable.retain(|(entry, _)| quarantine.finding(&entry.negotiation_id).is_none());
        Ok(readable)
    }

    /// The draft as it stands, from the stored view.
    pub async fn draft_now(&self, negotiation: &str) -> Result<Draft, ApiError> {
        self.catch_up().await?;
        views::document(&self.database, View::Draft, negotiation)
            .await?
            .ok_or_else(|| {
                ApiError::new(
                    ServiceCode::Views,
                    "the draft view has no row for a negotiation that exists",
                )
            })
    }

    /// The draft now (from the stored view), at a point, or of a revision.
    pub async fn draft(
        &self,
        negotiation: &str,
        access: &Access,
        query: &DraftQuery,
    ) -> Result<Draft, ApiError> {
        match (&query.at, query.revision) {
            (Some(_), Some(_)) => Err(revision_and_point()),
            (Some(at), None) => {
                let point: Point = at.parse()?;
                Ok(pacta_projections::draft(
                    negotiation,
                    pacta_projections::events_at(&access.events, &point)?,
                ))
            }
            (None, Some(revision)) => {
                pacta_projections::draft_of_revision(negotiation, &access.events, revision)
                    .ok_or_else(|| {
                        ApiError::new(
                            ServiceCode::UnknownRevision,
                            format!("negotiation '{negotiation}' has no revision {revision}"),
                        )
                    })
            }
            (None, None) => self.draft_now(negotiation).await,
        }
    }

    /// Every entry of the stored timeline, for `Access::timeline`. It keeps acts recorded before
    /// a later break, so a reader sees which acts a tampered database no longer vouches for.
    pub async fn timeline_entries(
        &self,
        negotiation: &str,
        access: &Access,
    ) -> Result<Vec<HistoryEntry>, ApiError> {
        if let Err(error) = self.catch_up().await {
            tracing::warn!(%negotiation, "timeline served without catching up: {}", error.message);
        }
        let entries = views::timeline(&self.database, negotiation).await?;
        if entries.len() < access.events.len() {
            return Ok(pacta_projections::history(&access.events));
        }
        Ok(entries)
    }
}

impl Access {
    /// The timeline of `entries` the reader may see, each act marked verified or not by the
    /// fresh check of the chain this access made.
    pub fn timeline<'a>(&self, entries: &'a [HistoryEntry], query: &HistoryQuery) -> Timeline<'a> {
        timeline_of(
            entries,
            query,
            self.party(),
            self.events.len(),
            self.broken.as_ref(),
        )
    }
}

/// `timeline` as JSON, the same bytes as `serde_json::to_vec(timeline)`, each entry written
/// from the JSON kept of it (`entry_json`, which must be `serde_json`'s of the entry) instead of
/// serialised again: a history read then costs a copy of its entries. Serialising them was the
/// largest cost of a history read, and grows with the negotiation.
fn timeline_json<'a>(
    timeline: &Timeline<'a>,
    entry_json: impl Fn(&'a HistoryEntry) -> &'a str,
) -> Vec<u8> {
    let entries = &timeline.entries;
    let entry_bytes: usize = entries.iter().map(|e| entry_json(e.entry).len()).sum();
    let mut body = Vec::with_capacity(entry_bytes + entries.len() * VERIFIED_FALSE.len() + 256);
    body.extend_from_slice(b"{\"chain\":");
    serde_json::to_writer(&mut body, &timeline.chain).expect("invariant: a chain check serialises");
    body.extend_from_slice(b",\"entries\":[");
    for (index, entry) in entries.iter().enumerate() {
        if index > 0 {
            body.push(b',');
        }
        let object = entry_json(entry.entry)
            .strip_suffix('}')
            .expect("invariant: an entry's JSON is an object");
        debug_assert!(object.len() > 1, "invariant: an entry has fields");
        body.extend_from_slice(object.as_bytes());
        body.extend_from_slice(if entry.verified {
            VERIFIED_TRUE
        } else {
            VERIFIED_FALSE
        });
    }
    body.extend_from_slice(b"]}");
    body
}

/// The end of a `TimelineEntry` after its flattened entry's fields, as serde writes it.
const VERIFIED_TRUE: &[u8] = b",\"verified\":true}";
const VERIFIED_FALSE: &[u8] = b",\"verified\":false}";

/// The entries `party`'s reader may see that `query` keeps, each marked verified unless at or
/// after `broken`'s link.
fn timeline_of<'a>(
    entries: &'a [HistoryEntry],
    query: &HistoryQuery,
    party: &str,
    verified_events: usize,
    broken: Option<&ChainError>,
) -> Timeline<'a> {
    let filter = TimelineFilter {
        party: query.party.clone(),
        clause: query.clause.clone(),
        round: query.round.clone(),
        from_date: query.since,
        to_date: query.until,
    };
    let broken_at = broken.map(|e| e.sequence);
    let entries = entries
        .iter()
        .filter(|e| e.visible_to(Some(party)) && filter.matches(e))
        .map(|entry| TimelineEntry {
            verified: broken_at.is_none_or(|broken| entry.sequence < broken),
            entry,
        })
        .collect();
    Timeline {
        chain: ChainCheck {
            verified: broken.is_none(),
            verified_events,
            broken_at,
            problem: broken.map(|e| e.problem.to_string()),
        },
        entries,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(sequence: usize, summary: &str, internal_to: Option<&str>) -> HistoryEntry {
        HistoryEntry {
            sequence,
            recorded_at: "2026-12-07T10:00:00+00:00".into(),
            took_place_on: "2026-12-07".into(),
            took_place_in: sequence.is_multiple_of(2).then(|| "Rabat".into()),
            actor: "civ.head".into(),
            party: "CIV".into(),
            role: "head".into(),
            event: "Commented".into(),
            summary: summary.into(),
            hash: format!("{sequence:064x}"),
            round: None,
            clause_id: Some("art-1".into()),
            internal_to: internal_to.map(str::to_string),
        }
    }

    #[test]
    fn a_timeline_written_from_the_entries_kept_json_is_the_one_serde_writes() {
        let entries = [
            entry(1, "Ouverture « MoU » — \"traite\"\\n", None),
            entry(2, "تعليق داخلي\u{2028}", Some("MAR")),
            entry(3, "Texte\tmodifié 𝒜", None),
        ];
        let kept: Vec<String> = entries
            .iter()
            .map(|e| serde_json::to_string(e).unwrap())
            .collect();
        let broken = ChainCheck {
            verified: false,
            verified_events: 2,
            broken_at: Some(3),
            problem: Some("the \"hash\" differs".into()),
        };
        for (chain, shown) in [(broken, 3), (whole(3), 3), (whole(0), 0)] {
            let timeline = Timeline {
                entries: entries[..shown]
                    .iter()
                    .map(|entry| TimelineEntry {
                        entry,
                        verified: chain.broken_at.is_none_or(|b| entry.sequence < b),
                    })
                    .collect(),
                chain,
            };
            let written = timeline_json(&timeline, |e| &kept[e.sequence - 1]);
            assert_eq!(
                String::from_utf8(written).unwrap(),
                serde_json::to_string(&timeline).unwrap()
            );
        }
    }

    fn whole(verified_events: usize) -> ChainCheck {
        ChainCheck {
            verified: true,
            verified_events,
            broken_at: None,
            problem: None,
        }
    }
}
