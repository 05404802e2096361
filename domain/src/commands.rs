//! What a person asks the ledger to record. Every field is checked by the aggregate before
//! anything is recorded; a command is only a request.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use chrono::NaiveDate;

use crate::matrices::{RowContent, RowProgress};
use crate::values::{
    ClauseKind, ConsentMode, EntryIntoForceRule, Facilitator, InstrumentKind, Party, Position,
    Role, RoundKind, SignatureCapacity, SigningAuthority,
};

/// One negotiating act, and the person performing it. The application establishes who the
/// person is (a CLI flag today, an authenticated token later); the domain decides whether
/// that person may perform the act.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NegotiationCommand {
    pub actor: String,
    pub action: Action,
    /// When (and where) the act took place; absent, on the day it is recorded, or on the act's
    /// own date (`signed_on`…). Left out when absent, so the fingerprint of a command that
    /// states none is what it was before occasions existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub took_place: Option<crate::occasion::Occasion>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
// `deny_unknown_fields` on an internally tagged enum applies to each variant's own fields (the
// tag is taken out first): a misspelt `"Internal": true` is refused, never dropped. The values
// an act carries (parties, signing authority, matrix rows…) are also fields of stored events,
// which must keep decoding as they are, so they are not marked: `Deserialize for Action` below
// refuses an unknown field at any depth instead. `remote = "Self"` makes the derives inherent
// functions (`Action::deserialize`, `Action::serialize`) that the trait impls below call.
#[serde(
    tag = "type",
    rename_all = "kebab-case",
    deny_unknown_fields,
    remote = "Self"
)]
pub enum Action {
    /// Open a negotiation between parties, each with its head of delegation. The actor must be
    /// one of those heads, or the facilitator's secretariat. Each person named must be bound to
    /// their party in the operator's register, and is recorded under the register's name (a
    /// name given here must be that one). Every other party (and the facilitator) takes part
    /// only once its head (or secretariat) accepts.
    OpenNegotiation {
        negotiation_id: String,
        title: String,
        /// The title in authentic languages other than the one `title` is written in, by BCP 47
        /// tag, as each language version heads the instrument.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        titles: BTreeMap<String, String>,
        instrument_kind: InstrumentKind,
        parties: Vec<Party>,
        #[serde(default)]
        facilitator: Option<Facilitator>,
        /// BCP 47 tags of the authentic languages, in the order the instrument lists them.
        languages: Vec<String>,
        /// For a language whose version one party is responsible for: that party's code. Only
        /// its legal-linguists then verify concordance in that language.
        #[serde(default)]
        language_responsibility: BTreeMap<String, String>,
        /// When the instrument enters into force; the kind's usual rule when absent.
        #[serde(default)]
        entry_into_force_rule: Option<EntryIntoForceRule>,
        /// Months between a notice of termination and its effect; six when absent.
        #[serde(default)]
        termination_notice_months: Option<u32>,
        /// Whether a party that has signed may apply the instrument provisionally, pending entry
        /// into force (art. 25 VCLT).
        #[serde(default)]
        provisional_application: bool,
        /// Whether the instrument is intended to be legally binding, and how each party
        /// consents to be bound. Absent: the kind of instrument decides (a treaty is ratified,
        /// an agreement binds on signature, an MoU is not binding).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        legal_effect: Option<crate::values::LegalEffect>,
        /// How the Arabic version numbers articles: `numerals` ("المادة 1", when absent) or
        /// `ordinal-words` ("المادة الأولى"…).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        arabic_article_numbering: Option<crate::structure::ArabicArticleNumbering>,
    },
    /// Accredit a member of the actor's own delegation (or the facilitator's staff), whom the
    /// operator's register binds to that party. The name is the register's; one given here
    /// must be the same.
    AccreditDelegate {
        person: String,
        #[serde(default)]
        name: String,
        party: String,
        role: Role,
        /// Required for a signatory, refused for anyone else.
        #[serde(default)]
        signing: Option<SigningAuthority>,
    },
    /// The actor's party, named in an opening by another, takes part in the negotiation. Only
    /// its head of delegation (or the facilitator's secretariat) named in the opening may
    /// accept, and until they do no one else of that party may act.
    AcceptNegotiation,
    /// Propose a clause. It goes at the end of its section (recitals, articles, final clauses,
    /// annexes) unless placed right `after` or `before` another clause of that section.
    ProposeClause {
        clause_id: String,
        kind: ClauseKind,
        #[serde(default)]
        heading: String,
        language: String,
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        after: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        before: Option<String>,
    },
    /// Replace a clause's wording. `base_text_hash` is the wording the author saw: if someone
    /// changed it since, the amendment is refused rather than silently overwriting theirs.
    AmendClause {
        clause_id: String,
        base_text_hash: String,
        /// The heading of the new wording. Absent: the clause keeps its heading in `language`
        /// (refused when it has none in that language yet). Given empty: no heading.
        #[serde(default)]
        heading: Option<String>,
        language: String,
        text: String,
    },
    Comment {
        #[serde(default)]
        clause_id: Option<String>,
        text: String,
        /// For the actor's own delegation only. The service shows it to no other party; the
        /// event is in the ledger like any other, so this is access control, not secrecy.
        #[serde(default)]
        internal: bool,
    },
    /// The actor's party agrees to exactly this wording of the clause.
    AgreeClause {
        clause_id: String,
        text_hash: String,
        /// Agreement subject to confirmation by the party's capital.
        #[serde(default)]
        ad_referendum: bool,
    },
    /// Bracket the current wording with an alternative, labelled "A", "B", …
    ProposeAlternative {
        clause_id: String,
        label: String,
        /// As for an amendment: absent keeps the clause's heading in `language`; empty is none.
        #[serde(default)]
        heading: Option<String>,
        language: String,
        text: String,
    },
    /// State the actor's party's position on the clause's current wording.
    StatePosition {
        clause_id: String,
        position: Position,
        #[serde(default)]
        rationale: String,
    },
    /// Withdraw an alternative the actor's party proposed. With the last one gone, the
    /// brackets lift and the standing wording remains.
    WithdrawAlternative {
        clause_id: String,
        label: String,
        reason: String,
    },
    /// Propose resolving the brackets with this alternative. Lifting brackets is a joint
    /// decision: the alternative becomes the clause's wording only once every party has agreed
    /// its text hash (`AgreeClause`); until then the choice is a proposal.
    ChooseAlternative {
        clause_id: String,
        label: String,
        base_text_hash: String,
    },
    /// Confirm the actor's party's agreement ad referendum to the clause's current wording.
    ConfirmClauseAgreement {
        clause_id: String,
    },
    /// Reopen an agreed clause for negotiation; only before the text is authenticated.
    ReopenClause {
        clause_id: String,
        reason: String,
    },
    /// Open a round, meeting or session; acts recorded until it closes belong to it.
    OpenRound {
        round_id: String,
        kind: RoundKind,
        place: String,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
    },
    CloseRound {
        round_id: String,
    },
    /// Put the round's minutes on record, by the SHA-256 of the minutes document.
    RecordMinutes {
        round_id: String,
        minutes_hash: String,
        reference: String,
    },
    /// The actor's party adopts the minutes on record.
    AdoptMinutes {
        round_id: String,
        minutes_hash: String,
    },
    WithdrawClause {
        clause_id: String,
        reason: String,
    },
    /// Record a clause's wording in another authentic language, translating the reference
    /// wording named by `source_text_hash`.
    TranslateClause {
        clause_id: String,
        language: String,
        #[serde(default)]
        heading: String,
        text: String,
        source_text_hash: String,
    },
    /// A legal-linguist attests that the version in `language` (named by its hash) says the same
    /// as the reference wording (art. 33 VCLT).
    VerifyConcordance {
        clause_id: String,
        language: String,
        text_hash: String,
    },
    /// The actor's party adopts the text named by its root hash (art. 9 VCLT).
    AdoptText {
        text_root_hash: String,
    },
    /// The actor's party initials the adopted text, authenticating it (art. 10 VCLT).
    InitialText {
        text_root_hash: String,
    },
    /// A signatory signs the adopted text. `signature` is the hex Ed25519 signature of the signing
    /// message (docs/ledger-format.md), made on the signatory's own machine.
    SignInstrument {
        text_root_hash: String,
        capacity: SignatureCapacity,
        signed_on: NaiveDate,
        signature: String,
        /// The signatory's title or function ("Ministre des Affaires étrangères"), as the
        /// signature block shows it. Recorded, not part of the signing message.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        signatory_title: Option<String>,
        /// The title in authentic languages (language → title), as each language version's
        /// signature block shows it; a version without one shows `signatory_title`.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        signatory_title_in: BTreeMap<String, String>,
        /// The place of signature as authentic languages name it (language → name, "ar" →
        /// "الرباط"), where it differs from the place the act states (`took_place`); the
        /// testimonium and signature block of that language version show it.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        place_in: BTreeMap<String, String>,
    },
    /// The actor, head of delegation of another party, examines the full powers a signatory was
    /// accredited with (art. 7 VCLT): accepted, or not with a reason. A signatory whose full
    /// powers were not accepted cannot sign.
    ExamineFullPowers {
        signatory: String,
        accepted: bool,
        /// Why they are not accepted; required when they are not.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The competent authority confirms its party's signature ad referendum (art. 12(2)(b)).
    ConfirmSignature {
        confirmed_on: NaiveDate,
    },
    /// The competent authority expresses its party's consent to be bound (art. 14 and 16).
    ExpressConsent {
        mode: ConsentMode,
        on: NaiveDate,
        /// The instrument's reference ("Dahir n° 1-26-12", a decree's number).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        instrument_reference: Option<String>,
        /// Lower-case hex SHA-256 of the instrument's scan (the CLI hashes the file given).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scan_sha256: Option<String>,
        /// How the instrument reaches the other parties.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        transmitted_by: Option<crate::values::Transmission>,
    },
    /// The actor's party sends a diplomatic note of an exchange of notes constituting the
    /// agreement (art. 13): the proposal, or (with `in_reply_to`, the proposal's note text hash)
    /// the reply, whose full text reproduces the proposal's. The agreement is concluded when
    /// every other party has replied.
    SendNote {
        /// The note's number ("N° 0123/MAEIA/DAJ").
        number: String,
        sent_on: NaiveDate,
        /// The note's full text.
        text: String,
        /// For a reply: the note text hash of the proposal it reproduces.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        in_reply_to: Option<String>,
    },
    /// The actor's party records the date it received another party's instrument of
    /// ratification (approval, acceptance…) or its notification of completion: the date
    /// entry-into-force rules counting from receipt count from.
    RecordReceipt {
        /// The party whose instrument or notification was received.
        from_party: String,
        received_on: NaiveDate,
    },
    /// Create an action matrix (an annex of actions, responsibilities and indicators).
    CreateMatrix {
        matrix_id: String,
        title: String,
    },
    /// Propose a new row, or (with `base_row_hash`, the content you saw) change an existing one.
    ProposeRow {
        matrix_id: String,
        row_id: String,
        content: RowContent,
        #[serde(default)]
        base_row_hash: Option<String>,
    },
    /// The actor's party agrees to exactly this content of a row.
    AgreeRow {
        matrix_id: String,
        row_id: String,
        row_hash: String,
    },
    /// Validate a matrix, every row agreed by every party, at a session (workshop).
    ValidateMatrix {
        matrix_id: String,
        round_id: String,
    },
    /// Report implementation progress on a row of a validated matrix.
    ReportProgress {
        matrix_id: String,
        row_id: String,
        progress: RowProgress,
        reported_on: NaiveDate,
        #[serde(default)]
        note: String,
    },
    /// Apply the signed instrument provisionally from a date, pending entry into force (art. 25).
    ApplyProvisionally {
        from: NaiveDate,
    },
    /// Suspend the operation of an instrument in force, from a date (art. 57-58 VCLT).
    SuspendOperation {
        from: NaiveDate,
        reason: String,
    },
    /// Resume the operation suspended by the actor's party.
    ResumeOperation {
        from: NaiveDate,
    },
    /// Notify termination; it takes effect after the instrument's notice period (art. 56, 65).
    NotifyTermination {
        notified_on: NaiveDate,
        reason: String,
    },
    /// End the negotiation without an instrument; only before the text is authenticated. During
    /// a revision, abandons the revision: the text in force stays as it is.
    AbandonNegotiation {
        reason: String,
    },
    /// Open a revision (an amending instrument) of the text in force. The text in force is kept
    /// unchanged; the revision negotiates a copy of it under the same rules.
    OpenRevision {
        opened_on: NaiveDate,
        reason: String,
    },
    /// Propose to correct an error in the authenticated text (art. 79 VCLT): the wording of one
    /// clause in one language, named by `base_text_hash`, becomes `heading` and `text`.
    ProposeCorrection {
        correction_id: String,
        clause_id: String,
        language: String,
        base_text_hash: String,
        #[serde(default)]
        heading: String,
        text: String,
        reason: String,
    },
    /// The actor's party agrees to exactly this corrected wording; the last party's agreement
    /// makes the correction.
    AgreeCorrection {
        correction_id: String,
        text_hash: String,
    },
    /// Propose a change of the text's structure: moving a clause, or freezing the numbering of
    /// the articles. It takes effect once every party has agreed it (`AgreeStructureChange`).
    ProposeStructureChange {
        proposal_id: String,
        change: crate::structure::StructureChange,
    },
    /// The actor's party agrees the proposed structure change; the last party's agreement
    /// carries it out.
    AgreeStructureChange {
        proposal_id: String,
    },
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Action::serialize(self, serializer)
    }
}

