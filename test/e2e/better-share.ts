// Runs the better-share server as a child process, from source or as the
// compiled binary, the way a user would start it.
import { Database } from "bun:sqlite";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "../helpers/net.ts";
import {
  REPO_ROOT,
  answers,
  httpClient,
  makeTempDir,
  removeTempDir,
  spawnChild,
  waitForChild,
  type RunningChild,
} from "./processes.ts";

export type BetterShareOptions = {
  /** Path to a compiled `better-share` binary; `bun src/cli.ts` otherwise. */
  binary?: string;
  /** Reuse a data dir (restart); a fresh temp one otherwise. A temp dir is removed on dispose. */
  dataDir?: string;
  /** Keep the same port across a restart so share URLs stay valid. */
  port?: number;
  databaseUrl?: string;
  /** S3_* variables, e.g. for s3rver. */
  s3?: Record<string, string>;
  env?: Record<string, string>;
  log?: boolean;
  startTimeoutMs?: number;
};

export type BetterShare = RunningChild & {
  port: number;
  dataDir: string;
  options: BetterShareOptions;
  /** GET /api/share/:id: the status and the body (parsed JSON, or the text when it is not JSON). */
  shareData(shareId: string): Promise<ShareData>;
  /** GET /share/:id: the status and the HTML. */
  page(shareId: string): Promise<{ status: number; html: string }>;
  /** What the embedded store (SQLite + disk) holds for a share: its row, its native items, its blob files. */
  stored(shareId: string): StoredShare;
  stop(): Promise<void>;
  restart(): Promise<BetterShare>;
  dispose(): Promise<void>;
};

/** GET /api/share/:id as a test reads it: the status and the body (parsed JSON, or the text). */
export type ShareData = { status: number; body: any };

export type StoredShare = {
  row: { share_id: string; session_id: string; owner: string | null } | null;
  items: number;
  files: string[];
};

function readStored(dataDir: string, shareId: string): StoredShare {
  const db = new Database(join(dataDir, "better-share.sqlite"), { readonly: true });
  try {
    const row = db.query("SELECT share_id, session_id, owner FROM shares WHERE share_id = ?").get(shareId) as StoredShare["row"];
    const { n } = db.query("SELECT COUNT(*) AS n FROM share_items WHERE share_id = ?").get(shareId) as { n: number };
    const blobs = join(dataDir, "blobs");
    const files = existsSync(blobs) ? readdirSync(blobs, { recursive: true }).map(String).filter((f) => f.includes(shareId)) : [];
    return { row, items: n, files };
  } finally {
    db.close();
  }
}

export async function startBetterShare(options: BetterShareOptions = {}): Promise<BetterShare> {
  const dataDir = options.dataDir ?? makeTempDir("better-share-e2e-server-");
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const cmd = options.binary
    ? [options.binary, "serve", "--port", String(port), "--host", "127.0.0.1"]
    : [process.execPath, join(REPO_ROOT, "src/cli.ts"), "serve", "--port", String(port), "--host", "127.0.0.1"];
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? dataDir,
    DATA_DIR: dataDir,
    BASE_URL: url,
    // The suites share one loopback IP, so production limits would throttle them.
    RATE_LIMIT_SHARES_PER_HOUR: "1000",
    RATE_LIMIT_REQUESTS_PER_MINUTE: "100000",
    ...(options.databaseUrl ? { DATABASE_URL: options.databaseUrl } : {}),
    ...(options.s3 ?? {}),
    ...(options.env ?? {}),
  };
  const child = spawnChild(cmd, { cwd: REPO_ROOT, env, label: "better-share", log: options.log });
  try {
    await waitForChild(child, "better-share answering /api/health", answers(`${url}/api/health`), options.startTimeoutMs ?? 30_000, 150);
  } catch (error) {
    await child.stop();
    if (!options.dataDir) removeTempDir(dataDir);
    throw error;
  }
  const { request, json } = httpClient("better-share", url, { timeoutMs: 30_000 });

  const server: BetterShare = {
    url,
    port,
    dataDir,
    options,
    output: child.output,
    request,
    json,
    shareData: async (shareId) => {
      const res = await request("GET", `/api/share/${shareId}`);
      const text = await res.text();
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {}
      return { status: res.status, body };
    },
    page: async (shareId) => {
      const res = await request("GET", `/share/${shareId}`);
      return { status: res.status, html: await res.text() };
    },
    stored: (shareId) => readStored(dataDir, shareId),
    // Its own grace: a server flushes view counts and finishes requests before it exits.
    stop: () => child.stop(10_000),
    restart: async () => {
      await server.stop();
      return startBetterShare({ ...options, dataDir, port });
    },
    dispose: async () => {
      await server.stop();
      removeTempDir(dataDir);
    },
  };
  return server;
}
