//! The web pages: what a delegate reads in a browser, rendered on the server.
//!
//! Every page is read-only (acts go through the API or the CLI), needs the session cookie that
//! signing in sets (`security`: the only forms, sign-in and sign-out, carry a CSRF token and are
//! refused from another origin), and shows exactly what the JSON API would show the same
//! person. Templates are `maud` macros: every value is escaped unless it says otherwise, so a
//! clause text cannot inject markup. There is no script, and no inline style (the
//! Content-Security-Policy forbids both): one stylesheet, served at `/static/pacta.css`, makes
//! the pages readable on a laptop, a tablet and paper.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, RETRY_AFTER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{html, Markup, DOCTYPE};
use pacta_domain::{ClauseStatus, InstrumentKind, InstrumentStatus, LanguageStatus, Position};
use pacta_projections::{ChangeKind, ClauseChange, Point, WordChange};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::{Deserialize, Serialize};

use super::api::{clause_history_for, DraftQuery, HistoryQuery};
use super::api::{export_document, ExportQuery};
use super::auth::Caller;
use super::error::ApiError;
use super::security::{
    self, check_csrf, check_origin, check_sign_in_form, cookie, csrf_token, ClientAddress,
    CSRF_FIELD, SESSION_COOKIE, SIGN_IN_COOKIE, SIGN_IN_FORM_LIFETIME_MINUTES,
};
use super::AppState;
use pacta_projections::export::Format;

/// The pages' routes; `router()` merges them with the API's.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(index))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/static/pacta.css", get(stylesheet))
        .route("/negotiations/{negotiation}/exports/{format}", get(export))
        .route("/negotiations/{negotiation}", get(draft))
        .route(
            "/negotiations/{negotiation}/clauses/{clause}",
            get(clause_history),
        )
        .route("/negotiations/{negotiation}/redline", get(redline))
        .route("/negotiations/{negotiation}/timeline", get(timeline))
        .route("/negotiations/{negotiation}/agreement", get(agreement))
}

/// A signed-in reader: the session cookie names a session that is neither revoked nor expired
/// (a bearer token is not accepted here). Without one a page sends the browser to the sign-in
/// form rather than answering with the API's JSON error.
pub struct Reader(Caller);

impl FromRequestParts<Arc<AppState>> for Reader {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Reader, Response> {
        match state.session(&parts.headers).await {
            Ok(Some(session)) => Ok(Reader(session.caller)),
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(error) => Err(PageError(error).into_response()),
        }
    }
}

/// An `ApiError` shown as a page, with the same status and message.
pub struct PageError(ApiError);

