//! From agreed text to an instrument in force, following the Vienna Convention on the Law of
//! Treaties: adoption (art. 9), authentication by initialling or signature (art. 10), signature
//! (art. 12), consent to be bound (art. 14, 16) and entry into force (art. 24).
//!
//! Every act names the text root hash it concerns, so no party adopts, initials or signs a text
//! other than the one it read. The text is frozen once every party has adopted it. What the
//! parties intend decides which signatures are possible and whether consent needs a further act:
//! the opening's `LegalEffect` (binding or not, each party's consent procedure), or for an opening
//! that states none, the kind of instrument, as before.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;
use std::sync::Arc;

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
    ConsentMode, ConsentProcedure, Delegate, EntryIntoForceRule, InstrumentKind, LegalEffect,
    SignatureCapacity,
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

/// What a signature records beside the message it signs, for the signature blocks of the
/// instrument: the signatory's title, and the title and the place of signature as each
/// authentic language version words them.
pub(crate) struct SignatureWords<'a> {
    pub(crate) title: Option<&'a str>,
    pub(crate) title_in: &'a BTreeMap<String, String>,
    pub(crate) place_in: &'a BTreeMap<String, String>,
}

impl SignatureWords<'_> {
    /// Each wording is a name, and each language one of the instrument's: a language version
    /// that does not exist has no signature block to show it.
    fn check(&self, opened: &Opened) -> Result<(), NegotiationError> {
        if let Some(title) = self.title {
            crate::aggregate::check_name("signatory title", title)?;
        }
        for (field, by_language) in [
            ("signatory title", self.title_in),
            ("place of signature", self.place_in),
        ] {
            for (language, words) in by_language {
                if !opened.languages.contains(language) {
                    return Err(NegotiationError::NotAnInstrumentLanguage {
                        field,
                        language: language.clone(),
                        authentic: opened.languages.join(", "),
                    });
                }
                crate::aggregate::check_name(field, words)?;
            }
        }
        Ok(())
    }
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
    /// The signatory's title or function, where recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signatory_title: Option<String>,
}

/// One examination of a signatory's full powers by another party's head of delegation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FullPowersExamination {
    /// The reference of the full powers examined (those of the accreditation then in force).
    pub reference: String,
    pub examined_by: String,
    pub accepted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsentRecord {
    pub mode: ConsentMode,
    pub on: NaiveDate,
    /// The instrument's reference ("Dahir n° 1-26-12"), where recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument_reference: Option<String>,
    /// Lower-case hex SHA-256 of the instrument's scan, where recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan_sha256: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transmitted_by: Option<crate::values::Transmission>,
    /// The date each other party received the instrument or notification, by party.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub received: BTreeMap<String, NaiveDate>,
}

/// A note of an exchange of notes constituting the agreement, as sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Note {
    pub party: String,
    pub number: String,
    pub sent_on: NaiveDate,
    pub text: String,
    /// Lower-case hex SHA-256 of the text's UTF-8 bytes.
    pub text_hash: String,
    /// For a reply: the proposal's text hash, which it reproduces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
}

/// The hash that names a note's text: lower-case hex SHA-256 of its UTF-8 bytes (in NFC), so
/// that `sha256sum` of the note's text file gives it.
pub fn note_text_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(text.as_bytes()))
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

/// The details of an instrument of consent a command may give.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct InstrumentOfConsent<'a> {
    pub(crate) reference: Option<&'a str>,
    pub(crate) scan_sha256: Option<&'a str>,
    pub(crate) transmitted_by: Option<crate::values::Transmission>,
}

/// The last date on which a party other than `party` received its instrument of consent, once
/// every other party has.
fn received_by_every_other(
    opened: &Opened,
    party: &str,
    received: &BTreeMap<String, NaiveDate>,
) -> Option<NaiveDate> {
    opened
        .parties
        .iter()
        .filter(|p| p.code != party)
        .map(|p| received.get(&p.code).copied())
        .collect::<Option<Vec<NaiveDate>>>()?
        .into_iter()
        .max()
}

