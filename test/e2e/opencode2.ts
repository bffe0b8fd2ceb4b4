// Runs the OpenCode 2.0 preview CLI (npm @opencode-ai/cli-linux-x64, binary
// bin/lildax, pinned in the root package.json) in a sealed temp home against
// the mock model, and drives it over its /api. What this build needs (found by
// running it): config only from opencode.json files, HTTP Basic auth with the
// password it writes to $XDG_STATE_HOME/opencode/password, and plugins that
// boot lazily on the first request naming a location.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EgressProxy } from "./egress-proxy.ts";
import { collect, freePort, makeTempDir, openCodeEnv, REPO_ROOT, trackChild } from "./opencode.ts";

export const OPENCODE2_BIN = join(REPO_ROOT, "node_modules/@opencode-ai/cli-linux-x64/bin/lildax");
export const OPENCODE2_VERSION = "1.18.18";
export const MOCK_MODEL = { id: "mock-1", providerID: "mock" };

export type OpenCode2Options = {
  modelBaseURL: string;
  proxy?: EgressProxy;
  /** Entries of the 2.x `plugins` key. */
  plugins?: unknown[];
  log?: boolean;
};

export type OpenCode2 = {
  url: string;
  home: string;
  project: string;
  /** $XDG_DATA_HOME of this OpenCode (the plugin keeps its secrets and log under it). */
  dataHome: string;
  output(): string;
  /** A request for the project's location, authenticated. */
  request(method: string, path: string, body?: unknown): Promise<Response>;
  json<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** Waits until the project's location has booted (plugins included). */
  ready(timeoutMs?: number): Promise<void>;
  createSession(): Promise<any>;
  /** Sends a prompt and resolves when the session is idle again. */
  prompt(sessionId: string, text: string): Promise<void>;
  /**
   * Runs a slash command. This build has no route for it; for a build that
   * has the 2.x command API, the session's command route is tried first and
   * the prompt text `/name args` second (neither waits for a model turn:
   * plugin commands start none).
   */
  command(sessionId: string, name: string, args?: string): Promise<void>;
  /** Every message of a session, oldest first, through the paged list. */
  messages(sessionId: string): Promise<any[]>;
  session(sessionId: string): Promise<any>;
  stop(): Promise<void>;
};

// Written in the 2.x keys (`providers`, `permissions`, `plugins`): a file with
// any 1.x key (`provider`, `permission`, `plugin`, ...) is read as a 1.x config
// and converted, which drops `plugins`.
export function config(options: OpenCode2Options): Record<string, unknown> {
  return {
    $schema: "https://opencode.ai/config.json",
    model: `${MOCK_MODEL.providerID}/${MOCK_MODEL.id}`,
    autoupdate: false,
    providers: {
      [MOCK_MODEL.providerID]: {
        name: "Mock",
        api: { type: "aisdk", package: "@ai-sdk/openai-compatible", url: options.modelBaseURL },
        request: { body: { apiKey: "mock-key" } },
        models: {
          [MOCK_MODEL.id]: {
            name: "Mock Model",
            capabilities: { tools: true, input: ["text"], output: ["text"] },
            limit: { context: 128000, output: 8192 },
          },
        },
      },
    },
    permissions: [{ action: "*", resource: "*", effect: "allow" }],
    plugins: options.plugins ?? [],
  };
}

