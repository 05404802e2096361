//! The operator's register of persons: who may be named for which party, under which name.
//!
//! Whoever holds the store is the operator (as for tokens): `pacta person add|unbind|list`
//! write and read these tables. [`Database::register_of`] gives the ledger the entries of the
//! persons a command names, which the domain decides against.

use pacta_domain::{check_registration, is_party_code, NegotiationError, Register};

use super::{Database, StoreError};

/// A person on the register, with every binding to a party ever made.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PersonRecord {
    pub person: String,
    pub name: String,
    /// RFC 3339, UTC.
    pub registered_at: String,
    /// Oldest first.
    pub parties: Vec<PartyBinding>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct PartyBinding {
    pub party: String,
    /// RFC 3339, UTC.
    pub bound_at: String,
    /// RFC 3339, UTC; `None` while the person may act for the party.
    pub unbound_at: Option<String>,
}

/// What `add_person` changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonAdded {
    /// Whether the person was new to the register.
    pub registered: bool,
    /// The name on the register.
    pub name: String,
    /// The parties newly bound, in the order given; those bound already are left as they are.
    pub bound: Vec<String>,
}

/// A change to the register that the store refuses; nothing is written.
#[derive(Debug, thiserror::Error)]
pub enum PersonRefusal {
    #[error(transparent)]
    Invalid(NegotiationError),
    #[error("'{0}' is not a party code: use a State's ISO 3166-1 alpha-3 code (CIV, MAR) or an organisation's code of 2 to 10 upper-case letters (IOM)")]
    InvalidPartyCode(String),
    #[error("'{person}' is not on the register yet: give their full name (--name \"…\")")]
    NameNeeded { person: String },
    #[error("'{person}' is registered as '{registered}', not '{given}': a person has one name on the register (leave --name out to add a party)")]
    NameDiffers {
        person: String,
        registered: String,
        given: String,
    },
    #[error("'{0}' is not on the register (see pacta person list)")]
    UnknownPerson(String),
    #[error("'{person}' is not bound to {party} (see pacta person list)")]
    NotBound { person: String, party: String },
}

impl Database {
    /// Registers `person` under `name` (needed for a new person; for a registered one it may
    /// only repeat their name) and binds them to each of `parties` not bound already, from `at`.
    /// All of it or, refused, nothing.
    pub async fn add_person(
        &self,
        person: &str,
        name: Option<&str>,
        parties: &[String],
        at: &str,
    ) -> Result<PersonAdded, StoreError> {
        const REGISTERED: &str = "SELECT name FROM persons WHERE person = $1";
        const REGISTER: &str =
            "INSERT INTO persons (person, name, registered_at) VALUES ($1, $2, $3)";
        const BOUND: &str = "SELECT COUNT(*) FROM person_parties
                              WHERE person = $1 AND party = $2 AND unbound_at IS NULL";
        const BIND: &str =
            "INSERT INTO person_parties (person, party, bound_at) VALUES ($1, $2, $3)";
        pacta_domain::check_person_id(person).map_err(PersonRefusal::Invalid)?;
        if let Some(name) = name {
            check_registration(person, name).map_err(PersonRefusal::Invalid)?;
        }
        if let Some(code) = parties.iter().find(|code| !is_party_code(code)) {
            return Err(PersonRefusal::InvalidPartyCode(code.clone()).into());
        }
        // SQLite: the write lock up front. A deferred transaction that reads and then writes
        // fails at once (SQLITE_BUSY, no busy wait) if another writer, such as the service's
        // projector, commits in between.
        let begin = match self {
            Database::Postgres(_, _) => "BEGIN",
            Database::Sqlite(_) => "BEGIN IMMEDIATE",
        };
        on_pool!(self, |pool| {
            let mut transaction = super::begin_whole(pool, begin).await?;
            let registered: Option<String> = sqlx::query_scalar(REGISTERED)
                .bind(person)
                .fetch_optional(&mut *transaction)
                .await?;
            let (name, is_new) = match (registered, name) {
                (Some(registered), Some(given)) if registered != given => {
                    return Err(PersonRefusal::NameDiffers {
                        person: person.to_string(),
                        registered,
                        given: given.to_string(),
                    }
                    .into())
                }
                (Some(registered), _) => (registered, false),
                (None, Some(given)) => {
                    sqlx::query(REGISTER)
                        .bind(person)
                        .bind(given)
                        .bind(at)
                        .execute(&mut *transaction)
                        .await?;
                    (given.to_string(), true)
                }
                (None, None) => {
                    return Err(PersonRefusal::NameNeeded {
                        person: person.to_string(),
                    }
                    .into())
                }
            };
            let mut bound = Vec::new();
            for party in parties {
                let in_force: i64 = sqlx::query_scalar(BOUND)
                    .bind(person)
                    .bind(party)
                    .fetch_one(&mut *transaction)
                    .await?;
                if in_force == 0 && !bound.contains(party) {
                    sqlx::query(BIND)
                        .bind(person)
                        .bind(party)
                        .bind(at)
                        .execute(&mut *transaction)
                        .await?;
                    bound.push(party.clone());
                }
            }
            transaction.commit().await?;
            Ok(PersonAdded {
                registered: is_new,
                name,
                bound,
            })
        })
    }

