//! One notification of new events per process: a single task learns the ledger's latest
//! committed position and publishes it through a `tokio::sync::watch`, so that whatever waits
//! for new acts (the service's live pages) waits on it instead of each asking the store.
//!
//! On PostgreSQL every ledger that commits events then notifies the channel `NEW_EVENTS_CHANNEL`
//! (`Database::announce_new_events`, after the commit, outside the events' transaction; the
//! group committer coalesces the announcements of groups committed while one is sent, and sends
//! at most one per `MIN_ANNOUNCEMENT_INTERVAL_MS`), which
//! PostgreSQL delivers to every session listening, whichever process wrote. The task listens on
//! one connection of the pool and, on each notification, reads the last position once (a burst of
//! notifications is read once). A notification is lost while the listening connection is down,
//! and a connection can die without a word, so the task also reads the position every
//! `POSTGRES_FALLBACK_POLL_MS`: it is never stale for longer than that. SQLite has no
//! notifications, and its writers may be other processes on the same file, so there the task
//! reads the position every `SQLITE_POLL_MS` (one index lookup).
//!
//! What is published is a hint that something was committed, for waking; it is not a promise
//! that every event below it is readable in commit order. Reads that must see every act committed
//! before them (read-your-writes) do their own lookup of the last position
//! (`views::Projector::catch_up_to_now`, the service's `catch_up`), since a notification may not
//! have arrived yet.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPool};
use tokio::sync::{watch, Notify};

use crate::store::Database;

pub use crate::store::NEW_EVENTS_CHANNEL;
/// On PostgreSQL, how often the position is read even without a notification: the longest a
/// lost notification (a listening connection that died, a writer that could not notify) leaves
/// it stale.
pub const POSTGRES_FALLBACK_POLL_MS: u64 = 1_000;
/// On SQLite, how often the position is read: how late at most a new act is noticed.
pub const SQLITE_POLL_MS: u64 = 100;

/// How often the follower reads the position without being told to. `default()` is the
/// constants above; a test can make the fallback so slow that only a notification wakes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NewEventsSettings {
    pub postgres_fallback_poll: Duration,
    pub sqlite_poll: Duration,
}

impl Default for NewEventsSettings {
    fn default() -> NewEventsSettings {
        NewEventsSettings {
            postgres_fallback_poll: Duration::from_millis(POSTGRES_FALLBACK_POLL_MS),
            sqlite_poll: Duration::from_millis(SQLITE_POLL_MS),
        }
    }
}

/// The ledger's latest committed position as one process knows it: one follower task, started
/// by the first subscription and stopped when this is dropped, and any number of subscribers.
pub struct NewEvents {
    database: Database,
    settings: NewEventsSettings,
    latest: watch::Sender<i64>,
    follower: OnceLock<AbortOnDrop>,
}

/// The follower task, which ends with its owner.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl NewEvents {
    pub fn new(database: Database, settings: NewEventsSettings) -> NewEvents {
        NewEvents {
            database,
            settings,
            // Below every position: the follower's first read is a change.
            latest: watch::channel(-1).0,
            follower: OnceLock::new(),
        }
    }

    /// A receiver of the latest committed position (-1 until the follower's first read), whose
    /// `changed()` resolves when a later one is committed, by this process or any other. Starts
    /// the follower on first use, so it must be called within a Tokio runtime.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.follower.get_or_init(|| {
            let (database, settings, latest) =
                (self.database.clone(), self.settings, self.latest.clone());
            AbortOnDrop(tokio::spawn(follow(database, settings, latest)))
        });
        self.latest.subscribe()
    }
}

/// Publishes the ledger's last position into `latest`, reading it whenever woken, until aborted.
async fn follow(database: Database, settings: NewEventsSettings, latest: watch::Sender<i64>) {
    let wake = Arc::new(Notify::new());
    let (poll_every, listening) = match &database {
        Database::Postgres(pool, _) => (
            settings.postgres_fallback_poll,
            Some(listen(
                pool.clone(),
                settings.postgres_fallback_poll,
                wake.clone(),
            )),
        ),
        Database::Sqlite(_) => (settings.sqlite_poll, None),
    };
    let publishing = async {
        let mut poll = tokio::time::interval(poll_every);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            tokio::select! {
                () = wake.notified() => {}
                _ = poll.tick() => {}
            }
            match database.last_position().await {
                Ok(position) => {
                    failing = false;
                    latest.send_if_modified(|known| {
                        let later = position > *known;
                        if later {
                            *known = position;
                        }
                        later
                    });
                }
                // Said once per outage, not at every poll.
                Err(error) if !failing => {
                    failing = true;
                    tracing::warn!("cannot read the ledger's last position: {error}");
                }
                Err(_) => {}
            }
        }
    };
    // Both run in this one task: neither is ever cancelled mid-read, and both end with it.
    match listening {
        Some(listening) => {
            tokio::join!(listening, publishing);
        }
        None => publishing.await,
    }
}

/// Listens on `NEW_EVENTS_CHANNEL` and wakes the publisher on each notification, and whenever
/// the listening connection is (re)established, since notifications sent while it was down are
/// lost. A connection that cannot be had is tried again every `retry`.
async fn listen(pool: PgPool, retry: Duration, wake: Arc<Notify>) {
    loop {
        let mut listener = match start_listening(&pool).await {
            Ok(listener) => listener,
            Err(error) => {
                if pool.is_closed() {
                    return;
                }
                tracing::warn!(
                    "cannot listen for new events (the store is read every {} ms instead): {error}",
                    retry.as_millis()
                );
                tokio::time::sleep(retry).await;
                continue;
            }
        };
        wake.notify_one();
        loop {
            match listener.try_recv().await {
                Ok(Some(_)) => {
                    // One read of the position covers every notification already here.
                    while listener.next_buffered().is_some() {}
                    wake.notify_one();
                }
                // The connection was lost and has been re-established: what was sent meanwhile
                // is lost, so read the position now.
                Ok(None) => wake.notify_one(),
                Err(error) => {
                    if pool.is_closed() {
                        return;
                    }
                    tracing::warn!("listening for new events failed, listening again: {error}");
                    tokio::time::sleep(retry).await;
                    break;
                }
            }
        }
    }
}

async fn start_listening(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(NEW_EVENTS_CHANNEL).await?;
    Ok(listener)
}
