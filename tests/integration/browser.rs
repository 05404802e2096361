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
    fn new() -> Screenshots {
        let folder = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_delegate_reads_the_draft_in_chromium() {
    let driver = ChromeDriver::start();
    let server = Server::on(TestStore::with_demo(Backend::Sqlite).await).await;
    let token = server.token("koffi.yao").await;
    let base = &server.base;

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
    let browser = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(capabilities.as_object().unwrap().clone())
        .connect(&driver.url)
        .await
        .expect("a Chromium session through chromedriver");
    let mut shots = Screenshots::new();

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
