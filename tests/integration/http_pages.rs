//! The web pages, served in-process over the demo story on each store: what a delegate sees,
//! what they may not see, sign-in, and that text from the ledger cannot become markup.

use crate::common::http::Server;
use crate::common::{Backend, TestStore};
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};

const MOU: &str = "civ-mar-tip-mou";
const AGREEMENT: &str = "civ-mar-higher-education";

/// The service over the demo story, with a client that follows no redirect: redirects are what
/// these tests check.
async fn start(backend: Backend) -> Server {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let server = Server::on(TestStore::with_demo(backend).await).await;
    Server { client, ..server }
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    body: String,
}

/// What these tests ask of the service: pages, as a browser signed in with a token gets them.
trait Pages {
    async fn signed_in(&self, request: reqwest::RequestBuilder, token: &str) -> reqwest::Response;
    async fn page(&self, token: Option<&str>, path: &str) -> Page;
    async fn ok_page(&self, token: &str, path: &str) -> String;
    async fn api(&self, token: &str, path: &str) -> Value;
}

impl Pages for Server {
    /// Sends `request` with the session cookie that signing in with `token` sets.
    async fn signed_in(&self, request: reqwest::RequestBuilder, token: &str) -> reqwest::Response {
        let request = request.header(COOKIE, self.sign_in(token).await);
        request.send().await.expect("the server answers")
    }

    async fn page(&self, token: Option<&str>, path: &str) -> Page {
        let request = self.client.get(self.url(path));
        let response = match token {
            Some(token) => self.signed_in(request, token).await,
            None => request.send().await.expect("GET a page"),
        };
        let status = response.status();
        let location = response
            .headers()
            .get(LOCATION)
            .map(|l| l.to_str().expect("ASCII location").to_string());
        if status.is_success() || status.is_client_error() {
            let content_type = response.headers()[CONTENT_TYPE].to_str().unwrap();
            assert!(
                content_type.starts_with("text/html"),
                "{path} answered {content_type}, not a page"
            );
        }
        let body = response.text().await.expect("the page's body");
        Page {
            status,
            location,
            body,
        }
    }

    async fn ok_page(&self, token: &str, path: &str) -> String {
        let page = self.page(Some(token), path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        page.body
    }

    /// GET `/api/negotiations{path}` as `token`'s person.
    async fn api(&self, token: &str, path: &str) -> Value {
        self.json(&format!("/api/negotiations{path}"), token).await
    }
}

/// The HTML of the element that starts with `start` (up to its closing `end` tag).
fn element<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in the page"));
    let to = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("{start} is not closed by {end}"));
    &html[from..from + to + end.len()]
}

fn pages_of(negotiation: &str) -> Vec<String> {
    [
        "",
        "/clauses/art-donnees",
        "/redline",
        "/timeline",
        "/agreement",
    ]
    .iter()
    .map(|page| format!("/negotiations/{negotiation}{page}"))
    .collect()
}

