// What every renderer needs besides the part itself.
import type { MessageWithParts, SubSession } from "../src/core/model.ts";

export interface RenderCtx {
  shareId: string;
  /** Session directory: paths inside it are shown relative. */
  root: string;
  /** Characters of code still allowed through the highlighter on this page. */
  hl: { chars: number };
  subsessions: Record<string, SubSession>;
  /** Sub-sessions already placed under a task call (also breaks cycles). */
  placed: Set<string>;
  depth: number;
  /** Renders a sub-agent session's messages; set by the page so tools need not import it. */
  renderMessages: (messages: MessageWithParts[], ctx: RenderCtx) => string;
}
