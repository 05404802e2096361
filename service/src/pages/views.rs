//! The pages that read: the negotiations, a draft, a clause's history, a redline, the timeline
//! and the agreement.

use super::render::*;
use super::*;

/// A document of the text, as the API's export gives it, for a signed-in reader (the pages'
/// download links: the API takes no cookie).
pub(super) async fn export(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    Path((negotiation, format)): Path<(String, String)>,
    query: Result<Query<ExportQuery>, QueryRejection>,
) -> Result<Response, PageError> {
    let Query(query) = query?;
    Ok(export_document(&state, &caller, &negotiation, &format, query).await?)
}

pub(super) async fn index(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    ui: Ui,
    uri: Uri,
) -> PageResult {
    let negotiations = state.readable_negotiations(&caller).await?;
    Ok(layout(
        &ui,
        &here(&uri),
        "Negotiations",
        Some(&caller),
        html! {
            h1 { "Your negotiations" }
            p.meta { "Signed in as " strong { (caller.person) } "." }
            @if negotiations.is_empty() {
                p { "You are not accredited in any negotiation yet." }
            } @else {
                (table(&["Negotiation", "Kind", "Status", "Clauses", "Last activity", "Views"], html! {
                    @for (entry, reader) in &negotiations {
                        @let id = &entry.negotiation_id;
                        tr.negotiation data-negotiation=(id) {
                            th scope="row" {
                                a href={ "/negotiations/" (id) } { (entry.title) }
                                br; code { (id) } " · " (entry.parties.join(", "))
                            }
                            td { (kind_name(entry.instrument_kind)) }
                            td { (if entry.legally_binding == Some(false) { entry.status_in_words() } else { instrument_status(&entry.status) })
                                @if entry.revision > 0 { br; "revision " (entry.revision) }
                                @if entry.awaiting_acceptance.contains(&reader.party) {
                                    br; strong.awaiting { "awaiting your acceptance" }
                                } @else if !entry.awaiting_acceptance.is_empty() {
                                    br; "awaiting acceptance by " (entry.awaiting_acceptance.join(", "))
                                } }
                            td {
                                (clause_counts(&entry.clauses))
                            }
                            td { (when(&entry.last_recorded_at)) br; "event #" (entry.last_sequence) }
                            td {
                                a href={ "/negotiations/" (id) "/timeline" } { "timeline" } ", "
                                a href={ "/negotiations/" (id) "/agreement" } { "agreement" }
                            }
                        }
                    }
                }))
            }
        },
    ))
}

