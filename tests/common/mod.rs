//! Test stores: a fresh SQLite file or a fresh PostgreSQL database per test, so tests run in
//! parallel and never see each other's events.
#![allow(dead_code)]

pub mod cli;
pub mod http;

use cqrs_es::EventEnvelope;
use pacta::chain::ChainHead;
use pacta::ledger::{CommandContext, LedgerError};
use pacta::store::Database;
use pacta_domain::{Negotiation, NegotiationCommand};
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
                let url = pacta::store::postgres_url_with_database(&server, &name);
                (url, Cleanup::PostgresDatabase { server, name })
            }
        };
        let database = Database::connect(&url)
            .await
            .expect("connect and migrate the test store");
        TestStore {
            url,
            database,
            cleanup,
        }
    }

    pub fn ledger(&self) -> AnyLedger {
        AnyLedger::on(&self.database)
    }

    /// Runs raw SQL, as someone with direct access to the database would.
    pub async fn raw(&self, sql: &str) {
        match &self.database {
            Database::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
            Database::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
        }
        .unwrap_or_else(|e| panic!("raw SQL failed: {e}\n{sql}"));
    }

    /// Runs raw SQL that the database is expected to refuse; returns its message.
    pub async fn raw_refused(&self, sql: &str) -> String {
        let result = match &self.database {
            Database::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
            Database::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
        };
        result
            .expect_err("the database should refuse this")
            .to_string()
    }

    pub async fn event_count(&self) -> i64 {
        let sql = "SELECT COUNT(*) FROM events";
        match &self.database {
            Database::Postgres(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
            Database::Sqlite(pool) => sqlx::query_scalar(sql).fetch_one(pool).await,
        }
        .expect("count events")
    }
}

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
                    if let Database::Postgres(pool) = database {
                        pool.close().await;
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

/// The ledger on whichever backend the test runs (`pacta::ledger::AnyLedger`), with the short
/// calls the tests make.
pub struct AnyLedger(pub pacta::ledger::AnyLedger);

impl AnyLedger {
    pub fn on(database: &Database) -> AnyLedger {
        AnyLedger(pacta::ledger::AnyLedger::on(database))
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
        Ok(self
            .0
            .execute_idempotent(negotiation_id, command, &context)
            .await?
            .events)
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
        self.0
            .record_demo_story()
            .await
            .expect("the demo story is accepted")
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
