// Fuzz: a seeded corpus of malformed and hostile requests against the compiled
// binary, on the embedded stores and on Postgres + an S3-protocol server.
// Every answer must be a 2xx/3xx/4xx — never a 5xx — in the documented shape,
// with no stack trace or internal path; the server must stay up; and the
// shares the corpus attacks must read exactly as before.
//
// FUZZ_SEED=<n> reproduces a run; FUZZ_COUNT=<n> changes its size.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildBinary, run, startBinary, type Server } from "../helpers/binary.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { startS3, type TestS3 } from "../helpers/s3.ts";
import { tempDir } from "../helpers/tmp.ts";
import { generateCorpus, type FuzzCase, type FuzzTargets } from "./corpus.ts";

const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const COUNT = Number(process.env.FUZZ_COUNT ?? 1000);
const CONCURRENCY = 6;

/** What a body must never show: stack frames, source paths, runtime error names. */
const LEAK = /\n\s+at |\bat .+:\d+:\d+|\/src\/|node_modules|\$bunfs|\/tmp\/|\/work\/|TypeError|ReferenceError|RangeError|SyntaxError: JSON/;

let bin: string;
beforeAll(() => {
  bin = buildBinary();
}, 120_000);

const j = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function setUp(s: Server): Promise<{ targets: FuzzTargets; snapshot: () => Promise<string[]> }> {
  const sessionId = "ses_fuzzfuzzUpldFuzz";
  const body = JSON.stringify({ ...fixture, shareId: sessionId.slice(-8), sessionId });
  const created = (await (await fetch(`${s.url}/api/share/presign`, j({ shareId: sessionId.slice(-8), sessionId, size: Buffer.byteLength(body) }))).json()) as any;
  expect((await fetch(created.presignedUrl, { method: "PUT", headers: { "content-type": "application/json" }, body })).status).toBe(200);
  const nativeSession = "ses_fuzzfuzzNativeFz";
  const n = (await (await fetch(`${s.url}/api/share`, j({ sessionID: nativeSession }))).json()) as any;
  const sync = await fetch(`${s.url}/api/share/${n.id}/sync`, j({
    secret: n.secret,
    data: [
      { type: "session", data: { id: nativeSession, title: "fuzz target" } },
      { type: "message", data: { id: "msg_fuzz0001", sessionID: nativeSession, role: "user", time: { created: 1 } } },
      { type: "part", data: { id: "prt_fuzz0001", messageID: "msg_fuzz0001", sessionID: nativeSession, type: "text", text: "hello" } },
    ],
  }));
  expect(sync.status).toBe(200);
  const targets: FuzzTargets = {
    upload: { id: sessionId.slice(-8), secret: created.secret, presignedUrl: created.presignedUrl },
    native: { id: n.id, secret: n.secret, sessionId: nativeSession },
  };
  const snapshot = async () =>
    Promise.all([
      fetch(`${s.url}/api/share/${targets.upload.id}`).then(async (r) => `${r.status} ${await r.text()}`),
      fetch(`${s.url}/api/share/${targets.native.id}/data`).then(async (r) => `${r.status} ${await r.text()}`),
    ]);
  return { targets, snapshot };
}

interface Problem {
  c: FuzzCase;
  status: number;
  why: string;
  body: string;
}

