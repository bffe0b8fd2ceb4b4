import { relPath, str } from "../lib/format.ts";
import { patchStats, renderDiff } from "../lib/diff.ts";
import { editPatch } from "../lib/shapes.ts";
import { Output } from "../lib/blocks.tsx";
import type { RenderCtx } from "../context.ts";
import { fence, outputMarkdown } from "../lib/markdown-out.ts";
import type { ToolView } from "./types.ts";

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
  markdown(c) {
    const patch = editPatch(c);
    return `\`${str(c.input.filePath)}\`\n\n` + (patch ? fence(patch, "diff") : "") + outputMarkdown(c);
  },
};
