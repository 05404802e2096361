//! Where the benchmarks run: scratch databases made for the run on the store `--store` names,
//! and dropped after it. On PostgreSQL each is a database of its own on that server; on SQLite
//! each is a file of its own in the directory of the file named, so it lives on the same disk
//! (what an fsync costs is the disk's).

use std::path::{Path, PathBuf};

use pacta_ledger::store::{postgres_url_with_database, Database};
use sqlx::Connection;

use super::{BenchError, MAX_WRITERS};

/// Runs `$body` with `$store` bound to the ledger's chained store over the database's own
/// cqrs-es repository (postgres-es or sqlite-es): the code in `$body` is generic over it.
macro_rules! with_chained_store {
    ($database:expr, |$store:ident| $body:expr) => {
        match $database {
            pacta_ledger::store::Database::Postgres(pool, _) => {
                let $store = pacta_ledger::store::ChainedEventStore::new(
                    postgres_es::PostgresEventRepository::new(pool.clone()),
                );
                $body
            }
            pacta_ledger::store::Database::Sqlite(pool) => {
                let $store = pacta_ledger::store::ChainedEventStore::new(
                    sqlite_es::SqliteEventRepository::new(pool.clone()),
                );
                $body
            }
        }
    };
}
pub(crate) use with_chained_store;

/// The store the scratch databases are made on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Server {
    /// A PostgreSQL server URL, of a user allowed to create databases.
    Postgres(String),
    /// A directory for SQLite files, and the URL's query (`?…`, SQLite options), if any.
    Sqlite { dir: PathBuf, query: Option<String> },
}

impl Server {
    /// The store `url` names, in the URL forms `Database::connect` accepts: `postgres://…`,
    /// `postgresql://…`, `sqlite://FILE` or `sqlite:FILE`. An in-memory SQLite store is refused:
    /// it syncs nothing to disk, so its figures would not be a ledger's.
    pub fn parse(url: &str) -> Result<Server, BenchError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Server::Postgres(url.to_string()));
        }
        let Some(rest) = url.strip_prefix("sqlite:") else {
            let scheme = url.split(':').next().unwrap_or_default();
            return Err(format!(
                "benchmarks run on PostgreSQL or SQLite, not on a '{scheme}' store: pass \
                 --store postgres://USER@HOST/DB (a user allowed to create databases) or \
                 sqlite://FILE (scratch files are made beside it)"
            )
            .into());
        };
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let (path, query) = rest
            .split_once('?')
            .map_or((rest, None), |(path, query)| (path, Some(query)));
        if path.is_empty() || path == ":memory:" || query.is_some_and(|q| q.contains("memory")) {
            return Err(
                "an in-memory SQLite store syncs nothing to disk: pass --store \
                        sqlite://FILE, and the scratch files are made in its directory"
                    .into(),
            );
        }
        let dir = Path::new(path)
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        Ok(Server::Sqlite {
            dir,
            query: query.map(str::to_string),
        })
    }

    /// What the store is, as the figures' headings name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Server::Postgres(_) => "PostgreSQL",
            Server::Sqlite { .. } => "SQLite",
        }
    }
}

/// One scratch database, with the ledger's schema, on `server`.
pub struct BenchDatabase {
    /// The database's name on the server, or the SQLite file's path.
    pub name: String,
    /// The URL it was opened with: may hold a password, never printed.
    pub url: String,
    pub database: Database,
    server: Server,
}

