//! The negotiation's history: one line per recorded act, with who, when, and its chain hash.

use chrono::NaiveDate;
use cqrs_es::EventEnvelope;
use pacta_domain::{metadata, variant_name, Negotiation, NegotiationEvent};
use serde::{Deserialize, Serialize};

use crate::NegotiationFold;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub sequence: usize,
    pub recorded_at: String,
    /// The day the act took place (YYYY-MM-DD): the date its command stated, or else the day
    /// (UTC) it was recorded. Empty in rows stored before acts carried dates: read
    /// [`HistoryEntry::took_place_on`].
    #[serde(default)]
    pub took_place_on: String,
    /// Where the act took place, where its command said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub took_place_in: Option<String>,
    pub actor: String,
    pub party: String,
    pub role: String,
    pub event: String,
    pub summary: String,
    pub hash: String,
    /// The round open when the act was recorded, if any.
    pub round: Option<String>,
    /// The clause the act is about, if any; acts on a correction name the corrected clause.
    pub clause_id: Option<String>,
    /// For an internal comment, the party it is internal to; absent for every shared act, and in
    /// rows stored before internal comments existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internal_to: Option<String>,
}

impl HistoryEntry {
    /// The day the act took place; for a row stored before acts carried dates, the day it was
    /// recorded.
    pub fn took_place_on(&self) -> Option<NaiveDate> {
        self.took_place_on
            .parse()
            .ok()
            .or_else(|| crate::point::day_of(&self.recorded_at))
    }

    /// Whether a reader acting for `party` may see this entry. A reader with no party (an
    /// auditor, say) sees no internal comment of any party.
    pub fn visible_to(&self, party: Option<&str>) -> bool {
        visible_to(self.internal_to.as_deref(), party)
    }
}

/// Whether an act internal to `internal_to` (shared when `None`) may be shown to a reader
/// acting for `reader`.
pub(crate) fn visible_to(internal_to: Option<&str>, reader: Option<&str>) -> bool {
    internal_to.is_none_or(|own| reader == Some(own))
}

/// The entries a reader acting for `party` may see, in order.
pub fn history_for_reader(entries: Vec<HistoryEntry>, party: Option<&str>) -> Vec<HistoryEntry> {
    entries
        .into_iter()
        .filter(|entry| entry.visible_to(party))
        .collect()
}

/// The party an event is internal to: the commenter's, for an internal comment.
pub(crate) fn internal_to(envelope: &EventEnvelope<Negotiation>) -> Option<String> {
    match envelope.payload {
        NegotiationEvent::Commented { internal: true, .. } => {
            Some(field(envelope, metadata::PARTY))
        }
        _ => None,
    }
}

/// Which entries of the history to keep; every condition given must hold. Dates are the days the
/// acts took place (`took_place_on`, not the day they were recorded), both ends included.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimelineFilter {
    /// The party the act was performed for (the `party` of its metadata).
    pub party: Option<String>,
    pub clause: Option<String>,
    /// The round open when the act was recorded.
    pub round: Option<String>,
    pub from_date: Option<NaiveDate>,
    pub to_date: Option<NaiveDate>,
}

impl TimelineFilter {
    pub fn matches(&self, entry: &HistoryEntry) -> bool {
        let day = || entry.took_place_on();
        self.party.as_ref().is_none_or(|p| *p == entry.party)
            && self
                .clause
                .as_ref()
                .is_none_or(|c| entry.clause_id.as_ref() == Some(c))
            && self
                .round
                .as_ref()
                .is_none_or(|r| entry.round.as_ref() == Some(r))
            && self
                .from_date
                .is_none_or(|from| day().is_some_and(|d| d >= from))
            && self.to_date.is_none_or(|to| day().is_some_and(|d| d <= to))
    }
}

/// Every event's history line, in order. It is the incremental fold's own output, so the stored
/// timeline and this view agree by construction.
pub fn history(events: &[EventEnvelope<Negotiation>]) -> Vec<HistoryEntry> {
    let negotiation_id = events.first().map_or("", |e| e.aggregate_id.as_str());
    let mut fold = NegotiationFold::new(negotiation_id);
    events
        .iter()
        .map(|envelope| {
            fold.apply(envelope)
                .expect("invariant: a negotiation's stored events are in sequence")
        })
        .collect()
}

