//! Rounds and sessions: negotiating rounds, experts' meetings and joint-commission sessions,
//! with a place and dates, and minutes that every party adopts. One round is open at a time, so
//! every negotiating act can be attributed to the round in which it was recorded.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::aggregate::{
    already_done, check_hash, check_identifier, check_name, named, named_mut, Decision, Negotiation,
};
use crate::errors::{NegotiationError, ReplayError};
use crate::events::NegotiationEvent;
use crate::limits::MAX_ROUNDS_PER_NEGOTIATION;
use crate::values::{Delegate, RoundKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub kind: RoundKind,
    pub place: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub closed: bool,
    /// The minutes on record (hash of the document, its reference), if any.
    pub minutes: Option<(String, String)>,
    /// Each party's adoption of the minutes, as the hash it adopted.
    pub minutes_adopted_by: BTreeMap<String, String>,
}

impl Negotiation {
    /// The round now open, if any: acts recorded now belong to it.
    pub fn open_round(&self) -> Option<&str> {
        self.rounds
            .iter()
            .find(|(_, r)| !r.closed)
            .map(|(id, _)| id.as_str())
    }

    pub fn round(&self, round_id: &str) -> Option<&Round> {
        self.rounds.get(round_id)
    }

    /// Whether every party adopted the minutes now on record for `round_id`.
    pub fn minutes_adopted(&self, round_id: &str) -> bool {
        self.round(round_id).is_some_and(|round| {
            round.minutes.as_ref().is_some_and(|(hash, _)| {
                self.parties()
                    .iter()
                    .all(|p| round.minutes_adopted_by.get(&p.code) == Some(hash))
            })
        })
    }

    pub(crate) fn decide_round_opening(
        &self,
        round_id: &str,
        kind: RoundKind,
        place: &str,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
    ) -> Decision {
        check_identifier("round id", round_id)?;
        if self.rounds.contains_key(round_id) {
            return Err(NegotiationError::RoundExists(round_id.to_string()));
        }
        if let Some(open) = self.open_round() {
            return Err(NegotiationError::RoundStillOpen(open.to_string()));
        }
        if self.rounds.len() >= MAX_ROUNDS_PER_NEGOTIATION {
            return Err(NegotiationError::TooManyRounds {
                max_rounds: MAX_ROUNDS_PER_NEGOTIATION,
            });
        }
        check_name("place", place)?;
        if ends_on < starts_on {
            return Err(NegotiationError::EndsBeforeItStarts { starts_on, ends_on });
        }
        Ok(vec![NegotiationEvent::RoundOpened {
            round_id: round_id.to_string(),
            kind,
            place: place.to_string(),
            starts_on,
            ends_on,
        }])
    }

    fn existing_round(&self, round_id: &str) -> Result<&Round, NegotiationError> {
        named(&self.rounds, round_id, NegotiationError::UnknownRound)
    }

    pub(crate) fn decide_round_closing(&self, round_id: &str) -> Decision {
        if self.existing_round(round_id)?.closed {
            return Err(NegotiationError::RoundClosed(round_id.to_string()));
        }
        Ok(vec![NegotiationEvent::RoundClosed {
            round_id: round_id.to_string(),
        }])
    }

    pub(crate) fn decide_minutes(
        &self,
        round_id: &str,
        minutes_hash: &str,
        reference: &str,
    ) -> Decision {
        let round = self.existing_round(round_id)?;
        if self.minutes_adopted(round_id) {
            return Err(NegotiationError::MinutesAlreadyAdopted(
                round_id.to_string(),
            ));
        }
        check_hash("minutes hash", minutes_hash)?;
        check_name("minutes reference", reference)?;
        if round
            .minutes
            .as_ref()
            .is_some_and(|(hash, _)| hash == minutes_hash)
        {
            return Err(NegotiationError::MinutesUnchanged(round_id.to_string()));
        }
        Ok(vec![NegotiationEvent::MinutesRecorded {
            round_id: round_id.to_string(),
            minutes_hash: minutes_hash.to_string(),
            reference: reference.to_string(),
        }])
    }

