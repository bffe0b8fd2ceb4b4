// Part types and tool states the fixture does not contain, built from the SDK's shapes.
import { describe, expect, test } from "bun:test";
import type { ShareData } from "../../src/core/model.ts";
import { loadFixture, pagesApp } from "./app.ts";

const fixture = await loadFixture();

let seq = 0;
/** Renders one assistant message holding `parts` and returns the page HTML. */
async function render(parts: unknown[], extra: Partial<ShareData> = {}): Promise<string> {
  const d = structuredClone(fixture);
  d.messages = [
    d.messages[0]!,
    { info: d.messages[1]!.info, parts: parts.map((p, i) => ({ id: `prt_t${++seq}x${i}`, sessionID: d.sessionId, messageID: d.messages[1]!.info.id, ...(p as object) })) } as never,
  ];
  Object.assign(d, extra);
  const { source, get } = pagesApp();
  source.put(d);
  // all pages of the conversation, without the header and the files-changed summary
  let out = "";
  for (let page = 1, pages = 1; page <= pages; page++) {
    const res = await get(`/share/${d.shareId}?page=${page}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    pages = Number(/page \d+ of (\d+)/.exec(html)?.[1] ?? 1);
    const end = html.indexOf('id="files"');
    out += html.slice(html.indexOf('id="conversation"'), end > -1 ? end : undefined);
  }
  return out;
}

const T = { start: 1795528100000, end: 1795528102500 };
const done = (tool: string, input: object, output: string, metadata: object = {}) => ({
  type: "tool", tool, callID: "c", state: { status: "completed", input, output, title: "", metadata, time: T },
});

describe("parts", () => {
  test("file: raster data-URL images inline, SVG and other files as names or links", async () => {
    const png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    const html = await render([
      { type: "file", mime: "image/png", filename: "shot.png", url: png },
      { type: "file", mime: "image/svg+xml", filename: "logo.svg", url: "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" },
      { type: "file", mime: "application/pdf", filename: "spec.pdf", url: "https://example.com/spec.pdf" },
      { type: "file", mime: "text/plain", filename: "notes.txt", url: "file:///home/dev/notes.txt", source: { type: "file", path: "/home/dev/greet-demo/notes.txt", text: { value: "hello", start: 0, end: 5 } } },
    ]);
    expect(html).toContain(`<img src="${png}" alt="shot.png"`);
    expect(html).not.toContain("data:image/svg+xml");
    expect(html).toContain(">logo.svg<");
    expect(html).toContain('<a href="https://example.com/spec.pdf"');
    expect(html).not.toContain("file:///");
    expect(html).toContain(">notes.txt<");
  });

  test("agent, subtask, retry, compaction and snapshot parts are shown", async () => {
    const html = await render([
      { type: "agent", name: "reviewer", source: { value: "@reviewer", start: 0, end: 9 } },
      { type: "subtask", prompt: "Check **all** tests", description: "Run tests", agent: "general" },
      { type: "retry", attempt: 2, error: { name: "APIError", data: { message: "Rate limited by provider", statusCode: 429, isRetryable: true } }, time: { created: 1795528100000 } },
      { type: "compaction", auto: true },
      { type: "snapshot", snapshot: "feedbeefcafe" },
    ]);
    expect(html).toContain("@reviewer");
    expect(html).toContain("<strong>all</strong>");
    expect(html).toContain("Run tests");
    expect(html).toContain("Retry attempt 2");
    expect(html).toContain("HTTP 429");
    expect(html).toContain("Rate limited by provider");
    expect(html).toContain("Context compacted");
    expect(html).toContain("automatically");
    expect(html).toContain("feedbeefcafe");
  });

  test("unknown part types are shown as data, not dropped", async () => {
    const html = await render([{ type: "hologram", beam: "photon-42" }]);
    expect(html).toContain('class="part part-hologram"');
    expect(html).toContain("photon-42");
  });

  test("synthetic text is marked and collapsed", async () => {
    const html = await render([{ type: "text", text: "injected context", synthetic: true }]);
    expect(html).toContain('<details class="synthetic">');
    expect(html).toContain("injected context");
  });

  test("a text part too long for markdown is shown as text with show-more", async () => {
    const long = Array.from({ length: 20_000 }, (_, i) => `line ${i} *not emphasised*`).join("\n");
    const html = await render([{ type: "text", text: long }]);
    expect(html).toContain("line 0 *not emphasised*");
    expect(html).toContain('<details class="more">');
    expect(html).toContain("more line");
  });

  test("an assistant error is shown on its message", async () => {
    const d = structuredClone(fixture);
    (d.messages[1]!.info as { error?: unknown }).error = { name: "ProviderAuthError", data: { providerID: "mock", message: "Invalid API key" } };
    const { source, get } = pagesApp();
    source.put(d);
    const html = await (await get(`/share/${d.shareId}`)).text();
    expect(html).toContain("ProviderAuthError");
    expect(html).toContain("Invalid API key");
  });
});

describe("tools", () => {
  test("pending, running and error states are visible", async () => {
    const html = await render([
      { type: "tool", tool: "bash", callID: "a", state: { status: "pending", input: { command: "sleep 1" }, raw: "" } },
      { type: "tool", tool: "bash", callID: "b", state: { status: "running", input: { command: "make" }, metadata: { output: "partial build log" }, time: { start: T.start } } },
      { type: "tool", tool: "bash", callID: "c", state: { status: "error", input: { command: "false" }, error: "command failed: exit 1", time: T } },
    ]);
    expect(html).toContain("status-pending");
    expect(html).toContain("pending…");
    expect(html).toContain("running…");
    expect(html).toContain("partial build log");
    expect(html).toContain("status-error");
    expect(html).toContain("command failed: exit 1");
  });

  test("bash with a non-zero exit code and long output folds the rest into details", async () => {
    const output = Array.from({ length: 100 }, (_, i) => `out ${i}`).join("\n");
    const html = await render([done("bash", { command: "npm test", description: "Run tests" }, output, { exit: 2 })]);
    expect(html).toContain("Run tests");
    expect(html).toContain("exit-fail");
    expect(html).toContain("exit 2");
    expect(html).toContain("Show 86 more lines");
    expect(html).toContain("out 99");
  });

  test("edit without a recorded diff computes one from old and new strings", async () => {
    const html = await render([{ type: "tool", tool: "edit", callID: "e", state: { status: "error", input: { filePath: "/home/dev/greet-demo/a.ts", oldString: "const a = 1;", newString: "const a = 2;" }, error: "file changed on disk", time: T } }]);
    expect(html).toContain('class="dr dr-del" data-o="1"');
    expect(html).toContain("const a = 1;");
    expect(html).toContain('class="dr dr-add" data-n="1"');
    expect(html).toContain("file changed on disk");
  });

  test("multiedit shows one diff per edit", async () => {
    const html = await render([done("multiedit", { filePath: "/x/a.py", edits: [{ oldString: "a = 1", newString: "a = 2" }, { oldString: "b = 1", newString: "b = 3" }] }, "ok")]);
    expect(html.match(/class="diff"/g)?.length).toBe(2);
    expect(html).toContain("b = 3");
  });

  test("grep and list show pattern, path and results", async () => {
    const html = await render([
      done("grep", { pattern: "TODO\\(", path: "/home/dev/greet-demo/src", include: "*.ts" }, "Found 2 matches\nsrc/a.ts:\n  Line 3: TODO(x)", { matches: 2 }),
      done("list", { path: "/home/dev/greet-demo" }, "greet-demo/\n  greet.sh\n  README.md", { count: 2 }),
    ]);
    expect(html).toContain("TODO\\(");
    expect(html).toContain("*.ts");
    expect(html).toContain("Line 3: TODO(x)");
    expect(html).toContain("README.md");
  });

  test("webfetch shows a safe link to the URL and its format", async () => {
    const html = await render([done("webfetch", { url: "https://example.com/docs?a=1&b=2", format: "markdown" }, "# Docs")]);
    expect(html).toContain('href="https://example.com/docs?a=1&amp;b=2"');
    expect(html).toContain("as markdown");
  });

  test("task nests its sub-agent session under the call", async () => {
    const child = {
      session: { id: "ses_child0001", title: "Explore the repo", time: { created: 1, updated: 2 } },
      messages: [
        { info: { id: "msg_childA", role: "user", time: { created: 1795528100000 } }, parts: [{ id: "prt_childA", type: "text", text: "find the tests" }] },
        { info: { id: "msg_childB", role: "assistant", time: { created: 1795528100000 } }, parts: [done("glob", { pattern: "**/*.test.ts" }, "a.test.ts")].map((p, i) => ({ id: `prt_childB${i}`, ...p })) },
      ],
    };
    const html = await render(
      [done("task", { description: "Explore", prompt: "Look around", subagent_type: "explore" }, "task_id: ses_child0001\n\n<task_result>\nFound **1** test\n</task_result>", { sessionId: "ses_child0001" })],
      { subsessions: { ses_child0001: child } as never },
    );
    const task = html.slice(html.indexOf('class="tool-name">task<'));
    const sub = task.indexOf('<details class="subsession">');
    expect(sub).toBeGreaterThan(-1);
    expect(task).toContain("Sub-agent session: Explore the repo · 2 messages");
    expect(task.indexOf('id="m-msg_childA"')).toBeGreaterThan(sub);
    expect(task).toContain("**/*.test.ts");
    expect(task).toContain("Found <strong>1</strong> test");
    expect(task).not.toContain("task_result");
    expect(html).not.toContain("Other sub-agent sessions");
  });

  test("sub-agent sessions no task points at are still shown at the end", async () => {
    const html = await render([{ type: "text", text: "hi" }], {
      subsessions: { ses_lonely: { session: { title: "Lonely child" }, messages: [{ info: { id: "msg_l", role: "user" }, parts: [{ id: "prt_l", type: "text", text: "orphan text" }] }] } } as never,
    });
    expect(html).toContain("Other sub-agent sessions");
    expect(html).toContain("orphan text");
  });

  test("todoread reads the list from its output", async () => {
    const html = await render([done("todoread", {}, JSON.stringify([{ content: "Ship it", status: "in_progress", priority: "high" }]))]);
    expect(html).toContain("todo-in_progress");
    expect(html).toContain("Ship it");
  });

  test("apply_patch shows the recorded unified diff", async () => {
    const html = await render([done("apply_patch", { patchText: "*** Begin Patch\n*** Update File: a.txt\n@@\n-old\n+new\n*** End Patch" }, "ok", { diff: "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-old\n+new\n" })]);
    expect(html).toContain("a.txt");
    expect(html).toContain('class="dr dr-add" data-n="1"');
  });

  test("MCP and unknown tools show input and output as formatted JSON", async () => {
    const html = await render([done("github_create_issue", { repo: "o/r", labels: ["bug"] }, '{"number":7,"url":"https://github.com/o/r/issues/7"}')]);
    expect(html).toContain("github_create_issue");
    expect(html).toContain('class="hljs language-json"');
    expect(html).toContain("&quot;number&quot;");
    expect(html).toContain("labels");
  });
});
