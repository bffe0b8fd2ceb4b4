// `better-share tokens …` as an operator runs it: the compiled binary as a
// child process, next to running servers on the same stores — the embedded
// default (SQLite in WAL mode) and Postgres + an S3-protocol server, with two
// instances that must both honour a revocation on their next request.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import postgres from "postgres";
import { parseMigrations } from "../../src/stores/share-store.ts";
import { buildBinary, expectRefusedSetting, runToEnd, run, startBinary, type Server } from "../helpers/binary.ts";
import { FIXTURES_DIR } from "../helpers/fixtures.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { startS3, type TestS3 } from "../helpers/s3.ts";
import { tempDir } from "../helpers/tmp.ts";

let bin: string;
beforeAll(() => {
  bin = buildBinary();
}, 180_000);

const cli = (args: string[], env: Record<string, string>) => runToEnd(bin, args, env);

function create(s: Server, id: string, token?: string) {
  return fetch(`${s.url}/api/share/presign`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ shareId: id, sessionId: `ses_clitests${id}` }),
  });
}

async function codeOf(res: Response): Promise<string> {
  return ((await res.json()) as { code?: string }).code ?? String(res.status);
}

/** The operator's whole round: create, use, list, revoke, refused. */
async function tokenRound(servers: Server[], env: Record<string, string>) {
  const help = await cli(["tokens", "create", "--help"], env);
  expect(help.code).toBe(0);
  expect(help.stdout).toContain("better-share tokens create NAME [--expires DURATION] [--json]");

  const made = await cli(["tokens", "create", "alice", "--expires", "30d"], env);
  expect(made.code).toBe(0);
  expect(made.stdout).toMatch(/^bst_[A-Za-z0-9_-]{43}$/);
  expect(made.stderr).toContain("shown only this once");
  const token = made.stdout;

  for (const [i, s] of servers.entries()) {
    expect(await codeOf(await create(s, `NoTok00${i}`))).toBe("TOKEN_REQUIRED");
    expect((await create(s, `WithTok${i}`, token)).status).toBe(200);
  }

  const listed = await cli(["tokens", "list", "--json"], env);
  expect(listed.code).toBe(0);
  expect(listed.stdout).not.toContain(token);
  const rows = JSON.parse(listed.stdout) as Array<{ name: string; status: string; lastUsedAt: string | null; expiresAt: string }>;
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({ name: "alice", status: "active" });
  expect(rows[0]!.lastUsedAt).not.toBeNull();
  const table = await cli(["tokens", "list"], env);
  expect(table.stdout).toMatch(/^NAME +STATUS +CREATED +LAST USED +EXPIRES +REVOKED\nalice +active +\d{4}-/);

  expect(await cli(["tokens", "revoke", "nobody"], env)).toMatchObject({ code: 1, stderr: expect.stringContaining('there is no token named "nobody"') });
  expect(await cli(["tokens", "create", "bad name"], env)).toMatchObject({ code: 2 });
  expect(await cli(["tokens", "create", "bob", "--expires", "7 days"], env)).toMatchObject({ code: 2, stderr: expect.stringContaining("--expires") });

  const revoked = await cli(["tokens", "revoke", "alice"], env);
  expect(revoked.code).toBe(0);
  // No cache anywhere: the very next creation on every instance is refused.
  for (const [i, s] of servers.entries()) {
    const r = await create(s, `AfterRv${i}`, token);
    expect(r.status).toBe(403);
    expect(await codeOf(r)).toBe("INVALID_TOKEN");
  }
  expect(JSON.parse((await cli(["tokens", "list", "--json"], env)).stdout)[0].status).toBe("revoked");
}

describe("tokens against a running server on the embedded default (SQLite + disk)", () => {
  test("create, use, list, revoke while the server runs", async () => {
    const env = { DATA_DIR: tempDir("bs-cli-data-"), CREATE_ACCESS: "token" };
    const s = await startBinary(bin, env);
    try {
      await tokenRound([s], env);
      // The server never saw or logged a token.
      expect(s.output()).not.toContain("bst_");
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 120_000);

  test("bad start-up settings exit 2 naming the variable", async () => {
    for (const [name, value] of [
      ["CREATE_ALLOW_CIDRS", "10.0.0.0/33"],
      ["CREATE_ALLOW_CIDRS", "::1/129"],
      ["CREATE_ACCESS", "closed"],
      ["READ_ONLY", "sometimes"],
    ] as const) {
      await expectRefusedSetting(bin, name, { DATA_DIR: tempDir("bs-cli-data-"), CREATE_ACCESS: "token", [name]: value });
    }
  }, 60_000);
});

describe("on Postgres + an S3-protocol server", () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3();
  }, 60_000);
  afterAll(() => s3?.stop());

  test("two instances on one database: tokens made by the CLI work on both, a revocation holds on both at once", async () => {
    const env = { DATABASE_URL: await freshDatabase("clitok"), ...s3.env, CREATE_ACCESS: "token" };
    // Before migrate the admin commands say what to do.
    const early = await cli(["tokens", "list"], env);
    expect(early.code).toBe(1);
    expect(early.stderr).toContain("better-share migrate");
    expect((await cli(["migrate"], env)).code).toBe(0);
    const a = await startBinary(bin, { ...env, DATA_DIR: tempDir("bs-cli-a-") });
    const b = await startBinary(bin, { ...env, DATA_DIR: tempDir("bs-cli-b-") });
    try {
      await tokenRound([a, b], env);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 120_000);

  test("migrate upgrades a first-release database in place; its shares and their owners survive", async () => {
    const url = await freshDatabase("clirel");
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const [v1] = parseMigrations(readFileSync(join(FIXTURES_DIR, "release-schema", "schema.sql"), "utf8"));
      await sql.unsafe(v1!.sql);
      await sql`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT NOW())`;
      await sql`INSERT INTO schema_migrations (version) VALUES (1)`;
      await sql`INSERT INTO shares (share_id, session_id, secret, title) VALUES ('RelShar1', 'ses_releasedRelShar1', ${"e".repeat(64)}, 'From the first release')`;
      const env = { DATABASE_URL: url, ...s3.env };
      const m = await cli(["migrate"], env);
      expect(m.code).toBe(0);
      expect(m.stdout).toMatch(/Applied migrations? 2/);
      const [row] = await sql`SELECT share_id, title, owner FROM shares`;
      expect(row).toEqual({ share_id: "RelShar1", title: "From the first release", owner: null });
      // The upgraded database serves: the old share is known (its upload never happened in this test).
      const s = await startBinary(bin, { ...env, DATA_DIR: tempDir("bs-cli-rel-") });
      try {
        const res = await fetch(`${s.url}/api/share/RelShar1`);
        expect(res.status).toBe(404);
        expect(await res.text()).toContain("not finished");
        expect((await fetch(`${s.url}/api/share/RelShar2`)).status).toBe(404);
      } finally {
        await s.stop();
      }
    } finally {
      await sql.end();
    }
  }, 120_000);
});
