//! The current draft: the clauses in document order, numbered, with their status and who agreed.

use cqrs_es::EventEnvelope;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use pacta_domain::{
    cross_references, numbered_paragraphs, render_cross_references, ArabicArticleNumbering, Clause,
    ClauseKind, ClauseNumber, ClauseStatus, InstrumentKind, LanguageStatus, Negotiation, Party,
    Position,
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    pub negotiation_id: String,
    pub title: String,
    /// The title in other authentic languages, by BCP 47 tag, where the opening gave it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub titles: BTreeMap<String, String>,
    pub instrument_kind: InstrumentKind,
    /// The revision whose text this is: 0 is the original instrument.
    pub revision: u32,
    pub parties: Vec<Party>,
    pub languages: Vec<String>,
    /// In document order: recitals, articles (with parts, chapters and sections), final
    /// clauses, annexes.
    pub clauses: Vec<DraftClause>,
    /// The sequence of the last event folded in.
    pub as_of_sequence: usize,
    /// How the Arabic version numbers articles; absent: numerals.
    #[serde(default, skip_serializing_if = "ArabicArticleNumbering::is_numerals")]
    pub arabic_article_numbering: ArabicArticleNumbering,
    /// Whether the parties froze the numbering of the articles.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub numbering_frozen: bool,
    /// What a reader must know about the text: a cross-reference to a withdrawn clause.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Whether the instrument is intended to be legally binding, where its opening stated it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legally_binding: Option<bool>,
}