    pub(crate) fn decide_minutes_adoption(
        &self,
        actor: &Delegate,
        round_id: &str,
        minutes_hash: &str,
    ) -> Decision {
        let round = self.existing_round(round_id)?;
        let Some((current, _)) = &round.minutes else {
            return Err(NegotiationError::NoMinutes(round_id.to_string()));
        };
        if current != minutes_hash {
            return Err(NegotiationError::StaleMinutes {
                round_id: round_id.to_string(),
                given: minutes_hash.to_string(),
                current: current.clone(),
            });
        }
        if round.minutes_adopted_by.get(&actor.party) == Some(current) {
            return Err(already_done(actor, "adopted these minutes"));
        }
        Ok(vec![NegotiationEvent::MinutesAdopted {
            round_id: round_id.to_string(),
            party: actor.party.clone(),
            minutes_hash: minutes_hash.to_string(),
        }])
    }

    pub(crate) fn apply_round_event(&mut self, event: NegotiationEvent) -> Result<(), ReplayError> {
        match event {
            NegotiationEvent::RoundOpened {
                round_id,
                kind,
                place,
                starts_on,
                ends_on,
            } => {
                let round = Round {
                    kind,
                    place,
                    starts_on,
                    ends_on,
                    closed: false,
                    minutes: None,
                    minutes_adopted_by: BTreeMap::new(),
                };
                // A round's minutes and adoptions are never replaced by a second opening.
                let Entry::Vacant(entry) = self.rounds.entry(round_id.clone()) else {
                    return Err(ReplayError::RoundExists { round_id });
                };
                entry.insert(round);
            }
            NegotiationEvent::RoundClosed { round_id } => self.round_mut(&round_id)?.closed = true,
            NegotiationEvent::MinutesRecorded {
                round_id,
                minutes_hash,
                reference,
            } => {
                let round = self.round_mut(&round_id)?;
                round.minutes = Some((minutes_hash, reference));
                round.minutes_adopted_by.clear();
            }
            NegotiationEvent::MinutesAdopted {
                round_id,
                party,
                minutes_hash,
            } => {
                self.round_mut(&round_id)?
                    .minutes_adopted_by
                    .insert(party, minutes_hash);
            }
            // The fold dispatches only the events above here, whatever the event sequence.
            other => unreachable!("not a round event: {}", other.name()),
        }
        Ok(())
    }

    fn round_mut(&mut self, round_id: &str) -> Result<&mut Round, ReplayError> {
        named_mut(&mut self.rounds, round_id, |round_id| {
            ReplayError::UnknownRound { round_id }
        })
    }
}

#[cfg(all(test, feature = "cqrs"))]
pub(crate) mod tests {
    use chrono::NaiveDate;

    use crate::aggregate::tests::*;
    use crate::commands::Action;
    use crate::errors::NegotiationError;
    use crate::events::NegotiationEvent;
    use crate::values::RoundKind;

    pub(crate) const MINUTES: &str =
        "5f1d2c3b4a5968778695a4b3c2d1e0f0112233445566778899aabbccddeeff00";

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    pub(crate) fn open_round(round_id: &str) -> Action {
        Action::OpenRound {
            round_id: round_id.into(),
            kind: RoundKind::NegotiatingRound,
            place: "Rabat".into(),
            starts_on: date("2026-03-02"),
            ends_on: date("2026-03-04"),
        }
    }

    pub(crate) fn round_opened() -> NegotiationEvent {
        NegotiationEvent::RoundOpened {
            round_id: "round-1".into(),
            kind: RoundKind::NegotiatingRound,
            place: "Rabat".into(),
            starts_on: date("2026-03-02"),
            ends_on: date("2026-03-04"),
        }
    }

    pub(crate) fn minutes_recorded() -> NegotiationEvent {
        NegotiationEvent::MinutesRecorded {
            round_id: "round-1".into(),
            minutes_hash: MINUTES.into(),
            reference: "PV/2026/01".into(),
        }
    }

    /// Round 1 open, with its minutes on record.
    pub(crate) fn minutes_on_record() -> Vec<NegotiationEvent> {
        followed_by(negotiating(), [round_opened(), minutes_recorded()])
    }

    fn record_minutes(minutes_hash: &str, reference: &str) -> Action {
        Action::RecordMinutes {
            round_id: "round-1".into(),
            minutes_hash: minutes_hash.into(),
            reference: reference.into(),
        }
    }

    fn adopt_minutes(minutes_hash: &str) -> Action {
        Action::AdoptMinutes {
            round_id: "round-1".into(),
            minutes_hash: minutes_hash.into(),
        }
    }

