//! The read-only views of a negotiation's past: the draft at a point, redlines between points,
//! a clause's history, the filtered history, and the index of every negotiation. Each reads
//! verified events from the ledger and prints a pure fold of `pacta-projections`.

use std::fmt::Write as _;
use std::path::PathBuf;

use cqrs_es::EventEnvelope;
use pacta_domain::{variant_name, Negotiation};
use pacta_projections::export::{self as exporters, ClauseChanges};
use pacta_projections::{
    ChangeKind, ClauseChange, ClauseHistory, Draft, HistoryEntry, IndexEntry, Point, PointError,
    Redline, TimelineFilter, WordChange,
};

use super::export::{write, ExportFailure};
use super::print::{escaped, say};
use super::{to_json, CliError};
use pacta_ledger::store::Database;
use pacta_ledger::views::View;
use pacta_ledger::{Ledger, LedgerError};

/// The draft as it stood at `at` (see `pacta_projections::Point` for the syntax).
pub(super) fn draft_at(
    negotiation: &str,
    events: &[EventEnvelope<Negotiation>],
    at: &str,
) -> Result<Draft, CliError> {
    let point: Point = at.parse()?;
    Ok(pacta_projections::draft(
        negotiation,
        pacta_projections::events_at(events, &point)?,
    ))
}

/// What `pacta redline` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RedlineFormat {
    /// `{+inserted+}` and `[-deleted-]` words, and every act behind each change.
    Text,
    Json,
    /// `~~deleted~~` and `**inserted**` (see `pacta_projections::export::redline_markdown`).
    Markdown,
    /// A standalone page with `<del>` and `<ins>`.
    Html,
    /// Word tracked changes; binary, so it needs `--out`.
    Docx,
}

/// The redline between two points, made in full before anything is written: a bad point, a
/// docx without `--out` or an undatable change writes nothing.
pub(super) async fn redline(
    ledger: &Ledger,
    negotiation: &str,
    from: &str,
    to: &str,
    format: RedlineFormat,
    out: Option<PathBuf>,
    language: Option<&str>,
) -> Result<(), CliError> {
    if format == RedlineFormat::Docx && out.is_none() {
        return Err(ExportFailure::DocxNeedsOut.into());
    }
    let (from, to): (Point, Point) = (from.parse()?, to.parse()?);
    let events = ledger.events(negotiation).await?;
    if let Some(language) = language {
        let authentic = pacta_projections::draft(negotiation, &events).languages;
        if !authentic.iter().any(|l| l == language) {
            let refusal = pacta_projections::export::ExportError::NotAuthenticLanguage {
                language: language.to_string(),
                authentic: authentic.join(", "),
            };
            return Err(ExportFailure::from(refusal).into());
        }
    }
    let view = pacta_projections::redline_in(&events, &from, &to, language)?;
    let document: Vec<u8> = match format {
        RedlineFormat::Text => redline_text(negotiation, &view).into_bytes(),
        RedlineFormat::Json => format!("{}\n", to_json(&view)).into_bytes(),
        RedlineFormat::Markdown | RedlineFormat::Html | RedlineFormat::Docx => {
            let now = pacta_projections::draft(negotiation, &events);
            // The language asked for, else each clause's reference language, the same for every
            // clause unless a negotiation changed it: the first's gives the document's words and
            // direction.
            let language = exporters::redline_language(&view)
                .or_else(|| now.languages.first().map(String::as_str))
                .unwrap_or_default()
                .to_string();
            let instrument = now.titles.get(&language).unwrap_or(&now.title);
            let title = exporters::RedlineWords::new(&language).title(instrument, &view);
            let clauses = ClauseChanges::from_redline(&view).map_err(ExportFailure::from)?;
            match format {
                RedlineFormat::Markdown => {
                    exporters::redline_markdown(&title, &language, &clauses).into_bytes()
                }
                RedlineFormat::Html => {
                    exporters::redline_html(&title, &language, &clauses).into_bytes()
                }
                // The whole text with its changes tracked, by delegate, and the shared comments.
                _ => exporters::RedlineDocument::new(&events, &view, &language)
                    .and_then(|document| exporters::redline_docx(&document))
                    .map_err(ExportFailure::from)?,
            }
        }
    };
    write(out, &document)
}

