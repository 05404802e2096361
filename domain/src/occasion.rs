//! When an act took place: its date (and optionally time and place), stated by the command, as
//! distinct from when the ledger recorded it.
//!
//! A command states its occasion (`took_place`), or the act's own date does (`signed_on`,
//! `confirmed_on`, `on` of a consent, `notified_on`, `opened_on` of a revision, `reported_on`);
//! both at once must agree. The application records the stated date in the event's metadata
//! (`took_place_on`, docs/ledger-format.md §1); an act with none took place on the day it was
//! recorded, like every event recorded before occasions existed.
//!
//! The rules, checked by `decide` before anything else about the act:
//! - no act is dated after the recording clock's date by more than
//!   [`MAX_DATE_AHEAD_OF_RECORDING_CLOCK_HOURS`] (time zones: it is already tomorrow in UTC+14);
//! - no act is dated before the act it depends on: the opening (every act); the latest act on the
//!   same clause (an act recording an event that names the clause); the latest adoption of the
//!   text (initialling, signing, confirming a signature, consenting to be bound). These compare with dates the commands
//!   *stated*: the fold learns them from the metadata ([`Negotiation::apply_recorded`]). The
//!   clock's date of an act stated no date is not a claim about the act, so nothing is compared
//!   with it (nor with events recorded before occasions existed);
//! - an act recorded while a round is open belongs to it, and is dated within the round's dates
//!   (by its stated date, or the clock's), unless it is marked as recorded in intersessional work.
//!   An act with its own date (signature, consent, progress report…) belongs to the instrument's
//!   life, not to a session, and is not held to the round's dates.
//!
//! The recording clock reaches `decide` with the register ([`crate::Register::at`]): the domain
//! reads no clock. Without it (the rules' own tests), the dates are checked only against one
//! another.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::commands::{Action, NegotiationCommand};
use crate::errors::{NegotiationError, ReplayError};
use crate::events::NegotiationEvent;
use crate::Negotiation;

/// How far past the recording clock's UTC date an act may be dated: the largest offset of a civil
/// time zone (UTC+14, Kiribati), where the day after the UTC date has already begun.
pub const MAX_DATE_AHEAD_OF_RECORDING_CLOCK_HOURS: i64 = 14;

/// When and where an act took place, as the command states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Occasion {
    /// The date the act took place (YYYY-MM-DD), in the place's own time.
    pub on: NaiveDate,
    /// The time of day (HH:MM or HH:MM:SS), in the place's own time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "10:30"))]
    pub at: Option<NaiveTime>,
    /// Where the act took place (a city, a venue).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// Recorded as intersessional work: done between the sessions of the round open when it is
    /// recorded, so not dated within it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub intersessional: bool,
}

impl Occasion {
    pub fn on(on: NaiveDate) -> Occasion {
        Occasion {
            on,
            at: None,
            place: None,
            intersessional: false,
        }
    }
}

/// The dates stated for the acts later acts depend on, as far as the fold learnt them.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Dates {
    opened_on: Option<NaiveDate>,
    /// The latest stated date of an act on each clause.
    clauses: BTreeMap<String, NaiveDate>,
    /// The latest stated date of a party's adoption of the text.
    adopted_on: Option<NaiveDate>,
}

impl NegotiationCommand {
    /// The act's own date, for an act that carries one, and the field that holds it.
    pub fn own_date(&self) -> Option<(&'static str, NaiveDate)> {
        match &self.action {
            Action::SignInstrument { signed_on, .. } => Some(("signed_on", *signed_on)),
            Action::ConfirmSignature { confirmed_on } => Some(("confirmed_on", *confirmed_on)),
            Action::ExpressConsent { on, .. } => Some(("on", *on)),
            Action::RecordReceipt { received_on, .. } => Some(("received_on", *received_on)),
            Action::SendNote { sent_on, .. } => Some(("sent_on", *sent_on)),
            Action::NotifyTermination { notified_on, .. } => Some(("notified_on", *notified_on)),
            Action::OpenRevision { opened_on, .. } => Some(("opened_on", *opened_on)),
            Action::ReportProgress { reported_on, .. } => Some(("reported_on", *reported_on)),
            _ => None,
        }
    }

    /// The occasion the command states: `took_place`, or the act's own date. Refused when both
    /// are given and name different dates.
    pub fn occasion(&self) -> Result<Option<Occasion>, NegotiationError> {
        match (&self.took_place, self.own_date()) {
            (Some(stated), Some((field, own))) if stated.on != own => {
                Err(NegotiationError::OccasionContradictsAct {
                    field,
                    own,
                    took_place_on: stated.on,
                })
            }
            (Some(stated), _) => Ok(Some(stated.clone())),
            (None, Some((_, own))) => Ok(Some(Occasion::on(own))),
            (None, None) => Ok(None),
        }
    }
}

