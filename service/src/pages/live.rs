//! Live: while a page of a negotiation is open, the acts others record appear on it, saying who
//! did what, without a reload.
//!
//! `GET /negotiations/{n}/live` is a stream of Server-Sent Events, read by `static/live.js`
//! (`EventSource`). Acts may be recorded by any process on the same store (this service, another
//! instance of it, the CLI), so the stream does not wait for an in-process signal: it waits on
//! the process's one notification of new events (`AppState::new_events`: LISTEN/NOTIFY on
//! PostgreSQL, a short poll on SQLite, for every stream at once), and only when the ledger has
//! moved asks the store for its negotiation's last sequence (one primary-key lookup), loading the
//! events only when that has moved. What it sends is what the timeline shows the same reader:
//! verified events only, never another delegation's internal comment.
//!
//! A stream is bounded like a page: only a signed-in reader accredited in the negotiation may
//! open one (the session cookie, never a bearer token), at most `MAX_LIVE_STREAMS` are open per
//! process, and it ends once the session has expired or been revoked (checked every
//! `LIVE_SESSION_CHECK_MS`). Each event's SSE `id` is its sequence, so a reconnecting browser
//! (`Last-Event-ID`) or a page (`?after=SEQ`, the sequence it was rendered at) gets every act
//! after that one, once.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use axum::http::header::COOKIE;
use axum::response::sse::{Event, KeepAlive, Sse};
use pacta_domain::{NegotiationEvent, Party};
use pacta_projections::HistoryEntry;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::*;
use crate::error::ServiceCode;

/// How often an idle stream sends a comment line, so that proxies and browsers do not take a
/// quiet negotiation for a dead connection.
pub const LIVE_KEEP_ALIVE_MS: u64 = 15_000;
/// How often a stream checks that its session is still valid: a stream ends at most this long
/// after its session expires or is revoked (signing out, `pacta token revoke`).
pub const LIVE_SESSION_CHECK_MS: u64 = 30_000;
/// The streams one process keeps open at once. Each holds a connection (of `MAX_CONNECTIONS`)
/// and polls the store; beyond this, a page is refused with 503 and works without live acts.
pub const MAX_LIVE_STREAMS: usize = 256;
/// The streams one person may hold at once (several tabs, a laptop and a tablet): one person's
/// session cannot take the places of everyone else.
pub const MAX_LIVE_STREAMS_PER_PERSON: usize = 8;
/// What a refused stream is told to wait (`Retry-After`) before trying again.
pub const LIVE_RETRY_AFTER_SECONDS: u64 = 30;

/// What the live streams of one process may hold. `LiveLimits::default()` is what `pacta serve`
/// uses: the constants above; a test need not wait the real intervals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiveLimits {
    pub max_streams: usize,
    pub max_streams_per_person: usize,
    pub keep_alive: Duration,
    pub session_check: Duration,
}

impl Default for LiveLimits {
    fn default() -> LiveLimits {
        LiveLimits {
            max_streams: MAX_LIVE_STREAMS,
            max_streams_per_person: MAX_LIVE_STREAMS_PER_PERSON,
            keep_alive: Duration::from_millis(LIVE_KEEP_ALIVE_MS),
            session_check: Duration::from_millis(LIVE_SESSION_CHECK_MS),
        }
    }
}

/// The live streams a process has open: at most `limits.max_streams` at once, and
/// `limits.max_streams_per_person` for any one person.
pub struct LiveStreams {
    open: Arc<Semaphore>,
    per_person: Arc<std::sync::Mutex<HashMap<String, usize>>>,
    limits: LiveLimits,
}

/// One stream's place, given back when the stream is dropped.
struct StreamPlace {
    _permit: OwnedSemaphorePermit,
    person: String,
    per_person: Arc<std::sync::Mutex<HashMap<String, usize>>>,
}

impl Drop for StreamPlace {
    fn drop(&mut self) {
        let mut counts = self.per_person.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = counts.get_mut(&self.person) {
            *count -= 1;
            if *count == 0 {
                counts.remove(&self.person);
            }
        }
    }
}

impl LiveStreams {
    pub fn new(limits: LiveLimits) -> LiveStreams {
        LiveStreams {
            open: Arc::new(Semaphore::new(limits.max_streams)),
            per_person: Arc::default(),
            limits,
        }
    }

    /// A place for one more stream of `person`, held until the stream is dropped; `None` at
    /// either limit.
    fn try_open(&self, person: &str) -> Option<StreamPlace> {
        let mut counts = self.per_person.lock().unwrap_or_else(|e| e.into_inner());
        let held = counts.get(person).copied().unwrap_or(0);
        if held >= self.limits.max_streams_per_person {
            return None;
        }
        let permit = self.open.clone().try_acquire_owned().ok()?;
        counts.insert(person.to_string(), held + 1);
        Some(StreamPlace {
            _permit: permit,
            person: person.to_string(),
            per_person: self.per_person.clone(),
        })
    }
}

impl Default for LiveStreams {
    fn default() -> LiveStreams {
        LiveStreams::new(LiveLimits::default())
    }
}

