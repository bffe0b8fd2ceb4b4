// Rate limits (README, "Limits"): per-IP share creations per hour and /api
// requests per minute, with Retry-After, X-Forwarded-For only when trusted.
import { describe, expect, test } from "bun:test";
import { createTestApp } from "../helpers/app.ts";

const create = (i: number) => ({ shareId: `Rate${String(i).padStart(4, "0")}`, sessionId: `ses_abcdefghRate${String(i).padStart(4, "0")}` });

describe("share creation limit", () => {
  test("allows RATE_LIMIT_SHARES_PER_HOUR creations, then 429 with Retry-After", async () => {
    const app = await createTestApp({ RATE_LIMIT_SHARES_PER_HOUR: "3" });
    for (let i = 0; i < 3; i++) expect((await app.req("POST", "/api/share/presign", { body: create(i) })).status).toBe(200);
    const res = await app.req("POST", "/api/share/presign", { body: create(3) });
    expect(res.status).toBe(429);
    expect(((await res.json()) as any).code).toBe("RATE_LIMITED");
    const retry = Number(res.headers.get("retry-after"));
    expect(retry).toBeGreaterThan(0);
    expect(retry).toBeLessThanOrEqual(3600);
    // Native creation shares the same budget.
    expect((await app.req("POST", "/api/share", { body: { sessionID: "ses_nativeRate9999" } })).status).toBe(429);
    await app.close();
  });

  test("failed creations do not count", async () => {
    const app = await createTestApp({ RATE_LIMIT_SHARES_PER_HOUR: "2" });
    expect((await app.req("POST", "/api/share/presign", { body: create(0) })).status).toBe(200);
    for (let i = 0; i < 5; i++) expect((await app.req("POST", "/api/share/presign", { body: create(0) })).status).toBe(409);
    expect((await app.req("POST", "/api/share/presign", { body: create(1) })).status).toBe(200);
    expect((await app.req("POST", "/api/share/presign", { body: create(2) })).status).toBe(429);
    await app.close();
  });

  test("concurrent creations never exceed the limit", async () => {
    const app = await createTestApp({ RATE_LIMIT_SHARES_PER_HOUR: "5" });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => app.req("POST", "/api/share/presign", { body: create(i) })));
    expect(results.filter((r) => r.status === 200).length).toBe(5);
    expect(results.filter((r) => r.status === 429).length).toBe(15);
    await app.close();
  });
});

describe("request limit", () => {
  test("counts every /api request but not health, and answers 429 with Retry-After", async () => {
    const app = await createTestApp({ RATE_LIMIT_REQUESTS_PER_MINUTE: "5" });
    for (let i = 0; i < 5; i++) expect((await app.req("GET", "/api/share/Unknown1")).status).toBe(404);
    const res = await app.req("GET", "/api/share/Unknown1");
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await app.req("GET", "/api/health")).status).toBe(200);
    await app.close();
  });
});

describe("client address", () => {
  const spoofed = (ip: string) => ({ "x-forwarded-for": ip });

  test("X-Forwarded-For is ignored unless TRUST_PROXY=true", async () => {
    const app = await createTestApp({ RATE_LIMIT_SHARES_PER_HOUR: "1" });
    expect((await app.req("POST", "/api/share/presign", { body: create(0), headers: spoofed("10.0.0.1") })).status).toBe(200);
    expect((await app.req("POST", "/api/share/presign", { body: create(1), headers: spoofed("10.0.0.2") })).status).toBe(429);
    await app.close();
  });

  test("with TRUST_PROXY=true each forwarded client has its own budget (last hop counts)", async () => {
    const app = await createTestApp({ RATE_LIMIT_SHARES_PER_HOUR: "1", TRUST_PROXY: "true" });
    expect((await app.req("POST", "/api/share/presign", { body: create(0), headers: spoofed("10.0.0.1") })).status).toBe(200);
    expect((await app.req("POST", "/api/share/presign", { body: create(1), headers: spoofed("10.0.0.2") })).status).toBe(200);
    expect((await app.req("POST", "/api/share/presign", { body: create(2), headers: spoofed("10.0.0.1") })).status).toBe(429);
    // A client cannot escape by prepending addresses: the proxy appends the real one last.
    expect((await app.req("POST", "/api/share/presign", { body: create(3), headers: spoofed("1.1.1.1, 10.0.0.1") })).status).toBe(429);
    await app.close();
  });
});
