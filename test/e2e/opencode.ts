// Runs the real OpenCode binary (`opencode serve`) in a sealed temp home
// against the mock model, with all egress forced through the egress proxy, and
// drives it over its HTTP API.
import { mkdirSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EgressProxy } from "./egress-proxy.ts";
import { freePort } from "../helpers/net.ts";
import {
  REPO_ROOT,
  answers,
  chunksOf,
  httpClient,
  makeTempDir,
  type RunningChild,
  removeTempDir,
  spawnChild,
  waitForChild,
} from "./processes.ts";

export const OPENCODE_BIN = join(REPO_ROOT, "node_modules/.bin/opencode");

/** One `{info, parts}` entry as `GET /session/:id/message` returns it. */
export type MessageWithParts = { info: any; parts: any[] };

export type OpenCodeOptions = {
  /** baseURL of the OpenAI-compatible model (the mock model's `baseURL`). */
  modelBaseURL: string;
  proxy?: EgressProxy;
  /** Merged over the base config (provider, model, permissions). */
  config?: Record<string, unknown>;
  /** Reuse a home from an earlier instance (restart); a fresh one otherwise. */
  home?: string;
  env?: Record<string, string>;
  log?: boolean;
  startTimeoutMs?: number;
};

export type OpenCode = RunningChild & {
  port: number;
  /** Temp root holding the home, XDG dirs and the project. */
  home: string;
  project: string;
  options: OpenCodeOptions;
  createSession(body?: Record<string, unknown>): Promise<any>;
  getSession(id: string): Promise<any>;
  /** Sends a prompt and resolves when the whole turn (every LLM call) is done. */
  prompt(sessionId: string, text: string, extra?: Record<string, unknown>): Promise<MessageWithParts>;
  command(sessionId: string, command: string, args?: string, extra?: Record<string, unknown>): Promise<Response>;
  share(sessionId: string): Promise<any>;
  unshare(sessionId: string): Promise<any>;
  messages(sessionId: string): Promise<MessageWithParts[]>;
  events(): EventStream;
  stop(): Promise<void>;
  /** Stops and starts again on the same home, project and port-less config. */
  restart(): Promise<OpenCode>;
  /** Stops and deletes the temp home. */
  dispose(): Promise<void>;
};

export type OpenCodeEvent = { type: string; properties: any };
export type EventStream = {
  events: OpenCodeEvent[];
  /** Resolves with the first (past or future) event matching, or rejects after timeoutMs. */
  waitFor(match: (e: OpenCodeEvent) => boolean, timeoutMs?: number): Promise<OpenCodeEvent>;
  close(): void;
};

// OpenCode 1.18.33 bundles @ai-sdk/openai-compatible, but on every start it
// resolves @opencode-ai/plugin for its config dir through the registry with an
// npm-style cache; one cache per test process keeps that to one download per run.
let sharedCache: string | undefined;
export function sharedCacheDir(): string {
  sharedCache ??= makeTempDir("better-share-e2e-cache-");
  return sharedCache;
}

export function baseConfig(modelBaseURL: string): Record<string, unknown> {
  return {
    $schema: "https://opencode.ai/config.json",
    model: "mock/mock-model",
    small_model: "mock/mock-model",
    provider: {
      mock: {
        name: "Mock",
        npm: "@ai-sdk/openai-compatible",
        options: { baseURL: modelBaseURL, apiKey: "mock-key" },
        models: {
          "mock-model": {
            name: "Mock Model",
            tool_call: true,
            reasoning: true,
            limit: { context: 128000, output: 8192 },
          },
        },
      },
    },
    enabled_providers: ["mock"],
    permission: { "*": "allow", edit: "allow", bash: "allow", webfetch: "allow", external_directory: "allow" },
    autoupdate: false,
    share: "manual",
    lsp: false,
    formatter: false,
  };
}

