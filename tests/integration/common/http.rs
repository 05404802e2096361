//! A real `pacta` HTTP service on 127.0.0.1, over a test store, and a client that talks to it
//! as delegations would: over TCP, with bearer tokens.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use pacta_service::security::SessionSettings;
use pacta_service::{spawn_on_loopback, AppState};
use reqwest::header::CONTENT_TYPE;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{Backend, TestStore};

pub struct Server {
    pub store: TestStore,
    pub base: String,
    pub client: reqwest::Client,
}

/// One response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub content_disposition: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}), status {}: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The JSON body of a success with `status`.
    pub fn ok(&self, status: StatusCode) -> Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert!(
            self.content_type.starts_with("application/json"),
            "{}",
            self.content_type
        );
        self.json()
    }

    /// Asserts an error response: JSON `{code, message, status}` agreeing with the HTTP status.
    pub fn assert_error(&self, status: StatusCode, code: &str) {
        self.assert_error_to("the request", status, code);
    }

    /// `assert_error` of the answer to `request` (as `describe` gives it), named in a failure.
    fn assert_error_to(&self, request: &str, status: StatusCode, code: &str) {
        assert_eq!(
            self.status,
            status,
            "{request}: expected {code}: {}",
            self.text()
        );
        assert!(
            self.content_type.starts_with("application/json"),
            "{request}: an error is JSON, not {}",
            self.content_type
        );
        let body = self.json();
        assert_eq!(body["code"], code, "{request}: {body}");
        assert_eq!(body["status"], status.as_u16(), "{request}: {body}");
        let message = body["message"].as_str().expect("a message");
        assert!(!message.is_empty(), "{request}: {body}");
        assert_eq!(
            body.as_object().unwrap().len(),
            3,
            "{request}: only code, message, status: {body}"
        );
    }
}

/// A request as a failure names it: method, path and query, token, content type and the start
/// of the body.
fn describe(request: &reqwest::Request) -> String {
    let header = |name| {
        let value = request.headers().get(name);
        let value = value.map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap_or("?"));
        value.unwrap_or("none").chars().take(24).collect::<String>()
    };
    let body = request.body().and_then(reqwest::Body::as_bytes);
    let body = String::from_utf8_lossy(body.unwrap_or_default());
    let url = request.url();
    let query = url.query().map(|q| format!("?{q}")).unwrap_or_default();
    let described = format!(
        "{} {}{query} (authorization {}, content type {}) {}",
        request.method(),
        url.path(),
        header(reqwest::header::AUTHORIZATION),
        header(CONTENT_TYPE),
        body.chars().take(160).collect::<String>()
    );
    described.trim_end().to_string()
}

/// Reads a response whole.
pub async fn read(response: reqwest::Response) -> Reply {
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let (content_type, content_disposition) = (
        header(CONTENT_TYPE),
        header(reqwest::header::CONTENT_DISPOSITION),
    );
    Reply {
        status: response.status(),
        content_type,
        content_disposition,
        body: response.bytes().await.expect("read the body").to_vec(),
    }
}

impl Server {
    /// A service on a fresh, empty store.
    pub async fn start(backend: Backend) -> Server {
        Server::on(TestStore::new(backend).await).await
    }

    pub async fn on(store: TestStore) -> Server {
        Server::with_sessions(store, SessionSettings::default()).await
    }

    /// A service whose sessions and sign-in follow `settings`.
    pub async fn with_sessions(store: TestStore, settings: SessionSettings) -> Server {
        let state = Arc::new(AppState::new(store.database.clone()).with_sessions(settings));
        let (base, _server) = spawn_on_loopback(state).await.expect("bind 127.0.0.1:0");
        Server {
            store,
            base,
            client: reqwest::Client::new(),
        }
    }

    /// A fresh token for `person`.
    pub async fn token(&self, person: &str) -> String {
        self.issue(person).await.token
    }

    pub async fn issue(&self, person: &str) -> pacta_ledger::store::IssuedToken {
        self.store.issue_token(person).await
    }

