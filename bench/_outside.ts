// Measuring the way a user's traffic arrives: the compiled server as its own
// process with its log going to a file, a separate load generator process
// (wrk from Debian), and a baseline served by a bare Bun.serve in yet another
// process. Ours and the baseline are measured alternately (ours, baseline,
// ours, …) so a burst of other work on the machine hits both; every figure is
// the median of at least five rounds, printed with the load average.
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { buildBinary } from "../test/helpers/binary.ts";
import { freePort } from "../test/helpers/net.ts";
import { fmt, load1, median } from "./lib.ts";
export { load1, reportRow } from "./lib.ts";

export const ROUNDS = Math.max(5, Number(process.env.BENCH_ROUNDS ?? 5));
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
export const CONNECTIONS = 32;
export const THREADS = 2;


/** A scratch directory removed at exit, plus the compiled binary (built once per process). */
export const scratch = mkdtempSync(join(tmpdir(), "bs-bench-"));
const cleanups: Array<() => void | Promise<void>> = [];
export function onExit(f: () => void | Promise<void>): void {
  cleanups.push(f);
}
export async function cleanup(): Promise<void> {
  for (const f of cleanups.reverse()) await Promise.resolve(f()).catch(() => {});
  cleanups.length = 0;
  rmSync(scratch, { recursive: true, force: true });
}
for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => void cleanup().then(() => process.exit(130)));

let binary: string | null = null;
export function compiled(): string {
  if (!binary) {
    binary = buildBinary();
    onExit(() => rmSync(dirname(binary!), { recursive: true, force: true }));
  }
  return binary;
}

export interface Proc {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns `cmd` with stdout and stderr appended to `logFile` and waits for `probe` to answer 200. */
/**
 * CPU time (ms) a running process has used so far: the sum over its threads of
 * the scheduler's on-CPU time, in nanoseconds (/proc/<pid>/task/<tid>/schedstat);
 * /proc/<pid>/stat counts in 10 ms ticks, too coarse for a start of a few tens of ms.
 */
export function cpuMs(pid: number): number {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {} // a thread that ended between the listing and the read
  }
  return ns / 1e6;
}

export async function spawnServer(cmd: string[], env: Record<string, string>, port: number, logFile: string, probe = "/api/health"): Promise<Proc & { startedMs: number; startCpuMs: number }> {
  const fd = openSync(logFile, "a");
  const t0 = performance.now();
  const p = Bun.spawn(cmd, {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...env },
    stdout: fd,
    stderr: fd,
    cwd: scratch,
  });
  closeSync(fd);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (p.exitCode !== null || Date.now() > deadline) throw new Error(`${cmd.join(" ")} did not start; see ${logFile}`);
    try {
      const r = await fetch(url + probe);
      await r.arrayBuffer();
      if (r.status === 200) break;
    } catch {}
    await Bun.sleep(5);
  }
  const startedMs = performance.now() - t0;
  const startCpuMs = cpuMs(p.pid);
  const stop = async () => {
    p.kill("SIGTERM");
    const t = setTimeout(() => p.kill("SIGKILL"), 5000);
    await p.exited;
    clearTimeout(t);
  };
  onExit(stop);
  return { url, pid: p.pid, startedMs, startCpuMs, stop };
}

/** The compiled better-share on the disk stores, logging to a file as in production. */
export async function startOurs(extraEnv: Record<string, string> = {}): Promise<Proc & { logFile: string }> {
  const port = await freePort();
  const logFile = join(scratch, `server-${port}.log`);
  const p = await spawnServer(
    [compiled(), "serve", "--port", String(port), "--host", "127.0.0.1"],
    {
      DATA_DIR: join(scratch, `data-${port}`),
      BASE_URL: `http://127.0.0.1:${port}`,
      RATE_LIMIT_SHARES_PER_HOUR: "1000000000",
      RATE_LIMIT_REQUESTS_PER_MINUTE: "1000000000",
      ...extraEnv,
    },
    port,
    logFile,
  );
  return { ...p, logFile };
}

