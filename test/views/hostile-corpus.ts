// Share data built to break the page: every string a hostile uploader
// controls carries a payload that, if it ever executed, sets window.__pwned
// or changes document.title. Also malformed shapes and a huge string.
import type { ShareData } from "../../src/core/model.ts";

export const PAYLOADS = [
  `<script>window.__pwned=1;document.title="pwned"</script>`,
  `<img src=x onerror="window.__pwned=2;document.title='pwned'">`,
  `<svg onload="window.__pwned=3"><script>window.__pwned=3</script></svg>`,
  `"><script>window.__pwned=4</script>`,
  `'><img src=x onerror=window.__pwned=5>`,
  `</textarea></title></style></script><script>window.__pwned=6</script>`,
  `<iframe src="javascript:parent.__pwned=7"></iframe>`,
  `<a href="javascript:window.__pwned=8">click</a>`,
  `<details open ontoggle="window.__pwned=9">`,
  `<math><mtext><table><mglyph><style><img src=x onerror=window.__pwned=10>`,
  `<base href="https://evil.example/">`,
  `<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=11">`,
  `<object data="data:text/html,<script>parent.__pwned=12</script>"></object>`,
  `{{constructor.constructor('window.__pwned=13')()}}`,
  `<link rel=stylesheet href="https://evil.example/x.css">`,
];

const MARKDOWN_TRICKS = [
  `[click me](javascript:window.__pwned=20)`,
  `[click me](JaVaScRiPt:window.__pwned=21)`,
  `[x](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX19wd25lZD0yMjwvc2NyaXB0Pg==)`,
  `![img](javascript:window.__pwned=23)`,
  `![img](https://evil.example/track.png "title\\" onerror=\\"window.__pwned=24")`,
  `<a href="javascript:window.__pwned=25">raw html link</a>`,
  `[ref]: javascript:window.__pwned=26\n\n[ref]`,
  `<javascript:window.__pwned=27>`,
  `[x](vbscript:msgbox(1))`,
  "```html\n<script>window.__pwned=28</script>\n```",
  "```\"><script>window.__pwned=29</script>\nbody\n```",
  `<svg><animate onbegin="window.__pwned=30" attributeName=x dur=1s>`,
  `[a](&#106;avascript:window.__pwned=31)`,
  `[b](java\nscript:window.__pwned=32)`,
];

const all = [...PAYLOADS, ...MARKDOWN_TRICKS].join("\n\n");

let n = 0;
function pid(): string {
  return `prt_hostile${String(++n).padStart(4, "0")}`;
}