    /// Ends `person`'s binding to `party` from `at`, keeping its record: they can no longer be
    /// named for the party. Negotiations that named them before keep them.
    pub async fn unbind_person(
        &self,
        person: &str,
        party: &str,
        at: &str,
    ) -> Result<(), StoreError> {
        const UNBIND: &str = "UPDATE person_parties SET unbound_at = $3
                               WHERE person = $1 AND party = $2 AND unbound_at IS NULL";
        const REGISTERED: &str = "SELECT COUNT(*) FROM persons WHERE person = $1";
        let unbound = on_pool!(self, |pool| sqlx::query(UNBIND)
            .bind(person)
            .bind(party)
            .bind(at)
            .execute(pool)
            .await?
            .rows_affected());
        if unbound == 1 {
            return Ok(());
        }
        let registered: i64 = fetch!(self, fetch_one, sqlx::query_scalar(REGISTERED).bind(person));
        Err(if registered == 0 {
            PersonRefusal::UnknownPerson(person.to_string())
        } else {
            PersonRefusal::NotBound {
                person: person.to_string(),
                party: party.to_string(),
            }
        }
        .into())
    }

    /// Everyone on the register, by person id, each with every binding ever made.
    pub async fn persons(&self) -> Result<Vec<PersonRecord>, StoreError> {
        const QUERY: &str = "
SELECT p.person, p.name, p.registered_at, b.party, b.bound_at, b.unbound_at
  FROM persons p LEFT JOIN person_parties b ON b.person = p.person
 ORDER BY p.person, b.bound_at, b.party";
        type Row = (
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = fetch!(self, fetch_all, sqlx::query_as(QUERY));
        let mut persons: Vec<PersonRecord> = Vec::new();
        for (person, name, registered_at, party, bound_at, unbound_at) in rows {
            if persons.last().is_none_or(|last| last.person != person) {
                persons.push(PersonRecord {
                    person,
                    name,
                    registered_at,
                    parties: Vec::new(),
                });
            }
            if let (Some(party), Some(bound_at)) = (party, bound_at) {
                let record = persons.last_mut().expect("pushed above");
                record.parties.push(PartyBinding {
                    party,
                    bound_at,
                    unbound_at,
                });
            }
        }
        Ok(persons)
    }

    /// The register entries of `persons` as they stand: name, and the parties each may act for
    /// now. A person not on the register is absent from it.
    pub async fn register_of(&self, persons: &[String]) -> Result<Register, StoreError> {
        const QUERY: &str = "
SELECT p.name, b.party
  FROM persons p LEFT JOIN person_parties b ON b.person = p.person AND b.unbound_at IS NULL
 WHERE p.person = $1";
        let mut register = Register::default();
        for person in persons {
            let rows: Vec<(String, Option<String>)> =
                fetch!(self, fetch_all, sqlx::query_as(QUERY).bind(person));
            for (name, party) in rows {
                register.bind(person, &name, party);
            }
        }
        Ok(register)
    }
}
