// Creation tokens (README, "Creation tokens"): one per person, shown once, stored as sha256.
// A token is "bst_" + 32 random bytes in base64url. Its first 12 characters
// after the prefix are a selector that finds the stored row; the sha256 of the
// whole token is then compared in constant time, so the store's index lookup
// never compares secret material.
import { randomBytes, sameBytes, sha256Hex } from "./crypto.ts";
import type { ShareStore } from "../stores/share-store.ts";

export const TOKEN_PREFIX = "bst_";
const TOKEN_RE = /^bst_[A-Za-z0-9_-]{43}$/;
const SELECTOR_LENGTH = 12;

/** Names people and scripts can type: letters, digits and . _ @ - (1-64). */
export const TOKEN_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export const hashToken = (token: string): string => sha256Hex(token);

export function newToken(): { token: string; selector: string; tokenHash: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, selector: selectorOf(token), tokenHash: hashToken(token) };
}

const selectorOf = (token: string) => token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + SELECTOR_LENGTH);

export type TokenCheck =
  | { ok: true; name: string; id: number }
  | { ok: false; reason: "malformed" | "unknown" | "revoked" | "expired"; name?: string; at?: number };

/**
 * Looks a presented token up and checks it against every stored candidate in
 * constant time. No cache: each creation reads the store, so a revocation is
 * seen by every instance on the next request.
 */
export async function checkToken(store: ShareStore, presented: string, now: number = Date.now()): Promise<TokenCheck> {
  const token = presented.trim();
  if (!TOKEN_RE.test(token)) return { ok: false, reason: "malformed" };
  const want = Buffer.from(hashToken(token), "hex");
  const candidates = await store.findTokens(selectorOf(token));
  const match = candidates.find((c) => sameBytes(Buffer.from(c.tokenHash, "hex"), want));
  if (!match) return { ok: false, reason: "unknown" };
  if (match.revokedAt !== null) return { ok: false, reason: "revoked", name: match.name, at: match.revokedAt };
  if (match.expiresAt !== null && match.expiresAt <= now) return { ok: false, reason: "expired", name: match.name, at: match.expiresAt };
  return { ok: true, name: match.name, id: match.id };
}
