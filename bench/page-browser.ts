// The share page in headless Chromium, against the real compiled server.
// Prints, in one run, for the 21 KB fixture and generated ~2 MB / ~20 MB
// sessions: navigation → first message painted, → last message of the first
// screen and of the page painted, longest main-thread task, JS heap, bytes
// transferred, DOM size, content with JavaScript off, and whether every
// message is reachable. The same figures for a plain static HTML page of the
// same byte size served by a bare Bun.serve are the baseline: times are also
// given as ratios to it, so the numbers compare across machines.
//
// The baseline answers with the share page's own security headers (CSP,
// Cross-Origin-Opener-Policy, ...): the comparison is of our markup, CSS and
// JS, which the headers are not. Cross-Origin-Opener-Policy alone makes
// Chromium move a tab that opened at about:blank (every load here) into a new
// browsing context group and a new renderer process, which a user arriving from
// another site needs anyway; measured from the blank tab it added 200-400 ms
// to the bare page on this machine. The ratio to the same page without the
// headers is printed beside it.
//
// How "painted" is measured: an init script (it runs before the document is
// parsed) checks, in every requestAnimationFrame, how many messages the parser
// has put into #conversation so far, and stamps the new ones with the time of
// a task posted from that callback. rAF callbacks run only when the document
// may render (never while the stylesheet still blocks rendering), and the
// posted task runs after that frame's style, layout and paint, so the stamp is
// when the message first reached the screen (within one frame). Element Timing
// would need markup on every message and reports only what is inside the
// viewport; this works the same for the baseline page.
//
// Asking for frames changes when Chromium renders during parsing (in A/B
// loads it painted earlier and reported the cold first layout as a longer
// task), so the other figures (long tasks, first contentful paint, load,
// heap, DOM, bytes) come from separate loads that only register passive
// PerformanceObservers.
//
// On a shared machine a task's wall time is mostly time spent waiting for a
// CPU, so a third load of each kind records a Chromium trace and reports
// the CPU time (thread time) of the page's costliest main-thread task: the
// work the page itself asked for, whatever else runs.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { SHARE_DATA_PATH } from "../test/helpers/fixtures.ts";
import { launchChromium } from "../test/browser/chromium.ts";
import { buildBinary, startBinary, type Server } from "../test/helpers/binary.ts";
import { messageAnchor } from "../views/message.tsx";
import { generateSession } from "../test/helpers/sessions.ts";
import { fmt, reportRow, table, median } from "./lib.ts";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SECURITY_HEADERS = ["content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options", "cross-origin-opener-policy", "cross-origin-resource-policy"];
const VIEWPORT = { width: 1280, height: 800 };
const FIXTURE = SHARE_DATA_PATH;

// ---------------------------------------------------------------- baseline server

// `--baseline DIR`: a bare Bun.serve handing out DIR/<name>.html, in its own
// process like the real server, so neither competes with the benchmark's CDP traffic.
if (process.argv[2] === "--baseline") {
  const dir = process.argv[3]!;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const name = new URL(req.url).pathname.slice(1);
      const stem = join(dir, name.replace(/[^\w-]/g, ""));
      const file = Bun.file(`${stem}.html`);
      if (!(await file.exists())) return new Response("no", { status: 404 });
      const headers = Bun.file(`${stem}.headers.json`);
      const extra = (await headers.exists()) ? ((await headers.json()) as Record<string, string>) : {};
      return new Response(await file.arrayBuffer(), { headers: { ...extra, "Content-Type": "text/html; charset=utf-8" } });
    },
  });
  console.log(`PORT ${server.port}`);
  await new Promise(() => {});
}