    fn close_round(round_id: &str) -> Action {
        Action::CloseRound {
            round_id: round_id.into(),
        }
    }

    fn round_closed() -> NegotiationEvent {
        NegotiationEvent::RoundClosed {
            round_id: "round-1".into(),
        }
    }

    #[test]
    fn the_same_minutes_are_not_recorded_twice() {
        expect_refusal(
            minutes_on_record(),
            IOM_SECRETARIAT,
            record_minutes(MINUTES, "PV/2026/01"),
            NegotiationError::MinutesUnchanged("round-1".into()),
        );
    }

    #[test]
    fn the_secretariat_opens_and_closes_a_round() {
        expect_events(
            negotiating(),
            IOM_SECRETARIAT,
            open_round("round-1"),
            vec![round_opened()],
        );
        let mut events = followed_by(negotiating(), [round_opened()]);
        assert_eq!(state_of(&events).open_round(), Some("round-1"));
        expect_events(
            events.clone(),
            CIV_HEAD,
            close_round("round-1"),
            vec![round_closed()],
        );
        events.push(round_closed());
        assert_eq!(state_of(&events).open_round(), None);
    }

    #[test]
    fn round_refusals() {
        let open = followed_by(negotiating(), [round_opened()]);
        let closed = followed_by(open.clone(), [round_closed()]);
        let backwards = Action::OpenRound {
            round_id: "round-2".into(),
            kind: RoundKind::ExpertsMeeting,
            place: "Abidjan".into(),
            starts_on: date("2026-05-10"),
            ends_on: date("2026-05-09"),
        };
        expect_refusals(
            CIV_HEAD,
            [
                (
                    open.clone(),
                    open_round("round-2"),
                    NegotiationError::RoundStillOpen("round-1".into()),
                ),
                (
                    closed.clone(),
                    open_round("round-1"),
                    NegotiationError::RoundExists("round-1".into()),
                ),
                (
                    closed.clone(),
                    backwards,
                    NegotiationError::EndsBeforeItStarts {
                        starts_on: date("2026-05-10"),
                        ends_on: date("2026-05-09"),
                    },
                ),
                (
                    closed,
                    close_round("round-1"),
                    NegotiationError::RoundClosed("round-1".into()),
                ),
                (
                    negotiating(),
                    close_round("round-9"),
                    NegotiationError::UnknownRound("round-9".into()),
                ),
                (
                    open.clone(),
                    record_minutes("PV", "PV/1"),
                    NegotiationError::NotASha256 {
                        field: "minutes hash",
                        value: "PV".into(),
                    },
                ),
                (
                    open,
                    adopt_minutes(MINUTES),
                    NegotiationError::NoMinutes("round-1".into()),
                ),
            ],
        );
    }

    #[test]
    fn minutes_are_adopted_by_every_party_and_revised_minutes_need_them_again() {
        let mut events = minutes_on_record();
        expect_refusal(
            events.clone(),
            MAR_HEAD,
            adopt_minutes(&"a".repeat(64)),
            NegotiationError::StaleMinutes {
                round_id: "round-1".into(),
                given: "a".repeat(64),
                current: MINUTES.into(),
            },
        );
        for party in ["CIV", "MAR"] {
            events.push(NegotiationEvent::MinutesAdopted {
                round_id: "round-1".into(),
                party: party.into(),
                minutes_hash: MINUTES.into(),
            });
        }
        assert!(state_of(&events).minutes_adopted("round-1"));
        let refusals = [
            (
                IOM_SECRETARIAT,
                record_minutes(&"c".repeat(64), "PV rewritten"),
                NegotiationError::MinutesAlreadyAdopted("round-1".into()),
            ),
            (
                MAR_HEAD,
                adopt_minutes(MINUTES),
                NegotiationError::AlreadyDone {
                    party: "MAR".into(),
                    act: "adopted these minutes",
                },
            ),
        ];
        for (actor, action, error) in refusals {
            expect_refusal(events.clone(), actor, action, error);
        }
        events.push(NegotiationEvent::MinutesRecorded {
            round_id: "round-1".into(),
            minutes_hash: "b".repeat(64),
            reference: "PV/2026/01 rev.1".into(),
        });
        assert!(
            !state_of(&events).minutes_adopted("round-1"),
            "revised minutes need every party again"
        );
    }
}
