import { obj, relPath, str } from "../lib/format.ts";
import { makePatch, patchStats, renderDiff } from "../lib/diff.ts";
import { Output } from "../parts/common.tsx";
import type { RenderCtx } from "../context.ts";
import type { ToolCall, ToolView } from "./types.ts";

/** The patch OpenCode recorded, or one computed from the edit's input while it has none (pending, error). */
export function editPatch(c: ToolCall): string | undefined {
  const recorded = str(c.metadata.diff) || str(obj(c.metadata.filediff).patch);
  if (recorded) return recorded;
  const before = str(c.input.oldString);
  const after = str(c.input.newString);
  if (!before && !after) return undefined;
  return makePatch(str(c.input.filePath), before, after);
}

export function DiffBlock(props: { patch: string | undefined; fallback?: { before: string; after: string }; ctx: RenderCtx }): JSX.Element {
  if (props.patch) {
    const stats = patchStats(props.patch);
    return (
      <div class="diff-wrap">
        <div class="diff-stats">
          <span class="add" safe>{`+${stats.additions}`}</span> <span class="del" safe>{`−${stats.deletions}`}</span>
        </div>
        {renderDiff(props.patch)}
      </div>
    );
  }
  if (!props.fallback) return "";
  // too large to diff on the server: show both sides
  return (
    <>
      <Output text={props.fallback.before} ctx={props.ctx} label="before" />
      <Output text={props.fallback.after} ctx={props.ctx} label="after" />
    </>
  );
}

export const edit: ToolView = {
  subject: (c, ctx) => relPath(str(c.input.filePath), ctx.root),
  body(c, ctx) {
    return (
      <>
        {c.input.replaceAll === true ? <div class="muted small">all occurrences</div> : ""}
        <DiffBlock
          patch={editPatch(c)}
          fallback={{ before: str(c.input.oldString), after: str(c.input.newString) }}
          ctx={ctx}
        />
      </>
    );
  },
};
