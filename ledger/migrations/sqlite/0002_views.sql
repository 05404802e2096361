-- Stored views: folds of the events, kept for fast reads and rebuilt from the events at will.
-- See migrations/postgres/0003_views.sql for why each column is there.
CREATE TABLE view_checkpoints
(
  view_name       TEXT    PRIMARY KEY,
  transaction_id  INTEGER NOT NULL DEFAULT 0,
  global_position INTEGER NOT NULL DEFAULT 0,
  events_applied  INTEGER NOT NULL DEFAULT 0 CHECK (events_applied >= 0)
) STRICT;

INSERT INTO view_checkpoints (view_name) VALUES ('index'), ('draft'), ('agreement'), ('timeline');

CREATE TABLE view_documents
(
  view_name      TEXT    NOT NULL,
  negotiation_id TEXT    NOT NULL,
  last_sequence  INTEGER NOT NULL CHECK (last_sequence >= 1),
  document       TEXT    NOT NULL,
  PRIMARY KEY (view_name, negotiation_id)
) STRICT;

CREATE TABLE view_timeline
(
  negotiation_id TEXT    NOT NULL,
  sequence       INTEGER NOT NULL CHECK (sequence >= 1),
  entry          TEXT    NOT NULL,
  PRIMARY KEY (negotiation_id, sequence)
) STRICT;
