import { randomBytes, sameBytes, sha256Hex } from "./crypto.ts";

/** 24 random bytes, base64url: returned to the client once, never stored. */
export const newSecret = (): string => randomBytes(24).toString("base64url");

export const hashSecret = (secret: string): string => sha256Hex(secret);

/** Constant-time comparison of a presented secret with a stored sha256 hex digest. */
export function secretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented), "hex");
  const b = Buffer.from(storedHash, "hex");
  return sameBytes(a, b);
}
