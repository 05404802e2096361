//! From agreed text to an instrument in force, following the Vienna Convention on the Law of
//! Treaties: adoption (art. 9), authentication by initialling or signature (art. 10), signature
//! (art. 12), consent to be bound (art. 14, 16) and entry into force (art. 24).
//!
//! Every act names the text root hash it concerns, so no party adopts, initials or signs a text
//! other than the one it read. The text is frozen once every party has adopted it. The kind of
//! instrument decides which signatures are possible and whether consent needs a further act.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::aggregate::{
    already_done, Clause, ClauseStatus, Decision, LanguageStatus, Negotiation, Opened,
};
use crate::errors::NegotiationError;
use crate::events::NegotiationEvent;
use crate::limits::{MAX_ENTRY_INTO_FORCE_DELAY_DAYS, MAX_ENTRY_INTO_FORCE_DELAY_MONTHS};
use crate::signing::{
    text_root_hash, verify_signature, RootClause, RootText, RootWording, SigningMessage,
};
use crate::values::{
    ClauseKind, ConsentMode, Delegate, EntryIntoForceRule, InstrumentKind, SignatureCapacity,
};

/// The revision a text belongs to: 0 is the original instrument; revisions come later.
pub const ORIGINAL_REVISION: u32 = 0;

/// A period during which the instrument's operation was suspended, by whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SuspensionPeriod {
    pub party: String,
    pub from: NaiveDate,
    /// The date operation resumed; `None` while the suspension runs.
    pub until: Option<NaiveDate>,
}

/// A party's signature as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignatureRecord {
    pub signatory: String,
    pub capacity: SignatureCapacity,
    pub text_root_hash: String,
    pub signed_on: NaiveDate,
    pub confirmed_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentRecord {
    pub mode: ConsentMode,
    pub on: NaiveDate,
}

/// Where the instrument as a whole stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum InstrumentStatus {
    Negotiating,
    /// Every party adopted the same text; it can no longer change.
    TextAdopted,
    /// Initialled or signed by at least one party.
    Authenticated,
    /// Every party has consented; the instrument is in force (or, for an MoU, in effect) from `on`.
    InForce {
        on: NaiveDate,
    },
    Abandoned,
}

impl InstrumentKind {
    pub fn allows(self, capacity: SignatureCapacity) -> bool {
        use SignatureCapacity::*;
        match self {
            InstrumentKind::Treaty => matches!(capacity, Simple | AdReferendum),
            InstrumentKind::Agreement => matches!(capacity, Definitive | AdReferendum),
            InstrumentKind::Mou => true,
            InstrumentKind::ExchangeOfNotes => capacity == Definitive,
        }
    }

    /// Whether consent to be bound needs an act after signature (ratification and the like).
    pub fn needs_consent_after_signature(self) -> bool {
        self == InstrumentKind::Treaty
    }

    pub fn default_entry_into_force_rule(self) -> EntryIntoForceRule {
        match self {
            InstrumentKind::Treaty => {
                EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months: 2 }
            }
            InstrumentKind::Agreement | InstrumentKind::Mou | InstrumentKind::ExchangeOfNotes => {
                EntryIntoForceRule::OnLastConsent
            }
        }
    }
}

impl EntryIntoForceRule {
    /// A rule counts forward from the last consent, by at most ten years.
    pub fn check(self) -> Result<(), NegotiationError> {
        let valid = match self {
            EntryIntoForceRule::OnLastConsent => true,
            EntryIntoForceRule::DaysAfterLastConsent { days } => {
                days <= MAX_ENTRY_INTO_FORCE_DELAY_DAYS
            }
            EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months } => {
                (1..=MAX_ENTRY_INTO_FORCE_DELAY_MONTHS).contains(&months)
            }
        };
        if valid {
            Ok(())
        } else {
            Err(NegotiationError::InvalidEntryIntoForceRule(self))
        }
    }

    /// The date of entry into force for a last consent on `last_consent`. Never earlier.
    pub fn date_after(self, last_consent: NaiveDate) -> NaiveDate {
        let date = match self {
            EntryIntoForceRule::OnLastConsent => Some(last_consent),
            EntryIntoForceRule::DaysAfterLastConsent { days } => {
                last_consent.checked_add_days(Days::new(days.into()))
            }
            EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months } => last_consent
                .with_day(1)
                .and_then(|first| first.checked_add_months(Months::new(months))),
        };
        let date = date.unwrap_or(NaiveDate::MAX);
        assert!(
            date >= last_consent,
            "invariant: entry into force never precedes the last consent"
        );
        date
    }
}

/// Recitals, then articles, then annexes, each in the order proposed.
pub(crate) fn in_document_order<'a>(
    clauses: &'a BTreeMap<String, Clause>,
    clause_order: &'a [String],
) -> Vec<(&'a str, &'a Clause)> {
    [ClauseKind::Recital, ClauseKind::Article, ClauseKind::Annex]
        .into_iter()
        .flat_map(|kind| {
            clause_order
                .iter()
                .map(|id| (id.as_str(), &clauses[id]))
                .filter(move |(_, clause)| clause.kind == kind)
        })
        .collect()
}

impl Negotiation {
    /// The text root hash of the current text: every live clause in document order, with the
    /// hash of each current language version.
    pub fn text_root_hash(&self) -> String {
        let negotiation_id = self
            .opened
            .as_ref()
            .map_or("", |o| o.negotiation_id.as_str());
        let clauses: Vec<RootClause> = self.root_texts().iter().map(RootClause::of_text).collect();
        text_root_hash(negotiation_id, self.current.revision, &clauses)
    }

