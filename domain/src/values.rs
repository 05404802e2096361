//! The nouns of a negotiation: parties, delegates, roles, kinds of instrument and clause.

use serde::{Deserialize, Serialize};

/// A party to the negotiation: a State, named by its ISO 3166-1 alpha-3 code (`CIV`, `MAR`),
/// or an international organisation, named by a short code of its own (`IOM`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Party {
    pub code: String,
    pub name: String,
    /// Head of delegation named when the negotiation opens; accredits the rest of the delegation.
    pub head_of_delegation: PersonName,
    /// Absent for a State, so that openings recorded before organisations could be parties keep
    /// their bytes and hashes.
    #[serde(default, skip_serializing_if = "PartyKind::is_state")]
    pub kind: PartyKind,
    /// The party's name as each language version of the instrument writes it after "the
    /// Government of" («le Royaume du Maroc», «المملكة المغربية», "the Kingdom of Morocco"), by
    /// BCP 47 tag of an authentic language; `name` stands in for a language without one. Absent
    /// when none was given, so that openings recorded before it existed keep their bytes and
    /// hashes.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub names: std::collections::BTreeMap<String, String>,
}

impl Party {
    /// A State party.
    pub fn new(code: &str, name: &str, head_person: &str, head_name: &str) -> Party {
        Party {
            code: code.into(),
            name: name.into(),
            head_of_delegation: PersonName {
                person: head_person.into(),
                name: head_name.into(),
            },
            kind: PartyKind::State,
            names: std::collections::BTreeMap::new(),
        }
    }

    /// The party's name in `language`: the one given for it, else `name`.
    pub fn name_in(&self, language: &str) -> &str {
        self.names
            .get(language)
            .map_or(self.name.as_str(), String::as_str)
    }

    /// An international organisation as a party.
    pub fn organisation(code: &str, name: &str, head_person: &str, head_name: &str) -> Party {
        Party {
            kind: PartyKind::Organisation,
            ..Party::new(code, name, head_person, head_name)
        }
    }
}

/// Whether a party is a State or an international organisation. The law of treaties between
/// States and international organisations (VCLT 1986) differs for organisations in its terms,
/// and those differences are stated here, once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum PartyKind {
    #[default]
    State,
    Organisation,
}

impl PartyKind {
    pub fn is_state(&self) -> bool {
        *self == PartyKind::State
    }

    /// Whether `code` may name a party of this kind: a State by its ISO 3166-1 alpha-3 code; an
    /// organisation by 2 to 10 upper-case letters that are not such a code, so that no code
    /// could name both a State and an organisation.
    pub fn check_code(self, code: &str) -> Result<(), crate::NegotiationError> {
        let is_country = isocountry::CountryCode::for_alpha3(code).is_ok();
        match self {
            PartyKind::State if !is_country => {
                Err(crate::NegotiationError::UnknownCountryCode(code.into()))
            }
            PartyKind::Organisation if is_country => Err(
                crate::NegotiationError::OrganisationCodeIsCountryCode(code.into()),
            ),
            PartyKind::Organisation if !crate::register::is_organisation_code(code) => Err(
                crate::NegotiationError::InvalidOrganisationCode(code.into()),
            ),
            PartyKind::State | PartyKind::Organisation => Ok(()),
        }
    }

    /// Whether a party of this kind may consent to be bound by `mode`. A State ratifies; an
    /// organisation does not, it performs an act of formal confirmation (VCLT 1986 art. 2(1)(b
    /// bis), 11(2) and 14). Acceptance, approval and a notification that internal procedures are
    /// complete are open to both.
    pub fn check_consent(
        self,
        party: &str,
        mode: ConsentMode,
    ) -> Result<(), crate::NegotiationError> {
        match (self, mode) {
            (PartyKind::Organisation, ConsentMode::Ratification) => Err(
                crate::NegotiationError::RatificationByOrganisation(party.into()),
            ),
            (PartyKind::State, ConsentMode::FormalConfirmation) => Err(
                crate::NegotiationError::FormalConfirmationByState(party.into()),
            ),
            _ => Ok(()),
        }
    }
}

impl std::fmt::Display for PartyKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            PartyKind::State => "State",
            PartyKind::Organisation => "international organisation",
        })
    }
}

/// An organisation that facilitates but is not a party (the IOM, a treaty secretariat).
/// Its people may act as secretariat or observer, never for a party.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Facilitator {
    pub code: String,
    pub name: String,
    pub secretariat: PersonName,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonName {
    pub person: String,
    /// In a command, optional: the operator's register names the person. In an event, the
    /// register's name.
    #[serde(default)]
    pub name: String,
}

/// An accredited person: who they are, for whom they act, and in which capacity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FullPowers {
    pub reference: String,
    /// Lower-case hex SHA-256 of the full-powers document.
    pub document_hash: String,
}

