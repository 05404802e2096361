//! A draft, or a redline, as Markdown (CommonMark; a redline's deletions use the GitHub
//! Flavored Markdown strikethrough): for pasting into notes, issues and e-mails, and for reading
//! diffs of a draft between two exports.

use std::fmt::Write;

use super::{check_authentic, clause_title, wording, ClauseChanges, ExportError};
use super::{Instrument, Passage, RedlineWords, WorkingWords};
use crate::{ChangeKind, Draft, WordChange};

/// The draft in `language`, one of its authentic languages: title, instrument, parties and
/// revision, then every clause with its status, wording, bracketed alternatives and positions,
/// every word around the ledger's data in `language`.
pub fn draft_markdown(draft: &Draft, language: &str) -> Result<String, ExportError> {
    check_authentic(draft, language)?;
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_draft(&mut out, draft, language);
    Ok(out)
}

fn write_draft(out: &mut String, draft: &Draft, language: &str) -> std::fmt::Result {
    let words = WorkingWords::new(language);
    writeln!(out, "# {}", escape(&draft.title))?;
    writeln!(out)?;
    for fact in words.facts(draft) {
        writeln!(out, "- {}", escape(&words.fact_line(&fact)))?;
    }
    for clause in &draft.clauses {
        let shown = wording(draft, clause, language);
        writeln!(out)?;
        writeln!(
            out,
            "## {}",
            escape(&clause_title(&shown.label, shown.heading))
        )?;
        writeln!(out)?;
        writeln!(out, "*{}*", escape(&words.status(clause)))?;
        if let Some(note) = &shown.note {
            writeln!(out)?;
            writeln!(out, "> **{}** {}", words.note_label(), escape(note))?;
        }
        writeln!(out)?;
        write_paragraphs(out, &shown.text, "")?;
        for alternative in &clause.alternatives {
            writeln!(out)?;
            let name = format!(
                "**{}**",
                escape(&words.alternative_name(&alternative.label))
            );
            writeln!(
                out,
                "{}",
                words.alternative_line(&name, &escape(&alternative.proposed_by), alternative)
            )?;
            writeln!(out)?;
            write_paragraphs(out, &alternative.text, "> ")?;
        }
        if !clause.positions.is_empty() {
            writeln!(out)?;
            writeln!(out, "{}", words.positions_label())?;
            writeln!(out)?;
            for stated in &clause.positions {
                writeln!(
                    out,
                    "- {} {}",
                    escape(&stated.party),
                    escape(&words.position_with_rationale(stated))
                )?;
            }
        }
    }
    Ok(())
}

/// The instrument form ([`Instrument`]): title, opening formula, preamble, articles,
/// testimonium, the signature blocks side by side as a table, then the annexes.
pub fn instrument_markdown(instrument: &Instrument) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_instrument(&mut out, instrument);
    out
}

fn write_instrument(out: &mut String, instrument: &Instrument) -> std::fmt::Result {
    if let Some(marking) = &instrument.draft_marking {
        writeln!(out, "**{}**", escape(marking))?;
        writeln!(out)?;
    }
    writeln!(out, "# {}", escape(&instrument.title))?;
    for note in &instrument.notes {
        writeln!(out)?;
        writeln!(out, "> {}", escape(note))?;
    }
    writeln!(out)?;
    writeln!(out, "{}", escape_line(&instrument.opening))?;
    for recital in &instrument.recitals {
        write_passage(out, recital)?;
    }
    writeln!(out)?;
    writeln!(out, "{}", escape_line(&instrument.agreed))?;
    for passage in &instrument.body {
        write_passage(out, passage)?;
    }
    writeln!(out)?;
    writeln!(out, "{}", escape_line(&instrument.witness))?;
    writeln!(out)?;
    writeln!(out, "{}", escape_line(&instrument.done))?;
    writeln!(out)?;
    let blocks = &instrument.signature_blocks;
    let row = |cells: Vec<&str>| {
        let cells: Vec<String> = cells.into_iter().map(escape).collect();
        format!("| {} |", cells.join(" | "))
    };
    writeln!(
        out,
        "{}",
        row(blocks.iter().map(|b| b.for_party.as_str()).collect())
    )?;
    writeln!(out, "|{}", "---|".repeat(blocks.len()))?;
    writeln!(
        out,
        "{}",
        row(blocks.iter().map(|b| b.name.as_str()).collect())
    )?;
    writeln!(
        out,
        "{}",
        row(blocks.iter().map(|b| b.title.as_str()).collect())
    )?;
    writeln!(
        out,
        "{}",
        row(blocks.iter().map(|b| b.place_and_date.as_str()).collect())
    )?;
    for annex in &instrument.annexes {
        write_passage(out, annex)?;
    }
    Ok(())
}

