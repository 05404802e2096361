//! Test stores: a fresh SQLite file or a fresh PostgreSQL database per test, so tests run in
//! parallel and never see each other's events.

pub mod cli;
pub mod http;
pub mod kill;

use cqrs_es::EventEnvelope;
use pacta_domain::{
    Action, InstrumentKind, Negotiation, NegotiationCommand, NegotiationEvent, Party, Register,
};
use pacta_ledger::store::Database;
use pacta_ledger::{CommandContext, LedgerError};
use pacta_verify::chain::ChainHead;
use sqlx::Connection;

/// Server used by PostgreSQL tests; each test creates its own database there.
pub const DEFAULT_TEST_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/postgres";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub fn postgres_server_url() -> String {
    std::env::var("PACTA_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_TEST_POSTGRES.to_string())
}

/// One test's own store. Dropping it removes the database (or the SQLite file's directory).
pub struct TestStore {
    pub url: String,
    pub database: Database,
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    Directory(#[allow(dead_code)] tempfile::TempDir),
    PostgresDatabase { server: String, name: String },
}

impl TestStore {
    pub async fn new(backend: Backend) -> TestStore {
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary directory");
                let url = format!("sqlite://{}", dir.path().join("pacta.db").display());
                (url, Cleanup::Directory(dir))
            }
            Backend::Postgres => {
                let server = postgres_server_url();
                let name = format!("pacta_test_{}", uuid::Uuid::new_v4().simple());
                let mut admin = sqlx::PgConnection::connect(&server).await.unwrap_or_else(|e| {
                    panic!(
                        "PostgreSQL tests need a server at {server} ({e}). Start it with \
                         `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, \
                         or point PACTA_TEST_POSTGRES at one. These tests never skip."
                    )
                });
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create the test database");
                let url = pacta_ledger::store::postgres_url_with_database(&server, &name);
                (url, Cleanup::PostgresDatabase { server, name })
            }
        };
        let database = Database::connect(&url)
            .await
            .expect("connect and migrate the test store");
        TestStore {
            url,
            database,
            backend,
            cleanup,
        }
    }

    /// A fresh store holding the whole demo story.
    pub async fn with_demo(backend: Backend) -> TestStore {
        let store = TestStore::new(backend).await;
        store.ledger().record_demo_story().await;
        store
    }

    pub fn ledger(&self) -> Ledger {
        Ledger::on(&self.database)
    }

    /// A fresh API token for `person`.
    pub async fn issue_token(&self, person: &str) -> pacta_ledger::store::IssuedToken {
        self.database
            .issue_token(person, "test", "2025-01-01T00:00:00Z")
            .await
            .expect("issue a token")
    }

    /// Runs raw SQL, as someone with direct access to the database would.
    pub async fn raw(&self, sql: &str) {
        match &self.database {
            Database::Postgres(pool, _) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
            Database::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
        }
        .unwrap_or_else(|e| panic!("raw SQL failed: {e}\n{sql}"));
    }

    /// Lifts the append-only guards (on update and delete) of `tables`, as an attacker who owns
    /// the database would.
    pub async fn lift_append_only_guards(&self, tables: &[&str]) {
        for table in tables {
            let sql = match (self.backend, *table) {
                (Backend::Postgres, table) => {
                    format!("ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
                }
                (Backend::Sqlite, "events") => {
                    "DROP TRIGGER events_append_only_update; DROP TRIGGER events_append_only_delete"
                        .to_string()
                }
                (Backend::Sqlite, table) => {
                    format!("DROP TRIGGER {table}_no_update; DROP TRIGGER {table}_no_delete")
                }
            };
            self.raw(&sql).await;
        }
    }

    /// Replaces `from` by `to` in the JSON `column` (payload or metadata) of the stored events
    /// `matching` an SQL condition, the append-only guard lifted first: a tampered record.
    pub async fn tamper_events(&self, column: &str, (from, to): (&str, &str), matching: &str) {
        self.lift_append_only_guards(&["events"]).await;
        let replaced = match self.backend {
            Backend::Postgres => format!("replace({column}::text, '{from}', '{to}')::jsonb"),
            Backend::Sqlite => format!("replace({column}, '{from}', '{to}')"),
        };
        self.raw(&format!(
            "UPDATE events SET {column} = {replaced} WHERE {matching}"
        ))
        .await;
    }

    /// Runs raw SQL that the database is expected to refuse; returns its message.
    pub async fn raw_refused(&self, sql: &str) -> String {
        let result = match &self.database {
            Database::Postgres(pool, _) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
            Database::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
        };
        result
            .expect_err("the database should refuse this")
            .to_string()
    }

    /// Ends every other session on the test's PostgreSQL database, as a server restart or an
    /// administrator would: the pool's connections, kept ones included. Returns how many.
    pub async fn end_other_sessions(&self) -> i64 {
        assert_eq!(
            self.backend,
            Backend::Postgres,
            "sessions end on PostgreSQL"
        );
        let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(&self.url)
            .await
            .expect("connect to the test database");
        sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity, pg_terminate_backend(pid)
              WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .fetch_one(&mut admin)
        .await
        .expect("end the other sessions")
    }

    pub async fn event_count(&self) -> i64 {
        let sql = "SELECT COUNT(*) FROM events";
        match &self.database {
            Database::Postgres(pool, _) => sqlx::query_scalar(sql).fetch_one(pool).await,
            Database::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        }
        .expect("count events")
    }
}