/// How a signature binds (art. 12 VCLT).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum SignatureCapacity {
    /// Signature subject to ratification, acceptance or approval.
    Simple,
    /// Signature expressing consent to be bound.
    Definitive,
    /// Signature that counts only once the party's competent authority confirms it.
    AdReferendum,
}

/// How a party expresses its consent to be bound after signature (art. 14 and 16 VCLT).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ConsentMode {
    Ratification,
    Approval,
    Acceptance,
    /// Notification that the party's internal procedures are complete.
    NotificationOfCompletion,
    /// An international organisation's counterpart of ratification (VCLT 1986 art. 14).
    FormalConfirmation,
}

impl ConsentMode {
    /// The act's name in a sentence ("ratification", "act of formal confirmation").
    pub fn term(self) -> &'static str {
        match self {
            ConsentMode::Ratification => "ratification",
            ConsentMode::Approval => "approval",
            ConsentMode::Acceptance => "acceptance",
            ConsentMode::NotificationOfCompletion => "notification of completion",
            ConsentMode::FormalConfirmation => "act of formal confirmation",
        }
    }
}

/// How a party's consent to be bound is expressed, as the instrument provides (VCLT arts. 11–16):
/// by signature alone, by signature followed by a further act, or by an exchange of notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ConsentProcedure {
    /// Signature binds (art. 12): a definitive signature, or one ad referendum once confirmed.
    Signature,
    /// Signature subject to ratification (art. 14).
    Ratification,
    /// Signature subject to approval.
    Approval,
    /// Signature subject to acceptance.
    Acceptance,
    /// Signature, then notification that the party's internal procedures are complete.
    NotificationOfCompletion,
    /// Signature subject to an international organisation's act of formal confirmation.
    FormalConfirmation,
    /// The agreement is constituted by an exchange of notes (art. 13).
    ExchangeOfNotes,
}

impl ConsentProcedure {
    /// The act that completes consent after signature, for a procedure that needs one.
    pub fn consent_mode(self) -> Option<ConsentMode> {
        match self {
            ConsentProcedure::Signature | ConsentProcedure::ExchangeOfNotes => None,
            ConsentProcedure::Ratification => Some(ConsentMode::Ratification),
            ConsentProcedure::Approval => Some(ConsentMode::Approval),
            ConsentProcedure::Acceptance => Some(ConsentMode::Acceptance),
            ConsentProcedure::NotificationOfCompletion => {
                Some(ConsentMode::NotificationOfCompletion)
            }
            ConsentProcedure::FormalConfirmation => Some(ConsentMode::FormalConfirmation),
        }
    }

    /// The procedure in a sentence: "signature subject to approval".
    pub fn describe(self) -> String {
        match (self, self.consent_mode()) {
            (ConsentProcedure::Signature, _) => "signature alone".into(),
            (ConsentProcedure::ExchangeOfNotes, _) => "exchange of notes".into(),
            (_, Some(mode)) => format!("signature subject to {}", mode.term()),
            (_, None) => unreachable!("every other procedure has a consent act"),
        }
    }
}

/// How a party's instrument of consent reached the other parties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Transmission {
    /// The instruments were exchanged (at a ceremony, by the parties' representatives).
    ExchangeOfInstruments,
    /// Notified to the other party through diplomatic channels (a note verbale).
    DiplomaticNotification,
}

impl Transmission {
    pub fn term(self) -> &'static str {
        match self {
            Transmission::ExchangeOfInstruments => "exchange of instruments",
            Transmission::DiplomaticNotification => "notification through diplomatic channels",
        }
    }
}

/// What the parties intend the instrument to do, recorded at opening: whether it is legally
/// binding (a treaty under international law, whatever its name: VCLT art. 2(1)(a)) and how
/// each party consents to be bound. Absent in openings recorded before it existed: the kind of
/// instrument then decides, as it did ([`crate::lifecycle`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LegalEffect {
    /// `false` for a political commitment (a non-binding MoU): signed, takes effect, never
    /// ratified, never "in force", not registrable under Article 102 of the UN Charter.
    pub legally_binding: bool,
    /// How every party consents, unless `consent_procedure_by_party` names another for it.
    /// Only `signature` for a non-binding instrument.
    #[serde(default = "ConsentProcedure::signature")]
    pub consent_procedure: ConsentProcedure,
    /// A party's own procedure where it differs (one party ratifies, the other approves).
    #[serde(default)]
    pub consent_procedure_by_party: std::collections::BTreeMap<String, ConsentProcedure>,
    /// Whether other States may accede later (art. 15). Recorded and shown; no act follows yet.
    #[serde(default)]
    pub open_to_accession: bool,
}

impl ConsentProcedure {
    fn signature() -> ConsentProcedure {
        ConsentProcedure::Signature
    }
}