function mergeConfig(base: Record<string, any>, extra: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(extra)) {
    if (v && typeof v === "object" && !Array.isArray(v) && out[k] && typeof out[k] === "object" && !Array.isArray(out[k]))
      out[k] = mergeConfig(out[k], v);
    else out[k] = v;
  }
  return out;
}

/** Where an OpenCode home under `root` keeps things (both generations use the same layout). */
function layout(root: string) {
  return {
    home: join(root, "home"),
    data: join(root, "xdg/data"),
    config: join(root, "xdg/config"),
    state: join(root, "xdg/state"),
    project: join(root, "project"),
  };
}

/** Creates the home, XDG and project dirs under `root`; the project is a git repository with one commit. */
export function prepareHome(root: string) {
  const dirs = layout(root);
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dirs.project, ".git"))) {
    writeFileSync(join(dirs.project, "README.md"), "# e2e project\n");
    const git = (...args: string[]) =>
      Bun.spawnSync(["git", ...args], {
        cwd: dirs.project,
        env: { ...process.env, HOME: dirs.home, GIT_CONFIG_NOSYSTEM: "1" },
        stdout: "ignore",
        stderr: "ignore",
      });
    git("init", "-q", "-b", "main");
    git("-c", "user.email=e2e@example.invalid", "-c", "user.name=e2e", "add", ".");
    git("-c", "user.email=e2e@example.invalid", "-c", "user.name=e2e", "commit", "-q", "-m", "init");
  }
  return dirs;
}

/** The environment every OpenCode child gets: sealed home, proxy, no auto-anything. */
export function openCodeEnv(root: string, proxy: EgressProxy | undefined, extra: Record<string, string> = {}) {
  const dirs = layout(root);
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    LANG: "C.UTF-8",
    TERM: "dumb",
    HOME: dirs.home,
    XDG_DATA_HOME: dirs.data,
    XDG_CONFIG_HOME: dirs.config,
    XDG_STATE_HOME: dirs.state,
    XDG_CACHE_HOME: sharedCacheDir(),
    npm_config_cache: join(sharedCacheDir(), "npm"),
    OPENCODE_DISABLE_AUTOUPDATE: "1",
    OPENCODE_DISABLE_MODELS_FETCH: "1",
    OPENCODE_DISABLE_LSP_DOWNLOAD: "1",
    OPENCODE_DISABLE_DEFAULT_PLUGINS: "1",
    NO_PROXY: "127.0.0.1,localhost,::1",
    no_proxy: "127.0.0.1,localhost,::1",
    ...extra,
  };
  if (proxy) {
    for (const key of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "npm_config_proxy", "npm_config_https_proxy"])
      env[key] = proxy.url;
  }
  return env;
}

