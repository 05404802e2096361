//! Disagreement and its resolution: bracketed alternatives, each party's stated position,
//! the choice of an alternative, agreement ad referendum and its confirmation, and reopening an
//! agreed clause before the text is authenticated.

use crate::aggregate::{
    check_comment, check_current, check_printable, check_wording, Decision, Negotiation, Opened,
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
    ) -> Decision {
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
    ) -> Decision {
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
    ) -> Decision {
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
    ) -> Decision {
        let clause = self.live_clause(clause_id)?;
        let (clause_id, party) = (clause_id.to_string(), actor.party.clone());
        if !(clause.agreed_by_party(&party) && clause.agreed_ad_referendum.contains(&party)) {
            return Err(NegotiationError::NoAgreementToConfirm { clause_id, party });
        }
        Ok(vec![NegotiationEvent::ClauseAgreementConfirmed {
            clause_id,
            party,
        }])
    }

    pub(crate) fn decide_reopening(&self, clause_id: &str, reason: &str) -> Decision {
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

#[cfg(all(test, feature = "cqrs"))]
pub(crate) mod tests {
    use crate::aggregate::tests::*;
    use crate::aggregate::{ClauseStatus, Negotiation};
    use crate::commands::Action;
    use crate::errors::NegotiationError;
    use crate::events::NegotiationEvent;
    use crate::limits::MAX_ALTERNATIVES_PER_CLAUSE;
    use crate::text_hash::clause_text_hash;
    use crate::values::{InstrumentKind, Position};

    const ART1_B: &str =
        "Les Parties coopèrent, dans le respect de leur droit interne, pour prévenir la traite.";

    /// MAR brackets article 1 with the alternative `label` worded `text`.
    fn alternative(label: &str, text: &str) -> NegotiationEvent {
        NegotiationEvent::AlternativeProposed {
            clause_id: "art-1".into(),
            label: label.into(),
            heading: "Objet".into(),
            language: "fr".into(),
            text: text.into(),
            text_hash: clause_text_hash("Objet", "fr", text),
            proposed_by: "MAR".into(),
        }
    }

    pub(crate) fn alternative_b() -> NegotiationEvent {
        alternative("B", ART1_B)
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

    fn choose(label: &str) -> Action {
        Action::ChooseAlternative {
            clause_id: "art-1".into(),
            label: label.into(),
            base_text_hash: art1_hash(),
        }
    }

    fn state_position(position: Position, rationale: &str) -> Action {
        Action::StatePosition {
            clause_id: "art-1".into(),
            position,
            rationale: rationale.into(),
        }
    }

    fn reopen(reason: &str) -> Action {
        Action::ReopenClause {
            clause_id: "art-1".into(),
            reason: reason.into(),
        }
    }

    fn status_of_art1(events: &[NegotiationEvent]) -> ClauseStatus {
        let state = Negotiation::replay(events);
        state.clause_status(state.clause("art-1").unwrap())
    }

    fn bracketed() -> Vec<NegotiationEvent> {
        followed_by(negotiating(), [alternative_b()])
    }

    #[test]
    fn a_negotiator_brackets_a_clause_with_an_alternative() {
        expect_events(
            negotiating(),
            MAR_NEGOTIATOR,
            propose_b("B", ART1_B),
            vec![alternative_b()],
        );
        assert_eq!(status_of_art1(&bracketed()), ClauseStatus::Bracketed);
    }

    #[test]
    fn alternative_refusals() {
        let full = followed_by(
            negotiating(),
            (0..MAX_ALTERNATIVES_PER_CLAUSE).map(|i| {
                let label = ((b'A' + i as u8) as char).to_string();
                alternative(&label, &format!("Variante {i}"))
            }),
        );
        expect_refusals(
            MAR_NEGOTIATOR,
            [
                (
                    bracketed(),
                    propose_b("b", "x"),
                    NegotiationError::InvalidAlternativeLabel("b".into()),
                ),
                (
                    bracketed(),
                    propose_b("ABC", "x"),
                    NegotiationError::InvalidAlternativeLabel("ABC".into()),
                ),
                (
                    bracketed(),
                    propose_b("B", "autre"),
                    NegotiationError::AlternativeExists {
                        clause_id: "art-1".into(),
                        label: "B".into(),
                    },
                ),
                (
                    bracketed(),
                    propose_b("C", ART1_B),
                    NegotiationError::AlternativeRepeatsWording("art-1".into()),
                ),
                (
                    bracketed(),
                    propose_b("C", ART1_TEXT),
                    NegotiationError::AlternativeRepeatsWording("art-1".into()),
                ),
                (
                    full,
                    propose_b("Z", "Encore une"),
                    NegotiationError::TooManyAlternatives {
                        clause_id: "art-1".into(),
                        max_alternatives: MAX_ALTERNATIVES_PER_CLAUSE,
                    },
                ),
            ],
        );
    }

    #[test]
    fn each_party_states_its_position_on_the_current_wording() {
        let position = Position::Alternative { label: "B".into() };
        let rationale = "Conformité avec la loi 09-08";
        expect_events(
            bracketed(),
            MAR_NEGOTIATOR,
            state_position(position.clone(), rationale),
            vec![NegotiationEvent::PositionStated {
                clause_id: "art-1".into(),
                party: "MAR".into(),
                position,
                rationale: rationale.into(),
            }],
        );
        expect_refusal(
            bracketed(),
            CIV_NEGOTIATOR,
            state_position(Position::Alternative { label: "Q".into() }, ""),
            NegotiationError::UnknownAlternative {
                clause_id: "art-1".into(),
                label: "Q".into(),
            },
        );
    }

    #[test]
    fn a_bracketed_clause_is_agreed_only_once_an_alternative_is_chosen() {
        let chosen = NegotiationEvent::AlternativeChosen {
            clause_id: "art-1".into(),
            label: "B".into(),
            base_text_hash: art1_hash(),
            text_hash: clause_text_hash("Objet", "fr", ART1_B),
        };
        expect_events(bracketed(), MAR_HEAD, choose("B"), vec![chosen.clone()]);
        let rejected = NegotiationEvent::PositionStated {
            clause_id: "art-1".into(),
            party: "CIV".into(),
            position: Position::Reject,
            rationale: String::new(),
        };
        let state = Negotiation::replay(&followed_by(bracketed(), [rejected, chosen]));
        let clause = state.clause("art-1").unwrap();
        assert_eq!(clause.text, ART1_B);
        assert!(clause.alternatives.is_empty() && clause.positions.is_empty());
        assert_eq!(state.clause_status(clause), ClauseStatus::UnderDiscussion);

        let cases = [
            (
                CIV_HEAD,
                agree(art1_hash()),
                NegotiationError::ClauseBracketed("art-1".into()),
            ),
            (
                MAR_HEAD,
                choose("Q"),
                NegotiationError::UnknownAlternative {
                    clause_id: "art-1".into(),
                    label: "Q".into(),
                },
            ),
        ];
        for (actor, action, error) in cases {
            expect_refusal(bracketed(), actor, action, error);
        }
    }

    #[test]
    fn an_agreement_ad_referendum_counts_once_confirmed() {
        let mut events = followed_by(
            negotiating(),
            [
                art1_agreed_ad_referendum("MAR"),
                agreed("art-1", "CIV", art1_hash()),
            ],
        );
        assert_eq!(status_of_art1(&events), ClauseStatus::AgreedAdReferendum);
        let confirm = || Action::ConfirmClauseAgreement {
            clause_id: "art-1".into(),
        };
        expect_refusal(
            events.clone(),
            CIV_HEAD,
            confirm(),
            NegotiationError::NoAgreementToConfirm {
                clause_id: "art-1".into(),
                party: "CIV".into(),
            },
        );
        let confirmed = NegotiationEvent::ClauseAgreementConfirmed {
            clause_id: "art-1".into(),
            party: "MAR".into(),
        };
        expect_events(events.clone(), MAR_HEAD, confirm(), vec![confirmed.clone()]);
        events.push(confirmed);
        assert_eq!(status_of_art1(&events), ClauseStatus::Agreed);
    }

    #[test]
    fn an_agreed_clause_is_reopened_before_authentication_and_needs_agreement_again() {
        let mut events = crate::lifecycle::tests::ready();
        let reopened = NegotiationEvent::ClauseReopened {
            clause_id: "art-1".into(),
            reason: "New data-protection law".into(),
        };
        expect_events(
            events.clone(),
            CIV_HEAD,
            reopen("New data-protection law"),
            vec![reopened.clone()],
        );
        events.push(reopened);
        let state = Negotiation::replay(&events);
        assert!(!state.clause("art-1").unwrap().agreed_by_party("CIV"));
        expect_refusal(
            events,
            CIV_HEAD,
            reopen("New data-protection law"),
            NegotiationError::NotAgreed("art-1".into()),
        );
    }

    #[test]
    fn an_adopted_or_authenticated_text_cannot_be_reopened() {
        let adopted = crate::lifecycle::tests::adopted_as(InstrumentKind::Mou);
        let root = match &adopted[adopted.len() - 1] {
            NegotiationEvent::TextAdopted { text_root_hash, .. } => text_root_hash.clone(),
            _ => unreachable!(),
        };
        let initialled = NegotiationEvent::TextInitialled {
            party: "CIV".into(),
            text_root_hash: root,
        };
        expect_refusals(
            MAR_HEAD,
            [
                (
                    adopted.clone(),
                    reopen("Nouvelle loi"),
                    NegotiationError::TextFrozen,
                ),
                (
                    followed_by(adopted, [initialled]),
                    reopen("Nouvelle loi"),
                    NegotiationError::ReopenAfterAuthentication("art-1".into()),
                ),
            ],
        );
    }

    #[test]
    fn a_bracketed_clause_is_not_amended_around_its_brackets() {
        expect_refusal(
            bracketed(),
            CIV_NEGOTIATOR,
            amend(art1_hash(), "Texte contournant les crochets."),
            NegotiationError::ClauseBracketed("art-1".into()),
        );
    }
}
