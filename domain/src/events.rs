//! What the ledger records. Events are facts: once stored they are never changed, only
//! followed by other events. Each event carries what a reader needs to understand it without
//! replaying the rules; who did it and when is in the event's metadata.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use crate::matrices::{RowContent, RowProgress};
use crate::values::{
    ClauseKind, ConsentMode, Delegate, EntryIntoForceRule, Facilitator, InstrumentKind, Party,
    Position, RoundKind, SignatureCapacity,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum NegotiationEvent {
    NegotiationOpened {
        negotiation_id: String,
        title: String,
        /// The title in other authentic languages, by BCP 47 tag. Absent in openings recorded
        /// before it existed, and when none was given.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        titles: BTreeMap<String, String>,
        instrument_kind: InstrumentKind,
        parties: Vec<Party>,
        facilitator: Option<Facilitator>,
        languages: Vec<String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        language_responsibility: BTreeMap<String, String>,
        /// Absent in events recorded before rules were stored: the kind's usual rule applies.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        entry_into_force_rule: Option<EntryIntoForceRule>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        termination_notice_months: Option<u32>,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        provisional_application: bool,
        /// The parties (and the facilitator) named by the opener that take part only once their
        /// head of delegation (or secretariat) accepts: every one but the opener's. Absent in
        /// openings recorded before acceptance existed, where every party takes part at once.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        awaiting_acceptance: Vec<String>,
        /// Whether the instrument is intended to be legally binding, and each party's consent
        /// procedure. Absent in openings recorded before it existed (and when the opener stated
        /// none): the kind of instrument decides, as it did.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        legal_effect: Option<crate::values::LegalEffect>,
        /// How the Arabic version numbers articles; absent: numerals, as before it was stored.
        #[serde(
            default,
            skip_serializing_if = "crate::structure::ArabicArticleNumbering::is_numerals"
        )]
        arabic_article_numbering: crate::structure::ArabicArticleNumbering,
    },
    /// The party, named in the opening, takes part in the negotiation from now on.
    NegotiationAccepted {
        party: String,
    },
    DelegateAccredited {
        delegate: Delegate,
    },
    ClauseProposed {
        clause_id: String,
        kind: ClauseKind,
        heading: String,
        language: String,
        text: String,
        text_hash: String,
        proposed_by: String,
    },
    ClauseAmended {
        clause_id: String,
        base_text_hash: String,
        heading: String,
        language: String,
        text: String,
        text_hash: String,
        /// The party whose wording this is: the amender's, or for a chosen alternative its
        /// proposer's. Absent in amendments recorded before it was stored (the amender's party
        /// is in the metadata).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        amended_by: Option<String>,
    },
    Commented {
        clause_id: Option<String>,
        text: String,
        /// A comment for the commenter's own party (the `party` of the event's metadata).
        /// Absent when shared, so comments recorded before the field existed hash unchanged.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        internal: bool,
    },
    ClauseAgreed {
        clause_id: String,
        party: String,
        text_hash: String,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        ad_referendum: bool,
    },
    AlternativeProposed {
        clause_id: String,
        label: String,
        heading: String,
        language: String,
        text: String,
        text_hash: String,
        proposed_by: String,
    },
    PositionStated {
        clause_id: String,
        party: String,
        position: Position,
        rationale: String,
    },
    AlternativeChosen {
        clause_id: String,
        label: String,
        base_text_hash: String,
        text_hash: String,
    },
    /// The party proposes lifting the brackets with this alternative. It is a proposal: the
    /// alternative becomes the wording (`AlternativeChosen`) once every party agrees its text
    /// hash. A later proposal replaces it; an amendment or the alternative's withdrawal ends it.
    AlternativeChoiceProposed {
        clause_id: String,
        label: String,
        base_text_hash: String,
        text_hash: String,
        proposed_by: String,
    },
    /// The party that proposed the alternative withdraws it.
    AlternativeWithdrawn {
        clause_id: String,
        label: String,
        reason: String,
    },
    ClauseAgreementConfirmed {
        clause_id: String,
        party: String,
    },
    ClauseReopened {
        clause_id: String,
        reason: String,
    },
    /// The clause stands right after `after`, or right before `before`, in its section: with its
    /// proposal when it was proposed there, or when every party agreed to move it there.
    ClausePlaced {
        clause_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<String>,
    },
    /// The party proposes a change of the text's structure (a move, freezing the numbering); it
    /// takes effect once every party agrees it (`StructureChangeAgreed`).
    StructureChangeProposed {
        proposal_id: String,
        change: crate::structure::StructureChange,
        proposed_by: String,
    },
    StructureChangeAgreed {
        proposal_id: String,
        party: String,
    },
    /// Recorded with the last party's agreement to freeze the numbering: each article's number
    /// from now on, by clause id.
    NumberingFrozen {
        numbers: BTreeMap<String, u32>,
    },
    RoundOpened {
        round_id: String,
        kind: RoundKind,
        place: String,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
    },
    RoundClosed {
        round_id: String,
    },
    MinutesRecorded {
        round_id: String,
        minutes_hash: String,
        reference: String,
    },
    MinutesAdopted {
        round_id: String,
        party: String,
        minutes_hash: String,
    },
    ClauseWithdrawn {
        clause_id: String,
        reason: String,
    },
    ClauseTranslated {
        clause_id: String,
        language: String,
        heading: String,
        text: String,
        text_hash: String,
        source_text_hash: String,
    },
    ConcordanceVerified {
        clause_id: String,
        language: String,
        text_hash: String,
        source_text_hash: String,
        party: String,
    },
    TextAdopted {
        party: String,
        text_root_hash: String,
    },
    TextInitialled {
        party: String,
        text_root_hash: String,
    },
    InstrumentSigned {
        party: String,
        signatory: String,
        /// The revision signed, as in the signing message; absent for the original (0).
        #[serde(default, skip_serializing_if = "is_original")]
        revision: u32,
        capacity: SignatureCapacity,
        text_root_hash: String,
        signed_on: NaiveDate,
        signature: String,
        /// The signatory's title or function, where recorded (not part of the signing message).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signatory_title: Option<String>,
        /// The title in authentic languages (language → title), where recorded: each language
        /// version's signature block shows its own, else `signatory_title`. Absent from every
        /// event recorded without one, so those keep their bytes and hashes.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        signatory_title_in: BTreeMap<String, String>,
        /// The place of signature as authentic languages name it (language → name), where it
        /// differs from the place stated in the metadata (`took_place_in`).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        place_in: BTreeMap<String, String>,
    },
    /// `examined_by`'s head of delegation examined the full powers (`reference`) with which
    /// `party`'s `signatory` was accredited: accepted, or not for `reason`.
    FullPowersExamined {
        party: String,
        signatory: String,
        reference: String,
        examined_by: String,
        accepted: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    SignatureConfirmed {
        party: String,
        confirmed_on: NaiveDate,
    },
    ConsentExpressed {
        party: String,
        mode: ConsentMode,
        on: NaiveDate,
        /// The instrument's reference, its scan's SHA-256 and how it was transmitted, where
        /// recorded (absent in consents recorded before they could be).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instrument_reference: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scan_sha256: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transmitted_by: Option<crate::values::Transmission>,
    },
    /// `party` sent a note of the exchange of notes constituting the agreement: the proposal, or
    /// a reply reproducing the proposal whose note text hash is `in_reply_to`.
    NoteSent {
        party: String,
        number: String,
        sent_on: NaiveDate,
        text: String,
        /// Lower-case hex SHA-256 of `text`'s UTF-8 bytes (in NFC).
        text_hash: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        in_reply_to: Option<String>,
    },
    /// `received_by` received `party`'s instrument or notification of consent on `received_on`.
    ConsentReceived {
        party: String,
        received_by: String,
        received_on: NaiveDate,
    },
    /// Recorded with the act that completes every party's consent.
    EntryIntoForceFixed {
        date: NaiveDate,
        rule: EntryIntoForceRule,
        /// The revision whose text enters into force; absent for the original (0).
        #[serde(default, skip_serializing_if = "is_original")]
        revision: u32,
    },
    NegotiationAbandoned {
        reason: String,
    },
    MatrixCreated {
        matrix_id: String,
        title: String,
    },
    RowProposed {
        matrix_id: String,
        row_id: String,
        content: RowContent,
        row_hash: String,
    },
    RowAgreed {
        matrix_id: String,
        row_id: String,
        party: String,
        row_hash: String,
    },
    MatrixValidated {
        matrix_id: String,
        round_id: String,
    },
    ProgressReported {
        matrix_id: String,
        row_id: String,
        progress: RowProgress,
        reported_on: NaiveDate,
        note: String,
    },
    ProvisionalApplicationStarted {
        party: String,
        from: NaiveDate,
    },
    OperationSuspended {
        party: String,
        from: NaiveDate,
        reason: String,
    },
    OperationResumed {
        party: String,
        from: NaiveDate,
    },
    TerminationNotified {
        party: String,
        notified_on: NaiveDate,
        effective_on: NaiveDate,
        reason: String,
    },
    /// The text in force, named by its root hash, is set aside unchanged; `revision` negotiates
    /// a copy of it.
    RevisionOpened {
        revision: u32,
        base_revision: u32,
        base_text_root_hash: String,
        opened_on: NaiveDate,
        reason: String,
    },
    /// The revision is dropped; the text in force stays as it was.
    RevisionAbandoned {
        revision: u32,
        reason: String,
    },
    CorrectionProposed {
        correction_id: String,
        clause_id: String,
        language: String,
        base_text_hash: String,
        heading: String,
        text: String,
        text_hash: String,
        reason: String,
        proposed_by: String,
    },
    CorrectionAgreed {
        correction_id: String,
        party: String,
        text_hash: String,
    },
    /// Recorded with the last party's agreement: the corrected wording replaces the erroneous one,
    /// and the text's root hash changes from `previous_text_root_hash` to `text_root_hash`.
    TextCorrected {
        correction_id: String,
        previous_text_root_hash: String,
        text_root_hash: String,
    },
}

