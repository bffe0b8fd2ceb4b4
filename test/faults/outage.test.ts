// Store outages under a request loop, against the compiled binary on Postgres
// + an S3-protocol server: the database stopped and started, the database and
// the blob store cut off silently (connections held, nothing answered) and
// refused. While a store is gone, requests needing it answer 503 JSON at
// once, cached pages keep being served, and the server recovers by itself.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildBinary, run, startBinary, type Server } from "../helpers/binary.ts";
import { eventually } from "../helpers/eventually.ts";
import { startPostgresCluster, type PostgresCluster } from "../helpers/postgres.ts";
import { startS3, type TestS3 } from "../helpers/s3.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.ts";

/**
 * Without the circuit, a request waits out the database client's 10 s connect
 * timeout; with it, well under a second. Anything slower than this fails the
 * suite: a generous bound, far from both.
 */
const ANSWER_WITHIN_MS = 5_000;

let bin: string;
let pg: PostgresCluster;
let s3: TestS3;
let dbProxy: TcpProxy;
let s3Proxy: TcpProxy;
let server: Server;
const ses = "ses_outageoutageNative01";
let native: { id: string; secret: string };
let uploaded: { id: string; secret: string; body: string };
let rounds = 0;

const j = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

interface Outcome {
  what: string;
  status: number;
  ms: number;
  body: string;
}

async function timed(what: string, url: string, init?: RequestInit): Promise<Outcome> {
  const started = performance.now();
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(ANSWER_WITHIN_MS) });
    const body = await res.text();
    return { what, status: res.status, ms: performance.now() - started, body };
  } catch (e) {
    return { what, status: 0, ms: performance.now() - started, body: String(e) };
  }
}