async function startBaseline(dir: string): Promise<{ url: string; kill: () => void }> {
  const p = Bun.spawn(["bun", import.meta.path, "--baseline", dir], { stdout: "pipe", stderr: "inherit" });
  const reader = p.stdout.getReader();
  let text = "";
  while (!/PORT \d+/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error("baseline server exited");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { url: `http://127.0.0.1:${/PORT (\d+)/.exec(text)![1]}`, kill: () => p.kill() };
}

/** Plain HTML of exactly `bytes` bytes: `messages` articles of text in #conversation, no CSS, no JS. */
function baselineHtml(bytes: number, messages: number): string {
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>baseline</title></head><body><main id="conversation">`;
  const tail = `</main></body></html>`;
  const n = Math.max(1, messages);
  const per = Math.max(40, Math.floor((bytes - head.length - tail.length) / n));
  const line = "the agent reads files runs commands edits code and explains what changed. ";
  let body = "";
  for (let i = 0; i < n; i++) {
    const open = `<article id="b${i}"><p>`;
    const close = `</p></article>`;
    const room = Math.max(1, per - open.length - close.length);
    body += open + line.repeat(Math.ceil(room / line.length)).slice(0, room) + close;
  }
  let html = head + body + tail;
  if (html.length < bytes) html = html.replace(tail, `<p>${"x".repeat(Math.max(0, bytes - html.length - 7))}</p>${tail}`);
  return html;
}

// ---------------------------------------------------------------- sessions

interface Session {
  label: string;
  data: { shareId: string; sessionId: string; messages: unknown[] };
  json: string;
}

/** Generated session with tool outputs scaled so the JSON lands near `target` bytes. */
function generated(label: string, shareId: string, messages: number, target: number): Session {
  let outputChars = 18_000;
  let data = generateSession({ messages, outputChars, shareId, seed: 7 });
  let json = JSON.stringify(data);
  outputChars = Math.max(100, Math.round(outputChars * (target / json.length) ** 1.05));
  data = generateSession({ messages, outputChars, shareId, seed: 7 });
  json = JSON.stringify(data);
  return { label, data, json };
}

/** The upload protocol over HTTP: presign, then PUT the ShareData to the returned URL. */
async function share(server: Server, s: Session): Promise<void> {
  const res = await fetch(`${server.url}/api/share/presign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ shareId: s.data.shareId, sessionId: s.data.sessionId, size: Buffer.byteLength(s.json) }),
  });
  if (res.status !== 200) throw new Error(`presign ${s.label}: ${res.status} ${await res.text()}`);
  const { presignedUrl } = (await res.json()) as { presignedUrl: string };
  const put = await fetch(presignedUrl, { method: "PUT", body: s.json, headers: { "content-type": "application/json" } });
  if (put.status !== 200) throw new Error(`upload ${s.label}: ${put.status} ${await put.text()}`);
}

// ---------------------------------------------------------------- in-page probe

interface Probe {
  stamps: number[];
  longest: number;
  longTasks: number;
  fcp: number;
}

