// ShareStore: share metadata, rate-limit counters and native sync items.
// One implementation per backend (Postgres, SQLite); both pass the same
// contract suite in test/stores/share-store.contract.ts.

/** How a share is written: "upload" (the plugin PUTs ShareData to a presigned URL) or "native" (OpenCode's own sync). */
export type Protocol = "upload" | "native";

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
  /** When the share's data was first seen in storage; null = never uploaded (or not yet noticed). */
  uploadedAt: number | null;
}

export interface NewShare {
  shareId: string;
  sessionId: string;
  secretHash: string;
  protocol: Protocol;
  title?: string | null;
  sizeBytes?: number | null;
  owner?: string | null;
  /** Unix ms; null or absent = never expires. */
  expiresAt?: number | null;
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

export interface ShareQuery {
  /** Newest first, at most this many. */
  limit: number;
  /** Only shares whose expiry is at or before this time (unix ms). */
  expiredAt?: number;
  /** Only shares made with this token name. */
  owner?: string;
}

/** A condition re-checked by the deleting statement itself, so racing sweepers delete each share once. */
export type DeleteCondition = { expiredAt: number } | { notUploadedBefore: number };

export type ExpiryUpdate = "ok" | "expired" | "missing";

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
  /**
   * Sets or clears a live share's expiry. An already expired share keeps its
   * fate ("expired"): it answers 410 until it is swept.
   */
  setExpiry(shareId: string, expiresAt: number | null, now: number): Promise<ExpiryUpdate>;
  /** Adds buffered page views; unknown ids are ignored. */
  addViews(counts: Array<[shareId: string, views: number]>): Promise<void>;
  /** Shares newest first, for the admin listing. */
  list(query: ShareQuery): Promise<ShareRecord[]>;
  /** Ids of shares whose expiry is at or before `now`, soonest expiry first. */
  expiredIds(now: number, limit: number): Promise<string[]>;
  /** Ids of shares untouched since `before` (no creation or sync presign) whose data was never seen in storage. */
  notUploadedIds(before: number, limit: number): Promise<string[]>;
  /** Records that the share's data has reached storage, and when it last did. */
  markUploaded(shareId: string): Promise<void>;
  /** Deletes the row and its items if `cond` still holds; true when this call removed it. */
  deleteIf(shareId: string, cond: DeleteCondition): Promise<boolean>;
  /** Bumps the version and updated_at; returns the new version, or null if the share is gone. */
  touch(shareId: string, fields?: { title?: string | null; sizeBytes?: number | null }): Promise<number | null>;
  /** Removes the row and its items; true when a row was removed. */
  delete(shareId: string): Promise<boolean>;
  /**
   * Upserts native items atomically and bumps the share's version in the same
   * transaction. Returns the new version, or null if the share is gone.
   */
  putItems(shareId: string, items: ItemWrite[], fields?: { title?: string | null }): Promise<number | null>;
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
  /**
   * A number that changes whenever a write to this store commits, from this
   * process or any other, read without a query; null when it cannot be read
   * now. Stores that cannot tell leave it out, and every read queries them.
   */
  commitMark?(): number | null;
}

/** Splits schema.sql into its numbered migrations. */
export function parseMigrations(schema: string): Array<{ version: number; sql: string }> {
  const parts = schema.split(/^-- migration (\d+):.*$/m);
  const out: Array<{ version: number; sql: string }> = [];
  for (let i = 1; i < parts.length; i += 2) out.push({ version: Number(parts[i]), sql: parts[i + 1]!.trim() });
  return out;
}
