//! Connections kept between the small lookups on PostgreSQL (`fetch!`), so that a lookup costs
//! one round trip, not two.
//!
//! sqlx 0.8 pings every connection given back to its pool (an empty statement, one more round
//! trip to the server; sqlx-core's `pool/connection.rs`, `return_to_pool`), as a band-aid for a
//! statement cancelled half-way. The lookups the service makes on every request (the token,
//! the last sequence of a negotiation, the register) each cost a statement and that ping. The
//! connections kept here skip it: a lookup takes one, and gives it back only once its
//! statement has been read to the end (sqlx reads every answer up to the server's
//! ReadyForQuery before it returns). A lookup that fails or is cancelled drops its connection
//! instead, so it goes back to the pool the usual way, whose ping closes it if it is broken.
//!
//! At most a quarter of the pool's connections are kept (`kept_at_most`): they are taken from
//! the pool, so the group committers, the projector and transactions keep the rest.

use std::sync::Mutex;

use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres};

/// The connections kept for lookups on one PostgreSQL pool; shared by the clones of a
/// `Database`.
#[derive(Debug, Default)]
pub struct Lookups {
    idle: Mutex<Vec<PoolConnection<Postgres>>>,
}

/// How many idle connections `Lookups` keeps out of a pool of `max_connections`: a quarter of
/// them, at least one.
pub fn kept_at_most(max_connections: u32) -> usize {
    (max_connections as usize / 4).max(1)
}

impl Lookups {
    /// A connection for one lookup: a kept one, or one from the pool.
    pub async fn take(&self, pool: &PgPool) -> Result<PoolConnection<Postgres>, sqlx::Error> {
        let kept = self.idle().pop();
        match kept {
            Some(connection) => Ok(connection),
            None => pool.acquire().await,
        }
    }

    /// Keeps `connection`, whose lookup was read to the end, for the next one; past the bound it
    /// goes back to the pool.
    pub fn give_back(&self, connection: PoolConnection<Postgres>, pool: &PgPool) {
        let mut idle = self.idle();
        if idle.len() < kept_at_most(pool.options().get_max_connections()) {
            idle.push(connection);
        }
    }

    /// Gives every kept connection back to the pool: before the pool closes, which waits for
    /// all of its connections.
    pub fn release_all(&self) {
        self.idle().clear();
    }

    /// How many connections are kept now.
    pub fn kept(&self) -> usize {
        self.idle().len()
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<PoolConnection<Postgres>>> {
        // A panic while the lock is held leaves a plain list of connections, still usable.
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_of_the_pool_is_kept_and_never_none() {
        assert_eq!(kept_at_most(16), 4);
        assert_eq!(kept_at_most(32), 8);
        assert_eq!(kept_at_most(2), 1);
        assert_eq!(kept_at_most(0), 1);
    }
}
