import { str } from "../lib/format.ts";
import { DiffBlock } from "./edit.tsx";
import { Output } from "../lib/blocks.tsx";
import { dataMarkdown, fence, outputMarkdown } from "../lib/markdown-out.ts";
import type { ToolView } from "./types.ts";

/** patch / apply_patch: prefer the unified diff OpenCode recorded; the input is in its own envelope format. */
export const applyPatch: ToolView = {
  subject: (c) => {
    const m = /\*\*\* (?:Update|Add|Delete) File: (.+)/.exec(str(c.input.patchText).slice(0, 4000));
    return m ? m[1]! : str(c.title);
  },
  body(c, ctx) {
    const diff = str(c.metadata.diff);
    if (diff) return <DiffBlock patch={diff} ctx={ctx} />;
    const text = str(c.input.patchText) || str(c.input.patch) || str(c.input.diff);
    return (
      <>
        {text ? <Output text={text} lang="diff" ctx={ctx} /> : ""}
        {c.output ? <Output text={c.output} ctx={ctx} /> : ""}
      </>
    );
  },
  markdown(c) {
    const diff = str(c.metadata.diff);
    return diff ? fence(diff, "diff") + outputMarkdown(c) : dataMarkdown(c);
  },
};
