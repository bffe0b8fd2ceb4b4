// Expiry, views, listings and conditional deletion: one behaviour on both ShareStores.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { PostgresShareStore } from "../../src/stores/share-store.postgres.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import type { ShareStore } from "../../src/stores/share-store.ts";
import { freshDatabase } from "../helpers/postgres.ts";
import { tempDir } from "../helpers/tmp.ts";

function lifecycleContract(name: string, open: () => Promise<ShareStore>) {
  describe(`ShareStore lifecycle: ${name}`, () => {
    let store: ShareStore;
    beforeAll(async () => {
      store = await open();
      await store.migrate();
    });
    afterAll(() => store.close());

    const HOUR = 3_600_000;
    const add = (id: string, extra: { expiresAt?: number | null; protocol?: "upload" | "native" } = {}) =>
      store.insert({ shareId: id, sessionId: `ses_lifecycl${id}`, secretHash: "b".repeat(64), protocol: extra.protocol ?? "upload", expiresAt: extra.expiresAt });

    test("a share is created with its expiry, or none", async () => {
      const at = Date.now() + HOUR;
      await add("Expiry01", { expiresAt: at });
      await add("Expiry02");
      expect((await store.get("Expiry01"))!.expiresAt).toBe(at);
      expect((await store.get("Expiry02"))!.expiresAt).toBeNull();
      expect((await store.get("Expiry02"))!.uploadedAt).toBeNull();
    });

    test("setExpiry changes or clears a live share's expiry, refuses an expired one, reports a missing one", async () => {
      const now = Date.now();
      expect(await store.setExpiry("Expiry02", now + 2 * HOUR, now)).toBe("ok");
      expect((await store.get("Expiry02"))!.expiresAt).toBe(now + 2 * HOUR);
      expect(await store.setExpiry("Expiry02", null, now)).toBe("ok");
      expect((await store.get("Expiry02"))!.expiresAt).toBeNull();
      await add("Expiry03", { expiresAt: now - 1000 });
      expect(await store.setExpiry("Expiry03", null, now)).toBe("expired");
      expect((await store.get("Expiry03"))!.expiresAt).toBe(now - 1000);
      expect(await store.setExpiry("NotThere", null, now)).toBe("missing");
    });

    test("addViews adds batches, ignores unknown ids, and adds exactly under concurrency", async () => {
      await add("Views001");
      await add("Views002");
      await store.addViews([["Views001", 3], ["NotThere", 5], ["Views002", 1]]);
      await Promise.all(Array.from({ length: 10 }, () => store.addViews([["Views002", 2], ["Views001", 1]])));
      expect((await store.get("Views001"))!.views).toBe(13);
      expect((await store.get("Views002"))!.views).toBe(21);
      await store.addViews([]);
    });

    test("list is newest first, limited, and filters expired shares", async () => {
      const all = await store.list({ limit: 1000 });
      expect(all.map((r) => r.shareId).sort()).toEqual(["Expiry01", "Expiry02", "Expiry03", "Views001", "Views002"]);
      for (let i = 1; i < all.length; i++) expect(all[i - 1]!.createdAt).toBeGreaterThanOrEqual(all[i]!.createdAt);
      expect((await store.list({ limit: 2 })).length).toBe(2);
      const expired = await store.list({ limit: 1000, expiredAt: Date.now() });
      expect(expired.map((r) => r.shareId)).toEqual(["Expiry03"]);
    });

    test("expiredIds lists what has expired by then, soonest first", async () => {
      const now = Date.now();
      await add("Expiry04", { expiresAt: now - 5000 });
      expect(await store.expiredIds(now, 10)).toEqual(["Expiry04", "Expiry03"]);
      expect(await store.expiredIds(now, 1)).toEqual(["Expiry04"]);
      expect(await store.expiredIds(now - 10_000, 10)).toEqual([]);
    });

    test("deleteIf removes an expired share once, with its items, and never a live one", async () => {
      const now = Date.now();
      await add("Expiry05", { expiresAt: now - 1000, protocol: "native" });
      await store.putItems("Expiry05", [{ key: "session", data: "{}" }]);
      expect(await store.deleteIf("Expiry01", { expiredAt: now })).toBe(false);
      expect(await store.deleteIf("Expiry02", { expiredAt: now })).toBe(false);
      const results = await Promise.all([store.deleteIf("Expiry05", { expiredAt: now }), store.deleteIf("Expiry05", { expiredAt: now })]);
      expect(results.filter(Boolean).length).toBe(1);
      expect(await store.get("Expiry05")).toBeNull();
      expect(await store.listItemsSince("Expiry05", -1)).toEqual([]);
      expect(await store.get("Expiry01")).not.toBeNull();
    });

    test("never-uploaded creations are found by their last touch; an upload or a sync takes them off the list", async () => {
      await add("Upload01");
      await add("Upload02");
      await add("Upload03", { protocol: "native" });
      const later = Date.now() + 1000;
      let ids = await store.notUploadedIds(later, 1000);
      expect(ids).toEqual(expect.arrayContaining(["Upload01", "Upload02", "Upload03"]));
      expect(await store.notUploadedIds(Date.now() - HOUR, 1000)).toEqual([]);
      await store.markUploaded("Upload01");
      await store.putItems("Upload03", [{ key: "session", data: "{}" }]);
      expect((await store.get("Upload01"))!.uploadedAt).not.toBeNull();
      expect((await store.get("Upload03"))!.uploadedAt).not.toBeNull();
      ids = await store.notUploadedIds(later, 1000);
      expect(ids).toContain("Upload02");
      expect(ids).not.toContain("Upload01");
      expect(ids).not.toContain("Upload03");
      expect(await store.deleteIf("Upload01", { notUploadedBefore: later })).toBe(false);
      expect(await store.deleteIf("Upload02", { notUploadedBefore: Date.now() - HOUR })).toBe(false);
      expect(await store.deleteIf("Upload02", { notUploadedBefore: later })).toBe(true);
    });
  });
}

lifecycleContract("sqlite", async () => new SqliteShareStore(tempDir("bs-sqlite-")));
lifecycleContract("postgres", async () => new PostgresShareStore(await freshDatabase("lifecycle")));
