import { prettyJson, str } from "../lib/format.ts";
import { Output } from "../lib/blocks.tsx";
import { dataMarkdown } from "../lib/markdown-out.ts";
import type { ToolView } from "./types.ts";

/** MCP and unknown tools: their input and output as data. */
export const generic: ToolView = {
  subject: (c) => str(c.title),
  body(c, ctx) {
    const hasInput = Object.keys(c.input).length > 0;
    let output = c.output;
    let lang: string | undefined;
    if (/^\s*[[{]/.test(output) && output.length < 200_000) {
      try {
        output = JSON.stringify(JSON.parse(output), null, 2);
        lang = "json";
      } catch {}
    }
    return (
      <>
        {hasInput ? <Output text={prettyJson(c.input)} lang="json" ctx={ctx} label="input" /> : ""}
        {output ? <Output text={output} lang={lang} ctx={ctx} label="output" /> : ""}
      </>
    );
  },
  markdown: dataMarkdown,
};
