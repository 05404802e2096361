//! The security of the web pages' forms and sessions, over real sockets on both stores: signing
//! in starts a session of its own that the pages take and the API refuses; signing out revokes
//! it, and so does its expiry; every form needs its CSRF token and the service's own origin, and
//! a refused form records nothing; failed sign-ins are rate-limited; every response carries the
//! security headers; and text from the ledger cannot become markup, an attribute or a link.

use std::time::Duration;

use pacta_service::security::SessionSettings;
use reqwest::header::{CACHE_CONTROL, COOKIE, ORIGIN, REFERER, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::common::cli::ok;
use crate::common::http::{
    csrf_token_in, documented_error_codes, open_small_action, propose, read, Reply, Server,
    CIV_HEAD, NEGOTIATION,
};
use crate::common::{Backend, TestStore};

on_both_stores!(
    a_session_reads_the_pages_and_never_the_api,
    signing_out_revokes_the_session,
    revoking_a_token_ends_the_sessions_it_could_have_started,
    an_expired_session_is_refused,
    a_form_without_its_csrf_token_or_from_another_origin_is_refused,
    a_cross_site_sign_in_is_refused,
    failed_sign_ins_are_rate_limited,
    every_response_carries_the_security_headers,
    injection_payloads_render_inert,
);

/// A client that follows no redirect: where a form sends the browser is what is checked.
fn no_redirect() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

async fn start(backend: Backend) -> Server {
    start_with(backend, SessionSettings::default()).await
}

async fn start_with(backend: Backend, settings: SessionSettings) -> Server {
    let server = Server::with_sessions(TestStore::new(backend).await, settings).await;
    Server {
        client: no_redirect(),
        ..server
    }
}

/// GET `path` with the session cookie `session`.
async fn page(server: &Server, session: &str, path: &str) -> Reply {
    server
        .send(server.client.get(server.url(path)).header(COOKIE, session))
        .await
}

/// True when `session` reads the index page, false when it is sent to sign in.
async fn reads_pages(server: &Server, session: &str) -> bool {
    let reply = page(server, session, "/").await;
    match reply.status {
        StatusCode::OK => true,
        StatusCode::SEE_OTHER => false,
        other => panic!("GET / answered {other}: {}", reply.text()),
    }
}

/// Every row of `api_tokens` as `pacta token list --json` gives it.
async fn token_rows(server: &Server) -> Vec<Value> {
    let rows = server.store.database.tokens().await.expect("list tokens");
    serde_json::to_value(rows)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// A form POSTed to `path` with these headers and fields.
async fn post_form(
    server: &Server,
    path: &str,
    headers: &[(reqwest::header::HeaderName, String)],
    fields: &[(&str, &str)],
) -> Reply {
    let mut request = server.client.post(server.url(path)).form(fields);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    server.send(request).await
}

/// A form: path, headers, fields, and the code it is refused with.
type FormCase<'a> = (
    &'a str,
    Vec<(reqwest::header::HeaderName, String)>,
    Vec<(&'a str, &'a str)>,
    &'a str,
);

/// Asserts a page refusing with `status` and `code`.
fn assert_refused_page(reply: &Reply, status: StatusCode, code: &str, what: &str) {
    assert_eq!(reply.status, status, "{what}: {}", reply.text());
    assert!(
        reply.text().contains(&format!("<code>{code}</code>")),
        "{what}: {}",
        reply.text()
    );
}

async fn a_session_reads_the_pages_and_never_the_api(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;
    let session = server.sign_in(&amina).await;
    assert!(reads_pages(&server, &session).await);

    // The API takes the bearer token, never the cookie, alone or beside a cookie.
    server
        .get("/api/negotiations", Some(&amina))
        .await
        .ok(StatusCode::OK);
    let with_cookie = server
        .send(
            server
                .client
                .get(server.url("/api/negotiations"))
                .header(COOKIE, &session),
        )
        .await;
    with_cookie.assert_error(StatusCode::UNAUTHORIZED, "missing-token");
    assert!(
        with_cookie.text().contains("takes no cookie"),
        "{}",
        with_cookie.text()
    );
    let before = server.store.event_count().await;
    let command = server
        .client
        .post(server.url(&format!("/api/negotiations/{NEGOTIATION}/commands")))
        .header(COOKIE, &session)
        .json(&json!({"command_id": "by-cookie", "action": open_small_action()}));
    server
        .refused(command, StatusCode::UNAUTHORIZED, "missing-token")
        .await;
    assert_eq!(server.store.event_count().await, before);
    // Nor does a session's secret pass for a bearer token.
    let secret = session.trim_start_matches("pacta_session=");
    server
        .get("/api/negotiations", Some(secret))
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "invalid-token");

    // The session is listed beside the tokens, marked as one, with its expiry, and is revocable
    // there.
    let rows = token_rows(&server).await;
    let listed = rows
        .iter()
        .find(|row| row["kind"] == "session")
        .unwrap_or_else(|| panic!("a session in {rows:?}"));
    assert_eq!(listed["person"], "amina.kone");
    let issued =
        chrono::DateTime::parse_from_rfc3339(listed["issued_at"].as_str().unwrap()).unwrap();
    let expires =
        chrono::DateTime::parse_from_rfc3339(listed["expires_at"].as_str().unwrap()).unwrap();
    assert_eq!((expires - issued).num_minutes(), 8 * 60);
    let token_row = rows.iter().find(|row| row["kind"] == "token").unwrap();
    assert_eq!(token_row["expires_at"], Value::Null);
    let session_id = listed["token_id"].as_str().unwrap();
    let table = ok(&server.store, &["token", "list"]);
    let line = table.lines().find(|l| l.starts_with(session_id)).unwrap();
    assert!(line.contains("session") && line.contains(listed["expires_at"].as_str().unwrap()));
    ok(&server.store, &["token", "revoke", session_id]);
    assert!(!reads_pages(&server, &session).await);
    // Revoking the session left the token acting.
    server
        .get("/api/negotiations", Some(&amina))
        .await
        .ok(StatusCode::OK);
}