    /// The text the root hashes, clause by clause in document order: every live clause, with its
    /// reference wording and each translation of the current reference wording (a stale one is
    /// left out). The root is computed from this alone, so whoever shows it shows what a
    /// signature of the root binds.
    pub fn root_texts(&self) -> Vec<RootText<'_>> {
        self.clauses_in_document_order()
            .filter(|(_, clause)| !clause.withdrawn)
            .map(|(clause_id, clause)| {
                let mut versions = BTreeMap::new();
                versions.insert(
                    clause.language.as_str(),
                    RootWording {
                        heading: &clause.heading,
                        text: &clause.text,
                        text_hash: &clause.text_hash,
                    },
                );
                for (language, translation) in &clause.translations {
                    if translation.source_text_hash == clause.text_hash {
                        let wording = RootWording {
                            heading: &translation.heading,
                            text: &translation.text,
                            text_hash: &translation.text_hash,
                        };
                        versions.insert(language.as_str(), wording);
                    }
                }
                RootText {
                    clause_id,
                    kind: clause.kind,
                    versions,
                }
            })
            .collect()
    }

    /// Recitals, then articles, then annexes, each in the order proposed.
    pub fn clauses_in_document_order(
        &self,
    ) -> impl Iterator<Item = (&str, &crate::aggregate::Clause)> {
        in_document_order(&self.current.clauses, &self.current.clause_order).into_iter()
    }

    /// Every party adopted the current text, or the text it became by corrections agreed by all
    /// parties after authentication (art. 79).
    pub fn is_adopted(&self) -> bool {
        // The root hashes the whole text and this runs before every text change: hash it once,
        // and only when every party has adopted some text (never, while negotiating).
        let parties = self.parties();
        if parties.is_empty()
            || parties
                .iter()
                .any(|p| !self.current.adoptions.contains_key(&p.code))
        {
            return false;
        }
        let root = self.text_root_hash();
        parties.iter().all(|p| self.adopted_as(&p.code, &root))
    }

    /// Whether `party` adopted the current text, or the text it became by corrections.
    pub fn has_adopted_current_text(&self, party: &str) -> bool {
        self.current.adoptions.contains_key(party) && self.adopted_as(party, &self.text_root_hash())
    }

    /// Whether `party` adopted the text whose root is now `root`.
    fn adopted_as(&self, party: &str, root: &str) -> bool {
        self.current.adoptions.get(party).is_some_and(|adopted| {
            adopted == root || self.current.superseded_roots.contains(adopted)
        })
    }

    /// Where the instrument as a whole stands: in force from its first entry into force, even
    /// while a revision of it is negotiated (see [`Negotiation::revision_status`]).
    pub fn instrument_status(&self) -> InstrumentStatus {
        match self.first_entry_into_force() {
            Some(on) if !self.abandoned => InstrumentStatus::InForce { on },
            _ => self.revision_status(),
        }
    }

    /// Where the current revision's text stands; for the original, the instrument's status.
    pub fn revision_status(&self) -> InstrumentStatus {
        if self.abandoned {
            InstrumentStatus::Abandoned
        } else if let Some(on) = self.current.entry_into_force {
            InstrumentStatus::InForce { on }
        } else if !self.current.initials.is_empty() || !self.current.signatures.is_empty() {
            InstrumentStatus::Authenticated
        } else if self.is_adopted() {
            InstrumentStatus::TextAdopted
        } else {
            InstrumentStatus::Negotiating
        }
    }

    /// The text root hash `party` adopted, if it adopted one.
    pub fn adopted_by(&self, party: &str) -> Option<&str> {
        self.current.adoptions.get(party).map(String::as_str)
    }

    pub fn signature(&self, party: &str) -> Option<&SignatureRecord> {
        self.current.signatures.get(party)
    }

    pub fn consent(&self, party: &str) -> Option<&ConsentRecord> {
        self.current.consents.get(party)
    }

    pub fn entry_into_force_rule(&self) -> Option<EntryIntoForceRule> {
        self.opened.as_ref().map(|o| o.entry_into_force_rule)
    }

    /// Whether the instrument is in force on `date`: entered into force, and not yet terminated.
    /// (A suspended instrument stays in force; its operation is what is suspended.)
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.first_entry_into_force()
            .is_some_and(|since| since <= date)
            && self.termination.is_none_or(|end| date < end)
    }

    /// The first clause that keeps the text from being adopted, and why.
    fn adoption_blocker(&self, opened: &Opened) -> Option<NegotiationError> {
        let mut live = self
            .clauses_in_document_order()
            .filter(|(_, c)| !c.withdrawn)
            .peekable();
        if live.peek().is_none() {
            return Some(NegotiationError::NothingToAdopt);
        }
        for (clause_id, clause) in live {
            if self.clause_status(clause) == ClauseStatus::AgreedAdReferendum {
                let pending: Vec<&str> = clause
                    .agreed_ad_referendum
                    .iter()
                    .map(String::as_str)
                    .collect();
                return Some(NegotiationError::NotReadyForAdoption {
                    clause_id: clause_id.to_string(),
                    reason: format!(
                        "its agreement ad referendum awaits confirmation by {}",
                        pending.join(", ")
                    ),
                });
            }
            if self.clause_status(clause) == ClauseStatus::Bracketed {
                let labels: Vec<&str> = clause.alternatives.keys().map(String::as_str).collect();
                return Some(NegotiationError::NotReadyForAdoption {
                    clause_id: clause_id.to_string(),
                    reason: format!("it is bracketed with alternative(s) {}", labels.join(", ")),
                });
            }
            if self.clause_status(clause) != ClauseStatus::Agreed {
                let missing: Vec<&str> = opened
                    .parties
                    .iter()
                    .filter(|p| !clause.agreed_by_party(&p.code))
                    .map(|p| p.code.as_str())
                    .collect();
                return Some(NegotiationError::NotReadyForAdoption {
                    clause_id: clause_id.to_string(),
                    reason: format!(
                        "its current wording is not agreed by {}",
                        missing.join(", ")
                    ),
                });
            }
            for language in &opened.languages {
                let status = clause.language_status(language);
                if !matches!(
                    status,
                    LanguageStatus::Reference | LanguageStatus::Concordant
                ) {
                    return Some(NegotiationError::NotReadyForAdoption {
                        clause_id: clause_id.to_string(),
                        reason: format!(
                            "its {language} version is {}",
                            crate::values::variant_name(&status)
                        ),
                    });
                }
            }
        }
        None
    }

    fn check_root(&self, given: &str) -> Result<(), NegotiationError> {
        crate::aggregate::check_hash("text root hash", given)?;
        let current = self.text_root_hash();
        if given == current {
            Ok(())
        } else {
            Err(NegotiationError::StaleTextRoot {
                given: given.to_string(),
                current,
            })
        }
    }

    pub(crate) fn decide_adoption(
        &self,
        opened: &Opened,
        actor: &Delegate,
        text_root_hash: &str,
    ) -> Decision {
        if let Some(blocker) = self.adoption_blocker(opened) {
            return Err(blocker);
        }
        self.check_root(text_root_hash)?;
        if self.current.adoptions.get(&actor.party).map(String::as_str) == Some(text_root_hash) {
            return Err(already_done(actor, "adopted this text"));
        }
        Ok(vec![NegotiationEvent::TextAdopted {
            party: actor.party.clone(),
            text_root_hash: text_root_hash.to_string(),
        }])
    }

    pub(crate) fn decide_initialling(&self, actor: &Delegate, text_root_hash: &str) -> Decision {
        self.check_adopted_root(text_root_hash)?;
        if self.current.initials.contains_key(&actor.party) {
            return Err(already_done(actor, "initialled the text"));
        }
        Ok(vec![NegotiationEvent::TextInitialled {
            party: actor.party.clone(),
            text_root_hash: text_root_hash.to_string(),
        }])
    }

    fn check_adopted_root(&self, text_root_hash: &str) -> Result<(), NegotiationError> {
        if !self.is_adopted() {
            return Err(NegotiationError::NotAdopted);
        }
        self.check_root(text_root_hash)
    }

    pub(crate) fn decide_signature(
        &self,
        opened: &Opened,
        actor: &Delegate,
        text_root_hash: &str,
        capacity: SignatureCapacity,
        signed_on: NaiveDate,
        signature: &str,
    ) -> Decision {
        self.check_adopted_root(text_root_hash)?;
        if !opened.instrument_kind.allows(capacity) {
            return Err(NegotiationError::CapacityNotAllowed {
                capacity,
                kind: opened.instrument_kind,
            });
        }
        if self.current.signatures.contains_key(&actor.party) {
            return Err(already_done(actor, "signed"));
        }
        let authority = actor
            .signing
            .as_ref()
            .expect("invariant: a signatory is accredited with a signing key");
        if let Some(opened_on) = self.current.opened_on {
            if signed_on < opened_on {
                return Err(NegotiationError::DateBeforeRevision {
                    date: signed_on,
                    opened_on,
                });
            }
        }
        let message = SigningMessage {
            negotiation_id: opened.negotiation_id.clone(),
            revision: self.current.revision,
            text_root_hash: text_root_hash.to_string(),
            party: actor.party.clone(),
            signatory: actor.person.clone(),
            capacity,
            ad_referendum: capacity == SignatureCapacity::AdReferendum,
            signed_on,
        };
        verify_signature(&authority.public_key, signature, &message)
            .map_err(NegotiationError::InvalidSignature)?;
        let mut events = vec![NegotiationEvent::InstrumentSigned {
            party: actor.party.clone(),
            signatory: actor.person.clone(),
            revision: self.current.revision,
            capacity,
            text_root_hash: text_root_hash.to_string(),
            signed_on,
            signature: signature.to_string(),
        }];
        let bound_by_signature = !opened.instrument_kind.needs_consent_after_signature()
            && capacity != SignatureCapacity::AdReferendum;
        if bound_by_signature {
            events.extend(self.entry_into_force_completed_by(opened, &actor.party, signed_on));
        }
        Ok(events)
    }

    pub(crate) fn decide_confirmation(
        &self,
        opened: &Opened,
        actor: &Delegate,
        confirmed_on: NaiveDate,
    ) -> Decision {
        let Some(signature) = self.current.signatures.get(&actor.party) else {
            return Err(NegotiationError::NotSigned(actor.party.clone()));
        };
        if signature.capacity != SignatureCapacity::AdReferendum || signature.confirmed_on.is_some()
        {
            return Err(NegotiationError::NothingToConfirm(actor.party.clone()));
        }
        if confirmed_on < signature.signed_on {
            return Err(NegotiationError::DateBeforeSignature {
                date: confirmed_on,
                signed_on: signature.signed_on,
            });
        }
        let mut events = vec![NegotiationEvent::SignatureConfirmed {
            party: actor.party.clone(),
            confirmed_on,
        }];
        if !opened.instrument_kind.needs_consent_after_signature() {
            events.extend(self.entry_into_force_completed_by(opened, &actor.party, confirmed_on));
        }
        Ok(events)
    }

    pub(crate) fn decide_consent(
        &self,
        opened: &Opened,
        actor: &Delegate,
        mode: ConsentMode,
        on: NaiveDate,
    ) -> Decision {
        if !opened.instrument_kind.needs_consent_after_signature() {
            return Err(NegotiationError::ConsentNotRequired(opened.instrument_kind));
        }
        if let Some(party) = opened.parties.iter().find(|p| p.code == actor.party) {
            party.kind.check_consent(&party.code, mode)?;
        }
        let Some(signature) = self.current.signatures.get(&actor.party) else {
            return Err(NegotiationError::NotSigned(actor.party.clone()));
        };
        if signature.capacity == SignatureCapacity::AdReferendum && signature.confirmed_on.is_none()
        {
            return Err(NegotiationError::SignatureUnconfirmed(actor.party.clone()));
        }
        let signature_complete_on = signature.confirmed_on.unwrap_or(signature.signed_on);
        if on < signature_complete_on {
            return Err(NegotiationError::DateBeforeSignature {
                date: on,
                signed_on: signature_complete_on,
            });
        }
        if self.current.consents.contains_key(&actor.party) {
            return Err(already_done(actor, "expressed its consent to be bound"));
        }
        let mut events = vec![NegotiationEvent::ConsentExpressed {
            party: actor.party.clone(),
            mode,
            on,
        }];
        events.extend(self.entry_into_force_completed_by(opened, &actor.party, on));
        Ok(events)
    }

    /// If `party`'s act on `on` is the last consent missing, the event fixing entry into force.
    fn entry_into_force_completed_by(
        &self,
        opened: &Opened,
        party: &str,
        on: NaiveDate,
    ) -> Option<NegotiationEvent> {
        let mut last = on;
        for other in opened.parties.iter().filter(|p| p.code != party) {
            last = last.max(self.consent_date(opened.instrument_kind, &other.code)?);
        }
        let rule = opened.entry_into_force_rule;
        Some(NegotiationEvent::EntryIntoForceFixed {
            date: rule.date_after(last),
            rule,
            revision: self.current.revision,
        })
    }

    /// The date on which `party`'s consent to be bound was complete, if it is.
    fn consent_date(&self, kind: InstrumentKind, party: &str) -> Option<NaiveDate> {
        if kind.needs_consent_after_signature() {
            return self.current.consents.get(party).map(|c| c.on);
        }
        let signature = self.current.signatures.get(party)?;
        match signature.capacity {
            SignatureCapacity::AdReferendum => signature.confirmed_on,
            SignatureCapacity::Simple | SignatureCapacity::Definitive => Some(signature.signed_on),
        }
    }

    pub(crate) fn decide_provisional_application(
        &self,
        opened: &Opened,
        actor: &Delegate,
        from: NaiveDate,
    ) -> Decision {
        if !opened.provisional_application {
            return Err(NegotiationError::ProvisionalApplicationNotProvided);
        }
        let Some(signature) = self.current.signatures.get(&actor.party) else {
            return Err(NegotiationError::NotSigned(actor.party.clone()));
        };
        if from < signature.signed_on {
            return Err(NegotiationError::DateBeforeSignature {
                date: from,
                signed_on: signature.signed_on,
            });
        }
        if self.current.entry_into_force.is_some() {
            return Err(NegotiationError::AlreadyInForce);
        }
        if self
            .current
            .provisionally_applied
            .contains_key(&actor.party)
        {
            return Err(already_done(actor, "applied the instrument provisionally"));
        }
        Ok(vec![NegotiationEvent::ProvisionalApplicationStarted {
            party: actor.party.clone(),
            from,
        }])
    }

    /// Since when `party` applies the instrument provisionally, if it does.
    pub fn provisionally_applied_by(&self, party: &str) -> Option<NaiveDate> {
        self.current.provisionally_applied.get(party).copied()
    }

    fn check_in_force_on(&self, date: NaiveDate) -> Result<(), NegotiationError> {
        if self.in_force_on(date) {
            Ok(())
        } else {
            Err(NegotiationError::NotInForce(date))
        }
    }

    pub(crate) fn decide_suspension(
        &self,
        actor: &Delegate,
        from: NaiveDate,
        reason: &str,
    ) -> Decision {
        self.check_in_force_on(from)?;
        if let Some(current) = self.running_suspension() {
            return Err(NegotiationError::AlreadySuspended(current.party.clone()));
        }
        // Suspensions follow one another: a new one starts no earlier than the last ended.
        if let Some(ended) = self.suspensions.last().and_then(|s| s.until) {
            if from < ended {
                return Err(NegotiationError::DateBeforeResumption {
                    date: from,
                    resumed_on: ended,
                });
            }
        }
        crate::aggregate::check_comment("reason", reason)?;
        Ok(vec![NegotiationEvent::OperationSuspended {
            party: actor.party.clone(),
            from,
            reason: reason.to_string(),
        }])
    }

    pub(crate) fn decide_resumption(&self, actor: &Delegate, from: NaiveDate) -> Decision {
        let Some(current) = self.running_suspension().filter(|s| s.party == actor.party) else {
            return Err(NegotiationError::NotSuspended(actor.party.clone()));
        };
        if from < current.from {
            return Err(NegotiationError::DateBeforeSuspension {
                date: from,
                since: current.from,
            });
        }
        self.check_in_force_on(from)?;
        Ok(vec![NegotiationEvent::OperationResumed {
            party: actor.party.clone(),
            from,
        }])
    }

    pub(crate) fn decide_termination(
        &self,
        opened: &Opened,
        actor: &Delegate,
        notified_on: NaiveDate,
        reason: &str,
    ) -> Decision {
        if let Some(effective_on) = self.termination {
            return Err(NegotiationError::TerminationAlreadyNotified(effective_on));
        }
        self.check_in_force_on(notified_on)?;
        crate::aggregate::check_comment("reason", reason)?;
        let effective_on = notified_on
            .checked_add_months(Months::new(opened.termination_notice_months))
            .unwrap_or(NaiveDate::MAX);
        Ok(vec![NegotiationEvent::TerminationNotified {
            party: actor.party.clone(),
            notified_on,
            effective_on,
            reason: reason.to_string(),
        }])
    }

    /// The suspension still running, if any.
    pub fn running_suspension(&self) -> Option<&SuspensionPeriod> {
        self.suspensions.last().filter(|s| s.until.is_none())
    }

    /// Every suspension, in order.
    pub fn suspensions(&self) -> &[SuspensionPeriod] {
        &self.suspensions
    }

    /// Whether the instrument's operation is suspended on `date`.
    pub fn suspended_on(&self, date: NaiveDate) -> bool {
        self.suspensions
            .iter()
            .any(|s| s.from <= date && s.until.is_none_or(|until| date < until))
    }

    /// When a notified termination takes effect.
    pub fn terminates_on(&self) -> Option<NaiveDate> {
        self.termination
    }

    pub(crate) fn decide_abandonment(&self, reason: &str) -> Decision {
        if !self.current.initials.is_empty() || !self.current.signatures.is_empty() {
            return Err(NegotiationError::AlreadyAuthenticated);
        }
        crate::aggregate::check_comment("reason", reason)?;
        if self.revising() {
            // The instrument stays in force; only the amendment under negotiation is dropped.
            return Ok(vec![NegotiationEvent::RevisionAbandoned {
                revision: self.current.revision,
                reason: reason.to_string(),
            }]);
        }
        Ok(vec![NegotiationEvent::NegotiationAbandoned {
            reason: reason.to_string(),
        }])
    }
}