impl AppState {
    /// Live streams within `limits` instead of the defaults (tests of the limit and of a
    /// session's end).
    pub fn with_live_limits(mut self, limits: LiveLimits) -> AppState {
        self.live_streams = LiveStreams::new(limits);
        self
    }
}

/// `?after=SEQ`: the sequence of the last event the page shows; only later acts are sent.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LiveQuery {
    after: Option<usize>,
}

/// One act as a live page shows it: the `data` of an SSE event named `act`, whose `id` is the
/// sequence.
#[derive(Debug, Serialize)]
struct LiveAct {
    sequence: usize,
    /// The kind of act in words, in the reader's language ("clause amended").
    event: String,
    /// The event's type as stored ("ClauseAmended").
    event_type: String,
    actor: String,
    /// The party's code, as in the history.
    party: String,
    /// The party's name, as the opening gave it.
    party_name: String,
    clause_id: Option<String>,
    /// The history's line for the act.
    summary: String,
    recorded_at: String,
    /// Who did what, in one line in the reader's language: what the page shows.
    text: String,
}

/// `GET /negotiations/{n}/live`: the acts recorded after `Last-Event-ID` (a browser
/// reconnecting) or else `?after=`, then each new one as it is recorded.
///
/// Without a valid session the answer is `204 No Content`, not the pages' redirect to the
/// sign-in form: an `EventSource` stops on a 204, where it would follow the redirect, fail on
/// the form and try again.
pub(super) async fn stream(
    State(state): State<Arc<AppState>>,
    Path(negotiation): Path<String>,
    query: Result<Query<LiveQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let caller = match state.session(&headers).await? {
        Some(session) => session.caller,
        None => return Ok(StatusCode::NO_CONTENT.into_response()),
    };
    let Query(query) = query?;
    // The place first: a refused stream costs no read of the negotiation.
    let Some(place) = state.live_streams.try_open(&caller.person) else {
        let refused = ApiError::new(
            ServiceCode::TooManyLiveStreams,
            format!(
                "the service follows at most {} live pages at once, and {} of one person; the \
                 page works without following, and follows again in \
                 {LIVE_RETRY_AFTER_SECONDS} seconds",
                state.live_streams.limits.max_streams,
                state.live_streams.limits.max_streams_per_person
            ),
        );
        return Ok((
            [(RETRY_AFTER, LIVE_RETRY_AFTER_SECONDS.to_string())],
            PageError(refused),
        )
            .into_response());
    };
    // Subscribed before the events are read: an act committed after the read moves the ledger
    // past what the subscription has seen, so it is looked for.
    let new_events = state.new_events.subscribe();
    let access = state.access(&caller, &negotiation).await?;
    // The browser's own record of what it received outranks the address it first opened.
    let after = last_event_id(&headers).or(query.after).unwrap_or(0);
    // A stream lasts as long as the page is open: it holds no turn of the person's requests.
    let caller = Caller {
        turn: None,
        ..caller
    };
    let mut follower = Follower {
        state: state.clone(),
        caller,
        session_cookie: session_cookie(&headers),
        negotiation,
        ui: Ui::of(&headers),
        delivered: after,
        seen: access.events.last().map_or(0, |e| e.sequence),
        queue: VecDeque::new(),
        new_events,
        session_checked: Instant::now(),
        _place: place,
    };
    follower.queue_after(&access);
    let events = futures_util::stream::unfold(follower, Follower::next);
    let keep_alive = KeepAlive::new().interval(state.live_streams.limits.keep_alive);
    Ok(Sse::new(events).keep_alive(keep_alive).into_response())
}

