-- Pacta's event table on PostgreSQL. postgres-es writes the first seven columns; the schema adds
-- the global position and the writing transaction's id, which together give readers a commit-order
-- cursor that never skips a late-committing event (see docs/ledger-format.md, "Reading in commit order").
CREATE TABLE events
(
  aggregate_type  text    NOT NULL,
  aggregate_id    text    NOT NULL,
  sequence        bigint  NOT NULL CHECK (sequence >= 1),
  event_type      text    NOT NULL,
  event_version   text    NOT NULL,
  payload         jsonb   NOT NULL,
  metadata        jsonb   NOT NULL,
  global_position bigserial NOT NULL UNIQUE,
  transaction_id  xid8    NOT NULL DEFAULT pg_current_xact_id(),
  PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

CREATE INDEX events_commit_order ON events (transaction_id, global_position);

-- Events are facts: the application never updates or deletes them, and the database refuses to.
-- (An owner can still disable this trigger; the hash chain is what detects that.)
CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only: % refused', TG_OP;
END;
$$;

CREATE TRIGGER events_append_only
  BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