    /// A token that was valid and has been revoked.
    pub async fn revoked_token(&self, person: &str) -> String {
        let issued = self.issue(person).await;
        let revoked = self
            .store
            .database
            .revoke_token(&issued.token_id, "2025-01-02T00:00:00Z")
            .await
            .expect("revoke the token");
        assert!(revoked);
        issued.token
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What a browser on the service's own pages sends as `Origin`.
    pub fn origin(&self) -> &str {
        &self.base
    }

    /// Opens the sign-in form as a browser does: the sign-in cookie (`name=value`, to send back
    /// in `Cookie`) and the CSRF token the form carries.
    pub async fn sign_in_form(&self) -> (String, String) {
        let response = self
            .client
            .get(self.url("/login"))
            .send()
            .await
            .expect("GET /login");
        assert_eq!(response.status(), StatusCode::OK);
        let cookie =
            set_cookie(&response, "pacta_sign_in").expect("the sign-in form sets its cookie");
        let page = response.text().await.expect("the sign-in page");
        (cookie, csrf_token_in(&page))
    }

    /// The sign-in POST a browser sends from the form: cookie, CSRF token, own origin.
    pub async fn sign_in_request(&self, token: &str) -> reqwest::RequestBuilder {
        let (cookie, csrf) = self.sign_in_form().await;
        self.client
            .post(self.url("/login"))
            .header(reqwest::header::COOKIE, cookie)
            .header(reqwest::header::ORIGIN, self.origin())
            .form(&[("token", token), ("csrf_token", &csrf)])
    }

    /// Signs in with `token` as a browser does; the session cookie (`pacta_session=…`) the
    /// pages then take.
    pub async fn sign_in(&self, token: &str) -> String {
        let request = self.sign_in_request(token).await;
        let no_redirect = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        let response = no_redirect
            .execute(request.build().expect("a sign-in request"))
            .await
            .expect("POST /login");
        assert_eq!(
            response.status(),
            StatusCode::SEE_OTHER,
            "sign in as {token:.12}…"
        );
        set_cookie(&response, "pacta_session").expect("signing in sets the session cookie")
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        read(request.send().await.expect("the server answers")).await
    }

    /// GET `path`, with `token` if given.
    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.send(self.get_request(path, token)).await
    }

    /// The request that GETs `path`, with `token` if given.
    pub fn get_request(&self, path: &str, token: Option<&str>) -> reqwest::RequestBuilder {
        with_token(self.client.get(self.url(path)), token)
    }

    /// GET `path` as `token`'s person: a JSON success.
    pub async fn json(&self, path: &str, token: &str) -> Value {
        self.get(path, Some(token)).await.ok(StatusCode::OK)
    }

    /// The request that POSTs raw bytes as `content_type` to the commands endpoint of
    /// `negotiation`, with `token` if given.
    pub fn raw_request(
        &self,
        negotiation: &str,
        token: Option<&str>,
        content_type: &str,
        body: Vec<u8>,
    ) -> reqwest::RequestBuilder {
        let request = self
            .client
            .post(self.url(&format!("/api/negotiations/{negotiation}/commands")))
            .header(CONTENT_TYPE, content_type)
            .body(body);
        with_token(request, token)
    }

    /// The request that POSTs `{command_id, action}` as JSON.
    pub fn command_request(
        &self,
        negotiation: &str,
        token: &str,
        command_id: &str,
        action: Value,
    ) -> reqwest::RequestBuilder {
        self.client
            .post(self.url(&format!("/api/negotiations/{negotiation}/commands")))
            .bearer_auth(token)
            .json(&json!({ "command_id": command_id, "action": action }))
    }

    pub async fn command(
        &self,
        negotiation: &str,
        token: &str,
        command_id: &str,
        action: Value,
    ) -> Reply {
        self.send(self.command_request(negotiation, token, command_id, action))
            .await
    }

