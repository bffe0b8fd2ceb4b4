// `better-share shares …` and expiry as an operator meets them: the compiled
// binary as a child process next to running servers on the same stores — the
// embedded default (SQLite in WAL mode + disk) and Postgres + an S3-protocol
// server with two instances sweeping at once.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import postgres from "postgres";
import { eventually } from "../helpers/eventually.ts";
import { buildBinary, expectRefusedSetting, runToEnd, startBinary, type Server } from "../helpers/binary.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { startS3, type TestS3 } from "../helpers/s3.ts";
import { tempDir } from "../helpers/tmp.ts";

let bin: string;
beforeAll(() => {
  bin = buildBinary();
}, 180_000);

const cli = (args: string[], env: Record<string, string>) => runToEnd(bin, args, env);

/** Creates a share through the upload protocol and uploads the fixture as its session. */
async function share(s: Server, id: string, body: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
  const data = JSON.stringify({ ...fixture, shareId: id });
  const r = await fetch(`${s.url}/api/share/presign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ shareId: id, sessionId: `ses_sharecli${id}`, size: Buffer.byteLength(data), ...body }),
  });
  expect(r.status).toBe(200);
  const c = (await r.json()) as { presignedUrl: string; secret: string };
  const put = await fetch(c.presignedUrl, { method: "PUT", body: data, headers: { "content-type": "application/json" } });
  expect(put.status).toBe(200);
  return { id, secret: c.secret };
}

const status = async (url: string) => (await fetch(url)).status;

describe("shares commands against a running server on the embedded default (SQLite + disk)", () => {
  test("list, delete (a running server stops serving within a second), gc, and views flushed at shutdown", async () => {
    const dataDir = tempDir("bs-shares-data-");
    const env = { DATA_DIR: dataDir, RATE_LIMIT_SHARES_PER_HOUR: "1000" };
    // A long sweep interval: here gc does the deleting. The server's first sweep
    // comes at a random moment in its first 10 s, and none after it for 600 s.
    const s = await startBinary(bin, { ...env, SWEEP_INTERVAL_SECONDS: "600" });
    const firstSweepDone = Date.now() + 10_500;
    let stopped = false;
    try {
      const a = await share(s, "CliShrA1", { expiresIn: 7 * 86400 });
      const b = await share(s, "CliShrB1");
      const c = await share(s, "CliShrC1");

      for (const h of [["shares", "--help"], ["shares", "list", "--help"], ["shares", "delete", "--help"], ["shares", "gc", "--help"]]) {
        const r = await cli(h, env);
        expect(r.code).toBe(0);
        expect(r.stdout).toContain(`better-share shares`);
      }

      const listed = await cli(["shares", "list", "--json"], env);
      expect(listed.code).toBe(0);
      const rows = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
      expect(rows.map((r) => r.id)).toEqual([c.id, b.id, a.id]);
      expect(Object.keys(rows[0]!).sort()).toEqual(["createdAt", "expired", "expiresAt", "id", "owner", "protocol", "sizeBytes", "title", "updatedAt", "url", "views"]);
      expect(rows[2]).toMatchObject({ id: a.id, expired: false, owner: null, protocol: "upload", url: `http://localhost:3000/share/${a.id}` });
      expect(Date.parse(rows[2]!.expiresAt as string)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
      expect(rows[0]!.expiresAt).toBeNull();

      const tableOut = await cli(["shares", "list", "--limit", "2"], env);
      expect(tableOut.code).toBe(0);
      expect(tableOut.stdout).toMatch(/^ID +TITLE +OWNER +SIZE +CREATED +UPDATED +EXPIRES +VIEWS\n/);
      expect(tableOut.stdout.split("\n")).toHaveLength(3);
      expect(tableOut.stdout).toContain("never");
      expect(tableOut.stderr).toContain("--limit");

      for (const bad of [["shares", "list", "--limit", "0"], ["shares", "list", "--limit", "x"], ["shares", "lists"], ["shares", "delete"], ["shares", "gc", "--dry"]]) {
        const r = await cli(bad, env);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain("better-share shares");
      }

      // Views: three readers, one bot; the server writes them at most every 5 s and at shutdown.
      for (let i = 0; i < 3; i++) expect(await status(`${s.url}/share/${b.id}`)).toBe(200);
      expect((await fetch(`${s.url}/share/${b.id}`, { headers: { "user-agent": "Twitterbot/1.0" } })).status).toBe(200);

      // Delete one known and one unknown id: exit 1, the known one is gone, from the running server too.
      expect(await status(`${s.url}/share/${c.id}`)).toBe(200);
      const del = await cli(["shares", "delete", "Unknown9", c.id, "../etc"], env);
      expect(del.code).toBe(1);
      expect(del.stdout).toBe(`Deleted ${c.id}.`);
      expect(del.stderr).toContain('Not found: "Unknown9"');
      expect(del.stderr).toContain('Not found: "../etc"');
      await Bun.sleep(1100);
      expect(await status(`${s.url}/share/${c.id}`)).toBe(404);
      expect(await status(`${s.url}/api/share/${c.id}`)).toBe(404);
      const delJson = await cli(["shares", "delete", "--json", c.id], env);
      expect(delJson.code).toBe(1);
      expect(JSON.parse(delJson.stdout)).toEqual({ deleted: [], notFound: [c.id], failed: [] });

      // gc: expire `a` in the database (as time would), plus a creation whose upload never came, two hours ago,
      // once the server's own first sweep is behind us (otherwise it may delete `a` before we look).
      await Bun.sleep(Math.max(0, firstSweepDone - Date.now()));
      const db = new Database(join(dataDir, "better-share.sqlite"));
      db.exec("PRAGMA busy_timeout = 5000");
      db.query("UPDATE shares SET expires_at = ? WHERE share_id = ?").run(Date.now() - 1000, a.id);
      const old = Date.now() - 3 * 3600_000;
      db.query(
        "INSERT INTO shares (share_id, session_id, secret, created_at, updated_at, version, protocol) VALUES ('Abandon1', 'ses_sharecliAbandon1', ?, ?, ?, 0, 'upload')",
      ).run("f".repeat(64), old, old);
      db.close();
      const expiredList = await cli(["shares", "list", "--expired", "--json"], env);
      expect((JSON.parse(expiredList.stdout) as Array<{ id: string; expired: boolean }>).map((r) => [r.id, r.expired])).toEqual([[a.id, true]]);
      await Bun.sleep(1100);
      expect(await status(`${s.url}/share/${a.id}`)).toBe(410);
      expect(await (await fetch(`${s.url}/share/${a.id}`)).text()).toContain("This share expired on");

      const dry = await cli(["shares", "gc", "--dry-run", "--json"], env);
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout)).toEqual({ dryRun: true, expired: [a.id], neverUploaded: ["Abandon1"], failed: [] });
      const gc = await cli(["shares", "gc"], env);
      expect(gc.code).toBe(0);
      expect(gc.stdout).toBe("Deleted 1 expired share and 1 creation never uploaded.");
      expect(JSON.parse((await cli(["shares", "list", "--json"], env)).stdout).map((r: { id: string }) => r.id)).toEqual([b.id]);
      await Bun.sleep(1100);
      expect(await status(`${s.url}/share/${a.id}`)).toBe(404);

      expect(await s.stop()).toBe(0);
      stopped = true;
      const after = JSON.parse((await cli(["shares", "list", "--json"], env)).stdout) as Array<{ id: string; views: number }>;
      expect(after).toEqual([expect.objectContaining({ id: b.id, views: 3 })]);
    } finally {
      if (!stopped) await s.stop();
    }
  }, 180_000);

  test("bad lifetimes stop the server with one line naming the variable (exit 2)", async () => {
    for (const [name, value] of [
      ["SHARE_TTL_DEFAULT", "7 days"],
      ["SHARE_TTL_MAX", "-1d"],
      ["SHARE_TTL_DEFAULT", "0"],
      ["SHARE_TTL_MAX", "1e9d"],
      ["SWEEP_INTERVAL_SECONDS", "3600"],
      ["COUNT_VIEWS", "maybe"],
    ] as const) {
      await expectRefusedSetting(bin, name, { DATA_DIR: tempDir("bs-ttl-"), [name]: value });
    }
  }, 60_000);
});