#[cfg(all(test, feature = "cqrs"))]
pub(crate) mod tests {
    use chrono::NaiveDate;
    use ed25519_dalek::{Signer, SigningKey};

    use super::*;
    use crate::aggregate::tests::*;
    use crate::commands::{Action, ActionKind};
    use crate::values::{FullPowers, Role, SigningAuthority};

    pub(crate) const CIV_SIGNATORY: &str = "minister.civ";
    pub(crate) const MAR_SIGNATORY: &str = "minister.mar";
    const CIV_AUTHORITY: &str = "treaty-office.civ";
    const MAR_AUTHORITY: &str = "treaty-office.mar";

    pub(crate) fn date(text: &str) -> NaiveDate {
        text.parse().expect("a test date")
    }

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn authority(seed: u8) -> SigningAuthority {
        SigningAuthority {
            public_key: hex::encode(key(seed).verifying_key().to_bytes()),
            full_powers: Some(FullPowers {
                reference: "Pleins pouvoirs n° 2026/017".into(),
                document_hash: "ab".repeat(32),
            }),
            ex_officio: false,
        }
    }

    /// Article 1 agreed by both parties and concordant in Arabic: ready for adoption.
    pub(crate) fn ready() -> Vec<NegotiationEvent> {
        let mut events = art1_agreed_by_all();
        events.extend([
            art1_concordant(),
            accredited_with(CIV_SIGNATORY, "CIV", Role::Signatory, Some(authority(1))),
            accredited_with(MAR_SIGNATORY, "MAR", Role::Signatory, Some(authority(2))),
            accredited_with(CIV_AUTHORITY, "CIV", Role::CompetentAuthority, None),
            accredited_with(MAR_AUTHORITY, "MAR", Role::CompetentAuthority, None),
        ]);
        events
    }

