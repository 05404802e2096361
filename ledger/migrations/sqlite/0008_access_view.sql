-- The stored access view: who is accredited in which negotiation, for which party and in which
-- role. See migrations/postgres/0010_access_view.sql for why each column is there. (SQLite has
-- no notifications: a process learns of new events by reading the last position.)
INSERT INTO view_checkpoints (view_name) VALUES ('access');

CREATE TABLE view_access
(
  person         TEXT    NOT NULL,
  negotiation_id TEXT    NOT NULL,
  party          TEXT    NOT NULL,
  role           TEXT    NOT NULL,
  sequence       INTEGER NOT NULL CHECK (sequence >= 1),
  PRIMARY KEY (person, negotiation_id)
) STRICT;