/// The history line of one event, recorded while `round` was open, about `clause_id`.
pub fn history_entry(
    envelope: &EventEnvelope<Negotiation>,
    round: Option<String>,
    clause_id: Option<String>,
) -> HistoryEntry {
    HistoryEntry {
        round,
        clause_id,
        sequence: envelope.sequence,
        recorded_at: field(envelope, metadata::RECORDED_AT),
        took_place_on: crate::point::took_place_on(envelope)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        took_place_in: envelope.metadata.get(metadata::TOOK_PLACE_IN).cloned(),
        actor: field(envelope, metadata::ACTOR),
        party: field(envelope, metadata::PARTY),
        role: field(envelope, metadata::ROLE),
        event: envelope.payload.name().to_string(),
        summary: summary(&envelope.payload),
        hash: field(envelope, metadata::HASH),
        internal_to: internal_to(envelope),
    }
}

/// The history entries `filter` keeps, in order.
pub fn timeline(
    events: &[EventEnvelope<Negotiation>],
    filter: &TimelineFilter,
) -> Vec<HistoryEntry> {
    history(events)
        .into_iter()
        .filter(|entry| filter.matches(entry))
        .collect()
}

/// One metadata field of a stored event; empty when absent.
pub(crate) fn field(envelope: &EventEnvelope<Negotiation>, key: &str) -> String {
    envelope.metadata.get(key).cloned().unwrap_or_default()
}

/// The line of an event of a non-binding instrument, where it reads differently: its
/// signatures bind no one (no capacity), and it takes effect, never enters into force.
pub(crate) fn non_binding_summary(event: &NegotiationEvent) -> Option<String> {
    Some(match event {
        NegotiationEvent::InstrumentSigned {
            party,
            signatory,
            text_root_hash,
            signed_on,
            ..
        } => format!(
            "{signatory} signed for {party} on {signed_on} [{}]",
            short(text_root_hash)
        ),
        NegotiationEvent::EntryIntoForceFixed { date, revision, .. } => match revision {
            0 => format!("takes effect on {date}"),
            _ => format!("revision {revision} takes effect on {date}"),
        },
        _ => return None,
    })
}