/// An act is read strictly: every field at every depth must be one the act has. The derived
/// reading refuses an unknown field of the act itself; a field unknown to a value the act
/// carries (`"nmae"` in a party) is one that the act read back does not hold, and is refused
/// with its path, before anything is decided.
impl<'de> Deserialize<'de> for Action {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let given = serde_json::Value::deserialize(deserializer)?;
        let action = Action::deserialize(&given).map_err(D::Error::custom)?;
        let read = serde_json::to_value(&action).map_err(D::Error::custom)?;
        match unknown_field(&given, &read, "action") {
            Some(path) => Err(D::Error::custom(format_args!("unknown field {path}"))),
            None => Ok(action),
        }
    }
}

/// The first key of `given` that `read` (the same value read and written back) does not hold,
/// as a path (`action.parties[1].head_of_delegation.nmae`). A key given as `null` and written
/// back as absent is an optional value left out, not an unknown field.
fn unknown_field(
    given: &serde_json::Value,
    read: &serde_json::Value,
    path: &str,
) -> Option<String> {
    use serde_json::Value;
    match (given, read) {
        (Value::Object(given), Value::Object(read)) => given.iter().find_map(|(key, value)| {
            let inner = format!("{path}.{key}");
            match read.get(key) {
                Some(read_value) => unknown_field(value, read_value, &inner),
                None if value.is_null() => None,
                None => Some(format!("`{key}` in {path}")),
            }
        }),
        (Value::Array(given), Value::Array(read)) => {
            given
                .iter()
                .zip(read)
                .enumerate()
                .find_map(|(index, (value, read_value))| {
                    unknown_field(value, read_value, &format!("{path}[{index}]"))
                })
        }
        _ => None,
    }
}

