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
use crate::Clause;

impl Negotiation {
    /// Replace the standing wording. A bracketed clause can be amended too: the alternatives
    /// stay bracketed against the new wording, and a proposed choice lapses.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn decide_amendment(
        &self,
        opened: &Opened,
        actor: &Delegate,
        clause_id: &str,
        base_text_hash: &str,
        heading: Option<&str>,
        language: &str,
        text: &str,
    ) -> Decision {
        let clause = self.open_clause(clause_id)?;
        check_current(clause_id, clause, base_text_hash)?;
        let heading = kept_heading(clause_id, clause, heading, language)?;
        check_wording(opened, clause_id, heading, language, text)?;
        let text_hash = clause_text_hash(heading, language, text);
        if text_hash == clause.text_hash {
            return Err(NegotiationError::AmendmentChangesNothing(
                clause_id.to_string(),
            ));
        }
        Ok(vec![NegotiationEvent::ClauseAmended {
            clause_id: clause_id.to_string(),
            base_text_hash: base_text_hash.to_string(),
            heading: heading.to_string(),
            language: language.to_string(),
            text: text.to_string(),
            text_hash,
            amended_by: Some(actor.party.clone()),
        }])
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn decide_alternative(
        &self,
        opened: &Opened,
        actor: &Delegate,
        clause_id: &str,
        label: &str,
        heading: Option<&str>,
        language: &str,
        text: &str,
    ) -> Decision {
        let clause = self.open_clause(clause_id)?;
        let heading = kept_heading(clause_id, clause, heading, language)?;
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

    /// Propose lifting the brackets with alternative `label`: it takes effect once every party
    /// agrees the alternative's wording ([`Negotiation::decide_choice_agreement`]).
    pub(crate) fn decide_choice(
        &self,
        actor: &Delegate,
        clause_id: &str,
        label: &str,
        base_text_hash: &str,
    ) -> Decision {
        let clause = self.open_clause(clause_id)?;
        check_current(clause_id, clause, base_text_hash)?;
        let alternative = bracketed(clause_id, clause, label)?;
        if clause
            .proposed_choice
            .as_ref()
            .is_some_and(|c| c.label == label)
        {
            return Err(NegotiationError::ChoiceAlreadyProposed {
                clause_id: clause_id.to_string(),
                label: label.to_string(),
            });
        }
        Ok(vec![NegotiationEvent::AlternativeChoiceProposed {
            clause_id: clause_id.to_string(),
            label: label.to_string(),
            base_text_hash: base_text_hash.to_string(),
            text_hash: alternative.text_hash.clone(),
            proposed_by: actor.party.clone(),
        }])
    }

    /// An agreement naming an alternative's wording: `None` when it names none (an agreement
    /// to the standing wording), a refusal when that alternative is not proposed as the choice,
    /// else the agreement, and with the last party's the choice itself: the brackets lift.
    pub(crate) fn decide_choice_agreement(
        &self,
        actor: &Delegate,
        clause_id: &str,
        text_hash: &str,
        ad_referendum: bool,
    ) -> Result<Option<Vec<NegotiationEvent>>, NegotiationError> {
        let clause = self.live_clause(clause_id)?;
        let Some((label, _)) = clause
            .alternatives
            .iter()
            .find(|(_, a)| a.text_hash == text_hash && text_hash != clause.text_hash)
        else {
            return Ok(None);
        };
        let Some(choice) = clause
            .proposed_choice
            .as_ref()
            .filter(|c| &c.label == label)
        else {
            return Err(NegotiationError::ChoiceNotProposed {
                clause_id: clause_id.to_string(),
                label: label.clone(),
            });
        };
        if choice.agreed_by.contains_key(&actor.party) {
            return Err(NegotiationError::AlreadyAgreed {
                clause_id: clause_id.to_string(),
                party: actor.party.clone(),
            });
        }
        let mut events = vec![NegotiationEvent::ClauseAgreed {
            clause_id: clause_id.to_string(),
            party: actor.party.clone(),
            text_hash: text_hash.to_string(),
            ad_referendum,
        }];
        let all_agreed = self
            .parties()
            .iter()
            .all(|p| p.code == actor.party || choice.agreed_by.contains_key(&p.code));
        if all_agreed {
            events.push(NegotiationEvent::AlternativeChosen {
                clause_id: clause_id.to_string(),
                label: label.clone(),
                base_text_hash: clause.text_hash.clone(),
                text_hash: text_hash.to_string(),
            });
        }
        Ok(Some(events))
    }

    /// Withdraw an alternative: only its proposer's party may.
    pub(crate) fn decide_alternative_withdrawal(
        &self,
        actor: &Delegate,
        clause_id: &str,
        label: &str,
        reason: &str,
    ) -> Decision {
        let clause = self.open_clause(clause_id)?;
        let alternative = bracketed(clause_id, clause, label)?;
        if alternative.proposed_by != actor.party {
            return Err(NegotiationError::NotAlternativeProposer {
                clause_id: clause_id.to_string(),
                label: label.to_string(),
                proposer: alternative.proposed_by.clone(),
            });
        }
        check_comment("reason", reason)?;
        Ok(vec![NegotiationEvent::AlternativeWithdrawn {
            clause_id: clause_id.to_string(),
            label: label.to_string(),
            reason: reason.to_string(),
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

/// The alternative `label` bracketed against the clause's wording.
fn bracketed<'a>(
    clause_id: &str,
    clause: &'a Clause,
    label: &str,
) -> Result<&'a crate::Alternative, NegotiationError> {
    clause
        .alternatives
        .get(label)
        .ok_or_else(|| NegotiationError::UnknownAlternative {
            clause_id: clause_id.to_string(),
            label: label.to_string(),
        })
}

/// The heading a new wording in `language` has: the one given (empty for none), or when none is
/// given the clause's heading in that language, so that omitting it never deletes it.
fn kept_heading<'a>(
    clause_id: &str,
    clause: &'a Clause,
    given: Option<&'a str>,
    language: &str,
) -> Result<&'a str, NegotiationError> {
    if let Some(heading) = given {
        return Ok(heading);
    }
    if language == clause.language {
        return Ok(&clause.heading);
    }
    match clause.translations.get(language) {
        Some(translation) => Ok(&translation.heading),
        None => Err(NegotiationError::HeadingRequired {
            clause_id: clause_id.to_string(),
            language: language.to_string(),
        }),
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
            heading: Some("Objet".into()),
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

    fn b_hash() -> String {
        clause_text_hash("Objet", "fr", ART1_B)
    }

    fn choice_proposed(by: &str) -> NegotiationEvent {
        NegotiationEvent::AlternativeChoiceProposed {
            clause_id: "art-1".into(),
            label: "B".into(),
            base_text_hash: art1_hash(),
            text_hash: b_hash(),
            proposed_by: by.into(),
        }
    }

    fn chosen_b() -> NegotiationEvent {
        NegotiationEvent::AlternativeChosen {
            clause_id: "art-1".into(),
            label: "B".into(),
            base_text_hash: art1_hash(),
            text_hash: b_hash(),
        }
    }

    /// CIV, not MAR, brackets article 1 with alternative C: the alternative CIV may withdraw.
    pub(crate) fn civ_alternative_c() -> NegotiationEvent {
        let text = "Les Parties coopèrent contre la traite.";
        NegotiationEvent::AlternativeProposed {
            clause_id: "art-1".into(),
            label: "C".into(),
            heading: "Objet".into(),
            language: "fr".into(),
            text: text.into(),
            text_hash: clause_text_hash("Objet", "fr", text),
            proposed_by: "CIV".into(),
        }
    }

    #[test]
    fn a_choice_recorded_before_choices_were_proposed_still_resolves_the_brackets_at_once() {
        let rejected = NegotiationEvent::PositionStated {
            clause_id: "art-1".into(),
            party: "CIV".into(),
            position: Position::Reject,
            rationale: String::new(),
        };
        let state = Negotiation::replay(&followed_by(bracketed(), [rejected, chosen_b()]));
        let clause = state.clause("art-1").unwrap();
        assert_eq!(clause.text, ART1_B);
        assert!(clause.alternatives.is_empty() && clause.positions.is_empty());
        assert!(clause.agreed_by.is_empty());
        assert_eq!(clause.worded_by.as_deref(), Some("MAR"));
        assert_eq!(state.clause_status(clause), ClauseStatus::UnderDiscussion);
    }

    #[test]
    fn choosing_an_alternative_is_a_proposal_until_every_party_agrees_its_wording() {
        expect_events(
            bracketed(),
            CIV_HEAD,
            choose("B"),
            vec![choice_proposed("CIV")],
        );
        let proposed = followed_by(bracketed(), [choice_proposed("CIV")]);
        assert_eq!(status_of_art1(&proposed), ClauseStatus::Bracketed);

        let civ_agrees = agreed("art-1", "CIV", b_hash());
        expect_events(
            proposed.clone(),
            CIV_HEAD,
            agree(b_hash()),
            vec![civ_agrees.clone()],
        );
        let half = followed_by(proposed, [civ_agrees]);
        let state = Negotiation::replay(&half);
        assert_eq!(state.clause("art-1").unwrap().text, ART1_TEXT);
        assert_eq!(status_of_art1(&half), ClauseStatus::Bracketed);

        let mar_agrees = agreed("art-1", "MAR", b_hash());
        expect_events(
            half.clone(),
            MAR_HEAD,
            agree(b_hash()),
            vec![mar_agrees.clone(), chosen_b()],
        );
        let lifted = followed_by(half, [mar_agrees, chosen_b()]);
        let state = Negotiation::replay(&lifted);
        let clause = state.clause("art-1").unwrap();
        assert_eq!(
            (clause.text.as_str(), &clause.text_hash),
            (ART1_B, &b_hash())
        );
        assert!(clause.alternatives.is_empty() && clause.proposed_choice.is_none());
        assert_eq!(clause.proposed_by, "CIV");
        assert_eq!(clause.worded_by.as_deref(), Some("MAR"));
        assert_eq!(state.clause_status(clause), ClauseStatus::Agreed);
    }

    #[test]
    fn an_agreement_ad_referendum_to_the_choice_stays_to_be_confirmed() {
        let events = followed_by(
            bracketed(),
            [
                choice_proposed("MAR"),
                art1_agreed_ad_referendum_to(b_hash(), "CIV"),
                agreed("art-1", "MAR", b_hash()),
                chosen_b(),
            ],
        );
        assert_eq!(status_of_art1(&events), ClauseStatus::AgreedAdReferendum);
    }

    fn art1_agreed_ad_referendum_to(text_hash: String, party: &str) -> NegotiationEvent {
        NegotiationEvent::ClauseAgreed {
            clause_id: "art-1".into(),
            party: party.into(),
            text_hash,
            ad_referendum: true,
        }
    }

    #[test]
    fn choice_refusals() {
        let proposed = followed_by(bracketed(), [choice_proposed("MAR")]);
        let civ_agreed = followed_by(proposed.clone(), [agreed("art-1", "CIV", b_hash())]);
        let cases = [
            (
                bracketed(),
                CIV_HEAD,
                agree(art1_hash()),
                NegotiationError::ClauseBracketed("art-1".into()),
            ),
            (
                bracketed(),
                CIV_HEAD,
                agree(b_hash()),
                NegotiationError::ChoiceNotProposed {
                    clause_id: "art-1".into(),
                    label: "B".into(),
                },
            ),
            (
                proposed.clone(),
                CIV_HEAD,
                choose("B"),
                NegotiationError::ChoiceAlreadyProposed {
                    clause_id: "art-1".into(),
                    label: "B".into(),
                },
            ),
            (
                civ_agreed,
                CIV_HEAD,
                agree(b_hash()),
                NegotiationError::AlreadyAgreed {
                    clause_id: "art-1".into(),
                    party: "CIV".into(),
                },
            ),
            (
                proposed,
                CIV_HEAD,
                agree(art1_hash()),
                NegotiationError::ClauseBracketed("art-1".into()),
            ),
            (
                bracketed(),
                MAR_HEAD,
                choose("Q"),
                NegotiationError::UnknownAlternative {
                    clause_id: "art-1".into(),
                    label: "Q".into(),
                },
            ),
        ];
        for (events, actor, action, error) in cases {
            expect_refusal(events, actor, action, error);
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

    fn amend_with_heading(heading: Option<&str>, language: &str, text: &str) -> Action {
        Action::AmendClause {
            clause_id: "art-1".into(),
            base_text_hash: art1_hash(),
            heading: heading.map(str::to_string),
            language: language.into(),
            text: text.into(),
        }
    }

    fn amended(heading: &str, text: &str, by: &str) -> NegotiationEvent {
        NegotiationEvent::ClauseAmended {
            clause_id: "art-1".into(),
            base_text_hash: art1_hash(),
            heading: heading.into(),
            language: "fr".into(),
            text: text.into(),
            text_hash: clause_text_hash(heading, "fr", text),
            amended_by: Some(by.into()),
        }
    }

    #[test]
    fn a_bracketed_clause_is_amended_and_its_alternatives_stay_bracketed() {
        let text = "Les Parties coopèrent pleinement pour prévenir la traite.";
        let amendment = amended("Objet", text, "CIV");
        expect_events(
            followed_by(bracketed(), [choice_proposed("MAR")]),
            CIV_NEGOTIATOR,
            amend(art1_hash(), text),
            vec![amendment.clone()],
        );
        let events = followed_by(bracketed(), [choice_proposed("MAR"), amendment]);
        let state = Negotiation::replay(&events);
        let clause = state.clause("art-1").unwrap();
        assert_eq!(clause.text, text);
        assert!(clause.alternatives.contains_key("B"));
        assert_eq!(
            clause.proposed_choice, None,
            "the choice was about the old wording"
        );
        assert_eq!(clause.worded_by.as_deref(), Some("CIV"));
        assert_eq!(state.clause_status(clause), ClauseStatus::Bracketed);
    }

    #[test]
    fn an_amendment_without_a_heading_keeps_the_heading_and_an_empty_one_removes_it() {
        let text = "Les Parties coopèrent pleinement pour prévenir la traite.";
        expect_events(
            negotiating(),
            MAR_NEGOTIATOR,
            amend_with_heading(None, "fr", text),
            vec![amended("Objet", text, "MAR")],
        );
        expect_events(
            negotiating(),
            MAR_NEGOTIATOR,
            amend_with_heading(Some(""), "fr", text),
            vec![amended("", text, "MAR")],
        );
        expect_events(
            negotiating(),
            MAR_NEGOTIATOR,
            Action::ProposeAlternative {
                clause_id: "art-1".into(),
                label: "B".into(),
                heading: None,
                language: "fr".into(),
                text: ART1_B.into(),
            },
            vec![alternative_b()],
        );
        let in_arabic = |e: &NegotiationEvent| match e {
            NegotiationEvent::ClauseAmended { heading, .. } => heading == "الموضوع",
            _ => false,
        };
        let kept = state_of(&negotiating())
            .decide_as_claimed(&command(
                MAR_NEGOTIATOR,
                amend_with_heading(None, "ar", "نص"),
            ))
            .unwrap();
        assert!(in_arabic(&kept[0]), "the Arabic version's heading is kept");
        let untranslated = negotiating()
            .into_iter()
            .filter(|e| !matches!(e, NegotiationEvent::ClauseTranslated { .. }))
            .collect();
        expect_refusal(
            untranslated,
            MAR_NEGOTIATOR,
            amend_with_heading(None, "ar", "نص"),
            NegotiationError::HeadingRequired {
                clause_id: "art-1".into(),
                language: "ar".into(),
            },
        );
    }

    fn withdraw_alternative(label: &str) -> Action {
        Action::WithdrawAlternative {
            clause_id: "art-1".into(),
            label: label.into(),
            reason: "Compromis trouvé".into(),
        }
    }

    #[test]
    fn its_proposer_withdraws_an_alternative_and_the_brackets_lift_with_the_last() {
        let withdrawn = NegotiationEvent::AlternativeWithdrawn {
            clause_id: "art-1".into(),
            label: "B".into(),
            reason: "Compromis trouvé".into(),
        };
        let preferred = NegotiationEvent::PositionStated {
            clause_id: "art-1".into(),
            party: "MAR".into(),
            position: Position::Alternative { label: "B".into() },
            rationale: String::new(),
        };
        let history = followed_by(bracketed(), [preferred, choice_proposed("MAR")]);
        expect_events(
            history.clone(),
            MAR_HEAD,
            withdraw_alternative("B"),
            vec![withdrawn.clone()],
        );
        let state = Negotiation::replay(&followed_by(history, [withdrawn]));
        let clause = state.clause("art-1").unwrap();
        assert!(clause.alternatives.is_empty() && clause.proposed_choice.is_none());
        assert!(
            clause.positions.is_empty(),
            "a preference for B has no object left"
        );
        assert_eq!(state.clause_status(clause), ClauseStatus::UnderDiscussion);
        assert_eq!(clause.text, ART1_TEXT);
    }

    #[test]
    fn alternative_withdrawal_refusals() {
        expect_refusals(
            CIV_NEGOTIATOR,
            [
                (
                    bracketed(),
                    withdraw_alternative("B"),
                    NegotiationError::NotAlternativeProposer {
                        clause_id: "art-1".into(),
                        label: "B".into(),
                        proposer: "MAR".into(),
                    },
                ),
                (
                    bracketed(),
                    withdraw_alternative("Q"),
                    NegotiationError::UnknownAlternative {
                        clause_id: "art-1".into(),
                        label: "Q".into(),
                    },
                ),
            ],
        );
    }
}
