// The compiled server killed with SIGKILL in the middle of writes, then
// started again on the same data: the previous version of an upload is served
// intact and its temp file is gone; a large native batch is stored whole or
// not at all (on SQLite and on Postgres).
import { beforeAll, describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { buildBinary, run, startBinary, type Server } from "../helpers/binary.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { tempDir } from "../helpers/tmp.ts";

let bin: string;
beforeAll(() => {
  bin = buildBinary();
}, 120_000);

const j = (body: unknown) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** Every file under `dir`, relative, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

/** Streams `bytes` slowly; resolves `halfway` once more than half has been sent. */
function slowBody(bytes: Uint8Array) {
  let sent = 0;
  let halfway!: () => void;
  const reachedHalf = new Promise<void>((r) => (halfway = r));
  const stream = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      if (sent >= bytes.length) return ctl.close();
      const chunk = bytes.slice(sent, sent + 256 * 1024);
      sent += chunk.length;
      if (sent > bytes.length / 2) halfway();
      await Bun.sleep(30);
      ctl.enqueue(chunk);
    },
  });
  return { stream, reachedHalf };
}

async function kill9(s: Server) {
  s.child.kill("SIGKILL");
  await s.exited;
}

describe("SIGKILL during a disk upload", () => {
  test("restart serves the previous version and removes the temp files", async () => {
    const dataDir = tempDir("bs-crash-");
    const sessionId = "ses_crashcrashDiskCrash";
    const shareId = sessionId.slice(-8);
    let s = await startBinary(bin, { DATA_DIR: dataDir });
    const v1 = JSON.stringify({ ...fixture, shareId, sessionId });
    const created = (await (await fetch(`${s.url}/api/share/presign`, j({ shareId, sessionId }))).json()) as any;
    expect((await fetch(created.presignedUrl, { method: "PUT", headers: { "content-type": "application/json" }, body: v1 })).status).toBe(200);

    for (let crash = 0; crash < 3; crash++) {
      const big = new TextEncoder().encode(JSON.stringify({ ...fixture, shareId, sessionId, padding: "p".repeat(4 * 1024 * 1024) }));
      const p = (await (await fetch(`${s.url}/api/share/${shareId}/presign`, {
        ...j({ size: big.length }),
        headers: { "content-type": "application/json", "x-share-secret": created.secret },
      })).json()) as any;
      const { stream, reachedHalf } = slowBody(big);
      // @ts-ignore Bun accepts duplex for streaming bodies
      const upload = fetch(p.presignedUrl, { method: "PUT", body: stream, headers: { "content-length": String(big.length) }, duplex: "half" }).catch(() => null);
      await reachedHalf;
      await Bun.sleep(100);
      await kill9(s);
      await upload;
      // The crash left the half-written upload behind.
      expect(filesUnder(join(dataDir, "blobs")).some((f) => f.endsWith(".tmp"))).toBe(true);
      s = await startBinary(bin, { DATA_DIR: dataDir }, { port: s.port });
      expect(s.output()).toMatch(/removed 1 temp file\(s\)/);
      expect(filesUnder(join(dataDir, "blobs"))).toEqual([`sessions/${shareId}.json`]);
      const got = await fetch(`${s.url}/api/share/${shareId}`);
      expect(got.status).toBe(200);
      expect(await got.text()).toBe(v1);
    }
    await s.stop();
  }, 120_000);
});

/** A native batch of `n` messages, each with one part, roughly `n` KB. */
function batch(sessionId: string, tag: string, n: number) {
  const data: unknown[] = [{ type: "session", data: { id: sessionId, title: `batch ${tag}` } }];
  for (let i = 0; i < n; i++) {
    const id = `msg_${tag}${String(i).padStart(6, "0")}`;
    data.push({ type: "message", data: { id, sessionID: sessionId, role: "user", time: { created: i } } });
    data.push({ type: "part", data: { id: `prt_${tag}${String(i).padStart(6, "0")}`, messageID: id, sessionID: sessionId, type: "text", text: "t".repeat(800) } });
  }
  return data;
}

async function batchAllOrNothing(env: Record<string, string>, label: string) {
  const sessionId = `ses_crashcrash${label}Batch`;
  let s = await startBinary(bin, env);
  const c = (await (await fetch(`${s.url}/api/share`, j({ sessionID: sessionId }))).json()) as any;
  const first = await fetch(`${s.url}/api/share/${c.id}/sync`, j({ secret: c.secret, data: batch(sessionId, "a", 20) }));
  expect(first.status).toBe(200);
  const outcomes: string[] = [];
  // Kill at different moments: while the body arrives, while it is parsed, while it is written.
  for (const [round, delay] of [0, 200, 800, 3000].entries()) {
    const tag = `k${round}`;
    const body = new TextEncoder().encode(JSON.stringify({ secret: c.secret, data: batch(sessionId, tag, 3000) }));
    const { stream } = slowBody(body);
    let finished!: () => void;
    const bodySent = new Promise<void>((r) => (finished = r));
    const tracked = stream.pipeThrough(new TransformStream({ flush: () => finished() }));
    const sync = fetch(`${s.url}/api/share/${c.id}/sync`, {
      method: "POST",
      // @ts-ignore Bun accepts duplex for streaming bodies
      duplex: "half",
      body: tracked,
      headers: { "content-type": "application/json", "content-length": String(body.length) },
    }).then((r) => r.status, () => 0);
    await bodySent;
    await Bun.sleep(delay);
    await kill9(s);
    const status = await sync;
    s = await startBinary(bin, env, { port: s.port });
    const items = (await (await fetch(`${s.url}/api/share/${c.id}/data`)).json()) as any[];
    const ids = (type: string, prefix: string) => items.filter((it) => it.type === type && it.data.id.startsWith(prefix)).length;
    // The batch before the crash is intact, and this one is all there or not at all.
    expect(ids("message", "msg_a")).toBe(20);
    expect(ids("part", "prt_a")).toBe(20);
    const got = [ids("message", `msg_${tag}`), ids("part", `prt_${tag}`)];
    expect([[0, 0], [3000, 3000]]).toContainEqual(got);
    // An answered 200 means the batch is stored.
    if (status === 200) expect(got).toEqual([3000, 3000]);
    outcomes.push(`${delay} ms: ${got[0] ? "stored" : "not stored"} (answer ${status || "none"})`);
  }
  console.log(`${label}: SIGKILL after the batch body was sent: ${outcomes.join("; ")}`);
  await s.stop();
}

describe("SIGKILL during a large native batch", () => {
  test("SQLite: each batch is stored whole or not at all", async () => {
    await batchAllOrNothing({ DATA_DIR: tempDir("bs-crash-") }, "Sqlite");
  }, 180_000);

  test("Postgres: each batch is stored whole or not at all", async () => {
    const env = { DATABASE_URL: await freshDatabase("crash"), DATA_DIR: tempDir("bs-crash-") };
    expect(await run(bin, ["migrate"], env).exited).toBe(0);
    await batchAllOrNothing(env, "Postgr");
  }, 180_000);
});
