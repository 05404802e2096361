//! The structure of a text: where each clause stands, and the number it bears in each language.
//!
//! A text has four sections, always in this order: the preamble (recitals); the body (articles,
//! grouped under parts, chapters and sections); the final clauses; the annexes. Within its
//! section a clause stands where it was placed (`after` or `before` another clause of the same
//! section), or at the section's end. The order is kept in the fold (`RevisionState::clause_order`,
//! each section's clauses in document order); the text root hashes it. A clause is moved by a
//! joint act, like any change of the text: one party proposes the move, and it takes effect once
//! every party agrees it. Moving a clause does not touch its wording, so its agreements stand.
//!
//! Articles and final clauses are numbered in one sequence, dense in document order, unless the
//! parties froze the numbering (a joint act too): from then on every article keeps its number, a
//! withdrawn one leaves its number unused, and an article placed later takes its predecessor's
//! number with "bis", "ter"… Numbers are the same in every language; only their rendering
//! differs ("Article premier", "Article 1", "المادة الأولى").
//!
//! A clause's text refers to another clause by id, written `[[art-3]]`; views render it as the
//! other clause's current number in the view's language. The text hash is over the text as
//! written, so a renumbering never changes an agreed wording.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::aggregate::{already_done, check_identifier, Clause, Decision, Negotiation};
use crate::errors::{NegotiationError, ReplayError};
use crate::events::NegotiationEvent;
use crate::values::{ClauseKind, Delegate};

/// The sections of a text, in document order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TextSection {
    Preamble,
    Body,
    FinalClauses,
    Annexes,
}

impl TextSection {
    pub fn of(kind: ClauseKind) -> TextSection {
        match kind {
            ClauseKind::Recital => TextSection::Preamble,
            ClauseKind::Article | ClauseKind::Part | ClauseKind::Chapter | ClauseKind::Section => {
                TextSection::Body
            }
            ClauseKind::FinalClause => TextSection::FinalClauses,
            ClauseKind::Annex => TextSection::Annexes,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TextSection::Preamble => "the preamble",
            TextSection::Body => "the articles",
            TextSection::FinalClauses => "the final clauses",
            TextSection::Annexes => "the annexes",
        }
    }
}

/// A change of the text's structure that every party must agree before it takes effect.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum StructureChange {
    /// Move a clause right after, or right before, another clause of its section.
    Move {
        clause_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<String>,
    },
    /// Freeze the articles' numbering: each keeps its number from now on; an article placed
    /// later is numbered "bis", "ter"… after the one it follows.
    FreezeNumbering,
}

impl StructureChange {
    /// "move art-4 before art-1", "freeze the numbering".
    pub fn describe(&self) -> String {
        match self {
            StructureChange::Move {
                clause_id,
                after,
                before,
            } => match (after, before) {
                (Some(after), _) => format!("move {clause_id} after {after}"),
                (None, Some(before)) => format!("move {clause_id} before {before}"),
                (None, None) => format!("move {clause_id}"),
            },
            StructureChange::FreezeNumbering => "freeze the numbering of the articles".into(),
        }
    }
}

/// A structure change proposed, and who agreed it so far.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StructureProposal {
    pub change: StructureChange,
    pub proposed_by: String,
    pub agreed_by: BTreeSet<String>,
    /// Every party agreed: the change took effect.
    pub carried_out: bool,
}

/// Where a clause is placed: right after or right before another clause.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Placement<'a> {
    After(&'a str),
    Before(&'a str),
}

impl<'a> Placement<'a> {
    /// The placement the optional `after` and `before` fields give: none, one, or (both
    /// given) a refusal.
    pub(crate) fn of(
        clause_id: &str,
        after: Option<&'a str>,
        before: Option<&'a str>,
    ) -> Result<Option<Placement<'a>>, NegotiationError> {
        match (after, before) {
            (Some(_), Some(_)) => Err(NegotiationError::PlacementAmbiguous {
                clause_id: clause_id.to_string(),
            }),
            (Some(after), None) => Ok(Some(Placement::After(after))),
            (None, Some(before)) => Ok(Some(Placement::Before(before))),
            (None, None) => Ok(None),
        }
    }

    fn reference(self) -> &'a str {
        match self {
            Placement::After(id) | Placement::Before(id) => id,
        }
    }
}

