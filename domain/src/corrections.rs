//! Correcting an authenticated text (art. 79 VCLT).
//!
//! Once a text is initialled or signed it is frozen: no amendment, no reopening. An error found
//! afterwards (most often a discrepancy between two language versions) is corrected only when
//! every party agrees to one exact corrected wording. A legal-linguist proposes the correction;
//! each party agrees to it by its hash; the last agreement makes it. Both versions are kept: the
//! correction record holds the superseded wording, and the signatures already given still bind
//! the root hash they signed, which the state remembers as superseded by the correction. A party
//! that signs afterwards signs the corrected text.

use std::collections::btree_map::Entry;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::aggregate::{
    already_done, check_comment, check_identifier, check_wording, named, named_mut, Decision,
    Negotiation, Opened,
};
use crate::commands::Action;
use crate::errors::{NegotiationError, ReplayError};
use crate::events::NegotiationEvent;
use crate::limits::MAX_CORRECTIONS_PER_REVISION;
use crate::text_hash::clause_text_hash;
use crate::values::Delegate;

/// A correction of one clause's wording in one language, proposed or made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Correction {
    pub clause_id: String,
    pub language: String,
    /// The wording corrected, as the hash of that language version when proposed.
    pub base_text_hash: String,
    pub heading: String,
    pub text: String,
    pub text_hash: String,
    pub reason: String,
    pub proposed_by: String,
    pub agreed_by: BTreeSet<String>,
    /// Once made: the wording it replaced, kept beside the corrected one.
    pub superseded: Option<SupersededWording>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupersededWording {
    pub heading: String,
    pub text: String,
    pub text_root_hash: String,
}

impl Negotiation {
    /// Every correction of the current revision's text, by id.
    pub fn corrections(&self) -> impl Iterator<Item = (&String, &Correction)> {
        self.current.corrections.iter()
    }

    /// Root hashes the current text had before corrections replaced them, oldest first. A
    /// signature or initialling over one of them was given before the correction.
    pub fn superseded_roots(&self) -> &[String] {
        &self.current.superseded_roots
    }

    /// The hash of `clause_id`'s current wording in `language`, if there is one.
    fn version_hash(&self, clause_id: &str, language: &str) -> Option<String> {
        let clause = self.current.clauses.get(clause_id)?;
        if clause.language == language {
            return Some(clause.text_hash.clone());
        }
        clause
            .translations
            .get(language)
            .map(|t| t.text_hash.clone())
    }

    pub(crate) fn decide_correction_proposal(
        &self,
        opened: &Opened,
        actor: &Delegate,
        proposal: &Action,
    ) -> Decision {
        let Action::ProposeCorrection {
            correction_id,
            clause_id,
            language,
            base_text_hash,
            heading,
            text,
            reason,
        } = proposal
        else {
            unreachable!("decide_correction_proposal is called for ProposeCorrection only")
        };
        if self.current.initials.is_empty() && self.current.signatures.is_empty() {
            return Err(NegotiationError::CorrectionBeforeAuthentication);
        }
        check_identifier("correction id", correction_id)?;
        // Unique across revisions, so that an id in the record names one correction only.
        let used = std::iter::once(&self.current)
            .chain(self.concluded_revisions.iter().map(|r| &r.state))
            .any(|revision| revision.corrections.contains_key(correction_id));
        if used {
            return Err(NegotiationError::CorrectionExists(
                correction_id.to_string(),
            ));
        }
        if self.current.corrections.len() >= MAX_CORRECTIONS_PER_REVISION {
            return Err(NegotiationError::TooManyCorrections {
                max_corrections: MAX_CORRECTIONS_PER_REVISION,
            });
        }
        self.live_clause(clause_id)?;
        check_wording(opened, clause_id, heading, language, text)?;
        let current = self.version_hash(clause_id, language).ok_or_else(|| {
            NegotiationError::NoVersionToCorrect {
                clause_id: clause_id.to_string(),
                language: language.to_string(),
            }
        })?;
        crate::aggregate::check_hash("text hash", base_text_hash)?;
        if *base_text_hash != current {
            return Err(NegotiationError::StaleTextHash {
                clause_id: clause_id.to_string(),
                given: base_text_hash.to_string(),
                current,
            });
        }
        let text_hash = clause_text_hash(heading, language, text);
        if text_hash == current {
            return Err(NegotiationError::CorrectionChangesNothing(
                clause_id.to_string(),
            ));
        }
        if let Some((pending, _)) = self.current.corrections.iter().find(|(_, c)| {
            c.superseded.is_none() && c.clause_id == *clause_id && c.language == *language
        }) {
            return Err(NegotiationError::CorrectionPending {
                clause_id: clause_id.to_string(),
                language: language.to_string(),
                correction_id: pending.clone(),
            });
        }
        check_comment("reason", reason)?;
        Ok(vec![NegotiationEvent::CorrectionProposed {
            correction_id: correction_id.to_string(),
            clause_id: clause_id.to_string(),
            language: language.to_string(),
            base_text_hash: base_text_hash.to_string(),
            heading: heading.to_string(),
            text: text.to_string(),
            text_hash,
            reason: reason.to_string(),
            proposed_by: actor.party.clone(),
        }])
    }

