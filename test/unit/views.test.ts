// View counting (README, "Views"): who counts as a reader, and the buffer that
// reaches the store at most every few seconds and at shutdown.
import { describe, expect, test } from "bun:test";
import { isReaderRequest, ViewCounter } from "../../src/core/views.ts";
import { eventually } from "../helpers/eventually.ts";

const get = (headers: Record<string, string> = {}, method = "GET") => new Request("http://x/share/AAAAAAAA", { method, headers });

describe("isReaderRequest", () => {
  const rows: Array<[string, Request, boolean]> = [
    ["a browser", get({ "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36" }), true],
    ["curl", get({ "user-agent": "curl/8.5.0" }), true],
    ["no user agent", get(), true],
    ["HEAD", get({}, "HEAD"), false],
    ["Chromium prefetch", get({ "sec-purpose": "prefetch" }), false],
    ["Chromium prerender", get({ "sec-purpose": "prefetch;prerender" }), false],
    ["legacy Purpose header", get({ purpose: "prefetch" }), false],
    ["Firefox prefetch", get({ "x-moz": "prefetch" }), false],
    ["Safari preview", get({ "x-purpose": "preview" }), false],
    ["Googlebot", get({ "user-agent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)" }), false],
    ["bingbot", get({ "user-agent": "Mozilla/5.0 (compatible; bingbot/2.0)" }), false],
    ["a crawler", get({ "user-agent": "SomeCrawler/1.0" }), false],
    ["a spider", get({ "user-agent": "Baiduspider" }), false],
    ["Slack link preview", get({ "user-agent": "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)" }), false],
    ["Discord", get({ "user-agent": "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)" }), false],
    ["Facebook", get({ "user-agent": "facebookexternalhit/1.1" }), false],
    ["WhatsApp", get({ "user-agent": "WhatsApp/2.23.20.0" }), false],
    ["a link preview service", get({ "user-agent": "Mozilla/5.0 LinkPreview/1.0" }), false],
  ];
  for (const [name, req, want] of rows) test(`${name}: ${want ? "counts" : "does not count"}`, () => expect(isReaderRequest(req)).toBe(want));
});

describe("ViewCounter", () => {
  function fakeStore() {
    const writes: Array<Array<[string, number]>> = [];
    let fail = false;
    return {
      writes,
      failNext: () => (fail = true),
      async addViews(counts: Array<[string, number]>) {
        if (fail) {
          fail = false;
          throw new Error("store down");
        }
        writes.push(counts);
      },
    };
  }

  test("counts in memory and writes one batch per flush", async () => {
    const store = fakeStore();
    const v = new ViewCounter(store);
    v.count("AAAAAAAA");
    v.count("AAAAAAAA");
    v.count("BBBBBBBB");
    expect(store.writes).toEqual([]);
    expect(v.unwritten("AAAAAAAA")).toBe(2);
    await v.flush();
    expect(store.writes).toEqual([[["AAAAAAAA", 2], ["BBBBBBBB", 1]]]);
    expect(v.unwritten("AAAAAAAA")).toBe(0);
    await v.flush();
    expect(store.writes.length).toBe(1);
  });

  test("a failed write keeps the counts for the next flush", async () => {
    const store = fakeStore();
    const logs: string[] = [];
    const v = new ViewCounter(store, (l) => logs.push(l));
    v.count("AAAAAAAA");
    store.failNext();
    await v.flush();
    expect(logs[0]).toContain("store down");
    v.count("AAAAAAAA");
    expect(v.unwritten("AAAAAAAA")).toBe(2);
    await v.flush();
    expect(store.writes).toEqual([[["AAAAAAAA", 2]]]);
  });

  test("views counted while a flush runs are written by the next one, and shown meanwhile", async () => {
    let release!: () => void;
    const writes: Array<Array<[string, number]>> = [];
    const v = new ViewCounter({
      addViews: async (c) => {
        writes.push(c);
        if (writes.length === 1) await new Promise<void>((r) => (release = r));
      },
    });
    v.count("AAAAAAAA");
    const first = v.flush();
    v.count("AAAAAAAA");
    expect(v.unwritten("AAAAAAAA")).toBe(2);
    release();
    await first;
    await v.stop();
    expect(writes).toEqual([[["AAAAAAAA", 1]], [["AAAAAAAA", 1]]]);
  });

  test("the timer flushes by itself, and stop writes what is left", async () => {
    const store = fakeStore();
    const v = new ViewCounter(store);
    v.start(20);
    v.count("AAAAAAAA");
    await eventually("the timer's flush", () => store.writes.length > 0, Boolean, { timeoutMs: 2000, intervalMs: 10 });
    expect(store.writes).toEqual([[["AAAAAAAA", 1]]]);
    v.count("BBBBBBBB");
    await v.stop();
    expect(store.writes.at(-1)).toEqual([["BBBBBBBB", 1]]);
  });
});
