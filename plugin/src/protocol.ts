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

export interface V2Tokens {
  input: number;
  output: number;
  reasoning: number;
  cache: { read: number; write: number };
}

export interface V2SessionInfo {
  id: string;
  title?: string;
  parentID?: string;
  model?: V2ModelRef;
  cost?: number;
  tokens?: V2Tokens;
  time: { created: number; updated?: number };
  [key: string]: unknown;
}

/** One entry of a 2.x transcript; `type` is user, assistant, synthetic, system, skill, shell, compaction, *-switched, idle, or a later one. */
export interface V2Message {
  id: string;
  type: string;
  time: { created: number; completed?: number };
  metadata?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface V2SubSession {
  session: V2SessionInfo;
  messages: V2Message[];
}

export interface ShareDataV2 {
  format: "opencode-v2";
  shareId: string;
  sessionId: string;
  createdAt: number;
  updatedAt: number;
  session: V2SessionInfo;
  messages: V2Message[];
  subsessions?: Record<string, V2SubSession>;
}

/** What the plugin uploads for one share. */
export type Upload = ShareData | ShareDataV2;
