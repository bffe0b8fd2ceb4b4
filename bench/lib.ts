// Shared pieces for benchmarks: a closed-loop HTTP load generator and
// percentile maths. Figures are printed as ratios to a baseline measured in
// the same run, so they compare across machines.

import { loadavg } from "node:os";

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
}

/** Runs `make(i)` requests from `concurrency` loops for `seconds`; a non-2xx answer counts as an error. */
export async function load(make: (i: number) => Request, opts: { seconds: number; concurrency: number; warmup?: number }): Promise<LoadResult> {
  let i = 0;
  const drive = async (until: number, lat: number[] | null) => {
    let errors = 0;
    const loop = async () => {
      while (performance.now() < until) {
        const t = performance.now();
        const res = await fetch(make(i++));
        await res.arrayBuffer();
        if (res.status >= 300) errors++;
        lat?.push(performance.now() - t);
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, loop));
    return errors;
  };
  await drive(performance.now() + (opts.warmup ?? 0.5) * 1000, null);
  const lat: number[] = [];
  const start = performance.now();
  const errors = await drive(start + opts.seconds * 1000, lat);
  const seconds = (performance.now() - start) / 1000;
  return { requests: lat.length, errors, seconds, rps: lat.length / seconds, p50: percentile(lat, 0.5), p99: percentile(lat, 0.99) };
}

/** The p-quantile (0..1) of the finite values in `xs`, by nearest rank; NaN when there are none. */
export function percentile(xs: number[], p: number): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * p))]! : NaN;
}

export const median = (xs: number[]): number => percentile(xs, 0.5);

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "n/a");

export function table(rows: Array<Record<string, string | number>>): string {
  const cols = Object.keys(rows[0] ?? {});
  const w = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(w[i]!)).join("  ");
  return [line(cols), line(w.map((n) => "-".repeat(n))), ...rows.map((r) => line(cols.map((c) => String(r[c]))))].join("\n");
}

export const load1 = (): string => fmt(loadavg()[0]!, 1);

/** The line bench/run.ts collects into its summary table. */
export function reportRow(row: { row: string; today: string; goal: string; now: string; met: boolean; detail?: string }): void {
  console.log(`\nROW ${JSON.stringify({ ...row, load: load1() })}`);
}

