-- The operator's register of persons: who may be named head of delegation, secretariat or
-- delegate of which party (a State by its ISO 3166-1 alpha-3 code, an organisation by its own
-- code), and under which name. Operator data, like api_tokens: it is not part of any
-- negotiation's chain. A command is decided against the register as it stands when it is
-- executed; the events it records carry the names the register gave.
CREATE TABLE persons
(
  person        text PRIMARY KEY,
  -- The full name every event naming the person records.
  name          text NOT NULL,
  -- RFC 3339, UTC.
  registered_at text NOT NULL
);

-- Which parties each person may act for. Unbinding sets unbound_at and keeps the row, and
-- binding again adds a row, so who could act for whom, and when, stays on record.
CREATE TABLE person_parties
(
  person     text NOT NULL REFERENCES persons (person),
  party      text NOT NULL,
  -- RFC 3339, UTC.
  bound_at   text NOT NULL,
  unbound_at text,
  PRIMARY KEY (person, party, bound_at)
);

-- At most one binding of a person to a party in force at a time.
CREATE UNIQUE INDEX person_parties_in_force ON person_parties (person, party) WHERE unbound_at IS NULL;
