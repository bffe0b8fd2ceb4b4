// Upload protocol (README, "HTTP API") over app.handle on the embedded stores: every
// route with good and bad inputs.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BASE, createTestApp, uploadShare, uploadTo, type TestApp } from "../helpers/app.ts";
import { runScenarios } from "../helpers/scenario.ts";
import { shareDataFixture as fixture } from "../helpers/fixtures.ts";

const SES = "ses_df22f7536ffedYzOPY8O3MpUrh";
const ID = "8O3MpUrh";

let app: TestApp;
const vars: Record<string, string> = {};

beforeAll(async () => {
  app = await createTestApp({ MAX_SHARE_BYTES: "100000" });
  const s = await uploadShare(app, SES, fixture);
  vars.secret = s.secret;
  vars.id = s.shareId;
  // A share whose upload never happened, and one whose blob is not ShareData.
  const pending = await app.req("POST", "/api/share/presign", { body: { shareId: "Pending1", sessionId: "ses_xxxxxxxxPending1" } });
  vars.pendingSecret = ((await pending.json()) as any).secret;
  await uploadShare(app, "ses_xxxxxxxxCorrupt1", { not: "a share" });
});
afterAll(() => app.close());

describe("POST /api/share/presign", () => {
  runScenarios(() => app, () => vars, [
    { name: "new session", method: "POST", path: "/api/share/presign", body: { shareId: "NewShar1", sessionId: "ses_abcdefghNewShar1", size: 10 }, status: 200, contains: ['"presignedUrl"', '"secret"', `"url":"${BASE}/share/NewShar1"`, '"expiresAt"'] },
    { name: "without size", method: "POST", path: "/api/share/presign", body: { shareId: "NewShar2", sessionId: "ses_abcdefghNewShar2" }, status: 200 },
    { name: "already shared", method: "POST", path: "/api/share/presign", body: { shareId: ID, sessionId: SES }, status: 409, code: "SHARE_EXISTS" },
    { name: "malformed JSON", method: "POST", path: "/api/share/presign", raw: '{"shareId": ', headers: { "content-type": "application/json" }, status: 400, code: "INVALID_JSON" },
    { name: "empty body", method: "POST", path: "/api/share/presign", raw: "", headers: { "content-type": "application/json" }, status: 400, code: "INVALID_JSON" },
    { name: "JSON array", method: "POST", path: "/api/share/presign", body: [1], status: 400, code: "INVALID_JSON" },
    { name: "form content type", method: "POST", path: "/api/share/presign", raw: "shareId=x", headers: { "content-type": "application/x-www-form-urlencoded" }, status: 415, code: "UNSUPPORTED_MEDIA_TYPE" },
    { name: "garbage bytes", method: "POST", path: "/api/share/presign", raw: "\xff\xfe", headers: { "content-type": "application/json" }, status: 400 },
    { name: "missing shareId", method: "POST", path: "/api/share/presign", body: { sessionId: SES }, status: 400, code: "INVALID_SHARE_ID" },
    { name: "path traversal shareId", method: "POST", path: "/api/share/presign", body: { shareId: "../../..", sessionId: "ses_abcdefgh../../.." }, status: 400, code: "INVALID_SHARE_ID" },
    { name: "shareId too long", method: "POST", path: "/api/share/presign", body: { shareId: "ABCDEFGHI", sessionId: "ses_abcdefgABCDEFGHI" }, status: 400, code: "INVALID_SHARE_ID" },
    { name: "numeric shareId", method: "POST", path: "/api/share/presign", body: { shareId: 12345678, sessionId: "ses_abcd12345678" }, status: 400, code: "INVALID_SHARE_ID" },
    { name: "bad sessionId", method: "POST", path: "/api/share/presign", body: { shareId: "ABCDEFGH", sessionId: "session-ABCDEFGH" }, status: 400, code: "INVALID_SESSION_ID" },
    { name: "huge sessionId", method: "POST", path: "/api/share/presign", body: { shareId: "ABCDEFGH", sessionId: "ses_" + "a".repeat(5000) + "ABCDEFGH" }, status: 400, code: "INVALID_SESSION_ID" },
    { name: "shareId not the session's tail", method: "POST", path: "/api/share/presign", body: { shareId: "ABCDEFGH", sessionId: "ses_abcdefghZZZZZZZZ" }, status: 400, code: "ID_MISMATCH" },
    { name: "unknown field", method: "POST", path: "/api/share/presign", body: { shareId: "ABCDEFGH", sessionId: "ses_abcdefghABCDEFGH", secret: "x" }, status: 400, code: "UNKNOWN_FIELD" },
    { name: "negative size", method: "POST", path: "/api/share/presign", body: { shareId: "ABCDEFGH", sessionId: "ses_abcdefghABCDEFGH", size: -1 }, status: 400, code: "INVALID_SIZE" },
    { name: "string size", method: "POST", path: "/api/share/presign", body: { shareId: "ABCDEFGH", sessionId: "ses_abcdefghABCDEFGH", size: "10" }, status: 400, code: "INVALID_SIZE" },
    { name: "size over MAX_SHARE_BYTES", method: "POST", path: "/api/share/presign", body: { shareId: "ABCDEFGH", sessionId: "ses_abcdefghABCDEFGH", size: 100001 }, status: 413, code: "TOO_LARGE" },
    { name: "oversize body", method: "POST", path: "/api/share/presign", raw: JSON.stringify({ shareId: "ABCDEFGH", pad: "x".repeat(20000) }), headers: { "content-type": "application/json" }, status: 413, code: "BODY_TOO_LARGE" },
  ]);
});

