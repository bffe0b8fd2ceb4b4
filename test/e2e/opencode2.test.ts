// The plugin in a real OpenCode 2: the "2.0 preview" CLI from npm (the only
// OpenCode 2 build installable here). Its plugin API predates the 2.x command,
// session and event APIs, so this proves what that build can prove: the
// plugin, installed as a local 2.x plugin, loads, finds the command API
// missing, says so in one line and breaks nothing; and the transcript the 2.x
// server produces, read over its HTTP API into the 2.x upload shape by the
// plugin's own reader, is uploaded to the compiled better-share binary and
// renders as a share page. On a build that has the command API the same
// test runs /share, a synced turn, /shares and /unshare instead.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { ShareApi } from "../../plugin/src/api.ts";
import type { ShareDataV2, V2Message } from "../../plugin/src/protocol.ts";
import { redact } from "../../plugin/src/redact.ts";
import { buildShareDataV2 } from "../../plugin/src/v2.ts";
import type { V2PluginContext } from "../../plugin/src/v2-host.ts";
import type { BetterShare } from "./better-share.ts";
import type { EgressProxy } from "./egress-proxy.ts";
import type { MockModel, Turn } from "./mock-model.ts";
import { OPENCODE2_BIN, startOpenCode2, type OpenCode2 } from "./opencode2.ts";
import { REPO_ROOT } from "./processes.ts";
import { startStack, stopStack } from "./stack.ts";
import { eventually } from "../helpers/eventually.ts";

const BINARY = join(REPO_ROOT, "better-share");
const PROMPT = "Run echo hi and tell me what it printed.";
const ANSWER = "The command printed: hi";

let model: MockModel;
let proxy: EgressProxy;
let server: BetterShare;
let opencode: OpenCode2;

function toolTurn(): Turn {
  return [
    { text: "Running a command.", tools: [{ name: "bash", args: { command: "echo hi", description: "Print hi" } }] },
    { text: `${ANSWER}\n\nCommand exited with code 0.` },
  ];
}


/** The plugin's log in this OpenCode's data dir (the 2.x plugin context has no logger). */
function pluginLog(): string[] {
  const path = join(opencode.dataHome, "opencode", "better-share", "better-share.log");
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];
}

/** The plugin's 2.x reader, pointed at the 2.x server's HTTP API instead of a plugin context. */
function httpContext(oc: OpenCode2): V2PluginContext {
  return {
    session: {
      get: async ({ sessionID }) => oc.session(sessionID),
      context: async ({ sessionID }) => oc.json("GET", `/api/session/${sessionID}/context`),
    },
    message: {
      list: async ({ sessionID, limit = 100, cursor }) =>
        oc.json("GET", `/api/session/${sessionID}/message?order=asc&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`),
    },
  };
}

beforeAll(async () => {
  if (!existsSync(OPENCODE2_BIN)) throw new Error(`${OPENCODE2_BIN} is missing: run bun install (devDependency @opencode-ai/cli-linux-x64)`);
  let pluginDir: string;
  ({ model, proxy, server, pluginDir } = await startStack({
    title: "Echo check",
    server: existsSync(BINARY) ? { binary: BINARY } : {},
    plugin: true,
  }));
  opencode = await startOpenCode2({
    modelBaseURL: model.baseURL,
    proxy,
    // A local 2.x plugin by absolute path, with options, as the README shows.
    plugins: [{ package: join(pluginDir, "server.js"), options: { baseUrl: server.url } }],
  });
  await opencode.ready();
}, 180_000);

afterAll(stopStack, 60_000);

