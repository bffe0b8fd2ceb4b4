// ShareStore: share metadata, rate-limit counters and native sync items.
// One implementation per backend (Postgres, SQLite); both pass the same
// contract suite in test/stores/share-store.contract.ts.

export type Protocol = "seed" | "native";

export interface ShareRecord {
  shareId: string;
  sessionId: string;
  /** sha256 hex of the secret. */
  secretHash: string;
  createdAt: number;
  updatedAt: number;
  title: string | null;
  sizeBytes: number | null;
  version: number;
  expiresAt: number | null;
  views: number;
  protocol: Protocol;
  /** Name of the creation token that made the share; null when none was needed. */
  owner: string | null;
}

export interface NewShare {
  shareId: string;
  sessionId: string;
  secretHash: string;
  protocol: Protocol;
  title?: string | null;
  sizeBytes?: number | null;
  owner?: string | null;
}

/** A creation token as listed to operators: never the token, never its hash. */
export interface TokenInfo {
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
  expiresAt: number | null;
  revokedAt: number | null;
}

/** A stored token found by its selector, with the hash to verify against. */
export interface TokenCandidate extends TokenInfo {
  id: number;
  tokenHash: string;
}

export interface NewToken {
  name: string;
  selector: string;
  tokenHash: string;
  expiresAt: number | null;
}

export interface ItemWrite {
  key: string;
  data: string;
}

export interface StoredItem {
  key: string;
  seq: number;
  data: string;
}

export interface SchemaStatus {
  current: number;
  latest: number;
}

export type InsertResult = "created" | "share_id_taken" | "session_shared";

export interface ShareStore {
  readonly kind: "postgres" | "sqlite";
  /** Applies pending migrations; returns the versions applied (empty when up to date). */
  migrate(): Promise<number[]>;
  schemaStatus(): Promise<SchemaStatus>;
  insert(share: NewShare): Promise<InsertResult>;
  get(shareId: string): Promise<ShareRecord | null>;
  getBySession(sessionId: string): Promise<ShareRecord | null>;
  /** Bumps the version and updated_at; returns the new version, or null if the share is gone. */
  touch(shareId: string, fields?: { title?: string | null; sizeBytes?: number | null }): Promise<number | null>;
  /** Removes the row and its items; true when a row was removed. */
  delete(shareId: string): Promise<boolean>;
  /**
   * Upserts native items atomically and bumps the share's version in the same
   * transaction. Returns the new version, or null if the share is gone.
   */
  putItems(shareId: string, items: ItemWrite[], fields?: { title?: string | null }): Promise<number | null>;
  listItems(shareId: string): Promise<StoredItem[]>;
  /** Items written after `afterSeq`, for incremental rebuilds of a cached ShareData. */
  listItemsSince(shareId: string, afterSeq: number): Promise<StoredItem[]>;
  /** Adds `delta` to the counter of (bucket, window) and returns the new count. */
  bump(bucket: string, windowStart: number, delta: number): Promise<number>;
  /** Forgets counters of windows that started before `before` (unix seconds). */
  pruneCounters(before: number): Promise<void>;
  /** Adds a token; "name_taken" when that name already has an unrevoked token. */
  createToken(token: NewToken): Promise<"created" | "name_taken">;
  /** Every token, newest first, revoked ones included. */
  listTokens(): Promise<TokenInfo[]>;
  /** Tokens whose selector matches (usually one), for constant-time verification by the caller. */
  findTokens(selector: string): Promise<TokenCandidate[]>;
  /** Revokes the unrevoked token of that name; false when there is none. */
  revokeToken(name: string): Promise<boolean>;
  markTokenUsed(id: number): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Splits schema.sql into its numbered migrations. */
export function parseMigrations(schema: string): Array<{ version: number; sql: string }> {
  const parts = schema.split(/^-- migration (\d+):.*$/m);
  const out: Array<{ version: number; sql: string }> = [];
  for (let i = 1; i < parts.length; i += 2) out.push({ version: Number(parts[i]), sql: parts[i + 1]!.trim() });
  return out;
}