    pub(crate) fn decide_correction_agreement(
        &self,
        opened: &Opened,
        actor: &Delegate,
        correction_id: &str,
        text_hash: &str,
    ) -> Decision {
        let correction = named(
            &self.current.corrections,
            correction_id,
            NegotiationError::UnknownCorrection,
        )?;
        if correction.superseded.is_some() {
            return Err(NegotiationError::CorrectionAlreadyMade(
                correction_id.to_string(),
            ));
        }
        crate::aggregate::check_hash("text hash", text_hash)?;
        if text_hash != correction.text_hash {
            return Err(NegotiationError::StaleTextHash {
                clause_id: correction.clause_id.clone(),
                given: text_hash.to_string(),
                current: correction.text_hash.clone(),
            });
        }
        if correction.agreed_by.contains(&actor.party) {
            return Err(already_done(actor, "agreed to this correction"));
        }
        let mut events = vec![NegotiationEvent::CorrectionAgreed {
            correction_id: correction_id.to_string(),
            party: actor.party.clone(),
            text_hash: text_hash.to_string(),
        }];
        let every_party_agreed = opened
            .parties
            .iter()
            .all(|p| p.code == actor.party || correction.agreed_by.contains(&p.code));
        if every_party_agreed {
            // The corrected root is computed by the same fold that will apply the event.
            let previous_text_root_hash = self.text_root_hash();
            let mut corrected = self.clone();
            // Only a state folded from events that do not follow one another (a verifier's) can
            // lack the language version the correction was proposed for.
            corrected
                .correct(correction_id, previous_text_root_hash.clone())
                .map_err(|_| NegotiationError::NoVersionToCorrect {
                    clause_id: correction.clause_id.clone(),
                    language: correction.language.clone(),
                })?;
            events.push(NegotiationEvent::TextCorrected {
                correction_id: correction_id.to_string(),
                previous_text_root_hash,
                text_root_hash: corrected.text_root_hash(),
            });
        }
        Ok(events)
    }

    pub(crate) fn apply_correction_event(
        &mut self,
        event: NegotiationEvent,
    ) -> Result<(), ReplayError> {
        match event {
            NegotiationEvent::CorrectionProposed {
                correction_id,
                clause_id,
                language,
                base_text_hash,
                heading,
                text,
                text_hash,
                reason,
                proposed_by,
            } => {
                let correction = Correction {
                    clause_id,
                    language,
                    base_text_hash,
                    heading,
                    text,
                    text_hash,
                    reason,
                    proposed_by,
                    agreed_by: BTreeSet::new(),
                    superseded: None,
                };
                // A correction's agreements and superseded wording are never replaced.
                let Entry::Vacant(entry) = self.current.corrections.entry(correction_id.clone())
                else {
                    return Err(ReplayError::CorrectionExists { correction_id });
                };
                entry.insert(correction);
            }
            NegotiationEvent::CorrectionAgreed {
                correction_id,
                party,
                ..
            } => {
                self.correction_mut(&correction_id)?.agreed_by.insert(party);
            }
            NegotiationEvent::TextCorrected {
                correction_id,
                previous_text_root_hash,
                ..
            } => self.correct(&correction_id, previous_text_root_hash)?,
            // The fold dispatches only the events above here, whatever the event sequence.
            other => unreachable!("not a correction event: {}", other.name()),
        }
        Ok(())
    }

    fn correction_mut(&mut self, correction_id: &str) -> Result<&mut Correction, ReplayError> {
        named_mut(
            &mut self.current.corrections,
            correction_id,
            |correction_id| ReplayError::UnknownCorrection { correction_id },
        )
    }

