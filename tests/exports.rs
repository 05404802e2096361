//! `pacta export` on the demo's ledger: every Akoma Ntoso export is valid against the vendored
//! OASIS schema (checked by xmllint, which must be installed: this test never skips), the Arabic
//! HTML is right to left, the .docx holds the clauses, a redline is Word tracked changes, and a
//! bad request is refused with one line and writes nothing.

mod common;

use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION};
use pacta_projections::export::{redline_docx, ClauseChanges};
use pacta_projections::{agreement_state, draft, draft_of_revision, word_diff, ChangeKind, Draft};
use quick_xml::events::Event;

use common::cli::{ok, pacta, stderr};
use common::{Backend, TestStore};

const SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/schemas/akoma-ntoso/akomantoso30.xsd"
);

async fn demo_store() -> TestStore {
    let store = TestStore::new(Backend::Sqlite).await;
    store.ledger().record_demo_story().await;
    store
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
                let xml = ok(
                    &store,
                    &[
                        "export",
                        negotiation,
                        "--format",
                        "akoma-ntoso",
                        "--language",
                        language,
                        "--revision",
                        &revision_arg,
                    ],
                );
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

fn assert_valid_akoma_ntoso(file: &Path) {
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
        &[
            "export",
            DEMO_NEGOTIATION,
            "--format",
            "html",
            "--language",
            "ar",
        ],
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
    let store = demo_store().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mou.docx");
    let out = file.to_str().unwrap();
    ok(
        &store,
        &[
            "export",
            DEMO_NEGOTIATION,
            "--format",
            "docx",
            "--language",
            "fr",
            "--out",
            out,
        ],
    );
    let text = document_text(&std::fs::read(&file).unwrap());
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
    let changes = |old: &str, new: &str| ClauseChanges {
        label: "Article 2".into(),
        heading: "Mobilité".into(),
        author: "CIV".into(),
        date: NaiveDate::from_ymd_opt(2026, 10, 5).unwrap(),
        changes: word_diff(old, new),
    };
    // The revision adds doctoral students; read backwards, the same change is a deletion.
    let forward = changes(&mobility(&signed), &mobility(&revised));
    let backward = changes(&mobility(&revised), &mobility(&signed));
    for (clause, kind, element) in [
        (forward, ChangeKind::Inserted, "w:ins"),
        (backward, ChangeKind::Deleted, "w:del"),
    ] {
        let runs = clause.changes.iter().filter(|c| c.kind == kind).count();
        assert!(runs > 0);
        let docx = redline_docx("Révision", "fr", std::slice::from_ref(&clause)).unwrap();
        let xml = document_xml(&docx);
        let tracked = xml.matches(&format!("<{element} ")).count();
        assert_eq!(tracked, runs, "one {element} per changed run:\n{xml}");
        assert!(xml.contains("w:author=\"CIV\" w:date=\"2026-10-05T00:00:00Z\""));
        assert!(xml.contains("doctorants"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_refused_with_one_line_and_write_nothing() {
    let store = demo_store().await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.html");
    let out = out.to_str().unwrap();
    let missing_dir = dir.path().join("missing/out.html");
    let cases: [(&[&str], &str); 5] = [
        (
            &["export", "no-such", "--format", "html", "--out", out],
            "negotiation 'no-such' does not exist",
        ),
        (
            &[
                "export",
                DEMO_NEGOTIATION,
                "--format",
                "html",
                "--language",
                "en",
                "--out",
                out,
            ],
            "'en' is not an authentic language of this negotiation (authentic: fr, ar)",
        ),
        (
            &[
                "export",
                DEMO_NEGOTIATION,
                "--format",
                "html",
                "--revision",
                "7",
                "--out",
                out,
            ],
            "has no revision 7 on record",
        ),
        (
            &["export", DEMO_NEGOTIATION, "--format", "docx"],
            "pass --out FILE",
        ),
        (
            &[
                "export",
                DEMO_NEGOTIATION,
                "--format",
                "html",
                "--out",
                missing_dir.to_str().unwrap(),
            ],
            "cannot write",
        ),
    ];
    for (args, expected) in cases {
        let output = pacta(&store, args);
        let message = stderr(&output);
        assert!(!output.status.success(), "{args:?} was accepted");
        assert!(message.contains(expected), "{args:?}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "one line: {message}");
        assert!(output.stdout.is_empty(), "{args:?} printed a document");
        assert!(!Path::new(out).exists(), "{args:?} wrote {out}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markdown_and_json_go_to_stdout() {
    let store = demo_store().await;
    let markdown = ok(&store, &["export", DEMO_AGREEMENT, "--format", "markdown"]);
    assert!(markdown.starts_with("# Accord de coopération"));
    assert!(markdown.contains("- Revision 1"));
    assert!(markdown.contains("## Article 2 — Mobilité"));
    let json: serde_json::Value = serde_json::from_str(&ok(
        &store,
        &["export", DEMO_NEGOTIATION, "--format", "json"],
    ))
    .unwrap();
    assert_eq!(json["draft"]["negotiation_id"], DEMO_NEGOTIATION);
    assert_eq!(json["agreement"]["status"]["status"], "in-force");
    assert_eq!(json["action_matrices"].as_object().unwrap().len(), 3);
}

/// `word/document.xml` of a .docx.
fn document_xml(docx: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(docx)).expect("a .docx is a zip archive");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("a .docx has word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    xml
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
