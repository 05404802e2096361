//! The `Negotiation` aggregate: the state needed to decide, and the rules that decide.
//!
//! `decide` is the whole rulebook: it reads the state and a command and returns the events to
//! record or the rule that refuses. `apply_checked` only folds events into state: it refuses no
//! event by the rules, because a stored event is a fact, but it does refuse an event that cannot
//! follow the ones before it (naming a clause never proposed, say), which only events from
//! outside the ledger can be.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::characters::check_characters;
use crate::commands::{Action, NegotiationCommand};
use crate::errors::{NegotiationError, ReplayError};
use crate::events::NegotiationEvent;
use crate::lifecycle::{ConsentRecord, SignatureRecord};
use crate::limits::*;
use crate::permissions::is_permitted;
use crate::register::Register;
use crate::text_hash::clause_text_hash;
use crate::values::{
    ClauseKind, Delegate, EntryIntoForceRule, Facilitator, InstrumentKind, Party, Position, Role,
    SigningAuthority,
};

/// What the rules answer a command: the events that record it, or the rule that refuses it.
pub(crate) type Decision = Result<Vec<NegotiationEvent>, NegotiationError>;

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Negotiation {
    pub(crate) opened: Option<Opened>,
    pub(crate) delegates: BTreeMap<String, Delegate>,
    /// The text of the revision being negotiated (or in force, when none is), and its acts.
    pub(crate) current: crate::revisions::RevisionState,
    pub(crate) abandoned: bool,
    pub(crate) rounds: BTreeMap<String, crate::rounds::Round>,
    /// Every suspension of the instrument's operation, in order; the last may still run.
    pub(crate) suspensions: Vec<crate::lifecycle::SuspensionPeriod>,
    /// When a notified termination takes effect.
    pub(crate) termination: Option<chrono::NaiveDate>,
    pub(crate) matrices: BTreeMap<String, crate::matrices::Matrix>,
    /// The highest revision number ever opened: numbers of abandoned revisions are not reused.
    pub(crate) revisions_opened: u32,
    /// Each revision that was in force before the current one, oldest first.
    pub(crate) concluded_revisions: Vec<crate::revisions::ConcludedRevision>,
    /// The stated dates of the acts later acts depend on (occasion.rs).
    #[serde(default)]
    pub(crate) dates: crate::occasion::Dates,
    /// How the Arabic version numbers articles (structure.rs).
    #[serde(default)]
    pub(crate) arabic_numbering: crate::structure::ArabicArticleNumbering,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Opened {
    pub(crate) negotiation_id: String,
    pub(crate) title: String,
    /// The title in other authentic languages, where the opening gave it.
    #[serde(default)]
    pub(crate) titles: BTreeMap<String, String>,
    pub(crate) instrument_kind: InstrumentKind,
    pub(crate) parties: Vec<Party>,
    pub(crate) facilitator: Option<Facilitator>,
    pub(crate) languages: Vec<String>,
    /// Party whose legal-linguists verify each language version, where the parties named one.
    pub(crate) language_responsibility: BTreeMap<String, String>,
    pub(crate) entry_into_force_rule: EntryIntoForceRule,
    pub(crate) termination_notice_months: u32,
    pub(crate) provisional_application: bool,
    /// Parties (and the facilitator) named by the opener that have not accepted yet.
    #[serde(default)]
    pub(crate) awaiting_acceptance: BTreeSet<String>,
    /// What the parties intend, where the opening stated it; otherwise the kind decides.
    #[serde(default)]
    pub(crate) legal_effect: Option<crate::values::LegalEffect>,
}

/// The clauses of a text, by id. Persistent and shared: a copy of a state costs the same however
/// many clauses its text has, and changing one clause copies that clause alone
/// (`Negotiation::clause_mut`).
pub(crate) type Clauses = imbl::OrdMap<String, Arc<Clause>>;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clause {
    pub kind: ClauseKind,
    /// The reference wording: the language last proposed or amended in. Agreements bind its hash;
    /// every other language is checked against it.
    pub heading: String,
    pub language: String,
    pub text: String,
    pub text_hash: String,
    pub proposed_by: String,
    /// The wording in each other authentic language, with the reference it translates.
    pub translations: BTreeMap<String, Translation>,
    /// Each party's agreement to the current wording, as the text hash it agreed. An amendment
    /// clears them all: a changed text needs every party again.
    pub agreed_by: BTreeMap<String, String>,
    /// Parties whose agreement to the current wording awaits confirmation by their capital.
    #[serde(default)]
    pub agreed_ad_referendum: BTreeSet<String>,
    /// Bracketed alternatives to the current wording, by label ("A", "B", …).
    #[serde(default)]
    pub alternatives: BTreeMap<String, Alternative>,
    /// Each party's stated position on the current wording.
    #[serde(default)]
    pub positions: BTreeMap<String, StatedPosition>,
    /// The party whose wording stands: the proposer's, an amender's, or a chosen alternative's
    /// proposer's. `None` after an amendment recorded before amendments named their party.
    #[serde(default)]
    pub worded_by: Option<String>,
    /// The alternative a party proposed to lift the brackets with, and who agreed it so far.
    #[serde(default)]
    pub proposed_choice: Option<ProposedChoice>,
    pub discussed: bool,
    pub withdrawn: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alternative {
    pub heading: String,
    pub language: String,
    pub text: String,
    pub text_hash: String,
    pub proposed_by: String,
}

/// A proposal to lift a clause's brackets with one alternative: it takes effect once every party
/// has agreed the alternative's wording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProposedChoice {
    pub label: String,
    pub text_hash: String,
    pub proposed_by: String,
    /// The parties that agreed the alternative's wording, each with whether ad referendum.
    pub agreed_by: BTreeMap<String, bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatedPosition {
    pub position: Position,
    pub rationale: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Translation {
    pub heading: String,
    pub text: String,
    pub text_hash: String,
    /// The reference wording this translates; once the reference changes, the translation is stale.
    pub source_text_hash: String,
    /// The party whose legal-linguist verified concordance with the source, if one has.
    pub concordance_verified_by: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum LanguageStatus {
    Reference,
    Missing,
    Stale,
    AwaitingConcordance,
    Concordant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ClauseStatus {
    Proposed,
    UnderDiscussion,
    /// Alternatives stand against the current wording.
    Bracketed,
    /// Every party agreed the current wording, some subject to confirmation.
    AgreedAdReferendum,
    Agreed,
    Withdrawn,
}

impl Clause {
    /// Where the clause stands in `language`: the reference, missing, stale (it translates an
    /// older reference), awaiting a legal-linguist's concordance check, or concordant.
    pub fn language_status(&self, language: &str) -> LanguageStatus {
        if language == self.language {
            return LanguageStatus::Reference;
        }
        match self.translations.get(language) {
            None => LanguageStatus::Missing,
            Some(t) if t.source_text_hash != self.text_hash => LanguageStatus::Stale,
            Some(Translation {
                concordance_verified_by: None,
                ..
            }) => LanguageStatus::AwaitingConcordance,
            Some(_) => LanguageStatus::Concordant,
        }
    }

    pub fn agreed_by_party(&self, party: &str) -> bool {
        self.agreed_by.get(party) == Some(&self.text_hash)
    }
}

impl Negotiation {
    /// The state after `events`, folded in order: how views and tools read the rules' verdicts
    /// (clause status, text root, what is in force) without restating them. For the ledger's own
    /// events, which always follow one another; panics on an event that cannot follow. Events
    /// from outside are replayed with [`Negotiation::replay_checked`].
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a NegotiationEvent>) -> Negotiation {
        Self::replay_checked(events).unwrap_or_else(|(index, refusal)| {
            panic!(
                "invariant: the ledger's events follow one another, but event {index}: {refusal}"
            )
        })
    }

    /// The state after `events`, folded in order by [`Negotiation::apply_checked`], or the index
    /// (from 0) of the first event that cannot follow the ones before it, and why. Never panics,
    /// whatever the events: for verifiers replaying events they do not trust.
    pub fn replay_checked<'a>(
        events: impl IntoIterator<Item = &'a NegotiationEvent>,
    ) -> Result<Negotiation, (usize, ReplayError)> {
        let mut state = Negotiation::default();
        for (index, event) in events.into_iter().enumerate() {
            state
                .apply_checked(event.clone())
                .map_err(|refusal| (index, refusal))?;
        }
        Ok(state)
    }

    pub fn is_open(&self) -> bool {
        self.opened.is_some()
    }

    pub fn title(&self) -> Option<&str> {
        self.opened.as_ref().map(|o| o.title.as_str())
    }

    /// The title in other authentic languages, by BCP 47 tag, where the opening gave it.
    pub fn titles(&self) -> Option<&BTreeMap<String, String>> {
        self.opened.as_ref().map(|o| &o.titles)
    }

    pub fn instrument_kind(&self) -> Option<InstrumentKind> {
        self.opened.as_ref().map(|o| o.instrument_kind)
    }

    pub fn parties(&self) -> &[Party] {
        self.opened.as_ref().map_or(&[], |o| &o.parties)
    }

    pub fn languages(&self) -> &[String] {
        self.opened.as_ref().map_or(&[], |o| &o.languages)
    }

    pub fn delegate(&self, person: &str) -> Option<&Delegate> {
        self.delegates.get(person)
    }

    /// Everyone accredited, in person order: whom `delegate` answers for.
    pub fn delegates(&self) -> impl Iterator<Item = &Delegate> {
        self.delegates.values()
    }

    /// The parties (and the facilitator) that have not yet accepted the negotiation they were
    /// named in, in code order. Their people may read it, and their head may accept it; no one
    /// may act for them until then.
    pub fn awaiting_acceptance(&self) -> impl Iterator<Item = &str> {
        self.opened
            .iter()
            .flat_map(|o| o.awaiting_acceptance.iter().map(String::as_str))
    }

    /// Whether `party` was named in the opening and has not accepted yet.
    pub fn is_awaiting_acceptance(&self, party: &str) -> bool {
        self.opened
            .as_ref()
            .is_some_and(|o| o.awaiting_acceptance.contains(party))
    }

    pub fn clause(&self, clause_id: &str) -> Option<&Clause> {
        self.current.clauses.get(clause_id).map(Arc::as_ref)
    }

    pub fn clause_status(&self, clause: &Clause) -> ClauseStatus {
        let parties = self.parties();
        if clause.withdrawn {
            ClauseStatus::Withdrawn
        } else if !parties.is_empty() && parties.iter().all(|p| clause.agreed_by_party(&p.code)) {
            if clause.agreed_ad_referendum.is_empty() {
                ClauseStatus::Agreed
            } else {
                ClauseStatus::AgreedAdReferendum
            }
        } else if !clause.alternatives.is_empty() {
            ClauseStatus::Bracketed
        } else if clause.discussed {
            ClauseStatus::UnderDiscussion
        } else {
            ClauseStatus::Proposed
        }
    }

    /// The capacity in which `command` is performed: the accredited delegate, or for an opening
    /// the head of delegation or secretariat the command names. The application records it in
    /// each event's metadata.
    pub fn acting_as(&self, command: &NegotiationCommand) -> Option<Delegate> {
        if let Action::OpenNegotiation {
            parties,
            facilitator,
            ..
        } = &command.action
        {
            return founding_delegates(parties, facilitator.as_ref())
                .find(|d| d.person == command.actor);
        }
        self.delegate(&command.actor).cloned()
    }

    /// The rules of negotiation. Returns the events that record `command`, or why it is refused.
    /// `register` holds the operator's register entries of the persons the command names
    /// ([`NegotiationCommand::named_persons`]): who may be named for which party, and their names.
    pub fn decide(
        &self,
        command: &NegotiationCommand,
        register: &Register,
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
        let events = self.decide_by_the_rules(command, register)?;
        // A clause text refers only to clauses that exist (structure.rs), whatever act writes it.
        if let Some((clause_id, text)) = command.action.clause_wording() {
            self.check_cross_references(clause_id, text)?;
        }
        // When the act took place, checked against what it records (occasion.rs).
        self.check_dates(command, register.recorded_at(), &events)?;
        Ok(events)
    }

    fn decide_by_the_rules(
        &self,
        command: &NegotiationCommand,
        register: &Register,
    ) -> Result<Vec<NegotiationEvent>, NegotiationError> {
        // Wordings are hashed, and recorded, in NFC: decided on as the command would be in NFC.
        let normalised = command.in_nfc();
        let command = normalised.as_ref().unwrap_or(command);
        let Some(opened) = &self.opened else {
            return match &command.action {
                Action::OpenNegotiation { .. } => self.decide_open(command, register),
                _ => Err(NegotiationError::NotOpened),
            };
        };
        if let Action::OpenNegotiation { .. } = command.action {
            return Err(NegotiationError::AlreadyOpen(opened.negotiation_id.clone()));
        }
        if self.abandoned {
            return Err(NegotiationError::Abandoned);
        }
        let actor = self
            .delegate(&command.actor)
            .ok_or_else(|| NegotiationError::UnknownActor(command.actor.clone()))?;
        // A party named by another takes part only once it accepts: until then its head (the only
        // one of it accredited) may accept, and do nothing else.
        if opened.awaiting_acceptance.contains(&actor.party)
            && !matches!(command.action, Action::AcceptNegotiation)
        {
            return Err(NegotiationError::AwaitingAcceptance {
                party: actor.party.clone(),
            });
        }
        let kind = command.action.kind();
        if !is_permitted(actor.role, kind) {
            return Err(NegotiationError::NotPermitted {
                person: actor.person.clone(),
                role: actor.role,
                action: kind,
            });
        }
        if kind.changes_text() && self.is_adopted() {
            return Err(NegotiationError::TextFrozen);
        }
        match &command.action {
            Action::OpenNegotiation { .. } => unreachable!("handled above"),
            Action::AcceptNegotiation => {
                if !opened.awaiting_acceptance.contains(&actor.party) {
                    return Err(NegotiationError::NotAwaitingAcceptance {
                        party: actor.party.clone(),
                    });
                }
                Ok(vec![NegotiationEvent::NegotiationAccepted {
                    party: actor.party.clone(),
                }])
            }
            Action::AccreditDelegate {
                person,
                name,
                party,
                role,
                signing,
            } => self.decide_accredit(
                opened,
                actor,
                register,
                person,
                name,
                party,
                *role,
                signing.as_ref(),
            ),
            Action::AdoptText { text_root_hash } => {
                self.decide_adoption(opened, actor, text_root_hash)
            }
            Action::InitialText { text_root_hash } => {
                self.decide_initialling(actor, text_root_hash)
            }
            Action::SignInstrument {
                text_root_hash,
                capacity,
                signed_on,
                signature,
                signatory_title,
                signatory_title_in,
                place_in,
            } => self.decide_signature(
                opened,
                actor,
                text_root_hash,
                *capacity,
                *signed_on,
                signature,
                &crate::lifecycle::SignatureWords {
                    title: signatory_title.as_deref(),
                    title_in: signatory_title_in,
                    place_in,
                },
            ),
            Action::ExamineFullPowers {
                signatory,
                accepted,
                reason,
            } => {
                self.decide_full_powers_examination(actor, signatory, *accepted, reason.as_deref())
            }
            Action::ConfirmSignature { confirmed_on } => {
                self.decide_confirmation(opened, actor, *confirmed_on)
            }
            Action::ExpressConsent {
                mode,
                on,
                instrument_reference,
                scan_sha256,
                transmitted_by,
            } => self.decide_consent(
                opened,
                actor,
                *mode,
                *on,
                crate::lifecycle::InstrumentOfConsent {
                    reference: instrument_reference.as_deref(),
                    scan_sha256: scan_sha256.as_deref(),
                    transmitted_by: *transmitted_by,
                },
            ),
            Action::RecordReceipt {
                from_party,
                received_on,
            } => self.decide_receipt(opened, actor, from_party, *received_on),
            Action::SendNote {
                number,
                sent_on,
                text,
                in_reply_to,
            } => self.decide_note(
                opened,
                actor,
                number,
                *sent_on,
                text,
                in_reply_to.as_deref(),
            ),
            Action::AbandonNegotiation { reason } => self.decide_abandonment(reason),
            Action::ProposeClause {
                clause_id,
                kind,
                heading,
                language,
                text,
                after,
                before,
            } => {
                check_identifier("clause id", clause_id)?;
                match self.current.clauses.get(clause_id) {
                    Some(existing) if existing.withdrawn => {
                        return Err(NegotiationError::ClauseWithdrawn(clause_id.clone()))
                    }
                    Some(_) => return Err(NegotiationError::ClauseExists(clause_id.clone())),
                    None => {}
                }
                if self.current.clauses.len() >= MAX_CLAUSES_PER_NEGOTIATION {
                    return Err(NegotiationError::TooManyClauses {
                        max_clauses: MAX_CLAUSES_PER_NEGOTIATION,
                    });
                }
                check_wording(opened, clause_id, heading, language, text)?;
                let placement =
                    self.check_placement(clause_id, *kind, after.as_deref(), before.as_deref())?;
                let mut events = vec![NegotiationEvent::ClauseProposed {
                    clause_id: clause_id.clone(),
                    kind: *kind,
                    heading: heading.clone(),
                    language: language.clone(),
                    text: text.clone(),
                    text_hash: clause_text_hash(heading, language, text),
                    proposed_by: actor.party.clone(),
                }];
                if placement.is_some() {
                    events.push(NegotiationEvent::ClausePlaced {
                        clause_id: clause_id.clone(),
                        after: after.clone(),
                        before: before.clone(),
                    });
                }
                Ok(events)
            }
            Action::AmendClause {
                clause_id,
                base_text_hash,
                heading,
                language,
                text,
            } => self.decide_amendment(
                opened,
                actor,
                clause_id,
                base_text_hash,
                heading.as_deref(),
                language,
                text,
            ),
            Action::Comment {
                clause_id,
                text,
                internal,
            } => {
                if let Some(clause_id) = clause_id {
                    self.known_clause(clause_id)?;
                }
                check_comment("comment", text)?;
                Ok(vec![NegotiationEvent::Commented {
                    clause_id: clause_id.clone(),
                    text: text.clone(),
                    internal: *internal,
                }])
            }
            Action::AgreeClause {
                clause_id,
                text_hash,
                ad_referendum,
            } => {
                let clause = self.live_clause(clause_id)?;
                if let Some(events) =
                    self.decide_choice_agreement(actor, clause_id, text_hash, *ad_referendum)?
                {
                    return Ok(events);
                }
                check_current(clause_id, clause, text_hash)?;
                if !clause.alternatives.is_empty() {
                    return Err(NegotiationError::ClauseBracketed(clause_id.clone()));
                }
                if clause.agreed_by_party(&actor.party) {
                    return Err(NegotiationError::AlreadyAgreed {
                        clause_id: clause_id.clone(),
                        party: actor.party.clone(),
                    });
                }
                Ok(vec![NegotiationEvent::ClauseAgreed {
                    clause_id: clause_id.clone(),
                    party: actor.party.clone(),
                    text_hash: text_hash.clone(),
                    ad_referendum: *ad_referendum,
                }])
            }
            Action::ProposeAlternative {
                clause_id,
                label,
                heading,
                language,
                text,
            } => self.decide_alternative(
                opened,
                actor,
                clause_id,
                label,
                heading.as_deref(),
                language,
                text,
            ),
            Action::StatePosition {
                clause_id,
                position,
                rationale,
            } => self.decide_position(actor, clause_id, position, rationale),
            Action::ChooseAlternative {
                clause_id,
                label,
                base_text_hash,
            } => self.decide_choice(actor, clause_id, label, base_text_hash),
            Action::WithdrawAlternative {
                clause_id,
                label,
                reason,
            } => self.decide_alternative_withdrawal(actor, clause_id, label, reason),
            Action::ConfirmClauseAgreement { clause_id } => {
                self.decide_agreement_confirmation(actor, clause_id)
            }
            Action::ReopenClause { clause_id, reason } => self.decide_reopening(clause_id, reason),
            Action::OpenRound {
                round_id,
                kind,
                place,
                starts_on,
                ends_on,
            } => self.decide_round_opening(round_id, *kind, place, *starts_on, *ends_on),
            Action::CloseRound { round_id } => self.decide_round_closing(round_id),
            Action::RecordMinutes {
                round_id,
                minutes_hash,
                reference,
            } => self.decide_minutes(round_id, minutes_hash, reference),
            Action::AdoptMinutes {
                round_id,
                minutes_hash,
            } => self.decide_minutes_adoption(actor, round_id, minutes_hash),
            Action::CreateMatrix { matrix_id, title } => self.decide_matrix(matrix_id, title),
            Action::ProposeRow {
                matrix_id,
                row_id,
                content,
                base_row_hash,
            } => self.decide_row(opened, matrix_id, row_id, content, base_row_hash.as_deref()),
            Action::AgreeRow {
                matrix_id,
                row_id,
                row_hash,
            } => self.decide_row_agreement(actor, matrix_id, row_id, row_hash),
            Action::ValidateMatrix {
                matrix_id,
                round_id,
            } => self.decide_validation(matrix_id, round_id),
            Action::ReportProgress {
                matrix_id,
                row_id,
                progress,
                reported_on,
                note,
            } => self.decide_progress(actor, matrix_id, row_id, *progress, *reported_on, note),
            Action::ApplyProvisionally { from } => {
                self.decide_provisional_application(opened, actor, *from)
            }
            Action::OpenRevision { opened_on, reason } => {
                self.decide_revision_opening(*opened_on, reason)
            }
            Action::ProposeCorrection { .. } => {
                self.decide_correction_proposal(opened, actor, &command.action)
            }
            Action::AgreeCorrection {
                correction_id,
                text_hash,
            } => self.decide_correction_agreement(opened, actor, correction_id, text_hash),
            Action::SuspendOperation { from, reason } => {
                self.decide_suspension(actor, *from, reason)
            }
            Action::ResumeOperation { from } => self.decide_resumption(actor, *from),
            Action::NotifyTermination {
                notified_on,
                reason,
            } => self.decide_termination(opened, actor, *notified_on, reason),
            Action::TranslateClause {
                clause_id,
                language,
                heading,
                text,
                source_text_hash,
            } => self.decide_translation(
                opened,
                actor,
                clause_id,
                language,
                heading,
                text,
                source_text_hash,
            ),
            Action::ProposeStructureChange {
                proposal_id,
                change,
            } => self.decide_structure_change(actor, proposal_id, change),
            Action::AgreeStructureChange { proposal_id } => {
                self.decide_structure_agreement(actor, proposal_id)
            }
            Action::VerifyConcordance {
                clause_id,
                language,
                text_hash,
            } => self.decide_concordance(opened, actor, clause_id, language, text_hash),
            Action::WithdrawClause { clause_id, reason } => {
                let clause = self.open_clause(clause_id)?;
                if clause.proposed_by != actor.party {
                    return Err(NegotiationError::NotProposer {
                        clause_id: clause_id.clone(),
                        proposer: clause.proposed_by.clone(),
                    });
                }
                check_comment("reason", reason)?;
                Ok(vec![NegotiationEvent::ClauseWithdrawn {
                    clause_id: clause_id.clone(),
                    reason: reason.clone(),
                }])
            }
        }
    }

    fn decide_open(&self, command: &NegotiationCommand, register: &Register) -> Decision {
        let Action::OpenNegotiation {
            negotiation_id,
            title,
            titles,
            instrument_kind,
            parties,
            facilitator,
            languages,
            language_responsibility,
            entry_into_force_rule,
            termination_notice_months,
            provisional_application,
            legal_effect,
            arabic_article_numbering,
        } = &command.action
        else {
            unreachable!("decide_open is called for OpenNegotiation only")
        };
        check_identifier("negotiation id", negotiation_id)?;
        check_title(title)?;
        if parties.len() < 2 {
            return Err(NegotiationError::TooFewParties {
                count: parties.len(),
            });
        }
        if parties.len() > MAX_PARTIES_PER_NEGOTIATION {
            return Err(NegotiationError::TooManyParties {
                count: parties.len(),
                max_parties: MAX_PARTIES_PER_NEGOTIATION,
            });
        }
        for (index, party) in parties.iter().enumerate() {
            party.kind.check_code(&party.code)?;
            if parties[..index].iter().any(|p| p.code == party.code) {
                return Err(NegotiationError::DuplicateParty(party.code.clone()));
            }
            check_name("party name", &party.name)?;
        }
        if let Some(facilitator) = facilitator {
            let well_formed = crate::register::is_organisation_code(&facilitator.code);
            if !well_formed || parties.iter().any(|p| p.code == facilitator.code) {
                return Err(NegotiationError::InvalidFacilitatorCode(
                    facilitator.code.clone(),
                ));
            }
            check_name("facilitator name", &facilitator.name)?;
        }
        let founders: Vec<Delegate> = founding_delegates(parties, facilitator.as_ref()).collect();
        for (index, founder) in founders.iter().enumerate() {
            check_identifier("person id", &founder.person)?;
            if founders[..index].iter().any(|f| f.person == founder.person) {
                return Err(NegotiationError::DuplicatePerson(founder.person.clone()));
            }
        }
        if languages.is_empty() {
            return Err(NegotiationError::Empty {
                field: "authentic languages",
            });
        }
        if languages.len() > MAX_LANGUAGES_PER_NEGOTIATION {
            return Err(NegotiationError::TooManyLanguages {
                count: languages.len(),
                max_languages: MAX_LANGUAGES_PER_NEGOTIATION,
            });
        }
        for (index, language) in languages.iter().enumerate() {
            if oxilangtag::LanguageTag::parse(language.as_str()).is_err() {
                return Err(NegotiationError::InvalidLanguageTag(language.clone()));
            }
            if languages[..index]
                .iter()
                .any(|l| l.eq_ignore_ascii_case(language))
            {
                return Err(NegotiationError::DuplicateLanguage(language.clone()));
            }
        }
        for (language, party) in language_responsibility {
            if !languages.contains(language) {
                return Err(NegotiationError::NotAuthenticLanguage {
                    language: language.clone(),
                    authentic: languages.join(", "),
                });
            }
            if !parties.iter().any(|p| &p.code == party) {
                return Err(NegotiationError::UnknownParty(party.clone()));
            }
        }
        // Titles and party names per language name the language versions of the instrument:
        // only authentic languages have one, and each is held to the limits of the main one.
        let authentic = |language: &String| {
            if languages.contains(language) {
                Ok(())
            } else {
                Err(NegotiationError::NotAuthenticLanguage {
                    language: language.clone(),
                    authentic: languages.join(", "),
                })
            }
        };
        for (language, title) in titles {
            authentic(language)?;
            check_title(title)?;
        }
        for party in parties {
            for (language, name) in &party.names {
                authentic(language)?;
                check_name("party name", name)?;
            }
        }
        if let Some(rule) = entry_into_force_rule {
            rule.check()?;
        }
        // An MoU whose opening states nothing is what the name means in practice: a political
        // commitment, signed and taking effect. Recorded as such, so the event says it; openings
        // recorded before legal effects existed keep the rules of their kind.
        let legal_effect = legal_effect.clone().or_else(|| {
            (*instrument_kind == InstrumentKind::Mou).then(crate::values::LegalEffect::non_binding)
        });
        if let Some(legal_effect) = &legal_effect {
            crate::lifecycle::check_legal_effect(legal_effect, parties, *provisional_application)?;
        }
        crate::lifecycle::check_receipt_rule(
            entry_into_force_rule.unwrap_or(instrument_kind.default_entry_into_force_rule()),
            legal_effect.as_ref(),
            *instrument_kind,
            parties,
        )?;
        if let Some(months) = termination_notice_months {
            if *months > MAX_ENTRY_INTO_FORCE_DELAY_MONTHS {
                return Err(NegotiationError::InvalidNoticePeriod(*months));
            }
        }
        let Some(opener) = founders.iter().find(|f| f.person == command.actor) else {
            return Err(NegotiationError::OpenerNotNamed {
                person: command.actor.clone(),
            });
        };
        // Each founder is named under the register's name, for the party the register binds
        // them to: the opener speaks for no one else.
        let mut parties = parties.clone();
        for party in &mut parties {
            let head = &mut party.head_of_delegation;
            head.name = registered_name(register, &head.person, &party.code, &head.name)?;
        }
        let mut facilitator = facilitator.clone();
        if let Some(facilitator) = &mut facilitator {
            let secretariat = &mut facilitator.secretariat;
            secretariat.name = registered_name(
                register,
                &secretariat.person,
                &facilitator.code,
                &secretariat.name,
            )?;
        }
        let awaiting_acceptance = founders
            .iter()
            .filter(|f| f.party != opener.party)
            .map(|f| f.party.clone())
            .collect();
        Ok(vec![NegotiationEvent::NegotiationOpened {
            negotiation_id: negotiation_id.clone(),
            title: title.clone(),
            titles: titles.clone(),
            instrument_kind: *instrument_kind,
            parties,
            facilitator,
            languages: languages.clone(),
            language_responsibility: language_responsibility.clone(),
            entry_into_force_rule: Some(
                entry_into_force_rule.unwrap_or(instrument_kind.default_entry_into_force_rule()),
            ),
            termination_notice_months: Some(
                termination_notice_months.unwrap_or(DEFAULT_TERMINATION_NOTICE_MONTHS),
            ),
            provisional_application: *provisional_application,
            awaiting_acceptance,
            legal_effect,
            arabic_article_numbering: arabic_article_numbering.unwrap_or_default(),
        }])
    }

    #[allow(clippy::too_many_arguments)]
    fn decide_accredit(
        &self,
        opened: &Opened,
        actor: &Delegate,
        register: &Register,
        person: &str,
        name: &str,
        party: &str,
        role: Role,
        signing: Option<&SigningAuthority>,
    ) -> Decision {
        check_identifier("person id", person)?;
        let is_party = opened.parties.iter().any(|p| p.code == party);
        let is_facilitator = opened.facilitator.as_ref().is_some_and(|f| f.code == party);
        if !is_party && !is_facilitator {
            return Err(NegotiationError::UnknownParty(party.to_string()));
        }
        if actor.party != party {
            return Err(NegotiationError::WrongParty {
                person: actor.person.clone(),
                own_party: actor.party.clone(),
                other_party: party.to_string(),
            });
        }
        if is_facilitator && !role.open_to_facilitator() {
            return Err(NegotiationError::RoleNotOpenToFacilitator(role));
        }
        if self.delegates.contains_key(person) {
            return Err(NegotiationError::AlreadyAccredited(person.to_string()));
        }
        if self.delegates.len() >= MAX_DELEGATES_PER_NEGOTIATION {
            return Err(NegotiationError::TooManyDelegates {
                max_delegates: MAX_DELEGATES_PER_NEGOTIATION,
            });
        }
        check_signing_authority(role, signing)?;
        let name = registered_name(register, person, party, name)?;
        Ok(vec![NegotiationEvent::DelegateAccredited {
            delegate: Delegate {
                person: person.to_string(),
                name,
                party: party.to_string(),
                role,
                signing: signing.cloned(),
            },
        }])
    }

    /// A clause on record, withdrawn or not.
    fn known_clause(&self, clause_id: &str) -> Result<&Clause, NegotiationError> {
        self.clause(clause_id)
            .ok_or_else(|| NegotiationError::UnknownClause(clause_id.to_string()))
    }

    /// A clause that exists and was not withdrawn.
    pub(crate) fn live_clause(&self, clause_id: &str) -> Result<&Clause, NegotiationError> {
        let clause = self.known_clause(clause_id)?;
        if clause.withdrawn {
            return Err(NegotiationError::ClauseWithdrawn(clause_id.to_string()));
        }
        Ok(clause)
    }

    /// A clause that can still change: it exists, is not withdrawn, and is not agreed by all.
    pub(crate) fn open_clause(&self, clause_id: &str) -> Result<&Clause, NegotiationError> {
        let clause = self.known_clause(clause_id)?;
        match self.clause_status(clause) {
            ClauseStatus::Withdrawn => {
                Err(NegotiationError::ClauseWithdrawn(clause_id.to_string()))
            }
            ClauseStatus::Agreed => {
                Err(NegotiationError::ClauseAlreadyAgreed(clause_id.to_string()))
            }
            ClauseStatus::AgreedAdReferendum => {
                Err(NegotiationError::ClauseAlreadyAgreed(clause_id.to_string()))
            }
            ClauseStatus::Proposed | ClauseStatus::UnderDiscussion | ClauseStatus::Bracketed => {
                Ok(clause)
            }
        }
    }
}

/// The name the register records for `person`, who is named for `party` under `given` (empty
/// when the command gives none): refused unless the register binds them to that party, and
/// unless a name given is the register's.
fn registered_name(
    register: &Register,
    person: &str,
    party: &str,
    given: &str,
) -> Result<String, NegotiationError> {
    let Some(registered) = register.person(person) else {
        return Err(NegotiationError::NotRegistered {
            person: person.to_string(),
        });
    };
    if !registered.parties.contains(party) {
        return Err(NegotiationError::NotBoundToParty {
            person: person.to_string(),
            party: party.to_string(),
        });
    }
    if !given.is_empty() {
        check_name("person name", given)?;
        if given != registered.name {
            return Err(NegotiationError::NameDiffersFromRegister {
                person: person.to_string(),
                given: given.to_string(),
                registered: registered.name.clone(),
            });
        }
    }
    check_name("person name", &registered.name)?;
    Ok(registered.name.clone())
}

/// The people a negotiation starts with: each party's head of delegation and the facilitator's
/// secretariat.
fn founding_delegates<'a>(
    parties: &'a [Party],
    facilitator: Option<&'a Facilitator>,
) -> impl Iterator<Item = Delegate> + 'a {
    let heads = parties.iter().map(|p| Delegate {
        person: p.head_of_delegation.person.clone(),
        name: p.head_of_delegation.name.clone(),
        party: p.code.clone(),
        role: Role::HeadOfDelegation,
        signing: None,
    });
    let secretariat = facilitator.map(|f| Delegate {
        person: f.secretariat.person.clone(),
        name: f.secretariat.name.clone(),
        party: f.code.clone(),
        role: Role::Secretariat,
        signing: None,
    });
    heads.chain(secretariat)
}

/// A signatory is accredited with a valid Ed25519 key and with full powers or ex officio; no one
/// else carries a signing key.
fn check_signing_authority(
    role: Role,
    signing: Option<&SigningAuthority>,
) -> Result<(), NegotiationError> {
    match (role, signing) {
        (Role::Signatory, None) => Err(NegotiationError::SignatoryWithoutKey),
        (Role::Signatory, Some(authority)) => {
            crate::signing::parse_public_key(&authority.public_key)
                .map_err(NegotiationError::InvalidSignature)?;
            match (&authority.full_powers, authority.ex_officio) {
                (None, false) => Err(NegotiationError::NoFullPowers),
                (Some(powers), _) => {
                    check_name("full powers reference", &powers.reference)?;
                    let is_sha256 = powers.document_hash.len() == 64
                        && powers
                            .document_hash
                            .bytes()
                            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                    if is_sha256 {
                        Ok(())
                    } else {
                        Err(NegotiationError::InvalidDocumentHash(
                            powers.document_hash.clone(),
                        ))
                    }
                }
                (None, true) => Ok(()),
            }
        }
        (_, Some(_)) => Err(NegotiationError::SigningKeyForNonSignatory(role)),
        (_, None) => Ok(()),
    }
}

/// The refusal of an act the actor's party has already performed.
pub(crate) fn already_done(actor: &Delegate, act: &'static str) -> NegotiationError {
    NegotiationError::AlreadyDone {
        party: actor.party.clone(),
        act,
    }
}

/// The record named `id` among `records`, or the refusal `unknown` makes of that id: how the
/// rules look up the clause, round, matrix or correction a command names.
pub(crate) fn named<'a, T, E>(
    records: &'a BTreeMap<String, T>,
    id: &str,
    unknown: impl FnOnce(String) -> E,
) -> Result<&'a T, E> {
    records.get(id).ok_or_else(|| unknown(id.to_string()))
}