    /// Puts the corrected wording in place, keeping the superseded one in the correction record.
    /// Every party agreed to the corrected wording, so the clause's agreements and the
    /// translations that followed the superseded wording carry over to it.
    fn correct(&mut self, correction_id: &str, previous_root: String) -> Result<(), ReplayError> {
        let correction = self.correction_mut(correction_id)?.clone();
        // Made once: a second making would overwrite the superseded wording on record.
        if correction.superseded.is_some() {
            return Err(ReplayError::CorrectionAlreadyMade {
                correction_id: correction_id.to_string(),
            });
        }
        let clause = self.clause_mut(&correction.clause_id)?;
        let superseded = if clause.language == correction.language {
            let old_hash = std::mem::replace(&mut clause.text_hash, correction.text_hash.clone());
            for agreed in clause.agreed_by.values_mut() {
                if *agreed == old_hash {
                    agreed.clone_from(&correction.text_hash);
                }
            }
            for translation in clause.translations.values_mut() {
                if translation.source_text_hash == old_hash {
                    translation
                        .source_text_hash
                        .clone_from(&correction.text_hash);
                }
            }
            SupersededWording {
                heading: std::mem::replace(&mut clause.heading, correction.heading),
                text: std::mem::replace(&mut clause.text, correction.text),
                text_root_hash: previous_root.clone(),
            }
        } else {
            let Some(translation) = clause.translations.get_mut(&correction.language) else {
                return Err(ReplayError::UnknownTranslation {
                    clause_id: correction.clause_id,
                    language: correction.language,
                });
            };
            translation.text_hash = correction.text_hash;
            SupersededWording {
                heading: std::mem::replace(&mut translation.heading, correction.heading),
                text: std::mem::replace(&mut translation.text, correction.text),
                text_root_hash: previous_root.clone(),
            }
        };
        self.correction_mut(correction_id)?.superseded = Some(superseded);
        self.current.superseded_roots.push(previous_root);
        Ok(())
    }
}

#[cfg(all(test, feature = "cqrs"))]
pub(crate) mod tests {

    use super::*;
    use crate::aggregate::tests::*;
    use crate::commands::Action;
    use crate::lifecycle::tests::{adopt, adopted_as, initial, perform, signature, signs};
    use crate::values::{InstrumentKind, SignatureCapacity};

    const CORRECTED_AR: &str = "يتعاون الطرفان على منع الاتجار بالأشخاص ومكافحته وحماية ضحاياه.";

    pub(crate) fn propose_ar_correction() -> Action {
        correction("corr-1", "ar", art1_ar_hash(), CORRECTED_AR)
    }

    /// A correction of article 1's version in `language`, named by `base`, to `text`.
    fn correction(id: &str, language: &str, base: String, text: &str) -> Action {
        Action::ProposeCorrection {
            correction_id: id.into(),
            clause_id: "art-1".into(),
            language: language.into(),
            base_text_hash: base,
            heading: "الموضوع".into(),
            text: text.into(),
            reason: "La version arabe omet la protection des victimes".into(),
        }
    }

    fn corrected_ar_hash() -> String {
        clause_text_hash("الموضوع", "ar", CORRECTED_AR)
    }

    pub(crate) fn agree_correction() -> Action {
        agree_to("corr-1", corrected_ar_hash())
    }

    /// The MoU adopted and signed by Côte d'Ivoire only: authenticated, not yet in effect.
    pub(crate) fn signed_by_civ() -> Vec<NegotiationEvent> {
        let mut events = adopted_as(InstrumentKind::Mou);
        signs(
            &mut events,
            "CIV",
            SignatureCapacity::Definitive,
            "2026-02-01",
        );
        events
    }

    pub(crate) fn correction_proposed() -> Vec<NegotiationEvent> {
        let mut events = signed_by_civ();
        perform(&mut events, MAR_LINGUIST, propose_ar_correction());
        events
    }

    #[test]
    fn a_legal_linguist_proposes_a_correction_of_an_authenticated_text() {
        expect_events(
            signed_by_civ(),
            MAR_LINGUIST,
            propose_ar_correction(),
            vec![NegotiationEvent::CorrectionProposed {
                correction_id: "corr-1".into(),
                clause_id: "art-1".into(),
                language: "ar".into(),
                base_text_hash: art1_ar_hash(),
                heading: "الموضوع".into(),
                text: CORRECTED_AR.into(),
                text_hash: corrected_ar_hash(),
                reason: "La version arabe omet la protection des victimes".into(),
                proposed_by: "MAR".into(),
            }],
        );
    }

