// Races against the compiled binary: 20 concurrent native syncs and 20
// concurrent presigned uploads on one share, on SQLite and on Postgres; and
// two instances on one Postgres. Nothing is lost, no reader sees a
// version go backwards or a torn blob, and a delete on one instance is seen by
// the other.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { buildBinary, run, startBinary, type Server } from "../helpers/binary.ts";
import { eventually } from "../helpers/eventually.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { tempDir } from "../helpers/tmp.ts";

const WRITERS = 20;
const LIMITS = { RATE_LIMIT_REQUESTS_PER_MINUTE: "1000000", RATE_LIMIT_SHARES_PER_HOUR: "1000000" };

let bin: string;
beforeAll(() => {
  bin = buildBinary();
}, 120_000);

const j = (body: unknown, headers: Record<string, string> = {}) => ({
  method: "POST",
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** Polls a share's API ETag until stopped; returns the native versions seen, in order. */
function watchVersions(s: Server, id: string) {
  const seen: number[] = [];
  let running = true;
  const done = (async () => {
    while (running) {
      const r = await fetch(`${s.url}/api/share/${id}`);
      const etag = r.headers.get("etag");
      await r.arrayBuffer();
      const m = etag ? /n(\d+)/.exec(etag) : null;
      if (m) seen.push(Number(m[1]));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return seen;
    },
  };
}

const nonDecreasing = (xs: number[]) => xs.every((x, i) => i === 0 || x >= xs[i - 1]!);

async function concurrentSyncs(writers: Server[], reader: Server, label: string) {
  const ses = `ses_racesraces${label}Sync`;
  const c = (await (await fetch(`${writers[0]!.url}/api/share`, j({ sessionID: ses }))).json()) as any;
  const watch = watchVersions(reader, c.id);
  const results = await Promise.all(
    Array.from({ length: WRITERS }, (_, i) =>
      fetch(`${writers[i % writers.length]!.url}/api/share/${c.id}/sync`, j({
        secret: c.secret,
        data: [
          { type: "session", data: { id: ses, title: `writer ${i}` } },
          { type: "message", data: { id: `msg_race${String(i).padStart(4, "0")}`, sessionID: ses, role: "user", time: { created: i } } },
          { type: "part", data: { id: `prt_race${String(i).padStart(4, "0")}`, messageID: `msg_race${String(i).padStart(4, "0")}`, sessionID: ses, type: "text", text: `from writer ${i}` } },
        ],
      })).then((r) => r.status),
    ),
  );
  await Bun.sleep(50);
  const versions = await watch.stop();
  expect(results).toEqual(Array(WRITERS).fill(200));
  for (const s of new Set([...writers, reader])) {
    const items = (await (await fetch(`${s.url}/api/share/${c.id}/data`)).json()) as any[];
    expect(items.filter((it) => it.type === "message").length).toBe(WRITERS);
    expect(items.filter((it) => it.type === "part").length).toBe(WRITERS);
    const data = (await (await fetch(`${s.url}/api/share/${c.id}`)).json()) as any;
    expect(data.messages.length).toBe(WRITERS);
    expect(data.session.title).toMatch(/^writer \d+$/);
  }
  // The share's version after the last sync is the number of syncs.
  const final = (await fetch(`${reader.url}/api/share/${c.id}`)).headers.get("etag");
  expect(final).toContain(`n${WRITERS}`);
  expect(nonDecreasing(versions)).toBe(true);
  console.log(`${label}: ${WRITERS} concurrent syncs, reader saw versions ${[...new Set(versions)].join(",")}`);
  return c as { id: string; secret: string };
}

async function concurrentUploads(s: Server, label: string) {
  const sessionId = `ses_racesraces${label}Upld`;
  const shareId = sessionId.slice(-8);
  const bodies = Array.from({ length: WRITERS }, (_, i) =>
    JSON.stringify({ ...fixture, shareId, sessionId, session: { ...fixture.session, title: `upload ${i}` }, padding: String(i).repeat(50_000 + i * 1000) }),
  );
  const created = (await (await fetch(`${s.url}/api/share/presign`, j({ shareId, sessionId }))).json()) as any;
  const urls = await Promise.all(
    bodies.map(async (b) => {
      const p = (await (await fetch(`${s.url}/api/share/${shareId}/presign`, j({ size: Buffer.byteLength(b) }, { "x-share-secret": created.secret }))).json()) as any;
      return p.presignedUrl as string;
    }),
  );
  // Readers run while the uploads land: every answer must be one whole upload.
  let reading = true;
  const torn: string[] = [];
  const reader = (async () => {
    while (reading) {
      const r = await fetch(`${s.url}/api/share/${shareId}`);
      const text = await r.text();
      if (r.status === 200 && !bodies.includes(text)) torn.push(text.slice(0, 100));
    }
  })();
  const statuses = await Promise.all(
    urls.map((u, i) => fetch(u, { method: "PUT", headers: { "content-type": "application/json" }, body: bodies[i] }).then((r) => r.status)),
  );
  reading = false;
  await reader;
  expect(statuses).toEqual(Array(WRITERS).fill(200));
  expect(torn).toEqual([]);
  const final = await (await fetch(`${s.url}/api/share/${shareId}`)).text();
  expect(bodies).toContain(final);
  const page = await fetch(`${s.url}/share/${shareId}`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain(JSON.parse(final).session.title);
}

describe("SQLite + disk", () => {
  let s: Server;
  beforeAll(async () => {
    s = await startBinary(bin, { DATA_DIR: tempDir("bs-race-"), ...LIMITS });
  }, 60_000);
  afterAll(() => s?.stop());

  test("20 concurrent native syncs on one share", async () => {
    await concurrentSyncs([s], s, "Sqlite");
  }, 60_000);

  test("20 concurrent presigned uploads on one share", async () => {
    await concurrentUploads(s, "Sqlite");
  }, 60_000);
});

// Postgres with the disk blob store: s3rver, the S3 server the tests use, writes
// concurrent PUTs of one key into the same file, so it can store a torn body
// that S3 and R2 never would.
describe("Postgres", () => {
  let a: Server;
  let b: Server;
  beforeAll(async () => {
    const env = { DATABASE_URL: await freshDatabase("race"), ...LIMITS };
    expect(await run(bin, ["migrate"], env).exited).toBe(0);
    [a, b] = await Promise.all([startBinary(bin, { ...env, DATA_DIR: tempDir("bs-race-") }), startBinary(bin, { ...env, DATA_DIR: tempDir("bs-race-") })]);
  }, 60_000);
  afterAll(() => Promise.all([a?.stop(), b?.stop()]));

  test("20 concurrent native syncs on one share", async () => {
    await concurrentSyncs([a], a, "Postgr");
  }, 60_000);

  test("20 concurrent presigned uploads on one share", async () => {
    await concurrentUploads(a, "Postgr");
  }, 60_000);

  test("two instances: syncs through both lose nothing, versions never go back, a delete on one is seen by the other", async () => {
    const c = await concurrentSyncs([a, b], b, "TwoInst");
    // b has the share's page cached; a deletes it.
    expect((await fetch(`${b.url}/share/${c.id}`)).status).toBe(200);
    const del = await fetch(`${a.url}/api/share/${c.id}`, { method: "DELETE", headers: { "x-share-secret": c.secret } });
    expect(del.status).toBe(200);
    expect((await fetch(`${b.url}/api/share/${c.id}`)).status).toBe(404);
    expect((await fetch(`${b.url}/api/share/${c.id}/data`)).status).toBe(404);
    // Pages revalidate in the background about once a second.
    const started = Date.now();
    const page = await eventually(
      "the other instance's page to answer 404",
      async () => (await fetch(`${b.url}/share/${c.id}`)).status,
      (status) => status === 404,
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(page).toBe(404);
    console.log(`the other instance's page answered 404 ${Date.now() - started} ms after the delete`);
  }, 60_000);
});