/// Where in `order` (ids of `clauses`, each section's in document order, sections in order) a
/// clause of `kind` goes: at its section's end, or by `placement`. `None` when the placement
/// names a clause not in `order`.
///
/// `order` stays grouped by section, sections in order, because every insertion keeps it so:
/// at a section's end here, or beside a clause of the same section (`check_placement` decides
/// it, `apply_placement` refuses to fold anything else), and a clause's kind never changes. So
/// the end of a section is found by bisection: proposing a clause costs O(log² clauses), not a
/// lookup of every clause, which made replaying a long negotiation quadratic.
pub(crate) fn insertion_index(
    order: &[String],
    clauses: &crate::aggregate::Clauses,
    kind: ClauseKind,
    placement: Option<Placement>,
) -> Option<usize> {
    let section_of = |id: &String| clauses.get(id).map(|c| TextSection::of(c.kind));
    match placement {
        None => {
            let section = Some(TextSection::of(kind));
            let index = order.partition_point(|id| section_of(id) <= section);
            debug_assert!(
                order[..index]
                    .last()
                    .is_none_or(|id| section_of(id) <= section)
                    && order[index..]
                        .first()
                        .is_none_or(|id| section_of(id) > section),
                "invariant: the clause order is grouped by section, in section order"
            );
            Some(index)
        }
        Some(Placement::After(reference)) => {
            order.iter().position(|id| id == reference).map(|i| i + 1)
        }
        Some(Placement::Before(reference)) => order.iter().position(|id| id == reference),
    }
}

/// Latin suffixes of an inserted article's number, after the number it follows.
const LATIN_SUFFIXES: [&str; 9] = [
    "bis",
    "ter",
    "quater",
    "quinquies",
    "sexies",
    "septies",
    "octies",
    "novies",
    "decies",
];

/// Arabic ordinal words for "the n-th article" (المادة is feminine), 1 to 20.
const ARABIC_ORDINALS: [&str; 20] = [
    "الأولى",
    "الثانية",
    "الثالثة",
    "الرابعة",
    "الخامسة",
    "السادسة",
    "السابعة",
    "الثامنة",
    "التاسعة",
    "العاشرة",
    "الحادية عشرة",
    "الثانية عشرة",
    "الثالثة عشرة",
    "الرابعة عشرة",
    "الخامسة عشرة",
    "السادسة عشرة",
    "السابعة عشرة",
    "الثامنة عشرة",
    "التاسعة عشرة",
    "العشرون",
];

/// How the Arabic version numbers its articles, as the parties chose at opening.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ArabicArticleNumbering {
    /// "المادة 1", "المادة 2"…
    #[default]
    Numerals,
    /// "المادة الأولى", "المادة الثانية"… up to the twentieth, numerals beyond.
    OrdinalWords,
}

impl ArabicArticleNumbering {
    pub fn is_numerals(&self) -> bool {
        *self == ArabicArticleNumbering::Numerals
    }
}

impl std::str::FromStr for ArabicArticleNumbering {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "numerals" => Ok(ArabicArticleNumbering::Numerals),
            "ordinal-words" => Ok(ArabicArticleNumbering::OrdinalWords),
            _ => Err(format!(
                "unknown Arabic numbering '{s}'; expected numerals or ordinal-words"
            )),
        }
    }
}

/// A clause's number: the same in every language, rendered by each language's convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseNumber {
    pub kind: ClauseKind,
    /// 1, 2, 3… in the clause's sequence (articles and final clauses share one). 0 only for an
    /// article placed before the first one after the freeze, which is now refused (a ledger
    /// recorded before the refusal may still hold one).
    pub number: u32,
    /// 0, or for an article placed after the numbering was frozen: 1 for "bis", 2 for "ter"…
    pub insertion: u32,
}

