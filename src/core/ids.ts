// Identifier formats. Every id is checked here before it reaches a store, a
// file path or an object key.
import { randomBytes } from "./crypto.ts";

export const SHARE_ID_RE = /^[0-9A-Za-z]{8}$/;
export const SESSION_ID_RE = /^ses_[0-9A-Za-z]{8,120}$/;

export const isShareId = (v: unknown): v is string => typeof v === "string" && SHARE_ID_RE.test(v);
export const isSessionId = (v: unknown): v is string => typeof v === "string" && SESSION_ID_RE.test(v);

export const shareIdFromSession = (sessionId: string): string => sessionId.slice(-8);

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A fresh random share id in the same format as one derived from a session id. */
export function randomShareId(): string {
  // 62 does not divide 256: reject bytes ≥ 248 so every character is equally likely.
  let out = "";
  while (out.length < 8) {
    for (const b of randomBytes(16)) {
      if (b < 248 && out.length < 8) out += ALPHABET[b % 62];
    }
  }
  return out;
}

export const blobKey = (shareId: string): string => {
  if (!isShareId(shareId)) throw new Error("invalid share id");
  return `sessions/${shareId}.json`;
};