/// One line a delegate can read in a list.
pub fn summary(event: &NegotiationEvent) -> String {
    match event {
        NegotiationEvent::NegotiationOpened {
            title,
            parties,
            languages,
            awaiting_acceptance,
            ..
        } => {
            let codes: Vec<&str> = parties.iter().map(|p| p.code.as_str()).collect();
            let opened = format!(
                "opened \"{title}\" between {} in {}",
                codes.join(", "),
                languages.join(", ")
            );
            if awaiting_acceptance.is_empty() {
                opened
            } else {
                format!(
                    "{opened}, awaiting acceptance by {}",
                    awaiting_acceptance.join(", ")
                )
            }
        }
        NegotiationEvent::NegotiationAccepted { party } => {
            format!("{party} accepted the negotiation")
        }
        NegotiationEvent::DelegateAccredited { delegate } => {
            format!(
                "accredited {} ({}) as {} for {}",
                delegate.name, delegate.person, delegate.role, delegate.party
            )
        }
        NegotiationEvent::ClauseProposed {
            clause_id,
            heading,
            text_hash,
            ..
        } if heading.is_empty() => format!("proposed {clause_id} [{}]", short(text_hash)),
        NegotiationEvent::ClauseProposed {
            clause_id,
            heading,
            text_hash,
            ..
        } => format!("proposed {clause_id} \"{heading}\" [{}]", short(text_hash)),
        NegotiationEvent::ClauseAmended {
            clause_id,
            base_text_hash,
            text_hash,
            ..
        } => format!(
            "amended {clause_id} [{} -> {}]",
            short(base_text_hash),
            short(text_hash)
        ),
        NegotiationEvent::Commented {
            clause_id, text, ..
        } => match clause_id {
            Some(clause_id) => because(format!("commented on {clause_id}"), text),
            None => because("commented".into(), text),
        },
        NegotiationEvent::ClauseAgreed {
            clause_id,
            party,
            text_hash,
            ad_referendum,
        } => {
            let ad_referendum = if *ad_referendum { " ad referendum" } else { "" };
            format!(
                "{party} agreed {clause_id}{ad_referendum} [{}]",
                short(text_hash)
            )
        }
        NegotiationEvent::AlternativeProposed {
            clause_id,
            label,
            proposed_by,
            text_hash,
            ..
        } => format!(
            "{proposed_by} bracketed {clause_id} with alternative {label} [{}]",
            short(text_hash)
        ),
        NegotiationEvent::PositionStated {
            clause_id,
            party,
            position,
            rationale,
        } => {
            let because = if rationale.is_empty() {
                String::new()
            } else {
                format!(": {}", first_line(rationale))
            };
            format!("{party} {position} {clause_id}{because}")
        }
        NegotiationEvent::AlternativeChosen {
            clause_id,
            label,
            text_hash,
            ..
        } => format!(
            "alternative {label} chosen for {clause_id} [{}]",
            short(text_hash)
        ),
        NegotiationEvent::AlternativeChoiceProposed {
            clause_id,
            label,
            text_hash,
            proposed_by,
            ..
        } => format!(
            "{proposed_by} proposed choosing alternative {label} for {clause_id} [{}]",
            short(text_hash)
        ),
        NegotiationEvent::AlternativeWithdrawn {
            clause_id,
            label,
            reason,
        } => because(format!("withdrew alternative {label} of {clause_id}"), reason),
        NegotiationEvent::ClauseAgreementConfirmed { clause_id, party } => {
            format!("{party} confirmed its agreement to {clause_id}")
        }
        NegotiationEvent::ClauseReopened { clause_id, reason } => {
            because(format!("reopened {clause_id}"), reason)
        }
        NegotiationEvent::ClausePlaced {
            clause_id,
            after,
            before,
        } => match (after, before) {
            (Some(after), _) => format!("{clause_id} placed after {after}"),
            (None, Some(before)) => format!("{clause_id} placed before {before}"),
            (None, None) => format!("{clause_id} placed at the end of its section"),
        },
        NegotiationEvent::StructureChangeProposed {
            proposal_id,
            change,
            proposed_by,
        } => format!(
            "{proposed_by} proposed to {} ({proposal_id})",
            change.describe()
        ),
        NegotiationEvent::StructureChangeAgreed { proposal_id, party } => {
            format!("{party} agreed structure change {proposal_id}")
        }
        NegotiationEvent::NumberingFrozen { numbers } => format!(
            "numbering of the articles frozen ({} articles keep their numbers)",
            numbers.len()
        ),
        NegotiationEvent::RoundOpened {
            round_id,
            kind,
            place,
            starts_on,
            ends_on,
        } => format!(
            "opened {} {round_id} in {place}, {starts_on} to {ends_on}",
            variant_name(kind)
        ),
        NegotiationEvent::RoundClosed { round_id } => format!("closed {round_id}"),
        NegotiationEvent::MinutesRecorded {
            round_id,
            minutes_hash,
            reference,
        } => format!(
            "minutes of {round_id} on record: {reference} [{}]",
            short(minutes_hash)
        ),
        NegotiationEvent::MinutesAdopted {
            round_id, party, ..
        } => format!("{party} adopted the minutes of {round_id}"),
        NegotiationEvent::ClauseWithdrawn { clause_id, reason } => {
            because(format!("withdrew {clause_id}"), reason)
        }
        NegotiationEvent::ClauseTranslated {
            clause_id,
            language,
            text_hash,
            source_text_hash,
            ..
        } => format!(
            "translated {clause_id} into {language} [{}, from {}]",
            short(text_hash),
            short(source_text_hash)
        ),
        NegotiationEvent::ConcordanceVerified {
            clause_id,
            language,
            party,
            ..
        } => format!("{party} verified the {language} version of {clause_id} as concordant"),
        NegotiationEvent::TextAdopted {
            party,
            text_root_hash,
        } => {
            format!("{party} adopted the text [{}]", short(text_root_hash))
        }
        NegotiationEvent::TextInitialled {
            party,
            text_root_hash,
        } => {
            format!("{party} initialled the text [{}]", short(text_root_hash))
        }
        NegotiationEvent::InstrumentSigned {
            party,
            signatory,
            capacity,
            text_root_hash,
            signed_on,
            ..
        } => format!(
            "{signatory} signed for {party} ({}) on {signed_on} [{}]",
            variant_name(capacity),
            short(text_root_hash)
        ),
        NegotiationEvent::SignatureConfirmed {
            party,
            confirmed_on,
        } => {
            format!("{party} confirmed its signature ad referendum on {confirmed_on}")
        }
        NegotiationEvent::ConsentExpressed {
            party,
            mode,
            on,
            instrument_reference,
            scan_sha256,
            transmitted_by,
        } => {
            let mut line = format!(
                "{party} expressed consent to be bound ({}) on {on}",
                mode.term()
            );
            if let Some(reference) = instrument_reference {
                line.push_str(&format!(", instrument {reference}"));
            }
            if let Some(scan) = scan_sha256 {
                line.push_str(&format!(" [scan {}]", short(scan)));
            }
            if let Some(transmission) = transmitted_by {
                line.push_str(&format!(", by {}", transmission.term()));
            }
            line
        }
        NegotiationEvent::FullPowersExamined {
            party,
            signatory,
            reference,
            examined_by,
            accepted,
            reason,
        } => match (accepted, reason) {
            (true, _) => format!(
                "{examined_by} examined {party}'s full powers for {signatory} ({reference}): accepted"
            ),
            (false, reason) => format!(
                "{examined_by} examined {party}'s full powers for {signatory} ({reference}): not accepted: {}",
                reason.as_deref().unwrap_or_default()
            ),
        },
        NegotiationEvent::NoteSent {
            party,
            number,
            sent_on,
            text_hash,
            in_reply_to,
            ..
        } => match in_reply_to {
            None => format!(
                "{party} sent note {number} on {sent_on}, proposing the agreement [{}]",
                short(text_hash)
            ),
            Some(proposal) => format!(
                "{party} replied by note {number} on {sent_on}, reproducing the proposal [{}] [{}]",
                short(proposal),
                short(text_hash)
            ),
        },
        NegotiationEvent::ConsentReceived {
            party,
            received_by,
            received_on,
        } => format!(
            "{received_by} received {party}'s instrument or notification of consent on {received_on}"
        ),
        NegotiationEvent::EntryIntoForceFixed { date, revision, .. } => match revision {
            0 => format!("entry into force fixed for {date}"),
            _ => format!("entry into force of revision {revision} fixed for {date}"),
        },
        NegotiationEvent::NegotiationAbandoned { reason } => because("abandoned".into(), reason),
        NegotiationEvent::OperationSuspended {
            party,
            from,
            reason,
        } => because(
            format!("{party} suspended the instrument's operation from {from}"),
            reason,
        ),
        NegotiationEvent::MatrixCreated { matrix_id, title } => {
            format!("created action matrix {matrix_id} \"{title}\"")
        }
        NegotiationEvent::RowProposed {
            matrix_id,
            row_id,
            content,
            row_hash,
        } => format!(
            "proposed row {matrix_id}/{row_id} for {} (target {} {}) [{}]",
            content.responsible_party,
            content.indicator.target,
            content.indicator.unit,
            short(row_hash)
        ),
        NegotiationEvent::RowAgreed {
            matrix_id,
            row_id,
            party,
            row_hash,
        } => format!(
            "{party} agreed row {matrix_id}/{row_id} [{}]",
            short(row_hash)
        ),
        NegotiationEvent::MatrixValidated {
            matrix_id,
            round_id,
        } => {
            format!("validated action matrix {matrix_id} at {round_id}")
        }
        NegotiationEvent::ProgressReported {
            matrix_id,
            row_id,
            progress,
            reported_on,
            ..
        } => format!(
            "progress on {matrix_id}/{row_id} at {reported_on}: {}",
            variant_name(progress)
        ),
        NegotiationEvent::ProvisionalApplicationStarted { party, from } => {
            format!("{party} applies the instrument provisionally from {from}")
        }
        NegotiationEvent::OperationResumed { party, from } => {
            format!("{party} resumed the instrument's operation from {from}")
        }
        NegotiationEvent::TerminationNotified {
            party,
            notified_on,
            effective_on,
            ..
        } => format!("{party} notified termination on {notified_on}, effective {effective_on}"),
        NegotiationEvent::RevisionOpened {
            revision,
            base_revision,
            opened_on,
            reason,
            ..
        } => because(
            format!("revision {revision} of the text in force (revision {base_revision}) opened on {opened_on}"),
            reason,
        ),
        NegotiationEvent::RevisionAbandoned { revision, reason } => {
            because(format!("revision {revision} abandoned"), reason)
        }
        NegotiationEvent::CorrectionProposed {
            correction_id,
            clause_id,
            language,
            proposed_by,
            reason,
            ..
        } => because(
            format!("{proposed_by} proposed correction {correction_id} of {clause_id} ({language})"),
            reason,
        ),
        NegotiationEvent::CorrectionAgreed {
            correction_id,
            party,
            ..
        } => format!("{party} agreed correction {correction_id}"),
        NegotiationEvent::TextCorrected {
            correction_id,
            text_root_hash,
            ..
        } => format!(
            "correction {correction_id} made; the text root is now {}",
            short(text_root_hash)
        ),
    }
}

/// The first 12 hex digits of a hash: enough to tell wordings apart on screen.
fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

const MAX_SUMMARY_CHARS: usize = 80;

/// An act and the first line of the reason or text it carries: "withdrew art-2: merged".
fn because(act: String, reason: &str) -> String {
    format!("{act}: {}", first_line(reason))
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if line.chars().count() > MAX_SUMMARY_CHARS {
        format!(
            "{}…",
            line.chars().take(MAX_SUMMARY_CHARS).collect::<String>()
        )
    } else {
        line.to_string()
    }
}
