//! Pacta: an event-sourced, tamper-evident ledger for negotiating MoUs, agreements and treaties.
//!
//! This crate is the application around the pure negotiation model (`pacta-domain`) and its
//! views (`pacta-projections`): the hash chain that seals every event, the stores it runs on
//! (embedded SQLite by default, PostgreSQL in production), the ledger that executes commands
//! with identity and time, and the `pacta` command line. All I/O lives here.

pub mod audit;
pub mod bench;
pub mod chain;
pub mod cli;
pub mod demo;
pub mod http;
pub mod journal;
pub mod keys;
pub mod ledger;
pub mod store;
pub mod views;