/// Revision 0 is left out of events, so that events of original instruments read as before.
fn is_original(revision: &u32) -> bool {
    *revision == crate::lifecycle::ORIGINAL_REVISION
}

impl NegotiationEvent {
    pub const VERSION: &'static str = "1";

    pub fn name(&self) -> &'static str {
        match self {
            NegotiationEvent::NegotiationOpened { .. } => "NegotiationOpened",
            NegotiationEvent::NegotiationAccepted { .. } => "NegotiationAccepted",
            NegotiationEvent::DelegateAccredited { .. } => "DelegateAccredited",
            NegotiationEvent::ClauseProposed { .. } => "ClauseProposed",
            NegotiationEvent::ClauseAmended { .. } => "ClauseAmended",
            NegotiationEvent::Commented { .. } => "Commented",
            NegotiationEvent::ClauseAgreed { .. } => "ClauseAgreed",
            NegotiationEvent::ClauseWithdrawn { .. } => "ClauseWithdrawn",
            NegotiationEvent::ClauseTranslated { .. } => "ClauseTranslated",
            NegotiationEvent::ConcordanceVerified { .. } => "ConcordanceVerified",
            NegotiationEvent::TextAdopted { .. } => "TextAdopted",
            NegotiationEvent::TextInitialled { .. } => "TextInitialled",
            NegotiationEvent::InstrumentSigned { .. } => "InstrumentSigned",
            NegotiationEvent::SignatureConfirmed { .. } => "SignatureConfirmed",
            NegotiationEvent::ConsentExpressed { .. } => "ConsentExpressed",
            NegotiationEvent::ConsentReceived { .. } => "ConsentReceived",
            NegotiationEvent::NoteSent { .. } => "NoteSent",
            NegotiationEvent::FullPowersExamined { .. } => "FullPowersExamined",
            NegotiationEvent::EntryIntoForceFixed { .. } => "EntryIntoForceFixed",
            NegotiationEvent::NegotiationAbandoned { .. } => "NegotiationAbandoned",
            NegotiationEvent::OperationSuspended { .. } => "OperationSuspended",
            NegotiationEvent::ProvisionalApplicationStarted { .. } => {
                "ProvisionalApplicationStarted"
            }
            NegotiationEvent::MatrixCreated { .. } => "MatrixCreated",
            NegotiationEvent::RowProposed { .. } => "RowProposed",
            NegotiationEvent::RowAgreed { .. } => "RowAgreed",
            NegotiationEvent::MatrixValidated { .. } => "MatrixValidated",
            NegotiationEvent::ProgressReported { .. } => "ProgressReported",
            NegotiationEvent::OperationResumed { .. } => "OperationResumed",
            NegotiationEvent::TerminationNotified { .. } => "TerminationNotified",
            NegotiationEvent::AlternativeProposed { .. } => "AlternativeProposed",
            NegotiationEvent::PositionStated { .. } => "PositionStated",
            NegotiationEvent::AlternativeChosen { .. } => "AlternativeChosen",
            NegotiationEvent::AlternativeChoiceProposed { .. } => "AlternativeChoiceProposed",
            NegotiationEvent::AlternativeWithdrawn { .. } => "AlternativeWithdrawn",
            NegotiationEvent::ClauseAgreementConfirmed { .. } => "ClauseAgreementConfirmed",
            NegotiationEvent::ClauseReopened { .. } => "ClauseReopened",
            NegotiationEvent::ClausePlaced { .. } => "ClausePlaced",
            NegotiationEvent::StructureChangeProposed { .. } => "StructureChangeProposed",
            NegotiationEvent::StructureChangeAgreed { .. } => "StructureChangeAgreed",
            NegotiationEvent::NumberingFrozen { .. } => "NumberingFrozen",
            NegotiationEvent::RoundOpened { .. } => "RoundOpened",
            NegotiationEvent::RoundClosed { .. } => "RoundClosed",
            NegotiationEvent::MinutesRecorded { .. } => "MinutesRecorded",
            NegotiationEvent::MinutesAdopted { .. } => "MinutesAdopted",
            NegotiationEvent::RevisionOpened { .. } => "RevisionOpened",
            NegotiationEvent::RevisionAbandoned { .. } => "RevisionAbandoned",
            NegotiationEvent::CorrectionProposed { .. } => "CorrectionProposed",
            NegotiationEvent::CorrectionAgreed { .. } => "CorrectionAgreed",
            NegotiationEvent::TextCorrected { .. } => "TextCorrected",
        }
    }
}

