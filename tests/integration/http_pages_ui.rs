//! The pages in the reader's language, and what they add to reading: the timeline's filters and
//! pages, the action matrices, the agreement during a revision, event names in words, and full
//! hashes to copy. Served in-process over the demo story on each store, compared with the API.

use std::collections::BTreeSet;

use crate::common::http::{set_cookie, Server};
use crate::common::{Backend, TestStore};
use reqwest::header::{ACCEPT_LANGUAGE, COOKIE, LOCATION};
use reqwest::StatusCode;
use serde_json::{json, Value};

const MOU: &str = "civ-mar-tip-mou";
const AGREEMENT: &str = "civ-mar-higher-education";

/// The service over the demo story, with a client that follows no redirect.
async fn start(backend: Backend) -> Server {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client");
    let server = Server::on(TestStore::with_demo(backend).await).await;
    Server { client, ..server }
}

/// A page as a browser signed in with `session` (and the other `cookies`) asking for
/// `language` (an `Accept-Language` header) gets it: its status and body.
async fn page(
    server: &Server,
    session: &str,
    path: &str,
    language: Option<&str>,
) -> (StatusCode, String) {
    let mut request = server.client.get(server.url(path)).header(COOKIE, session);
    if let Some(language) = language {
        request = request.header(ACCEPT_LANGUAGE, language);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status();
    (status, response.text().await.expect("the page's body"))
}

async fn ok(server: &Server, session: &str, path: &str, language: Option<&str>) -> String {
    let (status, body) = page(server, session, path, language).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

/// GET `/api/negotiations{path}` as `token`'s person.
async fn api(server: &Server, token: &str, path: &str) -> Value {
    server
        .json(&format!("/api/negotiations{path}"), token)
        .await
}

/// Every value of `attribute` in `html`, in order.
fn attributes(html: &str, attribute: &str) -> Vec<String> {
    let needle = format!(" {attribute}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            rest[..rest.find('"').expect("a closed attribute")].to_string()
        })
        .collect()
}

/// The sequences of the timeline's rows on a page.
fn rows(html: &str) -> Vec<u64> {
    html.split("<tr class=\"event\" data-sequence=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
        .collect()
}

/// The escaping maud applies to text, for comparing API values with page content.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The HTML from `start` up to the first `end` after it.
fn element<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let to = html[from..]
        .find(end)
        .unwrap_or_else(|| panic!("{start} is not closed by {end}"));
    &html[from..from + to + end.len()]
}

async fn pages_speak_the_readers_language(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;
    let session = server.sign_in(&amina).await;
    let draft = format!("/negotiations/{MOU}");
    let timeline = format!("/negotiations/{MOU}/timeline");

    // English without a preference, as before.
    let english = ok(&server, &session, &draft, None).await;
    assert!(english.contains("<html lang=\"en\" dir=\"ltr\">"));
    assert!(english.contains(">Draft at a point<"));

    let french = ok(&server, &session, &draft, Some("fr-CI,fr;q=0.9,en;q=0.5")).await;
    assert!(
        french.contains("<html lang=\"fr\" dir=\"ltr\">"),
        "{french}"
    );
    for label in [
        ">Projet de texte<",
        ">Chronologie<",
        ">Accord<",
        ">Télécharger le texte<",
    ] {
        assert!(french.contains(label), "{label} in {french}");
    }
    for english_label in [
        ">Draft at a point<",
        ">Download the text<",
        ">Timeline<",
        "Status:",
    ] {
        assert!(
            !french.contains(english_label),
            "{english_label} in {french}"
        );
    }
    // The MoU's agreed clauses, in French words.
    let statuses: BTreeSet<String> = api(&server, &amina, &format!("/{MOU}/draft")).await
        ["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap().to_string())
        .collect();
    assert!(statuses.contains("agreed"), "{statuses:?}");
    assert!(french.contains("<span class=\"tag agreed\">adoptée</span>"));

    let arabic = ok(&server, &session, &timeline, Some("ar")).await;
    assert!(
        arabic.contains("<html lang=\"ar\" dir=\"rtl\">"),
        "{arabic}"
    );
    for label in [">مسودة النص<", ">التسلسل الزمني<", ">مصفوفات الإجراءات<"]
    {
        assert!(arabic.contains(label), "{label} in {arabic}");
    }
    assert!(!arabic.contains(">Timeline<"));

    // The switch's cookie wins over the browser's languages.
    let response = server
        .client
        .get(server.url(&format!("/language/ar?back={draft}")))
        .header(ACCEPT_LANGUAGE, "fr")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[LOCATION], draft.as_str());
    let chosen = set_cookie(&response, "pacta_language").expect("the choice is kept");
    assert_eq!(chosen, "pacta_language=ar");
    let with_choice = format!("{session}; {chosen}");
    let chosen_page = ok(&server, &with_choice, &draft, Some("fr")).await;
    assert!(chosen_page.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(chosen_page.contains(">مسودة النص<"));

    // Error pages too: the title in the reader's language, the code as the API gives it.
    let stranger = server.sign_in(&server.token("someone.else").await).await;
    let (status, refused) = page(&server, &stranger, &draft, Some("fr")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        refused.contains("<html lang=\"fr\" dir=\"ltr\">"),
        "{refused}"
    );
    assert!(refused.contains("<h1>404 Introuvable</h1>"), "{refused}");
    assert!(refused.contains("<code>unknown-negotiation</code>"));
    assert!(refused.contains(">Retour à vos négociations<"));
    let (status, refused) = page(&server, &stranger, &draft, Some("ar")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(refused.contains("<html lang=\"ar\" dir=\"rtl\">"));
    assert!(refused.contains("<code>unknown-negotiation</code>"));

    // The sign-in page, before anyone is known.
    let login = server
        .client
        .get(server.url("/login"))
        .header(ACCEPT_LANGUAGE, "fr")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(login.contains("<h1>Connexion</h1>"), "{login}");
    assert!(login.contains(">Jeton<"));
}

/// Every row of a filtered timeline, page after page from the first, and the number of pages:
/// a page past the last is a bad request.
async fn every_page(server: &Server, session: &str, filters: &str) -> (Vec<u64>, usize) {
    let mut all = Vec::new();
    for number in 1.. {
        let path = format!("/negotiations/{MOU}/timeline?{filters}&page={number}");
        let (status, body) = page(server, session, &path, None).await;
        if status == StatusCode::BAD_REQUEST {
            assert!(body.contains("<code>invalid-query</code>"), "{body}");
            return (all, number - 1);
        }
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        let shown = rows(&body);
        assert!(!shown.is_empty() || number == 1, "{path}: an empty page");
        all.extend(shown);
    }
    unreachable!("the pages end")
}

fn sequences(timeline: &Value) -> Vec<u64> {
    timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["sequence"].as_u64().unwrap())
        .collect()
}

async fn timeline_filters_and_pages_match_the_api(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;
    let session = server.sign_in(&amina).await;
    let everything = api(&server, &amina, &format!("/{MOU}/history")).await;
    let entries = everything["entries"].as_array().unwrap().clone();
    let first_round = entries
        .iter()
        .find_map(|e| e["round"].as_str())
        .expect("the demo has rounds");
    let days: Vec<&str> = entries
        .iter()
        .map(|e| e["took_place_on"].as_str().unwrap())
        .collect();
    let (first_day, last_day) = (days[0], days[days.len() - 1]);
    let middle_day = days[days.len() / 2];
    for filters in [
        "party=MAR".to_string(),
        "clause=art-donnees".to_string(),
        format!("round={first_round}"),
        format!("since={middle_day}"),
        format!("until={middle_day}"),
        format!("party=CIV&since={first_day}&until={middle_day}"),
        format!("round={first_round}&clause=art-donnees&party=MAR"),
        // The form sends its empty fields: no filter.
        "party=&clause=&round=&since=&until=".to_string(),
    ] {
        let expected = if filters.starts_with("party=&") {
            sequences(&everything)
        } else {
            sequences(&api(&server, &amina, &format!("/{MOU}/history?{filters}")).await)
        };
        let (shown, _) = every_page(&server, &session, &filters).await;
        assert_eq!(shown, expected, "{filters}");
        assert!(
            shown.len() < entries.len() || filters.starts_with("party=&"),
            "{filters} filters something out"
        );
        assert!(
            !shown.is_empty() || filters.contains("&clause="),
            "{filters}"
        );
    }
    assert_ne!(first_day, last_day);

    // A long history is read a page at a time: comments until there are at least three pages.
    let (_, pages) = every_page(&server, &session, "").await;
    let one_page = rows(
        &ok(
            &server,
            &session,
            &format!("/negotiations/{MOU}/timeline?page=1"),
            None,
        )
        .await,
    )
    .len();
    let mut recorded = entries.len();
    if pages < 3 {
        while recorded <= 2 * one_page {
            let comment = json!({"type": "comment", "clause_id": "art-donnees",
                "text": format!("Commentaire {recorded}")});
            server.act(MOU, &amina, comment).await;
            recorded += 1;
        }
    }
    let everything = sequences(&api(&server, &amina, &format!("/{MOU}/history")).await);
    let (shown, pages) = every_page(&server, &session, "").await;
    assert!(pages >= 2, "{} events on {pages} pages", everything.len());
    assert_eq!(shown, everything, "every event exactly once, in order");
    // Without a page, the latest events, with a link to the earlier ones keeping the filters.
    let latest = ok(
        &server,
        &session,
        &format!("/negotiations/{MOU}/timeline"),
        None,
    )
    .await;
    assert_eq!(rows(&latest).last(), everything.last());
    assert!(
        latest.contains(&format!("href=\"?page={}\"", pages - 1)),
        "{latest}"
    );
    assert!(!latest.contains("rel=\"next\""));
    let filtered = ok(
        &server,
        &session,
        &format!("/negotiations/{MOU}/timeline?party=CIV&page=1"),
        None,
    )
    .await;
    if filtered.contains("rel=\"next\"") {
        assert!(
            filtered.contains("href=\"?party=CIV&amp;page=2\""),
            "{filtered}"
        );
    }

    // Bad filters are a bad request, said on a page.
    for bad in [
        "since=yesterday",
        "until=2026-13-01",
        "page=0",
        "page=two",
        "colour=red",
    ] {
        let path = format!("/negotiations/{MOU}/timeline?{bad}");
        let (status, body) = page(&server, &session, &path, None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(body.contains("<code>invalid-query</code>"), "{bad}: {body}");
        assert!(body.contains("<html lang=\"en\""), "{bad}");
    }
    let (_, french) = page(
        &server,
        &session,
        &format!("/negotiations/{MOU}/timeline?since=hier"),
        Some("fr"),
    )
    .await;
    assert!(french.contains("« hier » n’est pas une date"), "{french}");
}

async fn events_are_named_in_words(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;
    let session = server.sign_in(&amina).await;
    let entries = api(&server, &amina, &format!("/{MOU}/history")).await;
    let types: BTreeSet<&str> = entries["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(
        types.contains("AlternativeChosen") && types.contains("ClauseProposed"),
        "{types:?}"
    );
    let path = format!("/negotiations/{MOU}/timeline");
    let english = ok(&server, &session, &path, None).await;
    let french = ok(&server, &session, &path, Some("fr")).await;
    for event_type in &types {
        assert!(
            !english.contains(event_type),
            "{event_type} on the timeline"
        );
        assert!(
            !french.contains(event_type),
            "{event_type} on the French timeline"
        );
    }
    assert!(english.contains(">alternative chosen<") && english.contains(">clause proposed<"));
    assert!(french.contains(">alternative retenue<") && french.contains(">clause proposée<"));
    // The redline names the acts that changed each clause in words too.
    let redline = ok(
        &server,
        &session,
        &format!("/negotiations/{MOU}/redline"),
        None,
    )
    .await;
    assert!(
        redline.contains("<li>#"),
        "the redline lists who changed a clause"
    );
    for event_type in &types {
        assert!(
            !redline.contains(&format!(" {event_type} ")),
            "{event_type} on the redline"
        );
    }
}

async fn the_matrices_page_shows_what_the_api_gives(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;
    let session = server.sign_in(&amina).await;
    let matrices = api(&server, &amina, &format!("/{MOU}/matrices")).await;
    let matrices = matrices.as_object().expect("matrices by id");
    assert!(!matrices.is_empty(), "the demo's MoU has action matrices");
    let path = format!("/negotiations/{MOU}/matrices");
    let html = ok(&server, &session, &path, None).await;
    assert!(ok(&server, &session, &format!("/negotiations/{MOU}"), None)
        .await
        .contains(&format!("href=\"{path}\"")));
    let mut rows_seen = 0;
    for (id, matrix) in matrices {
        let section = element(
            &html,
            &format!("<section class=\"matrix\" id=\"matrix-{id}\""),
            "</section>",
        );
        let validated = !matrix["validated_at"].is_null();
        assert!(
            section.contains(&format!("data-validated=\"{validated}\"")),
            "{section}"
        );
        let order: Vec<String> = matrix["row_order"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap().to_string())
            .collect();
        let shown = attributes(section, "data-row");
        // Each row once in the matrix's table, in order; progress reports name rows again.
        assert_eq!(&shown[..order.len()], &order[..], "{id}");
        for row_id in &order {
            let row = &matrix["rows"][row_id];
            let tr = element(
                section,
                &format!("<tr class=\"row\" data-row=\"{row_id}\""),
                "</tr>",
            );
            assert!(tr.contains(&format!(
                "data-hash=\"{}\"",
                row["row_hash"].as_str().unwrap()
            )));
            assert!(tr.contains(&format!(
                "data-progress=\"{}\"",
                row["progress"].as_str().unwrap()
            )));
            let objective = row["content"]["objective"].as_str().unwrap();
            assert!(tr.contains(&escaped(objective)), "{tr}");
            for (party, hash) in row["agreed_by"].as_object().unwrap() {
                if hash == &row["row_hash"] {
                    assert!(
                        element(tr, "<td class=\"agreed-by\">", "</td>").contains(party.as_str())
                    );
                }
            }
            rows_seen += 1;
        }
    }
    assert!(rows_seen > 0);
    // Every progress report on record, once.
    let history = api(&server, &amina, &format!("/{MOU}/history")).await;
    let reported: Vec<u64> = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"] == "ProgressReported")
        .map(|e| e["sequence"].as_u64().unwrap())
        .collect();
    assert!(!reported.is_empty(), "the demo reports progress");
    let shown: Vec<u64> = html
        .split("<tr class=\"report\" data-sequence=\"")
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].parse().unwrap())
        .collect();
    assert_eq!(shown, reported);
}

async fn the_agreement_shows_the_text_in_force_beside_the_revision(backend: Backend) {
    let server = start(backend).await;
    let awa = server.token("awa.traore").await;
    let session = server.sign_in(&awa).await;
    let agreement = api(&server, &awa, &format!("/{AGREEMENT}/agreement")).await;
    let revision = agreement["revision"].as_u64().unwrap();
    assert!(revision > 0, "the demo's agreement is under revision");
    let revisions = agreement["revisions"].as_array().unwrap();
    let in_force = &revisions[revisions.len() - 2];
    let html = ok(
        &server,
        &session,
        &format!("/negotiations/{AGREEMENT}/agreement"),
        None,
    )
    .await;

    let text_in_force = element(&html, "<section id=\"text-in-force\"", "</section>");
    assert!(text_in_force.contains(&format!("data-revision=\"{}\"", in_force["revision"])));
    assert!(text_in_force.contains(&format!("Text in force: revision {}", in_force["revision"])));
    assert!(text_in_force.contains(&format!(
        "data-hash=\"{}\"",
        in_force["text_root_hash"].as_str().unwrap()
    )));
    for party in agreement["parties"].as_array().unwrap() {
        let code = party["code"].as_str().unwrap();
        let row = element(text_in_force, &format!("data-party=\"{code}\""), "</tr>");
        assert!(
            !row.contains("not signed"),
            "{code} signed the text in force: {row}"
        );
        assert!(
            !row.contains(">not yet<"),
            "{code} consented to the text in force: {row}"
        );
    }

    let under_revision = element(
        &html,
        "<section id=\"revision-under-negotiation\"",
        "</section>",
    );
    assert!(
        under_revision.contains(&format!(
            "Revision {revision} under negotiation: negotiating"
        )),
        "{under_revision}"
    );
    assert!(under_revision.contains(&format!(
        "data-hash=\"{}\"",
        agreement["text_root_hash"].as_str().unwrap()
    )));
    for party in agreement["parties"].as_array().unwrap() {
        let code = party["code"].as_str().unwrap();
        let row = element(under_revision, &format!("data-party=\"{code}\""), "</tr>");
        assert_eq!(
            party["signature"].is_null(),
            row.contains("not signed"),
            "{code}: {row}"
        );
    }
    let french = ok(
        &server,
        &session,
        &format!("/negotiations/{AGREEMENT}/agreement"),
        Some("fr"),
    )
    .await;
    assert!(french.contains(&format!(
        "Texte en vigueur : révision {}",
        in_force["revision"]
    )));
    assert!(french.contains(&format!("Révision {revision} en cours de négociation")));
}

async fn short_hashes_carry_the_full_hash(backend: Backend) {
    let server = start(backend).await;
    let amina = server.token("amina.kone").await;
    let session = server.sign_in(&amina).await;
    let history = api(&server, &amina, &format!("/{MOU}/history")).await;
    for (path, language, copy, copied) in [
        (
            format!("/negotiations/{MOU}/timeline"),
            None,
            "copy",
            "copied",
        ),
        (
            format!("/negotiations/{MOU}/agreement"),
            Some("fr"),
            "copier",
            "copié",
        ),
        (
            format!("/negotiations/{MOU}/matrices"),
            Some("ar"),
            "نسخ",
            "تم النسخ",
        ),
    ] {
        let html = ok(&server, &session, &path, language).await;
        assert!(
            html.contains("<script src=\"/static/copy.js\" defer></script>"),
            "{path}"
        );
        let codes: Vec<&str> = html.split("<code class=\"hash\"").skip(1).collect();
        assert!(!codes.is_empty(), "{path} shows hashes");
        for code in codes {
            let tag = &code[..code.find("</code>").unwrap()];
            let full = &attributes(tag, "data-hash")[0];
            assert_eq!(full.len(), 64, "{path}: {tag}");
            assert!(full.chars().all(|c| c.is_ascii_hexdigit()), "{tag}");
            assert_eq!(&attributes(tag, "title")[0], full);
            assert_eq!(attributes(tag, "data-copy-label")[0], copy);
            assert_eq!(attributes(tag, "data-copied-label")[0], copied);
            let shown = &tag[tag.find('>').unwrap() + 1..];
            let short = shown.trim_end_matches('…');
            assert!(short.len() >= 8 && full.starts_with(short), "{path}: {tag}");
        }
    }
    let timeline = ok(
        &server,
        &session,
        &format!("/negotiations/{MOU}/timeline"),
        None,
    )
    .await;
    for entry in history["entries"].as_array().unwrap() {
        let hash = entry["hash"].as_str().unwrap();
        assert!(timeline.contains(&format!("data-hash=\"{hash}\"")));
    }
    let script = server
        .client
        .get(server.url("/static/copy.js"))
        .send()
        .await
        .unwrap();
    assert_eq!(script.status(), StatusCode::OK);
    let script = script.text().await.unwrap();
    assert!(script.contains("navigator.clipboard.writeText"));
    assert!(script.contains("data-copy-label") && !script.contains("\"copy\""));
}

on_both_stores!(
    pages_speak_the_readers_language,
    timeline_filters_and_pages_match_the_api,
    events_are_named_in_words,
    the_matrices_page_shows_what_the_api_gives,
    the_agreement_shows_the_text_in_force_beside_the_revision,
    short_hashes_carry_the_full_hash,
);
