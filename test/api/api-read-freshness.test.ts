// GET /api/share/:id while other clients keep reading the same share: a read
// sent after an upload finished shows that upload (on S3 the upload goes
// straight to the bucket, unseen by the server), and no reader sees the
// version go back.
import { describe, expect, test } from "bun:test";
import { DiskBlobStore } from "../../src/stores/blob-store.disk.ts";
import { SqliteShareStore } from "../../src/stores/share-store.sqlite.ts";
import { BASE, createTestApp, uploadShare, uploadTo } from "../helpers/app.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";
import { storePairs } from "../helpers/store-pairs.ts";

const titled = (title: string) => ({ ...fixture, session: { ...fixture.session, title } });

for (const pair of storePairs("bs_api_fresh")) {
  describe(`GET /api/share/:id under concurrent reads (${pair.name})`, () => {
    test("each read sent after an upload finished shows it; no reader sees an older version after a newer one", async () => {
      const app = await createTestApp({}, await pair.open());
      const { shareId, secret } = await uploadShare(app, "ses_abcdefghFresh001", titled("0"));
      let stop = false;
      const problems: string[] = [];
      const reader = async () => {
        let last = -1;
        let reads = 0;
        while (!stop) {
          const res = await app.req("GET", `/api/share/${shareId}`);
          // s3rver writes an object in place, so a read overlapping an upload can
          // get a torn body (422 here); S3 and R2 never show one.
          if (res.status === 422 && pair.name !== "sqlite + disk") {
            await Bun.sleep(1);
            continue;
          }
          if (res.status !== 200) {
            problems.push(`reader got ${res.status}`);
            return reads;
          }
          const seen = Number(((await res.json()) as typeof fixture).session.title);
          if (seen < last) problems.push(`reader saw ${seen} after ${last}`);
          last = seen;
          reads++;
          // Room for the writer: an in-process reader would otherwise hold the event loop.
          await Bun.sleep(1);
        }
        return reads;
      };
      const readers = Array.from({ length: 8 }, reader);
      const etags = new Set<string>();
      for (let v = 1; v <= 6; v++) {
        const presign = await app.req("POST", `/api/share/${shareId}/presign`, { headers: { "x-share-secret": secret }, body: {} });
        if (presign.status !== 200) throw new Error(`presign ${presign.status}: ${await presign.text()}`);
        const { presignedUrl } = (await presign.json()) as { presignedUrl: string };
        const put = await uploadTo(app, presignedUrl, JSON.stringify(titled(String(v))));
        if (put.status !== 200) throw new Error(`upload ${put.status}: ${await put.text()}`);
        let res = await app.req("GET", `/api/share/${shareId}`);
        // s3rver answers a PUT before the object is all on its disk: a read just
        // after may still find it torn (see above); the next one must not.
        for (let i = 0; i < 50 && res.status === 422 && pair.name !== "sqlite + disk"; i++) {
          await Bun.sleep(20);
          res = await app.req("GET", `/api/share/${shareId}`);
        }
        expect(res.status).toBe(200);
        expect(((await res.json()) as typeof fixture).session.title).toBe(String(v));
        etags.add(res.headers.get("etag")!);
      }
      stop = true;
      const counts = await Promise.all(readers);
      expect(problems).toEqual([]);
      expect(etags.size).toBe(6);
      // The readers really were reading throughout.
      for (const n of counts) expect(n).toBeGreaterThan(0);
      await app.close();
    });

    test("the answer carries the API's security headers, and If-None-Match with its ETag gets a 304 with them too", async () => {
      const app = await createTestApp({}, await pair.open());
      const { shareId } = await uploadShare(app, "ses_abcdefghFresh002", titled("x"));
      const first = await app.req("GET", `/api/share/${shareId}`);
      const again = await app.req("GET", `/api/share/${shareId}`);
      expect(await again.text()).toBe(await first.text());
      for (const res of [first, again]) {
        expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
        expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      }
      const notModified = await app.req("GET", `/api/share/${shareId}`, { headers: { "if-none-match": first.headers.get("etag")! } });
      expect(notModified.status).toBe(304);
      expect(notModified.headers.get("etag")).toBe(first.headers.get("etag"));
      expect(notModified.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(await notModified.text()).toBe("");
      await app.close();
    });
  });
}

describe("GET /api/share/:id from two servers on one data directory (sqlite + disk)", () => {
  test("an upload through one server is in the other's next read, after reads that had the old version", async () => {
    const a = await createTestApp();
    const b = await createTestApp({}, { shares: new SqliteShareStore(a.dir), blobs: new DiskBlobStore(a.dir, BASE) });
    const { shareId, secret } = await uploadShare(a, "ses_abcdefghFresh003", titled("1"));
    const titleFrom = async (app: typeof a) => {
      const res = await app.req("GET", `/api/share/${shareId}`);
      expect(res.status).toBe(200);
      return ((await res.json()) as typeof fixture).session.title;
    };
    for (let v = 2; v <= 4; v++) {
      for (let i = 0; i < 3; i++) expect(await titleFrom(b)).toBe(String(v - 1));
      const presign = await a.req("POST", `/api/share/${shareId}/presign`, { headers: { "x-share-secret": secret }, body: {} });
      const { presignedUrl } = (await presign.json()) as { presignedUrl: string };
      // Read after the presign's own write, so only the upload can tell b something changed.
      expect(await titleFrom(b)).toBe(String(v - 1));
      expect((await uploadTo(a, presignedUrl, JSON.stringify(titled(String(v))))).status).toBe(200);
      expect(await titleFrom(b)).toBe(String(v));
    }
    // A delete through one server: the other answers 404 at once.
    expect((await a.req("DELETE", `/api/share/${shareId}`, { headers: { "x-share-secret": secret } })).status).toBe(200);
    expect((await b.req("GET", `/api/share/${shareId}`)).status).toBe(404);
    await b.close();
    await a.close();
  });
});
