//! The web pages: where a delegate reads the negotiation and acts in it, rendered on the server.
//!
//! Every page needs the session cookie that signing in sets (`security`) and shows exactly what
//! the JSON API would show the same person, in the reader's language (`i18n`: French, Arabic
//! right to left, English). `views` reads; `acts` offers a form for each act the reader's role
//! allows and performs it as the API does (every form carries a CSRF token and is refused from
//! another origin); `live` streams the acts others record while a page is open. Templates are
//! `maud` macros: every value is escaped unless it says otherwise, so a clause text cannot
//! inject markup. No script or style is inline (the Content-Security-Policy forbids both): the
//! stylesheet and two small scripts (`live.js`, `copy.js`; a page works without them) are files
//! under `service/static/`, served from `ASSETS`.

pub mod acts;
pub mod i18n;
pub mod live;
mod render;
mod sign_in;
mod views;

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION, RETRY_AFTER, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::http::{HeaderMap, Uri};
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
use super::auth::{Access, Caller};
use super::error::ApiError;
use super::security::{
    self, check_csrf, check_origin, check_sign_in_form, cookie, csrf_token, ClientAddress,
    CSRF_FIELD, SESSION_COOKIE, SIGN_IN_COOKIE, SIGN_IN_FORM_LIFETIME_MINUTES,
};
use super::AppState;
use i18n::Ui;
use pacta_projections::export::Format;

/// The pages' routes; `router()` merges them with the API's.
pub fn routes() -> Router<Arc<AppState>> {
    Router::new()
        .route("/", get(views::index))
        .route("/login", get(sign_in::login_form).post(sign_in::login))
        .route("/logout", post(sign_in::logout))
        .route("/static/{asset}", get(asset))
        .route("/language/{code}", get(i18n::choose))
        .route(
            "/negotiations/{negotiation}/exports/{format}",
            get(views::export),
        )
        .route("/negotiations/{negotiation}", get(views::draft))
        .route("/negotiations/{negotiation}/acts", post(acts::post_act))
        .route(
            "/negotiations/{negotiation}/minutes",
            post(acts::post_minutes).layer(axum::extract::DefaultBodyLimit::max(
                acts::MAX_MINUTES_FORM_BYTES,
            )),
        )
        .route(
            "/negotiations/{negotiation}/clauses/{clause}",
            get(views::clause_history),
        )
        .route("/negotiations/{negotiation}/redline", get(views::redline))
        .route("/negotiations/{negotiation}/timeline", get(views::timeline))
        .route("/negotiations/{negotiation}/live", get(live::stream))
        .route(
            "/negotiations/{negotiation}/agreement",
            get(views::agreement),
        )
        .route("/negotiations/{negotiation}/matrices", get(views::matrices))
        // Every route above answers its error pages in the reader's language.
        .layer(axum::middleware::from_fn(error_pages_in_readers_language))
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

/// An `ApiError` shown as a page, with the same status and message. The page is rendered in
/// English here, where the reader is not known (`?` converts errors anywhere); the
/// [`error_pages_in_readers_language`] layer renders it again in the reader's language.
pub struct PageError(ApiError);

impl<E: Into<ApiError>> From<E> for PageError {
    fn from(error: E) -> PageError {
        PageError(error.into())
    }
}

/// What an error page says, kept in the response's extensions so that the layer can say it again
/// in the reader's language.
#[derive(Clone, Debug)]
struct ErrorPage {
    status: StatusCode,
    code: String,
    message: String,
}

impl ErrorPage {
    /// The page: its title is the status in the reader's language; the error's own message
    /// stays as the service words it, with its code for whoever looks it up.
    fn render(&self, ui: &Ui) -> Markup {
        let status = self.status.as_u16();
        let title = match ui.try_t(&format!("error-{status}")) {
            Some(name) => format!("{status} {name}"),
            None => ui.t_with("error-title", &[("status", status.into())]),
        };
        let body = html! {
            h1 { (title) }
            p.error role="alert" { (self.message) }
            p { (ui.t("error-code")) " " code { (self.code) } }
            p { a href="/" { (ui.t("error-back")) } }
        };
        layout(ui, "/", &title, None, body)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let ApiError { code, message } = self.0;
        let page = ErrorPage {
            status,
            code: code.as_str().to_string(),
            message,
        };
        if status.is_server_error() {
            tracing::error!(code = %page.code, "{}", page.message);
        }
        let mut response = (status, page.render(&Ui::english())).into_response();
        response.extensions_mut().insert(page);
        response
    }
}

/// Renders the error pages of the routes it wraps in the reader's language (the `Ui` of the
/// request), keeping the status and every other header (a `Retry-After`, a cookie).
async fn error_pages_in_readers_language(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let ui = Ui::of(request.headers());
    let response = next.run(request).await;
    let Some(page) = response.extensions().get::<ErrorPage>().cloned() else {
        return response;
    };
    if ui.code() == Ui::english().code() {
        return response;
    }
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    let body = page.render(&ui).into_string();
    Response::from_parts(parts, axum::body::Body::from(body))
}

type PageResult = Result<Markup, PageError>;

/// A page's own address with its query, where the language switch brings the reader back.
pub(super) fn here(uri: &Uri) -> String {
    uri.path_and_query()
        .map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string())
}

/// The files under `/static/`: name, content type, content. The Content-Security-Policy allows
/// no inline script or style, so whatever a page runs or looks like comes from here.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "pacta.css",
        "text/css; charset=utf-8",
        include_str!("../../static/pacta.css"),
    ),
    (
        "copy.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/copy.js"),
    ),
    (
        "live.js",
        "text/javascript; charset=utf-8",
        include_str!("../../static/live.js"),
    ),
];

/// The scripts every page loads, in this order (each is an entry of `ASSETS`). A page works
/// without them: they add, never replace.
const SCRIPTS: &[&str] = &["copy.js", "live.js"];

async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, content)) => (
            [(CONTENT_TYPE, *content_type), (CACHE_CONTROL, "no-cache")],
            *content,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A page in the reader's language (`ui`): `signed_in` is the reader, whose session's CSRF
/// token the sign-out form carries. `path` is the page's own address, where the language
/// switch comes back to.
pub(super) fn layout(
    ui: &Ui,
    path: &str,
    title: &str,
    signed_in: Option<&Caller>,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(ui.code()) dir=(ui.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Pacta" }
                link rel="stylesheet" href="/static/pacta.css";
                @for script in SCRIPTS { script src={ "/static/" (script) } defer {} }
            }
            body {
                header.site {
                    nav aria-label=(ui.t("site-nav")) {
                        a href="/" { (ui.t("site-name")) }
                        @if signed_in.is_some() {
                            a href="/" { (ui.t("site-negotiations")) }
                        }
                        ul.languages aria-label=(ui.t("site-language")) {
                            @for (code, name) in i18n::INTERFACE_LANGUAGES {
                                li { a href={ "/language/" (code) "?back=" (render::query_value(path)) }
                                    lang=(code) dir=(Ui::new(code).dir())
                                    aria-current=[(code == ui.code()).then_some("true")] { (name) } }
                            }
                        }
                        @if let Some(reader) = signed_in {
                            form method="post" action="/logout" {
                                input type="hidden" name=(CSRF_FIELD) value=(reader.csrf_token.as_deref().unwrap_or(""));
                                button type="submit" { (ui.t("site-sign-out")) }
                            }
                        }
                    }
                }
                main {
                    @if signed_in.is_some() { (live::region(ui)) }
                    (body)
                }
            }
        }
    }
}