/// [`named`], for the fold, which changes the record an event names.
pub(crate) fn named_mut<'a, T, E>(
    records: &'a mut BTreeMap<String, T>,
    id: &str,
    unknown: impl FnOnce(String) -> E,
) -> Result<&'a mut T, E> {
    records.get_mut(id).ok_or_else(|| unknown(id.to_string()))
}

/// A hash as commands name it: 64 lower-case hex digits (a SHA-256).
pub(crate) fn check_hash(field: &'static str, value: &str) -> Result<(), NegotiationError> {
    let is_sha256 = value.len() == 64
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if is_sha256 {
        Ok(())
    } else {
        Err(NegotiationError::NotASha256 {
            field,
            value: value.chars().take(80).collect(),
        })
    }
}

pub(crate) fn check_identifier(field: &'static str, value: &str) -> Result<(), NegotiationError> {
    let bytes = value.as_bytes();
    let well_formed = !bytes.is_empty()
        && bytes.len() <= MAX_IDENTIFIER_BYTES
        && bytes[0].is_ascii_alphanumeric()
        && bytes.iter().all(|&b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        });
    if well_formed {
        Ok(())
    } else {
        Err(NegotiationError::InvalidIdentifier {
            field,
            value: value.to_string(),
            max_bytes: MAX_IDENTIFIER_BYTES,
        })
    }
}

