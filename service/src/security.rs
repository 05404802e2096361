//! The security of the web pages' forms and sessions: the session and sign-in cookies, the CSRF
//! tokens every form carries, the `Origin` check on every POST, the sign-in rate limit and the
//! headers every response carries.
//!
//! - Signing in with a token starts a **session** of its own (`Database::issue_session`): a new
//!   random secret, kept only as its SHA-256, that acts as the token's person for a fixed
//!   `SESSION_LIFETIME_MINUTES` from the sign-in (not extended by use), until signing out revokes
//!   it. The pages accept only the session cookie; the JSON API only `Authorization: Bearer`.
//! - Every form that changes something (sign-in, sign-out, every act) carries a **CSRF token** derived from
//!   a secret the browser holds in an HttpOnly cookie: the session's secret once signed in, a
//!   short-lived sign-in form secret (`SIGN_IN_COOKIE`) before. Another site can make a browser
//!   send the cookie (not with SameSite=Strict, but older browsers ignore it) yet cannot read the
//!   form, so it cannot send the token. Every POST is also refused unless its `Origin` (or,
//!   without one, its `Referer`) is the service's own.
//! - A client address that fails to sign in `MAX_FAILED_SIGN_INS_PER_MINUTE` times is refused
//!   (`429 too-many-sign-ins`, with `Retry-After`) until its minute is over.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, COOKIE, HOST, ORIGIN, REFERER, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderValue};
use axum::Router;
use base64::Engine;
use sha2::{Digest, Sha256};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tower_http::set_header::SetResponseHeaderLayer;

use super::error::{ApiError, ServiceCode};

/// How long a web-page session lasts from its sign-in: a fixed working day, not extended by use,
/// so a session left open on a shared machine ends on its own.
pub const SESSION_LIFETIME_MINUTES: u64 = 8 * 60;
/// How long a sign-in form may be left open before it must be reloaded: its CSRF token's life.
pub const SIGN_IN_FORM_LIFETIME_MINUTES: u64 = 30;
/// Failed sign-ins a client address may make in one fixed minute; the next attempt in that
/// minute is refused (429) whatever the token, so tokens cannot be guessed at speed.
pub const MAX_FAILED_SIGN_INS_PER_MINUTE: u32 = 10;
/// The window the failed sign-ins are counted in.
pub const SIGN_IN_WINDOW_SECONDS: u64 = 60;
/// Client addresses the rate limiter remembers at once; beyond, addresses whose window is over
/// are forgotten first, so a flood of addresses cannot grow memory without bound.
pub const MAX_TRACKED_SIGN_IN_ADDRESSES: usize = 10_000;

/// The session cookie: the session's secret (never a token), HttpOnly, SameSite=Strict.
pub const SESSION_COOKIE: &str = "pacta_session";
/// The sign-in form's cookie: `{issued, seconds since the Unix epoch}.{random}`, the secret the
/// sign-in form's CSRF token is derived from. Only sent to `/login`.
pub const SIGN_IN_COOKIE: &str = "pacta_sign_in";
/// The form field every state-changing form carries its CSRF token in.
pub const CSRF_FIELD: &str = "csrf_token";

/// The Content-Security-Policy of every response: no inline script or style, nothing from
/// another origin, no framing, forms only to this service.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self'; object-src 'none'; frame-ancestors 'none'; \
     form-action 'self'; base-uri 'none'";
/// `same-origin`: other sites are sent no referrer at all (a page's address names the
/// negotiation), while the service's own forms still carry an `Origin` the CSRF check reads
/// (`no-referrer` would make browsers send `Origin: null`).
pub const REFERRER_POLICY_VALUE: &str = "same-origin";

/// How the service's sessions and sign-in are set up; `Default` is what `pacta serve` uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionSettings {
    /// How long a session lasts from its sign-in (`SESSION_LIFETIME_MINUTES`).
    pub session_lifetime: Duration,
    /// `pacta serve --behind-tls-proxy`: the service is reached only through a TLS-terminating
    /// proxy, whose `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-For` are trusted.
    pub behind_tls_proxy: bool,
    /// `MAX_FAILED_SIGN_INS_PER_MINUTE`.
    pub max_failed_sign_ins_per_minute: u32,
}

