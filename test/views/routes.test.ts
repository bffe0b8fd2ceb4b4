// HTTP behaviour of the page routes: headers, status codes, caching, pagination, assets.
import { describe, expect, test } from "bun:test";
import { generateSession } from "../helpers/sessions.ts";
import { assetUrl } from "../../views/lib/assets.ts";
import { loadFixture, pagesApp } from "./app.ts";

const fixture = await loadFixture();
const ID = fixture.shareId;

const SECURITY_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "x-robots-tag": "noindex",
};

function expectPageHeaders(res: Response) {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(k)).toBe(v);
  const csp = res.headers.get("content-security-policy") ?? "";
  for (const d of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]) {
    expect(csp).toContain(d);
  }
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");
}

describe("status codes and headers", () => {
  const cases: Array<{ name: string; path: string; status: number; contains: string }> = [
    { name: "landing page", path: "/", status: 200, contains: "enterprise" },
    { name: "share page", path: `/share/${ID}`, status: 200, contains: "Create and parameterize greet.sh" },
    { name: "unknown share", path: "/share/Zzzzzzzz", status: 404, contains: "Share not found" },
    { name: "id too short", path: "/share/abc", status: 404, contains: "Share not found" },
    { name: "id with punctuation", path: "/share/abc-efgh", status: 404, contains: "Share not found" },
    { name: "encoded traversal", path: "/share/..%2F..%2Fetc", status: 404, contains: "Share not found" },
    { name: "unreadable share", path: "/share/Broken01", status: 422, contains: "blob is not valid JSON" },
    { name: "markdown of unknown share", path: "/share/Zzzzzzzz.md", status: 404, contains: "Share not found" },
  ];
  for (const c of cases) {
    test(`${c.name} → ${c.status} with security headers`, async () => {
      const { source, get } = pagesApp();
      source.put(fixture);
      source.putUnreadable("Broken01", "The blob is not valid JSON.");
      const res = await get(c.path);
      expect(res.status).toBe(c.status);
      expectPageHeaders(res);
      expect(await res.text()).toContain(c.contains);
    });
  }

  test("the source is not asked about malformed ids", async () => {
    const { source, get } = pagesApp();
    await get("/share/<script>");
    await get("/share/aaaaaaaaa");
    expect(source.lookups).toBe(0);
  });

  test("a failing source gives a 503 page, not a stack trace", async () => {
    const { source, get } = pagesApp();
    source.lookup = async () => {
      throw new Error("connection refused at db.internal:5432");
    };
    const res = await get(`/share/${ID}`);
    expect(res.status).toBe(503);
    const body = await res.text();
    expect(body).not.toContain("db.internal");
    expect(body).not.toContain("at ");
  });

  test("robots value is configurable", async () => {
    const { source, get } = pagesApp({ robots: "noindex, nofollow" });
    source.put(fixture);
    const res = await get(`/share/${ID}`);
    expect(res.headers.get("x-robots-tag")).toBe("noindex, nofollow");
    expect(await res.text()).toContain('<meta name="robots" content="noindex, nofollow"');
  });
});