impl NegotiationCommand {
    /// The command with every wording whose hash it records in Unicode Normalization Form C
    /// (docs/ledger-format.md, "Text normalisation"), or `None` when they all are already (the
    /// command is decided as sent): one wording typed with a precomposed "é" or with "e" and a
    /// combining accent is one text, with one hash. Clause headings and texts in every
    /// language, and a matrix row's content.
    pub(crate) fn in_nfc(&self) -> Option<NegotiationCommand> {
        let mut command = self.clone();
        let mut changed = false;
        for wording in command.action.hashed_wordings() {
            if !unicode_normalization::is_nfc(wording) {
                *wording =
                    unicode_normalization::UnicodeNormalization::nfc(wording.as_str()).collect();
                changed = true;
            }
        }
        changed.then_some(command)
    }
}

impl Action {
    /// The clause text the act writes, with its clause: where cross-references (`[[id]]`) may
    /// stand, all checked by one rule (`Negotiation::check_cross_references`).
    pub fn clause_wording(&self) -> Option<(&str, &str)> {
        match self {
            Action::ProposeClause {
                clause_id, text, ..
            }
            | Action::AmendClause {
                clause_id, text, ..
            }
            | Action::ProposeAlternative {
                clause_id, text, ..
            }
            | Action::TranslateClause {
                clause_id, text, ..
            }
            | Action::ProposeCorrection {
                clause_id, text, ..
            } => Some((clause_id, text)),
            _ => None,
        }
    }