impl Draft {
    /// What a document's header says of its legal effect, where the opening stated it: "not
    /// intended to be legally binding; not registrable under Article 102 of the UN Charter", or
    /// "legally binding; registrable under Article 102 of the UN Charter once in force".
    pub fn legal_effect_line(&self) -> Option<String> {
        self.legally_binding.map(|binding| {
            if binding {
                format!("legally binding; {}", crate::REGISTRABLE)
            } else {
                "not intended to be legally binding; not registrable under Article 102 of the UN Charter".to_string()
            }
        })
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftClause {
    pub clause_id: String,
    pub kind: ClauseKind,
    /// "Article 2", in English; withdrawn clauses keep no number.
    pub label: String,
    /// The clause's number, the same in every language; none for a withdrawn clause.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<ClauseNumber>,
    /// The label in each authentic language: "Article premier", "Article 1", "المادة الأولى".
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    pub heading: String,
    pub language: String,
    pub text: String,
    pub text_hash: String,
    pub status: ClauseStatus,
    pub proposed_by: String,
    /// The party whose wording stands (an amender, or a chosen alternative's proposer), when
    /// the ledger names it: amendments recorded before they named their party do not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worded_by: Option<String>,
    /// Parties that agreed the current wording.
    pub agreed_by: Vec<String>,
    /// Every authentic language: the reference wording, a translation of it, or what is missing.
    pub languages: Vec<LanguageVersion>,
    /// Bracketed alternatives to the current wording, by label.
    pub alternatives: Vec<DraftAlternative>,
    /// The alternative a party proposed to lift the brackets with, until every party agrees it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_choice: Option<DraftChoice>,
    /// Each party's stated position on the current wording.
    pub positions: Vec<DraftPosition>,
}

impl DraftClause {
    /// "proposed by CIV", or "proposed by CIV; wording of MAR" once another party's wording
    /// stands: who tabled the clause is not who wrote the text it now has.
    pub fn attribution(&self) -> String {
        match &self.worded_by {
            Some(author) if *author != self.proposed_by => {
                format!("proposed by {}; wording of {author}", self.proposed_by)
            }
            _ => format!("proposed by {}", self.proposed_by),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftAlternative {
    pub label: String,
    pub heading: String,
    pub language: String,
    pub text: String,
    pub text_hash: String,
    pub proposed_by: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftChoice {
    pub label: String,
    pub proposed_by: String,
    /// The parties that agreed the alternative's wording so far.
    pub agreed_by: Vec<String>,
}

impl DraftChoice {
    /// "choosing [B] proposed by CIV; agreed by CIV".
    pub fn summary(&self) -> String {
        let mut line = format!("choosing [{}] proposed by {}", self.label, self.proposed_by);
        if !self.agreed_by.is_empty() {
            line.push_str(&format!("; agreed by {}", self.agreed_by.join(", ")));
        }
        line
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftPosition {
    pub party: String,
    pub position: Position,
    pub rationale: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LanguageVersion {
    pub language: String,
    pub status: LanguageStatus,
    /// Empty when the language has no version yet.
    pub heading: String,
    pub text: String,
    pub text_hash: String,
}

/// The current draft: the text of the revision being negotiated, or of the one in force.
pub fn draft(negotiation_id: &str, events: &[EventEnvelope<Negotiation>]) -> Draft {
    draft_of_state(
        negotiation_id,
        &crate::replay(events),
        last_sequence(events),
    )
}

/// The current draft of an already folded negotiation whose last event is `as_of_sequence`.
pub fn draft_of_state(negotiation_id: &str, state: &Negotiation, as_of_sequence: usize) -> Draft {
    render(negotiation_id, as_of_sequence, state, state.revision())
        .expect("invariant: the current revision is on record")
}

/// The text of `revision` as it stands (for a revision no longer current: as it was when the next
/// revision opened), or `None` when no such revision is on record.
pub fn draft_of_revision(
    negotiation_id: &str,
    events: &[EventEnvelope<Negotiation>],
    revision: u32,
) -> Option<Draft> {
    render(
        negotiation_id,
        last_sequence(events),
        &crate::replay(events),
        revision,
    )
}

fn last_sequence(events: &[EventEnvelope<Negotiation>]) -> usize {
    events.last().map_or(0, |e| e.sequence)
}

fn render(
    negotiation_id: &str,
    as_of_sequence: usize,
    state: &Negotiation,
    revision: u32,
) -> Option<Draft> {
    let numbers = state.clause_numbers(revision)?;
    let arabic = state.arabic_article_numbering();
    let clauses: Vec<DraftClause> = state
        .revision_clauses(revision)?
        .into_iter()
        .map(|(clause_id, clause)| {
            let number = numbers.get(clause_id).copied();
            draft_clause(state, clause_id, clause, number, arabic)
        })
        .collect();
    let warnings = withdrawn_references(clauses.iter().map(|clause| {
        let references = referenced_clauses(clause);
        (
            clause.clause_id.as_str(),
            clause.label.as_str(),
            clause.status,
            references,
        )
    }));
    Some(draft_around(
        negotiation_id,
        as_of_sequence,
        state,
        revision,
        clauses,
        warnings,
    ))
}

/// The draft's fields around its clauses and warnings.
fn draft_around(
    negotiation_id: &str,
    as_of_sequence: usize,
    state: &Negotiation,
    revision: u32,
    clauses: Vec<DraftClause>,
    warnings: Vec<String>,
) -> Draft {
    Draft {
        negotiation_id: negotiation_id.to_string(),
        title: state.title().unwrap_or_default().to_string(),
        titles: state.titles().cloned().unwrap_or_default(),
        instrument_kind: state.instrument_kind().unwrap_or(InstrumentKind::Mou),
        revision,
        parties: state.parties().to_vec(),
        languages: state.languages().to_vec(),
        clauses,
        as_of_sequence,
        arabic_article_numbering: state.arabic_article_numbering(),
        numbering_frozen: state.numbering_frozen() && revision == state.revision(),
        warnings,
        legally_binding: state.legally_binding(),
    }
}

/// One clause as the draft shows it. It depends on the clause, its number, and of the rest of
/// the state only on its languages, its parties (the status) and how Arabic numbers articles:
/// `DraftJsonCache` keeps a rendered clause while these are unchanged.
fn draft_clause(
    state: &Negotiation,
    clause_id: &str,
    clause: &Clause,
    number: Option<ClauseNumber>,
    arabic: ArabicArticleNumbering,
) -> DraftClause {
    let kind = clause.kind;
    let label = match number {
        Some(number) => number.label("en", arabic),
        None => format!("{} (withdrawn)", kind_name(kind)),
    };
    let labels = number
        .map(|number| {
            state
                .languages()
                .iter()
                .map(|l| (l.clone(), number.label(l, arabic)))
                .collect()
        })
        .unwrap_or_default();
    DraftClause {
        clause_id: clause_id.to_string(),
        kind,
        label,
        number,
        labels,
        heading: clause.heading.clone(),
        language: clause.language.clone(),
        text: clause.text.clone(),
        text_hash: clause.text_hash.clone(),
        status: state.clause_status(clause),
        proposed_by: clause.proposed_by.clone(),
        worded_by: clause.worded_by.clone(),
        agreed_by: clause
            .agreed_by
            .iter()
            .filter(|(_, hash)| **hash == clause.text_hash)
            .map(|(party, _)| party.clone())
            .collect(),
        languages: state
            .languages()
            .iter()
            .map(|l| language_version(clause, l))
            .collect(),
        alternatives: clause
            .alternatives
            .iter()
            .map(|(label, a)| DraftAlternative {
                label: label.clone(),
                heading: a.heading.clone(),
                language: a.language.clone(),
                text: a.text.clone(),
                text_hash: a.text_hash.clone(),
                proposed_by: a.proposed_by.clone(),
            })
            .collect(),
        proposed_choice: clause.proposed_choice.as_ref().map(|c| DraftChoice {
            label: c.label.clone(),
            proposed_by: c.proposed_by.clone(),
            agreed_by: c.agreed_by.keys().cloned().collect(),
        }),
        positions: clause
            .positions
            .iter()
            .map(|(party, p)| DraftPosition {
                party: party.clone(),
                position: p.position.clone(),
                rationale: p.rationale.clone(),
            })
            .collect(),
    }
}

/// The clauses a clause's wordings refer to (`[[clause-id]]`), each once, in order of id.
fn referenced_clauses(clause: &DraftClause) -> Vec<String> {
    let mut targets: Vec<String> = std::iter::once(clause.text.as_str())
        .chain(clause.languages.iter().map(|v| v.text.as_str()))
        .flat_map(cross_references)
        .map(str::to_string)
        .collect();
    targets.sort_unstable();
    targets.dedup();
    targets
}

/// "art-2 refers to art-3, which was withdrawn", once per live clause and withdrawn target, from
/// each clause's id, label, status and `referenced_clauses`.
fn withdrawn_references<'a, R: AsRef<[String]>>(
    clauses: impl Iterator<Item = (&'a str, &'a str, ClauseStatus, R)>,
) -> Vec<String> {
    let clauses: Vec<_> = clauses.collect();
    let withdrawn: HashSet<&str> = clauses
        .iter()
        .filter(|(_, _, status, _)| *status == ClauseStatus::Withdrawn)
        .map(|(clause_id, ..)| *clause_id)
        .collect();
    let mut warnings = Vec::new();
    if withdrawn.is_empty() {
        return warnings;
    }
    for (clause_id, label, status, references) in &clauses {
        if *status == ClauseStatus::Withdrawn {
            continue;
        }
        for target in references.as_ref() {
            if withdrawn.contains(target.as_str()) {
                warnings.push(format!(
                    "{clause_id} ({label}) refers to {target}, which was withdrawn: amend the reference"
                ));
            }
        }
    }
    warnings
}

/// Each clause of one negotiation's current draft as JSON, kept between renders of its draft
/// (`draft_json`), so that a draft read after an act renders the clauses the act changed, not
/// the whole text.
///
/// A clause is rendered again when it is no longer the same shared clause
/// (`Negotiation::numbered_clauses_in_document_order`: holding it here makes any change to it
/// a copy), when its number changed, or when what every clause depends on changed (languages,
/// parties, Arabic numbering): then every clause is.
#[derive(Clone, Debug, Default)]
pub struct DraftJsonCache {
    inputs: Option<CommonInputs>,
    clauses: HashMap<String, RenderedClause>,
    /// The bytes of JSON held, for a bound on the caches a process keeps.
    json_bytes: usize,
    /// How many clauses the last `draft_json` rendered rather than took from here.
    rendered_last: usize,
}

/// What every clause of a draft depends on besides the clause and its number.
#[derive(Clone, Debug, PartialEq)]
struct CommonInputs {
    languages: Vec<String>,
    parties: Vec<String>,
    arabic: ArabicArticleNumbering,
}

impl CommonInputs {
    fn of(state: &Negotiation) -> Self {
        Self {
            languages: state.languages().to_vec(),
            parties: state.parties().iter().map(|p| p.code.clone()).collect(),
            arabic: state.arabic_article_numbering(),
        }
    }
}

#[derive(Clone, Debug)]
struct RenderedClause {
    /// The clause it was rendered from, held so that it stays unchanged while shared.
    clause: Arc<Clause>,
    number: Option<ClauseNumber>,
    label: String,
    status: ClauseStatus,
    references: Vec<String>,
    json: String,
}

impl DraftJsonCache {
    /// The bytes of clause JSON held.
    pub fn json_bytes(&self) -> usize {
        self.json_bytes
    }

    /// How many clauses the last draft rendered; the others it took from the cache.
    pub fn rendered_last(&self) -> usize {
        self.rendered_last
    }

    fn clear(&mut self) {
        self.clauses.clear();
        self.json_bytes = 0;
    }

    fn insert(&mut self, clause_id: &str, rendered: RenderedClause) {
        self.json_bytes += rendered.json.len();
        if let Some(replaced) = self.clauses.insert(clause_id.to_string(), rendered) {
            self.json_bytes -= replaced.json.len();
        }
    }
}

/// The current draft as JSON: the same bytes as `serde_json::to_string(&draft_of_state(..))`,
/// with each unchanged clause's JSON taken from `cache` (which it brings up to date).
pub fn draft_json(
    negotiation_id: &str,
    state: &Negotiation,
    as_of_sequence: usize,
    cache: &mut DraftJsonCache,
) -> String {
    let revision = state.revision();
    let inputs = CommonInputs::of(state);
    if cache.inputs.as_ref() != Some(&inputs) {
        cache.clear();
        cache.inputs = Some(inputs);
    }
    let arabic = state.arabic_article_numbering();
    let ordered = state.numbered_clauses_in_document_order();
    cache.rendered_last = 0;
    for &(clause_id, clause, number) in &ordered {
        let unchanged = cache
            .clauses
            .get(clause_id)
            .is_some_and(|r| Arc::ptr_eq(&r.clause, clause) && r.number == number);
        if !unchanged {
            let rendered = draft_clause(state, clause_id, clause, number, arabic);
            let rendered = RenderedClause {
                clause: Arc::clone(clause),
                number,
                references: referenced_clauses(&rendered),
                json: serde_json::to_string(&rendered).expect("invariant: a clause serialises"),
                label: rendered.label,
                status: rendered.status,
            };
            cache.insert(clause_id, rendered);
            cache.rendered_last += 1;
        }
    }
    // Every clause of the text is in the cache now: any more are clauses it no longer has.
    if cache.clauses.len() > ordered.len() {
        let current: HashSet<&str> = ordered.iter().map(|(id, ..)| *id).collect();
        cache.clauses.retain(|id, _| current.contains(id.as_str()));
        cache.json_bytes = cache.clauses.values().map(|r| r.json.len()).sum();
    }
    let rendered: Vec<(&str, &RenderedClause)> = ordered
        .iter()
        .map(|(id, ..)| (*id, &cache.clauses[*id]))
        .collect();
    let warnings = withdrawn_references(
        rendered
            .iter()
            .map(|(id, r)| (*id, r.label.as_str(), r.status, &r.references)),
    );
    let around = draft_around(
        negotiation_id,
        as_of_sequence,
        state,
        revision,
        Vec::new(),
        warnings,
    );
    let around = serde_json::to_string(&around).expect("invariant: a draft serialises");
    // The clauses go where an empty list of them was written: `"clauses":[]` occurs once, as
    // the draft's own key (an unescaped quote only ever delimits a string, and no other object
    // of a draft has a field of that name).
    const EMPTY_CLAUSES: &str = "\"clauses\":[]";
    let at = around
        .find(EMPTY_CLAUSES)
        .expect("invariant: a draft writes its clauses")
        + EMPTY_CLAUSES.len()
        - 1;
    debug_assert_eq!(around.matches(EMPTY_CLAUSES).count(), 1);
    let clause_bytes: usize = rendered.iter().map(|(_, r)| r.json.len() + 1).sum();
    let mut json = String::with_capacity(around.len() + clause_bytes);
    json.push_str(&around[..at]);
    for (index, (_, r)) in rendered.iter().enumerate() {
        if index > 0 {
            json.push(',');
        }
        json.push_str(&r.json);
    }
    json.push_str(&around[at..]);
    json
}

impl Draft {
    /// The clause's label in `language` ("Article premier"), or its English label.
    pub fn label_in(&self, clause: &DraftClause, language: &str) -> String {
        clause
            .labels
            .get(language)
            .cloned()
            .unwrap_or_else(|| clause.label.clone())
    }

    /// How `[[clause-id]]` reads in `language`: the clause's current number ("premier", "2 bis",
    /// "I" for an annex), or "[withdrawn: art-3]" for a withdrawn one.
    pub fn reference_in(&self, clause_id: &str, language: &str) -> String {
        match self.clauses.iter().find(|c| c.clause_id == clause_id) {
            Some(DraftClause {
                number: Some(number),
                ..
            }) => number.reference(language, self.arabic_article_numbering),
            Some(_) => format!("[withdrawn: {clause_id}]"),
            None => format!("[unknown: {clause_id}]"),
        }
    }

    /// A wording of `clause` as a reader sees it in `language`: each cross-reference as the
    /// current number, and an article's paragraphs numbered "1.", "2." when it has two or more.
    /// Only what is shown changes: the wording hashed and agreed is `text` as written.
    pub fn rendered_text(&self, clause: &DraftClause, text: &str, language: &str) -> String {
        let text = render_cross_references(text, |id| self.reference_in(id, language));
        if matches!(clause.kind, ClauseKind::Article | ClauseKind::FinalClause) {
            numbered_paragraphs(&text).join("\n\n")
        } else {
            text
        }
    }
}

fn language_version(clause: &Clause, language: &str) -> LanguageVersion {
    let status = clause.language_status(language);
    let wording = match status {
        LanguageStatus::Reference => Some((&clause.heading, &clause.text, &clause.text_hash)),
        _ => clause
            .translations
            .get(language)
            .map(|t| (&t.heading, &t.text, &t.text_hash)),
    };
    let (heading, text, text_hash) = wording.map_or_else(Default::default, |(h, t, x)| {
        (h.clone(), t.clone(), x.clone())
    });
    LanguageVersion {
        language: language.to_string(),
        status,
        heading,
        text,
        text_hash,
    }
}

fn kind_name(kind: ClauseKind) -> &'static str {
    pacta_domain::kind_noun(kind, "en")
}
