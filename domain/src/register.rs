//! The operator's register of persons: who may be named for which party, under which name.
//!
//! The register itself is operator data kept by the ledger's store, outside any negotiation. The
//! domain sees only the entries of the persons a command names (`NegotiationCommand::
//! named_persons`), looked up before the command is decided, so that the rules stay pure: a
//! person may be named head of delegation, secretariat or delegate of a party only when the
//! register binds them to that party, and the name recorded is the register's.

use std::collections::{BTreeMap, BTreeSet};

use crate::commands::{Action, NegotiationCommand};

/// A person as the operator registered them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RegisteredPerson {
    /// The person's full name, as every event naming them records it.
    pub name: String,
    /// The codes of the parties (or facilitating organisations) the person may act for now.
    pub parties: BTreeSet<String>,
}

/// The register entries relevant to one command, by person id. A person absent from it is not
/// registered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Register {
    persons: BTreeMap<String, RegisteredPerson>,
    /// When the ledger records the command, by its clock: read by the application, like the
    /// register, before the command is decided (the domain reads no clock). Unknown in the
    /// rules' own tests, which then check dates only against one another.
    recorded_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl Register {
    /// The register, for a command the ledger records at `recorded_at`.
    pub fn at(mut self, recorded_at: chrono::DateTime<chrono::Utc>) -> Register {
        self.recorded_at = Some(recorded_at);
        self
    }

    /// When the command is recorded, if the application said.
    pub fn recorded_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.recorded_at
    }

    /// Adds `person`, or adds `parties` to the person already there (keeping their name).
    pub fn bind(&mut self, person: &str, name: &str, parties: impl IntoIterator<Item = String>) {
        let entry = self
            .persons
            .entry(person.to_string())
            .or_insert_with(|| RegisteredPerson {
                name: name.to_string(),
                parties: BTreeSet::new(),
            });
        entry.parties.extend(parties);
    }

    /// The register entry of `person`, if registered.
    pub fn person(&self, person: &str) -> Option<&RegisteredPerson> {
        self.persons.get(person)
    }

    /// Every person on it, by id.
    pub fn persons(&self) -> impl Iterator<Item = (&str, &RegisteredPerson)> {
        self.persons
            .iter()
            .map(|(id, person)| (id.as_str(), person))
    }

    /// The register that `command` claims for itself: everyone it names, under the name it gives
    /// (their id when it gives none), bound to the party it names them for. It trusts the
    /// command, which is what the register exists not to do: only for tests and benchmarks that
    /// build histories of their own, never for commands from people.
    pub fn claimed_by(command: &NegotiationCommand) -> Register {
        let mut register = Register::default();
        let mut claim = |person: &str, name: &str, party: &str| {
            let name = if name.is_empty() { person } else { name };
            register.bind(person, name, [party.to_string()]);
        };
        match &command.action {
            Action::OpenNegotiation {
                parties,
                facilitator,
                ..
            } => {
                for party in parties {
                    let head = &party.head_of_delegation;
                    claim(&head.person, &head.name, &party.code);
                }
                if let Some(facilitator) = facilitator {
                    let secretariat = &facilitator.secretariat;
                    claim(&secretariat.person, &secretariat.name, &facilitator.code);
                }
            }
            Action::AccreditDelegate {
                person,
                name,
                party,
                ..
            } => claim(person, name, party),
            _ => {}
        }
        register
    }
}

impl NegotiationCommand {
    /// The persons the command names for a party (an opening's heads of delegation and
    /// secretariat, an accreditation's person): those the register is consulted about.
    pub fn named_persons(&self) -> Vec<String> {
        match &self.action {
            Action::OpenNegotiation {
                parties,
                facilitator,
                ..
            } => parties
                .iter()
                .map(|p| p.head_of_delegation.person.clone())
                .chain(facilitator.iter().map(|f| f.secretariat.person.clone()))
                .collect(),
            Action::AccreditDelegate { person, .. } => vec![person.clone()],
            _ => vec![],
        }
    }
}

/// Checks a person's id and full name by the rules a negotiation applies to them, for the
/// operator's register.
pub fn check_registration(person: &str, name: &str) -> Result<(), crate::NegotiationError> {
    crate::aggregate::check_identifier("person id", person)?;
    crate::aggregate::check_name("person name", name)
}

/// Whether `code` can name a party a person is registered for: a State's ISO 3166-1 alpha-3
/// code (`CIV`), or an organisation's code, 2 to 10 upper-case letters (`IOM`), as an opening
/// names its facilitator.
pub fn is_party_code(code: &str) -> bool {
    isocountry::CountryCode::for_alpha3(code).is_ok() || is_organisation_code(code)
}

/// The form of an organisation's code, a facilitator's or a party's (which must also not be a
/// State's: `PartyKind::check_code`).
pub(crate) fn is_organisation_code(code: &str) -> bool {
    (2..=10).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase())
}