impl Default for SessionSettings {
    fn default() -> SessionSettings {
        SessionSettings {
            session_lifetime: Duration::from_secs(SESSION_LIFETIME_MINUTES * 60),
            behind_tls_proxy: false,
            max_failed_sign_ins_per_minute: MAX_FAILED_SIGN_INS_PER_MINUTE,
        }
    }
}

/// The address of the connection a request came on, put in its extensions by the accept loop.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddress(pub SocketAddr);

/// The value of cookie `name` in the request, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|cookie| cookie.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, on `path`, `Secure` when the request came
/// over HTTPS; `max_age_seconds` 0 deletes the cookie.
pub fn set_cookie(
    name: &str,
    value: &str,
    path: &str,
    max_age_seconds: u64,
    secure: bool,
) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!(
        "{name}={value}; HttpOnly; SameSite=Strict; Path={path}; Max-Age={max_age_seconds}{secure}"
    )
}

/// A `Set-Cookie` value for a preference that grants nothing (the interface language):
/// `SameSite=Lax`, so it also applies when a reader arrives by a link from elsewhere (an
/// e-mail), where a Strict cookie would not be sent.
pub fn set_preference_cookie(
    name: &str,
    value: &str,
    max_age_seconds: u64,
    secure: bool,
) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age_seconds}{secure}")
}

fn trusted_forwarded<'a>(
    headers: &'a HeaderMap,
    name: &str,
    settings: &SessionSettings,
) -> Option<&'a str> {
    if !settings.behind_tls_proxy {
        return None;
    }
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// True when the browser reached the service over HTTPS: only ever through a TLS proxy the
/// operator vouches for (the service itself speaks plain HTTP).
pub fn over_https(headers: &HeaderMap, settings: &SessionSettings) -> bool {
    trusted_forwarded(headers, "x-forwarded-proto", settings)
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// The service's own origin as the browser sees it: scheme and host (from `X-Forwarded-Host`
/// behind a trusted proxy, else `Host`).
fn own_origin(headers: &HeaderMap, settings: &SessionSettings) -> Option<String> {
    let host = trusted_forwarded(headers, "x-forwarded-host", settings)
        .or_else(|| headers.get(HOST).and_then(|value| value.to_str().ok()))?;
    let scheme = if over_https(headers, settings) {
        "https"
    } else {
        "http"
    };
    Some(format!("{scheme}://{}", host.trim().to_ascii_lowercase()))
}

/// Refuses a POST whose `Origin` (or, when the browser sent none, whose `Referer`) is not the
/// service's own, or that has neither.
pub fn check_origin(headers: &HeaderMap, settings: &SessionSettings) -> Result<(), ApiError> {
    let foreign = |what: String| {
        ApiError::new(
            ServiceCode::ForeignOrigin,
            format!(
                "{what}; a form is accepted only from this service's own pages: open the page \
                 here and send it again"
            ),
        )
    };
    let own = own_origin(headers, settings)
        .ok_or_else(|| foreign("the request names no host".to_string()))?;
    if let Some(origin) = headers.get(ORIGIN) {
        let origin = origin.to_str().unwrap_or("").trim().to_ascii_lowercase();
        return if origin == own {
            Ok(())
        } else {
            Err(foreign(format!(
                "the form was sent from {origin:?}, not {own}"
            )))
        };
    }
    match headers.get(REFERER).and_then(|value| value.to_str().ok()) {
        Some(referer) => {
            let referer = referer.trim().to_ascii_lowercase();
            let own_page = referer == own || referer.starts_with(&format!("{own}/"));
            if own_page {
                Ok(())
            } else {
                Err(foreign(
                    "the form was sent from another site's page".to_string(),
                ))
            }
        }
        None => Err(foreign(
            "the request carries neither Origin nor Referer".to_string(),
        )),
    }
}

/// The CSRF token of a secret the browser holds in an HttpOnly cookie: reading it takes the
/// cookie, which another site cannot read; the secret cannot be recovered from it.
pub fn csrf_token(secret: &str) -> String {
    let digest = Sha256::new()
        .chain_update(b"pacta csrf token v1\0")
        .chain_update(secret.as_bytes())
        .finalize();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest)
}

