// `migrate` upgrades older databases without losing a share. The first
// release's database is built from its schema files, kept verbatim in
// test/fixtures/release-schema/, the way its `migrate` did it (the migration-1
// section, then schema_migrations version 1). A database one migration behind
// is built from this release's own migrations 1-3: migration 4 renamed the
// stored protocol 'seed' to 'upload', rebuilding the SQLite table to do it.
import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import schemaPostgres from "../../schema.sql" with { type: "text" };
import { startServer } from "../../src/commands/serve.ts";
import { loadConfig } from "../../src/config.ts";
import { lineLogger } from "../../src/log.ts";
import schemaSqlite from "../../src/stores/schema.sqlite.sql" with { type: "text" };
import { readyShareStore } from "../../src/stores/open.ts";
import { PostgresShareStore } from "../../src/stores/share-store.postgres.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { parseMigrations, type ShareStore } from "../../src/stores/share-store.ts";
import { FIXTURES_DIR } from "../helpers/fixtures.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { tempDir } from "../helpers/tmp.ts";

const RENAME = 4;

const release = (file: string) => {
  const m = parseMigrations(readFileSync(join(FIXTURES_DIR, "release-schema", file), "utf8"));
  expect(m.map((x) => x.version)).toEqual([1]);
  return m[0]!.sql;
};

/** This release's migrations before the protocol rename, as the release before it applied them. */
const beforeRename = (schema: string) => {
  const m = parseMigrations(schema).filter((x) => x.version < RENAME);
  expect(m.map((x) => x.version)).toEqual([1, 2, 3]);
  return m;
};

async function checkUpgraded(store: ShareStore) {
  const before = await store.schemaStatus();
  expect(before.current).toBe(1);
  expect(before.latest).toBeGreaterThanOrEqual(RENAME);
  const applied = await store.migrate();
  expect(applied[0]).toBe(2);
  expect(applied).toContain(RENAME);
  expect(await store.migrate()).toEqual([]);
  const after = await store.schemaStatus();
  expect(after.current).toBe(after.latest);

  const uploaded = (await store.get("OLDUPLD1"))!;
  expect(uploaded).toMatchObject({ sessionId: "ses_olderthanOLDUPLD1", secretHash: "b".repeat(64), title: "Old", sizeBytes: 1234, version: 3, protocol: "upload", owner: null });
  const native = (await store.get("OLDNATV1"))!;
  expect(native).toMatchObject({ protocol: "native", version: 1, owner: null });
  expect(await store.listItemsSince("OLDNATV1", -1)).toEqual([{ key: "session", seq: 1, data: '{"id":"ses_olderthanOLDNATV1"}' }]);
  expect(await store.bump("share:10.0.0.1", 3600, 1)).toBe(3);

  // The new tables work on the upgraded database.
  expect(await store.createToken({ name: "alice", selector: "s".repeat(12), tokenHash: "c".repeat(64), expiresAt: null })).toBe("created");
  expect(await store.insert({ shareId: "NEWSHARE", sessionId: "ses_brandnewNEWSHARE", secretHash: "d".repeat(64), protocol: "upload", owner: "alice" })).toBe("created");
  expect((await store.get("NEWSHARE"))!.owner).toBe("alice");
}

// Rows written by the release before the rename: every column set, sync items
// on both kinds of share (SQLite's table rebuild must not cascade into them).
const T0 = Date.UTC(2026, 10, 1);
const OLD_ROWS = [
  { id: "UPLDOWN1", protocol: "seed", title: "Owned", size: 500, version: 2, expires: T0 + 86_400_000, views: 7, owner: "alice", uploaded: T0 + 1000 },
  { id: "UPLDNONE", protocol: "seed", title: null, size: null, version: 0, expires: null, views: 0, owner: null, uploaded: null },
  { id: "NATVOWN1", protocol: "native", title: "Native", size: 80, version: 4, expires: null, views: 3, owner: "bob", uploaded: T0 + 2000 },
] as const;

async function checkRenamed(store: ShareStore) {
  expect(await store.schemaStatus()).toEqual({ current: RENAME - 1, latest: RENAME });
  expect(await store.migrate()).toEqual([RENAME]);
  expect(await store.migrate()).toEqual([]);
  for (const r of OLD_ROWS) {
    expect(await store.get(r.id)).toEqual({
      shareId: r.id,
      sessionId: `ses_lastrels${r.id}`,
      secretHash: "e".repeat(64),
      createdAt: T0,
      updatedAt: T0 + 500,
      title: r.title,
      sizeBytes: r.size,
      version: r.version,
      expiresAt: r.expires,
      views: r.views,
      protocol: r.protocol === "seed" ? "upload" : "native",
      owner: r.owner,
      uploadedAt: r.uploaded,
    });
    expect(await store.listItemsSince(r.id, -1)).toEqual([{ key: "session", seq: 1, data: `{"id":"ses_lastrels${r.id}"}` }]);
  }
  // The listing by owner still works, and deleting a share takes its items only.
  expect((await store.list({ owner: "alice", limit: 10 })).map((r) => r.shareId)).toEqual(["UPLDOWN1"]);
  expect(await store.delete("UPLDOWN1")).toBe(true);
  expect(await store.listItemsSince("UPLDOWN1", -1)).toEqual([]);
  expect(await store.listItemsSince("UPLDNONE", -1)).toHaveLength(1);
}