/// What the parties intend, checked at opening: every party named is a party; a non-binding
/// instrument is concluded by signature alone; each party's consent act is one open to its kind
/// (an organisation never ratifies, a State never formally confirms).
pub(crate) fn check_legal_effect(
    legal_effect: &LegalEffect,
    parties: &[crate::values::Party],
    provisional_application: bool,
) -> Result<(), NegotiationError> {
    if !legal_effect.legally_binding && provisional_application {
        return Err(NegotiationError::ProvisionalApplicationOfNonBinding);
    }
    for code in legal_effect.consent_procedure_by_party.keys() {
        if !parties.iter().any(|p| &p.code == code) {
            return Err(NegotiationError::UnknownParty(code.clone()));
        }
    }
    let by_notes = |p: &crate::values::Party| {
        legal_effect.procedure_of(&p.code) == ConsentProcedure::ExchangeOfNotes
    };
    if parties.iter().any(by_notes) {
        if let Some(other) = parties.iter().find(|p| !by_notes(p)) {
            return Err(NegotiationError::ExchangeOfNotesForSomeParties {
                party: other.code.clone(),
                procedure: legal_effect.procedure_of(&other.code),
            });
        }
    }
    for party in parties {
        let procedure = legal_effect.procedure_of(&party.code);
        if !legal_effect.legally_binding && procedure != ConsentProcedure::Signature {
            return Err(NegotiationError::ConsentProcedureOfNonBinding { procedure });
        }
        if let Some(mode) = procedure.consent_mode() {
            party.kind.check_consent(&party.code, mode)?;
        }
    }
    Ok(())
}

/// An entry-into-force rule counted from the receipt of instruments of consent is refused where
/// no party consents by an instrument or notification that another party receives: by
/// signature, or by an exchange of notes, there is nothing to receive.
pub(crate) fn check_receipt_rule(
    rule: EntryIntoForceRule,
    legal_effect: Option<&LegalEffect>,
    kind: InstrumentKind,
    parties: &[crate::values::Party],
) -> Result<(), NegotiationError> {
    if !rule.counts_from_receipt() {
        return Ok(());
    }
    let someone_sends_an_instrument = match legal_effect {
        Some(effect) => {
            effect.legally_binding
                && parties
                    .iter()
                    .any(|p| effect.procedure_of(&p.code).consent_mode().is_some())
        }
        None => kind.needs_consent_after_signature(),
    };
    if someone_sends_an_instrument {
        Ok(())
    } else {
        Err(NegotiationError::ReceiptRuleWithoutInstruments { rule })
    }
}

/// The rules that follow from what the parties intend: the opening's stated legal effect, or
/// for an opening that stated none (recorded before it existed), the kind of instrument, as it
/// always decided.
impl Opened {
    /// Whether the instrument is intended to be legally binding, where the opening stated it.
    pub(crate) fn legally_binding(&self) -> Option<bool> {
        self.legal_effect.as_ref().map(|e| e.legally_binding)
    }

    /// Whether `party` may sign in `capacity`: a party bound by signature signs definitively
    /// (or ad referendum); one that consents by a later act signs simply (or ad referendum); a
    /// non-binding instrument is signed in any capacity, and binds no one.
    pub(crate) fn check_capacity(
        &self,
        party: &str,
        capacity: SignatureCapacity,
    ) -> Result<(), NegotiationError> {
        use SignatureCapacity::*;
        let Some(legal_effect) = &self.legal_effect else {
            return if self.instrument_kind.allows(capacity) {
                Ok(())
            } else {
                Err(NegotiationError::CapacityNotAllowed {
                    capacity,
                    kind: self.instrument_kind,
                })
            };
        };
        if !legal_effect.legally_binding {
            return Ok(());
        }
        let procedure = legal_effect.procedure_of(party);
        let (fits, expected) = match procedure.consent_mode() {
            None if procedure == ConsentProcedure::ExchangeOfNotes => (
                false,
                "nothing: an exchange of notes is concluded by its notes (pacta note)",
            ),
            None => (
                matches!(capacity, Definitive | AdReferendum),
                "definitive (or ad-referendum, then confirm the signature)",
            ),
            Some(_) => (
                matches!(capacity, Simple | AdReferendum),
                "simple (or ad-referendum), then express consent by the act provided",
            ),
        };
        if fits {
            Ok(())
        } else {
            Err(NegotiationError::CapacityNotProvided {
                party: party.to_string(),
                capacity,
                procedure,
                expected,
            })
        }
    }