describe("POST /api/share/:id/presign", () => {
  runScenarios(() => app, () => vars, [
    { name: "right secret", method: "POST", path: "/api/share/{id}/presign", body: { size: 50 }, headers: { "x-share-secret": "{secret}" }, status: 200, contains: ['"presignedUrl"', `/share/${ID}"`, '"expiresAt"'], absent: ['"secret"'] },
    { name: "right secret, no body", method: "POST", path: "/api/share/{id}/presign", headers: { "x-share-secret": "{secret}" }, status: 200 },
    { name: "bad id before anything else", method: "POST", path: "/api/share/bad!id!!/presign", body: { size: -5 }, status: 400, code: "INVALID_SHARE_ID" },
    { name: "bad body before existence", method: "POST", path: "/api/share/Unknown1/presign", body: { size: "x" }, status: 400, code: "INVALID_SIZE" },
    { name: "unknown share before auth", method: "POST", path: "/api/share/Unknown1/presign", body: {}, status: 404, code: "NOT_FOUND" },
    { name: "missing secret", method: "POST", path: "/api/share/{id}/presign", body: {}, status: 401, code: "MISSING_SECRET" },
    { name: "wrong secret", method: "POST", path: "/api/share/{id}/presign", body: {}, headers: { "x-share-secret": "nope" }, status: 403, code: "INVALID_SECRET" },
    { name: "another share's secret", method: "POST", path: "/api/share/Pending1/presign", body: {}, headers: { "x-share-secret": "{secret}" }, status: 403, code: "INVALID_SECRET" },
    { name: "size over limit after auth", method: "POST", path: "/api/share/{id}/presign", body: { size: 100001 }, headers: { "x-share-secret": "{secret}" }, status: 413, code: "TOO_LARGE" },
    { name: "unknown field", method: "POST", path: "/api/share/{id}/presign", body: { sise: 1 }, headers: { "x-share-secret": "{secret}" }, status: 400, code: "UNKNOWN_FIELD" },
  ]);
});