/// A recital as its paragraphs; an article (or annex) under its numbered heading.
fn write_passage(out: &mut String, passage: &Passage) -> std::fmt::Result {
    if !passage.label.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "## {}",
            escape(&clause_title(&passage.label, &passage.heading))
        )?;
    }
    if let Some(note) = &passage.note {
        writeln!(out)?;
        writeln!(out, "> {}", escape(note))?;
    }
    if !passage.text.trim().is_empty() {
        writeln!(out)?;
        write_paragraphs(out, &passage.text, "")?;
    }
    Ok(())
}

/// A redline: each clause's deleted words struck through as `~~deleted~~` (GFM strikethrough)
/// and inserted words in bold as `**inserted**`, with who proposed the change and when. Bold
/// rather than underline because CommonMark has no underline; whitespace stays outside the marks,
/// where CommonMark needs it for them to be read as marks. The legend and attributions are in
/// `language`, the redline's (`export::redline_language`).
pub fn redline_markdown(title: &str, language: &str, clauses: &[ClauseChanges]) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_redline(&mut out, title, &RedlineWords::new(language), clauses);
    out
}

fn write_redline(
    out: &mut String,
    title: &str,
    words: &RedlineWords,
    clauses: &[ClauseChanges],
) -> std::fmt::Result {
    writeln!(out, "# {}", escape(title))?;
    writeln!(out)?;
    let example = escape(&words.example());
    let legend = words.legend(
        false,
        &format!("~~{example}~~"),
        &format!("**{example}**"),
        escape,
    );
    writeln!(out, "{legend}")?;
    for clause in clauses {
        writeln!(out)?;
        writeln!(
            out,
            "## {}",
            escape(&clause_title(&clause.label, &clause.heading))
        )?;
        writeln!(out)?;
        let proposed = words.proposed(
            &escape(&clause.author),
            &escape(&clause.date.to_string()),
            escape,
        );
        writeln!(out, "*{proposed}*")?;
        for note in &clause.notes {
            writeln!(out)?;
            writeln!(out, "> {}", escape(note))?;
        }
        for line in marked_lines(&crate::phrases(&clause.changes))
            .iter()
            .filter(|l| !l.trim().is_empty())
        {
            writeln!(out)?;
            writeln!(out, "{}", line.trim())?;
        }
    }
    Ok(())
}

/// The changes as Markdown lines, one per line of the wording: each run escaped, each changed
/// run marked line by line (a mark cannot span a paragraph break), and a line whose unchanged
/// start would open a block escaped as in a draft.
fn marked_lines(changes: &[WordChange]) -> Vec<String> {
    let mut lines = vec![String::new()];
    for change in changes {
        for (index, segment) in change.text.split('\n').enumerate() {
            if index > 0 {
                lines.push(String::new());
            }
            let line = lines.last_mut().expect("never empty");
            let at_line_start = line.trim().is_empty();
            let mark = match change.kind {
                ChangeKind::Unchanged => {
                    line.push_str(&if at_line_start {
                        let indent = &segment[..segment.len() - segment.trim_start().len()];
                        format!("{indent}{}", escape_line(segment.trim_start()))
                    } else {
                        escape(segment)
                    });
                    continue;
                }
                ChangeKind::Inserted => "**",
                ChangeKind::Deleted => "~~",
            };
            let word = segment.trim();
            if word.is_empty() {
                line.push_str(segment);
                continue;
            }
            let before = &segment[..segment.len() - segment.trim_start().len()];
            let after = &segment[segment.trim_end().len()..];
            line.push_str(&format!("{before}{mark}{}{mark}{after}", escape(word)));
        }
    }
    lines
}

/// Each non-empty line of `text` as its own paragraph, behind `prefix` (`> ` for a quotation).
fn write_paragraphs(out: &mut String, text: &str, prefix: &str) -> std::fmt::Result {
    let mut first = true;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if !first {
            writeln!(out, "{}", prefix.trim_end())?;
        }
        writeln!(out, "{prefix}{}", escape_line(line.trim()))?;
        first = false;
    }
    Ok(())
}