describe("caching", () => {
  test("ETag with Cache-Control no-cache; If-None-Match answers 304", async () => {
    const { source, get } = pagesApp();
    source.put(fixture);
    const first = await get(`/share/${ID}`);
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers.get("cache-control")).toBe("no-cache");
    const again = await get(`/share/${ID}`, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);
    expect((await get(`/share/${ID}`, { "If-None-Match": 'W/"other"' })).status).toBe(200);
  });

  test("a new version changes the ETag and the content", async () => {
    const { source, get } = pagesApp();
    source.put(fixture);
    const before = await get(`/share/${ID}`);
    const changed = structuredClone(fixture);
    changed.session.title = "A brand new title";
    source.put(changed);
    const after = await get(`/share/${ID}`, { "If-None-Match": before.headers.get("etag")! });
    expect(after.status).toBe(200);
    expect(after.headers.get("etag")).not.toBe(before.headers.get("etag"));
    expect(await after.text()).toContain("A brand new title");
  });

  test("a deleted share is a 404 at once, even with a cached page", async () => {
    const { source, get } = pagesApp();
    source.put(fixture);
    const cached = await get(`/share/${ID}`);
    expect(cached.status).toBe(200);
    source.remove(ID);
    const res = await get(`/share/${ID}`, { "If-None-Match": cached.headers.get("etag")! });
    expect(res.status).toBe(404);
    expect(res.headers.get("cache-control")).toBe("no-store");
  });

  test("gzip when asked for, identical bytes after decompression", async () => {
    const { source, get } = pagesApp();
    source.put(fixture);
    const plain = await (await get(`/share/${ID}`, { "Accept-Encoding": "identity" })).text();
    const res = await get(`/share/${ID}`, { "Accept-Encoding": "gzip, br" });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    expect(res.headers.get("vary")).toBe("Accept-Encoding, Cookie");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length).toBeLessThan(plain.length / 3);
    expect(new TextDecoder().decode(Bun.gunzipSync(bytes))).toBe(plain);
  });
});

describe("pagination", () => {
  const big = generateSession({ messages: 400, outputChars: 3000, shareId: "BigShare" });

  test("long sessions are split; the first page is small and every message is on exactly one page", async () => {
    const { source, get } = pagesApp();
    source.put(big);
    const first = await (await get("/share/BigShare")).text();
    const pages = Number(/page 1 of (\d+)/.exec(first)?.[1]);
    expect(pages).toBeGreaterThan(2);
    expect(first.length).toBeLessThan(400_000);
    const seen: string[] = [];
    for (let p = 1; p <= pages; p++) {
      const html = await (await get(`/share/BigShare?page=${p}`)).text();
      for (const m of html.matchAll(/<article class="msg [^"]+" id="m-([^"]+)"/g)) seen.push(m[1]!);
    }
    expect(seen).toEqual(big.messages.map((m) => m.info.id));
  });

  test("?find= serves the page holding a message or part anchor", async () => {
    const { source, get } = pagesApp();
    source.put(big);
    const msg = big.messages[350]!;
    for (const anchor of [`m-${msg.info.id}`, `p-${msg.parts[0]!.id}`]) {
      const html = await (await get(`/share/BigShare?find=${anchor}`)).text();
      expect(html).toContain(`id="${anchor}"`);
      expect(html).not.toMatch(/page 1 of/);
    }
  });

  test("out-of-range and junk page numbers fall back to a real page", async () => {
    const { source, get } = pagesApp();
    source.put(big);
    expect((await get("/share/BigShare?page=999999")).status).toBe(200);
    expect(await (await get("/share/BigShare?page=abc")).text()).toMatch(/page 1 of/);
  });
});

describe("static assets and landing", () => {
  test("assets are served under content-hashed names with an immutable cache", async () => {
    const { source, get } = pagesApp();
    source.put(fixture);
    const html = await (await get(`/share/${ID}`)).text();
    // the icon and the script; the stylesheet is inline, and still served for anything that links it
    const urls = [...html.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBe(2);
    urls.push(assetUrl("app.css"));
    for (const url of urls) {
      expect(url).toMatch(/^\/static\/[a-z]+\.[0-9a-f]{12}\.(css|js|svg)$/);
      const res = await get(url);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }
    const css = urls.find((u) => u.endsWith(".css"))!;
    expect((await get(css)).headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect((await get(css.replace(/\.[0-9a-f]{12}\./, ".000000000000."))).status).toBe(404);
  });

  test("the landing page explains both ways to point OpenCode here", async () => {
    const { get } = pagesApp();
    const html = await (await get("/")).text();
    expect(html).toContain("opencode-better-share");
    expect(html).toContain("curl -fsSL https://share.example.com/install | sh");
    expect(html).toContain("BETTER_SHARE_BASE_URL=https://share.example.com");
    expect(html).toContain("&quot;url&quot;: &quot;https://share.example.com&quot;");
  });
});
