// Row 3: spawn → first 200 on /api/health of the compiled binary (disk
// stores, log to a file) ÷ the same for a 3-line compiled Bun.serve; both
// polled the same way, alternately, median of the rounds. The row is the first
// start on a new DATA_DIR (creating the SQLite database and its schema costs
// a few fsyncs); a restart on a DATA_DIR started before is printed beside it.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import { freePort } from "../test/helpers/net.ts";
import { compiled, cleanup, reportRow, scratch, spawnServer } from "./_outside.ts";
import { fmt, load1, median } from "./lib.ts";

const ROUNDS = Math.max(5, Number(process.env.BENCH_ROUNDS ?? 9));

try {
  const bin = compiled();
  const src = join(scratch, "hello.ts");
  writeFileSync(src, `Bun.serve({ hostname: "127.0.0.1", port: Number(process.argv[2]),\n  fetch: () => Response.json({ ok: true }) });\n`);
  const hello = join(scratch, "hello");
  const b = Bun.spawnSync(["bun", "build", src, "--compile", "--outfile", hello], { stderr: "pipe" });
  if (b.exitCode !== 0) throw new Error(b.stderr.toString());
  const ours: number[] = [];
  const again: number[] = [];
  const base: number[] = [];
  const oursCpu: number[] = [];
  const baseCpu: number[] = [];
  const loads: string[] = [];
  for (let i = 0; i <= ROUNDS; i++) {
    const p1 = await freePort();
    const a = await spawnServer([bin, "serve", "--port", String(p1), "--host", "127.0.0.1"], { DATA_DIR: join(scratch, `data-${i}`), BASE_URL: `http://127.0.0.1:${p1}` }, p1, join(scratch, "ours.log"));
    await a.stop();
    const p3 = await freePort();
    const r = await spawnServer([bin, "serve", "--port", String(p3), "--host", "127.0.0.1"], { DATA_DIR: join(scratch, "data-restart"), BASE_URL: `http://127.0.0.1:${p3}` }, p3, join(scratch, "ours.log"));
    await r.stop();
    const p2 = await freePort();
    const h = await spawnServer([hello, String(p2)], {}, p2, join(scratch, "hello.log"));
    await h.stop();
    if (i === 0) continue; // the first of each reads the executable from disk
    ours.push(a.startedMs);
    again.push(r.startedMs);
    base.push(h.startedMs);
    oursCpu.push(a.startCpuMs);
    baseCpu.push(h.startCpuMs);
    loads.push(load1());
  }
  const ratio = median(ours.map((o, i) => o / base[i]!));
  const againRatio = median(again.map((o, i) => o / base[i]!));
  console.log(`spawn → first 200 on /api/health, ${ROUNDS} rounds interleaved (after one warm-up each)`);
  console.log(`better-share ms: ${ours.map((x) => fmt(x, 0)).join(" ")} (median ${fmt(median(ours), 0)})`);
  console.log(`better-share again on that DATA_DIR ms: ${again.map((x) => fmt(x, 0)).join(" ")} (median ${fmt(median(again), 0)}; ${fmt(againRatio)}× the baseline)`);
  console.log(`3-line Bun.serve ms: ${base.map((x) => fmt(x, 0)).join(" ")} (median ${fmt(median(base), 0)})`);
  console.log(`CPU time used by then (all threads, from the scheduler's counters; less sensitive to a loaded machine): better-share median ${fmt(median(oursCpu), 0)} ms, Bun.serve ${fmt(median(baseCpu), 0)} ms (${fmt(median(oursCpu) / median(baseCpu))}×)`);
  console.log(`per-round ratios: ${ours.map((o, i) => fmt(o / base[i]!)).join(" ")}; load average per round: ${loads.join(" ")}`);
  reportRow({ row: "spawn → first 200 /api/health, binary ÷ 3-line Bun.serve", today: "7.6–9.6× (216–418 ms)", goal: "≤ 2×", now: `${fmt(ratio)}× (${fmt(median(ours), 0)} ms vs ${fmt(median(base), 0)} ms; CPU ${fmt(median(oursCpu) / median(baseCpu))}×; restart on an existing DATA_DIR ${fmt(againRatio)}×)`, met: ratio <= 2 });
} finally {
  await cleanup();
}
