// Hostile share data: nothing that could run or load from elsewhere reaches
// the HTML, broken shapes render, and nothing answers 500.
import { describe, expect, test } from "bun:test";
import { auditHtml } from "./html-audit.ts";
import { hostileShare, PAYLOADS } from "./hostile-corpus.ts";
import { pagesApp } from "./app.ts";

describe("html audit", () => {
  // the audit is the oracle for the tests below, so it must itself catch each kind of leak
  const leaks = [
    "<script>x()</script>",
    '<img src=x onerror="x()">',
    '<a href="javascript:x()">a</a>',
    '<a href=" JAVASCRIPT:x()">a</a>',
    '<img src="data:image/svg+xml;base64,AAAA">',
    "<svg></svg>",
    '<iframe src="/"></iframe>',
    '<div style="background:url(x)">',
    '<meta http-equiv="refresh" content="0">',
    '<base href="https://evil.example/">',
    '<script src="https://evil.example/x.js"></script>',
  ];
  for (const leak of leaks) {
    test(`flags ${leak}`, async () => {
      expect((await auditHtml(`<p>ok</p>${leak}`)).problems.length).toBeGreaterThan(0);
    });
  }
});

describe("hostile corpus", () => {
  test("the share page contains no executable or external content", async () => {
    const { source, get } = pagesApp();
    source.put(hostileShare());
    const res = await get("/share/Hostile1");
    expect(res.status).toBe(200);
    const html = await res.text();
    const audit = await auditHtml(html);
    expect(audit.problems).toEqual([]);
    // the payloads are shown as text, escaped
    expect(html).toContain("&lt;script&gt;window.__pwned=1;document.title=&quot;pwned&quot;&lt;/script&gt;");
    expect(html).not.toContain("<script>window.__pwned");
  });

  test("every page of a hostile share and its Markdown export answer without a server error", async () => {
    const { source, get } = pagesApp();
    source.put(hostileShare());
    for (const path of ["/share/Hostile1", "/share/Hostile1?page=2", "/share/Hostile1?find=m-x", "/share/Hostile1.md"]) {
      expect((await get(path)).status).toBe(200);
    }
  });

  test("the hostile title is escaped in <title>, meta tags and the heading", async () => {
    const { source, get } = pagesApp();
    source.put(hostileShare());
    const html = await (await get("/share/Hostile1")).text();
    const head = html.slice(0, html.indexOf("</head>"));
    expect(head).not.toContain(PAYLOADS[0]);
    expect(head).toContain("<title>&lt;script&gt;");
    expect(head).toMatch(/<meta property="og:title" content="&lt;script&gt;/);
  });

  test("markdown link and image tricks become text, never javascript: or data: links", async () => {
    const { source, get } = pagesApp();
    source.put(hostileShare());
    const html = await (await get("/share/Hostile1")).text();
    expect(html).not.toMatch(/href="\s*(javascript|vbscript|data):/i);
    expect(html).not.toMatch(/src="(?!\/static\/|data:image\/(png|jpeg|gif|webp|avif);base64,)/);
    expect(html).toContain("[click me](javascript:window.__pwned=20)");
    // a remote image becomes a link to it: nothing is fetched from third parties
    expect(html).toContain('<a class="md-img" href="https://evil.example/track.png"');
  });

  test("a broken part is contained: the parts after it still render", async () => {
    const { source, get } = pagesApp();
    source.put(hostileShare());
    const html = await (await get("/share/Hostile1")).text();
    expect(html).toContain("id attack");
    expect(html).toContain("message without info");
    expect(html).toContain("deep");
  });

  test("a 50 MB string renders a bounded page quickly and safely", async () => {
    const { source, get } = pagesApp();
    source.put(hostileShare("Hostile5", 50 * 1024 * 1024));
    let all = "";
    for (let page = 1, pages = 1; page <= pages; page++) {
      const res = await get(`/share/Hostile5?page=${page}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      pages = Number(/page \d+ of (\d+)/.exec(html)?.[1] ?? 1);
      expect(html.length).toBeLessThan(3_000_000);
      expect((await auditHtml(html)).problems).toEqual([]);
      all += html;
    }
    expect(all).toContain("more not shown here");
    expect(all).toContain("&lt;script&gt;window.__pwned=50&lt;/script&gt;xxx");
    const md = await get("/share/Hostile5.md");
    expect(md.status).toBe(200);
    expect((await md.arrayBuffer()).byteLength).toBeGreaterThan(100 * 1024 * 1024);
  }, 60_000);

  test("a share whose data is not an object at all still answers", async () => {
    const { source, get } = pagesApp();
    for (const data of [null, 42, "text", [], { messages: "nope", session: null }, { messages: [null, [], 1] }]) {
      source.put(data as never, "Broken02");
      const res = await get("/share/Broken02");
      expect([200, 422]).toContain(res.status);
      expect((await auditHtml(await res.text())).problems).toEqual([]);
      expect([200, 422]).toContain((await get("/share/Broken02.md")).status);
    }
  });
});
