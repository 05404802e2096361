//! Revisions: amending an instrument in force without ever changing the text in force.
//!
//! Revision 0 is the original instrument. Once a revision's text is in force, a head of
//! delegation may open the next revision: the text in force is set aside, whole, with the acts
//! that concluded it, and the next revision starts from a copy of it. The copy is negotiated
//! clause by clause under the same rules (reopen, amend, agree, translate, adopt) and concluded
//! by its own signatures and entry into force; its text root hash names its revision number, so
//! no signature of one revision can be replayed on another. One revision is negotiated at a
//! time. Abandoning a revision restores the text in force as it was.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::aggregate::{check_comment, Clause, Clauses, Decision, Negotiation};
use crate::errors::{NegotiationError, ReplayError};
use crate::events::NegotiationEvent;
use crate::lifecycle::{ConsentRecord, SignatureRecord};
use crate::limits::MAX_REVISIONS_PER_INSTRUMENT;

/// A revision whose text entered into force, set aside when the next revision opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ConcludedRevision {
    /// The root hash of the revision's text: what its signatures bind.
    pub(crate) text_root_hash: String,
    pub(crate) entered_into_force_on: NaiveDate,
    pub(crate) state: RevisionState,
}

/// A revision's text and the acts that concluded it: the part of the state a revision replaces.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct RevisionState {
    /// The revision's number: 0 is the original instrument.
    pub(crate) revision: u32,
    /// When the revision was opened; `None` for the original instrument.
    pub(crate) opened_on: Option<NaiveDate>,
    pub(crate) clauses: Clauses,
    /// Clause ids in document order: each section's (structure.rs) in the order its clauses
    /// were placed, sections in order (before placement existed: the order proposed, which
    /// `in_document_order` groups by section as it always did).
    pub(crate) clause_order: Vec<String>,
    /// Each article's number once the parties froze the numbering, by clause id.
    #[serde(default)]
    pub(crate) frozen_numbers: Option<BTreeMap<String, u32>>,
    /// Structure changes proposed, by proposal id.
    #[serde(default)]
    pub(crate) structure_proposals: BTreeMap<String, crate::structure::StructureProposal>,
    /// Each party's adoption, as the text root hash it adopted.
    pub(crate) adoptions: BTreeMap<String, String>,
    pub(crate) initials: BTreeMap<String, String>,
    pub(crate) signatures: BTreeMap<String, SignatureRecord>,
    pub(crate) consents: BTreeMap<String, ConsentRecord>,
    pub(crate) entry_into_force: Option<NaiveDate>,
    /// Parties applying the revision provisionally, and from when.
    pub(crate) provisionally_applied: BTreeMap<String, NaiveDate>,
    /// Root hashes of the text before each correction, oldest first.
    pub(crate) superseded_roots: Vec<String>,
    pub(crate) corrections: BTreeMap<String, crate::corrections::Correction>,
    /// The notes of an exchange of notes constituting the agreement, in the order sent.
    #[serde(default)]
    pub(crate) notes: Vec<crate::lifecycle::Note>,
    /// Each examination of a signatory's full powers, by signatory, in order.
    #[serde(default)]
    pub(crate) full_powers_examinations:
        BTreeMap<String, Vec<crate::lifecycle::FullPowersExamination>>,
}

/// One revision and when its text was in force: what a legal team asks of an amended instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevisionPeriod {
    pub revision: u32,
    pub text_root_hash: String,
    /// The day the revision's text entered into force; `None` while it is being concluded.
    pub in_force_from: Option<NaiveDate>,
    /// The day the next revision's text, or the termination, replaced it.
    pub in_force_until: Option<NaiveDate>,
}

/// The text in force on a date: which revision, and its root hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TextInForce {
    pub revision: u32,
    pub text_root_hash: String,
}

impl Negotiation {
    /// The revision being negotiated or, when none is, the one in force: 0 is the original.
    pub fn revision(&self) -> u32 {
        self.current.revision
    }