impl NegotiationEvent {
    /// The clause the event is about, when the event itself names one. Acts on a correction
    /// (`CorrectionAgreed`, `TextCorrected`) name only the correction: a fold that needs their
    /// clause reads it from the `CorrectionProposed` they follow.
    pub fn clause_id(&self) -> Option<&str> {
        match self {
            NegotiationEvent::ClauseProposed { clause_id, .. }
            | NegotiationEvent::ClauseAmended { clause_id, .. }
            | NegotiationEvent::ClauseAgreed { clause_id, .. }
            | NegotiationEvent::AlternativeProposed { clause_id, .. }
            | NegotiationEvent::PositionStated { clause_id, .. }
            | NegotiationEvent::AlternativeChosen { clause_id, .. }
            | NegotiationEvent::AlternativeChoiceProposed { clause_id, .. }
            | NegotiationEvent::AlternativeWithdrawn { clause_id, .. }
            | NegotiationEvent::ClauseAgreementConfirmed { clause_id, .. }
            | NegotiationEvent::ClauseReopened { clause_id, .. }
            | NegotiationEvent::ClausePlaced { clause_id, .. }
            | NegotiationEvent::ClauseWithdrawn { clause_id, .. }
            | NegotiationEvent::ClauseTranslated { clause_id, .. }
            | NegotiationEvent::ConcordanceVerified { clause_id, .. }
            | NegotiationEvent::CorrectionProposed { clause_id, .. } => Some(clause_id),
            NegotiationEvent::Commented { clause_id, .. } => clause_id.as_deref(),
            // A proposed move is about the clause it moves; freezing the numbering about none.
            NegotiationEvent::StructureChangeProposed {
                change: crate::structure::StructureChange::Move { clause_id, .. },
                ..
            } => Some(clause_id),
            NegotiationEvent::NegotiationOpened { .. }
            | NegotiationEvent::NegotiationAccepted { .. }
            | NegotiationEvent::DelegateAccredited { .. }
            | NegotiationEvent::StructureChangeProposed { .. }
            | NegotiationEvent::StructureChangeAgreed { .. }
            | NegotiationEvent::NumberingFrozen { .. }
            | NegotiationEvent::RoundOpened { .. }
            | NegotiationEvent::RoundClosed { .. }
            | NegotiationEvent::MinutesRecorded { .. }
            | NegotiationEvent::MinutesAdopted { .. }
            | NegotiationEvent::TextAdopted { .. }
            | NegotiationEvent::TextInitialled { .. }
            | NegotiationEvent::InstrumentSigned { .. }
            | NegotiationEvent::SignatureConfirmed { .. }
            | NegotiationEvent::ConsentExpressed { .. }
            | NegotiationEvent::ConsentReceived { .. }
            | NegotiationEvent::NoteSent { .. }
            | NegotiationEvent::FullPowersExamined { .. }
            | NegotiationEvent::EntryIntoForceFixed { .. }
            | NegotiationEvent::NegotiationAbandoned { .. }
            | NegotiationEvent::MatrixCreated { .. }
            | NegotiationEvent::RowProposed { .. }
            | NegotiationEvent::RowAgreed { .. }
            | NegotiationEvent::MatrixValidated { .. }
            | NegotiationEvent::ProgressReported { .. }
            | NegotiationEvent::ProvisionalApplicationStarted { .. }
            | NegotiationEvent::OperationSuspended { .. }
            | NegotiationEvent::OperationResumed { .. }
            | NegotiationEvent::TerminationNotified { .. }
            | NegotiationEvent::RevisionOpened { .. }
            | NegotiationEvent::RevisionAbandoned { .. }
            | NegotiationEvent::CorrectionAgreed { .. }
            | NegotiationEvent::TextCorrected { .. } => None,
        }
    }
}

