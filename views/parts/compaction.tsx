import type { Obj } from "../lib/format.ts";

/** Where OpenCode summarised the history to free context. */
export function CompactionPart(part: Obj): JSX.Element {
  return (
    <div class="notice">
      <strong>Context compacted</strong>
      <span class="muted">{part.auto === true ? " automatically, when the context was full" : " on request"}</span>
    </div>
  );
}