export async function startOpenCode2(options: OpenCode2Options): Promise<OpenCode2> {
  const root = makeTempDir("better-share-e2e-opencode2-");
  const dirs = {
    home: join(root, "home"),
    data: join(root, "xdg/data"),
    config: join(root, "xdg/config"),
    state: join(root, "xdg/state"),
    project: join(root, "project"),
  };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
  mkdirSync(join(dirs.config, "opencode"), { recursive: true });
  writeFileSync(join(dirs.config, "opencode", "opencode.json"), JSON.stringify(config(options), null, 2));
  writeFileSync(join(dirs.project, "README.md"), "# e2e project\n");
  Bun.spawnSync(["git", "init", "-q", "-b", "main"], { cwd: dirs.project, env: { ...process.env, HOME: dirs.home } });

  const port = await freePort();
  const env = openCodeEnv(root, options.proxy, {});
  const out: string[] = [];
  const echo = Boolean(options.log || process.env.E2E_LOG);
  const proc = Bun.spawn([OPENCODE2_BIN, "serve", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: dirs.project,
    env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  trackChild(proc);
  collect(proc.stdout, out, echo, "opencode2");
  collect(proc.stderr, out, echo, "opencode2");
  const output = () => out.join("");
  const url = `http://127.0.0.1:${port}`;
  const passwordFile = join(dirs.state, "opencode", "password");
  let auth = "";
  const location = `location%5Bdirectory%5D=${encodeURIComponent(dirs.project)}`;

  const deadline = Date.now() + 60_000;
  while (true) {
    if (proc.exitCode !== null) throw new Error(`lildax exited with ${proc.exitCode}:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`lildax did not start within 60 s:\n${output()}`);
    if (existsSync(passwordFile) && output().includes("listening")) {
      auth = "Basic " + Buffer.from(`opencode:${readFileSync(passwordFile, "utf8").trim()}`).toString("base64");
      break;
    }
    await Bun.sleep(200);
  }

  const request = (method: string, path: string, body?: unknown) => {
    const sep = path.includes("?") ? "&" : "?";
    return fetch(`${url}${path}${sep}${location}`, {
      method,
      headers: { authorization: auth, "x-opencode-directory": dirs.project, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
  };
  const json = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await request(method, path, body);
    const text = await res.text();
    if (!res.ok) throw new Error(`lildax ${method} ${path} → ${res.status}: ${text.slice(0, 1500)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  const instance: OpenCode2 = {
    url,
    home: root,
    project: dirs.project,
    dataHome: dirs.data,
    output,
    request,
    json,
    ready: async (timeoutMs = 90_000) => {
      const until = Date.now() + timeoutMs;
      let last = "";
      while (Date.now() < until) {
        try {
          const models = await json<{ data: Array<{ id: string; providerID: string }> }>("GET", "/api/model");
          const commands = await request("GET", "/api/command");
          if (commands.ok && models.data.some((m) => m.id === MOCK_MODEL.id && m.providerID === MOCK_MODEL.providerID)) return;
          last = `commands ${commands.status}, models ${models.data.map((m) => `${m.providerID}/${m.id}`).join(",")}`;
        } catch (err) {
          last = String(err);
        }
        await Bun.sleep(500);
      }
      throw new Error(`the project's location did not boot within ${timeoutMs} ms (${last}):\n${output().slice(-3000)}`);
    },
    createSession: async () =>
      (await json<{ data: any }>("POST", "/api/session", { model: MOCK_MODEL, location: { directory: dirs.project } })).data,
    prompt: async (sessionId, text) => {
      const before = (await instance.messages(sessionId)).length;
      await json("POST", `/api/session/${sessionId}/prompt`, { prompt: { text } });
      // This build answers /wait with 503 ("not available yet"): the turn is
      // over when the newest message is an assistant step that did not end
      // in tool calls.
      const until = Date.now() + 120_000;
      while (Date.now() < until) {
        const all = await instance.messages(sessionId);
        const last = all.at(-1);
        if (all.length > before + 1 && last?.type === "assistant" && last.time?.completed && last.finish !== "tool-calls") return;
        await Bun.sleep(250);
      }
      throw new Error(`the turn for "${text}" did not finish within 120 s:\n${output().slice(-3000)}`);
    },
    command: async (sessionId, name, args = "") => {
      const res = await request("POST", `/api/session/${sessionId}/command`, { command: name, arguments: args });
      if (res.ok) return;
      if (res.status !== 404 && res.status !== 405) throw new Error(`lildax /${name} → ${res.status}: ${(await res.text()).slice(0, 500)}`);
      await json("POST", `/api/session/${sessionId}/prompt`, { prompt: { text: `/${name}${args ? ` ${args}` : ""}` } });
    },
    messages: async (sessionId) => {
      const all: any[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page++) {
        const res = await json<{ data: any[]; cursor?: { next?: string | null } }>(
          "GET",
          `/api/session/${sessionId}/message?order=asc&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        );
        all.push(...res.data);
        if (res.data.length < 100 || !res.cursor?.next) break;
        cursor = res.cursor.next;
      }
      return all;
    },
    session: async (sessionId) => (await json<{ data: any }>("GET", `/api/session/${sessionId}`)).data,
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill("SIGTERM");
      const exited = await Promise.race([proc.exited.then(() => true), Bun.sleep(5000).then(() => false)]);
      if (!exited) {
        proc.kill("SIGKILL");
        await proc.exited;
      }
    },
  };
  return instance;
}
