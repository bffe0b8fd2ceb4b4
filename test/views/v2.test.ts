// Shares made from OpenCode 2 on the page: the real captured turn, and built
// transcripts with every 2.x message type, tool and tool state. Each row's
// pages go through the HTML audit and its Markdown export is checked too.
import { describe, expect, test } from "bun:test";
import { checkShareData } from "../../src/core/share-data.ts";
import type { V2Message } from "../../src/core/model.ts";
import { auditHtml } from "./html-audit.ts";
import { pagesApp } from "./app.ts";
import { runViewScenarios } from "./scenario.ts";
import { assistant, capturedShare, EDIT_PATCH, hostileV2Share, message, T0, tool, v2Share, XSS, XSS_ESCAPED } from "./v2-corpus.ts";

const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

describe("OpenCode 2: the captured turn", () => {
  runViewScenarios([
    {
      name: "user prompt, bash call with its output and exit code, and the answer, with permalinks",
      data: () => capturedShare(),
      order: [
        'id="m-msg_23319c8e8001zdU5WwrdG41Sg7"',
        "Run echo hi and tell me what it printed.",
        'id="m-msg_23319ce28001Wpot5fw8auhkCf"',
        "Running a command.",
        'id="p-call_1796153658749"',
        'class="tool-name">bash<',
        "Print hi",
        "hi\nCommand exited with code 0.",
        "exit 0",
        'id="m-msg_23319d0db001v00rEmYe2YK3E4"',
        "The command printed: hi",
      ],
      contains: ['href="#p-call_1796153658749"', 'href="#m-msg_23319ce28001Wpot5fw8auhkCf"', "mock/mock-1 · 120 in · 12 out"],
      page: ["New session - 2026-12-01T19:34:16.184Z", "240 in · 24 out", "mock/mock-1", "agent build", "took 3.5s", "1 user · 2 assistant", "/path/to/proj"],
      md: ["## User — ", "Run echo hi and tell me what it printed.", "## Assistant (mock-1)", "**Tool: bash** (completed)", "```bash\necho hi\n```", "Command exited with code 0.", "- Tokens: 240 in, 24 out"],
    },
  ]);
});

