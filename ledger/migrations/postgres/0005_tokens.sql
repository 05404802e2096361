-- Bearer tokens for the HTTP service: a request that presents one acts as its person. Only the
-- SHA-256 of the secret is kept, so a copy of this table lets nobody act; the secret is shown
-- once, when issued. Revoking sets revoked_at and keeps the row, so who could act, and until
-- when, stays on record.
CREATE TABLE api_tokens
(
  -- Public name of the token, for listing and revoking: 12 lower-case hex digits.
  token_id     text PRIMARY KEY CHECK (token_id ~ '^[0-9a-f]{12}$'),
  -- Lower-case hex SHA-256 of the token string's UTF-8 bytes; the UNIQUE index is what a request
  -- is looked up by, so the secret itself is never compared.
  token_sha256 text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
  person       text NOT NULL,
  label        text NOT NULL,
  -- RFC 3339, UTC.
  issued_at    text NOT NULL,
  revoked_at   text
);
