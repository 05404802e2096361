//! One clause's life: every wording it had, in every language, each with a redline against the
//! wording it replaced, and every other act on it.

use std::collections::HashMap;

use cqrs_es::EventEnvelope;
use pacta_domain::{metadata, ClauseKind, Negotiation, NegotiationEvent};
use serde::Serialize;

use crate::history::{field, summary, visible_to};
use crate::redline::{word_diff, WordChange};
use crate::{HistoryEntry, NegotiationFold};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseHistory {
    pub clause_id: String,
    pub kind: ClauseKind,
    /// Every wording, oldest first.
    pub versions: Vec<ClauseVersion>,
    /// Every other act on the clause (agreements, positions, comments, reopenings, withdrawals,
    /// confirmations, concordance checks, corrections proposed and agreed), oldest first.
    pub acts: Vec<ClauseAct>,
}

/// How a version came about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum VersionKind {
    Proposed,
    Amended,
    /// A bracketed alternative: proposed, not (yet) the clause's wording.
    AlternativeProposed,
    /// An alternative became the clause's wording.
    AlternativeChosen,
    Translated,
    /// A correction of the authenticated text (art. 79) was made.
    Corrected,
    /// A revision opened on the text in force: its copy of the clause starts from this wording.
    RevisionOpened,
    /// A revision was abandoned: the clause's wording in force is restored.
    RevisionAbandoned,
}