/// An instrument's title, in any of its languages: not blank, at most [`MAX_TITLE_BYTES`].
fn check_title(title: &str) -> Result<(), NegotiationError> {
    check_non_empty("title", title)?;
    if title.len() > MAX_TITLE_BYTES {
        return Err(NegotiationError::TitleTooLong {
            bytes: title.len(),
            max_title_bytes: MAX_TITLE_BYTES,
        });
    }
    Ok(())
}

pub(crate) fn check_non_empty(field: &'static str, value: &str) -> Result<(), NegotiationError> {
    if value.trim().is_empty() {
        return Err(NegotiationError::Empty { field });
    }
    check_printable(field, value)
}

/// Treaty text is read, printed and hashed: control characters (other than line breaks and
/// tabs) have no place in it, and NUL cannot even be stored as JSON text in PostgreSQL; nor have
/// bidirectional controls, invisible format characters, noncharacters or unassigned code points
/// (`characters.rs`).
pub(crate) fn check_printable(field: &'static str, value: &str) -> Result<(), NegotiationError> {
    check_characters(field, field, value)
}

pub(crate) fn check_name(field: &'static str, value: &str) -> Result<(), NegotiationError> {
    check_non_empty(field, value)?;
    if value.len() > MAX_NAME_BYTES {
        return Err(NegotiationError::NameTooLong {
            field,
            bytes: value.len(),
            max_name_bytes: MAX_NAME_BYTES,
        });
    }
    Ok(())
}

