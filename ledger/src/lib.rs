//! Pacta's ledger: where commands meet storage.
//!
//! - [`store`]: the databases (embedded SQLite by default, PostgreSQL in production), the
//!   chained cqrs-es event store that verifies every link on load and seals every commit, the
//!   journal's tables and the service's bearer tokens;
//! - [`Ledger`]: executes a command (load, decide with the domain, stamp who and when, commit,
//!   retry a lost race) and reads a negotiation's events back verified;
//! - `store::GroupCommitter` and `in_flight`: concurrent acts committed together in one
//!   transaction, acts queued on one negotiation decided one after another without waiting for
//!   each other's flush;
//! - [`verified`]: the negotiations' verified states a long-running ledger keeps between acts,
//!   so an act is decided on the state held, reading and verifying only the events another
//!   process appended after its head;
//! - [`views`]: the projector that keeps the stored views and the journal's leaves in commit
//!   order, each batch with its checkpoint in one transaction;
//! - [`new_events`]: one task per process that learns the ledger's latest committed position
//!   (LISTEN/NOTIFY on PostgreSQL, a short poll on SQLite) and publishes it to whoever waits;
//! - [`journal`]: signed checkpoints, co-signatures, proofs and audit bundles over the store;
//! - [`patrol`]: the whole ledger verified again and again in the background, at a bounded
//!   rate, putting a negotiation whose history it finds damaged in quarantine;
//! - [`verification`]: the whole ledger verified at once: chains, journal, checkpoints,
//!   co-signatures and the events the latest checkpoint covers.
//!
//! The rules live in `pacta-domain`, the folds in `pacta-projections`, the formats in
//! `pacta-verify`; this crate does the I/O around them and knows nothing of the CLI or HTTP.

pub mod drafts;
#[cfg(test)]
mod fixtures;
mod in_flight;
pub mod journal;
mod ledger;
pub mod new_events;
pub mod patrol;
pub mod recent;
pub mod store;
pub mod verification;
pub mod verified;
pub mod views;

pub use ledger::{
    command_sha256, commit_stamped, retry_pause, stamp, stamp_at, CommandContext, Executed, Ledger,
    LedgerError, MAX_COMMAND_ID_BYTES, RETRY_BASE_MS, RETRY_BUDGET_MS, RETRY_MAX_PAUSE_MS,
};
