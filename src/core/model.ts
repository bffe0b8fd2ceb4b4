// The ShareData blob (README, "HTTP API"), the native sync item (README, "Native protocol") and
// the blob of a share made from OpenCode 2.
// Session, Message and Part are OpenCode's own types; they are imported as
// types only so nothing from the SDK ends up in the binary.
import type { Message, Part, Session } from "@opencode-ai/sdk";

export type { Message, Part, Session };

export interface MessageWithParts {
  info: Message;
  parts: Part[];
}

export interface SubSession {
  session: Session;
  messages: MessageWithParts[];
}

export interface ShareData {
  shareId: string;
  sessionId: string;
  createdAt: number;
  updatedAt: number;
  session: Session;
  messages: MessageWithParts[];
  subsessions?: Record<string, SubSession>;
  /** Native-protocol extras kept so `/data` can hand them back to `opencode import`. */
  sessionDiff?: unknown[];
  models?: unknown[];
}

export type NativeItemType = "session" | "message" | "part" | "session_diff" | "model";

export interface NativeItem {
  type: NativeItemType;
  data: unknown;
}

// ---- OpenCode 2.x (README "OpenCode 2 transcripts") -------------------------
// A share made from OpenCode 2 keeps the 2.x transcript as the host gave it;
// the server converts it for the page (src/core/opencode-v2.ts) and
// GET /api/share/:id returns it unchanged. Field names follow the 2.x
// server's OpenAPI document (test/fixtures/opencode-2-preview/) and the newer
// 2.x builds' message types; where builds differ, both spellings are allowed.

/** `format` of a 2.x share; a 1.x ShareData has no `format`. */
export const SHARE_FORMAT_V2 = "opencode-v2";

export interface V2ModelRef {
  id: string;
  providerID: string;
  variant?: string;
}

export interface V2Location {
  directory: string;
  workspaceID?: string;
}

export interface V2Tokens {
  input: number;
  output: number;
  reasoning: number;
  cache: { read: number; write: number };
}

export interface V2FileDiff {
  path: string;
  status?: "added" | "modified" | "deleted";
  additions: number;
  deletions: number;
  patch?: string;
}

export interface V2Session {
  id: string;
  parentID?: string;
  projectID?: string;
  title?: string;
  agent?: string;
  model?: V2ModelRef;
  cost?: number;
  tokens?: V2Tokens;
  time: { created: number; updated: number; idle?: number; archived?: number };
  location?: V2Location;
  subpath?: string;
  outcome?: "succeeded" | "failed" | "interrupted";
  revert?: { messageID: string; partID?: string; snapshot?: string; diff?: string; files?: V2FileDiff[] };
  [key: string]: unknown;
}

/** A file given with a prompt or returned by a tool. */
export interface V2FileAttachment {
  uri: string;
  mime?: string;
  name?: string;
  description?: string;
  source?: { start: number; end: number; text: string };
}

interface V2MessageBase {
  id: string;
  metadata?: Record<string, unknown>;
  time: { created: number; completed?: number };
}

export interface V2UserMessage extends V2MessageBase {
  type: "user";
  text: string;
  files?: V2FileAttachment[];
  agents?: Array<{ name: string; source?: { start: number; end: number; text: string } }>;
}

export interface V2SyntheticMessage extends V2MessageBase {
  type: "synthetic";
  text: string;
  sessionID?: string;
  description?: string;
}

export interface V2SystemMessage extends V2MessageBase {
  type: "system";
  text: string;
}

export interface V2SkillMessage extends V2MessageBase {
  type: "skill";
  name: string;
  text?: string;
}

export interface V2ShellMessage extends V2MessageBase {
  type: "shell";
  command: string;
  callID?: string;
  shellID?: string;
  status?: string;
  exit?: number;
  /** A string in the preview build, `{output, truncated}` in newer ones. */
  output?: string | { output: string; truncated: boolean };
}

