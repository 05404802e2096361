//! Disagreement and its resolution: bracketed alternatives, each party's stated position,
//! the choice of an alternative, agreement ad referendum and its confirmation, and reopening an
//! agreed clause before the text is authenticated.

use crate::aggregate::{
    check_comment, check_current, check_printable, check_wording, Negotiation, Opened,
};
use crate::errors::NegotiationError;
use crate::events::NegotiationEvent;
use crate::limits::MAX_ALTERNATIVES_PER_CLAUSE;
use crate::text_hash::clause_text_hash;
use crate::values::{Delegate, Position};

impl Negotiation {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn decide_alternative(
        &self,
        opened: &Opened,
        actor: &Delegate,
        clause_id: &str,
        label: &str,
        heading: &str,
        language: &str,
        text: &str,
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
        let clause = self.open_clause(clause_id)?;
        let well_formed =
            (1..=2).contains(&label.len()) && label.bytes().all(|b| b.is_ascii_uppercase());
        if !well_formed {
            return Err(NegotiationError::InvalidAlternativeLabel(label.to_string()));
        }
        if clause.alternatives.contains_key(label) {
            return Err(NegotiationError::AlternativeExists {
                clause_id: clause_id.to_string(),
                label: label.to_string(),
            });
        }
        if clause.alternatives.len() >= MAX_ALTERNATIVES_PER_CLAUSE {
            return Err(NegotiationError::TooManyAlternatives {
                clause_id: clause_id.to_string(),
                max_alternatives: MAX_ALTERNATIVES_PER_CLAUSE,
            });
        }
        check_wording(opened, clause_id, heading, language, text)?;
        let text_hash = clause_text_hash(heading, language, text);
        if text_hash == clause.text_hash
            || clause
                .alternatives
                .values()
                .any(|a| a.text_hash == text_hash)
        {
            return Err(NegotiationError::AlternativeRepeatsWording(
                clause_id.to_string(),
            ));
        }
        Ok(vec![NegotiationEvent::AlternativeProposed {
            clause_id: clause_id.to_string(),
            label: label.to_string(),
            heading: heading.to_string(),
            language: language.to_string(),
            text: text.to_string(),
            text_hash,
            proposed_by: actor.party.clone(),
        }])
    }

    pub(crate) fn decide_position(
        &self,
        actor: &Delegate,
        clause_id: &str,
        position: &Position,
        rationale: &str,
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
        let clause = self.open_clause(clause_id)?;
        if let Position::Alternative { label } = position {
            if !clause.alternatives.contains_key(label) {
                return Err(NegotiationError::UnknownAlternative {
                    clause_id: clause_id.to_string(),
                    label: label.clone(),
                });
            }
        }
        if !rationale.is_empty() {
            check_comment("rationale", rationale)?;
        }
        check_printable("rationale", rationale)?;
        Ok(vec![NegotiationEvent::PositionStated {
            clause_id: clause_id.to_string(),
            party: actor.party.clone(),
            position: position.clone(),
            rationale: rationale.to_string(),
        }])
    }

    pub(crate) fn decide_choice(
        &self,
        clause_id: &str,
        label: &str,
        base_text_hash: &str,
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
        let clause = self.open_clause(clause_id)?;
        check_current(clause_id, clause, base_text_hash)?;
        let alternative =
            clause
                .alternatives
                .get(label)
                .ok_or_else(|| NegotiationError::UnknownAlternative {
                    clause_id: clause_id.to_string(),
                    label: label.to_string(),
                })?;
        Ok(vec![NegotiationEvent::AlternativeChosen {
            clause_id: clause_id.to_string(),
            label: label.to_string(),
            base_text_hash: base_text_hash.to_string(),
            text_hash: alternative.text_hash.clone(),
        }])
    }