describe("on Postgres + an S3-protocol server, two instances", () => {
  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3();
  }, 60_000);
  afterAll(() => s3?.stop());

  test("both sweep at once: every expired share is deleted exactly once, without errors; a CLI deletion is seen by both", async () => {
    const url = await freshDatabase("clisweep");
    const env = { DATABASE_URL: url, ...s3.env, RATE_LIMIT_SHARES_PER_HOUR: "1000" };
    expect((await cli(["migrate"], env)).code).toBe(0);
    const a = await startBinary(bin, { ...env, DATA_DIR: tempDir("bs-sw-a-"), SWEEP_INTERVAL_SECONDS: "1" });
    const b = await startBinary(bin, { ...env, DATA_DIR: tempDir("bs-sw-b-"), SWEEP_INTERVAL_SECONDS: "1" });
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) ids.push((await share(i % 2 ? a : b, `Sweep${String(i).padStart(3, "0")}`, { expiresIn: 3600 })).id);
      const keep = await share(a, "KeepSwp1");
      const gone = await share(b, "GoneSwp1");
      for (const s of [a, b]) expect(await status(`${s.url}/share/${gone.id}`)).toBe(200);

      // Deleted by the CLI: both instances stop serving it within a second.
      const del = await cli(["shares", "delete", gone.id], env);
      expect(del.code).toBe(0);
      await Bun.sleep(1100);
      for (const s of [a, b]) expect(await status(`${s.url}/share/${gone.id}`)).toBe(404);

      // Their time is up (moved in the database, as time would): both sweepers race for them.
      await sql`UPDATE shares SET expires_at = NOW() - INTERVAL '1 second' WHERE share_id LIKE 'Sweep%'`;
      const within = { timeoutMs: 30_000 };
      await eventually("both sweepers to empty the expired set", async () => (await sql`SELECT 1 FROM shares WHERE share_id LIKE 'Sweep%'`).length === 0, Boolean, within);
      const swept = (s: Server) => [...s.output().matchAll(/sweep: deleted (\d+) expired share/g)].reduce((n, m) => n + Number(m[1]), 0);
      // A sweep logs when it ends, after its last row is gone: wait for both logs, then for a few more sweeps.
      await eventually("the sweepers to report", () => swept(a) + swept(b) >= ids.length, Boolean, within);
      await Bun.sleep(2500);
      expect(swept(a) + swept(b)).toBe(ids.length);
      for (const s of [a, b]) {
        // Racing never errs. (A slow S3-protocol server on a busy machine may trip the
        // circuit breaker for a moment: those shares wait for the next sweep, as they should.)
        const problems = s.output().split("\n").filter((l) => /could not|error/i.test(l) && !/unreachable right now/.test(l));
        expect(problems).toEqual([]);
        expect(s.output()).not.toMatch(/ 5\d\d \d/);
      }
      for (const id of ids.slice(0, 5)) {
        for (const s of [a, b]) expect(await status(`${s.url}/share/${id}`)).toBe(404);
        const obj = await fetch(`${s3.config.endpoint}/${s3.config.bucket}/sessions/${id}.json`);
        expect([403, 404]).toContain(obj.status);
      }
      for (const s of [a, b]) expect(await status(`${s.url}/share/${keep.id}`)).toBe(200);

      // The CLI on Postgres sees the same store.
      const listed = JSON.parse((await cli(["shares", "list", "--json"], env)).stdout) as Array<{ id: string }>;
      expect(listed.map((r) => r.id)).toEqual([keep.id]);
      const gc = await cli(["shares", "gc", "--json"], env);
      expect(JSON.parse(gc.stdout)).toEqual({ dryRun: false, expired: [], neverUploaded: [], failed: [] });
    } finally {
      await sql.end();
      expect(await a.stop()).toBe(0);
      expect(await b.stop()).toBe(0);
    }
  }, 180_000);
});