export async function startOpenCode(options: OpenCodeOptions): Promise<OpenCode> {
  // Without rg on PATH OpenCode fetches it from GitHub, which the egress guard
  // refuses, and glob/grep then fail deep inside a turn.
  if (!Bun.which("rg", { PATH: process.env.PATH ?? "" }))
    throw new Error("ripgrep (rg) must be on PATH for OpenCode's glob/grep tools: apt-get install ripgrep");
  const root = options.home ?? makeTempDir("better-share-e2e-opencode-");
  const dirs = prepareHome(root);
  const port = await freePort();
  const config = mergeConfig(baseConfig(options.modelBaseURL), options.config ?? {});
  const child = spawnChild(
    [OPENCODE_BIN, "serve", "--hostname", "127.0.0.1", "--port", String(port), "--print-logs", "--log-level", "INFO"],
    {
      cwd: dirs.project,
      env: openCodeEnv(root, options.proxy, { OPENCODE_CONFIG_CONTENT: JSON.stringify(config), ...(options.env ?? {}) }),
      label: "opencode",
      log: options.log,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForChild(child, `opencode answering ${url}/config`, answers(`${url}/config`), options.startTimeoutMs ?? 110_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  const { request, json } = httpClient("opencode", url, { timeoutMs: 170_000 });

  const instance: OpenCode = {
    url,
    port,
    home: root,
    project: dirs.project,
    options,
    output: child.output,
    request,
    json,
    createSession: (body = {}) => json("POST", "/session", body),
    getSession: (id) => json("GET", `/session/${id}`),
    prompt: (sessionId, text, extra = {}) =>
      json("POST", `/session/${sessionId}/message`, { parts: [{ type: "text", text }], ...extra }),
    command: (sessionId, command, args = "", extra = {}) =>
      request("POST", `/session/${sessionId}/command`, { command, arguments: args, ...extra }),
    share: (sessionId) => json("POST", `/session/${sessionId}/share`),
    unshare: (sessionId) => json("DELETE", `/session/${sessionId}/share`),
    messages: (sessionId) => json("GET", `/session/${sessionId}/message`),
    events: () => subscribe(url),
    stop: () => child.stop(),
    restart: async () => {
      await instance.stop();
      return startOpenCode({ ...options, home: root });
    },
    dispose: async () => {
      await instance.stop();
      removeTempDir(root);
    },
  };
  return instance;
}

function subscribe(url: string): EventStream {
  const events: OpenCodeEvent[] = [];
  const waiters = new Set<{ match: (e: OpenCodeEvent) => boolean; resolve: (e: OpenCodeEvent) => void }>();
  const controller = new AbortController();
  (async () => {
    const res = await fetch(`${url}/event`, { signal: controller.signal, headers: { accept: "text/event-stream" } });
    const decoder = new TextDecoder();
    let buffer = "";
    for await (const chunk of chunksOf(res.body!)) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = frame
          .split("\n")
          .filter((l) => l.startsWith("data:"))
          .map((l) => l.slice(5).trimStart())
          .join("\n");
        if (!data) continue;
        let event: OpenCodeEvent;
        try {
          event = JSON.parse(data);
        } catch {
          continue;
        }
        events.push(event);
        for (const w of waiters) if (w.match(event)) (waiters.delete(w), w.resolve(event));
      }
    }
  })().catch(() => {});
  return {
    events,
    waitFor: (match, timeoutMs = 30_000) => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error(`no matching OpenCode event within ${timeoutMs} ms`));
        }, timeoutMs);
      });
    },
    close: () => controller.abort(),
  };
}

export type ImportOptions = { modelBaseURL: string; proxy?: EgressProxy; log?: boolean; timeoutMs?: number };

/**
 * Runs `opencode import <url>` in a second fresh home and reads the imported
 * session back through that home's own server, so the result is what OpenCode
 * itself stored.
 */
export async function opencodeImport(
  shareUrl: string,
  options: ImportOptions,
): Promise<{ session: any; messages: MessageWithParts[]; output: string }> {
  const root = makeTempDir("better-share-e2e-import-");
  try {
    const dirs = prepareHome(root);
    const config = baseConfig(options.modelBaseURL);
    const started = Date.now();
    const child = spawnChild([OPENCODE_BIN, "import", shareUrl, "--print-logs", "--log-level", "INFO"], {
      cwd: dirs.project,
      env: openCodeEnv(root, options.proxy, { OPENCODE_CONFIG_CONTENT: JSON.stringify(config) }),
      label: "opencode import",
      log: options.log,
    });
    const timer = setTimeout(() => void child.stop(), options.timeoutMs ?? 90_000);
    const code = await child.finished;
    clearTimeout(timer);
    const output = child.output();
    if (process.env.E2E_TIMING) console.error(`[timing] opencode import took ${Date.now() - started} ms`);
    if (code !== 0) throw new Error(`opencode import exited ${code}:\n${output}`);
    const server = await startOpenCode({ modelBaseURL: options.modelBaseURL, proxy: options.proxy, home: root, log: options.log });
    try {
      const sessions: any[] = await server.json("GET", "/session");
      if (sessions.length !== 1) throw new Error(`expected one imported session, found ${sessions.length}:\n${output}`);
      const session = sessions[0];
      return { session, messages: await server.messages(session.id), output };
    } finally {
      await server.stop();
    }
  } finally {
    removeTempDir(root);
  }
}