/** Shares `json` (ShareData) through the upload protocol: presign, then PUT to the returned URL. */
export async function shareOn(url: string, json: string): Promise<string> {
  const data = JSON.parse(json) as { shareId: string; sessionId: string };
  const res = await fetch(`${url}/api/share/presign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ shareId: data.shareId, sessionId: data.sessionId, size: Buffer.byteLength(json) }),
  });
  if (res.status !== 200) throw new Error(`presign: ${res.status} ${await res.text()}`);
  const { presignedUrl } = (await res.json()) as { presignedUrl: string };
  const put = await fetch(presignedUrl, { method: "PUT", body: json, headers: { "content-type": "application/json" } });
  if (put.status !== 200) throw new Error(`upload: ${put.status} ${await put.text()}`);
  return data.shareId;
}

export interface Canned {
  path: string;
  /** Request headers that select this variant (e.g. Accept-Encoding). */
  when: Record<string, string>;
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
}

/** Fetches what our server answers for `path`, byte for byte (no decompression), to serve it from the baseline. */
export async function capture(url: string, path: string, when: Record<string, string>): Promise<Canned> {
  const res = await fetch(url + path, { headers: when, decompress: false } as RequestInit);
  const body = new Uint8Array(await res.arrayBuffer());
  const headers: Array<[string, string]> = [];
  res.headers.forEach((v, k) => {
    if (!["date", "content-length", "transfer-encoding", "connection", "keep-alive"].includes(k.toLowerCase())) headers.push([k, v]);
  });
  return { path, when, status: res.status, headers, body };
}

/**
 * The baseline: a bare Bun.serve (bench/_static.ts) in its own process
 * answering each path with the captured bytes and headers; a gzip variant
 * when the request accepts gzip, as ours does.
 */
export async function startBaseline(canned: Canned[]): Promise<Proc> {
  const dir = mkdtempSync(join(scratch, "canned-"));
  const index = canned.map((c, i) => {
    writeFileSync(join(dir, `${i}.bin`), c.body);
    return { path: c.path, gzip: (c.when["accept-encoding"] ?? "").includes("gzip"), status: c.status, headers: c.headers, file: `${i}.bin` };
  });
  writeFileSync(join(dir, "index.json"), JSON.stringify(index));
  const port = await freePort();
  return spawnServer(["bun", join(import.meta.dir, "_static.ts"), dir, String(port)], {}, port, join(scratch, `baseline-${port}.log`), index[0]!.path);
}

export interface WrkResult {
  rps: number;
  p99ms: number;
  non2xx: number;
}

/** One wrk run (a separate process); `headers` are sent with every request. */
export async function wrk(url: string, headers: Record<string, string> = {}, seconds = SECONDS): Promise<WrkResult> {
  const args = ["wrk", `-t${THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, "--timeout", "30s", "--latency"];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}: ${v}`);
  args.push(url);
  const p = Bun.spawn(args, { stdout: "pipe", stderr: "pipe" });
  const out = await new Response(p.stdout).text();
  if ((await p.exited) !== 0) throw new Error(`wrk failed: ${await new Response(p.stderr).text()}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(out);
  const p99ms = p99 ? Number(p99[1]) * (p99[2] === "us" ? 0.001 : p99[2] === "s" ? 1000 : 1) : NaN;
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p99ms, non2xx };
}

export interface Interleaved {
  ours: WrkResult[];
  base: WrkResult[];
  /** Median of the per-round ratios ours ÷ baseline. */
  ratio: number;
  loads: string[];
}

/** ROUNDS rounds of (ours, baseline), one short warm-up of each first. */
export async function interleave(oursUrl: string, baseUrl: string, headers: Record<string, string> = {}, seconds = SECONDS): Promise<Interleaved> {
  await wrk(oursUrl, headers, 1);
  await wrk(baseUrl, headers, 1);
  const ours: WrkResult[] = [];
  const base: WrkResult[] = [];
  const loads: string[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    loads.push(load1());
    ours.push(await wrk(oursUrl, headers, seconds));
    base.push(await wrk(baseUrl, headers, seconds));
  }
  const ratio = median(ours.map((o, i) => o.rps / base[i]!.rps));
  return { ours, base, ratio, loads };
}

export function describeRounds(r: Interleaved, what = "req/s"): string {
  const o = r.ours.map((x) => fmt(x.rps, 0)).join(" ");
  const b = r.base.map((x) => fmt(x.rps, 0)).join(" ");
  return `ours ${what}: ${o} (median ${fmt(median(r.ours.map((x) => x.rps)), 0)}, p99 ${fmt(median(r.ours.map((x) => x.p99ms)), 1)} ms)\n` +
    `baseline ${what}: ${b} (median ${fmt(median(r.base.map((x) => x.rps)), 0)}, p99 ${fmt(median(r.base.map((x) => x.p99ms)), 1)} ms)\n` +
    `per-round ratios: ${r.ours.map((x, i) => fmt(x.rps / r.base[i]!.rps)).join(" ")}; load average (1 min) per round: ${r.loads.join(" ")}`;
}
