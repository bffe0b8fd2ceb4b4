// Share page benchmarks. Prints, in one run:
//  - uncached render time of generated 100 KB / 2 MB / 20 MB sessions (first
//    page, and every page one after another) as a ratio to JSON.parse +
//    JSON.stringify of the same data, heap growth, and bytes sent (gzip).
// Cached page throughput is measured from outside, in page-cached.ts.
import { Elysia } from "elysia";
import { heapStats } from "bun:jsc";
import { pagesRoutes } from "../src/routes/pages.tsx";
import { MemorySource } from "../test/helpers/memory-source.ts";
import { generateSession } from "../test/helpers/sessions.ts";
import { fmt, table } from "./lib.ts";

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

async function app(source: MemorySource) {
  return new Elysia().use(await pagesRoutes({ source, baseUrl: "http://127.0.0.1", cacheBytes: 256 * 1024 * 1024 }));
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
      const a = await app(source); // fresh, empty cache
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

await renderBench();
