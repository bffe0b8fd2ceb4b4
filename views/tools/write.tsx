import { relPath, str } from "../lib/format.ts";
import { languageForPath } from "../lib/highlight.ts";
import { Output } from "../lib/blocks.tsx";
import { fence, outputMarkdown } from "../lib/markdown-out.ts";
import type { ToolView } from "./types.ts";

export const write: ToolView = {
  subject: (c, ctx) => relPath(str(c.input.filePath), ctx.root),
  body(c, ctx) {
    const path = str(c.input.filePath);
    const content = str(c.input.content);
    const verb = c.metadata.exists === true ? "Overwrote" : c.metadata.exists === false ? "Created" : "Wrote";
    return (
      <>
        <div class="muted small path" safe>{`${verb} ${path}`}</div>
        <Output text={content} lang={languageForPath(path)} ctx={ctx} />
      </>
    );
  },
  markdown: (c) => `\`${str(c.input.filePath)}\`\n\n` + fence(str(c.input.content)) + outputMarkdown(c),
};
