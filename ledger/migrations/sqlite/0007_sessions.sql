-- Sessions of the web pages, kept beside the bearer tokens they are made from.
-- See migrations/postgres/0009_sessions.sql for why each column is there.
ALTER TABLE api_tokens ADD COLUMN kind TEXT NOT NULL DEFAULT 'token' CHECK (kind IN ('token', 'session'));
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
