// Admin commands over 100,000 shares, on SQLite + disk and on Postgres + disk:
//  - `shares list` (newest 50): the store query in-process (median of 15) and
//    the compiled binary's whole run as a child process (median of 5), beside
//    the binary's `--version` (its start-up alone) measured in the same run;
//  - `shares gc` of 10,000 expired shares with the disk blob store: the
//    compiled binary's whole run, and what it deleted.
// Goals (README, "Admin commands"): list under 50 ms, gc under 30 s.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import postgres from "postgres";
import { PostgresShareStore } from "../src/stores/share-store.postgres.ts";
import { SqliteShareStore } from "../src/stores/share-store.sqlite.ts";
import type { ShareStore } from "../src/stores/share-store.ts";
import { freshDatabase } from "../test/helpers/postgres.ts";
import { fmt, table, median } from "./lib.ts";

const TOTAL = Number(process.env.BENCH_SHARES ?? 100_000);
const EXPIRED = Number(process.env.BENCH_EXPIRED ?? 10_000);
const ROOT = resolve(import.meta.dir, "..");


function build(): string {
  const out = join(mkdtempSync(join(tmpdir(), "bs-bench-bin-")), "better-share");
  const r = spawnSync("bash", ["scripts/build.sh", out], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  return out;
}

function runBin(bin: string, args: string[], env: Record<string, string>): { ms: number; stdout: string; code: number | null } {
  const t = performance.now();
  const r = spawnSync(bin, args, { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env }, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { ms, stdout: r.stdout, code: r.status };
}

/** Rows as a long-running public instance has them: uploaded, some with expiry, EXPIRED of them past it. */
function rows(now: number) {
  const out: Array<{ id: string; created: number; expires: number | null; size: number }> = [];
  for (let i = 0; i < TOTAL; i++) {
    const id = `B${i.toString(36).padStart(7, "0")}`;
    const created = now - (TOTAL - i) * 60_000;
    const expires = i < EXPIRED ? now - 60_000 : i % 3 === 0 ? now + 30 * 86_400_000 : null;
    out.push({ id, created, expires, size: 10_000 + (i % 5000) });
  }
  return out;
}

async function fillSqlite(dir: string, now: number): Promise<void> {
  const store = new SqliteShareStore(dir);
  await store.migrate();
  await store.close();
  const { Database } = await import("bun:sqlite");
  const db = new Database(join(dir, "better-share.sqlite"));
  const ins = db.query(
    `INSERT INTO shares (share_id, session_id, secret, created_at, updated_at, title, size_bytes, version, protocol, expires_at, uploaded_at, views)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0, 'upload', ?, ?, ?)`,
  );
  db.transaction(() => {
    for (const r of rows(now)) ins.run(r.id, `ses_bench000${r.id}`, "e".repeat(64), r.created, r.created, `Session ${r.id}`, r.size, r.expires, r.created, r.size % 97);
  })();
  db.close();
}

async function fillPostgres(url: string, now: number): Promise<void> {
  const store = new PostgresShareStore(url);
  await store.migrate();
  await store.close();
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const all = rows(now).map((r) => ({
    share_id: r.id,
    session_id: `ses_bench000${r.id}`,
    secret: "e".repeat(64),
    created_at: new Date(r.created),
    updated_at: new Date(r.created),
    uploaded_at: new Date(r.created),
    title: `Session ${r.id}`,
    size_bytes: r.size,
    protocol: "upload",
    expires_at: r.expires === null ? null : new Date(r.expires),
    views: r.size % 97,
  }));
  for (let i = 0; i < all.length; i += 5000) await sql`INSERT INTO shares ${sql(all.slice(i, i + 5000))}`;
  await sql`ANALYZE shares`;
  await sql.end();
}

/** One small blob per expired share, where the disk blob store keeps them. */
function fillBlobs(dataDir: string): void {
  const dir = join(dataDir, "blobs", "sessions");
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < EXPIRED; i++) writeFileSync(join(dir, `B${i.toString(36).padStart(7, "0")}.json`), '{"shareId":"x"}');
}

async function measure(kind: "sqlite" | "postgres", bin: string) {
  const dataDir = mkdtempSync(join(tmpdir(), `bs-bench-admin-${kind}-`));
  try {
    const now = Date.now();
    const env: Record<string, string> = { DATA_DIR: dataDir };
    let store: ShareStore;
    const t0 = performance.now();
    if (kind === "sqlite") {
      await fillSqlite(dataDir, now);
      store = new SqliteShareStore(dataDir);
    } else {
      const url = await freshDatabase("benchadmin");
      await fillPostgres(url, now);
      env.DATABASE_URL = url;
      store = new PostgresShareStore(url);
    }
    fillBlobs(dataDir);
    const fillS = (performance.now() - t0) / 1000;

    const query: number[] = [];
    for (let i = 0; i < 15; i++) {
      const t = performance.now();
      const got = await store.list({ limit: 50 });
      query.push(performance.now() - t);
      if (got.length !== 50) throw new Error(`list returned ${got.length}`);
    }
    await store.close();

    // Interleaved: start-up alone, then the whole list command.
    const startup: number[] = [];
    const cli: number[] = [];
    for (let i = 0; i < 5; i++) {
      startup.push(runBin(bin, ["--version"], env).ms);
      const r = runBin(bin, ["shares", "list", "--json", "--limit", "50"], env);
      cli.push(r.ms);
      if ((JSON.parse(r.stdout) as unknown[]).length !== 50) throw new Error("list --json did not print 50 shares");
    }
    const dry = runBin(bin, ["shares", "gc", "--dry-run", "--json"], env);
    const gc = runBin(bin, ["shares", "gc", "--json"], env);
    const report = JSON.parse(gc.stdout) as { expired: string[]; neverUploaded: string[]; failed: unknown[] };
    if (report.expired.length !== EXPIRED || report.failed.length > 0)
      throw new Error(`gc deleted ${report.expired.length} of ${EXPIRED} (failed ${report.failed.length})`);
    return {
      store: `${kind} + disk`,
      shares: TOTAL,
      "fill s": fmt(fillS, 1),
      "list query ms (median 15)": fmt(median(query), 1),
      "list CLI ms (median 5)": fmt(median(cli), 0),
      "binary start-up ms": fmt(median(startup), 0),
      "list CLI − start-up ms": fmt(median(cli) - median(startup), 0),
      "gc --dry-run s": fmt(dry.ms / 1000, 2),
      [`gc of ${EXPIRED} expired s`]: fmt(gc.ms / 1000, 2),
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const bin = build();
try {
  const results = [await measure("sqlite", bin), await measure("postgres", bin)];
  console.log(`Admin commands over ${TOTAL} shares (${EXPIRED} expired); goals: newest 50 under 50 ms, gc of 10,000 expired under 30 s\n`);
  console.log(table(results));
} finally {
  rmSync(resolve(bin, ".."), { recursive: true, force: true });
}
process.exit(0);
