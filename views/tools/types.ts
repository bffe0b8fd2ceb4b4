import type { RenderCtx } from "../context.ts";
import type { ToolCall } from "../lib/shapes.ts";

export type { ToolCall };

/** What the Markdown export gives a tool: where it is, and how to write a sub-agent session. */
export interface MarkdownCtx {
  depth: number;
  /** The Markdown of a sub-agent session placed under a task call ("" if none or already written). */
  subsession(id: string): string;
}

/** One tool's whole presentation: adding a tool is this object in one file, plus one line in index.ts. */
export interface ToolView {
  /** One line for the header: the command, path or pattern the call was about. */
  subject(call: ToolCall, ctx: RenderCtx): string;
  body(call: ToolCall, ctx: RenderCtx): JSX.Element;
  /** The call in the Markdown export, after its "Tool: name (status)" line and before any error. */
  markdown(call: ToolCall, ctx: MarkdownCtx): string;
}
