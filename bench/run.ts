// `make bench`: runs every benchmark in bench/ one after another (never in
// parallel: they would skew each other's figures). BENCH_ONLY=api,page limits the set.
import { readdirSync } from "node:fs";
import { join } from "node:path";

const only = process.env.BENCH_ONLY?.split(",").map((s) => s.trim());
const skip = new Set(["run.ts", "lib.ts"]);
const files = readdirSync(import.meta.dir)
  .filter((f) => f.endsWith(".ts") && !skip.has(f) && !f.endsWith("-data.ts") && !f.startsWith("_"))
  .filter((f) => !only || only.includes(f.replace(/\.ts$/, "")))
  .sort();

let failed = 0;
for (const f of files) {
  console.log(`\n# bench/${f}`);
  const p = Bun.spawn(["bun", join(import.meta.dir, f)], { stdout: "inherit", stderr: "inherit" });
  if ((await p.exited) !== 0) {
    failed++;
    console.log(`bench/${f} failed`);
  }
}
process.exit(failed ? 1 : 0);