impl BenchDatabase {
    /// Creates a fresh database named after `flavour` and this process (dropping any left by a
    /// process of the same id), opens it with one connection per concurrent writer at most and
    /// migrates it, as `Database::connect` opens a ledger: same pool options, same SQLite
    /// settings.
    pub async fn create(server: &Server, flavour: &str) -> Result<BenchDatabase, BenchError> {
        let name = format!("pacta_bench_{flavour}_{}", std::process::id());
        let (name, url) = match server {
            Server::Postgres(server_url) => {
                let bench_error = |e: sqlx::Error| {
                    BenchError::from(format!("cannot create benchmark database {name}: {e}"))
                };
                let mut admin = sqlx::PgConnection::connect(server_url)
                    .await
                    .map_err(bench_error)?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&mut admin)
                    .await
                    .map_err(bench_error)?;
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .map_err(bench_error)?;
                let url = postgres_url_with_database(server_url, &name);
                (name, url)
            }
            Server::Sqlite { dir, query } => {
                let path = dir.join(format!("{name}.db"));
                remove_sqlite_files(&path);
                let mut url = format!("sqlite://{}", path.display());
                if let Some(query) = query {
                    url.push('?');
                    url.push_str(query);
                }
                (path.display().to_string(), url)
            }
        };
        let database = Database::connect_with_pool(&url, MAX_WRITERS as u32).await?;
        Ok(BenchDatabase {
            name,
            url,
            database,
            server: server.clone(),
        })
    }

    /// Drops the database (or removes the SQLite file), or keeps it and says so.
    pub async fn finish(self, keep: bool) {
        if keep {
            println!("kept database {}", self.name);
            return;
        }
        match (&self.database, &self.server) {
            (Database::Postgres(pool, lookups), Server::Postgres(server_url)) => {
                lookups.release_all();
                pool.close().await;
                if let Ok(mut admin) = sqlx::PgConnection::connect(server_url).await {
                    let _ = sqlx::query(&format!(
                        "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                        self.name
                    ))
                    .execute(&mut admin)
                    .await;
                }
            }
            (Database::Sqlite(pool), _) => {
                pool.close().await;
                remove_sqlite_files(Path::new(&self.name));
            }
            (Database::Postgres(pool, lookups), Server::Sqlite { .. }) => {
                lookups.release_all();
                pool.close().await
            }
        }
    }
}

/// Removes a SQLite database file and the WAL files beside it; what is absent is no error.
fn remove_sqlite_files(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

/// The process's resident memory now and at its peak, from `/proc/self/status`, in KiB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resident {
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

impl Resident {
    /// Reads `VmRSS` and `VmHWM` from `/proc/self/status` (Linux).
    pub fn now() -> Result<Resident, BenchError> {
        let status = std::fs::read_to_string("/proc/self/status")
            .map_err(|e| format!("cannot read /proc/self/status (Linux only): {e}"))?;
        Resident::parse(&status)
            .ok_or_else(|| "/proc/self/status names no VmRSS or no VmHWM".into())
    }

    fn parse(status: &str) -> Option<Resident> {
        let field = |name: &str| {
            status.lines().find_map(|line| {
                line.strip_prefix(name)?
                    .trim()
                    .strip_suffix("kB")?
                    .trim()
                    .parse()
                    .ok()
            })
        };
        Some(Resident {
            rss_kib: field("VmRSS:")?,
            hwm_kib: field("VmHWM:")?,
        })
    }

    /// Resets the peak (`VmHWM`) to the resident memory now, so the next reading's peak is the
    /// next phase's (`/proc/self/clear_refs`, value 5, Linux 4.0 and later). Returns whether
    /// the kernel took it.
    pub fn reset_peak() -> bool {
        std::fs::write("/proc/self/clear_refs", "5").is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_url_forms_the_ledger_accepts() {
        assert_eq!(
            Server::parse("postgres://u@h:5432/db").unwrap(),
            Server::Postgres("postgres://u@h:5432/db".into())
        );
        assert_eq!(
            Server::parse("sqlite:///var/tmp/bench.db").unwrap(),
            Server::Sqlite {
                dir: "/var/tmp".into(),
                query: None
            }
        );
        assert_eq!(
            Server::parse("sqlite://bench.db").unwrap(),
            Server::Sqlite {
                dir: ".".into(),
                query: None
            }
        );
        assert_eq!(
            Server::parse("sqlite:data/bench.db?mode=rwc").unwrap(),
            Server::Sqlite {
                dir: "data".into(),
                query: Some("mode=rwc".into())
            }
        );
        for refused in [
            "sqlite::memory:",
            "sqlite://",
            "sqlite:x.db?mode=memory",
            "mysql://h/db",
        ] {
            assert!(Server::parse(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn reads_resident_memory_from_proc_status() {
        let status =
            "Name:\tpacta-bench\nVmPeak:\t  900 kB\nVmHWM:\t    5120 kB\nVmRSS:\t    4096 kB\n";
        assert_eq!(
            Resident::parse(status),
            Some(Resident {
                rss_kib: 4096,
                hwm_kib: 5120
            })
        );
        assert_eq!(Resident::parse("VmRSS:\t4096 kB\n"), None);
        let now = Resident::now().unwrap();
        assert!(now.rss_kib > 0 && now.hwm_kib >= now.rss_kib, "{now:?}");
    }
}
