//! The stored access view: who is accredited in which negotiation, for which party and in which
//! role, so that a person's negotiations are one indexed query by person instead of a look at
//! every negotiation's state.
//!
//! A row is what the domain's state says of the person after the event that accredited them
//! (`Negotiation::delegate`): the opening accredits every head of delegation it names (their
//! party awaiting acceptance or not) and the facilitator's secretariat; `DelegateAccredited` one
//! person more. Nothing else changes who is accredited, so only those events write rows. The
//! projector writes them with the view's checkpoint in each batch's transaction (`views.rs`), from
//! verified events only, like every view.

use std::str::FromStr;

use pacta_domain::{Negotiation, NegotiationEvent, Role};
use pacta_projections::{IndexEntry, NegotiationFold};

use super::{parse, PreparedEvent, View, ViewError};
use crate::store::Database;

/// Rows per INSERT: 5 parameters each, far below either database's parameter limit.
const ACCESS_ROWS_PER_INSERT: usize = 1_000;

/// One person's accreditation in one negotiation, as the access view keeps it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Accreditation {
    pub negotiation_id: String,
    pub person: String,
    /// The party's code, or the facilitator's for its secretariat and observers.
    pub party: String,
    pub role: Role,
}

/// Whom an event accredits.
pub(super) enum Accredits {
    /// The opening: everyone the negotiation starts with.
    Founders,
    Person(String),
}

/// (person, negotiation, party, role, sequence of the accrediting event)
pub(super) type Row = (String, String, String, &'static str, i64);

/// Whom `event` accredits, read before it is folded; `None` for every other act.
pub(super) fn accredits(event: &PreparedEvent) -> Option<Accredits> {
    match &event.envelope.as_ref().ok()?.payload {
        NegotiationEvent::NegotiationOpened { .. } => Some(Accredits::Founders),
        NegotiationEvent::DelegateAccredited { delegate } => {
            Some(Accredits::Person(delegate.person.clone()))
        }
        _ => None,
    }
}

/// The rows an accrediting event writes, from the fold just past it.
pub(super) fn rows(fold: &NegotiationFold, accredits: &Accredits) -> Vec<Row> {
    let sequence =
        i64::try_from(fold.last_sequence()).expect("invariant: sequences fit the store's bigint");
    let row = |delegate: &pacta_domain::Delegate| {
        (
            delegate.person.clone(),
            fold.negotiation_id().to_string(),
            delegate.party.clone(),
            delegate.role.as_str(),
            sequence,
        )
    };
    match accredits {
        Accredits::Founders => fold.delegates().map(row).collect(),
        Accredits::Person(person) => fold.delegate(person).map(row).into_iter().collect(),
    }
}

/// The negotiations `person` is accredited in, in order of negotiation id, each with its index
/// entry and the person's accreditation: one query, by the view's key.
pub async fn negotiations_of(
    database: &Database,
    person: &str,
) -> Result<Vec<(IndexEntry, Accreditation)>, ViewError> {
    let rows = match database {
        Database::Postgres(pool, _) => pg::negotiations_of(pool, person).await?,
        Database::Sqlite(pool) => sqlite::negotiations_of(pool, person).await?,
    };
    rows.into_iter()
        .map(|(negotiation_id, party, role, index_entry)| {
            let entry = parse(View::Index, &negotiation_id, &index_entry)?;
            let role = Role::from_str(&role).map_err(|reason| ViewError::Unreadable {
                view: View::Access.name(),
                negotiation_id: negotiation_id.clone(),
                reason,
            })?;
            let accreditation = Accreditation {
                negotiation_id,
                person: person.to_string(),
                party,
                role,
            };
            Ok((entry, accreditation))
        })
        .collect()
}

/// Every row of the view, in order of negotiation and person: what a rebuild must reproduce.
pub async fn all(database: &Database) -> Result<Vec<Accreditation>, ViewError> {
    let rows = match database {
        Database::Postgres(pool, _) => pg::all(pool).await?,
        Database::Sqlite(pool) => sqlite::all(pool).await?,
    };
    rows.into_iter()
        .map(|(negotiation_id, person, party, role)| {
            let role = Role::from_str(&role).map_err(|reason| ViewError::Unreadable {
                view: View::Access.name(),
                negotiation_id: negotiation_id.clone(),
                reason,
            })?;
            Ok(Accreditation {
                negotiation_id,
                person,
                party,
                role,
            })
        })
        .collect()
}

/// The access view's rows as `negotiation`'s own state gives them: what the view must hold.
pub fn of_state(negotiation_id: &str, negotiation: &Negotiation) -> Vec<Accreditation> {
    negotiation
        .delegates()
        .map(|delegate| Accreditation {
            negotiation_id: negotiation_id.to_string(),
            person: delegate.person.clone(),
            party: delegate.party.clone(),
            role: delegate.role,
        })
        .collect()
}

/// The view's table on one database; the SQL is the same on both but for how JSON becomes text.
macro_rules! access_table {
    ($module:ident, $db:ty, $connection:ty, as_text: $as_text:literal) => {
        pub(super) mod $module {
            use super::*;

            /// Writes `rows` on the batch's transaction. A row already there is replaced: the
            /// domain accredits a person once, but the view must not be the one to refuse.
            pub(in crate::views) async fn write(
                connection: &mut $connection,
                rows: &[Row],
            ) -> Result<(), sqlx::Error> {
                for rows in rows.chunks(ACCESS_ROWS_PER_INSERT) {
                    let mut insert = sqlx::QueryBuilder::<$db>::new(
                        "INSERT INTO view_access (person, negotiation_id, party, role, sequence) ",
                    );
                    insert.push_values(
                        rows,
                        |mut row, (person, negotiation, party, role, sequence)| {
                            row.push_bind(person)
                                .push_bind(negotiation)
                                .push_bind(party)
                                .push_bind(*role)
                                .push_bind(sequence);
                        },
                    );
                    insert.push(
                        " ON CONFLICT (person, negotiation_id) DO UPDATE
                             SET party = excluded.party, role = excluded.role,
                                 sequence = excluded.sequence",
                    );
                    insert.build().execute(&mut *connection).await?;
                }
                Ok(())
            }

            /// Empties the view, on the transaction that resets its checkpoint.
            pub(in crate::views) async fn reset(
                connection: &mut $connection,
            ) -> Result<(), sqlx::Error> {
                sqlx::query("DELETE FROM view_access")
                    .execute(connection)
                    .await
                    .map(|_| ())
            }

            pub(super) async fn negotiations_of(
                pool: &sqlx::Pool<$db>,
                person: &str,
            ) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
                sqlx::query_as(concat!(
                    "SELECT a.negotiation_id, a.party, a.role, d.document",
                    $as_text,
                    "
                       FROM view_access a
                       JOIN view_documents d
                         ON d.view_name = 'index' AND d.negotiation_id = a.negotiation_id
                      WHERE a.person = $1
                      ORDER BY a.negotiation_id"
                ))
                .bind(person)
                .fetch_all(pool)
                .await
            }

            pub(super) async fn all(
                pool: &sqlx::Pool<$db>,
            ) -> Result<Vec<(String, String, String, String)>, sqlx::Error> {
                sqlx::query_as(
                    "SELECT negotiation_id, person, party, role FROM view_access
                      ORDER BY negotiation_id, person",
                )
                .fetch_all(pool)
                .await
            }
        }
    };
}

access_table!(pg, sqlx::Postgres, sqlx::PgConnection, as_text: "::text");
access_table!(sqlite, sqlx::Sqlite, sqlx::SqliteConnection, as_text: "");
