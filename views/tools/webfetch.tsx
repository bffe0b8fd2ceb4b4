import { escapeHtml } from "@kitajs/html";
import { str } from "../lib/format.ts";
import { Output } from "../lib/blocks.tsx";
import { dataMarkdown } from "../lib/markdown-out.ts";
import type { ToolView } from "./types.ts";

export const webfetch: ToolView = {
  subject: (c) => str(c.input.url),
  body(c, ctx) {
    const url = str(c.input.url);
    const format = str(c.input.format);
    return (
      <>
        <div class="small">
          {/^https?:\/\//i.test(url) ? (
            <a href={escapeHtml(url)} rel="nofollow noopener noreferrer" target="_blank" safe>{url}</a>
          ) : (
            <code safe>{url}</code>
          )}
          {format ? <span class="muted" safe>{` as ${format}`}</span> : ""}
        </div>
        {c.output ? <Output text={c.output} lang={format === "html" ? undefined : format === "markdown" ? "markdown" : undefined} ctx={ctx} /> : ""}
      </>
    );
  },
  markdown: dataMarkdown,
};

/** websearch / codesearch: a query and what came back. */
export const websearch: ToolView = {
  subject: (c) => str(c.input.query),
  body(c, ctx) {
    return (
      <>
        <div class="small"><span class="muted">query </span><code safe>{str(c.input.query)}</code></div>
        {c.output ? <Output text={c.output} ctx={ctx} /> : ""}
      </>
    );
  },
  markdown: dataMarkdown,
};
