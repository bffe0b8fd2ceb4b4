// Writing Markdown for the export (GET /share/:id.md). Fences are made longer
// than any backtick run inside them so content cannot close them early.
import { prettyJson, str } from "./format.ts";
import type { ToolCall } from "./shapes.ts";

export function fence(text: string, lang = ""): string {
  let longest = 2;
  const runs = text.match(/`{3,}/g);
  if (runs) for (const r of runs) longest = Math.max(longest, r.length);
  const f = "`".repeat(longest + 1);
  return `${f}${lang}\n${text}${text.endsWith("\n") ? "" : "\n"}${f}\n`;
}

/** A tool's input as JSON, when it has any. */
export function inputMarkdown(c: ToolCall): string {
  return Object.keys(c.input).length ? fence(prettyJson(c.input, Infinity), "json") : "";
}

/** What a tool printed (a running call keeps its partial output in metadata). */
export function outputMarkdown(c: ToolCall): string {
  const output = c.output || str(c.metadata.output);
  return output ? "\nOutput:\n\n" + fence(output) : "";
}

/** The form most tools take: input as data, then output. */
export function dataMarkdown(c: ToolCall): string {
  return inputMarkdown(c) + outputMarkdown(c);
}