    /// The texts of the act that a text hash or a row hash covers.
    fn hashed_wordings(&mut self) -> Vec<&mut String> {
        match self {
            Action::AmendClause { heading, text, .. }
            | Action::ProposeAlternative { heading, text, .. } => {
                heading.iter_mut().chain([text]).collect()
            }
            Action::ProposeClause { heading, text, .. }
            | Action::TranslateClause { heading, text, .. }
            | Action::ProposeCorrection { heading, text, .. } => vec![heading, text],
            Action::SendNote { text, .. } => vec![text],
            Action::ProposeRow { content, .. } => vec![
                &mut content.objective,
                &mut content.action,
                &mut content.agency,
                &mut content.indicator.name,
                &mut content.indicator.unit,
                &mut content.indicator.baseline,
                &mut content.indicator.target,
            ],
            _ => vec![],
        }
    }
}

/// The name of an act, without its content: the rows of the role × act table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActionKind {
    OpenNegotiation,
    AcceptNegotiation,
    AccreditDelegate,
    ProposeClause,
    AmendClause,
    Comment,
    AgreeClause,
    WithdrawClause,
    TranslateClause,
    VerifyConcordance,
    AdoptText,
    InitialText,
    SignInstrument,
    ConfirmSignature,
    ExpressConsent,
    AbandonNegotiation,
    ProposeAlternative,
    StatePosition,
    ChooseAlternative,
    WithdrawAlternative,
    ConfirmClauseAgreement,
    ReopenClause,
    OpenRound,
    CloseRound,
    RecordMinutes,
    AdoptMinutes,
    SuspendOperation,
    ResumeOperation,
    NotifyTermination,
    CreateMatrix,
    ProposeRow,
    AgreeRow,
    ValidateMatrix,
    ReportProgress,
    ApplyProvisionally,
    OpenRevision,
    ProposeCorrection,
    AgreeCorrection,
    ProposeStructureChange,
    AgreeStructureChange,
    RecordReceipt,
    SendNote,
    ExamineFullPowers,
}

