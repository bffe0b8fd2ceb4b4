// ShareStore on bun:sqlite: the embedded default, one file in DATA_DIR.
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import schema from "./schema.sqlite.sql" with { type: "text" };
import {
  parseMigrations,
  type InsertResult,
  type ItemWrite,
  type DeleteCondition,
  type ExpiryUpdate,
  type NewShare,
  type ShareQuery,
  type SchemaStatus,
  type ShareRecord,
  type Protocol,
  type ShareStore,
  type StoredItem,
  type NewToken,
  type TokenCandidate,
  type TokenInfo,
} from "./share-store.ts";

interface Row {
  share_id: string;
  session_id: string;
  secret: string;
  created_at: number;
  updated_at: number;
  title: string | null;
  size_bytes: number | null;
  version: number;
  expires_at: number | null;
  views: number;
  protocol: Protocol;
  owner: string | null;
  uploaded_at: number | null;
}

interface TokenRow {
  id: number;
  name: string;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

const toTokenInfo = (r: TokenRow): TokenInfo => ({
  name: r.name,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  expiresAt: r.expires_at,
  revokedAt: r.revoked_at,
});

const toRecord = (r: Row): ShareRecord => ({
  shareId: r.share_id,
  sessionId: r.session_id,
  secretHash: r.secret,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  title: r.title,
  sizeBytes: r.size_bytes,
  version: r.version,
  expiresAt: r.expires_at,
  views: r.views,
  protocol: r.protocol,
  owner: r.owner,
  uploadedAt: r.uploaded_at,
});

/** The wal-index header's iVersion in every SQLite since WAL mode began (3.7.0). */
const WAL_INDEX_VERSION = 3007000;

export class SqliteShareStore implements ShareStore {
  readonly kind = "sqlite" as const;
  private db: Database;
  private migrations = parseMigrations(schema);
  /** The database file when it is in WAL mode (see commitMark); null otherwise. */
  private readonly path: string | null;
  /** The wal-index header (see commitMark), mapped on first use; null when it cannot be. */
  private walIndex: Uint32Array | null | undefined;

  constructor(pathOrDir: string, opts: { file?: boolean } = {}) {
    let path = pathOrDir;
    if (pathOrDir !== ":memory:" && !opts.file) {
      mkdirSync(pathOrDir, { recursive: true });
      path = join(pathOrDir, "better-share.sqlite");
    }
    this.db = new Database(path, { create: true, strict: true });
    // WAL lets page reads go on while a sync writes; busy_timeout makes two
    // processes on one file wait for each other instead of failing.
    this.db.exec("PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;");
    const mode = this.db.query<{ journal_mode: string }, []>("PRAGMA journal_mode = WAL").get()?.journal_mode;
    this.path = path !== ":memory:" && mode === "wal" ? path : null;
  }

  /**
   * Applies the pending migrations in one transaction: the schema moves to the
   * latest version or stays where it was. (One commit instead of one per
   * migration also makes a new database's first start a few milliseconds shorter.)
   */
  async migrate(): Promise<number[]> {
    const done: number[] = [];
    // A migration that rebuilds a table drops the old one, which with foreign
    // keys on would delete the rows referring to it (ON DELETE CASCADE). The
    // pragma does nothing inside a transaction, so it is switched off around
    // it and the references are checked after each migration instead (SQLite's
    // own procedure for table changes ALTER TABLE cannot make).
    this.db.exec("PRAGMA foreign_keys = OFF");
    try {
      this.db.transaction(() => {
        this.db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
        const applied = new Set(this.db.query<{ version: number }, []>("SELECT version FROM schema_migrations").all().map((r) => r.version));
        for (const m of this.migrations) {
          if (applied.has(m.version)) continue;
          this.db.exec(m.sql);
          const broken = this.db.query("PRAGMA foreign_key_check").all();
          if (broken.length > 0) throw new Error(`migration ${m.version} left ${broken.length} rows referring to missing rows`);
          this.db.query("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)").run(m.version, Date.now());
          done.push(m.version);
        }
      }).immediate();
    } finally {
      this.db.exec("PRAGMA foreign_keys = ON");
    }
    return done;
  }

  async schemaStatus(): Promise<SchemaStatus> {
    const latest = Math.max(0, ...this.migrations.map((m) => m.version));
    const exists = this.db.query("SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'").get();
    if (!exists) return { current: 0, latest };
    const row = this.db.query<{ v: number | null }, []>("SELECT MAX(version) AS v FROM schema_migrations").get();
    return { current: row?.v ?? 0, latest };
  }

