// What every end-to-end child (OpenCode 1.x, the OpenCode 2 preview, the
// better-share server) is run with: temp dirs and children registered for one
// clean-up, output kept (and echoed with E2E_LOG), a wait for the child to come
// up that fails as soon as it exits, and one small HTTP client.
import { rmSync } from "node:fs";
import { resolve } from "node:path";
import type { Subprocess } from "bun";
import { tempDir } from "../helpers/tmp.ts";

export const REPO_ROOT = resolve(import.meta.dir, "../..");

export type Child = {
  proc: Subprocess;
  /** Everything it wrote to stdout and stderr (the last 4000 chunks). */
  output(): string;
  /** Resolves with the exit code once it has exited and all its output is in output(). */
  finished: Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
};

const live = new Set<Child>();
const tempDirs = new Set<string>();

function killAllNow() {
  for (const child of live) child.proc.kill("SIGKILL");
  live.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    killAllNow();
    process.exit(128 + (signal === "SIGINT" ? 2 : 15));
  });

/** Stops every child still running and removes every temp dir; for afterAll. */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => child.stop()));
  killAllNow();
}

/** A temp dir removed by stopAllChildren, on SIGINT/SIGTERM, or when the test process ends. */
export function makeTempDir(prefix: string): string {
  const dir = tempDir(prefix);
  tempDirs.add(dir);
  return dir;
}

/** Removes a temp dir made by makeTempDir now rather than at the end; leaves any other dir alone. */
export function removeTempDir(dir: string) {
  if (!tempDirs.delete(dir)) return;
  rmSync(dir, { recursive: true, force: true });
}

export type SpawnOptions = { cwd: string; env: Record<string, string>; label: string; log?: boolean };

/** Starts a child with piped output, registered for stopAllChildren. */
export function spawnChild(cmd: string[], { cwd, env, label, log }: SpawnOptions): Child {
  const proc = Bun.spawn(cmd, { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const out: string[] = [];
  const echo = Boolean(log || process.env.E2E_LOG);
  const drained = [collect(proc.stdout, out, echo, label), collect(proc.stderr, out, echo, label)];
  const child: Child = {
    proc,
    output: () => out.join(""),
    finished: Promise.all([proc.exited, ...drained]).then(([code]) => code),
    stop: async (graceMs = 5000) => {
      live.delete(child);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(graceMs).then(() => false)]);
      if (!exited) {
        proc.kill("SIGKILL");
        await proc.exited;
      }
    },
  };
  live.add(child);
  void proc.exited.then(() => live.delete(child));
  return child;
}

/**
 * Waits until `ready()` holds for a child that is starting up. Unlike
 * `eventually`, it fails at once, with the child's output, if the child exits.
 */
export async function waitForChild(
  child: Child,
  what: string,
  ready: () => boolean | Promise<boolean>,
  timeoutMs: number,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    if (child.proc.exitCode !== null) throw new Error(`${what}: exited with ${child.proc.exitCode} first:\n${child.output()}`);
    if (await Promise.resolve(ready()).catch(() => false)) return;
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs} ms:\n${child.output()}`);
    await Bun.sleep(intervalMs);
  }
}

/** True once `url` answers 2xx. */
export const answers = (url: string) => async () => (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;

/** What a harness hands a test for a running child: where it answers, its output, and a client for it. */
export type RunningChild = HttpClient & {
  url: string;
  output(): string;
};

export type HttpClient = {
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** The parsed JSON body; throws with the status and the body when the answer is not 2xx. */
  json<T = any>(method: string, path: string, body?: unknown): Promise<T>;
};

/** JSON over HTTP to `base`; `query` is added to every path, `headers` to every request. */
export function httpClient(
  label: string,
  base: string,
  { headers = {}, query = "", timeoutMs }: { headers?: Record<string, string>; query?: string; timeoutMs: number },
): HttpClient {
  const request = (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) =>
    fetch(base + path + (query ? `${path.includes("?") ? "&" : "?"}${query}` : ""), {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }), ...extra },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  const json = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await request(method, path, body);
    const text = await res.text();
    if (!res.ok) throw new Error(`${label} ${method} ${path} → ${res.status}: ${text.slice(0, 2000)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return { request, json };
}

export async function* chunksOf(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

async function collect(stream: ReadableStream<Uint8Array> | number | undefined, sink: string[], echo: boolean, label: string) {
  if (!(stream instanceof ReadableStream)) return;
  await (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of chunksOf(stream)) {
      const text = decoder.decode(chunk, { stream: true });
      sink.push(text);
      if (sink.length > 4000) sink.splice(0, sink.length - 4000);
      if (echo) process.stderr.write(`[${label}] ${text}`);
    }
  })().catch(() => {});
}