/// Whether the event records an act that builds on the adopted text.
fn builds_on_adoption(event: &NegotiationEvent) -> bool {
    matches!(
        event,
        NegotiationEvent::TextInitialled { .. }
            | NegotiationEvent::InstrumentSigned { .. }
            | NegotiationEvent::SignatureConfirmed { .. }
            | NegotiationEvent::ConsentExpressed { .. }
            | NegotiationEvent::ConsentReceived { .. }
    )
}

impl Negotiation {
    /// The date rules (module docs) for `command`, recorded at `recorded_at` when known, which
    /// the rules answered with `events`: the acts it builds on are found from what it records,
    /// as the fold learns their dates ([`Negotiation::apply_recorded`]).
    pub(crate) fn check_dates(
        &self,
        command: &NegotiationCommand,
        recorded_at: Option<DateTime<Utc>>,
        events: &[NegotiationEvent],
    ) -> Result<(), NegotiationError> {
        let occasion = command.occasion()?;
        if let Some(place) = occasion.as_ref().and_then(|o| o.place.as_deref()) {
            crate::aggregate::check_name("place", place)?;
        }
        let stated = occasion.as_ref().map(|o| o.on);
        if let (Some(date), Some(now)) = (stated, recorded_at) {
            let latest = (now + chrono::Duration::hours(MAX_DATE_AHEAD_OF_RECORDING_CLOCK_HOURS))
                .date_naive();
            if date > latest {
                return Err(NegotiationError::ActDatedInFuture {
                    date,
                    latest,
                    tolerance_hours: MAX_DATE_AHEAD_OF_RECORDING_CLOCK_HOURS,
                });
            }
        }
        if let Some(date) = stated {
            if let Some(opened_on) = self.dates.opened_on.filter(|o| date < *o) {
                return Err(NegotiationError::ActDatedBeforeOpening { date, opened_on });
            }
            for clause_id in events.iter().filter_map(NegotiationEvent::clause_id) {
                if let Some(latest) = self.dates.clauses.get(clause_id).filter(|l| date < **l) {
                    return Err(NegotiationError::ActDatedBeforeItsBasis {
                        date,
                        basis: format!("the latest act on clause '{clause_id}'"),
                        basis_on: *latest,
                    });
                }
            }
            let on_adoption = events.iter().any(builds_on_adoption);
            if let Some(adopted_on) = self.dates.adopted_on.filter(|a| on_adoption && date < *a) {
                return Err(NegotiationError::ActDatedBeforeItsBasis {
                    date,
                    basis: "the adoption of the text".into(),
                    basis_on: adopted_on,
                });
            }
        }
        let intersessional = occasion.as_ref().is_some_and(|o| o.intersessional);
        let date = stated.or(recorded_at.map(|now| now.date_naive()));
        // An act with its own date (a signature, a consent, a progress report…) is one of the
        // instrument's life, dated by that date, not a session's.
        // Opening the next round is refused while one is open, for that reason, not a date.
        let session_act =
            command.own_date().is_none() && !matches!(command.action, Action::OpenRound { .. });
        if let (Some(date), Some(round_id), false, true) =
            (date, self.open_round(), intersessional, session_act)
        {
            let round = &self.rounds[round_id];
            if date < round.starts_on || date > round.ends_on {
                return Err(NegotiationError::ActDatedOutsideRound {
                    date,
                    round_id: round_id.to_string(),
                    starts_on: round.starts_on,
                    ends_on: round.ends_on,
                });
            }
        }
        Ok(())
    }

    /// Folds `event` as [`Negotiation::apply_checked`] does, learning the date its command
    /// stated (`took_place_on` of its metadata; `None` for an act that stated none, or an event
    /// recorded before occasions existed): what the ledger, the verifier and the views fold
    /// stored events with. Plain `apply` leaves the date unknown, so nothing is compared with it.
    pub fn apply_recorded(
        &mut self,
        event: NegotiationEvent,
        took_place_on: Option<NaiveDate>,
    ) -> Result<(), ReplayError> {
        let Some(on) = took_place_on else {
            return self.apply_checked(event);
        };
        let clause = event.clause_id().map(str::to_string);
        let opening = matches!(event, NegotiationEvent::NegotiationOpened { .. });
        let adoption = matches!(event, NegotiationEvent::TextAdopted { .. });
        self.apply_checked(event)?;
        let dates = &mut self.dates;
        if opening {
            dates.opened_on = Some(on);
        }
        if adoption {
            dates.adopted_on = dates.adopted_on.max(Some(on));
        }
        if let Some(clause_id) = clause {
            let latest = dates.clauses.entry(clause_id).or_insert(on);
            *latest = (*latest).max(on);
        }
        Ok(())
    }
}