  async insert(s: NewShare): Promise<InsertResult> {
    const now = Date.now();
    return this.db.transaction((): InsertResult => {
      if (this.db.query("SELECT 1 FROM shares WHERE session_id = ?").get(s.sessionId)) return "session_shared";
      if (this.db.query("SELECT 1 FROM shares WHERE share_id = ?").get(s.shareId)) return "share_id_taken";
      this.db
        .query(
          `INSERT INTO shares (share_id, session_id, secret, created_at, updated_at, title, size_bytes, version, protocol, owner, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
        )
        .run(s.shareId, s.sessionId, s.secretHash, now, now, s.title ?? null, s.sizeBytes ?? null, s.protocol, s.owner ?? null, s.expiresAt ?? null);
      return "created";
    }).immediate();
  }

  async get(shareId: string): Promise<ShareRecord | null> {
    const r = this.db.query<Row, [string]>("SELECT * FROM shares WHERE share_id = ?").get(shareId);
    return r ? toRecord(r) : null;
  }

  async getBySession(sessionId: string): Promise<ShareRecord | null> {
    const r = this.db.query<Row, [string]>("SELECT * FROM shares WHERE session_id = ?").get(sessionId);
    return r ? toRecord(r) : null;
  }

  async touch(shareId: string, fields: { title?: string | null; sizeBytes?: number | null } = {}): Promise<number | null> {
    const r = this.db
      .query<{ version: number }, [number, number, string | null, number, number | null, string]>(
        `UPDATE shares SET version = version + 1, updated_at = ?,
           title = CASE WHEN ? THEN ? ELSE title END,
           size_bytes = CASE WHEN ? THEN ? ELSE size_bytes END
         WHERE share_id = ? RETURNING version`,
      )
      .get(
        Date.now(),
        fields.title !== undefined ? 1 : 0,
        fields.title ?? null,
        fields.sizeBytes !== undefined ? 1 : 0,
        fields.sizeBytes ?? null,
        shareId,
      );
    return r ? r.version : null;
  }

  async delete(shareId: string): Promise<boolean> {
    return this.db.transaction(() => {
      this.db.query("DELETE FROM share_items WHERE share_id = ?").run(shareId);
      return this.db.query("DELETE FROM shares WHERE share_id = ?").run(shareId).changes > 0;
    }).immediate();
  }

  async setExpiry(shareId: string, expiresAt: number | null, now: number): Promise<ExpiryUpdate> {
    return this.db.transaction((): ExpiryUpdate => {
      const r = this.db.query<{ expires_at: number | null }, [string]>("SELECT expires_at FROM shares WHERE share_id = ?").get(shareId);
      if (!r) return "missing";
      if (r.expires_at !== null && r.expires_at <= now) return "expired";
      this.db.query("UPDATE shares SET expires_at = ? WHERE share_id = ?").run(expiresAt, shareId);
      return "ok";
    }).immediate();
  }

  async addViews(counts: Array<[string, number]>): Promise<void> {
    if (counts.length === 0) return;
    const add = this.db.query("UPDATE shares SET views = views + ? WHERE share_id = ?");
    this.db.transaction(() => {
      for (const [id, n] of counts) add.run(n, id);
    }).immediate();
  }

  async list(q: ShareQuery): Promise<ShareRecord[]> {
    const where: string[] = [];
    const args: Array<string | number> = [];
    if (q.expiredAt !== undefined) where.push("expires_at IS NOT NULL AND expires_at <= ?"), args.push(q.expiredAt);
    if (q.owner !== undefined) where.push("owner = ?"), args.push(q.owner);
    return this.db
      .query<Row, Array<string | number>>(
        `SELECT * FROM shares ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY created_at DESC, share_id DESC LIMIT ?`,
      )
      .all(...args, q.limit)
      .map(toRecord);
  }

  async expiredIds(now: number, limit: number): Promise<string[]> {
    return this.db
      .query<{ share_id: string }, [number, number]>(
        "SELECT share_id FROM shares WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?",
      )
      .all(now, limit)
      .map((r) => r.share_id);
  }

  async notUploadedIds(before: number, limit: number): Promise<string[]> {
    return this.db
      .query<{ share_id: string }, [number, number]>(
        "SELECT share_id FROM shares WHERE uploaded_at IS NULL AND updated_at < ? ORDER BY updated_at LIMIT ?",
      )
      .all(before, limit)
      .map((r) => r.share_id);
  }

  async markUploaded(shareId: string): Promise<void> {
    this.db.query("UPDATE shares SET uploaded_at = ? WHERE share_id = ?").run(Date.now(), shareId);
  }

  async deleteIf(shareId: string, cond: DeleteCondition): Promise<boolean> {
    const [test, arg] =
      "expiredAt" in cond
        ? ["expires_at IS NOT NULL AND expires_at <= ?", cond.expiredAt]
        : ["uploaded_at IS NULL AND updated_at < ?", cond.notUploadedBefore];
    return this.db.transaction(() => {
      const gone = this.db.query(`DELETE FROM shares WHERE share_id = ? AND ${test}`).run(shareId, arg).changes > 0;
      if (gone) this.db.query("DELETE FROM share_items WHERE share_id = ?").run(shareId);
      return gone;
    }).immediate();
  }

  async putItems(shareId: string, items: ItemWrite[], fields: { title?: string | null } = {}): Promise<number | null> {
    const upsert = this.db.query(
      `INSERT INTO share_items (share_id, item_key, seq, data) VALUES (?, ?, ?, ?)
       ON CONFLICT (share_id, item_key) DO UPDATE SET seq = excluded.seq, data = excluded.data`,
    );
    return this.db.transaction((): number | null => {
      const r = this.db
        .query<{ version: number }, [number, number, string | null, string]>(
          `UPDATE shares SET version = version + 1, updated_at = ?, title = CASE WHEN ? THEN ? ELSE title END,
             uploaded_at = COALESCE(uploaded_at, updated_at)
           WHERE share_id = ? RETURNING version`,
        )
        .get(Date.now(), fields.title !== undefined ? 1 : 0, fields.title ?? null, shareId);
      if (!r) return null;
      for (const it of items) upsert.run(shareId, it.key, r.version, it.data);
      return r.version;
    }).immediate();
  }

  async listItemsSince(shareId: string, afterSeq: number): Promise<StoredItem[]> {
    return this.db
      .query<{ item_key: string; seq: number; data: string }, [string, number]>(
        "SELECT item_key, seq, data FROM share_items WHERE share_id = ? AND seq > ? ORDER BY seq, item_key",
      )
      .all(shareId, afterSeq)
      .map((r) => ({ key: r.item_key, seq: r.seq, data: r.data }));
  }

  async bump(bucket: string, windowStart: number, delta: number): Promise<number> {
    const r = this.db
      .query<{ count: number }, [string, number, number]>(
        `INSERT INTO rate_limits (bucket, window_start, count) VALUES (?, ?, ?)
         ON CONFLICT (bucket, window_start) DO UPDATE SET count = count + excluded.count RETURNING count`,
      )
      .get(bucket, windowStart, delta);
    return r!.count;
  }

  async pruneCounters(before: number): Promise<void> {
    this.db.query("DELETE FROM rate_limits WHERE window_start < ?").run(before);
  }

  async createToken(t: NewToken): Promise<"created" | "name_taken"> {
    try {
      this.db
        .query("INSERT INTO tokens (name, selector, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)")
        .run(t.name, t.selector, t.tokenHash, Date.now(), t.expiresAt);
      return "created";
    } catch (e) {
      if ((e as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") return "name_taken";
      throw e;
    }
  }

  async listTokens(): Promise<TokenInfo[]> {
    return this.db.query<TokenRow, []>("SELECT * FROM tokens ORDER BY created_at DESC, id DESC").all().map(toTokenInfo);
  }

  async findTokens(selector: string): Promise<TokenCandidate[]> {
    return this.db
      .query<TokenRow, [string]>("SELECT * FROM tokens WHERE selector = ?")
      .all(selector)
      .map((r) => ({ ...toTokenInfo(r), id: r.id, tokenHash: r.token_hash }));
  }

  async revokeToken(name: string): Promise<boolean> {
    return this.db.query("UPDATE tokens SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL").run(Date.now(), name).changes > 0;
  }

  async markTokenUsed(id: number): Promise<void> {
    this.db.query("UPDATE tokens SET last_used_at = ? WHERE id = ?").run(Date.now(), id);
  }

  async ping(): Promise<void> {
    this.db.query("SELECT 1").get();
  }

  /**
   * Read from the wal-index header in the -shm file, which every connection
   * to this database, in any process, updates as it commits (its layout:
   * sqlite.org/walformat.html). mxFrame, the number of valid frames in the
   * WAL, grows with every commit; when the WAL starts over after a
   * checkpoint it goes back down and salt-1 changes. A read of a few words
   * of memory instead of a query, which costs a read transaction and the
   * file locks that come with it.
   */
  commitMark(): number | null {
    if (this.walIndex === undefined) this.walIndex = this.mapWalIndex();
    const h = this.walIndex;
    // iVersion, then isInit (the low byte of word 3): anything else is a header this code does not know.
    if (!h || h[0] !== WAL_INDEX_VERSION || (h[3]! & 0xff) !== 1) return null;
    return (h[8]! % 2 ** 20) * 2 ** 32 + h[4]!;
  }

  private mapWalIndex(): Uint32Array | null {
    if (!this.path) return null;
    try {
      const shm = Bun.mmap(`${this.path}-shm`, { size: 64 });
      return shm.byteLength < 48 ? null : new Uint32Array(shm.buffer, shm.byteOffset, 12);
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    this.walIndex = null;
    this.db.close();
  }
}