describe("OpenCode 2: every message type", () => {
  runViewScenarios([
    {
      name: "user with image, file and agent attachments",
      data: () =>
        v2Share([
          message({
            type: "user",
            text: "Look at **these**",
            files: [
              { uri: PNG, mime: "image/png", name: "shot.png" },
              { uri: "https://example.com/spec.pdf", mime: "application/pdf", name: "spec.pdf", description: "the spec" },
              { uri: "file:///home/dev/proj/notes.txt", mime: "text/plain", name: "notes.txt", source: { start: 0, end: 9, text: "@notes.txt" } },
            ],
            agents: [{ name: "reviewer", source: { start: 10, end: 19, text: "@reviewer" } }],
          }),
        ]),
      contains: ["<strong>these</strong>", `<img src="${PNG}" alt="shot.png"`, '<a href="https://example.com/spec.pdf"', "the spec", ">notes.txt<", "@notes.txt", "@reviewer", 'class="msg msg-user"'],
      absent: ["file:///"],
      md: ["Look at **these**", "Attachment: spec.pdf (application/pdf) — the spec"],
    },
    {
      name: "synthetic and system messages are marked as not typed by the user",
      data: () =>
        v2Share([
          message({ type: "synthetic", sessionID: "ses_v2builtsessionV2built1", text: "Continue where you left off.", description: "auto-continue" }),
          message({ type: "system", text: "The user changed the **working tree**." }),
        ]),
      contains: ['<details class="synthetic">', "auto-continue", "Continue where you left off.", 'class="msg msg-system"', '<span class="role">System</span>', "<strong>working tree</strong>"],
      md: ["## System", "The user changed the **working tree**."],
    },
    {
      name: "a skill the user invoked is shown as the skill it loaded",
      data: () => v2Share([message({ type: "skill", name: "release-notes", text: "# Skill: release-notes\nWrite notes from the changelog." })]),
      contains: ['class="msg msg-skill"', 'class="tool-name">skill<', "release-notes", "Write notes from the changelog."],
      md: ["## Skill", "Skill `release-notes`", "Write notes from the changelog."],
    },
    {
      name: "shell commands the user ran: the preview's string output and newer builds' exit status",
      data: () =>
        v2Share([
          message({ type: "shell", callID: "sh_1", command: "ls -la", output: "total 0\nREADME.md", time: { created: T0, completed: T0 + 40 } }),
          message({ type: "shell", shellID: "sh_2", command: "make test", status: "failed", exit: 2, output: { output: "1 failing", truncated: true } }),
          message({ type: "shell", command: "sleep 100", status: "running" }),
        ]),
      contains: ['class="msg msg-shell"', "ls -la", "README.md", "make test", "1 failing", "exit 2", "status-error", "sleep 100", "running…"],
      md: ["```bash\nls -la\n```", "```bash\nmake test\n```"],
    },
    {
      name: "compaction keeps its summary, collapsed, and says when it failed",
      data: () =>
        v2Share([
          message({ type: "compaction", reason: "auto", summary: "We fixed **the parser**.", recent: "Editing src/parse.ts" }),
          message({ type: "compaction", reason: "manual", status: "failed" }),
        ]),
      contains: ["Context compacted", "automatically", "<strong>the parser</strong>", "Recent work kept", "Editing src/parse.ts", "on request", ">failed<"],
      md: ["Context compacted (automatically)", "We fixed **the parser**."],
    },
    {
      name: "agent, model and location switches and going idle are one line each",
      data: () =>
        v2Share([
          message({ type: "agent-switched", agent: "plan", previous: "build" }),
          message({ type: "model-switched", model: { id: "gpt-5", providerID: "openai", variant: "high" }, previous: { id: "mock-1", providerID: "mock" } }),
          message({ type: "location-switched", location: { directory: "/home/dev/wt-two", workspaceID: "wrk_1" }, previous: { location: { directory: "/home/dev/proj" } } }),
          message({ type: "idle" }),
        ]),
      contains: [
        'class="msg msg-event"',
        "Agent switched to plan (was build)",
        "Model switched to openai/gpt-5 (high) (was mock/mock-1)",
        "Moved to /home/dev/wt-two (workspace wrk_1), from /home/dev/proj",
        "The session went idle",
      ],
      md: ["_Agent switched to plan (was build)_", "_Model switched to openai/gpt-5 (high) (was mock/mock-1)_", "_The session went idle_"],
    },
    {
      name: "assistant: text, reasoning, a tool in every state, an error, and its figures",
      data: () =>
        v2Share([
          assistant(
            [
              { type: "reasoning", id: "r-0", text: "Think about *it*", time: { created: T0, completed: T0 + 2000 } },
              { type: "text", id: "text-0", text: "Doing it." },
              { type: "tool", id: "call_stream", name: "bash", state: { status: "streaming", input: '{"command": "npm te' }, time: { created: T0 } },
              { type: "tool", id: "call_pending", name: "read", state: { status: "pending", input: "" }, time: { created: T0 } },
              { type: "tool", id: "call_run", name: "bash", state: { status: "running", input: { command: "make" }, structured: {}, content: [{ type: "text", text: "partial build log" }] }, time: { created: T0, ran: T0 + 5 } },
              { type: "tool", id: "call_err", name: "bash", state: { status: "error", input: { command: "false" }, content: [], structured: {}, error: { type: "unknown", message: "command failed: exit 1" } }, time: { created: T0, completed: T0 + 9 } },
            ],
            { error: { type: "unknown", message: "The provider hung up" }, finish: "error" },
          ),
        ]),
      contains: [
        "Thinking · 2.0s",
        "Think about <em>it</em>",
        "Doing it.",
        "pending…",
        "input so far",
        "{&quot;command&quot;: &quot;npm te",
        "running…",
        "partial build log",
        "status-error",
        "command failed: exit 1",
        "The provider hung up",
        '<div class="notice notice-error" role="note"><strong>Error</strong>',
        "mock/mock-1 · 1.0k in · 200 out · 50 reasoning · 300 cache read · 10 cache write · $0.01 · 2.0s",
      ],
      md: ["<summary>Thinking</summary>", "Input so far:", "partial build log", "Error:\n\n```\ncommand failed: exit 1", "**Error:** The provider hung up"],
    },
    {
      name: "header figures: tokens, cost, models and agents summed over messages, or the session's own totals when larger",
      data: () =>
        v2Share(
          [
            assistant([{ type: "text", text: "one" }]),
            assistant([{ type: "text", text: "two" }], { model: { id: "gpt-5", providerID: "openai" }, agent: "plan" }),
          ],
          {},
        ),
      page: ["2.0k in · 400 out", "100 reasoning · cache 600 read / 20 write", "<dd>$0.03</dd>", "mock/mock-1, openai/gpt-5", "agent build, plan"],
      md: ["- Model: mock/mock-1, openai/gpt-5", "- Cost: $0.03"],
    },
    {
      name: "the session's totals win when the transcript holds less (compacted turns)",
      data: () => {
        const d = v2Share([assistant([{ type: "text", text: "after compaction" }])]);
        d.session.tokens = { input: 250_000, output: 9000, reasoning: 0, cache: { read: 0, write: 0 } };
        d.session.cost = 4.5;
        return d;
      },
      page: ["250k in · 9.0k out", "$4.50"],
    },
    {
      name: "a message type from a newer OpenCode is shown as data, never dropped",
      data: () =>
        v2Share([
          message({ type: "hologram", beam: "photon-42" }),
          assistant([{ type: "citation", id: "c-0", source: "https://example.com/paper", quote: "quoted-77" }]),
        ]),
      contains: ["message:hologram", "photon-42", 'class="part part-citation"', "quoted-77"],
      md: ["photon-42", "quoted-77"],
    },
  ]);
});

