import { str, type Obj } from "../lib/format.ts";
import { MARKDOWN_MAX_CHARS, renderMarkdown } from "../lib/markdown.ts";
import type { RenderCtx } from "../context.ts";
import { Output } from "../lib/blocks.tsx";

export function TextPart(part: Obj, ctx: RenderCtx): JSX.Element {
  const text = str(part.text);
  const flags = [part.synthetic === true ? "synthetic" : "", part.ignored === true ? "ignored" : ""].filter(Boolean);
  const body =
    text.length <= MARKDOWN_MAX_CHARS ? (
      <div class="md">{renderMarkdown(text, ctx.hl)}</div>
    ) : (
      <Output text={text} ctx={ctx} />
    );
  if (!flags.length) return body;
  return (
    <details class="synthetic">
      <summary safe>{`${flags.join(", ")} text (added by OpenCode, not typed by the user)`}</summary>
      {body}
    </details>
  );
}