impl ActionKind {
    pub const ALL: [ActionKind; 43] = [
        ActionKind::OpenNegotiation,
        ActionKind::AcceptNegotiation,
        ActionKind::AccreditDelegate,
        ActionKind::ProposeClause,
        ActionKind::AmendClause,
        ActionKind::Comment,
        ActionKind::AgreeClause,
        ActionKind::WithdrawClause,
        ActionKind::TranslateClause,
        ActionKind::VerifyConcordance,
        ActionKind::AdoptText,
        ActionKind::InitialText,
        ActionKind::SignInstrument,
        ActionKind::ConfirmSignature,
        ActionKind::ExpressConsent,
        ActionKind::AbandonNegotiation,
        ActionKind::ProposeAlternative,
        ActionKind::StatePosition,
        ActionKind::ChooseAlternative,
        ActionKind::WithdrawAlternative,
        ActionKind::ConfirmClauseAgreement,
        ActionKind::ReopenClause,
        ActionKind::OpenRound,
        ActionKind::CloseRound,
        ActionKind::RecordMinutes,
        ActionKind::AdoptMinutes,
        ActionKind::SuspendOperation,
        ActionKind::ResumeOperation,
        ActionKind::NotifyTermination,
        ActionKind::CreateMatrix,
        ActionKind::ProposeRow,
        ActionKind::AgreeRow,
        ActionKind::ValidateMatrix,
        ActionKind::ReportProgress,
        ActionKind::ApplyProvisionally,
        ActionKind::OpenRevision,
        ActionKind::ProposeCorrection,
        ActionKind::AgreeCorrection,
        ActionKind::ProposeStructureChange,
        ActionKind::AgreeStructureChange,
        ActionKind::RecordReceipt,
        ActionKind::SendNote,
        ActionKind::ExamineFullPowers,
    ];

