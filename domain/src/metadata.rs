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
/// The date the act took place (YYYY-MM-DD), as its command stated it (`took_place`, or the
/// act's own date such as `signed_on`). Absent when the command stated none: the act took place
/// on the day it was recorded, as did every act recorded before occasions existed.
pub const TOOK_PLACE_ON: &str = "took_place_on";
/// The time of day the act took place (HH:MM:SS), where stated.
pub const TOOK_PLACE_AT: &str = "took_place_at";
/// Where the act took place, where stated.
pub const TOOK_PLACE_IN: &str = "took_place_in";
/// `"true"` for an act recorded as intersessional work, outside the dates of the round open when
/// it was recorded; absent otherwise.
pub const INTERSESSIONAL: &str = "intersessional";
/// Hex SHA-256 of the previous event in the negotiation's chain.
pub const PREV_HASH: &str = "prev_hash";
/// Hex SHA-256 of this event, chaining it to the previous one.
pub const HASH: &str = "hash";

// Never built: the ledger writes the fields by the names above. This type only describes them for
// the published JSON Schema (docs/schemas/event-metadata.schema.json), and the integration tests
// validate every event of the demo ledgers against that schema, so a new field cannot go unlisted.
/// The metadata object of a stored event (docs/ledger-format.md §1): who recorded the event,
/// when, for which command, and its two chain fields.
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoredMetadata {
    /// When the ledger recorded the event: RFC 3339 in UTC with microseconds,
    /// e.g. `2026-03-02T09:00:00.000000Z`.
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"))]
    pub recorded_at: String,
    /// The person who performed the command.
    pub actor: String,
    /// The party (ISO 3166-1 alpha-3) or facilitating organisation the person acted for.
    pub party: String,
    /// The capacity in which the person acted (`negotiator`, `head-of-delegation`, …).
    pub role: crate::Role,
    /// The id of the command the event records; every event of one command shares it.
    pub command_id: String,
    /// Lower-case hex SHA-256 of the RFC 8785 canonical JSON of the command; absent on events
    /// recorded before it was introduced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", regex(pattern = r"^[0-9a-f]{64}$"))]
    pub command_sha256: Option<String>,
    /// The date the act took place, as its command stated it; absent when it stated none (the
    /// act took place on the day it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub took_place_on: Option<String>,
    /// The time of day the act took place (HH:MM:SS), where stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", regex(pattern = r"^\d{2}:\d{2}:\d{2}$"))]
    pub took_place_at: Option<String>,
    /// Where the act took place, where stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub took_place_in: Option<String>,
    /// `"true"` for an act recorded as intersessional work; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String", regex(pattern = r"^true$"))]
    pub intersessional: Option<String>,
    /// Lower-case hex of the previous event's chain hash (64 zeros for the first event).
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub prev_hash: String,
    /// Lower-case hex of this event's chain hash.
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub hash: String,
}
