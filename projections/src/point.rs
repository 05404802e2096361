//! Points in a negotiation's history, and the prefix of events that ends at each: every view of
//! the past is the same fold over a shorter history (`draft(id, events_at(events, &point)?)`).
//!
//! Syntax, as typed on the command line:
//!
//! | Input          | The events up to and including…                                         |
//! |----------------|-------------------------------------------------------------------------|
//! | `42`           | event #42 (sequences start at 1)                                        |
//! | `2026-03-05`   | the acts that took place on or before that day (`took_place_on`, else the day of `recorded_at`), up to the first dated later |
//! | `round:ID`     | the close of round ID, or the last event if it is still open            |
//! | `ID`           | the same, for a round id that is neither a number nor a date            |
//! | `revision:N`   | the last event while revision N was current: just before revision N+1 opened, or the last event if N is current |

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use cqrs_es::EventEnvelope;
use pacta_domain::{metadata, Negotiation, NegotiationEvent};
use serde::Serialize;

/// Where in a negotiation's history a view is taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Point {
    /// After the event with this sequence number.
    Sequence(usize),
    /// After every act that took place on or before this day (up to the first act dated later).
    Date(NaiveDate),
    /// After the round's close, or now if the round is still open.
    Round(String),
    /// The last moment this revision was the one being negotiated or in force.
    Revision(u32),
}

/// Why a point cannot be read, or does not exist in this negotiation's history. Each message
/// says what to type instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PointError {
    #[error("'{input}' is not a point in the history ({reason}): use a sequence (42), a date (2026-03-05), round:ID or revision:N")]
    Malformed { input: String, reason: &'static str },
    #[error(
        "event #{sequence} is beyond the last event, #{last}: use a sequence from 1 to {last}"
    )]
    SequenceBeyondEnd { sequence: usize, last: usize },
    #[error("nothing took place on or before {date}: the first act took place on {first}; use that day or later")]
    DateBeforeFirstEvent { date: NaiveDate, first: NaiveDate },
    #[error("no round '{round}' on record (rounds: {known}); see pacta history")]
    UnknownRound { round: String, known: String },
    #[error("no revision {revision} on record (revisions: {known}); see pacta status")]
    UnknownRevision { revision: u32, known: String },
    #[error("event #{sequence} has no readable recorded_at, so no date can be placed around it; use a sequence instead")]
    NoRecordedTime { sequence: usize },
    #[error("the negotiation has no events yet")]
    NoEvents,
}

impl FromStr for Point {
    type Err = PointError;

    fn from_str(input: &str) -> Result<Point, PointError> {
        let malformed = |reason| PointError::Malformed {
            input: input.to_string(),
            reason,
        };
        if input.is_empty() {
            return Err(malformed("it is empty"));
        }
        if input.bytes().all(|b| b.is_ascii_digit()) {
            return match input.parse::<usize>() {
                Ok(0) => Err(malformed("sequences start at 1")),
                Ok(sequence) => Ok(Point::Sequence(sequence)),
                Err(_) => Err(malformed("the sequence is too large")),
            };
        }
        if looks_like_date(input) {
            return NaiveDate::parse_from_str(input, "%Y-%m-%d")
                .map(Point::Date)
                .map_err(|_| malformed("no such calendar day"));
        }
        if let Some(round) = input.strip_prefix("round:") {
            return match round {
                "" => Err(malformed("the round id is missing")),
                round => Ok(Point::Round(round.to_string())),
            };
        }
        if let Some(revision) = input.strip_prefix("revision:") {
            return revision
                .parse()
                .map(Point::Revision)
                .map_err(|_| malformed("a revision is a number, 0 for the original"));
        }
        if input.contains(':') {
            return Err(malformed("the only prefixes are round: and revision:"));
        }
        Ok(Point::Round(input.to_string()))
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Point::Sequence(sequence) => write!(f, "#{sequence}"),
            Point::Date(date) => write!(f, "{date}"),
            Point::Round(round) => write!(f, "round {round}"),
            Point::Revision(revision) => write!(f, "revision {revision}"),
        }
    }
}