const GREP_MATCHES = [
  { entry: { path: "src/a.ts" }, line: 3, text: "TODO(x)" },
  { entry: { path: "src/b.ts" }, line: 9, text: "TODO(y)" },
];

describe("OpenCode 2: every tool", () => {
  runViewScenarios([
    {
      name: "apply_patch shows the diffs it recorded, and the files land in the files-changed summary",
      data: () =>
        v2Share([
          assistant([
            tool("apply_patch", { patchText: "*** Begin Patch\n*** Update File: a.ts\n@@\n-const a = 1;\n+const a = 2;\n*** End Patch" }, "Applied patch sequentially:\nM a.ts", {
              applied: [{ type: "update", resource: "/home/dev/proj/a.ts", target: "a.ts" }],
              files: [{ file: "/home/dev/proj/a.ts", patch: EDIT_PATCH, status: "modified", additions: 1, deletions: 1 }],
            }),
          ]),
        ]),
      contains: ['class="tool-name">apply_patch<', "a.ts", 'class="dr dr-add" data-n="1"', "const a = 2;"],
      page: ['id="files"', "Files changed (1)"],
      md: ["```diff\nIndex: /home/dev/proj/a.ts", "- Files changed: 1 (+1 −1)"],
    },
    {
      name: "bash: command, workdir, output and exit code",
      data: () => v2Share([assistant([tool("bash", { command: "npm test", workdir: "/home/dev/proj/pkg" }, "5 passing\nCommand exited with code 3.", { exit: 3, truncated: false })])]),
      contains: ["npm test", "in /home/dev/proj/pkg", "5 passing", "exit-fail", "exit 3"],
      md: ["```bash\nnpm test\n```", "5 passing"],
    },
    {
      name: "edit: the file by its 2.x `path`, the recorded diff, replace-all",
      data: () =>
        v2Share([
          assistant([
            tool("edit", { path: "/home/dev/proj/a.ts", oldString: "const a = 1;", newString: "const a = 2;", replaceAll: true }, "Edited file successfully", {
              files: [{ file: "/home/dev/proj/a.ts", patch: EDIT_PATCH, status: "modified", additions: 1, deletions: 1 }],
              replacements: 1,
            }),
          ]),
        ]),
      contains: ['class="tool-subject">a.ts<', "all occurrences", 'class="dr dr-del" data-o="1"', 'class="dr dr-add" data-n="1"'],
      page: ["Files changed (1)"],
      md: ["`/home/dev/proj/a.ts`", "```diff", "+const a = 2;"],
    },
    {
      name: "glob and grep: pattern, path, include and the number of results",
      data: () =>
        v2Share([
          assistant([
            tool("glob", { pattern: "**/*.ts", path: "src" }, "/home/dev/proj/src/a.ts\n/home/dev/proj/src/b.ts", [{ path: "src/a.ts" }, { path: "src/b.ts" }]),
            tool("grep", { pattern: "TODO\\(", path: "src", include: "*.ts" }, "Found 2 matches\nsrc/a.ts:\n  Line 3: TODO(x)", GREP_MATCHES),
          ]),
        ]),
      contains: ["**/*.ts", "/home/dev/proj/src/b.ts", "TODO\\(", "*.ts", "Line 3: TODO(x)", "<dt>results</dt>", "<dd>2</dd>"],
      md: ['"pattern": "**/*.ts"', "Line 3: TODO(x)"],
    },
    {
      name: "question: the questions, the choices offered and the answers chosen",
      data: () =>
        v2Share([
          assistant([
            tool(
              "question",
              {
                questions: [
                  { header: "Database", question: "Which database should we use?", options: [{ label: "Postgres", description: "server" }, { label: "SQLite", description: "embedded" }] },
                  { header: "Name", question: "What is the project called?", options: [], custom: true },
                ],
              },
              'User has answered your questions: "Which database should we use?"="SQLite"',
              { answers: [["SQLite"], ["better-share"]] },
            ),
          ]),
        ]),
      contains: ['class="tool-name">question<', "Which database should we use?", "Postgres", '<li class="chosen"><span>SQLite</span>', "better-share"],
      md: ["**Database:** Which database should we use?", "- [x] SQLite — embedded", "- [ ] Postgres — server", "Answered: better-share"],
    },
    {
      name: "read: the file by its 2.x `path`, the range asked for, and the content",
      data: () => v2Share([assistant([tool("read", { path: "/home/dev/proj/README.md", offset: 10, limit: 5 }, "10: # Title\n11: Some text", { type: "text", offset: 10 })])]),
      contains: ['class="tool-subject">README.md<', "from line 10, 5 lines", "11: Some text"],
      md: ['"path": "/home/dev/proj/README.md"', "11: Some text"],
    },
    {
      name: "skill tool: the skill's name, where it lives and what it brought in",
      data: () => v2Share([assistant([tool("skill", { name: "pdf" }, '<skill_content name="pdf">\n# Skill: pdf\nUse pdftotext.\n</skill_content>', { name: "pdf", directory: "/home/dev/.skills/pdf", output: "…" })])]),
      contains: ['class="tool-subject">pdf<', "/home/dev/.skills/pdf", "Use pdftotext.", "skill content"],
      md: ["Skill `pdf`", "Use pdftotext."],
    },
    {
      name: "todowrite: the list as a checklist",
      data: () =>
        v2Share([
          assistant([
            tool("todowrite", { todos: [{ content: "Write tests", status: "completed", priority: "high" }, { content: "Ship it", status: "in_progress", priority: "low" }] }, "[…]", {
              todos: [{ content: "Write tests", status: "completed", priority: "high" }, { content: "Ship it", status: "in_progress", priority: "low" }],
            }),
          ]),
        ]),
      contains: ["1/2 done", "todo-completed", "todo-in_progress", "Write tests", "Ship it"],
      md: ["- [x] Write tests (completed, high)", "- [ ] Ship it (in_progress, low)"],
    },
    {
      name: "webfetch and websearch: a safe link, the format, the query and what came back",
      data: () =>
        v2Share([
          assistant([
            tool("webfetch", { url: "https://example.com/docs?a=1&b=2", format: "markdown" }, "# Docs\nfetched-body", { output: "# Docs" }),
            tool("websearch", { query: "bun sqlite wal" }, "1. result-one", { provider: "exa", text: "1. result-one" }),
          ]),
        ]),
      contains: ['href="https://example.com/docs?a=1&amp;b=2"', "as markdown", "fetched-body", "bun sqlite wal", "result-one"],
      md: ['"url": "https://example.com/docs?a=1&b=2"', "result-one"],
    },
    {
      name: "write: created or overwritten, the file by its 2.x `path`, and the content",
      data: () =>
        v2Share([
          assistant([
            tool("write", { path: "/home/dev/proj/new.ts", content: "export const x = 1;\n" }, "Created file successfully", { operation: "write", target: "new.ts", resource: "/home/dev/proj/new.ts", existed: false }),
            tool("write", { path: "/home/dev/proj/old.ts", content: "export const y = 2;\n" }, "Wrote file successfully", { operation: "write", target: "old.ts", resource: "/home/dev/proj/old.ts", existed: true }),
          ]),
        ]),
      contains: ["Created /home/dev/proj/new.ts", "Overwrote /home/dev/proj/old.ts", "export", "y = "],
      md: ["`/home/dev/proj/new.ts`", "export const x = 1;"],
    },
    {
      name: "a tool unknown to the page shows input and output as data, and files it returned",
      data: () =>
        v2Share([
          assistant([
            {
              ...tool("mcp_lookup", { key: "k-1" }, '{"value":"v-9"}'),
              state: { status: "completed", input: { key: "k-1" }, content: [{ type: "text", text: '{"value":"v-9"}' }, { type: "file", uri: PNG, mime: "image/png", name: "chart.png" }], structured: {} },
            },
          ]),
        ]),
      contains: ["mcp_lookup", "k-1", "&quot;value&quot;", `<img src="${PNG}" alt="chart.png"`],
      md: ['"key": "k-1"', "Attachment: chart.png (image/png)"],
    },
  ]);
});

