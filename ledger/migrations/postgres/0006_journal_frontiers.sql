-- The journal's right edge at each size it reaches (src/journal.rs, `Frontier`): the roots of
-- the tree's perfect subtrees, left to right, as concatenated lower-case hex. The projector
-- appends one row per batch, in the batch's transaction, from the row before it and the batch's
-- leaves, so a checkpoint's root costs log2(n) hashes instead of reading and hashing n leaves.
-- Rows are derived from journal_leaves and checked against them by `pacta checkpoint` whenever
-- a proof reads the leaves; like the leaves, they are append-only.
CREATE TABLE journal_frontiers
(
  tree_size bigint PRIMARY KEY CHECK (tree_size >= 1),
  nodes     text   NOT NULL CHECK (nodes ~ '^([0-9a-f]{64})+$')
);

CREATE TRIGGER journal_frontiers_append_only BEFORE UPDATE OR DELETE ON journal_frontiers
  FOR EACH ROW EXECUTE FUNCTION journal_refuse_change();
