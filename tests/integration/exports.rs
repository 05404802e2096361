//! `pacta export` and `pacta redline` on the demo's ledger: every Akoma Ntoso export, of the
//! present or of a past point, is valid against the vendored OASIS schema (checked by xmllint,
//! which must be installed: this test never skips), the Arabic HTML is right to left, the .docx
//! holds the clauses, a redline is Word tracked changes by the proposing party's delegate (and
//! `<ins>` in HTML, bold in Markdown), and a bad request is refused with one line and writes
//! nothing.

use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};
use pacta_domain::NegotiationEvent;
use pacta_projections::export::{
    redline_docx, signings, Provenance, RedlineDocument, Reviser, TrackedClause,
};
use pacta_projections::{
    agreement_state, draft, draft_of_revision, word_diff, ChangeKind, ClauseChange, Draft,
};
use quick_xml::events::Event;

use crate::common::cli::ExitCode::{self, Environment, Refused, Usage};
use crate::common::cli::{assert_fails, ok, pacta};
use crate::common::{Backend, TestStore};

const SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/schemas/akoma-ntoso/akomantoso30.xsd"
);

async fn demo_store() -> TestStore {
    TestStore::with_demo(Backend::Sqlite).await
}

/// The demo's store, a fresh directory, and the path of a file `name` in it for `--out`.
async fn demo_store_writing(name: &str) -> (TestStore, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join(name).display().to_string();
    (demo_store().await, dir, out)
}

/// Commands, as their arguments, each with what it must say.
type Said<'a> = Vec<(Vec<&'a str>, &'a str)>;

/// The arguments of `pacta export NEGOTIATION --format FORMAT ARGS…`.
fn export<'a>(negotiation: &'a str, format: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    [&["export", negotiation, "--format", format][..], args].concat()
}