/// The sequence a reconnecting `EventSource` last received. One that is not a sequence was not
/// sent by this service and is ignored.
fn last_event_id(headers: &HeaderMap) -> Option<usize> {
    headers
        .get("last-event-id")?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Only the request's cookies, to check its session again later.
fn session_cookie(headers: &HeaderMap) -> HeaderMap {
    let mut kept = HeaderMap::new();
    for value in headers.get_all(COOKIE) {
        kept.append(COOKIE, value.clone());
    }
    kept
}

/// One open stream: whom it is for, what it has sent, and what it has yet to send.
struct Follower {
    state: Arc<AppState>,
    caller: Caller,
    session_cookie: HeaderMap,
    negotiation: String,
    ui: Ui,
    /// The last sequence sent, or passed over as not the reader's to see.
    delivered: usize,
    /// The negotiation's last sequence in the store when it was last loaded.
    seen: usize,
    queue: VecDeque<LiveAct>,
    /// The ledger's latest committed position, as the process's one follower learns it.
    new_events: watch::Receiver<i64>,
    session_checked: Instant,
    /// The stream's place among `MAX_LIVE_STREAMS` (and its person's), given back when the
    /// browser goes.
    _place: StreamPlace,
}

impl Follower {
    /// The next act to send, waiting for one; `None` ends the stream (the session has ended, or
    /// the store failed).
    async fn next(mut self) -> Option<(Result<Event, axum::Error>, Follower)> {
        loop {
            if let Some(act) = self.queue.pop_front() {
                let event = Event::default()
                    .event("act")
                    .id(act.sequence.to_string())
                    .json_data(&act);
                return Some((event, self));
            }
            let session_check = self.session_checked + self.state.live_streams.limits.session_check;
            let moved = tokio::select! {
                changed = self.new_events.changed() => {
                    if changed.is_err() {
                        // The state that follows new events is gone: the service is stopping.
                        return None;
                    }
                    true
                }
                () = tokio::time::sleep_until(session_check) => false,
            };
            if self.session_checked.elapsed() >= self.state.live_streams.limits.session_check {
                if !self.session_still_valid().await {
                    return None;
                }
                self.session_checked = Instant::now();
            }
            if !moved {
                continue;
            }
            if let Err(error) = self.look().await {
                // The stream ends rather than logging every poll while the store is down: the
                // browser reconnects after its last event id, and that request is checked (and
                // refused, while the store fails) like any other.
                if error.code == ServiceCode::UnknownNegotiation.into() {
                    tracing::info!(
                        negotiation = %self.negotiation,
                        "a live stream ends: its reader is no longer accredited"
                    );
                } else {
                    tracing::warn!(
                        negotiation = %self.negotiation,
                        "a live stream ends: it could not read the store: {}",
                        error.message
                    );
                }
                return None;
            }
        }
    }

    /// Whether the session that opened the stream is still unexpired and unrevoked, for the same
    /// person. A store that cannot say ends the stream: it fails closed, and the browser's
    /// reconnection is checked like any request.
    async fn session_still_valid(&self) -> bool {
        match self.state.session(&self.session_cookie).await {
            Ok(Some(session)) => session.caller.person == self.caller.person,
            Ok(None) => false,
            Err(error) => {
                tracing::warn!(
                    "a live stream could not check its session: {}",
                    error.message
                );
                false
            }
        }
    }

    /// Asks the store for the negotiation's last sequence and, when it has moved, queues the
    /// acts after the last one delivered. Accreditation is read again with the events.
    async fn look(&mut self) -> Result<(), ApiError> {
        let last = self
            .state
            .database
            .last_sequence(
                <pacta_domain::Negotiation as cqrs_es::Aggregate>::TYPE,
                &self.negotiation,
            )
            .await?;
        if last == self.seen {
            return Ok(());
        }
        let access = self.state.access(&self.caller, &self.negotiation).await?;
        self.queue_after(&access);
        self.seen = last;
        Ok(())
    }

    /// Queues the verified acts after `delivered` that the reader may see.
    fn queue_after(&mut self, access: &Access) {
        let Some(last) = access.events.last().map(|e| e.sequence) else {
            return;
        };
        if last <= self.delivered {
            return;
        }
        let names = PartyNames::of(access);
        let party = access.party();
        let acts = pacta_projections::history(&access.events)
            .into_iter()
            .filter(|entry| entry.sequence > self.delivered && entry.visible_to(Some(party)))
            .map(|entry| live_act(&self.ui, &names, entry));
        self.queue.extend(acts);
        self.delivered = last;
    }
}

/// The names the opening gave the parties and the facilitator, by code.
struct PartyNames(Vec<(String, String)>);

impl PartyNames {
    fn of(access: &Access) -> PartyNames {
        let mut names = Vec::new();
        if let Some(NegotiationEvent::NegotiationOpened {
            parties,
            facilitator,
            ..
        }) = access.events.first().map(|e| &e.payload)
        {
            names.extend(
                parties
                    .iter()
                    .map(|Party { code, name, .. }| (code.clone(), name.clone())),
            );
            names.extend(facilitator.iter().map(|f| (f.code.clone(), f.name.clone())));
        }
        PartyNames(names)
    }

    /// The name of `code`, or the code itself for a party the opening does not name.
    fn name(&self, code: &str) -> String {
        self.0
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.to_string(), |(_, name)| name.clone())
    }
}

fn live_act(ui: &Ui, names: &PartyNames, entry: HistoryEntry) -> LiveAct {
    let event = render::event_name(ui, &entry.event);
    let party_name = names.name(&entry.party);
    let mut args = vec![
        ("party", party_name.clone().into()),
        ("actor", entry.actor.clone().into()),
        ("event", event.clone().into()),
    ];
    let text = match &entry.clause_id {
        Some(clause) => {
            args.push(("clause", clause.clone().into()));
            ui.t_with("live-act-on-clause", &args)
        }
        None => ui.t_with("live-act", &args),
    };
    LiveAct {
        sequence: entry.sequence,
        event,
        event_type: entry.event,
        actor: entry.actor,
        party: entry.party,
        party_name,
        clause_id: entry.clause_id,
        summary: entry.summary,
        recorded_at: entry.recorded_at,
        text,
    }
}

/// The region at the top of every page where `live.js` shows the acts recorded since it was
/// loaded; its labels are here, in the reader's language, since the script has none of its own.
pub(super) fn region(ui: &Ui) -> Markup {
    html! {
        section.live-acts aria-live="polite" aria-label=(ui.t("live-region-label"))
            data-just-now=(ui.t("live-just-now"))
            data-reload=(ui.t("live-reload"))
            data-clause-changed=(ui.t("live-clause-changed")) {}
    }
}
