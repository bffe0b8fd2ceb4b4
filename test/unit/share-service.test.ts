// The snapshot cache pages read from (ShareSource): served from memory,
// revalidated in the background at most once per interval, and told about
// syncs, re-uploads and deletes — also those made by another instance.
import { describe, expect, test } from "bun:test";
import { ShareService } from "../../src/core/shares.ts";
import { DiskBlobStore } from "../../src/stores/blob-store.disk.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";
import { tempDir } from "../helpers/tmp.ts";
import { eventually } from "../helpers/eventually.ts";

async function setup() {
  const dir = tempDir("bs-svc-");
  const shares = new SqliteShareStore(dir);
  await shares.migrate();
  const blobs = new DiskBlobStore(dir, "http://x");
  let now = 1_000_000;
  const cfg = { baseUrl: "http://x", maxShareBytes: 1 << 20, presignTtlSeconds: 3600 };
  const make = () => new ShareService(shares, blobs, cfg, { now: () => now, revalidateMs: 1000 });
  // Counts store reads, to prove the hot path does not touch the stores.
  let reads = 0;
  const realGet = shares.get.bind(shares);
  shares.get = async (id) => {
    reads++;
    return realGet(id);
  };
  return { dir, shares, blobs, make, tick: (ms: number) => (now += ms), reads: () => reads };
}

const title = (l: any) => (l.status === "ok" ? l.snapshot.data.session.title : l.status);

describe("the snapshot cache (ShareSource) behind ShareService", () => {
  test("a cached lookup touches no store until the revalidation interval passes", async () => {
    const t = await setup();
    const svc = t.make();
    const c = await svc.createUpload({ shareId: "Cache001", sessionId: "ses_abcdefghCache001" });
    await t.blobs.put("sessions/Cache001.json", JSON.stringify(fixture));
    expect(title(await svc.cache.lookup("Cache001"))).toBe(fixture.session.title);
    const before = t.reads();
    for (let i = 0; i < 50; i++) await svc.cache.lookup("Cache001");
    expect(t.reads()).toBe(before);
    t.tick(1500);
    await svc.cache.lookup("Cache001");
    await Bun.sleep(20);
    expect(t.reads()).toBe(before + 1);
    expect(c.secret.length).toBe(32);
  });

  test("a re-upload shows after a stale read, and listeners hear about it", async () => {
    const t = await setup();
    const svc = t.make();
    await svc.createUpload({ shareId: "Cache002", sessionId: "ses_abcdefghCache002" });
    await t.blobs.put("sessions/Cache002.json", JSON.stringify(fixture));
    await svc.cache.lookup("Cache002");
    const heard: string[] = [];
    svc.cache.onChange((id) => heard.push(id));
    await t.blobs.put("sessions/Cache002.json", JSON.stringify({ ...fixture, session: { ...fixture.session, title: "v2" } }));
    t.tick(700);
    // Past half the interval the stale snapshot answers at once; the background revalidation brings v2.
    expect(title(await svc.cache.lookup("Cache002"))).toBe(fixture.session.title);
    // The revalidation runs in the background: wait for its notice (bounded) rather than a fixed time.
    await eventually("the revalidation's notice", () => heard.length > 0, Boolean, { timeoutMs: 2000, intervalMs: 10 });
    expect(title(await svc.cache.lookup("Cache002"))).toBe("v2");
    expect(heard).toEqual(["Cache002"]);
  });

  test("past the whole interval a lookup waits for the store: a delete elsewhere is never served after it", async () => {
    const t = await setup();
    const a = t.make();
    const b = t.make();
    const c = await a.createUpload({ shareId: "Cache013", sessionId: "ses_abcdefghCache013" });
    await t.blobs.put("sessions/Cache013.json", JSON.stringify(fixture));
    expect((await b.cache.lookup("Cache013")).status).toBe("ok");
    await a.delete("Cache013", c.secret);
    t.tick(1001);
    expect((await b.cache.lookup("Cache013")).status).toBe("not_found");
  });

  test("a delete made by another instance evicts the share after revalidation", async () => {
    const t = await setup();
    const a = t.make();
    const b = t.make();
    const c = await a.createUpload({ shareId: "Cache003", sessionId: "ses_abcdefghCache003" });
    await t.blobs.put("sessions/Cache003.json", JSON.stringify(fixture));
    expect((await b.cache.lookup("Cache003")).status).toBe("ok");
    const heard: string[] = [];
    b.cache.onChange((id) => heard.push(id));
    await a.delete("Cache003", c.secret);
    t.tick(1500);
    await b.cache.lookup("Cache003");
    await Bun.sleep(30);
    expect((await b.cache.lookup("Cache003")).status).toBe("not_found");
    expect(heard).toEqual(["Cache003"]);
  });

  test("a native sync on this instance is visible on the next lookup", async () => {
    const t = await setup();
    const svc = t.make();
    const n = await svc.createNative("ses_abcdefghNative01");
    await svc.syncNative(n.id, n.secret, [{ type: "session", data: { id: "ses_abcdefghNative01", title: "one" } }]);
    expect(title(await svc.cache.lookup(n.id))).toBe("one");
    await svc.syncNative(n.id, n.secret, [{ type: "session", data: { id: "ses_abcdefghNative01", title: "two" } }]);
    await svc.cache.lookup(n.id);
    await Bun.sleep(30);
    expect(title(await svc.cache.lookup(n.id))).toBe("two");
  });

  test("unreadable data is reported, not thrown", async () => {
    const t = await setup();
    const svc = t.make();
    await svc.createUpload({ shareId: "Cache004", sessionId: "ses_abcdefghCache004" });
    expect(await svc.cache.lookup("Cache004")).toEqual({ status: "unreadable", reason: "its data has not been uploaded yet" });
    await t.blobs.put("sessions/Cache004.json", "{not json");
    await svc.cache.revalidate("Cache004");
    expect(await svc.cache.lookup("Cache004")).toEqual({ status: "unreadable", reason: "its data is not valid JSON" });
    await t.blobs.put("sessions/Cache004.json", "x".repeat((1 << 20) + 1));
    await svc.cache.revalidate("Cache004");
    const big = await svc.cache.lookup("Cache004");
    expect(big.status).toBe("unreadable");
    expect(big.status === "unreadable" && big.reason).toContain("over this server's limit");
  });

  test("the cache stays within its byte budget", async () => {
    const t = await setup();
    const svc = new ShareService(t.shares, t.blobs, { baseUrl: "http://x", maxShareBytes: 1 << 20, presignTtlSeconds: 3600 }, { cacheBytes: 200_000 });
    const body = JSON.stringify(fixture);
    for (let i = 0; i < 10; i++) {
      const id = `Budget${String(i).padStart(2, "0")}`;
      await svc.createUpload({ shareId: id, sessionId: `ses_abcdefgh${id}` });
      await t.blobs.put(`sessions/${id}.json`, body);
      await svc.cache.lookup(id);
    }
    const before = t.reads();
    await svc.cache.lookup("Budget09");
    expect(t.reads()).toBe(before);
    await svc.cache.lookup("Budget00");
    expect(t.reads()).toBe(before + 1);
  });
});