impl<E: Into<ApiError>> From<E> for PageError {
    fn from(error: E) -> PageError {
        PageError(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let ApiError { code, message } = self.0;
        let code = code.as_str();
        if status.is_server_error() {
            tracing::error!(%code, "{message}");
        }
        let title = format!(
            "{} {}",
            status.as_u16(),
            status.canonical_reason().unwrap_or("Error")
        );
        let body = html! {
            h1 { (title) }
            p.error role="alert" { (message) }
            p { "Code: " code { (code) } }
            p { a href="/" { "Back to your negotiations" } }
        };
        (status, layout(&title, None, body)).into_response()
    }
}

type PageResult = Result<Markup, PageError>;

const STYLESHEET: &str = r#"
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; font: 1rem/1.55 system-ui, "Segoe UI", "Noto Sans", "Noto Sans Arabic", sans-serif;
  color: #1b1b1b; background: #fff; }
header.site { background: #123a5e; color: #fff; }
header.site nav { max-width: 62rem; margin: 0 auto; padding: .6rem 1rem; display: flex;
  flex-wrap: wrap; gap: .4rem 1.2rem; align-items: center; }
header.site a { color: #fff; font-weight: 600; }
header.site form { margin: 0 0 0 auto; }
main { max-width: 62rem; margin: 0 auto; padding: 1rem 1rem 3rem; }
a { color: #0b4f8a; }
a:focus, button:focus, input:focus { outline: 3px solid #e8a317; outline-offset: 2px; }
h1 { font-size: 1.7rem; line-height: 1.25; margin: .8rem 0; }
h2 { font-size: 1.3rem; margin: 1.6rem 0 .4rem; }
h3 { font-size: 1.05rem; margin: 1rem 0 .3rem; }
.meta, .muted { color: #4a4a4a; }
ul.links { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem; }
.clause, .version, .change { border: 1px solid #c9ccd1; border-radius: 6px; padding: .2rem 1rem .8rem;
  margin: 1rem 0; }
.wording { border-inline-start: 4px solid #c9ccd1; margin: .4rem 0; padding: .1rem .9rem; background: #f7f8fa; }
.wording p { margin: .4rem 0; }
[dir="rtl"] { font-size: 1.08em; }
.tag { display: inline-block; border: 1px solid currentColor; border-radius: 4px; padding: 0 .45rem;
  font-size: .85rem; font-weight: 600; white-space: nowrap; }
.tag.agreed, .tag.verified, .tag.yes { color: #14592a; background: #e6f4ea; }
.tag.bracketed, .tag.broken, .tag.no { color: #8a1c1c; background: #fbeaea; }
.tag.proposed, .tag.under-discussion, .tag.agreed-ad-referendum { color: #6b4a00; background: #fdf3dc; }
.tag.withdrawn, .tag.internal { color: #3d3d3d; background: #eee; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0; }
.scroll { overflow-x: auto; }
th, td { border-bottom: 1px solid #d5d8dc; padding: .35rem .5rem; text-align: start; vertical-align: top; }
thead th { background: #eef1f5; }
code { font-size: .9em; overflow-wrap: anywhere; }
del { color: #8a1c1c; background: #fbeaea; }
del + ins { margin-inline-start: .2em; }
code.hash { white-space: nowrap; }
ins { color: #14592a; background: #e6f4ea; }
form.points { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; }
label { display: block; font-weight: 600; }
input[type=text], input[type=password] { font: inherit; padding: .35rem .5rem; border: 1px solid #6b6f75;
  border-radius: 4px; min-width: 14rem; max-width: 100%; }
button { font: inherit; padding: .35rem .9rem; border: 1px solid #123a5e; border-radius: 4px;
  background: #123a5e; color: #fff; cursor: pointer; }
header.site button { background: transparent; border-color: #fff; }
.error { color: #8a1c1c; font-weight: 600; }
dl.agreement { display: grid; grid-template-columns: max-content 1fr; gap: .3rem 1.2rem; }
dl.agreement dt { font-weight: 600; }
dl.agreement dd { margin: 0; }
@media (max-width: 40rem) { body { font-size: .95rem; } th, td { padding: .3rem; } }
@media print {
  header.site, nav, form, .no-print { display: none !important; }
  main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  .clause, .version, .change { break-inside: avoid; }
}
"#;

/// The stylesheet every page links to (the Content-Security-Policy allows no inline style).
async fn stylesheet() -> Response {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "no-cache"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// A page: `signed_in` is the reader, whose session's CSRF token the sign-out form carries.
fn layout(title: &str, signed_in: Option<&Caller>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" dir="ltr" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Pacta" }
                link rel="stylesheet" href="/static/pacta.css";
            }
            body {
                header.site {
                    nav aria-label="Site" {
                        a href="/" { "Pacta" }
                        @if let Some(reader) = signed_in {
                            a href="/" { "Negotiations" }
                            form method="post" action="/logout" {
                                input type="hidden" name=(CSRF_FIELD) value=(reader.csrf_token.as_deref().unwrap_or(""));
                                button type="submit" { "Sign out" }
                            }
                        }
                    }
                }
                main { (body) }
            }
        }
    }
}

/// Right-to-left for the scripts of the languages a negotiation may use.
fn direction(language: &str) -> &'static str {
    let primary = language.split('-').next().unwrap_or_default();
    match primary.to_ascii_lowercase().as_str() {
        "ar" | "he" | "fa" | "ur" | "ps" | "dv" | "yi" => "rtl",
        _ => "ltr",
    }
}

/// The kebab-case name serde gives a unit variant ("under-discussion").
fn kebab<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

fn words(kebab_name: &str) -> String {
    kebab_name.replace('-', " ")
}

fn clause_status_tag(status: ClauseStatus) -> Markup {
    let name = kebab(&status);
    html! { span class={ "tag " (name) } { (words(&name)) } }
}

/// The status as the agreement's page says it: a non-binding instrument "takes effect", never
/// "in force".
fn agreement_status(
    agreement: &pacta_projections::AgreementState,
    status: &InstrumentStatus,
) -> String {
    match status {
        InstrumentStatus::InForce { .. } => agreement.status_in_words(status),
        other => instrument_status(other),
    }
}

fn instrument_status(status: &InstrumentStatus) -> String {
    match status {
        InstrumentStatus::Negotiating => "negotiating".into(),
        InstrumentStatus::TextAdopted => "text adopted".into(),
        InstrumentStatus::Authenticated => "authenticated".into(),
        InstrumentStatus::InForce { on } => format!("in force since {on}"),
        InstrumentStatus::Abandoned => "abandoned".into(),
    }
}

fn position_text(position: &Position) -> String {
    match position {
        Position::Accept => "accepts".into(),
        Position::Reject => "rejects".into(),
        Position::Reserve => "reserves its position".into(),
        Position::Alternative { label } => format!("prefers alternative {label}"),
    }
}

/// A text with its language and direction, so screen readers and the browser's layout treat
/// Arabic as Arabic, right to left.
fn wording(language: &str, heading: &str, text: &str) -> Markup {
    html! {
        div.wording lang=(language) dir=(direction(language)) {
            @if !heading.is_empty() { p { strong { (heading) } } }
            @for paragraph in text.split("\n\n") { p { (paragraph) } }
        }
    }
}

fn word_changes(changes: &[WordChange]) -> Markup {
    // A rewritten phrase reads as one deletion then one insertion, not word by word alternately.
    let changes = pacta_projections::phrases(changes);
    html! {
        @for change in &changes {
            @match change.kind {
                ChangeKind::Unchanged => (change.text),
                ChangeKind::Inserted => ins { (change.text) },
                ChangeKind::Deleted => del { (change.text) },
            }
        }
    }
}

fn redlined(language: &str, heading: &[WordChange], text: &[WordChange]) -> Markup {
    html! {
        div.wording.redline lang=(language) dir=(direction(language)) {
            @if !heading.is_empty() { p { strong { (word_changes(heading)) } } }
            p { (word_changes(text)) }
        }
    }
}

/// When an act took place and, where a reader could take one for the other, when it was
/// recorded: a day stated by the act (a round's acts typed up afterwards) or a place is shown
/// first, with the recording time beside it; an act recorded the day it took place shows only
/// its recording time, as before acts carried dates.
fn took_place(took_place_on: &str, took_place_in: Option<&str>, recorded_at: &str) -> Markup {
    let recorded_on = chrono::DateTime::parse_from_rfc3339(recorded_at)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc).date_naive().to_string());
    let stated_day = (!took_place_on.is_empty() && recorded_on.as_deref() != Some(took_place_on))
        .then_some(took_place_on);
    if stated_day.is_none() && took_place_in.is_none() {
        return when(recorded_at);
    }
    let day = stated_day
        .or(recorded_on.as_deref())
        .unwrap_or(took_place_on);
    html! {
        span.took-place { time datetime=(day) { (day) } @if let Some(place) = took_place_in { ", " (place) } }
        br; span.muted { "recorded " (when(recorded_at)) }
    }
}

/// A recorded time to the minute, with the exact instant in the markup for those who need it.
fn when(recorded_at: &str) -> Markup {
    let shown = chrono::DateTime::parse_from_rfc3339(recorded_at)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| recorded_at.to_string());
    html! { time datetime=(recorded_at) title=(recorded_at) { (shown) } }
}

fn clause_counts(counts: &pacta_projections::ClauseCounts) -> String {
    let parts: Vec<String> = [
        (counts.agreed, "agreed"),
        (counts.agreed_ad_referendum, "agreed ad referendum"),
        (counts.bracketed, "bracketed"),
        (counts.under_discussion, "under discussion"),
        (counts.proposed, "proposed"),
        (counts.withdrawn, "withdrawn"),
    ]
    .iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, name)| format!("{count} {name}"))
    .collect();
    format!("{} in all: {}", counts.total, parts.join(", "))
}

fn kind_name(kind: InstrumentKind) -> &'static str {
    match kind {
        InstrumentKind::Treaty => "treaty",
        InstrumentKind::Agreement => "agreement",
        InstrumentKind::Mou => "memorandum of understanding",
        InstrumentKind::ExchangeOfNotes => "exchange of notes",
    }
}

/// RFC 3986's unreserved characters: every other byte is percent-encoded in a query value.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

fn negotiation_links(negotiation: &str) -> Markup {
    html! {
        nav aria-label="This negotiation" {
            ul.links {
                li { a href={ "/negotiations/" (negotiation) } { "Draft" } }
                li { a href={ "/negotiations/" (negotiation) "/timeline" } { "Timeline" } }
                li { a href={ "/negotiations/" (negotiation) "/agreement" } { "Agreement" } }
                li { a href={ "/negotiations/" (negotiation) "/redline" } { "Redline between rounds" } }
            }
        }
    }
}

/// The sign-in form. Each field defaults to empty, so a form without its CSRF token is refused
/// as such (403 `csrf-token-invalid`), not as malformed.
#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    csrf_token: String,
}

/// The sign-out form.
#[derive(Deserialize)]
struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

/// The sign-in page, its form carrying the CSRF token of `sign_in_secret` (the sign-in cookie).
fn login_page(sign_in_secret: &str, error: Option<&str>) -> Markup {
    layout(
        "Sign in",
        None,
        html! {
            h1 { "Sign in" }
            p { "Paste the token your secretariat issued to you (" code { "pacta token issue" } ")." }
            @if let Some(error) = error { p.error role="alert" { (error) } }
            form method="post" action="/login" {
                input type="hidden" name=(CSRF_FIELD) value=(csrf_token(sign_in_secret));
                label for="token" { "Token" }
                input id="token" name="token" type="password" autocomplete="current-password" required;
                p { button type="submit" { "Sign in" } }
            }
        },
    )
}

/// The sign-in cookie the browser holds if it is still fresh, else a new one to set.
fn sign_in_secret(headers: &HeaderMap) -> Result<(String, bool), ApiError> {
    match cookie(headers, SIGN_IN_COOKIE).filter(|secret| security::sign_in_secret_is_fresh(secret))
    {
        Some(secret) => Ok((secret, false)),
        None => Ok((security::new_sign_in_secret()?, true)),
    }
}

/// The sign-in page with `status`, setting the sign-in cookie when it is new.
fn login_response(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let (secret, new) = match sign_in_secret(headers) {
        Ok(secret) => secret,
        Err(error) => return PageError(error).into_response(),
    };
    let page = (status, login_page(&secret, error));
    if !new {
        return page.into_response();
    }
    let cookie = security::set_cookie(
        SIGN_IN_COOKIE,
        &secret,
        "/login",
        SIGN_IN_FORM_LIFETIME_MINUTES * 60,
        security::over_https(headers, &state.sessions),
    );
    ([(SET_COOKIE, cookie)], page).into_response()
}

async fn login_form(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    login_response(&state, &headers, StatusCode::OK, None)
}

/// Signing in: the form must come from this service's own page with its CSRF token, from an
/// address under its failed sign-in limit, with a valid token; then a session of its own starts,
/// and the cookie holds the session's secret, never the token.
async fn login(
    State(state): State<Arc<AppState>>,
    client: Option<axum::Extension<ClientAddress>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let settings = state.sessions;
    if let Err(refused) = check_origin(&headers, &settings)
        .and_then(|()| check_sign_in_form(&headers, &form.csrf_token))
    {
        return PageError(refused).into_response();
    }
    let address = security::client_ip(&headers, client.map(|c| c.0), &settings);
    let max_failures = settings.max_failed_sign_ins_per_minute;
    if let Err(retry_after_seconds) = state.sign_ins.check(address, max_failures) {
        let refused = security::too_many_sign_ins(retry_after_seconds, max_failures);
        return (
            [(RETRY_AFTER, retry_after_seconds.to_string())],
            PageError(refused),
        )
            .into_response();
    }
    let person = match state.database.person_of_token(form.token.trim()).await {
        Ok(Some(person)) => person,
        Ok(None) => {
            state.sign_ins.record_failure(address);
            return login_response(
                &state,
                &headers,
                StatusCode::UNAUTHORIZED,
                Some("This token is unknown or has been revoked; ask for a new one."),
            );
        }
        Err(error) => return PageError::from(error).into_response(),
    };
    let now = chrono::Utc::now();
    let expires_at = now
        + chrono::Duration::from_std(settings.session_lifetime).unwrap_or(chrono::Duration::MAX);
    let rfc3339 =
        |t: chrono::DateTime<chrono::Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let session = match state
        .database
        .issue_session(&person, "web sign-in", &rfc3339(now), &rfc3339(expires_at))
        .await
    {
        Ok(session) => session,
        Err(error) => return PageError::from(error).into_response(),
    };
    let secure = security::over_https(&headers, &settings);
    let lifetime_seconds = settings.session_lifetime.as_secs();
    let mut response = (StatusCode::SEE_OTHER, [(LOCATION, "/")]).into_response();
    for cookie in [
        security::set_cookie(
            SESSION_COOKIE,
            &session.token,
            "/",
            lifetime_seconds,
            secure,
        ),
        // The sign-in form's secret has served: a new form gets a new one.
        security::set_cookie(SIGN_IN_COOKIE, "", "/login", 0, secure),
    ] {
        if let Ok(value) = cookie.parse() {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}

/// Signing out revokes the session (`pacta token list` shows when) and clears the cookie. The
/// form must come from this service's page with the session's CSRF token, so another site
/// cannot sign a reader out.
async fn logout(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    form: Result<Form<LogoutForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let settings = state.sessions;
    if let Err(refused) = check_origin(&headers, &settings) {
        return PageError(refused).into_response();
    }
    let sent = form.map(|Form(form)| form.csrf_token).unwrap_or_default();
    let session = match state.session(&headers).await {
        Ok(session) => session,
        Err(error) => return PageError(error).into_response(),
    };
    if let Some(session) = session {
        let secret = cookie(&headers, SESSION_COOKIE).unwrap_or_default();
        if let Err(refused) = check_csrf(&secret, &sent) {
            return PageError(refused).into_response();
        }
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        if let Err(error) = state.database.revoke_token(&session.token_id, &now).await {
            return PageError::from(error).into_response();
        }
    }
    let secure = security::over_https(&headers, &settings);
    (
        StatusCode::SEE_OTHER,
        [
            (
                SET_COOKIE,
                security::set_cookie(SESSION_COOKIE, "", "/", 0, secure),
            ),
            (LOCATION, "/login".to_string()),
        ],
    )
        .into_response()
}

/// A document of the text, as the API's export gives it, for a signed-in reader (the pages'
/// download links: the API takes no cookie).
async fn export(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    Path((negotiation, format)): Path<(String, String)>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let Query(query) = query?;
    Ok(export_document(&state, &caller, &negotiation, &format, query).await?)
}

async fn index(State(state): State<Arc<AppState>>, Reader(caller): Reader) -> PageResult {
    let negotiations = state.readable_negotiations(&caller).await?;
    Ok(layout(
        "Negotiations",
        Some(&caller),
        html! {
            h1 { "Your negotiations" }
            p.meta { "Signed in as " strong { (caller.person) } "." }
            @if negotiations.is_empty() {
                p { "You are not accredited in any negotiation yet." }
            } @else {
                (table(&["Negotiation", "Kind", "Status", "Clauses", "Last activity", "Views"], html! {
                    @for (entry, reader) in &negotiations {
                        @let id = &entry.negotiation_id;
                        tr.negotiation data-negotiation=(id) {
                            th scope="row" {
                                a href={ "/negotiations/" (id) } { (entry.title) }
                                br; code { (id) } " · " (entry.parties.join(", "))
                            }
                            td { (kind_name(entry.instrument_kind)) }
                            td { (if entry.legally_binding == Some(false) { entry.status_in_words() } else { instrument_status(&entry.status) })
                                @if entry.revision > 0 { br; "revision " (entry.revision) }
                                @if entry.awaiting_acceptance.contains(&reader.party) {
                                    br; strong.awaiting { "awaiting your acceptance" }
                                } @else if !entry.awaiting_acceptance.is_empty() {
                                    br; "awaiting acceptance by " (entry.awaiting_acceptance.join(", "))
                                } }
                            td {
                                (clause_counts(&entry.clauses))
                            }
                            td { (when(&entry.last_recorded_at)) br; "event #" (entry.last_sequence) }
                            td {
                                a href={ "/negotiations/" (id) "/timeline" } { "timeline" } ", "
                                a href={ "/negotiations/" (id) "/agreement" } { "agreement" }
                            }
                        }
                    }
                }))
            }
        },
    ))
}

async fn draft(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    Path(negotiation): Path<String>,
    query: Result<Query<DraftQuery>, QueryRejection>,
) -> PageResult {
    let Query(query) = query?;
    // The form below sends an empty field for "now".
    let query = DraftQuery {
        at: query.at.filter(|at| !at.trim().is_empty()),
        revision: query.revision,
    };
    let access = state.access(&caller, &negotiation).await?.verified()?;
    let draft = state.draft(&negotiation, &access, &query).await?;
    // The downloads are of the text shown.
    let point_query = match (&query.at, query.revision) {
        (Some(at), _) => format!("?at={}", query_value(at)),
        (None, Some(revision)) => format!("?revision={revision}"),
        (None, None) => String::new(),
    };
    let body = html! {
        h1 { (draft.title) }
        p.meta {
            (kind_name(draft.instrument_kind)) " · revision " (draft.revision)
            " · as of event #" (draft.as_of_sequence)
            " · parties: " (draft.parties.iter().map(|p| format!("{} ({})", p.name, p.code)).collect::<Vec<_>>().join(", "))
            " · you read as " (access.reader.person) " for " (access.party())
        }
        (negotiation_links(&negotiation))
        @if let Some(at) = &query.at {
            p.note { "This is the draft as it stood at " strong { (at) } ". "
                a href={ "/negotiations/" (negotiation) } { "See the draft now." } }
        }
        form.points method="get" {
            div { label for="at" { "Draft at a point" }
                input #at name="at" type="text" value=(query.at.as_deref().unwrap_or(""))
                    placeholder="42, 2026-03-05, round:ID"; }
            div { button type="submit" { "Show" } }
        }
        section.no-print aria-labelledby="downloads" {
            h2 #downloads { "Download the text" }
            ul.links {
                @for format in Format::ALL {
                    li { a href={ "/negotiations/" (negotiation) "/exports/" (format.name()) (point_query) }
                        download { (format.name()) } }
                }
            }
        }
        h2 { "Clauses" }
        @for warning in &draft.warnings { p.warning role="note" { "Warning: " (warning) } }
        @for clause in &draft.clauses {
            article.clause id={ "clause-" (clause.clause_id) } data-status=(kebab(&clause.status))
                aria-labelledby={ "heading-" (clause.clause_id) } {
                h3 id={ "heading-" (clause.clause_id) } { (clause.label) @if !clause.heading.is_empty() { ": " } span lang=(clause.language) dir=(direction(&clause.language)) { (clause.heading) } }
                p.meta {
                    "Status: " (clause_status_tag(clause.status))
                    " · " (clause.attribution())
                    @if !clause.agreed_by.is_empty() { " · agreed by " (clause.agreed_by.join(", ")) }
                    " · " a href={ "/negotiations/" (negotiation) "/clauses/" (clause.clause_id) } { "history of this clause" }
                }
                @for version in &clause.languages {
                    p.muted { (version.language) " — " (words(&kebab(&version.status)))
                        @if let Some(label) = clause.labels.get(&version.language) { " — " (label) } }
                    @if version.status == LanguageStatus::Missing {
                        p.muted { "No version in this language yet." }
                    } @else {
                        (wording(&version.language, &version.heading,
                            &draft.rendered_text(clause, &version.text, &version.language)))
                    }
                }
                @if !clause.alternatives.is_empty() {
                    p { strong { "Bracketed alternatives" } }
                    ul {
                        @for alternative in &clause.alternatives {
                            li.alternative data-label=(alternative.label) {
                                "[" (alternative.label) "] proposed by " (alternative.proposed_by)
                                (wording(&alternative.language, &alternative.heading, &alternative.text))
                            }
                        }
                    }
                    @if let Some(choice) = &clause.proposed_choice { p.choice { (choice.summary()) } }
                }
                @if !clause.positions.is_empty() {
                    p { strong { "Positions" } }
                    ul {
                        @for position in &clause.positions {
                            li.position data-party=(position.party) data-position=(kebab_position(&position.position)) {
                                strong { (position.party) } " " (position_text(&position.position))
                                @if !position.rationale.is_empty() { ": " span.rationale { (position.rationale) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(&draft.title, Some(&caller), body))
}

fn kebab_position(position: &Position) -> String {
    match position {
        Position::Alternative { label } => format!("alternative:{label}"),
        other => {
            let value = serde_json::to_value(other).unwrap_or_default();
            value["position"].as_str().unwrap_or_default().to_string()
        }
    }
}

async fn clause_history(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    Path((negotiation, clause)): Path<(String, String)>,
) -> PageResult {
    let access = state.access(&caller, &negotiation).await?.verified()?;
    let history = clause_history_for(&negotiation, &access, &clause)?;
    let title = format!("History of {clause}");
    let body = html! {
        h1 { "History of " code { (clause) } }
        p.meta { (words(&kebab(&history.kind))) " · " (history.versions.len()) " wordings · "
            (history.acts.len()) " acts" }
        (negotiation_links(&negotiation))
        h2 { "Wordings" }
        @for version in &history.versions {
            article.version id={ "version-" (version.sequence) } data-kind=(kebab(&version.kind)) {
                h3 { "#" (version.sequence) " " (words(&kebab(&version.kind)))
                    @if let Some(label) = &version.label { " [" (label) "]" } }
                p.meta {
                    "By " (version.actor) " for " (version.party)
                    " · wording of " (version.proposed_by)
                    " · " (took_place(&version.took_place_on, version.took_place_in.as_deref(), &version.recorded_at))
                    @if let Some(round) = &version.round { " · round " (round) }
                    " · revision " (version.revision)
                    " · language " (version.language)
                }
                @if let Some(why) = &version.why { p { "Why: " (why) } }
                (redlined(&version.language, &version.heading_changes, &version.text_changes))
            }
        }
        h2 { "Acts on this clause" }
        (table(&["#", "When", "Who", "Round", "What", "Why"], html! {
            @for act in &history.acts {
                tr.act data-sequence=(act.sequence) {
                    th scope="row" { (act.sequence) }
                    td { (took_place(&act.took_place_on, act.took_place_in.as_deref(), &act.recorded_at)) }
                    td { (act.actor) " (" (act.party) ")" }
                    td { (act.round.as_deref().unwrap_or("—")) }
                    td { (act.summary)
                        @if let Some(party) = &act.internal_to { " " span.tag.internal { "internal to " (party) } } }
                    td { (act.why.as_deref().unwrap_or("")) }
                }
            }
        }))
    };
    Ok(layout(&title, Some(&caller), body))
}

#[derive(Debug, Default, Deserialize)]
struct RedlinePoints {
    from: Option<String>,
    to: Option<String>,
}

async fn redline(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    Path(negotiation): Path<String>,
    query: Result<Query<RedlinePoints>, QueryRejection>,
) -> PageResult {
    let Query(query) = query?;
    let access = state.access(&caller, &negotiation).await?.verified()?;
    // Rounds in the order they first appear: the natural points to compare.
    let mut rounds: Vec<String> = Vec::new();
    for entry in pacta_projections::history(&access.events) {
        if let Some(round) = entry.round.filter(|r| !rounds.contains(r)) {
            rounds.push(round);
        }
    }
    let last = access.events.last().map_or(0, |e| e.sequence);
    let default_from = rounds
        .first()
        .map_or("1".to_string(), |r| format!("round:{r}"));
    let default_to = rounds
        .last()
        .map_or(last.to_string(), |r| format!("round:{r}"));
    let from_text = query
        .from
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(default_from);
    let to_text = query
        .to
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(default_to);
    let (from, to): (Point, Point) = (from_text.trim().parse()?, to_text.trim().parse()?);
    let redline = pacta_projections::redline(&access.events, &from, &to)?;
    // A renumbered or moved clause is shown even when its wording is unchanged.
    let changed: Vec<_> = redline
        .clauses
        .iter()
        .filter(|c| c.change != ClauseChange::Unchanged || !c.notes.is_empty())
        .collect();
    let body = html! {
        h1 { "Redline" }
        (negotiation_links(&negotiation))
        form.points method="get" {
            div { label for="from" { "From" } input #from name="from" type="text" value=(from_text); }
            div { label for="to" { "To" } input #to name="to" type="text" value=(to_text); }
            div { button type="submit" { "Compare" } }
        }
        p.muted { "A point is an event number (42), a date (2026-03-05), round:ID or revision:N."
            @if !rounds.is_empty() { " Rounds: " (rounds.join(", ")) "." } }
        p.meta { "From event #" (redline.from.as_of_sequence) " (revision " (redline.from.revision) ", "
            (when(&redline.from.recorded_at)) ") to event #" (redline.to.as_of_sequence) " (revision "
            (redline.to.revision) ", " (when(&redline.to.recorded_at)) "): "
            (changed.len()) " of " (redline.clauses.len()) " clauses changed." }
        @for clause in &changed {
            section.change id={ "change-" (clause.clause_id) } data-change=(kebab(&clause.change)) {
                h2 { (clause.label) " " code { (clause.clause_id) } " — " (words(&kebab(&clause.change))) }
                @for note in &clause.notes { p.meta.structure-note { (note) } }
                (redlined(&clause.language, &clause.heading, &clause.text))
                @if !clause.changed_by.is_empty() {
                    ul {
                        @for author in &clause.changed_by {
                            li { "#" (author.sequence) " " (author.event) " by " (author.actor)
                                " for " (author.party) " (wording of " (author.proposed_by) ") · "
                                (took_place(&author.took_place_on, None, &author.recorded_at)) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout("Redline", Some(&caller), body))
}

async fn timeline(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    Path(negotiation): Path<String>,
) -> PageResult {
    let access = state.access(&caller, &negotiation).await?;
    let timeline = state
        .timeline(&negotiation, &access, HistoryQuery::default())
        .await?;
    let chain = &timeline.chain;
    let body = html! {
        h1 { "Timeline" }
        (negotiation_links(&negotiation))
        @if chain.verified {
            p.chain data-verified="true" { span.tag.verified { "verified" } " The hash chain verifies: all "
                (chain.verified_events) " events are as recorded." }
        } @else {
            p.chain data-verified="false" role="alert" { span.tag.broken { "broken" } " The hash chain breaks at event #"
                (chain.broken_at.map(|s| s.to_string()).unwrap_or_default()) ": "
                (chain.problem.as_deref().unwrap_or("")) ". Only the first "
                (chain.verified_events) " events are vouched for." }
        }
        (table(&["#", "When", "Who", "Round", "What", "Hash", "Chain"], html! {
            @for item in &timeline.entries {
                @let entry = &item.entry;
                tr.event data-sequence=(entry.sequence) data-verified=(item.verified) {
                    th scope="row" { (entry.sequence) }
                    td { (took_place(&entry.took_place_on, entry.took_place_in.as_deref(), &entry.recorded_at)) }
                    td { (entry.actor) " (" (entry.party) ", " (words(&entry.role)) ")" }
                    td { (entry.round.as_deref().unwrap_or("—")) }
                    td { (entry.summary)
                        @if let Some(party) = &entry.internal_to { " " span.tag.internal { "internal to " (party) } } }
                    td { code.hash title=(entry.hash) { (short_hash(&entry.hash)) "…" } }
                    td { @if item.verified { span.tag.verified { "verified" } } @else { span.tag.broken { "broken" } } }
                }
            }
        }))
    };
    Ok(layout("Timeline", Some(&caller), body))
}

/// A table that scrolls on a narrow screen: these column headings over `rows`.
fn table(columns: &[&str], rows: Markup) -> Markup {
    html! {
        div.scroll { table {
            thead { tr { @for column in columns { th scope="col" { (column) } } } }
            tbody { (rows) }
        } }
    }
}

fn yes_no(value: bool) -> Markup {
    html! { @if value { span.tag.yes { "yes" } } @else { span.tag.no { "no" } } }
}

async fn agreement(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    Path(negotiation): Path<String>,
) -> PageResult {
    let access = state.access(&caller, &negotiation).await?.verified()?;
    let agreement = pacta_projections::agreement_state(&negotiation, &access.events, None);
    // A non-binding instrument is signed and takes effect: no "consent to be bound", no "in force".
    let non_binding = agreement.is_non_binding();
    let (consent_heading, in_force_from, in_force_until) = if non_binding {
        ("Consent", "In effect from", "In effect until")
    } else {
        ("Consent to be bound", "In force from", "In force until")
    };
    let body = html! {
        h1 { "Agreement: " (agreement.title) }
        (negotiation_links(&negotiation))
        dl.agreement {
            dt { "Status" } dd #status { (agreement_status(&agreement, &agreement.status)) }
            @if let Some(intent) = agreement.legal_effect_in_words() { dt { "Legal effect" } dd #legal-effect { (intent) } }
            @if let Some(registration) = &agreement.registration { dt { "Registration" } dd #registration { (registration) } }
            dt { "Revision" } dd { (agreement.revision) " (" (agreement_status(&agreement, &agreement.revision_status)) ")" }
            dt { "Text root" } dd { code #text-root { (agreement.text_root_hash) } }
            @if non_binding {
                dt { "Takes effect" } dd { (agreement.entry_into_force.map(|d| d.to_string()).unwrap_or_else(|| "not yet".into())) }
            } @else {
                dt { "Entry into force" } dd { (agreement.entry_into_force.map(|d| d.to_string()).unwrap_or_else(|| "not yet".into())) }
            }
            @if let Some((_, rule)) = agreement.entry_into_force_in_words() {
                dt { (if non_binding { "Takes effect by its rule" } else { "Enters into force" }) } dd #entry-into-force-rule { (rule) }
            }
            @for line in agreement.notes_in_words() { dt { "Exchange of notes" } dd.note { (line) } }
            @if let Some((party, since)) = &agreement.suspended { dt { "Suspended" } dd { "by " (party) " since " (since) } }
            @if let Some(on) = agreement.terminates_on { dt { "Terminates on" } dd { (on) } }
        }
        h2 { "Parties" }
        (table(&["Party", "Adopted the text", "Signature", consent_heading], html! {
            @for party in &agreement.parties {
                tr.party data-party=(party.code) {
                    th scope="row" {
                        (party.name) " (" (party.code)
                        @if !party.kind.is_state() { ", " (party.kind) }
                        ")"
                    }
                    td { (yes_no(party.adopted)) }
                    td {
                        @if let Some(signature) = &party.signature {
                            (signature.signatory)
                            @if let Some(title) = &signature.signatory_title { " (" span.signatory-title { (title) } ")" }
                            @if !non_binding { ", " (words(&kebab(&signature.capacity))) }
                            ", on " (signature.signed_on)
                            @if let Some(confirmed) = signature.confirmed_on { ", confirmed " (confirmed) }
                        } @else { "not signed" }
                        @for examined in &party.full_powers_examined { br; span.full-powers { (examined.in_words()) } }
                    }
                    td {
                        @if let Some(consent) = &party.consent {
                            (agreement.consent_in_words(consent))
                        } @else if non_binding { "none: not binding" } @else { "not yet" }
                        @if let Some(from) = party.provisionally_applied_from { br; "applied provisionally from " (from) }
                    }
                }
            }
        }))
        h2 { "Revisions" }
        (table(&["Revision", "Text root", in_force_from, in_force_until], html! {
            @for period in &agreement.revisions {
                tr.revision data-revision=(period.revision) {
                    th scope="row" { (period.revision) }
                    td { code.hash title=(period.text_root_hash) { (short_hash(&period.text_root_hash)) "…" } }
                    td { (period.in_force_from.map(|d| d.to_string()).unwrap_or_else(|| "—".into())) }
                    td { (period.in_force_until.map(|d| d.to_string()).unwrap_or_else(|| "—".into())) }
                }
            }
        }))
    };
    Ok(layout(&agreement.title, Some(&caller), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_keep_only_unreserved_characters() {
        assert_eq!(query_value("round:round-1"), "round%3Around-1");
        assert_eq!(query_value("2026-05-28"), "2026-05-28");
        assert_eq!(query_value("a b&c=d~e_f.g"), "a%20b%26c%3Dd~e_f.g");
        assert_eq!(query_value("é"), "%C3%A9");
    }
}