/// The party whose internal comments `reader` may read in a negotiation whose verified events
/// are `events`: the party they are accredited for, as the service finds it. A reader with no
/// person (no `--as`), or a person not accredited there, has none and sees no internal comment.
fn reader_party(events: &[EventEnvelope<Negotiation>], reader: Option<&str>) -> Option<String> {
    let person = reader?;
    // The events verified; one that cannot be replayed grants nothing.
    let state = Negotiation::replay_checked(events.iter().map(|e| &e.payload)).ok()?;
    state.delegate(person).map(|d| d.party.clone())
}

/// [`reader_party`] for a read that does not otherwise load the events: accreditation is read
/// from the verified part of the chain only, as the service reads it.
async fn reader_party_in(
    ledger: &Ledger,
    negotiation: &str,
    reader: Option<&str>,
) -> Result<Option<String>, CliError> {
    if reader.is_none() {
        return Ok(None);
    }
    let checked = ledger.checked_events(negotiation).await?;
    Ok(reader_party(&checked.events, reader))
}

/// Every wording of `clause` and every other act on it that `reader` may see.
pub(super) async fn clause_history(
    ledger: &Ledger,
    negotiation: &str,
    clause: &str,
    json: bool,
    reader: Option<&str>,
) -> Result<(), CliError> {
    let events = ledger.events(negotiation).await?;
    let party = reader_party(&events, reader);
    let view = pacta_projections::clause_history(&events, clause)
        .ok_or_else(|| CliError::UnknownClause {
            negotiation: negotiation.to_string(),
            clause: clause.to_string(),
        })?
        .for_reader(party.as_deref());
    if json {
        println!("{}", to_json(&view));
    } else {
        print_clause_history(&view);
    }
    Ok(())
}

/// The history from the stored timeline that `reader` may see, keeping the entries `filter`
/// matches. A clause or round the negotiation never had is an error rather than an empty list,
/// so a typo is not read as "nothing happened".
pub(super) async fn history(
    ledger: &Ledger,
    database: &Database,
    negotiation: &str,
    filter: TimelineFilter,
    json: bool,
    reader: Option<&str>,
) -> Result<(), CliError> {
    super::projections::catch_up(database).await?;
    let entries = pacta_ledger::views::timeline(database, negotiation).await?;
    if entries.is_empty() {
        return Err(LedgerError::UnknownNegotiation(negotiation.to_string()).into());
    }
    let party = reader_party_in(ledger, negotiation, reader).await?;
    let entries = pacta_projections::history_for_reader(entries, party.as_deref());
    if let Some(clause) = &filter.clause {
        if !entries.iter().any(|e| e.clause_id.as_ref() == Some(clause)) {
            return Err(CliError::UnknownClause {
                negotiation: negotiation.to_string(),
                clause: clause.clone(),
            });
        }
    }
    if let Some(round) = &filter.round {
        if !entries.iter().any(|e| e.round.as_ref() == Some(round)) {
            let known: std::collections::BTreeSet<&str> =
                entries.iter().filter_map(|e| e.round.as_deref()).collect();
            let known = known.into_iter().collect::<Vec<_>>().join(", ");
            return Err(PointError::UnknownRound {
                round: round.clone(),
                known: if known.is_empty() {
                    "none".into()
                } else {
                    known
                },
            }
            .into());
        }
    }
    let entries: Vec<HistoryEntry> = entries.into_iter().filter(|e| filter.matches(e)).collect();
    if json {
        println!("{}", to_json(&entries));
    } else {
        entries.iter().for_each(print_history_entry);
    }
    Ok(())
}

/// One line per negotiation in the ledger, from the stored index.
/// Every negotiation of the ledger, as its operator (who holds the store) sees them, each with
/// the parties that have not accepted it yet.
pub(super) async fn list(database: &Database, json: bool) -> Result<(), CliError> {
    super::projections::catch_up(database).await?;
    let index: Vec<IndexEntry> = pacta_ledger::views::documents(database, View::Index).await?;
    if json {
        println!("{}", to_json(&index));
    } else if index.is_empty() {
        println!("no negotiations in this ledger yet (pacta open, or pacta demo)");
    } else {
        index.iter().for_each(print_index_entry);
    }
    Ok(())
}

