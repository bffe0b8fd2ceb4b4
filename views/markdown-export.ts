// The session as Markdown (GET /share/:id.md): everything, untruncated, in
// order. Each tool writes its own call (views/tools).
import type { ShareData } from "../src/core/model.ts";
import { arr, epoch, fmtCost, fmtTime, num, obj, prettyJson, str } from "./lib/format.ts";
import { fence } from "./lib/markdown-out.ts";
import { roleLabel, tokenSummary, toolCall } from "./lib/shapes.ts";
import { eventText } from "./parts/event.tsx";
import { sessionStats } from "./lib/stats.ts";
import { toolView } from "./tools/index.ts";
import type { MarkdownCtx } from "./tools/types.ts";

function fileMarkdown(part: Record<string, unknown>): string {
  const description = str(part.description);
  return `Attachment: ${str(part.filename) || str(obj(part.source).path) || "file"} (${str(part.mime)})${description ? ` — ${description}` : ""}\n\n`;
}

function toolMarkdown(part: Record<string, unknown>, data: ShareData, depth: number, seen: Set<string>): string {
  const c = toolCall(part);
  const ctx: MarkdownCtx = {
    depth,
    subsession(id) {
      const sub = obj(obj(data.subsessions)[id]);
      if (!id || seen.has(id) || !sub.messages) return "";
      seen.add(id);
      return (
        `\n<details><summary>Sub-agent session: ${str(obj(sub.session).title).replace(/[<>&]/g, "")}</summary>\n\n` +
        messagesMarkdown(arr(sub.messages), data, depth + 1, seen) +
        "\n</details>\n"
      );
    },
  };
  let out = `**Tool: ${c.tool}** (${c.status})${c.title ? ` — ${c.title}` : ""}\n\n`;
  out += toolView(c.tool).markdown(c, ctx);
  if (c.raw) out += "\nInput so far:\n\n" + fence(c.raw);
  for (const a of c.attachments) out += "\n" + fileMarkdown(obj(a));
  if (c.status === "error") out += "\nError:\n\n" + fence(c.error);
  return out;
}

function messagesMarkdown(messages: unknown[], data: ShareData, depth: number, seen: Set<string>): string {
  const h = "#".repeat(Math.min(2 + depth, 6));
  let out = "";
  for (const raw of messages) {
    const m = obj(raw);
    const info = obj(m.info);
    const created = epoch(obj(info.time).created);
    const who = roleLabel(info);
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
          out += fileMarkdown(part);
          break;
        case "event":
          out += `_${eventText(part)}_\n\n`;
          break;
        case "compaction":
          out += `_Context compacted (${part.auto === true ? "automatically" : "on request"})_\n\n`;
          if (str(part.summary)) out += `<details><summary>Summary</summary>\n\n${str(part.summary)}\n\n</details>\n\n`;
          if (str(part.recent)) out += `<details><summary>Recent work kept</summary>\n\n${str(part.recent)}\n\n</details>\n\n`;
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