/** Runs in every document before its own scripts; see the method note at the top. */
function installProbe(withFrames: boolean) {
  const probe = { stamps: [] as number[], longest: 0, longTasks: 0, fcp: NaN };
  (window as unknown as { __probe: typeof probe }).__probe = probe;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        probe.longTasks++;
        probe.longest = Math.max(probe.longest, e.duration);
      }
    }).observe({ type: "longtask", buffered: true });
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === "first-contentful-paint") probe.fcp = e.startTime;
    }).observe({ type: "paint", buffered: true });
  } catch {}
  if (!withFrames) return;
  const seen = { n: 0 };
  const channel = new MessageChannel();
  let waiting = 0;
  channel.port1.onmessage = () => {
    const now = performance.now();
    while (probe.stamps.length < waiting) probe.stamps.push(now);
  };
  const frame = () => {
    const conv = document.getElementById("conversation");
    const n = conv ? conv.children.length : 0;
    if (n > seen.n) {
      seen.n = n;
      waiting = n;
      channel.port2.postMessage(0);
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

interface Measure {
  /** Thread (CPU) time of the page's costliest main-thread task, from a traced load. */
  longestCpu: number;
  /** Main-thread CPU time from the start of the load to the first contentful paint, from a traced load. */
  cpuToFcp: number;
  firstMsg: number;
  firstScreen: number;
  lastMsg: number;
  load: number;
  fcp: number;
  longest: number;
  longTasks: number;
  heapMB: number;
  domHeapMB: number;
  elements: number;
  transferKB: number;
  requests: number;
  messages: number;
}

/**
 * From a trace of one load: the thread time of the costliest top-level task on
 * the main thread that parsed `url`, and of all its tasks before the first
 * contentful paint, in ms.
 */
function mainThreadCpu(trace: Buffer, url: string): { costliest: number; toFcp: number } {
  const parsed = JSON.parse(trace.toString()) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const parse = events.find((e) => e.name === "ParseHTML" && e.args?.beginData?.url === url);
  if (!parse) return { costliest: NaN, toFcp: NaN };
  const fcp = events.find((e) => e.name === "firstContentfulPaint" && e.pid === parse.pid);
  let end = -1;
  let most = 0;
  let toFcp = 0;
  const tasks = events
    .filter((e) => e.pid === parse.pid && e.tid === parse.tid && e.ph === "X" && (e.name === "ThreadControllerImpl::RunTask" || e.name === "RunTask"))
    .sort((a, b) => a.ts - b.ts);
  for (const t of tasks) {
    if (t.ts < end) continue; // nested in the task before
    end = t.ts + (t.dur ?? 0);
    const cpu = (t.tdur ?? t.dur ?? 0) / 1000;
    most = Math.max(most, cpu);
    if (fcp && t.ts < fcp.ts) toFcp += cpu;
  }
  return { costliest: most, toFcp: fcp ? toFcp : NaN };
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { beginData?: { url?: string } };
}

/** One cold load in a fresh browser context (empty cache, no cookies). */
async function measureOnce(browser: Browser, url: string, withFrames: boolean, traced = false): Promise<Measure> {
  const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: "light" });
  try {
    await context.addInitScript(installProbe, withFrames);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    let bytes = 0;
    let requests = 0;
    cdp.on("Network.loadingFinished", (e) => {
      bytes += e.encodedDataLength;
      requests++;
    });
    if (traced) await browser.startTracing(page, { categories: ["devtools.timeline", "disabled-by-default-devtools.timeline"] });
    await page.goto(url, { waitUntil: "load" });
    await settle(page);
    const cpu = traced ? mainThreadCpu(await browser.stopTracing(), url) : { costliest: NaN, toFcp: NaN };
    const r = await page.evaluate((vh) => {
      const probe = (window as unknown as { __probe: Probe }).__probe;
      const conv = document.getElementById("conversation");
      const msgs = conv ? Array.from(conv.children) : [];
      let screenLast = 0;
      msgs.forEach((m, i) => {
        if (m.getBoundingClientRect().top < vh) screenLast = i;
      });
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
      return {
        probe,
        messages: msgs.length,
        screenLast,
        load: nav ? nav.loadEventEnd : NaN,
        elements: document.getElementsByTagName("*").length,
      };
    }, VIEWPORT.height);
    // usedSize is V8's heap (JS objects); embedderHeapUsedSize is Blink's
    // garbage-collected heap, where the DOM of a server-rendered page lives.
    const heap = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number; embedderHeapUsedSize?: number };
    const s = r.probe.stamps;
    return {
      longestCpu: cpu.costliest,
      cpuToFcp: cpu.toFcp,
      firstMsg: s[0] ?? NaN,
      firstScreen: s[r.screenLast] ?? NaN,
      lastMsg: s[r.messages - 1] ?? NaN,
      load: r.load,
      fcp: r.probe.fcp,
      longest: r.probe.longest,
      longTasks: r.probe.longTasks,
      heapMB: heap.usedSize / 1e6,
      domHeapMB: (heap.embedderHeapUsedSize ?? NaN) / 1e6,
      elements: r.elements,
      transferKB: bytes / 1024,
      requests,
      messages: r.messages,
    };
  } finally {
    await context.close();
  }
}

