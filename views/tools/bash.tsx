import { optNum, str } from "../lib/format.ts";
import { highlight } from "../lib/highlight.ts";
import { Output } from "../lib/blocks.tsx";
import { fence, outputMarkdown } from "../lib/markdown-out.ts";
import type { ToolView } from "./types.ts";

export const bash: ToolView = {
  subject: (c) => str(c.input.description) || str(c.input.command).split("\n")[0]!.slice(0, 200),
  body(c, ctx) {
    const command = str(c.input.command);
    // while running, the partial output lives in metadata
    const output = c.output || str(c.metadata.output);
    const exit = optNum(c.metadata.exit) ?? optNum(c.metadata.exitCode);
    const workdir = str(c.input.workdir);
    return (
      <>
        <div class="cmd">
          <button type="button" class="copy js-only" data-copy="cmd">Copy</button>
          <pre><code class="hljs language-bash">{highlight(command.slice(0, 100_000), "bash", ctx.hl)}</code></pre>
        </div>
        {workdir ? <div class="muted small path" safe>{`in ${workdir}`}</div> : ""}
        {output ? <Output text={output} ctx={ctx} class="term" /> : ""}
        {exit !== undefined ? (
          <div class={["exit", exit === 0 ? "exit-ok" : "exit-fail"]} safe>{`exit ${exit}`}</div>
        ) : ""}
      </>
    );
  },
  markdown: (c) => fence(str(c.input.command), "bash") + outputMarkdown(c),
};