    pub(crate) fn decide_agreement_confirmation(
        &self,
        actor: &Delegate,
        clause_id: &str,
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
        let clause = self.live_clause(clause_id)?;
        if !(clause.agreed_by_party(&actor.party)
            && clause.agreed_ad_referendum.contains(&actor.party))
        {
            return Err(NegotiationError::NoAgreementToConfirm {
                clause_id: clause_id.to_string(),
                party: actor.party.clone(),
            });
        }
        Ok(vec![NegotiationEvent::ClauseAgreementConfirmed {
            clause_id: clause_id.to_string(),
            party: actor.party.clone(),
        }])
    }

    pub(crate) fn decide_reopening(
        &self,
        clause_id: &str,
        reason: &str,
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
        if !self.current.initials.is_empty() || !self.current.signatures.is_empty() {
            return Err(NegotiationError::ReopenAfterAuthentication(
                clause_id.to_string(),
            ));
        }
        if self.is_adopted() {
            return Err(NegotiationError::TextFrozen);
        }
        let clause = self.live_clause(clause_id)?;
        let all_agreed = self
            .parties()
            .iter()
            .all(|p| clause.agreed_by_party(&p.code));
        if !all_agreed {
            return Err(NegotiationError::NotAgreed(clause_id.to_string()));
        }
        check_comment("reason", reason)?;
        Ok(vec![NegotiationEvent::ClauseReopened {
            clause_id: clause_id.to_string(),
            reason: reason.to_string(),
        }])
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::aggregate::tests::*;
    use crate::aggregate::{ClauseStatus, Negotiation};
    use crate::commands::Action;
    use crate::errors::NegotiationError;
    use crate::events::NegotiationEvent;
    use crate::limits::MAX_ALTERNATIVES_PER_CLAUSE;
    use crate::text_hash::clause_text_hash;
    use crate::values::Position;

    const ART1_B: &str =
        "Les Parties coopèrent, dans le respect de leur droit interne, pour prévenir la traite.";

    pub(crate) fn alternative_b() -> NegotiationEvent {
        NegotiationEvent::AlternativeProposed {
            clause_id: "art-1".into(),
            label: "B".into(),
            heading: "Objet".into(),
            language: "fr".into(),
            text: ART1_B.into(),
            text_hash: clause_text_hash("Objet", "fr", ART1_B),
            proposed_by: "MAR".into(),
        }
    }

    fn propose_b(label: &str, text: &str) -> Action {
        Action::ProposeAlternative {
            clause_id: "art-1".into(),
            label: label.into(),
            heading: "Objet".into(),
            language: "fr".into(),
            text: text.into(),
        }
    }

    fn state_of(events: Vec<NegotiationEvent>) -> Negotiation {
        Negotiation::replay(&events)
    }

    fn bracketed() -> Vec<NegotiationEvent> {
        let mut events = negotiating();
        events.push(alternative_b());
        events
    }

    #[test]
    fn a_negotiator_brackets_a_clause_with_an_alternative() {
        NegotiationTest::with(())
            .given(negotiating())
            .when(command(MAR_NEGOTIATOR, propose_b("B", ART1_B)))
            .then_expect_events(vec![alternative_b()]);
        let state = state_of(bracketed());
        assert_eq!(
            state.clause_status(state.clause("art-1").unwrap()),
            ClauseStatus::Bracketed
        );
    }

    #[test]
    fn alternative_refusals() {
        let cases = [
            (
                propose_b("b", "x"),
                NegotiationError::InvalidAlternativeLabel("b".into()),
            ),
            (
                propose_b("ABC", "x"),
                NegotiationError::InvalidAlternativeLabel("ABC".into()),
            ),
            (
                propose_b("B", "autre"),
                NegotiationError::AlternativeExists {
                    clause_id: "art-1".into(),
                    label: "B".into(),
                },
            ),
            (
                propose_b("C", ART1_B),
                NegotiationError::AlternativeRepeatsWording("art-1".into()),
            ),
            (
                propose_b("C", ART1_TEXT),
                NegotiationError::AlternativeRepeatsWording("art-1".into()),
            ),
        ];
        for (action, error) in cases {
            NegotiationTest::with(())
                .given(bracketed())
                .when(command(MAR_NEGOTIATOR, action))
                .then_expect_error(error);
        }
        let mut full = negotiating();
        for i in 0..MAX_ALTERNATIVES_PER_CLAUSE {
            let label = ((b'A' + i as u8) as char).to_string();
            let text = format!("Variante {i}");
            full.push(NegotiationEvent::AlternativeProposed {
                clause_id: "art-1".into(),
                label,
                heading: "Objet".into(),
                language: "fr".into(),
                text: text.clone(),
                text_hash: clause_text_hash("Objet", "fr", &text),
                proposed_by: "MAR".into(),
            });
        }
        NegotiationTest::with(())
            .given(full)
            .when(command(MAR_NEGOTIATOR, propose_b("Z", "Encore une")))
            .then_expect_error(NegotiationError::TooManyAlternatives {
                clause_id: "art-1".into(),
                max_alternatives: MAX_ALTERNATIVES_PER_CLAUSE,
            });
    }

    #[test]
    fn each_party_states_its_position_on_the_current_wording() {
        let position = Position::Alternative { label: "B".into() };
        NegotiationTest::with(())
            .given(bracketed())
            .when(command(
                MAR_NEGOTIATOR,
                Action::StatePosition {
                    clause_id: "art-1".into(),
                    position: position.clone(),
                    rationale: "Conformité avec la loi 09-08".into(),
                },
            ))
            .then_expect_events(vec![NegotiationEvent::PositionStated {
                clause_id: "art-1".into(),
                party: "MAR".into(),
                position,
                rationale: "Conformité avec la loi 09-08".into(),
            }]);
        NegotiationTest::with(())
            .given(bracketed())
            .when(command(
                CIV_NEGOTIATOR,
                Action::StatePosition {
                    clause_id: "art-1".into(),
                    position: Position::Alternative { label: "Q".into() },
                    rationale: String::new(),
                },
            ))
            .then_expect_error(NegotiationError::UnknownAlternative {
                clause_id: "art-1".into(),
                label: "Q".into(),
            });
    }

    #[test]
    fn a_bracketed_clause_is_agreed_only_once_an_alternative_is_chosen() {
        NegotiationTest::with(())
            .given(bracketed())
            .when(command(CIV_HEAD, agree(art1_hash())))
            .then_expect_error(NegotiationError::ClauseBracketed("art-1".into()));

        let choose = Action::ChooseAlternative {
            clause_id: "art-1".into(),
            label: "B".into(),
            base_text_hash: art1_hash(),
        };
        let chosen = NegotiationEvent::AlternativeChosen {
            clause_id: "art-1".into(),
            label: "B".into(),
            base_text_hash: art1_hash(),
            text_hash: clause_text_hash("Objet", "fr", ART1_B),
        };
        NegotiationTest::with(())
            .given(bracketed())
            .when(command(MAR_HEAD, choose))
            .then_expect_events(vec![chosen.clone()]);
        let mut events = bracketed();
        events.push(NegotiationEvent::PositionStated {
            clause_id: "art-1".into(),
            party: "CIV".into(),
            position: Position::Reject,
            rationale: String::new(),
        });
        events.push(chosen);
        let state = state_of(events);
        let clause = state.clause("art-1").unwrap();
        assert_eq!(clause.text, ART1_B);
        assert!(clause.alternatives.is_empty() && clause.positions.is_empty());
        assert_eq!(state.clause_status(clause), ClauseStatus::UnderDiscussion);

        NegotiationTest::with(())
            .given(bracketed())
            .when(command(
                MAR_HEAD,
                Action::ChooseAlternative {
                    clause_id: "art-1".into(),
                    label: "Q".into(),
                    base_text_hash: art1_hash(),
                },
            ))
            .then_expect_error(NegotiationError::UnknownAlternative {
                clause_id: "art-1".into(),
                label: "Q".into(),
            });
    }

    #[test]
    fn an_agreement_ad_referendum_counts_once_confirmed() {
        let mut events = negotiating();
        events.push(NegotiationEvent::ClauseAgreed {
            clause_id: "art-1".into(),
            party: "MAR".into(),
            text_hash: art1_hash(),
            ad_referendum: true,
        });
        events.push(agreed("art-1", "CIV", art1_hash()));
        let state = state_of(events.clone());
        assert_eq!(
            state.clause_status(state.clause("art-1").unwrap()),
            ClauseStatus::AgreedAdReferendum
        );
        NegotiationTest::with(())
            .given(events.clone())
            .when(command(
                CIV_HEAD,
                Action::ConfirmClauseAgreement {
                    clause_id: "art-1".into(),
                },
            ))
            .then_expect_error(NegotiationError::NoAgreementToConfirm {
                clause_id: "art-1".into(),
                party: "CIV".into(),
            });
        NegotiationTest::with(())
            .given(events.clone())
            .when(command(
                MAR_HEAD,
                Action::ConfirmClauseAgreement {
                    clause_id: "art-1".into(),
                },
            ))
            .then_expect_events(vec![NegotiationEvent::ClauseAgreementConfirmed {
                clause_id: "art-1".into(),
                party: "MAR".into(),
            }]);
        events.push(NegotiationEvent::ClauseAgreementConfirmed {
            clause_id: "art-1".into(),
            party: "MAR".into(),
        });
        let state = state_of(events);
        assert_eq!(
            state.clause_status(state.clause("art-1").unwrap()),
            ClauseStatus::Agreed
        );
    }

    #[test]
    fn an_agreed_clause_is_reopened_before_authentication_and_needs_agreement_again() {
        let mut events = crate::lifecycle::tests::ready();
        let reopen = Action::ReopenClause {
            clause_id: "art-1".into(),
            reason: "New data-protection law".into(),
        };
        NegotiationTest::with(())
            .given(events.clone())
            .when(command(CIV_HEAD, reopen.clone()))
            .then_expect_events(vec![NegotiationEvent::ClauseReopened {
                clause_id: "art-1".into(),
                reason: "New data-protection law".into(),
            }]);
        events.push(NegotiationEvent::ClauseReopened {
            clause_id: "art-1".into(),
            reason: "New data-protection law".into(),
        });
        let state = state_of(events.clone());
        assert!(!state.clause("art-1").unwrap().agreed_by_party("CIV"));
        NegotiationTest::with(())
            .given(events)
            .when(command(CIV_HEAD, reopen))
            .then_expect_error(NegotiationError::NotAgreed("art-1".into()));
    }
}

#[cfg(test)]
mod review_fixes {
    use crate::aggregate::tests::*;
    use crate::commands::Action;
    use crate::errors::NegotiationError;
    use crate::events::NegotiationEvent;
    use crate::values::InstrumentKind;

