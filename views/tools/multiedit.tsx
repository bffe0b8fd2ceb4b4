import { arr, obj, relPath, str } from "../lib/format.ts";
import { makePatch } from "../lib/diff.ts";
import { DiffBlock } from "./edit.tsx";
import { dataMarkdown, fence, outputMarkdown } from "../lib/markdown-out.ts";
import type { ToolView } from "./types.ts";

export const multiedit: ToolView = {
  subject: (c, ctx) => relPath(str(c.input.filePath), ctx.root),
  body(c, ctx) {
    const recorded = str(c.metadata.diff) || str(obj(c.metadata.filediff).patch);
    if (recorded) return <DiffBlock patch={recorded} ctx={ctx} />;
    const path = str(c.input.filePath);
    return arr(c.input.edits)
      .map((e) => {
        const before = str(obj(e).oldString);
        const after = str(obj(e).newString);
        return <DiffBlock patch={makePatch(path, before, after)} fallback={{ before, after }} ctx={ctx} />;
      })
      .join("");
  },
  markdown(c) {
    const recorded = str(c.metadata.diff) || str(obj(c.metadata.filediff).patch);
    return recorded ? `\`${str(c.input.filePath)}\`\n\n` + fence(recorded, "diff") + outputMarkdown(c) : dataMarkdown(c);
  },
};