    /// Acts that change the text, refused once every party has adopted it.
    pub fn changes_text(self) -> bool {
        matches!(
            self,
            ActionKind::ProposeClause
                | ActionKind::AmendClause
                | ActionKind::WithdrawClause
                | ActionKind::TranslateClause
                | ActionKind::VerifyConcordance
                | ActionKind::AgreeClause
                | ActionKind::ProposeAlternative
                | ActionKind::StatePosition
                | ActionKind::ChooseAlternative
                | ActionKind::WithdrawAlternative
                | ActionKind::ConfirmClauseAgreement
                | ActionKind::ProposeStructureChange
                | ActionKind::AgreeStructureChange
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::OpenNegotiation => "open a negotiation",
            ActionKind::AcceptNegotiation => "accept a negotiation",
            ActionKind::AccreditDelegate => "accredit a delegate",
            ActionKind::ProposeClause => "propose a clause",
            ActionKind::AmendClause => "amend a clause",
            ActionKind::Comment => "comment",
            ActionKind::AgreeClause => "agree a clause",
            ActionKind::WithdrawClause => "withdraw a clause",
            ActionKind::TranslateClause => "translate a clause",
            ActionKind::VerifyConcordance => "verify concordance",
            ActionKind::AdoptText => "adopt the text",
            ActionKind::InitialText => "initial the text",
            ActionKind::SignInstrument => "sign the instrument",
            ActionKind::ConfirmSignature => "confirm a signature",
            ActionKind::ExpressConsent => "express consent to be bound",
            ActionKind::AbandonNegotiation => "abandon the negotiation",
            ActionKind::ProposeAlternative => "bracket a clause with an alternative",
            ActionKind::StatePosition => "state a position",
            ActionKind::ChooseAlternative => "choose an alternative",
            ActionKind::WithdrawAlternative => "withdraw an alternative",
            ActionKind::ConfirmClauseAgreement => "confirm an agreement ad referendum",
            ActionKind::ReopenClause => "reopen a clause",
            ActionKind::OpenRound => "open a round",
            ActionKind::CloseRound => "close a round",
            ActionKind::RecordMinutes => "record minutes",
            ActionKind::AdoptMinutes => "adopt minutes",
            ActionKind::SuspendOperation => "suspend the instrument's operation",
            ActionKind::ResumeOperation => "resume the instrument's operation",
            ActionKind::NotifyTermination => "notify termination",
            ActionKind::CreateMatrix => "create an action matrix",
            ActionKind::ProposeRow => "propose a matrix row",
            ActionKind::AgreeRow => "agree a matrix row",
            ActionKind::ValidateMatrix => "validate an action matrix",
            ActionKind::ReportProgress => "report progress",
            ActionKind::ApplyProvisionally => "apply the instrument provisionally",
            ActionKind::OpenRevision => "open a revision",
            ActionKind::ProposeCorrection => "propose a correction",
            ActionKind::AgreeCorrection => "agree a correction",
            ActionKind::ProposeStructureChange => "propose a change of the text's structure",
            ActionKind::AgreeStructureChange => "agree a change of the text's structure",
            ActionKind::RecordReceipt => "record receipt of an instrument of consent",
            ActionKind::SendNote => "send a note of an exchange of notes",
            ActionKind::ExamineFullPowers => "examine a signatory's full powers",
        }
    }
}

