-- Sessions of the web pages, kept beside the bearer tokens they are made from. Signing in on the
-- sign-in page with a token starts a session of its own: a new random secret (only its SHA-256
-- is kept, as for tokens) that acts as the same person until it expires or is revoked (signing
-- out revokes it). A session is never accepted by the JSON API, and a token never by the pages.
ALTER TABLE api_tokens
  -- 'token': a bearer token for the API (`pacta token issue`); 'session': a web-page session.
  ADD COLUMN kind       text NOT NULL DEFAULT 'token' CHECK (kind IN ('token', 'session')),
  -- RFC 3339, UTC: from this instant on the secret is refused. Set for every session; NULL for
  -- a token, which is valid until revoked.
  ADD COLUMN expires_at text;
