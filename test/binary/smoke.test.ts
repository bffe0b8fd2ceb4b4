// The compiled ./better-share as a user runs it: child processes over real
// HTTP, on the embedded default and on Postgres + an S3 server (s3rver).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildBinary, freePort, run, startBinary, type Server } from "../helpers/binary.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { startS3, type TestS3 } from "../helpers/s3.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";
import { tempDir } from "../helpers/tmp.ts";

let bin: string;
beforeAll(() => {
  bin = buildBinary();
}, 120_000);

const tmp = () => tempDir("bs-smoke-");
const j = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const putJson = (url: string, body: string) => fetch(url, { method: "PUT", headers: { "content-type": "application/json" }, body });

/** create → PUT → GET → sync → PUT → GET → delete → 404, over real HTTP. */
async function fullFlow(s: Server, sessionId: string) {
  const shareId = sessionId.slice(-8);
  const first = JSON.stringify({ ...fixture, shareId, sessionId });
  const created = await fetch(`${s.url}/api/share/presign`, j({ shareId, sessionId, size: Buffer.byteLength(first) }));
  expect(created.status).toBe(200);
  const c = (await created.json()) as any;
  expect(c.url).toBe(`${s.url}/share/${shareId}`);
  expect((await putJson(c.presignedUrl, first)).status).toBe(200);

  const got = await fetch(`${s.url}/api/share/${shareId}`);
  expect(got.status).toBe(200);
  expect(((await got.json()) as any).session.title).toBe(fixture.session.title);
  const page = await fetch(`${s.url}/share/${shareId}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain("Create and parameterize greet.sh");

  const second = JSON.stringify({ ...fixture, shareId, sessionId, session: { ...fixture.session, title: "Second version" } });
  const sync = await fetch(`${s.url}/api/share/${shareId}/presign`, {
    ...j({ size: Buffer.byteLength(second) }),
    headers: { "content-type": "application/json", "x-share-secret": c.secret },
  });
  expect(sync.status).toBe(200);
  const sp = (await sync.json()) as any;
  expect((await putJson(sp.presignedUrl, second)).status).toBe(200);
  expect(((await (await fetch(`${s.url}/api/share/${shareId}`)).json()) as any).session.title).toBe("Second version");

  return {
    shareId,
    secret: c.secret as string,
    async remove() {
      const del = await fetch(`${s.url}/api/share/${shareId}`, { method: "DELETE", headers: { "x-share-secret": c.secret } });
      expect(del.status).toBe(200);
      expect((await fetch(`${s.url}/api/share/${shareId}`)).status).toBe(404);
      expect((await fetch(`${s.url}/share/${shareId}`)).status).toBe(404);
    },
  };
}

describe("embedded default (SQLite + disk)", () => {
  test("full flow, restart persistence and SIGTERM", async () => {
    const dataDir = tmp();
    let s = await startBinary(bin, { DATA_DIR: dataDir });
    expect(s.output()).toMatch(/share store: sqlite .*blob store: disk/);
    const kept = await fullFlow(s, "ses_smokesmokeKeepKeep");
    const gone = await fullFlow(s, "ses_smokesmokeGoneGone");
    await gone.remove();
    // A presigned URL issued before a restart still works after it.
    const p = await fetch(`${s.url}/api/share/${kept.shareId}/presign`, { ...j({}), headers: { "content-type": "application/json", "x-share-secret": kept.secret } });
    const { presignedUrl } = (await p.json()) as any;

    expect(await s.stop()).toBe(0);
    expect(s.output()).toContain("stopped");
    s = await startBinary(bin, { DATA_DIR: dataDir }, { port: s.port });
    try {
      expect((await fetch(`${s.url}/api/share/${kept.shareId}`)).status).toBe(200);
      expect((await fetch(`${s.url}/api/share/${gone.shareId}`)).status).toBe(404);
      const third = JSON.stringify({ ...fixture, shareId: kept.shareId, session: { ...fixture.session, title: "After restart" } });
      expect((await putJson(presignedUrl, third)).status).toBe(200);
      expect(((await (await fetch(`${s.url}/api/share/${kept.shareId}`)).json()) as any).session.title).toBe("After restart");
      await kept.remove();
    } finally {
      expect(await s.stop()).toBe(0);
    }
  }, 60_000);

  test("SIGTERM lets an in-flight upload finish, then exits 0", async () => {
    const s = await startBinary(bin, { DATA_DIR: tmp() });
    const body = JSON.stringify({ ...fixture, shareId: "SlowSlow" });
    const created = (await (await fetch(`${s.url}/api/share/presign`, j({ shareId: "SlowSlow", sessionId: "ses_slowslowSlowSlow", size: Buffer.byteLength(body) }))).json()) as any;
    const bytes = new TextEncoder().encode(body);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      async pull(ctl) {
        if (sent >= bytes.length) return ctl.close();
        const chunk = bytes.slice(sent, sent + 4096);
        sent += chunk.length;
        await Bun.sleep(40);
        ctl.enqueue(chunk);
      },
    });
    const upload = fetch(created.presignedUrl, {
      method: "PUT",
      body: stream,
      headers: { "content-type": "application/json", "content-length": String(bytes.length) },
      // @ts-ignore Bun accepts duplex for streaming bodies
      duplex: "half",
    });
    await Bun.sleep(150);
    s.child.kill("SIGTERM");
    const res = await upload;
    expect(res.status).toBe(200);
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain("SIGTERM received");
  }, 60_000);
});

describe("Postgres + S3 (s3rver)", () => {
  let s3: TestS3;
  let db: string;
  beforeAll(async () => {
    s3 = await startS3();
    db = await freshDatabase("smoke");
  }, 120_000);
  afterAll(() => s3.stop());

  test("serve refuses an unmigrated database and names the fix", async () => {
    const p = run(bin, ["serve", "--port", String(await freePort()), "--host", "127.0.0.1"], { DATABASE_URL: db, ...s3.env });
    expect(await p.exited).toBe(1);
    expect(p.output()).toContain("better-share migrate");
  }, 30_000);

  test("migrate twice, then the full flow; logs name the stores but no secret", async () => {
    const env = { DATABASE_URL: db.replace("postgres@", "postgres:hunter2pw@"), ...s3.env, S3_SECRET_ACCESS_KEY: s3.env.S3_SECRET_ACCESS_KEY! };
    const m1 = run(bin, ["migrate"], env);
    expect(await m1.exited).toBe(0);
    expect(m1.output()).toContain("Applied migration");
    const m2 = run(bin, ["migrate"], env);
    expect(await m2.exited).toBe(0);
    expect(m2.output()).toContain("up to date");
    const s = await startBinary(bin, env);
    try {
      expect(s.output()).toMatch(/share store: postgres .*blob store: s3 \(http:\/\/127\.0\.0\.1/);
      const f = await fullFlow(s, "ses_pgs3pgs3PgS3Flow");
      await f.remove();
      const health = (await (await fetch(`${s.url}/api/health`)).json()) as any;
      expect(health.stores).toEqual({ share: "postgres: ok", blob: "s3: ok" });
    } finally {
      expect(await s.stop()).toBe(0);
    }
    expect(s.output()).not.toContain("hunter2pw");
    expect(s.output()).not.toContain(`secret=${s3.env.S3_SECRET_ACCESS_KEY}`);
  }, 60_000);

  test("two instances on one Postgres share the creation rate limit", async () => {
    // A database of its own: counts from the other tests must not leak in.
    const env = { DATABASE_URL: await freshDatabase("twins"), ...s3.env, RATE_LIMIT_SHARES_PER_HOUR: "3" };
    expect(await run(bin, ["migrate"], env).exited).toBe(0);
    const a = await startBinary(bin, env);
    const b = await startBinary(bin, env);
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const s = i % 2 === 0 ? a : b;
        const id = `Twin${String(i).padStart(4, "0")}`;
        statuses.push((await fetch(`${s.url}/api/share/presign`, j({ shareId: id, sessionId: `ses_twintwin${id}` }))).status);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 60_000);
});

describe("two instances, one share (native protocol on Postgres)", () => {
  test("overlapping syncs through both instances lose no update, and both show the result", async () => {
    const env = { DATABASE_URL: await freshDatabase("twinsync") };
    expect(await run(bin, ["migrate"], env).exited).toBe(0);
    const a = await startBinary(bin, { ...env, DATA_DIR: tmp() });
    const b = await startBinary(bin, { ...env, DATA_DIR: tmp() });
    try {
      const ses = "ses_twinsynctwinSync0001";
      const c = (await (await fetch(`${a.url}/api/share`, j({ sessionID: ses }))).json()) as any;
      const msg = (i: number) => ({ type: "message", data: { id: `msg_${String(i).padStart(4, "0")}`, sessionID: ses, role: "user", time: { created: i } } });
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          fetch(`${(i % 2 ? a : b).url}/api/share/${c.id}/sync`, j({ secret: c.secret, data: [msg(i), { type: "session", data: { id: ses, title: `t${i}` } }] })),
        ),
      );
      expect(results.map((r) => r.status).every((s) => s === 200)).toBe(true);
      for (const s of [a, b]) {
        const data = (await (await fetch(`${s.url}/api/share/${c.id}`)).json()) as any;
        expect(data.messages.length).toBe(40);
        const items = (await (await fetch(`${s.url}/api/share/${c.id}/data`)).json()) as any[];
        expect(items.filter((it) => it.type === "message").length).toBe(40);
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 60_000);
});

describe("configuration errors stop the server with one sentence", () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ["half-set S3", { S3_ENDPOINT: "http://127.0.0.1:9" }, /S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_BUCKET must be set/],
    ["bad PORT", { PORT: "http" }, /PORT must be a port number/],
    ["bad BASE_URL", { BASE_URL: "share.example.com" }, /BASE_URL must be an absolute http\(s\) URL/],
    ["bad DATABASE_URL", { DATABASE_URL: "mysql://x" }, /DATABASE_URL must start with postgres:\/\//],
    ["bad limit", { RATE_LIMIT_SHARES_PER_HOUR: "-1" }, /RATE_LIMIT_SHARES_PER_HOUR must be a whole number/],
    ["bad boolean", { TRUST_PROXY: "maybe" }, /TRUST_PROXY must be true or false/],
  ];
  for (const [name, env, msg] of cases) {
    test(name, async () => {
      const p = run(bin, ["serve"], { DATA_DIR: tmp(), ...env });
      expect(await p.exited).toBe(2);
      expect(p.output()).toMatch(msg);
      expect(p.output().trim().split("\n").length).toBe(1);
    });
  }

  test("a port in use is explained", async () => {
    const s = await startBinary(bin, { DATA_DIR: tmp() });
    try {
      const p = run(bin, ["serve", "--port", String(s.port), "--host", "127.0.0.1"], { DATA_DIR: tmp() });
      expect(await p.exited).toBe(1);
      expect(p.output()).toContain("already in use");
    } finally {
      await s.stop();
    }
  }, 30_000);

  test("unknown command and flag print usage and exit 2; --help lists every variable", async () => {
    const a = run(bin, ["frobnicate"], {});
    expect(await a.exited).toBe(2);
    expect(a.output()).toContain("Usage:");
    const b = run(bin, ["serve", "--bogus"], {});
    expect(await b.exited).toBe(2);
    const h = run(bin, ["--help"], {});
    expect(await h.exited).toBe(0);
    for (const v of ["BASE_URL", "DATABASE_URL", "S3_FORCE_PATH_STYLE", "MAX_SHARE_BYTES", "PRESIGN_TTL_SECONDS", "TRUST_PROXY"]) expect(h.output()).toContain(v);
    const v = run(bin, ["--version"], {});
    expect(await v.exited).toBe(0);
    expect(v.output().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("the health subcommand reports a running server and fails for a dead one", async () => {
    const s = await startBinary(bin, { DATA_DIR: tmp() });
    try {
      const ok = run(bin, ["health", "--url", s.url], {});
      expect(await ok.exited).toBe(0);
      const dead = run(bin, ["health", "--url", `http://127.0.0.1:${await freePort()}`], {});
      expect(await dead.exited).toBe(1);
    } finally {
      await s.stop();
    }
  }, 30_000);
});