async fn current_draft(store: &TestStore, negotiation: &str) -> Draft {
    draft(
        negotiation,
        &store.ledger().events(negotiation).await.unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_akoma_ntoso_export_of_the_demo_is_valid_against_the_oasis_schema() {
    let store = demo_store().await;
    let dir = tempfile::tempdir().unwrap();
    let negotiations = store
        .database
        .aggregate_ids(<pacta_domain::Negotiation as cqrs_es::Aggregate>::TYPE)
        .await
        .unwrap();
    assert_eq!(negotiations, [DEMO_AGREEMENT, DEMO_NEGOTIATION]);
    let mut validated = 0;
    for negotiation in &negotiations {
        let events = store.ledger().events(negotiation).await.unwrap();
        let languages = draft(negotiation, &events).languages;
        for revision in agreement_state(negotiation, &events, None).revisions {
            for language in &languages {
                let revision_arg = revision.revision.to_string();
                let of = ["--language", language, "--revision", &revision_arg];
                let xml = ok(&store, &export(negotiation, "akoma-ntoso", &of));
                let file = dir.path().join(format!(
                    "{negotiation}-{}-{language}.xml",
                    revision.revision
                ));
                std::fs::write(&file, &xml).unwrap();
                assert_valid_akoma_ntoso(&file);
                assert!(xml.contains(&format!(
                    "<FRBRlanguage language=\"{}\"/>",
                    if language == "ar" { "ara" } else { "fra" }
                )));
                validated += 1;
            }
        }
    }
    // The MoU's original text and the agreement's original and revision, in French and Arabic.
    assert_eq!(validated, 6);
}

pub(crate) fn assert_valid_akoma_ntoso(file: &Path) {
    let output = Command::new("xmllint")
        .args(["--noout", "--schema", SCHEMA])
        .arg(file)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "xmllint is needed to validate Akoma Ntoso exports ({e}); install it with \
                 `apt-get install libxml2-utils` (scripts/test does). This test never skips."
            )
        });
    assert!(
        output.status.success(),
        "{} is not valid Akoma Ntoso:\n{}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_arabic_html_is_right_to_left_and_holds_the_arabic_text() {
    let store = demo_store().await;
    let page = ok(
        &store,
        &export(DEMO_NEGOTIATION, "html", &["--language", "ar"]),
    );
    assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"), "{page}");
    let view = current_draft(&store, DEMO_NEGOTIATION).await;
    for clause in &view.clauses {
        let arabic = clause
            .languages
            .iter()
            .find(|v| v.language == "ar")
            .unwrap();
        assert!(!arabic.text.is_empty(), "{} has Arabic", clause.clause_id);
        for line in arabic.text.lines() {
            assert!(page.contains(line.trim()), "{}: {line}", clause.clause_id);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_docx_holds_every_clause() {
    let (store, _dir, out) = demo_store_writing("mou.docx").await;
    let french = ["--language", "fr", "--out", &out];
    ok(&store, &export(DEMO_NEGOTIATION, "docx", &french));
    let text = document_text(&std::fs::read(&out).unwrap());
    let view = current_draft(&store, DEMO_NEGOTIATION).await;
    assert_eq!(view.clauses.len(), 6);
    for clause in &view.clauses {
        assert!(
            text.contains(&clause.text),
            "{} in the .docx",
            clause.clause_id
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redline_of_the_revision_is_word_tracked_changes() {
    let store = demo_store().await;
    let events = store.ledger().events(DEMO_AGREEMENT).await.unwrap();
    let signed = draft_of_revision(DEMO_AGREEMENT, &events, 0).unwrap();
    let revised = draft(DEMO_AGREEMENT, &events);
    let mobility = |view: &Draft| {
        view.clauses
            .iter()
            .find(|c| c.clause_id == "art-mobilite")
            .unwrap()
            .text
            .clone()
    };
    let changes = |old: &str, new: &str| TrackedClause {
        change: ClauseChange::Changed,
        title: word_diff("Article 2 — Mobilité", "Article 2 — Mobilité"),
        text: word_diff(old, new),
        language: "fr".into(),
        changed_by: Some(Reviser {
            author: "CIV".into(),
            date: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
        }),
        notes: Vec::new(),
        comments: Vec::new(),
    };
    // The revision adds doctoral students; read backwards, the same change is a deletion.
    let forward = changes(&mobility(&signed), &mobility(&revised));
    let backward = changes(&mobility(&revised), &mobility(&signed));
    for (clause, kind, element) in [
        (forward, ChangeKind::Inserted, "w:ins"),
        (backward, ChangeKind::Deleted, "w:del"),
    ] {
        let runs = clause.text.iter().filter(|c| c.kind == kind).count();
        assert!(runs > 0);
        let document = RedlineDocument {
            title: "Révision".into(),
            language: "fr".into(),
            revisions: (0, 1),
            provenance: Provenance::default(),
            clauses: vec![clause],
        };
        let docx = redline_docx(&document).unwrap();
        let xml = document_xml(&docx);
        let tracked = xml.matches(&format!("<{element} ")).count();
        assert_eq!(tracked, runs, "one {element} per changed run:\n{xml}");
        assert!(xml.contains("w:author=\"CIV\" w:date=\"2026-10-05T00:00:00Z\""));
        assert!(xml.contains("doctorants"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mou_as_it_stood_when_its_first_round_closed_is_valid_akoma_ntoso() {
    let store = demo_store().await;
    let events = store.ledger().events(DEMO_NEGOTIATION).await.unwrap();
    let first_round = events
        .iter()
        .find_map(|e| match &e.payload {
            NegotiationEvent::RoundOpened { round_id, .. } => Some(round_id.clone()),
            _ => None,
        })
        .expect("the demo's MoU is negotiated in rounds");
    let closed_at = events
        .iter()
        .find(|e| {
            matches!(&e.payload, NegotiationEvent::RoundClosed { round_id } if *round_id == first_round)
        })
        .expect("the first round closed")
        .sequence;
    let at = format!("round:{first_round}");
    let dir = tempfile::tempdir().unwrap();
    for language in ["fr", "ar"] {
        let file = dir.path().join(format!("mou-{first_round}-{language}.xml"));
        let out = file.to_str().unwrap();
        let then = ["--language", language, "--at", &at, "--out", out];
        ok(&store, &export(DEMO_NEGOTIATION, "akoma-ntoso", &then));
        assert_valid_akoma_ntoso(&file);
    }
    // The text, agreement state and matrices are all those of the same prefix: nothing signed
    // or validated yet, though the present MoU is in force with three validated matrices.
    let printed = ok(&store, &export(DEMO_NEGOTIATION, "json", &["--at", &at]));
    let json: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(json["draft"]["as_of_sequence"], closed_at);
    assert_ne!(json["agreement"]["status"]["status"], "in-force");
    let current = ok(&store, &export(DEMO_NEGOTIATION, "akoma-ntoso", &[]));
    let past =
        std::fs::read_to_string(dir.path().join(format!("mou-{first_round}-fr.xml"))).unwrap();
    assert_ne!(past, current, "the past is not the present");
}

/// The arguments of `pacta redline` of the higher-education agreement between two points.
fn redline<'a>((from, to): (&'a str, &'a str), args: &[&'a str]) -> Vec<&'a str> {
    [
        &["redline", DEMO_AGREEMENT, "--from", from, "--to", to][..],
        args,
    ]
    .concat()
}

/// `pacta redline ARGS…` of the revision of the higher-education agreement, from the signed text
/// to the revised one.
fn revision_redline<'a>(args: &[&'a str]) -> Vec<&'a str> {
    redline(("revision:0", "revision:1"), args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pacta_redline_writes_the_revision_as_word_tracked_changes_by_the_proposing_party() {
    let (store, _dir, out) = demo_store_writing("revision.docx").await;
    let printed = ok(
        &store,
        &revision_redline(&["--format", "docx", "--out", &out]),
    );
    assert!(
        printed.is_empty(),
        "the document goes to --out only: {printed}"
    );
    let xml = document_xml(&std::fs::read(&out).unwrap());
    // The amendment that adds doctoral students was made by Morocco's delegate (see
    // cli_views): each change names the delegate, with their party (exports_docx checks the
    // names against the register).
    let insertions = elements(&xml, "w:ins");
    assert!(
        insertions
            .iter()
            .any(|ins| ins.contains("doctorants") && ins.contains(" (MAR)\" w:date=")),
        "a w:ins by MAR's delegate holds the doctoral students:\n{xml}"
    );
    assert!(
        insertions
            .iter()
            .all(|ins| ins.contains(" (MAR)\" w:date=")),
        "every change of the revision is by MAR's delegate:\n{xml}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pacta_redline_as_html_and_markdown_marks_the_insertion() {
    let store = demo_store().await;
    let page = ok(&store, &revision_redline(&["--format", "html"]));
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    let insertions = elements(&page, "ins");
    assert!(
        insertions.iter().any(|ins| ins.contains("doctorants")),
        "an <ins> holds the doctoral students:\n{page}"
    );
    // No language asked for: the document speaks its wordings' reference language, French.
    assert!(page.contains("Proposé par MAR le <time"), "{page}");
    let markdown = ok(&store, &revision_redline(&["--format", "markdown"]));
    assert!(
        markdown.contains("**y compris des doctorants,**"),
        "{markdown}"
    );
    assert!(markdown.contains("*Proposé par MAR le "), "{markdown}");
    // --json stays an alias of --format json; text stays the default.
    let json = ok(&store, &revision_redline(&["--json"]));
    assert_eq!(json, ok(&store, &revision_redline(&["--format", "json"])));
    assert_eq!(
        ok(&store, &revision_redline(&[])),
        ok(&store, &revision_redline(&["--format", "text"]))
    );
}

/// Every `<name …>…</name>` element of `xml`, whole, for checking what an element holds.
fn elements<'a>(xml: &'a str, name: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{name}"), format!("</{name}>"));
    let mut found = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find(&open) {
        let after_name = &rest[start + open.len()..];
        if !after_name.starts_with([' ', '>']) {
            rest = after_name;
            continue;
        }
        let Some(length) = rest[start..].find(&close) else {
            break;
        };
        let end = start + length + close.len();
        found.push(&rest[start..end]);
        rest = &rest[end..];
    }
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_refused_with_one_line_and_write_nothing() {
    let (store, dir, out) = demo_store_writing("out.html").await;
    let out = out.as_str();
    let missing_dir = dir.path().join("missing/out.html");
    let html = |args: &[&'static str]| [args, &["--out", out]].concat();
    let html_export = |args: &[&'static str]| export(DEMO_NEGOTIATION, "html", &html(args));
    // The bad requests by exit status, each with what it says.
    let cases: [(ExitCode, Said); 3] = [
        (
            Refused,
            vec![
                (
                    export("no-such", "html", &html(&[])),
                    "negotiation 'no-such' does not exist",
                ),
                (
                    html_export(&["--language", "en"]),
                    "'en' is not an authentic language of this negotiation (authentic: fr, ar)",
                ),
                (
                    html_export(&["--revision", "7"]),
                    "has no revision 7 on record",
                ),
                (
                    html_export(&["--form", "instrument", "--alternat", "SEN"]),
                    "the alternat names 'SEN', which is not a party (parties: CIV, MAR)",
                ),
                (
                    html_export(&["--at", "9999"]),
                    "event #9999 is beyond the last event",
                ),
                (
                    redline(("revision:0", "revision:7"), &html(&["--format", "docx"])),
                    "no revision 7 on record (revisions: 0, 1)",
                ),
            ],
        ),
        (
            Usage,
            vec![
                (export(DEMO_NEGOTIATION, "docx", &[]), "pass --out FILE"),
                (
                    html_export(&["--form", "clean"]),
                    "'clean' is not a document form (working or instrument)",
                ),
                (
                    html_export(&["--at", "round:"]),
                    "'round:' is not a point in the history (the round id is missing)",
                ),
                (
                    redline(("revision:x", "revision:1"), &html(&["--format", "html"])),
                    "'revision:x' is not a point in the history",
                ),
                (
                    redline(("revision:0", "revision:1"), &["--format", "docx"]),
                    "pass --out FILE",
                ),
            ],
        ),
        (
            Environment,
            vec![(
                export(
                    DEMO_NEGOTIATION,
                    "html",
                    &["--out", missing_dir.to_str().unwrap()],
                ),
                "cannot write",
            )],
        ),
    ];
    for (code, cases) in cases {
        for (args, expected) in cases {
            let output = pacta(&store, &args);
            assert_fails(&output, code, expected);
            assert!(output.stdout.is_empty(), "{args:?} printed a document");
            assert!(!Path::new(out).exists(), "{args:?} wrote {out}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_and_json_go_to_stdout() {
    let store = demo_store().await;
    let markdown = ok(&store, &export(DEMO_AGREEMENT, "markdown", &[]));
    assert!(markdown.starts_with("# Accord de coopération"));
    assert!(markdown.contains("- Révision 1"));
    assert!(markdown.contains("## Article 2 — Mobilité"));
    let printed = ok(&store, &export(DEMO_NEGOTIATION, "json", &[]));
    let json: serde_json::Value = serde_json::from_str(&printed).unwrap();
    assert_eq!(json["draft"]["negotiation_id"], DEMO_NEGOTIATION);
    assert_eq!(json["agreement"]["status"]["status"], "in-force");
    assert_eq!(json["action_matrices"].as_object().unwrap().len(), 3);
}

/// `word/document.xml` of a .docx.
fn document_xml(docx: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("a .docx is a zip archive");
    let document = archive.by_name("word/document.xml");
    std::io::read_to_string(document.expect("a .docx has word/document.xml")).unwrap()
}

/// The text of every paragraph of a .docx, one per line, read by an XML parser: fails if
/// `word/document.xml` is not well-formed.
fn document_text(docx: &[u8]) -> String {
    let xml = document_xml(docx);
    let mut reader = quick_xml::Reader::from_str(&xml);
    reader.config_mut().check_end_names = true;
    let mut text = String::new();
    loop {
        match reader
            .read_event()
            .expect("word/document.xml is well-formed XML")
        {
            Event::Text(t) => text.push_str(&t.decode().unwrap()),
            Event::GeneralRef(r) => {
                let name = r.decode().unwrap();
                let resolved = quick_xml::escape::resolve_xml_entity(&name)
                    .expect("only XML's predefined entities");
                text.push_str(resolved);
            }
            Event::End(e) if e.name().as_ref() == b"w:p" => text.push('\n'),
            Event::Eof => break,
            _ => {}
        }
    }
    text
}

on_both_stores!(the_instrument_form_of_the_demo_is_the_text_to_sign_in_french_and_arabic);

/// `pacta export --form instrument` of the demo's MoU and agreement, in French and Arabic, as
/// Markdown, HTML, .docx and Akoma Ntoso (valid against the schema): the formulas in each
/// language's words, the articles numbered in its convention, the testimonium with the place and
/// date of signature as each language names them, and each party's signature block with its
/// signatory's name and title in the document's language, and none of the negotiation's
/// apparatus.
async fn the_instrument_form_of_the_demo_is_the_text_to_sign_in_french_and_arabic(
    backend: Backend,
) {
    let store = TestStore::with_demo(backend).await;
    let dir = tempfile::tempdir().unwrap();
    for negotiation in [DEMO_NEGOTIATION, DEMO_AGREEMENT] {
        let events = store.ledger().events(negotiation).await.unwrap();
        // The agreement's revision 1 is being negotiated: its signed original is revision 0.
        let revision = if negotiation == DEMO_AGREEMENT {
            "0"
        } else {
            ""
        };
        let view = draft_of_revision(negotiation, &events, 0).unwrap();
        let signed = signings(&events, 0);
        assert_eq!(signed.len(), 2, "{negotiation}: both parties signed");
        let binding = negotiation == DEMO_AGREEMENT;
        for language in ["fr", "ar"] {
            // The MoU is signed in Rabat, the agreement in Abidjan, each place named in each
            // version's own words.
            let done = match (binding, language) {
                (false, "fr") => "Fait à Rabat, le 28 mai 2026, en deux exemplaires originaux",
                (true, "fr") => "Fait à Abidjan, le 9 juillet 2026, en deux exemplaires originaux",
                (false, _) => "حُرِّرت في الرباط بتاريخ 28 ماي 2026، في نظيرين أصليين",
                (true, _) => "حُرِّر في أبيدجان بتاريخ 9 يوليوز 2026، في نظيرين أصليين",
            };
            let (title, formulas, first_article): (&str, Vec<&str>, &str) = if language == "fr" {
                (
                    &view.title,
                    vec![
                        "Le Gouvernement de la République de Côte d'Ivoire et le Gouvernement du \
                         Royaume du Maroc, ci-après dénommés « les Parties »,",
                        "Sont convenus de ce qui suit :",
                        "les deux textes faisant également foi.",
                        "Pour le Gouvernement du Royaume du Maroc",
                        "Pour le Gouvernement de la République de Côte d'Ivoire",
                    ],
                    "Article premier",
                )
            } else {
                (
                    &view.titles["ar"],
                    vec![
                        "إن حكومة جمهورية كوت ديفوار وحكومة المملكة المغربية، المشار إليهما فيما بعد بـ«الطرفين»،",
                        if binding {
                            "قد اتفقتا على ما يلي:"
                        } else {
                            "قد توافقتا على ما يلي:"
                        },
                        "ولكل من النصين الحجية نفسها.",
                        "عن حكومة المملكة المغربية",
                        "عن حكومة جمهورية كوت ديفوار",
                    ],
                    "المادة 1",
                )
            };
            let formulas = [&formulas[..], &[done]].concat();
            let instrument: Vec<&str> = ["--language", language, "--form", "instrument"]
                .into_iter()
                .chain(
                    (!revision.is_empty())
                        .then_some(["--revision", revision])
                        .into_iter()
                        .flatten(),
                )
                .collect();
            let markdown = ok(&store, &export(negotiation, "markdown", &instrument));
            let html = ok(&store, &export(negotiation, "html", &instrument));
            let docx_file = dir.path().join(format!("{negotiation}-{language}.docx"));
            let docx_out = [&instrument[..], &["--out", docx_file.to_str().unwrap()]].concat();
            ok(&store, &export(negotiation, "docx", &docx_out));
            let docx = document_text(&std::fs::read(&docx_file).unwrap());
            let xml = ok(&store, &export(negotiation, "akoma-ntoso", &instrument));
            let xml_file = dir.path().join(format!("{negotiation}-{language}.akn.xml"));
            std::fs::write(&xml_file, &xml).unwrap();
            assert_valid_akoma_ntoso(&xml_file);
            for (format, document) in [("markdown", &markdown), ("html", &html), ("docx", &docx)] {
                let said = format!("{negotiation} {language} {format}");
                assert!(document.contains(title), "{said}: title");
                for formula in &formulas {
                    assert!(document.contains(formula), "{said}: {formula}\n{document}");
                }
                assert!(document.contains(first_article), "{said}: {first_article}");
                for signing in &signed {
                    assert!(document.contains(&signing.name), "{said}: {}", signing.name);
                    let title = signing
                        .title_for(language)
                        .expect("the demo records titles");
                    assert!(document.contains(title), "{said}: {title}");
                    let recorded = signing.title.as_deref().expect("and in French");
                    if language == "ar" {
                        // The Arabic signature block gives the title in Arabic, not the French.
                        assert_ne!(title, recorded, "{said}");
                        assert!(!document.contains(recorded), "{said}: {recorded}");
                    }
                }
                for apparatus in [
                    "Status",
                    "proposed by",
                    "Positions",
                    "Alternative",
                    "Statut",
                    "proposé par",
                    "Variante",
                ] {
                    assert!(!document.contains(apparatus), "{said}: {apparatus}");
                }
            }
            let escaped = |text: &str| quick_xml::escape::escape(text).into_owned();
            assert!(xml.contains(&format!("<docTitle>{}</docTitle>", escaped(title))));
            assert!(xml.contains(&format!("<num>{first_article}</num>")));
            assert!(xml.contains("<formula name=\"openingFormula\">"));
            for signing in &signed {
                let party = signing.party.to_lowercase();
                assert!(xml.contains(&format!("<signature refersTo=\"#party-{party}\">")));
                assert!(xml.contains(&format!(
                    "<person eId=\"sig_{party}__person\" refersTo=\"#person-{}\" as=\"#role-signatory\">{}</person>",
                    signing.signatory,
                    escaped(&signing.name)
                )));
                assert!(xml.contains(&format!("<date date=\"{}\">", signing.on)));
                let place = signing
                    .place_for(language)
                    .expect("the demo records places");
                assert!(xml.contains(&format!(">{place}</location>")), "{place}");
                let title = signing
                    .title_for(language)
                    .expect("the demo records titles");
                assert!(
                    xml.contains(&format!(">{}</role>", escaped(title))),
                    "{title}"
                );
            }
        }
    }
    // The alternat: Morocco's original names Morocco first.
    let moroccan = ok(
        &store,
        &export(
            DEMO_NEGOTIATION,
            "markdown",
            &["--form", "instrument", "--alternat", "MAR"],
        ),
    );
    assert!(moroccan.contains(
        "Le Gouvernement du Royaume du Maroc et le Gouvernement de la République de Côte d'Ivoire"
    ));
    // The working form stays the default.
    let working = ok(&store, &export(DEMO_NEGOTIATION, "markdown", &[]));
    assert!(working.contains("*Statut : "));
}
