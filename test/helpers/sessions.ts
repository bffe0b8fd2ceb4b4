// Generated sessions for the page benchmarks and tests: realistic part mix
// (markdown with code, reasoning, bash with long output, reads, edits with
// diffs, todos), deterministic so runs compare.
import type { ShareData } from "../../src/core/model.ts";

const WORDS = "the agent reads files runs commands edits code and explains what changed while tokens flow through the model".split(" ");

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

function sentence(r: () => number, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += (i ? " " : "") + WORDS[Math.floor(r() * WORDS.length)];
  return out;
}

function codeLines(r: () => number, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += `export function f${i}(x: number): number {\n  return x * ${Math.floor(r() * 100)}; // ${sentence(r, 4)}\n}\n`;
  return out;
}

/**
 * A session of `messages` messages (alternating user prompts and assistant
 * turns). `outputChars` sets the length of each bash output, which dominates
 * the size the way long tool outputs do in real sessions.
 */
export function generateSession(opts: { messages: number; outputChars: number; shareId?: string; seed?: number }): ShareData {
  const r = rng(opts.seed ?? 1);
  const shareId = opts.shareId ?? "Gen00001";
  const sessionID = `ses_generated${shareId}`;
  const t0 = 1_795_000_000_000;
  const messages: ShareData["messages"] = [];
  let t = t0;
  for (let i = 0; i < opts.messages; i++) {
    const id = `msg_${String(i).padStart(6, "0")}gen${shareId}`;
    const p = (k: number) => ({ id: `prt_${String(i).padStart(6, "0")}_${k}${shareId}`, sessionID, messageID: id });
    t += 1000;
    if (i % 2 === 0) {
      messages.push({
        info: { id, sessionID, role: "user", time: { created: t }, agent: "build", model: { providerID: "mock", modelID: "mock-model" } },
        parts: [{ ...p(0), type: "text", text: `Please ${sentence(r, 20)}.` }],
      } as never);
      continue;
    }
    const lines = Math.max(1, Math.floor(opts.outputChars / 60));
    let output = "";
    for (let l = 0; l < lines; l++) output += `${String(l).padStart(5)}  ${sentence(r, 8)}\n`;
    const file = `/home/dev/project/src/module${i}.ts`;
    const before = codeLines(r, 6);
    const after = before.replace("return x", "return x + 1");
    const tokens = { input: 1000 + i, output: 50, reasoning: 10, cache: { read: 500, write: 20 } };
    messages.push({
      info: {
        id, sessionID, role: "assistant", time: { created: t, completed: t + 900 }, parentID: "", modelID: "mock-model",
        providerID: "mock", mode: "build", agent: "build", path: { cwd: "/home/dev/project", root: "/home/dev/project" },
        cost: 0.0012, tokens, finish: "stop",
      },
      parts: [
        { ...p(0), type: "step-start", snapshot: "abc123" },
        { ...p(1), type: "reasoning", text: sentence(r, 40), time: { start: t, end: t + 100 } },
        { ...p(2), type: "text", text: `## Step ${i}\n\n${sentence(r, 30)} \`code\` **bold**.\n\n\`\`\`ts\n${codeLines(r, 3)}\`\`\`\n\n- ${sentence(r, 6)}\n- ${sentence(r, 6)}\n` },
        {
          ...p(3), type: "tool", callID: `call_${i}_a`, tool: "bash",
          state: { status: "completed", input: { command: `grep -rn pattern src | head -n ${lines}`, description: "Search the sources" }, output, title: "grep", metadata: { exit: 0 }, time: { start: t, end: t + 200 } },
        },
        {
          ...p(4), type: "tool", callID: `call_${i}_b`, tool: "read",
          state: { status: "completed", input: { filePath: file }, output: before, title: file, metadata: { display: { text: before, lineStart: 1, lineEnd: 18, totalLines: 18 } }, time: { start: t, end: t + 50 } },
        },
        {
          ...p(5), type: "tool", callID: `call_${i}_c`, tool: "edit",
          state: { status: "completed", input: { filePath: file, oldString: "return x", newString: "return x + 1" }, output: "Edit applied successfully.", title: file, metadata: { diff: `--- ${file}\n+++ ${file}\n@@ -1,3 +1,3 @@\n ${before.split("\n")[0]}\n-${before.split("\n")[1]}\n+${after.split("\n")[1]}\n ${before.split("\n")[2]}\n` }, time: { start: t, end: t + 30 } },
        },
        { ...p(6), type: "step-finish", reason: "stop", cost: 0.0012, tokens },
      ],
    } as never);
  }
  return {
    shareId,
    sessionId: sessionID,
    createdAt: t0,
    updatedAt: t,
    session: {
      id: sessionID, projectID: "p", directory: "/home/dev/project", title: `Generated session ${shareId}`, version: "1.18.33",
      time: { created: t0, updated: t },
    } as never,
    messages,
  };
}