impl LegalEffect {
    /// A political commitment: signed by every party, takes effect, binds no one.
    pub fn non_binding() -> LegalEffect {
        LegalEffect {
            legally_binding: false,
            consent_procedure: ConsentProcedure::Signature,
            consent_procedure_by_party: std::collections::BTreeMap::new(),
            open_to_accession: false,
        }
    }

    /// How `party` consents to be bound.
    pub fn procedure_of(&self, party: &str) -> ConsentProcedure {
        self.consent_procedure_by_party
            .get(party)
            .copied()
            .unwrap_or(self.consent_procedure)
    }
}

/// When the instrument enters into force (or, for an MoU, takes effect), counted from the date
/// of the last act that completes every party's consent (art. 24 VCLT).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "rule", rename_all = "kebab-case")]
pub enum EntryIntoForceRule {
    /// On the date of the last required act.
    OnLastConsent,
    /// A number of days after the last required act.
    DaysAfterLastConsent { days: u32 },
    /// On the first day of the n-th month after the last required act ("the first day of the
    /// second month following the date of the last notification").
    FirstDayOfMonthAfterLastConsent { months: u32 },
    /// On the date the last instrument or notification of consent is received by the other
    /// party ("on the date of receipt of the last notification").
    OnLastReceipt,
    /// A number of days after that receipt.
    DaysAfterLastReceipt { days: u32 },
    /// On the first day of the n-th month after that receipt.
    FirstDayOfMonthAfterLastReceipt { months: u32 },
}

impl EntryIntoForceRule {
    /// Whether the rule counts from the receipt of the last instrument or notification of
    /// consent, rather than from the act of consent itself.
    pub fn counts_from_receipt(self) -> bool {
        matches!(
            self,
            EntryIntoForceRule::OnLastReceipt
                | EntryIntoForceRule::DaysAfterLastReceipt { .. }
                | EntryIntoForceRule::FirstDayOfMonthAfterLastReceipt { .. }
        )
    }

    /// The same delay, counted from whichever date the rule counts from.
    pub fn delay(self) -> EntryIntoForceRule {
        match self {
            EntryIntoForceRule::OnLastReceipt => EntryIntoForceRule::OnLastConsent,
            EntryIntoForceRule::DaysAfterLastReceipt { days } => {
                EntryIntoForceRule::DaysAfterLastConsent { days }
            }
            EntryIntoForceRule::FirstDayOfMonthAfterLastReceipt { months } => {
                EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months }
            }
            other => other,
        }
    }
}

/// The rule in words, as a status line or final clause would put it: "30 days after the last
/// consent to be bound".
impl std::fmt::Display for EntryIntoForceRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.write_counted_from(f, "the last consent to be bound")
    }
}

impl EntryIntoForceRule {
    /// The rule in words counted from `last` ("the last signature", for a non-binding
    /// instrument, which no one consents to be bound by).
    pub fn in_words_from(self, last: &str) -> String {
        struct Words<'a>(EntryIntoForceRule, &'a str);
        impl std::fmt::Display for Words<'_> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.write_counted_from(f, self.1)
            }
        }
        Words(self, last).to_string()
    }

    fn write_counted_from(self, f: &mut std::fmt::Formatter<'_>, last: &str) -> std::fmt::Result {
        let last = if self.counts_from_receipt() {
            "the receipt of the last instrument or notification of consent"
        } else {
            last
        };
        match self.delay() {
            EntryIntoForceRule::OnLastConsent => write!(f, "on the date of {last}"),
            EntryIntoForceRule::DaysAfterLastConsent { days: 1 } => write!(f, "1 day after {last}"),
            EntryIntoForceRule::DaysAfterLastConsent { days } => {
                write!(f, "{days} days after {last}")
            }
            EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months: 1 } => {
                write!(f, "on the first day of the month following {last}")
            }
            EntryIntoForceRule::FirstDayOfMonthAfterLastConsent { months } => {
                let suffix = match (months % 10, months % 100) {
                    (_, 11..=13) => "th",
                    (1, _) => "st",
                    (2, _) => "nd",
                    (3, _) => "rd",
                    _ => "th",
                };
                let ordinal = match months {
                    2 => "second".to_string(),
                    3 => "third".to_string(),
                    n => format!("{n}{suffix}"),
                };
                write!(
                    f,
                    "on the first day of the {ordinal} month following {last}"
                )
            }
            EntryIntoForceRule::OnLastReceipt
            | EntryIntoForceRule::DaysAfterLastReceipt { .. }
            | EntryIntoForceRule::FirstDayOfMonthAfterLastReceipt { .. } => {
                unreachable!("delay() counts every rule as from consent")
            }
        }
    }
}

/// Capacities in which a person acts. What each may do is the table in `permissions.rs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
        from_variant_name(s).ok_or_else(|| {
            let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            format!("unknown role '{s}'; expected one of {}", names.join(", "))
        })
    }
}

