//! What a person asks the ledger to record. Every field is checked by the aggregate before
//! anything is recorded; a command is only a request.

use serde::{Deserialize, Serialize};

use crate::values::{ClauseKind, Facilitator, InstrumentKind, Party, Role};

/// One negotiating act, and the person performing it. The application establishes who the
/// person is (a CLI flag today, an authenticated token later); the domain decides whether
/// that person may perform the act.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NegotiationCommand {
    pub actor: String,
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Action {
    /// Open a negotiation between parties, each with its head of delegation. The actor must be
    /// one of those heads, or the facilitator's secretariat.
    OpenNegotiation {
        negotiation_id: String,
        title: String,
        instrument_kind: InstrumentKind,
        parties: Vec<Party>,
        #[serde(default)]
        facilitator: Option<Facilitator>,
        /// BCP 47 tags of the authentic languages, in the order the instrument lists them.
        languages: Vec<String>,
    },
    /// Accredit a member of the actor's own delegation (or the facilitator's staff).
    AccreditDelegate {
        person: String,
        name: String,
        party: String,
        role: Role,
    },
    ProposeClause {
        clause_id: String,
        kind: ClauseKind,
        #[serde(default)]
        heading: String,
        language: String,
        text: String,
    },
    /// Replace a clause's wording. `base_text_hash` is the wording the author saw: if someone
    /// changed it since, the amendment is refused rather than silently overwriting theirs.
    AmendClause {
        clause_id: String,
        base_text_hash: String,
        #[serde(default)]
        heading: String,
        language: String,
        text: String,
    },
    Comment {
        #[serde(default)]
        clause_id: Option<String>,
        text: String,
    },
    /// The actor's party agrees to exactly this wording of the clause.
    AgreeClause {
        clause_id: String,
        text_hash: String,
    },
    WithdrawClause {
        clause_id: String,
        reason: String,
    },
}

/// The name of an act, without its content: the rows of the role × act table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ActionKind {
    OpenNegotiation,
    AccreditDelegate,
    ProposeClause,
    AmendClause,
    Comment,
    AgreeClause,
    WithdrawClause,
}

impl ActionKind {
    pub const ALL: [ActionKind; 7] = [
        ActionKind::OpenNegotiation,
        ActionKind::AccreditDelegate,
        ActionKind::ProposeClause,
        ActionKind::AmendClause,
        ActionKind::Comment,
        ActionKind::AgreeClause,
        ActionKind::WithdrawClause,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionKind::OpenNegotiation => "open a negotiation",
            ActionKind::AccreditDelegate => "accredit a delegate",
            ActionKind::ProposeClause => "propose a clause",
            ActionKind::AmendClause => "amend a clause",
            ActionKind::Comment => "comment",
            ActionKind::AgreeClause => "agree a clause",
            ActionKind::WithdrawClause => "withdraw a clause",
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
            Action::AccreditDelegate { .. } => ActionKind::AccreditDelegate,
            Action::ProposeClause { .. } => ActionKind::ProposeClause,
            Action::AmendClause { .. } => ActionKind::AmendClause,
            Action::Comment { .. } => ActionKind::Comment,
            Action::AgreeClause { .. } => ActionKind::AgreeClause,
            Action::WithdrawClause { .. } => ActionKind::WithdrawClause,
        }
    }
}