/** One round of what clients do: API reads, a page view, a sync, a share creation. */
function round(i: number): Promise<Outcome>[] {
  const u = server.url;
  return [
    timed("api read (upload)", `${u}/api/share/${uploaded.id}`),
    timed("api read (native)", `${u}/api/share/${native.id}/data`),
    timed("cached page", `${u}/share/${native.id}`),
    timed("sync", `${u}/api/share/${native.id}/sync`, j({ secret: native.secret, data: [{ type: "session", data: { id: ses, title: `loop ${i}` } }] })),
    timed("create", `${u}/api/share`, j({ sessionID: `ses_outageLoop${String(i).padStart(10, "0")}` })),
  ];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

/** Runs rounds for `ms` and checks every answer; returns the outcomes. */
async function loop(ms: number, label: string): Promise<Outcome[]> {
  const out: Outcome[] = [];
  const until = Date.now() + ms;
  while (Date.now() < until) out.push(...(await Promise.all(round(rounds++))));
  const lat = out.map((o) => o.ms);
  console.log(`${label}: ${out.length} requests, p50 ${pct(lat, 50).toFixed(0)} ms, p99 ${pct(lat, 99).toFixed(0)} ms, max ${Math.max(...lat).toFixed(0)} ms`);
  return out;
}

/** During an outage: every answer arrived in time, and is either a success or a 503 in the error shape. */
function expectFailFast(out: Outcome[], needsStore: string[]) {
  for (const o of out) {
    expect({ what: o.what, answered: o.status !== 0, body: o.status === 0 ? o.body : "" }).toEqual({ what: o.what, answered: true, body: "" });
    expect([200, 503]).toContain(o.status);
    if (o.status === 503) {
      const b = JSON.parse(o.body);
      expect(typeof b.error).toBe("string");
      expect(typeof b.code).toBe("string");
      expect(o.body).not.toMatch(/\n\s+at |\/src\/|node_modules/);
    }
  }
  // The cached page never needs a store.
  expect(out.filter((o) => o.what === "cached page").every((o) => o.status === 200)).toBe(true);
  for (const what of needsStore) expect(out.filter((o) => o.what === what).some((o) => o.status === 503)).toBe(true);
}

/** After the store is back: every kind of request succeeds again, with no restart. */
async function expectRecovery(label: string) {
  const started = Date.now();
  const last = await eventually(
    "every kind of request to succeed again",
    () => Promise.all(round(rounds++).slice(0, 4)),
    (out) => out.every((o) => o.status === 200),
    { timeoutMs: 20_000, intervalMs: 50 },
  );
  console.log(`${label}: all requests succeed again ${Date.now() - started} ms after the store is back`);
  expect(last.map((o) => `${o.what} ${o.status}`)).toEqual(last.map((o) => `${o.what} 200`));
  // Data written before the outage is intact.
  const got = await fetch(`${server.url}/api/share/${uploaded.id}`);
  expect(await got.text()).toBe(uploaded.body);
  const items = (await (await fetch(`${server.url}/api/share/${native.id}/data`)).json()) as any[];
  expect(items.filter((it) => it.type === "message").map((it) => it.data.id)).toEqual(["msg_outage0001"]);
}

beforeAll(async () => {
  bin = buildBinary();
  [pg, s3] = await Promise.all([startPostgresCluster(), startS3()]);
  const pgUrl = new URL(pg.url);
  dbProxy = startTcpProxy("127.0.0.1", Number(pgUrl.port));
  const s3Url = new URL(s3.config.endpoint);
  s3Proxy = startTcpProxy("127.0.0.1", Number(s3Url.port));
  pgUrl.port = String(dbProxy.port);
  const env = { ...s3.env, S3_ENDPOINT: `http://127.0.0.1:${s3Proxy.port}`, DATABASE_URL: pgUrl.toString(), RATE_LIMIT_REQUESTS_PER_MINUTE: "1000000", RATE_LIMIT_SHARES_PER_HOUR: "1000000" };
  expect(await run(bin, ["migrate"], env).exited).toBe(0);
  server = await startBinary(bin, env);

  const c = (await (await fetch(`${server.url}/api/share`, j({ sessionID: ses }))).json()) as any;
  native = { id: c.id, secret: c.secret };
  const first = await fetch(`${server.url}/api/share/${native.id}/sync`, j({
    secret: native.secret,
    data: [
      { type: "session", data: { id: ses, title: "before the outage" } },
      { type: "message", data: { id: "msg_outage0001", sessionID: ses, role: "user", time: { created: 1 } } },
    ],
  }));
  expect(first.status).toBe(200);
  const sessionId = "ses_outageoutageUpldUpld";
  const body = JSON.stringify({ ...fixture, shareId: sessionId.slice(-8), sessionId });
  const p = (await (await fetch(`${server.url}/api/share/presign`, j({ shareId: sessionId.slice(-8), sessionId, size: Buffer.byteLength(body) }))).json()) as any;
  expect((await fetch(p.presignedUrl, { method: "PUT", headers: { "content-type": "application/json" }, body })).status).toBe(200);
  uploaded = { id: sessionId.slice(-8), secret: p.secret, body };
  expect((await fetch(`${server.url}/share/${native.id}`)).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await server?.stop();
  dbProxy?.stop();
  s3Proxy?.stop();
  await s3?.stop();
  pg?.stop();
  if (process.env.FAULTS_LOG) console.log(server?.output().split("\n").filter((l) => !/ (200|503) /.test(l)).join("\n"));
}, 30_000);

describe("database outage", () => {
  test("cut off silently: requests fail fast, the cached page is served, recovery without restart", async () => {
    dbProxy.setMode("blackhole");
    const out = await loop(3_000, "postgres blackholed");
    dbProxy.setMode("pass");
    expectFailFast(out, ["api read (upload)", "sync", "create"]);
    await expectRecovery("postgres blackholed");
    expect(server.output()).toContain("share store (postgres) unreachable");
    expect(server.output()).toContain("share store (postgres) reachable again");
  }, 60_000);

  test("stopped and started again (pg_ctl)", async () => {
    pg.stop();
    const out = await loop(2_000, "postgres stopped");
    pg.start();
    expectFailFast(out, ["api read (upload)", "sync", "create"]);
    await expectRecovery("postgres restarted");
  }, 60_000);

  test("refused connections", async () => {
    dbProxy.setMode("refuse");
    const out = await loop(2_000, "postgres refused");
    dbProxy.setMode("pass");
    expectFailFast(out, ["api read (upload)", "sync", "create"]);
    await expectRecovery("postgres refused");
  }, 60_000);
});

describe("blob store outage", () => {
  test("S3 server cut off silently, then back", async () => {
    s3Proxy.setMode("blackhole");
    const out = await loop(3_000, "s3 blackholed");
    s3Proxy.setMode("pass");
    // The native share lives in the database: only reads of uploaded shares need the blob store.
    expectFailFast(out, ["api read (upload)"]);
    expect(out.filter((o) => o.what === "sync").every((o) => o.status === 200)).toBe(true);
    await expectRecovery("s3 blackholed");
    expect(server.output()).toContain("blob store (s3) unreachable");
  }, 60_000);

  test("S3 server refusing connections, then back", async () => {
    s3Proxy.setMode("refuse");
    const out = await loop(2_000, "s3 refused");
    s3Proxy.setMode("pass");
    expectFailFast(out, ["api read (upload)"]);
    await expectRecovery("s3 refused");
  }, 60_000);

  test("the server is alive and healthy afterwards", async () => {
    const h = (await (await fetch(`${server.url}/api/health`)).json()) as any;
    expect(h.stores).toEqual({ share: "postgres: ok", blob: "s3: ok" });
    expect(server.child.exitCode).toBeNull();
  });
});
