// Random bytes, SHA-256, HMAC-SHA-256 and constant-time comparison on Bun's
// native primitives. node:crypto would give the same results, but loading it
// also loads Node's stream classes: the largest single cost of a server's
// start before this module replaced it.

export const randomBytes = (n: number): Buffer => crypto.getRandomValues(Buffer.alloc(n));

/** SHA-256 of the UTF-8 text, lowercase hex. */
export const sha256Hex = (text: string): string => new Bun.CryptoHasher("sha256").update(text).digest("hex");

export const hmacSha256 = (key: Uint8Array, text: string): Buffer => new Bun.CryptoHasher("sha256", key).update(text).digest();

/** True when `a` and `b` hold the same bytes, taking the same time wherever they differ. */
export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && crypto.timingSafeEqual(a, b);
