-- Pacta's event table on SQLite. sqlite-es writes the first seven columns; a trigger gives each
-- event its global position inside the writing transaction. SQLite admits one writer at a time,
-- so positions are assigned, and become visible, in commit order.
CREATE TABLE events
(
  aggregate_type  TEXT    NOT NULL,
  aggregate_id    TEXT    NOT NULL,
  sequence        INTEGER NOT NULL CHECK (sequence >= 1),
  event_type      TEXT    NOT NULL,
  event_version   TEXT    NOT NULL,
  payload         TEXT    NOT NULL,
  metadata        TEXT    NOT NULL,
  global_position INTEGER UNIQUE,
  PRIMARY KEY (aggregate_type, aggregate_id, sequence)
) STRICT;

CREATE TRIGGER events_assign_global_position AFTER INSERT ON events
BEGIN
  UPDATE events
     SET global_position = (SELECT IFNULL(MAX(global_position), 0) + 1 FROM events)
   WHERE rowid = NEW.rowid;
END;

-- Events are facts: once positioned, a row is never updated, and no row is ever deleted.
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
WHEN OLD.global_position IS NOT NULL
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: UPDATE refused');
END;

CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only: DELETE refused');
END;
