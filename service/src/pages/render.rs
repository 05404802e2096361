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

/// A value's name in the reader's language: the message `{prefix}-{its kebab-case name}`
/// ("clause-status-under-discussion"), else its name in words, for a value newer than the
/// message files.
pub(super) fn named<T: Serialize>(ui: &Ui, prefix: &str, value: &T) -> String {
    named_kebab(ui, prefix, &kebab(value))
}

/// As [`named`], for a name already in kebab case (a role in an event's metadata).
pub(super) fn named_kebab(ui: &Ui, prefix: &str, kebab_name: &str) -> String {
    ui.try_t(&format!("{prefix}-{kebab_name}"))
        .unwrap_or_else(|| words(kebab_name))
}

/// An event type ("AlternativeChosen") in kebab case ("alternative-chosen").
pub(super) fn event_kebab(event_type: &str) -> String {
    let mut kebab = String::with_capacity(event_type.len() + 4);
    for (index, c) in event_type.chars().enumerate() {
        if c.is_uppercase() && index > 0 {
            kebab.push('-');
        }
        kebab.extend(c.to_lowercase());
    }
    kebab
}

/// An event's name in words, in the reader's language ("alternative retenue"): the message
/// `event-{kebab-case type}`, never the type's CamelCase name.
pub(super) fn event_name(ui: &Ui, event_type: &str) -> String {
    named_kebab(ui, "event", &event_kebab(event_type))
}

/// Items joined as the reader's language lists them (a comma, or the Arabic comma).
pub(super) fn list<S: AsRef<str>>(ui: &Ui, items: &[S]) -> String {
    let separator = ui.t("list-separator");
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(&separator)
}

pub(super) fn clause_status_tag(ui: &Ui, status: ClauseStatus) -> Markup {
    let name = kebab(&status);
    html! { span class={ "tag " (name) } { (named_kebab(ui, "clause-status", &name)) } }
}

/// The status as the agreement's page says it: a non-binding instrument "takes effect", never
/// "in force".
pub(super) fn agreement_status(
    ui: &Ui,
    agreement: &pacta_projections::AgreementState,
    status: &InstrumentStatus,
) -> String {
    instrument_status(ui, status, agreement.is_non_binding())
}

/// Where an instrument stands; `non_binding` for one that takes effect rather than enters into
/// force.
pub(super) fn instrument_status(ui: &Ui, status: &InstrumentStatus, non_binding: bool) -> String {
    match status {
        InstrumentStatus::InForce { on } => ui.t_with(
            if non_binding {
                "instrument-takes-effect"
            } else {
                "instrument-in-force"
            },
            &[("on", on.to_string().into())],
        ),
        InstrumentStatus::Negotiating => ui.t("instrument-negotiating"),
        InstrumentStatus::TextAdopted => ui.t("instrument-text-adopted"),
        InstrumentStatus::Authenticated => ui.t("instrument-authenticated"),
        InstrumentStatus::Abandoned => ui.t("instrument-abandoned"),
    }
}

pub(super) fn position_text(ui: &Ui, position: &Position) -> String {
    match position {
        Position::Accept => ui.t("position-accept"),
        Position::Reject => ui.t("position-reject"),
        Position::Reserve => ui.t("position-reserve"),
        Position::Alternative { label } => {
            ui.t_with("position-alternative", &[("label", label.clone().into())])
        }
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
    ui: &Ui,
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
        span.took-place { time datetime=(day) { (day) } @if let Some(place) = took_place_in { (ui.t("list-separator")) (place) } }
        br; span.muted { (ui.t("recorded")) " " (when(recorded_at)) }
    }
}

/// A recorded time to the minute, with the exact instant in the markup for those who need it.
pub(super) fn when(recorded_at: &str) -> Markup {
    html! { time datetime=(recorded_at) title=(recorded_at) { (when_text(recorded_at)) } }
}

/// A recorded time to the minute, as text (for a sentence that names it).
pub(super) fn when_text(recorded_at: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(recorded_at)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| recorded_at.to_string())
}

