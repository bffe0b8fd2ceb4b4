import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** 24 random bytes, base64url: returned to the client once, never stored. */
export const newSecret = (): string => randomBytes(24).toString("base64url");

export const hashSecret = (secret: string): string => createHash("sha256").update(secret, "utf8").digest("hex");

/** Constant-time comparison of a presented secret with a stored sha256 hex digest. */
export function secretMatches(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