/// Backslash-escapes the characters that make inline markup in CommonMark (emphasis, code,
/// links, raw HTML, entities, tables), so clause text is never rendered as markup.
pub(super) fn escape(text: &str) -> String {
    const INLINE_MARKUP: &str = "\\`*_[]<>|~&";
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if INLINE_MARKUP.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `escape`, and a line that would open a block (heading, list, quotation, rule) has its
/// marker escaped: "1. Les Parties" stays text rather than becoming a numbered list.
pub(super) fn escape_line(line: &str) -> String {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    let opens_block = line.starts_with(['#', '-', '+', '=', '>'])
        || (digits > 0 && line[digits..].starts_with(['.', ')']));
    let escaped = escape(line);
    if !opens_block {
        escaped
    } else if digits > 0 {
        format!("{}\\{}", &escaped[..digits], &escaped[digits..])
    } else {
        format!("\\{escaped}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::test_support::{assert_contains, views, ALTERNATIVE_TEXT, ARABIC_TEXT};

    #[test]
    fn lists_the_instrument_then_each_clause_with_status_alternatives_and_positions() {
        let markdown = draft_markdown(&views().draft, "fr").unwrap();
        let headings: Vec<&str> = markdown.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(
            headings,
            [
                "# Mémorandum \"TIP\" \\<CIV \\& MAR\\>",
                "## Considérant 1",
                "## Article premier — Objet \\& portée",
                "## Article 2 — Points focaux",
            ]
        );
        assert_contains(
            &markdown,
            &[
                "- Instrument : Mémorandum d'entente",
                "- Parties : République de Côte d'Ivoire (CIV) et Royaume du Maroc (MAR)",
                "- Texte original (révision 0)",
                "*Statut : en discussion ; proposé par CIV ; agréé par CIV*",
                "**Variante \\[B\\]**, proposée par MAR (fr) :",
                &format!("> {}", escape(ALTERNATIVE_TEXT)),
                "Positions :",
                "- MAR préfère la variante B — Loi 09-08 \\<protection\\>",
            ],
        );
    }

    #[test]
    fn clause_text_cannot_become_markup() {
        let markdown = draft_markdown(&views().draft, "fr").unwrap();
        assert!(markdown.contains("si \\<seuil\\> \\& \"urgence\" le justifient."));
        assert!(!markdown.contains("<seuil>"));
    }

    #[test]
    fn the_arabic_version_is_shown_and_a_missing_one_falls_back_with_a_note() {
        let markdown = draft_markdown(&views().draft, "ar").unwrap();
        assert!(markdown.contains(&escape(ARABIC_TEXT)));
        assert!(markdown.contains("## المادة 1 — الهدف"), "{markdown}");
        assert!(markdown.contains(
            "> **ملاحظة:** لا توجد بعد صيغة لهذا البند باللغة العربية؛ أُورد النص المرجعي باللغة الفرنسية."
        ));
        assert!(markdown.contains("Chaque Partie désigne un point focal."));
    }

    #[test]
    fn a_line_that_would_open_a_block_stays_text() {
        for (line, escaped) in [
            ("1. Les Parties", "1\\. Les Parties"),
            ("# titre", "\\# titre"),
            ("- tiret", "\\- tiret"),
            ("Les Parties", "Les Parties"),
        ] {
            assert_eq!(escape_line(line), escaped);
        }
    }

    #[test]
    fn a_redline_strikes_deletions_and_bolds_insertions_outside_the_whitespace() {
        let clauses = [ClauseChanges {
            label: "Article 2".into(),
            heading: "Mobilité".into(),
            author: "MAR".into(),
            date: crate::export::test_support::date(2026, 10, 5),
            notes: Vec::new(),
            changes: crate::word_diff(
                "1. Les étudiants de licence <L3> peuvent postuler.\nLes enseignants aussi.",
                "1. Les étudiants & doctorants peuvent postuler.\nLes enseignants aussi.",
            ),
        }];
        let markdown = redline_markdown("Révision 1", "en", &clauses);
        assert!(markdown.starts_with("# Révision 1\n"), "{markdown}");
        assert!(markdown.contains("## Article 2 — Mobilité"));
        assert!(markdown.contains("*Proposed by MAR on 2026-10-05*"));
        // The rewritten phrase is struck once and inserted once, escaped, marks hugging words.
        assert!(
            markdown.contains(
                "\n\n1\\. Les étudiants ~~de licence \\<L3\\>~~**\\& doctorants** peuvent postuler.\n"
            ),
            "{markdown}"
        );
        assert!(
            markdown.contains("\n\nLes enseignants aussi.\n"),
            "{markdown}"
        );
    }

    #[test]
    fn a_language_that_is_not_authentic_is_refused() {
        assert_eq!(
            draft_markdown(&views().draft, "en"),
            Err(ExportError::NotAuthenticLanguage {
                language: "en".into(),
                authentic: "fr, ar".into()
            })
        );
    }
}
