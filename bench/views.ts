// View counting on the page's hot path (README, "Views"): cached GET /share/:id
// throughput of the compiled binary with COUNT_VIEWS=true as a ratio to
// COUNT_VIEWS=false, measured in the same run. Load comes from wrk, a
// separate process; each server logs to a file. Runs alternate between the
// two servers (5 rounds, medians). Goal: ratio ≥ 0.95.
import { spawnSync } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { SHARE_DATA_PATH } from "../test/helpers/fixtures.ts";
import { fmt, table, median } from "./lib.ts";

const ROOT = resolve(import.meta.dir, "..");
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

function build(): string {
  const out = join(mkdtempSync(join(tmpdir(), "bs-bench-bin-")), "better-share");
  const r = spawnSync("bash", ["scripts/build.sh", out], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  return out;
}

async function freePort(): Promise<number> {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const p = s.port!;
  s.stop(true);
  return p;
}

interface Srv {
  url: string;
  dir: string;
  proc: ReturnType<typeof Bun.spawn>;
}

async function start(bin: string, countViews: boolean): Promise<Srv> {
  const dir = mkdtempSync(join(tmpdir(), `bs-bench-views-${countViews}-`));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = openSync(join(dir, "server.log"), "a");
  const proc = Bun.spawn([bin, "serve", "--port", String(port), "--host", "127.0.0.1"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", DATA_DIR: dir, BASE_URL: url, COUNT_VIEWS: String(countViews), RATE_LIMIT_REQUESTS_PER_MINUTE: "1000000" },
    stdout: log,
    stderr: log,
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, dir, proc };
    } catch {}
    await Bun.sleep(50);
  }
  throw new Error("server did not start");
}

async function share(s: Srv): Promise<string> {
  const data = await Bun.file(SHARE_DATA_PATH).text();
  const { shareId, sessionId } = JSON.parse(data) as { shareId: string; sessionId: string };
  const r = await fetch(`${s.url}/api/share/presign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ shareId, sessionId, size: Buffer.byteLength(data) }),
  });
  const { presignedUrl } = (await r.json()) as { presignedUrl: string };
  const put = await fetch(presignedUrl, { method: "PUT", body: data, headers: { "content-type": "application/json" } });
  if (!put.ok) throw new Error(`upload failed: ${put.status}`);
  const page = `${s.url}/share/${shareId}`;
  if ((await fetch(page)).status !== 200) throw new Error("page did not render");
  return page;
}

function wrk(url: string): { rps: number; p99ms: number; non2xx: number } {
  const r = spawnSync("wrk", ["-t2", "-c32", `-d${SECONDS}s`, "--latency", url], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`wrk failed: ${r.stderr}`);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)![1]);
  const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(r.stdout)!;
  const p99ms = Number(p99[1]) * (p99[2] === "us" ? 0.001 : p99[2] === "s" ? 1000 : 1);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(r.stdout)?.[1] ?? 0);
  return { rps, p99ms, non2xx };
}


const bin = build();
// Started in turn, off first: a server started later must not be the one that looks faster.
const off = await start(bin, false);
const on = await start(bin, true);
try {
  const pages = { on: await share(on), off: await share(off) };
  wrk(pages.on);
  wrk(pages.off); // warm both
  const runs: Record<"on" | "off", Array<ReturnType<typeof wrk>>> = { on: [], off: [] };
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which goes first so drift in the machine's load hits both alike.
    const order = i % 2 ? (["off", "on"] as const) : (["on", "off"] as const);
    for (const k of order) runs[k].push(wrk(pages[k]));
  }
  const row = (k: "on" | "off") => ({
    "view counting": k,
    "req/s (median)": fmt(median(runs[k].map((r) => r.rps)), 0),
    "p99 ms (median)": fmt(median(runs[k].map((r) => r.p99ms)), 2),
    "non-2xx": runs[k].reduce((n, r) => n + r.non2xx, 0),
  });
  console.log(`Cached GET /share/:id, wrk -t2 -c32 ${SECONDS}s × ${ROUNDS} rounds, compiled binary logging to a file; goal: on/off ≥ 0.95\n`);
  console.log(table([row("off"), row("on")]));
  console.log(`\nratio on/off: ${fmt(median(runs.on.map((r) => r.rps)) / median(runs.off.map((r) => r.rps)), 3)}`);
  // The views reached the store: the counter is on the path being measured.
  on.proc.kill("SIGTERM");
  await on.proc.exited;
  const listed = spawnSync(bin, ["shares", "list", "--json"], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", DATA_DIR: on.dir }, encoding: "utf8" });
  const views = (JSON.parse(listed.stdout) as Array<{ views: number }>)[0]?.views ?? 0;
  console.log(`views counted by the "on" server: ${views}`);
} finally {
  for (const s of [on, off]) {
    s.proc.kill("SIGTERM");
    await s.proc.exited;
    rmSync(s.dir, { recursive: true, force: true });
  }
  rmSync(resolve(bin, ".."), { recursive: true, force: true });
}
process.exit(0);
