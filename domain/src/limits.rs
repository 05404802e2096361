//! Explicit limits on what one command may carry.
//!
//! Each limit has a unit in its name and its own refusal in [`crate::NegotiationError`], so a
//! delegate who hits one is told which limit, by how much, and what to do instead. The numbers
//! are chosen for real instruments: the longest articles of bilateral agreements run to a few
//! thousand words, well under `MAX_CLAUSE_TEXT_BYTES`.

/// Identifiers (negotiation, clause, person): short, stable, safe in URLs and file names.
pub const MAX_IDENTIFIER_BYTES: usize = 64;
/// Title of the instrument as it will appear on the cover page.
pub const MAX_TITLE_BYTES: usize = 512;
/// Person and party names.
pub const MAX_NAME_BYTES: usize = 200;
/// Heading of an article or annex.
pub const MAX_HEADING_BYTES: usize = 512;
/// Text of one clause in one language (64 KiB).
pub const MAX_CLAUSE_TEXT_BYTES: usize = 64 * 1024;
/// A diplomatic note's full text: twice a clause's, as a reply reproduces the proposal whole.
pub const MAX_NOTE_TEXT_BYTES: usize = 128 * 1024;
/// A comment or a reason given for an act.
pub const MAX_COMMENT_BYTES: usize = 16 * 1024;
/// Parties to one instrument; bilateral is the common case, small plurilateral instruments fit.
pub const MAX_PARTIES_PER_NEGOTIATION: usize = 16;
/// Authentic languages of one instrument.
pub const MAX_LANGUAGES_PER_NEGOTIATION: usize = 8;
/// Accredited people across all delegations.
pub const MAX_DELEGATES_PER_NEGOTIATION: usize = 1_000;
/// Clauses (preamble recitals, articles and annexes, including withdrawn ones).
pub const MAX_CLAUSES_PER_NEGOTIATION: usize = 1_000;
/// Rounds, meetings and sessions over the life of one negotiation.
pub const MAX_ROUNDS_PER_NEGOTIATION: usize = 200;
/// Months from a notice of termination to its effect, where the instrument names none.
pub const DEFAULT_TERMINATION_NOTICE_MONTHS: u32 = 6;
/// Action matrices in one negotiation, and rows in one matrix.
pub const MAX_MATRICES_PER_NEGOTIATION: usize = 50;
pub const MAX_ROWS_PER_MATRIX: usize = 200;
/// Bracketed alternatives standing against one clause's wording.
pub const MAX_ALTERNATIVES_PER_CLAUSE: usize = 8;
/// Longest delay an entry-into-force rule may set after the last consent (ten years).
pub const MAX_ENTRY_INTO_FORCE_DELAY_DAYS: u32 = 3_653;
pub const MAX_ENTRY_INTO_FORCE_DELAY_MONTHS: u32 = 120;
/// Revisions (amending instruments) over the life of one instrument.
pub const MAX_REVISIONS_PER_INSTRUMENT: usize = 100;
/// Corrections of one revision's authenticated text.
pub const MAX_CORRECTIONS_PER_REVISION: usize = 200;
/// Events one command may produce; more would mean a command that does too much at once.
pub const MAX_EVENTS_PER_COMMAND: usize = 16;