    /// When the instrument as a whole entered into force: its first revision's entry into force.
    pub fn first_entry_into_force(&self) -> Option<NaiveDate> {
        self.concluded_revisions
            .first()
            .map(|r| r.entered_into_force_on)
            .or(self.current.entry_into_force)
    }

    /// Every revision, oldest first, with the period its text was in force.
    pub fn revisions(&self) -> Vec<RevisionPeriod> {
        let mut periods: Vec<RevisionPeriod> = self
            .concluded_revisions
            .iter()
            .map(|r| RevisionPeriod {
                revision: r.state.revision,
                text_root_hash: r.text_root_hash.clone(),
                in_force_from: Some(r.entered_into_force_on),
                in_force_until: None,
            })
            .collect();
        periods.push(RevisionPeriod {
            revision: self.current.revision,
            text_root_hash: self.text_root_hash(),
            in_force_from: self.current.entry_into_force,
            in_force_until: None,
        });
        for index in 1..periods.len() {
            periods[index - 1].in_force_until = periods[index].in_force_from;
        }
        // The last revision in force ends with the instrument.
        if let Some(last) = periods.iter_mut().rev().find(|p| p.in_force_from.is_some()) {
            last.in_force_until = self.termination;
        }
        periods
    }

    /// Which text was in force on `date`: the latest revision in force by then, if the instrument
    /// was in force at all (entered into force and not yet terminated).
    pub fn text_in_force_on(&self, date: NaiveDate) -> Option<TextInForce> {
        if !self.in_force_on(date) {
            return None;
        }
        self.revisions()
            .into_iter()
            .rev()
            .find(|p| p.in_force_from.is_some_and(|from| from <= date))
            .map(|p| TextInForce {
                revision: p.revision,
                text_root_hash: p.text_root_hash,
            })
    }

    /// The clauses of `revision`'s text, in document order, when it is a revision on record.
    pub fn revision_clauses(&self, revision: u32) -> Option<Vec<(&str, &Clause)>> {
        if revision == self.current.revision {
            return Some(self.clauses_in_document_order().collect());
        }
        let concluded = self
            .concluded_revisions
            .iter()
            .find(|r| r.state.revision == revision)?;
        Some(crate::lifecycle::in_document_order(
            &concluded.state.clauses,
            &concluded.state.clause_order,
        ))
    }

    pub(crate) fn decide_revision_opening(&self, opened_on: NaiveDate, reason: &str) -> Decision {
        let Some(in_force_since) = self.current.entry_into_force else {
            return Err(NegotiationError::RevisionOfTextNotInForce {
                revision: self.current.revision,
            });
        };
        if let Some(effective_on) = self.termination {
            return Err(NegotiationError::TerminationAlreadyNotified(effective_on));
        }
        if opened_on < in_force_since {
            return Err(NegotiationError::DateBeforeEntryIntoForce {
                date: opened_on,
                in_force_on: in_force_since,
            });
        }
        check_comment("reason", reason)?;
        if self.revisions_opened as usize >= MAX_REVISIONS_PER_INSTRUMENT {
            return Err(NegotiationError::TooManyRevisions {
                max_revisions: MAX_REVISIONS_PER_INSTRUMENT,
            });
        }
        Ok(vec![NegotiationEvent::RevisionOpened {
            revision: self.revisions_opened + 1,
            base_revision: self.current.revision,
            base_text_root_hash: self.text_root_hash(),
            opened_on,
            reason: reason.to_string(),
        }])
    }

    /// Whether a revision is being negotiated: opened, not yet in force.
    pub fn revising(&self) -> bool {
        self.current.revision > 0 && self.current.entry_into_force.is_none()
    }

