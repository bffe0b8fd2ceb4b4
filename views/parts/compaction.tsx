import { str, type Obj } from "../lib/format.ts";
import type { RenderCtx } from "../context.ts";
import { Prose } from "../lib/blocks.tsx";

/** Where OpenCode summarised the history to free context; OpenCode 2 keeps the summary, shown collapsed. */
export function CompactionPart(part: Obj, ctx: RenderCtx): JSX.Element {
  const status = str(part.status);
  const summary = str(part.summary);
  const recent = str(part.recent);
  return (
    <div class="notice">
      <strong>Context compacted</strong>
      <span class="muted">{part.auto === true ? " automatically, when the context was full" : " on request"}</span>
      {status && status !== "completed" ? <span class={["badge", status === "failed" ? "status-error" : ""]} safe>{status}</span> : ""}
      {summary ? (
        <details class="compaction-summary">
          <summary>Summary</summary>
          <Prose text={summary} ctx={ctx} />
        </details>
      ) : ""}
      {recent ? (
        <details class="compaction-summary">
          <summary>Recent work kept</summary>
          <Prose text={recent} ctx={ctx} />
        </details>
      ) : ""}
    </div>
  );
}
