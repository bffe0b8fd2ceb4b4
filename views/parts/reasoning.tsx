import { epoch, fmtDuration, obj, str, type Obj } from "../lib/format.ts";
import { MARKDOWN_MAX_CHARS, renderMarkdown } from "../lib/markdown.ts";
import type { RenderCtx } from "../context.ts";
import { Output } from "../lib/blocks.tsx";

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
      {text.length <= MARKDOWN_MAX_CHARS ? (
        <div class="md">{renderMarkdown(text, ctx.hl)}</div>
      ) : (
        <Output text={text} ctx={ctx} />
      )}
    </details>
  );
}
