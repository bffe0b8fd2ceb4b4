// OpenCode 2 shares for page tests: the real captured turn, and transcripts
// built to the 2.x message shape (test/fixtures/opencode-2-preview/openapi-preview.json
// and the tool schemas of the 2.x agent) holding every message type, every
// tool and every tool state.
import type { ShareDataV2, V2Message } from "../../src/core/model.ts";
import { V2_FIXTURES } from "../helpers/fixtures.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const turn = JSON.parse(readFileSync(join(V2_FIXTURES, "sample-turn.json"), "utf8"));

/** The captured turn (user → assistant with a bash call → answer) as the plugin uploads it. */
export function capturedShare(shareId = "4LAeho00"): ShareDataV2 {
  return {
    format: "opencode-v2",
    shareId,
    sessionId: `ses_dcce63c94ffet06Ois96${shareId}`,
    createdAt: turn.session.time.created,
    updatedAt: turn.session.time.updated,
    session: structuredClone(turn.session),
    messages: structuredClone(turn.context.data),
  };
}

export const T0 = 1796153656184;
const at = (s: number) => T0 + s * 1000;
let n = 0;
const msgId = () => `msg_v2test${String(++n).padStart(4, "0")}`;
const MODEL = { id: "mock-1", providerID: "mock", variant: "default" };
const TOKENS = { input: 1000, output: 200, reasoning: 50, cache: { read: 300, write: 10 } };

export function assistant(content: unknown[], extra: Record<string, unknown> = {}): V2Message {
  return { id: msgId(), type: "assistant", agent: "build", model: MODEL, time: { created: at(1), completed: at(3) }, content, finish: "stop", cost: 0.0125, tokens: TOKENS, ...extra } as V2Message;
}

/** A completed 2.x tool call. */
export function tool(name: string, input: Record<string, unknown>, text: string, structured: unknown = {}, id = `call_${name}_${++n}`): Record<string, unknown> {
  return {
    type: "tool",
    id,
    name,
    provider: { executed: false },
    state: { status: "completed", input, content: text ? [{ type: "text", text }] : [], structured, outputPaths: [] },
    time: { created: at(1), ran: at(1.2), completed: at(2.5) },
  };
}

export function message(m: Record<string, unknown>): V2Message {
  return { id: msgId(), time: { created: at(0) }, ...m } as V2Message;
}

export function v2Share(messages: V2Message[], extra: Partial<ShareDataV2> = {}, shareId = "V2built1"): ShareDataV2 {
  return {
    format: "opencode-v2",
    shareId,
    sessionId: `ses_v2builtsession${shareId}`,
    createdAt: T0,
    updatedAt: at(60),
    session: {
      id: `ses_v2builtsession${shareId}`,
      projectID: "global",
      title: "A 2.x session",
      model: MODEL,
      cost: 0,
      tokens: { input: 0, output: 0, reasoning: 0, cache: { read: 0, write: 0 } },
      time: { created: T0, updated: T0 },
      location: { directory: "/home/dev/proj" },
    },
    messages,
    ...extra,
  };
}

export const EDIT_PATCH = "Index: /home/dev/proj/a.ts\n===================================================================\n--- /home/dev/proj/a.ts\n+++ /home/dev/proj/a.ts\n@@ -1,1 +1,1 @@\n-const a = 1;\n+const a = 2;\n";

export const XSS = `<script>window.__pwned=1</script><img src=x onerror=alert(1)>`;
export const XSS_ESCAPED = "&lt;script&gt;window.__pwned=1&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;";

/** Every 2.x message type and several tools, with a hostile string in each field a user or model controls. */
export function hostileV2Share(shareId = "V2built1"): ShareDataV2 {
  const d = v2Share(
    [
      message({ type: "user", text: XSS, files: [{ uri: "javascript:alert(1)", mime: "text/html", name: XSS }, { uri: "data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=", mime: "image/svg+xml", name: "x.svg" }], agents: [{ name: XSS }] }),
      message({ type: "synthetic", text: XSS, description: XSS }),
      message({ type: "system", text: XSS }),
      message({ type: "skill", name: XSS, text: XSS }),
      message({ type: "shell", command: XSS, output: XSS, status: XSS }),
      message({ type: "compaction", reason: XSS, summary: XSS, recent: XSS, status: XSS }),
      message({ type: "agent-switched", agent: XSS, previous: XSS }),
      message({ type: "model-switched", model: { id: XSS, providerID: XSS, variant: XSS } }),
      message({ type: "location-switched", location: { directory: XSS, workspaceID: XSS } }),
      message({ type: XSS, payload: XSS }),
      assistant(
        [
          { type: "text", id: XSS, text: `${XSS}\n\n[click](javascript:alert(1))` },
          { type: "reasoning", id: "r", text: XSS },
          { type: "tool", id: XSS, name: XSS, state: { status: "streaming", input: XSS }, time: { created: T0 } },
          tool("bash", { command: XSS, workdir: XSS }, XSS, { exit: XSS }),
          tool("edit", { path: XSS, oldString: XSS, newString: "x" }, XSS, { files: [{ file: XSS, patch: `@@ -1 +1 @@\n-${XSS}\n+x\n`, status: XSS, additions: 1, deletions: 1 }] }),
          tool("question", { questions: [{ header: XSS, question: XSS, options: [{ label: XSS, description: XSS }] }] }, XSS, { answers: [[XSS]] }),
          tool("webfetch", { url: "javascript:alert(1)", format: XSS }, XSS),
          tool("todowrite", { todos: [{ content: XSS, status: XSS, priority: XSS }] }, XSS),
          tool("skill", { name: XSS }, XSS, { directory: XSS }),
          { ...tool("bash", { command: "x" }, "y"), state: { status: "error", input: {}, content: [], structured: {}, error: { type: XSS, message: XSS } } },
          { type: XSS, id: "weird", value: XSS },
        ],
        { agent: XSS, model: { id: XSS, providerID: XSS }, error: { type: XSS, message: XSS }, finish: XSS },
      ),
    ],
    {},
    shareId,
  );
  d.session.title = XSS;
  d.session.location = { directory: XSS };
  return d;
}

