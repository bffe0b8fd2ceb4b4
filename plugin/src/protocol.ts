import type { Message, Part, Session } from "@opencode-ai/sdk";

// What the plugin and the better-share server agree on: id rules, the upload
// protocol's request and response bodies, and the two upload shapes (an
// OpenCode 1.x session and an OpenCode 2 session). The server keeps its own
// copy in src/core; test/contract checks that the two stay assignable to each
// other and accept the same ids. Nothing here may import from the server.

export const SHARE_ID_RE = /^[0-9A-Za-z]{8}$/;
/** OpenCode session ids; the server caps their length, so the plugin does too. */
export const SESSION_ID_RE = /^ses_[0-9A-Za-z]{8,120}$/;

export const isShareId = (v: unknown): v is string => typeof v === "string" && SHARE_ID_RE.test(v);
export const isSessionId = (v: unknown): v is string => typeof v === "string" && SESSION_ID_RE.test(v);

/** The share id of a session: its last 8 characters. */
export function shareIdOf(sessionId: string): string {
  return sessionId.slice(-8);
}

// ---------------------------------------------------------------------------
// Upload protocol bodies.

export interface CreateShareRequest {
  shareId: string;
  sessionId: string;
  size?: number;
  /** Seconds until the server deletes the share (at least 60); only sent when the user asked for it. */
  expiresIn?: number;
}

/** `GET /api/share/:id/stats`: the owner's figures for a share. */
export interface ShareStats {
  views: number;
  sizeBytes: number | null;
  createdAt: string;
  updatedAt: string;
  shareExpiresAt: string | null;
  owner: string | null;
}

export interface CreatedShare {
  presignedUrl: string;
  secret: string;
  url: string;
  expiresAt: string;
}

export interface Presigned {
  presignedUrl: string;
  url: string;
  expiresAt: string;
}

// ---------------------------------------------------------------------------
// OpenCode 1.x upload: OpenCode's own session, messages and parts.

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
}

// ---------------------------------------------------------------------------
// OpenCode 2 upload: the session info and `ctx.session.context(...).data`
// verbatim (after redaction); the server renders this shape itself.

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
  format: "opencode-v2";
  shareId: string;
  sessionId: string;
  createdAt: number;
  updatedAt: number;
  session: V2Session;
  messages: V2Message[];
  subsessions?: Record<string, V2SubSession>;
}

/** What the plugin uploads for one share. */
export type Upload = ShareData | ShareDataV2;
