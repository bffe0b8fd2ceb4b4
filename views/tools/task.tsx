import { obj, str } from "../lib/format.ts";
import { Prose } from "../lib/blocks.tsx";
import type { RenderCtx } from "../context.ts";
import { taskSessionId } from "../lib/shapes.ts";
import { dataMarkdown } from "../lib/markdown-out.ts";
import type { ToolView } from "./types.ts";

/** Sub-sessions deeper than this are linked by title only; nobody reads a tenth level. */
const MAX_DEPTH = 4;

function stripResultTags(text: string): string {
  return text.replace(/^\s*task_id:.*\n+/, "").replace(/<\/?task_result>/g, "").trim();
}

export function SubSessionBlock(props: { id: string; ctx: RenderCtx; open?: boolean }): JSX.Element {
  const { ctx, id } = props;
  const sub = ctx.subsessions[id];
  if (!sub || ctx.placed.has(id)) return "";
  ctx.placed.add(id);
  const messages = Array.isArray(sub.messages) ? sub.messages : [];
  const title = str(obj(sub.session).title) || "Sub-agent session";
  if (ctx.depth >= MAX_DEPTH) {
    return <p class="muted" safe>{`Sub-agent session "${title}" (${messages.length} messages) is nested too deep to show here.`}</p>;
  }
  const safeInner = ctx.renderMessages(messages, { ...ctx, depth: ctx.depth + 1 });
  return (
    <details class="subsession" open={props.open}>
      <summary safe>{`Sub-agent session: ${title} · ${messages.length} message${messages.length === 1 ? "" : "s"}`}</summary>
      <div class="subsession-body">{safeInner}</div>
    </details>
  );
}

export const task: ToolView = {
  subject: (c) => str(c.input.description) || str(c.title),
  body(c, ctx) {
    const prompt = str(c.input.prompt);
    const agent = str(c.input.subagent_type) || str(c.input.agent);
    const result = stripResultTags(c.output);
    return (
      <>
        {agent ? <div class="small"><span class="badge" safe>{`@${agent}`}</span></div> : ""}
        {prompt ? (
          <details class="task-prompt">
            <summary>Prompt</summary>
            <Prose text={prompt} ctx={ctx} />
          </details>
        ) : ""}
        <SubSessionBlock id={taskSessionId(c)} ctx={ctx} />
        {result ? (
          <div class="task-result">
            <div class="muted small">Result</div>
            <Prose text={result} ctx={ctx} />
          </div>
        ) : ""}
      </>
    );
  },
  markdown: (c, m) => dataMarkdown(c) + m.subsession(taskSessionId(c)),
};
