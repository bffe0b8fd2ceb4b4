// Proves the end-to-end harness itself: a real OpenCode runs a scripted
// tool-using turn against the mock model, and its egress is confined.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { MockModel } from "./mock-model.ts";
import type { EgressProxy } from "./egress-proxy.ts";
import { startOpenCode, type OpenCode } from "./opencode.ts";
import { startStack, stopStack } from "./stack.ts";
import { toolParts } from "./scenario.ts";

let model: MockModel;
let proxy: EgressProxy;
let opencode: OpenCode;

beforeAll(async () => {
  ({ model, proxy } = await startStack({ server: false }));
  opencode = await startOpenCode({ modelBaseURL: model.baseURL, proxy });
}, 120_000);

afterAll(stopStack, 30_000);

describe("e2e harness", () => {
  test(
    "a scripted turn runs bash and write in the real OpenCode and feeds results back to the model",
    async () => {
      model.push([
        {
          reasoning: "Check the project before writing.",
          text: "Looking around first.",
          tools: [{ name: "bash", args: { command: "echo harness-$((6*7))", description: "Print a marker" } }],
        },
        { tools: [{ name: "write", args: { filePath: "notes/hello.txt", content: "hello from the mock\n" } }] },
        { text: "## Done\n\nWrote `notes/hello.txt`." },
      ]);
      const session = await opencode.createSession();
      const reply = await opencode.prompt(session.id, "Write a hello file.");

      expect(reply.info.role).toBe("assistant");
      expect(reply.parts.find((p) => p.type === "text")?.text).toContain("Wrote `notes/hello.txt`");
      expect(model.remaining()).toBe(0);
      expect(model.errors).toEqual([]);

      const messages = await opencode.messages(session.id);
      const tools = toolParts(messages);
      expect(tools.map((p) => [p.tool, p.state.status])).toEqual([
        ["bash", "completed"],
        ["write", "completed"],
      ]);
      expect(tools[0].state.output).toContain("harness-42");
      expect(messages.flatMap((m) => m.parts).some((p) => p.type === "reasoning" && p.text.includes("Check the project"))).toBe(true);

      const file = join(opencode.project, "notes/hello.txt");
      expect(existsSync(file)).toBe(true);
      expect(readFileSync(file, "utf8")).toBe("hello from the mock\n");

      // The second LLM call must carry the bash result: proof the tool loop is real.
      const agentCalls = model.requests.filter((r) => r.kind === "agent");
      const followUp = JSON.stringify(agentCalls[1]!.body.messages);
      expect(followUp).toContain("harness-42");
    },
    180_000,
  );

  test(
    "a restarted OpenCode keeps its home: earlier sessions are there and take new turns",
    async () => {
      const session = await opencode.createSession();
      model.push([{ text: "First answer." }]);
      await opencode.prompt(session.id, "Say something.");
      const before = await opencode.messages(session.id);

      const oldUrl = opencode.url;
      opencode = await opencode.restart();
      expect((await fetch(`${oldUrl}/config`).catch(() => undefined))?.ok).not.toBe(true);
      expect(await opencode.messages(session.id)).toEqual(before);

      model.push([{ text: "Answer after the restart." }]);
      const reply = await opencode.prompt(session.id, "And again.");
      expect(reply.parts.find((p) => p.type === "text")?.text).toBe("Answer after the restart.");
      expect((await opencode.messages(session.id)).length).toBe(before.length + 2);
    },
    180_000,
  );

  test(
    "the egress guard lets the registry through and refuses any other host OpenCode's tools try",
    async () => {
      const registry = await fetch(`https://${proxy.allowedHosts[0]}/`, { proxy: proxy.url } as RequestInit);
      expect(registry.status).toBe(200);

      model.push([
        {
          tools: [
            {
              name: "bash",
              args: {
                command: "curl -sS -m 10 -o /dev/null -w 'code=%{http_code}' https://opncd.ai/api/share || true",
                description: "Try to reach opncd.ai",
              },
            },
          ],
        },
        // webfetch runs inside the OpenCode process itself, so this proves OpenCode's own fetches are guarded too.
        { tools: [{ name: "webfetch", args: { url: "https://example.com/", format: "text" } }] },
        { text: "Could not reach it." },
      ]);
      const session = await opencode.createSession();
      await opencode.prompt(session.id, "Try the hosted share service.");
      const [bash, webfetch] = toolParts(await opencode.messages(session.id));
      expect(bash.state.status).toBe("completed");
      expect(bash.state.output).toContain("code=000");
      expect(webfetch.tool).toBe("webfetch");
      expect(webfetch.state.status).toBe("error");
      expect(proxy.refused()).toEqual(["opncd.ai", "example.com"]);
      expect([...new Set(proxy.foreign().map((a) => a.host))]).toEqual(["opncd.ai", "example.com"]);
    },
    180_000,
  );
});
