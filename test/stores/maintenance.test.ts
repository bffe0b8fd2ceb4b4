// Sweeping expired shares and collecting never-uploaded creations, on both
// store pairs (SQLite + disk, Postgres + S3-protocol server), including two
// sweepers racing on one Postgres and a crash between blob and row deletion.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Maintenance } from "../../src/core/maintenance.ts";
import { blobKey } from "../../src/core/ids.ts";
import type { BlobStore } from "../../src/stores/blob-store.ts";
import { DiskBlobStore } from "../../src/stores/blob-store.disk.ts";
import { S3BlobStore } from "../../src/stores/blob-store.s3.ts";
import { PostgresShareStore } from "../../src/stores/share-store.postgres.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import type { ShareStore } from "../../src/stores/share-store.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { startS3, type TestS3 } from "../helpers/s3.ts";
import { tempDir } from "../helpers/tmp.ts";

const HOUR = 3_600_000;
const TTL = 3600;

interface Pair {
  shares: ShareStore;
  blobs: BlobStore;
  /** A second, independent connection to the same stores (another instance). */
  other: () => Promise<{ shares: ShareStore; blobs: BlobStore }>;
  close(): Promise<void>;
}

function maintenanceSuite(name: string, open: () => Promise<Pair>) {
  describe(`Maintenance on ${name}`, () => {
    let p: Pair;
    beforeAll(async () => {
      p = await open();
    });
    afterAll(() => p.close());

    let n = 0;
    const id = () => `Mnt${String(++n).padStart(5, "0")}`;
    async function share(opts: { expiresAt?: number | null; upload?: boolean; native?: boolean } = {}): Promise<string> {
      const shareId = id();
      await p.shares.insert({
        shareId,
        sessionId: `ses_maint${name.length}xx${shareId}`,
        secretHash: "c".repeat(64),
        protocol: opts.native ? "native" : "upload",
        expiresAt: opts.expiresAt ?? null,
      });
      if (opts.native) await p.shares.putItems(shareId, [{ key: "session", data: "{}" }]);
      if (opts.upload) await p.blobs.put(blobKey(shareId), '{"x":1}');
      return shareId;
    }

    test("a sweep removes expired shares — blob, row and native items — and leaves live ones", async () => {
      const past = Date.now() - 1000;
      const gone = [await share({ expiresAt: past, upload: true }), await share({ expiresAt: past, native: true })];
      const live = [await share({ expiresAt: Date.now() + HOUR, upload: true }), await share({ upload: true })];
      const removed: string[] = [];
      const m = new Maintenance(p.shares, p.blobs, { presignTtlSeconds: TTL, onRemoved: (s) => removed.push(s) });
      const r = await m.sweepExpired();
      expect(r.failed).toEqual([]);
      expect(r.removed.map((x) => x.shareId).sort()).toEqual(gone);
      expect(removed.sort()).toEqual(gone);
      for (const s of gone) {
        expect(await p.shares.get(s)).toBeNull();
        expect(await p.blobs.stat(blobKey(s))).toBeNull();
        expect(await p.shares.listItemsSince(s, -1)).toEqual([]);
      }
      for (const s of live) expect(await p.shares.get(s)).not.toBeNull();
      expect(await p.blobs.stat(blobKey(live[0]!))).not.toBeNull();
      expect((await m.sweepExpired()).removed).toEqual([]);
    });

    test("a crash between blob and row deletion is finished by the next sweep", async () => {
      const s = await share({ expiresAt: Date.now() - 1000, upload: true });
      // What a sweeper that died after deleting the blob leaves behind.
      await p.blobs.delete(blobKey(s));
      expect(await p.shares.get(s)).not.toBeNull();
      const r = await new Maintenance(p.shares, p.blobs, { presignTtlSeconds: TTL }).sweepExpired();
      expect(r.failed).toEqual([]);
      expect(r.removed.map((x) => x.shareId)).toEqual([s]);
      expect(await p.shares.get(s)).toBeNull();
    });

    test("a dry run reports and changes nothing", async () => {
      const s = await share({ expiresAt: Date.now() - 1000, upload: true });
      const r = await new Maintenance(p.shares, p.blobs, { presignTtlSeconds: TTL }).sweepExpired({ dryRun: true });
      expect(r.removed.map((x) => x.shareId)).toEqual([s]);
      expect(await p.shares.get(s)).not.toBeNull();
      expect(await p.blobs.stat(blobKey(s))).not.toBeNull();
      await new Maintenance(p.shares, p.blobs, { presignTtlSeconds: TTL }).sweepExpired();
    });

    test("creations never uploaded are collected after the upload URL's lifetime and an hour; uploads found in storage are kept", async () => {
      const never = await share();
      const uploaded = await share({ upload: true });
      const synced = await share({ native: true });
      const now = Date.now();
      // Not yet: the upload URL could still be in use.
      const early = new Maintenance(p.shares, p.blobs, { presignTtlSeconds: TTL, now: () => now + HOUR });
      expect((await early.collectAbandoned()).removed).toEqual([]);
      const late = new Maintenance(p.shares, p.blobs, { presignTtlSeconds: TTL, now: () => now + 2 * HOUR + 60_000 });
      const dry = await late.collectAbandoned({ dryRun: true });
      expect(dry.removed.map((x) => x.shareId)).toContain(never);
      expect(await p.shares.get(never)).not.toBeNull();
      const r = await late.collectAbandoned();
      expect(r.failed).toEqual([]);
      expect(r.removed.map((x) => x.shareId)).toContain(never);
      expect(r.removed.map((x) => x.shareId)).not.toContain(uploaded);
      expect(r.removed.every((x) => x.reason === "never_uploaded")).toBe(true);
      expect(await p.shares.get(never)).toBeNull();
      // The upload the server never saw is now remembered, so it is not checked again.
      expect((await p.shares.get(uploaded))!.uploadedAt).not.toBeNull();
      expect(await p.shares.get(synced)).not.toBeNull();
    });

    test("many expired shares go in batches", async () => {
      const past = Date.now() - 1000;
      const ids: string[] = [];
      for (let i = 0; i < 1200; i++) {
        const s = id();
        ids.push(s);
        await p.shares.insert({ shareId: s, sessionId: `ses_batch${name.length}xx${s}`, secretHash: "d".repeat(64), protocol: "upload", expiresAt: past });
      }
      const r = await new Maintenance(p.shares, p.blobs, { presignTtlSeconds: TTL, concurrency: 16 }).sweepExpired();
      expect(r.failed).toEqual([]);
      expect(r.removed.length).toBe(1200);
      expect(await p.shares.expiredIds(Date.now(), 10)).toEqual([]);
    }, 120_000);

    test("two sweepers at once on the same stores delete each share exactly once, without errors", async () => {
      const second = await p.other();
      try {
        const past = Date.now() - 1000;
        const ids: string[] = [];
        for (let i = 0; i < 300; i++) ids.push(await share({ expiresAt: past, upload: i % 3 === 0 }));
        const a = new Maintenance(p.shares, p.blobs, { presignTtlSeconds: TTL });
        const b = new Maintenance(second.shares, second.blobs, { presignTtlSeconds: TTL });
        const [ra, rb] = await Promise.all([a.sweepExpired(), b.sweepExpired()]);
        expect([...ra.failed, ...rb.failed]).toEqual([]);
        const byA = ra.removed.map((x) => x.shareId);
        const byB = rb.removed.map((x) => x.shareId);
        expect(byA.filter((s) => byB.includes(s))).toEqual([]);
        expect([...byA, ...byB].sort()).toEqual(ids.sort());
        for (const s of ids.slice(0, 20)) expect(await second.shares.get(s)).toBeNull();
      } finally {
        await second.shares.close();
        await second.blobs.close();
      }
    }, 120_000);
  });
}

maintenanceSuite("sqlite + disk", async () => {
  const dir = tempDir("bs-mnt-");
  const shares = new SqliteShareStore(dir);
  await shares.migrate();
  const blobs = new DiskBlobStore(dir, "http://share.test");
  return {
    shares,
    blobs,
    other: async () => ({ shares: new SqliteShareStore(dir), blobs: new DiskBlobStore(dir, "http://share.test") }),
    close: () => shares.close(),
  };
});

let s3: TestS3 | null = null;
maintenanceSuite("postgres + s3", async () => {
  const url = await freshDatabase("maint");
  s3 ??= await startS3("maint-bucket");
  const shares = new PostgresShareStore(url);
  await shares.migrate();
  const blobs = new S3BlobStore(s3.config);
  return {
    shares,
    blobs,
    other: async () => ({ shares: new PostgresShareStore(url), blobs: new S3BlobStore(s3!.config) }),
    async close() {
      await shares.close();
      await blobs.close();
      await s3?.stop();
    },
  };
});