    #[test]
    fn correction_proposals_are_refused() {
        let mut with_english = signed_by_civ();
        if let NegotiationEvent::NegotiationOpened { languages, .. } = &mut with_english[0] {
            languages.push("en".into());
        }
        let cases = [
            // Before authentication a text is amended, not corrected.
            (
                adopted_as(InstrumentKind::Mou),
                propose_ar_correction(),
                NegotiationError::CorrectionBeforeAuthentication,
            ),
            // A correction names the wording it corrects.
            (
                signed_by_civ(),
                correction("corr-1", "ar", art1_hash(), CORRECTED_AR),
                NegotiationError::StaleTextHash {
                    clause_id: "art-1".into(),
                    given: art1_hash(),
                    current: art1_ar_hash(),
                },
            ),
            (
                with_english,
                correction("corr-1", "en", art1_ar_hash(), CORRECTED_AR),
                NegotiationError::NoVersionToCorrect {
                    clause_id: "art-1".into(),
                    language: "en".into(),
                },
            ),
            (
                signed_by_civ(),
                correction("corr-1", "ar", art1_ar_hash(), ART1_AR),
                NegotiationError::CorrectionChangesNothing("art-1".into()),
            ),
            // One correction at a time per language version.
            (
                correction_proposed(),
                correction("corr-2", "ar", art1_ar_hash(), CORRECTED_AR),
                NegotiationError::CorrectionPending {
                    clause_id: "art-1".into(),
                    language: "ar".into(),
                    correction_id: "corr-1".into(),
                },
            ),
            (
                correction_proposed(),
                propose_ar_correction(),
                NegotiationError::CorrectionExists("corr-1".into()),
            ),
            // A corrected wording refers only to clauses that exist, as any wording does.
            (
                signed_by_civ(),
                correction("corr-1", "ar", art1_ar_hash(), "انظر [[art-9]]."),
                NegotiationError::UnknownCrossReference {
                    clause_id: "art-1".into(),
                    reference: "art-9".into(),
                },
            ),
        ];
        for (given, proposal, error) in cases {
            expect_refusal(given, CIV_LINGUIST, proposal, error);
        }
    }

    #[test]
    fn the_first_agreement_does_not_make_the_correction() {
        expect_events(
            correction_proposed(),
            MAR_LINGUIST,
            agree_correction(),
            vec![NegotiationEvent::CorrectionAgreed {
                correction_id: "corr-1".into(),
                party: "MAR".into(),
                text_hash: corrected_ar_hash(),
            }],
        );
    }

    fn agree_to(correction_id: &str, text_hash: String) -> Action {
        Action::AgreeCorrection {
            correction_id: correction_id.into(),
            text_hash,
        }
    }

    #[test]
    fn correction_agreements_are_refused() {
        let cases = [
            // A party agrees to the exact corrected wording.
            (
                correction_proposed(),
                CIV_HEAD,
                agree_to("corr-1", art1_ar_hash()),
                NegotiationError::StaleTextHash {
                    clause_id: "art-1".into(),
                    given: art1_ar_hash(),
                    current: corrected_ar_hash(),
                },
            ),
            (
                signed_by_civ(),
                CIV_HEAD,
                agree_correction(),
                NegotiationError::UnknownCorrection("corr-1".into()),
            ),
            // A made correction is not agreed again.
            (
                corrected(),
                MAR_HEAD,
                agree_correction(),
                NegotiationError::CorrectionAlreadyMade("corr-1".into()),
            ),
        ];
        for (given, actor, action, error) in cases {
            expect_refusal(given, actor, action, error);
        }
    }

    /// Both parties agreed: the correction is made.
    fn corrected() -> Vec<NegotiationEvent> {
        let mut events = correction_proposed();
        perform(&mut events, MAR_LINGUIST, agree_correction());
        perform(&mut events, CIV_HEAD, agree_correction());
        events
    }

    #[test]
    fn a_replayed_correction_is_made_once() {
        let mut events = corrected();
        let made = events.last().cloned().unwrap();
        assert!(matches!(made, NegotiationEvent::TextCorrected { .. }));
        events.push(made);
        assert_eq!(
            Negotiation::replay_checked(&events),
            Err((
                events.len() - 1,
                ReplayError::CorrectionAlreadyMade {
                    correction_id: "corr-1".into()
                }
            ))
        );
    }

