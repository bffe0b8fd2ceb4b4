import { str, type Obj } from "../lib/format.ts";
import { renderMarkdown } from "../lib/markdown.ts";
import type { RenderCtx } from "../context.ts";

/** A sub-agent request typed by the user (the task tool call carries the run itself). */
export function SubtaskPart(part: Obj, ctx: RenderCtx): JSX.Element {
  const prompt = str(part.prompt);
  return (
    <div class="subtask">
      <div>
        <span class="badge">subtask</span> <strong safe>{str(part.description) || "Sub-agent task"}</strong>
        {str(part.agent) ? <span class="muted" safe>{` @${str(part.agent)}`}</span> : ""}
      </div>
      {prompt ? <div class="md">{renderMarkdown(prompt.slice(0, 100_000), ctx.hl)}</div> : ""}
    </div>
  );
}