impl ClauseNumber {
    /// The number alone, as a cross-reference gives it: "premier", "2 bis", "1", "الأولى".
    pub fn reference(&self, language: &str, arabic: ArabicArticleNumbering) -> String {
        let primary = primary_language(language);
        let base = match (primary, self.is_article()) {
            ("fr", true) if self.number == 1 && self.insertion == 0 => "premier".to_string(),
            ("ar", true)
                if arabic == ArabicArticleNumbering::OrdinalWords && self.insertion == 0 =>
            {
                ARABIC_ORDINALS
                    .get(self.number.wrapping_sub(1) as usize)
                    .map_or_else(|| self.number.to_string(), |w| w.to_string())
            }
            (_, false)
                if matches!(
                    self.kind,
                    ClauseKind::Annex | ClauseKind::Part | ClauseKind::Chapter
                ) && primary != "ar" =>
            {
                roman(self.number)
            }
            _ => self.number.to_string(),
        };
        if self.insertion == 0 {
            return base;
        }
        let suffix = match primary {
            "ar" if self.insertion == 1 => "مكرر".to_string(),
            "ar" => format!("مكرر {}", self.insertion),
            _ => LATIN_SUFFIXES
                .get(self.insertion as usize - 1)
                .map_or_else(|| format!("-{}", self.insertion), |s| s.to_string()),
        };
        format!("{base} {suffix}")
    }

    /// The clause's label: "Article premier", "Article 2 bis", "Annex I", "المادة الأولى".
    pub fn label(&self, language: &str, arabic: ArabicArticleNumbering) -> String {
        let noun = kind_noun(self.kind, language);
        format!("{noun} {}", self.reference(language, arabic))
    }

    fn is_article(&self) -> bool {
        matches!(self.kind, ClauseKind::Article | ClauseKind::FinalClause)
    }
}

/// "fr" of "fr-CA".
fn primary_language(language: &str) -> &str {
    language.split('-').next().unwrap_or(language)
}

/// The noun a language numbers a kind of clause with; English for a language without one here.
pub fn kind_noun(kind: ClauseKind, language: &str) -> &'static str {
    match (primary_language(language), kind) {
        ("fr", ClauseKind::Recital) => "Considérant",
        ("fr", ClauseKind::Article | ClauseKind::FinalClause) => "Article",
        ("fr", ClauseKind::Annex) => "Annexe",
        ("fr", ClauseKind::Part) => "Partie",
        ("fr", ClauseKind::Chapter) => "Chapitre",
        ("fr", ClauseKind::Section) => "Section",
        ("ar", ClauseKind::Recital) => "الفقرة من الديباجة",
        ("ar", ClauseKind::Article | ClauseKind::FinalClause) => "المادة",
        ("ar", ClauseKind::Annex) => "الملحق",
        ("ar", ClauseKind::Part) => "الباب",
        ("ar", ClauseKind::Chapter) => "الفصل",
        ("ar", ClauseKind::Section) => "الفرع",
        ("es", ClauseKind::Recital) => "Considerando",
        ("es", ClauseKind::Article | ClauseKind::FinalClause) => "Artículo",
        ("es", ClauseKind::Annex) => "Anexo",
        ("es", ClauseKind::Part) => "Parte",
        ("es", ClauseKind::Chapter) => "Capítulo",
        ("es", ClauseKind::Section) => "Sección",
        (_, ClauseKind::Recital) => "Recital",
        (_, ClauseKind::Article | ClauseKind::FinalClause) => "Article",
        (_, ClauseKind::Annex) => "Annex",
        (_, ClauseKind::Part) => "Part",
        (_, ClauseKind::Chapter) => "Chapter",
        (_, ClauseKind::Section) => "Section",
    }
}

/// Upper-case Roman numerals, for parts, chapters and annexes.
fn roman(mut number: u32) -> String {
    if number == 0 {
        return "0".into();
    }
    const DIGITS: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while number >= value {
            out.push_str(digits);
            number -= value;
        }
    }
    out
}

/// The number of every live clause of `clauses` (in document order): articles and final
/// clauses in one sequence, each other kind in its own. Dense in document order; once the
/// articles' numbering is `frozen`, an article keeps its frozen number and one placed later
/// takes its predecessor's with "bis", "ter"…
pub fn number_clauses(
    clauses: &[(&str, &Clause)],
    frozen: Option<&BTreeMap<String, u32>>,
) -> BTreeMap<String, ClauseNumber> {
    let numbers = numbers_in_order(clauses.iter().copied(), frozen);
    clauses
        .iter()
        .zip(numbers)
        .filter_map(|((clause_id, _), number)| Some((clause_id.to_string(), number?)))
        .collect()
}

