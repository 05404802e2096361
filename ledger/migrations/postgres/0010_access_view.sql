-- The stored access view: who is accredited in which negotiation, for which party and in which
-- role, as the negotiation's verified events left it (the domain's `Negotiation::delegate`: every
-- head of delegation the opening names, its secretariat, and everyone accredited since). The
-- negotiation list reads one person's rows by this key instead of every negotiation's state.
-- Like the other views it is rebuilt from the events at will, and the projector writes it with
-- its checkpoint in each batch's one transaction. On a ledger that had no such view, the 'access'
-- checkpoint starts at the beginning, so the next catch-up fills it from the whole history.
INSERT INTO view_checkpoints (view_name) VALUES ('access');

CREATE TABLE view_access
(
  person         text   NOT NULL,
  negotiation_id text   NOT NULL,
  -- The party's code, or the facilitator's for its secretariat and observers.
  party          text   NOT NULL,
  -- The role as the API spells it ('head-of-delegation', 'negotiator', …).
  role           text   NOT NULL,
  -- The event that accredited the person (the opening, for its founders).
  sequence       bigint NOT NULL CHECK (sequence >= 1),
  PRIMARY KEY (person, negotiation_id)
);
