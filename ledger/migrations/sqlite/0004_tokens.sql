-- Bearer tokens for the HTTP service.
-- See migrations/postgres/0005_tokens.sql for why each column is there.
CREATE TABLE api_tokens
(
  token_id     TEXT NOT NULL PRIMARY KEY CHECK (length(token_id) = 12 AND token_id NOT GLOB '*[^0-9a-f]*'),
  token_sha256 TEXT NOT NULL UNIQUE CHECK (length(token_sha256) = 64 AND token_sha256 NOT GLOB '*[^0-9a-f]*'),
  person       TEXT NOT NULL,
  label        TEXT NOT NULL,
  issued_at    TEXT NOT NULL,
  revoked_at   TEXT
) STRICT;
