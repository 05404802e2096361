//! The pages that read: the negotiations, a draft, a clause's history, a redline, the timeline,
//! the agreement and the action matrices. Every word they add to what the ledger says is a
//! message of `locales/*/pages.ftl`, in the reader's language.

use super::render::*;
use super::*;
use crate::error::ServiceCode;
use pacta_domain::NegotiationEvent;

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
        &ui.t("index-title"),
        Some(&caller),
        html! {
            h1 { (ui.t("index-heading")) }
            p.meta { (ui.t_with("index-signed-in-as", &[("person", caller.person.clone().into())])) }
            @if negotiations.is_empty() {
                p { (ui.t("index-none")) }
            } @else {
                (table(&ui, &["col-negotiation", "col-kind", "col-status", "col-clauses", "col-last-activity", "col-views"], html! {
                    @for (entry, reader) in &negotiations {
                        @let id = &entry.negotiation_id;
                        tr.negotiation data-negotiation=(id) {
                            th scope="row" {
                                a href={ "/negotiations/" (id) } { (entry.title) }
                                br; code { (id) } " · " (list(&ui, &entry.parties))
                            }
                            td { (kind_name(&ui, entry.instrument_kind)) }
                            td { (instrument_status(&ui, &entry.status, entry.legally_binding == Some(false)))
                                @if entry.revision > 0 { br; (ui.t_with("meta-revision", &[("revision", entry.revision.into())])) }
                                @if entry.awaiting_acceptance.contains(&reader.party) {
                                    br; strong.awaiting { (ui.t("index-awaiting-you")) }
                                } @else if !entry.awaiting_acceptance.is_empty() {
                                    br; (ui.t_with("index-awaiting", &[("parties", list(&ui, &entry.awaiting_acceptance).into())]))
                                } }
                            td {
                                (clause_counts(&ui, &entry.clauses))
                            }
                            td { (when(&entry.last_recorded_at)) br; (ui.t_with("index-last-event", &[("sequence", entry.last_sequence.into())])) }
                            td {
                                a href={ "/negotiations/" (id) "/timeline" } { (ui.t("index-timeline")) } (ui.t("list-separator"))
                                a href={ "/negotiations/" (id) "/agreement" } { (ui.t("index-agreement")) }
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
    let parties: Vec<String> = draft
        .parties
        .iter()
        .map(|p| format!("{} ({})", p.name, p.code))
        .collect();
    let forms = acts::Forms::new(
        &ui,
        &caller,
        &access,
        &negotiation,
        &here(&uri),
        query.at.is_none() && query.revision.is_none(),
    );
    let body = html! {
        h1 { (draft.title) }
        p.meta {
            (kind_name(&ui, draft.instrument_kind)) " · " (ui.t_with("meta-revision", &[("revision", draft.revision.into())]))
            " · " (ui.t_with("draft-meta-as-of", &[("sequence", draft.as_of_sequence.into())]))
            " · " (ui.t_with("draft-meta-parties", &[("parties", list(&ui, &parties).into())]))
            " · " (ui.t_with("draft-meta-reader", &[("person", access.reader.person.clone().into()), ("party", access.party().to_string().into())]))
        }
        (negotiation_links(&ui, &negotiation, &access))
        @if let Some(at) = &query.at {
            p.note { (ui.t_with("draft-at-note", &[("at", at.clone().into())])) " "
                a href={ "/negotiations/" (negotiation) } { (ui.t("draft-see-now")) } }
        }
        form.points method="get" {
            div { label for="at" { (ui.t("draft-at-label")) }
                input #at name="at" type="text" value=(query.at.as_deref().unwrap_or(""))
                    placeholder="42, 2026-03-05, round:ID"; }
            div { button type="submit" { (ui.t("draft-show")) } }
        }
        section.no-print aria-labelledby="downloads" {
            h2 #downloads { (ui.t("draft-downloads")) }
            ul.links {
                @for format in Format::ALL {
                    li { a href={ "/negotiations/" (negotiation) "/exports/" (format.name()) (point_query) }
                        download { (format.name()) } }
                }
            }
        }
        h2 { (ui.t("draft-clauses")) }
        @for warning in &draft.warnings { p.warning role="note" { (ui.t_with("draft-warning", &[("warning", warning.to_string().into())])) } }
        @for clause in &draft.clauses {
            article.clause id={ "clause-" (clause.clause_id) } data-status=(kebab(&clause.status))
                aria-labelledby={ "heading-" (clause.clause_id) } {
                h3 id={ "heading-" (clause.clause_id) } { (clause.label) @if !clause.heading.is_empty() { ": " } span lang=(clause.language) dir=(direction(&clause.language)) { (clause.heading) } }
                p.meta {
                    (ui.t("draft-status")) " " (clause_status_tag(&ui, clause.status))
                    " · " (clause.attribution())
                    @if !clause.agreed_by.is_empty() { " · " (ui.t_with("draft-agreed-by", &[("parties", list(&ui, &clause.agreed_by).into())])) }
                    " · " a href={ "/negotiations/" (negotiation) "/clauses/" (clause.clause_id) } { (ui.t("draft-clause-history")) }
                }
                @for version in &clause.languages {
                    p.muted { (version.language) " — " (named(&ui, "language-status", &version.status))
                        @if let Some(label) = clause.labels.get(&version.language) { " — " (label) } }
                    @if version.status == LanguageStatus::Missing {
                        p.muted { (ui.t("draft-no-version")) }
                    } @else {
                        (wording(&version.language, &version.heading,
                            &draft.rendered_text(clause, &version.text, &version.language)))
                    }
                }
                @if !clause.alternatives.is_empty() {
                    p { strong { (ui.t("draft-alternatives")) } }
                    ul {
                        @for alternative in &clause.alternatives {
                            li.alternative data-label=(alternative.label) {
                                "[" (alternative.label) "] " (ui.t_with("draft-proposed-by", &[("party", alternative.proposed_by.clone().into())]))
                                (wording(&alternative.language, &alternative.heading, &alternative.text))
                            }
                        }
                    }
                    @if let Some(choice) = &clause.proposed_choice { p.choice { (choice.summary()) } }
                }
                @if !clause.positions.is_empty() {
                    p { strong { (ui.t("draft-positions")) } }
                    ul {
                        @for position in &clause.positions {
                            li.position data-party=(position.party) data-position=(kebab_position(&position.position)) {
                                strong { (position.party) } " " (position_text(&ui, &position.position))
                                @if !position.rationale.is_empty() { ": " span.rationale { (position.rationale) } }
                            }
                        }
                    }
                }
                (forms.clause(&draft, clause))
            }
        }
        (forms.negotiation(&draft))
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
    let history = clause_history_for(&negotiation, &access.events, access.party(), &clause)?;
    let title = ui.t_with("history-title", &[("clause", clause.clone().into())]);
    let body = html! {
        h1 { (title) }
        p.meta { (named(&ui, "clause-kind", &history.kind)) " · "
            (ui.t_with("history-counts", &[("wordings", history.versions.len().into()), ("acts", history.acts.len().into())])) }
        (negotiation_links(&ui, &negotiation, &access))
        h2 { (ui.t("history-wordings")) }
        @for version in &history.versions {
            article.version id={ "version-" (version.sequence) } data-kind=(kebab(&version.kind)) {
                h3 { "#" (version.sequence) " " (named(&ui, "version", &version.kind))
                    @if let Some(label) = &version.label { " [" (label) "]" } }
                p.meta {
                    (ui.t_with("history-by", &[("actor", version.actor.clone().into()), ("party", version.party.clone().into())]))
                    " · " (ui.t_with("history-wording-of", &[("party", version.proposed_by.clone().into())]))
                    " · " (took_place(&ui, &version.took_place_on, version.took_place_in.as_deref(), &version.recorded_at))
                    @if let Some(round) = &version.round { " · " (ui.t_with("meta-round", &[("round", round.clone().into())])) }
                    " · " (ui.t_with("meta-revision", &[("revision", version.revision.into())]))
                    " · " (ui.t_with("meta-language", &[("language", version.language.clone().into())]))
                }
                @if let Some(why) = &version.why { p { (ui.t_with("history-why", &[("why", why.clone().into())])) } }
                (redlined(&version.language, &version.heading_changes, &version.text_changes))
            }
        }
        (acts::Forms::new(&ui, &caller, &access, &negotiation, &here(&uri), true).clause_by_id(&clause))
        h2 { (ui.t("history-acts")) }
        (table(&ui, &["col-number", "col-when", "col-who", "col-round", "col-what", "col-why"], html! {
            @for act in &history.acts {
                tr.act data-sequence=(act.sequence) {
                    th scope="row" { (act.sequence) }
                    td { (took_place(&ui, &act.took_place_on, act.took_place_in.as_deref(), &act.recorded_at)) }
                    td { (act.actor) " (" (act.party) ")" }
                    td { (act.round.as_deref().unwrap_or("—")) }
                    td { (act.summary)
                        @if let Some(party) = &act.internal_to { " " span.tag.internal { (ui.t_with("tag-internal-to", &[("party", party.clone().into())])) } } }
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
    /// An authentic language to compare in; empty or absent: each clause's reference language.
    language: Option<String>,
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
    let language = query.language.filter(|l| !l.trim().is_empty());
    if let Some(language) = language.as_deref() {
        crate::api::check_redline_language(&negotiation, &access.events, language)?;
    }
    let redline = pacta_projections::redline_in(&access.events, &from, &to, language.as_deref())?;
    let authentic = pacta_projections::draft(&negotiation, &access.events).languages;
    // A renumbered or moved clause is shown even when its wording is unchanged.
    let changed: Vec<_> = redline
        .clauses
        .iter()
        .filter(|c| c.change != ClauseChange::Unchanged || !c.notes.is_empty())
        .collect();
    let point = |snapshot: &pacta_projections::RedlineEnd| {
        ui.t_with(
            "redline-point",
            &[
                ("sequence", snapshot.as_of_sequence.into()),
                ("revision", snapshot.revision.into()),
                ("time", when_text(&snapshot.recorded_at).into()),
            ],
        )
    };
    let title = ui.t("redline-title");
    let body = html! {
        h1 { (title) }
        (negotiation_links(&ui, &negotiation, &access))
        form.points method="get" {
            div { label for="from" { (ui.t("redline-from")) } input #from name="from" type="text" value=(from_text); }
            div { label for="to" { (ui.t("redline-to")) } input #to name="to" type="text" value=(to_text); }
            div { label for="language" { (ui.t("redline-language")) }
                select #language name="language" {
                    option value="" selected[language.is_none()] { (ui.t("redline-language-reference")) }
                    @for code in &authentic {
                        option value=(code) lang=(code) selected[language.as_deref() == Some(code.as_str())] { (code) }
                    }
                }
            }
            div { button type="submit" { (ui.t("redline-compare")) } }
        }
        p.muted { (ui.t("redline-help"))
            @if !rounds.is_empty() { " " (ui.t_with("redline-rounds", &[("rounds", list(&ui, &rounds).into())])) } }
        p.meta { (ui.t_with("redline-summary", &[
            ("from", point(&redline.from).into()),
            ("to", point(&redline.to).into()),
            ("changed", changed.len().into()),
            ("total", redline.clauses.len().into()),
        ])) }
        @for clause in &changed {
            section.change id={ "change-" (clause.clause_id) } data-change=(kebab(&clause.change)) {
                h2 { (clause.label) " " code { (clause.clause_id) } " — " (named(&ui, "change", &clause.change)) }
                @for note in &clause.notes { p.meta.structure-note { (note) } }
                (redlined(&clause.language, &clause.heading, &clause.text))
                @if !clause.changed_by.is_empty() {
                    ul {
                        @for author in &clause.changed_by {
                            li { (ui.t_with("redline-author", &[
                                    ("sequence", author.sequence.into()),
                                    ("event", event_name(&ui, &author.event).into()),
                                    ("actor", author.actor.clone().into()),
                                    ("party", author.party.clone().into()),
                                    ("proposer", author.proposed_by.clone().into()),
                                ])) " · "
                                (took_place(&ui, &author.took_place_on, None, &author.recorded_at)) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(&ui, &here(&uri), &title, Some(&caller), body))
}

/// How many events a page of the timeline shows: a long negotiation's history (thousands of
/// acts) is read a page at a time.
pub(super) const TIMELINE_PAGE_EVENTS: usize = 100;

/// The timeline's filters, as its form sends them (an empty field is no filter), and the page.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TimelineQuery {
    party: Option<String>,
    clause: Option<String>,
    round: Option<String>,
    /// YYYY-MM-DD, both ends included, as the API's `since` and `until`.
    since: Option<String>,
    until: Option<String>,
    /// 1 is the oldest events; without one, the latest page.
    page: Option<String>,
}

/// A filter's value, when the form's field is not empty.
fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

impl TimelineQuery {
    /// The API's query for the same filters; a day that is not one is a bad request, said in
    /// the reader's language.
    fn history_query(&self, ui: &Ui) -> Result<HistoryQuery, PageError> {
        let day = |value: &Option<String>| -> Result<Option<chrono::NaiveDate>, PageError> {
            given(value)
                .map(|text| {
                    text.parse().map_err(|_| {
                        PageError(ApiError::new(
                            ServiceCode::InvalidQuery,
                            ui.t_with("timeline-bad-date", &[("value", text.clone().into())]),
                        ))
                    })
                })
                .transpose()
        };
        Ok(HistoryQuery {
            party: given(&self.party),
            clause: given(&self.clause),
            round: given(&self.round),
            since: day(&self.since)?,
            until: day(&self.until)?,
        })
    }

    /// The query string of these filters on `page`, for the paging links.
    fn with_page(&self, page: usize) -> String {
        let mut query: Vec<String> = [
            ("party", &self.party),
            ("clause", &self.clause),
            ("round", &self.round),
            ("since", &self.since),
            ("until", &self.until),
        ]
        .iter()
        .filter_map(|(name, value)| given(value).map(|v| format!("{name}={}", query_value(&v))))
        .collect();
        query.push(format!("page={page}"));
        format!("?{}", query.join("&"))
    }
}

/// The timeline, a page at a time, oldest first within a page. Without a page it opens on the
/// latest events, which is what a delegate comes back for; "earlier events" go back from there.
/// Page numbers count from the oldest events, so a page's address keeps showing the same
/// events as the history grows.
pub(super) async fn timeline(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    ui: Ui,
    uri: Uri,
    Path(negotiation): Path<String>,
    query: Result<Query<TimelineQuery>, QueryRejection>,
) -> PageResult {
    let Query(query) = query?;
    let filters = query.history_query(&ui)?;
    let access = state.access(&caller, &negotiation).await?;
    // The choices of the form: the parties, clauses and rounds the reader's history names.
    let mut parties: Vec<String> = Vec::new();
    let mut clauses: Vec<String> = Vec::new();
    let mut rounds: Vec<String> = Vec::new();
    for entry in pacta_projections::history(&access.events) {
        for (choices, value) in [
            (&mut parties, Some(entry.party)),
            (&mut clauses, entry.clause_id),
            (&mut rounds, entry.round),
        ] {
            if let Some(value) = value.filter(|v| !v.is_empty() && !choices.contains(v)) {
                choices.push(value);
            }
        }
    }
    let entries = state.timeline_entries(&negotiation, &access).await?;
    let timeline = access.timeline(&entries, &filters);
    let total = timeline.entries.len();
    let pages = total.div_ceil(TIMELINE_PAGE_EVENTS).max(1);
    let page = match given(&query.page) {
        None => pages,
        Some(text) => text
            .parse::<usize>()
            .ok()
            .filter(|p| (1..=pages).contains(p))
            .ok_or_else(|| {
                PageError(ApiError::new(
                    ServiceCode::InvalidQuery,
                    ui.t_with(
                        "timeline-bad-page",
                        &[("value", text.clone().into()), ("pages", pages.into())],
                    ),
                ))
            })?,
    };
    let first = (page - 1) * TIMELINE_PAGE_EVENTS;
    let shown = &timeline.entries[first..total.min(first + TIMELINE_PAGE_EVENTS)];
    let chain = &timeline.chain;
    let filtered = [
        &query.party,
        &query.clause,
        &query.round,
        &query.since,
        &query.until,
    ]
    .iter()
    .any(|value| given(value).is_some());
    let select = |name: &str, label: &str, choices: &[String], chosen: Option<String>| {
        html! {
            div { label for=(name) { (ui.t(label)) }
                select #(name) name=(name) {
                    option value="" { (ui.t("filter-any")) }
                    @for choice in choices {
                        option value=(choice) selected[chosen.as_deref() == Some(choice.as_str())] { (choice) }
                    }
                    @if let Some(chosen) = chosen.as_ref().filter(|c| !choices.contains(c)) {
                        option value=(chosen) selected { (chosen) }
                    }
                } }
        }
    };
    let title = ui.t("timeline-title");
    let body = html! {
        h1 { (title) }
        (negotiation_links(&ui, &negotiation, &access))
        @if chain.verified {
            p.chain data-verified="true" { span.tag.verified { (ui.t("chain-verified-tag")) } " "
                (ui.t_with("chain-verified", &[("count", chain.verified_events.into())])) }
        } @else {
            p.chain data-verified="false" role="alert" { span.tag.broken { (ui.t("chain-broken-tag")) } " "
                (ui.t_with("chain-broken", &[
                    ("at", chain.broken_at.map(|s| s.to_string()).unwrap_or_default().into()),
                    ("problem", chain.problem.clone().unwrap_or_default().into()),
                    ("count", chain.verified_events.into()),
                ])) }
        }
        form.points.filters method="get" aria-label=(ui.t("timeline-filters")) {
            (select("party", "filter-party", &parties, given(&query.party)))
            (select("clause", "filter-clause", &clauses, given(&query.clause)))
            (select("round", "filter-round", &rounds, given(&query.round)))
            div { label for="since" { (ui.t("filter-since")) }
                input #since name="since" type="date" value=(query.since.as_deref().unwrap_or("")); }
            div { label for="until" { (ui.t("filter-until")) }
                input #until name="until" type="date" value=(query.until.as_deref().unwrap_or("")); }
            div { button type="submit" { (ui.t("filter-apply")) } }
            @if filtered { div { a href={ "/negotiations/" (negotiation) "/timeline" } { (ui.t("filter-clear")) } } }
        }
        @if shown.is_empty() {
            p.none { (ui.t("timeline-none")) }
        } @else {
            (paging(&ui, &query, page, pages, first, shown.len(), total))
            (table(&ui, &["col-number", "col-when", "col-who", "col-round", "col-what", "col-hash", "col-chain"], html! {
                @for item in shown {
                    @let entry = &item.entry;
                    tr.event data-sequence=(entry.sequence) data-verified=(item.verified) {
                        th scope="row" { (entry.sequence) }
                        td { (took_place(&ui, &entry.took_place_on, entry.took_place_in.as_deref(), &entry.recorded_at)) }
                        td { (entry.actor) " (" (entry.party) (ui.t("list-separator")) (named_kebab(&ui, "role", &entry.role)) ")" }
                        td { (entry.round.as_deref().unwrap_or("—")) }
                        td { strong.event-name { (event_name(&ui, &entry.event)) } br; (entry.summary)
                            @if let Some(party) = &entry.internal_to { " " span.tag.internal { (ui.t_with("tag-internal-to", &[("party", party.clone().into())])) } } }
                        td { (hash_code(&ui, &entry.hash)) }
                        td { @if item.verified { span.tag.verified { (ui.t("chain-verified-tag")) } } @else { span.tag.broken { (ui.t("chain-broken-tag")) } } }
                    }
                }
            }))
            (paging(&ui, &query, page, pages, first, shown.len(), total))
        }
    };
    Ok(layout(&ui, &here(&uri), &title, Some(&caller), body))
}

/// Where a timeline page is in the whole, with links to the pages before and after it.
fn paging(
    ui: &Ui,
    query: &TimelineQuery,
    page: usize,
    pages: usize,
    first: usize,
    shown: usize,
    total: usize,
) -> Markup {
    html! {
        nav.paging aria-label=(ui.t("timeline-title")) {
            p.meta { (ui.t_with("timeline-page", &[
                ("first", (first + 1).into()),
                ("last", (first + shown).into()),
                ("total", total.into()),
            ])) }
            ul.links {
                @if page > 1 { li { a rel="prev" href=(query.with_page(page - 1)) { (ui.t("timeline-earlier")) } } }
                @if page < pages { li { a rel="next" href=(query.with_page(page + 1)) { (ui.t("timeline-later")) } } }
            }
        }
    }
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
    // While a revision is negotiated, the state's acts are the revision's own: the text in force
    // is the state as it stood when the revision opened, with the acts that concluded it.
    let in_force = text_in_force_during_revision(&negotiation, &access, &agreement);
    // A non-binding instrument is signed and takes effect: no "consent to be bound", no "in force".
    let non_binding = agreement.is_non_binding();
    let (in_force_from, in_force_until) = if non_binding {
        ("col-in-effect-from", "col-in-effect-until")
    } else {
        ("col-in-force-from", "col-in-force-until")
    };
    let not_yet = || ui.t("not-yet");
    let title = ui.t_with(
        "agreement-title",
        &[("title", agreement.title.clone().into())],
    );
    let body = html! {
        h1 { (title) }
        (negotiation_links(&ui, &negotiation, &access))
        dl.agreement {
            dt { (ui.t("agreement-status")) } dd #status { (agreement_status(&ui, &agreement, &agreement.status)) }
            @if let Some(intent) = agreement.legal_effect_in_words() { dt { (ui.t("agreement-legal-effect")) } dd #legal-effect { (intent) } }
            @if let Some(registration) = &agreement.registration { dt { (ui.t("agreement-registration")) } dd #registration { (registration) } }
            dt { (ui.t("agreement-revision")) } dd { (agreement.revision) " (" (agreement_status(&ui, &agreement, &agreement.revision_status)) ")" }
            dt { (ui.t("agreement-text-root")) } dd { code #text-root { (agreement.text_root_hash) } }
            @if non_binding {
                dt { (ui.t("agreement-takes-effect")) } dd { (agreement.entry_into_force.map(|d| d.to_string()).unwrap_or_else(not_yet)) }
            } @else {
                dt { (ui.t("agreement-entry-into-force")) } dd { (agreement.entry_into_force.map(|d| d.to_string()).unwrap_or_else(not_yet)) }
            }
            @if let Some((_, rule)) = agreement.entry_into_force_in_words() {
                dt { (ui.t(if non_binding { "agreement-takes-effect-rule" } else { "agreement-enters-into-force-rule" })) } dd #entry-into-force-rule { (rule) }
            }
            @for line in agreement.notes_in_words() { dt { (ui.t("agreement-exchange-of-notes")) } dd.note { (line) } }
            @if let Some((party, since)) = &agreement.suspended { dt { (ui.t("agreement-suspended")) }
                dd { (ui.t_with("agreement-suspended-by", &[("party", party.clone().into()), ("since", since.to_string().into())])) } }
            @if let Some(on) = agreement.terminates_on { dt { (ui.t("agreement-terminates-on")) } dd { (on) } }
        }
        @if let Some(in_force) = &in_force {
            section #text-in-force data-revision=(in_force.revision) {
                h2 { (ui.t_with(if non_binding { "agreement-in-effect-parties" } else { "agreement-in-force-parties" },
                    &[("revision", in_force.revision.into())])) }
                p.meta { (ui.t_with(if non_binding { "agreement-in-effect-note" } else { "agreement-in-force-note" },
                    &[("revision", agreement.revision.into())])) " " (hash_code(&ui, &in_force.text_root_hash)) }
                (parties_table(&ui, in_force))
            }
            section #revision-under-negotiation data-revision=(agreement.revision) {
                h2 { (ui.t_with("agreement-revision-parties", &[
                    ("revision", agreement.revision.into()),
                    ("status", agreement_status(&ui, &agreement, &agreement.revision_status).into()),
                ])) }
                p.meta { (ui.t("agreement-revision-note")) " " (hash_code(&ui, &agreement.text_root_hash)) }
                (parties_table(&ui, &agreement))
            }
        } @else {
            h2 { (ui.t("agreement-parties")) }
            (parties_table(&ui, &agreement))
        }
        h2 { (ui.t("agreement-revisions")) }
        (table(&ui, &["col-revision", "col-text-root", in_force_from, in_force_until], html! {
            @for period in &agreement.revisions {
                tr.revision data-revision=(period.revision) {
                    th scope="row" { (period.revision) }
                    td { (hash_code(&ui, &period.text_root_hash)) }
                    td { (period.in_force_from.map(|d| d.to_string()).unwrap_or_else(|| "—".into())) }
                    td { (period.in_force_until.map(|d| d.to_string()).unwrap_or_else(|| "—".into())) }
                }
            }
        }))
        (acts::Forms::new(&ui, &caller, &access, &negotiation, &here(&uri), true).agreement())
    };
    Ok(layout(
        &ui,
        &here(&uri),
        &agreement.title,
        Some(&caller),
        body,
    ))
}

/// The agreement as it stood when the revision now negotiated was opened: the text in force and
/// the adoption, signatures and consents that concluded it. `None` when no revision is being
/// negotiated (the state's acts are then those of the text in force, or of the original).
fn text_in_force_during_revision(
    negotiation: &str,
    access: &Access,
    agreement: &pacta_projections::AgreementState,
) -> Option<pacta_projections::AgreementState> {
    let revising = agreement.revision > 0
        && !matches!(agreement.revision_status, InstrumentStatus::InForce { .. })
        && !matches!(agreement.revision_status, InstrumentStatus::Abandoned);
    if !revising {
        return None;
    }
    let opened_at = access.events.iter().rposition(|e| {
        matches!(e.payload, NegotiationEvent::RevisionOpened { revision, .. } if revision == agreement.revision)
    })?;
    Some(pacta_projections::agreement_state(
        negotiation,
        &access.events[..opened_at],
        None,
    ))
}

/// Each party's adoption, signature and consent in `agreement`'s revision.
fn parties_table(ui: &Ui, agreement: &pacta_projections::AgreementState) -> Markup {
    let non_binding = agreement.is_non_binding();
    let consent_heading = if non_binding {
        "col-consent"
    } else {
        "col-consent-to-be-bound"
    };
    table(
        ui,
        &["col-party", "col-adopted", "col-signature", consent_heading],
        html! {
            @for party in &agreement.parties {
                tr.party data-party=(party.code) {
                    th scope="row" {
                        (party.name) " (" (party.code)
                        @if !party.kind.is_state() { (ui.t("list-separator")) (named(ui, "party-kind", &party.kind)) }
                        ")"
                    }
                    td { (yes_no(ui, party.adopted)) }
                    td {
                        @if let Some(signature) = &party.signature {
                            (signature.signatory)
                            @if let Some(title) = &signature.signatory_title { " (" span.signatory-title { (title) } ")" }
                            @if !non_binding { (ui.t("list-separator")) (named(ui, "capacity", &signature.capacity)) }
                            (ui.t("list-separator")) (ui.t_with("agreement-signed-on", &[("date", signature.signed_on.to_string().into())]))
                            @if let Some(confirmed) = signature.confirmed_on { (ui.t("list-separator")) (ui.t_with("agreement-confirmed", &[("date", confirmed.to_string().into())])) }
                        } @else { (ui.t("agreement-not-signed")) }
                        @for examined in &party.full_powers_examined { br; span.full-powers { (examined.in_words()) } }
                    }
                    td {
                        @if let Some(consent) = &party.consent {
                            (agreement.consent_in_words(consent))
                        } @else if non_binding { (ui.t("agreement-no-consent-non-binding")) } @else { (ui.t("not-yet")) }
                        @if let Some(from) = party.provisionally_applied_from { br; (ui.t_with("agreement-applied-provisionally", &[("date", from.to_string().into())])) }
                    }
                }
            }
        },
    )
}

/// The action matrices: each matrix's rows as negotiated (content, who agreed it, its hash),
/// whether it is validated, and the progress reported on its rows since.
pub(super) async fn matrices(
    State(state): State<Arc<AppState>>,
    Reader(caller): Reader,
    ui: Ui,
    uri: Uri,
    Path(negotiation): Path<String>,
) -> PageResult {
    let access = state.access(&caller, &negotiation).await?.verified()?;
    let matrices = pacta_projections::action_matrices(&access.events);
    let statuses = pacta_projections::matrix_status(&access.events);
    let title = ui.t("matrices-title");
    let forms = acts::Forms::new(&ui, &caller, &access, &negotiation, &here(&uri), true);
    let body = html! {
        h1 { (title) }
        (negotiation_links(&ui, &negotiation, &access))
        @if matrices.is_empty() {
            p.none { (ui.t("matrices-none")) }
        }
        @for (matrix_id, matrix) in &matrices {
            @let rows_agreed = statuses.iter().find(|s| &s.matrix_id == matrix_id).map_or(0, |s| s.rows_agreed);
            section.matrix id={ "matrix-" (matrix_id) } data-matrix=(matrix_id) data-validated=(matrix.validated_at.is_some()) {
                h2 { (matrix.title) " " code { (matrix_id) } }
                p.meta {
                    @if let Some(round) = &matrix.validated_at {
                        span.tag.verified { (ui.t_with("matrix-validated", &[("round", round.clone().into())])) }
                    } @else {
                        span.tag.proposed { (ui.t("matrix-not-validated")) }
                    }
                    " " (ui.t_with("matrix-rows", &[("count", matrix.rows.len().into()), ("agreed", rows_agreed.into())]))
                }
                (table(&ui, &["col-row", "col-objective", "col-action", "col-responsible", "col-period", "col-indicator", "col-agreed-by", "col-progress", "col-hash"], html! {
                    @for row_id in &matrix.row_order {
                        @if let Some(row) = matrix.rows.get(row_id) {
                            @let content = &row.content;
                            @let agreed: Vec<&str> = row.agreed_parties().collect();
                            tr.row data-row=(row_id) data-progress=(kebab(&row.progress)) {
                                th scope="row" { (row_id) }
                                td { (content.objective) }
                                td { (content.action) }
                                td { (content.responsible_party) br; span.muted { (content.agency) } }
                                td { (ui.t_with("matrix-period", &[("starts", content.starts_on.to_string().into()), ("ends", content.ends_on.to_string().into())])) }
                                td { (ui.t_with("matrix-indicator", &[
                                    ("name", content.indicator.name.clone().into()),
                                    ("unit", content.indicator.unit.clone().into()),
                                    ("baseline", content.indicator.baseline.clone().into()),
                                    ("target", content.indicator.target.clone().into()),
                                ])) }
                                td.agreed-by { @if agreed.is_empty() { (ui.t("matrix-agreed-by-none")) } @else { (list(&ui, &agreed)) } }
                                td { (named(&ui, "progress", &row.progress)) }
                                td { (hash_code(&ui, &row.row_hash)) }
                            }
                        }
                    }
                }))
                @let reports = progress_reports(&access, matrix_id);
                h3 { (ui.t("matrix-reports")) }
                @if reports.is_empty() {
                    p.muted { (ui.t("matrix-no-reports")) }
                } @else {
                    (table(&ui, &["col-number", "col-when", "col-row", "col-progress", "col-note", "col-who"], html! {
                        @for report in &reports {
                            tr.report data-sequence=(report.sequence) data-row=(report.row_id) {
                                th scope="row" { (report.sequence) }
                                td { time datetime=(report.reported_on) { (report.reported_on) } }
                                td { (report.row_id) }
                                td { (named(&ui, "progress", &report.progress)) }
                                td { (report.note) }
                                td { (report.actor) " (" (report.party) ")" }
                            }
                        }
                    }))
                }
                (forms.matrix(matrix_id, matrix))
            }
        }
        (forms.new_matrix())
    };
    Ok(layout(&ui, &here(&uri), &title, Some(&caller), body))
}

/// One progress report on a row of a matrix, as recorded.
struct ReportLine<'a> {
    sequence: usize,
    row_id: &'a str,
    progress: pacta_domain::RowProgress,
    reported_on: chrono::NaiveDate,
    note: &'a str,
    actor: &'a str,
    party: &'a str,
}

/// Every progress report on `matrix_id`'s rows, oldest first.
fn progress_reports<'a>(access: &'a Access, matrix_id: &str) -> Vec<ReportLine<'a>> {
    let field = |envelope: &'a cqrs_es::EventEnvelope<pacta_domain::Negotiation>, key: &str| {
        envelope.metadata.get(key).map_or("", String::as_str)
    };
    access
        .events
        .iter()
        .filter_map(|envelope| match &envelope.payload {
            NegotiationEvent::ProgressReported {
                matrix_id: reported,
                row_id,
                progress,
                reported_on,
                note,
            } if reported == matrix_id => Some(ReportLine {
                sequence: envelope.sequence,
                row_id,
                progress: *progress,
                reported_on: *reported_on,
                note,
                actor: field(envelope, pacta_domain::metadata::ACTOR),
                party: field(envelope, pacta_domain::metadata::PARTY),
            }),
            _ => None,
        })
        .collect()
}
