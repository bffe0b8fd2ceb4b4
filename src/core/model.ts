// The ShareData blob (DESIGN §3.1) and the native sync item (DESIGN §3.2).
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