    fn of_kind(kind: InstrumentKind, mut events: Vec<NegotiationEvent>) -> Vec<NegotiationEvent> {
        if let NegotiationEvent::NegotiationOpened {
            instrument_kind,
            entry_into_force_rule,
            ..
        } = &mut events[0]
        {
            *instrument_kind = kind;
            *entry_into_force_rule = Some(kind.default_entry_into_force_rule());
        }
        events
    }

    fn root(events: &[NegotiationEvent]) -> String {
        state_of(events).text_root_hash()
    }

    pub(crate) fn adopted_as(kind: InstrumentKind) -> Vec<NegotiationEvent> {
        let mut events = of_kind(kind, ready());
        let root = root(&events);
        for party in ["CIV", "MAR"] {
            events.push(NegotiationEvent::TextAdopted {
                party: party.into(),
                text_root_hash: root.clone(),
            });
        }
        events
    }

    /// A signature by `person` of `party` with key `seed` over the current text of `events`.
    pub(crate) fn sign(
        events: &[NegotiationEvent],
        person: &str,
        party: &str,
        seed: u8,
        capacity: SignatureCapacity,
        on: &str,
    ) -> Action {
        let state = state_of(events);
        let text_root_hash = state.text_root_hash();
        let message = SigningMessage {
            negotiation_id: "civ-mar-tip".into(),
            revision: state.revision(),
            text_root_hash: text_root_hash.clone(),
            party: party.into(),
            signatory: person.into(),
            capacity,
            ad_referendum: capacity == SignatureCapacity::AdReferendum,
            signed_on: date(on),
        };
        Action::SignInstrument {
            text_root_hash,
            capacity,
            signed_on: date(on),
            signature: signature_by(seed, &message),
        }
    }

    /// The hex signature of `message` by the test key `seed`.
    pub(crate) fn signature_by(seed: u8, message: &SigningMessage) -> String {
        hex::encode(key(seed).sign(&message.to_bytes()).to_bytes())
    }

    /// `party`'s accredited signatory's signature of the current text of `events` with its key.
    pub(crate) fn signature(
        events: &[NegotiationEvent],
        party: &str,
        capacity: SignatureCapacity,
        on: &str,
    ) -> Action {
        let (signatory, seed) = signatory_of(party);
        sign(events, signatory, party, seed, capacity, on)
    }

    /// A party's accredited signatory, and the seed of their test key.
    fn signatory_of(party: &str) -> (&'static str, u8) {
        if party == "CIV" {
            (CIV_SIGNATORY, 1)
        } else {
            (MAR_SIGNATORY, 2)
        }
    }

    /// `party`'s accredited signatory signs the current text with its key; returns what is recorded.
    pub(crate) fn signs(
        events: &mut Vec<NegotiationEvent>,
        party: &str,
        capacity: SignatureCapacity,
        on: &str,
    ) -> Vec<NegotiationEvent> {
        let signing = signature(events, party, capacity, on);
        perform(events, signatory_of(party).0, signing)
    }

    pub(crate) fn adopt(text_root_hash: String) -> Action {
        Action::AdoptText { text_root_hash }
    }

    pub(crate) fn initial(text_root_hash: String) -> Action {
        Action::InitialText { text_root_hash }
    }

    fn ratify(on: &str) -> Action {
        Action::ExpressConsent {
            mode: ConsentMode::Ratification,
            on: date(on),
        }
    }

    fn confirm(on: &str) -> Action {
        Action::ConfirmSignature {
            confirmed_on: date(on),
        }
    }

    /// Decides `action` by `actor` on `events`, appends what it records, and returns those events.
    pub(crate) fn perform(
        events: &mut Vec<NegotiationEvent>,
        actor: &str,
        action: Action,
    ) -> Vec<NegotiationEvent> {
        let recorded = state_of(events)
            .decide_as_claimed(&command(actor, action))
            .unwrap_or_else(|e| panic!("{actor}: {e}"));
        events.extend(recorded.clone());
        recorded
    }

    // ---- For the role table walk in aggregate_tests.rs --------------------------------------

