//! What every page shares: how a wording, a redline, a time, a status and a table read.

use super::*;

/// Right-to-left for the scripts of the languages a negotiation may use.
pub(super) fn direction(language: &str) -> &'static str {
    let primary = language.split('-').next().unwrap_or_default();
    match primary.to_ascii_lowercase().as_str() {
        "ar" | "he" | "fa" | "ur" | "ps" | "dv" | "yi" => "rtl",
        _ => "ltr",
    }
}

/// The kebab-case name serde gives a unit variant ("under-discussion").
pub(super) fn kebab<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

pub(super) fn words(kebab_name: &str) -> String {
    kebab_name.replace('-', " ")
}

pub(super) fn clause_status_tag(status: ClauseStatus) -> Markup {
    let name = kebab(&status);
    html! { span class={ "tag " (name) } { (words(&name)) } }
}

/// The status as the agreement's page says it: a non-binding instrument "takes effect", never
/// "in force".
pub(super) fn agreement_status(
    agreement: &pacta_projections::AgreementState,
    status: &InstrumentStatus,
) -> String {
    match status {
        InstrumentStatus::InForce { .. } => agreement.status_in_words(status),
        other => instrument_status(other),
    }
}

pub(super) fn instrument_status(status: &InstrumentStatus) -> String {
    match status {
        InstrumentStatus::Negotiating => "negotiating".into(),
        InstrumentStatus::TextAdopted => "text adopted".into(),
        InstrumentStatus::Authenticated => "authenticated".into(),
        InstrumentStatus::InForce { on } => format!("in force since {on}"),
        InstrumentStatus::Abandoned => "abandoned".into(),
    }
}

pub(super) fn position_text(position: &Position) -> String {
    match position {
        Position::Accept => "accepts".into(),
        Position::Reject => "rejects".into(),
        Position::Reserve => "reserves its position".into(),
        Position::Alternative { label } => format!("prefers alternative {label}"),
    }
}

/// A text with its language and direction, so screen readers and the browser's layout treat
/// Arabic as Arabic, right to left.
pub(super) fn wording(language: &str, heading: &str, text: &str) -> Markup {
    html! {
        div.wording lang=(language) dir=(direction(language)) {
            @if !heading.is_empty() { p { strong { (heading) } } }
            @for paragraph in text.split("\n\n") { p { (paragraph) } }
        }
    }
}

pub(super) fn word_changes(changes: &[WordChange]) -> Markup {
    // A rewritten phrase reads as one deletion then one insertion, not word by word alternately.
    let changes = pacta_projections::phrases(changes);
    html! {
        @for change in &changes {
            @match change.kind {
                ChangeKind::Unchanged => (change.text),
                ChangeKind::Inserted => ins { (change.text) },
                ChangeKind::Deleted => del { (change.text) },
            }
        }
    }
}

pub(super) fn redlined(language: &str, heading: &[WordChange], text: &[WordChange]) -> Markup {
    html! {
        div.wording.redline lang=(language) dir=(direction(language)) {
            @if !heading.is_empty() { p { strong { (word_changes(heading)) } } }
            p { (word_changes(text)) }
        }
    }
}

/// When an act took place and, where a reader could take one for the other, when it was
/// recorded: a day stated by the act (a round's acts typed up afterwards) or a place is shown
/// first, with the recording time beside it; an act recorded the day it took place shows only
/// its recording time, as before acts carried dates.
pub(super) fn took_place(
    took_place_on: &str,
    took_place_in: Option<&str>,
    recorded_at: &str,
) -> Markup {
    let recorded_on = chrono::DateTime::parse_from_rfc3339(recorded_at)
        .ok()
        .map(|t| t.with_timezone(&chrono::Utc).date_naive().to_string());
    let stated_day = (!took_place_on.is_empty() && recorded_on.as_deref() != Some(took_place_on))
        .then_some(took_place_on);
    if stated_day.is_none() && took_place_in.is_none() {
        return when(recorded_at);
    }
    let day = stated_day
        .or(recorded_on.as_deref())
        .unwrap_or(took_place_on);
    html! {
        span.took-place { time datetime=(day) { (day) } @if let Some(place) = took_place_in { ", " (place) } }
        br; span.muted { "recorded " (when(recorded_at)) }
    }
}

/// A recorded time to the minute, with the exact instant in the markup for those who need it.
pub(super) fn when(recorded_at: &str) -> Markup {
    let shown = chrono::DateTime::parse_from_rfc3339(recorded_at)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| recorded_at.to_string());
    html! { time datetime=(recorded_at) title=(recorded_at) { (shown) } }
}

pub(super) fn clause_counts(counts: &pacta_projections::ClauseCounts) -> String {
    let parts: Vec<String> = [
        (counts.agreed, "agreed"),
        (counts.agreed_ad_referendum, "agreed ad referendum"),
        (counts.bracketed, "bracketed"),
        (counts.under_discussion, "under discussion"),
        (counts.proposed, "proposed"),
        (counts.withdrawn, "withdrawn"),
    ]
    .iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, name)| format!("{count} {name}"))
    .collect();
    format!("{} in all: {}", counts.total, parts.join(", "))
}

pub(super) fn kind_name(kind: InstrumentKind) -> &'static str {
    match kind {
        InstrumentKind::Treaty => "treaty",
        InstrumentKind::Agreement => "agreement",
        InstrumentKind::Mou => "memorandum of understanding",
        InstrumentKind::ExchangeOfNotes => "exchange of notes",
    }
}

/// RFC 3986's unreserved characters: every other byte is percent-encoded in a query value.
pub(super) const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub(super) fn query_value(value: &str) -> String {
    utf8_percent_encode(value, QUERY_VALUE).to_string()
}

pub(super) fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// The links between a negotiation's pages. It also tells the page's scripts which negotiation
/// is shown and the last event the page was rendered from (`live.js` follows from there).
pub(super) fn negotiation_links(negotiation: &str, access: &Access) -> Markup {
    let last_sequence = access.events.last().map_or(0, |e| e.sequence);
    html! {
        nav.negotiation aria-label="This negotiation" data-negotiation=(negotiation) data-last-sequence=(last_sequence) {
            ul.links {
                li { a href={ "/negotiations/" (negotiation) } { "Draft" } }
                li { a href={ "/negotiations/" (negotiation) "/timeline" } { "Timeline" } }
                li { a href={ "/negotiations/" (negotiation) "/agreement" } { "Agreement" } }
                li { a href={ "/negotiations/" (negotiation) "/redline" } { "Redline between rounds" } }
            }
        }
    }
}

/// A table that scrolls on a narrow screen: these column headings over `rows`.
pub(super) fn table(columns: &[&str], rows: Markup) -> Markup {
    html! {
        div.scroll { table {
            thead { tr { @for column in columns { th scope="col" { (column) } } } }
            tbody { (rows) }
        } }
    }
}

pub(super) fn yes_no(value: bool) -> Markup {
    html! { @if value { span.tag.yes { "yes" } } @else { span.tag.no { "no" } } }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_keep_only_unreserved_characters() {
        assert_eq!(query_value("round:round-1"), "round%3Around-1");
        assert_eq!(query_value("2026-05-28"), "2026-05-28");
        assert_eq!(query_value("a b&c=d~e_f.g"), "a%20b%26c%3Dd~e_f.g");
        assert_eq!(query_value("é"), "%C3%A9");
    }
}