/// `number_clauses` as a list aligned with `clauses`: each clause's number, `None` for a
/// withdrawn one. For a reader that walks the text in order anyway (the draft), with no map.
pub fn numbers_in_order<'a>(
    clauses: impl IntoIterator<Item = (&'a str, &'a Clause)>,
    frozen: Option<&BTreeMap<String, u32>>,
) -> Vec<Option<ClauseNumber>> {
    let mut counters: BTreeMap<ClauseKind, u32> = BTreeMap::new();
    let (mut last_article, mut insertions) = (0_u32, 0_u32);
    let mut numbers = Vec::new();
    for (clause_id, clause) in clauses {
        if clause.withdrawn {
            // A frozen article withdrawn later leaves its number unused, but the articles
            // inserted after it still follow it: "2 bis" stays "2 bis" once article 2 goes.
            if let Some(number) = frozen.and_then(|f| f.get(clause_id)) {
                (last_article, insertions) = (*number, 0);
            }
            numbers.push(None);
            continue;
        }
        let number = if matches!(clause.kind, ClauseKind::Article | ClauseKind::FinalClause) {
            match frozen {
                Some(frozen) => match frozen.get(clause_id) {
                    Some(number) => {
                        (last_article, insertions) = (*number, 0);
                        ClauseNumber {
                            kind: clause.kind,
                            number: *number,
                            insertion: 0,
                        }
                    }
                    None => {
                        insertions += 1;
                        ClauseNumber {
                            kind: clause.kind,
                            number: last_article,
                            insertion: insertions,
                        }
                    }
                },
                None => {
                    last_article += 1;
                    ClauseNumber {
                        kind: clause.kind,
                        number: last_article,
                        insertion: 0,
                    }
                }
            }
        } else {
            let counter = counters.entry(clause.kind).or_default();
            *counter += 1;
            ClauseNumber {
                kind: clause.kind,
                number: *counter,
                insertion: 0,
            }
        };
        numbers.push(Some(number));
    }
    numbers
}

/// The clause ids a text refers to, written `[[clause-id]]`, in the order written.
pub fn cross_references(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else { break };
        found.push(&after[..end]);
        rest = &after[end + 2..];
    }
    found
}

