import { num, obj, optNum, relPath, str } from "../lib/format.ts";
import { languageForPath } from "../lib/highlight.ts";
import { Output } from "../lib/blocks.tsx";
import { dataMarkdown } from "../lib/markdown-out.ts";
import type { ToolView } from "./types.ts";

export const read: ToolView = {
  subject: (c, ctx) => relPath(str(c.input.filePath), ctx.root),
  body(c, ctx) {
    const path = str(c.input.filePath);
    const display = obj(c.metadata.display);
    const text = str(display.text);
    const offset = optNum(c.input.offset);
    const limit = optNum(c.input.limit);
    let range = "";
    if (text && optNum(display.lineStart) !== undefined) {
      range = `lines ${num(display.lineStart)}–${num(display.lineEnd)}${optNum(display.totalLines) ? ` of ${num(display.totalLines)}` : ""}`;
    } else if (offset !== undefined || limit !== undefined) {
      range = `from line ${offset ?? 1}${limit !== undefined ? `, ${limit} lines` : ""}`;
    }
    return (
      <>
        <div class="muted small path" safe>{range ? `${path} · ${range}` : path}</div>
        {text ? (
          <Output text={text} lang={languageForPath(path)} ctx={ctx} />
        ) : c.output ? (
          <Output text={c.output} ctx={ctx} />
        ) : ""}
      </>
    );
  },
  markdown: dataMarkdown,
};