#[cfg(feature = "cqrs")]
impl cqrs_es::DomainEvent for NegotiationEvent {
    fn event_type(&self) -> String {
        self.name().to_string()
    }

    fn event_version(&self) -> String {
        Self::VERSION.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_acts_name_their_clause_and_other_acts_none() {
        let withdrawn = NegotiationEvent::ClauseWithdrawn {
            clause_id: "art-1".into(),
            reason: "merged".into(),
        };
        assert_eq!(withdrawn.clause_id(), Some("art-1"));
        let general_comment = NegotiationEvent::Commented {
            clause_id: None,
            text: "on the whole text".into(),
            internal: false,
        };
        assert_eq!(general_comment.clause_id(), None);
        let comment = NegotiationEvent::Commented {
            clause_id: Some("art-2".into()),
            text: "on article 2".into(),
            internal: true,
        };
        assert_eq!(comment.clause_id(), Some("art-2"));
        let correction = NegotiationEvent::CorrectionProposed {
            correction_id: "corr-1".into(),
            clause_id: "art-3".into(),
            language: "ar".into(),
            base_text_hash: "b".into(),
            heading: String::new(),
            text: "t".into(),
            text_hash: "h".into(),
            reason: "typo".into(),
            proposed_by: "MAR".into(),
        };
        assert_eq!(correction.clause_id(), Some("art-3"));
        let corrected = NegotiationEvent::TextCorrected {
            correction_id: "corr-1".into(),
            previous_text_root_hash: "a".into(),
            text_root_hash: "b".into(),
        };
        assert_eq!(corrected.clause_id(), None, "named through its correction");
        assert_eq!(
            NegotiationEvent::RoundClosed {
                round_id: "round-1".into()
            }
            .clause_id(),
            None
        );
    }
}
