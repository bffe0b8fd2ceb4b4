// The API read's check of the stores (ShareCache.readable): every read is
// answered from a check that began after it arrived, or from the last check
// when the share store shows no commit since it began; concurrent reads share
// one check, and two checks of one share never run at once.
import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { ShareService } from "../../src/core/shares.ts";
import { DiskBlobStore } from "../../src/stores/blob-store.disk.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";
import { tempDir } from "../helpers/tmp.ts";

const ROOT = join(import.meta.dir, "../..");
const KEY = (id: string) => `sessions/${id}.json`;
const titled = (title: string) => JSON.stringify({ ...fixture, session: { ...fixture.session, title } });
const titleOf = (r: { snapshot: { data: unknown } }) => (r.snapshot.data as typeof fixture).session.title;

/**
 * How a finished upload reaches storage: straight to it, the server not told
 * (S3), or through a server that records it in the share store before it
 * answers (the disk store's PUT route) — here another connection to the
 * database, as another process would.
 */
type Uploads = "straight" | "recorded";

/** Real stores; store reads counted, and blob reads held back (after reading) while `hold` is set. */
async function setup(uploads: Uploads, opts: { now?: () => number } = {}) {
  const dir = tempDir("bs-check-");
  const shares = new SqliteShareStore(dir);
  await shares.migrate();
  const blobs = new DiskBlobStore(dir, "http://x");
  if (uploads === "straight") Object.defineProperty(blobs, "uploadsRecorded", { value: false });
  const other = new SqliteShareStore(dir);
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
  blobs.get = async (key, o) => {
    counts.blobs++;
    const r = await realBlob(key, o);
    if (hold) await hold;
    counts.running--;
    return r;
  };
  const svc = new ShareService(shares, blobs, { baseUrl: "http://x", maxShareBytes: 1 << 20, presignTtlSeconds: 3600 }, opts);
  return {
    dir,
    svc,
    blobs,
    shares,
    /** The same database through another connection. */
    other,
    counts,
    /** A finished upload, reaching storage the way `uploads` says. */
    async upload(id: string, body: string) {
      await blobs.put(KEY(id), body);
      if (uploads === "recorded") await other.markUploaded(id);
    },
    /** A share created through the upload protocol, with its first upload finished. */
    async share(id: string, body: string) {
      await svc.createUpload({ shareId: id, sessionId: `ses_abcdefgh${id}` });
      await this.upload(id, body);
    },
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

for (const uploads of ["straight", "recorded"] as const) {
  describe(`the API read's check of the stores (uploads ${uploads === "straight" ? "straight to storage" : "recorded in the share store"})`, () => {
    test("a read arriving while a check runs waits for the next check, which sees an upload finished before it arrived", async () => {
      const t = await setup(uploads);
      await t.share("Check002", titled("old"));
      const release = t.holdReads();
      // This check reads the old blob and is held before it answers.
      const early = t.svc.cache.readable("Check002");
      await settle();
      expect(t.counts.blobs).toBe(1);
      await t.upload("Check002", titled("new"));
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
      const t = await setup(uploads);
      await t.share("Check003", titled("0"));
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
          await t.upload("Check003", titled(String(v)));
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
      const t = await setup(uploads);
      await t.share("Check004", titled("one"));
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
}

describe("the API read with uploads straight to storage", () => {
  test("32 concurrent reads of one share make two checks of each store: the first read's, and one shared by the 31 that came while it ran", async () => {
    const t = await setup("straight");
    await t.share("Check001", titled("one"));
    await t.svc.cache.readable("Check001");
    const before = { ...t.counts };
    const reads = await Promise.all(Array.from({ length: 32 }, () => t.svc.cache.readable("Check001")));
    expect(t.counts.rows - before.rows).toBe(2);
    expect(t.counts.blobs - before.blobs).toBe(2);
    expect(new Set(reads.map((r) => r.json())).size).toBe(1);
  });
});

describe("the API read with every change committed to the share store", () => {
  test("with no commit since the last check, reads are answered without reading either store", async () => {
    const t = await setup("recorded");
    await t.share("Check005", titled("one"));
    await t.svc.cache.readable("Check005");
    const before = { ...t.counts };
    for (let i = 0; i < 50; i++) expect(titleOf(await t.svc.cache.readable("Check005"))).toBe("one");
    const reads = await Promise.all(Array.from({ length: 32 }, () => t.svc.cache.readable("Check005")));
    expect(new Set(reads.map((r) => r.json())).size).toBe(1);
    expect(t.counts.rows - before.rows).toBe(0);
    expect(t.counts.blobs - before.blobs).toBe(0);
  });

  test("a commit by any connection (an expiry, a delete) is seen by the next read", async () => {
    const t = await setup("recorded");
    await t.share("Check006", titled("one"));
    await t.svc.cache.readable("Check006");
    const rows = t.counts.rows;
    // Any commit, even to another share's row, makes the next read check.
    await t.svc.createUpload({ shareId: "Check007", sessionId: "ses_abcdefghCheck007" });
    await t.svc.cache.readable("Check006");
    expect(t.counts.rows).toBe(rows + 1);
    const past = Date.now() - 1000;
    expect(await t.other.setExpiry("Check006", past, past - 1000)).toBe("ok");
    await expect(t.svc.cache.readable("Check006")).rejects.toMatchObject({ status: 410 });
    await t.other.delete("Check006");
    await expect(t.svc.cache.readable("Check006")).rejects.toMatchObject({ status: 404 });
  });

  test("a share deleted by another process is gone on the next read", async () => {
    const t = await setup("recorded");
    await t.share("Check008", titled("one"));
    expect(titleOf(await t.svc.cache.readable("Check008"))).toBe("one");
    expect(titleOf(await t.svc.cache.readable("Check008"))).toBe("one");
    const script = `const { SqliteShareStore } = await import(${JSON.stringify(join(ROOT, "src/stores/share-store.sqlite.ts"))});
      const s = new SqliteShareStore(${JSON.stringify(t.dir)}); if (!(await s.delete("Check008"))) process.exit(3); await s.close();`;
    const child = Bun.spawnSync(["bun", "-e", script], { stdout: "pipe", stderr: "pipe" });
    expect(child.exitCode).toBe(0);
    await expect(t.svc.cache.readable("Check008")).rejects.toMatchObject({ status: 404 });
  });

  test("an upload that was not recorded is still seen once the last check is a revalidation interval old", async () => {
    let now = 1_000_000;
    const t = await setup("recorded", { now: () => now });
    await t.share("Check009", titled("one"));
    expect(titleOf(await t.svc.cache.readable("Check009"))).toBe("one");
    // Written behind the server's back: no commit says so.
    await t.blobs.put(KEY("Check009"), titled("two"));
    now += 999;
    expect(titleOf(await t.svc.cache.readable("Check009"))).toBe("one");
    now += 1;
    expect(titleOf(await t.svc.cache.readable("Check009"))).toBe("two");
  });
});

describe("SqliteShareStore.commitMark", () => {
  test("changes with every commit from this or another connection, and not with reads", async () => {
    const dir = tempDir("bs-mark-");
    const a = new SqliteShareStore(dir);
    await a.migrate();
    const b = new SqliteShareStore(dir);
    const marks = [a.commitMark()];
    await a.insert({ shareId: "Mark0001", sessionId: "ses_abcdefghMark0001", secretHash: "x", protocol: "upload" });
    marks.push(a.commitMark());
    await b.markUploaded("Mark0001");
    marks.push(a.commitMark());
    await a.get("Mark0001");
    await b.list({ limit: 10 });
    marks.push(a.commitMark());
    // A checkpoint that starts the WAL over, then a commit that brings it back to as many frames.
    a["db"].exec("PRAGMA wal_checkpoint(TRUNCATE)");
    for (let i = 0; i < 3; i++) await b.markUploaded("Mark0001");
    marks.push(a.commitMark());
    expect(marks.every((m) => typeof m === "number")).toBe(true);
    expect(marks[3]).toBe(marks[2]);
    expect(new Set([marks[0], marks[1], marks[2], marks[4]]).size).toBe(4);
    expect(b.commitMark()).toBe(a.commitMark());
    await a.close();
    await b.close();
  });

  test("is null for a database in memory", async () => {
    const s = new SqliteShareStore(":memory:");
    await s.migrate();
    expect(s.commitMark()).toBeNull();
  });
});