pub(crate) fn check_comment(field: &'static str, value: &str) -> Result<(), NegotiationError> {
    check_non_empty(field, value)?;
    if value.len() > MAX_COMMENT_BYTES {
        return Err(NegotiationError::CommentTooLong {
            field,
            bytes: value.len(),
            max_comment_bytes: MAX_COMMENT_BYTES,
        });
    }
    Ok(())
}

pub(crate) fn check_wording(
    opened: &Opened,
    clause_id: &str,
    heading: &str,
    language: &str,
    text: &str,
) -> Result<(), NegotiationError> {
    if !opened.languages.iter().any(|l| l == language) {
        return Err(NegotiationError::NotAuthenticLanguage {
            language: language.to_string(),
            authentic: opened.languages.join(", "),
        });
    }
    check_characters(
        "heading",
        &format!("the heading of clause '{clause_id}'"),
        heading,
    )?;
    check_characters(
        "clause text",
        &format!("the text of clause '{clause_id}'"),
        text,
    )?;
    if heading.len() > MAX_HEADING_BYTES {
        return Err(NegotiationError::HeadingTooLong {
            clause_id: clause_id.to_string(),
            bytes: heading.len(),
            max_heading_bytes: MAX_HEADING_BYTES,
        });
    }
    check_non_empty("clause text", text)?;
    if text.len() > MAX_CLAUSE_TEXT_BYTES {
        return Err(NegotiationError::ClauseTextTooLong {
            clause_id: clause_id.to_string(),
            bytes: text.len(),
            max_clause_text_bytes: MAX_CLAUSE_TEXT_BYTES,
        });
    }
    Ok(())
}

