import { str, type Obj } from "../lib/format.ts";
import type { RenderCtx } from "../context.ts";
import { Prose } from "../lib/blocks.tsx";

export function TextPart(part: Obj, ctx: RenderCtx): JSX.Element {
  const flags = [part.synthetic === true ? "synthetic" : "", part.ignored === true ? "ignored" : ""].filter(Boolean);
  const body = <Prose text={str(part.text)} ctx={ctx} />;
  if (!flags.length) return body;
  const description = str(part.description);
  return (
    <details class="synthetic">
      <summary safe>{`${flags.join(", ")} text (added by OpenCode, not typed by the user)${description ? `: ${description.slice(0, 300)}` : ""}`}</summary>
      {body}
    </details>
  );
}