function check(c: FuzzCase, status: number, contentType: string, body: string, ourServer: boolean): string | null {
  if (status === 0) return "no answer";
  if (status >= 500) return `status ${status}`;
  if (LEAK.test(body)) return "body leaks internals";
  if (c.mustFail && status < 400) return `must fail but got ${status}`;
  if (!ourServer || status < 400) return null;
  if (c.method === "HEAD") return body === "" ? null : "HEAD answered with a body";
  // Bun's own bare answers for oversized headers, as the README documents.
  if (status === 431) return c.label.startsWith("oversized header") && body === "" ? null : "431 for a request that is not oversized";
  if (contentType.includes("application/json")) {
    let parsed: any;
    try {
      parsed = JSON.parse(body);
    } catch {
      return "4xx JSON that does not parse";
    }
    if (typeof parsed?.error !== "string" || parsed.error.length < 10 || typeof parsed?.code !== "string" || !/^[A-Z_]+$/.test(parsed.code))
      return "4xx JSON not in the {error, code} shape";
    return null;
  }
  if (contentType.includes("text/html")) return c.method === "HEAD" || body.includes("</html>") ? null : "4xx HTML that is not a page";
  if (c.path.startsWith("/static/") && status === 404) return null;
  return `4xx with content type ${JSON.stringify(contentType)}`;
}

async function runCorpus(s: Server, targets: FuzzTargets, label: string): Promise<Problem[]> {
  const corpus = generateCorpus(SEED, COUNT, targets);
  const problems: Problem[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < corpus.length) {
      const c = corpus[next++]!;
      const ourServer = !c.path.startsWith("http");
      const url = ourServer ? s.url + c.path : c.path;
      let status = 0;
      let body = "";
      let type = "";
      try {
        const res = await fetch(url, { method: c.method, headers: c.headers, body: c.body as BodyInit | undefined, redirect: "manual", signal: AbortSignal.timeout(30_000) });
        status = res.status;
        type = res.headers.get("content-type") ?? "";
        body = await res.text();
      } catch (e) {
        body = String(e);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const why = check(c, status, type, body, ourServer);
      if (why) problems.push({ c, status, why, body: body.slice(0, 300) });
      if (c.n % 100 === 99) expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  console.log(`${label}: ${corpus.length} requests (FUZZ_SEED=${SEED}), answers ${[...statuses].sort((a, b) => a[0] - b[0]).map(([k, v]) => `${k}×${v}`).join(" ")}`);
  return problems;
}

function report(problems: Problem[]) {
  for (const p of problems.slice(0, 15))
    console.log(`#${p.c.n} ${p.c.label}: ${p.c.method} ${p.c.path.slice(0, 120)} -> ${p.status} (${p.why}) ${p.body.replace(/\s+/g, " ").slice(0, 200)}`);
  expect(problems.map((p) => `#${p.c.n} ${p.c.label}: ${p.why}`)).toEqual([]);
}

async function fuzz(env: Record<string, string>, label: string) {
  const s = await startBinary(bin, { RATE_LIMIT_REQUESTS_PER_MINUTE: "1000000", RATE_LIMIT_SHARES_PER_HOUR: "1000000", ...env });
  try {
    const { targets, snapshot } = await setUp(s);
    const before = await snapshot();
    const problems = await runCorpus(s, targets, label);
    report(problems);
    expect(s.child.exitCode).toBeNull();
    expect((await fetch(`${s.url}/api/health`)).status).toBe(200);
    expect(await snapshot()).toEqual(before);
    // Pages of the attacked shares still render.
    expect((await fetch(`${s.url}/share/${targets.upload.id}`)).status).toBe(200);
    expect((await fetch(`${s.url}/share/${targets.native.id}`)).status).toBe(200);
    expect(s.output()).not.toMatch(/error serve:/);
  } finally {
    await s.stop();
  }
}

describe("fuzz", () => {
  test("embedded stores (SQLite + disk)", async () => {
    await fuzz({ DATA_DIR: tempDir("bs-fuzz-") }, "sqlite+disk");
  }, 300_000);

  let s3: TestS3;
  beforeAll(async () => {
    s3 = await startS3();
  }, 60_000);
  afterAll(() => s3?.stop());

  test("Postgres + S3 (s3rver)", async () => {
    const env = { DATABASE_URL: await freshDatabase("fuzz"), ...s3.env, DATA_DIR: tempDir("bs-fuzz-") };
    expect(await run(bin, ["migrate"], env).exited).toBe(0);
    await fuzz(env, "postgres+s3");
  }, 300_000);
});