pub(crate) fn check_current(
    clause_id: &str,
    clause: &Clause,
    given: &str,
) -> Result<(), NegotiationError> {
    check_hash("text hash", given)?;
    if given == clause.text_hash {
        Ok(())
    } else {
        Err(NegotiationError::StaleTextHash {
            clause_id: clause_id.to_string(),
            given: given.to_string(),
            current: clause.text_hash.clone(),
        })
    }
}

/// The cqrs-es aggregate: `handle` is `decide`, `apply` the checked fold. Behind the `cqrs`
/// feature, so that a verifier can fold events without cqrs-es and the tokio runtime it brings.
#[cfg(feature = "cqrs")]
impl cqrs_es::Aggregate for Negotiation {
    const TYPE: &'static str = "Negotiation";
    type Command = NegotiationCommand;
    type Event = NegotiationEvent;
    type Error = NegotiationError;
    /// The operator's register entries of the persons the command names.
    type Services = Register;

    async fn handle(
        &mut self,
        command: Self::Command,
        register: &Self::Services,
        sink: &cqrs_es::event_sink::EventSink<Self>,
    ) -> Result<(), Self::Error> {
        let events = self.decide(&command, register)?;
        for event in events {
            sink.write(event, self).await;
        }
        Ok(())
    }

    /// Events reach here from `decide`, or from the store, whose hash chain guarantees they are
    /// the ones `decide` accepted: an event that cannot follow is a broken invariant.
    fn apply(&mut self, event: Self::Event) {
        if let Err(refusal) = self.apply_checked(event) {
            panic!(
                "invariant: the domain only applies events it decided or verified, but {refusal}"
            );
        }
    }
}

