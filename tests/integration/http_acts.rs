//! Acting from the pages, over real sockets on both stores: a delegate's form records the act as
//! them; a form without its CSRF token or from another site records nothing; each person is
//! offered exactly the forms their role allows; a stale amendment shows what moved and keeps
//! what was typed; the minutes are recorded by the hash of the uploaded file; a double submit
//! records once; an incomplete form is a 400 that records nothing.

use std::collections::BTreeSet;

use pacta_domain::{Negotiation, NegotiationEvent, Role, PERMISSIONS};
use pacta_service::pages::acts::{act_name, draft_page_acts, MAX_MINUTES_FILE_BYTES};
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, ORIGIN};
use reqwest::StatusCode;
use scraper::{Html, Selector};
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::common::http::{
    accredit, open_small, propose, read, Reply, Server, CIV_HEAD, NEGOTIATION,
};
use crate::common::{Backend, TestStore};

on_both_stores!(
    a_delegate_amends_a_clause_through_the_form,
    a_form_without_its_csrf_token_or_from_another_origin_records_nothing,
    each_role_is_offered_exactly_the_acts_it_may_perform,
    a_stale_amendment_shows_what_moved_and_keeps_what_was_typed,
    minutes_are_recorded_by_the_hash_of_the_uploaded_file,
    a_double_submit_records_once,
    an_incomplete_form_is_refused_and_records_nothing,
);

const NEGOTIATOR: &str = "civ.negotiator";
const CLAUSE: &str = "art-1";
const FIRST_WORDING: &str = "Les Parties coopèrent en matière de formation.";

/// The service with a client that follows no redirect: where a form sends the browser is what
/// is checked.
async fn start(store: TestStore) -> Server {
    let server = Server::on(store).await;
    Server {
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client"),
        ..server
    }
}

/// The small negotiation, with CIV's negotiator accredited and one clause proposed by CIV's
/// head; the head's API token.
async fn small_negotiation(backend: Backend) -> (Server, String) {
    let server = start(TestStore::new(backend).await).await;
    let head = server.token(CIV_HEAD).await;
    open_small(&server, &head).await;
    server
        .act(
            NEGOTIATION,
            &head,
            accredit(NEGOTIATOR, "CIV", "negotiator"),
        )
        .await;
    server
        .act(NEGOTIATION, &head, propose(CLAUSE, FIRST_WORDING))
        .await;
    (server, head)
}

/// A browser signed in as `person`.
struct Browser<'a> {
    server: &'a Server,
    session: String,
}

