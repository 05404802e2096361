//! The pages in a real browser: Debian's headless Chromium, driven through chromedriver, signs
//! in as a CIV delegate, reads the MoU's draft and follows a clause to its history. What the
//! browser renders is compared with the API's JSON for the same person; a screenshot of each
//! step is kept for a person to look at.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::http::Server;
use crate::common::{Backend, TestStore};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const MOU: &str = "civ-mar-tip-mou";
/// How long chromedriver may take to listen after it starts, polled every 100 ms.
const DRIVER_START_ATTEMPTS: usize = 300;

/// chromedriver as a child process, killed when the test ends however it ends.
struct ChromeDriver {
    child: Child,
    url: String,
}

impl ChromeDriver {
    fn start() -> ChromeDriver {
        for program in [CHROMIUM, CHROMEDRIVER] {
            assert!(
                Path::new(program).exists(),
                "{program} is missing: the browser test needs Debian's headless Chromium. \
                 Install it with `apt-get install chromium chromium-driver` (scripts/test does)."
            );
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let driver = ChromeDriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..DRIVER_START_ATTEMPTS {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return driver;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("chromedriver did not listen on port {port}");
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Screenshots {
    folder: PathBuf,
    taken: Vec<PathBuf>,
}

impl Screenshots {
    /// Screenshots in `browser/{test}` under the tests' output folder.
    fn new(test: &str) -> Screenshots {
        let folder = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("browser")
            .join(test);
        std::fs::create_dir_all(&folder).expect("the screenshot folder");
        Screenshots {
            folder,
            taken: Vec::new(),
        }
    }

    async fn take(&mut self, browser: &Client, name: &str) {
        let png = browser.screenshot().await.expect("a screenshot");
        let path = self
            .folder
            .join(format!("{:02}-{name}.png", self.taken.len() + 1));
        std::fs::write(&path, png).expect("write the screenshot");
        println!("screenshot: {}", path.display());
        self.taken.push(path);
    }

    /// Waits until the page shows an element matching `css`, then takes a screenshot named
    /// `name`; returns the element.
    async fn take_once_shown(&mut self, browser: &Client, css: &str, name: &str) -> Element {
        let shown = browser.wait().for_element(Locator::Css(css)).await;
        let element = shown.unwrap_or_else(|e| panic!("{name}: no {css} on the page: {e}"));
        self.take(browser, name).await;
        element
    }
}

/// The API's JSON at `/api/negotiations/MOU{path}`, as `token`'s person reads it.
async fn api(server: &Server, token: &str, path: &str) -> Value {
    server
        .json(&format!("/api/negotiations/{MOU}{path}"), token)
        .await
}

async fn attr(element: &Element, name: &str) -> String {
    element
        .attr(name)
        .await
        .expect("read an attribute")
        .unwrap_or_else(|| panic!("the element has no {name}"))
}

/// A clause as the test compares it: element id, status, and each (party, position).
type ShownClause = (String, String, Vec<(String, String)>);

/// The clauses the page shows, in page order.
async fn rendered_clauses(browser: &Client) -> Vec<ShownClause> {
    let mut clauses = Vec::new();
    for article in browser
        .find_all(Locator::Css("article.clause"))
        .await
        .expect("clauses")
    {
        let id = attr(&article, "id").await;
        let status = attr(&article, "data-status").await;
        let mut positions = Vec::new();
        for item in article
            .find_all(Locator::Css("li.position"))
            .await
            .expect("positions")
        {
            positions.push((
                attr(&item, "data-party").await,
                attr(&item, "data-position").await,
            ));
        }
        clauses.push((id, status, positions));
    }
    clauses
}

/// The same, from the API's Draft.
fn drafted_clauses(draft: &Value) -> Vec<ShownClause> {
    draft["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .map(|clause| {
            let positions = clause["positions"]
                .as_array()
                .expect("positions")
                .iter()
                .map(|p| {
                    let position = p["position"]["position"].as_str().unwrap().to_string();
                    let position = match p["position"]["label"].as_str() {
                        Some(label) => format!("{position}:{label}"),
                        None => position,
                    };
                    (p["party"].as_str().unwrap().to_string(), position)
                })
                .collect();
            (
                format!("clause-{}", clause["clause_id"].as_str().unwrap()),
                clause["status"].as_str().unwrap().to_string(),
                positions,
            )
        })
        .collect()
}

/// A headless Chromium session through `driver`, with a profile of its own (kept as long as the
/// returned folder lives), so two sessions hold two different sign-ins.
async fn chromium(driver: &ChromeDriver) -> (Client, tempfile::TempDir) {
    let profile = tempfile::tempdir().expect("a browser profile folder");
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900",
                format!("--user-data-dir={}", profile.path().display()),
            ],
        },
    });
    let browser: Client =
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities.as_object().unwrap().clone())
            .connect(&driver.url)
            .await
            .expect("a Chromium session through chromedriver");
    (browser, profile)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_delegate_reads_the_draft_in_chromium() {
    let driver = ChromeDriver::start();
    let server = Server::on(TestStore::with_demo(Backend::Sqlite).await).await;
    let token = server.token("koffi.yao").await;
    let base = &server.base;

    let (browser, _profile) = chromium(&driver).await;
    let mut shots = Screenshots::new("a-delegate-reads");

    // Sign in with the token, as a delegate would.
    browser.goto(&format!("{base}/login")).await.unwrap();
    shots.take(&browser, "login").await;
    browser
        .find(Locator::Css("input#token"))
        .await
        .expect("the token field")
        .send_keys(&token)
        .await
        .unwrap();
    browser
        .find(Locator::Css("form[action='/login'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let link = format!("a[href='/negotiations/{MOU}']");
    let link = shots.take_once_shown(&browser, &link, "negotiations").await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/");

    // The draft: every clause with the status the API gives, in the same order.
    link.click().await.unwrap();
    shots
        .take_once_shown(&browser, "article.clause", "draft")
        .await;
    let draft = api(&server, &token, "/draft").await;
    assert_eq!(rendered_clauses(&browser).await, drafted_clauses(&draft));

    // The draft at the close of round 1, when positions were still open.
    let at = "round:round-1";
    browser
        .goto(&format!("{base}/negotiations/{MOU}?at={at}"))
        .await
        .unwrap();
    browser
        .execute(
            "document.getElementById('clause-art-donnees').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    shots.take(&browser, "draft-at-round-1").await;
    let then = api(&server, &token, &format!("/draft?at={at}")).await;
    let rendered = rendered_clauses(&browser).await;
    assert_eq!(rendered, drafted_clauses(&then));
    assert!(
        rendered
            .iter()
            .any(|(_, _, positions)| !positions.is_empty()),
        "round 1 left positions on record"
    );

    // Follow a clause to its history: every wording is there, as the API gives it.
    let clause = "art-donnees";
    browser
        .find(Locator::Css(&format!(
            "#clause-{clause} a[href='/negotiations/{MOU}/clauses/{clause}']"
        )))
        .await
        .expect("the link to the clause's history")
        .click()
        .await
        .unwrap();
    shots
        .take_once_shown(&browser, "article.version", "clause-history")
        .await;
    let history = api(&server, &token, &format!("/clauses/{clause}/history")).await;
    let versions = history["versions"].as_array().unwrap();
    let rendered = browser
        .find_all(Locator::Css("article.version"))
        .await
        .unwrap();
    assert_eq!(rendered.len(), versions.len());
    for (version, article) in versions.iter().zip(&rendered) {
        assert_eq!(
            attr(article, "id").await,
            format!("version-{}", version["sequence"])
        );
    }
    // Read without its struck words, each redline is the wording; without its inserted words,
    // the wording it replaced.
    let shown_without = |sequence: &Value, tag: &str| {
        let script = "const p = document.querySelector(arguments[0]).cloneNode(true); \
                      p.querySelectorAll(arguments[1]).forEach(e => e.remove()); \
                      return p.textContent;";
        let selector = format!("#version-{sequence} .redline > p:last-child");
        let browser = &browser;
        let tag = tag.to_string();
        async move {
            browser
                .execute(script, vec![json!(selector), json!(tag)])
                .await
                .expect("read the redline")
                .as_str()
                .expect("its text")
                .to_string()
        }
    };
    let mut compared_with_previous = 0;
    for version in versions {
        let sequence = &version["sequence"];
        assert_eq!(
            shown_without(sequence, "del").await,
            version["text"].as_str().unwrap()
        );
        let previous = versions
            .iter()
            .find(|v| v["sequence"] == version["previous_sequence"]);
        if let Some(previous) = previous {
            assert_eq!(
                shown_without(sequence, "ins").await,
                previous["text"].as_str().unwrap()
            );
            compared_with_previous += 1;
        }
    }
    assert!(compared_with_previous > 0, "the clause was amended");

    for page in ["timeline", "agreement", "redline"] {
        browser
            .goto(&format!("{base}/negotiations/{MOU}/{page}"))
            .await
            .unwrap();
        shots.take(&browser, page).await;
    }

    // Sign out: the form carries its CSRF token and the browser its own Origin, so it is done;
    // the session is revoked and the pages send the browser back to sign in.
    browser
        .find(Locator::Css("form[action='/logout'] button[type=submit]"))
        .await
        .expect("the sign-out button")
        .click()
        .await
        .unwrap();
    shots
        .take_once_shown(&browser, "input#token", "signed-out")
        .await;
    assert_eq!(browser.current_url().await.unwrap().path(), "/login");
    browser.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(browser.current_url().await.unwrap().path(), "/login");
    let sessions = server.store.database.tokens().await.unwrap();
    let session = sessions
        .iter()
        .find(|t| t.kind == "session")
        .expect("a session");
    assert!(session.revoked_at.is_some(), "signing out revoked it");
    browser.close().await.expect("end the browser session");
    assert!(shots.taken.iter().all(|path| path.exists()));
}

const ROOM: &str = "civ-mar-salle";
const CIV_HEAD: &str = "civ.head";
const MAR_HEAD: &str = "mar.head";
const MAR_LINGUIST: &str = "mar.linguist";

/// Signs `browser` in with `token` and switches its pages to `language` (the header's switch).
async fn sign_in(browser: &Client, base: &str, token: &str, language: &str) {
    browser.goto(&format!("{base}/login")).await.unwrap();
    browser
        .find(Locator::Css("input#token"))
        .await
        .expect("the token field")
        .send_keys(token)
        .await
        .unwrap();
    browser
        .find(Locator::Css("form[action='/login'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .wait()
        .for_element(Locator::Css("nav[aria-label] a[href='/']"))
        .await
        .expect("signed in");
    browser
        .goto(&format!("{base}/language/{language}?back=/"))
        .await
        .unwrap();
    let html = browser.find(Locator::Css("html")).await.unwrap();
    assert_eq!(attr(&html, "lang").await, language);
}

/// The form of `act` (on `clause`, if given) on the page, its acts opened if they are folded.
async fn form(browser: &Client, act: &str, clause: Option<&str>) -> Element {
    let css = match clause {
        Some(clause) => {
            // A clause's acts are folded under its "act on this clause".
            let fold = format!("details.acts[data-clause='{clause}']");
            browser
                .execute(
                    "const d = document.querySelector(arguments[0]); if (d) d.open = true;",
                    vec![json!(fold)],
                )
                .await
                .unwrap();
            format!("form.act[data-act='{act}'][data-clause='{clause}']")
        }
        None => format!("form.act[data-act='{act}']"),
    };
    browser
        .wait()
        .for_element(Locator::Css(&css))
        .await
        .unwrap_or_else(|e| panic!("no form {css}: {e}"))
}

/// Types `text` into `form`'s field `name`, replacing what it held.
async fn fill(form: &Element, name: &str, text: &str) {
    let field = form
        .find(Locator::Css(&format!("[name='{name}']")))
        .await
        .unwrap_or_else(|e| panic!("no field {name}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn submit(form: &Element) {
    form.find(Locator::Css("button[type=submit]"))
        .await
        .expect("the form's button")
        .click()
        .await
        .unwrap();
}

/// Opens the draft page of ROOM and waits for it.
async fn open_draft(browser: &Client, base: &str) {
    browser
        .goto(&format!("{base}/negotiations/{ROOM}"))
        .await
        .unwrap();
    browser
        .wait()
        .for_element(Locator::Css("nav.negotiation"))
        .await
        .expect("the draft page");
}

/// The clause's wording and status as the API gives them to `token`'s person.
async fn clause_now(server: &Server, token: &str, clause: &str) -> Value {
    let draft = server
        .json(&format!("/api/negotiations/{ROOM}/draft"), token)
        .await;
    draft["clauses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["clause_id"] == clause)
        .unwrap_or_else(|| panic!("{clause} in {draft}"))
        .clone()
}

/// Two delegations in two browsers: Côte d'Ivoire (in French) proposes an article, Morocco (in
/// Arabic) sees it arrive without reloading and brackets an alternative, both agree the chosen
/// wording, Morocco's legal-linguist records the Arabic and attests its concordance, and an
/// amendment made on a stale page shows the conflict, keeps what was typed and re-applies. Every
/// act is then in `pacta history`, by the person and party who did it in the browser.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_delegations_negotiate_an_article_in_two_browsers() {
    let driver = ChromeDriver::start();
    let server = Server::on(TestStore::new(Backend::Sqlite).await).await;
    let base = server.base.clone();
    let civ = server.token(CIV_HEAD).await;
    let mar = server.token(MAR_HEAD).await;
    let opening = json!({
        "type": "open-negotiation",
        "negotiation_id": ROOM,
        "title": "Mémorandum d'entente sur la lutte contre la traite des personnes",
        "instrument_kind": "mou",
        "parties": [
            {"code": "CIV", "name": "République de Côte d'Ivoire",
             "head_of_delegation": {"person": CIV_HEAD, "name": "Awa Koné"}},
            {"code": "MAR", "name": "Royaume du Maroc",
             "head_of_delegation": {"person": MAR_HEAD, "name": "Youssef Benali"}},
        ],
        "languages": ["fr", "ar"],
        "language_responsibility": {"ar": "MAR"},
    });
    server.act(ROOM, &civ, opening).await;
    let linguist = json!({"type": "accredit-delegate", "person": MAR_LINGUIST,
        "name": "Karim Tazi", "party": "MAR", "role": "legal-linguist"});
    server.act(ROOM, &mar, linguist).await;
    let linguist = server.token(MAR_LINGUIST).await;

    let (civ_browser, _civ_profile) = chromium(&driver).await;
    let (mar_browser, _mar_profile) = chromium(&driver).await;
    let mut shots_fr = Screenshots::new("two-delegations-fr");
    let mut shots_ar = Screenshots::new("two-delegations-ar");
    sign_in(&civ_browser, &base, &civ, "fr").await;
    sign_in(&mar_browser, &base, &mar, "ar").await;
    open_draft(&civ_browser, &base).await;
    open_draft(&mar_browser, &base).await;
    let html = mar_browser.find(Locator::Css("html")).await.unwrap();
    assert_eq!(
        attr(&html, "dir").await,
        "rtl",
        "the Arabic page reads right to left"
    );
    // A mark on Morocco's page: still there later, the page was not reloaded.
    mar_browser
        .execute("window.pactaNotReloaded = true;", vec![])
        .await
        .unwrap();

    // Côte d'Ivoire proposes an article.
    let clause = "art-cooperation";
    let proposed = "Les Parties coopèrent pour prévenir la traite des personnes.";
    let propose = form(&civ_browser, "propose-clause", None).await;
    fill(&propose, "new_clause_id", clause).await;
    propose
        .find(Locator::Css("select[name=kind]"))
        .await
        .unwrap()
        .select_by_value("article")
        .await
        .unwrap();
    fill(&propose, "heading", "Coopération").await;
    fill(&propose, "text", proposed).await;
    shots_fr.take(&civ_browser, "civ-types-an-article").await;
    submit(&propose).await;
    shots_fr
        .take_once_shown(
            &civ_browser,
            &format!("article#clause-{clause}"),
            "civ-proposed",
        )
        .await;

    // Morocco sees it arrive, without reloading.
    let arrived = shots_ar
        .take_once_shown(&mar_browser, "section.live-acts li", "mar-sees-it-live")
        .await;
    assert!(
        arrived.text().await.unwrap().contains(clause),
        "the live act names the clause"
    );
    let not_reloaded = mar_browser
        .execute("return window.pactaNotReloaded === true;", vec![])
        .await
        .unwrap();
    assert_eq!(not_reloaded, json!(true), "it came without a reload");

    // Morocco brackets an alternative.
    open_draft(&mar_browser, &base).await;
    let alternative =
        "Les Parties coopèrent étroitement pour prévenir et combattre la traite des personnes.";
    let bracket = form(&mar_browser, "propose-alternative", Some(clause)).await;
    fill(&bracket, "label", "A").await;
    fill(&bracket, "text", alternative).await;
    submit(&bracket).await;
    shots_ar
        .take_once_shown(
            &mar_browser,
            &format!("#clause-{clause} li.alternative[data-label='A']"),
            "mar-brackets-an-alternative",
        )
        .await;

    // Côte d'Ivoire proposes choosing it and agrees it; Morocco agrees it too.
    open_draft(&civ_browser, &base).await;
    submit(&form(&civ_browser, "choose-alternative", Some(clause)).await).await;
    open_draft(&civ_browser, &base).await;
    let agree_chosen =
        format!("form.act[data-act='agree-clause'][data-clause='{clause}']:has(p.chosen)");
    form(&civ_browser, "agree-clause", Some(clause)).await;
    let agree = civ_browser.find(Locator::Css(&agree_chosen)).await.unwrap();
    submit(&agree).await;
    shots_fr
        .take_once_shown(
            &civ_browser,
            &format!("#clause-{clause}"),
            "civ-agrees-the-choice",
        )
        .await;
    open_draft(&mar_browser, &base).await;
    form(&mar_browser, "agree-clause", Some(clause)).await;
    let agree = mar_browser.find(Locator::Css(&agree_chosen)).await.unwrap();
    submit(&agree).await;
    shots_ar
        .take_once_shown(
            &mar_browser,
            &format!("article#clause-{clause}[data-status='agreed']"),
            "mar-agrees-the-choice",
        )
        .await;
    let agreed = clause_now(&server, &civ, clause).await;
    assert_eq!(agreed["status"], "agreed");
    assert_eq!(agreed["text"], alternative, "the chosen wording stands");

    // Morocco's legal-linguist records the Arabic version and attests its concordance.
    mar_browser
        .find(Locator::Css("form[action='/logout'] button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    mar_browser
        .wait()
        .for_element(Locator::Css("input#token"))
        .await
        .unwrap();
    sign_in(&mar_browser, &base, &linguist, "ar").await;
    open_draft(&mar_browser, &base).await;
    let arabic = "يتعاون الطرفان بشكل وثيق على منع الاتجار بالأشخاص ومكافحته.";
    let translate = form(&mar_browser, "translate-clause", Some(clause)).await;
    fill(&translate, "heading", "التعاون").await;
    fill(&translate, "text", arabic).await;
    submit(&translate).await;
    open_draft(&mar_browser, &base).await;
    submit(&form(&mar_browser, "verify-concordance", Some(clause)).await).await;
    shots_ar
        .take_once_shown(
            &mar_browser,
            &format!("#clause-{clause}"),
            "linguist-attests-concordance",
        )
        .await;
    let versions = clause_now(&server, &civ, clause).await["languages"].clone();
    let arabic_version = versions
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["language"] == "ar")
        .expect("an Arabic version");
    assert_eq!(arabic_version["text"], arabic);
    assert_eq!(arabic_version["status"], "concordant", "{arabic_version}");

    // A stale edit: Côte d'Ivoire's page shows a clause Morocco then amends (through the API).
    let second = "art-echanges";
    let first_wording = "Les Parties échangent des informations.";
    server
        .act(
            ROOM,
            &civ,
            json!({"type": "propose-clause", "clause_id": second, "kind": "article",
            "heading": "Échanges", "language": "fr", "text": first_wording}),
        )
        .await;
    open_draft(&civ_browser, &base).await;
    let typed = "Les Parties échangent des informations dans le respect des données personnelles.";
    let amend = form(&civ_browser, "amend-clause", Some(second)).await;
    fill(&amend, "text", typed).await;
    let moroccan = "Les Parties échangent des informations par les canaux diplomatiques.";
    let base_hash = clause_now(&server, &mar, second).await["text_hash"].clone();
    server
        .act(
            ROOM,
            &mar,
            json!({"type": "amend-clause", "clause_id": second,
            "base_text_hash": base_hash, "language": "fr", "text": moroccan}),
        )
        .await;
    // The page flags the form it is being typed in, live.
    shots_fr
        .take_once_shown(
            &civ_browser,
            &format!("form.act.changed-live[data-clause='{second}']"),
            "civ-form-flagged-live",
        )
        .await;
    submit(&amend).await;
    shots_fr
        .take_once_shown(
            &civ_browser,
            ".redline del, .redline ins",
            "civ-sees-the-conflict",
        )
        .await;
    let kept = civ_browser
        .find(Locator::Css(&format!(
            "form.act[data-act='amend-clause'][data-clause='{second}'] textarea[name=text]"
        )))
        .await
        .expect("the form again")
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some(typed), "what was typed is kept");
    let page_text = civ_browser
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page_text.contains("canaux diplomatiques"),
        "the wording that now stands"
    );
    // Re-applied in one step, on the wording that now stands.
    submit(
        &civ_browser
            .find(Locator::Css(&format!(
                "form.act[data-act='amend-clause'][data-clause='{second}']"
            )))
            .await
            .unwrap(),
    )
    .await;
    shots_fr
        .take_once_shown(
            &civ_browser,
            &format!("article#clause-{second}"),
            "civ-re-applied",
        )
        .await;
    assert_eq!(clause_now(&server, &civ, second).await["text"], typed);

    // Every act, in `pacta history`, by whom and for whom it was done.
    let history = crate::common::cli::json(&server.store, &["history", ROOM]);
    let acts: Vec<(String, String, String)> = history
        .as_array()
        .expect("history entries")
        .iter()
        .map(|e| {
            let field = |name: &str| e[name].as_str().unwrap_or_default().to_string();
            (field("event"), field("actor"), field("party"))
        })
        .collect();
    let by = |event: &str, actor: &str, party: &str| (event.into(), actor.into(), party.into());
    let expected: Vec<(String, String, String)> = vec![
        by("ClauseProposed", CIV_HEAD, "CIV"),
        by("AlternativeProposed", MAR_HEAD, "MAR"),
        by("AlternativeChoiceProposed", CIV_HEAD, "CIV"),
        by("ClauseAgreed", CIV_HEAD, "CIV"),
        by("ClauseAgreed", MAR_HEAD, "MAR"),
        by("ClauseTranslated", MAR_LINGUIST, "MAR"),
        by("ConcordanceVerified", MAR_LINGUIST, "MAR"),
        by("ClauseProposed", CIV_HEAD, "CIV"),
        by("ClauseAmended", MAR_HEAD, "MAR"),
        by("ClauseAmended", CIV_HEAD, "CIV"),
    ];
    let recorded: Vec<_> = acts
        .iter()
        .filter(|(event, ..)| {
            !matches!(
                event.as_str(),
                "NegotiationOpened"
                    | "NegotiationAccepted"
                    | "DelegateAccredited"
                    | "AlternativeChosen"
            )
        })
        .cloned()
        .collect();
    assert_eq!(recorded, expected, "{history}");
    for browser in [civ_browser, mar_browser] {
        browser.close().await.expect("end the browser session");
    }
    assert!(shots_fr.taken.len() >= 5 && shots_ar.taken.len() >= 4);
}
