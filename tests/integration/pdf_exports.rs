//! `pacta export --format pdf`: the demo's instrument as PDF/A in French and Arabic, checked with
//! the tools an archivist would use (qpdf's structural check, poppler's pdffonts, pdfinfo and
//! pdftotext; scripts/test installs them, and these tests never skip): a sound file, every font
//! embedded, PDF/A-2 metadata, and the words of the text extracted in logical order; in one
//! language, and in two side by side.

use std::path::Path;
use std::process::Command;

use pacta::demo::{DEMO_AGREEMENT, DEMO_NEGOTIATION, DEMO_TOKEN_PERSON};
use pacta_projections::export::signings;
use reqwest::StatusCode;

use crate::common::cli::ExitCode::Usage;
use crate::common::cli::{assert_fails, ok, pacta};
use crate::common::http::Server;
use crate::common::{Backend, TestStore};

/// What `tool ARGS… FILE` prints; the tool must succeed.
fn run(tool: &str, args: &[&str], file: &Path) -> String {
    let output = Command::new(tool)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("{tool} runs (scripts/test installs it): {e}"));
    assert!(
        output.status.success(),
        "{tool} {args:?} {}: {}{}",
        file.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("the tools print UTF-8")
}

/// Runs of whitespace as one space, since where a line wraps depends on the layout, not on the
/// text; and without the bidirectional embedding controls (U+202A to U+202E) that pdftotext puts
/// around the runs of a right-to-left line, which are no part of the text.
fn words(text: &str) -> String {
    let text: String = text
        .chars()
        .filter(|c| !('\u{202A}'..='\u{202E}').contains(c))
        .collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of `pdf` as pdftotext extracts it, whitespace collapsed.
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("document.pdf");
    std::fs::write(&file, pdf).unwrap();
    let text = dir.path().join("document.txt");
    run("pdftotext", &["-enc", "UTF-8"], &file);
    words(&std::fs::read_to_string(text).unwrap())
}

/// `file` passes qpdf's check, embeds every font it uses, and declares PDF/A-2 in its XMP
/// metadata; returns the fonts' names.
pub(crate) fn assert_pdf_a(file: &Path) -> Vec<String> {
    // qpdf exits 0 only when it found neither errors nor warnings.
    run("qpdf", &["--check"], file);
    let xmp = run("pdfinfo", &["-meta"], file);
    assert!(
        xmp.contains("<pdfaid:part>2</pdfaid:part>") || xmp.contains("pdfaid:part=\"2\""),
        "{}: no PDF/A-2 identification in its XMP:\n{xmp}",
        file.display()
    );
    let fonts = run("pdffonts", &[], file);
    // After the two header lines, one font a line: name, type (which may hold spaces),
    // encoding, then emb, sub, uni and the object number and generation.
    let rows: Vec<Vec<&str>> = fonts
        .lines()
        .skip(2)
        .map(|line| line.split_whitespace().collect())
        .collect();
    assert!(!rows.is_empty(), "{}: no font\n{fonts}", file.display());
    for row in &rows {
        assert!(row.len() >= 7, "{fonts}");
        assert_eq!(row[row.len() - 5], "yes", "not embedded: {row:?}\n{fonts}");
    }
    rows.iter().map(|row| row[0].to_string()).collect()
}

on_both_stores!(the_demo_instruments_are_pdf_a_in_french_and_arabic);

/// The demo's MoU and agreement as signed (revision 0), in French and Arabic: PDF/A with its
/// fonts embedded (Noto Naskh Arabic for the Arabic text), the formulas and the signatories'
/// names extracted as they are written, Arabic in logical order.
async fn the_demo_instruments_are_pdf_a_in_french_and_arabic(backend: Backend) {
    let store = TestStore::with_demo(backend).await;
    let dir = tempfile::tempdir().unwrap();
    for negotiation in [DEMO_NEGOTIATION, DEMO_AGREEMENT] {
        let events = store.ledger().events(negotiation).await.unwrap();
        let signed = signings(&events, 0);
        assert_eq!(signed.len(), 2, "{negotiation}: both parties signed");
        for (language, formulas) in [
            (
                "fr",
                [
                    "Sont convenus de ce qui suit :",
                    "Article premier",
                    "les deux textes faisant également foi.",
                ],
            ),
            (
                "ar",
                [
                    "وإثباتا لذلك",
                    "عن حكومة المملكة المغربية",
                    "ولكل من النصين الحجية نفسها.",
                ],
            ),
        ] {
            let file = dir.path().join(format!("{negotiation}-{language}.pdf"));
            let out = file.to_str().unwrap();
            let args = [
                "export",
                negotiation,
                "--format",
                "pdf",
                "--form",
                "instrument",
                "--revision",
                "0",
                "--language",
                language,
                "--out",
                out,
            ];
            ok(&store, &args);
            let fonts = assert_pdf_a(&file);
            let said = format!("{negotiation} {language}");
            if language == "ar" {
                assert!(
                    fonts.iter().any(|f| f.contains("NotoNaskhArabic")),
                    "{said}: {fonts:?}"
                );
            }
            let text = pdf_text(&std::fs::read(&file).unwrap());
            for formula in formulas {
                let formula = words(formula);
                assert!(text.contains(&formula), "{said}: «{formula}» in\n{text}");
            }
            for signing in &signed {
                assert!(
                    text.contains(&words(&signing.name)),
                    "{said}: {}",
                    signing.name
                );
            }
        }
    }
}

