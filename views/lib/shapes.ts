// Readers that turn a stored part into the fields renderers need. Pages, the
// page planner and the Markdown export all read a part through these, so a
// shape is interpreted in one place.
import { arr, fmtTokens, num, obj, str, type Obj } from "./format.ts";
import { makePatch } from "./diff.ts";

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
  /** Files the tool returned. */
  attachments: unknown[];
  /** While the model is still writing the call: its input so far, as text. */
  raw: string;
}

const STATUSES = new Set(["pending", "running", "completed", "error"]);

export function toolCall(part: Obj): ToolCall {
  const state = obj(part.state);
  const status = str(state.status);
  return {
    part,
    tool: str(part.tool) || "tool",
    status: STATUSES.has(status) ? status : "unknown",
    input: obj(state.input),
    metadata: obj(state.metadata),
    output: str(state.output),
    error: str(state.error),
    title: str(state.title),
    attachments: arr(state.attachments),
    raw: status === "pending" ? str(state.raw) : "",
  };
}

/** A task call's child session id: recorded in metadata, or named in the output by newer OpenCode versions. */
export function taskSessionId(c: ToolCall): string {
  const id = str(c.metadata.sessionId) || str(c.metadata.sessionID) || str(obj(c.metadata.session).id);
  if (id) return id;
  const m = /task_id:\s*(ses_[0-9A-Za-z]+)/.exec(c.output.slice(0, 2000));
  return m ? m[1]! : "";
}

/** The patch OpenCode recorded for an edit, or one computed from its input while it has none (pending, error). */
export function editPatch(c: ToolCall): string | undefined {
  const recorded = str(c.metadata.diff) || str(obj(c.metadata.filediff).patch);
  if (recorded) return recorded;
  const before = str(c.input.oldString);
  const after = str(c.input.newString);
  if (!before && !after) return undefined;
  return makePatch(str(c.input.filePath), before, after);
}

/** "1.2k in · 300 out · …" for a tokens object of a message or step. */
export function tokenSummary(tokensRaw: unknown): string {
  const t = obj(tokensRaw);
  const cache = obj(t.cache);
  const bits = [`${fmtTokens(num(t.input))} in`, `${fmtTokens(num(t.output))} out`];
  if (num(t.reasoning)) bits.push(`${fmtTokens(num(t.reasoning))} reasoning`);
  if (num(cache.read)) bits.push(`${fmtTokens(num(cache.read))} cache read`);
  if (num(cache.write)) bits.push(`${fmtTokens(num(cache.write))} cache write`);
  return bits.join(" · ");
}

/** The heading of a message: who or what it is from. */
export function roleLabel(info: Obj): string {
  const role = str(info.role);
  if (role === "user") return "User";
  if (role === "assistant") return "Assistant";
  return role ? role[0]!.toUpperCase() + role.slice(1, 40) : "Message";
}

/** Roles with their own look; any other is "other". */
const ROLE_CLASSES = new Set(["user", "assistant", "system", "skill", "shell", "event"]);

export function roleClass(info: Obj): string {
  const role = str(info.role);
  return ROLE_CLASSES.has(role) ? role : "other";
}