/// Compares without an early exit, so the time taken says nothing of where they differ.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn csrf_refusal(what: &str) -> ApiError {
    ApiError::new(
        ServiceCode::CsrfTokenInvalid,
        format!("{what}; nothing was done: reload the page and send the form again"),
    )
}

/// Refuses a form whose CSRF token is not the one derived from `secret`.
pub fn check_csrf(secret: &str, sent: &str) -> Result<(), ApiError> {
    if sent.is_empty() {
        return Err(csrf_refusal("the form carries no CSRF token"));
    }
    if !same_bytes(csrf_token(secret).as_bytes(), sent.as_bytes()) {
        return Err(csrf_refusal(
            "the form's CSRF token does not match this browser's",
        ));
    }
    Ok(())
}

fn now_unix_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// A fresh sign-in form secret, for `SIGN_IN_COOKIE`.
pub fn new_sign_in_secret() -> Result<String, ApiError> {
    let mut random = [0u8; 32];
    getrandom::fill(&mut random).map_err(|error| {
        ApiError::new(
            ServiceCode::Internal,
            format!("no randomness from the operating system: {error}"),
        )
    })?;
    Ok(format!(
        "{}.{}",
        now_unix_seconds(),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
    ))
}

/// True when `secret` is a sign-in form secret issued less than `SIGN_IN_FORM_LIFETIME_MINUTES`
/// ago.
pub fn sign_in_secret_is_fresh(secret: &str) -> bool {
    let Some((issued, random)) = secret.split_once('.') else {
        return false;
    };
    let Ok(issued) = issued.parse::<u64>() else {
        return false;
    };
    let age = now_unix_seconds().saturating_sub(issued);
    random.len() >= 43 && issued <= now_unix_seconds() && age < SIGN_IN_FORM_LIFETIME_MINUTES * 60
}

/// Refuses a sign-in form that does not come with a fresh sign-in cookie and its CSRF token.
pub fn check_sign_in_form(headers: &HeaderMap, sent: &str) -> Result<(), ApiError> {
    let secret = cookie(headers, SIGN_IN_COOKIE).ok_or_else(|| {
        csrf_refusal("this browser holds no sign-in form cookie (the form was not opened here)")
    })?;
    if !sign_in_secret_is_fresh(&secret) {
        return Err(csrf_refusal(&format!(
            "the sign-in form is older than {SIGN_IN_FORM_LIFETIME_MINUTES} minutes"
        )));
    }
    check_csrf(&secret, sent)
}

/// The address sign-in attempts are counted against: the connection's, or behind a trusted
/// proxy the last address of `X-Forwarded-For` (the one that proxy added).
pub fn client_ip(
    headers: &HeaderMap,
    connection: Option<ClientAddress>,
    settings: &SessionSettings,
) -> IpAddr {
    let forwarded = trusted_forwarded(headers, "x-forwarded-for", settings)
        .and_then(|list| list.rsplit(',').next())
        .and_then(|last| last.trim().parse::<IpAddr>().ok());
    forwarded
        .or(connection.map(|ClientAddress(address)| address.ip()))
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))
}