    pub(crate) fn apply_revision_opened(
        &mut self,
        revision: u32,
        base_text_root_hash: String,
        opened_on: NaiveDate,
    ) -> Result<(), ReplayError> {
        // The text set aside is the one in force: a revision amends a text in force.
        let Some(entered_into_force_on) = self.current.entry_into_force else {
            return Err(ReplayError::NoTextInForce { revision });
        };
        let next = RevisionState {
            revision,
            opened_on: Some(opened_on),
            clauses: self.current.clauses.clone(),
            clause_order: self.current.clause_order.clone(),
            // A revision keeps the numbers the text in force gave its articles.
            frozen_numbers: self.current.frozen_numbers.clone(),
            ..RevisionState::default()
        };
        let base = std::mem::replace(&mut self.current, next);
        self.concluded_revisions.push(ConcludedRevision {
            text_root_hash: base_text_root_hash,
            entered_into_force_on,
            state: base,
        });
        self.revisions_opened = revision;
        Ok(())
    }

    pub(crate) fn apply_revision_abandoned(&mut self, revision: u32) -> Result<(), ReplayError> {
        // The text the revision was opened on comes back as it was.
        let Some(base) = self.concluded_revisions.pop() else {
            return Err(ReplayError::NoRevisionToAbandon { revision });
        };
        self.current = base.state;
        Ok(())
    }

    /// Clause ids that the current revision changed from the text it amends: what the amending
    /// instrument actually amends.
    pub fn clauses_changed_by_revision(&self) -> BTreeSet<String> {
        let Some(base) = self.concluded_revisions.last() else {
            return BTreeSet::new();
        };
        self.current
            .clauses
            .iter()
            .filter(|(id, clause)| {
                base.state.clauses.get(*id).is_none_or(|before| {
                    before.text_hash != clause.text_hash || before.withdrawn != clause.withdrawn
                })
            })
            .map(|(id, _)| id.clone())
            .collect()
    }
}

#[cfg(all(test, feature = "cqrs"))]
mod tests {

    use super::*;
    use crate::aggregate::tests::*;
    use crate::commands::Action;
    use crate::lifecycle::tests::{adopt, date, in_force, perform, signs};
    use crate::values::SignatureCapacity;

    fn open_revision(on: &str) -> Action {
        Action::OpenRevision {
            opened_on: date(on),
            reason: "Élargir la coopération à la formation des magistrats".into(),
        }
    }

    /// The MoU in force since 1 February 2026, with revision 1 opened on 1 June 2026.
    fn revising() -> Vec<NegotiationEvent> {
        let mut events = in_force();
        perform(&mut events, CIV_HEAD, open_revision("2026-06-01"));
        events
    }

    /// Revision 1 with article 1, agreed in the text in force, reopened.
    fn art1_reopened_in_revision() -> Vec<NegotiationEvent> {
        let mut events = revising();
        let reopen = Action::ReopenClause {
            clause_id: "art-1".into(),
            reason: "Élargir l'objet".into(),
        };
        perform(&mut events, CIV_HEAD, reopen);
        events
    }

    /// Revision 1 with article 1 amended, agreed by both parties and adopted, not yet signed.
    fn revision_adopted() -> Vec<NegotiationEvent> {
        let mut events = art1_reopened_in_revision();
        perform(
            &mut events,
            CIV_NEGOTIATOR,
            amend(art1_hash(), "Coopération élargie à la formation."),
        );
        let hash = state_of(&events).clause("art-1").unwrap().text_hash.clone();
        for head in [CIV_HEAD, MAR_HEAD] {
            perform(&mut events, head, agree(hash.clone()));
        }
        let translation = Action::TranslateClause {
            clause_id: "art-1".into(),
            language: "ar".into(),
            heading: "الموضوع".into(),
            text: "تعاون موسع ليشمل التكوين.".into(),
            source_text_hash: hash,
        };
        perform(&mut events, MAR_LINGUIST, translation);
        let ar_hash = state_of(&events).clause("art-1").unwrap().translations["ar"]
            .text_hash
            .clone();
        perform(
            &mut events,
            MAR_LINGUIST,
            Action::VerifyConcordance {
                clause_id: "art-1".into(),
                language: "ar".into(),
                text_hash: ar_hash,
            },
        );
        let root = state_of(&events).text_root_hash();
        for head in [CIV_HEAD, MAR_HEAD] {
            perform(&mut events, head, adopt(root.clone()));
        }
        events
    }