pub(super) async fn draft(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    ui: Ui,
    uri: Uri,
    Path(negotiation): Path<String>,
    query: Result<Query<DraftQuery>, QueryRejection>,
) -> PageResult {
    let Query(query) = query?;
    // The form below sends an empty field for "now".
    let query = DraftQuery {
        at: query.at.filter(|at| !at.trim().is_empty()),
        revision: query.revision,
    };
    let access = state.access(&caller, &negotiation).await?.verified()?;
    let draft = state.draft(&negotiation, &access, &query).await?;
    // The downloads are of the text shown.
    let point_query = match (&query.at, query.revision) {
        (Some(at), _) => format!("?at={}", query_value(at)),
        (None, Some(revision)) => format!("?revision={revision}"),
        (None, None) => String::new(),
    };
    let body = html! {
        h1 { (draft.title) }
        p.meta {
            (kind_name(draft.instrument_kind)) " · revision " (draft.revision)
            " · as of event #" (draft.as_of_sequence)
            " · parties: " (draft.parties.iter().map(|p| format!("{} ({})", p.name, p.code)).collect::<Vec<_>>().join(", "))
            " · you read as " (access.reader.person) " for " (access.party())
        }
        (negotiation_links(&negotiation, &access))
        @if let Some(at) = &query.at {
            p.note { "This is the draft as it stood at " strong { (at) } ". "
                a href={ "/negotiations/" (negotiation) } { "See the draft now." } }
        }
        form.points method="get" {
            div { label for="at" { "Draft at a point" }
                input #at name="at" type="text" value=(query.at.as_deref().unwrap_or(""))
                    placeholder="42, 2026-03-05, round:ID"; }
            div { button type="submit" { "Show" } }
        }
        section.no-print aria-labelledby="downloads" {
            h2 #downloads { "Download the text" }
            ul.links {
                @for format in Format::ALL {
                    li { a href={ "/negotiations/" (negotiation) "/exports/" (format.name()) (point_query) }
                        download { (format.name()) } }
                }
            }
        }
        h2 { "Clauses" }
        @for warning in &draft.warnings { p.warning role="note" { "Warning: " (warning) } }
        @for clause in &draft.clauses {
            article.clause id={ "clause-" (clause.clause_id) } data-status=(kebab(&clause.status))
                aria-labelledby={ "heading-" (clause.clause_id) } {
                h3 id={ "heading-" (clause.clause_id) } { (clause.label) @if !clause.heading.is_empty() { ": " } span lang=(clause.language) dir=(direction(&clause.language)) { (clause.heading) } }
                p.meta {
                    "Status: " (clause_status_tag(clause.status))
                    " · " (clause.attribution())
                    @if !clause.agreed_by.is_empty() { " · agreed by " (clause.agreed_by.join(", ")) }
                    " · " a href={ "/negotiations/" (negotiation) "/clauses/" (clause.clause_id) } { "history of this clause" }
                }
                @for version in &clause.languages {
                    p.muted { (version.language) " — " (words(&kebab(&version.status)))
                        @if let Some(label) = clause.labels.get(&version.language) { " — " (label) } }
                    @if version.status == LanguageStatus::Missing {
                        p.muted { "No version in this language yet." }
                    } @else {
                        (wording(&version.language, &version.heading,
                            &draft.rendered_text(clause, &version.text, &version.language)))
                    }
                }
                @if !clause.alternatives.is_empty() {
                    p { strong { "Bracketed alternatives" } }
                    ul {
                        @for alternative in &clause.alternatives {
                            li.alternative data-label=(alternative.label) {
                                "[" (alternative.label) "] proposed by " (alternative.proposed_by)
                                (wording(&alternative.language, &alternative.heading, &alternative.text))
                            }
                        }
                    }
                    @if let Some(choice) = &clause.proposed_choice { p.choice { (choice.summary()) } }
                }
                @if !clause.positions.is_empty() {
                    p { strong { "Positions" } }
                    ul {
                        @for position in &clause.positions {
                            li.position data-party=(position.party) data-position=(kebab_position(&position.position)) {
                                strong { (position.party) } " " (position_text(&position.position))
                                @if !position.rationale.is_empty() { ": " span.rationale { (position.rationale) } }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(&ui, &here(&uri), &draft.title, Some(&caller), body))
}

pub(super) fn kebab_position(position: &Position) -> String {
    match position {
        Position::Alternative { label } => format!("alternative:{label}"),
        other => {
            let value = serde_json::to_value(other).unwrap_or_default();
            value["position"].as_str().unwrap_or_default().to_string()
        }
    }
}

pub(super) async fn clause_history(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    ui: Ui,
    uri: Uri,
    Path((negotiation, clause)): Path<(String, String)>,
) -> PageResult {
    let access = state.access(&caller, &negotiation).await?.verified()?;
    let history = clause_history_for(&negotiation, &access, &clause)?;
    let title = format!("History of {clause}");
    let body = html! {
        h1 { "History of " code { (clause) } }
        p.meta { (words(&kebab(&history.kind))) " · " (history.versions.len()) " wordings · "
            (history.acts.len()) " acts" }
        (negotiation_links(&negotiation, &access))
        h2 { "Wordings" }
        @for version in &history.versions {
            article.version id={ "version-" (version.sequence) } data-kind=(kebab(&version.kind)) {
                h3 { "#" (version.sequence) " " (words(&kebab(&version.kind)))
                    @if let Some(label) = &version.label { " [" (label) "]" } }
                p.meta {
                    "By " (version.actor) " for " (version.party)
                    " · wording of " (version.proposed_by)
                    " · " (took_place(&version.took_place_on, version.took_place_in.as_deref(), &version.recorded_at))
                    @if let Some(round) = &version.round { " · round " (round) }
                    " · revision " (version.revision)
                    " · language " (version.language)
                }
                @if let Some(why) = &version.why { p { "Why: " (why) } }
                (redlined(&version.language, &version.heading_changes, &version.text_changes))
            }
        }
        h2 { "Acts on this clause" }
        (table(&["#", "When", "Who", "Round", "What", "Why"], html! {
            @for act in &history.acts {
                tr.act data-sequence=(act.sequence) {
                    th scope="row" { (act.sequence) }
                    td { (took_place(&act.took_place_on, act.took_place_in.as_deref(), &act.recorded_at)) }
                    td { (act.actor) " (" (act.party) ")" }
                    td { (act.round.as_deref().unwrap_or("—")) }
                    td { (act.summary)
                        @if let Some(party) = &act.internal_to { " " span.tag.internal { "internal to " (party) } } }
                    td { (act.why.as_deref().unwrap_or("")) }
                }
            }
        }))
    };
    Ok(layout(&ui, &here(&uri), &title, Some(&caller), body))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RedlinePoints {
    from: Option<String>,
    to: Option<String>,
}

pub(super) async fn redline(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    ui: Ui,
    uri: Uri,
    Path(negotiation): Path<String>,
    query: Result<Query<RedlinePoints>, QueryRejection>,
) -> PageResult {
    let Query(query) = query?;
    let access = state.access(&caller, &negotiation).await?.verified()?;
    // Rounds in the order they first appear: the natural points to compare.
    let mut rounds: Vec<String> = Vec::new();
    for entry in pacta_projections::history(&access.events) {
        if let Some(round) = entry.round.filter(|r| !rounds.contains(r)) {
            rounds.push(round);
        }
    }
    let last = access.events.last().map_or(0, |e| e.sequence);
    let default_from = rounds
        .first()
        .map_or("1".to_string(), |r| format!("round:{r}"));
    let default_to = rounds
        .last()
        .map_or(last.to_string(), |r| format!("round:{r}"));
    let from_text = query
        .from
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(default_from);
    let to_text = query
        .to
        .filter(|s| !s.trim().is_empty())
        .unwrap_or(default_to);
    let (from, to): (Point, Point) = (from_text.trim().parse()?, to_text.trim().parse()?);
    let redline = pacta_projections::redline(&access.events, &from, &to)?;
    // A renumbered or moved clause is shown even when its wording is unchanged.
    let changed: Vec<_> = redline
        .clauses
        .iter()
        .filter(|c| c.change != ClauseChange::Unchanged || !c.notes.is_empty())
        .collect();
    let body = html! {
        h1 { "Redline" }
        (negotiation_links(&negotiation, &access))
        form.points method="get" {
            div { label for="from" { "From" } input #from name="from" type="text" value=(from_text); }
            div { label for="to" { "To" } input #to name="to" type="text" value=(to_text); }
            div { button type="submit" { "Compare" } }
        }
        p.muted { "A point is an event number (42), a date (2026-03-05), round:ID or revision:N."
            @if !rounds.is_empty() { " Rounds: " (rounds.join(", ")) "." } }
        p.meta { "From event #" (redline.from.as_of_sequence) " (revision " (redline.from.revision) ", "
            (when(&redline.from.recorded_at)) ") to event #" (redline.to.as_of_sequence) " (revision "
            (redline.to.revision) ", " (when(&redline.to.recorded_at)) "): "
            (changed.len()) " of " (redline.clauses.len()) " clauses changed." }
        @for clause in &changed {
            section.change id={ "change-" (clause.clause_id) } data-change=(kebab(&clause.change)) {
                h2 { (clause.label) " " code { (clause.clause_id) } " — " (words(&kebab(&clause.change))) }
                @for note in &clause.notes { p.meta.structure-note { (note) } }
                (redlined(&clause.language, &clause.heading, &clause.text))
                @if !clause.changed_by.is_empty() {
                    ul {
                        @for author in &clause.changed_by {
                            li { "#" (author.sequence) " " (author.event) " by " (author.actor)
                                " for " (author.party) " (wording of " (author.proposed_by) ") · "
                                (took_place(&author.took_place_on, None, &author.recorded_at)) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(&ui, &here(&uri), "Redline", Some(&caller), body))
}

pub(super) async fn timeline(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    ui: Ui,
    uri: Uri,
    Path(negotiation): Path<String>,
) -> PageResult {
    let access = state.access(&caller, &negotiation).await?;
    let timeline = state
        .timeline(&negotiation, &access, HistoryQuery::default())
        .await?;
    let chain = &timeline.chain;
    let body = html! {
        h1 { "Timeline" }
        (negotiation_links(&negotiation, &access))
        @if chain.verified {
            p.chain data-verified="true" { span.tag.verified { "verified" } " The hash chain verifies: all "
                (chain.verified_events) " events are as recorded." }
        } @else {
            p.chain data-verified="false" role="alert" { span.tag.broken { "broken" } " The hash chain breaks at event #"
                (chain.broken_at.map(|s| s.to_string()).unwrap_or_default()) ": "
                (chain.problem.as_deref().unwrap_or("")) ". Only the first "
                (chain.verified_events) " events are vouched for." }
        }
        (table(&["#", "When", "Who", "Round", "What", "Hash", "Chain"], html! {
            @for item in &timeline.entries {
                @let entry = &item.entry;
                tr.event data-sequence=(entry.sequence) data-verified=(item.verified) {
                    th scope="row" { (entry.sequence) }
                    td { (took_place(&entry.took_place_on, entry.took_place_in.as_deref(), &entry.recorded_at)) }
                    td { (entry.actor) " (" (entry.party) ", " (words(&entry.role)) ")" }
                    td { (entry.round.as_deref().unwrap_or("—")) }
                    td { (entry.summary)
                        @if let Some(party) = &entry.internal_to { " " span.tag.internal { "internal to " (party) } } }
                    td { code.hash title=(entry.hash) { (short_hash(&entry.hash)) "…" } }
                    td { @if item.verified { span.tag.verified { "verified" } } @else { span.tag.broken { "broken" } } }
                }
            }
        }))
    };
    Ok(layout(&ui, &here(&uri), "Timeline", Some(&caller), body))
}

pub(super) async fn agreement(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    ui: Ui,
    uri: Uri,
    Path(negotiation): Path<String>,
) -> PageResult {
    let access = state.access(&caller, &negotiation).await?.verified()?;
    let agreement = pacta_projections::agreement_state(&negotiation, &access.events, None);
    // A non-binding instrument is signed and takes effect: no "consent to be bound", no "in force".
    let non_binding = agreement.is_non_binding();
    let (consent_heading, in_force_from, in_force_until) = if non_binding {
        ("Consent", "In effect from", "In effect until")
    } else {
        ("Consent to be bound", "In force from", "In force until")
    };
    let body = html! {
        h1 { "Agreement: " (agreement.title) }
        (negotiation_links(&negotiation, &access))
        dl.agreement {
            dt { "Status" } dd #status { (agreement_status(&agreement, &agreement.status)) }
            @if let Some(intent) = agreement.legal_effect_in_words() { dt { "Legal effect" } dd #legal-effect { (intent) } }
            @if let Some(registration) = &agreement.registration { dt { "Registration" } dd #registration { (registration) } }
            dt { "Revision" } dd { (agreement.revision) " (" (agreement_status(&agreement, &agreement.revision_status)) ")" }
            dt { "Text root" } dd { code #text-root { (agreement.text_root_hash) } }
            @if non_binding {
                dt { "Takes effect" } dd { (agreement.entry_into_force.map(|d| d.to_string()).unwrap_or_else(|| "not yet".into())) }
            } @else {
                dt { "Entry into force" } dd { (agreement.entry_into_force.map(|d| d.to_string()).unwrap_or_else(|| "not yet".into())) }
            }
            @if let Some((_, rule)) = agreement.entry_into_force_in_words() {
                dt { (if non_binding { "Takes effect by its rule" } else { "Enters into force" }) } dd #entry-into-force-rule { (rule) }
            }
            @for line in agreement.notes_in_words() { dt { "Exchange of notes" } dd.note { (line) } }
            @if let Some((party, since)) = &agreement.suspended { dt { "Suspended" } dd { "by " (party) " since " (since) } }
            @if let Some(on) = agreement.terminates_on { dt { "Terminates on" } dd { (on) } }
        }
        h2 { "Parties" }
        (table(&["Party", "Adopted the text", "Signature", consent_heading], html! {
            @for party in &agreement.parties {
                tr.party data-party=(party.code) {
                    th scope="row" {
                        (party.name) " (" (party.code)
                        @if !party.kind.is_state() { ", " (party.kind) }
                        ")"
                    }
                    td { (yes_no(party.adopted)) }
                    td {
                        @if let Some(signature) = &party.signature {
                            (signature.signatory)
                            @if let Some(title) = &signature.signatory_title { " (" span.signatory-title { (title) } ")" }
                            @if !non_binding { ", " (words(&kebab(&signature.capacity))) }
                            ", on " (signature.signed_on)
                            @if let Some(confirmed) = signature.confirmed_on { ", confirmed " (confirmed) }
                        } @else { "not signed" }
                        @for examined in &party.full_powers_examined { br; span.full-powers { (examined.in_words()) } }
                    }
                    td {
                        @if let Some(consent) = &party.consent {
                            (agreement.consent_in_words(consent))
                        } @else if non_binding { "none: not binding" } @else { "not yet" }
                        @if let Some(from) = party.provisionally_applied_from { br; "applied provisionally from " (from) }
                    }
                }
            }
        }))
        h2 { "Revisions" }
        (table(&["Revision", "Text root", in_force_from, in_force_until], html! {
            @for period in &agreement.revisions {
                tr.revision data-revision=(period.revision) {
                    th scope="row" { (period.revision) }
                    td { code.hash title=(period.text_root_hash) { (short_hash(&period.text_root_hash)) "…" } }
                    td { (period.in_force_from.map(|d| d.to_string()).unwrap_or_else(|| "—".into())) }
                    td { (period.in_force_until.map(|d| d.to_string()).unwrap_or_else(|| "—".into())) }
                }
            }
        }))
    };
    Ok(layout(
        &ui,
        &here(&uri),
        &agreement.title,
        Some(&caller),
        body,
    ))
}