impl<'a> Browser<'a> {
    async fn of(server: &'a Server, person: &str) -> Browser<'a> {
        let token = server.token(person).await;
        let session = server.sign_in(&token).await;
        Browser { server, session }
    }

    async fn page(&self, path: &str) -> String {
        let reply = self
            .server
            .send(
                self.server
                    .client
                    .get(self.server.url(path))
                    .header(COOKIE, &self.session),
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
        reply.text()
    }

    /// Sends `form` as the browser would from this service's page.
    async fn submit(&self, form: &FormData) -> Reply {
        let request = self
            .server
            .client
            .post(self.server.url(&form.action))
            .header(COOKIE, &self.session)
            .header(ORIGIN, self.server.origin())
            .form(&form.fields);
        self.server.send(request).await
    }

    /// Posts `fields` to `action` with these extra headers (or none), as a forged request would.
    async fn post(&self, action: &str, origin: &str, fields: &[(String, String)]) -> Reply {
        let request = self
            .server
            .client
            .post(self.server.url(action))
            .header(COOKIE, &self.session)
            .header(ORIGIN, origin)
            .form(fields);
        self.server.send(request).await
    }
}

/// A form of a page, as a browser would send it unchanged: its action and its fields (hidden
/// inputs, text inputs, textareas, selected options, checked boxes).
#[derive(Clone, Debug)]
struct FormData {
    act: String,
    clause: Option<String>,
    action: String,
    fields: Vec<(String, String)>,
}

impl FormData {
    fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn set(&mut self, name: &str, value: &str) {
        self.fields.retain(|(n, _)| n != name);
        self.fields.push((name.to_string(), value.to_string()));
    }

    fn without(&self, name: &str) -> FormData {
        let mut form = self.clone();
        form.fields.retain(|(n, _)| n != name);
        form
    }
}

fn selector(css: &str) -> Selector {
    Selector::parse(css).expect("a CSS selector")
}

/// Every acting form of `page`.
fn act_forms(page: &str) -> Vec<FormData> {
    let html = Html::parse_document(page);
    let mut forms = Vec::new();
    for form in html.select(&selector("form.act[data-act]")) {
        let element = form.value();
        let mut fields = Vec::new();
        for input in form.select(&selector("input[name]")) {
            let input = input.value();
            let kind = input.attr("type").unwrap_or("text");
            if kind == "file" || (kind == "checkbox" && input.attr("checked").is_none()) {
                continue;
            }
            let value = input.attr("value").unwrap_or_default();
            fields.push((input.attr("name").unwrap().to_string(), value.to_string()));
        }
        for textarea in form.select(&selector("textarea[name]")) {
            let name = textarea.value().attr("name").unwrap().to_string();
            fields.push((name, textarea.text().collect()));
        }
        for select in form.select(&selector("select[name]")) {
            let name = select.value().attr("name").unwrap().to_string();
            let options: Vec<_> = select.select(&selector("option")).collect();
            let chosen = options
                .iter()
                .find(|o| o.value().attr("selected").is_some())
                .or(options.first())
                .map(|o| o.value().attr("value").unwrap_or_default().to_string())
                .unwrap_or_default();
            fields.push((name, chosen));
        }
        forms.push(FormData {
            act: element.attr("data-act").unwrap().to_string(),
            clause: element.attr("data-clause").map(str::to_string),
            action: element.attr("action").unwrap().to_string(),
            fields,
        });
    }
    forms
}

/// The one form of `page` for `act` (on `clause`, when given).
fn form_for(page: &str, act: &str, clause: Option<&str>) -> FormData {
    let forms: Vec<FormData> = act_forms(page)
        .into_iter()
        .filter(|f| f.act == act && f.clause.as_deref() == clause)
        .collect();
    assert_eq!(forms.len(), 1, "one {act} form on {clause:?}: {forms:?}");
    forms.into_iter().next().unwrap()
}

fn draft_path() -> String {
    format!("/negotiations/{NEGOTIATION}")
}

/// The clause's wordings on record, as the API gives them.
async fn versions(server: &Server, token: &str) -> Vec<serde_json::Value> {
    let history = server
        .json(
            &format!("/api/negotiations/{NEGOTIATION}/clauses/{CLAUSE}/history"),
            token,
        )
        .await;
    history["versions"].as_array().unwrap().clone()
}

async fn a_delegate_amends_a_clause_through_the_form(backend: Backend) {
    let (server, head) = small_negotiation(backend).await;
    let negotiator = Browser::of(&server, NEGOTIATOR).await;
    let page = negotiator.page(&draft_path()).await;
    let mut form = form_for(&page, "amend-clause", Some(CLAUSE));
    assert_eq!(form.get("text"), Some(FIRST_WORDING), "prefilled");
    assert_eq!(form.get("language"), Some("fr"));
    let hash = server.text_hash(NEGOTIATION, &head, CLAUSE).await;
    assert_eq!(form.get("base_text_hash"), Some(hash.as_str()));
    assert_eq!(form.get("return_to"), Some(draft_path().as_str()));

    let amended = "Les Parties coopèrent en matière de formation et de recherche.";
    form.set("text", amended);
    let reply = negotiator.submit(&form).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());

    let versions = versions(&server, &head).await;
    let last = versions.last().unwrap();
    assert_eq!(last["text"], amended);
    assert_eq!(last["kind"], "amended");
    assert_eq!(last["actor"], NEGOTIATOR);
    assert_eq!(last["party"], "CIV");

    // Signing is never a form: the agreement page gives the CLI command, with the text root.
    let agreement = server
        .json(&format!("/api/negotiations/{NEGOTIATION}/agreement"), &head)
        .await;
    let root = agreement["text_root_hash"].as_str().unwrap();
    let page = negotiator
        .page(&format!("/negotiations/{NEGOTIATION}/agreement"))
        .await;
    assert!(
        page.contains(&format!(
            "pacta --as SIGNATORY sign {NEGOTIATION} --key SIGNATORY.key --root {root} --capacity "
        )),
        "{page}"
    );
    assert!(act_forms(&page).iter().all(|f| f.act != "sign-instrument"));
}

/// The page the form sent the browser back to: the draft, at the clause.
async fn location(server: &Server, form: &FormData, browser: &Browser<'_>) -> String {
    let response = server
        .client
        .post(server.url(&form.action))
        .header(COOKIE, &browser.session)
        .header(ORIGIN, server.origin())
        .form(&form.fields)
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    response.headers()[LOCATION].to_str().unwrap().to_string()
}

async fn a_form_without_its_csrf_token_or_from_another_origin_records_nothing(backend: Backend) {
    let (server, _) = small_negotiation(backend).await;
    let negotiator = Browser::of(&server, NEGOTIATOR).await;
    let page = negotiator.page(&draft_path()).await;
    let mut form = form_for(&page, "comment", Some(CLAUSE));
    form.set("text", "Un commentaire.");
    let before = server.store.event_count().await;

    let own = server.origin().to_string();
    let mut wrong = form.clone();
    wrong.set("csrf_token", "not-this-browsers-token");
    let cases = [
        (
            form.without("csrf_token"),
            own.clone(),
            "csrf-token-invalid",
        ),
        (wrong, own.clone(), "csrf-token-invalid"),
        (
            form.clone(),
            "https://evil.example".to_string(),
            "foreign-origin",
        ),
    ];
    for (sent, origin, code) in cases {
        let reply = negotiator.post(&sent.action, &origin, &sent.fields).await;
        assert_eq!(
            reply.status,
            StatusCode::FORBIDDEN,
            "{code}: {}",
            reply.text()
        );
        assert!(
            reply.text().contains(&format!("<code>{code}</code>")),
            "{code}: {}",
            reply.text()
        );
        assert_eq!(
            server.store.event_count().await,
            before,
            "{code}: nothing recorded"
        );
    }

    // The same form, from the page, is recorded; and the browser goes back to the clause.
    let back = location(&server, &form, &negotiator).await;
    assert_eq!(back, format!("{}#clause-{CLAUSE}", draft_path()));
    assert!(server.store.event_count().await > before);
}

/// The kebab names of the acts the draft page offers to `role`, by the role table.
fn permitted_on_the_draft_page(role: Role) -> BTreeSet<String> {
    draft_page_acts()
        .iter()
        .filter(|kind| {
            PERMISSIONS
                .iter()
                .any(|(permitted, roles)| permitted == *kind && roles.contains(&role))
        })
        .map(|kind| act_name(*kind))
        .collect()
}

async fn each_role_is_offered_exactly_the_acts_it_may_perform(backend: Backend) {
    const MOU: &str = "civ-mar-tip-mou";
    let server = start(TestStore::with_demo(backend).await).await;
    let events = server.store.ledger().events(MOU).await.expect("the MoU");
    let state = Negotiation::replay(events.iter().map(|e| &e.payload));
    let persons: BTreeSet<String> = events
        .iter()
        .filter_map(|e| e.metadata.get(pacta_domain::metadata::ACTOR).cloned())
        .collect();
    let mut roles_seen = BTreeSet::new();
    for person in &persons {
        let Some(delegate) = state.delegate(person) else {
            continue;
        };
        if !roles_seen.insert(delegate.role.as_str()) {
            continue;
        }
        let browser = Browser::of(&server, person).await;
        let page = browser.page(&format!("/negotiations/{MOU}")).await;
        let offered: BTreeSet<String> = act_forms(&page).into_iter().map(|f| f.act).collect();
        assert_eq!(
            offered,
            permitted_on_the_draft_page(delegate.role),
            "{person} ({})",
            delegate.role.as_str()
        );
        // A past text is read, never acted on.
        let past = browser
            .page(&format!("/negotiations/{MOU}?at=round:round-1"))
            .await;
        assert!(
            act_forms(&past).is_empty(),
            "{person}: no form on a past text"
        );
    }
    assert!(
        roles_seen.len() >= 4,
        "the demo's people hold several roles: {roles_seen:?}"
    );
}

async fn a_stale_amendment_shows_what_moved_and_keeps_what_was_typed(backend: Backend) {
    let (server, head) = small_negotiation(backend).await;
    let negotiator = Browser::of(&server, NEGOTIATOR).await;
    let page = negotiator.page(&draft_path()).await;
    let mut form = form_for(&page, "amend-clause", Some(CLAUSE));
    let seen = form.get("base_text_hash").unwrap().to_string();

    // Meanwhile the head of delegation amends the clause.
    let theirs = "Les Parties coopèrent étroitement en matière de formation.";
    server
        .act(
            NEGOTIATION,
            &head,
            json!({"type": "amend-clause", "clause_id": CLAUSE, "base_text_hash": seen,
                   "language": "fr", "text": theirs}),
        )
        .await;
    let before = server.store.event_count().await;

    let mine = "Les Parties coopèrent en matière de formation professionnelle.";
    form.set("text", mine);
    let reply = negotiator.submit(&form).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.text());
    assert_eq!(server.store.event_count().await, before);
    let conflict = reply.text();
    assert!(
        conflict.contains("<code>stale-text-hash</code>"),
        "{conflict}"
    );
    let html = Html::parse_document(&conflict);
    let section = html
        .select(&selector("section.conflict"))
        .next()
        .expect("the conflict view");
    let current: String = section
        .select(&selector("div.current"))
        .next()
        .expect("the wording that stands")
        .text()
        .collect();
    assert!(current.contains(theirs), "{current}");
    assert!(
        section.select(&selector(".redline ins")).next().is_some(),
        "a redline from the wording seen: {conflict}"
    );
    let changed_by: String = section
        .select(&selector("ul.changed-by"))
        .next()
        .expect("who changed it")
        .text()
        .collect();
    assert!(changed_by.contains(CIV_HEAD), "{changed_by}");