/** Waits until the page has been idle for a while, so work scheduled after `load` is counted too. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((done) => {
        let last = performance.now();
        let quiet = 0;
        const tick = () => {
          const now = performance.now();
          quiet = now - last < 50 ? quiet + 1 : 0;
          last = now;
          if (quiet >= 15) done();
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }),
  );
}


interface Summary extends Measure {
  /** Worst run's longest task; `longest` is the median run's. */
  worstTask: number;
}

function summarize(runs: Measure[]): Summary {
  const m = {} as Summary;
  for (const k of Object.keys(runs[0]!) as Array<keyof Measure>) m[k] = median(runs.map((r) => r[k]));
  m.worstTask = Math.max(...runs.map((r) => r.longest));
  return m;
}

/**
 * Loads the share page and its baseline alternately, RUNS times each, so a
 * burst of other work on the machine hits both; ratios are medians of the
 * per-pair ratios.
 */
async function measurePair(browser: Browser, url: string, baselineUrl: (messages: number) => { base: string; bare: string }) {
  // first contact: Chromium's own start-up work and the server's render are not the page's
  const warm = await measureOnce(browser, url, false);
  const { base, bare } = baselineUrl(warm.messages);
  await measureOnce(browser, base, false);
  const mine: Measure[] = [];
  const theirs: Measure[] = [];
  // the baseline page without the share page's headers: its last message painted, per run
  const bareLast: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const [m, b] = [await measureOnce(browser, url, false), await measureOnce(browser, base, false)];
    const [mf, bf, nf] = [await measureOnce(browser, url, true), await measureOnce(browser, base, true), await measureOnce(browser, bare, true)];
    bareLast.push(nf.lastMsg);
    const [mt, bt] = [await measureOnce(browser, url, false, true), await measureOnce(browser, base, false, true)];
    for (const [passive, traced] of [[m, mt], [b, bt]] as const) {
      passive.longestCpu = traced.longestCpu;
      passive.cpuToFcp = traced.cpuToFcp;
    }
    for (const [passive, framed] of [[m, mf], [b, bf]] as const) {
      passive.firstMsg = framed.firstMsg;
      passive.firstScreen = framed.firstScreen;
      passive.lastMsg = framed.lastMsg;
    }
    mine.push(m);
    theirs.push(b);
  }
  const ratio = (k: keyof Measure) => median(mine.map((r, i) => r[k] / theirs[i]![k]));
  return {
    m: summarize(mine),
    b: summarize(theirs),
    bareLastMsg: median(bareLast),
    ratio: { lastMsgBare: median(mine.map((r, i) => r.lastMsg / bareLast[i]!)), longestCpu: ratio("longestCpu"), cpuToFcp: ratio("cpuToFcp"), firstMsg: ratio("firstMsg"), lastMsg: ratio("lastMsg"), load: ratio("load"), complete: median(mine.map((r, i) => Math.max(r.lastMsg, r.load) / Math.max(theirs[i]!.lastMsg, theirs[i]!.load))) },
  };
}

// ---------------------------------------------------------------- correctness checks

