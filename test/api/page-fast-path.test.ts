// Cached share pages and static assets are answered without the router (app.ts
// fast path). Whatever way a request goes, the answer must be the same: same
// status, headers and bytes, ETag/304 and gzip as before, security headers,
// an access log line and request metrics — and a share changed or deleted
// must never be served from the prebuilt answer.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { gunzipSync } from "node:zlib";
import { assetUrl } from "../../views/lib/assets.ts";
import { createTestApp, uploadShare, type TestApp } from "../helpers/app.ts";
import { shareDataFixture } from "../helpers/fixtures.ts";

let app: TestApp;
let shareId: string;
let secret: string;

const headersOf = (res: Response) => {
  const h: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (k !== "date") h[k] = v;
  });
  return h;
};

beforeAll(async () => {
  app = await createTestApp({ METRICS: "true" });
  ({ shareId, secret } = await uploadShare(app, shareDataFixture.sessionId, shareDataFixture));
});
afterAll(() => app.close());

describe("a cached share page", () => {
  test("the first answer (rendered) and later ones (prebuilt) are the same bytes and headers, security headers included", async () => {
    const first = await app.req("GET", `/share/${shareId}`, { headers: { "accept-encoding": "identity" } });
    const firstBody = await first.text();
    for (let i = 0; i < 3; i++) {
      const again = await app.req("GET", `/share/${shareId}`, { headers: { "accept-encoding": "identity" } });
      expect(again.status).toBe(200);
      expect(headersOf(again)).toEqual(headersOf(first));
      expect(await again.text()).toBe(firstBody);
    }
    const h = headersOf(first);
    for (const k of ["content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options", "cross-origin-opener-policy", "cross-origin-resource-policy", "etag"])
      expect(h[k]).toBeTruthy();
    expect(h["content-security-policy"]).not.toContain("unsafe-inline");
  });

  test("gzip, If-None-Match → 304, ?page= and the Markdown export answer as the routes do", async () => {
    const gz = await app.req("GET", `/share/${shareId}`, { headers: { "accept-encoding": "gzip, br" } });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    const plain = await (await app.req("GET", `/share/${shareId}`, { headers: { "accept-encoding": "identity" } })).text();
    expect(gunzipSync(new Uint8Array(await gz.arrayBuffer())).toString("utf8")).toBe(plain);

    const etag = gz.headers.get("etag")!;
    const nm = await app.req("GET", `/share/${shareId}`, { headers: { "if-none-match": etag } });
    expect(nm.status).toBe(304);
    expect(await nm.text()).toBe("");
    expect(nm.headers.get("etag")).toBe(etag);
    expect(nm.headers.get("x-frame-options")).toBe("DENY");

    const page = await app.req("GET", `/share/${shareId}?page=1`, { headers: { "accept-encoding": "identity" } });
    expect(await page.text()).toBe(plain);

    const md = await app.req("GET", `/share/${shareId}.md`);
    expect(md.status).toBe(200);
    expect(md.headers.get("content-type")).toContain("text/markdown");
    expect(md.headers.get("cross-origin-resource-policy")).toBe("same-origin");
  });

  test("every answer gets its access log line and is counted in /metrics under its route", async () => {
    const before = app.logs.length;
    for (let i = 0; i < 5; i++) await app.req("GET", `/share/${shareId}`);
    const lines = app.logs.slice(before).filter((l) => l.includes(`/share/${shareId}`));
    expect(lines.length).toBe(5);
    expect(lines[0]).toMatch(new RegExp(`^GET /share/${shareId} 200 `));
    const metrics = await (await app.req("GET", "/metrics")).text();
    const line = metrics.split("\n").find((l) => l.includes('route="/share/:id"') && l.includes('status="200"') && l.startsWith("better_share_http_requests_total"));
    expect(line).toBeDefined();
    expect(Number(line!.split(" ").pop())).toBeGreaterThanOrEqual(5);
  });

  test("a deleted share is not served from the prebuilt answer", async () => {
    const other = { ...shareDataFixture, sessionId: "ses_fastpathfastFastPa01", shareId: "FastPa01" };
    const s = await uploadShare(app, other.sessionId, other);
    expect((await app.req("GET", `/share/${s.shareId}`)).status).toBe(200);
    expect((await app.req("GET", `/share/${s.shareId}`)).status).toBe(200);
    const del = await app.req("DELETE", `/api/share/${s.shareId}`, { headers: { "x-share-secret": s.secret } });
    expect(del.status).toBe(200);
    expect((await app.req("GET", `/share/${s.shareId}`)).status).toBe(404);
  });

  test("paths the fast path does not take as they are still reach the routes", async () => {
    // Elysia answers a trailing slash as the same route
    expect((await app.req("GET", `/share/${shareId}/`)).status).toBe(200);
    expect((await app.req("GET", `/share/%38O3MpUrh`)).status).toBeLessThan(500);
    expect((await app.req("HEAD", `/share/${shareId}`)).status).toBeLessThan(500);
    expect(secret).toBeTruthy();
  });
});

describe("static assets", () => {
  test("prebuilt answers keep type, immutable caching, gzip and the security headers", async () => {
    const url = assetUrl("app.css");
    const a = await app.req("GET", url, { headers: { "accept-encoding": "identity" } });
    const b = await app.req("GET", url, { headers: { "accept-encoding": "gzip" } });
    expect(a.status).toBe(200);
    expect(a.headers.get("content-type")).toContain("text/css");
    expect(a.headers.get("cache-control")).toContain("immutable");
    expect(b.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(new Uint8Array(await b.arrayBuffer())).toString("utf8")).toBe(await a.text());
    for (const r of [a, b]) expect(r.headers.get("cross-origin-resource-policy")).toBe("same-origin");
    expect((await app.req("GET", "/static/nothing.css")).status).toBe(404);
  });
});
