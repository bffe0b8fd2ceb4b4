// The page's first paint needs nothing but the page: the stylesheet is inline
// under a CSP hash, and the reader's theme comes from a cookie the server
// writes into <html>. These tests hold both to the strict CSP and to the
// caching rules (ETag, 304, Vary) a per-reader variant of a page needs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { generateSession } from "../helpers/sessions.ts";
import { createTestApp, uploadShare, type TestApp } from "../helpers/app.ts";
import { shareDataFixture } from "../helpers/fixtures.ts";
import { THEME_COOKIE, themeOf, withTheme } from "../../views/lib/theme.ts";
import { loadFixture, pagesApp } from "./app.ts";

const fixture = await loadFixture();
const ID = fixture.shareId;
const dracula = { cookie: `${THEME_COOKIE}=dracula` };

function styles(html: string): string[] {
  return [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
}

function htmlTag(html: string): string {
  return /<html[^>]*>/.exec(html)![0];
}

function bodyEtag(html: string): string {
  return /id="live" data-etag="([^"]*)"/.exec(html)![1]!.replaceAll("&#34;", '"').replaceAll("&quot;", '"');
}

describe("the inline stylesheet", () => {
  test("every kind of page carries one <style>, allowed by the sha256 of its exact text and by nothing looser", async () => {
    const { source, get } = pagesApp();
    source.put(fixture);
    source.putUnreadable("Broken01", "The stored data is not valid JSON.");
    for (const path of ["/", `/share/${ID}`, "/share/Zzzzzzzz", "/share/Broken01"]) {
      const res = await get(path);
      const html = await res.text();
      const found = styles(html);
      expect(found.length).toBe(1);
      expect(found[0]!.length).toBeGreaterThan(1000);
      const hash = createHash("sha256").update(found[0]!, "utf8").digest("base64");
      const csp = res.headers.get("content-security-policy")!;
      const styleSrc = csp.split(";").map((d) => d.trim()).find((d) => d.startsWith("style-src "))!;
      expect(styleSrc.split(" ")).toContain(`'sha256-${hash}'`);
      expect(csp).not.toContain("unsafe-inline");
      expect(csp).not.toContain("unsafe-hashes");
      // scripts stay external: no hash or nonce lets an inline one run
      expect(csp).toContain("script-src 'self';");
      expect(html).not.toMatch(/<script(?![^>]*\bsrc="\/static\/)/);
    }
  });

  test("nothing in <head> holds up the first paint: no stylesheet link, and the one script is deferred", async () => {
    const { source, get } = pagesApp();
    source.put(fixture);
    const head = (await (await get(`/share/${ID}`)).text()).split("</head>")[0]!;
    expect(head).not.toContain('rel="stylesheet"');
    const scripts = [...head.matchAll(/<script[^>]*>/g)].map((m) => m[0]);
    expect(scripts.length).toBe(1);
    expect(scripts[0]).toContain(" defer");
  });
});

describe("theme cookie", () => {
  test("the cookie's theme is written into <html>; none, 'system' or an unknown value leave the page as rendered", async () => {
    const { source, get } = pagesApp();
    source.put(fixture);
    expect(htmlTag(await (await get(`/share/${ID}`, dracula)).text())).toBe(`<html lang="en" data-theme="dracula">`);
    for (const cookie of [undefined, `${THEME_COOKIE}=system`, `${THEME_COOKIE}=hotpink`, `${THEME_COOKIE}="><script>`, `x${THEME_COOKIE}=dracula`]) {
      const html = await (await get(`/share/${ID}`, cookie ? { cookie } : {})).text();
      expect(htmlTag(html)).toBe(`<html lang="en">`);
    }
  });

  test("the cookie is found among others, in any place", () => {
    expect(themeOf(`a=1; ${THEME_COOKIE}=nord; b=2`)).toBe("nord");
    expect(themeOf(`${THEME_COOKIE}=one-dark`)).toBe("one-dark");
    expect(themeOf(`a=1;${THEME_COOKIE}=ayu`)).toBe("ayu");
    expect(themeOf(`${THEME_COOKIE}=`)).toBeNull();
    expect(themeOf(`my${THEME_COOKIE}=nord`)).toBeNull();
    // another cookie whose name ends in ours comes first
    expect(themeOf(`my${THEME_COOKIE}=nord; ${THEME_COOKIE}=dracula`)).toBe("dracula");
    expect(themeOf(`x=${THEME_COOKIE}=nord;${THEME_COOKIE}=gruvbox`)).toBe("gruvbox");
    expect(themeOf(null)).toBeNull();
  });

  test("a themed page has its own ETag, the same one in its body for the live view, and 304s only on it", async () => {
    const { source, get } = pagesApp();
    source.put(fixture);
    const plain = await get(`/share/${ID}`);
    const themed = await get(`/share/${ID}`, dracula);
    const plainTag = plain.headers.get("etag")!;
    const themedTag = themed.headers.get("etag")!;
    expect(themedTag).not.toBe(plainTag);
    expect(bodyEtag(await themed.text())).toBe(themedTag);
    expect(bodyEtag(await plain.text())).toBe(plainTag);
    expect((await get(`/share/${ID}`, { ...dracula, "if-none-match": themedTag })).status).toBe(304);
    // a page cached in another theme is sent again, not confirmed
    expect((await get(`/share/${ID}`, { ...dracula, "if-none-match": plainTag })).status).toBe(200);
    expect((await get(`/share/${ID}`, { "if-none-match": themedTag })).status).toBe(200);
    for (const res of [plain, themed]) expect(res.headers.get("vary")).toBe("Accept-Encoding, Cookie");
  });

  test("the themed page is the page as rendered plus the attribute: same bytes otherwise", async () => {
    const { source, get } = pagesApp();
    source.put(fixture);
    const plain = await get(`/share/${ID}`);
    const themed = await get(`/share/${ID}`, dracula);
    const plainHtml = await plain.text();
    const expected = withTheme(plainHtml, "dracula", { from: plain.headers.get("etag")!, to: themed.headers.get("etag")! });
    expect(await themed.text()).toBe(expected);
    expect(expected).not.toBe(plainHtml);
  });

  test("landing and error pages follow the cookie too", async () => {
    const { source, get } = pagesApp();
    source.putUnreadable("Broken01", "The stored data is not valid JSON.");
    for (const path of ["/", "/share/Zzzzzzzz", "/share/Broken01"]) {
      expect(htmlTag(await (await get(path, dracula)).text())).toBe(`<html lang="en" data-theme="dracula">`);
      expect(htmlTag(await (await get(path)).text())).toBe(`<html lang="en">`);
    }
    const a = await get("/", dracula);
    const b = await get("/");
    expect(a.headers.get("etag")).not.toBe(b.headers.get("etag"));
  });

  test("the Markdown export does not vary by cookie", async () => {
    const { source, get } = pagesApp();
    source.put(fixture);
    const a = await get(`/share/${ID}.md`, dracula);
    const b = await get(`/share/${ID}.md`);
    expect(a.headers.get("vary")).toBe("Accept-Encoding");
    expect(await a.text()).toBe(await b.text());
  });
});

describe("theme cookie on the cached fast path", () => {
  let app: TestApp;
  let shareId: string;
  beforeAll(async () => {
    app = await createTestApp();
    ({ shareId } = await uploadShare(app, shareDataFixture.sessionId, shareDataFixture));
  });
  afterAll(() => app.close());

  test("prebuilt themed answers are the rendered ones, per theme, and never another theme's", async () => {
    const headers = (theme: string) => ({ headers: { cookie: `${THEME_COOKIE}=${theme}`, "accept-encoding": "identity" } });
    const first = { nord: await app.req("GET", `/share/${shareId}`, headers("nord")), ayu: await app.req("GET", `/share/${shareId}`, headers("ayu")) };
    const bodies = { nord: await first.nord.text(), ayu: await first.ayu.text() };
    for (let i = 0; i < 2; i++) {
      for (const theme of ["nord", "ayu"] as const) {
        const again = await app.req("GET", `/share/${shareId}`, headers(theme));
        expect(again.headers.get("etag")).toBe(first[theme].headers.get("etag"));
        expect(await again.text()).toBe(bodies[theme]);
      }
      const plain = await (await app.req("GET", `/share/${shareId}`)).text();
      expect(htmlTag(plain)).toBe(`<html lang="en">`);
    }
    expect(htmlTag(bodies.nord)).toContain(`data-theme="nord"`);
    expect(htmlTag(bodies.ayu)).toContain(`data-theme="ayu"`);
  });
});

describe("long first pages", () => {
  test("a first page of a few huge messages leaves off-screen ones unrendered until scrolled near; a small one stays plain", async () => {
    const { source, get } = pagesApp();
    source.put(fixture);
    source.put(generateSession({ messages: 40, outputChars: 12_000, shareId: "HugeMsgs" }));
    const huge = await (await get("/share/HugeMsgs")).text();
    expect(huge).toContain(`<div id="conversation" class="conversation long">`);
    const small = await (await get(`/share/${ID}`)).text();
    expect(small).toContain(`<div id="conversation" class="conversation">`);
  });
});