/// The kind of instrument decides how it binds: chosen at opening, it gates the lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ClauseKind {
    /// A preambular recital ("Considering…").
    Recital,
    Article,
    Annex,
    /// A final clause (entry into force, duration, termination, amendment, settlement of
    /// disputes): always after the articles, numbered with them.
    FinalClause,
    /// Structural headings that group the articles after them, up to the next heading of the
    /// same or a higher level: a part holds chapters, a chapter sections. Their text is the
    /// heading's title; they are not numbered as articles.
    Part,
    Chapter,
    Section,
}

/// A party's stated position on a clause's current wording.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum RoundKind {
    NegotiatingRound,
    ExpertsMeeting,
    JointCommission,
}

/// `FromStr` for unit enums by the kebab-case names they have in JSON ("ad-referendum"), as the
/// CLI reads them; an unknown name is refused with the names expected.
macro_rules! from_variant_name {
    ($($kind:ty: $what:literal, expected $expected:literal;)+) => {$(
        impl std::str::FromStr for $kind {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                from_variant_name(s).ok_or_else(|| {
                    format!(concat!("unknown ", $what, " '{}'; expected ", $expected), s)
                })
            }
        }
    )+};
}

from_variant_name! {
    SignatureCapacity: "signature capacity", expected "simple, definitive or ad-referendum";
    ConsentMode: "consent mode", expected "ratification, approval, acceptance, notification-of-completion or formal-confirmation";
    InstrumentKind: "instrument kind", expected "treaty, agreement, mou or exchange-of-notes";
    Transmission: "transmission", expected "exchange-of-instruments or diplomatic-notification";
    ConsentProcedure: "consent procedure", expected "signature, ratification, approval, acceptance, notification-of-completion, formal-confirmation or exchange-of-notes";
    ClauseKind: "clause kind", expected "recital, article, final-clause, annex, part, chapter or section";
    RoundKind: "kind of round", expected "negotiating-round, experts-meeting or joint-commission";
    crate::matrices::RowProgress: "progress", expected "not-started, on-track, delayed or completed";
}

/// The unit variant named `name` in JSON ("ad-referendum"), if there is one.
fn from_variant_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
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

impl std::fmt::Display for ConsentProcedure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matrices::RowProgress;

    #[test]
    fn each_entry_into_force_rule_reads_in_words() {
        use EntryIntoForceRule::*;
        let cases = [
            (OnLastConsent, "on the date of the last consent to be bound"),
            (
                DaysAfterLastConsent { days: 1 },
                "1 day after the last consent to be bound",
            ),
            (
                DaysAfterLastConsent { days: 30 },
                "30 days after the last consent to be bound",
            ),
            (
                FirstDayOfMonthAfterLastConsent { months: 1 },
                "on the first day of the month following the last consent to be bound",
            ),
            (
                FirstDayOfMonthAfterLastConsent { months: 2 },
                "on the first day of the second month following the last consent to be bound",
            ),
            (
                FirstDayOfMonthAfterLastConsent { months: 21 },
                "on the first day of the 21st month following the last consent to be bound",
            ),
            (
                FirstDayOfMonthAfterLastConsent { months: 12 },
                "on the first day of the 12th month following the last consent to be bound",
            ),
        ];
        for (rule, words) in cases {
            assert_eq!(rule.to_string(), words);
        }
    }

    #[test]
    fn a_kind_parses_from_its_name_and_an_unknown_name_lists_the_names_expected() {
        assert_eq!("ad-referendum".parse(), Ok(SignatureCapacity::AdReferendum));
        assert_eq!(
            "notification-of-completion".parse(),
            Ok(ConsentMode::NotificationOfCompletion)
        );
        assert_eq!(
            "exchange-of-notes".parse(),
            Ok(InstrumentKind::ExchangeOfNotes)
        );
        assert_eq!("recital".parse(), Ok(ClauseKind::Recital));
        assert_eq!("joint-commission".parse(), Ok(RoundKind::JointCommission));
        assert_eq!("on-track".parse(), Ok(RowProgress::OnTrack));
        for role in Role::ALL {
            assert_eq!(role.as_str().parse(), Ok(role));
        }
        assert_eq!(
            "chair".parse::<Role>(),
            Err("unknown role 'chair'; expected one of negotiator, head-of-delegation, legal-linguist, signatory, competent-authority, secretariat, observer, auditor".into())
        );
        assert_eq!(
            "Simple".parse::<SignatureCapacity>(),
            Err(
                "unknown signature capacity 'Simple'; expected simple, definitive or ad-referendum"
                    .into()
            )
        );
        assert_eq!(
            "round".parse::<RoundKind>(),
            Err("unknown kind of round 'round'; expected negotiating-round, experts-meeting or joint-commission".into())
        );
    }
}