/// The working document as a PDF holds every clause's status, and a PDF without `--out` is
/// refused before anything is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_working_draft_is_a_pdf_a_too_and_a_pdf_needs_out() {
    let store = TestStore::with_demo(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("working.pdf");
    let out = file.to_str().unwrap();
    ok(
        &store,
        &["export", DEMO_NEGOTIATION, "--format", "pdf", "--out", out],
    );
    assert_pdf_a(&file);
    let text = pdf_text(&std::fs::read(&file).unwrap());
    assert!(text.contains("Statut : agréé"), "{text}");
    let refused = pacta(&store, &["export", DEMO_NEGOTIATION, "--format", "pdf"]);
    assert_fails(&refused, Usage, "a PDF is binary: pass --out FILE");
}

/// `pacta export --format pdf --with ar` and the export endpoint's `with=ar`: the demo's MoU as
/// signed, French and Arabic side by side, is PDF/A with every font embedded, and its text holds
/// both testimonia (the place of signature named in each language's words, the Arabic in
/// logical order) and the signatories' titles in both languages; the API makes the same bytes.
/// The working document in Arabic first, with French beside it, is one too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_instrument_is_a_bilingual_pdf_a_in_french_and_arabic() {
    let store = TestStore::with_demo(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("mou-fr-ar.pdf");
    let out = file.to_str().unwrap();
    let signed = ["--form", "instrument", "--with", "ar", "--out", out];
    ok(
        &store,
        &[
            &["export", DEMO_NEGOTIATION, "--format", "pdf"][..],
            &signed,
        ]
        .concat(),
    );
    let fonts = assert_pdf_a(&file);
    assert!(
        fonts.iter().any(|f| f.contains("NotoNaskhArabic")),
        "{fonts:?}"
    );
    assert!(fonts.iter().any(|f| f.contains("NotoSerif")), "{fonts:?}");
    let pdf = std::fs::read(&file).unwrap();
    let text = pdf_text(&pdf);
    // pdftotext orders the runs of a line by the page's main direction (the French, left to
    // right): each right-to-left run's words come in logical order, but a run that digits or
    // punctuation split may be placed after the next. Hence Arabic runs without them.
    for expected in [
        "Fait à Rabat, le 28 mai 2026, en deux exemplaires originaux",
        "في الرباط بتاريخ",
        "باللغتين الفرنسية والعربية",
        "Article premier",
        "المادة",
        "Ministre de la Solidarité et de la Lutte contre la Pauvreté",
        "وزيرة التضامن ومكافحة الفقر",
        "Pour le Gouvernement du Royaume du Maroc",
        "عن حكومة المملكة المغربية",
    ] {
        let expected = words(expected);
        assert!(text.contains(&expected), "«{expected}» in\n{text}");
    }

    let working = dir.path().join("mou-ar-fr.pdf");
    let args = [
        "export",
        DEMO_NEGOTIATION,
        "--format",
        "pdf",
        "--language",
        "ar",
        "--with",
        "fr",
        "--out",
        working.to_str().unwrap(),
    ];
    ok(&store, &args);
    assert_pdf_a(&working);
    let text = pdf_text(&std::fs::read(&working).unwrap());
    for expected in [
        "Article premier",
        "يتعاون الطرفان على وجه الخصوص في المجالات التالية",
    ] {
        assert!(text.contains(expected), "«{expected}» in\n{text}");
    }

    let server = Server::on(store).await;
    let token = server.token(DEMO_TOKEN_PERSON).await;
    let reply = server
        .get(
            &format!("/api/negotiations/{DEMO_NEGOTIATION}/exports/pdf?form=instrument&with=ar"),
            Some(&token),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.content_type, "application/pdf");
    assert_eq!(
        reply.body, pdf,
        "the API and the CLI make the same document"
    );
}