describe("GET /api/share/:id", () => {
  runScenarios(() => app, () => vars, [
    { name: "uploaded share", method: "GET", path: "/api/share/{id}", status: 200, contains: [SES, "Create and parameterize greet.sh"], responseHeaders: { "content-type": /application\/json/, "cache-control": "no-cache", etag: /^".+"$/, "x-content-type-options": "nosniff" } },
    { name: "bad id", method: "GET", path: "/api/share/..%2F..%2Fetc", status: 400, code: "INVALID_SHARE_ID" },
    { name: "unknown", method: "GET", path: "/api/share/Unknown1", status: 404, code: "NOT_FOUND" },
    { name: "created but never uploaded", method: "GET", path: "/api/share/Pending1", status: 404, code: "NOT_FOUND", contains: ["not finished"] },
    { name: "blob is not ShareData", method: "GET", path: "/api/share/Corrupt1", status: 422, code: "UNREADABLE" },
  ]);

  test("answers If-None-Match with 304 and the same ETag", async () => {
    const a = await app.req("GET", `/api/share/${ID}`);
    const etag = a.headers.get("etag")!;
    const b = await app.req("GET", `/api/share/${ID}`, { headers: { "if-none-match": etag } });
    expect(b.status).toBe(304);
    expect(b.headers.get("etag")).toBe(etag);
  });

  test("returns exactly the uploaded ShareData", async () => {
    const res = await app.req("GET", `/api/share/${ID}`);
    expect(await res.json()).toEqual(fixture as any);
  });

  test("shows a re-upload at once (revalidated on every request)", async () => {
    const s = await uploadShare(app, "ses_abcdefghReload01".replace("Reload01", "Reload01"), { ...fixture, shareId: "Reload01" });
    const p = await app.req("POST", `/api/share/${s.shareId}/presign`, { headers: { "x-share-secret": s.secret }, body: {} });
    const { presignedUrl } = (await p.json()) as any;
    const changed = { ...fixture, shareId: "Reload01", session: { ...fixture.session, title: "A new title" } };
    expect((await uploadTo(app, presignedUrl, JSON.stringify(changed))).status).toBe(200);
    const res = await app.req("GET", `/api/share/${s.shareId}`);
    expect(((await res.json()) as any).session.title).toBe("A new title");
  });

  test("a user-controlled blob that looks like HTML is still served as JSON", async () => {
    const s = await uploadShare(app, "ses_abcdefghHtmlBlob", { ...fixture, shareId: "HtmlBlob", session: { ...fixture.session, title: "<script>alert(1)</script>" } });
    const res = await app.req("GET", `/api/share/${s.shareId}`);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
  });
});

describe("DELETE /api/share/:id", () => {
  runScenarios(() => app, () => vars, [
    { name: "bad id", method: "DELETE", path: "/api/share/a.b", status: 400, code: "INVALID_SHARE_ID" },
    { name: "unknown", method: "DELETE", path: "/api/share/Unknown1", headers: { "x-share-secret": "x" }, status: 404, code: "NOT_FOUND" },
    { name: "missing secret", method: "DELETE", path: "/api/share/{id}", status: 401, code: "MISSING_SECRET" },
    { name: "wrong secret", method: "DELETE", path: "/api/share/{id}", headers: { "x-share-secret": "wrong" }, status: 403, code: "INVALID_SECRET" },
    { name: "secret of wrong type in body", method: "DELETE", path: "/api/share/{id}", body: { secret: 5 }, status: 400, code: "INVALID_SECRET_FIELD" },
  ]);

  test("a malformed body secret is refused even when the header carries the right one", async () => {
    const res = await app.req("DELETE", `/api/share/${vars.id}`, { headers: { "x-share-secret": vars.secret! }, body: { secret: 7 } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).code).toBe("INVALID_SECRET_FIELD");
    expect((await app.req("GET", `/api/share/${vars.id}`)).status).toBe(200);
  });

  test("with the header secret: removes blob and row, then 404 everywhere", async () => {
    const s = await uploadShare(app, "ses_abcdefghDelete01", { ...fixture, shareId: "Delete01" });
    const blob = join(app.dir, "blobs", "sessions", "Delete01.json");
    expect(existsSync(blob)).toBe(true);
    const res = await app.req("DELETE", "/api/share/Delete01", { headers: { "x-share-secret": s.secret } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(existsSync(blob)).toBe(false);
    expect(await app.shares.get("Delete01")).toBeNull();
    expect((await app.req("GET", "/api/share/Delete01")).status).toBe(404);
    expect((await app.req("GET", "/share/Delete01")).status).toBe(404);
    expect((await app.req("DELETE", "/api/share/Delete01", { headers: { "x-share-secret": s.secret } })).status).toBe(404);
  });

  test("with the secret in the body", async () => {
    const s = await uploadShare(app, "ses_abcdefghDelete02", { ...fixture, shareId: "Delete02" });
    const res = await app.req("DELETE", "/api/share/Delete02", { body: { secret: s.secret } });
    expect(res.status).toBe(200);
    expect(await app.shares.get("Delete02")).toBeNull();
  });

  test("a retry after a blob-store failure completes the job", async () => {
    const s = await uploadShare(app, "ses_abcdefghDelete03", { ...fixture, shareId: "Delete03" });
    const realDelete = app.blobs.delete.bind(app.blobs);
    app.blobs.delete = async () => {
      throw new Error("storage is down");
    };
    const failed = await app.req("DELETE", "/api/share/Delete03", { headers: { "x-share-secret": s.secret } });
    app.blobs.delete = realDelete;
    expect(failed.status).toBe(503);
    expect(await failed.text()).not.toContain("storage is down");
    // Nothing half-done: the row is still there, so the owner can retry.
    expect(await app.shares.get("Delete03")).not.toBeNull();
    const retry = await app.req("DELETE", "/api/share/Delete03", { headers: { "x-share-secret": s.secret } });
    expect(retry.status).toBe(200);
    expect(await app.shares.get("Delete03")).toBeNull();
  });

  test("an upload URL issued before the delete cannot bring the share back", async () => {
    const s = await uploadShare(app, "ses_abcdefghDelete04", { ...fixture, shareId: "Delete04" });
    const p = await app.req("POST", "/api/share/Delete04/presign", { headers: { "x-share-secret": s.secret }, body: {} });
    const { presignedUrl } = (await p.json()) as any;
    await app.req("DELETE", "/api/share/Delete04", { headers: { "x-share-secret": s.secret } });
    expect((await uploadTo(app, presignedUrl, JSON.stringify(fixture))).status).toBe(404);
    expect(existsSync(join(app.dir, "blobs", "sessions", "Delete04.json"))).toBe(false);
  });
});

describe("secrets", () => {
  test("are 24 random bytes in base64url, different each time, and stored only as sha256", async () => {
    const a = await uploadShare(app, "ses_abcdefghSecret01", fixture);
    const b = await uploadShare(app, "ses_abcdefghSecret02", fixture);
    expect(a.secret).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(a.secret).not.toBe(b.secret);
    const rec = (await app.shares.get("Secret01"))!;
    expect(rec.secretHash).toBe(new Bun.CryptoHasher("sha256").update(a.secret).digest("hex"));
    expect(rec.secretHash).not.toContain(a.secret);
  });
});

describe("PUT /api/blob/:id (disk uploads)", () => {
  test("refuses unsigned, tampered and wrong-length uploads", async () => {
    const p = await app.req("POST", `/api/share/${ID}/presign`, { headers: { "x-share-secret": vars.secret! }, body: { size: 10 } });
    const { presignedUrl } = (await p.json()) as any;
    expect((await app.req("PUT", `/api/blob/${ID}`, { raw: "x" })).status).toBe(403);
    expect((await uploadTo(app, presignedUrl.replace("size=10", "size=11"), "x".repeat(11))).status).toBe(403);
    const wrong = await uploadTo(app, presignedUrl, "x".repeat(12));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as any).code).toBe("SIZE_MISMATCH");
    expect((await app.req("PUT", "/api/blob/..%2Fx", { raw: "x" })).status).toBe(400);
    // The good blob is untouched by all of that.
    expect((await app.req("GET", `/api/share/${ID}`)).status).toBe(200);
  });
});

