-- Stored views: folds of the events, kept for fast reads and rebuilt from the events at will.
-- They are never a source of truth. Each view's checkpoint is written in the same transaction
-- as the view rows it covers, so a view never misses an event or applies one twice, even when
-- the process dies between an event's commit and the view's update.
CREATE TABLE view_checkpoints
(
  view_name       text   PRIMARY KEY,
  -- The commit-order cursor (see read_committed) of the last event the view covers.
  transaction_id  bigint NOT NULL DEFAULT 0,
  global_position bigint NOT NULL DEFAULT 0,
  events_applied  bigint NOT NULL DEFAULT 0 CHECK (events_applied >= 0)
);

INSERT INTO view_checkpoints (view_name) VALUES ('index'), ('draft'), ('agreement'), ('timeline');

-- One JSON document per view and negotiation (the index entry, the current draft, the agreement
-- state), as it stood after the negotiation's event `last_sequence`. `json` keeps the text as
-- written, so a read returns it without re-serialising.
CREATE TABLE view_documents
(
  view_name      text   NOT NULL,
  negotiation_id text   NOT NULL,
  last_sequence  bigint NOT NULL CHECK (last_sequence >= 1),
  document       json   NOT NULL,
  PRIMARY KEY (view_name, negotiation_id)
);

-- One timeline entry per event; the key makes a second application of an event fail loudly.
CREATE TABLE view_timeline
(
  negotiation_id text   NOT NULL,
  sequence       bigint NOT NULL CHECK (sequence >= 1),
  entry          json   NOT NULL,
  PRIMARY KEY (negotiation_id, sequence)
);
