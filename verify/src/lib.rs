//! Pacta's published formats, checked offline (`docs/ledger-format.md`).
//!
//! This is the library an auditor or another government's treaty office builds to check a copy
//! of the ledger without trusting the service that produced it:
//! - [`chain`]: each negotiation's SHA-256 hash chain over RFC 8785 canonical records;
//! - [`journal`]: the RFC 6962 Merkle tree over every event in commit order, signed checkpoints,
//!   co-signatures, inclusion, consistency and multi-leaf proofs;
//! - [`audit`]: the audit bundle (one negotiation, self-contained) and its verifier.
//!
//! No I/O, no clock, no async runtime: callers pass bytes and times in. An untrusted input is
//! never a panic: every fault is a typed error or a finding naming what failed.

pub mod audit;
pub mod chain;
pub mod journal;