describe("health, unknown routes and methods", () => {
  runScenarios(() => app, () => vars, [
    { name: "health", method: "GET", path: "/api/health", status: 200, contains: ['"ok":true', '"version"', '"share":"sqlite: ok"', '"blob":"disk: ok"'] },
    { name: "unknown API route", method: "GET", path: "/api/nothing", status: 404, code: "NOT_FOUND_ROUTE" },
    { name: "wrong method on a share", method: "PUT", path: "/api/share/{id}", status: 405, code: "METHOD_NOT_ALLOWED", responseHeaders: { allow: "GET, HEAD, DELETE" } },
    { name: "wrong method on presign", method: "GET", path: "/api/share/presign", status: 400, code: "INVALID_SHARE_ID" },
    { name: "wrong method on health", method: "POST", path: "/api/health", status: 405, code: "METHOD_NOT_ALLOWED" },
    { name: "unknown page", method: "GET", path: "/nothing/here", status: 404, contains: ["Not found"], responseHeaders: { "content-type": /text\/html/ } },
  ]);

  test("health is 503 when a store is down, and recovers (checks are shared for a second)", async () => {
    const realPing = app.blobs.ping.bind(app.blobs);
    app.blobs.ping = async () => {
      throw new Error("down");
    };
    await Bun.sleep(1100);
    const res = await app.req("GET", "/api/health");
    app.blobs.ping = realPing;
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false, stores: { blob: "disk: down" } });
    await Bun.sleep(1100);
    expect((await app.req("GET", "/api/health")).status).toBe(200);
  });

  test("every response carries the security headers and a log line", async () => {
    const before = app.logs.length;
    const res = await app.req("GET", "/api/health");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(app.logs.slice(before).some((l) => /^GET \/api\/health 200 [\d.]+ms$/.test(l))).toBe(true);
  });
});