/// How long a dropped test store waits for its pool's connections to come back.
const POOL_CLOSE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Cleanup::PostgresDatabase { server, name } = &self.cleanup {
            let (server, name) = (server.clone(), name.clone());
            let database = self.database.clone();
            // Drop runs outside any async context we may block; a short-lived runtime on its own
            // thread closes the pool and removes the database.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime.block_on(async {
                    // Closing waits for every connection to come back, but a task of the test's
                    // runtime (a group committer keeps its connection between groups) cannot
                    // give one back while that runtime is blocked in this drop: wait a little,
                    // then let `WITH (FORCE)` end those sessions.
                    if let Database::Postgres(pool, lookups) = database {
                        lookups.release_all();
                        let _ = tokio::time::timeout(POOL_CLOSE_WAIT, pool.close()).await;
                    }
                    let mut admin = sqlx::PgConnection::connect(&server).await.ok()?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

impl TestStore {
    /// Puts `person` on the store's register under `name`, bound to `party`, as the ledger's
    /// operator does (`pacta person add`). Someone already registered under that name gains the
    /// binding.
    pub async fn register(&self, person: &str, name: &str, party: &str) {
        self.database
            .add_person(
                person,
                Some(name),
                &[party.to_string()],
                "2025-01-01T00:00:00Z",
            )
            .await
            .unwrap_or_else(|e| panic!("register {person} for {party}: {e}"));
    }

    /// Puts on the register everyone `command` names for a party (an opening's heads and
    /// secretariat, an accreditation's person), as the command names them: for tests whose
    /// subject is not the register (`tests/integration/register.rs` is).
    pub async fn register_named_in(&self, command: &NegotiationCommand) {
        for (person, entry) in Register::claimed_by(command).persons() {
            for party in &entry.parties {
                self.register(person, &entry.name, party).await;
            }
        }
    }
}

/// The ledger on whichever backend the test runs (`pacta_ledger::Ledger`), with the short
/// calls the tests make. Its `execute` stands in for the ledger's operator and the other
/// delegations where a test's subject is neither (`tests/integration/register.rs` calls the
/// ledger itself, `.0`): the persons an opening or accreditation names are put on the register
/// as the command names them, and every party an opening leaves awaiting acceptance accepts.
pub struct Ledger(pub pacta_ledger::Ledger);

impl Ledger {
    /// Accredits `writer-0` … `writer-{count - 1}` as negotiators in `negotiation_id`, even ones
    /// for Côte d'Ivoire and odd ones for Morocco, each by their party's head.
    pub async fn accredit_writers(&self, negotiation_id: &str, count: usize) {
        for w in 0..count {
            let (head, party) = if w % 2 == 0 {
                ("civ.head", "CIV")
            } else {
                ("mar.head", "MAR")
            };
            let accredit = Action::AccreditDelegate {
                person: format!("writer-{w}"),
                name: format!("Writer {w}"),
                party: party.into(),
                role: pacta_domain::Role::Negotiator,
                signing: None,
            };
            let command = NegotiationCommand {
                actor: head.into(),
                action: accredit,
                took_place: None,
            };
            self.execute(negotiation_id, command)
                .await
                .unwrap_or_else(|e| panic!("writer-{w} accredited: {e}"));
        }
    }

    /// Côte d'Ivoire's head opens `negotiation_id`, an agreement with Morocco in French.
    pub async fn open_civ_mar_agreement(&self, negotiation_id: &str) {
        let opening =
            open_civ_mar_command(negotiation_id, "Accord", InstrumentKind::Agreement, &["fr"]);
        self.execute(negotiation_id, opening).await.expect("opened");
    }

    pub fn on(database: &Database) -> Ledger {
        Ledger(pacta_ledger::Ledger::on(database))
    }

    pub async fn execute(
        &self,
        negotiation_id: &str,
        command: NegotiationCommand,
    ) -> Result<Vec<EventEnvelope<Negotiation>>, LedgerError> {
        self.execute_in(negotiation_id, command, CommandContext::default())
            .await
    }

    pub async fn execute_with_id(
        &self,
        negotiation_id: &str,
        command: NegotiationCommand,
        command_id: &str,
    ) -> Result<Vec<EventEnvelope<Negotiation>>, LedgerError> {
        let context = CommandContext {
            command_id: Some(command_id.to_string()),
        };
        self.execute_in(negotiation_id, command, context).await
    }

    async fn execute_in(
        &self,
        negotiation_id: &str,
        command: NegotiationCommand,
        context: CommandContext,
    ) -> Result<Vec<EventEnvelope<Negotiation>>, LedgerError> {
        let register = Register::claimed_by(&command);
        for (person, entry) in register.persons() {
            for party in &entry.parties {
                self.0
                    .database()
                    .add_person(
                        person,
                        Some(&entry.name),
                        std::slice::from_ref(party),
                        "2025-01-01T00:00:00Z",
                    )
                    .await
                    .unwrap_or_else(|e| panic!("register {person} for {party}: {e}"));
            }
        }
        let executed = self.0.execute(negotiation_id, command, &context).await?;
        let events = executed.events;
        let opened = events
            .first()
            .map(|e| &e.payload)
            .filter(|_| !executed.replayed);
        if let Some(NegotiationEvent::NegotiationOpened {
            parties,
            facilitator,
            awaiting_acceptance,
            ..
        }) = opened
        {
            let heads = parties
                .iter()
                .map(|p| (&p.code, &p.head_of_delegation.person))
                .chain(facilitator.iter().map(|f| (&f.code, &f.secretariat.person)));
            for (party, head) in heads {
                if awaiting_acceptance.contains(party) {
                    let accept = NegotiationCommand {
                        actor: head.clone(),
                        action: Action::AcceptNegotiation,
                        took_place: None,
                    };
                    self.0
                        .execute(negotiation_id, accept, &CommandContext::default())
                        .await?;
                }
            }
        }
        Ok(events)
    }

    pub async fn events(
        &self,
        negotiation_id: &str,
    ) -> Result<Vec<EventEnvelope<Negotiation>>, LedgerError> {
        self.0.events(negotiation_id).await
    }

    pub async fn verify(&self, negotiation_id: &str) -> Result<ChainHead, LedgerError> {
        self.0.verify(negotiation_id).await
    }

    /// Records the whole demo story; returns the number of events of the MoU, the negotiation
    /// most tests examine.
    pub async fn record_demo(&self) -> usize {
        self.record_demo_story().await.mou
    }

    pub async fn record_demo_story(&self) -> pacta::demo::Recorded {
        pacta::demo::record_story(&self.0)
            .await
            .expect("the demo story is accepted")
    }
}

/// `civ.head` opens `negotiation_id`: an instrument of `kind` titled `title` between Côte d'Ivoire
/// and Morocco, whose heads of delegation are `civ.head` and `mar.head`, in `languages`. Written
/// as a client sends it, every other term left to its default.
pub fn open_civ_mar_command(
    negotiation_id: &str,
    title: &str,
    kind: InstrumentKind,
    languages: &[&str],
) -> NegotiationCommand {
    let party = |code: &str, head: &str| Party::new(code, code, head, head);
    let parties = [party("CIV", "civ.head"), party("MAR", "mar.head")];
    open_command("civ.head", negotiation_id, title, kind, &parties, languages)
}

/// `opener` opens `negotiation_id`, an instrument of `kind` titled `title` between `parties`,
/// in `languages`. Written as a client sends it, every other term left to its default.
pub fn open_command(
    opener: &str,
    negotiation_id: &str,
    title: &str,
    kind: InstrumentKind,
    parties: &[Party],
    languages: &[&str],
) -> NegotiationCommand {
    let action = serde_json::json!({
        "type": "open-negotiation",
        "negotiation_id": negotiation_id,
        "title": title,
        "instrument_kind": kind,
        "parties": parties,
        "languages": languages,
    });
    NegotiationCommand {
        actor: opener.into(),
        action: serde_json::from_value(action).expect("an opening as a client writes it"),
        took_place: None,
    }
}

/// Generates one `#[tokio::test]` per backend for an `async fn(Backend)`.
#[macro_export]
macro_rules! on_both_stores {
    ($($test:ident),* $(,)?) => {
        $(
            mod $test {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    super::$test($crate::common::Backend::Sqlite).await
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    super::$test($crate::common::Backend::Postgres).await
                }
            }
        )*
    };
}

