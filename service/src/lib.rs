//! Pacta's HTTP service (`pacta serve`): the ledger for delegations in different capitals.
//!
//! One process serves the JSON API (`api`), its OpenAPI document (`/openapi.json`) and the
//! server-rendered pages (`pages`), over the same store and the same ledger as the CLI. Every
//! request names its person with a bearer token (`auth`); acts are decided by the domain as that
//! person. On SIGTERM or Ctrl-C the service stops accepting connections and lets requests in
//! flight finish: a command is one database transaction, so nothing is ever half-written.
//!
//! The service decides only what a person may read; what they may do is the domain's to decide,
//! through `pacta_ledger::Ledger`. It knows nothing of the CLI.

pub mod api;
pub mod auth;
pub mod error;
pub mod pages;
pub mod security;

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::response::IntoResponse;
use axum::{Json, Router};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::{watch, Mutex, Semaphore};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use error::{ApiError, ErrorBody, ServiceCode};
use pacta_ledger::drafts::{DraftCaches, MAX_DRAFT_CACHE_BYTES};
use pacta_ledger::new_events::{NewEvents, NewEventsSettings};
use pacta_ledger::patrol::{Patrol, PatrolSettings, Quarantine};
use pacta_ledger::store::Database;
use pacta_ledger::views::{self, Projector};
use pacta_ledger::Ledger;

/// The largest request body accepted: above the largest valid command (a clause text at its
/// limit, escaped as JSON) with headroom, far below what could tire the server.
pub const MAX_REQUEST_BODY_BYTES: usize = 1024 * 1024;
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// How long a client may take to send a request's line and headers, or on a kept-alive
/// connection to begin its next request, before the connection is closed: a client that opens a
/// connection and dribbles (or never sends) headers holds it no longer than this.
pub const HEADER_READ_TIMEOUT_MS: u64 = 10_000;
/// How long one request may take, from its headers read to its response (reading its body
/// included), before it is abandoned and answered `request-timeout` (503). A command abandoned before its commit
/// writes nothing; after it, a retry under the same command id answers what was recorded.
pub const REQUEST_TIMEOUT_MS: u64 = 30_000;
/// Connections served at once. Further connections wait, unaccepted, in the operating system's
/// listen queue until one closes: idle and slow connections cannot exhaust file descriptors,
/// memory or tasks.
pub const MAX_CONNECTIONS: u32 = 1_024;

/// How long after an act the views start catching up in the background. Each catch-up
/// rewrites the whole draft and agreement documents of every negotiation it touches, so one
/// per act would rewrite them for every act; waiting lets one catch-up cover the acts of the
/// interval. No read waits for it: the reads of the present answer from the ledger's verified
/// states and histories, and a read of the stored views catches up first (`catch_up`), so the
/// delay only bounds how far the stored views lag while nobody reads them, and what such a
/// read may have to apply. `bench http` (2026-12-07, interleaved): 1,955 and 1,859 requests/s
/// at 1 s against 1,633 and 1,468 at 100 ms, the documents of negotiations of hundreds of
/// clauses rewritten ten times a second taking a sixth of the process.
pub const VIEW_REFRESH_DELAY_MS: u64 = 1_000;

/// The findings of the background verification `/healthz` names one by one; the rest are
/// counted.
pub const MAX_HEALTH_FINDINGS: usize = pacta_ledger::patrol::MAX_REPORTED_FINDINGS;

/// What a connection and a request may hold of the server. `ServeLimits::default()` is what
/// `pacta serve` uses: the constants above.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServeLimits {
    pub header_read_timeout: Duration,
    pub request_timeout: Duration,
    pub max_connections: u32,
}

impl Default for ServeLimits {
    fn default() -> ServeLimits {
        ServeLimits {
            header_read_timeout: Duration::from_millis(HEADER_READ_TIMEOUT_MS),
            request_timeout: Duration::from_millis(REQUEST_TIMEOUT_MS),
            max_connections: MAX_CONNECTIONS,
        }
    }
}

