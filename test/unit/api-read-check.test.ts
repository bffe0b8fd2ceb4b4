// The API read's check of the stores (ShareCache.readable): every read is
// answered from a check that began after it arrived, concurrent reads share
// one check, and two checks of one share never run at once.
import { describe, expect, test } from "bun:test";
import { ShareService } from "../../src/core/shares.ts";
import { DiskBlobStore } from "../../src/stores/blob-store.disk.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";
import { tempDir } from "../helpers/tmp.ts";

const KEY = (id: string) => `sessions/${id}.json`;
const titled = (title: string) => JSON.stringify({ ...fixture, session: { ...fixture.session, title } });
const titleOf = (r: { snapshot: { data: unknown } }) => (r.snapshot.data as typeof fixture).session.title;

/** Real stores; blob reads counted, and held back (after reading) while `hold` is set. */
async function setup() {
  const dir = tempDir("bs-check-");
  const shares = new SqliteShareStore(dir);
  await shares.migrate();
  const blobs = new DiskBlobStore(dir, "http://x");
  const counts = { rows: 0, blobs: 0, running: 0, maxRunning: 0 };
  let hold: Promise<void> | null = null;
  const realGet = shares.get.bind(shares);
  shares.get = async (id) => {
    counts.rows++;
    counts.running++;
    counts.maxRunning = Math.max(counts.maxRunning, counts.running);
    return realGet(id);
  };
  const realBlob = blobs.get.bind(blobs);
  blobs.get = async (key, opts) => {
    counts.blobs++;
    const r = await realBlob(key, opts);
    if (hold) await hold;
    counts.running--;
    return r;
  };
  const svc = new ShareService(shares, blobs, { baseUrl: "http://x", maxShareBytes: 1 << 20, presignTtlSeconds: 3600 });
  return {
    svc,
    blobs,
    counts,
    /** Blob reads finish only after the returned function is called. */
    holdReads() {
      const gate = Promise.withResolvers<void>();
      hold = gate.promise;
      return () => {
        hold = null;
        gate.resolve();
      };
    },
  };
}

/** Lets every pending store call and promise reaction run. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Bun.sleep(1);
};

describe("the API read's check of the stores", () => {
  test("32 concurrent reads of one share make two checks of each store: the first read's, and one shared by the 31 that came while it ran", async () => {
    const t = await setup();
    await t.svc.createUpload({ shareId: "Check001", sessionId: "ses_abcdefghCheck001" });
    await t.blobs.put(KEY("Check001"), titled("one"));
    await t.svc.cache.readable("Check001");
    const before = { ...t.counts };
    const reads = await Promise.all(Array.from({ length: 32 }, () => t.svc.cache.readable("Check001")));
    expect(t.counts.rows - before.rows).toBe(2);
    expect(t.counts.blobs - before.blobs).toBe(2);
    expect(new Set(reads.map((r) => r.json())).size).toBe(1);
  });

  test("a read arriving while a check runs waits for the next check, which sees a write made before it arrived", async () => {
    const t = await setup();
    await t.svc.createUpload({ shareId: "Check002", sessionId: "ses_abcdefghCheck002" });
    await t.blobs.put(KEY("Check002"), titled("old"));
    const release = t.holdReads();
    // This check reads the old blob and is held before it answers.
    const early = t.svc.cache.readable("Check002");
    await settle();
    expect(t.counts.blobs).toBe(1);
    // An upload straight to storage (as to S3: the server is not told), then two more reads.
    await t.blobs.put(KEY("Check002"), titled("new"));
    const late = [t.svc.cache.readable("Check002"), t.svc.cache.readable("Check002")];
    await settle();
    // The late reads did not join the running check, and their own has not begun while it runs.
    expect(t.counts.blobs).toBe(1);
    release();
    expect(titleOf(await early)).toBe("old");
    for (const r of await Promise.all(late)) expect(titleOf(r)).toBe("new");
    // One check for both late reads.
    expect(t.counts.blobs).toBe(2);
  });

  test("checks of one share never overlap, and no read sees an older version than a read that finished before it began", async () => {
    const t = await setup();
    await t.svc.createUpload({ shareId: "Check003", sessionId: "ses_abcdefghCheck003" });
    await t.blobs.put(KEY("Check003"), titled("0"));
    let written = 0;
    let lastSeenDone = -1;
    const errors: string[] = [];
    const reader = async () => {
      for (let i = 0; i < 40; i++) {
        const floor = lastSeenDone;
        const r = await t.svc.cache.readable("Check003");
        const seen = Number(titleOf(r));
        if (seen < floor) errors.push(`read ${seen} after ${floor} had been read`);
        lastSeenDone = Math.max(lastSeenDone, seen);
      }
    };
    const writer = async () => {
      for (let v = 1; v <= 20; v++) {
        await t.blobs.put(KEY("Check003"), titled(String(v)));
        written = v;
        // A read that starts now sees at least this version.
        const r = await t.svc.cache.readable("Check003");
        if (Number(titleOf(r)) < written) errors.push(`read ${titleOf(r)} right after writing ${written}`);
        await Bun.sleep(1);
      }
    };
    await Promise.all([writer(), reader(), reader(), reader(), reader()]);
    expect(errors).toEqual([]);
    expect(t.counts.maxRunning).toBe(1);
  });

  test("a failed check fails the reads waiting on it; the next read checks again", async () => {
    const t = await setup();
    await t.svc.createUpload({ shareId: "Check004", sessionId: "ses_abcdefghCheck004" });
    await t.blobs.put(KEY("Check004"), titled("one"));
    const realBlob = t.blobs.get;
    t.blobs.get = async () => {
      throw new Error("storage down");
    };
    const failed = await Promise.allSettled([t.svc.cache.readable("Check004"), t.svc.cache.readable("Check004")]);
    expect(failed.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    t.blobs.get = realBlob;
    expect(titleOf(await t.svc.cache.readable("Check004"))).toBe("one");
  });
});
