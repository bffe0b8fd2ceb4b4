// The one table of part renderers, and the frame (anchor, permalink) around each part.
import { escapeHtml } from "@kitajs/html";
import { anchorId, obj, prettyJson, str, type Obj } from "../lib/format.ts";
import type { RenderCtx } from "../context.ts";
import { AgentPart } from "./agent.tsx";
import { CompactionPart } from "./compaction.tsx";
import { EventPart } from "./event.tsx";
import { FilePart } from "./file.tsx";
import { PatchPart } from "./patch.tsx";
import { ReasoningPart } from "./reasoning.tsx";
import { RetryPart } from "./retry.tsx";
import { SnapshotPart, StepFinishPart, StepStartPart } from "./steps.tsx";
import { SubtaskPart } from "./subtask.tsx";
import { TextPart } from "./text.tsx";
import { ToolPart } from "./tool.tsx";
import { UnknownPart } from "./unknown.tsx";

type PartView = (part: Obj, ctx: RenderCtx) => JSX.Element;

const PARTS: Record<string, PartView> = {
  text: TextPart,
  reasoning: ReasoningPart,
  file: FilePart,
  tool: ToolPart,
  "step-start": StepStartPart,
  "step-finish": StepFinishPart,
  snapshot: SnapshotPart,
  patch: PatchPart,
  agent: AgentPart,
  subtask: SubtaskPart,
  retry: RetryPart,
  compaction: CompactionPart,
  event: EventPart,
};

export function partAnchor(part: Obj, fallback: string): string {
  return "p-" + anchorId(part.id, fallback);
}

/** One part in its frame. A renderer that throws on a strange shape costs only its own part. */
export function renderPart(raw: unknown, ctx: RenderCtx, fallbackId: string): string {
  const part = obj(raw);
  const type = str(part.type);
  const id = partAnchor(part, fallbackId);
  const view = Object.hasOwn(PARTS, type) ? PARTS[type]! : UnknownPart;
  let body: string;
  try {
    body = view(part, ctx) as string;
  } catch {
    body =
      `<p class="notice notice-warn">This ${escapeHtml(type || "unknown")} part has a shape this page cannot display; its data follows.</p>` +
      `<pre class="plain">${escapeHtml(prettyJson(part, 20_000))}</pre>`;
  }
  const cls = /^[a-z-]{1,20}$/.test(type) ? type : "unknown";
  return `<div class="part part-${cls}" id="${id}"><a class="anchor" href="#${id}" aria-label="Permalink to this part">#</a>${body}</div>`;
}