/**
 * The schema objects a database has: every table's columns, every index (the
 * text of an index created by migration 1-3 carries IF NOT EXISTS, which
 * SQLite keeps) and every foreign key.
 */
function sqliteSchema(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    const tables = db.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence' ORDER BY name").all();
    return {
      columns: tables.map((t) => [t.name, db.query(`PRAGMA table_xinfo(${t.name})`).all()]),
      foreignKeys: tables.map((t) => [t.name, db.query(`PRAGMA foreign_key_list(${t.name})`).all()]),
      indexes: db
        .query<{ name: string; tbl_name: string; sql: string | null }, []>("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
        .all()
        .map((i) => ({ ...i, sql: i.sql?.replace("IF NOT EXISTS ", "") ?? null })),
    };
  } finally {
    db.close();
  }
}

/** A schema from before the rename, as it should read after it. */
const renamed = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema).replaceAll("'seed'", "'upload'"));

async function postgresSchema(url: string): Promise<unknown> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return {
      columns: await sql`SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default
                         FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
      indexes: await sql`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`,
      constraints: await sql`SELECT conrelid::regclass::text AS tbl, conname, pg_get_constraintdef(oid) AS def
                             FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY conname`,
    };
  } finally {
    await sql.end();
  }
}

describe("migrate upgrades a first-release database without losing a share", () => {
  test("sqlite", async () => {
    const dir = tempDir("bs-mig-");
    const old = new Database(join(dir, "better-share.sqlite"), { create: true });
    old.exec(release("schema.sqlite.sql"));
    old.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    old.exec(`INSERT INTO schema_migrations VALUES (1, ${Date.now()})`);
    const now = Date.now();
    old.exec(`INSERT INTO shares (share_id, session_id, secret, created_at, updated_at, title, size_bytes, version, protocol)
              VALUES ('OLDUPLD1', 'ses_olderthanOLDUPLD1', '${"b".repeat(64)}', ${now}, ${now}, 'Old', 1234, 3, 'seed'),
                     ('OLDNATV1', 'ses_olderthanOLDNATV1', '${"b".repeat(64)}', ${now}, ${now}, NULL, NULL, 1, 'native')`);
    old.exec(`INSERT INTO share_items VALUES ('OLDNATV1', 'session', 1, '{"id":"ses_olderthanOLDNATV1"}')`);
    old.exec(`INSERT INTO rate_limits VALUES ('share:10.0.0.1', 3600, 2)`);
    old.close();

    const store = new SqliteShareStore(dir);
    try {
      await checkUpgraded(store);
    } finally {
      await store.close();
    }
  });

  test("postgres", async () => {
    const url = await freshDatabase("mig");
    const old = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await old.begin(async (tx) => {
        await tx.unsafe(release("schema.sql"));
        await tx`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW())`;
        await tx`INSERT INTO schema_migrations (version) VALUES (1)`;
        await tx.unsafe(`INSERT INTO shares (share_id, session_id, secret, title, size_bytes, version, protocol)
              VALUES ('OLDUPLD1', 'ses_olderthanOLDUPLD1', '${"b".repeat(64)}', 'Old', 1234, 3, 'seed'),
                     ('OLDNATV1', 'ses_olderthanOLDNATV1', '${"b".repeat(64)}', NULL, NULL, 1, 'native')`);
        await tx.unsafe(`INSERT INTO share_items VALUES ('OLDNATV1', 'session', 1, '{"id":"ses_olderthanOLDNATV1"}')`);
        await tx.unsafe(`INSERT INTO rate_limits VALUES ('share:10.0.0.1', 3600, 2)`);
      });
    } finally {
      await old.end();
    }
    const store = new PostgresShareStore(url);
    try {
      await checkUpgraded(store);
    } finally {
      await store.close();
    }
  });
});

describe("migration 4 stores the plugin's protocol as 'upload', keeping every row, column and index", () => {
  test("sqlite: the rebuilt table keeps every row, column, index and reference; 'seed' no longer accepted", async () => {
    const dir = tempDir("bs-mig4-");
    const path = join(dir, "better-share.sqlite");
    const old = new Database(path, { create: true, strict: true });
    old.exec("PRAGMA foreign_keys = ON");
    old.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)");
    for (const m of beforeRename(schemaSqlite)) {
      old.exec(m.sql);
      old.query("INSERT INTO schema_migrations VALUES (?, ?)").run(m.version, T0);
    }
    for (const r of OLD_ROWS) {
      old
        .query(
          `INSERT INTO shares (share_id, session_id, secret, created_at, updated_at, title, size_bytes, version, expires_at, views, protocol, owner, uploaded_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(r.id, `ses_lastrels${r.id}`, "e".repeat(64), T0, T0 + 500, r.title, r.size, r.version, r.expires, r.views, r.protocol, r.owner, r.uploaded);
      old.query("INSERT INTO share_items VALUES (?, 'session', 1, ?)").run(r.id, `{"id":"ses_lastrels${r.id}"}`);
    }
    old.close();
    const before = sqliteSchema(path);

    // The embedded store migrates itself when a server opens it.
    const store = new SqliteShareStore(dir);
    try {
      await checkRenamed(store);
    } finally {
      await store.close();
    }
    const db = new Database(path, { strict: true });
    try {
      expect(db.query<{ protocol: string }, []>("SELECT DISTINCT protocol FROM shares ORDER BY protocol").all().map((r) => r.protocol)).toEqual(["native", "upload"]);
      expect(() => db.query("UPDATE shares SET protocol = 'seed' WHERE share_id = 'UPLDNONE'").run()).toThrow(/CHECK/);
      expect(db.query("PRAGMA foreign_key_check").all()).toEqual([]);
    } finally {
      db.close();
    }
    const fresh = tempDir("bs-mig4-fresh-");
    const freshStore = new SqliteShareStore(fresh);
    await freshStore.migrate();
    await freshStore.close();
    expect(sqliteSchema(path)).toEqual(renamed(before));
    expect(sqliteSchema(path)).toEqual(sqliteSchema(join(fresh, "better-share.sqlite")));
  });

  test("sqlite: the store's connection enforces foreign keys again after migrating", async () => {
    const store = new SqliteShareStore(tempDir("bs-mig4-fk-"));
    try {
      expect(await store.migrate()).toContain(RENAME);
      // The pragma is per connection and the store keeps its one connection private.
      const db = (store as unknown as { db: Database }).db;
      expect(db.query("PRAGMA foreign_keys").get()).toEqual({ foreign_keys: 1 });
      expect(() => db.query("INSERT INTO share_items VALUES ('NOSHARE1', 'session', 1, '{}')").run()).toThrow(/FOREIGN KEY/);
    } finally {
      await store.close();
    }
  });

  test("postgres: behind until `migrate`, then every row, column, index and constraint kept; 'seed' no longer accepted", async () => {
    const url = await freshDatabase("mig4");
    const old = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await old.begin(async (tx) => {
        await tx`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW())`;
        for (const m of beforeRename(schemaPostgres)) {
          await tx.unsafe(m.sql);
          await tx`INSERT INTO schema_migrations (version) VALUES (${m.version})`;
        }
        for (const r of OLD_ROWS) {
          await tx`INSERT INTO shares (share_id, session_id, secret, created_at, updated_at, title, size_bytes, version, expires_at, views, protocol, owner, uploaded_at)
                   VALUES (${r.id}, ${`ses_lastrels${r.id}`}, ${"e".repeat(64)}, ${new Date(T0)}, ${new Date(T0 + 500)}, ${r.title}, ${r.size}, ${r.version},
                           ${r.expires === null ? null : new Date(r.expires)}, ${r.views}, ${r.protocol}, ${r.owner}, ${r.uploaded === null ? null : new Date(r.uploaded)})`;
          await tx`INSERT INTO share_items VALUES (${r.id}, 'session', 1, ${`{"id":"ses_lastrels${r.id}"}`})`;
        }
      });
    } finally {
      await old.end();
    }

    const before = await postgresSchema(url);

    // A server of this release refuses the database until `better-share migrate` has run.
    const behind = new PostgresShareStore(url);
    try {
      expect(await readyShareStore(behind)).toEqual({ current: RENAME - 1, latest: RENAME });
    } finally {
      await behind.close();
    }
    const config = loadConfig({ DATABASE_URL: url, DATA_DIR: tempDir("bs-mig4-data-"), PORT: "0", HOST: "127.0.0.1" });
    await expect(startServer(config, lineLogger("text", () => {}))).rejects.toThrow(
      `The database schema is at version ${RENAME - 1} but this server needs ${RENAME}: run \`better-share migrate\``,
    );

    const store = new PostgresShareStore(url);
    try {
      await checkRenamed(store);
      expect(await readyShareStore(store)).toBeNull();
    } finally {
      await store.close();
    }
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      expect((await sql`SELECT DISTINCT protocol FROM shares ORDER BY protocol`).map((r) => r.protocol)).toEqual(["native", "upload"]);
      await expect(sql`UPDATE shares SET protocol = 'seed' WHERE share_id = 'UPLDNONE'`).rejects.toThrow(/shares_protocol_check/);
    } finally {
      await sql.end();
    }
    const fresh = await freshDatabase("mig4fresh");
    const freshStore = new PostgresShareStore(fresh);
    try {
      await freshStore.migrate();
    } finally {
      await freshStore.close();
    }
    expect(await postgresSchema(url)).toEqual(renamed(before));
    expect(await postgresSchema(url)).toEqual(await postgresSchema(fresh));
  });
});