    pub(crate) fn history_for(kind: ActionKind) -> Vec<NegotiationEvent> {
        match kind {
            ActionKind::AdoptText => ready(),
            ActionKind::InitialText | ActionKind::SignInstrument => adopted_as(InstrumentKind::Mou),
            ActionKind::ConfirmSignature => {
                let mut events = adopted_as(InstrumentKind::Mou);
                signs(
                    &mut events,
                    "CIV",
                    SignatureCapacity::AdReferendum,
                    "2026-02-01",
                );
                events
            }
            ActionKind::ExpressConsent => {
                let mut events = adopted_as(InstrumentKind::Treaty);
                signs(&mut events, "CIV", SignatureCapacity::Simple, "2026-02-01");
                events
            }
            ActionKind::ChooseAlternative => {
                followed_by(negotiating(), [crate::positions::tests::alternative_b()])
            }
            ActionKind::WithdrawAlternative => followed_by(
                negotiating(),
                [crate::positions::tests::civ_alternative_c()],
            ),
            ActionKind::ConfirmClauseAgreement => {
                followed_by(negotiating(), [art1_agreed_ad_referendum("CIV")])
            }
            ActionKind::ReopenClause => ready(),
            ActionKind::SuspendOperation
            | ActionKind::NotifyTermination
            | ActionKind::OpenRevision => in_force(),
            ActionKind::ProposeCorrection => crate::corrections::tests::signed_by_civ(),
            ActionKind::AgreeCorrection => crate::corrections::tests::correction_proposed(),
            ActionKind::ProposeRow => {
                let created = NegotiationEvent::MatrixCreated {
                    matrix_id: "mx-protection".into(),
                    title: "Protection".into(),
                };
                followed_by(negotiating(), [created])
            }
            ActionKind::AgreeRow => crate::matrices::tests::matrix_history(false, false),
            ActionKind::ApplyProvisionally => provisionally_applicable(),
            ActionKind::ValidateMatrix => crate::matrices::tests::matrix_history(true, false),
            ActionKind::ReportProgress => crate::matrices::tests::matrix_history(true, true),
            ActionKind::ResumeOperation => {
                let suspended = NegotiationEvent::OperationSuspended {
                    party: "CIV".into(),
                    from: date("2026-03-01"),
                    reason: "Révision de la loi".into(),
                };
                followed_by(in_force(), [suspended])
            }
            ActionKind::CloseRound | ActionKind::RecordMinutes => {
                followed_by(negotiating(), [crate::rounds::tests::round_opened()])
            }
            ActionKind::AdoptMinutes => crate::rounds::tests::minutes_on_record(),
            ActionKind::AcceptNegotiation => vec![opened_awaiting(&["CIV"])],
            _ => negotiating(),
        }
    }

    pub(crate) fn accredited_cell(role: Role) -> NegotiationEvent {
        let signing = (role == Role::Signatory).then(|| authority(9));
        accredited_with("cell", "CIV", role, signing)
    }

    pub(crate) fn lifecycle_action(kind: ActionKind, state: &Negotiation) -> Option<Action> {
        let text_root_hash = state.text_root_hash();
        Some(match kind {
            ActionKind::AdoptText => Action::AdoptText { text_root_hash },
            ActionKind::InitialText => Action::InitialText { text_root_hash },
            ActionKind::SignInstrument => {
                let message = SigningMessage {
                    negotiation_id: "civ-mar-tip".into(),
                    revision: ORIGINAL_REVISION,
                    text_root_hash: text_root_hash.clone(),
                    party: "CIV".into(),
                    signatory: "cell".into(),
                    capacity: SignatureCapacity::Definitive,
                    ad_referendum: false,
                    signed_on: date("2026-02-01"),
                };
                Action::SignInstrument {
                    text_root_hash,
                    capacity: SignatureCapacity::Definitive,
                    signed_on: date("2026-02-01"),
                    signature: hex::encode(key(9).sign(&message.to_bytes()).to_bytes()),
                }
            }
            ActionKind::ConfirmSignature => Action::ConfirmSignature {
                confirmed_on: date("2026-03-01"),
            },
            ActionKind::ExpressConsent => Action::ExpressConsent {
                mode: ConsentMode::Ratification,
                on: date("2026-03-01"),
            },
            ActionKind::OpenRevision => Action::OpenRevision {
                opened_on: date("2026-06-01"),
                reason: "Élargir la coopération".into(),
            },
            ActionKind::ProposeCorrection => crate::corrections::tests::propose_ar_correction(),
            ActionKind::AgreeCorrection => crate::corrections::tests::agree_correction(),
            ActionKind::AbandonNegotiation => Action::AbandonNegotiation {
                reason: "No agreement on data protection".into(),
            },
            ActionKind::ProposeAlternative => Action::ProposeAlternative {
                clause_id: "art-1".into(),
                label: "B".into(),
                heading: Some("Objet".into()),
                language: "fr".into(),
                text: "Texte alternatif.".into(),
            },
            ActionKind::StatePosition => Action::StatePosition {
                clause_id: "art-1".into(),
                position: crate::values::Position::Reserve,
                rationale: "Consultation de la capitale".into(),
            },
            ActionKind::ChooseAlternative => Action::ChooseAlternative {
                clause_id: "art-1".into(),
                label: "B".into(),
                base_text_hash: art1_hash(),
            },
            ActionKind::WithdrawAlternative => Action::WithdrawAlternative {
                clause_id: "art-1".into(),
                label: "C".into(),
                reason: "Superseded".into(),
            },
            ActionKind::ConfirmClauseAgreement => Action::ConfirmClauseAgreement {
                clause_id: "art-1".into(),
            },
            ActionKind::ReopenClause => Action::ReopenClause {
                clause_id: "art-1".into(),
                reason: "New data-protection law".into(),
            },
            ActionKind::OpenRound => crate::rounds::tests::open_round("round-1"),
            ActionKind::ApplyProvisionally => Action::ApplyProvisionally {
                from: date("2026-03-01"),
            },
            ActionKind::CreateMatrix => Action::CreateMatrix {
                matrix_id: "mx-new".into(),
                title: "Coopération judiciaire".into(),
            },
            ActionKind::ProposeRow => crate::matrices::tests::propose_row("120", None),
            ActionKind::AgreeRow => Action::AgreeRow {
                matrix_id: "mx-protection".into(),
                row_id: "r1".into(),
                row_hash: crate::matrices::row_hash(&crate::matrices::tests::content("120")),
            },
            ActionKind::ValidateMatrix => crate::matrices::tests::validate_matrix(),
            ActionKind::ReportProgress => crate::matrices::tests::report_progress(""),
            ActionKind::SuspendOperation => Action::SuspendOperation {
                from: date("2026-03-01"),
                reason: "Révision de la loi".into(),
            },
            ActionKind::ResumeOperation => Action::ResumeOperation {
                from: date("2026-04-01"),
            },
            ActionKind::NotifyTermination => Action::NotifyTermination {
                notified_on: date("2026-05-01"),
                reason: "Remplacé par un accord".into(),
            },
            ActionKind::CloseRound => Action::CloseRound {
                round_id: "round-1".into(),
            },
            ActionKind::RecordMinutes => Action::RecordMinutes {
                round_id: "round-1".into(),
                minutes_hash: "ef".repeat(32),
                reference: "PV/2026/01".into(),
            },
            ActionKind::AdoptMinutes => Action::AdoptMinutes {
                round_id: "round-1".into(),
                minutes_hash: crate::rounds::tests::MINUTES.into(),
            },
            _ => return None,
        })
    }