describe("OpenCode 2 (2.0 preview CLI 1.18.18) with the plugin installed", () => {
  let sessionId: string;
  let messages: V2Message[];

  test("the plugin loads and a turn with tool calls completes; without the command API the plugin says so in one line", async () => {
    const lines = await eventually("the plugin's first log line", pluginLog, (l) => l.length > 0, { timeoutMs: 30_000 });
    const hasCommandApi = lines.some((l) => l.includes("better-share ready"));

    const session = await opencode.createSession();
    sessionId = session.id;
    model.push(toolTurn());
    await opencode.prompt(sessionId, PROMPT);
    messages = await opencode.messages(sessionId);

    // The turn completed: the tool ran, and the model answered after it.
    const tool = messages.flatMap((m: any) => (m.type === "assistant" ? m.content : [])).find((c: any) => c.type === "tool");
    expect(tool).toMatchObject({ name: "bash", state: { status: "completed" } });
    expect(JSON.stringify(tool.state.content)).toContain("hi");
    expect(JSON.stringify(messages.at(-1))).toContain(ANSWER);
    expect(model.errors).toEqual([]);
    expect(opencode.output()).not.toMatch(/TypeError|ReferenceError|SyntaxError|Unhandled|uncaught|server\.js:\d+/i);

    if (!hasCommandApi) {
      // The 2.0 preview: one sentence naming the capability, sharing off, nothing else.
      expect(pluginLog()).toHaveLength(1);
      expect(lines[0]).toMatch(/has no ctx\.command\.\S+ in its plugin API, so sharing is off/);
      const commands = await opencode.json<{ data: Array<{ name: string }> }>("GET", "/api/command");
      expect(commands.data.map((c) => c.name)).not.toContain("shares");
      return;
    }

    // A build with the 2.x command API: the whole flow through OpenCode itself.
    await opencode.command(sessionId, "share");
    const shareId = sessionId.slice(-8);
    const within = { timeoutMs: 30_000 };
    await eventually("the share", () => server.shareData(shareId), (d) => d.status === 200, within);
    model.push([{ text: "A second answer." }]);
    await opencode.prompt(sessionId, "Say something else.");
    await eventually("the synced turn", () => server.shareData(shareId), (d) => JSON.stringify(d.body).includes("A second answer."), within);
    await opencode.command(sessionId, "shares");
    await eventually("the /shares note", () => opencode.messages(sessionId), (m) => JSON.stringify(m).includes("Shared sessions (1)"), within);
    await opencode.command(sessionId, "unshare");
    await eventually("the unshare", () => server.shareData(shareId), (d) => d.status === 404, within);
  }, 150_000);

  test("the transcript it produced, read into the 2.x upload shape by the plugin's reader, uploads to the compiled server and renders as a share page", async () => {
    expect(messages?.length).toBeGreaterThan(0);
    const built: ShareDataV2 = await buildShareDataV2(httpContext(opencode), sessionId);
    expect(built.format).toBe("opencode-v2");
    expect(built.messages).toEqual(messages);
    expect(built.session.id).toBe(sessionId);
    expect(built.createdAt).toBe(built.session.time.created);
    const { value: upload } = redact(built, { home: opencode.home });
    const bytes = new TextEncoder().encode(JSON.stringify(upload));

    // The plugin's own client for the upload protocol against the real server.
    const api = new ShareApi(server.url);
    const created = await api.create(built.shareId, sessionId, bytes.length);
    expect(created.url).toBe(`${server.url}/share/${built.shareId}`);
    await api.upload(created.presignedUrl, bytes);

    // What was uploaded comes back unchanged, and renders as a whole page:
    // the prompt, the tool call with its output, the answer.
    const stored = await server.shareData(built.shareId);
    expect(stored.status).toBe(200);
    expect(stored.body).toEqual(JSON.parse(new TextDecoder().decode(bytes)));
    const { status, html } = await server.page(built.shareId);
    expect(status).toBe(200);
    expect(html).toContain(PROMPT);
    expect(html).toContain("echo hi");
    expect(html).toContain(ANSWER);
    expect(html).not.toMatch(/cannot display/i);

    await api.remove(built.shareId, created.secret);
    expect((await server.request("GET", `/api/share/${built.shareId}`)).status).toBe(404);
  }, 60_000);
});