async fn signing_out_revokes_the_session(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;
    let session = server.sign_in(&amina).await;
    let other = server.sign_in(&amina).await;
    let index = page(&server, &session, "/").await.text();
    let csrf = csrf_token_in(&index);
    let reply = post_form(
        &server,
        "/logout",
        &[(COOKIE, session.clone()), (ORIGIN, server.origin().into())],
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    // A copy of the cookie kept after signing out no longer reads anything.
    assert!(!reads_pages(&server, &session).await);
    // Only that session ended: another sign-in, and the token, still act.
    assert!(reads_pages(&server, &other).await);
    server
        .get("/api/negotiations", Some(&amina))
        .await
        .ok(StatusCode::OK);
    let revoked = token_rows(&server)
        .await
        .into_iter()
        .filter(|row| row["kind"] == "session" && !row["revoked_at"].is_null())
        .count();
    assert_eq!(revoked, 1);
}

/// A leaked token is revoked: the sessions signed in with it end too, not in eight hours.
async fn revoking_a_token_ends_the_sessions_it_could_have_started(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;
    let session = server.sign_in(&amina).await;
    let youssef = server.token("youssef.benali").await;
    let unrelated = server.sign_in(&youssef).await;
    assert!(reads_pages(&server, &session).await);
    let rows = token_rows(&server).await;
    let token_id = rows
        .iter()
        .find(|row| row["kind"] == "token" && row["person"] == "amina.kone")
        .and_then(|row| row["token_id"].as_str())
        .expect("amina's token is listed")
        .to_string();
    let revoked = server
        .store
        .database
        .revoke_token(&token_id, "2026-01-01T00:00:00Z")
        .await
        .unwrap();
    assert!(revoked);
    assert!(!reads_pages(&server, &session).await);
    assert!(
        reads_pages(&server, &unrelated).await,
        "another person's session"
    );
}

async fn an_expired_session_is_refused(backend: Backend) {
    let settings = SessionSettings {
        session_lifetime: Duration::ZERO,
        ..SessionSettings::default()
    };
    let server = start_with(backend, settings).await;
    let amina = server.token("amina.kone").await;
    let session = server.sign_in(&amina).await;
    assert!(!reads_pages(&server, &session).await);
    let reply = page(&server, &session, "/negotiations/any").await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);

    // The same sign-in reads the pages when sessions last.
    let lasting = start(backend).await;
    let amina = lasting.token("amina.kone").await;
    let session = lasting.sign_in(&amina).await;
    assert!(reads_pages(&lasting, &session).await);
}