/// What every handler shares: the store, the ledger on it, and the one projector that keeps the
/// stored views up to date (one per process, so its fold cache serves every request).
pub struct AppState {
    pub database: Database,
    pub ledger: Ledger,
    projector: Mutex<Projector>,
    /// A background refresh of the views is spawned and has not started yet: the acts that
    /// commit meanwhile need no refresh of their own, that one will cover them.
    refresh_queued: AtomicBool,
    /// Every event at or before this position is in the stored views: what the last catch-up
    /// of this process established (-1: none yet).
    views_cover_through: AtomicI64,
    /// The background verifier, whose quarantine the ledger honours (`spawn_patrol`).
    pub patrol: Arc<Patrol>,
    /// How sessions last and whether a TLS proxy's headers are trusted.
    pub sessions: security::SessionSettings,
    /// Failed sign-ins per client address.
    pub sign_ins: security::SignInLimiter,
    /// Each person's requests served at once, at most so many.
    pub person_turns: security::PersonTurns,
    /// Acts in progress at once, every person's together, at most so many.
    pub act_turns: security::ActTurns,
    /// The live streams open on the pages (`pages::live`), at most so many at once.
    pub live_streams: pages::live::LiveStreams,
    /// The ledger's latest committed position, learned by one task for the whole process
    /// (LISTEN/NOTIFY on PostgreSQL, a short poll on SQLite): what the live streams wait on.
    pub new_events: NewEvents,
    /// The clause JSON of the drafts read most recently (`pacta_ledger::drafts`).
    pub drafts: DraftCaches,
}

impl AppState {
    pub fn new(database: Database) -> AppState {
        let quarantine = Arc::new(Quarantine::default());
        AppState {
            ledger: Ledger::on(&database)
                .keeping_verified_states(pacta_ledger::verified::DEFAULT_MAX_VERIFIED_NEGOTIATIONS)
                .keeping_recent_histories(
                    pacta_ledger::recent::DEFAULT_MAX_RECENT_EVENTS,
                    pacta_ledger::recent::DEFAULT_MAX_RECENT_HISTORIES,
                )
                .committing_in_groups()
                .with_quarantine(quarantine.clone()),
            projector: Mutex::new(Projector::new(database.clone())),
            refresh_queued: AtomicBool::new(false),
            views_cover_through: AtomicI64::new(-1),
            patrol: Arc::new(Patrol::new(
                database.clone(),
                PatrolSettings::default(),
                quarantine,
            )),
            sessions: security::SessionSettings::default(),
            sign_ins: security::SignInLimiter::default(),
            live_streams: pages::live::LiveStreams::default(),
            person_turns: security::PersonTurns::default(),
            act_turns: security::ActTurns::default(),
            new_events: NewEvents::new(database.clone(), NewEventsSettings::default()),
            drafts: DraftCaches::new(MAX_DRAFT_CACHE_BYTES),
            database,
        }
    }

    /// New events learned with other polling intervals than `pacta_ledger::new_events`'s
    /// (tests: a fallback so slow that only a notification can wake the process).
    pub fn with_new_events(mut self, settings: NewEventsSettings) -> AppState {
        self.new_events = NewEvents::new(self.database.clone(), settings);
        self
    }

    /// Each person served at most `per_person` requests at once, waiting at most `wait` for a
    /// turn (tests of the limit).
    pub fn with_person_turns(mut self, per_person: usize, wait: Duration) -> AppState {
        self.person_turns = security::PersonTurns::new(per_person, wait);
        self
    }

    /// At most `max_in_progress` acts in progress at once (tests of the limit).
    pub fn with_act_turns(mut self, max_in_progress: usize) -> AppState {
        self.act_turns = security::ActTurns::new(max_in_progress);
        self
    }

    /// Sessions and sign-in as `settings` say instead of the defaults (`pacta serve
    /// --behind-tls-proxy`; tests of expiry and of the rate limit).
    pub fn with_sessions(mut self, settings: security::SessionSettings) -> AppState {
        self.sessions = settings;
        self
    }

    /// The background verification at another rate than `pacta_ledger::patrol`'s defaults
    /// (`pacta serve --verify-events-per-second`; tests that must see a pass soon).
    pub fn with_patrol(mut self, settings: PatrolSettings) -> AppState {
        let quarantine = self.patrol.quarantine().clone();
        self.patrol = Arc::new(Patrol::new(self.database.clone(), settings, quarantine));
        self
    }

