// Share page benchmarks. Prints, in one run:
//  - uncached render time of generated 100 KB / 2 MB / 20 MB sessions (first
//    page, and every page one after another) as a ratio to JSON.parse +
//    JSON.stringify of the same data, heap growth, and bytes sent (gzip);
//  - cached GET /share/:id req/s and p99 as a ratio to a plain Bun.serve
//    returning the same bytes. Servers run in a child process so the load
//    generator does not steal their CPU.
import { Elysia } from "elysia";
import { heapStats } from "bun:jsc";
import { pagesRoutes } from "../src/routes/pages.tsx";
import { MemorySource } from "../test/helpers/memory-source.ts";
import { SHARE_DATA_PATH } from "../test/helpers/fixtures.ts";
import { generateSession } from "./page-data.ts";
import { fmt, load, table } from "./lib.ts";

const SIZES = [
  { name: "100 KB", messages: 30, outputChars: 3000, target: 100_000 },
  { name: "2 MB", messages: 200, outputChars: 18_000, target: 2_000_000 },
  { name: "20 MB", messages: 2000, outputChars: 18_000, target: 20_000_000 },
];

function sessionOfSize(s: (typeof SIZES)[number], shareId: string) {
  // scale the tool output so the JSON lands near the target size
  let data = generateSession({ messages: s.messages, outputChars: s.outputChars, shareId });
  const size = JSON.stringify(data).length;
  const scaled = Math.max(100, Math.round(s.outputChars * (s.target / size) ** 1.05));
  data = generateSession({ messages: s.messages, outputChars: scaled, shareId });
  return data;
}

function app(source: MemorySource) {
  return new Elysia().use(pagesRoutes({ source, baseUrl: "http://127.0.0.1", cacheBytes: 256 * 1024 * 1024 }));
}

async function serveMode(mode: string) {
  const source = new MemorySource();
  const fixture = await Bun.file(SHARE_DATA_PATH).json();
  source.put(fixture);
  source.put(sessionOfSize(SIZES[2]!, "Big20MBx"));
  const a = app(source);
  if (mode === "pages") {
    a.listen({ hostname: "127.0.0.1", port: 0 });
    console.log(`PORT ${a.server!.port}`);
    return;
  }
  // same bytes and headers, straight from memory
  const canned = new Map<string, { body: ArrayBuffer; headers: Headers }>();
  for (const path of [`/share/${fixture.shareId}`, "/share/Big20MBx"]) {
    const res = await a.handle(new Request(`http://127.0.0.1${path}`));
    canned.set(path, { body: await res.arrayBuffer(), headers: res.headers });
  }
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const c = canned.get(new URL(req.url).pathname);
      return c ? new Response(c.body, { headers: c.headers }) : new Response("no", { status: 404 });
    },
  });
  console.log(`PORT ${server.port}`);
}

async function startChild(mode: string): Promise<{ port: number; kill: () => void }> {
  const p = Bun.spawn(["bun", import.meta.path, "--serve", mode], { stdout: "pipe", stderr: "inherit" });
  const reader = p.stdout.getReader();
  let text = "";
  while (!/PORT \d+/.test(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`child ${mode} exited`);
    text += new TextDecoder().decode(value);
  }
  return { port: Number(/PORT (\d+)/.exec(text)![1]), kill: () => p.kill() };
}

function time(fn: () => void, runs: number): number {
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

async function renderBench() {
  const rows = [];
  for (const s of SIZES) {
    const data = sessionOfSize(s, "Sized001");
    const json = JSON.stringify(data);
    const runs = s.target > 5_000_000 ? 5 : 15;
    const baseline = time(() => JSON.stringify(JSON.parse(json)), runs);
    const source = new MemorySource();
    source.put(data);
    let firstBytes = 0;
    let firstGzip = 0;
    let pages = 1;
    const firstPage: number[] = [];
    const allPages: number[] = [];
    let heapGrowth = 0;
    for (let r = 0; r < runs; r++) {
      const a = app(source); // fresh, empty cache
      Bun.gc(true);
      const heapBefore = heapStats().heapSize;
      let t = performance.now();
      const res = await a.handle(new Request("http://127.0.0.1/share/Sized001", { headers: { "accept-encoding": "identity" } }));
      const body = await res.arrayBuffer();
      firstPage.push(performance.now() - t);
      heapGrowth = Math.max(heapGrowth, heapStats().heapSize - heapBefore);
      if (r === 0) {
        const html = new TextDecoder().decode(body);
        pages = Number(/page 1 of (\d+)/.exec(html)?.[1] ?? 1);
        firstBytes = body.byteLength;
        firstGzip = Bun.gzipSync(new Uint8Array(body)).byteLength;
      }
      t = performance.now();
      for (let p = 2; p <= pages; p++) await (await a.handle(new Request(`http://127.0.0.1/share/Sized001?page=${p}`, { headers: { "accept-encoding": "identity" } }))).arrayBuffer();
      allPages.push(firstPage[firstPage.length - 1]! + performance.now() - t);
    }
    firstPage.sort((a, b) => a - b);
    allPages.sort((a, b) => a - b);
    const med = (x: number[]) => x[Math.floor(x.length / 2)]!;
    rows.push({
      session: `${s.name} (${(json.length / 1e6).toFixed(1)} MB, ${data.messages.length} msgs)`,
      "parse+stringify ms": fmt(baseline, 1),
      "page 1 ms": fmt(med(firstPage), 1),
      "page 1 ratio": fmt(med(firstPage) / baseline),
      [`all pages ms`]: fmt(med(allPages), 1),
      "all ratio": fmt(med(allPages) / baseline),
      pages,
      "heap growth MB": fmt(heapGrowth / 1e6, 1),
      "page 1 KB (gzip)": `${Math.round(firstBytes / 1024)} (${Math.round(firstGzip / 1024)})`,
    });
  }
  console.log("Uncached render (median); goal for 20 MB: ≤ 300 ms and ≤ 3× parse+stringify\n");
  console.log(table(rows));
}

async function cachedBench() {
  const fixtureId = "8O3MpUrh";
  const rows = [];
  for (const [label, path] of [["fixture page", `/share/${fixtureId}`], ["20 MB session, page 1", "/share/Big20MBx"]] as const) {
    const results: Record<string, Awaited<ReturnType<typeof load>>> = {};
    for (const mode of ["plain", "pages"]) {
      const child = await startChild(mode);
      const url = `http://127.0.0.1:${child.port}${path}`;
      await (await fetch(url, { headers: { "accept-encoding": "identity" } })).arrayBuffer(); // fill the cache
      results[mode] = await load(() => new Request(url, { headers: { "accept-encoding": "identity" } }), { seconds: 4, concurrency: 32, warmup: 1 });
      child.kill();
    }
    const [plain, pages] = [results.plain!, results.pages!];
    rows.push({
      page: label,
      "Bun.serve req/s": fmt(plain.rps, 0),
      "pages req/s": fmt(pages.rps, 0),
      ratio: fmt(pages.rps / plain.rps),
      "p99 ms (plain / pages)": `${fmt(plain.p99)} / ${fmt(pages.p99)}`,
      errors: plain.errors + pages.errors,
    });
  }
  console.log("\nCached GET /share/:id vs plain Bun.serve with the same bytes (goal ≥ 0.8×)\n");
  console.log(table(rows));
}

const serveIdx = process.argv.indexOf("--serve");
if (serveIdx > -1) {
  await serveMode(process.argv[serveIdx + 1]!);
} else {
  await renderBench();
  await cachedBench();
}
