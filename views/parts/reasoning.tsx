import { epoch, fmtDuration, obj, str, type Obj } from "../lib/format.ts";
import type { RenderCtx } from "../context.ts";
import { Prose } from "../lib/blocks.tsx";

/** Collapsed by default: reasoning is long and secondary to what the agent did. */
export function ReasoningPart(part: Obj, ctx: RenderCtx): JSX.Element {
  const text = str(part.text);
  const time = obj(part.time);
  const start = epoch(time.start);
  const end = epoch(time.end);
  const took = start !== undefined && end !== undefined && end >= start ? ` · ${fmtDuration(end - start)}` : "";
  return (
    <details class="reasoning">
      <summary safe>{`Thinking${took}`}</summary>
      <Prose text={text} ctx={ctx} />
    </details>
  );
}