async fn a_form_without_its_csrf_token_or_from_another_origin_is_refused(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;
    let session = server.sign_in(&amina).await;
    let csrf = csrf_token_in(&page(&server, &session, "/").await.text());
    let (form_cookie, form_csrf) = server.sign_in_form().await;
    let own = server.origin().to_string();
    let evil = "https://evil.example".to_string();
    let rows_before = token_rows(&server).await;
    let events_before = server.store.event_count().await;

    let cases: Vec<FormCase> = vec![
        // Sign-out: no token, another token, another origin, no origin at all.
        (
            "/logout",
            vec![(COOKIE, session.clone()), (ORIGIN, own.clone())],
            vec![],
            "csrf-token-invalid",
        ),
        (
            "/logout",
            vec![(COOKIE, session.clone()), (ORIGIN, own.clone())],
            vec![("csrf_token", form_csrf.as_str())],
            "csrf-token-invalid",
        ),
        (
            "/logout",
            vec![(COOKIE, session.clone()), (ORIGIN, evil.clone())],
            vec![("csrf_token", csrf.as_str())],
            "foreign-origin",
        ),
        (
            "/logout",
            vec![(COOKIE, session.clone()), (ORIGIN, "null".into())],
            vec![("csrf_token", csrf.as_str())],
            "foreign-origin",
        ),
        (
            "/logout",
            vec![(COOKIE, session.clone()), (REFERER, format!("{evil}/page"))],
            vec![("csrf_token", csrf.as_str())],
            "foreign-origin",
        ),
        (
            "/logout",
            vec![(COOKIE, session.clone())],
            vec![("csrf_token", csrf.as_str())],
            "foreign-origin",
        ),
        // Sign-in: no token, another token, no sign-in cookie, another origin.
        (
            "/login",
            vec![(COOKIE, form_cookie.clone()), (ORIGIN, own.clone())],
            vec![("token", amina.as_str())],
            "csrf-token-invalid",
        ),
        (
            "/login",
            vec![(COOKIE, form_cookie.clone()), (ORIGIN, own.clone())],
            vec![("token", amina.as_str()), ("csrf_token", csrf.as_str())],
            "csrf-token-invalid",
        ),
        (
            "/login",
            vec![(ORIGIN, own.clone())],
            vec![
                ("token", amina.as_str()),
                ("csrf_token", form_csrf.as_str()),
            ],
            "csrf-token-invalid",
        ),
        (
            "/login",
            vec![(COOKIE, form_cookie.clone()), (ORIGIN, evil.clone())],
            vec![
                ("token", amina.as_str()),
                ("csrf_token", form_csrf.as_str()),
            ],
            "foreign-origin",
        ),
    ];
    for (path, headers, fields, code) in &cases {
        let what = format!("POST {path} {headers:?} {fields:?}");
        let reply = post_form(&server, path, headers, fields).await;
        assert_refused_page(&reply, StatusCode::FORBIDDEN, code, &what);
        // Nothing recorded: no event, no session started or ended.
        assert_eq!(server.store.event_count().await, events_before, "{what}");
        assert_eq!(token_rows(&server).await, rows_before, "{what}");
    }
    assert!(reads_pages(&server, &session).await);
    // With its own origin given as Referer only, and its token, the sign-out is done.
    let reply = post_form(
        &server,
        "/logout",
        &[
            (COOKIE, session.clone()),
            (REFERER, format!("{own}/negotiations/x")),
        ],
        &[("csrf_token", &csrf)],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert!(!reads_pages(&server, &session).await);
}

/// Login forgery: another site's page makes the victim's browser sign in as the attacker. The
/// attacker can open the sign-in form themselves, but not put their form cookie in the victim's
/// browser, nor send the victim's own origin.
async fn a_cross_site_sign_in_is_refused(backend: Backend) {
    let server = start(backend).await;
    let attacker = server.token("mallory").await;
    let (_attacker_cookie, attacker_csrf) = server.sign_in_form().await;
    let (victim_cookie, _victim_csrf) = server.sign_in_form().await;
    let rows_before = token_rows(&server).await;
    let forged = [
        // What a cross-site auto-posting form sends: its origin, no SameSite=Strict cookie.
        vec![(ORIGIN, "https://evil.example".to_string())],
        // Even with the victim's form cookie sent and a same-site origin, the attacker's token
        // does not match it.
        vec![
            (COOKIE, victim_cookie.clone()),
            (ORIGIN, server.origin().to_string()),
        ],
    ];
    for headers in &forged {
        let reply = post_form(
            &server,
            "/login",
            headers,
            &[("token", &attacker), ("csrf_token", &attacker_csrf)],
        )
        .await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{headers:?}: {}",
            reply.text()
        );
        assert_eq!(token_rows(&server).await, rows_before, "no session started");
    }
}

