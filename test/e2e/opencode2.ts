// Runs the OpenCode 2.0 preview CLI (npm @opencode-ai/cli-linux-x64, binary
// bin/lildax, pinned in the root package.json) in a sealed temp home against
// the mock model, and drives it over its /api. What this build needs (found by
// running it): config only from opencode.json files, HTTP Basic auth with the
// password it writes to $XDG_STATE_HOME/opencode/password, and plugins that
// boot lazily on the first request naming a location.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EgressProxy } from "./egress-proxy.ts";
import { freePort } from "../helpers/net.ts";
import { openCodeEnv, prepareHome } from "./opencode.ts";
import { REPO_ROOT, httpClient, makeTempDir, spawnChild, waitForChild, type RunningChild } from "./processes.ts";
import { eventually } from "../helpers/eventually.ts";

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

/** Its `request`/`json` are scoped to the project's location and authenticated. */
export type OpenCode2 = RunningChild & {
  home: string;
  project: string;
  /** $XDG_DATA_HOME of this OpenCode (the plugin keeps its secrets and log under it). */
  dataHome: string;
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
  const dirs = prepareHome(root);
  mkdirSync(join(dirs.config, "opencode"), { recursive: true });
  writeFileSync(join(dirs.config, "opencode", "opencode.json"), JSON.stringify(config(options), null, 2));

  const port = await freePort();
  const child = spawnChild([OPENCODE2_BIN, "serve", "--hostname", "127.0.0.1", "--port", String(port)], {
    cwd: dirs.project,
    env: openCodeEnv(root, options.proxy),
    label: "opencode2",
    log: options.log,
  });
  const output = child.output;
  const url = `http://127.0.0.1:${port}`;
  const passwordFile = join(dirs.state, "opencode", "password");
  try {
    await waitForChild(child, "lildax listening", () => existsSync(passwordFile) && output().includes("listening"), 60_000);
  } catch (error) {
    await child.stop();
    throw error;
  }
  const { request, json } = httpClient("lildax", url, {
    headers: {
      authorization: "Basic " + Buffer.from(`opencode:${readFileSync(passwordFile, "utf8").trim()}`).toString("base64"),
      "x-opencode-directory": dirs.project,
    },
    query: `location%5Bdirectory%5D=${encodeURIComponent(dirs.project)}`,
    timeoutMs: 120_000,
  });

  const instance: OpenCode2 = {
    url,
    home: root,
    project: dirs.project,
    dataHome: dirs.data,
    output,
    request,
    json,
    ready: async (timeoutMs = 90_000) => {
      await eventually(
        "the project's location to boot",
        async () => {
          const models = await json<{ data: Array<{ id: string; providerID: string }> }>("GET", "/api/model");
          const commands = await request("GET", "/api/command");
          return { commands: commands.status, models: models.data.map((m) => `${m.providerID}/${m.id}`) };
        },
        (seen) => seen.commands < 300 && seen.models.includes(`${MOCK_MODEL.providerID}/${MOCK_MODEL.id}`),
        { timeoutMs, intervalMs: 500 },
      ).catch((error) => {
        throw new Error(`${error.message}:\n${output().slice(-3000)}`);
      });
    },
    createSession: async () =>
      (await json<{ data: any }>("POST", "/api/session", { model: MOCK_MODEL, location: { directory: dirs.project } })).data,
    prompt: async (sessionId, text) => {
      const before = (await instance.messages(sessionId)).length;
      await json("POST", `/api/session/${sessionId}/prompt`, { prompt: { text } });
      // This build answers /wait with 503 ("not available yet"): the turn is
      // over when the newest message is an assistant step that did not end
      // in tool calls.
      await eventually(
        `the turn for "${text}" to finish`,
        () => instance.messages(sessionId),
        (all) => {
          const last = all.at(-1);
          return all.length > before + 1 && last?.type === "assistant" && Boolean(last.time?.completed) && last.finish !== "tool-calls";
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      ).catch((error) => {
        throw new Error(`${error.message}:\n${output().slice(-3000)}`);
      });
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
    stop: () => child.stop(),
  };
  return instance;
}
