// Part types and tool states the fixture does not contain, built from the SDK's
// shapes: one row per behaviour, each page audited (test/views/scenario.ts).
import { describe } from "bun:test";
import { runViewScenarios } from "./scenario.ts";

const T = { start: 1795528100000, end: 1795528102500 };
const done = (tool: string, input: object, output: string, metadata: object = {}) => ({
  type: "tool", tool, callID: "c", state: { status: "completed", input, output, title: "", metadata, time: T },
});
const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
const LONG_TEXT = Array.from({ length: 20_000 }, (_, i) => `line ${i} *not emphasised*`).join("\n");
const LONG_OUTPUT = Array.from({ length: 100 }, (_, i) => `out ${i}`).join("\n");
const CHILD = {
  session: { id: "ses_child0001", title: "Explore the repo", time: { created: 1, updated: 2 } },
  messages: [
    { info: { id: "msg_childA", role: "user", time: { created: 1795528100000 } }, parts: [{ id: "prt_childA", type: "text", text: "find the tests" }] },
    { info: { id: "msg_childB", role: "assistant", time: { created: 1795528100000 } }, parts: [{ id: "prt_childB0", ...done("glob", { pattern: "**/*.test.ts" }, "a.test.ts") }] },
  ],
};

describe("parts", () => {
  runViewScenarios([
    {
      name: "file: raster data-URL images inline, SVG and other files as names or links",
      parts: [
        { type: "file", mime: "image/png", filename: "shot.png", url: PNG },
        { type: "file", mime: "image/svg+xml", filename: "logo.svg", url: "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" },
        { type: "file", mime: "application/pdf", filename: "spec.pdf", url: "https://example.com/spec.pdf" },
        { type: "file", mime: "text/plain", filename: "notes.txt", url: "file:///home/dev/notes.txt", source: { type: "file", path: "/home/dev/greet-demo/notes.txt", text: { value: "hello", start: 0, end: 5 } } },
      ],
      contains: [`<img src="${PNG}" alt="shot.png"`, ">logo.svg<", '<a href="https://example.com/spec.pdf"', ">notes.txt<"],
      absent: ["data:image/svg+xml", "file:///"],
      md: ["Attachment: shot.png (image/png)", "Attachment: spec.pdf"],
    },
    {
      name: "agent, subtask, retry, compaction and snapshot parts are shown",
      parts: [
        { type: "agent", name: "reviewer", source: { value: "@reviewer", start: 0, end: 9 } },
        { type: "subtask", prompt: "Check **all** tests", description: "Run tests", agent: "general" },
        { type: "retry", attempt: 2, error: { name: "APIError", data: { message: "Rate limited by provider", statusCode: 429, isRetryable: true } }, time: { created: 1795528100000 } },
        { type: "compaction", auto: true },
        { type: "snapshot", snapshot: "feedbeefcafe" },
      ],
      contains: ["@reviewer", "<strong>all</strong>", "Run tests", "Retry attempt 2", "HTTP 429", "Rate limited by provider", "Context compacted", "automatically", "feedbeefcafe"],
    },
    {
      name: "unknown part types are shown as data, not dropped",
      parts: [{ type: "hologram", beam: "photon-42" }],
      contains: ['class="part part-hologram"', "photon-42"],
      md: ["photon-42"],
    },
    {
      name: "synthetic text is marked and collapsed",
      parts: [{ type: "text", text: "injected context", synthetic: true }],
      contains: ['<details class="synthetic">', "injected context"],
    },
    {
      name: "a text part too long for markdown is shown as text with show-more",
      parts: [{ type: "text", text: LONG_TEXT }],
      contains: ["line 0 *not emphasised*", '<details class="more">', "more line"],
    },
    {
      name: "an assistant error is shown on its message",
      parts: [{ type: "text", text: "trying" }],
      info: { error: { name: "ProviderAuthError", data: { providerID: "mock", message: "Invalid API key" } } },
      contains: ["ProviderAuthError", "Invalid API key"],
      md: ["**Error:** Invalid API key"],
    },
  ]);
});