    /// Brings the stored views up to every event committed before this call.
    ///
    /// Most reads find the views current, and learn it from one lookup of the last event's
    /// position, compared with the position this process last saw the views cover: no scan, no
    /// lock, so reads do not queue behind each other or behind every act's catch-up. Another
    /// process's acts (the CLI's) have later positions, so they are caught up with too
    /// (read-your-writes across processes). The position is looked up, never taken from
    /// `new_events`: the notification of an act committed just before this read may not have
    /// arrived yet.
    pub async fn catch_up(&self) -> Result<(), ApiError> {
        let latest = self.database.last_position().await?;
        if latest <= self.views_cover_through.load(Ordering::Acquire) {
            return Ok(());
        }
        let mut projector = self.projector.lock().await;
        // Another read caught up while this one waited for the projector.
        if latest <= self.views_cover_through.load(Ordering::Acquire) {
            return Ok(());
        }
        // Up to the last position now, not the one this read arrived at: the reads queued
        // behind it are covered by this one catch-up instead of each running another.
        let now = self.database.last_position().await?;
        projector.catch_up_to(now).await?;
        self.views_cover_through.fetch_max(now, Ordering::AcqRel);
        Ok(())
    }

    /// After an act: the act is recorded whatever happens here, so a failure is logged and the
    /// next read catches up.
    pub async fn refresh_views(&self) {
        if let Err(error) = self.catch_up().await {
            tracing::warn!("the act is recorded but the views lag: {}", error.message);
        }
    }

    /// After an act, without delaying its answer: the views catch up in a task of their own,
    /// `VIEW_REFRESH_DELAY_MS` later, covering every act committed meanwhile. Reads lose nothing
    /// by it, since every read of the views first catches up with every act committed before it
    /// (`catch_up`).
    pub fn refresh_views_in_background(self: &Arc<Self>) {
        if self.refresh_queued.swap(true, Ordering::AcqRel) {
            return;
        }
        let state = self.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(VIEW_REFRESH_DELAY_MS)).await;
            // Cleared before catching up: an act committed after this point queues a new one.
            state.refresh_queued.store(false, Ordering::Release);
            state.refresh_views().await;
        });
    }
}

/// The background verification (`pacta_ledger::patrol`), pass after pass, until the returned
/// task is aborted.
pub fn spawn_patrol(state: Arc<AppState>) -> tokio::task::JoinHandle<()> {
    let patrol = state.patrol.clone();
    tokio::spawn(async move { patrol.run().await })
}

/// A background task that ends with its owner (a served loopback task aborted by a test).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The background verification, as `/healthz` reports it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Verification {
    /// `pending` (no pass completed yet, nothing found), `passed` (the last pass found nothing),
    /// `failed` (damage found: see `findings` and `quarantined`) or `unavailable` (the store
    /// cannot be read now: see `error`; the pass resumes where it was).
    #[schema(example = "passed")]
    pub state: &'static str,
    /// The rate it reads the ledger at: events and journal leaves per second.
    pub events_per_second: u32,
    /// Passes over the whole ledger completed since the service started.
    pub passes: u64,
    /// Events read so far by the pass under way.
    pub events_this_pass: u64,
    /// When the last pass finished, RFC 3339 UTC.
    pub last_run_at: Option<String>,
    pub duration_ms: Option<u64>,
    /// Events the last pass read in commit order.
    pub events: Option<u64>,
    /// What it found, one line each, at most `MAX_HEALTH_FINDINGS` (20).
    pub findings: Vec<String>,
    /// How many distinct findings there were in all.
    pub findings_total: usize,
    /// The negotiations no act is decided on, because their history was found damaged.
    pub quarantined: Vec<String>,
    pub error: Option<String>,
}

