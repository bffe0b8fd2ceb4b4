// The session as Markdown (GET /share/:id.md): everything, untruncated, in
// order. Fences are made longer than any backtick run inside them so content
// cannot close them early.
import type { ShareData } from "../src/core/model.ts";
import { arr, epoch, fmtCost, fmtTime, num, obj, prettyJson, str } from "./lib/format.ts";
import { sessionStats } from "./lib/stats.ts";
import { tokenSummary } from "./parts/steps.tsx";
import { toolCall } from "./parts/tool.tsx";
import { taskSessionId } from "./tools/task.tsx";
import { editPatch } from "./tools/edit.tsx";

function fence(text: string, lang = ""): string {
  let longest = 2;
  const runs = text.match(/`{3,}/g);
  if (runs) for (const r of runs) longest = Math.max(longest, r.length);
  const f = "`".repeat(longest + 1);
  return `${f}${lang}\n${text}${text.endsWith("\n") ? "" : "\n"}${f}\n`;
}

function toolMarkdown(part: Record<string, unknown>, data: ShareData, depth: number, seen: Set<string>): string {
  const c = toolCall(part);
  let out = `**Tool: ${c.tool}** (${c.status})${c.title ? ` — ${c.title}` : ""}\n\n`;
  switch (c.tool) {
    case "bash":
      out += fence(str(c.input.command), "bash");
      break;
    case "edit": {
      const patch = editPatch(c);
      out += `\`${str(c.input.filePath)}\`\n\n` + (patch ? fence(patch, "diff") : "");
      break;
    }
    case "write":
      out += `\`${str(c.input.filePath)}\`\n\n` + fence(str(c.input.content));
      break;
    default:
      if (Object.keys(c.input).length) out += fence(prettyJson(c.input, Infinity), "json");
  }
  const output = c.output || str(c.metadata.output);
  if (output) out += "\nOutput:\n\n" + fence(output);
  if (c.status === "error") out += "\nError:\n\n" + fence(c.error);
  if (c.tool === "task") {
    const id = taskSessionId(c);
    const sub = obj(obj(data.subsessions)[id]);
    if (id && !seen.has(id) && sub.messages) {
      seen.add(id);
      out += `\n<details><summary>Sub-agent session: ${str(obj(sub.session).title).replace(/[<>&]/g, "")}</summary>\n\n`;
      out += messagesMarkdown(arr(sub.messages), data, depth + 1, seen);
      out += "\n</details>\n";
    }
  }
  return out;
}

function messagesMarkdown(messages: unknown[], data: ShareData, depth: number, seen: Set<string>): string {
  const h = "#".repeat(Math.min(2 + depth, 6));
  let out = "";
  for (const raw of messages) {
    const m = obj(raw);
    const info = obj(m.info);
    const created = epoch(obj(info.time).created);
    const who = info.role === "user" ? "User" : info.role === "assistant" ? "Assistant" : "Message";
    const model = info.role === "assistant" && str(info.modelID) ? ` (${str(info.modelID)})` : "";
    out += `\n${h} ${who}${model}${created ? ` — ${fmtTime(created)}` : ""}\n\n`;
    for (const p of arr(m.parts)) {
      const part = obj(p);
      switch (part.type) {
        case "text":
          out += str(part.text) + "\n\n";
          break;
        case "reasoning":
          out += `<details><summary>Thinking</summary>\n\n${str(part.text)}\n\n</details>\n\n`;
          break;
        case "tool":
          out += toolMarkdown(part, data, depth, seen) + "\n";
          break;
        case "file":
          out += `Attachment: ${str(part.filename) || str(obj(part.source).path) || "file"} (${str(part.mime)})\n\n`;
          break;
        case "step-finish":
          out += `_${tokenSummary(part.tokens)} · ${fmtCost(num(part.cost))}_\n\n`;
          break;
        case "patch":
          out += `Changed files: ${arr(part.files).map(str).join(", ")}\n\n`;
          break;
        case "step-start":
        case "snapshot":
          break;
        default:
          out += fence(prettyJson(part, Infinity), "json") + "\n";
      }
    }
    if (info.error) out += `**Error:** ${str(obj(obj(info.error).data).message) || str(obj(info.error).name)}\n\n`;
  }
  return out;
}

export function renderMarkdownExport(data: ShareData, shareUrl: string): string {
  const s = sessionStats(data);
  const t = s.tokens;
  let out = `# ${s.title}\n\n`;
  out += `- Shared: ${shareUrl}\n`;
  if (s.models.length) out += `- Model: ${s.models.join(", ")}\n`;
  if (s.agents.length) out += `- Agent: ${s.agents.join(", ")}\n`;
  if (s.created) out += `- Created: ${fmtTime(s.created)}\n`;
  if (s.updated) out += `- Updated: ${fmtTime(s.updated)}\n`;
  out += `- Messages: ${s.messages}\n`;
  out += `- Tokens: ${t.input} in, ${t.output} out, ${t.reasoning} reasoning, ${t.cacheRead} cache read, ${t.cacheWrite} cache write\n`;
  out += `- Cost: ${fmtCost(s.cost)}\n`;
  if (s.files.length) out += `- Files changed: ${s.files.length} (+${s.additions} −${s.deletions})\n`;
  out += messagesMarkdown(arr(data.messages), data, 0, new Set());
  return out;
}
