-- The operator's register of persons.
-- See migrations/postgres/0007_persons.sql for why each table and column is there.
CREATE TABLE persons
(
  person        TEXT NOT NULL PRIMARY KEY,
  name          TEXT NOT NULL,
  registered_at TEXT NOT NULL
) STRICT;

CREATE TABLE person_parties
(
  person     TEXT NOT NULL REFERENCES persons (person),
  party      TEXT NOT NULL,
  bound_at   TEXT NOT NULL,
  unbound_at TEXT,
  PRIMARY KEY (person, party, bound_at)
) STRICT;

CREATE UNIQUE INDEX person_parties_in_force ON person_parties (person, party) WHERE unbound_at IS NULL;
