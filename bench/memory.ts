// Memory under sustained load: RSS of the compiled server (embedded stores,
// log to a file) before, during and after 200,000 mixed requests sent by a
// separate process (bench/_memory-load.ts). Syncs keep changing one native
// share (so its page is re-rendered all along) without growing it.
// Goal: RSS at the end within 10 % of its level after the first 10,000
// requests. A leak grows with the request count; warm-up levels off.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { shareDataFixture } from "../test/helpers/fixtures.ts";
import { cleanup, load1, reportRow, shareOn, startOurs } from "./_outside.ts";

const TOTAL = Number(process.env.BENCH_MEMORY_REQUESTS ?? 200_000);
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;

try {
  const s = await startOurs();
  const uploadId = await shareOn(s.url, JSON.stringify({ ...shareDataFixture, shareId: "MemUpld1", sessionId: "ses_memorymemoryMemUpld1" }));
  const sessionId = "ses_memorymemoryMemNatv";
  const n = (await (await fetch(`${s.url}/api/share`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sessionID: sessionId }) })).json()) as any;
  await fetch(`${s.url}/api/share/${n.id}/sync`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ secret: n.secret, data: [{ type: "session", data: { id: sessionId, title: "memory" } }, { type: "message", data: { id: "msg_mem00001", sessionID: sessionId, role: "assistant", time: { created: 1 } } }] }),
  });
  const curve: Array<{ at: string; rss: number; load: string }> = [];
  const sample = (at: string) => curve.push({ at, rss: rssMiB(s.pid), load: load1() });
  sample("started, 2 shares");
  const started = performance.now();
  const loader = Bun.spawn(["bun", join(import.meta.dir, "_memory-load.ts"), s.url, uploadId, n.id, n.secret, sessionId, String(TOTAL)], { stdout: "pipe", stderr: "inherit" });
  const decoder = new TextDecoder();
  let tail = "";
  const reader = loader.stdout.getReader();
  for (;;) {
    const { value: chunk, done } = await reader.read();
    if (done) break;
    tail += decoder.decode(chunk);
    let nl: number;
    while ((nl = tail.indexOf("\n")) >= 0) {
      const line = tail.slice(0, nl);
      tail = tail.slice(nl + 1);
      const m = /^done (\d+)$/.exec(line);
      if (m) sample(`${Number(m[1]) / 1000}k requests`);
      else console.log(line);
    }
  }
  await loader.exited;
  const seconds = (performance.now() - started) / 1000;
  for (const wait of [5, 15]) {
    await Bun.sleep(wait === 5 ? 5000 : 10_000);
    sample(`idle ${wait} s`);
  }
  console.log(`${TOTAL} requests in ${seconds.toFixed(0)} s (${(TOTAL / seconds).toFixed(0)} req/s)\n`);
  console.log("point                 RSS MiB   load avg");
  for (const c of curve) console.log(`${c.at.padEnd(20)}  ${c.rss.toFixed(1).padStart(7)}   ${c.load}`);
  const at10k = curve.find((c) => c.at === "10k requests")?.rss ?? curve[1]!.rss;
  const end = curve.find((c) => c.at === `${TOTAL / 1000}k requests`)?.rss ?? curve[curve.length - 3]!.rss;
  const idle = curve[curve.length - 1]!.rss;
  const peak = Math.max(...curve.map((c) => c.rss));
  const ratio = end / at10k;
  reportRow({
    row: "RSS after 200k mixed requests vs after 10k",
    today: "59 → 94 MiB over 1,300 requests (outside probe)",
    goal: "≤ 1.10×",
    now: `${at10k.toFixed(0)} → ${end.toFixed(0)} MiB (${ratio.toFixed(2)}×), peak ${peak.toFixed(0)}, idle ${idle.toFixed(0)}`,
    met: ratio <= 1.1,
  });
} finally {
  await cleanup();
}
