-- The journal, the ledger's identity, checkpoints and co-signatures.
-- See migrations/postgres/0004_journal.sql for why each column is there.
INSERT INTO view_checkpoints (view_name) VALUES ('journal');

CREATE TABLE journal_leaves
(
  leaf_index     INTEGER PRIMARY KEY CHECK (leaf_index >= 0),
  negotiation_id TEXT    NOT NULL,
  sequence       INTEGER NOT NULL CHECK (sequence >= 1),
  chain_hash     TEXT    NOT NULL CHECK (length(chain_hash) = 64 AND chain_hash NOT GLOB '*[^0-9a-f]*'),
  UNIQUE (negotiation_id, sequence)
) STRICT;

CREATE TABLE ledger_identity
(
  -- UNIQUE, not PRIMARY KEY: an INTEGER PRIMARY KEY is the rowid, and would take a new value
  -- instead of conflicting.
  singleton  INTEGER NOT NULL DEFAULT 1 UNIQUE CHECK (singleton = 1),
  ledger_id  TEXT    NOT NULL,
  public_key TEXT    NOT NULL CHECK (length(public_key) = 64 AND public_key NOT GLOB '*[^0-9a-f]*')
) STRICT;

CREATE TABLE checkpoints
(
  tree_size         INTEGER PRIMARY KEY CHECK (tree_size >= 1),
  root_hash         TEXT    NOT NULL CHECK (length(root_hash) = 64 AND root_hash NOT GLOB '*[^0-9a-f]*'),
  created_at        INTEGER NOT NULL,
  ledger_id         TEXT    NOT NULL,
  ledger_public_key TEXT    NOT NULL,
  signature         TEXT    NOT NULL
) STRICT;

CREATE TABLE cosignatures
(
  tree_size  INTEGER NOT NULL REFERENCES checkpoints (tree_size),
  party      TEXT    NOT NULL,
  person     TEXT    NOT NULL,
  public_key TEXT    NOT NULL,
  signature  TEXT    NOT NULL,
  signed_at  INTEGER NOT NULL,
  PRIMARY KEY (tree_size, party)
) STRICT;

CREATE TRIGGER journal_leaves_no_update BEFORE UPDATE ON journal_leaves
BEGIN
  SELECT RAISE(ABORT, 'journal_leaves is append-only: UPDATE refused');
END;
CREATE TRIGGER journal_leaves_no_delete BEFORE DELETE ON journal_leaves
BEGIN
  SELECT RAISE(ABORT, 'journal_leaves is append-only: DELETE refused');
END;
CREATE TRIGGER checkpoints_no_update BEFORE UPDATE ON checkpoints
BEGIN
  SELECT RAISE(ABORT, 'checkpoints is append-only: UPDATE refused');
END;
CREATE TRIGGER checkpoints_no_delete BEFORE DELETE ON checkpoints
BEGIN
  SELECT RAISE(ABORT, 'checkpoints is append-only: DELETE refused');
END;
CREATE TRIGGER cosignatures_no_update BEFORE UPDATE ON cosignatures
BEGIN
  SELECT RAISE(ABORT, 'cosignatures is append-only: UPDATE refused');
END;
CREATE TRIGGER cosignatures_no_delete BEFORE DELETE ON cosignatures
BEGIN
  SELECT RAISE(ABORT, 'cosignatures is append-only: DELETE refused');
END;