impl VersionKind {
    /// Whether the version becomes the clause's wording in its language; a bracketed alternative
    /// does not, and a revision's opening copies the wording unchanged.
    pub fn changes_wording(self) -> bool {
        !matches!(
            self,
            VersionKind::AlternativeProposed | VersionKind::RevisionOpened
        )
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseVersion {
    pub sequence: usize,
    pub recorded_at: String,
    /// The day the act took place (YYYY-MM-DD): its stated date, else the day it was recorded.
    pub took_place_on: String,
    /// Where the act took place, where its command said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub took_place_in: Option<String>,
    /// Who recorded the act, and for which party.
    pub actor: String,
    pub party: String,
    /// The round open at the time, if any.
    pub round: Option<String>,
    /// The revision whose text the version belongs to (0 is the original).
    pub revision: u32,
    pub kind: VersionKind,
    /// The alternative's label, for alternatives proposed and chosen.
    pub label: Option<String>,
    /// The correction made, for corrected versions.
    pub correction_id: Option<String>,
    /// The party whose wording this is: the proposer of the clause, alternative or correction,
    /// else the party that recorded it.
    pub proposed_by: String,
    /// The reason the event records, where it records one (corrections, revisions).
    pub why: Option<String>,
    pub language: String,
    pub heading: String,
    pub text: String,
    pub text_hash: String,
    /// The version this one is compared with: the wording in the same language just before.
    /// `None` for a language's first wording, compared with nothing.
    pub previous_sequence: Option<usize>,
    pub heading_changes: Vec<WordChange>,
    pub text_changes: Vec<WordChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClauseAct {
    pub sequence: usize,
    pub recorded_at: String,
    /// The day the act took place (YYYY-MM-DD): its stated date, else the day it was recorded.
    pub took_place_on: String,
    /// Where the act took place, where its command said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub took_place_in: Option<String>,
    pub actor: String,
    pub party: String,
    pub round: Option<String>,
    pub revision: u32,
    pub event: String,
    pub summary: String,
    /// The reason, rationale or comment the act carries, in full.
    pub why: Option<String>,
    /// For an internal comment, the party it is internal to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_to: Option<String>,
}

impl ClauseAct {
    /// Whether a reader acting for `party` may see this act; a reader with no party sees no
    /// internal comment.
    pub fn visible_to(&self, party: Option<&str>) -> bool {
        visible_to(self.internal_to.as_deref(), party)
    }
}

impl ClauseHistory {
    /// The clause's history as a reader acting for `party` may see it: every wording, and the
    /// acts other than other parties' internal comments.
    pub fn for_reader(mut self, party: Option<&str>) -> ClauseHistory {
        self.acts.retain(|act| act.visible_to(party));
        self
    }
}

/// The clause's history, or `None` when no event ever named the clause.
pub fn clause_history(
    events: &[EventEnvelope<Negotiation>],
    clause_id: &str,
) -> Option<ClauseHistory> {
    let (_, kind) = proposal_of(events, clause_id)?;
    let negotiation_id = events.first().map_or("", |e| e.aggregate_id.as_str());
    // One fold gives each event's timeline entry and the state after it.
    let mut fold = NegotiationFold::new(negotiation_id);
    let mut collected = Collected::new(clause_id);
    for envelope in events {
        let entry = fold
            .apply(envelope)
            .expect("invariant: a negotiation's stored events are in sequence");
        collected.take(envelope, entry, After::State(&fold.state));
    }
    Some(collected.finish(kind))
}

/// `clause_history`, given every event's timeline entry (`NegotiationFold::apply`'s) and folds
/// kept along the events, in order (each the fold of the events before its
/// `last_sequence() + 1`). Most acts on a clause need nothing of the negotiation after them but
/// the revision's number, which only the events opening and abandoning a revision change; the
/// few that need the clause as it stands after them (an alternative chosen, a revision opened
/// or abandoned) are folded from the last kept fold before them. So a clause's history costs a
/// scan of the entries since the clause was proposed and, for those few acts, at most the
/// kept folds' spacing in events each.
pub fn clause_history_with_folds<F: AsRef<NegotiationFold>>(
    events: &[EventEnvelope<Negotiation>],
    timeline: &[HistoryEntry],
    folds_kept: &[F],
    clause_id: &str,
) -> Option<ClauseHistory> {
    assert_eq!(events.len(), timeline.len(), "one timeline entry per event");
    let (proposed_at, kind) = proposal_of(events, clause_id)?;
    let negotiation_id = events[0].aggregate_id.as_str();
    let kept_before = |index: usize| {
        // Sequences start at 1 and are dense: the state after `events[index]` is the fold of
        // `index + 1` events.
        folds_kept
            .iter()
            .map(AsRef::as_ref)
            .rev()
            .find(|kept| kept.last_sequence() <= index)
    };
    // Scanned from the last fold kept before the proposal, whose revision is known: a revision
    // opened or abandoned after it is folded below.
    let from = kept_before(proposed_at);
    let mut revision = from.map_or(0, |kept| kept.state.revision());
    let mut collected = Collected::new(clause_id);
    // The fold of the events up to the last one whose state was needed.
    let mut fold: Option<NegotiationFold> = None;
    let start = from.map_or(0, NegotiationFold::last_sequence);
    for (index, (envelope, entry)) in events.iter().zip(timeline).enumerate().skip(start) {
        let about_this = entry.clause_id.as_deref() == Some(clause_id);
        if !about_this && !changes_revision(&envelope.payload) {
            continue;
        }
        if !needs_state(&envelope.payload) {
            collected.take(envelope, entry.clone(), After::Revision(revision));
            continue;
        }
        let kept = kept_before(index);
        let behind_kept = match (&fold, kept) {
            (None, _) => true,
            (Some(fold), Some(kept)) => fold.last_sequence() < kept.last_sequence(),
            (Some(_), None) => false,
        };
        if behind_kept {
            fold = Some(kept.map_or_else(|| NegotiationFold::new(negotiation_id), Clone::clone));
        }
        let fold = fold.as_mut().expect("invariant: just set");
        assert!(fold.last_sequence() <= index, "folds only forward");
        for event in &events[fold.last_sequence()..=index] {
            fold.apply(event)
                .expect("invariant: a negotiation's stored events are in sequence");
        }
        debug_assert!(
            changes_revision(&envelope.payload) || fold.state.revision() == revision,
            "only opening and abandoning a revision change its number"
        );
        revision = fold.state.revision();
        collected.take(envelope, entry.clone(), After::State(&fold.state));
    }
    Some(collected.finish(kind))
}

/// What `Collected::take` knows of the negotiation just after an event.
enum After<'s> {
    /// The whole state.
    State(&'s Negotiation),
    /// Only the revision's number: enough for an event that `needs_state` says needs no more.
    Revision(u32),
}

impl After<'_> {
    fn revision(&self) -> u32 {
        match self {
            After::State(state) => state.revision(),
            After::Revision(revision) => *revision,
        }
    }

    fn state(&self) -> &Negotiation {
        match self {
            After::State(state) => state,
            After::Revision(_) => unreachable!("invariant: given the state where `needs_state`"),
        }
    }
}

/// Whether an event changes which revision the text is in.
fn changes_revision(event: &NegotiationEvent) -> bool {
    matches!(
        event,
        NegotiationEvent::RevisionOpened { .. } | NegotiationEvent::RevisionAbandoned { .. }
    )
}

/// Whether `Collected::take` needs the clause as it stands after the event, not only the
/// revision's number: the wording an alternative's choice or a revision leaves.
fn needs_state(event: &NegotiationEvent) -> bool {
    changes_revision(event) || matches!(event, NegotiationEvent::AlternativeChosen { .. })
}

/// Where in `events` the clause was proposed, and as what kind; `None` if it never was.
fn proposal_of(
    events: &[EventEnvelope<Negotiation>],
    clause_id: &str,
) -> Option<(usize, ClauseKind)> {
    events
        .iter()
        .enumerate()
        .find_map(|(index, e)| match &e.payload {
            NegotiationEvent::ClauseProposed {
                clause_id: id,
                kind,
                ..
            } if id == clause_id => Some((index, *kind)),
            _ => None,
        })
}

/// A clause's versions and acts, gathered event by event.
struct Collected<'e> {
    clause_id: &'e str,
    /// The latest wording in each language, as (sequence, heading, text, proposed_by): what the
    /// next version in that language is compared with.
    wordings: HashMap<String, (usize, String, String, String)>,
    alternative_proposers: HashMap<String, String>,
    corrections: HashMap<String, &'e NegotiationEvent>,
    versions: Vec<ClauseVersion>,
    acts: Vec<ClauseAct>,
}

impl<'e> Collected<'e> {
    fn new(clause_id: &'e str) -> Collected<'e> {
        Collected {
            clause_id,
            wordings: HashMap::new(),
            alternative_proposers: HashMap::new(),
            corrections: HashMap::new(),
            versions: Vec::new(),
            acts: Vec::new(),
        }
    }

    /// Takes what `envelope` adds to the clause's history: `entry` is its timeline entry and
    /// `after` the negotiation just after it. Only an event about the clause or one that
    /// `changes_revision` adds anything.
    fn take(
        &mut self,
        envelope: &'e EventEnvelope<Negotiation>,
        entry: HistoryEntry,
        after: After<'_>,
    ) {
        let clause_id = self.clause_id;
        let Collected {
            wordings,
            alternative_proposers,
            corrections,
            versions,
            acts,
            ..
        } = self;
        let crate::HistoryEntry {
            round,
            clause_id: about,
            internal_to,
            took_place_on,
            took_place_in,
            ..
        } = entry;
        let about_this = about.as_deref() == Some(clause_id);
        let party = field(envelope, metadata::PARTY);
        let base = Wording {
            sequence: envelope.sequence,
            recorded_at: field(envelope, metadata::RECORDED_AT),
            took_place_on,
            took_place_in,
            actor: field(envelope, metadata::ACTOR),
            round,
            revision: after.revision(),
        };
        let mut found: Vec<Found> = Vec::new();
        let event = &envelope.payload;
        match event {
            NegotiationEvent::ClauseProposed { proposed_by, .. } if about_this => {
                found.push(Found::recorded(VersionKind::Proposed, proposed_by, event));
            }
            NegotiationEvent::ClauseAmended { .. } if about_this => {
                found.push(Found::recorded(VersionKind::Amended, &party, event));
            }
            NegotiationEvent::AlternativeProposed {
                label, proposed_by, ..
            } if about_this => {
                alternative_proposers.insert(label.clone(), proposed_by.clone());
                let mut version =
                    Found::recorded(VersionKind::AlternativeProposed, proposed_by, event);
                version.label = Some(label.clone());
                found.push(version);
            }
            NegotiationEvent::AlternativeChosen { label, .. } if about_this => {
                let clause = after
                    .state()
                    .clause(clause_id)
                    .expect("invariant: a chosen alternative's clause exists");
                let proposer = alternative_proposers.get(label).unwrap_or(&party);
                let mut version = Found::new(
                    VersionKind::AlternativeChosen,
                    proposer,
                    &clause.language,
                    &clause.heading,
                    &clause.text,
                    &clause.text_hash,
                );
                version.label = Some(label.clone());
                found.push(version);
            }
            NegotiationEvent::ClauseTranslated { .. } if about_this => {
                found.push(Found::recorded(VersionKind::Translated, &party, event));
            }
            NegotiationEvent::CorrectionProposed { correction_id, .. } if about_this => {
                corrections.insert(correction_id.clone(), event);
            }
            NegotiationEvent::TextCorrected { correction_id, .. } if about_this => {
                if let Some(proposal) = corrections.get(correction_id) {
                    if let NegotiationEvent::CorrectionProposed {
                        reason,
                        proposed_by,
                        ..
                    } = proposal
                    {
                        let mut version =
                            Found::recorded(VersionKind::Corrected, proposed_by, proposal);
                        version.correction_id = Some(correction_id.clone());
                        version.why = Some(reason.clone());
                        found.push(version);
                    }
                }
            }
            NegotiationEvent::RevisionOpened { reason, .. }
            | NegotiationEvent::RevisionAbandoned { reason, .. } => {
                let kind = match event {
                    NegotiationEvent::RevisionOpened { .. } => VersionKind::RevisionOpened,
                    _ => VersionKind::RevisionAbandoned,
                };
                if let Some(clause) = after.state().clause(clause_id) {
                    let mut languages = vec![(
                        &clause.language,
                        &clause.heading,
                        &clause.text,
                        &clause.text_hash,
                    )];
                    languages.extend(
                        clause
                            .translations
                            .iter()
                            .map(|(l, t)| (l, &t.heading, &t.text, &t.text_hash)),
                    );
                    for (language, heading, text, text_hash) in languages {
                        let mut version =
                            Found::new(kind, &party, language, heading, text, text_hash);
                        version.why = Some(reason.clone());
                        found.push(version);
                    }
                }
            }
            _ => {}
        }
        if about_this && !is_wording(event) {
            acts.push(ClauseAct {
                sequence: base.sequence,
                recorded_at: base.recorded_at.clone(),
                took_place_on: base.took_place_on.clone(),
                took_place_in: base.took_place_in.clone(),
                actor: base.actor.clone(),
                party: party.clone(),
                round: base.round.clone(),
                revision: base.revision,
                event: event.name().to_string(),
                summary: summary(event),
                why: why(event),
                internal_to,
            });
        }
        for mut version in found {
            let previous = wordings.get(&version.language);
            if let (VersionKind::RevisionOpened | VersionKind::RevisionAbandoned, Some(previous)) =
                (version.kind, previous)
            {
                // A revision copies or restores wording; it stays the wording of whoever proposed
                // it, not of the party that opened or abandoned the revision.
                if previous.1 == version.heading && previous.2 == version.text {
                    version.proposed_by = previous.3.clone();
                }
            }
            let (previous_sequence, old_heading, old_text) = match previous {
                Some((sequence, heading, text, _)) => {
                    (Some(*sequence), heading.as_str(), text.as_str())
                }
                None => (None, "", ""),
            };
            let heading_changes = word_diff(old_heading, &version.heading);
            let text_changes = word_diff(old_text, &version.text);
            if version.kind.changes_wording() {
                wordings.insert(
                    version.language.clone(),
                    (
                        base.sequence,
                        version.heading.clone(),
                        version.text.clone(),
                        version.proposed_by.clone(),
                    ),
                );
            }
            versions.push(ClauseVersion {
                sequence: base.sequence,
                recorded_at: base.recorded_at.clone(),
                took_place_on: base.took_place_on.clone(),
                took_place_in: base.took_place_in.clone(),
                actor: base.actor.clone(),
                party: party.clone(),
                round: base.round.clone(),
                revision: base.revision,
                kind: version.kind,
                label: version.label,
                correction_id: version.correction_id,
                proposed_by: version.proposed_by,
                why: version.why,
                language: version.language,
                heading: version.heading,
                text: version.text,
                text_hash: version.text_hash,
                previous_sequence,
                heading_changes,
                text_changes,
            });
        }
    }

    fn finish(self, kind: ClauseKind) -> ClauseHistory {
        ClauseHistory {
            clause_id: self.clause_id.to_string(),
            kind,
            versions: self.versions,
            acts: self.acts,
        }
    }
}

/// What every version and act of one event shares.
struct Wording {
    sequence: usize,
    recorded_at: String,
    took_place_on: String,
    took_place_in: Option<String>,
    actor: String,
    round: Option<String>,
    revision: u32,
}

/// A version found in one event, before it is compared with the wording it follows.
struct Found {
    kind: VersionKind,
    label: Option<String>,
    correction_id: Option<String>,
    proposed_by: String,
    why: Option<String>,
    language: String,
    heading: String,
    text: String,
    text_hash: String,
}

impl Found {
    fn new(
        kind: VersionKind,
        proposed_by: &str,
        language: &str,
        heading: &str,
        text: &str,
        text_hash: &str,
    ) -> Found {
        Found {
            kind,
            label: None,
            correction_id: None,
            proposed_by: proposed_by.to_string(),
            why: None,
            language: language.to_string(),
            heading: heading.to_string(),
            text: text.to_string(),
            text_hash: text_hash.to_string(),
        }
    }
}

impl Found {
    /// The version of its clause that `event` records, by `proposed_by`.
    fn recorded(kind: VersionKind, proposed_by: &str, event: &NegotiationEvent) -> Found {
        let (language, heading, text, text_hash) = match event {
            NegotiationEvent::ClauseProposed {
                language,
                heading,
                text,
                text_hash,
                ..
            }
            | NegotiationEvent::ClauseAmended {
                language,
                heading,
                text,
                text_hash,
                ..
            }
            | NegotiationEvent::AlternativeProposed {
                language,
                heading,
                text,
                text_hash,
                ..
            }
            | NegotiationEvent::ClauseTranslated {
                language,
                heading,
                text,
                text_hash,
                ..
            }
            | NegotiationEvent::CorrectionProposed {
                language,
                heading,
                text,
                text_hash,
                ..
            } => (language, heading, text, text_hash),
            other => unreachable!("{} records no wording", other.name()),
        };
        Found::new(kind, proposed_by, language, heading, text, text_hash)
    }
}

/// Events that record a wording of their clause: versions, not acts.
fn is_wording(event: &NegotiationEvent) -> bool {
    matches!(
        event,
        NegotiationEvent::ClauseProposed { .. }
            | NegotiationEvent::ClauseAmended { .. }
            | NegotiationEvent::AlternativeProposed { .. }
            | NegotiationEvent::AlternativeChosen { .. }
            | NegotiationEvent::ClauseTranslated { .. }
            | NegotiationEvent::TextCorrected { .. }
    )
}

fn why(event: &NegotiationEvent) -> Option<String> {
    match event {
        NegotiationEvent::PositionStated { rationale, .. } if !rationale.is_empty() => {
            Some(rationale.clone())
        }
        NegotiationEvent::ClauseReopened { reason, .. }
        | NegotiationEvent::ClauseWithdrawn { reason, .. }
        | NegotiationEvent::AlternativeWithdrawn { reason, .. }
        | NegotiationEvent::CorrectionProposed { reason, .. } => Some(reason.clone()),
        NegotiationEvent::Commented { text, .. } => Some(text.clone()),
        _ => None,
    }
}
