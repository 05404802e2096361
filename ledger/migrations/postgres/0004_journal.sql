-- The journal (docs/ledger-format.md, "Journal, checkpoints and proofs"): every verified event,
-- in global commit order, is one leaf of an RFC 6962 Merkle tree. Unlike the views it is never
-- rebuilt: checkpoints sign its roots, so its leaves are append-only. The projector writes the
-- leaves and the 'journal' checkpoint in the batch's one transaction, so a killed process never
-- skips or repeats a leaf; leaf_index is that checkpoint's events_applied before the batch, plus
-- the event's place in the batch, so the indexes stay dense (0..n-1).
INSERT INTO view_checkpoints (view_name) VALUES ('journal');

CREATE TABLE journal_leaves
(
  leaf_index     bigint PRIMARY KEY CHECK (leaf_index >= 0),
  negotiation_id text   NOT NULL,
  sequence       bigint NOT NULL CHECK (sequence >= 1),
  -- The event's chain hash (its metadata `hash`), lower-case hex; the leaf hash is
  -- SHA-256(0x00 ‖ these 32 bytes).
  chain_hash     text   NOT NULL CHECK (chain_hash ~ '^[0-9a-f]{64}$'),
  UNIQUE (negotiation_id, sequence)
);

-- The ledger's identity: its id (the checkpoint origin is 'pacta/<ledger_id>') and the Ed25519
-- public key every checkpoint must be signed with. Written with the first checkpoint.
CREATE TABLE ledger_identity
(
  singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  ledger_id  text    NOT NULL,
  public_key text    NOT NULL CHECK (public_key ~ '^[0-9a-f]{64}$')
);

-- Signed checkpoints: the tree of the first tree_size leaves had root_hash at created_at.
CREATE TABLE checkpoints
(
  tree_size         bigint PRIMARY KEY CHECK (tree_size >= 1),
  root_hash         text   NOT NULL CHECK (root_hash ~ '^[0-9a-f]{64}$'),
  -- Seconds since the Unix epoch, UTC: the 'time' line of the signed body.
  created_at        bigint NOT NULL,
  ledger_id         text   NOT NULL,
  ledger_public_key text   NOT NULL,
  -- Hex Ed25519 signature of the checkpoint body.
  signature         text   NOT NULL
);

-- A party's signatory vouching for a checkpoint, after checking it extends the last one their
-- party co-signed.
CREATE TABLE cosignatures
(
  tree_size  bigint NOT NULL REFERENCES checkpoints (tree_size),
  party      text   NOT NULL,
  person     text   NOT NULL,
  public_key text   NOT NULL,
  signature  text   NOT NULL,
  signed_at  bigint NOT NULL,
  PRIMARY KEY (tree_size, party)
);

CREATE FUNCTION journal_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END;
$$;

CREATE TRIGGER journal_leaves_append_only BEFORE UPDATE OR DELETE ON journal_leaves
  FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();
CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
  FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();
CREATE TRIGGER cosignatures_append_only BEFORE UPDATE OR DELETE ON cosignatures
  FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();
