// Runs the better-share server as a child process, from source or as the
// compiled binary, the way a user would start it.
import { Database } from "bun:sqlite";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { freePort, makeTempDir, removeTempDir, REPO_ROOT, trackChild } from "./opencode.ts";

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

export type BetterShare = {
  url: string;
  port: number;
  dataDir: string;
  options: BetterShareOptions;
  output(): string;
  /** GET/POST against the server; path starts with "/". */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** GET /api/share/:id: the status and the body (parsed JSON, or the text when it is not JSON). */
  shareData(shareId: string): Promise<ShareData>;
  /** GET /share/:id: the status and the HTML. */
  page(shareId: string): Promise<{ status: number; html: string }>;
  /** What the embedded store (SQLite + disk) holds for a share: its row, its native items, its blob files. */
  stored(shareId: string): StoredShare;
  stop(): Promise<number | null>;
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

const running = new Set<BetterShare>();

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

/** Stops every server this module started and removes their data dirs; for afterAll. */
export async function stopAllBetterShare(): Promise<void> {
  await Promise.all([...running].map((s) => s.dispose()));
  running.clear();
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
  const out: string[] = [];
  const proc: Subprocess = Bun.spawn(cmd, { cwd: REPO_ROOT, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  trackChild(proc);
  const echo = Boolean(options.log || process.env.E2E_LOG);
  for (const stream of [proc.stdout, proc.stderr] as ReadableStream<Uint8Array>[]) {
    (async () => {
      const reader = stream.getReader();
      const decoder = new TextDecoder();
      while (true) {
        const { done, value } = await reader.read();
        if (done) break;
        const text = decoder.decode(value, { stream: true });
        out.push(text);
        if (out.length > 4000) out.splice(0, out.length - 4000);
        if (echo) process.stderr.write(`[better-share] ${text}`);
      }
    })().catch(() => {});
  }
  const output = () => out.join("");

  const stop = async (): Promise<number | null> => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(10_000).then(() => false)]);
      if (!exited) {
        proc.kill("SIGKILL");
        await proc.exited;
      }
    }
    return proc.exitCode;
  };

  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(url + path, {
      method,
      headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });

  const server: BetterShare = {
    url,
    port,
    dataDir,
    options,
    output,
    request,
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
    stop: async () => {
      running.delete(server);
      return stop();
    },
    restart: async () => {
      await server.stop();
      return startBetterShare({ ...options, dataDir, port });
    },
    dispose: async () => {
      await server.stop();
      removeTempDir(dataDir);
    },
  };
  running.add(server);

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (true) {
    if (proc.exitCode !== null) {
      running.delete(server);
      if (!options.dataDir) removeTempDir(dataDir);
      throw new Error(`better-share exited with ${proc.exitCode} before answering /api/health:\n${output()}`);
    }
    try {
      const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) break;
    } catch {}
    if (Date.now() > deadline) {
      await server.dispose();
      throw new Error(`better-share did not answer /api/health within the timeout:\n${output()}`);
    }
    await Bun.sleep(150);
  }
  return server;
}