    // The form again, with what was typed, on the current wording: one click re-applies it.
    let again = form_for(&conflict, "amend-clause", Some(CLAUSE));
    assert_eq!(again.get("text"), Some(mine));
    let current_hash = server.text_hash(NEGOTIATION, &head, CLAUSE).await;
    assert_eq!(again.get("base_text_hash"), Some(current_hash.as_str()));
    assert_ne!(again.get("command_id"), form.get("command_id"));
    let reply = negotiator.submit(&again).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let versions = versions(&server, &head).await;
    assert_eq!(versions.last().unwrap()["text"], mine);
}

async fn minutes_are_recorded_by_the_hash_of_the_uploaded_file(backend: Backend) {
    let (server, head) = small_negotiation(backend).await;
    let today = chrono::Utc::now().date_naive();
    server
        .act(
            NEGOTIATION,
            &head,
            json!({"type": "open-round", "round_id": "round-1", "kind": "negotiating-round",
                   "place": "Abidjan", "starts_on": (today - chrono::Days::new(1)).to_string(),
                   "ends_on": (today + chrono::Days::new(1)).to_string()}),
        )
        .await;
    let browser = Browser::of(&server, CIV_HEAD).await;
    let page = browser.page(&draft_path()).await;
    let mut form = form_for(&page, "record-minutes", None);
    assert_eq!(form.get("round_id"), Some("round-1"), "the open round");
    form.set("reference", "PV n° 1");
    // Above the limit of every other request: the minutes form has its own.
    let file: Vec<u8> = (0..=255u8)
        .cycle()
        .take(pacta_service::MAX_REQUEST_BODY_BYTES * 2)
        .collect();
    let expected = hex::encode(Sha256::digest(&file));
    let reply = upload(&server, &browser, &form, &file)
        .await
        .expect("the server answers");
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    assert_eq!(minutes_on_record(&server).await, vec![expected.clone()]);

    // A file over the limit is refused, and nothing is recorded. (The server may close the
    // connection before the whole body is sent: the client then sees no answer.)
    let before = server.store.event_count().await;
    let mut form = form_for(&browser.page(&draft_path()).await, "record-minutes", None);
    form.set("reference", "PV n° 1, révisé");
    let oversized = vec![b'x'; MAX_MINUTES_FILE_BYTES + 1];
    if let Ok(reply) = upload(&server, &browser, &form, &oversized).await {
        assert_eq!(
            reply.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{}",
            reply.text()
        );
        assert!(reply.text().contains("<code>body-too-large</code>"));
    }
    assert_eq!(server.store.event_count().await, before);
    assert_eq!(minutes_on_record(&server).await, vec![expected]);
}