    /// An MoU signed definitively by both parties on 1 February 2026, in effect from that day.
    pub(crate) fn in_force() -> Vec<NegotiationEvent> {
        let mut events = adopted_as(InstrumentKind::Mou);
        for party in ["CIV", "MAR"] {
            signs(
                &mut events,
                party,
                SignatureCapacity::Definitive,
                "2026-02-01",
            );
        }
        assert!(state_of(&events).in_force_on(date("2026-02-01")));
        events
    }

    /// A treaty providing for provisional application, signed by CIV and awaiting ratification.
    fn provisionally_applicable() -> Vec<NegotiationEvent> {
        let mut events = adopted_as(InstrumentKind::Treaty);
        if let NegotiationEvent::NegotiationOpened {
            provisional_application,
            ..
        } = &mut events[0]
        {
            *provisional_application = true;
        }
        signs(&mut events, "CIV", SignatureCapacity::Simple, "2026-02-01");
        events
    }

    fn in_force_providing_for_provisional_application() -> Vec<NegotiationEvent> {
        let mut events = in_force();
        if let NegotiationEvent::NegotiationOpened {
            provisional_application,
            ..
        } = &mut events[0]
        {
            *provisional_application = true;
        }
        events
    }

    #[test]
    fn a_signatory_party_applies_a_treaty_provisionally_where_it_provides_for_it() {
        let apply = |on: &str| Action::ApplyProvisionally { from: date(on) };
        let mut events = provisionally_applicable();
        perform(&mut events, CIV_AUTHORITY, apply("2026-03-01"));
        assert_eq!(
            state_of(&events).provisionally_applied_by("CIV"),
            Some(date("2026-03-01"))
        );
        let cases = [
            (
                provisionally_applicable(),
                CIV_AUTHORITY,
                apply("2026-01-01"),
                NegotiationError::DateBeforeSignature {
                    date: date("2026-01-01"),
                    signed_on: date("2026-02-01"),
                },
            ),
            (
                provisionally_applicable(),
                MAR_AUTHORITY,
                apply("2026-03-01"),
                NegotiationError::NotSigned("MAR".into()),
            ),
            (
                events,
                CIV_AUTHORITY,
                apply("2026-04-01"),
                NegotiationError::AlreadyDone {
                    party: "CIV".into(),
                    act: "applied the instrument provisionally",
                },
            ),
            (
                in_force(),
                CIV_AUTHORITY,
                apply("2026-04-01"),
                NegotiationError::ProvisionalApplicationNotProvided,
            ),
            (
                in_force_providing_for_provisional_application(),
                CIV_AUTHORITY,
                apply("2026-04-01"),
                NegotiationError::AlreadyInForce,
            ),
        ];
        for (given, actor, action, error) in cases {
            expect_refusal(given, actor, action, error);
        }
    }

    #[test]
    fn suspension_and_resumption_by_the_party_that_suspended() {
        let suspend = |on: &str, reason: &str| Action::SuspendOperation {
            from: date(on),
            reason: reason.into(),
        };
        let resume = |on: &str| Action::ResumeOperation { from: date(on) };
        let mut events = in_force();
        let recorded = perform(
            &mut events,
            CIV_AUTHORITY,
            suspend("2026-03-01", "Révision de la loi"),
        );
        assert!(
            matches!(&recorded[0], NegotiationEvent::OperationSuspended { party, .. } if party == "CIV")
        );
        let state = state_of(&events);
        assert!(state.suspended_on(date("2026-03-02")) && state.in_force_on(date("2026-03-02")));
        let refusals = [
            (
                CIV_AUTHORITY,
                suspend("2026-03-01", "Révision de la loi"),
                NegotiationError::AlreadySuspended("CIV".into()),
            ),
            (
                MAR_AUTHORITY,
                resume("2026-04-01"),
                NegotiationError::NotSuspended("MAR".into()),
            ),
            (
                CIV_AUTHORITY,
                resume("2026-02-15"),
                NegotiationError::DateBeforeSuspension {
                    date: date("2026-02-15"),
                    since: date("2026-03-01"),
                },
            ),
        ];
        for (actor, action, error) in refusals {
            expect_refusal(events.clone(), actor, action, error);
        }
        perform(&mut events, CIV_AUTHORITY, resume("2026-04-01"));
        let state = state_of(&events);
        assert!(!state.suspended_on(date("2026-04-02")));
        assert!(
            state.suspended_on(date("2026-03-15")),
            "the past suspension stays on record"
        );
        let refusals = [
            (
                events,
                MAR_AUTHORITY,
                suspend("2026-03-20", "Rétroactif"),
                NegotiationError::DateBeforeResumption {
                    date: date("2026-03-20"),
                    resumed_on: date("2026-04-01"),
                },
            ),
            (
                adopted_as(InstrumentKind::Mou),
                CIV_AUTHORITY,
                suspend("2026-03-01", "x"),
                NegotiationError::NotInForce(date("2026-03-01")),
            ),
        ];
        for (given, actor, action, error) in refusals {
            expect_refusal(given, actor, action, error);
        }
    }

    #[test]
    fn termination_takes_effect_after_the_notice_period() {
        let notify = |on: &str| Action::NotifyTermination {
            notified_on: date(on),
            reason: "Remplacé".into(),
        };
        expect_refusal(
            in_force(),
            MAR_AUTHORITY,
            notify("2026-01-15"),
            NegotiationError::NotInForce(date("2026-01-15")),
        );
        let mut events = in_force();
        let recorded = perform(&mut events, MAR_AUTHORITY, notify("2026-05-10"));
        assert!(matches!(&recorded[0],
            NegotiationEvent::TerminationNotified { effective_on, .. } if *effective_on == date("2026-11-10")));
        let state = state_of(&events);
        assert!(state.in_force_on(date("2026-11-09")));
        assert!(
            !state.in_force_on(date("2026-11-10")),
            "terminated after six months' notice"
        );
        expect_refusal(
            events,
            CIV_AUTHORITY,
            notify("2026-06-01"),
            NegotiationError::TerminationAlreadyNotified(date("2026-11-10")),
        );
        expect_opening_refused(
            |a| {
                if let Action::OpenNegotiation {
                    termination_notice_months,
                    ..
                } = a
                {
                    *termination_notice_months = Some(121);
                }
            },
            NegotiationError::InvalidNoticePeriod(121),
        );
    }

    // ---- Adoption ---------------------------------------------------------------------------

    #[test]
    fn a_head_of_delegation_adopts_the_text_it_read() {
        let given = ready();
        let root = root(&given);
        expect_events(
            given,
            CIV_HEAD,
            adopt(root.clone()),
            vec![NegotiationEvent::TextAdopted {
                party: "CIV".into(),
                text_root_hash: root,
            }],
        );
    }

    #[test]
    fn adoption_refusals() {
        let mut not_concordant = ready();
        not_concordant.retain(|e| !matches!(e, NegotiationEvent::ConcordanceVerified { .. }));
        let current = root(&ready());
        let adopted_by_civ = NegotiationEvent::TextAdopted {
            party: "CIV".into(),
            text_root_hash: current.clone(),
        };
        // A text that is not ready is refused even at its current root.
        let at_its_root = |given: Vec<NegotiationEvent>, error| {
            let root = root(&given);
            (given, adopt(root), error)
        };
        expect_refusals(
            CIV_HEAD,
            [
                at_its_root(
                    negotiating(),
                    NegotiationError::NotReadyForAdoption {
                        clause_id: "art-1".into(),
                        reason: "its current wording is not agreed by CIV, MAR".into(),
                    },
                ),
                at_its_root(
                    not_concordant,
                    NegotiationError::NotReadyForAdoption {
                        clause_id: "art-1".into(),
                        reason: "its ar version is awaiting-concordance".into(),
                    },
                ),
                (
                    vec![opened()],
                    adopt("x".into()),
                    NegotiationError::NothingToAdopt,
                ),
                (
                    ready(),
                    adopt("0".repeat(64)),
                    NegotiationError::StaleTextRoot {
                        given: "0".repeat(64),
                        current: current.clone(),
                    },
                ),
                (
                    followed_by(ready(), [adopted_by_civ]),
                    adopt(current),
                    NegotiationError::AlreadyDone {
                        party: "CIV".into(),
                        act: "adopted this text",
                    },
                ),
            ],
        );
    }

