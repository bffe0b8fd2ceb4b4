// ShareStore on Postgres (porsager/postgres). Several server instances may
// share one database: counters and versions are updated atomically in SQL.
import postgres from "postgres";
import schema from "../../schema.sql" with { type: "text" };
import {
  parseMigrations,
  type InsertResult,
  type ItemWrite,
  type DeleteCondition,
  type ExpiryUpdate,
  type NewShare,
  type Protocol,
  type ShareQuery,
  type SchemaStatus,
  type ShareRecord,
  type ShareStore,
  type StoredItem,
  type NewToken,
  type TokenCandidate,
  type TokenInfo,
} from "./share-store.ts";

/**
 * Seconds before reconnecting after a failed connection. postgres.js's default
 * grows to 20 s after a few failures, which would keep the server down long
 * after the database is back; the circuit breaker (circuit.ts) already keeps an
 * unreachable database from being hammered.
 */
const reconnectDelay = (failures: number) => Math.min(0.02 * failures, 0.1);

// Any constant works; it only has to be the same in every instance.
const MIGRATION_LOCK = 7_446_128_311;

interface Row {
  share_id: string;
  session_id: string;
  secret: string;
  created_at: Date;
  updated_at: Date;
  title: string | null;
  size_bytes: string | null;
  version: number;
  expires_at: Date | null;
  views: string;
  protocol: Protocol;
  owner: string | null;
  uploaded_at: Date | null;
}

interface TokenRow {
  id: string;
  name: string;
  token_hash: string;
  created_at: Date;
  last_used_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
}

const ms = (d: Date | null) => (d ? d.getTime() : null);

const toTokenInfo = (r: TokenRow): TokenInfo => ({
  name: r.name,
  createdAt: r.created_at.getTime(),
  lastUsedAt: ms(r.last_used_at),
  expiresAt: ms(r.expires_at),
  revokedAt: ms(r.revoked_at),
});

/** Postgres text cannot hold NUL (SQLite can): titles come from clients, so drop it rather than fail the write. */
const pgText = (s: string | null): string | null => (s === null ? null : s.replaceAll("\u0000", ""));

const toRecord = (r: Row): ShareRecord => ({
  shareId: r.share_id,
  sessionId: r.session_id,
  secretHash: r.secret,
  createdAt: r.created_at.getTime(),
  updatedAt: r.updated_at.getTime(),
  title: r.title,
  sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
  version: r.version,
  expiresAt: r.expires_at ? r.expires_at.getTime() : null,
  views: Number(r.views),
  protocol: r.protocol,
  owner: r.owner,
  uploadedAt: r.uploaded_at ? r.uploaded_at.getTime() : null,
});

export class PostgresShareStore implements ShareStore {
  readonly kind = "postgres" as const;
  private sql: postgres.Sql;
  /**
   * ping() asks on its own connection: it tells whether the database is
   * reachable, and must not queue behind a pool busy with long syncs.
   */
  private probe: postgres.Sql;
  private migrations = parseMigrations(schema);

  constructor(url: string, opts: { max?: number } = {}) {
    this.sql = postgres(url, {
      max: opts.max ?? 10,
      idle_timeout: 30,
      connect_timeout: 10,
      onnotice: () => {},
      backoff: reconnectDelay,
      // bigint columns come back as strings; converted in toRecord.
    });
    this.probe = postgres(url, { max: 1, idle_timeout: 30, connect_timeout: 5, onnotice: () => {}, backoff: reconnectDelay });
  }

