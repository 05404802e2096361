-- The journal's right edge at each size it reaches: see migrations/postgres/0006.
CREATE TABLE journal_frontiers
(
  tree_size INTEGER PRIMARY KEY CHECK (tree_size >= 1),
  nodes     TEXT    NOT NULL CHECK (length(nodes) % 64 = 0 AND length(nodes) > 0
                                    AND nodes NOT GLOB '*[^0-9a-f]*')
);
CREATE TRIGGER journal_frontiers_no_update BEFORE UPDATE ON journal_frontiers
BEGIN
  SELECT RAISE(ABORT, 'journal_frontiers is append-only: UPDATE refused');
END;
CREATE TRIGGER journal_frontiers_no_delete BEFORE DELETE ON journal_frontiers
BEGIN
  SELECT RAISE(ABORT, 'journal_frontiers is append-only: DELETE refused');
END;
