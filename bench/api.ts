// Server core benchmark (issue: server core). For each store pair, against
// the compiled binary as a child process:
//   req/s and p50/p99 of POST /api/share/presign and POST /api/share/:id/presign,
//   each as a ratio to GET /api/health on the same server;
// plus binary start-to-first-200 time and idle RSS.
import { readFileSync } from "node:fs";
import { buildBinary, run, startBinary, type Server } from "../test/helpers/binary.ts";
import { freshDatabase } from "../test/helpers/postgres.ts";
import { startS3 } from "../test/helpers/s3.ts";
import { fmt, load, table } from "./lib.ts";
import { tempDir } from "../test/helpers/tmp.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const LIMITS = { RATE_LIMIT_SHARES_PER_HOUR: "1000000000", RATE_LIMIT_REQUESTS_PER_MINUTE: "1000000000" };

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

async function startTiming(bin: string, env: Record<string, string>): Promise<{ ms: number; server: Server }> {
  const t = performance.now();
  const server = await startBinary(bin, env);
  return { ms: performance.now() - t, server };
}

async function measure(name: string, server: Server) {
  const base = server.url;
  const health = await load(() => new Request(`${base}/api/health`), { seconds: SECONDS, concurrency: CONCURRENCY });
  let n = 0;
  const tag = Math.random().toString(36).slice(2, 4);
  const create = await load(
    () => {
      const id = `B${tag}${(n++).toString(36).padStart(5, "0")}`;
      return new Request(`${base}/api/share/presign`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ shareId: id, sessionId: `ses_benchbench${id}`, size: 20000 }),
      });
    },
    { seconds: SECONDS, concurrency: CONCURRENCY },
  );
  const one = (await (await fetch(`${base}/api/share/presign`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ shareId: `Sy${tag}nc01`, sessionId: `ses_benchbenchSy${tag}nc01` }),
  })).json()) as any;
  const sync = await load(
    () =>
      new Request(`${base}/api/share/Sy${tag}nc01/presign`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-share-secret": one.secret },
        body: JSON.stringify({ size: 20000 }),
      }),
    { seconds: SECONDS, concurrency: CONCURRENCY },
  );
  const row = (what: string, r: typeof health) => ({
    stores: name,
    endpoint: what,
    "req/s": fmt(r.rps, 0),
    "p50 ms": fmt(r.p50),
    "p99 ms": fmt(r.p99),
    "× health req/s": fmt(r.rps / health.rps),
    "× health p99": fmt(r.p99 / health.p99),
    errors: r.errors,
  });
  return [row("GET /api/health (baseline)", health), row("POST /api/share/presign", create), row("POST /api/share/:id/presign", sync)];
}

const bin = buildBinary();
const rows: Array<Record<string, string | number>> = [];
const boot: Array<Record<string, string | number>> = [];

{
  const { ms, server } = await startTiming(bin, { DATA_DIR: tempDir("bs-bench-"), ...LIMITS });
  await Bun.sleep(1000);
  boot.push({ stores: "sqlite + disk", "start → first 200 ms": fmt(ms, 0), "idle RSS MB": fmt(rssKb(server.child.pid!) / 1024, 1) });
  rows.push(...(await measure("sqlite + disk", server)));
  await server.stop();
}
{
  const s3 = await startS3();
  const db = await freshDatabase("bench");
  await run(bin, ["migrate"], { DATABASE_URL: db }).exited;
  const { ms, server } = await startTiming(bin, { DATABASE_URL: db, ...s3.env, ...LIMITS });
  await Bun.sleep(1000);
  boot.push({ stores: "postgres + s3rver", "start → first 200 ms": fmt(ms, 0), "idle RSS MB": fmt(rssKb(server.child.pid!) / 1024, 1) });
  rows.push(...(await measure("postgres + s3rver", server)));
  await server.stop();
  await s3.stop();
}

console.log(`\n## API (${SECONDS}s per endpoint, ${CONCURRENCY} concurrent connections, client in the same machine)\n`);
console.log(table(rows));
console.log("\n## Binary start-up\n");
console.log(table(boot));
process.exit(0);