/// `NNNN-NN-NN`: a date, valid or not, rather than a bare round id.
fn looks_like_date(input: &str) -> bool {
    let bytes = input.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// The day (UTC) the ledger recorded `envelope`, from its `recorded_at` metadata.
pub(crate) fn recorded_on(envelope: &EventEnvelope<Negotiation>) -> Option<NaiveDate> {
    day_of(envelope.metadata.get(metadata::RECORDED_AT)?)
}

/// The day (UTC) of an RFC 3339 instant.
pub(crate) fn day_of(instant: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(instant)
        .ok()
        .map(|t| t.with_timezone(&Utc).date_naive())
}

/// The day the act `envelope` records took place: the date its command stated
/// (`took_place_on`), or else the day the ledger recorded it, as for every event recorded before
/// acts carried dates.
pub fn took_place_on(envelope: &EventEnvelope<Negotiation>) -> Option<NaiveDate> {
    pacta_domain::stated_date(
        envelope
            .metadata
            .get(metadata::TOOK_PLACE_ON)
            .map(String::as_str),
    )
    .or_else(|| recorded_on(envelope))
}

/// The events of the history up to `point`: a prefix of `events`, never empty.
pub fn events_at<'a>(
    events: &'a [EventEnvelope<Negotiation>],
    point: &Point,
) -> Result<&'a [EventEnvelope<Negotiation>], PointError> {
    let last = events.last().ok_or(PointError::NoEvents)?;
    let length = match point {
        Point::Sequence(sequence) => {
            if *sequence > last.sequence {
                return Err(PointError::SequenceBeyondEnd {
                    sequence: *sequence,
                    last: last.sequence,
                });
            }
            events
                .iter()
                .take_while(|e| e.sequence <= *sequence)
                .count()
        }
        Point::Date(date) => {
            let mut length = 0;
            for envelope in events {
                let day = took_place_on(envelope).ok_or(PointError::NoRecordedTime {
                    sequence: envelope.sequence,
                })?;
                if day > *date {
                    break;
                }
                length += 1;
            }
            if length == 0 {
                let first = took_place_on(&events[0]).expect("read in the loop above");
                return Err(PointError::DateBeforeFirstEvent { date: *date, first });
            }
            length
        }
        Point::Round(round) => round_end(events, round)?,
        Point::Revision(revision) => revision_end(events, *revision)?,
    };
    Ok(&events[..length])
}

fn round_end(events: &[EventEnvelope<Negotiation>], round: &str) -> Result<usize, PointError> {
    let opened = events.iter().any(|e| {
        matches!(&e.payload, NegotiationEvent::RoundOpened { round_id, .. } if round_id == round)
    });
    if !opened {
        let known: Vec<&str> = events
            .iter()
            .filter_map(|e| match &e.payload {
                NegotiationEvent::RoundOpened { round_id, .. } => Some(round_id.as_str()),
                _ => None,
            })
            .collect();
        return Err(PointError::UnknownRound {
            round: round.to_string(),
            known: listed(known),
        });
    }
    let closed = events.iter().position(
        |e| matches!(&e.payload, NegotiationEvent::RoundClosed { round_id } if round_id == round),
    );
    Ok(closed.map_or(events.len(), |index| index + 1))
}

/// The revision current after each event: opening pushes a revision, abandoning it returns to
/// the one it was opened on.
pub(crate) fn current_revisions(events: &[EventEnvelope<Negotiation>]) -> Vec<u32> {
    let mut open = vec![pacta_domain::ORIGINAL_REVISION];
    events
        .iter()
        .map(|e| {
            match &e.payload {
                NegotiationEvent::RevisionOpened { revision, .. } => open.push(*revision),
                NegotiationEvent::RevisionAbandoned { .. } if open.len() > 1 => {
                    open.pop();
                }
                _ => {}
            }
            *open.last().expect("the original is never popped")
        })
        .collect()
}

fn revision_end(events: &[EventEnvelope<Negotiation>], revision: u32) -> Result<usize, PointError> {
    let current = current_revisions(events);
    match current.iter().rposition(|r| *r == revision) {
        Some(index) => Ok(index + 1),
        None => {
            let mut known: Vec<u32> = current.clone();
            known.sort_unstable();
            known.dedup();
            Err(PointError::UnknownRevision {
                revision,
                known: listed(known.iter().map(u32::to_string).collect()),
            })
        }
    }
}

fn listed<S: AsRef<str>>(items: Vec<S>) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(", ")
    }
}
