//! Rounds and sessions: negotiating rounds, experts' meetings and joint-commission sessions,
//! with a place and dates, and minutes that every party adopts. One round is open at a time, so
//! every negotiating act can be attributed to the round in which it was recorded.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::aggregate::{check_hash, check_identifier, check_name, Negotiation};
use crate::errors::NegotiationError;
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
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
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
        self.rounds
            .get(round_id)
            .ok_or_else(|| NegotiationError::UnknownRound(round_id.to_string()))
    }

    pub(crate) fn decide_round_closing(
        &self,
        round_id: &str,
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
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
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
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
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
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
            return Err(NegotiationError::AlreadyDone {
                party: actor.party.clone(),
                act: "adopted these minutes",
            });
        }
        Ok(vec![NegotiationEvent::MinutesAdopted {
            round_id: round_id.to_string(),
            party: actor.party.clone(),
            minutes_hash: minutes_hash.to_string(),
        }])
    }

    pub(crate) fn apply_round_event(&mut self, event: NegotiationEvent) {
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
                self.rounds.insert(round_id, round);
            }
            NegotiationEvent::RoundClosed { round_id } => self.round_mut(&round_id).closed = true,
            NegotiationEvent::MinutesRecorded {
                round_id,
                minutes_hash,
                reference,
            } => {
                let round = self.round_mut(&round_id);
                round.minutes = Some((minutes_hash, reference));
                round.minutes_adopted_by.clear();
            }
            NegotiationEvent::MinutesAdopted {
                round_id,
                party,
                minutes_hash,
            } => {
                self.round_mut(&round_id)
                    .minutes_adopted_by
                    .insert(party, minutes_hash);
            }
            other => unreachable!("not a round event: {}", other.name()),
        }
    }

    fn round_mut(&mut self, round_id: &str) -> &mut Round {
        self.rounds.get_mut(round_id).unwrap_or_else(|| {
            panic!("invariant: event names round '{round_id}' before it was opened")
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::NaiveDate;

    use crate::aggregate::tests::*;
    use crate::aggregate::Negotiation;
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

    fn state_of(events: Vec<NegotiationEvent>) -> Negotiation {
        Negotiation::replay(&events)
    }

    #[test]
    fn the_same_minutes_are_not_recorded_twice() {
        let mut events = negotiating();
        events.extend([round_opened(), minutes_recorded()]);
        NegotiationTest::with(())
            .given(events)
            .when(command(
                IOM_SECRETARIAT,
                Action::RecordMinutes {
                    round_id: "round-1".into(),
                    minutes_hash: MINUTES.into(),
                    reference: "PV/2026/01".into(),
                },
            ))
            .then_expect_error(NegotiationError::MinutesUnchanged("round-1".into()));
    }

    #[test]
    fn the_secretariat_opens_and_closes_a_round() {
        NegotiationTest::with(())
            .given(negotiating())
            .when(command(IOM_SECRETARIAT, open_round("round-1")))
            .then_expect_events(vec![round_opened()]);
        let mut events = negotiating();
        events.push(round_opened());
        assert_eq!(state_of(events.clone()).open_round(), Some("round-1"));
        NegotiationTest::with(())
            .given(events.clone())
            .when(command(
                CIV_HEAD,
                Action::CloseRound {
                    round_id: "round-1".into(),
                },
            ))
            .then_expect_events(vec![NegotiationEvent::RoundClosed {
                round_id: "round-1".into(),
            }]);
        events.push(NegotiationEvent::RoundClosed {
            round_id: "round-1".into(),
        });
        assert_eq!(state_of(events).open_round(), None);
    }

    #[test]
    fn round_refusals() {
        let mut open = negotiating();
        open.push(round_opened());
        let mut closed = open.clone();
        closed.push(NegotiationEvent::RoundClosed {
            round_id: "round-1".into(),
        });
        let backwards = Action::OpenRound {
            round_id: "round-2".into(),
            kind: RoundKind::ExpertsMeeting,
            place: "Abidjan".into(),
            starts_on: date("2026-05-10"),
            ends_on: date("2026-05-09"),
        };
        let cases = [
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
                closed.clone(),
                Action::CloseRound {
                    round_id: "round-1".into(),
                },
                NegotiationError::RoundClosed("round-1".into()),
            ),
            (
                negotiating(),
                Action::CloseRound {
                    round_id: "round-9".into(),
                },
                NegotiationError::UnknownRound("round-9".into()),
            ),
            (
                open.clone(),
                Action::RecordMinutes {
                    round_id: "round-1".into(),
                    minutes_hash: "PV".into(),
                    reference: "PV/1".into(),
                },
                NegotiationError::NotASha256 {
                    field: "minutes hash",
                    value: "PV".into(),
                },
            ),
            (
                open,
                Action::AdoptMinutes {
                    round_id: "round-1".into(),
                    minutes_hash: MINUTES.into(),
                },
                NegotiationError::NoMinutes("round-1".into()),
            ),
        ];
        for (given, action, error) in cases {
            NegotiationTest::with(())
                .given(given)
                .when(command(CIV_HEAD, action))
                .then_expect_error(error);
        }
    }

    #[test]
    fn minutes_are_adopted_by_every_party_and_revised_minutes_need_them_again() {
        let mut events = negotiating();
        events.extend([round_opened(), minutes_recorded()]);
        NegotiationTest::with(())
            .given(events.clone())
            .when(command(
                MAR_HEAD,
                Action::AdoptMinutes {
                    round_id: "round-1".into(),
                    minutes_hash: "a".repeat(64),
                },
            ))
            .then_expect_error(NegotiationError::StaleMinutes {
                round_id: "round-1".into(),
                given: "a".repeat(64),
                current: MINUTES.into(),
            });
        for party in ["CIV", "MAR"] {
            events.push(NegotiationEvent::MinutesAdopted {
                round_id: "round-1".into(),
                party: party.into(),
                minutes_hash: MINUTES.into(),
            });
        }
        assert!(state_of(events.clone()).minutes_adopted("round-1"));
        NegotiationTest::with(())
            .given(events.clone())
            .when(command(
                IOM_SECRETARIAT,
                Action::RecordMinutes {
                    round_id: "round-1".into(),
                    minutes_hash: "c".repeat(64),
                    reference: "PV rewritten".into(),
                },
            ))
            .then_expect_error(NegotiationError::MinutesAlreadyAdopted("round-1".into()));
        NegotiationTest::with(())
            .given(events.clone())
            .when(command(
                MAR_HEAD,
                Action::AdoptMinutes {
                    round_id: "round-1".into(),
                    minutes_hash: MINUTES.into(),
                },
            ))
            .then_expect_error(NegotiationError::AlreadyDone {
                party: "MAR".into(),
                act: "adopted these minutes",
            });
        events.push(NegotiationEvent::MinutesRecorded {
            round_id: "round-1".into(),
            minutes_hash: "b".repeat(64),
            reference: "PV/2026/01 rev.1".into(),
        });
        assert!(
            !state_of(events).minutes_adopted("round-1"),
            "revised minutes need every party again"
        );
    }
}