impl Negotiation {
    /// Folds `event` into the state: the one fold, for the domain's own events and for events
    /// from outside alike. Refuses, rather than panicking, an event that cannot follow the events
    /// before it (one naming a clause, round, matrix, row, correction, signature or revision the
    /// state does not have, one before the opening, or a second opening): a verifier replaying
    /// an untrusted bundle learns which event and why.
    ///
    /// It checks only what the fold needs to find in the state, not the rules of `decide` (who
    /// may act, which hashes are current): an event it accepts is one the state can take, not
    /// necessarily one the rules would have recorded.
    ///
    /// On `Err` the state is as it was: each arm finds what it needs before it changes anything
    /// (the property tests check it), so a verifier can still read the state after the last
    /// event that could follow. Callers stop at the first refusal all the same: a later event
    /// may depend on the refused one.
    pub fn apply_checked(&mut self, event: NegotiationEvent) -> Result<(), ReplayError> {
        // Every event follows the one opening.
        match (&self.opened, &event) {
            (None, NegotiationEvent::NegotiationOpened { .. }) => {}
            (None, other) => {
                return Err(ReplayError::NotOpened {
                    event: other.name(),
                })
            }
            (Some(opened), NegotiationEvent::NegotiationOpened { .. }) => {
                return Err(ReplayError::AlreadyOpened {
                    negotiation_id: opened.negotiation_id.clone(),
                })
            }
            (Some(_), _) => {}
        }
        match event {
            NegotiationEvent::NegotiationOpened {
                negotiation_id,
                title,
                titles,
                instrument_kind,
                parties,
                facilitator,
                languages,
                language_responsibility,
                entry_into_force_rule,
                termination_notice_months,
                provisional_application,
                awaiting_acceptance,
                legal_effect,
                arabic_article_numbering,
            } => {
                self.arabic_numbering = arabic_article_numbering;
                for founder in founding_delegates(&parties, facilitator.as_ref()) {
                    self.delegates.insert(founder.person.clone(), founder);
                }
                self.opened = Some(Opened {
                    negotiation_id,
                    title,
                    titles,
                    instrument_kind,
                    parties,
                    facilitator,
                    languages,
                    language_responsibility,
                    entry_into_force_rule: entry_into_force_rule
                        .unwrap_or(instrument_kind.default_entry_into_force_rule()),
                    termination_notice_months: termination_notice_months
                        .unwrap_or(DEFAULT_TERMINATION_NOTICE_MONTHS),
                    provisional_application,
                    awaiting_acceptance: awaiting_acceptance.into_iter().collect(),
                    legal_effect,
                });
            }
            NegotiationEvent::NegotiationAccepted { party } => {
                let awaiting = &mut self
                    .opened
                    .as_mut()
                    .expect("invariant: checked above that the negotiation is open")
                    .awaiting_acceptance;
                if !awaiting.remove(&party) {
                    return Err(ReplayError::NotAwaitingAcceptance { party });
                }
            }
            NegotiationEvent::DelegateAccredited { delegate } => {
                self.delegates.insert(delegate.person.clone(), delegate);
            }
            NegotiationEvent::ClauseProposed {
                clause_id,
                kind,
                heading,
                language,
                text,
                text_hash,
                proposed_by,
            } => {
                // Each id once: `clause_order` lists each clause once, and a clause's record is
                // never replaced.
                if self.current.clauses.contains_key(&clause_id) {
                    return Err(ReplayError::ClauseExists { clause_id });
                }
                let clause = Arc::new(Clause {
                    kind,
                    heading,
                    language,
                    text,
                    text_hash,
                    proposed_by: proposed_by.clone(),
                    translations: BTreeMap::new(),
                    agreed_by: BTreeMap::new(),
                    agreed_ad_referendum: BTreeSet::new(),
                    alternatives: BTreeMap::new(),
                    positions: BTreeMap::new(),
                    worded_by: Some(proposed_by.clone()),
                    proposed_choice: None,
                    discussed: false,
                    withdrawn: false,
                });
                self.current.clauses.insert(clause_id.clone(), clause);
                // At the end of its section; a `ClausePlaced` that follows may move it.
                let index = crate::structure::insertion_index(
                    &self.current.clause_order,
                    &self.current.clauses,
                    kind,
                    None,
                )
                .expect("invariant: a clause without placement goes at its section's end");
                self.current.clause_order.insert(index, clause_id);
            }
            NegotiationEvent::ClausePlaced {
                clause_id,
                after,
                before,
            } => self.apply_placement(clause_id, after, before)?,
            NegotiationEvent::StructureChangeProposed {
                proposal_id,
                change,
                proposed_by,
            } => self.apply_structure_proposed(proposal_id, change, proposed_by),
            NegotiationEvent::StructureChangeAgreed { proposal_id, party } => {
                self.apply_structure_agreed(proposal_id, party)?
            }
            NegotiationEvent::NumberingFrozen { numbers } => {
                self.current.frozen_numbers = Some(numbers);
            }
            NegotiationEvent::ClauseAmended {
                clause_id,
                heading,
                language,
                text,
                text_hash,
                amended_by,
                ..
            } => {
                let clause = self.clause_mut(&clause_id)?;
                if clause.language != language {
                    // The amended language becomes the reference; the former reference wording
                    // stays on record as a translation of itself, now stale.
                    let former = Translation {
                        heading: std::mem::take(&mut clause.heading),
                        text: std::mem::take(&mut clause.text),
                        text_hash: clause.text_hash.clone(),
                        source_text_hash: clause.text_hash.clone(),
                        concordance_verified_by: None,
                    };
                    clause.translations.insert(clause.language.clone(), former);
                    clause.translations.remove(&language);
                }
                clause.heading = heading;
                clause.language = language;
                clause.text = text;
                clause.text_hash = text_hash;
                clause.worded_by = amended_by;
                clause.discussed = true;
                // A changed text needs every party's agreement and every concordance again, even
                // if a later amendment restores a wording agreed before; positions, and a
                // proposed choice, were about the wording it replaces. Alternatives stay
                // bracketed against the new wording.
                clause.agreed_by.clear();
                clause.agreed_ad_referendum.clear();
                clause.proposed_choice = None;
                clause.positions.clear();
                for translation in clause.translations.values_mut() {
                    translation.concordance_verified_by = None;
                }
            }
            // An internal comment leaves the shared state alone: the clause's status, which
            // every party reads, must not show that another delegation discussed it in private.
            NegotiationEvent::Commented {
                clause_id: Some(clause_id),
                internal: false,
                ..
            } => {
                self.clause_mut(&clause_id)?.discussed = true;
            }
            NegotiationEvent::Commented { .. } => {}
            NegotiationEvent::ClauseAgreed {
                clause_id,
                party,
                text_hash,
                ad_referendum,
            } => {
                let clause = self.clause_mut(&clause_id)?;
                // An agreement to the wording of the alternative proposed as the choice counts
                // towards lifting the brackets, not towards the standing wording.
                if let Some(choice) = clause
                    .proposed_choice
                    .as_mut()
                    .filter(|c| c.text_hash == text_hash && text_hash != clause.text_hash)
                {
                    choice.agreed_by.insert(party, ad_referendum);
                    clause.discussed = true;
                    return Ok(());
                }
                if ad_referendum {
                    clause.agreed_ad_referendum.insert(party.clone());
                }
                clause.agreed_by.insert(party, text_hash);
                clause.discussed = true;
            }
            NegotiationEvent::AlternativeProposed {
                clause_id,
                label,
                heading,
                language,
                text,
                text_hash,
                proposed_by,
            } => {
                let alternative = Alternative {
                    heading,
                    language,
                    text,
                    text_hash,
                    proposed_by,
                };
                let clause = self.clause_mut(&clause_id)?;
                clause.alternatives.insert(label, alternative);
                clause.discussed = true;
            }
            NegotiationEvent::PositionStated {
                clause_id,
                party,
                position,
                rationale,
            } => {
                let clause = self.clause_mut(&clause_id)?;
                clause.positions.insert(
                    party,
                    StatedPosition {
                        position,
                        rationale,
                    },
                );
                clause.discussed = true;
            }
            NegotiationEvent::AlternativeChosen {
                clause_id, label, ..
            } => {
                let clause = self.clause_mut(&clause_id)?;
                let Some(chosen) = clause.alternatives.remove(&label) else {
                    return Err(ReplayError::UnknownAlternative { clause_id, label });
                };
                // Recorded once every party agreed a proposed choice: their agreements carry
                // over to the wording it makes. A choice recorded before choices were proposed
                // took effect at once, and carries none.
                let agreed = clause
                    .proposed_choice
                    .take()
                    .filter(|c| c.label == label)
                    .map(|c| c.agreed_by)
                    .unwrap_or_default();
                clause.alternatives.clear();
                let base_text_hash = clause.text_hash.clone();
                self.apply_checked(NegotiationEvent::ClauseAmended {
                    clause_id: clause_id.clone(),
                    base_text_hash,
                    heading: chosen.heading,
                    language: chosen.language,
                    text: chosen.text,
                    text_hash: chosen.text_hash,
                    amended_by: Some(chosen.proposed_by),
                })?;
                let clause = self.clause_mut(&clause_id)?;
                for (party, ad_referendum) in agreed {
                    if ad_referendum {
                        clause.agreed_ad_referendum.insert(party.clone());
                    }
                    clause.agreed_by.insert(party, clause.text_hash.clone());
                }
            }
            NegotiationEvent::AlternativeChoiceProposed {
                clause_id,
                label,
                text_hash,
                proposed_by,
                ..
            } => {
                let clause = self.clause_mut(&clause_id)?;
                if !clause.alternatives.contains_key(&label) {
                    return Err(ReplayError::UnknownAlternative { clause_id, label });
                }
                clause.proposed_choice = Some(ProposedChoice {
                    label,
                    text_hash,
                    proposed_by,
                    agreed_by: BTreeMap::new(),
                });
                clause.discussed = true;
            }
            NegotiationEvent::AlternativeWithdrawn {
                clause_id, label, ..
            } => {
                let clause = self.clause_mut(&clause_id)?;
                if clause.alternatives.remove(&label).is_none() {
                    return Err(ReplayError::UnknownAlternative { clause_id, label });
                }
                if clause
                    .proposed_choice
                    .as_ref()
                    .is_some_and(|c| c.label == label)
                {
                    clause.proposed_choice = None;
                }
                let preferred = Position::Alternative { label };
                clause.positions.retain(|_, p| p.position != preferred);
                clause.discussed = true;
            }
            NegotiationEvent::ClauseAgreementConfirmed { clause_id, party } => {
                self.clause_mut(&clause_id)?
                    .agreed_ad_referendum
                    .remove(&party);
            }
            NegotiationEvent::ClauseReopened { clause_id, .. } => {
                let clause = self.clause_mut(&clause_id)?;
                clause.agreed_by.clear();
                clause.agreed_ad_referendum.clear();
                // The text is under negotiation again: every adoption of it lapses.
                self.current.adoptions.clear();
            }
            NegotiationEvent::ClauseWithdrawn { clause_id, .. } => {
                self.clause_mut(&clause_id)?.withdrawn = true;
            }
            NegotiationEvent::TextAdopted {
                party,
                text_root_hash,
            } => {
                self.current.adoptions.insert(party, text_root_hash);
            }
            NegotiationEvent::TextInitialled {
                party,
                text_root_hash,
            } => {
                self.current.initials.insert(party, text_root_hash);
            }
            NegotiationEvent::InstrumentSigned {
                party,
                signatory,
                capacity,
                text_root_hash,
                signed_on,
                signatory_title,
                ..
            } => {
                let record = SignatureRecord {
                    signatory,
                    capacity,
                    text_root_hash,
                    signed_on,
                    confirmed_on: None,
                    signatory_title,
                };
                self.current.signatures.insert(party, record);
            }
            NegotiationEvent::SignatureConfirmed {
                party,
                confirmed_on,
            } => {
                let Some(signature) = self.current.signatures.get_mut(&party) else {
                    return Err(ReplayError::UnknownSignature { party });
                };
                signature.confirmed_on = Some(confirmed_on);
            }
            NegotiationEvent::ConsentExpressed {
                party,
                mode,
                on,
                instrument_reference,
                scan_sha256,
                transmitted_by,
            } => {
                let record = ConsentRecord {
                    mode,
                    on,
                    instrument_reference,
                    scan_sha256,
                    transmitted_by,
                    received: BTreeMap::new(),
                };
                self.current.consents.insert(party, record);
            }
            NegotiationEvent::FullPowersExamined {
                signatory,
                reference,
                examined_by,
                accepted,
                reason,
                ..
            } => {
                let examination = crate::lifecycle::FullPowersExamination {
                    reference,
                    examined_by,
                    accepted,
                    reason,
                };
                self.current
                    .full_powers_examinations
                    .entry(signatory)
                    .or_default()
                    .push(examination);
            }
            NegotiationEvent::NoteSent {
                party,
                number,
                sent_on,
                text,
                text_hash,
                in_reply_to,
            } => self.current.notes.push(crate::lifecycle::Note {
                party,
                number,
                sent_on,
                text,
                text_hash,
                in_reply_to,
            }),
            NegotiationEvent::ConsentReceived {
                party,
                received_by,
                received_on,
            } => {
                let Some(consent) = self.current.consents.get_mut(&party) else {
                    return Err(ReplayError::UnknownConsent { party });
                };
                consent.received.insert(received_by, received_on);
            }
            NegotiationEvent::EntryIntoForceFixed { date, .. } => {
                self.current.entry_into_force = Some(date);
            }
            NegotiationEvent::NegotiationAbandoned { .. } => {
                self.abandoned = true;
            }
            event @ (NegotiationEvent::MatrixCreated { .. }
            | NegotiationEvent::RowProposed { .. }
            | NegotiationEvent::RowAgreed { .. }
            | NegotiationEvent::MatrixValidated { .. }
            | NegotiationEvent::ProgressReported { .. }) => self.apply_matrix_event(event)?,
            NegotiationEvent::ProvisionalApplicationStarted { party, from } => {
                self.current.provisionally_applied.insert(party, from);
            }
            NegotiationEvent::OperationSuspended { party, from, .. } => {
                self.suspensions.push(crate::lifecycle::SuspensionPeriod {
                    party,
                    from,
                    until: None,
                });
            }
            NegotiationEvent::OperationResumed { from, .. } => {
                let running = self.suspensions.last_mut().filter(|s| s.until.is_none());
                let Some(running) = running else {
                    return Err(ReplayError::NoRunningSuspension);
                };
                running.until = Some(from);
            }
            NegotiationEvent::TerminationNotified { effective_on, .. } => {
                self.termination = Some(effective_on);
            }
            NegotiationEvent::RevisionOpened {
                revision,
                base_text_root_hash,
                opened_on,
                ..
            } => self.apply_revision_opened(revision, base_text_root_hash, opened_on)?,
            NegotiationEvent::RevisionAbandoned { revision, .. } => {
                self.apply_revision_abandoned(revision)?
            }
            event @ (NegotiationEvent::CorrectionProposed { .. }
            | NegotiationEvent::CorrectionAgreed { .. }
            | NegotiationEvent::TextCorrected { .. }) => self.apply_correction_event(event)?,
            event @ (NegotiationEvent::RoundOpened { .. }
            | NegotiationEvent::RoundClosed { .. }
            | NegotiationEvent::MinutesRecorded { .. }
            | NegotiationEvent::MinutesAdopted { .. }) => self.apply_round_event(event)?,
            NegotiationEvent::ClauseTranslated {
                clause_id,
                language,
                heading,
                text,
                text_hash,
                source_text_hash,
            } => {
                let translation = Translation {
                    heading,
                    text,
                    text_hash,
                    source_text_hash,
                    concordance_verified_by: None,
                };
                self.clause_mut(&clause_id)?
                    .translations
                    .insert(language, translation);
            }
            NegotiationEvent::ConcordanceVerified {
                clause_id,
                language,
                party,
                ..
            } => {
                let clause = self.clause_mut(&clause_id)?;
                let Some(translation) = clause.translations.get_mut(&language) else {
                    return Err(ReplayError::UnknownTranslation {
                        clause_id,
                        language,
                    });
                };
                translation.concordance_verified_by = Some(party);
            }
        }
        Ok(())
    }

    /// The clause an event is about, for the fold: events about a clause follow its proposal.
    pub(crate) fn clause_mut(&mut self, clause_id: &str) -> Result<&mut Clause, ReplayError> {
        self.current
            .clauses
            .get_mut(clause_id)
            .map(Arc::make_mut)
            .ok_or_else(|| ReplayError::UnknownClause {
                clause_id: clause_id.to_string(),
            })
    }
}

// The rules' tests are given/when/then with cqrs-es's `TestFramework`, and so are the tests
// that reuse their histories.
#[cfg(all(test, feature = "cqrs"))]
#[path = "aggregate_tests.rs"]
pub(crate) mod tests;