    /// A command that must be recorded (201); returns the response body. Standing in for the
    /// ledger's operator and the other delegations, as tests whose subject is neither need
    /// (`register.rs` is): the persons an opening or accreditation names are first put on the
    /// register as it names them, and after an opening each head (or secretariat) whose party
    /// is not the opener's accepts.
    pub async fn act(&self, negotiation: &str, token: &str, action: Value) -> Value {
        let named: Option<pacta_domain::Action> = serde_json::from_value(action.clone()).ok();
        let founders = match &named {
            Some(action @ pacta_domain::Action::OpenNegotiation { .. })
            | Some(action @ pacta_domain::Action::AccreditDelegate { .. }) => {
                let command = pacta_domain::NegotiationCommand {
                    actor: String::new(),
                    action: action.clone(),
                    took_place: None,
                };
                self.store.register_named_in(&command).await;
                match action {
                    pacta_domain::Action::OpenNegotiation {
                        parties,
                        facilitator,
                        ..
                    } => parties
                        .iter()
                        .map(|p| (p.code.clone(), p.head_of_delegation.person.clone()))
                        .chain(
                            facilitator
                                .iter()
                                .map(|f| (f.code.clone(), f.secretariat.person.clone())),
                        )
                        .collect(),
                    _ => vec![],
                }
            }
            _ => vec![],
        };
        let command_id = uuid::Uuid::new_v4().to_string();
        let reply = self
            .command(negotiation, token, &command_id, action.clone())
            .await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{action}: {}",
            reply.text()
        );
        let opener = self.store.database.person_of_token(token).await.unwrap();
        let opener_party = founders
            .iter()
            .find(|(_, person)| Some(person) == opener.as_ref());
        for (party, person) in &founders {
            if opener_party.is_some_and(|(own, _)| own != party) {
                let accept = json!({"type": "accept-negotiation"});
                let command_id = uuid::Uuid::new_v4().to_string();
                let accepted = self
                    .command(negotiation, &self.token(person).await, &command_id, accept)
                    .await;
                assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.text());
            }
        }
        reply.json()
    }

    /// The request that POSTs `action` as JSON under a fresh command id.
    pub fn action_request(
        &self,
        negotiation: &str,
        token: &str,
        action: Value,
    ) -> reqwest::RequestBuilder {
        let command_id = uuid::Uuid::new_v4().to_string();
        self.command_request(negotiation, token, &command_id, action)
    }

    /// Sends `request`, which must be refused with `status` and `code`, writing nothing; a
    /// failure names the request.
    pub async fn refused(&self, request: reqwest::RequestBuilder, status: StatusCode, code: &str) {
        let request = request.build().expect("a well-formed request");
        let described = describe(&request);
        let before = self.store.event_count().await;
        let response = self.client.execute(request).await;
        let reply = read(response.expect("the server answers")).await;
        reply.assert_error_to(&described, status, code);
        assert_eq!(
            self.store.event_count().await,
            before,
            "{described}: a refused request ({code}) wrote nothing"
        );
    }

    /// A command that must be refused with `status` and `code`, writing nothing.
    pub async fn command_refused(
        &self,
        negotiation: &str,
        token: &str,
        action: Value,
        status: StatusCode,
        code: &str,
    ) {
        let request = self.action_request(negotiation, token, action);
        self.refused(request, status, code).await;
    }

    /// The current draft as `token`'s person reads it.
    pub async fn draft(&self, negotiation: &str, token: &str) -> Value {
        self.json(&format!("/api/negotiations/{negotiation}/draft"), token)
            .await
    }

    /// The current wording's hash of `clause`.
    pub async fn text_hash(&self, negotiation: &str, token: &str, clause: &str) -> String {
        let draft = self.draft(negotiation, token).await;
        draft["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["clause_id"] == clause)
            .unwrap_or_else(|| panic!("no clause {clause} in {draft}"))["text_hash"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

/// The `name=value` of the cookie `name` a response sets (not one it deletes).
pub fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| value.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")) && pair.len() > name.len() + 1)
        .map(str::to_string)
}

/// The CSRF token a page's form carries.
pub fn csrf_token_in(page: &str) -> String {
    let field = "name=\"csrf_token\" value=\"";
    let start = page
        .find(field)
        .unwrap_or_else(|| panic!("no CSRF token in the page: {page}"))
        + field.len();
    let end = page[start..].find('"').expect("the value is closed");
    page[start..start + end].to_string()
}

/// `request`, with `token` as its bearer token if given.
fn with_token(request: reqwest::RequestBuilder, token: Option<&str>) -> reqwest::RequestBuilder {
    match token {
        Some(token) => request.bearer_auth(token),
        None => request,
    }
}

/// The error codes an OpenAPI document lists in `ErrorBody.code`, each with the status its
/// `x-status-by-code` gives it; asserts that the enum lists exactly the codes of that map, each
/// once.
pub fn documented_error_codes(openapi: &Value) -> BTreeMap<String, u64> {
    let schema = &openapi["components"]["schemas"]["ErrorBody"]["properties"]["code"];
    let by_code: BTreeMap<String, u64> = serde_json::from_value(schema["x-status-by-code"].clone())
        .expect("ErrorBody.code maps every code to its status");
    let mut listed = BTreeSet::new();
    for code in schema["enum"]
        .as_array()
        .expect("ErrorBody.code is an enum")
    {
        let code = code.as_str().expect("a code");
        assert!(listed.insert(code), "{code} is listed twice");
    }
    let mapped: BTreeSet<&str> = by_code.keys().map(String::as_str).collect();
    assert_eq!(
        listed, mapped,
        "the enum is every code of x-status-by-code, and nothing else"
    );
    by_code
}

/// The small negotiation `open_small` records: CIV and MAR, facilitated by IOM.
pub const NEGOTIATION: &str = "civ-mar-test";
pub const CIV_HEAD: &str = "civ.head";
pub const MAR_HEAD: &str = "mar.head";
pub const SECRETARIAT: &str = "iom.secretariat";

/// Opens NEGOTIATION through the API, as CIV's head: CIV and MAR, facilitated by IOM, in French.
pub async fn open_small(server: &Server, civ_head: &str) {
    server.act(NEGOTIATION, civ_head, open_small_action()).await;
}

/// The act `open_small` performs.
pub fn open_small_action() -> Value {
    json!({
        "type": "open-negotiation",
        "negotiation_id": NEGOTIATION,
        "title": "Mémorandum de test",
        "instrument_kind": "mou",
        "parties": [
            {"code": "CIV", "name": "Côte d'Ivoire",
             "head_of_delegation": {"person": CIV_HEAD, "name": "Chef CIV"}},
            {"code": "MAR", "name": "Maroc",
             "head_of_delegation": {"person": MAR_HEAD, "name": "Chef MAR"}},
        ],
        "facilitator": {"code": "IOM", "name": "OIM",
                        "secretariat": {"person": SECRETARIAT, "name": "Secrétariat"}},
        "languages": ["fr"],
    })
}

pub fn propose(clause: &str, text: &str) -> Value {
    json!({"type": "propose-clause", "clause_id": clause, "kind": "article",
           "heading": "Objet", "language": "fr", "text": text})
}

/// Accredits `person` for `party` in `role`, as `head` (that party's head of delegation or the
/// facilitator's secretariat). A signatory gets a key, ex officio.
pub fn accredit(person: &str, party: &str, role: &str) -> Value {
    let signing = (role == "signatory").then(|| {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
        json!({"public_key": hex::encode(key.verifying_key().to_bytes()), "ex_officio": true})
    });
    json!({"type": "accredit-delegate", "person": person, "name": person,
           "party": party, "role": role, "signing": signing})
}

/// Starts the real `pacta serve` on `store` on a free port and returns it with its base URL
/// (no trailing slash). Its standard output is drained so it never blocks on a full pipe.
pub fn spawn_serve(store: &crate::common::TestStore) -> (std::process::Child, String) {
    use std::io::BufRead;

    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pacta"))
        .args(["--store", &store.url, "serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start pacta serve");
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first_line = String::new();
    stdout
        .read_line(&mut first_line)
        .expect("pacta serve prints its address");
    let base = first_line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {first_line:?}"))
        .trim_end_matches('/')
        .to_string();
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    (child, base)
}