impl Verification {
    fn of(patrol: &Patrol) -> Verification {
        let report = patrol.report();
        let state = if report.findings_total > 0 {
            "failed"
        } else if report.store_error.is_some() {
            "unavailable"
        } else if report.passes == 0 {
            "pending"
        } else {
            "passed"
        };
        let last = report.last_pass.as_ref();
        Verification {
            state,
            events_per_second: report.settings.map_or(0, |s| s.events_per_second),
            passes: report.passes,
            events_this_pass: report.events_this_pass,
            last_run_at: last.map(|pass| {
                pass.finished_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            }),
            duration_ms: last.map(|pass| pass.took_ms),
            events: last.map(|pass| pass.events),
            findings: report.findings.iter().map(ToString::to_string).collect(),
            findings_total: report.findings_total,
            quarantined: patrol.quarantine().negotiations(),
            error: report.store_error,
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Pacta",
        description = "A tamper-evident ledger for negotiating MoUs, agreements and treaties. \
            Every act is a command performed as the person the bearer token names; the rules of \
            negotiation decide. Errors are JSON: {code, message, status}; the schema of \
            `ErrorBody.code` lists every code with the one status it is always answered with."
    ),
    modifiers(&BearerAuth),
    components(schemas(ErrorBody)),
    tags(
        (name = "acts", description = "Negotiating acts"),
        (name = "views", description = "What delegations read"),
        (name = "documents", description = "The text as a document"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[derive(Serialize, ToSchema)]
struct Health {
    status: &'static str,
    store: &'static str,
    events: u64,
    /// Each stored view (and the journal), with the committed events it does not cover yet.
    views: Vec<ViewLag>,
    /// The background verification: its rate, passes and findings.
    verification: Verification,
}

#[derive(Serialize, ToSchema)]
struct ViewLag {
    view: &'static str,
    lag_events: u64,
}

/// Ready when the store answers and the background verification found no damage; the views'
/// lag and that verification are reported. When it found damage, the answer is the
/// `integrity` error, its message naming the findings (at most `MAX_HEALTH_FINDINGS`), one per
/// line: a damaged ledger is not healthy, whatever else holds.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "views",
    responses(
        (status = 200, body = Health),
        (status = 500, description = "`integrity`: the background verification found damage, named in the message with the negotiations acts are refused on", body = ErrorBody),
        (status = 503, body = ErrorBody),
    )
)]
async fn healthz(State(state): State<Arc<AppState>>) -> Result<Json<Health>, ApiError> {
    let events = state.database.count_events().await?;
    let verification = Verification::of(&state.patrol);
    if verification.state == "failed" {
        let more = verification.findings_total - verification.findings.len();
        let more = if more > 0 {
            format!("\n… and {more} more (run pacta verify)")
        } else {
            String::new()
        };
        let refused = if verification.quarantined.is_empty() {
            String::new()
        } else {
            format!(
                "\nacts are refused on: {}",
                verification.quarantined.join(", ")
            )
        };
        return Err(ApiError::new(
            ServiceCode::Integrity,
            format!(
                "the background verification found {} problem(s):\n{}{more}{refused}",
                verification.findings_total,
                verification.findings.join("\n"),
            ),
        ));
    }
    let views = views::status(&state.database)
        .await?
        .into_iter()
        .map(|status| ViewLag {
            view: status.view.name(),
            lag_events: status.lag_events,
        })
        .collect();
    Ok(Json(Health {
        status: "ready",
        store: state.database.kind(),
        events,
        views,
        verification,
    }))
}

async fn unknown_route() -> ApiError {
    ApiError::new(
        ServiceCode::UnknownRoute,
        "no such endpoint; the API is described at /openapi.json",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        ServiceCode::MethodNotAllowed,
        "this endpoint does not take that method; see /openapi.json",
    )
}

/// The endpoints the OpenAPI document describes, each registered with its own description.
fn documented_routes() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(healthz))
        .routes(routes!(api::list_negotiations))
        .routes(routes!(api::post_command))
        .routes(routes!(api::draft))
        .routes(routes!(api::history))
        .routes(routes!(api::clause_history))
        .routes(routes!(api::redline))
        .routes(routes!(api::agreement))
        .routes(routes!(api::matrices))
        .routes(routes!(api::export))
}

/// The whole service: API, OpenAPI document, pages.
pub fn router(state: Arc<AppState>) -> Router {
    let (api, openapi) = documented_routes().split_for_parts();
    let openapi = Arc::new(openapi);
    let router = api
        .route(
            "/openapi.json",
            axum::routing::get(move || {
                let openapi = openapi.clone();
                async move { Json(openapi.as_ref().clone()).into_response() }
            }),
        )
        .merge(pages::routes())
        .fallback(unknown_route)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BODY_BYTES));
    security::with_security_headers(router)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// The OpenAPI document, as served at `/openapi.json`.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    documented_routes().split_for_parts().1
}