/** What a tool returned: text, or a file. */
export type V2ToolOutput = { type: "text"; text: string } | { type: "file"; uri: string; mime: string; name?: string };

export type V2ToolState =
  /** The model is still writing the call; `input` is the partial JSON so far ("pending" in the preview build). */
  | { status: "streaming" | "pending"; input: string }
  | { status: "running"; input: Record<string, unknown>; structured?: Record<string, unknown>; content?: V2ToolOutput[] }
  | {
      status: "completed";
      input: Record<string, unknown>;
      content: V2ToolOutput[];
      structured?: Record<string, unknown>;
      outputPaths?: string[];
      attachments?: V2FileAttachment[];
      result?: unknown;
    }
  | {
      status: "error";
      input: Record<string, unknown>;
      error: { type: string; message: string };
      content?: V2ToolOutput[];
      structured?: Record<string, unknown>;
      result?: unknown;
    };

export interface V2TextContent {
  type: "text";
  id?: string;
  text: string;
}

export interface V2ReasoningContent {
  type: "reasoning";
  id?: string;
  text: string;
  providerMetadata?: Record<string, unknown>;
  time?: { created: number; completed?: number };
}

export interface V2ToolContent {
  type: "tool";
  id: string;
  name: string;
  state: V2ToolState;
  provider?: { executed: boolean; metadata?: Record<string, unknown>; resultMetadata?: Record<string, unknown> };
  executed?: boolean;
  time: { created: number; ran?: number; completed?: number; pruned?: number };
}

export type V2AssistantContent = V2TextContent | V2ReasoningContent | V2ToolContent;

export interface V2AssistantMessage extends V2MessageBase {
  type: "assistant";
  agent?: string;
  model?: V2ModelRef;
  content: V2AssistantContent[];
  snapshot?: { start?: string; end?: string; files?: string[] };
  finish?: string;
  cost?: number;
  tokens?: V2Tokens;
  error?: { type: string; message: string };
}

export interface V2CompactionMessage extends V2MessageBase {
  type: "compaction";
  reason?: string;
  status?: "running" | "completed" | "failed";
  summary?: string;
  recent?: string;
}

export interface V2AgentSwitchedMessage extends V2MessageBase {
  type: "agent-switched";
  agent: string;
  previous?: string;
}

export interface V2ModelSwitchedMessage extends V2MessageBase {
  type: "model-switched";
  model: V2ModelRef;
  previous?: V2ModelRef;
}

export interface V2LocationSwitchedMessage extends V2MessageBase {
  type: "location-switched";
  location: V2Location;
  previous?: { location?: V2Location };
}

export interface V2IdleMessage extends V2MessageBase {
  type: "idle";
}

export type V2Message =
  | V2UserMessage
  | V2SyntheticMessage
  | V2SystemMessage
  | V2SkillMessage
  | V2ShellMessage
  | V2AssistantMessage
  | V2CompactionMessage
  | V2AgentSwitchedMessage
  | V2ModelSwitchedMessage
  | V2LocationSwitchedMessage
  | V2IdleMessage;

export interface V2SubSession {
  session: V2Session;
  messages: V2Message[];
}

/** The blob of a share made from OpenCode 2: the host's session and `ctx.session.context(...).data`, verbatim after redaction. */
export interface ShareDataV2 {
  format: typeof SHARE_FORMAT_V2;
  shareId: string;
  sessionId: string;
  createdAt: number;
  updatedAt: number;
  session: V2Session;
  messages: V2Message[];
  subsessions?: Record<string, V2SubSession>;
}

/** Any blob a share may hold: 1.x ShareData (no `format`) or a 2.x one. */
export type AnyShareData = ShareData | ShareDataV2;

export function isShareDataV2(data: AnyShareData): data is ShareDataV2 {
  return (data as { format?: unknown }).format === SHARE_FORMAT_V2;
}
