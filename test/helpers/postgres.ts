// A throwaway Postgres for tests: DATABASE_URL when given, otherwise a fresh
// cluster made with initdb/pg_ctl in a temp dir on a free port, shared by all
// test files of one run and stopped when the test process ends.
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { atProcessEnd, shellQuote } from "./janitor.ts";
import { freePort } from "./net.ts";

let cluster: Promise<string> | null = null;

function pgBin(name: string): string {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) {
      const p = join(root, v, "bin", name);
      if (existsSync(p)) return p;
    }
  }
  const which = spawnSync("which", [name], { encoding: "utf8" });
  if (which.status === 0) return which.stdout.trim();
  throw new Error(`${name} not found: install Postgres (apt-get install postgresql) or set DATABASE_URL`);
}

function runAsPostgres(cmd: string, args: string[]) {
  const isRoot = process.getuid?.() === 0;
  const r = isRoot
    ? spawnSync("runuser", ["-u", "postgres", "--", cmd, ...args], { encoding: "utf8" })
    : spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  return r;
}

export interface PostgresCluster {
  url: string;
  /** Stops the server (fast shutdown: clients are disconnected). */
  stop(): void;
  /** Starts it again on the same port and data. */
  start(): void;
}

/** A throwaway cluster of its own, for tests that stop and start the database. */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const dir = mkdtempSync(join(tmpdir(), "bs-pg-"));
  const isRoot = process.getuid?.() === 0;
  if (isRoot) {
    const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
    const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
    chownSync(dir, Number(id.stdout.trim()), Number(gid.stdout.trim()));
  }
  const data = join(dir, "data");
  runAsPostgres(pgBin("initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const port = await freePort();
  const start = () =>
    runAsPostgres(pgBin("pg_ctl"), [
      "-D", data, "-l", join(dir, "log"), "-w", "-t", "60",
      "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      "start",
    ]);
  start();
  const stop = [pgBin("pg_ctl"), "-D", data, "-m", "immediate", "stop"].map(shellQuote).join(" ");
  atProcessEnd(`${isRoot ? "runuser -u postgres -- " : ""}${stop}; rm -rf ${shellQuote(dir)}`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => void runAsPostgres(pgBin("pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]),
    start: () => void start(),
  };
}

async function startCluster(): Promise<string> {
  return (await startPostgresCluster()).url;
}

/** The admin URL of the test Postgres. */
export function postgresUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return Promise.resolve(process.env.DATABASE_URL);
  return (cluster ??= startCluster());
}

/** A fresh, empty database on the test Postgres; returns its URL. */
export async function freshDatabase(prefix = "t"): Promise<string> {
  const admin = await postgresUrl();
  const name = `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const sql = postgres(admin, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`CREATE DATABASE ${name}`);
  } finally {
    await sql.end();
  }
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
}
