-- The check on a journal leaf's chain hash, the same rule written without a bounded repetition:
-- PostgreSQL's regular expressions expand '^[0-9a-f]{64}$' into 64 states and run them for every
-- leaf appended, which made the check most of what appending a leaf cost. Exactly 64 characters,
-- none of them anything but a lower-case hex digit, is the same set of values, and the form
-- SQLite's schema has always used (migrations/sqlite/0003_journal.sql).
ALTER TABLE journal_leaves
  DROP CONSTRAINT journal_leaves_chain_hash_check,
  ADD CONSTRAINT journal_leaves_chain_hash_check
    CHECK (length(chain_hash) = 64 AND chain_hash !~ '[^0-9a-f]');
