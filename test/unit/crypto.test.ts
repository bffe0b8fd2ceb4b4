import { describe, expect, test } from "bun:test";
import { createHash, createHmac } from "node:crypto";
import { hmacSha256, randomBytes, sameBytes, sha256Hex } from "../../src/core/crypto.ts";

describe("crypto primitives", () => {
  test("SHA-256 and HMAC-SHA-256 give the published test vectors and agree with node:crypto", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    // RFC 4231, test case 2.
    expect(hmacSha256(Buffer.from("Jefe"), "what do ya want for nothing?").toString("hex")).toBe(
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
    const text = "ünïcödé ✓ text";
    const key = randomBytes(32);
    expect(sha256Hex(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
    expect(hmacSha256(key, text).equals(createHmac("sha256", key).update(text).digest())).toBe(true);
  });

  test("random bytes have the asked length and differ between calls", () => {
    const a = randomBytes(32);
    expect(a).toBeInstanceOf(Buffer);
    expect(a.length).toBe(32);
    expect(a.equals(randomBytes(32))).toBe(false);
    expect(a.toString("base64url")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test("sameBytes compares contents, and different lengths are simply unequal", () => {
    expect(sameBytes(Buffer.from("abc"), Buffer.from("abc"))).toBe(true);
    expect(sameBytes(Buffer.from("abc"), Buffer.from("abd"))).toBe(false);
    expect(sameBytes(Buffer.from("abc"), Buffer.from("abcd"))).toBe(false);
    expect(sameBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