impl std::fmt::Display for ActionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Action {
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::OpenNegotiation { .. } => ActionKind::OpenNegotiation,
            Action::AcceptNegotiation => ActionKind::AcceptNegotiation,
            Action::AccreditDelegate { .. } => ActionKind::AccreditDelegate,
            Action::ProposeClause { .. } => ActionKind::ProposeClause,
            Action::AmendClause { .. } => ActionKind::AmendClause,
            Action::Comment { .. } => ActionKind::Comment,
            Action::AgreeClause { .. } => ActionKind::AgreeClause,
            Action::WithdrawClause { .. } => ActionKind::WithdrawClause,
            Action::TranslateClause { .. } => ActionKind::TranslateClause,
            Action::VerifyConcordance { .. } => ActionKind::VerifyConcordance,
            Action::AdoptText { .. } => ActionKind::AdoptText,
            Action::InitialText { .. } => ActionKind::InitialText,
            Action::SignInstrument { .. } => ActionKind::SignInstrument,
            Action::ConfirmSignature { .. } => ActionKind::ConfirmSignature,
            Action::ExpressConsent { .. } => ActionKind::ExpressConsent,
            Action::RecordReceipt { .. } => ActionKind::RecordReceipt,
            Action::SendNote { .. } => ActionKind::SendNote,
            Action::ExamineFullPowers { .. } => ActionKind::ExamineFullPowers,
            Action::AbandonNegotiation { .. } => ActionKind::AbandonNegotiation,
            Action::ProposeAlternative { .. } => ActionKind::ProposeAlternative,
            Action::StatePosition { .. } => ActionKind::StatePosition,
            Action::ChooseAlternative { .. } => ActionKind::ChooseAlternative,
            Action::WithdrawAlternative { .. } => ActionKind::WithdrawAlternative,
            Action::ConfirmClauseAgreement { .. } => ActionKind::ConfirmClauseAgreement,
            Action::ReopenClause { .. } => ActionKind::ReopenClause,
            Action::OpenRound { .. } => ActionKind::OpenRound,
            Action::CloseRound { .. } => ActionKind::CloseRound,
            Action::RecordMinutes { .. } => ActionKind::RecordMinutes,
            Action::AdoptMinutes { .. } => ActionKind::AdoptMinutes,
            Action::SuspendOperation { .. } => ActionKind::SuspendOperation,
            Action::ResumeOperation { .. } => ActionKind::ResumeOperation,
            Action::NotifyTermination { .. } => ActionKind::NotifyTermination,
            Action::CreateMatrix { .. } => ActionKind::CreateMatrix,
            Action::ProposeRow { .. } => ActionKind::ProposeRow,
            Action::AgreeRow { .. } => ActionKind::AgreeRow,
            Action::ValidateMatrix { .. } => ActionKind::ValidateMatrix,
            Action::ReportProgress { .. } => ActionKind::ReportProgress,
            Action::ApplyProvisionally { .. } => ActionKind::ApplyProvisionally,
            Action::OpenRevision { .. } => ActionKind::OpenRevision,
            Action::ProposeCorrection { .. } => ActionKind::ProposeCorrection,
            Action::AgreeCorrection { .. } => ActionKind::AgreeCorrection,
            Action::ProposeStructureChange { .. } => ActionKind::ProposeStructureChange,
            Action::AgreeStructureChange { .. } => ActionKind::AgreeStructureChange,
        }
    }
}
