-- Stored documents compressed with LZ4 rather than PostgreSQL's default pglz: a draft is a large
-- JSON document that the projector rewrites whenever its negotiation moves, and pglz compressing
-- it was a good part of what a view rebuild cost the server (LZ4 compresses these about three
-- times faster, to the same size, and reads them back faster too). Only how new values are
-- stored changes; documents already written stay readable as they are. A server built without
-- LZ4 (or older than PostgreSQL 14, which cannot choose) keeps pglz.
DO $$
BEGIN
  EXECUTE 'ALTER TABLE view_documents ALTER COLUMN document SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
  NULL;
END
$$;