    /// Revision 1 signed by both parties, in force from the second signature.
    fn revision_in_force() -> Vec<NegotiationEvent> {
        let mut events = revision_adopted();
        signs(
            &mut events,
            "CIV",
            SignatureCapacity::Definitive,
            "2026-09-01",
        );
        signs(
            &mut events,
            "MAR",
            SignatureCapacity::Definitive,
            "2026-09-15",
        );
        events
    }

    #[test]
    fn a_head_of_delegation_opens_a_revision_of_the_text_in_force() {
        let in_force = in_force();
        let root = state_of(&in_force).text_root_hash();
        expect_events(
            in_force,
            CIV_HEAD,
            open_revision("2026-06-01"),
            vec![NegotiationEvent::RevisionOpened {
                revision: 1,
                base_revision: 0,
                base_text_root_hash: root,
                opened_on: date("2026-06-01"),
                reason: "Élargir la coopération à la formation des magistrats".into(),
            }],
        );
    }

    #[test]
    fn revision_opening_refusals() {
        let terminating = followed_by(
            in_force(),
            [NegotiationEvent::TerminationNotified {
                party: "MAR".into(),
                notified_on: date("2026-05-01"),
                effective_on: date("2026-11-01"),
                reason: "Remplacé".into(),
            }],
        );
        let cases = [
            // A text not yet in force is not revised.
            (
                crate::lifecycle::tests::adopted_as(crate::values::InstrumentKind::Mou),
                CIV_HEAD,
                open_revision("2026-06-01"),
                NegotiationError::RevisionOfTextNotInForce { revision: 0 },
            ),
            // One revision is negotiated at a time.
            (
                revising(),
                MAR_HEAD,
                open_revision("2026-07-01"),
                NegotiationError::RevisionOfTextNotInForce { revision: 1 },
            ),
            // A revision opens no earlier than the text it amends entered into force.
            (
                in_force(),
                CIV_HEAD,
                open_revision("2026-01-15"),
                NegotiationError::DateBeforeEntryIntoForce {
                    date: date("2026-01-15"),
                    in_force_on: date("2026-02-01"),
                },
            ),
            // An instrument being terminated is not revised.
            (
                terminating,
                CIV_HEAD,
                open_revision("2026-06-01"),
                NegotiationError::TerminationAlreadyNotified(date("2026-11-01")),
            ),
            // A revision needs a reason.
            (
                in_force(),
                CIV_HEAD,
                Action::OpenRevision {
                    opened_on: date("2026-06-01"),
                    reason: " ".into(),
                },
                NegotiationError::Empty { field: "reason" },
            ),
        ];
        for (given, actor, action, error) in cases {
            expect_refusal(given, actor, action, error);
        }
    }

    #[test]
    fn the_text_in_force_stays_in_force_while_its_revision_is_negotiated() {
        let before = state_of(&in_force());
        let state = state_of(&revising());
        assert!(state.revising());
        assert_eq!(state.revision(), 1);
        assert_eq!(
            state.text_in_force_on(date("2026-07-01")),
            Some(TextInForce {
                revision: 0,
                text_root_hash: before.text_root_hash(),
            })
        );
        assert_eq!(
            state.instrument_status(),
            crate::lifecycle::InstrumentStatus::InForce {
                on: date("2026-02-01")
            }
        );
        assert_ne!(
            state.text_root_hash(),
            before.text_root_hash(),
            "the revision's root names its revision, so the same words are a different text"
        );
    }