  async migrate(): Promise<number[]> {
    return this.sql.begin(async (tx) => {
      // Two instances migrating at once wait for each other instead of racing.
      await tx`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`;
      await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW())`;
      const rows = await tx<{ version: number }[]>`SELECT version FROM schema_migrations`;
      const applied = new Set(rows.map((r) => r.version));
      const done: number[] = [];
      for (const m of this.migrations) {
        if (applied.has(m.version)) continue;
        await tx.unsafe(m.sql);
        await tx`INSERT INTO schema_migrations (version) VALUES (${m.version})`;
        done.push(m.version);
      }
      return done;
    }) as Promise<number[]>;
  }

  async schemaStatus(): Promise<SchemaStatus> {
    const latest = Math.max(0, ...this.migrations.map((m) => m.version));
    const [t] = await this.sql<{ exists: boolean }[]>`SELECT to_regclass('schema_migrations') IS NOT NULL AS exists`;
    if (!t?.exists) return { current: 0, latest };
    const [row] = await this.sql<{ v: number | null }[]>`SELECT MAX(version) AS v FROM schema_migrations`;
    return { current: row?.v ?? 0, latest };
  }

  async insert(s: NewShare): Promise<InsertResult> {
    const rows = await this.sql<{ share_id: string }[]>`
      INSERT INTO shares (share_id, session_id, secret, title, size_bytes, protocol, owner, expires_at)
      VALUES (${s.shareId}, ${s.sessionId}, ${s.secretHash}, ${pgText(s.title ?? null)}, ${s.sizeBytes ?? null}, ${s.protocol}, ${s.owner ?? null},
        ${s.expiresAt == null ? null : new Date(s.expiresAt)})
      ON CONFLICT DO NOTHING RETURNING share_id`;
    if (rows.length > 0) return "created";
    const [bySession] = await this.sql`SELECT 1 FROM shares WHERE session_id = ${s.sessionId}`;
    return bySession ? "session_shared" : "share_id_taken";
  }

  async get(shareId: string): Promise<ShareRecord | null> {
    const [r] = await this.sql<Row[]>`SELECT * FROM shares WHERE share_id = ${shareId}`;
    return r ? toRecord(r) : null;
  }

  async getBySession(sessionId: string): Promise<ShareRecord | null> {
    const [r] = await this.sql<Row[]>`SELECT * FROM shares WHERE session_id = ${sessionId}`;
    return r ? toRecord(r) : null;
  }

  async touch(shareId: string, fields: { title?: string | null; sizeBytes?: number | null } = {}): Promise<number | null> {
    const setTitle = fields.title !== undefined;
    if (setTitle) fields = { ...fields, title: pgText(fields.title!) };
    const setSize = fields.sizeBytes !== undefined;
    const [r] = await this.sql<{ version: number }[]>`
      UPDATE shares SET version = version + 1, updated_at = NOW(),
        title = CASE WHEN ${setTitle} THEN ${fields.title ?? null}::text ELSE title END,
        size_bytes = CASE WHEN ${setSize} THEN ${fields.sizeBytes ?? null}::bigint ELSE size_bytes END
      WHERE share_id = ${shareId} RETURNING version`;
    return r ? r.version : null;
  }

  async delete(shareId: string): Promise<boolean> {
    const rows = await this.sql`DELETE FROM shares WHERE share_id = ${shareId} RETURNING share_id`;
    return rows.length > 0;
  }

  async setExpiry(shareId: string, expiresAt: number | null, now: number): Promise<ExpiryUpdate> {
    const at = expiresAt === null ? null : new Date(expiresAt);
    const [r] = await this.sql<{ share_id: string }[]>`
      UPDATE shares SET expires_at = ${at}
      WHERE share_id = ${shareId} AND (expires_at IS NULL OR expires_at > ${new Date(now)})
      RETURNING share_id`;
    if (r) return "ok";
    return (await this.get(shareId)) ? "expired" : "missing";
  }

  async addViews(counts: Array<[string, number]>): Promise<void> {
    if (counts.length === 0) return;
    // One statement per flush, however many shares were viewed; sorted ids
    // keep concurrent flushes from several instances from deadlocking.
    const sorted = [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    await this.sql`
      UPDATE shares SET views = shares.views + v.n
      FROM (SELECT * FROM unnest(${sorted.map(([id]) => id)}::text[], ${sorted.map(([, n]) => n)}::bigint[]) AS t(id, n)) AS v
      WHERE shares.share_id = v.id`;
  }

  async list(q: ShareQuery): Promise<ShareRecord[]> {
    const expired = q.expiredAt !== undefined ? this.sql`AND expires_at <= ${new Date(q.expiredAt)}` : this.sql``;
    const owner = q.owner !== undefined ? this.sql`AND owner = ${q.owner}` : this.sql``;
    const rows = await this.sql<Row[]>`
      SELECT * FROM shares WHERE TRUE ${expired} ${owner}
      ORDER BY created_at DESC, share_id DESC LIMIT ${q.limit}`;
    return rows.map(toRecord);
  }

  async expiredIds(now: number, limit: number): Promise<string[]> {
    const rows = await this.sql<{ share_id: string }[]>`
      SELECT share_id FROM shares WHERE expires_at <= ${new Date(now)} ORDER BY expires_at LIMIT ${limit}`;
    return rows.map((r) => r.share_id);
  }

  async notUploadedIds(before: number, limit: number): Promise<string[]> {
    const rows = await this.sql<{ share_id: string }[]>`
      SELECT share_id FROM shares WHERE uploaded_at IS NULL AND updated_at < ${new Date(before)} ORDER BY updated_at LIMIT ${limit}`;
    return rows.map((r) => r.share_id);
  }

  async markUploaded(shareId: string): Promise<void> {
    await this.sql`UPDATE shares SET uploaded_at = NOW() WHERE share_id = ${shareId}`;
  }

  async deleteIf(shareId: string, cond: DeleteCondition): Promise<boolean> {
    // Items go with the row (ON DELETE CASCADE).
    const rows =
      "expiredAt" in cond
        ? await this.sql`DELETE FROM shares WHERE share_id = ${shareId} AND expires_at <= ${new Date(cond.expiredAt)} RETURNING share_id`
        : await this.sql`DELETE FROM shares WHERE share_id = ${shareId} AND uploaded_at IS NULL
            AND updated_at < ${new Date(cond.notUploadedBefore)} RETURNING share_id`;
    return rows.length > 0;
  }

  async putItems(shareId: string, items: ItemWrite[], fields: { title?: string | null } = {}): Promise<number | null> {
    const setTitle = fields.title !== undefined;
    fields = setTitle ? { title: pgText(fields.title!) } : fields;
    return this.sql.begin(async (tx) => {
      // The row lock taken by this UPDATE orders concurrent syncs of one share,
      // so seq follows commit order and the later sync wins.
      const [r] = await tx<{ version: number }[]>`
        UPDATE shares SET version = version + 1, updated_at = NOW(),
          title = CASE WHEN ${setTitle} THEN ${fields.title ?? null}::text ELSE title END,
          uploaded_at = COALESCE(uploaded_at, NOW())
        WHERE share_id = ${shareId} RETURNING version`;
      if (!r) return null;
      if (items.length > 0) {
        const rows = items.map((it) => ({ share_id: shareId, item_key: it.key, seq: r.version, data: it.data }));
        for (let i = 0; i < rows.length; i += 1000) {
          await tx`
            INSERT INTO share_items ${tx(rows.slice(i, i + 1000), "share_id", "item_key", "seq", "data")}
            ON CONFLICT (share_id, item_key) DO UPDATE SET seq = EXCLUDED.seq, data = EXCLUDED.data`;
        }
      }
      return r.version;
    }) as Promise<number | null>;
  }

  async listItemsSince(shareId: string, afterSeq: number): Promise<StoredItem[]> {
    const rows = await this.sql<{ item_key: string; seq: string; data: string }[]>`
      SELECT item_key, seq, data FROM share_items WHERE share_id = ${shareId} AND seq > ${afterSeq}
      ORDER BY seq, item_key`;
    return rows.map((r) => ({ key: r.item_key, seq: Number(r.seq), data: r.data }));
  }

  async bump(bucket: string, windowStart: number, delta: number): Promise<number> {
    const [r] = await this.sql<{ count: number }[]>`
      INSERT INTO rate_limits (bucket, window_start, count) VALUES (${bucket}, ${windowStart}, ${delta})
      ON CONFLICT (bucket, window_start) DO UPDATE SET count = rate_limits.count + EXCLUDED.count
      RETURNING count`;
    return r!.count;
  }

  async pruneCounters(before: number): Promise<void> {
    await this.sql`DELETE FROM rate_limits WHERE window_start < ${before}`;
  }

  async createToken(t: NewToken): Promise<"created" | "name_taken"> {
    const expires = t.expiresAt === null ? null : new Date(t.expiresAt);
    const rows = await this.sql`
      INSERT INTO tokens (name, selector, token_hash, expires_at)
      VALUES (${t.name}, ${t.selector}, ${t.tokenHash}, ${expires})
      ON CONFLICT DO NOTHING RETURNING id`;
    return rows.length > 0 ? "created" : "name_taken";
  }

  async listTokens(): Promise<TokenInfo[]> {
    const rows = await this.sql<TokenRow[]>`SELECT * FROM tokens ORDER BY created_at DESC, id DESC`;
    return rows.map(toTokenInfo);
  }

  async findTokens(selector: string): Promise<TokenCandidate[]> {
    const rows = await this.sql<TokenRow[]>`SELECT * FROM tokens WHERE selector = ${selector}`;
    return rows.map((r) => ({ ...toTokenInfo(r), id: Number(r.id), tokenHash: r.token_hash }));
  }

  async revokeToken(name: string): Promise<boolean> {
    const rows = await this.sql`UPDATE tokens SET revoked_at = NOW() WHERE name = ${name} AND revoked_at IS NULL RETURNING id`;
    return rows.length > 0;
  }

  async markTokenUsed(id: number): Promise<void> {
    await this.sql`UPDATE tokens SET last_used_at = NOW() WHERE id = ${id}`;
  }

  async ping(): Promise<void> {
    await this.probe`SELECT 1`;
  }

  async close(): Promise<void> {
    await Promise.all([this.sql.end({ timeout: 5 }), this.probe.end({ timeout: 1 })]);
  }
}