    /// Whether `party`'s consent to be bound needs an act after its signature.
    pub(crate) fn consents_after_signature(&self, party: &str) -> bool {
        match &self.legal_effect {
            None => self.instrument_kind.needs_consent_after_signature(),
            Some(e) => e.legally_binding && e.procedure_of(party).consent_mode().is_some(),
        }
    }

    /// Whether `party` may express consent by `mode`: only to an instrument meant to bind, by
    /// the act its procedure provides.
    pub(crate) fn check_consent_mode(
        &self,
        party: &str,
        mode: ConsentMode,
    ) -> Result<(), NegotiationError> {
        let Some(legal_effect) = &self.legal_effect else {
            return if self.instrument_kind.needs_consent_after_signature() {
                Ok(())
            } else {
                Err(NegotiationError::ConsentNotRequired(self.instrument_kind))
            };
        };
        if !legal_effect.legally_binding {
            return Err(NegotiationError::NotLegallyBinding);
        }
        let procedure = legal_effect.procedure_of(party);
        match procedure.consent_mode() {
            None => Err(NegotiationError::ConsentNotProvided {
                party: party.to_string(),
                procedure,
            }),
            Some(provided) if provided != mode => Err(NegotiationError::ConsentModeNotProvided {
                party: party.to_string(),
                given: mode,
                procedure,
            }),
            Some(_) => Ok(()),
        }
    }
}

impl EntryIntoForceRule {
    /// A rule counts forward from the last consent, by at most ten years.
    pub fn check(self) -> Result<(), NegotiationError> {
        let valid = match self.delay() {
            EntryIntoForceRule::OnLastConsent => true,
            EntryIntoForceRule::DaysAfterLastConsent { days } => {
                days <= MAX_ENTRY_INTO_FORCE_DELAY_DAYS
            }
            EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months } => {
                (1..=MAX_ENTRY_INTO_FORCE_DELAY_MONTHS).contains(&months)
            }
            EntryIntoForceRule::OnLastReceipt
            | EntryIntoForceRule::DaysAfterLastReceipt { .. }
            | EntryIntoForceRule::FirstDayOfMonthAfterLastReceipt { .. } => {
                unreachable!("delay() counts every rule as from consent")
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
        let date = match self.delay() {
            EntryIntoForceRule::OnLastConsent => Some(last_consent),
            EntryIntoForceRule::DaysAfterLastConsent { days } => {
                last_consent.checked_add_days(Days::new(days.into()))
            }
            EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months } => last_consent
                .with_day(1)
                .and_then(|first| first.checked_add_months(Months::new(months))),
            EntryIntoForceRule::OnLastReceipt
            | EntryIntoForceRule::DaysAfterLastReceipt { .. }
            | EntryIntoForceRule::FirstDayOfMonthAfterLastReceipt { .. } => {
                unreachable!("delay() counts every rule as from consent")
            }
        };
        let date = date.unwrap_or(NaiveDate::MAX);
        assert!(
            date >= last_consent,
            "invariant: entry into force never precedes the last consent"
        );
        date
    }
}