    #[test]
    fn an_adopted_text_is_frozen() {
        let adopted = adopted_as(InstrumentKind::Mou);
        assert_eq!(
            state_of(&adopted).instrument_status(),
            InstrumentStatus::TextAdopted
        );
        for change in [
            amend(art1_hash(), "Autre texte"),
            propose("art-2", "fr", "Nouveau"),
        ] {
            expect_refusal(
                adopted.clone(),
                CIV_NEGOTIATOR,
                change,
                NegotiationError::TextFrozen,
            );
        }
    }

    // ---- Initialling --------------------------------------------------------------------------

    #[test]
    fn initialling_authenticates_the_adopted_text() {
        let mut events = adopted_as(InstrumentKind::Mou);
        let root = root(&events);
        let recorded = perform(&mut events, MAR_HEAD, initial(root.clone()));
        assert_eq!(
            recorded,
            vec![NegotiationEvent::TextInitialled {
                party: "MAR".into(),
                text_root_hash: root.clone(),
            }]
        );
        assert_eq!(
            state_of(&events).instrument_status(),
            InstrumentStatus::Authenticated
        );
        expect_refusals(
            MAR_HEAD,
            [
                (
                    events,
                    initial(root.clone()),
                    NegotiationError::AlreadyDone {
                        party: "MAR".into(),
                        act: "initialled the text",
                    },
                ),
                (ready(), initial(root), NegotiationError::NotAdopted),
            ],
        );
    }

    // ---- Signatories and signatures -----------------------------------------------------------

    #[test]
    fn signatory_accreditation_refusals() {
        let accredit_signatory = |signing: Option<SigningAuthority>| Action::AccreditDelegate {
            person: "minister.civ.2".into(),
            name: "Ministre".into(),
            party: "CIV".into(),
            role: Role::Signatory,
            signing,
        };
        let mut no_powers = authority(3);
        no_powers.full_powers = None;
        let mut ex_officio = no_powers.clone();
        ex_officio.ex_officio = true;
        let mut bad_key = authority(3);
        bad_key.public_key = "zz".into();
        let mut bad_hash = authority(3);
        bad_hash.full_powers.as_mut().unwrap().document_hash = "not-a-hash".into();
        let cases = [
            (
                accredit_signatory(None),
                NegotiationError::SignatoryWithoutKey,
            ),
            (
                accredit_signatory(Some(no_powers)),
                NegotiationError::NoFullPowers,
            ),
            (
                accredit_signatory(Some(bad_key)),
                NegotiationError::InvalidSignature(
                    crate::signing::SignatureProblem::MalformedPublicKey,
                ),
            ),
            (
                accredit_signatory(Some(bad_hash)),
                NegotiationError::InvalidDocumentHash("not-a-hash".into()),
            ),
            (
                Action::AccreditDelegate {
                    person: "n".into(),
                    name: "N".into(),
                    party: "CIV".into(),
                    role: Role::Negotiator,
                    signing: Some(authority(3)),
                },
                NegotiationError::SigningKeyForNonSignatory(Role::Negotiator),
            ),
        ];
        for (action, error) in cases {
            expect_refusal(negotiating(), CIV_HEAD, action, error);
        }
        let accepted = state_of(&negotiating())
            .decide_as_claimed(&command(CIV_HEAD, accredit_signatory(Some(ex_officio))));
        assert!(
            accepted.is_ok(),
            "a head of government signs ex officio: {accepted:?}"
        );
    }

    #[test]
    fn signature_refusals() {
        let adopted = adopted_as(InstrumentKind::Mou);
        let definitive = |events: &[NegotiationEvent]| {
            signature(events, "CIV", SignatureCapacity::Definitive, "2026-02-01")
        };
        let signed_by_civ = definitive(&adopted);
        let does_not_verify =
            || NegotiationError::InvalidSignature(crate::signing::SignatureProblem::DoesNotVerify);

        // A signature made with another key than the accredited one.
        let forged = sign(
            &adopted,
            CIV_SIGNATORY,
            "CIV",
            7,
            SignatureCapacity::Definitive,
            "2026-02-01",
        );

        // A valid signature replayed on another text: the root it names is not the current one,
        // and a signature over the current root made for another text does not verify.
        let other_text = followed_by(
            ready(),
            [NegotiationEvent::ClauseProposed {
                clause_id: "art-2".into(),
                kind: crate::values::ClauseKind::Article,
                heading: String::new(),
                language: "fr".into(),
                text: "Autre".into(),
                text_hash: crate::text_hash::clause_text_hash("", "fr", "Autre"),
                proposed_by: "CIV".into(),
            }],
        );
        let Action::SignInstrument { signature, .. } = definitive(&other_text) else {
            unreachable!()
        };
        let mut replayed = signed_by_civ.clone();
        if let Action::SignInstrument { signature: s, .. } = &mut replayed {
            *s = signature;
        }

        // The date is signed: a relayed signature cannot be re-dated.
        let mut redated = signed_by_civ.clone();
        if let Action::SignInstrument { signed_on, .. } = &mut redated {
            *signed_on = date("1999-01-01");
        }

        let treaty = adopted_as(InstrumentKind::Treaty);
        let mut twice = adopted.clone();
        perform(&mut twice, CIV_SIGNATORY, signed_by_civ.clone());
        expect_refusals(
            CIV_SIGNATORY,
            [
                (adopted.clone(), forged, does_not_verify()),
                (adopted.clone(), replayed, does_not_verify()),
                (ready(), signed_by_civ.clone(), NegotiationError::NotAdopted),
                (adopted, redated, does_not_verify()),
                (
                    treaty.clone(),
                    definitive(&treaty),
                    NegotiationError::CapacityNotAllowed {
                        capacity: SignatureCapacity::Definitive,
                        kind: InstrumentKind::Treaty,
                    },
                ),
                (
                    twice,
                    signed_by_civ,
                    NegotiationError::AlreadyDone {
                        party: "CIV".into(),
                        act: "signed",
                    },
                ),
            ],
        );
    }

    // ---- Each kind's path to entry into force -------------------------------------------------

    fn entry_into_force(events: &[NegotiationEvent]) -> Option<NaiveDate> {
        events.iter().find_map(|e| match e {
            NegotiationEvent::EntryIntoForceFixed { date, .. } => Some(*date),
            _ => None,
        })
    }

    #[test]
    fn a_treaty_enters_into_force_after_ratification_by_every_party() {
        let mut events = adopted_as(InstrumentKind::Treaty);
        signs(&mut events, "CIV", SignatureCapacity::Simple, "2026-02-01");
        assert_eq!(
            entry_into_force(&signs(
                &mut events,
                "MAR",
                SignatureCapacity::Simple,
                "2026-02-01"
            )),
            None,
            "signature alone does not bind"
        );
        assert_eq!(
            entry_into_force(&perform(&mut events, CIV_AUTHORITY, ratify("2026-03-10"))),
            None
        );
        let last = perform(&mut events, MAR_AUTHORITY, ratify("2026-04-20"));
        assert_eq!(
            entry_into_force(&last),
            Some(date("2026-06-01")),
            "first day of the second month after"
        );
        let state = state_of(&events);
        assert_eq!(
            state.instrument_status(),
            InstrumentStatus::InForce {
                on: date("2026-06-01")
            }
        );
        assert!(!state.in_force_on(date("2026-05-31")));
        assert!(state.in_force_on(date("2026-06-01")));
    }