describe("tools", () => {
  runViewScenarios([
    {
      name: "pending, running and error states are visible",
      parts: [
        { type: "tool", tool: "bash", callID: "a", state: { status: "pending", input: { command: "sleep 1" }, raw: "" } },
        { type: "tool", tool: "bash", callID: "b", state: { status: "running", input: { command: "make" }, metadata: { output: "partial build log" }, time: { start: T.start } } },
        { type: "tool", tool: "bash", callID: "c", state: { status: "error", input: { command: "false" }, error: "command failed: exit 1", time: T } },
      ],
      contains: ["status-pending", "pending…", "running…", "partial build log", "status-error", "command failed: exit 1"],
      md: ["**Tool: bash** (pending)", "partial build log", "Error:\n\n```\ncommand failed: exit 1"],
    },
    {
      name: "bash with a non-zero exit code and long output folds the rest into details",
      parts: [done("bash", { command: "npm test", description: "Run tests" }, LONG_OUTPUT, { exit: 2 })],
      contains: ["Run tests", "exit-fail", "exit 2", "Show 86 more lines", "out 99"],
      md: ["```bash\nnpm test\n```", "out 99"],
    },
    {
      name: "edit without a recorded diff computes one from old and new strings",
      parts: [{ type: "tool", tool: "edit", callID: "e", state: { status: "error", input: { filePath: "/home/dev/greet-demo/a.ts", oldString: "const a = 1;", newString: "const a = 2;" }, error: "file changed on disk", time: T } }],
      contains: ['class="dr dr-del" data-o="1"', "const a = 1;", 'class="dr dr-add" data-n="1"', "file changed on disk"],
      md: ["`/home/dev/greet-demo/a.ts`", "```diff", "+const a = 2;"],
    },
    {
      name: "multiedit shows one diff per edit",
      parts: [done("multiedit", { filePath: "/x/a.py", edits: [{ oldString: "a = 1", newString: "a = 2" }, { oldString: "b = 1", newString: "b = 3" }] }, "ok")],
      count: { 'class="diff"': 2 },
      contains: ["b = 3"],
    },
    {
      name: "grep and list show pattern, path and results",
      parts: [
        done("grep", { pattern: "TODO\\(", path: "/home/dev/greet-demo/src", include: "*.ts" }, "Found 2 matches\nsrc/a.ts:\n  Line 3: TODO(x)", { matches: 2 }),
        done("list", { path: "/home/dev/greet-demo" }, "greet-demo/\n  greet.sh\n  README.md", { count: 2 }),
      ],
      contains: ["TODO\\(", "*.ts", "Line 3: TODO(x)", "README.md"],
    },
    {
      name: "webfetch shows a safe link to the URL and its format",
      parts: [done("webfetch", { url: "https://example.com/docs?a=1&b=2", format: "markdown" }, "# Docs")],
      contains: ['href="https://example.com/docs?a=1&amp;b=2"', "as markdown"],
    },
    {
      name: "task nests its sub-agent session under the call",
      parts: [done("task", { description: "Explore", prompt: "Look around", subagent_type: "explore" }, "task_id: ses_child0001\n\n<task_result>\nFound **1** test\n</task_result>", { sessionId: "ses_child0001" })],
      share: { subsessions: { ses_child0001: CHILD } as never },
      order: ['class="tool-name">task<', '<details class="subsession">', 'id="m-msg_childA"'],
      contains: ["Sub-agent session: Explore the repo · 2 messages", "**/*.test.ts", "Found <strong>1</strong> test"],
      absent: ["task_result", "Other sub-agent sessions"],
      md: ["Sub-agent session: Explore the repo", "find the tests"],
    },
    {
      name: "sub-agent sessions no task points at are still shown at the end",
      parts: [{ type: "text", text: "hi" }],
      share: { subsessions: { ses_lonely: { session: { title: "Lonely child" }, messages: [{ info: { id: "msg_l", role: "user" }, parts: [{ id: "prt_l", type: "text", text: "orphan text" }] }] } } as never },
      contains: ["Other sub-agent sessions", "orphan text"],
    },
    {
      name: "todoread reads the list from its output",
      parts: [done("todoread", {}, JSON.stringify([{ content: "Ship it", status: "in_progress", priority: "high" }]))],
      contains: ["todo-in_progress", "Ship it"],
      md: ["- [ ] Ship it (in_progress, high)"],
    },
    {
      name: "apply_patch shows the recorded unified diff",
      parts: [done("apply_patch", { patchText: "*** Begin Patch\n*** Update File: a.txt\n@@\n-old\n+new\n*** End Patch" }, "ok", { diff: "--- a/a.txt\n+++ b/a.txt\n@@ -1 +1 @@\n-old\n+new\n" })],
      contains: ["a.txt", 'class="dr dr-add" data-n="1"'],
      md: ["```diff\n--- a/a.txt"],
    },
    {
      name: "MCP and unknown tools show input and output as formatted JSON",
      parts: [done("github_create_issue", { repo: "o/r", labels: ["bug"] }, '{"number":7,"url":"https://github.com/o/r/issues/7"}')],
      contains: ["github_create_issue", 'class="hljs language-json"', "&quot;number&quot;", "labels"],
      md: ["**Tool: github_create_issue** (completed)", '"labels"'],
    },
  ]);
});