/// Failed sign-ins per client address, in fixed windows of `SIGN_IN_WINDOW_SECONDS`.
#[derive(Debug, Default)]
pub struct SignInLimiter {
    windows: std::sync::Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl SignInLimiter {
    fn window() -> Duration {
        Duration::from_secs(SIGN_IN_WINDOW_SECONDS)
    }

    /// `Err(seconds to wait)` when `address` has used up its failures in the current window.
    pub fn check(&self, address: IpAddr, max_failures: u32) -> Result<(), u64> {
        let windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        match windows.get(&address) {
            Some((started, failures))
                if started.elapsed() < Self::window() && *failures >= max_failures =>
            {
                let left = Self::window().saturating_sub(started.elapsed());
                Err(left.as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    /// Counts one failed sign-in from `address`.
    pub fn record_failure(&self, address: IpAddr) {
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() >= MAX_TRACKED_SIGN_IN_ADDRESSES {
            windows.retain(|_, (started, _)| started.elapsed() < Self::window());
        }
        if windows.len() >= MAX_TRACKED_SIGN_IN_ADDRESSES && !windows.contains_key(&address) {
            // Every remembered address is within its window: forget the oldest.
            if let Some(oldest) = windows.iter().min_by_key(|(_, (s, _))| *s).map(|(a, _)| *a) {
                windows.remove(&oldest);
            }
        }
        let entry = windows.entry(address).or_insert((Instant::now(), 0));
        if entry.0.elapsed() >= Self::window() {
            *entry = (Instant::now(), 0);
        }
        entry.1 += 1;
    }
}

/// Requests one person may have served at once, the API and the pages together: a person's
/// burst (a script looping over every negotiation, eight list calls at once) waits for that
/// person's own turns instead of taking the workers and database connections every other
/// delegate's requests need.
pub const MAX_REQUESTS_IN_FLIGHT_PER_PERSON: usize = 4;
/// How long a request waits for one of its person's turns before it is refused
/// (`too-many-requests`): longer than any ordinary request, so only a runaway client meets it.
pub const PERSON_TURN_WAIT_MS: u64 = 10_000;
/// Persons whose turns are remembered at once; those with none taken are forgotten first.
const MAX_TRACKED_PERSONS: usize = 10_000;

/// Each person's turns: at most `per_person` of their requests are served at once.
#[derive(Debug)]
pub struct PersonTurns {
    per_person: usize,
    wait: Duration,
    turns: std::sync::Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl Default for PersonTurns {
    fn default() -> PersonTurns {
        PersonTurns::new(
            MAX_REQUESTS_IN_FLIGHT_PER_PERSON,
            Duration::from_millis(PERSON_TURN_WAIT_MS),
        )
    }
}

/// One of a person's turns, held until the request that took it is answered (dropped with the
/// `Caller` that carries it).
#[derive(Clone, Debug)]
pub struct PersonTurn(#[allow(dead_code)] Arc<OwnedSemaphorePermit>);

impl PersonTurns {
    pub fn new(per_person: usize, wait: Duration) -> PersonTurns {
        assert!(per_person >= 1, "a person must be served");
        PersonTurns {
            per_person,
            wait,
            turns: std::sync::Mutex::new(HashMap::new()),
        }
    }

    /// Waits for one of `person`'s turns; refused after the wait.
    pub async fn take(&self, person: &str) -> Result<PersonTurn, ApiError> {
        let semaphore = {
            let mut turns = self.turns.lock().unwrap_or_else(|p| p.into_inner());
            if turns.len() >= MAX_TRACKED_PERSONS && !turns.contains_key(person) {
                // A semaphore no request holds or waits on is one only this map refers to.
                turns.retain(|_, semaphore| Arc::strong_count(semaphore) > 1);
            }
            turns
                .entry(person.to_string())
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_person)))
                .clone()
        };
        match tokio::time::timeout(self.wait, semaphore.acquire_owned()).await {
            Ok(Ok(permit)) => Ok(PersonTurn(Arc::new(permit))),
            _ => Err(ApiError::new(
                ServiceCode::TooManyRequests,
                format!(
                    "you already have {} requests being served, and none finished within {} ms;                      wait for their answers, then send this one again",
                    self.per_person,
                    self.wait.as_millis()
                ),
            )),
        }
    }
}

/// Acts the service decides and commits at once, every person's together; the others wait for a
/// turn, first come first served, and are then decided as usual. Reads take no turn.
///
/// Acts beyond a few at once add nothing but waiting: the group committer commits whatever is
/// queued in one flush, so a handful keep it busy, and every further act in progress only
/// competes with the reads for the cores. `bench http` on two cores (32 clients, half acts,
/// 2026-12-08, PostgreSQL): unlimited, 1,250 acts/s with acts p50 13 ms and reads p50 7 ms,
/// p99 47–54 ms; at 3, the same 1,230–1,290 acts/s with acts p50 18–20 ms and reads p50 1.8
/// ms, p99 15–20 ms; at 2, reads p99 10–12 ms but acts p50 21 ms; at 4, reads p99 22–24 ms.
/// The cost is a ceiling of `MAX_ACTS_IN_PROGRESS` acts per commit: on a store whose flush takes
/// 5 ms, 600 acts/s, far above what delegations type.
pub const MAX_ACTS_IN_PROGRESS: usize = 3;

/// The service's turns to act: at most so many acts in progress at once.
#[derive(Debug)]
pub struct ActTurns(Arc<Semaphore>);

/// A turn to act, held until the act is committed or refused.
#[derive(Debug)]
pub struct ActTurn(#[allow(dead_code)] OwnedSemaphorePermit);

impl Default for ActTurns {
    fn default() -> ActTurns {
        ActTurns::new(MAX_ACTS_IN_PROGRESS)
    }
}

impl ActTurns {
    pub fn new(max_in_progress: usize) -> ActTurns {
        assert!(max_in_progress >= 1, "acts must be served");
        ActTurns(Arc::new(Semaphore::new(max_in_progress)))
    }

    /// Waits for a turn. Not bounded here: the request's own timeout
    /// (`crate::REQUEST_TIMEOUT_MS`) bounds it, and an act dropped while it waits has recorded
    /// nothing.
    pub async fn take(&self) -> ActTurn {
        let permit = self.0.clone().acquire_owned().await;
        ActTurn(permit.expect("invariant: the turns are never closed"))
    }
}

/// The refusal of a sign-in from an address over its limit, with the seconds to wait.
pub fn too_many_sign_ins(retry_after_seconds: u64, max_failures: u32) -> ApiError {
    ApiError::new(
        ServiceCode::TooManySignIns,
        format!(
            "more than {max_failures} failed sign-ins from this address within \
             {SIGN_IN_WINDOW_SECONDS} seconds; try again in {retry_after_seconds} seconds"
        ),
    )
}

/// The headers every response carries (pages, the API and the stylesheet alike).
pub fn with_security_headers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .layer(SetResponseHeaderLayer::overriding(
            CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            REFERRER_POLICY,
            HeaderValue::from_static(REFERRER_POLICY_VALUE),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        // What a delegate reads is not kept by the browser or a proxy.
        .layer(SetResponseHeaderLayer::if_not_present(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// `path` if it is a path of this service a browser may be sent back to, else `None`: it starts
/// with one `/`, and has no backslash, no whitespace or control character (browsers drop a tab
/// or newline, turning `/\t/evil` into `//evil`), no `.`/`..` segment (plain or percent-encoded,
/// which browsers also resolve) and no fragment.
pub fn local_path(path: &str) -> Option<&str> {
    let plain = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains(['\\', '#'])
        && !path.chars().any(|c| c.is_control() || c.is_whitespace())
        && !path.to_ascii_lowercase().contains("%2e")
        && !path
            .split(['/', '?', '&', '='])
            .any(|segment| segment == "." || segment == "..");
    plain.then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_person_waits_for_their_own_turns_and_no_one_else_does() {
        let turns = PersonTurns::new(2, Duration::from_millis(50));
        let first = turns.take("amina.kone").await.unwrap();
        let second = turns.take("amina.kone").await.unwrap();
        let refused = turns.take("amina.kone").await.unwrap_err();
        assert_eq!(refused.code, ServiceCode::TooManyRequests.into());
        assert!(
            refused.message.contains("2 requests"),
            "{}",
            refused.message
        );
        // Another person is served at once, whatever the first has in flight.
        turns.take("youssef.alaoui").await.unwrap();
        drop(first);
        let third = turns.take("amina.kone").await.unwrap();
        drop((second, third));
        // A waiting request is served as soon as a turn is given back.
        let held = turns.take("amina.kone").await.unwrap();
        let _other = turns.take("amina.kone").await.unwrap();
        let waiting = tokio::spawn({
            let turns = std::sync::Arc::new(turns);
            async move { turns.take("amina.kone").await.map(|_| ()) }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        drop(held);
        waiting.await.unwrap().unwrap();
    }

    #[test]
    fn only_plain_paths_of_this_service_are_local() {
        for local in [
            "/",
            "/negotiations/n",
            "/negotiations/n/timeline?party=CIV&page=2",
        ] {
            assert_eq!(local_path(local), Some(local));
        }
        for foreign in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "https://evil.example",
            "evil",
            "",
            "/negotiations/n/../other",
            "/a/%2e%2e/b",
            "/a/%2E./b",
            "/a/./b",
            "/a#x",
            "/a b",
        ] {
            assert_eq!(local_path(foreign), None, "{foreign:?}");
        }
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn only_the_services_own_origin_may_post() {
        let plain = SessionSettings::default();
        let own = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "http://127.0.0.1:8080"),
        ]);
        assert!(check_origin(&own, &plain).is_ok());
        let foreign = headers(&[
            ("host", "127.0.0.1:8080"),
            ("origin", "https://evil.example"),
        ]);
        assert!(check_origin(&foreign, &plain).is_err());
        let null = headers(&[("host", "127.0.0.1:8080"), ("origin", "null")]);
        assert!(check_origin(&null, &plain).is_err());
        let referer = headers(&[("host", "h:1"), ("referer", "http://h:1/login")]);
        assert!(check_origin(&referer, &plain).is_ok());
        let lookalike = headers(&[("host", "h:1"), ("referer", "http://h:1.evil/login")]);
        assert!(check_origin(&lookalike, &plain).is_err());
        assert!(check_origin(&headers(&[("host", "h:1")]), &plain).is_err());
        // Behind a trusted TLS proxy the browser's origin is https, and only then.
        let proxied = headers(&[
            ("host", "h"),
            ("x-forwarded-proto", "https"),
            ("origin", "https://h"),
        ]);
        assert!(check_origin(&proxied, &plain).is_err());
        let trusting = SessionSettings {
            behind_tls_proxy: true,
            ..plain
        };
        assert!(check_origin(&proxied, &trusting).is_ok());
        assert!(over_https(&proxied, &trusting) && !over_https(&proxied, &plain));
    }

    #[test]
    fn a_csrf_token_is_bound_to_its_secret() {
        let token = csrf_token("secret-a");
        assert!(check_csrf("secret-a", &token).is_ok());
        assert!(check_csrf("secret-b", &token).is_err());
        assert!(check_csrf("secret-a", "").is_err());
        assert!(!token.contains("secret-a"));
    }

    #[test]
    fn a_sign_in_secret_is_fresh_for_its_lifetime_only() {
        let fresh = new_sign_in_secret().unwrap();
        assert!(sign_in_secret_is_fresh(&fresh));
        let random = fresh.split_once('.').unwrap().1;
        let old = now_unix_seconds() - SIGN_IN_FORM_LIFETIME_MINUTES * 60;
        assert!(!sign_in_secret_is_fresh(&format!("{old}.{random}")));
        assert!(!sign_in_secret_is_fresh(random));
    }

    #[test]
    fn failures_are_counted_per_address_in_a_window() {
        let limiter = SignInLimiter::default();
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for _ in 0..3 {
            assert!(limiter.check(a, 3).is_ok());
            limiter.record_failure(a);
        }
        let wait = limiter.check(a, 3).unwrap_err();
        assert!((1..=SIGN_IN_WINDOW_SECONDS).contains(&wait));
        assert!(limiter.check(b, 3).is_ok());
    }
}
