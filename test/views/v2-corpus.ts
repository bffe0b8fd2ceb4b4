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