describe("OpenCode 2: sub-agent sessions", () => {
  const child = (id: string, text: string) => ({
    session: { id, parentID: "ses_v2builtsessionV2built1", title: `Child ${text}`, time: { created: T0, updated: T0 + 10 }, location: { directory: "/home/dev/proj" } },
    messages: [message({ type: "user", text: `child prompt ${text}` }), assistant([tool("glob", { pattern: `**/${text}` }, `found ${text}`, [])])],
  });
  runViewScenarios([
    {
      name: "a sub-agent session is nested under the call that started it; others are listed at the end",
      data: () =>
        v2Share([assistant([tool("task", { description: "Explore", prompt: "Look around", subagent_type: "explore" }, "Found it", { sessionID: "ses_childAAAA0001" })])], {
          subsessions: { ses_childAAAA0001: child("ses_childAAAA0001", "alpha") as never, ses_childBBBB0002: child("ses_childBBBB0002", "beta") as never },
        }),
      order: ['class="tool-name">task<', '<details class="subsession">', "Sub-agent session: Child alpha · 2 messages", "child prompt alpha", "found alpha", "Other sub-agent sessions", "child prompt beta"],
      page: ["+ $0.03 in 2 sub-agent sessions"],
      md: ["Sub-agent session: Child alpha", "child prompt alpha", "found alpha"],
    },
  ]);
});

