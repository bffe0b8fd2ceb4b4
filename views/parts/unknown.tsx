import { prettyJson, str, type Obj } from "../lib/format.ts";
import type { RenderCtx } from "../context.ts";
import { Output } from "../lib/blocks.tsx";

/** Part types this page does not know yet are shown as data, never dropped. */
export function UnknownPart(part: Obj, ctx: RenderCtx): JSX.Element {
  const { id: _id, sessionID: _s, messageID: _m, ...rest } = part;
  return (
    <div class="unknown">
      <span class="badge" safe>{str(part.type) || "unknown part"}</span>
      <Output text={prettyJson(rest)} lang="json" ctx={ctx} />
    </div>
  );
}
