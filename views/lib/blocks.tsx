// Building blocks shared by part and tool renderers.
import type { Children } from "@kitajs/html";
import { countLines, fmtBytes } from "./format.ts";
import { highlight } from "./highlight.ts";
import { MARKDOWN_MAX_CHARS, renderMarkdown } from "./markdown.ts";
import type { RenderCtx } from "../context.ts";

/** Lines shown before "show more". */
export const PREVIEW_LINES = 14;
const PREVIEW_CHARS = 2_000;
/** Characters of one block placed in the page at all; the Markdown export and raw JSON have everything. */
export const BLOCK_MAX_CHARS = 200_000;

/** Index where the visible head of a long text ends (after a newline when possible). */
function splitPoint(text: string): number {
  let i = -1;
  for (let n = 0; n < PREVIEW_LINES; n++) {
    i = text.indexOf("\n", i + 1);
    if (i === -1 || i >= PREVIEW_CHARS) break;
  }
  if (i === -1 || i >= PREVIEW_CHARS) {
    if (text.length <= PREVIEW_CHARS) return text.length;
    const nl = text.lastIndexOf("\n", PREVIEW_CHARS);
    return nl > 0 ? nl + 1 : PREVIEW_CHARS;
  }
  return i + 1;
}

export function OmittedNote(props: { omitted: number }): JSX.Element {
  return (
    <p class="omitted" safe>
      {`… ${fmtBytes(props.omitted)} more not shown here; the Markdown export and the raw JSON have all of it.`}
    </p>
  );
}

/**
 * A preformatted block that shows its first lines and keeps the rest in a
 * `<details>`, so "show more" works without JavaScript.
 */
export function Output(props: {
  text: string;
  lang?: string;
  ctx: RenderCtx;
  class?: string;
  label?: string;
}): JSX.Element {
  let text = props.text;
  let omitted = 0;
  if (text.length > BLOCK_MAX_CHARS) {
    omitted = text.length - BLOCK_MAX_CHARS;
    text = text.slice(0, BLOCK_MAX_CHARS);
  }
  const cut = splitPoint(text);
  const head = text.slice(0, cut);
  const rest = text.slice(cut);
  const code = (t: string): JSX.Element => highlight(t, props.lang, props.ctx.hl);
  const cls = props.lang ? `hljs language-${props.lang}` : undefined;
  const restLines = rest ? countLines(rest.endsWith("\n") ? rest.slice(0, -1) : rest) : 0;
  return (
    <div class={["out", props.class]}>
      {props.label ? <span class="out-label" safe>{props.label}</span> : ""}
      <button type="button" class="copy js-only" data-copy="out">Copy</button>
      <pre><code class={cls}>{code(head)}</code></pre>
      {rest ? (
        <details class="more">
          <summary safe>{`Show ${restLines} more line${restLines === 1 ? "" : "s"}`}</summary>
          <pre><code class={cls}>{code(rest)}</code></pre>
        </details>
      ) : ""}
      {omitted ? <OmittedNote omitted={omitted} /> : ""}
    </div>
  );
}

export function Field(props: { name: string; children: Children }): JSX.Element {
  return (
    <div class="field">
      <span class="field-name" safe>{props.name}</span>
      <span class="field-value">{props.children}</span>
    </div>
  );
}

/** Text written in Markdown: rendered, or shown as text with "show more" when too long to render. */
export function Prose(props: { text: string; ctx: RenderCtx }): JSX.Element {
  return props.text.length <= MARKDOWN_MAX_CHARS ? (
    <div class="md">{renderMarkdown(props.text, props.ctx.hl)}</div>
  ) : (
    <Output text={props.text} ctx={props.ctx} />
  );
}