/// Uploads `file` with the minutes `form`'s fields, as a browser sends the form (multipart),
/// adding a `minutes_hash` of its own that the server must ignore.
async fn upload(
    server: &Server,
    browser: &Browser<'_>,
    form: &FormData,
    file: &[u8],
) -> Result<Reply, reqwest::Error> {
    let boundary = "pacta-test-boundary-7d1f";
    let part = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let mut body = Vec::new();
    for (name, value) in &form.fields {
        body.extend_from_slice(part(name, value).as_bytes());
    }
    body.extend_from_slice(part("minutes_hash", &"0".repeat(64)).as_bytes());
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"minutes\"; filename=\"pv.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let response = server
        .client
        .post(server.url(&form.action))
        .header(COOKIE, &browser.session)
        .header(ORIGIN, server.origin())
        .header(
            CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await?;
    Ok(read(response).await)
}

/// The minutes hashes recorded in the negotiation, in order.
async fn minutes_on_record(server: &Server) -> Vec<String> {
    let events = server.store.ledger().events(NEGOTIATION).await.unwrap();
    events
        .iter()
        .filter_map(|e| match &e.payload {
            NegotiationEvent::MinutesRecorded { minutes_hash, .. } => Some(minutes_hash.clone()),
            _ => None,
        })
        .collect()
}

async fn a_double_submit_records_once(backend: Backend) {
    let (server, _) = small_negotiation(backend).await;
    let negotiator = Browser::of(&server, NEGOTIATOR).await;
    let page = negotiator.page(&draft_path()).await;
    let mut form = form_for(&page, "comment", Some(CLAUSE));
    form.set("text", "Nous proposons d'y revenir.");
    let before = server.store.event_count().await;
    let first = negotiator.submit(&form).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());
    let after_first = server.store.event_count().await;
    assert_eq!(after_first, before + 1);
    let second = negotiator.submit(&form).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.text());
    assert_eq!(server.store.event_count().await, after_first, "a replay");
}