/// The date an event's metadata says its act took place on, if it states one.
pub fn stated_date(took_place_on: Option<&str>) -> Option<NaiveDate> {
    took_place_on.and_then(|d| d.parse().ok())
}

#[cfg(all(test, feature = "cqrs"))]
mod tests {
    use super::*;
    use crate::aggregate::tests::*;
    use crate::lifecycle::tests::{adopted_as, date, signature, CIV_SIGNATORY};
    use crate::rounds::tests::round_opened;
    use crate::values::{InstrumentKind, SignatureCapacity};
    use crate::Register;

    /// The state after `events`, each folded with the date its command stated, if any.
    fn dated(events: Vec<(NegotiationEvent, Option<&str>)>) -> Negotiation {
        let mut state = Negotiation::default();
        for (event, on) in events {
            state
                .apply_recorded(event, on.map(date))
                .expect("a history that follows");
        }
        state
    }

    fn undated(events: Vec<NegotiationEvent>) -> Vec<(NegotiationEvent, Option<&'static str>)> {
        events.into_iter().map(|e| (e, None)).collect()
    }

    /// `negotiating()`, opened on 2 March 2026 and article 1 proposed on 3 March.
    fn negotiating_dated() -> Vec<(NegotiationEvent, Option<&'static str>)> {
        let mut events = undated(negotiating());
        events[0].1 = Some("2026-03-02");
        let proposal = events
            .iter_mut()
            .find(|(e, _)| matches!(e, NegotiationEvent::ClauseProposed { .. }))
            .expect("article 1 is proposed");
        proposal.1 = Some("2026-03-03");
        events
    }

    fn comment_on(on: Option<&str>) -> NegotiationCommand {
        NegotiationCommand {
            took_place: on.map(|on| Occasion::on(date(on))),
            ..command(
                MAR_NEGOTIATOR,
                Action::Comment {
                    clause_id: None,
                    text: "Observation".into(),
                    internal: false,
                },
            )
        }
    }

    fn instant(text: &str) -> DateTime<Utc> {
        text.parse().expect("a test instant")
    }

    /// Decides `command` on `state`, recorded at `recorded_at` when given.
    fn decide_at(
        state: &Negotiation,
        command: &NegotiationCommand,
        recorded_at: Option<&str>,
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
        let register = Register::claimed_by(command);
        let register = match recorded_at {
            Some(at) => register.at(instant(at)),
            None => register,
        };
        state.decide(command, &register)
    }

    #[test]
    fn an_act_dated_beyond_the_recording_clock_and_its_tolerance_is_refused() {
        let state = dated(negotiating_dated());
        // At 12:00 UTC it is already the next day in UTC+14; two days ahead is nowhere.
        assert!(decide_at(
            &state,
            &comment_on(Some("2026-05-07")),
            Some("2026-05-06T12:00:00Z")
        )
        .is_ok());
        assert_eq!(
            decide_at(
                &state,
                &comment_on(Some("2026-05-08")),
                Some("2026-05-06T12:00:00Z")
            ),
            Err(NegotiationError::ActDatedInFuture {
                date: date("2026-05-08"),
                latest: date("2026-05-07"),
                tolerance_hours: MAX_DATE_AHEAD_OF_RECORDING_CLOCK_HOURS,
            })
        );
        // At 09:00 UTC it is 23:00 in UTC+14: tomorrow has begun nowhere.
        assert!(matches!(
            decide_at(
                &state,
                &comment_on(Some("2026-05-07")),
                Some("2026-05-06T09:00:00Z")
            ),
            Err(NegotiationError::ActDatedInFuture { .. })
        ));
    }

    #[test]
    fn a_signature_dated_next_week_is_refused() {
        let events = adopted_as(InstrumentKind::Mou);
        let signing = command(
            CIV_SIGNATORY,
            signature(&events, "CIV", SignatureCapacity::Simple, "2026-05-13"),
        );
        assert_eq!(
            decide_at(&state_of(&events), &signing, Some("2026-05-06T10:00:00Z")),
            Err(NegotiationError::ActDatedInFuture {
                date: date("2026-05-13"),
                latest: date("2026-05-07"),
                tolerance_hours: MAX_DATE_AHEAD_OF_RECORDING_CLOCK_HOURS,
            })
        );
    }