/// One act per line: the day it took place, then (where a reader could take one for the other)
/// when the ledger recorded it.
fn print_history_entry(e: &HistoryEntry) {
    let took_place_on = e.took_place_on().map(|d| d.to_string()).unwrap_or_default();
    let when = if e.recorded_at.starts_with(&took_place_on) {
        e.recorded_at.clone()
    } else {
        format!("{took_place_on} (recorded {})", e.recorded_at)
    };
    say(&format!(
        "{:>5}  {}  {:<18} {:<4} {:<10} {:<18} {}  {}{}",
        e.sequence,
        when,
        e.actor,
        e.party,
        e.round.as_deref().unwrap_or("-"),
        e.event,
        &e.hash[..e.hash.len().min(16)],
        internal_mark(e.internal_to.as_deref()),
        e.summary
    ));
}

/// An internal comment, which a reader sees only if it is their own party's, says so.
fn internal_mark(internal_to: Option<&str>) -> String {
    internal_to.map_or_else(String::new, |party| format!("[internal to {party}] "))
}

/// `[-deleted-]{+inserted+}`, with whitespace kept outside the marks; a rewritten phrase is one
/// deletion then one insertion (`pacta_projections::phrases`), as in every other redline format.
fn marked(changes: &[WordChange]) -> String {
    pacta_projections::phrases(changes)
        .iter()
        .map(|change| match change.kind {
            ChangeKind::Unchanged => change.text.clone(),
            ChangeKind::Deleted => mark(&change.text, "[-", "-]"),
            ChangeKind::Inserted => mark(&change.text, "{+", "+}"),
        })
        .collect()
}

fn mark(text: &str, open: &str, close: &str) -> String {
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len().max(start);
    format!(
        "{}{open}{}{close}{}",
        &text[..start],
        &text[start..end],
        &text[end..]
    )
}

/// A multi-line text, each line indented and escaped (`super::print::escaped`).
fn indented(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {}", escaped(line)))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The redline as text: a header naming both points, then each clause's change.
fn redline_text(negotiation: &str, view: &Redline) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_redline_text(&mut out, negotiation, view);
    out
}

/// "round-1 (#40, revision 0) to round-2 (#63, revision 0)"
fn span(view: &Redline) -> String {
    let end = |e: &pacta_projections::RedlineEnd| {
        format!(
            "{} (#{}, revision {})",
            e.point, e.as_of_sequence, e.revision
        )
    };
    format!("{} to {}", end(&view.from), end(&view.to))
}

fn write_redline_text(out: &mut String, negotiation: &str, view: &Redline) -> std::fmt::Result {
    writeln!(
        out,
        "{}",
        escaped(&format!("Redline of {negotiation}: {}", span(view)))
    )?;
    for clause in &view.clauses {
        writeln!(out)?;
        let line = format!(
            "{} ({}) — {} [{}]",
            clause.label,
            clause.clause_id,
            variant_name(&clause.change),
            clause.language
        );
        writeln!(out, "{}", escaped(&line))?;
        for note in &clause.notes {
            writeln!(out, "{}", escaped(&format!("    {note}")))?;
        }
        // An unchanged wording is shown only when a cross-reference in it was renumbered.
        if clause.change == ClauseChange::Unchanged
            && clause.text.iter().all(|c| c.kind == ChangeKind::Unchanged)
        {
            continue;
        }
        if clause
            .heading
            .iter()
            .any(|c| c.kind != ChangeKind::Unchanged)
        {
            let heading = format!("    Heading: {}", marked(&clause.heading));
            writeln!(out, "{}", escaped(&heading))?;
        }
        writeln!(out, "{}", indented(&marked(&clause.text)))?;
        for author in &clause.changed_by {
            let label = author
                .label
                .as_ref()
                .map_or(String::new(), |l| format!(" (alternative {l})"));
            let line = format!(
                "    changed by #{} {}{label} on {}, recorded {} by {} for {}; wording proposed by {}",
                author.sequence,
                author.event,
                long_date(&author.took_place_on),
                author.recorded_at,
                author.actor,
                author.party,
                author.proposed_by
            );
            writeln!(out, "{}", escaped(&line))?;
        }
    }
    Ok(())
}

/// "14 April 2026": how a reader writes an act's date.
fn long_date(day: &str) -> String {
    day.parse::<chrono::NaiveDate>()
        .map_or_else(|_| day.to_string(), |d| d.format("%-d %B %Y").to_string())
}