/// `text` with each `[[clause-id]]` replaced by what `render` gives for the id.
pub fn render_cross_references(text: &str, mut render: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        let after = &rest[start + 2..];
        let Some(end) = after.find("]]") else { break };
        out.push_str(&rest[..start]);
        out.push_str(&render(&after[..end]));
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

/// An article's text as numbered paragraphs: split on blank lines, numbered "1.", "2." when
/// there are two or more; lines within a paragraph (sub-paragraphs "(a)"…) stay as written.
/// When the drafters numbered the paragraphs themselves (the first begins "1.", "1)", "(1)"
/// or "1°"), the text stays as written rather than reading "1. 1. …".
pub fn numbered_paragraphs(text: &str) -> Vec<String> {
    let paragraphs: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if paragraphs.len() < 2 || starts_with_paragraph_number(paragraphs[0]) {
        return paragraphs.into_iter().map(str::to_string).collect();
    }
    paragraphs
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{}. {p}", i + 1))
        .collect()
}

/// Whether a paragraph begins with a number its drafters typed: "1.", "1)", "(1)", "1°"
/// (any number of digits), followed by a space or the paragraph's end.
fn starts_with_paragraph_number(paragraph: &str) -> bool {
    let rest = paragraph.strip_prefix('(').unwrap_or(paragraph);
    let opened = rest.len() != paragraph.len();
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 {
        return false;
    }
    let rest = &rest[digits..];
    let rest = if opened {
        rest.strip_prefix(')')
    } else {
        rest.strip_prefix('.')
            .or_else(|| rest.strip_prefix(')'))
            .or_else(|| rest.strip_prefix('°'))
    };
    rest.is_some_and(|r| r.is_empty() || r.starts_with(char::is_whitespace))
}

impl Negotiation {
    /// How the Arabic version numbers articles.
    pub fn arabic_article_numbering(&self) -> ArabicArticleNumbering {
        self.arabic_numbering
    }

    /// Every live clause's number in `revision`, or `None` when no such revision is on record.
    pub fn clause_numbers(&self, revision: u32) -> Option<BTreeMap<String, ClauseNumber>> {
        let clauses = self.revision_clauses(revision)?;
        let frozen = if revision == self.current.revision {
            self.current.frozen_numbers.as_ref()
        } else {
            self.concluded_revisions
                .iter()
                .find(|r| r.state.revision == revision)
                .and_then(|r| r.state.frozen_numbers.as_ref())
        };
        Some(number_clauses(&clauses, frozen))
    }

    /// The current text in document order, each clause with its number (`numbers_in_order`)
    /// and as the state shares it. A change to a clause copies it while anything else holds it,
    /// so a reader that keeps the `Arc` of a clause it derived something from knows that clause
    /// unchanged exactly while `Arc::ptr_eq` holds.
    pub fn numbered_clauses_in_document_order(
        &self,
    ) -> Vec<(&str, &Arc<Clause>, Option<ClauseNumber>)> {
        let ordered = crate::lifecycle::shared_in_document_order(
            &self.current.clauses,
            &self.current.clause_order,
        );
        let numbers = numbers_in_order(
            ordered.iter().map(|(id, clause)| (*id, clause.as_ref())),
            self.current.frozen_numbers.as_ref(),
        );
        ordered
            .into_iter()
            .zip(numbers)
            .map(|((id, clause), number)| (id, clause, number))
            .collect()
    }

    /// Whether the articles' numbering of the current text is frozen.
    pub fn numbering_frozen(&self) -> bool {
        self.current.frozen_numbers.is_some()
    }

    /// The structure changes proposed, by id.
    pub fn structure_proposals(&self) -> &BTreeMap<String, StructureProposal> {
        &self.current.structure_proposals
    }

    /// The placement `after`/`before` gives a clause of `kind`, checked: it names one live
    /// clause of the same section, and not `clause_id` itself.
    pub(crate) fn check_placement<'a>(
        &self,
        clause_id: &str,
        kind: ClauseKind,
        after: Option<&'a str>,
        before: Option<&'a str>,
    ) -> Result<Option<Placement<'a>>, NegotiationError> {
        let Some(placement) = Placement::of(clause_id, after, before)? else {
            return Ok(None);
        };
        let reference = placement.reference();
        if reference == clause_id {
            return Err(NegotiationError::PlacementRelativeToItself {
                clause_id: clause_id.to_string(),
            });
        }
        let Some(other) = self.current.clauses.get(reference) else {
            return Err(NegotiationError::UnknownPlacementClause {
                clause_id: clause_id.to_string(),
                reference: reference.to_string(),
            });
        };
        if other.withdrawn {
            return Err(NegotiationError::PlacementByWithdrawnClause {
                clause_id: clause_id.to_string(),
                reference: reference.to_string(),
            });
        }
        let (section, other_section) = (TextSection::of(kind), TextSection::of(other.kind));
        if section != other_section {
            return Err(NegotiationError::PlacementAcrossSections {
                clause_id: clause_id.to_string(),
                section: section.as_str(),
                reference: reference.to_string(),
                reference_section: other_section.as_str(),
            });
        }
        self.check_placement_after_frozen_article(clause_id, kind, placement)?;
        Ok(Some(placement))
    }

    /// Once the numbering is frozen, a new article is numbered after the frozen article it
    /// follows ("2 bis"), so it must follow one: before the first there is no number to give
    /// ("Article premier A" is rare practice; the parties can place it after article 1).
    fn check_placement_after_frozen_article(
        &self,
        clause_id: &str,
        kind: ClauseKind,
        placement: Placement,
    ) -> Result<(), NegotiationError> {
        let Some(frozen) = &self.current.frozen_numbers else {
            return Ok(());
        };
        if !matches!(kind, ClauseKind::Article | ClauseKind::FinalClause) {
            return Ok(());
        }
        let order = &self.current.clause_order;
        let index = insertion_index(order, &self.current.clauses, kind, Some(placement))
            .unwrap_or(order.len());
        if order[..index].iter().any(|id| frozen.contains_key(id)) {
            Ok(())
        } else {
            Err(NegotiationError::PlacementBeforeFirstFrozenArticle {
                clause_id: clause_id.to_string(),
            })
        }
    }

    /// Every `[[clause-id]]` of `text` names a clause on record.
    pub(crate) fn check_cross_references(
        &self,
        clause_id: &str,
        text: &str,
    ) -> Result<(), NegotiationError> {
        for reference in cross_references(text) {
            if reference != clause_id && !self.current.clauses.contains_key(reference) {
                return Err(NegotiationError::UnknownCrossReference {
                    clause_id: clause_id.to_string(),
                    reference: reference.to_string(),
                });
            }
        }
        Ok(())
    }

    /// Propose a change of structure: it takes effect once every party agrees it.
    pub(crate) fn decide_structure_change(
        &self,
        actor: &Delegate,
        proposal_id: &str,
        change: &StructureChange,
    ) -> Decision {
        check_identifier("proposal id", proposal_id)?;
        if self.current.structure_proposals.contains_key(proposal_id) {
            return Err(NegotiationError::StructureProposalExists(
                proposal_id.to_string(),
            ));
        }
        self.check_structure_change(change)?;
        Ok(vec![NegotiationEvent::StructureChangeProposed {
            proposal_id: proposal_id.to_string(),
            change: change.clone(),
            proposed_by: actor.party.clone(),
        }])
    }

    /// Whether `change` can take effect on the text as it stands.
    fn check_structure_change(&self, change: &StructureChange) -> Result<(), NegotiationError> {
        if self.numbering_frozen() {
            return Err(NegotiationError::NumberingFrozen);
        }
        if let StructureChange::Move {
            clause_id,
            after,
            before,
        } = change
        {
            let clause = self.live_clause(clause_id)?;
            if self
                .check_placement(clause_id, clause.kind, after.as_deref(), before.as_deref())?
                .is_none()
            {
                return Err(NegotiationError::PlacementAmbiguous {
                    clause_id: clause_id.clone(),
                });
            }
        }
        Ok(())
    }

    /// The actor's party agrees a proposed structure change; with the last party's agreement
    /// the change takes effect.
    pub(crate) fn decide_structure_agreement(
        &self,
        actor: &Delegate,
        proposal_id: &str,
    ) -> Decision {
        let Some(proposal) = self.current.structure_proposals.get(proposal_id) else {
            return Err(NegotiationError::UnknownStructureProposal(
                proposal_id.to_string(),
            ));
        };
        if proposal.carried_out {
            return Err(NegotiationError::StructureChangeCarriedOut(
                proposal_id.to_string(),
            ));
        }
        if proposal.agreed_by.contains(&actor.party) {
            return Err(already_done(actor, "agree this structure change"));
        }
        let mut events = vec![NegotiationEvent::StructureChangeAgreed {
            proposal_id: proposal_id.to_string(),
            party: actor.party.clone(),
        }];
        let everyone = self
            .parties()
            .iter()
            .all(|p| p.code == actor.party || proposal.agreed_by.contains(&p.code));
        if everyone {
            // The text may have changed since the proposal: the change must still fit it.
            self.check_structure_change(&proposal.change)?;
            events.push(match &proposal.change {
                StructureChange::Move {
                    clause_id,
                    after,
                    before,
                } => NegotiationEvent::ClausePlaced {
                    clause_id: clause_id.clone(),
                    after: after.clone(),
                    before: before.clone(),
                },
                StructureChange::FreezeNumbering => NegotiationEvent::NumberingFrozen {
                    numbers: self
                        .clause_numbers(self.current.revision)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|(_, n)| n.is_article())
                        .map(|(id, n)| (id, n.number))
                        .collect(),
                },
            });
        }
        Ok(events)
    }

    /// Folds in a clause's placement (with its proposal, or a move agreed by every party).
    pub(crate) fn apply_placement(
        &mut self,
        clause_id: String,
        after: Option<String>,
        before: Option<String>,
    ) -> Result<(), ReplayError> {
        let Some(kind) = self.current.clauses.get(&clause_id).map(|c| c.kind) else {
            return Err(ReplayError::UnknownClause { clause_id });
        };
        // The order stays grouped by section (`insertion_index`): the rule `check_placement`
        // applies when deciding holds for every placement folded.
        let reference = after.as_ref().or(before.as_ref());
        let reference_kind = reference
            .and_then(|r| self.current.clauses.get(r))
            .map(|c| c.kind);
        if let (Some(reference), Some(reference_kind)) = (reference, reference_kind) {
            if TextSection::of(reference_kind) != TextSection::of(kind) {
                return Err(ReplayError::PlacementAcrossSections {
                    clause_id,
                    reference: reference.clone(),
                });
            }
        }
        // Worked out on a copy: a placement that cannot follow leaves the state as it was.
        let mut order = self.current.clause_order.clone();
        order.retain(|id| *id != clause_id);
        let placement = match (&after, &before) {
            (Some(after), _) => Some(Placement::After(after)),
            (None, Some(before)) => Some(Placement::Before(before)),
            (None, None) => None,
        };
        let Some(index) = insertion_index(&order, &self.current.clauses, kind, placement) else {
            let reference = after.or(before).unwrap_or_default();
            return Err(ReplayError::UnknownClause {
                clause_id: reference,
            });
        };
        order.insert(index, clause_id);
        self.current.clause_order = order;
        Ok(())
    }

    pub(crate) fn apply_structure_proposed(
        &mut self,
        proposal_id: String,
        change: StructureChange,
        proposed_by: String,
    ) {
        self.current.structure_proposals.insert(
            proposal_id,
            StructureProposal {
                change,
                proposed_by,
                agreed_by: BTreeSet::new(),
                carried_out: false,
            },
        );
    }

    pub(crate) fn apply_structure_agreed(
        &mut self,
        proposal_id: String,
        party: String,
    ) -> Result<(), ReplayError> {
        let Some(proposal) = self.current.structure_proposals.get_mut(&proposal_id) else {
            return Err(ReplayError::UnknownStructureProposal { proposal_id });
        };
        proposal.agreed_by.insert(party);
        let parties: Vec<String> = self.parties().iter().map(|p| p.code.clone()).collect();
        let proposal = self
            .current
            .structure_proposals
            .get_mut(&proposal_id)
            .expect("looked up above");
        if parties.iter().all(|p| proposal.agreed_by.contains(p)) {
            proposal.carried_out = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_references_are_found_and_rendered_in_order() {
        let text = "Voir l'article [[art-def]] et [[art-2]]; [[pas fermé";
        assert_eq!(cross_references(text), vec!["art-def", "art-2"]);
        let rendered = render_cross_references(text, |id| id.to_uppercase());
        assert_eq!(rendered, "Voir l'article ART-DEF et ART-2; [[pas fermé");
    }

    #[test]
    fn numbers_render_by_each_languages_convention() {
        let n = |number, insertion| ClauseNumber {
            kind: ClauseKind::Article,
            number,
            insertion,
        };
        let numerals = ArabicArticleNumbering::Numerals;
        let words = ArabicArticleNumbering::OrdinalWords;
        assert_eq!(n(1, 0).label("fr", numerals), "Article premier");
        assert_eq!(n(2, 0).label("fr", numerals), "Article 2");
        assert_eq!(n(1, 0).label("en", numerals), "Article 1");
        assert_eq!(n(2, 1).label("en", numerals), "Article 2 bis");
        assert_eq!(n(2, 3).label("fr", numerals), "Article 2 quater");
        assert_eq!(n(1, 0).label("ar", numerals), "المادة 1");
        assert_eq!(n(1, 0).label("ar", words), "المادة الأولى");
        assert_eq!(n(20, 0).label("ar", words), "المادة العشرون");
        assert_eq!(n(21, 0).label("ar", words), "المادة 21");
        let annex = ClauseNumber {
            kind: ClauseKind::Annex,
            number: 1,
            insertion: 0,
        };
        assert_eq!(annex.label("en", numerals), "Annex I");
        assert_eq!(annex.label("fr", numerals), "Annexe I");
        assert_eq!(annex.label("ar", numerals), "الملحق 1");
        assert_eq!(roman(14), "XIV");
    }

    #[test]
    fn paragraphs_are_numbered_only_when_there_are_two_or_more() {
        assert_eq!(numbered_paragraphs("Seul."), vec!["Seul."]);
        assert_eq!(
            numbered_paragraphs("Premier.\n\nSecond :\n(a) un ;\n(b) deux."),
            vec!["1. Premier.", "2. Second :\n(a) un ;\n(b) deux."]
        );
    }
}
