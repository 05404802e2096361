//! Names of the metadata fields every stored event carries. The domain never reads them (it has
//! no notion of time or storage); they are defined here so that the application that writes
//! them and the projections that read them share one spelling.

/// When the ledger recorded the event: RFC 3339, UTC, microseconds.
pub const RECORDED_AT: &str = "recorded_at";
/// The person who performed the command.
pub const ACTOR: &str = "actor";
/// The party (or facilitator) the person acted for.
pub const PARTY: &str = "party";
/// The capacity in which the person acted.
pub const ROLE: &str = "role";
/// The id of the command the event records; every event of one command shares it.
pub const COMMAND_ID: &str = "command_id";
/// Hex SHA-256 of the RFC 8785 canonical JSON of the command (actor and action) the event
/// records, so that a retry under the same command id can be told apart from a different
/// command reusing the id. Absent on events recorded before it was introduced.
pub const COMMAND_SHA256: &str = "command_sha256";
/// Hex SHA-256 of the previous event in the negotiation's chain.
pub const PREV_HASH: &str = "prev_hash";
/// Hex SHA-256 of this event, chaining it to the previous one.
pub const HASH: &str = "hash";