/// How many clauses, and how many in each status that has any ("5 clauses: 3 agreed, 2
/// bracketed"), each count a message with its plural forms.
pub(super) fn clause_counts(ui: &Ui, counts: &pacta_projections::ClauseCounts) -> String {
    if counts.total == 0 {
        return ui.t("clause-counts-none");
    }
    let parts: Vec<String> = [
        (counts.agreed, ClauseStatus::Agreed),
        (
            counts.agreed_ad_referendum,
            ClauseStatus::AgreedAdReferendum,
        ),
        (counts.bracketed, ClauseStatus::Bracketed),
        (counts.under_discussion, ClauseStatus::UnderDiscussion),
        (counts.proposed, ClauseStatus::Proposed),
        (counts.withdrawn, ClauseStatus::Withdrawn),
    ]
    .iter()
    .filter(|(count, _)| *count > 0)
    .map(|(count, status)| {
        ui.t_with(
            &format!("clause-count-{}", kebab(status)),
            &[("count", (*count).into())],
        )
    })
    .collect();
    ui.t_with(
        "clause-counts",
        &[
            ("total", counts.total.into()),
            ("counts", list(ui, &parts).into()),
        ],
    )
}

pub(super) fn kind_name(ui: &Ui, kind: InstrumentKind) -> String {
    named(ui, "kind", &kind)
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

/// The first digits of a hash; a page shows it with [`hash_code`], which carries the full hash.
pub(super) fn short_hash(hash: &str) -> &str {
    hash.get(..SHORT_HASH_CHARS).unwrap_or(hash)
}

/// How many hex digits of a hash a page shows: enough to tell events apart by eye.
const SHORT_HASH_CHARS: usize = 12;

/// A hash shown short, carrying the full hash: `copy.js` adds a button that copies it, labelled
/// in the reader's language by the `data-copy-label` and `data-copied-label` given here.
pub(super) fn hash_code(ui: &Ui, hash: &str) -> Markup {
    html! {
        code.hash data-hash=(hash) title=(hash) data-copy-label=(ui.t("copy-button"))
            data-copied-label=(ui.t("copy-done")) { (short_hash(hash)) "…" }
    }
}

/// The links between a negotiation's pages. It also tells the page's scripts which negotiation
/// is shown and the last event the page was rendered from (`live.js` follows from there).
pub(super) fn negotiation_links(ui: &Ui, negotiation: &str, access: &Access) -> Markup {
    let last_sequence = access.events.last().map_or(0, |e| e.sequence);
    html! {
        nav.negotiation aria-label=(ui.t("nav-this-negotiation")) data-negotiation=(negotiation) data-last-sequence=(last_sequence) {
            ul.links {
                li { a href={ "/negotiations/" (negotiation) } { (ui.t("link-draft")) } }
                li { a href={ "/negotiations/" (negotiation) "/timeline" } { (ui.t("link-timeline")) } }
                li { a href={ "/negotiations/" (negotiation) "/agreement" } { (ui.t("link-agreement")) } }
                li { a href={ "/negotiations/" (negotiation) "/matrices" } { (ui.t("link-matrices")) } }
                li { a href={ "/negotiations/" (negotiation) "/redline" } { (ui.t("link-redline")) } }
            }
        }
    }
}

/// A table that scrolls on a narrow screen: the column headings of these messages over `rows`.
pub(super) fn table(ui: &Ui, columns: &[&str], rows: Markup) -> Markup {
    html! {
        div.scroll { table {
            thead { tr { @for column in columns { th scope="col" { (ui.t(column)) } } } }
            tbody { (rows) }
        } }
    }
}

pub(super) fn yes_no(ui: &Ui, value: bool) -> Markup {
    html! { @if value { span.tag.yes { (ui.t("yes")) } } @else { span.tag.no { (ui.t("no")) } } }
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

    /// The event types the domain exposes: the variants of its `NegotiationEvent` schema, each
    /// an object keyed by the type's name (serde's external tagging, as stored).
    fn event_types() -> Vec<String> {
        use utoipa::openapi::schema::Schema;
        use utoipa::openapi::RefOr;
        let RefOr::T(Schema::OneOf(one_of)) =
            <pacta_domain::NegotiationEvent as utoipa::PartialSchema>::schema()
        else {
            panic!("NegotiationEvent's schema is one of its variants");
        };
        one_of
            .items
            .iter()
            .flat_map(|variant| match variant {
                RefOr::T(Schema::Object(object)) => {
                    object.properties.keys().cloned().collect::<Vec<_>>()
                }
                _ => panic!("an event variant that is not an object"),
            })
            .collect()
    }

    #[test]
    fn every_event_type_has_a_name_in_every_language() {
        let types = event_types();
        assert!(types.len() > 40, "{types:?}");
        assert!(types.iter().any(|t| t == "AlternativeChosen"));
        for (code, _) in i18n::INTERFACE_LANGUAGES {
            let ui = Ui::new(code);
            for event_type in &types {
                let key = format!("event-{}", event_kebab(event_type));
                let name = ui.try_t(&key);
                assert!(name.is_some(), "{code}: no message {key} for {event_type}");
                assert!(!name.unwrap().contains(event_type.as_str()));
            }
        }
        assert_eq!(
            event_name(&Ui::new("fr"), "AlternativeChosen"),
            "alternative retenue"
        );
        assert_eq!(
            event_name(&Ui::english(), "AlternativeChosen"),
            "alternative chosen"
        );
    }

    #[test]
    fn event_types_read_in_kebab_case() {
        assert_eq!(event_kebab("AlternativeChosen"), "alternative-chosen");
        assert_eq!(event_kebab("Commented"), "commented");
        assert_eq!(
            event_kebab("ProvisionalApplicationStarted"),
            "provisional-application-started"
        );
    }

    /// Every value a page names has its message, in every language: no English midway through an
    /// Arabic page, no kebab-case name shown.
    #[test]
    fn every_status_word_has_a_message() {
        use pacta_domain::{ClauseKind, LanguageStatus, Role, SignatureCapacity};
        let mut keys: Vec<String> = Vec::new();
        let mut add = |prefix: &str, value: serde_json::Value| {
            keys.push(format!(
                "{prefix}-{}",
                value.as_str().expect("a unit variant")
            ))
        };
        for status in [
            ClauseStatus::Proposed,
            ClauseStatus::UnderDiscussion,
            ClauseStatus::Bracketed,
            ClauseStatus::AgreedAdReferendum,
            ClauseStatus::Agreed,
            ClauseStatus::Withdrawn,
        ] {
            add("clause-status", serde_json::to_value(status).unwrap());
            for (code, _) in i18n::INTERFACE_LANGUAGES {
                let key = format!("clause-count-{}", kebab(&status));
                let count = Ui::new(code).t_with(&key, &[("count", 2.into())]);
                assert!(
                    count.contains('2') && !count.contains(&key),
                    "{code}: {count}"
                );
            }
        }
        for role in Role::ALL {
            add("role", serde_json::to_value(role).unwrap());
        }
        for status in [
            LanguageStatus::Reference,
            LanguageStatus::Missing,
            LanguageStatus::Stale,
            LanguageStatus::AwaitingConcordance,
            LanguageStatus::Concordant,
        ] {
            add("language-status", serde_json::to_value(status).unwrap());
        }
        for kind in [
            ClauseKind::Recital,
            ClauseKind::Article,
            ClauseKind::Annex,
            ClauseKind::FinalClause,
            ClauseKind::Part,
            ClauseKind::Chapter,
            ClauseKind::Section,
        ] {
            add("clause-kind", serde_json::to_value(kind).unwrap());
        }
        for capacity in [
            SignatureCapacity::Simple,
            SignatureCapacity::Definitive,
            SignatureCapacity::AdReferendum,
        ] {
            add("capacity", serde_json::to_value(capacity).unwrap());
        }
        for kind in [
            InstrumentKind::Treaty,
            InstrumentKind::Agreement,
            InstrumentKind::Mou,
            InstrumentKind::ExchangeOfNotes,
        ] {
            add("kind", serde_json::to_value(kind).unwrap());
        }
        for (code, _) in i18n::INTERFACE_LANGUAGES {
            let ui = Ui::new(code);
            for key in &keys {
                assert!(ui.try_t(key).is_some(), "{code}: no message {key}");
            }
        }
    }

    #[test]
    fn clause_counts_read_with_plurals() {
        let counts = pacta_projections::ClauseCounts {
            total: 3,
            agreed: 1,
            bracketed: 2,
            ..Default::default()
        };
        assert_eq!(
            clause_counts(&Ui::english(), &counts),
            "3 clauses: 1 agreed, 2 bracketed"
        );
        assert_eq!(
            clause_counts(&Ui::new("fr"), &counts),
            "3 clauses : 1 adoptée, 2 entre crochets"
        );
        let one = pacta_projections::ClauseCounts {
            total: 1,
            agreed: 1,
            ..Default::default()
        };
        assert_eq!(clause_counts(&Ui::english(), &one), "1 clause: 1 agreed");
        assert!(clause_counts(&Ui::new("ar"), &counts).contains("، "));
    }
}
