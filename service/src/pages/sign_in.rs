//! Signing in and out: a session of its own for each sign-in, forms guarded against forgery.

use super::*;

/// The sign-in form. Each field defaults to empty, so a form without its CSRF token is refused
/// as such (403 `csrf-token-invalid`), not as malformed.
#[derive(Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    csrf_token: String,
}

/// The sign-out form.
#[derive(Deserialize)]
pub(super) struct LogoutForm {
    #[serde(default)]
    csrf_token: String,
}

/// Why the sign-in form is shown again.
#[derive(Clone, Copy, Debug)]
pub(super) enum SignInProblem {
    /// No person holds the token, or it was revoked.
    UnknownToken,
}

impl SignInProblem {
    /// The message that says it, in `pages.ftl`.
    fn message_id(self) -> &'static str {
        match self {
            SignInProblem::UnknownToken => "sign-in-unknown-token",
        }
    }
}

/// The sign-in page, its form carrying the CSRF token of `sign_in_secret` (the sign-in cookie).
pub(super) fn login_page(ui: &Ui, sign_in_secret: &str, error: Option<SignInProblem>) -> Markup {
    let title = ui.t("sign-in-title");
    layout(
        ui,
        "/login",
        &title,
        None,
        html! {
            h1 { (title) }
            p { (ui.t("sign-in-help")) " " code { "pacta token issue" } }
            @if let Some(error) = error { p.error role="alert" { (ui.t(error.message_id())) } }
            form method="post" action="/login" {
                input type="hidden" name=(CSRF_FIELD) value=(csrf_token(sign_in_secret));
                label for="token" { (ui.t("sign-in-token")) }
                input id="token" name="token" type="password" autocomplete="current-password" required;
                p { button type="submit" { (ui.t("sign-in-button")) } }
            }
        },
    )
}

/// The sign-in cookie the browser holds if it is still fresh, else a new one to set.
pub(super) fn sign_in_secret(headers: &HeaderMap) -> Result<(String, bool), ApiError> {
    match cookie(headers, SIGN_IN_COOKIE).filter(|secret| security::sign_in_secret_is_fresh(secret))
    {
        Some(secret) => Ok((secret, false)),
        None => Ok((security::new_sign_in_secret()?, true)),
    }
}

/// The sign-in page with `status`, setting the sign-in cookie when it is new.
pub(super) fn login_response(
    state: &AppState,
    headers: &HeaderMap,
    status: StatusCode,
    error: Option<SignInProblem>,
) -> Response {
    let (secret, new) = match sign_in_secret(headers) {
        Ok(secret) => secret,
        Err(error) => return PageError(error).into_response(),
    };
    let page = (status, login_page(&Ui::of(headers), &secret, error));
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

pub(super) async fn login_form(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    login_response(&state, &headers, StatusCode::OK, None)
}

/// Signing in: the form must come from this service's own page with its CSRF token, from an
/// address under its failed sign-in limit, with a valid token; then a session of its own starts,
/// and the cookie holds the session's secret, never the token.
pub(super) async fn login(
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
                Some(SignInProblem::UnknownToken),
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
pub(super) async fn logout(
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