async fn every_page_renders_for_a_delegate(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;

    let index = server.ok_page(&amina, "/").await;
    let listed = server.api(&amina, "").await;
    for entry in listed.as_array().expect("a list") {
        let id = entry["negotiation_id"].as_str().unwrap();
        assert!(
            index.contains(&format!("href=\"/negotiations/{id}\"")),
            "{id}"
        );
        assert!(index.contains(entry["title"].as_str().unwrap()));
    }
    assert!(!index.contains(AGREEMENT), "amina is not accredited there");

    // The draft at the close of round 1, when the data clause was bracketed and MAR preferred
    // its alternative: statuses and positions as the API gives them.
    let path = format!("/{MOU}/draft?at=round:round-1");
    let draft = server.api(&amina, &path).await;
    let page = server
        .ok_page(&amina, &format!("/negotiations/{MOU}?at=round:round-1"))
        .await;
    let mut positions_seen = 0;
    for clause in draft["clauses"].as_array().unwrap() {
        let id = clause["clause_id"].as_str().unwrap();
        let status = clause["status"].as_str().unwrap();
        let article = element(
            &page,
            &format!("<article class=\"clause\" id=\"clause-{id}\""),
            "</article>",
        );
        assert!(
            article.contains(&format!("data-status=\"{status}\"")),
            "{id} should be {status}: {article}"
        );
        for position in clause["positions"].as_array().unwrap() {
            let party = position["party"].as_str().unwrap();
            let item = element(article, &format!("data-party=\"{party}\""), "</li>");
            let rationale = position["rationale"].as_str().unwrap();
            assert!(item.contains(&escaped(rationale)), "{id}/{party}: {item}");
            positions_seen += 1;
        }
    }
    // The downloads are of the text shown, and the session cookie is enough to fetch them (from
    // the pages' own route: the API takes no cookie).
    for format in ["markdown", "html", "docx", "pdf", "akoma-ntoso", "json"] {
        let href = format!("/negotiations/{MOU}/exports/{format}?at=round%3Around-1");
        assert!(page.contains(&format!("href=\"{href}\"")), "{format}");
        let response = server
            .signed_in(server.client.get(server.url(&href)), &amina)
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{format}");
    }
    let donnees = element(&page, "id=\"clause-art-donnees\"", "</article>");
    assert!(donnees.contains("data-party=\"MAR\""), "{donnees}");
    assert!(positions_seen >= 2, "round 1 had positions on art-donnees");

    // The clause history shows every wording, each redlined against the one before.
    let history = server
        .api(&amina, &format!("/{MOU}/clauses/art-donnees/history"))
        .await;
    let page = server
        .ok_page(&amina, &format!("/negotiations/{MOU}/clauses/art-donnees"))
        .await;
    let versions = history["versions"].as_array().unwrap();
    assert!(versions.len() > 1);
    for version in versions {
        assert!(page.contains(&format!("id=\"version-{}\"", version["sequence"])));
    }
    assert!(page.contains("<del>") && page.contains("<ins>"), "{page}");

    // The redline defaults to the first and last rounds on record.
    let timeline = server.api(&amina, &format!("/{MOU}/history")).await;
    let entries = timeline["entries"].as_array().unwrap();
    let rounds: Vec<&str> = entries.iter().filter_map(|e| e["round"].as_str()).collect();
    let page = server
        .ok_page(&amina, &format!("/negotiations/{MOU}/redline"))
        .await;
    assert!(
        page.contains(&format!("value=\"round:{}\"", rounds[0])),
        "{page}"
    );
    assert!(page.contains(&format!("value=\"round:{}\"", rounds[rounds.len() - 1])));
    assert!(page.contains("<del>") || page.contains("<ins>"));

    // Every act, each with its verified badge and hash.
    let page = server
        .ok_page(&amina, &format!("/negotiations/{MOU}/timeline"))
        .await;
    assert_eq!(
        page.matches("<tr class=\"event\"").count(),
        entries.len(),
        "one row per act"
    );
    assert_eq!(
        page.matches("<span class=\"tag verified\">verified</span></td>")
            .count(),
        entries.len()
    );
    for entry in entries {
        assert!(page.contains(&format!("title=\"{}\"", entry["hash"].as_str().unwrap())));
    }
    assert!(page.contains("data-verified=\"true\""));
    assert!(!page.contains(">broken<"));
    // The demo's acts took place months before they were recorded: each row gives the day it
    // took place, and the recording time beside it so that neither is taken for the other.
    let first_round_act = entries
        .iter()
        .find(|e| e["took_place_on"] == "2026-03-03")
        .expect("the demo's first round opens on 2026-03-03");
    assert_ne!(
        &first_round_act["recorded_at"].as_str().unwrap()[..10],
        "2026-03-03",
        "the demo is recorded today, not on its own dates"
    );
    assert!(
        page.contains("<time datetime=\"2026-03-03\">2026-03-03</time>"),
        "{page}"
    );
    assert!(page.contains("recorded <time"), "{page}");

    let agreement = server.api(&amina, &format!("/{MOU}/agreement")).await;
    let page = server
        .ok_page(&amina, &format!("/negotiations/{MOU}/agreement"))
        .await;
    assert!(page.contains(agreement["text_root_hash"].as_str().unwrap()));
    let rule: pacta_domain::EntryIntoForceRule =
        serde_json::from_value(agreement["entry_into_force_rule"].clone()).unwrap();
    // The demo's MoU is not legally binding: it takes effect, counted from the last signature,
    // and is never "in force" nor consented to.
    let in_words = format!(
        "<dd id=\"entry-into-force-rule\">{}</dd>",
        rule.in_words_from("the last signature")
    );
    assert!(
        page.contains(&in_words),
        "the rule in words, not as data: {page}"
    );
    assert!(
        page.contains("not registrable under Article 102 of the UN Charter: not intended to be legally binding"),
        "{page}"
    );
    for never in ["in force", "consent to be bound", "Consent to be bound"] {
        assert!(!page.contains(never), "'{never}' in {page}");
    }
    for party in agreement["parties"].as_array().unwrap() {
        assert!(page.contains(&format!(
            "data-party=\"{}\"",
            party["code"].as_str().unwrap()
        )));
    }
}

