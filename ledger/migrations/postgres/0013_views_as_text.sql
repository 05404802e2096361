-- The stored views' JSON kept as text, as on SQLite. Only the projector writes these columns,
-- from serde_json, and every reader reads them back whole as text: PostgreSQL parsing each
-- document and timeline row again to validate it (json_in, json_recv) checked nothing the
-- projector had not already guaranteed, and cost the server a good part of a rebuild (the five
-- views of `pacta-bench views`: 1.68, 1.68 and 1.49 s as text against 1.92, 1.86 and 1.97 s
-- as json) and of every background catch-up while the service takes acts. The JSON is the same
-- text: nothing stored changes.
ALTER TABLE view_documents ALTER COLUMN document TYPE text;
ALTER TABLE view_timeline ALTER COLUMN entry TYPE text;

-- Changing the type resets the column's compression: LZ4 again, as 0012 chose it.
DO $$
BEGIN
  EXECUTE 'ALTER TABLE view_documents ALTER COLUMN document SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
  NULL;
END
$$;
