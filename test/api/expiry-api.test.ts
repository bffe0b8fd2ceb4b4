// Expiry and views over app.handle, on both store pairs: expiresIn
// on creation, POST /api/share/:id/expiry, GET /api/share/:id/stats, 410
// EXPIRED on every read and write, view counting, and the sweeper.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { ShareStore } from "../../src/stores/share-store.ts";
import { createTestApp, uploadShare, type TestApp } from "../helpers/app.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";
import { runScenarios } from "../helpers/scenario.ts";
import { storePairs } from "../helpers/store-pairs.ts";

const PAIRS = storePairs("exp");

const HOUR = 3600;
const ses = (id: string) => `ses_expiryxx${id}`;
const secretHeader = (s: string) => ({ "x-share-secret": s });

/** Moves a share's expiry into the past, as time passing would. */
async function expireNow(store: ShareStore, shareId: string): Promise<void> {
  expect(await store.setExpiry(shareId, Date.now() - 1000, Date.now())).toBe("ok");
}

for (const pair of PAIRS) {
  describe(`expiry and views (${pair.name})`, () => {
    let app: TestApp;
    const vars: Record<string, string> = {};
    beforeAll(async () => {
      app = await createTestApp({ SHARE_TTL_MAX: "30d" }, await pair.open());
      const live = await uploadShare(app, ses("LiveShr1"), fixture);
      vars.id = live.shareId;
      vars.secret = live.secret;
      const gone = await uploadShare(app, ses("Expired1"), { ...fixture, shareId: "Expired1" });
      vars.expiredSecret = gone.secret;
      const nat = await app.req("POST", "/api/share", { body: { sessionID: ses("NatExpd1") } });
      expect(nat.status).toBe(200);
      vars.nativeSecret = ((await nat.json()) as { secret: string }).secret;
      // Seen once while alive (cached), then expired behind the cache's back.
      expect((await app.req("GET", "/share/Expired1")).status).toBe(200);
      await expireNow(app.shares, "Expired1");
      await expireNow(app.shares, "NatExpd1");
      // A change made behind this process's back (another instance) is seen within a second.
      await Bun.sleep(1100);
    });
    afterAll(() => app.close());

    describe("POST /api/share/presign with expiresIn", () => {
      runScenarios(() => app, () => vars, [
        { name: "an hour", method: "POST", path: "/api/share/presign", body: { shareId: "WithExp1", sessionId: ses("WithExp1"), expiresIn: HOUR }, status: 200, contains: ['"shareExpiresAt":"20', '"expiresAt":"20'] },
        { name: "too short", method: "POST", path: "/api/share/presign", body: { shareId: "WithExp2", sessionId: ses("WithExp2"), expiresIn: 59 }, status: 400, code: "INVALID_EXPIRES_IN", contains: ["at least 60"] },
        { name: "zero", method: "POST", path: "/api/share/presign", body: { shareId: "WithExp2", sessionId: ses("WithExp2"), expiresIn: 0 }, status: 400, code: "INVALID_EXPIRES_IN" },
        { name: "negative", method: "POST", path: "/api/share/presign", body: { shareId: "WithExp2", sessionId: ses("WithExp2"), expiresIn: -86400 }, status: 400, code: "INVALID_EXPIRES_IN" },
        { name: "a duration string", method: "POST", path: "/api/share/presign", body: { shareId: "WithExp2", sessionId: ses("WithExp2"), expiresIn: "7d" }, status: 400, code: "INVALID_EXPIRES_IN", contains: ["whole number of seconds"] },
        { name: "a fraction", method: "POST", path: "/api/share/presign", body: { shareId: "WithExp2", sessionId: ses("WithExp2"), expiresIn: 90.5 }, status: 400, code: "INVALID_EXPIRES_IN" },
        { name: "null on creation", method: "POST", path: "/api/share/presign", body: { shareId: "WithExp2", sessionId: ses("WithExp2"), expiresIn: null }, status: 400, code: "INVALID_EXPIRES_IN" },
        { name: "bad expiresIn before the bad id is not reported: id first", method: "POST", path: "/api/share/presign", body: { shareId: "bad", sessionId: ses("WithExp2"), expiresIn: 1 }, status: 400, code: "INVALID_SHARE_ID" },
      ]);

      test("longer than SHARE_TTL_MAX is shortened to it, and 1e300 does not break the date", async () => {
        for (const [id, expiresIn] of [["LongExp1", 365 * 86400], ["LongExp2", 1e300]] as const) {
          const r = await app.req("POST", "/api/share/presign", { body: { shareId: id, sessionId: ses(id), expiresIn } });
          if (expiresIn === 1e300) {
            // Not an integer JavaScript can hold exactly: refused with a sentence.
            expect([200, 400]).toContain(r.status);
            if (r.status === 400) continue;
          }
          expect(r.status).toBe(200);
          const at = Date.parse(((await r.json()) as { shareExpiresAt: string }).shareExpiresAt);
          expect(Math.abs(at - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
        }
      });

      test("without expiresIn the default applies (here: the max, 30d)", async () => {
        const r = await app.req("POST", "/api/share/presign", { body: { shareId: "DefExp01", sessionId: ses("DefExp01") } });
        const at = Date.parse(((await r.json()) as { shareExpiresAt: string }).shareExpiresAt);
        expect(Math.abs(at - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
      });

      test("a sync presign reports the share's expiry", async () => {
        const r = await app.req("POST", `/api/share/${vars.id}/presign`, { body: {}, headers: secretHeader(vars.secret!) });
        expect(r.status).toBe(200);
        expect((await r.json()) as object).toHaveProperty("shareExpiresAt");
      });
    });

    describe("POST /api/share/:id/expiry", () => {
      runScenarios(() => app, () => vars, [
        { name: "set two hours", method: "POST", path: "/api/share/{id}/expiry", body: { expiresIn: 2 * HOUR }, headers: { "x-share-secret": "{secret}" }, status: 200, contains: ['"shareExpiresAt":"20'] },
        { name: "bad id first", method: "POST", path: "/api/share/nope/expiry", body: { expiresIn: "x" }, status: 400, code: "INVALID_SHARE_ID" },
        { name: "no body", method: "POST", path: "/api/share/{id}/expiry", raw: "", headers: { "content-type": "application/json", "x-share-secret": "{secret}" }, status: 400, code: "INVALID_JSON" },
        { name: "no expiresIn", method: "POST", path: "/api/share/{id}/expiry", body: {}, headers: { "x-share-secret": "{secret}" }, status: 400, code: "INVALID_EXPIRES_IN", contains: ["null"] },
        { name: "unknown field", method: "POST", path: "/api/share/{id}/expiry", body: { expiresAt: "2030-01-01" }, headers: { "x-share-secret": "{secret}" }, status: 400, code: "UNKNOWN_FIELD" },
        { name: "too short", method: "POST", path: "/api/share/{id}/expiry", body: { expiresIn: 30 }, headers: { "x-share-secret": "{secret}" }, status: 400, code: "INVALID_EXPIRES_IN" },
        { name: "a string", method: "POST", path: "/api/share/{id}/expiry", body: { expiresIn: "7d" }, headers: { "x-share-secret": "{secret}" }, status: 400, code: "INVALID_EXPIRES_IN" },
        { name: "body shape before existence", method: "POST", path: "/api/share/Unknown1/expiry", body: { expiresIn: 5 }, status: 400, code: "INVALID_EXPIRES_IN" },
        { name: "unknown share", method: "POST", path: "/api/share/Unknown1/expiry", body: { expiresIn: HOUR }, status: 404, code: "NOT_FOUND" },
        { name: "missing secret", method: "POST", path: "/api/share/{id}/expiry", body: { expiresIn: HOUR }, status: 401, code: "MISSING_SECRET" },
        { name: "wrong secret", method: "POST", path: "/api/share/{id}/expiry", body: { expiresIn: HOUR }, headers: { "x-share-secret": "wrong" }, status: 403, code: "INVALID_SECRET" },
        { name: "expired share cannot be revived", method: "POST", path: "/api/share/Expired1/expiry", body: { expiresIn: HOUR }, headers: { "x-share-secret": "{expiredSecret}" }, status: 410, code: "EXPIRED", contains: ["expired on"] },
        { name: "GET is not the way", method: "GET", path: "/api/share/{id}/expiry", status: 405 },
      ]);

      test("null keeps the share as long as the server allows; the page header shows the new date", async () => {
        const r = await app.req("POST", `/api/share/${vars.id}/expiry`, { body: { expiresIn: null }, headers: secretHeader(vars.secret!) });
        expect(r.status).toBe(200);
        const at = ((await r.json()) as { shareExpiresAt: string }).shareExpiresAt;
        expect(Math.abs(Date.parse(at) - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
        const page = await (await app.req("GET", `/share/${vars.id}`)).text();
        expect(page).toContain(`datetime="${at.slice(0, 16)}`);
        expect(page).toContain("expires ");
      });
    });

    describe("GET /api/share/:id/stats", () => {
      runScenarios(() => app, () => vars, [
        { name: "owner", method: "GET", path: "/api/share/{id}/stats", headers: { "x-share-secret": "{secret}" }, status: 200, contains: ['"views":', '"sizeBytes":', '"createdAt":"20', '"updatedAt":"20', '"shareExpiresAt":', '"owner":null'] },
        { name: "bad id", method: "GET", path: "/api/share/x/stats", status: 400, code: "INVALID_SHARE_ID" },
        { name: "unknown share", method: "GET", path: "/api/share/Unknown1/stats", headers: { "x-share-secret": "x" }, status: 404, code: "NOT_FOUND" },
        { name: "missing secret", method: "GET", path: "/api/share/{id}/stats", status: 401, code: "MISSING_SECRET" },
        { name: "wrong secret", method: "GET", path: "/api/share/{id}/stats", headers: { "x-share-secret": "{expiredSecret}" }, status: 403, code: "INVALID_SECRET" },
        { name: "expired", method: "GET", path: "/api/share/Expired1/stats", headers: { "x-share-secret": "{expiredSecret}" }, status: 410, code: "EXPIRED" },
      ]);
    });

    describe("an expired share answers 410 everywhere until it is swept", () => {
      runScenarios(() => app, () => vars, [
        { name: "page", method: "GET", path: "/share/Expired1", status: 410, contains: ["This share expired on", "<time datetime="], absent: [fixture.session.title] },
        { name: "Markdown", method: "GET", path: "/share/Expired1.md", status: 410, contains: ["This share expired on"] },
        { name: "API read", method: "GET", path: "/api/share/Expired1", status: 410, code: "EXPIRED" },
        { name: "native data", method: "GET", path: "/api/share/NatExpd1/data", status: 410, code: "EXPIRED" },
        { name: "native page", method: "GET", path: "/share/NatExpd1", status: 410, contains: ["This share expired on"] },
        { name: "sync presign", method: "POST", path: "/api/share/Expired1/presign", body: {}, headers: { "x-share-secret": "{expiredSecret}" }, status: 410, code: "EXPIRED" },
        { name: "native sync", method: "POST", path: "/api/share/NatExpd1/sync", body: { secret: "{nativeSecret}", data: [] }, status: 410, code: "EXPIRED" },
      ]);

      test("the owner may still delete it; then it is simply gone", async () => {
        const r = await app.req("DELETE", "/api/share/NatExpd1", { body: { secret: vars.nativeSecret } });
        expect(r.status).toBe(200);
        expect((await app.req("GET", "/share/NatExpd1")).status).toBe(404);
      });

      test("the sweeper removes it (blob, row) and the page becomes a 404 at once", async () => {
        const r = await app.maintenance.sweepExpired();
        expect(r.failed).toEqual([]);
        expect(r.removed.map((x) => x.shareId)).toContain("Expired1");
        expect(await app.shares.get("Expired1")).toBeNull();
        expect(await app.blobs.stat("sessions/Expired1.json")).toBeNull();
        expect((await app.req("GET", "/share/Expired1")).status).toBe(404);
        expect((await app.req("GET", "/api/share/Expired1")).status).toBe(404);
        expect((await app.req("GET", `/share/${vars.id}`)).status).toBe(200);
      });
    });

    describe("views", () => {
      test("200 page and .md GETs by readers count; 304s, HEADs, prefetches and bots do not; stats add unwritten counts", async () => {
        const { shareId, secret } = await uploadShare(app, ses("Viewed01"), { ...fixture, shareId: "Viewed01" });
        const page = `/share/${shareId}`;
        const first = await app.req("GET", page);
        expect(first.status).toBe(200);
        const etag = first.headers.get("etag")!;
        expect((await app.req("GET", `${page}.md`)).status).toBe(200);
        expect((await app.req("GET", `${page}?page=1`, { headers: { "user-agent": "Mozilla/5.0 Firefox/130.0" } })).status).toBe(200);
        // Not views:
        expect((await app.req("GET", page, { headers: { "if-none-match": etag } })).status).toBe(304);
        expect((await app.req("HEAD", page)).status).toBe(200);
        expect((await app.req("GET", page, { headers: { "sec-purpose": "prefetch" } })).status).toBe(200);
        expect((await app.req("GET", page, { headers: { "user-agent": "Slackbot-LinkExpanding 1.0" } })).status).toBe(200);
        expect((await app.req("GET", page, { headers: { "user-agent": "Googlebot/2.1" } })).status).toBe(200);
        expect((await app.req("GET", `/api/share/${shareId}`)).status).toBe(200);
        expect((await app.req("GET", "/share/Unknown1")).status).toBe(404);

        const stats = async () => (await (await app.req("GET", `/api/share/${shareId}/stats`, { headers: secretHeader(secret) })).json()) as { views: number };
        // Nothing written yet: the page's hot path does not touch the store.
        expect((await app.shares.get(shareId))!.views).toBe(0);
        expect((await stats()).views).toBe(3);
        await app.views.flush();
        expect((await app.shares.get(shareId))!.views).toBe(3);
        expect((await stats()).views).toBe(3);
        await app.req("GET", page);
        expect((await stats()).views).toBe(4);
      });
    });
  });
}

describe("settings that change the answers", () => {
  test("COUNT_VIEWS=false keeps no counts", async () => {
    const app = await createTestApp({ COUNT_VIEWS: "false" });
    try {
      const { shareId, secret } = await uploadShare(app, ses("NoCount1"), { ...fixture, shareId: "NoCount1" });
      expect((await app.req("GET", `/share/${shareId}`)).status).toBe(200);
      await app.views.flush();
      const s = (await (await app.req("GET", `/api/share/${shareId}/stats`, { headers: secretHeader(secret) })).json()) as { views: number };
      expect(s.views).toBe(0);
    } finally {
      await app.close();
    }
  });

  test("READ_ONLY=true refuses expiry changes with 503 READ_ONLY and still serves stats", async () => {
    const dir = await createTestApp();
    const { shareId, secret } = await uploadShare(dir, ses("ReadOnl1"), { ...fixture, shareId: "ReadOnl1" });
    await dir.close();
    const { SqliteShareStore } = await import("../../src/stores/share-store.sqlite.ts");
    const { DiskBlobStore } = await import("../../src/stores/blob-store.disk.ts");
    const ro = await createTestApp({ READ_ONLY: "true" }, { shares: new SqliteShareStore(dir.dir), blobs: new DiskBlobStore(dir.dir, dir.config.baseUrl) });
    try {
      const r = await ro.req("POST", `/api/share/${shareId}/expiry`, { body: { expiresIn: 3600 }, headers: secretHeader(secret) });
      expect(r.status).toBe(503);
      expect(((await r.json()) as { code: string }).code).toBe("READ_ONLY");
      expect((await ro.req("GET", `/api/share/${shareId}/stats`, { headers: secretHeader(secret) })).status).toBe(200);
    } finally {
      await ro.close();
    }
  });

  test("with no TTL settings a share never expires and can be given a lifetime later", async () => {
    const app = await createTestApp();
    try {
      const r = await app.req("POST", "/api/share/presign", { body: { shareId: "NoTtl001", sessionId: ses("NoTtl001") } });
      const created = (await r.json()) as { shareExpiresAt: string | null; secret: string };
      expect(created.shareExpiresAt).toBeNull();
      const set = await app.req("POST", "/api/share/NoTtl001/expiry", { body: { expiresIn: 7 * 86400 }, headers: secretHeader(created.secret) });
      const at = Date.parse(((await set.json()) as { shareExpiresAt: string }).shareExpiresAt);
      expect(Math.abs(at - (Date.now() + 7 * 86_400_000))).toBeLessThan(60_000);
      const clear = await app.req("POST", "/api/share/NoTtl001/expiry", { body: { expiresIn: null }, headers: secretHeader(created.secret) });
      expect(((await clear.json()) as { shareExpiresAt: null }).shareExpiresAt).toBeNull();
      expect((await app.shares.get("NoTtl001"))!.expiresAt).toBeNull();
    } finally {
      await app.close();
    }
  });
});