/// Recitals, then articles (with their parts, chapters and sections), then final clauses, then
/// annexes, each section in its order (structure.rs). A stable grouping by section: in texts
/// recorded before placement existed, each section in the order proposed, as it always was.
pub(crate) fn in_document_order<'a>(
    clauses: &'a crate::aggregate::Clauses,
    clause_order: &'a [String],
) -> Vec<(&'a str, &'a Clause)> {
    shared_in_document_order(clauses, clause_order)
        .into_iter()
        .map(|(id, clause)| (id, clause.as_ref()))
        .collect()
}

/// `in_document_order`, each clause as the state shares it.
pub(crate) fn shared_in_document_order<'a>(
    clauses: &'a crate::aggregate::Clauses,
    clause_order: &'a [String],
) -> Vec<(&'a str, &'a Arc<Clause>)> {
    let mut ordered: Vec<(&str, &Arc<Clause>)> = clause_order
        .iter()
        .map(|id| (id.as_str(), &clauses[id]))
        .collect();
    ordered.sort_by_key(|(_, clause)| crate::structure::TextSection::of(clause.kind));
    ordered
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

    /// What the parties intend, where the opening stated it (see [`LegalEffect`]).
    pub fn legal_effect(&self) -> Option<&LegalEffect> {
        self.opened.as_ref().and_then(|o| o.legal_effect.as_ref())
    }

    /// Whether the instrument is intended to be legally binding, where the opening stated it:
    /// `Some(false)` for a non-binding instrument, which is signed and takes effect.
    pub fn legally_binding(&self) -> Option<bool> {
        self.opened.as_ref().and_then(Opened::legally_binding)
    }

    /// `party`'s consent procedure, where the opening stated the legal effect.
    pub fn consent_procedure(&self, party: &str) -> Option<ConsentProcedure> {
        self.legal_effect().map(|e| e.procedure_of(party))
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

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn decide_signature(
        &self,
        opened: &Opened,
        actor: &Delegate,
        text_root_hash: &str,
        capacity: SignatureCapacity,
        signed_on: NaiveDate,
        signature: &str,
        words: &SignatureWords<'_>,
    ) -> Decision {
        self.check_adopted_root(text_root_hash)?;
        opened.check_capacity(&actor.party, capacity)?;
        self.check_full_powers_not_refused(actor)?;
        words.check(opened)?;
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
            signatory_title: words.title.map(str::to_string),
            signatory_title_in: words.title_in.clone(),
            place_in: words.place_in.clone(),
        }];
        let bound_by_signature = !opened.consents_after_signature(&actor.party)
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
        if !opened.consents_after_signature(&actor.party) {
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
        instrument: InstrumentOfConsent,
    ) -> Decision {
        opened.check_consent_mode(&actor.party, mode)?;
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
        if let Some(reference) = instrument.reference {
            crate::aggregate::check_name("instrument reference", reference)?;
        }
        if let Some(scan) = instrument.scan_sha256 {
            crate::aggregate::check_hash("scan SHA-256", scan)?;
        }
        let mut events = vec![NegotiationEvent::ConsentExpressed {
            party: actor.party.clone(),
            mode,
            on,
            instrument_reference: instrument.reference.map(str::to_string),
            scan_sha256: instrument.scan_sha256.map(str::to_string),
            transmitted_by: instrument.transmitted_by,
        }];
        // A rule counting from receipt is fixed when the other parties record receiving it.
        if !opened.entry_into_force_rule.counts_from_receipt() {
            events.extend(self.entry_into_force_completed_by(opened, &actor.party, on));
        }
        Ok(events)
    }

    /// A note of the exchange of notes: the proposal, or a reply reproducing it. The reply that
    /// completes the exchange (every other party has replied) concludes the agreement, which
    /// enters into force by its rule counted from that reply's date.
    pub(crate) fn decide_note(
        &self,
        opened: &Opened,
        actor: &Delegate,
        number: &str,
        sent_on: NaiveDate,
        text: &str,
        in_reply_to: Option<&str>,
    ) -> Decision {
        let procedure = opened
            .legal_effect
            .as_ref()
            .map(|e| e.procedure_of(&actor.party));
        if procedure != Some(ConsentProcedure::ExchangeOfNotes) {
            return Err(NegotiationError::NotAnExchangeOfNotes {
                party: actor.party.clone(),
                procedure: procedure.map_or_else(
                    || format!("the rules of its kind ({})", opened.instrument_kind),
                    |p| p.to_string(),
                ),
            });
        }
        crate::aggregate::check_name("note number", number)?;
        crate::aggregate::check_printable("note text", text)?;
        crate::aggregate::check_non_empty("note text", text)?;
        if text.len() > crate::limits::MAX_NOTE_TEXT_BYTES {
            return Err(NegotiationError::NoteTextTooLong {
                number: number.to_string(),
                bytes: text.len(),
                max_note_text_bytes: crate::limits::MAX_NOTE_TEXT_BYTES,
            });
        }
        if self.current.entry_into_force.is_some() {
            return Err(NegotiationError::AlreadyInForce);
        }
        let proposal = self.current.notes.iter().find(|n| n.in_reply_to.is_none());
        let text_hash = note_text_hash(text);
        let note = NegotiationEvent::NoteSent {
            party: actor.party.clone(),
            number: number.to_string(),
            sent_on,
            text: text.to_string(),
            text_hash: text_hash.clone(),
            in_reply_to: in_reply_to.map(str::to_string),
        };
        let Some(in_reply_to) = in_reply_to else {
            return match proposal {
                Some(proposal) => Err(NegotiationError::ProposalNoteExists {
                    number: proposal.number.clone(),
                    text_hash: proposal.text_hash.clone(),
                }),
                // The notes conclude the negotiated text: it must be adopted by every party
                // (which freezes it) before it is proposed. Replies to a proposal recorded
                // before this rule are not refused, so an exchange under way can complete.
                None if !self.is_adopted() => Err(NegotiationError::NotAdopted),
                None => Ok(vec![note]),
            };
        };
        let Some(proposal) = proposal else {
            return Err(NegotiationError::NoProposalNote);
        };
        if proposal.party == actor.party {
            return Err(NegotiationError::ReplyToOwnNote {
                party: actor.party.clone(),
            });
        }
        if in_reply_to != proposal.text_hash {
            return Err(NegotiationError::ReplyDoesNotReproduceProposal {
                reason: format!(
                    "it names the note text hash {in_reply_to}, but the proposal, note {}, has {}",
                    proposal.number, proposal.text_hash
                ),
            });
        }
        if !text.contains(proposal.text.as_str()) {
            return Err(NegotiationError::ReplyDoesNotReproduceProposal {
                reason: format!(
                    "its text does not contain the full text of note {} word for word",
                    proposal.number
                ),
            });
        }
        if sent_on < proposal.sent_on {
            return Err(NegotiationError::ReplyBeforeProposal {
                sent_on,
                proposed_on: proposal.sent_on,
            });
        }
        let replied = |party: &str| {
            party == actor.party
                || self
                    .current
                    .notes
                    .iter()
                    .any(|n| n.party == party && n.in_reply_to.is_some())
        };
        if self
            .current
            .notes
            .iter()
            .any(|n| n.party == actor.party && n.in_reply_to.is_some())
        {
            return Err(already_done(actor, "replied to the proposal note"));
        }
        let mut events = vec![note];
        let others = opened.parties.iter().filter(|p| p.code != proposal.party);
        if others.clone().all(|p| replied(&p.code)) {
            let last_reply = self
                .current
                .notes
                .iter()
                .filter(|n| n.in_reply_to.is_some())
                .map(|n| n.sent_on)
                .chain([sent_on])
                .max()
                .unwrap_or(sent_on);
            let rule = opened.entry_into_force_rule;
            events.push(NegotiationEvent::EntryIntoForceFixed {
                date: rule.date_after(last_reply),
                rule,
                revision: self.current.revision,
            });
        }
        Ok(events)
    }

    /// Another party's head of delegation examines `signatory`'s full powers, as accredited.
    /// A signatory ex officio has none to examine (VCLT art. 7(2)).
    pub(crate) fn decide_full_powers_examination(
        &self,
        actor: &Delegate,
        signatory: &str,
        accepted: bool,
        reason: Option<&str>,
    ) -> Decision {
        let Some((delegate, authority)) = self
            .delegate(signatory)
            .and_then(|d| Some((d, d.signing.as_ref()?)))
        else {
            return Err(NegotiationError::NotASignatory(signatory.to_string()));
        };
        if delegate.party == actor.party {
            return Err(NegotiationError::ExamineOwnFullPowers {
                party: actor.party.clone(),
            });
        }
        let Some(full_powers) = authority
            .full_powers
            .as_ref()
            .filter(|_| !authority.ex_officio)
        else {
            return Err(NegotiationError::FullPowersNotRequired(
                signatory.to_string(),
            ));
        };
        // Full powers are examined before the signature they authorise: a refusal after it
        // would leave the signature standing on powers another party did not accept.
        if let Some(signature) = self
            .current
            .signatures
            .get(&delegate.party)
            .filter(|s| s.signatory == signatory)
        {
            return Err(NegotiationError::FullPowersExaminedAfterSignature {
                signatory: signatory.to_string(),
                signed_on: signature.signed_on,
            });
        }
        let examined = self
            .current
            .full_powers_examinations
            .get(signatory)
            .into_iter()
            .flatten()
            .any(|e| e.examined_by == actor.party && e.reference == full_powers.reference);
        if examined {
            return Err(already_done(actor, "examined these full powers"));
        }
        let reason = match (accepted, reason) {
            (false, None) => {
                return Err(NegotiationError::Empty {
                    field: "reason for not accepting the full powers",
                })
            }
            (_, Some(reason)) => {
                crate::aggregate::check_comment("reason", reason)?;
                Some(reason.to_string())
            }
            (true, None) => None,
        };
        Ok(vec![NegotiationEvent::FullPowersExamined {
            party: delegate.party.clone(),
            signatory: signatory.to_string(),
            reference: full_powers.reference.clone(),
            examined_by: actor.party.clone(),
            accepted,
            reason,
        }])
    }

    /// Refuses a signature by a signatory whose full powers, as accredited, another party
    /// examined and did not accept.
    fn check_full_powers_not_refused(&self, actor: &Delegate) -> Result<(), NegotiationError> {
        let Some(full_powers) = actor
            .signing
            .as_ref()
            .filter(|a| !a.ex_officio)
            .and_then(|a| a.full_powers.as_ref())
        else {
            return Ok(());
        };
        let refusal = self
            .current
            .full_powers_examinations
            .get(&actor.person)
            .into_iter()
            .flatten()
            .find(|e| !e.accepted && e.reference == full_powers.reference);
        match refusal {
            Some(refusal) => Err(NegotiationError::FullPowersRefused {
                signatory: actor.person.clone(),
                examined_by: refusal.examined_by.clone(),
                reason: refusal.reason.clone().unwrap_or_default(),
            }),
            None => Ok(()),
        }
    }

    /// Every examination of full powers, by signatory, each signatory's in order.
    pub fn every_full_powers_examination(
        &self,
    ) -> impl Iterator<Item = (&str, &FullPowersExamination)> {
        self.current
            .full_powers_examinations
            .iter()
            .flat_map(|(signatory, all)| all.iter().map(move |e| (signatory.as_str(), e)))
    }

    /// Each examination of `signatory`'s full powers, in order.
    pub fn full_powers_examinations(&self, signatory: &str) -> &[FullPowersExamination] {
        self.current
            .full_powers_examinations
            .get(signatory)
            .map_or(&[], Vec::as_slice)
    }

    /// The notes of the exchange of notes, in the order sent.
    pub fn notes(&self) -> &[Note] {
        &self.current.notes
    }

    /// The actor's party records the date it received `from_party`'s instrument or notification
    /// of consent. Once every other party has received it, `from_party`'s consent counts, for a
    /// rule counting from receipt, from the last of those dates.
    pub(crate) fn decide_receipt(
        &self,
        opened: &Opened,
        actor: &Delegate,
        from_party: &str,
        received_on: NaiveDate,
    ) -> Decision {
        if from_party == actor.party {
            return Err(NegotiationError::ReceiptOfOwnConsent {
                party: actor.party.clone(),
            });
        }
        if !opened.parties.iter().any(|p| p.code == from_party) {
            return Err(NegotiationError::UnknownParty(from_party.to_string()));
        }
        let Some(consent) = self.current.consents.get(from_party) else {
            return Err(NegotiationError::NoConsentToReceive {
                party: from_party.to_string(),
            });
        };
        if received_on < consent.on {
            return Err(NegotiationError::ReceiptBeforeConsent {
                party: from_party.to_string(),
                received_on,
                consented_on: consent.on,
            });
        }
        if consent.received.contains_key(&actor.party) {
            return Err(already_done(
                actor,
                "recorded receipt of that instrument of consent",
            ));
        }
        let mut events = vec![NegotiationEvent::ConsentReceived {
            party: from_party.to_string(),
            received_by: actor.party.clone(),
            received_on,
        }];
        if opened.entry_into_force_rule.counts_from_receipt() {
            let mut received = consent.received.clone();
            received.insert(actor.party.clone(), received_on);
            if let Some(last) = received_by_every_other(opened, from_party, &received) {
                events.extend(self.entry_into_force_completed_by(opened, from_party, last));
            }
        }
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
            last = last.max(self.consent_date(opened, &other.code)?);
        }
        let rule = opened.entry_into_force_rule;
        Some(NegotiationEvent::EntryIntoForceFixed {
            date: rule.date_after(last),
            rule,
            revision: self.current.revision,
        })
    }

    /// The date on which `party`'s consent to be bound was complete, if it is: for a rule
    /// counting from receipt, the date the last other party received its instrument.
    fn consent_date(&self, opened: &Opened, party: &str) -> Option<NaiveDate> {
        if opened.consents_after_signature(party) {
            let consent = self.current.consents.get(party)?;
            if opened.entry_into_force_rule.counts_from_receipt() {
                return received_by_every_other(opened, party, &consent.received);
            }
            return Some(consent.on);
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
            signatory_title: None,
            signatory_title_in: BTreeMap::new(),
            place_in: BTreeMap::new(),
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
            instrument_reference: None,
            scan_sha256: None,
            transmitted_by: None,
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
            ActionKind::RecordReceipt => crate::legal_effect_tests::ratified_by_mar(),
            ActionKind::SendNote => crate::legal_effect_tests::exchange_of_notes(),
            ActionKind::ExamineFullPowers => adopted_as(InstrumentKind::Treaty),
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
            ActionKind::AgreeStructureChange => {
                followed_by(negotiating(), [crate::structure_tests::freeze_proposed()])
            }
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
                    signatory_title: None,
                    signatory_title_in: BTreeMap::new(),
                    place_in: BTreeMap::new(),
                }
            }
            ActionKind::ExamineFullPowers => Action::ExamineFullPowers {
                signatory: MAR_SIGNATORY.into(),
                accepted: true,
                reason: None,
            },
            ActionKind::ConfirmSignature => Action::ConfirmSignature {
                confirmed_on: date("2026-03-01"),
            },
            ActionKind::ExpressConsent => Action::ExpressConsent {
                mode: ConsentMode::Ratification,
                on: date("2026-03-01"),
                instrument_reference: None,
                scan_sha256: None,
                transmitted_by: None,
            },
            ActionKind::RecordReceipt => Action::RecordReceipt {
                from_party: "MAR".into(),
                received_on: date("2026-03-05"),
            },
            ActionKind::SendNote => crate::legal_effect_tests::proposal_note(),
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