    /// A verifier's state may hold a correction of a version the clause does not have; the last
    /// agreement to it is refused, not a panic.
    #[test]
    fn a_correction_of_a_version_the_clause_lacks_is_refused_when_agreed() {
        let text_hash = "ab".repeat(32);
        let mut events = signed_by_civ();
        events.push(NegotiationEvent::CorrectionProposed {
            correction_id: "corr-en".into(),
            clause_id: "art-1".into(),
            language: "en".into(),
            base_text_hash: art1_hash(),
            heading: String::new(),
            text: "Corrected.".into(),
            text_hash: text_hash.clone(),
            reason: "Typo".into(),
            proposed_by: "MAR".into(),
        });
        events.push(NegotiationEvent::CorrectionAgreed {
            correction_id: "corr-en".into(),
            party: "MAR".into(),
            text_hash: text_hash.clone(),
        });
        expect_refusal(
            events,
            CIV_HEAD,
            agree_to("corr-en", text_hash),
            NegotiationError::NoVersionToCorrect {
                clause_id: "art-1".into(),
                language: "en".into(),
            },
        );
    }

    #[test]
    fn the_last_agreement_makes_the_correction_and_keeps_both_versions() {
        let before = state_of(&signed_by_civ());
        let state = state_of(&corrected());
        let clause = state.clause("art-1").unwrap();
        assert_eq!(clause.translations["ar"].text, CORRECTED_AR);
        assert_eq!(
            clause.language_status("ar"),
            crate::aggregate::LanguageStatus::Concordant
        );
        let (_, correction) = state.corrections().next().unwrap();
        let superseded = correction.superseded.as_ref().unwrap();
        assert_eq!(superseded.text, ART1_AR, "the superseded wording is kept");
        assert_eq!(superseded.text_root_hash, before.text_root_hash());
        assert_eq!(
            state.signature("CIV").unwrap().text_root_hash,
            before.text_root_hash(),
            "the signature still binds the text it signed"
        );
        assert_ne!(state.text_root_hash(), before.text_root_hash());
        assert_eq!(state.superseded_roots(), [before.text_root_hash()]);
        assert!(
            state.is_adopted(),
            "a correction does not unfreeze the text"
        );
    }

    #[test]
    fn a_correction_id_is_not_reused_in_a_later_revision() {
        let mut events = corrected();
        signs(
            &mut events,
            "MAR",
            SignatureCapacity::Definitive,
            "2026-02-10",
        );
        let revise = Action::OpenRevision {
            opened_on: crate::lifecycle::tests::date("2026-06-01"),
            reason: "Révision".into(),
        };
        perform(&mut events, CIV_HEAD, revise);
        let text_root_hash = state_of(&events).text_root_hash();
        for head in [CIV_HEAD, MAR_HEAD] {
            perform(&mut events, head, adopt(text_root_hash.clone()));
        }
        perform(&mut events, CIV_HEAD, initial(text_root_hash));
        let again = correction("corr-1", "ar", corrected_ar_hash(), CORRECTED_AR);
        expect_refusal(
            events,
            MAR_LINGUIST,
            again,
            NegotiationError::CorrectionExists("corr-1".into()),
        );
    }

    #[test]
    fn after_a_correction_the_other_party_signs_the_corrected_text() {
        let mut events = corrected();
        let stale = signature(
            &signed_by_civ(),
            "MAR",
            SignatureCapacity::Definitive,
            "2026-02-10",
        );
        let refusal = state_of(&events)
            .decide_as_claimed(&command(crate::lifecycle::tests::MAR_SIGNATORY, stale))
            .unwrap_err();
        assert!(
            matches!(refusal, NegotiationError::StaleTextRoot { .. }),
            "{refusal}"
        );
        let recorded = signs(
            &mut events,
            "MAR",
            SignatureCapacity::Definitive,
            "2026-02-10",
        );
        assert!(matches!(
            recorded.last(),
            Some(NegotiationEvent::EntryIntoForceFixed { .. })
        ));
        let state = state_of(&events);
        assert_ne!(
            state.signature("MAR").unwrap().text_root_hash,
            state.signature("CIV").unwrap().text_root_hash
        );
    }
}
