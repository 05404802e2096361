//! A draft, or a redline, as one standalone HTML file: inline CSS, no script, no external
//! resource, so it can be mailed, archived and printed as it is. Text and attribute values are
//! escaped by `html-escape`; the page's `lang` and `dir` follow the language of the document, and
//! a passage in another language (a reference wording shown for a missing version) carries its own.

use std::fmt::Write;

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};

use super::{check_authentic, clause_title, direction, wording, ClauseChanges, ExportError};
use super::{Instrument, Passage, RedlineWords, WorkingWords};
use crate::{ChangeKind, Draft};

/// Shared by the draft and the redline: readable on screen, and on paper without the screen's
/// colours and margins (`@media print`). Logical properties (`margin-inline-start`, `border-inline-start`)
/// keep the layout right for right-to-left documents.
pub(super) const STYLE: &str = "\
body{font-family:'Noto Serif','Times New Roman',serif;line-height:1.5;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#111}
h1{font-size:1.6rem;text-align:center}
h2{font-size:1.15rem;margin-top:2rem}
h3{font-size:1rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
dl.facts dt{font-weight:bold}
.status{font-style:italic;color:#444}
.note{border-inline-start:4px solid #b58900;padding-inline-start:.75rem;background:#fdf6e3}
blockquote{margin-inline-start:1.5rem;border-inline-start:3px solid #999;padding-inline-start:.75rem}
del{color:#a00;text-decoration:line-through}
ins{color:#060;text-decoration:underline}
.marking{text-align:center;font-weight:bold;letter-spacing:.2em}
.formula{margin:1rem 0}
table.signatures{width:100%;margin-top:2rem;border-collapse:collapse}
table.signatures td{vertical-align:top;padding:.5rem;width:50%}
.signature-space{height:4rem}
@media print{body{max-width:none;margin:0;padding:0;font-size:11pt}.note{background:none}h2{break-after:avoid}section{break-inside:avoid-page}del,ins{color:#000}a{color:#000;text-decoration:none}}
";

/// The draft in `language`, one of its authentic languages, as a standalone HTML page.
pub fn draft_html(draft: &Draft, language: &str) -> Result<String, ExportError> {
    check_authentic(draft, language)?;
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_draft(&mut out, draft, language);
    Ok(out)
}

/// The instrument form ([`Instrument`]) as a standalone HTML page: title, opening formula,
/// preamble, articles, testimonium, the signature blocks side by side (the first party at the
/// start of the line: on the right in a right-to-left document), then the annexes.
pub fn instrument_html(instrument: &Instrument) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_instrument(&mut out, instrument);
    out
}

fn write_instrument(out: &mut String, instrument: &Instrument) -> std::fmt::Result {
    let language = instrument.language.as_str();
    open_page(out, &instrument.title, language)?;
    writeln!(out, "<article>")?;
    writeln!(out, "<header>")?;
    if let Some(marking) = &instrument.draft_marking {
        writeln!(out, "<p class=\"marking\">{}</p>", text(marking))?;
    }
    writeln!(out, "<h1>{}</h1>", text(&instrument.title))?;
    for note in &instrument.notes {
        writeln!(out, "<p class=\"note\" role=\"note\">{}</p>", text(note))?;
    }
    writeln!(out, "</header>")?;
    writeln!(
        out,
        "<p class=\"formula\">{}</p>",
        text(&instrument.opening)
    )?;
    for recital in &instrument.recitals {
        write_passage(out, recital, language)?;
    }
    writeln!(out, "<p class=\"formula\">{}</p>", text(&instrument.agreed))?;
    for passage in &instrument.body {
        write_passage(out, passage, language)?;
    }
    writeln!(
        out,
        "<p class=\"formula\">{}</p>",
        text(&instrument.witness)
    )?;
    writeln!(out, "<p class=\"formula\">{}</p>", text(&instrument.done))?;
    writeln!(out, "<table class=\"signatures\"><tr>")?;
    for block in &instrument.signature_blocks {
        writeln!(
            out,
            "<td><p><strong>{}</strong></p><div class=\"signature-space\"></div><p>{}</p><p>{}</p><p>{}</p></td>",
            text(&block.for_party),
            text(&block.name),
            text(&block.title),
            text(&block.place_and_date)
        )?;
    }
    writeln!(out, "</tr></table>")?;
    for annex in &instrument.annexes {
        write_passage(out, annex, language)?;
    }
    writeln!(out, "</article>")?;
    close_page(out)
}

/// A recital as its paragraphs; an article (or annex) as a section under its numbered heading.
fn write_passage(out: &mut String, passage: &Passage, language: &str) -> std::fmt::Result {
    let section = !passage.label.is_empty();
    if section {
        writeln!(out, "<section id=\"clause-{}\">", attr(&passage.clause_id))?;
        writeln!(
            out,
            "<h2>{}</h2>",
            text(&clause_title(&passage.label, &passage.heading))
        )?;
    }
    if let Some(note) = &passage.note {
        writeln!(out, "<p class=\"note\" role=\"note\">{}</p>", text(note))?;
    }
    if !passage.text.trim().is_empty() {
        write_wording(out, &passage.text, &passage.language, language)?;
    }
    if section {
        writeln!(out, "</section>")?;
    }
    Ok(())
}

/// A redline as a standalone HTML page: each clause's deleted words in `<del>`, inserted words in
/// `<ins>`, with who proposed the change and when. `language` is the language of the wordings,
/// which the page's legend and attributions speak too (`export::redline_language`).
pub fn redline_html(title: &str, language: &str, clauses: &[ClauseChanges]) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_redline(&mut out, title, language, clauses);
    out
}

fn write_draft(out: &mut String, draft: &Draft, language: &str) -> std::fmt::Result {
    open_page(out, &draft.title, language)?;
    writeln!(out, "<article>")?;
    writeln!(out, "<header>")?;
    writeln!(out, "<h1>{}</h1>", text(&draft.title))?;
    writeln!(out, "<dl class=\"facts\">")?;
    let words = WorkingWords::new(language);
    for fact in words.facts(draft) {
        writeln!(
            out,
            "<dt>{}</dt><dd dir=\"auto\">{}</dd>",
            text(&fact.term),
            text(&fact.value)
        )?;
    }
    writeln!(out, "</dl>")?;
    writeln!(out, "</header>")?;
    for clause in &draft.clauses {
        let shown = wording(draft, clause, language);
        let heading_id = format!("clause-{}", clause.clause_id);
        writeln!(
            out,
            "<section id=\"{}\" aria-labelledby=\"{}-heading\">",
            attr(&heading_id),
            attr(&heading_id)
        )?;
        writeln!(
            out,
            "<h2 id=\"{}-heading\">{}</h2>",
            attr(&heading_id),
            text(&clause_title(&shown.label, shown.heading))
        )?;
        writeln!(
            out,
            "<p class=\"status\">{}</p>",
            text(&words.status(clause))
        )?;
        if let Some(note) = &shown.note {
            writeln!(out, "<p class=\"note\" role=\"note\">{}</p>", text(note))?;
        }
        write_wording(out, &shown.text, shown.language, language)?;
        if !clause.alternatives.is_empty() {
            writeln!(out, "<h3>{}</h3>", text(&words.alternatives_heading()))?;
            for alternative in &clause.alternatives {
                writeln!(
                    out,
                    "<figure><figcaption>{}</figcaption>",
                    text(&words.alternative_caption(alternative))
                )?;
                writeln!(
                    out,
                    "<blockquote lang=\"{}\" dir=\"{}\">",
                    attr(&alternative.language),
                    direction(&alternative.language)
                )?;
                write_lines(out, &alternative.text)?;
                writeln!(out, "</blockquote></figure>")?;
            }
        }
        if !clause.positions.is_empty() {
            writeln!(out, "<h3>{}</h3>", text(&words.positions_heading()))?;
            writeln!(out, "<ul>")?;
            for stated in &clause.positions {
                writeln!(
                    out,
                    "<li dir=\"auto\"><strong>{}</strong> {}</li>",
                    text(&stated.party),
                    text(&words.position_with_rationale(stated))
                )?;
            }
            writeln!(out, "</ul>")?;
        }
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</article>")?;
    close_page(out)
}

fn write_redline(
    out: &mut String,
    title: &str,
    language: &str,
    clauses: &[ClauseChanges],
) -> std::fmt::Result {
    open_page(out, title, language)?;
    writeln!(out, "<article>")?;
    writeln!(out, "<header>")?;
    writeln!(out, "<h1>{}</h1>", text(title))?;
    let words = RedlineWords::new(language);
    let example = text(&words.example()).into_owned();
    let escape = |own: &str| text(own).into_owned();
    let legend = words.legend(
        true,
        &format!("<del>{example}</del>"),
        &format!("<ins>{example}</ins>"),
        escape,
    );
    writeln!(out, "<p class=\"legend\">{legend}</p>")?;
    writeln!(out, "</header>")?;
    for (index, clause) in clauses.iter().enumerate() {
        writeln!(out, "<section aria-labelledby=\"change-{index}-heading\">")?;
        writeln!(
            out,
            "<h2 id=\"change-{index}-heading\">{}</h2>",
            text(&clause_title(&clause.label, &clause.heading))
        )?;
        let date = format!("<time datetime=\"{0}\">{0}</time>", clause.date);
        let proposed = words.proposed(&text(&clause.author), &date, escape);
        writeln!(out, "<p class=\"status\">{proposed}</p>")?;
        for note in &clause.notes {
            writeln!(
                out,
                "<p class=\"structure-note\"><em>{}</em></p>",
                text(note)
            )?;
        }
        write!(out, "<p>")?;
        for change in &clause.changes {
            let run = text(&change.text).replace('\n', "<br>");
            match change.kind {
                ChangeKind::Unchanged => write!(out, "{run}")?,
                ChangeKind::Inserted => write!(out, "<ins>{run}</ins>")?,
                ChangeKind::Deleted => write!(out, "<del>{run}</del>")?,
            }
        }
        writeln!(out, "</p>")?;
        writeln!(out, "</section>")?;
    }
    writeln!(out, "</article>")?;
    close_page(out)
}

fn open_page(out: &mut String, title: &str, language: &str) -> std::fmt::Result {
    writeln!(out, "<!DOCTYPE html>")?;
    writeln!(
        out,
        "<html lang=\"{}\" dir=\"{}\">",
        attr(language),
        direction(language)
    )?;
    writeln!(out, "<head>")?;
    writeln!(out, "<meta charset=\"utf-8\">")?;
    writeln!(
        out,
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    )?;
    writeln!(out, "<title>{}</title>", text(title))?;
    writeln!(out, "<style>\n{STYLE}</style>")?;
    writeln!(out, "</head>")?;
    writeln!(out, "<body>")
}

fn close_page(out: &mut String) -> std::fmt::Result {
    writeln!(out, "</body>")?;
    writeln!(out, "</html>")
}

/// The clause's wording; marked with its own language and direction when it is not in the
/// document's language (the reference wording standing in for a missing version).
fn write_wording(
    out: &mut String,
    wording: &str,
    wording_language: &str,
    document_language: &str,
) -> std::fmt::Result {
    if wording_language == document_language {
        writeln!(out, "<div class=\"text\">")?;
    } else {
        writeln!(
            out,
            "<div class=\"text\" lang=\"{}\" dir=\"{}\">",
            attr(wording_language),
            direction(wording_language)
        )?;
    }
    write_lines(out, wording)?;
    writeln!(out, "</div>")
}

/// Each non-empty line as a paragraph.
fn write_lines(out: &mut String, wording: &str) -> std::fmt::Result {
    for line in wording.lines().filter(|l| !l.trim().is_empty()) {
        writeln!(out, "<p>{}</p>", text(line.trim()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::test_support::{date, views, ARABIC_TEXT};
    use crate::word_diff;

    #[test]
    fn a_french_page_is_left_to_right_and_escapes_the_wording() {
        let page = draft_html(&views().draft, "fr").unwrap();
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"fr\" dir=\"ltr\">"));
        assert!(page.contains("<title>Mémorandum \"TIP\" &lt;CIV &amp; MAR&gt;</title>"));
        assert!(page.contains("si &lt;seuil&gt; &amp; \"urgence\" le justifient."));
        assert!(!page.contains("<seuil>"));
        assert!(page.contains(
            "<h2 id=\"clause-art-objet-heading\">Article premier — Objet &amp; portée</h2>"
        ));
        assert!(page.contains(
            "<section id=\"clause-art-objet\" aria-labelledby=\"clause-art-objet-heading\">"
        ));
        assert!(page.contains("@media print"));
        assert!(!page.contains("<script"), "no script");
        assert!(!page.contains("<link"), "no external stylesheet");
    }

    #[test]
    fn an_arabic_page_is_right_to_left_and_marks_french_fallbacks() {
        let page = draft_html(&views().draft, "ar").unwrap();
        assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"));
        assert!(page.contains(&format!("<p>{ARABIC_TEXT}</p>")));
        assert!(page.contains("<div class=\"text\" lang=\"fr\" dir=\"ltr\">\n<p>Chaque Partie"));
        assert!(page
            .contains("<p class=\"note\" role=\"note\">لا توجد بعد صيغة لهذا البند باللغة العربية"));
    }

    #[test]
    fn alternatives_and_positions_are_labelled() {
        let page = draft_html(&views().draft, "fr").unwrap();
        assert!(page.contains("<h3>Variantes entre crochets</h3>"));
        assert!(page.contains("<figcaption>[B] proposée par MAR</figcaption>"));
        assert!(page.contains(
            "<li dir=\"auto\"><strong>MAR</strong> préfère la variante B — Loi 09-08 &lt;protection&gt;</li>"
        ));
    }

    #[test]
    fn a_redline_marks_deletions_and_insertions() {
        let clauses = [ClauseChanges {
            label: "Article 2".into(),
            heading: "Mobilité".into(),
            author: "CIV".into(),
            date: date(2026, 9, 1),
            notes: Vec::new(),
            changes: word_diff(
                "Les étudiants <L> peuvent",
                "Les étudiants & doctorants peuvent",
            ),
        }];
        let page = redline_html("Révision", "ar", &clauses);
        assert!(page.contains("<html lang=\"ar\" dir=\"rtl\">"));
        assert!(page.contains("<del>&lt;L&gt;</del>"));
        assert!(page.contains("<ins>&amp; doctorants</ins>"));
        // The attribution is in the page's language, Arabic.
        assert!(page.contains(
            "<p class=\"status\">اقترحه CIV في <time datetime=\"2026-09-01\">2026-09-01</time></p>"
        ));
    }
}