/// Every stored view row, as text, by (view, negotiation, key): documents and timeline entries
/// keyed by sequence, access rows by person.
pub async fn dump_views(
    database: &Database,
) -> std::collections::BTreeMap<(String, String, String), String> {
    const DOCUMENTS_PG: &str =
        "SELECT view_name, negotiation_id, last_sequence::text, document::text FROM view_documents";
    const TIMELINE_PG: &str =
        "SELECT 'timeline', negotiation_id, sequence::text, entry::text FROM view_timeline";
    const DOCUMENTS_SQLITE: &str = "SELECT view_name, negotiation_id, CAST(last_sequence AS TEXT), document FROM view_documents";
    const TIMELINE_SQLITE: &str =
        "SELECT 'timeline', negotiation_id, CAST(sequence AS TEXT), entry FROM view_timeline";
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    match database {
        Database::Postgres(pool, _) => {
            for sql in [DOCUMENTS_PG, TIMELINE_PG] {
                rows.extend(sqlx::query_as(sql).fetch_all(pool).await.unwrap());
            }
        }
        Database::Sqlite(pool) => {
            for sql in [DOCUMENTS_SQLITE, TIMELINE_SQLITE] {
                rows.extend(sqlx::query_as(sql).fetch_all(pool).await.unwrap());
            }
        }
    }
    for row in pacta_ledger::views::access::all(database).await.unwrap() {
        let person = row.person.clone();
        rows.push((
            "access".into(),
            row.negotiation_id.clone(),
            person,
            format!("{row:?}"),
        ));
    }
    rows.into_iter()
        .map(|(view, negotiation, key, text)| ((view, negotiation, key), text))
        .collect()
}
