//! The nouns of a negotiation: parties, delegates, roles, kinds of instrument and clause.

use serde::{Deserialize, Serialize};

/// A negotiating state, named by its ISO 3166-1 alpha-3 code (`CIV`, `MAR`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Party {
    pub code: String,
    pub name: String,
    /// Head of delegation named when the negotiation opens; accredits the rest of the delegation.
    pub head_of_delegation: PersonName,
}

impl Party {
    pub fn new(code: &str, name: &str, head_person: &str, head_name: &str) -> Party {
        Party {
            code: code.into(),
            name: name.into(),
            head_of_delegation: PersonName {
                person: head_person.into(),
                name: head_name.into(),
            },
        }
    }
}

/// An organisation that facilitates but is not a party (the IOM, a treaty secretariat).
/// Its people may act as secretariat or observer, never for a party.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facilitator {
    pub code: String,
    pub name: String,
    pub secretariat: PersonName,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonName {
    pub person: String,
    pub name: String,
}

/// An accredited person: who they are, for whom they act, and in which capacity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delegate {
    pub person: String,
    pub name: String,
    /// Party code, or the facilitator's code for its secretariat and observers.
    pub party: String,
    pub role: Role,
    /// For a signatory: the key their signatures verify against, and their authority to sign.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<SigningAuthority>,
}

/// What a signatory's accreditation records (art. 7 VCLT): the Ed25519 public key whose
/// signatures bind their party, and either full powers (the document's reference and the
/// SHA-256 of its scan) or signature ex officio (head of state or government, foreign minister).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SigningAuthority {
    /// Lower-case hex of the 32-byte Ed25519 public key.
    pub public_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_powers: Option<FullPowers>,
    #[serde(default)]
    pub ex_officio: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FullPowers {
    pub reference: String,
    /// Lower-case hex SHA-256 of the full-powers document.
    pub document_hash: String,
}

/// How a signature binds (art. 12 VCLT).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum SignatureCapacity {
    /// Signature subject to ratification, acceptance or approval.
    Simple,
    /// Signature expressing consent to be bound.
    Definitive,
    /// Signature that counts only once the party's competent authority confirms it.
    AdReferendum,
}

impl std::str::FromStr for SignatureCapacity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "simple" => Ok(Self::Simple),
            "definitive" => Ok(Self::Definitive),
            "ad-referendum" => Ok(Self::AdReferendum),
            _ => Err(format!(
                "unknown signature capacity '{s}'; expected simple, definitive or ad-referendum"
            )),
        }
    }
}

/// How a party expresses its consent to be bound after signature (art. 14 and 16 VCLT).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ConsentMode {
    Ratification,
    Approval,
    Acceptance,
    /// Notification that the party's internal procedures are complete.
    NotificationOfCompletion,
}

impl std::str::FromStr for ConsentMode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "ratification" => Ok(Self::Ratification),
            "approval" => Ok(Self::Approval),
            "acceptance" => Ok(Self::Acceptance),
            "notification-of-completion" => Ok(Self::NotificationOfCompletion),
            _ => Err(format!(
                "unknown consent mode '{s}'; expected ratification, approval, acceptance or notification-of-completion"
            )),
        }
    }
}

/// When the instrument enters into force (or, for an MoU, takes effect), counted from the date
/// of the last act that completes every party's consent (art. 24 VCLT).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum EntryIntoForceRule {
    /// On the date of the last required act.
    OnLastConsent,
    /// A number of days after the last required act.
    DaysAfterLastConsent { days: u32 },
    /// On the first day of the n-th month after the last required act ("the first day of the
    /// second month following the date of the last notification").
    FirstDayOfMonthAfterLastConsent { months: u32 },
}

/// Capacities in which a person acts. What each may do is the table in `permissions.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Negotiator,
    HeadOfDelegation,
    LegalLinguist,
    Signatory,
    CompetentAuthority,
    Secretariat,
    Observer,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Negotiator,
        Role::HeadOfDelegation,
        Role::LegalLinguist,
        Role::Signatory,
        Role::CompetentAuthority,
        Role::Secretariat,
        Role::Observer,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Negotiator => "negotiator",
            Role::HeadOfDelegation => "head-of-delegation",
            Role::LegalLinguist => "legal-linguist",
            Role::Signatory => "signatory",
            Role::CompetentAuthority => "competent-authority",
            Role::Secretariat => "secretariat",
            Role::Observer => "observer",
            Role::Auditor => "auditor",
        }
    }

    /// Roles open to a facilitating organisation's people, who act for no party.
    pub fn open_to_facilitator(self) -> bool {
        matches!(self, Role::Secretariat | Role::Observer)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
                format!("unknown role '{s}'; expected one of {}", names.join(", "))
            })
    }
}

/// The kind of instrument decides how it binds: chosen at opening, it gates the lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum InstrumentKind {
    /// Treaty subject to ratification.
    Treaty,
    /// Agreement binding on definitive signature.
    Agreement,
    /// Non-binding memorandum of understanding or inter-agency arrangement.
    Mou,
    /// Exchange of notes.
    ExchangeOfNotes,
}

impl std::str::FromStr for InstrumentKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "treaty" => Ok(Self::Treaty),
            "agreement" => Ok(Self::Agreement),
            "mou" => Ok(Self::Mou),
            "exchange-of-notes" => Ok(Self::ExchangeOfNotes),
            _ => Err(format!(
                "unknown instrument kind '{s}'; expected treaty, agreement, mou or exchange-of-notes"
            )),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ClauseKind {
    /// A preambular recital ("Considering…").
    Recital,
    Article,
    Annex,
}

impl std::str::FromStr for ClauseKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "recital" => Ok(Self::Recital),
            "article" => Ok(Self::Article),
            "annex" => Ok(Self::Annex),
            _ => Err(format!(
                "unknown clause kind '{s}'; expected recital, article or annex"
            )),
        }
    }
}

/// A party's stated position on a clause's current wording.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "position", rename_all = "kebab-case")]
pub enum Position {
    Accept,
    Reject,
    /// Neither accepts nor rejects yet: the delegation must consult its capital.
    Reserve,
    /// Prefers the bracketed alternative with this label.
    Alternative {
        label: String,
    },
}

/// The kinds of meeting at which the parties negotiate or follow up an instrument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum RoundKind {
    NegotiatingRound,
    ExpertsMeeting,
    JointCommission,
}

impl std::str::FromStr for RoundKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "negotiating-round" => Ok(Self::NegotiatingRound),
            "experts-meeting" => Ok(Self::ExpertsMeeting),
            "joint-commission" => Ok(Self::JointCommission),
            _ => Err(format!(
                "unknown kind of round '{s}'; expected negotiating-round, experts-meeting or joint-commission"
            )),
        }
    }
}

/// The kebab-case name a unit variant has in JSON ("ad-referendum"), for messages and views.
pub fn variant_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

impl std::fmt::Display for SignatureCapacity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&variant_name(self))
    }
}

impl std::fmt::Display for InstrumentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&variant_name(self))
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Position::Accept => f.write_str("accepts"),
            Position::Reject => f.write_str("rejects"),
            Position::Reserve => f.write_str("reserves"),
            Position::Alternative { label } => write!(f, "prefers alternative {label}"),
        }
    }
}