    #[test]
    fn an_agreement_binds_on_definitive_or_confirmed_signature() {
        let mut events = adopted_as(InstrumentKind::Agreement);
        signs(
            &mut events,
            "CIV",
            SignatureCapacity::Definitive,
            "2026-02-01",
        );
        assert_eq!(
            entry_into_force(&signs(
                &mut events,
                "MAR",
                SignatureCapacity::AdReferendum,
                "2026-02-01"
            )),
            None
        );
        let confirmed = perform(&mut events, MAR_AUTHORITY, confirm("2026-03-15"));
        assert_eq!(entry_into_force(&confirmed), Some(date("2026-03-15")));
    }

    #[test]
    fn an_mou_takes_effect_on_the_last_signature() {
        let mut events = adopted_as(InstrumentKind::Mou);
        signs(&mut events, "CIV", SignatureCapacity::Simple, "2026-02-03");
        let last = signs(&mut events, "MAR", SignatureCapacity::Simple, "2026-02-01");
        assert_eq!(
            entry_into_force(&last),
            Some(date("2026-02-03")),
            "the later of the two signatures"
        );
    }

    #[test]
    fn an_exchange_of_notes_enters_into_force_by_its_rule() {
        let mut events = adopted_as(InstrumentKind::ExchangeOfNotes);
        if let NegotiationEvent::NegotiationOpened {
            entry_into_force_rule,
            ..
        } = &mut events[0]
        {
            *entry_into_force_rule = Some(EntryIntoForceRule::DaysAfterLastConsent { days: 30 });
        }
        let simple = sign(
            &events,
            CIV_SIGNATORY,
            "CIV",
            1,
            SignatureCapacity::Simple,
            "2026-01-10",
        );
        expect_refusal(
            events.clone(),
            CIV_SIGNATORY,
            simple,
            NegotiationError::CapacityNotAllowed {
                capacity: SignatureCapacity::Simple,
                kind: InstrumentKind::ExchangeOfNotes,
            },
        );
        signs(
            &mut events,
            "CIV",
            SignatureCapacity::Definitive,
            "2026-01-10",
        );
        assert_eq!(
            entry_into_force(&signs(
                &mut events,
                "MAR",
                SignatureCapacity::Definitive,
                "2026-01-20"
            )),
            Some(date("2026-02-19"))
        );
    }

    #[test]
    fn consent_and_confirmation_refusals() {
        let mut ad_referendum = adopted_as(InstrumentKind::Treaty);
        signs(
            &mut ad_referendum,
            "CIV",
            SignatureCapacity::AdReferendum,
            "2026-02-01",
        );
        let mut confirmed = ad_referendum.clone();
        perform(&mut confirmed, CIV_AUTHORITY, confirm("2026-06-01"));
        let mut simple = adopted_as(InstrumentKind::Treaty);
        signs(&mut simple, "CIV", SignatureCapacity::Simple, "2026-02-01");
        let mut ratified = simple.clone();
        perform(&mut ratified, CIV_AUTHORITY, ratify("2026-03-01"));
        expect_refusals(
            CIV_AUTHORITY,
            [
                (
                    adopted_as(InstrumentKind::Mou),
                    ratify("2026-03-01"),
                    NegotiationError::ConsentNotRequired(InstrumentKind::Mou),
                ),
                (
                    adopted_as(InstrumentKind::Treaty),
                    ratify("2026-03-01"),
                    NegotiationError::NotSigned("CIV".into()),
                ),
                (
                    ad_referendum.clone(),
                    ratify("2026-03-01"),
                    NegotiationError::SignatureUnconfirmed("CIV".into()),
                ),
                (
                    confirmed,
                    ratify("2026-03-01"),
                    NegotiationError::DateBeforeSignature {
                        date: date("2026-03-01"),
                        signed_on: date("2026-06-01"),
                    },
                ),
                (
                    ad_referendum,
                    confirm("2026-01-01"),
                    NegotiationError::DateBeforeSignature {
                        date: date("2026-01-01"),
                        signed_on: date("2026-02-01"),
                    },
                ),
                (
                    simple.clone(),
                    ratify("2026-01-15"),
                    NegotiationError::DateBeforeSignature {
                        date: date("2026-01-15"),
                        signed_on: date("2026-02-01"),
                    },
                ),
                (
                    simple,
                    confirm("2026-03-01"),
                    NegotiationError::NothingToConfirm("CIV".into()),
                ),
                (
                    ratified,
                    ratify("2026-03-02"),
                    NegotiationError::AlreadyDone {
                        party: "CIV".into(),
                        act: "expressed its consent to be bound",
                    },
                ),
                (
                    adopted_as(InstrumentKind::Mou),
                    confirm("2026-03-01"),
                    NegotiationError::NotSigned("CIV".into()),
                ),
            ],
        );
    }

    // ---- Abandonment --------------------------------------------------------------------------

    #[test]
    fn an_abandoned_negotiation_records_nothing_more() {
        let abandon = Action::AbandonNegotiation {
            reason: "No agreement on data protection".into(),
        };
        let mut events = negotiating();
        perform(&mut events, CIV_HEAD, abandon.clone());
        assert_eq!(
            state_of(&events).instrument_status(),
            InstrumentStatus::Abandoned
        );
        expect_refusal(
            events,
            CIV_NEGOTIATOR,
            propose("art-2", "fr", "Texte"),
            NegotiationError::Abandoned,
        );

        let mut initialled = adopted_as(InstrumentKind::Mou);
        let root = root(&initialled);
        perform(&mut initialled, CIV_HEAD, initial(root));
        expect_refusal(
            initialled,
            MAR_HEAD,
            abandon,
            NegotiationError::AlreadyAuthenticated,
        );
    }

    #[test]
    fn entry_into_force_rules_never_precede_the_last_consent() {
        let last = date("2026-12-31");
        for rule in [
            EntryIntoForceRule::OnLastConsent,
            EntryIntoForceRule::DaysAfterLastConsent { days: 0 },
            EntryIntoForceRule::DaysAfterLastConsent { days: 30 },
            EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months: 1 },
            EntryIntoForceRule::FirstDayOfMonthAfterLastConsent {
                months: MAX_ENTRY_INTO_FORCE_DELAY_MONTHS,
            },
        ] {
            rule.check().unwrap();
            assert!(rule.date_after(last) >= last);
        }
        for invalid in [
            EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months: 0 },
            EntryIntoForceRule::DaysAfterLastConsent {
                days: MAX_ENTRY_INTO_FORCE_DELAY_DAYS + 1,
            },
        ] {
            assert_eq!(
                invalid.check(),
                Err(NegotiationError::InvalidEntryIntoForceRule(invalid))
            );
            expect_opening_refused(
                |a| {
                    if let Action::OpenNegotiation {
                        entry_into_force_rule,
                        ..
                    } = a
                    {
                        *entry_into_force_rule = Some(invalid);
                    }
                },
                NegotiationError::InvalidEntryIntoForceRule(invalid),
            );
        }
        assert_eq!(
            EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months: 1 }.date_after(last),
            date("2027-01-01")
        );
    }
}