/// The escaping maud applies to text, for comparing API values with page content.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn pages_need_a_valid_token(backend: Backend) {
    let server = start(backend).await;
    let mut paths = pages_of(MOU);
    paths.push("/".into());
    // A page takes only a session's cookie: not a made-up one, not a token in its place, not a
    // bearer token.
    let amina = server.token("amina.kone").await;
    for path in &paths {
        let page = server.page(None, path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(page.location.as_deref(), Some("/login"), "{path}");
        for request in [
            server
                .client
                .get(server.url(path))
                .header(COOKIE, "pacta_session=pacta_session_not-a-session"),
            server
                .client
                .get(server.url(path))
                .header(COOKIE, format!("pacta_session={amina}")),
            server.client.get(server.url(path)).bearer_auth(&amina),
        ] {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
            assert_eq!(response.headers()[LOCATION], "/login", "{path}");
        }
    }
    let login = server.page(None, "/login").await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(login.body.contains("<label for=\"token\""));
    assert!(login.body.contains("type=\"password\""));
}

async fn sign_in_sets_the_cookie_and_sign_out_clears_it(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;

    let response = server.sign_in_request(&amina).await.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/");
    let cookies: Vec<&str> = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("pacta_session="))
        .unwrap_or_else(|| panic!("{cookies:?}"));
    // The cookie holds a session of its own, never the token.
    assert!(!session.contains(&amina), "{session}");
    assert!(
        session.starts_with("pacta_session=pacta_session_"),
        "{session}"
    );
    for attribute in ["HttpOnly", "SameSite=Strict", "Path=/", "Max-Age=28800"] {
        assert!(session.contains(attribute), "{session}");
    }
    // Served over plain HTTP, with no TLS proxy vouched for: not Secure.
    assert!(!session.contains("Secure"), "{session}");

    let wrong = server
        .sign_in_request("pacta_wrong")
        .await
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    assert!(crate::common::http::set_cookie(&wrong, "pacta_session").is_none());
    let body = wrong.text().await.unwrap();
    assert!(body.contains("role=\"alert\"") && body.contains("name=\"token\""));

    let session = server.sign_in(&amina).await;
    let page = server
        .client
        .get(server.url("/"))
        .header(COOKIE, &session)
        .send()
        .await
        .unwrap();
    let csrf = crate::common::http::csrf_token_in(&page.text().await.unwrap());
    let response = server
        .client
        .post(server.url("/logout"))
        .header(COOKIE, &session)
        .header(reqwest::header::ORIGIN, server.origin())
        .form(&[("csrf_token", csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], "/login");
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("pacta_session=;") && cookie.contains("Max-Age=0"));
}

async fn strangers_get_an_error_page(backend: Backend) {
    let server = start(backend).await;
    let stranger = server.token("someone.else").await;
    for path in pages_of(MOU) {
        let page = server.page(Some(&stranger), &path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            page.body.contains("<code>unknown-negotiation</code>"),
            "{path}"
        );
        assert!(page.body.contains("you are not accredited in it"));
    }
    let amina = server.token("amina.kone").await;
    let page = server
        .page(Some(&amina), "/negotiations/no-such-thing")
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("<code>unknown-negotiation</code>"));
    let page = server
        .page(
            Some(&amina),
            &format!("/negotiations/{MOU}/clauses/no-such-clause"),
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = server
        .page(
            Some(&amina),
            &format!("/negotiations/{MOU}/redline?from=soon&to=1"),
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST, "{}", page.body);
}