/// "on 14 April 2026, Rabat, round round-2": when and where an act took place.
fn occasion(took_place_on: &str, place: Option<&str>, round: Option<&str>) -> String {
    let mut said = format!("on {}", long_date(took_place_on));
    for part in [
        place.map(str::to_string),
        round.map(|r| format!("round {r}")),
    ]
    .into_iter()
    .flatten()
    {
        said.push_str(", ");
        said.push_str(&part);
    }
    said
}

fn print_clause_history(view: &ClauseHistory) {
    say(&format!(
        "{} ({}): {} versions, {} other acts",
        view.clause_id,
        variant_name(&view.kind),
        view.versions.len(),
        view.acts.len()
    ));
    for v in &view.versions {
        let label = v.label.as_ref().map_or(String::new(), |l| format!(" {l}"));
        println!();
        say(&format!(
            "#{} {}{label} [{}] revision {}, {}: recorded {} by {} for {}; wording proposed by {} ({})",
            v.sequence,
            variant_name(&v.kind),
            v.language,
            v.revision,
            occasion(&v.took_place_on, v.took_place_in.as_deref(), v.round.as_deref()),
            v.recorded_at,
            v.actor,
            v.party,
            v.proposed_by,
            &v.text_hash[..v.text_hash.len().min(12)]
        ));
        if let Some(why) = &v.why {
            say(&format!("    why: {why}"));
        }
        if !v.heading.is_empty() || !v.heading_changes.is_empty() {
            say(&format!("    Heading: {}", marked(&v.heading_changes)));
        }
        println!("{}", indented(&marked(&v.text_changes)));
    }
    if !view.acts.is_empty() {
        println!();
        println!("Other acts:");
    }
    for a in &view.acts {
        say(&format!(
            "#{} {} for {} ({}; recorded {}): {}{}",
            a.sequence,
            a.actor,
            a.party,
            occasion(
                &a.took_place_on,
                a.took_place_in.as_deref(),
                a.round.as_deref()
            ),
            a.recorded_at,
            internal_mark(a.internal_to.as_deref()),
            a.summary
        ));
    }
}

fn print_index_entry(entry: &IndexEntry) {
    let c = &entry.clauses;
    let revision = if entry.revision > 0 {
        format!(", revision {}", entry.revision)
    } else {
        String::new()
    };
    say(&format!(
        "{} — {} ({}, {}): {}{revision}; {} clauses ({} agreed, {} ad referendum, {} bracketed, {} under discussion, {} proposed, {} withdrawn); {} events, the last at {}",
        entry.negotiation_id,
        entry.title,
        variant_name(&entry.instrument_kind),
        entry.parties.join(", "),
        entry.status_in_words(),
        c.total,
        c.agreed,
        c.agreed_ad_referendum,
        c.bracketed,
        c.under_discussion,
        c.proposed,
        c.withdrawn,
        entry.last_sequence,
        entry.last_recorded_at
    ));
    if !entry.awaiting_acceptance.is_empty() {
        say(&format!(
            "      awaiting acceptance by {}",
            entry.awaiting_acceptance.join(", ")
        ));
    }
    for m in &entry.matrices {
        let validated = m
            .validated_at
            .as_ref()
            .map_or("not validated".to_string(), |r| format!("validated at {r}"));
        let progress = m.latest_progress.as_ref().map_or(String::new(), |p| {
            format!(
                "; latest progress {} {} on {}",
                p.row_id,
                variant_name(&p.progress),
                p.reported_on
            )
        });
        say(&format!(
            "    matrix {} — {}: {} rows proposed, {} agreed, {validated}{progress}",
            m.matrix_id, m.title, m.rows_proposed, m.rows_agreed
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rewritten_phrase_is_struck_once_then_inserted_once() {
        let changes = pacta_projections::word_diff(
            "Les Parties échangent toute information utile.",
            "Les Parties échangent les informations utiles à la prévention.",
        );
        assert_eq!(
            marked(&changes),
            "Les Parties échangent [-toute information utile.-]{+les informations utiles à la prévention.+}"
        );
    }

    #[test]
    fn an_insertion_keeps_the_text_around_it() {
        let changes = pacta_projections::word_diff(
            "la mobilité des étudiants, des enseignants",
            "la mobilité des étudiants, y compris des doctorants, des enseignants",
        );
        assert_eq!(
            marked(&changes),
            "la mobilité des étudiants, {+y compris des doctorants,+} des enseignants"
        );
    }
}
