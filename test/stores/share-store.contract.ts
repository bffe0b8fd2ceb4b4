// One behaviour, every backend: run by share-store.test.ts against SQLite and Postgres.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import type { ShareStore } from "../../src/stores/share-store.ts";

export function shareStoreContract(name: string, open: () => Promise<ShareStore>) {
  describe(`ShareStore contract: ${name}`, () => {
    let store: ShareStore;
    beforeAll(async () => {
      store = await open();
      await store.migrate();
    });
    afterAll(async () => {
      await store.close();
    });

    const share = (id: string, session = `ses_abcdefgh${id}`) => ({
      shareId: id,
      sessionId: session,
      secretHash: "a".repeat(64),
      protocol: "upload" as const,
    });

    test("migrate twice is a no-op and records the version", async () => {
      expect(await store.migrate()).toEqual([]);
      const s = await store.schemaStatus();
      expect(s.current).toBe(s.latest);
      expect(s.latest).toBeGreaterThanOrEqual(1);
    });

    test("insert then get returns the record with version 0", async () => {
      expect(await store.insert({ ...share("AAAAAAA1"), sizeBytes: 42 })).toBe("created");
      const r = await store.get("AAAAAAA1");
      expect(r).not.toBeNull();
      expect(r!.sessionId).toBe("ses_abcdefghAAAAAAA1");
      expect(r!.secretHash).toBe("a".repeat(64));
      expect(r!.version).toBe(0);
      expect(r!.sizeBytes).toBe(42);
      expect(r!.protocol).toBe("upload");
      expect(Math.abs(r!.createdAt - Date.now())).toBeLessThan(60_000);
      expect((await store.getBySession("ses_abcdefghAAAAAAA1"))!.shareId).toBe("AAAAAAA1");
    });

    test("insert reports which identity is taken", async () => {
      await store.insert(share("AAAAAAA2"));
      expect(await store.insert(share("AAAAAAA2", "ses_otherotherAAAAAAA2"))).toBe("share_id_taken");
      expect(await store.insert(share("BBBBBBB2", "ses_abcdefghAAAAAAA2"))).toBe("session_shared");
    });

    test("get of an unknown id is null", async () => {
      expect(await store.get("ZZZZZZZZ")).toBeNull();
      expect(await store.getBySession("ses_nothere00000")).toBeNull();
    });

    test("touch bumps the version and sets fields; null when gone", async () => {
      await store.insert(share("AAAAAAA3"));
      expect(await store.touch("AAAAAAA3", { sizeBytes: 7 })).toBe(1);
      expect(await store.touch("AAAAAAA3", { title: "Hi" })).toBe(2);
      const r = (await store.get("AAAAAAA3"))!;
      expect(r.sizeBytes).toBe(7);
      expect(r.title).toBe("Hi");
      expect(await store.touch("NOTTHERE")).toBeNull();
    });

    test("delete removes the row and its items; second delete is false", async () => {
      await store.insert({ ...share("AAAAAAA4"), protocol: "native" });
      await store.putItems("AAAAAAA4", [{ key: "session", data: "{}" }]);
      expect(await store.delete("AAAAAAA4")).toBe(true);
      expect(await store.get("AAAAAAA4")).toBeNull();
      expect(await store.listItemsSince("AAAAAAA4", -1)).toEqual([]);
      expect(await store.delete("AAAAAAA4")).toBe(false);
    });

    test("a title with a NUL character (client text) is stored, not refused", async () => {
      expect(await store.insert({ ...share("NulTitl1"), title: "a\u0000b" })).toBe("created");
      expect(await store.putItems("NulTitl1", [{ key: "session", data: "{}" }], { title: "c\u0000d" })).toBe(1);
      expect(await store.touch("NulTitl1", { title: "e\u0000f" })).toBe(2);
      expect((await store.get("NulTitl1"))!.title!.replaceAll("\u0000", "")).toBe("ef");
    });

    test("putItems upserts by key, later wins, seq follows the version", async () => {
      await store.insert({ ...share("AAAAAAA5"), protocol: "native" });
      expect(await store.putItems("AAAAAAA5", [{ key: "a", data: "1" }, { key: "b", data: "1" }], { title: "T" })).toBe(1);
      expect(await store.putItems("AAAAAAA5", [{ key: "b", data: "2" }, { key: "c", data: "2" }])).toBe(2);
      const all = await store.listItemsSince("AAAAAAA5", -1);
      expect(all.map((i) => [i.key, i.data, i.seq])).toEqual([
        ["a", "1", 1],
        ["b", "2", 2],
        ["c", "2", 2],
      ]);
      expect((await store.listItemsSince("AAAAAAA5", 1)).map((i) => i.key)).toEqual(["b", "c"]);
      expect((await store.get("AAAAAAA5"))!.title).toBe("T");
      expect(await store.putItems("NOTTHERE", [{ key: "a", data: "1" }])).toBeNull();
    });

    test("concurrent putItems on one share lose no update", async () => {
      await store.insert({ ...share("AAAAAAA6"), protocol: "native" });
      await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.putItems("AAAAAAA6", [{ key: `k${i}`, data: String(i) }, { key: "shared", data: String(i) }])),
      );
      const items = await store.listItemsSince("AAAAAAA6", -1);
      expect(items.length).toBe(21);
      const rec = (await store.get("AAAAAAA6"))!;
      expect(rec.version).toBe(20);
      // The shared key holds the value written by the sync with the highest seq.
      const shared = items.find((i) => i.key === "shared")!;
      expect(shared.seq).toBe(20);
      const writer = items.find((i) => i.key !== "shared" && i.seq === 20)!;
      expect(shared.data).toBe(writer.data);
    });

    test("bump counts per bucket and window, concurrently and exactly", async () => {
      const counts = await Promise.all(Array.from({ length: 25 }, () => store.bump("req:1.2.3.4", 1000, 1)));
      expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
      expect(await store.bump("req:1.2.3.4", 1060, 1)).toBe(1);
      expect(await store.bump("req:5.6.7.8", 1000, 1)).toBe(1);
      expect(await store.bump("req:1.2.3.4", 1000, -1)).toBe(24);
      await store.pruneCounters(1060);
      expect(await store.bump("req:1.2.3.4", 1000, 1)).toBe(1);
      expect(await store.bump("req:1.2.3.4", 1060, 1)).toBe(2);
    });

    test("a share records its owner; none is null", async () => {
      await store.insert({ ...share("OWNED001"), owner: "alice" });
      await store.insert(share("OWNED002"));
      expect((await store.get("OWNED001"))!.owner).toBe("alice");
      expect((await store.get("OWNED002"))!.owner).toBeNull();
    });

    test("tokens: create, find by selector, one active per name, revoke, re-issue", async () => {
      const t = (name: string, selector: string, expiresAt: number | null = null) => ({
        name,
        selector,
        tokenHash: createHash("sha256").update(name + selector).digest("hex"),
        expiresAt,
      });
      expect(await store.createToken(t("alice", "selAAAAAAAAA", Date.now() + 3_600_000))).toBe("created");
      expect(await store.createToken(t("alice", "selBBBBBBBBB"))).toBe("name_taken");
      expect(await store.createToken(t("bob", "selAAAAAAAAA"))).toBe("created");
      const found = await store.findTokens("selAAAAAAAAA");
      expect(found.map((f) => f.name).sort()).toEqual(["alice", "bob"]);
      const alice = found.find((f) => f.name === "alice")!;
      expect(alice.tokenHash).toBe(t("alice", "selAAAAAAAAA").tokenHash);
      expect(Math.abs(alice.expiresAt! - (Date.now() + 3_600_000))).toBeLessThan(60_000);
      expect(alice.lastUsedAt).toBeNull();
      expect(alice.revokedAt).toBeNull();
      await store.markTokenUsed(alice.id);
      expect((await store.findTokens("selAAAAAAAAA")).find((f) => f.name === "alice")!.lastUsedAt).not.toBeNull();
      expect(await store.findTokens("selCCCCCCCCC")).toEqual([]);

      expect(await store.revokeToken("alice")).toBe(true);
      expect(await store.revokeToken("alice")).toBe(false);
      expect(await store.revokeToken("nobody")).toBe(false);
      expect((await store.findTokens("selAAAAAAAAA")).find((f) => f.name === "alice")!.revokedAt).not.toBeNull();
      // A revoked name can be issued again; the old row stays, revoked.
      expect(await store.createToken(t("alice", "selDDDDDDDDD"))).toBe("created");
      const listed = await store.listTokens();
      expect(listed.filter((l) => l.name === "alice").map((l) => l.revokedAt === null).sort()).toEqual([false, true]);
      expect(JSON.stringify(listed)).not.toContain(t("alice", "selDDDDDDDDD").tokenHash);
    });

    test("ping answers", async () => {
      await store.ping();
    });
  });
}
