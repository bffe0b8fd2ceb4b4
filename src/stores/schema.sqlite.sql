-- The embedded store's schema: the same tables as schema.sql in SQLite's
-- dialect (times are unix milliseconds). Sections as in schema.sql.

-- migration 1: shares, rate-limit counters, native sync items
CREATE TABLE IF NOT EXISTS shares (
  share_id    TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL UNIQUE,
  secret      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  title       TEXT,
  size_bytes  INTEGER,
  version     INTEGER NOT NULL DEFAULT 0,
  expires_at  INTEGER,
  views       INTEGER NOT NULL DEFAULT 0,
  protocol    TEXT NOT NULL DEFAULT 'seed' CHECK (protocol IN ('seed', 'native'))
);

CREATE TABLE IF NOT EXISTS rate_limits (
  bucket       TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count        INTEGER NOT NULL,
  PRIMARY KEY (bucket, window_start)
);

CREATE TABLE IF NOT EXISTS share_items (
  share_id  TEXT NOT NULL REFERENCES shares(share_id) ON DELETE CASCADE,
  item_key  TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  data      TEXT NOT NULL,
  PRIMARY KEY (share_id, item_key)
);

-- migration 2: creation tokens; a share remembers the token that made it
CREATE TABLE IF NOT EXISTS tokens (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT NOT NULL,
  selector      TEXT NOT NULL,
  token_hash    TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  expires_at    INTEGER,
  revoked_at    INTEGER
);
CREATE INDEX IF NOT EXISTS tokens_selector ON tokens (selector);
CREATE UNIQUE INDEX IF NOT EXISTS tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;
ALTER TABLE shares ADD COLUMN owner TEXT;
CREATE INDEX IF NOT EXISTS shares_owner ON shares (owner) WHERE owner IS NOT NULL;

-- migration 3: expiry sweeps, admin listings and upload tracking
ALTER TABLE shares ADD COLUMN uploaded_at INTEGER;
UPDATE shares SET uploaded_at = updated_at WHERE protocol = 'native' AND version > 0 AND uploaded_at IS NULL;
CREATE INDEX IF NOT EXISTS shares_expires_at ON shares (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS shares_created_at ON shares (created_at DESC, share_id DESC);
CREATE INDEX IF NOT EXISTS shares_not_uploaded ON shares (updated_at) WHERE uploaded_at IS NULL;

-- migration 4: the plugin's protocol is stored as 'upload' (its first name was 'seed')
-- SQLite changes a CHECK constraint only by rebuilding the table; the runner
-- turns foreign keys off around migrations so dropping the old table does not
-- cascade into share_items, and checks them before committing.
CREATE TABLE shares_new (
  share_id    TEXT PRIMARY KEY,
  session_id  TEXT NOT NULL UNIQUE,
  secret      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  title       TEXT,
  size_bytes  INTEGER,
  version     INTEGER NOT NULL DEFAULT 0,
  expires_at  INTEGER,
  views       INTEGER NOT NULL DEFAULT 0,
  protocol    TEXT NOT NULL DEFAULT 'upload' CHECK (protocol IN ('upload', 'native')),
  owner       TEXT,
  uploaded_at INTEGER
);
INSERT INTO shares_new (share_id, session_id, secret, created_at, updated_at, title, size_bytes, version, expires_at, views, protocol, owner, uploaded_at)
  SELECT share_id, session_id, secret, created_at, updated_at, title, size_bytes, version, expires_at, views,
         CASE protocol WHEN 'seed' THEN 'upload' ELSE protocol END, owner, uploaded_at
  FROM shares;
DROP TABLE shares;
ALTER TABLE shares_new RENAME TO shares;
CREATE INDEX shares_owner ON shares (owner) WHERE owner IS NOT NULL;
CREATE INDEX shares_expires_at ON shares (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX shares_created_at ON shares (created_at DESC, share_id DESC);
CREATE INDEX shares_not_uploaded ON shares (updated_at) WHERE uploaded_at IS NULL;
