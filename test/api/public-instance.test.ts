// Running a public instance (README) over app.handle, on both store pairs: creation tokens
// (CREATE_ACCESS, CREATE_ALLOW_CIDRS) for both protocols, owners, and
// READ_ONLY. Order of checks: id → body shape → token → existence → limits.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { newToken } from "../../src/core/tokens.ts";
import type { ShareStore } from "../../src/stores/share-store.ts";
import { BASE, createTestApp, uploadShare, type TestApp } from "../helpers/app.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";
import { runScenarios } from "../helpers/scenario.ts";
import { storePairs } from "../helpers/store-pairs.ts";

const PAIRS = storePairs("pub");

async function issue(store: ShareStore, name: string, expiresAt: number | null = null): Promise<string> {
  const t = newToken();
  expect(await store.createToken({ name, selector: t.selector, tokenHash: t.tokenHash, expiresAt })).toBe("created");
  return t.token;
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const createBody = (id: string) => ({ shareId: id, sessionId: `ses_abcdefgh${id}` });

for (const pair of PAIRS) {
  describe(`CREATE_ACCESS=token (${pair.name})`, () => {
    let app: TestApp;
    const vars: Record<string, string> = {};
    beforeAll(async () => {
      app = await createTestApp(
        { CREATE_ACCESS: "token", CREATE_ALLOW_CIDRS: "10.0.0.0/8, fd00::/8", TRUST_PROXY: "true", MAX_SHARE_BYTES: "100000" },
        await pair.open(),
      );
      vars.alice = await issue(app.shares, "alice");
      vars.bob = await issue(app.shares, "bob");
      vars.gone = await issue(app.shares, "gone");
      expect(await app.shares.revokeToken("gone")).toBe(true);
      vars.old = await issue(app.shares, "old", Date.now() - 1000);
      // An existing share, made with a token.
      const r = await app.req("POST", "/api/share/presign", { body: createBody("Existin1"), headers: bearer(vars.alice) });
      expect(r.status).toBe(200);
      vars.secret = ((await r.json()) as { secret: string }).secret;
      const n = await app.req("POST", "/api/share", { body: { sessionID: "ses_abcdefghNatExst1" }, headers: bearer(vars.alice) });
      expect(n.status).toBe(200);
      vars.nativeSecret = ((await n.json()) as { secret: string }).secret;
    });
    afterAll(() => app.close());

    describe("POST /api/share/presign", () => {
      runScenarios(() => app, () => vars, [
        { name: "no token", method: "POST", path: "/api/share/presign", body: createBody("NoToken1"), status: 401, code: "TOKEN_REQUIRED", contains: ["Authorization: Bearer", "BETTER_SHARE_TOKEN"] },
        { name: "bad id before the token", method: "POST", path: "/api/share/presign", body: { shareId: "bad!", sessionId: "ses_abcdefghbad!" }, status: 400, code: "INVALID_SHARE_ID" },
        { name: "bad body shape before the token", method: "POST", path: "/api/share/presign", body: { ...createBody("Shape001"), extra: 1 }, status: 400, code: "UNKNOWN_FIELD" },
        { name: "bad size before the token", method: "POST", path: "/api/share/presign", body: { ...createBody("Shape002"), size: -1 }, status: 400, code: "INVALID_SIZE" },
        { name: "malformed JSON before the token", method: "POST", path: "/api/share/presign", raw: "{", headers: { "content-type": "application/json" }, status: 400, code: "INVALID_JSON" },
        { name: "unknown token", method: "POST", path: "/api/share/presign", body: createBody("Unknown1"), headers: bearer("bst_" + "A".repeat(43)), status: 403, code: "INVALID_TOKEN", contains: ["not known"] },
        { name: "not a token", method: "POST", path: "/api/share/presign", body: createBody("Unknown2"), headers: bearer("hunter2"), status: 403, code: "INVALID_TOKEN", contains: ["bst_"] },
        { name: "revoked token", method: "POST", path: "/api/share/presign", body: createBody("Revoked1"), headers: bearer("{gone}"), status: 403, code: "INVALID_TOKEN", contains: ["revoked"] },
        { name: "expired token", method: "POST", path: "/api/share/presign", body: createBody("Expired1"), headers: bearer("{old}"), status: 403, code: "INVALID_TOKEN", contains: ["expired"] },
        { name: "Basic instead of Bearer", method: "POST", path: "/api/share/presign", body: createBody("Basic001"), headers: { authorization: "Basic YWxpY2U6eA==" }, status: 401, code: "TOKEN_REQUIRED" },
        { name: "empty Bearer", method: "POST", path: "/api/share/presign", body: createBody("Empty001"), headers: { authorization: "Bearer " }, status: 401, code: "TOKEN_REQUIRED" },
        { name: "good token", method: "POST", path: "/api/share/presign", body: createBody("WithTok1"), headers: bearer("{alice}"), status: 200, contains: ['"presignedUrl"', '"secret"'], absent: ["{alice}"] },
        { name: "token with stray spaces, lower-case scheme", method: "POST", path: "/api/share/presign", body: createBody("WithTok2"), headers: { authorization: "bearer   {bob}  " }, status: 200 },
        { name: "existing share: token before existence", method: "POST", path: "/api/share/presign", body: createBody("Existin1"), status: 401, code: "TOKEN_REQUIRED" },
        { name: "existing share with a token", method: "POST", path: "/api/share/presign", body: createBody("Existin1"), headers: bearer("{alice}"), status: 409, code: "SHARE_EXISTS" },
        { name: "too large: token before limits", method: "POST", path: "/api/share/presign", body: { ...createBody("TooBig01"), size: 100001 }, status: 401, code: "TOKEN_REQUIRED" },
        { name: "too large with a token", method: "POST", path: "/api/share/presign", body: { ...createBody("TooBig01"), size: 100001 }, headers: bearer("{alice}"), status: 413, code: "TOO_LARGE" },
        { name: "allowed IPv4 network, no token", method: "POST", path: "/api/share/presign", body: createBody("Cidr0001"), headers: { "x-forwarded-for": "203.0.113.9, 10.20.30.40" }, status: 200 },
        { name: "allowed IPv6 network, no token", method: "POST", path: "/api/share/presign", body: createBody("Cidr0002"), headers: { "x-forwarded-for": "fd00::1234" }, status: 200 },
        { name: "outside the networks, no token", method: "POST", path: "/api/share/presign", body: createBody("Cidr0003"), headers: { "x-forwarded-for": "10.0.0.1, 11.0.0.1" }, status: 401, code: "TOKEN_REQUIRED" },
        { name: "allowed network, bad token still refused", method: "POST", path: "/api/share/presign", body: createBody("Cidr0004"), headers: { "x-forwarded-for": "10.1.1.1", ...bearer("{gone}") }, status: 403, code: "INVALID_TOKEN" },
      ]);
    });

    describe("POST /api/share (native create)", () => {
      runScenarios(() => app, () => vars, [
        { name: "no token", method: "POST", path: "/api/share", body: { sessionID: "ses_abcdefghNatNoTk1" }, status: 401, code: "TOKEN_REQUIRED" },
        { name: "bad session id before the token", method: "POST", path: "/api/share", body: { sessionID: "nope" }, status: 400, code: "INVALID_SESSION_ID" },
        { name: "unknown field before the token", method: "POST", path: "/api/share", body: { sessionID: "ses_abcdefghNatNoTk2", x: 1 }, status: 400, code: "UNKNOWN_FIELD" },
        { name: "revoked token", method: "POST", path: "/api/share", body: { sessionID: "ses_abcdefghNatRevk1" }, headers: bearer("{gone}"), status: 403, code: "INVALID_TOKEN" },
        { name: "expired token", method: "POST", path: "/api/share", body: { sessionID: "ses_abcdefghNatExpd1" }, headers: bearer("{old}"), status: 403, code: "INVALID_TOKEN" },
        { name: "good token", method: "POST", path: "/api/share", body: { sessionID: "ses_abcdefghNatGood1" }, headers: bearer("{alice}"), status: 200, contains: ['"id":"NatGood1"', '"secret"'] },
        { name: "already shared: token before existence", method: "POST", path: "/api/share", body: { sessionID: "ses_abcdefghNatExst1" }, status: 401, code: "TOKEN_REQUIRED" },
        { name: "already shared with a token", method: "POST", path: "/api/share", body: { sessionID: "ses_abcdefghNatExst1" }, headers: bearer("{alice}"), status: 409, code: "SHARE_EXISTS" },
        { name: "allowed network (zero-plugin OpenCode in the team network)", method: "POST", path: "/api/share", body: { sessionID: "ses_abcdefghNatCidr1" }, headers: { "x-forwarded-for": "10.9.9.9" }, status: 200 },
      ]);
    });

    describe("syncs and deletes stay authorised by the share secret alone", () => {
      runScenarios(() => app, () => vars, [
        { name: "upload sync without a token", method: "POST", path: "/api/share/Existin1/presign", body: {}, headers: { "x-share-secret": "{secret}" }, status: 200 },
        { name: "native sync without a token", method: "POST", path: "/api/share/NatExst1/sync", body: { secret: "{nativeSecret}", data: [{ type: "session", data: { id: "ses_abcdefghNatExst1", title: "t" } }] }, status: 200 },
        { name: "read without a token", method: "GET", path: "/api/share/NatExst1/data", status: 200 },
        { name: "a token is no secret", method: "DELETE", path: "/api/share/Existin1", headers: bearer("{alice}"), status: 401, code: "MISSING_SECRET" },
      ]);
    });

    test("shares remember the token's name as owner; none without a token; last use is recorded", async () => {
      expect((await app.shares.get("WithTok1"))!.owner).toBe("alice");
      expect((await app.shares.get("WithTok2"))!.owner).toBe("bob");
      expect((await app.shares.get("NatGood1"))!.owner).toBe("alice");
      expect((await app.shares.get("Cidr0001"))!.owner).toBeNull();
      expect((await app.shares.get("NatCidr1"))!.owner).toBeNull();
      for (const refused of ["NoToken1", "Revoked1", "Expired1", "Cidr0003", "NatRevk1", "NatNoTk1"]) expect(await app.shares.get(refused)).toBeNull();
      const list = await app.shares.listTokens();
      expect(list.find((t) => t.name === "alice")!.lastUsedAt).not.toBeNull();
      expect(list.find((t) => t.name === "gone")!.lastUsedAt).toBeNull();
    });

    test("the socket address counts when TRUST_PROXY is off", async () => {
      const config = loadConfig({ DATA_DIR: app.dir, BASE_URL: BASE, CREATE_ACCESS: "token", CREATE_ALLOW_CIDRS: "10.0.0.0/8", RATE_LIMIT_REQUESTS_PER_MINUTE: "100000" });
      const direct = createApp({ config, shares: app.shares, blobs: app.blobs, log: () => {} });
      const post = (id: string, peer: string, xff?: string) =>
        direct.handle(
          new Request(`${BASE}/api/share/presign`, {
            method: "POST",
            headers: { "content-type": "application/json", ...(xff ? { "x-forwarded-for": xff } : {}) },
            body: JSON.stringify(createBody(id)),
          }),
          peer,
        );
      expect((await post("Sock0001", "10.3.3.3")).status).toBe(200);
      expect((await post("Sock0002", "::ffff:10.3.3.3")).status).toBe(200);
      // A forged X-Forwarded-For is ignored without TRUST_PROXY.
      expect((await post("Sock0003", "198.51.100.7", "10.3.3.3")).status).toBe(401);
    });

    test("a token refusal is not counted against the creation limit, and comes before it", async () => {
      const limited = await createTestApp({ CREATE_ACCESS: "token", RATE_LIMIT_SHARES_PER_HOUR: "1", TRUST_PROXY: "true" }, { shares: app.shares, blobs: app.blobs });
      const from = { "x-forwarded-for": "198.51.100.77" };
      for (let i = 0; i < 3; i++) expect((await limited.req("POST", "/api/share/presign", { body: createBody(`Lim0000${i}`), headers: from })).status).toBe(401);
      expect((await limited.req("POST", "/api/share/presign", { body: createBody("Lim00010"), headers: { ...from, ...bearer(vars.alice!) } })).status).toBe(200);
      const over = await limited.req("POST", "/api/share/presign", { body: createBody("Lim00011"), headers: { ...from, ...bearer(vars.alice!) } });
      expect(over.status).toBe(429);
      // Over the limit, a request without a token still hears about the token first.
      expect((await limited.req("POST", "/api/share/presign", { body: createBody("Lim00012"), headers: from })).status).toBe(401);
    });

    test("a revoked token stops working on the next request of another app on the same store", async () => {
      const other = await createTestApp({ CREATE_ACCESS: "token" }, { shares: app.shares, blobs: app.blobs });
      const token = await issue(app.shares, "carol");
      expect((await other.req("POST", "/api/share/presign", { body: createBody("Carol001"), headers: bearer(token) })).status).toBe(200);
      expect(await app.shares.revokeToken("carol")).toBe(true);
      const r = await other.req("POST", "/api/share/presign", { body: createBody("Carol002"), headers: bearer(token) });
      expect(r.status).toBe(403);
      expect(((await r.json()) as { code: string }).code).toBe("INVALID_TOKEN");
    });
  });

  describe(`CREATE_ACCESS=open (${pair.name})`, () => {
    let app: TestApp;
    const vars: Record<string, string> = {};
    beforeAll(async () => {
      app = await createTestApp({}, await pair.open());
      vars.dave = await issue(app.shares, "dave");
      vars.gone = await issue(app.shares, "gone");
      await app.shares.revokeToken("gone");
    });
    afterAll(() => app.close());

    runScenarios(() => app, () => vars, [
      { name: "anyone may create", method: "POST", path: "/api/share/presign", body: createBody("Open0001"), status: 200 },
      { name: "native: anyone may create", method: "POST", path: "/api/share", body: { sessionID: "ses_abcdefghOpenNat1" }, status: 200 },
      { name: "a good token records its owner", method: "POST", path: "/api/share/presign", body: createBody("Open0002"), headers: bearer("{dave}"), status: 200 },
      { name: "a revoked token is refused even here", method: "POST", path: "/api/share/presign", body: createBody("Open0003"), headers: bearer("{gone}"), status: 403, code: "INVALID_TOKEN" },
    ]);

    test("owners", async () => {
      expect((await app.shares.get("Open0001"))!.owner).toBeNull();
      expect((await app.shares.get("Open0002"))!.owner).toBe("dave");
    });
  });

  describe(`READ_ONLY=true (${pair.name})`, () => {
    let writable: TestApp;
    let ro: TestApp;
    const vars: Record<string, string> = {};
    beforeAll(async () => {
      writable = await createTestApp({}, await pair.open());
      const s = await uploadShare(writable, "ses_abcdefghReadOnl1", fixture);
      vars.secret = s.secret;
      const pending = await writable.req("POST", "/api/share/presign", { body: createBody("Pending1") });
      vars.upload = ((await pending.json()) as { presignedUrl: string }).presignedUrl.slice(BASE.length);
      const n = await writable.req("POST", "/api/share", { body: { sessionID: "ses_abcdefghReadNat1" } });
      vars.nativeSecret = ((await n.json()) as { secret: string }).secret;
      await writable.req("POST", "/api/share/ReadNat1/sync", { body: { secret: vars.nativeSecret, data: [{ type: "session", data: { id: "ses_abcdefghReadNat1", title: "native" } }] } });
      ro = await createTestApp({ READ_ONLY: "true" }, { shares: writable.shares, blobs: writable.blobs });
    });
    afterAll(() => writable.close());

    runScenarios(() => ro, () => vars, [
      { name: "upload create", method: "POST", path: "/api/share/presign", body: createBody("RoNew001"), status: 503, code: "READ_ONLY", contains: ["read-only"] },
      { name: "native create", method: "POST", path: "/api/share", body: { sessionID: "ses_abcdefghRoNew002" }, status: 503, code: "READ_ONLY" },
      { name: "upload sync", method: "POST", path: "/api/share/ReadOnl1/presign", body: {}, headers: { "x-share-secret": "{secret}" }, status: 503, code: "READ_ONLY" },
      { name: "native sync", method: "POST", path: "/api/share/ReadNat1/sync", body: { secret: "{nativeSecret}", data: [] }, status: 503, code: "READ_ONLY" },
      { name: "share read", method: "GET", path: "/api/share/ReadOnl1", status: 200, contains: ["Create and parameterize greet.sh"] },
      { name: "native read", method: "GET", path: "/api/share/ReadNat1/data", status: 200, contains: ["native"] },
      { name: "page", method: "GET", path: "/share/ReadOnl1", status: 200, contains: ["<html"] },
      { name: "markdown", method: "GET", path: "/share/ReadOnl1.md", status: 200 },
      { name: "health", method: "GET", path: "/api/health", status: 200 },
      { name: "unknown share still 404 on read", method: "GET", path: "/api/share/Unknown9", status: 404, code: "NOT_FOUND" },
    ]);

    if (pair.name.startsWith("sqlite"))
      runScenarios(() => ro, () => vars, [
        { name: "upload to a signed URL", method: "PUT", path: "{upload}", raw: "{}", headers: { "content-type": "application/json" }, status: 503, code: "READ_ONLY" },
      ]);

    test("nothing was written, and the same stores accept writes again without READ_ONLY", async () => {
      expect(await ro.shares.get("RoNew001")).toBeNull();
      expect(await ro.shares.getBySession("ses_abcdefghRoNew002")).toBeNull();
      expect((await writable.req("POST", "/api/share/presign", { body: createBody("RoNew001") })).status).toBe(200);
    });
  });
}