    #[test]
    fn an_adopted_or_authenticated_text_cannot_be_reopened() {
        let reopen = Action::ReopenClause {
            clause_id: "art-1".into(),
            reason: "Nouvelle loi".into(),
        };
        NegotiationTest::with(())
            .given(crate::lifecycle::tests::adopted_as(InstrumentKind::Mou))
            .when(command(MAR_HEAD, reopen.clone()))
            .then_expect_error(NegotiationError::TextFrozen);
        let mut initialled = crate::lifecycle::tests::adopted_as(InstrumentKind::Mou);
        let root = match &initialled[initialled.len() - 1] {
            NegotiationEvent::TextAdopted { text_root_hash, .. } => text_root_hash.clone(),
            _ => unreachable!(),
        };
        initialled.push(NegotiationEvent::TextInitialled {
            party: "CIV".into(),
            text_root_hash: root,
        });
        NegotiationTest::with(())
            .given(initialled)
            .when(command(MAR_HEAD, reopen))
            .then_expect_error(NegotiationError::ReopenAfterAuthentication("art-1".into()));
    }

    #[test]
    fn a_bracketed_clause_is_not_amended_around_its_brackets() {
        let mut events = negotiating();
        events.push(tests::alternative_b());
        NegotiationTest::with(())
            .given(events)
            .when(command(
                CIV_NEGOTIATOR,
                amend(art1_hash(), "Texte contournant les crochets."),
            ))
            .then_expect_error(NegotiationError::ClauseBracketed("art-1".into()));
    }

    use super::tests;
}
