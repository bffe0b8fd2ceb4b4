import { epoch, fmtDuration, obj, type Obj } from "../lib/format.ts";
import { toolCall } from "../lib/shapes.ts";
import { toolView } from "../tools/index.ts";
import type { RenderCtx } from "../context.ts";
import { Output } from "../lib/blocks.tsx";
import { FilePart } from "./file.tsx";

export function ToolPart(part: Obj, ctx: RenderCtx): JSX.Element {
  const call = toolCall(part);
  const view = toolView(call.tool);
  const time = obj(obj(part.state).time);
  const start = epoch(time.start);
  const end = epoch(time.end);
  const took = start !== undefined && end !== undefined && end >= start ? fmtDuration(end - start) : "";
  const subject = view.subject(call, ctx);
  const safeFiles = call.attachments.map((a) => FilePart(obj(a), ctx) as string).join("");
  const statusLabel = call.status === "running" ? "running…" : call.status === "pending" ? "pending…" : call.status;
  return (
    <div class={`tool st-${call.status}`}>
      <div class="tool-head">
        <span class="tool-name" safe>{call.tool}</span>
        {subject ? <span class="tool-subject" safe>{subject.slice(0, 300)}</span> : ""}
        <span class={`status status-${call.status}`} safe>{statusLabel}</span>
        {took ? <span class="muted small" safe>{took}</span> : ""}
      </div>
      <div class="tool-body">
        {view.body(call, ctx)}
        {call.raw ? <Output text={call.raw} ctx={ctx} label="input so far" /> : ""}
        {safeFiles}
      </div>
      {call.status === "error" ? (
        <div class="tool-error" role="note">
          <strong>Error</strong>
          <Output text={call.error || "The tool failed without a message."} ctx={ctx} class="error-out" />
        </div>
      ) : ""}
    </div>
  );
}
