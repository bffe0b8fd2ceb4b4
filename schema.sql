-- better-share schema for Postgres, applied by `better-share migrate`.
-- Each "-- migration N:" section runs once, inside a transaction, and is
-- recorded in schema_migrations; re-running migrate is a no-op.

-- migration 1: shares, rate-limit counters, native sync items
CREATE TABLE IF NOT EXISTS shares (
  share_id    TEXT PRIMARY KEY,          -- ^[0-9A-Za-z]{8}$
  session_id  TEXT NOT NULL UNIQUE,
  secret      TEXT NOT NULL,             -- sha256 of the secret, never the secret
  created_at  TIMESTAMPTZ DEFAULT NOW(),
  updated_at  TIMESTAMPTZ DEFAULT NOW(),
  title       TEXT,
  size_bytes  BIGINT,
  version     INTEGER NOT NULL DEFAULT 0,
  expires_at  TIMESTAMPTZ,               -- NULL = never
  views       BIGINT NOT NULL DEFAULT 0,
  protocol    TEXT NOT NULL DEFAULT 'seed' CHECK (protocol IN ('seed', 'native'))
);

CREATE TABLE IF NOT EXISTS rate_limits (
  bucket       TEXT NOT NULL,            -- "<kind>:<client ip>"
  window_start BIGINT NOT NULL,          -- unix seconds
  count        INTEGER NOT NULL,
  PRIMARY KEY (bucket, window_start)
);

-- Items sent by OpenCode's native share protocol, one row per identity
-- (session, message id, part id, ...). ShareData is built from them on read,
-- so a sync writes only its own delta.
CREATE TABLE IF NOT EXISTS share_items (
  share_id  TEXT NOT NULL REFERENCES shares(share_id) ON DELETE CASCADE,
  item_key  TEXT NOT NULL,
  seq       BIGINT NOT NULL,
  data      TEXT NOT NULL,
  PRIMARY KEY (share_id, item_key)
);

-- migration 2: creation tokens; a share remembers the token that made it
-- A token is "bst_" + 43 base64url characters. `selector` (its first 12
-- characters after the prefix) finds the row; `token_hash` (sha256 hex of
-- the whole token) is then compared in constant time. The token itself is
-- never stored. A name has at most one unrevoked token.
CREATE TABLE IF NOT EXISTS tokens (
  id            BIGSERIAL PRIMARY KEY,
  name          TEXT NOT NULL,
  selector      TEXT NOT NULL,
  token_hash    TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  last_used_at  TIMESTAMPTZ,
  expires_at    TIMESTAMPTZ,             -- NULL = never
  revoked_at    TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS tokens_selector ON tokens (selector);
CREATE UNIQUE INDEX IF NOT EXISTS tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;
ALTER TABLE shares ADD COLUMN IF NOT EXISTS owner TEXT;   -- name of the creating token, NULL when none
CREATE INDEX IF NOT EXISTS shares_owner ON shares (owner) WHERE owner IS NOT NULL;

-- migration 3: expiry sweeps, admin listings and upload tracking
-- uploaded_at: when the share's data was first seen in storage (NULL = never
-- uploaded), so `shares gc` can drop creations whose upload never came.
ALTER TABLE shares ADD COLUMN IF NOT EXISTS uploaded_at TIMESTAMPTZ;
UPDATE shares SET uploaded_at = updated_at WHERE protocol = 'native' AND version > 0 AND uploaded_at IS NULL;
CREATE INDEX IF NOT EXISTS shares_expires_at ON shares (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS shares_created_at ON shares (created_at DESC, share_id DESC);
CREATE INDEX IF NOT EXISTS shares_not_uploaded ON shares (updated_at) WHERE uploaded_at IS NULL;

-- migration 4: the plugin's protocol is stored as 'upload' (its first name was 'seed')
-- shares_protocol_check is the name Postgres gave migration 1's column CHECK.
ALTER TABLE shares DROP CONSTRAINT shares_protocol_check;
UPDATE shares SET protocol = 'upload' WHERE protocol = 'seed';
ALTER TABLE shares ALTER COLUMN protocol SET DEFAULT 'upload';
ALTER TABLE shares ADD CONSTRAINT shares_protocol_check CHECK (protocol IN ('upload', 'native'));