    #[test]
    fn an_act_dated_before_the_opening_is_refused() {
        let state = dated(negotiating_dated());
        assert_eq!(
            decide_at(&state, &comment_on(Some("2026-03-01")), None),
            Err(NegotiationError::ActDatedBeforeOpening {
                date: date("2026-03-01"),
                opened_on: date("2026-03-02"),
            })
        );
        assert!(decide_at(&state, &comment_on(Some("2026-03-02")), None).is_ok());
    }

    #[test]
    fn an_act_dated_before_the_act_it_builds_on_is_refused() {
        let state = dated(negotiating_dated());
        let agreeing = |on: &str| NegotiationCommand {
            took_place: Some(Occasion::on(date(on))),
            ..command(MAR_HEAD, agree(art1_hash()))
        };
        assert_eq!(
            decide_at(&state, &agreeing("2026-03-02"), None),
            Err(NegotiationError::ActDatedBeforeItsBasis {
                date: date("2026-03-02"),
                basis: "the latest act on clause 'art-1'".into(),
                basis_on: date("2026-03-03"),
            })
        );
        assert!(decide_at(&state, &agreeing("2026-03-03"), None).is_ok());

        // A signature builds on the latest adoption of the text.
        let events = adopted_as(InstrumentKind::Mou);
        let mut history = undated(events.clone());
        let last = history.len() - 1;
        history[last].1 = Some("2026-04-30");
        let signing = |on: &str| {
            command(
                CIV_SIGNATORY,
                signature(&events, "CIV", SignatureCapacity::Simple, on),
            )
        };
        assert_eq!(
            decide_at(&dated(history.clone()), &signing("2026-04-29"), None),
            Err(NegotiationError::ActDatedBeforeItsBasis {
                date: date("2026-04-29"),
                basis: "the adoption of the text".into(),
                basis_on: date("2026-04-30"),
            })
        );
        assert!(decide_at(&dated(history), &signing("2026-04-30"), None).is_ok());
    }

    #[test]
    fn an_act_in_an_open_round_is_dated_within_it_unless_intersessional() {
        // Round 1 runs from 2 to 4 March 2026.
        let mut events = negotiating_dated();
        events.push((round_opened(), Some("2026-03-02")));
        let state = dated(events);
        let outside = NegotiationError::ActDatedOutsideRound {
            date: date("2026-03-10"),
            round_id: "round-1".into(),
            starts_on: date("2026-03-02"),
            ends_on: date("2026-03-04"),
        };
        assert_eq!(
            decide_at(&state, &comment_on(Some("2026-03-10")), None),
            Err(outside)
        );
        assert!(decide_at(&state, &comment_on(Some("2026-03-04")), None).is_ok());
        // Stated no date, the act is dated by the recording clock.
        assert!(matches!(
            decide_at(&state, &comment_on(None), Some("2026-03-10T08:00:00Z")),
            Err(NegotiationError::ActDatedOutsideRound { .. })
        ));
        assert!(decide_at(&state, &comment_on(None), Some("2026-03-03T08:00:00Z")).is_ok());
        let mut intersessional = comment_on(Some("2026-03-10"));
        if let Some(occasion) = &mut intersessional.took_place {
            occasion.intersessional = true;
        }
        assert!(decide_at(&state, &intersessional, None).is_ok());
    }

    #[test]
    fn a_date_stated_twice_must_be_one_date() {
        let events = adopted_as(InstrumentKind::Mou);
        let signing = NegotiationCommand {
            took_place: Some(Occasion::on(date("2026-05-05"))),
            ..command(
                CIV_SIGNATORY,
                signature(&events, "CIV", SignatureCapacity::Simple, "2026-05-06"),
            )
        };
        assert_eq!(
            decide_at(&state_of(&events), &signing, None),
            Err(NegotiationError::OccasionContradictsAct {
                field: "signed_on",
                own: date("2026-05-06"),
                took_place_on: date("2026-05-05"),
            })
        );
    }

    #[test]
    fn undated_events_fold_as_before_and_constrain_no_date() {
        let events = negotiating();
        let folded = dated(undated(events.clone()));
        assert_eq!(folded, state_of(&events));
        assert!(decide_at(&folded, &comment_on(Some("2001-01-01")), None).is_ok());
    }

    #[test]
    fn an_occasion_is_read_strictly() {
        let given = serde_json::json!({
            "actor": MAR_NEGOTIATOR,
            "action": {"type": "accept-negotiation"},
            "took_place": {"on": "2026-03-02", "plaec": "Rabat"},
        });
        let refusal = serde_json::from_value::<NegotiationCommand>(given)
            .expect_err("a misspelt field is refused");
        assert!(refusal.to_string().contains("plaec"), "{refusal}");
    }
}
