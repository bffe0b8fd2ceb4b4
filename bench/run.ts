// `make bench`: runs every benchmark in bench/ one after another (never in
// parallel: they would skew each other's figures). BENCH_ONLY=api,page limits
// the set. Benchmarks that measure a row of the speed table print a
// `ROW {json}` line; they are collected into one table at the end, with
// the figure before this work ("today") beside the one measured now.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { table } from "./lib.ts";

const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const skip = new Set(["run.ts", "lib.ts"]);
const files = readdirSync(import.meta.dir)
  .filter((f) => f.endsWith(".ts") && !skip.has(f) && !f.endsWith("-data.ts") && !f.startsWith("_"))
  .filter((f) => !only || only.includes(f.replace(/\.ts$/, "")))
  .sort();

let failed = 0;
const rows: Array<Record<string, string>> = [];
for (const f of files) {
  console.log(`\n# bench/${f}`);
  const p = Bun.spawn(["bun", join(import.meta.dir, f)], { stdout: "pipe", stderr: "inherit" });
  const decoder = new TextDecoder();
  let pending = "";
  const reader = p.stdout.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    pending += decoder.decode(value, { stream: true });
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      console.log(line);
      if (line.startsWith("ROW {")) {
        const r = JSON.parse(line.slice(4)) as { row: string; today: string; goal: string; now: string; met: boolean; load: string };
        rows.push({ bench: f, row: r.row, today: r.today, now: r.now, goal: r.goal, met: r.met ? "yes" : "no", "load avg": r.load });
      }
    }
  }
  if (pending) console.log(pending);
  if ((await p.exited) !== 0) {
    failed++;
    console.log(`bench/${f} failed`);
  }
}
if (rows.length) {
  console.log("\n# Speed table: today's figure (before this work) and the one measured now\n");
  console.log(table(rows));
}
process.exit(failed ? 1 : 0);
