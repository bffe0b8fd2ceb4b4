import type { Obj } from "../lib/format.ts";
import type { RenderCtx } from "../context.ts";

/** A tool call with its state flattened; every field is present whatever the shape on disk. */
export interface ToolCall {
  part: Obj;
  tool: string;
  status: string;
  input: Obj;
  metadata: Obj;
  output: string;
  error: string;
  title: string;
}

export interface ToolView {
  /** One line for the header: the command, path or pattern the call was about. */
  subject(call: ToolCall, ctx: RenderCtx): string;
  body(call: ToolCall, ctx: RenderCtx): JSX.Element;
}