    #[test]
    fn a_revision_is_signed_over_its_own_root_and_enters_into_force_on_its_own() {
        let events = revision_in_force();
        let state = state_of(&events);
        let original_root = state.concluded_revisions[0].text_root_hash.clone();
        let revised_root = state.text_root_hash();
        assert_eq!(
            state.signature("CIV").unwrap().text_root_hash,
            revised_root,
            "the revision's signatures bind the revised text"
        );
        assert_eq!(
            state.revisions(),
            vec![
                RevisionPeriod {
                    revision: 0,
                    text_root_hash: original_root.clone(),
                    in_force_from: Some(date("2026-02-01")),
                    in_force_until: Some(date("2026-09-15")),
                },
                RevisionPeriod {
                    revision: 1,
                    text_root_hash: revised_root.clone(),
                    in_force_from: Some(date("2026-09-15")),
                    in_force_until: None,
                },
            ]
        );
        let on = |d: &str| state.text_in_force_on(date(d)).map(|t| t.revision);
        assert_eq!(on("2026-01-31"), None, "nothing was in force before");
        assert_eq!(on("2026-09-14"), Some(0));
        assert_eq!(on("2026-09-15"), Some(1));
        assert_eq!(
            state.clauses_changed_by_revision(),
            BTreeSet::from(["art-1".to_string()])
        );
        let original = state.revision_clauses(0).unwrap();
        assert_eq!(
            original[0].1.text_hash,
            art1_hash(),
            "the original text is kept as it was signed"
        );
    }

    #[test]
    fn a_signature_of_the_original_does_not_sign_the_revision() {
        // The same key, the same words, but the message names revision 0.
        let state = state_of(&revision_adopted());
        let message = crate::signing::SigningMessage {
            negotiation_id: "civ-mar-tip".into(),
            revision: 0,
            text_root_hash: state.text_root_hash(),
            party: "CIV".into(),
            signatory: crate::lifecycle::tests::CIV_SIGNATORY.into(),
            capacity: SignatureCapacity::Definitive,
            ad_referendum: false,
            signed_on: date("2026-09-01"),
        };
        let signature = crate::lifecycle::tests::signature_by(1, &message);
        let refusal = state
            .decide_as_claimed(&command(
                crate::lifecycle::tests::CIV_SIGNATORY,
                Action::SignInstrument {
                    text_root_hash: state.text_root_hash(),
                    capacity: SignatureCapacity::Definitive,
                    signed_on: date("2026-09-01"),
                    signature,
                    signatory_title: None,
                    signatory_title_in: Default::default(),
                    place_in: Default::default(),
                },
            ))
            .unwrap_err();
        assert!(
            matches!(refusal, NegotiationError::InvalidSignature(_)),
            "{refusal}"
        );
    }

    #[test]
    fn a_revision_is_not_signed_before_it_was_opened() {
        let events = revision_adopted();
        let state = state_of(&events);
        let signing = crate::lifecycle::tests::sign(
            &events,
            crate::lifecycle::tests::CIV_SIGNATORY,
            "CIV",
            1,
            SignatureCapacity::Definitive,
            "2026-05-01",
        );
        assert_eq!(
            state
                .decide_as_claimed(&command(crate::lifecycle::tests::CIV_SIGNATORY, signing))
                .unwrap_err(),
            NegotiationError::DateBeforeRevision {
                date: date("2026-05-01"),
                opened_on: date("2026-06-01"),
            }
        );
    }

    #[test]
    fn abandoning_a_revision_restores_the_text_in_force() {
        let in_force_events = in_force();
        let mut events = art1_reopened_in_revision();
        let recorded = perform(
            &mut events,
            CIV_HEAD,
            Action::AbandonNegotiation {
                reason: "Pas de consensus".into(),
            },
        );
        assert_eq!(
            recorded,
            vec![NegotiationEvent::RevisionAbandoned {
                revision: 1,
                reason: "Pas de consensus".into(),
            }]
        );
        let state = state_of(&events);
        let before = state_of(&in_force_events);
        assert!(!state.abandoned, "the instrument itself stays in force");
        assert_eq!(state.revision(), 0);
        assert_eq!(state.text_root_hash(), before.text_root_hash());
        assert_eq!(state.current.signatures, before.current.signatures);
        perform(&mut events, MAR_HEAD, open_revision("2026-07-01"));
        assert_eq!(
            state_of(&events).revision(),
            2,
            "a revision number is never reused"
        );
    }

    #[test]
    fn a_signed_revision_is_not_abandoned() {
        expect_refusal(
            revision_in_force(),
            CIV_HEAD,
            Action::AbandonNegotiation {
                reason: "Trop tard".into(),
            },
            NegotiationError::AlreadyAuthenticated,
        );
    }
}