/// Logs to stderr; `RUST_LOG` chooses what (default: the service's requests and warnings).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,tower_http=info,sqlx=warn".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!("cannot listen for SIGTERM: {error}");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: no new connections; requests in flight finish");
}

/// Serves `state` on a free loopback port in a background task, for tests and benchmarks:
/// returns the base URL (`http://127.0.0.1:PORT`) and the task, which stops when aborted.
pub async fn spawn_on_loopback(
    state: Arc<AppState>,
) -> std::io::Result<(String, tokio::task::JoinHandle<std::io::Result<()>>)> {
    spawn_on_loopback_with(state, ServeLimits::default()).await
}

/// `spawn_on_loopback` with other limits (a test of a timeout need not wait the real one).
pub async fn spawn_on_loopback_with(
    state: Arc<AppState>,
    limits: ServeLimits,
) -> std::io::Result<(String, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base_url = format!("http://{}", listener.local_addr()?);
    let app = router(state.clone());
    let verification = AbortOnDrop(spawn_patrol(state));
    let task = tokio::spawn(async move {
        let _verification = verification;
        serve_connections(listener, app, limits, std::future::pending()).await
    });
    Ok((base_url, task))
}

/// Serves until SIGTERM or Ctrl-C, then waits for requests in flight.
pub async fn serve(state: Arc<AppState>, listener: TcpListener) -> std::io::Result<()> {
    let app = router(state.clone());
    let verification = AbortOnDrop(spawn_patrol(state.clone()));
    serve_connections(listener, app, ServeLimits::default(), shutdown_signal()).await?;
    drop(verification);
    // Acts are committed; the views catch up one last time so the next start finds them current.
    state.refresh_views().await;
    Ok(())
}

/// The accept loop: HTTP/1.1 on each accepted connection, within `limits`, until `shutdown`
/// resolves; then no new connection is accepted, idle ones are closed, and the requests in
/// flight finish before this returns.
///
/// axum's own `serve` cannot set hyper's header read timeout (it builds hyper's connection
/// builder with no timer), so the connections are served here with hyper directly.
///
/// The connection cap is a semaphore in this loop, not tower's `ConcurrencyLimitLayer`: that
/// layer counts requests in flight, and a connection that sends nothing or dribbles its headers
/// has no request in flight yet holds a socket and a task. A permit is taken before `accept`, so
/// at the cap no connection is accepted at all (the operating system queues them) and each
/// permit is returned when its connection closes.
async fn serve_connections(
    listener: TcpListener,
    app: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let app = app.layer(axum::middleware::from_fn_with_state(
        limits.request_timeout,
        answer_within,
    ));
    let connections = Arc::new(Semaphore::new(limits.max_connections as usize));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let (stop, stopping) = watch::channel(());
    let mut shutdown = pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => {
                permit.expect("invariant: the connection semaphore is never closed")
            }
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    wait_after_accept_error(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Each request learns the address of its connection (the sign-in rate limit counts by it).
        let app = tower::ServiceExt::map_request(
            app.clone(),
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(security::ClientAddress(peer));
                request
            },
        );
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
        let mut stopping = stopping.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut connection = pin!(connection);
            let served = tokio::select! {
                served = connection.as_mut() => served,
                // Shutting down (or the accept loop was dropped): finish the request in flight,
                // if any, and close.
                _ = stopping.changed() => {
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = served {
                tracing::debug!("connection closed: {error}");
            }
        });
    }
    drop(listener);
    stop.send_replace(());
    // Every permit back: every connection has closed.
    let _ = connections.acquire_many(limits.max_connections).await;
    Ok(())
}

/// Abandons a request that takes longer than `limit`, answering `request-timeout` as JSON like
/// every other error. Dropping the handler's future abandons the command: before its commit it
/// wrote nothing; after it, a retry under the same command id answers what was recorded.
async fn answer_within(
    State(limit): State<Duration>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::new(
            ServiceCode::RequestTimeout,
            format!(
                "the request took longer than {} ms and was abandoned; a command abandoned before \
                 its commit wrote nothing: send it again under the same command id",
                limit.as_millis()
            ),
        )
        .into_response(),
    }
}

/// After a failed `accept`: a connection reset before it was accepted is the client's affair;
/// anything else (out of file descriptors) is logged and waited out, rather than spun on.
async fn wait_after_accept_error(error: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::error!("cannot accept a connection: {error}");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
