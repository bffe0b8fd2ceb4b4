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