/** `hugeChars` adds one text part and one tool output of that many characters. */
export function hostileShare(shareId = "Hostile1", hugeChars = 0): ShareData {
  const sessionID = `ses_hostile${shareId}`;
  const base = (messageID: string) => ({ id: pid(), sessionID, messageID });
  const u = "msg_hostile_user";
  const a = "msg_hostile_asst";
  const tool = (name: string, state: unknown) => ({ ...base(a), type: "tool", callID: pid(), tool: name, state });
  const done = (input: unknown, output: string, metadata: unknown = {}) => ({
    status: "completed", input, output, title: PAYLOADS[0], metadata, time: { start: 1795528100000, end: 1795528101000 },
  });
  const parts: unknown[] = [
    { ...base(a), type: "text", text: all },
    { ...base(a), type: "reasoning", text: all, time: { start: 1, end: 2 } },
    tool("bash", done({ command: PAYLOADS.join(" ; "), description: PAYLOADS[1] }, all, { exit: PAYLOADS[2] })),
    tool("edit", done({ filePath: `/tmp/${PAYLOADS[3]}.ts`, oldString: PAYLOADS[0], newString: PAYLOADS[1] }, "ok", { diff: `--- a\n+++ b\n@@ -1,1 +1,1 @@\n-${PAYLOADS[0]}\n+${PAYLOADS[1]}\n` })),
    tool("write", done({ filePath: `/tmp/x.html`, content: all }, "ok")),
    tool("read", done({ filePath: `/tmp/${PAYLOADS[4]}` }, all, { display: { text: all, lineStart: PAYLOADS[0], lineEnd: 2 } })),
    tool("grep", done({ pattern: PAYLOADS[5], path: PAYLOADS[6] }, all, { matches: PAYLOADS[7] })),
    tool("webfetch", done({ url: "javascript:window.__pwned=40", format: PAYLOADS[8] }, all)),
    tool("webfetch", done({ url: `https://example.com/"><script>window.__pwned=41</script>`, format: "html" }, all)),
    tool("todowrite", done({ todos: [{ content: PAYLOADS[0], status: `"><script>window.__pwned=42</script>`, priority: PAYLOADS[1] }] }, "[]")),
    tool("task", done({ description: PAYLOADS[2], prompt: all, subagent_type: PAYLOADS[3] }, all, { sessionId: "ses_hostilechild" })),
    tool(`mcp_${PAYLOADS[0]}`, done({ [PAYLOADS[1]]: PAYLOADS[2], nested: { deeper: [PAYLOADS[3]] } }, `{"html": ${JSON.stringify(PAYLOADS[0])}}`)),
    tool("bash", { status: "error", input: { command: PAYLOADS[4] }, error: all, time: { start: 1, end: 2 } }),
    tool("bash", { status: "running", input: { command: PAYLOADS[5] }, metadata: { output: all }, time: { start: 1 } }),
    tool("edit", { status: "pending", input: { filePath: PAYLOADS[6] }, raw: PAYLOADS[7] }),
    { ...base(a), type: "file", mime: "image/svg+xml", filename: PAYLOADS[1], url: `data:image/svg+xml;base64,${btoa(`<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=43"/>`)}` },
    { ...base(a), type: "file", mime: "text/html", filename: "x.html", url: `javascript:window.__pwned=44` },
    { ...base(a), type: "file", mime: "image/png", filename: "x.png", url: `data:image/png;base64,iVBORw0KGgo" onerror="window.__pwned=45` },
    { ...base(a), type: "agent", name: PAYLOADS[0], source: { value: PAYLOADS[1], start: 0, end: 1 } },
    { ...base(a), type: "subtask", prompt: all, description: PAYLOADS[2], agent: PAYLOADS[3] },
    { ...base(a), type: "retry", attempt: PAYLOADS[0], error: { name: "APIError", data: { message: all } }, time: { created: 1 } },
    { ...base(a), type: "compaction", auto: PAYLOADS[0] },
    { ...base(a), type: "patch", hash: PAYLOADS[0], files: [PAYLOADS[1], 42, null] },
    { ...base(a), type: "step-finish", reason: PAYLOADS[0], cost: "NaN", tokens: { input: PAYLOADS[0] } },
    { ...base(a), type: PAYLOADS[0], weird: all },
    // broken shapes
    null,
    42,
    "just a string",
    [],
    { type: "tool" },
    { type: "tool", tool: "edit", state: { status: "completed", input: null, metadata: "x" } },
    { type: "tool", tool: "todowrite", state: { status: "completed", input: { todos: "not a list" }, metadata: { todos: [null, 1, { content: {} }] } } },
    { type: "text", text: { not: "a string" } },
    { type: "text", id: `"><script>window.__pwned=46</script>`, text: "id attack" },
    { type: "reasoning" },
    { type: "file" },
    { ...base(a), type: "text", text: nested(2000) },
  ];
  if (hugeChars > 0) {
    parts.push({ ...base(a), type: "text", text: "<script>window.__pwned=50</script>".padEnd(hugeChars, "x") });
    parts.push(tool("bash", done({ command: "cat big" }, "<img src=x onerror=window.__pwned=51>".padEnd(hugeChars, "y"))));
  }
  return {
    shareId,
    sessionId: sessionID,
    createdAt: 1795528100000,
    updatedAt: 1795528200000,
    session: {
      id: sessionID, projectID: PAYLOADS[0], directory: PAYLOADS[1], title: `${PAYLOADS[0]} ${PAYLOADS[1]}`, version: PAYLOADS[2],
      time: { created: 1795528100000, updated: 1795528200000 }, summary: { additions: PAYLOADS[0], deletions: 1, files: 1, diffs: [{ file: PAYLOADS[3], patch: `@@ -1 +1 @@\n-${PAYLOADS[4]}\n+${PAYLOADS[5]}\n`, additions: 1, deletions: 1 }] },
    } as never,
    messages: [
      {
        info: { id: u, sessionID, role: "user", time: { created: 1795528100000 }, agent: PAYLOADS[0], model: { providerID: PAYLOADS[1], modelID: PAYLOADS[2] }, summary: { diffs: [{ file: PAYLOADS[6], before: PAYLOADS[7], after: PAYLOADS[8], additions: 1, deletions: 1 }] } } as never,
        parts: [{ ...base(u), type: "text", text: all }] as never,
      },
      {
        info: { id: a, sessionID, role: "assistant", time: { created: 1795528100500 }, modelID: PAYLOADS[0], providerID: PAYLOADS[1], mode: PAYLOADS[2], cost: PAYLOADS[3], tokens: PAYLOADS[4], error: { name: PAYLOADS[5], data: { message: all } }, finish: PAYLOADS[6] } as never,
        parts: parts as never,
      },
      { info: { id: `"><script>window.__pwned=47</script>`, role: `<script>window.__pwned=48</script>` }, parts: "not an array" } as never,
      null as never,
      { info: null, parts: [{ type: "text", text: "message without info" }] } as never,
    ],
    subsessions: {
      ses_hostilechild: {
        session: { id: "ses_hostilechild", title: PAYLOADS[0] } as never,
        messages: [{ info: { id: "msg_child", role: "assistant", modelID: PAYLOADS[1] }, parts: [{ id: "prt_child", type: "text", text: all }] }] as never,
      },
      [`ses_orphan${PAYLOADS[0]}`]: { session: { title: PAYLOADS[1] } as never, messages: [{ info: { role: "user" }, parts: [{ type: "text", text: all }] }] as never },
      broken: null as never,
    },
  };
}

/** A deeply nested JSON value (markdown-it and JSON.stringify must both survive it). */
function nested(depth: number): string {
  return "> ".repeat(depth) + "[".repeat(depth) + "deep" + "]".repeat(depth) + "\n\n" + "- ".repeat(depth) + "x";
}