async fn internal_comments_stay_with_their_party(backend: Backend) {
    let server = start(backend).await;
    let salma = server.token("salma.idrissi").await;
    let amina = server.token("amina.kone").await;
    let note = "Note interne : consulter Rabat avant la prochaine session";
    let action = json!({
        "type": "comment", "clause_id": "art-donnees", "text": note, "internal": true,
    });
    server.act(MOU, &salma, action).await;

    let timeline = format!("/negotiations/{MOU}/timeline");
    let clause = format!("/negotiations/{MOU}/clauses/art-donnees");
    let mar_timeline = server.ok_page(&salma, &timeline).await;
    assert!(mar_timeline.contains("internal to MAR"), "{mar_timeline}");
    assert!(mar_timeline.contains(&escaped(note)));
    let civ_timeline = server.ok_page(&amina, &timeline).await;
    assert!(!civ_timeline.contains("internal to MAR"));
    assert!(!civ_timeline.contains(&escaped(note)));
    // One row fewer for CIV: the note is the only act MAR sees that CIV does not.
    assert_eq!(
        mar_timeline.matches("<tr class=\"event\"").count(),
        civ_timeline.matches("<tr class=\"event\"").count() + 1
    );
    assert!(server
        .ok_page(&salma, &clause)
        .await
        .contains("internal to MAR"));
    assert!(!server
        .ok_page(&amina, &clause)
        .await
        .contains("internal to MAR"));
}

async fn arabic_reads_right_to_left(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;
    let draft = server.api(&amina, &format!("/{MOU}/draft")).await;
    let page = server
        .ok_page(&amina, &format!("/negotiations/{MOU}"))
        .await;
    let arabic_versions = draft["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["languages"].as_array().unwrap())
        .filter(|l| l["language"] == "ar" && !l["text"].as_str().unwrap().is_empty())
        .count();
    assert!(arabic_versions > 0, "the demo has Arabic versions");
    assert!(page.matches("lang=\"ar\" dir=\"rtl\"").count() >= arabic_versions);
    assert_eq!(
        page.matches("lang=\"ar\"").count(),
        page.matches("lang=\"ar\" dir=\"rtl\"").count(),
        "every Arabic block is right to left"
    );
    assert!(!page.contains("lang=\"fr\" dir=\"rtl\""));
    assert!(page.contains("<html lang=\"en\" dir=\"ltr\">"));
}

async fn text_from_the_ledger_is_escaped(backend: Backend) {
    let server = start(backend).await;
    let awa = server.token("awa.traore").await;
    let text = "<script>alert('pacta')</script> & <b>bold</b>";
    let action = json!({
        "type": "propose-clause", "clause_id": "art-xss", "kind": "article",
        "heading": "<img src=x onerror=alert(1)>", "language": "fr", "text": text,
    });
    server.act(AGREEMENT, &awa, action).await;
    for path in [
        format!("/negotiations/{AGREEMENT}"),
        format!("/negotiations/{AGREEMENT}/clauses/art-xss"),
    ] {
        let page = server.ok_page(&awa, &path).await;
        assert!(!page.contains("<script>alert"), "{path}");
        assert!(!page.contains("<img src=x"), "{path}");
        let shown = "&lt;script&gt;alert('pacta')&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;";
        assert!(page.contains(shown), "{path}: {page}");
        assert!(
            page.contains("&lt;img src=x onerror=alert(1)&gt;"),
            "{path}"
        );
    }
}

on_both_stores!(
    every_page_renders_for_a_delegate,
    pages_need_a_valid_token,
    sign_in_sets_the_cookie_and_sign_out_clears_it,
    strangers_get_an_error_page,
    internal_comments_stay_with_their_party,
    arabic_reads_right_to_left,
    text_from_the_ledger_is_escaped,
);