/** With JavaScript off: number of messages in #conversation and whether first and last show text. */
async function withoutJs(browser: Browser, url: string): Promise<{ messages: number; text: boolean }> {
  const context = await browser.newContext({ viewport: VIEWPORT, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    const msgs = page.locator("#conversation > article.msg");
    const n = await msgs.count();
    // textContent, not innerText: later pages leave off-screen messages unrendered (content-visibility)
    const text = n > 0 && (await msgs.first().isVisible()) && (await msgs.first().innerText()).trim().length > 0 && ((await msgs.last().textContent()) ?? "").trim().length > 0;
    return { messages: n, text };
  } finally {
    await context.close();
  }
}

/** Follows "Next →" links with JavaScript off, collecting message anchors of every page. */
async function crawl(browser: Browser, url: string): Promise<{ pages: string[]; ids: string[] }> {
  const context = await browser.newContext({ viewport: VIEWPORT, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const pages: string[] = [];
    const ids: string[] = [];
    let next: string | null = url;
    while (next && pages.length < 1000) {
      await page.goto(next, { waitUntil: "domcontentloaded" });
      pages.push(page.url());
      ids.push(...(await page.$$eval("#conversation > article.msg", (els) => els.map((e) => e.id))));
      const href = await page.locator("a[rel=next]").first().getAttribute("href").catch(() => null);
      next = href ? new URL(href, page.url()).toString() : null;
    }
    return { pages, ids };
  } finally {
    await context.close();
  }
}

/** Opens page 1 with the last message's permalink; app.js must send the browser to the page holding it. */
async function permalink(browser: Browser, url: string, anchor: string): Promise<{ ok: boolean; ms: number; landed: string }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    const t = performance.now();
    await page.goto(`${url}#${anchor}`, { waitUntil: "load" });
    const el = page.locator(`[id="${anchor}"]`);
    await el.waitFor({ state: "attached", timeout: 15_000 }).catch(() => {});
    await page.waitForLoadState("load");
    const ok = (await el.count()) === 1 && (await el.isVisible()) && (await el.evaluate((e) => {
      const r = e.getBoundingClientRect();
      return r.top < innerHeight && r.bottom > 0;
    }));
    return { ok, ms: performance.now() - t, landed: new URL(page.url()).search };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------- main

const tmp = mkdtempSync(join(tmpdir(), "bs-bench-browser-"));
let server: Server | undefined;
let baseline: { url: string; kill: () => void } | undefined;
let browser: Browser | undefined;
let binary: string | undefined;
const cleanup = async () => {
  await browser?.close().catch(() => {});
  await server?.stop().catch(() => {});
  baseline?.kill();
  rmSync(tmp, { recursive: true, force: true });
  if (binary) rmSync(dirname(binary), { recursive: true, force: true }); // ~110 MB per run otherwise
};
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void cleanup().then(() => process.exit(130)));

const load0 = loadavg()[0]!;
let rowLine: Parameters<typeof reportRow>[0] | undefined;
// BENCH_SESSIONS=fixture or "20 MB": one session only, reported as a row of the speed table (page-small.ts, page-long-task.ts)
const only = process.env.BENCH_SESSIONS?.split(",").map((x) => x.trim());
try {
  const fixtureJson = await Bun.file(FIXTURE).text();
  const fixture = JSON.parse(fixtureJson);
  const sessions: Session[] = [
    { label: "fixture", data: fixture, json: fixtureJson },
    generated("2 MB", "Size02MB", 200, 2_000_000),
    generated("20 MB", "Size20MB", 2000, 20_000_000),
  ].filter((x) => !only || only.includes(x.label));

  binary = buildBinary();
  server = await startBinary(binary, {
    DATA_DIR: join(tmp, "data"),
    RATE_LIMIT_SHARES_PER_HOUR: "1000000",
    RATE_LIMIT_REQUESTS_PER_MINUTE: "1000000",
  });
  for (const s of sessions) await share(server, s);

  // What each page is: the first page of every session, plus the heaviest
  // later page of the multi-page ones (every page must stay usable, not just the first).
  interface Target { label: string; session: Session; url: string; html: number; gzip: number; serverMs: number; headers: Record<string, string> }
  const targets: Target[] = [];
  const crawls = new Map<Session, Awaited<ReturnType<typeof crawl>>>();
  browser = await launchChromium();
  const sizeOf = async (url: string) => {
    const t = performance.now();
    const res = await fetch(url, { headers: { "accept-encoding": "identity" } });
    const raw = await res.arrayBuffer();
    const serverMs = performance.now() - t;
    // the page's security headers, for its baseline (see the note at the top)
    const headers = Object.fromEntries(SECURITY_HEADERS.flatMap((k) => (res.headers.has(k) ? [[k, res.headers.get(k)!]] : [])));
    const gz = await (await fetch(url, { headers: { "accept-encoding": "gzip" }, decompress: false } as RequestInit)).arrayBuffer();
    return { html: raw.byteLength, gzip: gz.byteLength, serverMs, headers };
  };
  for (const s of sessions) {
    const url = `${server.url}/share/${s.data.shareId}`;
    targets.push({ label: `${s.label} · page 1`, session: s, url, ...(await sizeOf(url)) });
    const c = await crawl(browser, url);
    crawls.set(s, c);
    if (c.pages.length > 1) {
      let best: Target | undefined;
      for (const p of c.pages.slice(1)) {
        const t = { label: "", session: s, url: p, ...(await sizeOf(p)) };
        if (!best || t.html > best.html) best = t;
      }
      best!.label = `${s.label} · ${new URL(best!.url).search.slice(1).replace("=", " ")} (largest)`;
      targets.push(best!);
    }
  }

  baseline = await startBaseline(tmp);
  const rows: Array<Record<string, string | number>> = [];
  const baseRows: Array<Record<string, string | number>> = [];
  const results = new Map<Target, Awaited<ReturnType<typeof measurePair>> & { noJs: Awaited<ReturnType<typeof withoutJs>> }>();
  for (const [i, t] of targets.entries()) {
    const { m, b, ratio, bareLastMsg } = await measurePair(browser, t.url, (messages) => {
      writeFileSync(join(tmp, `b${i}.html`), baselineHtml(t.html, messages));
      writeFileSync(join(tmp, `b${i}.headers.json`), JSON.stringify(t.headers));
      writeFileSync(join(tmp, `n${i}.html`), baselineHtml(t.html, messages));
      return { base: `${baseline!.url}/b${i}`, bare: `${baseline!.url}/n${i}` };
    });
    const noJs = await withoutJs(browser, t.url);
    results.set(t, { m, b, ratio, noJs, bareLastMsg });
    const longest = (x: Summary) => `${x.longest ? fmt(x.longest, 0) : "< 50"} / ${x.worstTask ? fmt(x.worstTask, 0) : "< 50"}`;
    rows.push({
      page: t.label,
      "HTML KB (gzip)": `${Math.round(t.html / 1024)} (${Math.round(t.gzip / 1024)})`,
      msgs: m.messages,
      "FCP ms": fmt(m.fcp, 0),
      "first msg ms (×base)": `${fmt(m.firstMsg, 0)} (${fmt(ratio.firstMsg)}×)`,
      "first screen ms": fmt(m.firstScreen, 0),
      "last msg ms (×base)": `${fmt(m.lastMsg, 0)} (${fmt(ratio.lastMsg)}×)`,
      "load ms (×base)": `${fmt(m.load, 0)} (${fmt(ratio.load)}×)`,
      "longest task ms (median / worst)": longest(m),
      "its CPU ms (×base)": `${fmt(m.longestCpu, 0)} (${fmt(ratio.longestCpu)}×)`,
      "CPU to FCP ms (×base)": `${fmt(m.cpuToFcp, 0)} (${fmt(ratio.cpuToFcp)}×)`,
      "JS heap MB": fmt(m.heapMB, 1),
      "DOM heap MB": fmt(m.domHeapMB, 1),
      "DOM elements": m.elements,
      "transferred KB (reqs)": `${fmt(m.transferKB, 1)} (${m.requests})`,
      "JS off": noJs.text && noJs.messages === m.messages ? `yes, ${noJs.messages} msgs` : `NO (${noJs.messages} msgs)`,
    });
    baseRows.push({
      "baseline for": t.label,
      "HTML KB": Math.round(t.html / 1024),
      "FCP ms": fmt(b.fcp, 0),
      "first article ms": fmt(b.firstMsg, 0),
      "last article ms": fmt(b.lastMsg, 0),
      "last article ms without headers (ours ×)": `${fmt(bareLastMsg, 0)} (${fmt(ratio.lastMsgBare)}×)`,
      "load ms": fmt(b.load, 0),
      "longest task ms (median / worst)": longest(b),
      "its CPU ms": fmt(b.longestCpu, 0),
      "CPU to FCP ms": fmt(b.cpuToFcp, 0),
      "JS heap MB": fmt(b.heapMB, 1),
      "DOM heap MB": fmt(b.domHeapMB, 1),
      "DOM elements": b.elements,
      "transferred KB": fmt(b.transferKB, 1),
    });
  }

  // Every message reachable: the crawl saw each message exactly once, in order,
  // and the last message's permalink opened from page 1 lands on it.
  const reach: Array<Record<string, string | number>> = [];
  const reachable = new Map<Session, boolean>();
  for (const s of sessions) {
    const c = crawls.get(s)!;
    const unique = new Set(c.ids).size;
    const expected = s.data.messages.map((m, i) => messageAnchor((m as { info: Record<string, unknown> }).info, i));
    const inOrder = c.ids.length === expected.length && c.ids.every((id, i) => id === expected[i]);
    const lastId = expected[expected.length - 1] ?? "";
    const link = await permalink(browser, `${server.url}/share/${s.data.shareId}`, lastId);
    const ok = inOrder && link.ok;
    reachable.set(s, ok);
    reach.push({
      session: `${s.label} (${(s.json.length / 1e6).toFixed(2)} MB JSON)`,
      messages: s.data.messages.length,
      pages: c.pages.length,
      "seen by following Next (JS off)": `${unique}${c.ids.length !== unique ? ` (+${c.ids.length - unique} repeats)` : ""}${inOrder ? ", in order" : ", NOT in order"}`,
      "last permalink from page 1": link.ok ? `lands (${link.landed || "same page"}, ${fmt(link.ms, 0)} ms)` : "FAILS",
      reachable: ok ? "all" : "NO",
    });
  }

  const first = (label: string) => [...results.entries()].find(([t]) => t.label === `${label} · page 1`)?.[1];
  const byPrefix = (label: string) => [...results.entries()].filter(([t]) => t.session.label === label);
  const ms = (x: number) => (x ? `${fmt(x, 0)} ms` : "< 50 ms");
  const fix = first("fixture");
  const big = first("20 MB");
  const goal = (what: string, target: string, value: string, met: boolean, ratio = "") => ({ goal: what, target, measured: value, "×base": ratio, status: met ? "met" : "not met" });
  const goals: Array<ReturnType<typeof goal>> = [];
  const heapOf = (x: Measure) => x.heapMB + (Number.isFinite(x.domHeapMB) ? x.domHeapMB : 0);
  // A run with no task over 50 ms reports 0: count it as 50 so ratios stay meaningful.
  const task = (x: number) => Math.max(50, x || 0);
  if (big) {
    // The verdict takes the median run: on a busy machine the worst run also
    // shows long tasks on the bare baseline page, so it measures the machine.
    const bigTask = Math.max(...byPrefix("20 MB").map(([, r]) => r.m.longest));
    const bigWorst = Math.max(...byPrefix("20 MB").map(([, r]) => r.m.worstTask));
    const baseTask = Math.max(...byPrefix("20 MB").map(([, r]) => r.b.longest));
    const baseWorst = Math.max(...byPrefix("20 MB").map(([, r]) => r.b.worstTask));
    const bigHeap = Math.max(...byPrefix("20 MB").map(([, r]) => heapOf(r.m)));
    const bigSession = sessions.find((s) => s.label === "20 MB")!;
    // both readings of "first content" must meet it: the first message painted, and FCP from loads that request no frames
    goals.push(
      goal("20 MB: first content (first message painted; FCP)", "≤ 300 ms", `${fmt(big.m.firstMsg, 0)} ms; FCP ${fmt(big.m.fcp, 0)} ms`, big.m.firstMsg <= 300 && big.m.fcp <= 300, `${fmt(big.ratio.firstMsg)}×`),
      goal("20 MB: longest main-thread task (any page, median run)", "≤ 100 ms", `${ms(bigTask)} (worst run ${ms(bigWorst)}; bare page's worst ${ms(baseWorst)})`, bigTask <= 100),
      goal("20 MB: heap, JS + DOM (any page)", "≤ 50 MB", `${fmt(bigHeap, 1)} MB`, bigHeap <= 50, `${fmt(heapOf(big.m) / heapOf(big.b))}×`),
      goal("20 MB: every message reachable", "all, permalinks work", reachable.get(bigSession) ? "all" : "no", reachable.get(bigSession)!),
      goal("20 MB: content with JS off", "yes", big.noJs.text ? "yes" : "no", big.noJs.text),
    );
    const ratio = task(bigTask) / task(baseTask);
    // the same comparison in CPU time, from the traced loads: what the page costs, not how long it waited
    const bigCpu = Math.max(...byPrefix("20 MB").map(([, r]) => r.m.longestCpu));
    const baseCpu = Math.max(...byPrefix("20 MB").map(([, r]) => r.b.longestCpu));
    rowLine = {
      row: "20 MB session, longest main-thread task ÷ same HTML without CSS/JS",
      today: "2.6–2.8× (174–179 ms)",
      goal: "≤ 1.2×, or no task over 50 ms",
      now: `${fmt(ratio)}× (${ms(bigTask)} vs ${ms(baseTask)}, medians); its CPU time ${fmt(bigCpu / baseCpu)}× (${fmt(bigCpu, 0)} vs ${fmt(baseCpu, 0)} ms)`,
      met: ratio <= 1.2 || bigTask === 0,
    };
  }
  if (fix) {
    // complete: the last message painted and the load event (styles, scripts) done
    const fixComplete = Math.max(fix.m.lastMsg, fix.m.load);
    goals.push(
      goal("small (21 KB fixture): complete page", "≤ 100 ms", `${fmt(fixComplete, 0)} ms`, fixComplete <= 100, `${fmt(fix.ratio.complete)}×`),
      goal("small (21 KB fixture): transferred", "≤ 75 KB", `${fmt(fix.m.transferKB, 1)} KB`, fix.m.transferKB <= 75, `${fmt(fix.m.transferKB / fix.b.transferKB)}×`),
    );
    if (!big)
      rowLine = {
        row: "small session, navigation → last message visible ÷ same HTML without CSS/JS",
        today: "1.07–1.58×",
        goal: "≤ 1.2×",
        now: `${fmt(fix.ratio.lastMsg)}× (${fmt(fix.m.lastMsg, 0)} ms vs ${fmt(fix.b.lastMsg, 0)} ms, medians); main-thread CPU to first paint ${fmt(fix.ratio.cpuToFcp)}× (${fmt(fix.m.cpuToFcp, 0)} vs ${fmt(fix.b.cpuToFcp, 0)} ms); ÷ the baseline without our security headers ${fmt(fix.ratio.lastMsgBare)}× (vs ${fmt(fix.bareLastMsg, 0)} ms)`,
        met: fix.ratio.lastMsg <= 1.2,
      };
  }
  const load1 = loadavg()[0]!;
  const version = browser.version();
  console.log(`Share page in headless Chromium ${version}, cold cache (fresh context per load), viewport ${VIEWPORT.width}×${VIEWPORT.height},`);
  console.log(`median of ${RUNS} loads of each kind, each paired with a baseline load (×base: median of the pairs' ratios); compiled server, embedded stores, render cache warm.`);
  console.log(`Load average (1 min) at start ${fmt(load0, 1)}, at end ${fmt(load1, 1)} on ${navigator.hardwareConcurrency} CPUs: other work on the machine shows in the times, less in the ratios.\n`);
  console.log(table(rows));
  console.log(`\nBaseline: plain static HTML of the same byte size (articles of text, no CSS/JS, uncompressed) from a bare Bun.serve, with the share page's security headers; "without headers": the same page without them\n`);
  console.log(table(baseRows));
  console.log(`\nEvery message reachable\n`);
  console.log(table(reach));
  console.log(`\nGoals (issue 4)\n`);
  console.log(table(goals));
  const firstPages = targets.filter((t) => t.label.endsWith("page 1"));
  if (rowLine && only) reportRow(rowLine);
  console.log(`\nServer, first (uncached) response of page 1, uncompressed: ${firstPages.map((t) => `${t.session.label} ${fmt(t.serverMs, 0)} ms`).join(", ")}`);
} finally {
  await cleanup();
}