async fn failed_sign_ins_are_rate_limited(backend: Backend) {
    let settings = SessionSettings {
        max_failed_sign_ins_per_minute: 3,
        ..SessionSettings::default()
    };
    let server = start_with(backend, settings).await;
    let amina = server.token("amina.kone").await;
    // Signing in succeeds any number of times: only failures count.
    for _ in 0..4 {
        server.sign_in(&amina).await;
    }
    for attempt in 0..3 {
        let reply = server
            .send(server.sign_in_request("pacta_guess").await)
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let rows_before = token_rows(&server).await;
    // Over the limit, even the right token is refused until the minute is over.
    let response = server
        .client
        .execute(server.sign_in_request(&amina).await.build().unwrap())
        .await
        .unwrap();
    let retry_after: u64 = response.headers()[RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let reply = read(response).await;
    assert_refused_page(
        &reply,
        StatusCode::TOO_MANY_REQUESTS,
        "too-many-sign-ins",
        "the fourth failure",
    );
    assert_eq!(token_rows(&server).await, rows_before, "no session started");

    // The pages' refusals are in the one table of codes, with the statuses they answered.
    let openapi = server.get("/openapi.json", None).await.ok(StatusCode::OK);
    let documented = documented_error_codes(&openapi);
    for (code, status) in [
        ("too-many-sign-ins", 429),
        ("csrf-token-invalid", 403),
        ("foreign-origin", 403),
    ] {
        assert_eq!(documented.get(code), Some(&status), "{code}");
    }
}

async fn every_response_carries_the_security_headers(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;
    let session = server.sign_in(&amina).await;
    let requests = [
        ("sign-in page", server.client.get(server.url("/login"))),
        (
            "index",
            server.client.get(server.url("/")).header(COOKIE, &session),
        ),
        (
            "error page",
            server
                .client
                .get(server.url("/negotiations/none"))
                .header(COOKIE, &session),
        ),
        (
            "stylesheet",
            server.client.get(server.url("/static/pacta.css")),
        ),
        (
            "API",
            server
                .client
                .get(server.url("/api/negotiations"))
                .bearer_auth(&amina),
        ),
    ];
    for (what, request) in requests {
        let response = request.send().await.unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .unwrap_or_else(|| panic!("{what}: no {name}"))
                .to_str()
                .unwrap()
                .to_string()
        };
        let policy = header("content-security-policy");
        for directive in [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "form-action 'self'",
            "base-uri 'none'",
        ] {
            assert!(policy.contains(directive), "{what}: {policy}");
        }
        assert!(!policy.contains("unsafe"), "{what}: {policy}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{what}");
        assert_eq!(header("referrer-policy"), "same-origin", "{what}");
        let cache = header(CACHE_CONTROL.as_str());
        if what == "stylesheet" {
            assert_eq!(cache, "no-cache");
        } else {
            assert_eq!(cache, "no-store", "{what}");
        }
        if what != "stylesheet" && what != "API" {
            // Nothing inline for the policy to block.
            let body = response.text().await.unwrap();
            for inline in ["<style", " style=", " onload=", " onclick="] {
                assert!(!body.contains(inline), "{what}: {inline} in {body}");
            }
            // Scripts only as the service's own files, none inline.
            assert_eq!(
                body.matches("<script").count(),
                body.matches("<script src=\"/static/").count(),
                "{what}: an inline script in {body}"
            );
            assert!(body.contains("<link rel=\"stylesheet\" href=\"/static/pacta.css\">"));
        }
    }
}

/// The payloads a reader's browser must show as text.
const SCRIPT: &str = "<script>alert(1)</script>";
const ATTRIBUTE: &str = "\" onmouseover=\"x";
const JAVASCRIPT_URL: &str = "javascript:alert(1)";

async fn injection_payloads_render_inert(backend: Backend) {
    let server = start(backend).await;
    let civ = server.token(CIV_HEAD).await;
    let payload = format!("{SCRIPT} {ATTRIBUTE} {JAVASCRIPT_URL}");
    // In the title and in the parties' and delegates' display names.
    let mut open = open_small_action();
    open["title"] = json!(format!("Title {payload}"));
    open["parties"][0]["name"] = json!(format!("Côte {payload}"));
    open["parties"][0]["head_of_delegation"]["name"] = json!(format!("Chef {payload}"));
    server.act(NEGOTIATION, &civ, open).await;
    // In a clause's heading and text, and in a comment on it.
    let mut clause = propose("art-1", &format!("Text {payload}"));
    clause["heading"] = json!(format!("Heading {payload}"));
    server.act(NEGOTIATION, &civ, clause).await;
    let comment =
        json!({"type": "comment", "clause_id": "art-1", "text": format!("Comment {payload}")});
    server.act(NEGOTIATION, &civ, comment).await;

    let session = server.sign_in(&civ).await;
    let escaped =
        "&lt;script&gt;alert(1)&lt;/script&gt; &quot; onmouseover=&quot;x javascript:alert(1)";
    let mut shown = Vec::new();
    for path in [
        "/".to_string(),
        format!("/negotiations/{NEGOTIATION}"),
        format!("/negotiations/{NEGOTIATION}/clauses/art-1"),
        format!("/negotiations/{NEGOTIATION}/timeline"),
        format!("/negotiations/{NEGOTIATION}/agreement"),
        format!("/negotiations/{NEGOTIATION}/redline?from=1&to=3"),
    ] {
        let reply = page(&server, &session, &path).await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
        let html = reply.text();
        assert!(!html.contains(SCRIPT), "{path}: markup injected");
        let lower = html.to_lowercase();
        assert_eq!(
            lower.matches("<script").count(),
            lower.matches("<script src=\"/static/").count(),
            "{path}: a script that is not one of the service's files"
        );
        assert!(
            !html.contains("onmouseover=\""),
            "{path}: an attribute injected"
        );
        assert!(
            !html.to_lowercase().contains("href=\"javascript:"),
            "{path}: a javascript: link"
        );
        assert!(!html.to_lowercase().contains("src=\"javascript:"), "{path}");
        shown.extend(
            ["Title ", "Côte ", "Chef ", "Heading ", "Text ", "Comment "]
                .into_iter()
                .filter(|prefix| html.contains(&format!("{prefix}{escaped}"))),
        );
    }
    shown.sort_unstable();
    shown.dedup();
    // Each payload was on a page, escaped as text (the delegate's name may not be shown).
    for prefix in ["Title ", "Côte ", "Heading ", "Text ", "Comment "] {
        assert!(
            shown.contains(&prefix),
            "{prefix:?} shown escaped: {shown:?}"
        );
    }
}
