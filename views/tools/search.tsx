// grep, glob and list: a pattern or directory and the matches found.
import { optNum, relPath, str } from "../lib/format.ts";
import { Output } from "../lib/blocks.tsx";
import { dataMarkdown } from "../lib/markdown-out.ts";
import type { ToolCall, ToolView } from "./types.ts";
import type { RenderCtx } from "../context.ts";

function Results(c: ToolCall, ctx: RenderCtx, fields: [string, string][]): JSX.Element {
  const count = optNum(c.metadata.matches) ?? optNum(c.metadata.count);
  return (
    <>
      <dl class="kv">
        {fields
          .filter(([, v]) => v)
          .map(([k, v]) => (
            <>
              <dt safe>{k}</dt>
              <dd><code safe>{v}</code></dd>
            </>
          ))}
        {count !== undefined ? (
          <>
            <dt>results</dt>
            <dd safe>{String(count)}</dd>
          </>
        ) : ""}
      </dl>
      {c.output ? <Output text={c.output} ctx={ctx} /> : ""}
    </>
  );
}

export const grep: ToolView = {
  subject: (c) => str(c.input.pattern),
  body: (c, ctx) =>
    Results(c, ctx, [
      ["pattern", str(c.input.pattern)],
      ["in", relPath(str(c.input.path), ctx.root)],
      ["include", str(c.input.include)],
    ]),
  markdown: dataMarkdown,
};

export const glob: ToolView = {
  subject: (c) => str(c.input.pattern),
  body: (c, ctx) =>
    Results(c, ctx, [
      ["pattern", str(c.input.pattern)],
      ["in", relPath(str(c.input.path), ctx.root)],
    ]),
  markdown: dataMarkdown,
};

export const list: ToolView = {
  subject: (c, ctx) => relPath(str(c.input.path), ctx.root) || ".",
  body: (c, ctx) => Results(c, ctx, [["path", str(c.input.path)]]),
  markdown: dataMarkdown,
};
