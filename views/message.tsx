import { anchorId, arr, epoch, fmtCost, fmtDuration, fmtTime, isoTime, num, obj, str } from "./lib/format.ts";
import { renderPart } from "./parts/index.tsx";
import { roleClass, roleLabel, tokenSummary } from "./lib/shapes.ts";
import { errorMessage } from "./parts/retry.tsx";
import type { RenderCtx } from "./context.ts";

export function messageAnchor(info: Record<string, unknown>, index: number, prefix = ""): string {
  return "m-" + anchorId(info.id, `${prefix}i${index}`);
}

function MessageMeta(props: { info: Record<string, unknown> }): JSX.Element {
  const { info } = props;
  const time = obj(info.time);
  const created = epoch(time.created);
  const completed = epoch(time.completed);
  const bits: string[] = [];
  if (info.role === "assistant") {
    const model = str(info.modelID);
    if (model) bits.push(str(info.providerID) ? `${str(info.providerID)}/${model}` : model);
    bits.push(tokenSummary(info.tokens));
    bits.push(fmtCost(num(info.cost)));
    if (created !== undefined && completed !== undefined && completed >= created) bits.push(fmtDuration(completed - created));
  }
  return (
    <>
      {created !== undefined ? (
        <time datetime={isoTime(created)} safe>{fmtTime(created)}</time>
      ) : ""}
      {bits.length ? <span class="msg-meta" safe>{bits.join(" · ")}</span> : ""}
    </>
  );
}

/** One message; `index` is its position in its own session, used for fallback anchors. */
export function renderMessage(raw: unknown, index: number, ctx: RenderCtx): string {
  const m = obj(raw);
  const info = obj(m.info);
  const role = roleClass(info);
  const prefix = ctx.depth ? `d${ctx.depth}` : "";
  const id = messageAnchor(info, index, prefix);
  const agent = str(info.agent) || str(info.mode);
  const parts = arr(m.parts);
  let body = "";
  for (let j = 0; j < parts.length; j++) body += renderPart(parts[j], ctx, `${prefix}i${index}-${j}`);
  const error = info.error ? errorMessage(info.error) : "";
  const finish = str(info.finish);
  const head = (
    <header class="msg-head">
      <span class="role" safe>{roleLabel(info)}</span>
      {agent ? <span class="badge" safe>{agent}</span> : ""}
      <MessageMeta info={info} />
      <span class="msg-actions">
        <button type="button" class="copy js-only" data-copy="msg">Copy</button>
        <a class="anchor msg-link" href={`#${id}`} aria-label="Permalink to this message">#</a>
      </span>
    </header>
  );
  const tail =
    (error
      ? ((
          <div class="notice notice-error" role="note">
            <strong safe>{str(obj(info.error).name) || "Error"}</strong>
            <div class="error-text" safe>{error.slice(0, 10_000)}</div>
          </div>
        ) as string)
      : "") +
    (role === "assistant" && !completedTime(info) && !error ? `<div class="muted small">in progress…</div>` : "") +
    (finish && finish !== "stop" && finish !== "tool-calls" ? `<div class="muted small">finished: ${escapeFinish(finish)}</div>` : "");
  return `<article class="msg msg-${role}" id="${id}">${head}<div class="msg-body">${body}${tail}</div></article>`;
}

function completedTime(info: Record<string, unknown>): boolean {
  return epoch(obj(info.time).completed) !== undefined;
}

function escapeFinish(finish: string): string {
  return /^[\w-]{1,40}$/.test(finish) ? finish : "other";
}

export function renderMessages(messages: unknown[], ctx: RenderCtx, offset = 0): string {
  let out = "";
  for (let i = 0; i < messages.length; i++) out += renderMessage(messages[i], offset + i, ctx);
  return out;
}