describe("OpenCode 2: hostile strings", () => {
  runViewScenarios([
    {
      name: "every 2.x field a user or model controls is escaped, and links stay safe",
      data: () => hostileV2Share(),
      contains: [XSS_ESCAPED, "[click](javascript:alert(1))"],
      absent: ["<script>window.__pwned", 'href="javascript:', "data:image/svg+xml", "onerror=alert(1)>"],
      page: ["<title>&lt;script&gt;"],
    },
  ]);
});

describe("OpenCode 2: broken and unknown shapes", () => {
  test("broken 2.x transcripts render without a server error", async () => {
    const { source, get } = pagesApp();
    const broken: unknown[][] = [
      [null, 1, "text", [], { type: 5 }],
      [{ type: "assistant", content: "not a list" }, { type: "assistant", content: [null, 7, { type: "tool" }, { type: "tool", state: null }, { type: "tool", state: { status: "completed", content: "x", structured: [1] } }] }],
      [{ type: "user", files: [null, { uri: 5 }], agents: "x" }, { type: "shell", output: { output: 7 } }, { type: "model-switched", model: null }, { type: "compaction", summary: { x: 1 } }],
    ];
    for (const messages of broken) {
      source.put(v2Share(messages as V2Message[], {}, "Broken22"));
      for (const path of ["/share/Broken22", "/share/Broken22.md"]) {
        const res = await get(path);
        expect(res.status).toBe(200);
        expect((await auditHtml(await res.text())).problems).toEqual([]);
      }
    }
  });

  test("a share whose format is newer than the server says so instead of guessing", () => {
    const r = checkShareData({ ...v2Share([]), format: "opencode-v3" });
    expect(r).toEqual({ ok: false, reason: expect.stringContaining('"opencode-v3" is newer than this server knows') });
    expect(checkShareData({ ...v2Share([]), session: null })).toEqual({ ok: false, reason: "the data has no session object" });
    expect(checkShareData({ ...v2Share([]), messages: {} })).toEqual({ ok: false, reason: "the data has no messages array" });
  });

  test("a permalink to a part on a later page of a long 2.x share finds its page", async () => {
    const messages: V2Message[] = [];
    for (let i = 0; i < 120; i++) {
      messages.push(message({ type: "user", text: `prompt ${i}` }));
      messages.push(assistant([tool("bash", { command: `echo ${i}` }, `out ${i}`, { exit: 0 }, `call_long_${i}`)]));
    }
    const { source, get } = pagesApp();
    source.put(v2Share(messages, {}, "LongV2xx"));
    const first = await (await get("/share/LongV2xx")).text();
    expect(first).not.toContain('id="p-call_long_110"');
    const found = await (await get("/share/LongV2xx?find=p-call_long_110")).text();
    expect(found).toContain('id="p-call_long_110"');
    expect(found).toContain("out 110");
  });
});
