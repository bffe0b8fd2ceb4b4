// `migrate` upgrades a database made by the first release without losing a
// share. The old database is built from that release's schema files, kept
// verbatim in test/fixtures/release-schema/, the way its `migrate` did it
// (the migration-1 section, then schema_migrations version 1).
import { Database } from "bun:sqlite";
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { PostgresShareStore } from "../../src/stores/share-store.postgres.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { parseMigrations, type ShareStore } from "../../src/stores/share-store.ts";
import { FIXTURES_DIR } from "../helpers/fixtures.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { tempDir } from "../helpers/tmp.ts";

const release = (file: string) => {
  const m = parseMigrations(readFileSync(join(FIXTURES_DIR, "release-schema", file), "utf8"));
  expect(m.map((x) => x.version)).toEqual([1]);
  return m[0]!.sql;
};

async function checkUpgraded(store: ShareStore) {
  const before = await store.schemaStatus();
  expect(before.current).toBe(1);
  expect(before.latest).toBeGreaterThan(1);
  const applied = await store.migrate();
  expect(applied[0]).toBe(2);
  expect(await store.migrate()).toEqual([]);
  const after = await store.schemaStatus();
  expect(after.current).toBe(after.latest);

  const seed = (await store.get("OLDSEED1"))!;
  expect(seed).toMatchObject({ sessionId: "ses_olderthanOLDSEED1", secretHash: "b".repeat(64), title: "Old", sizeBytes: 1234, version: 3, protocol: "seed", owner: null });
  const native = (await store.get("OLDNATV1"))!;
  expect(native).toMatchObject({ protocol: "native", version: 1, owner: null });
  expect(await store.listItemsSince("OLDNATV1", -1)).toEqual([{ key: "session", seq: 1, data: '{"id":"ses_olderthanOLDNATV1"}' }]);
  expect(await store.bump("share:10.0.0.1", 3600, 1)).toBe(3);

  // The new tables work on the upgraded database.
  expect(await store.createToken({ name: "alice", selector: "s".repeat(12), tokenHash: "c".repeat(64), expiresAt: null })).toBe("created");
  expect(await store.insert({ shareId: "NEWSHARE", sessionId: "ses_brandnewNEWSHARE", secretHash: "d".repeat(64), protocol: "seed", owner: "alice" })).toBe("created");
  expect((await store.get("NEWSHARE"))!.owner).toBe("alice");
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
              VALUES ('OLDSEED1', 'ses_olderthanOLDSEED1', '${"b".repeat(64)}', ${now}, ${now}, 'Old', 1234, 3, 'seed'),
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
              VALUES ('OLDSEED1', 'ses_olderthanOLDSEED1', '${"b".repeat(64)}', 'Old', 1234, 3, 'seed'),
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