async fn an_incomplete_form_is_refused_and_records_nothing(backend: Backend) {
    let (server, _) = small_negotiation(backend).await;
    let negotiator = Browser::of(&server, NEGOTIATOR).await;
    let page = negotiator.page(&draft_path()).await;
    let form = form_for(&page, "amend-clause", Some(CLAUSE)).without("text");
    let before = server.store.event_count().await;
    let reply = negotiator.submit(&form).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    // Said around in the reader's language; the form comes back as it was filled in.
    let in_french = server
        .send(
            server
                .client
                .post(server.url(&form.action))
                .header(COOKIE, &negotiator.session)
                .header(ORIGIN, server.origin())
                .header(reqwest::header::ACCEPT_LANGUAGE, "fr")
                .form(&form.fields),
        )
        .await;
    assert_eq!(in_french.status, StatusCode::BAD_REQUEST);
    assert!(
        in_french.text().contains("n&#39;a pas été enregistré")
            || in_french.text().contains("n'a pas été enregistré"),
        "{}",
        in_french.text()
    );
    let again = form_for(&in_french.text(), "amend-clause", Some(CLAUSE));
    assert_eq!(
        again.get("base_text_hash"),
        form.get("base_text_hash"),
        "still on the wording seen"
    );
    assert!(
        reply.text().contains("<code>invalid-form</code>"),
        "{}",
        reply.text()
    );
    assert_eq!(server.store.event_count().await, before);
}
